/*-------------------------------------------------------------------------
 *
 * test_core.c
 *		  Unit tests of the portable core: the JSON parser (src/core/json.c) and
 *		  Avro schemas (src/core/avro_schema.c), outside the server.
 *
 * Run by test/unit/run, built with AddressSanitizer where available.  Every
 * input is handed over in a malloc'd buffer of exactly its length, so a
 * read past the end is caught.  The published Avro test vectors are read
 * from test/data (or the directory given as the only argument).
 *
 *-------------------------------------------------------------------------
 */
#include "harness.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *data_dir = "test/data";

/* ------------------------------------------------------------------------
 * Helpers: parse from an exact-size copy, so that ASan sees overreads
 * ------------------------------------------------------------------------
 */

static char *
exact_copy(const char *text, size_t len)
{
	char	   *copy = malloc(len > 0 ? len : 1);

	if (copy == NULL)
		abort();
	memcpy(copy, text, len);
	return copy;
}

static MeshJson *
json_parse_exact(const char *text, size_t len, int depth, char *err, size_t errlen)
{
	char	   *copy = exact_copy(text, len);
	MeshJson   *j = mesh_json_parse(copy, len, depth, err, errlen);

	free(copy);					/* the tree must not point into the input */
	return j;
}

static MeshAvroType *
avro_parse_exact(const char *text, size_t len, int flags, char *err, size_t errlen)
{
	char	   *copy = exact_copy(text, len);
	MeshAvroType *t = mesh_avro_parse_ext(copy, len, flags, err, errlen);

	free(copy);
	return t;
}

static char *
json_to_text(const MeshJson *j)
{
	MeshBuf		buf;

	mesh_buf_init(&buf);
	mesh_json_write(&buf, j);
	return buf.data;
}

/* in (len bytes) parses, and serializes to expected */
static void
json_ok_n(const char *in, size_t len, const char *expected, int line)
{
	char		err[256];
	MeshJson   *j = json_parse_exact(in, len, MESH_JSON_MAX_DEPTH, err, sizeof(err));

	if (j == NULL)
	{
		check_at(false, __FILE__, line, "JSON %s rejected: %s", in, err);
		return;
	}
	check_at(strcmp(json_to_text(j), expected) == 0, __FILE__, line,
			 "JSON %s wrote %s, expected %s", in, json_to_text(j), expected);
}

/*
 * what (JSON, schema) in is rejected with the error expected, exactly, or
 * containing it when it starts with '~'.
 */
static void
check_refused(const char *what, const char *in, bool accepted, const char *err,
			  const char *expected, int line)
{
	if (accepted)
		check_at(false, __FILE__, line, "%s %s accepted, expected error %s", what, in, expected);
	else if (expected[0] == '~')
		check_at(strstr(err, expected + 1) != NULL, __FILE__, line,
				 "%s %s: error \"%s\" lacks \"%s\"", what, in, err, expected + 1);
	else
		check_at(strcmp(err, expected) == 0, __FILE__, line,
				 "%s %s:\n    error    \"%s\"\n    expected \"%s\"", what, in, err, expected);
}

static void
json_err_n(const char *in, size_t len, const char *expected, int line)
{
	char		err[256];
	MeshJson   *j;

	strcpy(err, "(unset)");
	j = json_parse_exact(in, len, MESH_JSON_MAX_DEPTH, err, sizeof(err));
	check_refused("JSON", in, j != NULL, err, expected, line);
}

#define JSON_OK(in, out) json_ok_n((in), strlen(in), (out), __LINE__)
#define JSON_ERR(in, e) json_err_n((in), strlen(in), (e), __LINE__)
#define JSON_ERR_N(in, e) json_err_n((in), sizeof(in) - 1, (e), __LINE__)

static MeshAvroType *
schema_ok(const char *in, int line)
{
	char		err[512];
	MeshAvroType *t = avro_parse_exact(in, strlen(in), 0, err, sizeof(err));

	check_at(t != NULL, __FILE__, line, "schema %s rejected: %s", in, t ? "" : err);
	return t;
}

static void
schema_err(const char *in, const char *expected, int line)
{
	char		err[512];
	MeshAvroType *t;

	strcpy(err, "(unset)");
	t = avro_parse_exact(in, strlen(in), 0, err, sizeof(err));
	check_refused("schema", in, t != NULL, err, expected, line);
}

static void
canonical_is(const char *in, const char *expected, int line)
{
	MeshAvroType *t = schema_ok(in, line);
	char	   *canon;

	if (t == NULL)
		return;
	canon = mesh_avro_canonical_form(t);
	check_at(strcmp(canon, expected) == 0, __FILE__, line,
			 "canonical form of %s:\n    got      %s\n    expected %s", in, canon, expected);
}

#define SCHEMA_OK(in) schema_ok((in), __LINE__)
#define SCHEMA_ERR(in, e) schema_err((in), (e), __LINE__)
#define CANONICAL(in, out) canonical_is((in), (out), __LINE__)

/* ------------------------------------------------------------------------
 * MeshBuf
 * ------------------------------------------------------------------------
 */

static void
test_buf(void)
{
	MeshBuf		buf;
	MeshBuf		zero;
	int			i;

	mesh_buf_init(&buf);
	CHECK(buf.len == 0 && buf.data[0] == '\0', "empty buffer");
	for (i = 0; i < 1000; i++)
		mesh_buf_append_char(&buf, 'a' + i % 26);
	mesh_buf_append_str(&buf, "xyz");
	mesh_buf_append(&buf, "12345", 2);
	CHECK(buf.len == 1005 && strcmp(buf.data + 1000, "xyz12") == 0,
		  "appends: len %zu", buf.len);

	/* a zeroed MeshBuf works without mesh_buf_init */
	memset(&zero, 0, sizeof(zero));
	mesh_buf_append(&zero, "", 0);
	CHECK(zero.data != NULL && zero.len == 0 && zero.data[0] == '\0', "zeroed buffer");

	mesh_buf_init(&buf);
	mesh_buf_append_json_string(&buf, "a\"b\\c\n\t\x01/\xC3\xA9", 11);
	CHECK(strcmp(buf.data, "\"a\\\"b\\\\c\\n\\t\\u0001/\xC3\xA9\"") == 0,
		  "json string escapes: %s", buf.data);

	mesh_buf_init(&buf);
	mesh_buf_append_json_string(&buf, "a\0b\xFF" "c\xC3", 6);
	CHECK(strcmp(buf.data, "\"a\\u0000b\\ufffdc\\ufffd\"") == 0,
		  "NUL and invalid UTF-8 escaped: %s", buf.data);
}

/* ------------------------------------------------------------------------
 * JSON: accepted
 * ------------------------------------------------------------------------
 */

static void
test_json_accept(void)
{
	char		err[256];
	MeshJson   *j;
	const char *five = "12345";

	JSON_OK("  {\"a\" : [1, 2.5, -0, 1E+2, true, false, null, \"x\"]} \r\n\t",
			"{\"a\":[1,2.5,-0,1E+2,true,false,null,\"x\"]}");
	JSON_OK("[]", "[]");
	JSON_OK("{}", "{}");
	JSON_OK("[[],{},[{}]]", "[[],{},[{}]]");
	JSON_OK("0", "0");
	JSON_OK("-0.0e-0", "-0.0e-0");
	JSON_OK("\"\"", "\"\"");
	JSON_OK("true", "true");
	JSON_OK("null", "null");
	JSON_OK("{\"b\":1,\"a\":2}", "{\"b\":1,\"a\":2}");	/* stored order */
	/* escapes decode to UTF-8; \/ is plain; the writer re-escapes \n */
	JSON_OK("\"\\u00e9\\ud83d\\ude00\\n\\/\\\"\\\\\\b\\f\\r\\t\"",
			"\"\xC3\xA9\xF0\x9F\x98\x80\\n/\\\"\\\\\\b\\f\\r\\t\"");
	JSON_OK("\"\\uDBFF\\uDFFF\"", "\"\xF4\x8F\xBF\xBF\"");
	JSON_OK("\"\\u0001\"", "\"\\u0001\"");
	JSON_OK("\"\\uFFFF\"", "\"\xEF\xBF\xBF\"");
	/* raw UTF-8 at the boundaries of each sequence length */
	JSON_OK("\"\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF\"",
			"\"\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF\"");
	JSON_OK("\"\xF0\x90\x80\x80\xF4\x8F\xBF\xBF\"", "\"\xF0\x90\x80\x80\xF4\x8F\xBF\xBF\"");
	JSON_OK("{\"\\u0061\":1,\"b\":[\"\\u0061\"]}", "{\"a\":1,\"b\":[\"a\"]}");

	/* numbers: text kept, integer when it fits int64 */
	j = json_parse_exact("9223372036854775807", 19, 0, err, sizeof(err));
	CHECK(j && j->type == MJ_NUMBER && j->is_integer && j->integer == INT64_MAX,
		  "INT64_MAX");
	j = json_parse_exact("-9223372036854775808", 20, 0, err, sizeof(err));
	CHECK(j && j->is_integer && j->integer == INT64_MIN, "INT64_MIN");
	j = json_parse_exact("9223372036854775808", 19, 0, err, sizeof(err));
	CHECK(j && !j->is_integer && mesh_json_real(j) > 9.2e18 &&
		  strcmp(j->number, "9223372036854775808") == 0, "INT64_MAX + 1");
	j = json_parse_exact("-9223372036854775809", 20, 0, err, sizeof(err));
	CHECK(j && !j->is_integer && mesh_json_real(j) < -9.2e18, "INT64_MIN - 1");
	j = json_parse_exact("123456789012345678901234567890", 30, 0, err, sizeof(err));
	CHECK(j && !j->is_integer && mesh_json_real(j) > 1.2e29, "huge integer");
	j = json_parse_exact("1.0", 3, 0, err, sizeof(err));
	CHECK(j && !j->is_integer && mesh_json_real(j) == 1.0, "1.0 is not an integer");
	j = json_parse_exact("1e2", 3, 0, err, sizeof(err));
	CHECK(j && !j->is_integer && mesh_json_real(j) == 100.0, "1e2 is not an integer");
	j = json_parse_exact("-0", 2, 0, err, sizeof(err));
	CHECK(j && j->is_integer && j->integer == 0, "-0");
	j = json_parse_exact("-12.5e-1", 8, 0, err, sizeof(err));
	CHECK(j && mesh_json_real(j) == -1.25, "-12.5e-1");
	j = json_parse_exact("1e400", 5, 0, err, sizeof(err));
	CHECK(j && !j->is_integer && mesh_json_real(j) > 1e308, "1e400 overflows to infinity");
	/* the number ends where len says, whatever follows in memory */
	j = mesh_json_parse(five, 2, 0, err, sizeof(err));
	CHECK(j && j->is_integer && j->integer == 12 && mesh_json_real(j) == 12.0 &&
		  strcmp(j->number, "12") == 0, "len bounds the number");

	/* strings */
	j = json_parse_exact("\"a\\u00e9\"", 9, 0, err, sizeof(err));
	CHECK(j && j->type == MJ_STRING && j->string_len == 3 &&
		  strcmp(j->string, "a\xC3\xA9") == 0, "string_len counts bytes");

	/* get */
	j = json_parse_exact("{\"a\":\"x\",\"b\":2}", 15, 0, err, sizeof(err));
	CHECK(j && mesh_json_get(j, "b") && mesh_json_get(j, "b")->integer == 2, "get");
	CHECK(j && mesh_json_get(j, "c") == NULL, "get absent");
	CHECK(j && strcmp(mesh_json_get_string(j, "a"), "x") == 0, "get_string");
	CHECK(j && mesh_json_get_string(j, "b") == NULL, "get_string of a number");
	CHECK(mesh_json_get(j->items[0], "a") == NULL, "get on a non-object");
	CHECK(mesh_json_get(NULL, "a") == NULL, "get on NULL");

	/* a NULL text with length 0 is empty input, not a crash */
	CHECK(mesh_json_parse(NULL, 0, 0, err, sizeof(err)) == NULL, "NULL text");
	/* no errbuf at all */
	CHECK(mesh_json_parse("[", 1, 0, NULL, 0) == NULL, "no errbuf");
}

/* ------------------------------------------------------------------------
 * JSON: rejected
 * ------------------------------------------------------------------------
 */

static void
test_json_reject(void)
{
	char		small[12];

	JSON_ERR("", "at byte 0: expected a JSON value, got end of input");
	JSON_ERR("   ", "at byte 3: expected a JSON value, got end of input");
	JSON_ERR("{\"a\" 1}", "at byte 5: expected ':' after object key, got '1'");
	JSON_ERR("[1,]", "at byte 3: expected a JSON value, got ']'");
	JSON_ERR("{\"a\":1,}", "at byte 7: expected a string for object key, got '}'");
	JSON_ERR("{1:2}", "at byte 1: expected a string for object key, got '1'");
	JSON_ERR("[1 2]", "at byte 3: expected ',' or ']' after array element, got '2'");
	JSON_ERR("{\"a\":1 \"b\":2}",
			 "at byte 7: expected ',' or '}' after object member, got '\"'");
	JSON_ERR("[1", "at byte 2: expected ',' or ']' after array element, got end of input");
	JSON_ERR("{\"a\":", "at byte 5: expected a JSON value, got end of input");
	JSON_ERR("01", "at byte 1: unexpected data after the JSON value: '1'");
	JSON_ERR("{} x", "at byte 3: unexpected data after the JSON value: 'x'");
	JSON_ERR("{}}", "at byte 2: unexpected data after the JSON value: '}'");
	JSON_ERR("[1]]", "at byte 3: unexpected data after the JSON value: ']'");
	JSON_ERR("1.", "at byte 2: invalid number: expected a digit after '.'");
	JSON_ERR(".5", "at byte 0: expected a JSON value, got '.'");
	JSON_ERR("-", "at byte 1: invalid number: expected a digit, got end of input");
	JSON_ERR("-a", "at byte 1: invalid number: expected a digit, got 'a'");
	JSON_ERR("1e", "at byte 2: invalid number: expected a digit in the exponent");
	JSON_ERR("1e+", "at byte 3: invalid number: expected a digit in the exponent");
	JSON_ERR("+1", "at byte 0: expected a JSON value, got '+'");
	JSON_ERR("0x10", "at byte 1: unexpected data after the JSON value: 'x'");
	JSON_ERR("NaN", "at byte 0: expected a JSON value, got 'N'");
	JSON_ERR("Infinity", "at byte 0: expected a JSON value, got 'I'");
	JSON_ERR("-Infinity", "at byte 1: invalid number: expected a digit, got 'I'");
	JSON_ERR("tru", "at byte 0: invalid literal: expected \"true\"");
	JSON_ERR("nul", "at byte 0: invalid literal: expected \"null\"");
	JSON_ERR("True", "at byte 0: expected a JSON value, got 'T'");
	JSON_ERR("nulll", "at byte 4: unexpected data after the JSON value: 'l'");
	JSON_ERR("{'a':1}", "at byte 1: expected a string for object key, got '''");
	JSON_ERR("[1 /* c */]", "~expected ',' or ']'");
	JSON_ERR("\f[]", "at byte 0: expected a JSON value, got byte 0x0C");
	JSON_ERR("[\v]", "at byte 1: expected a JSON value, got byte 0x0B");
	JSON_ERR("\xEF\xBB\xBF{}", "at byte 0: expected a JSON value, got byte 0xEF");

	/* strings */
	JSON_ERR("\"abc", "at byte 4: unexpected end of input in string");
	JSON_ERR("\"abc\\", "at byte 5: unexpected end of input in string");
	JSON_ERR("\"\\x\"", "at byte 2: invalid escape: 'x' after backslash");
	JSON_ERR("\"\\'\"", "at byte 2: invalid escape: ''' after backslash");
	JSON_ERR("\"\\u12\"", "at byte 1: invalid \\u escape: expected 4 hex digits");
	JSON_ERR("\"\\u12", "at byte 5: unexpected end of input in \\u escape");
	JSON_ERR("\"\\u12G4\"", "at byte 1: invalid \\u escape: expected 4 hex digits");
	JSON_ERR("\"a\\u0000b\"", "at byte 2: \\u0000 is not allowed");
	JSON_ERR("\"\\ud800\"", "at byte 1: lone high surrogate \\uD800");
	JSON_ERR("\"\\uDBFF\"", "at byte 1: lone high surrogate \\uDBFF");
	JSON_ERR("\"\\udc00\"", "at byte 1: lone low surrogate \\uDC00");
	JSON_ERR("\"\\ud800\\u0041\"", "at byte 1: lone high surrogate \\uD800");
	JSON_ERR("\"\\ud800\\ud800\"", "at byte 1: lone high surrogate \\uD800");
	JSON_ERR("\"\\ud800x\"", "at byte 1: lone high surrogate \\uD800");
	JSON_ERR("\"\\ud800\\n\"", "at byte 1: lone high surrogate \\uD800");
	JSON_ERR("\"\\ud800", "at byte 7: unexpected end of input in string");
	JSON_ERR("\"\\ud800\\", "at byte 8: unexpected end of input in string");
	JSON_ERR("\"\\ud800\\u", "at byte 9: unexpected end of input in \\u escape");
	JSON_ERR("\"\\ud800\\udc0", "at byte 12: unexpected end of input in \\u escape");
	JSON_ERR("\"\\ud800\\udcxy\"", "at byte 7: invalid \\u escape: expected 4 hex digits");
	JSON_ERR("\"a\tb\"", "at byte 2: unescaped control character 0x09 in string");
	JSON_ERR("\"a\nb\"", "at byte 2: unescaped control character 0x0A in string");
	JSON_ERR("\"\x1f\"", "at byte 1: unescaped control character 0x1F in string");
	JSON_ERR_N("\"a\0b\"", "at byte 2: unescaped control character 0x00 in string");
	JSON_ERR_N("[1]\0", "at byte 3: unexpected data after the JSON value: byte 0x00");
	JSON_OK("\"\x7f\"", "\"\x7f\"");	/* DEL is allowed */

	/* invalid UTF-8, raw */
	JSON_ERR("\"\xC0\x80\"", "at byte 1: invalid UTF-8 in string");	/* overlong NUL */
	JSON_ERR("\"\xC1\xBF\"", "at byte 1: invalid UTF-8 in string");
	JSON_ERR("\"\xE0\x80\x80\"", "at byte 1: invalid UTF-8 in string");
	JSON_ERR("\"\xE0\x9F\xBF\"", "at byte 1: invalid UTF-8 in string");	/* overlong */
	JSON_ERR("\"\xED\xA0\x80\"", "at byte 1: invalid UTF-8 in string");	/* U+D800 */
	JSON_ERR("\"\xED\xBF\xBF\"", "at byte 1: invalid UTF-8 in string");	/* U+DFFF */
	JSON_ERR("\"\xED\xA0\xBD\xED\xB8\x80\"", "at byte 1: invalid UTF-8 in string"); /* CESU-8 */
	JSON_ERR("\"\xF0\x80\x80\x80\"", "at byte 1: invalid UTF-8 in string");
	JSON_ERR("\"\xF0\x8F\xBF\xBF\"", "at byte 1: invalid UTF-8 in string");	/* overlong */
	JSON_ERR("\"\xF4\x90\x80\x80\"", "at byte 1: invalid UTF-8 in string");	/* > U+10FFFF */
	JSON_ERR("\"\xF5\x80\x80\x80\"", "at byte 1: invalid UTF-8 in string");
	JSON_ERR("\"\xF8\x88\x80\x80\x80\"", "at byte 1: invalid UTF-8 in string");
	JSON_ERR("\"\xFF\"", "at byte 1: invalid UTF-8 in string");
	JSON_ERR("\"\x80\"", "at byte 1: invalid UTF-8 in string");
	JSON_ERR("\"ab\xC3\"", "at byte 3: invalid UTF-8 in string");
	JSON_ERR("\"\xE2\x82\"", "at byte 1: invalid UTF-8 in string");
	JSON_ERR("\"\xE2\x82", "at byte 1: invalid UTF-8 in string");	/* cut by the end */
	JSON_ERR("\"\xF0\x9F\x98", "at byte 1: invalid UTF-8 in string");
	JSON_ERR("\"\\u00e9\xC3\"", "at byte 7: invalid UTF-8 in string");
	JSON_ERR("[\xC3\xA9]", "at byte 1: expected a JSON value, got byte 0xC3");

	/* duplicate keys, including after unescaping and with many keys */
	JSON_ERR("{\"a\":1,\"a\":2}", "at byte 7: duplicate object key \"a\"");
	JSON_ERR("{\"a\":1,\"\\u0061\":2}", "at byte 7: duplicate object key \"a\"");
	JSON_ERR("{\"a\":{\"b\":1,\"c\":2,\"b\":3}}", "at byte 18: duplicate object key \"b\"");
	JSON_ERR("{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,"
			 "\"k8\":8,\"k9\":9,\"k10\":10,\"k11\":11,\"k5\":12}",
			 "~duplicate object key \"k5\"");
	JSON_OK("[{\"a\":1},{\"a\":2}]", "[{\"a\":1},{\"a\":2}]");	/* separate objects */

	/* a small error buffer truncates, NUL-terminated */
	memset(small, 'x', sizeof(small));
	CHECK(mesh_json_parse("[1,]", 4, 0, small, sizeof(small)) == NULL &&
		  strlen(small) == sizeof(small) - 1, "truncated error: %s", small);
}

/* n nested arrays around a 1 (or objects, {"a":...}) */
static char *
nested(int n, bool objects, size_t *len)
{
	size_t		cap = (size_t) n * 6 + 2;
	char	   *s = malloc(cap);
	size_t		k = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		if (objects)
		{
			memcpy(s + k, "{\"a\":", 5);
			k += 5;
		}
		else
			s[k++] = '[';
	}
	s[k++] = '1';
	for (i = 0; i < n; i++)
		s[k++] = objects ? '}' : ']';
	*len = k;
	return s;
}

/*
 * Arrays or objects nested depth deep, parsed with this limit: accepted
 * (refused NULL), or refused as check_refused expects.
 */
static void
check_nested(int depth, bool objects, int limit, const char *refused, int line)
{
	char		err[256];
	char		what[64];
	size_t		len;
	char	   *s = nested(depth, objects, &len);
	MeshJson   *j = mesh_json_parse(s, len, limit, err, sizeof(err));

	snprintf(what, sizeof(what), "%s nested %d deep, limit %d",
			 objects ? "objects" : "arrays", depth, limit);
	if (refused == NULL)
		check_at(j != NULL, __FILE__, line, "%s refused: %s", what, err);
	else
		check_refused("JSON", what, j != NULL, err, refused, line);
	free(s);
}

static void
test_json_depth(void)
{
	char		err[256];
	char		expected[64];

	check_nested(MESH_JSON_MAX_DEPTH, false, MESH_JSON_MAX_DEPTH, NULL, __LINE__);
	snprintf(expected, sizeof(expected), "at byte %d: nesting deeper than %d levels",
			 MESH_JSON_MAX_DEPTH, MESH_JSON_MAX_DEPTH);
	check_nested(MESH_JSON_MAX_DEPTH + 1, false, MESH_JSON_MAX_DEPTH, expected, __LINE__);
	check_nested(MESH_JSON_MAX_DEPTH, true, MESH_JSON_MAX_DEPTH, NULL, __LINE__);
	check_nested(MESH_JSON_MAX_DEPTH + 1, true, MESH_JSON_MAX_DEPTH, "~nesting deeper", __LINE__);

	/* the limit is the caller's */
	CHECK(mesh_json_parse("[]", 2, 1, err, sizeof(err)) != NULL, "depth 1: []");
	CHECK(mesh_json_parse("[[]]", 4, 1, err, sizeof(err)) == NULL &&
		  strcmp(err, "at byte 1: nesting deeper than 1 levels") == 0, "depth 1: [[]]: %s", err);
	CHECK(mesh_json_parse("7", 1, 1, err, sizeof(err)) != NULL, "depth 1: scalar");
	/* 0 or less means the default */
	check_nested(MESH_JSON_MAX_DEPTH + 1, false, 0, "~", __LINE__);
	/* the parser is iterative: a huge allowed depth costs no stack */
	check_nested(200000, false, 1000000, NULL, __LINE__);
}

/* Every proper prefix of a document is rejected, and says where. */
static void
test_json_truncated(void)
{
	const char *doc =
		"{\"a\":[1,-2.5e+3,true,false,null,\"x\\u00e9\\ud83d\\ude00y\xC3\xA9\"],"
		"\"b\":{\"c\":{},\"d\":[]},\"e\":\"\"}";
	size_t		len = strlen(doc);
	size_t		n;
	char		err[256];
	int			bad = 0;

	for (n = 0; n < len; n++)
	{
		MeshJson   *j = json_parse_exact(doc, n, 0, err, sizeof(err));

		if (j != NULL || strncmp(err, "at byte ", 8) != 0)
		{
			bad++;
			fprintf(stderr, "prefix of %zu bytes: %s\n", n, j ? "accepted" : err);
		}
	}
	CHECK(bad == 0, "%d truncated documents not rejected properly", bad);
	CHECK(json_parse_exact(doc, len, 0, err, sizeof(err)) != NULL, "the whole: %s", err);
}

/* ------------------------------------------------------------------------
 * Mutation fuzzing: no crash, no hang, and what is accepted round-trips
 * ------------------------------------------------------------------------
 */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t
rng(void)
{
	return (uint32_t) (xorshift64(&rng_state) >> 16);
}

static size_t
mutate(const char *seed, char *out, size_t cap)
{
	size_t		len = strlen(seed);
	int			edits = 1 + rng() % 4;
	static const char interesting[] = "{}[]\":,\\u0123456789.eE+-tfn \xC3\xA9\xED\xF4\x80\xBF";

	memcpy(out, seed, len);
	while (edits-- > 0)
	{
		size_t		at = len > 0 ? rng() % len : 0;
		char		c = rng() % 2 ? interesting[rng() % (sizeof(interesting) - 1)]
			: (char) (rng() & 0xFF);

		switch (rng() % 3)
		{
			case 0:				/* replace */
				if (len > 0)
					out[at] = c;
				break;
			case 1:				/* insert */
				if (len + 1 < cap)
				{
					memmove(out + at + 1, out + at, len - at);
					out[at] = c;
					len++;
				}
				break;
			default:			/* delete */
				if (len > 0)
				{
					memmove(out + at, out + at + 1, len - at - 1);
					len--;
				}
				break;
		}
	}
	return len;
}

/* A JSON mutant is refused at a position, or written back to the same text. */
static bool
json_mutant_ok(const char *in, size_t len, int *accepted)
{
	char		err[512];
	MeshJson   *j = json_parse_exact(in, len, 0, err, sizeof(err));
	char	   *text;
	MeshJson   *again;

	if (j == NULL)
		return strncmp(err, "at byte ", 8) == 0;
	(*accepted)++;
	text = json_to_text(j);
	again = json_parse_exact(text, strlen(text), 0, err, sizeof(err));
	return again != NULL && strcmp(json_to_text(again), text) == 0;
}

/*
 * A schema mutant is refused with a reason, or has a canonical form that
 * is JSON, and a schema of its own.
 */
static bool
schema_mutant_ok(const char *in, size_t len, int *accepted)
{
	char		err[512];
	MeshAvroType *t = avro_parse_exact(in, len, 0, err, sizeof(err));
	char	   *canon;

	if (t == NULL)
		return err[0] != '\0';
	(*accepted)++;
	canon = mesh_avro_canonical_form(t);
	if (json_parse_exact(canon, strlen(canon), 0, err, sizeof(err)) != NULL &&
		avro_parse_exact(canon, strlen(canon), MESH_AVRO_LAX_DEFAULTS, err, sizeof(err)) != NULL)
		return true;
	fprintf(stderr, "canonical form %s of %.*s: %s\n", canon, (int) len, in, err);
	return false;
}

/*
 * 30000 mutants of the seeds, each checked by ok: none may misbehave (*bad
 * counts them, over calls), and some must be accepted.
 */
static void
fuzz_seeds(const char *what, const char *const *seeds, unsigned nseeds,
		   bool (*ok) (const char *in, size_t len, int *accepted), int *bad)
{
	char		buf[1024];
	int			i;
	int			accepted = 0;

	for (i = 0; i < 30000; i++)
	{
		size_t		len = mutate(seeds[rng() % nseeds], buf, sizeof(buf));

		if (!ok(buf, len, &accepted))
			(*bad)++;
		if (i % 1000 == 999)
			mesh_standalone_reset();
	}
	CHECK(*bad == 0, "%s fuzz: %d of %d inputs misbehaved", what, *bad, i);
	CHECK(accepted > 0, "%s fuzz accepted some mutants", what);
}

static void
test_fuzz(void)
{
	static const char *const json_seeds[] = {
		"{\"a\":[1,-2.5e+3,true,false,null,\"x\\u00e9\\ud83d\\ude00y\"],\"b\":{\"c\":{}}}",
		"[\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\",0,-0.5,1E9,\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
		"{\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,\"k10\":[[[[]]]]}",
	};
	static const char *const schema_seeds[] = {
		"{\"type\":\"record\",\"name\":\"r\",\"namespace\":\"n.s\",\"fields\":["
		"{\"name\":\"a\",\"type\":[\"null\",\"r\"],\"default\":null},"
		"{\"name\":\"b\",\"type\":{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"X\",\"Y\"]},\"default\":\"Y\"},"
		"{\"name\":\"c\",\"type\":{\"type\":\"fixed\",\"name\":\"f\",\"size\":2,\"logicalType\":\"decimal\",\"precision\":4},\"default\":\"ab\"},"
		"{\"name\":\"d\",\"type\":{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":\"f\"}},\"default\":{\"k\":[\"xy\"]}}]}",
		"[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},{\"type\":\"record\",\"name\":\"x.R\",\"fields\":[{\"name\":\"s\",\"type\":\"string\",\"default\":\"\"}]}]",
	};
	int			bad = 0;

	fuzz_seeds("JSON", json_seeds, 3, json_mutant_ok, &bad);
	fuzz_seeds("schema", schema_seeds, 2, schema_mutant_ok, &bad);
	mesh_standalone_reset();
}

/* Large inputs stay fast: many keys, long strings, many items. */
static void
test_json_large(void)
{
	MeshBuf		buf;
	char		err[256];
	MeshJson   *j;
	int			i;
	char		key[32];

	mesh_buf_init(&buf);
	mesh_buf_append_char(&buf, '{');
	for (i = 0; i < 100000; i++)
	{
		snprintf(key, sizeof(key), "%s\"k%d\":%d", i ? "," : "", i, i);
		mesh_buf_append_str(&buf, key);
	}
	mesh_buf_append_char(&buf, '}');
	j = json_parse_exact(buf.data, buf.len, 0, err, sizeof(err));
	CHECK(j != NULL && j->count == 100000 &&
		  mesh_json_get(j, "k99999")->integer == 99999, "100000 keys");
	/* the same with a duplicate at the end */
	buf.len--;
	mesh_buf_append_str(&buf, ",\"k5\":0}");
	j = json_parse_exact(buf.data, buf.len, 0, err, sizeof(err));
	CHECK(j == NULL && strstr(err, "duplicate object key \"k5\"") != NULL,
		  "duplicate among 100000 keys: %s", err);

	mesh_buf_init(&buf);
	mesh_buf_append_char(&buf, '[');
	for (i = 0; i < 200000; i++)
		mesh_buf_append_str(&buf, i ? ",\"ab\\u00e9\"" : "\"ab\\u00e9\"");
	mesh_buf_append_char(&buf, ']');
	j = json_parse_exact(buf.data, buf.len, 0, err, sizeof(err));
	CHECK(j != NULL && j->count == 200000 && strcmp(j->items[199999]->string, "ab\xC3\xA9") == 0,
		  "200000 strings");
	mesh_standalone_reset();
}

/* ------------------------------------------------------------------------
 * Avro: the published test vectors
 * ------------------------------------------------------------------------
 */

/* The data lines of a TSV file, split at tabs; comment lines skipped. */
static int
read_tsv(const char *name, char fields[][3][8192], int maxrows, int ncols)
{
	char		path[1024];
	char		line[8192];
	FILE	   *f;
	int			rows = 0;

	snprintf(path, sizeof(path), "%s/%s", data_dir, name);
	f = fopen(path, "r");
	if (f == NULL)
	{
		CHECK(false, "cannot open %s", path);
		return 0;
	}
	while (fgets(line, sizeof(line), f) != NULL && rows < maxrows)
	{
		char	   *p = line;
		int			c;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (c = 0; c < ncols; c++)
		{
			char	   *tab = c < ncols - 1 ? strchr(p, '\t') : NULL;

			if (c < ncols - 1 && tab == NULL)
			{
				CHECK(false, "%s: line with fewer than %d columns: %s", name, ncols, line);
				break;
			}
			if (tab != NULL)
				*tab = '\0';
			snprintf(fields[rows][c], sizeof(fields[rows][c]), "%s", p);
			p = tab != NULL ? tab + 1 : p;
		}
		if (c == ncols)
			rows++;
	}
	fclose(f);
	return rows;
}

static char rows[64][3][8192];

static void
test_canonical_forms_tsv(void)
{
	int			n = read_tsv("avro-canonical-forms.tsv", rows, 64, 2);
	int			i;
	int			lax = 0;

	CHECK(n >= 15, "avro-canonical-forms.tsv has %d rows", n);
	for (i = 0; i < n; i++)
	{
		const char *input = rows[i][0];
		const char *expected = rows[i][1];
		char		err[512];
		MeshAvroType *t = avro_parse_exact(input, strlen(input), 0, err, sizeof(err));
		char	   *canon;

		if (t == NULL)
		{
			/*
			 * One published case gives a boolean field the default "true"
			 * (a string): an invalid default, which strict parsing rejects
			 * and lax parsing drops.
			 */
			CHECK(strstr(err, "invalid default") != NULL,
				  "canonical-forms row %d rejected: %s", i + 1, err);
			t = avro_parse_exact(input, strlen(input), MESH_AVRO_LAX_DEFAULTS,
								 err, sizeof(err));
			lax++;
			if (t == NULL)
			{
				CHECK(false, "canonical-forms row %d rejected even lax: %s", i + 1, err);
				continue;
			}
		}
		canon = mesh_avro_canonical_form(t);
		CHECK(strcmp(canon, expected) == 0,
			  "canonical-forms row %d: %s\n    got      %s\n    expected %s",
			  i + 1, input, canon, expected);
	}
	CHECK(lax == 1, "exactly one published schema needs lax defaults (%d did)", lax);
	mesh_standalone_reset();
}

static void
test_fingerprints_tsv(void)
{
	int			n = read_tsv("avro-fingerprints.tsv", rows, 64, 3);
	int			i;

	CHECK(n >= 20, "avro-fingerprints.tsv has %d rows", n);
	for (i = 0; i < n; i++)
	{
		int64_t		expected = strtoll(rows[i][0], NULL, 10);
		const char *le_hex = rows[i][1];
		const char *canonical = rows[i][2];
		uint64_t	fp = mesh_avro_fingerprint(canonical, strlen(canonical));
		char		hex[17];
		char		err[512];
		MeshAvroType *t;
		int			b;

		CHECK((int64_t) fp == expected, "fingerprint of %s: %" PRId64 ", expected %" PRId64,
			  canonical, (int64_t) fp, expected);
		for (b = 0; b < 8; b++)
			snprintf(hex + 2 * b, 3, "%02x", (unsigned) ((fp >> (8 * b)) & 0xFF));
		CHECK(strcmp(hex, le_hex) == 0, "little-endian fingerprint of %s: %s, expected %s",
			  canonical, hex, le_hex);

		/* a canonical form is its own canonical form */
		t = avro_parse_exact(canonical, strlen(canonical), 0, err, sizeof(err));
		CHECK(t != NULL && strcmp(mesh_avro_canonical_form(t), canonical) == 0,
			  "canonical form %s is not a fixed point: %s", canonical,
			  t ? mesh_avro_canonical_form(t) : err);
	}
	mesh_standalone_reset();
}

static void
test_fingerprint_table(void)
{
	const uint64_t empty = UINT64_C(0xc15d213aa4d7a795);
	char		byte;
	int			i;
	int			bad = 0;

	CHECK(mesh_avro_fingerprint("", 0) == empty, "fingerprint of nothing is EMPTY");

	/*
	 * The fingerprint of one byte b is table[(EMPTY ^ b) & 0xff] ^
	 * (EMPTY >> 8); recompute each table entry bit by bit, as the
	 * specification defines it, and compare.
	 */
	for (i = 0; i < 256; i++)
	{
		uint64_t	idx = (empty ^ (uint64_t) i) & 0xff;
		uint64_t	entry = idx;
		int			k;

		for (k = 0; k < 8; k++)
			entry = (entry >> 1) ^ (empty & (0 - (entry & 1)));
		byte = (char) i;
		if (mesh_avro_fingerprint(&byte, 1) != ((empty >> 8) ^ entry))
			bad++;
	}
	CHECK(bad == 0, "%d fingerprint table entries differ from the definition", bad);
}

/* ------------------------------------------------------------------------
 * Avro: schemas
 * ------------------------------------------------------------------------
 */

static void
test_schema_parse(void)
{
	MeshAvroType *t;
	char		err[512];

	t = SCHEMA_OK("{\"type\":\"record\",\"name\":\"Trade\",\"namespace\":\"mkt\",\"doc\":\"d\","
				  "\"aliases\":[\"Deal\",\"old.Deal\"],\"fields\":["
				  "{\"name\":\"id\",\"type\":\"long\",\"doc\":\"the id\",\"aliases\":[\"ident\"],\"order\":\"descending\"},"
				  "{\"name\":\"side\",\"type\":{\"type\":\"enum\",\"name\":\"Side\",\"symbols\":[\"BUY\",\"SELL\"],\"default\":\"BUY\"}},"
				  "{\"name\":\"hash\",\"type\":{\"type\":\"fixed\",\"name\":\"other.Md5\",\"size\":16}},"
				  "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"}},"
				  "{\"name\":\"attrs\",\"type\":{\"type\":\"map\",\"values\":[\"null\",\"Side\",\"other.Md5\"]}},"
				  "{\"name\":\"again\",\"type\":\"Side\"}]}");
	if (t != NULL)
	{
		CHECK(t->kind == AVRO_RECORD && strcmp(t->name, "Trade") == 0 &&
			  strcmp(t->fullname, "mkt.Trade") == 0 && strcmp(t->doc, "d") == 0,
			  "record names");
		CHECK(t->naliases == 2 && strcmp(t->aliases[0], "mkt.Deal") == 0 &&
			  strcmp(t->aliases[1], "old.Deal") == 0, "record aliases are full names");
		CHECK(t->nfields == 6, "six fields");
		CHECK(strcmp(t->fields[0].name, "id") == 0 && t->fields[0].type->kind == AVRO_LONG &&
			  strcmp(t->fields[0].doc, "the id") == 0 && t->fields[0].naliases == 1 &&
			  strcmp(t->fields[0].aliases[0], "ident") == 0 &&
			  t->fields[0].default_value == NULL, "field id");
		CHECK(t->fields[1].type->kind == AVRO_ENUM &&
			  strcmp(t->fields[1].type->fullname, "mkt.Side") == 0 &&
			  t->fields[1].type->nsymbols == 2 &&
			  strcmp(t->fields[1].type->enum_default, "BUY") == 0, "enum inherits namespace");
		CHECK(t->fields[2].type->kind == AVRO_FIXED && t->fields[2].type->size == 16 &&
			  strcmp(t->fields[2].type->fullname, "other.Md5") == 0 &&
			  strcmp(t->fields[2].type->name, "Md5") == 0, "dotted fixed name");
		CHECK(t->fields[3].type->kind == AVRO_ARRAY &&
			  t->fields[3].type->items->kind == AVRO_STRING, "array");
		CHECK(t->fields[4].type->kind == AVRO_MAP &&
			  t->fields[4].type->values->kind == AVRO_UNION &&
			  t->fields[4].type->values->nbranches == 3 &&
			  t->fields[4].type->values->branches[1] == t->fields[1].type &&
			  t->fields[4].type->values->branches[2] == t->fields[2].type,
			  "references are the definitions");
		CHECK(t->fields[5].type == t->fields[1].type, "reference by short name");
		CANONICAL("{\"type\":\"record\",\"name\":\"Trade\",\"namespace\":\"mkt\",\"fields\":["
				  "{\"name\":\"side\",\"type\":{\"type\":\"enum\",\"name\":\"Side\",\"symbols\":[\"BUY\"]}},"
				  "{\"name\":\"again\",\"type\":\"Side\"},{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"mkt.Side\"}}]}",
				  "{\"name\":\"mkt.Trade\",\"type\":\"record\",\"fields\":["
				  "{\"name\":\"side\",\"type\":{\"name\":\"mkt.Side\",\"type\":\"enum\",\"symbols\":[\"BUY\"]}},"
				  "{\"name\":\"again\",\"type\":\"mkt.Side\"},{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"mkt.Side\"}}]}");
	}

	/* primitives in both forms, extra attributes ignored */
	t = SCHEMA_OK("{\"type\":\"string\",\"connect.name\":\"x\"}");
	CHECK(t && t->kind == AVRO_STRING && t->logical == AVRO_LT_NONE, "string object");
	CANONICAL("{\"type\":\"bytes\",\"doc\":\"x\"}", "\"bytes\"");
	CANONICAL("[\"null\",\"boolean\",\"int\",\"long\",\"float\",\"double\",\"bytes\",\"string\"]",
			  "[\"null\",\"boolean\",\"int\",\"long\",\"float\",\"double\",\"bytes\",\"string\"]");

	/* namespaces */
	CANONICAL("{\"type\":\"record\",\"name\":\"a.b.R\",\"fields\":[{\"name\":\"x\",\"type\":"
			  "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"S\"]}}]}",
			  "{\"name\":\"a.b.R\",\"type\":\"record\",\"fields\":[{\"name\":\"x\",\"type\":"
			  "{\"name\":\"a.b.E\",\"type\":\"enum\",\"symbols\":[\"S\"]}}]}");
	CANONICAL("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"fields\":[{\"name\":\"x\",\"type\":"
			  "{\"type\":\"fixed\",\"name\":\"F\",\"namespace\":\"m\",\"size\":1}},"
			  "{\"name\":\"y\",\"type\":{\"type\":\"fixed\",\"name\":\"G\",\"size\":2}},"
			  "{\"name\":\"z\",\"type\":[\"m.F\",\"G\"]}]}",
			  "{\"name\":\"n.R\",\"type\":\"record\",\"fields\":[{\"name\":\"x\",\"type\":"
			  "{\"name\":\"m.F\",\"type\":\"fixed\",\"size\":1}},"
			  "{\"name\":\"y\",\"type\":{\"name\":\"n.G\",\"type\":\"fixed\",\"size\":2}},"
			  "{\"name\":\"z\",\"type\":[\"m.F\",\"n.G\"]}]}");
	/* a short and a full name of one type are the same branch */
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"fields\":["
			   "{\"name\":\"y\",\"type\":{\"type\":\"fixed\",\"name\":\"G\",\"size\":2}},"
			   "{\"name\":\"z\",\"type\":[\"G\",\"n.G\"]}]}",
			   "field \"z\" of record \"n.R\": union has two branches named \"n.G\"");
	/* the null namespace, by "" or by no namespace at the top */
	t = SCHEMA_OK("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"n\",\"fields\":["
				  "{\"name\":\"x\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"namespace\":\"\",\"symbols\":[\"A\"]}},"
				  "{\"name\":\"y\",\"type\":\"E\"}]}");
	CHECK(t && strcmp(t->fields[0].type->fullname, "E") == 0 &&
		  t->fields[1].type == t->fields[0].type,
		  "null namespace; a simple name falls back to it");
	t = SCHEMA_OK("{\"type\":\"record\",\"name\":\"R\",\"namespace\":null,\"fields\":[]}");
	CHECK(t && strcmp(t->fullname, "R") == 0, "a JSON null namespace is no namespace");
	t = SCHEMA_OK("{\"type\":\"record\",\"name\":\"x.R\",\"namespace\":\"ignored\",\"fields\":["
				  "{\"name\":\"f\",\"type\":{\"type\":\"record\",\"name\":\"S\",\"fields\":[]}}]}");
	CHECK(t && strcmp(t->fields[0].type->fullname, "x.S") == 0,
		  "a dotted name's namespace is inherited");
	/* {"type": "Name"} refers to a defined type */
	t = SCHEMA_OK("[{\"type\":\"fixed\",\"name\":\"F\",\"size\":3},{\"type\":\"array\",\"items\":{\"type\":\"F\"}}]");
	CHECK(t && t->branches[1]->items == t->branches[0], "reference in object form");
	/* a named type may be called like a complex type */
	t = SCHEMA_OK("[{\"type\":\"record\",\"name\":\"map\",\"fields\":[]},{\"type\":\"map\",\"values\":\"map\"}]");
	CHECK(t && t->nbranches == 2 && t->branches[1]->values == t->branches[0],
		  "a record called map beside a map");
	CANONICAL("[  ]", "[]");

	/* fixed of size 0 is allowed; enum without symbols too */
	SCHEMA_OK("{\"type\":\"fixed\",\"name\":\"z\",\"size\":0}");
	SCHEMA_OK("{\"type\":\"enum\",\"name\":\"z\",\"symbols\":[]}");

	/* a schema deeper than the JSON limit for schemas */
	{
		size_t		len;
		char	   *s = nested(200, false, &len);

		CHECK(avro_parse_exact(s, len, 0, err, sizeof(err)) == NULL &&
			  strstr(err, "invalid JSON: at byte 128: nesting deeper than 128 levels") != NULL,
			  "schema nesting limit: %s", err);
		free(s);
	}
	mesh_standalone_reset();
}

static void
test_schema_errors(void)
{
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"trade\",\"fields\":[{\"name\":\"amount\",\"type\":\"decimall\"}]}",
			   "field \"amount\" of record \"trade\": unknown type \"decimall\"");
	SCHEMA_ERR("{\"fields\":[{\"name\":\"f1\",\"type\":\"int\"},{\"name\":\"f1\",\"type\":\"long\"}],"
			   "\"type\":\"record\",\"name\":\"foo\",\"namespace\":\"x.y\"}",
			   "record \"x.y.foo\": duplicate field \"f1\"");
	SCHEMA_ERR("\"foo\"", "at top level: unknown type \"foo\"");
	SCHEMA_ERR("\"\"", "at top level: unknown type \"\"");
	SCHEMA_ERR("\"Int\"", "at top level: unknown type \"Int\"");
	SCHEMA_ERR("{\"type\":\"error\",\"name\":\"e\",\"fields\":[]}", "at top level: unknown type \"error\"");
	SCHEMA_ERR("42", "at top level: a schema must be a string, an object or an array, not number");
	SCHEMA_ERR("null", "at top level: a schema must be a string, an object or an array, not null");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\" \"fields\":[]}",
			   "invalid JSON: at byte 28: expected ',' or '}' after object member, got '\"'");
	SCHEMA_ERR("{\"name\":\"x\"}", "at top level: schema object has no \"type\"");
	SCHEMA_ERR("{\"type\":{\"type\":\"int\"}}", "at top level: \"type\" must be a type name, not object");
	SCHEMA_ERR("{\"type\":[\"null\",\"int\"]}", "at top level: \"type\" must be a type name, not array");

	/* names */
	SCHEMA_ERR("{\"type\":\"record\",\"fields\":[]}", "at top level: record has no \"name\" string");
	SCHEMA_ERR("{\"type\":\"enum\",\"name\":5,\"symbols\":[]}", "at top level: enum has no \"name\" string");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"1x\",\"fields\":[]}", "at top level: invalid name \"1x\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"a-b\",\"fields\":[]}", "at top level: invalid name \"a-b\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"\",\"fields\":[]}", "at top level: invalid name \"\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"a..b\",\"fields\":[]}", "at top level: invalid name \"a..b\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\".b\",\"fields\":[]}", "at top level: invalid name \".b\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"b.\",\"fields\":[]}", "at top level: invalid name \"b.\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"caf\xC3\xA9\",\"fields\":[]}",
			   "at top level: invalid name \"caf\xC3\xA9\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"namespace\":\"a.1b\",\"fields\":[]}",
			   "at top level: invalid namespace \"a.1b\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"namespace\":\".a\",\"fields\":[]}",
			   "at top level: invalid namespace \".a\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"namespace\":7,\"fields\":[]}",
			   "at top level: \"namespace\" must be a string, not number");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"int\",\"fields\":[]}",
			   "at top level: invalid name \"int\": a primitive type name cannot be defined");
	SCHEMA_ERR("{\"type\":\"fixed\",\"name\":\"x.string\",\"size\":1}",
			   "at top level: invalid name \"x.string\": a primitive type name cannot be defined");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"doc\":1,\"fields\":[]}",
			   "record \"r\": \"doc\" must be a string, not number");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"aliases\":\"a\",\"fields\":[]}",
			   "record \"r\": \"aliases\" must be an array of names, not string");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"aliases\":[\"a b\"],\"fields\":[]}",
			   "record \"r\": invalid alias \"a b\"");

	/* duplicate definitions */
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":"
			   "{\"type\":\"fixed\",\"name\":\"f\",\"size\":1}},{\"name\":\"b\",\"type\":"
			   "{\"type\":\"enum\",\"name\":\"f\",\"symbols\":[\"A\"]}}]}",
			   "field \"b\" of record \"r\": duplicate definition of \"f\"");
	SCHEMA_ERR("[{\"type\":\"fixed\",\"name\":\"x.f\",\"size\":1},"
			   "{\"type\":\"enum\",\"name\":\"f\",\"namespace\":\"x\",\"symbols\":[\"A\"]}]",
			   "at top level: duplicate definition of \"x.f\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":"
			   "{\"type\":\"record\",\"name\":\"r\",\"fields\":[]}}]}",
			   "field \"a\" of record \"r\": duplicate definition of \"r\"");
	/* a name is used before it is defined */
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"s\"},"
			   "{\"name\":\"b\",\"type\":{\"type\":\"fixed\",\"name\":\"s\",\"size\":1}}]}",
			   "field \"a\" of record \"r\": unknown type \"s\"");
	/* a namespace does not reach a name defined in another one */
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"namespace\":\"n\",\"fields\":[{\"name\":\"a\",\"type\":"
			   "{\"type\":\"fixed\",\"name\":\"f\",\"namespace\":\"m\",\"size\":1}},{\"name\":\"b\",\"type\":\"f\"}]}",
			   "field \"b\" of record \"n.r\": unknown type \"f\"");

	/* records and fields */
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\"}", "record \"r\": missing \"fields\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"fields\":{}}",
			   "record \"r\": \"fields\" must be an array, not object");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"fields\":[\"int\"]}",
			   "record \"r\": field #1 must be an object, not string");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"type\":\"int\"}]}",
			   "record \"r\": field #2 has no \"name\" string");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a.b\",\"type\":\"int\"}]}",
			   "record \"r\": invalid field name \"a.b\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\"}]}",
			   "field \"a\" of record \"r\": missing \"type\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"order\":\"up\"}]}",
			   "field \"a\" of record \"r\": invalid \"order\" \"up\": must be \"ascending\", \"descending\" or \"ignore\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"doc\":[]}]}",
			   "field \"a\" of record \"r\": \"doc\" must be a string, not array");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"aliases\":[\"x.y\"]}]}",
			   "field \"a\" of record \"r\": invalid alias \"x.y\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":"
			   "{\"type\":\"record\",\"name\":\"s\",\"fields\":[{\"name\":\"b\",\"type\":\"nope\"}]}}]}",
			   "field \"b\" of record \"s\": unknown type \"nope\"");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"a\",\"type\":"
			   "{\"type\":\"array\",\"items\":{\"type\":\"map\"}}}]}",
			   "field \"a\" of record \"r\": map has no \"values\"");

	/* enums */
	SCHEMA_ERR("{\"type\":\"enum\",\"name\":\"Suit\",\"namespace\":\"cards\",\"symbols\":[\"A\",\"B\",\"A\"]}",
			   "enum \"cards.Suit\": duplicate symbol \"A\"");
	SCHEMA_ERR("{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"1B\"]}", "enum \"e\": invalid symbol \"1B\"");
	SCHEMA_ERR("{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",2]}",
			   "enum \"e\": \"symbols\" must be an array of strings, not of number");
	SCHEMA_ERR("{\"type\":\"enum\",\"name\":\"e\"}", "enum \"e\": missing \"symbols\"");
	SCHEMA_ERR("{\"type\":\"enum\",\"name\":\"e\",\"symbols\":\"A\"}", "enum \"e\": \"symbols\" must be an array, not string");
	SCHEMA_ERR("{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\"],\"default\":\"Z\"}",
			   "enum \"e\": default \"Z\" is not one of the symbols");
	SCHEMA_ERR("{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\"],\"default\":0}",
			   "enum \"e\": \"default\" must be a string, not number");

	/* fixed */
	SCHEMA_ERR("{\"type\":\"fixed\",\"name\":\"f\"}", "fixed \"f\": missing \"size\"");
	SCHEMA_ERR("{\"type\":\"fixed\",\"name\":\"f\",\"size\":-1}", "fixed \"f\": \"size\" must be an integer from 0 to 2147483647");
	SCHEMA_ERR("{\"type\":\"fixed\",\"name\":\"f\",\"size\":1.5}", "~\"size\" must be an integer");
	SCHEMA_ERR("{\"type\":\"fixed\",\"name\":\"f\",\"size\":\"16\"}", "~\"size\" must be an integer");
	SCHEMA_ERR("{\"type\":\"fixed\",\"name\":\"f\",\"size\":2147483648}", "~\"size\" must be an integer");

	/* arrays, maps */
	SCHEMA_ERR("{\"type\":\"array\"}", "at top level: array has no \"items\"");
	SCHEMA_ERR("{\"type\":\"map\",\"items\":\"int\"}", "at top level: map has no \"values\"");
	SCHEMA_ERR("{\"type\":\"array\",\"items\":\"nope\"}", "at top level: unknown type \"nope\"");

	/* unions */
	SCHEMA_ERR("[\"int\",[\"null\"]]",
			   "at top level: union branch #2 is a union: unions may not immediately contain unions");
	SCHEMA_ERR("[\"int\",\"null\",\"int\"]", "at top level: union has two branches of type \"int\"");
	SCHEMA_ERR("[{\"type\":\"array\",\"items\":\"int\"},{\"type\":\"array\",\"items\":\"long\"}]",
			   "at top level: union has two branches of type \"array\"");
	SCHEMA_ERR("[{\"type\":\"map\",\"values\":\"int\"},{\"type\":\"map\",\"values\":\"long\"}]",
			   "at top level: union has two branches of type \"map\"");
	SCHEMA_ERR("[\"string\",{\"type\":\"string\",\"logicalType\":\"uuid\"}]",
			   "at top level: union has two branches of type \"string\"");
	SCHEMA_ERR("[{\"type\":\"record\",\"name\":\"r\",\"fields\":[]},\"r\"]",
			   "at top level: union has two branches named \"r\"");
	SCHEMA_ERR("[\"null\",{\"type\":\"int\"},\"boolean\",\"int\"]", "at top level: union has two branches of type \"int\"");
	/* a union of many branches is checked in linear time */
	{
		MeshBuf		buf;
		char		item[64];
		int			i;
		char		err[512];

		mesh_buf_init(&buf);
		mesh_buf_append_char(&buf, '[');
		for (i = 0; i < 20000; i++)
		{
			snprintf(item, sizeof(item), "%s{\"type\":\"fixed\",\"name\":\"f%d\",\"size\":1}", i ? "," : "", i);
			mesh_buf_append_str(&buf, item);
		}
		mesh_buf_append_str(&buf, ",\"f17\"]");
		CHECK(avro_parse_exact(buf.data, buf.len, 0, err, sizeof(err)) == NULL &&
			  strcmp(err, "at top level: union has two branches named \"f17\"") == 0,
			  "duplicate among 20000 branches: %s", err);
	}

	/* no error buffer, or a tiny one */
	CHECK(mesh_avro_parse("\"x\"", 3, NULL, 0) == NULL, "no errbuf");
	{
		char		tiny[8];

		CHECK(mesh_avro_parse("\"x\"", 3, tiny, sizeof(tiny)) == NULL &&
			  strcmp(tiny, "at top ") == 0, "tiny errbuf: %s", tiny);
	}
	mesh_standalone_reset();
}

static MeshAvroLogical
logical_of(const char *schema, int line)
{
	MeshAvroType *t = schema_ok(schema, line);

	return t != NULL ? t->logical : (MeshAvroLogical) -1;
}

#define LOGICAL(in) logical_of((in), __LINE__)

/* A schema, the logical type it must have, and what the case is. */
static const struct
{
	const char *schema;
	MeshAvroLogical logical;
	const char *what;
}			logical_cases[] = {
	{"{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":0}", AVRO_LT_NONE, "precision 0"},
	{"{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":-3}", AVRO_LT_NONE, "negative precision"},
	{"{\"type\":\"bytes\",\"logicalType\":\"decimal\"}", AVRO_LT_NONE, "no precision"},
	{"{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":4.5}", AVRO_LT_NONE, "fractional precision"},
	{"{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":\"4\"}", AVRO_LT_NONE, "string precision"},
	{"{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":4,\"scale\":-1}", AVRO_LT_NONE, "negative scale"},
	{"{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":3000000000}", AVRO_LT_NONE, "precision beyond int"},
	{"{\"type\":\"int\",\"logicalType\":\"decimal\",\"precision\":4}", AVRO_LT_NONE, "decimal on int"},
	/* on fixed, the precision must fit: 1 byte holds 2 digits, 8 hold 18, 16 hold 38 */
	{"{\"type\":\"fixed\",\"name\":\"a\",\"size\":1,\"logicalType\":\"decimal\",\"precision\":2}", AVRO_LT_DECIMAL, "fixed(1) precision 2"},
	{"{\"type\":\"fixed\",\"name\":\"a\",\"size\":1,\"logicalType\":\"decimal\",\"precision\":3}", AVRO_LT_NONE, "fixed(1) precision 3"},
	{"{\"type\":\"fixed\",\"name\":\"a\",\"size\":8,\"logicalType\":\"decimal\",\"precision\":18,\"scale\":4}", AVRO_LT_DECIMAL, "fixed(8) precision 18"},
	{"{\"type\":\"fixed\",\"name\":\"a\",\"size\":8,\"logicalType\":\"decimal\",\"precision\":19}", AVRO_LT_NONE, "fixed(8) precision 19"},
	{"{\"type\":\"fixed\",\"name\":\"a\",\"size\":16,\"logicalType\":\"decimal\",\"precision\":38}", AVRO_LT_DECIMAL, "fixed(16) precision 38"},
	{"{\"type\":\"fixed\",\"name\":\"a\",\"size\":16,\"logicalType\":\"decimal\",\"precision\":39}", AVRO_LT_NONE, "fixed(16) precision 39"},
	{"{\"type\":\"fixed\",\"name\":\"a\",\"size\":0,\"logicalType\":\"decimal\",\"precision\":1}", AVRO_LT_NONE, "fixed(0) holds no digit"},

	{"{\"type\":\"string\",\"logicalType\":\"uuid\"}", AVRO_LT_UUID, "uuid"},
	{"{\"type\":\"bytes\",\"logicalType\":\"uuid\"}", AVRO_LT_NONE, "uuid on bytes"},
	{"{\"type\":\"int\",\"logicalType\":\"date\"}", AVRO_LT_DATE, "date"},
	{"{\"type\":\"long\",\"logicalType\":\"date\"}", AVRO_LT_NONE, "date on long"},
	{"{\"type\":\"int\",\"logicalType\":\"time-millis\"}", AVRO_LT_TIME_MILLIS, "time-millis"},
	{"{\"type\":\"long\",\"logicalType\":\"time-millis\"}", AVRO_LT_NONE, "time-millis on long"},
	{"{\"type\":\"long\",\"logicalType\":\"time-micros\"}", AVRO_LT_TIME_MICROS, "time-micros"},
	{"{\"type\":\"int\",\"logicalType\":\"time-micros\"}", AVRO_LT_NONE, "time-micros on int"},
	{"{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}", AVRO_LT_TIMESTAMP_MILLIS, "timestamp-millis"},
	{"{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}", AVRO_LT_TIMESTAMP_MICROS, "timestamp-micros"},
	{"{\"type\":\"int\",\"logicalType\":\"timestamp-millis\"}", AVRO_LT_NONE, "timestamp-millis on int"},
	{"{\"type\":\"long\",\"logicalType\":\"local-timestamp-millis\"}", AVRO_LT_LOCAL_TIMESTAMP_MILLIS, "local-timestamp-millis"},
	{"{\"type\":\"long\",\"logicalType\":\"local-timestamp-micros\"}", AVRO_LT_LOCAL_TIMESTAMP_MICROS, "local-timestamp-micros"},
	{"{\"type\":\"string\",\"logicalType\":\"local-timestamp-micros\"}", AVRO_LT_NONE, "local-timestamp-micros on string"},
	{"{\"type\":\"fixed\",\"name\":\"d\",\"size\":12,\"logicalType\":\"duration\"}", AVRO_LT_DURATION, "duration"},
	{"{\"type\":\"fixed\",\"name\":\"d\",\"size\":11,\"logicalType\":\"duration\"}", AVRO_LT_NONE, "duration on fixed(11)"},
	{"{\"type\":\"bytes\",\"logicalType\":\"duration\"}", AVRO_LT_NONE, "duration on bytes"},
	{"{\"type\":\"long\",\"logicalType\":\"timestamp-nanos\"}", AVRO_LT_NONE, "unknown logical type"},
	{"{\"type\":\"long\",\"logicalType\":7}", AVRO_LT_NONE, "logicalType not a string"},
	{"{\"type\":\"long\",\"logicalType\":\"TIMESTAMP-MILLIS\"}", AVRO_LT_NONE, "case matters"},
};

static void
test_logical_types(void)
{
	MeshAvroType *t;
	size_t		i;

	t = SCHEMA_OK("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}");
	CHECK(t && t->kind == AVRO_BYTES && t->logical == AVRO_LT_DECIMAL &&
		  t->precision == 10 && t->scale == 2, "decimal on bytes");
	t = SCHEMA_OK("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":5}");
	CHECK(t && t->logical == AVRO_LT_DECIMAL && t->precision == 5 && t->scale == 0,
		  "decimal scale defaults to 0");
	t = SCHEMA_OK("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":5,\"scale\":5}");
	CHECK(t && t->logical == AVRO_LT_DECIMAL && t->scale == 5, "scale = precision");
	/* invalid decimals are plain bytes */
	t = SCHEMA_OK("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":5,\"scale\":6}");
	CHECK(t && t->kind == AVRO_BYTES && t->logical == AVRO_LT_NONE &&
		  t->precision == 0 && t->scale == 0, "scale > precision is ignored");
	for (i = 0; i < sizeof(logical_cases) / sizeof(logical_cases[0]); i++)
		CHECK(LOGICAL(logical_cases[i].schema) == logical_cases[i].logical, "%s", logical_cases[i].what);

	/* a logical type on a field's type, and in a union */
	t = SCHEMA_OK("{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"at\",\"type\":"
				  "[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}]},"
				  "{\"name\":\"amount\",\"type\":{\"type\":\"fixed\",\"name\":\"money\",\"size\":8,"
				  "\"logicalType\":\"decimal\",\"precision\":18,\"scale\":2}},"
				  "{\"name\":\"again\",\"type\":\"money\"}]}");
	CHECK(t && t->fields[0].type->branches[1]->logical == AVRO_LT_TIMESTAMP_MICROS &&
		  t->fields[1].type->logical == AVRO_LT_DECIMAL && t->fields[1].type->scale == 2 &&
		  t->fields[2].type == t->fields[1].type, "logical types in a record");

	/* the canonical form strips logical types */
	CANONICAL("{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}", "\"long\"");
	CANONICAL("{\"type\":\"fixed\",\"name\":\"d\",\"namespace\":\"n\",\"size\":8,\"logicalType\":\"decimal\","
			  "\"precision\":18,\"scale\":2}",
			  "{\"name\":\"n.d\",\"type\":\"fixed\",\"size\":8}");
	CANONICAL("[\"null\",{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":4}]",
			  "[\"null\",\"bytes\"]");
	mesh_standalone_reset();
}

static void
test_recursive(void)
{
	MeshAvroType *t;

	/* the specification's linked list */
	t = SCHEMA_OK("{\"type\":\"record\",\"name\":\"LongList\",\"aliases\":[\"LinkedLongs\"],"
				  "\"fields\":[{\"name\":\"value\",\"type\":\"long\"},"
				  "{\"name\":\"next\",\"type\":[\"null\",\"LongList\"]}]}");
	CHECK(t && t->fields[1].type->kind == AVRO_UNION &&
		  t->fields[1].type->branches[1] == t, "the list refers to itself");
	CHECK(t && strcmp(mesh_avro_canonical_form(t),
					  "{\"name\":\"LongList\",\"type\":\"record\",\"fields\":[{\"name\":\"value\",\"type\":\"long\"},"
					  "{\"name\":\"next\",\"type\":[\"null\",\"LongList\"]}]}") == 0,
		  "canonical form of the linked list: %s", t ? mesh_avro_canonical_form(t) : "");
	/* the canonical form of a part: the cycle is printed in full once */
	CHECK(t && strcmp(mesh_avro_canonical_form(t->fields[1].type),
					  "[\"null\",{\"name\":\"LongList\",\"type\":\"record\",\"fields\":[{\"name\":\"value\",\"type\":\"long\"},"
					  "{\"name\":\"next\",\"type\":[\"null\",\"LongList\"]}]}]") == 0,
		  "canonical form from inside the cycle");

	/* in a namespace, with mutual recursion */
	CANONICAL("{\"type\":\"record\",\"name\":\"Tree\",\"namespace\":\"t\",\"fields\":["
			  "{\"name\":\"children\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Node\","
			  "\"fields\":[{\"name\":\"tree\",\"type\":[\"null\",\"Tree\"]},{\"name\":\"self\",\"type\":[\"null\",\"t.Node\"]}]}}}]}",
			  "{\"name\":\"t.Tree\",\"type\":\"record\",\"fields\":["
			  "{\"name\":\"children\",\"type\":{\"type\":\"array\",\"items\":{\"name\":\"t.Node\",\"type\":\"record\","
			  "\"fields\":[{\"name\":\"tree\",\"type\":[\"null\",\"t.Tree\"]},{\"name\":\"self\",\"type\":[\"null\",\"t.Node\"]}]}}}]}");
	/* a record that contains itself directly is a valid schema */
	t = SCHEMA_OK("{\"type\":\"record\",\"name\":\"Inf\",\"fields\":[{\"name\":\"me\",\"type\":\"Inf\"}]}");
	CHECK(t && t->fields[0].type == t, "direct self-reference");
	mesh_standalone_reset();
}

static void
test_defaults(void)
{
	MeshAvroType *t;
	char		err[512];
	const char *lax_schema;

#define FIELD(type, def) \
	"{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"f\",\"type\":" type ",\"default\":" def "}]}"

	t = SCHEMA_OK(FIELD("\"null\"", "null"));
	CHECK(t && t->fields[0].default_value && t->fields[0].default_value->type == MJ_NULL,
		  "default kept");
	SCHEMA_OK(FIELD("\"boolean\"", "false"));
	SCHEMA_OK(FIELD("\"int\"", "-2147483648"));
	SCHEMA_OK(FIELD("\"int\"", "2147483647"));
	SCHEMA_OK(FIELD("\"long\"", "-9223372036854775808"));
	SCHEMA_OK(FIELD("\"float\"", "1.5"));
	SCHEMA_OK(FIELD("\"float\"", "1"));
	SCHEMA_OK(FIELD("\"double\"", "-1e300"));
	SCHEMA_OK(FIELD("\"string\"", "\"x\""));
	SCHEMA_OK(FIELD("\"bytes\"", "\"\\u00ff\\u0001a\""));
	SCHEMA_OK(FIELD("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":4}", "\"\\u0001\\u00e9\""));
	SCHEMA_OK(FIELD("{\"type\":\"fixed\",\"name\":\"two\",\"size\":2}", "\"a\\u00ff\""));
	SCHEMA_OK(FIELD("{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"B\"]}", "\"B\""));
	SCHEMA_OK(FIELD("{\"type\":\"array\",\"items\":\"int\"}", "[1,2]"));
	SCHEMA_OK(FIELD("{\"type\":\"array\",\"items\":\"int\"}", "[]"));
	SCHEMA_OK(FIELD("{\"type\":\"map\",\"values\":\"long\"}", "{\"a\":1,\"b\":2}"));
	SCHEMA_OK(FIELD("[\"null\",\"int\"]", "null"));
	SCHEMA_OK(FIELD("[\"int\",\"null\"]", "1"));
	SCHEMA_OK(FIELD("{\"type\":\"record\",\"name\":\"p\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"},"
					"{\"name\":\"y\",\"type\":\"int\",\"default\":0}]}", "{\"x\":1}"));
	SCHEMA_OK(FIELD("{\"type\":\"record\",\"name\":\"p\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}",
					"{\"x\":1,\"extra\":\"ignored\"}"));
	SCHEMA_OK(FIELD("{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"p\",\"fields\":"
					"[{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":[\"null\",\"string\"]}}]}}",
					"[{\"m\":{}},{\"m\":{\"k\":null}}]"));
	/* a recursive list with a default of two elements */
	SCHEMA_OK("{\"type\":\"record\",\"name\":\"L\",\"fields\":[{\"name\":\"v\",\"type\":\"int\"},"
			  "{\"name\":\"next\",\"type\":[\"null\",\"L\"],\"default\":null},"
			  "{\"name\":\"copy\",\"type\":{\"type\":\"array\",\"items\":\"L\"},"
			  "\"default\":[{\"v\":1,\"next\":null,\"copy\":[]},{\"v\":2,\"copy\":[]}]}]}");

	SCHEMA_ERR("{ \"fields\":[{\"type\":\"boolean\", \"aliases\":[], \"name\":\"f1\", \"default\":\"true\"}],"
			   "\"type\":\"record\", \"name\":\"foo\" }",
			   "field \"f1\" of record \"foo\": invalid default: expected boolean, got string");
	SCHEMA_ERR(FIELD("\"null\"", "0"), "field \"f\" of record \"r\": invalid default: expected null, got number");
	SCHEMA_ERR(FIELD("\"int\"", "2147483648"), "field \"f\" of record \"r\": invalid default: 2147483648 is not a valid int");
	SCHEMA_ERR(FIELD("\"int\"", "-2147483649"), "field \"f\" of record \"r\": invalid default: -2147483649 is not a valid int");
	SCHEMA_ERR(FIELD("\"int\"", "1.0"), "field \"f\" of record \"r\": invalid default: 1.0 is not a valid int");
	SCHEMA_ERR(FIELD("\"long\"", "9223372036854775808"),
			   "field \"f\" of record \"r\": invalid default: 9223372036854775808 is not a valid long");
	SCHEMA_ERR(FIELD("\"long\"", "\"5\""), "field \"f\" of record \"r\": invalid default: expected long, got string");
	SCHEMA_ERR(FIELD("\"float\"", "\"NaN\""), "field \"f\" of record \"r\": invalid default: expected float, got string");
	SCHEMA_ERR(FIELD("\"string\"", "null"), "field \"f\" of record \"r\": invalid default: expected string, got null");
	SCHEMA_ERR(FIELD("\"bytes\"", "\"\\u0100\""),
			   "field \"f\" of record \"r\": invalid default: a bytes default may hold only characters U+0000 to U+00FF");
	SCHEMA_ERR(FIELD("\"bytes\"", "[1]"), "field \"f\" of record \"r\": invalid default: expected bytes, got array");
	SCHEMA_ERR(FIELD("{\"type\":\"fixed\",\"name\":\"two\",\"size\":2}", "\"abc\""),
			   "field \"f\" of record \"r\": invalid default: expected 2 bytes for fixed \"two\", got 3");
	SCHEMA_ERR(FIELD("{\"type\":\"fixed\",\"name\":\"two\",\"size\":2}", "\"\xE2\x82\xAC\""),
			   "field \"f\" of record \"r\": invalid default: a fixed default may hold only characters U+0000 to U+00FF");
	SCHEMA_ERR(FIELD("{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"B\"]}", "\"Z\""),
			   "field \"f\" of record \"r\": invalid default: \"Z\" is not a symbol of enum \"e\"");
	SCHEMA_ERR(FIELD("{\"type\":\"enum\",\"name\":\"e\",\"symbols\":[\"A\",\"B\"]}", "0"),
			   "field \"f\" of record \"r\": invalid default: expected enum \"e\", got number");
	SCHEMA_ERR(FIELD("{\"type\":\"array\",\"items\":\"int\"}", "[1,\"x\"]"),
			   "field \"f\" of record \"r\": invalid default: expected int, got string");
	SCHEMA_ERR(FIELD("{\"type\":\"array\",\"items\":\"int\"}", "{}"),
			   "field \"f\" of record \"r\": invalid default: expected array, got object");
	SCHEMA_ERR(FIELD("{\"type\":\"map\",\"values\":\"int\"}", "{\"k\":\"x\"}"),
			   "field \"f\" of record \"r\": invalid default: expected int, got string");
	SCHEMA_ERR(FIELD("[\"null\",\"int\"]", "1"),
			   "field \"f\" of record \"r\": invalid default: expected null, got number");
	SCHEMA_ERR(FIELD("[]", "null"),
			   "field \"f\" of record \"r\": invalid default: a union without branches has no values");
	SCHEMA_ERR(FIELD("{\"type\":\"record\",\"name\":\"p\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}", "{}"),
			   "field \"f\" of record \"r\": invalid default: member \"x\" of record \"p\" is missing and its field has no default");
	SCHEMA_ERR(FIELD("{\"type\":\"record\",\"name\":\"p\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}", "{\"x\":\"1\"}"),
			   "field \"f\" of record \"r\": invalid default: expected int, got string");
	SCHEMA_ERR(FIELD("{\"type\":\"record\",\"name\":\"p\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}", "[]"),
			   "field \"f\" of record \"r\": invalid default: expected record \"p\", got array");
	/* the innermost invalid default is reported where it is */
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"Outer\",\"fields\":[{\"name\":\"in\",\"type\":"
			   "{\"type\":\"record\",\"name\":\"Inner\",\"fields\":[{\"name\":\"x\",\"type\":\"int\",\"default\":\"s\"}]},"
			   "\"default\":{}}]}",
			   "field \"x\" of record \"Inner\": invalid default: expected int, got string");
	/* a default that would contain itself forever */
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"a\",\"type\":\"A\",\"default\":{}}]}",
			   "field \"a\" of record \"A\": invalid default: the default of field \"a\" of record \"A\" contains itself");
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"b\",\"type\":"
			   "{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"a\",\"type\":\"A\",\"default\":{}}]},"
			   "\"default\":{}}]}",
			   "~contains itself");
	/* a record that needs itself has no finite default */
	SCHEMA_ERR("{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"a\",\"type\":[\"null\",\"A\"],\"default\":null},"
			   "{\"name\":\"b\",\"type\":\"A\",\"default\":{\"b\":{}}}]}",
			   "~contains itself");

	/* lax: invalid defaults are dropped, valid ones kept */
	lax_schema = "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
		"{\"name\":\"a\",\"type\":\"boolean\",\"default\":\"true\"},"
		"{\"name\":\"b\",\"type\":\"int\",\"default\":3},"
		"{\"name\":\"c\",\"type\":{\"type\":\"record\",\"name\":\"p\",\"fields\":[{\"name\":\"x\",\"type\":\"int\",\"default\":\"bad\"}]},"
		"\"default\":{}}]}";
	t = avro_parse_exact(lax_schema, strlen(lax_schema), MESH_AVRO_LAX_DEFAULTS, err, sizeof(err));
	CHECK(t != NULL, "lax parse: %s", t ? "" : err);
	if (t != NULL)
	{
		const MeshAvroType *p = t->fields[2].type;

		CHECK(t->fields[0].default_value == NULL, "lax: invalid default dropped");
		CHECK(t->fields[1].default_value != NULL && t->fields[1].default_value->integer == 3,
			  "lax: valid default kept");
		CHECK(p->fields[0].default_value == NULL && t->fields[2].default_value == NULL,
			  "lax: a default that needed a dropped one is dropped too");
	}
	CHECK(avro_parse_exact(lax_schema, strlen(lax_schema), 0, err, sizeof(err)) == NULL,
		  "the same, strict, is rejected");
#undef FIELD
	mesh_standalone_reset();
}

static void
test_kind_names(void)
{
	CHECK(strcmp(mesh_avro_kind_name(AVRO_NULL), "null") == 0, "null");
	CHECK(strcmp(mesh_avro_kind_name(AVRO_LONG), "long") == 0, "long");
	CHECK(strcmp(mesh_avro_kind_name(AVRO_STRING), "string") == 0, "string");
	CHECK(strcmp(mesh_avro_kind_name(AVRO_RECORD), "record") == 0, "record");
	CHECK(strcmp(mesh_avro_kind_name(AVRO_UNION), "union") == 0, "union");
	CHECK(strcmp(mesh_avro_kind_name(AVRO_FIXED), "fixed") == 0, "fixed");
	CHECK(strcmp(mesh_avro_kind_name((MeshAvroKind) 99), "unknown") == 0, "out of range");
}

int
main(int argc, char **argv)
{
	if (argc > 1)
		data_dir = argv[1];

	test_buf();
	test_json_accept();
	test_json_reject();
	test_json_depth();
	test_json_truncated();
	test_json_large();
	test_canonical_forms_tsv();
	test_fingerprints_tsv();
	test_fingerprint_table();
	test_schema_parse();
	test_schema_errors();
	test_logical_types();
	test_recursive();
	test_defaults();
	test_kind_names();
	test_fuzz();

	mesh_standalone_reset();
	CHECK(mesh_standalone_live_blocks() == 0, "everything freed");
	return test_report("test_core");
}
