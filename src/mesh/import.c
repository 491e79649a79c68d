/*-------------------------------------------------------------------------
 *
 * import.c
 *		  IMPORT FOREIGN SCHEMA <domain>: one foreign table per data product
 *		  of the domain; and the check of foreign table definitions that an
 *		  event trigger runs after CREATE/ALTER FOREIGN TABLE.
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
#include "core/json.h"
#include "fdw/table.h"
#include "kafka/client.h"
#include "mesh/catalog.h"
#include "mesh/product.h"
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

/* The CREATE FOREIGN TABLE statement of one product. */
static char *
table_ddl(ForeignServer *server, MeshProduct *product)
{
	StringInfoData buf;
	MeshProductSchema *schema = mesh_product_current_schema(product);
	MeshAvroType *record = NULL;
	List	   *names = NIL;
	static const char *const metadata[][2] = {
		{"_partition", "integer"}, {"_offset", "bigint"},
		{"_timestamp", "timestamptz"}, {"_key", NULL}
	};
	int			i;

	if (schema)
	{
		char		errbuf[256];

		record = mesh_avro_parse_ext(schema->definition, strlen(schema->definition),
									 MESH_AVRO_LAX_DEFAULTS, errbuf, sizeof(errbuf));
		if (record && record->kind != AVRO_RECORD)
			record = NULL;
	}

	initStringInfo(&buf);
	appendStringInfo(&buf, "CREATE FOREIGN TABLE %s (", quote_identifier(product->name));
	if (strcmp(product->value_format, "text") == 0 || strcmp(product->value_format, "bytes") == 0)
	{
		appendStringInfo(&buf, "\n  value %s",
						 strcmp(product->value_format, "text") == 0 ? "text" : "bytea");
		names = lappend(names, "value");
	}
	else if (record)
	{
		for (i = 0; i < record->nfields; i++)
		{
			MeshAvroField *f = &record->fields[i];
			bool		nullable;
			char	   *dflt;
			char	   *name = column_name(f->name);

			appendStringInfo(&buf, "%s\n  %s %s", names ? "," : "",
							 quote_identifier(name), mesh_avro_pg_type(f->type, &nullable));
			/* say so where the name alone would not: truncated, or a metadata name */
			if (strcmp(name, f->name) != 0 ||
				mesh_metadata_column_kind(name) != MESH_COLUMN_FIELD)
				appendStringInfo(&buf, " OPTIONS (field %s)", quote_literal_cstr(f->name));
			if ((dflt = default_literal(f->type, f->default_value)) != NULL)
				appendStringInfo(&buf, " DEFAULT %s", dflt);
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
			commands = lappend(commands, table_ddl(server, product));
	}
	if (!domain_exists)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_SCHEMA_NOT_FOUND),
				 errmsg("domain \"%s\" has no data products on server \"%s\"",
						stmt->remote_schema, server->servername),
				 errhint("See mesh.domains for the domains there are.")));
	return commands;
}

/* ------------------------------------------------------------------------
 * Checking a foreign table's definition
 * ------------------------------------------------------------------------
 */

static bool
is_one_of(Oid typid, const Oid *types, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		if (types[i] == typid)
			return true;
	return false;
}

/*
 * Can a column of type typid hold values of Avro type field (as mapped by
 * design.md, or by a widening that loses nothing)?
 */
static bool
column_fits_field(Oid typid, const MeshAvroType *field)
{
	const MeshAvroType *t = mesh_avro_nonnull_branch(field);
	static const Oid anything[] = {TEXTOID, VARCHAROID, BPCHAROID, JSONBOID, JSONOID};

	if (is_one_of(typid, anything, lengthof(anything)))
		return true;
	switch (t->logical)
	{
		case AVRO_LT_DATE:
			return typid == DATEOID || typid == TIMESTAMPOID || typid == TIMESTAMPTZOID;
		case AVRO_LT_TIME_MILLIS:
		case AVRO_LT_TIME_MICROS:
			return typid == TIMEOID;
		case AVRO_LT_TIMESTAMP_MILLIS:
		case AVRO_LT_TIMESTAMP_MICROS:
		case AVRO_LT_LOCAL_TIMESTAMP_MILLIS:
		case AVRO_LT_LOCAL_TIMESTAMP_MICROS:
			return typid == TIMESTAMPTZOID || typid == TIMESTAMPOID;
		case AVRO_LT_DECIMAL:
			return typid == NUMERICOID || typid == FLOAT8OID;
		case AVRO_LT_UUID:
			return typid == UUIDOID;
		default:
			break;
	}
	switch (t->kind)
	{
		case AVRO_BOOLEAN:
			return typid == BOOLOID;
		case AVRO_INT:
			return typid == INT4OID || typid == INT8OID || typid == NUMERICOID ||
				typid == FLOAT8OID || typid == FLOAT4OID;
		case AVRO_LONG:
			return typid == INT8OID || typid == NUMERICOID || typid == FLOAT8OID;
		case AVRO_FLOAT:
			return typid == FLOAT4OID || typid == FLOAT8OID || typid == NUMERICOID;
		case AVRO_DOUBLE:
			return typid == FLOAT8OID || typid == NUMERICOID;
		case AVRO_STRING:
		case AVRO_ENUM:
			/* converted by the column type's input rules */
			return true;
		case AVRO_BYTES:
		case AVRO_FIXED:
			return typid == BYTEAOID;
		case AVRO_ARRAY:
			{
				bool		nullable;
				char	   *mapped = mesh_avro_pg_type(t, &nullable);

				return strcmp(mapped, "jsonb") != 0 &&
					strcmp(format_type_be(typid), psprintf("%s[]", mesh_avro_pg_type(t->items, &nullable))) == 0;
			}
		default:
			return false;
	}
}

/*
 * Check the definition of foreign table relid when it is created or
 * altered: its product exists, each column's type fits its field (or its
 * metadata), and on_error 'skip' and 'null' have only columns mesh_fdw
 * converts without throwing.  When the catalog cannot be read, a WARNING
 * says the product was not checked.
 */
static void
check_foreign_table(Oid relid)
{
	ForeignTable *ft = GetForeignTable(relid);
	ForeignServer *server = GetForeignServer(ft->serverid);
	ForeignDataWrapper *fdw = GetForeignDataWrapper(server->fdwid);
	MeshTable  *table;
	int			value_columns = 0;
	int			i;

	if (strcmp(fdw->fdwname, "mesh_fdw") != 0)
		return;
	table = mesh_table_load(relid, WARNING);
	if (table == NULL)
	{
		/* the product could not be checked; the table stays */
		ereport(WARNING,
				(errmsg("the definition of foreign table \"%s\" was not checked against its data product",
						get_rel_name(relid))));
		return;
	}

	for (i = 0; i < table->natts; i++)
	{
		MeshColumn *col = &table->columns[i];
		Oid			typid = col->type.typid;

		if (col->kind == MESH_COLUMN_DROPPED)
			continue;
		if (table->on_error != MESH_ON_ERROR_ERROR && !col->type.checked)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("column \"%s\" of foreign table \"%s\" has type %s, which on_error '%s' cannot convert without errors",
							col->name, table->relname, format_type_be(typid),
							table->on_error == MESH_ON_ERROR_SKIP ? "skip" : "null"),
					 errhint("Use a built-in type (integers, floats, numeric, boolean, text, date, time, timestamps, uuid, bytea, jsonb) or on_error 'error'.")));
		switch (col->kind)
		{
			case MESH_COLUMN_PARTITION:
				if (typid != INT4OID && typid != INT8OID && typid != INT2OID)
					goto bad_metadata;
				break;
			case MESH_COLUMN_OFFSET:
				if (typid != INT8OID)
					goto bad_metadata;
				break;
			case MESH_COLUMN_TIMESTAMP:
				if (typid != TIMESTAMPTZOID)
					goto bad_metadata;
				break;
			case MESH_COLUMN_HEADERS:
				if (typid != JSONBOID)
					goto bad_metadata;
				break;
			case MESH_COLUMN_KEY:
				if ((table->key_format == MESH_FORMAT_JSON || table->key_format == MESH_FORMAT_AVRO) &&
					typid != JSONBOID && typid != JSONOID && typid != TEXTOID)
					goto bad_metadata;
				break;
			case MESH_COLUMN_VALUE:
				if (++value_columns > 1)
					ereport(ERROR,
							(errcode(ERRCODE_FDW_INVALID_COLUMN_NAME),
							 errmsg("foreign table \"%s\" reads whole %s messages into one column, but has several",
									table->relname,
									table->value_format == MESH_FORMAT_TEXT ? "text" : "bytes"),
							 errdetail("Column \"%s\" is the second one that is not a metadata column.",
									   col->name)));
				break;
			case MESH_COLUMN_FIELD:
				if (table->value_format == MESH_FORMAT_AVRO && table->reader_schema != NULL)
				{
					MeshAvroSlot *slot = &table->target.slots[col->slot];

					if (slot->reader_type == NULL)
						ereport(ERROR,
								(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
								 errmsg("column \"%s\" of foreign table \"%s\" names no field of %s",
										col->name, table->relname, mesh_table_describe(table)),
								 errhint("Name the field with the column option \"field\", or see mesh.data_product_fields.")));
					if (!column_fits_field(typid, slot->reader_type))
					{
						bool		nullable;

						ereport(ERROR,
								(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
								 errmsg("column \"%s\" of foreign table \"%s\" has type %s, which cannot hold field \"%s\"",
										col->name, table->relname, format_type_be(typid), col->field),
								 errdetail("The field is Avro %s, which maps to %s.",
										   mesh_avro_type_label(slot->reader_type),
										   mesh_avro_pg_type(slot->reader_type, &nullable))));
					}
				}
				break;
			default:
				break;
		}
		continue;

bad_metadata:
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("metadata column \"%s\" of foreign table \"%s\" cannot have type %s",
						col->name, table->relname, format_type_be(typid)),
				 errhint("_partition is integer, _offset bigint, _timestamp timestamptz, _headers jsonb, and _key text, bytea or jsonb by key_format.")));
	}
}

/*
 * mesh.check_foreign_table(oid), run by the extension's event trigger at
 * the end of CREATE/ALTER FOREIGN TABLE and IMPORT FOREIGN SCHEMA.
 */
PG_FUNCTION_INFO_V1(mesh_check_foreign_table);
Datum
mesh_check_foreign_table(PG_FUNCTION_ARGS)
{
	check_foreign_table(PG_GETARG_OID(0));
	PG_RETURN_VOID();
}
