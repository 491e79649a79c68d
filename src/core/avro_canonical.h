/*-------------------------------------------------------------------------
 *
 * core/avro_canonical.h
 *		  Parsing Canonical Form of Avro schemas, and fingerprints
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_AVRO_CANONICAL_H
#define MESH_CORE_AVRO_CANONICAL_H

#include "core/avro_schema.h"

/* The Parsing Canonical Form of the Avro specification, NUL-terminated. */
extern char *mesh_avro_canonical_form(const MeshAvroType *schema);
/* CRC-64-AVRO of the given bytes (the spec's "Rabin" fingerprint). */
extern uint64_t mesh_avro_fingerprint(const char *data, size_t len);

#endif							/* MESH_CORE_AVRO_CANONICAL_H */
