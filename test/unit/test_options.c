/*-------------------------------------------------------------------------
 *
 * test_options.c
 *		  Unit tests of the option table and its value checks
 *		  (src/core/options.c) and of the offset ranges pushdown narrows
 *		  (src/core/ranges.c), outside the server.
 *
 * Run by test/unit/run.  The messages checked here are the ones the
 * validator shows (expected/options.out has them in context).
 *
 *-------------------------------------------------------------------------
 */
#include "core/options.h"
#include "core/ranges.h"
#include "harness.h"

#include <stdio.h>
#include <string.h>

/* Check a value of an option; *msg and *hint receive what it says. */
static bool
value_ok(const char *option, int place, const char *value, char *msg, char *hint)
{
	const MeshOptionSpec *spec = mesh_option_find(option, place);

	msg[0] = hint[0] = '\0';
	if (spec == NULL)
	{
		snprintf(msg, 256, "no option %s", option);
		return false;
	}
	return mesh_option_check(spec, value, msg, 256, hint, 256);
}

static void
test_table(void)
{
	MeshBuf		names = {0};

	CHECK(mesh_option_find("brokers", MESH_OPT_SERVER) != NULL, "brokers on a server");
	CHECK(mesh_option_find("brokers", MESH_OPT_TABLE) == NULL, "no brokers on a table");
	CHECK(mesh_option_find("transactional", MESH_OPT_SERVER) != NULL &&
		  mesh_option_find("transactional", MESH_OPT_TABLE) != NULL,
		  "transactional on servers and tables");
	CHECK(mesh_option_find("field", MESH_OPT_COLUMN) != NULL, "field on a column");
	CHECK(mesh_option_find("schema_registry_password", MESH_OPT_MAPPING) != NULL &&
		  mesh_option_find("schema_registry_password", MESH_OPT_SERVER) == NULL,
		  "registry password only on a user mapping");
	mesh_option_names(MESH_OPT_TABLE, &names);
	CHECK(strcmp(names.data, "product, topic, value_format, key_format, mode, on_error, transactional, message, bookmark, envelope") == 0,
		  "table options in order: %s", names.data);
}

static void
test_values(void)
{
	char		msg[256];
	char		hint[256];

	/* brokers */
	CHECK(value_ok("brokers", MESH_OPT_SERVER, "127.0.0.1:9092", msg, hint), "one broker: %s", msg);
	CHECK(value_ok("brokers", MESH_OPT_SERVER, " a:1 , b.example-2_x:65535,[::1]:9092,SSL://c", msg, hint),
		  "several brokers: %s", msg);
	CHECK(!value_ok("brokers", MESH_OPT_SERVER, "  ", msg, hint) &&
		  strcmp(msg, "invalid value for option \"brokers\": the broker list is empty") == 0 &&
		  strstr(hint, "host:port") != NULL, "empty list: %s", msg);
	CHECK(!value_ok("brokers", MESH_OPT_SERVER, "a:1,,b:2", msg, hint) &&
		  strstr(msg, "has an empty entry") != NULL, "empty entry: %s", msg);
	/* an empty entry is reported before a bad address, wherever it is */
	CHECK(!value_ok("brokers", MESH_OPT_SERVER, "a b:1,", msg, hint) &&
		  strstr(msg, "has an empty entry") != NULL, "empty entry first: %s", msg);
	CHECK(!value_ok("brokers", MESH_OPT_SERVER, "a:1, host:99999", msg, hint) &&
		  strcmp(msg, "invalid value for option \"brokers\": \"host:99999\" is not a broker address") == 0,
		  "port out of range: %s", msg);
	CHECK(!value_ok("brokers", MESH_OPT_SERVER, "ho st:1", msg, hint), "space in a host");
	CHECK(!value_ok("brokers", MESH_OPT_SERVER, "[]:1", msg, hint), "empty IPv6 brackets");
	CHECK(!value_ok("brokers", MESH_OPT_SERVER, ":9092", msg, hint), "no host");
	CHECK(!value_ok("brokers", MESH_OPT_SERVER, "h:", msg, hint), "empty port");

	/* bookmark names */
	CHECK(value_ok("bookmark", MESH_OPT_TABLE, "risk_trades_2", msg, hint), "bookmark name: %s", msg);
	CHECK(!value_ok("bookmark", MESH_OPT_TABLE, "Risk", msg, hint) &&
		  strcmp(msg, "invalid value for option \"bookmark\": \"Risk\"") == 0 &&
		  strstr(hint, "lowercase letter") != NULL, "bookmark with a capital: %s", msg);
	CHECK(!value_ok("bookmark", MESH_OPT_TABLE, "2x", msg, hint), "bookmark starting with a digit");
	CHECK(!value_ok("bookmark", MESH_OPT_TABLE, "a.b", msg, hint), "bookmark with a dot");
	CHECK(!value_ok("bookmark", MESH_OPT_TABLE,
					"a234567890123456789012345678901234567890123456789012345678901234", msg, hint),
		  "bookmark of 64 characters");
	CHECK(mesh_option_find("bookmark", MESH_OPT_SERVER) == NULL, "no bookmark on a server");

	/* integers */
	CHECK(value_ok("connect_timeout_ms", MESH_OPT_SERVER, "1", msg, hint), "timeout 1");
	CHECK(value_ok("connect_timeout_ms", MESH_OPT_SERVER, "3600000", msg, hint), "timeout max");
	CHECK(!value_ok("connect_timeout_ms", MESH_OPT_SERVER, "0", msg, hint) &&
		  strcmp(msg, "invalid value for option \"connect_timeout_ms\": \"0\"") == 0 &&
		  strstr(hint, "between 1 and 3600000") != NULL, "timeout 0: %s", msg);
	CHECK(!value_ok("connect_timeout_ms", MESH_OPT_SERVER, "10s", msg, hint), "timeout with a unit");
	CHECK(!value_ok("connect_timeout_ms", MESH_OPT_SERVER, "99999999999999999999", msg, hint),
		  "timeout beyond long");

	/* URLs */
	CHECK(value_ok("schema_registry", MESH_OPT_SERVER, "http://127.0.0.1:8081/apis/ccompat/v7", msg, hint),
		  "registry URL: %s", msg);
	CHECK(value_ok("schema_registry", MESH_OPT_SERVER, "HTTPS://[::1]:443", msg, hint), "https, IPv6");
	CHECK(!value_ok("schema_registry", MESH_OPT_SERVER, "ftp://x", msg, hint) &&
		  strstr(msg, "is not an http or https URL") != NULL, "ftp: %s", msg);
	CHECK(!value_ok("schema_registry", MESH_OPT_SERVER, "http://user:pw@host", msg, hint) &&
		  strstr(msg, "must not contain credentials") != NULL &&
		  strstr(hint, "schema_registry_password") != NULL, "credentials: %s", msg);
	CHECK(!value_ok("schema_registry", MESH_OPT_SERVER, "http://host/a b", msg, hint) &&
		  strstr(msg, "white space") != NULL, "white space");
	CHECK(!value_ok("schema_registry", MESH_OPT_SERVER, "http:///x", msg, hint) &&
		  strstr(msg, "has no host") != NULL, "no host");
	CHECK(!value_ok("schema_registry", MESH_OPT_SERVER, "http://h:0/x", msg, hint) &&
		  strstr(msg, "bad port \"0\"") != NULL, "port 0: %s", msg);

	/* choices */
	CHECK(value_ok("value_format", MESH_OPT_TABLE, "bytes", msg, hint), "bytes");
	CHECK(value_ok("value_format", MESH_OPT_TABLE, "protobuf", msg, hint), "protobuf");
	CHECK(!value_ok("value_format", MESH_OPT_TABLE, "xml", msg, hint) &&
		  strcmp(msg, "invalid value for option \"value_format\": \"xml\"") == 0 &&
		  strcmp(hint, "Valid values are: avro, json, text, bytes, protobuf.") == 0, "xml: %s / %s", msg, hint);
	CHECK(!value_ok("on_error", MESH_OPT_TABLE, "ignore", msg, hint) &&
		  strcmp(hint, "Valid values are: error, skip, null.") == 0, "on_error: %s", hint);
	CHECK(mesh_choice_index(mesh_modes, "table") == 1, "mode table is 1");
	CHECK(mesh_choice_index(mesh_key_formats, "avro") == 3, "key format avro");
	CHECK(mesh_choice_index(mesh_value_formats, "TEXT") == -1, "choices are case-sensitive");

	/* names */
	CHECK(value_ok("topic", MESH_OPT_TABLE, "a.b_c-1", msg, hint), "topic name");
	CHECK(!value_ok("topic", MESH_OPT_TABLE, "..", msg, hint) &&
		  strstr(msg, "is not a Kafka topic name") != NULL, "topic ..");
	CHECK(!value_ok("catalog_topic", MESH_OPT_SERVER, "a/b", msg, hint), "topic with a slash");
	CHECK(!value_ok("product", MESH_OPT_TABLE, "nodot", msg, hint) &&
		  strstr(hint, "domain.name") != NULL, "product without a domain");
	CHECK(!value_ok("field", MESH_OPT_COLUMN, "", msg, hint) &&
		  strcmp(msg, "option \"field\" must not be empty") == 0, "empty field: %s", msg);
	CHECK(mesh_valid_name("trading_2") && !mesh_valid_name("2trading") &&
		  !mesh_valid_name("Trading") && !mesh_valid_name(""), "product names");
	{
		char		longname[70];

		memset(longname, 'a', sizeof(longname) - 1);
		longname[MESH_MAX_NAME_LEN] = '\0';
		CHECK(mesh_valid_name(longname), "63 characters");
		longname[MESH_MAX_NAME_LEN] = 'a';
		longname[MESH_MAX_NAME_LEN + 1] = '\0';
		CHECK(!mesh_valid_name(longname), "64 characters");
	}
}

static void
test_kafka_properties(void)
{
	CHECK(mesh_kafka_property_reserved("group.id") &&
		  mesh_kafka_property_reserved("kafka.bootstrap.servers"), "reserved");
	CHECK(mesh_kafka_property_for_users("sasl.username") &&
		  !mesh_kafka_property_for_users("ssl.ca.location") &&
		  !mesh_kafka_property_for_users("plugin.library.paths"), "allowlist");
	CHECK(mesh_option_is_secret("kafka.sasl.password") && mesh_option_is_secret("ssl.key.pem") &&
		  mesh_option_is_secret("my.secret.thing") && !mesh_option_is_secret("sasl.username"),
		  "secrets");
	CHECK(mesh_metadata_column_kind("_offset") == MESH_COLUMN_OFFSET &&
		  mesh_metadata_column_kind("_headers") == MESH_COLUMN_HEADERS &&
		  mesh_metadata_column_kind("_error") == MESH_COLUMN_ERROR &&
		  mesh_metadata_column_kind("_raw") == MESH_COLUMN_RAW &&
		  mesh_metadata_column_kind("offset") == MESH_COLUMN_FIELD, "metadata columns");
}

static MeshPartitionRange
range(int64_t low, int64_t high)
{
	MeshPartitionRange r = {low, high, low, high};

	return r;
}

static void
test_ranges(void)
{
	MeshPartitionRange r;
	MeshPartitionRange hull;
	MeshPartitionRange arm;

	r = range(10, 100);
	mesh_range_restrict(&r, MESH_CMP_GE, 50);
	mesh_range_restrict(&r, MESH_CMP_LT, 60);
	CHECK(r.start == 50 && r.end == 60, ">= 50 and < 60: [%lld, %lld)", (long long) r.start, (long long) r.end);

	r = range(10, 100);
	mesh_range_restrict(&r, MESH_CMP_GT, 50);
	mesh_range_restrict(&r, MESH_CMP_LE, 60);
	CHECK(r.start == 51 && r.end == 61, "> 50 and <= 60");

	r = range(10, 100);
	mesh_range_restrict(&r, MESH_CMP_EQ, 99);
	CHECK(r.start == 99 && r.end == 100, "= 99");

	/* beyond the partition: empty after clamping */
	r = range(10, 100);
	mesh_range_restrict(&r, MESH_CMP_GE, 500);
	mesh_range_clamp(&r);
	CHECK(r.start >= r.end && r.end == 100, ">= 500 reads nothing");
	r = range(10, 100);
	mesh_range_restrict(&r, MESH_CMP_LT, 5);
	mesh_range_clamp(&r);
	CHECK(r.start == r.end, "< 5 reads nothing");

	/* no overflow at the edge of int64 */
	r = range(0, 100);
	mesh_range_restrict(&r, MESH_CMP_LE, INT64_MAX);
	CHECK(r.end == 100, "<= INT64_MAX");
	r = range(0, 100);
	mesh_range_restrict(&r, MESH_CMP_GT, INT64_MAX);
	mesh_range_clamp(&r);
	CHECK(r.start == r.end, "> INT64_MAX reads nothing");

	CHECK(mesh_partition_matches(2, MESH_CMP_EQ, 2) && !mesh_partition_matches(1, MESH_CMP_EQ, 2) &&
		  mesh_partition_matches(1, MESH_CMP_LT, 2) && !mesh_partition_matches(2, MESH_CMP_GT, 2),
		  "partitions");

	/* the hull of the arms of an OR */
	hull = range(0, 1000);
	mesh_range_empty(&hull);
	arm = range(0, 1000);
	mesh_range_empty(&arm);
	mesh_range_hull_add(&hull, &arm);
	CHECK(hull.start >= hull.end, "an empty arm adds nothing");
	arm = range(0, 1000);
	mesh_range_restrict(&arm, MESH_CMP_GE, 700);
	mesh_range_hull_add(&hull, &arm);
	arm = range(0, 1000);
	mesh_range_restrict(&arm, MESH_CMP_LT, 100);
	mesh_range_hull_add(&hull, &arm);
	CHECK(hull.start == 0 && hull.end == 1000, "hull of < 100 and >= 700 covers both");
}

int
main(void)
{
	test_table();
	test_values();
	test_kafka_properties();
	test_ranges();
	return test_report("test_options");
}
