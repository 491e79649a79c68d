/*-------------------------------------------------------------------------
 *
 * type_map.c
 *		  Avro types and the PostgreSQL types they map to (README,
 *		  "Reading data products"), used by the catalog views, IMPORT FOREIGN
 *		  SCHEMA and the decoders alike so that they always agree.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/type_map.h"

#include "core/avro_schema.h"
#include "mesh/convert.h"

#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/*
 * For a union of null and one other type, that other type; for anything
 * else, the type itself.
 */
const MeshAvroType *
mesh_avro_nonnull_branch(const MeshAvroType *type)
{
	if (type->kind == AVRO_UNION && type->nbranches == 2)
	{
		if (type->branches[0]->kind == AVRO_NULL && type->branches[1]->kind != AVRO_NULL)
			return type->branches[1];
		if (type->branches[1]->kind == AVRO_NULL && type->branches[0]->kind != AVRO_NULL)
			return type->branches[0];
	}
	return type;
}

/* The PostgreSQL type of a non-union Avro type, by the design's table. */
static const char *
scalar_pg_type(const MeshAvroType *t, char *buf, size_t buflen)
{
	switch (t->logical)
	{
		case AVRO_LT_DATE:
			return "date";
		case AVRO_LT_TIME_MILLIS:
		case AVRO_LT_TIME_MICROS:
			return "time";
		case AVRO_LT_TIMESTAMP_MILLIS:
		case AVRO_LT_TIMESTAMP_MICROS:
			return "timestamptz";
		case AVRO_LT_LOCAL_TIMESTAMP_MILLIS:
		case AVRO_LT_LOCAL_TIMESTAMP_MICROS:
			return "timestamp";
		case AVRO_LT_DECIMAL:
			snprintf(buf, buflen, "numeric(%d,%d)", t->precision, t->scale);
			return buf;
		case AVRO_LT_UUID:
			return "uuid";
		default:
			break;
	}
	switch (t->kind)
	{
		case AVRO_BOOLEAN:
			return "boolean";
		case AVRO_INT:
			return "integer";
		case AVRO_LONG:
			return "bigint";
		case AVRO_FLOAT:
			return "real";
		case AVRO_DOUBLE:
			return "double precision";
		case AVRO_STRING:
		case AVRO_ENUM:
			return "text";
		case AVRO_BYTES:
		case AVRO_FIXED:
			return "bytea";
		default:
			return NULL;
	}
}

/* Item types whose arrays become PostgreSQL arrays; others become jsonb. */
static bool
array_item_maps(const MeshAvroType *items)
{
	if (items->logical != AVRO_LT_NONE)
		return false;
	switch (items->kind)
	{
		case AVRO_BOOLEAN:
		case AVRO_INT:
		case AVRO_LONG:
		case AVRO_FLOAT:
		case AVRO_DOUBLE:
		case AVRO_STRING:
		case AVRO_ENUM:
			return true;
		default:
			return false;
	}
}

/*
 * The PostgreSQL type (as SQL text) a field of this Avro type maps to;
 * *nullable says whether it can be NULL (a union with null).
 */
char *
mesh_avro_pg_type(const MeshAvroType *type, bool *nullable)
{
	const MeshAvroType *t = mesh_avro_nonnull_branch(type);
	char		buf[64];
	const char *scalar;

	*nullable = (t != type) || type->kind == AVRO_NULL;
	if (t->kind == AVRO_UNION)
	{
		int			i;

		for (i = 0; i < t->nbranches; i++)
			if (t->branches[i]->kind == AVRO_NULL)
				*nullable = true;
		return pstrdup("jsonb");
	}
	if (t->kind == AVRO_ARRAY && array_item_maps(t->items))
	{
		bool		dummy;
		char	   *item = mesh_avro_pg_type(t->items, &dummy);

		return psprintf("%s[]", item);
	}
	scalar = scalar_pg_type(t, buf, sizeof(buf));
	return pstrdup(scalar ? scalar : "jsonb");
}

/*
 * A short human-readable label of an Avro type for the catalog views:
 * "long (timestamp-millis)", "array<string>", "record x.Address",
 * "union<int,string>"; a nullable union shows its other branch.
 */
char *
mesh_avro_type_label(const MeshAvroType *type)
{
	const MeshAvroType *t = mesh_avro_nonnull_branch(type);
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	switch (t->kind)
	{
		case AVRO_RECORD:
		case AVRO_ENUM:
			appendStringInfo(&buf, "%s %s", mesh_avro_kind_name(t->kind), t->fullname);
			break;
		case AVRO_FIXED:
			appendStringInfo(&buf, "fixed(%d) %s", t->size, t->fullname);
			break;
		case AVRO_ARRAY:
			appendStringInfo(&buf, "array<%s>", mesh_avro_type_label(t->items));
			break;
		case AVRO_MAP:
			appendStringInfo(&buf, "map<%s>", mesh_avro_type_label(t->values));
			break;
		case AVRO_UNION:
			appendStringInfoString(&buf, "union<");
			for (i = 0; i < t->nbranches; i++)
				appendStringInfo(&buf, "%s%s", i ? "," : "",
								 mesh_avro_type_label(t->branches[i]));
			appendStringInfoChar(&buf, '>');
			break;
		default:
			appendStringInfoString(&buf, mesh_avro_kind_name(t->kind));
			break;
	}
	if (t->logical == AVRO_LT_DECIMAL)
		appendStringInfo(&buf, " (decimal(%d,%d))", t->precision, t->scale);
	else if (t->logical != AVRO_LT_NONE)
		appendStringInfo(&buf, " (%s)", mesh_avro_logical_name(t->logical));
	return buf.data;
}

/* The elements of a one-dimensional array Datum, whatever its element type. */
void
mesh_array_items(Datum array_datum, MeshArrayItems *items)
{
	ArrayType  *array = DatumGetArrayTypeP(array_datum);
	int16		elemlen;
	bool		elembyval;
	char		elemalign;

	items->elemtype = ARR_ELEMTYPE(array);
	get_typlenbyvalalign(items->elemtype, &elemlen, &elembyval, &elemalign);
	deconstruct_array(array, items->elemtype, elemlen, elembyval, elemalign,
					  &items->values, &items->nulls, &items->n);
}

/* ------------------------------------------------------------------------
 * JSON Schema
 * ------------------------------------------------------------------------
 */

/* The PostgreSQL type of a JSON Schema property (see the README's table). */
const char *
mesh_json_schema_pg_type(const MeshJsonSchema *prop)
{
	unsigned	types = prop->types & ~MJS_NULL;

	if (types == MJS_STRING)
	{
		if (prop->format && strcmp(prop->format, "date") == 0)
			return "date";
		if (prop->format && strcmp(prop->format, "date-time") == 0)
			return "timestamptz";
		if (prop->format && strcmp(prop->format, "uuid") == 0)
			return "uuid";
		return "text";
	}
	if (types == MJS_INTEGER)
		return "bigint";
	if (types == MJS_NUMBER || types == (MJS_NUMBER | MJS_INTEGER))
		return "double precision";
	if (types == MJS_BOOLEAN)
		return "boolean";
	return "jsonb";
}

/* A property's JSON Schema types as its "type" keyword names them, with its format. */
char *
mesh_json_schema_type_label(const MeshJsonSchema *prop)
{
	/* as the MJS_ bits number them; null last */
	static const char *const names[] = {
		"boolean", "integer", "number", "string", "array", "object"
	};
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < (int) lengthof(names); i++)
		if (prop->types & (MJS_BOOLEAN << i))
			appendStringInfo(&buf, "%s%s", buf.len > 0 ? " | " : "", names[i]);
	if (buf.len == 0)
		appendStringInfoString(&buf, prop->types == MJS_NULL ? "null" : "any");
	if (prop->format)
		appendStringInfo(&buf, " (%s)", prop->format);
	if ((prop->types & MJS_NULL) && prop->types != MJS_NULL)
		appendStringInfoString(&buf, " | null");
	return buf.data;
}

/* ------------------------------------------------------------------------
 * Protobuf
 * ------------------------------------------------------------------------
 */

static const char *
pb_scalar_pg_type(MeshPbType type)
{
	switch (type)
	{
		case PB_INT32:
		case PB_SINT32:
		case PB_SFIXED32:
			return "integer";
		case PB_INT64:
		case PB_SINT64:
		case PB_SFIXED64:
		case PB_UINT32:
		case PB_FIXED32:
			return "bigint";
		case PB_UINT64:
		case PB_FIXED64:
			return "numeric";
		case PB_FLOAT:
			return "real";
		case PB_DOUBLE:
			return "double precision";
		case PB_BOOL:
			return "boolean";
		case PB_BYTES:
			return "bytea";
		default:
			return "text";		/* string, enum */
	}
}

const char *
mesh_pb_pg_type(const MeshPbFile *file, const MeshPbField *field)
{
	const char *scalar;

	if (field->type == PB_MESSAGE)
	{
		if (field->wkt == PB_WKT_TIMESTAMP)
			scalar = "timestamptz";
		else if (field->wkt == PB_WKT_DURATION)
			scalar = "interval";
		else if (field->wkt == PB_WKT_WRAPPER)
			scalar = pb_scalar_pg_type(field->wrapped_type);
		else
			return "jsonb";		/* messages, maps, repeated messages */
	}
	else
		scalar = pb_scalar_pg_type(field->type);
	if (field->repeated)
		return psprintf("%s[]", scalar);
	return scalar;
}

/* A field's type as a .proto declares it: "repeated int32", "map<string, int64>", ... */
char *
mesh_pb_type_label(const MeshPbFile *file, const MeshPbField *field)
{
	char		buf[512];

	mesh_pb_describe_type(file, field, buf, sizeof(buf));
	return pstrdup(buf);
}

/*
 * The zero value of a field without presence, as a column DEFAULT: what a
 * message without the field reads as, so that an INSERT leaving the column
 * out writes what a serializer leaving the field unset writes.  NULL for a
 * field whose column can be NULL.
 */
const char *
mesh_pb_zero_literal(const MeshPbFile *file, const MeshPbField *field)
{
	if (mesh_pb_nullable(field))
		return NULL;
	if (field->repeated)
	{
		if (field->type != PB_MESSAGE || field->wkt != PB_WKT_NONE)
			return "'{}'";		/* an empty array */
		return file->messages[field->message].map_entry ? "'{}'::jsonb" : "'[]'::jsonb";
	}
	switch (field->type)
	{
		case PB_BOOL:
			return "false";
		case PB_STRING:
			return "''";
		case PB_BYTES:
			return "'\\x'::bytea";
		case PB_ENUM:
			{
				const MeshPbEnum *e = &file->enums[field->enumeration];

				for (int i = 0; i < e->nvalues; i++)
					if (e->numbers[i] == 0)
						return quote_literal_cstr(e->names[i]);
				return "'0'";	/* proto2 enums may lack 0: it reads as its number */
			}
		default:
			return "0";
	}
}

/* Whether a field's column can be NULL (presence, messages; not repeated). */
bool
mesh_pb_nullable(const MeshPbField *field)
{
	return !field->repeated && (field->presence || field->type == PB_MESSAGE);
}
