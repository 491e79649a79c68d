/*-------------------------------------------------------------------------
 *
 * scan.c
 *		  Reading a topic for a foreign scan.
 *
 * A scan reads each partition from its start offset up to the end that
 * was captured when the scan began: with read_committed isolation, the
 * last stable offset, so the result is finite and consistent and never
 * waits on another producer's open transaction.  The pushed conditions
 * narrow those ranges (pushdown.c); a reader (kafka/reader.c) reads them.
 * Messages are turned into rows one at a time in the executor's per-tuple
 * memory; the reader holds a few megabytes, so a scan never holds a whole
 * topic.
 *
 * In table mode every message goes into a tuplesort, ordered by key, then
 * partition, then offset downwards; the first row of each key and
 * partition is that key's latest value there (across partitions, the one
 * with the latest timestamp wins), and a tombstone removes the key.  The
 * sort spills to disk beyond work_mem, so no key is held in memory for
 * long.
 *
 * With envelope 'debezium' the change event's op decides: a delete is a
 * tombstone, a truncate removes every key whose latest value in its
 * partition came before it, and messages ('m') are left out.
 *
 * Cleanup must also happen when the query fails: a callback on the scan's
 * memory context ends the sort and frees the message being decoded (the
 * reader has its own).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fdw/scan.h"

#include "fdw/decode.h"
#include "fdw/pushdown.h"
#include "fdw/table.h"
#include "kafka/admin.h"
#include "kafka/client.h"
#include "kafka/reader.h"
#include "mesh/bookmark.h"
#include "mesh/continuous.h"

#include "access/htup_details.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "commands/explain.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "access/stratnum.h"
#include "catalog/pg_opfamily.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplesort.h"


/* Columns of the table-mode sort. */
enum
{
	SORT_KEY = 0,				/* bytea: the message key */
	SORT_PARTITION,				/* int4 */
	SORT_OFFSET,				/* int8 */
	SORT_TIMESTAMP,				/* int8, ms; -1 without */
	SORT_VALUE,					/* bytea, NULL for a tombstone */
	SORT_HEADERS,				/* jsonb, when the query needs _headers */
	SORT_NATTS
};

struct MeshScan
{
	MeshTable  *table;
	MeshConnection *conn;
	MeshReader *reader;			/* NULL for EXPLAIN without ANALYZE */
	MemoryContext cxt;
	MemoryContextCallback cleanup;

	int			npartitions;
	MeshPartitionRange *ranges;
	int64		ts_lower_ms;
	int64		ts_upper_ms;
	int64		limit;			/* -1: none */
	int64		returned;
	bool		explain_only;
	char	   *pushed;			/* the pushed conditions, for EXPLAIN */
	bool		needs_headers;

	MeshDecoder *decoder;
	rd_kafka_message_t *current;	/* being decoded; freed on error too */

	/* the stream input of a continuous product's batch (continuous.c) */
	MeshBatchRanges *batch;

	/* a table with a bookmark */
	MeshBookmark *bookmark;
	int64	   *bookmark_start;	/* per partition, where the bookmark starts */
	int64	   *consumed;		/* per partition, the offset after the last
								 * message the scan took; -1: none */
	MeshPartitionRange *captured;	/* the ranges from the bookmark, before
									 * any condition: what a rescan replays */
	int64	   *reached;		/* per partition, the furthest position a pass
								 * of the scan read to; -1: none */

	/* table mode */
	Tuplesortstate *sort;
	TupleDesc	sortdesc;
	TupleTableSlot *sortslot;	/* rows out of the sort */
	TupleTableSlot *putslot;	/* rows into it */
	bool		sorted;
	bool		sort_exhausted;
	bool		have_pending;	/* sortslot holds a row not yet used */
	/* envelope 'debezium': per partition, the last truncate event */
	int			ntruncates;
	int64	   *truncate_offset;	/* -1: none */
	int64	   *truncate_ts;

	/* for EXPLAIN ANALYZE */
	int64		messages_read;
	int64		messages_skipped;
	int64		messages_nulled;
};

/* Give back what the scan holds; safe to call twice, also during abort. */
static void
scan_release(void *arg)
{
	MeshScan   *scan = (MeshScan *) arg;

	if (scan->current)
	{
		rd_kafka_message_destroy(scan->current);
		scan->current = NULL;
	}
	if (scan->reader)
	{
		mesh_reader_close(scan->reader);
		scan->reader = NULL;
	}
	/*
	 * The sort's memory is a child of the scan's context, which a reset
	 * deletes before it calls this: only an explicit end may end the sort
	 * (its temporary files go with the resource owner).
	 */
	scan->sort = NULL;
}

/* Read the ranges. */
static void
start_reading(MeshScan *scan)
{
	int64	   *start = palloc(sizeof(int64) * Max(scan->npartitions, 1));
	int64	   *end = palloc(sizeof(int64) * Max(scan->npartitions, 1));
	int			p;

	for (p = 0; p < scan->npartitions; p++)
	{
		start[p] = scan->ranges[p].start;
		end[p] = scan->ranges[p].end;
	}
	mesh_reader_start(scan->reader, scan->npartitions, start, end, scan->limit);
}

/*
 * A table with a bookmark: each partition starts at the bookmark's
 * position (its first offset where the bookmark has none).  A position
 * below the first offset the partition still holds lost what retention
 * deleted: it restarts at the first offset, with a WARNING.  The offsets
 * were captured after the bookmark was taken (mesh_scan_begin), so a
 * position beyond the partition's end is not one a scan that held the
 * bookmark before us left: without the topic's identity we cannot tell a
 * topic deleted and made again from a partition whose end went back (a
 * leader that lost its last messages), so nothing is read there and the
 * position stays, with a WARNING; restarting at the first offset would
 * read again everything the bookmark had delivered.  EXPLAIN reads the
 * positions without taking the bookmark.
 */
static void
bookmark_begin(MeshScan *scan, bool explain_only)
{
	MeshTable  *table = scan->table;
	int			p;

	scan->bookmark_start = palloc(sizeof(int64) * Max(scan->npartitions, 1));
	scan->consumed = palloc(sizeof(int64) * Max(scan->npartitions, 1));
	for (p = 0; p < scan->npartitions; p++)
	{
		MeshPartitionRange *r = &scan->ranges[p];
		int64		pos = mesh_bookmark_position(scan->bookmark, p);

		scan->consumed[p] = -1;
		if (pos < 0)
			pos = r->low;
		else if (pos < r->low)
		{
			ereport(explain_only ? DEBUG1 : WARNING,
					(errcode(ERRCODE_WARNING),
					 errmsg("bookmark \"%s\" lost " INT64_FORMAT " messages of partition %d of %s",
							table->bookmark, r->low - pos, p, mesh_table_describe(table)),
					 errdetail("The bookmark was at offset " INT64_FORMAT ", but the partition now begins at offset " INT64_FORMAT ": retention deleted the messages in between before they were read.",
							   pos, r->low),
					 errhint("Read more often, or give the topic a longer retention.")));
			pos = r->low;
		}
		else if (pos > r->high)
			ereport(explain_only ? DEBUG1 : WARNING,
					(errcode(ERRCODE_WARNING),
					 errmsg("bookmark \"%s\" is past the end of partition %d of %s",
							table->bookmark, p, mesh_table_describe(table)),
					 errdetail("The bookmark is at offset " INT64_FORMAT ", but the partition ends at offset " INT64_FORMAT ": nothing is read from it, and the bookmark stays there.",
							   pos, r->high),
					 errhint("If the topic was deleted and made again, move the bookmark with mesh.rewind_bookmark('%s', 'earliest').",
							 table->bookmark)));
		/* beyond the end: an empty range, and the position unchanged */
		scan->bookmark_start[p] = pos;
		r->start = Max(r->start, pos);
		if (r->start > r->end)
			r->start = r->end;
	}
}

/*
 * A pass of the scan of a table with a bookmark is over: per partition,
 * note how far it read: past what it took, or where it read a partition
 * to its end, as far as the reader saw that end (never simply the end it
 * captured: an end of partition below it skipped nothing it may count).
 */
static void
bookmark_note_pass(MeshScan *scan)
{
	int			p;

	for (p = 0; p < scan->npartitions; p++)
	{
		int64		pos = Max(scan->consumed[p],
							  mesh_reader_partition_reached(scan->reader, p));

		scan->reached[p] = Max(scan->reached[p], pos);
	}
}

/*
 * The scan of a table with a bookmark is over: move the bookmark, once,
 * to the furthest position any of its passes read to.
 */
static void
bookmark_end(MeshScan *scan)
{
	int64	   *next = palloc(sizeof(int64) * Max(scan->npartitions, 1));
	int			p;

	bookmark_note_pass(scan);
	for (p = 0; p < scan->npartitions; p++)
	{
		int64		old = mesh_bookmark_position(scan->bookmark, p);

		next[p] = Max(old < 0 ? -1 : scan->bookmark_start[p], scan->reached[p]);
	}
	mesh_bookmark_advance(scan->bookmark, scan->npartitions, next);
	mesh_bookmark_close(scan->bookmark);
}

/*
 * Narrow the scan's ranges by the pushed conditions (with their values
 * for this pass): they narrow what a bookmark reads, never widen it.
 */
static void
narrow_ranges(MeshScan *scan, List *pushdown_items, Datum *values, bool *isnull,
			  Oid *types)
{
	int			p;

	mesh_pushdown_apply(pushdown_items, values, isnull, types, scan->npartitions,
						scan->ranges, &scan->ts_lower_ms, &scan->ts_upper_ms);

	/* a lower bound on _timestamp: where each partition reaches it */
	if (scan->ts_lower_ms != PG_INT64_MIN)
	{
		int64	   *from = palloc(sizeof(int64) * Max(scan->npartitions, 1));

		mesh_reader_offsets_for_time(scan->reader, scan->npartitions,
									 Max(scan->ts_lower_ms, 0), from);
		for (p = 0; p < scan->npartitions; p++)
		{
			MeshPartitionRange *r = &scan->ranges[p];

			/* -1: no message that late: nothing to read */
			r->start = from[p] < 0 ? r->end : Max(r->start, from[p]);
			if (r->start > r->end)
				r->start = r->end;
		}
		pfree(from);
	}

	if (scan->bookmark)
		for (p = 0; p < scan->npartitions; p++)
		{
			MeshPartitionRange *r = &scan->ranges[p];

			r->start = Max(r->start, scan->bookmark_start[p]);
			if (r->start > r->end)
				r->start = r->end;
		}
}

/*
 * Start a scan: take its bookmark (if any), capture each partition's
 * offsets, narrow them by the pushed conditions and assign the partitions to a consumer.
 */
MeshScan *
mesh_scan_begin(MeshTable *table, Bitmapset *attrs_needed, List *pushdown_items,
				Datum *values, bool *isnull, Oid *types, int64 limit,
				bool explain_only)
{
	MeshScan   *scan = palloc0(sizeof(MeshScan));
	int64	   *low;
	int64	   *high;
	int			p;
	int			i;

	scan->table = table;
	scan->conn = table->conn;
	scan->cxt = CurrentMemoryContext;
	scan->limit = limit;
	scan->explain_only = explain_only;
	scan->pushed = pushdown_items ?
		mesh_pushdown_describe(pushdown_items, values, isnull, types) : NULL;
	scan->cleanup.func = scan_release;
	scan->cleanup.arg = scan;
	MemoryContextRegisterResetCallback(scan->cxt, &scan->cleanup);
	for (i = 0; i < table->natts; i++)
		if (table->columns[i].kind == MESH_COLUMN_HEADERS &&
			(bms_is_member(i + 1, attrs_needed) || table->on_error != MESH_ON_ERROR_ERROR))
			scan->needs_headers = true;

	if (!mesh_topic_exists(scan->conn, table->topic, &scan->npartitions))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
				 errmsg("topic \"%s\" of foreign table \"%s\" does not exist on server \"%s\"",
						table->topic, table->relname, table->server->servername)));
	/*
	 * Take the bookmark before capturing the offsets: a scan that waited
	 * for another transaction's scan of it must see the ends that scan
	 * moved the bookmark to, not ends older than its positions.
	 */
	scan->batch = mesh_continuous_batch(table->server->serverid, table->topic,
										!table->table_mode, mesh_table_describe(table));
	if (table->bookmark && scan->batch == NULL)
		scan->bookmark = mesh_bookmark_open(table->bookmark, table->server, scan->conn,
											table->topic, !explain_only);
	scan->reader = mesh_reader_open(scan->conn, table->topic, mesh_table_describe(table),
									limit >= 0);
	low = palloc(sizeof(int64) * Max(scan->npartitions, 1));
	high = palloc(sizeof(int64) * Max(scan->npartitions, 1));
	mesh_reader_offsets(scan->reader, scan->npartitions, low, high, ERROR);
	scan->ranges = palloc0(sizeof(MeshPartitionRange) * Max(scan->npartitions, 1));
	{
		double		messages = 0;

		for (p = 0; p < scan->npartitions; p++)
		{
			scan->ranges[p].low = scan->ranges[p].start = low[p];
			scan->ranges[p].high = scan->ranges[p].end = high[p];
			messages += (double) (high[p] - low[p]);
		}
		mesh_topic_estimate_set(scan->conn, table->topic, messages);
	}
	if (scan->batch != NULL)
	{
		/* a batch of a continuous product: its ranges, no bookmark */
		for (p = 0; p < scan->npartitions; p++)
		{
			MeshPartitionRange *r = &scan->ranges[p];

			if (p < scan->batch->n)
			{
				r->start = Max(r->low, scan->batch->start[p]);
				r->end = Min(r->high, scan->batch->end[p]);
			}
			else
				r->start = r->end;
			if (r->start > r->end)
				r->start = r->end;
		}
	}
	else if (table->bookmark)
	{
		bookmark_begin(scan, explain_only);
		scan->captured = palloc(sizeof(MeshPartitionRange) * Max(scan->npartitions, 1));
		memcpy(scan->captured, scan->ranges, sizeof(MeshPartitionRange) * scan->npartitions);
		scan->reached = palloc(sizeof(int64) * Max(scan->npartitions, 1));
		for (p = 0; p < scan->npartitions; p++)
			scan->reached[p] = -1;
	}
	narrow_ranges(scan, pushdown_items, values, isnull, types);

	scan->decoder = mesh_decoder_create(table, attrs_needed);
	if (explain_only)
	{
		mesh_reader_close(scan->reader);
		scan->reader = NULL;
		return scan;
	}
	start_reading(scan);
	return scan;
}


/*
 * The next message of the scan's ranges, or NULL when every partition is
 * done.  The caller owns (and must destroy) the message.
 */
static rd_kafka_message_t *
next_message(MeshScan *scan)
{
	for (;;)
	{
		rd_kafka_message_t *msg = mesh_reader_next(scan->reader);

		if (msg == NULL)
			return NULL;
		/* past an upper bound on _timestamp: with LogAppendTime, so is the rest */
		if (scan->ts_upper_ms != PG_INT64_MAX)
		{
			rd_kafka_timestamp_type_t tstype;
			int64		ts = rd_kafka_message_timestamp(msg, &tstype);

			if (tstype == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME && ts > scan->ts_upper_ms)
			{
				mesh_reader_partition_done(scan->reader, msg->partition);
				rd_kafka_message_destroy(msg);
				continue;
			}
		}
		scan->messages_read++;
		if (scan->consumed && msg->partition >= 0 && msg->partition < scan->npartitions)
			scan->consumed[msg->partition] = msg->offset + 1;
		if (scan->batch)
		{
			rd_kafka_timestamp_type_t tstype;
			int64		ts = rd_kafka_message_timestamp(msg, &tstype);

			scan->batch->messages++;
			scan->batch->last_partition = msg->partition;
			scan->batch->last_offset = msg->offset;
			scan->batch->max_timestamp_ms = Max(scan->batch->max_timestamp_ms, ts);
		}
		return msg;
	}
}

/*
 * Report a bad message by on_error: true when the row is to be returned
 * (on_error 'null'), false when it is skipped; ERROR for 'error'.
 */
static bool
bad_message(MeshScan *scan, int32 partition, int64 offset, const char *reason)
{
	switch (scan->table->on_error)
	{
		case MESH_ON_ERROR_SKIP:
			scan->messages_skipped++;
			return false;
		case MESH_ON_ERROR_NULL:
			scan->messages_nulled++;
			return true;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("could not decode the message at partition %d, offset " INT64_FORMAT " of %s",
							partition, offset, mesh_table_describe(scan->table)),
					 errdetail_internal("%s", reason),
					 errhint("Set the table option on_error to 'skip' or 'null' to read past bad messages.")));
	}
	return false;
}

/* Stream mode: the next row. */
static bool
next_stream_row(MeshScan *scan, Datum *values, bool *nulls)
{
	for (;;)
	{
		rd_kafka_message_t *msg;
		char		errbuf[512];
		bool		ok;
		int32		partition;
		int64		offset;

		if (scan->limit >= 0 && scan->returned >= scan->limit)
			return false;
		msg = next_message(scan);
		if (msg == NULL)
			return false;
		partition = msg->partition;
		offset = msg->offset;
		scan->current = msg;
		ok = mesh_decode_message(scan->decoder, msg, values, nulls,
								 errbuf, sizeof(errbuf));
		scan->current = NULL;
		rd_kafka_message_destroy(msg);
		if (!ok && !bad_message(scan, partition, offset, errbuf))
			continue;
		scan->returned++;
		return true;
	}
}

/*
 * Table mode, envelope 'debezium': true when the message goes nowhere (a
 * truncate, noted for its partition, or a message 'm'); a delete sets
 * *tombstone.
 */
static bool
debezium_skips(MeshScan *scan, rd_kafka_message_t *msg, MemoryContext rowcxt,
			   bool *tombstone)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(rowcxt);
	char		op = mesh_decode_debezium_op(scan->decoder, msg->payload, msg->len);

	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(rowcxt);
	if (op == 'd')
		*tombstone = true;
	if (op == 't' && msg->partition >= 0)
	{
		if (msg->partition >= scan->ntruncates)
		{
			int			n = msg->partition + 1;
			int			i;

			scan->truncate_offset = scan->truncate_offset ?
				repalloc(scan->truncate_offset, sizeof(int64) * n) :
				MemoryContextAlloc(scan->cxt, sizeof(int64) * n);
			scan->truncate_ts = scan->truncate_ts ?
				repalloc(scan->truncate_ts, sizeof(int64) * n) :
				MemoryContextAlloc(scan->cxt, sizeof(int64) * n);
			for (i = scan->ntruncates; i < n; i++)
				scan->truncate_offset[i] = -1;
			scan->ntruncates = n;
		}
		if (msg->offset > scan->truncate_offset[msg->partition])
		{
			scan->truncate_offset[msg->partition] = msg->offset;
			scan->truncate_ts[msg->partition] = rd_kafka_message_timestamp(msg, NULL);
		}
	}
	return op == 't' || op == 'm';
}

/* Table mode: every message into the sort, ordered by key. */
static void
fill_sort(MeshScan *scan)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(scan->cxt);
	MemoryContext rowcxt = AllocSetContextCreate(scan->cxt, "mesh_fdw table mode row",
												 ALLOCSET_DEFAULT_SIZES);
	AttrNumber	attnums[3] = {SORT_KEY + 1, SORT_PARTITION + 1, SORT_OFFSET + 1};
	Oid			operators[3] = {ByteaLessOperator, Int4LessOperator,
		get_opfamily_member(INTEGER_BTREE_FAM_OID, INT8OID, INT8OID, BTGreaterStrategyNumber)};
	Oid			collations[3] = {InvalidOid, InvalidOid, InvalidOid};
	bool		nulls_first[3] = {false, false, false};

	scan->sortdesc = CreateTemplateTupleDesc(SORT_NATTS);
	TupleDescInitEntry(scan->sortdesc, SORT_KEY + 1, "key", BYTEAOID, -1, 0);
	TupleDescInitEntry(scan->sortdesc, SORT_PARTITION + 1, "partition", INT4OID, -1, 0);
	TupleDescInitEntry(scan->sortdesc, SORT_OFFSET + 1, "offset", INT8OID, -1, 0);
	TupleDescInitEntry(scan->sortdesc, SORT_TIMESTAMP + 1, "timestamp", INT8OID, -1, 0);
	TupleDescInitEntry(scan->sortdesc, SORT_VALUE + 1, "value", BYTEAOID, -1, 0);
	TupleDescInitEntry(scan->sortdesc, SORT_HEADERS + 1, "headers", JSONBOID, -1, 0);
	scan->sortslot = MakeSingleTupleTableSlot(scan->sortdesc, &TTSOpsMinimalTuple);
	scan->putslot = MakeSingleTupleTableSlot(scan->sortdesc, &TTSOpsVirtual);
	scan->sort = tuplesort_begin_heap(scan->sortdesc, 3, attnums, operators, collations,
									  nulls_first, work_mem, NULL, TUPLESORT_NONE);
	MemoryContextSwitchTo(oldcxt);

	for (;;)
	{
		rd_kafka_message_t *msg = next_message(scan);
		Datum		values[SORT_NATTS];
		bool		nulls[SORT_NATTS] = {false};
		TupleTableSlot *slot = scan->putslot;

		if (msg == NULL)
			break;
		if (scan->table->debezium && msg->payload != NULL &&
			debezium_skips(scan, msg, rowcxt, &nulls[SORT_VALUE]))
		{
			rd_kafka_message_destroy(msg);
			continue;
		}
		if (msg->key == NULL)
		{
			/* a message without a key is no row of a table */
			scan->messages_skipped++;
			rd_kafka_message_destroy(msg);
			continue;
		}
		oldcxt = MemoryContextSwitchTo(rowcxt);
		scan->current = msg;
		{
			bytea	   *key = palloc(VARHDRSZ + msg->key_len);

			SET_VARSIZE(key, VARHDRSZ + msg->key_len);
			memcpy(VARDATA(key), msg->key, msg->key_len);
			values[SORT_KEY] = PointerGetDatum(key);
			values[SORT_PARTITION] = Int32GetDatum(msg->partition);
			values[SORT_OFFSET] = Int64GetDatum(msg->offset);
			values[SORT_TIMESTAMP] = Int64GetDatum(rd_kafka_message_timestamp(msg, NULL));
			if (msg->payload == NULL || nulls[SORT_VALUE])
				nulls[SORT_VALUE] = true;
			else
			{
				bytea	   *value = palloc(VARHDRSZ + msg->len);

				SET_VARSIZE(value, VARHDRSZ + msg->len);
				memcpy(VARDATA(value), msg->payload, msg->len);
				values[SORT_VALUE] = PointerGetDatum(value);
			}
			if (scan->needs_headers)
				values[SORT_HEADERS] = mesh_headers_datum(msg, &nulls[SORT_HEADERS]);
			else
				nulls[SORT_HEADERS] = true;
		}
		scan->current = NULL;
		rd_kafka_message_destroy(msg);
		ExecClearTuple(slot);
		memcpy(slot->tts_values, values, sizeof(values));
		memcpy(slot->tts_isnull, nulls, sizeof(nulls));
		ExecStoreVirtualTuple(slot);
		tuplesort_puttupleslot(scan->sort, slot);
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(rowcxt);
	}
	MemoryContextDelete(rowcxt);
	tuplesort_performsort(scan->sort);
	scan->sorted = true;
}

/*
 * The next row out of the sort into sortslot.  The slot's copy lives in the
 * scan's context: a row may wait there across calls (have_pending), past
 * the per-tuple memory the executor resets.
 */
static bool
sort_next(MeshScan *scan)
{
	MemoryContext oldcxt;
	bool		found;

	if (scan->sort_exhausted)
		return false;
	oldcxt = MemoryContextSwitchTo(scan->cxt);
	found = tuplesort_gettupleslot(scan->sort, true, true, scan->sortslot, NULL);
	if (found)
		slot_getallattrs(scan->sortslot);
	MemoryContextSwitchTo(oldcxt);
	if (!found)
		scan->sort_exhausted = true;
	return found;
}

static bool
same_key(Datum a, Datum b)
{
	bytea	   *ka = DatumGetByteaPP(a);
	bytea	   *kb = DatumGetByteaPP(b);

	return VARSIZE_ANY_EXHDR(ka) == VARSIZE_ANY_EXHDR(kb) &&
		memcmp(VARDATA_ANY(ka), VARDATA_ANY(kb), VARSIZE_ANY_EXHDR(ka)) == 0;
}

/* Table mode: the latest value of the next key that has one. */
static bool
next_table_row(MeshScan *scan, Datum *values, bool *nulls)
{
	if (!scan->sorted)
		fill_sort(scan);

	for (;;)
	{
		HeapTuple	best = NULL;
		bool		best_truncated = false;
		Datum		key;
		int64		best_ts = PG_INT64_MIN;
		int32		current_partition = -1;
		Datum		row[SORT_NATTS];
		bool		rownull[SORT_NATTS];
		char		errbuf[512];
		bytea	   *k;
		bytea	   *v;

		if (!scan->have_pending && !sort_next(scan))
			return false;
		scan->have_pending = false;
		key = datumCopy(scan->sortslot->tts_values[SORT_KEY], false, -1);

		/* the key's rows: per partition the first is the latest there */
		do
		{
			TupleTableSlot *s = scan->sortslot;
			int32		partition = DatumGetInt32(s->tts_values[SORT_PARTITION]);

			if (!same_key(key, s->tts_values[SORT_KEY]))
			{
				scan->have_pending = true;
				break;
			}
			if (partition != current_partition)
			{
				int64		ts = DatumGetInt64(s->tts_values[SORT_TIMESTAMP]);
				bool		truncated = partition < scan->ntruncates &&
					DatumGetInt64(s->tts_values[SORT_OFFSET]) < scan->truncate_offset[partition];

				/* a truncate after the latest value there: gone, at its time */
				if (truncated)
					ts = scan->truncate_ts[partition];
				current_partition = partition;
				if (best == NULL || ts > best_ts)
				{
					best = ExecCopySlotHeapTuple(s);
					best_ts = ts;
					best_truncated = truncated;
				}
			}
		} while (sort_next(scan));

		heap_deform_tuple(best, scan->sortdesc, row, rownull);
		if (rownull[SORT_VALUE] || best_truncated)
			continue;			/* a tombstone (or truncate): the key is gone */
		if (scan->limit >= 0 && scan->returned >= scan->limit)
			return false;

		k = DatumGetByteaPP(row[SORT_KEY]);
		v = DatumGetByteaPP(row[SORT_VALUE]);
		if (!mesh_decode_parts(scan->decoder, DatumGetInt32(row[SORT_PARTITION]),
							   DatumGetInt64(row[SORT_OFFSET]),
							   DatumGetInt64(row[SORT_TIMESTAMP]),
							   VARDATA_ANY(k), VARSIZE_ANY_EXHDR(k),
							   VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), false,
							   row[SORT_HEADERS], rownull[SORT_HEADERS],
							   values, nulls, errbuf, sizeof(errbuf)) &&
			!bad_message(scan, DatumGetInt32(row[SORT_PARTITION]),
						 DatumGetInt64(row[SORT_OFFSET]), errbuf))
			continue;
		scan->returned++;
		return true;
	}
}

/*
 * The next row of the scan into values/nulls (in the caller's memory
 * context, which the caller resets per row); false at the end.
 */
bool
mesh_scan_next(MeshScan *scan, Datum *values, bool *nulls)
{
	if (scan->table->table_mode)
		return next_table_row(scan, values, nulls);
	return next_stream_row(scan, values, nulls);
}

/*
 * Start a bookmarked scan again (a rescan: the inner side of a nested
 * loop, a correlated subquery), with the pushed values of this pass.  It
 * reads the ranges the first pass captured again, from the same positions
 * up to the same ends: every pass sees the same messages, and none that
 * no pass was given to match is consumed.  The bookmark moves once, when
 * the scan ends, to the furthest any pass read to.  A scan without a
 * bookmark is simply begun again.
 */
void
mesh_scan_rescan(MeshScan *scan, List *pushdown_items, Datum *values,
				 bool *isnull, Oid *types)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(scan->cxt);

	Assert(scan->bookmark && scan->bookmark->locked && scan->reader);
	bookmark_note_pass(scan);
	if (scan->sort)
	{
		tuplesort_end(scan->sort);
		scan->sort = NULL;
	}
	scan->sorted = scan->sort_exhausted = scan->have_pending = false;
	mesh_reader_close(scan->reader);
	scan->reader = mesh_reader_open(scan->conn, scan->table->topic,
									mesh_table_describe(scan->table), scan->limit >= 0);
	memcpy(scan->ranges, scan->captured, sizeof(MeshPartitionRange) * scan->npartitions);
	for (int p = 0; p < scan->npartitions; p++)
		scan->consumed[p] = -1;
	scan->returned = 0;
	narrow_ranges(scan, pushdown_items, values, isnull, types);
	start_reading(scan);
	MemoryContextSwitchTo(oldcxt);
}

bool
mesh_scan_bookmarked(MeshScan *scan)
{
	return scan->bookmark != NULL && scan->bookmark->locked && scan->reader != NULL;
}

void
mesh_scan_end(MeshScan *scan)
{
	if (scan->bookmark && scan->bookmark->locked && scan->reader)
		bookmark_end(scan);
	if (scan->sort)
		tuplesort_end(scan->sort);
	scan_release(scan);
}

/*
 * EXPLAIN: the topic, the offset range each partition is read in, what was
 * pushed down; with ANALYZE, messages read and messages judged bad.
 */
void
mesh_scan_explain(MeshScan *scan, ExplainState *es)
{
	StringInfoData ranges;
	int			p;

	ExplainPropertyText("Kafka", mesh_table_describe(scan->table), es);
	ExplainPropertyText("Mode", scan->table->table_mode ? "table" : "stream", es);
	if (scan->table->bookmark)
		ExplainPropertyText("Bookmark", scan->table->bookmark, es);
	initStringInfo(&ranges);
	for (p = 0; p < scan->npartitions; p++)
	{
		MeshPartitionRange *r = &scan->ranges[p];

		if (r->start >= r->end)
			continue;
		appendStringInfo(&ranges, "%s%d [" INT64_FORMAT ", " INT64_FORMAT ")",
						 ranges.len ? ", " : "", p, r->start, r->end);
	}
	ExplainPropertyText("Partitions", ranges.len ? ranges.data : "none", es);
	if (scan->pushed)
		ExplainPropertyText("Pushed Down", scan->pushed, es);
	if (scan->limit >= 0)
		ExplainPropertyInteger("Pushed Limit", NULL, scan->limit, es);
	if (es->analyze)
	{
		ExplainPropertyInteger("Messages Read", NULL, scan->messages_read, es);
		if (scan->table->on_error == MESH_ON_ERROR_SKIP || scan->messages_skipped > 0)
			ExplainPropertyInteger("Messages Skipped", NULL, scan->messages_skipped, es);
		if (scan->table->on_error == MESH_ON_ERROR_NULL)
			ExplainPropertyInteger("Messages Nulled", NULL, scan->messages_nulled, es);
	}
}

/*
 * ANALYZE: up to targrows rows from the tails of the partitions (the
 * newest data, in proportion to each partition's size); *totalrows is the
 * number of messages the topic holds.
 */
int
mesh_scan_sample(MeshTable *table, HeapTuple *rows, int targrows,
				 double *totalrows, TupleDesc tupdesc)
{
	MemoryContext rowcxt = AllocSetContextCreate(CurrentMemoryContext,
												 "mesh_fdw analyze row",
												 ALLOCSET_DEFAULT_SIZES);
	Bitmapset  *all = NULL;
	MeshScan   *scan;
	Datum	   *values = palloc(sizeof(Datum) * Max(tupdesc->natts, 1));
	bool	   *nulls = palloc(sizeof(bool) * Max(tupdesc->natts, 1));
	double		total = 0;
	int			nrows = 0;
	int			i;
	int			p;

	for (i = 0; i < tupdesc->natts; i++)
		all = bms_add_member(all, i + 1);
	table->bookmark = NULL;		/* a sample reads the tails, past any bookmark */
	scan = mesh_scan_begin(table, all, NIL, NULL, NULL, NULL, -1, true);
	for (p = 0; p < scan->npartitions; p++)
		total += (double) (scan->ranges[p].high - scan->ranges[p].low);
	*totalrows = total;
	if (total <= 0)
		return 0;

	/* restart it, reading only each partition's tail */
	scan->explain_only = false;
	scan->reader = mesh_reader_open(scan->conn, table->topic, mesh_table_describe(table), false);
	for (p = 0; p < scan->npartitions; p++)
	{
		MeshPartitionRange *r = &scan->ranges[p];
		int64		share = (int64) ((double) targrows * (double) (r->high - r->low) / total) + 1;

		r->start = Max(r->low, r->high - share);
	}
	start_reading(scan);
	/* bad messages are left out of the sample whatever on_error says */
	table->on_error = MESH_ON_ERROR_SKIP;
	while (nrows < targrows)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(rowcxt);
		bool		more = mesh_scan_next(scan, values, nulls);

		MemoryContextSwitchTo(oldcxt);
		if (!more)
			break;
		rows[nrows++] = heap_form_tuple(tupdesc, values, nulls);
		MemoryContextReset(rowcxt);
	}
	mesh_scan_end(scan);
	MemoryContextDelete(rowcxt);
	return nrows;
}
