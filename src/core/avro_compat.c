/*-------------------------------------------------------------------------
 *
 * avro_compat.c
 *		  Schema compatibility: can a reader with one Avro schema read
 *		  every datum written with another, by the specification's
 *		  schema-resolution rules?
 *
 * A data product's schemas only ever grow (README, "Publishing data products"): a new
 * schema is appended after a backward compatibility check, so that tables,
 * which read with the newest schema, keep reading every message written
 * under an older one ("new readers can read old data").  This is that
 * check, made on the schemas alone, recursively:
 *
 * - records match by unqualified name or a reader alias; each reader field
 *	 is matched to a writer field by name, else by one of its aliases; a
 *	 reader field the writer lacks needs a default; writer fields the reader
 *	 lacks are skipped; matched fields must resolve in turn;
 * - promotions: int to long, float or double; long to float or double;
 *	 float to double; string to bytes and bytes to string;
 * - enums match by name; a writer symbol the reader lacks needs the reader's
 *	 enum default;
 * - fixed match by name and size; arrays and maps by items and values;
 * - a writer union: each of its branches must resolve against the reader;
 *	 a non-union writer against a reader union: it must resolve to the
 *	 reader branch the decoder reads it into (the same named type by full
 *	 name, else the first of the same type, else the first it can be
 *	 promoted to, as the Java implementation picks);
 * - logical types loosely: decimals of different precision or scale do not
 *	 match (stricter than reading, which only needs the scales to agree: a
 *	 new precision changes the column's type); otherwise the underlying
 *	 types decide.
 *
 * The rules themselves (name matching, promotions, union branches, enum
 * symbols, field matching) are those of avro_resolve.c, which the
 * decoder's compiler follows too; this file walks the two schemas.
 *
 * Recursive schemas are cyclic graphs: a pair of records under examination
 * counts as compatible when met again (the other fields decide).  Errors
 * name the field by its path from the top record: 'field "address.zip" has
 * no default and the old schema lacks it'; array items and map values add
 * "[]".
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/avro_resolve.h"
#include "core/map.h"
#include "core/text.h"

/* Recursion allowed: a hostile schema must not exhaust the stack. */
#define AC_MAX_DEPTH	1000

/* Parts of a path kept for messages; deeper ones show as "..." */
#define AC_PATH_MAX		64

typedef struct Compat
{
	char	   *errbuf;
	size_t		errlen;
	int			depth;
	int			npath;
	const char *path[AC_PATH_MAX];	/* field names, or "[]" */
	MeshMap		seen;			/* (writer, reader) records under
								 * examination or done */
} Compat;

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 */

/* The path of the field being examined: a.b[].c */
static const char *
path_text(const Compat *c, char *buf, size_t buflen)
{
	int			i;

	buf[0] = '\0';
	for (i = 0; i < c->npath && i < AC_PATH_MAX; i++)
	{
		size_t		used = strlen(buf);
		const char *part = c->path[i];

		if (used + strlen(part) + 5 >= buflen)
			break;
		if (i > 0 && strcmp(part, "[]") != 0)
			strcat(buf, ".");
		strcat(buf, part);
	}
	if (i < c->npath && strlen(buf) + 4 <= buflen)
		strcat(buf, "...");
	return buf;
}

static bool cfail(Compat *c, const char *fmt,...)
			__attribute__((format(MESH_PRINTF_ARCHETYPE, 2, 3)));

/*
 * Report why not, prefixed with 'field "path": ' below the top level, and
 * return false.
 */
static bool
cfail(Compat *c, const char *fmt,...)
{
	va_list		ap;
	char		path[512];
	size_t		n = 0;

	if (c->errbuf == NULL || c->errlen == 0)
		return false;
	c->errbuf[0] = '\0';
	if (c->npath > 0)
	{
		snprintf(c->errbuf, c->errlen, "field \"%s\": ",
				 path_text(c, path, sizeof(path)));
		n = strlen(c->errbuf);
	}
	va_start(ap, fmt);
	mesh_text_vformat(c->errbuf, c->errlen, n, fmt, ap);
	va_end(ap);
	return false;
}

/* How messages name a type (mesh_avro_append_label), in buf. */
static const char *
type_label(const MeshAvroType *t, char *buf, size_t buflen)
{
	MeshBuf		label;

	memset(&label, 0, sizeof(label));
	mesh_avro_append_label(&label, t);
	snprintf(buf, buflen, "%s", label.data);
	mesh_free(label.data);
	return buf;
}

static bool
cannot_read(Compat *c, const MeshAvroType *w, const MeshAvroType *r)
{
	char		rl[600];
	char		wl[600];

	return cfail(c, "writer type %s cannot be read as %s",
				 type_label(w, wl, sizeof(wl)), type_label(r, rl, sizeof(rl)));
}

static void
path_push(Compat *c, const char *part)
{
	if (c->npath < AC_PATH_MAX)
		c->path[c->npath] = part;
	c->npath++;
}

/* ------------------------------------------------------------------------
 * Resolution
 * ------------------------------------------------------------------------
 */

static bool can_read(Compat *c, const MeshAvroType *w, const MeshAvroType *r);

static bool
records_read(Compat *c, const MeshAvroType *w, const MeshAvroType *r)
{
	int			i;

	/* met again through a cycle: the fields are being examined already */
	if (mesh_map_get(&c->seen, w, r, 0) != NULL)
		return true;
	mesh_map_put(&c->seen, w, r, 0, (void *) r);
	for (i = 0; i < r->nfields; i++)
	{
		const MeshAvroField *rf = &r->fields[i];
		int			wi = mesh_avro_match_field(w, rf->name, rf->aliases,
											   rf->naliases);
		bool		ok;

		path_push(c, rf->name);
		if (wi >= 0)
			ok = can_read(c, w->fields[wi].type, rf->type);
		else if (rf->default_value == NULL)
		{
			char		path[512];

			/* the path names the field itself: no "field ...: " prefix */
			path_text(c, path, sizeof(path));
			c->npath = 0;
			ok = cfail(c, "field \"%s\" has no default and the old schema lacks it",
					   path);
		}
		else
			ok = true;
		if (!ok)
			return false;
		c->npath--;
	}
	return true;
}

static bool
enums_read(Compat *c, const MeshAvroType *w, const MeshAvroType *r)
{
	int			i;

	for (i = 0; i < w->nsymbols; i++)
		if (mesh_avro_enum_symbol(w, r, i) < 0)
			return cfail(c, "symbol \"%s\" is missing and the enum has no default",
						 w->symbols[i]);
	return true;
}

static bool
can_read(Compat *c, const MeshAvroType *w, const MeshAvroType *r)
{
	bool		ok = true;
	int			i;

	if (c->depth >= AC_MAX_DEPTH)
		return cfail(c, "schemas nest deeper than %d levels", AC_MAX_DEPTH);
	c->depth++;

	if (w->kind == AVRO_UNION)
	{
		/* whichever branch a datum was written with must be readable */
		for (i = 0; i < w->nbranches && ok; i++)
			ok = can_read(c, w->branches[i], r);
	}
	else if (r->kind == AVRO_UNION)
	{
		const MeshAvroType *rb = mesh_avro_pick_branch(w, r);

		ok = rb != NULL ? can_read(c, w, rb) : cannot_read(c, w, r);
	}
	else if ((w->kind == AVRO_ARRAY || w->kind == AVRO_MAP) && r->kind == w->kind)
	{
		/* the items or values decide, and say where */
		path_push(c, "[]");
		ok = w->kind == AVRO_ARRAY ? can_read(c, w->items, r->items)
			: can_read(c, w->values, r->values);
		if (ok)
			c->npath--;
	}
	else if (!mesh_avro_shallow_match(w, r))
		ok = cannot_read(c, w, r);
	else if (!mesh_avro_decimals_match(w, r) ||
			 (r->logical == AVRO_LT_DECIMAL && w->logical == AVRO_LT_DECIMAL &&
			  r->precision != w->precision))
		ok = cannot_read(c, w, r);
	else
	{
		switch (w->kind)
		{
			case AVRO_RECORD:
				ok = records_read(c, w, r);
				break;
			case AVRO_ENUM:
				ok = enums_read(c, w, r);
				break;
			default:
				/* primitives and fixed: the shallow match said it all */
				break;
		}
	}
	c->depth--;
	return ok;
}

bool
mesh_avro_can_read(const MeshAvroType *reader, const MeshAvroType *writer,
				   char *errbuf, size_t errlen)
{
	Compat		c;
	bool		ok;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (reader == NULL || writer == NULL)
	{
		mesh_text_format(errbuf, errlen, "no reader or no writer schema");
		return false;
	}
	memset(&c, 0, sizeof(c));
	c.errbuf = errbuf;
	c.errlen = errlen;
	mesh_map_init(&c.seen, false, 0);
	ok = can_read(&c, writer, reader);
	mesh_map_free(&c.seen);
	return ok;
}
