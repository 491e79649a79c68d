/*-------------------------------------------------------------------------
 *
 * core/protobuf_decode.c
 *		  Bounds-checked decoding of Protobuf messages into slots
 *
 * A message is scanned once into its occurrences (field, wire type, value
 * or span), each checked against the data's end and the field's wire
 * type; unknown fields are skipped (groups among them to their end).  The
 * occurrences are then chained by field, so that a slot's value is built
 * from its field's occurrences in order: the last for a singular scalar,
 * all for a repeated field (packed or not), and nested messages and maps
 * are scanned the same way, recursively, when rendered as JSON.
 *
 *-------------------------------------------------------------------------
 */
#include "core/protobuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/avro_render.h"
#include "core/calendar.h"
#include "core/text.h"

typedef struct Occ
{
	int			field;			/* index in the message's fields */
	int			wt;
	uint64_t	v;				/* varint or fixed value */
	const uint8_t *p;			/* LEN: the span */
	size_t		n;
	int			next;			/* the field's next occurrence, or -1 */
} Occ;

typedef struct Scan
{
	Occ		   *occs;
	int			nocc;
	size_t		cap;
	int		   *first;			/* by field index */
} Scan;

struct MeshPbProgram
{
	const MeshPbFile *file;
	const MeshPbMessage *msg;
	int			nslots;
	int		   *slot_field;		/* field index, or -1 */
	MeshAvroShape *shape;
	bool	   *needed;
	MeshBuf    *arena;			/* per slot: JSON text, numbers, durations */
	MeshAvroValue **items;
	size_t	   *itemcap;
	Scan		scan;			/* the message's, kept from one to the next */
};

typedef struct Ctx
{
	char	   *errbuf;
	size_t		errlen;
	const MeshPbFile *file;
} Ctx;

static bool
failf(Ctx *c, const char *fmt,...) __attribute__((format(MESH_PRINTF_ARCHETYPE, 2, 3)));

static bool
failf(Ctx *c, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(c->errbuf, c->errlen, fmt, ap);
	va_end(ap);
	return false;
}

/* ------------------------------------------------------------------------
 * Wire
 * ------------------------------------------------------------------------
 */

#define varint mesh_pb_varint
#define wire_type_of mesh_pb_wire_type

static uint64_t
fixed(const uint8_t *p, int n)
{
	uint64_t	v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static const char *
wire_type_name(int wt)
{
	static const char *const names[] = {"varint", "fixed64", "length-delimited",
	"start-group", "end-group", "fixed32", "6", "7"};

	return names[wt & 7];
}

/* Skip an unknown group to its end-group tag. */
static bool
skip_group(Ctx *c, const uint8_t **p, const uint8_t *end, uint64_t number, int depth)
{
	uint64_t	tag,
				v;

	if (depth >= MESH_PB_MAX_DEPTH)
		return failf(c, "groups nest deeper than %d", MESH_PB_MAX_DEPTH);
	for (;;)
	{
		if (!varint(p, end, &tag))
			return failf(c, "truncated group (field %llu)", (unsigned long long) number);
		switch (tag & 7)
		{
			case 0:
				if (!varint(p, end, &v))
					return failf(c, "truncated varint");
				break;
			case 1:
				if (end - *p < 8)
					return failf(c, "truncated fixed64");
				*p += 8;
				break;
			case 5:
				if (end - *p < 4)
					return failf(c, "truncated fixed32");
				*p += 4;
				break;
			case 2:
				if (!varint(p, end, &v) || v > (uint64_t) (end - *p))
					return failf(c, "length beyond the message");
				*p += v;
				break;
			case 3:
				if (!skip_group(c, p, end, tag >> 3, depth + 1))
					return false;
				break;
			case 4:
				if ((tag >> 3) != number)
					return failf(c, "end-group tag for field %llu inside group %llu",
								 (unsigned long long) (tag >> 3), (unsigned long long) number);
				return true;
			default:
				return failf(c, "invalid wire type %d", (int) (tag & 7));
		}
	}
}

/*
 * The field a tag's number names, or NULL.  Fields are most often numbered
 * 1, 2, ... in declaration order: that is one comparison, not a search.
 */
static const MeshPbField *
field_of(const MeshPbFile *file, const MeshPbMessage *msg, uint64_t number)
{
	if (number - 1 < (uint64_t) msg->nfields && msg->fields[number - 1].number == (int32_t) number)
		return &msg->fields[number - 1];
	return mesh_pb_field_by_number(file, msg, (int32_t) number);
}

/* A scan of msg with arrays of its own (scan_free frees them). */
static void
scan_start(Scan *s, const MeshPbMessage *msg)
{
	s->nocc = 0;
	s->occs = NULL;
	s->cap = 0;
	s->first = mesh_alloc(sizeof(int) * (msg->nfields > 0 ? msg->nfields : 1));
}

/*
 * Scan a message's bytes into s (occurrences of known fields), reusing its
 * arrays (from scan_start, or a previous message's).
 */
static bool
scan_fill(Ctx *c, const MeshPbMessage *msg, const uint8_t *data, size_t len, Scan *s, int depth)
{
	const uint8_t *p = data,
			   *end = data + len;

	s->nocc = 0;
	if (depth >= MESH_PB_MAX_DEPTH)
		return failf(c, "messages nest deeper than %d", MESH_PB_MAX_DEPTH);
	while (p < end)
	{
		uint64_t	tag,
					v = 0;
		int			wt;
		const MeshPbField *field;
		size_t		at = (size_t) (p - data);
		Occ		   *o;

		if (!varint(&p, end, &tag))
			return failf(c, "truncated varint (a tag) at byte %zu of %s", at, msg->fullname);
		wt = (int) (tag & 7);
		if ((tag >> 3) == 0 || (tag >> 3) > 536870911)
			return failf(c, "invalid field number %llu at byte %zu of %s",
						 (unsigned long long) (tag >> 3), at, msg->fullname);
		field = field_of(c->file, msg, tag >> 3);
		if (field != NULL && wt != wire_type_of(field->type) &&
			!(wt == 2 && field->repeated && wire_type_of(field->type) != 2))
			return failf(c, "field \"%s\" (number %d) of %s has wire type %s, expected %s",
						 field->name, (int) field->number, msg->fullname,
						 wire_type_name(wt), wire_type_name(wire_type_of(field->type)));
		if (field != NULL && wt == 3)
			return failf(c, "field \"%s\" of %s is a group: groups are not supported",
						 field->name, msg->fullname);
		switch (wt)
		{
			case 0:
				if (!varint(&p, end, &v))
					return failf(c, "truncated varint at byte %zu of %s", at, msg->fullname);
				break;
			case 1:
				if (end - p < 8)
					return failf(c, "truncated fixed64 at byte %zu of %s", at, msg->fullname);
				v = fixed(p, 8);
				p += 8;
				break;
			case 5:
				if (end - p < 4)
					return failf(c, "truncated fixed32 at byte %zu of %s", at, msg->fullname);
				v = fixed(p, 4);
				p += 4;
				break;
			case 2:
				if (!varint(&p, end, &v))
					return failf(c, "truncated varint (a length) at byte %zu of %s", at, msg->fullname);
				if (v > (uint64_t) (end - p))
					return failf(c, "length %llu at byte %zu of %s goes beyond the message",
								 (unsigned long long) v, at, msg->fullname);
				p += v;
				break;
			case 3:
				if (!skip_group(c, &p, end, tag >> 3, depth + 1))
					return false;
				continue;
			default:
				return failf(c, "invalid wire type %d at byte %zu of %s", wt, at, msg->fullname);
		}
		if (field == NULL)
			continue;			/* unknown: skipped */
		s->occs = mesh_grow_array(s->occs, &s->cap, (size_t) s->nocc + 1, sizeof(Occ));
		o = &s->occs[s->nocc++];
		o->field = (int) (field - msg->fields);
		o->wt = wt;
		o->v = v;
		o->p = wt == 2 ? p - v : NULL;
		o->n = wt == 2 ? (size_t) v : 0;
	}
	/* chain each field's occurrences, in order */
	for (int i = 0; i < msg->nfields; i++)
		s->first[i] = -1;
	for (int i = s->nocc - 1; i >= 0; i--)
	{
		s->occs[i].next = s->first[s->occs[i].field];
		s->first[s->occs[i].field] = i;
	}
	return true;
}

/* Scan a message's bytes into s, fresh arrays: scan_free them. */
static bool
scan(Ctx *c, const MeshPbMessage *msg, const uint8_t *data, size_t len, Scan *s, int depth)
{
	scan_start(s, msg);
	return scan_fill(c, msg, data, len, s, depth);
}

static void
scan_free(Scan *s)
{
	if (s->occs)
		mesh_free(s->occs);
	if (s->first)
		mesh_free(s->first);
	s->occs = NULL;
	s->first = NULL;
}

/* ------------------------------------------------------------------------
 * Scalars
 * ------------------------------------------------------------------------
 */

/* One element's raw value of a packed field: advance *p. */
static bool
packed_element(Ctx *c, MeshPbType t, const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	switch (wire_type_of(t))
	{
		case 0:
			if (!varint(p, end, v))
				return failf(c, "truncated varint in a packed field");
			return true;
		case 1:
			if (end - *p < 8)
				return failf(c, "truncated fixed64 in a packed field");
			*v = fixed(*p, 8);
			*p += 8;
			return true;
		case 5:
			if (end - *p < 4)
				return failf(c, "truncated fixed32 in a packed field");
			*v = fixed(*p, 4);
			*p += 4;
			return true;
		default:
			return failf(c, "a packed field of a type that cannot be packed");
	}
}

static const char *
enum_name(const MeshPbEnum *en, int32_t number)
{
	for (int i = 0; i < en->nvalues; i++)
		if (en->numbers[i] == number)
			return en->names[i];
	return NULL;
}

static void
append_u64(MeshBuf *buf, uint64_t v)
{
	char		tmp[24];

	snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long) v);
	mesh_buf_append_str(buf, tmp);
}

/* A value kept in the slot's arena: data set by fix_arena. */
static void
in_arena(MeshBuf *arena, MeshAvroValue *out, const void *bytes, size_t n)
{
	out->integer = (int64_t) arena->len;
	out->data = NULL;
	out->len = n;
	mesh_buf_append(arena, bytes, n);
}

static void
fix_arena(MeshBuf *arena, MeshAvroValue *v)
{
	if (v->data == NULL && (v->kind == AVRO_STRING || v->kind == AVRO_BYTES))
		v->data = arena->data + v->integer;
}

/* A scalar's raw value (varint or fixed bits) as a MeshAvroValue. */
static bool
scalar_value(Ctx *c, const MeshPbField *f, MeshPbType t, uint64_t v, const uint8_t *p,
			 size_t n, MeshBuf *arena, MeshAvroValue *out)
{
	memset(out, 0, sizeof(*out));
	out->present = true;
	switch (t)
	{
		case PB_INT32:
		case PB_SFIXED32:
			out->kind = AVRO_INT;
			out->integer = (int32_t) (uint32_t) v;
			return true;
		case PB_SINT32:
			out->kind = AVRO_INT;
			out->integer = (int32_t) ((uint32_t) v >> 1) ^ -(int32_t) (v & 1);
			return true;
		case PB_INT64:
		case PB_SFIXED64:
			out->kind = AVRO_LONG;
			out->integer = (int64_t) v;
			return true;
		case PB_SINT64:
			out->kind = AVRO_LONG;
			out->integer = (int64_t) (v >> 1) ^ -(int64_t) (v & 1);
			return true;
		case PB_UINT32:
		case PB_FIXED32:
			out->kind = AVRO_LONG;
			out->integer = (uint32_t) v;
			return true;
		case PB_UINT64:
		case PB_FIXED64:
			{
				uint8_t		be[9];

				/* decimal(20,0): big-endian two's complement, non-negative */
				be[0] = 0;
				for (int i = 0; i < 8; i++)
					be[1 + i] = (uint8_t) (v >> (56 - 8 * i));
				out->kind = AVRO_BYTES;
				out->logical = AVRO_LT_DECIMAL;
				out->precision = 20;
				out->scale = 0;
				in_arena(arena, out, be, 9);
				return true;
			}
		case PB_BOOL:
			out->kind = AVRO_BOOLEAN;
			out->boolean = v != 0;
			return true;
		case PB_FLOAT:
			{
				uint32_t	bits = (uint32_t) v;
				float		fl;

				memcpy(&fl, &bits, sizeof(fl));
				out->kind = AVRO_FLOAT;
				out->real = fl;
				return true;
			}
		case PB_DOUBLE:
			memcpy(&out->real, &v, sizeof(double));
			out->kind = AVRO_DOUBLE;
			return true;
		case PB_ENUM:
			{
				const char *name = enum_name(&c->file->enums[f->enumeration], (int32_t) v);

				if (name == NULL)
				{
					/* open enums keep unknown numbers: read as the number */
					out->kind = AVRO_INT;
					out->integer = (int32_t) v;
					return true;
				}
				out->kind = AVRO_ENUM;
				out->data = name;
				out->len = strlen(name);
				return true;
			}
		case PB_STRING:
			{
				size_t		bad = mesh_utf8_invalid_at(p, n);

				if (bad < n)
					return failf(c, "field \"%s\": invalid UTF-8 at byte %zu of the string",
								 f->name, bad);
				out->kind = AVRO_STRING;
				out->data = n > 0 ? (const char *) p : "";
				out->len = n;
				return true;
			}
		case PB_BYTES:
			out->kind = AVRO_BYTES;
			out->data = n > 0 ? (const char *) p : "";
			out->len = n;
			return true;
		default:
			return failf(c, "field \"%s\": not a scalar", f->name);
	}
}

/* A type's zero value (proto3 fields without presence that are absent). */
static bool
zero_value(Ctx *c, const MeshPbField *f, MeshPbType t, MeshBuf *arena, MeshAvroValue *out)
{
	if (t == PB_ENUM)
	{
		const MeshPbEnum *en = &c->file->enums[f->enumeration];

		memset(out, 0, sizeof(*out));
		out->present = true;
		out->kind = AVRO_ENUM;
		out->data = en->names[0];
		for (int i = 0; i < en->nvalues; i++)
			if (en->numbers[i] == 0)
				out->data = en->names[i];
		out->len = strlen(out->data);
		return true;
	}
	return scalar_value(c, f, t, 0, (const uint8_t *) "", 0, arena, out);
}

/* Timestamp and Duration: seconds (1) and nanos (2). */
static bool
seconds_nanos(Ctx *c, const MeshPbField *f, const uint8_t *p, size_t n,
			  int64_t *seconds, int32_t *nanos)
{
	const uint8_t *end = p + n;

	*seconds = 0;
	*nanos = 0;
	while (p < end)
	{
		uint64_t	tag,
					v;

		if (!varint(&p, end, &tag))
			return failf(c, "field \"%s\": truncated varint", f->name);
		if ((tag & 7) == 0)
		{
			if (!varint(&p, end, &v))
				return failf(c, "field \"%s\": truncated varint", f->name);
			if ((tag >> 3) == 1)
				*seconds = (int64_t) v;
			else if ((tag >> 3) == 2)
				*nanos = (int32_t) (uint32_t) v;
		}
		else if ((tag >> 3) == 1 || (tag >> 3) == 2)
			return failf(c, "field \"%s\": wrong wire type %s for seconds or nanos",
						 f->name, wire_type_name((int) (tag & 7)));
		else
		{
			/* unknown field: skip with the generic scanner's rules */
			const uint8_t *q = p;

			if ((tag & 7) == 1 && end - q >= 8)
				p += 8;
			else if ((tag & 7) == 5 && end - q >= 4)
				p += 4;
			else if ((tag & 7) == 2 && varint(&p, end, &v) && v <= (uint64_t) (end - p))
				p += v;
			else
				return failf(c, "field \"%s\": malformed", f->name);
		}
	}
	if (*nanos <= -1000000000 || *nanos >= 1000000000)
		return failf(c, "field \"%s\": nanos %d out of range", f->name, (int) *nanos);
	return true;
}

#define TS_MIN_SECONDS INT64_C(-62135596800)	/* 0001-01-01 */
#define TS_MAX_SECONDS INT64_C(253402300799)	/* 9999-12-31 23:59:59 */

static bool
timestamp_micros(Ctx *c, const MeshPbField *f, const uint8_t *p, size_t n, int64_t *us)
{
	int64_t		s;
	int32_t		ns;

	if (!seconds_nanos(c, f, p, n, &s, &ns))
		return false;
	if (s < TS_MIN_SECONDS || s > TS_MAX_SECONDS || ns < 0)
		return failf(c, "field \"%s\": Timestamp out of range (seconds %lld, nanos %d)",
					 f->name, (long long) s, (int) ns);
	*us = s * 1000000 + ns / 1000;
	return true;
}

static bool
duration_text(Ctx *c, const MeshPbField *f, const uint8_t *p, size_t n, bool json,
			  MeshBuf *out)
{
	int64_t		s;
	int32_t		ns;
	char		tmp[64];
	bool		negative;

	if (!seconds_nanos(c, f, p, n, &s, &ns))
		return false;
	if (s < INT64_C(-315576000000) || s > INT64_C(315576000000) ||
		(s > 0 && ns < 0) || (s < 0 && ns > 0))
		return failf(c, "field \"%s\": Duration out of range (seconds %lld, nanos %d)",
					 f->name, (long long) s, (int) ns);
	negative = s < 0 || ns < 0;
	snprintf(tmp, sizeof(tmp), "%s%lld.%09d%s", negative ? "-" : "",
			 (long long) (s < 0 ? -s : s), (int) (ns < 0 ? -ns : ns),
			 json ? "s" : " seconds");
	mesh_buf_append_str(out, tmp);
	return true;
}

/* ------------------------------------------------------------------------
 * JSON
 * ------------------------------------------------------------------------
 */

static bool render_message(Ctx *c, const MeshPbMessage *msg, const uint8_t *p, size_t n,
						   MeshBuf *out, int depth);

static void
append_base64(MeshBuf *out, const uint8_t *p, size_t n)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	mesh_buf_append_char(out, '"');
	for (size_t i = 0; i < n; i += 3)
	{
		uint32_t	x = (uint32_t) p[i] << 16;
		char		q[4];

		if (i + 1 < n)
			x |= (uint32_t) p[i + 1] << 8;
		if (i + 2 < n)
			x |= p[i + 2];
		q[0] = alphabet[(x >> 18) & 63];
		q[1] = alphabet[(x >> 12) & 63];
		q[2] = i + 1 < n ? alphabet[(x >> 6) & 63] : '=';
		q[3] = i + 2 < n ? alphabet[x & 63] : '=';
		mesh_buf_append(out, q, 4);
	}
	mesh_buf_append_char(out, '"');
}

/* A scalar value (as scalar_value made it) as JSON. */
static void
scalar_json(MeshPbType t, const MeshAvroValue *v, uint64_t raw, MeshBuf *out)
{
	char		why[64];

	switch (v->kind)
	{
		case AVRO_INT:
		case AVRO_LONG:
		case AVRO_FLOAT:
		case AVRO_DOUBLE:

			/*
			 * As the Avro decoder renders them, without printf (most of the
			 * time JSON rendering took): numbers as to_jsonb() shows them,
			 * floats and doubles the shortest that read back
			 */
			(void) mesh_avro_render_scalar(out, v, why, sizeof(why));
			return;
		case AVRO_BOOLEAN:
			mesh_buf_append_str(out, v->boolean ? "true" : "false");
			return;
		case AVRO_ENUM:
		case AVRO_STRING:
			mesh_buf_append_json_string(out, v->data, v->len);
			return;
		case AVRO_BYTES:
			if (t == PB_UINT64 || t == PB_FIXED64)
				append_u64(out, raw);
			else
				append_base64(out, (const uint8_t *) v->data, v->len);
			return;
		default:
			mesh_buf_append_str(out, "null");
	}
}

/* A Timestamp as RFC 3339 text (JSON: quoted). */
static void
timestamp_json(int64_t us, MeshBuf *out)
{
	int64_t		days = us >= 0 ? us / INT64_C(86400000000) :
		-((-us + INT64_C(86399999999)) / INT64_C(86400000000));
	int64_t		rest = us - days * INT64_C(86400000000);
	int64_t		year;
	int			month,
				day;
	char		tmp[64];

	mesh_civil_from_days(days, &year, &month, &day);
	snprintf(tmp, sizeof(tmp), "\"%04lld-%02d-%02dT%02d:%02d:%02d.%06dZ\"",
			 (long long) year, month, day, (int) (rest / INT64_C(3600000000)),
			 (int) (rest / 60000000 % 60), (int) (rest / 1000000 % 60),
			 (int) (rest % 1000000));
	mesh_buf_append_str(out, tmp);
}

/* One value of field f (one occurrence's, or an element of a packed one). */
static bool
value_json(Ctx *c, const MeshPbField *f, uint64_t v, const uint8_t *p, size_t n,
		   MeshBuf *out, int depth)
{
	MeshAvroValue val;
	MeshBuf		scratch = {0};
	bool		ok = true;

	if (f->type == PB_MESSAGE)
	{
		switch (f->wkt)
		{
			case PB_WKT_TIMESTAMP:
				{
					int64_t		us;

					if (!timestamp_micros(c, f, p, n, &us))
						return false;
					timestamp_json(us, out);
					return true;
				}
			case PB_WKT_DURATION:
				mesh_buf_append_char(out, '"');
				if (!duration_text(c, f, p, n, true, out))
					return false;
				mesh_buf_append_char(out, '"');
				return true;
			case PB_WKT_WRAPPER:
				{
					MeshPbField inner = *f;
					const uint8_t *q = p,
							   *end = p + n;
					uint64_t	iv = 0;
					const uint8_t *ip = (const uint8_t *) "";
					size_t		in = 0;

					inner.type = f->wrapped_type;
					inner.wkt = PB_WKT_NONE;
					while (q < end)
					{
						uint64_t	tag;
						int			wt;

						if (!varint(&q, end, &tag))
							return failf(c, "field \"%s\": truncated varint", f->name);
						wt = (int) (tag & 7);
						if ((tag >> 3) == 1 && wt != wire_type_of(inner.type))
							return failf(c, "field \"%s\": wrong wire type %s", f->name,
										 wire_type_name(wt));
						if (wt == 0 && !varint(&q, end, &iv))
							return failf(c, "field \"%s\": truncated varint", f->name);
						else if (wt == 1 || wt == 5)
						{
							if (end - q < (wt == 1 ? 8 : 4))
								return failf(c, "field \"%s\": truncated", f->name);
							iv = fixed(q, wt == 1 ? 8 : 4);
							q += wt == 1 ? 8 : 4;
						}
						else if (wt == 2)
						{
							if (!varint(&q, end, &iv) || iv > (uint64_t) (end - q))
								return failf(c, "field \"%s\": length beyond the message", f->name);
							ip = q;
							in = (size_t) iv;
							q += iv;
						}
						else if (wt != 0)
							return failf(c, "field \"%s\": invalid wire type", f->name);
					}
					return value_json(c, &inner, iv, ip, in, out, depth);
				}
			default:
				return render_message(c, &c->file->messages[f->message], p, n, out, depth + 1);
		}
	}
	ok = scalar_value(c, f, f->type, v, p, n, &scratch, &val);
	if (ok)
	{
		fix_arena(&scratch, &val);
		scalar_json(f->type, &val, v, out);
	}
	if (scratch.data)
		mesh_free(scratch.data);
	return ok;
}

/* Each value of field f's occurrences (packed ones unpacked), as JSON. */
static bool
values_json(Ctx *c, const MeshPbField *f, const Scan *s, int first, MeshBuf *out,
			int depth, bool *any)
{
	for (int i = first; i >= 0; i = s->occs[i].next)
	{
		const Occ  *o = &s->occs[i];

		if (o->wt == 2 && wire_type_of(f->type) != 2)
		{
			const uint8_t *q = o->p,
					   *end = o->p + o->n;

			while (q < end)
			{
				uint64_t	v;

				if (!packed_element(c, f->type, &q, end, &v))
					return false;
				if (*any)
					mesh_buf_append_char(out, ',');
				*any = true;
				if (!value_json(c, f, v, NULL, 0, out, depth))
					return false;
			}
			continue;
		}
		if (*any)
			mesh_buf_append_char(out, ',');
		*any = true;
		if (!value_json(c, f, o->v, o->p, o->n, out, depth))
			return false;
	}
	return true;
}

/* A scalar field's zero value as JSON. */
static bool
zero_json(Ctx *c, const MeshPbField *f, MeshBuf *out)
{
	MeshAvroValue zero;
	MeshBuf		scratch = {0};
	bool		ok = zero_value(c, f, f->type, &scratch, &zero);

	if (ok)
	{
		fix_arena(&scratch, &zero);
		scalar_json(f->type, &zero, 0, out);
	}
	if (scratch.data)
		mesh_free(scratch.data);
	return ok;
}

/* One map entry rendered: its JSON key and "key":value; dropped when its key comes again. */
typedef struct MapEntry
{
	MeshBuf		key;
	MeshBuf		member;
	bool		dropped;
} MapEntry;

/* Pointers into one array of entries: by key, then by position. */
static int
map_entry_cmp(const void *pa, const void *pb)
{
	const MapEntry *a = *(MapEntry *const *) pa;
	const MapEntry *b = *(MapEntry *const *) pb;
	int			c = mesh_bytes_cmp(a->key.data, a->key.len, b->key.data, b->key.len);

	return c != 0 ? c : (a > b) - (a < b);
}

/* Entry e's key and "key":value, from the last key and value it holds. */
static bool
map_entry_json(Ctx *c, const MeshPbMessage *entry, const MeshPbField *kf,
			   const MeshPbField *vf, const Occ *o, MapEntry *e, int depth)
{
	Scan		es;
	MeshBuf		key = {0};
	bool		ok;
	int			k,
				v;

	if (!scan(c, entry, o->p, o->n, &es, depth + 1))
	{
		scan_free(&es);
		return false;
	}
	k = es.first[kf - entry->fields];
	v = es.first[vf - entry->fields];
	while (k >= 0 && es.occs[k].next >= 0)
		k = es.occs[k].next;
	while (v >= 0 && es.occs[v].next >= 0)
		v = es.occs[v].next;
	if (k >= 0)
		ok = value_json(c, kf, es.occs[k].v, es.occs[k].p, es.occs[k].n, &key, depth);
	else
		ok = zero_json(c, kf, &key);
	if (ok)
	{
		mesh_buf_terminate(&key);
		if (key.data[0] == '"')
			mesh_buf_append(&e->key, key.data, key.len);
		else
			mesh_buf_append_json_string(&e->key, key.data, key.len);
		mesh_buf_append(&e->member, e->key.data, e->key.len);
		mesh_buf_append_char(&e->member, ':');
		if (v >= 0)
			ok = value_json(c, vf, es.occs[v].v, es.occs[v].p, es.occs[v].n, &e->member, depth);
		else if (vf->type == PB_MESSAGE)
			mesh_buf_append_str(&e->member, vf->wkt == PB_WKT_NONE ? "{}" : "null");
		else
			ok = zero_json(c, vf, &e->member);
	}
	if (key.data)
		mesh_free(key.data);
	scan_free(&es);
	return ok;
}

/*
 * A map field's entries as a JSON object (keys as strings).  A key given
 * twice keeps its last entry, as Protobuf's parsers do (so the object has
 * each key once, and writing it back gives the same map).
 */
static bool
map_json(Ctx *c, const MeshPbField *f, const Scan *s, int first, MeshBuf *out, int depth)
{
	const MeshPbMessage *entry = &c->file->messages[f->message];
	const MeshPbField *kf = mesh_pb_field_by_number(c->file, entry, 1);
	const MeshPbField *vf = mesh_pb_field_by_number(c->file, entry, 2);
	MapEntry   *entries;
	int			n = 0;
	bool		ok = true;

	if (depth >= MESH_PB_MAX_DEPTH)
		return failf(c, "messages nest deeper than %d", MESH_PB_MAX_DEPTH);
	for (int i = first; i >= 0; i = s->occs[i].next)
		n++;
	if (n > 0 && (kf == NULL || vf == NULL))
		return failf(c, "map entry %s lacks key or value", entry->fullname);
	entries = mesh_alloc(sizeof(MapEntry) * (size_t) (n + 1));
	memset(entries, 0, sizeof(MapEntry) * (size_t) (n + 1));
	n = 0;
	for (int i = first; ok && i >= 0; i = s->occs[i].next, n++)
		ok = map_entry_json(c, entry, kf, vf, &s->occs[i], &entries[n], depth);
	if (ok && n > 1)
	{
		MapEntry  **sorted = mesh_alloc(sizeof(MapEntry *) * (size_t) n);

		/* of the entries with one key, all but the last are dropped */
		for (int i = 0; i < n; i++)
			sorted[i] = &entries[i];
		qsort(sorted, (size_t) n, sizeof(MapEntry *), map_entry_cmp);
		for (int i = 0; i + 1 < n; i++)
			sorted[i]->dropped = mesh_bytes_cmp(sorted[i]->key.data, sorted[i]->key.len,
												sorted[i + 1]->key.data,
												sorted[i + 1]->key.len) == 0;
		mesh_free(sorted);
	}
	if (ok)
	{
		bool		any = false;

		mesh_buf_append_char(out, '{');
		for (int i = 0; i < n; i++)
		{
			if (entries[i].dropped)
				continue;
			if (any)
				mesh_buf_append_char(out, ',');
			any = true;
			mesh_buf_append(out, entries[i].member.data, entries[i].member.len);
		}
		mesh_buf_append_char(out, '}');
	}
	for (int i = 0; i < n; i++)
	{
		if (entries[i].key.data)
			mesh_free(entries[i].key.data);
		if (entries[i].member.data)
			mesh_free(entries[i].member.data);
	}
	mesh_free(entries);
	return ok;
}

/* Field f of a scanned message as JSON; *absent when it has presence and is not there. */
static bool
field_json_at(Ctx *c, const MeshPbField *f, const Scan *s, int first, MeshBuf *out,
			  int depth, bool *absent)
{
	bool		any = false;

	*absent = false;
	if (f->repeated && f->type == PB_MESSAGE && f->message >= 0 &&
		c->file->messages[f->message].map_entry)
		return map_json(c, f, s, first, out, depth);
	if (f->repeated)
	{
		mesh_buf_append_char(out, '[');
		if (!values_json(c, f, s, first, out, depth, &any))
			return false;
		mesh_buf_append_char(out, ']');
		return true;
	}
	if (first < 0)
	{
		if (f->presence || f->type == PB_MESSAGE)
		{
			*absent = true;
			return true;
		}
		return zero_json(c, f, out);
	}
	/* the last occurrence (protoc merges messages; last one wins here) */
	while (s->occs[first].next >= 0)
		first = s->occs[first].next;
	return value_json(c, f, s->occs[first].v, s->occs[first].p, s->occs[first].n,
					  out, depth);
}

static bool
render_message(Ctx *c, const MeshPbMessage *msg, const uint8_t *p, size_t n,
			   MeshBuf *out, int depth)
{
	Scan		s;
	bool		any = false;

	if (!scan(c, msg, p, n, &s, depth))
	{
		scan_free(&s);
		return false;
	}
	mesh_buf_append_char(out, '{');
	for (int i = 0; i < msg->nfields; i++)
	{
		const MeshPbField *f = &msg->fields[i];
		size_t		mark = out->len;
		bool		absent;

		if (any)
			mesh_buf_append_char(out, ',');
		mesh_buf_append_json_string(out, f->name, strlen(f->name));
		mesh_buf_append_char(out, ':');
		if (!field_json_at(c, f, &s, s.first[i], out, depth, &absent))
		{
			scan_free(&s);
			return false;
		}
		if (absent)
			out->len = mark;
		else
			any = true;
	}
	mesh_buf_append_char(out, '}');
	scan_free(&s);
	return true;
}

/* ------------------------------------------------------------------------
 * Programs
 * ------------------------------------------------------------------------
 */

MeshPbProgram *
mesh_pb_compile(const MeshPbFile *file, int message, const MeshAvroTarget *target,
				char *errbuf, size_t errlen)
{
	MeshPbProgram *prog;
	const MeshPbMessage *msg = mesh_pb_message_at(file, message, errbuf, errlen);
	int			n = target->nslots > 0 ? target->nslots : 1;

	if (msg == NULL)
		return NULL;
	prog = mesh_alloc(sizeof(MeshPbProgram));
	prog->file = file;
	prog->msg = msg;
	prog->nslots = target->nslots;
	prog->slot_field = mesh_alloc(sizeof(int) * n);
	prog->shape = mesh_alloc(sizeof(MeshAvroShape) * n);
	prog->needed = mesh_alloc(sizeof(bool) * n);
	prog->arena = mesh_alloc(sizeof(MeshBuf) * n);
	prog->items = mesh_alloc(sizeof(MeshAvroValue *) * n);
	prog->itemcap = mesh_alloc(sizeof(size_t) * n);

	/*
	 * What decoding fills is allocated here, in the program's memory, and
	 * only grown (reallocated there) by decoding: messages are decoded in
	 * memory that is freed from one to the next.
	 */
	scan_start(&prog->scan, msg);
	prog->scan.occs = mesh_grow_array(NULL, &prog->scan.cap, (size_t) msg->nfields + 1,
									  sizeof(Occ));
	for (int i = 0; i < target->nslots; i++)
	{
		prog->slot_field[i] = -1;
		prog->shape[i] = target->slots[i].shape;
		prog->needed[i] = target->slots[i].needed;
		for (int k = 0; k < msg->nfields; k++)
			if (strcmp(msg->fields[k].name, target->slots[i].name) == 0)
				prog->slot_field[i] = k;
		mesh_buf_init(&prog->arena[i]);
		if (prog->slot_field[i] >= 0 && msg->fields[prog->slot_field[i]].repeated)
			prog->items[i] = mesh_grow_array(NULL, &prog->itemcap[i], 1, sizeof(MeshAvroValue));
	}
	return prog;
}

void
mesh_pb_program_free(MeshPbProgram *prog)
{
	for (int i = 0; i < prog->nslots; i++)
	{
		if (prog->arena[i].data)
			mesh_free(prog->arena[i].data);
		if (prog->items[i])
			mesh_free(prog->items[i]);
	}
	mesh_free(prog->slot_field);
	mesh_free(prog->shape);
	mesh_free(prog->needed);
	mesh_free(prog->arena);
	mesh_free(prog->items);
	mesh_free(prog->itemcap);
	scan_free(&prog->scan);
	mesh_free(prog);
}

/* A well-known or scalar field's one value as a scalar slot value. */
static bool
one_value(Ctx *c, const MeshPbField *f, uint64_t v, const uint8_t *p, size_t n,
		  MeshBuf *arena, MeshAvroValue *out)
{
	if (f->type != PB_MESSAGE)
		return scalar_value(c, f, f->type, v, p, n, arena, out);
	memset(out, 0, sizeof(*out));
	out->present = true;
	switch (f->wkt)
	{
		case PB_WKT_TIMESTAMP:
			out->kind = AVRO_LONG;
			out->logical = AVRO_LT_TIMESTAMP_MICROS;
			return timestamp_micros(c, f, p, n, &out->integer);
		case PB_WKT_DURATION:
			{
				MeshBuf		tmp = {0};
				bool		ok = duration_text(c, f, p, n, false, &tmp);

				out->kind = AVRO_STRING;
				if (ok)
					in_arena(arena, out, tmp.data, tmp.len);
				if (tmp.data)
					mesh_free(tmp.data);
				return ok;
			}
		case PB_WKT_WRAPPER:
			{
				MeshPbField inner = *f;
				Scan		s;
				MeshPbMessage wrapper = {0};
				int			by_number = 0;
				bool		ok;

				/* the wrapper as a message of one field "value" = 1 */
				inner.type = f->wrapped_type;
				inner.wkt = PB_WKT_NONE;
				inner.number = 1;
				inner.repeated = false;
				wrapper.fullname = "google.protobuf wrapper";
				wrapper.fields = &inner;
				wrapper.nfields = 1;
				wrapper.by_number = &by_number;
				if (!scan(c, &wrapper, p, n, &s, 1))
				{
					scan_free(&s);
					return false;
				}
				if (s.first[0] < 0)
					ok = zero_value(c, &inner, inner.type, arena, out);
				else
				{
					int			last = s.first[0];

					while (s.occs[last].next >= 0)
						last = s.occs[last].next;
					ok = scalar_value(c, &inner, inner.type, s.occs[last].v,
									  s.occs[last].p, s.occs[last].n, arena, out);
				}
				scan_free(&s);
				return ok;
			}
		default:
			return failf(c, "field \"%s\": not a scalar", f->name);
	}
}

/* Slot i's value from its field's occurrences. */
static bool
slot_value(Ctx *c, MeshPbProgram *prog, int i, const MeshPbField *f, const Scan *s,
		   MeshAvroValue *out)
{
	MeshBuf    *arena = &prog->arena[i];
	int			first = s->first[prog->slot_field[i]];
	bool		is_map = f->type == PB_MESSAGE && f->message >= 0 &&
		prog->file->messages[f->message].map_entry;
	bool		plain_message = f->type == PB_MESSAGE && f->wkt == PB_WKT_NONE;

	memset(out, 0, sizeof(*out));
	out->present = true;
	arena->len = 0;

	/* JSON: asked for, or the only way to give a message or a map */
	if (prog->shape[i] == MESH_SHAPE_JSON || plain_message ||
		(f->repeated && prog->shape[i] != MESH_SHAPE_ARRAY))
	{
		bool		absent;

		if (!field_json_at(c, f, s, first, arena, 0, &absent))
			return false;
		if (absent)
		{
			out->is_null = true;
			return true;
		}
		mesh_buf_terminate(arena);
		out->kind = is_map ? AVRO_MAP : f->repeated ? AVRO_ARRAY : AVRO_RECORD;
		out->data = arena->data;
		out->len = arena->len;
		return true;
	}

	if (f->repeated)
	{
		int			nitems = 0;

		out->kind = AVRO_ARRAY;
		for (int k = first; k >= 0; k = s->occs[k].next)
		{
			const Occ  *o = &s->occs[k];
			bool		packed = o->wt == 2 && wire_type_of(f->type) != 2;
			const uint8_t *q = o->p,
					   *end = packed ? o->p + o->n : NULL;

			do
			{
				uint64_t	v = o->v;

				if (packed)
				{
					if (q >= end)
						break;
					if (!packed_element(c, f->type, &q, end, &v))
						return false;
				}
				prog->items[i] = mesh_grow_array(prog->items[i], &prog->itemcap[i],
												 (size_t) nitems + 1, sizeof(MeshAvroValue));
				if (!one_value(c, f, v, packed ? NULL : o->p, packed ? 0 : o->n, arena,
							   &prog->items[i][nitems]))
					return false;
				nitems++;
			} while (packed);
		}
		for (int k = 0; k < nitems; k++)
			fix_arena(arena, &prog->items[i][k]);
		out->nitems = nitems;
		out->items = prog->items[i];
		return true;
	}

	if (first < 0)
	{
		if (f->presence || f->type == PB_MESSAGE)
		{
			out->is_null = true;
			return true;
		}
		if (!zero_value(c, f, f->type, arena, out))
			return false;
		fix_arena(arena, out);
		return true;
	}
	while (s->occs[first].next >= 0)
		first = s->occs[first].next;
	if (!one_value(c, f, s->occs[first].v, s->occs[first].p, s->occs[first].n, arena, out))
		return false;
	fix_arena(arena, out);
	return true;
}

bool
mesh_pb_decode(MeshPbProgram *prog, const uint8_t *data, size_t len,
			   MeshAvroValue *values, char *errbuf, size_t errlen)
{
	Ctx			c = {errbuf, errlen, prog->file};
	Scan	   *s = &prog->scan;
	bool		ok = true;

	if (!scan_fill(&c, prog->msg, data, len, s, 0))
		return false;
	for (int i = 0; i < prog->nslots && ok; i++)
	{
		memset(&values[i], 0, sizeof(MeshAvroValue));
		if (prog->slot_field[i] < 0)
		{
			/* a column the message lacks */
			values[i].present = true;
			values[i].is_null = true;
			continue;
		}
		if (!prog->needed[i])
			continue;
		ok = slot_value(&c, prog, i, &prog->msg->fields[prog->slot_field[i]], s, &values[i]);
	}
	return ok;
}
