/*-------------------------------------------------------------------------
 *
 * avro_compat.c
 *		  Schema compatibility: can a reader with one Avro schema read
 *		  every datum written with another, by the specification's
 *		  schema-resolution rules?
 *
 * A data product's schemas only ever grow (design.md, "Publishing"): a new
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
 *	 reader branch it would be read into (the first of the same type, else
 *	 the first it can be promoted to, as the Java implementation picks);
 * - logical types loosely: decimals of different precision or scale do not
 *	 match; otherwise the underlying types decide.
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

#ifdef PG_PRINTF_ATTRIBUTE
#define AC_PRINTF_ARCHETYPE PG_PRINTF_ATTRIBUTE
#else
#define AC_PRINTF_ARCHETYPE printf
#endif

/* Recursion allowed: a hostile schema must not exhaust the stack. */
#define AC_MAX_DEPTH	1000

/* Parts of a path kept for messages; deeper ones show as "..." */
#define AC_PATH_MAX		64

/* A (reader, writer) pair of records under examination or done. */
typedef struct SeenPair
{
	const MeshAvroType *r;
	const MeshAvroType *w;
} SeenPair;

typedef struct Compat
{
	char	   *errbuf;
	size_t		errlen;
	int			depth;
	int			npath;
	const char *path[AC_PATH_MAX];	/* field names, or "[]" */
	SeenPair   *seen;			/* open addressing, a power of 2 */
	size_t		seen_cap;
	size_t		nseen;
} Compat;

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 */

/* Drop a character cut in half at the end of a truncated message. */
static void
clip_utf8(char *buf)
{
	size_t		used = strlen(buf);
	size_t		start = used;
	size_t		need;
	unsigned char c;

	while (start > 0 && ((unsigned char) buf[start - 1] & 0xC0) == 0x80)
		start--;
	if (start == 0)
		return;
	c = (unsigned char) buf[start - 1];
	if (c < 0x80)
		return;
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (used - (start - 1) < need)
		buf[start - 1] = '\0';
}

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
			__attribute__((format(AC_PRINTF_ARCHETYPE, 2, 3)));

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
	if (n < c->errlen)
	{
		va_start(ap, fmt);
		vsnprintf(c->errbuf + n, c->errlen - n, fmt, ap);
		va_end(ap);
	}
	clip_utf8(c->errbuf);
	return false;
}

/* How messages name a type: "int", "decimal(10,2)", 'record "a.B"'. */
static const char *
type_label(const MeshAvroType *t, char *buf, size_t buflen)
{
	switch (t->logical)
	{
		case AVRO_LT_DECIMAL:
			snprintf(buf, buflen, "decimal(%d,%d)", t->precision, t->scale);
			return buf;
		case AVRO_LT_UUID:
			return "uuid";
		case AVRO_LT_DATE:
			return "date";
		case AVRO_LT_TIME_MILLIS:
			return "time-millis";
		case AVRO_LT_TIME_MICROS:
			return "time-micros";
		case AVRO_LT_TIMESTAMP_MILLIS:
			return "timestamp-millis";
		case AVRO_LT_TIMESTAMP_MICROS:
			return "timestamp-micros";
		case AVRO_LT_LOCAL_TIMESTAMP_MILLIS:
			return "local-timestamp-millis";
		case AVRO_LT_LOCAL_TIMESTAMP_MICROS:
			return "local-timestamp-micros";
		default:
			break;
	}
	switch (t->kind)
	{
		case AVRO_RECORD:
		case AVRO_ENUM:
			snprintf(buf, buflen, "%s \"%s\"", mesh_avro_kind_name(t->kind),
					 t->fullname);
			return buf;
		case AVRO_FIXED:
			snprintf(buf, buflen, "fixed \"%s\" of %d bytes", t->fullname, t->size);
			return buf;
		case AVRO_UNION:
			{
				size_t		used;
				int			i;

				snprintf(buf, buflen, "union [");
				for (i = 0; i < t->nbranches; i++)
				{
					char		b[300];

					used = strlen(buf);
					if (used + 8 >= buflen)
						break;
					snprintf(buf + used, buflen - used, "%s%s", i > 0 ? ", " : "",
							 type_label(t->branches[i], b, sizeof(b)));
				}
				used = strlen(buf);
				if (used + 2 <= buflen)
					strcat(buf, "]");
				return buf;
			}
		default:
			return mesh_avro_kind_name(t->kind);
	}
}

static bool
cannot_read(Compat *c, const MeshAvroType *r, const MeshAvroType *w)
{
	char		rl[600];
	char		wl[600];

	return cfail(c, "writer type %s cannot be read as %s",
				 type_label(w, wl, sizeof(wl)), type_label(r, rl, sizeof(rl)));
}

/* ------------------------------------------------------------------------
 * Matching
 * ------------------------------------------------------------------------
 */

static const char *
short_name(const char *fullname)
{
	const char *dot = strrchr(fullname, '.');

	return dot != NULL ? dot + 1 : fullname;
}

/*
 * Named types match by unqualified name, or by one of the reader's aliases
 * (full names: matched in full, or by their last part), as the decoder
 * matches them.
 */
static bool
names_match(const MeshAvroType *r, const MeshAvroType *w)
{
	int			i;

	if (strcmp(w->name, r->name) == 0)
		return true;
	for (i = 0; i < r->naliases; i++)
		if (strcmp(r->aliases[i], w->fullname) == 0 ||
			strcmp(short_name(r->aliases[i]), w->name) == 0)
			return true;
	return false;
}

/* The same type, looking no deeper than names: no promotion needed. */
static bool
same_type(const MeshAvroType *r, const MeshAvroType *w)
{
	if (r->kind != w->kind)
		return false;
	switch (w->kind)
	{
		case AVRO_ARRAY:
			return same_type(r->items, w->items);
		case AVRO_MAP:
			return same_type(r->values, w->values);
		case AVRO_FIXED:
			return w->size == r->size && names_match(r, w);
		case AVRO_ENUM:
		case AVRO_RECORD:
			return names_match(r, w);
		default:
			return true;
	}
}

/*
 * Whether the writer's type can be read as the reader's by the
 * specification's rules, looking no deeper than the names of named types.
 */
static bool
shallow_match(const MeshAvroType *r, const MeshAvroType *w)
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
			return r->kind == AVRO_ARRAY && shallow_match(r->items, w->items);
		case AVRO_MAP:
			return r->kind == AVRO_MAP && shallow_match(r->values, w->values);
		case AVRO_FIXED:
			return r->kind == AVRO_FIXED && w->size == r->size && names_match(r, w);
		case AVRO_ENUM:
		case AVRO_RECORD:
			return r->kind == w->kind && names_match(r, w);
		default:
			return r->kind == w->kind;
	}
}

/* The branch of a reader's union a non-union writer's type is read into. */
static const MeshAvroType *
pick_branch(const MeshAvroType *r, const MeshAvroType *w)
{
	int			i;

	for (i = 0; i < r->nbranches; i++)
		if (same_type(r->branches[i], w))
			return r->branches[i];
	for (i = 0; i < r->nbranches; i++)
		if (shallow_match(r->branches[i], w))
			return r->branches[i];
	return NULL;
}

static size_t
pair_hash(const MeshAvroType *r, const MeshAvroType *w)
{
	uint64_t	h = (uint64_t) (uintptr_t) r * UINT64_C(0x9E3779B97F4A7C15);

	h ^= (uint64_t) (uintptr_t) w * UINT64_C(0xC2B2AE3D27D4EB4F);
	return (size_t) (h ^ (h >> 29));
}

/* Add the pair; false if it was there already. */
static bool
seen_add(Compat *c, const MeshAvroType *r, const MeshAvroType *w)
{
	size_t		h;

	if (2 * (c->nseen + 1) > c->seen_cap)
	{
		SeenPair   *old = c->seen;
		size_t		oldcap = c->seen_cap;
		size_t		i;

		c->seen_cap = oldcap > 0 ? oldcap * 2 : 32;
		c->seen = mesh_alloc(c->seen_cap * sizeof(SeenPair));
		for (i = 0; i < oldcap; i++)
		{
			if (old[i].r == NULL)
				continue;
			h = pair_hash(old[i].r, old[i].w) & (c->seen_cap - 1);
			while (c->seen[h].r != NULL)
				h = (h + 1) & (c->seen_cap - 1);
			c->seen[h] = old[i];
		}
		mesh_free(old);
	}
	h = pair_hash(r, w) & (c->seen_cap - 1);
	while (c->seen[h].r != NULL)
	{
		if (c->seen[h].r == r && c->seen[h].w == w)
			return false;
		h = (h + 1) & (c->seen_cap - 1);
	}
	c->seen[h].r = r;
	c->seen[h].w = w;
	c->nseen++;
	return true;
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

static bool can_read(Compat *c, const MeshAvroType *r, const MeshAvroType *w);

/* The writer's field a reader field takes: by name, else by its aliases. */
static int
writer_field(const MeshAvroType *w, const MeshAvroField *rf)
{
	int			i;
	int			a;

	for (i = 0; i < w->nfields; i++)
		if (strcmp(w->fields[i].name, rf->name) == 0)
			return i;
	for (a = 0; a < rf->naliases; a++)
		for (i = 0; i < w->nfields; i++)
			if (strcmp(w->fields[i].name, rf->aliases[a]) == 0)
				return i;
	return -1;
}

static bool
records_read(Compat *c, const MeshAvroType *r, const MeshAvroType *w)
{
	int			i;

	/* met again through a cycle: the fields are being examined already */
	if (!seen_add(c, r, w))
		return true;
	for (i = 0; i < r->nfields; i++)
	{
		const MeshAvroField *rf = &r->fields[i];
		int			wi = writer_field(w, rf);
		bool		ok;

		path_push(c, rf->name);
		if (wi >= 0)
			ok = can_read(c, rf->type, w->fields[wi].type);
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
enums_read(Compat *c, const MeshAvroType *r, const MeshAvroType *w)
{
	int			i;
	int			k;

	if (r->enum_default != NULL)
		return true;
	for (i = 0; i < w->nsymbols; i++)
	{
		for (k = 0; k < r->nsymbols; k++)
			if (strcmp(w->symbols[i], r->symbols[k]) == 0)
				break;
		if (k == r->nsymbols)
			return cfail(c, "symbol \"%s\" is missing and the enum has no default",
						 w->symbols[i]);
	}
	return true;
}

static bool
can_read(Compat *c, const MeshAvroType *r, const MeshAvroType *w)
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
			ok = can_read(c, r, w->branches[i]);
	}
	else if (r->kind == AVRO_UNION)
	{
		const MeshAvroType *rb = pick_branch(r, w);

		ok = rb != NULL ? can_read(c, rb, w) : cannot_read(c, r, w);
	}
	else if ((w->kind == AVRO_ARRAY || w->kind == AVRO_MAP) && r->kind == w->kind)
	{
		/* the items or values decide, and say where */
		path_push(c, "[]");
		ok = w->kind == AVRO_ARRAY ? can_read(c, r->items, w->items)
			: can_read(c, r->values, w->values);
		if (ok)
			c->npath--;
	}
	else if (!shallow_match(r, w))
		ok = cannot_read(c, r, w);
	else if (r->logical == AVRO_LT_DECIMAL && w->logical == AVRO_LT_DECIMAL &&
			 (r->precision != w->precision || r->scale != w->scale))
		ok = cannot_read(c, r, w);
	else
	{
		switch (w->kind)
		{
			case AVRO_RECORD:
				ok = records_read(c, r, w);
				break;
			case AVRO_ENUM:
				ok = enums_read(c, r, w);
				break;
			default:
				/* primitives and fixed: shallow_match said it all */
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
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "no reader or no writer schema");
		return false;
	}
	memset(&c, 0, sizeof(c));
	c.errbuf = errbuf;
	c.errlen = errlen;
	ok = can_read(&c, reader, writer);
	mesh_free(c.seen);
	return ok;
}
