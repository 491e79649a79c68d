/*-------------------------------------------------------------------------
 *
 * mesh/datum_avro.h
 *		  PostgreSQL values as the Avro encoder takes them
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_DATUM_AVRO_H
#define MESH_MESH_DATUM_AVRO_H

#include "core/avro_decode.h"
#include "lib/stringinfo.h"
#include "utils/palloc.h"

/*
 * A Datum of type typid as a MeshAvroValue the encoder takes (what each
 * Avro type accepts: core/avro_encode.c), allocated in cxt.
 */
extern void mesh_datum_to_avro(Datum value, Oid typid, MeshAvroValue *v,
							   MemoryContext cxt);
/* A Datum of type typid appended to buf as a JSON value. */
extern void mesh_append_json_datum(StringInfo buf, Datum value, Oid typid);

#endif							/* MESH_MESH_DATUM_AVRO_H */
