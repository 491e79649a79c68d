/*-------------------------------------------------------------------------
 *
 * fdw/table.h
 *		  What a foreign table reads: its topic, formats, mode and columns, resolved against its data product
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_FDW_TABLE_H
#define MESH_FDW_TABLE_H

#include "mesh/continuous.h"

#include "core/avro_decode.h"
#include "core/options.h"
#include "foreign/foreign.h"
#include "kafka/client.h"
#include "mesh/convert.h"

/* In the order of core/options.c's mesh_value_formats. */
typedef enum MeshFormat
{
	MESH_FORMAT_AVRO,
	MESH_FORMAT_JSON,
	MESH_FORMAT_TEXT,
	MESH_FORMAT_BYTES,
	MESH_FORMAT_PROTOBUF
} MeshFormat;

/* In the order of core/options.c's mesh_on_error_modes. */
typedef enum MeshOnError
{
	MESH_ON_ERROR_ERROR,
	MESH_ON_ERROR_SKIP,
	MESH_ON_ERROR_NULL
} MeshOnError;


typedef struct MeshColumn
{
	MeshColumnKind kind;
	char	   *name;
	char	   *field;			/* source field (option "field" or the name) */
	MeshColumnType type;
	int			slot;			/* MESH_COLUMN_FIELD: index in target.slots */
} MeshColumn;

typedef struct MeshTable
{
	Oid			relid;
	char	   *relname;
	ForeignServer *server;
	MeshConnection *conn;
	char	   *product;		/* qualified name, or NULL for a raw topic */
	char	   *topic;
	MeshFormat	value_format;
	MeshFormat	key_format;
	bool		table_mode;
	MeshOnError on_error;
	bool		transactional;
	char	   *bookmark;		/* option "bookmark", or NULL */
	char	   *message;		/* option "message" (Protobuf), or NULL */
	char	   *protobuf_schema;	/* a Protobuf product's, or NULL */
	List	   *protobuf_references;	/* its imports' (MeshRegistryReference *) */
	int			protobuf_id;	/* its registry id (0: unknown) */
	bool		debezium;		/* envelope 'debezium': change events */
	int			natts;			/* columns[attnum - 1] */
	MeshColumn *columns;
	MeshAvroType *reader_schema;	/* the product's current schema, or NULL */
	List	   *product_schemas;	/* MeshProductSchema *, all versions */
	MeshAvroTarget target;		/* one slot per field column */
} MeshTable;

extern MeshTable *mesh_table_load(Oid relid, int elevel);
/* For continuous products: whether a foreign table is a mesh stream. */
extern bool mesh_table_input_info(Oid relid, MeshInputInfo *info);
extern const char *mesh_table_describe(const MeshTable *table);

#endif							/* MESH_FDW_TABLE_H */
