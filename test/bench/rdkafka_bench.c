/*
 * rdkafka_bench: the benchmarks' baseline and loader, a minimal librdkafka
 * client that is not mesh_fdw.
 *
 *   rdkafka_bench consume BROKERS TOPIC
 *       The ceiling a scan is measured against: librdkafka's defaults,
 *       every partition assigned from the beginning, polled until end of
 *       partition, counting.  One default is changed where the library
 *       has it (2.2+): fetch.queue.backoff.ms 1 instead of 1000, without
 *       which a consumer of small messages stalls a second whenever its
 *       queue fills, and the ceiling would be lower than mesh_fdw.  Prints "messages=N bytes=B wall_ms=W
 *       cpu_ms=C".
 *   rdkafka_bench produce BROKERS TOPIC FORMAT SIZE N PARTITIONS [HEADER_HEX]
 *       N messages of about SIZE bytes of FORMAT (avro, json, protobuf,
 *       text, bytes): message i has key "i", partition i * PARTITIONS / N
 *       and timestamp 1700000000000 + i ms; partition p holds a run of
 *       consecutive messages.  avro, json and protobuf are the record
 *       {id long, qty int, price double, symbol string, account string,
 *       ts timestamp-millis, note string}, the note padding the message to
 *       SIZE; avro is single-object encoded behind HEADER_HEX (C3 01 + the
 *       schema's fingerprint, from the caller), protobuf is the message
 *       bench.Row of test/data/bench-row.proto (ts a
 *       google.protobuf.Timestamp) behind HEADER_HEX (the Confluent
 *       framing: 00, the schema id, the message indexes [0]).
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double
cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
		(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "rdkafka_bench: %s: %s\n", what, why);
	exit(1);
}

static void
set(rd_kafka_conf_t *conf, const char *name, const char *value)
{
	char		err[512];

	if (rd_kafka_conf_set(conf, name, value, err, sizeof(err)) != RD_KAFKA_CONF_OK)
		die(name, err);
}

static int
consume(const char *brokers, const char *topic)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_t *rk;
	const rd_kafka_metadata_t *md;
	rd_kafka_topic_partition_list_t *parts;
	rd_kafka_resp_err_t err;
	char		errstr[512];
	int			npart, eofs = 0, p;
	char	   *eof_seen;
	long long	messages = 0, bytes = 0;
	double		t0, c0;

	set(conf, "bootstrap.servers", brokers);
	set(conf, "group.id", "rdkafka_bench");
	set(conf, "enable.partition.eof", "true");
	set(conf, "enable.auto.commit", "false");
#if RD_KAFKA_VERSION >= 0x020200ff
	set(conf, "fetch.queue.backoff.ms", "1");
#endif
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
	if (!rk)
		die("rd_kafka_new", errstr);

	t0 = now_ms();
	c0 = cpu_ms();
	{
		rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);

		err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
		rd_kafka_topic_destroy(rkt);
	}
	if (err || md->topic_cnt != 1 || md->topics[0].err)
		die("metadata", rd_kafka_err2str(err ? err : md->topics[0].err));
	npart = md->topics[0].partition_cnt;
	rd_kafka_metadata_destroy(md);

	parts = rd_kafka_topic_partition_list_new(npart);
	for (p = 0; p < npart; p++)
		rd_kafka_topic_partition_list_add(parts, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
	if ((err = rd_kafka_assign(rk, parts)))
		die("assign", rd_kafka_err2str(err));
	rd_kafka_topic_partition_list_destroy(parts);

	eof_seen = calloc(npart, 1);
	while (eofs < npart)
	{
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 1000);

		if (!m)
			continue;
		if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
		{
			if (m->partition >= 0 && m->partition < npart && !eof_seen[m->partition])
			{
				eof_seen[m->partition] = 1;
				eofs++;
			}
		}
		else if (m->err)
			die("consume", rd_kafka_message_errstr(m));
		else
		{
			messages++;
			bytes += m->len;
		}
		rd_kafka_message_destroy(m);
	}
	printf("messages=%lld bytes=%lld wall_ms=%.0f cpu_ms=%.0f\n", messages, bytes,
		   now_ms() - t0, cpu_ms() - c0);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	free(eof_seen);
	return 0;
}

static void
dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	(void) rk;
	(void) opaque;
	if (m->err)
		die("delivery", rd_kafka_err2str(m->err));
}

static size_t
varint(unsigned char *out, uint64_t u)
{
	size_t		n = 0;

	while (u >= 0x80)
	{
		out[n++] = (unsigned char) (u | 0x80);
		u >>= 7;
	}
	out[n++] = (unsigned char) u;
	return n;
}

static size_t
zigzag(unsigned char *out, int64_t v)
{
	return varint(out, ((uint64_t) v << 1) ^ (uint64_t) (v >> 63));
}

/* A Protobuf length-delimited field: tag, length, bytes. */
static size_t
pb_bytes(unsigned char *out, int field, const void *s, size_t len)
{
	size_t		n = varint(out, (uint64_t) field << 3 | 2);

	n += varint(out + n, len);
	memcpy(out + n, s, len);
	return n + len;
}

/* A Protobuf varint field, left out when zero as proto3 serializers do. */
static size_t
pb_varint(unsigned char *out, int field, uint64_t v)
{
	size_t		n;

	if (v == 0)
		return 0;
	n = varint(out, (uint64_t) field << 3);
	return n + varint(out + n, v);
}

static size_t
avro_string(unsigned char *out, const char *s, size_t len)
{
	size_t		n = zigzag(out, (int64_t) len);

	memcpy(out + n, s, len);
	return n + len;
}

static const char *const symbols[] = {"AAPL", "MSFT", "GOOG", "AMZN", "META", "NFLX", "TSLA", "ORCL"};

/* A message of about size bytes of one format into buf; its length. */
static size_t
make_message(unsigned char *buf, const char *format, size_t size, long long i,
			 const unsigned char *header, size_t header_len, const char *pad)
{
	long long	qty = 1 + (i * 7919) % 999;
	double		price = (double) ((i * 104729) % 100000) / 100.0;
	char		account[16];
	const char *symbol = symbols[i % 8];
	size_t		n = 0;

	snprintf(account, sizeof(account), "ACC%05lld", (i * 31) % 100000);
	if (strcmp(format, "avro") == 0)
	{
		size_t		fixed;

		memcpy(buf, header, header_len);
		n = header_len;
		n += zigzag(buf + n, i);
		n += zigzag(buf + n, qty);
		memcpy(buf + n, &price, 8);	/* little-endian machine */
		n += 8;
		n += avro_string(buf + n, symbol, strlen(symbol));
		n += avro_string(buf + n, account, strlen(account));
		n += zigzag(buf + n, 1700000000000LL + i);
		fixed = n + 2;
		n += avro_string(buf + n, pad, size > fixed ? size - fixed : 0);
	}
	else if (strcmp(format, "protobuf") == 0)
	{
		long long	ts = 1700000000000LL + i;
		unsigned char stamp[24];
		size_t		slen,
					fixed;

		memcpy(buf, header, header_len);
		n = header_len;
		n += pb_varint(buf + n, 1, (uint64_t) i);
		n += pb_varint(buf + n, 2, (uint64_t) qty);
		if (price != 0)
		{
			buf[n++] = 3 << 3 | 1;	/* fixed64 */
			memcpy(buf + n, &price, 8);	/* little-endian machine */
			n += 8;
		}
		n += pb_bytes(buf + n, 4, symbol, strlen(symbol));
		n += pb_bytes(buf + n, 5, account, strlen(account));
		slen = pb_varint(stamp, 1, (uint64_t) (ts / 1000));
		slen += pb_varint(stamp + slen, 2, (uint64_t) (ts % 1000) * 1000000);
		n += pb_bytes(buf + n, 6, stamp, slen);
		fixed = n + (size > n + 130 ? 3 : 2);	/* tag and length of the note */
		n += pb_bytes(buf + n, 7, pad, size > fixed ? size - fixed : 0);
	}
	else if (strcmp(format, "json") == 0)
	{
		int			len = sprintf((char *) buf,
								  "{\"id\":%lld,\"qty\":%lld,\"price\":%.2f,\"symbol\":\"%s\","
								  "\"account\":\"%s\",\"ts\":%lld,\"note\":\"",
								  i, qty, price, symbol, account, 1700000000000LL + i);
		size_t		fill = size > (size_t) len + 2 ? size - len - 2 : 0;

		memcpy(buf + len, pad, fill);
		n = len + fill;
		buf[n++] = '"';
		buf[n++] = '}';
	}
	else if (strcmp(format, "text") == 0 || strcmp(format, "bytes") == 0)
	{
		int			len = sprintf((char *) buf, "%012lld ", i);

		n = size > (size_t) len ? size : (size_t) len;
		memcpy(buf + len, pad, n - len);
		if (format[0] == 'b')
			for (size_t k = len; k < n; k++)
				buf[k] = (unsigned char) ((i * 131 + k * 7) & 0xff);
	}
	else
		die("format", format);
	return n;
}

static int
produce(const char *brokers, const char *topic, const char *format, size_t size,
		long long count, int partitions, const char *header_hex)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
	char		errstr[512];
	unsigned char header[64];
	size_t		header_len = 0;
	unsigned char *buf = malloc(size + 256);
	char	   *pad = malloc(size + 1);
	long long	i;
	double		t0 = now_ms();

	memset(pad, 'x', size);
	for (; header_hex && header_hex[0] && header_hex[1] && header_len < sizeof(header); header_hex += 2)
	{
		unsigned int b;

		sscanf(header_hex, "%2x", &b);
		header[header_len++] = (unsigned char) b;
	}
	set(conf, "bootstrap.servers", brokers);
	set(conf, "linger.ms", "20");
	set(conf, "batch.size", "1000000");
	set(conf, "queue.buffering.max.kbytes", "262144");
	set(conf, "enable.idempotence", "true");
	rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (!rk)
		die("rd_kafka_new", errstr);
	rkt = rd_kafka_topic_new(rk, topic, NULL);
	for (i = 0; i < count; i++)
	{
		char		key[24];
		size_t		len = make_message(buf, format, size, i, header, header_len, pad);
		int			keylen = snprintf(key, sizeof(key), "%lld", i);

		while (rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt),
								 RD_KAFKA_V_PARTITION((int32_t) (i * partitions / count)),
								 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
								 RD_KAFKA_V_VALUE(buf, len),
								 RD_KAFKA_V_KEY(key, keylen),
								 RD_KAFKA_V_TIMESTAMP(1700000000000LL + i),
								 RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
			rd_kafka_poll(rk, 10);
		rd_kafka_poll(rk, 0);
	}
	if (rd_kafka_flush(rk, 120000))
		die("flush", "messages left undelivered");
	fprintf(stderr, "rdkafka_bench: %lld %s messages of ~%zu bytes in %.0f ms\n",
			count, format, size, now_ms() - t0);
	rd_kafka_topic_destroy(rkt);
	rd_kafka_destroy(rk);
	free(buf);
	free(pad);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "consume") == 0)
		return consume(argv[2], argv[3]);
	if ((argc == 8 || argc == 9) && strcmp(argv[1], "produce") == 0)
		return produce(argv[2], argv[3], argv[4], (size_t) atol(argv[5]), atoll(argv[6]),
					   atoi(argv[7]), argc == 9 ? argv[8] : NULL);
	fprintf(stderr, "usage: rdkafka_bench consume BROKERS TOPIC\n"
			"       rdkafka_bench produce BROKERS TOPIC FORMAT SIZE N PARTITIONS [HEADER_HEX]\n");
	return 2;
}
