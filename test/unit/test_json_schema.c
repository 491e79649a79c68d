/*-------------------------------------------------------------------------
 *
 * test_json_schema.c
 *		  Unit tests of JSON Schema compiling and checking
 *		  (src/core/json_schema.c), outside the server.
 *
 * Run by test/unit/run.  sql/json_schema.sql checks the same against
 * what confluent-kafka's JSONSerializer writes.
 *
 *-------------------------------------------------------------------------
 */
#include "core/json_schema.h"
#include "harness.h"

#include <stdio.h>
#include <string.h>

static const char *order_schema =
	"{\"type\":\"object\",\"required\":[\"id\",\"status\"],\"properties\":{"
	"\"id\":{\"type\":\"integer\",\"minimum\":1},"
	"\"item\":{\"type\":[\"string\",\"null\"],\"minLength\":1,\"maxLength\":3},"
	"\"price\":{\"type\":\"number\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":10},"
	"\"old\":{\"type\":\"number\",\"minimum\":0,\"exclusiveMinimum\":true},"
	"\"qty\":{\"type\":\"integer\",\"multipleOf\":5},"
	"\"half\":{\"type\":\"number\",\"multipleOf\":0.5},"
	"\"status\":{\"enum\":[\"new\",1,null,{\"a\":[1]}]},"
	"\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
	"\"extra\":{\"type\":\"object\",\"properties\":{\"note\":{\"type\":\"boolean\"}}},"
	"\"never\":false,"
	"\"code\":{\"type\":\"string\",\"pattern\":\"^AB\"},"
	"\"any\":{\"$ref\":\"#/definitions/x\",\"pattern\":\"[a\"}}}";

/*
 * A stand-in for the server's regular expressions: "^abc" means the
 * prefix abc; anything else cannot be used (-1: not checked).
 */
static int
prefix_match(void *arg, const char *pattern, const char *s, size_t len)
{
	size_t		n = strlen(pattern) - 1;

	(void) arg;

	if (pattern[0] != '^')
		return -1;
	return len >= n && memcmp(s, pattern + 1, n) == 0;
}

static const MeshJsonPatterns prefixes = {.match = prefix_match};

/* check value against the order schema; the reason, or "" when it fits */
static const char *
verdict(const MeshJsonSchema *s, const char *value)
{
	static char errbuf[256];
	char		perr[256];
	MeshJson   *json = mesh_json_parse(value, strlen(value), 0, perr, sizeof(perr));

	if (json == NULL)
		die("test value", perr);
	errbuf[0] = '\0';
	if (mesh_json_schema_check(s, json, &prefixes, errbuf, sizeof(errbuf)))
		return "";
	return errbuf;
}

#define FITS(s, v) CHECK(strcmp(verdict((s), (v)), "") == 0, "%s fits: %s", (v), verdict((s), (v)))
#define BREAKS(s, v, reason) \
	CHECK(strcmp(verdict((s), (v)), (reason)) == 0, "%s: %s", (v), verdict((s), (v)))

static void
test_check(void)
{
	char		errbuf[256];
	MeshJsonSchema *s = mesh_json_schema_compile(order_schema, strlen(order_schema),
												 errbuf, sizeof(errbuf));

	CHECK_MADE(s, "order schema", errbuf);
	if (s == NULL)
		return;
	CHECK(s->nproperties == 12 && strcmp(s->names[2], "price") == 0, "properties in order");
	CHECK(s->properties[1]->types == (MJS_STRING | MJS_NULL), "a type array");

	FITS(s, "{\"id\":1,\"status\":\"new\"}");
	FITS(s, "{\"id\":2.0,\"status\":1,\"item\":null,\"any\":\"b\"}");
	FITS(s, "{\"id\":3,\"status\":{\"a\":[1.0]},\"tags\":[],\"extra\":{\"other\":1}}");
	FITS(s, "{\"id\":3,\"status\":null,\"qty\":-10,\"half\":2.5,\"price\":9.99,\"old\":0.1}");
	FITS(s, "{\"id\":3,\"status\":null,\"item\":\"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\"}");

	BREAKS(s, "[1]", "JSON Schema: the value: array is not of type object");
	BREAKS(s, "{\"status\":\"new\"}", "JSON Schema: property \"id\": required but missing");
	BREAKS(s, "{\"id\":0,\"status\":\"new\"}",
		   "JSON Schema: property \"id\": 0 is less than the minimum 1");
	BREAKS(s, "{\"id\":1.5,\"status\":\"new\"}",
		   "JSON Schema: property \"id\": number is not of type integer");
	BREAKS(s, "{\"id\":1,\"status\":\"old\"}",
		   "JSON Schema: property \"status\": \"old\" is not one of the enum's values");
	BREAKS(s, "{\"id\":1,\"status\":{\"a\":[2]}}",
		   "JSON Schema: property \"status\": the value is not one of the enum's values");
	BREAKS(s, "{\"id\":1,\"status\":1,\"item\":\"\"}",
		   "JSON Schema: property \"item\": a string of 0 characters is shorter than minLength 1");
	BREAKS(s, "{\"id\":1,\"status\":1,\"item\":\"abcd\"}",
		   "JSON Schema: property \"item\": a string of 4 characters is longer than maxLength 3");
	BREAKS(s, "{\"id\":1,\"status\":1,\"item\":5}",
		   "JSON Schema: property \"item\": number is not of type null or string");
	BREAKS(s, "{\"id\":1,\"status\":1,\"price\":0}",
		   "JSON Schema: property \"price\": 0 is not greater than the exclusive minimum 0");
	BREAKS(s, "{\"id\":1,\"status\":1,\"price\":10}",
		   "JSON Schema: property \"price\": 10 is not less than the exclusive maximum 10");
	BREAKS(s, "{\"id\":1,\"status\":1,\"old\":0}",
		   "JSON Schema: property \"old\": 0 is not greater than the exclusive minimum 0");
	BREAKS(s, "{\"id\":1,\"status\":1,\"qty\":7}",
		   "JSON Schema: property \"qty\": 7 is not a multiple of 5");
	BREAKS(s, "{\"id\":1,\"status\":1,\"half\":0.3}",
		   "JSON Schema: property \"half\": 0.3 is not a multiple of 0.5");
	BREAKS(s, "{\"id\":1,\"status\":1,\"tags\":[\"a\",true]}",
		   "JSON Schema: property \"tags[1]\": boolean is not of type string");
	BREAKS(s, "{\"id\":1,\"status\":1,\"extra\":{\"note\":\"yes\"}}",
		   "JSON Schema: property \"extra.note\": string is not of type boolean");
	FITS(s, "{\"id\":1,\"status\":1,\"code\":\"ABC\"}");
	BREAKS(s, "{\"id\":1,\"status\":1,\"code\":\"XABC\"}",
		   "JSON Schema: property \"code\": \"XABC\" does not match the pattern \"^AB\"");
	BREAKS(s, "{\"id\":1,\"status\":1,\"never\":1}",
		   "JSON Schema: property \"never\": the value is not one of the enum's values");
}

static void
test_compile_errors(void)
{
	static const char *const bad[][2] = {
		{"[]", "invalid JSON Schema: a schema must be a JSON object"},
		{"{\"type\":\"text\"}", "invalid JSON Schema: \"type\" must name JSON types (null, boolean, integer, number, string, array, object)"},
		{"{\"properties\":[]}", "invalid JSON Schema: \"properties\" must be an object"},
		{"{\"required\":[1]}", "invalid JSON Schema: \"required\" must be an array of strings"},
		{"{\"enum\":1}", "invalid JSON Schema: \"enum\" must be an array"},
		{"{\"minimum\":\"1\"}", "invalid JSON Schema: \"minimum\" must be a number"},
		{"{\"pattern\":1}", "invalid JSON Schema: \"pattern\" must be a string"},
		{"{\"maxLength\":-1}", "invalid JSON Schema: \"maxLength\" must be a non-negative integer"},
		{"{\"multipleOf\":0}", "invalid JSON Schema: \"multipleOf\" must be greater than 0"},
		{"{\"properties\":{\"a\":{\"items\":3}}}", "invalid JSON Schema: a schema must be a JSON object"},
		{"{", "invalid JSON Schema: at byte 1"},
	};
	size_t		i;

	/* the reasons as they begin (the JSON parser says more after them) */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		char		errbuf[256] = "";
		MeshJsonSchema *s = mesh_json_schema_compile(bad[i][0], strlen(bad[i][0]),
													 errbuf, sizeof(errbuf));

		CHECK(s == NULL && strncmp(errbuf, bad[i][1], strlen(bad[i][1])) == 0,
			  "%s: %s", bad[i][0], errbuf);
	}
}

int
main(void)
{
	test_check();
	test_compile_errors();
	return test_report("test_json_schema");
}
