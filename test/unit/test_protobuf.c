/*-------------------------------------------------------------------------
 *
 * test_protobuf.c
 *		  Unit tests of the Protobuf schema parser and message decoder
 *		  (src/core/protobuf_schema.c, src/core/protobuf_decode.c).
 *
 * Run by test/unit/run with test/data: protobuf/order.proto is the schema
 * as text, protobuf/order.b64 the same file as the base64 of the
 * FileDescriptorProto that protoc (grpcio-tools) made of it, as Python's
 * ProtobufSerializer registers it.  Messages are encoded here by hand.
 *
 *-------------------------------------------------------------------------
 */
#include "core/protobuf.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *datadir = "test/data";

static char *
read_data(const char *name, size_t *len)
{
	char		path[512];
	FILE	   *f;
	char	   *buf;
	long		n;

	snprintf(path, sizeof(path), "%s/protobuf/%s", datadir, name);
	f = fopen(path, "rb");
	if (f == NULL)
	{
		fprintf(stderr, "cannot open %s\n", path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t) n + 1);
	if (fread(buf, 1, (size_t) n, f) != (size_t) n)
		exit(2);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t) n;
	return buf;
}

/* A message under construction */
typedef struct Enc
{
	uint8_t		b[1024];
	size_t		n;
} Enc;

static void
put_varint(Enc *e, uint64_t v)
{
	while (v >= 0x80)
	{
		e->b[e->n++] = (uint8_t) (v | 0x80);
		v >>= 7;
	}
	e->b[e->n++] = (uint8_t) v;
}

static void
put_tag(Enc *e, int field, int wt)
{
	put_varint(e, ((uint64_t) field << 3) | (uint64_t) wt);
}

static void
put_bytes(Enc *e, int field, const void *p, size_t n)
{
	put_tag(e, field, 2);
	put_varint(e, n);
	memcpy(e->b + e->n, p, n);
	e->n += n;
}

static void
put_fixed(Enc *e, int field, uint64_t v, int size)
{
	put_tag(e, field, size == 8 ? 1 : 5);
	for (int i = 0; i < size; i++)
		e->b[e->n++] = (uint8_t) (v >> (8 * i));
}

static const char *slot_names[] = {
	"id", "name", "status", "packed_ints", "unpacked_ints", "counts", "maybe", "at",
	"wrapped", "big", "text", "line", "first_line", "delta", "ratio", "blob", "took",
	"flag", "tags", "total", "score", "note", "lines", "missing"
};
#define NSLOTS ((int) (sizeof(slot_names) / sizeof(slot_names[0])))

static MeshAvroTarget *
target(void)
{
	static MeshAvroSlot slots[NSLOTS];
	static MeshAvroTarget t = {NSLOTS, slots};

	for (int i = 0; i < NSLOTS; i++)
	{
		slots[i].name = slot_names[i];
		slots[i].needed = true;
		slots[i].shape = MESH_SHAPE_SCALAR;
	}
	slots[3].shape = slots[4].shape = slots[18].shape = MESH_SHAPE_ARRAY;
	slots[5].shape = slots[11].shape = slots[12].shape = slots[22].shape = MESH_SHAPE_JSON;
	return &t;
}

static int
slot(const char *name)
{
	for (int i = 0; i < NSLOTS; i++)
		if (strcmp(slot_names[i], name) == 0)
			return i;
	abort();
}

static bool
str_is(const MeshAvroValue *v, const char *s)
{
	return v->present && !v->is_null && v->data != NULL && v->len == strlen(s) &&
		memcmp(v->data, s, v->len) == 0;
}

/* decode from an exact-size copy, so that ASan sees any overread */
static bool
decode(MeshPbProgram *prog, const Enc *e, MeshAvroValue *values, char *err)
{
	static uint8_t *copy;

	free(copy);
	copy = malloc(e->n > 0 ? e->n : 1);
	memcpy(copy, e->b, e->n);
	return mesh_pb_decode(prog, copy, e->n, values, err, 256);
}

static void
full_message(Enc *e)
{
	Enc			sub = {0},
				entry = {0};
	int32_t		packed[] = {1, -2, 300};

	e->n = 0;
	put_tag(e, 1, 0);
	put_varint(e, 42);
	put_bytes(e, 2, "café", strlen("café"));
	put_tag(e, 3, 0);
	put_varint(e, 2);			/* SHIPPED */
	for (int i = 0; i < 3; i++)
		put_varint(&sub, (uint64_t) (int64_t) packed[i]);
	put_bytes(e, 4, sub.b, sub.n);
	put_tag(e, 5, 0);
	put_varint(e, 7);
	put_tag(e, 5, 0);
	put_varint(e, 8);
	/* counts: {"a": 5} */
	put_bytes(&entry, 1, "a", 1);
	put_tag(&entry, 2, 0);
	put_varint(&entry, 5);
	put_bytes(e, 6, entry.b, entry.n);
	put_tag(e, 7, 0);
	put_varint(e, 0);			/* maybe = 0, present */
	/* at: 2024-01-02T03:04:05.123456789Z */
	sub.n = 0;
	put_tag(&sub, 1, 0);
	put_varint(&sub, 1704164645);
	put_tag(&sub, 2, 0);
	put_varint(&sub, 123456789);
	put_bytes(e, 8, sub.b, sub.n);
	/* wrapped: present, value 0 (absent inside) */
	put_bytes(e, 9, "", 0);
	put_tag(e, 10, 0);
	put_varint(e, UINT64_C(18446744073709551615));
	/* line (oneof) */
	sub.n = 0;
	put_bytes(&sub, 1, "X1", 2);
	put_tag(&sub, 2, 0);
	put_varint(&sub, 3);
	put_bytes(e, 12, sub.b, sub.n);
	put_tag(e, 14, 0);
	put_varint(e, 3);			/* sint32 -2 */
	put_fixed(e, 15, 0x3FF8000000000000, 8);	/* 1.5 */
	put_bytes(e, 16, "\x00\xff", 2);
	sub.n = 0;
	put_tag(&sub, 1, 0);
	put_varint(&sub, (uint64_t) (int64_t) -90);
	put_tag(&sub, 2, 0);
	put_varint(&sub, (uint64_t) (int64_t) -500000000);
	put_bytes(e, 17, sub.b, sub.n);
	put_tag(e, 18, 0);
	put_varint(e, 1);
	put_bytes(e, 19, "x", 1);
	put_bytes(e, 19, "", 0);
	/* an unknown field of each wire type, and an unknown group */
	put_tag(e, 100, 0);
	put_varint(e, 99);
	put_fixed(e, 101, 1, 8);
	put_fixed(e, 102, 1, 4);
	put_bytes(e, 103, "zz", 2);
	put_tag(e, 104, 3);
	put_tag(e, 1, 0);
	put_varint(e, 1);
	put_tag(e, 104, 4);
	put_tag(e, 20, 0);
	put_varint(e, UINT64_C(0xFFFFFFFFFFFFFFFF));	/* int64 -1 */
	put_fixed(e, 21, 0x40200000, 4);	/* 2.5f */
	put_bytes(e, 22, "\x0a\x01n", 3);
}

static void
check_full(const MeshPbFile *file, const char *what)
{
	MeshPbProgram *prog;
	MeshAvroValue values[NSLOTS];
	char		err[256] = "";
	Enc			e;
	const MeshAvroValue *v;
	static const uint8_t max_u64[9] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	prog = mesh_pb_compile(file, mesh_pb_message_by_name(file, "shop.Order"), target(),
						   err, sizeof(err));
	CHECK(prog != NULL, "%s: compile: %s", what, err);
	if (prog == NULL)
		return;
	full_message(&e);
	CHECK(decode(prog, &e, values, err), "%s: decode: %s", what, err);
	v = &values[slot("id")];
	CHECK(v->kind == AVRO_INT && v->integer == 42, "%s: id", what);
	CHECK(str_is(&values[slot("name")], "café"), "%s: name", what);
	CHECK(values[slot("status")].kind == AVRO_ENUM && str_is(&values[slot("status")], "SHIPPED"),
		  "%s: status", what);
	v = &values[slot("packed_ints")];
	CHECK(v->kind == AVRO_ARRAY && v->nitems == 3 && v->items[0].integer == 1 &&
		  v->items[1].integer == -2 && v->items[2].integer == 300, "%s: packed", what);
	v = &values[slot("unpacked_ints")];
	CHECK(v->nitems == 2 && v->items[0].integer == 7 && v->items[1].integer == 8,
		  "%s: unpacked", what);
	CHECK(str_is(&values[slot("counts")], "{\"a\":5}"), "%s: counts %s", what,
		  values[slot("counts")].data);
	v = &values[slot("maybe")];
	CHECK(!v->is_null && v->integer == 0, "%s: maybe present as 0", what);
	v = &values[slot("at")];
	CHECK(v->logical == AVRO_LT_TIMESTAMP_MICROS && v->integer == INT64_C(1704164645123456),
		  "%s: at %lld", what, (long long) v->integer);
	v = &values[slot("wrapped")];
	CHECK(!v->is_null && v->kind == AVRO_INT && v->integer == 0, "%s: wrapped 0", what);
	v = &values[slot("big")];
	CHECK(v->logical == AVRO_LT_DECIMAL && v->len == 9 && memcmp(v->data, max_u64, 9) == 0,
		  "%s: uint64 max", what);
	CHECK(values[slot("text")].is_null, "%s: text (other oneof member) null", what);
	CHECK(str_is(&values[slot("line")], "{\"sku\":\"X1\",\"qty\":3}"), "%s: line %s", what,
		  values[slot("line")].data);
	CHECK(values[slot("first_line")].is_null, "%s: absent message null", what);
	CHECK(values[slot("delta")].integer == -2, "%s: sint32", what);
	CHECK(values[slot("ratio")].kind == AVRO_DOUBLE && values[slot("ratio")].real == 1.5,
		  "%s: double", what);
	v = &values[slot("blob")];
	CHECK(v->kind == AVRO_BYTES && v->len == 2 && memcmp(v->data, "\x00\xff", 2) == 0,
		  "%s: bytes", what);
	CHECK(str_is(&values[slot("took")], "-90.500000000 seconds"), "%s: duration %.*s", what,
		  (int) values[slot("took")].len, values[slot("took")].data);
	CHECK(values[slot("flag")].boolean, "%s: bool", what);
	v = &values[slot("tags")];
	CHECK(v->nitems == 2 && str_is(&v->items[0], "x") && v->items[1].len == 0, "%s: tags", what);
	CHECK(values[slot("total")].kind == AVRO_LONG && values[slot("total")].integer == -1,
		  "%s: int64 -1", what);
	CHECK(values[slot("score")].kind == AVRO_FLOAT && values[slot("score")].real == 2.5,
		  "%s: float", what);
	CHECK(str_is(&values[slot("note")], "n"), "%s: StringValue", what);
	CHECK(str_is(&values[slot("lines")], "[]"), "%s: no lines", what);
	CHECK(values[slot("missing")].is_null, "%s: a slot the message lacks", what);

	/* absent fields: zero values without presence, NULL with */
	e.n = 0;
	CHECK(decode(prog, &e, values, err), "%s: empty: %s", what, err);
	CHECK(!values[slot("id")].is_null && values[slot("id")].integer == 0, "%s: zero id", what);
	CHECK(str_is(&values[slot("name")], ""), "%s: zero name", what);
	CHECK(str_is(&values[slot("status")], "UNKNOWN"), "%s: zero enum", what);
	CHECK(values[slot("packed_ints")].nitems == 0 && !values[slot("packed_ints")].is_null,
		  "%s: empty array", what);
	CHECK(str_is(&values[slot("counts")], "{}"), "%s: empty map", what);
	CHECK(values[slot("maybe")].is_null, "%s: optional absent null", what);
	CHECK(values[slot("at")].is_null && values[slot("wrapped")].is_null &&
		  values[slot("note")].is_null && values[slot("took")].is_null,
		  "%s: well-known types absent null", what);
	CHECK(values[slot("text")].is_null && values[slot("line")].is_null, "%s: oneof null", what);
	v = &values[slot("big")];
	CHECK(v->logical == AVRO_LT_DECIMAL && v->len == 9 && v->data[8] == 0, "%s: zero uint64", what);

	/* nested message with a nested message inside JSON */
	{
		Enc			line = {0};

		e.n = 0;
		put_bytes(&line, 1, "a\"b", 3);
		put_bytes(&e, 23, line.b, line.n);
		put_bytes(&e, 23, "", 0);
		CHECK(decode(prog, &e, values, err), "%s: lines: %s", what, err);
		CHECK(str_is(&values[slot("lines")], "[{\"sku\":\"a\\\"b\",\"qty\":0},{\"sku\":\"\",\"qty\":0}]"),
			  "%s: lines %s", what, values[slot("lines")].data);
	}

	/* bad messages */
	e.n = 0;
	put_tag(&e, 1, 0);
	e.b[e.n++] = 0x80;			/* truncated varint */
	CHECK(!decode(prog, &e, values, err) && strstr(err, "truncated varint") != NULL,
		  "%s: truncated varint: %s", what, err);
	e.n = 0;
	put_bytes(&e, 1, "x", 1);	/* id as LEN */
	CHECK(!decode(prog, &e, values, err) && strstr(err, "wire type") != NULL,
		  "%s: wrong wire type: %s", what, err);
	e.n = 0;
	put_tag(&e, 2, 2);
	put_varint(&e, 5);
	e.b[e.n++] = 'a';			/* length beyond */
	CHECK(!decode(prog, &e, values, err) && strstr(err, "beyond") != NULL,
		  "%s: length beyond: %s", what, err);
	e.n = 0;
	put_bytes(&e, 2, "\xff", 1);
	CHECK(!decode(prog, &e, values, err) && strstr(err, "UTF-8") != NULL,
		  "%s: invalid UTF-8: %s", what, err);
	e.n = 0;
	put_tag(&e, 100, 3);		/* unterminated unknown group */
	CHECK(!decode(prog, &e, values, err), "%s: unterminated group", what);
	e.n = 0;
	for (int i = 0; i < 11; i++)
		e.b[e.n++] = 0xff;		/* an 11-byte varint */
	CHECK(!decode(prog, &e, values, err), "%s: overlong varint", what);
	mesh_pb_program_free(prog);
}

static void
check_model(const MeshPbFile *f, const char *what)
{
	int			order = mesh_pb_message_by_name(f, "shop.Order");
	int32_t		idx[MESH_PB_MAX_INDEXES];
	const MeshPbMessage *m;

	CHECK(f->ntop == 2, "%s: two top-level messages (%d)", what, f->ntop);
	CHECK(order >= 0 && mesh_pb_message_by_name(f, "Order") == order, "%s: Order by name", what);
	CHECK(mesh_pb_message_by_indexes(f, (int32_t[]) {0}, 1) == order, "%s: [0] is Order", what);
	CHECK(mesh_pb_message_by_indexes(f, (int32_t[]) {1}, 1) ==
		  mesh_pb_message_by_name(f, "shop.Other"), "%s: [1] is Other", what);
	CHECK(mesh_pb_message_by_indexes(f, (int32_t[]) {0, 0}, 2) ==
		  mesh_pb_message_by_name(f, "shop.Order.Line"), "%s: [0,0] is Order.Line", what);
	CHECK(mesh_pb_message_by_indexes(f, (int32_t[]) {2}, 1) == -1, "%s: [2] none", what);
	CHECK(mesh_pb_message_indexes(f, mesh_pb_message_by_name(f, "shop.Order.Line"), idx) == 2 &&
		  idx[0] == 0 && idx[1] == 0, "%s: indexes of Order.Line", what);
	if (order < 0)
		return;
	m = &f->messages[order];
	CHECK(m->nfields == 23, "%s: 23 fields (%d)", what, m->nfields);
	for (int i = 0; i < m->nfields; i++)
	{
		const MeshPbField *fl = &m->fields[i];

		if (strcmp(fl->name, "maybe") == 0 || strcmp(fl->name, "text") == 0)
			CHECK(fl->presence, "%s: %s has presence", what, fl->name);
		if (strcmp(fl->name, "id") == 0 || strcmp(fl->name, "status") == 0)
			CHECK(!fl->presence, "%s: %s has no presence", what, fl->name);
		if (strcmp(fl->name, "at") == 0)
			CHECK(fl->wkt == PB_WKT_TIMESTAMP, "%s: at is a Timestamp", what);
		if (strcmp(fl->name, "counts") == 0)
			CHECK(fl->repeated && fl->message >= 0 && f->messages[fl->message].map_entry,
				  "%s: counts is a map", what);
	}
}

static void
test_schemas(void)
{
	char		err[256] = "";
	size_t		len;
	char	   *text = read_data("order.proto", &len);
	char	   *b64;
	MeshPbFile *f;

	f = mesh_pb_parse(text, len, err, sizeof(err));
	CHECK(f != NULL, "order.proto: %s", err);
	if (f)
	{
		CHECK(f->proto3 && strcmp(f->package, "shop") == 0, "proto3, package shop");
		check_model(f, "text");
		check_full(f, "text");
	}
	free(text);
	b64 = read_data("order.b64", &len);
	f = mesh_pb_parse(b64, len, err, sizeof(err));
	CHECK(f != NULL, "order.b64: %s", err);
	if (f)
	{
		CHECK(f->proto3 && strcmp(f->package, "shop") == 0, "descriptor: proto3, package shop");
		check_model(f, "descriptor");
		check_full(f, "descriptor");
	}
	free(b64);
}

static void
expect_parse_error(const char *text, const char *fragment)
{
	char		err[256] = "";
	MeshPbFile *f = mesh_pb_parse(text, strlen(text), err, sizeof(err));

	CHECK(f == NULL && strstr(err, fragment) != NULL, "\"%s\": expected \"%s\", got \"%s\"",
		  text, fragment, f ? "success" : err);
}

static void
test_proto2_and_errors(void)
{
	const char *p2 =
		"syntax = \"proto2\";\n"
		"/* block */ package a.b;\n"
		"option java_package = \"x.y\";\n"
		"message M {\n"
		"  optional int32 x = 1 [default = 5];\n"
		"  required string s = 2;\n"
		"  repeated int64 r = 3 [packed = true];\n"
		"  extensions 100 to 199;\n"
		"  reserved 4, 5; reserved \"old\";\n"
		"  optional .a.b.E e = 6;\n"
		"  message N { optional M m = 1; }\n"
		"  optional N n = 7;\n"
		"}\n"
		"enum E { option allow_alias = true; A = 1; B = 2; C = 2; }\n"
		"service S { rpc Get (M) returns (M) { option idempotency_level = NO_SIDE_EFFECTS; } }\n";
	char		err[256] = "";
	MeshPbFile *f = mesh_pb_parse(p2, strlen(p2), err, sizeof(err));
	MeshAvroSlot slots[] = {{.name = "x", .needed = true}, {.name = "e", .needed = true},
	{.name = "n", .needed = true, .shape = MESH_SHAPE_JSON}};
	MeshAvroTarget t = {3, slots};
	MeshAvroValue values[3];
	MeshPbProgram *prog;
	Enc			e = {0};

	CHECK(f != NULL, "proto2: %s", err);
	if (f == NULL)
		return;
	CHECK(!f->proto3 && f->ntop == 1, "proto2 file");
	prog = mesh_pb_compile(f, 0, &t, err, sizeof(err));
	e.n = 0;
	CHECK(prog && mesh_pb_decode(prog, e.b, 0, values, err, sizeof(err)), "proto2 empty: %s", err);
	CHECK(values[0].is_null && values[1].is_null && values[2].is_null,
		  "proto2 optional fields absent: NULL");
	put_tag(&e, 6, 0);
	put_varint(&e, 9);			/* an enum number it lacks */
	put_bytes(&e, 7, "\x0a\x00", 2);	/* n { m {} } */
	CHECK(mesh_pb_decode(prog, e.b, e.n, values, err, sizeof(err)), "proto2: %s", err);
	CHECK(values[1].kind == AVRO_INT && values[1].integer == 9, "unknown enum number as number");
	CHECK(str_is(&values[2], "{\"m\":{\"r\":[]}}"),
		  "proto2 nested: %s", values[2].data);
	mesh_pb_program_free(prog);

	expect_parse_error("syntax = \"proto3\"; message M { Missing m = 1; }", "not defined");
	expect_parse_error("syntax = \"proto3\"; message M { int32 a = 1; int32 b = 1; }", "two fields");
	expect_parse_error("syntax = \"proto3\"; message M { int32 a = 1 }", "expected \";\"");
	expect_parse_error("syntax = \"proto3\"; message M { int32 a = 1;", "end of the schema");
	expect_parse_error("syntax = \"proto4\";", "proto2");
	expect_parse_error("syntax = \"proto2\"; message M { optional group G = 1 { } }", "group");
	expect_parse_error("syntax = \"proto3\"; /* open", "unterminated comment");
	expect_parse_error("syntax = \"proto3\";", "no message");
	expect_parse_error("syntax = \"proto3\"; message M { map<double, int32> m = 1; }", "map");
	expect_parse_error("AAAA", "malformed");
	expect_parse_error("CgA=", "no message");
}

static void
test_indexes(void)
{
	int32_t		idx[MESH_PB_MAX_INDEXES];
	int			n;
	size_t		header;
	char		err[256];

	CHECK(mesh_pb_read_indexes((const uint8_t *) "\x00\x08", 2, idx, &n, &header, err, 256) &&
		  n == 1 && idx[0] == 0 && header == 1, "a single 0 is [0]");
	CHECK(mesh_pb_read_indexes((const uint8_t *) "\x04\x02\x04", 3, idx, &n, &header, err, 256) &&
		  n == 2 && idx[0] == 1 && idx[1] == 2 && header == 3, "[1, 2]");
	CHECK(!mesh_pb_read_indexes((const uint8_t *) "\x04\x02", 2, idx, &n, &header, err, 256),
		  "truncated list");
	CHECK(!mesh_pb_read_indexes((const uint8_t *) "\x01", 1, idx, &n, &header, err, 256),
		  "negative count");
	CHECK(!mesh_pb_read_indexes((const uint8_t *) "", 0, idx, &n, &header, err, 256),
		  "empty");
}

/* scopes, maps with message values and integer keys, JSON renderings */
static void
test_nested_and_json(void)
{
	const char *text =
		"syntax = \"proto3\";\n"
		"package p.q;\n"
		"import \"google/protobuf/timestamp.proto\";\n"
		"import \"google/protobuf/duration.proto\";\n"
		"message Outer {\n"
		"  enum Kind { NONE = 0; BIG = 5; }\n"
		"  message Inner { Kind kind = 1; google.protobuf.Timestamp at = 2;\n"
		"                  google.protobuf.Duration d = 3; uint64 u = 4; bytes b = 5; float f = 6; }\n"
		"  map<int32, Inner> by_id = 1;\n"
		"  repeated google.protobuf.Timestamp times = 2;\n"
		"  int32 plain = 3;\n"
		"  .p.q.Outer.Inner one = 4;\n"
		"}\n";
	char		err[256] = "";
	MeshPbFile *f = mesh_pb_parse(text, strlen(text), err, sizeof(err));
	MeshAvroSlot slots[] = {{.name = "by_id", .needed = true, .shape = MESH_SHAPE_JSON},
	{.name = "times", .needed = true, .shape = MESH_SHAPE_ARRAY},
	{.name = "plain", .needed = true, .shape = MESH_SHAPE_JSON},
	{.name = "one", .needed = true, .shape = MESH_SHAPE_JSON}};
	MeshAvroTarget t = {4, slots};
	MeshAvroValue values[4];
	MeshPbProgram *prog;
	Enc			e = {0},
				inner = {0},
				entry = {0},
				ts = {0};
	int			outer,
				in;

	CHECK(f != NULL, "nested: %s", err);
	if (f == NULL)
		return;
	outer = mesh_pb_message_by_name(f, "p.q.Outer");
	in = mesh_pb_message_by_name(f, "Outer.Inner");
	CHECK(outer >= 0 && in >= 0, "names with and without the package");
	CHECK(f->messages[in].fields[0].type == PB_ENUM &&
		  f->messages[in].fields[0].enumeration >= 0, "Kind resolved from Inner's scope outward");
	prog = mesh_pb_compile(f, outer, &t, err, sizeof(err));
	CHECK(prog != NULL, "compile: %s", err);
	if (prog == NULL)
		return;
	/*
	 * Inner { kind: BIG, at: 1970-01-01T00:00:01.5Z, d: 2.25s, u: 7, b: "hi",
	 * f: 1.1 }: the float as its shortest digits, as to_jsonb(real) shows it
	 */
	put_tag(&inner, 1, 0);
	put_varint(&inner, 5);
	put_tag(&ts, 1, 0);
	put_varint(&ts, 1);
	put_tag(&ts, 2, 0);
	put_varint(&ts, 500000000);
	put_bytes(&inner, 2, ts.b, ts.n);
	ts.n = 0;
	put_tag(&ts, 1, 0);
	put_varint(&ts, 2);
	put_tag(&ts, 2, 0);
	put_varint(&ts, 250000000);
	put_bytes(&inner, 3, ts.b, ts.n);
	put_tag(&inner, 4, 0);
	put_varint(&inner, 7);
	put_bytes(&inner, 5, "hi", 2);
	put_fixed(&inner, 6, 0x3F8CCCCD, 4);
	/* by_id { key: -3, value: inner } */
	put_tag(&entry, 1, 0);
	put_varint(&entry, (uint64_t) (int64_t) -3);
	put_bytes(&entry, 2, inner.b, inner.n);
	put_bytes(&e, 1, entry.b, entry.n);
	/* an entry with neither key nor value */
	put_bytes(&e, 1, "", 0);
	ts.n = 0;
	put_tag(&ts, 1, 0);
	put_varint(&ts, 86400);
	put_bytes(&e, 2, ts.b, ts.n);
	put_bytes(&e, 2, "", 0);
	put_bytes(&e, 4, inner.b, inner.n);
	CHECK(decode(prog, &e, values, err), "nested decode: %s", err);
	CHECK(str_is(&values[0],
				 "{\"-3\":{\"kind\":\"BIG\",\"at\":\"1970-01-01T00:00:01.500000Z\","
				 "\"d\":\"2.250000000s\",\"u\":7,\"b\":\"aGk=\",\"f\":1.1},\"0\":{}}"),
		  "map of messages: %s", values[0].data);
	CHECK(values[1].nitems == 2 && values[1].items[0].logical == AVRO_LT_TIMESTAMP_MICROS &&
		  values[1].items[0].integer == INT64_C(86400000000) && values[1].items[1].integer == 0,
		  "repeated Timestamp");
	CHECK(str_is(&values[2], "0"), "a scalar as JSON: %s", values[2].data);
	CHECK(values[3].data != NULL && strstr(values[3].data, "\"kind\":\"BIG\"") != NULL,
		  "fully qualified type name: %s", values[3].data);

	/* by_id {7: {u: 1}}, {8: {}}, {7: {u: 3}}: a key given twice keeps its last entry */
	e.n = 0;
	for (int i = 0; i < 3; i++)
	{
		entry.n = 0;
		inner.n = 0;
		put_tag(&entry, 1, 0);
		put_varint(&entry, i == 1 ? 8 : 7);
		if (i != 1)
		{
			put_tag(&inner, 4, 0);
			put_varint(&inner, (uint64_t) i + 1);
		}
		put_bytes(&entry, 2, inner.b, inner.n);
		put_bytes(&e, 1, entry.b, entry.n);
	}
	CHECK(decode(prog, &e, values, err), "duplicate map keys: %s", err);
	CHECK(str_is(&values[0], "{\"8\":{\"kind\":\"NONE\",\"u\":0,\"b\":\"\",\"f\":0},"
				 "\"7\":{\"kind\":\"NONE\",\"u\":3,\"b\":\"\",\"f\":0}}"),
		  "duplicate map keys, the last wins: %s", values[0].data);

	/* a Timestamp out of range, nanos out of range: bad messages */
	e.n = 0;
	ts.n = 0;
	put_tag(&ts, 1, 0);
	put_varint(&ts, UINT64_C(300000000000));
	put_bytes(&e, 2, ts.b, ts.n);
	CHECK(!decode(prog, &e, values, err) && strstr(err, "out of range") != NULL,
		  "Timestamp out of range: %s", err);
	e.n = 0;
	ts.n = 0;
	put_tag(&ts, 2, 0);
	put_varint(&ts, 1000000000);
	put_bytes(&e, 2, ts.b, ts.n);
	CHECK(!decode(prog, &e, values, err) && strstr(err, "nanos") != NULL, "nanos: %s", err);
	mesh_pb_program_free(prog);
}

/* recursion: nesting beyond MESH_PB_MAX_DEPTH makes a message bad */
static void
test_depth(void)
{
	const char *text = "syntax = \"proto3\"; message R { R r = 1; int32 x = 2; }";
	char		err[256] = "";
	MeshPbFile *f = mesh_pb_parse(text, strlen(text), err, sizeof(err));
	MeshAvroSlot slots[] = {{.name = "r", .needed = true, .shape = MESH_SHAPE_JSON}};
	MeshAvroTarget t = {1, slots};
	MeshAvroValue values[1];
	MeshPbProgram *prog = f ? mesh_pb_compile(f, 0, &t, err, sizeof(err)) : NULL;

	CHECK(prog != NULL, "recursive message: %s", err);
	if (prog == NULL)
		return;
	for (int levels = 10; levels <= MESH_PB_MAX_DEPTH + 10; levels += MESH_PB_MAX_DEPTH)
	{
		Enc			a = {0},
					b = {0};

		for (int i = 0; i < levels; i++)
		{
			b.n = 0;
			put_bytes(&b, 1, a.b, a.n);
			a = b;
		}
		if (levels < MESH_PB_MAX_DEPTH)
			CHECK(decode(prog, &a, values, err) && strncmp(values[0].data, "{\"r\":{\"r\":", 10) == 0,
				  "%d levels: %s", levels, err);
		else
			CHECK(!decode(prog, &a, values, err) && strstr(err, "deeper") != NULL,
				  "%d levels: %s", levels, err);
	}
	mesh_pb_program_free(prog);
}

int
main(int argc, char **argv)
{
	if (argc > 1)
		datadir = argv[1];
	test_schemas();
	test_proto2_and_errors();
	test_indexes();
	test_nested_and_json();
	test_depth();
	mesh_standalone_reset();
	return test_report("test_protobuf");
}
