/*-------------------------------------------------------------------------
 *
 * mesh/product.h
 *		  A data product as the catalog records it
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_PRODUCT_H
#define MESH_MESH_PRODUCT_H

#include "core/avro_schema.h"
#include "core/options.h"
#include "nodes/pg_list.h"

typedef struct MeshProductSchema
{
	int			version;		/* 1, 2, ... in the order they were added */
	uint64		fingerprint;	/* CRC-64-AVRO of the canonical form */
	char	   *definition;		/* Avro schema JSON as published */
	bool		has_registry;	/* the schema came from a schema registry */
	char	   *registry_subject;
	int			registry_version;
	int			registry_id;
} MeshProductSchema;

/* The latest catalog record of a data product. */
typedef struct MeshProduct
{
	char	   *qualified_name; /* domain.name, the record's key */
	char	   *domain;
	char	   *name;
	char	   *topic;
	char	   *owner;
	char	   *description;
	char	   *sla;			/* or NULL */
	char	   *quality;		/* or NULL */
	List	   *tags;			/* of char * */
	char	   *mode;			/* stream | table */
	char	   *key_format;
	char	   *value_format;
	char	   *envelope;		/* none | debezium (key "envelope") */
	List	   *schemas;		/* of MeshProductSchema *, newest last */
	List	   *inputs;			/* of char *, qualified names */
	int			version;
	char	   *published_at;	/* ISO 8601 text as recorded, or NULL */
	char	   *published_by;	/* or NULL */
	char	   *descriptor;		/* the record's JSON text */
	/* value_format 'protobuf': the registry's schema (key "protobuf"), or NULL */
	char	   *protobuf_schema;	/* .proto text or base64 FileDescriptorProto */
	char	   *protobuf_subject;
	int			protobuf_version;
	int			protobuf_id;
	List	   *protobuf_references;	/* of MeshRegistryReference *, resolved */
	/* value_format 'json': the registry's JSON Schema (key "json_schema"), or NULL */
	char	   *json_schema;
	char	   *json_schema_subject;
	int			json_schema_version;
	int			json_schema_id;
} MeshProduct;

/* A deep copy of a product in the current memory context. */
extern MeshProduct *mesh_product_copy(const MeshProduct *p);
/* The schema a product has now (the newest of schemas), or NULL. */
extern MeshProductSchema *mesh_product_current_schema(MeshProduct *product);
/* The CRC-64-AVRO fingerprint of a schema's Parsing Canonical Form. */
extern uint64 mesh_schema_fingerprint(const MeshAvroType *schema);
/* As the catalog writes it: 16 hex digits of the 8 little-endian bytes. */
extern void mesh_format_fingerprint(uint64 fingerprint, char *out);

#endif							/* MESH_MESH_PRODUCT_H */
