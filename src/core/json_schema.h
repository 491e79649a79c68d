/*-------------------------------------------------------------------------
 *
 * core/json_schema.h
 *		  A JSON Schema, compiled, and values checked against it
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_JSON_SCHEMA_H
#define MESH_CORE_JSON_SCHEMA_H

#include "core/core.h"
#include "core/json.h"

/* the "type" keyword's names, as bits of MeshJsonSchema.types */
#define MJS_NULL	0x01
#define MJS_BOOLEAN 0x02
#define MJS_INTEGER 0x04
#define MJS_NUMBER	0x08
#define MJS_STRING	0x10
#define MJS_ARRAY	0x20
#define MJS_OBJECT	0x40

typedef struct MeshJsonSchema MeshJsonSchema;

/*
 * One schema (or subschema).  Only the keywords mesh_fdw checks are kept:
 * type, required, enum, properties (recursively), items, minimum,
 * maximum, exclusiveMinimum, exclusiveMaximum (draft 4's booleans and the
 * later numbers), multipleOf, minLength, maxLength, pattern (checked by a
 * matcher the caller gives: regular expressions are not the core's); format
 * is kept for IMPORT's column types, description for the views.  Other keywords are ignored.
 */
struct MeshJsonSchema
{
	unsigned	types;			/* MJS_* bits; 0: any type */
	const char *format;			/* "date", "date-time", "uuid"..., or NULL */
	const char *description;	/* for mesh.data_product_fields, or NULL */
	int			nproperties;
	const char **names;			/* properties, in the schema's order */
	MeshJsonSchema **properties;
	int			nrequired;
	const char **required;
	MeshJsonSchema *items;		/* one schema for every item, or NULL */
	const MeshJson *enumeration;	/* an array, or NULL */
	bool		has_minimum,
				has_maximum,
				has_xminimum,
				has_xmaximum,
				has_multiple;
	double		minimum,
				maximum,
				xminimum,
				xmaximum,
				multiple;
	int64_t		min_length;		/* in code points; -1: none */
	int64_t		max_length;
	const char *pattern;		/* a regular expression, or NULL */
};

/*
 * Matches a string against a "pattern": 1 when it matches, 0 when not, -1
 * when the pattern cannot be used (then it is not checked).
 */
typedef struct MeshJsonPatterns
{
	int			(*match) (void *arg, const char *pattern, const char *s, size_t len);
	void	   *arg;
} MeshJsonPatterns;

/*
 * Compile JSON Schema text.  NULL and errbuf on anything that is not a
 * schema object with keywords of the right shapes.
 */
extern MeshJsonSchema *mesh_json_schema_compile(const char *text, size_t len,
												char *errbuf, size_t errlen);

/*
 * Check a value.  False and errbuf ("property \"age\": 200 is greater
 * than the maximum 150") on the first violation found.  patterns NULL:
 * "pattern" is not checked.
 */
extern bool mesh_json_schema_check(const MeshJsonSchema *schema, const MeshJson *value,
								   const MeshJsonPatterns *patterns,
								   char *errbuf, size_t errlen);

/* the subschema of a top-level property, or NULL */
extern const MeshJsonSchema *mesh_json_schema_property(const MeshJsonSchema *schema,
													   const char *name);

#endif							/* MESH_CORE_JSON_SCHEMA_H */
