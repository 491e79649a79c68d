/*-------------------------------------------------------------------------
 *
 * test_resolve.c
 *		  Unit tests of the Avro schema resolution rules
 *		  (src/core/avro_resolve.c), and of the agreement they bring: the
 *		  compatibility check (avro_compat.c) accepts what the decoder's
 *		  compiler (avro_compile.c) reads, branch for branch.
 *
 * Run by test/unit/run, outside the server.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_compat.h"
#include "core/avro_decode.h"
#include "core/avro_resolve.h"
#include "harness.h"

#include <string.h>

/* shallow_match of two schema texts, writer first */
static bool
matches(const char *writer, const char *reader)
{
	return mesh_avro_shallow_match(schema(writer), schema(reader));
}

/* the index of the reader union's branch a writer's type goes to, or -1 */
static int
branch(const char *writer, const char *reader_union)
{
	MeshAvroType *r = schema(reader_union);
	const MeshAvroType *b = mesh_avro_pick_branch(schema(writer), r);
	int			i;

	for (i = 0; i < r->nbranches; i++)
		if (r->branches[i] == b)
			return i;
	return b == NULL ? -1 : -2;
}

#define REC(name, fields) "{\"type\":\"record\",\"name\":\"" name "\",\"fields\":[" fields "]}"
#define F(name, type) "{\"name\":\"" name "\",\"type\":" type "}"

static void
test_names(void)
{
	test_case = "names";
	CHECK(strcmp(mesh_avro_short_name("a.b.C"), "C") == 0, "short name of a.b.C");
	CHECK(strcmp(mesh_avro_short_name("C"), "C") == 0, "short name of C");

	/* unqualified names match whatever the namespaces */
	CHECK(matches("{\"type\":\"fixed\",\"name\":\"a.F\",\"size\":4}",
				  "{\"type\":\"fixed\",\"name\":\"b.F\",\"size\":4}"), "fixed by short name");
	CHECK(!matches("{\"type\":\"fixed\",\"name\":\"a.F\",\"size\":4}",
				   "{\"type\":\"fixed\",\"name\":\"a.F\",\"size\":8}"), "fixed of another size");
	CHECK(!matches("{\"type\":\"enum\",\"name\":\"A\",\"symbols\":[\"X\"]}",
				   "{\"type\":\"enum\",\"name\":\"B\",\"symbols\":[\"X\"]}"), "enums by name");
	/* the reader's aliases, in full or by their last part */
	CHECK(matches("{\"type\":\"enum\",\"name\":\"old.A\",\"symbols\":[\"X\"]}",
				  "{\"type\":\"enum\",\"name\":\"B\",\"aliases\":[\"old.A\"],\"symbols\":[\"X\"]}"),
		  "an alias in full");
	CHECK(matches("{\"type\":\"enum\",\"name\":\"old.A\",\"symbols\":[\"X\"]}",
				  "{\"type\":\"enum\",\"name\":\"B\",\"aliases\":[\"other.A\"],\"symbols\":[\"X\"]}"),
		  "an alias by its last part");
	/* the writer's aliases do not count */
	CHECK(!matches("{\"type\":\"enum\",\"name\":\"A\",\"aliases\":[\"B\"],\"symbols\":[\"X\"]}",
				   "{\"type\":\"enum\",\"name\":\"B\",\"symbols\":[\"X\"]}"),
		  "a writer's alias");
}

static void
test_promotions(void)
{
	static const char *const prims[] = {
		"\"null\"", "\"boolean\"", "\"int\"", "\"long\"", "\"float\"",
		"\"double\"", "\"bytes\"", "\"string\""
	};

	/* writer (row) read as reader (column): the specification's table */
	static const char *const table[] = {
		/* null  bool  int  long float double bytes string */
		"1.......",				/* null */
		".1......",				/* boolean */
		"..1111..",				/* int */
		"...111..",				/* long */
		"....11..",				/* float */
		".....1..",				/* double */
		"......11",				/* bytes */
		"......11"				/* string */
	};
	int			w;
	int			r;

	test_case = "promotions";
	for (w = 0; w < 8; w++)
		for (r = 0; r < 8; r++)
			CHECK(matches(prims[w], prims[r]) == (table[w][r] == '1'),
				  "%s read as %s", prims[w], prims[r]);
	CHECK(matches("{\"type\":\"array\",\"items\":\"int\"}", "{\"type\":\"array\",\"items\":\"double\"}"),
		  "array items promoted");
	CHECK(!matches("{\"type\":\"map\",\"values\":\"long\"}", "{\"type\":\"map\",\"values\":\"int\"}"),
		  "map values not demoted");
	CHECK(matches("\"int\"", "[\"null\",\"string\"]") && matches("[\"null\",\"string\"]", "\"int\""),
		  "a union on either side matches here");
	/* logical types: the underlying types decide; decimals by scale */
	CHECK(mesh_avro_decimals_match(schema("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}"),
								   schema("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":12,\"scale\":2}")),
		  "decimals of another precision");
	CHECK(!mesh_avro_decimals_match(schema("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}"),
									schema("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":3}")),
		  "decimals of another scale");
	CHECK(mesh_avro_decimals_match(schema("\"bytes\""),
								   schema("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":3}")),
		  "bytes and a decimal");
}

static void
test_branches(void)
{
	test_case = "union branches";
	/* the same type before a promotion, whatever the order */
	CHECK(branch("\"string\"", "[\"bytes\",\"string\"]") == 1, "string to string");
	CHECK(branch("\"bytes\"", "[\"string\",\"bytes\"]") == 1, "bytes to bytes");
	CHECK(branch("\"int\"", "[\"float\",\"int\"]") == 1, "int to int");
	/* else the first a promotion reaches */
	CHECK(branch("\"int\"", "[\"null\",\"float\",\"double\"]") == 1, "int to float");
	CHECK(branch("\"string\"", "[\"null\",\"bytes\"]") == 1, "string to bytes");
	CHECK(branch("\"boolean\"", "[\"null\",\"int\"]") == -1, "boolean nowhere");
	/* named types: by full name first, then by unqualified name or alias */
	CHECK(branch("{\"type\":\"fixed\",\"name\":\"b.X\",\"size\":2}",
				 "[{\"type\":\"fixed\",\"name\":\"a.X\",\"size\":2},{\"type\":\"fixed\",\"name\":\"b.X\",\"size\":2}]") == 1,
		  "b.X to b.X, not a.X");
	CHECK(branch("{\"type\":\"fixed\",\"name\":\"c.X\",\"size\":2}",
				 "[{\"type\":\"fixed\",\"name\":\"a.X\",\"size\":2},{\"type\":\"fixed\",\"name\":\"b.X\",\"size\":2}]") == 0,
		  "c.X to the first X");
	CHECK(branch("{\"type\":\"enum\",\"name\":\"X\",\"symbols\":[\"A\"]}",
				 "[{\"type\":\"enum\",\"name\":\"Y\",\"aliases\":[\"X\"],\"symbols\":[\"A\"]},{\"type\":\"enum\",\"name\":\"X\",\"symbols\":[\"A\"]}]") == 1,
		  "X to X before an alias of X");
	CHECK(branch("{\"type\":\"fixed\",\"name\":\"b.X\",\"size\":2}",
				 "[{\"type\":\"fixed\",\"name\":\"a.X\",\"size\":2},{\"type\":\"fixed\",\"name\":\"b.X\",\"size\":3}]") == 0,
		  "a full name of another size does not count");
	/* a reader that is not a union: itself, if it matches */
	{
		MeshAvroType *r = schema("\"long\"");

		CHECK(mesh_avro_pick_branch(schema("\"int\""), r) == r, "int as long");
		CHECK(mesh_avro_pick_branch(schema("\"string\""), r) == NULL, "string as long");
	}
}

static void
test_enums_and_fields(void)
{
	MeshAvroType *w;
	MeshAvroType *r;
	int			wfor[4];
	int			rfor[4];

	test_case = "enum symbols";
	w = schema("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\",\"C\"]}");
	r = schema("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"C\",\"A\"]}");
	CHECK(mesh_avro_enum_symbol(w, r, 0) == 1, "A");
	CHECK(mesh_avro_enum_symbol(w, r, 1) == -1, "B, no default");
	CHECK(mesh_avro_enum_symbol(w, r, 2) == 0, "C");
	r = schema("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"C\",\"A\",\"OTHER\"],\"default\":\"OTHER\"}");
	CHECK(mesh_avro_enum_symbol(w, r, 1) == 2, "B, the default");

	test_case = "fields";
	w = schema(REC("W", F("a", "\"int\"") "," F("b", "\"int\"") "," F("uid", "\"int\"")));
	CHECK(mesh_avro_field_index(w, "b") == 1 && mesh_avro_field_index(w, "z") == -1, "by name");
	{
		const char *aliases[] = {"nope", "uid"};

		CHECK(mesh_avro_match_field(w, "user", aliases, 2) == 2, "by the second alias");
		CHECK(mesh_avro_match_field(w, "a", aliases, 2) == 0, "the name first");
		CHECK(mesh_avro_match_field(w, "user", aliases, 1) == -1, "none");
	}
	/* nested records: a writer field taken by name is not taken again by alias */
	r = schema(REC("W", "{\"name\":\"x\",\"type\":\"int\",\"aliases\":[\"b\"]},"
				   F("b", "\"long\"") ","
				   "{\"name\":\"user\",\"type\":\"int\",\"aliases\":[\"uid\"]}"));
	mesh_avro_match_fields(w, r, wfor, rfor);
	CHECK(wfor[0] == -1 && wfor[1] == 1 && wfor[2] == 2, "reader to writer: %d %d %d",
		  wfor[0], wfor[1], wfor[2]);
	CHECK(rfor[0] == -1 && rfor[1] == 1 && rfor[2] == 2, "writer to reader: %d %d %d",
		  rfor[0], rfor[1], rfor[2]);
	/* a name given for a field: its name, else an alias */
	CHECK(mesh_avro_field_named(r, "b") == 1, "by name before alias");
	CHECK(mesh_avro_field_named(r, "uid") == 2 && mesh_avro_field_named(r, "zz") == -1,
		  "by alias");
	CHECK(mesh_avro_field_has_alias(&r->fields[0], "b") &&
		  !mesh_avro_field_has_alias(&r->fields[1], "b"), "has alias");
}

/*
 * What the compatibility check accepts, the decoder reads: a writer's
 * record goes to the reader union's branch of its full name, for both.
 */
static void
test_agreement(void)
{
	const char *reader =
		REC("top.R", F("v", "[\"null\","
					   REC("a.X", F("y", "\"int\"")) ","
					   REC("b.X", F("x", "\"int\"")) "]"));
	const char *writer = REC("top.R", F("v", REC("b.X", F("x", "\"int\""))));
	MeshAvroType *r = schema(reader);
	MeshAvroType *w = schema(writer);
	MeshAvroSlot slot;
	MeshAvroTarget target;
	char		err[512];

	test_case = "agreement";
	CHECK(mesh_avro_can_read(r, w, err, sizeof(err)), "compat: %s", err);
	memset(&slot, 0, sizeof(slot));
	slot.name = "v";
	slot.reader_type = r->fields[0].type;
	slot.shape = MESH_SHAPE_JSON;
	slot.needed = true;
	target.nslots = 1;
	target.slots = &slot;
	CHECK(mesh_avro_compile(w, &target, err, sizeof(err)) != NULL, "decoder: %s", err);

	/* and what the decoder cannot read, the check refuses, naming it */
	w = schema(REC("top.R", F("v", REC("c.Z", F("x", "\"int\"")))));
	CHECK(!mesh_avro_can_read(r, w, err, sizeof(err)) &&
		  strcmp(err, "field \"v\": writer type record \"c.Z\" cannot be read as union [null, record \"a.X\", record \"b.X\"]") == 0,
		  "compat: %s", err);
	CHECK(mesh_avro_compile(w, &target, err, sizeof(err)) == NULL, "decoder compiled c.Z");
}

int
main(void)
{
	test_names();
	test_promotions();
	test_branches();
	test_enums_and_fields();
	test_agreement();
	return test_report("test_resolve");
}
