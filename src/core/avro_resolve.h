/*-------------------------------------------------------------------------
 *
 * core/avro_resolve.h
 *		  The Avro specification's schema resolution rules, written once
 *		  for the decoder's compiler and the compatibility check
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_AVRO_RESOLVE_H
#define MESH_CORE_AVRO_RESOLVE_H

#include "core/avro_schema.h"

/*
 * Every rule takes the writer's type first, then the reader's: "can what
 * the writer wrote be read as the reader's type?"  (The public
 * mesh_avro_can_read keeps its (reader, writer) order.)
 */

/* The last part of a full name ("b.C" -> "C"). */
extern const char *mesh_avro_short_name(const char *fullname);

/*
 * Named types match by unqualified name, or by one of the reader's aliases
 * (full names: matched in full, or by their last part).
 */
extern bool mesh_avro_names_match(const MeshAvroType *w, const MeshAvroType *r);

/*
 * Whether the writer's type can be read as the reader's, looking no deeper
 * than the names of named types: the same kind, or a promotion (int to
 * long, float or double; long to float or double; float to double; string
 * to bytes and back); fixed also by size; arrays and maps by their items
 * and values.  A union on either side always matches here (its branches
 * are resolved one by one).
 */
extern bool mesh_avro_shallow_match(const MeshAvroType *w, const MeshAvroType *r);

/*
 * The reader's type a writer's (non-union) type is read as: r itself when
 * it is not a union (if it matches at all), else the branch of r it goes
 * to; NULL when there is none.  The specification says "the first schema
 * in the reader's union that matches"; taken literally (as fastavro does),
 * a string would go to the bytes branch of ["bytes", "string"], and an int
 * to the float branch of a ["float", "int"] that is the writer's own union.
 * Like the Java implementation, an exact match comes first: the same named
 * type by full name, then the same type (named types by unqualified name or
 * alias); only then the first branch it is promoted to.
 */
extern const MeshAvroType *mesh_avro_pick_branch(const MeshAvroType *w,
												 const MeshAvroType *r);

/*
 * Decimals that both schemas have must have the same scale (the value is
 * read unscaled); precision may differ.
 */
extern bool mesh_avro_decimals_match(const MeshAvroType *w, const MeshAvroType *r);

/*
 * The reader's symbol (its index in r) that the writer's enum symbol
 * w->symbols[symbol] is read as: the same name, else the reader's enum
 * default; -1 when neither.
 */
extern int	mesh_avro_enum_symbol(const MeshAvroType *w, const MeshAvroType *r,
								  int symbol);

/* The index of a record's field called name, or -1. */
extern int	mesh_avro_field_index(const MeshAvroType *record, const char *name);

/*
 * The writer's field that a reader's field (or a target slot) takes: the
 * one of its name, else the first of its aliases that names one; -1 when
 * none does.
 */
extern int	mesh_avro_match_field(const MeshAvroType *w, const char *name,
								  const char *const *aliases, int naliases);

/*
 * Which writer field each reader field of two records takes, as the
 * decoder resolves nested records: first every field by its name, then the
 * fields left by their aliases, among writer fields no other reader field
 * took.  wfor[] (r->nfields entries) gets the writer field of each reader
 * field, rfor[] (w->nfields) the reader field of each writer field; -1
 * where there is none.
 */
extern void mesh_avro_match_fields(const MeshAvroType *w, const MeshAvroType *r,
								   int *wfor, int *rfor);

/* Whether a field has name among its aliases. */
extern bool mesh_avro_field_has_alias(const MeshAvroField *field, const char *name);

/*
 * The field of a record that a name given for it (a JSON member, say)
 * means: a field of that name, else the first field with it as an alias;
 * -1 when none.
 */
extern int	mesh_avro_field_named(const MeshAvroType *record, const char *name);

#endif							/* MESH_CORE_AVRO_RESOLVE_H */
