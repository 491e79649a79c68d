/*-------------------------------------------------------------------------
 *
 * window.c
 *		  Tumbling-window aggregates of continuous data products.
 *
 * A query GROUP BY mesh.tumble(ts, size), keys, with count, sum, min, max
 * and avg, is run on each batch as a query of partial aggregates per
 * window and key (avg as a sum and a count), over the same input and
 * conditions.  Each partial row is merged into its window's state; a
 * window whose end plus the grace period is not past the stream time
 * (the latest event time seen, before the batch) takes it, a later one
 * counts its messages as late.  After the batch, each window it changed
 * writes its output row (the user's columns: key of the table-mode output
 * is the window and the keys) and its state to a compacted topic; a window
 * the stream time has passed is final and its state is deleted.  Output,
 * state and input positions commit in one Kafka transaction, so the state
 * read back at a restart is exactly that of the last batch committed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/window.h"

#include "core/buf.h"
#include "core/json.h"
#include "mesh/derived_output.h"
#include "pg_compat.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/float.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/ruleutils.h"
#include "utils/typcache.h"

typedef enum AggKind
{
	AGG_COUNT,
	AGG_SUM,
	AGG_MIN,
	AGG_MAX,
	AGG_AVG
} AggKind;

static const char *const agg_names[] = {"count", "sum", "min", "max", "avg"};

#define MAX_KEY 512

static void
refuse(const char *qualified_name, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("continuous data product \"%s\" cannot %s", qualified_name, what),
			 errdetail("A windowed continuous product groups one stream-mode input by mesh.tumble(<timestamp>, <interval>) "
					   "and keys, and returns the window, every key, and count, sum, min, max or avg of expressions."),
			 errhint("Create it without continuous => true to run the query once.")));
}

char *
mesh_window_state_topic(const char *output_topic)
{
	return psprintf("%s-state", output_topic);
}

/* ------------------------------------------------------------------------
 * Planning
 * ------------------------------------------------------------------------
 */

static Oid
tumble_oid(void)
{
	Oid			args[2] = {TIMESTAMPTZOID, INTERVALOID};

	return LookupFuncName(list_make2(makeString("mesh"), makeString("tumble")), 2, args, true);
}

MeshWindowPlan *
mesh_window_plan(const char *qualified_name, Query *q, Index stream_rti, Interval *grace)
{
	MeshWindowPlan *wp = palloc0(sizeof(MeshWindowPlan));
	RangeTblEntry *rte = rt_fetch(stream_rti, q->rtable);
	List	   *ctx;
	Oid			tumble = tumble_oid();
	List	   *groups = NIL;	/* TargetEntry of each GROUP BY key, window first */
	StringInfoData sql;
	StringInfoData spec;
	StringInfoData partials;
	ListCell   *lc;
	int			ncols = 0;
	int			nagg = 0;
	int			npartial = 0;
	int			g;
	FuncExpr   *window = NULL;

	/* GROUP BY keys as expressions in the result (18 refers to them by Vars) */
	q = copyObject(q);
	q->targetList = (List *) mesh_flatten_group_exprs(q, (Node *) q->targetList);
	if (q->groupingSets)
		refuse(qualified_name, "use GROUPING SETS, ROLLUP or CUBE");
	if (q->havingQual)
		refuse(qualified_name, "use HAVING (a window's value changes until it is final)");
	if (q->hasSubLinks)
		refuse(qualified_name, "use subqueries in a windowed aggregate");
	if (list_length(q->jointree->fromlist) != 1 ||
		!IsA(linitial(q->jointree->fromlist), RangeTblRef) || stream_rti != 1)
		refuse(qualified_name, "join in a windowed aggregate: aggregate over the stream alone");

	/* the window and the keys */
	foreach(lc, q->groupClause)
	{
		SortGroupClause *sgc = lfirst(lc);
		TargetEntry *tle = get_sortgroupclause_tle(sgc, q->targetList);

		if (IsA(tle->expr, FuncExpr) && ((FuncExpr *) tle->expr)->funcid == tumble &&
			OidIsValid(tumble))
		{
			FuncExpr   *f = (FuncExpr *) tle->expr;
			Node	   *size = lsecond(f->args);
			Interval   *iv;

			if (window)
				refuse(qualified_name, "group by two windows");
			if (!IsA(size, Const) || ((Const *) size)->constisnull)
				refuse(qualified_name, "take a window size that is not a constant interval");
			iv = DatumGetIntervalP(((Const *) size)->constvalue);
			if (iv->month != 0 || (iv->day == 0 && iv->time <= 0) || iv->day < 0 || iv->time < 0)
				refuse(qualified_name, "take a window size that is not a positive interval of days, hours, minutes or seconds");
			window = f;
			groups = lcons(tle, groups);
		}
		else
			groups = lappend(groups, tle);
	}
	if (window == NULL)
		refuse(qualified_name,
			   "aggregate without a window: GROUP BY mesh.tumble(<timestamp>, <interval>) is needed, "
			   "since a stream has no end at which an aggregate over all of it would be final");
	foreach(lc, groups)
		if (((TargetEntry *) lfirst(lc))->resjunk)
			refuse(qualified_name,
				   psprintf("leave GROUP BY key %s out of its result: the output is keyed by the window and every key",
							deparse_expression((Node *) ((TargetEntry *) lfirst(lc))->expr,
											   deparse_context_for(get_rel_name(rte->relid), rte->relid),
											   false, false)));

	ctx = deparse_context_for(get_rel_name(rte->relid), rte->relid);
	initStringInfo(&sql);
	initStringInfo(&spec);
	initStringInfo(&partials);
	appendStringInfoString(&sql, "SELECT ");
	g = 0;
	foreach(lc, groups)
	{
		TargetEntry *tle = lfirst(lc);

		appendStringInfo(&sql, "%s AS g%d, ", deparse_expression((Node *) tle->expr, ctx, false, false), g);
		g++;
	}
	appendStringInfo(&sql, "count(*) AS n, max(%s) AS maxts",
					 deparse_expression(linitial(window->args), ctx, false, false));

	appendStringInfo(&spec, "{\"size\": ");
	{
		char	   *s = DatumGetCString(DirectFunctionCall1(interval_out,
															((Const *) lsecond(window->args))->constvalue));

		escape_json(&spec, s);
	}
	appendStringInfoString(&spec, ", \"keys\": [");
	g = 0;
	foreach(lc, groups)
	{
		TargetEntry *tle = lfirst(lc);

		appendStringInfo(&spec, "%s%u", g++ ? ", " : "", exprType((Node *) tle->expr));
	}
	appendStringInfoString(&spec, "], \"aggs\": [");

	/* the result columns: keys, or aggregates we can merge */
	foreach(lc, q->targetList)
	{
		TargetEntry *tle = lfirst(lc);
		Aggref	   *agg;
		char	   *fname;
		int			kind;
		Oid			argtype = InvalidOid;
		char	   *arg = NULL;
		Oid			ptype = InvalidOid;

		if (tle->resjunk)
			continue;
		ncols++;
		if (tle->ressortgroupref != 0)
			continue;
		if (!IsA(tle->expr, Aggref))
			refuse(qualified_name,
				   psprintf("return column \"%s\", which is neither a GROUP BY key nor count, sum, min, max or avg of an expression",
							tle->resname ? tle->resname : "?"));
		agg = (Aggref *) tle->expr;
		fname = get_func_name(agg->aggfnoid);
		for (kind = 0; kind <= AGG_AVG; kind++)
			if (strcmp(fname, agg_names[kind]) == 0)
				break;
		if (kind > AGG_AVG || get_func_namespace(agg->aggfnoid) != PG_CATALOG_NAMESPACE)
			refuse(qualified_name, psprintf("use aggregate %s(): only count, sum, min, max and avg are merged batch by batch", fname));
		if (agg->aggdistinct || agg->aggfilter || agg->aggorder || agg->agglevelsup != 0 ||
			agg->aggkind != AGGKIND_NORMAL)
			refuse(qualified_name, psprintf("use %s() with DISTINCT, FILTER or ORDER BY", fname));
		if (!agg->aggstar)
		{
			Expr	   *e = ((TargetEntry *) linitial(agg->args))->expr;

			argtype = exprType((Node *) e);
			arg = deparse_expression((Node *) e, ctx, false, false);
		}
		switch (kind)
		{
			case AGG_COUNT:
				appendStringInfo(&partials, ", count(%s) AS p%d", arg ? arg : "*", npartial++);
				ptype = INT8OID;
				break;
			case AGG_SUM:
				if (agg->aggtype != INT8OID && agg->aggtype != NUMERICOID &&
					agg->aggtype != FLOAT4OID && agg->aggtype != FLOAT8OID &&
					agg->aggtype != INTERVALOID)
					refuse(qualified_name, psprintf("sum values of type %s", format_type_be(argtype)));
				appendStringInfo(&partials, ", sum(%s) AS p%d", arg, npartial++);
				ptype = agg->aggtype;
				break;
			case AGG_MIN:
			case AGG_MAX:
				{
					TypeCacheEntry *tc = lookup_type_cache(agg->aggtype, TYPECACHE_CMP_PROC);

					if (!OidIsValid(tc->cmp_proc))
						refuse(qualified_name, psprintf("take %s() of type %s, which has no ordering", fname,
														format_type_be(agg->aggtype)));
					appendStringInfo(&partials, ", %s(%s) AS p%d", fname, arg, npartial++);
					ptype = agg->aggtype;
					break;
				}
			case AGG_AVG:
			default:
				if (argtype == INT2OID || argtype == INT4OID || argtype == INT8OID || argtype == NUMERICOID)
					ptype = NUMERICOID;
				else if (argtype == FLOAT4OID || argtype == FLOAT8OID)
					ptype = FLOAT8OID;
				else
					refuse(qualified_name, psprintf("average values of type %s", format_type_be(argtype)));
				appendStringInfo(&partials, ", sum((%s)::%s) AS p%d, count(%s) AS p%d", arg,
								 ptype == NUMERICOID ? "numeric" : "float8", npartial, arg,
								 npartial + 1);
				npartial += 2;
				break;
		}
		appendStringInfo(&spec, "%s{\"kind\": \"%s\", \"type\": %u, \"ptype\": %u, \"coll\": %u}",
						 nagg++ ? ", " : "", agg_names[kind], agg->aggtype, ptype, agg->inputcollid);
	}

	/* which result column is which */
	appendStringInfoString(&spec, "], \"columns\": [");
	{
		int			a = 0;
		int			c = 0;

		foreach(lc, q->targetList)
		{
			TargetEntry *tle = lfirst(lc);
			int			src = a;

			if (tle->resjunk)
				continue;
			if (tle->ressortgroupref != 0)
			{
				ListCell   *glc;

				foreach(glc, groups)
					if (((TargetEntry *) lfirst(glc))->ressortgroupref == tle->ressortgroupref)
						src = foreach_current_index(glc);
				appendStringInfo(&spec, "%s{\"name\": ", c++ ? ", " : "");
				escape_json(&spec, tle->resname);
				appendStringInfo(&spec, ", \"key\": %d, \"type\": %u, \"typmod\": %d}", src,
								 exprType((Node *) tle->expr), exprTypmod((Node *) tle->expr));
			}
			else
			{
				appendStringInfo(&spec, "%s{\"name\": ", c++ ? ", " : "");
				escape_json(&spec, tle->resname);
				appendStringInfo(&spec, ", \"agg\": %d, \"type\": %u, \"typmod\": %d}", a++,
								 exprType((Node *) tle->expr), exprTypmod((Node *) tle->expr));
			}
		}
	}
	appendStringInfoString(&spec, "]}");

	appendStringInfoString(&sql, partials.data);
	appendStringInfo(&sql, " FROM %s",
					 quote_qualified_identifier(get_namespace_name(get_rel_namespace(rte->relid)),
												get_rel_name(rte->relid)));
	if (q->jointree->quals)
		appendStringInfo(&sql, " WHERE %s", deparse_expression(q->jointree->quals, ctx, false, false));
	appendStringInfoString(&sql, " GROUP BY ");
	for (g = 0; g < list_length(groups); g++)
		appendStringInfo(&sql, "%s%d", g ? ", " : "", g + 1);
	(void) ncols;
	(void) grace;
	wp->batch_query = sql.data;
	wp->spec = spec.data;
	return wp;
}

/* ------------------------------------------------------------------------
 * Running
 * ------------------------------------------------------------------------
 */

typedef struct MergedAgg
{
	AggKind		kind;
	Oid			type;			/* the result's */
	Oid			ptype;			/* the partial's (avg: the sum's) */
	Oid			coll;
	int			partial;		/* first partial column (p<partial>) */
	FmgrInfo	cmp;			/* min, max */
} MergedAgg;

typedef struct WindowColumn
{
	int			key;			/* >= 0: GROUP BY key */
	int			agg;			/* >= 0: aggregate */
} WindowColumn;

typedef struct WindowEntry
{
	char		key[MAX_KEY];	/* hash key: the output's key text */
	TimestampTz start;
	Datum	   *keys;
	bool	   *keynulls;
	Datum	   *partials;
	bool	   *pnulls;
	bool		dirty;
} WindowEntry;

struct MeshWindows
{
	const char *qualified_name;
	MemoryContext cxt;
	Interval   *size;
	Interval   *grace;
	int			nkeys;
	Oid		   *keytypes;
	int			naggs;
	MergedAgg  *aggs;
	int			npartials;
	Oid		   *ptypes;
	int			ncols;
	WindowColumn *cols;
	TupleDesc	outdesc;
	HTAB	   *entries;
	bool		have_stream_time;
	TimestampTz stream_time;	/* the latest event time of earlier batches */
	bool		have_batch_max;
	TimestampTz batch_max;		/* the latest of this batch */
	int64		late;
	int64		late_total;
};

static int
json_int(const MeshJson *obj, const char *key)
{
	MeshJson   *v = mesh_json_get(obj, key);

	if (v == NULL || v->type != MJ_NUMBER || !v->is_integer)
		elog(ERROR, "window spec: \"%s\" is missing", key);
	return (int) v->integer;
}

MeshWindows *
mesh_windows_create(const char *qualified_name, const char *spec, Interval *grace)
{
	MeshWindows *w = palloc0(sizeof(MeshWindows));
	char		errbuf[256];
	MeshJson   *js = mesh_json_parse(spec, strlen(spec), MESH_JSON_MAX_DEPTH, errbuf, sizeof(errbuf));
	MeshJson   *keys;
	MeshJson   *aggs;
	MeshJson   *cols;
	HASHCTL		ctl;
	int			i;

	if (js == NULL)
		elog(ERROR, "window spec of \"%s\": %s", qualified_name, errbuf);
	w->qualified_name = pstrdup(qualified_name);
	/* the open windows' values: freed as windows close */
	w->cxt = AllocSetContextCreate(CurrentMemoryContext, "mesh_fdw windows",
								   ALLOCSET_DEFAULT_SIZES);
	w->size = DatumGetIntervalP(DirectFunctionCall3(interval_in,
													CStringGetDatum(mesh_json_get_string(js, "size")),
													ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	w->grace = palloc0(sizeof(Interval));
	if (grace)
		memcpy(w->grace, grace, sizeof(Interval));
	keys = mesh_json_get(js, "keys");
	aggs = mesh_json_get(js, "aggs");
	cols = mesh_json_get(js, "columns");
	w->nkeys = keys->count;
	w->keytypes = palloc(sizeof(Oid) * w->nkeys);
	for (i = 0; i < w->nkeys; i++)
		w->keytypes[i] = (Oid) keys->items[i]->integer;
	w->naggs = aggs->count;
	w->aggs = palloc0(sizeof(MergedAgg) * Max(w->naggs, 1));
	w->ptypes = palloc(sizeof(Oid) * (2 * w->naggs + 1));
	for (i = 0; i < w->naggs; i++)
	{
		MergedAgg  *a = &w->aggs[i];
		const char *kind = mesh_json_get_string(aggs->items[i], "kind");

		for (a->kind = 0; a->kind < AGG_AVG; a->kind++)
			if (strcmp(kind, agg_names[a->kind]) == 0)
				break;
		a->type = json_int(aggs->items[i], "type");
		a->ptype = json_int(aggs->items[i], "ptype");
		a->coll = json_int(aggs->items[i], "coll");
		a->partial = w->npartials;
		w->ptypes[w->npartials++] = a->ptype;
		if (a->kind == AGG_AVG)
			w->ptypes[w->npartials++] = INT8OID;
		if (a->kind == AGG_MIN || a->kind == AGG_MAX)
			fmgr_info(lookup_type_cache(a->type, TYPECACHE_CMP_PROC)->cmp_proc, &a->cmp);
	}
	w->ncols = cols->count;
	w->cols = palloc(sizeof(WindowColumn) * w->ncols);
	w->outdesc = CreateTemplateTupleDesc(w->ncols);
	for (i = 0; i < w->ncols; i++)
	{
		MeshJson   *c = cols->items[i];

		w->cols[i].key = mesh_json_get(c, "key") ? json_int(c, "key") : -1;
		w->cols[i].agg = mesh_json_get(c, "agg") ? json_int(c, "agg") : -1;
		TupleDescInitEntry(w->outdesc, i + 1, mesh_json_get_string(c, "name"),
						   json_int(c, "type"), json_int(c, "typmod"), 0);
	}
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = MAX_KEY;
	ctl.entrysize = sizeof(WindowEntry);
	ctl.hcxt = w->cxt;
	w->entries = hash_create("mesh_fdw windows", 1024, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	return w;
}

TupleDesc
mesh_windows_output_desc(MeshWindows *w)
{
	return w->outdesc;
}

static char *
datum_text(Oid type, Datum d)
{
	return OidOutputFunctionCall(mesh_type_output(type), d);
}

static Datum
text_datum(Oid type, const char *s)
{
	Oid			in;
	Oid			ioparam;

	getTypeInputInfo(type, &in, &ioparam);
	return OidInputFunctionCall(in, (char *) s, ioparam, -1);
}

/* The output's key: a JSON array of the window's and the keys' text. */
static void
entry_key(MeshWindows *w, const Datum *keys, const bool *nulls, char *out)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (i = 0; i < w->nkeys; i++)
	{
		if (i)
			appendStringInfoChar(&buf, ',');
		if (nulls[i])
			appendStringInfoString(&buf, "null");
		else
			escape_json(&buf, datum_text(w->keytypes[i], keys[i]));
	}
	appendStringInfoChar(&buf, ']');
	if (buf.len >= MAX_KEY)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the keys of a window of continuous data product \"%s\" take more than %d bytes",
						w->qualified_name, MAX_KEY - 1)));
	memcpy(out, buf.data, buf.len + 1);
}

static WindowEntry *
entry_for(MeshWindows *w, const Datum *keys, const bool *nulls)
{
	char		key[MAX_KEY];
	WindowEntry *e;
	bool		found;
	int			i;
	MemoryContext oldcxt;

	memset(key, 0, sizeof(key));
	entry_key(w, keys, nulls, key);
	e = hash_search(w->entries, key, HASH_ENTER, &found);
	if (found)
		return e;
	oldcxt = MemoryContextSwitchTo(w->cxt);
	e->start = DatumGetTimestampTz(keys[0]);
	e->keys = palloc(sizeof(Datum) * w->nkeys);
	e->keynulls = palloc(sizeof(bool) * w->nkeys);
	for (i = 0; i < w->nkeys; i++)
	{
		int16		len;
		bool		byval;

		get_typlenbyval(w->keytypes[i], &len, &byval);
		e->keynulls[i] = nulls[i];
		e->keys[i] = nulls[i] ? (Datum) 0 : datumCopy(keys[i], byval, len);
	}
	e->partials = palloc0(sizeof(Datum) * Max(w->npartials, 1));
	e->pnulls = palloc(sizeof(bool) * Max(w->npartials, 1));
	for (i = 0; i < w->npartials; i++)
		e->pnulls[i] = true;
	e->dirty = false;
	MemoryContextSwitchTo(oldcxt);
	return e;
}

/* Whether the window starting at start is closed at stream time now. */
static bool
window_closed(MeshWindows *w, TimestampTz start)
{
	Datum		end;

	if (!w->have_stream_time)
		return false;
	end = DirectFunctionCall2(timestamptz_pl_interval, TimestampTzGetDatum(start),
							  IntervalPGetDatum(w->size));
	end = DirectFunctionCall2(timestamptz_pl_interval, end, IntervalPGetDatum(w->grace));
	return DatumGetTimestampTz(end) <= w->stream_time;
}

static Datum
add(Oid type, Datum a, Datum b)
{
	switch (type)
	{
		case INT8OID:
			return DirectFunctionCall2(int8pl, a, b);
		case NUMERICOID:
			return DirectFunctionCall2(numeric_add, a, b);
		case FLOAT4OID:
			return DirectFunctionCall2(float4pl, a, b);
		case FLOAT8OID:
			return DirectFunctionCall2(float8pl, a, b);
		case INTERVALOID:
		default:
			return DirectFunctionCall2(interval_pl, a, b);
	}
}

/* Merge partial i of a batch row into the entry's. */
static void
merge(MeshWindows *w, WindowEntry *e, const MergedAgg *a, int i, Datum v, bool isnull)
{
	Oid			type = w->ptypes[i];
	int16		len;
	bool		byval;
	Datum		result;
	MemoryContext oldcxt;

	if (isnull)
		return;
	get_typlenbyval(type, &len, &byval);
	if (e->pnulls[i])
		result = v;
	else if (a->kind == AGG_MIN || a->kind == AGG_MAX)
	{
		int32		c = DatumGetInt32(FunctionCall2Coll((FmgrInfo *) &a->cmp, a->coll, v,
														e->partials[i]));

		if ((a->kind == AGG_MIN && c >= 0) || (a->kind == AGG_MAX && c <= 0))
			return;
		result = v;
	}
	else
		result = add(type, e->partials[i], v);
	oldcxt = MemoryContextSwitchTo(w->cxt);
	result = datumCopy(result, byval, len);
	MemoryContextSwitchTo(oldcxt);
	if (!e->pnulls[i] && !byval)
		pfree(DatumGetPointer(e->partials[i]));
	e->partials[i] = result;
	e->pnulls[i] = false;
}

void
mesh_windows_check(MeshWindows *w, TupleDesc desc)
{
	bool		same = desc->natts == w->nkeys + 2 + w->npartials;
	int			i;

	for (i = 0; same && i < w->nkeys; i++)
		same = TupleDescAttr(desc, i)->atttypid == w->keytypes[i];
	for (i = 0; same && i < w->npartials; i++)
		same = TupleDescAttr(desc, w->nkeys + 2 + i)->atttypid == w->ptypes[i];
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the windows of continuous data product \"%s\" no longer have the keys and aggregates they were made with",
						w->qualified_name),
				 errdetail("A table or type its query reads was changed after the product was created."),
				 errhint("Put it back as it was, or unpublish the product and create it again.")));
}

void
mesh_windows_add(MeshWindows *w, HeapTuple row, TupleDesc desc)
{
	Datum	   *values = palloc(sizeof(Datum) * desc->natts);
	bool	   *nulls = palloc(sizeof(bool) * desc->natts);
	WindowEntry *e;
	int			a;

	heap_deform_tuple(row, desc, values, nulls);
	/* g0 .. g<nkeys-1>, n, maxts, p0 ... */
	if (nulls[0])
		return;					/* no event time: no window */
	if (window_closed(w, DatumGetTimestampTz(values[0])))
	{
		w->late += DatumGetInt64(values[w->nkeys]);
		return;
	}
	e = entry_for(w, values, nulls);
	e->dirty = true;
	for (a = 0; a < w->naggs; a++)
	{
		const MergedAgg *agg = &w->aggs[a];
		int			p = agg->partial;

		merge(w, e, agg, p, values[w->nkeys + 2 + p], nulls[w->nkeys + 2 + p]);
		if (agg->kind == AGG_AVG)
			merge(w, e, agg, p + 1, values[w->nkeys + 3 + p], nulls[w->nkeys + 3 + p]);
	}
	if (!nulls[w->nkeys + 1])
	{
		TimestampTz ts = DatumGetTimestampTz(values[w->nkeys + 1]);

		/* the stream time moves after the batch, in mesh_windows_flush */
		if (!w->have_batch_max || ts > w->batch_max)
			w->batch_max = ts;
		w->have_batch_max = true;
	}
}

/* The value of result column c of an entry. */
static void
column_value(MeshWindows *w, WindowEntry *e, int c, Datum *value, bool *isnull)
{
	const WindowColumn *col = &w->cols[c];
	const MergedAgg *a;
	int			p;
	int64		count;

	if (col->key >= 0)
	{
		*value = e->keys[col->key];
		*isnull = e->keynulls[col->key];
		return;
	}
	a = &w->aggs[col->agg];
	p = a->partial;
	*isnull = e->pnulls[p];
	*value = e->partials[p];
	if (a->kind == AGG_COUNT && *isnull)
	{
		*value = Int64GetDatum(0);
		*isnull = false;
	}
	if (a->kind != AGG_AVG || *isnull)
		return;
	count = e->pnulls[p + 1] ? 0 : DatumGetInt64(e->partials[p + 1]);
	if (count == 0)
		*isnull = true;
	else if (a->ptype == NUMERICOID)
		*value = DirectFunctionCall2(numeric_div, e->partials[p],
									 DirectFunctionCall1(int8_numeric, Int64GetDatum(count)));
	else
		*value = DirectFunctionCall2(float8div, e->partials[p], Float8GetDatum((double) count));
}

static char *
entry_state(MeshWindows *w, WindowEntry *e)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"p\":[");
	for (i = 0; i < w->npartials; i++)
	{
		if (i)
			appendStringInfoChar(&buf, ',');
		if (e->pnulls[i])
			appendStringInfoString(&buf, "null");
		else
			escape_json(&buf, datum_text(w->ptypes[i], e->partials[i]));
	}
	appendStringInfoString(&buf, "]}");
	return buf.data;
}

#define META_KEY "$meta"

/* Give back what an entry holds (before it leaves the hash table). */
static void
free_entry(MeshWindows *w, WindowEntry *e)
{
	int			i;

	for (i = 0; i < w->nkeys; i++)
		if (!e->keynulls[i] && !get_typbyval(w->keytypes[i]))
			pfree(DatumGetPointer(e->keys[i]));
	for (i = 0; i < w->npartials; i++)
		if (!e->pnulls[i] && !get_typbyval(w->ptypes[i]))
			pfree(DatumGetPointer(e->partials[i]));
	pfree(e->keys);
	pfree(e->keynulls);
	pfree(e->partials);
	pfree(e->pnulls);
}

void
mesh_windows_destroy(MeshWindows *w)
{
	hash_destroy(w->entries);
	MemoryContextDelete(w->cxt);
}

void
mesh_windows_flush(MeshWindows *w, MeshWindowEmit emit, void *arg)
{
	HASH_SEQ_STATUS st;
	WindowEntry *e;
	Datum	   *values = palloc(sizeof(Datum) * Max(w->ncols, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(w->ncols, 1));
	bool		changed = w->late > 0;
	int			c;

	hash_seq_init(&st, w->entries);
	while ((e = hash_seq_search(&st)) != NULL)
	{
		if (!e->dirty)
			continue;
		for (c = 0; c < w->ncols; c++)
			column_value(w, e, c, &values[c], &nulls[c]);
		emit(arg, e->key, values, nulls, entry_state(w, e));
		e->dirty = false;
		changed = true;
	}

	/* the stream time moves on; the windows it passed are final */
	if (w->have_batch_max && (!w->have_stream_time || w->batch_max > w->stream_time))
	{
		w->stream_time = w->batch_max;
		w->have_stream_time = true;
		changed = true;
	}
	w->have_batch_max = false;
	hash_seq_init(&st, w->entries);
	while ((e = hash_seq_search(&st)) != NULL)
	{
		if (!window_closed(w, e->start))
			continue;
		emit(arg, e->key, NULL, NULL, NULL);
		free_entry(w, e);
		hash_search(w->entries, e->key, HASH_REMOVE, NULL);
	}
	w->late_total += w->late;
	if (changed && w->have_stream_time)
	{
		StringInfoData meta;

		initStringInfo(&meta);
		appendStringInfoString(&meta, "{\"stream_time\":");
		escape_json(&meta, datum_text(TIMESTAMPTZOID, TimestampTzGetDatum(w->stream_time)));
		appendStringInfo(&meta, ",\"late\":" INT64_FORMAT "}", w->late_total);
		emit(arg, META_KEY, NULL, NULL, meta.data);
	}
}

int64
mesh_windows_take_late(MeshWindows *w)
{
	int64		late = w->late;

	w->late = 0;
	return late;
}

void
mesh_windows_restore(MeshWindows *w, const char *key, size_t keylen,
					 const char *value, size_t len)
{
	char		hkey[MAX_KEY];
	char		errbuf[256];
	MeshJson   *js;
	MeshJson   *keys;
	MeshJson   *partials;
	Datum	   *kv;
	bool	   *kn;
	WindowEntry *e;
	int			i;

	if (keylen >= MAX_KEY)
		return;
	memset(hkey, 0, sizeof(hkey));
	memcpy(hkey, key, keylen);
	if (strcmp(hkey, META_KEY) == 0)
	{
		MeshJson   *late;
		const char *st;

		if (value == NULL || (js = mesh_json_parse(value, len, MESH_JSON_MAX_DEPTH, errbuf, sizeof(errbuf))) == NULL)
			return;
		st = mesh_json_get_string(js, "stream_time");
		late = mesh_json_get(js, "late");
		if (st)
		{
			w->stream_time = DatumGetTimestampTz(text_datum(TIMESTAMPTZOID, st));
			w->have_stream_time = true;
		}
		if (late && late->is_integer)
			w->late_total = late->integer;
		return;
	}
	if (value == NULL)
	{
		e = hash_search(w->entries, hkey, HASH_FIND, NULL);
		if (e)
		{
			free_entry(w, e);
			hash_search(w->entries, hkey, HASH_REMOVE, NULL);
		}
		return;
	}
	keys = mesh_json_parse(hkey, keylen, MESH_JSON_MAX_DEPTH, errbuf, sizeof(errbuf));
	js = mesh_json_parse(value, len, MESH_JSON_MAX_DEPTH, errbuf, sizeof(errbuf));
	partials = js ? mesh_json_get(js, "p") : NULL;
	if (keys == NULL || keys->type != MJ_ARRAY || keys->count != w->nkeys ||
		partials == NULL || partials->type != MJ_ARRAY || partials->count != w->npartials)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the window state of continuous data product \"%s\" has a record it cannot read",
						w->qualified_name),
				 errdetail_internal("key %s", hkey)));
	kv = palloc(sizeof(Datum) * w->nkeys);
	kn = palloc(sizeof(bool) * w->nkeys);
	for (i = 0; i < w->nkeys; i++)
	{
		kn[i] = keys->items[i]->type == MJ_NULL;
		kv[i] = kn[i] ? (Datum) 0 : text_datum(w->keytypes[i], keys->items[i]->string);
	}
	e = entry_for(w, kv, kn);
	for (i = 0; i < w->npartials; i++)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(w->cxt);

		if (!e->pnulls[i] && !get_typbyval(w->ptypes[i]))
			pfree(DatumGetPointer(e->partials[i]));
		e->pnulls[i] = partials->items[i]->type == MJ_NULL;
		e->partials[i] = e->pnulls[i] ? (Datum) 0 :
			text_datum(w->ptypes[i], partials->items[i]->string);
		MemoryContextSwitchTo(oldcxt);
	}
	e->dirty = false;
}
