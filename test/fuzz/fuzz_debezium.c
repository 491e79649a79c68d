/*-------------------------------------------------------------------------
 *
 * fuzz_debezium.c
 *		  libFuzzer target of the Debezium encodings (src/core/debezium.c):
 *		  the walk of a change event's schema and the values' text.
 *
 * An input is a schema's JSON text, a zero byte, and a value's JSON text;
 * without a zero byte, the whole input is a value.  A schema is walked as
 * an Avro writer schema and as Kafka Connect's JSON schema; the fields it
 * yields read the value's members (those of its "after" member when it has
 * one, as a change event's payload), and every encoding, at a few scales,
 * reads the value and each of its members.  Beyond not crashing under ASan
 * and UBSan: a schema refused or a value refused says why; what a value
 * reads as is text PostgreSQL's input functions take back to the same
 * value (dates, times and timestamps through the core's parsers, decimals
 * with exactly their scale's fraction digits); a value not encoded appends
 * nothing.
 *
 *-------------------------------------------------------------------------
 */
#include "core/calendar.h"
#include "core/debezium.h"
#include "../unit/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The members of a value read by every encoding: enough for a row. */
#define MAX_MEMBERS 32

static void
fail(const char *what, const MeshDbzField *field, const MeshJson *value, const char *text)
{
	MeshBuf		v;

	mesh_buf_init(&v);
	mesh_json_write(&v, value);
	fprintf(stderr, "encoding %d, scale %d, value %.500s: %s\n",
			(int) field->encoding, field->scale, v.data, text ? text : "");
	die(what, field->name);
}

/* The fraction digits of decimal text, or -1 if it is not -?digits[.digits]. */
static int
fraction_digits(const char *s)
{
	const char *p = s + (*s == '-');
	const char *dot;

	if (*p < '0' || *p > '9' || strspn(p, "0123456789.") != strlen(p))
		return -1;
	dot = strchr(p, '.');
	if (dot == NULL)
		return 0;
	if (strchr(dot + 1, '.') != NULL || dot[1] == '\0')
		return -1;
	return (int) strlen(dot + 1);
}

/* What a value the encoding read as: the same value again, or die. */
static void
check_text(const MeshDbzField *field, const MeshJson *value, const char *text, size_t len)
{
	int64_t		v = value->type == MJ_NUMBER ? value->integer : 0;
	int64_t		back;
	bool		overflow = false;
	int			scale = field->scale;

	switch (field->encoding)
	{
		case MESH_DBZ_DATE:
			if (!mesh_parse_date_text(text, len, &back) || back != v)
				fail("a date does not read back", field, value, text);
			return;
		case MESH_DBZ_TIME_MS:
		case MESH_DBZ_TIME_US:
		case MESH_DBZ_TIME_NS:
			if (!mesh_parse_time_text(text, len, &back) ||
				back != (field->encoding == MESH_DBZ_TIME_MS ? v * 1000 :
						 field->encoding == MESH_DBZ_TIME_US ? v : v / 1000))
				fail("a time does not read back", field, value, text);
			return;
		case MESH_DBZ_TIMESTAMP_MS:
		case MESH_DBZ_INSTANT_MS:
		case MESH_DBZ_TIMESTAMP_US:
		case MESH_DBZ_TIMESTAMP_NS:
			if (strstr(text, " BC") != NULL)
				return;			/* the core's parser reads ISO 8601, without eras */
			if (!mesh_parse_timestamp_text(text, len, false, &back, &overflow) ||
				back != (field->encoding == MESH_DBZ_TIMESTAMP_US ? v :
						 field->encoding == MESH_DBZ_TIMESTAMP_NS ? v / 1000 - (v % 1000 < 0) :
						 v * 1000))
				fail("a timestamp does not read back", field, value, text);
			return;
		case MESH_DBZ_VARIABLE_DECIMAL:
			scale = (int) mesh_json_get(value, "scale")->integer;
			if (mesh_json_get(value, "scale")->integer != scale)
				fail("a variable-scale decimal of a scale beyond int was read", field, value, text);
			/* FALLTHROUGH */
		case MESH_DBZ_DECIMAL:
			if (fraction_digits(text) != scale)
				fail("a decimal's text does not have its scale", field, value, text);
			return;
		default:
			fail("an encoding that reads as it is appended text", field, value, text);
	}
}

/* One value read as field says; checks what mesh_dbz_value_text promises. */
static void
read_value(const MeshJson *value, const MeshDbzField *field)
{
	MeshBuf		out;
	char		err[256];
	int			r;

	if (value == NULL || value->type == MJ_NULL)
		return;					/* the caller reads these as NULL */
	mesh_buf_init(&out);
	err[0] = '\0';
	r = mesh_dbz_value_text(value, field, &out, err, sizeof(err));
	if (r < 0 && out.len != 0)
		fail("a value read as it is appended text", field, value, out.data);
	if (r == 0 && strstr(err, "Debezium") == NULL)
		fail("a value refused without saying why", field, value, err);
	if (r > 0)
	{
		mesh_buf_terminate(&out);	/* the caller goes by the length */
		if (out.len == 0 || strlen(out.data) != out.len)
			fail("a value read as empty or NUL-holding text", field, value, out.data);
		check_text(field, value, out.data, out.len);
	}
	if (r < -1 || r > 1)
		fail("mesh_dbz_value_text returned neither -1, 0 nor 1", field, value, NULL);
	mesh_free(out.data);
}

/* The fields a schema yields, walked both ways; their members of value. */
static void
walk_schema(const MeshJson *schema, const MeshJson *value)
{
	const MeshJson *row = value ? mesh_json_get(value, "after") : NULL;

	if (row == NULL)
		row = value;
	for (int avro = 0; avro < 2; avro++)
	{
		MeshDbzFields fields;
		char		err[256];

		if (!mesh_dbz_fields(schema, avro, &fields, err, sizeof(err)))
		{
			if (strncmp(err, "the value's schema is not that of a Debezium change event", 57) != 0)
				die("a schema refused without saying why", err);
			continue;
		}
		for (int i = 0; i < fields.nfields; i++)
		{
			const MeshDbzField *f = &fields.fields[i];
			const MeshDbzField *found = mesh_dbz_field(&fields, f->name);

			if (f->name == NULL || f->encoding == MESH_DBZ_NONE ||
				mesh_dbz_pg_type(f->encoding) == NULL)
				die("a field without a name or an encoding", f->name ? f->name : "(null)");
			if (found == NULL || strcmp(found->name, f->name) != 0 || found > f)
				die("a field not found by its name", f->name);
			if (row != NULL && row->type == MJ_OBJECT)
				read_value(mesh_json_get(row, f->name), f);
		}
	}
}

/* Every encoding at a few scales reads the value and its members. */
static void
read_every_way(const MeshJson *value)
{
	static const int scales[] = {0, 2, 38, -1, 1001};

	for (int e = MESH_DBZ_NONE; e <= MESH_DBZ_VARIABLE_DECIMAL; e++)
		for (size_t s = 0; s < MESH_LENGTHOF(scales); s++)
		{
			MeshDbzField f = {.name = "f",.encoding = (MeshDbzEncoding) e,.scale = scales[s]};

			if (e != MESH_DBZ_DECIMAL && s > 0)
				break;
			read_value(value, &f);
			if (value->type == MJ_OBJECT || value->type == MJ_ARRAY)
				for (int i = 0; i < value->count && i < MAX_MEMBERS; i++)
					read_value(value->items[i], &f);
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *zero = memchr(data, 0, size);
	const char *text = zero ? (const char *) zero + 1 : (const char *) data;
	size_t		len = zero ? size - (size_t) (zero + 1 - data) : size;
	char		err[256];
	MeshJson   *schema = NULL;
	MeshJson   *value;

	if (zero)
	{
		schema = mesh_json_parse((const char *) data, (size_t) (zero - data), 0, err, sizeof(err));
		if (schema != NULL && schema->type == MJ_OBJECT)
		{
			/* a name as a Connect schema names its meaning */
			const char *name = mesh_json_get_string(schema, "name");

			if (mesh_dbz_encoding(name) != MESH_DBZ_NONE &&
				mesh_dbz_pg_type(mesh_dbz_encoding(name)) == NULL)
				die("an encoding without a PostgreSQL type", name);
		}
	}
	value = mesh_json_parse(text, len, 0, err, sizeof(err));
	if (schema != NULL)
		walk_schema(schema, value);
	if (value != NULL)
		read_every_way(value);
	mesh_standalone_reset();
	return 0;
}
