/*-------------------------------------------------------------------------
 *
 * core/ranges.h
 *		  The offsets a scan reads of each partition, and how conditions on
 *		  _partition and _offset narrow them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_RANGES_H
#define MESH_CORE_RANGES_H

#include "core/core.h"

typedef struct MeshPartitionRange
{
	int64_t		low;			/* the partition's first offset */
	int64_t		high;			/* its last stable offset when the scan began */
	int64_t		start;			/* what the scan reads: [start, end) */
	int64_t		end;
} MeshPartitionRange;

/* A comparison, numbered as PostgreSQL's btree strategies are. */
typedef enum MeshCompare
{
	MESH_CMP_LT = 1,
	MESH_CMP_LE,
	MESH_CMP_EQ,
	MESH_CMP_GE,
	MESH_CMP_GT
} MeshCompare;

/* Read nothing of this partition. */
extern void mesh_range_empty(MeshPartitionRange *r);
/* Narrow a range to the offsets o for which "o cmp v" holds. */
extern void mesh_range_restrict(MeshPartitionRange *r, MeshCompare cmp, int64_t v);
/* Does partition p satisfy "_partition cmp v"? */
extern bool mesh_partition_matches(int p, MeshCompare cmp, int64_t v);
/* Widen hull to cover arm too (the arms of an OR); empty ranges add nothing. */
extern void mesh_range_hull_add(MeshPartitionRange *hull, const MeshPartitionRange *arm);
/* Keep a range inside what the partition holds, [low, high). */
extern void mesh_range_clamp(MeshPartitionRange *r);

#endif							/* MESH_CORE_RANGES_H */
