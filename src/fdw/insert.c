/*-------------------------------------------------------------------------
 *
 * insert.c
 *		  INSERT: each row encoded by the table's value format and produced.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fdw/insert.h"

#include "fdw/modify.h"

#include "core/avro_decode.h"
#include "core/avro_encode.h"
#include "core/core.h"
#include "core/json.h"
#include "core/json_schema.h"
#include "core/protobuf.h"
#include "fdw/table.h"
#include "kafka/admin.h"
#include "kafka/client.h"
#include "kafka/producer.h"
#include "kafka/registry.h"
#include "mesh/json_pattern.h"
#include "mesh/catalog.h"
#include "mesh/datum_avro.h"
#include "mesh/protobuf_refs.h"

#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "mesh/product.h"

/* ------------------------------------------------------------------------
 * INSERT
 * ------------------------------------------------------------------------
 */

struct MeshInsert
{
	MeshTable  *table;
	MeshConnection *conn;
	MeshProducer *producer;
	MeshDeliveryMark mark;		/* the producer's counts when it began */
	uint64		sent;
	MeshAvroEncoder *encoder;
	MeshPbEncoder *pb_encoder;	/* Protobuf */
	const char *pb_message;		/* its message's full name */
	MeshAvroValue *values;		/* one per target slot (Avro, Protobuf) */
	char		header[5 + 10 * (MESH_PB_MAX_INDEXES + 1)];	/* the framing */
	int			header_len;
	MeshJsonSchema *json_schema;	/* JSON: the registry's JSON Schema, or NULL */
	MeshJsonPatterns *json_patterns;
	MeshBuf		buf;
	MemoryContext rowcxt;
	TupleDesc	tupdesc;
};

/* Confluent's framing: magic byte 0, the schema id big-endian. */
static void
confluent_header(MeshInsert *ins, int id)
{
	ins->header[0] = 0x00;
	ins->header[1] = (id >> 24) & 0xff;
	ins->header[2] = (id >> 16) & 0xff;
	ins->header[3] = (id >> 8) & 0xff;
	ins->header[4] = id & 0xff;
	ins->header_len = 5;
}

/*
 * The writer schema and framing of an Avro table: Confluent with the
 * registry's id when the server has a registry, single-object otherwise.
 */
static void
setup_avro(MeshInsert *ins)
{
	MeshTable  *table = ins->table;
	MeshProductSchema *current = NULL;
	char		errbuf[512];
	int			i;

	if (table->reader_schema == NULL || table->product == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("cannot INSERT into foreign table \"%s\": it has no Avro schema",
						table->relname),
				 errhint("Tables on a data product write with the product's schema; publish one with mesh.publish_data_product().")));
	if (table->product_schemas)
		current = llast(table->product_schemas);

	ins->encoder = mesh_avro_encoder_create(table->reader_schema, &table->target,
											errbuf, sizeof(errbuf));
	if (ins->encoder == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("cannot INSERT into foreign table \"%s\"", table->relname),
				 errdetail_internal("%s", errbuf),
				 errhint("Add a column for the field, or give the field a default in the product's schema.")));
	ins->values = palloc0(sizeof(MeshAvroValue) * Max(table->target.nslots, 1));

	if (mesh_connection_options(table->conn)->schema_registry != NULL)
	{
		int			id;

		if (current->has_registry && current->registry_id > 0)
			id = current->registry_id;
		else
			id = mesh_registry_register(table->conn, psprintf("%s-value", table->topic),
										current->definition);
		confluent_header(ins, id);
	}
	else
	{
		ins->header[0] = (char) 0xC3;
		ins->header[1] = 0x01;
		for (i = 0; i < 8; i++)
			ins->header[2 + i] = (current->fingerprint >> (8 * i)) & 0xff;
		ins->header_len = 10;
	}
}

/*
 * A JSON table whose topic has a JSON Schema in the registry (the latest
 * version of subject <topic>-value, schemaType JSON): rows are checked
 * against it and written in Confluent framing with its id.  Without one,
 * plain JSON as before.
 */
static void
setup_json(MeshInsert *ins)
{
	MeshTable  *table = ins->table;
	MeshRegistrySchema reg;
	char		errbuf[256];

	if (mesh_connection_options(table->conn)->schema_registry == NULL ||
		!mesh_registry_latest(table->conn, psprintf("%s-value", table->topic), &reg) ||
		strcmp(reg.schema_type, "JSON") != 0)
		return;
	ins->json_schema = mesh_json_schema_compile(reg.schema, strlen(reg.schema),
												errbuf, sizeof(errbuf));
	if (ins->json_schema == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("cannot INSERT into foreign table \"%s\": subject \"%s\" has no usable JSON Schema",
						table->relname, reg.subject),
				 errdetail_internal("%s", errbuf)));
	ins->json_patterns = mesh_json_patterns_create();
	confluent_header(ins, reg.id);
}

/*
 * A Protobuf table writes with the schema its product was published with
 * (the catalog's copy and registry id); a table on a topic, with the
 * latest schema of subject <topic>-value, as JSON Schema INSERT does.  The
 * message is the table option "message"'s, else the schema's first, as
 * scans take it; the framing names it by its message indexes.
 */
static void
setup_protobuf(MeshInsert *ins)
{
	MeshTable  *table = ins->table;
	const char *schema = table->protobuf_schema;
	int			id = table->protobuf_id;
	MeshRegistrySchema reg;
	MeshPbFile *file;
	char		errbuf[512];
	int			m;
	int32		indexes[MESH_PB_MAX_INDEXES];
	int			nindexes;
	MeshBuf		framing = {0};

	if (schema == NULL || id <= 0)
	{
		const char *subject = psprintf("%s-value", table->topic);

		if (mesh_connection_options(table->conn)->schema_registry == NULL ||
			!mesh_registry_latest(table->conn, subject, &reg) ||
			strcmp(reg.schema_type, "PROTOBUF") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("cannot INSERT into foreign table \"%s\": %s has no Protobuf schema",
							table->relname, mesh_table_describe(table)),
					 errdetail("Protobuf messages are written with a schema of subject \"%s\" in the server's schema_registry.",
							   subject),
					 errhint("Register the message's .proto under subject \"%s\", or publish the topic as a data product with value_format 'protobuf'.",
							 subject)));
		/* its imports: the references of that registry version */
		file = mesh_pb_parse_registered(table->conn, reg.id, reg.schema,
										errbuf, sizeof(errbuf));
		id = reg.id;
	}
	else
		file = mesh_pb_parse_references(schema, table->protobuf_references,
										errbuf, sizeof(errbuf));
	if (file == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("cannot INSERT into foreign table \"%s\": the Protobuf schema (schema id %d) of %s is not one mesh_fdw can read",
						table->relname, id, mesh_table_describe(table)),
				 errdetail_internal("%s", errbuf)));
	m = table->message ? mesh_pb_message_by_name(file, table->message) :
		file->ntop > 0 ? file->top[0] : -1;
	if (m < 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				 errmsg("cannot INSERT into foreign table \"%s\": the Protobuf schema of %s has no message \"%s\"",
						table->relname, mesh_table_describe(table),
						table->message ? table->message : "(any)"),
				 errhint("Name a message of the schema with the table option \"message\".")));
	ins->pb_encoder = mesh_pb_encoder_create(file, m, &table->target, errbuf, sizeof(errbuf));
	if (ins->pb_encoder == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
				 errmsg("cannot INSERT into foreign table \"%s\"", table->relname),
				 errdetail_internal("The Protobuf schema of %s: %s.", mesh_table_describe(table),
									errbuf),
				 errhint("Each column names a field of the message (or its column option \"field\" does), and each required field has a column.")));
	ins->pb_message = file->messages[m].fullname;
	ins->values = palloc0(sizeof(MeshAvroValue) * Max(table->target.nslots, 1));
	confluent_header(ins, id);
	nindexes = mesh_pb_message_indexes(file, m, indexes);
	mesh_pb_put_indexes(&framing, indexes, nindexes);
	Assert(framing.len <= sizeof(ins->header) - 5);
	memcpy(ins->header + 5, framing.data, framing.len);
	ins->header_len += framing.len;
}

/* A NULL column is left out of the JSON when its property may not be null. */
static bool
json_null_allowed(MeshInsert *ins, const char *field)
{
	const MeshJsonSchema *prop;

	if (ins->json_schema == NULL ||
		(prop = mesh_json_schema_property(ins->json_schema, field)) == NULL)
		return true;
	return prop->types == 0 || (prop->types & MJS_NULL) != 0;
}

MeshInsert *
mesh_insert_begin(Relation rel)
{
	MeshInsert *ins = palloc0(sizeof(MeshInsert));
	MeshTable  *table = mesh_table_load(RelationGetRelid(rel), ERROR);

	if (table->debezium)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot insert into foreign table \"%s\": it reads Debezium change events",
						table->relname),
				 errdetail("A table with envelope 'debezium' reads what a Debezium connector writes; mesh_fdw does not write change events.")));
	ins->table = table;
	ins->conn = table->conn;
	ins->tupdesc = RelationGetDescr(rel);
	mesh_refuse_catalog_topic(ins->conn, table->topic,
							  psprintf("foreign table \"%s\"", table->relname));
	if (!mesh_topic_exists(ins->conn, table->topic, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_TABLE_NOT_FOUND),
				 errmsg("topic \"%s\" of foreign table \"%s\" does not exist on server \"%s\"",
						table->topic, table->relname, table->server->servername)));
	if (table->value_format == MESH_FORMAT_AVRO)
		setup_avro(ins);
	else if (table->value_format == MESH_FORMAT_JSON)
		setup_json(ins);
	else if (table->value_format == MESH_FORMAT_PROTOBUF)
		setup_protobuf(ins);
	ins->producer = mesh_get_producer(ins->conn, table->transactional);
	ins->mark = mesh_producer_mark(ins->producer);
	mesh_buf_init(&ins->buf);
	ins->rowcxt = AllocSetContextCreate(CurrentMemoryContext, "mesh_fdw insert row",
										ALLOCSET_DEFAULT_SIZES);
	return ins;
}

static void
refuse_row(MeshInsert *ins, const char *reason)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("row does not fit %s", mesh_table_describe(ins->table)),
			 errdetail_internal("%s", reason)));
}

/* The name of the column that gives slot, for errors. */
static const char *
slot_column(MeshInsert *ins, int slot)
{
	for (int i = 0; i < ins->table->natts; i++)
		if (ins->table->columns[i].kind == MESH_COLUMN_FIELD &&
			ins->table->columns[i].slot == slot)
			return ins->table->columns[i].name;
	return "?";
}

/* A row the Protobuf encoder refused: each fault its SQLSTATE. */
static void
refuse_protobuf_row(MeshInsert *ins, const MeshPbEncodeError *err)
{
	const char *column = slot_column(ins, err->slot);
	const char *target = psprintf("message %s of %s", ins->pb_message,
								  mesh_table_describe(ins->table));
	const char *rel = ins->table->relname;
	/* by fault: the SQLSTATE, and the message of column, table and target */
	static const struct
	{
		int			code;
		const char *format;
	}			faults[] = {
		[PB_FAULT_NULL] = {ERRCODE_NOT_NULL_VIOLATION,
		"null value in column \"%s\" of foreign table \"%s\" cannot be written to %s"},
		[PB_FAULT_RANGE] = {ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
		"value of column \"%s\" of foreign table \"%s\" is out of range for %s"},
		[PB_FAULT_ENUM] = {ERRCODE_INVALID_TEXT_REPRESENTATION,
		"invalid enum value in column \"%s\" of foreign table \"%s\" for %s"},
		[PB_FAULT_ONEOF] = {ERRCODE_CHECK_VIOLATION,
		"value of column \"%s\" of foreign table \"%s\" sets two members of a oneof of %s"},
		[PB_FAULT_VALUE] = {ERRCODE_INVALID_PARAMETER_VALUE,
		"value of column \"%s\" of foreign table \"%s\" does not fit %s"},
	};
	int			f = err->fault > PB_FAULT_NONE && err->fault <= PB_FAULT_VALUE ?
		err->fault : PB_FAULT_VALUE;
	int			code = faults[f].code;
	char	   *msg;

	if (f == PB_FAULT_ONEOF && err->other_slot >= 0)
		msg = psprintf("columns \"%s\" and \"%s\" of foreign table \"%s\" are both set, but %s takes one member of their oneof",
					   slot_column(ins, err->other_slot), column, rel, target);
	else
		msg = psprintf(faults[f].format, column, rel, target);
	ereport(ERROR,
			(errcode(code),
			 errmsg_internal("%s", msg),
			 errdetail_internal("%s.", err->detail),
			 err->fault == PB_FAULT_NULL ?
			 errhint("Write the zero value (an empty array or map for a repeated field or a map), or make the field optional in the schema.") :
			 err->hint[0] ? errhint("%s", err->hint) : 0));
}

/*
 * A column's value as the Protobuf encoder takes it: as Avro's, but an
 * interval as a Duration's text ("-90.5s"), which has no days or months:
 * their length is not fixed (daylight saving time, months of 28 to 31
 * days), and the value read back would not be the one written.
 */
static void
protobuf_datum(MeshInsert *ins, MeshColumn *col, Datum d, MeshAvroValue *v)
{
	Interval   *iv;
	uint64		us;

	if (col->type.typid != INTERVALOID)
	{
		mesh_datum_to_avro(d, col->type.typid, v, ins->rowcxt);
		return;
	}
	iv = DatumGetIntervalP(d);
#ifdef INTERVAL_NOT_FINITE
	/* PostgreSQL 17's infinite intervals are stored as extreme months and days */
	if (INTERVAL_NOT_FINITE(iv))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("interval in column \"%s\" of foreign table \"%s\" is infinite, which a google.protobuf.Duration cannot hold",
						col->name, ins->table->relname),
				 errdetail("A Duration holds at most 10000 years either way.")));
#endif
	if (iv->month != 0 || iv->day != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("interval in column \"%s\" of foreign table \"%s\" has days or months, which a google.protobuf.Duration cannot hold",
						col->name, ins->table->relname),
				 errdetail("A Duration is a number of seconds; a day or a month has no fixed number of them."),
				 errhint("Give the interval in hours, minutes and seconds: '36 hours' rather than '1 day 12 hours' (justify_hours() does the opposite).")));
	us = iv->time < 0 ? (uint64) 0 - (uint64) iv->time : (uint64) iv->time;
	memset(v, 0, sizeof(*v));
	v->present = true;
	v->kind = AVRO_STRING;
	v->data = psprintf("%s" UINT64_FORMAT ".%06us", iv->time < 0 ? "-" : "",
					   us / USECS_PER_SEC, (unsigned) (us % USECS_PER_SEC));
	v->len = strlen(v->data);
}


/*
 * _headers: a jsonb object of names to strings ("\\x..." for bytes) or
 * null, as scans show them.
 */
static rd_kafka_headers_t *
headers_from(MeshInsert *ins, Datum value)
{
	char	   *json = JsonbToCString(NULL, &DatumGetJsonbP(value)->root, -1);
	char		errbuf[256];
	MeshJson   *obj = mesh_json_parse(json, strlen(json), 0, errbuf, sizeof(errbuf));
	rd_kafka_headers_t *headers;
	int			i;

	if (obj == NULL || obj->type != MJ_OBJECT)
		refuse_row(ins, "column \"_headers\" must be a JSON object of header names to strings");
	headers = rd_kafka_headers_new(obj->count);
	for (i = 0; i < obj->count; i++)
	{
		MeshJson   *v = obj->items[i];
		const char *name = obj->keys[i];

		if (v->type == MJ_NULL)
			rd_kafka_header_add(headers, name, -1, NULL, 0);
		else if (v->type == MJ_STRING && v->string_len >= 2 && v->string[0] == '\\' &&
				 v->string[1] == 'x')
		{
			size_t		n = (v->string_len - 2) / 2;
			char	   *bytes = palloc(Max(n, 1));
			size_t		j;

			for (j = 0; j < n; j++)
			{
				unsigned int byte;

				if (sscanf(v->string + 2 + 2 * j, "%2x", &byte) != 1)
				{
					rd_kafka_headers_destroy(headers);
					refuse_row(ins, psprintf("header \"%s\" is not valid \\x hex", name));
				}
				bytes[j] = (char) byte;
			}
			rd_kafka_header_add(headers, name, -1, bytes, n);
		}
		else if (v->type == MJ_STRING)
			rd_kafka_header_add(headers, name, -1, v->string, v->string_len);
		else
		{
			rd_kafka_headers_destroy(headers);
			refuse_row(ins, psprintf("header \"%s\" must be a string or null", name));
		}
	}
	return headers;
}

/*
 * One row into one message.  Everything about the row is checked before
 * anything of it is sent.
 */
void
mesh_insert_row(MeshInsert *ins, TupleTableSlot *slot)
{
	MeshTable  *table = ins->table;
	MemoryContext oldcxt = MemoryContextSwitchTo(ins->rowcxt);
	int32		partition = RD_KAFKA_PARTITION_UA;
	int64		timestamp_ms = 0;
	const char *key = NULL;
	size_t		keylen = 0;
	const char *value = NULL;
	size_t		len = 0;
	bool		has_value = false;
	rd_kafka_headers_t *headers = NULL;
	StringInfoData json;
	int			i;

	slot_getallattrs(slot);
	ins->buf.len = 0;
	if (table->value_format == MESH_FORMAT_AVRO || table->value_format == MESH_FORMAT_PROTOBUF)
		mesh_buf_append(&ins->buf, ins->header, ins->header_len);
	else if (table->value_format == MESH_FORMAT_JSON)
	{
		initStringInfo(&json);
		appendStringInfoChar(&json, '{');
	}

	for (i = 0; i < table->natts; i++)
	{
		MeshColumn *col = &table->columns[i];
		Datum		d = slot->tts_values[i];
		bool		isnull = slot->tts_isnull[i];

		switch (col->kind)
		{
			case MESH_COLUMN_PARTITION:
				if (!isnull)
				{
					int64		p = col->type.typid == INT8OID ? DatumGetInt64(d) :
						col->type.typid == INT2OID ? DatumGetInt16(d) : DatumGetInt32(d);

					if (p < 0 || p > PG_INT32_MAX)
						refuse_row(ins, psprintf("_partition %lld is not a partition", (long long) p));
					partition = (int32) p;
				}
				break;
			case MESH_COLUMN_TIMESTAMP:
				if (!isnull)
					timestamp_ms = DatumGetTimestampTz(d) / 1000 +
						(int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * 86400000;
				break;
			case MESH_COLUMN_KEY:
				if (!isnull)
					{
						char		errbuf[256];

						if (!mesh_encode_key(ins->table, d, col->type.typid, &key, &keylen,
											 errbuf, sizeof(errbuf)))
							refuse_row(ins, errbuf);
					}
				break;
			case MESH_COLUMN_HEADERS:
				if (!isnull)
					headers = headers_from(ins, d);
				break;
			case MESH_COLUMN_OFFSET:
				if (!isnull)
					refuse_row(ins, "_offset is set by Kafka; leave it out or NULL");
				break;
			case MESH_COLUMN_ERROR:
			case MESH_COLUMN_RAW:
				if (!isnull)
					refuse_row(ins, psprintf("%s is set when a message is read; leave it out or NULL",
											 col->name));
				break;
			case MESH_COLUMN_VALUE:
				if (!isnull)
				{
					if (col->type.typid == BYTEAOID)
					{
						bytea	   *b = DatumGetByteaPP(d);

						value = VARDATA_ANY(b);
						len = VARSIZE_ANY_EXHDR(b);
					}
					else
					{
						Oid			output;
						bool		varlena;

						getTypeOutputInfo(col->type.typid, &output, &varlena);
						value = OidOutputFunctionCall(output, d);
						len = strlen(value);
					}
					has_value = true;
				}
				break;
			case MESH_COLUMN_FIELD:
				if (table->value_format == MESH_FORMAT_AVRO ||
					table->value_format == MESH_FORMAT_PROTOBUF)
				{
					MeshAvroValue *v = &ins->values[col->slot];

					if (isnull)
					{
						memset(v, 0, sizeof(*v));
						v->present = true;
						v->is_null = true;
					}
					else if (table->value_format == MESH_FORMAT_PROTOBUF)
						protobuf_datum(ins, col, d, v);
					else
						mesh_datum_to_avro(d, col->type.typid, v, ins->rowcxt);
				}
				else if (table->value_format == MESH_FORMAT_JSON &&
						 (!isnull || json_null_allowed(ins, col->field)))
				{
					if (json.len > 1)
						appendStringInfoChar(&json, ',');
					escape_json(&json, col->field);
					appendStringInfoChar(&json, ':');
					if (isnull)
						appendStringInfoString(&json, "null");
					else
						mesh_append_json_datum(&json, d, col->type.typid);
				}
				break;
			default:
				break;
		}
	}

	switch (table->value_format)
	{
		case MESH_FORMAT_AVRO:
			{
				char		errbuf[512];

				if (!mesh_avro_encode(ins->encoder, ins->values, &ins->buf, errbuf, sizeof(errbuf)))
				{
					if (headers)
						rd_kafka_headers_destroy(headers);
					refuse_row(ins, errbuf);
				}
				value = ins->buf.data;
				len = ins->buf.len;
				has_value = true;
				break;
			}
		case MESH_FORMAT_PROTOBUF:
			{
				MeshPbEncodeError err;

				if (!mesh_pb_encode(ins->pb_encoder, ins->values, &ins->buf, &err))
				{
					if (headers)
						rd_kafka_headers_destroy(headers);
					refuse_protobuf_row(ins, &err);
				}
				value = ins->buf.data;
				len = ins->buf.len;
				has_value = true;
				break;
			}
		case MESH_FORMAT_JSON:
			appendStringInfoChar(&json, '}');
			value = json.data;
			len = json.len;
			if (ins->json_schema != NULL)
			{
				char		errbuf[512];
				MeshJson   *parsed = mesh_json_parse(json.data, json.len, 0,
													 errbuf, sizeof(errbuf));

				if (parsed == NULL ||
					!mesh_json_schema_check(ins->json_schema, parsed, ins->json_patterns,
											errbuf, sizeof(errbuf)))
				{
					if (headers)
						rd_kafka_headers_destroy(headers);
					refuse_row(ins, errbuf);
				}
				mesh_buf_append(&ins->buf, ins->header, ins->header_len);
				mesh_buf_append(&ins->buf, json.data, json.len);
				value = ins->buf.data;
				len = ins->buf.len;
			}
			has_value = true;
			break;
		default:
			break;
	}

	mesh_produce(ins->conn, ins->producer, table->topic, partition, key, keylen,
				 has_value ? value : NULL, has_value ? len : 0, timestamp_ms, headers);
	if (headers)
		rd_kafka_headers_destroy(headers);
	ins->sent++;
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(ins->rowcxt);
}

/*
 * The statement is done: wait until every message is acknowledged.  In a
 * Kafka transaction they become visible at COMMIT.
 */
void
mesh_insert_end(MeshInsert *ins)
{
	mesh_producer_wait(ins->conn, ins->producer, &ins->mark, ins->sent,
					   psprintf("INSERT into \"%s\"", ins->table->relname));
}

