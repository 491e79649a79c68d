/*-------------------------------------------------------------------------
 *
 * avro_decode.c
 *		  Avro binary decoding (specification 1.11): the program that
 *		  avro_compile.c made of a writer schema and a target, run over
 *		  one message.
 *
 * This is the hot path of every scan of an Avro topic, and it reads bytes
 * that anyone with write access to a topic can craft, so it is built to be
 * fast and to fail cleanly:
 *
 * - Decoding a message only follows the program (core/avro_program.h):
 *	 resolution was done once, when compiling.  The top-level record is a
 *	 flat list of steps, with inline fast paths for the usual columns (int,
 *	 long, float, double, string, timestamps) and for skipping fields.
 * - Every read is bounds-checked against the end of the message; lengths
 *	 and block counts are checked against the bytes left before anything is
 *	 done with them, so a corrupt length never allocates or loops.  Items
 *	 that take no bytes at all (null, fixed(0), records of such) are charged
 *	 to a per-message budget, so "array of null, count 2^62" fails at once.
 *	 Nesting is limited to MESH_AVRO_MAX_DEPTH records, arrays and maps.
 * - Skipping (writer fields the reader lacks, slots that are not needed)
 *	 validates the encoding fully (varints, lengths, union and enum
 *	 indexes, booleans, block sizes) but checks strings for bounds only:
 *	 UTF-8 is validated only for strings that are returned or rendered.
 *	 Resolution (enum symbols, union branches) applies only to values that
 *	 are returned or rendered.
 * - Nothing is allocated per message for scalar slots.  JSON text and array
 *	 items go to scratch areas owned by the program and reused; they grow
 *	 at most to a small multiple of the message: items to sizeof(value) per
 *	 byte (plus the zero-byte items' budget), JSON text to what the schema
 *	 makes of each byte, capped at jsonb's size limit.
 *
 * Where the specification leaves room, this reads it so: booleans other
 * than 0 and 1, varints over 10 bytes (ints over 5), block sizes that lie
 * and decimals of no bytes are errors; a map's repeated key keeps its last
 * value, as jsonb does.  Values rendered as JSON text follow
 * avro_render.c: as to_jsonb() would show them after mapping them to
 * their PostgreSQL types.
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_program.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/avro_render.h"
#include "core/calendar.h"
#include "core/text.h"

/* ------------------------------------------------------------------------
 * Decoding
 * ------------------------------------------------------------------------
 */

typedef struct Dec
{
	const uint8_t *base;
	const uint8_t *p;
	const uint8_t *end;
	MeshAvroProgram *prog;
	char	   *errbuf;
	size_t		errlen;
	size_t		zero_budget;	/* zero-byte items still allowed */
	size_t		nsegs;			/* in use on prog->segs */
	int			slot;			/* the slot being decoded */
} Dec;

static bool dec_fail(Dec *d, const uint8_t *at, const char *fmt,...)
			__attribute__((format(MESH_PRINTF_ARCHETYPE, 3, 4)));

/* Report "at byte N: ..." and return false. */
static bool
dec_fail(Dec *d, const uint8_t *at, const char *fmt,...)
{
	va_list		ap;
	int			n;

	if (d->errbuf == NULL || d->errlen == 0)
		return false;
	n = snprintf(d->errbuf, d->errlen, "at byte %zu: ", (size_t) (at - d->base));
	va_start(ap, fmt);
	mesh_text_vformat(d->errbuf, d->errlen, n >= 0 ? (size_t) n : d->errlen,
					  fmt, ap);
	va_end(ap);
	return false;
}

static inline size_t
left(const Dec *d)
{
	return (size_t) (d->end - d->p);
}

/* A varint of at most 10 bytes whose value fits 64 bits. */
static bool
read_varint_slow(Dec *d, uint64_t *out, const char *what)
{
	const uint8_t *p = d->p;
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < 10; i++)
	{
		uint8_t		b;

		if (p + i >= d->end)
			return dec_fail(d, d->p, "data ends inside a varint for %s", what);
		b = p[i];
		v |= (uint64_t) (b & 0x7F) << (7 * i);
		if ((b & 0x80) == 0)
		{
			if (i == 9 && b > 1)
				return dec_fail(d, d->p, "varint overflows 64 bits for %s", what);
			d->p = p + i + 1;
			*out = v;
			return true;
		}
	}
	return dec_fail(d, d->p, "varint longer than 10 bytes for %s", what);
}

/*
 * A varint at *pp, a position held in a local by the top-level loop (or
 * d->p itself: read_long); d->p is left alone but on the slow path.
 * Where ten bytes are left, no bounds check is needed before each byte:
 * the common case, unrolled.
 */
static inline __attribute__((always_inline)) bool
take_varint(const uint8_t **pp, Dec *d, const char *what, uint64_t *out)
{
	const uint8_t *p = *pp;
	uint64_t	v;
	uint64_t	b;

	if (MESH_UNLIKELY(d->end - p < 10))
	{
		/* near the end of the message: each byte checked */
		size_t		avail = (size_t) (d->end - p);
		size_t		i;

		v = 0;
		for (i = 0; i < avail; i++)
		{
			b = p[i];
			v |= (b & 0x7F) << (7 * i);
			if (b < 0x80)
			{
				*pp = p + i + 1;
				*out = v;
				return true;
			}
		}
		/* truncated: let the slow path say so */
	}
	else
	{
		b = p[0];
		v = b & 0x7F;
		if (b < 0x80)
		{
			*pp = p + 1;
			*out = v;
			return true;
		}
#define AD_VARINT_BYTE(i) \
		b = p[i]; \
		v |= (b & 0x7F) << (7 * (i)); \
		if (b < 0x80) \
		{ \
			*pp = p + (i) + 1; \
			*out = v; \
			return true; \
		}
		AD_VARINT_BYTE(1);
		AD_VARINT_BYTE(2);
		AD_VARINT_BYTE(3);
		AD_VARINT_BYTE(4);
		AD_VARINT_BYTE(5);
		AD_VARINT_BYTE(6);
		AD_VARINT_BYTE(7);
		AD_VARINT_BYTE(8);
#undef AD_VARINT_BYTE
	}
	d->p = p;
	if (!read_varint_slow(d, out, what))
		return false;
	*pp = d->p;
	return true;
}

/* An Avro long at *pp (see take_varint): a varint, zigzag-decoded. */
static inline __attribute__((always_inline)) bool
take_long(const uint8_t **pp, Dec *d, const char *what, int64_t *out)
{
	uint64_t	u;

	if (!take_varint(pp, d, what, &u))
		return false;
	*out = (int64_t) (u >> 1) ^ -(int64_t) (u & 1);
	return true;
}

static inline bool
read_long(Dec *d, int64_t *out, const char *what)
{
	return take_long(&d->p, d, what, out);
}

/* An int: at most 5 bytes, and a value that fits 32 bits. */
static inline bool
read_int(Dec *d, int64_t *out, const char *what)
{
	const uint8_t *at = d->p;
	int64_t		v;

	if (!read_long(d, &v, what))
		return false;
	if (MESH_UNLIKELY(d->p - at > 5))
		return dec_fail(d, at, "int varint longer than 5 bytes for %s", what);
	if (MESH_UNLIKELY(v < INT32_MIN || v > INT32_MAX))
		return dec_fail(d, at, "int value %lld out of range for %s",
						(long long) v, what);
	*out = v;
	return true;
}

/* A length or a count: a long that is not negative. */
static inline bool
read_length(Dec *d, int64_t *out, const char *kind, const char *what)
{
	const uint8_t *at = d->p;

	if (!read_long(d, out, what))
		return false;
	if (MESH_UNLIKELY(*out < 0))
		return dec_fail(d, at, "negative %s length %lld for %s", kind,
						(long long) *out, what);
	if (MESH_UNLIKELY((uint64_t) *out > left(d)))
		return dec_fail(d, at, "%s length %lld exceeds the %zu bytes left for %s",
						kind, (long long) *out, left(d), what);
	return true;
}

static inline bool
need(Dec *d, size_t n, const char *kind, const char *what)
{
	if (MESH_UNLIKELY(left(d) < n))
		return dec_fail(d, d->p, "%s needs %zu bytes, %zu left for %s",
						kind, n, left(d), what);
	return true;
}

/* The next size bytes (a float, a double, a fixed) at *data, d past them. */
static inline bool
take(Dec *d, size_t size, const char *kind, const char *what,
	 const uint8_t **data)
{
	if (!need(d, size, kind, what))
		return false;
	*data = d->p;
	d->p += size;
	return true;
}

/* A length, then that many bytes (a string, bytes, a map key) at *data. */
static inline bool
take_counted(Dec *d, const char *kind, const char *what,
			 const uint8_t **data, int64_t *len)
{
	if (!read_length(d, len, kind, what))
		return false;
	*data = d->p;
	d->p += *len;
	return true;
}

static inline bool
check_utf8(Dec *d, const uint8_t *s, size_t len, const char *what)
{
	size_t		bad = mesh_utf8_invalid_at(s, len);

	if (MESH_UNLIKELY(bad < len))
	{
		if (s[bad] == 0)
			return dec_fail(d, s + bad, "NUL byte in string for %s", what);
		return dec_fail(d, s + bad, "invalid UTF-8 in string for %s", what);
	}
	return true;
}

/* A union's or an enum's index: a long below count (of things, in kind). */
static inline bool
read_index(Dec *d, const DNode *n, int64_t *idx, int count,
		   const char *kind, const char *things)
{
	const uint8_t *at = d->p;

	if (!read_long(d, idx, n->what))
		return false;
	if (MESH_UNLIKELY(*idx < 0 || *idx >= count))
		return dec_fail(d, at, "%s index %lld out of range for %s (%d %s)",
						kind, (long long) *idx, n->what, count, things);
	return true;
}

static inline bool
read_union_index(Dec *d, const DNode *n, int64_t *idx)
{
	return read_index(d, n, idx, n->nbranches, "union", "branches");
}

static inline bool
enter(Dec *d, int depth, const char *what)
{
	if (MESH_UNLIKELY(depth > MESH_AVRO_MAX_DEPTH))
		return dec_fail(d, d->p, "nesting deeper than %d levels at %s",
						MESH_AVRO_MAX_DEPTH, what);
	return true;
}

/*
 * The header of an array or map block: its item count (0 ends the array or
 * map) and, for a negative count, the block's byte size, whose end goes to
 * *block_end (else NULL).  The count is checked against the bytes left,
 * each item taking at least n->item_min bytes, or against the budget of
 * zero-byte items.
 */
static bool
read_block(Dec *d, const DNode *n, int64_t *count, const uint8_t **block_end)
{
	const uint8_t *at = d->p;
	const uint8_t *limit = d->end;
	int64_t		c;

	*block_end = NULL;
	if (!read_long(d, &c, n->what))
		return false;
	if (c < 0)
	{
		int64_t		size;
		const uint8_t *size_at = d->p;

		if (c == INT64_MIN)
			return dec_fail(d, at, "block count out of range for %s", n->what);
		c = -c;
		if (!read_long(d, &size, n->what))
			return false;
		if (size < 0 || (uint64_t) size > left(d))
			return dec_fail(d, size_at, "block size %lld exceeds the %zu bytes left for %s",
							(long long) size, left(d), n->what);
		*block_end = d->p + size;
		limit = *block_end;
	}
	if (c > 0)
	{
		size_t		room = (size_t) (limit - d->p);

		if (n->item_min > 0)
		{
			if ((uint64_t) c > room / n->item_min)
				return dec_fail(d, at, "block count %lld exceeds the %zu bytes left for %s",
								(long long) c, room, n->what);
		}
		else
		{
			if ((uint64_t) c > d->zero_budget)
				return dec_fail(d, at, "block count %lld exceeds the limit of zero-byte items for %s",
								(long long) c, n->what);
			d->zero_budget -= (size_t) c;
		}
	}
	*count = c;
	return true;
}

static inline bool
end_block(Dec *d, const DNode *n, const uint8_t *block_end, const uint8_t *start)
{
	if (block_end != NULL && d->p != block_end)
		return dec_fail(d, start, "block of %zu bytes declares %zu for %s",
						(size_t) (d->p - start), (size_t) (block_end - start),
						n->what);
	return true;
}

/*
 * The blocks of an array or map, item by item: the specification's block
 * encoding (a count, with the block's size in bytes when the count is
 * negative; a count of 0 ends it).  Start with a zeroed Blocks; each call
 * says whether an item follows (*more).  When one begins a block, count is
 * that block's item count (else 0), read with the block's header just
 * before the item.
 */
typedef struct Blocks
{
	int64_t		left;			/* items left in the block */
	int64_t		count;			/* a block begun with this item: its count */
	const uint8_t *block_end;	/* the block's declared end, or NULL */
	const uint8_t *start;		/* where its items begin; NULL before any */
} Blocks;

static inline bool
next_item(Dec *d, const DNode *n, Blocks *b, bool *more)
{
	b->count = 0;
	if (b->left == 0)
	{
		if (b->start != NULL && !end_block(d, n, b->block_end, b->start))
			return false;
		if (!read_block(d, n, &b->left, &b->block_end))
			return false;
		if (b->left == 0)
		{
			*more = false;
			return true;
		}
		b->count = b->left;
		b->start = d->p;
	}
	b->left--;
	*more = true;
	return true;
}

static bool skip_node(Dec *d, const DNode *n, int depth);
static bool scalar_node(Dec *d, const DNode *n, MeshAvroValue *v);
static bool json_node(Dec *d, const DNode *n, int depth);

/* A map key: a string, validated as UTF-8 when rendered. */
static inline bool
read_key(Dec *d, const DNode *n, const uint8_t **key, size_t *klen, bool validate)
{
	int64_t		len;

	if (!take_counted(d, "map key", n->what, key, &len))
		return false;
	*klen = (size_t) len;
	return !validate || check_utf8(d, *key, *klen, n->what);
}

/* A boolean: one byte, 0 or 1. */
static inline bool
read_boolean(Dec *d, const DNode *n, bool *out)
{
	if (!need(d, 1, "boolean", n->what))
		return false;
	if (MESH_UNLIKELY(*d->p > 1))
		return dec_fail(d, d->p, "boolean byte 0x%02x is neither 0 nor 1 for %s",
						*d->p, n->what);
	*out = *d->p++ != 0;
	return true;
}

/* An enum's index: a long, one of the writer's symbols. */
static inline bool
read_enum_index(Dec *d, const DNode *n, int64_t *idx)
{
	return read_index(d, n, idx, n->nsymbols, "enum", "symbols");
}

static bool
skip_node(Dec *d, const DNode *n, int depth)
{
	int64_t		v;
	bool		b;
	const uint8_t *skipped;

	switch ((DOp) n->op)
	{
		case OP_NULL:
			return true;
		case OP_BOOLEAN:
			return read_boolean(d, n, &b);
		case OP_INT:
			return read_int(d, &v, n->what);
		case OP_LONG:
			return read_long(d, &v, n->what);
		case OP_FLOAT:
			return take(d, 4, "float", n->what, &skipped);
		case OP_DOUBLE:
			return take(d, 8, "double", n->what, &skipped);
		case OP_BYTES:
		case OP_STRING:
			return take_counted(d, n->op == OP_STRING ? "string" : "bytes",
								n->what, &skipped, &v);
		case OP_FIXED:
			return take(d, (size_t) n->size, "fixed", n->what, &skipped);
		case OP_ENUM:
			return read_enum_index(d, n, &v);
		case OP_UNION:
			if (!read_union_index(d, n, &v))
				return false;
			return skip_node(d, n->branches[v], depth);
		case OP_ARRAY:
		case OP_MAP:
			{
				Blocks		b = {0};
				bool		more;

				if (!enter(d, depth + 1, n->what))
					return false;
				for (;;)
				{
					if (!next_item(d, n, &b, &more))
						return false;
					if (!more)
						return true;
					if (n->op == OP_MAP)
					{
						int64_t		klen;

						if (!take_counted(d, "map key", n->what, &skipped, &klen))
							return false;
					}
					if (!skip_node(d, n->child, depth + 1))
						return false;
				}
			}
		case OP_RECORD:
			{
				int			i;

				if (!enter(d, depth + 1, n->what))
					return false;
				for (i = 0; i < n->nfields; i++)
					if (!skip_node(d, n->fields[i].node, depth + 1))
						return false;
				return true;
			}
		case OP_FAIL:
			return dec_fail(d, d->p, "%s", n->failmsg);
	}
	return dec_fail(d, d->p, "internal error: unknown operation %d", n->op);
}

/* Apply a unit conversion and the logical type's range to v->integer. */
static bool
finish_integer(Dec *d, const DNode *n, MeshAvroValue *v, const uint8_t *at)
{
	char		why[128];
	const char *err;

	if (n->conv == CONV_TIMES_1000)
	{
		if (v->integer > INT64_MAX / 1000 || v->integer < INT64_MIN / 1000)
			return dec_fail(d, at, "time value %lld out of range for %s",
							(long long) v->integer, n->what);
		v->integer *= 1000;
	}
	else if (n->conv == CONV_DIV_1000)
		v->integer = mesh_floor_div(v->integer, 1000);
	err = mesh_avro_check_value(v, why, sizeof(why));
	if (err != NULL)
		return dec_fail(d, at, "%s for %s", err, n->what);
	return true;
}

/*
 * A scalar (null, boolean, number, string, bytes, fixed, enum) into v, as
 * resolved for the reader.
 */
static bool
read_scalar(Dec *d, const DNode *n, MeshAvroValue *v)
{
	const uint8_t *at = d->p;
	const uint8_t *data;
	int64_t		i = 0;

	*v = n->tmpl;
	switch ((DOp) n->op)
	{
		case OP_NULL:
			return true;
		case OP_BOOLEAN:
			return read_boolean(d, n, &v->boolean);
		case OP_INT:
		case OP_LONG:
			if (n->op == OP_INT ? !read_int(d, &i, n->what) : !read_long(d, &i, n->what))
				return false;
			if (v->kind == AVRO_FLOAT)
				v->real = (float) i;
			else if (v->kind == AVRO_DOUBLE)
				v->real = (double) i;
			else
			{
				v->integer = i;
				if (n->conv != CONV_NONE || v->logical != AVRO_LT_NONE)
					return finish_integer(d, n, v, at);
			}
			return true;
		case OP_FLOAT:
			{
				float		f;

				if (!take(d, 4, "float", n->what, &data))
					return false;
				memcpy(&f, data, 4);	/* little-endian hosts only */
				v->real = f;
				return true;
			}
		case OP_DOUBLE:
			if (!take(d, 8, "double", n->what, &data))
				return false;
			memcpy(&v->real, data, 8);
			return true;
		case OP_BYTES:
		case OP_STRING:
			if (!take_counted(d, n->op == OP_STRING ? "string" : "bytes",
							  n->what, &data, &i))
				return false;
			v->data = (const char *) data;
			v->len = (size_t) i;
			if (n->utf8 && !check_utf8(d, (const uint8_t *) v->data, v->len, n->what))
				return false;
			if (v->logical == AVRO_LT_UUID)
			{
				char		why[64];

				if (mesh_avro_check_value(v, why, sizeof(why)) != NULL)
					return dec_fail(d, at, "%s for %s", why, n->what);
			}
			return true;
		case OP_FIXED:
			if (!take(d, (size_t) n->size, "fixed", n->what, &data))
				return false;
			v->data = (const char *) data;
			v->len = (size_t) n->size;
			return true;
		case OP_ENUM:
			{
				int			r;

				if (!read_enum_index(d, n, &i))
					return false;
				r = n->enum_map[i];
				if (r < 0)
					return dec_fail(d, at, "enum symbol #%lld of %s is not in the reader's enum, which has no default",
									(long long) i, n->what);
				v->integer = r;
				v->data = n->symbols[r];
				v->len = n->symbol_lens[r];
				return true;
			}
		default:
			break;
	}
	return dec_fail(d, at, "internal error: %s is not a scalar", n->what);
}

static bool
scalar_node(Dec *d, const DNode *n, MeshAvroValue *v)
{
	int64_t		idx;

	/* a union takes the value of its branch, never itself a union */
	if (n->op == OP_UNION)
	{
		if (!read_union_index(d, n, &idx))
			return false;
		n = n->branches[idx];
	}
	if (MESH_UNLIKELY(n->op == OP_FAIL))
		return dec_fail(d, d->p, "%s", n->failmsg);
	return read_scalar(d, n, v);
}

/* An array into the items scratch area (MESH_SHAPE_ARRAY). */
static bool
items_node(Dec *d, const DNode *n, MeshAvroValue *v, int depth)
{
	MeshAvroProgram *prog = d->prog;
	Blocks		b = {0};
	bool		more;
	int64_t		idx;
	size_t		first;

	if (n->op == OP_UNION)
	{
		if (!read_union_index(d, n, &idx))
			return false;
		n = n->branches[idx];
	}
	if (n->op == OP_NULL)
	{
		*v = n->tmpl;
		return true;
	}
	if (n->op != OP_ARRAY)
		return dec_fail(d, d->p, "%s", n->op == OP_FAIL ? n->failmsg : "not an array");
	if (!enter(d, depth + 1, n->what))
		return false;
	*v = n->tmpl;
	first = prog->nitems;
	for (;;)
	{
		if (!next_item(d, n, &b, &more))
			return false;
		if (!more)
			break;
		if (b.count > 0)
		{
			/* a block begins: room for its items */
			if ((uint64_t) b.count > MESH_MAX_ALLOC / sizeof(MeshAvroValue) - prog->nitems)
				return dec_fail(d, d->p, "too many array items for %s", n->what);
			prog->items = mesh_grow_array(prog->items, &prog->items_cap,
										  prog->nitems + (size_t) b.count,
										  sizeof(MeshAvroValue));
		}
		if (!scalar_node(d, n->child, &prog->items[prog->nitems]))
			return false;
		prog->nitems++;
	}
	if (prog->nitems - first > (size_t) INT32_MAX)
		return dec_fail(d, d->p, "too many array items for %s", n->what);
	v->nitems = (int) (prog->nitems - first);
	prog->slot_off[d->slot] = first;
	return true;
}

/* A new segment on prog->segs (its index), or -1 past the limit. */
static inline bool
push_seg(Dec *d)
{
	MeshAvroProgram *prog = d->prog;

	if (MESH_UNLIKELY(d->nsegs >= prog->segs_cap))
	{
		if (d->nsegs >= MESH_MAX_ALLOC / sizeof(DSeg))
			return dec_fail(d, d->p, "too many map entries and record fields");
		prog->segs = mesh_grow_array(prog->segs, &prog->segs_cap, d->nsegs + 1,
									 sizeof(DSeg));
	}
	memset(&prog->segs[d->nsegs], 0, sizeof(DSeg));
	d->nsegs++;
	return true;
}

/* Bytes of two map keys, for sorting; equal keys by position. */
static int
seg_key_cmp(const DSeg *a, const DSeg *b)
{
	int			c = mesh_bytes_cmp(a->key, a->key_len, b->key, b->key_len);

	if (c != 0)
		return c;
	return a < b ? -1 : a > b ? 1 : 0;
}

/*
 * Mark the map entries segs[0..n) whose key a later entry repeats; true if
 * there are any.  A merge sort, so that a hostile map costs n log n.
 */
static bool
mark_duplicate_keys(MeshAvroProgram *prog, DSeg *segs, size_t n)
{
	uint32_t   *a;
	uint32_t   *b;
	size_t		width;
	size_t		i;
	size_t		j;
	bool		found = false;

	if (n < 2)
		return false;
	if (n <= 16)
	{
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				if (segs[i].key_len == segs[j].key_len &&
					memcmp(segs[i].key, segs[j].key, segs[i].key_len) == 0)
				{
					segs[i].dead = true;
					found = true;
					break;
				}
		return found;
	}
	prog->order = mesh_grow_array(prog->order, &prog->order_cap, 2 * n, sizeof(uint32_t));
	a = prog->order;
	b = prog->order + n;
	for (i = 0; i < n; i++)
		a[i] = (uint32_t) i;
	for (width = 1; width < n; width *= 2)
	{
		size_t		lo;

		for (lo = 0; lo < n; lo += 2 * width)
		{
			size_t		mid = lo + width < n ? lo + width : n;
			size_t		hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t		x = lo;
			size_t		y = mid;
			size_t		k = lo;

			while (x < mid && y < hi)
				b[k++] = seg_key_cmp(&segs[a[x]], &segs[a[y]]) <= 0 ? a[x++] : a[y++];
			while (x < mid)
				b[k++] = a[x++];
			while (y < hi)
				b[k++] = a[y++];
		}
		{
			uint32_t   *t = a;

			a = b;
			b = t;
		}
	}
	/* equal keys are adjacent, in entry order: all but the last die */
	for (i = 0; i + 1 < n; i++)
	{
		DSeg	   *s = &segs[a[i]];
		DSeg	   *t = &segs[a[i + 1]];

		if (s->key_len == t->key_len && memcmp(s->key, t->key, s->key_len) == 0)
		{
			s->dead = true;
			found = true;
		}
	}
	return found;
}

/*
 * Rewrite a map's JSON text from start on as an object of its live entries
 * segs[0..n), written after the text and then moved over it.
 */
static void
rewrite_map(MeshBuf *o, size_t start, DSeg *segs, size_t n)
{
	size_t		region_end = o->len;
	bool		first = true;
	size_t		i;

	mesh_buf_add_char(o, '{');
	for (i = 0; i < n; i++)
	{
		size_t		len = segs[i].end - segs[i].start;

		if (segs[i].dead)
			continue;
		if (!first)
			mesh_buf_add_char(o, ',');
		first = false;
		mesh_buf_reserve(o, len);
		memcpy(o->data + o->len, o->data + segs[i].start, len);
		o->len += len;
	}
	mesh_buf_add_char(o, '}');
	memmove(o->data + start, o->data + region_end, o->len - region_end);
	o->len = start + (o->len - region_end);
}

/* A record whose reader fields come in another order than the writer's. */
static bool
json_record_reordered(Dec *d, const DNode *n, int depth)
{
	MeshAvroProgram *prog = d->prog;
	MeshBuf    *o = &prog->json;
	size_t		base = d->nsegs;
	size_t		start = o->len;
	size_t		region_end;
	int			i;

	for (i = 0; i < n->nout; i++)
		if (!push_seg(d))
			return false;
	for (i = 0; i < n->nfields; i++)
	{
		const DField *f = &n->fields[i];

		if (f->out < 0)
		{
			if (!skip_node(d, f->node, depth))
				return false;
			continue;
		}
		prog->segs[base + f->out].start = o->len;
		if (!json_node(d, f->node, depth))
			return false;
		prog->segs[base + f->out].end = o->len;
	}
	/* the object in reader order after the values, then over them */
	region_end = o->len;
	mesh_buf_add_char(o, '{');
	for (i = 0; i < n->nout; i++)
	{
		if (i > 0)
			mesh_buf_add_char(o, ',');
		mesh_buf_add(o, n->keys[i], n->key_lens[i]);
		if (n->defaults[i] != NULL)
			mesh_buf_add(o, n->defaults[i], n->default_lens[i]);
		else
		{
			DSeg	   *s = &prog->segs[base + i];
			size_t		len = s->end - s->start;

			mesh_buf_reserve(o, len);
			memcpy(o->data + o->len, o->data + s->start, len);
			o->len += len;
		}
	}
	mesh_buf_add_char(o, '}');
	memmove(o->data + start, o->data + region_end, o->len - region_end);
	o->len = start + (o->len - region_end);
	d->nsegs = base;
	return true;
}

static bool
json_node(Dec *d, const DNode *n, int depth)
{
	MeshAvroProgram *prog = d->prog;
	MeshBuf    *o = &prog->json;
	int64_t		idx;

	if (MESH_UNLIKELY(o->len > AD_JSON_LIMIT))
		return dec_fail(d, d->p, "JSON text of %s exceeds %zu bytes", n->what,
						AD_JSON_LIMIT);
	switch ((DOp) n->op)
	{
		case OP_NULL:
		case OP_BOOLEAN:
		case OP_INT:
		case OP_LONG:
		case OP_FLOAT:
		case OP_DOUBLE:
		case OP_BYTES:
		case OP_STRING:
		case OP_FIXED:
		case OP_ENUM:
			{
				MeshAvroValue v;
				const uint8_t *at = d->p;
				char		why[128];

				if (!read_scalar(d, n, &v))
					return false;
				/* the most a string can take escaped, checked before */
				if ((v.kind == AVRO_STRING || v.kind == AVRO_BYTES) &&
					v.len > (AD_JSON_LIMIT - o->len) / 6)
					return dec_fail(d, at, "JSON text of %s exceeds %zu bytes",
									n->what, AD_JSON_LIMIT);
				if (mesh_avro_render_scalar(o, &v, why, sizeof(why)) != NULL)
					return dec_fail(d, at, "%s for %s", why, n->what);
				return true;
			}
		case OP_UNION:
			if (!read_union_index(d, n, &idx))
				return false;
			return json_node(d, n->branches[idx], depth);
		case OP_FAIL:
			return dec_fail(d, d->p, "%s", n->failmsg);
		case OP_ARRAY:
			{
				Blocks		b = {0};
				bool		more;
				bool		first = true;

				if (!enter(d, depth + 1, n->what))
					return false;
				mesh_buf_add_char(o, '[');
				for (;;)
				{
					if (!next_item(d, n, &b, &more))
						return false;
					if (!more)
						break;
					if (!first)
						mesh_buf_add_char(o, ',');
					first = false;
					if (!json_node(d, n->child, depth + 1))
						return false;
				}
				mesh_buf_add_char(o, ']');
				return true;
			}
		case OP_MAP:
			{
				Blocks		b = {0};
				bool		more;
				size_t		base = d->nsegs;
				size_t		start = o->len;
				size_t		nentries;

				if (!enter(d, depth + 1, n->what))
					return false;
				mesh_buf_add_char(o, '{');
				for (;;)
				{
					const uint8_t *key;
					size_t		klen;
					size_t		si;

					if (!next_item(d, n, &b, &more))
						return false;
					if (!more)
						break;
					if (d->nsegs > base)
						mesh_buf_add_char(o, ',');
					if (!read_key(d, n, &key, &klen, true))
						return false;
					if (klen > (AD_JSON_LIMIT - o->len) / 6)
						return dec_fail(d, key, "JSON text of %s exceeds %zu bytes",
										n->what, AD_JSON_LIMIT);
					si = d->nsegs;
					if (!push_seg(d))
						return false;
					prog->segs[si].start = o->len;
					prog->segs[si].key = key;
					prog->segs[si].key_len = klen;
					mesh_buf_append_json_string(o, (const char *) key, klen);
					mesh_buf_add_char(o, ':');
					if (!json_node(d, n->child, depth + 1))
						return false;
					prog->segs[si].end = o->len;
				}
				mesh_buf_add_char(o, '}');
				/* a repeated key: the last value wins, as in jsonb */
				nentries = d->nsegs - base;
				if (mark_duplicate_keys(prog, prog->segs + base, nentries))
				{
					o->len--;	/* the '}' */
					rewrite_map(o, start, prog->segs + base, nentries);
				}
				d->nsegs = base;
				return true;
			}
		case OP_RECORD:
			{
				int			i;

				if (!enter(d, depth + 1, n->what))
					return false;
				if (!n->in_order)
					return json_record_reordered(d, n, depth + 1);
				for (i = 0; i < n->nfields; i++)
				{
					const DField *f = &n->fields[i];

					if (f->out < 0)
					{
						if (!skip_node(d, f->node, depth + 1))
							return false;
						continue;
					}
					mesh_buf_add(o, f->prefix, f->prefix_len);
					if (!json_node(d, f->node, depth + 1))
						return false;
				}
				mesh_buf_add(o, n->suffix, n->suffix_len);
				return true;
			}
	}
	return dec_fail(d, d->p, "internal error: unknown operation %d", n->op);
}

/* ------------------------------------------------------------------------
 * The decoder's entry point
 * ------------------------------------------------------------------------
 */

bool
mesh_avro_decode(MeshAvroProgram *prog, const uint8_t *data, size_t len,
				 MeshAvroValue *values, char *errbuf, size_t errlen)
{
	static const uint8_t empty[1] = {0};
	Dec			d;
	const uint8_t *field_start = NULL;
	const uint8_t *p;
	int			i;

	if (data == NULL)
	{
		data = empty;
		len = 0;
	}
	d.base = data;
	d.p = data;
	d.end = data + len;
	d.prog = prog;
	d.errbuf = errbuf;
	d.errlen = errlen;
	d.zero_budget = len > (SIZE_MAX - AD_ZERO_ITEMS_BASE) / AD_ZERO_ITEMS_PER_BYTE
		? SIZE_MAX : AD_ZERO_ITEMS_BASE + len * AD_ZERO_ITEMS_PER_BYTE;
	d.nsegs = 0;
	d.slot = -1;
	prog->json.len = 0;
	prog->nitems = 0;
	if (prog->nslots > 0)
		memcpy(values, prog->templates, prog->nslots * sizeof(MeshAvroValue));

	/*
	 * The fast paths keep the position in a local, which the compiler can
	 * keep in a register; d.p is brought up to date around everything
	 * that takes &d.
	 */
	p = d.p;
	for (i = 0; i < prog->nsteps; i++)
	{
		const DStep *s = &prog->steps[i];
		const DNode *n = s->node;
		MeshAvroValue *v = &values[s->vslot];
		const uint8_t *at;
		int64_t		x;

		if (s->reread)
			p = field_start;
		else
			field_start = p;
		at = p;
		switch ((DFast) s->fast)
		{
			case F_LONG:
			case F_SKIP_LONG:
				if (!take_long(&p, &d, n->what, &x))
					return false;
				if (s->fast == F_LONG)
					v->integer = x;
				break;
			case F_INT:
			case F_SKIP_INT:
				if (!take_long(&p, &d, n->what, &x))
					return false;
				if (MESH_UNLIKELY(p - at > 5 || x < INT32_MIN || x > INT32_MAX))
				{
					d.p = at;
					return read_int(&d, &x, n->what);	/* says why */
				}
				if (s->fast == F_INT)
					v->integer = x;
				break;
			case F_TIMESTAMP:
				if (!take_long(&p, &d, n->what, &v->integer))
					return false;
				/* the range of PostgreSQL's timestamps (mesh_avro_check_value's) */
				if (MESH_UNLIKELY(v->logical == AVRO_LT_TIMESTAMP_MILLIS ||
								  v->logical == AVRO_LT_LOCAL_TIMESTAMP_MILLIS ?
								  !mesh_timestamp_in_range(v->integer, 1000) :
								  !mesh_timestamp_in_range(v->integer, 1000000)))
				{
					char		why[128];

					mesh_avro_check_value(v, why, sizeof(why));
					return dec_fail(&d, at, "%s for %s", why, n->what);
				}
				break;
			case F_DOUBLE:
				if (MESH_UNLIKELY(d.end - p < 8))
				{
					d.p = p;
					return need(&d, 8, "double", n->what);
				}
				memcpy(&v->real, p, 8);
				p += 8;
				break;
			case F_FLOAT:
				{
					float		f;

					if (MESH_UNLIKELY(d.end - p < 4))
					{
						d.p = p;
						return need(&d, 4, "float", n->what);
					}
					memcpy(&f, p, 4);
					p += 4;
					v->real = f;
					break;
				}
			case F_STRING:
			case F_SKIP_LEN:
				if (!take_long(&p, &d, n->what, &x))
					return false;
				if (MESH_UNLIKELY(x < 0 || (uint64_t) x > (uint64_t) (d.end - p)))
				{
					d.p = at;
					return read_length(&d, &x, n->op == OP_STRING ? "string" : "bytes",
									   n->what);	/* says why */
				}
				if (s->fast == F_STRING)
				{
					v->data = (const char *) p;
					v->len = (size_t) x;
					if (!check_utf8(&d, p, (size_t) x, n->what))
						return false;
				}
				p += x;
				break;
			case F_SKIP_N:
				if (MESH_UNLIKELY((size_t) (d.end - p) < s->n))
				{
					d.p = p;
					return need(&d, s->n, mesh_avro_kind_name(n->tmpl.kind), n->what);
				}
				p += s->n;
				break;
			case F_SKIP:
				d.p = p;
				if (!skip_node(&d, n, 1))
					return false;
				p = d.p;
				break;
			case F_SCALAR:
				d.p = p;
				if (!scalar_node(&d, n, v))
					return false;
				p = d.p;
				break;
			case F_ITEMS:
				d.p = p;
				d.slot = s->slot;
				if (!items_node(&d, n, v, 1))
					return false;
				p = d.p;
				break;
			case F_JSON:
				{
					MeshBuf    *o = &prog->json;
					size_t		start = o->len;

					d.p = p;
					if (!json_node(&d, n, 1))
						return false;
					p = d.p;
					prog->slot_off[s->slot] = start;
					v->len = o->len - start;
					v->is_null = v->len == 4 && memcmp(o->data + start, "null", 4) == 0;
					mesh_buf_add_char(o, '\0');	/* each text NUL-terminated */
					break;
				}
		}
	}
	d.p = p;
	if (d.p != d.end)
		return dec_fail(&d, d.p, "%zu bytes left over after the record",
						(size_t) (d.end - d.p));

	/* the scratch areas are done moving: point into them */
	for (i = 0; i < prog->nfixups; i++)
	{
		int			k = prog->fixups[i];

		if (prog->fixup[k] == FIXUP_ITEMS && values[k].kind == AVRO_ARRAY)
			values[k].items = prog->items + prog->slot_off[k];
		else if (prog->fixup[k] == FIXUP_JSON)
			values[k].data = prog->json.data + prog->slot_off[k];
	}
	return true;
}
