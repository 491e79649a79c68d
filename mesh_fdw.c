/*-------------------------------------------------------------------------
 *
 * mesh_fdw.c
 *		  Foreign-data wrapper for a data mesh on Apache Kafka: the handler,
 *		  the validator and the FDW callbacks.  The work is done by the files
 *		  under src/ (docs/architecture.md maps them); this file wires them
 *		  to the planner and executor.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fdw/insert.h"
#include "fdw/modify.h"
#include "fdw/option.h"
#include "fdw/pushdown.h"
#include "fdw/scan.h"
#include "fdw/table.h"
#include "kafka/admin.h"
#include "mesh/convert.h"
#include "mesh/continuous.h"
#include "mesh/import.h"
#include "pg_compat.h"

#include <math.h>

#include "access/reloptions.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "foreign/fdwapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/cost.h"
#include "optimizer/optimizer.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"
#include "commands/trigger.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);

/*
 * Loading the library: continuous products learn from the fdw layer what
 * a foreign table reads, and, when loaded by shared_preload_libraries,
 * the postmaster registers their launcher (launcher.c).  Nothing here
 * creates a Kafka client: the postmaster must never run librdkafka.
 */
void
_PG_init(void)
{
	mesh_foreign_table_info = mesh_table_input_info;
	if (process_shared_preload_libraries_in_progress)
		mesh_launcher_register();
}

/* What planning learns about a relation (baserel->fdw_private). */
typedef struct MeshPlanState
{
	MeshTable  *table;
	double		messages;		/* in the topic now */
	int64		limit;			/* a LIMIT the scan may honour, or -1 */
} MeshPlanState;

/* fdw_private of a ForeignScan: a List of these */
enum
{
	FDW_PRIVATE_PUSHDOWN,		/* pushdown items (pushdown.c) */
	FDW_PRIVATE_LIMIT,			/* Integer: pushed LIMIT, -1 none */
	FDW_PRIVATE_ATTRS			/* Integer list: attnums the query needs */
};

/* Executor state of a scan (node->fdw_state). */
typedef struct MeshScanState
{
	MeshScan   *scan;
	MeshTable  *table;
	Bitmapset  *attrs;
	List	   *items;
	List	   *value_states;	/* ExprStates of the pushed values */
	int64		limit;
} MeshScanState;

/*
 * Per-message CPU cost: librdkafka, decoding, one comparison per column.
 * A scan also pays a startup cost for its round trips to the brokers, so
 * that the planner does not rescan Kafka on the inner side of a nested
 * loop when a hash join can read it once.
 */
#define MESH_STARTUP_COST 1000.0

/* Rows the executor hands to ExecForeignBatchInsert at once. */
#define MESH_INSERT_BATCH_SIZE 1000

/*
 * Validate the options given to CREATE/ALTER of a mesh_fdw server, user
 * mapping, foreign table or column.  PostgreSQL passes the complete list
 * as it will stand after the command, so required options can be checked.
 */
PG_FUNCTION_INFO_V1(mesh_fdw_validator);
Datum
mesh_fdw_validator(PG_FUNCTION_ARGS)
{
	List	   *options = untransformRelOptions(PG_GETARG_DATUM(0));
	Oid			catalog = PG_GETARG_OID(1);

	mesh_validate_options(options, catalog);
	PG_RETURN_VOID();
}

/*
 * GetForeignRelSize: estimate the relation's rows.  The brokers tell how
 * many messages each partition holds now, so no ANALYZE is needed; in
 * table mode the number of keys comes from ANALYZE when there is one.
 */
static void
meshGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	MeshPlanState *ps = palloc0(sizeof(MeshPlanState));
	double		rows;

	ps->limit = -1;
	ps->table = mesh_table_load(foreigntableid, ERROR);
	if (!mesh_topic_size(ps->table->conn, ps->table->topic, &ps->messages))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
				 errmsg("topic \"%s\" of foreign table \"%s\" does not exist on server \"%s\"",
						ps->table->topic, ps->table->relname,
						ps->table->server->servername)));

	rows = ps->messages;
	if (ps->table->table_mode)
		rows = baserel->tuples > 0 ? baserel->tuples : ps->messages / 2;
	baserel->tuples = rows;
	baserel->rows = clamp_row_est(rows * clauselist_selectivity(root, baserel->baserestrictinfo,
																0, JOIN_INNER, NULL));
	baserel->fdw_private = ps;
}

/*
 * GetForeignPaths: offer one path, a full read of the topic narrowed by
 * what can be pushed down.  No parameterized paths: a join that wants to
 * probe Kafka per outer row would rescan it each time.
 */
static void
meshGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	MeshPlanState *ps = baserel->fdw_private;
	double		per_message = cpu_tuple_cost * 2 +
		cpu_operator_cost * list_length(baserel->reltarget->exprs);
	Cost		startup = MESH_STARTUP_COST;
	Cost		total;

	total = startup + ps->messages * per_message;
	if (ps->table->table_mode)
	{
		/* every message goes through a sort before the first row */
		startup = total + 2.0 * cpu_operator_cost * ps->messages * log2(Max(ps->messages, 2));
		total = startup + baserel->rows * cpu_tuple_cost;
	}
	add_path(baserel, (Path *) mesh_foreignscan_path(root, baserel, baserel->rows,
													 startup, total));
}

/*
 * GetForeignUpperPaths: at the final stage, learn a LIMIT the scan itself
 * can honour, as postgres_fdw does: the query's last step before its
 * LIMIT is this relation's scan (nothing sorts, groups, aggregates, joins
 * or expands rows above it), and LIMIT and OFFSET are constants.
 * GetForeignPlan pushes it when every condition also narrowed what is read
 * exactly, so that the rows the scan returns are the rows the LIMIT
 * counts.  No path is added: the Limit node stays, the scan just stops.
 */
static void
meshGetForeignUpperPaths(PlannerInfo *root, UpperRelationKind stage,
						 RelOptInfo *input_rel, RelOptInfo *output_rel, void *extra)
{
	Query	   *parse = root->parse;
	FinalPathExtraData *final = (FinalPathExtraData *) extra;
	MeshPlanState *ps = input_rel->fdw_private;
	int64		count;
	int64		offset = 0;

	if (stage != UPPERREL_FINAL || input_rel->reloptkind != RELOPT_BASEREL || ps == NULL ||
		!final->limit_needed || parse->hasTargetSRFs || parse->rowMarks != NIL ||
		parse->limitOption == LIMIT_OPTION_WITH_TIES)
		return;
	if (parse->limitCount == NULL || !IsA(parse->limitCount, Const) ||
		((Const *) parse->limitCount)->constisnull ||
		(parse->limitOffset != NULL &&
		 (!IsA(parse->limitOffset, Const) || ((Const *) parse->limitOffset)->constisnull)))
		return;
	count = DatumGetInt64(((Const *) parse->limitCount)->constvalue);
	if (parse->limitOffset)
		offset = DatumGetInt64(((Const *) parse->limitOffset)->constvalue);
	if (count < 0 || offset < 0 || count > PG_INT32_MAX - offset)
		return;
	ps->limit = count + offset;
}

/*
 * GetForeignPlan: build the ForeignScan.  Every restriction stays a local
 * filter; the pushable ones also narrow the offsets read, with their
 * values evaluated at scan start (fdw_exprs).
 */
static ForeignScan *
meshGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
				   ForeignPath *best_path, List *tlist, List *scan_clauses,
				   Plan *outer_plan)
{
	MeshPlanState *ps = baserel->fdw_private;
	MeshPushdown *pushdown;
	List	   *remaining;
	Bitmapset  *attrs = NULL;
	List	   *attr_list = NIL;
	int64		limit;
	int			attno;
	ListCell   *lc;

	pushdown = mesh_pushdown_extract(root, baserel, ps->table, &remaining);
	limit = pushdown->exact ? ps->limit : -1;

	/* the columns the query reads, in its output and in the local filters */
	pull_varattnos((Node *) baserel->reltarget->exprs, baserel->relid, &attrs);
	foreach(lc, remaining)
		pull_varattnos((Node *) ((RestrictInfo *) lfirst(lc))->clause, baserel->relid, &attrs);
	attno = -1;
	while ((attno = bms_next_member(attrs, attno)) >= 0)
	{
		AttrNumber	a = attno + FirstLowInvalidHeapAttributeNumber;

		if (a == 0)
		{
			/* a whole-row reference needs every column */
			int			i;

			for (i = 1; i <= ps->table->natts; i++)
				attr_list = list_append_unique_int(attr_list, i);
		}
		else if (a > 0)
			attr_list = list_append_unique_int(attr_list, a);
	}

	return make_foreignscan(tlist, extract_actual_clauses(scan_clauses, false),
							baserel->relid, pushdown->exprs,
							list_make3(pushdown->items, makeInteger((int) limit), attr_list),
							NIL, NIL, outer_plan);
}

static bool
contains_exec_param(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Param) && ((Param *) node)->paramkind == PARAM_EXEC)
		return true;
	return expression_tree_walker(node, contains_exec_param, context);
}

/*
 * Evaluate the pushed values and start the scan (or, for a rescan of a
 * scan that holds a bookmark, replay it).  Under EXPLAIN without ANALYZE,
 * values that depend on subplans are left unknown (InvalidOid).
 */
static void
start_scan(ForeignScanState *node, MeshScanState *state, bool explain_only)
{
	int			n = list_length(state->value_states);
	Datum	   *values = palloc0(sizeof(Datum) * Max(n, 1));
	bool	   *isnull = palloc0(sizeof(bool) * Max(n, 1));
	Oid		   *types = palloc0(sizeof(Oid) * Max(n, 1));
	ExprContext *econtext = node->ss.ps.ps_ExprContext;
	ListCell   *lc;

	foreach(lc, state->value_states)
	{
		ExprState  *es = lfirst(lc);
		int			i = foreach_current_index(lc);

		if (explain_only && contains_exec_param((Node *) es->expr, NULL))
			continue;
		values[i] = ExecEvalExpr(es, econtext, &isnull[i]);
		types[i] = exprType((Node *) es->expr);
	}
	if (state->scan && mesh_scan_bookmarked(state->scan))
	{
		mesh_scan_rescan(state->scan, state->items, values, isnull, types);
		return;
	}
	if (state->scan)
		mesh_scan_end(state->scan);
	state->scan = mesh_scan_begin(state->table, state->attrs, state->items,
								  values, isnull, types, state->limit, explain_only);
}

/*
 * BeginForeignScan: set up the scan.  Under EXPLAIN without ANALYZE it
 * only captures the offsets to show, without reading.
 */
static void
meshBeginForeignScan(ForeignScanState *node, int eflags)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	MeshScanState *state = palloc0(sizeof(MeshScanState));
	Oid			relid = RelationGetRelid(node->ss.ss_currentRelation);
	ListCell   *lc;

	state->table = mesh_table_load(relid, ERROR);
	state->items = list_nth(fsplan->fdw_private, FDW_PRIVATE_PUSHDOWN);
	state->limit = intVal(list_nth(fsplan->fdw_private, FDW_PRIVATE_LIMIT));
	foreach(lc, (List *) list_nth(fsplan->fdw_private, FDW_PRIVATE_ATTRS))
		state->attrs = bms_add_member(state->attrs, lfirst_int(lc));
	state->value_states = ExecInitExprList(fsplan->fdw_exprs, (PlanState *) node);
	node->fdw_state = state;

	start_scan(node, state, (eflags & EXEC_FLAG_EXPLAIN_ONLY) != 0);
}

/*
 * IterateForeignScan: return the next row in the scan's tuple slot, or an
 * empty slot at the end.  Values are built in the per-tuple memory that
 * the executor resets before each call.
 */
static TupleTableSlot *
meshIterateForeignScan(ForeignScanState *node)
{
	MeshScanState *state = node->fdw_state;
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;
	MemoryContext oldcxt;
	bool		found;

	ExecClearTuple(slot);
	oldcxt = MemoryContextSwitchTo(node->ss.ps.ps_ExprContext->ecxt_per_tuple_memory);
	found = mesh_scan_next(state->scan, slot->tts_values, slot->tts_isnull);
	MemoryContextSwitchTo(oldcxt);
	if (found)
		ExecStoreVirtualTuple(slot);
	return slot;
}

/*
 * ReScanForeignScan: start again from the beginning, with the pushed
 * values evaluated anew (parameters may have changed).  A scan with a
 * bookmark reads the same offsets again, and moves the bookmark only when
 * it ends (start_scan).
 */
static void
meshReScanForeignScan(ForeignScanState *node)
{
	MeshScanState *state = node->fdw_state;

	start_scan(node, state, false);
}

/*
 * EndForeignScan: the scan is over; give back its consumer.
 */
static void
meshEndForeignScan(ForeignScanState *node)
{
	MeshScanState *state = node->fdw_state;

	if (state && state->scan)
		mesh_scan_end(state->scan);
}

/*
 * ExplainForeignScan: the topic, per partition the offsets to read, and
 * what was pushed down; with ANALYZE, messages read and judged bad.
 */
static void
meshExplainForeignScan(ForeignScanState *node, ExplainState *es)
{
	MeshScanState *state = node->fdw_state;

	mesh_scan_explain(state->scan, es);
}

static int
meshAcquireSampleRows(Relation relation, int elevel, HeapTuple *rows,
					  int targrows, double *totalrows, double *totaldeadrows)
{
	MeshTable  *table = mesh_table_load(RelationGetRelid(relation), ERROR);
	int			n;

	n = mesh_scan_sample(table, rows, targrows, totalrows, RelationGetDescr(relation));
	*totaldeadrows = 0;
	ereport(elevel,
			(errmsg("\"%s\": sampled %d of %.0f messages", RelationGetRelationName(relation),
					n, *totalrows)));
	return n;
}

/*
 * AnalyzeForeignTable: ANALYZE samples the newest messages of each
 * partition for column statistics.
 */
static bool
meshAnalyzeForeignTable(Relation relation, AcquireSampleRowsFunc *func,
						BlockNumber *totalpages)
{
	*func = meshAcquireSampleRows;
	*totalpages = 1;
	return true;
}

/* ------------------------------------------------------------------------
 * Writing: INSERT produces, DELETE ... WHERE _key = ... writes tombstones
 * ------------------------------------------------------------------------
 */

/*
 * IsForeignRelUpdatable: INSERT, and DELETE (tombstones) by key.
 */
static int
meshIsForeignRelUpdatable(Relation rel)
{
	return (1 << CMD_INSERT) | (1 << CMD_DELETE);
}

/*
 * PlanForeignModify: INSERT needs no plan-time work.  A DELETE that did
 * not become a direct tombstone (see PlanDirectModify) and any UPDATE are
 * refused: a topic is append-only.
 */
static List *
meshPlanForeignModify(PlannerInfo *root, ModifyTable *plan, Index resultRelation,
					  int subplan_index)
{
	RangeTblEntry *rte = planner_rt_fetch(resultRelation, root);
	char	   *relname = get_rel_name(rte->relid);

	if (plan->operation == CMD_UPDATE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot UPDATE foreign table \"%s\": a Kafka topic is append-only", relname),
				 errhint("INSERT the new value for the key; a table in mode 'table' shows the latest.")));
	if (plan->operation == CMD_DELETE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot DELETE from foreign table \"%s\" this way", relname),
				 errdetail("A DELETE writes a tombstone per key: it needs mode 'table', a WHERE clause that is exactly \"_key = value\" or \"_key IN (...)\", and no RETURNING.")));
	return NIL;
}

/*
 * BeginForeignModify: prepare to produce the rows of an INSERT (and
 * BeginForeignInsert for COPY FROM and partition routing).
 */
static void
meshBeginForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo,
					   List *fdw_private, int subplan_index, int eflags)
{
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;
	rinfo->ri_FdwState = mesh_insert_begin(rinfo->ri_RelationDesc);
}

static void
meshBeginForeignInsert(ModifyTableState *mtstate, ResultRelInfo *rinfo)
{
	rinfo->ri_FdwState = mesh_insert_begin(rinfo->ri_RelationDesc);
}

/*
 * ExecForeignInsert: encode the row and give it to the producer; the
 * acknowledgement is waited for at the end of the statement.
 */
static TupleTableSlot *
meshExecForeignInsert(EState *estate, ResultRelInfo *rinfo, TupleTableSlot *slot,
					  TupleTableSlot *planSlot)
{
	mesh_insert_row(rinfo->ri_FdwState, slot);
	return slot;
}

/*
 * GetForeignModifyBatchSize: how many rows the executor may hand to
 * ExecForeignBatchInsert at once.  Rows are produced one by one either
 * way; a batch saves the executor's per-row call, and it is refused
 * where the executor needs each row back at once (RETURNING, row
 * triggers, WITH CHECK OPTION).
 */
static int
meshGetForeignModifyBatchSize(ResultRelInfo *rinfo)
{
	TriggerDesc *triggers = rinfo->ri_TrigDesc;

	if (rinfo->ri_projectReturning != NULL || rinfo->ri_WithCheckOptions != NIL ||
		(triggers && (triggers->trig_insert_after_row || triggers->trig_insert_before_row)))
		return 1;
	return MESH_INSERT_BATCH_SIZE;
}

/*
 * ExecForeignBatchInsert: produce the batch's rows, as ExecForeignInsert
 * does each.
 */
static TupleTableSlot **
meshExecForeignBatchInsert(EState *estate, ResultRelInfo *rinfo, TupleTableSlot **slots,
						   TupleTableSlot **planSlots, int *numSlots)
{
	int			i;

	for (i = 0; i < *numSlots; i++)
		mesh_insert_row(rinfo->ri_FdwState, slots[i]);
	return slots;
}

/*
 * EndForeignModify: the statement returns only once every message is
 * acknowledged (or fails saying how many were not written).
 */
static void
meshEndForeignModify(EState *estate, ResultRelInfo *rinfo)
{
	if (rinfo->ri_FdwState)
		mesh_insert_end(rinfo->ri_FdwState);
}

/*
 * PlanDirectModify: a DELETE whose WHERE names keys becomes tombstones
 * for them, without reading the topic.
 */
static bool
meshPlanDirectModify(PlannerInfo *root, ModifyTable *plan, Index resultRelation,
					 int subplan_index)
{
	Plan	   *subplan = outerPlan(plan);
	ForeignScan *fscan;
	RangeTblEntry *rte = planner_rt_fetch(resultRelation, root);
	MeshTable  *table;
	Node	   *value;
	bool		is_array;

	if (plan->operation != CMD_DELETE || plan->returningLists != NIL || subplan == NULL)
		return false;
	/* the scan may sit under a Result that computes the row identity */
	if (IsA(subplan, Result) && outerPlan(subplan) != NULL)
		subplan = outerPlan(subplan);
	if (!IsA(subplan, ForeignScan))
		return false;
	fscan = (ForeignScan *) subplan;
	if (fscan->scan.scanrelid != resultRelation || list_length(fscan->scan.plan.qual) != 1)
		return false;
	table = mesh_table_load(rte->relid, ERROR);
	if (!table->table_mode)
		return false;
	value = mesh_delete_key_value(linitial(fscan->scan.plan.qual), resultRelation, table, &is_array);
	if (value == NULL)
		return false;

	fscan->operation = CMD_DELETE;
	fscan->resultRelation = resultRelation;
	fscan->scan.plan.qual = NIL;
	fscan->scan.plan.targetlist = NIL;
	fscan->fdw_exprs = list_make1(value);
	fscan->fdw_private = list_make1(makeInteger(is_array ? 1 : 0));
	return true;
}

typedef struct MeshDirectState
{
	MeshTable  *table;
	ExprState  *value;
	bool		is_array;
	bool		done;
} MeshDirectState;

static void
meshBeginDirectModify(ForeignScanState *node, int eflags)
{
	ForeignScan *fsplan = (ForeignScan *) node->ss.ps.plan;
	MeshDirectState *state = palloc0(sizeof(MeshDirectState));

	state->table = mesh_table_load(RelationGetRelid(node->ss.ss_currentRelation), ERROR);
	state->value = ExecInitExpr(linitial(fsplan->fdw_exprs), (PlanState *) node);
	state->is_array = intVal(linitial(fsplan->fdw_private)) != 0;
	node->fdw_state = state;
}

/*
 * IterateDirectModify: write the tombstones (once) and count them.
 */
static TupleTableSlot *
meshIterateDirectModify(ForeignScanState *node)
{
	MeshDirectState *state = node->fdw_state;
	EState	   *estate = node->ss.ps.state;
	ExprContext *econtext = node->ss.ps.ps_ExprContext;
	bool		isnull;
	Datum		value;

	if (state->done)
		return ExecClearTuple(node->ss.ss_ScanTupleSlot);
	state->done = true;
	value = ExecEvalExpr(state->value, econtext, &isnull);
	if (!isnull)
		estate->es_processed += mesh_delete_keys(state->table, value,
												 exprType((Node *) state->value->expr),
												 state->is_array);
	return ExecClearTuple(node->ss.ss_ScanTupleSlot);
}

/*
 * ExecForeignDelete: never reached, since PlanForeignModify refuses every
 * DELETE that PlanDirectModify does not take; PostgreSQL only checks that
 * it exists before it lets a DELETE run at all.
 */
static TupleTableSlot *
meshExecForeignDelete(EState *estate, ResultRelInfo *rinfo, TupleTableSlot *slot,
					  TupleTableSlot *planSlot)
{
	elog(ERROR, "mesh_fdw deletes only by writing tombstones for keys");
	return NULL;
}

static void
meshEndDirectModify(ForeignScanState *node)
{
}

static void
meshExplainDirectModify(ForeignScanState *node, ExplainState *es)
{
	MeshDirectState *state = node->fdw_state;

	ExplainPropertyText("Kafka", mesh_table_describe(state->table), es);
	ExplainPropertyText("Writes", "a tombstone per key", es);
}

/*
 * The handler: tells PostgreSQL which callbacks implement mesh_fdw.
 */
PG_FUNCTION_INFO_V1(mesh_fdw_handler);
Datum
mesh_fdw_handler(PG_FUNCTION_ARGS)
{
	FdwRoutine *routine = makeNode(FdwRoutine);

	routine->GetForeignRelSize = meshGetForeignRelSize;
	routine->GetForeignPaths = meshGetForeignPaths;
	routine->GetForeignPlan = meshGetForeignPlan;
	routine->GetForeignUpperPaths = meshGetForeignUpperPaths;
	routine->BeginForeignScan = meshBeginForeignScan;
	routine->IterateForeignScan = meshIterateForeignScan;
	routine->ReScanForeignScan = meshReScanForeignScan;
	routine->EndForeignScan = meshEndForeignScan;
	routine->ExplainForeignScan = meshExplainForeignScan;
	routine->AnalyzeForeignTable = meshAnalyzeForeignTable;
	routine->ImportForeignSchema = mesh_import_foreign_schema;

	routine->IsForeignRelUpdatable = meshIsForeignRelUpdatable;
	routine->PlanForeignModify = meshPlanForeignModify;
	routine->BeginForeignModify = meshBeginForeignModify;
	routine->ExecForeignInsert = meshExecForeignInsert;
	routine->GetForeignModifyBatchSize = meshGetForeignModifyBatchSize;
	routine->ExecForeignBatchInsert = meshExecForeignBatchInsert;
	routine->EndForeignModify = meshEndForeignModify;
	routine->ExecForeignDelete = meshExecForeignDelete;
	routine->BeginForeignInsert = meshBeginForeignInsert;
	routine->EndForeignInsert = meshEndForeignModify;
	routine->PlanDirectModify = meshPlanDirectModify;
	routine->BeginDirectModify = meshBeginDirectModify;
	routine->IterateDirectModify = meshIterateDirectModify;
	routine->EndDirectModify = meshEndDirectModify;
	routine->ExplainDirectModify = meshExplainDirectModify;

	PG_RETURN_POINTER(routine);
}
