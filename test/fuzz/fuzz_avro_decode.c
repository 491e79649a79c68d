/*-------------------------------------------------------------------------
 *
 * fuzz_avro_decode.c
 *		  libFuzzer target of the Avro decoder (src/core/avro_compile.c,
 *		  avro_decode.c, avro_render.c).
 *
 * The first byte of an input picks one of the writer/reader schema pairs
 * of test/fuzz/avro_pairs.json (written by gen_corpus.py), each with the
 * shapes its slots take; the rest is the datum.  Beyond not crashing under
 * ASan and UBSan, a decode must keep its promises, checked here by means
 * that share no code with the decoder:
 *
 *	 - a successful JSON rendering is JSON that mesh_json_parse accepts,
 *	   NUL-terminated, "null" exactly when the value is null;
 *	 - strings handed out are valid UTF-8 without NUL;
 *	 - a failure says "at byte N: ..." with N within the datum;
 *	 - decoding the same datum again gives the same result, byte for byte.
 *
 * Built by test/fuzz/run with -DMESH_PAIRS_PATH pointing at the pairs.
 *
 *-------------------------------------------------------------------------
 */
#include "../unit/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MESH_PAIRS_PATH
#define MESH_PAIRS_PATH "test/fuzz/avro_pairs.json"
#endif

#define MAX_PAIRS 64

typedef struct Pair
{
	MeshAvroTarget target;
	MeshAvroProgram *program;
	MeshAvroValue *values;
	MeshAvroValue *again;
} Pair;

static Pair pairs[MAX_PAIRS];
static int	npairs = 0;
static size_t base_blocks;

static void
load_pairs(void)
{
	const char *path = getenv("MESH_FUZZ_PAIRS") ? getenv("MESH_FUZZ_PAIRS") : MESH_PAIRS_PATH;
	char	   *text;
	size_t		n;
	char		err[256];
	MeshJson   *doc;
	MeshJson   *list;
	int			i;

	text = read_file(path, &n);
	doc = mesh_json_parse(text, n, 256, err, sizeof(err));
	free(text);
	if (doc == NULL)
		die(path, err);
	list = mesh_json_get(doc, "pairs");
	for (i = 0; i < list->count && i < MAX_PAIRS; i++)
	{
		const MeshJson *pj = list->items[i];
		const char *shapes = mesh_json_get_string(pj, "shapes");
		MeshAvroType *writer = schema_from_json(mesh_json_get(pj, "writer"));
		MeshAvroType *reader = schema_from_json(mesh_json_get(pj, "reader"));
		Pair	   *p = &pairs[npairs];
		int			k;

		p->target = *reader_target(writer, reader);
		for (k = 0; k < p->target.nslots; k++)
		{
			MeshAvroSlot *s = &p->target.slots[k];

			s->needed = strcmp(shapes, "unneeded") != 0 &&
				!(strcmp(shapes, "mixed") == 0 && k % 3 == 2);
			if (strcmp(shapes, "json") == 0 || (strcmp(shapes, "mixed") == 0 && k % 3 == 1))
				s->shape = MESH_SHAPE_JSON;
		}
		p->program = mesh_avro_compile(writer, &p->target, err, sizeof(err));
		if (p->program == NULL)
			die(mesh_json_get_string(pj, "name"), err);
		p->values = mesh_alloc((p->target.nslots + 1) * sizeof(MeshAvroValue));
		p->again = mesh_alloc((p->target.nslots + 1) * sizeof(MeshAvroValue));
		npairs++;
	}
	if (npairs == 0)
		die(path, "no pairs");
	base_blocks = mesh_standalone_live_blocks();
}

static void
check_value(const MeshAvroSlot *s, const MeshAvroValue *v)
{
	char		err[256];
	MeshJson   *j;
	int			i;

	if (!s->needed)
	{
		if (v->present)
			die(s->name, "present though not needed");
		return;
	}
	if (!v->present)
		die(s->name, "not present");
	if (s->shape == MESH_SHAPE_JSON)
	{
		if (v->data == NULL || v->data[v->len] != '\0')
			die(s->name, "JSON text not NUL-terminated");
		j = mesh_json_parse(v->data, v->len, 1000, err, sizeof(err));
		if (j == NULL)
		{
			fprintf(stderr, "%.*s\n", (int) (v->len > 2000 ? 2000 : v->len), v->data);
			die(s->name, err);
		}
		/* free what each input takes, or LeakSanitizer runs after each */
		mesh_json_free(j);
		if (v->is_null != (v->len == 4 && memcmp(v->data, "null", 4) == 0))
			die(s->name, "is_null disagrees with the text");
		return;
	}
	if (v->is_null)
		return;
	if (s->shape == MESH_SHAPE_ARRAY)
	{
		if (v->kind != AVRO_ARRAY || v->nitems < 0)
			die(s->name, "bad array");
		for (i = 0; i < v->nitems; i++)
			if (!v->items[i].is_null &&
				(v->items[i].kind == AVRO_STRING || v->items[i].kind == AVRO_ENUM) &&
				!utf8_ok(v->items[i].data, v->items[i].len))
				die(s->name, "invalid UTF-8 in an item");
		return;
	}
	if ((v->kind == AVRO_STRING || v->kind == AVRO_ENUM) && !utf8_ok(v->data, v->len))
		die(s->name, "invalid UTF-8");
}

/* The same result twice: nothing leaks from one decode into the next. */
static void
check_same(const Pair *p, const MeshAvroValue *a, const MeshAvroValue *b)
{
	int			i;

	for (i = 0; i < p->target.nslots; i++)
	{
		const MeshAvroSlot *s = &p->target.slots[i];

		if (a[i].present != b[i].present || a[i].is_null != b[i].is_null ||
			a[i].kind != b[i].kind)
			die(s->name, "second decode differs");
		if (!a[i].present || a[i].is_null)
			continue;
		if (s->shape == MESH_SHAPE_JSON &&
			(a[i].len != b[i].len || memcmp(a[i].data, b[i].data, a[i].len) != 0))
			die(s->name, "second JSON rendering differs");
		if (s->shape == MESH_SHAPE_SCALAR &&
			(a[i].integer != b[i].integer || a[i].len != b[i].len ||
			 memcmp(&a[i].real, &b[i].real, sizeof(double)) != 0))
			die(s->name, "second scalar differs");
		if (s->shape == MESH_SHAPE_ARRAY && a[i].nitems != b[i].nitems)
			die(s->name, "second array differs");
	}
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Pair	   *p;
	char		err[512];
	char		err2[512];
	bool		ok;
	bool		ok2;
	int			i;
	size_t		json_len[256];
	char	   *json_copy[256];

	if (npairs == 0)
		load_pairs();
	if (size < 1)
		return 0;
	p = &pairs[data[0] % npairs];
	ok = mesh_avro_decode(p->program, data + 1, size - 1, p->values, err, sizeof(err));
	if (!ok)
	{
		size_t		at;

		if (sscanf(err, "at byte %zu: ", &at) != 1 || at > size - 1)
			die("error without a position in the datum", err);
	}
	else
		for (i = 0; i < p->target.nslots; i++)
			check_value(&p->target.slots[i], &p->values[i]);

	/* the JSON texts move with the next decode: keep copies */
	for (i = 0; ok && i < p->target.nslots && i < 256; i++)
	{
		json_copy[i] = NULL;
		if (p->target.slots[i].shape == MESH_SHAPE_JSON && p->values[i].present)
		{
			json_len[i] = p->values[i].len;
			json_copy[i] = malloc(json_len[i] + 1);
			memcpy(json_copy[i], p->values[i].data, json_len[i]);
			p->values[i].data = json_copy[i];
		}
	}
	ok2 = mesh_avro_decode(p->program, data + 1, size - 1, p->again, err2, sizeof(err2));
	if (ok != ok2 || (!ok && strcmp(err, err2) != 0))
		die("second decode differs", ok ? err2 : err);
	if (ok)
	{
		check_same(p, p->values, p->again);
		for (i = 0; i < p->target.nslots && i < 256; i++)
			free(json_copy[i]);
	}

	if (mesh_standalone_live_blocks() > base_blocks + 64)
		die("blocks left allocated by one input",
			"the decoder may only grow its scratch areas");
	return 0;
}
