/*-------------------------------------------------------------------------
 *
 * derived_output.c
 *		  The output of a derived data product: the Avro schema derived
 *		  from a query's result columns (the design's type table read in
 *		  reverse), the framing of each value (the registry's id, or the
 *		  single-object header), and each result row encoded as a message.
 *		  Used by create_data_product and by continuous products' workers.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/derived_output.h"

#include "core/avro_encode.h"
#include "core/avro_schema.h"
#include "kafka/registry.h"
#include "mesh/datum_avro.h"
#include "mesh/convert.h"
#include "mesh/product.h"
#include "mesh/publish.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"

struct MeshDerivedOutput
{
	const char *qualified_name;
	TupleDesc	tupdesc;
	int			keyattno;		/* -1: no key column */
	MeshAvroEncoder *encoder;
	MeshAvroValue *values;
	char		header[10];
	int			header_len;
	MeshBuf		buf;
	uint64		rows;
};

/* The Avro type (JSON) of a result column's PostgreSQL type, or NULL. */
static const char *
avro_type_for(Oid typid, int32 typmod)
{
	Oid			elem;

	switch (typid)
	{
		case BOOLOID:
			return "\"boolean\"";
		case INT2OID:
		case INT4OID:
			return "\"int\"";
		case INT8OID:
			return "\"long\"";
		case FLOAT4OID:
			return "\"float\"";
		case FLOAT8OID:
			return "\"double\"";
		case NUMERICOID:
			{
				/* numeric without a typmod: 38 digits, 9 of them fractional */
				int			precision = 38;
				int			scale = 9;

				if (typmod >= (int32) VARHDRSZ)
				{
					precision = ((typmod - VARHDRSZ) >> 16) & 0xffff;
					scale = (typmod - VARHDRSZ) & 0xffff;
				}
				return psprintf("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":%d,\"scale\":%d}",
								precision, scale);
			}
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case NAMEOID:
		case JSONBOID:			/* JSON text: Avro has no JSON type */
		case JSONOID:
			return "\"string\"";
		case BYTEAOID:
			return "\"bytes\"";
		case DATEOID:
			return "{\"type\":\"int\",\"logicalType\":\"date\"}";
		case TIMEOID:
			return "{\"type\":\"long\",\"logicalType\":\"time-micros\"}";
		case TIMESTAMPTZOID:
			return "{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}";
		case TIMESTAMPOID:
			return "{\"type\":\"long\",\"logicalType\":\"local-timestamp-micros\"}";
		case UUIDOID:
			return "{\"type\":\"string\",\"logicalType\":\"uuid\"}";
		default:
			break;
	}

	/* the arrays a column may hold (mesh_type_is_checked) but numeric[] */
	elem = get_element_type(typid);
	if (OidIsValid(elem) && elem != NUMERICOID && mesh_type_is_checked(typid))
		return psprintf("{\"type\":\"array\",\"items\":%s}",
						avro_type_for(elem, -1));
	return NULL;
}

static bool
valid_avro_name(const char *name)
{
	const char *p;

	if (!((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z') ||
		  name[0] == '_'))
		return false;
	for (p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			  (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/*
 * The Avro record schema of the query's result: every column nullable
 * (a union with null, default null).
 */
char *
mesh_derive_schema(const char *domain, const char *name, const char *description,
			  TupleDesc tupdesc)
{
	StringInfoData buf;
	int			i;
	int			nfields = 0;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"type\":\"record\",\"name\":\"%s\",\"namespace\":\"%s\",\"doc\":",
					 name, domain);
	escape_json(&buf, description);
	appendStringInfoString(&buf, ",\"fields\":[");
	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(tupdesc, i);
		const char *colname = NameStr(attr->attname);
		const char *type;

		if (attr->attisdropped)
			continue;
		if (!valid_avro_name(colname))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_NAME),
					 errmsg("result column \"%s\" is not a valid Avro field name", colname),
					 errhint("Give it an alias of letters, digits and underscores, starting with a letter.")));
		type = avro_type_for(attr->atttypid, attr->atttypmod);
		if (type == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("result column \"%s\" has type %s, which has no Avro type",
							colname, format_type_be(attr->atttypid)),
					 errhint("Cast it, e.g. to text.")));
		appendStringInfo(&buf, "%s{\"name\":\"%s\",\"type\":[\"null\",%s],\"default\":null}",
						 nfields++ ? "," : "", colname, type);
	}
	appendStringInfoString(&buf, "]}");
	return buf.data;
}


int
mesh_derived_header(MeshConnection *conn, MeshProductSchema *schema,
					const char *topic, char *header)
{
	int			i;

	if (mesh_connection_options(conn)->schema_registry)
	{
		schema->has_registry = true;
		schema->registry_subject = psprintf("%s-value", topic);
		schema->registry_id = mesh_registry_register(conn, schema->registry_subject,
													 schema->definition);
		header[0] = 0x00;
		header[1] = (schema->registry_id >> 24) & 0xff;
		header[2] = (schema->registry_id >> 16) & 0xff;
		header[3] = (schema->registry_id >> 8) & 0xff;
		header[4] = schema->registry_id & 0xff;
		return 5;
	}
	header[0] = (char) 0xC3;
	header[1] = 0x01;
	for (i = 0; i < 8; i++)
		header[2 + i] = (schema->fingerprint >> (8 * i)) & 0xff;
	return 10;
}

MeshDerivedOutput *
mesh_derived_output_create(const char *qualified_name, const char *schema_text,
						   const char *header, int header_len, TupleDesc tupdesc,
						   const char *keycol)
{
	MeshDerivedOutput *out = palloc0(sizeof(MeshDerivedOutput));
	MeshAvroType *avro = mesh_validate_schema(qualified_name, schema_text);
	MeshAvroTarget target;
	char		errbuf[512];
	int			i;

	out->qualified_name = pstrdup(qualified_name);
	out->tupdesc = tupdesc;
	out->keyattno = -1;
	target.nslots = tupdesc->natts;
	target.slots = palloc0(sizeof(MeshAvroSlot) * Max(tupdesc->natts, 1));
	for (i = 0; i < tupdesc->natts; i++)
	{
		target.slots[i].name = NameStr(TupleDescAttr(tupdesc, i)->attname);
		target.slots[i].needed = true;
		if (keycol && strcmp(keycol, target.slots[i].name) == 0)
			out->keyattno = i;
	}
	if (keycol && out->keyattno < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("the query of data product \"%s\" has no column \"%s\" for the key",
						qualified_name, keycol)));
	out->encoder = mesh_avro_encoder_create(avro, &target, errbuf, sizeof(errbuf));
	if (out->encoder == NULL)
		elog(ERROR, "cannot encode the derived schema: %s", errbuf);
	out->values = palloc0(sizeof(MeshAvroValue) * Max(tupdesc->natts, 1));
	Assert(header_len <= (int) sizeof(out->header));
	memcpy(out->header, header, header_len);
	out->header_len = header_len;
	mesh_buf_init(&out->buf);
	return out;
}

const MeshBuf *
mesh_derived_output_encode(MeshDerivedOutput *out, const Datum *values,
						   const bool *nulls, char **key)
{
	char		errbuf[512];
	int			i;

	*key = NULL;
	for (i = 0; i < out->tupdesc->natts; i++)
	{
		Oid			typid = TupleDescAttr(out->tupdesc, i)->atttypid;
		MeshAvroValue *v = &out->values[i];

		memset(v, 0, sizeof(MeshAvroValue));
		v->present = true;
		if (nulls[i])
			v->is_null = true;
		else if (typid == JSONBOID || typid == JSONOID || typid == NAMEOID)
			/* the derived field is a string holding the JSON text */
		{
			char	   *text = OidOutputFunctionCall(mesh_type_output(typid), values[i]);

			v->kind = AVRO_STRING;
			v->data = text;
			v->len = strlen(text);
		}
		else if (typid == NUMERICOID && TupleDescAttr(out->tupdesc, i)->atttypmod < 0)
			/* numeric without a typmod is decimal(38,9): rounded to its scale */
			mesh_datum_to_avro(DirectFunctionCall2(numeric_round, values[i], Int32GetDatum(9)),
							   typid, v, CurrentMemoryContext);
		else
			mesh_datum_to_avro(values[i], typid, v, CurrentMemoryContext);
		if (i == out->keyattno && !nulls[i])
			*key = OidOutputFunctionCall(mesh_type_output(typid), values[i]);
	}
	out->rows++;
	out->buf.len = 0;
	mesh_buf_append(&out->buf, out->header, out->header_len);
	if (!mesh_avro_encode(out->encoder, out->values, &out->buf, errbuf, sizeof(errbuf)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("row " UINT64_FORMAT " of the query of data product \"%s\" does not fit its schema",
						out->rows, out->qualified_name),
				 errdetail_internal("%s", errbuf)));
	return &out->buf;
}

void
mesh_derived_output_check(MeshDerivedOutput *out, TupleDesc desc)
{
	int			i;
	bool		same = desc->natts == out->tupdesc->natts;

	for (i = 0; same && i < desc->natts; i++)
		same = TupleDescAttr(desc, i)->atttypid == TupleDescAttr(out->tupdesc, i)->atttypid;
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the query of data product \"%s\" no longer returns the columns of its schema",
						out->qualified_name),
				 errdetail("A table or type it reads was changed after the product was created."),
				 errhint("Put it back as it was, or unpublish the product and create it again.")));
}

Oid
mesh_type_output(Oid typid)
{
	Oid			output;
	bool		varlena;

	getTypeOutputInfo(typid, &output, &varlena);
	return output;
}
