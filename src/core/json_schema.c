/*-------------------------------------------------------------------------
 *
 * json_schema.c
 *		  JSON Schema: the keywords mesh_fdw checks, compiled from the
 *		  schema's text, and values checked against them.
 *
 * Kept: type (a name or an array of names), required, enum, properties
 * (checked recursively in objects), items (one schema), minimum, maximum,
 * exclusiveMinimum and exclusiveMaximum (draft 4's booleans beside
 * minimum/maximum, and the later numbers), multipleOf, minLength and
 * maxLength (in code points), pattern (through the caller's matcher:
 * the server's is PostgreSQL's regular expressions, src/mesh/json_pattern.c),
 * and format (for IMPORT's types only).  Every other keyword ($ref, oneOf,
 * additionalProperties, ...) is ignored: a value is never refused for it.
 *
 * Like the rest of the core: no throw; a bad schema or a violation is
 * false/NULL plus a message.
 *
 *-------------------------------------------------------------------------
 */
#include "core/json_schema.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#define SCHEMA_MAX_DEPTH 64

static const struct
{
	const char *name;
	unsigned	bit;
}			type_names[] = {
	{"null", MJS_NULL}, {"boolean", MJS_BOOLEAN}, {"integer", MJS_INTEGER},
	{"number", MJS_NUMBER}, {"string", MJS_STRING}, {"array", MJS_ARRAY},
	{"object", MJS_OBJECT},
};

static bool
type_bit(const MeshJson *name, unsigned *bit, char *errbuf, size_t errlen)
{
	size_t		i;

	if (name->type == MJ_STRING)
		for (i = 0; i < MESH_LENGTHOF(type_names); i++)
			if (strcmp(name->string, type_names[i].name) == 0)
			{
				*bit = type_names[i].bit;
				return true;
			}
	snprintf(errbuf, errlen, "\"type\" must name JSON types (null, boolean, integer, number, string, array, object)");
	return false;
}

static bool
number_keyword(const MeshJson *obj, const char *key, bool *has, double *value,
			   char *errbuf, size_t errlen)
{
	const MeshJson *v = mesh_json_get(obj, key);

	if (v == NULL)
		return true;
	if (v->type != MJ_NUMBER)
	{
		snprintf(errbuf, errlen, "\"%s\" must be a number", key);
		return false;
	}
	*has = true;
	*value = mesh_json_real(v);
	return true;
}

static bool
length_keyword(const MeshJson *obj, const char *key, int64_t *value,
			   char *errbuf, size_t errlen)
{
	const MeshJson *v = mesh_json_get(obj, key);

	*value = -1;
	if (v == NULL)
		return true;
	if (v->type != MJ_NUMBER || !v->is_integer || v->integer < 0)
	{
		snprintf(errbuf, errlen, "\"%s\" must be a non-negative integer", key);
		return false;
	}
	*value = v->integer;
	return true;
}

/* *member: the keyword's value (NULL: absent); false when of another type */
static bool
typed_member(const MeshJson *obj, const char *key, MeshJsonType type, const char *what,
			 const MeshJson **member, char *errbuf, size_t errlen)
{
	*member = mesh_json_get(obj, key);
	if (*member != NULL && (*member)->type != type)
	{
		snprintf(errbuf, errlen, "\"%s\" must be %s", key, what);
		return false;
	}
	return true;
}

/*
 * exclusiveMinimum/exclusiveMaximum: a number of its own (draft 6 on), or
 * draft 4's boolean that makes minimum/maximum exclusive
 */
static bool
exclusive_keyword(const MeshJson *obj, const char *key, bool *has_bound, double *bound,
				  bool *has_exclusive, double *exclusive, char *errbuf, size_t errlen)
{
	const MeshJson *v = mesh_json_get(obj, key);

	if (v == NULL)
		return true;
	if (v->type != MJ_BOOL)
		return number_keyword(obj, key, has_exclusive, exclusive, errbuf, errlen);
	if (v->boolean && *has_bound)
	{
		*has_bound = false;
		*has_exclusive = true;
		*exclusive = *bound;
	}
	return true;
}

static MeshJsonSchema *
compile(const MeshJson *json, int depth, char *errbuf, size_t errlen)
{
	MeshJsonSchema *s;
	const MeshJson *v;
	int			i;

	if (depth > SCHEMA_MAX_DEPTH)
	{
		snprintf(errbuf, errlen, "the schema nests deeper than %d", SCHEMA_MAX_DEPTH);
		return NULL;
	}
	s = mesh_alloc(sizeof(MeshJsonSchema));
	s->min_length = s->max_length = -1;
	/* true and false are schemas too (draft 6): anything, nothing */
	if (json->type == MJ_BOOL)
	{
		if (!json->boolean)
			s->enumeration = json;	/* not an array: matches nothing */
		return s;
	}
	if (json->type != MJ_OBJECT)
	{
		snprintf(errbuf, errlen, "a schema must be a JSON object");
		return NULL;
	}

	if ((v = mesh_json_get(json, "type")) != NULL)
	{
		unsigned	bit;

		if (v->type == MJ_ARRAY)
		{
			for (i = 0; i < v->count; i++)
			{
				if (!type_bit(v->items[i], &bit, errbuf, errlen))
					return NULL;
				s->types |= bit;
			}
		}
		else
		{
			if (!type_bit(v, &bit, errbuf, errlen))
				return NULL;
			s->types = bit;
		}
	}
	s->format = mesh_json_get_string(json, "format");
	s->description = mesh_json_get_string(json, "description");

	if (!typed_member(json, "properties", MJ_OBJECT, "an object", &v, errbuf, errlen))
		return NULL;
	if (v != NULL)
	{
		s->nproperties = v->count;
		s->names = mesh_alloc(sizeof(char *) * (v->count + 1));
		s->properties = mesh_alloc(sizeof(MeshJsonSchema *) * (v->count + 1));
		for (i = 0; i < v->count; i++)
		{
			s->names[i] = v->keys[i];
			if ((s->properties[i] = compile(v->items[i], depth + 1, errbuf, errlen)) == NULL)
				return NULL;
		}
	}
	if (!typed_member(json, "required", MJ_ARRAY, "an array of strings", &v, errbuf, errlen))
		return NULL;
	if (v != NULL)
	{
		s->nrequired = v->count;
		s->required = mesh_alloc(sizeof(char *) * (v->count + 1));
		for (i = 0; i < v->count; i++)
		{
			if (v->items[i]->type != MJ_STRING)
			{
				snprintf(errbuf, errlen, "\"required\" must be an array of strings");
				return NULL;
			}
			s->required[i] = v->items[i]->string;
		}
	}
	if ((v = mesh_json_get(json, "items")) != NULL && v->type != MJ_ARRAY &&
		(s->items = compile(v, depth + 1, errbuf, errlen)) == NULL)
		return NULL;
	if (!typed_member(json, "enum", MJ_ARRAY, "an array", &v, errbuf, errlen))
		return NULL;
	if (v != NULL)
		s->enumeration = v;
	if (!typed_member(json, "pattern", MJ_STRING, "a string", &v, errbuf, errlen))
		return NULL;
	if (v != NULL)
		s->pattern = v->string;
	if (!number_keyword(json, "minimum", &s->has_minimum, &s->minimum, errbuf, errlen) ||
		!number_keyword(json, "maximum", &s->has_maximum, &s->maximum, errbuf, errlen) ||
		!number_keyword(json, "multipleOf", &s->has_multiple, &s->multiple, errbuf, errlen) ||
		!length_keyword(json, "minLength", &s->min_length, errbuf, errlen) ||
		!length_keyword(json, "maxLength", &s->max_length, errbuf, errlen))
		return NULL;
	if (s->has_multiple && !(s->multiple > 0))
	{
		snprintf(errbuf, errlen, "\"multipleOf\" must be greater than 0");
		return NULL;
	}
	/* exclusive bounds: a number (draft 6 on), or draft 4's boolean */
	if (!exclusive_keyword(json, "exclusiveMinimum", &s->has_minimum, &s->minimum,
						   &s->has_xminimum, &s->xminimum, errbuf, errlen) ||
		!exclusive_keyword(json, "exclusiveMaximum", &s->has_maximum, &s->maximum,
						   &s->has_xmaximum, &s->xmaximum, errbuf, errlen))
		return NULL;
	return s;
}

MeshJsonSchema *
mesh_json_schema_compile(const char *text, size_t len, char *errbuf, size_t errlen)
{
	char		reason[256];
	MeshJson   *json = mesh_json_parse(text, len, SCHEMA_MAX_DEPTH * 2 + 8,
									   reason, sizeof(reason));
	MeshJsonSchema *s;

	if (json == NULL)
	{
		snprintf(errbuf, errlen, "invalid JSON Schema: %s", reason);
		return NULL;
	}
	if ((s = compile(json, 0, reason, sizeof(reason))) == NULL)
	{
		snprintf(errbuf, errlen, "invalid JSON Schema: %s", reason);
		return NULL;
	}
	return s;
}

const MeshJsonSchema *
mesh_json_schema_property(const MeshJsonSchema *schema, const char *name)
{
	int			i;

	for (i = 0; i < schema->nproperties; i++)
		if (strcmp(schema->names[i], name) == 0)
			return schema->properties[i];
	return NULL;
}

/* ------------------------------------------------------------------------
 * Checking
 * ------------------------------------------------------------------------
 */

static bool
is_integral(const MeshJson *v)
{
	double		d;

	if (v->is_integer)
		return true;
	d = mesh_json_real(v);
	return isfinite(d) && floor(d) == d;
}

static bool
json_equal(const MeshJson *a, const MeshJson *b)
{
	int			i;

	if (a->type != b->type)
		return false;
	switch (a->type)
	{
		case MJ_NULL:
			return true;
		case MJ_BOOL:
			return a->boolean == b->boolean;
		case MJ_NUMBER:
			if (a->is_integer && b->is_integer)
				return a->integer == b->integer;
			return mesh_json_real(a) == mesh_json_real(b);
		case MJ_STRING:
			return a->string_len == b->string_len &&
				memcmp(a->string, b->string, a->string_len) == 0;
		case MJ_ARRAY:
			if (a->count != b->count)
				return false;
			for (i = 0; i < a->count; i++)
				if (!json_equal(a->items[i], b->items[i]))
					return false;
			return true;
		case MJ_OBJECT:
			if (a->count != b->count)
				return false;
			for (i = 0; i < a->count; i++)
			{
				const MeshJson *other = mesh_json_get(b, a->keys[i]);

				if (other == NULL || !json_equal(a->items[i], other))
					return false;
			}
			return true;
	}
	return false;
}

static int64_t
code_points(const char *s, size_t len)
{
	int64_t		n = 0;
	size_t		i;

	for (i = 0; i < len; i++)
		if (((unsigned char) s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* where a violation is, for messages: "property \"a.b\"" or "the value" */
static void
fail(char *errbuf, size_t errlen, const char *path, const char *fmt, ...)
	__attribute__((format(MESH_PRINTF_ARCHETYPE, 4, 5)));

static void
fail(char *errbuf, size_t errlen, const char *path, const char *fmt, ...)
{
	char		what[256];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (path[0])
		snprintf(errbuf, errlen, "JSON Schema: property \"%s\": %s", path, what);
	else
		snprintf(errbuf, errlen, "JSON Schema: the value: %s", what);
}

static bool
check(const MeshJsonSchema *s, const MeshJson *v, const MeshJsonPatterns *patterns,
	  const char *path, int depth, char *errbuf, size_t errlen)
{
	int			i;

	if (depth > SCHEMA_MAX_DEPTH)
		return true;
	if (s->types != 0)
	{
		unsigned	have = 0;

		switch (v->type)
		{
			case MJ_NULL:
				have = MJS_NULL;
				break;
			case MJ_BOOL:
				have = MJS_BOOLEAN;
				break;
			case MJ_NUMBER:
				have = MJS_NUMBER | (is_integral(v) ? MJS_INTEGER : 0);
				break;
			case MJ_STRING:
				have = MJS_STRING;
				break;
			case MJ_ARRAY:
				have = MJS_ARRAY;
				break;
			case MJ_OBJECT:
				have = MJS_OBJECT;
				break;
		}
		if ((have & s->types) == 0)
		{
			char		want[96] = "";

			for (i = 0; i < (int) MESH_LENGTHOF(type_names); i++)
				if (s->types & type_names[i].bit)
				{
					if (want[0])
						strcat(want, " or ");
					strcat(want, type_names[i].name);
				}
			fail(errbuf, errlen, path, "%s is not of type %s", mesh_json_type_name(v), want);
			return false;
		}
	}
	if (s->enumeration != NULL)
	{
		bool		found = false;

		if (s->enumeration->type == MJ_ARRAY)
			for (i = 0; i < s->enumeration->count && !found; i++)
				found = json_equal(s->enumeration->items[i], v);
		if (!found)
		{
			if (v->type == MJ_STRING)
				fail(errbuf, errlen, path, "\"%.64s\" is not one of the enum's values", v->string);
			else
				fail(errbuf, errlen, path, "the value is not one of the enum's values");
			return false;
		}
	}
	if (v->type == MJ_NUMBER)
	{
		double		d = mesh_json_real(v);

		if (s->has_minimum && d < s->minimum)
		{
			fail(errbuf, errlen, path, "%.64s is less than the minimum %.17g", v->number, s->minimum);
			return false;
		}
		if (s->has_maximum && d > s->maximum)
		{
			fail(errbuf, errlen, path, "%.64s is greater than the maximum %.17g", v->number, s->maximum);
			return false;
		}
		if (s->has_xminimum && d <= s->xminimum)
		{
			fail(errbuf, errlen, path, "%.64s is not greater than the exclusive minimum %.17g",
				 v->number, s->xminimum);
			return false;
		}
		if (s->has_xmaximum && d >= s->xmaximum)
		{
			fail(errbuf, errlen, path, "%.64s is not less than the exclusive maximum %.17g",
				 v->number, s->xmaximum);
			return false;
		}
		if (s->has_multiple)
		{
			bool		ok;

			if (v->is_integer && floor(s->multiple) == s->multiple && s->multiple < 9.0e18)
				ok = v->integer % (int64_t) s->multiple == 0;
			else
			{
				double		q = d / s->multiple;

				ok = isfinite(q) && fabs(q - nearbyint(q)) <= 1e-9 * fmax(1.0, fabs(q));
			}
			if (!ok)
			{
				fail(errbuf, errlen, path, "%.64s is not a multiple of %.17g", v->number, s->multiple);
				return false;
			}
		}
	}
	if (v->type == MJ_STRING && (s->min_length >= 0 || s->max_length >= 0))
	{
		int64_t		n = code_points(v->string, v->string_len);

		if (s->min_length >= 0 && n < s->min_length)
		{
			fail(errbuf, errlen, path, "a string of %lld characters is shorter than minLength %lld",
				 (long long) n, (long long) s->min_length);
			return false;
		}
		if (s->max_length >= 0 && n > s->max_length)
		{
			fail(errbuf, errlen, path, "a string of %lld characters is longer than maxLength %lld",
				 (long long) n, (long long) s->max_length);
			return false;
		}
	}
	if (v->type == MJ_STRING && s->pattern != NULL && patterns != NULL &&
		patterns->match(patterns->arg, s->pattern, v->string, v->string_len) == 0)
	{
		fail(errbuf, errlen, path, "\"%.64s\" does not match the pattern \"%.64s\"",
			 v->string, s->pattern);
		return false;
	}
	if (v->type == MJ_OBJECT)
	{
		char		sub[256];

		for (i = 0; i < s->nrequired; i++)
			if (mesh_json_get(v, s->required[i]) == NULL)
			{
				snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", s->required[i]);
				fail(errbuf, errlen, sub, "required but missing");
				return false;
			}
		for (i = 0; i < s->nproperties; i++)
		{
			const MeshJson *member = mesh_json_get(v, s->names[i]);

			if (member == NULL)
				continue;
			snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", s->names[i]);
			if (!check(s->properties[i], member, patterns, sub, depth + 1, errbuf, errlen))
				return false;
		}
	}
	if (v->type == MJ_ARRAY && s->items != NULL)
	{
		char		sub[256];

		for (i = 0; i < v->count; i++)
		{
			snprintf(sub, sizeof(sub), "%s[%d]", path, i);
			if (!check(s->items, v->items[i], patterns, sub, depth + 1, errbuf, errlen))
				return false;
		}
	}
	return true;
}

bool
mesh_json_schema_check(const MeshJsonSchema *schema, const MeshJson *value,
					   const MeshJsonPatterns *patterns, char *errbuf, size_t errlen)
{
	return check(schema, value, patterns, "", 0, errbuf, errlen);
}
