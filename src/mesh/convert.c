/*-------------------------------------------------------------------------
 *
 * convert.c
 *		  Checked conversions of decoded message values (Avro values, JSON
 *		  values, text) into the types of a foreign table's columns.
 *
 * PostgreSQL 15 has no soft input errors: an input function that meets
 * bad text throws.  A scan with on_error 'skip' or 'null' must survive a
 * message whose values do not fit their columns, so for the built-in types
 * that Kafka data is commonly read into this file decides by itself, by
 * each input function's own rules, whether a value is acceptable; only then
 * does it build the Datum, often by calling the input function on text it
 * has proven valid.  Every function here either fills *out or returns false
 * with a short reason in errbuf, and none throws but for out-of-memory
 * (and for columns of unchecked types, whose input functions may throw; the
 * caller uses those only under on_error 'error').
 *
 * The rule: for text PostgreSQL's input function accepts, the same Datum;
 * for text it rejects, false.  In a few corners we reject what PostgreSQL
 * would accept (see "Stricter than PostgreSQL" below), never the other way
 * round.  test/convert/ compares the two over a large table of inputs.
 *
 * Stricter than PostgreSQL:
 *	- text with a NUL byte or invalid UTF-8 (input arrives as UTF-8); in a
 *	  database whose encoding is neither UTF8 nor SQL_ASCII, any non-ASCII
 *	  text (so that no encoding conversion, which can throw, is needed);
 *	- json and jsonb: duplicate object keys, "\u0000", nesting deeper than
 *	  MESH_JSON_MAX_DEPTH (the project's JSON parser rejects them, so that
 *	  every reader of a message sees the same value or none);
 *	- arrays: only one-dimensional literals without explicit bounds;
 *	- a few date/time inputs whose field starting with a letter and holding
 *	  punctuation is neither a time zone nor a plain textual date (see
 *	  decode_datetime);
 *	- timestamps that typmod rounding pushes past the end of the range
 *	  (PostgreSQL stores 294277-01-01 00:00:00, one past its last value).
 *
 * Conversions of values that are not text (Avro values, JSON numbers and
 * booleans) follow what a SQL cast would do, with range errors as failures
 * and no silent wrap-around; each choice is documented where it is made.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/convert.h"

#include "core/avro_decode.h"
#include "core/avro_schema.h"
#include "core/core.h"
#include "core/json.h"

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

/* Error texts quote at most this many bytes of the offending value. */
#define CLIP_BYTES 64
#define CLIP_BUFSIZE (CLIP_BYTES * 4 + 16)

/* The JSON parser's error texts quote keys: keep them short. */
#define JSON_ERROR_SIZE 100

/* numeric.c's storage limits (not exported): 14-bit dscale, int16 weight */
#define NUMERIC_DSCALE_LIMIT 0x3FFF
#define NUMERIC_NBASE_DIGITS 4

/* jsonb's limit on a container's size (JENTRY_OFFLENMASK, not exported) */
#define JSONB_SIZE_LIMIT 0x0FFFFFFF

/* Avro counts from the Unix epoch, PostgreSQL from 2000-01-01. */
#define EPOCH_DIFF_DAYS ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE))
#define EPOCH_DIFF_USECS (EPOCH_DIFF_DAYS * USECS_PER_DAY)

/*
 * An Avro unscaled decimal longer than this cannot fit numeric whatever
 * its scale (131072 digits before the point and 16383 after take about
 * 61,230 bytes); refusing it early bounds the quadratic base conversion.
 */
#define DECIMAL_MAX_BYTES 61440

static bool text_to_datum(const char *str, size_t len, const MeshColumnType *ct,
						  Datum *out, char *errbuf, size_t errlen);
static bool json_to_datum(const MeshJson *json, const MeshColumnType *ct,
						  Datum *out, bool *isnull, int depth,
						  char *errbuf, size_t errlen);

/* ========================================================================
 * Error reporting
 * ========================================================================
 */

static bool fail(char *errbuf, size_t errlen, const char *fmt,...) pg_attribute_printf(3, 4);

/* Fill errbuf and return false, so that callers can "return fail(...)". */
static bool
fail(char *errbuf, size_t errlen, const char *fmt,...)
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
static const char *
clip(const char *s, size_t len, char *out)
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

/* clip() of a NUL-terminated string */
static const char *
clips(const char *s, char *out)
{
	return clip(s, strlen(s), out);
}

static bool
syntax_error(const char *typname, const char *str, char *errbuf, size_t errlen)
{
	char		cb[CLIP_BUFSIZE];

	return fail(errbuf, errlen, "invalid input syntax for type %s: \"%s\"",
				typname, clips(str, cb));
}

/* A column type's name as SQL writes it, typmod included. */
static const char *
type_label(Oid typid, int32 typmod)
{
	return format_type_with_typemod(typid, typmod);
}

/* An Avro value's type for error texts: "long (timestamp-millis)" */
static const char *
avro_label(const MeshAvroValue *v)
{
	static const char *const kinds[] = {
		"null", "boolean", "int", "long", "float", "double", "bytes",
		"string", "record", "enum", "array", "map", "union", "fixed"
	};
	static const char *const logicals[] = {
		NULL, "decimal", "uuid", "date", "time-millis", "time-micros",
		"timestamp-millis", "timestamp-micros", "local-timestamp-millis",
		"local-timestamp-micros", "duration"
	};
	const char *kind = (v->kind >= AVRO_NULL && v->kind <= AVRO_FIXED) ?
		kinds[v->kind] : "value";

	if (v->logical > AVRO_LT_NONE && v->logical <= AVRO_LT_DURATION)
		return psprintf("%s (%s)", kind, logicals[v->logical]);
	return kind;
}

static bool
cannot_convert(const char *what, const MeshColumnType *ct,
			   char *errbuf, size_t errlen)
{
	return fail(errbuf, errlen, "cannot convert %s to type %s", what,
				type_label(ct->typid, ct->typmod));
}

/* ========================================================================
 * Column types
 * ========================================================================
 */

bool
mesh_type_is_checked(Oid typid)
{
	switch (typid)
	{
		case BOOLOID:
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case FLOAT4OID:
		case FLOAT8OID:
		case NUMERICOID:
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case DATEOID:
		case TIMEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
		case UUIDOID:
		case BYTEAOID:
		case JSONBOID:
		case JSONOID:
		case BOOLARRAYOID:
		case INT2ARRAYOID:
		case INT4ARRAYOID:
		case INT8ARRAYOID:
		case FLOAT4ARRAYOID:
		case FLOAT8ARRAYOID:
		case NUMERICARRAYOID:
		case TEXTARRAYOID:
		case VARCHARARRAYOID:
			return true;
		default:
			return false;
	}
}

/*
 * Everything a conversion needs about a column type, looked up once per
 * scan; the input function's FmgrInfo lives in CurrentMemoryContext, which
 * the caller chooses to outlast the scan.
 */
void
mesh_column_type_init(MeshColumnType *ct, Oid typid, int32 typmod)
{
	Oid			infunc;

	memset(ct, 0, sizeof(*ct));
	ct->typid = typid;
	ct->typmod = typmod;
	ct->checked = mesh_type_is_checked(typid);
	/* a domain over an array takes array values too (through domain_in) */
	ct->elemtype = get_element_type(getBaseType(typid));
	if (OidIsValid(ct->elemtype))
	{
		get_typlenbyvalalign(ct->elemtype, &ct->elemlen, &ct->elembyval,
							 &ct->elemalign);
		/* an array column's typmod applies to its elements */
		ct->elemtypmod = typmod;
	}
	getTypeInputInfo(typid, &infunc, &ct->ioparam);
	fmgr_info_cxt(infunc, &ct->input, CurrentMemoryContext);
}

/*
 * json, jsonb, or a domain over one of them: such columns take any value,
 * as JSON.
 */
static bool
json_like(const MeshColumnType *ct)
{
	Oid			base;

	if (ct->typid == JSONOID || ct->typid == JSONBOID)
		return true;
	if (ct->checked)
		return false;
	base = getBaseType(ct->typid);
	return base == JSONOID || base == JSONBOID;
}

/*
 * The shape in which mesh_convert_avro expects a column's values: JSON
 * text for json and jsonb (and domains over them), items for arrays, one
 * primitive otherwise.  The decoder must ask for this shape, because a
 * string (shape scalar) and JSON text (shape JSON) look alike.  (Records,
 * maps and unions may come as JSON text into any column: their kind tells
 * them apart.)
 */
MeshAvroShape
mesh_column_avro_shape(const MeshColumnType *ct)
{
	if (json_like(ct))
		return MESH_SHAPE_JSON;
	if (OidIsValid(ct->elemtype))
		return MESH_SHAPE_ARRAY;
	return MESH_SHAPE_SCALAR;
}

/* The element type of a checked array column, as a column type. */
static void
element_type(const MeshColumnType *ct, MeshColumnType *elem)
{
	memset(elem, 0, sizeof(*elem));
	elem->typid = ct->elemtype;
	elem->typmod = ct->elemtypmod;
	elem->checked = true;
}

/* ========================================================================
 * Text
 * ========================================================================
 */

/*
 * Text from a message is UTF-8, and PostgreSQL text must be valid in the
 * database encoding and cannot hold NUL.  In a UTF8 database (or an
 * SQL_ASCII one, which stores bytes unchecked) the bytes are used as they
 * are once verified; in any other, only ASCII is accepted: every server
 * encoding spells ASCII with the same bytes, so no conversion (which could
 * throw) is needed.
 */
static bool
check_text(const char *s, size_t len, char *errbuf, size_t errlen)
{
	int			enc = GetDatabaseEncoding();
	size_t		i;

	if (len > MaxAllocSize - VARHDRSZ - 1)
		return fail(errbuf, errlen, "value of %zu bytes exceeds the maximum size of a field",
					len);
	if (memchr(s, '\0', len) != NULL)
		return fail(errbuf, errlen, "invalid byte sequence for encoding \"UTF8\": 0x00");
	if (enc == PG_UTF8 || enc == PG_SQL_ASCII)
	{
		size_t		valid = pg_encoding_verifymbstr(PG_UTF8, s, (int) len);

		if (valid < len)
			return fail(errbuf, errlen, "invalid byte sequence for encoding \"UTF8\": 0x%02x",
						(unsigned char) s[valid]);
		return true;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char) s[i] >= 0x80)
			return fail(errbuf, errlen, "non-ASCII text cannot be stored in a database with encoding \"%s\"",
						GetDatabaseEncodingName());
	return true;
}

/* text, varchar(n), bpchar(n): varchar_input's and bpchar_input's rules */
static bool
string_datum(const char *str, size_t len, Oid typid, int32 typmod, Datum *out,
			 char *errbuf, size_t errlen)
{
	size_t		maxlen;
	size_t		cut;
	size_t		j;

	switch (typid)
	{
		case VARCHAROID:
			/* too long is an error unless only spaces are cut off */
			if (typmod >= (int32) VARHDRSZ &&
				len > (maxlen = (size_t) (typmod - VARHDRSZ)))
			{
				cut = pg_mbcharcliplen(str, (int) len, (int) maxlen);
				for (j = cut; j < len; j++)
					if (str[j] != ' ')
						return fail(errbuf, errlen, "value too long for type character varying(%d)",
									(int) maxlen);
				len = cut;
			}
			*out = PointerGetDatum(cstring_to_text_with_len(str, (int) len));
			return true;

		case BPCHAROID:
			if (typmod >= (int32) VARHDRSZ)
			{
				maxlen = typmod - VARHDRSZ;
				if ((size_t) pg_mbstrlen_with_len(str, (int) len) > maxlen)
				{
					cut = pg_mbcharcliplen(str, (int) len, (int) maxlen);
					for (j = cut; j < len; j++)
						if (str[j] != ' ')
							return fail(errbuf, errlen, "value too long for type character(%d)",
										(int) maxlen);
				}
			}
			/* proven to fit: bpcharin clips or pads exactly as checked */
			*out = DirectFunctionCall3(bpcharin, CStringGetDatum(str),
									   ObjectIdGetDatum(InvalidOid),
									   Int32GetDatum(typmod));
			return true;

		default:
			*out = PointerGetDatum(cstring_to_text_with_len(str, (int) len));
			return true;
	}
}

/* ========================================================================
 * Numbers
 * ========================================================================
 */

/*
 * pg_strtoint16/32/64: leading and trailing white space, one sign, decimal
 * digits only.  min is the type's minimum; the maximum is -(min + 1).
 */
static bool
parse_int(const char *str, int64 min, const char *typname, int64 *result,
		  char *errbuf, size_t errlen)
{
	const char *ptr = str;
	int64		tmp = 0;
	bool		neg = false;
	char		cb[CLIP_BUFSIZE];

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
		return syntax_error(typname, str, errbuf, errlen);
	/* accumulate negatively, as PostgreSQL does, to reach the minimum */
	while (*ptr && isdigit((unsigned char) *ptr))
	{
		int			digit = *ptr++ - '0';

		if (pg_mul_s64_overflow(tmp, 10, &tmp) ||
			pg_sub_s64_overflow(tmp, digit, &tmp) || tmp < min)
			return fail(errbuf, errlen, "value \"%s\" is out of range for type %s",
						clips(str, cb), typname);
	}
	while (*ptr && isspace((unsigned char) *ptr))
		ptr++;
	if (*ptr != '\0')
		return syntax_error(typname, str, errbuf, errlen);
	if (!neg)
	{
		if (tmp == min)
			return fail(errbuf, errlen, "value \"%s\" is out of range for type %s",
						clips(str, cb), typname);
		tmp = -tmp;
	}
	*result = tmp;
	return true;
}

/*
 * The words float4in and float8in accept where strtod() and strtof() fail:
 * NaN, [+-]Infinity, [+-]inf, any case.  Returns the length matched, or 0.
 */
static int
float_special(const char *num, double *val)
{
	if (pg_strncasecmp(num, "NaN", 3) == 0)
	{
		*val = get_float8_nan();
		return 3;
	}
	if (pg_strncasecmp(num, "Infinity", 8) == 0)
	{
		*val = get_float8_infinity();
		return 8;
	}
	if (pg_strncasecmp(num, "+Infinity", 9) == 0)
	{
		*val = get_float8_infinity();
		return 9;
	}
	if (pg_strncasecmp(num, "-Infinity", 9) == 0)
	{
		*val = -get_float8_infinity();
		return 9;
	}
	if (pg_strncasecmp(num, "inf", 3) == 0)
	{
		*val = get_float8_infinity();
		return 3;
	}
	if (pg_strncasecmp(num, "+inf", 4) == 0)
	{
		*val = get_float8_infinity();
		return 4;
	}
	if (pg_strncasecmp(num, "-inf", 4) == 0)
	{
		*val = -get_float8_infinity();
		return 4;
	}
	return 0;
}

/*
 * float4in (single) and float8in: the platform's strtof()/strtod() as
 * PostgreSQL calls them, so that every accepted spelling and every
 * rounding is the same; a result that overflows or underflows to zero is
 * out of range, a denormal is not.
 */
static bool
parse_float(const char *str, bool single, double *result,
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
		return syntax_error(typname, str, errbuf, errlen);

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
				return fail(errbuf, errlen, "\"%s\" is out of range for type %s",
							clips(str, cb), typname);
		}
		else
			return syntax_error(typname, str, errbuf, errlen);
	}
	while (*endptr != '\0' && isspace((unsigned char) *endptr))
		endptr++;
	if (*endptr != '\0')
		return syntax_error(typname, str, errbuf, errlen);
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
	return fail(errbuf, errlen, "numeric field overflow for numeric(%d,%d): \"%s\"%s",
				precision, scale, clips(str, cb), why);
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
				return syntax_error("numeric", str, errbuf, errlen);
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
		return syntax_error("numeric", str, errbuf, errlen);

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
				return syntax_error("numeric", str, errbuf, errlen);
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
			return syntax_error("numeric", str, errbuf, errlen);
		cp = endptr;
		if (exponent >= INT_MAX / 2 || exponent <= -(INT_MAX / 2))
			return fail(errbuf, errlen, "value overflows numeric format");
	}
	for (; *cp; cp++)
		if (!isspace((unsigned char) *cp))
			return syntax_error("numeric", str, errbuf, errlen);

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
		return fail(errbuf, errlen, "value overflows numeric format");
	if (first_nz >= 0)
	{
		int64		lead = dweight - first_nz;
		int64		weight = lead >= 0 ? lead / NUMERIC_NBASE_DIGITS :
			-((-lead - 1) / NUMERIC_NBASE_DIGITS + 1);

		if (weight > PG_INT16_MAX || weight < PG_INT16_MIN)
			return fail(errbuf, errlen, "value overflows numeric format");
	}
	return true;
}

static bool
numeric_datum(const char *str, int32 typmod, Datum *out,
			  char *errbuf, size_t errlen)
{
	if (!numeric_text_ok(str, typmod, errbuf, errlen))
		return false;
	*out = DirectFunctionCall3(numeric_in, CStringGetDatum(str),
							   ObjectIdGetDatum(InvalidOid),
							   Int32GetDatum(typmod));
	return true;
}

static int64
int_type_min(Oid typid)
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

static const char *
int_type_name(Oid typid)
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

static Datum
int_datum(Oid typid, int64 v)
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
static bool
int_value_datum(int64 v, Oid typid, Datum *out, char *errbuf, size_t errlen)
{
	int64		min = int_type_min(typid);

	if (v < min || v > -(min + 1))
		return fail(errbuf, errlen, "value %lld out of range for type %s",
					(long long) v, int_type_name(typid));
	*out = int_datum(typid, v);
	return true;
}

/*
 * The exact value of a number written as JSON or decimal text ("12",
 * "-1.0", "1.5e1", "3E+2") as an integer: true when it is integral and
 * fits [min, -(min + 1)].  No rounding: 1.5 is not an integer.
 */
static bool
integral_number(const char *num, int64 min, const char *typname,
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
		return syntax_error(typname, num, errbuf, errlen);
	if (*cp == 'e' || *cp == 'E')
	{
		bool		eneg = false;
		int64		e = 0;

		cp++;
		if (*cp == '-' || *cp == '+')
			eneg = (*cp++ == '-');
		if (!isdigit((unsigned char) *cp))
			return syntax_error(typname, num, errbuf, errlen);
		for (; isdigit((unsigned char) *cp); cp++)
			if (e < PG_INT32_MAX)
				e = e * 10 + (*cp - '0');	/* saturates; huge is huge */
		exp10 = eneg ? -e : e;
	}
	if (*cp != '\0')
		return syntax_error(typname, num, errbuf, errlen);

	/*
	 * The digits (nint before the point, nfrac after, skipping the point)
	 * form d[0..total); the integer part is d[0..pos), padded with zeros.
	 */
	total = nint + nfrac;
#define DIGIT(k) ((k) < nint ? mant[k] - '0' : mant[(k) + 1] - '0')
	pos = nint + exp10;
	for (j = Max(pos, 0); j < total; j++)
		if (DIGIT(j) != 0)
			return fail(errbuf, errlen, "value \"%s\" is not an integer, as type %s requires",
						clips(num, cb), typname);
	for (j = 0; j < pos; j++)
	{
		int			d = j < total ? DIGIT(j) : 0;

		if (pg_mul_s64_overflow(tmp, 10, &tmp) ||
			pg_sub_s64_overflow(tmp, d, &tmp) || tmp < min)
			return fail(errbuf, errlen, "value \"%s\" is out of range for type %s",
						clips(num, cb), typname);
	}
#undef DIGIT
	if (!neg)
	{
		if (tmp == min)
			return fail(errbuf, errlen, "value \"%s\" is out of range for type %s",
						clips(num, cb), typname);
		tmp = -tmp;
	}
	*result = tmp;
	return true;
}

/* A double into real, failing where float8->float4 casts fail */
static bool
float4_from_double(double d, float *f, char *errbuf, size_t errlen)
{
	*f = (float) d;
	if (isinf(*f) && !isinf(d))
		return fail(errbuf, errlen, "value %g out of range for type real: overflow", d);
	if (*f == 0.0f && d != 0.0)
		return fail(errbuf, errlen, "value %g out of range for type real: underflow", d);
	return true;
}

/* ========================================================================
 * uuid, bytea
 * ========================================================================
 */

/* string_to_uuid: 32 hex digits, a hyphen after any group of four, braces */
static bool
uuid_datum(const char *source, Datum *out, char *errbuf, size_t errlen)
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
			return syntax_error("uuid", source, errbuf, errlen);
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
			return syntax_error("uuid", source, errbuf, errlen);
		src++;
	}
	if (*src != '\0')
		return syntax_error("uuid", source, errbuf, errlen);
	*out = UUIDPGetDatum(uuid);
	return true;
}

static int
hex_value(unsigned char c)
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
 * byteain: "\x" and pairs of hex digits, white space allowed between
 * pairs; otherwise the escape format, where a backslash must start "\\"
 * or an octal "\ooo" up to \377.
 */
static bool
bytea_datum(const char *str, size_t len, Datum *out,
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
			if ((hi = hex_value((unsigned char) *s)) < 0)
				return fail(errbuf, errlen, "invalid hexadecimal digit: \"%s\"",
							clip(s, pg_mblen(s), cb));
			if (++s >= end)
				return fail(errbuf, errlen, "invalid hexadecimal data: odd number of digits");
			if ((lo = hex_value((unsigned char) *s)) < 0)
				return fail(errbuf, errlen, "invalid hexadecimal digit: \"%s\"",
							clip(s, pg_mblen(s), cb));
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
			return fail(errbuf, errlen, "invalid input syntax for type bytea");
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
		return fail(errbuf, errlen, "value of %zu bytes exceeds the maximum size of a bytea",
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
			return fail(errbuf, errlen, "date/time field value out of range: \"%s\"",
						clips(str, cb));
		case DTERR_INTERVAL_OVERFLOW:
			return fail(errbuf, errlen, "interval field value out of range: \"%s\"",
						clips(str, cb));
		case DTERR_TZDISP_OVERFLOW:
			return fail(errbuf, errlen, "time zone displacement out of range: \"%s\"",
						clips(str, cb));
		default:
			return syntax_error(typname, str, errbuf, errlen);
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
				return fail(errbuf, errlen, "time zone \"%s\" not recognized",
							clips(field[i], cb));
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
		dterr = DecodeTimeOnly(field, ftype, nf, dtype, tm, fsec, tz);
	else if (dterr == 0)
		dterr = DecodeDateTime(field, ftype, nf, dtype, tm, fsec, tz);
	if (dterr == DTERR_BAD_FORMAT && unknown != NULL)
		return fail(errbuf, errlen, "invalid input syntax for type %s: \"%s\" (\"%s\" is neither a date nor a known time zone)",
					typname, clips(str, cb), clips(unknown, cb2));
	if (dterr != 0)
		return datetime_error(dterr, str, typname, errbuf, errlen);
	return true;
}

/* date_in */
static bool
date_datum(const char *str, Datum *out, char *errbuf, size_t errlen)
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
			return syntax_error("date", str, errbuf, errlen);
	}
	if (!IS_VALID_JULIAN(tm->tm_year, tm->tm_mon, tm->tm_mday))
		return fail(errbuf, errlen, "date out of range: \"%s\"", clips(str, cb));
	date = date2j(tm->tm_year, tm->tm_mon, tm->tm_mday) - POSTGRES_EPOCH_JDATE;
	if (!IS_VALID_DATE(date))
		return fail(errbuf, errlen, "date out of range: \"%s\"", clips(str, cb));
	*out = DateADTGetDatum(date);
	return true;
}

/* time_in */
static bool
time_datum(const char *str, int32 typmod, Datum *out,
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
static bool
timestamp_typmod(Timestamp *ts, int32 typmod, char *errbuf, size_t errlen)
{
	bool		error = false;

	if (!AdjustTimestampForTypmodError(ts, typmod, &error) && error)
		return fail(errbuf, errlen, "timestamp(%d) precision must be between %d and %d",
					typmod, 0, MAX_TIMESTAMP_PRECISION);
	if (!TIMESTAMP_NOT_FINITE(*ts) && !IS_VALID_TIMESTAMP(*ts))
		return fail(errbuf, errlen, "timestamp out of range after rounding to timestamp(%d)",
					typmod);
	return true;
}

/* timestamp_in and timestamptz_in; the latter in the session's time zone */
static bool
timestamp_datum(const char *str, bool with_tz, int32 typmod, Datum *out,
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
				return fail(errbuf, errlen, "timestamp out of range: \"%s\"",
							clips(str, cb));
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
			return syntax_error(typname, str, errbuf, errlen);
	}
	if (!timestamp_typmod(&result, typmod, errbuf, errlen))
		return false;
	*out = TimestampGetDatum(result);
	return true;
}

/* ========================================================================
 * JSON
 * ========================================================================
 */

/* A JSON number's text: as written, or made from its value. */
static const char *
json_number_text(const MeshJson *json)
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
		return fail(errbuf, errlen, "JSON value nested deeper than %d levels",
					MESH_JSON_MAX_DEPTH);
	*size += 8;					/* its JEntry, alignment */
	switch (json->type)
	{
		case MJ_NULL:
		case MJ_BOOL:
			break;
		case MJ_NUMBER:
			{
				const char *num = json_number_text(json);

				if (jsonb && !numeric_text_ok(num, -1, errbuf, errlen))
					return false;
				/* a numeric takes at most ~1 byte per digit, plus headers */
				*size += strlen(num) + 16;
				break;
			}
		case MJ_STRING:
			/* jsonb_in de-escapes strings; json_in keeps the text as is */
			if (jsonb && json->string != NULL &&
				!check_text(json->string, json->string_len, errbuf, errlen))
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

					if (jsonb && !check_text(json->keys[i], klen, errbuf, errlen))
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
		return fail(errbuf, errlen, "JSON value too large for type %s",
					jsonb ? "jsonb" : "json");
	return true;
}

/*
 * json or jsonb from JSON text that mesh_json_parse read as tree: checked
 * by json_tree_ok, then given to json_in or jsonb_in (json keeps the text
 * as written, as json_in does).
 */
static bool
json_datum_from_text(const char *text, const MeshJson *tree, bool jsonb,
					 Datum *out, char *errbuf, size_t errlen)
{
	uint64		size = 0;

	/* check_text: only ASCII in a database that is not UTF8 */
	if (!json_tree_ok(tree, jsonb, 0, &size, errbuf, errlen) ||
		!check_text(text, strlen(text), errbuf, errlen))
		return false;
	if (jsonb)
		*out = DirectFunctionCall1(jsonb_in, CStringGetDatum(text));
	else
		*out = DirectFunctionCall1(json_in, CStringGetDatum(text));
	return true;
}

static bool
json_text_datum(const char *str, size_t len, bool jsonb, Datum *out,
				char *errbuf, size_t errlen)
{
	char		parse_err[JSON_ERROR_SIZE];
	MeshJson   *tree;

	tree = mesh_json_parse(str, len, MESH_JSON_MAX_DEPTH, parse_err,
						   sizeof(parse_err));
	if (tree == NULL)
		return fail(errbuf, errlen, "invalid input syntax for type %s: %s",
					jsonb ? "jsonb" : "json", parse_err);
	return json_datum_from_text(str, tree, jsonb, out, errbuf, errlen);
}

/* ========================================================================
 * Arrays
 * ========================================================================
 */

/* A one-dimensional array of the column's element type, lower bound 1. */
static bool
array_datum(Datum *values, bool *nulls, int n, const MeshColumnType *ct,
			Datum *out, char *errbuf, size_t errlen)
{
	Size		nbytes = 0;
	int			dims[1];
	int			lbs[1];
	int			i;

	if ((Size) n > MaxArraySize)
		return fail(errbuf, errlen, "array of %d elements exceeds the maximum allowed (%d)",
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
		return fail(errbuf, errlen, "array size exceeds the maximum allowed (%d)",
					(int) MaxAllocSize);
	dims[0] = n;
	lbs[0] = 1;
	*out = PointerGetDatum(construct_md_array(values, nulls, 1, dims, lbs,
											  ct->elemtype, ct->elemlen,
											  ct->elembyval, ct->elemalign));
	return true;
}

/* A growing list of array elements. */
typedef struct ArrayBuild
{
	Datum	   *values;
	bool	   *nulls;
	int			n;
	int			cap;
} ArrayBuild;

static void
array_build_add(ArrayBuild *ab, Datum value, bool isnull)
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

	return fail(errbuf, errlen, "malformed array literal: \"%s\" (%s)",
				clips(str, cb), detail);
}

/*
 * A one-dimensional array literal as array_in reads it, for the element
 * types of checked arrays (all use "," between elements): '{1, 2,"x y",
 * NULL}', elements quoted with double quotes or not, backslash escapes,
 * white space around unquoted elements dropped, unquoted NULL (any case)
 * for a null when array_nulls is on.  Dimension decorations ('[0:1]={..}')
 * and nested braces (several dimensions) are refused.
 */
static bool
array_from_literal(const char *str, const MeshColumnType *ct, Datum *out,
				   char *errbuf, size_t errlen)
{
	const char *p = str;
	MeshColumnType elem;
	ArrayBuild	ab = {0};
	StringInfoData item;

	element_type(ct, &elem);
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
			else if (!text_to_datum(item.data, item.len, &elem, &value,
									errbuf, errlen))
				return false;
			array_build_add(&ab, value, isnull);
			if (*p++ == '}')
				break;
		}
	}
	while (array_isspace(*p))
		p++;
	if (*p != '\0')
		return malformed_array(str, "junk after closing right brace",
							   errbuf, errlen);
	return array_datum(ab.values, ab.nulls, ab.n, ct, out, errbuf, errlen);
}

/* Append one element to a PostgreSQL array literal being built. */
static void
literal_append(StringInfo buf, const char *s, bool isnull)
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

/* Through an unchecked type's input function, which may throw. */
static bool
input_datum(const char *str, size_t len, const MeshColumnType *ct,
			Datum *out, char *errbuf, size_t errlen)
{
	char	   *copy;

	if (!check_text(str, len, errbuf, errlen))
		return false;
	copy = str[len] == '\0' ? (char *) str : pnstrdup(str, len);
	*out = InputFunctionCall((FmgrInfo *) &ct->input, copy, ct->ioparam,
							 ct->typmod);
	return true;
}

/* ========================================================================
 * Text into the column type
 * ========================================================================
 */

/* str: NUL-terminated, len bytes, already through check_text */
static bool
text_to_datum(const char *str, size_t len, const MeshColumnType *ct,
			  Datum *out, char *errbuf, size_t errlen)
{
	int64		i;
	double		d;

	if (!ct->checked)
	{
		*out = InputFunctionCall((FmgrInfo *) &ct->input, (char *) str,
								 ct->ioparam, ct->typmod);
		return true;
	}
	switch (ct->typid)
	{
		case BOOLOID:
			{
				const char *s = str;
				size_t		l;
				bool		b;

				/* boolin: trim white space, then parse_bool_with_len */
				while (isspace((unsigned char) *s))
					s++;
				l = strlen(s);
				while (l > 0 && isspace((unsigned char) s[l - 1]))
					l--;
				if (!parse_bool_with_len(s, l, &b))
					return syntax_error("boolean", str, errbuf, errlen);
				*out = BoolGetDatum(b);
				return true;
			}
		case INT2OID:
		case INT4OID:
		case INT8OID:
			if (!parse_int(str, int_type_min(ct->typid), int_type_name(ct->typid),
						   &i, errbuf, errlen))
				return false;
			*out = int_datum(ct->typid, i);
			return true;
		case FLOAT4OID:
			if (!parse_float(str, true, &d, errbuf, errlen))
				return false;
			*out = Float4GetDatum((float4) d);
			return true;
		case FLOAT8OID:
			if (!parse_float(str, false, &d, errbuf, errlen))
				return false;
			*out = Float8GetDatum(d);
			return true;
		case NUMERICOID:
			return numeric_datum(str, ct->typmod, out, errbuf, errlen);
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			return string_datum(str, len, ct->typid, ct->typmod, out,
								errbuf, errlen);
		case DATEOID:
			return date_datum(str, out, errbuf, errlen);
		case TIMEOID:
			return time_datum(str, ct->typmod, out, errbuf, errlen);
		case TIMESTAMPOID:
			return timestamp_datum(str, false, ct->typmod, out, errbuf, errlen);
		case TIMESTAMPTZOID:
			return timestamp_datum(str, true, ct->typmod, out, errbuf, errlen);
		case UUIDOID:
			return uuid_datum(str, out, errbuf, errlen);
		case BYTEAOID:
			return bytea_datum(str, len, out, errbuf, errlen);
		case JSONBOID:
		case JSONOID:
			return json_text_datum(str, len, ct->typid == JSONBOID, out,
								   errbuf, errlen);
		default:
			if (OidIsValid(ct->elemtype))
				return array_from_literal(str, ct, out, errbuf, errlen);
			return cannot_convert("text", ct, errbuf, errlen);
	}
}

bool
mesh_convert_text(const char *utf8, size_t len, const MeshColumnType *ct,
				  Datum *out, char *errbuf, size_t errlen)
{
	char	   *str;

	if (!check_text(utf8, len, errbuf, errlen))
		return false;
	str = pnstrdup(utf8, len);
	return text_to_datum(str, len, ct, out, errbuf, errlen);
}

/* ========================================================================
 * JSON values into the column type
 * ========================================================================
 */

static const char *
json_type_name(const MeshJson *json)
{
	switch (json->type)
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
json_cannot_convert(const MeshJson *json, const MeshColumnType *ct,
					char *errbuf, size_t errlen)
{
	return cannot_convert(psprintf("JSON %s", json_type_name(json)), ct,
						  errbuf, errlen);
}

/* A JSON string's text; NULL for a string built without one. */
static bool
json_string_datum(const MeshJson *json, const MeshColumnType *ct, Datum *out,
				  char *errbuf, size_t errlen)
{
	const char *s = json->string ? json->string : "";
	size_t		len = json->string ? json->string_len : 0;

	return mesh_convert_text(s, len, ct, out, errbuf, errlen);
}

/*
 * A JSON array into a one-dimensional PostgreSQL array: each element by
 * the element type's rules; null elements are NULL; nested arrays and
 * objects are refused.  Unchecked array types get an array literal.
 */
static bool
json_array_datum(const MeshJson *json, const MeshColumnType *ct, Datum *out,
				 int depth, char *errbuf, size_t errlen)
{
	int			i;

	for (i = 0; i < json->count; i++)
	{
		const MeshJson *item = json->items[i];

		if (item != NULL && (item->type == MJ_ARRAY || item->type == MJ_OBJECT))
			return fail(errbuf, errlen, "cannot convert a JSON array holding an %s to type %s",
						json_type_name(item), type_label(ct->typid, ct->typmod));
	}

	if (ct->checked)
	{
		MeshColumnType elem;
		ArrayBuild	ab = {0};

		element_type(ct, &elem);
		for (i = 0; i < json->count; i++)
		{
			Datum		value = (Datum) 0;
			bool		isnull = true;

			if (json->items[i] != NULL &&
				!json_to_datum(json->items[i], &elem, &value, &isnull,
							   depth + 1, errbuf, errlen))
				return false;
			array_build_add(&ab, value, isnull);
		}
		return array_datum(ab.values, ab.nulls, ab.n, ct, out, errbuf, errlen);
	}
	else
	{
		StringInfoData buf;

		initStringInfo(&buf);
		appendStringInfoChar(&buf, '{');
		for (i = 0; i < json->count; i++)
		{
			const MeshJson *item = json->items[i];

			if (item == NULL || item->type == MJ_NULL)
				literal_append(&buf, NULL, true);
			else if (item->type == MJ_STRING)
			{
				if (!check_text(item->string ? item->string : "",
								item->string ? item->string_len : 0,
								errbuf, errlen))
					return false;
				literal_append(&buf, item->string ? item->string : "", false);
			}
			else if (item->type == MJ_NUMBER)
				literal_append(&buf, json_number_text(item), false);
			else
				literal_append(&buf, item->boolean ? "true" : "false", false);
		}
		appendStringInfoChar(&buf, '}');
		return input_datum(buf.data, buf.len, ct, out, errbuf, errlen);
	}
}

static bool
json_to_datum(const MeshJson *json, const MeshColumnType *ct, Datum *out,
			  bool *isnull, int depth, char *errbuf, size_t errlen)
{
	const char *num;
	int64		i;
	double		d;

	*isnull = false;
	*out = (Datum) 0;
	if (json == NULL || json->type == MJ_NULL)
	{
		*isnull = true;
		return true;
	}
	if (depth > MESH_JSON_MAX_DEPTH)
		return fail(errbuf, errlen, "JSON value nested deeper than %d levels",
					MESH_JSON_MAX_DEPTH);

	/* json and jsonb (and domains over them) take any value, as JSON */
	if (json_like(ct))
	{
		MeshBuf		buf;

		mesh_buf_init(&buf);
		mesh_json_write(&buf, json);
		if (!ct->checked)
			return input_datum(buf.data, buf.len, ct, out, errbuf, errlen);
		return json_datum_from_text(buf.data, json, ct->typid == JSONBOID,
									out, errbuf, errlen);
	}

	if (!ct->checked)
	{
		MeshBuf		buf;

		switch (json->type)
		{
			case MJ_STRING:
				return input_datum(json->string ? json->string : "",
								   json->string ? json->string_len : 0,
								   ct, out, errbuf, errlen);
			case MJ_NUMBER:
				num = json_number_text(json);
				return input_datum(num, strlen(num), ct, out, errbuf, errlen);
			case MJ_BOOL:
				num = json->boolean ? "true" : "false";
				return input_datum(num, strlen(num), ct, out, errbuf, errlen);
			case MJ_ARRAY:
				if (OidIsValid(ct->elemtype))
					return json_array_datum(json, ct, out, depth, errbuf, errlen);
				/* FALLTHROUGH */
			default:
				/* e.g. a range type: the value as JSON text */
				mesh_buf_init(&buf);
				mesh_json_write(&buf, json);
				return input_datum(buf.data, buf.len, ct, out, errbuf, errlen);
		}
	}

	if (json->type == MJ_STRING)
		return json_string_datum(json, ct, out, errbuf, errlen);

	switch (ct->typid)
	{
		case BOOLOID:
			if (json->type != MJ_BOOL)
				break;
			*out = BoolGetDatum(json->boolean);
			return true;

		case INT2OID:
		case INT4OID:
		case INT8OID:
			if (json->type != MJ_NUMBER)
				break;
			/* exact: integral values only, 1.0 and 1e3 included */
			if (json->is_integer)
			{
				int64		min = int_type_min(ct->typid);
				char		cb[CLIP_BUFSIZE];

				if (json->integer < min || json->integer > -(min + 1))
					return fail(errbuf, errlen, "value \"%s\" is out of range for type %s",
								clips(json_number_text(json), cb),
								int_type_name(ct->typid));
				*out = int_datum(ct->typid, json->integer);
				return true;
			}
			if (!integral_number(json_number_text(json), int_type_min(ct->typid),
								 int_type_name(ct->typid), &i, errbuf, errlen))
				return false;
			*out = int_datum(ct->typid, i);
			return true;

		case FLOAT4OID:
		case FLOAT8OID:
			if (json->type != MJ_NUMBER)
				break;
			/* from the text, rounded once, as float4in/float8in would */
			if (!parse_float(json_number_text(json), ct->typid == FLOAT4OID, &d,
							 errbuf, errlen))
				return false;
			*out = ct->typid == FLOAT4OID ? Float4GetDatum((float4) d) :
				Float8GetDatum(d);
			return true;

		case NUMERICOID:
			if (json->type != MJ_NUMBER)
				break;
			return numeric_datum(json_number_text(json), ct->typmod, out,
								 errbuf, errlen);

		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			/* numbers as written, booleans as true/false */
			if (json->type == MJ_NUMBER)
				num = json_number_text(json);
			else if (json->type == MJ_BOOL)
				num = json->boolean ? "true" : "false";
			else
				break;
			return string_datum(num, strlen(num), ct->typid, ct->typmod, out,
								errbuf, errlen);

		default:
			if (OidIsValid(ct->elemtype) && json->type == MJ_ARRAY)
				return json_array_datum(json, ct, out, depth, errbuf, errlen);
			break;
	}
	return json_cannot_convert(json, ct, errbuf, errlen);
}

bool
mesh_convert_json(const MeshJson *json, const MeshColumnType *ct,
				  Datum *out, bool *isnull, char *errbuf, size_t errlen)
{
	return json_to_datum(json, ct, out, isnull, 0, errbuf, errlen);
}

/* ========================================================================
 * Avro values into the column type
 * ========================================================================
 */

/*
 * An Avro decimal's unscaled value, a big-endian two's-complement integer
 * of len bytes, written in decimal with scale digits after the point.
 */
static bool
decimal_text(const uint8 *data, size_t len, int scale, StringInfo out,
			 char *errbuf, size_t errlen)
{
	uint8	   *mag;
	bool		neg;
	size_t		i;
	size_t		start;
	char	   *digits;
	size_t		ndigits;

	if (len == 0)
		return fail(errbuf, errlen, "invalid Avro decimal: no bytes");
	if (scale < 0 || scale > NUMERIC_DSCALE_LIMIT)
		return fail(errbuf, errlen, "Avro decimal scale %d out of range for numeric",
					scale);

	/* the magnitude, negating a negative value (invert, add one) */
	neg = (data[0] & 0x80) != 0;
	mag = palloc(len);
	memcpy(mag, data, len);
	if (neg)
	{
		int			carry = 1;

		for (i = len; i-- > 0;)
		{
			int			v = (uint8) ~mag[i] + carry;

			mag[i] = (uint8) v;
			carry = v >> 8;
		}
	}
	for (start = 0; start < len && mag[start] == 0; start++)
		;
	if (len - start > DECIMAL_MAX_BYTES)
		return fail(errbuf, errlen, "Avro decimal of %zu bytes out of range for numeric",
					len - start);

	if (len - start <= 8)
	{
		uint64		v = 0;

		for (i = start; i < len; i++)
			v = (v << 8) | mag[i];
		digits = psprintf(UINT64_FORMAT, v);
		ndigits = strlen(digits);
	}
	else
	{
		/*
		 * Base 2^32 limbs, most significant first, divided by 10^9 until
		 * zero; the remainders are the base-10^9 digits, least first.
		 */
		size_t		nbytes = len - start;
		size_t		nlimbs = (nbytes + 3) / 4;
		uint32	   *limbs = palloc0(nlimbs * sizeof(uint32));
		uint32	   *chunks = palloc((nbytes * 3 / 9 + 2) * sizeof(uint32));
		size_t		nchunks = 0;
		size_t		first = 0;
		StringInfoData dbuf;

		for (i = 0; i < nbytes; i++)
		{
			size_t		bit = (nbytes - 1 - i) * 8;

			limbs[nlimbs - 1 - bit / 32] |= (uint32) mag[start + i] << (bit % 32);
		}
		while (first < nlimbs)
		{
			uint64		rem = 0;

			for (i = first; i < nlimbs; i++)
			{
				uint64		cur = (rem << 32) | limbs[i];

				limbs[i] = (uint32) (cur / 1000000000);
				rem = cur % 1000000000;
			}
			chunks[nchunks++] = (uint32) rem;
			while (first < nlimbs && limbs[first] == 0)
				first++;
		}
		initStringInfo(&dbuf);
		appendStringInfo(&dbuf, "%u", chunks[nchunks - 1]);
		for (i = nchunks - 1; i-- > 0;)
			appendStringInfo(&dbuf, "%09u", chunks[i]);
		digits = dbuf.data;
		ndigits = dbuf.len;
	}

	if (neg)
		appendStringInfoChar(out, '-');
	if (scale == 0)
		appendStringInfoString(out, digits);
	else if (ndigits <= (size_t) scale)
	{
		appendStringInfoString(out, "0.");
		for (i = ndigits; i < (size_t) scale; i++)
			appendStringInfoChar(out, '0');
		appendStringInfoString(out, digits);
	}
	else
	{
		appendBinaryStringInfo(out, digits, ndigits - scale);
		appendStringInfoChar(out, '.');
		appendStringInfoString(out, digits + ndigits - scale);
	}
	return true;
}

/* Avro date: days since 1970-01-01 */
static bool
avro_date(const MeshAvroValue *v, DateADT *date, char *errbuf, size_t errlen)
{
	int64		d = v->integer - EPOCH_DIFF_DAYS;

	if (!IS_VALID_DATE(d))
		return fail(errbuf, errlen, "date out of range: %lld days from 1970-01-01",
					(long long) v->integer);
	*date = (DateADT) d;
	return true;
}

/* Avro time-millis, time-micros: since midnight; 24:00:00 is allowed */
static bool
avro_time(const MeshAvroValue *v, TimeADT *time, char *errbuf, size_t errlen)
{
	int64		t = v->integer;

	if (v->logical == AVRO_LT_TIME_MILLIS && pg_mul_s64_overflow(t, 1000, &t))
		t = -1;
	if (t < 0 || t > USECS_PER_DAY)
		return fail(errbuf, errlen, "time out of range: %lld %s after midnight",
					(long long) v->integer,
					v->logical == AVRO_LT_TIME_MILLIS ? "ms" : "us");
	*time = t;
	return true;
}

/* Avro (local-)timestamp-millis/micros: since 1970-01-01 00:00 */
static bool
avro_timestamp(const MeshAvroValue *v, Timestamp *ts, char *errbuf, size_t errlen)
{
	bool		millis = (v->logical == AVRO_LT_TIMESTAMP_MILLIS ||
						  v->logical == AVRO_LT_LOCAL_TIMESTAMP_MILLIS);
	int64		t = v->integer;

	if ((millis && pg_mul_s64_overflow(t, 1000, &t)) ||
		pg_sub_s64_overflow(t, EPOCH_DIFF_USECS, &t) ||
		!IS_VALID_TIMESTAMP(t))
		return fail(errbuf, errlen, "timestamp out of range: %lld %s from 1970-01-01",
					(long long) v->integer, millis ? "ms" : "us");
	*ts = t;
	return true;
}

static bool
is_temporal(MeshAvroLogical lt)
{
	return lt == AVRO_LT_DATE || lt == AVRO_LT_TIME_MILLIS ||
		lt == AVRO_LT_TIME_MICROS || lt == AVRO_LT_TIMESTAMP_MILLIS ||
		lt == AVRO_LT_TIMESTAMP_MICROS ||
		lt == AVRO_LT_LOCAL_TIMESTAMP_MILLIS ||
		lt == AVRO_LT_LOCAL_TIMESTAMP_MICROS;
}

static bool
is_instant(MeshAvroLogical lt)
{
	return lt == AVRO_LT_TIMESTAMP_MILLIS || lt == AVRO_LT_TIMESTAMP_MICROS;
}

static bool
is_local_timestamp(MeshAvroLogical lt)
{
	return lt == AVRO_LT_LOCAL_TIMESTAMP_MILLIS ||
		lt == AVRO_LT_LOCAL_TIMESTAMP_MICROS;
}

/*
 * A date/time logical value into date, time, timestamp or timestamptz,
 * as the SQL cast between the mapped types does: timestamp-* is an
 * instant (timestamptz), local-timestamp-* a timestamp; between the two,
 * and from a date, the session's time zone applies; into date or time a
 * timestamp keeps its date or its time of day.
 */
static bool
avro_temporal_datum(const MeshAvroValue *v, const MeshColumnType *ct,
					Datum *out, char *errbuf, size_t errlen)
{
	MeshAvroLogical lt = v->logical;
	DateADT		date = 0;
	TimeADT		time = 0;
	Timestamp	ts = 0;
	struct pg_tm tt,
			   *tm = &tt;
	fsec_t		fsec;
	int			tz;
	int			overflow = 0;

	if (lt == AVRO_LT_DATE && !avro_date(v, &date, errbuf, errlen))
		return false;
	if ((lt == AVRO_LT_TIME_MILLIS || lt == AVRO_LT_TIME_MICROS) &&
		!avro_time(v, &time, errbuf, errlen))
		return false;
	if ((is_instant(lt) || is_local_timestamp(lt)) &&
		!avro_timestamp(v, &ts, errbuf, errlen))
		return false;

	switch (ct->typid)
	{
		case DATEOID:
			if (lt == AVRO_LT_DATE)
				break;
			if (!is_instant(lt) && !is_local_timestamp(lt))
				return cannot_convert(psprintf("Avro %s", avro_label(v)), ct,
									  errbuf, errlen);
			if (timestamp2tm(ts, is_instant(lt) ? &tz : NULL, tm, &fsec,
							 NULL, NULL) != 0)
				return fail(errbuf, errlen, "timestamp out of range");
			date = date2j(tm->tm_year, tm->tm_mon, tm->tm_mday) - POSTGRES_EPOCH_JDATE;
			break;

		case TIMEOID:
			if (lt == AVRO_LT_TIME_MILLIS || lt == AVRO_LT_TIME_MICROS)
			{
				AdjustTimeForTypmod(&time, ct->typmod);
				break;
			}
			if (!is_instant(lt) && !is_local_timestamp(lt))
				return cannot_convert(psprintf("Avro %s", avro_label(v)), ct,
									  errbuf, errlen);
			if (timestamp2tm(ts, is_instant(lt) ? &tz : NULL, tm, &fsec,
							 NULL, NULL) != 0)
				return fail(errbuf, errlen, "timestamp out of range");
			tm2time(tm, fsec, &time);
			AdjustTimeForTypmod(&time, ct->typmod);
			break;

		case TIMESTAMPOID:
			if (lt == AVRO_LT_DATE)
				ts = date2timestamp_opt_overflow(date, &overflow);
			else if (is_instant(lt))
			{
				/* the local time of the instant in the session's zone */
				if (timestamp2tm(ts, &tz, tm, &fsec, NULL, NULL) != 0 ||
					tm2timestamp(tm, fsec, NULL, &ts) != 0)
					overflow = 1;
			}
			else if (!is_local_timestamp(lt))
				return cannot_convert(psprintf("Avro %s", avro_label(v)), ct,
									  errbuf, errlen);
			if (overflow != 0)
				return fail(errbuf, errlen, "timestamp out of range");
			if (!timestamp_typmod(&ts, ct->typmod, errbuf, errlen))
				return false;
			*out = TimestampGetDatum(ts);
			return true;

		case TIMESTAMPTZOID:
			if (lt == AVRO_LT_DATE)
				ts = date2timestamptz_opt_overflow(date, &overflow);
			else if (is_local_timestamp(lt))
				ts = timestamp2timestamptz_opt_overflow(ts, &overflow);
			else if (!is_instant(lt))
				return cannot_convert(psprintf("Avro %s", avro_label(v)), ct,
									  errbuf, errlen);
			if (overflow != 0)
				return fail(errbuf, errlen, "timestamp out of range");
			if (!timestamp_typmod(&ts, ct->typmod, errbuf, errlen))
				return false;
			*out = TimestampTzGetDatum(ts);
			return true;

		default:
			return cannot_convert(psprintf("Avro %s", avro_label(v)), ct,
								  errbuf, errlen);
	}
	if (ct->typid == DATEOID)
		*out = DateADTGetDatum(date);
	else
		*out = TimeADTGetDatum(time);
	return true;
}

static void
append_hex(StringInfo out, const char *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t		i;

	appendStringInfoString(out, "\\x");
	for (i = 0; i < len; i++)
	{
		appendStringInfoChar(out, hex[((uint8) data[i]) >> 4]);
		appendStringInfoChar(out, hex[((uint8) data[i]) & 0xf]);
	}
}

/*
 * The text of a scalar Avro value, as its mapped PostgreSQL type would be
 * printed and as to_jsonb() shows it (without quotes): booleans true and
 * false, numbers as float4out/float8out print them by default (shortest
 * exact), decimals exactly with their scale, dates, times and timestamps
 * in ISO 8601 (timestamp-* with the session's offset), bytes and fixed as
 * "\x" hex.  A duration (months, days, milliseconds) is written as
 * interval input ("1 months 2 days 3 milliseconds").
 */
static bool
avro_scalar_text(const MeshAvroValue *v, StringInfo out,
				 char *errbuf, size_t errlen)
{
	char		buf[MAXDATELEN + 1];

	switch (v->logical)
	{
		case AVRO_LT_DECIMAL:
			if (v->kind != AVRO_BYTES && v->kind != AVRO_FIXED)
				break;
			return decimal_text((const uint8 *) v->data, v->len, v->scale, out,
								errbuf, errlen);
		case AVRO_LT_DATE:
			{
				DateADT		date = 0;

				if (!avro_date(v, &date, errbuf, errlen))
					return false;
				appendStringInfoString(out, JsonEncodeDateTime(buf, DateADTGetDatum(date),
															   DATEOID, NULL));
				return true;
			}
		case AVRO_LT_TIME_MILLIS:
		case AVRO_LT_TIME_MICROS:
			{
				TimeADT		time = 0;

				if (!avro_time(v, &time, errbuf, errlen))
					return false;
				appendStringInfoString(out, JsonEncodeDateTime(buf, TimeADTGetDatum(time),
															   TIMEOID, NULL));
				return true;
			}
		case AVRO_LT_TIMESTAMP_MILLIS:
		case AVRO_LT_TIMESTAMP_MICROS:
		case AVRO_LT_LOCAL_TIMESTAMP_MILLIS:
		case AVRO_LT_LOCAL_TIMESTAMP_MICROS:
			{
				Timestamp	ts = 0;

				if (!avro_timestamp(v, &ts, errbuf, errlen))
					return false;
				appendStringInfoString(out, JsonEncodeDateTime(buf, TimestampGetDatum(ts),
															   is_instant(v->logical) ? TIMESTAMPTZOID : TIMESTAMPOID,
															   NULL));
				return true;
			}
		case AVRO_LT_DURATION:
			if (v->kind == AVRO_FIXED && v->len == 12)
			{
				const uint8 *b = (const uint8 *) v->data;
				uint32		parts[3];
				int			k;

				/* three little-endian unsigned 32-bit integers */
				for (k = 0; k < 3; k++)
					parts[k] = (uint32) b[4 * k] | ((uint32) b[4 * k + 1] << 8) |
						((uint32) b[4 * k + 2] << 16) | ((uint32) b[4 * k + 3] << 24);
				appendStringInfo(out, "%u months %u days %u milliseconds",
								 parts[0], parts[1], parts[2]);
				return true;
			}
			break;
		default:
			break;
	}

	switch (v->kind)
	{
		case AVRO_BOOLEAN:
			appendStringInfoString(out, v->boolean ? "true" : "false");
			return true;
		case AVRO_INT:
		case AVRO_LONG:
			appendStringInfo(out, INT64_FORMAT, v->integer);
			return true;
		case AVRO_FLOAT:
			float_to_shortest_decimal_buf((float) v->real, buf);
			appendStringInfoString(out, buf);
			return true;
		case AVRO_DOUBLE:
			double_to_shortest_decimal_buf(v->real, buf);
			appendStringInfoString(out, buf);
			return true;
		case AVRO_STRING:
		case AVRO_ENUM:
			appendBinaryStringInfo(out, v->data ? v->data : "", (int) v->len);
			return true;
		case AVRO_BYTES:
		case AVRO_FIXED:
			append_hex(out, v->data, v->len);
			return true;
		default:
			return fail(errbuf, errlen, "cannot convert Avro %s to text",
						avro_label(v));
	}
}

/* A MESH_SHAPE_ARRAY value: items, no JSON text */
static bool
is_array_value(const MeshAvroValue *v)
{
	return v->kind == AVRO_ARRAY && v->data == NULL;
}

/*
 * A value given without JSON text (a primitive, or array items) rendered
 * as JSON, as to_jsonb() shows the mapped PostgreSQL value: numbers as
 * numbers (NaN and infinities, which JSON lacks, as strings), everything
 * else as the JSON string of its text.
 */
static bool
avro_render_json(const MeshAvroValue *v, MeshBuf *buf, int depth,
				 char *errbuf, size_t errlen)
{
	StringInfoData text;
	int			i;

	if (v->is_null || v->kind == AVRO_NULL || !v->present)
	{
		mesh_buf_append_str(buf, "null");
		return true;
	}
	if (is_array_value(v))
	{
		if (depth >= MESH_JSON_MAX_DEPTH)
			return fail(errbuf, errlen, "Avro array nested deeper than %d levels",
						MESH_JSON_MAX_DEPTH);
		mesh_buf_append_char(buf, '[');
		for (i = 0; i < v->nitems; i++)
		{
			if (i > 0)
				mesh_buf_append_char(buf, ',');
			if (!avro_render_json(&v->items[i], buf, depth + 1, errbuf, errlen))
				return false;
		}
		mesh_buf_append_char(buf, ']');
		return true;
	}
	initStringInfo(&text);
	if (!avro_scalar_text(v, &text, errbuf, errlen))
		return false;
	if (v->logical == AVRO_LT_NONE &&
		(v->kind == AVRO_INT || v->kind == AVRO_LONG || v->kind == AVRO_BOOLEAN ||
		 ((v->kind == AVRO_FLOAT || v->kind == AVRO_DOUBLE) && isfinite(v->real))))
		mesh_buf_append_str(buf, text.data);
	else if (v->logical == AVRO_LT_DECIMAL &&
			 (v->kind == AVRO_BYTES || v->kind == AVRO_FIXED))
		mesh_buf_append_str(buf, text.data);
	else
		mesh_buf_append_json_string(buf, text.data, text.len);
	return true;
}

/* JSON text that is just null (the decoder's JSON for a null) */
static bool
json_text_is_null(const char *data, size_t len)
{
	while (len > 0 && isspace((unsigned char) data[len - 1]))
		len--;
	while (len > 0 && isspace((unsigned char) *data))
		data++, len--;
	return len == 4 && memcmp(data, "null", 4) == 0;
}

/*
 * Avro into json or jsonb (or a domain over one): the value's JSON text,
 * checked as text is; a null is NULL.
 */
static bool
avro_json_datum(const MeshAvroValue *v, const MeshColumnType *ct, Datum *out,
				bool *isnull, char *errbuf, size_t errlen)
{
	MeshBuf		buf;
	const char *text = v->data;
	size_t		len = v->len;

	/* MESH_SHAPE_JSON: data holds the JSON text; else render the value */
	if (text == NULL || is_array_value(v))
	{
		mesh_buf_init(&buf);
		if (!avro_render_json(v, &buf, 0, errbuf, errlen))
			return false;
		text = buf.data;
		len = buf.len;
	}
	if (json_text_is_null(text, len))
	{
		*isnull = true;
		return true;
	}
	if (!ct->checked)
		return input_datum(text, len, ct, out, errbuf, errlen);
	return mesh_convert_text(text, len, ct, out, errbuf, errlen);
}

/*
 * A value in MESH_SHAPE_JSON (a record, map, union or array that the
 * decoder wrote as JSON text) into a column that is not JSON: as the same
 * JSON value would convert (mesh_convert_json), so a union of int and
 * string goes into an integer column when it holds a number, and a record
 * into no scalar column.
 */
static bool
avro_json_value_datum(const MeshAvroValue *v, const MeshColumnType *ct,
					  Datum *out, bool *isnull, char *errbuf, size_t errlen)
{
	char		parse_err[JSON_ERROR_SIZE];
	MeshJson   *tree = mesh_json_parse(v->data, v->len, MESH_JSON_MAX_DEPTH,
									   parse_err, sizeof(parse_err));

	if (tree == NULL)
		return fail(errbuf, errlen, "invalid JSON text of an Avro %s: %s",
					avro_label(v), parse_err);
	return mesh_convert_json(tree, ct, out, isnull, errbuf, errlen);
}

static bool
is_string(const MeshAvroValue *v)
{
	return (v->kind == AVRO_STRING || v->kind == AVRO_ENUM) &&
		(v->logical == AVRO_LT_NONE || v->logical == AVRO_LT_UUID);
}

static bool
avro_cannot_convert(const MeshAvroValue *v, const MeshColumnType *ct,
					char *errbuf, size_t errlen)
{
	return cannot_convert(psprintf("Avro %s", avro_label(v)), ct, errbuf, errlen);
}

static bool avro_to_datum(const MeshAvroValue *v, const MeshColumnType *ct,
						  Datum *out, bool *isnull, char *errbuf, size_t errlen);

/* A MESH_SHAPE_ARRAY value into an array column */
static bool
avro_array_datum(const MeshAvroValue *v, const MeshColumnType *ct, Datum *out,
				 char *errbuf, size_t errlen)
{
	int			i;

	if (ct->checked)
	{
		MeshColumnType elem;
		ArrayBuild	ab = {0};

		element_type(ct, &elem);
		for (i = 0; i < v->nitems; i++)
		{
			Datum		value;
			bool		isnull;

			if (is_array_value(&v->items[i]))
				return fail(errbuf, errlen, "cannot convert an Avro array of arrays to type %s",
							type_label(ct->typid, ct->typmod));
			if (!avro_to_datum(&v->items[i], &elem, &value, &isnull,
							   errbuf, errlen))
				return false;
			array_build_add(&ab, value, isnull);
		}
		return array_datum(ab.values, ab.nulls, ab.n, ct, out, errbuf, errlen);
	}
	else
	{
		StringInfoData buf;
		StringInfoData text;

		initStringInfo(&buf);
		initStringInfo(&text);
		appendStringInfoChar(&buf, '{');
		for (i = 0; i < v->nitems; i++)
		{
			const MeshAvroValue *item = &v->items[i];

			if (item->is_null || item->kind == AVRO_NULL || !item->present)
			{
				literal_append(&buf, NULL, true);
				continue;
			}
			if (is_array_value(item))
				return fail(errbuf, errlen, "cannot convert an Avro array of arrays to type %s",
							type_label(ct->typid, ct->typmod));
			resetStringInfo(&text);
			if (!avro_scalar_text(item, &text, errbuf, errlen) ||
				!check_text(text.data, text.len, errbuf, errlen))
				return false;
			literal_append(&buf, text.data, false);
		}
		appendStringInfoChar(&buf, '}');
		return input_datum(buf.data, buf.len, ct, out, errbuf, errlen);
	}
}

static bool
avro_to_datum(const MeshAvroValue *v, const MeshColumnType *ct, Datum *out,
			  bool *isnull, char *errbuf, size_t errlen)
{
	StringInfoData text;
	int64		i;
	double		d;
	float		f;

	*isnull = false;
	*out = (Datum) 0;
	if (!v->present || v->is_null || v->kind == AVRO_NULL)
	{
		*isnull = true;
		return true;
	}

	if (json_like(ct))
		return avro_json_datum(v, ct, out, isnull, errbuf, errlen);

	/* JSON text (records, maps, unions, some arrays) converts as JSON */
	if (v->data != NULL &&
		(v->kind == AVRO_RECORD || v->kind == AVRO_MAP ||
		 v->kind == AVRO_UNION || v->kind == AVRO_ARRAY))
		return avro_json_value_datum(v, ct, out, isnull, errbuf, errlen);

	if (is_array_value(v))
	{
		if (OidIsValid(ct->elemtype))
			return avro_array_datum(v, ct, out, errbuf, errlen);
		return avro_cannot_convert(v, ct, errbuf, errlen);
	}

	if (!ct->checked)
	{
		initStringInfo(&text);
		if (!avro_scalar_text(v, &text, errbuf, errlen))
			return false;
		return input_datum(text.data, text.len, ct, out, errbuf, errlen);
	}

	/* a string converts as text would, into any checked type but bytea */
	if (is_string(v) && ct->typid != BYTEAOID)
		return mesh_convert_text(v->data ? v->data : "", v->len, ct, out,
								 errbuf, errlen);

	switch (ct->typid)
	{
		case BOOLOID:
			if (v->kind != AVRO_BOOLEAN)
				break;
			*out = BoolGetDatum(v->boolean);
			return true;

		case INT2OID:
		case INT4OID:
		case INT8OID:
			/* int and long as they are, even with a date/time logical type */
			if (v->kind == AVRO_INT || v->kind == AVRO_LONG)
				return int_value_datum(v->integer, ct->typid, out, errbuf, errlen);
			if (v->logical == AVRO_LT_DECIMAL)
			{
				initStringInfo(&text);
				if (!decimal_text((const uint8 *) v->data, v->len, v->scale,
								  &text, errbuf, errlen) ||
					!integral_number(text.data, int_type_min(ct->typid),
									 int_type_name(ct->typid), &i,
									 errbuf, errlen))
					return false;
				*out = int_datum(ct->typid, i);
				return true;
			}
			break;

		case FLOAT4OID:
		case FLOAT8OID:
			if (v->kind == AVRO_INT || v->kind == AVRO_LONG)
				d = (double) v->integer;
			else if (v->kind == AVRO_FLOAT || v->kind == AVRO_DOUBLE)
				d = v->real;
			else if (v->logical == AVRO_LT_DECIMAL)
			{
				/* rounded once from the exact value */
				initStringInfo(&text);
				if (!decimal_text((const uint8 *) v->data, v->len, v->scale,
								  &text, errbuf, errlen) ||
					!parse_float(text.data, ct->typid == FLOAT4OID, &d,
								 errbuf, errlen))
					return false;
			}
			else
				break;
			if (ct->typid == FLOAT8OID)
			{
				*out = Float8GetDatum(d);
				return true;
			}
			if (v->kind == AVRO_INT || v->kind == AVRO_LONG)
				f = (float) v->integer;
			else if (!float4_from_double(d, &f, errbuf, errlen))
				return false;
			*out = Float4GetDatum(f);
			return true;

		case NUMERICOID:
			/* through its exact text, so that the typmod applies */
			initStringInfo(&text);
			if (v->kind == AVRO_INT || v->kind == AVRO_LONG)
				appendStringInfo(&text, INT64_FORMAT, v->integer);
			else if (v->kind == AVRO_FLOAT || v->kind == AVRO_DOUBLE ||
					 v->logical == AVRO_LT_DECIMAL)
			{
				if (!avro_scalar_text(v, &text, errbuf, errlen))
					return false;
			}
			else
				break;
			return numeric_datum(text.data, ct->typmod, out, errbuf, errlen);

		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			initStringInfo(&text);
			if (!avro_scalar_text(v, &text, errbuf, errlen) ||
				!check_text(text.data, text.len, errbuf, errlen))
				return false;
			return string_datum(text.data, text.len, ct->typid, ct->typmod, out,
								errbuf, errlen);

		case DATEOID:
		case TIMEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			if (!is_temporal(v->logical))
				break;
			return avro_temporal_datum(v, ct, out, errbuf, errlen);

		case UUIDOID:
			/* a fixed(16) holds the 16 bytes */
			if (v->kind == AVRO_FIXED && v->len == UUID_LEN)
			{
				pg_uuid_t  *uuid = palloc(sizeof(pg_uuid_t));

				memcpy(uuid->data, v->data, UUID_LEN);
				*out = UUIDPGetDatum(uuid);
				return true;
			}
			break;

		case BYTEAOID:
			/* raw bytes, also of a decimal or duration; a string's UTF-8 */
			if (v->kind == AVRO_BYTES || v->kind == AVRO_FIXED || is_string(v))
				return mesh_convert_bytes(v->data, v->len, out, errbuf, errlen);
			break;

		default:
			break;
	}
	return avro_cannot_convert(v, ct, errbuf, errlen);
}

bool
mesh_convert_avro(const MeshAvroValue *value, const MeshColumnType *ct,
				  Datum *out, bool *isnull, char *errbuf, size_t errlen)
{
	return avro_to_datum(value, ct, out, isnull, errbuf, errlen);
}
