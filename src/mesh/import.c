/*-------------------------------------------------------------------------
 *
 * import.c
 *		  IMPORT FOREIGN SCHEMA <domain>: one foreign table per data product
 *		  of the domain.  (The check of foreign table definitions that an
 *		  event trigger runs is in src/fdw/table_check.c.)
 *
 * Everything that comes from Kafka and goes into generated SQL (product,
 * field and server names) is quoted, so no name can inject SQL.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/import.h"

#include "core/avro_decode.h"
#include "core/avro_schema.h"
#include "core/core.h"
#include "core/debezium.h"
#include "core/json.h"
#include "core/json_schema.h"
#include "kafka/client.h"
#include "kafka/registry.h"
#include "mesh/catalog.h"
#include "mesh/product.h"
#include "mesh/protobuf_refs.h"
#include "mesh/type_map.h"

#include "access/table.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "foreign/fdwapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

/* The _key column's type for a key format. */
static const char *
key_type(const char *key_format)
{
	if (strcmp(key_format, "bytes") == 0)
		return "bytea";
	if (strcmp(key_format, "json") == 0 || strcmp(key_format, "avro") == 0)
		return "jsonb";
	return "text";
}

static bool
wanted(ImportForeignSchemaStmt *stmt, const char *name)
{
	ListCell   *lc;
	bool		listed = false;

	if (stmt->list_type == FDW_IMPORT_SCHEMA_ALL)
		return true;
	foreach(lc, stmt->table_list)
		if (strcmp(((RangeVar *) lfirst(lc))->relname, name) == 0)
			listed = true;
	return stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO ? listed : !listed;
}

/*
 * The SQL literal of a field's Avro default, for the column's DEFAULT, so
 * that an INSERT that leaves the column out writes the default; NULL when
 * there is none (or null) or it has no simple literal.
 */
static char *
default_literal(const MeshAvroType *type, const MeshJson *json)
{
	const MeshAvroType *t = type;
	MeshBuf		buf;

	if (json == NULL || json->type == MJ_NULL)
		return NULL;
	/* a union's default is for its first branch */
	if (t->kind == AVRO_UNION)
		t = t->branches[0];
	if (t->logical != AVRO_LT_NONE && t->logical != AVRO_LT_UUID &&
		t->logical != AVRO_LT_DATE && t->logical != AVRO_LT_TIMESTAMP_MILLIS &&
		t->logical != AVRO_LT_TIMESTAMP_MICROS)
		return NULL;
	switch (t->kind)
	{
		case AVRO_BOOLEAN:
			return json->type == MJ_BOOL ? pstrdup(json->boolean ? "true" : "false") : NULL;
		case AVRO_INT:
		case AVRO_LONG:
			if (json->type != MJ_NUMBER || !json->is_integer)
				return NULL;
			if (t->logical == AVRO_LT_DATE)
				return psprintf("(date '1970-01-01' + %lld)", (long long) json->integer);
			if (t->logical == AVRO_LT_TIMESTAMP_MILLIS)
				return psprintf("(timestamptz 'epoch' + %lld * interval '1 millisecond')",
								(long long) json->integer);
			if (t->logical == AVRO_LT_TIMESTAMP_MICROS)
				return psprintf("(timestamptz 'epoch' + %lld * interval '1 microsecond')",
								(long long) json->integer);
			return psprintf("%lld", (long long) json->integer);
		case AVRO_FLOAT:
		case AVRO_DOUBLE:
			return json->type == MJ_NUMBER ? quote_literal_cstr(json->number) : NULL;
		case AVRO_STRING:
		case AVRO_ENUM:
			return json->type == MJ_STRING ? quote_literal_cstr(json->string) : NULL;
		case AVRO_RECORD:
		case AVRO_MAP:
			mesh_buf_init(&buf);
			mesh_json_write(&buf, json);
			return psprintf("%s::jsonb", quote_literal_cstr(buf.data));
		default:
			return NULL;
	}
}

/* Column names cannot be longer than NAMEDATALEN-1 bytes. */
static char *
column_name(const char *field)
{
	if (strlen(field) < NAMEDATALEN)
		return pstrdup(field);
	return pnstrdup(field, pg_mbcliplen(field, strlen(field), NAMEDATALEN - 1));
}

/*
 * envelope 'debezium': the change events' `after` record (its columns),
 * and in *dbz the encodings of its fields, from the schema's definition.
 * A schema that is not that of a change event is an ERROR.
 */
static MeshAvroType *
debezium_after(MeshProduct *product, const char *definition, MeshAvroType *envelope,
			   MeshDbzFields *dbz)
{
	char		errbuf[256];
	MeshJson   *json = mesh_json_parse(definition, strlen(definition), 0, errbuf, sizeof(errbuf));
	int			i;

	if (json != NULL && mesh_dbz_fields(json, true, dbz, errbuf, sizeof(errbuf)))
		for (i = 0; i < envelope->nfields; i++)
			if (strcmp(envelope->fields[i].name, "after") == 0)
			{
				MeshAvroType *after = (MeshAvroType *) mesh_avro_nonnull_branch(envelope->fields[i].type);

				if (after->kind == AVRO_RECORD)
					return after;
			}
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
			 errmsg("data product \"%s\" has envelope 'debezium', but its schema is not that of a change event",
					product->qualified_name),
			 errdetail("%s", json ? errbuf : "The schema is not JSON.")));
	return NULL;
}

/*
 * A JSON product's JSON Schema: the record's copy (key "json_schema"),
 * else (records published before mesh_fdw copied it) the latest version of
 * the registry's subject <topic>-value when it is a JSON Schema; NULL
 * when there is none, or its schema has no properties.
 */
static MeshJsonSchema *
json_product_schema(MeshConnection *conn, MeshProduct *product)
{
	MeshRegistrySchema reg;
	MeshJsonSchema *schema;
	char		errbuf[256];

	if (strcmp(product->value_format, "json") != 0)
		return NULL;
	if (product->json_schema)
	{
		reg.schema = product->json_schema;
		reg.subject = product->json_schema_subject;
	}
	else if (mesh_connection_options(conn)->schema_registry == NULL ||
			 !mesh_registry_latest(conn, psprintf("%s-value", product->topic), &reg) ||
			 strcmp(reg.schema_type, "JSON") != 0)
		return NULL;
	schema = mesh_json_schema_compile(reg.schema, strlen(reg.schema), errbuf, sizeof(errbuf));
	if (schema == NULL)
		ereport(WARNING,
				(errmsg("data product \"%s\": subject \"%s\" has no usable JSON Schema; its table gets no value columns",
						product->qualified_name, reg.subject),
				 errdetail_internal("%s", errbuf)));
	return schema;
}

/* The CREATE FOREIGN TABLE statement of one product. */
static char *
table_ddl(ForeignServer *server, MeshConnection *conn, MeshProduct *product)
{
	StringInfoData buf;
	MeshProductSchema *schema = mesh_product_current_schema(product);
	MeshAvroType *record = NULL;
	MeshPbFile *pb;
	char		errbuf[256];
	MeshDbzFields dbz = {0};
	bool		debezium = product->envelope && strcmp(product->envelope, "debezium") == 0;
	MeshJsonSchema *json_schema = NULL;
	List	   *names = NIL;
	static const char *const metadata[][2] = {
		{"_partition", "integer"}, {"_offset", "bigint"},
		{"_timestamp", "timestamptz"}, {"_key", NULL}
	};
	int			i;

	if (schema)
	{
		record = mesh_avro_parse_ext(schema->definition, strlen(schema->definition),
									 MESH_AVRO_LAX_DEFAULTS, errbuf, sizeof(errbuf));
		if (record && record->kind != AVRO_RECORD)
			record = NULL;
		if (record && debezium)
			record = debezium_after(product, schema->definition, record, &dbz);
	}
	else
		json_schema = json_product_schema(conn, product);

	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE FOREIGN TABLE %s (", quote_identifier(product->name));
	if (strcmp(product->value_format, "text") == 0 || strcmp(product->value_format, "bytes") == 0)
	{
		appendStringInfo(&buf, "\n  value %s",
						 strcmp(product->value_format, "text") == 0 ? "text" : "bytea");
		names = lappend(names, "value");
	}
	else if (product->protobuf_schema &&
			 (pb = mesh_pb_parse_references(product->protobuf_schema,
											 product->protobuf_references,
											 errbuf, sizeof(errbuf))) != NULL)
	{
		/* the first message, as the framing's index 0 names it */
		const MeshPbMessage *msg = &pb->messages[pb->top[0]];

		for (i = 0; i < msg->nfields; i++)
		{
			const MeshPbField *f = &msg->fields[i];
			char	   *name = column_name(f->name);
			const char *zero;

			appendStringInfo(&buf, "%s\n  %s %s", names ? "," : "",
							 quote_identifier(name), mesh_pb_pg_type(pb, f));
			if (strcmp(name, f->name) != 0 ||
				mesh_metadata_column_kind(name) != MESH_COLUMN_FIELD)
				appendStringInfo(&buf, " OPTIONS (field %s)", quote_literal_cstr(f->name));
			if ((zero = mesh_pb_zero_literal(pb, f)) != NULL)
				appendStringInfo(&buf, " DEFAULT %s", zero);
			names = lappend(names, name);
		}
	}
	else if (record)
	{
		for (i = 0; i < record->nfields; i++)
		{
			MeshAvroField *f = &record->fields[i];
			bool		nullable;
			char	   *dflt;
			char	   *name = column_name(f->name);

			const MeshDbzField *encoded = mesh_dbz_field(&dbz, f->name);

			appendStringInfo(&buf, "%s\n  %s %s", names ? "," : "",
							 quote_identifier(name),
							 encoded ? mesh_dbz_pg_type(encoded->encoding) :
							 mesh_avro_pg_type(f->type, &nullable));
			/* say so where the name alone would not: truncated, or a metadata name */
			if (strcmp(name, f->name) != 0 ||
				mesh_metadata_column_kind(name) != MESH_COLUMN_FIELD)
				appendStringInfo(&buf, " OPTIONS (field %s)", quote_literal_cstr(f->name));
			if (!encoded && (dflt = default_literal(f->type, f->default_value)) != NULL)
				appendStringInfo(&buf, " DEFAULT %s", dflt);
			names = lappend(names, name);
		}
	}
	else if (json_schema)
	{
		for (i = 0; i < json_schema->nproperties; i++)
		{
			const char *field = json_schema->names[i];
			char	   *name = column_name(field);

			appendStringInfo(&buf, "%s\n  %s %s", names ? "," : "",
							 quote_identifier(name),
							 mesh_json_schema_pg_type(json_schema->properties[i]));
			if (strcmp(name, field) != 0 ||
				mesh_metadata_column_kind(name) != MESH_COLUMN_FIELD)
				appendStringInfo(&buf, " OPTIONS (field %s)", quote_literal_cstr(field));
			names = lappend(names, name);
		}
	}
	for (i = 0; i < (int) lengthof(metadata); i++)
	{
		const char *name = metadata[i][0];
		ListCell   *lc;
		bool		taken = false;

		/* a field of that name wins */
		foreach(lc, names)
			if (strcmp(lfirst(lc), name) == 0)
				taken = true;
		if (taken)
			continue;
		appendStringInfo(&buf, "%s\n  %s %s", names ? "," : "", name,
						 metadata[i][1] ? metadata[i][1] : key_type(product->key_format));
		names = lappend(names, (char *) name);
	}
	if (debezium)
		appendStringInfoString(&buf, ",\n  _op text,\n  _ts_ms bigint");
	appendStringInfo(&buf, "\n) SERVER %s OPTIONS (product %s)",
					 quote_identifier(server->servername),
					 quote_literal_cstr(product->qualified_name));
	return buf.data;
}

/*
 * ImportForeignSchema: the remote schema is a domain; return one CREATE
 * FOREIGN TABLE per product of that domain (LIMIT TO / EXCEPT name
 * products).  PostgreSQL runs them in the local schema.
 */
List *
mesh_import_foreign_schema(ImportForeignSchemaStmt *stmt, Oid serverOid)
{
	ForeignServer *server = GetForeignServer(serverOid);
	MeshConnection *conn = mesh_connection_for(server);
	MeshCatalog *catalog = mesh_catalog_get(conn, ERROR);
	List	   *commands = NIL;
	ListCell   *lc;
	bool		domain_exists = false;

	foreach(lc, mesh_catalog_products(catalog))
	{
		MeshProduct *product = lfirst(lc);

		if (strcmp(product->domain, stmt->remote_schema) != 0)
			continue;
		domain_exists = true;
		if (wanted(stmt, product->name))
			commands = lappend(commands, table_ddl(server, conn, product));
	}
	if (!domain_exists)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_SCHEMA_NOT_FOUND),
				 errmsg("domain \"%s\" has no data products on server \"%s\"",
						stmt->remote_schema, server->servername),
				 errhint("See mesh.domains for the domains there are.")));
	return commands;
}

