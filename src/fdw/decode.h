/*-------------------------------------------------------------------------
 *
 * fdw/decode.h
 *		  A Kafka message into the columns of a row
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_FDW_DECODE_H
#define MESH_FDW_DECODE_H

#include <librdkafka/rdkafka.h>

#include "fdw/table.h"
#include "nodes/bitmapset.h"

typedef struct MeshDecoder MeshDecoder;

extern MeshDecoder *mesh_decoder_create(MeshTable *table, Bitmapset *attrs_needed);
/*
 * Fill values/nulls (table->natts entries) from msg.  Returns false when
 * the message is bad (reason in errbuf); then the columns that could not
 * be decoded are NULL, for on_error 'null'.
 */
extern bool mesh_decode_message(MeshDecoder *decoder, const rd_kafka_message_t *msg,
								Datum *values, bool *nulls,
								char *errbuf, size_t errlen);
/* The same, from parts (table mode keeps messages in a tuplesort). */
extern bool mesh_decode_parts(MeshDecoder *decoder, int32 partition, int64 offset,
							  int64 timestamp_ms, const char *key, size_t keylen,
							  const char *value, size_t len, bool tombstone,
							  Datum headers, bool headers_null,
							  Datum *values, bool *nulls,
							  char *errbuf, size_t errlen);
/* envelope 'debezium': a change event's op, 'd' for a null payload, 0 if unreadable */
extern char mesh_decode_debezium_op(MeshDecoder *decoder, const char *value, size_t len);
extern Datum mesh_headers_datum(const rd_kafka_message_t *msg, bool *isnull);

#endif							/* MESH_FDW_DECODE_H */
