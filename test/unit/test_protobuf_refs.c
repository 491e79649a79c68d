/*-------------------------------------------------------------------------
 *
 * test_protobuf_refs.c
 *		  Unit tests of Protobuf imports resolved to registry references
 *		  (src/core/protobuf_schema.c) and of the backward compatibility of
 *		  two schemas (src/core/protobuf_compat.c).
 *
 *-------------------------------------------------------------------------
 */
#include "core/protobuf.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char common_proto[] =
	"syntax = \"proto3\";\n"
	"package shop.common;\n"
	"import \"units.proto\";\n"
	"message Money { string currency = 1; int64 cents = 2; shop.units.Unit unit = 3; }\n"
	"enum Status { UNKNOWN = 0; OPEN = 1; CLOSED = 2; }\n";

static const char units_proto[] =
	"syntax = \"proto2\";\n"
	"package shop.units;\n"
	"message Unit { optional string name = 1; }\n";

static const char order_proto[] =
	"syntax = \"proto3\";\n"
	"package shop;\n"
	"import \"common.proto\";\n"
	"import public \"units.proto\";\n"
	"import \"google/protobuf/timestamp.proto\";\n"
	"message Order { int32 id = 1; common.Money total = 2; shop.common.Status status = 3;\n"
	"  .shop.units.Unit unit = 4; google.protobuf.Timestamp at = 5; }\n"
	"message Other { int32 x = 1; }\n";

static MeshPbImport imports[] = {
	{"common.proto", common_proto, sizeof(common_proto) - 1},
	{"units.proto", units_proto, sizeof(units_proto) - 1},
};

static MeshPbFile *
parse_refs(const char *text, const MeshPbImport *imp, int n, char *err)
{
	return mesh_pb_parse_imports(text, strlen(text), imp, n, err, 256);
}

static void
expect_refs_error(const char *text, const MeshPbImport *imp, int n, const char *fragment)
{
	char		err[256] = "";
	MeshPbFile *f = parse_refs(text, imp, n, err);

	CHECK(f == NULL && strstr(err, fragment) != NULL, "expected \"%s\", got \"%s\"",
		  fragment, f ? "success" : err);
}

/* a FileDescriptorProto, by hand: package, one dependency, one message */
static size_t
put(uint8_t *b, size_t n, int field, const void *data, size_t len)
{
	b[n++] = (uint8_t) (field << 3 | 2);
	b[n++] = (uint8_t) len;
	memcpy(b + n, data, len);
	return n + len;
}

static char *
base64(const uint8_t *data, size_t len)
{
	static const char digits[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char	   *out = malloc(len / 3 * 4 + 5);
	size_t		o = 0;

	for (size_t i = 0; i < len; i += 3)
	{
		uint32_t	v = (uint32_t) data[i] << 16 |
			(i + 1 < len ? (uint32_t) data[i + 1] << 8 : 0) |
			(i + 2 < len ? data[i + 2] : 0);

		out[o++] = digits[v >> 18];
		out[o++] = digits[(v >> 12) & 63];
		out[o++] = i + 1 < len ? digits[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? digits[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

static void
test_imports(void)
{
	char		err[256] = "";
	MeshPbFile *f = parse_refs(order_proto, imports, 2, err);
	int			order;
	const MeshPbMessage *msg;
	MeshAvroSlot slots[] = {{.name = "total", .needed = true, .shape = MESH_SHAPE_JSON},
	{.name = "status", .needed = true}, {.name = "unit", .needed = true, .shape = MESH_SHAPE_JSON}};
	MeshAvroTarget t = {3, slots};
	MeshAvroValue values[3];
	MeshPbProgram *prog;
	/* total {currency "EUR" cents 250 unit {name "kg"}} status CLOSED unit {name "g"} */
	static const uint8_t data[] = {
		0x12, 0x0e, 0x0a, 0x03, 'E', 'U', 'R', 0x10, 0xfa, 0x01, 0x1a, 0x04, 0x0a, 0x02, 'k', 'g',
		0x18, 0x02, 0x22, 0x03, 0x0a, 0x01, 'g'
	};

	CHECK(f != NULL, "imports: %s", err);
	if (f == NULL)
		return;
	CHECK(f->ntop == 2 && strcmp(f->package, "shop") == 0 && f->proto3,
		  "only the schema's own messages are top (%d), its package and syntax", f->ntop);
	order = mesh_pb_message_by_name(f, "shop.Order");
	CHECK(order == f->top[0] && mesh_pb_message_by_name(f, "Order") == order,
		  "the schema's message by its names");
	CHECK(mesh_pb_message_by_name(f, "shop.common.Money") >= 0, "imported messages by full name");
	msg = &f->messages[order];
	CHECK(msg->fields[1].message == mesh_pb_message_by_name(f, "shop.common.Money") &&
		  msg->fields[2].type == PB_ENUM && msg->fields[3].presence &&
		  msg->fields[4].wkt == PB_WKT_TIMESTAMP, "imported types resolve by scope");
	prog = mesh_pb_compile(f, order, &t, err, sizeof(err));
	CHECK(prog && mesh_pb_decode(prog, data, sizeof(data), values, err, sizeof(err)),
		  "decode with imported types: %s", err);
	if (prog == NULL)
		return;
	CHECK(values[0].data && values[0].len > 0 && strncmp(values[0].data,
									"{\"currency\":\"EUR\",\"cents\":250,\"unit\":{\"name\":\"kg\"}}",
									values[0].len) == 0, "imported message: %.*s",
		  (int) values[0].len, values[0].data);
	CHECK(values[1].len == 6 && strncmp(values[1].data, "CLOSED", 6) == 0,
		  "imported enum by name");
	CHECK(strncmp(values[2].data, "{\"name\":\"g\"}", values[2].len) == 0,
		  "a proto2 import's message");
	mesh_pb_program_free(prog);

	/* an import's own messages do not count as top-level */
	f = parse_refs(common_proto, imports + 1, 1, err);
	CHECK(f && f->ntop == 1 && f->nmessages == 2, "one top message of two: %s", err);
}

static void
test_descriptor_dependency(void)
{
	uint8_t		field[64],
				message[96],
				file[192];
	size_t		nf = 0,
				nm = 0,
				n = 0;
	char		err[256] = "";
	char	   *b64;
	MeshPbFile *f;

	nf = put(field, nf, 1, "total", 5);
	field[nf++] = 3 << 3;		/* number 1 */
	field[nf++] = 1;
	field[nf++] = 4 << 3;		/* label optional */
	field[nf++] = 1;
	field[nf++] = 5 << 3;		/* type message */
	field[nf++] = 11;
	nf = put(field, nf, 6, ".shop.common.Money", 18);
	nm = put(message, nm, 1, "Pay", 3);
	nm = put(message, nm, 2, field, nf);
	n = put(file, n, 1, "pay.proto", 9);
	n = put(file, n, 2, "shop", 4);
	n = put(file, n, 3, "common.proto", 12);
	n = put(file, n, 4, message, nm);
	n = put(file, n, 12, "proto3", 6);
	b64 = base64(file, n);
	f = parse_refs(b64, imports, 2, err);
	CHECK(f && f->ntop == 1 &&
		  f->messages[f->top[0]].fields[0].message == mesh_pb_message_by_name(f, "shop.common.Money"),
		  "a descriptor's dependency resolves: %s", err);
	expect_refs_error(b64, imports, 0, "import \"common.proto\" is not among the schema's references");
	free(b64);
}

static void
test_import_errors(void)
{
	static const char a[] = "syntax = \"proto3\"; package a; import \"b.proto\"; message A { int32 x = 1; }";
	static const char b[] = "syntax = \"proto3\"; package b; import \"a.proto\"; message B { int32 x = 1; }";
	static const char bad[] = "syntax = \"proto3\";\npackage c;\nmessage C { int32 x = 1 }";
	MeshPbImport cycle[] = {{"a.proto", a, sizeof(a) - 1}, {"b.proto", b, sizeof(b) - 1}};
	MeshPbImport broken[] = {{"common.proto", bad, sizeof(bad) - 1}};
	MeshPbImport self[] = {{"self.proto", "import \"self.proto\";", 20}};
	char		err[256] = "";

	expect_refs_error(order_proto, imports, 0, "import \"common.proto\" is not among the schema's references");
	expect_refs_error(order_proto, imports, 1, "import \"units.proto\" is not among");
	expect_refs_error("syntax = \"proto3\"; import \"a.proto\"; message M { a.A a = 1; }",
					  cycle, 2, "import cycle");
	expect_refs_error("syntax = \"proto3\"; import \"self.proto\"; message M { int32 a = 1; }",
					  self, 1, "import cycle");
	expect_refs_error(order_proto, broken, 1, "in import \"common.proto\": line 3");
	expect_refs_error("syntax = \"proto3\"; import \"common.proto\"; message M { Money m = 1; }",
					  imports, 2, "not defined");
	/* the well-known files need no reference; others not imported, no types */
	CHECK(parse_refs("syntax = \"proto3\"; import \"google/protobuf/wrappers.proto\";"
					 " message M { google.protobuf.Int32Value v = 1; }", NULL, 0, err) != NULL,
		  "well-known types built in: %s", err);
	/* diamond: units.proto read once (else its messages would repeat) */
	{
		MeshPbFile *f = parse_refs(order_proto, imports, 2, err);

		CHECK(f && f->nmessages == 4, "each import read once: %d messages", f ? f->nmessages : -1);
	}
}

/* new reads old? and the reverse */
static void
compat(const char *old_text, const char *new_text, int expected, const char *fragment)
{
	char		err[256] = "";
	char		detail[1024];
	MeshPbFile *old = parse_refs(old_text, imports, 2, err);
	MeshPbFile *new = old ? parse_refs(new_text, imports, 2, err) : NULL;
	int			n;

	CHECK(new != NULL, "compat schemas: %s", err);
	if (new == NULL)
		return;
	n = mesh_pb_check_backward(new, old, detail, sizeof(detail));
	CHECK(n == expected && (fragment == NULL || strstr(detail, fragment) != NULL),
		  "%s -> %s: %d incompatibilities (expected %d, \"%s\"): %s", old_text, new_text,
		  n, expected, fragment ? fragment : "", detail);
}

#define P3 "syntax = \"proto3\"; package p; "
#define P2 "syntax = \"proto2\"; package p; "

static void
test_compat(void)
{
	const char *base = P3 "message M { int32 a = 1; string s = 2; repeated int32 r = 3; N n = 4;"
		" map<string, int32> m = 5; message N { int64 x = 1; } }";

	compat(base, base, 0, NULL);
	/* compatible, both ways */
	compat(P3 "message M { int32 a = 1; }", P3 "message M { int32 renamed = 1; }", 0, NULL);
	compat(P3 "message M { int32 a = 1; }", P3 "message M { int32 a = 1; string b = 2; }", 0, NULL);
	compat(P3 "message M { int32 a = 1; string b = 2; }", P3 "message M { int32 a = 1; }", 0, NULL);
	compat(P3 "message M { int32 a = 1; }", P3 "message M { uint64 a = 1; }", 0, NULL);
	compat(P3 "message M { bool a = 1; }", P3 "message M { int64 a = 1; }", 0, NULL);
	compat(P3 "message M { E a = 1; enum E { Z = 0; } }", P3 "message M { int32 a = 1; }", 0, NULL);
	compat(P3 "message M { int32 a = 1; }", P3 "message M { E a = 1; enum E { Z = 0; } }", 0, NULL);
	compat(P3 "message M { string a = 1; }", P3 "message M { bytes a = 1; }", 0, NULL);
	compat(P3 "message M { string a = 1; }", P3 "message M { repeated string a = 1; }", 0, NULL);
	compat(P3 "message M { fixed32 a = 1; }", P3 "message M { sfixed32 a = 1; }", 0, NULL);
	compat(P3 "message M { sint32 a = 1; }", P3 "message M { sint64 a = 1; }", 0, NULL);
	compat(P3 "message M { int32 a = 1; }", P3 "message M { int32 a = 1; } message New { int32 b = 1; }",
		   0, NULL);
	compat(P3 "message M { int32 a = 1; }", P3 "message New { int32 b = 1; } message M { int32 a = 1; }",
		   0, NULL);
	compat(P3 "message M { int32 a = 1; E e = 2; } enum E { A = 0; B = 1; }",
		   P3 "message M { int32 a = 1; E e = 2; } enum E { A = 0; }", 0, NULL);
	compat(P3 "message M { int32 a = 1; int32 b = 2; }",
		   P3 "message M { oneof o { int32 a = 1; } int32 b = 2; }", 0, NULL);
	compat(P3 "message M { oneof o { int32 a = 1; int32 b = 2; } }",
		   P3 "message M { int32 a = 1; int32 b = 2; }", 0, NULL);
	compat(P3 "message M { oneof o { int32 a = 1; int32 b = 2; } }", P3 "message M { int32 c = 3; }",
		   0, NULL);
	compat(P3 "message M { oneof o { int32 a = 1; } }",
		   P3 "message M { oneof o { int32 a = 1; int32 b = 2; } }", 0, NULL);

	/* incompatible */
	compat(P3 "message M { int32 a = 1; }", P3 "message M { sint32 a = 1; }", 1,
		   "message p.M, field \"a\" (1): type int32 became sint32");
	compat(P3 "message M { sint32 a = 1; }", P3 "message M { int32 a = 1; }", 1,
		   "type sint32 became int32");
	compat(P3 "message M { int32 a = 1; }", P3 "message M { string b = 1; }", 1,
		   "field \"a\" (1, now \"b\"): type int32 became string");
	compat(P3 "message M { fixed32 a = 1; }", P3 "message M { fixed64 a = 1; }", 1, "fixed64");
	compat(P3 "message M { float a = 1; }", P3 "message M { double a = 1; }", 1, "float became double");
	compat(P3 "message M { string a = 1; }", P3 "message M { N a = 1; message N {} }", 1,
		   "string became p.M.N");
	compat(P3 "message M { N a = 1; message N {} }", P3 "message M { string a = 1; message N {} }", 1,
		   "p.M.N became string");
	compat(P3 "message M { repeated int32 a = 1; }", P3 "message M { int32 a = 1; }", 1,
		   "repeated int32 became int32");
	compat(P3 "message M { int32 a = 1; }", P3 "message M { repeated int32 a = 1; }", 1,
		   "int32 became repeated int32");
	compat(base, P3 "message M { int32 a = 1; string s = 2; repeated int32 r = 3; N n = 4;"
		   " map<string, string> m = 5; message N { int64 x = 1; } }", 1, "p.M.MEntry, field \"value\"");
	compat(base, P3 "message M { int32 a = 1; string s = 2; repeated int32 r = 3; N n = 4;"
		   " map<string, int32> m = 5; message N { string x = 1; } }", 1,
		   "message p.M.N, field \"x\" (1): type int64 became string");
	compat(base, P3 "message M { int32 a = 1; string s = 2; repeated int32 r = 3; O n = 4;"
		   " map<string, int32> m = 5; message O { int64 x = 1; } }", 2, "message p.M.N was removed");
	compat(P3 "message M { int32 a = 1; } message Gone { int32 b = 1; }", P3 "message M { int32 a = 1; }",
		   1, "message p.Gone was removed or renamed");
	compat(P3 "message M { int32 a = 1; }", "syntax = \"proto3\"; package q; message M { int32 a = 1; }",
		   1, "the package \"p\" became \"q\"");
	compat(P3 "message M { int32 a = 1; int32 b = 2; }",
		   P3 "message M { oneof o { int32 a = 1; int32 b = 2; } }", 1, "2 fields moved into a oneof");
	compat(P3 "message M { int32 a = 1; oneof o { int32 b = 2; } }",
		   P3 "message M { oneof o { int32 a = 1; int32 b = 2; } }", 1,
		   "a field moved into an existing oneof");
	compat(P3 "message M { oneof o { int32 a = 1; int32 b = 2; } }",
		   P3 "message M { oneof o { int32 a = 1; } }", 1, "field \"b\" (2) was removed from its oneof");
	compat(P2 "message M { optional int32 a = 1; }",
		   P2 "message M { optional int32 a = 1; required int32 b = 2; }", 1,
		   "required field \"b\" (2) was added");
	compat(P2 "message M { required int32 a = 1; }", P2 "message M { optional int32 b = 2; }", 1,
		   "required field \"a\" (1) was removed");
	/* through an import: the imported message's fields compare too */
	compat(P3 "import \"common.proto\"; message M { shop.common.Money m = 1; }",
		   P3 "import \"units.proto\"; message M { shop.units.Unit m = 1; }", 1,
		   "type shop.common.Money became shop.units.Unit");
}

static void
test_compat_imported(void)
{
	static const char money2[] =
		"syntax = \"proto3\"; package shop.common; import \"units.proto\";\n"
		"message Money { string currency = 1; string cents = 2; shop.units.Unit unit = 3; }\n"
		"enum Status { UNKNOWN = 0; }\n";
	MeshPbImport changed[] = {{"common.proto", money2, sizeof(money2) - 1}, imports[1]};
	char		err[256] = "";
	char		detail[512];
	MeshPbFile *old = parse_refs(order_proto, imports, 2, err);
	MeshPbFile *new = parse_refs(order_proto, changed, 2, err);

	CHECK(old && new && mesh_pb_check_backward(new, old, detail, sizeof(detail)) == 1 &&
		  strstr(detail, "message shop.common.Money, field \"cents\" (2): type int64 became string"),
		  "a referenced schema's change: %s", old && new ? detail : err);
	/* many differences: the detail ends in "..." within its buffer */
	CHECK(old && new && mesh_pb_check_backward(old, new, detail, 40) == 1 &&
		  strlen(detail) == 39 && strcmp(detail + 36, "...") == 0, "truncated: %s", detail);
}

int
main(int argc, char **argv)
{
	(void) argc;
	(void) argv;
	test_imports();
	test_descriptor_dependency();
	test_import_errors();
	test_compat();
	test_compat_imported();
	mesh_standalone_reset();
	return test_report("test_protobuf_refs");
}
