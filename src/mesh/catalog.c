/*-------------------------------------------------------------------------
 *
 * catalog.c
 *		  The mesh catalog: a compacted Kafka topic whose records describe
 *		  the data products (README, "The catalog record"), read into a
 *		  per-connection cache.
 *
 * Every database pointed at the cluster reads the same topic, so they all
 * see the same mesh.  The cache remembers, per partition, the offset where
 * reading stopped; a discovery query asks the brokers for the partitions'
 * last stable offsets and consumes only when they moved.  A warm query on
 * an unchanged catalog thus reads no catalog records (mesh.stats() counts
 * both cases).
 *
 * Anyone with write access to the topic can put anything in it: a record
 * that is not valid JSON, lacks required fields or carries an invalid
 * schema is skipped with one WARNING naming its partition and offset.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/catalog.h"

#include "kafka/admin.h"
#include "kafka/reader.h"
#include "mesh/record.h"

#include "miscadmin.h"
#include "utils/hsearch.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

MeshStats	mesh_stats;

struct MeshCatalog
{
	MemoryContext cxt;			/* everything below lives here */
	char	   *topic;
	int			npartitions;
	int64	   *next_offset;	/* per partition: where reading stopped */
	HTAB	   *products;		/* qualified name -> MeshProduct * */
	List	   *events;			/* of MeshCatalogEvent *, in topic order */
};

typedef struct ProductEntry
{
	char		key[2 * MESH_MAX_NAME_LEN + 2];
	MeshProduct *product;
} ProductEntry;

/* A new, empty catalog for conn, in place of the one it had. */
static MeshCatalog *
catalog_new(MeshConnection *conn, int npartitions)
{
	MeshCatalog *old = mesh_connection_catalog(conn);
	MemoryContext cxt;
	MeshCatalog *catalog;
	HASHCTL		ctl;

	if (old)
		MemoryContextDelete(old->cxt);
	mesh_connection_set_catalog(conn, NULL);
	cxt = AllocSetContextCreate(mesh_connection_memory(conn), "mesh_fdw catalog",
								ALLOCSET_DEFAULT_SIZES);
	catalog = MemoryContextAllocZero(cxt, sizeof(MeshCatalog));
	catalog->cxt = cxt;
	catalog->topic = MemoryContextStrdup(cxt, mesh_connection_options(conn)->catalog_topic);
	catalog->npartitions = npartitions;
	catalog->next_offset = MemoryContextAllocZero(cxt, sizeof(int64) * Max(npartitions, 1));
	ctl.keysize = sizeof(((ProductEntry *) 0)->key);
	ctl.entrysize = sizeof(ProductEntry);
	ctl.hcxt = cxt;
	catalog->products = hash_create("mesh_fdw catalog products", 64, &ctl,
									HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	mesh_connection_set_catalog(conn, catalog);
	return catalog;
}

MeshProduct *
mesh_catalog_lookup(MeshCatalog *catalog, const char *qualified_name)
{
	ProductEntry *entry;

	if (strlen(qualified_name) >= sizeof(((ProductEntry *) 0)->key))
		return NULL;
	entry = hash_search(catalog->products, qualified_name, HASH_FIND, NULL);
	return entry ? entry->product : NULL;
}

static int
compare_products(const ListCell *a, const ListCell *b)
{
	return strcmp(((MeshProduct *) lfirst(a))->qualified_name,
				  ((MeshProduct *) lfirst(b))->qualified_name);
}

/* The catalog's products, by qualified name (a new list). */
List *
mesh_catalog_products(MeshCatalog *catalog)
{
	HASH_SEQ_STATUS scan;
	ProductEntry *entry;
	List	   *result = NIL;

	hash_seq_init(&scan, catalog->products);
	while ((entry = hash_seq_search(&scan)) != NULL)
		result = lappend(result, entry->product);
	list_sort(result, compare_products);
	return result;
}

/* A schema definition any product of the catalog has had, by fingerprint. */
const char *
mesh_catalog_schema_by_fingerprint(MeshCatalog *catalog, uint64 fingerprint)
{
	HASH_SEQ_STATUS scan;
	ProductEntry *entry;

	hash_seq_init(&scan, catalog->products);
	while ((entry = hash_seq_search(&scan)) != NULL)
	{
		ListCell   *lc;

		foreach(lc, entry->product->schemas)
			if (((MeshProductSchema *) lfirst(lc))->fingerprint == fingerprint)
			{
				hash_seq_term(&scan);
				return ((MeshProductSchema *) lfirst(lc))->definition;
			}
	}
	return NULL;
}

/* ------------------------------------------------------------------------
 * Parsing and validating one catalog record
 * ------------------------------------------------------------------------
 */


/* ------------------------------------------------------------------------
 * Reading the topic
 * ------------------------------------------------------------------------
 */

/* Apply one record of the catalog topic to the cache. */
static void
apply_record(MeshConnection *conn, MeshCatalog *catalog, int32 partition,
			 int64 offset, int64 timestamp_ms, const char *key, size_t keylen,
			 const char *value, size_t len, bool tombstone)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(catalog->cxt);
	MemoryContext scratch = AllocSetContextCreate(CurrentMemoryContext,
												  "mesh_fdw catalog record",
												  ALLOCSET_SMALL_SIZES);
	char		errbuf[512];
	char	   *keystr = NULL;
	MeshProduct *product = NULL;
	MeshProduct *previous;
	MeshCatalogEvent *event;
	ProductEntry *entry;
	bool		found;

	errbuf[0] = '\0';
	if (key == NULL || keylen == 0 || keylen >= sizeof(entry->key) ||
		memchr(key, '\0', keylen) != NULL)
		snprintf(errbuf, sizeof(errbuf), "the record has no valid key");
	else
	{
		keystr = pnstrdup(key, keylen);
		if (!tombstone)
		{
			/* parse in a scratch context, keep only the product */
			MemoryContextSwitchTo(scratch);
			product = mesh_parse_catalog_record(keystr, value, len, errbuf, sizeof(errbuf));
			MemoryContextSwitchTo(catalog->cxt);
			if (product != NULL)
				product = mesh_product_copy(product);
		}
	}
	MemoryContextDelete(scratch);

	if (errbuf[0] != '\0')
	{
		MemoryContextSwitchTo(oldcxt);
		ereport(WARNING,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("skipping invalid record at partition %d, offset " INT64_FORMAT " of catalog topic \"%s\" on server \"%s\"",
						partition, offset, catalog->topic, mesh_connection_options(conn)->servername),
				 errdetail("%s.", errbuf),
				 errhint("Publish a valid record for this product to replace it, or unpublish it.")));
		return;
	}

	previous = mesh_catalog_lookup(catalog, keystr);
	event = palloc0(sizeof(MeshCatalogEvent));
	event->partition = partition;
	event->offset = offset;
	event->event_time = mesh_kafka_timestamp(timestamp_ms);
	event->qualified_name = keystr;
	if (tombstone)
	{
		event->action = MESH_ACTION_UNPUBLISH;
		if (previous)
			hash_search(catalog->products, keystr, HASH_REMOVE, NULL);
	}
	else
	{
		event->action = product->version > 1 ? MESH_ACTION_UPDATE : MESH_ACTION_PUBLISH;
		event->version = product->version;
		event->published_by = product->published_by;
		event->descriptor = product->descriptor;
		entry = hash_search(catalog->products, keystr, HASH_ENTER, &found);
		entry->product = product;
	}
	catalog->events = lappend(catalog->events, event);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * Apply the records of [start[p], end[p]) of each partition of the catalog
 * topic to the cache, moving next_offset past each; when all is read, next
 * offset is the end (compaction and transaction markers leave gaps).  An
 * error midway leaves the cache consistent up to next_offset.
 */
static void
read_records(MeshConnection *conn, MeshCatalog *catalog, MeshReader *reader,
			 const int64 *end)
{
	rd_kafka_message_t *msg;
	int			p;

	mesh_reader_start(reader, catalog->npartitions, catalog->next_offset, end, -1);
	while ((msg = mesh_reader_next(reader)) != NULL)
	{
		int32		partition = msg->partition;
		int64		offset = msg->offset;
		int64		timestamp_ms = rd_kafka_message_timestamp(msg, NULL);
		char	   *key = msg->key ? pnstrdup(msg->key, msg->key_len) : NULL;
		size_t		keylen = msg->key_len;
		bool		tombstone = msg->payload == NULL;
		char	   *value = NULL;
		size_t		len = msg->len;

		/* copies, and the message freed, before anything can throw */
		if (!tombstone)
		{
			value = palloc(len + 1);
			memcpy(value, msg->payload, len);
			value[len] = '\0';
		}
		rd_kafka_message_destroy(msg);
		mesh_stats.catalog_messages++;
		apply_record(conn, catalog, partition, offset, timestamp_ms, key, keylen,
					 value, len, tombstone);
		if (key)
			pfree(key);
		if (value)
			pfree(value);
		catalog->next_offset[partition] = offset + 1;
	}
	for (p = 0; p < catalog->npartitions; p++)
		catalog->next_offset[p] = Max(catalog->next_offset[p], end[p]);
}

/*
 * The catalog of a connection, brought up to date.  On a failure to reach
 * the cluster reports at elevel and, if that returns, gives NULL.  A
 * catalog topic that does not exist is an empty mesh.
 */
MeshCatalog *
mesh_catalog_get(MeshConnection *conn, int elevel)
{
	const MeshServerOptions *opts = mesh_connection_options(conn);
	const rd_kafka_metadata_t *md;
	const char *topic = opts->catalog_topic;
	MeshCatalog *catalog = mesh_connection_catalog(conn);
	MeshReader *reader;
	int			npartitions = 0;
	int64	   *low;
	int64	   *high;
	bool		moved = false;
	int			p;
	int			i;

	md = mesh_fetch_metadata(conn, topic, elevel);
	if (md == NULL)
		return NULL;
	for (i = 0; i < md->topic_cnt; i++)
		if (strcmp(md->topics[i].topic, topic) == 0 &&
			md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR)
			npartitions = md->topics[i].partition_cnt;
	rd_kafka_metadata_destroy(md);

	if (catalog == NULL || catalog->npartitions != npartitions)
		catalog = catalog_new(conn, npartitions);
	if (npartitions == 0)
		return catalog;

	reader = mesh_reader_open(conn, topic, psprintf("catalog topic \"%s\" on server \"%s\"",
													topic, opts->servername), false);
	low = palloc(sizeof(int64) * npartitions);
	high = palloc(sizeof(int64) * npartitions);
	if (!mesh_reader_offsets(reader, npartitions, low, high, elevel))
	{
		mesh_reader_close(reader);
		return NULL;
	}
	for (p = 0; p < npartitions; p++)
		/* a topic deleted and created again: read it from scratch */
		if (high[p] < catalog->next_offset[p])
			catalog = catalog_new(conn, npartitions);
	for (p = 0; p < npartitions; p++)
		if (high[p] != catalog->next_offset[p])
			moved = true;

	if (!moved)
		mesh_stats.catalog_cache_hits++;
	else
	{
		for (p = 0; p < npartitions; p++)
			catalog->next_offset[p] = Max(catalog->next_offset[p], low[p]);
		mesh_stats.catalog_refreshes++;
		read_records(conn, catalog, reader, high);
	}
	mesh_reader_close(reader);
	pfree(low);
	pfree(high);
	return catalog;
}

List *
mesh_catalog_events(MeshCatalog *catalog)
{
	return catalog->events;
}

/*
 * The catalog topic changes only through mesh.publish_data_product() and
 * mesh.unpublish_data_product(), which check the domain's owner: refuse
 * any other write to it (a product or foreign table on it) with what.
 */
void
mesh_refuse_catalog_topic(MeshConnection *conn, const char *topic,
						  const char *what)
{
	const MeshServerOptions *opts = mesh_connection_options(conn);

	if (topic != NULL && strcmp(topic, opts->catalog_topic) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("cannot write to catalog topic \"%s\" of server \"%s\"",
						topic, opts->servername),
				 errdetail("It is the topic of %s.", what),
				 errhint("Publish and unpublish data products with mesh.publish_data_product() and mesh.unpublish_data_product().")));
}

/* Does the catalog hold a product of domain? */
bool
mesh_catalog_has_domain(MeshCatalog *catalog, const char *domain)
{
	ListCell   *lc;

	foreach(lc, mesh_catalog_products(catalog))
		if (strcmp(((MeshProduct *) lfirst(lc))->domain, domain) == 0)
			return true;
	return false;
}
