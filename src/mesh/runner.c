/*-------------------------------------------------------------------------
 *
 * runner.c
 *		  The background worker that runs one continuous data product.
 *
 * The worker connects to the product's database, takes an advisory lock
 * (so only one worker of the cluster runs the product), and runs batches:
 * from the committed offsets of consumer group "mesh.<domain>.<name>" (the
 * source of truth: a restart resumes from them) to the input's ends, at
 * most MAX_BATCH messages a partition at a time.  A batch runs the query
 * as the role that created the product, with a scan of the stream input
 * limited to the batch (continuous.c), and produces the rows, the open
 * windows' state (window.c) and the group's new offsets in one Kafka
 * transaction with transactional.id "mesh.<domain>.<name>", which commits
 * with the PostgreSQL transaction that counts the batch in
 * mesh.continuous_product.  So read_committed readers see each batch
 * whole or not at all, and a second runner of the product (in another
 * database or cluster) fences the first: the fenced one fails for good,
 * so that two runners never take turns fencing each other.
 *
 * An error of the query or a bad message (with on_error 'error') fails the
 * product: its state, the error and the message's partition and offset go
 * to its row, nothing of the batch is written, and the worker exits until
 * mesh.resume_data_product.  A Kafka error (a broker gone, a commit that
 * failed) exits the worker with code 1: PostgreSQL starts it again after
 * RESTART_SECONDS, and it waits longer after each failure in a row.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/continuous.h"

#include "kafka/admin.h"
#include "kafka/client.h"
#include "kafka/groups.h"
#include "kafka/producer.h"
#include "kafka/reader.h"
#include "mesh/derived_output.h"
#include "mesh/ext_tables.h"
#include "mesh/window.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/plancache.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#define MAX_BATCH 50000			/* messages a partition per batch */
#define IDLE_WAIT_MS 50			/* between looks at the input's ends */
#define RESTART_SECONDS 5

PGDLLEXPORT void mesh_runner_main(Datum arg);

/* the product is not this worker's any more: stop after the batch */
static bool stop_requested = false;

typedef struct Runner
{
	int			id;
	char	   *server;
	char	   *qualified_name;
	char	   *group;
	char	   *batch_query;
	char	   *input_topic;
	char	   *output_topic;
	char	   *state_topic;	/* windows only */
	char	   *key_column;
	char	   *schema;
	bytea	   *header;
	char	   *window_spec;
	Interval   *grace;
	Oid			runner;
	int			restarts;
	int			failures;		/* Kafka errors in a row */
	char	   *search_path;	/* the query's, as it was created */
	char	   *timezone;
	char	   *home;
	TimestampTz created;		/* which row: ids start again after DROP EXTENSION */

	ForeignServer *fserver;
	UserMapping *mapping;
	SPIPlanPtr	plan;
	MeshDerivedOutput *output;
	MeshWindows *windows;
	bool		positioned;
	int			n;
	int64	   *pos;
	int64	   *end;
	MeshBatchRanges batch;

	/* a batch's */
	MeshConnection *conn;
	MeshProducer *producer;
	int64		rows_out;
} Runner;

/* The product's row; false when it is gone or not to run. */
static bool
load_product(Runner *r)
{
	MeshAsTableOwner owner;
	Oid			relid = mesh_extension_table("continuous_product");
	Oid			types[1] = {INT4OID};
	Datum		values[1];
	bool		run = false;

	if (!OidIsValid(relid))
		return false;
	values[0] = Int32GetDatum(r->id);
	mesh_as_table_owner_begin(&owner, relid);
	SPI_execute_with_args("SELECT server, qualified_name, batch_query, input_topic, output_topic, "
						  "key_column, schema, schema_header, window_spec::text, grace, runner, "
						  "state, restarts, created, search_path, timezone, home "
						  "FROM mesh.continuous_product WHERE id = $1",
						  1, types, values, NULL, true, 1);
	if (SPI_processed == 1)
	{
		HeapTuple	t = SPI_tuptable->vals[0];
		TupleDesc	d = SPI_tuptable->tupdesc;
		MemoryContext oldcxt = MemoryContextSwitchTo(TopMemoryContext);
		bool		isnull;
		Datum		v;

		r->server = SPI_getvalue(t, d, 1);
		r->qualified_name = SPI_getvalue(t, d, 2);
		r->batch_query = SPI_getvalue(t, d, 3);
		r->input_topic = SPI_getvalue(t, d, 4);
		r->output_topic = SPI_getvalue(t, d, 5);
		r->key_column = SPI_getvalue(t, d, 6);
		r->schema = SPI_getvalue(t, d, 7);
		r->header = DatumGetByteaPCopy(SPI_getbinval(t, d, 8, &isnull));
		r->window_spec = SPI_getvalue(t, d, 9);
		v = SPI_getbinval(t, d, 10, &isnull);
		if (!isnull)
		{
			r->grace = palloc(sizeof(Interval));
			memcpy(r->grace, DatumGetIntervalP(v), sizeof(Interval));
		}
		r->runner = DatumGetObjectId(SPI_getbinval(t, d, 11, &isnull));
		run = strcmp(SPI_getvalue(t, d, 12), "running") == 0;
		r->restarts = DatumGetInt32(SPI_getbinval(t, d, 13, &isnull));
		r->created = DatumGetTimestampTz(SPI_getbinval(t, d, 14, &isnull));
		r->search_path = SPI_getvalue(t, d, 15);
		r->timezone = SPI_getvalue(t, d, 16);
		r->home = SPI_getvalue(t, d, 17);
		/* a row restored from a dump of another database waits for a resume */
		if (strcmp(r->home, mesh_continuous_home()) != 0)
			run = false;
		r->group = mesh_continuous_group(r->qualified_name);
		if (r->window_spec)
			r->state_topic = mesh_window_state_topic(r->output_topic);
		MemoryContextSwitchTo(oldcxt);
	}
	mesh_as_table_owner_end(&owner);
	return run;
}

/*
 * Whether the product is still this worker's to run: its row is there,
 * the same one, in state running (DROP EXTENSION or DROP DATABASE ... and a
 * product made again with the same id must not find this worker running).
 */
static bool
still_mine(Runner *r)
{
	MeshAsTableOwner owner;
	Oid			relid = mesh_extension_table("continuous_product");
	Oid			types[3] = {INT4OID, TIMESTAMPTZOID, TEXTOID};
	Datum		values[3];
	bool		mine;

	if (!OidIsValid(relid))
		return false;
	values[0] = Int32GetDatum(r->id);
	values[1] = TimestampTzGetDatum(r->created);
	values[2] = CStringGetTextDatum(r->home);
	mesh_as_table_owner_begin(&owner, relid);
	SPI_execute_with_args("SELECT 1 FROM mesh.continuous_product "
						  "WHERE id = $1 AND created = $2 AND home = $3 AND state = 'running'",
						  3, types, values, NULL, true, 1);
	mine = SPI_processed == 1;
	mesh_as_table_owner_end(&owner);
	return mine;
}


/* A windowed product: its open windows, read back from the state topic. */
static void
restore_windows(Runner *r)
{
	MeshReader *reader;
	int			n = 0;
	int64	   *low;
	int64	   *high;
	rd_kafka_message_t *msg;
	MemoryContext tmp;

	r->windows = mesh_windows_create(r->qualified_name, r->window_spec, r->grace);
	if (!mesh_topic_exists(r->conn, r->state_topic, &n) || n == 0)
		return;
	low = palloc(sizeof(int64) * n);
	high = palloc(sizeof(int64) * n);
	reader = mesh_reader_open(r->conn, r->state_topic,
							  psprintf("the window state of \"%s\"", r->qualified_name), false);
	mesh_reader_offsets(reader, n, low, high, ERROR);
	mesh_reader_start(reader, n, low, high, -1);
	tmp = AllocSetContextCreate(CurrentMemoryContext, "mesh_fdw window record",
								ALLOCSET_DEFAULT_SIZES);
	while ((msg = mesh_reader_next(reader)) != NULL)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(tmp);

		if (msg->key)
			mesh_windows_restore(r->windows, msg->key, msg->key_len,
								 msg->payload, msg->payload ? msg->len : 0);
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(tmp);
		rd_kafka_message_destroy(msg);
	}
	MemoryContextDelete(tmp);
	mesh_reader_close(reader);
}

/*
 * The input's partitions, as its metadata says now: positions of partitions
 * added since start at their beginning (-1).
 */
static void
input_partitions(Runner *r)
{
	int			n = 0;
	int			p;
	MemoryContext oldcxt;

	if (!mesh_topic_exists(r->conn, r->input_topic, &n))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
				 errmsg("the input topic \"%s\" of continuous data product \"%s\" does not exist on server \"%s\"",
						r->input_topic, r->qualified_name, r->server)));
	if (r->pos != NULL && n == r->n)
		return;
	oldcxt = MemoryContextSwitchTo(TopMemoryContext);
	if (r->pos == NULL)
	{
		r->pos = palloc(sizeof(int64) * Max(n, 1));
		r->end = palloc(sizeof(int64) * Max(n, 1));
		r->n = 0;
	}
	else
	{
		r->pos = repalloc(r->pos, sizeof(int64) * Max(n, 1));
		r->end = repalloc(r->end, sizeof(int64) * Max(n, 1));
	}
	for (p = r->n; p < n; p++)
		r->pos[p] = -1;
	r->n = n;
	MemoryContextSwitchTo(oldcxt);
}

/*
 * Where the product stands, for r->n partitions: the group's committed
 * offsets (and a windowed product's open windows).
 */
static void
position(Runner *r)
{
	MemoryContext oldcxt;

	/*
	 * Fence an earlier runner first (init_transactions, which also ends its
	 * open transaction): offsets read before that could still move.
	 */
	(void) mesh_get_producer(r->conn, true);
	mesh_group_committed(r->conn, r->group, r->input_topic, r->n, r->pos, true, ERROR);
	if (r->window_spec)
	{
		oldcxt = MemoryContextSwitchTo(TopMemoryContext);
		restore_windows(r);
		MemoryContextSwitchTo(oldcxt);
	}
	r->positioned = true;
}

/*
 * Run the product's query as its creator wrote it: as its role, with its
 * search_path and time zone, and no setting it changes outliving the call
 * (as REFRESH MATERIALIZED VIEW runs a view's query: a restricted
 * operation, so it cannot change the worker's session).
 */
typedef struct AsRunner
{
	Oid			saved_user;
	int			saved_context;
	int			nestlevel;
} AsRunner;

static void
as_runner_begin(Runner *r, AsRunner *a)
{
	GetUserIdAndSecContext(&a->saved_user, &a->saved_context);
	a->nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", r->search_path, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("TimeZone", r->timezone, PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	SetUserIdAndSecContext(r->runner, a->saved_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
}

static void
as_runner_end(AsRunner *a)
{
	AtEOXact_GUC(false, a->nestlevel);
	SetUserIdAndSecContext(a->saved_user, a->saved_context);
}

/* The output's encoder and the batch query's plan, made once. */
static void
prepare(Runner *r)
{
	MemoryContext oldcxt;
	TupleDesc	desc;
	AsRunner	a;

	as_runner_begin(r, &a);
	r->plan = SPI_prepare(r->batch_query, 0, NULL);
	as_runner_end(&a);
	if (r->plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("could not prepare the query of continuous data product \"%s\": %s",
						r->qualified_name, SPI_result_code_string(SPI_result))));
	SPI_keepplan(r->plan);
	oldcxt = MemoryContextSwitchTo(TopMemoryContext);
	if (r->window_spec)
		desc = mesh_windows_output_desc(r->windows);
	else
	{
		CachedPlanSource *source = linitial(SPI_plan_get_plan_sources(r->plan));

		desc = CreateTupleDescCopy(source->resultDesc);
	}
	r->output = mesh_derived_output_create(r->qualified_name, r->schema,
										   VARDATA_ANY(r->header), VARSIZE_ANY_EXHDR(r->header),
										   desc, r->key_column);
	MemoryContextSwitchTo(oldcxt);
}

static void
produce_row(Runner *r, const char *key, const Datum *values, const bool *nulls)
{
	char	   *rowkey;
	const MeshBuf *buf = mesh_derived_output_encode(r->output, values, nulls, &rowkey);

	if (key)
		rowkey = (char *) key;
	mesh_produce(r->conn, r->producer, r->output_topic, RD_KAFKA_PARTITION_UA,
				 rowkey, rowkey ? strlen(rowkey) : 0, buf->data, buf->len, 0, NULL);
	r->rows_out++;
}

/* What a window flush writes: output rows and state records. */
static void
emit_window(void *arg, const char *key, const Datum *values, const bool *nulls,
			const char *state)
{
	Runner	   *r = arg;

	if (values)
		produce_row(r, key, values, nulls);
	mesh_produce(r->conn, r->producer, r->state_topic, RD_KAFKA_PARTITION_UA,
				 key, strlen(key), state, state ? strlen(state) : 0, 0, NULL);
}

/*
 * One batch, in the current transaction: false when the input had nothing
 * new (nothing was written).  A salvage batch runs the ranges r->end
 * already holds (what came before a message that failed the query).
 */
static bool
run_batch(Runner *r, bool salvage)
{
	MeshReader *reader;
	int64	   *low;
	int64	   *high;
	int			n;
	int			p;
	bool		any = false;
	Portal		portal;
	MemoryContext rowcxt;
	AsRunner	a;

	r->batch.last_partition = -1;
	if (!still_mine(r))
	{
		stop_requested = true;
		return false;
	}
	if (r->fserver == NULL)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(TopMemoryContext);

		/* the runner's mapping, or none (as a scan by the runner would) */
		r->fserver = GetForeignServerByName(r->server, false);
		r->mapping = mesh_find_user_mapping(r->runner, r->fserver->serverid);
		MemoryContextSwitchTo(oldcxt);
	}
	r->conn = mesh_get_connection(r->fserver, r->mapping);
	if (!salvage)
		input_partitions(r);
	n = r->n;
	if (!r->positioned)
		position(r);
	if (r->plan == NULL)
		prepare(r);

	/* the batch: from the positions to the ends, MAX_BATCH at most */
	if (salvage)
	{
		for (p = 0; p < n; p++)
			if (r->end[p] > r->pos[p])
				any = true;
		if (!any)
			return false;
		goto ranges_set;
	}
	low = palloc(sizeof(int64) * Max(n, 1));
	high = palloc(sizeof(int64) * Max(n, 1));
	reader = mesh_reader_open(r->conn, r->input_topic, r->input_topic, true);
	mesh_reader_offsets(reader, n, low, high, ERROR);
	mesh_reader_close(reader);
	for (p = 0; p < n; p++)
	{
		int64		from = r->pos[p] < 0 ? low[p] : r->pos[p];

		if (from < low[p])
		{
			ereport(WARNING,
					(errmsg("continuous data product \"%s\" lost " INT64_FORMAT " messages of partition %d of topic \"%s\"",
							r->qualified_name, low[p] - from, p, r->input_topic),
					 errdetail("Retention deleted them before they were read.")));
			from = low[p];
		}
		r->pos[p] = from;
		r->end[p] = Max(from, Min(high[p], from + MAX_BATCH));
		if (r->end[p] > from)
			any = true;
	}
	if (!any)
		return false;

ranges_set:
	/* the query over the batch, as the product's role */
	memset(&r->batch, 0, sizeof(r->batch));
	r->batch.serverid = r->fserver->serverid;
	r->batch.topic = r->input_topic;
	r->batch.n = n;
	r->batch.start = r->pos;
	r->batch.end = r->end;
	r->batch.last_partition = -1;
	r->batch.max_timestamp_ms = -1;
	r->rows_out = 0;
	r->producer = mesh_get_producer(r->conn, true);
	mesh_producer_join(r->conn, r->producer);
	mesh_continuous_set_batch(&r->batch);

	as_runner_begin(r, &a);
	portal = SPI_cursor_open(NULL, r->plan, NULL, NULL, true);
	as_runner_end(&a);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "mesh_fdw continuous row",
								   ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		uint64		i;

		as_runner_begin(r, &a);
		SPI_cursor_fetch(portal, true, 1000);
		as_runner_end(&a);
		if (SPI_processed == 0)
			break;
		/* a plan made again after a change of what it reads may differ */
		if (r->windows)
			mesh_windows_check(r->windows, SPI_tuptable->tupdesc);
		else
			mesh_derived_output_check(r->output, SPI_tuptable->tupdesc);
		for (i = 0; i < SPI_processed; i++)
		{
			HeapTuple	tuple = SPI_tuptable->vals[i];
			MemoryContext oldcxt = MemoryContextSwitchTo(rowcxt);

			if (r->windows)
				mesh_windows_add(r->windows, tuple, SPI_tuptable->tupdesc);
			else
			{
				TupleDesc	desc = SPI_tuptable->tupdesc;
				Datum	   *values = palloc(sizeof(Datum) * desc->natts);
				bool	   *nulls = palloc(sizeof(bool) * desc->natts);

				heap_deform_tuple(tuple, desc, values, nulls);
				produce_row(r, NULL, values, nulls);
			}
			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(rowcxt);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	mesh_continuous_set_batch(NULL);
	if (r->windows)
		mesh_windows_flush(r->windows, emit_window, r);

	/* the positions go with the output */
	mesh_producer_send_offsets(r->conn, r->producer, r->group, r->input_topic, n, r->end);
	{
		Oid			types[6] = {INT4OID, INT8OID, INT8OID, INT8OID, TIMESTAMPTZOID, INT8OID};
		Datum		values[6];
		char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
		int64		messages = 0;

		for (p = 0; p < n; p++)
			messages += r->end[p] - r->pos[p];
		values[0] = Int32GetDatum(r->id);
		values[1] = Int64GetDatum(r->batch.messages);
		values[2] = Int64GetDatum(r->rows_out);
		values[3] = Int64GetDatum(r->windows ? mesh_windows_take_late(r->windows) : 0);
		values[4] = TimestampTzGetDatum(mesh_kafka_timestamp(r->batch.max_timestamp_ms));
		nulls[4] = r->batch.max_timestamp_ms < 0 ? 'n' : ' ';
		values[5] = Int64GetDatum(messages);
		mesh_continuous_execute("UPDATE mesh.continuous_product SET rows_in = rows_in + $2, "
								"rows_out = rows_out + $3, late_messages = late_messages + $4, "
								"last_input_time = COALESCE($5, last_input_time), last_commit = now(), "
								"restarts = 0, last_error = CASE WHEN restarts > 0 THEN NULL ELSE last_error END "
								"WHERE id = $1",
								6, types, values, nulls);
	}
	return true;
}

/* Record a failure that stops the product for good. */
static void
record_failure(Runner *r, const char *state, const char *error, int32 partition, int64 offset)
{
	Oid			types[5] = {INT4OID, TEXTOID, TEXTOID, INT4OID, INT8OID};
	Datum		values[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};

	values[0] = Int32GetDatum(r->id);
	values[1] = CStringGetTextDatum(state);
	values[2] = CStringGetTextDatum(error);
	values[3] = Int32GetDatum(partition);
	values[4] = Int64GetDatum(offset);
	if (partition < 0)
		nulls[3] = nulls[4] = 'n';
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	mesh_continuous_execute("UPDATE mesh.continuous_product SET state = $2, last_error = $3, "
							"error_partition = $4, error_offset = $5, restarts = restarts + 1 WHERE id = $1",
							5, types, values, nulls);
	PopActiveSnapshot();
	CommitTransactionCommand();
}

/* Errors that another try may get past: Kafka's, not the query's. */
static bool
transient(int sqlerrcode)
{
	char		class0 = PGUNSIXBIT(sqlerrcode);
	char		class1 = PGUNSIXBIT(sqlerrcode >> 6);

	return (class0 == '0' && class1 == '8') ||	/* connection exception */
		(class0 == '4' && class1 == '0') || /* transaction rollback */
		(class0 == '5' && class1 == '3') || /* insufficient resources */
		(class0 == '5' && class1 == '7') || /* operator intervention */
		sqlerrcode == ERRCODE_FDW_ERROR ||
		sqlerrcode == ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION ||
		sqlerrcode == ERRCODE_FDW_OUT_OF_MEMORY;
}

/* A batch in a transaction of its own (loopcxt is reset after it). */
static bool
batch_transaction(Runner *r, MemoryContext loopcxt, bool salvage)
{
	bool		did;

	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	MemoryContextSwitchTo(loopcxt);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	did = run_batch(r, salvage);
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	MemoryContextReset(loopcxt);
	return did;
}

/*
 * The query failed on message (partition, offset): commit what came
 * before it in its partition as a batch of its own.
 */
static void
salvage(Runner *r, MemoryContext loopcxt, int32 partition, int64 offset)
{
	int			p;

	for (p = 0; p < r->n; p++)
		r->end[p] = p == partition ? offset : r->pos[p];
	PG_TRY();
	{
		(void) batch_transaction(r, loopcxt, true);
	}
	PG_CATCH();
	{
		mesh_continuous_set_batch(NULL);
		MemoryContextSwitchTo(TopMemoryContext);
		EmitErrorReport();
		FlushErrorState();
		AbortCurrentTransaction();
	}
	PG_END_TRY();
}

/*
 * The product's lock, waiting a while: a worker of an old row with the
 * same id, or the one PostgreSQL restarted beside the one the launcher
 * started, gives it up or keeps it.
 */
static bool
take_lock(int id)
{
	int			attempt;

	for (attempt = 0; attempt < 100 && !stop_requested; attempt++)
	{
		bool		locked;

		StartTransactionCommand();
		locked = DatumGetBool(DirectFunctionCall2(pg_try_advisory_lock_int4,
												  Int32GetDatum(MESH_RUNNER_LOCK_KEY),
												  Int32GetDatum(id)));
		CommitTransactionCommand();
		if (locked)
			return true;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 100,
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
	return false;
}

/* What a failure leaves: the error's text and what it stopped. */
static void
reset_after_failure(Runner *r)
{
	r->positioned = false;		/* offsets read again from the group */
	if (r->windows)
	{
		mesh_windows_destroy(r->windows);	/* and the windows from their topic */
		r->windows = NULL;
	}
	/* new clients: one that saw brokers go may not see them come back */
	if (r->conn)
		mesh_connection_discard(r->conn);
	r->conn = NULL;
	r->producer = NULL;
}

/*
 * Run batches until the product is not this worker's any more (false), or
 * a Kafka error (true: try again later).  Other failures end the process.
 */
static bool
run_until_failure(Runner *r, MemoryContext loopcxt)
{
	volatile bool retry = false;

	PG_TRY();
	{
		while (!stop_requested)
		{
			bool		did;

			CHECK_FOR_INTERRUPTS();
			did = batch_transaction(r, loopcxt, false);
			if (did)
			{
				int			p;

				for (p = 0; p < r->n; p++)
					r->pos[p] = r->end[p];
				r->failures = 0;
				continue;
			}
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 IDLE_WAIT_MS, PG_WAIT_EXTENSION);
			ResetLatch(MyLatch);
		}
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		int32		partition = r->batch.last_partition;
		int64		offset = r->batch.last_offset;
		char	   *message;

		mesh_continuous_set_batch(NULL);
		MemoryContextSwitchTo(TopMemoryContext);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		message = edata->detail ? psprintf("%s: %s", edata->message, edata->detail) :
			pstrdup(edata->message);
		ereport(LOG,
				(errmsg("continuous data product \"%s\": %s", r->qualified_name, message)));
		if (mesh_producer_fenced())
		{
			record_failure(r, "failed", psprintf("fenced by another runner: %s", message), -1, -1);
			proc_exit(0);
		}
		if (transient(edata->sqlerrcode))
		{
			record_failure(r, "running", message, -1, -1);
			reset_after_failure(r);
			retry = true;
		}
		else
		{
			/*
			 * The message the query failed on: what came before it in its
			 * partition is committed, so that skip_to past it skips only
			 * it.  (Not with windows: the failed batch touched their state.)
			 */
			if (partition >= 0 && partition < r->n && !r->windows &&
				offset > r->pos[partition])
				salvage(r, loopcxt, partition, offset);
			record_failure(r, "failed", message, partition, offset);
			proc_exit(0);
		}
	}
	PG_END_TRY();
	return retry;
}

void
mesh_runner_main(Datum arg)
{
	Runner		r;
	int			attempt;
	bool		run = false;
	MemoryContext loopcxt;

	memset(&r, 0, sizeof(r));
	r.id = atoi(MyBgworkerEntry->bgw_extra);
	/* SIGTERM (pause, unpublish, shutdown): die at the next interrupt check */
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	/* as the bootstrap superuser: the query runs as the product's role */
	BackgroundWorkerInitializeConnectionByOid(DatumGetObjectId(arg), InvalidOid, 0);

	/*
	 * The worker's own SQL finds only what it names; window keys and states
	 * are written the same way whatever the server's settings.  (The query
	 * runs with its creator's search_path and time zone, run_batch.)
	 */
	SetConfigOption("search_path", "pg_catalog, pg_temp", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("TimeZone", "UTC", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("DateStyle", "ISO, YMD", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("IntervalStyle", "postgres", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("extra_float_digits", "3", PGC_SUSET, PGC_S_OVERRIDE);

	if (!take_lock(r.id))
		proc_exit(0);			/* another worker of this cluster runs it */

	/* the row: a worker started at commit may look before it is visible */
	for (attempt = 0; attempt < 50; attempt++)
	{
		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		run = load_product(&r);
		PopActiveSnapshot();
		CommitTransactionCommand();
		if (r.qualified_name)
			break;
		pg_usleep(100000);
		CHECK_FOR_INTERRUPTS();
	}
	if (!run)
		proc_exit(0);
	pgstat_report_appname(psprintf("mesh_fdw %s", r.qualified_name));
	mesh_set_transactional_id(r.group);

	loopcxt = AllocSetContextCreate(TopMemoryContext, "mesh_fdw continuous batch",
									ALLOCSET_DEFAULT_SIZES);
	while (run_until_failure(&r, loopcxt))
	{
		/* after Kafka errors in a row, wait longer each time (at most a minute) */
		int			wait_ms = Min(60000, 500 * (1 << Min(r.failures, 7)));

		r.failures++;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, wait_ms,
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
	proc_exit(0);
}
