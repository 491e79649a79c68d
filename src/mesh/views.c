/*-------------------------------------------------------------------------
 *
 * views.c
 *		  Set-returning functions behind the views of schema mesh.
 *
 * Every view spans all mesh_fdw servers the current user has USAGE on.  A
 * server that does not answer is an ERROR when it is the only one; with
 * several, a WARNING names it and the others' rows are returned.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "core/avro_schema.h"
#include "kafka/admin.h"
#include "kafka/client.h"
#include "kafka/reader.h"
#include "mesh/catalog.h"
#include "mesh/product.h"
#include "mesh/protobuf_refs.h"
#include "mesh/servers.h"
#include "mesh/type_map.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_foreign_server.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"
#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/jsonb.h"

/* A text Datum from UTF-8 text coming from Kafka. */
static Datum
mesh_text_datum(const char *utf8)
{
	char	   *converted = pg_any_to_server(utf8, strlen(utf8), PG_UTF8);

	return PointerGetDatum(cstring_to_text(converted));
}

static Datum
text_array_datum(List *strings)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(strings), 1));
	ListCell   *lc;

	foreach(lc, strings)
		elems[foreach_current_index(lc)] = mesh_text_datum(lfirst(lc));
	return PointerGetDatum(construct_array(elems, list_length(strings), TEXTOID,
										   -1, false, TYPALIGN_INT));
}

static Datum
jsonb_datum(const char *json)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(json));
}

/* Set value i, or NULL when s is NULL. */
#define SET_TEXT(i, s) \
	do { if ((s) != NULL) values[i] = mesh_text_datum(s); else nulls[i] = true; } while (0)

/*
 * Parse an ISO 8601 timestamp as the catalog records it; NULL (not an
 * ERROR) when it is not one, since other writers may put anything there.
 */
static bool
parse_published_at(const char *text, TimestampTz *result)
{
	int			y, mo, d, h, mi;
	double		sec;
	char		zone[8];
	struct pg_tm tm;
	fsec_t		fsec;
	int			n = 0;

	if (text == NULL ||
		sscanf(text, "%4d-%2d-%2dT%2d:%2d:%lf%7s%n", &y, &mo, &d, &h, &mi, &sec, zone, &n) != 7 ||
		strcmp(zone, "Z") != 0 || sec < 0 || sec >= 61)
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y;
	tm.tm_mon = mo;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = (int) sec;
	fsec = (fsec_t) ((sec - (int) sec) * USECS_PER_SEC);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59)
		return false;
	return tm2timestamp(&tm, fsec, NULL, result) == 0;
}

/* Run fn for the catalog of every usable server that answers. */
typedef void (*CatalogRowsFn) (ReturnSetInfo *rsinfo, ForeignServer *server,
							   MeshConnection *conn, MeshCatalog *catalog);

static void
catalog_rows(ReturnSetInfo *rsinfo, ForeignServer *server, MeshConnection *conn,
			 int elevel, void *arg)
{
	MeshCatalog *catalog = mesh_catalog_get(conn, elevel);

	if (catalog != NULL)
		(*(CatalogRowsFn *) arg) (rsinfo, server, conn, catalog);
}

static void
for_each_catalog(FunctionCallInfo fcinfo, CatalogRowsFn fn)
{
	mesh_for_each_server(fcinfo, catalog_rows, &fn);
}

/* A view over every server's catalog: SQL function fn, one call of rows per catalog. */
#define CATALOG_VIEW(fn, rows) \
	PG_FUNCTION_INFO_V1(fn); \
	Datum \
	fn(PG_FUNCTION_ARGS) \
	{ \
		for_each_catalog(fcinfo, rows); \
		return (Datum) 0; \
	}

typedef struct TopicRow
{
	char	   *topic;
	int			partitions;
	int			replication_factor;
} TopicRow;

static int
compare_topic_rows(const void *a, const void *b)
{
	return strcmp(((const TopicRow *) a)->topic, ((const TopicRow *) b)->topic);
}

/*
 * mesh.topics: one row per topic of every usable server.
 */
static void
topic_rows(ReturnSetInfo *rsinfo, ForeignServer *server, MeshConnection *conn,
		   int elevel, void *arg)
{
	const rd_kafka_metadata_t *md;
	MeshCatalog *catalog;
	List	   *products;
	TopicRow   *rows;
	int			nrows;
	int			i;

	md = mesh_fetch_metadata(conn, NULL, elevel);
	if (md == NULL)
		return;

	/* copy out what we need, so that md is freed before anything throws */
	rows = (TopicRow *) palloc0(sizeof(TopicRow) * Max(md->topic_cnt, 1));
	nrows = 0;
	for (i = 0; i < md->topic_cnt; i++)
	{
		const rd_kafka_metadata_topic_t *t = &md->topics[i];
		int			rf = 0;
		int			p;

		if (t->err != RD_KAFKA_RESP_ERR_NO_ERROR && t->partition_cnt == 0)
			continue;
		for (p = 0; p < t->partition_cnt; p++)
			rf = Max(rf, t->partitions[p].replica_cnt);
		rows[nrows].topic = pstrdup(t->topic);
		rows[nrows].partitions = t->partition_cnt;
		rows[nrows].replication_factor = rf;
		nrows++;
	}
	rd_kafka_metadata_destroy(md);

	catalog = mesh_catalog_get(conn, elevel);
	products = catalog ? mesh_catalog_products(catalog) : NIL;

	qsort(rows, nrows, sizeof(TopicRow), compare_topic_rows);
	for (i = 0; i < nrows; i++)
	{
		Datum		values[6];
		bool		nulls[6] = {false};
		bool		is_product = false;
		ListCell   *plc;

		foreach(plc, products)
			if (strcmp(((MeshProduct *) lfirst(plc))->topic, rows[i].topic) == 0)
				is_product = true;
		values[0] = CStringGetTextDatum(server->servername);
		values[1] = CStringGetTextDatum(rows[i].topic);
		values[2] = Int32GetDatum(rows[i].partitions);
		values[3] = Int32GetDatum(rows[i].replication_factor);
		values[4] = BoolGetDatum(rows[i].topic[0] == '_');
		values[5] = BoolGetDatum(is_product);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

PG_FUNCTION_INFO_V1(mesh_topics);
Datum
mesh_topics(PG_FUNCTION_ARGS)
{
	mesh_for_each_server(fcinfo, topic_rows, NULL);
	return (Datum) 0;
}

/*
 * mesh.data_products: one row per published product.
 */
static void
product_rows(ReturnSetInfo *rsinfo, ForeignServer *server, MeshConnection *conn,
			 MeshCatalog *catalog)
{
	ListCell   *lc;

	foreach(lc, mesh_catalog_products(catalog))
	{
		MeshProduct *p = lfirst(lc);
		MeshProductSchema *schema = mesh_product_current_schema(p);
		Datum		values[18];
		bool		nulls[18] = {false};
		TimestampTz published_at;

		values[0] = CStringGetTextDatum(server->servername);
		SET_TEXT(1, p->domain);
		SET_TEXT(2, p->name);
		SET_TEXT(3, p->qualified_name);
		SET_TEXT(4, p->topic);
		SET_TEXT(5, p->owner);
		SET_TEXT(6, p->description);
		SET_TEXT(7, p->sla);
		SET_TEXT(8, p->quality);
		values[9] = text_array_datum(p->tags);
		SET_TEXT(10, p->mode);
		SET_TEXT(11, p->key_format);
		SET_TEXT(12, p->value_format);
		if (schema)
			values[13] = jsonb_datum(schema->definition);
		else
			nulls[13] = true;
		values[14] = text_array_datum(p->inputs);
		values[15] = Int32GetDatum(p->version);
		if (parse_published_at(p->published_at, &published_at))
			values[16] = TimestampTzGetDatum(published_at);
		else
			nulls[16] = true;
		SET_TEXT(17, p->published_by);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

CATALOG_VIEW(mesh_data_products, product_rows)

/*
 * mesh.data_product_fields: one row per field of a product's current
 * schema; fields of nested records follow their parent, with dotted names.
 */
typedef struct FieldWalk
{
	ReturnSetInfo *rsinfo;
	ForeignServer *server;
	MeshProduct *product;
	int			position;
} FieldWalk;

#define MAX_FIELD_DEPTH 16

/* One row of mesh.data_product_fields, at the walk's next position. */
static void
field_row(FieldWalk *walk, const char *name, const char *type_label, const char *pg_type,
		  bool nullable, const char *doc)
{
	Datum		values[8];
	bool		nulls[8] = {false};

	values[0] = CStringGetTextDatum(walk->server->servername);
	values[1] = mesh_text_datum(walk->product->qualified_name);
	values[2] = Int32GetDatum(++walk->position);
	values[3] = mesh_text_datum(name);
	values[4] = mesh_text_datum(type_label);
	values[5] = CStringGetTextDatum(pg_type);
	values[6] = BoolGetDatum(nullable);
	SET_TEXT(7, doc);
	tuplestore_putvalues(walk->rsinfo->setResult, walk->rsinfo->setDesc, values, nulls);
}

static void
field_rows(FieldWalk *walk, const MeshAvroType *record, const char *prefix,
		   const MeshAvroType **path, int depth)
{
	int			i;

	for (i = 0; i < record->nfields; i++)
	{
		const MeshAvroField *f = &record->fields[i];
		const MeshAvroType *inner = mesh_avro_nonnull_branch(f->type);
		bool		nullable;
		char	   *name = prefix ? psprintf("%s.%s", prefix, f->name) : pstrdup(f->name);
		char	   *pg_type = mesh_avro_pg_type(f->type, &nullable);
		int			d;
		bool		cycle = false;

		field_row(walk, name, mesh_avro_type_label(f->type), pg_type, nullable, f->doc);

		if (inner->kind != AVRO_RECORD || depth >= MAX_FIELD_DEPTH)
			continue;
		/* a recursive record is listed once */
		for (d = 0; d < depth; d++)
			if (path[d] == inner)
				cycle = true;
		if (cycle)
			continue;
		path[depth] = inner;
		field_rows(walk, inner, name, path, depth + 1);
	}
}

/* A Protobuf product: the fields of its schema's first message. */
static void
protobuf_field_rows(FieldWalk *walk)
{
	MeshProduct *p = walk->product;
	char		errbuf[256];
	MeshPbFile *file = mesh_pb_parse_references(p->protobuf_schema, p->protobuf_references,
												errbuf, sizeof(errbuf));
	const MeshPbMessage *msg;

	if (file == NULL)
		return;
	msg = &file->messages[file->top[0]];
	for (int i = 0; i < msg->nfields; i++)
	{
		const MeshPbField *f = &msg->fields[i];

		field_row(walk, f->name, mesh_pb_type_label(file, f), mesh_pb_pg_type(file, f),
				  mesh_pb_nullable(f), NULL);
	}
}

/*
 * A JSON product with a JSON Schema: its properties, those of nested
 * objects after their parent with dotted names; nullable unless required
 * and not allowing null.
 */
static void
json_schema_field_rows(FieldWalk *walk, const MeshJsonSchema *schema, const char *prefix,
					   int depth)
{
	for (int i = 0; i < schema->nproperties; i++)
	{
		const MeshJsonSchema *prop = schema->properties[i];
		char	   *name = prefix ? psprintf("%s.%s", prefix, schema->names[i]) :
			pstrdup(schema->names[i]);
		bool		required = false;

		for (int r = 0; r < schema->nrequired; r++)
			if (strcmp(schema->required[r], schema->names[i]) == 0)
				required = true;
		field_row(walk, name, mesh_json_schema_type_label(prop), mesh_json_schema_pg_type(prop),
				  !required || (prop->types & MJS_NULL) != 0, prop->description);
		if (depth < MAX_FIELD_DEPTH)
			json_schema_field_rows(walk, prop, name, depth + 1);
	}
}

static void
product_field_rows(ReturnSetInfo *rsinfo, ForeignServer *server,
				   MeshConnection *conn, MeshCatalog *catalog)
{
	ListCell   *lc;

	foreach(lc, mesh_catalog_products(catalog))
	{
		MeshProduct *p = lfirst(lc);
		MeshProductSchema *schema = mesh_product_current_schema(p);
		MeshAvroType *avro;
		char		errbuf[256];
		FieldWalk	walk;
		const MeshAvroType *path[MAX_FIELD_DEPTH + 1];

		walk.rsinfo = rsinfo;
		walk.server = server;
		walk.product = p;
		walk.position = 0;
		if (p->protobuf_schema != NULL)
			protobuf_field_rows(&walk);
		if (p->json_schema != NULL && schema == NULL)
		{
			MeshJsonSchema *js = mesh_json_schema_compile(p->json_schema, strlen(p->json_schema),
														  errbuf, sizeof(errbuf));

			if (js != NULL)
				json_schema_field_rows(&walk, js, NULL, 1);
		}
		if (schema == NULL)
			continue;
		avro = mesh_avro_parse(schema->definition, strlen(schema->definition),
							   errbuf, sizeof(errbuf));
		if (avro == NULL || avro->kind != AVRO_RECORD)
			continue;
		path[0] = avro;
		field_rows(&walk, avro, NULL, path, 1);
	}
}

CATALOG_VIEW(mesh_data_product_fields, product_field_rows)

/*
 * mesh.data_product_events: every valid record of the catalog topic as
 * this backend has read it, oldest first.
 */
static void
event_rows(ReturnSetInfo *rsinfo, ForeignServer *server, MeshConnection *conn,
		   MeshCatalog *catalog)
{
	ListCell   *lc;
	static const char *const actions[] = {"publish", "update", "unpublish"};

	foreach(lc, mesh_catalog_events(catalog))
	{
		MeshCatalogEvent *e = lfirst(lc);
		Datum		values[7];
		bool		nulls[7] = {false};

		values[0] = CStringGetTextDatum(server->servername);
		values[1] = TimestampTzGetDatum(e->event_time);
		values[2] = CStringGetTextDatum(actions[e->action]);
		values[3] = mesh_text_datum(e->qualified_name);
		if (e->action == MESH_ACTION_UNPUBLISH)
			nulls[4] = true;
		else
			values[4] = Int32GetDatum(e->version);
		SET_TEXT(5, e->published_by);
		if (e->descriptor)
			values[6] = jsonb_datum(e->descriptor);
		else
			nulls[6] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

CATALOG_VIEW(mesh_data_product_events, event_rows)

/*
 * The timestamp of the latest message of each partition (-1 if it has
 * none).  The message at high-1 may be a transaction marker or aborted,
 * so look back further when the tail holds no message.
 */
static void
read_latest_timestamps(MeshReader *reader, int n, const int64 *low,
					   const int64 *high, int64 *latest_ms)
{
	static const int64 lookback[] = {1, 16, 256};
	int64	   *start = palloc(sizeof(int64) * Max(n, 1));
	int64	   *end = palloc(sizeof(int64) * Max(n, 1));
	int			round;
	int			p;

	for (p = 0; p < n; p++)
		latest_ms[p] = -1;
	for (round = 0; round < (int) lengthof(lookback); round++)
	{
		bool		any = false;

		for (p = 0; p < n; p++)
		{
			start[p] = Max(low[p], high[p] - lookback[round]);
			end[p] = high[p];
			/* already found, or the last round already read from low */
			if (latest_ms[p] >= 0 ||
				(round > 0 && high[p] - lookback[round - 1] <= low[p]))
				start[p] = end[p];
			any |= start[p] < end[p];
		}
		if (!any)
			break;
		{
			rd_kafka_message_t *msg;

			mesh_reader_start(reader, n, start, end, -1);
			/* offsets only grow: the last message read is the latest */
			while ((msg = mesh_reader_next(reader)) != NULL)
			{
				latest_ms[msg->partition] = rd_kafka_message_timestamp(msg, NULL);
				rd_kafka_message_destroy(msg);
			}
		}
	}
}


/*
 * mesh.topic_partitions(server, topic): live watermarks of each partition
 * and the timestamp of its latest message.  The data_product_partitions
 * view calls it LATERAL per product, so a query about one product touches
 * only that product's partitions.
 */
PG_FUNCTION_INFO_V1(mesh_topic_partitions);
Datum
mesh_topic_partitions(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ForeignServer *server = mesh_pick_server(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	char	   *topic = text_to_cstring(PG_GETARG_TEXT_PP(1));
	MeshConnection *conn = mesh_connection_for(server);
	MeshReader *reader;
	int			npartitions = 0;
	int64	   *low;
	int64	   *high;
	int64	   *latest_ms;
	int			p;

	InitMaterializedSRF(fcinfo, 0);
	if (!mesh_topic_exists(conn, topic, &npartitions))
		return (Datum) 0;

	reader = mesh_reader_open(conn, topic, psprintf("topic \"%s\" on server \"%s\"",
													topic, server->servername), true);
	low = palloc(sizeof(int64) * npartitions);
	high = palloc(sizeof(int64) * npartitions);
	latest_ms = palloc(sizeof(int64) * npartitions);
	mesh_reader_offsets(reader, npartitions, low, high, ERROR);
	read_latest_timestamps(reader, npartitions, low, high, latest_ms);
	mesh_reader_close(reader);

	for (p = 0; p < npartitions; p++)
	{
		Datum		values[5];
		bool		nulls[5] = {false};

		values[0] = Int32GetDatum(p);
		values[1] = Int64GetDatum(low[p]);
		values[2] = Int64GetDatum(high[p]);
		values[3] = Int64GetDatum(high[p] - low[p]);
		if (latest_ms[p] >= 0)
			values[4] = TimestampTzGetDatum(mesh_kafka_timestamp(latest_ms[p]));
		else
			nulls[4] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * mesh.stats(): this backend's counters.
 */
PG_FUNCTION_INFO_V1(mesh_stats_fn);
Datum
mesh_stats_fn(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	values[0] = Int64GetDatum(mesh_stats.catalog_refreshes);
	values[1] = Int64GetDatum(mesh_stats.catalog_cache_hits);
	values[2] = Int64GetDatum(mesh_stats.catalog_messages);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
