/*-------------------------------------------------------------------------
 *
 * decode.c
 *		  A Kafka message into the columns of a row: metadata, key, headers
 *		  and the value in its format.
 *
 * Avro values come in two framings, told apart by their first bytes: the
 * Confluent wire format (0x00 + 4-byte big-endian schema id; the writer
 * schema comes from the schema registry) and Avro single-object encoding
 * (C3 01 + 8-byte little-endian CRC-64-AVRO fingerprint; the writer
 * schema comes from the catalog).  Each writer schema is compiled once per
 * scan against the table's columns (avro_decode.c) and the program is
 * reused for every message written with it.
 *
 * Protobuf values have the Confluent framing with the message-index list
 * after the schema id; each (schema id, message) is compiled once per scan
 * (core/protobuf_decode.c) into the same slots as Avro's, which convert
 * alike.
 *
 * Values are converted with the checked conversions of convert.c, so a
 * message that does not fit its columns is reported, not thrown: the scan
 * decides by the table's on_error.  With on_error 'error' only the columns
 * the query needs are converted; with 'skip' and 'null' all are, so that a
 * query's rows never depend on which columns it reads.  _error (the reason
 * a message is bad) and _raw (the value's bytes) judge nothing: they are
 * filled only when the query reads them.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fdw/decode.h"

#include "core/avro_decode.h"
#include "core/avro_schema.h"
#include "core/core.h"
#include "core/debezium.h"
#include "core/json.h"
#include "core/json_schema.h"
#include "core/protobuf.h"
#include "core/text.h"
#include "fdw/table.h"
#include "kafka/reader.h"
#include "kafka/registry.h"
#include "mesh/catalog.h"
#include "mesh/convert.h"
#include "mesh/json_pattern.h"
#include "mesh/product.h"
#include "mesh/protobuf_refs.h"

#include "catalog/pg_type.h"
#include "utils/hsearch.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "mb/pg_wchar.h"

/* A writer schema as a message names it. */
typedef struct ProgramKey
{
	uint64		id;				/* Confluent schema id or fingerprint */
	uint64		framing;		/* FRAMING_* */
} ProgramKey;

#define FRAMING_CONFLUENT 1
#define FRAMING_SINGLE_OBJECT 2

/* A compiled Protobuf program for one (schema id, message), or why there is none. */
typedef struct PbEntry
{
	int			id;
	int32		indexes[MESH_PB_MAX_INDEXES];
	int			nindexes;
	MeshPbProgram *program;
	char	   *error;
	struct PbEntry *next;
} PbEntry;

/* A compiled program for one writer schema, or why there is none. */
typedef struct ProgramEntry
{
	ProgramKey	key;
	MeshAvroProgram *program;
	char	   *error;
	MeshDbzFields *dbz;			/* envelope 'debezium': after's encodings */
} ProgramEntry;

struct MeshDecoder
{
	MeshTable  *table;
	MemoryContext cxt;			/* programs and schemas, for the scan */
	bool	   *convert;		/* by attnum - 1: convert this column */
	/* the columns to fill, by kind, as attnum - 1 (per message: no search) */
	int		   *metadata_cols;
	int			nmetadata;
	int		   *value_cols;		/* fields, or the whole value */
	int			nvalue;
	bool		needs_headers;
	bool		needs_timestamp;
	int			error_col;		/* _error as attnum - 1, or -1: not wanted */
	MeshAvroTarget target;		/* the table's, with "needed" set */
	HTAB	   *programs;		/* of ProgramEntry */
	ProgramEntry *last;			/* most messages use the previous schema: */
	uint8		last_header[10];	/* the framing bytes that named it */
	size_t		last_header_len;
	MeshAvroValue *avro_values;
	PbEntry    *pb_entries;		/* Protobuf programs, most recent first */
	/* Avro keys: the whole key as one JSON slot */
	HTAB	   *key_programs;
	MeshAvroSlot key_slot;
	MeshAvroTarget key_target;
	MeshAvroValue key_value;
	/* envelope 'debezium': Avro values whole, as JSON */
	HTAB	   *dbz_programs;
	ProgramEntry *dbz_last;
	MeshAvroSlot dbz_slot;
	MeshAvroTarget dbz_target;
	MeshAvroValue dbz_value;
	/* JSON values in Confluent framing: JSON Schemas by registry id */
	HTAB	   *json_schemas;
	MeshJsonPatterns *json_patterns;	/* their "pattern"s, compiled */
};

/* A JSON Schema by its registry id, compiled, or why there is none. */
typedef struct JsonSchemaEntry
{
	int			id;
	MeshJsonSchema *schema;
	char	   *error;
} JsonSchemaEntry;

MeshDecoder *
mesh_decoder_create(MeshTable *table, Bitmapset *attrs_needed)
{
	MeshDecoder *d = palloc0(sizeof(MeshDecoder));
	HASHCTL		ctl;
	int			i;
	bool		all = table->on_error != MESH_ON_ERROR_ERROR;

	d->table = table;
	d->cxt = CurrentMemoryContext;
	d->convert = palloc0(sizeof(bool) * Max(table->natts, 1));
	d->target.nslots = table->target.nslots;
	d->target.slots = palloc(sizeof(MeshAvroSlot) * Max(table->target.nslots, 1));
	memcpy(d->target.slots, table->target.slots,
		   sizeof(MeshAvroSlot) * table->target.nslots);
	for (i = 0; i < table->natts; i++)
	{
		MeshColumn *col = &table->columns[i];

		if (col->kind == MESH_COLUMN_DROPPED)
			continue;
		/* _error and _raw never make a message bad: only when read */
		d->convert[i] = bms_is_member(i + 1, attrs_needed) ||
			(all && col->kind != MESH_COLUMN_ERROR && col->kind != MESH_COLUMN_RAW);
		if (col->kind == MESH_COLUMN_FIELD &&
			(table->value_format == MESH_FORMAT_AVRO ||
			 table->value_format == MESH_FORMAT_PROTOBUF))
			d->target.slots[col->slot].needed = d->convert[i];
	}
	d->avro_values = palloc0(sizeof(MeshAvroValue) * Max(d->target.nslots, 1));
	d->metadata_cols = palloc(sizeof(int) * Max(table->natts, 1));
	d->value_cols = palloc(sizeof(int) * Max(table->natts, 1));
	d->error_col = -1;
	for (i = 0; i < table->natts; i++)
	{
		MeshColumnKind kind = table->columns[i].kind;

		if (!d->convert[i])
			continue;
		if (kind == MESH_COLUMN_FIELD || kind == MESH_COLUMN_VALUE || kind >= MESH_COLUMN_OP)
			d->value_cols[d->nvalue++] = i;
		else
			d->metadata_cols[d->nmetadata++] = i;
		if (kind == MESH_COLUMN_HEADERS)
			d->needs_headers = true;
		if (kind == MESH_COLUMN_TIMESTAMP)
			d->needs_timestamp = true;
		if (kind == MESH_COLUMN_ERROR)
			d->error_col = i;
	}

	ctl.keysize = sizeof(ProgramKey);
	ctl.entrysize = sizeof(ProgramEntry);
	ctl.hcxt = d->cxt;
	d->programs = hash_create("mesh_fdw Avro programs", 16, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	d->key_programs = hash_create("mesh_fdw Avro key programs", 16, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	d->dbz_programs = hash_create("mesh_fdw Debezium programs", 16, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	d->dbz_slot.name = "key";
	d->dbz_slot.shape = MESH_SHAPE_JSON;
	d->dbz_slot.needed = true;
	d->dbz_target.nslots = 1;
	d->dbz_target.slots = &d->dbz_slot;
	d->key_slot.name = "key";
	d->key_slot.shape = MESH_SHAPE_JSON;
	for (i = 0; i < table->natts; i++)
		if (table->columns[i].kind == MESH_COLUMN_KEY)
			d->key_slot.shape = mesh_column_avro_shape(&table->columns[i].type);
	d->key_slot.needed = true;
	d->key_target.nslots = 1;
	d->key_target.slots = &d->key_slot;
	return d;
}

/* ------------------------------------------------------------------------
 * Writer schemas
 * ------------------------------------------------------------------------
 */

/* The definition of the schema with this fingerprint, from the catalog. */
static const char *
schema_by_fingerprint(MeshDecoder *d, uint64 fingerprint)
{
	ListCell   *lc;
	MeshCatalog *catalog;
	const char *definition;

	foreach(lc, d->table->product_schemas)
		if (((MeshProductSchema *) lfirst(lc))->fingerprint == fingerprint)
			return ((MeshProductSchema *) lfirst(lc))->definition;

	/* written with a schema published after the scan began, or by another product */
	catalog = mesh_catalog_get(d->table->conn, ERROR);
	definition = mesh_catalog_schema_by_fingerprint(catalog, fingerprint);
	return definition ? MemoryContextStrdup(d->cxt, definition) : NULL;
}

/*
 * A writer record wrapping type as its one field "key": a record's
 * encoding is its fields', so this decodes a whole datum of any type into
 * the one slot of key_target.
 */
static MeshAvroType *
wrap_in_record(MeshAvroType *type)
{
	MeshAvroType *record = palloc0(sizeof(MeshAvroType));
	MeshAvroField *field = palloc0(sizeof(MeshAvroField));

	field->name = "key";
	field->type = type;
	record->kind = AVRO_RECORD;
	record->name = record->fullname = "mesh_fdw_key";
	record->fields = field;
	record->nfields = 1;
	return record;
}

/*
 * The program for the writer schema a message names (framing in data).
 * On success *header is the framing's length; else errbuf says why.
 */
/*
 * Fetch, parse and compile the writer schema of a new entry; on failure
 * keep why, so that each later message with that schema fails the same way
 * at once.
 */
static void
compile_entry(MeshDecoder *d, ProgramEntry *entry, const MeshAvroTarget *target,
			  bool whole_datum, const uint8_t *data)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(d->cxt);
	const char *definition;
	char		what[64];
	char		parse_err[256];
	MeshAvroType *writer;

	entry->program = NULL;
	entry->error = NULL;
	entry->dbz = NULL;
	if (entry->key.framing == FRAMING_CONFLUENT)
	{
		snprintf(what, sizeof(what), "schema id " UINT64_FORMAT, entry->key.id);
		definition = mesh_registry_schema_by_id(d->table->conn, (int) entry->key.id);
	}
	else
	{
		snprintf(what, sizeof(what), "schema fingerprint %02x%02x%02x%02x%02x%02x%02x%02x",
				 data[2], data[3], data[4], data[5], data[6], data[7], data[8], data[9]);
		definition = schema_by_fingerprint(d, entry->key.id);
	}
	if (definition == NULL)
		entry->error = psprintf(entry->key.framing == FRAMING_CONFLUENT ?
								"%s is not in the schema registry" :
								"%s is not in the catalog", what);
	else if ((writer = mesh_avro_parse_ext(definition, strlen(definition),
										   MESH_AVRO_LAX_DEFAULTS,
										   parse_err, sizeof(parse_err))) == NULL)
		entry->error = psprintf("the writer schema (%s) is invalid: %s", what, parse_err);
	else
	{
		if (target == &d->dbz_target)
		{
			MeshJson   *schema = mesh_json_parse(definition, strlen(definition), 0,
												 parse_err, sizeof(parse_err));

			entry->dbz = palloc0(sizeof(MeshDbzFields));
			if (schema == NULL ||
				!mesh_dbz_fields(schema, true, entry->dbz, parse_err, sizeof(parse_err)))
			{
				entry->error = psprintf("the writer schema (%s) cannot be read: %s", what, parse_err);
				MemoryContextSwitchTo(oldcxt);
				return;
			}
		}
		if (whole_datum)
			writer = wrap_in_record(writer);
		entry->program = mesh_avro_compile(writer, target, parse_err, sizeof(parse_err));
		if (entry->program == NULL)
			entry->error = psprintf("the writer schema (%s) cannot be read into this table: %s",
									what, parse_err);
	}
	MemoryContextSwitchTo(oldcxt);
}

/* Why a value's first bytes are no framing of the format. */
static void
framing_error(const uint8_t *data, size_t len, const char *format, const char *other,
			  char *errbuf, size_t errlen)
{
	if (len == 0)
		snprintf(errbuf, errlen, "empty %s message", format);
	else
		snprintf(errbuf, errlen,
				 "unknown framing byte 0x%02x (expected 0x00 for the Confluent wire format%s)",
				 data[0], other);
}

static MeshAvroProgram *
program_for(MeshDecoder *d, HTAB *programs, const MeshAvroTarget *target,
			bool whole_datum, const uint8_t *data, size_t len, size_t *header,
			char *errbuf, size_t errlen)
{
	ProgramKey	key;
	ProgramEntry *entry;
	bool		found;
	int			i;

	/* most messages name the same writer schema as the one before */
	if (programs == d->programs && d->last_header_len > 0 && len >= d->last_header_len &&
		memcmp(data, d->last_header, d->last_header_len) == 0)
	{
		*header = d->last_header_len;
		entry = d->last;
		goto found;
	}

	if (len >= 5 && data[0] == 0x00)
	{
		key.framing = FRAMING_CONFLUENT;
		key.id = ((uint32) data[1] << 24) | ((uint32) data[2] << 16) |
			((uint32) data[3] << 8) | (uint32) data[4];
		*header = 5;
	}
	else if (len >= 10 && data[0] == 0xC3 && data[1] == 0x01)
	{
		key.framing = FRAMING_SINGLE_OBJECT;
		key.id = 0;
		for (i = 7; i >= 0; i--)
			key.id = (key.id << 8) | data[2 + i];
		*header = 10;
	}
	else
	{
		framing_error(data, len, "Avro", " or C3 01 for Avro single-object encoding",
					  errbuf, errlen);
		return NULL;
	}

	entry = hash_search(programs, &key, HASH_ENTER, &found);
	if (!found)
		compile_entry(d, entry, target, whole_datum, data);
	if (programs == d->programs)
	{
		d->last = entry;
		memcpy(d->last_header, data, *header);
		d->last_header_len = *header;
	}

found:
	if (programs == d->dbz_programs)
		d->dbz_last = entry;
	if (entry->program == NULL)
		strlcpy(errbuf, entry->error, errlen);
	return entry->program;
}

/*
 * Compile a Protobuf entry: the registry's schema of its id, the message
 * its indexes name (which must be the table option "message"'s, if set).
 */
static void
pb_compile_entry(MeshDecoder *d, PbEntry *e)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(d->cxt);
	const char *definition = mesh_registry_schema_by_id(d->table->conn, e->id);
	char		err[256];
	MeshPbFile *file;
	int			m;

	if (definition == NULL)
		e->error = psprintf("schema id %d is not in the schema registry", e->id);
	else if ((file = mesh_pb_parse_registered(d->table->conn, e->id, definition,
											  err, sizeof(err))) == NULL)
		e->error = psprintf("the writer schema (schema id %d) is not a Protobuf schema mesh_fdw can read: %s",
							e->id, err);
	else if ((m = mesh_pb_message_by_indexes(file, e->indexes, e->nindexes)) < 0)
		e->error = psprintf("the message indexes of the framing name no message of schema id %d",
							e->id);
	else if (d->table->message != NULL &&
			 mesh_pb_message_by_name(file, d->table->message) != m)
		e->error = mesh_pb_message_by_name(file, d->table->message) < 0 ?
			psprintf("schema id %d has no message \"%s\" (table option message)",
					 e->id, d->table->message) :
			psprintf("the message is a %s, not a %s (table option message)",
					 file->messages[m].fullname, d->table->message);
	else if ((e->program = mesh_pb_compile(file, m, &d->target, err, sizeof(err))) == NULL)
		e->error = psprintf("the writer schema (schema id %d) cannot be read into this table: %s",
							e->id, err);
	MemoryContextSwitchTo(oldcxt);
}

/* The program for a Protobuf value's framing; *header its length. */
static MeshPbProgram *
pb_program_for(MeshDecoder *d, const uint8_t *data, size_t len, size_t *header,
			   char *errbuf, size_t errlen)
{
	int32		indexes[MESH_PB_MAX_INDEXES];
	int			nindexes;
	size_t		ilen;
	int			id;
	PbEntry    *e;

	if (len < 5 || data[0] != 0x00)
	{
		framing_error(data, len, "Protobuf", "", errbuf, errlen);
		return NULL;
	}
	id = (int) (((uint32) data[1] << 24) | ((uint32) data[2] << 16) |
				((uint32) data[3] << 8) | (uint32) data[4]);
	if (!mesh_pb_read_indexes(data + 5, len - 5, indexes, &nindexes, &ilen, errbuf, errlen))
		return NULL;
	*header = 5 + ilen;
	for (e = d->pb_entries; e != NULL; e = e->next)
		if (e->id == id && e->nindexes == nindexes &&
			memcmp(e->indexes, indexes, sizeof(int32) * nindexes) == 0)
			break;
	if (e == NULL)
	{
		e = MemoryContextAllocZero(d->cxt, sizeof(PbEntry));
		e->id = id;
		e->nindexes = nindexes;
		memcpy(e->indexes, indexes, sizeof(int32) * nindexes);
		pb_compile_entry(d, e);
		e->next = d->pb_entries;
		d->pb_entries = e;
	}
	if (e->program == NULL)
		strlcpy(errbuf, e->error, errlen);
	return e->program;
}

/*
 * Decode a framed Avro datum (data, len) with the program its framing
 * names, into values; false with reason when it cannot be.
 */
static bool
decode_framed(MeshDecoder *d, HTAB *programs, const MeshAvroTarget *target,
			  bool whole_datum, const char *data, size_t len, MeshAvroValue *values,
			  char *reason, size_t reasonlen)
{
	size_t		header;
	MeshAvroProgram *program = program_for(d, programs, target, whole_datum,
										   (const uint8_t *) data, len, &header,
										   reason, reasonlen);

	return program != NULL &&
		mesh_avro_decode(program, (const uint8_t *) data + header, len - header,
						 values, reason, reasonlen);
}

/* ------------------------------------------------------------------------
 * Messages
 * ------------------------------------------------------------------------
 */

/*
 * _headers as a jsonb object: a header whose value is UTF-8 text maps to
 * that text, one with other bytes to "\\x<hex>", one without a value to
 * null.  For a name given twice, the last one wins.
 */
Datum
mesh_headers_datum(const rd_kafka_message_t *msg, bool *isnull)
{
	rd_kafka_headers_t *hdrs = NULL;
	MeshBuf		buf;
	size_t		i;
	const char *name;
	const void *value;
	size_t		size;

	*isnull = false;
	mesh_buf_init(&buf);
	mesh_buf_append_char(&buf, '{');
	if (rd_kafka_message_headers(msg, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR)
	{
		for (i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) ==
			 RD_KAFKA_RESP_ERR_NO_ERROR; i++)
		{
			if (i > 0)
				mesh_buf_append_char(&buf, ',');
			mesh_buf_append_json_string(&buf, name, strlen(name));
			mesh_buf_append_char(&buf, ':');
			if (value == NULL)
				mesh_buf_append_str(&buf, "null");
			else if (pg_verify_mbstr(PG_UTF8, value, (int) size, true) &&
					 memchr(value, '\0', size) == NULL)
				mesh_buf_append_json_string(&buf, value, size);
			else
			{
				size_t		j;

				mesh_buf_append_str(&buf, "\"\\\\x");
				for (j = 0; j < size; j++)
				{
					char		hex[3];

					snprintf(hex, sizeof(hex), "%02x", ((const uint8 *) value)[j]);
					mesh_buf_append(&buf, hex, 2);
				}
				mesh_buf_append_char(&buf, '"');
			}
		}
	}
	mesh_buf_append_char(&buf, '}');
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/* Note a failed column: NULL it, keep the first reason. */
static void
column_failed(MeshColumn *col, bool *isnull, bool *bad, const char *reason,
			  char *errbuf, size_t errlen)
{
	*isnull = true;
	if (!*bad)
		snprintf(errbuf, errlen, "column \"%s\": %s", col->name, reason);
	*bad = true;
}

static void
decode_key(MeshDecoder *d, MeshColumn *col, const char *key, size_t keylen,
		   Datum *value, bool *isnull, bool *bad, char *errbuf, size_t errlen)
{
	char		reason[256];
	bool		ok = true;

	*isnull = false;
	if (key == NULL)
	{
		*isnull = true;
		return;
	}
	switch (d->table->key_format)
	{
		case MESH_FORMAT_TEXT:
			ok = mesh_convert_text(key, keylen, &col->type, value, reason, sizeof(reason));
			break;
		case MESH_FORMAT_BYTES:
		case MESH_FORMAT_PROTOBUF:	/* not a key format */
			if (col->type.typid == BYTEAOID)
				ok = mesh_convert_bytes(key, keylen, value, reason, sizeof(reason));
			else
				ok = mesh_convert_text(key, keylen, &col->type, value, reason, sizeof(reason));
			break;
		case MESH_FORMAT_JSON:
			{
				MeshJson   *json = mesh_json_parse(key, keylen, 0, reason, sizeof(reason));

				ok = json != NULL &&
					mesh_convert_json(json, &col->type, value, isnull, reason, sizeof(reason));
				break;
			}
		case MESH_FORMAT_AVRO:
			ok = decode_framed(d, d->key_programs, &d->key_target, true, key, keylen,
							   &d->key_value, reason, sizeof(reason)) &&
				mesh_convert_avro(&d->key_value, &col->type, value, isnull,
								  reason, sizeof(reason));
			break;
	}
	if (!ok)
		column_failed(col, isnull, bad, psprintf("key: %s", reason), errbuf, errlen);
}

/*
 * The JSON Schema a Confluent-framed JSON value names (data[1..4], the
 * registry id), fetched and compiled once per scan; NULL and reason when
 * there is none.
 */
static const MeshJsonSchema *
json_schema_for(MeshDecoder *d, const uint8_t *data, char *reason, size_t reasonlen)
{
	int			id = (int) (((uint32) data[1] << 24) | ((uint32) data[2] << 16) |
							((uint32) data[3] << 8) | (uint32) data[4]);
	JsonSchemaEntry *entry;
	bool		found;

	if (d->json_schemas == NULL)
	{
		HASHCTL		ctl = {.keysize = sizeof(int),.entrysize = sizeof(JsonSchemaEntry),
		.hcxt = d->cxt};

		MemoryContext old = MemoryContextSwitchTo(d->cxt);

		d->json_schemas = hash_create("mesh_fdw JSON Schemas", 8, &ctl,
									  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		d->json_patterns = mesh_json_patterns_create();
		MemoryContextSwitchTo(old);
	}
	entry = hash_search(d->json_schemas, &id, HASH_ENTER, &found);
	if (!found)
	{
		MemoryContext old = MemoryContextSwitchTo(d->cxt);
		const char *type = NULL;
		char	   *text = mesh_registry_schema_by_id_typed(d->table->conn, id, &type);
		char		errbuf[256];

		entry->schema = NULL;
		entry->error = NULL;
		if (text == NULL)
			entry->error = psprintf("schema id %d: %s", id,
									mesh_connection_options(d->table->conn)->schema_registry ?
									"not in the schema registry" :
									"the server has no schema_registry");
		else if (type == NULL || strcmp(type, "JSON") != 0)
			entry->error = psprintf("schema id %d is not a JSON Schema (schemaType %s)",
									id, type ? type : "AVRO");
		else if ((entry->schema = mesh_json_schema_compile(text, strlen(text),
														   errbuf, sizeof(errbuf))) == NULL)
			entry->error = psprintf("schema id %d: %s", id, errbuf);
		MemoryContextSwitchTo(old);
	}
	if (entry->schema == NULL)
		snprintf(reason, reasonlen, "%s", entry->error);
	return entry->schema;
}

/* The value's fields, by the value format. */
static void
decode_value(MeshDecoder *d, Datum *values, bool *nulls, const char *data,
			 size_t len, bool *bad, char *errbuf, size_t errlen)
{
	MeshTable  *table = d->table;
	char		reason[256];
	int			i;

	switch (table->value_format)
	{
		case MESH_FORMAT_AVRO:
		case MESH_FORMAT_PROTOBUF:
			{
				bool		ok;

				if (table->value_format == MESH_FORMAT_AVRO)
					ok = decode_framed(d, d->programs, &d->target, false, data, len,
									   d->avro_values, reason, sizeof(reason));
				else
				{
					size_t		header = 0;
					MeshPbProgram *program = pb_program_for(d, (const uint8_t *) data, len,
															&header, reason, sizeof(reason));

					/*
					 * in the per-row context: what the program keeps was
					 * allocated when it was compiled, in its own
					 */
					ok = program != NULL &&
						mesh_pb_decode(program, (const uint8_t *) data + header, len - header,
									   d->avro_values, reason, sizeof(reason));
				}
				if (!ok)
				{
					/* nothing of the value can be trusted */
					snprintf(errbuf, errlen, "%s", reason);
					*bad = true;
					return;
				}
				for (int k = 0; k < d->nvalue; k++)
				{
					MeshColumn *col = &table->columns[i = d->value_cols[k]];

					if (!mesh_convert_avro(&d->avro_values[col->slot], &col->type,
										   &values[i], &nulls[i], reason, sizeof(reason)))
						column_failed(col, &nulls[i], bad, reason, errbuf, errlen);
				}
				return;
			}
		case MESH_FORMAT_JSON:
			{
				const MeshJsonSchema *schema = NULL;
				MeshJson   *json;
				int			hint = 0;

				/*
				 * Confluent framing (00 + 4-byte id + JSON text): no JSON
				 * text starts with a 0 byte, so the two are told apart
				 */
				if (len >= 1 && data[0] == 0)
				{
					if (len < 5)
					{
						snprintf(errbuf, errlen, "a Confluent-framed value of %zu bytes is too short", len);
						*bad = true;
						return;
					}
					if ((schema = json_schema_for(d, (const uint8_t *) data, reason,
												  sizeof(reason))) == NULL)
					{
						snprintf(errbuf, errlen, "%s", reason);
						*bad = true;
						return;
					}
					data += 5;
					len -= 5;
				}
				json = mesh_json_parse(data, len, 0, reason, sizeof(reason));
				if (json == NULL || json->type != MJ_OBJECT)
				{
					snprintf(errbuf, errlen, "%s",
							 json == NULL ? psprintf("invalid JSON: %s", reason) :
							 "the JSON value is not an object");
					*bad = true;
					return;
				}
				if (schema != NULL && !mesh_json_schema_check(schema, json, d->json_patterns,
																	  reason, sizeof(reason)))
				{
					/* the value breaks its schema: none of it is trusted */
					snprintf(errbuf, errlen, "%s", reason);
					*bad = true;
					return;
				}
				for (int k = 0; k < d->nvalue; k++)
				{
					MeshColumn *col = &table->columns[i = d->value_cols[k]];
					MeshJson   *field;

					field = mesh_json_get_next(json, col->field, &hint);
					if (field == NULL)
						continue;	/* absent: NULL */
					if (!mesh_convert_json(field, &col->type, &values[i], &nulls[i],
										   reason, sizeof(reason)))
						column_failed(col, &nulls[i], bad, reason, errbuf, errlen);
				}
				return;
			}
		case MESH_FORMAT_TEXT:
		case MESH_FORMAT_BYTES:
			for (int k = 0; k < d->nvalue; k++)
			{
				MeshColumn *col = &table->columns[i = d->value_cols[k]];
				bool		ok;

				nulls[i] = false;
				if (table->value_format == MESH_FORMAT_BYTES && col->type.typid == BYTEAOID)
					ok = mesh_convert_bytes(data, len, &values[i], reason, sizeof(reason));
				else
					ok = mesh_convert_text(data, len, &col->type, &values[i],
										   reason, sizeof(reason));
				if (!ok)
					column_failed(col, &nulls[i], bad, reason, errbuf, errlen);
			}
			return;
	}
}

/* ------------------------------------------------------------------------
 * Debezium change events (envelope 'debezium')
 * ------------------------------------------------------------------------
 */

/*
 * A change event's envelope (before, after, op, source, ts_ms) as JSON,
 * with the encodings of after's fields in *fields: an Avro value decoded
 * whole, or a JSON object, with Kafka Connect's embedded schema
 * ({"schema": ..., "payload": ...}) or without.  NULL with errbuf when the
 * value is not one; a payload of null gives a JSON null (a tombstone).
 */
static MeshJson *
dbz_envelope(MeshDecoder *d, const char *data, size_t len,
			 const MeshDbzFields **fields, char *errbuf, size_t errlen)
{
	char		reason[256];
	MeshJson   *json;

	*fields = NULL;
	if (d->table->value_format == MESH_FORMAT_AVRO)
	{
		if (!decode_framed(d, d->dbz_programs, &d->dbz_target, true, data, len,
						   &d->dbz_value, reason, sizeof(reason)))
		{
			snprintf(errbuf, errlen, "%s", reason);
			return NULL;
		}
		*fields = d->dbz_last->dbz;
		json = mesh_json_parse(d->dbz_value.data, d->dbz_value.len, 0, reason, sizeof(reason));
	}
	else
	{
		json = mesh_json_parse(data, len, 0, reason, sizeof(reason));
		if (json != NULL && json->type == MJ_OBJECT && json->count == 2 &&
			mesh_json_get(json, "schema") != NULL && mesh_json_get(json, "payload") != NULL)
		{
			MeshJson   *schema = mesh_json_get(json, "schema");
			MeshDbzFields *f = palloc0(sizeof(MeshDbzFields));

			if (schema->type == MJ_OBJECT &&
				!mesh_dbz_fields(schema, false, f, reason, sizeof(reason)))
			{
				snprintf(errbuf, errlen, "%s", reason);
				return NULL;
			}
			*fields = f;
			json = mesh_json_get(json, "payload");
		}
	}
	if (json == NULL)
		snprintf(errbuf, errlen, "invalid JSON: %s", reason);
	else if (json->type != MJ_OBJECT && json->type != MJ_NULL)
	{
		snprintf(errbuf, errlen, "the change event is not an object");
		return NULL;
	}
	else if (json->type == MJ_OBJECT &&
			 (mesh_json_get(json, "op") == NULL || mesh_json_get(json, "op")->type != MJ_STRING))
	{
		snprintf(errbuf, errlen, "the value is not a Debezium change event: it has no \"op\"");
		return NULL;
	}
	else if (json->type == MJ_OBJECT &&
			 (strlen(mesh_json_get_string(json, "op")) != 1 ||
			  strchr("cudrtm", mesh_json_get_string(json, "op")[0]) == NULL))
	{
		snprintf(errbuf, errlen, "unknown Debezium operation \"%s\" (expected c, u, d, r, t or m)",
				 mesh_json_get_string(json, "op"));
		return NULL;
	}
	return json;
}

/*
 * The operation of a change event (c, u, d, r, t, m), for table mode: 'd'
 * also for a null payload, 0 when the value cannot be read (the scan
 * reports it when the row is read).
 */
char
mesh_decode_debezium_op(MeshDecoder *d, const char *data, size_t len)
{
	char		errbuf[256];
	const MeshDbzFields *fields;
	MeshJson   *env = dbz_envelope(d, data, len, &fields, errbuf, sizeof(errbuf));

	if (env == NULL)
		return 0;
	if (env->type == MJ_NULL)
		return 'd';
	return mesh_json_get_string(env, "op")[0];
}

/* A JSON value into a column, or NULL for absent and null values. */
static void
dbz_json_column(MeshColumn *col, const MeshJson *v, bool as_json,
				const MeshDbzField *field, Datum *value, bool *isnull,
				bool *bad, char *errbuf, size_t errlen)
{
	char		reason[256];
	MeshBuf		buf;
	int			r = -1;

	if (v == NULL || v->type == MJ_NULL)
		return;
	mesh_buf_init(&buf);
	if (as_json)
		mesh_json_write(&buf, v);
	else
		r = mesh_dbz_value_text(v, field, &buf, reason, sizeof(reason));
	*isnull = false;
	if (r == 0 ||
		(r < 0 && !as_json && !mesh_convert_json(v, &col->type, value, isnull, reason, sizeof(reason))) ||
		((r > 0 || as_json) && !mesh_convert_text(buf.data, buf.len, &col->type, value,
												  reason, sizeof(reason))))
		column_failed(col, isnull, bad, reason, errbuf, errlen);
}

/*
 * The columns of a change event: after's fields (before's for a delete),
 * and _op, _before, _source, _ts_ms.
 */
static void
decode_debezium(MeshDecoder *d, Datum *values, bool *nulls, const char *data,
				size_t len, bool *bad, char *errbuf, size_t errlen)
{
	MeshTable  *table = d->table;
	const MeshDbzFields *fields;
	MeshJson   *env = dbz_envelope(d, data, len, &fields, errbuf, errlen);
	const char *op;
	MeshJson   *row;
	int			i;

	if (env == NULL)
	{
		*bad = true;
		return;
	}
	if (env->type == MJ_NULL)
		return;					/* a tombstone with a schema */
	op = mesh_json_get_string(env, "op");
	row = mesh_json_get(env, strcmp(op, "d") == 0 ? "before" : "after");
	for (int k = 0; k < d->nvalue; k++)
	{
		MeshColumn *col = &table->columns[i = d->value_cols[k]];

		if (col->kind >= MESH_COLUMN_OP)
		{
			/* _op, _before, _source, _ts_ms: members of the envelope */
			static const char *const members[] = {"op", "before", "source", "ts_ms"};

			dbz_json_column(col, mesh_json_get(env, members[col->kind - MESH_COLUMN_OP]),
							col->kind == MESH_COLUMN_BEFORE || col->kind == MESH_COLUMN_SOURCE,
							NULL, &values[i], &nulls[i], bad, errbuf, errlen);
		}
		else
			dbz_json_column(col, mesh_json_get(row, col->field), false,
							fields ? mesh_dbz_field(fields, col->field) : NULL,
							&values[i], &nulls[i], bad, errbuf, errlen);
	}
}

/*
 * _error: the reason as text in the database's encoding.  Reasons quote
 * what they show of a message, but may have been cut mid-character: what
 * is not valid UTF-8 becomes '?'.
 */
static Datum
reason_datum(const char *reason)
{
	size_t		len = strlen(reason);
	char	   *clean = palloc(len + 16);

	clean[0] = '\0';
	mesh_text_sanitize(clean, len + 16, reason, len, len);
	return CStringGetTextDatum(pg_any_to_server(clean, strlen(clean), PG_UTF8));
}

bool
mesh_decode_parts(MeshDecoder *d, int32 partition, int64 offset,
				  int64 timestamp_ms, const char *key, size_t keylen,
				  const char *value, size_t len, bool tombstone,
				  Datum headers, bool headers_null,
				  Datum *values, bool *nulls, char *errbuf, size_t errlen)
{
	MeshTable  *table = d->table;
	bool		bad = false;
	int			i;

	memset(nulls, true, sizeof(bool) * table->natts);
	for (int k = 0; k < d->nmetadata; k++)
	{
		MeshColumn *col = &table->columns[i = d->metadata_cols[k]];

		switch (col->kind)
		{
			case MESH_COLUMN_PARTITION:
				nulls[i] = false;
				values[i] = col->type.typid == INT8OID ? Int64GetDatum(partition) :
					col->type.typid == INT2OID ? Int16GetDatum(partition) :
					Int32GetDatum(partition);
				break;
			case MESH_COLUMN_OFFSET:
				nulls[i] = false;
				values[i] = col->type.typid == INT4OID ? Int32GetDatum((int32) offset) :
					Int64GetDatum(offset);
				break;
			case MESH_COLUMN_TIMESTAMP:
				if (timestamp_ms >= 0)
				{
					nulls[i] = false;
					values[i] = TimestampTzGetDatum(mesh_kafka_timestamp(timestamp_ms));
				}
				break;
			case MESH_COLUMN_HEADERS:
				nulls[i] = headers_null;
				values[i] = headers;
				break;
			case MESH_COLUMN_KEY:
				decode_key(d, col, key, keylen, &values[i], &nulls[i], &bad, errbuf, errlen);
				break;
			case MESH_COLUMN_RAW:
				if (!tombstone)
				{
					char		reason[256];

					nulls[i] = false;
					if (!mesh_convert_bytes(value, len, &values[i], reason, sizeof(reason)))
						column_failed(col, &nulls[i], &bad, reason, errbuf, errlen);
				}
				break;
			default:
				break;		/* _error: below, once the message is judged */
		}
	}
	if (!tombstone && table->debezium)
		decode_debezium(d, values, nulls, value, len, &bad, errbuf, errlen);
	else if (!tombstone)
		decode_value(d, values, nulls, value, len, &bad, errbuf, errlen);
	if (bad && d->error_col >= 0)
	{
		nulls[d->error_col] = false;
		values[d->error_col] = reason_datum(errbuf);
	}
	return !bad;
}

bool
mesh_decode_message(MeshDecoder *d, const rd_kafka_message_t *msg,
					Datum *values, bool *nulls, char *errbuf, size_t errlen)
{
	Datum		headers = (Datum) 0;
	bool		headers_null = true;

	/*
	 * The hot path of a scan: an Avro value, no metadata column wanted,
	 * the same writer schema as the message before.  Everything else goes
	 * the general way below.
	 */
	if (d->nmetadata == 0 && d->last != NULL && d->last->program != NULL &&
		msg->payload != NULL && msg->len >= d->last_header_len &&
		d->table->value_format == MESH_FORMAT_AVRO && !d->table->debezium &&
		memcmp(msg->payload, d->last_header, d->last_header_len) == 0)
	{
		char		reason[256];
		bool		bad = false;
		int			k;

		memset(nulls, true, sizeof(bool) * d->table->natts);
		if (!mesh_avro_decode(d->last->program,
							  (const uint8_t *) msg->payload + d->last_header_len,
							  msg->len - d->last_header_len, d->avro_values,
							  errbuf, errlen))
			return false;
		for (k = 0; k < d->nvalue; k++)
		{
			int			i = d->value_cols[k];
			MeshColumn *col = &d->table->columns[i];

			if (!mesh_convert_avro(&d->avro_values[col->slot], &col->type,
								   &values[i], &nulls[i], reason, sizeof(reason)))
				column_failed(col, &nulls[i], &bad, reason, errbuf, errlen);
		}
		return !bad;
	}

	if (d->needs_headers)
		headers = mesh_headers_datum(msg, &headers_null);

	return mesh_decode_parts(d, msg->partition, msg->offset,
							 d->needs_timestamp ? rd_kafka_message_timestamp(msg, NULL) : -1,
							 msg->key, msg->key_len, msg->payload, msg->len,
							 msg->payload == NULL, headers, headers_null,
							 values, nulls, errbuf, errlen);
}
