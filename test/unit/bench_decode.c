/*-------------------------------------------------------------------------
 *
 * bench_decode.c
 *		  Throughput of the Avro decoder (src/core/avro_decode.c, with its
 *		  compiler and renderer) on the common case: an 8-field record of
 *		  ints, longs, doubles, strings and a timestamp, as a scan of a
 *		  Kafka topic decodes it.
 *
 * Not a test: run it by hand to see messages per second.
 *
 *	 cc -std=gnu11 -O2 -DMESH_STANDALONE -Isrc -o /tmp/bench_decode \
 *		test/unit/bench_decode.c test/unit/standalone.c src/core/[a-z]*.c -lm && /tmp/bench_decode
 *
 * It encodes a million distinct messages into one buffer (a few MB, like
 * a batch of fetched Kafka messages: beyond the caches' reach), then
 * decodes them all with several targets: every field as a scalar, two
 * fields needed (the rest skipped, still validated), every field as JSON
 * text, and through schema resolution (the reader's fields reordered,
 * promoted, one added with a default).  Times are the thread's CPU time,
 * best of five rounds.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

#define NMSG 1000000

static const char *writer_json = BENCH_TRADE_JSON;

static const char *reader_json =
"{\"type\":\"record\",\"name\":\"Trade\",\"namespace\":\"bench\",\"fields\":["
"{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},"
"{\"name\":\"id\",\"type\":\"long\"},"
"{\"name\":\"account\",\"type\":\"long\"},"
"{\"name\":\"symbol\",\"type\":\"string\"},"
"{\"name\":\"quantity\",\"type\":\"double\"},"
"{\"name\":\"price\",\"type\":\"double\"},"
"{\"name\":\"amount\",\"type\":\"double\"},"
"{\"name\":\"trader\",\"type\":\"bytes\"},"
"{\"name\":\"venue\",\"type\":\"string\",\"default\":\"XNAS\"}]}";

static size_t
put_long(uint8_t *p, int64_t v)
{
	uint64_t	u = ((uint64_t) v << 1) ^ (uint64_t) (v >> 63);
	size_t		n = 0;

	while (u >= 0x80)
	{
		p[n++] = (uint8_t) (u | 0x80);
		u >>= 7;
	}
	p[n++] = (uint8_t) u;
	return n;
}

static size_t
put_str(uint8_t *p, const char *s)
{
	size_t		len = strlen(s);
	size_t		n = put_long(p, (int64_t) len);

	memcpy(p + n, s, len);
	return n + len;
}

static MeshAvroType *
parse(const char *json)
{
	char		err[256];
	MeshAvroType *t = mesh_avro_parse(json, strlen(json), err, sizeof(err));

	if (t == NULL)
	{
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	return t;
}

static void
run(const char *label, MeshAvroProgram *p, const uint8_t *buf, const size_t *off,
	int nslots, size_t total)
{
	MeshAvroValue values[16];
	char		err[256];
	double		best = 1e9;
	int			round;
	int64_t		check = 0;
	int			rounds = getenv("BENCH_ROUNDS") ? atoi(getenv("BENCH_ROUNDS")) : 5;

	for (round = 0; round < rounds; round++)
	{
		double		t0 = now();
		int			i;

		for (i = 0; i < NMSG; i++)
		{
			if (!mesh_avro_decode(p, buf + off[i], off[i + 1] - off[i], values,
								  err, sizeof(err)))
			{
				fprintf(stderr, "%s: message %d: %s\n", label, i, err);
				exit(1);
			}
			check += values[0].integer + (int64_t) values[nslots - 1].len;
		}
		if (now() - t0 < best)
			best = now() - t0;
	}
	printf("%-44s %6.1f M msg/s  %5.1f ns/msg  %6.0f MB/s  (%lld)\n", label,
		   NMSG / best / 1e6, best / NMSG * 1e9, total / best / 1e6,
		   (long long) (check & 1));
}

int
main(int argc, char **argv)
{
	/* argument: run only that configuration (1-4), e.g. under perf stat */
	int			only = argc > 1 ? atoi(argv[1]) : 0;
	MeshAvroType *writer = parse(writer_json);
	MeshAvroType *reader = parse(reader_json);
	uint8_t    *buf = malloc((size_t) NMSG * 96);
	size_t	   *off = malloc((NMSG + 1) * sizeof(size_t));
	static const char *symbols[] = {"AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "TSLA", "META", "BRK.B"};
	static const char *traders[] = {"alice@desk-7", "bob", "carol.smith@emea", "dave-the-quant"};
	MeshAvroSlot slots[16];
	MeshAvroTarget target = {0, slots};
	char		err[256];
	size_t		n = 0;
	int			i;
	int			k;

	/* a million distinct trades */
	srand(42);
	for (i = 0; i < NMSG; i++)
	{
		double		price = 10 + (rand() % 100000) / 100.0;
		int			qty = 1 + rand() % 5000;

		off[i] = n;
		n += put_long(buf + n, 1000000000LL + i);
		n += put_long(buf + n, rand() % 100000);
		n += put_str(buf + n, symbols[rand() % 8]);
		n += put_long(buf + n, qty);
		memcpy(buf + n, &price, 8);
		n += 8;
		price *= qty;
		memcpy(buf + n, &price, 8);
		n += 8;
		n += put_str(buf + n, traders[rand() % 4]);
		n += put_long(buf + n, 1700000000000LL + (int64_t) i * 37);
	}
	off[NMSG] = n;
	printf("%d messages, %.1f bytes each on average\n", NMSG, (double) n / NMSG);

	memset(slots, 0, sizeof(slots));
	for (k = 0; k < writer->nfields; k++)
	{
		slots[k].name = writer->fields[k].name;
		slots[k].shape = MESH_SHAPE_SCALAR;
		slots[k].needed = true;
	}
	target.nslots = writer->nfields;
	if (only == 0 || only == 1)
		run("8 fields, all as scalars", mesh_avro_compile(writer, &target, err, sizeof(err)),
			buf, off, target.nslots, n);

	for (k = 0; k < writer->nfields; k++)
		slots[k].needed = k == 0 || k == 4;
	if (only == 0 || only == 2)
		run("8 fields, 2 needed (6 skipped, validated)",
			mesh_avro_compile(writer, &target, err, sizeof(err)), buf, off, target.nslots, n);

	for (k = 0; k < writer->nfields; k++)
	{
		slots[k].needed = true;
		slots[k].shape = MESH_SHAPE_JSON;
	}
	if (only == 0 || only == 3)
		run("8 fields, all as JSON text", mesh_avro_compile(writer, &target, err, sizeof(err)),
			buf, off, target.nslots, n);

	for (k = 0; k < reader->nfields; k++)
	{
		slots[k].name = reader->fields[k].name;
		slots[k].reader_type = reader->fields[k].type;
		slots[k].default_value = reader->fields[k].default_value;
		slots[k].shape = MESH_SHAPE_SCALAR;
		slots[k].needed = true;
	}
	target.nslots = reader->nfields;
	{
		MeshAvroProgram *p = mesh_avro_compile(writer, &target, err, sizeof(err));

		if (p == NULL)
		{
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		if (only == 0 || only == 4)
			run("resolved: reordered, promoted, a default", p, buf, off, target.nslots, n);
	}
	free(buf);
	free(off);
	mesh_standalone_reset();
	return 0;
}
