/*-------------------------------------------------------------------------
 *
 * fdw/scan.h
 *		  Reading a topic for a foreign scan
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_FDW_SCAN_H
#define MESH_FDW_SCAN_H

#include "access/htup.h"
#include "fdw/table.h"
#include "nodes/bitmapset.h"
#include "pg_compat.h"

typedef struct MeshScan MeshScan;

extern MeshScan *mesh_scan_begin(MeshTable *table, Bitmapset *attrs_needed,
								 List *pushdown_items, Datum *values,
								 bool *isnull, Oid *types, int64 limit,
								 bool explain_only);
extern bool mesh_scan_next(MeshScan *scan, Datum *values, bool *nulls);

/*
 * A scan that holds a bookmark (a rescan must replay it with
 * mesh_scan_rescan, not begin it again, which would move the bookmark
 * between passes).
 */
extern bool mesh_scan_bookmarked(MeshScan *scan);
extern void mesh_scan_rescan(MeshScan *scan, List *pushdown_items, Datum *values,
							 bool *isnull, Oid *types);
extern void mesh_scan_end(MeshScan *scan);
extern void mesh_scan_explain(MeshScan *scan, ExplainState *es);
extern int	mesh_scan_sample(MeshTable *table, HeapTuple *rows, int targrows,
							 double *totalrows, TupleDesc tupdesc);

#endif							/* MESH_FDW_SCAN_H */
