/*-------------------------------------------------------------------------
 *
 * test_decode.c
 *		  Unit tests of the Avro decoder (src/core/avro_compile.c,
 *		  avro_decode.c, avro_render.c), outside the server.
 *
 * Most cases come from test/data/avro-vectors.json, written by
 * test/unit/gen_vectors.py: Avro binary from fastavro with the writer's and
 * reader's schemas and the expected values, computed by an independent
 * renderer from fastavro's reading.  Each vector is decoded three ways: all
 * slots as JSON (compared as text), each slot in its natural shape (scalars
 * and arrays compared with fastavro's raw values), and with no slot needed
 * (the bytes must still be validated).  Vectors marked "truncate" are also
 * decoded cut at every byte, and with a byte too many: all must fail.
 *
 * The rest are written here: defaults, decimals, slots sharing a field,
 * unit conversions, scratch-area bounds, and a mutation fuzz whose every
 * successful JSON rendering must be JSON that our strict parser accepts.
 *
 * Run by test/unit/run, built with AddressSanitizer where available; every
 * message is handed over in a malloc'd buffer of exactly its length.
 *
 *-------------------------------------------------------------------------
 */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------
 */

/* reader_target's slots: all as JSON, each in its natural shape, or none needed */
typedef enum
{
	TARGET_JSON,
	TARGET_NATURAL,
	TARGET_UNNEEDED
} TargetKind;

static MeshAvroTarget *
make_target(const MeshAvroType *writer, const MeshAvroType *reader, TargetKind kind)
{
	MeshAvroTarget *t = reader_target(writer, reader);
	int			i;

	for (i = 0; i < t->nslots; i++)
	{
		t->slots[i].needed = kind != TARGET_UNNEEDED;
		if (kind != TARGET_NATURAL)
			t->slots[i].shape = MESH_SHAPE_JSON;
	}
	return t;
}

/* Compare a scalar value with its raw expectation (see gen_vectors.py). */
static bool
raw_equal(const MeshJson *e, const MeshAvroValue *v, char *why, size_t whylen)
{
	const MeshJson *m;

	if (!v->present)
	{
		snprintf(why, whylen, "not present");
		return false;
	}
	if (e->type == MJ_NULL)
	{
		snprintf(why, whylen, "expected null, is_null=%d", v->is_null);
		return v->is_null;
	}
	if (v->is_null)
	{
		snprintf(why, whylen, "unexpected null");
		return false;
	}
	switch (e->type)
	{
		case MJ_BOOL:
			snprintf(why, whylen, "boolean %d, expected %d", v->boolean, e->boolean);
			return v->kind == AVRO_BOOLEAN && v->boolean == e->boolean;
		case MJ_NUMBER:
			snprintf(why, whylen, "integer %lld (kind %d), expected %s",
					 (long long) v->integer, v->kind, e->number);
			return (v->kind == AVRO_INT || v->kind == AVRO_LONG) &&
				e->is_integer && v->integer == e->integer;
		case MJ_STRING:
			snprintf(why, whylen, "string '%.*s' (kind %d), expected '%s'",
					 (int) v->len, v->data ? v->data : "", v->kind, e->string);
			return v->kind == AVRO_STRING && v->len == e->string_len &&
				memcmp(v->data, e->string, v->len) == 0;
		case MJ_OBJECT:
			if ((m = mesh_json_get(e, "f")) != NULL)
			{
				double		x = strtod(m->string, NULL);

				snprintf(why, whylen, "real %.17g (kind %d), expected %s",
						 v->real, v->kind, m->string);
				if (v->kind != AVRO_FLOAT && v->kind != AVRO_DOUBLE)
					return false;
				if (isnan(x))
					return isnan(v->real);
				return v->real == x;
			}
			if ((m = mesh_json_get(e, "x")) != NULL)
			{
				size_t		n;
				uint8_t    *b = unhex(m->string, &n);
				bool		ok = (v->kind == AVRO_BYTES || v->kind == AVRO_FIXED) &&
					v->len == n && (n == 0 || memcmp(v->data, b, n) == 0);

				snprintf(why, whylen, "bytes of length %zu (kind %d), expected %s",
						 v->len, v->kind, m->string);
				free(b);
				return ok;
			}
			if ((m = mesh_json_get(e, "e")) != NULL)
			{
				const MeshJson *idx = mesh_json_get(e, "i");

				snprintf(why, whylen, "enum %lld '%.*s', expected %s",
						 (long long) v->integer, (int) v->len, v->data ? v->data : "",
						 m->string);
				return v->kind == AVRO_ENUM && v->integer == idx->integer &&
					v->len == m->string_len && memcmp(v->data, m->string, v->len) == 0;
			}
			break;
		default:
			break;
	}
	snprintf(why, whylen, "unexpected expectation");
	return false;
}

/* A successful JSON rendering must be what our strict parser accepts. */
static void
check_json_valid(const MeshAvroValue *v, const char *field)
{
	char		err[256];
	MeshJson   *j;

	CHECK(v->data[v->len] == '\0', "field %s: JSON text not NUL-terminated", field);
	j = mesh_json_parse(v->data, v->len, 1000, err, sizeof(err));
	CHECK(j != NULL, "field %s: invalid JSON %.*s: %s", field, (int) v->len,
		  v->data, err);
}

/* ------------------------------------------------------------------------
 * The vectors
 * ------------------------------------------------------------------------
 */

static void
run_vector(const MeshJson *vec)
{
	const char *name = mesh_json_get_string(vec, "name");
	const char *errkind = mesh_json_get_string(vec, "error");
	const char *contains = mesh_json_get_string(vec, "contains");
	const MeshJson *expect = mesh_json_get(vec, "expect");
	bool		skip_ok = mesh_json_get(vec, "skip_ok") != NULL;
	bool		scalar_ok = mesh_json_get(vec, "scalar_ok") != NULL;
	bool		truncate = mesh_json_get(vec, "truncate") != NULL;
	MeshAvroType *writer = schema_from_json(mesh_json_get(vec, "writer"));
	MeshAvroType *reader = schema_from_json(mesh_json_get(vec, "reader"));
	size_t		len;
	uint8_t    *data = unhex(mesh_json_get_string(vec, "hex"), &len);
	TargetKind	kinds[] = {TARGET_JSON, TARGET_NATURAL, TARGET_UNNEEDED};
	int			k;

	test_case = name;
	for (k = 0; k < 3; k++)
	{
		MeshAvroTarget *target = make_target(writer, reader, kinds[k]);
		char		err[512] = "";
		MeshAvroProgram *prog = mesh_avro_compile(writer, target, err, sizeof(err));
		MeshAvroValue *values;
		bool		ok;
		int			i;

		if (errkind != NULL && strcmp(errkind, "compile") == 0)
		{
			CHECK(prog == NULL, "compiled, expected a compile error");
			if (prog == NULL && contains != NULL)
				CHECK(strstr(err, contains) != NULL, "error '%s' lacks '%s'", err, contains);
			continue;
		}
		CHECK(prog != NULL, "compile (target %d) failed: %s", k, err);
		if (prog == NULL)
			continue;
		values = mesh_alloc((target->nslots + 1) * sizeof(MeshAvroValue));
		ok = decode_exact(prog, data, len, values, err, sizeof(err));

		if (errkind != NULL)
		{
			if ((kinds[k] == TARGET_UNNEEDED && skip_ok) ||
				(kinds[k] == TARGET_NATURAL && scalar_ok))
			{
				CHECK(ok, "target %d: failed: %s", k, err);
				continue;
			}
			CHECK(!ok, "decoded (target %d), expected an error", k);
			if (!ok)
			{
				CHECK(strncmp(err, "at byte ", 8) == 0, "error '%s' says no position", err);
				if (contains != NULL)
					CHECK(strstr(err, contains) != NULL, "error '%s' lacks '%s'", err, contains);
			}
			continue;
		}

		CHECK(ok, "decode (target %d) failed: %s", k, err);
		if (!ok)
			continue;
		for (i = 0; i < target->nslots; i++)
		{
			const MeshAvroSlot *s = &target->slots[i];
			const MeshAvroValue *v = &values[i];
			const MeshJson *ej = mesh_json_get(mesh_json_get(expect, "json"), s->name);
			const MeshJson *er = mesh_json_get(mesh_json_get(expect, "raw"), s->name);
			char		why[512];

			if (kinds[k] == TARGET_UNNEEDED)
			{
				CHECK(!v->present, "field %s: present though not needed", s->name);
				continue;
			}
			CHECK(v->present, "field %s: not present", s->name);
			if (s->shape == MESH_SHAPE_JSON)
			{
				CHECK(ej != NULL, "field %s: no expectation", s->name);
				if (ej == NULL)
					continue;
				CHECK(v->len == ej->string_len && memcmp(v->data, ej->string, v->len) == 0,
					  "field %s: got %.*s, expected %s", s->name, (int) v->len,
					  v->data, ej->string);
				check_json_valid(v, s->name);
				CHECK(v->is_null == (strcmp(ej->string, "null") == 0),
					  "field %s: is_null %d", s->name, v->is_null);
			}
			else if (er == NULL)
				CHECK(false, "field %s: no raw expectation", s->name);
			else if (s->shape == MESH_SHAPE_SCALAR)
				CHECK(raw_equal(er, v, why, sizeof(why)), "field %s: %s", s->name, why);
			else if (er->type == MJ_NULL)
				CHECK(v->is_null, "field %s: array not null", s->name);
			else
			{
				int			j;

				CHECK(!v->is_null && v->kind == AVRO_ARRAY && v->nitems == er->count,
					  "field %s: %d items, expected %d", s->name, v->nitems, er->count);
				for (j = 0; j < v->nitems && j < er->count; j++)
					CHECK(raw_equal(er->items[j], &v->items[j], why, sizeof(why)),
						  "field %s item %d: %s", s->name, j, why);
			}
		}

		/* every cut of the message fails, and so does one byte more */
		if (truncate)
		{
			size_t		cut;
			uint8_t    *longer = malloc(len + 1);

			for (cut = 0; cut < len; cut++)
			{
				ok = decode_exact(prog, data, cut, values, err, sizeof(err));
				CHECK(!ok, "decoded when cut at %zu of %zu bytes (target %d)", cut, len, k);
				if (!ok)
					CHECK(strncmp(err, "at byte ", 8) == 0, "error '%s' says no position", err);
			}
			memcpy(longer, data, len);
			longer[len] = 0;
			ok = decode_exact(prog, longer, len + 1, values, err, sizeof(err));
			CHECK(!ok && strstr(err, "left over") != NULL,
				  "decoded with a byte too many: %s", err);
			free(longer);
		}
	}
	free(data);
}

static void
test_vectors(const MeshJson *vectors)
{
	int			i;

	for (i = 0; i < vectors->count; i++)
		run_vector(vectors->items[i]);
	printf("test_decode: %d vectors\n", vectors->count);
}

/* ------------------------------------------------------------------------
 * Written here
 * ------------------------------------------------------------------------
 */

/* Build a message from varints and raw bytes, for hand-made cases. */
typedef struct Msg
{
	uint8_t		b[4096];
	size_t		n;
} Msg;

static void
put_long(Msg *m, int64_t v)
{
	uint64_t	u = ((uint64_t) v << 1) ^ (uint64_t) (v >> 63);

	while (u >= 0x80)
	{
		m->b[m->n++] = (uint8_t) (u | 0x80);
		u >>= 7;
	}
	m->b[m->n++] = (uint8_t) u;
}

static void
put_str(Msg *m, const char *s)
{
	size_t		n = strlen(s);

	put_long(m, (int64_t) n);
	memcpy(m->b + m->n, s, n);
	m->n += n;
}

static void
test_defaults(void)
{
	MeshAvroType *t = schema("{\"type\":\"record\",\"name\":\"D\",\"fields\":["
							 "{\"name\":\"a\",\"type\":\"int\"},"
							 "{\"name\":\"b\",\"type\":[\"null\",\"string\"],\"default\":null},"
							 "{\"name\":\"c\",\"type\":{\"type\":\"array\",\"items\":\"long\"},\"default\":[1,-2]},"
							 "{\"name\":\"d\",\"type\":\"bytes\",\"default\":\"\\u00ff\\u0001\"},"
							 "{\"name\":\"e\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"},\"default\":-1},"
							 "{\"name\":\"f\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\",\"Y\"]},\"default\":\"Y\"},"
							 "{\"name\":\"g\",\"type\":\"double\",\"default\":1e400},"
							 "{\"name\":\"h\",\"type\":{\"type\":\"map\",\"values\":{\"type\":\"record\",\"name\":\"In\",\"fields\":[{\"name\":\"q\",\"type\":\"int\",\"default\":5}]}},\"default\":{\"k\":{}}}"
							 "]}");
	MeshAvroValue v;
	char		err[256];

	test_case = "defaults";
	CHECK(mesh_avro_default_value(t->fields[1].type, t->fields[1].default_value,
								  MESH_SHAPE_SCALAR, &v, err, sizeof(err)) &&
		  v.present && v.is_null, "null default: %s", err);
	CHECK(mesh_avro_default_value(t->fields[1].type, t->fields[1].default_value,
								  MESH_SHAPE_JSON, &v, err, sizeof(err)) &&
		  v.is_null && strcmp(v.data, "null") == 0, "null default as JSON: %s", err);
	CHECK(mesh_avro_default_value(t->fields[2].type, t->fields[2].default_value,
								  MESH_SHAPE_ARRAY, &v, err, sizeof(err)) &&
		  v.nitems == 2 && v.items[0].integer == 1 && v.items[1].integer == -2 &&
		  v.items[1].kind == AVRO_LONG, "array default: %s", err);
	CHECK(mesh_avro_default_value(t->fields[2].type, t->fields[2].default_value,
								  MESH_SHAPE_JSON, &v, err, sizeof(err)) &&
		  strcmp(v.data, "[1,-2]") == 0, "array default as JSON: %s", err);
	CHECK(mesh_avro_default_value(t->fields[3].type, t->fields[3].default_value,
								  MESH_SHAPE_SCALAR, &v, err, sizeof(err)) &&
		  v.kind == AVRO_BYTES && v.len == 2 && (uint8_t) v.data[0] == 0xFF &&
		  v.data[1] == 1, "bytes default: %s", err);
	CHECK(mesh_avro_default_value(t->fields[3].type, t->fields[3].default_value,
								  MESH_SHAPE_JSON, &v, err, sizeof(err)) &&
		  strcmp(v.data, "\"\\\\xff01\"") == 0, "bytes default as JSON: %s", v.data);
	CHECK(mesh_avro_default_value(t->fields[4].type, t->fields[4].default_value,
								  MESH_SHAPE_JSON, &v, err, sizeof(err)) &&
		  strcmp(v.data, "\"1969-12-31\"") == 0, "date default: %s", err);
	CHECK(mesh_avro_default_value(t->fields[5].type, t->fields[5].default_value,
								  MESH_SHAPE_SCALAR, &v, err, sizeof(err)) &&
		  v.kind == AVRO_ENUM && v.integer == 1 && v.len == 1 && v.data[0] == 'Y',
		  "enum default: %s", err);
	CHECK(mesh_avro_default_value(t->fields[6].type, t->fields[6].default_value,
								  MESH_SHAPE_JSON, &v, err, sizeof(err)) &&
		  strcmp(v.data, "\"Infinity\"") == 0, "double default: %s", v.data);
	CHECK(mesh_avro_default_value(t->fields[7].type, t->fields[7].default_value,
								  MESH_SHAPE_JSON, &v, err, sizeof(err)) &&
		  strcmp(v.data, "{\"k\":{\"q\":5}}") == 0, "map default: %s", v.data);
	/* shapes that do not fit */
	CHECK(!mesh_avro_default_value(t->fields[7].type, t->fields[7].default_value,
								   MESH_SHAPE_SCALAR, &v, err, sizeof(err)),
		  "a map default as a scalar");
	CHECK(!mesh_avro_default_value(t->fields[0].type, t->fields[2].default_value,
								   MESH_SHAPE_SCALAR, &v, err, sizeof(err)),
		  "an array default for an int");
	CHECK(!mesh_avro_default_value(t->fields[2].type, t->fields[0].default_value,
								   MESH_SHAPE_ARRAY, &v, err, sizeof(err)),
		  "no default for an array");
}

static void
test_decimal_text(void)
{
	static const struct
	{
		const char *hex;
		int			precision;
		int			scale;
		const char *text;
	}			cases[] = {
		{"", 5, 2, NULL},
		{"00", 5, 0, "0"},
		{"ff", 5, 3, "-0.001"},
		{"ffff85", 5, 2, "-1.23"},
		{"0080", 5, 1, "12.8"},
		{"ff7f", 5, 0, "-129"},
		{"7fffffffffffffff", 19, 4, "922337203685477.5807"},
		{"000000000000000000000000000001", 1, 30, "0.000000000000000000000000000001"},
		{"0de0b6b3a7640000", 19, 18, "1.000000000000000000"},
		{"0de0b6b3a7640000", 18, 18, NULL},
		{"ffffffffffffffffffffffffff", 1, 0, "-1"},
	};
	int			i;

	test_case = "decimal_text";
	for (i = 0; i < (int) (sizeof(cases) / sizeof(cases[0])); i++)
	{
		size_t		n;
		uint8_t    *b = unhex(cases[i].hex, &n);
		MeshBuf		buf;
		char		err[256];
		bool		ok;

		mesh_buf_init(&buf);
		ok = mesh_avro_decimal_text((const char *) b, n, cases[i].precision,
									cases[i].scale, &buf, err, sizeof(err));
		if (cases[i].text == NULL)
			CHECK(!ok, "case %d: accepted %s", i, buf.data);
		else
			CHECK(ok && strcmp(buf.data, cases[i].text) == 0,
				  "case %d: %s, expected %s (%s)", i, ok ? buf.data : "error",
				  cases[i].text, ok ? "" : err);
		free(b);
	}
}

/*
 * Two slots on one writer field in different shapes, a slot found by
 * alias, a slot the writer lacks without a reader type, and an unneeded
 * slot whose string is not valid UTF-8.
 */
static void
test_slots(void)
{
	MeshAvroType *w = schema("{\"type\":\"record\",\"name\":\"W\",\"fields\":["
							 "{\"name\":\"xs\",\"type\":{\"type\":\"array\",\"items\":\"int\"}},"
							 "{\"name\":\"old\",\"type\":\"string\"},"
							 "{\"name\":\"junk\",\"type\":\"string\"},"
							 "{\"name\":\"n\",\"type\":[\"null\",\"long\"]}]}");
	const char *aliases[] = {"old"};
	MeshAvroSlot slots[6] = {
		{.name = "xs",.shape = MESH_SHAPE_ARRAY,.needed = true},
		{.name = "xs",.shape = MESH_SHAPE_JSON,.needed = true},
		{.name = "new",.aliases = aliases,.naliases = 1,.shape = MESH_SHAPE_SCALAR,.needed = true},
		{.name = "absent",.shape = MESH_SHAPE_SCALAR,.needed = true},
		{.name = "junk",.shape = MESH_SHAPE_SCALAR,.needed = false},
		{.name = "n",.shape = MESH_SHAPE_JSON,.needed = true},
	};
	MeshAvroProgram *p;
	MeshAvroValue v[6];
	Msg			m = {{0}, 0};
	char		err[256];

	test_case = "slots";
	p = compile_slots(w, slots, 6);
	if (p == NULL)
		return;
	put_long(&m, 3);
	put_long(&m, 1);
	put_long(&m, 2);
	put_long(&m, 3);
	put_long(&m, 0);
	put_str(&m, "hello");
	put_str(&m, "\xff\xfe");
	put_long(&m, 0);
	CHECK(decode_exact(p, m.b, m.n, v, err, sizeof(err)), "decode: %s", err);
	CHECK(v[0].nitems == 3 && v[0].items[2].integer == 3, "array slot");
	CHECK(strcmp(v[1].data, "[1,2,3]") == 0, "JSON slot on the same field: %s", v[1].data);
	CHECK(v[2].len == 5 && memcmp(v[2].data, "hello", 5) == 0, "slot by alias");
	CHECK(v[3].present && v[3].is_null, "absent field without reader type");
	CHECK(!v[4].present, "unneeded slot present");
	CHECK(v[5].is_null && strcmp(v[5].data, "null") == 0, "null JSON slot");

	/* the same unneeded string, needed, is invalid */
	slots[4].needed = true;
	p = compile_slots(w, slots, 6);
	CHECK(p != NULL && !decode_exact(p, m.b, m.n, v, err, sizeof(err)) &&
		  strstr(err, "UTF-8") != NULL, "needed invalid string: %s", err);
}

static void
test_compile_errors(void)
{
	MeshAvroType *w = schema("{\"type\":\"record\",\"name\":\"W\",\"fields\":["
							 "{\"name\":\"r\",\"type\":{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}},"
							 "{\"name\":\"i\",\"type\":\"int\"}]}");
	MeshAvroSlot slot;
	MeshAvroTarget target = {1, &slot};
	char		err[256];

	test_case = "compile_errors";
	memset(&slot, 0, sizeof(slot));
	slot.name = "r";
	slot.shape = MESH_SHAPE_SCALAR;
	slot.needed = true;
	CHECK(mesh_avro_compile(w, &target, err, sizeof(err)) == NULL &&
		  strstr(err, "not a scalar") != NULL, "record as scalar: %s", err);
	slot.name = "i";
	slot.shape = MESH_SHAPE_ARRAY;
	CHECK(mesh_avro_compile(w, &target, err, sizeof(err)) == NULL &&
		  strstr(err, "not an array") != NULL, "int as array: %s", err);
	CHECK(mesh_avro_compile(schema("\"int\""), &target, err, sizeof(err)) == NULL &&
		  strstr(err, "not a record") != NULL, "non-record writer: %s", err);
	/* not needed: the shape does not matter */
	slot.needed = false;
	CHECK(mesh_avro_compile(w, &target, err, sizeof(err)) != NULL, "unneeded: %s", err);
}

/* Timestamps and times between millis and micros keep their meaning. */
static void
test_time_units(void)
{
	MeshAvroType *w = schema("{\"type\":\"record\",\"name\":\"T\",\"fields\":["
							 "{\"name\":\"a\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
							 "{\"name\":\"b\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},"
							 "{\"name\":\"c\",\"type\":{\"type\":\"int\",\"logicalType\":\"time-millis\"}},"
							 "{\"name\":\"d\",\"type\":{\"type\":\"long\",\"logicalType\":\"local-timestamp-micros\"}}]}");
	MeshAvroType *r = schema("{\"type\":\"record\",\"name\":\"T\",\"fields\":["
							 "{\"name\":\"a\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},"
							 "{\"name\":\"b\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
							 "{\"name\":\"c\",\"type\":{\"type\":\"long\",\"logicalType\":\"time-micros\"}},"
							 "{\"name\":\"d\",\"type\":{\"type\":\"long\",\"logicalType\":\"local-timestamp-millis\"}}]}");
	MeshAvroSlot slots[8];
	MeshAvroProgram *p;
	MeshAvroValue v[8];
	Msg			m = {{0}, 0};
	char		err[256];
	int			i;

	test_case = "time_units";
	memset(slots, 0, sizeof(slots));
	for (i = 0; i < 8; i++)
	{
		slots[i].name = r->fields[i % 4].name;
		slots[i].reader_type = r->fields[i % 4].type;
		slots[i].shape = i < 4 ? MESH_SHAPE_SCALAR : MESH_SHAPE_JSON;
		slots[i].needed = true;
	}
	p = compile_slots(w, slots, 8);
	if (p == NULL)
		return;
	put_long(&m, 1500);			/* 1970-01-01T00:00:01.5 */
	put_long(&m, -1);			/* one microsecond before the epoch */
	put_long(&m, 1);
	put_long(&m, 1999);
	CHECK(decode_exact(p, m.b, m.n, v, err, sizeof(err)), "decode: %s", err);
	CHECK(v[0].integer == 1500000 && v[0].logical == AVRO_LT_TIMESTAMP_MICROS, "millis to micros");
	CHECK(v[1].integer == -1, "micros to millis rounds down: %lld", (long long) v[1].integer);
	CHECK(v[2].integer == 1000 && v[2].kind == AVRO_LONG, "time-millis to micros");
	CHECK(v[3].integer == 1, "local micros to millis");
	CHECK(strcmp(v[4].data, "\"1970-01-01T00:00:01.5+00:00\"") == 0, "%s", v[4].data);
	CHECK(strcmp(v[5].data, "\"1969-12-31T23:59:59.999+00:00\"") == 0, "%s", v[5].data);
	CHECK(strcmp(v[6].data, "\"00:00:00.001\"") == 0, "%s", v[6].data);
	CHECK(strcmp(v[7].data, "\"1970-01-01T00:00:00.001\"") == 0, "%s", v[7].data);
}

/*
 * Scratch areas: many slots growing them in one message, every pointer
 * still right afterwards; repeated decodes allocate nothing new.
 */
static void
test_scratch(void)
{
	MeshAvroType *w = schema("{\"type\":\"record\",\"name\":\"S\",\"fields\":["
							 "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":\"long\"}},"
							 "{\"name\":\"j\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
							 "{\"name\":\"b\",\"type\":{\"type\":\"array\",\"items\":\"long\"}},"
							 "{\"name\":\"k\",\"type\":{\"type\":\"map\",\"values\":\"long\"}}]}");
	MeshAvroTarget *target = all_fields(w, MESH_SHAPE_ARRAY);
	MeshAvroProgram *p;
	MeshAvroValue v[4];
	uint8_t    *msg = malloc(200000);
	size_t		n = 0;
	char		err[256];
	size_t		blocks;
	int			i;
	int			round;

	test_case = "scratch";
	/* a, b as arrays; j, k as JSON */
	target->slots[1].shape = MESH_SHAPE_JSON;
	target->slots[3].shape = MESH_SHAPE_JSON;
	p = compile_slots(w, target->slots, 4);
	if (p == NULL)
		return;
	/* a: 5000 longs; j: 3000 strings; b: 5000 longs; k: 2000 entries */
#define PUT(v) do { uint64_t u_ = ((uint64_t) (v) << 1) ^ (uint64_t) ((int64_t) (v) >> 63); \
	while (u_ >= 0x80) { msg[n++] = (uint8_t) (u_ | 0x80); u_ >>= 7; } msg[n++] = (uint8_t) u_; } while (0)
	PUT(5000);
	for (i = 0; i < 5000; i++)
		PUT(i);
	PUT(0);
	PUT(3000);
	for (i = 0; i < 3000; i++)
	{
		PUT(3);
		memcpy(msg + n, "abc", 3);
		n += 3;
	}
	PUT(0);
	PUT(5000);
	for (i = 0; i < 5000; i++)
		PUT(-i);
	PUT(0);
	PUT(2000);
	for (i = 0; i < 2000; i++)
	{
		char		key[16];
		int			kl = snprintf(key, sizeof(key), "k%d", i);

		PUT(kl);
		memcpy(msg + n, key, kl);
		n += kl;
		PUT(i);
	}
	PUT(0);
#undef PUT
	for (round = 0; round < 3; round++)
	{
		blocks = mesh_standalone_live_blocks();
		CHECK(decode_exact(p, msg, n, v, err, sizeof(err)), "decode: %s", err);
		/* the scratch areas have grown in the first round */
		if (round > 0)
			CHECK(mesh_standalone_live_blocks() == blocks, "decoding allocated %zu blocks",
				  mesh_standalone_live_blocks() - blocks);
		CHECK(v[0].nitems == 5000 && v[0].items[4999].integer == 4999, "a");
		CHECK(v[2].nitems == 5000 && v[2].items[4999].integer == -4999, "b");
		CHECK(v[1].len == 3000 * 6 + 1 && strncmp(v[1].data, "[\"abc\",", 7) == 0, "j");
		CHECK(strncmp(v[3].data, "{\"k0\":0,", 8) == 0 && v[3].data[v[3].len - 1] == '}', "k");
		check_json_valid(&v[1], "j");
		check_json_valid(&v[3], "k");
	}
	free(msg);
}

/*
 * A writer that never matches in a record that a union reaches fails only
 * the messages that reach it; recursion through such a record compiles.
 */
static void
test_union_fail_branch(void)
{
	MeshAvroType *w = schema("{\"type\":\"record\",\"name\":\"U\",\"fields\":["
							 "{\"name\":\"u\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"},{\"name\":\"self\",\"type\":[\"null\",\"A\"]}]}]}]}");
	MeshAvroType *r = schema("{\"type\":\"record\",\"name\":\"U\",\"fields\":["
							 "{\"name\":\"u\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"},{\"name\":\"self\",\"type\":[\"null\",\"A\"]},{\"name\":\"y\",\"type\":\"int\"}]}]}]}");
	MeshAvroSlot slot;
	MeshAvroProgram *p;
	MeshAvroValue v;
	Msg			m = {{0}, 0};
	char		err[256];

	test_case = "union_fail_branch";
	memset(&slot, 0, sizeof(slot));
	slot.name = "u";
	slot.reader_type = r->fields[0].type;
	slot.shape = MESH_SHAPE_JSON;
	slot.needed = true;
	p = compile_slots(w, &slot, 1);
	if (p == NULL)
		return;
	put_long(&m, 0);
	CHECK(decode_exact(p, m.b, m.n, &v, err, sizeof(err)) && v.is_null, "null branch: %s", err);
	m.n = 0;
	put_long(&m, 1);
	put_long(&m, 5);
	put_long(&m, 0);
	CHECK(!decode_exact(p, m.b, m.n, &v, err, sizeof(err)) && strstr(err, "no default") != NULL,
		  "unresolvable branch: %s", err);
}

/*
 * A chain of records each holding the previous one, defined side by side
 * so that the schema's JSON stays shallow: compiling follows the chain, and
 * must stop at its limit rather than at the end of the stack.
 */
static void
test_record_chain(void)
{
	int			lengths[] = {900, 5000};
	int			t;

	test_case = "record_chain";
	for (t = 0; t < 2; t++)
	{
		int			n = lengths[t];
		MeshBuf		b;
		MeshAvroType *w;
		MeshAvroSlot slot;
		MeshAvroTarget target = {1, &slot};
		MeshAvroProgram *p;
		char		err[512];
		int			i;

		mesh_buf_init(&b);
		mesh_buf_append_str(&b, "{\"type\":\"record\",\"name\":\"Top\",\"fields\":[");
		for (i = 0; i < n; i++)
		{
			char		f[160];

			if (i == 0)
				snprintf(f, sizeof(f), "{\"name\":\"f0\",\"type\":{\"type\":\"record\",\"name\":\"R0\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}}");
			else
				snprintf(f, sizeof(f), ",{\"name\":\"f%d\",\"type\":{\"type\":\"record\",\"name\":\"R%d\",\"fields\":[{\"name\":\"a\",\"type\":\"R%d\"}]}}",
						 i, i, i - 1);
			mesh_buf_append_str(&b, f);
		}
		mesh_buf_append_str(&b, "]}");
		w = schema(b.data);
		memset(&slot, 0, sizeof(slot));
		slot.name = w->fields[n - 1].name;
		slot.shape = MESH_SHAPE_JSON;
		slot.needed = true;
		p = mesh_avro_compile(w, &target, err, sizeof(err));
		if (n < 1000)
			CHECK(p != NULL, "chain of %d: %s", n, err);
		else
			CHECK(p == NULL && strstr(err, "nests deeper") != NULL,
				  "chain of %d: %s", n, p ? "compiled" : err);
		if (p != NULL)
		{
			/* every field holds one int, nested: nesting beyond the limit */
			uint8_t    *msg = calloc(1, (size_t) n * (n + 1) / 2 + 1);
			MeshAvroValue v;

			CHECK(!mesh_avro_decode(p, msg, (size_t) n * (n + 1) / 2, &v, err, sizeof(err)) &&
				  strstr(err, "nesting") != NULL, "decoding the chain: %s", err);
			free(msg);
		}
	}
}

/*
 * Random mutations of valid messages: nothing may crash, leak past the
 * scratch areas or hang, and every rendering that succeeds is valid JSON.
 */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t
rng(void)
{
	return (uint32_t) xorshift64(&rng_state);
}

/* One edit of a message's bytes: flipped, replaced, cut or appended. */
static size_t
edit_message(void *message, size_t mn, size_t cap, uint32_t r)
{
	uint8_t    *m = message;

	switch (r % 5)
	{
		case 0:
			m[r / 5 % mn] ^= (uint8_t) (1 << (r / 7 % 8));
			break;
		case 1:
			m[r / 5 % mn] = (uint8_t) (r >> 24);
			break;
		case 2:
			return r / 5 % (mn + 1);
		case 3:
			m[r / 5 % mn] = (r >> 20) & 1 ? 0xFF : 0x80;
			break;
		case 4:
			if (mn < cap)
				m[mn++] = (uint8_t) (r >> 24);
			break;
	}
	return mn;
}

static void
test_mutations(const MeshJson *vectors)
{
	char		err[256];
	int			i;
	int			decoded = 0;
	int			tries = 0;

	test_case = "mutations";
	for (i = 0; i < vectors->count; i++)
	{
		const MeshJson *vec = vectors->items[i];
		const char *errkind = mesh_json_get_string(vec, "error");
		MeshAvroType *writer = schema_from_json(mesh_json_get(vec, "writer"));
		MeshAvroTarget *target = make_target(writer, schema_from_json(mesh_json_get(vec, "reader")),
											 (i % 2) ? TARGET_JSON : TARGET_NATURAL);
		MeshAvroProgram *prog;
		MeshAvroValue *values;
		size_t		n;
		uint8_t    *data;
		int			round;

		if (errkind != NULL && strcmp(errkind, "compile") == 0)
			continue;
		prog = mesh_avro_compile(writer, target, err, sizeof(err));
		if (prog == NULL)
			continue;
		values = mesh_alloc((target->nslots + 1) * sizeof(MeshAvroValue));
		data = unhex(mesh_json_get_string(vec, "hex"), &n);
		if (n > 2000)
		{
			free(data);
			continue;
		}
		for (round = 0; round < 300; round++)
		{
			uint8_t    *m = malloc(n + 8);
			int			edits = 1 + rng() % 4;
			size_t		mn;
			int			s;

			memcpy(m, data, n);
			mn = apply_edits(m, n, n + 8, edits, rng, edit_message);
			tries++;
			if (decode_exact(prog, m, mn, values, err, sizeof(err)))
			{
				decoded++;
				for (s = 0; s < target->nslots; s++)
					if (target->slots[s].shape == MESH_SHAPE_JSON && values[s].present)
						check_json_valid(&values[s], target->slots[s].name);
			}
			else
				CHECK(strncmp(err, "at byte ", 8) == 0, "error without position: %s", err);
			free(m);
		}
		free(data);
	}
	printf("test_decode: %d mutations, %d decoded\n", tries, decoded);
}

int
main(int argc, char **argv)
{
	/* read once: the tests only read them */
	const MeshJson *vectors = read_vectors(argc > 1 ? argv[1] : "test/data", "avro-vectors.json");

	test_vectors(vectors);
	test_defaults();
	test_decimal_text();
	test_slots();
	test_compile_errors();
	test_time_units();
	test_scratch();
	test_union_fail_branch();
	test_record_chain();
	test_mutations(vectors);
	return test_report("test_decode");
}
