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
 * (and, on PostgreSQL 15, for columns of unchecked types, whose input
 * functions may throw there; such columns are allowed only under on_error
 * 'error'.  From 16 their input functions report bad text softly, and
 * the reason lands in errbuf as for every other type).
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
#include "mesh/convert_internal.h"

#include "core/avro_decode.h"
#include "core/avro_schema.h"
#include "core/core.h"
#include "core/decimal.h"
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

static bool json_to_datum(const MeshJson *json, const MeshColumnType *ct,
						  Datum *out, bool *isnull, int depth,
						  char *errbuf, size_t errlen);

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
	return cv_fail(errbuf, errlen, "cannot convert %s to type %s", what,
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
void
cv_element_type(const MeshColumnType *ct, MeshColumnType *elem)
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
bool
cv_check_text(const char *s, size_t len, char *errbuf, size_t errlen)
{
	int			enc = GetDatabaseEncoding();
	size_t		i;

	if (len > MaxAllocSize - VARHDRSZ - 1)
		return cv_fail(errbuf, errlen, "value of %zu bytes exceeds the maximum size of a field",
					len);
	if (memchr(s, '\0', len) != NULL)
		return cv_fail(errbuf, errlen, "invalid byte sequence for encoding \"UTF8\": 0x00");
	if (enc == PG_UTF8 || enc == PG_SQL_ASCII)
	{
		size_t		valid = pg_encoding_verifymbstr(PG_UTF8, s, (int) len);

		if (valid < len)
			return cv_fail(errbuf, errlen, "invalid byte sequence for encoding \"UTF8\": 0x%02x",
						(unsigned char) s[valid]);
		return true;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char) s[i] >= 0x80)
			return cv_fail(errbuf, errlen, "non-ASCII text cannot be stored in a database with encoding \"%s\"",
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
						return cv_fail(errbuf, errlen, "value too long for type character varying(%d)",
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
							return cv_fail(errbuf, errlen, "value too long for type character(%d)",
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
 * Text into the column type
 * ========================================================================
 */

/* str: NUL-terminated, len bytes, already through check_text */
bool
cv_text_to_datum(const char *str, size_t len, const MeshColumnType *ct,
			  Datum *out, char *errbuf, size_t errlen)
{
	int64		i;
	double		d;

	if (!ct->checked)
		return mesh_input_function_call((FmgrInfo *) &ct->input, (char *) str,
										ct->ioparam, ct->typmod, out,
										errbuf, errlen);
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
					return cv_syntax_error("boolean", str, errbuf, errlen);
				*out = BoolGetDatum(b);
				return true;
			}
		case INT2OID:
		case INT4OID:
		case INT8OID:
			if (!cv_parse_int(str, cv_int_type_min(ct->typid), cv_int_type_name(ct->typid),
						   &i, errbuf, errlen))
				return false;
			*out = cv_int_datum(ct->typid, i);
			return true;
		case FLOAT4OID:
			if (!cv_parse_float(str, true, &d, errbuf, errlen))
				return false;
			*out = Float4GetDatum((float4) d);
			return true;
		case FLOAT8OID:
			if (!cv_parse_float(str, false, &d, errbuf, errlen))
				return false;
			*out = Float8GetDatum(d);
			return true;
		case NUMERICOID:
			return cv_numeric_datum(str, ct->typmod, out, errbuf, errlen);
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			return string_datum(str, len, ct->typid, ct->typmod, out,
								errbuf, errlen);
		case DATEOID:
			return cv_date_datum(str, out, errbuf, errlen);
		case TIMEOID:
			return cv_time_datum(str, ct->typmod, out, errbuf, errlen);
		case TIMESTAMPOID:
			return cv_timestamp_datum(str, false, ct->typmod, out, errbuf, errlen);
		case TIMESTAMPTZOID:
			return cv_timestamp_datum(str, true, ct->typmod, out, errbuf, errlen);
		case UUIDOID:
			return cv_uuid_datum(str, out, errbuf, errlen);
		case BYTEAOID:
			return cv_bytea_datum(str, len, out, errbuf, errlen);
		case JSONBOID:
		case JSONOID:
			return cv_json_text_datum(str, len, ct->typid == JSONBOID, out,
								   errbuf, errlen);
		default:
			if (OidIsValid(ct->elemtype))
				return cv_array_from_literal(str, ct, out, errbuf, errlen);
			return cannot_convert("text", ct, errbuf, errlen);
	}
}

bool
mesh_convert_text(const char *utf8, size_t len, const MeshColumnType *ct,
				  Datum *out, char *errbuf, size_t errlen)
{
	if (!cv_check_text(utf8, len, errbuf, errlen))
		return false;
	/* conversions and input functions want it NUL-terminated */
	return cv_text_to_datum(utf8[len] == '\0' ? utf8 : pnstrdup(utf8, len), len,
							ct, out, errbuf, errlen);
}

/* ========================================================================
 * JSON values into the column type
 * ========================================================================
 */

static bool
json_cannot_convert(const MeshJson *json, const MeshColumnType *ct,
					char *errbuf, size_t errlen)
{
	return cannot_convert(psprintf("JSON %s", mesh_json_type_name(json)), ct,
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
			return cv_fail(errbuf, errlen, "cannot convert a JSON array holding an %s to type %s",
						mesh_json_type_name(item), type_label(ct->typid, ct->typmod));
	}

	if (ct->checked)
	{
		MeshColumnType elem;
		ArrayBuild	ab = {0};

		cv_element_type(ct, &elem);
		for (i = 0; i < json->count; i++)
		{
			Datum		value = (Datum) 0;
			bool		isnull = true;

			if (json->items[i] != NULL &&
				!json_to_datum(json->items[i], &elem, &value, &isnull,
							   depth + 1, errbuf, errlen))
				return false;
			cv_array_build_add(&ab, value, isnull);
		}
		return cv_array_datum(ab.values, ab.nulls, ab.n, ct, out, errbuf, errlen);
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
				cv_literal_append(&buf, NULL, true);
			else if (item->type == MJ_STRING)
			{
				if (!cv_check_text(item->string ? item->string : "",
								item->string ? item->string_len : 0,
								errbuf, errlen))
					return false;
				cv_literal_append(&buf, item->string ? item->string : "", false);
			}
			else if (item->type == MJ_NUMBER)
				cv_literal_append(&buf, cv_json_number_text(item), false);
			else
				cv_literal_append(&buf, item->boolean ? "true" : "false", false);
		}
		appendStringInfoChar(&buf, '}');
		return mesh_convert_text(buf.data, buf.len, ct, out, errbuf, errlen);
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
		return cv_fail(errbuf, errlen, "JSON value nested deeper than %d levels",
					MESH_JSON_MAX_DEPTH);

	/* json and jsonb (and domains over them) take any value, as JSON */
	if (json_like(ct))
	{
		MeshBuf		buf;

		mesh_buf_init(&buf);
		mesh_json_write(&buf, json);
		if (!ct->checked)
			return mesh_convert_text(buf.data, buf.len, ct, out, errbuf, errlen);
		return cv_json_datum_from_text(buf.data, json, ct->typid == JSONBOID,
									out, errbuf, errlen);
	}

	if (!ct->checked)
	{
		MeshBuf		buf;

		switch (json->type)
		{
			case MJ_STRING:
				return mesh_convert_text(json->string ? json->string : "",
								   json->string ? json->string_len : 0,
								   ct, out, errbuf, errlen);
			case MJ_NUMBER:
				num = cv_json_number_text(json);
				return mesh_convert_text(num, strlen(num), ct, out, errbuf, errlen);
			case MJ_BOOL:
				num = json->boolean ? "true" : "false";
				return mesh_convert_text(num, strlen(num), ct, out, errbuf, errlen);
			case MJ_ARRAY:
				if (OidIsValid(ct->elemtype))
					return json_array_datum(json, ct, out, depth, errbuf, errlen);
				/* FALLTHROUGH */
			default:
				/* e.g. a range type: the value as JSON text */
				mesh_buf_init(&buf);
				mesh_json_write(&buf, json);
				return mesh_convert_text(buf.data, buf.len, ct, out, errbuf, errlen);
		}
	}

	if (json->type == MJ_STRING)
		return json_string_datum(json, ct, out, errbuf, errlen);
	if (json->type == MJ_BOOL && ct->typid == BOOLOID)
	{
		*out = BoolGetDatum(json->boolean);
		return true;
	}

	switch (ct->typid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
			if (json->type != MJ_NUMBER)
				break;
			/* exact: integral values only, 1.0 and 1e3 included */
			if (json->is_integer)
			{
				int64		min = cv_int_type_min(ct->typid);

				if (json->integer < min || json->integer > -(min + 1))
					return cv_out_of_range(cv_int_type_name(ct->typid),
										   cv_json_number_text(json), errbuf, errlen);
				*out = cv_int_datum(ct->typid, json->integer);
				return true;
			}
			if (!cv_integral_number(cv_json_number_text(json), cv_int_type_min(ct->typid),
								 cv_int_type_name(ct->typid), &i, errbuf, errlen))
				return false;
			*out = cv_int_datum(ct->typid, i);
			return true;

		case FLOAT4OID:
		case FLOAT8OID:
			if (json->type != MJ_NUMBER)
				break;
			/* from the text, rounded once, as float4in/float8in would */
			if (!cv_parse_float(cv_json_number_text(json), ct->typid == FLOAT4OID, &d,
							 errbuf, errlen))
				return false;
			*out = ct->typid == FLOAT4OID ? Float4GetDatum((float4) d) :
				Float8GetDatum(d);
			return true;

		case NUMERICOID:
			if (json->type != MJ_NUMBER)
				break;
			return cv_numeric_datum(cv_json_number_text(json), ct->typmod, out,
								 errbuf, errlen);

		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			/* numbers as written, booleans as true/false */
			if (json->type == MJ_NUMBER)
				num = cv_json_number_text(json);
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
		return cv_fail(errbuf, errlen, "invalid Avro decimal: no bytes");
	if (scale < 0 || scale > NUMERIC_DSCALE_LIMIT)
		return cv_fail(errbuf, errlen, "Avro decimal scale %d out of range for numeric",
					scale);

	/* the magnitude, negating a negative value (invert, add one) */
	neg = (data[0] & 0x80) != 0;
	mag = palloc(len);
	memcpy(mag, data, len);
	if (neg)
		mesh_decimal_negate(mag, mag, len);
	for (start = 0; start < len && mag[start] == 0; start++)
		;
	if (len - start > DECIMAL_MAX_BYTES)
		return cv_fail(errbuf, errlen, "Avro decimal of %zu bytes out of range for numeric",
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
		return cv_fail(errbuf, errlen, "date out of range: %lld days from 1970-01-01",
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
		return cv_fail(errbuf, errlen, "time out of range: %lld %s after midnight",
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
		return cv_fail(errbuf, errlen, "timestamp out of range: %lld %s from 1970-01-01",
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
	bool		is_time = (lt == AVRO_LT_TIME_MILLIS || lt == AVRO_LT_TIME_MICROS);
	bool		is_stamp = (is_instant(lt) || is_local_timestamp(lt));
	DateADT		date = 0;
	TimeADT		time = 0;
	Timestamp	ts = 0;
	struct pg_tm tt,
			   *tm = &tt;
	fsec_t		fsec;
	int			tz;
	int			overflow = 0;	/* as the *_opt_overflow functions set it */
	bool		cast_exists = true;

	if (lt == AVRO_LT_DATE && !avro_date(v, &date, errbuf, errlen))
		return false;
	if (is_time && !avro_time(v, &time, errbuf, errlen))
		return false;
	if (is_stamp && !avro_timestamp(v, &ts, errbuf, errlen))
		return false;

	/* the fields of a timestamp, local in the session's zone for an instant */
	if (is_stamp && ct->typid != TIMESTAMPTZOID &&
		!(ct->typid == TIMESTAMPOID && is_local_timestamp(lt)) &&
		(timestamp2tm(ts, is_instant(lt) ? &tz : NULL, tm, &fsec, NULL, NULL) != 0 ||
		 (ct->typid == TIMESTAMPOID && tm2timestamp(tm, fsec, NULL, &ts) != 0)))
		overflow = 1;

	switch (ct->typid)
	{
		case DATEOID:
			cast_exists = (is_stamp || lt == AVRO_LT_DATE);
			if (is_stamp)
				date = date2j(tm->tm_year, tm->tm_mon, tm->tm_mday) - POSTGRES_EPOCH_JDATE;
			break;
		case TIMEOID:
			cast_exists = (is_stamp || is_time);
			if (is_stamp)
				tm2time(tm, fsec, &time);
			break;
		case TIMESTAMPOID:
			cast_exists = (is_stamp || lt == AVRO_LT_DATE);
			if (lt == AVRO_LT_DATE)
				ts = date2timestamp_opt_overflow(date, &overflow);
			break;
		case TIMESTAMPTZOID:
			if (lt == AVRO_LT_DATE)
				ts = date2timestamptz_opt_overflow(date, &overflow);
			else if (is_local_timestamp(lt))
				ts = timestamp2timestamptz_opt_overflow(ts, &overflow);
			else if (!is_instant(lt))
				cast_exists = false;
			break;
		default:
			cast_exists = false;
			break;
	}
	if (!cast_exists)
		return cannot_convert(psprintf("Avro %s", avro_label(v)), ct,
							  errbuf, errlen);
	if (overflow != 0)
		return cv_fail(errbuf, errlen, "timestamp out of range");

	switch (ct->typid)
	{
		case DATEOID:
			*out = DateADTGetDatum(date);
			return true;
		case TIMEOID:
			AdjustTimeForTypmod(&time, ct->typmod);
			*out = TimeADTGetDatum(time);
			return true;
		default:
			/* timestamp and timestamptz are both int64 microseconds */
			if (!cv_timestamp_typmod(&ts, ct->typmod, errbuf, errlen))
				return false;
			*out = TimestampGetDatum(ts);
			return true;
	}
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
/* a date, time or timestamp as JSON writes it; true */
static bool
append_datetime(StringInfo out, Datum value, Oid typid)
{
	char		buf[MAXDATELEN + 1];

	appendStringInfoString(out, JsonEncodeDateTime(buf, value, typid, NULL));
	return true;
}

static bool
avro_scalar_text(const MeshAvroValue *v, StringInfo out,
				 char *errbuf, size_t errlen)
{
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

				return avro_date(v, &date, errbuf, errlen) &&
					append_datetime(out, DateADTGetDatum(date), DATEOID);
			}
		case AVRO_LT_TIME_MILLIS:
		case AVRO_LT_TIME_MICROS:
			{
				TimeADT		time = 0;

				return avro_time(v, &time, errbuf, errlen) &&
					append_datetime(out, TimeADTGetDatum(time), TIMEOID);
			}
		case AVRO_LT_TIMESTAMP_MILLIS:
		case AVRO_LT_TIMESTAMP_MICROS:
		case AVRO_LT_LOCAL_TIMESTAMP_MILLIS:
		case AVRO_LT_LOCAL_TIMESTAMP_MICROS:
			{
				Timestamp	ts = 0;

				return avro_timestamp(v, &ts, errbuf, errlen) &&
					append_datetime(out, TimestampGetDatum(ts),
									is_instant(v->logical) ? TIMESTAMPTZOID : TIMESTAMPOID);
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
		case AVRO_DOUBLE:
			{
				char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

				if (v->kind == AVRO_FLOAT)
					float_to_shortest_decimal_buf((float) v->real, buf);
				else
					double_to_shortest_decimal_buf(v->real, buf);
				appendStringInfoString(out, buf);
				return true;
			}
		case AVRO_STRING:
		case AVRO_ENUM:
			appendBinaryStringInfo(out, v->data ? v->data : "", (int) v->len);
			return true;
		case AVRO_BYTES:
		case AVRO_FIXED:
			append_hex(out, v->data, v->len);
			return true;
		default:
			return cv_fail(errbuf, errlen, "cannot convert Avro %s to text",
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
			return cv_fail(errbuf, errlen, "Avro array nested deeper than %d levels",
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
		return cv_fail(errbuf, errlen, "invalid JSON text of an Avro %s: %s",
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

		cv_element_type(ct, &elem);
		for (i = 0; i < v->nitems; i++)
		{
			Datum		value;
			bool		isnull;

			if (is_array_value(&v->items[i]))
				return cv_fail(errbuf, errlen, "cannot convert an Avro array of arrays to type %s",
							type_label(ct->typid, ct->typmod));
			if (!avro_to_datum(&v->items[i], &elem, &value, &isnull,
							   errbuf, errlen))
				return false;
			cv_array_build_add(&ab, value, isnull);
		}
		return cv_array_datum(ab.values, ab.nulls, ab.n, ct, out, errbuf, errlen);
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
				cv_literal_append(&buf, NULL, true);
				continue;
			}
			if (is_array_value(item))
				return cv_fail(errbuf, errlen, "cannot convert an Avro array of arrays to type %s",
							type_label(ct->typid, ct->typmod));
			resetStringInfo(&text);
			if (!avro_scalar_text(item, &text, errbuf, errlen) ||
				!cv_check_text(text.data, text.len, errbuf, errlen))
				return false;
			cv_literal_append(&buf, text.data, false);
		}
		appendStringInfoChar(&buf, '}');
		return mesh_convert_text(buf.data, buf.len, ct, out, errbuf, errlen);
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
		return mesh_convert_text(text.data, text.len, ct, out, errbuf, errlen);
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
				return cv_int_value_datum(v->integer, ct->typid, out, errbuf, errlen);
			if (v->logical == AVRO_LT_DECIMAL)
			{
				initStringInfo(&text);
				if (!decimal_text((const uint8 *) v->data, v->len, v->scale,
								  &text, errbuf, errlen) ||
					!cv_integral_number(text.data, cv_int_type_min(ct->typid),
									 cv_int_type_name(ct->typid), &i,
									 errbuf, errlen))
					return false;
				*out = cv_int_datum(ct->typid, i);
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
					!cv_parse_float(text.data, ct->typid == FLOAT4OID, &d,
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
			else if (!cv_float4_from_double(d, &f, errbuf, errlen))
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
			return cv_numeric_datum(text.data, ct->typmod, out, errbuf, errlen);

		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			initStringInfo(&text);
			if (!avro_scalar_text(v, &text, errbuf, errlen) ||
				!cv_check_text(text.data, text.len, errbuf, errlen))
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
