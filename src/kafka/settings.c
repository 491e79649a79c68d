/*-------------------------------------------------------------------------
 *
 * settings.c
 *		  A server's and its user mapping's options, read for building
 *		  clients, and the policy on librdkafka properties.
 *
 * Values were checked by the validator (fdw/option.c) with the table of
 * core/options.c; they are parsed here with the same functions.  Raw
 * librdkafka properties ride along as "kafka.<property>"; what a
 * non-superuser may set is an allowlist, because librdkafka can be told to
 * read files, run commands and load code.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <librdkafka/rdkafka.h>

#include "kafka/settings.h"

#include "commands/defrem.h"
#include "core/options.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/acl.h"

/*
 * Check one librdkafka property: mesh_fdw's own ones are refused for
 * everyone, the rest need superuser unless allowlisted, and (when asked)
 * librdkafka must accept the value.  Secret values are never echoed.
 */
void
mesh_check_kafka_property(const char *property, const char *value,
						  Oid roleid, bool is_user_mapping, bool check_value)
{
	if (mesh_kafka_property_reserved(property))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				 errmsg("librdkafka property \"%s\" is set by mesh_fdw and cannot be overridden",
						property),
				 strcmp(property, "bootstrap.servers") == 0 ||
				 strcmp(property, "metadata.broker.list") == 0 ?
				 errhint("Use the server option \"brokers\".") : 0));

	if (!mesh_kafka_property_for_users(property) && !superuser_arg(roleid))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("only superusers may set librdkafka property \"%s\"",
						property),
				 errdetail("Non-superusers may set only connection, authentication, timeout and batching properties; others can read files, run commands or load code on the database server.")));

	if (!is_user_mapping && mesh_option_is_secret(property))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				 errmsg("credential \"kafka.%s\" belongs on a user mapping, not on the server",
						property),
				 errhint("Server options are visible to every role; use CREATE USER MAPPING ... OPTIONS (\"kafka.%s\" '...').",
						 property)));

	if (check_value)
	{
		rd_kafka_conf_t *conf = rd_kafka_conf_new();
		char		errstr[512];
		rd_kafka_conf_res_t res;

		res = rd_kafka_conf_set(conf, property, value, errstr, sizeof(errstr));
		rd_kafka_conf_destroy(conf);
		if (res == RD_KAFKA_CONF_UNKNOWN)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("unknown librdkafka property \"%s\"", property),
					 errhint("Options named \"kafka.<property>\" take properties from librdkafka's CONFIGURATION.md.")));
		if (res != RD_KAFKA_CONF_OK)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for librdkafka property \"%s\"",
							property),
					 mesh_option_is_secret(property) ? 0 :
					 errdetail_internal("%s", errstr)));
	}
}

static void
add_options(MeshServerOptions *opts, List *options, bool from_mapping)
{
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);
		const char *value = defGetString(def);

		if (strncmp(def->defname, MESH_KAFKA_PREFIX, MESH_KAFKA_PREFIX_LEN) == 0)
		{
			DefElem    *prop = makeDefElem(pstrdup(def->defname + MESH_KAFKA_PREFIX_LEN),
										   (Node *) makeString(pstrdup(value)), -1);

			if (from_mapping)
				opts->mapping_kafka_props = lappend(opts->mapping_kafka_props, prop);
			else
				opts->server_kafka_props = lappend(opts->server_kafka_props, prop);
		}
		else if (strcmp(def->defname, "brokers") == 0)
			opts->brokers = pstrdup(value);
		else if (strcmp(def->defname, "connect_timeout_ms") == 0)
			{
			const MeshOptionSpec *spec = mesh_option_find(def->defname, MESH_OPT_SERVER);
			long		v;

			if (mesh_parse_int(value, spec->min, spec->max, &v))
				opts->connect_timeout_ms = (int) v;
		}
		else if (strcmp(def->defname, "catalog_topic") == 0)
			opts->catalog_topic = pstrdup(value);
		else if (strcmp(def->defname, "schema_registry") == 0)
			opts->schema_registry = pstrdup(value);
		else if (strcmp(def->defname, "transactional") == 0)
			opts->transactional = defGetBoolean(def);
		else if (strcmp(def->defname, "schema_registry_user") == 0)
			opts->registry_user = pstrdup(value);
		else if (strcmp(def->defname, "schema_registry_password") == 0)
			opts->registry_password = pstrdup(value);
	}
}

/*
 * Collect the options of a server and (if any) the user mapping that
 * applies, with defaults filled in, into opts (allocated in the current
 * memory context).
 */
void
mesh_get_server_options(ForeignServer *server, UserMapping *user,
						MeshServerOptions *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->serverid = server->serverid;
	opts->servername = pstrdup(server->servername);
	opts->connect_timeout_ms = MESH_DEFAULT_CONNECT_TIMEOUT_MS;
	opts->catalog_topic = pstrdup(MESH_DEFAULT_CATALOG_TOPIC);
	opts->server_owner = server->owner;
	opts->mapping_user = user ? user->userid : InvalidOid;

	add_options(opts, server->options, false);
	if (user)
		add_options(opts, user->options, true);
}

/*
 * Replace every credential of opts that occurs in text by "********", in
 * place; librdkafka's messages may echo configuration values.
 */
void
mesh_redact_secrets(char *text, const MeshServerOptions *opts)
{
	List	   *secrets = NIL;
	ListCell   *lc;
	List	   *lists[2];
	int			i;

	if (opts == NULL)
		return;
	lists[0] = opts->server_kafka_props;
	lists[1] = opts->mapping_kafka_props;
	for (i = 0; i < 2; i++)
		foreach(lc, lists[i])
		{
			DefElem    *def = (DefElem *) lfirst(lc);

			if (mesh_option_is_secret(def->defname))
				secrets = lappend(secrets, strVal(def->arg));
		}
	if (opts->registry_password)
		secrets = lappend(secrets, opts->registry_password);

	foreach(lc, secrets)
	{
		const char *secret = (const char *) lfirst(lc);
		size_t		len = strlen(secret);
		char	   *from = text;
		char	   *hit;

		if (len == 0)
			continue;
		/* same length, so the text never grows */
		while ((hit = strstr(from, secret)) != NULL)
		{
			memset(hit, '*', len);
			from = hit + len;
		}
	}
	list_free(secrets);
}
