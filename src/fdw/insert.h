/*-------------------------------------------------------------------------
 *
 * fdw/insert.h
 *		  INSERT into a foreign table, and DELETE's tombstones
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_FDW_INSERT_H
#define MESH_FDW_INSERT_H

#include "executor/tuptable.h"
#include "fdw/table.h"
#include "utils/relcache.h"

typedef struct MeshInsert MeshInsert;

extern MeshInsert *mesh_insert_begin(Relation rel);
extern void mesh_insert_row(MeshInsert *ins, TupleTableSlot *slot);
/* The statement is done: wait until every message is acknowledged. */
extern void mesh_insert_end(MeshInsert *ins);
/* DELETE ... WHERE _key = ...: a tombstone for the key. */
extern void mesh_produce_tombstone(MeshTable *table, const char *key, size_t keylen);

#endif							/* MESH_FDW_INSERT_H */
