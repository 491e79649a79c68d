/*-------------------------------------------------------------------------
 *
 * core/json.h
 *		  A strict JSON parser (RFC 8259) into a tree
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_JSON_H
#define MESH_CORE_JSON_H

#include "core/core.h"

typedef enum MeshJsonType
{
	MJ_NULL,
	MJ_BOOL,
	MJ_NUMBER,
	MJ_STRING,
	MJ_ARRAY,
	MJ_OBJECT
} MeshJsonType;

typedef struct MeshJson MeshJson;

struct MeshJson
{
	MeshJsonType type;
	bool		boolean;		/* MJ_BOOL */
	/* MJ_NUMBER: text as written; is_integer when it has no fraction or
	 * exponent and fits int64 (then integer holds it) */
	const char *number;
	bool		is_integer;
	int64_t		integer;
	double		real;			/* of a number built by hand (number NULL);
								 * read numbers with mesh_json_real */
	/* MJ_STRING: UTF-8, NUL-terminated, never contains NUL */
	const char *string;
	size_t		string_len;
	/* MJ_ARRAY: items; MJ_OBJECT: keys[i] -> items[i], in input order */
	int			count;
	MeshJson  **items;
	const char **keys;
};

#define MESH_JSON_MAX_DEPTH 64

/*
 * Parse len bytes of JSON.  Returns NULL and fills errbuf ("at byte N:
 * ...") for anything that is not one well-formed JSON value with only
 * white space around it: bad syntax, invalid UTF-8, "\u0000", lone
 * surrogates, nesting deeper than max_depth, duplicate object keys.
 */
extern MeshJson *mesh_json_parse(const char *text, size_t len, int max_depth,
								 char *errbuf, size_t errlen);
/* give a parsed tree back early (its memory context frees it anyway) */
extern void mesh_json_free(MeshJson *json);
/* object member by key, or NULL (also when obj is not an object) */
extern MeshJson *mesh_json_get(const MeshJson *obj, const char *key);
/* the same, looking first at *hint, which it leaves after the member */
extern MeshJson *mesh_json_get_next(const MeshJson *obj, const char *key, int *hint);
/* an MJ_NUMBER's value as a double */
extern double mesh_json_real(const MeshJson *json);
/* the member's string, or NULL when absent or not a string */
extern const char *mesh_json_get_string(const MeshJson *obj, const char *key);
/* the type's name for messages: "null", "boolean", "number", "string"... */
extern const char *mesh_json_type_name(const MeshJson *json);
/* serialize compactly (no white space), keys in stored order */
extern void mesh_json_write(MeshBuf *buf, const MeshJson *json);

#endif							/* MESH_CORE_JSON_H */
