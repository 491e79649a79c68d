/*-------------------------------------------------------------------------
 *
 * table_check.c
 *		  Checking a foreign table's definition against its data product
 *		  when it is created or altered (an event trigger).
 *
 * Each column must fit its field (bigint for an Avro int is fine, date for
 * a boolean is not), a column named like no field is refused, metadata
 * columns have their types, text and bytes tables have one value column,
 * and on_error 'skip' and 'null' tables only built-in types, so that a
 * query never meets a definition it cannot read.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fdw/table.h"
#include "pg_compat.h"

#include "access/table.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "fmgr.h"
#include "mesh/protobuf_refs.h"
#include "mesh/type_map.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

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
 * README's type table, or by a widening that loses nothing)?
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

/* The one type a metadata column of a fixed type has. */
static Oid
metadata_type(MeshColumnKind kind)
{
	switch (kind)
	{
		case MESH_COLUMN_OFFSET:
			return INT8OID;
		case MESH_COLUMN_TIMESTAMP:
			return TIMESTAMPTZOID;
		case MESH_COLUMN_HEADERS:
			return JSONBOID;
		case MESH_COLUMN_ERROR:
			return TEXTOID;
		case MESH_COLUMN_RAW:
			return BYTEAOID;
		case MESH_COLUMN_OP:
			return TEXTOID;
		case MESH_COLUMN_BEFORE:
		case MESH_COLUMN_SOURCE:
			return JSONBOID;
		case MESH_COLUMN_TS_MS:
			return INT8OID;
		default:
			return InvalidOid;
	}
}

/*
 * A column of a Protobuf product's table names a field of the message it
 * reads (option "message", else the schema's first).
 */
static void
check_protobuf_field(MeshTable *table, MeshColumn *col)
{
	char		errbuf[256];
	MeshPbFile *file = mesh_pb_parse_references(table->protobuf_schema,
												table->protobuf_references,
												errbuf, sizeof(errbuf));
	int			m;

	if (file == NULL)
		return;
	m = table->message ? mesh_pb_message_by_name(file, table->message) : file->top[0];
	if (m < 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				 errmsg("foreign table \"%s\" reads message \"%s\", which the schema of %s lacks",
						table->relname, table->message, mesh_table_describe(table))));
	for (int i = 0; i < file->messages[m].nfields; i++)
		if (strcmp(file->messages[m].fields[i].name, col->field) == 0)
			return;
	ereport(ERROR,
			(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
			 errmsg("column \"%s\" of foreign table \"%s\" names no field of message %s",
					col->name, table->relname, file->messages[m].fullname),
			 errhint("Name the field with the column option \"field\", or see mesh.data_product_fields.")));
}

/*
 * envelope 'debezium': a column is a field of the change event's `after`
 * record (when the product has an Avro schema).  Its type is not checked
 * against the field's: Debezium encodes dates, times and decimals as
 * numbers and bytes, which the scan converts (README).
 */
static void
check_debezium_field(MeshTable *table, MeshColumn *col)
{
	const MeshAvroType *record = table->reader_schema;
	const MeshAvroType *after = NULL;
	int			i;

	if (table->value_format != MESH_FORMAT_AVRO || record == NULL || record->kind != AVRO_RECORD)
		return;
	for (i = 0; i < record->nfields; i++)
		if (strcmp(record->fields[i].name, "after") == 0)
			after = mesh_avro_nonnull_branch(record->fields[i].type);
	if (after == NULL || after->kind != AVRO_RECORD)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("foreign table \"%s\" has envelope 'debezium', but the schema of %s is not that of a change event",
						table->relname, mesh_table_describe(table)),
				 errdetail("A change event's schema is a record with a field \"after\" that is a record.")));
	for (i = 0; i < after->nfields; i++)
		if (strcmp(after->fields[i].name, col->field) == 0)
			return;
	ereport(ERROR,
			(errcode(ERRCODE_FDW_COLUMN_NAME_NOT_FOUND),
			 errmsg("column \"%s\" of foreign table \"%s\" names no field of the change events' \"after\" record of %s",
					col->name, table->relname, mesh_table_describe(table)),
			 errhint("Name the field with the column option \"field\".")));
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
		if (table->on_error != MESH_ON_ERROR_ERROR && !col->type.checked &&
			!MESH_HAS_SOFT_INPUT_ERRORS)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("column \"%s\" of foreign table \"%s\" has type %s, which on_error '%s' cannot convert without errors",
							col->name, table->relname, format_type_be(typid),
							table->on_error == MESH_ON_ERROR_SKIP ? "skip" : "null"),
					 errhint("Use a type mesh_fdw checks itself (integers, floats, numeric, boolean, text, varchar, char, date, time, timestamps, uuid, bytea, json, jsonb, or arrays of them), on_error 'error', or PostgreSQL 16 or later.")));
		switch (col->kind)
		{
			case MESH_COLUMN_PARTITION:
				if (typid != INT4OID && typid != INT8OID && typid != INT2OID)
					goto bad_metadata;
				break;
			case MESH_COLUMN_OFFSET:
			case MESH_COLUMN_TIMESTAMP:
			case MESH_COLUMN_HEADERS:
			case MESH_COLUMN_ERROR:
			case MESH_COLUMN_RAW:
			case MESH_COLUMN_OP:
			case MESH_COLUMN_BEFORE:
			case MESH_COLUMN_SOURCE:
			case MESH_COLUMN_TS_MS:
				if (typid != metadata_type(col->kind))
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
				if (table->debezium)
					check_debezium_field(table, col);
				else if (table->value_format == MESH_FORMAT_AVRO && table->reader_schema != NULL)
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
				if (table->value_format == MESH_FORMAT_PROTOBUF && table->protobuf_schema != NULL)
					check_protobuf_field(table, col);
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
				 col->kind == MESH_COLUMN_ERROR || col->kind == MESH_COLUMN_RAW ?
				 errhint("_error is text and _raw bytea.") :
				 col->kind >= MESH_COLUMN_OP ?
				 errhint("_op is text, _before and _source jsonb, and _ts_ms bigint.") :
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
