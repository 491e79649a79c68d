/*-------------------------------------------------------------------------
 *
 * options.c
 *		  The table of mesh_fdw's options and the checks of their values.
 *
 * Bad options are refused when they are set (CREATE/ALTER), as
 * postgres_fdw does, so that queries never meet them; the messages here
 * are the ones the validator shows.  Raw librdkafka properties ride along
 * as "kafka.<property>"; what a non-superuser may set is an allowlist,
 * because librdkafka can be told to read files, run commands and load
 * code.
 *
 *-------------------------------------------------------------------------
 */
#include "core/options.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const mesh_value_formats[] = {"avro", "json", "text", "bytes", "protobuf", NULL};
const char *const mesh_key_formats[] = {"text", "bytes", "json", "avro", NULL};
const char *const mesh_modes[] = {"stream", "table", NULL};
const char *const mesh_on_error_modes[] = {"error", "skip", "null", NULL};
const char *const mesh_envelopes[] = {"none", "debezium", NULL};

#define BROKERS_HINT "Give one or more brokers as \"host:port\", separated by commas."

const MeshOptionSpec mesh_options[] = {
	{"brokers", MESH_OPT_SERVER, MESH_OPTION_BROKERS, NULL, 0, 0, BROKERS_HINT},
	{"catalog_topic", MESH_OPT_SERVER, MESH_OPTION_TOPIC, NULL, 0, 0, NULL},
	{"connect_timeout_ms", MESH_OPT_SERVER, MESH_OPTION_INT, NULL, 1, 3600000,
	"Give a whole number of milliseconds between 1 and 3600000."},
	{"schema_registry", MESH_OPT_SERVER, MESH_OPTION_URL, NULL, 0, 0, NULL},
	{"transactional", MESH_OPT_SERVER, MESH_OPTION_BOOL, NULL, 0, 0, NULL},
	{"schema_registry_user", MESH_OPT_MAPPING, MESH_OPTION_NONEMPTY, NULL, 0, 0, NULL},
	{"schema_registry_password", MESH_OPT_MAPPING, MESH_OPTION_NONEMPTY, NULL, 0, 0, NULL},
	{"product", MESH_OPT_TABLE, MESH_OPTION_PRODUCT, NULL, 0, 0,
	"Name a data product by its qualified name, \"domain.name\"."},
	{"topic", MESH_OPT_TABLE, MESH_OPTION_TOPIC, NULL, 0, 0, NULL},
	{"value_format", MESH_OPT_TABLE, MESH_OPTION_CHOICE, mesh_value_formats, 0, 0, NULL},
	{"key_format", MESH_OPT_TABLE, MESH_OPTION_CHOICE, mesh_key_formats, 0, 0, NULL},
	{"mode", MESH_OPT_TABLE, MESH_OPTION_CHOICE, mesh_modes, 0, 0, NULL},
	{"on_error", MESH_OPT_TABLE, MESH_OPTION_CHOICE, mesh_on_error_modes, 0, 0, NULL},
	{"transactional", MESH_OPT_TABLE, MESH_OPTION_BOOL, NULL, 0, 0, NULL},
	{"message", MESH_OPT_TABLE, MESH_OPTION_NONEMPTY, NULL, 0, 0,
	"Name a message of the Protobuf schema by its full name, \"package.Message\"."},
	{"bookmark", MESH_OPT_TABLE, MESH_OPTION_NAME, NULL, 0, 0,
	"A bookmark's name starts with a lowercase letter, then lowercase letters, digits and underscores, at most 63 of them."},
	{"envelope", MESH_OPT_TABLE, MESH_OPTION_CHOICE, mesh_envelopes, 0, 0, NULL},
	{"field", MESH_OPT_COLUMN, MESH_OPTION_NONEMPTY, NULL, 0, 0, NULL},
	{NULL, 0, MESH_OPTION_NONEMPTY, NULL, 0, 0, NULL}
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

int
mesh_choice_index(const char *const *list, const char *value)
{
	int			i;

	for (i = 0; list[i]; i++)
		if (strcmp(value, list[i]) == 0)
			return i;
	return -1;
}

static const char *
without_prefix(const char *name)
{
	return strncmp(name, MESH_KAFKA_PREFIX, MESH_KAFKA_PREFIX_LEN) == 0 ?
		name + MESH_KAFKA_PREFIX_LEN : name;
}

bool
mesh_kafka_property_reserved(const char *property)
{
	return mesh_choice_index(kafka_reserved_properties, without_prefix(property)) >= 0;
}

bool
mesh_kafka_property_for_users(const char *property)
{
	return mesh_choice_index(kafka_user_properties, without_prefix(property)) >= 0;
}

/*
 * Is the value of this option (or "kafka." property) a credential?  Such
 * values are never shown in messages and belong on user mappings.
 */
bool
mesh_option_is_secret(const char *name)
{
	name = without_prefix(name);
	return mesh_choice_index(secret_properties, name) >= 0 ||
		strstr(name, "password") != NULL ||
		strstr(name, "secret") != NULL;
}

const MeshOptionSpec *
mesh_option_find(const char *name, int place)
{
	const MeshOptionSpec *spec;

	for (spec = mesh_options; spec->name; spec++)
		if ((spec->places & place) && strcmp(spec->name, name) == 0)
			return spec;
	return NULL;
}

void
mesh_option_names(int place, MeshBuf *buf)
{
	const MeshOptionSpec *spec;

	for (spec = mesh_options; spec->name; spec++)
		if (spec->places & place)
		{
			if (buf->len > 0)
				mesh_buf_append_str(buf, ", ");
			mesh_buf_append_str(buf, spec->name);
		}
}

bool
mesh_parse_int(const char *value, long min, long max, long *result)
{
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (value[0] == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		return false;
	*result = v;
	return true;
}

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

static bool
bad(char *errbuf, size_t errlen, const char *fmt, const char *name, const char *value)
{
	snprintf(errbuf, errlen, fmt, name, value);
	return false;
}

/* One "host:port" of a broker list (s..e, blanks trimmed). */
static bool
valid_broker(const char *s, const char *e)
{
	const char *host = s;
	const char *port = NULL;
	const char *host_end = e;
	const char *p;

	for (p = s; p + 3 <= e; p++)
		if (memcmp(p, "://", 3) == 0)
		{
			host = p + 3;
			break;
		}
	if (host < e && *host == '[')
	{
		const char *close = memchr(host, ']', (size_t) (e - host));

		if (close == NULL || close == host + 1)
			return false;
		if (close + 1 < e && close[1] == ':')
			port = close + 2;
		else if (close + 1 != e)
			return false;
	}
	else
	{
		for (p = e; p > host; p--)
			if (p[-1] == ':')
			{
				host_end = p - 1;
				port = p;
				break;
			}
		if (host_end == host)
			return false;
		for (p = host; p < host_end; p++)
			if (!isalnum((unsigned char) *p) && *p != '.' && *p != '-' && *p != '_')
				return false;
	}
	if (port != NULL)
	{
		char		num[16];
		long		portnum;

		if ((size_t) (e - port) >= sizeof(num))
			return false;
		memcpy(num, port, (size_t) (e - port));
		num[e - port] = '\0';
		if (!mesh_parse_int(num, 1, 65535, &portnum))
			return false;
	}
	return true;
}

/*
 * A broker list is "host:port[,host:port...]" as librdkafka takes it: an
 * optional "proto://" prefix, a host name, an IPv4 address or a bracketed
 * IPv6 address, and an optional port.
 */
static bool
check_brokers(const char *value, char *errbuf, size_t errlen)
{
	const char *p = value;
	int			pass;

	while (isspace((unsigned char) *p))
		p++;
	if (*p == '\0')
		return bad(errbuf, errlen, "invalid value for option \"%s\": the broker list is empty%s",
				   "brokers", "");
	/* first an empty entry anywhere ("a:1,,b:2"), then each address */
	for (pass = 0; pass < 2; pass++)
		for (p = value;; p++)
		{
			const char *s = p;
			const char *e;

			while (*p && *p != ',')
				p++;
			e = p;
			while (s < e && isspace((unsigned char) *s))
				s++;
			while (e > s && isspace((unsigned char) e[-1]))
				e--;
			if (pass == 0 && s == e)
				return bad(errbuf, errlen, "invalid value for option \"%s\": the broker list has an empty entry%s",
						   "brokers", "");
			if (pass == 1 && !valid_broker(s, e))
			{
				char		entry[256];

				snprintf(entry, sizeof(entry), "%.*s", (int) (e - s), s);
				return bad(errbuf, errlen, "invalid value for option \"%s\": \"%s\" is not a broker address",
						   "brokers", entry);
			}
			if (*p == '\0')
				break;
		}
	return true;
}

/*
 * The schema registry is reached over http or https only; credentials in
 * the URL would be visible to every role, so they are refused.
 */
static bool
check_url(const char *value, char *errbuf, size_t errlen, char *hintbuf, size_t hintlen)
{
	const char *host;
	const char *p;

	if (strncasecmp(value, "http://", 7) == 0)
		host = value + 7;
	else if (strncasecmp(value, "https://", 8) == 0)
		host = value + 8;
	else
	{
		snprintf(hintbuf, hintlen, "Give the registry's base URL, e.g. 'http://127.0.0.1:8081'.");
		return bad(errbuf, errlen, "invalid value for option \"%s\": \"%s\" is not an http or https URL",
				   "schema_registry", value);
	}
	for (p = value; *p; p++)
		if (isspace((unsigned char) *p) || iscntrl((unsigned char) *p))
			return bad(errbuf, errlen, "invalid value for option \"%s\": the URL contains white space%s",
					   "schema_registry", "");
	for (p = host; *p && *p != '/' && *p != '?' && *p != '#'; p++)
		if (*p == '@')
		{
			snprintf(hintbuf, hintlen, "Put them in the user mapping options \"schema_registry_user\" and \"schema_registry_password\".");
			return bad(errbuf, errlen, "invalid value for option \"%s\": the URL must not contain credentials%s",
					   "schema_registry", "");
		}
	if (host[0] == '\0' || host[0] == '/' || host[0] == ':')
		return bad(errbuf, errlen, "invalid value for option \"%s\": \"%s\" has no host",
				   "schema_registry", value);

	/* a port, when given, is a number in range */
	p = host[0] == '[' ? strchr(host, ']') : host;
	if (p != NULL)
	{
		const char *colon = strchr(p, ':');
		const char *slash = strchr(p, '/');

		if (colon != NULL && (slash == NULL || colon < slash))
		{
			size_t		len = slash ? (size_t) (slash - colon - 1) : strlen(colon + 1);
			char		port[32];
			long		portnum;

			snprintf(port, sizeof(port), "%.*s", (int) len, colon + 1);
			if (len >= sizeof(port) || !mesh_parse_int(port, 1, 65535, &portnum))
				return bad(errbuf, errlen, "invalid value for option \"%s\": bad port \"%s\"",
						   "schema_registry", port);
		}
	}
	return true;
}

bool
mesh_option_check(const MeshOptionSpec *spec, const char *value,
				  char *errbuf, size_t errlen, char *hintbuf, size_t hintlen)
{
	long		v;

	hintbuf[0] = '\0';
	if (spec->hint)
		snprintf(hintbuf, hintlen, "%s", spec->hint);
	switch (spec->kind)
	{
		case MESH_OPTION_NONEMPTY:
			if (value[0] == '\0')
			{
				snprintf(errbuf, errlen, "option \"%s\" must not be empty", spec->name);
				return false;
			}
			return true;
		case MESH_OPTION_INT:
			if (!mesh_parse_int(value, spec->min, spec->max, &v))
				return bad(errbuf, errlen, "invalid value for option \"%s\": \"%s\"",
						   spec->name, value);
			return true;
		case MESH_OPTION_BOOL:
			return true;
		case MESH_OPTION_CHOICE:
			if (mesh_choice_index(spec->choices, value) >= 0)
				return true;
			{
				size_t		used = (size_t) snprintf(hintbuf, hintlen, "Valid values are: ");
				const char *const *c;

				for (c = spec->choices; *c && used < hintlen; c++)
					used += (size_t) snprintf(hintbuf + used, hintlen - used, "%s%s",
											  c == spec->choices ? "" : ", ", *c);
				if (used < hintlen)
					snprintf(hintbuf + used, hintlen - used, ".");
			}
			return bad(errbuf, errlen, "invalid value for option \"%s\": \"%s\"",
					   spec->name, value);
		case MESH_OPTION_BROKERS:
			return check_brokers(value, errbuf, errlen);
		case MESH_OPTION_URL:
			return check_url(value, errbuf, errlen, hintbuf, hintlen);
		case MESH_OPTION_TOPIC:
			if (mesh_valid_topic_name(value))
				return true;
			snprintf(hintbuf, hintlen, "Topic names have 1 to 249 characters from a-z, A-Z, 0-9, \".\", \"_\" and \"-\".");
			return bad(errbuf, errlen, "invalid value for option \"%s\": \"%s\" is not a Kafka topic name",
					   spec->name, value);
		case MESH_OPTION_PRODUCT:
			if (strchr(value, '.') != NULL)
				return true;
			return bad(errbuf, errlen, "invalid value for option \"%s\": \"%s\"",
					   spec->name, value);
		case MESH_OPTION_NAME:
			if (mesh_valid_name(value))
				return true;
			return bad(errbuf, errlen, "invalid value for option \"%s\": \"%s\"",
					   spec->name, value);
	}
	return true;
}

MeshColumnKind
mesh_metadata_column_kind(const char *name)
{
	static const struct
	{
		const char *name;
		MeshColumnKind kind;
	}			columns[] = {
		{"_partition", MESH_COLUMN_PARTITION},
		{"_offset", MESH_COLUMN_OFFSET},
		{"_timestamp", MESH_COLUMN_TIMESTAMP},
		{"_key", MESH_COLUMN_KEY},
		{"_headers", MESH_COLUMN_HEADERS},
		{"_error", MESH_COLUMN_ERROR},
		{"_raw", MESH_COLUMN_RAW},
		{"_op", MESH_COLUMN_OP},
		{"_before", MESH_COLUMN_BEFORE},
		{"_source", MESH_COLUMN_SOURCE},
		{"_ts_ms", MESH_COLUMN_TS_MS},
	};
	size_t		i;

	for (i = 0; i < MESH_LENGTHOF(columns); i++)
		if (strcmp(name, columns[i].name) == 0)
			return columns[i].kind;
	return MESH_COLUMN_FIELD;
}
