/*-------------------------------------------------------------------------
 *
 * datum_avro.c
 *		  PostgreSQL values as the encoder takes them (Avro values) and as
 *		  JSON text, for INSERT and create_data_product.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/datum_avro.h"

#include "core/avro_decode.h"
#include "core/avro_encode.h"
#include "core/avro_schema.h"
#include "mesh/convert.h"

#include "catalog/pg_type.h"
#include "common/base64.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

/* ------------------------------------------------------------------------
 * Rows into messages
 * ------------------------------------------------------------------------
 */

/*
 * A Datum of a PostgreSQL type as the MeshAvroValue the encoder takes
 * (avro_encode.c): integers, reals, booleans as such; timestamps as
 * microseconds since 1970, dates as days since 1970, times as
 * microseconds since midnight; text, numeric, uuid as text; bytea as
 * bytes; arrays of scalars as items; jsonb and anything else as JSON.
 */
void
mesh_datum_to_avro(Datum value, Oid typid, MeshAvroValue *v, MemoryContext cxt)
{
	memset(v, 0, sizeof(*v));
	v->present = true;
	switch (typid)
	{
		case BOOLOID:
			v->kind = AVRO_BOOLEAN;
			v->boolean = DatumGetBool(value);
			return;
		case INT2OID:
			v->kind = AVRO_LONG;
			v->integer = DatumGetInt16(value);
			return;
		case INT4OID:
			v->kind = AVRO_LONG;
			v->integer = DatumGetInt32(value);
			return;
		case INT8OID:
			v->kind = AVRO_LONG;
			v->integer = DatumGetInt64(value);
			return;
		case FLOAT4OID:
			v->kind = AVRO_DOUBLE;
			v->real = DatumGetFloat4(value);
			return;
		case FLOAT8OID:
			v->kind = AVRO_DOUBLE;
			v->real = DatumGetFloat8(value);
			return;
		case DATEOID:
			if (DATE_NOT_FINITE(DatumGetDateADT(value)))
				break;			/* as text: the encoder refuses "infinity" */
			v->kind = AVRO_INT;
			v->logical = AVRO_LT_DATE;
			v->integer = (int64) DatumGetDateADT(value) + (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE);
			return;
		case TIMEOID:
			v->kind = AVRO_LONG;
			v->logical = AVRO_LT_TIME_MICROS;
			v->integer = DatumGetTimeADT(value);
			return;
		case TIMESTAMPTZOID:
		case TIMESTAMPOID:
			if (TIMESTAMP_NOT_FINITE(DatumGetTimestamp(value)))
				break;			/* as text: the encoder refuses "infinity" */
			v->kind = AVRO_LONG;
			v->logical = typid == TIMESTAMPTZOID ? AVRO_LT_TIMESTAMP_MICROS :
				AVRO_LT_LOCAL_TIMESTAMP_MICROS;
			v->integer = DatumGetTimestamp(value) +
				(int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
			return;
		case BYTEAOID:
			{
				bytea	   *b = DatumGetByteaPP(value);

				v->kind = AVRO_BYTES;
				v->data = VARDATA_ANY(b);
				v->len = VARSIZE_ANY_EXHDR(b);
				return;
			}
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			{
				text	   *t = DatumGetTextPP(value);

				v->kind = AVRO_STRING;
				v->data = VARDATA_ANY(t);
				v->len = VARSIZE_ANY_EXHDR(t);
				return;
			}
		case JSONBOID:
			{
				MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
				char	   *json = JsonbToCString(NULL, &DatumGetJsonbP(value)->root, -1);

				MemoryContextSwitchTo(oldcxt);
				v->kind = MESH_AVRO_JSON;
				v->data = json;
				v->len = strlen(json);
				return;
			}
		case JSONOID:
			{
				text	   *t = DatumGetTextPP(value);

				v->kind = MESH_AVRO_JSON;
				v->data = VARDATA_ANY(t);
				v->len = VARSIZE_ANY_EXHDR(t);
				return;
			}
		default:
			break;
	}

	if (type_is_array(typid))
	{
		Oid			elemtype;
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		int			i;
		MemoryContext oldcxt = MemoryContextSwitchTo(cxt);

		mesh_array_elements(value, &elemtype, &elems, &nulls, &n);
		v->kind = AVRO_ARRAY;
		v->nitems = n;
		v->items = palloc0(sizeof(MeshAvroValue) * Max(n, 1));
		for (i = 0; i < n; i++)
		{
			if (nulls[i])
			{
				v->items[i].present = true;
				v->items[i].is_null = true;
			}
			else
				mesh_datum_to_avro(elems[i], elemtype, &v->items[i], cxt);
		}
		MemoryContextSwitchTo(oldcxt);
		return;
	}

	/* numeric, uuid and the rest: their text */
	{
		Oid			output;
		bool		varlena;
		char	   *text;
		MemoryContext oldcxt = MemoryContextSwitchTo(cxt);

		getTypeOutputInfo(typid, &output, &varlena);
		text = OidOutputFunctionCall(output, value);
		MemoryContextSwitchTo(oldcxt);
		v->kind = AVRO_STRING;
		v->data = text;
		v->len = strlen(text);
	}
}

/*
 * A value as JSON, for the json format: what to_jsonb() would write (which
 * cannot be called directly: it needs its argument's type from the call).
 */
void
mesh_append_json_datum(StringInfo buf, Datum value, Oid typid)
{
	Oid			output;
	bool		varlena;
	char	   *text;

	switch (typid)
	{
		case BOOLOID:
			appendStringInfoString(buf, DatumGetBool(value) ? "true" : "false");
			return;
		case DATEOID:
		case TIMEOID:
		case TIMETZOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			{
				char		dt[MAXDATELEN + 1];

				appendStringInfo(buf, "\"%s\"", JsonEncodeDateTime(dt, value, typid, NULL));
				return;
			}
		case JSONBOID:
			appendStringInfoString(buf, JsonbToCString(NULL, &DatumGetJsonbP(value)->root, -1));
			return;
		default:
			break;
	}
	if (type_is_array(typid))
	{
		Oid			elemtype;
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		int			i;

		mesh_array_elements(value, &elemtype, &elems, &nulls, &n);
		appendStringInfoChar(buf, '[');
		for (i = 0; i < n; i++)
		{
			if (i > 0)
				appendStringInfoChar(buf, ',');
			if (nulls[i])
				appendStringInfoString(buf, "null");
			else
				mesh_append_json_datum(buf, elems[i], elemtype);
		}
		appendStringInfoChar(buf, ']');
		return;
	}
	getTypeOutputInfo(typid, &output, &varlena);
	text = OidOutputFunctionCall(output, value);
	switch (typid)
	{
		case INT2OID:
		case INT4OID:
		case INT8OID:
		case OIDOID:
		case FLOAT4OID:
		case FLOAT8OID:
		case NUMERICOID:
			/* numbers as numbers, but NaN and infinities as strings */
			if (strspn(text, "0123456789+-.eE") == strlen(text) && strpbrk(text, "0123456789"))
			{
				appendStringInfoString(buf, text);
				return;
			}
			break;
		case JSONOID:
			appendStringInfoString(buf, text);
			return;
		default:
			break;
	}
	escape_json(buf, text);
}

