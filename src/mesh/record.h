/*-------------------------------------------------------------------------
 *
 * mesh/record.h
 *		  The catalog record of a data product: read and written.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_RECORD_H
#define MESH_MESH_RECORD_H

#include "mesh/product.h"

/*
 * Parse and check the record stored under key (value: len bytes of JSON).
 * NULL, with the reason in errbuf, when it breaks the record's rules.
 */
extern MeshProduct *mesh_parse_catalog_record(const char *key, const char *value,
											  size_t len, char *errbuf,
											  size_t errlen);
/*
 * The JSON text of a product's record; the keys of the previous record
 * this mesh_fdw does not know are kept.
 */
extern char *mesh_build_catalog_record(const MeshProduct *p,
									   const char *previous_descriptor);

#endif							/* MESH_MESH_RECORD_H */
