/*-------------------------------------------------------------------------
 *
 * test_encode.c
 *		  Unit tests of the Avro encoder (src/core/avro_encode.c,
 *		  avro_write.c) and of schema
 *		  compatibility (src/core/avro_compat.c), outside the server.
 *
 * - test/data/avro-encode-vectors.json, written by
 *	 test/unit/gen_encode_vectors.py: rows of values in the encoder's input
 *	 convention with the bytes fastavro writes for them (compared byte for
 *	 byte: another implementation agrees) or the exact message the encoder
 *	 must refuse them with.  Every row encoded is also decoded again by
 *	 src/core/avro_decode.c, and re-encoded from the decoder's JSON rendering.
 * - test/data/avro-vectors.json, the decoder's vectors (fastavro's bytes):
 *	 decoded, then encoded again both from the JSON rendering and from the
 *	 natural scalar values; the bytes must come back.
 * - by hand: minimal decimals, what a refused row leaves in the buffer,
 *	 that the scalar path allocates nothing and the JSON path leaks nothing,
 *	 create errors, and a table of schema pairs for mesh_avro_can_read.
 * - a mutation fuzz of the JSON path: whatever the encoder accepts, the
 *	 decoder reads, and encoding what it read gives the same again.
 *
 * Run by test/unit/run, built with AddressSanitizer where available.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_encode.h"
#include "core/avro_compat.h"
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------
 */

static const char *
tohex(const char *data, size_t len)
{
	static char bufs[4][8192];
	static int	next = 0;
	char	   *buf = bufs[next++ % 4];
	size_t		i;

	for (i = 0; i < len && 2 * i + 2 < sizeof(bufs[0]); i++)
		snprintf(buf + 2 * i, 3, "%02x", (unsigned char) data[i]);
	buf[2 * i] = '\0';
	return buf;
}

/*
 * Decode data as JSON, one text per field joined in one string
 * ("name=text;..."), or NULL with err set.
 */
static char *
json_with(MeshAvroProgram *prog, const MeshAvroTarget *target, const char *data,
		  size_t len, char *err, size_t errlen)
{
	MeshAvroValue values[64];
	MeshBuf		out;
	int			i;

	if (target->nslots > 64)
		abort();
	if (!decode_exact(prog, data, len, values, err, errlen))
		return NULL;
	mesh_buf_init(&out);
	for (i = 0; i < target->nslots; i++)
	{
		mesh_buf_append_str(&out, target->slots[i].name);
		mesh_buf_append_char(&out, '=');
		mesh_buf_append(&out, values[i].data, values[i].len);
		mesh_buf_append_char(&out, ';');
	}
	return out.data;
}

static char *
decode_to_json(const MeshAvroType *rec, const char *data, size_t len,
			   char *err, size_t errlen)
{
	MeshAvroTarget *target = all_fields(rec, MESH_SHAPE_JSON);
	MeshAvroProgram *prog = mesh_avro_compile(rec, target, err, errlen);

	if (prog == NULL)
		return NULL;
	return json_with(prog, target, data, len, err, errlen);
}

/*
 * Encode again what the decoder renders as JSON, through slots that give
 * JSON text: the bytes must decode to the same JSON.  True when the bytes
 * are even the same.
 */
static bool
json_round_trip(const MeshAvroType *rec, const char *data, size_t len,
				const char *name)
{
	char		err[512] = "";
	MeshAvroTarget *target = all_fields(rec, MESH_SHAPE_JSON);
	MeshAvroProgram *prog = mesh_avro_compile(rec, target, err, sizeof(err));
	MeshAvroEncoder *enc;
	MeshAvroValue *values;
	MeshBuf		out;
	char	   *before;
	char	   *after;

	CHECK(prog != NULL, "%s: compile: %s", name, err);
	if (prog == NULL)
		return false;
	values = mesh_alloc((target->nslots + 1) * sizeof(MeshAvroValue));
	if (!decode_exact(prog, data, len, values, err, sizeof(err)))
	{
		CHECK(false, "%s: the decoder refuses the encoder's bytes %s: %s",
			  name, tohex(data, len), err);
		return false;
	}
	before = decode_to_json(rec, data, len, err, sizeof(err));
	enc = mesh_avro_encoder_create(rec, target, err, sizeof(err));
	CHECK(enc != NULL, "%s: JSON encoder: %s", name, err);
	if (enc == NULL)
		return false;
	memset(&out, 0, sizeof(out));
	if (!mesh_avro_encode(enc, values, &out, err, sizeof(err)))
	{
		CHECK(false, "%s: the decoder's JSON does not encode: %s", name, err);
		return false;
	}
	after = decode_to_json(rec, out.data, out.len, err, sizeof(err));
	CHECK(after != NULL && before != NULL && strcmp(before, after) == 0,
		  "%s: JSON round trip differs:\n  %s\n  %s", name, before,
		  after ? after : err);
	return out.len == len && memcmp(out.data, data, len) == 0;
}

/* ------------------------------------------------------------------------
 * Values from the vectors' descriptors (see gen_encode_vectors.py)
 * ------------------------------------------------------------------------
 */

/* A descriptor's "lt": the unit of an integer value. */
static MeshAvroLogical
logical_named(const char *name)
{
	static const struct
	{
		const char *name;
		MeshAvroLogical logical;
	}			units[] = {
		{"date", AVRO_LT_DATE},
		{"time", AVRO_LT_TIME_MICROS},
		{"timestamp", AVRO_LT_TIMESTAMP_MICROS},
		{"local-timestamp", AVRO_LT_LOCAL_TIMESTAMP_MICROS},
	};
	size_t		i;

	if (name == NULL)
		return AVRO_LT_NONE;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(name, units[i].name) == 0)
			return units[i].logical;
	fprintf(stderr, "unknown lt %s\n", name);
	exit(2);
}

/* v is kind, and an exact-size copy of len bytes (not NUL-terminated). */
static void
set_copy(MeshAvroValue *v, MeshAvroKind kind, const void *data, size_t len)
{
	char	   *copy = mesh_alloc(len > 0 ? len : 1);

	memcpy(copy, data, len);
	v->kind = kind;
	v->data = copy;
	v->len = len;
}

static void
build_value(const MeshJson *d, MeshAvroValue *v)
{
	const MeshJson *m;

	memset(v, 0, sizeof(*v));
	v->present = true;
	if (d == NULL || d->type == MJ_NULL)
	{
		v->is_null = true;
		return;
	}
	if ((m = mesh_json_get(d, "b")) != NULL)
	{
		v->kind = AVRO_BOOLEAN;
		v->boolean = m->boolean;
	}
	else if ((m = mesh_json_get(d, "i")) != NULL)
	{
		v->kind = AVRO_LONG;
		v->integer = m->integer;
		v->logical = logical_named(mesh_json_get_string(d, "lt"));
	}
	else if ((m = mesh_json_get(d, "r")) != NULL)
	{
		v->kind = AVRO_DOUBLE;
		v->real = strtod(m->string, NULL);
	}
	else if ((m = mesh_json_get(d, "t")) != NULL)
		set_copy(v, AVRO_STRING, m->string, m->string_len);
	else if ((m = mesh_json_get(d, "x")) != NULL)
	{
		size_t		n;
		uint8_t    *b = unhex(m->string, &n);

		set_copy(v, AVRO_BYTES, b, n);
		free(b);
	}
	else if ((m = mesh_json_get(d, "a")) != NULL)
	{
		int			i;

		v->kind = AVRO_ARRAY;
		v->nitems = m->count;
		v->items = m->count > 0 ? mesh_alloc(m->count * sizeof(MeshAvroValue)) : NULL;
		for (i = 0; i < m->count; i++)
			build_value(m->items[i], &v->items[i]);
	}
	else if ((m = mesh_json_get(d, "j")) != NULL)
		set_copy(v, MESH_AVRO_JSON, m->string, m->string_len);
	else
	{
		fprintf(stderr, "bad value descriptor\n");
		exit(2);
	}
}

/* ------------------------------------------------------------------------
 * The encoder's vectors
 * ------------------------------------------------------------------------
 */

static int	rows_exact = 0;
static int	rows_refused = 0;
static int	rows_json_same = 0;

static void
run_encode_vector(const MeshJson *vec)
{
	const char *name = mesh_json_get_string(vec, "name");
	MeshAvroType *rec = schema_from_json(mesh_json_get(vec, "schema"));
	const MeshJson *slots = mesh_json_get(vec, "slots");
	const MeshJson *rows = mesh_json_get(vec, "rows");
	const char *create_error = mesh_json_get_string(vec, "create_error");
	MeshAvroTarget target;
	MeshAvroEncoder *enc;
	char		err[1024];
	int			i;
	int			r;

	test_case = name;
	target.nslots = slots->count;
	target.slots = mesh_alloc((slots->count + 1) * sizeof(MeshAvroSlot));
	for (i = 0; i < slots->count; i++)
	{
		const MeshJson *s = slots->items[i];
		const MeshJson *aliases = mesh_json_get(s, "aliases");
		const MeshJson *needed = mesh_json_get(s, "needed");
		const char *shape = mesh_json_get_string(s, "shape");

		target.slots[i].name = mesh_json_get_string(s, "name");
		target.slots[i].needed = needed == NULL || needed->boolean;
		target.slots[i].shape = shape != NULL && strcmp(shape, "json") == 0 ?
			MESH_SHAPE_JSON : MESH_SHAPE_SCALAR;
		if (aliases != NULL)
		{
			int			a;

			target.slots[i].naliases = aliases->count;
			target.slots[i].aliases = mesh_alloc(aliases->count * sizeof(char *));
			for (a = 0; a < aliases->count; a++)
				target.slots[i].aliases[a] = aliases->items[a]->string;
		}
	}

	strcpy(err, "(unset)");
	enc = mesh_avro_encoder_create(rec, &target, err, sizeof(err));
	if (create_error != NULL)
	{
		CHECK(enc == NULL && strcmp(err, create_error) == 0,
			  "create: got \"%s\", expected \"%s\"", enc ? "(created)" : err, create_error);
		return;
	}
	CHECK(enc != NULL, "create: %s", err);
	if (enc == NULL)
		return;

	for (r = 0; r < rows->count; r++)
	{
		const MeshJson *row = rows->items[r];
		const MeshJson *vals = mesh_json_get(row, "values");
		const char *hex = mesh_json_get_string(row, "hex");
		const char *error = mesh_json_get_string(row, "error");
		MeshAvroValue *values = mesh_alloc((target.nslots + 1) * sizeof(MeshAvroValue));
		MeshBuf		out;
		bool		ok;

		for (i = 0; i < target.nslots; i++)
			build_value(mesh_json_get(vals, target.slots[i].name), &values[i]);

		/* a prefix, as the framing header would be */
		mesh_buf_init(&out);
		mesh_buf_append(&out, "HDR", 3);
		strcpy(err, "(unset)");
		ok = mesh_avro_encode(enc, values, &out, err, sizeof(err));
		if (error != NULL)
		{
			CHECK(!ok, "row %d: encoded %s, expected: %s", r,
				  tohex(out.data + 3, out.len - 3), error);
			if (!ok)
			{
				CHECK(strcmp(err, error) == 0, "row %d: error\n  got      %s\n  expected %s",
					  r, err, error);
				CHECK(out.len == 3 && memcmp(out.data, "HDR", 4) == 0,
					  "row %d: a refused row left %zu bytes", r, out.len - 3);
				rows_refused++;
			}
			continue;
		}
		CHECK(ok, "row %d: refused: %s", r, err);
		if (!ok)
			continue;
		{
			size_t		n;
			uint8_t    *want = unhex(hex, &n);
			bool		same = out.len - 3 == n && memcmp(out.data + 3, want, n) == 0;

			CHECK(same, "row %d: bytes differ from fastavro's\n  got      %s\n  expected %s",
				  r, tohex(out.data + 3, out.len - 3), hex);
			CHECK(memcmp(out.data, "HDR", 3) == 0 && out.data[out.len] == '\0',
				  "row %d: prefix or NUL lost", r);
			if (same)
				rows_exact++;
			free(want);
		}
		if (json_round_trip(rec, out.data + 3, out.len - 3, name))
			rows_json_same++;
		else if (getenv("TEST_ENCODE_VERBOSE"))
			printf("  %s row %d: JSON round trip gives other bytes\n", name, r);
	}
}

static void
test_encode_vectors(const char *dir)
{
	const MeshJson *vectors = read_vectors(dir, "avro-encode-vectors.json");
	int			i;

	for (i = 0; i < vectors->count; i++)
		run_encode_vector(vectors->items[i]);
	printf("test_encode: %d rows byte-exact with fastavro, %d refused as expected, "
		   "%d re-encoded from the decoder's JSON to the same bytes\n",
		   rows_exact, rows_refused, rows_json_same);
}

/* ------------------------------------------------------------------------
 * The decoder's vectors, encoded again
 * ------------------------------------------------------------------------
 */

/*
 * A decoded scalar in the encoder's terms: times and timestamps in
 * microseconds, decimals as text.
 */
static void
to_encoder_value(MeshAvroValue *v)
{
	int			i;

	if (v->is_null)
		return;
	switch (v->logical)
	{
		case AVRO_LT_TIME_MILLIS:
		case AVRO_LT_TIMESTAMP_MILLIS:
		case AVRO_LT_LOCAL_TIMESTAMP_MILLIS:
			v->integer *= 1000;
			break;
		case AVRO_LT_DECIMAL:
			{
				MeshBuf		b;
				char		err[128];

				mesh_buf_init(&b);
				if (!mesh_avro_decimal_text(v->data, v->len, v->precision, v->scale,
											&b, err, sizeof(err)))
				{
					fprintf(stderr, "decimal_text: %s\n", err);
					exit(2);
				}
				v->kind = AVRO_STRING;
				v->data = b.data;
				v->len = b.len;
				break;
			}
		default:
			break;
	}
	if (v->kind == AVRO_ARRAY)
		for (i = 0; i < v->nitems; i++)
			to_encoder_value(&v->items[i]);
}

/*
 * Decoder vectors whose bytes are valid but not what an encoder writes:
 * re-encoding them gives the same values in other bytes.
 */
static bool
not_canonical(const char *name)
{
	static const char *const names[] = {
		"logical_dec_ext",		/* decimals sign-extended beyond minimal */
		"logical_dec_min",
		"logical_uuid_forms",	/* uuids in braces, upper case, no hyphens */
		"logical_uuid_forms2",
		"logical_uuid_forms3",
		"blocks",				/* arrays and maps in several blocks */
		"map_dup_keys",			/* a map key twice: the last one stays */
		"map_dup_many",
	};
	size_t		i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static void
test_decoder_vectors(const char *dir)
{
	char		err[512];
	const MeshJson *vectors = read_vectors(dir, "avro-vectors.json");
	int			i;
	int			json_same = 0;
	int			scalar_same = 0;
	int			scalar_semantic = 0;
	int			total = 0;

	for (i = 0; i < vectors->count; i++)
	{
		const MeshJson *vec = vectors->items[i];
		const char *name = mesh_json_get_string(vec, "name");
		MeshAvroType *rec;
		MeshAvroTarget *target;
		MeshAvroProgram *prog;
		MeshAvroEncoder *enc;
		MeshAvroValue *values;
		MeshBuf		out;
		size_t		n;
		uint8_t    *data;
		int			s;

		/* the valid ones, read with the writer's schema */
		if (mesh_json_get(vec, "expect") == NULL || mesh_json_get(vec, "reader") != NULL)
			continue;
		test_case = name;
		total++;
		rec = schema_from_json(mesh_json_get(vec, "writer"));
		data = unhex(mesh_json_get_string(vec, "hex"), &n);

		if (json_round_trip(rec, (const char *) data, n, name))
			json_same++;

		/* the natural scalars and arrays, in the encoder's terms */
		target = all_fields(rec, MESH_SHAPE_SCALAR);
		for (s = 0; s < target->nslots; s++)
			target->slots[s].shape = natural_shape(rec->fields[s].type);
		prog = mesh_avro_compile(rec, target, err, sizeof(err));
		CHECK(prog != NULL, "compile: %s", err);
		values = mesh_alloc((target->nslots + 1) * sizeof(MeshAvroValue));
		if (prog == NULL ||
			!decode_exact(prog, (const char *) data, n, values, err, sizeof(err)))
		{
			CHECK(false, "decode: %s", err);
			free(data);
			continue;
		}
		for (s = 0; s < target->nslots; s++)
			to_encoder_value(&values[s]);
		enc = mesh_avro_encoder_create(rec, target, err, sizeof(err));
		CHECK(enc != NULL, "create: %s", err);
		memset(&out, 0, sizeof(out));
		if (enc == NULL || !mesh_avro_encode(enc, values, &out, err, sizeof(err)))
		{
			CHECK(false, "natural values do not encode: %s", err);
			free(data);
			continue;
		}
		if (out.len == n && memcmp(out.data, data, n) == 0)
			scalar_same++;
		else
		{
			/* only where the writer's encoding was not minimal (decimals) */
			char	   *a = decode_to_json(rec, (const char *) data, n, err, sizeof(err));
			char	   *b = decode_to_json(rec, out.data, out.len, err, sizeof(err));

			CHECK(a != NULL && b != NULL && strcmp(a, b) == 0,
				  "natural round trip differs:\n  %s\n  %s", a, b ? b : err);
			CHECK(not_canonical(name),
				  "bytes differ outside the vectors known not to be canonical:\n  %s\n  %s",
				  tohex((const char *) data, n), tohex(out.data, out.len));
			scalar_semantic++;
		}
		free(data);
	}
	printf("test_encode: decoder vectors: %d valid, re-encoded to the same bytes %d from JSON "
		   "and %d from scalars (%d more the same values in other bytes: not canonical)\n",
		   total, json_same, scalar_same, scalar_semantic);
}

/* ------------------------------------------------------------------------
 * By hand
 * ------------------------------------------------------------------------
 */

static MeshAvroEncoder *
encoder_for(const MeshAvroType *rec, MeshAvroSlot *slots, int n)
{
	char		err[512];

	return CHECK_MADE(mesh_avro_encoder_create(rec, &SLOTS_TARGET(slots, n), err, sizeof(err)),
					  "create", err);
}

static MeshAvroValue
text_value(const char *s)
{
	MeshAvroValue v;

	memset(&v, 0, sizeof(v));
	v.kind = AVRO_STRING;
	v.data = s;
	v.len = strlen(s);
	return v;
}

static MeshAvroValue
int_value(int64_t i)
{
	MeshAvroValue v;

	memset(&v, 0, sizeof(v));
	v.kind = AVRO_LONG;
	v.integer = i;
	return v;
}

/* The minimal two's complement of the unscaled value, as Java writes it. */
static void
test_decimals(void)
{
	static const struct
	{
		const char *text;
		const char *bytes;		/* hex of the bytes field */
		const char *fixed;		/* hex of the fixed(4) field */
	}			cases[] = {
		{"0", "00", "00000000"},
		{"-0.00", "00", "00000000"},
		{"-1", "ff", "ffffffff"},
		{"1", "01", "00000001"},
		{"127", "7f", "0000007f"},
		{"128", "0080", "00000080"},
		{"-128", "80", "ffffff80"},
		{"-129", "ff7f", "ffffff7f"},
		{"255", "00ff", "000000ff"},
		{"-255", "ff01", "ffffff01"},
		{"-256", "ff00", "ffffff00"},
		{"32767", "7fff", "00007fff"},
		{"-32768", "8000", "ffff8000"},
		{"-32769", "ff7fff", "ffff7fff"},
		{"8388607", "7fffff", "007fffff"},
		{"-8388608", "800000", "ff800000"},
		{"0.000e5", "00", "00000000"},
		{"1.00000000000000000000e2", "64", "00000064"},
	};
	MeshAvroType *rec = schema("{\"type\":\"record\",\"name\":\"D\",\"fields\":["
							   "{\"name\":\"b\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":30}},"
							   "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F4\",\"size\":4,\"logicalType\":\"decimal\",\"precision\":7}}]}");
	MeshAvroSlot slots[2];
	MeshAvroEncoder *enc;
	size_t		i;

	test_case = "decimals";
	memset(slots, 0, sizeof(slots));
	slots[0].name = "b";
	slots[0].needed = true;
	slots[1].name = "f";
	slots[1].needed = true;
	enc = encoder_for(rec, slots, 2);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		MeshAvroValue v[2];
		MeshBuf		out;
		char		err[256];
		char		want[64];
		bool		ok;

		v[0] = text_value(cases[i].text);
		v[1] = text_value(cases[i].text);
		memset(&out, 0, sizeof(out));
		ok = mesh_avro_encode(enc, v, &out, err, sizeof(err));
		snprintf(want, sizeof(want), "%02x%s%s", (unsigned) (strlen(cases[i].bytes) / 2 * 2),
				 cases[i].bytes, cases[i].fixed);
		CHECK(ok && strcmp(tohex(out.data, out.len), want) == 0,
			  "%s: got %s, expected %s (%s)", cases[i].text,
			  ok ? tohex(out.data, out.len) : "-", want, ok ? "" : err);
	}
	/* decimal(7,0): 8 digits do not fit */
	{
		MeshAvroValue v[2];
		MeshBuf		out;
		char		err[256];

		v[0] = text_value("1");
		v[1] = text_value("-12345678");
		memset(&out, 0, sizeof(out));
		CHECK(!mesh_avro_encode(enc, v, &out, err, sizeof(err)) &&
			  strcmp(err, "value \"-12345678\" has more digits than the precision of field \"f\" (Avro decimal(7,0))") == 0,
			  "8 digits in decimal(7,0): %s", err);
		CHECK(out.len == 0, "a refused row left bytes");
	}
	/* 1000 digits: the most the decoder reads back */
	{
		MeshAvroType *big = schema("{\"type\":\"record\",\"name\":\"Big\",\"fields\":["
								   "{\"name\":\"b\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":2000,\"scale\":500}}]}");
		MeshAvroSlot s;
		MeshAvroEncoder *e2;
		char		digits[1100];
		MeshAvroValue v;
		MeshBuf		out;
		MeshBuf		back;
		char		err[256];

		memset(&s, 0, sizeof(s));
		s.name = "b";
		s.needed = true;
		e2 = encoder_for(big, &s, 1);
		memset(digits, '9', 1000);
		digits[0] = '-';
		digits[500] = '.';		/* 499 + 500 digits */
		digits[1001] = '\0';
		digits[1000] = '7';
		v = text_value(digits);
		memset(&out, 0, sizeof(out));
		CHECK(mesh_avro_encode(e2, &v, &out, err, sizeof(err)), "999 digits: %s", err);
		mesh_buf_init(&back);
		/* skip the length varint (two bytes for 416 bytes) */
		CHECK(mesh_avro_decimal_text(out.data + 2, out.len - 2, 2000, 500, &back, err, sizeof(err)) &&
			  strncmp(back.data, digits, 1000) == 0 && strcmp(back.data + 1000, "7") == 0,
			  "999 digits back: %.40s...", back.data);
		memset(digits, '1', 1001);
		digits[1001] = '\0';
		v = text_value(digits);
		CHECK(!mesh_avro_encode(e2, &v, &out, err, sizeof(err)) && strstr(err, "more digits than the precision") != NULL,
			  "1001 digits: %s", err);
	}
}

/* What a refused row leaves; NUL termination; buffers from zero. */
static void
test_buffers(void)
{
	MeshAvroType *rec = schema("{\"type\":\"record\",\"name\":\"B\",\"fields\":["
							   "{\"name\":\"a\",\"type\":\"long\"},"
							   "{\"name\":\"s\",\"type\":\"string\"},"
							   "{\"name\":\"n\",\"type\":\"int\"},"
							   "{\"name\":\"d\",\"type\":\"int\",\"default\":7}]}");
	MeshAvroSlot slots[3];
	MeshAvroEncoder *enc;
	MeshAvroValue v[3];
	MeshBuf		out;
	char		err[256];
	char		big[5000];
	int			i;

	test_case = "buffers";
	memset(slots, 0, sizeof(slots));
	slots[0].name = "a";
	slots[1].name = "s";
	slots[2].name = "n";
	for (i = 0; i < 3; i++)
		slots[i].needed = true;
	enc = encoder_for(rec, slots, 3);

	/* a zeroed MeshBuf: no data yet */
	memset(&out, 0, sizeof(out));
	v[0] = int_value(-1);
	v[1] = text_value("xyz");
	v[2] = int_value(150);
	CHECK(mesh_avro_encode(enc, v, &out, err, sizeof(err)), "zeroed buffer: %s", err);
	CHECK(strcmp(tohex(out.data, out.len), "010678797aac020e") == 0 && out.data[out.len] == '\0',
		  "bytes %s", tohex(out.data, out.len));

	/* refused after a long string was written: cut back, NUL restored */
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	v[1] = text_value(big);
	v[2] = int_value(INT64_C(1) << 40);
	out.len = 2;
	CHECK(!mesh_avro_encode(enc, v, &out, err, sizeof(err)), "refused");
	CHECK(out.len == 2 && out.data[2] == '\0', "refused row left %zu bytes", out.len);
	CHECK(strcmp(err, "value 1099511627776 out of range for field \"n\" (Avro int)") == 0, "%s", err);

	/* the same buffer, many rows: appended in turn */
	out.len = 0;
	v[1] = text_value("");
	v[2] = int_value(0);
	for (i = 0; i < 1000; i++)
	{
		v[0] = int_value(i);
		CHECK(mesh_avro_encode(enc, v, &out, err, sizeof(err)), "row %d", i);
	}
	CHECK(out.len == 64 * 4 + (1000 - 64) * 5, "1000 rows: %zu bytes", out.len);

	/* no errbuf at all */
	v[2] = int_value(INT64_MAX);
	CHECK(!mesh_avro_encode(enc, v, &out, NULL, 0), "refused without errbuf");
}

/* Scalars allocate nothing; JSON values free their parse trees. */
static void
test_allocations(void)
{
	MeshAvroType *rec = schema("{\"type\":\"record\",\"name\":\"A\",\"fields\":["
							   "{\"name\":\"i\",\"type\":\"int\"},"
							   "{\"name\":\"s\",\"type\":[\"null\",\"string\"]},"
							   "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
							   "{\"name\":\"dec\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":20,\"scale\":3}},"
							   "{\"name\":\"u\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}},"
							   "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":[\"null\",\"string\",\"double\"]}}}]}");
	MeshAvroSlot *slots = all_fields(rec, MESH_SHAPE_SCALAR)->slots;
	MeshAvroEncoder *enc;
	MeshAvroValue v[6];
	MeshBuf		out;
	char		err[256];
	size_t		before;
	int			i;

	test_case = "allocations";
	enc = encoder_for(rec, slots, 6);
	v[0] = int_value(5);
	v[1] = text_value("s");
	v[2] = text_value("2024-01-01T00:00:00.123456+01:00");
	v[3] = text_value("-12345.6");
	v[4] = text_value("{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}");
	v[5] = text_value("{\"k\":[null,\"x\",1.5,\"NaN\"],\"l\":[]}");
	v[5].kind = MESH_AVRO_JSON;
	mesh_buf_init(&out);
	mesh_buf_append(&out, "", 0);
	/* once, so that the buffer has grown */
	CHECK(mesh_avro_encode(enc, v, &out, err, sizeof(err)), "encode: %s", err);
	before = mesh_standalone_live_blocks();
	for (i = 0; i < 100; i++)
	{
		out.len = 0;
		CHECK(mesh_avro_encode(enc, v, &out, err, sizeof(err)), "encode: %s", err);
	}
	CHECK(mesh_standalone_live_blocks() == before, "%zu blocks left over after 100 rows",
		  mesh_standalone_live_blocks() - before);
	/* refused inside the JSON: freed too */
	v[5] = text_value("{\"k\":[true]}");
	v[5].kind = MESH_AVRO_JSON;
	CHECK(!mesh_avro_encode(enc, v, &out, err, sizeof(err)) &&
		  strcmp(err, "no branch of field \"m.k[0]\" (Avro union [null, string, double]) takes the JSON boolean") == 0,
		  "%s", err);
	CHECK(mesh_standalone_live_blocks() == before, "%zu blocks left over after a refusal",
		  mesh_standalone_live_blocks() - before);
	/* the scalar path alone: nothing at all, even the first time */
	{
		MeshAvroType *r2 = schema("{\"type\":\"record\",\"name\":\"S\",\"fields\":["
								  "{\"name\":\"i\",\"type\":\"int\"},{\"name\":\"s\",\"type\":\"string\"}]}");
		MeshAvroEncoder *e2 = encoder_for(r2, slots, 2);
		MeshBuf		big;

		mesh_buf_init(&big);
		mesh_buf_append(&big, "0123456789012345678901234567890123456789", 40);
		big.len = 0;
		v[0] = int_value(1);
		v[1] = text_value("short");
		before = mesh_standalone_live_blocks();
		CHECK(mesh_avro_encode(e2, v, &big, err, sizeof(err)), "%s", err);
		CHECK(mesh_standalone_live_blocks() == before, "scalar path allocated");
	}
}

static void
test_create(void)
{
	MeshAvroType *rec = schema("{\"type\":\"record\",\"name\":\"C\",\"namespace\":\"ns\",\"fields\":["
							   "{\"name\":\"a\",\"type\":\"int\"},"
							   "{\"name\":\"b\",\"type\":[\"string\",\"null\"]},"
							   "{\"name\":\"c\",\"type\":\"null\"}]}");
	MeshAvroSlot slot;
	MeshAvroTarget target;
	MeshAvroEncoder *enc;
	MeshAvroValue v;
	MeshBuf		out;
	char		err[256];

	test_case = "create";
	memset(&slot, 0, sizeof(slot));
	target.nslots = 1;
	target.slots = &slot;

	CHECK(mesh_avro_encoder_create(schema("\"int\""), &target, err, sizeof(err)) == NULL &&
		  strcmp(err, "the schema is not a record but int") == 0, "%s", err);
	CHECK(mesh_avro_encoder_create(rec, &target, err, sizeof(err)) == NULL &&
		  strcmp(err, "slot 0 has no name") == 0, "%s", err);
	slot.name = "a";
	slot.needed = false;
	CHECK(mesh_avro_encoder_create(rec, &target, err, sizeof(err)) == NULL &&
		  strcmp(err, "field \"a\" of record \"ns.C\" has no default and is not nullable, so it needs a value") == 0,
		  "%s", err);
	slot.needed = true;
	enc = mesh_avro_encoder_create(rec, &target, err, sizeof(err));
	CHECK(enc != NULL, "%s", err);
	/* b: null, the second branch; c: nothing */
	v = int_value(-2);
	memset(&out, 0, sizeof(out));
	CHECK(enc != NULL && mesh_avro_encode(enc, &v, &out, err, sizeof(err)) &&
		  strcmp(tohex(out.data, out.len), "0302") == 0, "defaults %s", tohex(out.data, out.len));
	target.nslots = 0;
	CHECK(mesh_avro_encoder_create(rec, &target, err, sizeof(err)) == NULL, "no slots");
	CHECK(mesh_avro_encoder_create(schema("{\"type\":\"record\",\"name\":\"E\",\"fields\":[]}"),
								   NULL, err, sizeof(err)) != NULL, "an empty record, no source: %s", err);
}

/* ------------------------------------------------------------------------
 * Compatibility
 * ------------------------------------------------------------------------
 */

/* A record "R" with the given fields (JSON text of the fields array). */
static MeshAvroType *
record_of(const char *fields)
{
	char		buf[4096];

	snprintf(buf, sizeof(buf), "{\"type\":\"record\",\"name\":\"R\",\"fields\":[%s]}", fields);
	return schema(buf);
}

static void
compat_case(const char *reader, const char *writer, const char *expected,
			bool records, int line)
{
	MeshAvroType *r = records ? record_of(reader) : schema(reader);
	MeshAvroType *w = records ? record_of(writer) : schema(writer);
	char		err[512];
	bool		ok;

	strcpy(err, "(unset)");
	ok = mesh_avro_can_read(r, w, err, sizeof(err));
	if (expected[0] == '\0')
		check_at(ok && err[0] == '\0', __FILE__, line, "reader %s, writer %s: refused: %s",
				 reader, writer, err);
	else
		check_at(!ok && strcmp(err, expected) == 0, __FILE__, line,
				 "reader %s, writer %s:\n  got      %s\n  expected %s",
				 reader, writer, ok ? "(compatible)" : err, expected);
}


/*
 * Whether a reader schema can read a writer's: the two (as the fields of a
 * record, or whole types), and the error expected ("": compatible).
 */
static const struct
{
	bool		records;
	const char *reader;
	const char *writer;
	const char *expected;
}			compat_cases[] = {
	/* the same schema */
	{true, "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}", "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}", ""},

	/* promotions, and not the other way */
	{true, "{\"name\":\"a\",\"type\":\"long\"}", "{\"name\":\"a\",\"type\":\"int\"}", ""},
	{true, "{\"name\":\"a\",\"type\":\"float\"}", "{\"name\":\"a\",\"type\":\"int\"}", ""},
	{true, "{\"name\":\"a\",\"type\":\"double\"}", "{\"name\":\"a\",\"type\":\"int\"}", ""},
	{true, "{\"name\":\"a\",\"type\":\"float\"}", "{\"name\":\"a\",\"type\":\"long\"}", ""},
	{true, "{\"name\":\"a\",\"type\":\"double\"}", "{\"name\":\"a\",\"type\":\"long\"}", ""},
	{true, "{\"name\":\"a\",\"type\":\"double\"}", "{\"name\":\"a\",\"type\":\"float\"}", ""},
	{true, "{\"name\":\"a\",\"type\":\"bytes\"}", "{\"name\":\"a\",\"type\":\"string\"}", ""},
	{true, "{\"name\":\"a\",\"type\":\"string\"}", "{\"name\":\"a\",\"type\":\"bytes\"}", ""},
	{true, "{\"name\":\"a\",\"type\":\"int\"}", "{\"name\":\"a\",\"type\":\"long\"}", "field \"a\": writer type long cannot be read as int"},
	{true, "{\"name\":\"a\",\"type\":\"float\"}", "{\"name\":\"a\",\"type\":\"double\"}", "field \"a\": writer type double cannot be read as float"},
	{true, "{\"name\":\"a\",\"type\":\"long\"}", "{\"name\":\"a\",\"type\":\"float\"}", "field \"a\": writer type float cannot be read as long"},
	{true, "{\"name\":\"amount\",\"type\":\"double\"}", "{\"name\":\"amount\",\"type\":\"string\"}", "field \"amount\": writer type string cannot be read as double"},
	{true, "{\"name\":\"a\",\"type\":\"boolean\"}", "{\"name\":\"a\",\"type\":\"int\"}", "field \"a\": writer type int cannot be read as boolean"},
	{true, "{\"name\":\"a\",\"type\":\"null\"}", "{\"name\":\"a\",\"type\":\"int\"}", "field \"a\": writer type int cannot be read as null"},

	/* fields added and removed */
	{true, "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\",\"default\":\"x\"}", "{\"name\":\"a\",\"type\":\"int\"}", ""},
	{true, "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":[\"null\",\"string\"],\"default\":null}", "{\"name\":\"a\",\"type\":\"int\"}", ""},
	{true, "{\"name\":\"a\",\"type\":\"int\"}", "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}", ""},
	{true, "{\"name\":\"a\",\"type\":\"int\",\"default\":1}", "{\"name\":\"z\",\"type\":\"int\"}", ""},
	{true, "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}", "{\"name\":\"a\",\"type\":\"int\"}", "field \"b\" has no default and the old schema lacks it"},
	{true, "{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":[\"null\",\"string\"]}", "{\"name\":\"a\",\"type\":\"int\"}", "field \"b\" has no default and the old schema lacks it"},

	/* aliases: the reader's field names the writer's */
	{true, "{\"name\":\"user_id\",\"type\":\"long\",\"aliases\":[\"uid\"]}", "{\"name\":\"uid\",\"type\":\"int\"}", ""},
	{true, "{\"name\":\"user_id\",\"type\":\"int\",\"aliases\":[\"uid\"]}", "{\"name\":\"uid\",\"type\":\"long\"}", "field \"user_id\": writer type long cannot be read as int"},
	{true, "{\"name\":\"user_id\",\"type\":\"int\"}", "{\"name\":\"uid\",\"type\":\"int\"}", "field \"user_id\" has no default and the old schema lacks it"},

	/* nested records */
	{true, "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"street\",\"type\":\"string\"},{\"name\":\"zip\",\"type\":\"string\"}]}}", "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"street\",\"type\":\"string\"}]}}", "field \"address.zip\" has no default and the old schema lacks it"},
	{true, "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"street\",\"type\":\"string\"},{\"name\":\"zip\",\"type\":\"string\",\"default\":\"\"}]}}", "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"street\",\"type\":\"string\"}]}}", ""},
	{true, "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"zip\",\"type\":\"int\"}]}}", "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Address\",\"fields\":[{\"name\":\"zip\",\"type\":\"string\"}]}}", "field \"address.zip\": writer type string cannot be read as int"},
	{true, "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Address\",\"fields\":[]}}", "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Addr\",\"fields\":[]}}", "field \"address\": writer type record \"Addr\" cannot be read as record \"Address\""},
	{true, "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Address\",\"aliases\":[\"old.Addr\"],\"fields\":[]}}", "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Addr\",\"namespace\":\"old\",\"fields\":[]}}", ""},
	{true, "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"new\",\"fields\":[]}}", "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"old\",\"fields\":[]}}", ""},
	{false, "{\"type\":\"record\",\"name\":\"A\",\"fields\":[]}", "{\"type\":\"record\",\"name\":\"B\",\"fields\":[]}", "writer type record \"B\" cannot be read as record \"A\""},

	/* enums */
	{true, "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"S\",\"symbols\":[\"OPEN\",\"DONE\"]}}", "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"S\",\"symbols\":[\"OPEN\",\"DONE\",\"CANCELLED\"]}}", "field \"status\": symbol \"CANCELLED\" is missing and the enum has no default"},
	{true, "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"S\",\"symbols\":[\"OPEN\",\"DONE\",\"OTHER\"],\"default\":\"OTHER\"}}", "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"S\",\"symbols\":[\"OPEN\",\"DONE\",\"CANCELLED\"]}}", ""},
	{true, "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"S\",\"symbols\":[\"NEW\",\"OPEN\",\"DONE\"]}}", "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"S\",\"symbols\":[\"DONE\",\"OPEN\"]}}", ""},
	{true, "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"B\",\"symbols\":[\"X\"]}}", "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"A\",\"symbols\":[\"X\"]}}", "field \"e\": writer type enum \"A\" cannot be read as enum \"B\""},
	{true, "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"B\",\"aliases\":[\"A\"],\"symbols\":[\"X\"]}}", "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"A\",\"symbols\":[\"X\"]}}", ""},
	{true, "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\"]}}", "{\"name\":\"e\",\"type\":\"string\"}", "field \"e\": writer type string cannot be read as enum \"E\""},

	/* fixed */
	{true, "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}}", "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}}", ""},
	{true, "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":8}}", "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}}", "field \"f\": writer type fixed \"F\" of 4 bytes cannot be read as fixed \"F\" of 8 bytes"},
	{true, "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"G\",\"size\":4}}", "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}}", "field \"f\": writer type fixed \"F\" of 4 bytes cannot be read as fixed \"G\" of 4 bytes"},
	{true, "{\"name\":\"f\",\"type\":\"bytes\"}", "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}}", "field \"f\": writer type fixed \"F\" of 4 bytes cannot be read as bytes"},

	/* arrays and maps */
	{true, "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"long\"}}", "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"int\"}}", ""},
	{true, "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}}", "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"int\"}}", "field \"tags[]\": writer type int cannot be read as string"},
	{true, "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"int\"}}", "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"long\"}}", "field \"m[]\": writer type long cannot be read as int"},
	{true, "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"int\"}}", "{\"name\":\"m\",\"type\":{\"type\":\"array\",\"items\":\"int\"}}", "field \"m\": writer type array cannot be read as map"},
	{true, "{\"name\":\"people\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"zip\",\"type\":\"int\"}]}}}", "{\"name\":\"people\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"P\",\"fields\":[]}}}", "field \"people[].zip\" has no default and the old schema lacks it"},

	/* unions */
	{true, "{\"name\":\"x\",\"type\":[\"null\",\"string\"]}", "{\"name\":\"x\",\"type\":[\"null\",\"string\"]}", ""},
	{true, "{\"name\":\"x\",\"type\":[\"null\",\"string\"]}", "{\"name\":\"x\",\"type\":\"string\"}", ""},
	{true, "{\"name\":\"x\",\"type\":[\"string\",\"null\"]}", "{\"name\":\"x\",\"type\":\"null\"}", ""},
	{true, "{\"name\":\"x\",\"type\":[\"null\",\"long\",\"string\"]}", "{\"name\":\"x\",\"type\":[\"int\",\"string\"]}", ""},
	{true, "{\"name\":\"x\",\"type\":[\"null\",\"double\"]}", "{\"name\":\"x\",\"type\":[\"null\",\"int\",\"float\"]}", ""},
	{true, "{\"name\":\"x\",\"type\":\"string\"}", "{\"name\":\"x\",\"type\":[\"null\",\"string\"]}", "field \"x\": writer type null cannot be read as string"},
	{true, "{\"name\":\"x\",\"type\":[\"null\",\"long\"]}", "{\"name\":\"x\",\"type\":[\"int\",\"boolean\"]}", "field \"x\": writer type boolean cannot be read as union [null, long]"},
	{true, "{\"name\":\"x\",\"type\":[\"null\",\"string\"]}", "{\"name\":\"x\",\"type\":\"int\"}", "field \"x\": writer type int cannot be read as union [null, string]"},
	{true, "{\"name\":\"x\",\"type\":\"long\"}", "{\"name\":\"x\",\"type\":[\"int\",\"long\"]}", ""},
	{true, "{\"name\":\"x\",\"type\":\"int\"}", "{\"name\":\"x\",\"type\":[\"int\",\"long\"]}", "field \"x\": writer type long cannot be read as int"},
	{true, "{\"name\":\"addr\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"zip\",\"type\":\"int\"}]}]}", "{\"name\":\"addr\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"A\",\"fields\":[]}]}", "field \"addr.zip\" has no default and the old schema lacks it"},
	/* an exact branch before a promotion: bytes read as bytes, not string */
	{true, "{\"name\":\"b\",\"type\":[\"string\",\"bytes\"]}", "{\"name\":\"b\",\"type\":\"bytes\"}", ""},

	/* decimals: precision and scale must agree; otherwise the underlying types */
	{true, "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":12,\"scale\":2}}", "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}}", "field \"amount\": writer type decimal(10,2) cannot be read as decimal(12,2)"},
	{true, "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":3}}", "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}}", "field \"amount\": writer type decimal(10,2) cannot be read as decimal(10,3)"},
	{true, "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}}", "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}}", ""},
	{true, "{\"name\":\"amount\",\"type\":\"bytes\"}", "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}}", ""},
	{true, "{\"name\":\"amount\",\"type\":[\"null\",{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":9,\"scale\":2}]}", "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}}", "field \"amount\": writer type decimal(10,2) cannot be read as decimal(9,2)"},

	/* other logical types: loosely, by the underlying types */
	{true, "{\"name\":\"t\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}}", "{\"name\":\"t\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}", ""},
	{true, "{\"name\":\"t\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}}", "{\"name\":\"t\",\"type\":\"long\"}", ""},
	{true, "{\"name\":\"t\",\"type\":{\"type\":\"long\",\"logicalType\":\"time-micros\"}}", "{\"name\":\"t\",\"type\":{\"type\":\"int\",\"logicalType\":\"time-millis\"}}", ""},
	{true, "{\"name\":\"u\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}}", "{\"name\":\"u\",\"type\":\"string\"}", ""},
	{true, "{\"name\":\"d\",\"type\":\"long\"}", "{\"name\":\"d\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}}", ""},
	{true, "{\"name\":\"t\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}}", "{\"name\":\"t\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}", "field \"t\": writer type timestamp-millis cannot be read as date"},

	/* top level, not records */
	{false, "\"long\"", "\"int\"", ""},
	{false, "\"int\"", "\"string\"", "writer type string cannot be read as int"},
	{false, "[\"null\",\"string\"]", "\"string\"", ""},
	{false, "{\"type\":\"array\",\"items\":\"int\"}", "{\"type\":\"array\",\"items\":\"long\"}", "field \"[]\": writer type long cannot be read as int"},

	/* recursion */
	{false, "{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"v\",\"type\":\"long\"},{\"name\":\"next\",\"type\":[\"null\",\"Node\"]},{\"name\":\"w\",\"type\":\"int\",\"default\":0}]}", "{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"v\",\"type\":\"int\"},{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}", ""},
	{false, "{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"v\",\"type\":\"int\"},{\"name\":\"next\",\"type\":[\"null\",\"Node\"]},{\"name\":\"w\",\"type\":\"int\"}]}", "{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"v\",\"type\":\"int\"},{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}", "field \"w\" has no default and the old schema lacks it"},
	{false, "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"kids\",\"type\":{\"type\":\"array\",\"items\":\"T\"}},{\"name\":\"v\",\"type\":\"int\"}]}", "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"kids\",\"type\":{\"type\":\"array\",\"items\":\"T\"}},{\"name\":\"v\",\"type\":\"long\"}]}", "field \"v\": writer type long cannot be read as int"},
	/* mutual recursion, compatible: the visited pairs end it */
	{false, "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"b\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"a\",\"type\":[\"null\",\"A\"]}]}]}]}", "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"b\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"a\",\"type\":[\"null\",\"A\"]}]}]}]}", ""},
};

static void
test_compat(void)
{
	size_t		c;

	test_case = "compat";
	for (c = 0; c < sizeof(compat_cases) / sizeof(compat_cases[0]); c++)
		compat_case(compat_cases[c].reader, compat_cases[c].writer, compat_cases[c].expected,
					compat_cases[c].records, __LINE__);

	/* the evolution schemas of the regression tests, in order */
	{
		char		path[64];
		char	   *texts[3];
		MeshAvroType *v[3];
		char		err[256];
		int			i;
		size_t		len;

		for (i = 0; i < 3; i++)
		{
			snprintf(path, sizeof(path), "test/data/evo-v%d.avsc", i + 1);
			texts[i] = read_file(path, &len);
			v[i] = schema(texts[i]);
		}
		CHECK(mesh_avro_can_read(v[1], v[0], err, sizeof(err)), "evo v2 reads v1: %s", err);
		CHECK(mesh_avro_can_read(v[2], v[1], err, sizeof(err)), "evo v3 reads v2: %s", err);
		CHECK(mesh_avro_can_read(v[2], v[0], err, sizeof(err)), "evo v3 reads v1: %s", err);
		for (i = 0; i < 3; i++)
			free(texts[i]);
	}
	CHECK(!mesh_avro_can_read(NULL, NULL, NULL, 0), "NULL schemas");
}

/* ------------------------------------------------------------------------
 * Random rows: the fast paths against the JSON path
 * ------------------------------------------------------------------------
 */

static uint64_t rng_state = 0x2545F4914F6CDD1Du;

static uint32_t
rng(void)
{
	return (uint32_t) xorshift64(&rng_state);
}

/*
 * Rows of random values (nulls, long strings, values that leave the fast
 * paths for the generic one, values refused) into a record of every fast
 * type, plain and nullable, between fields that are not fast, into buffers
 * that start empty: what is accepted must decode, and the decoder's JSON
 * rendering must encode (by the JSON path) to the same bytes.
 */
static void
test_random_rows(void)
{
	MeshAvroType *rec = schema("{\"type\":\"record\",\"name\":\"Rnd\",\"fields\":["
							   "{\"name\":\"i\",\"type\":\"int\"},"
							   "{\"name\":\"ni\",\"type\":[\"null\",\"int\"]},"
							   "{\"name\":\"l\",\"type\":\"long\"},"
							   "{\"name\":\"nl\",\"type\":[\"long\",\"null\"]},"
							   "{\"name\":\"f\",\"type\":\"float\"},"
							   "{\"name\":\"nf\",\"type\":[\"null\",\"float\"]},"
							   "{\"name\":\"d\",\"type\":\"double\"},"
							   "{\"name\":\"s\",\"type\":\"string\"},"
							   "{\"name\":\"dflt\",\"type\":\"long\",\"default\":123456789},"
							   "{\"name\":\"ns\",\"type\":[\"null\",\"string\"]},"
							   "{\"name\":\"dec\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":18,\"scale\":2}},"
							   "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
							   "{\"name\":\"nts\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}]},"
							   "{\"name\":\"dflt2\",\"type\":\"string\",\"default\":\"filled in\"},"
							   "{\"name\":\"dflt3\",\"type\":[\"null\",\"int\"]},"
							   "{\"name\":\"last\",\"type\":\"int\"}]}");
	static const char *names[] = {"i", "ni", "l", "nl", "f", "nf", "d", "s", "ns", "dec", "ts", "nts", "last"};
	enum
	{
		NS = 13
	};
	MeshAvroSlot slots[NS];
	MeshAvroEncoder *enc;
	MeshAvroEncoder *json_enc;
	MeshAvroTarget *jt = all_fields(rec, MESH_SHAPE_JSON);
	MeshAvroProgram *prog;
	char		err[512];
	char		text[NS][600];
	int			row;
	int			k;
	int			accepted = 0;

	test_case = "random rows";
	memset(slots, 0, sizeof(slots));
	for (k = 0; k < NS; k++)
	{
		slots[k].name = names[k];
		slots[k].needed = true;
	}
	enc = encoder_for(rec, slots, NS);
	json_enc = mesh_avro_encoder_create(rec, jt, err, sizeof(err));
	prog = mesh_avro_compile(rec, jt, err, sizeof(err));
	CHECK(enc != NULL && json_enc != NULL && prog != NULL, "setup: %s", err);
	if (enc == NULL || json_enc == NULL || prog == NULL)
		return;
	for (row = 0; row < 20000; row++)
	{
		MeshAvroValue v[NS];
		MeshAvroValue dv[16];
		MeshBuf		out;
		MeshBuf		again;
		bool		ok;

		memset(v, 0, sizeof(v));
		for (k = 0; k < NS; k++)
		{
			uint32_t	r = rng();
			const char *name = names[k];

			if (r % 16 == 0)
			{
				v[k].is_null = true;
				continue;
			}
			if (strcmp(name, "s") == 0 || strcmp(name, "ns") == 0)
			{
				int			n = (int) (rng() % (r % 7 == 0 ? 500 : 20));
				int			c;

				for (c = 0; c < n; c++)
					text[k][c] = (char) ("abcXYZ 019\"\\"[rng() % 12]);
				if (r % 11 == 0 && n > 2)
				{
					text[k][0] = (char) 0xC3;	/* é */
					text[k][1] = (char) 0xA9;
				}
				if (r % 97 == 0 && n > 0)
					text[k][n - 1] = (char) 0xFF;	/* refused */
				v[k].kind = r % 13 == 0 ? AVRO_BYTES : AVRO_STRING;	/* bytes: generic */
				v[k].data = text[k];
				v[k].len = (size_t) n;
			}
			else if (strcmp(name, "f") == 0 || strcmp(name, "nf") == 0 || strcmp(name, "d") == 0)
			{
				if (r % 9 == 0)
				{
					v[k].kind = AVRO_LONG;	/* generic */
					v[k].integer = (int64_t) (rng() % 2000000) - 1000000;
				}
				else
				{
					v[k].kind = AVRO_DOUBLE;
					v[k].real = ((double) rng() - 2147483648.0) / (double) (1 + rng() % 1000);
				}
			}
			else if (strcmp(name, "dec") == 0)
			{
				snprintf(text[k], sizeof(text[k]), "%s%u.%02u", r % 2 ? "-" : "", rng() % 100000, rng() % 100);
				v[k].kind = AVRO_STRING;
				v[k].data = text[k];
				v[k].len = strlen(text[k]);
			}
			else if (strcmp(name, "ts") == 0 || strcmp(name, "nts") == 0)
			{
				if (r % 10 == 0)
				{
					snprintf(text[k], sizeof(text[k]), "2024-0%u-1%uT12:34:56.%06u+01:00",
							 1 + rng() % 9, rng() % 10, rng() % 1000000);
					v[k].kind = AVRO_STRING;	/* generic */
					v[k].data = text[k];
					v[k].len = strlen(text[k]);
				}
				else
				{
					v[k].kind = AVRO_LONG;
					v[k].logical = r % 3 == 0 ? AVRO_LT_TIMESTAMP_MICROS : AVRO_LT_NONE;
					v[k].integer = ((int64_t) rng() << 20) - ((int64_t) 1 << 50) + (int64_t) rng();
				}
			}
			else
			{
				/* the ints and longs: now and then beyond int */
				v[k].kind = AVRO_LONG;
				v[k].integer = r % 50 == 0 ? ((int64_t) rng() << 16) : (int64_t) (int32_t) rng() >> (rng() % 32);
			}
		}
		memset(&out, 0, sizeof(out));
		ok = mesh_avro_encode(enc, v, &out, err, sizeof(err));
		if (!ok)
		{
			CHECK(out.len == 0 && err[0] != '\0', "refused with bytes left or no reason");
			continue;
		}
		accepted++;
		CHECK(out.data[out.len] == '\0', "not NUL-terminated");
		if (!decode_exact(prog, out.data, out.len, dv, err, sizeof(err)))
		{
			CHECK(false, "row %d does not decode: %s: %s", row, err, tohex(out.data, out.len));
			continue;
		}
		memset(&again, 0, sizeof(again));
		CHECK(mesh_avro_encode(json_enc, dv, &again, err, sizeof(err)) &&
			  again.len == out.len && memcmp(again.data, out.data, out.len) == 0,
			  "row %d: fast path and JSON path differ:\n  %s\n  %s", row,
			  tohex(out.data, out.len), tohex(again.data, again.len));
		mesh_free(out.data);
		mesh_free(again.data);
	}
	printf("test_encode: 20000 random rows, %d accepted, each the same by the JSON path\n",
		   accepted);
}

/* ------------------------------------------------------------------------
 * Mutations of JSON values
 * ------------------------------------------------------------------------
 */

/* what edit_json puts in */
static const char alphabet[] = "{}[]\":,0123456789.-+eE \\xnulltruefalseNaNInfinityABZT";

/* One edit of a JSON text: a character replaced, dropped or put in. */
static size_t
edit_json(void *text, size_t mn, size_t cap, uint32_t r)
{
	char	   *m = text;

	switch (r % 5)
	{
		case 0:
			m[r / 5 % mn] = alphabet[(r >> 16) % (sizeof(alphabet) - 1)];
			break;
		case 4:
			{
				/* the same class of character: mostly still JSON */
				char	   *c = &m[r / 5 % mn];

				if (*c >= '0' && *c <= '9')
					*c = (char) ('0' + (r >> 20) % 10);
				else if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'))
					*c = "ABEFTZabefxyz-:. "[(r >> 20) % 17];
				break;
			}
		case 1:
			memmove(m + r / 5 % mn, m + r / 5 % mn + 1, mn - r / 5 % mn - 1);
			mn--;
			break;
		case 2:
			if (mn < cap)
			{
				size_t		at = r / 5 % mn;

				memmove(m + at + 1, m + at, mn - at);
				m[at] = alphabet[(r >> 16) % (sizeof(alphabet) - 1)];
				mn++;
			}
			break;
		case 3:
			m[r / 5 % mn] = (char) (r >> 24);
			break;
	}
	return mn;
}

static void
test_mutations(void)
{
	static const char *seeds[] = {
		"{\"id\":1,\"addr\":{\"street\":\"Main\",\"zip\":12345},\"tags\":[\"a\",\"b\"],"
		"\"scores\":{\"x\":1.5,\"y\":\"NaN\"},\"u\":[\"null\",3,\"s\"],\"when\":\"2024-01-02T03:04:05.5+01:00\","
		"\"day\":\"2024-02-29\",\"amount\":\"-12.50\",\"blob\":\"\\\\x00ff\",\"e\":\"B\",\"f\":0.25,"
		"\"id2\":\"123e4567-e89b-12d3-a456-426614174000\",\"t\":\"12:00:00.5\"}",
		"{\"id\":-7,\"addr\":{\"street\":\"\",\"zip\":0,\"country\":\"X\"},\"tags\":[],\"scores\":{},"
		"\"u\":[],\"when\":\"1969-12-31 23:59:59.999999Z\",\"day\":\"0044-03-15 BC\",\"amount\":1e2,"
		"\"blob\":\"\\\\x\",\"e\":\"A\",\"f\":\"-Infinity\",\"id2\":\"{00000000-0000-0000-0000-000000000000}\","
		"\"t\":\"24:00:00\"}",
	};
	MeshAvroType *rec = schema("{\"type\":\"record\",\"name\":\"M\",\"fields\":["
							   "{\"name\":\"v\",\"type\":{\"type\":\"record\",\"name\":\"In\",\"fields\":["
							   "{\"name\":\"id\",\"type\":\"long\"},"
							   "{\"name\":\"addr\",\"type\":{\"type\":\"record\",\"name\":\"Addr\",\"fields\":["
							   "{\"name\":\"street\",\"type\":\"string\"},{\"name\":\"zip\",\"type\":\"int\"},"
							   "{\"name\":\"country\",\"type\":\"string\",\"default\":\"CH\"}]}},"
							   "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
							   "{\"name\":\"scores\",\"type\":{\"type\":\"map\",\"values\":[\"null\",\"double\"]}},"
							   "{\"name\":\"u\",\"type\":{\"type\":\"array\",\"items\":[\"null\",\"int\",\"string\",\"boolean\"]}},"
							   "{\"name\":\"when\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
							   "{\"name\":\"day\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
							   "{\"name\":\"amount\",\"type\":{\"type\":\"fixed\",\"name\":\"Amt\",\"size\":6,\"logicalType\":\"decimal\",\"precision\":14,\"scale\":2}},"
							   "{\"name\":\"blob\",\"type\":\"bytes\"},"
							   "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}},"
							   "{\"name\":\"f\",\"type\":\"float\"},"
							   "{\"name\":\"id2\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}},"
							   "{\"name\":\"t\",\"type\":{\"type\":\"long\",\"logicalType\":\"time-micros\"}}"
							   "]}}]}");
	MeshAvroSlot slot;
	MeshAvroEncoder *enc;
	MeshAvroTarget *target;
	MeshAvroProgram *prog;
	char		cerr[256];
	int			tries = 0;
	int			encoded = 0;
	size_t		s;
	int			round;

	test_case = "mutations";
	memset(&slot, 0, sizeof(slot));
	slot.name = "v";
	slot.needed = true;
	slot.shape = MESH_SHAPE_JSON;
	enc = encoder_for(rec, &slot, 1);
	target = all_fields(rec, MESH_SHAPE_JSON);
	prog = mesh_avro_compile(rec, target, cerr, sizeof(cerr));
	CHECK(prog != NULL, "compile: %s", cerr);
	for (s = 0; s < sizeof(seeds) / sizeof(seeds[0]) && prog != NULL; s++)
	{
		size_t		n = strlen(seeds[s]);

		for (round = 0; round < 3000; round++)
		{
			char	   *m = malloc(n + 16);
			int			edits = rng() % 8 < 5 ? 1 : 2 + rng() % 2;
			size_t		mn;
			MeshAvroValue v;
			MeshBuf		out;
			char		err[512];

			memcpy(m, seeds[s], n);
			mn = apply_edits(m, n, n + 16, edits, rng, edit_json);
			memset(&v, 0, sizeof(v));
			v.kind = MESH_AVRO_JSON;
			v.data = m;
			v.len = mn;
			memset(&out, 0, sizeof(out));
			tries++;
			if (mesh_avro_encode(enc, &v, &out, err, sizeof(err)))
			{
				char	   *first;
				MeshAvroValue dv;
				MeshBuf		again;

				encoded++;
				first = json_with(prog, target, out.data, out.len, err, sizeof(err));
				CHECK(first != NULL, "accepted %.*s but the decoder refuses %s: %s",
					  (int) mn, m, tohex(out.data, out.len), err);
				if (first != NULL &&
					decode_exact(prog, out.data, out.len, &dv, err, sizeof(err)))
				{
					char	   *second;

					memset(&again, 0, sizeof(again));
					CHECK(mesh_avro_encode(enc, &dv, &again, err, sizeof(err)),
						  "the decoder's JSON of %.*s does not encode: %s", (int) mn, m, err);
					second = json_with(prog, target, again.data, again.len, err, sizeof(err));
					CHECK(second != NULL && strcmp(first, second) == 0,
						  "not stable: %s then %s", first, second ? second : err);
				}
			}
			else
				CHECK(err[0] != '\0' && out.len == 0, "refused without a reason or left bytes");
			free(m);
		}
	}
	printf("test_encode: %d JSON mutations, %d encoded and read back\n", tries, encoded);
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "test/data";

	test_encode_vectors(dir);
	test_decoder_vectors(dir);
	test_decimals();
	test_buffers();
	test_allocations();
	test_create();
	test_random_rows();
	test_compat();
	test_mutations();
	return test_report("test_encode");
}
