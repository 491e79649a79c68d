/*-------------------------------------------------------------------------
 *
 * core/avro_compat.h
 *		  Schema compatibility by the Avro resolution rules
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_AVRO_COMPAT_H
#define MESH_CORE_AVRO_COMPAT_H

#include "core/avro_schema.h"

/*
 * Can a reader with schema "reader" read every datum written with
 * "writer", by the Avro specification's resolution rules?  When not,
 * errbuf names the offending field ('field "amount": ...').
 */
extern bool mesh_avro_can_read(const MeshAvroType *reader,
							   const MeshAvroType *writer,
							   char *errbuf, size_t errlen);

#endif							/* MESH_CORE_AVRO_COMPAT_H */
