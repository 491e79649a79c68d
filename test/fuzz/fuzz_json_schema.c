/*-------------------------------------------------------------------------
 *
 * fuzz_json_schema.c
 *		  libFuzzer target of JSON Schema compiling and checking
 *		  (src/core/json_schema.c).
 *
 * The input is a schema's text, a zero byte, and a value's JSON text (no
 * zero byte: the whole input is the schema, checked against itself).
 * Beyond not crashing under ASan and UBSan: a schema that does not compile
 * says "invalid JSON Schema: ", and a value it refuses says
 * "JSON Schema: ".
 *
 *-------------------------------------------------------------------------
 */
#include "core/json_schema.h"
#include "../unit/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		err[256];
	const uint8_t *zero = memchr(data, 0, size);
	size_t		schema_len = zero ? (size_t) (zero - data) : size;
	const char *value = zero ? (const char *) zero + 1 : (const char *) data;
	size_t		value_len = zero ? size - schema_len - 1 : size;
	MeshJsonSchema *schema;
	MeshJson   *json;

	schema = mesh_json_schema_compile((const char *) data, schema_len, err, sizeof(err));
	if (schema == NULL)
	{
		if (strncmp(err, "invalid JSON Schema: ", 21) != 0)
			die("a schema refused without the prefix", err);
		mesh_standalone_reset();
		return 0;
	}
	json = mesh_json_parse(value, value_len, 0, err, sizeof(err));
	if (json != NULL && !mesh_json_schema_check(schema, json, NULL, err, sizeof(err)) &&
		strncmp(err, "JSON Schema: ", 13) != 0)
		die("a value refused without the prefix", err);
	mesh_standalone_reset();
	return 0;
}
