/*-------------------------------------------------------------------------
 *
 * avro_render.c
 *		  Decoded Avro values, and field defaults, as JSON text the way
 *		  PostgreSQL's to_jsonb() shows them.
 *
 * The decoder renders a value as JSON (MESH_SHAPE_JSON slots, and records,
 * arrays and maps within them) following the README ("Reading data products"): each value appears as
 * to_jsonb() would show it after mapping it to its PostgreSQL type, with
 * the session time zone taken as UTC:
 *
 *	 null, boolean		as JSON
 *	 int, long			a number
 *	 float, double		the shortest digits that read back (Ryu's, as
 *						float4out/float8out print them, found exactly in
 *						128-bit integers for the usual magnitudes) in
 *						numeric's positional notation; NaN and the
 *						infinities as strings
 *	 string, enum		a string, escaped as escape_json escapes it
 *	 bytes, fixed		"\\x0a1b", as to_jsonb(bytea)
 *	 decimal			a number with exactly scale fraction digits
 *	 uuid				its canonical lowercase text
 *	 date				"YYYY-MM-DD[ BC]"
 *	 time-*				"HH:MM:SS[.ffffff]", trailing zeros trimmed
 *	 timestamp-*		"YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00[ BC]"
 *	 local-timest.-*	the same without the zone
 *
 * Values out of the range of their PostgreSQL type (dates, times,
 * timestamps) and invalid uuids fail (mesh_avro_check_value), as do
 * decimals with more digits than their precision.
 *
 * Field defaults (the Avro specification's JSON encoding: a union's default
 * is for its first branch, bytes are code points U+0000..U+00FF) render
 * the same way, so that a reader field the writer lacks looks like any
 * other; they are rendered when a program is compiled.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/decimal.h"
#include "core/text.h"

/* Nesting of a default value rendered. */
#define MAX_DEFAULT_DEPTH	512

/* ------------------------------------------------------------------------
 * Numbers and bytes
 * ------------------------------------------------------------------------
 */

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
	mesh_buf_add(o, p, end - p);
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
	mesh_buf_add(o, p, end - p);
}

/* bytes as to_jsonb(bytea) shows them: "\\x0a1b" */
static void
out_json_bytes(MeshBuf *o, const uint8_t *b, size_t len)
{
	char	   *p = mesh_buf_reserve(o, 2 * len + 5);

	*p++ = '"';
	*p++ = '\\';
	*p++ = '\\';
	*p++ = 'x';
	p = mesh_hex_encode(p, b, len);
	*p++ = '"';
	o->len += 2 * len + 5;
}

/* ------------------------------------------------------------------------
 * Rendering scalars as to_jsonb() shows them
 * ------------------------------------------------------------------------
 */

/* YYYY-MM-DD, year as PostgreSQL writes it; true when BC */
static bool
out_date(MeshBuf *o, int64_t days)
{
	int64_t		y;
	int			m;
	int			d;
	bool		bc;

	mesh_civil_from_days(days, &y, &m, &d);
	bc = y <= 0;
	out_padded(o, (uint64_t) (bc ? 1 - y : y), 4);
	mesh_buf_add_char(o, '-');
	out_padded(o, (uint64_t) m, 2);
	mesh_buf_add_char(o, '-');
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
	mesh_buf_add_char(o, ':');
	out_padded(o, (uint64_t) (secs / 60 % 60), 2);
	mesh_buf_add_char(o, ':');
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
		mesh_buf_add_char(o, '.');
		mesh_buf_add(o, buf, n);
	}
}

/* A timestamp (microseconds since the Unix epoch) as ISO 8601. */
static void
out_timestamp(MeshBuf *o, int64_t us, bool with_zone)
{
	int64_t		days = mesh_floor_div(us, MESH_USECS_PER_DAY);
	bool		bc;

	mesh_buf_add_char(o, '"');
	bc = out_date(o, days);
	mesh_buf_add_char(o, 'T');
	out_time(o, us - days * MESH_USECS_PER_DAY);
	if (with_zone)
		mesh_buf_add(o, "+00:00", 6);
	if (bc)
		mesh_buf_add(o, " BC", 3);
	mesh_buf_add_char(o, '"');
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
		mesh_buf_add(o, "\"NaN\"", 5);
		return;
	}
	if (isinf(x))
	{
		if (x > 0)
			mesh_buf_add(o, "\"Infinity\"", 10);
		else
			mesh_buf_add(o, "\"-Infinity\"", 11);
		return;
	}
	if (x == 0)
	{
		mesh_buf_add_char(o, '0');		/* numeric has no negative zero */
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
			mesh_buf_add(o, "\"NaN\"", 5); /* cannot happen */
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
	mesh_buf_reserve(o, 400);
	if (neg)
		mesh_buf_add_char(o, '-');
	if (exp10 >= ndigits - 1)
	{
		int			i;

		mesh_buf_add(o, digits, ndigits);
		for (i = 0; i < exp10 - (ndigits - 1); i++)
			mesh_buf_add_char(o, '0');
	}
	else if (exp10 >= 0)
	{
		mesh_buf_add(o, digits, exp10 + 1);
		mesh_buf_add_char(o, '.');
		mesh_buf_add(o, digits + exp10 + 1, ndigits - exp10 - 1);
	}
	else
	{
		int			i;

		mesh_buf_add(o, "0.", 2);
		for (i = 0; i < -exp10 - 1; i++)
			mesh_buf_add_char(o, '0');
		mesh_buf_add(o, digits, ndigits);
	}
}

bool
mesh_avro_decimal_text(const char *data, size_t len, int precision, int scale,
					   MeshBuf *buf, char *errbuf, size_t errlen)
{
	char		why[128];

	if (mesh_decimal_to_text(buf, (const uint8_t *) data, len, precision,
							 scale, why, sizeof(why)) != NULL)
	{
		mesh_text_format(errbuf, errlen, "%s", why);
		return false;
	}
	if (buf->data != NULL)
		buf->data[buf->len] = '\0';
	return true;
}

/* a uuid as to_jsonb(uuid) shows it */
static void
out_uuid(MeshBuf *o, const uint8_t u[16])
{
	char	   *p = mesh_buf_reserve(o, MESH_UUID_TEXT_LEN + 2);

	*p++ = '"';
	p = mesh_uuid_format(p, u);
	*p++ = '"';
	o->len += MESH_UUID_TEXT_LEN + 2;
}

/*
 * Whether a scalar fits the PostgreSQL type its logical type maps to; NULL
 * if it does, else why not.
 */
const char *
mesh_avro_check_value(const MeshAvroValue *v, char *why, size_t whylen)
{
	switch (v->logical)
	{
		case AVRO_LT_DATE:
			if (!mesh_date_in_range(v->integer))
			{
				snprintf(why, whylen, "date %lld (days since 1970-01-01) out of range",
						 (long long) v->integer);
				return why;
			}
			break;
		case AVRO_LT_TIME_MILLIS:
		case AVRO_LT_TIME_MICROS:
			if (v->logical == AVRO_LT_TIME_MILLIS ? !mesh_time_in_range(v->integer, 1000) :
				!mesh_time_in_range(v->integer, 1000000))
			{
				snprintf(why, whylen, "%s %lld out of range",
						 mesh_avro_logical_name(v->logical), (long long) v->integer);
				return why;
			}
			break;
		case AVRO_LT_TIMESTAMP_MILLIS:
		case AVRO_LT_LOCAL_TIMESTAMP_MILLIS:
			if (!mesh_timestamp_in_range(v->integer, 1000))
			{
				snprintf(why, whylen, "timestamp %lld (milliseconds since 1970) out of range",
						 (long long) v->integer);
				return why;
			}
			break;
		case AVRO_LT_TIMESTAMP_MICROS:
		case AVRO_LT_LOCAL_TIMESTAMP_MICROS:
			if (!mesh_timestamp_in_range(v->integer, 1000000))
			{
				snprintf(why, whylen, "timestamp %lld (microseconds since 1970) out of range",
						 (long long) v->integer);
				return why;
			}
			break;
		case AVRO_LT_UUID:
			{
				uint8_t		u[16];

				if (v->kind == AVRO_STRING && !mesh_uuid_parse(v->data, v->len, u))
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
 * A scalar value as JSON.  The value passed mesh_avro_check_value already; NULL on
 * success, else why not (a decimal too long).
 */
const char *
mesh_avro_render_scalar(MeshBuf *o, const MeshAvroValue *v, char *why,
						size_t whylen)
{
	if (v->is_null)
	{
		mesh_buf_add(o, "null", 4);
		return NULL;
	}
	switch (v->kind)
	{
		case AVRO_NULL:
			mesh_buf_add(o, "null", 4);
			break;
		case AVRO_BOOLEAN:
			if (v->boolean)
				mesh_buf_add(o, "true", 4);
			else
				mesh_buf_add(o, "false", 5);
			break;
		case AVRO_INT:
		case AVRO_LONG:
			switch (v->logical)
			{
				case AVRO_LT_DATE:
					mesh_buf_add_char(o, '"');
					if (out_date(o, v->integer))
						mesh_buf_add(o, " BC", 3);
					mesh_buf_add_char(o, '"');
					break;
				case AVRO_LT_TIME_MILLIS:
					mesh_buf_add_char(o, '"');
					out_time(o, v->integer * 1000);
					mesh_buf_add_char(o, '"');
					break;
				case AVRO_LT_TIME_MICROS:
					mesh_buf_add_char(o, '"');
					out_time(o, v->integer);
					mesh_buf_add_char(o, '"');
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

				if (!mesh_uuid_parse(v->data, v->len, u))
				{
					snprintf(why, whylen, "invalid uuid");
					return why;
				}
				out_uuid(o, u);
			}
			else
				mesh_buf_append_json_string(o, v->data, v->len);
			break;
		case AVRO_ENUM:
			mesh_buf_append_json_string(o, v->data, v->len);
			break;
		case AVRO_BYTES:
		case AVRO_FIXED:
			if (v->logical == AVRO_LT_DECIMAL)
				return mesh_decimal_to_text(o, (const uint8_t *) v->data, v->len,
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

void
mesh_avro_value_init(MeshAvroValue *v, const MeshAvroType *t)
{
	memset(v, 0, sizeof(*v));
	v->present = true;
	v->kind = t->kind;
	v->logical = t->logical;
	v->precision = t->precision;
	v->scale = t->scale;
}

static bool
default_scalar(const MeshAvroType *type, const MeshJson *json,
			   MeshAvroValue *v, char *why, size_t whylen)
{
	const MeshAvroType *t = default_type(type);
	int			i;

	mesh_avro_value_init(v, t);
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
			return mesh_avro_check_value(v, why, whylen) == NULL;
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
			return mesh_avro_check_value(v, why, whylen) == NULL;
		case AVRO_BYTES:
		case AVRO_FIXED:
			{
				char	   *bytes;
				int64_t		n;

				if (json->type != MJ_STRING)
					break;
				bytes = mesh_avro_json_bytes_dup(json, &n);
				if (bytes == NULL || (t->kind == AVRO_FIXED && n != t->size))
					break;
				v->data = bytes;
				v->len = (size_t) n;
				return true;
			}
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

	if (depth > MAX_DEFAULT_DEPTH)
	{
		snprintf(why, whylen, "default nests deeper than %d levels",
				 MAX_DEFAULT_DEPTH);
		return false;
	}
	switch (t->kind)
	{
		case AVRO_RECORD:
			if (json->type != MJ_OBJECT)
				break;
			mesh_buf_add_char(o, '{');
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
					mesh_buf_add_char(o, ',');
				mesh_buf_append_json_string(o, f->name, strlen(f->name));
				mesh_buf_add_char(o, ':');
				if (!default_json(o, f->type, member, depth + 1, why, whylen))
					return false;
			}
			mesh_buf_add_char(o, '}');
			return true;
		case AVRO_ARRAY:
			if (json->type != MJ_ARRAY)
				break;
			mesh_buf_add_char(o, '[');
			for (i = 0; i < json->count; i++)
			{
				if (i > 0)
					mesh_buf_add_char(o, ',');
				if (!default_json(o, t->items, json->items[i], depth + 1, why, whylen))
					return false;
			}
			mesh_buf_add_char(o, ']');
			return true;
		case AVRO_MAP:
			if (json->type != MJ_OBJECT)
				break;
			mesh_buf_add_char(o, '{');
			for (i = 0; i < json->count; i++)
			{
				if (i > 0)
					mesh_buf_add_char(o, ',');
				mesh_buf_append_json_string(o, json->keys[i], strlen(json->keys[i]));
				mesh_buf_add_char(o, ':');
				if (!default_json(o, t->values, json->items[i], depth + 1, why, whylen))
					return false;
			}
			mesh_buf_add_char(o, '}');
			return true;
		case AVRO_UNION:
			snprintf(why, whylen, "a union without branches has no default");
			return false;
		default:
			{
				MeshAvroValue v;

				if (!default_scalar(t, json, &v, why, whylen))
					return false;
				return mesh_avro_render_scalar(o, &v, why, whylen) == NULL;
			}
	}
	snprintf(why, whylen, "default does not match its type %s",
			 mesh_avro_kind_name(t->kind));
	return false;
}

bool
mesh_avro_render_default(MeshBuf *o, const MeshAvroType *type,
						 const MeshJson *json, char *why, size_t whylen)
{
	return default_json(o, type, json, 0, why, whylen);
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
		mesh_text_format(errbuf, errlen, "no type or no default");
		return false;
	}
	t = default_type(type);
	switch (shape)
	{
		case MESH_SHAPE_SCALAR:
			if (!default_scalar(type, json, value, why, sizeof(why)))
			{
				mesh_text_format(errbuf, errlen, "%s", why);
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
					mesh_text_format(errbuf, errlen, "default of a %s is not an array",
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
						mesh_text_format(errbuf, errlen, "item %d: %s", i, why);
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
					mesh_text_format(errbuf, errlen, "%s", why);
					return false;
				}
				mesh_buf_terminate(&buf);
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
	mesh_text_format(errbuf, errlen, "unknown shape %d", (int) shape);
	return false;
}
