/*-------------------------------------------------------------------------
 *
 * kafka/internal.h
 *		  What the files of the kafka layer share and no other layer sees:
 *		  the connection's clients and the state their callbacks write.
 *
 * librdkafka runs threads inside the backend.  They must never run
 * PostgreSQL code: they are created with every signal blocked, their log
 * lines are queued and drained by the backend, and the callbacks we
 * register run only from rd_kafka_poll() on the backend's own thread and
 * only record what happened, in malloc'd memory, without ever throwing.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_KAFKA_INTERNAL_H
#define MESH_KAFKA_INTERNAL_H

#include <librdkafka/rdkafka.h>

#include "kafka/client.h"
#include "kafka/producer.h"
#include "nodes/pg_list.h"

/*
 * What librdkafka's callbacks report about a client.  The callbacks run on
 * the backend's thread from rd_kafka_poll(), but inside librdkafka's
 * frames, so they must not throw: they only write here.  malloc'd, so it
 * outlives any memory context and an abandoned wait cannot leave a
 * callback writing into freed memory.
 */
typedef struct MeshClientState
{
	rd_kafka_resp_err_t last_err;	/* latest error reported by error_cb */
	char		last_error[512];	/* its text */
	char		first_error[512];	/* first error since the last reset */
	char		broker_error[512];	/* why a broker connection last failed */
	bool		fatal;				/* librdkafka reported a fatal error */
	/* delivery reports of produced messages */
	uint64		delivered;			/* acknowledged by the brokers */
	uint64		failed;				/* not acknowledged */
	uint64		failed_maybe_written;	/* of those: sent, no answer */
	rd_kafka_resp_err_t delivery_err;	/* first failure since reset */
	char		delivery_error[512];
	/* transactional producers: where their messages went (producer.c) */
	struct MeshWritten *written;
} MeshClientState;

/* The last offset a transactional producer wrote to, per partition. */
#define MESH_MAX_WRITTEN 256
typedef struct MeshWritten
{
	int			n;
	bool		overflow;		/* more partitions than tracked */
	struct
	{
		char		topic[256];
		int32		partition;
		int64		offset;
	}			parts[MESH_MAX_WRITTEN];
} MeshWritten;

/*
 * A producer for data (INSERT, create_data_product): idempotent, acks=all,
 * the Java client's partitioner; transactional ones also keep the state of
 * the PostgreSQL transaction they belong to.
 */
struct MeshProducer
{
	rd_kafka_t *rk;
	rd_kafka_queue_t *logq;
	MeshClientState *state;		/* malloc'd */
	bool		transactional;
	bool		in_txn;			/* a Kafka transaction is open */
	bool		poisoned;		/* a subtransaction that produced rolled back */
	uint64		produced;		/* messages given to it in this transaction */
	uint64		failed_at_begin;	/* state->failed when it began */
	char	   *transactional_id;
	/* the topic last produced to: a name lookup per message costs */
	rd_kafka_topic_t *rkt;
	char		rkt_name[256];
};

/* A consumer of the pool scans take theirs from (reader.c). */
typedef struct MeshPooledConsumer
{
	rd_kafka_t *rk;
	rd_kafka_queue_t *logq;
	MeshClientState *state;		/* malloc'd */
	bool		in_use;
	bool		few_rows;		/* fetches little at a time */
} MeshPooledConsumer;

struct MeshConnection
{
	Oid			serverid;			/* hash key part 1 */
	Oid			umid;				/* hash key part 2 (InvalidOid: none) */
	bool		invalidated;		/* options changed: rebuild at next use */
	uint32		server_hashvalue;
	uint32		mapping_hashvalue;
	MemoryContext cxt;				/* opts and the mesh layer's cache */
	MeshServerOptions opts;
	rd_kafka_t *rk;					/* producer: metadata, admin, catalog */
	rd_kafka_queue_t *logq;			/* where rk's logs wait for us */
	MeshClientState *state;			/* rk's callbacks write here */
	void	   *catalog;			/* the mesh layer's, in cxt, or NULL */
	List	   *consumers;			/* MeshPooledConsumer *, for reading */
	MeshProducer *producer;			/* for data, built lazily */
	MeshProducer *txn_producer;		/* transactional, built lazily */
	List	   *estimates;			/* admin.c's MeshTopicEstimate *, in cxt */
};

/*
 * Build a librdkafka client for a connection.  extra is a NULL-terminated
 * array of name/value pairs mesh_fdw needs for this kind of client; the
 * user's kafka.* options come after them.
 */
extern rd_kafka_t *mesh_new_client(MeshConnection *conn, rd_kafka_type_t type,
								   const char *const *extra,
								   MeshClientState *state,
								   rd_kafka_queue_t **logq);
extern void mesh_destroy_client(rd_kafka_t **rk, rd_kafka_queue_t **logq);
/* Drain one client's log queue (mesh_drain_client does all of conn's). */
extern void mesh_drain_log_queue(MeshConnection *conn, rd_kafka_queue_t *logq,
								 MeshClientState *state);
/* The state of one of conn's clients. */
extern MeshClientState *mesh_client_state(MeshConnection *conn, rd_kafka_t *rk);
/*
 * A request of conn's to the cluster failed or got no answer in time:
 * report at elevel with the first error librdkafka reported since.
 */
extern void mesh_report_kafka_error(MeshConnection *conn, MeshClientState *state,
									const char *what, int elevel);
/* How long a produced message may wait for its acknowledgement. */
extern int	mesh_delivery_timeout_ms(MeshConnection *conn);
/* admin.c: an admin request's options, waiting for its answer, and its end */
extern rd_kafka_AdminOptions_t *mesh_admin_options(MeshConnection *conn,
												   rd_kafka_admin_op_t op,
												   int timeout_ms);
extern rd_kafka_event_t *mesh_admin_wait(MeshConnection *conn,
										 rd_kafka_queue_t *queue,
										 TimestampTz deadline, bool drain);
extern bool mesh_admin_done(MeshConnection *conn, rd_kafka_queue_t *queue,
							rd_kafka_AdminOptions_t *options, bool answered,
							const char *what, int elevel);

/* admin.c: low and high watermark of one partition as rk sees it */
extern bool mesh_query_watermarks(MeshConnection *conn, rd_kafka_t *rk,
								  const char *topic, int32 partition,
								  int64 *low, int64 *high, int elevel);

/* reader.c: a consumer of the pool, and giving it back */
extern rd_kafka_t *mesh_checkout_consumer(MeshConnection *conn, bool few_rows);
extern void mesh_checkin_consumer(MeshConnection *conn, rd_kafka_t *consumer);
/* reader.c: close the connection's consumers */
extern void mesh_destroy_consumers(MeshConnection *conn);
/* producer.c: close a producer, aborting an open Kafka transaction */
extern void mesh_producer_destroy(MeshProducer *producer);
/* producer.c: end the Kafka transaction of a transactional producer */
extern void mesh_producer_commit(MeshConnection *conn, MeshProducer *producer);
extern void mesh_producer_abort(MeshConnection *conn, MeshProducer *producer);
/* client.c: conn's transactional producer began a Kafka transaction */
extern void mesh_connection_in_transaction(MeshConnection *conn);

#endif							/* MESH_KAFKA_INTERNAL_H */
