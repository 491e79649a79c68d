/*-------------------------------------------------------------------------
 *
 * fdw/pushdown.h
 *		  Which partitions and offsets a scan must read
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_FDW_PUSHDOWN_H
#define MESH_FDW_PUSHDOWN_H

#include "core/ranges.h"
#include "fdw/table.h"
#include "nodes/pathnodes.h"

/*
 * The planner finds conditions on _partition, _offset and _timestamp that
 * narrow what must be read; their values (constants, parameters, stable
 * functions such as now()) are evaluated when the scan starts.  Every
 * condition also stays a local filter, so pushdown only ever saves reading.
 */

typedef struct MeshPushdown
{
	List	   *items;			/* plan-time description (see pushdown.c) */
	List	   *exprs;			/* the values to evaluate, for fdw_exprs */
	bool		exact;			/* the items filter exactly (LIMIT may go down) */
	bool		has_timestamp_upper;
} MeshPushdown;

extern MeshPushdown *mesh_pushdown_extract(PlannerInfo *root, RelOptInfo *baserel,
										   MeshTable *table, List **remaining);
/* At scan start: restrict ranges[] (one per partition) by the conditions. */
extern void mesh_pushdown_apply(List *items, Datum *values, bool *isnull,
								Oid *types, int npartitions,
								MeshPartitionRange *ranges,
								int64 *ts_lower_ms, int64 *ts_upper_ms);
extern char *mesh_pushdown_describe(List *items, Datum *values, bool *isnull,
									Oid *types);

#endif							/* MESH_FDW_PUSHDOWN_H */
