/*-------------------------------------------------------------------------
 *
 * test_source.c
 *		  Unit tests of the encoder's sources (src/core/avro_source.c): a
 *		  MeshAvroValue and a JSON node seen through one view, and the
 *		  encoder (avro_write.c) taking the same value the same way from
 *		  either, or saying what it was given.
 *
 * Run by test/unit/run, outside the server.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_encode.h"
#include "core/avro_source.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static MeshJson *
json(const char *text)
{
	char		err[256];
	MeshJson   *j = mesh_json_parse(text, strlen(text), 0, err, sizeof(err));

	if (j == NULL)
	{
		fprintf(stderr, "bad test JSON: %s\n%s\n", err, text);
		exit(2);
	}
	return j;
}

static const char *
describe(const MeshSrc *src, bool definite)
{
	static char buf[64];

	return mesh_src_describe(src, definite, buf, sizeof(buf));
}

static void
test_values(void)
{
	MeshAvroValue v;
	MeshAvroValue items[2];
	MeshSrc		s;
	MeshSrc		item;

	test_case = "values";
	memset(&v, 0, sizeof(v));
	v.kind = AVRO_LONG;
	v.integer = 42;
	mesh_src_from_value(&s, &v);
	CHECK(s.kind == MESH_SRC_INTEGER && s.integer == 42 && !s.json, "an integer");
	CHECK(strcmp(describe(&s, false), "an integer value") == 0, "%s", describe(&s, false));
	v.logical = AVRO_LT_TIMESTAMP_MICROS;
	mesh_src_from_value(&s, &v);
	CHECK(s.logical == AVRO_LT_TIMESTAMP_MICROS &&
		  strcmp(describe(&s, true), "a timestamp value") == 0, "%s", describe(&s, true));

	/* is_null wins over the kind */
	v.is_null = true;
	mesh_src_from_value(&s, &v);
	CHECK(s.kind == MESH_SRC_NULL, "is_null");

	/* text, bytes; no data is the empty string */
	memset(&v, 0, sizeof(v));
	v.kind = AVRO_ENUM;
	mesh_src_from_value(&s, &v);
	CHECK(s.kind == MESH_SRC_TEXT && s.data != NULL && s.len == 0, "an enum is text");
	v.kind = AVRO_FIXED;
	v.data = "ab";
	v.len = 2;
	mesh_src_from_value(&s, &v);
	CHECK(s.kind == MESH_SRC_BYTES && s.len == 2 && strcmp(describe(&s, false), "a bytes value") == 0,
		  "a fixed is bytes");

	/* JSON kinds are JSON text */
	v.kind = MESH_AVRO_JSON;
	v.data = "{\"a\":1}";
	v.len = 7;
	mesh_src_from_value(&s, &v);
	CHECK(s.kind == MESH_SRC_JSON_TEXT && s.len == 7, "JSON text");
	v.kind = AVRO_MAP;
	v.data = NULL;
	mesh_src_from_value(&s, &v);
	CHECK(s.kind == MESH_SRC_JSON_TEXT && s.len == 0 && strcmp(s.data, "") == 0, "no JSON text");
	v.kind = (MeshAvroKind) 99;
	mesh_src_from_value(&s, &v);
	CHECK(s.kind == MESH_SRC_OTHER && strcmp(describe(&s, false), "a JSON value") == 0,
		  "an unknown kind: %s", describe(&s, false));

	/* items */
	memset(items, 0, sizeof(items));
	items[0].kind = AVRO_DOUBLE;
	items[0].real = 2.5;
	items[1].kind = AVRO_STRING;
	items[1].data = "x";
	items[1].len = 1;
	memset(&v, 0, sizeof(v));
	v.kind = AVRO_ARRAY;
	v.nitems = 2;
	v.items = items;
	mesh_src_from_value(&s, &v);
	CHECK(s.kind == MESH_SRC_ITEMS && s.count == 2, "an array");
	mesh_src_item(&s, 0, &item);
	CHECK(item.kind == MESH_SRC_REAL && item.real == 2.5, "item 0");
	mesh_src_item(&s, 1, &item);
	CHECK(item.kind == MESH_SRC_TEXT && item.len == 1, "item 1");
}

static void
test_json(void)
{
	MeshJson   *j = json("{\"n\":1.5e3,\"i\":-7,\"s\":\"\\\\x01\",\"a\":[true,null],\"o\":{}}");
	MeshSrc		s;
	MeshSrc		m;
	MeshSrc		item;

	test_case = "JSON";
	mesh_src_from_json(&s, j);
	CHECK(s.kind == MESH_SRC_OBJECT && s.json && s.count == 5, "an object");
	CHECK(strcmp(describe(&s, false), "a JSON object") == 0 &&
		  strcmp(describe(&s, true), "the JSON object") == 0, "%s", describe(&s, true));
	mesh_src_item(&s, 0, &m);
	CHECK(strcmp(s.keys[0], "n") == 0 && m.kind == MESH_SRC_NUMBER && !m.is_integer &&
		  strcmp(m.data, "1.5e3") == 0 && m.len == 5 && mesh_src_number(&m) == 1500.0,
		  "a number keeps its text");
	mesh_src_item(&s, 1, &m);
	CHECK(m.kind == MESH_SRC_NUMBER && m.is_integer && m.integer == -7, "an integer number");
	mesh_src_item(&s, 2, &m);
	CHECK(m.kind == MESH_SRC_STRING && m.len == 4, "a string");
	mesh_src_item(&s, 3, &m);
	CHECK(m.kind == MESH_SRC_ITEMS && m.count == 2, "an array");
	mesh_src_item(&m, 0, &item);
	CHECK(item.kind == MESH_SRC_BOOLEAN && item.boolean, "true");
	mesh_src_item(&m, 1, &item);
	CHECK(item.kind == MESH_SRC_NULL, "null");
	mesh_src_from_json_text(&s, NULL, 5);
	CHECK(s.kind == MESH_SRC_JSON_TEXT && s.len == 0, "no text");
}

/* One field "v" of the given type; encode a value, hex or the error. */
static const char *
encode(const char *type, const MeshAvroValue *v, MeshAvroShape shape)
{
	static char result[600];
	char		text[1024];
	char		err[512];
	MeshAvroSlot slot = {.name = "v",.shape = shape,.needed = true};
	MeshAvroTarget source = {.nslots = 1,.slots = &slot};
	MeshAvroEncoder *enc;
	MeshBuf		out;
	size_t		i;

	snprintf(text, sizeof(text),
			 "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"v\",\"type\":%s}]}", type);
	enc = mesh_avro_encoder_create(schema(text), &source, err, sizeof(err));
	if (enc == NULL)
		return "(no encoder)";
	memset(&out, 0, sizeof(out));
	if (!mesh_avro_encode(enc, v, &out, err, sizeof(err)))
	{
		snprintf(result, sizeof(result), "%s", err);
		return result;
	}
	result[0] = '\0';
	for (i = 0; i < out.len && 2 * i + 3 < sizeof(result); i++)
		snprintf(result + 2 * i, 3, "%02x", (unsigned char) out.data[i]);
	return result;
}

/* The same value from a MeshAvroValue and from JSON text: the same bytes. */
static void
same(const char *type, const MeshAvroValue *v, const char *json_text, const char *hex)
{
	MeshAvroValue j;
	char		first[600];
	const char *second;

	memset(&j, 0, sizeof(j));
	j.kind = AVRO_STRING;
	j.data = json_text;
	j.len = strlen(json_text);
	snprintf(first, sizeof(first), "%s", encode(type, v, MESH_SHAPE_SCALAR));
	second = encode(type, &j, MESH_SHAPE_JSON);
	CHECK(strcmp(first, hex) == 0 && strcmp(second, hex) == 0,
		  "%s %s: value %s, JSON %s, expected %s", type, json_text, first, second, hex);
}

static void
test_one_encoder(void)
{
	MeshAvroValue v;
	MeshAvroValue items[2];

	test_case = "one encoder";
	memset(&v, 0, sizeof(v));
	v.kind = AVRO_LONG;
	v.integer = 3;
	same("\"long\"", &v, "3", "06");
	same("\"double\"", &v, "3", "0000000000000840");
	same("[\"null\",\"string\",\"int\"]", &v, "3", "0406");
	same("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":4,\"scale\":1}", &v, "3",
		 "021e");

	memset(&v, 0, sizeof(v));
	v.kind = AVRO_STRING;
	v.data = "2024-01-02";
	v.len = 10;
	same("{\"type\":\"int\",\"logicalType\":\"date\"}", &v, "\"2024-01-02\"", "98b402");
	v.data = "GREEN";
	v.len = 5;
	same("{\"type\":\"enum\",\"name\":\"C\",\"symbols\":[\"RED\",\"GREEN\"]}", &v, "\"GREEN\"", "02");

	memset(items, 0, sizeof(items));
	items[0].kind = AVRO_INT;
	items[0].integer = 1;
	items[1].is_null = true;
	memset(&v, 0, sizeof(v));
	v.kind = AVRO_ARRAY;
	v.nitems = 2;
	v.items = items;
	same("{\"type\":\"array\",\"items\":[\"null\",\"int\"]}", &v, "[1,null]", "0402020000");

	/* where the sources differ, and what the messages say */
	memset(&v, 0, sizeof(v));
	v.kind = AVRO_STRING;
	v.data = "\\x01";
	v.len = 4;
	CHECK(strcmp(encode("\"bytes\"", &v, MESH_SHAPE_SCALAR), "085c783031") == 0,
		  "text into bytes is the bytes: %s", encode("\"bytes\"", &v, MESH_SHAPE_SCALAR));
	v.data = "\"\\\\x01\"";
	v.len = strlen(v.data);
	CHECK(strcmp(encode("\"bytes\"", &v, MESH_SHAPE_JSON), "0201") == 0,
		  "a JSON string into bytes is hex: %s", encode("\"bytes\"", &v, MESH_SHAPE_JSON));
	v.data = "true";
	v.len = 4;
	CHECK(strcmp(encode("\"int\"", &v, MESH_SHAPE_JSON),
				 "a JSON boolean cannot be written to field \"v\" (Avro int)") == 0,
		  "%s", encode("\"int\"", &v, MESH_SHAPE_JSON));
	memset(&v, 0, sizeof(v));
	v.kind = AVRO_INT;
	v.logical = AVRO_LT_DATE;
	CHECK(strcmp(encode("\"int\"", &v, MESH_SHAPE_SCALAR),
				 "a date value cannot be written to field \"v\" (Avro int)") == 0,
		  "%s", encode("\"int\"", &v, MESH_SHAPE_SCALAR));
	CHECK(strcmp(encode("[\"null\",\"string\",\"boolean\"]", &v, MESH_SHAPE_SCALAR),
				 "no branch of field \"v\" (Avro union [null, string, boolean]) takes a date value") == 0,
		  "%s", encode("[\"null\",\"string\",\"boolean\"]", &v, MESH_SHAPE_SCALAR));
	v.kind = AVRO_STRING;
	v.data = "[1.5]";
	v.len = 5;
	CHECK(strcmp(encode("[\"null\",\"string\",\"boolean\"]", &v, MESH_SHAPE_JSON),
				 "no branch of field \"v\" (Avro union [null, string, boolean]) takes the JSON array") == 0,
		  "%s", encode("[\"null\",\"string\",\"boolean\"]", &v, MESH_SHAPE_JSON));
}

int
main(void)
{
	test_values();
	test_json();
	test_one_encoder();
	return test_report("test_source");
}
