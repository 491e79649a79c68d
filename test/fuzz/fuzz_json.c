/*-------------------------------------------------------------------------
 *
 * fuzz_json.c
 *		  libFuzzer target of the JSON parser (src/core/json.c).
 *
 * Beyond not crashing under ASan and UBSan: a failure says "at byte N"
 * with N within the input, and what parses serializes (mesh_json_write)
 * into text that parses again and serializes to the same text.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_schema.h"
#include "../unit/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		err[256];
	MeshJson   *j;
	MeshBuf		a;
	MeshBuf		b;
	MeshJson   *j2;
	size_t		at;

	j = mesh_json_parse((const char *) data, size, 0, err, sizeof(err));
	if (j == NULL)
	{
		if (sscanf(err, "at byte %zu: ", &at) != 1 || at > size)
			die("error without a position in the input", err);
		mesh_standalone_reset();
		return 0;
	}
	mesh_buf_init(&a);
	mesh_json_write(&a, j);
	j2 = mesh_json_parse(a.data, a.len, 0, err, sizeof(err));
	if (j2 == NULL)
		die("serialized JSON does not parse", err);
	mesh_buf_init(&b);
	mesh_json_write(&b, j2);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		die("serialization is not stable", b.data);
	mesh_standalone_reset();
	return 0;
}
