/*-------------------------------------------------------------------------
 *
 * mesh/type_map.h
 *		  Avro and Protobuf types and the PostgreSQL types they map to
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_TYPE_MAP_H
#define MESH_MESH_TYPE_MAP_H

#include "core/avro_schema.h"
#include "core/json_schema.h"
#include "core/protobuf.h"

extern char *mesh_avro_pg_type(const MeshAvroType *type, bool *nullable);
/* The PostgreSQL type of a JSON Schema property's column (README's table). */
extern const char *mesh_json_schema_pg_type(const MeshJsonSchema *prop);
extern char *mesh_json_schema_type_label(const MeshJsonSchema *prop);
/* The PostgreSQL type of a Protobuf field's column (README's table). */
extern const char *mesh_pb_pg_type(const MeshPbFile *file, const MeshPbField *field);
extern char *mesh_pb_type_label(const MeshPbFile *file, const MeshPbField *field);
extern bool mesh_pb_nullable(const MeshPbField *field);
/* a non-nullable field's zero value as an SQL literal (IMPORT's DEFAULT) */
extern const char *mesh_pb_zero_literal(const MeshPbFile *file, const MeshPbField *field);
extern char *mesh_avro_type_label(const MeshAvroType *type);
extern const MeshAvroType *mesh_avro_nonnull_branch(const MeshAvroType *type);

/* The elements of a one-dimensional array Datum, deconstructed. */
typedef struct MeshArrayItems
{
	Oid			elemtype;
	Datum	   *values;
	bool	   *nulls;
	int			n;
} MeshArrayItems;

extern void mesh_array_items(Datum array, MeshArrayItems *items);

#endif							/* MESH_MESH_TYPE_MAP_H */
