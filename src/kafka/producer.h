/*-------------------------------------------------------------------------
 *
 * kafka/producer.h
 *		  Producing: data producers (transactional or not), their delivery
 *		  reports, and single acknowledged records.
 *
 * Producers are idempotent with acks=all and partition keys with murmur2
 * (librdkafka's murmur2_random, the Java client's partitioner).  With
 * transactional producers, everything a PostgreSQL transaction produces
 * goes into one Kafka transaction that ends with it (kafka/client.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_KAFKA_PRODUCER_H
#define MESH_KAFKA_PRODUCER_H

#include <librdkafka/rdkafka.h>

#include "kafka/client.h"

typedef struct MeshProducer MeshProducer;

/* A producer's delivery counts when a statement began to produce. */
typedef struct MeshDeliveryMark
{
	uint64		reported;		/* delivered + failed */
	uint64		failed;
	uint64		failed_maybe_written;
} MeshDeliveryMark;

/* The connection's producer for data, transactional or not. */
extern MeshProducer *mesh_get_producer(MeshConnection *conn, bool transactional);
/* A transactional producer takes part in the current transaction. */
extern void mesh_producer_join(MeshConnection *conn, MeshProducer *producer);
/*
 * Produce one message, waiting while librdkafka's queue is full.  value
 * NULL is a tombstone; partition RD_KAFKA_PARTITION_UA: the key's.
 */
extern void mesh_produce(MeshConnection *conn, MeshProducer *producer,
						 const char *topic, int32 partition, const char *key,
						 size_t keylen, const char *value, size_t len,
						 int64 timestamp_ms, rd_kafka_headers_t *headers);
extern MeshDeliveryMark mesh_producer_mark(MeshProducer *producer);
/*
 * Wait until the sent messages given to producer since mark all have a
 * delivery report; ERROR (naming what) if some were not written or the
 * wait timed out.
 */
extern void mesh_producer_wait(MeshConnection *conn, MeshProducer *producer,
							   const MeshDeliveryMark *mark, uint64 sent,
							   const char *what);

/*
 * A process that runs one continuous product (a background worker) gives
 * its transactional producers that product's transactional.id, so that a
 * second runner of it fences the first.
 */
extern void mesh_set_transactional_id(const char *id);
/* Whether a producer of this process was fenced by another with its id. */
extern bool mesh_producer_fenced(void);
/*
 * Send offsets[p] (p < n) of topic as the next offsets of consumer group
 * to the producer's open Kafka transaction: they are committed with it.
 */
extern void mesh_producer_send_offsets(MeshConnection *conn, MeshProducer *producer,
									   const char *group, const char *topic,
									   int n, const int64 *offsets);

typedef enum MeshAckResult
{
	MESH_ACKED,					/* written */
	MESH_NOT_ACKED,				/* no answer in time: may still be written */
	MESH_NOT_WRITTEN,			/* refused or failed */
	MESH_NOT_AUTHORIZED			/* refused by the brokers' authorizer (ACLs) */
} MeshAckResult;

/* One record by the connection's own producer, acknowledged (catalog). */
extern MeshAckResult mesh_produce_acked(MeshConnection *conn, const char *topic,
										const char *key, const char *value,
										int timeout_ms, char *reason,
										size_t reasonlen);

#endif							/* MESH_KAFKA_PRODUCER_H */
