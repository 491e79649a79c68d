/*-------------------------------------------------------------------------
 *
 * derive.c
 *		  mesh.create_data_product(): a derived data product, made from a
 *		  query over other products.
 *
 * The query runs; an Avro schema is derived from its result columns (the
 * design's type table read in reverse); the topic is created, the schema
 * registered (when the server has a registry), and the rows and the
 * catalog record are written in one Kafka transaction that commits with
 * the PostgreSQL transaction.  So it is all or nothing: when any step
 * fails, the Kafka transaction is aborted and neither rows nor the product
 * are visible to read_committed readers (an empty topic may remain).  The
 * record's "inputs" are the data products the query reads, found from the
 * foreign tables in its (rewritten) query trees.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "core/avro_decode.h"
#include "core/avro_encode.h"
#include "core/avro_schema.h"
#include "core/core.h"
#include "core/options.h"
#include "kafka/admin.h"
#include "kafka/client.h"
#include "kafka/producer.h"
#include "kafka/registry.h"
#include "mesh/catalog.h"
#include "mesh/convert.h"
#include "mesh/datum_avro.h"
#include "mesh/ownership.h"
#include "mesh/product.h"
#include "mesh/publish.h"
#include "mesh/record.h"
#include "mesh/servers.h"

#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/plancache.h"

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
static char *
derive_schema(const char *domain, const char *name, const char *description,
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

/* The data products a query reads: its foreign tables on products. */
static bool
inputs_walker(Node *node, List **inputs)
{
	if (node == NULL)
		return false;
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;

		if (rte->rtekind == RTE_RELATION && rte->relkind == RELKIND_FOREIGN_TABLE)
		{
			ForeignTable *ft = GetForeignTable(rte->relid);
			ForeignServer *server = GetForeignServer(ft->serverid);
			ListCell   *lc;

			if (strcmp(GetForeignDataWrapper(server->fdwid)->fdwname, "mesh_fdw") != 0)
				return false;
			foreach(lc, ft->options)
			{
				DefElem    *def = lfirst(lc);

				if (strcmp(def->defname, "product") == 0)
				{
					char	   *product = defGetString(def);
					ListCell   *ilc;
					bool		seen = false;

					foreach(ilc, *inputs)
						if (strcmp(lfirst(ilc), product) == 0)
							seen = true;
					if (!seen)
						*inputs = lappend(*inputs, pstrdup(product));
				}
			}
		}
		return false;
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, inputs_walker, inputs,
								 QTW_EXAMINE_RTES_BEFORE);
	return expression_tree_walker(node, inputs_walker, inputs);
}

static int
compare_strings(const ListCell *a, const ListCell *b)
{
	return strcmp(lfirst(a), lfirst(b));
}

static List *
query_inputs(SPIPlanPtr plan)
{
	List	   *inputs = NIL;
	ListCell   *lc;

	foreach(lc, SPI_plan_get_plan_sources(plan))
	{
		CachedPlanSource *source = lfirst(lc);
		ListCell   *qlc;

		foreach(qlc, source->query_list)
			inputs_walker(lfirst(qlc), &inputs);
	}
	list_sort(inputs, compare_strings);
	return inputs;
}

/*
 * mesh.create_data_product(domain, name, query, owner, description, sla,
 *   quality, tags, topic, mode, key, partitions, server) returns the
 *   product's version (1).
 */
PG_FUNCTION_INFO_V1(mesh_create_data_product);
Datum
mesh_create_data_product(PG_FUNCTION_ARGS)
{
	char	   *query = mesh_text_arg(fcinfo, 2);
	char	   *keycol = mesh_text_arg(fcinfo, 10);
	int			partitions = PG_ARGISNULL(11) ? 1 : PG_GETARG_INT32(11);
	ForeignServer *server;
	MeshConnection *conn;
	MeshCatalog *catalog;
	MeshProduct p;
	MeshProductSchema *schema;
	MeshAvroType *avro;
	MeshAvroTarget target;
	MeshAvroEncoder *encoder;
	MeshAvroValue *values;
	MeshProducer *producer;
	SPIPlanPtr	plan;
	Portal		portal;
	TupleDesc	tupdesc;
	MeshBuf		buf;
	char		header[10];
	int			header_len;
	int			keyattno = -1;
	char		errbuf[512];
	MeshDeliveryMark mark;
	uint64		rows = 0;
	MemoryContext rowcxt;
	int			i;

	memset(&p, 0, sizeof(p));
	p.qualified_name = mesh_product_name_args(fcinfo, &p.domain, &p.name);
	p.owner = mesh_text_arg(fcinfo, 3);
	p.description = mesh_text_arg(fcinfo, 4);
	p.sla = mesh_text_arg(fcinfo, 5);
	p.quality = mesh_text_arg(fcinfo, 6);
	p.mode = PG_ARGISNULL(9) ? "stream" : mesh_text_arg(fcinfo, 9);
	p.topic = PG_ARGISNULL(8) ? p.qualified_name : mesh_text_arg(fcinfo, 8);
	if (query == NULL)
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						errmsg("create_data_product needs a query")));
	mesh_check_product_fields(&p);
	mesh_check_choice("mode", p.mode, mesh_modes);
	if (strcmp(p.mode, "table") == 0 && keycol == NULL)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("a data product in mode 'table' needs a key"),
						errhint("Name the result column that is the key: key => 'column'.")));
	if (partitions < 1)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("partitions must be at least 1")));
	p.tags = mesh_text_array_arg(fcinfo, 7);
	p.key_format = "text";
	p.value_format = "avro";
	p.version = 1;
	p.published_at = mesh_utc_now_iso8601();
	p.published_by = mesh_current_publisher();

	catalog = mesh_catalog_for_arg(fcinfo, 12, p.domain, p.qualified_name,
								   MESH_DOMAIN_DERIVE, &server, &conn);
	mesh_refuse_catalog_topic(conn, p.topic,
							  psprintf("data product \"%s\"", p.qualified_name));
	if (mesh_catalog_lookup(catalog, p.qualified_name) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("data product \"%s\" already exists on server \"%s\"",
						p.qualified_name, server->servername),
				 errhint("Unpublish it first, or republish it with mesh.publish_data_product().")));
	if (mesh_topic_exists(conn, p.topic, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("topic \"%s\" already exists on server \"%s\"", p.topic, server->servername),
				 errhint("A derived product gets a topic of its own: pass topic => '...'.")));

	/* the query, and what it reads */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	plan = SPI_prepare(query, 0, NULL);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("could not prepare the query of data product \"%s\": %s",
						p.qualified_name, SPI_result_code_string(SPI_result))));
	if (!SPI_is_cursor_plan(plan))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("the query of data product \"%s\" must be a SELECT", p.qualified_name)));
	p.inputs = query_inputs(plan);
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	tupdesc = portal->tupDesc;

	/* its schema */
	schema = palloc0(sizeof(MeshProductSchema));
	schema->version = 1;
	schema->definition = derive_schema(p.domain, p.name, p.description, tupdesc);
	avro = mesh_validate_schema(p.qualified_name, schema->definition);
	schema->fingerprint = mesh_schema_fingerprint(avro);
	p.schemas = list_make1(schema);
	target.nslots = tupdesc->natts;
	target.slots = palloc0(sizeof(MeshAvroSlot) * Max(tupdesc->natts, 1));
	for (i = 0; i < tupdesc->natts; i++)
	{
		target.slots[i].name = NameStr(TupleDescAttr(tupdesc, i)->attname);
		target.slots[i].needed = true;
		if (keycol && strcmp(keycol, target.slots[i].name) == 0)
			keyattno = i;
	}
	if (keycol && keyattno < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("the query of data product \"%s\" has no column \"%s\" for the key",
						p.qualified_name, keycol)));
	encoder = mesh_avro_encoder_create(avro, &target, errbuf, sizeof(errbuf));
	if (encoder == NULL)
		elog(ERROR, "cannot encode the derived schema: %s", errbuf);
	values = palloc0(sizeof(MeshAvroValue) * Max(tupdesc->natts, 1));

	/* its topic, and the schema in the registry */
	mesh_ensure_topic(conn, p.topic, partitions, false);
	if (mesh_connection_options(conn)->schema_registry)
	{
		schema->has_registry = true;
		schema->registry_subject = psprintf("%s-value", p.topic);
		schema->registry_id = mesh_registry_register(conn, schema->registry_subject,
													 schema->definition);
		header[0] = 0x00;
		header[1] = (schema->registry_id >> 24) & 0xff;
		header[2] = (schema->registry_id >> 16) & 0xff;
		header[3] = (schema->registry_id >> 8) & 0xff;
		header[4] = schema->registry_id & 0xff;
		header_len = 5;
	}
	else
	{
		header[0] = (char) 0xC3;
		header[1] = 0x01;
		for (i = 0; i < 8; i++)
			header[2 + i] = (schema->fingerprint >> (8 * i)) & 0xff;
		header_len = 10;
	}

	/* the rows, then the catalog record, in the transaction's Kafka transaction */
	producer = mesh_get_producer(conn, true);
	mesh_producer_join(conn, producer);
	mark = mesh_producer_mark(producer);
	mesh_buf_init(&buf);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "mesh_fdw derived row",
								   ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		uint64		r;

		SPI_cursor_fetch(portal, true, 1000);
		if (SPI_processed == 0)
			break;
		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tuple = SPI_tuptable->vals[r];
			MemoryContext oldcxt = MemoryContextSwitchTo(rowcxt);
			char	   *key = NULL;

			for (i = 0; i < tupdesc->natts; i++)
			{
				bool		isnull;
				Datum		d = SPI_getbinval(tuple, tupdesc, i + 1, &isnull);
				Oid			typid = TupleDescAttr(tupdesc, i)->atttypid;

				memset(&values[i], 0, sizeof(MeshAvroValue));
				values[i].present = true;
				if (isnull)
					values[i].is_null = true;
				else if (typid == JSONBOID || typid == JSONOID || typid == NAMEOID)
					/* the derived field is a string holding the JSON text */
				{
					char	   *text = SPI_getvalue(tuple, tupdesc, i + 1);

					values[i].kind = AVRO_STRING;
					values[i].data = text;
					values[i].len = strlen(text);
				}
				else
					mesh_datum_to_avro(d, typid, &values[i], rowcxt);
				if (i == keyattno && !isnull)
					key = SPI_getvalue(tuple, tupdesc, i + 1);
			}
			buf.len = 0;
			mesh_buf_append(&buf, header, header_len);
			if (!mesh_avro_encode(encoder, values, &buf, errbuf, sizeof(errbuf)))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("row " UINT64_FORMAT " of the query of data product \"%s\" does not fit its schema",
								rows + 1, p.qualified_name),
						 errdetail_internal("%s", errbuf)));
			mesh_produce(conn, producer, p.topic, RD_KAFKA_PARTITION_UA,
						 key, key ? strlen(key) : 0, buf.data, buf.len, 0, NULL);
			rows++;
			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(rowcxt);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);

	mesh_ensure_topic(conn, mesh_connection_options(conn)->catalog_topic, 1, true);
	{
		char	   *record = mesh_build_catalog_record(&p, NULL);

		mesh_produce(conn, producer, mesh_connection_options(conn)->catalog_topic, RD_KAFKA_PARTITION_UA,
					 p.qualified_name, strlen(p.qualified_name), record, strlen(record),
					 0, NULL);
	}
	mesh_producer_wait(conn, producer, &mark, rows + 1,
					   psprintf("create_data_product \"%s\"", p.qualified_name));
	SPI_finish();
	PG_RETURN_INT32(1);
}
