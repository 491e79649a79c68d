/*-------------------------------------------------------------------------
 *
 * core/protobuf_encode.c
 *		  Rows into Protobuf messages (the wire format), for INSERT
 *
 * The mirror of protobuf_decode.c: what the decoder gives a column, the
 * encoder takes back, so that a row written and read again is the same
 * row.  Values are read through MeshSrc (core/avro_source.h), one view of
 * a row's MeshAvroValue and of a node of JSON text, so that every field
 * type's conversion is written once whether the value is a column or a
 * member of a jsonb message.
 *
 * WHAT EACH FIELD TYPE ACCEPTS
 *
 *	 int32, sint32, sfixed32,	 an integer (a column's, a JSON number with an
 *	 int64, sint64, sfixed64,	 integral value, or integer text such as
 *	 uint32, fixed32, uint64,	 numeric_out writes: "42", "42.000"), within
 *	 fixed64					 the type's range, else PB_FAULT_RANGE
 *	 float, double				 a real, an integer, a JSON number, or text
 *								 "NaN", "Infinity", "-Infinity" or a number;
 *								 a finite double beyond float's range is
 *								 refused
 *	 bool						 a boolean ("true"/"false" as a map key)
 *	 string						 text (valid UTF-8)
 *	 bytes						 bytes or text as they are; a JSON string is
 *								 base64 (standard or URL-safe, as Protobuf's
 *								 JSON mapping and the decoder write it) or
 *								 "\x..." hex (as to_jsonb(bytea) writes it)
 *	 enum						 text: a value's name, exactly (else
 *								 PB_FAULT_ENUM with the names as hint); or a
 *								 number in int32's range, written as it is
 *								 (the decoder reads a number the enum lacks
 *								 as that number)
 *	 Timestamp					 microseconds since 1970 (a timestamp
 *								 logical type), or RFC 3339 text; within
 *								 0001-01-01..9999-12-31; seconds rounded
 *								 toward negative infinity, nanos >= 0
 *	 Duration					 text "[-]S[.fffffffff]s" (Protobuf's JSON
 *								 form; the server turns an interval into it),
 *								 within +-315576000000 s
 *	 wrappers					 a value of the wrapped type
 *	 messages					 a JSON object: members by field name or
 *								 JSON name (lowerCamelCase); null members
 *								 are absent; an unknown member is refused
 *	 maps						 a JSON object; keys converted to the key
 *								 type; values not null, but for a message
 *								 value (null: an empty message, as the
 *								 decoder shows an entry without its value)
 *	 repeated					 items (an array column) or a JSON array;
 *								 NULL items are refused
 *
 * A slot that is NULL leaves its field absent when the field has presence
 * (optional, proto2, oneof members, messages, wrappers); otherwise it is
 * PB_FAULT_NULL, as absence would read back as the zero value (or an
 * empty array or map).  A proto2 required field must be given: without a
 * slot the encoder is not created, NULL (or a JSON member missing or null)
 * is PB_FAULT_NULL.  At most one member of a oneof may be given
 * (PB_FAULT_ONEOF).  Nesting is bounded by MESH_PB_MAX_DEPTH as the
 * decoder bounds it, so that what is written can be read.
 *
 *-------------------------------------------------------------------------
 */
#include "core/protobuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/avro_source.h"
#include "core/calendar.h"
#include "core/decimal.h"
#include "core/json.h"
#include "core/text.h"

struct MeshPbEncoder
{
	const MeshPbFile *file;
	const MeshPbMessage *msg;
	int		   *slot_of_field;	/* per field of msg: its slot, or -1 */
	int		   *oneof_slot;		/* per oneof of msg: this row's member */
};

/* Writing one row. */
typedef struct W
{
	const MeshPbFile *file;
	MeshBuf    *o;
	MeshPbEncodeError *err;
	char		path[256];		/* where in the row: "lines[1].sku" */
	size_t		pathlen;
} W;

/* An integer of any field type: its sign and magnitude. */
typedef struct Wide
{
	bool		neg;
	uint64_t	mag;
} Wide;

#define TS_MIN_SECONDS INT64_C(-62135596800)	/* 0001-01-01T00:00:00Z */
#define TS_MAX_SECONDS INT64_C(253402300799)	/* 9999-12-31T23:59:59Z */
#define DURATION_MAX_SECONDS INT64_C(315576000000)	/* 10000 years */

static bool
fail(W *w, MeshPbFault fault, const char *fmt,...) __attribute__((format(MESH_PRINTF_ARCHETYPE, 3, 4)));

/*
 * Fill err: 'Field "path"', ": " unless the rest begins with a space, and
 * the rest; keep the first failure.
 */
static bool
fail(W *w, MeshPbFault fault, const char *fmt,...)
{
	va_list		ap;
	size_t		n;

	if (w->err->fault != PB_FAULT_NONE)
		return false;
	w->err->fault = fault;
	snprintf(w->err->detail, sizeof(w->err->detail), "Field \"%s\"%s", w->path,
			 fmt[0] == ' ' ? "" : ": ");
	n = strlen(w->err->detail);
	va_start(ap, fmt);
	vsnprintf(w->err->detail + n, sizeof(w->err->detail) - n, fmt, ap);
	va_end(ap);
	mesh_clip_utf8(w->err->detail);
	return false;
}

static const char *const type_names[] = {
	"?", "double", "float", "int64", "uint64", "int32", "fixed64", "fixed32",
	"bool", "string", "group", "message", "bytes", "uint32", "enum", "sfixed32",
	"sfixed64", "sint32", "sint64"
};

static const char *
type_name(const MeshPbFile *file, const MeshPbField *f, MeshPbType t)
{
	if (t == PB_ENUM && f->enumeration >= 0)
		return file->enums[f->enumeration].fullname;
	if (t == PB_MESSAGE && f->message >= 0)
		return file->messages[f->message].fullname;
	if (t == PB_MESSAGE)
		return f->type_name[0] == '.' ? f->type_name + 1 : f->type_name;
	return type_names[(int) t < (int) MESH_LENGTHOF(type_names) ? t : 0];
}

static bool
mismatch(W *w, const MeshPbField *f, MeshPbType t, const MeshSrc *src)
{
	char		what[64];

	return fail(w, PB_FAULT_VALUE, "%s does not fit a field of type %s",
				mesh_src_describe(src, false, what, sizeof(what)),
				type_name(w->file, f, t));
}

/* ------------------------------------------------------------------------
 * Where in the row, for errors
 * ------------------------------------------------------------------------
 */

static size_t
path_push(W *w, const char *fmt,...) __attribute__((format(MESH_PRINTF_ARCHETYPE, 2, 3)));

static size_t
path_push(W *w, const char *fmt,...)
{
	size_t		mark = w->pathlen;
	va_list		ap;

	if (mark < sizeof(w->path) - 1)
	{
		va_start(ap, fmt);
		vsnprintf(w->path + mark, sizeof(w->path) - mark, fmt, ap);
		va_end(ap);
		w->pathlen = strlen(w->path);
	}
	return mark;
}

static void
path_pop(W *w, size_t mark)
{
	w->pathlen = mark;
	w->path[mark] = '\0';
}

static size_t
path_push_name(W *w, const char *name)
{
	return path_push(w, w->pathlen > 0 ? ".%s" : "%s", name);
}

/* ------------------------------------------------------------------------
 * Wire
 * ------------------------------------------------------------------------
 */

static void
put_varint(MeshBuf *o, uint64_t v)
{
	char	   *p = mesh_buf_reserve(o, 10);
	char	   *start = p;

	while (v >= 0x80)
	{
		*p++ = (char) (v | 0x80);
		v >>= 7;
	}
	*p++ = (char) v;
	o->len += p - start;
}

static void
put_tag(MeshBuf *o, int32_t number, int wt)
{
	put_varint(o, ((uint64_t) (uint32_t) number << 3) | (uint64_t) wt);
}

static void
put_fixed(MeshBuf *o, uint64_t v, int n)
{
	char	   *p = mesh_buf_reserve(o, (size_t) n);

	for (int i = 0; i < n; i++)
		p[i] = (char) (v >> (8 * i));
	o->len += n;
}

#define wire_type mesh_pb_wire_type

/*
 * A length-delimited record whose length is known only after its content:
 * the content is written at mark, then moved up by its length's varint.
 */
static void
end_length(MeshBuf *o, size_t mark)
{
	size_t		n = o->len - mark;
	uint8_t		len[10];
	int			k = 0;
	uint64_t	v = n;

	while (v >= 0x80)
	{
		len[k++] = (uint8_t) (v | 0x80);
		v >>= 7;
	}
	len[k++] = (uint8_t) v;
	mesh_buf_reserve(o, (size_t) k);
	memmove(o->data + mark + k, o->data + mark, n);
	memcpy(o->data + mark, len, (size_t) k);
	o->len += k;
}

/* ------------------------------------------------------------------------
 * Scalars
 * ------------------------------------------------------------------------
 */

/* A scalar ready to write: wire bits (varint or fixed), or bytes. */
typedef struct Scalar
{
	uint64_t	bits;
	const char *data;
	size_t		len;
	bool		zero;			/* the type's zero value: left out without presence */
} Scalar;

static void
wide_text(const Wide *v, char *buf, size_t len)
{
	snprintf(buf, len, "%s%llu", v->neg ? "-" : "", (unsigned long long) v->mag);
}

static bool
wide_from_int64(Wide *v, int64_t x)
{
	v->neg = x < 0;
	v->mag = x < 0 ? (uint64_t) 0 - (uint64_t) x : (uint64_t) x;
	return true;
}

/* Integer text ("42", "-7", "42.000", "1e3"), exactly. */
static bool
wide_from_text(W *w, const char *s, size_t len, Wide *v)
{
	uint8_t		b[MESH_DECIMAL_MAX_BINARY];
	size_t		nb;
	size_t		i = 0;
	char		shown[64] = "";
	MeshDecimalError e = mesh_decimal_from_text(s, len, 0, 20, b, &nb);

	mesh_text_sanitize(shown, sizeof(shown), s, len, 40);
	if (e == MESH_DECIMAL_PRECISION)
		return fail(w, PB_FAULT_RANGE, "value %s is out of range", shown);
	if (e == MESH_DECIMAL_SCALE)
		return fail(w, PB_FAULT_VALUE, "value %s is not an integer", shown);
	if (e != MESH_DECIMAL_OK)
		return fail(w, PB_FAULT_VALUE, "\"%s\" is not an integer", shown);
	v->neg = (b[0] & 0x80) != 0;
	if (v->neg)
		mesh_decimal_negate(b, b, nb);
	while (i < nb && b[i] == 0)
		i++;
	if (nb - i > 8)
		return fail(w, PB_FAULT_RANGE, "value %s is out of range", shown);
	v->mag = 0;
	for (; i < nb; i++)
		v->mag = (v->mag << 8) | b[i];
	return true;
}

/* Any integer a source holds. */
static bool
wide_from_src(W *w, const MeshPbField *f, MeshPbType t, const MeshSrc *src, Wide *v)
{
	switch (src->kind)
	{
		case MESH_SRC_INTEGER:
			if (src->logical != AVRO_LT_NONE)
				break;
			return wide_from_int64(v, src->integer);
		case MESH_SRC_NUMBER:
			if (src->is_integer)
				return wide_from_int64(v, src->integer);
			if (src->data == NULL)
				break;
			return wide_from_text(w, src->data, src->len, v);
		case MESH_SRC_TEXT:
		case MESH_SRC_STRING:
			return wide_from_text(w, src->data, src->len, v);
		default:
			break;
	}
	return mismatch(w, f, t, src);
}

/* The range of an integer type, checked. */
static bool
wide_in_range(W *w, const MeshPbField *f, MeshPbType t, const Wide *v)
{
	uint64_t	max_pos,
				max_neg;
	char		shown[32];

	switch (t)
	{
		case PB_INT32:
		case PB_SINT32:
		case PB_SFIXED32:
		case PB_ENUM:
			max_pos = INT32_MAX;
			max_neg = (uint64_t) INT32_MAX + 1;
			break;
		case PB_UINT32:
		case PB_FIXED32:
			max_pos = UINT32_MAX;
			max_neg = 0;
			break;
		case PB_UINT64:
		case PB_FIXED64:
			max_pos = UINT64_MAX;
			max_neg = 0;
			break;
		default:
			max_pos = INT64_MAX;
			max_neg = (uint64_t) INT64_MAX + 1;
			break;
	}
	if (v->mag <= (v->neg ? max_neg : max_pos))
		return true;
	wide_text(v, shown, sizeof(shown));
	return fail(w, PB_FAULT_RANGE, "value %s is out of range for type %s (%s%llu to %llu)",
				shown, type_name(w->file, f, t), max_neg ? "-" : "",
				(unsigned long long) max_neg, (unsigned long long) max_pos);
}

/* An integer in range as the wire bits of its type. */
static uint64_t
wide_bits(MeshPbType t, const Wide *v)
{
	uint64_t	u = v->neg ? (uint64_t) 0 - v->mag : v->mag;

	switch (t)
	{
		case PB_SINT32:
			{
				uint32_t	x = (uint32_t) u;

				return (uint32_t) (x << 1) ^ (uint32_t) -(int32_t) (x >> 31);
			}
		case PB_SINT64:
			return (u << 1) ^ ((uint64_t) 0 - (u >> 63));
		case PB_UINT32:
		case PB_FIXED32:
		case PB_SFIXED32:
			return u & UINT32_MAX;
		default:
			return u;			/* int32 and enums: sign-extended to 64 bits */
	}
}

/* A NUL-terminated copy of short text, for strtod; false when too long. */
static bool
short_text(const char *s, size_t len, char *buf, size_t buflen)
{
	if (len >= buflen)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

static bool
real_from_src(W *w, const MeshPbField *f, MeshPbType t, const MeshSrc *src, Scalar *s)
{
	bool		single = t == PB_FLOAT;
	double		x;
	char		buf[400];
	char	   *end;

	switch (src->kind)
	{
		case MESH_SRC_INTEGER:
			if (src->logical != AVRO_LT_NONE)
				return mismatch(w, f, t, src);
			x = (double) src->integer;
			break;
		case MESH_SRC_REAL:
			x = src->real;
			break;
		case MESH_SRC_NUMBER:
		case MESH_SRC_TEXT:
		case MESH_SRC_STRING:
			if (src->kind == MESH_SRC_NUMBER && src->data == NULL)
			{
				x = mesh_src_number(src);
				break;
			}
			if (!short_text(src->data, src->len, buf, sizeof(buf)))
				return fail(w, PB_FAULT_VALUE, "a number of %zu characters", src->len);
			if (strcmp(buf, "NaN") == 0)
				x = NAN;
			else if (strcmp(buf, "Infinity") == 0)
				x = INFINITY;
			else if (strcmp(buf, "-Infinity") == 0)
				x = -INFINITY;
			else
			{
				/* a float straight from the text: through double could round twice */
				float		fl = 0;

				if (single)
					fl = strtof(buf, &end);
				else
					x = strtod(buf, &end);
				if (end == buf || *end != '\0' || buf[0] == ' ' ||
					strspn(buf, "+-0123456789.eE") != strlen(buf))
					return fail(w, PB_FAULT_VALUE, "\"%s\" is not a number", buf);
				if (single ? isinf(fl) : isinf(x))
					return fail(w, PB_FAULT_RANGE, "value %s is out of range for type %s",
								buf, type_names[t]);
				if (single)
				{
					uint32_t	b;

					memcpy(&b, &fl, 4);
					s->bits = b;
					s->zero = b == 0;
					return true;
				}
			}
			break;
		default:
			return mismatch(w, f, t, src);
	}
	if (single)
	{
		float		fl = (float) x;
		uint32_t	b;

		if (isfinite(x) && isinf(fl))
			return fail(w, PB_FAULT_RANGE, "value %g is out of range for type float", x);
		memcpy(&b, &fl, 4);
		s->bits = b;
	}
	else
		memcpy(&s->bits, &x, 8);
	/* protoc leaves out +0.0 only: -0.0 is written */
	s->zero = s->bits == 0;
	return true;
}

/* base64, standard or URL-safe, padding optional: into out. */
static bool
base64_decode(const char *s, size_t len, MeshBuf *out)
{
	uint32_t	acc = 0;
	int			bits = 0;
	size_t		i;

	while (len > 0 && s[len - 1] == '=')
		len--;
	for (i = 0; i < len; i++)
	{
		int			d = mesh_base64_digit((unsigned char) s[i], true);

		if (d < 0)
			return false;
		acc = (acc << 6) | (uint32_t) d;
		bits += 6;
		if (bits >= 8)
		{
			bits -= 8;
			mesh_buf_add_char(out, (char) ((acc >> bits) & 0xFF));
		}
	}
	/* leftover bits must be zero padding, and fewer than a byte */
	return len % 4 != 1 && (acc & ((1u << bits) - 1)) == 0;
}

/* "\x0a1b" (to_jsonb(bytea)'s form) into out. */
static bool
hex_decode(const char *s, size_t len, MeshBuf *out)
{
	if (len < 2 || s[0] != '\\' || s[1] != 'x' || len % 2 != 0)
		return false;
	for (size_t i = 2; i < len; i += 2)
	{
		int			hi = mesh_hex_digit((unsigned char) s[i]);
		int			lo = mesh_hex_digit((unsigned char) s[i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		mesh_buf_add_char(out, (char) (hi * 16 + lo));
	}
	return true;
}

/* [-]digits, as an enum number the enum lacks reads */
static bool
integer_text(const char *s, size_t len)
{
	size_t		i = len > 0 && s[0] == '-' ? 1 : 0;

	if (i == len)
		return false;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool
enum_from_src(W *w, const MeshPbField *f, const MeshSrc *src, Wide *v)
{
	const MeshPbEnum *en = &w->file->enums[f->enumeration];
	char		shown[64] = "";
	size_t		n;

	if (src->kind == MESH_SRC_TEXT || src->kind == MESH_SRC_STRING)
	{
		for (int i = 0; i < en->nvalues; i++)
			if (strlen(en->names[i]) == src->len &&
				memcmp(en->names[i], src->data, src->len) == 0)
				return wide_from_int64(v, en->numbers[i]);
		/* a number the enum lacks reads as its text: take it back */
		if (integer_text(src->data, src->len))
			return wide_from_text(w, src->data, src->len, v) &&
				wide_in_range(w, f, PB_ENUM, v);
		mesh_text_sanitize(shown, sizeof(shown), src->data, src->len, 40);
		snprintf(w->err->hint, sizeof(w->err->hint), "The values of enum %s are: ",
				 en->fullname);
		for (int i = 0; i < en->nvalues; i++)
		{
			n = strlen(w->err->hint);
			if (n + strlen(en->names[i]) + 8 >= sizeof(w->err->hint))
			{
				strcat(w->err->hint, ", ...");
				break;
			}
			snprintf(w->err->hint + n, sizeof(w->err->hint) - n, "%s%s%s",
					 i > 0 ? ", " : "", en->names[i], i == en->nvalues - 1 ? "." : "");
		}
		return fail(w, PB_FAULT_ENUM, "\"%s\" is not a value of enum %s", shown, en->fullname);
	}
	return wide_from_src(w, f, PB_ENUM, src, v) && wide_in_range(w, f, PB_ENUM, v);
}

/*
 * A scalar field's value (type t: the field's, or a wrapper's) from a
 * source.  Bytes from a JSON string are decoded into scratch, which s then
 * points into.
 */
static bool
scalar_from_src(W *w, const MeshPbField *f, MeshPbType t, const MeshSrc *src,
				MeshBuf *scratch, Scalar *s)
{
	Wide		v;

	memset(s, 0, sizeof(*s));
	switch (t)
	{
		case PB_INT32:
		case PB_SINT32:
		case PB_SFIXED32:
		case PB_INT64:
		case PB_SINT64:
		case PB_SFIXED64:
		case PB_UINT32:
		case PB_FIXED32:
		case PB_UINT64:
		case PB_FIXED64:
			if (!wide_from_src(w, f, t, src, &v) || !wide_in_range(w, f, t, &v))
				return false;
			s->bits = wide_bits(t, &v);
			s->zero = v.mag == 0;
			return true;
		case PB_ENUM:
			if (!enum_from_src(w, f, src, &v))
				return false;
			s->bits = wide_bits(t, &v);
			s->zero = v.mag == 0;
			return true;
		case PB_FLOAT:
		case PB_DOUBLE:
			return real_from_src(w, f, t, src, s);
		case PB_BOOL:
			if (src->kind == MESH_SRC_BOOLEAN)
				s->bits = src->boolean;
			else if ((src->kind == MESH_SRC_TEXT || src->kind == MESH_SRC_STRING) &&
					 (src->len == 4 || src->len == 5) &&
					 (memcmp(src->data, "true", src->len) == 0 ||
					  memcmp(src->data, "false", src->len) == 0))
				s->bits = src->len == 4;
			else
				return mismatch(w, f, t, src);
			s->zero = s->bits == 0;
			return true;
		case PB_STRING:
			if (src->kind != MESH_SRC_TEXT && src->kind != MESH_SRC_STRING &&
				src->kind != MESH_SRC_BYTES)
				return mismatch(w, f, t, src);
			if (src->kind != MESH_SRC_STRING)
			{
				size_t		bad = mesh_utf8_invalid_at((const unsigned char *) src->data, src->len);

				if (bad < src->len)
					return fail(w, PB_FAULT_VALUE, "invalid UTF-8 at byte %zu of the string", bad);
			}
			s->data = src->data;
			s->len = src->len;
			s->zero = src->len == 0;
			return true;
		case PB_BYTES:
			if (src->kind == MESH_SRC_STRING)
			{
				char		shown[64] = "";

				scratch->len = 0;
				if (!hex_decode(src->data, src->len, scratch) &&
					(scratch->len = 0, !base64_decode(src->data, src->len, scratch)))
				{
					mesh_text_sanitize(shown, sizeof(shown), src->data, src->len, 40);
					return fail(w, PB_FAULT_VALUE,
								"\"%s\" is neither base64 nor \\x and hex digits", shown);
				}
				s->data = scratch->data;
				s->len = scratch->len;
			}
			else if (src->kind == MESH_SRC_BYTES || src->kind == MESH_SRC_TEXT)
			{
				s->data = src->data;
				s->len = src->len;
			}
			else
				return mismatch(w, f, t, src);
			s->zero = s->len == 0;
			return true;
		default:
			return mismatch(w, f, t, src);
	}
}

static void
put_scalar(MeshBuf *o, MeshPbType t, const Scalar *s)
{
	switch (wire_type(t))
	{
		case 0:
			put_varint(o, s->bits);
			break;
		case 1:
			put_fixed(o, s->bits, 8);
			break;
		case 5:
			put_fixed(o, s->bits, 4);
			break;
		default:
			put_varint(o, s->len);
			mesh_buf_add(o, s->data, s->len);
	}
}

/* ------------------------------------------------------------------------
 * Well-known types
 * ------------------------------------------------------------------------
 */

static bool
timestamp_from_src(W *w, const MeshPbField *f, const MeshSrc *src, int64_t *seconds,
				   int32_t *nanos)
{
	int64_t		us;

	if (src->kind == MESH_SRC_INTEGER &&
		(src->logical == AVRO_LT_TIMESTAMP_MICROS ||
		 src->logical == AVRO_LT_LOCAL_TIMESTAMP_MICROS))
		us = src->integer;
	else if (src->kind == MESH_SRC_TEXT || src->kind == MESH_SRC_STRING)
	{
		bool		overflow;
		char		shown[64] = "";

		mesh_text_sanitize(shown, sizeof(shown), src->data, src->len, 40);
		if (!mesh_parse_timestamp_text(src->data, src->len, false, &us, &overflow))
			return fail(w, overflow ? PB_FAULT_RANGE : PB_FAULT_VALUE,
						"\"%s\" is not a timestamp a google.protobuf.Timestamp holds", shown);
	}
	else
		return mismatch(w, f, PB_MESSAGE, src);
	*seconds = mesh_floor_div(us, 1000000);
	*nanos = (int32_t) (us - *seconds * 1000000) * 1000;
	if (*seconds < TS_MIN_SECONDS || *seconds > TS_MAX_SECONDS)
		return fail(w, PB_FAULT_RANGE,
					"a google.protobuf.Timestamp is from 0001-01-01 to 9999-12-31 (UTC)");
	return true;
}

/* "[-]S[.fffffffff]s" */
static bool
duration_from_src(W *w, const MeshPbField *f, const MeshSrc *src, int64_t *seconds,
				  int32_t *nanos)
{
	const char *s = src->data;
	size_t		len = src->len,
				i = 0;
	bool		neg = false;
	int			digits = 0;
	char		shown[64] = "";

	if (src->kind != MESH_SRC_TEXT && src->kind != MESH_SRC_STRING)
		return mismatch(w, f, PB_MESSAGE, src);
	mesh_text_sanitize(shown, sizeof(shown), s, len, 40);
	*seconds = 0;
	*nanos = 0;
	if (i < len && s[i] == '-')
	{
		neg = true;
		i++;
	}
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
	{
		if (*seconds > DURATION_MAX_SECONDS)
			break;
		*seconds = *seconds * 10 + (s[i] - '0');
	}
	if (digits == 0 || (i < len && s[i] >= '0' && s[i] <= '9'))
		goto bad;
	if (i < len && s[i] == '.')
	{
		int			nd = 0;

		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, nd++)
			if (nd < 9)
				*nanos = *nanos * 10 + (s[i] - '0');
		if (nd == 0 || nd > 9)
			goto bad;
		for (; nd < 9; nd++)
			*nanos *= 10;
	}
	if (i + 1 != len || s[i] != 's')
		goto bad;
	if (*seconds > DURATION_MAX_SECONDS)
		return fail(w, PB_FAULT_RANGE, "duration %s is beyond the 10000 years a google.protobuf.Duration holds",
					shown);
	if (neg)
	{
		*seconds = -*seconds;
		*nanos = -*nanos;
	}
	return true;
bad:
	return fail(w, PB_FAULT_VALUE,
				"\"%s\" is not a google.protobuf.Duration (seconds, as \"-1.5s\")", shown);
}

/* seconds (1) and nanos (2) of a Timestamp or a Duration, zeros left out */
static void
put_seconds_nanos(MeshBuf *o, int64_t seconds, int32_t nanos)
{
	if (seconds != 0)
	{
		put_tag(o, 1, 0);
		put_varint(o, (uint64_t) seconds);
	}
	if (nanos != 0)
	{
		put_tag(o, 2, 0);
		put_varint(o, (uint64_t) (int64_t) nanos);
	}
}

/* ------------------------------------------------------------------------
 * Fields
 * ------------------------------------------------------------------------
 */

static bool put_field(W *w, const MeshPbField *f, const MeshSrc *src, int depth);
static bool put_one(W *w, const MeshPbField *f, const MeshSrc *src, bool skip_zero,
					int depth);

static bool
has_presence(const MeshPbField *f)
{
	return !f->repeated && (f->presence || f->type == PB_MESSAGE);
}

/*
 * JSON text (a jsonb column or array item) parsed, then written as its
 * tree: by put_one (one) or put_field.  JSON null leaves the field absent.
 */
static bool
put_json_text(W *w, const MeshPbField *f, const MeshSrc *src, bool one, bool skip_zero,
			  int depth)
{
	char		err[256];
	MeshJson   *json;
	MeshSrc		tree;
	bool		ok;

	json = mesh_json_parse(src->data, src->len, 2 * MESH_PB_MAX_DEPTH + 2, err, sizeof(err));
	if (json == NULL)
		return fail(w, PB_FAULT_VALUE, "invalid JSON for a field of type %s: %s",
					type_name(w->file, f, f->type), err);
	mesh_src_from_json(&tree, json);
	if (tree.kind == MESH_SRC_NULL)
		ok = true;
	else if (one)
		ok = put_one(w, f, &tree, skip_zero, depth);
	else
		ok = put_field(w, f, &tree, depth);
	mesh_json_free(json);
	return ok;
}

/* Does a JSON member's key name field f: its name, or its JSON name (lowerCamelCase)? */
static bool
names_field(const char *key, const MeshPbField *f)
{
	const char *n = f->name;
	bool		up = false;

	if (strcmp(key, n) == 0)
		return true;
	for (; *n; n++)
	{
		char		c = *n;

		if (c == '_')
		{
			up = true;
			continue;
		}
		if (up && c >= 'a' && c <= 'z')
			c = (char) (c - 'a' + 'A');
		up = false;
		if (*key++ != c)
			return false;
	}
	return *key == '\0';
}

/* The oneof names of members a and b, for PB_FAULT_ONEOF. */
static bool
oneof_fail(W *w, const MeshPbMessage *msg, const MeshPbField *a, const MeshPbField *b)
{
	const char *oneof = a->oneof < msg->noneofs ? msg->oneofs[a->oneof] : "?";

	snprintf(w->err->hint, sizeof(w->err->hint),
			 "Give at most one member of oneof \"%s\"; leave the others null.", oneof);
	return fail(w, PB_FAULT_ONEOF, "\"%s\" and \"%s\" are both members of oneof \"%s\" of %s",
				a->name, b->name, oneof, msg->fullname);
}

/* A message's fields from a JSON object, in field-number order. */
static bool
put_object(W *w, const MeshPbMessage *msg, const MeshSrc *src, int depth)
{
	int		   *member = mesh_alloc(sizeof(int) * (size_t) (msg->nfields + msg->noneofs + 1));
	int		   *oneof = member + msg->nfields;
	bool		ok = true;

	if (depth >= MESH_PB_MAX_DEPTH)
		ok = fail(w, PB_FAULT_VALUE, "messages nest deeper than %d", MESH_PB_MAX_DEPTH);
	for (int k = 0; k < msg->nfields + msg->noneofs; k++)
		member[k] = -1;
	for (int i = 0; ok && i < src->count; i++)
	{
		const char *key = src->keys[i];
		int			k;
		MeshSrc		item;

		/* the .proto name first: a JSON name may be another field's name */
		for (k = 0; k < msg->nfields; k++)
			if (strcmp(key, msg->fields[k].name) == 0)
				break;
		for (k = k < msg->nfields ? k : 0; k < msg->nfields; k++)
			if (names_field(key, &msg->fields[k]))
				break;
		if (k == msg->nfields)
		{
			char		shown[64] = "";

			mesh_text_sanitize(shown, sizeof(shown), key, strlen(key), 40);
			ok = fail(w, PB_FAULT_VALUE, "%s has no field \"%s\"", msg->fullname, shown);
			break;
		}
		if (member[k] >= 0)
		{
			ok = fail(w, PB_FAULT_VALUE, "field \"%s\" of %s is given twice (\"%s\" and \"%s\")",
					  msg->fields[k].name, msg->fullname, src->keys[member[k]], key);
			break;
		}
		member[k] = i;
		mesh_src_item(src, i, &item);
		if (item.kind != MESH_SRC_NULL && msg->fields[k].oneof >= 0 &&
			msg->fields[k].oneof < msg->noneofs)
		{
			int		   *other = &oneof[msg->fields[k].oneof];

			if (*other >= 0)
				ok = oneof_fail(w, msg, &msg->fields[*other], &msg->fields[k]);
			*other = k;
		}
	}
	for (int j = 0; ok && j < msg->nfields; j++)
	{
		int			k = msg->by_number[j];
		MeshSrc		item;
		size_t		mark;

		if (member[k] >= 0)
			mesh_src_item(src, member[k], &item);
		if (msg->fields[k].required && (member[k] < 0 || item.kind == MESH_SRC_NULL))
		{
			ok = fail(w, PB_FAULT_NULL, " lacks required field \"%s\" of %s",
					  msg->fields[k].name, msg->fullname);
			break;
		}
		if (member[k] < 0 || item.kind == MESH_SRC_NULL)
			continue;			/* absent; JSON null: the field's default, i.e. absent */
		mark = path_push_name(w, msg->fields[k].name);
		ok = put_field(w, &msg->fields[k], &item, depth);
		path_pop(w, mark);
	}
	mesh_free(member);
	return ok;
}

/* The content of a message-typed field (no tag, no length). */
static bool
put_message_content(W *w, const MeshPbField *f, const MeshSrc *src, int depth)
{
	int64_t		seconds = 0;
	int32_t		nanos = 0;

	switch (f->wkt)
	{
		case PB_WKT_TIMESTAMP:
			if (!timestamp_from_src(w, f, src, &seconds, &nanos))
				return false;
			put_seconds_nanos(w->o, seconds, nanos);
			return true;
		case PB_WKT_DURATION:
			if (!duration_from_src(w, f, src, &seconds, &nanos))
				return false;
			put_seconds_nanos(w->o, seconds, nanos);
			return true;
		case PB_WKT_WRAPPER:
			{
				MeshPbField inner = *f;
				MeshBuf		scratch = {0};
				Scalar		s;
				bool		ok;

				inner.type = f->wrapped_type;
				inner.wkt = PB_WKT_NONE;
				ok = scalar_from_src(w, &inner, inner.type, src, &scratch, &s);
				if (ok && !s.zero)
				{
					put_tag(w->o, 1, wire_type(inner.type));
					put_scalar(w->o, inner.type, &s);
				}
				if (scratch.data)
					mesh_free(scratch.data);
				return ok;
			}
		default:
			if (f->message < 0)
				return mismatch(w, f, PB_MESSAGE, src);
			if (src->kind != MESH_SRC_OBJECT)
				return mismatch(w, f, PB_MESSAGE, src);
			return put_object(w, &w->file->messages[f->message], src, depth);
	}
}

/*
 * One value of field f with its tag (an element of a repeated field, each
 * with its own tag): left out when it is the zero value and skip_zero.
 */
static bool
put_one(W *w, const MeshPbField *f, const MeshSrc *src, bool skip_zero, int depth)
{
	if (src->kind == MESH_SRC_JSON_TEXT)
		return put_json_text(w, f, src, true, skip_zero, depth);
	if (f->type == PB_MESSAGE)
	{
		size_t		mark;

		put_tag(w->o, f->number, 2);
		mark = w->o->len;
		if (!put_message_content(w, f, src, depth + 1))
			return false;
		end_length(w->o, mark);
		return true;
	}
	else
	{
		MeshBuf		scratch = {0};
		Scalar		s;
		bool		ok = scalar_from_src(w, f, f->type, src, &scratch, &s);

		if (ok && !(skip_zero && s.zero))
		{
			put_tag(w->o, f->number, wire_type(f->type));
			put_scalar(w->o, f->type, &s);
		}
		if (scratch.data)
			mesh_free(scratch.data);
		return ok;
	}
}

static bool
put_packed(W *w, const MeshPbField *f, const MeshSrc *src)
{
	size_t		mark;

	if (src->count == 0)
		return true;
	put_tag(w->o, f->number, 2);
	mark = w->o->len;
	for (int i = 0; i < src->count; i++)
	{
		MeshSrc		item;
		Scalar		s;
		size_t		pmark = path_push(w, "[%d]", i);

		mesh_src_item(src, i, &item);
		if (item.kind == MESH_SRC_NULL)
			return fail(w, PB_FAULT_NULL, "a repeated field cannot hold null");
		if (!scalar_from_src(w, f, f->type, &item, NULL, &s))
			return false;
		put_scalar(w->o, f->type, &s);
		path_pop(w, pmark);
	}
	end_length(w->o, mark);
	return true;
}

/* A map key, parsed for sorting and writing. */
typedef struct MapKey
{
	int			member;
	Wide		v;				/* integer and bool keys */
	const char *s;				/* string keys */
	size_t		len;
	bool		is_string;
} MapKey;

static int
map_key_cmp(const void *pa, const void *pb)
{
	const MapKey *a = pa,
			   *b = pb;

	if (a->is_string)
		return mesh_bytes_cmp(a->s, a->len, b->s, b->len);
	if (a->v.neg != b->v.neg)
		return a->v.neg ? -1 : 1;
	if (a->v.mag == b->v.mag)
		return 0;
	return (a->v.mag < b->v.mag) == !a->v.neg ? -1 : 1;
}

/* A map from a JSON object: entries (key 1, value 2; both always written) sorted by key. */
static bool
put_map(W *w, const MeshPbField *f, const MeshSrc *src, int depth)
{
	const MeshPbMessage *entry = &w->file->messages[f->message];
	const MeshPbField *kf = mesh_pb_field_by_number(w->file, entry, 1);
	const MeshPbField *vf = mesh_pb_field_by_number(w->file, entry, 2);
	MapKey	   *keys;
	bool		ok = true;

	if (src->kind != MESH_SRC_OBJECT)
	{
		char		what[64];

		return fail(w, PB_FAULT_VALUE, "a map takes a JSON object, not %s",
					mesh_src_describe(src, false, what, sizeof(what)));
	}
	if (src->count == 0)
		return true;
	if (kf == NULL || vf == NULL)
		return fail(w, PB_FAULT_VALUE, "map entry %s lacks its key or value", entry->fullname);
	if (depth + 1 >= MESH_PB_MAX_DEPTH)
		return fail(w, PB_FAULT_VALUE, "messages nest deeper than %d", MESH_PB_MAX_DEPTH);
	keys = mesh_alloc(sizeof(MapKey) * (size_t) (src->count + 1));
	for (int i = 0; ok && i < src->count; i++)
	{
		MapKey	   *k = &keys[i];
		MeshSrc		ks = {.kind = MESH_SRC_STRING, .data = src->keys[i],
		.len = strlen(src->keys[i])};
		size_t		mark = path_push(w, "[\"%s\"]", src->keys[i]);

		k->member = i;
		k->is_string = kf->type == PB_STRING;
		k->s = ks.data;
		k->len = ks.len;
		if (kf->type == PB_BOOL)
		{
			Scalar		s;

			ok = scalar_from_src(w, kf, PB_BOOL, &ks, NULL, &s);
			k->v.mag = s.bits;
		}
		else if (!k->is_string)
			ok = wide_from_text(w, ks.data, ks.len, &k->v) &&
				wide_in_range(w, kf, kf->type, &k->v);
		path_pop(w, mark);
	}
	if (ok && src->count > 1)
		qsort(keys, (size_t) src->count, sizeof(MapKey), map_key_cmp);
	for (int i = 1; ok && i < src->count; i++)
		if (map_key_cmp(&keys[i - 1], &keys[i]) == 0)
			ok = fail(w, PB_FAULT_VALUE, "keys \"%s\" and \"%s\" are the same %s",
					  src->keys[keys[i - 1].member], src->keys[keys[i].member],
					  type_names[kf->type]);
	for (int i = 0; ok && i < src->count; i++)
	{
		MeshSrc		ks = {.kind = MESH_SRC_STRING, .data = keys[i].s, .len = keys[i].len};
		MeshSrc		vs;
		size_t		mark = path_push(w, "[\"%s\"]", keys[i].s);
		size_t		lmark;

		mesh_src_item(src, keys[i].member, &vs);
		put_tag(w->o, f->number, 2);
		lmark = w->o->len;
		if (kf->type == PB_BOOL || kf->type == PB_STRING)
			ok = put_one(w, kf, &ks, false, depth + 1);
		else
		{
			Scalar		s = {.bits = wide_bits(kf->type, &keys[i].v)};

			put_tag(w->o, 1, wire_type(kf->type));
			put_scalar(w->o, kf->type, &s);
		}
		if (ok && vs.kind == MESH_SRC_NULL && vf->type == PB_MESSAGE)
		{
			/* how the decoder shows an entry without its message value */
			put_tag(w->o, 2, 2);
			put_varint(w->o, 0);
		}
		else if (ok && vs.kind == MESH_SRC_NULL)
			ok = fail(w, PB_FAULT_NULL, "a map value cannot be null");
		else if (ok)
			ok = put_one(w, vf, &vs, false, depth);
		if (ok)
			end_length(w->o, lmark);
		path_pop(w, mark);
	}
	mesh_free(keys);
	return ok;
}

/* Field f from src (not null), with its tags: what a column or a JSON member gives. */
static bool
put_field(W *w, const MeshPbField *f, const MeshSrc *src, int depth)
{
	if (src->kind == MESH_SRC_JSON_TEXT)
		return put_json_text(w, f, src, false, false, depth);
	if (f->repeated && f->type == PB_MESSAGE && f->message >= 0 &&
		w->file->messages[f->message].map_entry)
		return put_map(w, f, src, depth);
	if (f->repeated)
	{
		char		what[64];

		if (src->kind != MESH_SRC_ITEMS)
			return fail(w, PB_FAULT_VALUE, "a repeated field takes an array, not %s",
						mesh_src_describe(src, false, what, sizeof(what)));
		if (wire_type(f->type) != 2 && f->packed == PB_PACKED_TRUE)
			return put_packed(w, f, src);
		for (int i = 0; i < src->count; i++)
		{
			MeshSrc		item;
			size_t		mark = path_push(w, "[%d]", i);

			mesh_src_item(src, i, &item);
			if (item.kind == MESH_SRC_NULL)
				return fail(w, PB_FAULT_NULL, "a repeated field cannot hold null");
			if (!put_one(w, f, &item, false, depth))
				return false;
			path_pop(w, mark);
		}
		return true;
	}
	return put_one(w, f, src, !has_presence(f), depth);
}

/* ------------------------------------------------------------------------
 * Rows
 * ------------------------------------------------------------------------
 */

MeshPbEncoder *
mesh_pb_encoder_create(const MeshPbFile *file, int message, const MeshAvroTarget *source,
					   char *errbuf, size_t errlen)
{
	const MeshPbMessage *msg = mesh_pb_message_at(file, message, errbuf, errlen);
	MeshPbEncoder *enc;

	if (msg == NULL)
		return NULL;
	enc = mesh_alloc(sizeof(MeshPbEncoder));
	enc->file = file;
	enc->msg = msg;
	enc->slot_of_field = mesh_alloc(sizeof(int) * (size_t) (msg->nfields + 1));
	enc->oneof_slot = mesh_alloc(sizeof(int) * (size_t) (msg->noneofs + 1));
	for (int k = 0; k < msg->nfields; k++)
		enc->slot_of_field[k] = -1;
	for (int i = 0; i < source->nslots; i++)
	{
		int			k;

		if (!source->slots[i].needed)
			continue;
		for (k = 0; k < msg->nfields; k++)
			if (strcmp(msg->fields[k].name, source->slots[i].name) == 0)
				break;
		if (k == msg->nfields || enc->slot_of_field[k] >= 0)
		{
			snprintf(errbuf, errlen, k == msg->nfields ?
					 "message %s has no field \"%s\"" :
					 "message %s: two columns give field \"%s\"",
					 msg->fullname, source->slots[i].name);
			mesh_pb_encoder_free(enc);
			return NULL;
		}
		enc->slot_of_field[k] = i;
	}
	for (int k = 0; k < msg->nfields; k++)
		if (msg->fields[k].required && enc->slot_of_field[k] < 0)
		{
			snprintf(errbuf, errlen, "required field \"%s\" of message %s has no column",
					 msg->fields[k].name, msg->fullname);
			mesh_pb_encoder_free(enc);
			return NULL;
		}
	return enc;
}

void
mesh_pb_encoder_free(MeshPbEncoder *enc)
{
	mesh_free(enc->slot_of_field);
	mesh_free(enc->oneof_slot);
	mesh_free(enc);
}

bool
mesh_pb_encode(MeshPbEncoder *enc, const MeshAvroValue *values, MeshBuf *out,
			   MeshPbEncodeError *err)
{
	const MeshPbMessage *msg = enc->msg;
	W			w = {.file = enc->file, .o = out, .err = err};
	size_t		start = out->len;
	bool		ok = true;

	memset(err, 0, sizeof(*err));
	err->slot = err->other_slot = -1;
	for (int k = 0; k < msg->noneofs; k++)
		enc->oneof_slot[k] = -1;
	/* what the row gives as a whole, before any of it is written */
	for (int j = 0; ok && j < msg->nfields; j++)
	{
		int			k = msg->by_number[j];
		int			slot = enc->slot_of_field[k];
		const MeshPbField *f = &msg->fields[k];
		size_t		mark;

		if (slot < 0 || !values[slot].present)
			continue;
		err->slot = slot;
		mark = path_push_name(&w, f->name);
		if ((values[slot].is_null || values[slot].kind == AVRO_NULL) && f->required)
			ok = fail(&w, PB_FAULT_NULL, " is a required field of %s", msg->fullname);
		else if (values[slot].is_null || values[slot].kind == AVRO_NULL)
		{
			bool		map = f->repeated && f->type == PB_MESSAGE && f->message >= 0 &&
				w.file->messages[f->message].map_entry;

			if (!has_presence(f))
				ok = fail(&w, PB_FAULT_NULL, " (%s) of %s has no presence: a message without it reads as %s, not as NULL",
						  map ? "a map" : f->repeated ? "repeated" : type_name(w.file, f, f->type),
						  msg->fullname, map ? "an empty map" :
						  f->repeated ? "an empty array" : "its zero value");
		}
		else if (f->oneof >= 0 && f->oneof < msg->noneofs)
		{
			int			other = enc->oneof_slot[f->oneof];

			if (other >= 0)
			{
				err->other_slot = other;
				for (int o = 0; o < msg->nfields; o++)
					if (enc->slot_of_field[o] == other)
						ok = oneof_fail(&w, msg, &msg->fields[o], f);
			}
			enc->oneof_slot[f->oneof] = slot;
		}
		path_pop(&w, mark);
	}
	for (int j = 0; ok && j < msg->nfields; j++)
	{
		int			k = msg->by_number[j];
		int			slot = enc->slot_of_field[k];
		MeshSrc		src;
		size_t		mark;

		if (slot < 0 || !values[slot].present || values[slot].is_null ||
			values[slot].kind == AVRO_NULL)
			continue;
		err->slot = slot;
		mesh_src_from_value(&src, &values[slot]);
		mark = path_push_name(&w, msg->fields[k].name);
		ok = put_field(&w, &msg->fields[k], &src, 0);
		path_pop(&w, mark);
	}
	if (!ok)
	{
		out->len = start;
		return false;
	}
	err->slot = -1;
	return true;
}

void
mesh_pb_put_indexes(MeshBuf *out, const int32_t *indexes, int nindexes)
{
	if (nindexes == 1 && indexes[0] == 0)
	{
		mesh_buf_add_char(out, 0);
		return;
	}
	put_varint(out, (uint64_t) nindexes << 1);	/* zigzag of a count */
	for (int i = 0; i < nindexes; i++)
		put_varint(out, (uint32_t) ((uint32_t) indexes[i] << 1) ^ (uint32_t) (indexes[i] >> 31));
}
