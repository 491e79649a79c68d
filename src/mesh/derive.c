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
#include "mesh/continuous.h"
#include "mesh/derived_output.h"
#include "mesh/window.h"
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
/*
 * mesh.create_data_product(domain, name, query, owner, description, sla,
 *   quality, tags, topic, mode, key, partitions, server [, continuous,
 *   grace]) returns the product's version (1).  Extension 1.2's SQL
 *   declaration has no continuous and grace.
 */
PG_FUNCTION_INFO_V1(mesh_create_data_product);
Datum
mesh_create_data_product(PG_FUNCTION_ARGS)
{
	char	   *query = mesh_text_arg(fcinfo, 2);
	char	   *keycol = mesh_text_arg(fcinfo, 10);
	int			partitions = PG_ARGISNULL(11) ? 1 : PG_GETARG_INT32(11);
	bool		continuous = PG_NARGS() > 13 && !PG_ARGISNULL(13) && PG_GETARG_BOOL(13);
	Interval   *grace = PG_NARGS() > 14 && !PG_ARGISNULL(14) ? PG_GETARG_INTERVAL_P(14) : NULL;
	ForeignServer *server;
	MeshConnection *conn;
	MeshCatalog *catalog;
	MeshProduct p;
	MeshProductSchema *schema;
	MeshDerivedOutput *output;
	MeshContinuousPlan *cp = NULL;
	MeshProducer *producer;
	SPIPlanPtr	plan;
	Portal		portal = NULL;
	TupleDesc	tupdesc;
	char		header[10];
	int			header_len;
	MeshDeliveryMark mark;
	uint64		rows = 0;
	MemoryContext rowcxt;

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
	if (grace && !continuous)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("grace applies to continuous products only"),
						errhint("Pass continuous => true.")));
	if (grace && (grace->month != 0 || grace->day < 0 || grace->time < 0))
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						errmsg("grace must be a non-negative interval of days, hours, minutes or seconds")));
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
	if (continuous)
	{
		/* a worker runs it, batch by batch, after the commit */
		cp = mesh_continuous_plan(p.qualified_name, plan, server->serverid, grace);
		tupdesc = ((CachedPlanSource *) linitial(SPI_plan_get_plan_sources(plan)))->resultDesc;
		if (cp->window_spec)
		{
			/* keyed by the window and the keys */
			if (keycol != NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("a windowed continuous product is keyed by its window and GROUP BY keys"),
						 errhint("Leave out key => ...")));
			p.mode = "table";
		}
		else if (strcmp(p.mode, "table") == 0 && keycol == NULL)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("a data product in mode 'table' needs a key"),
							errhint("Name the result column that is the key: key => 'column'.")));
	}
	else
	{
		if (strcmp(p.mode, "table") == 0 && keycol == NULL)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							errmsg("a data product in mode 'table' needs a key"),
							errhint("Name the result column that is the key: key => 'column'.")));
		portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
		tupdesc = portal->tupDesc;
	}

	/* its schema */
	schema = palloc0(sizeof(MeshProductSchema));
	schema->version = 1;
	schema->definition = mesh_derive_schema(p.domain, p.name, p.description, tupdesc);
	schema->fingerprint = mesh_schema_fingerprint(mesh_validate_schema(p.qualified_name,
																	   schema->definition));
	p.schemas = list_make1(schema);

	if (keycol != NULL)
	{
		int			i;
		bool		found = false;

		for (i = 0; i < tupdesc->natts; i++)
			if (strcmp(NameStr(TupleDescAttr(tupdesc, i)->attname), keycol) == 0)
				found = true;
		if (!found)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("the query of data product \"%s\" has no column \"%s\" for the key",
							p.qualified_name, keycol)));
	}

	/* its topic, and the schema in the registry */
	mesh_ensure_topic(conn, p.topic, partitions, cp && cp->window_spec);
	if (cp && cp->window_spec)
	{
		char	   *state_topic = mesh_window_state_topic(p.topic);

		/* the open windows of an earlier product of that topic must not come back */
		if (mesh_topic_exists(conn, state_topic, NULL))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("topic \"%s\" already exists on server \"%s\"", state_topic,
							server->servername),
					 errdetail("It would hold the open windows of data product \"%s\".", p.qualified_name),
					 errhint("Delete the topic, or pass another topic => '...'.")));
		mesh_ensure_topic(conn, state_topic, partitions, true);
	}
	header_len = mesh_derived_header(conn, schema, p.topic, header);
	output = mesh_derived_output_create(p.qualified_name, schema->definition, header,
										header_len, tupdesc, keycol);

	/* the rows, then the catalog record, in the transaction's Kafka transaction */
	producer = mesh_get_producer(conn, true);
	mesh_producer_join(conn, producer);
	mark = mesh_producer_mark(producer);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "mesh_fdw derived row",
								   ALLOCSET_DEFAULT_SIZES);
	while (portal)
	{
		uint64		r;

		SPI_cursor_fetch(portal, true, 1000);
		if (SPI_processed == 0)
			break;
		for (r = 0; r < SPI_processed; r++)
		{
			MemoryContext oldcxt = MemoryContextSwitchTo(rowcxt);
			Datum	   *values = palloc(sizeof(Datum) * tupdesc->natts);
			bool	   *nulls = palloc(sizeof(bool) * tupdesc->natts);
			const MeshBuf *buf;
			char	   *key;

			heap_deform_tuple(SPI_tuptable->vals[r], tupdesc, values, nulls);
			buf = mesh_derived_output_encode(output, values, nulls, &key);
			mesh_produce(conn, producer, p.topic, RD_KAFKA_PARTITION_UA,
						 key, key ? strlen(key) : 0, buf->data, buf->len, 0, NULL);
			rows++;
			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(rowcxt);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	if (portal)
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
	/* before SPI_finish: the plan and the schema live in SPI's memory */
	if (cp)
		mesh_continuous_create(server, p.qualified_name, query, cp, p.topic,
							   schema->definition, header, header_len,
							   cp->window_spec ? NULL : keycol, grace);
	SPI_finish();
	PG_RETURN_INT32(1);
}
