/*-------------------------------------------------------------------------
 *
 * continuous.c
 *		  Continuous data products: the shapes of query they run (checked
 *		  when one is created), their rows in mesh.continuous_product, and
 *		  mesh.pause_data_product, mesh.resume_data_product and the live
 *		  figures of mesh.continuous_products.
 *
 * A continuous product's worker (runner.c) runs the query again on each
 * batch of new messages of its one stream-mode input: a scan of that input
 * reads only the batch's ranges (mesh_continuous_batch), every other input
 * (table-mode products, PostgreSQL tables) is read whole, as it is when
 * the batch runs.  So a query may filter, project and join its stream
 * with tables, as ksqlDB's stream-table joins do; a tumbling-window
 * aggregate is run as partial aggregates merged into the windows' state
 * (window.c).  Any other shape would give a different answer batch by
 * batch than once over all the data, and is refused.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/continuous.h"

#include "kafka/admin.h"
#include "kafka/client.h"
#include "kafka/groups.h"
#include "kafka/reader.h"
#include "mesh/ext_tables.h"
#include "mesh/publish.h"
#include "mesh/servers.h"
#include "mesh/window.h"
#include "pg_compat.h"

#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/procarray.h"
#include "access/xlog.h"
#include "utils/guc.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/plancache.h"
#include "utils/snapmgr.h"
#include "commands/dbcommands.h"
#include "utils/timestamp.h"

#include <signal.h>

MeshForeignTableInfoFn mesh_foreign_table_info = NULL;
bool		mesh_preloaded = false;

static MeshBatchRanges *current_batch = NULL;

#define SUPPORTED_SHAPES \
	"A continuous data product runs filters and projections over one stream-mode input, " \
	"that input joined (inner, or left with the stream on the left) with table-mode products or PostgreSQL tables, " \
	"or a tumbling-window aggregate over it: GROUP BY mesh.tumble(<timestamp>, <interval>) and keys, " \
	"with count, sum, min, max and avg."

MeshBatchRanges *
mesh_continuous_batch(Oid serverid, const char *topic, bool stream, const char *what)
{
	if (current_batch == NULL || !stream)
		return NULL;
	if (current_batch->serverid == serverid && strcmp(current_batch->topic, topic) == 0)
		return current_batch;
	/* read whole, such a stream would write its every message each batch */
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("a continuous data product's query reads %s as a stream, which is not its stream input (topic \"%s\")",
					what, current_batch->topic),
			 errdetail("A foreign table it reads was changed after the product was created."),
			 errhint("Put the table back as it was, or unpublish the product and create it again.")));
	return NULL;
}

char *
mesh_continuous_home(void)
{
	return psprintf(UINT64_FORMAT ":%u", GetSystemIdentifier(), MyDatabaseId);
}

void
mesh_continuous_set_batch(MeshBatchRanges *batch)
{
	current_batch = batch;
}

char *
mesh_continuous_group(const char *qualified_name)
{
	return psprintf("mesh.%s", qualified_name);
}

/* ------------------------------------------------------------------------
 * The shape of the query
 * ------------------------------------------------------------------------
 */

static void
refuse(const char *qualified_name, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("continuous data product \"%s\" cannot %s", qualified_name, what),
			 errdetail(SUPPORTED_SHAPES),
			 errhint("Create it without continuous => true to run the query once.")));
}

typedef struct InputWalk
{
	const char *qualified_name;
	int			streams;
	Oid			stream_relid;
	Oid			stream_serverid;
	char	   *stream_topic;
	Query	   *stream_query;	/* the query whose range table holds it */
	Index		stream_rti;
	Query	   *current;
} InputWalk;

static bool
input_walker(Node *node, InputWalk *w)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
	{
		Query	   *saved = w->current;
		Query	   *q = (Query *) node;
		ListCell   *lc;
		bool		r;

		w->current = q;
		foreach(lc, q->rtable)
		{
			RangeTblEntry *rte = lfirst(lc);
			MeshInputInfo info;

			if (rte->rtekind != RTE_RELATION || rte->relkind != RELKIND_FOREIGN_TABLE)
				continue;
			memset(&info, 0, sizeof(info));
			if (mesh_foreign_table_info == NULL ||
				!mesh_foreign_table_info(rte->relid, &info) || !info.is_mesh)
				refuse(w->qualified_name,
					   psprintf("read foreign table \"%s\", which is not a table of mesh_fdw",
								get_rel_name(rte->relid)));
			if (!info.stream)
				continue;
			if (++w->streams > 1)
				refuse(w->qualified_name,
					   "read two stream-mode inputs (or one twice): only one input may be a stream");
			w->stream_relid = rte->relid;
			w->stream_serverid = info.serverid;
			w->stream_topic = info.topic;
			w->stream_query = q;
			w->stream_rti = foreach_current_index(lc) + 1;
		}
		r = query_tree_walker(q, input_walker, w, 0);
		w->current = saved;
		return r;
	}
	return expression_tree_walker(node, input_walker, w);
}

/* Whether jointree node n holds range table entry rti. */
static bool
holds_rti(Node *n, Index rti)
{
	if (n == NULL)
		return false;
	if (IsA(n, RangeTblRef))
		return ((RangeTblRef *) n)->rtindex == (int) rti;
	if (IsA(n, JoinExpr))
	{
		JoinExpr   *j = (JoinExpr *) n;

		return holds_rti(j->larg, rti) || holds_rti(j->rarg, rti);
	}
	if (IsA(n, FromExpr))
	{
		ListCell   *lc;

		foreach(lc, ((FromExpr *) n)->fromlist)
			if (holds_rti(lfirst(lc), rti))
				return true;
	}
	return false;
}

/* Each message must reach the output as the one-shot query would take it. */
static void
check_joins(const char *qualified_name, Node *n, Index rti)
{
	if (n == NULL)
		return;
	if (IsA(n, JoinExpr))
	{
		JoinExpr   *j = (JoinExpr *) n;
		bool		left = holds_rti(j->larg, rti);
		bool		right = holds_rti(j->rarg, rti);

		if ((j->jointype == JOIN_FULL && (left || right)) ||
			(j->jointype == JOIN_LEFT && right) ||
			(j->jointype == JOIN_RIGHT && left))
			refuse(qualified_name,
				   "join its stream as the side whose unmatched rows are filled with NULLs "
				   "(a stream has no end, so what does not match is never known)");
		check_joins(qualified_name, j->larg, rti);
		check_joins(qualified_name, j->rarg, rti);
	}
	else if (IsA(n, FromExpr))
	{
		ListCell   *lc;

		foreach(lc, ((FromExpr *) n)->fromlist)
			check_joins(qualified_name, lfirst(lc), rti);
	}
}

MeshContinuousPlan *
mesh_continuous_plan(const char *qualified_name, SPIPlanPtr plan, Oid serverid,
					 Interval *grace)
{
	MeshContinuousPlan *cp = palloc0(sizeof(MeshContinuousPlan));
	List	   *sources = SPI_plan_get_plan_sources(plan);
	CachedPlanSource *source = NULL;
	Query	   *q;
	InputWalk	w;

	if (list_length(sources) != 1 ||
		list_length((source = linitial(sources))->query_list) != 1)
		refuse(qualified_name, "run more than one statement");
	q = linitial(source->query_list);
	if (q->commandType != CMD_SELECT || q->utilityStmt != NULL)
		refuse(qualified_name, "run a statement other than SELECT");
	if (q->setOperations)
		refuse(qualified_name, "use UNION, INTERSECT or EXCEPT");
	if (q->cteList)
		refuse(qualified_name, "use WITH");
	if (q->sortClause)
		refuse(qualified_name, "use ORDER BY (a stream has no end to sort by)");
	if (q->limitCount || q->limitOffset)
		refuse(qualified_name, "use LIMIT or OFFSET");
	if (q->distinctClause)
		refuse(qualified_name, "use DISTINCT over a stream");
	if (q->hasWindowFuncs)
		refuse(qualified_name, "use window functions (OVER)");
	if (q->hasTargetSRFs)
		refuse(qualified_name, "use set-returning functions in its result");
	if (q->rowMarks)
		refuse(qualified_name, "use FOR UPDATE or FOR SHARE");
	if (contain_volatile_functions((Node *) q))
		refuse(qualified_name,
			   "use volatile functions (such as random() or clock_timestamp()): "
			   "a batch run again after a failure must give the same rows");

	memset(&w, 0, sizeof(w));
	w.qualified_name = qualified_name;
	input_walker((Node *) q, &w);
	if (w.streams == 0)
		refuse(qualified_name,
			   "run without a stream-mode input: it would have nothing to wait for");
	if (w.stream_query != q)
		refuse(qualified_name, "read its stream input in a subquery");
	if (w.stream_serverid != serverid)
		refuse(qualified_name,
			   "read a stream of another server than the product's: its positions and output commit together on one cluster");
	check_joins(qualified_name, (Node *) q->jointree, w.stream_rti);

	cp->input_relid = w.stream_relid;
	cp->input_topic = w.stream_topic;
	if (q->hasAggs || q->groupClause || q->havingQual || q->groupingSets)
	{
		MeshWindowPlan *wp = mesh_window_plan(qualified_name, q, w.stream_rti, grace);

		cp->batch_query = wp->batch_query;
		cp->window_spec = wp->spec;
		cp->key_column = NULL;
	}
	else
	{
		if (grace)
			refuse(qualified_name, "take a grace period without a window (GROUP BY mesh.tumble(...))");
		cp->batch_query = pstrdup(source->query_string);
	}
	return cp;
}

/* ------------------------------------------------------------------------
 * Rows of mesh.continuous_product
 * ------------------------------------------------------------------------
 */

/* Workers to start when the transaction commits. */
typedef struct PendingStart
{
	int			id;
	char		qualified_name[NAMEDATALEN * 2 + 2];
} PendingStart;

static List *pending_starts = NIL;	/* in TopMemoryContext */
static bool xact_callback_registered = false;

static void
start_pending(XactEvent event, void *arg)
{
	ListCell   *lc;

	if (pending_starts == NIL)
		return;
	if (event == XACT_EVENT_PRE_PREPARE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot PREPARE a transaction that created or resumed a continuous data product")));
	if (event == XACT_EVENT_COMMIT)
		foreach(lc, pending_starts)
		{
			PendingStart *ps = lfirst(lc);

			mesh_start_runner(MyDatabaseId, ps->id, ps->qualified_name, WARNING);
		}
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT)
	{
		list_free_deep(pending_starts);
		pending_starts = NIL;
	}
}

static void
start_at_commit(int id, const char *qualified_name)
{
	PendingStart *ps = MemoryContextAllocZero(TopMemoryContext, sizeof(PendingStart));
	MemoryContext oldcxt;

	if (!xact_callback_registered)
	{
		RegisterXactCallback(start_pending, NULL);
		xact_callback_registered = true;
	}
	ps->id = id;
	strlcpy(ps->qualified_name, qualified_name, sizeof(ps->qualified_name));
	oldcxt = MemoryContextSwitchTo(TopMemoryContext);
	pending_starts = lappend(pending_starts, ps);
	MemoryContextSwitchTo(oldcxt);
}

static bool find_product(const char *servername, const char *qualified_name, int *id,
						 char **state, bool lock);
static void stop_runner(const char *qualified_name, int id);

static void
require_preload(void)
{
	if (!mesh_preloaded)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("continuous data products need mesh_fdw in shared_preload_libraries"),
				 errdetail("Their background workers are started by the PostgreSQL server."),
				 errhint("Add mesh_fdw to shared_preload_libraries in postgresql.conf (and make max_worker_processes large enough for every continuous product), then restart PostgreSQL.")));
}

void
mesh_continuous_create(ForeignServer *server, const char *qualified_name,
					   const char *query, const MeshContinuousPlan *cp,
					   const char *output_topic, const char *schema,
					   const char *header, int header_len,
					   const char *key_column, Interval *grace)
{
	Oid			relid = mesh_require_extension_table("continuous_product", "1.3");
	MeshAsTableOwner owner;
	const char *servername = server->servername;
	Oid			types[16] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, OIDOID, TEXTOID,
		TEXTOID, TEXTOID, TEXTOID, BYTEAOID, JSONBOID, INTERVALOID, OIDOID,
	TEXTOID, TEXTOID, TEXTOID};
	Datum		values[16];
	char		nulls[16];
	int			old_id;
	char	   *old_state;
	bytea	   *hdr = palloc(VARHDRSZ + header_len);
	Oid			runner = GetUserId();
	int			id;
	bool		isnull;

	require_preload();
	memset(nulls, ' ', sizeof(nulls));
	SET_VARSIZE(hdr, VARHDRSZ + header_len);
	memcpy(VARDATA(hdr), header, header_len);
	values[0] = CStringGetTextDatum(servername);
	values[1] = CStringGetTextDatum(qualified_name);
	values[2] = CStringGetTextDatum(query);
	values[3] = CStringGetTextDatum(cp->batch_query);
	values[4] = ObjectIdGetDatum(cp->input_relid);
	values[5] = CStringGetTextDatum(cp->input_topic);
	values[6] = CStringGetTextDatum(output_topic);
	values[7] = key_column ? CStringGetTextDatum(key_column) : (Datum) 0;
	nulls[7] = key_column ? ' ' : 'n';
	values[8] = CStringGetTextDatum(schema);
	values[9] = PointerGetDatum(hdr);
	values[10] = cp->window_spec ?
		DirectFunctionCall1(jsonb_in, CStringGetDatum(cp->window_spec)) : (Datum) 0;
	nulls[10] = cp->window_spec ? ' ' : 'n';
	values[11] = grace ? IntervalPGetDatum(grace) : (Datum) 0;
	nulls[11] = grace ? ' ' : 'n';
	values[12] = ObjectIdGetDatum(runner);
	/* the worker runs the query as it was written: with its search_path and time zone */
	values[13] = CStringGetTextDatum(GetConfigOption("search_path", false, false));
	values[14] = CStringGetTextDatum(GetConfigOption("TimeZone", false, false));
	values[15] = CStringGetTextDatum(mesh_continuous_home());

	/* a row left by a product unpublished elsewhere goes, and its worker */
	if (find_product(servername, qualified_name, &old_id, &old_state, false))
		stop_runner(qualified_name, old_id);
	mesh_as_table_owner_begin(&owner, relid);
	SPI_execute_with_args("DELETE FROM mesh.continuous_product WHERE server = $1 AND qualified_name = $2",
						  2, types, values, nulls, false, 0);
	if (SPI_execute_with_args("INSERT INTO mesh.continuous_product "
							  "(server, qualified_name, query, batch_query, input_relid, input_topic, "
							  " output_topic, key_column, schema, schema_header, window_spec, grace, runner, "
							  " search_path, timezone, home) "
							  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
							  16, types, values, nulls, false, 0) != SPI_OK_INSERT_RETURNING ||
		SPI_processed != 1)
		elog(ERROR, "could not record continuous data product \"%s\"", qualified_name);
	id = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	mesh_as_table_owner_end(&owner);
	start_at_commit(id, qualified_name);
}

/* A product's row: its id and state; false when this database has none. */
static bool
find_product(const char *servername, const char *qualified_name, int *id,
			 char **state, bool lock)
{
	Oid			relid = mesh_extension_table("continuous_product");
	MeshAsTableOwner owner;
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	bool		found;

	if (!OidIsValid(relid))
		return false;
	values[0] = CStringGetTextDatum(servername);
	values[1] = CStringGetTextDatum(qualified_name);
	mesh_as_table_owner_begin(&owner, relid);
	SPI_execute_with_args(lock ?
						  "SELECT id, state FROM mesh.continuous_product WHERE server = $1 AND qualified_name = $2 FOR UPDATE" :
						  "SELECT id, state FROM mesh.continuous_product WHERE server = $1 AND qualified_name = $2",
						  2, types, values, NULL, false, 1);
	found = SPI_processed == 1;
	if (found)
	{
		bool		isnull;

		*id = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		*state = MemoryContextStrdup(CurTransactionContext,
									 SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2));
	}
	mesh_as_table_owner_end(&owner);
	return found;
}

void
mesh_continuous_execute(const char *sql, int nargs, Oid *types, Datum *values,
						const char *nulls)
{
	MeshAsTableOwner owner;

	mesh_as_table_owner_begin(&owner, mesh_require_extension_table("continuous_product", "1.3"));
	SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0);
	mesh_as_table_owner_end(&owner);
}

static void
update_product(int id, const char *sql)
{
	Oid			types[1] = {INT4OID};
	Datum		values[1];

	values[0] = Int32GetDatum(id);
	mesh_continuous_execute(sql, 1, types, values, NULL);
}

int
mesh_runner_pid(int id)
{
	int			ret;
	int			pid = 0;
	/* only a worker of ours counts: any session may take an advisory lock */
	char	   *sql = psprintf("SELECT l.pid FROM pg_catalog.pg_locks l "
							   "JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
							   "WHERE l.locktype = 'advisory' AND l.database = %u "
							   "AND l.classid = %u AND l.objid = %u AND l.objsubid = 2 "
							   "AND l.granted AND a.backend_type = 'mesh_fdw continuous product'",
							   MyDatabaseId, (uint32) MESH_RUNNER_LOCK_KEY, (uint32) id);
	bool		pushed = !ActiveSnapshotSet();

	if (pushed)
		PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute(sql, true, 1);
	if (ret == SPI_OK_SELECT && SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			pid = DatumGetInt32(d);
	}
	SPI_finish();
	if (pushed)
		PopActiveSnapshot();
	return pid;
}

/* Stop the product's worker, if one runs, and wait until it has. */
static void
stop_runner(const char *qualified_name, int id)
{
	int			pid = mesh_runner_pid(id);
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), 120000);

	if (pid == 0)
		return;
	if (kill(pid, SIGTERM) != 0)
		return;
	/* its lock, then its process, gone */
	while (mesh_runner_pid(id) == pid || BackendPidGetProc(pid) != NULL)
	{
		if (GetCurrentTimestamp() > deadline)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("the worker of continuous data product \"%s\" (process %d) did not stop within 120 s",
							qualified_name, pid)));
		pg_usleep(20000);
		CHECK_FOR_INTERRUPTS();
	}
}

void
mesh_continuous_forget(const char *servername, const char *qualified_name)
{
	int			id;
	char	   *state;

	if (!find_product(servername, qualified_name, &id, &state, false))
		return;
	stop_runner(qualified_name, id);
	update_product(id, "DELETE FROM mesh.continuous_product WHERE id = $1");
	/* a product made again with the name starts from the beginning */
	mesh_group_delete(mesh_connection_for(GetForeignServerByName(servername, false)),
					  mesh_continuous_group(qualified_name), WARNING);
}

/* The row of the product named by the arguments (and its server). */
static int
product_arg(FunctionCallInfo fcinfo, int server_arg, MeshDomainAction action,
			char **qualified_name, char **state)
{
	char	   *domain;
	char	   *name;
	ForeignServer *server;
	MeshConnection *conn;
	int			id;

	*qualified_name = mesh_product_name_args(fcinfo, &domain, &name);
	mesh_catalog_for_arg(fcinfo, server_arg, domain, *qualified_name, action, &server, &conn);
	if (!find_product(server->servername, *qualified_name, &id, state, false))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("data product \"%s\" on server \"%s\" is not a continuous product of database \"%s\"",
						*qualified_name, server->servername, get_database_name(MyDatabaseId)),
				 errhint("mesh.continuous_products lists the continuous products of this database.")));
	return id;
}

PG_FUNCTION_INFO_V1(mesh_pause_data_product);
Datum
mesh_pause_data_product(PG_FUNCTION_ARGS)
{
	char	   *qualified_name;
	char	   *state;
	int			id = product_arg(fcinfo, 2, MESH_DOMAIN_UNPUBLISH, &qualified_name, &state);

	stop_runner(qualified_name, id);
	if (strcmp(state, "failed") != 0)
		update_product(id, "UPDATE mesh.continuous_product SET state = 'paused' WHERE id = $1");
	PG_RETURN_VOID();
}

/* skip_to: {"partition": offset, ...} committed as the group's offsets. */
static void
skip_to(FunctionCallInfo fcinfo, const char *qualified_name, Jsonb *positions)
{
	char	   *domain;
	char	   *name;
	ForeignServer *server;
	MeshConnection *conn;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			n = 0;
	int64	   *offsets;
	char	   *topic = NULL;
	char		errbuf[512];
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	MeshAsTableOwner owner;
	int			p;

	mesh_product_name_args(fcinfo, &domain, &name);
	mesh_catalog_for_arg(fcinfo, 3, domain, qualified_name, MESH_DOMAIN_UNPUBLISH, &server, &conn);
	values[0] = CStringGetTextDatum(server->servername);
	values[1] = CStringGetTextDatum(qualified_name);
	mesh_as_table_owner_begin(&owner, mesh_require_extension_table("continuous_product", "1.3"));
	SPI_execute_with_args("SELECT input_topic FROM mesh.continuous_product WHERE server = $1 AND qualified_name = $2",
						  2, types, values, NULL, true, 1);
	if (SPI_processed == 1)
		topic = MemoryContextStrdup(CurTransactionContext,
									SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
	mesh_as_table_owner_end(&owner);
	if (topic == NULL || !mesh_topic_exists(conn, topic, &n))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("the input topic of continuous data product \"%s\" does not exist", qualified_name)));
	offsets = palloc(sizeof(int64) * Max(n, 1));
	for (p = 0; p < n; p++)
		offsets[p] = -1;
	if (!JB_ROOT_IS_OBJECT(positions))
		goto bad;
	it = JsonbIteratorInit(&positions->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;
		char	   *end;
		long		part;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		part = strtol(key, &end, 10);
		if (*key == '\0' || *end != '\0' || part < 0 || part >= n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("skip_to names partition \"%s\", but topic \"%s\" has partitions 0 to %d",
							key, topic, n - 1)));
		tok = JsonbIteratorNext(&it, &v, true);
		if (tok != WJB_VALUE || v.type != jbvNumeric)
			goto bad;
		offsets[part] = DatumGetInt64(DirectFunctionCall1(numeric_int8,
														  NumericGetDatum(v.val.numeric)));
		if (offsets[part] < 0)
			goto bad;
	}
	if (!mesh_group_commit(conn, mesh_continuous_group(qualified_name), topic, n, offsets,
						   NULL, mesh_connection_options(conn)->connect_timeout_ms,
						   errbuf, sizeof(errbuf)))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not move consumer group \"%s\" for skip_to",
						mesh_continuous_group(qualified_name)),
				 errdetail_internal("%s", errbuf)));
	return;
bad:
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("skip_to must be a JSON object of partition numbers to offsets, like {\"0\": 1234}")));
}

PG_FUNCTION_INFO_V1(mesh_resume_data_product);
Datum
mesh_resume_data_product(PG_FUNCTION_ARGS)
{
	char	   *qualified_name;
	char	   *state;
	int			id = product_arg(fcinfo, 3, MESH_DOMAIN_UNPUBLISH, &qualified_name, &state);

	require_preload();
	if (mesh_runner_pid(id) != 0)
	{
		if (!PG_ARGISNULL(2))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("continuous data product \"%s\" is running", qualified_name),
					 errhint("Pause it first: mesh.pause_data_product(), then resume it with skip_to.")));
		PG_RETURN_VOID();
	}
	if (!PG_ARGISNULL(2))
		skip_to(fcinfo, qualified_name, PG_GETARG_JSONB_P(2));
	{
		Oid			types[2] = {INT4OID, TEXTOID};
		Datum		values[2];

		/* a row restored from a dump elsewhere comes home, paused, to be resumed here */
		values[0] = Int32GetDatum(id);
		values[1] = CStringGetTextDatum(mesh_continuous_home());
		mesh_continuous_execute("UPDATE mesh.continuous_product SET state = 'running', last_error = NULL, "
								"error_partition = NULL, error_offset = NULL, restarts = 0, home = $2 "
								"WHERE id = $1", 2, types, values, NULL);
	}
	start_at_commit(id, qualified_name);
	PG_RETURN_VOID();
}

/*
 * mesh.continuous_product_progress(id): the worker's process, the group's
 * committed offsets, and the lag behind the input's ends.
 */
PG_FUNCTION_INFO_V1(mesh_continuous_product_progress);
Datum
mesh_continuous_product_progress(PG_FUNCTION_ARGS)
{
	int			id = PG_GETARG_INT32(0);
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false, true, true, true};
	char	   *servername = NULL;
	char	   *qualified_name = NULL;
	char	   *topic = NULL;
	Oid			runner = InvalidOid;
	TimestampTz last_input = 0;
	bool		have_last_input = false;
	MeshAsTableOwner owner;
	Oid			types[1] = {INT4OID};
	Datum		args[1];
	int			pid;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	args[0] = Int32GetDatum(id);
	mesh_as_table_owner_begin(&owner, mesh_require_extension_table("continuous_product", "1.3"));
	SPI_execute_with_args("SELECT server, qualified_name, input_topic, runner, last_input_time "
						  "FROM mesh.continuous_product WHERE id = $1",
						  1, types, args, NULL, true, 1);
	if (SPI_processed == 1)
	{
		HeapTuple	t = SPI_tuptable->vals[0];
		TupleDesc	d = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		ts;

		servername = MemoryContextStrdup(CurTransactionContext, SPI_getvalue(t, d, 1));
		qualified_name = MemoryContextStrdup(CurTransactionContext, SPI_getvalue(t, d, 2));
		topic = MemoryContextStrdup(CurTransactionContext, SPI_getvalue(t, d, 3));
		runner = DatumGetObjectId(SPI_getbinval(t, d, 4, &isnull));
		ts = SPI_getbinval(t, d, 5, &isnull);
		if (!isnull)
		{
			last_input = DatumGetTimestampTz(ts);
			have_last_input = true;
		}
	}
	mesh_as_table_owner_end(&owner);
	pid = mesh_runner_pid(id);
	values[0] = Int32GetDatum(pid);
	nulls[0] = pid == 0;

	if (topic)
	{
		ForeignServer *server = GetForeignServerByName(servername, true);
		UserMapping *um = server ? mesh_find_user_mapping(runner, server->serverid) : NULL;
		MeshConnection *conn;
		int			n = 0;

		/* the runner's mapping reads what the runner reads */
		if (server && mesh_server_usage_allowed(server->serverid))
		{
			conn = mesh_get_connection(server, um);
			if (mesh_topic_exists(conn, topic, &n) && n > 0)
			{
				int64	   *committed = palloc(sizeof(int64) * n);
				int64	   *low = palloc(sizeof(int64) * n);
				int64	   *high = palloc(sizeof(int64) * n);
				MeshReader *reader = mesh_reader_open(conn, topic, topic, true);
				bool		ok;

				ok = mesh_reader_offsets(reader, n, low, high, WARNING);
				mesh_reader_close(reader);
				if (ok && mesh_group_committed(conn, mesh_continuous_group(qualified_name),
											   topic, n, committed, false, WARNING))
				{
					StringInfoData buf;
					int64		lag = 0;
					int			p;

					initStringInfo(&buf);
					appendStringInfoChar(&buf, '{');
					for (p = 0; p < n; p++)
					{
						int64		pos = committed[p] >= 0 ? Max(committed[p], low[p]) : low[p];

						appendStringInfo(&buf, "%s\"%d\": " INT64_FORMAT, p ? ", " : "", p, pos);
						lag += Max(high[p] - pos, 0);
					}
					appendStringInfoChar(&buf, '}');
					values[1] = DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
					nulls[1] = false;
					values[2] = Int64GetDatum(lag);
					nulls[2] = false;
					if (lag == 0)
						values[3] = Float8GetDatum(0.0);
					else if (have_last_input)
						values[3] = Float8GetDatum(Max((GetCurrentTimestamp() - last_input) / 1000000.0, 0.0));
					nulls[3] = lag != 0 && !have_last_input;
				}
			}
		}
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
