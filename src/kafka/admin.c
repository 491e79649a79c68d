/*-------------------------------------------------------------------------
 *
 * admin.c
 *		  Topics, metadata and offsets: what a topic holds and where its
 *		  partitions start and end.
 *
 * Every request waits at most the server's connect_timeout_ms, in slices
 * that check for interrupts, and is asked again while its error is one a
 * broker restart or a moved leader explains.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "kafka/admin.h"

#include "kafka/client.h"
#include "kafka/internal.h"

#include "miscadmin.h"
#include "utils/timestamp.h"

/*
 * Does topic exist on the cluster?  Sets *partitions when it does.
 */
bool
mesh_topic_exists(MeshConnection *conn, const char *topic, int *partitions)
{
	const rd_kafka_metadata_t *md = mesh_fetch_metadata(conn, topic, ERROR);
	bool		exists = false;
	int			i;

	for (i = 0; i < md->topic_cnt; i++)
		if (strcmp(md->topics[i].topic, topic) == 0 &&
			md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
			md->topics[i].partition_cnt > 0)
		{
			exists = true;
			if (partitions)
				*partitions = md->topics[i].partition_cnt;
		}
	rd_kafka_metadata_destroy(md);
	return exists;
}

static int
broker_count(MeshConnection *conn)
{
	const rd_kafka_metadata_t *md = mesh_fetch_metadata(conn, NULL, ERROR);
	int			n = md->broker_cnt;

	rd_kafka_metadata_destroy(md);
	return n;
}

/* Options of an admin request that waits at most timeout_ms for its answer. */
rd_kafka_AdminOptions_t *
mesh_admin_options(MeshConnection *conn, rd_kafka_admin_op_t op, int timeout_ms)
{
	rd_kafka_AdminOptions_t *options = rd_kafka_AdminOptions_new(conn->rk, op);
	char		errstr[256];

	/* refused only for a timeout out of range, which options.c prevents */
	rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, errstr,
											  sizeof(errstr));
	return options;
}

/*
 * Wait for the next event of an admin request's queue until deadline, in
 * slices, giving up early when an interrupt is pending (the caller checks
 * for it); NULL when none came.  drain: also forward the client's logs.
 */
rd_kafka_event_t *
mesh_admin_wait(MeshConnection *conn, rd_kafka_queue_t *queue,
				TimestampTz deadline, bool drain)
{
	rd_kafka_event_t *ev = NULL;

	while (ev == NULL && mesh_ms_left(deadline) > 0 && !INTERRUPTS_PENDING_CONDITION())
	{
		ev = rd_kafka_queue_poll(queue, MESH_SLICE(deadline));
		if (drain)
			mesh_drain_client(conn);
	}
	return ev;
}

/*
 * End an admin request: free its queue and options (NULL when already
 * freed), take a pending interrupt, and, when it got no answer, report
 * what at elevel and return false.
 */
bool
mesh_admin_done(MeshConnection *conn, rd_kafka_queue_t *queue,
				rd_kafka_AdminOptions_t *options, bool answered,
				const char *what, int elevel)
{
	rd_kafka_queue_destroy(queue);
	if (options != NULL)
		rd_kafka_AdminOptions_destroy(options);
	CHECK_FOR_INTERRUPTS();
	if (!answered)
		mesh_report_kafka_error(conn, conn->state, what, elevel);
	return answered;
}

/*
 * Create topic unless it exists, with replication factor min(3, brokers);
 * compacted for the catalog.  Waits until the topic's leaders are known.
 */
void
mesh_ensure_topic(MeshConnection *conn, const char *topic, int partitions,
				  bool compacted)
{
	rd_kafka_NewTopic_t *newtopic;
	rd_kafka_AdminOptions_t *options;
	rd_kafka_queue_t *queue;
	rd_kafka_event_t *ev = NULL;
	char		errstr[512];
	int			rf;
	TimestampTz deadline;
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;

	if (mesh_topic_exists(conn, topic, NULL))
		return;

	rf = Min(3, Max(1, broker_count(conn)));
	newtopic = rd_kafka_NewTopic_new(topic, partitions, rf, errstr, sizeof(errstr));
	if (newtopic == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot create topic \"%s\" on server \"%s\"", topic,
						conn->opts.servername),
				 errdetail_internal("%s", errstr)));
	if (compacted)
		rd_kafka_NewTopic_set_config(newtopic, "cleanup.policy", "compact");

	options = mesh_admin_options(conn, RD_KAFKA_ADMIN_OP_CREATETOPICS,
								 conn->opts.connect_timeout_ms);
	rd_kafka_AdminOptions_set_operation_timeout(options, conn->opts.connect_timeout_ms,
												errstr, sizeof(errstr));
	queue = rd_kafka_queue_new(conn->rk);
	rd_kafka_CreateTopics(conn->rk, &newtopic, 1, options, queue);

	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
										   conn->opts.connect_timeout_ms + 1000);
	ev = mesh_admin_wait(conn, queue, deadline, true);
	if (ev != NULL)
	{
		const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
		size_t		cnt = 0;
		const rd_kafka_topic_result_t **results = NULL;

		err = rd_kafka_event_error(ev);
		strlcpy(errstr, rd_kafka_event_error_string(ev) ? rd_kafka_event_error_string(ev) : "",
				sizeof(errstr));
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR && res != NULL)
			results = rd_kafka_CreateTopics_result_topics(res, &cnt);
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR && cnt == 1)
		{
			err = rd_kafka_topic_result_error(results[0]);
			strlcpy(errstr, rd_kafka_topic_result_error_string(results[0]) ?
					rd_kafka_topic_result_error_string(results[0]) : rd_kafka_err2str(err),
					sizeof(errstr));
		}
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_NewTopic_destroy(newtopic);
	mesh_admin_done(conn, queue, options, ev != NULL, "a request to create a topic", ERROR);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not create topic \"%s\" on server \"%s\"", topic,
						conn->opts.servername),
				 errdetail_internal("%s", errstr)));

	/* the controller answered; wait until the brokers serve the topic */
	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
										   conn->opts.connect_timeout_ms);
	while (!mesh_topic_exists(conn, topic, NULL) && mesh_ms_left(deadline) > 0)
	{
		pg_usleep(50000);
		CHECK_FOR_INTERRUPTS();
	}
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

typedef struct MeshTopicEstimate
{
	char	   *topic;
	double		messages;
	TimestampTz at;
} MeshTopicEstimate;

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
 * An offsets request failed with err: may it be asked again?  When it may,
 * after a partition error, first have rk's metadata cache learn the
 * topic's partitions and leaders as they are now (librdkafka would only
 * refresh it in the background), and pause a little.
 */
static bool
offsets_retry(MeshConnection *conn, rd_kafka_t *rk, const char *topic,
			  rd_kafka_resp_err_t err, TimestampTz deadline)
{
	rd_kafka_topic_t *rkt;
	const rd_kafka_metadata_t *md = NULL;

	if (!offsets_error_is_retriable(err) || mesh_ms_left(deadline) <= 0)
		return false;
	CHECK_FOR_INTERRUPTS();
	mesh_drain_client(conn);
	if (err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT)
		return true;
	rkt = rd_kafka_topic_new(rk, topic, NULL);
	if (rkt == NULL)
		return true;
	if (rd_kafka_metadata(rk, 0, rkt, &md, MESH_SLICE(deadline)) == RD_KAFKA_RESP_ERR_NO_ERROR)
		rd_kafka_metadata_destroy(md);
	rd_kafka_topic_destroy(rkt);
	pg_usleep(Min(mesh_ms_left(deadline), 100) * 1000L);
	return true;
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

static bool
list_offsets(MeshConnection *conn, rd_kafka_t *rk, const char *topic, int n,
			 int64 *offsets, int elevel)
{
	TimestampTz deadline;
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
	MeshClientState *state = mesh_client_state(conn, rk);
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
								  offsets, answer, seen, MESH_SLICE(deadline));
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
		{
			memcpy(offsets, answer, sizeof(int64) * n);
			pfree(answer);
			pfree(seen);
			return true;
		}
		if (!offsets_retry(conn, rk, topic, err, deadline))
			break;
	}
	mesh_drain_client(conn);
	if (err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT)
		mesh_report_kafka_error(conn, state, "an offsets request", elevel);
	else
		ereport(elevel,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not read the offsets of topic \"%s\" on server \"%s\"",
						topic, conn->opts.servername),
				 errdetail_internal("%s", rd_kafka_err2str(err))));
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
		err = rd_kafka_metadata(conn->rk, topic == NULL, rkt, &md, MESH_SLICE(deadline));
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
	MeshClientState *state = mesh_client_state(conn, rk);

	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
										   conn->opts.connect_timeout_ms);
	state->first_error[0] = '\0';
	for (;;)
	{
		int64_t		lo,
					hi;

		err = rd_kafka_query_watermark_offsets(rk, topic, partition, &lo, &hi,
											   MESH_SLICE(deadline));
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
		{
			*low = lo;
			*high = hi;
			return true;
		}
		if (!offsets_retry(conn, rk, topic, err, deadline))
			break;
	}
	mesh_drain_client(conn);
	if (err != RD_KAFKA_RESP_ERR__TIMED_OUT && err != RD_KAFKA_RESP_ERR__TRANSPORT)
	{
		ereport(elevel,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not read the offsets of partition %d of topic \"%s\" on server \"%s\"",
						partition, topic, conn->opts.servername),
				 errdetail_internal("%s", rd_kafka_err2str(err))));
		return false;
	}
	mesh_report_kafka_error(conn, state, "an offsets request", elevel);
	return false;
}

/*
 * How many messages topic holds, for the planner: remembered from the last
 * MESH_ESTIMATE_TTL_MS, else asked of the brokers.  False when the topic
 * does not exist.
 */
bool
mesh_topic_size(MeshConnection *conn, const char *topic, double *messages)
{
	int			n;
	int64	   *low;
	int64	   *high;
	int			p;

	if (mesh_topic_estimate(conn, topic, messages))
		return true;
	if (!mesh_topic_exists(conn, topic, &n))
		return false;
	low = palloc(sizeof(int64) * Max(n, 1));
	high = palloc(sizeof(int64) * Max(n, 1));
	/* the connection's client asks read_committed (last stable offsets) too */
	mesh_query_offsets(conn, conn->rk, topic, n, low, high, ERROR);
	*messages = 0;
	for (p = 0; p < n; p++)
		*messages += (double) (high[p] - low[p]);
	pfree(low);
	pfree(high);
	mesh_topic_estimate_set(conn, topic, *messages);
	return true;
}
