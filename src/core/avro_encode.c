/*-------------------------------------------------------------------------
 *
 * avro_encode.c
 *		  Avro binary encoding (specification 1.11) of one record per call,
 *		  compiled once per (writer record schema, source slots).
 *
 * The mirror of avro_decode.c, for INSERT and create_data_product: rows
 * come in as MeshAvroValue, one per source slot, and leave as the Avro
 * binary encoding of one record of the writer's schema (no framing; the
 * caller puts the Confluent or single-object header in front).  A value
 * that does not fit its field is refused with the field's name, never
 * coerced into something else (design.md, "Publishing").
 *
 * mesh_avro_encoder_create matches each source slot to a top-level field
 * (by name, or an alias of the field, or an alias of the slot), and gives
 * every field no slot provides its bytes once and for all: its default,
 * else null when it is nullable; a field with neither fails the create,
 * naming it.  mesh_avro_encode then writes straight into the caller's
 * MeshBuf; nothing is allocated per row unless a value comes as JSON text
 * (its parse tree, freed before returning).  On failure the MeshBuf is cut
 * back to its length at entry, so a refused row appends nothing.
 *
 *
 * WHAT THE CALLER PROVIDES: values[i] for source slot i, per row
 * ------------------------------------------------------------------
 *
 * The value's kind says which of its members hold the value; the field's
 * Avro type then says what is done with it (next table).  present,
 * precision and scale are ignored; logical matters only for integers.
 *
 *	 is_null (or kind AVRO_NULL)  SQL NULL.  Checked first, whatever kind
 *								  says.  Written as null; only for a field
 *								  of type null or a union with a null
 *								  branch, else 'field "x" is not nullable'.
 *	 kind AVRO_BOOLEAN			  boolean
 *	 kind AVRO_INT, AVRO_LONG	  integer.  Its unit is told by logical:
 *								  AVRO_LT_NONE - a plain number (days for a
 *								  date field, microseconds for time and
 *								  timestamp fields); AVRO_LT_DATE - days
 *								  since 1970-01-01; AVRO_LT_TIME_MILLIS or
 *								  _MICROS - MICROSECONDS since midnight;
 *								  any (local-)timestamp logical type -
 *								  MICROSECONDS since 1970-01-01 00:00 (UTC
 *								  for timestamptz).  Microseconds in every
 *								  case, whatever -millis/-micros says.
 *	 kind AVRO_FLOAT, AVRO_DOUBLE real
 *	 kind AVRO_STRING, AVRO_ENUM  data/len: text, UTF-8 (not necessarily
 *								  NUL-terminated)
 *	 kind AVRO_BYTES, AVRO_FIXED  data/len: bytes
 *	 kind AVRO_ARRAY			  nitems/items: one MeshAvroValue per item,
 *								  each by these same rules against the
 *								  array's item type (items may be NULL)
 *	 kind AVRO_RECORD, AVRO_MAP,  data/len: JSON text (MESH_AVRO_JSON names
 *	 AVRO_UNION					  AVRO_RECORD for this), walked against the
 *								  field's type as the JSON table below says
 *
 * A slot whose shape is MESH_SHAPE_JSON always provides JSON text in
 * data/len (unless is_null), whatever kind says.  A slot with needed ==
 * false provides nothing: its field is filled as if it had no slot.
 * Its reader_type and default_value are not used.
 *
 *
 * WHAT EACH AVRO TYPE ACCEPTS (after "union of null and T", see below)
 * --------------------------------------------------------------------
 *
 *	 null			 NULL only
 *	 boolean		 boolean
 *	 int			 integer (logical NONE), -2147483648..2147483647, else
 *					 'value 3000000000 out of range for field "qty" (Avro
 *					 int)'
 *	 long			 integer (logical NONE)
 *	 float			 real, or integer (logical NONE) rounded to the nearest
 *					 float; a finite real beyond float's range is refused,
 *					 NaN and infinities are written as such
 *	 double			 real, or integer (logical NONE)
 *	 string			 text or bytes: valid UTF-8 without NUL bytes
 *	 bytes			 bytes or text, as they are
 *	 fixed			 bytes or text of exactly the fixed's size
 *	 enum			 text: one of the symbols, exactly; anything else is
 *					 refused (the enum's default is for readers, never used
 *					 to write)
 *	 uuid			 text as uuid_in reads it (32 hex digits, a hyphen
 *	 (string)		 allowed after any group of four, optionally in braces),
 *					 written in canonical lowercase 8-4-4-4-12 form; or
 *					 bytes of exactly 16 (the uuid's binary form)
 *	 decimal		 text: [+-]digits[.digits][e[+-]digits] (numeric_out's
 *	 (bytes, fixed)	 form, or a JSON number; ".5" and "5." too), or integer
 *					 (logical NONE).  Fewer fraction digits than the scale
 *					 are padded; more are refused unless the extra ones are
 *					 zeros; more significant digits than the precision (or
 *					 1000) are refused; NaN and infinities are refused.
 *					 Written as the minimal two's-complement big-endian
 *					 unscaled value (fixed: sign-extended to its size)
 *	 date			 integer: days since 1970-01-01 (logical NONE or DATE),
 *					 or microseconds (a timestamp logical: the day it falls
 *					 in, UTC); or text 'YYYY-MM-DD[ BC]'.  Within
 *					 PostgreSQL's date range
 *	 time-millis	 integer: microseconds since midnight (logical NONE or a
 *	 time-micros	 time), 0..86400000000; or text 'HH:MM[:SS[.ffffff]]'.
 *					 time-millis is truncated to milliseconds
 *	 timestamp-*	 integer: microseconds since 1970-01-01 00:00 (logical
 *	 local-timest.-* NONE or a timestamp), or days (logical DATE: midnight);
 *					 or text as in JSON below.  *-millis are truncated
 *					 toward negative infinity to milliseconds (floor).
 *					 Before 4714-11-24 BC (PostgreSQL's first) is refused.
 *					 PostgreSQL's infinities have no Avro value: give them
 *					 as text ("infinity"), which is refused as invalid
 *	 duration		 as fixed(12)
 *	 array			 items, or JSON text
 *	 map, record	 JSON text
 *	 union			 NULL: the null branch.  With exactly one non-null
 *					 branch T (the nullable case): a value for T, directly.
 *					 With several: the first branch, in schema order, that
 *					 holds the value exactly; if none does, the first that
 *					 accepts it by these rules (rounding a number to float
 *					 or double, text as bytes, bytes as text)
 *
 * An integer whose logical is a date, time or timestamp goes only to date,
 * time and timestamp fields as said above (a time only to time fields);
 * plain int, long, float, double and decimal fields refuse it.
 *
 *
 * JSON TEXT (any field type)
 * --------------------------
 *
 * Parsed (strict RFC 8259, at most MESH_AVRO_MAX_DEPTH deep) and walked
 * against the field's type; each value as to_jsonb() shows the PostgreSQL
 * type design.md maps the Avro type to, which is what the decoder renders:
 *
 *	 null			 null (for null, and unions with a null branch)
 *	 boolean		 true, false
 *	 int, long		 a number with an integral value (5, 5.0, 5e2)
 *	 float, double	 a number, or "NaN", "Infinity", "-Infinity"
 *	 string			 a string
 *	 bytes, fixed	 a string "\\x0a1b" (hex after \x, as to_jsonb(bytea))
 *	 enum			 a string: a symbol
 *	 uuid			 a string, as above
 *	 decimal		 a number (its text, exactly) or a string, as above
 *	 date			 "YYYY-MM-DD[ BC]"
 *	 time-*			 "HH:MM[:SS[.ffffff]]"
 *	 timestamp-*,	 "YYYY-MM-DD[(T| )HH:MM[:SS[.ffffff]][zone]][ BC]", zone
 *	 local-timest.-* Z or +HH, +HH:MM, +HHMM (also with seconds); without a
 *					 zone, UTC.  For local-timestamp-* a zone is ignored,
 *					 as timestamp_in ignores it
 *	 array			 an array
 *	 map			 an object
 *	 record			 an object: members by field name or field alias; a
 *					 missing member takes the field's default, else null
 *					 when the field is nullable, else it is refused; an
 *					 unknown member is refused
 *	 union			 null: the null branch; else the first non-null branch
 *					 (in schema order) that holds the value exactly, else
 *					 the first that takes it (see union above)
 *
 * Field defaults are the schema's, in the Avro specification's JSON
 * encoding (bytes as code points U+0000..U+00FF, a union's default for its
 * first branch, logical types as their underlying type), encoded when the
 * encoder is created.
 *
 * Errors name the field by its path: 'field "address.zip" ...', array items
 * as "tags[2]" (from 0) and map values as "attrs.key".
 *
 * Recursive schemas compile to cyclic graphs of nodes (one node per record
 * type); nesting of records, arrays and maps in a value is limited to
 * MESH_AVRO_MAX_DEPTH, counted as the decoder counts it, so that whatever
 * is written can be read back.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_encode.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef PG_PRINTF_ATTRIBUTE
#define AE_PRINTF_ARCHETYPE PG_PRINTF_ATTRIBUTE
#else
#define AE_PRINTF_ARCHETYPE printf
#endif

#define AE_LIKELY(x)	__builtin_expect(!!(x), 1)
#define AE_UNLIKELY(x)	__builtin_expect(!!(x), 0)

/* Nesting of compile_node calls: bounds the stack a hostile schema takes. */
#define AE_MAX_COMPILE_DEPTH	1000

/* Nesting of a field default being encoded. */
#define AE_MAX_DEFAULT_DEPTH	512

/* Digits of a decimal: the decoder (and numeric) read no more. */
#define AE_DECIMAL_MAX_DIGITS	1000
/* 32-bit limbs that hold 10^1000, and a few more */
#define AE_DECIMAL_LIMBS		110
/* A decimal exponent beyond this makes every non-zero value unwritable. */
#define AE_MAX_EXPONENT			100000

/* The PostgreSQL calendar (datatype/timestamp.h), in Unix-epoch units. */
#define AE_UNIX_EPOCH_JDATE		2440588 /* 1970-01-01 */
#define AE_DATE_END_JULIAN		2147483494	/* 5874898-01-01 */
#define AE_DATE_MIN_UNIX		(-(int64_t) AE_UNIX_EPOCH_JDATE)
#define AE_DATE_END_UNIX		((int64_t) AE_DATE_END_JULIAN - AE_UNIX_EPOCH_JDATE)
#define AE_USECS_PER_DAY		INT64_C(86400000000)
#define AE_TIMESTAMP_MIN_UNIX_US (AE_DATE_MIN_UNIX * AE_USECS_PER_DAY)

/* Parts of an error path kept; deeper ones show as "..." */
#define AE_PATH_MAX				80

/* ------------------------------------------------------------------------
 * The encoder
 * ------------------------------------------------------------------------
 */

/* What a node writes: the Avro type, logical types apart. */
typedef enum EOp
{
	EO_NULL,
	EO_BOOLEAN,
	EO_INT,
	EO_LONG,
	EO_FLOAT,
	EO_DOUBLE,
	EO_STRING,
	EO_BYTES,
	EO_FIXED,					/* also duration */
	EO_ENUM,
	EO_UUID,
	EO_DECIMAL,					/* in bytes, or in a fixed (fixed_size > 0) */
	EO_DATE,
	EO_TIME_MILLIS,
	EO_TIME_MICROS,
	EO_TS_MILLIS,				/* also local-timestamp-millis */
	EO_TS_MICROS,				/* also local-timestamp-micros */
	EO_ARRAY,
	EO_MAP,
	EO_RECORD,
	EO_UNION
} EOp;

typedef struct ENode ENode;

/* A field of a record node. */
typedef struct EField
{
	const MeshAvroField *field;
	ENode	   *node;
	bool		has_fill;		/* it can be left out */
	const char *fill;			/* its bytes when left out */
	size_t		fill_len;
} EField;

struct ENode
{
	uint8_t		op;				/* EOp */
	bool		local;			/* local-timestamp-* (a zone is ignored) */
	bool		fixed_decimal;	/* EO_DECIMAL in a fixed */
	int			size;			/* EO_FIXED, fixed EO_DECIMAL */
	int			precision;		/* EO_DECIMAL */
	int			scale;
	const MeshAvroType *type;
	const char *label;			/* "int", "decimal(10,2)", 'enum "x.Color"' */
	/* enum */
	int			nsymbols;
	const char **symbols;
	size_t	   *symbol_lens;
	/* array items, map values */
	ENode	   *child;
	/* union */
	int			nbranches;
	ENode	  **branches;
	int			null_branch;	/* or -1 */
	int			only_branch;	/* the one non-null branch, or -1 */
	/* record */
	int			nfields;
	EField	   *fields;
	ENode	   *next_record;	/* all record nodes, for the fill pass */
};

/* How the top-level loop writes one field. */
typedef enum EFast
{
	FAST_GENERIC,
	FAST_FILL,					/* bytes made at create time */
	FAST_INT,
	FAST_LONG,
	FAST_FLOAT,
	FAST_DOUBLE,
	FAST_STRING,
	FAST_TS_MICROS,
	FAST_TS_MILLIS
} EFast;

typedef struct EStep
{
	uint8_t		fast;			/* EFast */
	bool		json;			/* the slot always gives JSON text */
	bool		nullable;		/* union of null and the fast type */
	char		null_byte;		/* the null branch's index, encoded */
	char		value_byte;		/* the other branch's index, encoded */
	int			slot;			/* or -1: FAST_FILL */
	size_t		room_after;		/* bytes the fixed-size steps after a
								 * variable-size one may take */
	const char *name;			/* the field's */
	const ENode *node;
	const char *fill;			/* FAST_FILL */
	size_t		fill_len;
} EStep;

struct MeshAvroEncoder
{
	const MeshAvroType *schema;
	int			nslots;
	int			nsteps;
	EStep	   *steps;
	size_t		room_first;		/* reserved at the start of a row */
};

/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------
 */

/* Drop a character cut in half at the end of a truncated message. */
static void
clip_utf8(char *buf)
{
	size_t		used = strlen(buf);
	size_t		start = used;
	size_t		need;
	unsigned char c;

	while (start > 0 && ((unsigned char) buf[start - 1] & 0xC0) == 0x80)
		start--;
	if (start == 0)
		return;
	c = (unsigned char) buf[start - 1];
	if (c < 0x80)
		return;
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (used - (start - 1) < need)
		buf[start - 1] = '\0';
}

static void set_error(char *errbuf, size_t errlen, const char *fmt,...)
			__attribute__((format(AE_PRINTF_ARCHETYPE, 3, 4)));

static void
set_error(char *errbuf, size_t errlen, const char *fmt,...)
{
	va_list		ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
	clip_utf8(errbuf);
}

static char *ae_printf(const char *fmt,...)
			__attribute__((format(AE_PRINTF_ARCHETYPE, 1, 2)));

/* A new string, formatted. */
static char *
ae_printf(const char *fmt,...)
{
	va_list		ap;
	char		tmp[512];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	clip_utf8(tmp);
	return mesh_strndup(tmp, strlen(tmp));
}

/*
 * Length of the well-formed UTF-8 sequence at s (at most avail bytes), or
 * 0: overlong forms, surrogates and code points above U+10FFFF are not.
 */
static size_t
utf8_sequence(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80;
	unsigned char hi = 0xBF;
	size_t		n;
	size_t		k;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
	{
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	}
	else
		return 0;
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < n; k++)
		if ((s[k] & 0xC0) != 0x80)
			return 0;
	return n;
}

/*
 * Offset of the first byte of s that is NUL or does not begin a
 * well-formed UTF-8 sequence; len if there is none.  Eight bytes at a time
 * while they are ASCII, as the decoder does it.
 */
static inline size_t
utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t		i = 0;

	while (i < len)
	{
		size_t		n;

		if (len - i >= 8)
		{
			uint64_t	w;

			memcpy(&w, s + i, 8);
			/* no high bit set and no zero byte */
			if ((w & UINT64_C(0x8080808080808080)) == 0 &&
				((w - UINT64_C(0x0101010101010101)) & ~w & UINT64_C(0x8080808080808080)) == 0)
			{
				i += 8;
				continue;
			}
		}
		/* ASCII other than NUL, without a call */
		if ((unsigned char) (s[i] - 1) < 0x7F)
		{
			i++;
			continue;
		}
		if (s[i] == 0)
			return i;
		n = utf8_sequence(s + i, len - i);
		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

/*
 * At most max bytes of s appended to out (outlen bytes in all, NUL
 * included) with invalid UTF-8 and control characters shown as '?', and
 * "..." when s was cut; for error messages.
 */
static void
sanitize(char *out, size_t outlen, const char *s, size_t len, size_t max)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		o = strlen(out);
	size_t		i = 0;

	while (i < len && i < max && o + 9 < outlen)
	{
		size_t		n = utf8_sequence(u + i, len - i);

		if (n == 0 || u[i] < 0x20 || u[i] == 0x7F)
		{
			out[o++] = '?';
			i++;
			continue;
		}
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	if (i < len && o + 4 <= outlen)
	{
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* A value in double quotes for an error message: at most 48 bytes of it. */
static const char *
quote_text(char *out, size_t outlen, const char *s, size_t len)
{
	size_t		o;

	if (outlen < 16)
		return "";
	out[0] = '"';
	out[1] = '\0';
	sanitize(out, outlen - 1, s, len, 48);
	o = strlen(out);
	out[o] = '"';
	out[o + 1] = '\0';
	return out;
}

static inline int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int
hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ------------------------------------------------------------------------
 * Output
 * ------------------------------------------------------------------------
 */

static void
out_grow(MeshBuf *o, size_t extra)
{
	size_t		need = o->len + extra + 1;
	size_t		newcap = o->cap > 0 ? o->cap : 256;

	while (newcap < need)
		newcap = newcap > SIZE_MAX / 2 ? need : newcap * 2;
	o->data = mesh_realloc(o->data, newcap);
	o->cap = newcap;
}

/* Room for n more bytes (and a NUL); returns where they go. */
static inline char *
out_reserve(MeshBuf *o, size_t n)
{
	if (AE_UNLIKELY(o->data == NULL || o->cap - o->len < n + 1))
		out_grow(o, n);
	return o->data + o->len;
}

static inline void
out_raw(MeshBuf *o, const void *d, size_t n)
{
	char	   *p = out_reserve(o, n);

	if (n > 0)
		memcpy(p, d, n);
	o->len += n;
}

static inline void
out_byte(MeshBuf *o, char c)
{
	char	   *p = out_reserve(o, 1);

	*p = c;
	o->len++;
}

/* An Avro int or long: zigzag, then a varint of 7-bit groups. */
static inline void
out_long(MeshBuf *o, int64_t v)
{
	uint64_t	u = ((uint64_t) v << 1) ^ (uint64_t) (v >> 63);
	char	   *p = out_reserve(o, 10);
	char	   *start = p;

	while (u >= 0x80)
	{
		*p++ = (char) (u | 0x80);
		u >>= 7;
	}
	*p++ = (char) u;
	o->len += p - start;
}

/* bytes and string: a length, then the bytes */
static inline void
out_bytes(MeshBuf *o, const char *d, size_t n)
{
	out_long(o, (int64_t) n);
	out_raw(o, d, n);
}

/* IEEE 754 little-endian, as Avro writes floats and doubles */
static inline void
out_float(MeshBuf *o, float f)
{
	uint32_t	u;

	memcpy(&u, &f, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	u = __builtin_bswap32(u);
#endif
	out_raw(o, &u, 4);
}

static inline void
out_double(MeshBuf *o, double d)
{
	uint64_t	u;

	memcpy(&u, &d, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	u = __builtin_bswap64(u);
#endif
	out_raw(o, &u, 8);
}

/* A small non-negative int (a union index) as its one-byte varint. */
static inline char
index_byte(int i)
{
	return (char) (i * 2);
}

/* ------------------------------------------------------------------------
 * Encoding state and errors
 * ------------------------------------------------------------------------
 */

typedef struct PathPart
{
	const char *name;			/* a field name or map key, or NULL */
	size_t		len;
	int64_t		index;			/* an array index when name is NULL */
} PathPart;

typedef struct Enc
{
	MeshBuf    *o;
	char	   *errbuf;
	size_t		errlen;
	bool		exact;			/* a union's first pass: no rounding, no
								 * text into bytes or bytes into text */
	int			npath;
	PathPart	path[AE_PATH_MAX];
} Enc;

static inline void
path_push_name(Enc *e, const char *name, size_t len)
{
	if (e->npath < AE_PATH_MAX)
	{
		e->path[e->npath].name = name;
		e->path[e->npath].len = len;
	}
	e->npath++;
}

static inline void
path_push_index(Enc *e, int64_t index)
{
	if (e->npath < AE_PATH_MAX)
	{
		e->path[e->npath].name = NULL;
		e->path[e->npath].index = index;
	}
	e->npath++;
}

static inline void
path_pop(Enc *e)
{
	e->npath--;
}

/* The path of the value being written: a.b[3].c */
static const char *
path_text(const Enc *e, char *buf, size_t buflen)
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
			sanitize(buf, buflen, p->name, p->len, 64);
		}
	}
	if (i < e->npath && strlen(buf) + 4 <= buflen)
		strcat(buf, "...");
	return buf;
}

static bool efail(Enc *e, const char *fmt,...)
			__attribute__((format(AE_PRINTF_ARCHETYPE, 2, 3)));

/* Report an error and return false. */
static bool
efail(Enc *e, const char *fmt,...)
{
	va_list		ap;

	if (e->errbuf == NULL || e->errlen == 0)
		return false;
	va_start(ap, fmt);
	vsnprintf(e->errbuf, e->errlen, fmt, ap);
	va_end(ap);
	clip_utf8(e->errbuf);
	return false;
}

#define AE_PATH_TEXT(e, buf) path_text((e), (buf), sizeof(buf))

/* What a value's kind makes it, for errors: "an integer". */
static const char *
value_kind_name(const MeshAvroValue *v)
{
	switch (v->kind)
	{
		case AVRO_NULL:
			return "a null";
		case AVRO_BOOLEAN:
			return "a boolean";
		case AVRO_INT:
		case AVRO_LONG:
			switch (v->logical)
			{
				case AVRO_LT_DATE:
					return "a date";
				case AVRO_LT_TIME_MILLIS:
				case AVRO_LT_TIME_MICROS:
					return "a time";
				case AVRO_LT_TIMESTAMP_MILLIS:
				case AVRO_LT_TIMESTAMP_MICROS:
				case AVRO_LT_LOCAL_TIMESTAMP_MILLIS:
				case AVRO_LT_LOCAL_TIMESTAMP_MICROS:
					return "a timestamp";
				default:
					return "an integer";
			}
		case AVRO_FLOAT:
		case AVRO_DOUBLE:
			return "a real";
		case AVRO_STRING:
		case AVRO_ENUM:
			return "a text";
		case AVRO_BYTES:
		case AVRO_FIXED:
			return "a bytes";
		case AVRO_ARRAY:
			return "an array";
		default:
			return "a JSON";
	}
}

static const char *
json_type_name(const MeshJson *j)
{
	switch (j->type)
	{
		case MJ_NULL:
			return "null";
		case MJ_BOOL:
			return "boolean";
		case MJ_NUMBER:
			return "number";
		case MJ_STRING:
			return "string";
		case MJ_ARRAY:
			return "array";
		case MJ_OBJECT:
			return "object";
	}
	return "value";
}

static bool
mismatch(Enc *e, const ENode *n, const char *what)
{
	char		p[256];

	return efail(e, "%s value cannot be written to field \"%s\" (Avro %s)",
				 what, AE_PATH_TEXT(e, p), n->label);
}

static bool
out_of_range_int(Enc *e, const ENode *n, int64_t v)
{
	char		p[256];

	return efail(e, "value %lld out of range for field \"%s\" (Avro %s)",
				 (long long) v, AE_PATH_TEXT(e, p), n->label);
}

static bool
out_of_range_text(Enc *e, const ENode *n, const char *s, size_t len)
{
	char		p[256];
	char		q[160];

	return efail(e, "value %s out of range for field \"%s\" (Avro %s)",
				 quote_text(q, sizeof(q), s, len), AE_PATH_TEXT(e, p), n->label);
}

/* A JSON number (its text, which needs no quoting) that does not fit. */
static bool
out_of_range_number(Enc *e, const ENode *n, const char *number)
{
	char		p[256];

	return efail(e, "value %.64s out of range for field \"%s\" (Avro %s)",
				 number, AE_PATH_TEXT(e, p), n->label);
}

static bool
invalid_text(Enc *e, const ENode *n, const char *what, const char *s, size_t len)
{
	char		p[256];
	char		q[160];

	return efail(e, "invalid %s %s for field \"%s\" (Avro %s)",
				 what, quote_text(q, sizeof(q), s, len), AE_PATH_TEXT(e, p), n->label);
}

static inline bool
enter(Enc *e, int depth)
{
	char		p[256];

	if (AE_UNLIKELY(depth > MESH_AVRO_MAX_DEPTH))
		return efail(e, "field \"%s\" nests deeper than %d levels",
					 AE_PATH_TEXT(e, p), MESH_AVRO_MAX_DEPTH);
	return true;
}

/* In a union's first pass: the value would not be kept exactly. */
static bool
inexact(Enc *e, const ENode *n)
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

/* ------------------------------------------------------------------------
 * Scalars
 * ------------------------------------------------------------------------
 */

/* NULL: the null type, or the null branch of a union. */
static bool
put_null(Enc *e, const ENode *n)
{
	char		p[256];

	if (n->op == EO_NULL)
		return true;
	if (n->op == EO_UNION && n->null_branch >= 0)
	{
		out_long(e->o, n->null_branch);
		return true;
	}
	return efail(e, "field \"%s\" is not nullable", AE_PATH_TEXT(e, p));
}

/* A plain integer (logical NONE) into a numeric field. */
static bool
put_integer(Enc *e, const ENode *n, int64_t v)
{
	switch ((EOp) n->op)
	{
		case EO_INT:
			if (v < INT32_MIN || v > INT32_MAX)
				return out_of_range_int(e, n, v);
			out_long(e->o, v);
			return true;
		case EO_LONG:
			out_long(e->o, v);
			return true;
		case EO_FLOAT:
			if (e->exact && !int_fits_float(v))
				return inexact(e, n);
			out_float(e->o, (float) v);
			return true;
		case EO_DOUBLE:
			if (e->exact && !int_fits_double(v))
				return inexact(e, n);
			out_double(e->o, (double) v);
			return true;
		default:
			return mismatch(e, n, "an integer");
	}
}

static bool
put_real(Enc *e, const ENode *n, double x, const char *text)
{
	char		p[256];

	if (n->op == EO_DOUBLE)
	{
		out_double(e->o, x);
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
		out_float(e->o, f);
		return true;
	}
	return mismatch(e, n, "a real");
}

static bool
put_string(Enc *e, const ENode *n, const char *s, size_t len)
{
	size_t		bad = utf8_invalid_at((const unsigned char *) s, len);
	char		p[256];

	if (AE_UNLIKELY(bad < len))
	{
		if (s[bad] == '\0')
			return efail(e, "text for field \"%s\" (Avro %s) contains a NUL byte",
						 AE_PATH_TEXT(e, p), n->label);
		return efail(e, "text for field \"%s\" (Avro %s) is not valid UTF-8 (at byte %zu)",
					 AE_PATH_TEXT(e, p), n->label, bad);
	}
	out_bytes(e->o, s, len);
	return true;
}

static bool
put_fixed(Enc *e, const ENode *n, const char *d, size_t len)
{
	char		p[256];

	if (len != (size_t) n->size)
		return efail(e, "a value of %zu bytes does not fit field \"%s\" (Avro %s)",
					 len, AE_PATH_TEXT(e, p), n->label);
	out_raw(e->o, d, len);
	return true;
}

static bool
put_enum(Enc *e, const ENode *n, const char *s, size_t len)
{
	char		p[256];
	char		q[160];
	int			i;

	for (i = 0; i < n->nsymbols; i++)
		if (n->symbol_lens[i] == len && memcmp(n->symbols[i], s, len) == 0)
		{
			out_long(e->o, i);
			return true;
		}
	return efail(e, "symbol %s is not in the enum of field \"%s\" (Avro %s)",
				 quote_text(q, sizeof(q), s, len), AE_PATH_TEXT(e, p), n->label);
}

/*
 * A uuid as PostgreSQL's uuid_in reads it: 32 hex digits, a hyphen allowed
 * after any group of four, the whole optionally in braces.
 */
static bool
parse_uuid(const char *s, size_t len, uint8_t out[16])
{
	size_t		i = 0;
	bool		braces = false;
	int			k;

	if (len > 0 && s[0] == '{')
	{
		braces = true;
		i++;
	}
	for (k = 0; k < 16; k++)
	{
		int			hi;
		int			lo;

		if (len - i < 2)
			return false;
		hi = hex_digit((unsigned char) s[i]);
		lo = hex_digit((unsigned char) s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[k] = (uint8_t) (hi * 16 + lo);
		i += 2;
		if (i < len && s[i] == '-' && (k % 2) == 1 && k < 15)
			i++;
	}
	if (braces)
	{
		if (i >= len || s[i] != '}')
			return false;
		i++;
	}
	return i == len;
}

/* A uuid's 16 bytes as its canonical text, a string of 36 bytes. */
static void
put_uuid_bytes(Enc *e, const uint8_t u[16])
{
	static const char hex[] = "0123456789abcdef";
	char	   *p = out_reserve(e->o, 37);
	int			k;

	*p++ = 36 * 2;				/* the length, zigzag: one byte */
	for (k = 0; k < 16; k++)
	{
		if (k == 4 || k == 6 || k == 8 || k == 10)
			*p++ = '-';
		*p++ = hex[u[k] >> 4];
		*p++ = hex[u[k] & 15];
	}
	e->o->len += 37;
}

static bool
put_uuid_text(Enc *e, const ENode *n, const char *s, size_t len)
{
	uint8_t		u[16];

	if (!parse_uuid(s, len, u))
		return invalid_text(e, n, "uuid", s, len);
	put_uuid_bytes(e, u);
	return true;
}

/* ------------------------------------------------------------------------
 * Decimals
 * ------------------------------------------------------------------------
 */

/* Why a decimal text cannot be written. */
typedef enum DecError
{
	DEC_OK,
	DEC_SYNTAX,
	DEC_NOT_FINITE,
	DEC_SCALE,
	DEC_PRECISION,
	DEC_SIZE
} DecError;

/* Whether s (len bytes) names NaN or an infinity, as numeric_in spells them. */
static bool
is_not_finite(const char *s, size_t len)
{
	static const char *const words[] = {
		"nan", "infinity", "+infinity", "-infinity", "inf", "+inf", "-inf"
	};
	size_t		i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
	{
		size_t		k;

		if (strlen(words[i]) != len)
			continue;
		for (k = 0; k < len; k++)
		{
			char		c = s[k];

			if (c >= 'A' && c <= 'Z')
				c = (char) (c - 'A' + 'a');
			if (c != words[i][k])
				break;
		}
		if (k == len)
			return true;
	}
	return false;
}

/*
 * The unscaled value of decimal text s at the given scale, as the minimal
 * two's-complement big-endian bytes, into out (room for
 * AE_DECIMAL_LIMBS * 4 + 1 bytes); *outlen gets their number.  limit is
 * the most digits the unscaled value may have.
 */
static DecError
decimal_unscaled(const char *s, size_t len, int scale, int limit,
				 uint8_t *out, size_t *outlen)
{
	size_t		i = 0;
	bool		neg = false;
	size_t		int_start;
	size_t		int_end;
	size_t		frac_start = 0;
	size_t		frac_end = 0;
	int64_t		exp10 = 0;
	int64_t		ndigits;		/* digits of int and frac parts */
	int64_t		shift;			/* zeros appended (>0) or digits dropped (<0) */
	int64_t		keep;			/* digits of the text kept */
	int64_t		first;			/* first non-zero digit kept, or -1 */
	int64_t		sig;
	uint32_t	limbs[AE_DECIMAL_LIMBS];
	int			nlimbs = 0;
	uint32_t	chunk = 0;
	uint32_t	chunk_mult = 1;
	int64_t		k;
	uint8_t		mag[AE_DECIMAL_LIMBS * 4];
	size_t		magn = 0;
	size_t		m;

	if (is_not_finite(s, len))
		return DEC_NOT_FINITE;
	if (i < len && (s[i] == '+' || s[i] == '-'))
	{
		neg = s[i] == '-';
		i++;
	}
	int_start = i;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	int_end = i;
	if (i < len && s[i] == '.')
	{
		i++;
		frac_start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		frac_end = i;
	}
	if (int_end == int_start && frac_end == frac_start)
		return DEC_SYNTAX;		/* no digit */
	if (i < len && (s[i] == 'e' || s[i] == 'E'))
	{
		bool		eneg = false;
		size_t		estart;

		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
		{
			eneg = s[i] == '-';
			i++;
		}
		estart = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
		{
			if (exp10 <= AE_MAX_EXPONENT)
				exp10 = exp10 * 10 + (s[i] - '0');
			i++;
		}
		if (i == estart)
			return DEC_SYNTAX;
		if (eneg)
			exp10 = -exp10;
	}
	if (i != len)
		return DEC_SYNTAX;

	/*
	 * The digits D (int part then fraction) stand for D x 10^(exp10 -
	 * nfrac); the unscaled value is that times 10^scale.
	 */
	ndigits = (int64_t) (int_end - int_start) + (int64_t) (frac_end - frac_start);
#define DIGIT_AT(x) ((x) < (int64_t) (int_end - int_start) ? \
					 s[int_start + (x)] : s[frac_start + (x) - (int_end - int_start)])
	first = -1;
	for (k = 0; k < ndigits; k++)
		if (DIGIT_AT(k) != '0')
		{
			first = k;
			break;
		}
	if (first < 0)
	{
		/* zero, whatever its exponent */
		out[0] = 0;
		*outlen = 1;
		return DEC_OK;
	}
	if (exp10 > AE_MAX_EXPONENT || exp10 < -AE_MAX_EXPONENT)
		return exp10 > 0 ? DEC_PRECISION : DEC_SCALE;
	shift = exp10 - (int64_t) (frac_end - frac_start) + scale;
	keep = ndigits;
	if (shift < 0)
	{
		/* the digits dropped must all be zeros */
		for (k = ndigits + shift; k < ndigits; k++)
			if (k >= 0 && DIGIT_AT(k) != '0')
				return DEC_SCALE;
		keep = ndigits + shift;
		shift = 0;
		if (keep <= first)
			return DEC_SCALE;	/* cannot happen: a non-zero digit dropped */
	}
	sig = keep - first + shift;
	if (sig > limit || sig > AE_DECIMAL_MAX_DIGITS)
		return DEC_PRECISION;

	/* to base 2^32: chunks of up to 9 decimal digits */
	for (k = first; k < keep + shift; k++)
	{
		int			d = k < keep ? DIGIT_AT(k) - '0' : 0;

		chunk = chunk * 10 + (uint32_t) d;
		chunk_mult *= 10;
		if (chunk_mult == 1000000000 || k + 1 == keep + shift)
		{
			uint64_t	carry = chunk;
			int			j;

			for (j = 0; j < nlimbs; j++)
			{
				uint64_t	v = (uint64_t) limbs[j] * chunk_mult + carry;

				limbs[j] = (uint32_t) v;
				carry = v >> 32;
			}
			if (carry != 0)
				limbs[nlimbs++] = (uint32_t) carry;
			chunk = 0;
			chunk_mult = 1;
		}
	}
#undef DIGIT_AT

	/* the magnitude, big-endian, without leading zero bytes */
	for (k = nlimbs - 1; k >= 0; k--)
	{
		int			b;

		for (b = 3; b >= 0; b--)
		{
			uint8_t		byte = (uint8_t) (limbs[k] >> (8 * b));

			if (magn == 0 && byte == 0)
				continue;
			mag[magn++] = byte;
		}
	}

	if (magn == 0)
	{
		/* cannot happen (the value is not zero), but costs nothing */
		out[0] = 0;
		*outlen = 1;
		return DEC_OK;
	}

	/*
	 * Minimal two's complement: a sign byte in front when the top bit is
	 * taken, except for a negative value of exactly -2^(8n-1).
	 */
	m = 0;
	if (!neg)
	{
		if (mag[0] & 0x80)
			out[m++] = 0;
		memcpy(out + m, mag, magn);
		m += magn;
	}
	else
	{
		bool		power = mag[0] == 0x80;
		size_t		j;
		int			carry = 1;

		for (j = 1; power && j < magn; j++)
			if (mag[j] != 0)
				power = false;
		if (mag[0] > 0x80 || (mag[0] == 0x80 && !power))
			out[m++] = 0xFF;
		/* negate: invert and add one, from the last byte */
		for (j = magn; j-- > 0;)
		{
			int			v = (uint8_t) ~mag[j] + carry;

			out[m + j] = (uint8_t) v;
			carry = v >> 8;
		}
		m += magn;
	}
	*outlen = m;
	return DEC_OK;
}

static bool
put_decimal_text(Enc *e, const ENode *n, const char *s, size_t len)
{
	uint8_t		bytes[AE_DECIMAL_LIMBS * 4 + 1];
	size_t		nbytes;
	char		p[256];
	char		q[160];
	DecError	err;

	err = decimal_unscaled(s, len, n->scale, n->precision, bytes, &nbytes);
	if (err == DEC_OK && n->fixed_decimal && nbytes > (size_t) n->size)
		err = DEC_SIZE;
	switch (err)
	{
		case DEC_OK:
			break;
		case DEC_SYNTAX:
			return invalid_text(e, n, "decimal", s, len);
		case DEC_NOT_FINITE:
		case DEC_SIZE:
			return out_of_range_text(e, n, s, len);
		case DEC_SCALE:
			return efail(e, "value %s has more fraction digits than the scale of field \"%s\" (Avro %s)",
						 quote_text(q, sizeof(q), s, len), AE_PATH_TEXT(e, p), n->label);
		case DEC_PRECISION:
			return efail(e, "value %s has more digits than the precision of field \"%s\" (Avro %s)",
						 quote_text(q, sizeof(q), s, len), AE_PATH_TEXT(e, p), n->label);
	}
	if (n->fixed_decimal)
	{
		/* sign-extended to the fixed's size */
		size_t		pad = (size_t) n->size - nbytes;
		char	   *o = out_reserve(e->o, (size_t) n->size);

		memset(o, (bytes[0] & 0x80) ? 0xFF : 0x00, pad);
		memcpy(o + pad, bytes, nbytes);
		e->o->len += n->size;
	}
	else
		out_bytes(e->o, (const char *) bytes, nbytes);
	return true;
}

static bool
put_decimal_integer(Enc *e, const ENode *n, int64_t v)
{
	char		buf[24];
	int			len = snprintf(buf, sizeof(buf), "%lld", (long long) v);

	return put_decimal_text(e, n, buf, (size_t) len);
}

/* ------------------------------------------------------------------------
 * Dates and times
 * ------------------------------------------------------------------------
 */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t		era;
	int64_t		yoe;
	int64_t		doy;
	int64_t		doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
days_in_month(int64_t y, int m)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : mdays[m - 1];
}

/* n digits at s[*i] into *out; false if there are not exactly n */
static bool
fixed_digits(const char *s, size_t len, size_t *i, int n, int *out)
{
	int			v = 0;
	int			k;

	for (k = 0; k < n; k++)
	{
		if (*i + k >= len || s[*i + k] < '0' || s[*i + k] > '9')
			return false;
		v = v * 10 + (s[*i + k] - '0');
	}
	if (*i + n < len && s[*i + n] >= '0' && s[*i + n] <= '9')
		return false;
	*i += n;
	*out = v;
	return true;
}

/* YYYY-MM-DD (a year of 1 to 7 digits) at s[*i]: days since 1970. */
static bool
parse_date_part(const char *s, size_t len, size_t *i, int64_t *year, int *month,
				int *day)
{
	int64_t		y = 0;
	int			nd = 0;

	while (*i < len && s[*i] >= '0' && s[*i] <= '9' && nd < 8)
	{
		y = y * 10 + (s[*i] - '0');
		(*i)++;
		nd++;
	}
	if (nd == 0 || nd > 7 || *i >= len || s[*i] != '-')
		return false;
	(*i)++;
	if (!fixed_digits(s, len, i, 2, month) || *i >= len || s[*i] != '-')
		return false;
	(*i)++;
	if (!fixed_digits(s, len, i, 2, day))
		return false;
	*year = y;
	return true;
}

/* " BC" at s[*i], if there */
static bool
parse_bc(const char *s, size_t len, size_t *i)
{
	if (len - *i == 3 && memcmp(s + *i, " BC", 3) == 0)
	{
		*i += 3;
		return true;
	}
	return false;
}

/* A checked calendar date into days since 1970; false if there is none. */
static bool
civil_days(int64_t year, int month, int day, bool bc, int64_t *days)
{
	if (year < 1 || month < 1 || month > 12)
		return false;
	if (bc)
		year = 1 - year;		/* 1 BC is year 0 */
	if (day < 1 || day > days_in_month(year, month))
		return false;
	*days = days_from_civil(year, month, day);
	return true;
}

/*
 * HH:MM[:SS[.fraction]] at s[*i] into microseconds since midnight,
 * rounding the fraction to microseconds as PostgreSQL does; 24:00:00 is
 * the end of the day.
 */
static bool
parse_time_part(const char *s, size_t len, size_t *i, int64_t *us)
{
	int			h;
	int			mi;
	int			sec = 0;
	int64_t		frac = 0;

	if (!fixed_digits(s, len, i, 2, &h) || *i >= len || s[*i] != ':')
		return false;
	(*i)++;
	if (!fixed_digits(s, len, i, 2, &mi))
		return false;
	if (*i < len && s[*i] == ':')
	{
		(*i)++;
		if (!fixed_digits(s, len, i, 2, &sec))
			return false;
		if (*i < len && s[*i] == '.')
		{
			int			nd = 0;
			bool		round_up = false;

			(*i)++;
			while (*i < len && s[*i] >= '0' && s[*i] <= '9')
			{
				if (nd < 6)
					frac = frac * 10 + (s[*i] - '0');
				else if (nd == 6)
					round_up = s[*i] >= '5';
				nd++;
				(*i)++;
			}
			if (nd == 0)
				return false;
			while (nd < 6)
			{
				frac *= 10;
				nd++;
			}
			if (round_up)
				frac++;
		}
	}
	if (h > 24 || mi > 59 || sec > 59 ||
		(h == 24 && (mi != 0 || sec != 0 || frac != 0)))
		return false;
	*us = ((int64_t) h * 3600 + mi * 60 + sec) * 1000000 + frac;
	return true;
}

/* Z, +HH, +HH:MM, +HHMM, +HH:MM:SS at s[*i]: the offset in seconds east. */
static bool
parse_zone(const char *s, size_t len, size_t *i, int64_t *offset)
{
	int			sign;
	int			h;
	int			m = 0;
	int			sec = 0;

	if (*i < len && s[*i] == 'Z')
	{
		(*i)++;
		*offset = 0;
		return true;
	}
	if (*i >= len || (s[*i] != '+' && s[*i] != '-'))
		return false;
	sign = s[*i] == '-' ? -1 : 1;
	(*i)++;
	if (*i + 4 <= len && s[*i + 2] >= '0' && s[*i + 2] <= '9')
	{
		/* +HHMM */
		if (!fixed_digits(s, len, i, 4, &h))
			return false;
		m = h % 100;
		h /= 100;
	}
	else
	{
		if (!fixed_digits(s, len, i, 2, &h))
			return false;
		if (*i < len && s[*i] == ':')
		{
			(*i)++;
			if (!fixed_digits(s, len, i, 2, &m))
				return false;
			if (*i < len && s[*i] == ':')
			{
				(*i)++;
				if (!fixed_digits(s, len, i, 2, &sec))
					return false;
			}
		}
	}
	if (h > 15 || m > 59 || sec > 59)
		return false;
	*offset = sign * ((int64_t) h * 3600 + m * 60 + sec);
	return true;
}

/* 'YYYY-MM-DD[ BC]': days since 1970 */
static bool
parse_date_text(const char *s, size_t len, int64_t *days)
{
	size_t		i = 0;
	int64_t		y;
	int			m;
	int			d;
	bool		bc;

	if (!parse_date_part(s, len, &i, &y, &m, &d))
		return false;
	bc = parse_bc(s, len, &i);
	return i == len && civil_days(y, m, d, bc, days);
}

/* 'HH:MM[:SS[.ffffff]]': microseconds since midnight */
static bool
parse_time_text(const char *s, size_t len, int64_t *us)
{
	size_t		i = 0;

	return parse_time_part(s, len, &i, us) && i == len;
}

/*
 * ISO 8601 as to_jsonb() and timestamp_in write it: microseconds since
 * 1970-01-01 00:00 UTC (or local, where the zone is ignored).  False on bad
 * syntax, and when it does not fit int64 (then *overflow).
 */
static bool
parse_timestamp_text(const char *s, size_t len, bool local, int64_t *us,
					 bool *overflow)
{
	size_t		i = 0;
	int64_t		y;
	int			m;
	int			d;
	int64_t		days;
	int64_t		tod = 0;
	int64_t		offset = 0;
	bool		bc;
	int64_t		v;

	*overflow = false;
	if (!parse_date_part(s, len, &i, &y, &m, &d))
		return false;
	if (i < len && (s[i] == 'T' ||
					(s[i] == ' ' && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')))
	{
		i++;
		if (!parse_time_part(s, len, &i, &tod))
			return false;
		if (i < len && (s[i] == 'Z' || s[i] == '+' || s[i] == '-') &&
			!parse_zone(s, len, &i, &offset))
			return false;
	}
	bc = parse_bc(s, len, &i);
	if (i != len || !civil_days(y, m, d, bc, &days))
		return false;
	if (local)
		offset = 0;
	if (__builtin_mul_overflow(days, AE_USECS_PER_DAY, &v) ||
		__builtin_add_overflow(v, tod, &v) ||
		__builtin_sub_overflow(v, offset * 1000000, &v))
	{
		*overflow = true;
		return false;
	}
	*us = v;
	return true;
}

/* A date as days since 1970 (checked against PostgreSQL's range). */
static bool
put_date_days(Enc *e, const ENode *n, int64_t days)
{
	if (days < AE_DATE_MIN_UNIX || days >= AE_DATE_END_UNIX)
		return out_of_range_int(e, n, days);
	out_long(e->o, days);
	return true;
}

static bool
put_time_us(Enc *e, const ENode *n, int64_t us)
{
	if (us < 0 || us > AE_USECS_PER_DAY)
		return out_of_range_int(e, n, us);
	out_long(e->o, n->op == EO_TIME_MILLIS ? us / 1000 : us);
	return true;
}

static bool
put_timestamp_us(Enc *e, const ENode *n, int64_t us)
{
	if (us < AE_TIMESTAMP_MIN_UNIX_US)
		return out_of_range_int(e, n, us);
	out_long(e->o, n->op == EO_TS_MILLIS ? floor_div(us, 1000) : us);
	return true;
}

/* An integer in the unit its logical type says, into a temporal field. */
static bool
put_temporal_integer(Enc *e, const ENode *n, const MeshAvroValue *v)
{
	MeshAvroLogical lt = v->logical;
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
				return put_date_days(e, n, floor_div(v->integer, AE_USECS_PER_DAY));
			return put_date_days(e, n, v->integer);
		case EO_TIME_MILLIS:
		case EO_TIME_MICROS:
			if (is_date || is_ts)
				break;
			return put_time_us(e, n, v->integer);
		case EO_TS_MILLIS:
		case EO_TS_MICROS:
			if (is_time)
				break;
			if (is_date)
			{
				int64_t		us;

				if (__builtin_mul_overflow(v->integer, AE_USECS_PER_DAY, &us))
					return out_of_range_int(e, n, v->integer);
				return put_timestamp_us(e, n, us);
			}
			return put_timestamp_us(e, n, v->integer);
		default:
			break;
	}
	return mismatch(e, n, value_kind_name(v));
}

/* Text into a date, time or timestamp field. */
static bool
put_temporal_text(Enc *e, const ENode *n, const char *s, size_t len)
{
	int64_t		x;

	switch ((EOp) n->op)
	{
		case EO_DATE:
			if (!parse_date_text(s, len, &x))
				return invalid_text(e, n, "date", s, len);
			if (x < AE_DATE_MIN_UNIX || x >= AE_DATE_END_UNIX)
				return out_of_range_text(e, n, s, len);
			out_long(e->o, x);
			return true;
		case EO_TIME_MILLIS:
		case EO_TIME_MICROS:
			if (!parse_time_text(s, len, &x))
				return invalid_text(e, n, "time", s, len);
			out_long(e->o, n->op == EO_TIME_MILLIS ? x / 1000 : x);
			return true;
		case EO_TS_MILLIS:
		case EO_TS_MICROS:
			{
				bool		overflow;

				if (!parse_timestamp_text(s, len, n->local, &x, &overflow))
				{
					if (overflow)
						return out_of_range_text(e, n, s, len);
					return invalid_text(e, n, "timestamp", s, len);
				}
			}
			if (x < AE_TIMESTAMP_MIN_UNIX_US)
				return out_of_range_text(e, n, s, len);
			out_long(e->o, n->op == EO_TS_MILLIS ? floor_div(x, 1000) : x);
			return true;
		default:
			return mismatch(e, n, "a text");
	}
}

/* ------------------------------------------------------------------------
 * Values in the caller's terms
 * ------------------------------------------------------------------------
 */

static bool enc_value(Enc *e, const ENode *n, const MeshAvroValue *v, int depth);
static bool enc_json(Enc *e, const ENode *n, const MeshJson *j, int depth);
static bool enc_json_text(Enc *e, const ENode *n, const char *text, size_t len,
						  int depth);

static inline bool
is_json_kind(MeshAvroKind k)
{
	return k == AVRO_RECORD || k == AVRO_MAP || k == AVRO_UNION;
}

static bool
enc_union_value(Enc *e, const ENode *n, const MeshAvroValue *v, int depth)
{
	MeshBuf    *o = e->o;
	size_t		mark = o->len;
	int			npath = e->npath;
	char		p[256];
	int			i;

	bool		saved = e->exact;
	int			pass;

	if (n->only_branch >= 0)
	{
		out_long(o, n->only_branch);
		return enc_value(e, n->branches[n->only_branch], v, depth);
	}

	/*
	 * The first branch that holds the value exactly, else the first that
	 * takes it at all (rounding a number, text as bytes...).
	 */
	for (pass = saved ? 1 : 0; pass < 2; pass++)
	{
		e->exact = pass == 0 || saved;
		for (i = 0; i < n->nbranches; i++)
		{
			if (i == n->null_branch)
				continue;
			out_long(o, i);
			if (enc_value(e, n->branches[i], v, depth))
			{
				e->exact = saved;
				return true;
			}
			o->len = mark;
			e->npath = npath;
		}
	}
	e->exact = saved;
	return efail(e, "no branch of field \"%s\" (Avro %s) takes %s value",
				 AE_PATH_TEXT(e, p), n->label, value_kind_name(v));
}

static bool
enc_array_items(Enc *e, const ENode *n, const MeshAvroValue *v, int depth)
{
	char		p[256];
	int			i;

	if (!enter(e, depth + 1))
		return false;
	if (v->nitems < 0 || (v->nitems > 0 && v->items == NULL))
		return efail(e, "invalid array (%d items) for field \"%s\"",
					 v->nitems, AE_PATH_TEXT(e, p));
	if (v->nitems > 0)
	{
		out_long(e->o, v->nitems);
		for (i = 0; i < v->nitems; i++)
		{
			path_push_index(e, i);
			if (!enc_value(e, n->child, &v->items[i], depth + 1))
				return false;
			path_pop(e);
		}
	}
	out_byte(e->o, 0);
	return true;
}

/*
 * A MeshAvroValue into node n.  On failure the caller cuts the output back;
 * what was appended meanwhile does not matter.
 */
static bool
enc_value(Enc *e, const ENode *n, const MeshAvroValue *v, int depth)
{
	MeshAvroKind k = v->kind;

	if (v->is_null || k == AVRO_NULL)
		return put_null(e, n);
	if (is_json_kind(k))
		return enc_json_text(e, n, v->data, v->len, depth);
	if (n->op == EO_UNION)
		return enc_union_value(e, n, v, depth);

	switch (k)
	{
		case AVRO_BOOLEAN:
			if (n->op != EO_BOOLEAN)
				break;
			out_byte(e->o, v->boolean ? 1 : 0);
			return true;
		case AVRO_INT:
		case AVRO_LONG:
			if (n->op == EO_DATE || n->op == EO_TIME_MILLIS || n->op == EO_TIME_MICROS ||
				n->op == EO_TS_MILLIS || n->op == EO_TS_MICROS)
				return put_temporal_integer(e, n, v);
			if (v->logical == AVRO_LT_DATE || v->logical == AVRO_LT_TIME_MILLIS ||
				v->logical == AVRO_LT_TIME_MICROS ||
				v->logical == AVRO_LT_TIMESTAMP_MILLIS ||
				v->logical == AVRO_LT_TIMESTAMP_MICROS ||
				v->logical == AVRO_LT_LOCAL_TIMESTAMP_MILLIS ||
				v->logical == AVRO_LT_LOCAL_TIMESTAMP_MICROS)
				break;
			if (n->op == EO_DECIMAL)
				return put_decimal_integer(e, n, v->integer);
			return put_integer(e, n, v->integer);
		case AVRO_FLOAT:
		case AVRO_DOUBLE:
			return put_real(e, n, v->real, NULL);
		case AVRO_STRING:
		case AVRO_ENUM:
		case AVRO_BYTES:
		case AVRO_FIXED:
			{
				bool		text = k == AVRO_STRING || k == AVRO_ENUM;
				const char *d = v->data != NULL ? v->data : "";

				switch ((EOp) n->op)
				{
					case EO_STRING:
						if (e->exact && !text)
							return inexact(e, n);
						return put_string(e, n, d, v->len);
					case EO_BYTES:
						if (e->exact && text)
							return inexact(e, n);
						out_bytes(e->o, d, v->len);
						return true;
					case EO_FIXED:
						if (e->exact && text)
							return inexact(e, n);
						return put_fixed(e, n, d, v->len);
					case EO_ENUM:
						if (!text)
							break;
						return put_enum(e, n, d, v->len);
					case EO_UUID:
						if (text)
							return put_uuid_text(e, n, d, v->len);
						if (v->len != 16)
						{
							char		p[256];

							return efail(e, "a value of %zu bytes is not a uuid, for field \"%s\" (Avro uuid)",
										 v->len, AE_PATH_TEXT(e, p));
						}
						put_uuid_bytes(e, (const uint8_t *) d);
						return true;
					case EO_DECIMAL:
						if (!text)
							break;
						return put_decimal_text(e, n, d, v->len);
					case EO_DATE:
					case EO_TIME_MILLIS:
					case EO_TIME_MICROS:
					case EO_TS_MILLIS:
					case EO_TS_MICROS:
						if (!text)
							break;
						return put_temporal_text(e, n, d, v->len);
					default:
						break;
				}
				break;
			}
		case AVRO_ARRAY:
			if (n->op != EO_ARRAY)
				break;
			return enc_array_items(e, n, v, depth);
		default:
			break;
	}
	return mismatch(e, n, value_kind_name(v));
}

/* ------------------------------------------------------------------------
 * JSON values
 * ------------------------------------------------------------------------
 */

static bool
enc_json_text(Enc *e, const ENode *n, const char *text, size_t len, int depth)
{
	char		err[256];
	char		p[256];
	MeshJson   *j;
	bool		ok;

	j = mesh_json_parse(text != NULL ? text : "", text != NULL ? len : 0,
						MESH_AVRO_MAX_DEPTH, err, sizeof(err));
	if (j == NULL)
		return efail(e, "invalid JSON for field \"%s\": %s", AE_PATH_TEXT(e, p), err);
	ok = enc_json(e, n, j, depth);
	mesh_json_free(j);
	return ok;
}

static bool
json_mismatch(Enc *e, const ENode *n, const MeshJson *j)
{
	char		p[256];

	return efail(e, "a JSON %s cannot be written to field \"%s\" (Avro %s)",
				 json_type_name(j), AE_PATH_TEXT(e, p), n->label);
}

static bool
bad_hex(Enc *e, const ENode *n, const char *s, size_t len)
{
	char		p[256];
	char		q[160];

	return efail(e, "invalid bytes %s for field \"%s\" (Avro %s): expected \\x and hex digits",
				 quote_text(q, sizeof(q), s, len), AE_PATH_TEXT(e, p), n->label);
}

/* "\x0a1b" into bytes or a fixed, decoded straight into the output. */
static bool
put_hex_bytes(Enc *e, const ENode *n, const MeshJson *j)
{
	const char *s = j->string;
	size_t		len = j->string_len;
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
		out_long(e->o, (int64_t) nbytes);
	o = out_reserve(e->o, nbytes);
	for (i = 0; i < nbytes; i++)
	{
		int			hi = hex_digit((unsigned char) s[2 + 2 * i]);
		int			lo = hex_digit((unsigned char) s[3 + 2 * i]);

		if (hi < 0 || lo < 0)
			return bad_hex(e, n, s, len);
		o[i] = (char) (hi * 16 + lo);
	}
	e->o->len += nbytes;
	return true;
}

/* A JSON number with an integral value (5, 5.0, 5e2) into an int or long. */
static bool
put_json_integer(Enc *e, const ENode *n, const MeshJson *j)
{
	uint8_t		b[AE_DECIMAL_LIMBS * 4 + 1];
	size_t		nb;
	DecError	err;
	int64_t		v;
	size_t		i;
	char		p[256];

	if (j->is_integer)
		return put_integer(e, n, j->integer);
	if (j->number == NULL)
		return json_mismatch(e, n, j);
	err = decimal_unscaled(j->number, strlen(j->number), 0, 19, b, &nb);
	if (err == DEC_SCALE)
		return efail(e, "value %s is not an integer, for field \"%s\" (Avro %s)",
					 j->number, AE_PATH_TEXT(e, p), n->label);
	if (err != DEC_OK || nb > 8)
		return out_of_range_number(e, n, j->number);
	v = (b[0] & 0x80) ? -1 : 0;
	for (i = 0; i < nb; i++)
		v = (int64_t) (((uint64_t) v << 8) | b[i]);
	return put_integer(e, n, v);
}

static bool
put_json_real(Enc *e, const ENode *n, const MeshJson *j)
{
	if (j->type == MJ_STRING)
	{
		double		x;

		if (strcmp(j->string, "NaN") == 0)
			x = NAN;
		else if (strcmp(j->string, "Infinity") == 0)
			x = INFINITY;
		else if (strcmp(j->string, "-Infinity") == 0)
			x = -INFINITY;
		else
			return json_mismatch(e, n, j);
		if (n->op == EO_FLOAT)
			out_float(e->o, (float) x);
		else
			out_double(e->o, x);
		return true;
	}
	if (j->is_integer)
		return put_integer(e, n, j->integer);
	if (n->op == EO_FLOAT && j->number != NULL)
	{
		/* straight from the text: through double could round twice */
		float		f = strtof(j->number, NULL);

		if (isinf(f))
			return out_of_range_number(e, n, j->number);
		if (e->exact && (double) f != mesh_json_real(j))
			return inexact(e, n);
		out_float(e->o, f);
		return true;
	}
	if (isinf(mesh_json_real(j)))
		return out_of_range_number(e, n, j->number ? j->number : "?");
	return put_real(e, n, mesh_json_real(j), j->number);
}

static bool
enc_json_union(Enc *e, const ENode *n, const MeshJson *j, int depth)
{
	MeshBuf    *o = e->o;
	size_t		mark = o->len;
	int			npath = e->npath;
	char		p[256];
	int			i;

	bool		saved = e->exact;
	int			pass;

	if (n->only_branch >= 0)
	{
		out_long(o, n->only_branch);
		return enc_json(e, n->branches[n->only_branch], j, depth);
	}
	/* exactly first, then at all, as for values */
	for (pass = saved ? 1 : 0; pass < 2; pass++)
	{
		e->exact = pass == 0 || saved;
		for (i = 0; i < n->nbranches; i++)
		{
			if (i == n->null_branch)
				continue;
			out_long(o, i);
			if (enc_json(e, n->branches[i], j, depth))
			{
				e->exact = saved;
				return true;
			}
			o->len = mark;
			e->npath = npath;
		}
	}
	e->exact = saved;
	return efail(e, "no branch of field \"%s\" (Avro %s) takes the JSON %s",
				 AE_PATH_TEXT(e, p), n->label, json_type_name(j));
}

/* The field of record node n a JSON member names: by name, else alias. */
static int
find_field(const ENode *n, const char *name)
{
	int			i;
	int			a;

	for (i = 0; i < n->nfields; i++)
		if (strcmp(n->fields[i].field->name, name) == 0)
			return i;
	for (i = 0; i < n->nfields; i++)
		for (a = 0; a < n->fields[i].field->naliases; a++)
			if (strcmp(n->fields[i].field->aliases[a], name) == 0)
				return i;
	return -1;
}

static bool
enc_json_record(Enc *e, const ENode *n, const MeshJson *j, int depth)
{
	int			local[64];
	int		   *member;			/* field -> member index, or -1 */
	char		p[256];
	char		q[160];
	bool		ok = false;
	int			i;

	if (!enter(e, depth + 1))
		return false;
	member = n->nfields <= 64 ? local : mesh_alloc(n->nfields * sizeof(int));
	for (i = 0; i < n->nfields; i++)
		member[i] = -1;
	for (i = 0; i < j->count; i++)
	{
		int			f = find_field(n, j->keys[i]);

		if (f < 0)
		{
			efail(e, "unknown member %s in field \"%s\" (Avro %s)",
				  quote_text(q, sizeof(q), j->keys[i], strlen(j->keys[i])),
				  AE_PATH_TEXT(e, p), n->label);
			goto done;
		}
		if (member[f] >= 0)
		{
			path_push_name(e, n->fields[f].field->name, strlen(n->fields[f].field->name));
			efail(e, "field \"%s\" is given twice (by its name and an alias)", AE_PATH_TEXT(e, p));
			path_pop(e);
			goto done;
		}
		member[f] = i;
	}
	for (i = 0; i < n->nfields; i++)
	{
		const EField *f = &n->fields[i];

		path_push_name(e, f->field->name, strlen(f->field->name));
		if (member[i] >= 0)
		{
			if (!enc_json(e, f->node, j->items[member[i]], depth + 1))
				goto done;
		}
		else if (f->has_fill)
			out_raw(e->o, f->fill, f->fill_len);
		else
		{
			efail(e, "field \"%s\" is missing and has no default", AE_PATH_TEXT(e, p));
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

static bool
enc_json(Enc *e, const ENode *n, const MeshJson *j, int depth)
{
	int			i;

	if (j->type == MJ_NULL)
		return put_null(e, n);
	if (n->op == EO_UNION)
		return enc_json_union(e, n, j, depth);

	switch ((EOp) n->op)
	{
		case EO_NULL:
			break;
		case EO_BOOLEAN:
			if (j->type != MJ_BOOL)
				break;
			out_byte(e->o, j->boolean ? 1 : 0);
			return true;
		case EO_INT:
		case EO_LONG:
			if (j->type != MJ_NUMBER)
				break;
			return put_json_integer(e, n, j);
		case EO_FLOAT:
		case EO_DOUBLE:
			if (j->type != MJ_NUMBER && j->type != MJ_STRING)
				break;
			return put_json_real(e, n, j);
		case EO_STRING:
			if (j->type != MJ_STRING)
				break;
			/* the parser let through only valid UTF-8 without NUL */
			out_bytes(e->o, j->string, j->string_len);
			return true;
		case EO_BYTES:
		case EO_FIXED:
			if (j->type != MJ_STRING)
				break;
			return put_hex_bytes(e, n, j);
		case EO_ENUM:
			if (j->type != MJ_STRING)
				break;
			return put_enum(e, n, j->string, j->string_len);
		case EO_UUID:
			if (j->type != MJ_STRING)
				break;
			return put_uuid_text(e, n, j->string, j->string_len);
		case EO_DECIMAL:
			if (j->type == MJ_NUMBER && j->number != NULL)
				return put_decimal_text(e, n, j->number, strlen(j->number));
			if (j->type != MJ_STRING)
				break;
			return put_decimal_text(e, n, j->string, j->string_len);
		case EO_DATE:
		case EO_TIME_MILLIS:
		case EO_TIME_MICROS:
		case EO_TS_MILLIS:
		case EO_TS_MICROS:
			if (j->type != MJ_STRING)
				break;
			return put_temporal_text(e, n, j->string, j->string_len);
		case EO_ARRAY:
			if (j->type != MJ_ARRAY)
				break;
			if (!enter(e, depth + 1))
				return false;
			if (j->count > 0)
			{
				out_long(e->o, j->count);
				for (i = 0; i < j->count; i++)
				{
					path_push_index(e, i);
					if (!enc_json(e, n->child, j->items[i], depth + 1))
						return false;
					path_pop(e);
				}
			}
			out_byte(e->o, 0);
			return true;
		case EO_MAP:
			if (j->type != MJ_OBJECT)
				break;
			if (!enter(e, depth + 1))
				return false;
			if (j->count > 0)
			{
				out_long(e->o, j->count);
				for (i = 0; i < j->count; i++)
				{
					size_t		klen = strlen(j->keys[i]);

					out_bytes(e->o, j->keys[i], klen);
					path_push_name(e, j->keys[i], klen);
					if (!enc_json(e, n->child, j->items[i], depth + 1))
						return false;
					path_pop(e);
				}
			}
			out_byte(e->o, 0);
			return true;
		case EO_RECORD:
			if (j->type != MJ_OBJECT)
				break;
			return enc_json_record(e, n, j, depth);
		case EO_UNION:
			break;				/* handled above */
	}
	return json_mismatch(e, n, j);
}

/* ------------------------------------------------------------------------
 * Compiling
 * ------------------------------------------------------------------------
 */

/* Record nodes made so far, by type. */
typedef struct Memo
{
	const MeshAvroType *type;
	ENode	   *node;
} Memo;

typedef struct ECompiler
{
	Memo	   *memo;			/* open addressing, a power of 2 */
	size_t		memo_cap;
	size_t		nmemo;
	int			depth;
	ENode	   *records;		/* every record node, for the fill pass */
	char		why[512];
} ECompiler;

static void cfail(ECompiler *c, const char *fmt,...)
			__attribute__((format(AE_PRINTF_ARCHETYPE, 2, 3)));

static void
cfail(ECompiler *c, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	clip_utf8(c->why);
}

static size_t
memo_hash(const MeshAvroType *t)
{
	uint64_t	h = (uint64_t) (uintptr_t) t * UINT64_C(0x9E3779B97F4A7C15);

	return (size_t) (h ^ (h >> 29));
}

static ENode *
memo_get(ECompiler *c, const MeshAvroType *t)
{
	size_t		h;

	if (c->memo_cap == 0)
		return NULL;
	h = memo_hash(t) & (c->memo_cap - 1);
	while (c->memo[h].node != NULL)
	{
		if (c->memo[h].type == t)
			return c->memo[h].node;
		h = (h + 1) & (c->memo_cap - 1);
	}
	return NULL;
}

static void
memo_put(ECompiler *c, const MeshAvroType *t, ENode *node)
{
	size_t		h;

	if (2 * (c->nmemo + 1) > c->memo_cap)
	{
		Memo	   *old = c->memo;
		size_t		oldcap = c->memo_cap;
		size_t		i;

		c->memo_cap = oldcap > 0 ? oldcap * 2 : 32;
		c->memo = mesh_alloc(c->memo_cap * sizeof(Memo));
		c->nmemo = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i].node != NULL)
				memo_put(c, old[i].type, old[i].node);
		mesh_free(old);
	}
	h = memo_hash(t) & (c->memo_cap - 1);
	while (c->memo[h].node != NULL)
		h = (h + 1) & (c->memo_cap - 1);
	c->memo[h].type = t;
	c->memo[h].node = node;
	c->nmemo++;
}

/* How errors name a type. */
static const char *
make_label(const ENode *n)
{
	const MeshAvroType *t = n->type;

	switch (t->logical)
	{
		case AVRO_LT_DECIMAL:
			return ae_printf("decimal(%d,%d)", t->precision, t->scale);
		case AVRO_LT_UUID:
			return "uuid";
		case AVRO_LT_DATE:
			return "date";
		case AVRO_LT_TIME_MILLIS:
			return "time-millis";
		case AVRO_LT_TIME_MICROS:
			return "time-micros";
		case AVRO_LT_TIMESTAMP_MILLIS:
			return "timestamp-millis";
		case AVRO_LT_TIMESTAMP_MICROS:
			return "timestamp-micros";
		case AVRO_LT_LOCAL_TIMESTAMP_MILLIS:
			return "local-timestamp-millis";
		case AVRO_LT_LOCAL_TIMESTAMP_MICROS:
			return "local-timestamp-micros";
		default:
			break;
	}
	switch (t->kind)
	{
		case AVRO_RECORD:
		case AVRO_ENUM:
			return ae_printf("%s \"%s\"", mesh_avro_kind_name(t->kind), t->fullname);
		case AVRO_FIXED:
			return ae_printf("fixed \"%s\" of %d bytes", t->fullname, t->size);
		case AVRO_UNION:
			{
				MeshBuf		b;
				int			i;

				memset(&b, 0, sizeof(b));
				mesh_buf_append_str(&b, "union [");
				for (i = 0; i < n->nbranches; i++)
				{
					if (i > 0)
						mesh_buf_append_str(&b, ", ");
					mesh_buf_append_str(&b, n->branches[i]->label);
				}
				mesh_buf_append_char(&b, ']');
				return b.data;
			}
		default:
			return mesh_avro_kind_name(t->kind);
	}
}

static ENode *
compile_node(ECompiler *c, const MeshAvroType *t)
{
	ENode	   *n;
	int			i;

	if (t->kind == AVRO_RECORD && (n = memo_get(c, t)) != NULL)
		return n;				/* done, or in progress: a recursive use */
	if (c->depth >= AE_MAX_COMPILE_DEPTH)
	{
		cfail(c, "schema nests deeper than %d levels", AE_MAX_COMPILE_DEPTH);
		return NULL;
	}
	c->depth++;

	n = mesh_alloc(sizeof(ENode));
	n->type = t;
	n->null_branch = -1;
	n->only_branch = -1;
	switch (t->kind)
	{
		case AVRO_NULL:
			n->op = EO_NULL;
			break;
		case AVRO_BOOLEAN:
			n->op = EO_BOOLEAN;
			break;
		case AVRO_INT:
			n->op = t->logical == AVRO_LT_DATE ? EO_DATE :
				t->logical == AVRO_LT_TIME_MILLIS ? EO_TIME_MILLIS : EO_INT;
			break;
		case AVRO_LONG:
			switch (t->logical)
			{
				case AVRO_LT_TIME_MICROS:
					n->op = EO_TIME_MICROS;
					break;
				case AVRO_LT_TIMESTAMP_MILLIS:
					n->op = EO_TS_MILLIS;
					break;
				case AVRO_LT_TIMESTAMP_MICROS:
					n->op = EO_TS_MICROS;
					break;
				case AVRO_LT_LOCAL_TIMESTAMP_MILLIS:
					n->op = EO_TS_MILLIS;
					n->local = true;
					break;
				case AVRO_LT_LOCAL_TIMESTAMP_MICROS:
					n->op = EO_TS_MICROS;
					n->local = true;
					break;
				default:
					n->op = EO_LONG;
					break;
			}
			break;
		case AVRO_FLOAT:
			n->op = EO_FLOAT;
			break;
		case AVRO_DOUBLE:
			n->op = EO_DOUBLE;
			break;
		case AVRO_STRING:
			n->op = t->logical == AVRO_LT_UUID ? EO_UUID : EO_STRING;
			break;
		case AVRO_BYTES:
		case AVRO_FIXED:
			n->size = t->size;
			if (t->logical == AVRO_LT_DECIMAL)
			{
				n->op = EO_DECIMAL;
				n->fixed_decimal = t->kind == AVRO_FIXED;
				n->precision = t->precision;
				n->scale = t->scale;
			}
			else
				n->op = t->kind == AVRO_FIXED ? EO_FIXED : EO_BYTES;
			break;
		case AVRO_ENUM:
			n->op = EO_ENUM;
			n->nsymbols = t->nsymbols;
			n->symbols = t->symbols;
			n->symbol_lens = mesh_alloc((t->nsymbols > 0 ? t->nsymbols : 1) * sizeof(size_t));
			for (i = 0; i < t->nsymbols; i++)
				n->symbol_lens[i] = strlen(t->symbols[i]);
			break;
		case AVRO_ARRAY:
		case AVRO_MAP:
			n->op = t->kind == AVRO_ARRAY ? EO_ARRAY : EO_MAP;
			n->child = compile_node(c, t->kind == AVRO_ARRAY ? t->items : t->values);
			if (n->child == NULL)
				n = NULL;
			break;
		case AVRO_UNION:
			{
				int			nonnull = 0;

				n->op = EO_UNION;
				n->nbranches = t->nbranches;
				n->branches = mesh_alloc((t->nbranches > 0 ? t->nbranches : 1) * sizeof(ENode *));
				for (i = 0; i < t->nbranches && n != NULL; i++)
				{
					n->branches[i] = compile_node(c, t->branches[i]);
					if (n->branches[i] == NULL)
						n = NULL;
					else if (t->branches[i]->kind == AVRO_NULL)
						n->null_branch = i;
					else
					{
						nonnull++;
						n->only_branch = i;
					}
				}
				if (n != NULL && nonnull != 1)
					n->only_branch = -1;
				break;
			}
		case AVRO_RECORD:
			n->op = EO_RECORD;
			n->label = make_label(n);
			memo_put(c, t, n);
			n->next_record = c->records;
			c->records = n;
			n->nfields = t->nfields;
			n->fields = mesh_alloc((t->nfields > 0 ? t->nfields : 1) * sizeof(EField));
			for (i = 0; i < t->nfields; i++)
			{
				n->fields[i].field = &t->fields[i];
				n->fields[i].node = compile_node(c, t->fields[i].type);
				if (n->fields[i].node == NULL)
				{
					n = NULL;
					break;
				}
			}
			break;
	}
	if (n != NULL && n->label == NULL)
		n->label = make_label(n);
	c->depth--;
	return n;
}

/*
 * Bytes for a field default (the Avro specification's JSON encoding of a
 * value of the field's type, logical types as their underlying type).
 * The schema parser checked it; this still fails cleanly if it is not.
 */
static bool
enc_default(ECompiler *c, const ENode *n, const MeshJson *j, int depth, MeshBuf *o)
{
	const MeshAvroType *t = n->type;
	int			i;

	if (depth > AE_MAX_DEFAULT_DEPTH)
	{
		cfail(c, "default nests deeper than %d levels", AE_MAX_DEFAULT_DEPTH);
		return false;
	}
	switch (t->kind)
	{
		case AVRO_NULL:
			if (j->type != MJ_NULL)
				break;
			return true;
		case AVRO_BOOLEAN:
			if (j->type != MJ_BOOL)
				break;
			out_byte(o, j->boolean ? 1 : 0);
			return true;
		case AVRO_INT:
		case AVRO_LONG:
			if (j->type != MJ_NUMBER || !j->is_integer ||
				(t->kind == AVRO_INT && (j->integer < INT32_MIN || j->integer > INT32_MAX)))
				break;
			out_long(o, j->integer);
			return true;
		case AVRO_FLOAT:
			if (j->type != MJ_NUMBER)
				break;
			out_float(o, j->number != NULL ? strtof(j->number, NULL) : (float) mesh_json_real(j));
			return true;
		case AVRO_DOUBLE:
			if (j->type != MJ_NUMBER)
				break;
			out_double(o, mesh_json_real(j));
			return true;
		case AVRO_STRING:
			if (j->type != MJ_STRING)
				break;
			out_bytes(o, j->string, j->string_len);
			return true;
		case AVRO_BYTES:
		case AVRO_FIXED:
			{
				/* each code point U+0000..U+00FF is one byte */
				const unsigned char *s = (const unsigned char *) j->string;
				char	   *bytes;
				size_t		nb = 0;
				size_t		k = 0;

				if (j->type != MJ_STRING)
					break;
				bytes = mesh_alloc(j->string_len + 1);
				while (k < j->string_len)
				{
					if (s[k] < 0x80)
						bytes[nb++] = (char) s[k++];
					else if ((s[k] == 0xC2 || s[k] == 0xC3) && k + 1 < j->string_len)
					{
						bytes[nb++] = (char) (((s[k] & 0x1F) << 6) | (s[k + 1] & 0x3F));
						k += 2;
					}
					else
					{
						mesh_free(bytes);
						cfail(c, "a %s default may hold only characters U+0000 to U+00FF",
							  mesh_avro_kind_name(t->kind));
						return false;
					}
				}
				if (t->kind == AVRO_FIXED && nb != (size_t) t->size)
				{
					mesh_free(bytes);
					break;
				}
				if (t->kind == AVRO_BYTES)
					out_long(o, (int64_t) nb);
				out_raw(o, bytes, nb);
				mesh_free(bytes);
				return true;
			}
		case AVRO_ENUM:
			if (j->type != MJ_STRING)
				break;
			for (i = 0; i < n->nsymbols; i++)
				if (strcmp(n->symbols[i], j->string) == 0)
				{
					out_long(o, i);
					return true;
				}
			break;
		case AVRO_ARRAY:
			if (j->type != MJ_ARRAY)
				break;
			if (j->count > 0)
			{
				out_long(o, j->count);
				for (i = 0; i < j->count; i++)
					if (!enc_default(c, n->child, j->items[i], depth + 1, o))
						return false;
			}
			out_byte(o, 0);
			return true;
		case AVRO_MAP:
			if (j->type != MJ_OBJECT)
				break;
			if (j->count > 0)
			{
				out_long(o, j->count);
				for (i = 0; i < j->count; i++)
				{
					out_bytes(o, j->keys[i], strlen(j->keys[i]));
					if (!enc_default(c, n->child, j->items[i], depth + 1, o))
						return false;
				}
			}
			out_byte(o, 0);
			return true;
		case AVRO_RECORD:
			if (j->type != MJ_OBJECT)
				break;
			for (i = 0; i < n->nfields; i++)
			{
				const MeshAvroField *f = n->fields[i].field;
				const MeshJson *m = mesh_json_get(j, f->name);

				if (m == NULL)
					m = f->default_value;
				if (m == NULL)
				{
					cfail(c, "default lacks field \"%s\" of record \"%s\", which has no default",
						  f->name, t->fullname);
					return false;
				}
				if (!enc_default(c, n->fields[i].node, m, depth + 1, o))
					return false;
			}
			return true;
		case AVRO_UNION:
			/* a union's default is a value of its first branch */
			if (n->nbranches == 0)
				break;
			out_long(o, 0);
			return enc_default(c, n->branches[0], j, depth, o);
	}
	cfail(c, "default does not match its type %s", n->label);
	return false;
}

/* What a field takes when left out: its default, else null if it can. */
static bool
compute_fill(ECompiler *c, EField *f, const MeshAvroType *record)
{
	const ENode *n = f->node;

	if (f->field->default_value != NULL)
	{
		MeshBuf		b;

		memset(&b, 0, sizeof(b));
		out_reserve(&b, 0);
		if (!enc_default(c, n, f->field->default_value, 0, &b))
		{
			char		tmp[sizeof(c->why)];

			memcpy(tmp, c->why, sizeof(tmp));
			cfail(c, "field \"%s\" of record \"%s\": invalid default: %s",
				  f->field->name, record->fullname, tmp);
			return false;
		}
		f->has_fill = true;
		f->fill = b.data;
		f->fill_len = b.len;
	}
	else if (n->op == EO_NULL)
	{
		f->has_fill = true;
		f->fill = "";
		f->fill_len = 0;
	}
	else if (n->op == EO_UNION && n->null_branch >= 0)
	{
		char	   *b = mesh_alloc(1);

		b[0] = index_byte(n->null_branch);
		f->has_fill = true;
		f->fill = b;
		f->fill_len = 1;
	}
	return true;
}

/* The fast path of the top-level loop for a field's node. */
static void
choose_fast(EStep *s, const ENode *n)
{
	s->fast = FAST_GENERIC;
	if (n->op == EO_UNION && n->only_branch >= 0 && n->null_branch >= 0 &&
		n->nbranches == 2)
	{
		s->nullable = true;
		s->null_byte = index_byte(n->null_branch);
		s->value_byte = index_byte(n->only_branch);
		n = n->branches[n->only_branch];
	}
	switch ((EOp) n->op)
	{
		case EO_INT:
			s->fast = FAST_INT;
			break;
		case EO_LONG:
			s->fast = FAST_LONG;
			break;
		case EO_FLOAT:
			s->fast = FAST_FLOAT;
			break;
		case EO_DOUBLE:
			s->fast = FAST_DOUBLE;
			break;
		case EO_STRING:
			s->fast = FAST_STRING;
			break;
		case EO_TS_MICROS:
			s->fast = FAST_TS_MICROS;
			break;
		case EO_TS_MILLIS:
			s->fast = FAST_TS_MILLIS;
			break;
		default:
			s->nullable = false;
			break;
	}
}

/*
 * The most bytes a step writes if that is bounded by the schema alone (an
 * integer, a real, a fill), else 0.
 */
static size_t
step_fixed_size(const EStep *s)
{
	size_t		index = s->nullable ? 1 : 0;

	if (s->json)
		return 0;
	switch ((EFast) s->fast)
	{
		case FAST_FILL:
			return s->fill_len;
		case FAST_INT:
		case FAST_LONG:
		case FAST_TS_MICROS:
		case FAST_TS_MILLIS:
			return index + 10;
		case FAST_FLOAT:
			return index + 4;
		case FAST_DOUBLE:
			return index + 8;
		default:
			return 0;
	}
}

/* Whether a slot provides field f: by name, the field's or the slot's aliases. */
static bool
slot_matches(const MeshAvroSlot *slot, const MeshAvroField *f, int pass)
{
	int			a;

	if (pass == 0)
		return strcmp(slot->name, f->name) == 0;
	for (a = 0; a < f->naliases; a++)
		if (strcmp(f->aliases[a], slot->name) == 0)
			return true;
	for (a = 0; a < slot->naliases; a++)
		if (slot->aliases[a] != NULL && strcmp(slot->aliases[a], f->name) == 0)
			return true;
	return false;
}

MeshAvroEncoder *
mesh_avro_encoder_create(const MeshAvroType *schema, const MeshAvroTarget *source,
						 char *errbuf, size_t errlen)
{
	MeshAvroEncoder *enc;
	ECompiler	c;
	ENode	   *root;
	ENode	   *r;
	int		   *slot_of;		/* field -> slot, or -1 */
	int			nslots = source != NULL ? source->nslots : 0;
	int			s;
	int			i;
	int			pass;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (schema == NULL || nslots < 0 || (nslots > 0 && source->slots == NULL))
	{
		set_error(errbuf, errlen, "no schema or no source");
		return NULL;
	}
	if (schema->kind != AVRO_RECORD)
	{
		set_error(errbuf, errlen, "the schema is not a record but %s",
				  mesh_avro_kind_name(schema->kind));
		return NULL;
	}

	memset(&c, 0, sizeof(c));
	root = compile_node(&c, schema);
	if (root == NULL)
	{
		set_error(errbuf, errlen, "%s", c.why);
		mesh_free(c.memo);
		return NULL;
	}
	/* every field's fill, now that every node is complete */
	for (r = c.records; r != NULL; r = r->next_record)
		for (i = 0; i < r->nfields; i++)
			if (!compute_fill(&c, &r->fields[i], r->type))
			{
				set_error(errbuf, errlen, "%s", c.why);
				mesh_free(c.memo);
				return NULL;
			}
	mesh_free(c.memo);

	/* slots to fields: all by name first, then by aliases */
	slot_of = mesh_alloc((root->nfields > 0 ? root->nfields : 1) * sizeof(int));
	for (i = 0; i < root->nfields; i++)
		slot_of[i] = -1;
	for (s = 0; s < nslots; s++)
	{
		const MeshAvroSlot *slot = &source->slots[s];
		int			found = -1;

		if (slot->name == NULL)
		{
			set_error(errbuf, errlen, "slot %d has no name", s);
			return NULL;
		}
		if (!slot->needed)
			continue;
		for (pass = 0; pass < 2 && found < 0; pass++)
			for (i = 0; i < root->nfields; i++)
				if (slot_matches(slot, root->fields[i].field, pass))
				{
					found = i;
					break;
				}
		if (found < 0)
		{
			set_error(errbuf, errlen, "record \"%s\" has no field \"%s\"",
					  schema->fullname, slot->name);
			return NULL;
		}
		if (slot_of[found] >= 0)
		{
			set_error(errbuf, errlen, "field \"%s\" of record \"%s\" is given twice (by \"%s\" and \"%s\")",
					  root->fields[found].field->name, schema->fullname,
					  source->slots[slot_of[found]].name, slot->name);
			return NULL;
		}
		slot_of[found] = s;
	}

	enc = mesh_alloc(sizeof(MeshAvroEncoder));
	enc->schema = schema;
	enc->nslots = nslots;
	enc->steps = mesh_alloc((root->nfields > 0 ? root->nfields : 1) * sizeof(EStep));
	for (i = 0; i < root->nfields; i++)
	{
		const EField *f = &root->fields[i];
		EStep	   *st;

		if (slot_of[i] < 0)
		{
			if (!f->has_fill)
			{
				set_error(errbuf, errlen, "field \"%s\" of record \"%s\" has no default and is not nullable, so it needs a value",
						  f->field->name, schema->fullname);
				return NULL;
			}
			if (f->fill_len == 0)
				continue;
			/* consecutive fills are one copy */
			if (enc->nsteps > 0 && enc->steps[enc->nsteps - 1].fast == FAST_FILL)
			{
				EStep	   *prev = &enc->steps[enc->nsteps - 1];
				char	   *joined = mesh_alloc(prev->fill_len + f->fill_len);

				memcpy(joined, prev->fill, prev->fill_len);
				memcpy(joined + prev->fill_len, f->fill, f->fill_len);
				prev->fill = joined;
				prev->fill_len += f->fill_len;
				continue;
			}
			st = &enc->steps[enc->nsteps++];
			st->fast = FAST_FILL;
			st->slot = -1;
			st->name = f->field->name;
			st->fill = f->fill;
			st->fill_len = f->fill_len;
			continue;
		}
		st = &enc->steps[enc->nsteps++];
		st->slot = slot_of[i];
		st->name = f->field->name;
		st->node = f->node;
		st->json = source->slots[slot_of[i]].shape == MESH_SHAPE_JSON;
		choose_fast(st, f->node);
	}
	mesh_free(slot_of);

	/*
	 * The fixed-size steps (integers, reals, fills) write without checking
	 * for room: a row starts by reserving what those before the first
	 * variable-size step take, and each variable-size step reserves, after
	 * itself, what those up to the next one take.
	 */
	{
		size_t		room = 0;

		for (i = enc->nsteps - 1; i >= 0; i--)
		{
			EStep	   *st = &enc->steps[i];
			size_t		fixed = step_fixed_size(st);

			st->room_after = room;
			if (fixed == 0)
				room = 0;		/* variable-size: reserves for itself */
			else
				room += fixed;
		}
		enc->room_first = room;
	}
	return enc;
}

/* ------------------------------------------------------------------------
 * Encoding a row
 * ------------------------------------------------------------------------
 */

/*
 * The usual columns without a call: true when done, false to take the
 * generic path (which also reports any error), having appended nothing.
 * Integers and reals write without checking for room: the caller reserved
 * it (see room_after).
 */
static inline bool
encode_fast(MeshBuf *o, const EStep *s, const MeshAvroValue *v)
{
	char	   *p;
	char	   *start;

	if (v->is_null)
	{
		if (!s->nullable)
			return false;
		if (s->fast == FAST_STRING)
			out_reserve(o, 1 + s->room_after);
		o->data[o->len++] = s->null_byte;
		return true;
	}
	switch ((EFast) s->fast)
	{
		case FAST_INT:
		case FAST_LONG:
			if ((v->kind != AVRO_LONG && v->kind != AVRO_INT) || v->logical != AVRO_LT_NONE)
				return false;
			if (s->fast == FAST_INT && (v->integer < INT32_MIN || v->integer > INT32_MAX))
				return false;
			break;
		case FAST_TS_MICROS:
		case FAST_TS_MILLIS:
			if ((v->kind != AVRO_LONG && v->kind != AVRO_INT) ||
				v->logical == AVRO_LT_DATE || v->logical == AVRO_LT_TIME_MILLIS ||
				v->logical == AVRO_LT_TIME_MICROS ||
				v->integer < AE_TIMESTAMP_MIN_UNIX_US)
				return false;
			break;
		case FAST_DOUBLE:
			{
				uint64_t	u;

				if (v->kind != AVRO_DOUBLE && v->kind != AVRO_FLOAT)
					return false;
				p = o->data + o->len;
				if (s->nullable)
					*p++ = s->value_byte;
				memcpy(&u, &v->real, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
				u = __builtin_bswap64(u);
#endif
				memcpy(p, &u, 8);
				o->len += s->nullable ? 9 : 8;
				return true;
			}
		case FAST_FLOAT:
			{
				float		f;
				uint32_t	u;

				if (v->kind != AVRO_DOUBLE && v->kind != AVRO_FLOAT)
					return false;
				f = (float) v->real;
				if (isinf(f) && !isinf(v->real))
					return false;
				p = o->data + o->len;
				if (s->nullable)
					*p++ = s->value_byte;
				memcpy(&u, &f, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
				u = __builtin_bswap32(u);
#endif
				memcpy(p, &u, 4);
				o->len += s->nullable ? 5 : 4;
				return true;
			}
		case FAST_STRING:
			if (v->kind != AVRO_STRING ||
				utf8_invalid_at((const unsigned char *) v->data, v->len) != v->len)
				return false;
			/* its own room, and that of the fixed-size steps after it */
			p = out_reserve(o, v->len + 11 + s->room_after);
			start = p;
			if (s->nullable)
				*p++ = s->value_byte;
			if (AE_LIKELY(v->len < 64))
				*p++ = (char) (v->len * 2);		/* a one-byte length */
			else
			{
				uint64_t	u = (uint64_t) v->len << 1;

				while (u >= 0x80)
				{
					*p++ = (char) (u | 0x80);
					u >>= 7;
				}
				*p++ = (char) u;
			}
			if (v->len > 0)
				memcpy(p, v->data, v->len);
			o->len += (p - start) + v->len;
			return true;
		default:
			return false;
	}
	/* the integers */
	{
		int64_t		x = s->fast == FAST_TS_MILLIS ? floor_div(v->integer, 1000) : v->integer;
		uint64_t	u = ((uint64_t) x << 1) ^ (uint64_t) (x >> 63);

		p = o->data + o->len;
		start = p;
		if (s->nullable)
			*p++ = s->value_byte;
		while (u >= 0x80)
		{
			*p++ = (char) (u | 0x80);
			u >>= 7;
		}
		*p++ = (char) u;
		o->len += p - start;
	}
	return true;
}

bool
mesh_avro_encode(MeshAvroEncoder *encoder, const MeshAvroValue *values,
				 MeshBuf *out, char *errbuf, size_t errlen)
{
	size_t		start = out->len;
	Enc			e;
	int			i;

	e.o = out;
	e.errbuf = errbuf;
	e.errlen = errlen;
	e.exact = false;
	e.npath = 0;
	out_reserve(out, encoder->room_first);
	for (i = 0; i < encoder->nsteps; i++)
	{
		const EStep *s = &encoder->steps[i];
		const MeshAvroValue *v;
		bool		ok;

		if (s->fast == FAST_FILL)
		{
			/* reserved */
			memcpy(out->data + out->len, s->fill, s->fill_len);
			out->len += s->fill_len;
			continue;
		}
		v = &values[s->slot];
		if (s->fast != FAST_GENERIC && !s->json && encode_fast(out, s, v))
			continue;
		e.npath = 0;
		path_push_name(&e, s->name, strlen(s->name));
		if (s->json && !v->is_null)
			ok = enc_json_text(&e, s->node, v->data, v->len, 1);
		else
			ok = enc_value(&e, s->node, v, 1);
		if (!ok)
		{
			out->len = start;
			if (out->data != NULL)
				out->data[start] = '\0';
			return false;
		}
		/* the room of the fixed-size steps that follow */
		out_reserve(out, s->room_after);
	}
	/* the MeshBuf's promise: NUL-terminated (out_reserve left room) */
	out->data[out->len] = '\0';
	return true;
}
