/*-------------------------------------------------------------------------
 *
 * publish.c
 *		  Publishing data products: mesh.publish_data_product() and
 *		  mesh.unpublish_data_product() write catalog records (design.md,
 *		  "Publishing"), creating the product's topic and the catalog topic
 *		  when needed.
 *
 * A record is produced with acks=all by an idempotent producer and the
 * call returns only once the brokers acknowledged it: a product is either
 * in the catalog or the call failed.  Kafka is not part of PostgreSQL's
 * transaction, so a ROLLBACK does not take a publication back.
 *
 *-------------------------------------------------------------------------
 */
#include "mesh_fdw.h"

#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/lsyscache.h"

/*
 * The server a publishing function works on: the one named, else the only
 * mesh_fdw server the user can use.
 */
ForeignServer *
mesh_pick_server(const char *servername)
{
	List	   *servers;

	if (servername != NULL)
	{
		ForeignServer *server = GetForeignServerByName(servername, false);
		ForeignDataWrapper *fdw = GetForeignDataWrapper(server->fdwid);
		AclResult	aclresult;

		if (strcmp(fdw->fdwname, "mesh_fdw") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("server \"%s\" is not a mesh_fdw server", servername)));
		aclresult = pg_foreign_server_aclcheck(server->serverid, GetUserId(), ACL_USAGE);
		if (aclresult != ACLCHECK_OK)
			aclcheck_error(aclresult, OBJECT_FOREIGN_SERVER, servername);
		return server;
	}
	servers = mesh_usable_servers();
	if (servers == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("there is no mesh_fdw server you can use"),
				 errhint("CREATE SERVER ... FOREIGN DATA WRAPPER mesh_fdw OPTIONS (brokers '...'), or ask for USAGE on one.")));
	if (list_length(servers) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_AMBIGUOUS_PARAMETER),
				 errmsg("there are %d mesh_fdw servers you can use", list_length(servers)),
				 errhint("Say which one with server => 'name'.")));
	return linitial(servers);
}

/*
 * Does topic exist on the cluster?  Sets *partitions when it does.
 */
bool
mesh_topic_exists(MeshConnection *conn, const char *topic, int *partitions)
{
	const rd_kafka_metadata_t *md = mesh_fetch_metadata(conn, topic, ERROR);
	bool		exists = false;
	int			i;

	for (i = 0; i < md->topic_cnt; i++)
		if (strcmp(md->topics[i].topic, topic) == 0 &&
			md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
			md->topics[i].partition_cnt > 0)
		{
			exists = true;
			if (partitions)
				*partitions = md->topics[i].partition_cnt;
		}
	rd_kafka_metadata_destroy(md);
	return exists;
}

static int
broker_count(MeshConnection *conn)
{
	const rd_kafka_metadata_t *md = mesh_fetch_metadata(conn, NULL, ERROR);
	int			n = md->broker_cnt;

	rd_kafka_metadata_destroy(md);
	return n;
}

/*
 * Create topic unless it exists, with replication factor min(3, brokers);
 * compacted for the catalog.  Waits until the topic's leaders are known.
 */
void
mesh_ensure_topic(MeshConnection *conn, const char *topic, int partitions,
				  bool compacted)
{
	rd_kafka_NewTopic_t *newtopic;
	rd_kafka_AdminOptions_t *options;
	rd_kafka_queue_t *queue;
	rd_kafka_event_t *ev = NULL;
	char		errstr[512];
	int			rf;
	TimestampTz deadline;
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;

	if (mesh_topic_exists(conn, topic, NULL))
		return;

	rf = Min(3, Max(1, broker_count(conn)));
	newtopic = rd_kafka_NewTopic_new(topic, partitions, rf, errstr, sizeof(errstr));
	if (newtopic == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot create topic \"%s\" on server \"%s\"", topic,
						conn->opts.servername),
				 errdetail("%s", errstr)));
	if (compacted)
		rd_kafka_NewTopic_set_config(newtopic, "cleanup.policy", "compact");

	options = rd_kafka_AdminOptions_new(conn->rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
	rd_kafka_AdminOptions_set_request_timeout(options, conn->opts.connect_timeout_ms,
											  errstr, sizeof(errstr));
	rd_kafka_AdminOptions_set_operation_timeout(options, conn->opts.connect_timeout_ms,
												errstr, sizeof(errstr));
	queue = rd_kafka_queue_new(conn->rk);
	rd_kafka_CreateTopics(conn->rk, &newtopic, 1, options, queue);

	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
										   conn->opts.connect_timeout_ms + 1000);
	while (ev == NULL && mesh_ms_left(deadline) > 0 && !INTERRUPTS_PENDING_CONDITION())
	{
		ev = rd_kafka_queue_poll(queue, MESH_WAIT_SLICE_MS);
		mesh_drain_client(conn);
	}
	if (ev != NULL)
	{
		const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
		size_t		cnt = 0;
		const rd_kafka_topic_result_t **results = NULL;

		err = rd_kafka_event_error(ev);
		strlcpy(errstr, rd_kafka_event_error_string(ev) ? rd_kafka_event_error_string(ev) : "",
				sizeof(errstr));
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR && res != NULL)
			results = rd_kafka_CreateTopics_result_topics(res, &cnt);
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR && cnt == 1)
		{
			err = rd_kafka_topic_result_error(results[0]);
			strlcpy(errstr, rd_kafka_topic_result_error_string(results[0]) ?
					rd_kafka_topic_result_error_string(results[0]) : rd_kafka_err2str(err),
					sizeof(errstr));
		}
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_queue_destroy(queue);
	rd_kafka_AdminOptions_destroy(options);
	rd_kafka_NewTopic_destroy(newtopic);
	CHECK_FOR_INTERRUPTS();

	if (ev == NULL)
		mesh_report_kafka_error(conn, conn->state, "a request to create a topic", ERROR);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not create topic \"%s\" on server \"%s\"", topic,
						conn->opts.servername),
				 errdetail("%s", errstr)));

	/* the controller answered; wait until the brokers serve the topic */
	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
										   conn->opts.connect_timeout_ms);
	while (!mesh_topic_exists(conn, topic, NULL) && mesh_ms_left(deadline) > 0)
	{
		pg_usleep(50000);
		CHECK_FOR_INTERRUPTS();
	}
}

/* ------------------------------------------------------------------------
 * Catalog records
 * ------------------------------------------------------------------------
 */

static void
json_key(StringInfo buf, const char *key)
{
	if (buf->len > 1)
		appendStringInfoChar(buf, ',');
	escape_json(buf, key);
	appendStringInfoChar(buf, ':');
}

static void
json_string_member(StringInfo buf, const char *key, const char *value)
{
	json_key(buf, key);
	if (value)
		escape_json(buf, value);
	else
		appendStringInfoString(buf, "null");
}

static void
json_list_member(StringInfo buf, const char *key, List *values)
{
	ListCell   *lc;

	json_key(buf, key);
	appendStringInfoChar(buf, '[');
	foreach(lc, values)
	{
		if (foreach_current_index(lc) > 0)
			appendStringInfoChar(buf, ',');
		escape_json(buf, lfirst(lc));
	}
	appendStringInfoChar(buf, ']');
}

/* Keys this version of mesh_fdw writes; a record's others are carried on. */
static const char *const known_keys[] = {
	"format", "domain", "name", "topic", "owner", "description", "sla",
	"quality", "tags", "mode", "key_format", "value_format", "schemas",
	"inputs", "version", "published_at", "published_by", NULL
};

/* The catalog record of product p (design.md, "The catalog record"). */
char *
mesh_build_catalog_record(const MeshProduct *p, const char *previous_descriptor)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	json_key(&buf, "format");
	appendStringInfoString(&buf, "1");
	json_string_member(&buf, "domain", p->domain);
	json_string_member(&buf, "name", p->name);
	json_string_member(&buf, "topic", p->topic);
	json_string_member(&buf, "owner", p->owner);
	json_string_member(&buf, "description", p->description);
	json_string_member(&buf, "sla", p->sla);
	json_string_member(&buf, "quality", p->quality);
	json_list_member(&buf, "tags", p->tags);
	json_string_member(&buf, "mode", p->mode);
	json_string_member(&buf, "key_format", p->key_format);
	json_string_member(&buf, "value_format", p->value_format);
	json_key(&buf, "schemas");
	appendStringInfoChar(&buf, '[');
	foreach(lc, p->schemas)
	{
		MeshProductSchema *s = lfirst(lc);
		char		fp[17];

		mesh_format_fingerprint(s->fingerprint, fp);
		appendStringInfo(&buf, "%s{\"version\":%d,\"fingerprint\":\"%s\",\"definition\":",
						 foreach_current_index(lc) > 0 ? "," : "", s->version, fp);
		escape_json(&buf, s->definition);
		if (s->has_registry)
		{
			appendStringInfoString(&buf, ",\"registry\":{\"subject\":");
			escape_json(&buf, s->registry_subject ? s->registry_subject : "");
			appendStringInfo(&buf, ",\"version\":%d,\"id\":%d}",
							 s->registry_version, s->registry_id);
		}
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, ']');
	json_list_member(&buf, "inputs", p->inputs);
	json_key(&buf, "version");
	appendStringInfo(&buf, "%d", p->version);
	json_string_member(&buf, "published_at", p->published_at);
	json_string_member(&buf, "published_by", p->published_by);

	/* unknown keys are kept, so that newer writers do not lose theirs */
	if (previous_descriptor)
	{
		char		errbuf[128];
		MeshJson   *prev = mesh_json_parse(previous_descriptor, strlen(previous_descriptor),
										   32, errbuf, sizeof(errbuf));
		int			i;

		for (i = 0; prev && prev->type == MJ_OBJECT && i < prev->count; i++)
		{
			const char *const *k;
			bool		known = false;
			MeshBuf		value;

			for (k = known_keys; *k; k++)
				if (strcmp(*k, prev->keys[i]) == 0)
					known = true;
			if (known)
				continue;
			json_key(&buf, prev->keys[i]);
			mesh_buf_init(&value);
			mesh_json_write(&value, prev->items[i]);
			appendBinaryStringInfo(&buf, value.data, value.len);
		}
	}
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/*
 * A topic just created may not be known yet to the broker the client asked
 * last: the client then fails a message without sending it, and it can be
 * produced again once the client has the topic's metadata.
 */
static bool
not_sent_yet(rd_kafka_resp_err_t err)
{
	return err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
		err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION;
}

/* Ask for topic's metadata again, which updates the client's view of it. */
static void
refresh_topic(MeshConnection *conn, const char *topic)
{
	rd_kafka_topic_t *rkt = rd_kafka_topic_new(conn->rk, topic, NULL);
	const rd_kafka_metadata_t *md = NULL;

	pg_usleep(100000L);
	CHECK_FOR_INTERRUPTS();
	if (rkt == NULL)
		return;
	if (rd_kafka_metadata(conn->rk, 0, rkt, &md, MESH_WAIT_SLICE_MS) == RD_KAFKA_RESP_ERR_NO_ERROR)
		rd_kafka_metadata_destroy(md);
	rd_kafka_topic_destroy(rkt);
	mesh_drain_client(conn);
}

/*
 * Produce one record to the catalog topic and wait for the brokers'
 * acknowledgement (acks=all).  value NULL writes a tombstone.
 */
static void
produce_catalog_record(MeshConnection *conn, const char *key, const char *value,
					   const char *qualified_name)
{
	MeshClientState *state = conn->state;
	rd_kafka_resp_err_t err;
	uint64		expected;
	uint64		failed_before;
	int			timeout = Max(conn->opts.connect_timeout_ms, 5000) + 2000;
	TimestampTz deadline;

	mesh_ensure_topic(conn, conn->opts.catalog_topic, 1, true);
	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout);

	for (;;)
	{
		expected = state->delivered + state->failed + 1;
		failed_before = state->failed;
		state->delivery_err = RD_KAFKA_RESP_ERR_NO_ERROR;
		state->first_error[0] = '\0';
		err = rd_kafka_producev(conn->rk,
								RD_KAFKA_V_TOPIC(conn->opts.catalog_topic),
								RD_KAFKA_V_KEY(key, strlen(key)),
								RD_KAFKA_V_VALUE((void *) value, value ? strlen(value) : 0),
								RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
								RD_KAFKA_V_END);
		if (not_sent_yet(err) && mesh_ms_left(deadline) > MESH_WAIT_SLICE_MS)
		{
			refresh_topic(conn, conn->opts.catalog_topic);
			continue;
		}
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("could not publish data product \"%s\" to catalog topic \"%s\" on server \"%s\"",
							qualified_name, conn->opts.catalog_topic, conn->opts.servername),
					 errdetail("%s", rd_kafka_err2str(err))));

		if (!mesh_wait_deliveries(conn, expected, (int) Max(mesh_ms_left(deadline), 1)))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("no acknowledgement for data product \"%s\" from server \"%s\" within %d ms",
							qualified_name, conn->opts.servername, timeout),
					 errdetail("The catalog record may still be written."),
					 errhint("Check mesh.data_products before publishing again.")));
		if (state->failed > failed_before && not_sent_yet(state->delivery_err) &&
			mesh_ms_left(deadline) > MESH_WAIT_SLICE_MS)
		{
			refresh_topic(conn, conn->opts.catalog_topic);
			continue;
		}
		break;
	}
	if (state->failed > failed_before)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not publish data product \"%s\" to catalog topic \"%s\" on server \"%s\"",
						qualified_name, conn->opts.catalog_topic, conn->opts.servername),
				 errdetail("%s", state->delivery_error)));
}

static char *
text_arg(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(n));
}

void
mesh_require_name(const char *what, const char *value)
{
	if (value == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a data product needs a %s", what)));
	if (!mesh_valid_name(value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_NAME),
				 errmsg("invalid %s \"%s\"", what, value),
				 errdetail("Domain and product names match [a-z][a-z0-9_]* and have at most %d characters.",
						   MESH_MAX_NAME_LEN)));
}

/*
 * What every product needs, published or derived: an owner, a
 * description, a topic name Kafka takes.
 */
void
mesh_check_product_fields(const MeshProduct *p)
{
	if (p->owner == NULL || p->owner[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("data product \"%s\" needs an owner", p->qualified_name),
				 errhint("Pass owner => '@team' (who answers for the product).")));
	if (p->description == NULL || p->description[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("data product \"%s\" needs a description", p->qualified_name),
				 errhint("Pass description => '...' (what the product holds).")));
	if (!mesh_valid_topic_name(p->topic))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_NAME),
				 errmsg("\"%s\" is not a Kafka topic name", p->topic),
				 errhint("Topic names have 1 to 249 characters from a-z, A-Z, 0-9, \".\", \"_\" and \"-\".")));
}

void
mesh_check_choice(const char *what, const char *value, const char *const *allowed)
{
	const char *const *a;
	StringInfoData buf;

	for (a = allowed; *a; a++)
		if (strcmp(value, *a) == 0)
			return;
	initStringInfo(&buf);
	for (a = allowed; *a; a++)
		appendStringInfo(&buf, "%s%s", a == allowed ? "" : ", ", *a);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown %s \"%s\"", what, value),
			 errhint("Valid values are: %s.", buf.data)));
}

const char *const mesh_value_formats[] = {"avro", "json", "text", "bytes", NULL};
const char *const mesh_key_formats[] = {"text", "bytes", "json", "avro", NULL};
const char *const mesh_modes[] = {"stream", "table", NULL};

/*
 * Validate an Avro schema given by a user; say where it is invalid.  The
 * portable parser checks it by the specification; avro-c checks that
 * another implementation reads it too.
 */
MeshAvroType *
mesh_validate_schema(const char *qualified_name, const char *definition)
{
	char		errbuf[512];
	MeshAvroType *schema = mesh_avro_parse(definition, strlen(definition),
										   errbuf, sizeof(errbuf));

	if (schema == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid Avro schema for data product \"%s\"", qualified_name),
				 errdetail("%s", errbuf)));
	if (!mesh_avro_c_check(definition, strlen(definition), errbuf, sizeof(errbuf)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid Avro schema for data product \"%s\"", qualified_name),
				 errdetail("Apache Avro C library: %s", errbuf)));
	return schema;
}

/*
 * A new schema must read everything written before: it must be able to
 * read data written with each schema the product has had (backward
 * compatibility, by the Avro specification's resolution rules).
 */
static void
check_backward_compatible(const char *qualified_name, const char *definition,
						  List *old_schemas)
{
	char		errbuf[512];
	MeshAvroType *reader = mesh_avro_parse(definition, strlen(definition),
										   errbuf, sizeof(errbuf));
	ListCell   *lc;

	foreach(lc, old_schemas)
	{
		MeshProductSchema *old = lfirst(lc);
		MeshAvroType *writer = mesh_avro_parse_ext(old->definition, strlen(old->definition),
												   MESH_AVRO_LAX_DEFAULTS,
												   errbuf, sizeof(errbuf));

		if (writer == NULL || reader == NULL)
			continue;
		if (!mesh_avro_can_read(reader, writer, errbuf, sizeof(errbuf)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the new schema of data product \"%s\" cannot read data written with its schema version %d",
							qualified_name, old->version),
					 errdetail("%s.", errbuf),
					 errhint("Give new fields a default, keep removed enum symbols or give the enum a default, or publish a new product.")));
	}
}

char *
mesh_utc_now_iso8601(void)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (timestamp2tm(GetCurrentTimestamp(), NULL, &tm, &fsec, NULL, NULL) != 0)
		elog(ERROR, "timestamp out of range");
	return psprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year, tm.tm_mon,
					tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

char *
mesh_current_publisher(void)
{
	return psprintf("%s@%s", GetUserNameFromId(GetUserId(), false),
					get_database_name(MyDatabaseId));
}

static List *
text_array_to_list(ArrayType *array)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;
	List	   *result = NIL;

	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (i = 0; i < n; i++)
		if (!nulls[i])
			result = lappend(result, TextDatumGetCString(elems[i]));
	return result;
}

/*
 * mesh.publish_data_product(domain, name, topic, owner, description, sla,
 *   quality, schema, value_format, key_format, mode, tags, partitions,
 *   server) returns the product's new version.
 *
 * Arguments left NULL keep the values of the product's previous record.
 */
PG_FUNCTION_INFO_V1(mesh_publish_data_product);
Datum
mesh_publish_data_product(PG_FUNCTION_ARGS)
{
	char	   *domain = text_arg(fcinfo, 0);
	char	   *name = text_arg(fcinfo, 1);
	char	   *schema_arg = text_arg(fcinfo, 7);
	ForeignServer *server;
	MeshConnection *conn;
	MeshCatalog *catalog;
	MeshProduct *prev;
	MeshProduct p;
	MeshProductSchema *current;
	MeshProductSchema *newschema = NULL;
	int			topic_partitions;
	char	   *record;

	mesh_require_name("domain", domain);
	mesh_require_name("name", name);
	server = mesh_pick_server(text_arg(fcinfo, 13));
	conn = mesh_connection_for(server);
	catalog = mesh_catalog_get(conn, ERROR);

	memset(&p, 0, sizeof(p));
	p.domain = domain;
	p.name = name;
	p.qualified_name = psprintf("%s.%s", domain, name);
	prev = mesh_catalog_lookup(catalog, p.qualified_name);

#define MERGE(field, argno, dflt) \
	p.field = text_arg(fcinfo, argno); \
	if (p.field == NULL && prev) p.field = prev->field; \
	if (p.field == NULL) p.field = (dflt)

	MERGE(topic, 2, psprintf("%s.%s", domain, name));
	MERGE(owner, 3, NULL);
	MERGE(description, 4, NULL);
	MERGE(sla, 5, NULL);
	MERGE(quality, 6, NULL);
	MERGE(value_format, 8, "avro");
	MERGE(key_format, 9, "text");
	MERGE(mode, 10, "stream");
#undef MERGE
	p.tags = !PG_ARGISNULL(11) ? text_array_to_list(PG_GETARG_ARRAYTYPE_P(11)) :
		prev ? prev->tags : NIL;
	p.inputs = prev ? prev->inputs : NIL;
	p.schemas = prev ? list_copy(prev->schemas) : NIL;
	p.version = prev ? prev->version + 1 : 1;
	p.published_at = mesh_utc_now_iso8601();
	p.published_by = mesh_current_publisher();

	mesh_check_product_fields(&p);
	mesh_check_choice("value_format", p.value_format, mesh_value_formats);
	mesh_check_choice("key_format", p.key_format, mesh_key_formats);
	mesh_check_choice("mode", p.mode, mesh_modes);

	/* the schema: given, else the registry's latest for <topic>-value */
	current = p.schemas ? llast(p.schemas) : NULL;
	if (schema_arg != NULL)
	{
		MeshAvroType *avro = mesh_validate_schema(p.qualified_name, schema_arg);

		newschema = palloc0(sizeof(MeshProductSchema));
		newschema->definition = schema_arg;
		newschema->fingerprint = mesh_schema_fingerprint(avro);
	}
	else if (conn->opts.schema_registry != NULL)
	{
		MeshRegistrySchema reg;
		char	   *subject = psprintf("%s-value", p.topic);

		if (mesh_registry_latest(conn, subject, &reg))
		{
			MeshAvroType *avro = mesh_validate_schema(p.qualified_name, reg.schema);

			newschema = palloc0(sizeof(MeshProductSchema));
			newschema->definition = reg.schema;
			newschema->fingerprint = mesh_schema_fingerprint(avro);
			newschema->has_registry = true;
			newschema->registry_subject = reg.subject;
			newschema->registry_version = reg.version;
			newschema->registry_id = reg.id;
		}
	}
	if (newschema != NULL && (current == NULL || current->fingerprint != newschema->fingerprint))
	{
		check_backward_compatible(p.qualified_name, newschema->definition, p.schemas);
		newschema->version = current ? current->version + 1 : 1;
		p.schemas = lappend(p.schemas, newschema);
	}
	if (p.schemas == NIL && strcmp(p.value_format, "avro") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("data product \"%s\" needs an Avro schema", p.qualified_name),
				 conn->opts.schema_registry
				 ? errhint("Pass schema => '<Avro schema JSON>', or register subject \"%s-value\" in the schema registry.", p.topic)
				 : errhint("Pass schema => '<Avro schema JSON>'.")));

	/* the topic: it exists, or partitions says to create it */
	if (!mesh_topic_exists(conn, p.topic, &topic_partitions))
	{
		if (PG_ARGISNULL(12))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("topic \"%s\" does not exist on server \"%s\"", p.topic,
							server->servername),
					 errhint("Pass partitions => N to create it.")));
		if (PG_GETARG_INT32(12) < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("partitions must be at least 1")));
		mesh_ensure_topic(conn, p.topic, PG_GETARG_INT32(12), false);
	}

	record = mesh_build_catalog_record(&p, prev ? prev->descriptor : NULL);
	produce_catalog_record(conn, p.qualified_name, record, p.qualified_name);
	PG_RETURN_INT32(p.version);
}

/*
 * mesh.unpublish_data_product(domain, name, server): write the tombstone.
 */
PG_FUNCTION_INFO_V1(mesh_unpublish_data_product);
Datum
mesh_unpublish_data_product(PG_FUNCTION_ARGS)
{
	char	   *domain = text_arg(fcinfo, 0);
	char	   *name = text_arg(fcinfo, 1);
	char	   *qualified_name;
	ForeignServer *server;
	MeshConnection *conn;
	MeshCatalog *catalog;

	mesh_require_name("domain", domain);
	mesh_require_name("name", name);
	qualified_name = psprintf("%s.%s", domain, name);
	server = mesh_pick_server(text_arg(fcinfo, 2));
	conn = mesh_connection_for(server);
	catalog = mesh_catalog_get(conn, ERROR);
	if (mesh_catalog_lookup(catalog, qualified_name) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("data product \"%s\" does not exist on server \"%s\"",
						qualified_name, server->servername)));
	produce_catalog_record(conn, qualified_name, NULL, qualified_name);
	PG_RETURN_VOID();
}
