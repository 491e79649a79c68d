/*-------------------------------------------------------------------------
 *
 * client.c
 *		  Per-backend cache of Kafka clients, one set per (server, user
 *		  mapping), modelled on postgres_fdw's connection cache, with the
 *		  transaction callbacks that end the Kafka transactions.
 *
 * A connection is built on first use and kept for the life of the backend;
 * a change to the server's or the user mapping's options marks it invalid
 * (syscache callback) and it is rebuilt at its next use.
 *
 * librdkafka runs threads inside the backend.  They must never run
 * PostgreSQL code: they are created with every signal blocked (so that
 * PostgreSQL's handlers run only on the main thread), their log lines are
 * queued (log.queue) and drained here by the backend, and the callbacks we
 * register run only from rd_kafka_poll() on the backend's own thread and
 * only record what happened, in malloc'd memory, without ever throwing.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <pthread.h>
#include <signal.h>

#include "kafka/internal.h"

#include "access/xact.h"
#include "catalog/pg_user_mapping.h"
#include "core/options.h"
#include "miscadmin.h"
#include "utils/timestamp.h"
#include "storage/ipc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

typedef struct ConnCacheKey
{
	Oid			serverid;
	Oid			umid;
} ConnCacheKey;

typedef struct ConnCacheEntry
{
	ConnCacheKey key;
	MeshConnection conn;
} ConnCacheEntry;

static HTAB *ConnectionHash = NULL;

static void mesh_inval_callback(Datum arg, int cacheid, uint32 hashvalue);
static void mesh_release_all(int code, Datum arg);
static void mesh_xact_callback(XactEvent event, void *arg);
static void mesh_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								  SubTransactionId parentSubid, void *arg);

/* ------------------------------------------------------------------------
 * Callbacks run by librdkafka.  Both run on the backend's thread, from
 * rd_kafka_poll(); they only copy text into fixed buffers.
 * ------------------------------------------------------------------------
 */
static void
mesh_error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	MeshClientState *state = (MeshClientState *) opaque;

	state->last_err = err;
	strlcpy(state->last_error, reason, sizeof(state->last_error));
	/* "all brokers down" follows the error that says why; keep the why */
	if (state->first_error[0] == '\0' && err != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
		strlcpy(state->first_error, reason, sizeof(state->first_error));
	if (err == RD_KAFKA_RESP_ERR__FATAL)
		state->fatal = true;
}

/* Remember the last offset written per partition (transactional producers). */
static void
note_written(MeshWritten *written, const rd_kafka_message_t *msg)
{
	const char *topic = rd_kafka_topic_name(msg->rkt);
	int			i;

	for (i = 0; i < written->n; i++)
		if (written->parts[i].partition == msg->partition &&
			strcmp(written->parts[i].topic, topic) == 0)
		{
			if (msg->offset > written->parts[i].offset)
				written->parts[i].offset = msg->offset;
			return;
		}
	if (written->n == MESH_MAX_WRITTEN || strlen(topic) >= sizeof(written->parts[0].topic))
	{
		written->overflow = true;
		return;
	}
	strlcpy(written->parts[written->n].topic, topic, sizeof(written->parts[0].topic));
	written->parts[written->n].partition = msg->partition;
	written->parts[written->n].offset = msg->offset;
	written->n++;
}

static void
mesh_delivery_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
	MeshClientState *state = (MeshClientState *) opaque;

	if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR)
	{
		state->delivered++;
		if (state->written)
			note_written(state->written, msg);
	}
	else
	{
		if (state->delivery_err == RD_KAFKA_RESP_ERR_NO_ERROR)
		{
			state->delivery_err = msg->err;
			strlcpy(state->delivery_error, rd_kafka_err2str(msg->err),
					sizeof(state->delivery_error));
		}
		state->failed++;
		/* sent, but no answer came: the broker may have written it */
		if (rd_kafka_message_status(msg) == RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED)
			state->failed_maybe_written++;
	}
}

/*
 * How long a produced message may wait for its acknowledgement.  Not less
 * than 30 s even when connect_timeout_ms is shorter: a leader that dies is
 * replaced only after the controller's session timeout, and librdkafka
 * 2.0.2's idempotent producer, when a message times out in flight, starts
 * a new epoch and may write the messages behind it twice.
 */
int
mesh_delivery_timeout_ms(MeshConnection *conn)
{
	return Max(conn->opts.connect_timeout_ms, 30000);
}

/*
 * Forward the log lines librdkafka queued to the server log.  Its errors
 * become LOG entries (they are about the cluster, not the query; the query
 * gets its own ERROR), the rest DEBUG2.
 */
void
mesh_drain_log_queue(MeshConnection *conn, rd_kafka_queue_t *logq, MeshClientState *state)
{
	rd_kafka_event_t *ev;

	if (logq == NULL)
		return;
	while ((ev = rd_kafka_queue_poll(logq, 0)) != NULL)
	{
		const char *fac = NULL;
		const char *str = NULL;
		int			level = 7;
		char		fac_copy[64];
		char		line[1024];

		fac_copy[0] = line[0] = '\0';
		if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_LOG &&
			rd_kafka_event_log(ev, &fac, &str, &level) == 0)
		{
			strlcpy(fac_copy, fac ? fac : "", sizeof(fac_copy));
			strlcpy(line, str ? str : "", sizeof(line));
		}
		rd_kafka_event_destroy(ev);
		if (line[0] == '\0')
			continue;
		mesh_redact_secrets(line, &conn->opts);
		/*
		 * Why a broker could not be reached: librdkafka 2.12 reports a
		 * failed connection only here, and "all brokers are down" to the
		 * error callback; it then waits up to reconnect.backoff.max.ms
		 * before it tries again, so a request may see no new reason.
		 */
		if (state && strcmp(fac_copy, "FAIL") == 0)
		{
			const char *why = strstr(line, "]: ");

			strlcpy(state->broker_error, why ? why + 3 : line, sizeof(state->broker_error));
		}
		elog(level <= 3 ? LOG : DEBUG2,
			 "mesh_fdw: server \"%s\": librdkafka %s: %s",
			 conn->opts.servername, fac_copy, line);
	}
}

void
mesh_drain_client(MeshConnection *conn)
{
	ListCell   *lc;

	mesh_drain_log_queue(conn, conn->logq, conn->state);
	foreach(lc, conn->consumers)
		mesh_drain_log_queue(conn, ((MeshPooledConsumer *) lfirst(lc))->logq,
						((MeshPooledConsumer *) lfirst(lc))->state);
}

/*
 * Set a property on a librdkafka configuration we are building, or fail
 * with an ERROR that does not echo secret values.
 */
static void
conf_set(rd_kafka_conf_t *conf, const char *name, const char *value,
		 const MeshServerOptions *opts)
{
	char		errstr[512];

	if (rd_kafka_conf_set(conf, name, value, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)
	{
		rd_kafka_conf_destroy(conf);
		mesh_redact_secrets(errstr, opts);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid librdkafka property \"%s\" for server \"%s\"",
						name, opts->servername),
				 mesh_option_is_secret(name) ? 0 : errdetail_internal("%s", errstr)));
	}
}

/*
 * Build a librdkafka client for a connection.  extra is a NULL-terminated
 * array of name/value pairs mesh_fdw needs for this kind of client; the
 * user's kafka.* options come after them, the server's before the
 * mapping's, and are checked again against the roles that set them.
 */
rd_kafka_t *
mesh_new_client(MeshConnection *conn, rd_kafka_type_t type,
				const char *const *extra, MeshClientState *state,
				rd_kafka_queue_t **logq)
{
	const MeshServerOptions *opts = &conn->opts;
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;
	char		errstr[512];
	char		timeout[32];
	sigset_t	all_signals;
	sigset_t	old_signals;
	ListCell   *lc;

	/* recheck kafka.* options: roles may have changed since CREATE */
	foreach(lc, opts->server_kafka_props)
		mesh_check_kafka_property(((DefElem *) lfirst(lc))->defname, NULL,
								  opts->server_owner, false, false);
	foreach(lc, opts->mapping_kafka_props)
		mesh_check_kafka_property(((DefElem *) lfirst(lc))->defname, NULL,
								  OidIsValid(opts->mapping_user) ?
								  opts->mapping_user : opts->server_owner,
								  true, false);

	conf = rd_kafka_conf_new();
	conf_set(conf, "bootstrap.servers", opts->brokers, opts);
	conf_set(conf, "client.id", "mesh_fdw", opts);
	conf_set(conf, "allow.auto.create.topics", "false", opts);
	conf_set(conf, "log.queue", "true", opts);
	snprintf(timeout, sizeof(timeout), "%d", Max(opts->connect_timeout_ms, 1000));
	conf_set(conf, "socket.connection.setup.timeout.ms", timeout, opts);

	/*
	 * A cached client whose brokers were down backs off up to 10 s between
	 * connection attempts by default: the first query after the brokers
	 * came back would fail its connect_timeout_ms.  Try again at least
	 * three times within it.
	 */
	snprintf(timeout, sizeof(timeout), "%d",
			 Max(100, Min(1000, opts->connect_timeout_ms / 3)));
	conf_set(conf, "reconnect.backoff.max.ms", timeout, opts);
	for (; extra && extra[0]; extra += 2)
		conf_set(conf, extra[0], extra[1], opts);
	foreach(lc, opts->server_kafka_props)
		conf_set(conf, ((DefElem *) lfirst(lc))->defname,
				 strVal(((DefElem *) lfirst(lc))->arg), opts);
	foreach(lc, opts->mapping_kafka_props)
		conf_set(conf, ((DefElem *) lfirst(lc))->defname,
				 strVal(((DefElem *) lfirst(lc))->arg), opts);

	rd_kafka_conf_set_error_cb(conf, mesh_error_cb);
	if (type == RD_KAFKA_PRODUCER)
		rd_kafka_conf_set_dr_msg_cb(conf, mesh_delivery_cb);
	memset(state, 0, sizeof(*state));
	rd_kafka_conf_set_opaque(conf, state);

	/* librdkafka's threads inherit this mask: keep our signals off them */
	sigfillset(&all_signals);
	pthread_sigmask(SIG_BLOCK, &all_signals, &old_signals);
	rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
	pthread_sigmask(SIG_SETMASK, &old_signals, NULL);

	if (rk == NULL)
	{
		rd_kafka_conf_destroy(conf);
		mesh_redact_secrets(errstr, opts);
		ereport(ERROR,
				(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
				 errmsg("could not create a Kafka client for server \"%s\"",
						opts->servername),
				 errdetail_internal("%s", errstr)));
	}
	*logq = rd_kafka_queue_new(rk);
	rd_kafka_set_log_queue(rk, *logq);
	return rk;
}

void
mesh_destroy_client(rd_kafka_t **rk, rd_kafka_queue_t **logq)
{
	if (*logq)
		rd_kafka_queue_destroy(*logq);
	if (*rk)
		rd_kafka_destroy_flags(*rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
	*rk = NULL;
	*logq = NULL;
}

/* Close a connection's clients and forget its cached catalog. */
static void
mesh_disconnect(MeshConnection *conn)
{
	mesh_drain_client(conn);
	mesh_destroy_consumers(conn);
	mesh_producer_destroy(conn->producer);
	mesh_producer_destroy(conn->txn_producer);
	conn->producer = conn->txn_producer = NULL;
	mesh_destroy_client(&conn->rk, &conn->logq);
	conn->catalog = NULL;		/* lived in conn->cxt */
	conn->estimates = NIL;
	MemoryContextReset(conn->cxt);
}

static bool
client_failed_fatally(rd_kafka_t *rk)
{
	char		errstr[256];

	return rd_kafka_fatal_error(rk, errstr, sizeof(errstr)) != RD_KAFKA_RESP_ERR_NO_ERROR;
}

/*
 * The user mapping that applies to userid on serverid (its own, else
 * PUBLIC's), or NULL: a mapping is needed only for credentials.
 */
UserMapping *
mesh_find_user_mapping(Oid userid, Oid serverid)
{
	HeapTuple	tp;

	tp = SearchSysCache2(USERMAPPINGUSERSERVER, ObjectIdGetDatum(userid),
						 ObjectIdGetDatum(serverid));
	if (!HeapTupleIsValid(tp))
		tp = SearchSysCache2(USERMAPPINGUSERSERVER, ObjectIdGetDatum(InvalidOid),
							 ObjectIdGetDatum(serverid));
	if (!HeapTupleIsValid(tp))
		return NULL;
	ReleaseSysCache(tp);
	return GetUserMapping(userid, serverid);
}

/*
 * Get the cached client for a server and user mapping (NULL: none),
 * building it if needed.  Building only configures it: librdkafka
 * connects in the background, and the first request waits for that.
 */
MeshConnection *
mesh_get_connection(ForeignServer *server, UserMapping *user)
{
	ConnCacheKey key;
	ConnCacheEntry *entry;
	bool		found;
	MeshConnection *conn;

	if (ConnectionHash == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(ConnCacheKey);
		ctl.entrysize = sizeof(ConnCacheEntry);
		ConnectionHash = hash_create("mesh_fdw connections", 8, &ctl,
									 HASH_ELEM | HASH_BLOBS);
		CacheRegisterSyscacheCallback(FOREIGNSERVEROID, mesh_inval_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(USERMAPPINGOID, mesh_inval_callback, (Datum) 0);
		RegisterXactCallback(mesh_xact_callback, NULL);
		RegisterSubXactCallback(mesh_subxact_callback, NULL);
		on_proc_exit(mesh_release_all, (Datum) 0);
	}

	key.serverid = server->serverid;
	key.umid = user ? user->umid : InvalidOid;
	entry = hash_search(ConnectionHash, &key, HASH_ENTER, &found);
	conn = &entry->conn;
	if (!found)
	{
		memset(conn, 0, sizeof(*conn));
		conn->serverid = key.serverid;
		conn->umid = key.umid;
		conn->cxt = AllocSetContextCreate(TopMemoryContext, "mesh_fdw connection",
										  ALLOCSET_DEFAULT_SIZES);
		conn->state = calloc(1, sizeof(MeshClientState));
		if (conn->state == NULL)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	}

	/*
	 * Rebuilt: after a change of options, and after a fatal error of the
	 * idempotent producer (an ACL refused it a producer id), which leaves
	 * the client unable to produce: a grant made since takes effect.
	 */
	if (conn->rk != NULL &&
		(conn->invalidated || client_failed_fatally(conn->rk)))
		mesh_disconnect(conn);

	if (conn->rk == NULL)
	{
		MemoryContext oldcxt;
		char		timeout[32];
		const char *producer_props[] = {
			/* this client publishes catalog records: never twice, all ISR */
			"enable.idempotence", "true",
			"acks", "all",
			"message.timeout.ms", timeout,
			NULL
		};

		MemoryContextReset(conn->cxt);
		oldcxt = MemoryContextSwitchTo(conn->cxt);
		mesh_get_server_options(server, user, &conn->opts);
		MemoryContextSwitchTo(oldcxt);

		conn->invalidated = false;
		conn->server_hashvalue =
			GetSysCacheHashValue1(FOREIGNSERVEROID, ObjectIdGetDatum(server->serverid));
		conn->mapping_hashvalue =
			GetSysCacheHashValue1(USERMAPPINGOID, ObjectIdGetDatum(key.umid));
		snprintf(timeout, sizeof(timeout), "%d", Max(conn->opts.connect_timeout_ms, 5000));
		conn->rk = mesh_new_client(conn, RD_KAFKA_PRODUCER, producer_props,
								   conn->state, &conn->logq);
	}
	return conn;
}

MeshClientState *
mesh_client_state(MeshConnection *conn, rd_kafka_t *rk)
{
	ListCell   *lc;

	if (rk == conn->rk)
		return conn->state;
	foreach(lc, conn->consumers)
		if (((MeshPooledConsumer *) lfirst(lc))->rk == rk)
			return ((MeshPooledConsumer *) lfirst(lc))->state;
	return conn->state;
}

/*
 * Mark the clients whose server or user mapping changed; they are rebuilt
 * at their next use (never here: this may run at any catalog access).
 */
static void
mesh_inval_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	HASH_SEQ_STATUS scan;
	ConnCacheEntry *entry;

	hash_seq_init(&scan, ConnectionHash);
	while ((entry = (ConnCacheEntry *) hash_seq_search(&scan)) != NULL)
	{
		if (hashvalue == 0 ||
			(cacheid == FOREIGNSERVEROID && entry->conn.server_hashvalue == hashvalue) ||
			(cacheid == USERMAPPINGOID && entry->conn.mapping_hashvalue == hashvalue))
			entry->conn.invalidated = true;
	}
}

static void
mesh_release_all(int code, Datum arg)
{
	HASH_SEQ_STATUS scan;
	ConnCacheEntry *entry;

	hash_seq_init(&scan, ConnectionHash);
	while ((entry = (ConnCacheEntry *) hash_seq_search(&scan)) != NULL)
	{
		mesh_destroy_consumers(&entry->conn);
		/* aborts an open Kafka transaction of a terminated backend */
		mesh_producer_destroy(entry->conn.txn_producer);
		mesh_producer_destroy(entry->conn.producer);
		mesh_destroy_client(&entry->conn.rk, &entry->conn.logq);
	}
}

/* Milliseconds left until deadline (0 when passed). */
long
mesh_ms_left(TimestampTz deadline)
{
	return TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
}

/*
 * Report that a request to the cluster of a connection failed or got no
 * answer in time, at elevel (ERROR, or WARNING when a view goes on with
 * other servers), with the first error librdkafka reported since.
 */
void
mesh_report_kafka_error(MeshConnection *conn, MeshClientState *state,
						const char *what, int elevel)
{
	char		reason[512];
	char	   *cut;

	strlcpy(reason, state->first_error[0] ? state->first_error :
			state->broker_error[0] ? state->broker_error : state->last_error,
			sizeof(reason));
	/* librdkafka appends timings that would make the message vary */
	if ((cut = strstr(reason, " (after ")) != NULL)
		*cut = '\0';
	mesh_redact_secrets(reason, &conn->opts);

	ereport(elevel,
			(errcode(ERRCODE_CONNECTION_FAILURE),
			 errmsg("could not reach Kafka for server \"%s\"", conn->opts.servername),
			 reason[0]
			 ? errdetail("No broker of \"%s\" answered %s within %d ms. Last error: %s.",
						 conn->opts.brokers, what, conn->opts.connect_timeout_ms, reason)
			 : errdetail("No broker of \"%s\" answered %s within %d ms.",
						 conn->opts.brokers, what, conn->opts.connect_timeout_ms),
			 errhint("Check that the brokers are running and reachable from the database server, or raise the server option \"connect_timeout_ms\".")));
}


/* ------------------------------------------------------------------------
 * Transactions
 *
 * As postgres_fdw's connection cache does for its remote transactions,
 * the callbacks here end the Kafka transactions of the connections whose
 * transactional producer joined the PostgreSQL transaction: commit in the
 * pre-commit phase (a failed Kafka commit still aborts PostgreSQL's),
 * abort on abort.  Kafka cannot take messages back, so a subtransaction
 * that produced and rolled back makes COMMIT fail; PREPARE is refused.
 * ------------------------------------------------------------------------
 */

/* Connections whose transactional producer is in a Kafka transaction. */
static List *txn_connections = NIL;

/* Produced-message count at the start of each open subtransaction. */
typedef struct SubxactMark
{
	SubTransactionId subid;
	uint64		produced;
} SubxactMark;

static List *subxact_marks = NIL;	/* in TopTransactionContext */

/* conn's transactional producer began a Kafka transaction. */
void
mesh_connection_in_transaction(MeshConnection *conn)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(TopMemoryContext);

	txn_connections = lappend(txn_connections, conn);
	MemoryContextSwitchTo(oldcxt);
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
					mesh_producer_commit(conn, conn->txn_producer);
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
					mesh_producer_abort(conn, conn->txn_producer);
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

/* The client for a server as the current user sees it. */
void
mesh_connection_discard(MeshConnection *conn)
{
	if (conn->rk != NULL)
		mesh_disconnect(conn);
}

MeshConnection *
mesh_connection_for(ForeignServer *server)
{
	return mesh_get_connection(server,
							   mesh_find_user_mapping(GetUserId(), server->serverid));
}

const MeshServerOptions *
mesh_connection_options(MeshConnection *conn)
{
	return &conn->opts;
}

MemoryContext
mesh_connection_memory(MeshConnection *conn)
{
	return conn->cxt;
}

void *
mesh_connection_catalog(MeshConnection *conn)
{
	return conn->catalog;
}

void
mesh_connection_set_catalog(MeshConnection *conn, void *catalog)
{
	conn->catalog = catalog;
}
