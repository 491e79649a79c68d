/*-------------------------------------------------------------------------
 *
 * avro_schema.c
 *		  Avro schemas (specification 1.11): parsing and validation,
 *		  Parsing Canonical Form, and the CRC-64-AVRO fingerprint.
 *
 * Schemas reach us from the catalog topic and from schema registries, and
 * every message is decoded with one, so a schema is checked here as fully
 * as the specification allows before anything relies on it: names and
 * namespaces, duplicate definitions, union rules, logical types and field
 * defaults.  Errors say where: 'field "amount" of record "trade": unknown
 * type "decimall"'.
 *
 * A reference to a named type points at its one definition, so recursive
 * schemas are cyclic graphs; everything that walks a schema (the canonical
 * form, default validation) stops at a named type it has already seen.
 * Names, docs, symbols and defaults point into the parsed JSON tree, which
 * lives as long as the schema.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef PG_PRINTF_ATTRIBUTE
#define AV_PRINTF_ARCHETYPE PG_PRINTF_ATTRIBUTE
#else
#define AV_PRINTF_ARCHETYPE printf
#endif

/*
 * JSON nesting allowed in a schema text.  A nested record costs three
 * levels (record object, "fields" array, field object), so this allows
 * records some 40 deep.  Parsing recursion follows the JSON, so this also
 * bounds the stack used.
 */
#define AVRO_SCHEMA_MAX_DEPTH 128

/*
 * How many record defaults a default may pull in through omitted members
 * (each taking the member's field default) before we give up on it.
 */
#define AVRO_DEFAULT_CHAIN_MAX 256

static const char *const kind_names[] = {
	"null", "boolean", "int", "long", "float", "double", "bytes", "string",
	"record", "enum", "array", "map", "union", "fixed"
};

/* Keys of unnamed union branches: no full name starts with a dot. */
static const char *const unnamed_keys[] = {
	".null", ".boolean", ".int", ".long", ".float", ".double", ".bytes",
	".string", ".record", ".enum", ".array", ".map", ".union", ".fixed"
};

/* Where a field's default stands in its validation (see validate_field_default). */
typedef enum DefaultState
{
	DEFAULT_UNCHECKED = 0,
	DEFAULT_CHECKING,
	DEFAULT_VALID,
	DEFAULT_INVALID
} DefaultState;

/* A defined named type, in the parser's open-addressing table. */
typedef struct NamedEntry
{
	const char *fullname;		/* NULL: empty slot */
	MeshAvroType *type;
	unsigned char *field_state; /* records: a DefaultState per field */
} NamedEntry;

typedef struct PendingDefault
{
	MeshAvroType *record;
	int			field;
} PendingDefault;

typedef struct AvroParser
{
	char	   *errbuf;
	size_t		errlen;
	bool		failed;
	int			flags;

	NamedEntry *names;
	size_t		names_cap;		/* a power of 2 */
	size_t		nnames;

	/* where we are, for error messages */
	const MeshAvroType *ctx_type;	/* innermost named type being defined */
	const char *ctx_field;		/* its field being parsed, or NULL */

	/*
	 * Fields with defaults, checked once the whole schema is known (a
	 * default may hold a value of a record still being defined).
	 */
	PendingDefault *pending;
	size_t		npending;
	size_t		pending_cap;
	int			chain;			/* depth of validate_field_default */
	char		why[256];		/* why the last default was invalid */
} AvroParser;

static MeshAvroType *parse_schema(AvroParser *p, const MeshJson *j,
								  const char *ns);
static bool validate_value(AvroParser *p, const MeshAvroType *t,
						   const MeshJson *v);
static void av_error(AvroParser *p, const char *fmt,...)
			__attribute__((format(AV_PRINTF_ARCHETYPE, 2, 3)));
static void av_why(AvroParser *p, const char *fmt,...)
			__attribute__((format(AV_PRINTF_ARCHETYPE, 2, 3)));

const char *
mesh_avro_kind_name(MeshAvroKind kind)
{
	if ((int) kind < 0 || (int) kind > (int) AVRO_FIXED)
		return "unknown";
	return kind_names[kind];
}

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

/* Record the first error, prefixed with where it is. */
static void
av_error(AvroParser *p, const char *fmt,...)
{
	va_list		ap;
	int			n;

	if (p->failed)
		return;
	p->failed = true;
	if (p->errbuf == NULL || p->errlen == 0)
		return;
	if (p->ctx_type != NULL && p->ctx_field != NULL)
		n = snprintf(p->errbuf, p->errlen, "field \"%s\" of record \"%s\": ",
					 p->ctx_field, p->ctx_type->fullname);
	else if (p->ctx_type != NULL)
		n = snprintf(p->errbuf, p->errlen, "%s \"%s\": ",
					 kind_names[p->ctx_type->kind], p->ctx_type->fullname);
	else
		n = snprintf(p->errbuf, p->errlen, "at top level: ");
	if (n >= 0 && (size_t) n < p->errlen)
	{
		va_start(ap, fmt);
		vsnprintf(p->errbuf + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	clip_utf8(p->errbuf);
}

/* Say why a default does not match its type (reported by the caller). */
static void
av_why(AvroParser *p, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	clip_utf8(p->why);
}

static const char *
json_type_name(const MeshJson *j)
{
	switch (j->type)
	{
		case MJ_NULL:
			return "null";
		case MJ_BOOL:
			return "boolean";
		case MJ_NUMBER:
			return "number";
		case MJ_STRING:
			return "string";
		case MJ_ARRAY:
			return "array";
		case MJ_OBJECT:
			return "object";
	}
	return "?";
}

/* ------------------------------------------------------------------------
 * Names
 * ------------------------------------------------------------------------
 */

/* [A-Za-z_][A-Za-z0-9_]*, len bytes of s */
static bool
valid_name(const char *s, size_t len)
{
	size_t		i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
			  (i > 0 && c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* names joined by dots; the empty string only where allow_empty */
static bool
valid_dotted_name(const char *s, bool allow_empty)
{
	const char *start = s;

	if (*s == '\0')
		return allow_empty;
	for (;;)
	{
		const char *dot = strchr(start, '.');
		size_t		len = dot != NULL ? (size_t) (dot - start) : strlen(start);

		if (!valid_name(start, len))
			return false;
		if (dot == NULL)
			return true;
		start = dot + 1;
	}
}

static int
primitive_kind(const char *name)
{
	int			k;

	for (k = AVRO_NULL; k <= AVRO_STRING; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	return -1;
}

static char *
join_name(const char *ns, const char *name)
{
	size_t		nslen = strlen(ns);
	size_t		namelen = strlen(name);
	char	   *full;

	if (nslen == 0)
		return mesh_strndup(name, namelen);
	full = mesh_alloc(nslen + 1 + namelen + 1);
	memcpy(full, ns, nslen);
	full[nslen] = '.';
	memcpy(full + nslen + 1, name, namelen + 1);
	return full;
}

static uint32_t
hash_string(const char *s)
{
	uint32_t	h = 2166136261u;	/* FNV-1a */

	while (*s)
	{
		h ^= (unsigned char) *s++;
		h *= 16777619u;
	}
	return h;
}

static NamedEntry *
lookup_entry(AvroParser *p, const char *fullname)
{
	size_t		h;

	if (p->names_cap == 0)
		return NULL;
	h = hash_string(fullname) & (p->names_cap - 1);
	while (p->names[h].fullname != NULL)
	{
		if (strcmp(p->names[h].fullname, fullname) == 0)
			return &p->names[h];
		h = (h + 1) & (p->names_cap - 1);
	}
	return NULL;
}

static NamedEntry *
add_entry(AvroParser *p, MeshAvroType *type)
{
	size_t		h;

	/* keep the load at most 1/2 */
	if (2 * (p->nnames + 1) > p->names_cap)
	{
		NamedEntry *old = p->names;
		size_t		oldcap = p->names_cap;
		size_t		i;

		p->names_cap = oldcap > 0 ? oldcap * 2 : 32;
		p->names = mesh_alloc(p->names_cap * sizeof(NamedEntry));
		for (i = 0; i < oldcap; i++)
		{
			if (old[i].fullname == NULL)
				continue;
			h = hash_string(old[i].fullname) & (p->names_cap - 1);
			while (p->names[h].fullname != NULL)
				h = (h + 1) & (p->names_cap - 1);
			p->names[h] = old[i];
		}
		mesh_free(old);
	}
	h = hash_string(type->fullname) & (p->names_cap - 1);
	while (p->names[h].fullname != NULL)
		h = (h + 1) & (p->names_cap - 1);
	p->names[h].fullname = type->fullname;
	p->names[h].type = type;
	p->nnames++;
	return &p->names[h];
}

/*
 * Index of the first of names[0..n) equal to an earlier one, or -1.
 * Pairwise for a few, through a temporary hash table for many, so that a
 * hostile schema costs linear time.
 */
static int
find_duplicate(const char *const *names, int n)
{
	int			i;
	int			j;
	int			dup = -1;

	if (n <= 16)
	{
		for (i = 1; i < n; i++)
			for (j = 0; j < i; j++)
				if (strcmp(names[i], names[j]) == 0)
					return i;
	}
	else
	{
		size_t		cap = 32;
		int		   *table;		/* index + 1, 0 when empty */

		while (cap < 2 * (size_t) n)
			cap *= 2;
		table = mesh_alloc(cap * sizeof(int));
		for (i = 0; i < n && dup < 0; i++)
		{
			size_t		h = hash_string(names[i]) & (cap - 1);

			while (table[h] != 0)
			{
				if (strcmp(names[table[h] - 1], names[i]) == 0)
				{
					dup = i;
					break;
				}
				h = (h + 1) & (cap - 1);
			}
			table[h] = i + 1;
		}
		mesh_free(table);
	}
	return dup;
}

/*
 * The named type a name refers to from namespace ns, a primitive type, or
 * NULL.  A dotted name is a full name; a simple name is looked up in ns.
 * Like the Java implementation, a simple name not defined in ns falls
 * back to the null namespace: this only makes valid what the
 * specification leaves undefined, never changes what a name means.
 */
static MeshAvroType *
resolve_name(AvroParser *p, const char *name, const char *ns)
{
	int			prim = primitive_kind(name);
	NamedEntry *e = NULL;

	if (prim >= 0)
	{
		MeshAvroType *t = mesh_alloc(sizeof(MeshAvroType));

		t->kind = (MeshAvroKind) prim;
		return t;
	}
	if (strchr(name, '.') == NULL && *ns != '\0')
	{
		char	   *full = join_name(ns, name);

		e = lookup_entry(p, full);
		mesh_free(full);
	}
	if (e == NULL)
		e = lookup_entry(p, name);
	return e != NULL ? e->type : NULL;
}

/* ------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------
 */

/* An optional string attribute: false (error reported) if not a string. */
static bool
get_optional_string(AvroParser *p, const MeshJson *j, const char *attr,
					const char **out)
{
	const MeshJson *v = mesh_json_get(j, attr);

	*out = NULL;
	if (v == NULL)
		return true;
	if (v->type != MJ_STRING)
	{
		av_error(p, "\"%s\" must be a string, not %s", attr, json_type_name(v));
		return false;
	}
	*out = v->string;
	return true;
}

/*
 * "aliases": names; for a named type (ns not NULL) qualified by its
 * namespace unless dotted, for a field (ns NULL) simple names.
 */
static bool
parse_aliases(AvroParser *p, const MeshJson *j, const char *ns,
			  const char ***out, int *nout)
{
	const MeshJson *a = mesh_json_get(j, "aliases");
	int			i;

	*out = NULL;
	*nout = 0;
	if (a == NULL)
		return true;
	if (a->type != MJ_ARRAY)
	{
		av_error(p, "\"aliases\" must be an array of names, not %s",
				 json_type_name(a));
		return false;
	}
	if (a->count > 0)
		*out = mesh_alloc(a->count * sizeof(const char *));
	for (i = 0; i < a->count; i++)
	{
		const MeshJson *alias = a->items[i];
		bool		ok;

		if (alias->type != MJ_STRING)
		{
			av_error(p, "\"aliases\" must be an array of names, not of %s",
					 json_type_name(alias));
			return false;
		}
		ok = ns != NULL ? valid_dotted_name(alias->string, false)
			: valid_name(alias->string, alias->string_len);
		if (!ok)
		{
			av_error(p, "invalid alias \"%s\"", alias->string);
			return false;
		}
		if (ns != NULL && strchr(alias->string, '.') == NULL)
			(*out)[i] = join_name(ns, alias->string);
		else
			(*out)[i] = alias->string;
	}
	*nout = a->count;
	return true;
}

/* The namespace part of a full name ("" for the null namespace). */
static const char *
namespace_of(const char *fullname)
{
	const char *dot = strrchr(fullname, '.');

	return dot != NULL ? mesh_strndup(fullname, dot - fullname) : "";
}

static bool
parse_record_fields(AvroParser *p, MeshAvroType *t, const MeshJson *j,
					NamedEntry *entry)
{
	const MeshJson *fields = mesh_json_get(j, "fields");
	const char *ns = namespace_of(t->fullname);
	const char **names;
	int			dup;
	int			i;

	if (fields == NULL)
	{
		av_error(p, "missing \"fields\"");
		return false;
	}
	if (fields->type != MJ_ARRAY)
	{
		av_error(p, "\"fields\" must be an array, not %s", json_type_name(fields));
		return false;
	}
	if (fields->count == 0)
		return true;

	/* first the names, so that a duplicate is caught before any type */
	names = mesh_alloc(fields->count * sizeof(const char *));
	for (i = 0; i < fields->count; i++)
	{
		const MeshJson *f = fields->items[i];
		const MeshJson *name = mesh_json_get(f, "name");

		if (f->type != MJ_OBJECT)
		{
			av_error(p, "field #%d must be an object, not %s", i + 1,
					 json_type_name(f));
			return false;
		}
		if (name == NULL || name->type != MJ_STRING)
		{
			av_error(p, "field #%d has no \"name\" string", i + 1);
			return false;
		}
		if (!valid_name(name->string, name->string_len))
		{
			av_error(p, "invalid field name \"%s\"", name->string);
			return false;
		}
		names[i] = name->string;
	}
	dup = find_duplicate(names, fields->count);
	if (dup >= 0)
	{
		av_error(p, "duplicate field \"%s\"", names[dup]);
		return false;
	}
	mesh_free(names);

	/*
	 * Fill the fields in place: the record is already registered, and a
	 * recursive reference to it may be taken while we are at it.
	 */
	t->fields = mesh_alloc(fields->count * sizeof(MeshAvroField));
	entry->field_state = mesh_alloc(fields->count);
	t->nfields = fields->count;
	for (i = 0; i < fields->count; i++)
	{
		const MeshJson *f = fields->items[i];
		MeshAvroField *field = &t->fields[i];
		const MeshJson *type = mesh_json_get(f, "type");
		const char *order;

		field->name = mesh_json_get_string(f, "name");
		p->ctx_field = field->name;
		if (type == NULL)
		{
			av_error(p, "missing \"type\"");
			return false;
		}
		field->type = parse_schema(p, type, ns);
		if (field->type == NULL)
			return false;
		if (!get_optional_string(p, f, "doc", &field->doc) ||
			!parse_aliases(p, f, NULL, &field->aliases, &field->naliases) ||
			!get_optional_string(p, f, "order", &order))
			return false;
		if (order != NULL && strcmp(order, "ascending") != 0 &&
			strcmp(order, "descending") != 0 && strcmp(order, "ignore") != 0)
		{
			av_error(p, "invalid \"order\" \"%s\": must be \"ascending\", \"descending\" or \"ignore\"",
					 order);
			return false;
		}
		field->default_value = mesh_json_get(f, "default");
		if (field->default_value != NULL)
		{
			if (p->npending == p->pending_cap)
			{
				p->pending_cap = p->pending_cap > 0 ? p->pending_cap * 2 : 16;
				p->pending = mesh_realloc(p->pending,
										  p->pending_cap * sizeof(PendingDefault));
			}
			p->pending[p->npending].record = t;
			p->pending[p->npending].field = i;
			p->npending++;
		}
	}
	p->ctx_field = NULL;
	return true;
}

static bool
parse_enum_symbols(AvroParser *p, MeshAvroType *t, const MeshJson *j)
{
	const MeshJson *symbols = mesh_json_get(j, "symbols");
	const MeshJson *def = mesh_json_get(j, "default");
	int			dup;
	int			i;

	if (symbols == NULL)
	{
		av_error(p, "missing \"symbols\"");
		return false;
	}
	if (symbols->type != MJ_ARRAY)
	{
		av_error(p, "\"symbols\" must be an array, not %s",
				 json_type_name(symbols));
		return false;
	}
	if (symbols->count > 0)
		t->symbols = mesh_alloc(symbols->count * sizeof(const char *));
	for (i = 0; i < symbols->count; i++)
	{
		const MeshJson *s = symbols->items[i];

		if (s->type != MJ_STRING)
		{
			av_error(p, "\"symbols\" must be an array of strings, not of %s",
					 json_type_name(s));
			return false;
		}
		if (!valid_name(s->string, s->string_len))
		{
			av_error(p, "invalid symbol \"%s\"", s->string);
			return false;
		}
		t->symbols[i] = s->string;
	}
	t->nsymbols = symbols->count;
	dup = find_duplicate(t->symbols, t->nsymbols);
	if (dup >= 0)
	{
		av_error(p, "duplicate symbol \"%s\"", t->symbols[dup]);
		return false;
	}

	if (def != NULL)
	{
		if (def->type != MJ_STRING)
		{
			av_error(p, "\"default\" must be a string, not %s",
					 json_type_name(def));
			return false;
		}
		for (i = 0; i < t->nsymbols; i++)
			if (strcmp(t->symbols[i], def->string) == 0)
				break;
		if (i == t->nsymbols)
		{
			av_error(p, "default \"%s\" is not one of the symbols", def->string);
			return false;
		}
		t->enum_default = def->string;
	}
	return true;
}

static bool
parse_fixed_size(AvroParser *p, MeshAvroType *t, const MeshJson *j)
{
	const MeshJson *size = mesh_json_get(j, "size");

	if (size == NULL)
	{
		av_error(p, "missing \"size\"");
		return false;
	}
	if (size->type != MJ_NUMBER || !size->is_integer ||
		size->integer < 0 || size->integer > INT32_MAX)
	{
		av_error(p, "\"size\" must be an integer from 0 to %d", INT32_MAX);
		return false;
	}
	t->size = (int) size->integer;
	return true;
}

/* A record, enum or fixed definition, from namespace ns. */
static MeshAvroType *
parse_named(AvroParser *p, const MeshJson *j, MeshAvroKind kind, const char *ns)
{
	const MeshJson *name = mesh_json_get(j, "name");
	const MeshJson *nsattr = mesh_json_get(j, "namespace");
	const MeshAvroType *saved_type = p->ctx_type;
	const char *saved_field = p->ctx_field;
	const char *shortname;
	const char *fullname;
	MeshAvroType *t;
	NamedEntry *entry;
	bool		ok;

	if (name == NULL || name->type != MJ_STRING)
	{
		av_error(p, "%s has no \"name\" string", kind_names[kind]);
		return NULL;
	}

	/*
	 * A dotted name is a full name and any "namespace" is ignored; else
	 * the namespace is the attribute's, or the enclosing one's.  A JSON
	 * null namespace counts as absent, as in the Java implementation.
	 */
	if (nsattr != NULL && nsattr->type != MJ_NULL)
	{
		if (nsattr->type != MJ_STRING)
		{
			av_error(p, "\"namespace\" must be a string, not %s",
					 json_type_name(nsattr));
			return NULL;
		}
		if (!valid_dotted_name(nsattr->string, true))
		{
			av_error(p, "invalid namespace \"%s\"", nsattr->string);
			return NULL;
		}
	}
	if (strchr(name->string, '.') != NULL)
	{
		if (!valid_dotted_name(name->string, false))
		{
			av_error(p, "invalid name \"%s\"", name->string);
			return NULL;
		}
		fullname = name->string;
		shortname = strrchr(fullname, '.') + 1;
	}
	else
	{
		if (!valid_name(name->string, name->string_len))
		{
			av_error(p, "invalid name \"%s\"", name->string);
			return NULL;
		}
		if (nsattr != NULL && nsattr->type == MJ_STRING)
			ns = nsattr->string;
		fullname = join_name(ns, name->string);
		shortname = name->string;
	}
	if (primitive_kind(shortname) >= 0)
	{
		av_error(p, "invalid name \"%s\": a primitive type name cannot be defined",
				 fullname);
		return NULL;
	}
	if (lookup_entry(p, fullname) != NULL)
	{
		av_error(p, "duplicate definition of \"%s\"", fullname);
		return NULL;
	}

	t = mesh_alloc(sizeof(MeshAvroType));
	t->kind = kind;
	t->name = shortname;
	t->fullname = fullname;
	/* registered before its body, so that the body can refer to it */
	entry = add_entry(p, t);

	p->ctx_type = t;
	p->ctx_field = NULL;
	ok = get_optional_string(p, j, "doc", &t->doc) &&
		parse_aliases(p, j, namespace_of(fullname), &t->aliases, &t->naliases);
	if (ok)
	{
		if (kind == AVRO_RECORD)
			ok = parse_record_fields(p, t, j, entry);
		else if (kind == AVRO_ENUM)
			ok = parse_enum_symbols(p, t, j);
		else
			ok = parse_fixed_size(p, t, j);
	}
	p->ctx_type = saved_type;
	p->ctx_field = saved_field;
	return ok ? t : NULL;
}

static MeshAvroType *
parse_union(AvroParser *p, const MeshJson *j, const char *ns)
{
	MeshAvroType *t = mesh_alloc(sizeof(MeshAvroType));
	const char **keys;
	int			dup;
	int			i;

	t->kind = AVRO_UNION;
	if (j->count == 0)
		return t;
	t->branches = mesh_alloc(j->count * sizeof(MeshAvroType *));
	/*
	 * What makes a branch unique: its full name if named, else its type,
	 * keyed so that it cannot equal a full name (a record may be called
	 * "map").
	 */
	keys = mesh_alloc(j->count * sizeof(const char *));
	for (i = 0; i < j->count; i++)
	{
		MeshAvroType *b = parse_schema(p, j->items[i], ns);

		if (b == NULL)
			return NULL;
		if (b->kind == AVRO_UNION)
		{
			av_error(p, "union branch #%d is a union: unions may not immediately contain unions",
					 i + 1);
			return NULL;
		}
		t->branches[i] = b;
		t->nbranches++;
		if (b->kind == AVRO_RECORD || b->kind == AVRO_ENUM || b->kind == AVRO_FIXED)
			keys[i] = b->fullname;
		else
			keys[i] = unnamed_keys[b->kind];
	}
	dup = find_duplicate(keys, t->nbranches);
	if (dup >= 0)
	{
		MeshAvroType *b = t->branches[dup];

		if (keys[dup][0] == '.')
			av_error(p, "union has two branches of type \"%s\"",
					 kind_names[b->kind]);
		else
			av_error(p, "union has two branches named \"%s\"", b->fullname);
		return NULL;
	}
	mesh_free(keys);
	return t;
}

/*
 * The most decimal digits a fixed of size bytes holds, two's complement:
 * floor(log10(2^(8 * size - 1) - 1)).  2^k is never a power of 10, so
 * this is floor((8 * size - 1) * log10(2)), computed in double: exact for
 * any size a schema would use.
 */
static long
max_decimal_precision(int size)
{
	double		digits;

	if (size <= 0)
		return 0;
	digits = (8.0 * size - 1.0) * 0.30102999566398119521;
	return digits >= (double) INT32_MAX ? INT32_MAX : (long) digits;
}

/*
 * Apply a "logicalType" attribute to a primitive or fixed type.  Per the
 * specification, an unknown or invalid one is ignored: the type stays
 * what it is underneath.
 */
static void
apply_logical_type(MeshAvroType *t, const MeshJson *j)
{
	const char *lt = mesh_json_get_string(j, "logicalType");
	MeshAvroKind k = t->kind;

	if (lt == NULL)
		return;
	if (strcmp(lt, "decimal") == 0)
	{
		const MeshJson *precision = mesh_json_get(j, "precision");
		const MeshJson *scale = mesh_json_get(j, "scale");
		int64_t		prec;
		int64_t		sc = 0;

		if (k != AVRO_BYTES && k != AVRO_FIXED)
			return;
		if (precision == NULL || precision->type != MJ_NUMBER ||
			!precision->is_integer || precision->integer <= 0 ||
			precision->integer > INT32_MAX)
			return;
		prec = precision->integer;
		if (scale != NULL)
		{
			if (scale->type != MJ_NUMBER || !scale->is_integer ||
				scale->integer < 0 || scale->integer > prec)
				return;
			sc = scale->integer;
		}
		if (k == AVRO_FIXED && prec > max_decimal_precision(t->size))
			return;
		t->logical = AVRO_LT_DECIMAL;
		t->precision = (int) prec;
		t->scale = (int) sc;
	}
	else if (strcmp(lt, "uuid") == 0 && k == AVRO_STRING)
		t->logical = AVRO_LT_UUID;
	else if (strcmp(lt, "date") == 0 && k == AVRO_INT)
		t->logical = AVRO_LT_DATE;
	else if (strcmp(lt, "time-millis") == 0 && k == AVRO_INT)
		t->logical = AVRO_LT_TIME_MILLIS;
	else if (strcmp(lt, "time-micros") == 0 && k == AVRO_LONG)
		t->logical = AVRO_LT_TIME_MICROS;
	else if (strcmp(lt, "timestamp-millis") == 0 && k == AVRO_LONG)
		t->logical = AVRO_LT_TIMESTAMP_MILLIS;
	else if (strcmp(lt, "timestamp-micros") == 0 && k == AVRO_LONG)
		t->logical = AVRO_LT_TIMESTAMP_MICROS;
	else if (strcmp(lt, "local-timestamp-millis") == 0 && k == AVRO_LONG)
		t->logical = AVRO_LT_LOCAL_TIMESTAMP_MILLIS;
	else if (strcmp(lt, "local-timestamp-micros") == 0 && k == AVRO_LONG)
		t->logical = AVRO_LT_LOCAL_TIMESTAMP_MICROS;
	else if (strcmp(lt, "duration") == 0 && k == AVRO_FIXED && t->size == 12)
		t->logical = AVRO_LT_DURATION;
}

/* Any schema: a type name, a type object or a union. */
static MeshAvroType *
parse_schema(AvroParser *p, const MeshJson *j, const char *ns)
{
	MeshAvroType *t;
	const MeshJson *type;
	const char *tn;
	int			prim;

	if (j->type == MJ_STRING)
	{
		t = resolve_name(p, j->string, ns);
		if (t == NULL)
			av_error(p, "unknown type \"%s\"", j->string);
		return t;
	}
	if (j->type == MJ_ARRAY)
		return parse_union(p, j, ns);
	if (j->type != MJ_OBJECT)
	{
		av_error(p, "a schema must be a string, an object or an array, not %s",
				 json_type_name(j));
		return NULL;
	}

	type = mesh_json_get(j, "type");
	if (type == NULL)
	{
		av_error(p, "schema object has no \"type\"");
		return NULL;
	}
	if (type->type != MJ_STRING)
	{
		av_error(p, "\"type\" must be a type name, not %s", json_type_name(type));
		return NULL;
	}
	tn = type->string;
	prim = primitive_kind(tn);
	if (prim >= 0)
	{
		t = mesh_alloc(sizeof(MeshAvroType));
		t->kind = (MeshAvroKind) prim;
	}
	else if (strcmp(tn, "record") == 0)
		t = parse_named(p, j, AVRO_RECORD, ns);
	else if (strcmp(tn, "enum") == 0)
		t = parse_named(p, j, AVRO_ENUM, ns);
	else if (strcmp(tn, "fixed") == 0)
		t = parse_named(p, j, AVRO_FIXED, ns);
	else if (strcmp(tn, "array") == 0 || strcmp(tn, "map") == 0)
	{
		bool		is_array = tn[0] == 'a';
		const MeshJson *sub = mesh_json_get(j, is_array ? "items" : "values");

		if (sub == NULL)
		{
			av_error(p, "%s has no \"%s\"", tn, is_array ? "items" : "values");
			return NULL;
		}
		t = mesh_alloc(sizeof(MeshAvroType));
		t->kind = is_array ? AVRO_ARRAY : AVRO_MAP;
		if (is_array)
			t->items = parse_schema(p, sub, ns);
		else
			t->values = parse_schema(p, sub, ns);
		return (is_array ? t->items : t->values) != NULL ? t : NULL;
	}
	else
	{
		/*
		 * {"type": "Name"}: a reference to a defined type.  It is the one
		 * definition, so annotations here cannot apply to it.
		 */
		t = resolve_name(p, tn, ns);
		if (t == NULL)
			av_error(p, "unknown type \"%s\"", tn);
		return t;
	}
	if (t != NULL)
		apply_logical_type(t, j);
	return t;
}

/* ------------------------------------------------------------------------
 * Field defaults
 * ------------------------------------------------------------------------
 */

/* Code points of a default for bytes or fixed (each one byte), or -1. */
static int64_t
byte_string_length(const MeshJson *v)
{
	const unsigned char *s = (const unsigned char *) v->string;
	int64_t		n = 0;
	size_t		i;

	/* valid UTF-8: U+0000..U+00FF are leads below 0xC4 */
	for (i = 0; i < v->string_len; i++)
	{
		if ((s[i] & 0xC0) == 0x80)
			continue;
		if (s[i] >= 0xC4)
			return -1;
		n++;
	}
	return n;
}

static bool validate_field_default(AvroParser *p,
								   const MeshAvroType *record, int field);

static bool
expect_json(AvroParser *p, const MeshAvroType *t, const MeshJson *v,
			MeshJsonType want)
{
	if (v->type == want)
		return true;
	if (t->fullname != NULL)
		av_why(p, "expected %s \"%s\", got %s", kind_names[t->kind],
			   t->fullname, json_type_name(v));
	else
		av_why(p, "expected %s, got %s", kind_names[t->kind], json_type_name(v));
	return false;
}

/*
 * Whether v is a valid JSON encoding of a value of t, as the
 * specification's table of field default values has it.  Recursion
 * follows v, except through a record member that v omits, whose field
 * default stands in (validate_field_default bounds that).
 */
static bool
validate_value(AvroParser *p, const MeshAvroType *t, const MeshJson *v)
{
	int			i;

	switch (t->kind)
	{
		case AVRO_NULL:
			return expect_json(p, t, v, MJ_NULL);
		case AVRO_BOOLEAN:
			return expect_json(p, t, v, MJ_BOOL);
		case AVRO_INT:
		case AVRO_LONG:
			if (!expect_json(p, t, v, MJ_NUMBER))
				return false;
			if (!v->is_integer ||
				(t->kind == AVRO_INT &&
				 (v->integer < INT32_MIN || v->integer > INT32_MAX)))
			{
				av_why(p, "%s is not a valid %s", v->number, kind_names[t->kind]);
				return false;
			}
			return true;
		case AVRO_FLOAT:
		case AVRO_DOUBLE:
			return expect_json(p, t, v, MJ_NUMBER);
		case AVRO_STRING:
			return expect_json(p, t, v, MJ_STRING);
		case AVRO_BYTES:
		case AVRO_FIXED:
			{
				int64_t		n;

				if (!expect_json(p, t, v, MJ_STRING))
					return false;
				n = byte_string_length(v);
				if (n < 0)
				{
					av_why(p, "a %s default may hold only characters U+0000 to U+00FF",
						   kind_names[t->kind]);
					return false;
				}
				if (t->kind == AVRO_FIXED && n != t->size)
				{
					av_why(p, "expected %d bytes for fixed \"%s\", got %lld",
						   t->size, t->fullname, (long long) n);
					return false;
				}
				return true;
			}
		case AVRO_ENUM:
			if (!expect_json(p, t, v, MJ_STRING))
				return false;
			for (i = 0; i < t->nsymbols; i++)
				if (strcmp(t->symbols[i], v->string) == 0)
					return true;
			av_why(p, "\"%s\" is not a symbol of enum \"%s\"", v->string,
				   t->fullname);
			return false;
		case AVRO_ARRAY:
			if (!expect_json(p, t, v, MJ_ARRAY))
				return false;
			for (i = 0; i < v->count; i++)
				if (!validate_value(p, t->items, v->items[i]))
					return false;
			return true;
		case AVRO_MAP:
			if (!expect_json(p, t, v, MJ_OBJECT))
				return false;
			for (i = 0; i < v->count; i++)
				if (!validate_value(p, t->values, v->items[i]))
					return false;
			return true;
		case AVRO_UNION:
			/* the default is a value of the first branch */
			if (t->nbranches == 0)
			{
				av_why(p, "a union without branches has no values");
				return false;
			}
			return validate_value(p, t->branches[0], v);
		case AVRO_RECORD:
			if (!expect_json(p, t, v, MJ_OBJECT))
				return false;

			/*
			 * Every field needs a member or a default of its own; members
			 * that are not fields are ignored, as in the Java
			 * implementation.
			 */
			for (i = 0; i < t->nfields; i++)
			{
				const MeshJson *member = mesh_json_get(v, t->fields[i].name);

				if (member != NULL)
				{
					if (!validate_value(p, t->fields[i].type, member))
						return false;
				}
				else if (t->fields[i].default_value == NULL)
				{
					av_why(p, "member \"%s\" of record \"%s\" is missing and its field has no default",
						   t->fields[i].name, t->fullname);
					return false;
				}
				else if (!validate_field_default(p, t, i))
					return false;	/* it said why */
			}
			return true;
	}
	av_why(p, "unknown kind of type");
	return false;
}

/*
 * Check one field's default once: a depth-first walk, so that a default
 * that needs itself (through omitted record members) is caught rather than
 * followed forever.  Strict, the first invalid default fails the schema
 * and is reported where it is; lax, it is dropped.
 */
static bool
validate_field_default(AvroParser *p, const MeshAvroType *record, int field)
{
	NamedEntry *entry = lookup_entry(p, record->fullname);
	MeshAvroField *f;
	bool		ok;

	if (entry == NULL || entry->type != record || entry->field_state == NULL)
		return false;			/* not one of ours: cannot happen */
	/* the table's pointer is the writable one, for lax mode */
	f = &entry->type->fields[field];
	switch ((DefaultState) entry->field_state[field])
	{
		case DEFAULT_VALID:
			return true;
		case DEFAULT_INVALID:
			av_why(p, "member \"%s\" of record \"%s\" is missing and its field's default is invalid",
				   f->name, record->fullname);
			return false;
		case DEFAULT_CHECKING:
			av_why(p, "the default of field \"%s\" of record \"%s\" contains itself",
				   f->name, record->fullname);
			return false;
		case DEFAULT_UNCHECKED:
			break;
	}
	if (f->default_value == NULL)
		return false;
	if (p->chain >= AVRO_DEFAULT_CHAIN_MAX)
	{
		av_why(p, "defaults nest through omitted members more than %d deep",
			   AVRO_DEFAULT_CHAIN_MAX);
		return false;
	}

	entry->field_state[field] = DEFAULT_CHECKING;
	p->chain++;
	ok = validate_value(p, f->type, f->default_value);
	p->chain--;
	entry->field_state[field] = ok ? DEFAULT_VALID : DEFAULT_INVALID;
	if (!ok)
	{
		if (p->flags & MESH_AVRO_LAX_DEFAULTS)
			f->default_value = NULL;
		else if (!p->failed)
		{
			/* the innermost invalid default is the one reported */
			p->ctx_type = record;
			p->ctx_field = f->name;
			av_error(p, "invalid default: %s", p->why);
		}
	}
	return ok;
}

/* ------------------------------------------------------------------------
 * Entry points
 * ------------------------------------------------------------------------
 */

MeshAvroType *
mesh_avro_parse_ext(const char *json, size_t len, int flags,
					char *errbuf, size_t errlen)
{
	AvroParser	p;
	MeshJson   *j;
	MeshAvroType *t = NULL;
	char		jerr[256];
	size_t		i;

	memset(&p, 0, sizeof(p));
	p.errbuf = errbuf;
	p.errlen = errlen;
	p.flags = flags;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';

	j = mesh_json_parse(json, len, AVRO_SCHEMA_MAX_DEPTH, jerr, sizeof(jerr));
	if (j == NULL)
	{
		if (errbuf != NULL && errlen > 0)
		{
			snprintf(errbuf, errlen, "invalid JSON: %s", jerr);
			clip_utf8(errbuf);
		}
		return NULL;
	}

	t = parse_schema(&p, j, "");
	for (i = 0; t != NULL && i < p.npending; i++)
	{
		if (!validate_field_default(&p, p.pending[i].record, p.pending[i].field) &&
			!(flags & MESH_AVRO_LAX_DEFAULTS))
			t = NULL;
	}

	/* the bookkeeping; the schema and the JSON it points into stay */
	for (i = 0; i < p.names_cap; i++)
		mesh_free(p.names[i].field_state);
	mesh_free(p.names);
	mesh_free(p.pending);
	return t;
}

MeshAvroType *
mesh_avro_parse(const char *json, size_t len, char *errbuf, size_t errlen)
{
	return mesh_avro_parse_ext(json, len, 0, errbuf, errlen);
}

/* ------------------------------------------------------------------------
 * Parsing Canonical Form
 * ------------------------------------------------------------------------
 */

/* The full names already written: later occurrences are just the name. */
typedef struct NameSet
{
	const char **slots;
	size_t		cap;			/* a power of 2 */
	size_t		n;
} NameSet;

/* Add name; false if it was there already. */
static bool
nameset_add(NameSet *set, const char *name)
{
	size_t		h;

	if (2 * (set->n + 1) > set->cap)
	{
		const char **old = set->slots;
		size_t		oldcap = set->cap;
		size_t		i;

		set->cap = oldcap > 0 ? oldcap * 2 : 32;
		set->slots = mesh_alloc(set->cap * sizeof(const char *));
		for (i = 0; i < oldcap; i++)
		{
			if (old[i] == NULL)
				continue;
			h = hash_string(old[i]) & (set->cap - 1);
			while (set->slots[h] != NULL)
				h = (h + 1) & (set->cap - 1);
			set->slots[h] = old[i];
		}
		mesh_free(old);
	}
	h = hash_string(name) & (set->cap - 1);
	while (set->slots[h] != NULL)
	{
		if (strcmp(set->slots[h], name) == 0)
			return false;
		h = (h + 1) & (set->cap - 1);
	}
	set->slots[h] = name;
	set->n++;
	return true;
}

static void
append_string(MeshBuf *buf, const char *s)
{
	mesh_buf_append_json_string(buf, s, strlen(s));
}

/*
 * [PRIMITIVES] simple names; [FULLNAMES] full names, no "namespace";
 * [STRIP] and [ORDER] name, type, fields, symbols, items, values, size;
 * [STRINGS] our strings hold no escapes; [INTEGERS] size in decimal;
 * [WHITESPACE] none.
 */
static void
canonical_write(MeshBuf *buf, const MeshAvroType *t, NameSet *seen)
{
	const char *fullname;
	int			i;
	char		num[16];

	switch (t->kind)
	{
		case AVRO_NULL:
		case AVRO_BOOLEAN:
		case AVRO_INT:
		case AVRO_LONG:
		case AVRO_FLOAT:
		case AVRO_DOUBLE:
		case AVRO_BYTES:
		case AVRO_STRING:
			append_string(buf, kind_names[t->kind]);
			return;
		case AVRO_ARRAY:
			mesh_buf_append_str(buf, "{\"type\":\"array\",\"items\":");
			canonical_write(buf, t->items, seen);
			mesh_buf_append_char(buf, '}');
			return;
		case AVRO_MAP:
			mesh_buf_append_str(buf, "{\"type\":\"map\",\"values\":");
			canonical_write(buf, t->values, seen);
			mesh_buf_append_char(buf, '}');
			return;
		case AVRO_UNION:
			mesh_buf_append_char(buf, '[');
			for (i = 0; i < t->nbranches; i++)
			{
				if (i > 0)
					mesh_buf_append_char(buf, ',');
				canonical_write(buf, t->branches[i], seen);
			}
			mesh_buf_append_char(buf, ']');
			return;
		case AVRO_RECORD:
		case AVRO_ENUM:
		case AVRO_FIXED:
			break;
	}

	/* a named type: in full the first time only, which also ends cycles */
	fullname = t->fullname != NULL ? t->fullname : t->name != NULL ? t->name : "";
	if (!nameset_add(seen, fullname))
	{
		append_string(buf, fullname);
		return;
	}
	mesh_buf_append_str(buf, "{\"name\":");
	append_string(buf, fullname);
	mesh_buf_append_str(buf, ",\"type\":");
	append_string(buf, kind_names[t->kind]);
	if (t->kind == AVRO_RECORD)
	{
		mesh_buf_append_str(buf, ",\"fields\":[");
		for (i = 0; i < t->nfields; i++)
		{
			if (i > 0)
				mesh_buf_append_char(buf, ',');
			mesh_buf_append_str(buf, "{\"name\":");
			append_string(buf, t->fields[i].name);
			mesh_buf_append_str(buf, ",\"type\":");
			canonical_write(buf, t->fields[i].type, seen);
			mesh_buf_append_char(buf, '}');
		}
		mesh_buf_append_char(buf, ']');
	}
	else if (t->kind == AVRO_ENUM)
	{
		mesh_buf_append_str(buf, ",\"symbols\":[");
		for (i = 0; i < t->nsymbols; i++)
		{
			if (i > 0)
				mesh_buf_append_char(buf, ',');
			append_string(buf, t->symbols[i]);
		}
		mesh_buf_append_char(buf, ']');
	}
	else
	{
		snprintf(num, sizeof(num), "%d", t->size);
		mesh_buf_append_str(buf, ",\"size\":");
		mesh_buf_append_str(buf, num);
	}
	mesh_buf_append_char(buf, '}');
}

char *
mesh_avro_canonical_form(const MeshAvroType *schema)
{
	MeshBuf		buf;
	NameSet		seen;

	mesh_buf_init(&buf);
	memset(&seen, 0, sizeof(seen));
	if (schema != NULL)
		canonical_write(&buf, schema, &seen);
	mesh_free(seen.slots);
	return buf.data;
}

/* ------------------------------------------------------------------------
 * CRC-64-AVRO
 * ------------------------------------------------------------------------
 */

/*
 * The specification's fingerprint table: entry i is i shifted right 8
 * times, each time XORed with EMPTY (0xc15d213aa4d7a795) when a 1 bit
 * falls off.  Precomputed so that there is no lazy initialization; the
 * unit tests recompute it.
 */
static const uint64_t crc64_avro_table[256] = {
	UINT64_C(0x0000000000000000), UINT64_C(0x2cf1cba6b75351fa), UINT64_C(0x59e3974d6ea6a3f4),
	UINT64_C(0x75125cebd9f5f20e), UINT64_C(0xb3c72e9add4d47e8), UINT64_C(0x9f36e53c6a1e1612),
	UINT64_C(0xea24b9d7b3ebe41c), UINT64_C(0xc6d5727104b8b5e6), UINT64_C(0xe5341f40f335c0fb),
	UINT64_C(0xc9c5d4e644669101), UINT64_C(0xbcd7880d9d93630f), UINT64_C(0x902643ab2ac032f5),
	UINT64_C(0x56f331da2e788713), UINT64_C(0x7a02fa7c992bd6e9), UINT64_C(0x0f10a69740de24e7),
	UINT64_C(0x23e16d31f78d751d), UINT64_C(0x48d27cf4afc4cedd), UINT64_C(0x6423b75218979f27),
	UINT64_C(0x1131ebb9c1626d29), UINT64_C(0x3dc0201f76313cd3), UINT64_C(0xfb15526e72898935),
	UINT64_C(0xd7e499c8c5dad8cf), UINT64_C(0xa2f6c5231c2f2ac1), UINT64_C(0x8e070e85ab7c7b3b),
	UINT64_C(0xade663b45cf10e26), UINT64_C(0x8117a812eba25fdc), UINT64_C(0xf405f4f93257add2),
	UINT64_C(0xd8f43f5f8504fc28), UINT64_C(0x1e214d2e81bc49ce), UINT64_C(0x32d0868836ef1834),
	UINT64_C(0x47c2da63ef1aea3a), UINT64_C(0x6b3311c55849bbc0), UINT64_C(0x91a4f9e95f899dba),
	UINT64_C(0xbd55324fe8dacc40), UINT64_C(0xc8476ea4312f3e4e), UINT64_C(0xe4b6a502867c6fb4),
	UINT64_C(0x2263d77382c4da52), UINT64_C(0x0e921cd535978ba8), UINT64_C(0x7b80403eec6279a6),
	UINT64_C(0x57718b985b31285c), UINT64_C(0x7490e6a9acbc5d41), UINT64_C(0x58612d0f1bef0cbb),
	UINT64_C(0x2d7371e4c21afeb5), UINT64_C(0x0182ba427549af4f), UINT64_C(0xc757c83371f11aa9),
	UINT64_C(0xeba60395c6a24b53), UINT64_C(0x9eb45f7e1f57b95d), UINT64_C(0xb24594d8a804e8a7),
	UINT64_C(0xd976851df04d5367), UINT64_C(0xf5874ebb471e029d), UINT64_C(0x809512509eebf093),
	UINT64_C(0xac64d9f629b8a169), UINT64_C(0x6ab1ab872d00148f), UINT64_C(0x464060219a534575),
	UINT64_C(0x33523cca43a6b77b), UINT64_C(0x1fa3f76cf4f5e681), UINT64_C(0x3c429a5d0378939c),
	UINT64_C(0x10b351fbb42bc266), UINT64_C(0x65a10d106dde3068), UINT64_C(0x4950c6b6da8d6192),
	UINT64_C(0x8f85b4c7de35d474), UINT64_C(0xa3747f616966858e), UINT64_C(0xd666238ab0937780),
	UINT64_C(0xfa97e82c07c0267a), UINT64_C(0xa1f3b1a7f6bc745f), UINT64_C(0x8d027a0141ef25a5),
	UINT64_C(0xf81026ea981ad7ab), UINT64_C(0xd4e1ed4c2f498651), UINT64_C(0x12349f3d2bf133b7),
	UINT64_C(0x3ec5549b9ca2624d), UINT64_C(0x4bd7087045579043), UINT64_C(0x6726c3d6f204c1b9),
	UINT64_C(0x44c7aee70589b4a4), UINT64_C(0x68366541b2dae55e), UINT64_C(0x1d2439aa6b2f1750),
	UINT64_C(0x31d5f20cdc7c46aa), UINT64_C(0xf700807dd8c4f34c), UINT64_C(0xdbf14bdb6f97a2b6),
	UINT64_C(0xaee31730b66250b8), UINT64_C(0x8212dc9601310142), UINT64_C(0xe921cd535978ba82),
	UINT64_C(0xc5d006f5ee2beb78), UINT64_C(0xb0c25a1e37de1976), UINT64_C(0x9c3391b8808d488c),
	UINT64_C(0x5ae6e3c98435fd6a), UINT64_C(0x7617286f3366ac90), UINT64_C(0x03057484ea935e9e),
	UINT64_C(0x2ff4bf225dc00f64), UINT64_C(0x0c15d213aa4d7a79), UINT64_C(0x20e419b51d1e2b83),
	UINT64_C(0x55f6455ec4ebd98d), UINT64_C(0x79078ef873b88877), UINT64_C(0xbfd2fc8977003d91),
	UINT64_C(0x9323372fc0536c6b), UINT64_C(0xe6316bc419a69e65), UINT64_C(0xcac0a062aef5cf9f),
	UINT64_C(0x3057484ea935e9e5), UINT64_C(0x1ca683e81e66b81f), UINT64_C(0x69b4df03c7934a11),
	UINT64_C(0x454514a570c01beb), UINT64_C(0x839066d47478ae0d), UINT64_C(0xaf61ad72c32bfff7),
	UINT64_C(0xda73f1991ade0df9), UINT64_C(0xf6823a3fad8d5c03), UINT64_C(0xd563570e5a00291e),
	UINT64_C(0xf9929ca8ed5378e4), UINT64_C(0x8c80c04334a68aea), UINT64_C(0xa0710be583f5db10),
	UINT64_C(0x66a47994874d6ef6), UINT64_C(0x4a55b232301e3f0c), UINT64_C(0x3f47eed9e9ebcd02),
	UINT64_C(0x13b6257f5eb89cf8), UINT64_C(0x788534ba06f12738), UINT64_C(0x5474ff1cb1a276c2),
	UINT64_C(0x2166a3f7685784cc), UINT64_C(0x0d976851df04d536), UINT64_C(0xcb421a20dbbc60d0),
	UINT64_C(0xe7b3d1866cef312a), UINT64_C(0x92a18d6db51ac324), UINT64_C(0xbe5046cb024992de),
	UINT64_C(0x9db12bfaf5c4e7c3), UINT64_C(0xb140e05c4297b639), UINT64_C(0xc452bcb79b624437),
	UINT64_C(0xe8a377112c3115cd), UINT64_C(0x2e7605602889a02b), UINT64_C(0x0287cec69fdaf1d1),
	UINT64_C(0x7795922d462f03df), UINT64_C(0x5b64598bf17c5225), UINT64_C(0xc15d213aa4d7a795),
	UINT64_C(0xedacea9c1384f66f), UINT64_C(0x98beb677ca710461), UINT64_C(0xb44f7dd17d22559b),
	UINT64_C(0x729a0fa0799ae07d), UINT64_C(0x5e6bc406cec9b187), UINT64_C(0x2b7998ed173c4389),
	UINT64_C(0x0788534ba06f1273), UINT64_C(0x24693e7a57e2676e), UINT64_C(0x0898f5dce0b13694),
	UINT64_C(0x7d8aa9373944c49a), UINT64_C(0x517b62918e179560), UINT64_C(0x97ae10e08aaf2086),
	UINT64_C(0xbb5fdb463dfc717c), UINT64_C(0xce4d87ade4098372), UINT64_C(0xe2bc4c0b535ad288),
	UINT64_C(0x898f5dce0b136948), UINT64_C(0xa57e9668bc4038b2), UINT64_C(0xd06cca8365b5cabc),
	UINT64_C(0xfc9d0125d2e69b46), UINT64_C(0x3a487354d65e2ea0), UINT64_C(0x16b9b8f2610d7f5a),
	UINT64_C(0x63abe419b8f88d54), UINT64_C(0x4f5a2fbf0fabdcae), UINT64_C(0x6cbb428ef826a9b3),
	UINT64_C(0x404a89284f75f849), UINT64_C(0x3558d5c396800a47), UINT64_C(0x19a91e6521d35bbd),
	UINT64_C(0xdf7c6c14256bee5b), UINT64_C(0xf38da7b29238bfa1), UINT64_C(0x869ffb594bcd4daf),
	UINT64_C(0xaa6e30fffc9e1c55), UINT64_C(0x50f9d8d3fb5e3a2f), UINT64_C(0x7c0813754c0d6bd5),
	UINT64_C(0x091a4f9e95f899db), UINT64_C(0x25eb843822abc821), UINT64_C(0xe33ef64926137dc7),
	UINT64_C(0xcfcf3def91402c3d), UINT64_C(0xbadd610448b5de33), UINT64_C(0x962caaa2ffe68fc9),
	UINT64_C(0xb5cdc793086bfad4), UINT64_C(0x993c0c35bf38ab2e), UINT64_C(0xec2e50de66cd5920),
	UINT64_C(0xc0df9b78d19e08da), UINT64_C(0x060ae909d526bd3c), UINT64_C(0x2afb22af6275ecc6),
	UINT64_C(0x5fe97e44bb801ec8), UINT64_C(0x7318b5e20cd34f32), UINT64_C(0x182ba427549af4f2),
	UINT64_C(0x34da6f81e3c9a508), UINT64_C(0x41c8336a3a3c5706), UINT64_C(0x6d39f8cc8d6f06fc),
	UINT64_C(0xabec8abd89d7b31a), UINT64_C(0x871d411b3e84e2e0), UINT64_C(0xf20f1df0e77110ee),
	UINT64_C(0xdefed65650224114), UINT64_C(0xfd1fbb67a7af3409), UINT64_C(0xd1ee70c110fc65f3),
	UINT64_C(0xa4fc2c2ac90997fd), UINT64_C(0x880de78c7e5ac607), UINT64_C(0x4ed895fd7ae273e1),
	UINT64_C(0x62295e5bcdb1221b), UINT64_C(0x173b02b01444d015), UINT64_C(0x3bcac916a31781ef),
	UINT64_C(0x60ae909d526bd3ca), UINT64_C(0x4c5f5b3be5388230), UINT64_C(0x394d07d03ccd703e),
	UINT64_C(0x15bccc768b9e21c4), UINT64_C(0xd369be078f269422), UINT64_C(0xff9875a13875c5d8),
	UINT64_C(0x8a8a294ae18037d6), UINT64_C(0xa67be2ec56d3662c), UINT64_C(0x859a8fdda15e1331),
	UINT64_C(0xa96b447b160d42cb), UINT64_C(0xdc791890cff8b0c5), UINT64_C(0xf088d33678abe13f),
	UINT64_C(0x365da1477c1354d9), UINT64_C(0x1aac6ae1cb400523), UINT64_C(0x6fbe360a12b5f72d),
	UINT64_C(0x434ffdaca5e6a6d7), UINT64_C(0x287cec69fdaf1d17), UINT64_C(0x048d27cf4afc4ced),
	UINT64_C(0x719f7b249309bee3), UINT64_C(0x5d6eb082245aef19), UINT64_C(0x9bbbc2f320e25aff),
	UINT64_C(0xb74a095597b10b05), UINT64_C(0xc25855be4e44f90b), UINT64_C(0xeea99e18f917a8f1),
	UINT64_C(0xcd48f3290e9addec), UINT64_C(0xe1b9388fb9c98c16), UINT64_C(0x94ab6464603c7e18),
	UINT64_C(0xb85aafc2d76f2fe2), UINT64_C(0x7e8fddb3d3d79a04), UINT64_C(0x527e16156484cbfe),
	UINT64_C(0x276c4afebd7139f0), UINT64_C(0x0b9d81580a22680a), UINT64_C(0xf10a69740de24e70),
	UINT64_C(0xddfba2d2bab11f8a), UINT64_C(0xa8e9fe396344ed84), UINT64_C(0x8418359fd417bc7e),
	UINT64_C(0x42cd47eed0af0998), UINT64_C(0x6e3c8c4867fc5862), UINT64_C(0x1b2ed0a3be09aa6c),
	UINT64_C(0x37df1b05095afb96), UINT64_C(0x143e7634fed78e8b), UINT64_C(0x38cfbd924984df71),
	UINT64_C(0x4ddde17990712d7f), UINT64_C(0x612c2adf27227c85), UINT64_C(0xa7f958ae239ac963),
	UINT64_C(0x8b08930894c99899), UINT64_C(0xfe1acfe34d3c6a97), UINT64_C(0xd2eb0445fa6f3b6d),
	UINT64_C(0xb9d81580a22680ad), UINT64_C(0x9529de261575d157), UINT64_C(0xe03b82cdcc802359),
	UINT64_C(0xccca496b7bd372a3), UINT64_C(0x0a1f3b1a7f6bc745), UINT64_C(0x26eef0bcc83896bf),
	UINT64_C(0x53fcac5711cd64b1), UINT64_C(0x7f0d67f1a69e354b), UINT64_C(0x5cec0ac051134056),
	UINT64_C(0x701dc166e64011ac), UINT64_C(0x050f9d8d3fb5e3a2), UINT64_C(0x29fe562b88e6b258),
	UINT64_C(0xef2b245a8c5e07be), UINT64_C(0xc3daeffc3b0d5644), UINT64_C(0xb6c8b317e2f8a44a),
	UINT64_C(0x9a3978b155abf5b0)
};

uint64_t
mesh_avro_fingerprint(const char *data, size_t len)
{
	const unsigned char *s = (const unsigned char *) data;
	uint64_t	fp = UINT64_C(0xc15d213aa4d7a795);
	size_t		i;

	for (i = 0; i < len; i++)
		fp = (fp >> 8) ^ crc64_avro_table[(fp ^ s[i]) & 0xff];
	return fp;
}
