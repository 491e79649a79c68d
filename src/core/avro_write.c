/*-------------------------------------------------------------------------
 *
 * avro_write.c
 *		  The encoder's values: one value of a node's Avro type written as
 *		  Avro binary from a source, a row's MeshAvroValue or a node of
 *		  JSON text alike (core/avro_source.h), each Avro type's encoding
 *		  and checks written once.
 *
 * What each Avro type accepts is avro_encode.c's header's table; the
 * sources differ only where their meaning does: text given for a bytes
 * field is the bytes, a JSON string for one is "\x" and hex digits; a
 * JSON number keeps its text (decimals and floats read it exactly); JSON
 * strings "NaN", "Infinity" and "-Infinity" are reals; objects are maps
 * and records.  Messages name what was given: 'a date value cannot be
 * written to field "d" (Avro int)', 'a JSON string cannot be written...'.
 *
 * A union takes a value in its first branch, in schema order, that holds
 * it exactly (first pass: e->exact), else in the first that takes it at
 * all; the output of a branch that failed is cut back.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_write.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/avro_resolve.h"
#include "core/calendar.h"
#include "core/decimal.h"
#include "core/text.h"

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 */

/* The path of the value being written: a.b[3].c */
static const char *
path_text(const AvroWriter *e, char *buf, size_t buflen)
{
	int			i;

	buf[0] = '\0';
	for (i = 0; i < e->npath && i < AE_PATH_MAX; i++)
	{
		const PathPart *p = &e->path[i];
		size_t		used = strlen(buf);

		if (used + 24 >= buflen)
			break;
		if (p->name == NULL)
			snprintf(buf + used, buflen - used, "[%lld]", (long long) p->index);
		else
		{
			if (i > 0)
				strcat(buf, ".");
			/* a map key may hold anything */
			mesh_text_sanitize(buf, buflen, p->name, p->len, 64);
		}
	}
	if (i < e->npath && strlen(buf) + 4 <= buflen)
		strcat(buf, "...");
	return buf;
}

/* Report an error and return false. */
#define efail(e, ...) (mesh_text_format((e)->errbuf, (e)->errlen, __VA_ARGS__), false)

#define AE_PATH_TEXT(e, buf) path_text((e), (buf), sizeof(buf))


/* What src holds cannot be written to n at all. */
static bool
mismatch(AvroWriter *e, const ENode *n, const MeshSrc *src)
{
	char		p[256];
	char		what[64];

	return efail(e, "%s cannot be written to field \"%s\" (Avro %s)",
				 mesh_src_describe(src, false, what, sizeof(what)),
				 AE_PATH_TEXT(e, p), n->label);
}

static bool
out_of_range_int(AvroWriter *e, const ENode *n, int64_t v)
{
	char		p[256];

	return efail(e, "value %lld out of range for field \"%s\" (Avro %s)",
				 (long long) v, AE_PATH_TEXT(e, p), n->label);
}

/*
 * An error about text s given for field n: "<before> <s quoted> <middle>
 * field "<path>" (Avro <type>)<after>".
 */
static bool
text_fail(AvroWriter *e, const ENode *n, const char *before, const char *s,
		  size_t len, const char *middle, const char *after)
{
	char		p[256];
	char		q[160];

	return efail(e, "%s %s %s field \"%s\" (Avro %s)%s", before,
				 mesh_text_quote(q, sizeof(q), s, len), middle, AE_PATH_TEXT(e, p),
				 n->label, after);
}

static bool
out_of_range_text(AvroWriter *e, const ENode *n, const char *s, size_t len)
{
	return text_fail(e, n, "value", s, len, "out of range for", "");
}

/* A JSON number (its text, which needs no quoting) that does not fit. */
static bool
out_of_range_number(AvroWriter *e, const ENode *n, const char *number)
{
	char		p[256];

	return efail(e, "value %.64s out of range for field \"%s\" (Avro %s)",
				 number, AE_PATH_TEXT(e, p), n->label);
}

static bool
invalid_text(AvroWriter *e, const ENode *n, const char *what, const char *s, size_t len)
{
	char		before[64];

	snprintf(before, sizeof(before), "invalid %s", what);
	return text_fail(e, n, before, s, len, "for", "");
}

static inline bool
enter(AvroWriter *e, int depth)
{
	char		p[256];

	if (MESH_UNLIKELY(depth > MESH_AVRO_MAX_DEPTH))
		return efail(e, "field \"%s\" nests deeper than %d levels",
					 AE_PATH_TEXT(e, p), MESH_AVRO_MAX_DEPTH);
	return true;
}

/* In a union's first pass: the value would not be kept exactly. */
static bool
inexact(AvroWriter *e, const ENode *n)
{
	char		p[256];

	return efail(e, "the value does not fit field \"%s\" (Avro %s) exactly",
				 AE_PATH_TEXT(e, p), n->label);
}

static inline bool
int_fits_float(int64_t v)
{
	float		f = (float) v;

	return (double) f < 9223372036854775808.0 && (int64_t) f == v;
}

static inline bool
int_fits_double(int64_t v)
{
	double		d = (double) v;

	return d < 9223372036854775808.0 && (int64_t) d == v;
}


/* NULL: the null type, or the null branch of a union. */
static bool
put_null(AvroWriter *e, const ENode *n)
{
	char		p[256];

	if (n->op == EO_NULL)
		return true;
	if (n->op == EO_UNION && n->null_branch >= 0)
	{
		avro_put_long(e->o, n->null_branch);
		return true;
	}
	return efail(e, "field \"%s\" is not nullable", AE_PATH_TEXT(e, p));
}

/* A plain integer (logical NONE) into a numeric field. */
static bool
put_integer(AvroWriter *e, const ENode *n, int64_t v, const MeshSrc *src)
{
	switch ((EOp) n->op)
	{
		case EO_INT:
			if (v < INT32_MIN || v > INT32_MAX)
				return out_of_range_int(e, n, v);
			avro_put_long(e->o, v);
			return true;
		case EO_LONG:
			avro_put_long(e->o, v);
			return true;
		case EO_FLOAT:
			if (e->exact && !int_fits_float(v))
				return inexact(e, n);
			avro_put_float(e->o, (float) v);
			return true;
		case EO_DOUBLE:
			if (e->exact && !int_fits_double(v))
				return inexact(e, n);
			avro_put_double(e->o, (double) v);
			return true;
		default:
			return mismatch(e, n, src);
	}
}

static bool
put_real(AvroWriter *e, const ENode *n, double x, const char *text,
		 const MeshSrc *src)
{
	char		p[256];

	if (n->op == EO_DOUBLE)
	{
		avro_put_double(e->o, x);
		return true;
	}
	if (n->op == EO_FLOAT)
	{
		float		f = (float) x;

		if (isinf(f) && !isinf(x))
		{
			if (text != NULL)
				return out_of_range_number(e, n, text);
			return efail(e, "value %g out of range for field \"%s\" (Avro %s)",
						 x, AE_PATH_TEXT(e, p), n->label);
		}
		if (e->exact && !isnan(x) && (double) f != x)
			return inexact(e, n);
		avro_put_float(e->o, f);
		return true;
	}
	return mismatch(e, n, src);
}

static bool
put_string(AvroWriter *e, const ENode *n, const char *s, size_t len)
{
	size_t		bad = mesh_utf8_invalid_at((const unsigned char *) s, len);
	char		p[256];

	if (MESH_UNLIKELY(bad < len))
	{
		if (s[bad] == '\0')
			return efail(e, "text for field \"%s\" (Avro %s) contains a NUL byte",
						 AE_PATH_TEXT(e, p), n->label);
		return efail(e, "text for field \"%s\" (Avro %s) is not valid UTF-8 (at byte %zu)",
					 AE_PATH_TEXT(e, p), n->label, bad);
	}
	avro_put_bytes(e->o, s, len);
	return true;
}

static bool
put_fixed(AvroWriter *e, const ENode *n, const char *d, size_t len)
{
	char		p[256];

	if (len != (size_t) n->size)
		return efail(e, "a value of %zu bytes does not fit field \"%s\" (Avro %s)",
					 len, AE_PATH_TEXT(e, p), n->label);
	mesh_buf_add(e->o, d, len);
	return true;
}

static bool
put_enum(AvroWriter *e, const ENode *n, const char *s, size_t len)
{
	int			i;

	for (i = 0; i < n->nsymbols; i++)
		if (n->symbol_lens[i] == len && memcmp(n->symbols[i], s, len) == 0)
		{
			avro_put_long(e->o, i);
			return true;
		}
	return text_fail(e, n, "symbol", s, len, "is not in the enum of", "");
}


/* A uuid's 16 bytes as its canonical text, a string of 36 bytes. */
static void
put_uuid_bytes(AvroWriter *e, const uint8_t u[16])
{
	char	   *p = mesh_buf_reserve(e->o, MESH_UUID_TEXT_LEN + 1);

	*p++ = MESH_UUID_TEXT_LEN * 2;	/* the length, zigzag: one byte */
	mesh_uuid_format(p, u);
	e->o->len += MESH_UUID_TEXT_LEN + 1;
}

static bool
put_uuid_text(AvroWriter *e, const ENode *n, const char *s, size_t len)
{
	uint8_t		u[16];

	if (!mesh_uuid_parse(s, len, u))
		return invalid_text(e, n, "uuid", s, len);
	put_uuid_bytes(e, u);
	return true;
}


static bool
put_decimal_text(AvroWriter *e, const ENode *n, const char *s, size_t len)
{
	uint8_t		bytes[MESH_DECIMAL_MAX_BINARY];
	size_t		nbytes;
	MeshDecimalError err;

	err = mesh_decimal_from_text(s, len, n->scale, n->precision, bytes, &nbytes);
	if (err == MESH_DECIMAL_OK && n->fixed_decimal && nbytes > (size_t) n->size)
		err = MESH_DECIMAL_SIZE;
	switch (err)
	{
		case MESH_DECIMAL_OK:
			break;
		case MESH_DECIMAL_SYNTAX:
			return invalid_text(e, n, "decimal", s, len);
		case MESH_DECIMAL_NOT_FINITE:
		case MESH_DECIMAL_SIZE:
			return out_of_range_text(e, n, s, len);
		case MESH_DECIMAL_SCALE:
			return text_fail(e, n, "value", s, len,
							 "has more fraction digits than the scale of", "");
		case MESH_DECIMAL_PRECISION:
			return text_fail(e, n, "value", s, len,
							 "has more digits than the precision of", "");
	}
	if (n->fixed_decimal)
	{
		/* sign-extended to the fixed's size */
		size_t		pad = (size_t) n->size - nbytes;
		char	   *o = mesh_buf_reserve(e->o, (size_t) n->size);

		memset(o, (bytes[0] & 0x80) ? 0xFF : 0x00, pad);
		memcpy(o + pad, bytes, nbytes);
		e->o->len += n->size;
	}
	else
		avro_put_bytes(e->o, (const char *) bytes, nbytes);
	return true;
}

static bool
put_decimal_integer(AvroWriter *e, const ENode *n, int64_t v)
{
	char		buf[24];
	int			len = snprintf(buf, sizeof(buf), "%lld", (long long) v);

	return put_decimal_text(e, n, buf, (size_t) len);
}


/* A date as days since 1970 (checked against PostgreSQL's range). */
static bool
put_date_days(AvroWriter *e, const ENode *n, int64_t days)
{
	if (!mesh_date_in_range(days))
		return out_of_range_int(e, n, days);
	avro_put_long(e->o, days);
	return true;
}

static bool
put_time_us(AvroWriter *e, const ENode *n, int64_t us)
{
	if (!mesh_time_in_range(us, 1000000))
		return out_of_range_int(e, n, us);
	avro_put_long(e->o, n->op == EO_TIME_MILLIS ? us / 1000 : us);
	return true;
}

static bool
put_timestamp_us(AvroWriter *e, const ENode *n, int64_t us)
{
	if (!mesh_timestamp_in_range(us, 1000000))
		return out_of_range_int(e, n, us);
	avro_put_long(e->o, n->op == EO_TS_MILLIS ? mesh_floor_div(us, 1000) : us);
	return true;
}

/* An integer in the unit its logical type says, into a temporal field. */
static bool
put_temporal_integer(AvroWriter *e, const ENode *n, const MeshSrc *src)
{
	MeshAvroLogical lt = src->logical;
	bool		is_date = lt == AVRO_LT_DATE;
	bool		is_time = lt == AVRO_LT_TIME_MILLIS || lt == AVRO_LT_TIME_MICROS;
	bool		is_ts = lt == AVRO_LT_TIMESTAMP_MILLIS || lt == AVRO_LT_TIMESTAMP_MICROS ||
		lt == AVRO_LT_LOCAL_TIMESTAMP_MILLIS || lt == AVRO_LT_LOCAL_TIMESTAMP_MICROS;

	switch ((EOp) n->op)
	{
		case EO_DATE:
			if (is_time)
				break;
			if (is_ts)
				return put_date_days(e, n, mesh_floor_div(src->integer, MESH_USECS_PER_DAY));
			return put_date_days(e, n, src->integer);
		case EO_TIME_MILLIS:
		case EO_TIME_MICROS:
			if (is_date || is_ts)
				break;
			return put_time_us(e, n, src->integer);
		case EO_TS_MILLIS:
		case EO_TS_MICROS:
			if (is_time)
				break;
			if (is_date)
			{
				int64_t		us;

				if (__builtin_mul_overflow(src->integer, MESH_USECS_PER_DAY, &us))
					return out_of_range_int(e, n, src->integer);
				return put_timestamp_us(e, n, us);
			}
			return put_timestamp_us(e, n, src->integer);
		default:
			break;
	}
	return mismatch(e, n, src);
}

/* Text into a date, time or timestamp field. */
static bool
put_temporal_text(AvroWriter *e, const ENode *n, const MeshSrc *src)
{
	const char *s = src->data;
	size_t		len = src->len;
	int64_t		x;

	switch ((EOp) n->op)
	{
		case EO_DATE:
			if (!mesh_parse_date_text(s, len, &x))
				return invalid_text(e, n, "date", s, len);
			if (!mesh_date_in_range(x))
				return out_of_range_text(e, n, s, len);
			avro_put_long(e->o, x);
			return true;
		case EO_TIME_MILLIS:
		case EO_TIME_MICROS:
			if (!mesh_parse_time_text(s, len, &x))
				return invalid_text(e, n, "time", s, len);
			avro_put_long(e->o, n->op == EO_TIME_MILLIS ? x / 1000 : x);
			return true;
		case EO_TS_MILLIS:
		case EO_TS_MICROS:
			{
				bool		overflow;

				if (!mesh_parse_timestamp_text(s, len, n->local, &x, &overflow))
				{
					if (overflow)
						return out_of_range_text(e, n, s, len);
					return invalid_text(e, n, "timestamp", s, len);
				}
			}
			if (!mesh_timestamp_in_range(x, 1000000))
				return out_of_range_text(e, n, s, len);
			avro_put_long(e->o, n->op == EO_TS_MILLIS ? mesh_floor_div(x, 1000) : x);
			return true;
		default:
			return mismatch(e, n, src);
	}
}


static bool
bad_hex(AvroWriter *e, const ENode *n, const char *s, size_t len)
{
	return text_fail(e, n, "invalid bytes", s, len, "for",
					 ": expected \\x and hex digits");
}

/* A JSON string "\x0a1b" into bytes or a fixed, decoded straight into the output. */
static bool
put_hex_bytes(AvroWriter *e, const ENode *n, const MeshSrc *src)
{
	const char *s = src->data;
	size_t		len = src->len;
	size_t		nbytes;
	char	   *o;
	size_t		i;
	char		p[256];

	if (len < 2 || s[0] != '\\' || s[1] != 'x' || (len - 2) % 2 != 0)
		return bad_hex(e, n, s, len);
	nbytes = (len - 2) / 2;
	if (n->op == EO_FIXED && nbytes != (size_t) n->size)
		return efail(e, "a value of %zu bytes does not fit field \"%s\" (Avro %s)",
					 nbytes, AE_PATH_TEXT(e, p), n->label);
	if (n->op == EO_BYTES)
		avro_put_long(e->o, (int64_t) nbytes);
	o = mesh_buf_reserve(e->o, nbytes);
	for (i = 0; i < nbytes; i++)
	{
		int			hi = mesh_hex_digit((unsigned char) s[2 + 2 * i]);
		int			lo = mesh_hex_digit((unsigned char) s[3 + 2 * i]);

		if (hi < 0 || lo < 0)
			return bad_hex(e, n, s, len);
		o[i] = (char) (hi * 16 + lo);
	}
	e->o->len += nbytes;
	return true;
}

/* A JSON number with an integral value (5, 5.0, 5e2) into an int or long. */
static bool
put_number_integer(AvroWriter *e, const ENode *n, const MeshSrc *src)
{
	uint8_t		b[MESH_DECIMAL_MAX_BINARY];
	size_t		nb;
	MeshDecimalError err;
	int64_t		v;
	size_t		i;
	char		p[256];

	if (src->is_integer)
		return put_integer(e, n, src->integer, src);
	if (src->data == NULL)
		return mismatch(e, n, src);
	err = mesh_decimal_from_text(src->data, src->len, 0, 19, b, &nb);
	if (err == MESH_DECIMAL_SCALE)
		return efail(e, "value %s is not an integer, for field \"%s\" (Avro %s)",
					 src->data, AE_PATH_TEXT(e, p), n->label);
	if (err != MESH_DECIMAL_OK || nb > 8)
		return out_of_range_number(e, n, src->data);
	v = (b[0] & 0x80) ? -1 : 0;
	for (i = 0; i < nb; i++)
		v = (int64_t) (((uint64_t) v << 8) | b[i]);
	return put_integer(e, n, v, src);
}

/* A JSON number into a float or double. */
static bool
put_number_real(AvroWriter *e, const ENode *n, const MeshSrc *src)
{
	double		x;

	if (src->is_integer)
		return put_integer(e, n, src->integer, src);
	if (n->op == EO_FLOAT && src->data != NULL)
	{
		/* straight from the text: through double could round twice */
		float		f = strtof(src->data, NULL);

		if (isinf(f))
			return out_of_range_number(e, n, src->data);
		if (e->exact && (double) f != mesh_src_number(src))
			return inexact(e, n);
		avro_put_float(e->o, f);
		return true;
	}
	x = mesh_src_number(src);
	if (isinf(x))
		return out_of_range_number(e, n, src->data ? src->data : "?");
	return put_real(e, n, x, src->data, src);
}

/* A JSON string into a float or double: NaN and the infinities, as to_jsonb shows them. */
static bool
put_string_real(AvroWriter *e, const ENode *n, const MeshSrc *src)
{
	double		x;

	if (strcmp(src->data, "NaN") == 0)
		x = NAN;
	else if (strcmp(src->data, "Infinity") == 0)
		x = INFINITY;
	else if (strcmp(src->data, "-Infinity") == 0)
		x = -INFINITY;
	else
		return mismatch(e, n, src);
	if (n->op == EO_FLOAT)
		avro_put_float(e->o, (float) x);
	else
		avro_put_double(e->o, x);
	return true;
}

/* ------------------------------------------------------------------------
 * Values of any source
 * ------------------------------------------------------------------------
 */

static inline void
path_push_index(AvroWriter *e, int64_t index)
{
	if (e->npath < AE_PATH_MAX)
	{
		e->path[e->npath].name = NULL;
		e->path[e->npath].index = index;
	}
	e->npath++;
}

static inline void
path_pop(AvroWriter *e)
{
	e->npath--;
}

/* JSON text, parsed, into n. */
static bool
write_json_text(AvroWriter *e, const ENode *n, const char *text, size_t len,
				int depth)
{
	char		err[256];
	char		p[256];
	MeshJson   *j;
	MeshSrc		src;
	bool		ok;

	j = mesh_json_parse(text, len, MESH_AVRO_MAX_DEPTH, err, sizeof(err));
	if (j == NULL)
		return efail(e, "invalid JSON for field \"%s\": %s", AE_PATH_TEXT(e, p), err);
	mesh_src_from_json(&src, j);
	ok = mesh_avro_write_value(e, n, &src, depth);
	mesh_json_free(j);
	return ok;
}

/*
 * A union: null to the null branch (by the caller); with one other branch
 * (the nullable case) straight to it; else the first branch, in schema
 * order, that holds the value exactly, else the first that takes it at all
 * (rounding a number, text as bytes...).
 */
static bool
write_union(AvroWriter *e, const ENode *n, const MeshSrc *src, int depth)
{
	MeshBuf    *o = e->o;
	size_t		mark = o->len;
	int			npath = e->npath;
	bool		saved = e->exact;
	char		p[256];
	char		what[64];
	int			pass;
	int			i;

	if (n->only_branch >= 0)
	{
		avro_put_long(o, n->only_branch);
		return mesh_avro_write_value(e, n->branches[n->only_branch], src, depth);
	}
	for (pass = saved ? 1 : 0; pass < 2; pass++)
	{
		e->exact = pass == 0 || saved;
		for (i = 0; i < n->nbranches; i++)
		{
			if (i == n->null_branch)
				continue;
			avro_put_long(o, i);
			if (mesh_avro_write_value(e, n->branches[i], src, depth))
			{
				e->exact = saved;
				return true;
			}
			o->len = mark;
			e->npath = npath;
		}
	}
	e->exact = saved;
	return efail(e, "no branch of field \"%s\" (Avro %s) takes %s",
				 AE_PATH_TEXT(e, p), n->label,
				 mesh_src_describe(src, true, what, sizeof(what)));
}

/*
 * An array's items, or (map) an object's members as a map's entries, each
 * after its key: one block.
 */
static bool
write_block(AvroWriter *e, const ENode *n, const MeshSrc *src, int depth,
			bool map)
{
	char		p[256];
	int			i;

	if (!enter(e, depth + 1))
		return false;
	if (!map && (src->count < 0 || (src->count > 0 && src->items == NULL)))
		return efail(e, "invalid array (%d items) for field \"%s\"",
					 src->count, AE_PATH_TEXT(e, p));
	if (src->count > 0)
	{
		avro_put_long(e->o, src->count);
		for (i = 0; i < src->count; i++)
		{
			MeshSrc		item;

			if (map)
			{
				size_t		klen = strlen(src->keys[i]);

				avro_put_bytes(e->o, src->keys[i], klen);
				avro_path_push_name(e, src->keys[i], klen);
			}
			else
				path_push_index(e, i);
			mesh_src_item(src, i, &item);
			if (!mesh_avro_write_value(e, n->child, &item, depth + 1))
				return false;
			path_pop(e);
		}
	}
	mesh_buf_add_char(e->o, 0);
	return true;
}

/*
 * An object's members as a record's fields: members by field name or
 * alias; a missing member takes the field's fill (its default, or null);
 * an unknown member, or one given twice, is refused.
 */
static bool
write_fields(AvroWriter *e, const ENode *n, const MeshSrc *src, int depth)
{
	int			local[64];
	int		   *member;			/* field -> member index, or -1 */
	char		p[256];
	bool		ok = false;
	int			i;

	if (!enter(e, depth + 1))
		return false;
	member = n->nfields <= 64 ? local : mesh_alloc(n->nfields * sizeof(int));
	for (i = 0; i < n->nfields; i++)
		member[i] = -1;
	for (i = 0; i < src->count; i++)
	{
		int			f = mesh_avro_field_named(n->type, src->keys[i]);

		if (f < 0)
		{
			(void) text_fail(e, n, "unknown member", src->keys[i],
							 strlen(src->keys[i]), "in", "");
			goto done;
		}
		if (member[f] >= 0)
		{
			avro_path_push_name(e, n->fields[f].field->name, strlen(n->fields[f].field->name));
			(void) efail(e, "field \"%s\" is given twice (by its name and an alias)", AE_PATH_TEXT(e, p));
			path_pop(e);
			goto done;
		}
		member[f] = i;
	}
	for (i = 0; i < n->nfields; i++)
	{
		const EField *f = &n->fields[i];

		avro_path_push_name(e, f->field->name, strlen(f->field->name));
		if (member[i] >= 0)
		{
			MeshSrc		value;

			mesh_src_item(src, member[i], &value);
			if (!mesh_avro_write_value(e, f->node, &value, depth + 1))
				goto done;
		}
		else if (f->has_fill)
			mesh_buf_add(e->o, f->fill, f->fill_len);
		else
		{
			(void) efail(e, "field \"%s\" is missing and has no default", AE_PATH_TEXT(e, p));
			goto done;
		}
		path_pop(e);
	}
	ok = true;
done:
	if (member != local)
		mesh_free(member);
	return ok;
}

/*
 * Each Avro type, once: which kinds of source it takes, and how.  A kind
 * an Avro type does not list is refused, naming what it was.
 */
bool
mesh_avro_write_value(AvroWriter *e, const ENode *n, const MeshSrc *src,
					  int depth)
{
	MeshSrcKind k = src->kind;
	bool		text = k == MESH_SRC_TEXT || k == MESH_SRC_STRING;
	bool		temporal = k == MESH_SRC_INTEGER &&
		src->logical != AVRO_LT_NONE && src->logical != AVRO_LT_DECIMAL &&
		src->logical != AVRO_LT_UUID && src->logical != AVRO_LT_DURATION;

	if (k == MESH_SRC_NULL)
		return put_null(e, n);
	if (k == MESH_SRC_JSON_TEXT)
		return write_json_text(e, n, src->data, src->len, depth);
	if (n->op == EO_UNION)
		return write_union(e, n, src, depth);

	switch ((EOp) n->op)
	{
		case EO_NULL:
			break;
		case EO_BOOLEAN:
			if (k != MESH_SRC_BOOLEAN)
				break;
			mesh_buf_add_char(e->o, src->boolean ? 1 : 0);
			return true;
		case EO_INT:
		case EO_LONG:
		case EO_FLOAT:
		case EO_DOUBLE:
			if (k == MESH_SRC_INTEGER && !temporal)
				return put_integer(e, n, src->integer, src);
			if (k == MESH_SRC_REAL)
				return put_real(e, n, src->real, NULL, src);
			if (k == MESH_SRC_NUMBER)
				return n->op == EO_INT || n->op == EO_LONG ?
					put_number_integer(e, n, src) : put_number_real(e, n, src);
			if (k == MESH_SRC_STRING && (n->op == EO_FLOAT || n->op == EO_DOUBLE))
				return put_string_real(e, n, src);
			break;
		case EO_STRING:
			if (k == MESH_SRC_STRING)
			{
				/* the JSON parser let through only valid UTF-8 without NUL */
				avro_put_bytes(e->o, src->data, src->len);
				return true;
			}
			if (k != MESH_SRC_TEXT && k != MESH_SRC_BYTES)
				break;
			if (e->exact && k == MESH_SRC_BYTES)
				return inexact(e, n);
			return put_string(e, n, src->data, src->len);
		case EO_BYTES:
		case EO_FIXED:
			if (k == MESH_SRC_STRING)
				return put_hex_bytes(e, n, src);
			if (k != MESH_SRC_TEXT && k != MESH_SRC_BYTES)
				break;
			if (e->exact && k == MESH_SRC_TEXT)
				return inexact(e, n);
			if (n->op == EO_FIXED)
				return put_fixed(e, n, src->data, src->len);
			avro_put_bytes(e->o, src->data, src->len);
			return true;
		case EO_ENUM:
			if (!text)
				break;
			return put_enum(e, n, src->data, src->len);
		case EO_UUID:
			if (text)
				return put_uuid_text(e, n, src->data, src->len);
			if (k != MESH_SRC_BYTES)
				break;
			if (src->len != 16)
			{
				char		p[256];

				return efail(e, "a value of %zu bytes is not a uuid, for field \"%s\" (Avro uuid)",
							 src->len, AE_PATH_TEXT(e, p));
			}
			put_uuid_bytes(e, (const uint8_t *) src->data);
			return true;
		case EO_DECIMAL:
			if (k == MESH_SRC_INTEGER && !temporal)
				return put_decimal_integer(e, n, src->integer);
			if (text || (k == MESH_SRC_NUMBER && src->data != NULL))
				return put_decimal_text(e, n, src->data, src->len);
			break;
		case EO_DATE:
		case EO_TIME_MILLIS:
		case EO_TIME_MICROS:
		case EO_TS_MILLIS:
		case EO_TS_MICROS:
			if (k == MESH_SRC_INTEGER)
				return put_temporal_integer(e, n, src);
			if (!text)
				break;
			return put_temporal_text(e, n, src);
		case EO_ARRAY:
			if (k != MESH_SRC_ITEMS)
				break;
			return write_block(e, n, src, depth, false);
		case EO_MAP:
			if (k != MESH_SRC_OBJECT)
				break;
			return write_block(e, n, src, depth, true);
		case EO_RECORD:
			if (k != MESH_SRC_OBJECT)
				break;
			return write_fields(e, n, src, depth);
		case EO_UNION:
			break;				/* written above */
	}
	return mismatch(e, n, src);
}
