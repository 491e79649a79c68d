/*-------------------------------------------------------------------------
 *
 * option.c
 *		  Validation and parsing of mesh_fdw's options.
 *
 * Bad options are refused when they are set (CREATE/ALTER), as
 * postgres_fdw does, so that queries never meet them.  Raw librdkafka
 * properties ride along as "kafka.<property>"; what a non-superuser may set
 * is an allowlist, because librdkafka can be told to read files, run
 * commands and load code.  The same check runs again when a client is built
 * (connection.c): ALTER ... OWNER TO and changed role attributes bypass
 * validators.
 *
 *-------------------------------------------------------------------------
 */
#include "mesh_fdw.h"

#include <ctype.h>
#include <limits.h>

#include "access/reloptions.h"
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_user_mapping.h"
#include "catalog/pg_attribute.h"
#include "commands/defrem.h"
#include "lib/stringinfo.h"
#include "nodes/makefuncs.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#define KAFKA_PREFIX "kafka."
#define KAFKA_PREFIX_LEN (sizeof(KAFKA_PREFIX) - 1)

typedef struct MeshOptionDef
{
	const char *name;
	Oid			context;		/* catalog the option belongs to */
} MeshOptionDef;

static const MeshOptionDef mesh_option_defs[] = {
	{"brokers", ForeignServerRelationId},
	{"catalog_topic", ForeignServerRelationId},
	{"connect_timeout_ms", ForeignServerRelationId},
	{"schema_registry", ForeignServerRelationId},
	{"transactional", ForeignServerRelationId},
	{"schema_registry_user", UserMappingRelationId},
	{"schema_registry_password", UserMappingRelationId},
	{"product", ForeignTableRelationId},
	{"topic", ForeignTableRelationId},
	{"value_format", ForeignTableRelationId},
	{"key_format", ForeignTableRelationId},
	{"mode", ForeignTableRelationId},
	{"on_error", ForeignTableRelationId},
	{"transactional", ForeignTableRelationId},
	{"field", AttributeRelationId},
	{NULL, InvalidOid}
};

/*
 * librdkafka properties a non-superuser may set: how to reach and
 * authenticate to the brokers, timeouts, batching and compression.  None of
 * them names a file, a command, a library or an extra network endpoint.
 */
static const char *const kafka_user_properties[] = {
	"security.protocol", "sasl.mechanism", "sasl.mechanisms",
	"sasl.username", "sasl.password",
	"sasl.oauthbearer.config", "sasl.oauthbearer.client.id",
	"sasl.oauthbearer.client.secret", "sasl.oauthbearer.scope",
	"sasl.oauthbearer.extensions",
	"ssl.ca.pem", "ssl.certificate.pem", "ssl.key.pem", "ssl.key.password",
	"ssl.endpoint.identification.algorithm",
	"enable.ssl.certificate.verification", "ssl.cipher.suites",
	"ssl.curves.list", "ssl.sigalgs.list",
	"client.id", "client.rack",
	"compression.codec", "compression.type", "compression.level",
	"socket.timeout.ms", "socket.connection.setup.timeout.ms",
	"socket.keepalive.enable", "request.timeout.ms", "message.timeout.ms",
	"delivery.timeout.ms", "transaction.timeout.ms",
	"metadata.max.age.ms", "topic.metadata.refresh.interval.ms",
	"reconnect.backoff.ms", "reconnect.backoff.max.ms", "retry.backoff.ms",
	"message.send.max.retries", "retries", "linger.ms",
	"queue.buffering.max.ms", "batch.num.messages", "batch.size",
	"fetch.wait.max.ms", "fetch.min.bytes", "fetch.error.backoff.ms",
	"api.version.request.timeout.ms", "broker.address.family",
	"broker.address.ttl", "connections.max.idle.ms",
	NULL
};

/*
 * Properties mesh_fdw sets itself because its correctness depends on them
 * (offsets, isolation, idempotence, partitioner, no topic auto-creation,
 * logs drained by the backend).  Nobody may override them.
 */
static const char *const kafka_reserved_properties[] = {
	"bootstrap.servers", "metadata.broker.list", "group.id",
	"group.instance.id", "enable.auto.commit", "enable.auto.offset.store",
	"auto.offset.reset", "enable.partition.eof", "isolation.level",
	"transactional.id", "enable.idempotence", "enable.gapless.guarantee",
	"acks", "request.required.acks", "partitioner", "partitioner_cb",
	"allow.auto.create.topics", "log.queue", "enabled_events",
	"consume.callback.max.messages", "opaque", "default_topic_conf",
	NULL
};

/* Properties whose values are credentials, besides any "*password*". */
static const char *const secret_properties[] = {
	"sasl.password", "sasl.oauthbearer.client.secret",
	"sasl.oauthbearer.config", "ssl.key.pem", "ssl.key.password",
	"ssl.keystore.password", "schema_registry_password",
	NULL
};

static bool
name_in(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

/*
 * Is the value of this option (or "kafka." property) a credential?  Such
 * values are never shown in messages and belong on user mappings.
 */
bool
mesh_option_is_secret(const char *name)
{
	if (strncmp(name, KAFKA_PREFIX, KAFKA_PREFIX_LEN) == 0)
		name += KAFKA_PREFIX_LEN;
	return name_in(name, secret_properties) ||
		strstr(name, "password") != NULL ||
		strstr(name, "secret") != NULL;
}

/*
 * Check one librdkafka property: mesh_fdw's own ones are refused for
 * everyone, the rest need superuser unless allowlisted, and (when asked)
 * librdkafka must accept the value.  Secret values are never echoed.
 */
void
mesh_check_kafka_property(const char *property, const char *value,
						  Oid roleid, bool is_user_mapping, bool check_value)
{
	if (name_in(property, kafka_reserved_properties))
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
				 errmsg("librdkafka property \"%s\" is set by mesh_fdw and cannot be overridden",
						property),
				 strcmp(property, "bootstrap.servers") == 0 ||
				 strcmp(property, "metadata.broker.list") == 0 ?
				 errhint("Use the server option \"brokers\".") : 0));

	if (!name_in(property, kafka_user_properties) && !superuser_arg(roleid))
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
					 errdetail("%s", errstr)));
	}
}

static bool
parse_int_option(const char *value, long min, long max, int *result)
{
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (value[0] == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		return false;
	*result = (int) v;
	return true;
}

/*
 * A broker list is "host:port[,host:port...]" as librdkafka takes it: an
 * optional "proto://" prefix, a host name, an IPv4 address or a bracketed
 * IPv6 address, and an optional port.
 */
static void
validate_brokers(const char *value)
{
	char	   *copy = pstrdup(value);
	char	   *entry;
	char	   *whole;
	char	   *saveptr = NULL;
	const char *p;

	for (p = value; isspace((unsigned char) *p); p++)
		;
	if (*p == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"brokers\": the broker list is empty"),
				 errhint("Give one or more brokers as \"host:port\", separated by commas.")));

	/* strtok would silently skip empty entries like "a:1,,b:2" */
	for (p = value;; p++)
	{
		const char *start = p;

		while (*p && *p != ',')
			p++;
		{
			const char *s = start,
					   *e = p;

			while (s < e && isspace((unsigned char) *s))
				s++;
			while (e > s && isspace((unsigned char) e[-1]))
				e--;
			if (s == e)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("invalid value for option \"brokers\": the broker list has an empty entry"),
						 errhint("Give one or more brokers as \"host:port\", separated by commas.")));
		}
		if (*p == '\0')
			break;
	}

	for (entry = strtok_r(copy, ",", &saveptr); entry;
		 entry = strtok_r(NULL, ",", &saveptr))
	{
		char	   *host;
		char	   *port = NULL;
		char	   *sep;

		while (isspace((unsigned char) *entry))
			entry++;
		for (sep = entry + strlen(entry); sep > entry && isspace((unsigned char) sep[-1]); sep--)
			sep[-1] = '\0';

		whole = pstrdup(entry);
		host = entry;
		if ((sep = strstr(host, "://")) != NULL)
			host = sep + 3;
		if (host[0] == '[')
		{
			char	   *close = strchr(host, ']');

			if (close == NULL || close == host + 1)
				goto bad;
			if (close[1] == ':')
				port = close + 2;
			else if (close[1] != '\0')
				goto bad;
		}
		else
		{
			if ((sep = strrchr(host, ':')) != NULL)
			{
				*sep = '\0';
				port = sep + 1;
			}
			if (host[0] == '\0')
				goto bad;
			for (sep = host; *sep; sep++)
				if (!isalnum((unsigned char) *sep) && *sep != '.' &&
					*sep != '-' && *sep != '_')
					goto bad;
		}
		if (port != NULL)
		{
			int			portnum;

			if (!parse_int_option(port, 1, 65535, &portnum))
				goto bad;
		}
		continue;

bad:
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"brokers\": \"%s\" is not a broker address",
						whole),
				 errhint("Give one or more brokers as \"host:port\", separated by commas.")));
	}
	pfree(copy);
}

/*
 * The schema registry is reached over http or https only; credentials in
 * the URL would be visible to every role, so they are refused here.
 */
static void
validate_registry_url(const char *value)
{
	const char *host;
	const char *p;

	if (pg_strncasecmp(value, "http://", 7) == 0)
		host = value + 7;
	else if (pg_strncasecmp(value, "https://", 8) == 0)
		host = value + 8;
	else
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"schema_registry\": \"%s\" is not an http or https URL",
						value),
				 errhint("Give the registry's base URL, e.g. 'http://127.0.0.1:8081'.")));

	for (p = value; *p; p++)
		if (isspace((unsigned char) *p) || iscntrl((unsigned char) *p))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for option \"schema_registry\": the URL contains white space")));

	for (p = host; *p && *p != '/' && *p != '?' && *p != '#'; p++)
		if (*p == '@')
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
					 errmsg("invalid value for option \"schema_registry\": the URL must not contain credentials"),
					 errhint("Put them in the user mapping options \"schema_registry_user\" and \"schema_registry_password\".")));

	if (host[0] == '\0' || host[0] == '/' || host[0] == ':')
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
				 errmsg("invalid value for option \"schema_registry\": \"%s\" has no host",
						value)));

	/* a port, when given, is a number in range */
	p = host[0] == '[' ? strchr(host, ']') : host;
	if (p != NULL)
	{
		const char *colon = strchr(p, ':');
		const char *slash = strchr(p, '/');

		if (colon != NULL && (slash == NULL || colon < slash))
		{
			int			len = slash ? (int) (slash - colon - 1) : (int) strlen(colon + 1);
			char	   *port = pnstrdup(colon + 1, len);
			int			portnum;

			if (!parse_int_option(port, 1, 65535, &portnum))
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("invalid value for option \"schema_registry\": bad port \"%s\"",
								port)));
		}
	}
}

/* Kafka topic names: 1-249 of [a-zA-Z0-9._-], and not "." or "..". */
bool
mesh_valid_topic_name(const char *name)
{
	size_t		len = strlen(name);
	const char *p;

	if (len == 0 || len > 249 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (p = name; *p; p++)
		if (!isalnum((unsigned char) *p) && *p != '.' && *p != '_' && *p != '-')
			return false;
	return true;
}

static void
check_enum_option(DefElem *def, const char *const *allowed)
{
	char	   *value = defGetString(def);
	StringInfoData buf;
	const char *const *a;

	if (name_in(value, allowed))
		return;
	initStringInfo(&buf);
	for (a = allowed; *a; a++)
		appendStringInfo(&buf, "%s%s", a == allowed ? "" : ", ", *a);
	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
			 errmsg("invalid value for option \"%s\": \"%s\"", def->defname, value),
			 errhint("Valid values are: %s.", buf.data)));
}

static const char *const value_formats[] = {"avro", "json", "text", "bytes", NULL};
static const char *const key_formats[] = {"text", "bytes", "json", "avro", NULL};
static const char *const modes[] = {"stream", "table", NULL};
static const char *const on_error_modes[] = {"error", "skip", "null", NULL};

static void
invalid_option_name(DefElem *def, Oid context)
{
	StringInfoData buf;
	const MeshOptionDef *opt;

	initStringInfo(&buf);
	for (opt = mesh_option_defs; opt->name; opt++)
		if (opt->context == context)
			appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "", opt->name);
	if (context == ForeignServerRelationId || context == UserMappingRelationId)
		appendStringInfo(&buf, "%skafka.<librdkafka property>",
						 buf.len > 0 ? ", " : "");

	ereport(ERROR,
			(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
			 errmsg("invalid option \"%s\"", def->defname),
			 buf.len > 0
			 ? errhint("Valid options in this context are: %s.", buf.data)
			 : errhint("There are no valid options in this context.")));
}

/*
 * Validate the complete option list of a server, user mapping, foreign
 * table or column (catalog tells which).  Called by mesh_fdw_validator
 * with the list as it will be after CREATE or ALTER.
 */
void
mesh_validate_options(List *options, Oid catalog)
{
	ListCell   *lc;
	bool		have_brokers = false;
	bool		have_product = false;
	bool		have_topic = false;

	foreach(lc, options)
	{
		DefElem    *def = (DefElem *) lfirst(lc);
		const MeshOptionDef *opt;
		bool		known = false;

		if (strncmp(def->defname, KAFKA_PREFIX, KAFKA_PREFIX_LEN) == 0 &&
			(catalog == ForeignServerRelationId || catalog == UserMappingRelationId))
		{
			mesh_check_kafka_property(def->defname + KAFKA_PREFIX_LEN,
									  defGetString(def), GetUserId(),
									  catalog == UserMappingRelationId, true);
			continue;
		}

		for (opt = mesh_option_defs; opt->name; opt++)
			if (opt->context == catalog && strcmp(opt->name, def->defname) == 0)
				known = true;
		if (!known)
			invalid_option_name(def, catalog);

		if (strcmp(def->defname, "brokers") == 0)
		{
			validate_brokers(defGetString(def));
			have_brokers = true;
		}
		else if (strcmp(def->defname, "connect_timeout_ms") == 0)
		{
			int			v;

			if (!parse_int_option(defGetString(def), 1, 3600000, &v))
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("invalid value for option \"connect_timeout_ms\": \"%s\"",
								defGetString(def)),
						 errhint("Give a whole number of milliseconds between 1 and 3600000.")));
		}
		else if (strcmp(def->defname, "catalog_topic") == 0 ||
				 strcmp(def->defname, "topic") == 0)
		{
			if (!mesh_valid_topic_name(defGetString(def)))
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("invalid value for option \"%s\": \"%s\" is not a Kafka topic name",
								def->defname, defGetString(def)),
						 errhint("Topic names have 1 to 249 characters from a-z, A-Z, 0-9, \".\", \"_\" and \"-\".")));
			have_topic |= strcmp(def->defname, "topic") == 0;
		}
		else if (strcmp(def->defname, "schema_registry") == 0)
			validate_registry_url(defGetString(def));
		else if (strcmp(def->defname, "transactional") == 0)
			(void) defGetBoolean(def);
		else if (strcmp(def->defname, "value_format") == 0)
			check_enum_option(def, value_formats);
		else if (strcmp(def->defname, "key_format") == 0)
			check_enum_option(def, key_formats);
		else if (strcmp(def->defname, "mode") == 0)
			check_enum_option(def, modes);
		else if (strcmp(def->defname, "on_error") == 0)
			check_enum_option(def, on_error_modes);
		else if (strcmp(def->defname, "product") == 0)
		{
			have_product = true;
			if (strchr(defGetString(def), '.') == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("invalid value for option \"product\": \"%s\"",
								defGetString(def)),
						 errhint("Name a data product by its qualified name, \"domain.name\".")));
		}
		else if (strcmp(def->defname, "field") == 0 ||
				 strcmp(def->defname, "schema_registry_user") == 0)
		{
			if (defGetString(def)[0] == '\0')
				ereport(ERROR,
						(errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
						 errmsg("option \"%s\" must not be empty", def->defname)));
		}
	}

	if (catalog == ForeignServerRelationId && !have_brokers)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
				 errmsg("option \"brokers\" is required for a mesh_fdw server"),
				 errhint("Add OPTIONS (brokers 'host:port[,host:port...]').")));

	if (catalog == ForeignTableRelationId)
	{
		if (have_product && have_topic)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_OPTION_NAME),
					 errmsg("options \"product\" and \"topic\" cannot be used together"),
					 errhint("A table on a data product reads the product's topic.")));
		if (!have_product && !have_topic)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
					 errmsg("a mesh_fdw foreign table needs option \"product\" or \"topic\"")));
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

		if (strncmp(def->defname, KAFKA_PREFIX, KAFKA_PREFIX_LEN) == 0)
		{
			DefElem    *prop = makeDefElem(pstrdup(def->defname + KAFKA_PREFIX_LEN),
										   (Node *) makeString(pstrdup(value)), -1);

			if (from_mapping)
				opts->mapping_kafka_props = lappend(opts->mapping_kafka_props, prop);
			else
				opts->server_kafka_props = lappend(opts->server_kafka_props, prop);
		}
		else if (strcmp(def->defname, "brokers") == 0)
			opts->brokers = pstrdup(value);
		else if (strcmp(def->defname, "connect_timeout_ms") == 0)
			opts->connect_timeout_ms = atoi(value);
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
