/*-------------------------------------------------------------------------
 *
 * avro_schema.c
 *		  Avro schemas (specification 1.11): parsing and validation.
 *		  (Parsing Canonical Form and fingerprints: avro_canonical.c.)
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

#include "core/map.h"
#include "core/text.h"

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

/* A defined named type, in the parser's table of names. */
typedef struct NamedEntry
{
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

	MeshMap		names;			/* full name -> NamedEntry */

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
			__attribute__((format(MESH_PRINTF_ARCHETYPE, 2, 3)));
/* Logical types: their names and the types they apply to. */
static const struct
{
	const char *name;
	MeshAvroKind kind;			/* decimal: bytes, or fixed */
}			logical_types[] = {
	[AVRO_LT_NONE] = {NULL, AVRO_NULL},
	[AVRO_LT_DECIMAL] = {"decimal", AVRO_BYTES},
	[AVRO_LT_UUID] = {"uuid", AVRO_STRING},
	[AVRO_LT_DATE] = {"date", AVRO_INT},
	[AVRO_LT_TIME_MILLIS] = {"time-millis", AVRO_INT},
	[AVRO_LT_TIME_MICROS] = {"time-micros", AVRO_LONG},
	[AVRO_LT_TIMESTAMP_MILLIS] = {"timestamp-millis", AVRO_LONG},
	[AVRO_LT_TIMESTAMP_MICROS] = {"timestamp-micros", AVRO_LONG},
	[AVRO_LT_LOCAL_TIMESTAMP_MILLIS] = {"local-timestamp-millis", AVRO_LONG},
	[AVRO_LT_LOCAL_TIMESTAMP_MICROS] = {"local-timestamp-micros", AVRO_LONG},
	[AVRO_LT_DURATION] = {"duration", AVRO_FIXED}	/* of 12 bytes */
};

const char *
mesh_avro_kind_name(MeshAvroKind kind)
{
	if ((int) kind < 0 || (int) kind > (int) AVRO_FIXED)
		return "unknown";
	return kind_names[kind];
}

const char *
mesh_avro_logical_name(MeshAvroLogical logical)
{
	if ((int) logical <= (int) AVRO_LT_NONE || (int) logical > (int) AVRO_LT_DURATION)
		return NULL;
	return logical_types[logical].name;
}

void
mesh_avro_append_label(MeshBuf *buf, const MeshAvroType *t)
{
	char		num[48];
	int			i;

	if (t->logical == AVRO_LT_DECIMAL)
	{
		snprintf(num, sizeof(num), "decimal(%d,%d)", t->precision, t->scale);
		mesh_buf_append_str(buf, num);
		return;
	}
	if (t->logical != AVRO_LT_NONE && t->logical != AVRO_LT_DURATION)
	{
		mesh_buf_append_str(buf, mesh_avro_logical_name(t->logical));
		return;
	}
	switch (t->kind)
	{
		case AVRO_RECORD:
		case AVRO_ENUM:
		case AVRO_FIXED:
			mesh_buf_append_str(buf, mesh_avro_kind_name(t->kind));
			mesh_buf_append_str(buf, " \"");
			mesh_buf_append_str(buf, t->fullname);
			mesh_buf_append_char(buf, '"');
			if (t->kind == AVRO_FIXED)
			{
				snprintf(num, sizeof(num), " of %d bytes", t->size);
				mesh_buf_append_str(buf, num);
			}
			break;
		case AVRO_UNION:
			mesh_buf_append_str(buf, "union [");
			for (i = 0; i < t->nbranches; i++)
			{
				if (i > 0)
					mesh_buf_append_str(buf, ", ");
				mesh_avro_append_label(buf, t->branches[i]);
			}
			mesh_buf_append_char(buf, ']');
			break;
		default:
			mesh_buf_append_str(buf, mesh_avro_kind_name(t->kind));
			break;
	}
}

char *
mesh_avro_json_bytes_dup(const MeshJson *json, int64_t *n)
{
	char	   *bytes = mesh_alloc(json->string_len + 1);

	*n = mesh_avro_json_bytes(json, bytes);
	if (*n < 0)
	{
		mesh_free(bytes);
		return NULL;
	}
	return bytes;
}

int64_t
mesh_avro_json_bytes(const MeshJson *json, char *out)
{
	const unsigned char *s = (const unsigned char *) json->string;
	int64_t		n = 0;
	size_t		i = 0;

	/* valid UTF-8: U+0000..U+00FF are ASCII, or leads C2 and C3 */
	while (i < json->string_len)
	{
		if (s[i] < 0x80)
		{
			if (out != NULL)
				out[n] = (char) s[i];
			i++;
		}
		else if ((s[i] == 0xC2 || s[i] == 0xC3) && i + 1 < json->string_len)
		{
			if (out != NULL)
				out[n] = (char) (((s[i] & 0x1F) << 6) | (s[i + 1] & 0x3F));
			i += 2;
		}
		else
			return -1;
		n++;
	}
	return n;
}

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 */

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
	va_start(ap, fmt);
	mesh_text_vformat(p->errbuf, p->errlen, n >= 0 ? (size_t) n : p->errlen,
					  fmt, ap);
	va_end(ap);
}

/* Say why a default does not match its type (reported by the caller). */
#define av_why(p, ...) mesh_text_format((p)->why, sizeof((p)->why), __VA_ARGS__)

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

static NamedEntry *
lookup_entry(AvroParser *p, const char *fullname)
{
	return mesh_map_get(&p->names, fullname, NULL, 0);
}

static NamedEntry *
add_entry(AvroParser *p, MeshAvroType *type)
{
	NamedEntry *entry = mesh_alloc(sizeof(NamedEntry));

	entry->type = type;
	mesh_map_put(&p->names, type->fullname, NULL, 0, entry);
	return entry;
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
		av_error(p, "\"%s\" must be a string, not %s", attr, mesh_json_type_name(v));
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
				 mesh_json_type_name(a));
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
					 mesh_json_type_name(alias));
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
		av_error(p, "\"fields\" must be an array, not %s", mesh_json_type_name(fields));
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
					 mesh_json_type_name(f));
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
	dup = mesh_find_duplicate(names, fields->count);
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
				 mesh_json_type_name(symbols));
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
					 mesh_json_type_name(s));
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
	dup = mesh_find_duplicate(t->symbols, t->nsymbols);
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
					 mesh_json_type_name(def));
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
					 mesh_json_type_name(nsattr));
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
	dup = mesh_find_duplicate(keys, t->nbranches);
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
	else
	{
		int			i;

		for (i = AVRO_LT_UUID; i <= AVRO_LT_DURATION; i++)
			if (strcmp(lt, logical_types[i].name) == 0 &&
				k == logical_types[i].kind &&
				(i != AVRO_LT_DURATION || t->size == 12))
				t->logical = (MeshAvroLogical) i;
	}
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
				 mesh_json_type_name(j));
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
		av_error(p, "\"type\" must be a type name, not %s", mesh_json_type_name(type));
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
			   t->fullname, mesh_json_type_name(v));
	else
		av_why(p, "expected %s, got %s", kind_names[t->kind], mesh_json_type_name(v));
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
				n = mesh_avro_json_bytes(v, NULL);
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
	mesh_map_init(&p.names, true, 0);
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';

	j = mesh_json_parse(json, len, AVRO_SCHEMA_MAX_DEPTH, jerr, sizeof(jerr));
	if (j == NULL)
	{
		mesh_text_format(errbuf, errlen, "invalid JSON: %s", jerr);
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
	for (i = 0; i < p.names.cap; i++)
	{
		NamedEntry *entry = mesh_map_slot(&p.names, i);

		if (entry != NULL)
		{
			mesh_free(entry->field_state);
			mesh_free(entry);
		}
	}
	mesh_map_free(&p.names);
	mesh_free(p.pending);
	return t;
}

MeshAvroType *
mesh_avro_parse(const char *json, size_t len, char *errbuf, size_t errlen)
{
	return mesh_avro_parse_ext(json, len, 0, errbuf, errlen);
}
