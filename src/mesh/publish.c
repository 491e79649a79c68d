/*-------------------------------------------------------------------------
 *
 * publish.c
 *		  Publishing data products: mesh.publish_data_product() and
 *		  mesh.unpublish_data_product() write catalog records (README,
 *		  "Publishing data products"), creating the product's topic and the catalog topic
 *		  when needed.
 *
 * A record is produced with acks=all by an idempotent producer and the
 * call returns only once the brokers acknowledged it: a product is either
 * in the catalog or the call failed.  Kafka is not part of PostgreSQL's
 * transaction, so a ROLLBACK does not take a publication back.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/publish.h"

#include "core/avro_compat.h"
#include "core/avro_schema.h"
#include "core/debezium.h"
#include "core/json.h"
#include "core/json_schema.h"
#include "core/options.h"
#include "core/protobuf.h"
#include "kafka/admin.h"
#include "kafka/client.h"
#include "kafka/producer.h"
#include "kafka/registry.h"
#include "kafka/settings.h"
#include "mesh/avro_c_check.h"
#include "mesh/catalog.h"
#include "mesh/continuous.h"
#include "mesh/ownership.h"
#include "mesh/product.h"
#include "mesh/protobuf_refs.h"
#include "mesh/record.h"
#include "mesh/servers.h"

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
 * Produce one record to the catalog topic and wait for the brokers'
 * acknowledgement (acks=all).  value NULL writes a tombstone.
 */
static void
produce_catalog_record(MeshConnection *conn, const char *key, const char *value,
					   const char *qualified_name)
{
	const MeshServerOptions *opts = mesh_connection_options(conn);
	int			timeout = Max(opts->connect_timeout_ms, 5000) + 2000;
	char		reason[512];

	mesh_ensure_topic(conn, opts->catalog_topic, 1, true);
	switch (mesh_produce_acked(conn, opts->catalog_topic, key, value, timeout,
							   reason, sizeof(reason)))
	{
		case MESH_ACKED:
			return;
		case MESH_NOT_ACKED:
			ereport(ERROR,
					(errcode(ERRCODE_CONNECTION_FAILURE),
					 errmsg("no acknowledgement for data product \"%s\" from server \"%s\" within %d ms",
							qualified_name, opts->servername, timeout),
					 errdetail("The catalog record may still be written."),
					 errhint("Check mesh.data_products before publishing again.")));
			break;
		case MESH_NOT_AUTHORIZED:
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to write catalog topic \"%s\" on server \"%s\"",
							opts->catalog_topic, opts->servername),
					 errdetail("The brokers' authorizer refused the catalog record of data product \"%s\": the principal of your user mapping lacks the WRITE permission on topic \"%s\" (%s).",
							   qualified_name, opts->catalog_topic, reason),
					 errhint("Kafka's ACLs decide who may change the mesh: ask its administrators for WRITE on topic \"%s\" (README, \"Who may change the mesh\").",
							 opts->catalog_topic)));
			break;
		case MESH_NOT_WRITTEN:
			ereport(ERROR,
					(errcode(ERRCODE_FDW_ERROR),
					 errmsg("could not publish data product \"%s\" to catalog topic \"%s\" on server \"%s\"",
							qualified_name, opts->catalog_topic, opts->servername),
					 errdetail_internal("%s", reason)));
	}
}

/* A text argument, NULL when SQL NULL. */
char *
mesh_text_arg(FunctionCallInfo fcinfo, int n)
{
	return PG_ARGISNULL(n) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/* A text[] argument's non-NULL elements; NIL when SQL NULL. */
List *
mesh_text_array_arg(FunctionCallInfo fcinfo, int n)
{
	Datum	   *elems;
	bool	   *nulls;
	int			count;
	int			i;
	List	   *result = NIL;

	if (PG_ARGISNULL(n))
		return NIL;
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(n), TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &count);
	for (i = 0; i < count; i++)
		if (!nulls[i])
			result = lappend(result, TextDatumGetCString(elems[i]));
	return result;
}

/*
 * The product named by arguments 0 and 1 (domain, name), checked; returns
 * its qualified name.
 */
char *
mesh_product_name_args(FunctionCallInfo fcinfo, char **domain, char **name)
{
	*domain = mesh_text_arg(fcinfo, 0);
	*name = mesh_text_arg(fcinfo, 1);
	mesh_require_name("domain", *domain);
	mesh_require_name("name", *name);
	return psprintf("%s.%s", *domain, *name);
}

/*
 * The catalog of the server named by argument n (NULL: the only one), for
 * a change to product qualified_name of domain: the domain's owner is
 * checked (src/mesh/ownership.c) before anything is written.
 */
MeshCatalog *
mesh_catalog_for_arg(FunctionCallInfo fcinfo, int n, const char *domain,
					 const char *qualified_name, MeshDomainAction action,
					 ForeignServer **server, MeshConnection **conn)
{
	MeshCatalog *catalog;

	*server = mesh_pick_server(mesh_text_arg(fcinfo, n));
	*conn = mesh_connection_for(*server);
	catalog = mesh_catalog_get(*conn, ERROR);
	mesh_check_domain_owner((*server)->servername, domain, qualified_name,
							action, mesh_catalog_has_domain(catalog, domain));
	return catalog;
}

/*
 * Refuse product p a topic that is the server's catalog topic or another
 * domain's product's: writing it would change what that domain owns.
 */
static void
check_topic_free(MeshConnection *conn, MeshCatalog *catalog, const MeshProduct *p)
{
	const char *catalog_topic = mesh_connection_options(conn)->catalog_topic;
	ListCell   *lc;

	mesh_refuse_catalog_topic(conn, p->topic,
							  psprintf("data product \"%s\"", p->qualified_name));
	foreach(lc, mesh_catalog_products(catalog))
	{
		MeshProduct *other = lfirst(lc);

		if (strcmp(other->topic, p->topic) == 0 &&
			strcmp(other->domain, p->domain) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("topic \"%s\" belongs to data product \"%s\" of another domain",
							p->topic, other->qualified_name),
					 errdetail("Data product \"%s\" may not share it (catalog topic \"%s\").",
							   p->qualified_name, catalog_topic),
					 errhint("Pass a topic of your own: topic => '...'.")));
	}
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
				 errdetail_internal("%s", errbuf)));
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

/*
 * A Protobuf product's new schema must read what its previous one wrote
 * (Confluent's BACKWARD rules for Protobuf, core/protobuf_compat.c).
 */
static void
check_protobuf_backward(const MeshProduct *p, const MeshPbFile *file, const MeshProduct *prev)
{
	char		errbuf[1024];
	MeshPbFile *old;

	if (prev == NULL || prev->protobuf_schema == NULL || prev->protobuf_id == p->protobuf_id)
		return;
	old = mesh_pb_parse_references(prev->protobuf_schema, prev->protobuf_references,
								   errbuf, sizeof(errbuf));
	if (old != NULL && mesh_pb_check_backward(file, old, errbuf, sizeof(errbuf)) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the new Protobuf schema of data product \"%s\" (subject \"%s\" version %d) cannot read data written with its schema version %d",
						p->qualified_name, p->protobuf_subject, p->protobuf_version,
						prev->protobuf_version),
				 errdetail("%s.", errbuf),
				 errhint("Register a compatible schema under subject \"%s\" (keep field numbers and their wire types, and the messages), or publish a new product.",
						 p->protobuf_subject)));
}

/*
 * A Protobuf product's schema: the registry's latest of <topic>-value,
 * with the schemas its references name, checked to parse and to read what
 * the previous one wrote, kept in the record's "protobuf" key.
 */
static void
protobuf_schema(MeshConnection *conn, MeshProduct *p, bool schema_given,
				const MeshProduct *prev)
{
	MeshRegistrySchema reg;
	char	   *subject = psprintf("%s-value", p->topic);
	char		errbuf[512];
	List	   *references;
	MeshPbFile *file;

	if (schema_given)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("data product \"%s\" takes its Protobuf schema from the schema registry",
						p->qualified_name),
				 errhint("Register the schema under subject \"%s\" and call without schema.",
						 subject)));
	if (mesh_connection_options(conn)->schema_registry == NULL ||
		!mesh_registry_latest(conn, subject, &reg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("data product \"%s\" needs a Protobuf schema in the schema registry",
						p->qualified_name),
				 errhint("Register it under subject \"%s\" (a producer's ProtobufSerializer does).",
						 subject)));
	references = mesh_registry_resolve_references(conn, reg.references);
	file = mesh_pb_parse_references(reg.schema, references, errbuf, sizeof(errbuf));
	if (file == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("subject \"%s\" in the schema registry of server \"%s\" does not hold a Protobuf schema mesh_fdw reads",
						subject, mesh_connection_options(conn)->servername),
				 errdetail("%s.", errbuf),
				 errhint("Register a schema mesh_fdw reads under subject \"%s\"; each file it imports (but the well-known types) under a subject of its own, named by a reference {\"name\", \"subject\", \"version\"} of the schema (a ProtobufSerializer with auto.register.schemas registers both).",
						 subject)));
	p->protobuf_schema = reg.schema;
	p->protobuf_subject = reg.subject;
	p->protobuf_version = reg.version;
	p->protobuf_id = reg.id;
	p->protobuf_references = references;
	check_protobuf_backward(p, file, prev);
}

/*
 * A JSON product's JSON Schema, the registry's latest of <topic>-value,
 * checked to compile, kept in the record's "json_schema" key for the
 * views and IMPORT (scans and INSERT take theirs from the registry).
 */
static void
json_schema_copy(MeshProduct *p, const MeshRegistrySchema *reg)
{
	char		errbuf[256];

	if (mesh_json_schema_compile(reg->schema, strlen(reg->schema), errbuf, sizeof(errbuf)) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("subject \"%s\" does not hold a JSON Schema mesh_fdw reads: %s",
						reg->subject, errbuf),
				 errhint("Register a JSON Schema object under subject \"%s\", or delete the subject to publish the product as plain JSON.",
						 reg->subject)));
	p->json_schema = reg->schema;
	p->json_schema_subject = reg->subject;
	p->json_schema_version = reg->version;
	p->json_schema_id = reg->id;
}

/*
 * envelope 'debezium': the values are change events, Avro or JSON; an
 * Avro schema is that of a change event (a record with "after" and "op").
 */
static void
check_envelope(const MeshProduct *p)
{
	MeshProductSchema *current;
	MeshJson   *json;
	MeshDbzFields fields;
	char		errbuf[256];

	if (strcmp(p->envelope, "debezium") != 0)
		return;
	if (strcmp(p->value_format, "avro") != 0 && strcmp(p->value_format, "json") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("data product \"%s\" with envelope 'debezium' must have value_format 'avro' or 'json', not '%s'",
						p->qualified_name, p->value_format),
				 errdetail("Debezium change events are Avro records or JSON objects.")));
	if (p->schemas == NIL)
		return;
	current = llast(p->schemas);
	json = mesh_json_parse(current->definition, strlen(current->definition), 0,
						   errbuf, sizeof(errbuf));
	if (json == NULL || !mesh_dbz_fields(json, true, &fields, errbuf, sizeof(errbuf)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the schema of data product \"%s\" is not that of a Debezium change event",
						p->qualified_name),
				 errdetail("%s", errbuf),
				 errhint("Give the schema of the connector's value: a record with fields \"before\", \"after\", \"source\", \"op\" and \"ts_ms\".")));
}

/*
 * mesh.publish_data_product(domain, name, topic, owner, description, sla,
 *   quality, schema, value_format, key_format, mode, tags, partitions,
 *   server, envelope) returns the product's new version.  (The function
 *   of extension versions before 1.4 has no envelope.)
 *
 * Arguments left NULL keep the values of the product's previous record.
 */
PG_FUNCTION_INFO_V1(mesh_publish_data_product);
Datum
mesh_publish_data_product(PG_FUNCTION_ARGS)
{
	char	   *domain;
	char	   *name;
	char	   *schema_arg = mesh_text_arg(fcinfo, 7);
	ForeignServer *server;
	MeshConnection *conn;
	MeshCatalog *catalog;
	MeshProduct *prev;
	MeshProduct p;
	MeshProductSchema *current;
	MeshProductSchema *newschema = NULL;
	int			topic_partitions;
	char	   *record;

	memset(&p, 0, sizeof(p));
	p.qualified_name = mesh_product_name_args(fcinfo, &domain, &name);
	p.domain = domain;
	p.name = name;
	catalog = mesh_catalog_for_arg(fcinfo, 13, domain, p.qualified_name,
								   MESH_DOMAIN_PUBLISH, &server, &conn);
	prev = mesh_catalog_lookup(catalog, p.qualified_name);

#define MERGE(field, argno, dflt) \
	p.field = mesh_text_arg(fcinfo, argno); \
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
	p.envelope = PG_NARGS() > 14 ? mesh_text_arg(fcinfo, 14) : NULL;
	if (p.envelope == NULL && prev)
		p.envelope = prev->envelope;
	if (p.envelope == NULL)
		p.envelope = "none";
	p.tags = !PG_ARGISNULL(11) ? mesh_text_array_arg(fcinfo, 11) :
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
	mesh_check_choice("envelope", p.envelope, mesh_envelopes);

	/* the schema: given, else the registry's latest for <topic>-value */
	current = p.schemas ? llast(p.schemas) : NULL;
	if (strcmp(p.value_format, "protobuf") == 0)
		protobuf_schema(conn, &p, schema_arg != NULL, prev);
	else if (schema_arg != NULL)
	{
		MeshAvroType *avro = mesh_validate_schema(p.qualified_name, schema_arg);

		newschema = palloc0(sizeof(MeshProductSchema));
		newschema->definition = schema_arg;
		newschema->fingerprint = mesh_schema_fingerprint(avro);
	}
	else if (mesh_connection_options(conn)->schema_registry != NULL)
	{
		MeshRegistrySchema reg;
		char	   *subject = psprintf("%s-value", p.topic);
		bool		found = mesh_registry_latest(conn, subject, &reg);

		/* a JSON Schema is not in `schemas`, which hold Avro only */
		if (found && strcmp(reg.schema_type, "JSON") == 0 &&
			strcmp(p.value_format, "json") == 0)
			json_schema_copy(&p, &reg);
		else if (found && strcmp(reg.schema_type, "AVRO") == 0)
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
				 mesh_connection_options(conn)->schema_registry
				 ? errhint("Pass schema => '<Avro schema JSON>', or register subject \"%s-value\" in the schema registry.", p.topic)
				 : errhint("Pass schema => '<Avro schema JSON>'.")));

	check_envelope(&p);

	/* the topic: not another's, and it exists or partitions says to create it */
	check_topic_free(conn, catalog, &p);
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
	char	   *domain;
	char	   *name;
	char	   *qualified_name = mesh_product_name_args(fcinfo, &domain, &name);
	ForeignServer *server;
	MeshConnection *conn;
	MeshCatalog *catalog = mesh_catalog_for_arg(fcinfo, 2, domain, qualified_name,
												MESH_DOMAIN_UNPUBLISH,
												&server, &conn);
	if (mesh_catalog_lookup(catalog, qualified_name) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("data product \"%s\" does not exist on server \"%s\"",
						qualified_name, server->servername)));
	/* a continuous product of this database stops first */
	mesh_continuous_forget(server->servername, qualified_name);
	produce_catalog_record(conn, qualified_name, NULL, qualified_name);
	PG_RETURN_VOID();
}
