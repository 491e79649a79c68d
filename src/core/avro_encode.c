/*-------------------------------------------------------------------------
 *
 * avro_encode.c
 *		  Avro binary encoding (specification 1.11) of one record per call,
 *		  compiled once per (writer record schema, source slots).
 *
 * The mirror of avro_decode.c, for INSERT and create_data_product: rows
 * come in as MeshAvroValue, one per source slot, and leave as the Avro
 * binary encoding of one record of the writer's schema (no framing; the
 * caller puts the Confluent or single-object header in front).  A value
 * that does not fit its field is refused with the field's name, never
 * coerced into something else (README, "Publishing data products").
 *
 * mesh_avro_encoder_create matches each source slot to a top-level field
 * (by name, or an alias of the field, or an alias of the slot), and gives
 * every field no slot provides its bytes once and for all: its default,
 * else null when it is nullable; a field with neither fails the create,
 * naming it.  mesh_avro_encode then writes straight into the caller's
 * MeshBuf; nothing is allocated per row unless a value comes as JSON text
 * (its parse tree, freed before returning).  On failure the MeshBuf is cut
 * back to its length at entry, so a refused row appends nothing.
 *
 * This file compiles the schema into nodes (core/avro_write.h), encodes
 * field defaults, and runs rows: inline fast paths for the usual columns
 * (int, long, float, double, string, timestamps, nullable or not), and
 * for every other value mesh_avro_write_value (avro_write.c), which holds
 * each Avro type's encoding and checks once and reads a row's
 * MeshAvroValue and JSON text alike through a source (core/avro_source.h).
 *
 *
 * WHAT THE CALLER PROVIDES: values[i] for source slot i, per row
 * ------------------------------------------------------------------
 *
 * The value's kind says which of its members hold the value; the field's
 * Avro type then says what is done with it (next table).  present,
 * precision and scale are ignored; logical matters only for integers.
 *
 *	 is_null (or kind AVRO_NULL)  SQL NULL.  Checked first, whatever kind
 *								  says.  Written as null; only for a field
 *								  of type null or a union with a null
 *								  branch, else 'field "x" is not nullable'.
 *	 kind AVRO_BOOLEAN			  boolean
 *	 kind AVRO_INT, AVRO_LONG	  integer.  Its unit is told by logical:
 *								  AVRO_LT_NONE - a plain number (days for a
 *								  date field, microseconds for time and
 *								  timestamp fields); AVRO_LT_DATE - days
 *								  since 1970-01-01; AVRO_LT_TIME_MILLIS or
 *								  _MICROS - MICROSECONDS since midnight;
 *								  any (local-)timestamp logical type -
 *								  MICROSECONDS since 1970-01-01 00:00 (UTC
 *								  for timestamptz).  Microseconds in every
 *								  case, whatever -millis/-micros says.
 *	 kind AVRO_FLOAT, AVRO_DOUBLE real
 *	 kind AVRO_STRING, AVRO_ENUM  data/len: text, UTF-8 (not necessarily
 *								  NUL-terminated)
 *	 kind AVRO_BYTES, AVRO_FIXED  data/len: bytes
 *	 kind AVRO_ARRAY			  nitems/items: one MeshAvroValue per item,
 *								  each by these same rules against the
 *								  array's item type (items may be NULL)
 *	 kind AVRO_RECORD, AVRO_MAP,  data/len: JSON text (MESH_AVRO_JSON names
 *	 AVRO_UNION					  AVRO_RECORD for this), walked against the
 *								  field's type as the JSON table below says
 *
 * A slot whose shape is MESH_SHAPE_JSON always provides JSON text in
 * data/len (unless is_null), whatever kind says.  A slot with needed ==
 * false provides nothing: its field is filled as if it had no slot.
 * Its reader_type and default_value are not used.
 *
 *
 * WHAT EACH AVRO TYPE ACCEPTS (after "union of null and T", see below)
 * --------------------------------------------------------------------
 *
 *	 null			 NULL only
 *	 boolean		 boolean
 *	 int			 integer (logical NONE), -2147483648..2147483647, else
 *					 'value 3000000000 out of range for field "qty" (Avro
 *					 int)'
 *	 long			 integer (logical NONE)
 *	 float			 real, or integer (logical NONE) rounded to the nearest
 *					 float; a finite real beyond float's range is refused,
 *					 NaN and infinities are written as such
 *	 double			 real, or integer (logical NONE)
 *	 string			 text or bytes: valid UTF-8 without NUL bytes
 *	 bytes			 bytes or text, as they are
 *	 fixed			 bytes or text of exactly the fixed's size
 *	 enum			 text: one of the symbols, exactly; anything else is
 *					 refused (the enum's default is for readers, never used
 *					 to write)
 *	 uuid			 text as uuid_in reads it (32 hex digits, a hyphen
 *	 (string)		 allowed after any group of four, optionally in braces),
 *					 written in canonical lowercase 8-4-4-4-12 form; or
 *					 bytes of exactly 16 (the uuid's binary form)
 *	 decimal		 text: [+-]digits[.digits][e[+-]digits] (numeric_out's
 *	 (bytes, fixed)	 form, or a JSON number; ".5" and "5." too), or integer
 *					 (logical NONE).  Fewer fraction digits than the scale
 *					 are padded; more are refused unless the extra ones are
 *					 zeros; more significant digits than the precision (or
 *					 1000) are refused; NaN and infinities are refused.
 *					 Written as the minimal two's-complement big-endian
 *					 unscaled value (fixed: sign-extended to its size)
 *	 date			 integer: days since 1970-01-01 (logical NONE or DATE),
 *					 or microseconds (a timestamp logical: the day it falls
 *					 in, UTC); or text 'YYYY-MM-DD[ BC]'.  Within
 *					 PostgreSQL's date range
 *	 time-millis	 integer: microseconds since midnight (logical NONE or a
 *	 time-micros	 time), 0..86400000000; or text 'HH:MM[:SS[.ffffff]]'.
 *					 time-millis is truncated to milliseconds
 *	 timestamp-*	 integer: microseconds since 1970-01-01 00:00 (logical
 *	 local-timest.-* NONE or a timestamp), or days (logical DATE: midnight);
 *					 or text as in JSON below.  *-millis are truncated
 *					 toward negative infinity to milliseconds (floor).
 *					 Before 4714-11-24 BC (PostgreSQL's first) is refused.
 *					 PostgreSQL's infinities have no Avro value: give them
 *					 as text ("infinity"), which is refused as invalid
 *	 duration		 as fixed(12)
 *	 array			 items, or JSON text
 *	 map, record	 JSON text
 *	 union			 NULL: the null branch.  With exactly one non-null
 *					 branch T (the nullable case): a value for T, directly.
 *					 With several: the first branch, in schema order, that
 *					 holds the value exactly; if none does, the first that
 *					 accepts it by these rules (rounding a number to float
 *					 or double, text as bytes, bytes as text)
 *
 * An integer whose logical is a date, time or timestamp goes only to date,
 * time and timestamp fields as said above (a time only to time fields);
 * plain int, long, float, double and decimal fields refuse it.
 *
 *
 * JSON TEXT (any field type)
 * --------------------------
 *
 * Parsed (strict RFC 8259, at most MESH_AVRO_MAX_DEPTH deep) and walked
 * against the field's type; each value as to_jsonb() shows the PostgreSQL
 * type the README maps the Avro type to ("Reading data products"), which
 * is what the decoder renders:
 *
 *	 null			 null (for null, and unions with a null branch)
 *	 boolean		 true, false
 *	 int, long		 a number with an integral value (5, 5.0, 5e2)
 *	 float, double	 a number, or "NaN", "Infinity", "-Infinity"
 *	 string			 a string
 *	 bytes, fixed	 a string "\\x0a1b" (hex after \x, as to_jsonb(bytea))
 *	 enum			 a string: a symbol
 *	 uuid			 a string, as above
 *	 decimal		 a number (its text, exactly) or a string, as above
 *	 date			 "YYYY-MM-DD[ BC]"
 *	 time-*			 "HH:MM[:SS[.ffffff]]"
 *	 timestamp-*,	 "YYYY-MM-DD[(T| )HH:MM[:SS[.ffffff]][zone]][ BC]", zone
 *	 local-timest.-* Z or +HH, +HH:MM, +HHMM (also with seconds); without a
 *					 zone, UTC.  For local-timestamp-* a zone is ignored,
 *					 as timestamp_in ignores it
 *	 array			 an array
 *	 map			 an object
 *	 record			 an object: members by field name or field alias; a
 *					 missing member takes the field's default, else null
 *					 when the field is nullable, else it is refused; an
 *					 unknown member is refused
 *	 union			 null: the null branch; else the first non-null branch
 *					 (in schema order) that holds the value exactly, else
 *					 the first that takes it (see union above)
 *
 * Field defaults are the schema's, in the Avro specification's JSON
 * encoding (bytes as code points U+0000..U+00FF, a union's default for its
 * first branch, logical types as their underlying type), encoded when the
 * encoder is created.
 *
 * Errors name the field by its path: 'field "address.zip" ...', array items
 * as "tags[2]" (from 0) and map values as "attrs.key".
 *
 * Recursive schemas compile to cyclic graphs of nodes (one node per record
 * type); nesting of records, arrays and maps in a value is limited to
 * MESH_AVRO_MAX_DEPTH, counted as the decoder counts it, so that whatever
 * is written can be read back.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_write.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/avro_resolve.h"
#include "core/calendar.h"
#include "core/map.h"
#include "core/text.h"

/* Nesting of compile_node calls: bounds the stack a hostile schema takes. */
#define AE_MAX_COMPILE_DEPTH	1000

/* Nesting of a field default being encoded. */
#define AE_MAX_DEFAULT_DEPTH	512

/* ------------------------------------------------------------------------
 * The encoder
 * ------------------------------------------------------------------------
 */

/* How the top-level loop writes one field. */
typedef enum EFast
{
	FAST_GENERIC,
	FAST_FILL,					/* bytes made at create time */
	FAST_INT,
	FAST_LONG,
	FAST_FLOAT,
	FAST_DOUBLE,
	FAST_STRING,
	FAST_TS_MICROS,
	FAST_TS_MILLIS
} EFast;

typedef struct EStep
{
	uint8_t		fast;			/* EFast */
	bool		json;			/* the slot always gives JSON text */
	bool		nullable;		/* union of null and the fast type */
	char		null_byte;		/* the null branch's index, encoded */
	char		value_byte;		/* the other branch's index, encoded */
	int			slot;			/* or -1: FAST_FILL */
	size_t		room_after;		/* bytes the fixed-size steps after a
								 * variable-size one may take */
	const char *name;			/* the field's */
	const ENode *node;
	const char *fill;			/* FAST_FILL */
	size_t		fill_len;
} EStep;

struct MeshAvroEncoder
{
	const MeshAvroType *schema;
	int			nslots;
	int			nsteps;
	EStep	   *steps;
	size_t		room_first;		/* reserved at the start of a row */
};

/* ------------------------------------------------------------------------
 * Compiling
 * ------------------------------------------------------------------------
 */

typedef struct ECompiler
{
	MeshMap		memo;			/* record nodes made so far, by type */
	int			depth;
	ENode	   *records;		/* every record node, for the fill pass */
	char		why[512];
} ECompiler;

#define cfail(c, ...) mesh_text_format((c)->why, sizeof((c)->why), __VA_ARGS__)

/* How errors name a type (mesh_avro_append_label). */
static const char *
make_label(const MeshAvroType *t)
{
	MeshBuf		b;

	memset(&b, 0, sizeof(b));
	mesh_avro_append_label(&b, t);
	return b.data;
}

static ENode *
compile_node(ECompiler *c, const MeshAvroType *t)
{
	ENode	   *n;
	int			i;

	if (t->kind == AVRO_RECORD && (n = mesh_map_get(&c->memo, t, NULL, 0)) != NULL)
		return n;				/* done, or in progress: a recursive use */
	if (c->depth >= AE_MAX_COMPILE_DEPTH)
	{
		cfail(c, "schema nests deeper than %d levels", AE_MAX_COMPILE_DEPTH);
		return NULL;
	}
	c->depth++;

	n = mesh_alloc(sizeof(ENode));
	n->type = t;
	n->null_branch = -1;
	n->only_branch = -1;
	switch (t->kind)
	{
		case AVRO_NULL:
			n->op = EO_NULL;
			break;
		case AVRO_BOOLEAN:
			n->op = EO_BOOLEAN;
			break;
		case AVRO_INT:
			n->op = t->logical == AVRO_LT_DATE ? EO_DATE :
				t->logical == AVRO_LT_TIME_MILLIS ? EO_TIME_MILLIS : EO_INT;
			break;
		case AVRO_LONG:
			switch (t->logical)
			{
				case AVRO_LT_TIME_MICROS:
					n->op = EO_TIME_MICROS;
					break;
				case AVRO_LT_TIMESTAMP_MILLIS:
					n->op = EO_TS_MILLIS;
					break;
				case AVRO_LT_TIMESTAMP_MICROS:
					n->op = EO_TS_MICROS;
					break;
				case AVRO_LT_LOCAL_TIMESTAMP_MILLIS:
					n->op = EO_TS_MILLIS;
					n->local = true;
					break;
				case AVRO_LT_LOCAL_TIMESTAMP_MICROS:
					n->op = EO_TS_MICROS;
					n->local = true;
					break;
				default:
					n->op = EO_LONG;
					break;
			}
			break;
		case AVRO_FLOAT:
			n->op = EO_FLOAT;
			break;
		case AVRO_DOUBLE:
			n->op = EO_DOUBLE;
			break;
		case AVRO_STRING:
			n->op = t->logical == AVRO_LT_UUID ? EO_UUID : EO_STRING;
			break;
		case AVRO_BYTES:
		case AVRO_FIXED:
			n->size = t->size;
			if (t->logical == AVRO_LT_DECIMAL)
			{
				n->op = EO_DECIMAL;
				n->fixed_decimal = t->kind == AVRO_FIXED;
				n->precision = t->precision;
				n->scale = t->scale;
			}
			else
				n->op = t->kind == AVRO_FIXED ? EO_FIXED : EO_BYTES;
			break;
		case AVRO_ENUM:
			n->op = EO_ENUM;
			n->nsymbols = t->nsymbols;
			n->symbols = t->symbols;
			n->symbol_lens = mesh_alloc((t->nsymbols > 0 ? t->nsymbols : 1) * sizeof(size_t));
			for (i = 0; i < t->nsymbols; i++)
				n->symbol_lens[i] = strlen(t->symbols[i]);
			break;
		case AVRO_ARRAY:
		case AVRO_MAP:
			n->op = t->kind == AVRO_ARRAY ? EO_ARRAY : EO_MAP;
			n->child = compile_node(c, t->kind == AVRO_ARRAY ? t->items : t->values);
			if (n->child == NULL)
				n = NULL;
			break;
		case AVRO_UNION:
			{
				int			nonnull = 0;

				n->op = EO_UNION;
				n->nbranches = t->nbranches;
				n->branches = mesh_alloc((t->nbranches > 0 ? t->nbranches : 1) * sizeof(ENode *));
				for (i = 0; i < t->nbranches && n != NULL; i++)
				{
					n->branches[i] = compile_node(c, t->branches[i]);
					if (n->branches[i] == NULL)
						n = NULL;
					else if (t->branches[i]->kind == AVRO_NULL)
						n->null_branch = i;
					else
					{
						nonnull++;
						n->only_branch = i;
					}
				}
				if (n != NULL && nonnull != 1)
					n->only_branch = -1;
				break;
			}
		case AVRO_RECORD:
			n->op = EO_RECORD;
			n->label = make_label(t);
			mesh_map_put(&c->memo, t, NULL, 0, n);
			n->next_record = c->records;
			c->records = n;
			n->nfields = t->nfields;
			n->fields = mesh_alloc((t->nfields > 0 ? t->nfields : 1) * sizeof(EField));
			for (i = 0; i < t->nfields; i++)
			{
				n->fields[i].field = &t->fields[i];
				n->fields[i].node = compile_node(c, t->fields[i].type);
				if (n->fields[i].node == NULL)
				{
					n = NULL;
					break;
				}
			}
			break;
	}
	if (n != NULL && n->label == NULL)
		n->label = make_label(t);
	c->depth--;
	return n;
}

/* The JSON type of a default of kind (a union's is its first branch's). */
static MeshJsonType
default_json_type(MeshAvroKind kind)
{
	switch (kind)
	{
		case AVRO_NULL:
			return MJ_NULL;
		case AVRO_BOOLEAN:
			return MJ_BOOL;
		case AVRO_INT:
		case AVRO_LONG:
		case AVRO_FLOAT:
		case AVRO_DOUBLE:
			return MJ_NUMBER;
		case AVRO_ARRAY:
			return MJ_ARRAY;
		case AVRO_RECORD:
		case AVRO_MAP:
			return MJ_OBJECT;
		default:
			return MJ_STRING;	/* string, bytes, fixed, enum */
	}
}

/*
 * Bytes for a field default (the Avro specification's JSON encoding of a
 * value of the field's type, logical types as their underlying type).
 * The schema parser checked it; this still fails cleanly if it is not.
 */
static bool
enc_default(ECompiler *c, const ENode *n, const MeshJson *j, int depth, MeshBuf *o)
{
	const MeshAvroType *t = n->type;
	int			i;

	if (depth > AE_MAX_DEFAULT_DEPTH)
	{
		cfail(c, "default nests deeper than %d levels", AE_MAX_DEFAULT_DEPTH);
		return false;
	}
	if (t->kind != AVRO_UNION && j->type != default_json_type(t->kind))
		goto mismatch;
	switch (t->kind)
	{
		case AVRO_NULL:
			return true;
		case AVRO_BOOLEAN:
			mesh_buf_add_char(o, j->boolean ? 1 : 0);
			return true;
		case AVRO_INT:
		case AVRO_LONG:
			if (!j->is_integer ||
				(t->kind == AVRO_INT && (j->integer < INT32_MIN || j->integer > INT32_MAX)))
				break;
			avro_put_long(o, j->integer);
			return true;
		case AVRO_FLOAT:
			avro_put_float(o, j->number != NULL ? strtof(j->number, NULL) : (float) mesh_json_real(j));
			return true;
		case AVRO_DOUBLE:
			avro_put_double(o, mesh_json_real(j));
			return true;
		case AVRO_STRING:
			avro_put_bytes(o, j->string, j->string_len);
			return true;
		case AVRO_BYTES:
		case AVRO_FIXED:
			{
				/* each code point U+0000..U+00FF is one byte */
				char	   *bytes;
				int64_t		nb;

				bytes = mesh_avro_json_bytes_dup(j, &nb);
				if (bytes == NULL)
				{
					cfail(c, "a %s default may hold only characters U+0000 to U+00FF",
						  mesh_avro_kind_name(t->kind));
					return false;
				}
				if (t->kind == AVRO_FIXED && nb != t->size)
				{
					mesh_free(bytes);
					break;
				}
				if (t->kind == AVRO_BYTES)
					avro_put_long(o, nb);
				mesh_buf_add(o, bytes, (size_t) nb);
				mesh_free(bytes);
				return true;
			}
		case AVRO_ENUM:
			for (i = 0; i < n->nsymbols; i++)
				if (strcmp(n->symbols[i], j->string) == 0)
				{
					avro_put_long(o, i);
					return true;
				}
			break;
		case AVRO_ARRAY:
			if (j->count > 0)
			{
				avro_put_long(o, j->count);
				for (i = 0; i < j->count; i++)
					if (!enc_default(c, n->child, j->items[i], depth + 1, o))
						return false;
			}
			mesh_buf_add_char(o, 0);
			return true;
		case AVRO_MAP:
			if (j->count > 0)
			{
				avro_put_long(o, j->count);
				for (i = 0; i < j->count; i++)
				{
					avro_put_bytes(o, j->keys[i], strlen(j->keys[i]));
					if (!enc_default(c, n->child, j->items[i], depth + 1, o))
						return false;
				}
			}
			mesh_buf_add_char(o, 0);
			return true;
		case AVRO_RECORD:
			for (i = 0; i < n->nfields; i++)
			{
				const MeshAvroField *f = n->fields[i].field;
				const MeshJson *m = mesh_json_get(j, f->name);

				if (m == NULL)
					m = f->default_value;
				if (m == NULL)
				{
					cfail(c, "default lacks field \"%s\" of record \"%s\", which has no default",
						  f->name, t->fullname);
					return false;
				}
				if (!enc_default(c, n->fields[i].node, m, depth + 1, o))
					return false;
			}
			return true;
		case AVRO_UNION:
			/* a union's default is a value of its first branch */
			if (n->nbranches == 0)
				break;
			avro_put_long(o, 0);
			return enc_default(c, n->branches[0], j, depth, o);
	}
mismatch:
	cfail(c, "default does not match its type %s", n->label);
	return false;
}

/* What a field takes when left out: its default, else null if it can. */
static bool
compute_fill(ECompiler *c, EField *f, const MeshAvroType *record)
{
	const ENode *n = f->node;

	if (f->field->default_value != NULL)
	{
		MeshBuf		b;

		memset(&b, 0, sizeof(b));
		mesh_buf_reserve(&b, 0);
		if (!enc_default(c, n, f->field->default_value, 0, &b))
		{
			char		tmp[sizeof(c->why)];

			memcpy(tmp, c->why, sizeof(tmp));
			cfail(c, "field \"%s\" of record \"%s\": invalid default: %s",
				  f->field->name, record->fullname, tmp);
			return false;
		}
		f->has_fill = true;
		f->fill = b.data;
		f->fill_len = b.len;
	}
	else if (n->op == EO_NULL)
	{
		f->has_fill = true;
		f->fill = "";
		f->fill_len = 0;
	}
	else if (n->op == EO_UNION && n->null_branch >= 0)
	{
		char	   *b = mesh_alloc(1);

		b[0] = avro_index_byte(n->null_branch);
		f->has_fill = true;
		f->fill = b;
		f->fill_len = 1;
	}
	return true;
}

/* The fast path of the top-level loop for a field's node. */
static void
choose_fast(EStep *s, const ENode *n)
{
	s->fast = FAST_GENERIC;
	if (n->op == EO_UNION && n->only_branch >= 0 && n->null_branch >= 0 &&
		n->nbranches == 2)
	{
		s->nullable = true;
		s->null_byte = avro_index_byte(n->null_branch);
		s->value_byte = avro_index_byte(n->only_branch);
		n = n->branches[n->only_branch];
	}
	switch ((EOp) n->op)
	{
		case EO_INT:
			s->fast = FAST_INT;
			break;
		case EO_LONG:
			s->fast = FAST_LONG;
			break;
		case EO_FLOAT:
			s->fast = FAST_FLOAT;
			break;
		case EO_DOUBLE:
			s->fast = FAST_DOUBLE;
			break;
		case EO_STRING:
			s->fast = FAST_STRING;
			break;
		case EO_TS_MICROS:
			s->fast = FAST_TS_MICROS;
			break;
		case EO_TS_MILLIS:
			s->fast = FAST_TS_MILLIS;
			break;
		default:
			s->nullable = false;
			break;
	}
}

/*
 * The most bytes a step writes if that is bounded by the schema alone (an
 * integer, a real, a fill), else 0.
 */
static size_t
step_fixed_size(const EStep *s)
{
	size_t		index = s->nullable ? 1 : 0;

	if (s->json)
		return 0;
	switch ((EFast) s->fast)
	{
		case FAST_FILL:
			return s->fill_len;
		case FAST_INT:
		case FAST_LONG:
		case FAST_TS_MICROS:
		case FAST_TS_MILLIS:
			return index + 10;
		case FAST_FLOAT:
			return index + 4;
		case FAST_DOUBLE:
			return index + 8;
		default:
			return 0;
	}
}

/* Whether a slot provides field f: by name, the field's or the slot's aliases. */
static bool
slot_matches(const MeshAvroSlot *slot, const MeshAvroField *f, int pass)
{
	int			a;

	if (pass == 0)
		return strcmp(slot->name, f->name) == 0;
	if (mesh_avro_field_has_alias(f, slot->name))
		return true;
	for (a = 0; a < slot->naliases; a++)
		if (slot->aliases[a] != NULL && strcmp(slot->aliases[a], f->name) == 0)
			return true;
	return false;
}

MeshAvroEncoder *
mesh_avro_encoder_create(const MeshAvroType *schema, const MeshAvroTarget *source,
						 char *errbuf, size_t errlen)
{
	MeshAvroEncoder *enc;
	ECompiler	c;
	ENode	   *root;
	ENode	   *r;
	int		   *slot_of;		/* field -> slot, or -1 */
	int			nslots = source != NULL ? source->nslots : 0;
	int			s;
	int			i;
	int			pass;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (schema == NULL || nslots < 0 || (nslots > 0 && source->slots == NULL))
	{
		mesh_text_format(errbuf, errlen, "no schema or no source");
		return NULL;
	}
	if (schema->kind != AVRO_RECORD)
	{
		mesh_text_format(errbuf, errlen, "the schema is not a record but %s",
				  mesh_avro_kind_name(schema->kind));
		return NULL;
	}

	memset(&c, 0, sizeof(c));
	mesh_map_init(&c.memo, false, 0);
	root = compile_node(&c, schema);
	if (root == NULL)
	{
		mesh_text_format(errbuf, errlen, "%s", c.why);
		mesh_map_free(&c.memo);
		return NULL;
	}
	/* every field's fill, now that every node is complete */
	for (r = c.records; r != NULL; r = r->next_record)
		for (i = 0; i < r->nfields; i++)
			if (!compute_fill(&c, &r->fields[i], r->type))
			{
				mesh_text_format(errbuf, errlen, "%s", c.why);
				mesh_map_free(&c.memo);
				return NULL;
			}
	mesh_map_free(&c.memo);

	/* slots to fields: all by name first, then by aliases */
	slot_of = mesh_alloc((root->nfields > 0 ? root->nfields : 1) * sizeof(int));
	for (i = 0; i < root->nfields; i++)
		slot_of[i] = -1;
	for (s = 0; s < nslots; s++)
	{
		const MeshAvroSlot *slot = &source->slots[s];
		int			found = -1;

		if (slot->name == NULL)
		{
			mesh_text_format(errbuf, errlen, "slot %d has no name", s);
			return NULL;
		}
		if (!slot->needed)
			continue;
		for (pass = 0; pass < 2 && found < 0; pass++)
			for (i = 0; i < root->nfields; i++)
				if (slot_matches(slot, root->fields[i].field, pass))
				{
					found = i;
					break;
				}
		if (found < 0)
		{
			mesh_text_format(errbuf, errlen, "record \"%s\" has no field \"%s\"",
					  schema->fullname, slot->name);
			return NULL;
		}
		if (slot_of[found] >= 0)
		{
			mesh_text_format(errbuf, errlen, "field \"%s\" of record \"%s\" is given twice (by \"%s\" and \"%s\")",
					  root->fields[found].field->name, schema->fullname,
					  source->slots[slot_of[found]].name, slot->name);
			return NULL;
		}
		slot_of[found] = s;
	}

	enc = mesh_alloc(sizeof(MeshAvroEncoder));
	enc->schema = schema;
	enc->nslots = nslots;
	enc->steps = mesh_alloc((root->nfields > 0 ? root->nfields : 1) * sizeof(EStep));
	for (i = 0; i < root->nfields; i++)
	{
		const EField *f = &root->fields[i];
		EStep	   *st;

		if (slot_of[i] < 0)
		{
			if (!f->has_fill)
			{
				mesh_text_format(errbuf, errlen, "field \"%s\" of record \"%s\" has no default and is not nullable, so it needs a value",
						  f->field->name, schema->fullname);
				return NULL;
			}
			if (f->fill_len == 0)
				continue;
			/* consecutive fills are one copy */
			if (enc->nsteps > 0 && enc->steps[enc->nsteps - 1].fast == FAST_FILL)
			{
				EStep	   *prev = &enc->steps[enc->nsteps - 1];
				char	   *joined = mesh_alloc(prev->fill_len + f->fill_len);

				memcpy(joined, prev->fill, prev->fill_len);
				memcpy(joined + prev->fill_len, f->fill, f->fill_len);
				prev->fill = joined;
				prev->fill_len += f->fill_len;
				continue;
			}
			st = &enc->steps[enc->nsteps++];
			st->fast = FAST_FILL;
			st->slot = -1;
			st->name = f->field->name;
			st->fill = f->fill;
			st->fill_len = f->fill_len;
			continue;
		}
		st = &enc->steps[enc->nsteps++];
		st->slot = slot_of[i];
		st->name = f->field->name;
		st->node = f->node;
		st->json = source->slots[slot_of[i]].shape == MESH_SHAPE_JSON;
		choose_fast(st, f->node);
	}
	mesh_free(slot_of);

	/*
	 * The fixed-size steps (integers, reals, fills) write without checking
	 * for room: a row starts by reserving what those before the first
	 * variable-size step take, and each variable-size step reserves, after
	 * itself, what those up to the next one take.
	 */
	{
		size_t		room = 0;

		for (i = enc->nsteps - 1; i >= 0; i--)
		{
			EStep	   *st = &enc->steps[i];
			size_t		fixed = step_fixed_size(st);

			st->room_after = room;
			if (fixed == 0)
				room = 0;		/* variable-size: reserves for itself */
			else
				room += fixed;
		}
		enc->room_first = room;
	}
	return enc;
}

/* ------------------------------------------------------------------------
 * Encoding a row
 * ------------------------------------------------------------------------
 */

/*
 * The usual columns without a call: true when done, false to take the
 * generic path (which also reports any error), having appended nothing.
 * Integers and reals write without checking for room: the caller reserved
 * it (see room_after).
 */
static inline bool
encode_fast(MeshBuf *o, const EStep *s, const MeshAvroValue *v)
{
	char	   *p;
	char	   *start;

	if (v->is_null)
	{
		if (!s->nullable)
			return false;
		if (s->fast == FAST_STRING)
			mesh_buf_reserve(o, 1 + s->room_after);
		o->data[o->len++] = s->null_byte;
		return true;
	}
	switch ((EFast) s->fast)
	{
		case FAST_INT:
		case FAST_LONG:
			if ((v->kind != AVRO_LONG && v->kind != AVRO_INT) || v->logical != AVRO_LT_NONE)
				return false;
			if (s->fast == FAST_INT && (v->integer < INT32_MIN || v->integer > INT32_MAX))
				return false;
			break;
		case FAST_TS_MICROS:
		case FAST_TS_MILLIS:
			if ((v->kind != AVRO_LONG && v->kind != AVRO_INT) ||
				v->logical == AVRO_LT_DATE || v->logical == AVRO_LT_TIME_MILLIS ||
				v->logical == AVRO_LT_TIME_MICROS ||
				!mesh_timestamp_in_range(v->integer, 1000000))
				return false;
			break;
		case FAST_DOUBLE:
			{
				uint64_t	u;

				if (v->kind != AVRO_DOUBLE && v->kind != AVRO_FLOAT)
					return false;
				p = o->data + o->len;
				if (s->nullable)
					*p++ = s->value_byte;
				memcpy(&u, &v->real, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
				u = __builtin_bswap64(u);
#endif
				memcpy(p, &u, 8);
				o->len += s->nullable ? 9 : 8;
				return true;
			}
		case FAST_FLOAT:
			{
				float		f;
				uint32_t	u;

				if (v->kind != AVRO_DOUBLE && v->kind != AVRO_FLOAT)
					return false;
				f = (float) v->real;
				if (isinf(f) && !isinf(v->real))
					return false;
				p = o->data + o->len;
				if (s->nullable)
					*p++ = s->value_byte;
				memcpy(&u, &f, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
				u = __builtin_bswap32(u);
#endif
				memcpy(p, &u, 4);
				o->len += s->nullable ? 5 : 4;
				return true;
			}
		case FAST_STRING:
			if (v->kind != AVRO_STRING ||
				mesh_utf8_invalid_at((const unsigned char *) v->data, v->len) != v->len)
				return false;
			/* its own room, and that of the fixed-size steps after it */
			p = mesh_buf_reserve(o, v->len + 11 + s->room_after);
			start = p;
			if (s->nullable)
				*p++ = s->value_byte;
			if (MESH_LIKELY(v->len < 64))
				*p++ = (char) (v->len * 2);		/* a one-byte length */
			else
			{
				uint64_t	u = (uint64_t) v->len << 1;

				while (u >= 0x80)
				{
					*p++ = (char) (u | 0x80);
					u >>= 7;
				}
				*p++ = (char) u;
			}
			if (v->len > 0)
				memcpy(p, v->data, v->len);
			o->len += (p - start) + v->len;
			return true;
		default:
			return false;
	}
	/* the integers */
	{
		int64_t		x = s->fast == FAST_TS_MILLIS ? mesh_floor_div(v->integer, 1000) : v->integer;
		uint64_t	u = ((uint64_t) x << 1) ^ (uint64_t) (x >> 63);

		p = o->data + o->len;
		start = p;
		if (s->nullable)
			*p++ = s->value_byte;
		while (u >= 0x80)
		{
			*p++ = (char) (u | 0x80);
			u >>= 7;
		}
		*p++ = (char) u;
		o->len += p - start;
	}
	return true;
}

/*
 * A value the fast paths do not take, through mesh_avro_write_value: out
 * of line, so that the loop of the fast paths stays small.
 */
static bool __attribute__((noinline))
encode_value(AvroWriter *e, const EStep *s, const MeshAvroValue *v)
{
	MeshSrc		src;

	e->npath = 0;
	avro_path_push_name(e, s->name, strlen(s->name));
	if (s->json && !v->is_null)
		mesh_src_from_json_text(&src, v->data, v->len);
	else
		mesh_src_from_value(&src, v);
	return mesh_avro_write_value(e, s->node, &src, 1);
}

bool
mesh_avro_encode(MeshAvroEncoder *encoder, const MeshAvroValue *values,
				 MeshBuf *out, char *errbuf, size_t errlen)
{
	size_t		start = out->len;
	AvroWriter	e;
	int			i;

	e.o = out;
	e.errbuf = errbuf;
	e.errlen = errlen;
	e.exact = false;
	e.npath = 0;
	mesh_buf_reserve(out, encoder->room_first);
	for (i = 0; i < encoder->nsteps; i++)
	{
		const EStep *s = &encoder->steps[i];
		const MeshAvroValue *v;

		if (s->fast == FAST_FILL)
		{
			/* reserved */
			memcpy(out->data + out->len, s->fill, s->fill_len);
			out->len += s->fill_len;
			continue;
		}
		v = &values[s->slot];
		if (s->fast != FAST_GENERIC && !s->json && encode_fast(out, s, v))
			continue;
		if (!encode_value(&e, s, v))
		{
			out->len = start;
			if (out->data != NULL)
				out->data[start] = '\0';
			return false;
		}
		/* the room of the fixed-size steps that follow */
		mesh_buf_reserve(out, s->room_after);
	}
	/* the MeshBuf's promise: NUL-terminated (mesh_buf_reserve left room) */
	out->data[out->len] = '\0';
	return true;
}
