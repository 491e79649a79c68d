/*-------------------------------------------------------------------------
 *
 * test_debezium.c
 *		  Unit tests of Debezium's encodings (src/core/debezium.c): the
 *		  encoded fields of `after` from an Avro schema and from Kafka
 *		  Connect's JSON schema, and their values as PostgreSQL input text.
 *
 * Run by test/unit/run.
 *
 *-------------------------------------------------------------------------
 */
#include "core/debezium.h"
#include "harness.h"

#include <stdio.h>
#include <string.h>

static MeshJson *
json(const char *text)
{
	char		err[256];
	MeshJson   *j = mesh_json_parse(text, strlen(text), 0, err, sizeof(err));

	CHECK(j != NULL, "parse %s: %s", text, err);
	return j;
}

/* The text of value encoded as encoding (scale), or "ERR: why", or "AS IS". */
static const char *
text_of(const char *value, MeshDbzEncoding encoding, int scale)
{
	static char out[256];
	MeshDbzField f = {"f", encoding, scale};
	MeshBuf		buf;
	char		err[200];
	int			r;

	mesh_buf_init(&buf);
	r = mesh_dbz_value_text(json(value), &f, &buf, err, sizeof(err));
	if (r < 0)
		return "AS IS";
	if (r == 0)
		snprintf(out, sizeof(out), "ERR: %s", err);
	else
		snprintf(out, sizeof(out), "%.*s", (int) buf.len, buf.data);
	return out;
}

#define EXPECT(value, enc, scale, want) \
	do { const char *got = text_of((value), (enc), (scale)); \
		CHECK(strcmp(got, (want)) == 0, "%s as %d: %s, not %s", (value), (int) (enc), got, (want)); } while (0)

static void
test_values(void)
{
	EXPECT("19000", MESH_DBZ_DATE, 0, "2022-01-08");
	EXPECT("-1", MESH_DBZ_DATE, 0, "1969-12-31");
	EXPECT("-719528", MESH_DBZ_DATE, 0, "0001-01-01 BC");
	EXPECT("\"2022-01-08\"", MESH_DBZ_DATE, 0, "AS IS");
	EXPECT("1.5", MESH_DBZ_DATE, 0, "ERR: a Debezium date or time 1.5 is not a whole number");
	EXPECT("45000000", MESH_DBZ_TIME_MS, 0, "12:30:00.000000");
	EXPECT("86400000001", MESH_DBZ_TIME_US, 0, "ERR: Debezium date or time 86400000001 is out of range");
	EXPECT("3723000000999", MESH_DBZ_TIME_NS, 0, "01:02:03.000000");
	EXPECT("1767225600123", MESH_DBZ_TIMESTAMP_MS, 0, "2026-01-01 00:00:00.123000+00");
	EXPECT("-1", MESH_DBZ_TIMESTAMP_US, 0, "1969-12-31 23:59:59.999999+00");
	EXPECT("-1", MESH_DBZ_TIMESTAMP_NS, 0, "1969-12-31 23:59:59.999999+00");
	EXPECT("\"2026-01-01T12:00:00Z\"", MESH_DBZ_ZONED_TIMESTAMP, 0, "AS IS");
	EXPECT("\"BNI=\"", MESH_DBZ_DECIMAL, 2, "12.34");
	EXPECT("\"\\\\xfb2e\"", MESH_DBZ_DECIMAL, 2, "-12.34");
	EXPECT("12.34", MESH_DBZ_DECIMAL, 2, "AS IS");
	EXPECT("\"*\"", MESH_DBZ_DECIMAL, 2, "ERR: a Debezium decimal is not bytes");
	/* base64 with text after its padding is refused, not cut at the padding */
	EXPECT("\"QQ==QUJD\"", MESH_DBZ_DECIMAL, 0, "ERR: a Debezium decimal is not bytes");
	EXPECT("\"QQ==\"", MESH_DBZ_DECIMAL, 0, "65");
	EXPECT("{\"scale\":3,\"value\":\"MDk=\"}", MESH_DBZ_VARIABLE_DECIMAL, 0, "12.345");
	/* a scale beyond int is refused, not wrapped around (fuzz_debezium) */
	EXPECT("{\"scale\":4294967298,\"value\":\"AQ==\"}", MESH_DBZ_VARIABLE_DECIMAL, 0,
		   "ERR: a Debezium decimal has scale 4294967298");
	EXPECT("{\"value\":\"MDk=\"}", MESH_DBZ_VARIABLE_DECIMAL, 0,
		   "ERR: a Debezium variable-scale decimal has no \"scale\"");
	EXPECT("7", MESH_DBZ_NONE, 0, "AS IS");
	CHECK(strcmp(mesh_dbz_pg_type(mesh_dbz_encoding("io.debezium.time.MicroTimestamp")), "timestamp") == 0 &&
		  strcmp(mesh_dbz_pg_type(mesh_dbz_encoding("org.apache.kafka.connect.data.Timestamp")), "timestamptz") == 0 &&
		  mesh_dbz_pg_type(mesh_dbz_encoding("io.debezium.data.Json")) == NULL,
		  "PostgreSQL types of the encodings");
}

static void
test_schemas(void)
{
	MeshDbzFields f;
	char		err[256];
	const MeshDbzField *b;

	/* Avro: after names the record before defined */
	CHECK(mesh_dbz_fields(json("{\"type\":\"record\",\"name\":\"Envelope\",\"namespace\":\"s.t\",\"fields\":["
							   "{\"name\":\"before\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"Value\",\"fields\":["
							   "{\"name\":\"id\",\"type\":\"int\"},"
							   "{\"name\":\"d\",\"type\":[\"null\",{\"type\":\"int\",\"connect.name\":\"io.debezium.time.Date\"}]},"
							   "{\"name\":\"b\",\"type\":{\"type\":\"bytes\",\"connect.parameters\":{\"scale\":\"3\"},"
							   "\"connect.name\":\"org.apache.kafka.connect.data.Decimal\"}}]}]},"
							   "{\"name\":\"after\",\"type\":[\"null\",\"s.t.Value\"]},"
							   "{\"name\":\"op\",\"type\":\"string\"}]}"),
						  true, &f, err, sizeof(err)), "Avro envelope: %s", err);
	CHECK(f.nfields == 2, "two encoded fields, not %d", f.nfields);
	CHECK(mesh_dbz_field(&f, "id") == NULL, "id is not encoded");
	CHECK(mesh_dbz_field(&f, "d") && mesh_dbz_field(&f, "d")->encoding == MESH_DBZ_DATE, "d is a date");
	b = mesh_dbz_field(&f, "b");
	CHECK(b && b->encoding == MESH_DBZ_DECIMAL && b->scale == 3, "b is a decimal of scale 3");

	/* Connect's JSON schema */
	CHECK(mesh_dbz_fields(json("{\"type\":\"struct\",\"fields\":["
							   "{\"type\":\"struct\",\"field\":\"after\",\"fields\":["
							   "{\"type\":\"int64\",\"field\":\"t\",\"name\":\"io.debezium.time.MicroTimestamp\"},"
							   "{\"type\":\"bytes\",\"field\":\"m\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
							   "\"parameters\":{\"scale\":\"2\"}}]},"
							   "{\"type\":\"string\",\"field\":\"op\"}]}"),
						  false, &f, err, sizeof(err)), "Connect envelope: %s", err);
	CHECK(mesh_dbz_field(&f, "t") && mesh_dbz_field(&f, "t")->encoding == MESH_DBZ_TIMESTAMP_US,
		  "t is a micro timestamp");
	CHECK(mesh_dbz_field(&f, "m") && mesh_dbz_field(&f, "m")->scale == 2, "m has scale 2");

	/* a scale beyond int or not an integer: -1, refused when a value is read */
	CHECK(mesh_dbz_fields(json("{\"type\":\"struct\",\"fields\":["
							   "{\"type\":\"struct\",\"field\":\"after\",\"fields\":["
							   "{\"type\":\"bytes\",\"field\":\"w\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
							   "\"parameters\":{\"scale\":\"4294967298\"}},"
							   "{\"type\":\"bytes\",\"field\":\"x\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
							   "\"parameters\":{\"scale\":\"2x\"}},"
							   "{\"type\":\"bytes\",\"field\":\"y\",\"name\":\"org.apache.kafka.connect.data.Decimal\","
							   "\"scale\":4294967298}]},"
							   "{\"type\":\"string\",\"field\":\"op\"}]}"),
						  false, &f, err, sizeof(err)), "Connect envelope, bad scales: %s", err);
	CHECK(mesh_dbz_field(&f, "w") && mesh_dbz_field(&f, "w")->scale == -1 &&
		  mesh_dbz_field(&f, "x") && mesh_dbz_field(&f, "x")->scale == -1 &&
		  mesh_dbz_field(&f, "y") && mesh_dbz_field(&f, "y")->scale == -1,
		  "scales beyond int or not integers are -1");

	/* not a change event */
	CHECK(!mesh_dbz_fields(json("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"after\",\"type\":\"int\"}]}"),
						   true, &f, err, sizeof(err)) &&
		  strstr(err, "no fields \"after\" and \"op\"") != NULL, "no op: %s", err);
	CHECK(!mesh_dbz_fields(json("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"after\",\"type\":\"int\"},"
								"{\"name\":\"op\",\"type\":\"string\"}]}"),
						   true, &f, err, sizeof(err)) &&
		  strstr(err, "\"after\" is not a record") != NULL, "after not a record: %s", err);
}

int
main(void)
{
	test_values();
	test_schemas();
	return test_report("test_debezium");
}
