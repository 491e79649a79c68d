/*-------------------------------------------------------------------------
 *
 * table.c
 *		  What a mesh_fdw foreign table reads: its topic, formats, mode and
 *		  columns, resolved against its data product in the catalog.
 *
 * A table on a product takes the product's topic, formats and mode unless
 * it sets its own, and reads with the product's current schema as the
 * Avro reader schema.  Columns named _partition, _offset, _timestamp,
 * _key, _headers, _error and _raw are the message's metadata; the others
 * are fields of the value (the column option "field" names the source
 * field when it differs), or, for the text and bytes formats, the whole
 * value.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fdw/table.h"

#include "core/avro_decode.h"
#include "core/avro_schema.h"
#include "kafka/client.h"
#include "pg_compat.h"
#include "mesh/catalog.h"
#include "mesh/convert.h"
#include "mesh/product.h"
#include "mesh/protobuf_refs.h"
#include "mesh/type_map.h"

#include "access/table.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"


/*
 * The index of an option's value among its choices (core/options.c).  The
 * validator refused other values; one in a definition older than that, or
 * in a product's record, is an ERROR, never a silent default.
 */
static int
option_choice(const MeshTable *table, const char *option, const char *value,
			  const char *const *choices)
{
	int			i = mesh_choice_index(choices, value);

	if (i < 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"%s\" of foreign table \"%s\": \"%s\"",
						option, table->relname, value)));
	return i;
}

/* A format by name: MeshFormat follows the order of mesh_value_formats. */
static MeshFormat
format_choice(const MeshTable *table, const char *option, const char *value,
			  const char *const *choices)
{
	return (MeshFormat) mesh_choice_index(mesh_value_formats,
										  choices[option_choice(table, option, value, choices)]);
}


/* "data product "d.n" (topic "t") on server "s"", for messages. */
const char *
mesh_table_describe(const MeshTable *table)
{
	if (table->product)
		return psprintf("data product \"%s\" (topic \"%s\") on server \"%s\"",
						table->product, table->topic, table->server->servername);
	return psprintf("topic \"%s\" on server \"%s\"", table->topic,
					table->server->servername);
}

/* The reader schema's field called name (or aliased so), or NULL. */
static const MeshAvroField *
reader_field(const MeshAvroType *record, const char *name)
{
	int			i;
	int			j;

	if (record == NULL || record->kind != AVRO_RECORD)
		return NULL;
	for (i = 0; i < record->nfields; i++)
		if (strcmp(record->fields[i].name, name) == 0)
			return &record->fields[i];
	for (i = 0; i < record->nfields; i++)
		for (j = 0; j < record->fields[i].naliases; j++)
			if (strcmp(record->fields[i].aliases[j], name) == 0)
				return &record->fields[i];
	return NULL;
}

/* Is an Avro type one the decoder can hand over as a single primitive? */
static bool
avro_is_scalar(const MeshAvroType *type)
{
	const MeshAvroType *t = mesh_avro_nonnull_branch(type);

	switch (t->kind)
	{
		case AVRO_RECORD:
		case AVRO_ARRAY:
		case AVRO_MAP:
		case AVRO_UNION:
			return false;
		default:
			return true;
	}
}

static MeshAvroShape
slot_shape(const MeshColumn *col, const MeshAvroType *reader_type)
{
	MeshAvroShape shape = mesh_column_avro_shape(&col->type);

	/* a record, map or union into a scalar column: as its JSON text */
	if (shape == MESH_SHAPE_SCALAR && reader_type != NULL && !avro_is_scalar(reader_type))
		return MESH_SHAPE_JSON;
	return shape;
}

static char *
table_option(List *options, const char *name)
{
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);

		if (strcmp(def->defname, name) == 0)
			return defGetString(def);
	}
	return NULL;
}

/*
 * Load the definition of foreign table relid, resolving its product (an
 * ERROR when it does not exist).  When the catalog cannot be read, reports
 * at elevel and, if that returns, gives NULL.
 */
MeshTable *
mesh_table_load(Oid relid, int elevel)
{
	ForeignTable *ft = GetForeignTable(relid);
	MeshTable  *table = palloc0(sizeof(MeshTable));
	char	   *value_format;
	char	   *key_format;
	char	   *mode;
	char	   *on_error;
	char	   *transactional;
	char	   *envelope;
	Relation	rel;
	TupleDesc	tupdesc;
	int			nslots = 0;
	int			i;

	table->relid = relid;
	table->relname = get_rel_name(relid);
	table->server = GetForeignServer(ft->serverid);
	/* the server's Kafka credentials are used: that takes USAGE on it */
	if (!mesh_server_usage_allowed(ft->serverid))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for foreign server %s", table->server->servername),
				 errdetail("Reading or writing foreign table \"%s\" needs USAGE on its server.",
						   table->relname)));
	table->conn = mesh_connection_for(table->server);
	table->product = table_option(ft->options, "product");
	table->topic = table_option(ft->options, "topic");
	value_format = table_option(ft->options, "value_format");
	key_format = table_option(ft->options, "key_format");
	mode = table_option(ft->options, "mode");
	on_error = table_option(ft->options, "on_error");
	transactional = table_option(ft->options, "transactional");
	table->bookmark = table_option(ft->options, "bookmark");
	table->message = table_option(ft->options, "message");
	envelope = table_option(ft->options, "envelope");

	if (table->product)
	{
		MeshCatalog *catalog = mesh_catalog_get(table->conn, elevel);
		MeshProduct *product;
		MeshProductSchema *current;

		if (catalog == NULL)
			return NULL;
		product = mesh_catalog_lookup(catalog, table->product);
		if (product == NULL)
		{
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("data product \"%s\" of foreign table \"%s\" does not exist on server \"%s\"",
							table->product, table->relname, table->server->servername),
					 errhint("See mesh.data_products for the products there are.")));
			return NULL;
		}
		table->topic = pstrdup(product->topic);
		if (value_format == NULL)
			value_format = product->value_format;
		if (key_format == NULL)
			key_format = product->key_format;
		if (mode == NULL)
			mode = product->mode;
		if (envelope == NULL)
			envelope = product->envelope;
		table->product_schemas = list_copy(product->schemas);
		table->protobuf_schema = product->protobuf_schema ?
			pstrdup(product->protobuf_schema) : NULL;
		table->protobuf_references =
			mesh_registry_references_copy(product->protobuf_references);
		table->protobuf_id = product->protobuf_id;
		current = mesh_product_current_schema(product);
		if (current)
		{
			char		errbuf[256];

			table->reader_schema = mesh_avro_parse_ext(current->definition,
													   strlen(current->definition),
													   MESH_AVRO_LAX_DEFAULTS,
													   errbuf, sizeof(errbuf));
		}
	}
	table->value_format = format_choice(table, "value_format",
										value_format ? value_format : "avro", mesh_value_formats);
	table->key_format = format_choice(table, "key_format",
									  key_format ? key_format : "text", mesh_key_formats);
	/* mesh_modes: stream, table; mesh_on_error_modes in MeshOnError's order */
	table->table_mode = option_choice(table, "mode", mode ? mode : "stream", mesh_modes) == 1;
	if (table->bookmark && table->table_mode)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				 errmsg("foreign table \"%s\" in mode 'table' cannot have a bookmark", table->relname),
				 errdetail("A bookmark reads each message once; mode 'table' reads every key's latest value, from the whole topic."),
				 errhint("Read the product in mode 'stream' (OPTIONS (ADD mode 'stream')) to use bookmark '%s'.",
						 table->bookmark)));
	table->debezium = option_choice(table, "envelope", envelope ? envelope : "none",
									mesh_envelopes) == 1;
	if (table->debezium && table->value_format != MESH_FORMAT_AVRO &&
		table->value_format != MESH_FORMAT_JSON)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				 errmsg("foreign table \"%s\" with envelope 'debezium' must have value_format 'avro' or 'json'",
						table->relname),
				 errdetail("Debezium change events are Avro records or JSON objects.")));
	table->on_error = (MeshOnError) option_choice(table, "on_error", on_error ? on_error : "error",
												 mesh_on_error_modes);
	table->transactional = transactional ? parse_bool(transactional, &table->transactional) && table->transactional :
		mesh_connection_options(table->conn)->transactional;

	rel = table_open(relid, NoLock);
	tupdesc = RelationGetDescr(rel);
	table->natts = tupdesc->natts;
	table->columns = palloc0(sizeof(MeshColumn) * Max(tupdesc->natts, 1));
	table->target.slots = palloc0(sizeof(MeshAvroSlot) * Max(tupdesc->natts, 1));
	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute attr = TupleDescAttr(tupdesc, i);
		MeshColumn *col = &table->columns[i];
		List	   *colopts;

		if (attr->attisdropped)
		{
			col->kind = MESH_COLUMN_DROPPED;
			continue;
		}
		col->name = pstrdup(NameStr(attr->attname));
		colopts = GetForeignColumnOptions(relid, attr->attnum);
		col->field = table_option(colopts, "field");
		/*
		 * A column named like a metadata column is one, unless it names a
		 * field (option "field") or the schema has a field of that name.
		 */
		col->kind = col->field ? MESH_COLUMN_FIELD : mesh_metadata_column_kind(col->name);
		if (col->kind != MESH_COLUMN_FIELD && table->value_format == MESH_FORMAT_AVRO &&
			reader_field(table->reader_schema, col->name) != NULL)
			col->kind = MESH_COLUMN_FIELD;
		/* _op, _before, _source and _ts_ms are fields without the envelope */
		if (!table->debezium && col->kind >= MESH_COLUMN_OP)
			col->kind = MESH_COLUMN_FIELD;
		if (col->field == NULL)
			col->field = col->name;
		mesh_column_type_init(&col->type, attr->atttypid, attr->atttypmod);
		if (col->kind != MESH_COLUMN_FIELD)
			continue;
		if (table->value_format == MESH_FORMAT_TEXT || table->value_format == MESH_FORMAT_BYTES)
		{
			col->kind = MESH_COLUMN_VALUE;
			continue;
		}
		if (table->value_format == MESH_FORMAT_PROTOBUF)
		{
			MeshAvroSlot *slot = &table->target.slots[nslots];

			slot->name = col->field;
			slot->shape = mesh_column_avro_shape(&col->type);
			slot->needed = true;
		}
		if (table->value_format == MESH_FORMAT_AVRO && !table->debezium)
		{
			const MeshAvroField *rf = reader_field(table->reader_schema, col->field);
			MeshAvroSlot *slot = &table->target.slots[nslots];

			slot->name = rf ? rf->name : col->field;
			slot->reader_type = rf ? rf->type : NULL;
			slot->aliases = rf ? rf->aliases : NULL;
			slot->naliases = rf ? rf->naliases : 0;
			slot->default_value = rf ? rf->default_value : NULL;
			slot->shape = slot_shape(col, slot->reader_type);
			slot->needed = true;
		}
		col->slot = nslots++;
	}
	table_close(rel, NoLock);
	table->target.nslots = nslots;
	return table;
}

/* What continuous products ask of a foreign table (mesh_foreign_table_info). */
bool
mesh_table_input_info(Oid relid, MeshInputInfo *info)
{
	ForeignTable *ft = GetForeignTable(relid);
	MeshTable  *table;

	memset(info, 0, sizeof(MeshInputInfo));
	if (strcmp(GetForeignDataWrapper(GetForeignServer(ft->serverid)->fdwid)->fdwname,
			   "mesh_fdw") != 0)
		return true;
	table = mesh_table_load(relid, ERROR);
	info->is_mesh = true;
	info->stream = !table->table_mode;
	info->serverid = table->server->serverid;
	info->topic = pstrdup(table->topic);
	return true;
}
