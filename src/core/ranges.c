/*-------------------------------------------------------------------------
 *
 * ranges.c
 *		  Offset ranges narrowed by conditions (fdw/pushdown.c evaluates
 *		  the conditions; the arithmetic is here, where it is unit-tested).
 *
 * A range may cover more than the conditions allow, never less: every
 * condition also stays a filter on the rows.
 *
 *-------------------------------------------------------------------------
 */
#include "core/ranges.h"

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

void
mesh_range_empty(MeshPartitionRange *r)
{
	r->end = r->start;
}

void
mesh_range_restrict(MeshPartitionRange *r, MeshCompare cmp, int64_t v)
{
	/* v + 1 without overflow: nothing is past INT64_MAX anyway */
	int64_t		next = v < INT64_MAX ? v + 1 : v;

	/* the lower bound, then the upper: an EQ sets both */
	if (cmp == MESH_CMP_EQ || cmp == MESH_CMP_GE)
		r->start = MAX(r->start, v);
	else if (cmp == MESH_CMP_GT)
		r->start = MAX(r->start, next);
	if (cmp == MESH_CMP_EQ || cmp == MESH_CMP_LE)
		r->end = MIN(r->end, next);
	else if (cmp == MESH_CMP_LT)
		r->end = MIN(r->end, v);
}

bool
mesh_partition_matches(int p, MeshCompare cmp, int64_t v)
{
	switch (cmp)
	{
		case MESH_CMP_EQ:
			return p == v;
		case MESH_CMP_LT:
			return p < v;
		case MESH_CMP_LE:
			return p <= v;
		case MESH_CMP_GT:
			return p > v;
		case MESH_CMP_GE:
			return p >= v;
	}
	return true;
}

void
mesh_range_hull_add(MeshPartitionRange *hull, const MeshPartitionRange *arm)
{
	if (arm->start >= arm->end)
		return;
	if (hull->start >= hull->end)
		*hull = *arm;
	else
	{
		hull->start = MIN(hull->start, arm->start);
		hull->end = MAX(hull->end, arm->end);
	}
}

void
mesh_range_clamp(MeshPartitionRange *r)
{
	r->start = MAX(r->start, r->low);
	r->end = MIN(r->end, r->high);
	if (r->start > r->end)
		r->start = r->end;
}
