/*-------------------------------------------------------------------------
 *
 * fdw/insert.h
 *		  INSERT into a foreign table
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

#endif							/* MESH_FDW_INSERT_H */
