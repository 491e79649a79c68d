/*-------------------------------------------------------------------------
 *
 * mesh/avro_c_check.h
 *		  A second opinion on published schemas, from the Apache Avro C library
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_AVRO_C_CHECK_H
#define MESH_MESH_AVRO_C_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* avro_c_check.c: a second opinion on published schemas, from avro-c */
extern bool mesh_avro_c_check(const char *json, size_t len, char *errbuf,
							  size_t errlen);

#endif							/* MESH_MESH_AVRO_C_CHECK_H */
