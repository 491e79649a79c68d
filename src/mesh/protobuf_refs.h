/*-------------------------------------------------------------------------
 *
 * mesh/protobuf_refs.h
 *		  Protobuf schemas with the registry references their imports name
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_PROTOBUF_REFS_H
#define MESH_MESH_PROTOBUF_REFS_H

#include "core/protobuf.h"
#include "kafka/registry.h"

/* schema parsed with references (of MeshRegistryReference *, resolved) */
extern MeshPbFile *mesh_pb_parse_references(const char *schema, List *references,
											char *errbuf, size_t errlen);
/* The registry's schema of this id, with its references resolved. */
extern MeshPbFile *mesh_pb_parse_registered(MeshConnection *conn, int id,
											const char *schema,
											char *errbuf, size_t errlen);

#endif							/* MESH_MESH_PROTOBUF_REFS_H */
