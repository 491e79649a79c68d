/*-------------------------------------------------------------------------
 *
 * producer.c
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
#include "postgres.h"

#include "kafka/producer.h"

#include "kafka/client.h"
#include "kafka/internal.h"
#include "kafka/settings.h"
#include "pg_compat.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "common/base64.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
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

typedef enum TxnStep
{
	TXN_START,					/* init_transactions */
	TXN_BEGIN,
	TXN_COMMIT
} TxnStep;

/* A producer of ours was fenced by another of the same transactional.id. */
static bool fenced_seen = false;

/* The transactional.id this process's transactional producers use, if set. */
static char *transactional_id_override = NULL;

static void
note_fenced(rd_kafka_resp_err_t code)
{
	/*
	 * Not INVALID_PRODUCER_EPOCH: a transaction the coordinator aborted for
	 * running too long gets it too, and that producer may begin again.
	 */
	if (code == RD_KAFKA_RESP_ERR__FENCED ||
		code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED)
		fenced_seen = true;
}

bool
mesh_producer_fenced(void)
{
	return fenced_seen;
}

void
mesh_set_transactional_id(const char *id)
{
	transactional_id_override = MemoryContextStrdup(TopMemoryContext, id);
}

/* Report a librdkafka transaction error (and free it). */
static void
txn_error(MeshConnection *conn, TxnStep step, rd_kafka_error_t *error)
{
	char		reason[512];
	bool		fatal = rd_kafka_error_is_fatal(error);
	int			code;
	const char *msg;

	note_fenced(rd_kafka_error_code(error));
	strlcpy(reason, rd_kafka_error_string(error), sizeof(reason));
	rd_kafka_error_destroy(error);
	mesh_redact_secrets(reason, &conn->opts);
	switch (step)
	{
		case TXN_START:
			code = fatal ? ERRCODE_FDW_ERROR : ERRCODE_CONNECTION_FAILURE;
			msg = gettext_noop("could not start the Kafka transaction on server \"%s\"");
			break;
		case TXN_BEGIN:
			code = ERRCODE_FDW_ERROR;
			msg = gettext_noop("could not begin the Kafka transaction on server \"%s\"");
			break;
		case TXN_COMMIT:
		default:
			code = ERRCODE_TRANSACTION_ROLLBACK;
			msg = gettext_noop("could not commit the Kafka transaction on server \"%s\"");
			break;
	}
	ereport(ERROR,
			(errcode(code),
			 errmsg(msg, conn->opts.servername),
			 errdetail_internal("%s", reason)));
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
				txn_error(conn, TXN_START, error);
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

	oldcxt = MemoryContextSwitchTo(TopMemoryContext);
	producer = palloc0(sizeof(MeshProducer));
	producer->transactional = transactional;
	producer->state = calloc(1, sizeof(MeshClientState));
	if (producer->state == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	if (transactional && transactional_id_override)
		producer->transactional_id = pstrdup(transactional_id_override);
	else if (transactional)
	{
		/* the backend slot: a new backend in it fences the old one */
		producer->transactional_id =
			psprintf("mesh_fdw-" UINT64_FORMAT "-%u-%u-%u-%d",
					 GetSystemIdentifier(), MyDatabaseId, conn->serverid,
					 conn->umid, MESH_BACKEND_SLOT);
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
		txn_error(conn, TXN_BEGIN, error);
	producer->in_txn = true;
	producer->poisoned = false;
	producer->produced = 0;
	producer->failed_at_begin = producer->state->failed;
	producer->state->written->n = 0;
	producer->state->written->overflow = false;
	mesh_connection_in_transaction(conn);
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
		{
			uint64		missing = expected - state->delivered - state->failed;

			ereport(ERROR,
					(errcode(ERRCODE_CONNECTION_FAILURE),
					 errmsg_plural("%s: " UINT64_FORMAT " message was not acknowledged by server \"%s\" within %d ms",
								   "%s: " UINT64_FORMAT " messages were not acknowledged by server \"%s\" within %d ms",
								   missing, what, missing, conn->opts.servername, timeout),
					 errdetail("They may still be written.")));
		}
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
					(errcode(ERRCODE_CONNECTION_FAILURE),
					 errmsg_plural("%s: " UINT64_FORMAT " message was not acknowledged by server \"%s\"",
								   "%s: " UINT64_FORMAT " messages were not acknowledged by server \"%s\"",
								   failed, what, failed, conn->opts.servername),
					 errdetail_plural(UINT64_FORMAT " of them was sent and may have been written; the others were not written. First failure: %s.",
									  UINT64_FORMAT " of them were sent and may have been written; the others were not written. First failure: %s.",
									  maybe, maybe, reason)));
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg_plural("%s: " UINT64_FORMAT " message was not written to Kafka (server \"%s\")",
							   "%s: " UINT64_FORMAT " messages were not written to Kafka (server \"%s\")",
							   failed, what, failed, conn->opts.servername),
				 errdetail_internal("First failure: %s.", reason)));
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
					 errdetail_internal("%s", rd_kafka_err2str(rd_kafka_last_error()))));
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
					 errdetail_internal("%s", rd_kafka_err2str(err))));
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
	int			i;

	for (i = 0; i < written->n; i++)
	{
		for (;;)
		{
			int64		low;
			int64		high;

			/* the connection's client asks read_committed (LSO) too */
			if (!mesh_query_watermarks(conn, conn->rk, written->parts[i].topic,
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

void
mesh_producer_commit(MeshConnection *conn, MeshProducer *producer)
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

			mesh_producer_abort(conn, producer);
			ereport(ERROR,
					(errcode(ERRCODE_TRANSACTION_ROLLBACK),
					 errmsg_plural("cannot commit: " UINT64_FORMAT " message of the transaction was not written to Kafka (server \"%s\")",
								   "cannot commit: " UINT64_FORMAT " messages of the transaction were not written to Kafka (server \"%s\")",
								   lost, lost, conn->opts.servername),
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
		txn_error(conn, TXN_COMMIT, error);
	}
	wait_until_visible(conn, producer);
}

void
mesh_producer_send_offsets(MeshConnection *conn, MeshProducer *producer,
						   const char *group, const char *topic, int n,
						   const int64 *offsets)
{
	rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(Max(n, 1));
	rd_kafka_consumer_group_metadata_t *cgmd = rd_kafka_consumer_group_metadata_new(group);
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													   conn->opts.connect_timeout_ms);
	rd_kafka_error_t *error;
	int			p;

	Assert(producer->transactional && producer->in_txn);
	for (p = 0; p < n; p++)
		if (offsets[p] >= 0)
			rd_kafka_topic_partition_list_add(parts, topic, p)->offset = offsets[p];
	for (;;)
	{
		error = rd_kafka_send_offsets_to_transaction(producer->rk, parts, cgmd,
													 MESH_WAIT_SLICE_MS * 5);
		mesh_drain_client(conn);
		if (error == NULL || mesh_ms_left(deadline) <= 0 || !txn_call_again(error))
			break;
		rd_kafka_error_destroy(error);
		CHECK_FOR_INTERRUPTS();
	}
	rd_kafka_consumer_group_metadata_destroy(cgmd);
	rd_kafka_topic_partition_list_destroy(parts);
	if (error)
		txn_error(conn, TXN_COMMIT, error);
}

void
mesh_producer_abort(MeshConnection *conn, MeshProducer *producer)
{
	rd_kafka_error_t *error;

	if (!producer->in_txn || producer->rk == NULL)
		return;
	producer->in_txn = false;
	rd_kafka_purge(producer->rk, RD_KAFKA_PURGE_F_QUEUE);
	error = rd_kafka_abort_transaction(producer->rk, conn->opts.connect_timeout_ms);
	if (error)
	{
		note_fenced(rd_kafka_error_code(error));
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

/*
 * A topic just created may not be known yet to the broker the client asked
 * last: the client then fails a message without sending it, and it can be
 * produced again once the client has the topic's metadata.
 */
static bool
not_sent_yet(rd_kafka_resp_err_t err)
{
	return err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
		err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION;
}

/* Ask for topic's metadata again, which updates the client's view of it. */
static void
refresh_topic(MeshConnection *conn, const char *topic)
{
	rd_kafka_topic_t *rkt = rd_kafka_topic_new(conn->rk, topic, NULL);
	const rd_kafka_metadata_t *md = NULL;

	pg_usleep(100000L);
	CHECK_FOR_INTERRUPTS();
	if (rkt == NULL)
		return;
	if (rd_kafka_metadata(conn->rk, 0, rkt, &md, MESH_WAIT_SLICE_MS) == RD_KAFKA_RESP_ERR_NO_ERROR)
		rd_kafka_metadata_destroy(md);
	rd_kafka_topic_destroy(rkt);
	mesh_drain_client(conn);
}

/*
 * Wait until the producer rk of conn has had a delivery report for every
 * message it was given (expected = delivered + failed counts to reach).
 * False when the wait timed out.  Honours cancels; the messages may still
 * be written after a cancel.
 */
static bool
mesh_wait_deliveries(MeshConnection *conn, uint64 expected, int timeout_ms)
{
	TimestampTz deadline;

	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_ms);
	while (conn->state->delivered + conn->state->failed < expected)
	{
		if (mesh_ms_left(deadline) <= 0)
			return false;
		rd_kafka_poll(conn->rk, MESH_SLICE(deadline));
		mesh_drain_client(conn);
		CHECK_FOR_INTERRUPTS();
	}
	return true;
}

/*
 * A record the brokers refused: say why in reason.  Refused by their
 * authorizer (ACLs), the idempotent producer fails at once, and for good
 * (librdkafka's fatal error, whose cause is the authorization failure):
 * the connection is rebuilt at its next use, so that a grant made later
 * takes effect without a new session.
 */
static MeshAckResult
refused(MeshConnection *conn, rd_kafka_resp_err_t err, const char *text,
		char *reason, size_t reasonlen)
{
	rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(conn->rk, reason, reasonlen);

	/* the record may fail as purged, or as fatal: the cause is the same */
	if (fatal != RD_KAFKA_RESP_ERR_NO_ERROR)
	{
		err = fatal;
		conn->invalidated = true;
	}
	else
		strlcpy(reason, text, reasonlen);
	mesh_redact_secrets(reason, &conn->opts);
	if (err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
		err == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED ||
		err == RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
		return MESH_NOT_AUTHORIZED;
	return MESH_NOT_WRITTEN;
}

/*
 * Produce one record to topic with the connection's own producer (the one
 * that writes catalog records: idempotent, acks=all) and wait up to
 * timeout_ms for its acknowledgement.  value NULL writes a tombstone.  A
 * topic just created may be unknown yet to the client, which then fails
 * the record without sending it: it is produced again after the client
 * asked for the topic's metadata.  MESH_NOT_WRITTEN and MESH_NOT_AUTHORIZED
 * put librdkafka's reason into reason[].
 */
MeshAckResult
mesh_produce_acked(MeshConnection *conn, const char *topic, const char *key,
				   const char *value, int timeout_ms, char *reason, size_t reasonlen)
{
	MeshClientState *state = conn->state;
	rd_kafka_resp_err_t err;
	uint64		expected;
	uint64		failed_before;
	TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_ms);

	for (;;)
	{
		expected = state->delivered + state->failed + 1;
		failed_before = state->failed;
		state->delivery_err = RD_KAFKA_RESP_ERR_NO_ERROR;
		state->first_error[0] = '\0';
		err = rd_kafka_producev(conn->rk,
								RD_KAFKA_V_TOPIC(topic),
								RD_KAFKA_V_KEY(key, strlen(key)),
								RD_KAFKA_V_VALUE((void *) value, value ? strlen(value) : 0),
								RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
								RD_KAFKA_V_END);
		if (not_sent_yet(err) && mesh_ms_left(deadline) > MESH_WAIT_SLICE_MS)
		{
			refresh_topic(conn, topic);
			continue;
		}
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
			return refused(conn, err, rd_kafka_err2str(err), reason, reasonlen);
		if (!mesh_wait_deliveries(conn, expected, (int) Max(mesh_ms_left(deadline), 1)))
			return MESH_NOT_ACKED;
		if (state->failed > failed_before && not_sent_yet(state->delivery_err) &&
			mesh_ms_left(deadline) > MESH_WAIT_SLICE_MS)
		{
			refresh_topic(conn, topic);
			continue;
		}
		break;
	}
	if (state->failed > failed_before)
		return refused(conn, state->delivery_err, state->delivery_error, reason, reasonlen);
	return MESH_ACKED;
}
