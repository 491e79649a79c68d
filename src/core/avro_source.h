/*-------------------------------------------------------------------------
 *
 * core/avro_source.h
 *		  What the encoder reads values through: a tagged view of either a
 *		  MeshAvroValue (a row's column) or a MeshJson (a node of JSON text)
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_AVRO_SOURCE_H
#define MESH_CORE_AVRO_SOURCE_H

#include "core/avro_decode.h"

/*
 * What a value is, as the encoder sees it.  Where a MeshAvroValue and JSON
 * mean the same the kind is shared (null, boolean, items); where they mean
 * something else it is not: text given for a bytes field is the bytes
 * themselves, a JSON string for one is "\x..." hex (as to_jsonb(bytea)
 * shows it); a JSON number keeps its text, for decimals and floats.
 */
typedef enum MeshSrcKind
{
	MESH_SRC_NULL,
	MESH_SRC_BOOLEAN,			/* boolean */
	MESH_SRC_INTEGER,			/* integer, in the unit logical says */
	MESH_SRC_REAL,				/* real */
	MESH_SRC_NUMBER,			/* a JSON number: its text in data (or
								 * NULL), integer when is_integer */
	MESH_SRC_TEXT,				/* text in data/len (a string or enum value) */
	MESH_SRC_STRING,			/* a JSON string in data/len: valid UTF-8 */
	MESH_SRC_BYTES,				/* bytes in data/len */
	MESH_SRC_ITEMS,				/* an array: count items */
	MESH_SRC_OBJECT,			/* a JSON object: count members, keys[] */
	MESH_SRC_JSON_TEXT,			/* JSON text in data/len, to be parsed */
	MESH_SRC_OTHER				/* a value of a kind the encoder takes not */
} MeshSrcKind;

typedef struct MeshSrc
{
	MeshSrcKind kind;
	bool		json;			/* a view of a MeshJson */
	MeshAvroLogical logical;	/* MESH_SRC_INTEGER: its unit */
	bool		boolean;
	bool		is_integer;		/* MESH_SRC_NUMBER: integer holds it */
	int64_t		integer;
	double		real;			/* MESH_SRC_REAL */
	const char *data;
	size_t		len;
	int			count;			/* ITEMS, OBJECT */
	const void *items;			/* MeshAvroValue[] or MeshJson *[] */
	const char *const *keys;	/* OBJECT */
	const MeshJson *node;		/* a view of a MeshJson: the node */
} MeshSrc;

/* A view of a MeshAvroValue (kinds as avro_encode.h's header says). */
extern void mesh_src_from_value(MeshSrc *src, const MeshAvroValue *value);
/* A view of a JSON node. */
extern void mesh_src_from_json(MeshSrc *src, const MeshJson *json);
/* A view of JSON text (data NULL: empty text). */
extern void mesh_src_from_json_text(MeshSrc *src, const char *data, size_t len);
/* A view of item (or member) i of an ITEMS (OBJECT) source. */
extern void mesh_src_item(const MeshSrc *src, int i, MeshSrc *item);
/* A JSON number's value as a double. */
extern double mesh_src_number(const MeshSrc *src);

/*
 * What a source holds, for messages: "an integer value", "a date value",
 * "a JSON number" (definite: "the JSON number").
 */
extern const char *mesh_src_describe(const MeshSrc *src, bool definite,
									 char *buf, size_t buflen);

#endif							/* MESH_CORE_AVRO_SOURCE_H */
