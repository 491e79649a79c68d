/*-------------------------------------------------------------------------
 *
 * core/protobuf_schema.c
 *		  Protobuf schemas: .proto text and serialized FileDescriptorProtos
 *		  into one model (core/protobuf.h)
 *
 * The .proto parser takes what a schema registry holds: syntax, package,
 * imports (read from the texts the caller gives for them, the schema's
 * registry references; Timestamp, Duration and the wrappers are built in),
 * options (skipped), messages with nested messages and enums, fields with
 * labels, map<,>, oneof, reserved and extensions (skipped), enums, services
 * and extends (skipped).  Every read is bounded by the text's length;
 * nesting is bounded by MESH_PB_MAX_DEPTH, imports by
 * MESH_PB_MAX_IMPORT_DEPTH.
 *
 *-------------------------------------------------------------------------
 */
#include "core/protobuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/text.h"

typedef struct Builder
{
	MeshPbFile *file;
	char	   *errbuf;
	size_t		errlen;
	bool		failed;
	bool		proto3;			/* of the file being read */
	bool		importing;		/* reading an import: its messages are not top */
	int			import_depth;
	const MeshPbImport *imports;
	int			nimports;
	char	   *import_state;	/* per import: 0 unread, 1 being read, 2 read */
} Builder;

static void
fail(Builder *b, const char *fmt,...) __attribute__((format(MESH_PRINTF_ARCHETYPE, 2, 3)));

static void
fail(Builder *b, const char *fmt,...)
{
	va_list		ap;

	if (b->failed)
		return;
	b->failed = true;
	va_start(ap, fmt);
	vsnprintf(b->errbuf, b->errlen, fmt, ap);
	va_end(ap);
}

/* Room for element n of an array of n elements (capacity: powers of two). */
static void *
grow(void *array, int n, size_t elemsize)
{
	if (n == 0)
		return mesh_alloc(4 * elemsize);
	if (n >= 4 && (n & (n - 1)) == 0)
	{
		array = mesh_realloc(array, (size_t) n * 2 * elemsize);
		memset((char *) array + (size_t) n * elemsize, 0, (size_t) n * elemsize);
	}
	return array;
}

static char *
join_name(const char *scope, const char *name, size_t namelen)
{
	size_t		slen = strlen(scope);
	char	   *s = mesh_alloc(slen + namelen + 2);

	memcpy(s, scope, slen);
	if (slen > 0)
		s[slen++] = '.';
	memcpy(s + slen, name, namelen);
	s[slen + namelen] = '\0';
	return s;
}

static int
add_message(Builder *b, const char *fullname, int parent)
{
	MeshPbFile *f = b->file;
	int			m = f->nmessages;

	f->messages = grow(f->messages, m, sizeof(MeshPbMessage));
	memset(&f->messages[m], 0, sizeof(MeshPbMessage));
	f->messages[m].fullname = fullname;
	f->nmessages++;
	if (parent < 0)
	{
		if (!b->importing)
		{
			f->top = grow(f->top, f->ntop, sizeof(int));
			f->top[f->ntop++] = m;
		}
	}
	else
	{
		MeshPbMessage *p = &f->messages[parent];

		p->nested = grow(p->nested, p->nnested, sizeof(int));
		p->nested[p->nnested++] = m;
	}
	return m;
}

static MeshPbField *
add_field(Builder *b, int m)
{
	MeshPbMessage *msg = &b->file->messages[m];
	MeshPbField *field;

	msg->fields = grow(msg->fields, msg->nfields, sizeof(MeshPbField));
	field = &msg->fields[msg->nfields++];
	memset(field, 0, sizeof(*field));
	field->oneof = -1;
	field->message = -1;
	field->enumeration = -1;
	return field;
}

/* The name of message m's next oneof (index noneofs); NULL: unnamed. */
static void
add_oneof(Builder *b, int m, const char *name)
{
	MeshPbMessage *msg = &b->file->messages[m];

	msg->oneofs = grow(msg->oneofs, msg->noneofs, sizeof(const char *));
	msg->oneofs[msg->noneofs++] = name ? name : "?";
}

static int
add_enum(Builder *b, const char *fullname)
{
	MeshPbFile *f = b->file;

	f->enums = grow(f->enums, f->nenums, sizeof(MeshPbEnum));
	memset(&f->enums[f->nenums], 0, sizeof(MeshPbEnum));
	f->enums[f->nenums].fullname = fullname;
	return f->nenums++;
}

static void
add_enum_value(Builder *b, int e, const char *name, int32_t number)
{
	MeshPbEnum *en = &b->file->enums[e];

	en->names = grow(en->names, en->nvalues, sizeof(char *));
	en->numbers = grow(en->numbers, en->nvalues, sizeof(int32_t));
	en->names[en->nvalues] = name;
	en->numbers[en->nvalues++] = number;
}

/* ------------------------------------------------------------------------
 * Type names
 * ------------------------------------------------------------------------
 */

static const struct
{
	const char *name;
	MeshPbWellKnown wkt;
	MeshPbType	wrapped;
}			well_known[] = {
	{"google.protobuf.Timestamp", PB_WKT_TIMESTAMP, 0},
	{"google.protobuf.Duration", PB_WKT_DURATION, 0},
	{"google.protobuf.DoubleValue", PB_WKT_WRAPPER, PB_DOUBLE},
	{"google.protobuf.FloatValue", PB_WKT_WRAPPER, PB_FLOAT},
	{"google.protobuf.Int64Value", PB_WKT_WRAPPER, PB_INT64},
	{"google.protobuf.UInt64Value", PB_WKT_WRAPPER, PB_UINT64},
	{"google.protobuf.Int32Value", PB_WKT_WRAPPER, PB_INT32},
	{"google.protobuf.UInt32Value", PB_WKT_WRAPPER, PB_UINT32},
	{"google.protobuf.BoolValue", PB_WKT_WRAPPER, PB_BOOL},
	{"google.protobuf.StringValue", PB_WKT_WRAPPER, PB_STRING},
	{"google.protobuf.BytesValue", PB_WKT_WRAPPER, PB_BYTES},
};

static int
find_message(const MeshPbFile *f, const char *fullname)
{
	for (int i = 0; i < f->nmessages; i++)
		if (strcmp(f->messages[i].fullname, fullname) == 0)
			return i;
	return -1;
}

static int
find_enum(const MeshPbFile *f, const char *fullname)
{
	for (int i = 0; i < f->nenums; i++)
		if (strcmp(f->enums[i].fullname, fullname) == 0)
			return i;
	return -1;
}

/*
 * Resolve a field's type name from the scope of its message outward (a
 * leading '.' means fully qualified), as protoc does for names in one file.
 */
static void
resolve_field(Builder *b, const MeshPbMessage *msg, MeshPbField *field)
{
	const char *name = field->type_name;
	char	   *scope;
	size_t		slen;

	if (name[0] == '.')
		scope = mesh_strndup("", 0);
	else
		scope = mesh_strndup(msg->fullname, strlen(msg->fullname));
	if (name[0] == '.')
		name++;
	slen = strlen(scope);
	for (;;)
	{
		char	   *candidate = join_name(scope, name, strlen(name));
		int			i;

		for (i = 0; i < (int) MESH_LENGTHOF(well_known); i++)
			if (strcmp(candidate, well_known[i].name) == 0)
			{
				if (field->type == PB_ENUM || field->type == PB_GROUP)
					break;
				field->type = PB_MESSAGE;
				field->wkt = well_known[i].wkt;
				field->wrapped_type = well_known[i].wrapped;
				field->presence = !field->repeated;
				mesh_free(candidate);
				mesh_free(scope);
				return;
			}
		if (field->type != PB_ENUM && (i = find_message(b->file, candidate)) >= 0)
		{
			if (field->type != PB_GROUP)
				field->type = PB_MESSAGE;
			field->message = i;
			field->presence = !field->repeated;
			mesh_free(candidate);
			mesh_free(scope);
			return;
		}
		if (field->type != PB_GROUP && (i = find_enum(b->file, candidate)) >= 0)
		{
			field->type = PB_ENUM;
			field->enumeration = i;
			mesh_free(candidate);
			mesh_free(scope);
			return;
		}
		mesh_free(candidate);
		if (slen == 0)
			break;
		while (slen > 0 && scope[slen - 1] != '.')
			slen--;
		if (slen > 0)
			slen--;
		scope[slen] = '\0';
	}
	mesh_free(scope);
	fail(b, "field \"%s\" of message %s: type \"%s\" is not defined in this schema or those it imports (of the well-known types, Timestamp, Duration and the wrappers are built in)",
		 field->name, msg->fullname, field->type_name);
}

static void
sort_by_number(MeshPbMessage *msg)
{
	/* insertion sort: messages have few fields */
	msg->by_number = mesh_alloc(sizeof(int) * (msg->nfields > 0 ? msg->nfields : 1));
	for (int i = 0; i < msg->nfields; i++)
	{
		int			j = i;

		while (j > 0 && msg->fields[msg->by_number[j - 1]].number > msg->fields[i].number)
		{
			msg->by_number[j] = msg->by_number[j - 1];
			j--;
		}
		msg->by_number[j] = i;
	}
}

/* Resolve every type name, index fields by number, check numbers. */
static MeshPbFile *
finish(Builder *b)
{
	MeshPbFile *f = b->file;

	for (int m = 0; m < f->nmessages && !b->failed; m++)
	{
		MeshPbMessage *msg = &f->messages[m];

		for (int i = 0; i < msg->nfields && !b->failed; i++)
		{
			MeshPbField *field = &msg->fields[i];

			if (field->type_name != NULL && field->message < 0 &&
				field->enumeration < 0 && field->wkt == PB_WKT_NONE)
				resolve_field(b, msg, field);
			if (field->number <= 0 || field->number > 536870911)
				fail(b, "field \"%s\" of message %s has number %d, out of range",
					 field->name, msg->fullname, (int) field->number);
		}
		if (b->failed)
			break;
		sort_by_number(msg);
		for (int i = 1; i < msg->nfields; i++)
			if (msg->fields[msg->by_number[i]].number ==
				msg->fields[msg->by_number[i - 1]].number)
				fail(b, "message %s has two fields numbered %d", msg->fullname,
					 (int) msg->fields[msg->by_number[i]].number);
	}
	if (!b->failed && f->ntop == 0)
		fail(b, "the schema defines no message");
	return b->failed ? NULL : f;
}

/* ------------------------------------------------------------------------
 * .proto text
 * ------------------------------------------------------------------------
 */

typedef enum
{
	T_END, T_IDENT, T_NUMBER, T_STRING, T_SYMBOL
} TokKind;

typedef struct Lexer
{
	Builder    *b;
	const char *s;
	size_t		len;
	size_t		pos;
	int			line;
	TokKind		kind;
	const char *tok;			/* into s; strings without their quotes */
	size_t		toklen;
} Lexer;

static bool
is_ident_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		(!first && ((c >= '0' && c <= '9') || c == '.'));
}

static void
next(Lexer *lx)
{
	const char *s = lx->s;

	for (;;)
	{
		while (lx->pos < lx->len && (s[lx->pos] == ' ' || s[lx->pos] == '\t' ||
									 s[lx->pos] == '\r' || s[lx->pos] == '\n'))
		{
			if (s[lx->pos] == '\n')
				lx->line++;
			lx->pos++;
		}
		if (lx->pos + 1 < lx->len && s[lx->pos] == '/' && s[lx->pos + 1] == '/')
		{
			while (lx->pos < lx->len && s[lx->pos] != '\n')
				lx->pos++;
			continue;
		}
		if (lx->pos + 1 < lx->len && s[lx->pos] == '/' && s[lx->pos + 1] == '*')
		{
			lx->pos += 2;
			while (lx->pos + 1 < lx->len && !(s[lx->pos] == '*' && s[lx->pos + 1] == '/'))
			{
				if (s[lx->pos] == '\n')
					lx->line++;
				lx->pos++;
			}
			if (lx->pos + 1 >= lx->len)
			{
				fail(lx->b, "line %d: unterminated comment", lx->line);
				lx->kind = T_END;
				lx->pos = lx->len;
				return;
			}
			lx->pos += 2;
			continue;
		}
		break;
	}
	lx->tok = s + lx->pos;
	lx->toklen = 0;
	if (lx->pos >= lx->len)
	{
		lx->kind = T_END;
		return;
	}
	if (is_ident_char(s[lx->pos], true) || (s[lx->pos] == '.' && lx->pos + 1 < lx->len &&
											is_ident_char(s[lx->pos + 1], true)))
	{
		size_t		start = lx->pos++;

		while (lx->pos < lx->len && is_ident_char(s[lx->pos], false))
			lx->pos++;
		lx->kind = T_IDENT;
		lx->toklen = lx->pos - start;
		return;
	}
	if ((s[lx->pos] >= '0' && s[lx->pos] <= '9') || s[lx->pos] == '-' || s[lx->pos] == '+')
	{
		size_t		start = lx->pos++;

		while (lx->pos < lx->len && (is_ident_char(s[lx->pos], false) ||
									 s[lx->pos] == '-' || s[lx->pos] == '+'))
			lx->pos++;
		lx->kind = T_NUMBER;
		lx->toklen = lx->pos - start;
		return;
	}
	if (s[lx->pos] == '"' || s[lx->pos] == '\'')
	{
		char		q = s[lx->pos++];
		size_t		start = lx->pos;

		while (lx->pos < lx->len && s[lx->pos] != q && s[lx->pos] != '\n')
		{
			if (s[lx->pos] == '\\' && lx->pos + 1 < lx->len)
				lx->pos++;
			lx->pos++;
		}
		if (lx->pos >= lx->len || s[lx->pos] != q)
		{
			fail(lx->b, "line %d: unterminated string", lx->line);
			lx->kind = T_END;
			lx->pos = lx->len;
			return;
		}
		lx->kind = T_STRING;
		lx->tok = s + start;
		lx->toklen = lx->pos - start;
		lx->pos++;
		return;
	}
	lx->kind = T_SYMBOL;
	lx->toklen = 1;
	lx->pos++;
}

static bool
is(Lexer *lx, const char *word)
{
	return (lx->kind == T_IDENT || lx->kind == T_SYMBOL) &&
		lx->toklen == strlen(word) && memcmp(lx->tok, word, lx->toklen) == 0;
}

static void
unexpected(Lexer *lx, const char *wanted)
{
	char		shown[40];

	if (lx->kind == T_END)
		fail(lx->b, "line %d: expected %s, found the end of the schema", lx->line, wanted);
	else
	{
		mesh_text_sanitize(shown, sizeof(shown), lx->tok, lx->toklen, 30);
		fail(lx->b, "line %d: expected %s, found \"%s\"", lx->line, wanted, shown);
	}
}

static bool
expect(Lexer *lx, const char *word)
{
	if (lx->b->failed)
		return false;
	if (!is(lx, word))
	{
		char		wanted[40];

		snprintf(wanted, sizeof(wanted), "\"%s\"", word);
		unexpected(lx, wanted);
		return false;
	}
	next(lx);
	return true;
}

static char *
take_ident(Lexer *lx, const char *what)
{
	char	   *s;

	if (lx->b->failed)
		return NULL;
	if (lx->kind != T_IDENT)
	{
		unexpected(lx, what);
		return NULL;
	}
	s = mesh_strndup(lx->tok, lx->toklen);
	next(lx);
	return s;
}

static bool
take_int(Lexer *lx, int64_t *out)
{
	char		buf[32];
	char	   *end;
	long long	v;

	if (lx->b->failed)
		return false;
	if (lx->kind != T_NUMBER || lx->toklen >= sizeof(buf))
	{
		unexpected(lx, "a number");
		return false;
	}
	memcpy(buf, lx->tok, lx->toklen);
	buf[lx->toklen] = '\0';
	v = strtoll(buf, &end, 0);
	if (*end != '\0' || v < INT32_MIN || v > INT32_MAX)
	{
		unexpected(lx, "an integer");
		return false;
	}
	*out = v;
	next(lx);
	return true;
}

/* Skip up to and past the ';' that ends a statement (or a {} block). */
static void
skip_statement(Lexer *lx)
{
	int			depth = 0;

	while (!lx->b->failed && lx->kind != T_END)
	{
		if (is(lx, "{") || is(lx, "[") || is(lx, "("))
			depth++;
		else if (is(lx, "}") || is(lx, "]") || is(lx, ")"))
		{
			if (--depth < 0)
				return;			/* the end of an enclosing block */
			if (depth == 0 && is(lx, "}"))
			{
				next(lx);
				if (is(lx, ";"))
					next(lx);
				return;
			}
		}
		else if (depth == 0 && is(lx, ";"))
		{
			next(lx);
			return;
		}
		next(lx);
	}
}

/*
 * [packed = true, default = 1, ...] of a field (or NULL: an enum value):
 * packed is kept (writers need it), the rest skipped.
 */
static void
field_options(Lexer *lx, MeshPbField *field)
{
	if (!is(lx, "["))
		return;
	while (!lx->b->failed && lx->kind != T_END && !is(lx, "]"))
	{
		if (is(lx, "packed"))
		{
			next(lx);
			if (is(lx, "="))
			{
				next(lx);
				if (field != NULL && (is(lx, "true") || is(lx, "false")))
					field->packed = is(lx, "true") ? PB_PACKED_TRUE : PB_PACKED_FALSE;
			}
			continue;
		}
		next(lx);
	}
	expect(lx, "]");
}

static const struct
{
	const char *name;
	MeshPbType	type;
}			scalar_types[] = {
	{"double", PB_DOUBLE}, {"float", PB_FLOAT}, {"int64", PB_INT64},
	{"uint64", PB_UINT64}, {"int32", PB_INT32}, {"fixed64", PB_FIXED64},
	{"fixed32", PB_FIXED32}, {"bool", PB_BOOL}, {"string", PB_STRING},
	{"bytes", PB_BYTES}, {"uint32", PB_UINT32}, {"sfixed32", PB_SFIXED32},
	{"sfixed64", PB_SFIXED64}, {"sint32", PB_SINT32}, {"sint64", PB_SINT64},
};

/* A field's type: a scalar's, or PB_MESSAGE with the name to resolve. */
static bool
field_type(Lexer *lx, MeshPbField *field)
{
	if (lx->kind != T_IDENT)
	{
		unexpected(lx, "a field type");
		return false;
	}
	for (int i = 0; i < (int) MESH_LENGTHOF(scalar_types); i++)
		if (is(lx, scalar_types[i].name))
		{
			field->type = scalar_types[i].type;
			next(lx);
			return true;
		}
	field->type = PB_MESSAGE;	/* or enum: resolved later */
	field->type_name = take_ident(lx, "a field type");
	return field->type_name != NULL;
}

static void parse_message(Lexer *lx, const char *scope, int parent, int depth);
static void parse_enum(Lexer *lx, const char *scope);
static void load_import(Builder *b, const char *name, size_t len);

/* name = number [options]; after the label and type */
static void
field_rest(Lexer *lx, MeshPbField *field)
{
	int64_t		number;

	field->name = take_ident(lx, "a field name");
	if (!expect(lx, "=") || !take_int(lx, &number))
		return;
	field->number = (int32_t) number;
	field_options(lx, field);
}

static void
parse_map_field(Lexer *lx, int m, bool proto3, int depth)
{
	Builder    *b = lx->b;
	MeshPbField key = {0},
				value = {0};
	MeshPbField *field,
			   *kf,
			   *vf;
	char	   *name;
	char	   *entry_name;
	int			entry;

	(void) proto3;
	next(lx);					/* map */
	if (!expect(lx, "<") || !field_type(lx, &key) || !expect(lx, ",") ||
		!field_type(lx, &value) || !expect(lx, ">"))
		return;
	if (key.type == PB_MESSAGE || key.type == PB_FLOAT || key.type == PB_DOUBLE ||
		key.type == PB_BYTES)
	{
		fail(b, "line %d: a map's key must be an integer, bool or string", lx->line);
		return;
	}
	field = add_field(b, m);
	field_rest(lx, field);
	if (b->failed || !expect(lx, ";"))
		return;
	if (depth >= MESH_PB_MAX_DEPTH)
	{
		fail(b, "messages nest deeper than %d", MESH_PB_MAX_DEPTH);
		return;
	}
	/* the entry message protoc makes: FieldNameEntry { key = 1; value = 2; } */
	name = mesh_alloc(strlen(field->name) + 8);
	name[0] = '\0';
	for (size_t i = 0, up = 1; field->name[i]; i++)
	{
		char		c = field->name[i];

		if (c == '_')
		{
			up = 1;
			continue;
		}
		if (up && c >= 'a' && c <= 'z')
			c = c - 'a' + 'A';
		up = 0;
		strncat(name, &c, 1);
	}
	strcat(name, "Entry");
	entry_name = join_name(b->file->messages[m].fullname, name, strlen(name));
	mesh_free(name);
	entry = add_message(b, entry_name, m);
	b->file->messages[entry].map_entry = true;
	kf = add_field(b, entry);
	*kf = key;
	kf->name = "key";
	kf->number = 1;
	kf->oneof = kf->message = kf->enumeration = -1;
	vf = add_field(b, entry);
	*vf = value;
	vf->name = "value";
	vf->number = 2;
	vf->oneof = vf->message = vf->enumeration = -1;
	/* add_field may have moved the parent's fields */
	field = &b->file->messages[m].fields[b->file->messages[m].nfields - 1];
	field->repeated = true;
	field->type = PB_MESSAGE;
	field->type_name = entry_name;
}

/*
 * Without [packed = ...], the syntax of the file that defines the field
 * decides: an imported message's may differ from the schema's own.
 */
static void
packed_default(MeshPbField *field, bool proto3)
{
	if (field->packed == PB_PACKED_DEFAULT)
		field->packed = proto3 ? PB_PACKED_TRUE : PB_PACKED_FALSE;
}

static void
parse_field(Lexer *lx, int m, int oneof, int depth)
{
	Builder    *b = lx->b;
	MeshPbField *field;
	bool		proto3 = b->proto3;
	bool		repeated = false,
				optional = false,
				required = false;

	if (is(lx, "repeated"))
		repeated = true;
	else if (is(lx, "optional"))
		optional = true;
	else if (is(lx, "required"))
		required = true;
	if (repeated || optional || required)
		next(lx);
	if (is(lx, "group"))
	{
		fail(b, "line %d: groups are not supported", lx->line);
		return;
	}
	field = add_field(b, m);
	field->repeated = repeated;
	field->oneof = oneof;
	field->presence = !repeated && (optional || required || !proto3 || oneof >= 0);
	field->required = required;
	if (!field_type(lx, field))
		return;
	field_rest(lx, field);
	packed_default(field, proto3);
	expect(lx, ";");
	(void) depth;
}

static void
parse_oneof(Lexer *lx, int m, int index, int depth)
{
	char	   *name;

	next(lx);					/* oneof */
	if ((name = take_ident(lx, "a oneof name")) == NULL || !expect(lx, "{"))
		return;
	add_oneof(lx->b, m, name);
	while (!lx->b->failed && !is(lx, "}"))
	{
		if (lx->kind == T_END)
		{
			unexpected(lx, "\"}\"");
			return;
		}
		if (is(lx, "option"))
			skip_statement(lx);
		else if (is(lx, ";"))
			next(lx);
		else
			parse_field(lx, m, index, depth);
	}
	expect(lx, "}");
}

static void
parse_message(Lexer *lx, const char *scope, int parent, int depth)
{
	Builder    *b = lx->b;
	char	   *name;
	int			m;
	int			noneofs = 0;

	next(lx);					/* message */
	if (depth >= MESH_PB_MAX_DEPTH)
	{
		fail(b, "messages nest deeper than %d", MESH_PB_MAX_DEPTH);
		return;
	}
	if ((name = take_ident(lx, "a message name")) == NULL || !expect(lx, "{"))
		return;
	m = add_message(b, join_name(scope, name, strlen(name)), parent);
	while (!b->failed && !is(lx, "}"))
	{
		if (lx->kind == T_END)
		{
			unexpected(lx, "\"}\"");
			return;
		}
		if (is(lx, "message"))
			parse_message(lx, b->file->messages[m].fullname, m, depth + 1);
		else if (is(lx, "enum"))
			parse_enum(lx, b->file->messages[m].fullname);
		else if (is(lx, "oneof"))
			parse_oneof(lx, m, noneofs++, depth);
		else if (is(lx, "map"))
			parse_map_field(lx, m, b->proto3, depth);
		else if (is(lx, "option") || is(lx, "reserved") || is(lx, "extensions") ||
				 is(lx, "extend"))
			skip_statement(lx);
		else if (is(lx, ";"))
			next(lx);
		else
			parse_field(lx, m, -1, depth);
	}
	expect(lx, "}");
}

static void
parse_enum(Lexer *lx, const char *scope)
{
	Builder    *b = lx->b;
	char	   *name;
	int			e;

	next(lx);					/* enum */
	if ((name = take_ident(lx, "an enum name")) == NULL || !expect(lx, "{"))
		return;
	e = add_enum(b, join_name(scope, name, strlen(name)));
	while (!b->failed && !is(lx, "}"))
	{
		char	   *value;
		int64_t		number;

		if (lx->kind == T_END)
		{
			unexpected(lx, "\"}\"");
			return;
		}
		if (is(lx, "option") || is(lx, "reserved"))
		{
			skip_statement(lx);
			continue;
		}
		if (is(lx, ";"))
		{
			next(lx);
			continue;
		}
		if ((value = take_ident(lx, "an enum value")) == NULL ||
			!expect(lx, "=") || !take_int(lx, &number))
			return;
		field_options(lx, NULL);
		add_enum_value(b, e, value, (int32_t) number);
		expect(lx, ";");
	}
	expect(lx, "}");
	if (!b->failed && b->file->enums[e].nvalues == 0)
		fail(b, "enum %s has no values", b->file->enums[e].fullname);
}

/* import [public|weak] "name"; */
static void
parse_import(Lexer *lx)
{
	const char *name;
	size_t		len;

	next(lx);					/* import */
	if (is(lx, "public") || is(lx, "weak"))
		next(lx);
	if (lx->kind != T_STRING)
	{
		unexpected(lx, "a file name");
		return;
	}
	name = lx->tok;
	len = lx->toklen;
	next(lx);
	if (expect(lx, ";"))
		load_import(lx->b, name, len);
}

/* One .proto text into b: the schema's own or one it imports. */
static void
proto_into(Builder *b, const char *text, size_t len)
{
	Lexer		lx = {0};
	const char *package = "";

	lx.b = b;
	lx.s = text;
	lx.len = len;
	lx.line = 1;
	b->proto3 = false;
	next(&lx);
	while (!b->failed && lx.kind != T_END)
	{
		if (is(&lx, "syntax"))
		{
			next(&lx);
			if (!expect(&lx, "="))
				break;
			if (lx.kind != T_STRING)
			{
				unexpected(&lx, "\"proto2\" or \"proto3\"");
				break;
			}
			if (lx.toklen == 6 && memcmp(lx.tok, "proto3", 6) == 0)
				b->proto3 = true;
			else if (!(lx.toklen == 6 && memcmp(lx.tok, "proto2", 6) == 0))
			{
				unexpected(&lx, "\"proto2\" or \"proto3\"");
				break;
			}
			next(&lx);
			expect(&lx, ";");
		}
		else if (is(&lx, "edition"))
			fail(b, "line %d: editions are not supported (only syntax proto2 and proto3)", lx.line);
		else if (is(&lx, "package"))
		{
			next(&lx);
			if ((package = take_ident(&lx, "a package name")) == NULL)
				package = "";
			expect(&lx, ";");
		}
		else if (is(&lx, "message"))
			parse_message(&lx, package, -1, 0);
		else if (is(&lx, "enum"))
			parse_enum(&lx, package);
		else if (is(&lx, "import"))
			parse_import(&lx);
		else if (is(&lx, "option") || is(&lx, "service") || is(&lx, "extend"))
			skip_statement(&lx);
		else if (is(&lx, ";"))
			next(&lx);
		else
			unexpected(&lx, "syntax, package, import, option, message, enum or service");
	}
	if (!b->importing)
	{
		b->file->package = package;
		b->file->proto3 = b->proto3;
	}
}

/* ------------------------------------------------------------------------
 * Serialized FileDescriptorProto
 * ------------------------------------------------------------------------
 */

typedef struct Reader
{
	const uint8_t *p;
	const uint8_t *end;
} Reader;

static bool
rd_varint(Reader *r, uint64_t *v)
{
	return mesh_pb_varint(&r->p, r->end, v);
}

/* The next field: number, wire type; a LEN's span or a varint's value. */
static bool
rd_field(Reader *r, uint32_t *number, int *wt, uint64_t *v, Reader *span)
{
	uint64_t	tag;

	if (!rd_varint(r, &tag) || (tag >> 3) == 0 || (tag >> 3) > 536870911)
		return false;
	*number = (uint32_t) (tag >> 3);
	*wt = (int) (tag & 7);
	switch (*wt)
	{
		case 0:
			return rd_varint(r, v);
		case 1:
			if (r->end - r->p < 8)
				return false;
			r->p += 8;
			return true;
		case 5:
			if (r->end - r->p < 4)
				return false;
			r->p += 4;
			return true;
		case 2:
			if (!rd_varint(r, v) || *v > (uint64_t) (r->end - r->p))
				return false;
			span->p = r->p;
			span->end = r->p + *v;
			r->p += *v;
			return true;
		default:
			return false;		/* groups: not in descriptors */
	}
}

static char *
span_str(Reader *s)
{
	return mesh_strndup((const char *) s->p, (size_t) (s->end - s->p));
}

static bool desc_message(Builder *b, Reader r, const char *scope, int parent, int depth);

/* Varint option number of an options message: *set when there (the last wins). */
static bool
desc_bool_option(Reader r, uint32_t number, bool *set, uint64_t *value)
{
	uint32_t	n;
	int			wt;
	uint64_t	v;
	Reader		span;

	*set = false;
	while (r.p < r.end)
	{
		if (!rd_field(&r, &n, &wt, &v, &span))
			return false;
		if (n == number && wt == 0)
		{
			*set = true;
			*value = v;
		}
	}
	return true;
}

static bool
desc_enum(Builder *b, Reader r, const char *scope)
{
	uint32_t	n;
	int			wt;
	uint64_t	v;
	Reader		span;
	int			e = add_enum(b, NULL);

	while (r.p < r.end)
	{
		if (!rd_field(&r, &n, &wt, &v, &span))
			return false;
		if (n == 1 && wt == 2)
			b->file->enums[e].fullname = join_name(scope, (const char *) span.p,
												   (size_t) (span.end - span.p));
		else if (n == 2 && wt == 2)
		{
			uint32_t	n2;
			int			wt2;
			uint64_t	v2;
			Reader		s2;
			char	   *name = NULL;
			int32_t		number = 0;

			while (span.p < span.end)
			{
				if (!rd_field(&span, &n2, &wt2, &v2, &s2))
					return false;
				if (n2 == 1 && wt2 == 2)
					name = span_str(&s2);
				else if (n2 == 2 && wt2 == 0)
					number = (int32_t) v2;
			}
			if (name == NULL)
				return false;
			add_enum_value(b, e, name, number);
		}
	}
	return b->file->enums[e].fullname != NULL && b->file->enums[e].nvalues > 0;
}

static bool
desc_field(Builder *b, Reader r, int m, bool proto3)
{
	uint32_t	n;
	int			wt;
	uint64_t	v;
	Reader		span;
	MeshPbField *field = add_field(b, m);
	int			label = 1;
	bool		proto3_optional = false;

	while (r.p < r.end)
	{
		if (!rd_field(&r, &n, &wt, &v, &span))
			return false;
		if (n == 1 && wt == 2)
			field->name = span_str(&span);
		else if (n == 3 && wt == 0)
			field->number = (int32_t) v;
		else if (n == 4 && wt == 0)
			label = (int) v;
		else if (n == 5 && wt == 0)
		{
			if (v < 1 || v > 18)
				return false;
			field->type = (MeshPbType) v;
		}
		else if (n == 6 && wt == 2)
			field->type_name = span_str(&span);
		else if (n == 9 && wt == 0)
			field->oneof = (int) (v & 0x7FFFFFFF);
		else if (n == 17 && wt == 0)
			proto3_optional = v != 0;
		else if (n == 8 && wt == 2)
		{
			/* FieldOptions: packed (2) */
			bool		set;

			if (!desc_bool_option(span, 2, &set, &v))
				return false;
			if (set)
				field->packed = v ? PB_PACKED_TRUE : PB_PACKED_FALSE;
		}
	}
	if (field->name == NULL || field->type == 0)
		return false;
	if (field->type == PB_GROUP)
	{
		fail(b, "field \"%s\": groups are not supported", field->name);
		return false;
	}
	if ((field->type == PB_MESSAGE || field->type == PB_ENUM) && field->type_name == NULL)
		return false;
	field->repeated = label == 3;
	if (proto3_optional)
		field->oneof = -1;		/* its oneof is synthetic: not a real one */
	field->presence = !field->repeated &&
		(!proto3 || proto3_optional || field->oneof >= 0 || label == 2);
	field->required = label == 2;
	packed_default(field, proto3);
	return true;
}

static bool
desc_message(Builder *b, Reader r, const char *scope, int parent, int depth)
{
	uint32_t	n;
	int			wt;
	uint64_t	v;
	Reader		span;
	const uint8_t *start = r.p;
	char	   *fullname = NULL;
	int			m;

	if (depth >= MESH_PB_MAX_DEPTH)
	{
		fail(b, "messages nest deeper than %d", MESH_PB_MAX_DEPTH);
		return false;
	}
	/* the name first (it may come after the fields) */
	while (r.p < r.end)
	{
		if (!rd_field(&r, &n, &wt, &v, &span))
			return false;
		if (n == 1 && wt == 2)
			fullname = join_name(scope, (const char *) span.p, (size_t) (span.end - span.p));
	}
	if (fullname == NULL)
		return false;
	m = add_message(b, fullname, parent);
	r.p = start;
	while (r.p < r.end)
	{
		if (!rd_field(&r, &n, &wt, &v, &span))
			return false;
		if (n == 2 && wt == 2 && !desc_field(b, span, m, b->proto3))
			return false;
		if (n == 3 && wt == 2 && !desc_message(b, span, fullname, m, depth + 1))
			return false;
		if (n == 4 && wt == 2 && !desc_enum(b, span, fullname))
			return false;
		if (n == 8 && wt == 2)
		{
			/* OneofDescriptorProto: name (1) */
			uint32_t	n2;
			int			wt2;
			uint64_t	v2;
			Reader		s2;
			char	   *name = NULL;

			while (span.p < span.end)
			{
				if (!rd_field(&span, &n2, &wt2, &v2, &s2))
					return false;
				if (n2 == 1 && wt2 == 2)
					name = span_str(&s2);
			}
			add_oneof(b, m, name);
		}
		if (n == 7 && wt == 2)
		{
			/* MessageOptions: map_entry (7) */
			bool		set;

			if (!desc_bool_option(span, 7, &set, &v))
				return false;
			if (set)
				b->file->messages[m].map_entry = v != 0;
		}
	}
	return true;
}

/* One FileDescriptorProto into b: the schema's own or one it imports. */
static void
descriptor_into(Builder *b, const uint8_t *data, size_t len)
{
	Reader		r = {data, data + len};
	uint32_t	n;
	int			wt;
	uint64_t	v;
	Reader		span;
	bool		ok = true;
	const char *package = "";
	bool		proto3 = false;

	/* package, syntax and imports first: names and presence depend on them */
	while (r.p < r.end && ok && !b->failed)
	{
		ok = rd_field(&r, &n, &wt, &v, &span);
		if (ok && n == 2 && wt == 2)
			package = span_str(&span);
		else if (ok && n == 3 && wt == 2)
			load_import(b, (const char *) span.p, (size_t) (span.end - span.p));
		else if (ok && n == 12 && wt == 2)
			proto3 = span.end - span.p == 6 && memcmp(span.p, "proto3", 6) == 0;
	}
	b->proto3 = proto3;
	r.p = data;
	while (r.p < r.end && ok && !b->failed)
	{
		ok = rd_field(&r, &n, &wt, &v, &span);
		if (ok && n == 4 && wt == 2)
			ok = desc_message(b, span, package, -1, 0);
		else if (ok && n == 5 && wt == 2)
			ok = desc_enum(b, span, package);
	}
	if (!ok)
		fail(b, "the FileDescriptorProto is malformed (near byte %zu)",
			 (size_t) (r.p - data));
	if (!b->importing)
	{
		b->file->package = package;
		b->file->proto3 = proto3;
	}
}

/* ------------------------------------------------------------------------
 * Either
 * ------------------------------------------------------------------------
 */

/* A schema as the registry holds it, base64 or text, into b. */
static void
schema_into(Builder *b, const char *text, size_t len)
{
	bool		base64 = len > 0;
	uint8_t    *bytes;
	size_t		n = 0;
	uint32_t	acc = 0;
	int			bits = 0;

	for (size_t i = 0; i < len && base64; i++)
		base64 = mesh_base64_digit((unsigned char) text[i], true) >= 0 || text[i] == '=' || text[i] == '\n' ||
			text[i] == '\r' || text[i] == ' ';
	if (!base64)
	{
		proto_into(b, text, len);
		return;
	}
	bytes = mesh_alloc(len / 4 * 3 + 4);
	for (size_t i = 0; i < len; i++)
	{
		int			d = mesh_base64_digit((unsigned char) text[i], true);

		if (d < 0)
			continue;
		acc = (acc << 6) | (uint32_t) d;
		bits += 6;
		if (bits >= 8)
		{
			bits -= 8;
			bytes[n++] = (uint8_t) (acc >> bits);
		}
	}
	descriptor_into(b, bytes, n);
	/* names point into copies, not into bytes */
	mesh_free(bytes);
}

/*
 * An import: the caller's text of that name, read once however often it
 * is imported; without one, the well-known types' files are left to the
 * built-in types (Confluent's serializers register no references for
 * them), any other is an error.
 */
static void
load_import(Builder *b, const char *name, size_t len)
{
	bool		importing = b->importing;
	bool		proto3 = b->proto3;
	int			i;

	for (i = 0; i < b->nimports; i++)
		if (strlen(b->imports[i].name) == len && memcmp(b->imports[i].name, name, len) == 0)
			break;
	if (i == b->nimports)
	{
		if (!(len > 16 && memcmp(name, "google/protobuf/", 16) == 0))
			fail(b, "import \"%.*s\" is not among the schema's references",
				 (int) (len < 256 ? len : 256), name);
		return;
	}
	if (b->import_state[i] == 2)
		return;
	if (b->import_state[i] == 1)
	{
		fail(b, "import \"%s\" is part of an import cycle", b->imports[i].name);
		return;
	}
	if (b->import_depth >= MESH_PB_MAX_IMPORT_DEPTH)
	{
		fail(b, "imports nest deeper than %d", MESH_PB_MAX_IMPORT_DEPTH);
		return;
	}
	b->import_state[i] = 1;
	b->importing = true;
	b->import_depth++;
	schema_into(b, b->imports[i].text, b->imports[i].len);
	b->import_depth--;
	b->importing = importing;
	b->proto3 = proto3;
	b->import_state[i] = 2;
	if (b->failed && b->import_depth == 0)
	{
		/* say which file: line numbers are that file's */
		char	   *inner = mesh_strndup(b->errbuf, strlen(b->errbuf));

		snprintf(b->errbuf, b->errlen, "in import \"%s\": %s", b->imports[i].name, inner);
		mesh_free(inner);
	}
}

MeshPbFile *
mesh_pb_parse_imports(const char *text, size_t len, const MeshPbImport *imports,
					  int nimports, char *errbuf, size_t errlen)
{
	Builder		b = {0};

	b.file = mesh_alloc(sizeof(MeshPbFile));
	b.file->package = "";
	b.errbuf = errbuf;
	b.errlen = errlen;
	b.imports = imports;
	b.nimports = nimports;
	b.import_state = mesh_alloc((size_t) nimports + 1);
	schema_into(&b, text, len);
	mesh_free(b.import_state);
	return b.failed ? NULL : finish(&b);
}

MeshPbFile *
mesh_pb_parse(const char *text, size_t len, char *errbuf, size_t errlen)
{
	return mesh_pb_parse_imports(text, len, NULL, 0, errbuf, errlen);
}
