/*-------------------------------------------------------------------------
 *
 * avro_source.c
 *		  The encoder's sources: a MeshAvroValue or a JSON node seen as one
 *		  tagged view (MeshSrc), so that each Avro type's encoding and
 *		  checks are written once (avro_write.c) whichever the value came
 *		  from.
 *
 * A MeshAvroValue's kind says which of its members hold the value
 * (avro_encode.c's header has the table): booleans, integers (with the
 * unit logical says), reals, text (string and enum kinds), bytes (bytes
 * and fixed), items (arrays), and JSON text (record, map and union kinds).
 * is_null, or the null kind, is null whatever else it says.
 *
 * A JSON node is null, a boolean, a number (kept as its text: decimals and
 * floats are read from it exactly), a string, an array or an object.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_source.h"

#include <stdio.h>
#include <string.h>

void
mesh_src_from_value(MeshSrc *src, const MeshAvroValue *v)
{
	memset(src, 0, sizeof(*src));
	if (v->is_null)
	{
		src->kind = MESH_SRC_NULL;
		return;
	}
	switch (v->kind)
	{
		case AVRO_NULL:
			src->kind = MESH_SRC_NULL;
			return;
		case AVRO_BOOLEAN:
			src->kind = MESH_SRC_BOOLEAN;
			src->boolean = v->boolean;
			return;
		case AVRO_INT:
		case AVRO_LONG:
			src->kind = MESH_SRC_INTEGER;
			src->integer = v->integer;
			src->logical = v->logical;
			return;
		case AVRO_FLOAT:
		case AVRO_DOUBLE:
			src->kind = MESH_SRC_REAL;
			src->real = v->real;
			return;
		case AVRO_STRING:
		case AVRO_ENUM:
		case AVRO_BYTES:
		case AVRO_FIXED:
			src->kind = v->kind == AVRO_STRING || v->kind == AVRO_ENUM ?
				MESH_SRC_TEXT : MESH_SRC_BYTES;
			src->data = v->data != NULL ? v->data : "";
			src->len = v->len;
			return;
		case AVRO_ARRAY:
			src->kind = MESH_SRC_ITEMS;
			src->count = v->nitems;
			src->items = v->items;
			return;
		case AVRO_RECORD:		/* MESH_AVRO_JSON */
		case AVRO_MAP:
		case AVRO_UNION:
			mesh_src_from_json_text(src, v->data, v->len);
			return;
	}
	src->kind = MESH_SRC_OTHER;
}

void
mesh_src_from_json(MeshSrc *src, const MeshJson *j)
{
	memset(src, 0, sizeof(*src));
	src->json = true;
	src->node = j;
	switch (j->type)
	{
		case MJ_NULL:
			src->kind = MESH_SRC_NULL;
			break;
		case MJ_BOOL:
			src->kind = MESH_SRC_BOOLEAN;
			src->boolean = j->boolean;
			break;
		case MJ_NUMBER:
			src->kind = MESH_SRC_NUMBER;
			src->data = j->number;
			src->len = j->number != NULL ? strlen(j->number) : 0;
			src->is_integer = j->is_integer;
			src->integer = j->integer;
			break;
		case MJ_STRING:
			src->kind = MESH_SRC_STRING;
			src->data = j->string;
			src->len = j->string_len;
			break;
		case MJ_ARRAY:
			src->kind = MESH_SRC_ITEMS;
			src->count = j->count;
			src->items = j->items;
			break;
		case MJ_OBJECT:
			src->kind = MESH_SRC_OBJECT;
			src->count = j->count;
			src->items = j->items;
			src->keys = j->keys;
			break;
	}
}

void
mesh_src_from_json_text(MeshSrc *src, const char *data, size_t len)
{
	memset(src, 0, sizeof(*src));
	src->kind = MESH_SRC_JSON_TEXT;
	src->data = data != NULL ? data : "";
	src->len = data != NULL ? len : 0;
}

void
mesh_src_item(const MeshSrc *src, int i, MeshSrc *item)
{
	if (src->json)
		mesh_src_from_json(item, ((const MeshJson *const *) src->items)[i]);
	else
		mesh_src_from_value(item, &((const MeshAvroValue *) src->items)[i]);
}

double
mesh_src_number(const MeshSrc *src)
{
	return src->node != NULL ? mesh_json_real(src->node) : src->real;
}

/* What a value's kind makes it: "an integer". */
static const char *
value_kind_name(const MeshSrc *src)
{
	static const char *const names[] = {
		[MESH_SRC_NULL] = "a null", [MESH_SRC_BOOLEAN] = "a boolean",
		[MESH_SRC_REAL] = "a real", [MESH_SRC_TEXT] = "a text",
		[MESH_SRC_BYTES] = "a bytes", [MESH_SRC_ITEMS] = "an array",
	};

	if (src->kind == MESH_SRC_INTEGER)
	{
		switch (src->logical)
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
	}
	/* the JSON kinds (number, string, object, JSON text) have no entry */
	if ((size_t) src->kind < MESH_LENGTHOF(names) && names[src->kind] != NULL)
		return names[src->kind];
	return "a JSON";
}

const char *
mesh_src_describe(const MeshSrc *src, bool definite, char *buf, size_t buflen)
{
	if (src->json)
		snprintf(buf, buflen, "%s JSON %s", definite ? "the" : "a",
				 mesh_json_type_name(src->node));
	else
		snprintf(buf, buflen, "%s value", value_kind_name(src));
	return buf;
}
