/*-------------------------------------------------------------------------
 *
 * reader.c
 *		  Reading ranges of offsets of a topic's partitions, with consumers
 *		  from the connection's pool.
 *
 * Fetching is tuned for reading ranges that are known when reading
 * begins, as fast as the backend can take the messages, with a few
 * megabytes of them held at most (see the consumers' properties).
 * Messages are taken from librdkafka in batches bounded in count and
 * bytes; partitions that are done leave the assignment.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "kafka/reader.h"

#include "kafka/admin.h"
#include "kafka/internal.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/memutils.h"

/*
 * librdkafka 2.2.0 added fetch.queue.backoff.ms: before it, a consumer
 * whose prefetch queue filled up fetched again only when its broker
 * thread next woke up, up to a second later.  There readers use a larger
 * queue and wake the fetcher themselves (wake_fetcher).
 */
#define HAS_FETCH_QUEUE_BACKOFF (RD_KAFKA_VERSION >= 0x020200ff)
#if HAS_FETCH_QUEUE_BACKOFF
#define QUEUE_KB 4096
#else
#define QUEUE_KB 16384
#endif
/* at most this many messages in a consumer's queue (queued.min.messages) */
#define QUEUE_MESSAGES 20000

/*
 * A batch takes at most BATCH_SIZE messages out of the consumer's queue,
 * and about BATCH_BYTES of them: messages held outside the queue keep
 * their fetch buffers alive, so a batch of 1,000 messages of 10 kB would
 * hold 10 MB beside the 4 MB queue.
 */
#define BATCH_SIZE 1000
#define BATCH_BYTES (1024 * 1024)

struct MeshReader
{
	MeshConnection *conn;
	char	   *topic;
	char	   *what;			/* for errors */
	rd_kafka_t *consumer;		/* checked out of the pool; NULL when closed */
	rd_kafka_queue_t *queue;
	MemoryContextCallback cleanup;

	int			npartitions;
	int64	   *start;
	int64	   *end;
	bool	   *done;
	int64	   *reached;		/* per partition done because its end was
								 * reached: the offset it was read up to;
								 * -1 otherwise */
	int64	   *next;			/* per partition: the offset after the last
								 * message delivered */
	int			remaining;		/* assigned partitions not done */
	int			next_assign;	/* partitions below it have been assigned */
	int64		limit;			/* -1: none */
	int64		delivered;		/* messages handed to the caller */
	int64		bytes;			/* their sizes, to size batches */
	bool		fetcher_may_stall;	/* librdkafka < 2.2: see wake_fetcher */

	rd_kafka_message_t *batch[BATCH_SIZE];
	int			batch_n;
	int			batch_i;
	TimestampTz deadline;		/* a stall beyond it is an ERROR */
};

/*
 * A consumer for a reader, from the connection's pool of idle ones or new.
 * Every scan has its own, so that a query can read several topics (or the
 * same one twice) at once.  Its prefetch queue is small: a scan never
 * holds more than a few megabytes of a topic.  A scan that wants a few
 * rows (a LIMIT) takes one that fetches less at a time: 1 MB of 50-byte
 * messages took 10 ms to parse for LIMIT 10.
 */
rd_kafka_t *
mesh_checkout_consumer(MeshConnection *conn, bool few_rows)
{
	static const char *const scan_props[] = {
		"group.id", "mesh_fdw",
		"enable.partition.eof", "true",
		"enable.auto.commit", "false",
		"enable.auto.offset.store", "false",
		"isolation.level", "read_committed",
		/* data removed by retention since the scan began: go on from there */
		"auto.offset.reset", "earliest",
		"queued.max.messages.kbytes", CppAsString2(QUEUE_KB),
		/*
		 * A response holds up to 4 MB, and up to 1 MB of a partition: a
		 * partition's first record batch comes whole even when larger, but
		 * alone in its response, so a limit below the producers' batches
		 * (librdkafka's are up to 1 MB) cost a fetch per batch: 1,000
		 * partitions were read 4 times slower.  librdkafka wants
		 * fetch.max.bytes >= message.max.bytes, which a consumer does not
		 * otherwise use.
		 */
		"fetch.max.bytes", "4194304",
		"message.max.bytes", "4194304",
		"max.partition.fetch.bytes", "1048576",
		/*
		 * The queue's message count bounds what small messages cost:
		 * each queued message carries a few hundred bytes of librdkafka's
		 * own besides its payload.
		 */
		"queued.min.messages", CppAsString2(QUEUE_MESSAGES),
		/*
		 * A scan reads up to offsets it already knows, so it never wants
		 * the broker to hold a fetch waiting for new messages.  A fetch
		 * the broker holds at the end of a partition stays in flight
		 * after the scan ends and delays the next scan's first fetch by
		 * that long (the client sends one fetch per broker at a time):
		 * 100 ms made every short query cost 100 ms.  Partitions the scan
		 * is done with leave the assignment, so this rarely sends a fetch at all.
		 */
		"fetch.wait.max.ms", "2",
#if HAS_FETCH_QUEUE_BACKOFF
		/*
		 * When the prefetch queue is full, look again 1 ms later, not
		 * 1000: the bounded queue drains in milliseconds, and a scan of
		 * large messages stalled on every fill (10-20x slower).
		 */
		"fetch.queue.backoff.ms", "1",
#endif
		NULL
	};
	const char *few_props[] = {
		"fetch.max.bytes", "262144",
		"message.max.bytes", "262144",
		"max.partition.fetch.bytes", "65536",
		NULL
	};
	const char *props[lengthof(scan_props) + lengthof(few_props)];
	int			n = 0;
	MemoryContext oldcxt;
	MeshPooledConsumer *pc;
	ListCell   *lc;

	foreach(lc, conn->consumers)
	{
		pc = lfirst(lc);
		if (!pc->in_use && pc->few_rows == few_rows)
		{
			pc->in_use = true;
			return pc->rk;
		}
	}
	oldcxt = MemoryContextSwitchTo(TopMemoryContext);
	pc = palloc0(sizeof(MeshPooledConsumer));
	pc->state = calloc(1, sizeof(MeshClientState));
	if (pc->state == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	MemoryContextSwitchTo(oldcxt);
	/* later settings of a name override earlier ones */
	for (; scan_props[n]; n++)
		props[n] = scan_props[n];
	for (int i = 0; few_rows && few_props[i]; i++)
		props[n++] = few_props[i];
	props[n] = NULL;
	pc->rk = mesh_new_client(conn, RD_KAFKA_CONSUMER, props, pc->state, &pc->logq);
	pc->few_rows = few_rows;
	pc->in_use = true;
	oldcxt = MemoryContextSwitchTo(TopMemoryContext);
	conn->consumers = lappend(conn->consumers, pc);
	MemoryContextSwitchTo(oldcxt);
	return pc->rk;
}

/* Close the connection's consumers. */
void
mesh_destroy_consumers(MeshConnection *conn)
{
	ListCell   *lc;

	foreach(lc, conn->consumers)
	{
		MeshPooledConsumer *pc = lfirst(lc);

		/* synchronous: no callback runs after it */
		mesh_destroy_client(&pc->rk, &pc->logq);
		free(pc->state);
	}
	list_free_deep(conn->consumers);
	conn->consumers = NIL;
}

/* Give a scan's consumer back: it stops fetching and waits for the next. */
void
mesh_checkin_consumer(MeshConnection *conn, rd_kafka_t *consumer)
{
	ListCell   *lc;

	foreach(lc, conn->consumers)
	{
		MeshPooledConsumer *pc = lfirst(lc);

		if (pc->rk == consumer)
		{
			rd_kafka_message_t *leftover;

			rd_kafka_assign(consumer, NULL);
			/* what was fetched for this scan must not reach the next one */
			while ((leftover = rd_kafka_consumer_poll(consumer, 0)) != NULL)
				rd_kafka_message_destroy(leftover);
			mesh_drain_log_queue(conn, pc->logq, pc->state);
			pc->in_use = false;
		}
	}
}


/* A list of one partition of the scan's topic. */
static rd_kafka_topic_partition_list_t *
one_partition(MeshReader *reader, int32 p)
{
	rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);

	rd_kafka_topic_partition_list_add(list, reader->topic, p);
	return list;
}

/*
 * Assign the next partitions to the consumer, replacing those it had (all
 * done by then).  With a limit, only as many partitions as hold the
 * messages still wanted; else every partition at once.  Empty ranges are
 * done without a fetch.
 */
static void
assign_more(MeshReader *reader)
{
	rd_kafka_topic_partition_list_t *assignment;
	rd_kafka_resp_err_t err;
	int64		wanted = reader->limit >= 0 ? reader->limit - reader->delivered : PG_INT64_MAX;
	int64		messages = 0;

	assignment = rd_kafka_topic_partition_list_new(Max(reader->npartitions - reader->next_assign, 1));
	while (reader->next_assign < reader->npartitions && messages < wanted)
	{
		int			p = reader->next_assign++;
		if (reader->start[p] >= reader->end[p])
		{
			reader->done[p] = true;
			continue;
		}
		rd_kafka_topic_partition_list_add(assignment, reader->topic, p)->offset = reader->start[p];
		reader->next[p] = reader->start[p];
		messages += reader->end[p] - reader->start[p];
		reader->remaining++;
	}
	err = assignment->cnt > 0 ? rd_kafka_assign(reader->consumer, assignment) :
		RD_KAFKA_RESP_ERR_NO_ERROR;
	rd_kafka_topic_partition_list_destroy(assignment);
	if (err)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not read %s", reader->what),
				 errdetail_internal("%s", rd_kafka_err2str(err))));
	reader->deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
												 reader->conn->opts.connect_timeout_ms);
}

#if !HAS_FETCH_QUEUE_BACKOFF
/*
 * librdkafka before 2.2 stops fetching while the prefetch queue is over
 * its limits and looks at it again only when its broker thread next wakes
 * up, up to a second later.  So when the queue came near its limits and
 * has now run dry, seek each partition still being read to where the scan
 * stands: of the calls that reach a partition, only a seek wakes its
 * broker thread (a pause and resume waits for the next second).  Only
 * then: a seek also drops the answer to a fetch in flight.
 */
static void
note_queue_fill(MeshReader *reader)
{
	size_t		queued = rd_kafka_queue_length(reader->queue);
	int64		avg = reader->delivered > 0 ? reader->bytes / reader->delivered : 0;

	if (queued >= QUEUE_MESSAGES * 3 / 4 ||
		(int64) queued * avg >= (int64) QUEUE_KB * 1024 * 3 / 4)
		reader->fetcher_may_stall = true;
}

static void
wake_fetcher(MeshReader *reader)
{
	rd_kafka_topic_partition_list_t *list =
		rd_kafka_topic_partition_list_new(Max(reader->remaining, 1));
	rd_kafka_error_t *error;
	int			p;

	for (p = 0; p < reader->next_assign; p++)
		if (!reader->done[p])
			rd_kafka_topic_partition_list_add(list, reader->topic, p)->offset =
				reader->next[p];
	/* no wait: the seek goes on in librdkafka's threads */
	error = rd_kafka_seek_partitions(reader->consumer, list, 0);
	if (error)
		rd_kafka_error_destroy(error);
	rd_kafka_topic_partition_list_destroy(list);
	reader->fetcher_may_stall = false;
}
#endif

/*
 * A partition is done: take it out of the assignment, so that the consumer
 * stops fetching it while the scan reads the others, or stop fetching
 * altogether after the last one.  Not a pause: a partition stays paused
 * across assignments, and resuming it in the next scan set a version
 * barrier that discarded what had been fetched and held the partition
 * back for a second (every scan but a session's first took a second on a
 * three-broker cluster).
 */
static void
finish_partition(MeshReader *reader, int32 p, int64 reached)
{
	if (p >= 0 && p < reader->npartitions && !reader->done[p])
	{
		reader->done[p] = true;
		reader->reached[p] = reached;
		reader->remaining--;
		if (reader->consumer == NULL)
			return;
		if (reader->remaining > 0)
		{
			rd_kafka_topic_partition_list_t *list = one_partition(reader, p);
			rd_kafka_error_t *error = rd_kafka_incremental_unassign(reader->consumer, list);

			/* it only fails on a closed consumer; the partition ends anyway */
			if (error)
				rd_kafka_error_destroy(error);
			rd_kafka_topic_partition_list_destroy(list);
		}
		else if (reader->next_assign >= reader->npartitions)
			rd_kafka_assign(reader->consumer, NULL);
	}
}

void
mesh_reader_partition_done(MeshReader *reader, int32 p)
{
	finish_partition(reader, p, -1);
}

int64
mesh_reader_partition_reached(MeshReader *reader, int32 p)
{
	return p >= 0 && p < reader->npartitions ? reader->reached[p] : -1;
}

rd_kafka_message_t *
mesh_reader_next(MeshReader *reader)
{
	for (;;)
	{
		rd_kafka_message_t *msg;
		int32		p;

		if (reader->remaining == 0 && reader->next_assign < reader->npartitions)
			assign_more(reader);
		if (reader->remaining == 0)
			return NULL;
		if (reader->batch_i >= reader->batch_n)
		{
			ssize_t		n;
			long		left = mesh_ms_left(reader->deadline);
			int64		want = BATCH_SIZE;

			reader->batch_i = reader->batch_n = 0;
			if (reader->delivered > 0 && reader->bytes > 0)
				want = Max(1, Min(BATCH_SIZE, BATCH_BYTES * reader->delivered / reader->bytes));
			/*
			 * What has arrived, without waiting; else wait for one message:
			 * consume_batch_queue waits until the batch is full or the
			 * timeout passes, which would hold up every scan of fewer
			 * messages (and the tail of every scan) for a whole slice.
			 */
#if !HAS_FETCH_QUEUE_BACKOFF
			note_queue_fill(reader);
#endif
			n = rd_kafka_consume_batch_queue(reader->queue, 0, reader->batch, (size_t) want);
#if !HAS_FETCH_QUEUE_BACKOFF
			if (n == 0 && reader->fetcher_may_stall)
				wake_fetcher(reader);
#endif
			if (n == 0)
				n = rd_kafka_consume_batch_queue(reader->queue,
												 (int) Max(1, Min(left, MESH_WAIT_SLICE_MS)),
												 reader->batch, 1);
			if (n < 0)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_ERROR),
						 errmsg("could not read %s", reader->what),
						 errdetail_internal("%s", rd_kafka_err2str(rd_kafka_last_error()))));
			if (n == 0)
			{
				mesh_drain_client(reader->conn);
				CHECK_FOR_INTERRUPTS();
				if (mesh_ms_left(reader->deadline) <= 0)
				{
					StringInfoData parts;

					initStringInfo(&parts);
					for (p = 0; p < reader->npartitions; p++)
						if (!reader->done[p])
							appendStringInfo(&parts, "%s%d", parts.len ? ", " : "", p);
					ereport(ERROR,
							(errcode(ERRCODE_CONNECTION_FAILURE),
							 errmsg("reading %s stalled", reader->what),
							 errdetail("No message or end of partition came from partitions %s within %d ms.",
									   parts.data, reader->conn->opts.connect_timeout_ms),
							 errhint("Check that the brokers are running, or raise the server option \"connect_timeout_ms\".")));
				}
				continue;
			}
			reader->batch_n = (int) n;
			reader->deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
														 reader->conn->opts.connect_timeout_ms);
		}

		msg = reader->batch[reader->batch_i++];
		p = msg->partition;
		if (msg->err)
		{
			rd_kafka_resp_err_t err = msg->err;
			int64		offset = msg->offset;
			char		reason[256];

			strlcpy(reason, rd_kafka_message_errstr(msg), sizeof(reason));
			rd_kafka_message_destroy(msg);
			if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
			{
				/*
				 * The partition's end (for read_committed, its last stable
				 * offset): nothing more to read now.  One below where the
				 * reader started is a leftover of the consumer's last use.
				 * It was read up to the EOF's offset, not to the end the
				 * caller captured: an EOF below that end (a leftover at the
				 * start offset, or a new leader that lost the last
				 * messages) must not count for what it never read; one at
				 * or beyond it covers what no message came for (a
				 * transaction's marker, an aborted batch).
				 */
				if (p >= 0 && p < reader->npartitions && !reader->done[p] &&
					offset >= reader->start[p])
					finish_partition(reader, p,
									 Max(reader->next[p], Min(offset, reader->end[p])));
				continue;
			}
			if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
				err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
				err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
				err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
				err == RD_KAFKA_RESP_ERR__FATAL)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_ERROR),
						 errmsg("could not read partition %d of %s", p,
								reader->what),
						 errdetail_internal("%s", reason)));
			continue;			/* transient: librdkafka retries */
		}
		if (p < 0 || p >= reader->npartitions || reader->done[p] ||
			msg->offset < reader->start[p])
		{
			rd_kafka_message_destroy(msg);
			continue;
		}
		if (msg->offset >= reader->end[p])
		{
			finish_partition(reader, p, reader->end[p]);
			rd_kafka_message_destroy(msg);
			continue;
		}
		if (msg->offset + 1 >= reader->end[p])
			finish_partition(reader, p, reader->end[p]);

		reader->delivered++;
		reader->bytes += msg->len + msg->key_len;
		reader->next[p] = msg->offset + 1;
		return msg;
	}
}


/* Give back what the reader holds; safe to call twice, also during abort. */
static void
reader_release(void *arg)
{
	MeshReader *reader = (MeshReader *) arg;

	while (reader->batch_i < reader->batch_n)
		rd_kafka_message_destroy(reader->batch[reader->batch_i++]);
	reader->batch_n = reader->batch_i = 0;
	if (reader->queue)
	{
		rd_kafka_queue_destroy(reader->queue);
		reader->queue = NULL;
	}
	if (reader->consumer)
	{
		mesh_checkin_consumer(reader->conn, reader->consumer);
		reader->consumer = NULL;
	}
}

MeshReader *
mesh_reader_open(MeshConnection *conn, const char *topic, const char *what,
				 bool few_rows)
{
	MeshReader *reader = palloc0(sizeof(MeshReader));

	reader->conn = conn;
	reader->topic = pstrdup(topic);
	reader->what = pstrdup(what);
	reader->limit = -1;
	reader->cleanup.func = reader_release;
	reader->cleanup.arg = reader;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, &reader->cleanup);
	reader->consumer = mesh_checkout_consumer(conn, few_rows);
	return reader;
}

/*
 * Offsets are asked on the reader's own consumer: asking another client
 * let a scan of a topic deleted and created again read stale partitions
 * (fault suite, topic_changed_after_planning); this one's metadata is
 * then fresh.
 */
bool
mesh_reader_offsets(MeshReader *reader, int n, int64 *low, int64 *high, int elevel)
{
	return mesh_query_offsets(reader->conn, reader->consumer, reader->topic, n,
							  low, high, elevel);
}

bool
mesh_reader_offsets_for_time(MeshReader *reader, int n, int64 timestamp_ms,
							 int64 *offsets)
{
	return mesh_offsets_for_time(reader->conn, reader->consumer, reader->topic, n,
								 timestamp_ms, offsets);
}

void
mesh_reader_start(MeshReader *reader, int n, const int64 *start,
				  const int64 *end, int64 limit)
{
	reader->npartitions = n;
	reader->start = palloc(sizeof(int64) * Max(n, 1));
	reader->end = palloc(sizeof(int64) * Max(n, 1));
	reader->done = palloc0(sizeof(bool) * Max(n, 1));
	reader->reached = palloc(sizeof(int64) * Max(n, 1));
	for (int p = 0; p < n; p++)
		reader->reached[p] = -1;
	reader->next = palloc0(sizeof(int64) * Max(n, 1));
	memcpy(reader->start, start, sizeof(int64) * n);
	memcpy(reader->end, end, sizeof(int64) * n);
	reader->limit = limit;
	reader->remaining = 0;
	reader->next_assign = 0;
	reader->delivered = 0;
	if (reader->queue == NULL)
		reader->queue = rd_kafka_queue_get_consumer(reader->consumer);
	assign_more(reader);
}

void
mesh_reader_close(MeshReader *reader)
{
	reader_release(reader);
}

TimestampTz
mesh_kafka_timestamp(int64 ms)
{
	return (TimestampTz) ((ms - (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * 86400000) * 1000);
}
