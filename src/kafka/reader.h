/*-------------------------------------------------------------------------
 *
 * kafka/reader.h
 *		  Reading ranges of offsets of a topic's partitions: what a scan,
 *		  the catalog cache and the views read with.
 *
 * A reader takes a consumer from the connection's pool, asks it for the
 * partitions' offsets (its own metadata is fresh), then reads each
 * partition from a start offset up to an end the caller captured: a
 * partition is done when the message before its end arrives, or at its end
 * of partition (transaction markers and aborted batches leave gaps), never
 * by waiting for a message that may not come.  A stall longer than the
 * server's connect_timeout_ms is an ERROR; waits are cut into slices that
 * check for interrupts.  The consumer goes back to the pool when the
 * reader is closed, or when the memory context it was opened in is reset
 * (so also when the query fails).
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_KAFKA_READER_H
#define MESH_KAFKA_READER_H

#include <librdkafka/rdkafka.h>

#include "kafka/client.h"

typedef struct MeshReader MeshReader;

/*
 * A reader of topic; what names it in errors ('topic "t" on server "s"',
 * or a foreign table's description).  few_rows: a query that wants few
 * rows (LIMIT) reads with a consumer that fetches less at a time.
 */
extern MeshReader *mesh_reader_open(MeshConnection *conn, const char *topic,
									const char *what, bool few_rows);

/* Offsets of partitions 0..n-1 as the reader's consumer sees them. */
extern bool mesh_reader_offsets(MeshReader *reader, int n, int64 *low,
								int64 *high, int elevel);
extern bool mesh_reader_offsets_for_time(MeshReader *reader, int n,
										 int64 timestamp_ms, int64 *offsets);

/*
 * Read [start[p], end[p]) of each partition p < n (nothing where start >=
 * end).  With limit >= 0 the reader assigns only as many partitions as
 * hold that many messages, and more when they are done: LIMIT 10 on a
 * topic of 1,000 partitions does not fetch from all of them.  A reader may
 * be started again once it has returned NULL.
 */
extern void mesh_reader_start(MeshReader *reader, int n, const int64 *start,
							  const int64 *end, int64 limit);

/* The next message (the caller destroys it), or NULL when all are done. */
extern rd_kafka_message_t *mesh_reader_next(MeshReader *reader);

/* The caller wants nothing more of partition p. */
extern void mesh_reader_partition_done(MeshReader *reader, int32 p);

/*
 * Where partition p was read up to its end (not stopped by the caller,
 * nor left unread because its range was empty): the offset after the last
 * message delivered, or further, up to the end the caller gave, where an
 * end of partition came at a later offset (a transaction's marker, an
 * aborted batch); -1 otherwise.
 */
extern int64 mesh_reader_partition_reached(MeshReader *reader, int32 p);

/* A Kafka message's timestamp (ms since the Unix epoch) as a timestamptz. */
extern TimestampTz mesh_kafka_timestamp(int64 ms);

/* Give the consumer back; safe to call twice. */
extern void mesh_reader_close(MeshReader *reader);

#endif							/* MESH_KAFKA_READER_H */
