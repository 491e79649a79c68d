/*-------------------------------------------------------------------------
 *
 * debezium.c
 *		  Debezium change events: which fields of `after` are encoded, and
 *		  how, and their values as PostgreSQL input text.
 *
 * Debezium (through Kafka Connect) writes dates, times, timestamps and
 * decimals as numbers and bytes, naming the meaning in the field's schema:
 * "connect.name" in an Avro schema (with "connect.parameters" for a
 * decimal's scale), "name" and "parameters" in the schema Connect's JSON
 * converter embeds.  The encodings are Debezium's documented ones
 * (io.debezium.time.*, io.debezium.data.VariableScaleDecimal) and Kafka
 * Connect's logical types (org.apache.kafka.connect.data.*).
 *
 *-------------------------------------------------------------------------
 */
#include "core/debezium.h"

#include "core/calendar.h"
#include "core/decimal.h"
#include "core/text.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

MeshDbzEncoding
mesh_dbz_encoding(const char *name)
{
	static const struct
	{
		const char *name;
		MeshDbzEncoding encoding;
	}			names[] = {
		{"io.debezium.time.Date", MESH_DBZ_DATE},
		{"org.apache.kafka.connect.data.Date", MESH_DBZ_DATE},
		{"io.debezium.time.Time", MESH_DBZ_TIME_MS},
		{"org.apache.kafka.connect.data.Time", MESH_DBZ_TIME_MS},
		{"io.debezium.time.MicroTime", MESH_DBZ_TIME_US},
		{"io.debezium.time.NanoTime", MESH_DBZ_TIME_NS},
		{"io.debezium.time.Timestamp", MESH_DBZ_TIMESTAMP_MS},
		{"org.apache.kafka.connect.data.Timestamp", MESH_DBZ_INSTANT_MS},
		{"io.debezium.time.MicroTimestamp", MESH_DBZ_TIMESTAMP_US},
		{"io.debezium.time.NanoTimestamp", MESH_DBZ_TIMESTAMP_NS},
		{"io.debezium.time.ZonedTimestamp", MESH_DBZ_ZONED_TIMESTAMP},
		{"io.debezium.time.ZonedTime", MESH_DBZ_ZONED_TIME},
		{"org.apache.kafka.connect.data.Decimal", MESH_DBZ_DECIMAL},
		{"io.debezium.data.VariableScaleDecimal", MESH_DBZ_VARIABLE_DECIMAL},
	};
	size_t		i;

	if (name == NULL)
		return MESH_DBZ_NONE;
	for (i = 0; i < MESH_LENGTHOF(names); i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].encoding;
	return MESH_DBZ_NONE;
}

/*
 * A scale parameter: a number, or a string of digits as Connect writes it.
 * One beyond int, or a string that is not an integer, gives -1, which
 * reading a value refuses (a wrapped-around scale would read it wrong).
 */
static int
scale_of(const MeshJson *params, const MeshJson *direct)
{
	const MeshJson *s = mesh_json_get(params, "scale");
	long long	v;
	char	   *end;

	if (s == NULL)
		s = direct;
	if (s != NULL && s->type == MJ_NUMBER && s->is_integer)
		return s->integer >= INT_MIN && s->integer <= INT_MAX ? (int) s->integer : -1;
	if (s != NULL && s->type == MJ_STRING)
	{
		errno = 0;
		v = strtoll(s->string, &end, 10);
		return end != s->string && *end == '\0' && errno == 0 &&
			v >= INT_MIN && v <= INT_MAX ? (int) v : -1;
	}
	return 0;
}

/* The last component of an Avro name ("ns.Value": "Value"). */
static const char *
simple_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot ? dot + 1 : name;
}

/*
 * The Avro record called name anywhere in schema, or NULL.  Names are
 * compared without their namespaces (a record inherits its parent's, which
 * this walk does not track): an envelope names one record "Value".
 */
static const MeshJson *
avro_named(const MeshJson *schema, const char *name, int depth)
{
	int			i;

	if (schema == NULL || depth > MESH_JSON_MAX_DEPTH)
		return NULL;
	if (schema->type == MJ_OBJECT)
	{
		const char *n = mesh_json_get_string(schema, "name");

		if (n != NULL && mesh_json_get(schema, "fields") != NULL &&
			strcmp(simple_name(n), simple_name(name)) == 0)
			return schema;
	}
	if (schema->type == MJ_OBJECT || schema->type == MJ_ARRAY)
		for (i = 0; i < schema->count; i++)
		{
			const MeshJson *found = avro_named(schema->items[i], name, depth + 1);

			if (found)
				return found;
		}
	return NULL;
}

/* The non-null branch of an Avro type (a union's first non-"null"). */
static const MeshJson *
avro_nonnull(const MeshJson *type)
{
	int			i;

	if (type == NULL || type->type != MJ_ARRAY)
		return type;
	for (i = 0; i < type->count; i++)
		if (!(type->items[i]->type == MJ_STRING && strcmp(type->items[i]->string, "null") == 0))
			return type->items[i];
	return NULL;
}

/* The struct/record field called name of a record or struct schema. */
static const MeshJson *
field_named(const MeshJson *record, bool avro, const char *name)
{
	const MeshJson *fields = mesh_json_get(record, "fields");
	int			i;

	if (fields == NULL || fields->type != MJ_ARRAY)
		return NULL;
	for (i = 0; i < fields->count; i++)
	{
		const char *n = mesh_json_get_string(fields->items[i], avro ? "name" : "field");

		if (n != NULL && strcmp(n, name) == 0)
			return fields->items[i];
	}
	return NULL;
}

bool
mesh_dbz_fields(const MeshJson *schema, bool avro, MeshDbzFields *out,
				char *errbuf, size_t errlen)
{
	const MeshJson *after = field_named(schema, avro, "after");
	const MeshJson *record;
	const MeshJson *fields;
	int			i;

	out->nfields = 0;
	out->fields = NULL;
	if (after == NULL || field_named(schema, avro, "op") == NULL)
	{
		snprintf(errbuf, errlen, "the value's schema is not that of a Debezium change event: it has no fields \"after\" and \"op\"");
		return false;
	}
	record = avro ? avro_nonnull(mesh_json_get(after, "type")) : after;
	if (avro && record != NULL && record->type == MJ_STRING)
		record = avro_named(schema, record->string, 0);
	fields = mesh_json_get(record, "fields");
	if (fields == NULL || fields->type != MJ_ARRAY)
	{
		snprintf(errbuf, errlen, "the value's schema is not that of a Debezium change event: \"after\" is not a record");
		return false;
	}
	out->fields = mesh_alloc(sizeof(MeshDbzField) * (size_t) (fields->count + 1));
	for (i = 0; i < fields->count; i++)
	{
		const MeshJson *f = fields->items[i];
		const char *name = mesh_json_get_string(f, avro ? "name" : "field");
		const MeshJson *type = avro ? avro_nonnull(mesh_json_get(f, "type")) : f;
		MeshDbzEncoding enc;

		if (name == NULL || type == NULL || type->type != MJ_OBJECT)
			continue;
		enc = mesh_dbz_encoding(mesh_json_get_string(type, avro ? "connect.name" : "name"));
		if (enc == MESH_DBZ_NONE)
			continue;
		out->fields[out->nfields].name = name;
		out->fields[out->nfields].encoding = enc;
		out->fields[out->nfields].scale =
			scale_of(mesh_json_get(type, avro ? "connect.parameters" : "parameters"),
					 mesh_json_get(type, "scale"));
		out->nfields++;
	}
	return true;
}

const char *
mesh_dbz_pg_type(MeshDbzEncoding encoding)
{
	switch (encoding)
	{
		case MESH_DBZ_NONE:
			return NULL;
		case MESH_DBZ_DATE:
			return "date";
		case MESH_DBZ_TIME_MS:
		case MESH_DBZ_TIME_US:
		case MESH_DBZ_TIME_NS:
			return "time";
		case MESH_DBZ_TIMESTAMP_MS:
		case MESH_DBZ_TIMESTAMP_US:
		case MESH_DBZ_TIMESTAMP_NS:
			return "timestamp";
		case MESH_DBZ_INSTANT_MS:
		case MESH_DBZ_ZONED_TIMESTAMP:
			return "timestamptz";
		case MESH_DBZ_ZONED_TIME:
			return "timetz";
		case MESH_DBZ_DECIMAL:
		case MESH_DBZ_VARIABLE_DECIMAL:
			return "numeric";
	}
	return NULL;
}

const MeshDbzField *
mesh_dbz_field(const MeshDbzFields *fields, const char *name)
{
	int			i;

	for (i = 0; fields && i < fields->nfields; i++)
		if (strcmp(fields->fields[i].name, name) == 0)
			return &fields->fields[i];
	return NULL;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static void
append_date(MeshBuf *out, int64_t days, bool *bc)
{
	int64_t		y;
	int			m;
	int			d;
	char		text[48];

	mesh_civil_from_days(days, &y, &m, &d);
	*bc = y <= 0;
	snprintf(text, sizeof(text), "%04lld-%02d-%02d", (long long) (y <= 0 ? 1 - y : y), m, d);
	mesh_buf_append_str(out, text);
}

static void
append_time(MeshBuf *out, int64_t us)
{
	char		text[48];

	snprintf(text, sizeof(text), "%02d:%02d:%02d.%06d",
			 (int) (us / INT64_C(3600000000)), (int) (us / 60000000 % 60),
			 (int) (us / 1000000 % 60), (int) (us % 1000000));
	mesh_buf_append_str(out, text);
}

/* Bytes as Avro's JSON rendering ("\\x<hex>") or Connect's JSON (base64). */
static uint8_t *
decode_bytes(const MeshJson *v, size_t *len)
{
	const char *s = v->string;
	size_t		n = v->string_len;
	uint8_t    *b = mesh_alloc(n + 1);
	size_t		i;
	size_t		o = 0;

	if (n >= 2 && s[0] == '\\' && s[1] == 'x')
	{
		if (n % 2 != 0)
			return NULL;
		for (i = 2; i < n; i += 2)
		{
			int			hi = mesh_hex_digit(s[i]);
			int			lo = mesh_hex_digit(s[i + 1]);

			if (hi < 0 || lo < 0)
				return NULL;
			b[o++] = (uint8_t) (hi << 4 | lo);
		}
	}
	else
	{
		uint32_t	acc = 0;
		int			bits = 0;

		for (i = 0; i < n && s[i] != '='; i++)
		{
			int			d = mesh_base64_digit((unsigned char) s[i], false);

			if (d < 0)
				return NULL;
			acc = (acc << 6) | (uint32_t) d;
			bits += 6;
			if (bits >= 8)
			{
				bits -= 8;
				b[o++] = (uint8_t) (acc >> bits);
			}
		}
		/* padding ends the text: anything after it is not base64 */
		if (strspn(s + i, "=") != n - i)
			return NULL;
	}
	*len = o;
	return b;
}

static int
decimal_text(const MeshJson *bytes, int64_t scale, MeshBuf *out, char *errbuf, size_t errlen)
{
	size_t		len;
	uint8_t    *b;
	char		why[128];

	if (bytes == NULL || bytes->type != MJ_STRING ||
		(b = decode_bytes(bytes, &len)) == NULL)
	{
		snprintf(errbuf, errlen, "a Debezium decimal is not bytes");
		return 0;
	}
	if (scale < 0 || scale > 1000)
	{
		snprintf(errbuf, errlen, "a Debezium decimal has scale %lld", (long long) scale);
		return 0;
	}
	if (mesh_decimal_to_text(out, b, len, 0, (int) scale, why, sizeof(why)) != NULL)
	{
		snprintf(errbuf, errlen, "a Debezium decimal cannot be read: %s", why);
		return 0;
	}
	return 1;
}

int
mesh_dbz_value_text(const MeshJson *value, const MeshDbzField *field,
					MeshBuf *out, char *errbuf, size_t errlen)
{
	int64_t		v;
	int64_t		us;
	bool		bc;

	if (field == NULL || field->encoding == MESH_DBZ_NONE ||
		field->encoding == MESH_DBZ_ZONED_TIMESTAMP || field->encoding == MESH_DBZ_ZONED_TIME)
		return -1;
	if (field->encoding == MESH_DBZ_DECIMAL)
		return value->type == MJ_STRING ? decimal_text(value, field->scale, out, errbuf, errlen) : -1;
	if (field->encoding == MESH_DBZ_VARIABLE_DECIMAL)
	{
		const MeshJson *scale = mesh_json_get(value, "scale");

		if (value->type != MJ_OBJECT)
			return -1;
		if (scale == NULL || scale->type != MJ_NUMBER || !scale->is_integer)
		{
			snprintf(errbuf, errlen, "a Debezium variable-scale decimal has no \"scale\"");
			return 0;
		}
		return decimal_text(mesh_json_get(value, "value"), scale->integer, out, errbuf, errlen);
	}
	if (value->type != MJ_NUMBER)
		return -1;				/* already text (an Avro logical type) */
	if (!value->is_integer)
	{
		snprintf(errbuf, errlen, "a Debezium date or time %s is not a whole number", value->number);
		return 0;
	}
	v = value->integer;
	switch (field->encoding)
	{
		case MESH_DBZ_DATE:
			if (!mesh_date_in_range(v))
				break;
			append_date(out, v, &bc);
			if (bc)
				mesh_buf_append_str(out, " BC");
			return 1;
		case MESH_DBZ_TIME_MS:
		case MESH_DBZ_TIME_US:
		case MESH_DBZ_TIME_NS:
			us = field->encoding == MESH_DBZ_TIME_MS ? (v > INT64_MAX / 1000 || v < 0 ? -1 : v * 1000) :
				field->encoding == MESH_DBZ_TIME_US ? v : v / 1000;
			if (!mesh_time_in_range(us, 1000000))
				break;
			append_time(out, us);
			return 1;
		case MESH_DBZ_TIMESTAMP_MS:
		case MESH_DBZ_INSTANT_MS:
		case MESH_DBZ_TIMESTAMP_US:
		case MESH_DBZ_TIMESTAMP_NS:
			if (field->encoding == MESH_DBZ_TIMESTAMP_MS || field->encoding == MESH_DBZ_INSTANT_MS)
			{
				if (!mesh_timestamp_in_range(v, 1000))
					break;
				us = v * 1000;
			}
			else
				us = field->encoding == MESH_DBZ_TIMESTAMP_US ? v : floor_div(v, 1000);
			if (!mesh_timestamp_in_range(us, 1000000))
				break;
			append_date(out, floor_div(us, MESH_USECS_PER_DAY), &bc);
			mesh_buf_append_char(out, ' ');
			append_time(out, us - floor_div(us, MESH_USECS_PER_DAY) * MESH_USECS_PER_DAY);
			mesh_buf_append_str(out, bc ? "+00 BC" : "+00");
			return 1;
		default:
			return -1;
	}
	snprintf(errbuf, errlen, "Debezium date or time %lld is out of range", (long long) v);
	return 0;
}
