/*-------------------------------------------------------------------------
 *
 * avro_resolve.c
 *		  The Avro specification's schema resolution rules (specification
 *		  1.11, "Schema Resolution"), used by the decoder's compiler
 *		  (avro_compile.c) and by the compatibility check (avro_compat.c),
 *		  so that what the check accepts is what the decoder reads.
 *
 * - Named types (records, enums, fixed) match by unqualified name or by a
 *	 reader alias, fixed also by size.
 * - Promotions: int to long, float or double; long to float or double;
 *	 float to double; string to bytes and bytes to string.  Arrays and maps
 *	 match when their items and values do.
 * - A writer's type goes to the reader union's branch of the same type
 *	 before the first one a promotion reaches (see mesh_avro_pick_branch).
 * - Enum symbols by name, else the reader's enum default.
 * - Record fields by name, else by reader aliases.
 * - Decimals by scale (precision may grow).
 *
 * Rules only: recursion through records and unions, and what to do when a
 * rule fails, belong to the callers.  Every function takes the writer's
 * type first, then the reader's.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_resolve.h"

#include <string.h>

const char *
mesh_avro_short_name(const char *fullname)
{
	const char *dot = strrchr(fullname, '.');

	return dot != NULL ? dot + 1 : fullname;
}

bool
mesh_avro_names_match(const MeshAvroType *w, const MeshAvroType *r)
{
	int			i;

	if (strcmp(w->name, r->name) == 0)
		return true;
	for (i = 0; i < r->naliases; i++)
		if (strcmp(r->aliases[i], w->fullname) == 0 ||
			strcmp(mesh_avro_short_name(r->aliases[i]), w->name) == 0)
			return true;
	return false;
}

bool
mesh_avro_shallow_match(const MeshAvroType *w, const MeshAvroType *r)
{
	if (w->kind == AVRO_UNION || r->kind == AVRO_UNION)
		return true;
	switch (w->kind)
	{
		case AVRO_INT:
			return r->kind == AVRO_INT || r->kind == AVRO_LONG ||
				r->kind == AVRO_FLOAT || r->kind == AVRO_DOUBLE;
		case AVRO_LONG:
			return r->kind == AVRO_LONG || r->kind == AVRO_FLOAT ||
				r->kind == AVRO_DOUBLE;
		case AVRO_FLOAT:
			return r->kind == AVRO_FLOAT || r->kind == AVRO_DOUBLE;
		case AVRO_STRING:
		case AVRO_BYTES:
			return r->kind == AVRO_STRING || r->kind == AVRO_BYTES;
		case AVRO_ARRAY:
			return r->kind == AVRO_ARRAY && mesh_avro_shallow_match(w->items, r->items);
		case AVRO_MAP:
			return r->kind == AVRO_MAP && mesh_avro_shallow_match(w->values, r->values);
		case AVRO_FIXED:
			return r->kind == AVRO_FIXED && w->size == r->size &&
				mesh_avro_names_match(w, r);
		case AVRO_ENUM:
		case AVRO_RECORD:
			return r->kind == w->kind && mesh_avro_names_match(w, r);
		default:
			return r->kind == w->kind;
	}
}

const MeshAvroType *
mesh_avro_pick_branch(const MeshAvroType *w, const MeshAvroType *r)
{
	int			i;

	if (r->kind != AVRO_UNION)
		return mesh_avro_shallow_match(w, r) ? r : NULL;
	if (w->kind == AVRO_RECORD || w->kind == AVRO_ENUM || w->kind == AVRO_FIXED)
		for (i = 0; i < r->nbranches; i++)
			if (r->branches[i]->kind == w->kind &&
				strcmp(r->branches[i]->fullname, w->fullname) == 0 &&
				mesh_avro_shallow_match(w, r->branches[i]))
				return r->branches[i];
	for (i = 0; i < r->nbranches; i++)
		if (r->branches[i]->kind == w->kind &&
			mesh_avro_shallow_match(w, r->branches[i]))
			return r->branches[i];
	for (i = 0; i < r->nbranches; i++)
		if (mesh_avro_shallow_match(w, r->branches[i]))
			return r->branches[i];
	return NULL;
}

bool
mesh_avro_decimals_match(const MeshAvroType *w, const MeshAvroType *r)
{
	return !(w->logical == AVRO_LT_DECIMAL && r->logical == AVRO_LT_DECIMAL &&
			 w->scale != r->scale);
}

int
mesh_avro_enum_symbol(const MeshAvroType *w, const MeshAvroType *r, int symbol)
{
	int			k;

	for (k = 0; k < r->nsymbols; k++)
		if (strcmp(w->symbols[symbol], r->symbols[k]) == 0)
			return k;
	if (r->enum_default != NULL)
		for (k = 0; k < r->nsymbols; k++)
			if (strcmp(r->enum_default, r->symbols[k]) == 0)
				return k;
	return -1;
}

int
mesh_avro_field_index(const MeshAvroType *record, const char *name)
{
	int			i;

	for (i = 0; i < record->nfields; i++)
		if (strcmp(record->fields[i].name, name) == 0)
			return i;
	return -1;
}

int
mesh_avro_match_field(const MeshAvroType *w, const char *name,
					  const char *const *aliases, int naliases)
{
	int			i = mesh_avro_field_index(w, name);
	int			a;

	for (a = 0; i < 0 && a < naliases; a++)
		i = mesh_avro_field_index(w, aliases[a]);
	return i;
}

void
mesh_avro_match_fields(const MeshAvroType *w, const MeshAvroType *r,
					   int *wfor, int *rfor)
{
	int			i;
	int			j;
	int			a;

	for (i = 0; i < w->nfields; i++)
		rfor[i] = -1;
	for (j = 0; j < r->nfields; j++)
	{
		wfor[j] = mesh_avro_field_index(w, r->fields[j].name);
		if (wfor[j] >= 0)
			rfor[wfor[j]] = j;
	}
	for (j = 0; j < r->nfields; j++)
		for (a = 0; wfor[j] < 0 && a < r->fields[j].naliases; a++)
		{
			i = mesh_avro_field_index(w, r->fields[j].aliases[a]);
			if (i >= 0 && rfor[i] < 0)
			{
				wfor[j] = i;
				rfor[i] = j;
			}
		}
}

bool
mesh_avro_field_has_alias(const MeshAvroField *field, const char *name)
{
	int			a;

	for (a = 0; a < field->naliases; a++)
		if (strcmp(field->aliases[a], name) == 0)
			return true;
	return false;
}

int
mesh_avro_field_named(const MeshAvroType *record, const char *name)
{
	int			i = mesh_avro_field_index(record, name);

	if (i >= 0)
		return i;
	for (i = 0; i < record->nfields; i++)
		if (mesh_avro_field_has_alias(&record->fields[i], name))
			return i;
	return -1;
}
