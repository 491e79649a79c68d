/*-------------------------------------------------------------------------
 *
 * fuzz_avro_encode.c
 *		  libFuzzer target of the Avro encoder's JSON path
 *		  (src/core/avro_encode.c, avro_write.c, avro_source.c).
 *
 * JSON text is what the encoder parses and walks itself (jsonb columns,
 * create_data_product's query results), so that is what is fuzzed: the
 * first byte of an input picks one of the schemas below, and how the JSON
 * is handed over (a slot of shape MESH_SHAPE_JSON, or a value of kind
 * MESH_AVRO_JSON); the rest is the JSON text of the record's one field
 * "v".  Beyond not crashing under ASan and UBSan, an encode must keep its
 * promises, checked with the decoder (src/core/avro_compile.c, avro_decode.c,
 * avro_render.c), which shares with the encoder only the core's small
 * utilities (MeshBuf, UTF-8 checks, uuid text, the calendar's ranges):
 *
 *	 - a refusal appends nothing (the buffer's prefix and NUL are intact)
 *	   and says why in valid UTF-8;
 *	 - what is accepted decodes, leaving no byte over;
 *	 - the decoder's JSON rendering of it encodes again, and decodes to
 *	   the same rendering (the two agree on what the value is);
 *	 - encoding the same input twice gives the same bytes;
 *	 - nothing is left allocated after an input (the parse tree is freed),
 *	   but after JSON that does not parse: mesh_json_parse leaves a partial
 *	   tree to the memory context, by design; then everything is reset.
 *
 * Built by test/fuzz/run like the others (with every file of src/core);
 * seeds in test/fuzz/corpus/fuzz_avro_encode.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_encode.h"
#include "core/avro_compat.h"
#include "../unit/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each the type of field "v" of a record "Top". */
static const char *const types[] = {
	/* 0: a bit of everything */
	"{\"type\":\"record\",\"name\":\"In\",\"fields\":["
	"{\"name\":\"id\",\"type\":\"long\"},"
	"{\"name\":\"n\",\"type\":\"int\",\"default\":3},"
	"{\"name\":\"addr\",\"type\":{\"type\":\"record\",\"name\":\"Addr\",\"fields\":["
	"{\"name\":\"street\",\"type\":\"string\"},{\"name\":\"zip\",\"type\":[\"null\",\"int\"]},"
	"{\"name\":\"country\",\"type\":\"string\",\"default\":\"CH\",\"aliases\":[\"land\"]}]}},"
	"{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"},\"default\":[]},"
	"{\"name\":\"scores\",\"type\":{\"type\":\"map\",\"values\":[\"null\",\"double\",\"float\"]},\"default\":{}},"
	"{\"name\":\"u\",\"type\":{\"type\":\"array\",\"items\":[\"null\",\"int\",\"float\",\"string\",\"bytes\",\"boolean\",\"Addr\"]},\"default\":[]},"
	"{\"name\":\"blob\",\"type\":[\"null\",\"bytes\"],\"default\":null},"
	"{\"name\":\"fx\",\"type\":[\"null\",{\"type\":\"fixed\",\"name\":\"Two\",\"size\":2}],\"default\":null},"
	"{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\",\"C\"]},\"default\":\"A\"},"
	"{\"name\":\"f\",\"type\":\"float\",\"default\":0},"
	"{\"name\":\"d\",\"type\":\"double\",\"default\":0}]}",
	/* 1: logical types */
	"{\"type\":\"record\",\"name\":\"Log\",\"fields\":["
	"{\"name\":\"day\",\"type\":[\"null\",{\"type\":\"int\",\"logicalType\":\"date\"}],\"default\":null},"
	"{\"name\":\"tms\",\"type\":[\"null\",{\"type\":\"int\",\"logicalType\":\"time-millis\"}],\"default\":null},"
	"{\"name\":\"tus\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"time-micros\"}],\"default\":null},"
	"{\"name\":\"tsms\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}],\"default\":null},"
	"{\"name\":\"tsus\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}],\"default\":null},"
	"{\"name\":\"ltsms\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"local-timestamp-millis\"}],\"default\":null},"
	"{\"name\":\"ltsus\",\"type\":[\"null\",{\"type\":\"long\",\"logicalType\":\"local-timestamp-micros\"}],\"default\":null},"
	"{\"name\":\"dec\",\"type\":[\"null\",{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":20,\"scale\":4}],\"default\":null},"
	"{\"name\":\"decfx\",\"type\":[\"null\",{\"type\":\"fixed\",\"name\":\"D5\",\"size\":5,\"logicalType\":\"decimal\",\"precision\":11,\"scale\":2}],\"default\":null},"
	"{\"name\":\"big\",\"type\":[\"null\",{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":1000,\"scale\":500}],\"default\":null},"
	"{\"name\":\"id\",\"type\":[\"null\",{\"type\":\"string\",\"logicalType\":\"uuid\"}],\"default\":null}]}",
	/* 2: recursion */
	"{\"type\":\"record\",\"name\":\"Node\",\"fields\":["
	"{\"name\":\"v\",\"type\":\"int\",\"default\":0},{\"name\":\"n\",\"type\":[\"null\",\"Node\"],\"default\":null},"
	"{\"name\":\"kids\",\"type\":{\"type\":\"array\",\"items\":\"Node\"},\"default\":[]}]}",
	/* 3: a union of everything at the top */
	"[\"null\",\"boolean\",\"int\",\"long\",\"float\",\"double\",\"string\","
	"{\"type\":\"array\",\"items\":[\"null\",\"long\",\"string\"]},"
	"{\"type\":\"map\",\"values\":{\"type\":\"map\",\"values\":\"int\"}},"
	"{\"type\":\"record\",\"name\":\"R2\",\"fields\":[{\"name\":\"c\",\"type\":\"string\",\"default\":\"x\"}]},"
	"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"R2\",\"default\":{}}]}]",
	/* 4: scalars */
	"{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"S\",\"fields\":["
	"{\"name\":\"b\",\"type\":\"boolean\",\"default\":false},{\"name\":\"i\",\"type\":\"int\",\"default\":0},"
	"{\"name\":\"l\",\"type\":\"long\",\"default\":0},{\"name\":\"s\",\"type\":\"string\",\"default\":\"\"},"
	"{\"name\":\"by\",\"type\":\"bytes\",\"default\":\"\"},{\"name\":\"nul\",\"type\":\"null\",\"default\":null}]}}",
};

#define NTYPES ((int) (sizeof(types) / sizeof(types[0])))

typedef struct Target
{
	MeshAvroType *schema;
	MeshAvroEncoder *by_shape;	/* slot of shape MESH_SHAPE_JSON */
	MeshAvroEncoder *by_kind;	/* slot of shape SCALAR, kind MESH_AVRO_JSON */
	MeshAvroTarget decode;
	MeshAvroProgram *program;
} Target;

static Target targets[NTYPES];
static bool ready = false;
static size_t base_blocks;

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A target of one slot "v" in this shape (allocated: the encoders keep it). */
static MeshAvroTarget
slot_v(MeshAvroShape shape)
{
	MeshAvroSlot *slot = mesh_alloc(sizeof(MeshAvroSlot));
	MeshAvroTarget target = {.nslots = 1,.slots = slot};

	slot->name = "v";
	slot->needed = true;
	slot->shape = shape;
	return target;
}

static void
setup(void)
{
	int			i;

	for (i = 0; i < NTYPES; i++)
	{
		Target	   *t = &targets[i];
		char		text[8192];
		char		err[512];
		MeshAvroTarget source = slot_v(MESH_SHAPE_JSON);

		snprintf(text, sizeof(text),
				 "{\"type\":\"record\",\"name\":\"Top\",\"fields\":[{\"name\":\"v\",\"type\":%s}]}",
				 types[i]);
		t->schema = mesh_avro_parse(text, strlen(text), err, sizeof(err));
		if (t->schema == NULL)
			die("bad schema", err);
		t->by_shape = mesh_avro_encoder_create(t->schema, &source, err, sizeof(err));
		if (t->by_shape == NULL)
			die("encoder", err);
		/* the decoder's target has the same one slot, as JSON */
		t->decode = source;
		t->program = mesh_avro_compile(t->schema, &t->decode, err, sizeof(err));
		if (t->program == NULL)
			die("decoder", err);
		source = slot_v(MESH_SHAPE_SCALAR);
		t->by_kind = mesh_avro_encoder_create(t->schema, &source, err, sizeof(err));
		if (t->by_kind == NULL)
			die("encoder", err);
	}
	base_blocks = mesh_standalone_live_blocks();
	ready = true;
}

/* The decoder's JSON rendering of one encoded record, copied into *json. */
static void
render(Target *t, const char *bytes, size_t len, MeshBuf *json)
{
	MeshAvroValue v;
	char		err[512];
	size_t		i;

	if (!mesh_avro_decode(t->program, (const uint8_t *) bytes, len, &v, err, sizeof(err)))
	{
		fprintf(stderr, "bytes:");
		for (i = 0; i < len && i < 200; i++)
			fprintf(stderr, " %02x", (unsigned char) bytes[i]);
		fputc('\n', stderr);
		die("the decoder refuses what the encoder wrote", err);
	}
	json->len = 0;
	mesh_buf_append(json, v.data, v.len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Target	   *t;
	MeshAvroEncoder *enc;
	MeshAvroValue v;
	MeshBuf		out;
	MeshBuf		again;
	MeshBuf		first;
	MeshBuf		second;
	char		err[512];
	bool		ok;

	if (!ready)
		setup();
	if (size < 1)
		return 0;
	t = &targets[data[0] % NTYPES];
	enc = (data[0] / NTYPES) % 2 ? t->by_kind : t->by_shape;

	memset(&v, 0, sizeof(v));
	v.kind = enc == t->by_kind ? MESH_AVRO_JSON : AVRO_STRING;
	v.data = (const char *) data + 1;
	v.len = size - 1;

	mesh_buf_init(&out);
	mesh_buf_append(&out, "PFX", 3);
	err[0] = '\0';
	ok = mesh_avro_encode(enc, &v, &out, err, sizeof(err));
	if (!ok)
	{
		if (out.len != 3 || memcmp(out.data, "PFX", 4) != 0)
			die("a refusal appended bytes", err);
		if (err[0] == '\0' || strlen(err) >= sizeof(err) || !utf8_ok(err, strlen(err)))
			die("a refusal without a valid reason", err);
		mesh_free(out.data);
	}
	else
	{
		if (memcmp(out.data, "PFX", 3) != 0 || out.data[out.len] != '\0')
			die("prefix or NUL lost", "");

		/* the same again */
		mesh_buf_init(&again);
		if (!mesh_avro_encode(enc, &v, &again, err, sizeof(err)) ||
			again.len != out.len - 3 || memcmp(again.data, out.data + 3, again.len) != 0)
			die("a second encoding differs", err);

		/* read back, written again from what was read, read back again */
		mesh_buf_init(&first);
		mesh_buf_init(&second);
		render(t, out.data + 3, out.len - 3, &first);
		memset(&v, 0, sizeof(v));
		v.kind = MESH_AVRO_JSON;
		v.data = first.data;
		v.len = first.len;
		again.len = 0;
		if (!mesh_avro_encode(t->by_kind, &v, &again, err, sizeof(err)))
		{
			fprintf(stderr, "%s\n", first.data);
			die("the decoder's rendering does not encode", err);
		}
		render(t, again.data, again.len, &second);
		if (first.len != second.len || memcmp(first.data, second.data, first.len) != 0)
		{
			fprintf(stderr, "%s\n%s\n", first.data, second.data);
			die("the rendering changes when written again", "");
		}
		mesh_free(out.data);
		mesh_free(again.data);
		mesh_free(first.data);
		mesh_free(second.data);
	}
	if (mesh_standalone_live_blocks() != base_blocks)
	{
		if (ok || strncmp(err, "invalid JSON for field", 22) != 0)
			die("memory left allocated after an input", err);
		mesh_standalone_reset();
		ready = false;
	}
	return 0;
}
