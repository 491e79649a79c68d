/*-------------------------------------------------------------------------
 *
 * bench_encode.c
 *		  Throughput of the Avro encoder (src/core/avro_encode.c,
 *		  avro_write.c) on the common case: an 8-field record of ints,
 *		  longs, doubles, strings and a timestamp, as INSERT ... SELECT
 *		  encodes it row by row.
 *
 * Not a test: run it by hand to see rows per second.
 *
 *	 cc -std=gnu11 -O2 -DMESH_STANDALONE -Isrc -o /tmp/bench_encode \
 *		test/unit/bench_encode.c test/unit/standalone.c src/core/[a-z]*.c -lm && /tmp/bench_encode
 *
 * Each row's values are filled in as the backend fills them from a tuple
 * (kind and member per column; strings pointing at their text), then
 * encoded after a 5-byte framing header into one reused buffer, as the
 * producer hands each message to librdkafka.  The filling alone is timed
 * too and taken off.  Variants: the plain record; every field nullable
 * (union of null and the type); and, for scale, the same row given as one
 * JSON text (the path of jsonb columns).  The first variant's output is
 * decoded again to check it.  Times are the thread's CPU time, so that a
 * busy machine inflates them less.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_encode.h"
#include "core/avro_compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define NROWS 2000000

static const char *plain_json = BENCH_TRADE_JSON;

static const char *nullable_json =
"{\"type\":\"record\",\"name\":\"Trade\",\"namespace\":\"bench\",\"fields\":["
"{\"name\":\"id\",\"type\":[\"null\",\"long\"]},"
"{\"name\":\"account\",\"type\":[\"null\",\"int\"]},"
"{\"name\":\"symbol\",\"type\":[\"null\",\"string\"]},"
"{\"name\":\"quantity\",\"type\":[\"null\",\"int\"]},"
"{\"name\":\"price\",\"type\":[\"null\",\"double\"]},"
"{\"name\":\"amount\",\"type\":[\"null\",\"double\"]},"
"{\"name\":\"trader\",\"type\":[\"null\",\"string\"]},"
"{\"name\":\"ts\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}]}]}";

static const char *symbols[] = {"AAPL", "MSFT", "GOOG", "AMZN", "NVDA", "TSLA", "META", "IBM"};
static const char *traders[] = {"alice@desk-1", "bob@desk-2", "carol@desk-1", "dave@desk-3"};

/* Row i's values, as the backend would fill them from a tuple. */
static inline void
fill(MeshAvroValue *v, int64_t i)
{
	const char *sym = symbols[i & 7];
	const char *trader = traders[(i >> 3) & 3];

	v[0].kind = AVRO_LONG;
	v[0].integer = 1000000000 + i;
	v[1].kind = AVRO_LONG;
	v[1].integer = (int64_t) (i % 50000);
	v[2].kind = AVRO_STRING;
	v[2].data = sym;
	v[2].len = strlen(sym);
	v[3].kind = AVRO_LONG;
	v[3].integer = (int64_t) (i % 1000) + 1;
	v[4].kind = AVRO_DOUBLE;
	v[4].real = 100.0 + (double) (i % 10000) / 100.0;
	v[5].kind = AVRO_DOUBLE;
	v[5].real = v[4].real * (double) v[3].integer;
	v[6].kind = AVRO_STRING;
	v[6].data = trader;
	v[6].len = strlen(trader);
	v[7].kind = AVRO_LONG;
	v[7].logical = AVRO_LT_TIMESTAMP_MICROS;
	v[7].integer = INT64_C(1764000000000000) + i * 1000;
}

static MeshAvroEncoder *
encoder(const char *json, MeshAvroType **schema_out, MeshAvroShape shape)
{
	char		err[512];
	MeshAvroType *schema = mesh_avro_parse(json, strlen(json), err, sizeof(err));
	MeshAvroTarget target;
	MeshAvroEncoder *enc;
	int			i;

	if (schema == NULL)
	{
		fprintf(stderr, "schema: %s\n", err);
		exit(1);
	}
	target.nslots = schema->nfields;
	target.slots = calloc(schema->nfields, sizeof(MeshAvroSlot));
	for (i = 0; i < schema->nfields; i++)
	{
		target.slots[i].name = schema->fields[i].name;
		target.slots[i].needed = true;
		target.slots[i].shape = shape;
	}
	enc = mesh_avro_encoder_create(schema, &target, err, sizeof(err));
	if (enc == NULL)
	{
		fprintf(stderr, "encoder: %s\n", err);
		exit(1);
	}
	*schema_out = schema;
	return enc;
}

static void
run(const char *name, MeshAvroEncoder *enc, const MeshAvroType *schema, bool check)
{
	MeshAvroValue v[8];
	MeshBuf		buf;
	char		err[512];
	double		t0;
	double		fill_s;
	double		total_s;
	size_t		bytes = 0;
	volatile int64_t sink = 0;
	int64_t		i;

	memset(v, 0, sizeof(v));
	mesh_buf_init(&buf);

	/* the filling alone */
	t0 = now();
	for (i = 0; i < NROWS; i++)
	{
		fill(v, i);
		sink += v[7].integer + (int64_t) v[6].len;
	}
	fill_s = now() - t0;

	t0 = now();
	for (i = 0; i < NROWS; i++)
	{
		buf.len = 5;			/* the framing header stays */
		fill(v, i);
		if (!mesh_avro_encode(enc, v, &buf, err, sizeof(err)))
		{
			fprintf(stderr, "encode: %s\n", err);
			exit(1);
		}
		bytes += buf.len - 5;
	}
	total_s = now() - t0;

	if (check)
	{
		MeshAvroTarget target;
		MeshAvroProgram *prog;
		MeshAvroValue out[8];
		int			k;

		target.nslots = schema->nfields;
		target.slots = calloc(schema->nfields, sizeof(MeshAvroSlot));
		for (k = 0; k < schema->nfields; k++)
		{
			target.slots[k].name = schema->fields[k].name;
			target.slots[k].needed = true;
		}
		prog = mesh_avro_compile(schema, &target, err, sizeof(err));
		if (prog == NULL ||
			!mesh_avro_decode(prog, (const uint8_t *) buf.data + 5, buf.len - 5, out, err, sizeof(err)) ||
			out[0].integer != 1000000000 + NROWS - 1 || out[7].integer != (INT64_C(1764000000000000) + (NROWS - 1) * INT64_C(1000)) / 1000)
		{
			fprintf(stderr, "the last row does not decode back: %s\n", err);
			exit(1);
		}
	}
	printf("%-34s %6.1f ns/row encoding (%5.1f with filling), %5.2f M rows/s, %6.1f MB/s, %4.1f bytes/row\n",
		   name, (total_s - fill_s) * 1e9 / NROWS, total_s * 1e9 / NROWS,
		   NROWS / (total_s - fill_s) / 1e6, bytes / (total_s - fill_s) / 1e6,
		   (double) bytes / NROWS);
	(void) sink;
}

static void
run_json(MeshAvroType *schema)
{
	char		err[512];
	MeshAvroSlot slot = {.name = "row",.shape = MESH_SHAPE_JSON,.needed = true};
	MeshAvroTarget target = {.nslots = 1,.slots = &slot};
	MeshAvroEncoder *enc;
	MeshAvroType *wrap;
	MeshAvroValue v;
	MeshBuf		buf;
	char		text[512];
	char		sjson[4096];
	double		t0;
	double		s;
	int			n = NROWS / 10;
	int64_t		i;

	/* the same record as the one field of an outer record, given as JSON */
	(void) schema;
	snprintf(sjson, sizeof(sjson), "{\"type\":\"record\",\"name\":\"Outer\",\"fields\":[{\"name\":\"row\",\"type\":%s}]}",
			 plain_json);
	wrap = mesh_avro_parse(sjson, strlen(sjson), err, sizeof(err));
	enc = mesh_avro_encoder_create(wrap, &target, err, sizeof(err));
	if (enc == NULL)
	{
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	mesh_buf_init(&buf);
	memset(&v, 0, sizeof(v));
	t0 = now();
	for (i = 0; i < n; i++)
	{
		int			len = snprintf(text, sizeof(text),
								   "{\"id\":%lld,\"account\":%lld,\"symbol\":\"%s\",\"quantity\":%lld,"
								   "\"price\":%.2f,\"amount\":%.2f,\"trader\":\"%s\",\"ts\":\"2025-11-24T16:00:00.%06lld+00:00\"}",
								   (long long) (1000000000 + i), (long long) (i % 50000), symbols[i & 7],
								   (long long) (i % 1000 + 1), 100.0 + (double) (i % 10000) / 100.0,
								   (100.0 + (double) (i % 10000) / 100.0) * (double) (i % 1000 + 1),
								   traders[(i >> 3) & 3], (long long) (i % 1000000));

		v.data = text;
		v.len = (size_t) len;
		buf.len = 5;
		if (!mesh_avro_encode(enc, &v, &buf, err, sizeof(err)))
		{
			fprintf(stderr, "encode: %s\n", err);
			exit(1);
		}
	}
	s = now() - t0;
	printf("%-34s %6.1f ns/row (text formatting included), %5.2f M rows/s\n",
		   "same row as one JSON text", s * 1e9 / n, n / s / 1e6);
}

int
main(void)
{
	MeshAvroType *plain;
	MeshAvroType *nullable;
	MeshAvroEncoder *e1 = encoder(plain_json, &plain, MESH_SHAPE_SCALAR);
	MeshAvroEncoder *e2 = encoder(nullable_json, &nullable, MESH_SHAPE_SCALAR);
	int			round;

	for (round = 0; round < 2; round++)
	{
		run("8 fields", e1, plain, true);
		run("8 fields, all nullable", e2, nullable, false);
	}
	run_json(plain);
	return 0;
}
