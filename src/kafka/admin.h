/*-------------------------------------------------------------------------
 *
 * kafka/admin.h
 *		  Topics, metadata and offsets.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_KAFKA_ADMIN_H
#define MESH_KAFKA_ADMIN_H

#include <librdkafka/rdkafka.h>

#include "kafka/client.h"

/*
 * Cluster metadata, for one topic or (topic NULL) all of them.  On
 * failure reports at elevel and, if that returns, gives NULL.  The caller
 * frees it (rd_kafka_metadata_destroy) before anything can throw.
 */
extern const rd_kafka_metadata_t *mesh_fetch_metadata(MeshConnection *conn,
													  const char *topic,
													  int elevel);
/* Does topic exist?  Sets *partitions when it does. */
extern bool mesh_topic_exists(MeshConnection *conn, const char *topic,
							  int *partitions);
/*
 * Create topic unless it exists, with replication factor min(3, brokers);
 * compacted for the catalog.  Waits until the topic's leaders are known.
 */
extern void mesh_ensure_topic(MeshConnection *conn, const char *topic,
							  int partitions, bool compacted);

/*
 * Low and high offsets of partitions 0..n-1 of topic as client rk sees
 * them (a consumer's: the high one is the last stable offset).
 */
extern bool mesh_query_offsets(MeshConnection *conn, rd_kafka_t *rk,
							   const char *topic, int n, int64 *low,
							   int64 *high, int elevel);
/*
 * For each partition, the first offset whose message timestamp is at
 * least timestamp_ms (-1 where there is none).
 */
extern bool mesh_offsets_for_time(MeshConnection *conn, rd_kafka_t *rk,
								  const char *topic, int n, int64 timestamp_ms,
								  int64 *offsets);

/*
 * What the planner last learnt of a topic's size, so that planning a query
 * on a topic read moments ago asks the brokers nothing (scans refresh it).
 */
#define MESH_ESTIMATE_TTL_MS 10000
extern bool mesh_topic_size(MeshConnection *conn, const char *topic,
							double *messages);
extern bool mesh_topic_estimate(MeshConnection *conn, const char *topic,
								double *messages);
extern void mesh_topic_estimate_set(MeshConnection *conn, const char *topic,
									double messages);

#endif							/* MESH_KAFKA_ADMIN_H */
