/*-------------------------------------------------------------------------
 *
 * bookmark.c
 *		  Bookmarks: where each partition's next scan starts, for foreign
 *		  tables with option "bookmark".
 *
 * A bookmark is a row of mesh.bookmark_state (name, server, topic, and
 * positions: the next offset per partition, element p+1 for partition
 * p).  A scan locks the row (FOR UPDATE: a second backend waits until the
 * first one's transaction ends, then reads the positions it left), reads
 * from the positions, and updates them when it ends, in the same
 * transaction as the rows it produced: a rollback, an error or a killed
 * backend leaves them where they were, and a later scan in the same
 * transaction starts where the earlier one stopped.  The row is read and
 * written as the table's owner (the extension's), so that users need no
 * privilege on the table; every query names its operators in pg_catalog.
 *
 * After the transaction commits, the new positions are also committed to
 * Kafka as consumer group "mesh.bookmark.<name>", so that every Kafka tool
 * shows the bookmark's lag: bounded in time, a failure is a WARNING.  The
 * positions to commit are kept per subtransaction, so that what a
 * subtransaction that rolled back moved is not committed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/bookmark.h"

#include "core/options.h"
#include "kafka/admin.h"
#include "kafka/groups.h"
#include "kafka/reader.h"
#include "mesh/ext_tables.h"
#include "mesh/servers.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

/*
 * How long the commit to Kafka after a transaction may take at most (less
 * when the server's connect_timeout_ms is less).
 */
#define BOOKMARK_COMMIT_TIMEOUT_MS 2000

/* Bookmarks being read by a scan of this backend (names, TopMemoryContext). */
/* mesh.bookmark_state (extension 1.1) */
static Oid
state_table(void)
{
	return mesh_require_extension_table("bookmark_state", "1.1");
}

static List *active_bookmarks = NIL;

/* Positions to commit to Kafka when the transaction commits. */
typedef struct PendingCommit
{
	char	   *name;
	char	   *topic;
	MeshConnection *conn;
	char	   *servername;
	int			n;
	int64	   *positions;
	int			timeout_ms;		/* the server's connect_timeout_ms */
	SubTransactionId subid;
} PendingCommit;

static List *pending_commits = NIL;	/* in TopMemoryContext */
static bool callbacks_registered = false;

static void
check_name(const char *name)
{
	if (!mesh_valid_name(name))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_NAME),
				 errmsg("invalid bookmark name \"%s\"", name),
				 errhint("A bookmark's name starts with a lowercase letter, then lowercase letters, digits and underscores, at most 63 of them.")));
}

/* A bigint[] Datum of positions (-1 as NULL). */
static Datum
positions_datum(int n, const int64 *positions)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(n, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(n, 1));
	int			dims[1] = {n};
	int			lbs[1] = {1};
	int			p;

	for (p = 0; p < n; p++)
	{
		elems[p] = Int64GetDatum(positions[p]);
		nulls[p] = positions[p] < 0;	/* none yet: the first offset */
	}
	if (n == 0)
		return PointerGetDatum(construct_empty_array(INT8OID));
	return PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs, INT8OID,
											  sizeof(int64), FLOAT8PASSBYVAL,
											  TYPALIGN_DOUBLE));
}

/* positions from a bigint[] (NULL elements: -1), in the caller's memory. */
static int64 *
positions_from_datum(Datum d, int *n, MemoryContext cxt)
{
	ArrayType  *arr = DatumGetArrayTypeP(d);
	Datum	   *elems;
	bool	   *nulls;
	int			count;
	int64	   *result;
	int			i;

	deconstruct_array(arr, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &count);
	result = MemoryContextAlloc(cxt, sizeof(int64) * Max(count, 1));
	for (i = 0; i < count; i++)
		result[i] = nulls[i] ? -1 : DatumGetInt64(elems[i]);
	*n = count;
	return result;
}

/* What a wait for a bookmark's lock was, in its errors (lock_timeout). */
static void
lock_context(void *arg)
{
	errcontext("taking bookmark \"%s\", which a scan of another transaction may hold until that transaction ends",
			   (const char *) arg);
}

/*
 * Read the bookmark's row (locking it when lock) into bm; false when there
 * is none.  Runs inside mesh_as_table_owner_begin/end.
 */
static bool
read_row(MeshBookmark *bm, bool lock, MemoryContext cxt, char **server, char **topic)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	int			rc;
	bool		isnull;
	ErrorContextCallback errctx;

	errctx.callback = lock_context;
	errctx.arg = bm->name;
	errctx.previous = error_context_stack;
	if (lock)
		error_context_stack = &errctx;
	values[0] = CStringGetTextDatum(bm->name);
	rc = SPI_execute_with_args(lock ?
							   "SELECT server, topic, positions FROM mesh.bookmark_state"
							   " WHERE name OPERATOR(pg_catalog.=) $1 FOR UPDATE" :
							   "SELECT server, topic, positions FROM mesh.bookmark_state"
							   " WHERE name OPERATOR(pg_catalog.=) $1",
							   1, types, values, NULL, false, 1);
	error_context_stack = errctx.previous;
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read bookmark \"%s\": %s", bm->name, SPI_result_code_string(rc));
	if (SPI_processed == 0)
		return false;
	*server = MemoryContextStrdup(cxt, TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[0],
																			SPI_tuptable->tupdesc, 1, &isnull)));
	*topic = MemoryContextStrdup(cxt, TextDatumGetCString(SPI_getbinval(SPI_tuptable->vals[0],
																		   SPI_tuptable->tupdesc, 2, &isnull)));
	bm->positions = positions_from_datum(SPI_getbinval(SPI_tuptable->vals[0],
													   SPI_tuptable->tupdesc, 3, &isnull),
										 &bm->npositions, cxt);
	return true;
}

/* The scan that read the bookmark is gone (also when it failed). */
static void
forget_active(void *arg)
{
	char	   *name = (char *) arg;
	ListCell   *lc;

	foreach(lc, active_bookmarks)
		if (lfirst(lc) == name)
		{
			active_bookmarks = foreach_delete_current(active_bookmarks, lc);
			break;
		}
	pfree(name);
}

static void register_callbacks(void);

/*
 * In parallel mode (a query with a Gather elsewhere in its plan) the
 * bookmark's row can be neither locked nor updated.
 */
static void
check_not_parallel(const char *name)
{
	if (IsInParallelMode())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot read through bookmark \"%s\" in a parallel query", name),
				 errdetail("A scan with a bookmark locks and moves the bookmark's row, which a parallel operation cannot do."),
				 errhint("SET max_parallel_workers_per_gather = 0 for the query, or load the rows into a local table first.")));
}

MeshBookmark *
mesh_bookmark_open(const char *name, ForeignServer *server, MeshConnection *conn,
				   const char *topic, bool lock)
{
	MeshBookmark *bm = palloc0(sizeof(MeshBookmark));
	MemoryContext cxt = CurrentMemoryContext;
	MeshAsTableOwner owner;
	char	   *row_server = NULL;
	char	   *row_topic = NULL;
	bool		found;
	ListCell   *lc;

	check_name(name);
	bm->name = pstrdup(name);
	bm->server = server;
	bm->conn = conn;
	bm->topic = pstrdup(topic);
	bm->locked = lock;

	if (lock)
	{
		foreach(lc, active_bookmarks)
			if (strcmp((char *) lfirst(lc), name) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_IN_USE),
						 errmsg("bookmark \"%s\" is already being read by another scan of this query", name),
						 errdetail("Two scans of one bookmark at once would read the same messages."),
						 errhint("Read the foreign table once, e.g. in a WITH query.")));
		check_not_parallel(name);
		if (XactReadOnly)
			ereport(ERROR,
					(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
					 errmsg("cannot read through bookmark \"%s\" in a read-only transaction", name),
					 errdetail("A scan with a bookmark moves the bookmark when the transaction commits.")));
	}

	mesh_as_table_owner_begin(&owner, state_table());
	if (lock)
	{
		Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
		Datum		values[3];
		int			rc;

		values[0] = CStringGetTextDatum(name);
		values[1] = CStringGetTextDatum(server->servername);
		values[2] = CStringGetTextDatum(topic);
		rc = SPI_execute_with_args("INSERT INTO mesh.bookmark_state (name, server, topic)"
								   " VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
								   3, types, values, NULL, false, 0);
		if (rc != SPI_OK_INSERT)
			elog(ERROR, "could not make bookmark \"%s\": %s", name, SPI_result_code_string(rc));
	}
	found = read_row(bm, lock, cxt, &row_server, &row_topic);
	mesh_as_table_owner_end(&owner);

	if (found && (strcmp(row_server, server->servername) != 0 || strcmp(row_topic, topic) != 0))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("bookmark \"%s\" belongs to topic \"%s\" on server \"%s\", not to topic \"%s\" on server \"%s\"",
						name, row_topic, row_server, topic, server->servername),
				 errhint("Give the foreign table a bookmark of its own, or drop the old one with mesh.drop_bookmark('%s').",
						 name)));
	if (!found)
	{
		bm->npositions = 0;
		bm->positions = palloc(sizeof(int64));
	}
	if (lock)
	{
		MemoryContextCallback *cb = palloc(sizeof(MemoryContextCallback));
		char	   *active = MemoryContextStrdup(TopMemoryContext, name);
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		active_bookmarks = lappend(active_bookmarks, active);
		MemoryContextSwitchTo(old);
		cb->func = forget_active;
		cb->arg = active;
		MemoryContextRegisterResetCallback(cxt, cb);
	}
	return bm;
}

int64
mesh_bookmark_position(const MeshBookmark *bm, int p)
{
	return p < bm->npositions ? bm->positions[p] : -1;
}

/* Remember positions to commit to Kafka at commit. */
static void
add_pending(const char *name, MeshConnection *conn, const char *servername,
			const char *topic, int n, const int64 *positions)
{
	MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
	PendingCommit *pc = palloc0(sizeof(PendingCommit));

	register_callbacks();
	pc->name = pstrdup(name);
	pc->topic = pstrdup(topic);
	pc->servername = pstrdup(servername);
	pc->conn = conn;
	pc->timeout_ms = mesh_connection_options(conn)->connect_timeout_ms;
	pc->n = n;
	pc->positions = palloc(sizeof(int64) * Max(n, 1));
	memcpy(pc->positions, positions, sizeof(int64) * n);
	pc->subid = GetCurrentSubTransactionId();
	pending_commits = lappend(pending_commits, pc);
	MemoryContextSwitchTo(old);
}

/* Write positions into the bookmark's row (inside mesh_as_table_owner_begin/end). */
static void
write_positions(const char *name, int n, const int64 *positions)
{
	Oid			types[2] = {TEXTOID, INT8ARRAYOID};
	Datum		values[2];
	int			rc;

	values[0] = CStringGetTextDatum(name);
	values[1] = positions_datum(n, positions);
	rc = SPI_execute_with_args("UPDATE mesh.bookmark_state SET positions = $2,"
							   " advanced = pg_catalog.now()"
							   " WHERE name OPERATOR(pg_catalog.=) $1",
							   2, types, values, NULL, false, 0);
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "could not move bookmark \"%s\": %s", name, SPI_result_code_string(rc));
	/* its row is locked by us: gone only if this transaction dropped it */
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("could not move bookmark \"%s\": it no longer exists", name),
				 errdetail("The bookmark was dropped while it was being read; the positions the scan reached cannot be kept.")));
}

void
mesh_bookmark_advance(MeshBookmark *bm, int n, const int64 *next)
{
	MeshAsTableOwner owner;
	bool		changed = n != bm->npositions;
	int			p;

	Assert(bm->locked);
	check_not_parallel(bm->name);
	for (p = 0; p < n && !changed; p++)
		changed = next[p] != bm->positions[p];
	if (!changed)
		return;
	mesh_as_table_owner_begin(&owner, state_table());
	write_positions(bm->name, n, next);
	mesh_as_table_owner_end(&owner);
	bm->positions = repalloc(bm->positions, sizeof(int64) * Max(n, 1));
	memcpy(bm->positions, next, sizeof(int64) * n);
	bm->npositions = n;
	add_pending(bm->name, bm->conn, bm->server->servername, bm->topic, n, next);
}

void
mesh_bookmark_close(MeshBookmark *bm)
{
	ListCell   *lc;

	if (!bm->locked)
		return;
	foreach(lc, active_bookmarks)
		if (strcmp((char *) lfirst(lc), bm->name) == 0)
		{
			/* the reset callback finds it gone; its name stays until then */
			active_bookmarks = foreach_delete_current(active_bookmarks, lc);
			break;
		}
	bm->locked = false;
}

/* ------------------------------------------------------------------------
 * After the commit: the positions to Kafka
 * ------------------------------------------------------------------------
 */

static void
free_pending(PendingCommit *pc)
{
	pfree(pc->name);
	pfree(pc->topic);
	pfree(pc->servername);
	pfree(pc->positions);
	pfree(pc);
}

static void
commit_to_kafka(List *commits)
{
	ListCell   *lc;
	char		metadata[128];

	snprintf(metadata, sizeof(metadata), "mesh_fdw committed_at_ms=" INT64_FORMAT,
			 (int64) ((GetCurrentTimestamp() / 1000) +
					  (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * 86400000));
	foreach(lc, commits)
	{
		PendingCommit *pc = lfirst(lc);
		ListCell   *later;
		bool		superseded = false;
		char		group[256];
		char		errbuf[512];

		/* only each bookmark's last positions */
		for_each_cell(later, commits, lnext(commits, lc))
			if (strcmp(((PendingCommit *) lfirst(later))->name, pc->name) == 0)
				superseded = true;
		if (superseded)
			continue;
		snprintf(group, sizeof(group), "%s%s", MESH_BOOKMARK_GROUP_PREFIX, pc->name);
		if (!mesh_group_commit(pc->conn, group, pc->topic, pc->n, pc->positions, metadata,
							   Min(BOOKMARK_COMMIT_TIMEOUT_MS, pc->timeout_ms),
							   errbuf, sizeof(errbuf)))
			ereport(WARNING,
					(errcode(ERRCODE_CONNECTION_FAILURE),
					 errmsg("could not commit the positions of bookmark \"%s\" to Kafka consumer group \"%s\" on server \"%s\"",
							pc->name, group, pc->servername),
					 errdetail("The positions are committed in PostgreSQL; Kafka tools show the group's older offsets until the next commit. %s",
							   errbuf)));
	}
}

static void
bookmark_xact_callback(XactEvent event, void *arg)
{
	List	   *commits = pending_commits;
	ListCell   *lc;

	if (event != XACT_EVENT_COMMIT && event != XACT_EVENT_ABORT &&
		event != XACT_EVENT_PREPARE && event != XACT_EVENT_PARALLEL_COMMIT &&
		event != XACT_EVENT_PARALLEL_ABORT)
		return;
	pending_commits = NIL;
	if (event == XACT_EVENT_COMMIT && commits != NIL)
	{
		/* nothing may throw now: the transaction has committed */
		PG_TRY();
		{
			commit_to_kafka(commits);
		}
		PG_CATCH();
		{
			FlushErrorState();
		}
		PG_END_TRY();
	}
	foreach(lc, commits)
		free_pending(lfirst(lc));
	list_free(commits);
}

static void
bookmark_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						  SubTransactionId parentSubid, void *arg)
{
	ListCell   *lc;

	if (event != SUBXACT_EVENT_ABORT_SUB && event != SUBXACT_EVENT_COMMIT_SUB)
		return;
	foreach(lc, pending_commits)
	{
		PendingCommit *pc = lfirst(lc);

		if (pc->subid != mySubid)
			continue;
		if (event == SUBXACT_EVENT_COMMIT_SUB)
			pc->subid = parentSubid;
		else
		{
			pending_commits = foreach_delete_current(pending_commits, lc);
			free_pending(pc);
		}
	}
}

static void
register_callbacks(void)
{
	if (callbacks_registered)
		return;
	RegisterXactCallback(bookmark_xact_callback, NULL);
	RegisterSubXactCallback(bookmark_subxact_callback, NULL);
	callbacks_registered = true;
}

/* ------------------------------------------------------------------------
 * mesh.rewind_bookmark and mesh.drop_bookmark
 * ------------------------------------------------------------------------
 */

/* Lock the row of an existing bookmark; its server must be usable. */
static MeshBookmark *
lock_existing(const char *name)
{
	MeshBookmark *bm = palloc0(sizeof(MeshBookmark));
	MeshAsTableOwner owner;
	char	   *server = NULL;
	char	   *topic = NULL;
	bool		found;

	MemoryContext cxt = CurrentMemoryContext;
	ListCell   *lc;

	check_name(name);
	/*
	 * An open scan of it in this backend (a cursor) holds its lock, so no
	 * wait would stop us, and would then write its own positions over the
	 * new ones, or find its row gone.
	 */
	foreach(lc, active_bookmarks)
		if (strcmp((char *) lfirst(lc), name) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("bookmark \"%s\" is being read by an open scan of this session", name),
					 errdetail("The scan moves the bookmark when it ends."),
					 errhint("Close the cursor that reads it first.")));
	bm->name = pstrdup(name);
	mesh_as_table_owner_begin(&owner, state_table());
	found = read_row(bm, true, cxt, &server, &topic);
	mesh_as_table_owner_end(&owner);
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("bookmark \"%s\" does not exist", name),
				 errhint("A bookmark is made at the first scan of a foreign table with option bookmark '%s'.",
						 name)));
	bm->server = mesh_pick_server(server);
	bm->conn = mesh_connection_for(bm->server);
	bm->topic = topic;
	bm->locked = true;
	return bm;
}

/* The partitions of the bookmark's topic and their offsets. */
static MeshReader *
topic_offsets(MeshBookmark *bm, int *n, int64 **low, int64 **high)
{
	MeshReader *reader;
	char	   *what = psprintf("topic \"%s\" on server \"%s\"", bm->topic,
								bm->server->servername);

	if (!mesh_topic_exists(bm->conn, bm->topic, n))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
				 errmsg("topic \"%s\" of bookmark \"%s\" does not exist on server \"%s\"",
						bm->topic, bm->name, bm->server->servername)));
	reader = mesh_reader_open(bm->conn, bm->topic, what, true);
	*low = palloc(sizeof(int64) * Max(*n, 1));
	*high = palloc(sizeof(int64) * Max(*n, 1));
	mesh_reader_offsets(reader, *n, *low, *high, ERROR);
	return reader;
}

PG_FUNCTION_INFO_V1(mesh_rewind_bookmark);
Datum
mesh_rewind_bookmark(PG_FUNCTION_ARGS)
{
	char	   *name;
	MeshBookmark *bm;
	MeshReader *reader;
	int			given = (!PG_ARGISNULL(1)) + (!PG_ARGISNULL(2)) + (!PG_ARGISNULL(3));
	int			n;
	int64	   *low;
	int64	   *high;
	int64	   *next;
	int			p;
	MeshAsTableOwner owner;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a bookmark name is required")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (given != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("give exactly one of \"to\", \"at\" and \"offsets\""),
				 errhint("mesh.rewind_bookmark(name, 'earliest' | 'latest'), (name, at => timestamptz) or (name, offsets => '{\"0\": 42}').")));
	bm = lock_existing(name);
	reader = topic_offsets(bm, &n, &low, &high);
	next = palloc(sizeof(int64) * Max(n, 1));
	for (p = 0; p < n; p++)
		next[p] = mesh_bookmark_position(bm, p);

	if (!PG_ARGISNULL(1))
	{
		char	   *to = text_to_cstring(PG_GETARG_TEXT_PP(1));

		if (strcmp(to, "earliest") != 0 && strcmp(to, "latest") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value for \"to\": \"%s\"", to),
					 errhint("Valid values are: earliest, latest.")));
		for (p = 0; p < n; p++)
			next[p] = strcmp(to, "earliest") == 0 ? low[p] : high[p];
	}
	else if (!PG_ARGISNULL(2))
	{
		TimestampTz at = PG_GETARG_TIMESTAMPTZ(2);
		int64		ms = (at / 1000) + (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * 86400000;
		int64	   *from = palloc(sizeof(int64) * Max(n, 1));

		mesh_reader_offsets_for_time(reader, n, Max(ms, 0), from);
		for (p = 0; p < n; p++)
			next[p] = from[p] < 0 ? high[p] : Max(from[p], low[p]);
	}
	else
	{
		Jsonb	   *offsets = PG_GETARG_JSONB_P(3);
		JsonbIterator *it;
		JsonbValue	v;
		JsonbIteratorToken tok;
		long		partition = -1;

		if (!JB_ROOT_IS_OBJECT(offsets))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"offsets\" must be a JSON object of partition: offset"),
					 errhint("For example '{\"0\": 42, \"1\": 17}'.")));
		it = JsonbIteratorInit(&offsets->root);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY)
			{
				char	   *key = pnstrdup(v.val.string.val, v.val.string.len);

				if (!mesh_parse_int(key, 0, PG_INT32_MAX, &partition) || partition >= n)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("topic \"%s\" on server \"%s\" has no partition \"%s\"",
									bm->topic, bm->server->servername, key),
							 errdetail("It has %d partitions, numbered from 0.", n)));
			}
			else if (tok == WJB_VALUE)
			{
				int64		offset;

				if (v.type != jbvNumeric)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("the offset of partition %ld must be a number", partition)));
				offset = DatumGetInt64(DirectFunctionCall1(numeric_int8,
														   NumericGetDatum(v.val.numeric)));
				if (offset < 0 || offset > high[partition])
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("offset " INT64_FORMAT " is outside partition %ld of topic \"%s\" on server \"%s\"",
									offset, partition, bm->topic, bm->server->servername),
							 errdetail("The partition ends at offset " INT64_FORMAT ".", high[partition])));
				next[partition] = offset;
			}
		}
	}
	mesh_reader_close(reader);

	mesh_as_table_owner_begin(&owner, state_table());
	write_positions(bm->name, n, next);
	mesh_as_table_owner_end(&owner);
	add_pending(bm->name, bm->conn, bm->server->servername, bm->topic, n, next);
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(mesh_drop_bookmark);
Datum
mesh_drop_bookmark(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	MeshBookmark *bm = lock_existing(name);
	MeshAsTableOwner owner;
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	char	   *group = psprintf("%s%s", MESH_BOOKMARK_GROUP_PREFIX, name);
	int			rc;

	mesh_as_table_owner_begin(&owner, state_table());
	values[0] = CStringGetTextDatum(name);
	rc = SPI_execute_with_args("DELETE FROM mesh.bookmark_state WHERE name OPERATOR(pg_catalog.=) $1",
							   1, types, values, NULL, false, 0);
	if (rc != SPI_OK_DELETE)
		elog(ERROR, "could not drop bookmark \"%s\": %s", name, SPI_result_code_string(rc));
	mesh_as_table_owner_end(&owner);
	/* what this transaction moved it to goes with it */
	{
		ListCell   *lc;

		foreach(lc, pending_commits)
			if (strcmp(((PendingCommit *) lfirst(lc))->name, name) == 0)
			{
				free_pending(lfirst(lc));
				pending_commits = foreach_delete_current(pending_commits, lc);
			}
	}
	/* and its Kafka group: not undone by a ROLLBACK, which makes it again at the next commit */
	mesh_group_delete(bm->conn, group, WARNING);
	PG_RETURN_VOID();
}
