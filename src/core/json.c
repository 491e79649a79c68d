/*-------------------------------------------------------------------------
 *
 * json.c
 *		  A strict JSON parser (RFC 8259) into a tree, with its compact
 *		  serializer.
 *
 * Catalog records, schema registry responses and message values are JSON
 * that comes from outside.  This parser accepts exactly RFC 8259 and
 * rejects what other parsers tolerate or resolve each in their own way
 * (invalid UTF-8, lone surrogates, duplicate object keys), so that every
 * reader of the same bytes sees the same value or none.
 *
 * It is iterative, so nesting costs heap and not stack whatever max_depth
 * the caller allows; it never reads past the given length (the input is
 * not NUL-terminated); strings without escapes are copied straight from
 * the input.  Errors read "at byte N: ...", N being the 0-based offset of
 * the offending byte (the input's length for a premature end).
 *
 *-------------------------------------------------------------------------
 */
#include "core/json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

/* ------------------------------------------------------------------------
 * The parser
 * ------------------------------------------------------------------------
 */

/* An open array or object: where its members start on the shared stacks. */
typedef struct JsonFrame
{
	MeshJson   *node;
	size_t		item_base;
	size_t		key_base;
} JsonFrame;

typedef struct JsonParser
{
	const unsigned char *s;
	size_t		len;
	size_t		pos;
	int			max_depth;
	char	   *errbuf;
	size_t		errlen;

	/*
	 * Members of all open containers, innermost last; a container's arrays
	 * are allocated at their exact size when it closes.
	 */
	MeshJson  **items;
	size_t		nitems;
	size_t		items_cap;
	const char **keys;
	size_t	   *key_pos;		/* where each key starts, for errors */
	size_t		nkeys;
	size_t		keys_cap;
	JsonFrame  *frames;
	int			nframes;
	int			frames_cap;
	MeshBuf		scratch;		/* strings with escapes are decoded here */
	char	   *arena;			/* the tree is carved out of blocks */
	size_t		arena_left;
} JsonParser;

/*
 * The tree's nodes, strings and arrays are carved out of blocks of
 * ARENA_BLOCK bytes, which belong to the caller as the tree does: a
 * message of a few dozen values cost as many allocations, a third of the
 * time a scan of JSON messages took.  Standalone builds (the unit tests
 * and fuzzers) allocate each piece on its own, so that AddressSanitizer
 * sees its exact bounds.
 */
#define ARENA_BLOCK 4096

/* size bytes of the arena, zeroed when zero says so */
static void *
json_carve(JsonParser *p, size_t size, bool zero)
{
#ifdef MESH_STANDALONE
	(void) zero;
	(void) p;
	return mesh_alloc(size);
#else
	void	   *result;

	size = (size + 7) & ~(size_t) 7;
	if (size > ARENA_BLOCK / 4)
		return mesh_alloc(size);
	if (p->arena_left < size)
	{
		/* not zeroed: most of it becomes strings */
		p->arena = mesh_realloc(NULL, ARENA_BLOCK);
		p->arena_left = ARENA_BLOCK;
	}
	result = p->arena;
	p->arena += size;
	p->arena_left -= size;
	if (zero)
		memset(result, 0, size);
	return result;
#endif
}

static void *
json_alloc(JsonParser *p, size_t size)
{
	return json_carve(p, size, true);
}

static char *
json_strndup(JsonParser *p, const char *s, size_t len)
{
	char	   *copy = json_carve(p, len + 1, false);

	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

static void json_error(JsonParser *p, size_t pos, const char *fmt,...)
			__attribute__((format(MESH_PRINTF_ARCHETYPE, 3, 4)));

static void
json_error(JsonParser *p, size_t pos, const char *fmt,...)
{
	va_list		ap;
	int			n;

	if (p->errbuf == NULL || p->errlen == 0)
		return;
	n = snprintf(p->errbuf, p->errlen, "at byte %zu: ", pos);
	va_start(ap, fmt);
	mesh_text_vformat(p->errbuf, p->errlen, n >= 0 ? (size_t) n : p->errlen,
					  fmt, ap);
	va_end(ap);
}

/* What stands at pos, for error messages. */
static const char *
json_describe(JsonParser *p, size_t pos, char *out, size_t outlen)
{
	unsigned char c;

	if (pos >= p->len)
		return "end of input";
	c = p->s[pos];
	if (c > 0x20 && c < 0x7F)
		snprintf(out, outlen, "'%c'", c);
	else
		snprintf(out, outlen, "byte 0x%02X", (unsigned) c);
	return out;
}

static void
json_skip_ws(JsonParser *p)
{
	while (p->pos < p->len)
	{
		unsigned char c = p->s[p->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

/* The 4 hex digits at pos as a code unit, or -1 (error reported). */
static long
json_hex4(JsonParser *p, size_t pos, size_t escape_pos)
{
	long		v = 0;
	int			i;

	for (i = 0; i < 4; i++)
	{
		int			h;

		if (pos + i >= p->len)
		{
			json_error(p, p->len, "unexpected end of input in \\u escape");
			return -1;
		}
		h = mesh_hex_digit(p->s[pos + i]);
		if (h < 0)
		{
			json_error(p, escape_pos, "invalid \\u escape: expected 4 hex digits");
			return -1;
		}
		v = v * 16 + h;
	}
	return v;
}

static void
append_utf8(MeshBuf *buf, unsigned long cp)
{
	char		out[4];
	size_t		n;

	if (cp < 0x80)
	{
		out[0] = (char) cp;
		n = 1;
	}
	else if (cp < 0x800)
	{
		out[0] = (char) (0xC0 | (cp >> 6));
		out[1] = (char) (0x80 | (cp & 0x3F));
		n = 2;
	}
	else if (cp < 0x10000)
	{
		out[0] = (char) (0xE0 | (cp >> 12));
		out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char) (0x80 | (cp & 0x3F));
		n = 3;
	}
	else
	{
		out[0] = (char) (0xF0 | (cp >> 18));
		out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char) (0x80 | (cp & 0x3F));
		n = 4;
	}
	mesh_buf_append(buf, out, n);
}

/*
 * Decode the escape at *pos (a backslash) into p->scratch and move *pos
 * past it.
 */
static bool
json_parse_escape(JsonParser *p, size_t *pos)
{
	size_t		i = *pos;
	long		cp;
	long		lo;
	char		c;

	if (p->len - i < 2)
	{
		json_error(p, p->len, "unexpected end of input in string");
		return false;
	}
	switch (p->s[i + 1])
	{
		case '"':
			c = '"';
			break;
		case '\\':
			c = '\\';
			break;
		case '/':
			c = '/';
			break;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 't':
			c = '\t';
			break;
		case 'u':
			cp = json_hex4(p, i + 2, i);
			if (cp < 0)
				return false;
			if (cp == 0)
			{
				/* our strings are NUL-terminated C strings */
				json_error(p, i, "\\u0000 is not allowed");
				return false;
			}
			if (cp >= 0xDC00 && cp <= 0xDFFF)
			{
				json_error(p, i, "lone low surrogate \\u%04lX", cp);
				return false;
			}
			if (cp >= 0xD800 && cp <= 0xDBFF)
			{
				/* must be followed by \u and a low surrogate */
				size_t		avail = p->len - (i + 6);

				if ((avail >= 1 && p->s[i + 6] != '\\') ||
					(avail >= 2 && p->s[i + 7] != 'u'))
				{
					json_error(p, i, "lone high surrogate \\u%04lX", cp);
					return false;
				}
				if (avail < 2)
				{
					json_error(p, p->len, "unexpected end of input in string");
					return false;
				}
				lo = json_hex4(p, i + 8, i + 6);
				if (lo < 0)
					return false;
				if (lo < 0xDC00 || lo > 0xDFFF)
				{
					json_error(p, i, "lone high surrogate \\u%04lX", cp);
					return false;
				}
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				*pos = i + 12;
			}
			else
				*pos = i + 6;
			append_utf8(&p->scratch, (unsigned long) cp);
			return true;
		default:
			{
				char		what[16];

				json_error(p, i + 1, "invalid escape: %s after backslash",
						   json_describe(p, i + 1, what, sizeof(what)));
				return false;
			}
	}
	mesh_buf_append_char(&p->scratch, c);
	*pos = i + 2;
	return true;
}

/*
 * Parse the string literal at p->pos (an opening quote) into a new
 * NUL-terminated string.
 */
static char *
json_parse_string(JsonParser *p, size_t *out_len)
{
	const unsigned char *s = p->s;
	size_t		start = p->pos + 1;
	size_t		run = start;
	size_t		i = start;
	bool		escaped = false;
	char	   *result;

	for (;;)
	{
		unsigned char c;

		/* the common run of printable ASCII, a byte at a time */
		while (i < p->len && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
			i++;
		if (i >= p->len)
		{
			json_error(p, p->len, "unexpected end of input in string");
			return NULL;
		}
		c = s[i];
		if (c == '"')
			break;
		if (c == '\\')
		{
			if (!escaped)
			{
				p->scratch.len = 0;
				escaped = true;
			}
			mesh_buf_append(&p->scratch, (const char *) s + run, i - run);
			if (!json_parse_escape(p, &i))
				return NULL;
			run = i;
		}
		else if (c < 0x20)
		{
			json_error(p, i, "unescaped control character 0x%02X in string",
					   (unsigned) c);
			return NULL;
		}
		else if (c < 0x80)
			i++;
		else
		{
			size_t		n = mesh_utf8_sequence_length(s + i, p->len - i);

			if (n == 0)
			{
				json_error(p, i, "invalid UTF-8 in string");
				return NULL;
			}
			i += n;
		}
	}

	if (escaped)
	{
		mesh_buf_append(&p->scratch, (const char *) s + run, i - run);
		result = json_strndup(p, p->scratch.data, p->scratch.len);
		*out_len = p->scratch.len;
	}
	else
	{
		result = json_strndup(p, (const char *) s + start, i - start);
		*out_len = i - start;
	}
	p->pos = i + 1;
	return result;
}

static inline bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* The digits of a fraction or exponent at *i, at least one; where names it. */
static bool
json_skip_digits(JsonParser *p, size_t *i, const char *where)
{
	if (*i >= p->len || !is_digit(p->s[*i]))
	{
		json_error(p, *i, "invalid number: expected a digit %s", where);
		return false;
	}
	while (*i < p->len && is_digit(p->s[*i]))
		(*i)++;
	return true;
}

static bool
json_parse_number(JsonParser *p, MeshJson *node)
{
	const unsigned char *s = p->s;
	size_t		start = p->pos;
	size_t		i = start;
	bool		negative = false;
	bool		integral = true;

	if (s[i] == '-')
	{
		negative = true;
		i++;
	}
	if (i >= p->len || !is_digit(s[i]))
	{
		char		what[16];

		json_error(p, i, "invalid number: expected a digit, got %s",
				   json_describe(p, i, what, sizeof(what)));
		return false;
	}
	/* no leading zeros: "0" stands alone */
	if (s[i] == '0')
		i++;
	else
		while (i < p->len && is_digit(s[i]))
			i++;
	if (i < p->len && s[i] == '.')
	{
		integral = false;
		i++;
		if (!json_skip_digits(p, &i, "after '.'"))
			return false;
	}
	if (i < p->len && (s[i] == 'e' || s[i] == 'E'))
	{
		integral = false;
		i++;
		if (i < p->len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!json_skip_digits(p, &i, "in the exponent"))
			return false;
	}

	node->type = MJ_NUMBER;
	/* NUL-terminated, so that strtod (mesh_json_real) cannot read past it */
	node->number = json_strndup(p, (const char *) s + start, i - start);
	if (integral)
	{
		/* magnitude, up to 2^63 for a negative number */
		uint64_t	limit = negative ? (uint64_t) INT64_MAX + 1 : (uint64_t) INT64_MAX;
		uint64_t	v = 0;
		size_t		j;

		node->is_integer = true;
		for (j = start + (negative ? 1 : 0); j < i; j++)
		{
			unsigned	d = s[j] - '0';

			if (v > (limit - d) / 10)
			{
				node->is_integer = false;
				break;
			}
			v = v * 10 + d;
		}
		if (node->is_integer)
		{
			if (negative)
				node->integer = v == (uint64_t) INT64_MAX + 1 ? INT64_MIN : -(int64_t) v;
			else
				node->integer = (int64_t) v;
		}
	}
	p->pos = i;
	return true;
}

static bool
json_parse_literal(JsonParser *p, const char *word)
{
	size_t		n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
	{
		json_error(p, p->pos, "invalid literal: expected \"%s\"", word);
		return false;
	}
	p->pos += n;
	return true;
}

/* A string, number, true, false or null at p->pos (not end of input). */
static MeshJson *
json_parse_scalar(JsonParser *p)
{
	MeshJson   *node = json_alloc(p, sizeof(MeshJson));
	char		what[16];

	switch (p->s[p->pos])
	{
		case '"':
			node->type = MJ_STRING;
			node->string = json_parse_string(p, &node->string_len);
			if (node->string == NULL)
				return NULL;
			break;
		case 't':
			node->type = MJ_BOOL;
			node->boolean = true;
			if (!json_parse_literal(p, "true"))
				return NULL;
			break;
		case 'f':
			node->type = MJ_BOOL;
			if (!json_parse_literal(p, "false"))
				return NULL;
			break;
		case 'n':
			node->type = MJ_NULL;
			if (!json_parse_literal(p, "null"))
				return NULL;
			break;
		case '-':
		case '0':
		case '1':
		case '2':
		case '3':
		case '4':
		case '5':
		case '6':
		case '7':
		case '8':
		case '9':
			if (!json_parse_number(p, node))
				return NULL;
			break;
		default:
			json_error(p, p->pos, "expected a JSON value, got %s",
					   json_describe(p, p->pos, what, sizeof(what)));
			return NULL;
	}
	return node;
}

/* The object key at p->pos, then the colon after it. */
static bool
json_parse_key(JsonParser *p)
{
	size_t		keypos;
	size_t		keylen;
	char	   *key;
	char		what[16];

	json_skip_ws(p);
	if (p->pos >= p->len || p->s[p->pos] != '"')
	{
		json_error(p, p->pos, "expected a string for object key, got %s",
				   json_describe(p, p->pos, what, sizeof(what)));
		return false;
	}
	keypos = p->pos;
	key = json_parse_string(p, &keylen);
	if (key == NULL)
		return false;
	if (p->nkeys == p->keys_cap)
	{
		size_t		cap = p->keys_cap > 0 ? p->keys_cap * 2 : 16;

		p->keys = mesh_realloc(p->keys, cap * sizeof(const char *));
		p->key_pos = mesh_realloc(p->key_pos, cap * sizeof(size_t));
		p->keys_cap = cap;
	}
	p->keys[p->nkeys] = key;
	p->key_pos[p->nkeys] = keypos;
	p->nkeys++;

	json_skip_ws(p);
	if (p->pos >= p->len || p->s[p->pos] != ':')
	{
		json_error(p, p->pos, "expected ':' after object key, got %s",
				   json_describe(p, p->pos, what, sizeof(what)));
		return false;
	}
	p->pos++;
	return true;
}

/*
 * Reject duplicate keys (RFC 8259 leaves their meaning open, and readers
 * disagree on it), in linear time whatever the object (mesh_find_duplicate).
 */
static bool
json_check_duplicates(JsonParser *p, const char **keys, const size_t *pos,
					  size_t n)
{
	int			dup = mesh_find_duplicate(keys, (int) n);

	if (dup >= 0)
	{
		json_error(p, pos[dup], "duplicate object key \"%s\"", keys[dup]);
		return false;
	}
	return true;
}

/* Open an array or object at p->pos. */
static MeshJson *
json_open(JsonParser *p)
{
	MeshJson   *node;
	JsonFrame  *frame;

	if (p->nframes >= p->max_depth)
	{
		json_error(p, p->pos, "nesting deeper than %d levels", p->max_depth);
		return NULL;
	}
	node = json_alloc(p, sizeof(MeshJson));
	node->type = p->s[p->pos] == '[' ? MJ_ARRAY : MJ_OBJECT;
	if (p->nframes + 1 > p->frames_cap)
	{
		size_t		cap = (size_t) p->frames_cap;

		p->frames = mesh_grow_array(p->frames, &cap, (size_t) p->nframes + 1,
							   sizeof(JsonFrame));
		p->frames_cap = (int) cap;
	}
	frame = &p->frames[p->nframes++];
	frame->node = node;
	frame->item_base = p->nitems;
	frame->key_base = p->nkeys;
	p->pos++;
	return node;
}

/* Close the innermost container: give it its members. */
static MeshJson *
json_close(JsonParser *p)
{
	JsonFrame  *frame = &p->frames[p->nframes - 1];
	MeshJson   *node = frame->node;
	size_t		n = p->nitems - frame->item_base;

	if (n > (size_t) INT32_MAX)
	{
		json_error(p, p->pos, "too many members");
		return NULL;
	}
	if (node->type == MJ_OBJECT && n > 1 &&
		!json_check_duplicates(p, p->keys + frame->key_base,
							   p->key_pos + frame->key_base, n))
		return NULL;
	node->count = (int) n;
	if (n > 0)
	{
		node->items = json_alloc(p, n * sizeof(MeshJson *));
		memcpy(node->items, p->items + frame->item_base, n * sizeof(MeshJson *));
		if (node->type == MJ_OBJECT)
		{
			node->keys = json_alloc(p, n * sizeof(const char *));
			memcpy(node->keys, p->keys + frame->key_base, n * sizeof(const char *));
		}
	}
	p->nitems = frame->item_base;
	p->nkeys = frame->key_base;
	p->nframes--;
	return node;
}

static MeshJson *
json_parse_document(JsonParser *p)
{
	char		what[16];

	for (;;)
	{
		MeshJson   *node;

		/* a value is expected here */
		json_skip_ws(p);
		if (p->pos >= p->len)
		{
			json_error(p, p->len, "expected a JSON value, got end of input");
			return NULL;
		}
		if (p->s[p->pos] == '[' || p->s[p->pos] == '{')
		{
			char		close = p->s[p->pos] == '[' ? ']' : '}';

			node = json_open(p);
			if (node == NULL)
				return NULL;
			json_skip_ws(p);
			if (p->pos < p->len && p->s[p->pos] == close)
			{
				p->pos++;
				node = json_close(p);
			}
			else
			{
				if (close == '}' && !json_parse_key(p))
					return NULL;
				continue;		/* to its first member's value */
			}
		}
		else
			node = json_parse_scalar(p);

		/*
		 * node is complete: add it to its container, and close every
		 * container that ends right after it.
		 */
		for (;;)
		{
			JsonFrame  *frame;
			char		close;

			if (node == NULL)
				return NULL;
			if (p->nframes == 0)
			{
				json_skip_ws(p);
				if (p->pos < p->len)
				{
					json_error(p, p->pos, "unexpected data after the JSON value: %s",
							   json_describe(p, p->pos, what, sizeof(what)));
					return NULL;
				}
				return node;
			}
			p->items = mesh_grow_array(p->items, &p->items_cap, p->nitems + 1,
								  sizeof(MeshJson *));
			p->items[p->nitems++] = node;

			frame = &p->frames[p->nframes - 1];
			close = frame->node->type == MJ_ARRAY ? ']' : '}';
			json_skip_ws(p);
			if (p->pos < p->len && p->s[p->pos] == ',')
			{
				p->pos++;
				if (close == '}' && !json_parse_key(p))
					return NULL;
				break;			/* to the next member's value */
			}
			if (p->pos < p->len && p->s[p->pos] == close)
			{
				p->pos++;
				node = json_close(p);
				continue;
			}
			json_error(p, p->pos, "expected ',' or '%c' after %s, got %s",
					   close, close == ']' ? "array element" : "object member",
					   json_describe(p, p->pos, what, sizeof(what)));
			return NULL;
		}
	}
}

/*
 * A max_depth below 1 means MESH_JSON_MAX_DEPTH.  Depth counts open arrays
 * and objects: "[[1]]" has depth 2, a lone scalar depth 0.
 */
MeshJson *
mesh_json_parse(const char *text, size_t len, int max_depth,
				char *errbuf, size_t errlen)
{
	JsonParser	p;
	MeshJson   *result;

	memset(&p, 0, sizeof(p));
	p.s = (const unsigned char *) text;
	p.len = text != NULL ? len : 0;
	p.max_depth = max_depth > 0 ? max_depth : MESH_JSON_MAX_DEPTH;
	p.errbuf = errbuf;
	p.errlen = errlen;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';

	result = json_parse_document(&p);

	/* the scratch space; the tree itself belongs to the caller */
	mesh_free(p.items);
	mesh_free(p.keys);
	mesh_free(p.key_pos);
	mesh_free(p.frames);
	mesh_free(p.scratch.data);
	return result;
}

/*
 * Give back a tree of mesh_json_parse before its memory context goes.  In
 * the server its blocks belong to that context and stay until it is reset;
 * standalone builds allocated each piece on its own (json_alloc).
 */
void
mesh_json_free(MeshJson *json)
{
#ifdef MESH_STANDALONE
	int			i;

	if (json == NULL)
		return;
	for (i = 0; i < json->count; i++)
	{
		mesh_json_free(json->items[i]);
		if (json->keys != NULL)
			mesh_free((char *) json->keys[i]);
	}
	mesh_free(json->items);
	mesh_free(json->keys);
	mesh_free((char *) json->number);
	mesh_free((char *) json->string);
	mesh_free(json);
#else
	(void) json;
#endif
}

/*
 * A number's value as a double.  Parsed numbers keep their text, and only
 * the few readers that want a double pay for strtod; an integer that fits
 * int64 converts exactly as strtod would round it.
 */
double
mesh_json_real(const MeshJson *json)
{
	if (json->number == NULL)
		return json->real;
	if (json->is_integer)
		return (double) json->integer;
	/* LC_NUMERIC is "C" in the server and in the standalone tests */
	return strtod(json->number, NULL);
}

/*
 * Object member by key, looking first where *hint says (and leaving it
 * after the member found): readers that take several members in the
 * order they are written find each at once.
 */
MeshJson *
mesh_json_get_next(const MeshJson *obj, const char *key, int *hint)
{
	int			i;

	if (obj == NULL || obj->type != MJ_OBJECT || key == NULL)
		return NULL;
	for (i = 0; i < obj->count; i++)
	{
		int			k = (*hint + i) % obj->count;

		if (obj->keys[k] != NULL && strcmp(obj->keys[k], key) == 0)
		{
			*hint = k + 1;
			return obj->items[k];
		}
	}
	return NULL;
}

MeshJson *
mesh_json_get(const MeshJson *obj, const char *key)
{
	int			i;

	if (obj == NULL || obj->type != MJ_OBJECT || key == NULL)
		return NULL;
	for (i = 0; i < obj->count; i++)
		if (obj->keys[i] != NULL && strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

const char *
mesh_json_get_string(const MeshJson *obj, const char *key)
{
	MeshJson   *v = mesh_json_get(obj, key);

	return v != NULL && v->type == MJ_STRING ? v->string : NULL;
}

const char *
mesh_json_type_name(const MeshJson *json)
{
	static const char *const names[] = {
		[MJ_NULL] = "null", [MJ_BOOL] = "boolean", [MJ_NUMBER] = "number",
		[MJ_STRING] = "string", [MJ_ARRAY] = "array", [MJ_OBJECT] = "object",
	};

	if ((size_t) json->type < MESH_LENGTHOF(names))
		return names[json->type];
	return "value";
}

/*
 * Numbers are written as they were read; a number built by hand (no text)
 * from its integer or real value.  Recursion is bounded by the tree's
 * depth, which the parser bounds for parsed trees.
 */
void
mesh_json_write(MeshBuf *buf, const MeshJson *json)
{
	char		num[64];
	int			i;

	if (json == NULL)
	{
		mesh_buf_append(buf, "null", 4);
		return;
	}
	switch (json->type)
	{
		case MJ_NULL:
			mesh_buf_append(buf, "null", 4);
			break;
		case MJ_BOOL:
			mesh_buf_append_str(buf, json->boolean ? "true" : "false");
			break;
		case MJ_NUMBER:
			if (json->number != NULL)
				mesh_buf_append_str(buf, json->number);
			else if (json->is_integer)
			{
				snprintf(num, sizeof(num), "%lld", (long long) json->integer);
				mesh_buf_append_str(buf, num);
			}
			else if (json->real == json->real &&
					 json->real - json->real == 0.0)
			{
				snprintf(num, sizeof(num), "%.17g", json->real);
				mesh_buf_append_str(buf, num);
			}
			else
				mesh_buf_append(buf, "null", 4);	/* NaN, infinities */
			break;
		case MJ_STRING:
			if (json->string != NULL)
				mesh_buf_append_json_string(buf, json->string, json->string_len);
			else
				mesh_buf_append(buf, "\"\"", 2);
			break;
		case MJ_ARRAY:
			mesh_buf_append_char(buf, '[');
			for (i = 0; i < json->count; i++)
			{
				if (i > 0)
					mesh_buf_append_char(buf, ',');
				mesh_json_write(buf, json->items[i]);
			}
			mesh_buf_append_char(buf, ']');
			break;
		case MJ_OBJECT:
			mesh_buf_append_char(buf, '{');
			for (i = 0; i < json->count; i++)
			{
				const char *key = json->keys[i] != NULL ? json->keys[i] : "";

				if (i > 0)
					mesh_buf_append_char(buf, ',');
				mesh_buf_append_json_string(buf, key, strlen(key));
				mesh_buf_append_char(buf, ':');
				mesh_json_write(buf, json->items[i]);
			}
			mesh_buf_append_char(buf, '}');
			break;
	}
}
