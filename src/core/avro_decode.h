/*-------------------------------------------------------------------------
 *
 * core/avro_decode.h
 *		  Bounds-checked Avro binary decoding with schema resolution
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_AVRO_DECODE_H
#define MESH_CORE_AVRO_DECODE_H

#include "core/avro_schema.h"

/*
 * A target is what the reader wants out of each record: a list of slots,
 * one per top-level field it may need, each with the field's name, the
 * reader's type for it (from the reader schema; NULL when there is none,
 * e.g. a table on a raw topic), aliases, its default, and the shape the
 * caller wants the value in.  mesh_avro_compile resolves a writer schema
 * against a target by the Avro specification's rules (fields matched by
 * name or reader alias, reader fields the writer lacks take their default,
 * writer fields the reader lacks are skipped, int->long->float->double and
 * string<->bytes promotions, enum symbols by name with the reader's enum
 * default, unions branch by branch) into a program that the decoder runs
 * over each message.  Errors in resolution that do not depend on the data
 * (a reader field without default that the writer lacks, types that can
 * never match) fail the compile; errors that depend on the data (a union
 * branch or enum symbol the reader cannot take) fail only the messages
 * that hit them.
 */

/* How the caller wants a slot's value. */
typedef enum MeshAvroShape
{
	MESH_SHAPE_SCALAR,			/* one primitive (after union resolution) */
	MESH_SHAPE_ARRAY,			/* an array of primitives: items[] */
	MESH_SHAPE_JSON				/* anything, as JSON text (README, "Reading data products") */
} MeshAvroShape;

typedef struct MeshAvroSlot
{
	const char *name;			/* top-level field name */
	const MeshAvroType *reader_type;	/* or NULL: take the writer's as is */
	const char **aliases;		/* reader aliases of the field */
	int			naliases;
	const MeshJson *default_value;	/* reader default, or NULL */
	MeshAvroShape shape;
	bool		needed;			/* false: validate the bytes, keep nothing */
} MeshAvroSlot;

typedef struct MeshAvroTarget
{
	int			nslots;
	MeshAvroSlot *slots;
} MeshAvroTarget;

/* A decoded value of one slot (or one array item). */
typedef struct MeshAvroValue
{
	bool		present;		/* false: the slot was not decoded (not needed) */
	bool		is_null;		/* Avro null (e.g. the null branch of a union) */
	MeshAvroKind kind;			/* type of the value as resolved for the reader */
	MeshAvroLogical logical;	/* with precision/scale for decimals */
	int			precision;
	int			scale;
	bool		boolean;		/* AVRO_BOOLEAN */
	int64_t		integer;		/* AVRO_INT, AVRO_LONG; enum: symbol index */
	double		real;			/* AVRO_FLOAT, AVRO_DOUBLE */
	const char *data;			/* AVRO_STRING, AVRO_BYTES, AVRO_FIXED, enum
								 * symbol, MESH_SHAPE_JSON text: points into
								 * the message, the schema or the scratch
								 * buffer, valid until the next decode */
	size_t		len;
	int			nitems;			/* MESH_SHAPE_ARRAY */
	struct MeshAvroValue *items;
} MeshAvroValue;

typedef struct MeshAvroProgram MeshAvroProgram;

/* Limits against hostile data: nesting depth, items per array or map. */
#define MESH_AVRO_MAX_DEPTH 64

extern MeshAvroProgram *mesh_avro_compile(const MeshAvroType *writer,
										  const MeshAvroTarget *target,
										  char *errbuf, size_t errlen);
/*
 * Decode one Avro binary datum (no framing) of len bytes into values[]
 * (target->nslots entries).  False, with errbuf saying what and at which
 * byte, when the bytes do not decode: truncated, a length or count beyond
 * the data, a union index or enum symbol out of range, an unresolvable
 * branch, invalid UTF-8 in a string, nesting beyond MESH_AVRO_MAX_DEPTH,
 * or bytes left over.  Never reads outside data[0..len), never allocates
 * more than a small multiple of len.
 */
extern bool mesh_avro_decode(MeshAvroProgram *program, const uint8_t *data,
							 size_t len, MeshAvroValue *values,
							 char *errbuf, size_t errlen);
/*
 * What else a caller may rely on (avro_decode.c's header says why):
 * - values[] point into the message, the schemas and the program's scratch
 *   areas (which live in the memory context current at compile time): valid
 *   while the message lives and until the program's next decode.  After a
 *   failure they are partly filled: ignore them.
 * - A slot that is not needed is still resolved when compiling, so that a
 *   writer schema compiles or not whatever columns a query reads, but its
 *   bytes are only validated as the writer wrote them: strings for bounds
 *   only, no enum or union resolution.
 * - A slot the writer lacks takes its default; without a reader type, null.
 * - MESH_SHAPE_JSON: the text is NUL-terminated; a null value also sets
 *   is_null; kind is the reader type's (a union's stays AVRO_UNION).
 * - Dates, times and timestamps out of PostgreSQL's range and invalid
 *   uuids fail the message, as do (when rendered as JSON) decimals with
 *   more digits than their precision.  The reader's logical type applies;
 *   timestamps and times convert between millis and micros when both
 *   schemas have one.
 */
/*
 * Render a default value (a MeshJson, as the schema gives it) as the
 * MeshAvroValue the decoder would produce for type in the given shape.
 */
extern bool mesh_avro_default_value(const MeshAvroType *type,
									const MeshJson *json, MeshAvroShape shape,
									MeshAvroValue *value,
									char *errbuf, size_t errlen);
/*
 * Append the text of a decimal (a MESH_SHAPE_SCALAR value of logical type
 * AVRO_LT_DECIMAL: data/len hold the two's-complement big-endian unscaled
 * value) with exactly scale fraction digits, as numeric_in reads it.  False
 * when it has more digits than precision (or than numeric's 1000).
 */
extern bool mesh_avro_decimal_text(const char *data, size_t len,
								   int precision, int scale, MeshBuf *buf,
								   char *errbuf, size_t errlen);

#endif							/* MESH_CORE_AVRO_DECODE_H */
