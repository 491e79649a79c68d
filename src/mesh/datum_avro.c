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
#include "mesh/type_map.h"

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
/* a number, of an Avro kind and logical type */
static void
set_integer(MeshAvroValue *v, MeshAvroKind kind, MeshAvroLogical logical, int64 n)
{
	v->kind = kind;
	v->logical = logical;
	v->integer = n;
}

/* bytes or text that stay where they are, as kind */
static void
set_varlena(MeshAvroValue *v, MeshAvroKind kind, struct varlena *p)
{
	v->kind = kind;
	v->data = VARDATA_ANY(p);
	v->len = VARSIZE_ANY_EXHDR(p);
}

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
		case INT4OID:
		case INT8OID:
			set_integer(v, AVRO_LONG, AVRO_LT_NONE,
						typid == INT2OID ? DatumGetInt16(value) :
						typid == INT4OID ? DatumGetInt32(value) : DatumGetInt64(value));
			return;
		case FLOAT4OID:
		case FLOAT8OID:
			v->kind = AVRO_DOUBLE;
			v->real = typid == FLOAT4OID ? DatumGetFloat4(value) : DatumGetFloat8(value);
			return;
		case DATEOID:
			if (DATE_NOT_FINITE(DatumGetDateADT(value)))
				break;			/* as text: the encoder refuses "infinity" */
			set_integer(v, AVRO_INT, AVRO_LT_DATE, (int64) DatumGetDateADT(value) +
						(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE));
			return;
		case TIMEOID:
			set_integer(v, AVRO_LONG, AVRO_LT_TIME_MICROS, DatumGetTimeADT(value));
			return;
		case TIMESTAMPTZOID:
		case TIMESTAMPOID:
			if (TIMESTAMP_NOT_FINITE(DatumGetTimestamp(value)))
				break;			/* as text: the encoder refuses "infinity" */
			set_integer(v, AVRO_LONG,
						typid == TIMESTAMPTZOID ? AVRO_LT_TIMESTAMP_MICROS :
						AVRO_LT_LOCAL_TIMESTAMP_MICROS,
						DatumGetTimestamp(value) +
						(int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY);
			return;
		case BYTEAOID:
			set_varlena(v, AVRO_BYTES, DatumGetByteaPP(value));
			return;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			set_varlena(v, AVRO_STRING, DatumGetTextPP(value));
			return;
		case JSONOID:
			set_varlena(v, MESH_AVRO_JSON, DatumGetTextPP(value));
			return;
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
		default:
			break;
	}

	if (type_is_array(typid))
	{
		MeshArrayItems items;
		MemoryContext oldcxt = MemoryContextSwitchTo(cxt);

		mesh_array_items(value, &items);
		v->kind = AVRO_ARRAY;
		v->nitems = items.n;
		v->items = palloc0(sizeof(MeshAvroValue) * Max(items.n, 1));
		for (int i = 0; i < items.n; i++)
		{
			if (items.nulls[i])
			{
				v->items[i].present = true;
				v->items[i].is_null = true;
			}
			else
				mesh_datum_to_avro(items.values[i], items.elemtype, &v->items[i], cxt);
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
		MeshArrayItems items;

		mesh_array_items(value, &items);
		appendStringInfoChar(buf, '[');
		for (int i = 0; i < items.n; i++)
		{
			if (i > 0)
				appendStringInfoChar(buf, ',');
			if (items.nulls[i])
				appendStringInfoString(buf, "null");
			else
				mesh_append_json_datum(buf, items.values[i], items.elemtype);
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

