/*-------------------------------------------------------------------------
 *
 * fdw/modify.h
 *		  DELETE ... WHERE _key = ... on a table in mode 'table': a
 *		  tombstone per key; and the encoding of keys INSERT shares.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_FDW_MODIFY_H
#define MESH_FDW_MODIFY_H

#include "fdw/table.h"
#include "nodes/primnodes.h"

/*
 * The bytes of a key value of type typid for the table's key_format: bytea
 * as it is, any other type by its text (jsonb's JSON text), in UTF-8
 * whatever the database encoding, so that a key written by INSERT and the
 * one a DELETE names are the same bytes.  False, with why in errbuf, for
 * what cannot be written as a key.
 */
extern bool mesh_encode_key(const MeshTable *table, Datum value, Oid typid,
							const char **key, size_t *keylen,
							char *errbuf, size_t errlen);

/*
 * The value of a WHERE clause "_key = value" or "_key = ANY(array)" (*is_array)
 * on relation relid with a value fixed for the statement, or NULL when the
 * clause is not one.  The operator must be the key type's equality.
 */
extern Node *mesh_delete_key_value(Node *clause, Index relid, const MeshTable *table,
								   bool *is_array);

/*
 * Write a tombstone for each key (value, or each element of the array
 * value) and wait until all are acknowledged; the number written.
 */
extern uint64 mesh_delete_keys(MeshTable *table, Datum value, Oid typid, bool is_array);

#endif							/* MESH_FDW_MODIFY_H */
