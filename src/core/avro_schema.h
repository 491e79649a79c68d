/*-------------------------------------------------------------------------
 *
 * core/avro_schema.h
 *		  Avro schemas: parsing and validation (with core/avro_canonical.h:
 *		  Parsing Canonical Form, fingerprints)
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_AVRO_SCHEMA_H
#define MESH_CORE_AVRO_SCHEMA_H

#include "core/json.h"

typedef enum MeshAvroKind
{
	AVRO_NULL,
	AVRO_BOOLEAN,
	AVRO_INT,
	AVRO_LONG,
	AVRO_FLOAT,
	AVRO_DOUBLE,
	AVRO_BYTES,
	AVRO_STRING,
	AVRO_RECORD,
	AVRO_ENUM,
	AVRO_ARRAY,
	AVRO_MAP,
	AVRO_UNION,
	AVRO_FIXED
} MeshAvroKind;

/* Logical types the spec defines; an invalid one leaves AVRO_LT_NONE. */
typedef enum MeshAvroLogical
{
	AVRO_LT_NONE,
	AVRO_LT_DECIMAL,			/* bytes or fixed; precision, scale */
	AVRO_LT_UUID,				/* string */
	AVRO_LT_DATE,				/* int */
	AVRO_LT_TIME_MILLIS,		/* int */
	AVRO_LT_TIME_MICROS,		/* long */
	AVRO_LT_TIMESTAMP_MILLIS,	/* long */
	AVRO_LT_TIMESTAMP_MICROS,	/* long */
	AVRO_LT_LOCAL_TIMESTAMP_MILLIS, /* long */
	AVRO_LT_LOCAL_TIMESTAMP_MICROS, /* long */
	AVRO_LT_DURATION			/* fixed(12) */
} MeshAvroLogical;

typedef struct MeshAvroType MeshAvroType;

typedef struct MeshAvroField
{
	const char *name;
	MeshAvroType *type;
	const char *doc;			/* or NULL */
	const char **aliases;
	int			naliases;
	const MeshJson *default_value;	/* NULL when the field has none */
} MeshAvroField;

struct MeshAvroType
{
	MeshAvroKind kind;
	MeshAvroLogical logical;
	int			precision;		/* decimal */
	int			scale;			/* decimal */
	/* named types (record, enum, fixed) */
	const char *name;			/* short name */
	const char *fullname;		/* namespace.name */
	const char *doc;
	const char **aliases;		/* as full names */
	int			naliases;
	/* record */
	MeshAvroField *fields;
	int			nfields;
	/* enum */
	const char **symbols;
	int			nsymbols;
	const char *enum_default;	/* or NULL */
	/* array: items; map: values */
	MeshAvroType *items;
	MeshAvroType *values;
	/* union */
	MeshAvroType **branches;
	int			nbranches;
	/* fixed */
	int			size;
};

/*
 * Parse and validate an Avro schema given as JSON text.  Returns NULL and
 * fills errbuf with where and why it is invalid (e.g. 'field "amount" of
 * record "trade": unknown type "decimall"').  References to named types
 * point at the one definition, so recursive schemas are cyclic graphs.
 */
extern MeshAvroType *mesh_avro_parse(const char *json, size_t len,
									 char *errbuf, size_t errlen);
/* The type's name as Avro writes it ("int", "record", or a full name). */
extern const char *mesh_avro_kind_name(MeshAvroKind kind);
/* A logical type's name as Avro writes it ("timestamp-millis"), or NULL. */
extern const char *mesh_avro_logical_name(MeshAvroLogical logical);

/*
 * Append how messages name a type: "int", "decimal(10,2)", "uuid",
 * 'record "a.B"', 'fixed "a.F" of 16 bytes', "union [null, string]".
 */
extern void mesh_avro_append_label(MeshBuf *buf, const MeshAvroType *type);

/*
 * The bytes of a bytes or fixed value given in a schema's JSON (a field
 * default: a string whose code points U+0000..U+00FF are one byte each)
 * into out (room for json->string_len bytes; NULL only counts them).
 * Returns their number, or -1 when a code point is above U+00FF.
 */
extern int64_t mesh_avro_json_bytes(const MeshJson *json, char *out);
/* The same bytes in a new block (mesh_alloc), *n of them; NULL for -1. */
extern char *mesh_avro_json_bytes_dup(const MeshJson *json, int64_t *n);

/*
 * mesh_avro_parse with flags.  MESH_AVRO_LAX_DEFAULTS: a field default that
 * does not match the field's type is dropped (default_value NULL) instead
 * of making the schema invalid, for schemas written by tools that never
 * checked their defaults (one of the Avro project's own canonical-form test
 * schemas has a boolean field defaulting to "true").
 */
#define MESH_AVRO_LAX_DEFAULTS	0x01
extern MeshAvroType *mesh_avro_parse_ext(const char *json, size_t len,
										 int flags,
										 char *errbuf, size_t errlen);

/* Parsing Canonical Form and fingerprints */
#include "core/avro_canonical.h"

#endif							/* MESH_CORE_AVRO_SCHEMA_H */
