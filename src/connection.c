/*-------------------------------------------------------------------------
 *
 * connection.c
 *		  Per-backend cache of Kafka clients, one per (server, user mapping),
 *		  modelled on postgres_fdw's connection cache.
 *
 * A client is built on first use and kept for the life of the backend; a
 * change to the server's or the user mapping's options marks it invalid
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
#include "mesh_fdw.h"

#include <pthread.h>
#include <signal.h>

#include "access/xact.h"
#include "catalog/pg_user_mapping.h"
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

/*
 * Wait on a blocking librdkafka call in slices of MESH_WAIT_SLICE_MS, so
 * that a cancel is honoured at once; the call is repeated each slice.
 */
#define SLICE(deadline) ((int) Max(1, Min(mesh_ms_left(deadline), MESH_WAIT_SLICE_MS)))


static void mesh_inval_callback(Datum arg, int cacheid, uint32 hashvalue);
static void mesh_release_all(int code, Datum arg);

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
 * Replace every credential of opts that occurs in text by "********", in
 * place; librdkafka's messages may echo configuration values.
 */
void
mesh_redact_secrets(char *text, const MeshServerOptions *opts)
{
	List	   *secrets = NIL;
	ListCell   *lc;
	List	   *lists[2];
	int			i;

	if (opts == NULL)
		return;
	lists[0] = opts->server_kafka_props;
	lists[1] = opts->mapping_kafka_props;
	for (i = 0; i < 2; i++)
		foreach(lc, lists[i])
		{
			DefElem    *def = (DefElem *) lfirst(lc);

			if (mesh_option_is_secret(def->defname))
				secrets = lappend(secrets, strVal(def->arg));
		}
	if (opts->registry_password)
		secrets = lappend(secrets, opts->registry_password);

	foreach(lc, secrets)
	{
		const char *secret = (const char *) lfirst(lc);
		size_t		len = strlen(secret);
		char	   *from = text;
		char	   *hit;

		if (len == 0)
			continue;
		/* same length, so the text never grows */
		while ((hit = strstr(from, secret)) != NULL)
		{
			memset(hit, '*', len);
			from = hit + len;
		}
	}
	list_free(secrets);
}

/*
 * Forward the log lines librdkafka queued to the server log.  Its errors
 * become LOG entries (they are about the cluster, not the query; the query
 * gets its own ERROR), the rest DEBUG2.
 */
static void
drain_log_queue(MeshConnection *conn, rd_kafka_queue_t *logq, MeshClientState *state)
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

	drain_log_queue(conn, conn->logq, conn->state);
	drain_log_queue(conn, conn->consumer_logq, conn->consumer_state);
	foreach(lc, conn->consumers)
		drain_log_queue(conn, ((MeshPooledConsumer *) lfirst(lc))->logq,
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
				 mesh_option_is_secret(name) ? 0 : errdetail("%s", errstr)));
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
				 errdetail("%s", errstr)));
	}
	*logq = rd_kafka_queue_new(rk);
	rd_kafka_set_log_queue(rk, *logq);
	return rk;
}

static void
destroy_client(rd_kafka_t **rk, rd_kafka_queue_t **logq)
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
	ListCell   *lc;

	mesh_drain_client(conn);
	foreach(lc, conn->consumers)
	{
		MeshPooledConsumer *pc = lfirst(lc);

		destroy_client(&pc->rk, &pc->logq);
		free(pc->state);
	}
	list_free_deep(conn->consumers);
	conn->consumers = NIL;
	mesh_producer_destroy(conn->producer);
	mesh_producer_destroy(conn->txn_producer);
	conn->producer = conn->txn_producer = NULL;
	destroy_client(&conn->consumer, &conn->consumer_logq);
	destroy_client(&conn->rk, &conn->logq);
	conn->catalog = NULL;		/* lived in conn->cxt */
	conn->estimates = NIL;
	MemoryContextReset(conn->cxt);
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
		conn->consumer_state = calloc(1, sizeof(MeshClientState));
		if (conn->state == NULL || conn->consumer_state == NULL)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	}

	if (conn->rk != NULL && conn->invalidated)
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

/*
 * The connection's consumer for the catalog topic, built on first use.
 * It never joins its group nor commits: it is assigned partitions and
 * offsets.
 */
rd_kafka_t *
mesh_get_catalog_consumer(MeshConnection *conn)
{
	static const char *const consumer_props[] = {
		/* librdkafka 2.0 wants a group for assign(); it is never joined */
		"group.id", "mesh_fdw",
		"enable.partition.eof", "true",
		"enable.auto.commit", "false",
		"enable.auto.offset.store", "false",
		"isolation.level", "read_committed",
		/* compaction may remove the offset we stopped at: start over */
		"auto.offset.reset", "earliest",
		/* catalog records are small; keep the prefetch queue small too */
		"queued.max.messages.kbytes", "4096",
		"fetch.wait.max.ms", "50",
		NULL
	};

	if (conn->consumer == NULL)
		conn->consumer = mesh_new_client(conn, RD_KAFKA_CONSUMER, consumer_props,
										 conn->consumer_state,
										 &conn->consumer_logq);
	return conn->consumer;
}

/*
 * A consumer for a scan, from the connection's pool of idle ones or new.
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
		"queued.max.messages.kbytes", CppAsString2(MESH_SCAN_QUEUE_KB),
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
		"queued.min.messages", CppAsString2(MESH_SCAN_QUEUE_MESSAGES),
		/*
		 * A scan reads up to offsets it already knows, so it never wants
		 * the broker to hold a fetch waiting for new messages.  A fetch
		 * the broker holds at the end of a partition stays in flight
		 * after the scan ends and delays the next scan's first fetch by
		 * that long (the client sends one fetch per broker at a time):
		 * 100 ms made every short query cost 100 ms.  Partitions the scan
		 * is done with are paused, so this rarely sends a fetch at all.
		 */
		"fetch.wait.max.ms", "2",
#if MESH_RDKAFKA_HAS_FETCH_QUEUE_BACKOFF
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
			drain_log_queue(conn, pc->logq, pc->state);
			pc->in_use = false;
		}
	}
}

/* The client state of one of conn's clients. */
static MeshClientState *
state_of(MeshConnection *conn, rd_kafka_t *rk)
{
	ListCell   *lc;

	if (rk == conn->rk)
		return conn->state;
	if (rk == conn->consumer)
		return conn->consumer_state;
	foreach(lc, conn->consumers)
		if (((MeshPooledConsumer *) lfirst(lc))->rk == rk)
			return ((MeshPooledConsumer *) lfirst(lc))->state;
	return conn->state;
}

/*
 * Offsets requests that failed this way are asked again until the
 * deadline: no answer yet, or a partition whose leader moved or is not
 * ready (a broker restarted).  __UNKNOWN_PARTITION: the client's metadata
 * predates partitions the caller knows of (added since).
 */
static bool
offsets_error_is_retriable(rd_kafka_resp_err_t err)
{
	switch (err)
	{
		case RD_KAFKA_RESP_ERR__TIMED_OUT:
		case RD_KAFKA_RESP_ERR__TRANSPORT:
		case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
		case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
		case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
		case RD_KAFKA_RESP_ERR_REPLICA_NOT_AVAILABLE:
		case RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR:
		case RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH:
		case RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH:
		case RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE:
			return true;
		default:
			return false;
	}
}

/*
 * Before asking again after a partition error: have rk's metadata cache
 * learn the topic's partitions and leaders as they are now (librdkafka
 * would only refresh it in the background), and pause a little.
 */
static void
refresh_before_retry(rd_kafka_t *rk, const char *topic, rd_kafka_resp_err_t err,
					 TimestampTz deadline)
{
	rd_kafka_topic_t *rkt;
	const rd_kafka_metadata_t *md = NULL;

	if (err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT)
		return;
	rkt = rd_kafka_topic_new(rk, topic, NULL);
	if (rkt == NULL)
		return;
	if (rd_kafka_metadata(rk, 0, rkt, &md, SLICE(deadline)) == RD_KAFKA_RESP_ERR_NO_ERROR)
		rd_kafka_metadata_destroy(md);
	rd_kafka_topic_destroy(rkt);
	pg_usleep(Min(mesh_ms_left(deadline), 100) * 1000L);
}

/*
 * The offsets of partitions [first, first + count) of topic for the
 * "times" in request[], into answer[] (both indexed by partition).
 */
static rd_kafka_resp_err_t
offsets_request(rd_kafka_t *rk, const char *topic, int first, int count,
				const int64 *request, int64 *answer, bool *seen, int timeout_ms)
{
	rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(count);
	rd_kafka_resp_err_t err;
	int			p;
	int			i;

	for (p = first; p < first + count; p++)
		rd_kafka_topic_partition_list_add(parts, topic, p)->offset = request[p];
	err = rd_kafka_offsets_for_times(rk, parts, timeout_ms);
	for (i = 0; i < parts->cnt && err == RD_KAFKA_RESP_ERR_NO_ERROR; i++)
	{
		rd_kafka_topic_partition_t *tp = &parts->elems[i];

		if (tp->err)
			err = tp->err;
		else if (tp->partition >= first && tp->partition < first + count)
		{
			answer[tp->partition] = tp->offset;
			seen[tp->partition] = true;
		}
	}
	for (p = first; p < first + count && err == RD_KAFKA_RESP_ERR_NO_ERROR; p++)
		if (!seen[p])
			err = RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION;
	rd_kafka_topic_partition_list_destroy(parts);
	return err;
}

/*
 * Each partition 0..n-1 of topic's offset for the "time" in offsets[p] on
 * entry (a timestamp in ms, or -2 for the beginning, -1 for the end, which
 * for a read_committed client is the last stable offset).  One request per
 * OFFSETS_CHUNK partitions: librdkafka matches answers to partitions by
 * linear search, so 1,000 partitions in one request cost 8 ms of CPU, in
 * chunks of 128 less than half of that with the round trips.
 */
#define OFFSETS_CHUNK 128

static bool
list_offsets(MeshConnection *conn, rd_kafka_t *rk, const char *topic, int n,
			 int64 *offsets, int elevel)
{
	TimestampTz deadline;
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
	MeshClientState *state = state_of(conn, rk);
	int64	   *answer = palloc(sizeof(int64) * Max(n, 1));
	bool	   *seen = palloc(sizeof(bool) * Max(n, 1));

	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
										   conn->opts.connect_timeout_ms);
	state->first_error[0] = '\0';
	for (;;)
	{
		int			first;

		/* offsets[] stays the request until every partition has an answer */
		memset(seen, 0, sizeof(bool) * Max(n, 1));
		err = RD_KAFKA_RESP_ERR_NO_ERROR;
		for (first = 0; first < n && err == RD_KAFKA_RESP_ERR_NO_ERROR; first += OFFSETS_CHUNK)
			err = offsets_request(rk, topic, first, Min(OFFSETS_CHUNK, n - first),
								  offsets, answer, seen, SLICE(deadline));
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
		{
			memcpy(offsets, answer, sizeof(int64) * n);
			pfree(answer);
			pfree(seen);
			return true;
		}
		if (!offsets_error_is_retriable(err) || mesh_ms_left(deadline) <= 0)
			break;
		CHECK_FOR_INTERRUPTS();
		mesh_drain_client(conn);
		refresh_before_retry(rk, topic, err, deadline);
	}
	mesh_drain_client(conn);
	if (err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT)
		mesh_report_kafka_error(conn, state, "an offsets request", elevel);
	else
		ereport(elevel,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not read the offsets of topic \"%s\" on server \"%s\"",
						topic, conn->opts.servername),
				 errdetail("%s", rd_kafka_err2str(err))));
	return false;
}

/* Low and high (last stable) offsets of partitions 0..n-1 of topic. */
bool
mesh_query_offsets(MeshConnection *conn, rd_kafka_t *rk, const char *topic,
				   int n, int64 *low, int64 *high, int elevel)
{
	int			p;

	for (p = 0; p < n; p++)
	{
		low[p] = RD_KAFKA_OFFSET_BEGINNING;
		high[p] = RD_KAFKA_OFFSET_END;
	}
	return list_offsets(conn, rk, topic, n, low, elevel) &&
		list_offsets(conn, rk, topic, n, high, elevel);
}

/*
 * For each partition, the first offset whose message timestamp is at
 * least timestamp_ms (-1 where there is none: read nothing there).
 */
bool
mesh_offsets_for_time(MeshConnection *conn, rd_kafka_t *rk, const char *topic,
					  int n, int64 timestamp_ms, int64 *offsets)
{
	int			p;

	for (p = 0; p < n; p++)
		offsets[p] = timestamp_ms;
	return list_offsets(conn, rk, topic, n, offsets, ERROR);
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
		ListCell   *lc;

		foreach(lc, entry->conn.consumers)
			destroy_client(&((MeshPooledConsumer *) lfirst(lc))->rk,
						   &((MeshPooledConsumer *) lfirst(lc))->logq);
		/* aborts an open Kafka transaction of a terminated backend */
		mesh_producer_destroy(entry->conn.txn_producer);
		mesh_producer_destroy(entry->conn.producer);
		destroy_client(&entry->conn.consumer, &entry->conn.consumer_logq);
		destroy_client(&entry->conn.rk, &entry->conn.logq);
	}
}

typedef struct MeshTopicEstimate
{
	char	   *topic;
	double		messages;
	TimestampTz at;
} MeshTopicEstimate;

static MeshTopicEstimate *
find_estimate(MeshConnection *conn, const char *topic)
{
	ListCell   *lc;

	foreach(lc, conn->estimates)
		if (strcmp(((MeshTopicEstimate *) lfirst(lc))->topic, topic) == 0)
			return lfirst(lc);
	return NULL;
}

/* The messages topic held when last asked, if that was recent. */
bool
mesh_topic_estimate(MeshConnection *conn, const char *topic, double *messages)
{
	MeshTopicEstimate *e = find_estimate(conn, topic);

	if (e == NULL || TimestampDifferenceExceeds(e->at, GetCurrentTimestamp(),
												MESH_ESTIMATE_TTL_MS))
		return false;
	*messages = e->messages;
	return true;
}

void
mesh_topic_estimate_set(MeshConnection *conn, const char *topic, double messages)
{
	MeshTopicEstimate *e = find_estimate(conn, topic);

	if (e == NULL)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(conn->cxt);

		e = palloc(sizeof(MeshTopicEstimate));
		e->topic = pstrdup(topic);
		conn->estimates = lappend(conn->estimates, e);
		MemoryContextSwitchTo(oldcxt);
	}
	e->messages = messages;
	e->at = GetCurrentTimestamp();
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
			(errcode(ERRCODE_FDW_UNABLE_TO_ESTABLISH_CONNECTION),
			 errmsg("could not reach Kafka for server \"%s\"", conn->opts.servername),
			 reason[0]
			 ? errdetail("No broker of \"%s\" answered %s within %d ms. Last error: %s.",
						 conn->opts.brokers, what, conn->opts.connect_timeout_ms, reason)
			 : errdetail("No broker of \"%s\" answered %s within %d ms.",
						 conn->opts.brokers, what, conn->opts.connect_timeout_ms),
			 errhint("Check that the brokers are running and reachable from the database server, or raise the server option \"connect_timeout_ms\".")));
}


/*
 * Fetch cluster metadata, for one topic or (topic NULL) all of them.  Waits
 * at most connect_timeout_ms.  On failure reports at elevel and, if that
 * returns, gives NULL.  The caller owns the result
 * (rd_kafka_metadata_destroy) and must free it before anything can throw.
 */
const rd_kafka_metadata_t *
mesh_fetch_metadata(MeshConnection *conn, const char *topic, int elevel)
{
	const rd_kafka_metadata_t *md = NULL;
	rd_kafka_topic_t *rkt = NULL;
	rd_kafka_resp_err_t err;
	TimestampTz deadline;

	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
										   conn->opts.connect_timeout_ms);
	conn->state->first_error[0] = '\0';

	for (;;)
	{
		if (topic != NULL && rkt == NULL)
			rkt = rd_kafka_topic_new(conn->rk, topic, NULL);
		err = rd_kafka_metadata(conn->rk, topic == NULL, rkt, &md, SLICE(deadline));
		rd_kafka_poll(conn->rk, 0);
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
			break;
		if (err != RD_KAFKA_RESP_ERR__TIMED_OUT && err != RD_KAFKA_RESP_ERR__TRANSPORT)
		{
			strlcpy(conn->state->first_error, rd_kafka_err2str(err),
					sizeof(conn->state->first_error));
			break;
		}
		if (mesh_ms_left(deadline) <= 0)
			break;
		if (INTERRUPTS_PENDING_CONDITION())
		{
			if (rkt)
				rd_kafka_topic_destroy(rkt);
			rkt = NULL;
			CHECK_FOR_INTERRUPTS();
		}
		mesh_drain_client(conn);
	}
	if (rkt)
		rd_kafka_topic_destroy(rkt);
	mesh_drain_client(conn);

	if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
	{
		mesh_report_kafka_error(conn, conn->state, "a metadata request", elevel);
		return NULL;
	}
	return md;
}

/*
 * Low and high watermark of a partition as rk sees it; for a
 * read_committed consumer the high one is the last stable offset.
 */
bool
mesh_query_watermarks(MeshConnection *conn, rd_kafka_t *rk, const char *topic,
					  int32 partition, int64 *low, int64 *high, int elevel)
{
	TimestampTz deadline;
	rd_kafka_resp_err_t err;
	MeshClientState *state = rk == conn->rk ? conn->state : conn->consumer_state;

	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
										   conn->opts.connect_timeout_ms);
	state->first_error[0] = '\0';
	for (;;)
	{
		int64_t		lo,
					hi;

		err = rd_kafka_query_watermark_offsets(rk, topic, partition, &lo, &hi,
											   SLICE(deadline));
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
		{
			*low = lo;
			*high = hi;
			return true;
		}
		if (!offsets_error_is_retriable(err) || mesh_ms_left(deadline) <= 0)
			break;
		CHECK_FOR_INTERRUPTS();
		mesh_drain_client(conn);
		refresh_before_retry(rk, topic, err, deadline);
	}
	mesh_drain_client(conn);
	if (err != RD_KAFKA_RESP_ERR__TIMED_OUT && err != RD_KAFKA_RESP_ERR__TRANSPORT)
	{
		ereport(elevel,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not read the offsets of partition %d of topic \"%s\" on server \"%s\"",
						partition, topic, conn->opts.servername),
				 errdetail("%s", rd_kafka_err2str(err))));
		return false;
	}
	mesh_report_kafka_error(conn, state, "an offsets request", elevel);
	return false;
}

/*
 * Wait until the producer rk of conn has had a delivery report for every
 * message it was given (expected = delivered + failed counts to reach).
 * False when the wait timed out.  Honours cancels; the messages may still
 * be written after a cancel.
 */
bool
mesh_wait_deliveries(MeshConnection *conn, uint64 expected, int timeout_ms)
{
	TimestampTz deadline;

	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_ms);
	while (conn->state->delivered + conn->state->failed < expected)
	{
		if (mesh_ms_left(deadline) <= 0)
			return false;
		rd_kafka_poll(conn->rk, SLICE(deadline));
		mesh_drain_client(conn);
		CHECK_FOR_INTERRUPTS();
	}
	return true;
}
