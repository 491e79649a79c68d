/*-------------------------------------------------------------------------
 *
 * pushdown.c
 *		  Conditions on _partition, _offset and _timestamp that narrow what
 *		  a scan reads from Kafka.
 *
 * At plan time, mesh_pushdown_extract finds in a relation's restriction
 * clauses the comparisons of those columns with values that are fixed for
 * the scan (constants, parameters, stable functions like now()), also
 * combined per partition with OR as kafka_fdw users write them:
 *
 *   (_partition = 0 AND _offset > 100) OR (_partition = 1 AND _offset > 200)
 *
 * The values are evaluated when the scan starts (fdw_exprs), and
 * mesh_pushdown_apply turns them into one offset range per partition.  A
 * range may cover more than the conditions allow (the hull of the arms of
 * an OR), never less: every clause also stays a local filter.
 *
 * _timestamp: a lower bound becomes a start offset through Kafka's
 * offsets-for-times; an upper bound is rechecked per row, and ends a
 * partition early only when its messages carry LogAppendTime (then their
 * timestamps cannot go backwards).
 *
 * Items are Lists of Integer nodes so that the plan can be copied:
 *   a condition:  (kind, strategy, expr index, is_array)
 *   an OR:        (PUSH_OR, list of arms, each a list of conditions)
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fdw/pushdown.h"

#include "core/ranges.h"
#include "fdw/table.h"
#include "mesh/convert.h"
#include "mesh/type_map.h"

#include "access/stratnum.h"
#include "catalog/pg_am.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "utils/array.h"
#include "utils/lsyscache.h"

#define PUSH_OR (-1)

/* MeshCompare is numbered as the btree strategies the planner gives */
StaticAssertDecl(MESH_CMP_LT == BTLessStrategyNumber && MESH_CMP_LE == BTLessEqualStrategyNumber &&
				 MESH_CMP_EQ == BTEqualStrategyNumber && MESH_CMP_GE == BTGreaterEqualStrategyNumber &&
				 MESH_CMP_GT == BTGreaterStrategyNumber, "MeshCompare follows the btree strategies");

typedef struct Extractor
{
	RelOptInfo *baserel;
	MeshTable  *table;
	List	   *exprs;
} Extractor;

/* The metadata column a Var of our relation is, or MESH_COLUMN_DROPPED. */
static MeshColumnKind
var_kind(Extractor *ex, Node *node)
{
	Var		   *var;

	while (node && IsA(node, RelabelType))
		node = (Node *) ((RelabelType *) node)->arg;
	if (node == NULL || !IsA(node, Var))
		return MESH_COLUMN_DROPPED;
	var = (Var *) node;
	if ((Index) var->varno != ex->baserel->relid || var->varlevelsup != 0 ||
		var->varattno < 1 || var->varattno > ex->table->natts)
		return MESH_COLUMN_DROPPED;
	switch (ex->table->columns[var->varattno - 1].kind)
	{
		case MESH_COLUMN_PARTITION:
			if (var->vartype != INT4OID && var->vartype != INT2OID && var->vartype != INT8OID)
				return MESH_COLUMN_DROPPED;
			return MESH_COLUMN_PARTITION;
		case MESH_COLUMN_OFFSET:
			if (var->vartype != INT8OID && var->vartype != INT4OID)
				return MESH_COLUMN_DROPPED;
			return MESH_COLUMN_OFFSET;
		case MESH_COLUMN_TIMESTAMP:
			if (var->vartype != TIMESTAMPTZOID)
				return MESH_COLUMN_DROPPED;
			return MESH_COLUMN_TIMESTAMP;
		default:
			/* _key, _headers, _error, _raw, fields: filtered per row only */
			return MESH_COLUMN_DROPPED;
	}
}

/* A value fixed for the whole scan: no Vars, nothing volatile. */
static bool
scan_constant(Node *node, Oid *type)
{
	Oid			t = exprType(node);

	if (contain_var_clause(node) || contain_volatile_functions(node) ||
		contain_agg_clause(node) || contain_subplans(node))
		return false;
	*type = t;
	return true;
}

static bool
value_type_ok(MeshColumnKind kind, Oid type)
{
	if (kind == MESH_COLUMN_TIMESTAMP)
		return type == TIMESTAMPTZOID;
	return type == INT2OID || type == INT4OID || type == INT8OID;
}

/* The btree strategy of opno for a column of type coltype, or 0. */
static int
strategy_of(Oid opno, Oid coltype)
{
	Oid			opclass = GetDefaultOpClass(coltype, BTREE_AM_OID);

	if (!OidIsValid(opclass))
		return 0;
	return get_op_opfamily_strategy(opno, get_opclass_family(opclass));
}

static int
commute_strategy(int strategy)
{
	switch (strategy)
	{
		case BTLessStrategyNumber:
			return BTGreaterStrategyNumber;
		case BTLessEqualStrategyNumber:
			return BTGreaterEqualStrategyNumber;
		case BTGreaterStrategyNumber:
			return BTLessStrategyNumber;
		case BTGreaterEqualStrategyNumber:
			return BTLessEqualStrategyNumber;
		default:
			return strategy;
	}
}

static List *
make_cond(Extractor *ex, MeshColumnKind kind, int strategy, Node *value, bool is_array)
{
	ex->exprs = lappend(ex->exprs, value);
	return list_make4(makeInteger(kind), makeInteger(strategy),
					  makeInteger(list_length(ex->exprs) - 1),
					  makeInteger(is_array ? 1 : 0));
}

/* A single pushable comparison, or NIL. */
static List *
simple_cond(Extractor *ex, Node *clause)
{
	if (IsA(clause, OpExpr) && list_length(((OpExpr *) clause)->args) == 2)
	{
		OpExpr	   *op = (OpExpr *) clause;
		Node	   *left = linitial(op->args);
		Node	   *right = lsecond(op->args);
		MeshColumnKind kind;
		Oid			vtype;
		int			strategy;
		bool		commuted = false;

		kind = var_kind(ex, left);
		if (kind == MESH_COLUMN_DROPPED)
		{
			kind = var_kind(ex, right);
			commuted = true;
			right = left;
			left = lsecond(op->args);
		}
		if (kind == MESH_COLUMN_DROPPED || !scan_constant(right, &vtype) ||
			!value_type_ok(kind, vtype))
			return NIL;
		strategy = strategy_of(op->opno, exprType(left));
		if (strategy == 0)
			return NIL;
		if (commuted)
			strategy = commute_strategy(strategy);
		return make_cond(ex, kind, strategy, right, false);
	}
	if (IsA(clause, ScalarArrayOpExpr))
	{
		ScalarArrayOpExpr *op = (ScalarArrayOpExpr *) clause;
		Node	   *left = linitial(op->args);
		Node	   *right = lsecond(op->args);
		MeshColumnKind kind = var_kind(ex, left);
		Oid			vtype;

		if (!op->useOr || kind == MESH_COLUMN_DROPPED || kind == MESH_COLUMN_TIMESTAMP ||
			!scan_constant(right, &vtype) ||
			!value_type_ok(kind, get_element_type(vtype)) ||
			strategy_of(op->opno, exprType(left)) != BTEqualStrategyNumber)
			return NIL;
		return make_cond(ex, kind, BTEqualStrategyNumber, right, true);
	}
	return NIL;
}

/* The conditions of one arm of an OR (an AND of conditions), or NIL. */
static List *
arm_conds(Extractor *ex, Node *arm)
{
	List	   *conds = NIL;
	ListCell   *lc;
	List	   *args;

	if (is_andclause(arm))
		args = ((BoolExpr *) arm)->args;
	else
		args = list_make1(arm);
	foreach(lc, args)
	{
		List	   *cond = simple_cond(ex, lfirst(lc));

		/* timestamps inside ORs would need per-arm offsets-for-times */
		if (cond != NIL && intVal(linitial(cond)) != MESH_COLUMN_TIMESTAMP)
			conds = lappend(conds, cond);
	}
	return conds;
}

/*
 * Find the pushable conditions among baserel's restriction clauses.  All
 * clauses remain local filters (*remaining); pushdown->exact says whether
 * the offset ranges alone enforce them all, so that a LIMIT may be pushed.
 */
MeshPushdown *
mesh_pushdown_extract(PlannerInfo *root, RelOptInfo *baserel, MeshTable *table,
					  List **remaining)
{
	MeshPushdown *pushdown = palloc0(sizeof(MeshPushdown));
	Extractor	ex;
	ListCell   *lc;

	ex.baserel = baserel;
	ex.table = table;
	ex.exprs = NIL;
	pushdown->exact = true;
	*remaining = NIL;

	foreach(lc, baserel->baserestrictinfo)
	{
		RestrictInfo *ri = lfirst_node(RestrictInfo, lc);
		Node	   *clause = (Node *) ri->clause;
		List	   *cond;

		*remaining = lappend(*remaining, ri);
		if (table->table_mode)
		{
			/* in table mode they apply after the latest value is chosen */
			pushdown->exact = false;
			continue;
		}
		if (is_orclause(clause))
		{
			List	   *arms = NIL;
			ListCell   *alc;
			bool		all = true;

			foreach(alc, ((BoolExpr *) clause)->args)
			{
				List	   *conds = arm_conds(&ex, lfirst(alc));

				if (conds == NIL)
					all = false;
				arms = lappend(arms, conds);
			}
			pushdown->exact = false;
			if (all)
				pushdown->items = lappend(pushdown->items,
										  list_make2(makeInteger(PUSH_OR), arms));
			continue;
		}
		cond = simple_cond(&ex, clause);
		if (cond == NIL)
		{
			pushdown->exact = false;
			continue;
		}
		if (intVal(linitial(cond)) == MESH_COLUMN_TIMESTAMP)
		{
			pushdown->exact = false;
			if (intVal(lsecond(cond)) == BTLessStrategyNumber ||
				intVal(lsecond(cond)) == BTLessEqualStrategyNumber ||
				intVal(lsecond(cond)) == BTEqualStrategyNumber)
				pushdown->has_timestamp_upper = true;
		}
		pushdown->items = lappend(pushdown->items, cond);
	}
	pushdown->exprs = ex.exprs;
	return pushdown;
}

/* ------------------------------------------------------------------------
 * At scan start
 * ------------------------------------------------------------------------
 */

static int64
datum_int64(Datum d, Oid type)
{
	switch (type)
	{
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		default:
			return DatumGetInt64(d);
	}
}




typedef struct PushValues
{
	Datum	   *values;
	bool	   *isnull;
	Oid		   *types;
} PushValues;

/*
 * Apply one condition to all partitions' ranges; timestamps go to the
 * bounds instead.
 */
static void
apply_cond(List *cond, PushValues *pv, int n, MeshPartitionRange *ranges,
		   int64 *ts_lower, int64 *ts_upper)
{
	MeshColumnKind kind = intVal(linitial(cond));
	int			strategy = intVal(lsecond(cond));
	int			index = intVal(lthird(cond));
	bool		is_array = intVal(lfourth(cond)) != 0;
	Datum		value = pv->values[index];
	int			p;

	/* not known yet (EXPLAIN without ANALYZE): no restriction */
	if (pv->types[index] == InvalidOid)
		return;
	if (pv->isnull[index])
	{
		/* a comparison with NULL is never true */
		for (p = 0; p < n; p++)
			mesh_range_empty(&ranges[p]);
		return;
	}

	if (is_array)
	{
		MeshArrayItems items;

		mesh_array_items(value, &items);
		for (p = 0; p < n; p++)
		{
			MeshPartitionRange hull = ranges[p];
			bool		any = false;
			int64		lo = PG_INT64_MAX;
			int64		hi = PG_INT64_MIN;

			for (int i = 0; i < items.n; i++)
			{
				int64		v;

				if (items.nulls[i])
					continue;
				v = datum_int64(items.values[i], items.elemtype);
				if (kind == MESH_COLUMN_PARTITION)
				{
					if (v == p)
						any = true;
				}
				else
				{
					MeshPartitionRange r = ranges[p];

					mesh_range_restrict(&r, MESH_CMP_EQ, v);
					if (r.start < r.end)
					{
						lo = Min(lo, r.start);
						hi = Max(hi, r.end);
						any = true;
					}
				}
			}
			if (!any)
				mesh_range_empty(&ranges[p]);
			else if (kind == MESH_COLUMN_OFFSET)
			{
				hull.start = lo;
				hull.end = hi;
				ranges[p] = hull;
			}
		}
		return;
	}

	if (kind == MESH_COLUMN_TIMESTAMP)
	{
		/* microseconds since 2000 to milliseconds since 1970 */
		int64		ms = DatumGetTimestampTz(value) / 1000 +
			(int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * 86400000;

		if (DatumGetTimestampTz(value) % 1000 < 0)
			ms -= 1;			/* floor, for values before 2000 */
		if (strategy == BTGreaterStrategyNumber || strategy == BTGreaterEqualStrategyNumber ||
			strategy == BTEqualStrategyNumber)
			*ts_lower = Max(*ts_lower, ms);
		if (strategy == BTLessStrategyNumber || strategy == BTLessEqualStrategyNumber ||
			strategy == BTEqualStrategyNumber)
			*ts_upper = Min(*ts_upper, ms);
		return;
	}

	for (p = 0; p < n; p++)
	{
		int64		v = datum_int64(value, pv->types[index]);

		if (kind == MESH_COLUMN_PARTITION)
		{
			if (!mesh_partition_matches(p, strategy, v))
				mesh_range_empty(&ranges[p]);
		}
		else
			mesh_range_restrict(&ranges[p], strategy, v);
	}
}

/*
 * Restrict ranges[] (one per partition, start/end preset to low/high) by
 * the pushed conditions.  *ts_lower_ms and *ts_upper_ms receive the
 * _timestamp bounds (PG_INT64_MIN / PG_INT64_MAX when there are none).
 */
void
mesh_pushdown_apply(List *items, Datum *values, bool *isnull, Oid *types,
					int npartitions, MeshPartitionRange *ranges,
					int64 *ts_lower_ms, int64 *ts_upper_ms)
{
	PushValues	pv = {values, isnull, types};
	ListCell   *lc;
	int			p;

	*ts_lower_ms = PG_INT64_MIN;
	*ts_upper_ms = PG_INT64_MAX;
	foreach(lc, items)
	{
		List	   *item = lfirst(lc);
		MeshPartitionRange *hull;
		ListCell   *alc;

		if (intVal(linitial(item)) != PUSH_OR)
		{
			apply_cond(item, &pv, npartitions, ranges, ts_lower_ms, ts_upper_ms);
			continue;
		}

		/* an OR: the hull of what its arms leave of each range */
		hull = palloc(sizeof(MeshPartitionRange) * Max(npartitions, 1));
		for (p = 0; p < npartitions; p++)
		{
			hull[p] = ranges[p];
			mesh_range_empty(&hull[p]);
		}
		foreach(alc, (List *) lsecond(item))
		{
			MeshPartitionRange *arm = palloc(sizeof(MeshPartitionRange) * Max(npartitions, 1));
			int64		unused_lower;
			int64		unused_upper;
			ListCell   *clc;

			memcpy(arm, ranges, sizeof(MeshPartitionRange) * npartitions);
			foreach(clc, (List *) lfirst(alc))
				apply_cond(lfirst(clc), &pv, npartitions, arm, &unused_lower, &unused_upper);
			for (p = 0; p < npartitions; p++)
				mesh_range_hull_add(&hull[p], &arm[p]);
			pfree(arm);
		}
		memcpy(ranges, hull, sizeof(MeshPartitionRange) * npartitions);
		pfree(hull);
	}
	for (p = 0; p < npartitions; p++)
		mesh_range_clamp(&ranges[p]);
}

static void
describe_cond(StringInfo buf, List *cond, Datum *values, bool *isnull, Oid *types)
{
	static const char *const ops[] = {"", "<", "<=", "=", ">=", ">"};
	MeshColumnKind kind = intVal(linitial(cond));
	int			strategy = intVal(lsecond(cond));
	int			index = intVal(lthird(cond));

	appendStringInfo(buf, "%s %s ",
					 kind == MESH_COLUMN_PARTITION ? "_partition" :
					 kind == MESH_COLUMN_OFFSET ? "_offset" : "_timestamp",
					 intVal(lfourth(cond)) ? "= ANY" : ops[strategy]);
	/* the value as evaluated when the scan began; "?" when not yet known */
	if (types == NULL || types[index] == InvalidOid)
		appendStringInfoChar(buf, '?');
	else if (isnull[index])
		appendStringInfoString(buf, "NULL");
	else
	{
		Oid			output;
		bool		varlena;

		getTypeOutputInfo(types[index], &output, &varlena);
		appendStringInfo(buf, "'%s'", OidOutputFunctionCall(output, values[index]));
	}
}

/*
 * The pushed conditions with their values, for EXPLAIN:
 * "_partition = '1', _offset >= '100'".
 */
char *
mesh_pushdown_describe(List *items, Datum *values, bool *isnull, Oid *types)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	foreach(lc, items)
	{
		List	   *item = lfirst(lc);

		if (buf.len > 0)
			appendStringInfoString(&buf, ", ");
		if (intVal(linitial(item)) == PUSH_OR)
		{
			ListCell   *alc;

			appendStringInfoChar(&buf, '(');
			foreach(alc, (List *) lsecond(item))
			{
				ListCell   *clc;

				if (foreach_current_index(alc) > 0)
					appendStringInfoString(&buf, " OR ");
				appendStringInfoChar(&buf, '(');
				foreach(clc, (List *) lfirst(alc))
				{
					if (foreach_current_index(clc) > 0)
						appendStringInfoString(&buf, " AND ");
					describe_cond(&buf, lfirst(clc), values, isnull, types);
				}
				appendStringInfoChar(&buf, ')');
			}
			appendStringInfoChar(&buf, ')');
		}
		else
			describe_cond(&buf, item, values, isnull, types);
	}
	return buf.data;
}
