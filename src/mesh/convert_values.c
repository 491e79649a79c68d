/*-------------------------------------------------------------------------
 *
 * convert_values.c
 *		  The checked parsers and builders of PostgreSQL values that
 *		  convert.c converts with: numbers, dates and times, JSON, arrays.
 *
 * Each fills *out or returns false with the reason in errbuf, and never
 * throws (but for an out-of-memory ERROR); convert.c says why and what
 * each accepts.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/convert_internal.h"

#include "core/avro_decode.h"
#include "core/avro_schema.h"
#include "core/core.h"
#include "core/json.h"
#include "core/text.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>

#include "access/tupmacs.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "common/shortest_dec.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

/* ========================================================================
 * Numbers
 * ========================================================================
 */

/*
 * Integers are accumulated negatively, as PostgreSQL does, to reach the
 * minimum; min is the type's minimum and -(min + 1) its maximum.
 */
static inline bool
add_digit(int64 *tmp, int digit, int64 min)
{
	return !pg_mul_s64_overflow(*tmp, 10, tmp) &&
		!pg_sub_s64_overflow(*tmp, digit, tmp) && *tmp >= min;
}

static bool
apply_sign(int64 tmp, bool neg, int64 min, const char *text,
		   const char *typname, int64 *result, char *errbuf, size_t errlen)
{
	if (!neg)
	{
		if (tmp == min)
			return cv_out_of_range(typname, text, errbuf, errlen);
		tmp = -tmp;
	}
	*result = tmp;
	return true;
}

/*
 * pg_strtoint16/32/64: leading and trailing white space, one sign, decimal
 * digits only.  min is the type's minimum; the maximum is -(min + 1).
 */
bool
cv_parse_int(const char *str, int64 min, const char *typname, int64 *result,
		  char *errbuf, size_t errlen)
{
	const char *ptr = str;
	int64		tmp = 0;
	bool		neg = false;

	while (*ptr && isspace((unsigned char) *ptr))
		ptr++;
	if (*ptr == '-')
	{
		ptr++;
		neg = true;
	}
	else if (*ptr == '+')
		ptr++;
	if (!isdigit((unsigned char) *ptr))
		return cv_syntax_error(typname, str, errbuf, errlen);
	while (*ptr && isdigit((unsigned char) *ptr))
		if (!add_digit(&tmp, *ptr++ - '0', min))
			return cv_out_of_range(typname, str, errbuf, errlen);
	while (*ptr && isspace((unsigned char) *ptr))
		ptr++;
	if (*ptr != '\0')
		return cv_syntax_error(typname, str, errbuf, errlen);
	return apply_sign(tmp, neg, min, str, typname, result, errbuf, errlen);
}

/*
 * The words float4in and float8in accept where strtod() and strtof() fail:
 * NaN, [+-]Infinity, [+-]inf, any case.  Returns the length matched, or 0.
 */
static int
float_special(const char *num, double *val)
{
	/* longest first where one is the other's prefix */
	static const struct
	{
		const char *word;
		int			sign;		/* 0: NaN */
	}			words[] = {
		{"NaN", 0}, {"Infinity", 1}, {"+Infinity", 1}, {"-Infinity", -1},
		{"inf", 1}, {"+inf", 1}, {"-inf", -1}
	};
	size_t		i;

	for (i = 0; i < lengthof(words); i++)
	{
		int			len = strlen(words[i].word);

		if (pg_strncasecmp(num, words[i].word, len) != 0)
			continue;
		*val = words[i].sign == 0 ? get_float8_nan() :
			words[i].sign * get_float8_infinity();
		return len;
	}
	return 0;
}

/*
 * float4in (single) and float8in: the platform's strtof()/strtod() as
 * PostgreSQL calls them, so that every accepted spelling and every
 * rounding is the same; a result that overflows or underflows to zero is
 * out of range, a denormal is not.
 */
bool
cv_parse_float(const char *str, bool single, double *result,
			char *errbuf, size_t errlen)
{
	const char *typname = single ? "real" : "double precision";
	const char *num = str;
	char	   *endptr;
	double		val;
	char		cb[CLIP_BUFSIZE];

	while (*num != '\0' && isspace((unsigned char) *num))
		num++;
	if (*num == '\0')
		return cv_syntax_error(typname, str, errbuf, errlen);

	errno = 0;
	if (single)
		val = strtof(num, &endptr);
	else
		val = strtod(num, &endptr);

	if (endptr == num || errno != 0)
	{
		int			save_errno = errno;
		double		special;
		int			n = float_special(num, &special);

		if (n > 0)
		{
			val = special;
			endptr = (char *) num + n;
		}
		else if (save_errno == ERANGE)
		{
			bool		out_of_range;

			if (single)
			{
				float		f = (float) val;

				out_of_range = (f == 0.0f || f >= HUGE_VALF || f <= -HUGE_VALF);
			}
			else
				out_of_range = (val == 0.0 || val >= HUGE_VAL || val <= -HUGE_VAL);
			if (out_of_range)
				return cv_fail(errbuf, errlen, "\"%s\" is out of range for type %s",
							cv_clips(str, cb), typname);
		}
		else
			return cv_syntax_error(typname, str, errbuf, errlen);
	}
	while (*endptr != '\0' && isspace((unsigned char) *endptr))
		endptr++;
	if (*endptr != '\0')
		return cv_syntax_error(typname, str, errbuf, errlen);
	*result = val;
	return true;
}

/* The precision and scale of a numeric typmod (numeric.c's inline helpers) */
static void
numeric_typmod_parts(int32 typmod, int *precision, int *scale)
{
	*precision = ((typmod - VARHDRSZ) >> 16) & 0xffff;
	*scale = (((typmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024;
}

static bool
numeric_field_overflow(int32 typmod, const char *str, const char *why,
					   char *errbuf, size_t errlen)
{
	int			precision;
	int			scale;
	char		cb[CLIP_BUFSIZE];

	numeric_typmod_parts(typmod, &precision, &scale);
	return cv_fail(errbuf, errlen, "numeric field overflow for numeric(%d,%d): \"%s\"%s",
				precision, scale, cv_clips(str, cb), why);
}

/*
 * Would numeric_in(str, typmod) succeed?  Its own rules: the syntax of
 * numeric_in and set_var_from_str (white space, NaN and infinities, one
 * sign, digits with at most one point, an exponent as strtol() reads it,
 * below INT_MAX/2), the storage limits of make_result (a display scale of
 * at most 16383 digits, a base-10000 weight that fits int16), and for a
 * typmod the rounding and overflow test of apply_typmod.  When this says
 * yes, numeric_in cannot throw.
 */
static bool
numeric_text_ok(const char *str, int32 typmod, char *errbuf, size_t errlen)
{
	const char *cp = str;
	double		dummy;
	char	   *digits;
	int64		ndigits = 0;
	int64		intdigits = 0;
	int64		fracdigits = 0;
	int64		first_nz = -1;
	bool		have_dp = false;
	long		exponent = 0;
	int64		dweight;
	int64		dscale;
	int			n;

	while (*cp && isspace((unsigned char) *cp))
		cp++;

	/* the same words as float8in, but no strtod() */
	if ((n = float_special(cp, &dummy)) > 0)
	{
		bool		is_nan = (pg_strncasecmp(cp, "NaN", 3) == 0);

		for (cp += n; *cp; cp++)
			if (!isspace((unsigned char) *cp))
				return cv_syntax_error("numeric", str, errbuf, errlen);
		/* NaN fits any typmod, an infinity none */
		if (!is_nan && typmod >= (int32) VARHDRSZ)
			return numeric_field_overflow(typmod, str, " (an infinite value)",
										  errbuf, errlen);
		return true;
	}

	if (*cp == '+' || *cp == '-')
		cp++;
	if (*cp == '.')
	{
		have_dp = true;
		cp++;
	}
	if (!isdigit((unsigned char) *cp))
		return cv_syntax_error("numeric", str, errbuf, errlen);

	digits = palloc(strlen(cp) + 1);
	while (*cp)
	{
		if (isdigit((unsigned char) *cp))
		{
			digits[ndigits] = *cp - '0';
			if (first_nz < 0 && digits[ndigits] != 0)
				first_nz = ndigits;
			ndigits++;
			if (have_dp)
				fracdigits++;
			else
				intdigits++;
			cp++;
		}
		else if (*cp == '.')
		{
			if (have_dp)
				return cv_syntax_error("numeric", str, errbuf, errlen);
			have_dp = true;
			cp++;
		}
		else
			break;
	}
	if (*cp == 'e' || *cp == 'E')
	{
		char	   *endptr;

		cp++;
		exponent = strtol(cp, &endptr, 10);
		if (endptr == cp)
			return cv_syntax_error("numeric", str, errbuf, errlen);
		cp = endptr;
		if (exponent >= INT_MAX / 2 || exponent <= -(INT_MAX / 2))
			return cv_fail(errbuf, errlen, "value overflows numeric format");
	}
	for (; *cp; cp++)
		if (!isspace((unsigned char) *cp))
			return cv_syntax_error("numeric", str, errbuf, errlen);

	/* digits[j] stands for digits[j] * 10^(dweight - j) */
	dweight = intdigits - 1 + exponent;
	dscale = fracdigits - exponent;
	if (dscale < 0)
		dscale = 0;

	if (typmod >= (int32) VARHDRSZ)
	{
		int			precision;
		int			scale;
		int64		last;
		int64		lead;

		numeric_typmod_parts(typmod, &precision, &scale);
		if (first_nz < 0)
			return true;		/* zero fits */

		/*
		 * Rounding to scale keeps digits[0..last]; digits[last + 1] decides
		 * (half away from zero).  lead: the exponent of the rounded value's
		 * leading digit, which must be below precision - scale.
		 */
		last = dweight + scale;
		if (last < first_nz - 1)
			return true;		/* rounds to zero */
		if (last == first_nz - 1)
		{
			if (digits[first_nz] < 5)
				return true;	/* rounds to zero */
			lead = -scale;		/* rounds up to 10^-scale */
		}
		else
		{
			lead = dweight - first_nz;
			if (last + 1 < ndigits && digits[last + 1] >= 5)
			{
				int64		j;

				/* the carry reaches a new leading digit only through nines */
				for (j = first_nz; j <= last && digits[j] == 9; j++)
					;
				if (j > last)
					lead++;
			}
		}
		if (lead + 1 > (int64) precision - scale)
			return numeric_field_overflow(typmod, str, "", errbuf, errlen);
		return true;
	}

	if (dscale > NUMERIC_DSCALE_LIMIT)
		return cv_fail(errbuf, errlen, "value overflows numeric format");
	if (first_nz >= 0)
	{
		int64		lead = dweight - first_nz;
		int64		weight = lead >= 0 ? lead / NUMERIC_NBASE_DIGITS :
			-((-lead - 1) / NUMERIC_NBASE_DIGITS + 1);

		if (weight > PG_INT16_MAX || weight < PG_INT16_MIN)
			return cv_fail(errbuf, errlen, "value overflows numeric format");
	}
	return true;
}

bool
cv_numeric_datum(const char *str, int32 typmod, Datum *out,
			  char *errbuf, size_t errlen)
{
	if (!numeric_text_ok(str, typmod, errbuf, errlen))
		return false;
	*out = DirectFunctionCall3(numeric_in, CStringGetDatum(str),
							   ObjectIdGetDatum(InvalidOid),
							   Int32GetDatum(typmod));
	return true;
}

int64
cv_int_type_min(Oid typid)
{
	switch (typid)
	{
		case INT2OID:
			return PG_INT16_MIN;
		case INT4OID:
			return PG_INT32_MIN;
		default:
			return PG_INT64_MIN;
	}
}

const char *
cv_int_type_name(Oid typid)
{
	switch (typid)
	{
		case INT2OID:
			return "smallint";
		case INT4OID:
			return "integer";
		default:
			return "bigint";
	}
}

Datum
cv_int_datum(Oid typid, int64 v)
{
	switch (typid)
	{
		case INT2OID:
			return Int16GetDatum((int16) v);
		case INT4OID:
			return Int32GetDatum((int32) v);
		default:
			return Int64GetDatum(v);
	}
}

/* An integer of another source into smallint, integer or bigint. */
bool
cv_int_value_datum(int64 v, Oid typid, Datum *out, char *errbuf, size_t errlen)
{
	int64		min = cv_int_type_min(typid);

	if (v < min || v > -(min + 1))
		return cv_fail(errbuf, errlen, "value %lld out of range for type %s",
					(long long) v, cv_int_type_name(typid));
	*out = cv_int_datum(typid, v);
	return true;
}

/*
 * The exact value of a number written as JSON or decimal text ("12",
 * "-1.0", "1.5e1", "3E+2") as an integer: true when it is integral and
 * fits [min, -(min + 1)].  No rounding: 1.5 is not an integer.
 */
bool
cv_integral_number(const char *num, int64 min, const char *typname,
				int64 *result, char *errbuf, size_t errlen)
{
	const char *cp = num;
	const char *mant;
	bool		neg = false;
	int64		nint = 0;
	int64		nfrac = 0;
	int64		exp10 = 0;
	int64		pos;
	int64		total;
	int64		j;
	int64		tmp = 0;
	char		cb[CLIP_BUFSIZE];

	if (*cp == '-' || *cp == '+')
		neg = (*cp++ == '-');
	mant = cp;
	while (isdigit((unsigned char) cp[nint]))
		nint++;
	cp += nint;
	if (*cp == '.')
	{
		cp++;
		while (isdigit((unsigned char) cp[nfrac]))
			nfrac++;
		cp += nfrac;
	}
	if (nint + nfrac == 0)
		return cv_syntax_error(typname, num, errbuf, errlen);
	if (*cp == 'e' || *cp == 'E')
	{
		bool		eneg = false;
		int64		e = 0;

		cp++;
		if (*cp == '-' || *cp == '+')
			eneg = (*cp++ == '-');
		if (!isdigit((unsigned char) *cp))
			return cv_syntax_error(typname, num, errbuf, errlen);
		for (; isdigit((unsigned char) *cp); cp++)
			if (e < PG_INT32_MAX)
				e = e * 10 + (*cp - '0');	/* saturates; huge is huge */
		exp10 = eneg ? -e : e;
	}
	if (*cp != '\0')
		return cv_syntax_error(typname, num, errbuf, errlen);

	/*
	 * The digits (nint before the point, nfrac after, skipping the point)
	 * form d[0..total); the integer part is d[0..pos), padded with zeros.
	 */
	total = nint + nfrac;
#define DIGIT(k) ((k) < nint ? mant[k] - '0' : mant[(k) + 1] - '0')
	pos = nint + exp10;
	for (j = Max(pos, 0); j < total; j++)
		if (DIGIT(j) != 0)
			return cv_fail(errbuf, errlen, "value \"%s\" is not an integer, as type %s requires",
						cv_clips(num, cb), typname);
	for (j = 0; j < pos; j++)
	{
		int			d = j < total ? DIGIT(j) : 0;

		if (!add_digit(&tmp, d, min))
			return cv_out_of_range(typname, num, errbuf, errlen);
	}
#undef DIGIT
	return apply_sign(tmp, neg, min, num, typname, result, errbuf, errlen);
}

/* A double into real, failing where float8->float4 casts fail */
bool
cv_float4_from_double(double d, float *f, char *errbuf, size_t errlen)
{
	*f = (float) d;
	if (isinf(*f) && !isinf(d))
		return cv_fail(errbuf, errlen, "value %g out of range for type real: overflow", d);
	if (*f == 0.0f && d != 0.0)
		return cv_fail(errbuf, errlen, "value %g out of range for type real: underflow", d);
	return true;
}

/* ========================================================================
 * uuid, bytea
 * ========================================================================
 */

/* string_to_uuid: 32 hex digits, a hyphen after any group of four, braces */
bool
cv_uuid_datum(const char *source, Datum *out, char *errbuf, size_t errlen)
{
	const char *src = source;
	pg_uuid_t  *uuid = palloc(sizeof(pg_uuid_t));
	bool		braces = false;
	int			i;

	if (src[0] == '{')
	{
		src++;
		braces = true;
	}
	for (i = 0; i < UUID_LEN; i++)
	{
		char		str_buf[3];

		if (src[0] == '\0' || src[1] == '\0' ||
			!isxdigit((unsigned char) src[0]) ||
			!isxdigit((unsigned char) src[1]))
			return cv_syntax_error("uuid", source, errbuf, errlen);
		memcpy(str_buf, src, 2);
		str_buf[2] = '\0';
		uuid->data[i] = (unsigned char) strtoul(str_buf, NULL, 16);
		src += 2;
		if (src[0] == '-' && (i % 2) == 1 && i < UUID_LEN - 1)
			src++;
	}
	if (braces)
	{
		if (*src != '}')
			return cv_syntax_error("uuid", source, errbuf, errlen);
		src++;
	}
	if (*src != '\0')
		return cv_syntax_error("uuid", source, errbuf, errlen);
	*out = UUIDPGetDatum(uuid);
	return true;
}

/*
 * byteain: "\x" and pairs of hex digits, white space allowed between
 * pairs; otherwise the escape format, where a backslash must start "\\"
 * or an octal "\ooo" up to \377.
 */
bool
cv_bytea_datum(const char *str, size_t len, Datum *out,
			char *errbuf, size_t errlen)
{
	bytea	   *result;
	char	   *rp;
	const char *tp;

	if (str[0] == '\\' && str[1] == 'x')
	{
		const char *s = str + 2;
		const char *end = str + len;
		char		cb[CLIP_BUFSIZE];

		result = palloc(VARHDRSZ + (len - 2) / 2);
		rp = VARDATA(result);
		while (s < end)
		{
			int			hi,
						lo;

			if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
			{
				s++;
				continue;
			}
			if ((hi = mesh_hex_digit((unsigned char) *s)) < 0)
				return cv_fail(errbuf, errlen, "invalid hexadecimal digit: \"%s\"",
							cv_clip(s, pg_mblen(s), cb));
			if (++s >= end)
				return cv_fail(errbuf, errlen, "invalid hexadecimal data: odd number of digits");
			if ((lo = mesh_hex_digit((unsigned char) *s)) < 0)
				return cv_fail(errbuf, errlen, "invalid hexadecimal digit: \"%s\"",
							cv_clip(s, pg_mblen(s), cb));
			s++;
			*rp++ = (char) ((hi << 4) | lo);
		}
		SET_VARSIZE(result, rp - (char *) result);
		*out = PointerGetDatum(result);
		return true;
	}

	result = palloc(VARHDRSZ + len);
	rp = VARDATA(result);
	for (tp = str; *tp != '\0';)
	{
		if (tp[0] != '\\')
			*rp++ = *tp++;
		else if (tp[1] >= '0' && tp[1] <= '3' &&
				 tp[2] >= '0' && tp[2] <= '7' &&
				 tp[3] >= '0' && tp[3] <= '7')
		{
			*rp++ = (char) (((tp[1] - '0') << 6) | ((tp[2] - '0') << 3) | (tp[3] - '0'));
			tp += 4;
		}
		else if (tp[1] == '\\')
		{
			*rp++ = '\\';
			tp += 2;
		}
		else
			return cv_fail(errbuf, errlen, "invalid input syntax for type bytea");
	}
	SET_VARSIZE(result, rp - (char *) result);
	*out = PointerGetDatum(result);
	return true;
}

/* Bytes into bytea. */
bool
mesh_convert_bytes(const char *data, size_t len, Datum *out,
				   char *errbuf, size_t errlen)
{
	bytea	   *result;

	if (len > MaxAllocSize - VARHDRSZ)
		return cv_fail(errbuf, errlen, "value of %zu bytes exceeds the maximum size of a bytea",
					len);
	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	if (len > 0)
		memcpy(VARDATA(result), data, len);
	*out = PointerGetDatum(result);
	return true;
}

/* ========================================================================
 * Dates and times
 * ========================================================================
 */

/* DateTimeParseError's texts, as a failure */
static bool
datetime_error(int dterr, const char *str, const char *typname,
			   char *errbuf, size_t errlen)
{
	char		cb[CLIP_BUFSIZE];

	switch (dterr)
	{
		case DTERR_FIELD_OVERFLOW:
		case DTERR_MD_FIELD_OVERFLOW:
			return cv_fail(errbuf, errlen, "date/time field value out of range: \"%s\"",
						cv_clips(str, cb));
		case DTERR_INTERVAL_OVERFLOW:
			return cv_fail(errbuf, errlen, "interval field value out of range: \"%s\"",
						cv_clips(str, cb));
		case DTERR_TZDISP_OVERFLOW:
			return cv_fail(errbuf, errlen, "time zone displacement out of range: \"%s\"",
						cv_clips(str, cb));
		default:
			return cv_syntax_error(typname, str, errbuf, errlen);
	}
}

/*
 * A field that DecodeDate() reads exactly as it reads the given one, but
 * that starts with a digit and has no "-"; NULL when DecodeDate() would
 * reject the field anyway.
 *
 * DecodeDate splits a field into runs of digits and runs of letters (the
 * character after each run is dropped, whatever it is), reads the letter
 * runs first, in order, then the digit runs, in order; so moving the first
 * digit run to the front and joining the runs with "/" changes nothing for
 * it.
 */
static char *
date_field_digit_led(const char *field)
{
	char	   *copy = pstrdup(field);
	char	   *str = copy;
	char	   *sub[MAXDATEFIELDS];
	int			nsub = 0;
	int			firstnum = -1;
	int			i;
	StringInfoData buf;

	while (*str != '\0' && nsub < MAXDATEFIELDS)
	{
		while (*str != '\0' && !isalnum((unsigned char) *str))
			str++;
		if (*str == '\0')
			return NULL;		/* DecodeDate: end of string after separator */
		sub[nsub] = str;
		if (isdigit((unsigned char) *str))
		{
			while (isdigit((unsigned char) *str))
				str++;
			if (firstnum < 0)
				firstnum = nsub;
		}
		else if (isalpha((unsigned char) *str))
		{
			while (isalpha((unsigned char) *str))
				str++;
		}
		else
			return NULL;		/* an empty run: DecodeDate fails on it */
		if (*str != '\0')
			*str++ = '\0';
		nsub++;
	}
	if (firstnum < 0)
		return NULL;			/* no digits: never a complete date */

	initStringInfo(&buf);
	appendStringInfoString(&buf, sub[firstnum]);
	for (i = 0; i < nsub; i++)
	{
		if (i == firstnum)
			continue;
		appendStringInfoChar(&buf, '/');
		appendStringInfoString(&buf, sub[i]);
	}
	return buf.data;
}

/*
 * ParseDateTime and DecodeDateTime (DecodeTimeOnly for time), as date_in,
 * time_in, timestamp_in and timestamptz_in call them, with their buffer
 * sizes.
 *
 * These report bad input by return codes but for one case: a field that
 * ParseDateTime classed as a date (it holds "-", "/" or ".") and that
 * starts with a letter is taken for a time zone name when it stands where
 * a zone can ("America/New_York"), and if no such zone exists they throw
 * ("time zone ... not recognized").  For time, where that depends only on
 * the field's position, such a field is refused beforehand.  For the
 * others it depends on the fields before it; such a field that is not a
 * time zone is replaced by one DecodeDate reads the same way but that
 * DecodeDateTime never takes for a zone name (date_field_digit_led): where
 * PostgreSQL would read a date ("Jan-08-1999") we read the same date, and
 * where it would throw we fail.  (Where the field follows "t", "y" and
 * the like, PostgreSQL reads it as a run-together time, which we refuse.)
 */
static bool
decode_datetime(const char *str, Oid typid, const char *typname,
				struct pg_tm *tm, fsec_t *fsec, int *tz, int *dtype,
				char *errbuf, size_t errlen)
{
	char		workbuf[MAXDATELEN + MAXDATEFIELDS];
	size_t		bufsize;
	char	   *field[MAXDATEFIELDS];
	int			ftype[MAXDATEFIELDS];
	int			nf;
	int			dterr;
	int			i;
	const char *unknown = NULL;
	char		cb[CLIP_BUFSIZE];
	char		cb2[CLIP_BUFSIZE];

	/* timestamp_in and timestamptz_in have the larger buffer */
	bufsize = (typid == TIMESTAMPOID || typid == TIMESTAMPTZOID) ?
		MAXDATELEN + MAXDATEFIELDS : MAXDATELEN + 1;
	dterr = ParseDateTime(str, workbuf, bufsize, field, ftype,
						  MAXDATEFIELDS, &nf);
	if (dterr != 0)
		return datetime_error(dterr, str, typname, errbuf, errlen);

	for (i = 0; i < nf; i++)
	{
		if (ftype[i] != DTK_DATE || isdigit((unsigned char) field[i][0]))
			continue;
		if (typid == TIMEOID)
		{
			/* DecodeTimeOnly reads it as a date only here, else as a zone */
			if (i == 0 && nf >= 2 &&
				(ftype[nf - 1] == DTK_DATE || ftype[1] == DTK_TIME))
				continue;
			if (pg_tzset(field[i]) == NULL)
				return cv_fail(errbuf, errlen, "time zone \"%s\" not recognized",
							cv_clips(field[i], cb));
		}
		else if (pg_tzset(field[i]) == NULL)
		{
			unknown = pstrdup(field[i]);
			field[i] = date_field_digit_led(field[i]);
			if (field[i] == NULL)
				dterr = DTERR_BAD_FORMAT;
		}
	}

	if (dterr == 0 && typid == TIMEOID)
		dterr = MESH_DECODE_TIME_ONLY(field, ftype, nf, dtype, tm, fsec, tz);
	else if (dterr == 0)
		dterr = MESH_DECODE_DATETIME(field, ftype, nf, dtype, tm, fsec, tz);
	if (dterr == DTERR_BAD_FORMAT && unknown != NULL)
		return cv_fail(errbuf, errlen, "invalid input syntax for type %s: \"%s\" (\"%s\" is neither a date nor a known time zone)",
					typname, cv_clips(str, cb), cv_clips(unknown, cb2));
	if (dterr != 0)
		return datetime_error(dterr, str, typname, errbuf, errlen);
	return true;
}

/* date_in */
bool
cv_date_datum(const char *str, Datum *out, char *errbuf, size_t errlen)
{
	struct pg_tm tt,
			   *tm = &tt;
	fsec_t		fsec;
	int			tz;
	int			dtype;
	DateADT		date;
	char		cb[CLIP_BUFSIZE];

	if (!decode_datetime(str, DATEOID, "date", tm, &fsec, &tz, &dtype,
						 errbuf, errlen))
		return false;
	switch (dtype)
	{
		case DTK_DATE:
			break;
		case DTK_EPOCH:
			GetEpochTime(tm);
			break;
		case DTK_LATE:
			DATE_NOEND(date);
			*out = DateADTGetDatum(date);
			return true;
		case DTK_EARLY:
			DATE_NOBEGIN(date);
			*out = DateADTGetDatum(date);
			return true;
		default:
			return cv_syntax_error("date", str, errbuf, errlen);
	}
	if (!IS_VALID_JULIAN(tm->tm_year, tm->tm_mon, tm->tm_mday))
		return cv_fail(errbuf, errlen, "date out of range: \"%s\"", cv_clips(str, cb));
	date = date2j(tm->tm_year, tm->tm_mon, tm->tm_mday) - POSTGRES_EPOCH_JDATE;
	if (!IS_VALID_DATE(date))
		return cv_fail(errbuf, errlen, "date out of range: \"%s\"", cv_clips(str, cb));
	*out = DateADTGetDatum(date);
	return true;
}

/* time_in */
bool
cv_time_datum(const char *str, int32 typmod, Datum *out,
		   char *errbuf, size_t errlen)
{
	struct pg_tm tt,
			   *tm = &tt;
	fsec_t		fsec;
	int			tz;
	int			dtype;
	TimeADT		result;

	if (!decode_datetime(str, TIMEOID, "time", tm, &fsec, &tz, &dtype,
						 errbuf, errlen))
		return false;
	tm2time(tm, fsec, &result);
	AdjustTimeForTypmod(&result, typmod);
	*out = TimeADTGetDatum(result);
	return true;
}

/*
 * A timestamp's typmod rounding (AdjustTimestampForTypmod), failing where
 * rounding up leaves the range, where PostgreSQL would store a value past
 * its last one.
 */
bool
cv_timestamp_typmod(Timestamp *ts, int32 typmod, char *errbuf, size_t errlen)
{
	if (!mesh_adjust_timestamp_typmod(ts, typmod))
		return cv_fail(errbuf, errlen, "timestamp(%d) precision must be between %d and %d",
					typmod, 0, MAX_TIMESTAMP_PRECISION);
	if (!TIMESTAMP_NOT_FINITE(*ts) && !IS_VALID_TIMESTAMP(*ts))
		return cv_fail(errbuf, errlen, "timestamp out of range after rounding to timestamp(%d)",
					typmod);
	return true;
}

/* timestamp_in and timestamptz_in; the latter in the session's time zone */
bool
cv_timestamp_datum(const char *str, bool with_tz, int32 typmod, Datum *out,
				char *errbuf, size_t errlen)
{
	const char *typname = with_tz ? "timestamp with time zone" : "timestamp";
	struct pg_tm tt,
			   *tm = &tt;
	fsec_t		fsec;
	int			tz;
	int			dtype;
	Timestamp	result;
	char		cb[CLIP_BUFSIZE];

	if (!decode_datetime(str, with_tz ? TIMESTAMPTZOID : TIMESTAMPOID, typname,
						 tm, &fsec, &tz, &dtype, errbuf, errlen))
		return false;
	switch (dtype)
	{
		case DTK_DATE:
			if (tm2timestamp(tm, fsec, with_tz ? &tz : NULL, &result) != 0)
				return cv_fail(errbuf, errlen, "timestamp out of range: \"%s\"",
							cv_clips(str, cb));
			break;
		case DTK_EPOCH:
			result = SetEpochTimestamp();
			break;
		case DTK_LATE:
			TIMESTAMP_NOEND(result);
			break;
		case DTK_EARLY:
			TIMESTAMP_NOBEGIN(result);
			break;
		default:
			return cv_syntax_error(typname, str, errbuf, errlen);
	}
	if (!cv_timestamp_typmod(&result, typmod, errbuf, errlen))
		return false;
	*out = TimestampGetDatum(result);
	return true;
}

/* ========================================================================
 * JSON
 * ========================================================================
 */

/* A JSON number's text: as written, or made from its value. */
const char *
cv_json_number_text(const MeshJson *json)
{
	if (json->number != NULL)
		return json->number;
	if (json->is_integer)
		return psprintf("%lld", (long long) json->integer);
	if (isnan(json->real))
		return "NaN";
	if (isinf(json->real))
		return json->real > 0 ? "Infinity" : "-Infinity";
	return psprintf("%.17g", json->real);
}

/*
 * Check a JSON tree before it goes to json_in or jsonb_in, which throw:
 * strings valid in the database (and, for jsonb, convertible to it without
 * an encoding conversion), for jsonb every number within numeric's limits,
 * nesting bounded.  *size grows by an upper bound of the value's jsonb
 * size, which must stay below jsonb's per-container limit.
 */
static bool
json_tree_ok(const MeshJson *json, bool jsonb, int depth, uint64 *size,
			 char *errbuf, size_t errlen)
{
	int			i;

	if (depth > MESH_JSON_MAX_DEPTH)
		return cv_fail(errbuf, errlen, "JSON value nested deeper than %d levels",
					MESH_JSON_MAX_DEPTH);
	*size += 8;					/* its JEntry, alignment */
	switch (json->type)
	{
		case MJ_NULL:
		case MJ_BOOL:
			break;
		case MJ_NUMBER:
			{
				const char *num = cv_json_number_text(json);

				if (jsonb && !numeric_text_ok(num, -1, errbuf, errlen))
					return false;
				/* a numeric takes at most ~1 byte per digit, plus headers */
				*size += strlen(num) + 16;
				break;
			}
		case MJ_STRING:
			/* jsonb_in de-escapes strings; json_in keeps the text as is */
			if (jsonb && json->string != NULL &&
				!cv_check_text(json->string, json->string_len, errbuf, errlen))
				return false;
			*size += json->string_len;
			break;
		case MJ_ARRAY:
		case MJ_OBJECT:
			*size += 8;			/* header, alignment */
			for (i = 0; i < json->count; i++)
			{
				if (json->type == MJ_OBJECT && json->keys[i] != NULL)
				{
					size_t		klen = strlen(json->keys[i]);

					if (jsonb && !cv_check_text(json->keys[i], klen, errbuf, errlen))
						return false;
					*size += klen + 8;
				}
				if (json->items[i] == NULL)
					*size += 8;
				else if (!json_tree_ok(json->items[i], jsonb, depth + 1, size,
									   errbuf, errlen))
					return false;
			}
			break;
	}
	if (*size > JSONB_SIZE_LIMIT)
		return cv_fail(errbuf, errlen, "JSON value too large for type %s",
					jsonb ? "jsonb" : "json");
	return true;
}

/*
 * json or jsonb from JSON text that mesh_json_parse read as tree: checked
 * by json_tree_ok, then given to json_in or jsonb_in (json keeps the text
 * as written, as json_in does).
 */
bool
cv_json_datum_from_text(const char *text, const MeshJson *tree, bool jsonb,
					 Datum *out, char *errbuf, size_t errlen)
{
	uint64		size = 0;

	/* check_text: only ASCII in a database that is not UTF8 */
	if (!json_tree_ok(tree, jsonb, 0, &size, errbuf, errlen) ||
		!cv_check_text(text, strlen(text), errbuf, errlen))
		return false;
	if (jsonb)
		*out = DirectFunctionCall1(jsonb_in, CStringGetDatum(text));
	else
		*out = DirectFunctionCall1(json_in, CStringGetDatum(text));
	return true;
}

bool
cv_json_text_datum(const char *str, size_t len, bool jsonb, Datum *out,
				char *errbuf, size_t errlen)
{
	char		parse_err[JSON_ERROR_SIZE];
	MeshJson   *tree;

	tree = mesh_json_parse(str, len, MESH_JSON_MAX_DEPTH, parse_err,
						   sizeof(parse_err));
	if (tree == NULL)
		return cv_fail(errbuf, errlen, "invalid input syntax for type %s: %s",
					jsonb ? "jsonb" : "json", parse_err);
	return cv_json_datum_from_text(str, tree, jsonb, out, errbuf, errlen);
}

/* ========================================================================
 * Arrays
 * ========================================================================
 */

/* A one-dimensional array of the column's element type, lower bound 1. */
bool
cv_array_datum(Datum *values, bool *nulls, int n, const MeshColumnType *ct,
			Datum *out, char *errbuf, size_t errlen)
{
	Size		nbytes = 0;
	int			dims[1];
	int			lbs[1];
	int			i;

	if ((Size) n > MaxArraySize)
		return cv_fail(errbuf, errlen, "array of %d elements exceeds the maximum allowed (%d)",
					n, (int) MaxArraySize);
	/* construct_md_array throws past MaxAllocSize: add up first */
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			continue;
		nbytes = att_addlength_datum(nbytes, ct->elemlen, values[i]);
		nbytes = att_align_nominal(nbytes, ct->elemalign);
		if (!AllocSizeIsValid(nbytes))
			break;
	}
	if (!AllocSizeIsValid(nbytes + ARR_OVERHEAD_WITHNULLS(1, n)))
		return cv_fail(errbuf, errlen, "array size exceeds the maximum allowed (%d)",
					(int) MaxAllocSize);
	dims[0] = n;
	lbs[0] = 1;
	*out = PointerGetDatum(construct_md_array(values, nulls, 1, dims, lbs,
											  ct->elemtype, ct->elemlen,
											  ct->elembyval, ct->elemalign));
	return true;
}


void
cv_array_build_add(ArrayBuild *ab, Datum value, bool isnull)
{
	if (ab->n == ab->cap)
	{
		ab->cap = ab->cap ? ab->cap * 2 : 16;
		ab->values = ab->values ? repalloc(ab->values, ab->cap * sizeof(Datum)) :
			palloc(ab->cap * sizeof(Datum));
		ab->nulls = ab->nulls ? repalloc(ab->nulls, ab->cap * sizeof(bool)) :
			palloc(ab->cap * sizeof(bool));
	}
	ab->values[ab->n] = value;
	ab->nulls[ab->n] = isnull;
	ab->n++;
}

static bool
array_isspace(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
		ch == '\v' || ch == '\f';
}

static bool
malformed_array(const char *str, const char *detail,
				char *errbuf, size_t errlen)
{
	char		cb[CLIP_BUFSIZE];

	return cv_fail(errbuf, errlen, "malformed array literal: \"%s\" (%s)",
				cv_clips(str, cb), detail);
}

/*
 * A one-dimensional array literal as array_in reads it, for the element
 * types of checked arrays (all use "," between elements): '{1, 2,"x y",
 * NULL}', elements quoted with double quotes or not, backslash escapes,
 * white space around unquoted elements dropped, unquoted NULL (any case)
 * for a null when array_nulls is on.  Dimension decorations ('[0:1]={..}')
 * and nested braces (several dimensions) are refused.
 */
bool
cv_array_from_literal(const char *str, const MeshColumnType *ct, Datum *out,
				   char *errbuf, size_t errlen)
{
	const char *p = str;
	MeshColumnType elem;
	ArrayBuild	ab = {0};
	StringInfoData item;

	cv_element_type(ct, &elem);
	while (array_isspace(*p))
		p++;
	if (*p == '[')
		return malformed_array(str, "explicit array dimensions are not supported",
							   errbuf, errlen);
	if (*p != '{')
		return malformed_array(str, "array value must start with \"{\"",
							   errbuf, errlen);
	p++;
	while (array_isspace(*p))
		p++;
	initStringInfo(&item);
	if (*p == '}')
		p++;					/* empty array */
	else
	{
		for (;;)
		{
			bool		quoted = false;
			bool		escaped = false;
			Datum		value = (Datum) 0;
			bool		isnull = false;

			resetStringInfo(&item);
			while (array_isspace(*p))
				p++;
			if (*p == '"')
			{
				quoted = true;
				for (p++; *p != '"'; p++)
				{
					if (*p == '\\')
						p++;
					if (*p == '\0')
						return malformed_array(str, "unexpected end of input",
											   errbuf, errlen);
					appendStringInfoChar(&item, *p);
				}
				p++;
				while (array_isspace(*p))
					p++;
			}
			else
			{
				int			keep = 0;	/* up to the last significant char */

				while (*p != '\0' && *p != ',' && *p != '}')
				{
					if (*p == '{')
						return malformed_array(str, "multidimensional arrays are not supported",
											   errbuf, errlen);
					if (*p == '"')
						return malformed_array(str, "unexpected array element",
											   errbuf, errlen);
					if (*p == '\\')
					{
						if (*++p == '\0')
							break;
						escaped = true;
						appendStringInfoChar(&item, *p++);
						keep = item.len;
						continue;
					}
					appendStringInfoChar(&item, *p);
					if (!array_isspace(*p))
						keep = item.len;
					p++;
				}
				item.len = keep;
				item.data[keep] = '\0';
				if (keep == 0 && !escaped)
					return malformed_array(str, "unexpected \",\", \"}\" or end of input",
										   errbuf, errlen);
			}
			if (*p != ',' && *p != '}')
				return malformed_array(str, *p ? "unexpected array element" :
									   "unexpected end of input",
									   errbuf, errlen);

			if (!quoted && !escaped && Array_nulls &&
				pg_strcasecmp(item.data, "NULL") == 0)
				isnull = true;
			else if (!cv_text_to_datum(item.data, item.len, &elem, &value,
									errbuf, errlen))
				return false;
			cv_array_build_add(&ab, value, isnull);
			if (*p++ == '}')
				break;
		}
	}
	while (array_isspace(*p))
		p++;
	if (*p != '\0')
		return malformed_array(str, "junk after closing right brace",
							   errbuf, errlen);
	return cv_array_datum(ab.values, ab.nulls, ab.n, ct, out, errbuf, errlen);
}

/* Append one element to a PostgreSQL array literal being built. */
void
cv_literal_append(StringInfo buf, const char *s, bool isnull)
{
	if (buf->len > 1)
		appendStringInfoChar(buf, ',');
	if (isnull)
	{
		appendStringInfoString(buf, "NULL");
		return;
	}
	appendStringInfoChar(buf, '"');
	for (; *s; s++)
	{
		if (*s == '"' || *s == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, *s);
	}
	appendStringInfoChar(buf, '"');
}

/* Fill errbuf and return false, so that callers can "return cv_fail(...)". */
bool
cv_fail(char *errbuf, size_t errlen, const char *fmt,...)
{
	va_list		ap;

	if (errbuf == NULL || errlen == 0)
		return false;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
	/* a message cut short must not end inside a multibyte character */
	errbuf[pg_encoding_verifymbstr(GetDatabaseEncoding(), errbuf,
								   (int) strlen(errbuf))] = '\0';
	return false;
}

/*
 * The first CLIP_BYTES bytes of a value, for an error text: control
 * characters, invalid UTF-8 and (in a database that is not UTF8) all
 * non-ASCII bytes written as \xNN, "..." when cut.  out has CLIP_BUFSIZE
 * bytes.
 */
const char *
cv_clip(const char *s, size_t len, char *out)
{
	bool		utf8 = (GetDatabaseEncoding() == PG_UTF8);
	size_t		i = 0;
	size_t		o = 0;

	while (i < len && i < CLIP_BYTES)
	{
		unsigned char c = (unsigned char) s[i];

		if (c >= 0x20 && c < 0x7f)
		{
			out[o++] = (char) c;
			i++;
			continue;
		}
		if (c >= 0x80 && utf8)
		{
			int			l = pg_utf_mblen((const unsigned char *) s + i);

			if (i + l <= len &&
				pg_utf8_islegal((const unsigned char *) s + i, l))
			{
				memcpy(out + o, s + i, l);
				o += l;
				i += l;
				continue;
			}
		}
		snprintf(out + o, 5, "\\x%02x", c);
		o += 4;
		i++;
	}
	if (i < len)
		memcpy(out + o, "...", 4);
	else
		out[o] = '\0';
	return out;
}

/* cv_clip() of a NUL-terminated string */
const char *
cv_clips(const char *s, char *out)
{
	return cv_clip(s, strlen(s), out);
}

/* ========================================================================
 * Error reporting
 * ========================================================================
 */

bool
cv_syntax_error(const char *typname, const char *str, char *errbuf, size_t errlen)
{
	char		cb[CLIP_BUFSIZE];

	return cv_fail(errbuf, errlen, "invalid input syntax for type %s: \"%s\"",
				typname, cv_clips(str, cb));
}

bool
cv_out_of_range(const char *typname, const char *str, char *errbuf, size_t errlen)
{
	char		cb[CLIP_BUFSIZE];

	return cv_fail(errbuf, errlen, "value \"%s\" is out of range for type %s",
				cv_clips(str, cb), typname);
}
