/*-------------------------------------------------------------------------
 *
 * kafka/registry.h
 *		  A Confluent-compatible schema registry client (libcurl)
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_KAFKA_REGISTRY_H
#define MESH_KAFKA_REGISTRY_H

#include "kafka/client.h"

/*
 * A schema's reference to another subject's version: the name the schema
 * knows it by (a Protobuf import's file name), and, once resolved, its text.
 */
typedef struct MeshRegistryReference
{
	char	   *name;
	char	   *subject;
	int			version;
	char	   *schema;			/* NULL until resolved */
} MeshRegistryReference;

typedef struct MeshRegistrySchema
{
	int			id;
	int			version;
	char	   *subject;
	char	   *schema;			/* the schema's text */
	char	   *schema_type;	/* "AVRO" (also when absent), "JSON", "PROTOBUF" */
	List	   *references;		/* of MeshRegistryReference *, as declared */
} MeshRegistrySchema;

/* Resolving references goes no deeper than this. */
#define MESH_REGISTRY_MAX_REFERENCE_DEPTH 32

extern bool mesh_registry_latest(MeshConnection *conn, const char *subject,
								 MeshRegistrySchema *result);
extern char *mesh_registry_schema_by_id(MeshConnection *conn, int id);
/* the same, with the schema's type ("AVRO", "JSON"...) in *schema_type */
extern char *mesh_registry_schema_by_id_typed(MeshConnection *conn, int id,
											  const char **schema_type);
/* The references of the schema with the given id, as declared (cached). */
extern List *mesh_registry_references_by_id(MeshConnection *conn, int id);
/*
 * The schemas references name, and those their schemas name, each once (by
 * name), schema set; a version the registry lacks is an ERROR.
 */
extern List *mesh_registry_resolve_references(MeshConnection *conn, List *references);
/* A deep copy in the current memory context. */
extern List *mesh_registry_references_copy(List *references);
extern int	mesh_registry_register(MeshConnection *conn, const char *subject,
								   const char *schema);

#endif							/* MESH_KAFKA_REGISTRY_H */
