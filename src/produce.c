/*-------------------------------------------------------------------------
 *
 * produce.c
 *		  Writing to Kafka: INSERT into a foreign table produces a message
 *		  per row; DELETE ... WHERE _key = ... in table mode writes a
 *		  tombstone; with transactional 'true' everything a PostgreSQL
 *		  transaction produces goes into one Kafka transaction.
 *
 * Producers are idempotent with acks=all and partition keys with murmur2
 * (librdkafka's murmur2_random, the Java client's partitioner), so a key
 * lands where Java producers put it.  A statement returns only once every
 * message it produced is acknowledged; otherwise it fails saying how many
 * were not written.  librdkafka's queue bounds memory: when it is full,
 * INSERT waits for acknowledgements before it goes on.
 *
 * Transactions follow PostgreSQL's: the Kafka transaction begins with the
 * first message, commits in the pre-commit phase (so a failed Kafka commit
 * still aborts the PostgreSQL transaction), and aborts when PostgreSQL
 * rolls back or the backend exits.  Kafka cannot take messages back, so a
 * subtransaction that produced and rolled back makes COMMIT fail, and
 * PREPARE TRANSACTION is refused.  After a commit, the statement waits
 * (bounded) until the last stable offset of every partition written has
 * passed the messages, so that they are visible to read_committed readers
 * when COMMIT returns.  The transactional.id is derived from the backend
 * slot, so a backend started in the same slot fences a zombie predecessor.
 *
 *-------------------------------------------------------------------------
 */
#include "mesh_fdw.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "common/base64.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/backendid.h"
#include "storage/ipc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/uuid.h"

/* Connections whose transactional producer is in a Kafka transaction. */
static List *txn_connections = NIL;
static bool xact_callbacks_registered = false;

static void mesh_xact_callback(XactEvent event, void *arg);
static void abort_producer(MeshConnection *conn, MeshProducer *producer);
static void mesh_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								  SubTransactionId parentSubid, void *arg);

/* Produced-message count at the start of each open subtransaction. */
typedef struct SubxactMark
{
	SubTransactionId subid;
	uint64		produced;
} SubxactMark;

static List *subxact_marks = NIL;	/* in TopTransactionContext */

/* ------------------------------------------------------------------------
 * Producers
 * ------------------------------------------------------------------------
 */

static void
wait_slice_interruptible(MeshConnection *conn, MeshProducer *producer)
{
	rd_kafka_poll(producer->rk, MESH_WAIT_SLICE_MS);
	mesh_drain_client(conn);
	CHECK_FOR_INTERRUPTS();
}

/* Report a librdkafka transaction error (and free it). */
static void
txn_error(MeshConnection *conn, const char *what, rd_kafka_error_t *error)
{
	char		reason[512];

	strlcpy(reason, rd_kafka_error_string(error), sizeof(reason));
	rd_kafka_error_destroy(error);
	mesh_redact_secrets(reason, &conn->opts);
	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("could not %s the Kafka transaction on server \"%s\"",
					what, conn->opts.servername),
			 errdetail("%s", reason)));
}

/* A transactional call that timed out or failed retriably may be made again. */
static bool
txn_call_again(const rd_kafka_error_t *error)
{
	return rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR__TIMED_OUT ||
		rd_kafka_error_is_retriable(error);
}

/*
 * Create the client of a transactional producer and register its
 * transactional.id with the cluster, which fences an earlier producer of
 * the same id.  On a cluster that has just started or lost a broker the
 * transaction coordinator may not be ready ("Not coordinator", "Coordinator
 * load in progress"); librdkafka 2.0.2 reports some of those as final, so
 * the client is built anew and asked again until connect_timeout_ms.
 */
static void
start_transactional_client(MeshConnection *conn, MeshProducer *producer,
						   const char **props)
{
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   conn->opts.connect_timeout_ms);

	for (;;)
	{
		rd_kafka_error_t *error;
		MeshWritten *written = producer->state->written;

		producer->rk = mesh_new_client(conn, RD_KAFKA_PRODUCER, props, producer->state,
									   &producer->logq);
		/* mesh_new_client cleared the state */
		producer->state->written = written ? written : calloc(1, sizeof(MeshWritten));
		if (producer->state->written == NULL)
		{
			mesh_producer_destroy(producer);
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		}
		for (;;)
		{
			error = rd_kafka_init_transactions(producer->rk, MESH_WAIT_SLICE_MS);
			mesh_drain_client(conn);
			if (error == NULL)
				return;
			if (mesh_ms_left(deadline) <= 0)
			{
				mesh_producer_destroy(producer);
				txn_error(conn, "start", error);
			}
			if (!txn_call_again(error))
				break;
			rd_kafka_error_destroy(error);
			CHECK_FOR_INTERRUPTS();
		}
		/* a final error: try again with a new client after a pause */
		ereport(DEBUG1,
				(errmsg_internal("mesh_fdw: starting a Kafka transaction on server \"%s\" failed, trying again: %s",
								 conn->opts.servername, rd_kafka_error_string(error))));
		rd_kafka_error_destroy(error);
		mesh_producer_destroy(producer);
		pg_usleep(Min(MESH_WAIT_SLICE_MS, Max(mesh_ms_left(deadline), 0)) * 1000L);
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * The connection's producer for data, transactional or not, built on
 * first use.
 */
MeshProducer *
mesh_get_producer(MeshConnection *conn, bool transactional)
{
	MeshProducer **slot = transactional ? &conn->txn_producer : &conn->producer;
	MeshProducer *producer;
	MemoryContext oldcxt;
	char		timeout[32];
	char		txn_timeout[32];
	const char *props[32];
	int			n = 0;

	if (*slot != NULL)
		return *slot;

	if (!xact_callbacks_registered)
	{
		RegisterXactCallback(mesh_xact_callback, NULL);
		RegisterSubXactCallback(mesh_subxact_callback, NULL);
		xact_callbacks_registered = true;
	}

	oldcxt = MemoryContextSwitchTo(TopMemoryContext);
	producer = palloc0(sizeof(MeshProducer));
	producer->transactional = transactional;
	producer->state = calloc(1, sizeof(MeshClientState));
	if (producer->state == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	if (transactional)
	{
		/* the backend slot: a new backend in it fences the old one */
		producer->transactional_id =
			psprintf("mesh_fdw-" UINT64_FORMAT "-%u-%u-%u-%d",
					 GetSystemIdentifier(), MyDatabaseId, conn->serverid,
					 conn->umid, MyBackendId);
	}
	MemoryContextSwitchTo(oldcxt);

	snprintf(timeout, sizeof(timeout), "%d", mesh_delivery_timeout_ms(conn));
	snprintf(txn_timeout, sizeof(txn_timeout), "%d", mesh_delivery_timeout_ms(conn) * 2);
#define PROP(k, v) (props[n++] = (k), props[n++] = (v))
	PROP("enable.idempotence", "true");
	PROP("acks", "all");
	PROP("partitioner", "murmur2_random");
	PROP("linger.ms", "5");
	PROP("message.timeout.ms", timeout);
	/* librdkafka's queue bounds what an INSERT ... SELECT holds */
	PROP("queue.buffering.max.kbytes", "16384");
	PROP("queue.buffering.max.messages", "100000");
	if (transactional)
	{
		PROP("transactional.id", producer->transactional_id);
		PROP("transaction.timeout.ms", txn_timeout);
	}
#undef PROP
	props[n] = NULL;
	if (!transactional)
		producer->rk = mesh_new_client(conn, RD_KAFKA_PRODUCER, props, producer->state,
									   &producer->logq);
	else
		start_transactional_client(conn, producer, props);
	*slot = producer;
	return producer;
}

/* Close a producer; a Kafka transaction still open is aborted. */
void
mesh_producer_destroy(MeshProducer *producer)
{
	if (producer == NULL)
		return;
	if (producer->rkt)
	{
		rd_kafka_topic_destroy(producer->rkt);
		producer->rkt = NULL;
	}
	if (producer->rk)
	{
		if (producer->in_txn)
		{
			rd_kafka_error_t *error = rd_kafka_abort_transaction(producer->rk, 5000);

			if (error)
				rd_kafka_error_destroy(error);
		}
		else
			rd_kafka_flush(producer->rk, 1000);
		if (producer->logq)
			rd_kafka_queue_destroy(producer->logq);
		rd_kafka_destroy(producer->rk);
	}
	producer->rk = NULL;
	producer->logq = NULL;
	/* the state is left allocated: a late callback cannot write freed memory */
}

/*
 * Have a transactional producer take part in the current PostgreSQL
 * transaction: its Kafka transaction begins now and ends with it.
 */
void
mesh_producer_join(MeshConnection *conn, MeshProducer *producer)
{
	rd_kafka_error_t *error;

	if (!producer->transactional || producer->in_txn)
		return;
	error = rd_kafka_begin_transaction(producer->rk);
	if (error)
		txn_error(conn, "begin", error);
	producer->in_txn = true;
	producer->poisoned = false;
	producer->produced = 0;
	producer->failed_at_begin = producer->state->failed;
	producer->state->written->n = 0;
	producer->state->written->overflow = false;
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(TopMemoryContext);

		txn_connections = lappend(txn_connections, conn);
		MemoryContextSwitchTo(oldcxt);
	}
}

/* Where a producer's delivery counts stand now, for mesh_producer_wait. */
MeshDeliveryMark
mesh_producer_mark(MeshProducer *producer)
{
	MeshDeliveryMark mark;

	mark.reported = producer->state->delivered + producer->state->failed;
	mark.failed = producer->state->failed;
	mark.failed_maybe_written = producer->state->failed_maybe_written;
	return mark;
}

/*
 * Wait until the sent messages given to producer since mark all have a
 * delivery report; ERROR if some were not written or the wait timed out.
 */
void
mesh_producer_wait(MeshConnection *conn, MeshProducer *producer,
				   const MeshDeliveryMark *mark, uint64 sent, const char *what)
{
	MeshClientState *state = producer->state;
	uint64		expected = mark->reported + sent;
	int			timeout = mesh_delivery_timeout_ms(conn) + 5000;
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout);
	uint64		failed;
	uint64		maybe;

	while (state->delivered + state->failed < expected)
	{
		if (mesh_ms_left(deadline) <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("%s: " UINT64_FORMAT " messages were not acknowledged by server \"%s\" within %d ms",
							what, expected - state->delivered - state->failed,
							conn->opts.servername, timeout),
					 errdetail("They may still be written.")));
		wait_slice_interruptible(conn, producer);
	}
	failed = state->failed - mark->failed;
	maybe = state->failed_maybe_written - mark->failed_maybe_written;
	if (failed > 0)
	{
		char		reason[512];

		strlcpy(reason, state->delivery_error, sizeof(reason));
		mesh_redact_secrets(reason, &conn->opts);
		if (maybe > 0)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("%s: " UINT64_FORMAT " messages were not acknowledged by server \"%s\"",
							what, failed, conn->opts.servername),
					 errdetail(UINT64_FORMAT " of them were sent and may have been written; the others were not written. First failure: %s.",
							   maybe, reason)));
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("%s: " UINT64_FORMAT " messages were not written to Kafka (server \"%s\")",
						what, failed, conn->opts.servername),
				 errdetail("First failure: %s.", reason)));
	}
}

/*
 * Produce one message, waiting while librdkafka's queue is full.
 */
void
mesh_produce(MeshConnection *conn, MeshProducer *producer, const char *topic,
			 int32 partition, const char *key, size_t keylen,
			 const char *value, size_t len, int64 timestamp_ms,
			 rd_kafka_headers_t *headers)
{
	rd_kafka_resp_err_t err;

	mesh_producer_join(conn, producer);
	if (producer->rkt == NULL || strcmp(producer->rkt_name, topic) != 0)
	{
		if (producer->rkt)
			rd_kafka_topic_destroy(producer->rkt);
		producer->rkt = rd_kafka_topic_new(producer->rk, topic, NULL);
		if (producer->rkt == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("could not produce to topic \"%s\" on server \"%s\"",
							topic, conn->opts.servername),
					 errdetail("%s", rd_kafka_err2str(rd_kafka_last_error()))));
		strlcpy(producer->rkt_name, topic, sizeof(producer->rkt_name));
	}
	for (;;)
	{
		rd_kafka_headers_t *h = headers ? rd_kafka_headers_copy(headers) : NULL;

		err = rd_kafka_producev(producer->rk,
								RD_KAFKA_V_RKT(producer->rkt),
								RD_KAFKA_V_PARTITION(partition),
								RD_KAFKA_V_KEY((void *) key, keylen),
								RD_KAFKA_V_VALUE((void *) value, len),
								RD_KAFKA_V_TIMESTAMP(timestamp_ms > 0 ? timestamp_ms : 0),
								RD_KAFKA_V_HEADERS(h),
								RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
								RD_KAFKA_V_END);
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
			break;
		if (h)
			rd_kafka_headers_destroy(h);
		if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
			ereport(ERROR,
					(errcode(err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ?
							 ERRCODE_PROGRAM_LIMIT_EXCEEDED : ERRCODE_FDW_ERROR),
					 errmsg("could not produce to topic \"%s\" on server \"%s\"",
							topic, conn->opts.servername),
					 errdetail("%s", rd_kafka_err2str(err))));
		/* full: let acknowledgements drain it */
		wait_slice_interruptible(conn, producer);
	}
	producer->produced++;
	if ((producer->produced & 1023) == 0)
		rd_kafka_poll(producer->rk, 0);
}

/* ------------------------------------------------------------------------
 * Transactions
 * ------------------------------------------------------------------------
 */

/*
 * After a commit: wait (bounded) until the last stable offset of each
 * partition written has passed the messages, so read_committed readers see
 * them once COMMIT returns.  Kafka writes the commit markers after it
 * answers the commit.
 */
static void
wait_until_visible(MeshConnection *conn, MeshProducer *producer)
{
	MeshWritten *written = producer->state->written;
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   conn->opts.connect_timeout_ms);
	rd_kafka_t *reader = mesh_get_catalog_consumer(conn);
	int			i;

	for (i = 0; i < written->n; i++)
	{
		for (;;)
		{
			int64		low;
			int64		high;

			if (!mesh_query_watermarks(conn, reader, written->parts[i].topic,
									   written->parts[i].partition, &low, &high, WARNING))
				return;
			if (high > written->parts[i].offset)
				break;
			if (mesh_ms_left(deadline) <= 0)
			{
				ereport(WARNING,
						(errmsg("the committed messages on partition %d of topic \"%s\" are not yet visible to read_committed readers",
								written->parts[i].partition, written->parts[i].topic)));
				return;
			}
			pg_usleep(10000);
			CHECK_FOR_INTERRUPTS();
		}
	}
}

static void
commit_producer(MeshConnection *conn, MeshProducer *producer)
{
	rd_kafka_error_t *error;

	if (producer->poisoned)
	{
		error = rd_kafka_abort_transaction(producer->rk, conn->opts.connect_timeout_ms);
		if (error)
			rd_kafka_error_destroy(error);
		producer->in_txn = false;
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("cannot commit: messages were produced to Kafka in a subtransaction that rolled back"),
				 errdetail("Kafka cannot take messages back; the whole Kafka transaction on server \"%s\" was aborted.",
						   conn->opts.servername),
				 errhint("Produce outside savepoints and exception blocks, or roll back the whole transaction.")));
	}
	/* everything acknowledged first: a lost message must fail the commit */
	{
		TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
														   mesh_delivery_timeout_ms(conn) + 5000);

		while (rd_kafka_flush(producer->rk, MESH_WAIT_SLICE_MS) == RD_KAFKA_RESP_ERR__TIMED_OUT)
		{
			mesh_drain_client(conn);
			if (mesh_ms_left(deadline) <= 0)
				break;
			CHECK_FOR_INTERRUPTS();
		}
		if (rd_kafka_outq_len(producer->rk) > 0 ||
			producer->state->failed > producer->failed_at_begin)
		{
			uint64		lost = producer->state->failed - producer->failed_at_begin;

			abort_producer(conn, producer);
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("cannot commit: " UINT64_FORMAT " messages of the transaction were not written to Kafka (server \"%s\")",
							lost, conn->opts.servername),
					 errdetail("The Kafka transaction was aborted: none of its messages are visible to read_committed readers.")));
		}
	}
	/* a retriable failure (e.g. the coordinator moved) may be asked again */
	{
		TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
														   conn->opts.connect_timeout_ms);

		for (;;)
		{
			error = rd_kafka_commit_transaction(producer->rk, MESH_WAIT_SLICE_MS * 5);
			mesh_drain_client(conn);
			if (error == NULL || mesh_ms_left(deadline) <= 0 || !txn_call_again(error))
				break;
			rd_kafka_error_destroy(error);
			CHECK_FOR_INTERRUPTS();
		}
	}
	producer->in_txn = false;
	if (error)
	{
		if (rd_kafka_error_txn_requires_abort(error))
		{
			rd_kafka_error_t *abort_error = rd_kafka_abort_transaction(producer->rk,
																	   conn->opts.connect_timeout_ms);

			if (abort_error)
				rd_kafka_error_destroy(abort_error);
		}
		txn_error(conn, "commit", error);
	}
	wait_until_visible(conn, producer);
}

static void
abort_producer(MeshConnection *conn, MeshProducer *producer)
{
	rd_kafka_error_t *error;

	if (!producer->in_txn || producer->rk == NULL)
		return;
	producer->in_txn = false;
	rd_kafka_purge(producer->rk, RD_KAFKA_PURGE_F_QUEUE);
	error = rd_kafka_abort_transaction(producer->rk, conn->opts.connect_timeout_ms);
	if (error)
	{
		/* a fatal error (e.g. fenced): the producer cannot be used again */
		if (rd_kafka_error_is_fatal(error))
		{
			mesh_producer_destroy(producer);
			conn->txn_producer = NULL;
		}
		elog(WARNING, "mesh_fdw: could not abort the Kafka transaction on server \"%s\": %s",
			 conn->opts.servername, rd_kafka_error_string(error));
		rd_kafka_error_destroy(error);
	}
}

static void
mesh_xact_callback(XactEvent event, void *arg)
{
	ListCell   *lc;
	List	   *conns = txn_connections;

	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
			txn_connections = NIL;
			foreach(lc, conns)
			{
				MeshConnection *conn = lfirst(lc);

				if (conn->txn_producer && conn->txn_producer->in_txn)
					commit_producer(conn, conn->txn_producer);
			}
			list_free(conns);
			break;
		case XACT_EVENT_PRE_PREPARE:
			foreach(lc, conns)
			{
				MeshConnection *conn = lfirst(lc);

				if (conn->txn_producer && conn->txn_producer->in_txn)
					ereport(ERROR,
							(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
							 errmsg("cannot PREPARE a transaction that produced to Kafka"),
							 errdetail("Kafka has no two-phase commit; server \"%s\" has an open Kafka transaction.",
									   conn->opts.servername)));
			}
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			txn_connections = NIL;
			foreach(lc, conns)
			{
				MeshConnection *conn = lfirst(lc);

				if (conn->txn_producer)
					abort_producer(conn, conn->txn_producer);
			}
			list_free(conns);
			break;
		default:
			break;
	}
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_PREPARE)
		subxact_marks = NIL;	/* lived in TopTransactionContext */
}

static uint64
produced_now(void)
{
	ListCell   *lc;
	uint64		n = 0;

	foreach(lc, txn_connections)
	{
		MeshConnection *conn = lfirst(lc);

		if (conn->txn_producer)
			n += conn->txn_producer->produced;
	}
	return n;
}

/*
 * A subtransaction that produced and then rolled back: the messages stay
 * in the Kafka transaction, so the whole transaction must not commit.
 */
static void
mesh_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					  SubTransactionId parentSubid, void *arg)
{
	ListCell   *lc;

	if (event == SUBXACT_EVENT_START_SUB)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(TopTransactionContext);
		SubxactMark *mark = palloc(sizeof(SubxactMark));

		mark->subid = mySubid;
		mark->produced = produced_now();
		subxact_marks = lappend(subxact_marks, mark);
		MemoryContextSwitchTo(oldcxt);
		return;
	}
	if (event != SUBXACT_EVENT_ABORT_SUB && event != SUBXACT_EVENT_COMMIT_SUB)
		return;
	foreach(lc, subxact_marks)
	{
		SubxactMark *mark = lfirst(lc);

		if (mark->subid != mySubid)
			continue;
		if (event == SUBXACT_EVENT_ABORT_SUB && produced_now() > mark->produced)
		{
			ListCell   *clc;

			foreach(clc, txn_connections)
			{
				MeshConnection *conn = lfirst(clc);

				if (conn->txn_producer && conn->txn_producer->in_txn)
					conn->txn_producer->poisoned = true;
			}
		}
		subxact_marks = foreach_delete_current(subxact_marks, lc);
		break;
	}
}

/* ------------------------------------------------------------------------
 * Rows into messages
 * ------------------------------------------------------------------------
 */

/*
 * A Datum of a PostgreSQL type as the MeshAvroValue the encoder takes
 * (avro_encode.c): integers, reals, booleans as such; timestamps as
 * microseconds since 1970, dates as days since 1970, times as
 * microseconds since midnight; text, numeric, uuid as text; bytea as
 * bytes; arrays of scalars as items; jsonb and anything else as JSON.
 */
void
mesh_datum_to_avro(Datum value, Oid typid, MeshAvroValue *v, MemoryContext cxt)
{
	memset(v, 0, sizeof(*v));
	v->present = true;
	switch (typid)
	{
		case BOOLOID:
			v->kind = AVRO_BOOLEAN;
			v->boolean = DatumGetBool(value);
			return;
		case INT2OID:
			v->kind = AVRO_LONG;
			v->integer = DatumGetInt16(value);
			return;
		case INT4OID:
			v->kind = AVRO_LONG;
			v->integer = DatumGetInt32(value);
			return;
		case INT8OID:
			v->kind = AVRO_LONG;
			v->integer = DatumGetInt64(value);
			return;
		case FLOAT4OID:
			v->kind = AVRO_DOUBLE;
			v->real = DatumGetFloat4(value);
			return;
		case FLOAT8OID:
			v->kind = AVRO_DOUBLE;
			v->real = DatumGetFloat8(value);
			return;
		case DATEOID:
			if (DATE_NOT_FINITE(DatumGetDateADT(value)))
				break;			/* as text: the encoder refuses "infinity" */
			v->kind = AVRO_INT;
			v->logical = AVRO_LT_DATE;
			v->integer = (int64) DatumGetDateADT(value) + (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE);
			return;
		case TIMEOID:
			v->kind = AVRO_LONG;
			v->logical = AVRO_LT_TIME_MICROS;
			v->integer = DatumGetTimeADT(value);
			return;
		case TIMESTAMPTZOID:
		case TIMESTAMPOID:
			if (TIMESTAMP_NOT_FINITE(DatumGetTimestamp(value)))
				break;			/* as text: the encoder refuses "infinity" */
			v->kind = AVRO_LONG;
			v->logical = typid == TIMESTAMPTZOID ? AVRO_LT_TIMESTAMP_MICROS :
				AVRO_LT_LOCAL_TIMESTAMP_MICROS;
			v->integer = DatumGetTimestamp(value) +
				(int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
			return;
		case BYTEAOID:
			{
				bytea	   *b = DatumGetByteaPP(value);

				v->kind = AVRO_BYTES;
				v->data = VARDATA_ANY(b);
				v->len = VARSIZE_ANY_EXHDR(b);
				return;
			}
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			{
				text	   *t = DatumGetTextPP(value);

				v->kind = AVRO_STRING;
				v->data = VARDATA_ANY(t);
				v->len = VARSIZE_ANY_EXHDR(t);
				return;
			}
		case JSONBOID:
			{
				MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
				char	   *json = JsonbToCString(NULL, &DatumGetJsonbP(value)->root, -1);

				MemoryContextSwitchTo(oldcxt);
				v->kind = MESH_AVRO_JSON;
				v->data = json;
				v->len = strlen(json);
				return;
			}
		case JSONOID:
			{
				text	   *t = DatumGetTextPP(value);

				v->kind = MESH_AVRO_JSON;
				v->data = VARDATA_ANY(t);
				v->len = VARSIZE_ANY_EXHDR(t);
				return;
			}
		default:
			break;
	}

	if (type_is_array(typid))
	{
		Oid			elemtype;
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		int			i;
		MemoryContext oldcxt = MemoryContextSwitchTo(cxt);

		mesh_array_elements(value, &elemtype, &elems, &nulls, &n);
		v->kind = AVRO_ARRAY;
		v->nitems = n;
		v->items = palloc0(sizeof(MeshAvroValue) * Max(n, 1));
		for (i = 0; i < n; i++)
		{
			if (nulls[i])
			{
				v->items[i].present = true;
				v->items[i].is_null = true;
			}
			else
				mesh_datum_to_avro(elems[i], elemtype, &v->items[i], cxt);
		}
		MemoryContextSwitchTo(oldcxt);
		return;
	}

	/* numeric, uuid and the rest: their text */
	{
		Oid			output;
		bool		varlena;
		char	   *text;
		MemoryContext oldcxt = MemoryContextSwitchTo(cxt);

		getTypeOutputInfo(typid, &output, &varlena);
		text = OidOutputFunctionCall(output, value);
		MemoryContextSwitchTo(oldcxt);
		v->kind = AVRO_STRING;
		v->data = text;
		v->len = strlen(text);
	}
}

/*
 * A value as JSON, for the json format: what to_jsonb() would write (which
 * cannot be called directly: it needs its argument's type from the call).
 */
static void
append_json_value(StringInfo buf, Datum value, Oid typid)
{
	Oid			output;
	bool		varlena;
	char	   *text;

	switch (typid)
	{
		case BOOLOID:
			appendStringInfoString(buf, DatumGetBool(value) ? "true" : "false");
			return;
		case DATEOID:
		case TIMEOID:
		case TIMETZOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			{
				char		dt[MAXDATELEN + 1];

				appendStringInfo(buf, "\"%s\"", JsonEncodeDateTime(dt, value, typid, NULL));
				return;
			}
		case JSONBOID:
			appendStringInfoString(buf, JsonbToCString(NULL, &DatumGetJsonbP(value)->root, -1));
			return;
		default:
			break;
	}
	if (type_is_array(typid))
	{
		Oid			elemtype;
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		int			i;

		mesh_array_elements(value, &elemtype, &elems, &nulls, &n);
		appendStringInfoChar(buf, '[');
		for (i = 0; i < n; i++)
		{
			if (i > 0)
				appendStringInfoChar(buf, ',');
			if (nulls[i])
				appendStringInfoString(buf, "null");
			else
				append_json_value(buf, elems[i], elemtype);
		}
		appendStringInfoChar(buf, ']');
		return;
	}
	getTypeOutputInfo(typid, &output, &varlena);
	text = OidOutputFunctionCall(output, value);
	switch (typid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case OIDOID:
		case FLOAT4OID:
		case FLOAT8OID:
		case NUMERICOID:
			/* numbers as numbers, but NaN and infinities as strings */
			if (strspn(text, "0123456789+-.eE") == strlen(text) && strpbrk(text, "0123456789"))
			{
				appendStringInfoString(buf, text);
				return;
			}
			break;
		case JSONOID:
			appendStringInfoString(buf, text);
			return;
		default:
			break;
	}
	escape_json(buf, text);
}

/* ------------------------------------------------------------------------
 * INSERT
 * ------------------------------------------------------------------------
 */

struct MeshInsert
{
	MeshTable  *table;
	MeshConnection *conn;
	MeshProducer *producer;
	MeshDeliveryMark mark;		/* the producer's counts when it began */
	uint64		sent;
	MeshAvroEncoder *encoder;
	MeshAvroValue *values;		/* one per target slot */
	char		header[10];		/* the Avro framing */
	int			header_len;
	MeshBuf		buf;
	MemoryContext rowcxt;
	TupleDesc	tupdesc;
};

/*
 * The writer schema and framing of an Avro table: Confluent with the
 * registry's id when the server has a registry, single-object otherwise.
 */
static void
setup_avro(MeshInsert *ins)
{
	MeshTable  *table = ins->table;
	MeshProductSchema *current = NULL;
	char		errbuf[512];
	int			i;

	if (table->reader_schema == NULL || table->product == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("cannot INSERT into foreign table \"%s\": it has no Avro schema",
						table->relname),
				 errhint("Tables on a data product write with the product's schema; publish one with mesh.publish_data_product().")));
	if (table->product_schemas)
		current = llast(table->product_schemas);

	ins->encoder = mesh_avro_encoder_create(table->reader_schema, &table->target,
											errbuf, sizeof(errbuf));
	if (ins->encoder == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("cannot INSERT into foreign table \"%s\"", table->relname),
				 errdetail("%s", errbuf),
				 errhint("Add a column for the field, or give the field a default in the product's schema.")));
	ins->values = palloc0(sizeof(MeshAvroValue) * Max(table->target.nslots, 1));

	if (table->conn->opts.schema_registry != NULL)
	{
		int			id;

		if (current->has_registry && current->registry_id > 0)
			id = current->registry_id;
		else
			id = mesh_registry_register(table->conn, psprintf("%s-value", table->topic),
										current->definition);
		ins->header[0] = 0x00;
		ins->header[1] = (id >> 24) & 0xff;
		ins->header[2] = (id >> 16) & 0xff;
		ins->header[3] = (id >> 8) & 0xff;
		ins->header[4] = id & 0xff;
		ins->header_len = 5;
	}
	else
	{
		ins->header[0] = (char) 0xC3;
		ins->header[1] = 0x01;
		for (i = 0; i < 8; i++)
			ins->header[2 + i] = (current->fingerprint >> (8 * i)) & 0xff;
		ins->header_len = 10;
	}
}

MeshInsert *
mesh_insert_begin(Relation rel)
{
	MeshInsert *ins = palloc0(sizeof(MeshInsert));
	MeshTable  *table = mesh_table_load(RelationGetRelid(rel), ERROR);

	ins->table = table;
	ins->conn = table->conn;
	ins->tupdesc = RelationGetDescr(rel);
	if (!mesh_topic_exists(ins->conn, table->topic, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
				 errmsg("topic \"%s\" of foreign table \"%s\" does not exist on server \"%s\"",
						table->topic, table->relname, table->server->servername)));
	if (table->value_format == MESH_FORMAT_AVRO)
		setup_avro(ins);
	ins->producer = mesh_get_producer(ins->conn, table->transactional);
	ins->mark = mesh_producer_mark(ins->producer);
	mesh_buf_init(&ins->buf);
	ins->rowcxt = AllocSetContextCreate(CurrentMemoryContext, "mesh_fdw insert row",
										ALLOCSET_DEFAULT_SIZES);
	return ins;
}

static void
refuse_row(MeshInsert *ins, const char *reason)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("row does not fit %s", mesh_table_describe(ins->table)),
			 errdetail("%s", reason)));
}

/* The bytes of the key column by key_format. */
static void
key_bytes(MeshInsert *ins, MeshColumn *col, Datum value, const char **key, size_t *keylen)
{
	Oid			typid = col->type.typid;

	if (typid == BYTEAOID || typid == TEXTOID || typid == VARCHAROID)
	{
		/* bytes as they are; text is UTF-8 already (a UTF8 database) */
		bytea	   *b = DatumGetByteaPP(value);

		*key = VARDATA_ANY(b);
		*keylen = VARSIZE_ANY_EXHDR(b);
		if (typid != BYTEAOID && GetDatabaseEncoding() != PG_UTF8)
		{
			*key = pg_server_to_any(*key, *keylen, PG_UTF8);
			*keylen = strlen(*key);
		}
	}
	else if (typid == JSONBOID)
	{
		char	   *json = JsonbToCString(NULL, &DatumGetJsonbP(value)->root, -1);

		*key = json;
		*keylen = strlen(json);
	}
	else
	{
		Oid			output;
		bool		varlena;
		char	   *text;

		getTypeOutputInfo(typid, &output, &varlena);
		text = OidOutputFunctionCall(output, value);
		*key = text;
		*keylen = strlen(text);
	}
	if (ins->table->key_format == MESH_FORMAT_AVRO)
		refuse_row(ins, "writing Avro keys is not supported; use key_format 'text', 'json' or 'bytes'");
}

/*
 * _headers: a jsonb object of names to strings ("\\x..." for bytes) or
 * null, as scans show them.
 */
static rd_kafka_headers_t *
headers_from(MeshInsert *ins, Datum value)
{
	char	   *json = JsonbToCString(NULL, &DatumGetJsonbP(value)->root, -1);
	char		errbuf[256];
	MeshJson   *obj = mesh_json_parse(json, strlen(json), 0, errbuf, sizeof(errbuf));
	rd_kafka_headers_t *headers;
	int			i;

	if (obj == NULL || obj->type != MJ_OBJECT)
		refuse_row(ins, "column \"_headers\" must be a JSON object of header names to strings");
	headers = rd_kafka_headers_new(obj->count);
	for (i = 0; i < obj->count; i++)
	{
		MeshJson   *v = obj->items[i];
		const char *name = obj->keys[i];

		if (v->type == MJ_NULL)
			rd_kafka_header_add(headers, name, -1, NULL, 0);
		else if (v->type == MJ_STRING && v->string_len >= 2 && v->string[0] == '\\' &&
				 v->string[1] == 'x')
		{
			size_t		n = (v->string_len - 2) / 2;
			char	   *bytes = palloc(Max(n, 1));
			size_t		j;

			for (j = 0; j < n; j++)
			{
				unsigned int byte;

				if (sscanf(v->string + 2 + 2 * j, "%2x", &byte) != 1)
				{
					rd_kafka_headers_destroy(headers);
					refuse_row(ins, psprintf("header \"%s\" is not valid \\x hex", name));
				}
				bytes[j] = (char) byte;
			}
			rd_kafka_header_add(headers, name, -1, bytes, n);
		}
		else if (v->type == MJ_STRING)
			rd_kafka_header_add(headers, name, -1, v->string, v->string_len);
		else
		{
			rd_kafka_headers_destroy(headers);
			refuse_row(ins, psprintf("header \"%s\" must be a string or null", name));
		}
	}
	return headers;
}

/*
 * One row into one message.  Everything about the row is checked before
 * anything of it is sent.
 */
void
mesh_insert_row(MeshInsert *ins, TupleTableSlot *slot)
{
	MeshTable  *table = ins->table;
	MemoryContext oldcxt = MemoryContextSwitchTo(ins->rowcxt);
	int32		partition = RD_KAFKA_PARTITION_UA;
	int64		timestamp_ms = 0;
	const char *key = NULL;
	size_t		keylen = 0;
	const char *value = NULL;
	size_t		len = 0;
	bool		has_value = false;
	rd_kafka_headers_t *headers = NULL;
	StringInfoData json;
	int			i;

	slot_getallattrs(slot);
	ins->buf.len = 0;
	if (table->value_format == MESH_FORMAT_AVRO)
		mesh_buf_append(&ins->buf, ins->header, ins->header_len);
	else if (table->value_format == MESH_FORMAT_JSON)
	{
		initStringInfo(&json);
		appendStringInfoChar(&json, '{');
	}

	for (i = 0; i < table->natts; i++)
	{
		MeshColumn *col = &table->columns[i];
		Datum		d = slot->tts_values[i];
		bool		isnull = slot->tts_isnull[i];

		switch (col->kind)
		{
			case MESH_COLUMN_PARTITION:
				if (!isnull)
				{
					int64		p = col->type.typid == INT8OID ? DatumGetInt64(d) :
						col->type.typid == INT2OID ? DatumGetInt16(d) : DatumGetInt32(d);

					if (p < 0 || p > PG_INT32_MAX)
						refuse_row(ins, psprintf("_partition %lld is not a partition", (long long) p));
					partition = (int32) p;
				}
				break;
			case MESH_COLUMN_TIMESTAMP:
				if (!isnull)
					timestamp_ms = DatumGetTimestampTz(d) / 1000 +
						(int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * 86400000;
				break;
			case MESH_COLUMN_KEY:
				if (!isnull)
					key_bytes(ins, col, d, &key, &keylen);
				break;
			case MESH_COLUMN_HEADERS:
				if (!isnull)
					headers = headers_from(ins, d);
				break;
			case MESH_COLUMN_OFFSET:
				if (!isnull)
					refuse_row(ins, "_offset is set by Kafka; leave it out or NULL");
				break;
			case MESH_COLUMN_VALUE:
				if (!isnull)
				{
					if (col->type.typid == BYTEAOID)
					{
						bytea	   *b = DatumGetByteaPP(d);

						value = VARDATA_ANY(b);
						len = VARSIZE_ANY_EXHDR(b);
					}
					else
					{
						Oid			output;
						bool		varlena;

						getTypeOutputInfo(col->type.typid, &output, &varlena);
						value = OidOutputFunctionCall(output, d);
						len = strlen(value);
					}
					has_value = true;
				}
				break;
			case MESH_COLUMN_FIELD:
				if (table->value_format == MESH_FORMAT_AVRO)
				{
					MeshAvroValue *v = &ins->values[col->slot];

					if (isnull)
					{
						memset(v, 0, sizeof(*v));
						v->present = true;
						v->is_null = true;
					}
					else
						mesh_datum_to_avro(d, col->type.typid, v, ins->rowcxt);
				}
				else if (table->value_format == MESH_FORMAT_JSON)
				{
					if (json.len > 1)
						appendStringInfoChar(&json, ',');
					escape_json(&json, col->field);
					appendStringInfoChar(&json, ':');
					if (isnull)
						appendStringInfoString(&json, "null");
					else
						append_json_value(&json, d, col->type.typid);
				}
				break;
			default:
				break;
		}
	}

	switch (table->value_format)
	{
		case MESH_FORMAT_AVRO:
			{
				char		errbuf[512];

				if (!mesh_avro_encode(ins->encoder, ins->values, &ins->buf, errbuf, sizeof(errbuf)))
				{
					if (headers)
						rd_kafka_headers_destroy(headers);
					refuse_row(ins, errbuf);
				}
				value = ins->buf.data;
				len = ins->buf.len;
				has_value = true;
				break;
			}
		case MESH_FORMAT_JSON:
			appendStringInfoChar(&json, '}');
			value = json.data;
			len = json.len;
			has_value = true;
			break;
		default:
			break;
	}

	mesh_produce(ins->conn, ins->producer, table->topic, partition, key, keylen,
				 has_value ? value : NULL, has_value ? len : 0, timestamp_ms, headers);
	if (headers)
		rd_kafka_headers_destroy(headers);
	ins->sent++;
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(ins->rowcxt);
}

/*
 * The statement is done: wait until every message is acknowledged.  In a
 * Kafka transaction they become visible at COMMIT.
 */
void
mesh_insert_end(MeshInsert *ins)
{
	mesh_producer_wait(ins->conn, ins->producer, &ins->mark, ins->sent,
					   psprintf("INSERT into \"%s\"", ins->table->relname));
}

/*
 * DELETE ... WHERE _key = k (table mode): a tombstone for each key.
 */
void
mesh_produce_tombstone(MeshTable *table, const char *key, size_t keylen)
{
	MeshProducer *producer = mesh_get_producer(table->conn, table->transactional);
	MeshDeliveryMark mark = mesh_producer_mark(producer);

	mesh_produce(table->conn, producer, table->topic, RD_KAFKA_PARTITION_UA,
				 key, keylen, NULL, 0, 0, NULL);
	mesh_producer_wait(table->conn, producer, &mark, 1,
					   psprintf("DELETE from \"%s\"", table->relname));
}
