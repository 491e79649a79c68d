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

typedef struct MeshRegistrySchema
{
	int			id;
	int			version;
	char	   *subject;
	char	   *schema;			/* the schema's text */
	char	   *schema_type;	/* "AVRO" (also when absent), "JSON", "PROTOBUF" */
} MeshRegistrySchema;

extern bool mesh_registry_latest(MeshConnection *conn, const char *subject,
								 MeshRegistrySchema *result);
extern char *mesh_registry_schema_by_id(MeshConnection *conn, int id);
/* the same, with the schema's type ("AVRO", "JSON"...) in *schema_type */
extern char *mesh_registry_schema_by_id_typed(MeshConnection *conn, int id,
											  const char **schema_type);
extern int	mesh_registry_register(MeshConnection *conn, const char *subject,
								   const char *schema);

#endif							/* MESH_KAFKA_REGISTRY_H */
