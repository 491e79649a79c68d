/*-------------------------------------------------------------------------
 *
 * avro_decode.c
 *		  Avro binary decoding (specification 1.11) with schema resolution,
 *		  compiled once per (writer schema, target) into a program of nodes.
 *
 * This is the hot path of every scan of an Avro topic, and it reads bytes
 * that anyone with write access to a topic can craft, so it is built to be
 * fast and to fail cleanly:
 *
 * - mesh_avro_compile resolves the writer's schema against the target once
 *	 (field matching, aliases, promotions, enum symbol tables, union branch
 *	 choices, defaults rendered in advance) into a graph of DNodes; decoding
 *	 a message only follows it.  The top-level record is a flat list of
 *	 steps, with inline fast paths for the usual columns (int, long, float,
 *	 double, string, timestamps) and for skipping fields.  A record node is
 *	 shared by every use of the same (writer record, reader record, mode),
 *	 which is also what makes recursive schemas finite graphs.
 * - Every read is bounds-checked against the end of the message; lengths
 *	 and block counts are checked against the bytes left before anything is
 *	 done with them, so a corrupt length never allocates or loops.  Items
 *	 that take no bytes at all (null, fixed(0), records of such) are charged
 *	 to a per-message budget, so "array of null, count 2^62" fails at once.
 *	 Nesting is limited to MESH_AVRO_MAX_DEPTH records, arrays and maps.
 * - Skipping (writer fields the reader lacks, slots that are not needed)
 *	 validates the encoding fully (varints, lengths, union and enum
 *	 indexes, booleans, block sizes) but checks strings for bounds only:
 *	 UTF-8 is validated only for strings that are returned or rendered.
 *	 Resolution (enum symbols, union branches) applies only to values that
 *	 are returned or rendered.
 * - Nothing is allocated per message for scalar slots.  JSON text and array
 *	 items go to scratch areas owned by the program and reused; they grow
 *	 at most to a small multiple of the message: items to sizeof(value) per
 *	 byte (plus the zero-byte items' budget), JSON text to what the schema
 *	 makes of each byte, capped at jsonb's size limit.
 *
 * Where the specification leaves room, this reads it so: a writer's type
 * goes to the reader union's branch of the same type before the first one
 * a promotion reaches (as Java does; "the first that matches" taken
 * literally would put a string in the bytes branch of ["bytes","string"]);
 * decimals match when their scales do (precision may grow); timestamps and
 * times convert between millis and micros when both schemas have one (the
 * specification is silent, and reading millis as micros is never meant);
 * booleans other than 0 and 1, varints over 10 bytes (ints over 5), block
 * sizes that lie and decimals of no bytes are errors; a map's repeated key
 * keeps its last value, as jsonb does.
 *
 * The JSON rendering follows design.md: each value appears as to_jsonb()
 * would show it after mapping it to its PostgreSQL type, with the session
 * time zone taken as UTC; floats with the shortest digits that read back
 * (Ryu's, as float4out/float8out print them, found exactly in 128-bit
 * integers for the usual magnitudes) in numeric's positional notation.
 *
 * Everything allocated here comes from mesh_alloc/mesh_realloc: inside the
 * server, the program and its scratch areas live in the memory context that
 * was current at compile time (the scratch areas are allocated then, so
 * that growing them later never moves them to another context).
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_decode.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef PG_PRINTF_ATTRIBUTE
#define AD_PRINTF_ARCHETYPE PG_PRINTF_ATTRIBUTE
#else
#define AD_PRINTF_ARCHETYPE printf
#endif

#define AD_LIKELY(x)	__builtin_expect(!!(x), 1)
#define AD_UNLIKELY(x)	__builtin_expect(!!(x), 0)

/*
 * Items that take no bytes (null, fixed(0), records of those) a message may
 * hold in all its arrays together: enough for any sane use, and a bound on
 * the work a short message can cause.
 */
#define AD_ZERO_ITEMS_BASE		4096
#define AD_ZERO_ITEMS_PER_BYTE	8

/* JSON text per message: jsonb cannot hold more than this anyway. */
#define AD_JSON_LIMIT			((size_t) 0x0FFFFFFF)

/* The largest allocation the server allows (MaxAllocSize). */
#define AD_MAX_ALLOC			((size_t) 0x3FFFFFFF)

/* Digits of a decimal: numeric(p,s) allows p up to 1000. */
#define AD_DECIMAL_MAX_DIGITS	1000
/* significant bytes that can hold that many digits, and a few more */
#define AD_DECIMAL_MAX_BYTES	420

/*
 * Nesting of compile_node calls: bounds the stack used by compiling a
 * hostile schema (say, a chain of thousands of records each holding the
 * previous one).  Data can nest only MESH_AVRO_MAX_DEPTH deep anyway.
 */
#define AD_MAX_COMPILE_DEPTH	1000

/* Nesting of a default value rendered by mesh_avro_default_value. */
#define AD_MAX_DEFAULT_DEPTH	512

/* The PostgreSQL calendar (datatype/timestamp.h), in Unix-epoch units. */
#define AD_UNIX_EPOCH_JDATE		2440588 /* 1970-01-01 */
#define AD_DATE_END_JULIAN		2147483494	/* 5874898-01-01 */
#define AD_DATE_MIN_UNIX		(-(int64_t) AD_UNIX_EPOCH_JDATE)
#define AD_DATE_END_UNIX		((int64_t) AD_DATE_END_JULIAN - AD_UNIX_EPOCH_JDATE)
#define AD_USECS_PER_DAY		INT64_C(86400000000)
/* 4714-11-24 BC 00:00 UTC; the upper end (294277 AD) is beyond int64 */
#define AD_TIMESTAMP_MIN_UNIX_US (AD_DATE_MIN_UNIX * AD_USECS_PER_DAY)

/* ------------------------------------------------------------------------
 * The program
 * ------------------------------------------------------------------------
 */

/* What a node reads: the writer's encoding. */
typedef enum DOp
{
	OP_NULL,
	OP_BOOLEAN,
	OP_INT,
	OP_LONG,
	OP_FLOAT,
	OP_DOUBLE,
	OP_BYTES,
	OP_STRING,
	OP_FIXED,
	OP_ENUM,
	OP_ARRAY,
	OP_MAP,
	OP_RECORD,
	OP_UNION,
	OP_FAIL						/* a value the reader cannot take */
} DOp;

/* What a node makes of it. */
typedef enum DMode
{
	MODE_SKIP,					/* validate only */
	MODE_SCALAR,				/* a MeshAvroValue */
	MODE_ITEMS,					/* an array as items[] */
	MODE_JSON					/* JSON text */
} DMode;

/* Unit conversions between time logical types of the writer and reader. */
typedef enum DConv
{
	CONV_NONE,
	CONV_TIMES_1000,			/* millis -> micros */
	CONV_DIV_1000				/* micros -> millis, rounding down */
} DConv;

typedef struct DNode DNode;

/* A writer field of a record node. */
typedef struct DField
{
	DNode	   *node;
	int			out;			/* reader field index, or -1: skipped */
	const char *prefix;			/* in-order JSON: text before the value */
	size_t		prefix_len;
} DField;

struct DNode
{
	uint8_t		op;				/* DOp */
	uint8_t		mode;			/* DMode */
	uint8_t		conv;			/* DConv */
	bool		utf8;			/* string returned or rendered: validate */
	bool		in_order;		/* record: reader fields in writer order */
	bool		in_progress;	/* record: being compiled */
	int			size;			/* fixed */
	size_t		min_size;		/* fewest bytes an encoding takes */
	size_t		item_min;		/* array, map: fewest bytes per item */
	MeshAvroValue tmpl;			/* what a decoded value starts as */
	const char *what;			/* for errors: 'field "x"' */
	/* enum */
	int			nsymbols;		/* the writer's */
	int		   *enum_map;		/* writer index -> reader index, or -1 */
	const char **symbols;		/* the reader's */
	size_t	   *symbol_lens;
	/* array items, map values */
	DNode	   *child;
	/* union: one node per writer branch */
	int			nbranches;
	DNode	  **branches;
	/* record */
	int			nfields;		/* the writer's */
	DField	   *fields;
	int			nout;			/* the reader's */
	const char **keys;			/* '"name":' of each reader field */
	size_t	   *key_lens;
	const char **defaults;		/* JSON of reader fields the writer lacks */
	size_t	   *default_lens;
	const char *suffix;			/* in-order JSON: text after the values */
	size_t		suffix_len;
	/* OP_FAIL */
	const char *failmsg;
};

/* How the top-level loop handles one writer field. */
typedef enum DFast
{
	F_SKIP,						/* generic skip */
	F_SCALAR,					/* generic scalar */
	F_ITEMS,
	F_JSON,
	F_INT,
	F_LONG,
	F_TIMESTAMP,				/* long with a timestamp logical type */
	F_FLOAT,
	F_DOUBLE,
	F_STRING,					/* validated string */
	F_SKIP_INT,
	F_SKIP_LONG,
	F_SKIP_N,					/* float, double, fixed: n bytes */
	F_SKIP_LEN					/* string, bytes */
} DFast;

typedef struct DStep
{
	uint8_t		fast;			/* DFast */
	bool		reread;			/* same writer field as the previous step */
	int			slot;			/* or -1 */
	int			vslot;			/* slot, or 0 where there is none */
	size_t		n;				/* F_SKIP_N */
	const DNode *node;
} DStep;

/* A JSON segment of a record rendered out of order, or a map entry. */
typedef struct DSeg
{
	size_t		start;			/* in the JSON buffer */
	size_t		end;
	const uint8_t *key;			/* map: the key, in the message */
	size_t		key_len;
	bool		dead;			/* map: a later entry has the same key */
} DSeg;

/* Where a slot's decoded value points once decoding is done. */
#define FIXUP_NONE	0
#define FIXUP_JSON	1			/* data: into the JSON text */
#define FIXUP_ITEMS 2			/* items: into the items area */

struct MeshAvroProgram
{
	int			nslots;
	int			nsteps;
	DStep	   *steps;
	MeshAvroValue *templates;	/* values[] before decoding */
	uint8_t    *fixup;			/* FIXUP_*: slot decoded into a scratch area */
	size_t	   *slot_off;		/* where, in its scratch area */
	int		   *fixups;			/* the slots with a fixup */
	int			nfixups;

	/* scratch areas, reused by every decode */
	MeshBuf		json;
	MeshAvroValue *items;
	size_t		items_cap;
	size_t		nitems;
	DSeg	   *segs;
	size_t		segs_cap;
	uint32_t   *order;			/* map key sort */
	size_t		order_cap;
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

static char *
ad_printf(const char *fmt,...) __attribute__((format(AD_PRINTF_ARCHETYPE, 1, 2)));

/* A new string, formatted. */
static char *
ad_printf(const char *fmt,...)
{
	va_list		ap;
	char		tmp[512];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	clip_utf8(tmp);
	return mesh_strndup(tmp, strlen(tmp));
}

static void
set_error(char *errbuf, size_t errlen, const char *fmt,...)
			__attribute__((format(AD_PRINTF_ARCHETYPE, 3, 4)));

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

/* A type as the errors name it: "int", "record \"x.Y\"", "union". */
static const char *
type_label(const MeshAvroType *t, char *buf, size_t buflen)
{
	if (t->kind == AVRO_RECORD || t->kind == AVRO_ENUM || t->kind == AVRO_FIXED)
		snprintf(buf, buflen, "%s \"%s\"", mesh_avro_kind_name(t->kind),
				 t->fullname);
	else
		snprintf(buf, buflen, "%s", mesh_avro_kind_name(t->kind));
	return buf;
}

/* Grow a scratch array so that it holds at least need elements. */
static void *
grow_array(void *array, size_t *cap, size_t need, size_t elemsize)
{
	size_t		newcap = *cap > 0 ? *cap : 16;

	if (need <= *cap)
		return array;
	while (newcap < need)
		newcap *= 2;
	if (newcap > AD_MAX_ALLOC / elemsize)
		newcap = AD_MAX_ALLOC / elemsize;
	*cap = newcap;
	return mesh_realloc(array, newcap * elemsize);
}

/* ------------------------------------------------------------------------
 * JSON output
 * ------------------------------------------------------------------------
 */

static void
out_grow(MeshBuf *o, size_t extra)
{
	size_t		need = o->len + extra + 1;
	size_t		newcap = o->cap > 0 ? o->cap : 256;

	while (newcap < need)
		newcap *= 2;
	if (newcap > AD_MAX_ALLOC && need <= AD_MAX_ALLOC)
		newcap = AD_MAX_ALLOC;
	o->data = mesh_realloc(o->data, newcap);
	o->cap = newcap;
}

/* Room for extra more bytes (and a NUL); returns where they go. */
static inline char *
out_reserve(MeshBuf *o, size_t extra)
{
	if (AD_UNLIKELY(o->data == NULL || o->cap - o->len < extra + 1))
		out_grow(o, extra);
	return o->data + o->len;
}

static inline void
out_append(MeshBuf *o, const char *s, size_t n)
{
	char	   *p = out_reserve(o, n);

	memcpy(p, s, n);
	o->len += n;
}

static inline void
out_char(MeshBuf *o, char c)
{
	char	   *p = out_reserve(o, 1);

	*p = c;
	o->len++;
}

/* Decimal digits of v, right-aligned at end; returns the first. */
static char *
format_u64(char *end, uint64_t v)
{
	char	   *p = end;

	do
	{
		*--p = (char) ('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return p;
}

static void
out_int64(MeshBuf *o, int64_t v)
{
	char		buf[24];
	char	   *end = buf + sizeof(buf);
	char	   *p;

	/* the magnitude of INT64_MIN does not fit int64, but does uint64 */
	p = format_u64(end, v < 0 ? (uint64_t) 0 - (uint64_t) v : (uint64_t) v);
	if (v < 0)
		*--p = '-';
	out_append(o, p, end - p);
}

/* v zero-padded to width digits (more if it needs them). */
static void
out_padded(MeshBuf *o, uint64_t v, int width)
{
	char		buf[24];
	char	   *end = buf + sizeof(buf);
	char	   *p = format_u64(end, v);

	while (end - p < width)
		*--p = '0';
	out_append(o, p, end - p);
}

/*
 * s (valid UTF-8 without NUL) as a JSON string literal, escaped as
 * PostgreSQL's escape_json does.
 */
static void
out_json_string(MeshBuf *o, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		run = 0;
	size_t		i;
	static const char hex[] = "0123456789abcdef";

	out_reserve(o, len + 2);
	o->data[o->len++] = '"';
	for (i = 0; i < len; i++)
	{
		unsigned char c = u[i];
		char		esc[6];
		size_t		n = 2;

		if (AD_LIKELY(c >= 0x20 && c != '"' && c != '\\'))
			continue;
		out_append(o, s + run, i - run);
		esc[0] = '\\';
		switch (c)
		{
			case '"':
				esc[1] = '"';
				break;
			case '\\':
				esc[1] = '\\';
				break;
			case '\b':
				esc[1] = 'b';
				break;
			case '\f':
				esc[1] = 'f';
				break;
			case '\n':
				esc[1] = 'n';
				break;
			case '\r':
				esc[1] = 'r';
				break;
			case '\t':
				esc[1] = 't';
				break;
			default:
				esc[1] = 'u';
				esc[2] = '0';
				esc[3] = '0';
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				n = 6;
				break;
		}
		out_append(o, esc, n);
		run = i + 1;
	}
	out_append(o, s + run, len - run);
	out_char(o, '"');
}

/* bytes as to_jsonb(bytea) shows them: "\\x0a1b" */
static void
out_json_bytes(MeshBuf *o, const uint8_t *b, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char	   *p = out_reserve(o, 2 * len + 5);
	size_t		i;

	*p++ = '"';
	*p++ = '\\';
	*p++ = '\\';
	*p++ = 'x';
	for (i = 0; i < len; i++)
	{
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 15];
	}
	*p++ = '"';
	o->len += 2 * len + 5;
}

/* ------------------------------------------------------------------------
 * Rendering scalars as to_jsonb() shows them
 * ------------------------------------------------------------------------
 */

/*
 * Days since 1970-01-01 to a proleptic Gregorian date, the calendar
 * PostgreSQL uses for all dates; year 0 is 1 BC.  (H. Hinnant's
 * civil_from_days.)
 */
static void
civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
	int64_t		era;
	int64_t		doe;
	int64_t		yoe;
	int64_t		doy;
	int64_t		mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (int) (doy - (153 * mp + 2) / 5 + 1);
	*month = (int) (mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

static inline int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* YYYY-MM-DD, year as PostgreSQL writes it; true when BC */
static bool
out_date(MeshBuf *o, int64_t days)
{
	int64_t		y;
	int			m;
	int			d;
	bool		bc;

	civil_from_days(days, &y, &m, &d);
	bc = y <= 0;
	out_padded(o, (uint64_t) (bc ? 1 - y : y), 4);
	out_char(o, '-');
	out_padded(o, (uint64_t) m, 2);
	out_char(o, '-');
	out_padded(o, (uint64_t) d, 2);
	return bc;
}

/* HH:MM:SS[.ffffff, trailing zeros trimmed] from microseconds of a day */
static void
out_time(MeshBuf *o, int64_t us)
{
	int64_t		secs = us / 1000000;
	int64_t		frac = us % 1000000;

	out_padded(o, (uint64_t) (secs / 3600), 2);
	out_char(o, ':');
	out_padded(o, (uint64_t) (secs / 60 % 60), 2);
	out_char(o, ':');
	out_padded(o, (uint64_t) (secs % 60), 2);
	if (frac != 0)
	{
		char		buf[8];
		int			n = 6;
		int			i;

		for (i = 5; i >= 0; i--)
		{
			buf[i] = (char) ('0' + frac % 10);
			frac /= 10;
		}
		while (buf[n - 1] == '0')
			n--;
		out_char(o, '.');
		out_append(o, buf, n);
	}
}

/* A timestamp (microseconds since the Unix epoch) as ISO 8601. */
static void
out_timestamp(MeshBuf *o, int64_t us, bool with_zone)
{
	int64_t		days = floor_div(us, AD_USECS_PER_DAY);
	bool		bc;

	out_char(o, '"');
	bc = out_date(o, days);
	out_char(o, 'T');
	out_time(o, us - days * AD_USECS_PER_DAY);
	if (with_zone)
		out_append(o, "+00:00", 6);
	if (bc)
		out_append(o, " BC", 3);
	out_char(o, '"');
}

/*
 * Whether D = d * 10^e10 equals o * 2^k exactly (o odd).
 */
static bool
decimal_equals(uint64_t d, int e10, uint64_t o, int k)
{
	int			v2 = 0;
	int			i;

	if (e10 < 0)
	{
		/* d * 2^e10 / 5^-e10: the 5s must divide d */
		for (i = 0; i < -e10; i++)
		{
			if (d % 5 != 0)
				return false;
			d /= 5;
		}
	}
	while (d % 2 == 0)
	{
		d /= 2;
		v2++;
	}
	for (i = 0; i < e10; i++)
	{
		if (d > o / 5)
			return false;		/* its odd part already exceeds o */
		d *= 5;
	}
	return d == o && v2 + e10 == k;
}

/*
 * Whether the decimal in buf ("-d.ddde+X") lies exactly halfway between x
 * and a neighbour.  Such a decimal reads back as x only by the tie rule,
 * and PostgreSQL's shortest output (Ryu, in float4out and float8out) does
 * not take it: 1e23 prints as 9.999999999999999e+22.
 */
static bool
on_boundary(const char *buf, double x, bool single)
{
	const char *p = buf;
	uint64_t	d = 0;
	int			nd = 0;
	int			e10;
	int			mbits = single ? 24 : 53;
	int			minexp = single ? -149 : -1074;
	int			ex;
	int			exp2;
	double		fr;
	uint64_t	mant;

	if (*p == '-')
		p++;
	for (; *p != 'e' && *p != '\0'; p++)
	{
		if (*p == '.')
			continue;
		if (nd >= 19)
			return false;
		d = d * 10 + (uint64_t) (*p - '0');
		nd++;
	}
	if (*p != 'e' || d == 0)
		return false;
	e10 = atoi(p + 1) - (nd - 1);
	while (d % 10 == 0)
	{
		d /= 10;
		e10++;
	}

	/* x = mant * 2^exp2 */
	fr = frexp(fabs(x), &ex);
	exp2 = ex - mbits;
	if (exp2 < minexp)
		exp2 = minexp;
	mant = (uint64_t) ldexp(fr, ex - exp2);

	/* the midpoints: above, below, and below a power of 2 (closer there) */
	if (decimal_equals(d, e10, 2 * mant + 1, exp2 - 1))
		return true;
	if (mant == (UINT64_C(1) << (mbits - 1)) && exp2 > minexp)
		return decimal_equals(d, e10, 4 * mant - 1, exp2 - 2);
	return mant > 0 && decimal_equals(d, e10, 2 * mant - 1, exp2 - 1);
}

/* buf reads back as x, strictly (not by the tie rule) */
static bool
reads_back(const char *buf, double x, bool single)
{
	if (single ? strtof(buf, NULL) != (float) x : strtod(buf, NULL) != x)
		return false;
	return !on_boundary(buf, x, single);
}

/* Add delta (+1/-1) to the last digit of the mantissa in "d.ddde+N". */
static bool
bump_last_digit(char *buf, int delta)
{
	char	   *e = strchr(buf, 'e');
	char	   *first = buf[0] == '-' ? buf + 1 : buf;
	char	   *p;

	if (e == NULL)
		return false;
	for (p = e - 1; p >= first; p--)
	{
		if (*p == '.')
			continue;
		if (*p < '0' || *p > '9')
			return false;
		if (delta > 0)
		{
			if (*p < '9')
			{
				(*p)++;
				return true;
			}
			*p = '0';
		}
		else
		{
			if (*p > '0')
			{
				(*p)--;
				/* a leading zero would change the digit count */
				return p != first || *p != '0';
			}
			*p = '9';
		}
	}
	return false;				/* carried out of the mantissa */
}

/*
 * The shortest decimal strictly inside the interval of decimals that read
 * back as x (as float when single), the closest to x of those, in "%.Ne"
 * form in buf: what PostgreSQL's float4out/float8out print.
 *
 * For a normal number, any decimal of up to DBL_DIG (FLT_DIG) digits that
 * reads back is the correctly rounded one padded with zeros, so trimming
 * the zeros of the 15 (6) digit rounding finds it.  Beyond, the correctly
 * rounded one is the closest, and so the one to take if it reads back;
 * where it does not (the interval is lopsided at a power of 2, and its
 * ends do not count), one of its neighbours may.  A subnormal has fewer
 * significant bits, so fewer digits may do: there, search them all.
 */
static void
shortest_repr(char *buf, size_t buflen, double x, bool single)
{
	bool		subnormal = single ? fabs(x) < 1.17549435082228750797e-38
		: fabs(x) < 2.22507385850720138309e-308;
	int			first = subnormal ? 1 : single ? 6 : 15;
	int			last = single ? 9 : 17;
	int			prec;

	for (prec = first; prec < last; prec++)
	{
		char		alt[64];
		int			delta;

		snprintf(buf, buflen, "%.*e", prec - 1, x);
		if (reads_back(buf, x, single))
			return;
		for (delta = -1; delta <= 1; delta += 2)
		{
			snprintf(alt, sizeof(alt), "%s", buf);
			if (bump_last_digit(alt, delta) && reads_back(alt, x, single))
			{
				snprintf(buf, buflen, "%s", alt);
				return;
			}
		}
	}
	snprintf(buf, buflen, "%.*e", last - 1, x);
}

/*
 * The fast path of shortest_repr, for the usual values (prices, measures):
 * x = r / 10^k with an integer r of at most 15 (for a float 6) digits.
 * r / 10^k is correctly rounded, as strtod would read the decimal, so if
 * it equals x that decimal reads back; a decimal that short cannot lie
 * halfway between two doubles (such midpoints need 17 or more digits), and
 * by the argument at shortest_repr it is the shortest once its trailing
 * zeros go.  Digits to digits, the exponent of the first to *exp10.
 */
static bool
short_decimal(double x, bool single, char *digits, int *ndigits, int *exp10)
{
	double		ax = fabs(x);
	double		limit = single ? 1e6 : 1e15;
	double		scale = 1;
	int			maxk = single ? 10 : 22;
	int			k;

	if (ax < (single ? 1.17549435082228750797e-38 : 2.22507385850720138309e-308))
		return false;			/* subnormal */
	for (k = 0; k <= maxk; k++, scale *= 10)
	{
		double		v = ax * scale;
		double		r;

		if (v >= limit)
			return false;
		r = nearbyint(v);
		if (r == 0)
			continue;
		if (single ? (float) r / (float) scale == (float) ax : r / scale == ax)
		{
			char		tmp[24];
			char	   *end = tmp + sizeof(tmp);
			char	   *p = format_u64(end, (uint64_t) r);

			*ndigits = (int) (end - p);
			memcpy(digits, p, *ndigits);
			*exp10 = *ndigits - 1 - k;
			return true;
		}
	}
	return false;
}

#ifdef __SIZEOF_INT128__
typedef unsigned __int128 ad_u128;

/* 10^n for the n used below (up to 10^23) */
static const ad_u128 ad_pow10_u128[] = {
	(ad_u128) UINT64_C(1),
	(ad_u128) UINT64_C(10),
	(ad_u128) UINT64_C(100),
	(ad_u128) UINT64_C(1000),
	(ad_u128) UINT64_C(10000),
	(ad_u128) UINT64_C(100000),
	(ad_u128) UINT64_C(1000000),
	(ad_u128) UINT64_C(10000000),
	(ad_u128) UINT64_C(100000000),
	(ad_u128) UINT64_C(1000000000),
	(ad_u128) UINT64_C(10000000000),
	(ad_u128) UINT64_C(100000000000),
	(ad_u128) UINT64_C(1000000000000),
	(ad_u128) UINT64_C(10000000000000),
	(ad_u128) UINT64_C(100000000000000),
	(ad_u128) UINT64_C(1000000000000000),
	(ad_u128) UINT64_C(10000000000000000),
	(ad_u128) UINT64_C(100000000000000000),
	(ad_u128) UINT64_C(1000000000000000000),
	(ad_u128) UINT64_C(10000000000000000000),
	(ad_u128) UINT64_C(10000000000000000000) * UINT64_C(10),
	(ad_u128) UINT64_C(10000000000000000000) * UINT64_C(100),
	(ad_u128) UINT64_C(10000000000000000000) * UINT64_C(1000),
	(ad_u128) UINT64_C(10000000000000000000) * UINT64_C(10000)
};

static inline ad_u128
pow10_u128(int n)
{
	return ad_pow10_u128[n];
}

/*
 * shortest_repr without printf or strtod, exactly, for the magnitudes data
 * mostly has (10^-6 <= |x| < 10^11; floats below 2^24): x = m * 2^-k, so
 * y = x * 10^s = m * 10^s / 2^k has an exact integer part and remainder,
 * and a candidate c * 10^-s lies strictly inside x's rounding interval
 * (x -+ half the gap to its neighbours) when
 *
 *	   (2m - 1) * 10^s < 2c * 2^k < (2m + 1) * 10^s
 *
 * (below a power of 2 the gap is half as wide: 4m - 1 and 4c).  With m
 * below 2^53 and 10^s at most 10^22 every product stays below 2^128.
 * The same search as shortest_repr: p from 15 (6) digits, the correctly
 * rounded p digits (ties to even), and from p + 1 on their neighbours.
 * False to leave x to shortest_repr.
 */
static bool
exact_shortest(double x, bool single, char *digits, int *ndigits, int *exp10)
{
	double		dx = fabs(x);
	int			mbits = single ? 24 : 53;
	int			first = single ? 6 : 15;
	int			last = single ? 9 : 17;
	int			ex;
	int			k;
	int			e;
	int			p;
	uint64_t	m;
	bool		narrow_below;

	if (!(dx >= 1e-6 && dx < (single ? 16777216.0 : 1e11)))
		return false;
	m = (uint64_t) ldexp(frexp(dx, &ex), mbits);
	k = mbits - ex;				/* dx = m * 2^-k */
	if (k < 1 || k > 100)
		return false;
	narrow_below = m == (UINT64_C(1) << (mbits - 1));
	e = (int) floor(log10(dx));

	for (p = first; p <= last; p++)
	{
		int			sc = p - 1 - e;
		ad_u128		p10;
		ad_u128		n;
		ad_u128		q;
		ad_u128		rem;
		ad_u128		half;
		ad_u128		r;
		ad_u128		lo_bound;
		ad_u128		hi_bound;
		int			delta;

		if (sc < 0 || sc > 22)
			return false;
		p10 = pow10_u128(sc);
		n = (ad_u128) m * p10;
		q = n >> k;
		rem = n - (q << k);
		half = (ad_u128) 1 << (k - 1);
		r = q + ((rem > half || (rem == half && (q & 1) != 0)) ? 1 : 0);
		if (r < pow10_u128(p - 1) || r >= pow10_u128(p))
			return false;		/* e was off by one: rare, leave it */
		hi_bound = (ad_u128) (2 * m + 1) * p10;
		lo_bound = narrow_below ? (ad_u128) (4 * m - 1) * p10
			: (ad_u128) (2 * m - 1) * p10;
		for (delta = 0; delta <= (p > first ? 2 : 0); delta++)
		{
			ad_u128		c = delta == 0 ? r : delta == 1 ? r - 1 : r + 1;
			ad_u128		c2 = c << (k + 1);	/* 2c * 2^k */

			if (c < pow10_u128(p - 1) || c >= pow10_u128(p))
				continue;
			if (c2 < hi_bound &&
				(narrow_below ? (c2 << 1) > lo_bound : c2 > lo_bound))
			{
				char		tmp[24];
				char	   *end = tmp + sizeof(tmp);
				char	   *d = format_u64(end, (uint64_t) c);

				*ndigits = (int) (end - d);
				memcpy(digits, d, *ndigits);
				*exp10 = e;
				return true;
			}
		}
	}
	return false;
}
#else
static bool
exact_shortest(double x, bool single, char *digits, int *ndigits, int *exp10)
{
	(void) x;
	(void) single;
	(void) digits;
	(void) ndigits;
	(void) exp10;
	return false;				/* no 128-bit integers: printf will do */
}
#endif

/*
 * A float or double as to_jsonb() shows it: the shortest decimal that reads
 * back (float4out, float8out) made a numeric, which prints in positional
 * notation; NaN and the infinities become strings.
 */
static void
out_real(MeshBuf *o, double x, bool single)
{
	char		buf[64];
	char		digits[32];
	int			ndigits = 0;
	int			exp10;
	bool		neg;
	char	   *p;
	char	   *e;

	if (isnan(x))
	{
		out_append(o, "\"NaN\"", 5);
		return;
	}
	if (isinf(x))
	{
		if (x > 0)
			out_append(o, "\"Infinity\"", 10);
		else
			out_append(o, "\"-Infinity\"", 11);
		return;
	}
	if (x == 0)
	{
		out_char(o, '0');		/* numeric has no negative zero */
		return;
	}
	neg = x < 0;
	if (short_decimal(x, single, digits, &ndigits, &exp10) ||
		exact_shortest(x, single, digits, &ndigits, &exp10))
		;
	else
	{
		shortest_repr(buf, sizeof(buf), x, single);
		e = strchr(buf, 'e');
		if (e == NULL)
		{
			out_append(o, "\"NaN\"", 5); /* cannot happen */
			return;
		}
		for (p = buf + (neg ? 1 : 0); p < e; p++)
			if (*p >= '0' && *p <= '9' && ndigits < (int) sizeof(digits))
				digits[ndigits++] = *p;
		exp10 = atoi(e + 1);
	}
	while (ndigits > 1 && digits[ndigits - 1] == '0')
		ndigits--;

	/* value = d.ddd x 10^exp10 */
	out_reserve(o, 400);
	if (neg)
		out_char(o, '-');
	if (exp10 >= ndigits - 1)
	{
		int			i;

		out_append(o, digits, ndigits);
		for (i = 0; i < exp10 - (ndigits - 1); i++)
			out_char(o, '0');
	}
	else if (exp10 >= 0)
	{
		out_append(o, digits, exp10 + 1);
		out_char(o, '.');
		out_append(o, digits + exp10 + 1, ndigits - exp10 - 1);
	}
	else
	{
		int			i;

		out_append(o, "0.", 2);
		for (i = 0; i < -exp10 - 1; i++)
			out_char(o, '0');
		out_append(o, digits, ndigits);
	}
}

/*
 * A decimal's unscaled value (two's complement, big-endian, any length) as
 * text with exactly scale fraction digits.  NULL on success, else why not.
 */
static const char *
decimal_text(MeshBuf *o, const uint8_t *b, size_t len, int precision,
			 int scale, char *why, size_t whylen)
{
	uint8_t		mag[AD_DECIMAL_MAX_BYTES];
	uint32_t	limbs[AD_DECIMAL_MAX_BYTES / 3 + 2];	/* base 10^9 */
	int			nlimbs = 0;
	bool		neg = len > 0 && (b[0] & 0x80) != 0;
	size_t		start = 0;
	size_t		n;
	size_t		i;
	char		digits[AD_DECIMAL_MAX_BYTES * 3 + 16];
	int			ndigits;
	int			limit;

	/* no bytes is no number (Java's BigInteger refuses it too) */
	if (len == 0)
	{
		snprintf(why, whylen, "decimal value has no bytes");
		return why;
	}
	/* the bytes that matter: drop the sign extension */
	while (start < len && b[start] == (neg ? 0xFF : 0x00) &&
		   (start + 1 == len || ((b[start + 1] & 0x80) != 0) == neg))
		start++;
	n = len - start;
	if (neg && n == 0)
	{
		/* all 0xFF: -1 */
		start = len - 1;
		n = 1;
	}
	if (n > AD_DECIMAL_MAX_BYTES)
	{
		snprintf(why, whylen, "decimal value of %zu significant bytes has more than %d digits",
				 n, AD_DECIMAL_MAX_DIGITS);
		return why;
	}
	/* the magnitude */
	memcpy(mag, b + start, n);
	if (neg)
	{
		int			carry = 1;

		for (i = n; i-- > 0;)
		{
			int			v = (uint8_t) ~mag[i] + carry;

			mag[i] = (uint8_t) v;
			carry = v >> 8;
		}
	}
	/* to base 10^9, most significant byte first */
	for (i = 0; i < n; i++)
	{
		uint64_t	carry = mag[i];
		int			k;

		for (k = 0; k < nlimbs; k++)
		{
			uint64_t	v = (uint64_t) limbs[k] * 256 + carry;

			limbs[k] = (uint32_t) (v % 1000000000);
			carry = v / 1000000000;
		}
		while (carry != 0)
		{
			limbs[nlimbs++] = (uint32_t) (carry % 1000000000);
			carry /= 1000000000;
		}
	}
	if (nlimbs == 0)
	{
		digits[0] = '0';
		ndigits = 1;
	}
	else
	{
		char	   *p = digits;
		int			k;

		p += snprintf(p, 16, "%u", (unsigned) limbs[nlimbs - 1]);
		for (k = nlimbs - 2; k >= 0; k--)
			p += snprintf(p, 16, "%09u", (unsigned) limbs[k]);
		ndigits = (int) (p - digits);
	}
	limit = precision > 0 && precision < AD_DECIMAL_MAX_DIGITS ? precision : AD_DECIMAL_MAX_DIGITS;
	if (ndigits > limit && !(ndigits == 1 && digits[0] == '0'))
	{
		snprintf(why, whylen, "decimal value has %d digits, more than the precision %d",
				 ndigits, limit);
		return why;
	}

	out_reserve(o, ndigits + (scale > 0 ? scale : 0) + 4);
	if (neg)
		out_char(o, '-');
	if (scale <= 0)
		out_append(o, digits, ndigits);
	else if (ndigits <= scale)
	{
		int			k;

		out_append(o, "0.", 2);
		for (k = 0; k < scale - ndigits; k++)
			out_char(o, '0');
		out_append(o, digits, ndigits);
	}
	else
	{
		out_append(o, digits, ndigits - scale);
		out_char(o, '.');
		out_append(o, digits + ndigits - scale, scale);
	}
	return NULL;
}

bool
mesh_avro_decimal_text(const char *data, size_t len, int precision, int scale,
					   MeshBuf *buf, char *errbuf, size_t errlen)
{
	char		why[128];

	if (decimal_text(buf, (const uint8_t *) data, len, precision, scale,
					 why, sizeof(why)) != NULL)
	{
		set_error(errbuf, errlen, "%s", why);
		return false;
	}
	if (buf->data != NULL)
		buf->data[buf->len] = '\0';
	return true;
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

static void
out_uuid(MeshBuf *o, const uint8_t u[16])
{
	static const char hex[] = "0123456789abcdef";
	char	   *p = out_reserve(o, 38);
	int			k;

	*p++ = '"';
	for (k = 0; k < 16; k++)
	{
		if (k == 4 || k == 6 || k == 8 || k == 10)
			*p++ = '-';
		*p++ = hex[u[k] >> 4];
		*p++ = hex[u[k] & 15];
	}
	*p++ = '"';
	o->len += 38;
}

/*
 * Whether a scalar fits the PostgreSQL type its logical type maps to; NULL
 * if it does, else why not.
 */
static const char *
check_logical(const MeshAvroValue *v, char *why, size_t whylen)
{
	switch (v->logical)
	{
		case AVRO_LT_DATE:
			if (v->integer < AD_DATE_MIN_UNIX || v->integer >= AD_DATE_END_UNIX)
			{
				snprintf(why, whylen, "date %lld (days since 1970-01-01) out of range",
						 (long long) v->integer);
				return why;
			}
			break;
		case AVRO_LT_TIME_MILLIS:
			if (v->integer < 0 || v->integer > INT64_C(86400000))
			{
				snprintf(why, whylen, "time-millis %lld out of range",
						 (long long) v->integer);
				return why;
			}
			break;
		case AVRO_LT_TIME_MICROS:
			if (v->integer < 0 || v->integer > AD_USECS_PER_DAY)
			{
				snprintf(why, whylen, "time-micros %lld out of range",
						 (long long) v->integer);
				return why;
			}
			break;
		case AVRO_LT_TIMESTAMP_MILLIS:
		case AVRO_LT_LOCAL_TIMESTAMP_MILLIS:
			if (v->integer < AD_TIMESTAMP_MIN_UNIX_US / 1000 ||
				v->integer > INT64_MAX / 1000)
			{
				snprintf(why, whylen, "timestamp %lld (milliseconds since 1970) out of range",
						 (long long) v->integer);
				return why;
			}
			break;
		case AVRO_LT_TIMESTAMP_MICROS:
		case AVRO_LT_LOCAL_TIMESTAMP_MICROS:
			if (v->integer < AD_TIMESTAMP_MIN_UNIX_US)
			{
				snprintf(why, whylen, "timestamp %lld (microseconds since 1970) out of range",
						 (long long) v->integer);
				return why;
			}
			break;
		case AVRO_LT_UUID:
			{
				uint8_t		u[16];

				if (v->kind == AVRO_STRING && !parse_uuid(v->data, v->len, u))
				{
					snprintf(why, whylen, "invalid uuid");
					return why;
				}
			}
			break;
		default:
			break;
	}
	return NULL;
}

/*
 * A scalar value as JSON.  The value passed check_logical already; NULL on
 * success, else why not (a decimal too long).
 */
static const char *
render_scalar(MeshBuf *o, const MeshAvroValue *v, char *why, size_t whylen)
{
	if (v->is_null)
	{
		out_append(o, "null", 4);
		return NULL;
	}
	switch (v->kind)
	{
		case AVRO_NULL:
			out_append(o, "null", 4);
			break;
		case AVRO_BOOLEAN:
			if (v->boolean)
				out_append(o, "true", 4);
			else
				out_append(o, "false", 5);
			break;
		case AVRO_INT:
		case AVRO_LONG:
			switch (v->logical)
			{
				case AVRO_LT_DATE:
					out_char(o, '"');
					if (out_date(o, v->integer))
						out_append(o, " BC", 3);
					out_char(o, '"');
					break;
				case AVRO_LT_TIME_MILLIS:
					out_char(o, '"');
					out_time(o, v->integer * 1000);
					out_char(o, '"');
					break;
				case AVRO_LT_TIME_MICROS:
					out_char(o, '"');
					out_time(o, v->integer);
					out_char(o, '"');
					break;
				case AVRO_LT_TIMESTAMP_MILLIS:
					out_timestamp(o, v->integer * 1000, true);
					break;
				case AVRO_LT_TIMESTAMP_MICROS:
					out_timestamp(o, v->integer, true);
					break;
				case AVRO_LT_LOCAL_TIMESTAMP_MILLIS:
					out_timestamp(o, v->integer * 1000, false);
					break;
				case AVRO_LT_LOCAL_TIMESTAMP_MICROS:
					out_timestamp(o, v->integer, false);
					break;
				default:
					out_int64(o, v->integer);
					break;
			}
			break;
		case AVRO_FLOAT:
			out_real(o, v->real, true);
			break;
		case AVRO_DOUBLE:
			out_real(o, v->real, false);
			break;
		case AVRO_STRING:
			if (v->logical == AVRO_LT_UUID)
			{
				uint8_t		u[16];

				if (!parse_uuid(v->data, v->len, u))
				{
					snprintf(why, whylen, "invalid uuid");
					return why;
				}
				out_uuid(o, u);
			}
			else
				out_json_string(o, v->data, v->len);
			break;
		case AVRO_ENUM:
			out_json_string(o, v->data, v->len);
			break;
		case AVRO_BYTES:
		case AVRO_FIXED:
			if (v->logical == AVRO_LT_DECIMAL)
				return decimal_text(o, (const uint8_t *) v->data, v->len,
									v->precision, v->scale, why, whylen);
			out_json_bytes(o, (const uint8_t *) v->data, v->len);
			break;
		default:
			snprintf(why, whylen, "a %s is not a scalar",
					 mesh_avro_kind_name(v->kind));
			return why;
	}
	return NULL;
}

/* ------------------------------------------------------------------------
 * UTF-8
 * ------------------------------------------------------------------------
 */

/*
 * Offset of the first byte of s that does not begin a well-formed UTF-8
 * sequence (overlong forms, surrogates, code points above U+10FFFF) or is
 * NUL, which text cannot hold; len if there is none.  Eight bytes at a time
 * while they are ASCII.
 */
static size_t
utf8_invalid_at(const uint8_t *s, size_t len)
{
	size_t		i = 0;

	/* short ASCII strings, the usual case: one test per byte */
	if (len < 8)
	{
		while (i < len && (uint8_t) (s[i] - 1) < 0x7F)
			i++;
		if (i == len)
			return len;
	}
	while (i < len)
	{
		unsigned char c;
		unsigned char lo = 0x80;
		unsigned char hi = 0xBF;
		size_t		n;
		size_t		k;

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
		c = s[i];
		if (c < 0x80)
		{
			if (c == 0)
				return i;
			i++;
			continue;
		}
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
			return i;
		if (len - i < n || s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (k = 2; k < n; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
		i += n;
	}
	return len;
}

/* ------------------------------------------------------------------------
 * Decoding
 * ------------------------------------------------------------------------
 */

typedef struct Dec
{
	const uint8_t *base;
	const uint8_t *p;
	const uint8_t *end;
	MeshAvroProgram *prog;
	char	   *errbuf;
	size_t		errlen;
	size_t		zero_budget;	/* zero-byte items still allowed */
	size_t		nsegs;			/* in use on prog->segs */
	int			slot;			/* the slot being decoded */
} Dec;

static bool dec_fail(Dec *d, const uint8_t *at, const char *fmt,...)
			__attribute__((format(AD_PRINTF_ARCHETYPE, 3, 4)));

/* Report "at byte N: ..." and return false. */
static bool
dec_fail(Dec *d, const uint8_t *at, const char *fmt,...)
{
	va_list		ap;
	int			n;

	if (d->errbuf == NULL || d->errlen == 0)
		return false;
	n = snprintf(d->errbuf, d->errlen, "at byte %zu: ", (size_t) (at - d->base));
	if (n >= 0 && (size_t) n < d->errlen)
	{
		va_start(ap, fmt);
		vsnprintf(d->errbuf + n, d->errlen - n, fmt, ap);
		va_end(ap);
	}
	clip_utf8(d->errbuf);
	return false;
}

static inline size_t
left(const Dec *d)
{
	return (size_t) (d->end - d->p);
}

/* A varint of at most 10 bytes whose value fits 64 bits. */
static bool
read_varint_slow(Dec *d, uint64_t *out, const char *what)
{
	const uint8_t *p = d->p;
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < 10; i++)
	{
		uint8_t		b;

		if (p + i >= d->end)
			return dec_fail(d, d->p, "data ends inside a varint for %s", what);
		b = p[i];
		v |= (uint64_t) (b & 0x7F) << (7 * i);
		if ((b & 0x80) == 0)
		{
			if (i == 9 && b > 1)
				return dec_fail(d, d->p, "varint overflows 64 bits for %s", what);
			d->p = p + i + 1;
			*out = v;
			return true;
		}
	}
	return dec_fail(d, d->p, "varint longer than 10 bytes for %s", what);
}

/*
 * A varint.  Where ten bytes are left, no bounds check is needed before
 * each byte: the common case, unrolled.
 */
static inline bool
read_varint(Dec *d, uint64_t *out, const char *what)
{
	const uint8_t *p = d->p;
	uint64_t	v;
	uint64_t	b;

	if (AD_UNLIKELY(d->end - p < 10))
		return read_varint_slow(d, out, what);
	b = p[0];
	v = b & 0x7F;
	if (b < 0x80)
	{
		d->p = p + 1;
		*out = v;
		return true;
	}
#define AD_VARINT_BYTE(i) \
	b = p[i]; \
	v |= (b & 0x7F) << (7 * (i)); \
	if (b < 0x80) \
	{ \
		d->p = p + (i) + 1; \
		*out = v; \
		return true; \
	}
	AD_VARINT_BYTE(1);
	AD_VARINT_BYTE(2);
	AD_VARINT_BYTE(3);
	AD_VARINT_BYTE(4);
	AD_VARINT_BYTE(5);
	AD_VARINT_BYTE(6);
	AD_VARINT_BYTE(7);
	AD_VARINT_BYTE(8);
#undef AD_VARINT_BYTE
	/* the tenth byte holds the top bit only */
	return read_varint_slow(d, out, what);
}

/*
 * read_varint for a position held in a local (*pp) rather than in d, for
 * the top-level loop; d->p is left alone but on the slow path.
 */
static inline __attribute__((always_inline)) bool
take_varint(const uint8_t **pp, Dec *d, const char *what, uint64_t *out)
{
	const uint8_t *p = *pp;
	uint64_t	v;
	uint64_t	b;

	if (AD_UNLIKELY(d->end - p < 10))
	{
		/* near the end of the message: each byte checked */
		size_t		avail = (size_t) (d->end - p);
		size_t		i;

		v = 0;
		for (i = 0; i < avail; i++)
		{
			b = p[i];
			v |= (b & 0x7F) << (7 * i);
			if (b < 0x80)
			{
				*pp = p + i + 1;
				*out = v;
				return true;
			}
		}
		/* truncated: let the slow path say so */
	}
	else
	{
		b = p[0];
		v = b & 0x7F;
		if (b < 0x80)
		{
			*pp = p + 1;
			*out = v;
			return true;
		}
#define AD_VARINT_BYTE(i) \
		b = p[i]; \
		v |= (b & 0x7F) << (7 * (i)); \
		if (b < 0x80) \
		{ \
			*pp = p + (i) + 1; \
			*out = v; \
			return true; \
		}
		AD_VARINT_BYTE(1);
		AD_VARINT_BYTE(2);
		AD_VARINT_BYTE(3);
		AD_VARINT_BYTE(4);
		AD_VARINT_BYTE(5);
		AD_VARINT_BYTE(6);
		AD_VARINT_BYTE(7);
		AD_VARINT_BYTE(8);
#undef AD_VARINT_BYTE
	}
	d->p = p;
	if (!read_varint_slow(d, out, what))
		return false;
	*pp = d->p;
	return true;
}

static inline bool
read_long(Dec *d, int64_t *out, const char *what)
{
	uint64_t	u;

	if (!read_varint(d, &u, what))
		return false;
	*out = (int64_t) (u >> 1) ^ -(int64_t) (u & 1);
	return true;
}

/* An int: at most 5 bytes, and a value that fits 32 bits. */
static inline bool
read_int(Dec *d, int64_t *out, const char *what)
{
	const uint8_t *at = d->p;
	uint64_t	u;
	int64_t		v;

	if (!read_varint(d, &u, what))
		return false;
	if (AD_UNLIKELY(d->p - at > 5))
		return dec_fail(d, at, "int varint longer than 5 bytes for %s", what);
	v = (int64_t) (u >> 1) ^ -(int64_t) (u & 1);
	if (AD_UNLIKELY(v < INT32_MIN || v > INT32_MAX))
		return dec_fail(d, at, "int value %lld out of range for %s",
						(long long) v, what);
	*out = v;
	return true;
}

/* A length or a count: a long that is not negative. */
static inline bool
read_length(Dec *d, int64_t *out, const char *kind, const char *what)
{
	const uint8_t *at = d->p;

	if (!read_long(d, out, what))
		return false;
	if (AD_UNLIKELY(*out < 0))
		return dec_fail(d, at, "negative %s length %lld for %s", kind,
						(long long) *out, what);
	if (AD_UNLIKELY((uint64_t) *out > left(d)))
		return dec_fail(d, at, "%s length %lld exceeds the %zu bytes left for %s",
						kind, (long long) *out, left(d), what);
	return true;
}

static inline bool
need(Dec *d, size_t n, const char *kind, const char *what)
{
	if (AD_UNLIKELY(left(d) < n))
		return dec_fail(d, d->p, "%s needs %zu bytes, %zu left for %s",
						kind, n, left(d), what);
	return true;
}

static inline bool
check_utf8(Dec *d, const uint8_t *s, size_t len, const char *what)
{
	size_t		bad = utf8_invalid_at(s, len);

	if (AD_UNLIKELY(bad < len))
	{
		if (s[bad] == 0)
			return dec_fail(d, s + bad, "NUL byte in string for %s", what);
		return dec_fail(d, s + bad, "invalid UTF-8 in string for %s", what);
	}
	return true;
}

static inline bool
read_union_index(Dec *d, const DNode *n, int64_t *idx)
{
	const uint8_t *at = d->p;

	if (!read_long(d, idx, n->what))
		return false;
	if (AD_UNLIKELY(*idx < 0 || *idx >= n->nbranches))
		return dec_fail(d, at, "union index %lld out of range for %s (%d branches)",
						(long long) *idx, n->what, n->nbranches);
	return true;
}

static inline bool
enter(Dec *d, int depth, const char *what)
{
	if (AD_UNLIKELY(depth > MESH_AVRO_MAX_DEPTH))
		return dec_fail(d, d->p, "nesting deeper than %d levels at %s",
						MESH_AVRO_MAX_DEPTH, what);
	return true;
}

/*
 * The header of an array or map block: its item count (0 ends the array or
 * map) and, for a negative count, the block's byte size, whose end goes to
 * *block_end (else NULL).  The count is checked against the bytes left,
 * each item taking at least n->item_min bytes, or against the budget of
 * zero-byte items.
 */
static bool
read_block(Dec *d, const DNode *n, int64_t *count, const uint8_t **block_end)
{
	const uint8_t *at = d->p;
	const uint8_t *limit = d->end;
	int64_t		c;

	*block_end = NULL;
	if (!read_long(d, &c, n->what))
		return false;
	if (c < 0)
	{
		int64_t		size;
		const uint8_t *size_at = d->p;

		if (c == INT64_MIN)
			return dec_fail(d, at, "block count out of range for %s", n->what);
		c = -c;
		if (!read_long(d, &size, n->what))
			return false;
		if (size < 0 || (uint64_t) size > left(d))
			return dec_fail(d, size_at, "block size %lld exceeds the %zu bytes left for %s",
							(long long) size, left(d), n->what);
		*block_end = d->p + size;
		limit = *block_end;
	}
	if (c > 0)
	{
		size_t		room = (size_t) (limit - d->p);

		if (n->item_min > 0)
		{
			if ((uint64_t) c > room / n->item_min)
				return dec_fail(d, at, "block count %lld exceeds the %zu bytes left for %s",
								(long long) c, room, n->what);
		}
		else
		{
			if ((uint64_t) c > d->zero_budget)
				return dec_fail(d, at, "block count %lld exceeds the limit of zero-byte items for %s",
								(long long) c, n->what);
			d->zero_budget -= (size_t) c;
		}
	}
	*count = c;
	return true;
}

static inline bool
end_block(Dec *d, const DNode *n, const uint8_t *block_end, const uint8_t *start)
{
	if (block_end != NULL && d->p != block_end)
		return dec_fail(d, start, "block of %zu bytes declares %zu for %s",
						(size_t) (d->p - start), (size_t) (block_end - start),
						n->what);
	return true;
}

static bool skip_node(Dec *d, const DNode *n, int depth);
static bool scalar_node(Dec *d, const DNode *n, MeshAvroValue *v);
static bool json_node(Dec *d, const DNode *n, int depth);

/* A map key: a string, validated as UTF-8 when rendered. */
static inline bool
read_key(Dec *d, const DNode *n, const uint8_t **key, size_t *klen, bool validate)
{
	int64_t		len;

	if (!read_length(d, &len, "map key", n->what))
		return false;
	*key = d->p;
	*klen = (size_t) len;
	d->p += len;
	return !validate || check_utf8(d, *key, *klen, n->what);
}

static bool
skip_node(Dec *d, const DNode *n, int depth)
{
	int64_t		v;

	switch ((DOp) n->op)
	{
		case OP_NULL:
			return true;
		case OP_BOOLEAN:
			if (!need(d, 1, "boolean", n->what))
				return false;
			if (*d->p > 1)
				return dec_fail(d, d->p, "boolean byte 0x%02x is neither 0 nor 1 for %s",
								*d->p, n->what);
			d->p++;
			return true;
		case OP_INT:
			return read_int(d, &v, n->what);
		case OP_LONG:
			return read_long(d, &v, n->what);
		case OP_FLOAT:
			if (!need(d, 4, "float", n->what))
				return false;
			d->p += 4;
			return true;
		case OP_DOUBLE:
			if (!need(d, 8, "double", n->what))
				return false;
			d->p += 8;
			return true;
		case OP_BYTES:
		case OP_STRING:
			if (!read_length(d, &v, n->op == OP_STRING ? "string" : "bytes", n->what))
				return false;
			d->p += v;
			return true;
		case OP_FIXED:
			if (!need(d, (size_t) n->size, "fixed", n->what))
				return false;
			d->p += n->size;
			return true;
		case OP_ENUM:
			{
				const uint8_t *at = d->p;

				if (!read_long(d, &v, n->what))
					return false;
				if (v < 0 || v >= n->nsymbols)
					return dec_fail(d, at, "enum index %lld out of range for %s (%d symbols)",
									(long long) v, n->what, n->nsymbols);
				return true;
			}
		case OP_UNION:
			if (!read_union_index(d, n, &v))
				return false;
			return skip_node(d, n->branches[v], depth);
		case OP_ARRAY:
		case OP_MAP:
			if (!enter(d, depth + 1, n->what))
				return false;
			for (;;)
			{
				int64_t		count;
				const uint8_t *block_end;
				const uint8_t *start;

				if (!read_block(d, n, &count, &block_end))
					return false;
				if (count == 0)
					return true;
				start = d->p;
				while (count-- > 0)
				{
					if (n->op == OP_MAP)
					{
						int64_t		klen;

						if (!read_length(d, &klen, "map key", n->what))
							return false;
						d->p += klen;
					}
					if (!skip_node(d, n->child, depth + 1))
						return false;
				}
				if (!end_block(d, n, block_end, start))
					return false;
			}
		case OP_RECORD:
			{
				int			i;

				if (!enter(d, depth + 1, n->what))
					return false;
				for (i = 0; i < n->nfields; i++)
					if (!skip_node(d, n->fields[i].node, depth + 1))
						return false;
				return true;
			}
		case OP_FAIL:
			return dec_fail(d, d->p, "%s", n->failmsg);
	}
	return dec_fail(d, d->p, "internal error: unknown operation %d", n->op);
}

/* Apply a unit conversion and the logical type's range to v->integer. */
static bool
finish_integer(Dec *d, const DNode *n, MeshAvroValue *v, const uint8_t *at)
{
	char		why[128];
	const char *err;

	if (n->conv == CONV_TIMES_1000)
	{
		if (v->integer > INT64_MAX / 1000 || v->integer < INT64_MIN / 1000)
			return dec_fail(d, at, "time value %lld out of range for %s",
							(long long) v->integer, n->what);
		v->integer *= 1000;
	}
	else if (n->conv == CONV_DIV_1000)
		v->integer = floor_div(v->integer, 1000);
	err = check_logical(v, why, sizeof(why));
	if (err != NULL)
		return dec_fail(d, at, "%s for %s", err, n->what);
	return true;
}

/*
 * A scalar (null, boolean, number, string, bytes, fixed, enum) into v, as
 * resolved for the reader.
 */
static bool
read_scalar(Dec *d, const DNode *n, MeshAvroValue *v)
{
	const uint8_t *at = d->p;
	int64_t		i = 0;

	*v = n->tmpl;
	switch ((DOp) n->op)
	{
		case OP_NULL:
			return true;
		case OP_BOOLEAN:
			if (!need(d, 1, "boolean", n->what))
				return false;
			if (*d->p > 1)
				return dec_fail(d, d->p, "boolean byte 0x%02x is neither 0 nor 1 for %s",
								*d->p, n->what);
			v->boolean = *d->p++ != 0;
			return true;
		case OP_INT:
		case OP_LONG:
			if (n->op == OP_INT ? !read_int(d, &i, n->what) : !read_long(d, &i, n->what))
				return false;
			if (v->kind == AVRO_FLOAT)
				v->real = (float) i;
			else if (v->kind == AVRO_DOUBLE)
				v->real = (double) i;
			else
			{
				v->integer = i;
				if (n->conv != CONV_NONE || v->logical != AVRO_LT_NONE)
					return finish_integer(d, n, v, at);
			}
			return true;
		case OP_FLOAT:
			{
				float		f;

				if (!need(d, 4, "float", n->what))
					return false;
				memcpy(&f, d->p, 4);	/* little-endian hosts only */
				d->p += 4;
				v->real = f;
				return true;
			}
		case OP_DOUBLE:
			if (!need(d, 8, "double", n->what))
				return false;
			memcpy(&v->real, d->p, 8);
			d->p += 8;
			return true;
		case OP_BYTES:
		case OP_STRING:
			if (!read_length(d, &i, n->op == OP_STRING ? "string" : "bytes", n->what))
				return false;
			v->data = (const char *) d->p;
			v->len = (size_t) i;
			d->p += i;
			if (n->utf8 && !check_utf8(d, (const uint8_t *) v->data, v->len, n->what))
				return false;
			if (v->logical == AVRO_LT_UUID)
			{
				char		why[64];

				if (check_logical(v, why, sizeof(why)) != NULL)
					return dec_fail(d, at, "%s for %s", why, n->what);
			}
			return true;
		case OP_FIXED:
			if (!need(d, (size_t) n->size, "fixed", n->what))
				return false;
			v->data = (const char *) d->p;
			v->len = (size_t) n->size;
			d->p += n->size;
			return true;
		case OP_ENUM:
			{
				int			r;

				if (!read_long(d, &i, n->what))
					return false;
				if (i < 0 || i >= n->nsymbols)
					return dec_fail(d, at, "enum index %lld out of range for %s (%d symbols)",
									(long long) i, n->what, n->nsymbols);
				r = n->enum_map[i];
				if (r < 0)
					return dec_fail(d, at, "enum symbol #%lld of %s is not in the reader's enum, which has no default",
									(long long) i, n->what);
				v->integer = r;
				v->data = n->symbols[r];
				v->len = n->symbol_lens[r];
				return true;
			}
		default:
			break;
	}
	return dec_fail(d, at, "internal error: %s is not a scalar", n->what);
}

static bool
scalar_node(Dec *d, const DNode *n, MeshAvroValue *v)
{
	int64_t		idx;

	/* a union takes the value of its branch, never itself a union */
	if (n->op == OP_UNION)
	{
		if (!read_union_index(d, n, &idx))
			return false;
		n = n->branches[idx];
	}
	if (AD_UNLIKELY(n->op == OP_FAIL))
		return dec_fail(d, d->p, "%s", n->failmsg);
	return read_scalar(d, n, v);
}

/* An array into the items scratch area (MESH_SHAPE_ARRAY). */
static bool
items_node(Dec *d, const DNode *n, MeshAvroValue *v, int depth)
{
	MeshAvroProgram *prog = d->prog;
	int64_t		idx;
	size_t		first;

	if (n->op == OP_UNION)
	{
		if (!read_union_index(d, n, &idx))
			return false;
		n = n->branches[idx];
	}
	if (n->op == OP_NULL)
	{
		*v = n->tmpl;
		return true;
	}
	if (n->op != OP_ARRAY)
		return dec_fail(d, d->p, "%s", n->op == OP_FAIL ? n->failmsg : "not an array");
	if (!enter(d, depth + 1, n->what))
		return false;
	*v = n->tmpl;
	first = prog->nitems;
	for (;;)
	{
		int64_t		count;
		const uint8_t *block_end;
		const uint8_t *start;

		if (!read_block(d, n, &count, &block_end))
			return false;
		if (count == 0)
			break;
		if ((uint64_t) count > AD_MAX_ALLOC / sizeof(MeshAvroValue) - prog->nitems)
			return dec_fail(d, d->p, "too many array items for %s", n->what);
		prog->items = grow_array(prog->items, &prog->items_cap,
								 prog->nitems + (size_t) count,
								 sizeof(MeshAvroValue));
		start = d->p;
		while (count-- > 0)
		{
			if (!scalar_node(d, n->child, &prog->items[prog->nitems]))
				return false;
			prog->nitems++;
		}
		if (!end_block(d, n, block_end, start))
			return false;
	}
	if (prog->nitems - first > (size_t) INT32_MAX)
		return dec_fail(d, d->p, "too many array items for %s", n->what);
	v->nitems = (int) (prog->nitems - first);
	prog->slot_off[d->slot] = first;
	return true;
}

/* A new segment on prog->segs (its index), or -1 past the limit. */
static inline bool
push_seg(Dec *d)
{
	MeshAvroProgram *prog = d->prog;

	if (AD_UNLIKELY(d->nsegs >= prog->segs_cap))
	{
		prog->segs = grow_array(prog->segs, &prog->segs_cap, d->nsegs + 1,
								sizeof(DSeg));
		if (d->nsegs >= prog->segs_cap)
			return dec_fail(d, d->p, "too many map entries and record fields");
	}
	memset(&prog->segs[d->nsegs], 0, sizeof(DSeg));
	d->nsegs++;
	return true;
}

/* Bytes of two map keys, for sorting; equal keys by position. */
static int
seg_key_cmp(const DSeg *a, const DSeg *b)
{
	size_t		n = a->key_len < b->key_len ? a->key_len : b->key_len;
	int			c = n > 0 ? memcmp(a->key, b->key, n) : 0;

	if (c != 0)
		return c;
	if (a->key_len != b->key_len)
		return a->key_len < b->key_len ? -1 : 1;
	return a < b ? -1 : a > b ? 1 : 0;
}

/*
 * Mark the map entries segs[0..n) whose key a later entry repeats; true if
 * there are any.  A merge sort, so that a hostile map costs n log n.
 */
static bool
mark_duplicate_keys(MeshAvroProgram *prog, DSeg *segs, size_t n)
{
	uint32_t   *a;
	uint32_t   *b;
	size_t		width;
	size_t		i;
	size_t		j;
	bool		found = false;

	if (n < 2)
		return false;
	if (n <= 16)
	{
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (segs[i].key_len == segs[j].key_len &&
					memcmp(segs[i].key, segs[j].key, segs[i].key_len) == 0)
				{
					segs[i].dead = true;
					found = true;
					break;
				}
		return found;
	}
	prog->order = grow_array(prog->order, &prog->order_cap, 2 * n, sizeof(uint32_t));
	a = prog->order;
	b = prog->order + n;
	for (i = 0; i < n; i++)
		a[i] = (uint32_t) i;
	for (width = 1; width < n; width *= 2)
	{
		size_t		lo;

		for (lo = 0; lo < n; lo += 2 * width)
		{
			size_t		mid = lo + width < n ? lo + width : n;
			size_t		hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t		x = lo;
			size_t		y = mid;
			size_t		k = lo;

			while (x < mid && y < hi)
				b[k++] = seg_key_cmp(&segs[a[x]], &segs[a[y]]) <= 0 ? a[x++] : a[y++];
			while (x < mid)
				b[k++] = a[x++];
			while (y < hi)
				b[k++] = a[y++];
		}
		{
			uint32_t   *t = a;

			a = b;
			b = t;
		}
	}
	/* equal keys are adjacent, in entry order: all but the last die */
	for (i = 0; i + 1 < n; i++)
	{
		DSeg	   *s = &segs[a[i]];
		DSeg	   *t = &segs[a[i + 1]];

		if (s->key_len == t->key_len && memcmp(s->key, t->key, s->key_len) == 0)
		{
			s->dead = true;
			found = true;
		}
	}
	return found;
}

/*
 * Rewrite a map's JSON text from start on as an object of its live entries
 * segs[0..n), written after the text and then moved over it.
 */
static void
rewrite_map(MeshBuf *o, size_t start, DSeg *segs, size_t n)
{
	size_t		region_end = o->len;
	bool		first = true;
	size_t		i;

	out_char(o, '{');
	for (i = 0; i < n; i++)
	{
		size_t		len = segs[i].end - segs[i].start;

		if (segs[i].dead)
			continue;
		if (!first)
			out_char(o, ',');
		first = false;
		out_reserve(o, len);
		memcpy(o->data + o->len, o->data + segs[i].start, len);
		o->len += len;
	}
	out_char(o, '}');
	memmove(o->data + start, o->data + region_end, o->len - region_end);
	o->len = start + (o->len - region_end);
}

/* A record whose reader fields come in another order than the writer's. */
static bool
json_record_reordered(Dec *d, const DNode *n, int depth)
{
	MeshAvroProgram *prog = d->prog;
	MeshBuf    *o = &prog->json;
	size_t		base = d->nsegs;
	size_t		start = o->len;
	size_t		region_end;
	int			i;

	for (i = 0; i < n->nout; i++)
		if (!push_seg(d))
			return false;
	for (i = 0; i < n->nfields; i++)
	{
		const DField *f = &n->fields[i];

		if (f->out < 0)
		{
			if (!skip_node(d, f->node, depth))
				return false;
			continue;
		}
		prog->segs[base + f->out].start = o->len;
		if (!json_node(d, f->node, depth))
			return false;
		prog->segs[base + f->out].end = o->len;
	}
	/* the object in reader order after the values, then over them */
	region_end = o->len;
	out_char(o, '{');
	for (i = 0; i < n->nout; i++)
	{
		if (i > 0)
			out_char(o, ',');
		out_append(o, n->keys[i], n->key_lens[i]);
		if (n->defaults[i] != NULL)
			out_append(o, n->defaults[i], n->default_lens[i]);
		else
		{
			DSeg	   *s = &prog->segs[base + i];
			size_t		len = s->end - s->start;

			out_reserve(o, len);
			memcpy(o->data + o->len, o->data + s->start, len);
			o->len += len;
		}
	}
	out_char(o, '}');
	memmove(o->data + start, o->data + region_end, o->len - region_end);
	o->len = start + (o->len - region_end);
	d->nsegs = base;
	return true;
}

static bool
json_node(Dec *d, const DNode *n, int depth)
{
	MeshAvroProgram *prog = d->prog;
	MeshBuf    *o = &prog->json;
	int64_t		idx;

	if (AD_UNLIKELY(o->len > AD_JSON_LIMIT))
		return dec_fail(d, d->p, "JSON text of %s exceeds %zu bytes", n->what,
						AD_JSON_LIMIT);
	switch ((DOp) n->op)
	{
		case OP_NULL:
		case OP_BOOLEAN:
		case OP_INT:
		case OP_LONG:
		case OP_FLOAT:
		case OP_DOUBLE:
		case OP_BYTES:
		case OP_STRING:
		case OP_FIXED:
		case OP_ENUM:
			{
				MeshAvroValue v;
				const uint8_t *at = d->p;
				char		why[128];

				if (!read_scalar(d, n, &v))
					return false;
				/* the most a string can take escaped, checked before */
				if ((v.kind == AVRO_STRING || v.kind == AVRO_BYTES) &&
					v.len > (AD_JSON_LIMIT - o->len) / 6)
					return dec_fail(d, at, "JSON text of %s exceeds %zu bytes",
									n->what, AD_JSON_LIMIT);
				if (render_scalar(o, &v, why, sizeof(why)) != NULL)
					return dec_fail(d, at, "%s for %s", why, n->what);
				return true;
			}
		case OP_UNION:
			if (!read_union_index(d, n, &idx))
				return false;
			return json_node(d, n->branches[idx], depth);
		case OP_FAIL:
			return dec_fail(d, d->p, "%s", n->failmsg);
		case OP_ARRAY:
			{
				bool		first = true;

				if (!enter(d, depth + 1, n->what))
					return false;
				out_char(o, '[');
				for (;;)
				{
					int64_t		count;
					const uint8_t *block_end;
					const uint8_t *start;

					if (!read_block(d, n, &count, &block_end))
						return false;
					if (count == 0)
						break;
					start = d->p;
					while (count-- > 0)
					{
						if (!first)
							out_char(o, ',');
						first = false;
						if (!json_node(d, n->child, depth + 1))
							return false;
					}
					if (!end_block(d, n, block_end, start))
						return false;
				}
				out_char(o, ']');
				return true;
			}
		case OP_MAP:
			{
				size_t		base = d->nsegs;
				size_t		start = o->len;
				size_t		nentries;

				if (!enter(d, depth + 1, n->what))
					return false;
				out_char(o, '{');
				for (;;)
				{
					int64_t		count;
					const uint8_t *block_end;
					const uint8_t *bstart;

					if (!read_block(d, n, &count, &block_end))
						return false;
					if (count == 0)
						break;
					bstart = d->p;
					while (count-- > 0)
					{
						const uint8_t *key;
						size_t		klen;
						size_t		si;

						if (d->nsegs > base)
							out_char(o, ',');
						if (!read_key(d, n, &key, &klen, true))
							return false;
						if (klen > (AD_JSON_LIMIT - o->len) / 6)
							return dec_fail(d, key, "JSON text of %s exceeds %zu bytes",
											n->what, AD_JSON_LIMIT);
						si = d->nsegs;
						if (!push_seg(d))
							return false;
						prog->segs[si].start = o->len;
						prog->segs[si].key = key;
						prog->segs[si].key_len = klen;
						out_json_string(o, (const char *) key, klen);
						out_char(o, ':');
						if (!json_node(d, n->child, depth + 1))
							return false;
						prog->segs[si].end = o->len;
					}
					if (!end_block(d, n, block_end, bstart))
						return false;
				}
				out_char(o, '}');
				/* a repeated key: the last value wins, as in jsonb */
				nentries = d->nsegs - base;
				if (mark_duplicate_keys(prog, prog->segs + base, nentries))
				{
					o->len--;	/* the '}' */
					rewrite_map(o, start, prog->segs + base, nentries);
				}
				d->nsegs = base;
				return true;
			}
		case OP_RECORD:
			{
				int			i;

				if (!enter(d, depth + 1, n->what))
					return false;
				if (!n->in_order)
					return json_record_reordered(d, n, depth + 1);
				for (i = 0; i < n->nfields; i++)
				{
					const DField *f = &n->fields[i];

					if (f->out < 0)
					{
						if (!skip_node(d, f->node, depth + 1))
							return false;
						continue;
					}
					out_append(o, f->prefix, f->prefix_len);
					if (!json_node(d, f->node, depth + 1))
						return false;
				}
				out_append(o, n->suffix, n->suffix_len);
				return true;
			}
	}
	return dec_fail(d, d->p, "internal error: unknown operation %d", n->op);
}

/* ------------------------------------------------------------------------
 * Default values
 * ------------------------------------------------------------------------
 */

/* The first branch of a union (whose type a default has), or t. */
static const MeshAvroType *
default_type(const MeshAvroType *t)
{
	if (t->kind == AVRO_UNION && t->nbranches > 0)
		return t->branches[0];
	return t;
}

/*
 * A JSON default of bytes or fixed: each code point U+0000..U+00FF is one
 * byte.
 */
static bool
default_bytes(const MeshJson *json, const char **data, size_t *len)
{
	const unsigned char *s = (const unsigned char *) json->string;
	char	   *out = mesh_alloc(json->string_len + 1);
	size_t		n = 0;
	size_t		i = 0;

	while (i < json->string_len)
	{
		if (s[i] < 0x80)
			out[n++] = (char) s[i++];
		else if ((s[i] == 0xC2 || s[i] == 0xC3) && i + 1 < json->string_len)
		{
			out[n++] = (char) (((s[i] & 0x1F) << 6) | (s[i + 1] & 0x3F));
			i += 2;
		}
		else
			return false;
	}
	*data = out;
	*len = n;
	return true;
}

static bool
default_scalar(const MeshAvroType *type, const MeshJson *json,
			   MeshAvroValue *v, char *why, size_t whylen)
{
	const MeshAvroType *t = default_type(type);
	int			i;

	memset(v, 0, sizeof(*v));
	v->present = true;
	v->kind = t->kind;
	v->logical = t->logical;
	v->precision = t->precision;
	v->scale = t->scale;
	switch (t->kind)
	{
		case AVRO_NULL:
			if (json->type != MJ_NULL)
				break;
			v->is_null = true;
			return true;
		case AVRO_BOOLEAN:
			if (json->type != MJ_BOOL)
				break;
			v->boolean = json->boolean;
			return true;
		case AVRO_INT:
		case AVRO_LONG:
			if (json->type != MJ_NUMBER || !json->is_integer ||
				(t->kind == AVRO_INT &&
				 (json->integer < INT32_MIN || json->integer > INT32_MAX)))
				break;
			v->integer = json->integer;
			return check_logical(v, why, whylen) == NULL;
		case AVRO_FLOAT:
			if (json->type != MJ_NUMBER)
				break;
			v->real = (float) mesh_json_real(json);
			return true;
		case AVRO_DOUBLE:
			if (json->type != MJ_NUMBER)
				break;
			v->real = mesh_json_real(json);
			return true;
		case AVRO_STRING:
			if (json->type != MJ_STRING)
				break;
			v->data = json->string;
			v->len = json->string_len;
			return check_logical(v, why, whylen) == NULL;
		case AVRO_BYTES:
		case AVRO_FIXED:
			if (json->type != MJ_STRING || !default_bytes(json, &v->data, &v->len))
				break;
			if (t->kind == AVRO_FIXED && v->len != (size_t) t->size)
				break;
			return true;
		case AVRO_ENUM:
			if (json->type != MJ_STRING)
				break;
			for (i = 0; i < t->nsymbols; i++)
				if (strcmp(t->symbols[i], json->string) == 0)
				{
					v->integer = i;
					v->data = t->symbols[i];
					v->len = strlen(t->symbols[i]);
					return true;
				}
			break;
		default:
			snprintf(why, whylen, "a %s default cannot be a scalar",
					 mesh_avro_kind_name(t->kind));
			return false;
	}
	snprintf(why, whylen, "default does not match its type %s",
			 mesh_avro_kind_name(t->kind));
	return false;
}

static bool
default_json(MeshBuf *o, const MeshAvroType *type, const MeshJson *json,
			 int depth, char *why, size_t whylen)
{
	const MeshAvroType *t = default_type(type);
	int			i;

	if (depth > AD_MAX_DEFAULT_DEPTH)
	{
		snprintf(why, whylen, "default nests deeper than %d levels",
				 AD_MAX_DEFAULT_DEPTH);
		return false;
	}
	switch (t->kind)
	{
		case AVRO_RECORD:
			if (json->type != MJ_OBJECT)
				break;
			out_char(o, '{');
			for (i = 0; i < t->nfields; i++)
			{
				const MeshAvroField *f = &t->fields[i];
				const MeshJson *member = mesh_json_get(json, f->name);

				if (member == NULL)
					member = f->default_value;
				if (member == NULL)
				{
					snprintf(why, whylen, "default lacks field \"%s\", which has no default",
							 f->name);
					return false;
				}
				if (i > 0)
					out_char(o, ',');
				out_json_string(o, f->name, strlen(f->name));
				out_char(o, ':');
				if (!default_json(o, f->type, member, depth + 1, why, whylen))
					return false;
			}
			out_char(o, '}');
			return true;
		case AVRO_ARRAY:
			if (json->type != MJ_ARRAY)
				break;
			out_char(o, '[');
			for (i = 0; i < json->count; i++)
			{
				if (i > 0)
					out_char(o, ',');
				if (!default_json(o, t->items, json->items[i], depth + 1, why, whylen))
					return false;
			}
			out_char(o, ']');
			return true;
		case AVRO_MAP:
			if (json->type != MJ_OBJECT)
				break;
			out_char(o, '{');
			for (i = 0; i < json->count; i++)
			{
				if (i > 0)
					out_char(o, ',');
				out_json_string(o, json->keys[i], strlen(json->keys[i]));
				out_char(o, ':');
				if (!default_json(o, t->values, json->items[i], depth + 1, why, whylen))
					return false;
			}
			out_char(o, '}');
			return true;
		case AVRO_UNION:
			snprintf(why, whylen, "a union without branches has no default");
			return false;
		default:
			{
				MeshAvroValue v;

				if (!default_scalar(t, json, &v, why, whylen))
					return false;
				return render_scalar(o, &v, why, whylen) == NULL;
			}
	}
	snprintf(why, whylen, "default does not match its type %s",
			 mesh_avro_kind_name(t->kind));
	return false;
}

bool
mesh_avro_default_value(const MeshAvroType *type, const MeshJson *json,
						MeshAvroShape shape, MeshAvroValue *value,
						char *errbuf, size_t errlen)
{
	char		why[256];
	const MeshAvroType *t;

	memset(value, 0, sizeof(*value));
	if (type == NULL || json == NULL)
	{
		set_error(errbuf, errlen, "no type or no default");
		return false;
	}
	t = default_type(type);
	switch (shape)
	{
		case MESH_SHAPE_SCALAR:
			if (!default_scalar(type, json, value, why, sizeof(why)))
			{
				set_error(errbuf, errlen, "%s", why);
				return false;
			}
			return true;
		case MESH_SHAPE_ARRAY:
			{
				int			i;

				if (t->kind == AVRO_NULL && json->type == MJ_NULL)
				{
					value->present = true;
					value->is_null = true;
					value->kind = AVRO_NULL;
					return true;
				}
				if (t->kind != AVRO_ARRAY || json->type != MJ_ARRAY)
				{
					set_error(errbuf, errlen, "default of a %s is not an array",
							  mesh_avro_kind_name(t->kind));
					return false;
				}
				value->present = true;
				value->kind = AVRO_ARRAY;
				value->nitems = json->count;
				if (json->count > 0)
					value->items = mesh_alloc(json->count * sizeof(MeshAvroValue));
				for (i = 0; i < json->count; i++)
					if (!default_scalar(t->items, json->items[i], &value->items[i],
										why, sizeof(why)))
					{
						set_error(errbuf, errlen, "item %d: %s", i, why);
						return false;
					}
				return true;
			}
		case MESH_SHAPE_JSON:
			{
				MeshBuf		buf;

				memset(&buf, 0, sizeof(buf));
				if (!default_json(&buf, type, json, 0, why, sizeof(why)))
				{
					set_error(errbuf, errlen, "%s", why);
					return false;
				}
				out_reserve(&buf, 0);
				buf.data[buf.len] = '\0';
				value->present = true;
				value->kind = t->kind;
				value->logical = t->logical;
				value->precision = t->precision;
				value->scale = t->scale;
				value->data = buf.data;
				value->len = buf.len;
				value->is_null = buf.len == 4 && memcmp(buf.data, "null", 4) == 0;
				return true;
			}
	}
	set_error(errbuf, errlen, "unknown shape %d", (int) shape);
	return false;
}

/* ------------------------------------------------------------------------
 * Compiling
 * ------------------------------------------------------------------------
 */

/* Record nodes made so far, by (writer, reader, mode). */
typedef struct Memo
{
	const MeshAvroType *w;
	const MeshAvroType *r;
	int			mode;
	DNode	   *node;
} Memo;

typedef struct Compiler
{
	Memo	   *memo;			/* open addressing, a power of 2 */
	size_t		memo_cap;
	size_t		nmemo;
	int			depth;
	char		why[512];		/* why the last compile_node failed */
} Compiler;

static void cfail(Compiler *c, const char *fmt,...)
			__attribute__((format(AD_PRINTF_ARCHETYPE, 2, 3)));

static void
cfail(Compiler *c, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	clip_utf8(c->why);
}

/*
 * Errors that name types, formatted outside the recursive frames of
 * compile_node (their buffers would cost stack at every level).
 */
static void __attribute__((noinline))
cfail_mismatch(Compiler *c, const char *what, const MeshAvroType *w,
			   const MeshAvroType *r)
{
	char		wl[300];
	char		rl[300];

	cfail(c, "%s: the writer's %s cannot be read as the reader's %s", what,
		  type_label(w, wl, sizeof(wl)), type_label(r, rl, sizeof(rl)));
}

static void __attribute__((noinline))
cfail_branch(Compiler *c, const char *what, int i, const MeshAvroType *wb,
			 const MeshAvroType *r)
{
	char		wl[300];
	char		rl[300];

	cfail(c, "%s: the writer's union branch %d (%s) matches no type of the reader's %s",
		  what, i, type_label(wb, wl, sizeof(wl)), type_label(r, rl, sizeof(rl)));
}

static void __attribute__((noinline))
cfail_no_branch(Compiler *c, const char *what, const MeshAvroType *w)
{
	char		wl[300];

	cfail(c, "%s: the writer's %s matches no branch of the reader's union",
		  what, type_label(w, wl, sizeof(wl)));
}

static void __attribute__((noinline))
cfail_default(Compiler *c, const MeshAvroField *rf, const MeshAvroType *r)
{
	char		tmp[sizeof(c->why)];

	memcpy(tmp, c->why, sizeof(tmp));
	cfail(c, "default of field \"%s\" of record \"%s\": %s",
		  rf->name, r->fullname, tmp);
}

static size_t
memo_hash(const MeshAvroType *w, const MeshAvroType *r, int mode)
{
	uint64_t	h = (uint64_t) (uintptr_t) w * UINT64_C(0x9E3779B97F4A7C15);

	h ^= (uint64_t) (uintptr_t) r * UINT64_C(0xC2B2AE3D27D4EB4F);
	h ^= (uint64_t) mode * UINT64_C(0x165667B19E3779F9);
	return (size_t) (h ^ (h >> 29));
}

static DNode *
memo_get(Compiler *c, const MeshAvroType *w, const MeshAvroType *r, int mode)
{
	size_t		h;

	if (c->memo_cap == 0)
		return NULL;
	h = memo_hash(w, r, mode) & (c->memo_cap - 1);
	while (c->memo[h].node != NULL)
	{
		if (c->memo[h].w == w && c->memo[h].r == r && c->memo[h].mode == mode)
			return c->memo[h].node;
		h = (h + 1) & (c->memo_cap - 1);
	}
	return NULL;
}

static void
memo_put(Compiler *c, const MeshAvroType *w, const MeshAvroType *r, int mode,
		 DNode *node)
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
				memo_put(c, old[i].w, old[i].r, old[i].mode, old[i].node);
		mesh_free(old);
	}
	h = memo_hash(w, r, mode) & (c->memo_cap - 1);
	while (c->memo[h].node != NULL)
		h = (h + 1) & (c->memo_cap - 1);
	c->memo[h].w = w;
	c->memo[h].r = r;
	c->memo[h].mode = mode;
	c->memo[h].node = node;
	c->nmemo++;
}

static const char *
short_name(const char *fullname)
{
	const char *dot = strrchr(fullname, '.');

	return dot != NULL ? dot + 1 : fullname;
}

/*
 * Named types match by unqualified name, or by one of the reader's aliases
 * (full names: matched in full, or by their last part).
 */
static bool
names_match(const MeshAvroType *w, const MeshAvroType *r)
{
	int			i;

	if (strcmp(w->name, r->name) == 0)
		return true;
	for (i = 0; i < r->naliases; i++)
		if (strcmp(r->aliases[i], w->fullname) == 0 ||
			strcmp(short_name(r->aliases[i]), w->name) == 0)
			return true;
	return false;
}

/*
 * Whether a writer's type can be read as a reader's by the specification's
 * rules, looking no deeper than the names of named types: what picks the
 * branch of a reader's union.  A union on either side always matches here
 * (its branches are resolved one by one).
 */
static bool
shallow_match(const MeshAvroType *w, const MeshAvroType *r)
{
	if (w->kind == AVRO_UNION || r->kind == AVRO_UNION)
		return true;
	switch (w->kind)
	{
		case AVRO_INT:
			return r->kind == AVRO_INT || r->kind == AVRO_LONG ||
				r->kind == AVRO_FLOAT || r->kind == AVRO_DOUBLE;
		case AVRO_LONG:
			return r->kind == AVRO_LONG || r->kind == AVRO_FLOAT ||
				r->kind == AVRO_DOUBLE;
		case AVRO_FLOAT:
			return r->kind == AVRO_FLOAT || r->kind == AVRO_DOUBLE;
		case AVRO_STRING:
		case AVRO_BYTES:
			return r->kind == AVRO_STRING || r->kind == AVRO_BYTES;
		case AVRO_ARRAY:
			return r->kind == AVRO_ARRAY && shallow_match(w->items, r->items);
		case AVRO_MAP:
			return r->kind == AVRO_MAP && shallow_match(w->values, r->values);
		case AVRO_FIXED:
			return r->kind == AVRO_FIXED && w->size == r->size && names_match(w, r);
		case AVRO_ENUM:
		case AVRO_RECORD:
			return r->kind == w->kind && names_match(w, r);
		default:
			return r->kind == w->kind;
	}
}

static DNode *
new_node(DOp op, DMode mode, const char *what)
{
	DNode	   *n = mesh_alloc(sizeof(DNode));

	n->op = (uint8_t) op;
	n->mode = (uint8_t) mode;
	n->what = what;
	n->tmpl.present = true;
	return n;
}

static DNode *
fail_node(const char *msg, const char *what)
{
	DNode	   *n = new_node(OP_FAIL, MODE_SKIP, what);

	n->failmsg = mesh_strndup(msg, strlen(msg));
	return n;
}

static DNode *compile_node(Compiler *c, const MeshAvroType *w,
						   const MeshAvroType *r, DMode mode, const char *what);

/* Whether a record field's name (or one of the reader's aliases) matches. */
static int
find_writer_field(const MeshAvroType *w, const char *name)
{
	int			i;

	for (i = 0; i < w->nfields; i++)
		if (strcmp(w->fields[i].name, name) == 0)
			return i;
	return -1;
}

/* '"name":' */
static const char *
json_key(const char *name, size_t *len)
{
	MeshBuf		b;

	memset(&b, 0, sizeof(b));
	out_json_string(&b, name, strlen(name));
	out_char(&b, ':');
	b.data[b.len] = '\0';
	*len = b.len;
	return b.data;
}

/* A record: SKIP or JSON, resolved field by field. */
static DNode *
compile_record(Compiler *c, const MeshAvroType *w, const MeshAvroType *r,
			   DMode mode, const char *what)
{
	DNode	   *n;
	int		   *wfor;			/* reader field -> writer field */
	int		   *rfor;			/* writer field -> reader field */
	int			i;
	int			j;

	if (mode == MODE_SKIP)
		r = NULL;
	n = memo_get(c, w, r, mode);
	if (n != NULL)
	{
		if (n->op == OP_FAIL)
		{
			cfail(c, "%s", n->failmsg);
			return NULL;
		}
		return n;				/* done, or in progress: a recursive use */
	}
	n = new_node(OP_RECORD, mode, what);
	n->in_progress = true;
	n->tmpl.kind = AVRO_RECORD;
	memo_put(c, w, r, mode, n);

	n->nfields = w->nfields;
	n->fields = mesh_alloc((w->nfields > 0 ? w->nfields : 1) * sizeof(DField));
	rfor = mesh_alloc((w->nfields > 0 ? w->nfields : 1) * sizeof(int));
	for (i = 0; i < w->nfields; i++)
		rfor[i] = -1;

	if (mode != MODE_SKIP)
	{
		/* reader fields by name, then by alias among writer fields left */
		n->nout = r->nfields;
		wfor = mesh_alloc((r->nfields > 0 ? r->nfields : 1) * sizeof(int));
		for (j = 0; j < r->nfields; j++)
		{
			wfor[j] = find_writer_field(w, r->fields[j].name);
			if (wfor[j] >= 0)
				rfor[wfor[j]] = j;
		}
		for (j = 0; j < r->nfields; j++)
		{
			int			a;

			for (a = 0; wfor[j] < 0 && a < r->fields[j].naliases; a++)
			{
				i = find_writer_field(w, r->fields[j].aliases[a]);
				if (i >= 0 && rfor[i] < 0)
				{
					wfor[j] = i;
					rfor[i] = j;
				}
			}
		}
		n->keys = mesh_alloc((r->nfields > 0 ? r->nfields : 1) * sizeof(char *));
		n->key_lens = mesh_alloc((r->nfields > 0 ? r->nfields : 1) * sizeof(size_t));
		n->defaults = mesh_alloc((r->nfields > 0 ? r->nfields : 1) * sizeof(char *));
		n->default_lens = mesh_alloc((r->nfields > 0 ? r->nfields : 1) * sizeof(size_t));
		for (j = 0; j < r->nfields; j++)
		{
			const MeshAvroField *rf = &r->fields[j];

			n->keys[j] = json_key(rf->name, &n->key_lens[j]);
			if (wfor[j] < 0)
			{
				MeshBuf		b;

				if (rf->default_value == NULL)
				{
					cfail(c, "field \"%s\" of the reader's record \"%s\" has no default, and the writer's record \"%s\" lacks it",
						  rf->name, r->fullname, w->fullname);
					goto failed;
				}
				memset(&b, 0, sizeof(b));
				if (!default_json(&b, rf->type, rf->default_value, 0,
								  c->why, sizeof(c->why)))
				{
					cfail_default(c, rf, r);
					goto failed;
				}
				n->defaults[j] = b.data;
				n->default_lens[j] = b.len;
			}
		}
	}

	for (i = 0; i < w->nfields; i++)
	{
		const MeshAvroField *wf = &w->fields[i];
		const char *fwhat = ad_printf("field \"%s\" of record \"%s\"", wf->name,
									  w->fullname);
		DNode	   *child;

		n->fields[i].out = rfor[i];
		if (rfor[i] < 0)
			child = compile_node(c, wf->type, NULL, MODE_SKIP, fwhat);
		else
			child = compile_node(c, wf->type, r->fields[rfor[i]].type, mode, fwhat);
		if (child == NULL)
			goto failed;
		n->fields[i].node = child;
		n->min_size += child->min_size;
	}

	if (mode == MODE_JSON)
	{
		/* in order when the writer gives the reader's fields in its order */
		int			last = -1;

		n->in_order = true;
		for (i = 0; i < w->nfields; i++)
			if (rfor[i] >= 0)
			{
				if (rfor[i] < last)
					n->in_order = false;
				last = rfor[i];
			}
		if (n->in_order)
		{
			/* the text between values, defaults included, made once */
			MeshBuf		b;
			int			next = 0;

			memset(&b, 0, sizeof(b));
			out_char(&b, '{');
			for (i = 0; i < w->nfields; i++)
			{
				if (rfor[i] < 0)
					continue;
				for (j = next; j <= rfor[i]; j++)
				{
					if (j > 0)
						out_char(&b, ',');
					out_append(&b, n->keys[j], n->key_lens[j]);
					if (j < rfor[i])
						out_append(&b, n->defaults[j], n->default_lens[j]);
				}
				next = rfor[i] + 1;
				b.data[b.len] = '\0';
				n->fields[i].prefix = b.data;
				n->fields[i].prefix_len = b.len;
				memset(&b, 0, sizeof(b));
			}
			for (j = next; j < r->nfields; j++)
			{
				if (j > 0)
					out_char(&b, ',');
				out_append(&b, n->keys[j], n->key_lens[j]);
				out_append(&b, n->defaults[j], n->default_lens[j]);
			}
			out_char(&b, '}');
			b.data[b.len] = '\0';
			n->suffix = b.data;
			n->suffix_len = b.len;
		}
	}
	n->in_progress = false;
	return n;

failed:
	/* uses of this node made meanwhile fail the messages that reach them */
	n->op = OP_FAIL;
	n->in_progress = false;
	n->failmsg = mesh_strndup(c->why, strlen(c->why));
	return NULL;
}

/* Both schemas non-union: resolve w against r. */
static DNode *
compile_resolved(Compiler *c, const MeshAvroType *w, const MeshAvroType *r,
				 DMode mode, const char *what)
{
	DNode	   *n;
	int			i;

	if (!shallow_match(w, r))
	{
		cfail_mismatch(c, what, w, r);
		return NULL;
	}
	if (mode == MODE_SCALAR &&
		(r->kind == AVRO_RECORD || r->kind == AVRO_ARRAY || r->kind == AVRO_MAP))
	{
		cfail(c, "%s: a %s is not a scalar", what, mesh_avro_kind_name(r->kind));
		return NULL;
	}
	if (mode == MODE_ITEMS && r->kind != AVRO_ARRAY && r->kind != AVRO_NULL)
	{
		cfail(c, "%s: a %s is not an array", what, mesh_avro_kind_name(r->kind));
		return NULL;
	}
	if (w->logical == AVRO_LT_DECIMAL && r->logical == AVRO_LT_DECIMAL &&
		w->scale != r->scale)
	{
		cfail(c, "%s: the writer's decimal scale %d differs from the reader's %d",
			  what, w->scale, r->scale);
		return NULL;
	}
	if (w->kind == AVRO_RECORD)
		return compile_record(c, w, r, mode, what);

	n = new_node(OP_NULL, mode, what);
	n->tmpl.kind = r->kind;
	n->tmpl.logical = r->logical;
	n->tmpl.precision = r->precision;
	n->tmpl.scale = r->scale;
	switch (w->kind)
	{
		case AVRO_NULL:
			n->op = OP_NULL;
			n->tmpl.is_null = true;
			break;
		case AVRO_BOOLEAN:
			n->op = OP_BOOLEAN;
			n->min_size = 1;
			break;
		case AVRO_INT:
		case AVRO_LONG:
			n->op = w->kind == AVRO_INT ? OP_INT : OP_LONG;
			n->min_size = 1;
			/* the same instant or time of day in the reader's unit */
			if ((w->logical == AVRO_LT_TIMESTAMP_MILLIS && r->logical == AVRO_LT_TIMESTAMP_MICROS) ||
				(w->logical == AVRO_LT_LOCAL_TIMESTAMP_MILLIS && r->logical == AVRO_LT_LOCAL_TIMESTAMP_MICROS) ||
				(w->logical == AVRO_LT_TIME_MILLIS && r->logical == AVRO_LT_TIME_MICROS))
				n->conv = CONV_TIMES_1000;
			else if ((w->logical == AVRO_LT_TIMESTAMP_MICROS && r->logical == AVRO_LT_TIMESTAMP_MILLIS) ||
					 (w->logical == AVRO_LT_LOCAL_TIMESTAMP_MICROS && r->logical == AVRO_LT_LOCAL_TIMESTAMP_MILLIS))
				n->conv = CONV_DIV_1000;
			break;
		case AVRO_FLOAT:
			n->op = OP_FLOAT;
			n->min_size = 4;
			break;
		case AVRO_DOUBLE:
			n->op = OP_DOUBLE;
			n->min_size = 8;
			break;
		case AVRO_BYTES:
		case AVRO_STRING:
			n->op = w->kind == AVRO_STRING ? OP_STRING : OP_BYTES;
			n->min_size = 1;
			n->utf8 = r->kind == AVRO_STRING && mode != MODE_SKIP;
			break;
		case AVRO_FIXED:
			n->op = OP_FIXED;
			n->size = w->size;
			n->min_size = (size_t) w->size;
			break;
		case AVRO_ENUM:
			n->op = OP_ENUM;
			n->min_size = 1;
			n->nsymbols = w->nsymbols;
			n->enum_map = mesh_alloc((w->nsymbols > 0 ? w->nsymbols : 1) * sizeof(int));
			n->symbols = r->symbols;
			n->symbol_lens = mesh_alloc((r->nsymbols > 0 ? r->nsymbols : 1) * sizeof(size_t));
			for (i = 0; i < r->nsymbols; i++)
				n->symbol_lens[i] = strlen(r->symbols[i]);
			for (i = 0; i < w->nsymbols; i++)
			{
				int			k;

				n->enum_map[i] = -1;
				for (k = 0; k < r->nsymbols; k++)
					if (strcmp(w->symbols[i], r->symbols[k]) == 0)
						n->enum_map[i] = k;
				if (n->enum_map[i] < 0 && r->enum_default != NULL)
					for (k = 0; k < r->nsymbols; k++)
						if (strcmp(r->enum_default, r->symbols[k]) == 0)
							n->enum_map[i] = k;
			}
			break;
		case AVRO_ARRAY:
		case AVRO_MAP:
			n->op = w->kind == AVRO_ARRAY ? OP_ARRAY : OP_MAP;
			n->min_size = 1;
			n->child = compile_node(c, w->kind == AVRO_ARRAY ? w->items : w->values,
									w->kind == AVRO_ARRAY ? r->items : r->values,
									mode == MODE_ITEMS ? MODE_SCALAR : mode, what);
			if (n->child == NULL)
				return NULL;
			/* a map item starts with its key's length */
			n->item_min = n->child->min_size + (w->kind == AVRO_MAP ? 1 : 0);
			break;
		default:
			cfail(c, "%s: internal error: unexpected %s", what,
				  mesh_avro_kind_name(w->kind));
			return NULL;
	}
	return n;
}

/*
 * The branch of the reader's union that a writer's (non-union) type goes
 * to.  The specification says "the first schema in the reader's union that
 * matches"; taken literally (as fastavro does), a string would go to the
 * bytes branch of ["bytes", "string"], and an int to the float branch of a
 * ["float", "int"] that is the writer's own union.  Like the Java
 * implementation, an exact match comes first: the same named type by full
 * name, then the same type (named types by unqualified name or alias); only
 * then the first branch it is promoted to.
 */
static const MeshAvroType *
pick_branch(const MeshAvroType *w, const MeshAvroType *r)
{
	int			i;

	if (r->kind != AVRO_UNION)
		return shallow_match(w, r) ? r : NULL;
	if (w->kind == AVRO_RECORD || w->kind == AVRO_ENUM || w->kind == AVRO_FIXED)
		for (i = 0; i < r->nbranches; i++)
			if (r->branches[i]->kind == w->kind &&
				strcmp(r->branches[i]->fullname, w->fullname) == 0 &&
				shallow_match(w, r->branches[i]))
				return r->branches[i];
	for (i = 0; i < r->nbranches; i++)
		if (r->branches[i]->kind == w->kind && shallow_match(w, r->branches[i]))
			return r->branches[i];
	for (i = 0; i < r->nbranches; i++)
		if (shallow_match(w, r->branches[i]))
			return r->branches[i];
	return NULL;
}

static DNode *
compile_node(Compiler *c, const MeshAvroType *w, const MeshAvroType *r,
			 DMode mode, const char *what)
{
	DNode	   *n = NULL;
	int			i;

	if (r == NULL)
		r = w;					/* the writer's type as is */
	if (c->depth >= AD_MAX_COMPILE_DEPTH)
	{
		cfail(c, "%s: schema nests deeper than %d levels", what,
			  AD_MAX_COMPILE_DEPTH);
		return NULL;
	}
	c->depth++;

	if (mode == MODE_SKIP)
	{
		/* the writer's type alone */
		switch (w->kind)
		{
			case AVRO_RECORD:
				n = compile_record(c, w, NULL, MODE_SKIP, what);
				break;
			case AVRO_UNION:
				n = new_node(OP_UNION, MODE_SKIP, what);
				n->nbranches = w->nbranches;
				n->branches = mesh_alloc((w->nbranches > 0 ? w->nbranches : 1) * sizeof(DNode *));
				n->min_size = SIZE_MAX;
				for (i = 0; i < w->nbranches; i++)
				{
					n->branches[i] = compile_node(c, w->branches[i], NULL, MODE_SKIP, what);
					if (n->branches[i] == NULL)
					{
						n = NULL;
						break;
					}
					if (n->branches[i]->min_size < n->min_size)
						n->min_size = n->branches[i]->min_size;
				}
				if (n != NULL)
					n->min_size = n->min_size == SIZE_MAX ? 1 : n->min_size + 1;
				break;
			default:
				n = compile_resolved(c, w, w, MODE_SKIP, what);
				break;
		}
	}
	else if (w->kind == AVRO_UNION)
	{
		/* each writer branch on its own; a failure fails only its messages */
		int			ok = 0;
		char	   *first_why = NULL;	/* heap: this frame recurses */

		n = new_node(OP_UNION, mode, what);
		n->nbranches = w->nbranches;
		n->branches = mesh_alloc((w->nbranches > 0 ? w->nbranches : 1) * sizeof(DNode *));
		n->tmpl.kind = r->kind;
		n->min_size = SIZE_MAX;
		for (i = 0; i < w->nbranches; i++)
		{
			const MeshAvroType *wb = w->branches[i];
			const MeshAvroType *rb = pick_branch(wb, r);
			DNode	   *b = NULL;

			if (rb == NULL)
				cfail_branch(c, what, i, wb, r);
			else
				b = compile_node(c, wb, rb, mode, what);
			if (b == NULL)
			{
				if (first_why == NULL)
					first_why = mesh_strndup(c->why, strlen(c->why));
				b = fail_node(c->why, what);
			}
			else
				ok++;
			n->branches[i] = b;
			if (b->min_size < n->min_size)
				n->min_size = b->min_size;
		}
		n->min_size = n->min_size == SIZE_MAX ? 1 : n->min_size + 1;
		if (ok == 0 && w->nbranches > 0)
		{
			snprintf(c->why, sizeof(c->why), "%s", first_why);
			n = NULL;
		}
		mesh_free(first_why);
	}
	else if (r->kind == AVRO_UNION)
	{
		/* the value goes to the first reader branch it matches */
		const MeshAvroType *rb = pick_branch(w, r);

		if (rb == NULL)
			cfail_no_branch(c, what, w);
		else
			n = compile_node(c, w, rb, mode, what);
	}
	else
		n = compile_resolved(c, w, r, mode, what);

	c->depth--;
	return n;
}

/* The fast path of the top-level loop for a node. */
static void
choose_fast(DStep *s, const DNode *n, DMode mode)
{
	if (mode == MODE_SKIP)
	{
		s->fast = F_SKIP;
		switch ((DOp) n->op)
		{
			case OP_INT:
				s->fast = F_SKIP_INT;
				break;
			case OP_LONG:
				s->fast = F_SKIP_LONG;
				break;
			case OP_FLOAT:
			case OP_DOUBLE:
			case OP_FIXED:
				s->fast = F_SKIP_N;
				s->n = n->min_size;
				break;
			case OP_STRING:
			case OP_BYTES:
				s->fast = F_SKIP_LEN;
				break;
			default:
				break;
		}
		return;
	}
	if (mode == MODE_JSON)
	{
		s->fast = F_JSON;
		return;
	}
	if (mode == MODE_ITEMS)
	{
		s->fast = F_ITEMS;
		return;
	}
	s->fast = F_SCALAR;
	if (n->conv != CONV_NONE)
		return;
	switch ((DOp) n->op)
	{
		case OP_INT:
			if (n->tmpl.kind == AVRO_INT && n->tmpl.logical == AVRO_LT_NONE)
				s->fast = F_INT;
			break;
		case OP_LONG:
			if (n->tmpl.kind == AVRO_LONG && n->tmpl.logical == AVRO_LT_NONE)
				s->fast = F_LONG;
			else if (n->tmpl.kind == AVRO_LONG &&
					 (n->tmpl.logical == AVRO_LT_TIMESTAMP_MILLIS ||
					  n->tmpl.logical == AVRO_LT_TIMESTAMP_MICROS ||
					  n->tmpl.logical == AVRO_LT_LOCAL_TIMESTAMP_MILLIS ||
					  n->tmpl.logical == AVRO_LT_LOCAL_TIMESTAMP_MICROS))
				s->fast = F_TIMESTAMP;
			break;
		case OP_FLOAT:
			if (n->tmpl.kind == AVRO_FLOAT)
				s->fast = F_FLOAT;
			break;
		case OP_DOUBLE:
			s->fast = F_DOUBLE;
			break;
		case OP_STRING:
			if (n->tmpl.kind == AVRO_STRING && n->tmpl.logical == AVRO_LT_NONE)
				s->fast = F_STRING;
			break;
		default:
			break;
	}
}

/* The writer field a slot takes: by name, else by one of its aliases. */
static int
slot_writer_field(const MeshAvroType *w, const MeshAvroSlot *slot)
{
	int			i = find_writer_field(w, slot->name);
	int			a;

	for (a = 0; i < 0 && a < slot->naliases; a++)
		i = find_writer_field(w, slot->aliases[a]);
	return i;
}

MeshAvroProgram *
mesh_avro_compile(const MeshAvroType *writer, const MeshAvroTarget *target,
				  char *errbuf, size_t errlen)
{
	MeshAvroProgram *prog;
	Compiler	c;
	int		   *wfield;
	DNode	  **nodes;
	DMode	   *modes;
	int			nslots;
	int			s;
	int			i;
	int			k;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (writer == NULL || target == NULL || target->nslots < 0 ||
		(target->nslots > 0 && target->slots == NULL))
	{
		set_error(errbuf, errlen, "no writer schema or no target");
		return NULL;
	}
	if (writer->kind != AVRO_RECORD)
	{
		set_error(errbuf, errlen, "the writer's schema is a %s, not a record",
				  mesh_avro_kind_name(writer->kind));
		return NULL;
	}
	memset(&c, 0, sizeof(c));
	nslots = target->nslots;

	prog = mesh_alloc(sizeof(MeshAvroProgram));
	prog->nslots = nslots;
	prog->templates = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(MeshAvroValue));
	prog->fixup = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(uint8_t));
	prog->slot_off = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(size_t));
	wfield = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(int));
	nodes = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(DNode *));
	modes = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(DMode));

	for (s = 0; s < nslots; s++)
	{
		const MeshAvroSlot *slot = &target->slots[s];
		MeshAvroValue *t = &prog->templates[s];
		const char *what;

		if (slot->name == NULL)
		{
			set_error(errbuf, errlen, "slot %d has no name", s);
			goto failed;
		}
		what = ad_printf("field \"%s\"", slot->name);
		modes[s] = slot->shape == MESH_SHAPE_SCALAR ? MODE_SCALAR :
			slot->shape == MESH_SHAPE_ARRAY ? MODE_ITEMS : MODE_JSON;
		wfield[s] = slot_writer_field(writer, slot);
		if (wfield[s] < 0)
		{
			/* the writer lacks it: the reader's default */
			if (slot->reader_type == NULL)
			{
				/* no reader schema (a raw topic): the field is just null */
				t->present = true;
				t->is_null = true;
				t->kind = AVRO_NULL;
				if (slot->shape == MESH_SHAPE_JSON)
				{
					t->data = "null";
					t->len = 4;
				}
			}
			else if (slot->default_value == NULL)
			{
				set_error(errbuf, errlen, "field \"%s\": the writer's record \"%s\" has no such field, and the reader's field has no default",
						  slot->name, writer->fullname);
				goto failed;
			}
			else
			{
				char		why[256];

				if (!mesh_avro_default_value(slot->reader_type, slot->default_value,
											 slot->shape, t, why, sizeof(why)))
				{
					set_error(errbuf, errlen, "field \"%s\": invalid default: %s",
							  slot->name, why);
					goto failed;
				}
			}
			if (!slot->needed)
				t->present = false;
			continue;
		}

		/*
		 * A slot that is not needed is still resolved, so that whether a
		 * writer's schema compiles does not depend on the columns a query
		 * reads; its bytes are then only skipped.
		 */
		nodes[s] = compile_node(&c, writer->fields[wfield[s]].type,
								slot->reader_type,
								slot->needed ? modes[s] : MODE_JSON, what);
		if (nodes[s] == NULL)
		{
			set_error(errbuf, errlen, "%s", c.why);
			goto failed;
		}
		if (!slot->needed)
		{
			modes[s] = MODE_SKIP;
			nodes[s] = compile_node(&c, writer->fields[wfield[s]].type, NULL,
									MODE_SKIP, what);
			if (nodes[s] == NULL)
			{
				set_error(errbuf, errlen, "%s", c.why);
				goto failed;
			}
			t->present = false;
			continue;
		}
		*t = nodes[s]->tmpl;
		t->present = true;
		if (modes[s] == MODE_JSON)
		{
			const MeshAvroType *rt = slot->reader_type ? slot->reader_type
				: writer->fields[wfield[s]].type;

			memset(t, 0, sizeof(*t));
			t->present = true;
			t->kind = rt->kind;
			t->logical = rt->logical;
			t->precision = rt->precision;
			t->scale = rt->scale;
			prog->fixup[s] = FIXUP_JSON;
		}
		else if (modes[s] == MODE_ITEMS)
		{
			memset(t, 0, sizeof(*t));
			t->present = true;
			t->kind = AVRO_ARRAY;
			prog->fixup[s] = FIXUP_ITEMS;
		}
	}

	/* the steps, in the writer's field order */
	prog->steps = mesh_alloc((writer->nfields + nslots + 1) * sizeof(DStep));
	for (i = 0; i < writer->nfields; i++)
	{
		bool		taken = false;

		for (s = 0; s < nslots; s++)
		{
			DStep	   *st;

			if (wfield[s] != i)
				continue;
			st = &prog->steps[prog->nsteps++];
			st->slot = s;
			st->node = nodes[s];
			st->reread = taken;
			choose_fast(st, nodes[s], modes[s]);
			if (modes[s] == MODE_SKIP)
				st->slot = -1;
			taken = true;
		}
		if (!taken)
		{
			DStep	   *st = &prog->steps[prog->nsteps++];
			const char *what = ad_printf("field \"%s\"", writer->fields[i].name);

			st->slot = -1;
			st->node = compile_node(&c, writer->fields[i].type, NULL, MODE_SKIP, what);
			if (st->node == NULL)
			{
				set_error(errbuf, errlen, "%s", c.why);
				goto failed;
			}
			choose_fast(st, st->node, MODE_SKIP);
		}
	}
	/* skipping the same field twice: drop all but the first of a run */
	for (i = 0, k = 0; i < prog->nsteps; i++)
	{
		if (prog->steps[i].reread && prog->steps[i].slot < 0)
			continue;
		prog->steps[k++] = prog->steps[i];
	}
	prog->nsteps = k;
	for (i = 0; i < prog->nsteps; i++)
		prog->steps[i].vslot = prog->steps[i].slot >= 0 ? prog->steps[i].slot : 0;

	prog->fixups = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(int));
	for (s = 0; s < nslots; s++)
		if (prog->fixup[s] != FIXUP_NONE)
			prog->fixups[prog->nfixups++] = s;

	/* scratch areas, allocated now so that they live where the program does */
	prog->json.cap = 1024;
	prog->json.data = mesh_alloc(prog->json.cap);
	prog->items_cap = 64;
	prog->items = mesh_alloc(prog->items_cap * sizeof(MeshAvroValue));
	prog->segs_cap = 64;
	prog->segs = mesh_alloc(prog->segs_cap * sizeof(DSeg));
	prog->order_cap = 64;
	prog->order = mesh_alloc(prog->order_cap * sizeof(uint32_t));

	mesh_free(wfield);
	mesh_free(nodes);
	mesh_free(modes);
	mesh_free(c.memo);
	return prog;

failed:
	mesh_free(c.memo);
	return NULL;
}

/* ------------------------------------------------------------------------
 * The decoder's entry point
 * ------------------------------------------------------------------------
 */

bool
mesh_avro_decode(MeshAvroProgram *prog, const uint8_t *data, size_t len,
				 MeshAvroValue *values, char *errbuf, size_t errlen)
{
	static const uint8_t empty[1] = {0};
	Dec			d;
	const uint8_t *field_start = NULL;
	const uint8_t *p;
	int			i;

	if (data == NULL)
	{
		data = empty;
		len = 0;
	}
	d.base = data;
	d.p = data;
	d.end = data + len;
	d.prog = prog;
	d.errbuf = errbuf;
	d.errlen = errlen;
	d.zero_budget = len > (SIZE_MAX - AD_ZERO_ITEMS_BASE) / AD_ZERO_ITEMS_PER_BYTE
		? SIZE_MAX : AD_ZERO_ITEMS_BASE + len * AD_ZERO_ITEMS_PER_BYTE;
	d.nsegs = 0;
	d.slot = -1;
	prog->json.len = 0;
	prog->nitems = 0;
	if (prog->nslots > 0)
		memcpy(values, prog->templates, prog->nslots * sizeof(MeshAvroValue));

	/*
	 * The fast paths keep the position in a local, which the compiler can
	 * keep in a register; d.p is brought up to date around everything
	 * that takes &d.
	 */
	p = d.p;
	for (i = 0; i < prog->nsteps; i++)
	{
		const DStep *s = &prog->steps[i];
		const DNode *n = s->node;
		MeshAvroValue *v = &values[s->vslot];
		const uint8_t *at;
		uint64_t	u;
		int64_t		x;

		if (s->reread)
			p = field_start;
		else
			field_start = p;
		at = p;
		switch ((DFast) s->fast)
		{
			case F_LONG:
			case F_SKIP_LONG:
				if (!take_varint(&p, &d, n->what, &u))
					return false;
				if (s->fast == F_LONG)
					v->integer = (int64_t) (u >> 1) ^ -(int64_t) (u & 1);
				break;
			case F_INT:
			case F_SKIP_INT:
				if (!take_varint(&p, &d, n->what, &u))
					return false;
				x = (int64_t) (u >> 1) ^ -(int64_t) (u & 1);
				if (AD_UNLIKELY(p - at > 5 || x < INT32_MIN || x > INT32_MAX))
				{
					d.p = at;
					return read_int(&d, &x, n->what);	/* says why */
				}
				if (s->fast == F_INT)
					v->integer = x;
				break;
			case F_TIMESTAMP:
				if (!take_varint(&p, &d, n->what, &u))
					return false;
				v->integer = (int64_t) (u >> 1) ^ -(int64_t) (u & 1);
				/* the range of PostgreSQL's timestamps (see check_logical) */
				if (AD_UNLIKELY(v->logical == AVRO_LT_TIMESTAMP_MILLIS ||
								v->logical == AVRO_LT_LOCAL_TIMESTAMP_MILLIS ?
								(v->integer < AD_TIMESTAMP_MIN_UNIX_US / 1000 ||
								 v->integer > INT64_MAX / 1000) :
								v->integer < AD_TIMESTAMP_MIN_UNIX_US))
				{
					char		why[128];

					check_logical(v, why, sizeof(why));
					return dec_fail(&d, at, "%s for %s", why, n->what);
				}
				break;
			case F_DOUBLE:
				if (AD_UNLIKELY(d.end - p < 8))
				{
					d.p = p;
					return need(&d, 8, "double", n->what);
				}
				memcpy(&v->real, p, 8);
				p += 8;
				break;
			case F_FLOAT:
				{
					float		f;

					if (AD_UNLIKELY(d.end - p < 4))
					{
						d.p = p;
						return need(&d, 4, "float", n->what);
					}
					memcpy(&f, p, 4);
					p += 4;
					v->real = f;
					break;
				}
			case F_STRING:
			case F_SKIP_LEN:
				if (!take_varint(&p, &d, n->what, &u))
					return false;
				x = (int64_t) (u >> 1) ^ -(int64_t) (u & 1);
				if (AD_UNLIKELY(x < 0 || (uint64_t) x > (uint64_t) (d.end - p)))
				{
					d.p = at;
					return read_length(&d, &x, n->op == OP_STRING ? "string" : "bytes",
									   n->what);	/* says why */
				}
				if (s->fast == F_STRING)
				{
					v->data = (const char *) p;
					v->len = (size_t) x;
					if (!check_utf8(&d, p, (size_t) x, n->what))
						return false;
				}
				p += x;
				break;
			case F_SKIP_N:
				if (AD_UNLIKELY((size_t) (d.end - p) < s->n))
				{
					d.p = p;
					return need(&d, s->n, mesh_avro_kind_name(n->tmpl.kind), n->what);
				}
				p += s->n;
				break;
			case F_SKIP:
				d.p = p;
				if (!skip_node(&d, n, 1))
					return false;
				p = d.p;
				break;
			case F_SCALAR:
				d.p = p;
				if (!scalar_node(&d, n, v))
					return false;
				p = d.p;
				break;
			case F_ITEMS:
				d.p = p;
				d.slot = s->slot;
				if (!items_node(&d, n, v, 1))
					return false;
				p = d.p;
				break;
			case F_JSON:
				{
					MeshBuf    *o = &prog->json;
					size_t		start = o->len;

					d.p = p;
					if (!json_node(&d, n, 1))
						return false;
					p = d.p;
					prog->slot_off[s->slot] = start;
					v->len = o->len - start;
					v->is_null = v->len == 4 && memcmp(o->data + start, "null", 4) == 0;
					out_char(o, '\0');	/* each text NUL-terminated */
					break;
				}
		}
	}
	d.p = p;
	if (d.p != d.end)
		return dec_fail(&d, d.p, "%zu bytes left over after the record",
						(size_t) (d.end - d.p));

	/* the scratch areas are done moving: point into them */
	for (i = 0; i < prog->nfixups; i++)
	{
		int			k = prog->fixups[i];

		if (prog->fixup[k] == FIXUP_ITEMS && values[k].kind == AVRO_ARRAY)
			values[k].items = prog->items + prog->slot_off[k];
		else if (prog->fixup[k] == FIXUP_JSON)
			values[k].data = prog->json.data + prog->slot_off[k];
	}
	return true;
}
