/*-------------------------------------------------------------------------
 *
 * bench_decode.c
 *		  Throughput of the Avro decoder (src/core/avro_decode.c, with its
 *		  compiler and renderer) on the common case: an 8-field record of
 *		  ints, longs, doubles, strings and a timestamp, as a scan of a
 *		  Kafka topic decodes it; and of the Protobuf decoder
 *		  (src/core/protobuf_decode.c) on the same records in Protobuf.
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
 * promoted, one added with a default).  Then the same trades as Protobuf
 * messages (the timestamp a google.protobuf.Timestamp), decoded every
 * field as a scalar, two needed, and every field as JSON text.  Times are
 * the thread's CPU time, best of five rounds.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_decode.h"
#include "core/protobuf.h"

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


static const char *proto_text =
"syntax = \"proto3\"; package bench;\n"
"import \"google/protobuf/timestamp.proto\";\n"
"message Trade { int64 id = 1; int32 account = 2; string symbol = 3; int32 quantity = 4;\n"
"  double price = 5; double amount = 6; string trader = 7; google.protobuf.Timestamp ts = 8; }\n";

static size_t
put_varint(uint8_t *p, uint64_t u)
{
	size_t		n = 0;

	while (u >= 0x80)
	{
		p[n++] = (uint8_t) (u | 0x80);
		u >>= 7;
	}
	p[n++] = (uint8_t) u;
	return n;
}

/* Protobuf fields: a varint, a double, a string (tag, then the value). */
static size_t
pb_varint(uint8_t *p, int field, uint64_t v)
{
	size_t		n = put_varint(p, (uint64_t) field << 3);

	return n + put_varint(p + n, v);
}

static size_t
pb_double(uint8_t *p, int field, double d)
{
	p[0] = (uint8_t) (field << 3 | 1);
	memcpy(p + 1, &d, 8);
	return 9;
}

static size_t
pb_str(uint8_t *p, int field, const char *s)
{
	size_t		len = strlen(s);
	size_t		n = put_varint(p, (uint64_t) field << 3 | 2);

	n += put_varint(p + n, len);
	memcpy(p + n, s, len);
	return n + len;
}

static size_t
put_long(uint8_t *p, int64_t v)
{
	return put_varint(p, ((uint64_t) v << 1) ^ (uint64_t) (v >> 63));
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

/* Decode every message RUNS times with p, or pb when p is NULL. */
static void
run(const char *label, MeshAvroProgram *p, MeshPbProgram *pb, const uint8_t *buf,
	const size_t *off, int nslots, size_t total)
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
			if (!(p ? mesh_avro_decode(p, buf + off[i], off[i + 1] - off[i], values,
									   err, sizeof(err)) :
				  mesh_pb_decode(pb, buf + off[i], off[i + 1] - off[i], values,
								 err, sizeof(err))))
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
	/* argument: run only that configuration (1-7), e.g. under perf stat */
	int			only = argc > 1 ? atoi(argv[1]) : 0;
	MeshAvroType *writer = parse(writer_json);
	MeshAvroType *reader = parse(reader_json);
	uint8_t    *buf = malloc((size_t) NMSG * 96);
	size_t	   *off = malloc((NMSG + 1) * sizeof(size_t));
	uint8_t    *pbuf = malloc((size_t) NMSG * 128);
	size_t	   *poff = malloc((NMSG + 1) * sizeof(size_t));
	MeshPbFile *file;
	static const char *symbols[] = {"AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "TSLA", "META", "BRK.B"};
	static const char *traders[] = {"alice@desk-7", "bob", "carol.smith@emea", "dave-the-quant"};
	MeshAvroSlot slots[16];
	MeshAvroTarget target = {0, slots};
	char		err[256];
	size_t		n = 0;
	size_t		pn = 0;
	int			i;
	int			k;

	/* a million distinct trades, in Avro and in Protobuf */
	srand(42);
	for (i = 0; i < NMSG; i++)
	{
		double		price = 10 + (rand() % 100000) / 100.0;
		int			qty = 1 + rand() % 5000;
		int			account = rand() % 100000;
		const char *symbol = symbols[rand() % 8];
		const char *trader = traders[rand() % 4];
		int64_t		ts = 1700000000000LL + (int64_t) i * 37;
		uint8_t		stamp[24];
		size_t		slen;

		off[i] = n;
		n += put_long(buf + n, 1000000000LL + i);
		n += put_long(buf + n, account);
		n += put_str(buf + n, symbol);
		n += put_long(buf + n, qty);
		memcpy(buf + n, &price, 8);
		n += 8;
		memcpy(buf + n, &(double) {price * qty}, 8);
		n += 8;
		n += put_str(buf + n, trader);
		n += put_long(buf + n, ts);

		poff[i] = pn;
		pn += pb_varint(pbuf + pn, 1, (uint64_t) (1000000000LL + i));
		pn += account ? pb_varint(pbuf + pn, 2, (uint64_t) account) : 0;
		pn += pb_str(pbuf + pn, 3, symbol);
		pn += pb_varint(pbuf + pn, 4, (uint64_t) qty);
		pn += pb_double(pbuf + pn, 5, price);
		pn += pb_double(pbuf + pn, 6, price * qty);
		pn += pb_str(pbuf + pn, 7, trader);
		slen = pb_varint(stamp, 1, (uint64_t) (ts / 1000));
		slen += ts % 1000 ? pb_varint(stamp + slen, 2, (uint64_t) (ts % 1000) * 1000000) : 0;
		pbuf[pn++] = 8 << 3 | 2;
		pbuf[pn++] = (uint8_t) slen;
		memcpy(pbuf + pn, stamp, slen);
		pn += slen;
	}
	off[NMSG] = n;
	poff[NMSG] = pn;
	printf("%d messages, %.1f bytes each on average in Avro, %.1f in Protobuf\n", NMSG,
		   (double) n / NMSG, (double) pn / NMSG);

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
			NULL, buf, off, target.nslots, n);

	for (k = 0; k < writer->nfields; k++)
		slots[k].needed = k == 0 || k == 4;
	if (only == 0 || only == 2)
		run("8 fields, 2 needed (6 skipped, validated)",
			mesh_avro_compile(writer, &target, err, sizeof(err)), NULL, buf, off, target.nslots, n);

	for (k = 0; k < writer->nfields; k++)
	{
		slots[k].needed = true;
		slots[k].shape = MESH_SHAPE_JSON;
	}
	if (only == 0 || only == 3)
		run("8 fields, all as JSON text", mesh_avro_compile(writer, &target, err, sizeof(err)),
			NULL, buf, off, target.nslots, n);

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
			run("resolved: reordered, promoted, a default", p, NULL, buf, off, target.nslots, n);
	}

	/* the same trades in Protobuf */
	file = mesh_pb_parse(proto_text, strlen(proto_text), err, sizeof(err));
	if (file == NULL)
	{
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	target.nslots = writer->nfields;
	for (int config = 5; config <= 7; config++)
	{
		static const char *const labels[] = {"Protobuf: 8 fields, all as scalars",
			"Protobuf: 8 fields, 2 needed (6 skipped)",
		"Protobuf: 8 fields, all as JSON text"};

		for (k = 0; k < writer->nfields; k++)
		{
			slots[k].name = writer->fields[k].name;
			slots[k].reader_type = NULL;
			slots[k].default_value = NULL;
			slots[k].shape = config == 7 ? MESH_SHAPE_JSON : MESH_SHAPE_SCALAR;
			slots[k].needed = config != 6 || k == 0 || k == 4;
		}
		if (only == 0 || only == config)
			run(labels[config - 5], NULL, mesh_pb_compile(file, 0, &target, err, sizeof(err)),
				pbuf, poff, target.nslots, pn);
	}
	free(buf);
	free(off);
	free(pbuf);
	free(poff);
	mesh_standalone_reset();
	return 0;
}
