/*-------------------------------------------------------------------------
 *
 * fuzz_protobuf.c
 *		  libFuzzer target of Protobuf schemas (src/core/protobuf_schema.c)
 *		  and of the decoder (src/core/protobuf_decode.c).
 *
 * An input is a schema (.proto text or base64 FileDescriptorProto), then a
 * NUL byte and a message; without a NUL, the whole input is a message of
 * the schema below.  Each message of a schema that parses is compiled with
 * a slot per field in three ways (as JSON, in its natural shape, not
 * needed) and decodes the message.  Beyond not crashing under ASan and
 * UBSan: a JSON rendering must parse, and the message-index list reader
 * and the index path of every message must agree with the lookups.  A
 * schema is also read as the import of another, and compared for
 * backward compatibility with itself (none of its names repeated: then it
 * must be compatible) and with the default schema, both ways.  And the
 * encoder (src/core/protobuf_encode.c) must take back what the decoder
 * gave in the natural shapes: decode -> encode -> decode gives the same
 * scalar and array values, and encoding that again the same bytes.  The
 * encoder may refuse only what the wire allows but a row cannot hold: two
 * members of a oneof, a map key twice (its JSON has the key twice), or
 * what a writer must not write: a message without a required field.
 *
 *-------------------------------------------------------------------------
 */
#include "core/json.h"
#include "core/protobuf.h"
#include "../unit/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char default_schema[] =
	"syntax = \"proto3\"; package f;\n"
	"import \"google/protobuf/timestamp.proto\";\n"
	"import \"google/protobuf/duration.proto\";\n"
	"import \"google/protobuf/wrappers.proto\";\n"
	"message M { enum E { Z = 0; O = 1; } message N { string s = 1; repeated N n = 2; }\n"
	"  int32 a = 1; sint64 b = 2; uint64 c = 3; fixed32 d = 4; sfixed64 e = 5;\n"
	"  float f = 6; double g = 7; bool h = 8; string i = 9; bytes j = 10; E k = 11;\n"
	"  repeated int32 l = 12; repeated string m = 13; map<string, N> n = 14;\n"
	"  optional int64 o = 15; google.protobuf.Timestamp p = 16;\n"
	"  google.protobuf.Duration q = 17; google.protobuf.UInt64Value r = 18;\n"
	"  oneof u { N s = 19; fixed64 t = 20; } map<int32, E> v = 21;\n"
	"  repeated google.protobuf.Timestamp w = 22; repeated uint64 x = 23; }\n";

static void
check_values(const MeshAvroTarget *t, const MeshAvroValue *values)
{
	char		err[256];

	for (int i = 0; i < t->nslots; i++)
	{
		const MeshAvroValue *v = &values[i];

		if (!v->present || v->is_null)
			continue;
		if (t->slots[i].shape == MESH_SHAPE_JSON || v->kind == AVRO_RECORD ||
			v->kind == AVRO_MAP || (v->kind == AVRO_ARRAY && v->data != NULL))
		{
			if (v->data == NULL || mesh_json_parse(v->data, v->len, 1000, err, sizeof(err)) == NULL)
			{
				fprintf(stderr, "%.*s\n", (int) (v->len > 2000 ? 2000 : v->len),
						v->data ? v->data : "(null)");
				die("a JSON rendering does not parse", err);
			}
		}
		else if ((v->kind == AVRO_STRING || v->kind == AVRO_ENUM) && v->data == NULL)
			die("a string without data", t->slots[i].name);
	}
}

static bool
same_value(const MeshAvroValue *a, const MeshAvroValue *b)
{
	if (a->is_null != b->is_null || a->present != b->present)
		return false;
	if (a->is_null || !a->present)
		return true;
	if (a->kind != b->kind || a->integer != b->integer || a->boolean != b->boolean ||
		a->len != b->len || a->nitems != b->nitems ||
		(a->len > 0 && memcmp(a->data, b->data, a->len) != 0))
		return false;
	if ((a->kind == AVRO_FLOAT || a->kind == AVRO_DOUBLE) &&
		!(a->real == b->real || (a->real != a->real && b->real != b->real)))
		return false;
	for (int i = 0; i < a->nitems && a->data == NULL; i++)
		if (!same_value(&a->items[i], &b->items[i]))
			return false;
	return true;
}

/*
 * Field names that are identifiers and unique in their message, as protoc
 * makes them: a descriptor may hold any bytes, which JSON renderings then
 * escape, and the parsers let two fields have one name; the encoder, which
 * takes columns and members by name, can then not tell them apart.
 */
static bool
identifier_names(const MeshPbFile *file)
{
	for (int m = 0; m < file->nmessages; m++)
		for (int i = 0; i < file->messages[m].nfields; i++)
		{
			const char *n = file->messages[m].fields[i].name;

			if (n[0] == '\0' || strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
										"0123456789_") != strlen(n))
				return false;
			for (int k = 0; k < i; k++)
				if (strcmp(file->messages[m].fields[k].name, n) == 0)
					return false;
		}
	return true;
}

/* decode (done: values) -> encode -> decode -> encode */
static void
round_trip(const MeshPbFile *file, int m, const MeshAvroTarget *t, MeshAvroValue *values)
{
	const MeshPbMessage *pm = &file->messages[m];
	MeshPbEncoder *enc;
	MeshPbProgram *p;
	MeshPbEncodeError e;
	MeshBuf		once = {0},
				twice = {0};
	MeshAvroValue *again = mesh_alloc(sizeof(MeshAvroValue) * (pm->nfields + 1));
	char		err[512];

	pb_decoded_to_source(pm, values);
	enc = mesh_pb_encoder_create(file, m, t, err, sizeof(err));
	if (enc == NULL)
		die("an encoder of a message that decodes", err);
	if (!mesh_pb_encode(enc, values, &once, &e))
	{
		if (e.fault == PB_FAULT_ONEOF || strstr(e.detail, "invalid JSON") != NULL ||
			strstr(e.detail, "required field") != NULL)
			return;
		die("what the decoder gave does not encode", e.detail);
	}
	p = mesh_pb_compile(file, m, t, err, sizeof(err));
	if (p == NULL || !mesh_pb_decode(p, (const uint8_t *) (once.data ? once.data : ""), once.len,
									 again, err, sizeof(err)))
		die("what the encoder wrote does not decode", err);
	pb_decoded_to_source(pm, again);
	/* messages and maps are JSON, whose maps come back sorted: the fixpoint checks them */
	for (int i = 0; i < pm->nfields; i++)
		if (values[i].kind != AVRO_RECORD && values[i].kind != AVRO_MAP &&
			!same_value(&values[i], &again[i]))
			die("decode -> encode -> decode changed a value", pm->fields[i].name);
	if (!mesh_pb_encode(enc, again, &twice, &e))
		die("what the encoder wrote, decoded, does not encode", e.detail);
	if (twice.len != once.len || (once.len > 0 && memcmp(once.data, twice.data, once.len) != 0))
		die("encoding is not a fixpoint", pm->fullname);
	mesh_pb_program_free(p);
	mesh_pb_encoder_free(enc);
}

static void
try_message(const MeshPbFile *file, int m, const uint8_t *msg, size_t len)
{
	const MeshPbMessage *pm = &file->messages[m];
	MeshAvroTarget t;
	MeshAvroValue *values;
	char		err[512];
	int32_t		idx[MESH_PB_MAX_INDEXES];
	int			n = mesh_pb_message_indexes(file, m, idx);

	if (n == 0 || mesh_pb_message_by_indexes(file, idx, n) != m)
		die("message indexes do not name their message", pm->fullname);
	t.nslots = pm->nfields;
	t.slots = mesh_alloc(sizeof(MeshAvroSlot) * (pm->nfields + 1));
	values = mesh_alloc(sizeof(MeshAvroValue) * (pm->nfields + 1));
	for (int shape = 0; shape < 3; shape++)
	{
		MeshPbProgram *p;

		for (int i = 0; i < pm->nfields; i++)
		{
			const MeshPbField *f = &pm->fields[i];

			t.slots[i].name = f->name;
			t.slots[i].needed = shape != 2;
			t.slots[i].shape = shape == 0 ? MESH_SHAPE_JSON :
				f->repeated ? MESH_SHAPE_ARRAY : MESH_SHAPE_SCALAR;
		}
		p = mesh_pb_compile(file, m, &t, err, sizeof(err));
		if (p == NULL)
			die("a message does not compile", err);
		if (mesh_pb_decode(p, msg, len, values, err, sizeof(err)))
		{
			check_values(&t, values);
			if (shape == 1 && identifier_names(file))
				round_trip(file, m, &t, values);
		}
		mesh_pb_program_free(p);
	}
}

/* protoc refuses a name defined twice; this parser does not look */
static bool
unique_names(const MeshPbFile *file)
{
	for (int i = 0; i < file->nmessages; i++)
		for (int j = 0; j < i; j++)
			if (strcmp(file->messages[i].fullname, file->messages[j].fullname) == 0)
				return false;
	return true;
}

static void
try_imports_and_compat(const char *schema, size_t len, const MeshPbFile *file)
{
	static const char importer[] =
		"syntax = \"proto3\"; import \"dep.proto\"; message I { int32 a = 1; }";
	MeshPbImport dep = {"dep.proto", schema, len};
	char		err[1024];
	MeshPbFile *outer = mesh_pb_parse_imports(importer, strlen(importer), &dep, 1,
											  err, sizeof(err));
	MeshPbFile *def = mesh_pb_parse(default_schema, strlen(default_schema), err, sizeof(err));

	if (outer != NULL && (outer->ntop != 1 || strcmp(outer->messages[outer->top[0]].fullname, "I") != 0))
		die("an import's messages count as top-level", "");
	if (unique_names(file) && mesh_pb_check_backward(file, file, err, sizeof(err)) != 0)
		die("a schema is not compatible with itself", err);
	mesh_pb_check_backward(file, def, err, sizeof(err));
	mesh_pb_check_backward(def, file, err, sizeof(err));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	const char *schema = nul ? (const char *) data : default_schema;
	size_t		schema_len = nul ? (size_t) (nul - data) : strlen(default_schema);
	const uint8_t *msg = nul ? nul + 1 : data;
	size_t		len = nul ? size - (size_t) (nul + 1 - data) : size;
	char		err[512];
	MeshPbFile *file;
	uint8_t    *copy = malloc(len ? len : 1);
	int32_t		idx[MESH_PB_MAX_INDEXES];
	int			nidx;
	size_t		header;

	/* an exact-size copy, so that ASan sees any overread */
	memcpy(copy, msg, len);
	if (mesh_pb_read_indexes(copy, len, idx, &nidx, &header, err, sizeof(err)) &&
		(header > len || nidx < 1 || nidx > MESH_PB_MAX_INDEXES))
		die("message-index list", "out of bounds");
	file = mesh_pb_parse(schema, schema_len, err, sizeof(err));
	if (file == NULL && !nul)
		die("the default schema does not parse", err);
	if (file != NULL)
		for (int m = 0; m < file->nmessages && m < 16; m++)
			try_message(file, m, copy, len);
	if (file != NULL && nul)
		try_imports_and_compat(schema, schema_len, file);
	free(copy);
	mesh_standalone_reset();
	return 0;
}
