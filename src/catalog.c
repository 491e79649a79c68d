/*-------------------------------------------------------------------------
 *
 * catalog.c
 *		  The mesh catalog: a compacted Kafka topic whose records describe
 *		  the data products (design.md, "The catalog record"), read into a
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
#include "mesh_fdw.h"

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

MeshStats	mesh_stats;

typedef struct ProductEntry
{
	char		key[2 * MESH_MAX_NAME_LEN + 2];
	MeshProduct *product;
} ProductEntry;

/* Domain and product names: [a-z][a-z0-9_]*, at most 63 bytes. */
bool
mesh_valid_name(const char *name)
{
	const char *p;

	if (name == NULL || name[0] < 'a' || name[0] > 'z' ||
		strlen(name) > MESH_MAX_NAME_LEN)
		return false;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

uint64
mesh_schema_fingerprint(const MeshAvroType *schema)
{
	char	   *canonical = mesh_avro_canonical_form(schema);
	uint64		fp = mesh_avro_fingerprint(canonical, strlen(canonical));

	mesh_free(canonical);
	return fp;
}

/*
 * The fingerprint as the catalog record writes it: its 8 bytes in
 * little-endian order, in hex (as they follow C3 01 in a single-object
 * encoded message).  out has room for 17 bytes.
 */
void
mesh_format_fingerprint(uint64 fingerprint, char *out)
{
	int			i;

	for (i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", (unsigned) ((fingerprint >> (8 * i)) & 0xff));
}

static MeshCatalog *
catalog_new(MeshConnection *conn, int npartitions)
{
	MemoryContext cxt = AllocSetContextCreate(conn->cxt, "mesh_fdw catalog",
											  ALLOCSET_DEFAULT_SIZES);
	MeshCatalog *catalog = MemoryContextAllocZero(cxt, sizeof(MeshCatalog));
	HASHCTL		ctl;

	catalog->cxt = cxt;
	catalog->topic = MemoryContextStrdup(cxt, conn->opts.catalog_topic);
	catalog->npartitions = npartitions;
	catalog->next_offset = MemoryContextAllocZero(cxt, sizeof(int64) * Max(npartitions, 1));
	ctl.keysize = sizeof(((ProductEntry *) 0)->key);
	ctl.entrysize = sizeof(ProductEntry);
	ctl.hcxt = cxt;
	catalog->products = hash_create("mesh_fdw catalog products", 64, &ctl,
									HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	return catalog;
}

static void
catalog_forget(MeshConnection *conn)
{
	if (conn->catalog)
		MemoryContextDelete(conn->catalog->cxt);
	conn->catalog = NULL;
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

MeshProductSchema *
mesh_product_current_schema(MeshProduct *product)
{
	return product->schemas ? llast(product->schemas) : NULL;
}

/* ------------------------------------------------------------------------
 * Parsing and validating one catalog record
 * ------------------------------------------------------------------------
 */

static const char *const record_modes[] = {"stream", "table", NULL};
static const char *const record_key_formats[] = {"text", "bytes", "json", "avro", NULL};
static const char *const record_value_formats[] = {"avro", "json", "text", "bytes", NULL};

static bool
one_of(const char *value, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(value, *allowed) == 0)
			return true;
	return false;
}

/*
 * A string member: *out set to a palloc'd copy, or NULL when absent or
 * JSON null and !required.  False (with errbuf) when it has another type
 * or is required and missing or empty.
 */
static bool
get_string(const MeshJson *obj, const char *key, bool required, char **out,
		   char *errbuf, size_t errlen)
{
	MeshJson   *v = mesh_json_get(obj, key);

	*out = NULL;
	if (v == NULL || v->type == MJ_NULL)
	{
		if (required)
		{
			snprintf(errbuf, errlen, "required field \"%s\" is missing", key);
			return false;
		}
		return true;
	}
	if (v->type != MJ_STRING)
	{
		snprintf(errbuf, errlen, "field \"%s\" is not a string", key);
		return false;
	}
	if (required && v->string_len == 0)
	{
		snprintf(errbuf, errlen, "field \"%s\" is empty", key);
		return false;
	}
	*out = pstrdup(v->string);
	return true;
}

static bool
get_string_list(const MeshJson *obj, const char *key, List **out,
				char *errbuf, size_t errlen)
{
	MeshJson   *v = mesh_json_get(obj, key);
	int			i;

	*out = NIL;
	if (v == NULL || v->type == MJ_NULL)
		return true;
	if (v->type != MJ_ARRAY)
	{
		snprintf(errbuf, errlen, "field \"%s\" is not an array", key);
		return false;
	}
	for (i = 0; i < v->count; i++)
	{
		if (v->items[i]->type != MJ_STRING)
		{
			snprintf(errbuf, errlen, "field \"%s\" holds a non-string", key);
			return false;
		}
		*out = lappend(*out, pstrdup(v->items[i]->string));
	}
	return true;
}

static bool
get_int(const MeshJson *obj, const char *key, bool required, int *out,
		char *errbuf, size_t errlen)
{
	MeshJson   *v = mesh_json_get(obj, key);

	if (v == NULL || v->type == MJ_NULL)
	{
		if (required)
		{
			snprintf(errbuf, errlen, "required field \"%s\" is missing", key);
			return false;
		}
		return true;
	}
	if (v->type != MJ_NUMBER || !v->is_integer || v->integer < 0 || v->integer > PG_INT32_MAX)
	{
		snprintf(errbuf, errlen, "field \"%s\" is not a non-negative integer", key);
		return false;
	}
	*out = (int) v->integer;
	return true;
}

static bool
parse_schema_entry(const MeshJson *entry, int index, MeshProductSchema **out,
				   char *errbuf, size_t errlen)
{
	MeshProductSchema *s = palloc0(sizeof(MeshProductSchema));
	const char *fp_text;
	MeshJson   *registry;
	MeshAvroType *avro;
	char		avro_err[256];
	char		computed[17];

	if (entry->type != MJ_OBJECT)
	{
		snprintf(errbuf, errlen, "schemas[%d] is not an object", index);
		return false;
	}
	s->version = index + 1;
	if (!get_int(entry, "version", false, &s->version, errbuf, errlen) ||
		!get_string(entry, "definition", true, &s->definition, errbuf, errlen))
		return false;
	avro = mesh_avro_parse(s->definition, strlen(s->definition), avro_err, sizeof(avro_err));
	if (avro == NULL)
	{
		snprintf(errbuf, errlen, "schemas[%d] is not a valid Avro schema: %s", index, avro_err);
		return false;
	}
	s->fingerprint = mesh_schema_fingerprint(avro);
	mesh_format_fingerprint(s->fingerprint, computed);
	fp_text = mesh_json_get_string(entry, "fingerprint");
	if (fp_text != NULL && pg_strcasecmp(fp_text, computed) != 0)
	{
		snprintf(errbuf, errlen, "schemas[%d] has fingerprint \"%s\", but its definition's is \"%s\"",
				 index, fp_text, computed);
		return false;
	}
	registry = mesh_json_get(entry, "registry");
	if (registry != NULL && registry->type == MJ_OBJECT)
	{
		s->has_registry = true;
		if (!get_string(registry, "subject", false, &s->registry_subject, errbuf, errlen) ||
			!get_int(registry, "version", false, &s->registry_version, errbuf, errlen) ||
			!get_int(registry, "id", false, &s->registry_id, errbuf, errlen))
			return false;
	}
	*out = s;
	return true;
}

/*
 * Parse and validate the record stored under key.  Returns NULL with the
 * reason in errbuf when the record breaks design.md's rules.
 */
static MeshProduct *
parse_record(const char *key, const char *value, size_t len,
			 char *errbuf, size_t errlen)
{
	MeshJson   *json;
	MeshJson   *v;
	MeshProduct *p;
	int			format = 1;
	int			i;

	json = mesh_json_parse(value, len, 32, errbuf, errlen);
	if (json == NULL)
	{
		char	   *reason = pstrdup(errbuf);

		snprintf(errbuf, errlen, "the record is not valid JSON: %s", reason);
		return NULL;
	}
	if (json->type != MJ_OBJECT)
	{
		snprintf(errbuf, errlen, "the record is not a JSON object");
		return NULL;
	}
	if (!get_int(json, "format", false, &format, errbuf, errlen))
		return NULL;
	if (format != 1)
	{
		snprintf(errbuf, errlen, "record format %d is not one this mesh_fdw reads", format);
		return NULL;
	}

	p = palloc0(sizeof(MeshProduct));
	if (!get_string(json, "domain", true, &p->domain, errbuf, errlen) ||
		!get_string(json, "name", true, &p->name, errbuf, errlen) ||
		!get_string(json, "topic", true, &p->topic, errbuf, errlen) ||
		!get_string(json, "owner", true, &p->owner, errbuf, errlen) ||
		!get_string(json, "description", true, &p->description, errbuf, errlen) ||
		!get_string(json, "sla", false, &p->sla, errbuf, errlen) ||
		!get_string(json, "quality", false, &p->quality, errbuf, errlen) ||
		!get_string(json, "mode", false, &p->mode, errbuf, errlen) ||
		!get_string(json, "key_format", false, &p->key_format, errbuf, errlen) ||
		!get_string(json, "value_format", false, &p->value_format, errbuf, errlen) ||
		!get_string(json, "published_at", false, &p->published_at, errbuf, errlen) ||
		!get_string(json, "published_by", false, &p->published_by, errbuf, errlen) ||
		!get_string_list(json, "tags", &p->tags, errbuf, errlen) ||
		!get_string_list(json, "inputs", &p->inputs, errbuf, errlen) ||
		!get_int(json, "version", true, &p->version, errbuf, errlen))
		return NULL;

	if (!mesh_valid_name(p->domain) || !mesh_valid_name(p->name))
	{
		snprintf(errbuf, errlen, "domain and name must match [a-z][a-z0-9_]* and have at most %d characters",
				 MESH_MAX_NAME_LEN);
		return NULL;
	}
	p->qualified_name = psprintf("%s.%s", p->domain, p->name);
	if (strcmp(p->qualified_name, key) != 0)
	{
		snprintf(errbuf, errlen, "the record describes \"%s\" but its key is \"%s\"",
				 p->qualified_name, key);
		return NULL;
	}
	if (!mesh_valid_topic_name(p->topic))
	{
		snprintf(errbuf, errlen, "\"%s\" is not a Kafka topic name", p->topic);
		return NULL;
	}
	if (p->version < 1)
	{
		snprintf(errbuf, errlen, "field \"version\" must be at least 1");
		return NULL;
	}
	if (p->mode == NULL)
		p->mode = pstrdup("stream");
	if (p->key_format == NULL)
		p->key_format = pstrdup("text");
	if (p->value_format == NULL)
		p->value_format = pstrdup("avro");
	if (!one_of(p->mode, record_modes) || !one_of(p->key_format, record_key_formats) ||
		!one_of(p->value_format, record_value_formats))
	{
		snprintf(errbuf, errlen, "unknown mode, key_format or value_format");
		return NULL;
	}

	v = mesh_json_get(json, "schemas");
	if (v != NULL && v->type != MJ_NULL && v->type != MJ_ARRAY)
	{
		snprintf(errbuf, errlen, "field \"schemas\" is not an array");
		return NULL;
	}
	for (i = 0; v != NULL && v->type == MJ_ARRAY && i < v->count; i++)
	{
		MeshProductSchema *s;

		if (!parse_schema_entry(v->items[i], i, &s, errbuf, errlen))
			return NULL;
		p->schemas = lappend(p->schemas, s);
	}
	if (p->schemas == NIL && strcmp(p->value_format, "avro") == 0)
	{
		snprintf(errbuf, errlen, "an Avro data product has no schema");
		return NULL;
	}
	p->descriptor = pnstrdup(value, len);
	return p;
}

static char *
copy_string(const char *s)
{
	return s ? pstrdup(s) : NULL;
}

static List *
copy_string_list(List *list)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, list)
		result = lappend(result, pstrdup(lfirst(lc)));
	return result;
}

/* A deep copy of a product in the current memory context. */
static MeshProduct *
copy_product(const MeshProduct *p)
{
	MeshProduct *c = palloc(sizeof(MeshProduct));
	ListCell   *lc;

	*c = *p;
	c->qualified_name = copy_string(p->qualified_name);
	c->domain = copy_string(p->domain);
	c->name = copy_string(p->name);
	c->topic = copy_string(p->topic);
	c->owner = copy_string(p->owner);
	c->description = copy_string(p->description);
	c->sla = copy_string(p->sla);
	c->quality = copy_string(p->quality);
	c->tags = copy_string_list(p->tags);
	c->mode = copy_string(p->mode);
	c->key_format = copy_string(p->key_format);
	c->value_format = copy_string(p->value_format);
	c->inputs = copy_string_list(p->inputs);
	c->published_at = copy_string(p->published_at);
	c->published_by = copy_string(p->published_by);
	c->descriptor = copy_string(p->descriptor);
	c->schemas = NIL;
	foreach(lc, p->schemas)
	{
		MeshProductSchema *s = palloc(sizeof(MeshProductSchema));

		*s = *(MeshProductSchema *) lfirst(lc);
		s->definition = copy_string(s->definition);
		s->registry_subject = copy_string(s->registry_subject);
		c->schemas = lappend(c->schemas, s);
	}
	return c;
}

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
			product = parse_record(keystr, value, len, errbuf, sizeof(errbuf));
			MemoryContextSwitchTo(catalog->cxt);
			if (product != NULL)
				product = copy_product(product);
		}
	}
	MemoryContextDelete(scratch);

	if (errbuf[0] != '\0')
	{
		MemoryContextSwitchTo(oldcxt);
		ereport(WARNING,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("skipping invalid record at partition %d, offset " INT64_FORMAT " of catalog topic \"%s\" on server \"%s\"",
						partition, offset, catalog->topic, conn->opts.servername),
				 errdetail("%s.", errbuf),
				 errhint("Publish a valid record for this product to replace it, or unpublish it.")));
		return;
	}

	previous = mesh_catalog_lookup(catalog, keystr);
	event = palloc0(sizeof(MeshCatalogEvent));
	event->partition = partition;
	event->offset = offset;
	event->event_time = (TimestampTz) ((timestamp_ms - ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * 86400000)) * 1000);
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
 * One message handed to a ConsumeFn: key and value are palloc'd copies
 * (the librdkafka message is already freed), value NULL for a tombstone.
 */
typedef struct ConsumedMessage
{
	int32		partition;
	int64		offset;
	int64		timestamp_ms;	/* -1 when the message has none */
	char	   *key;
	size_t		keylen;
	char	   *value;
	size_t		len;
} ConsumedMessage;

typedef void (*ConsumeFn) (ConsumedMessage *msg, void *arg);

/*
 * Read partitions 0..n-1 of topic with consumer from start[p] up to end[p]
 * (skipping those with start >= end), handing each message to fn.  A
 * partition is done when the consumer's position reaches its end or it
 * reports partition EOF: transaction markers and aborted batches leave
 * gaps, so the message at end-1 may never come.  next[p] (if not NULL) is
 * set to where reading stopped.  A stall longer than connect_timeout_ms
 * is an ERROR; a cancel is honoured at once.
 */
static void
consume_range(MeshConnection *conn, rd_kafka_t *consumer, const char *topic,
			  int n, const int64 *start, const int64 *end, int64 *next,
			  bool copy_payload, ConsumeFn fn, void *arg)
{
	rd_kafka_topic_partition_list_t *assignment;
	bool	   *done = palloc0(sizeof(bool) * Max(n, 1));
	int			remaining = 0;
	int			p;
	TimestampTz deadline;
	rd_kafka_resp_err_t err;

	assignment = rd_kafka_topic_partition_list_new(Max(n, 1));
	for (p = 0; p < n; p++)
	{
		if (next)
			next[p] = Max(next[p], start[p]);
		if (start[p] >= end[p])
		{
			done[p] = true;
			continue;
		}
		rd_kafka_topic_partition_list_add(assignment, topic, p)->offset = start[p];
		remaining++;
	}
	err = remaining > 0 ? rd_kafka_assign(consumer, assignment) : RD_KAFKA_RESP_ERR_NO_ERROR;
	rd_kafka_topic_partition_list_destroy(assignment);
	if (err)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not read topic \"%s\" on server \"%s\"",
						topic, conn->opts.servername),
				 errdetail("%s", rd_kafka_err2str(err))));

	conn->consumer_state->first_error[0] = '\0';
	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), conn->opts.connect_timeout_ms);
	while (remaining > 0)
	{
		rd_kafka_message_t *msg;
		ConsumedMessage m;

		msg = rd_kafka_consumer_poll(consumer,
									 (int) Max(1, Min(mesh_ms_left(deadline), MESH_WAIT_SLICE_MS)));
		mesh_drain_client(conn);
		if (msg == NULL)
		{
			if (mesh_ms_left(deadline) <= 0)
			{
				rd_kafka_assign(consumer, NULL);
				mesh_report_kafka_error(conn, conn->consumer_state,
										psprintf("a fetch from topic \"%s\"", topic), ERROR);
			}
			if (INTERRUPTS_PENDING_CONDITION())
			{
				rd_kafka_assign(consumer, NULL);
				CHECK_FOR_INTERRUPTS();
			}
			continue;
		}
		memset(&m, 0, sizeof(m));
		m.partition = msg->partition;
		m.offset = msg->offset;
		err = msg->err;
		if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
		{
			rd_kafka_message_destroy(msg);
			if (m.partition >= 0 && m.partition < n && !done[m.partition])
			{
				if (next)
					next[m.partition] = Max(next[m.partition], m.offset);
				done[m.partition] = true;
				remaining--;
			}
			continue;
		}
		if (err)
		{
			char		reason[256];

			strlcpy(reason, rd_kafka_message_errstr(msg), sizeof(reason));
			rd_kafka_message_destroy(msg);
			if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
				err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
				err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
				err == RD_KAFKA_RESP_ERR__FATAL)
			{
				rd_kafka_assign(consumer, NULL);
				ereport(ERROR,
						(errcode(ERRCODE_FDW_ERROR),
						 errmsg("could not read topic \"%s\" on server \"%s\"",
								topic, conn->opts.servername),
						 errdetail("%s", reason)));
			}
			continue;			/* transient: librdkafka retries */
		}

		/* copy what we need and free the message before anything throws */
		m.timestamp_ms = rd_kafka_message_timestamp(msg, NULL);
		if (copy_payload)
		{
			if (msg->key)
			{
				m.keylen = msg->key_len;
				m.key = pnstrdup(msg->key, m.keylen);
			}
			if (msg->payload)
			{
				m.len = msg->len;
				m.value = palloc(m.len + 1);
				memcpy(m.value, msg->payload, m.len);
				m.value[m.len] = '\0';
			}
		}
		rd_kafka_message_destroy(msg);

		if (m.partition < 0 || m.partition >= n || done[m.partition])
			continue;
		fn(&m, arg);
		if (m.key)
			pfree(m.key);
		if (m.value)
			pfree(m.value);
		if (next)
			next[m.partition] = m.offset + 1;
		if (m.offset + 1 >= end[m.partition])
		{
			done[m.partition] = true;
			remaining--;
		}
		/* progress: the timeout bounds a stall, not the whole read */
		deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
											   conn->opts.connect_timeout_ms);
	}
	rd_kafka_assign(consumer, NULL);
	pfree(done);
}

typedef struct CatalogReader
{
	MeshConnection *conn;
	MeshCatalog *catalog;
} CatalogReader;

static void
catalog_message(ConsumedMessage *m, void *arg)
{
	CatalogReader *reader = (CatalogReader *) arg;

	mesh_stats.catalog_messages++;
	apply_record(reader->conn, reader->catalog, m->partition, m->offset,
				 m->timestamp_ms, m->key, m->keylen, m->value, m->len,
				 m->value == NULL);
}

static void
latest_timestamp_message(ConsumedMessage *m, void *arg)
{
	int64	   *latest_ms = (int64 *) arg;

	/* offsets only grow: the last message read is the latest */
	latest_ms[m->partition] = m->timestamp_ms;
}

/*
 * The timestamp of the latest message of each partition (-1 if it has
 * none).  The message at high-1 may be a transaction marker or aborted,
 * so look back further when the tail holds no message.
 */
void
mesh_read_latest_timestamps(MeshConnection *conn, rd_kafka_t *consumer,
							const char *topic, int n, const int64 *low,
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
		consume_range(conn, consumer, topic, n, start, end, NULL, false,
					  latest_timestamp_message, latest_ms);
	}
}

/*
 * The catalog of a connection, brought up to date.  On a failure to reach
 * the cluster reports at elevel and, if that returns, gives NULL.  A
 * catalog topic that does not exist is an empty mesh.
 */
MeshCatalog *
mesh_catalog_get(MeshConnection *conn, int elevel)
{
	const rd_kafka_metadata_t *md;
	const char *topic = conn->opts.catalog_topic;
	rd_kafka_t *consumer;
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

	if (conn->catalog == NULL || conn->catalog->npartitions != npartitions)
	{
		catalog_forget(conn);
		conn->catalog = catalog_new(conn, npartitions);
	}
	if (npartitions == 0)
		return conn->catalog;

	consumer = mesh_get_catalog_consumer(conn);
	low = palloc(sizeof(int64) * npartitions);
	high = palloc(sizeof(int64) * npartitions);
	for (p = 0; p < npartitions; p++)
	{
		if (!mesh_query_watermarks(conn, consumer, topic, p, &low[p], &high[p], elevel))
			return NULL;
		/* a topic deleted and created again: read it from scratch */
		if (high[p] < conn->catalog->next_offset[p])
		{
			catalog_forget(conn);
			conn->catalog = catalog_new(conn, npartitions);
		}
	}
	for (p = 0; p < npartitions; p++)
		if (high[p] != conn->catalog->next_offset[p])
			moved = true;

	if (!moved)
		mesh_stats.catalog_cache_hits++;
	else
	{
		CatalogReader reader = {conn, conn->catalog};

		for (p = 0; p < npartitions; p++)
			conn->catalog->next_offset[p] = Max(conn->catalog->next_offset[p], low[p]);
		/* an error midway leaves the cache consistent up to next_offset */
		mesh_stats.catalog_refreshes++;
		consume_range(conn, consumer, topic, npartitions, conn->catalog->next_offset,
					  high, conn->catalog->next_offset, true, catalog_message, &reader);
	}
	pfree(low);
	pfree(high);
	return conn->catalog;
}
