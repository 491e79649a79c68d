/*-------------------------------------------------------------------------
 *
 * fuzz_avro_schema.c
 *		  libFuzzer target of Avro schemas (src/core/avro_schema.c) and of
 *		  compiling decoders for them (src/core/avro_compile.c).
 *
 * An input is a schema, optionally followed by a NUL byte (which JSON
 * cannot hold) and a datum.  Beyond not crashing under ASan and UBSan:
 * the Parsing Canonical Form of a schema that parses is itself a schema,
 * whose canonical form is the same text (and so has the same fingerprint);
 * and a record schema compiles into decoders (as is, as JSON and as
 * scalars, unneeded, and against its canonical form as the reader) that
 * decode the datum (or, without one, a few fixed ones and their prefixes),
 * whose JSON renderings must parse.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_decode.h"
#include "../unit/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_json(const MeshAvroTarget *target, const MeshAvroValue *values)
{
	char		err[256];
	int			i;

	for (i = 0; i < target->nslots; i++)
		if (target->slots[i].needed && target->slots[i].shape == MESH_SHAPE_JSON &&
			mesh_json_parse(values[i].data, values[i].len, 1000, err, sizeof(err)) == NULL)
		{
			fprintf(stderr, "%.*s\n", (int) (values[i].len > 2000 ? 2000 : values[i].len),
					values[i].data);
			die("a JSON rendering does not parse", err);
		}
}

static void
try_decoders(const MeshAvroType *writer, const MeshAvroType *reader,
			 const uint8_t *datum, size_t datum_len, bool has_datum)
{
	static const uint8_t datums[][16] = {
		{0},
		{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2},
		{1, 0, 3, 'a', 'b', 'c', 2, 0, 0, 1, 1, 0x80, 1, 4, 0, 0},
	};
	const MeshAvroType *r = reader != NULL ? reader : writer;
	MeshAvroTarget target;
	MeshAvroValue *values;
	char		err[512];
	int			shape;
	int			i;
	int			k;

	if (writer->kind != AVRO_RECORD || r->kind != AVRO_RECORD)
		return;
	target.nslots = r->nfields;
	target.slots = mesh_alloc((r->nfields + 1) * sizeof(MeshAvroSlot));
	values = mesh_alloc((r->nfields + 1) * sizeof(MeshAvroValue));
	for (shape = 0; shape < 3; shape++)
	{
		MeshAvroProgram *p;

		for (i = 0; i < r->nfields; i++)
		{
			MeshAvroSlot *s = &target.slots[i];

			s->name = r->fields[i].name;
			s->reader_type = reader != NULL ? r->fields[i].type : NULL;
			s->aliases = r->fields[i].aliases;
			s->naliases = r->fields[i].naliases;
			s->default_value = reader != NULL ? r->fields[i].default_value : NULL;
			s->needed = shape != 2;
			s->shape = shape == 0 ? MESH_SHAPE_JSON : MESH_SHAPE_SCALAR;
		}
		p = mesh_avro_compile(writer, &target, err, sizeof(err));
		if (p == NULL)
			continue;			/* e.g. a record field as a scalar */
		if (has_datum)
		{
			uint8_t    *copy = malloc(datum_len > 0 ? datum_len : 1);

			/* an exact-size copy, so that ASan sees any overread */
			memcpy(copy, datum, datum_len);
			if (mesh_avro_decode(p, copy, datum_len, values, err, sizeof(err)))
				check_json(&target, values);
			free(copy);
			continue;
		}
		for (k = 0; k < (int) (sizeof(datums) / sizeof(datums[0])); k++)
		{
			size_t		len;

			for (len = 0; len <= sizeof(datums[k]); len += 5)
				if (mesh_avro_decode(p, datums[k], len, values, err, sizeof(err)))
					check_json(&target, values);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		err[512];
	MeshAvroType *t;
	MeshAvroType *t2;
	char	   *cf;
	char	   *cf2;
	int			flags;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t		schema_len = nul != NULL ? (size_t) (nul - data) : size;
	const uint8_t *datum = nul != NULL ? nul + 1 : NULL;
	size_t		datum_len = nul != NULL ? size - schema_len - 1 : 0;

	for (flags = 0; flags <= MESH_AVRO_LAX_DEFAULTS; flags += MESH_AVRO_LAX_DEFAULTS)
	{
		t = mesh_avro_parse_ext((const char *) data, schema_len, flags, err, sizeof(err));
		if (t == NULL)
			continue;
		cf = mesh_avro_canonical_form(t);
		t2 = mesh_avro_parse(cf, strlen(cf), err, sizeof(err));
		if (t2 == NULL)
		{
			fprintf(stderr, "%s\n", cf);
			die("the canonical form does not parse", err);
		}
		cf2 = mesh_avro_canonical_form(t2);
		if (strcmp(cf, cf2) != 0)
		{
			fprintf(stderr, "%s\n%s\n", cf, cf2);
			die("the canonical form is not stable", "");
		}
		if (mesh_avro_fingerprint(cf, strlen(cf)) != mesh_avro_fingerprint(cf2, strlen(cf2)))
			die("fingerprints differ", cf);
		try_decoders(t, NULL, datum, datum_len, nul != NULL);
		try_decoders(t, t2, datum, datum_len, nul != NULL);
	}
	mesh_standalone_reset();
	return 0;
}
