/*-------------------------------------------------------------------------
 *
 * core/protobuf_compat.c
 *		  Whether a new Protobuf schema reads the data an old one wrote
 *		  (backward compatibility), and fields' types as a .proto spells them
 *
 * The rules are those of Confluent's schema registry for Protobuf (its
 * BACKWARD check): fields match by number, so renaming a field, adding or
 * removing one (but a required one, or a member of a oneof that remains),
 * adding or removing messages the old schema does not use, and any change
 * to enums are compatible; a field's type may change only within a group
 * that shares a wire encoding (int32, uint32, int64, uint64, bool and the
 * enums; sint32, sint64; string, bytes; fixed32, sfixed32; fixed64,
 * sfixed64); a scalar may not become a message or a map, nor a message
 * another message (by its name within its package); a packable scalar may
 * not change between singular and repeated (a packed list is one length-
 * delimited record); moving several fields into a new oneof, or one into
 * an existing oneof, may lose values a writer set together; and the
 * package and the messages the old schema defines must remain.
 *
 *-------------------------------------------------------------------------
 */
#include "core/protobuf.h"

#include <stdarg.h>
#include <stdio.h>

typedef struct Compat
{
	const MeshPbFile *old;
	const MeshPbFile *new;
	char	   *visited;		/* old messages compared */
	char	   *errbuf;
	size_t		errlen;
	size_t		used;
	int			count;
} Compat;

static void
report(Compat *c, const char *fmt,...) __attribute__((format(MESH_PRINTF_ARCHETYPE, 2, 3)));

/* One incompatibility, after the others ("; "); "..." once out of room. */
static void
report(Compat *c, const char *fmt,...)
{
	va_list		ap;
	int			n;

	if (c->count++ > 0 && c->used + 2 < c->errlen)
		c->used += (size_t) snprintf(c->errbuf + c->used, c->errlen - c->used, "; ");
	if (c->used + 1 >= c->errlen)
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->errbuf + c->used, c->errlen - c->used, fmt, ap);
	va_end(ap);
	if (n < 0 || c->used + (size_t) n >= c->errlen)
	{
		c->used = c->errlen - 1;
		if (c->errlen > 4)
			memcpy(c->errbuf + c->errlen - 4, "...", 4);
	}
	else
		c->used += (size_t) n;
}

static const char *const type_names[] = {
	NULL, "double", "float", "int64", "uint64", "int32", "fixed64", "fixed32",
	"bool", "string", "group", "message", "bytes", "uint32", "enum", "sfixed32",
	"sfixed64", "sint32", "sint64"
};

static bool
is_map(const MeshPbFile *file, const MeshPbField *field)
{
	return field->type == PB_MESSAGE && field->message >= 0 &&
		file->messages[field->message].map_entry;
}

/* A message or enum field's type: its full name. */
static const char *
named_type(const MeshPbFile *file, const MeshPbField *field)
{
	if (field->message >= 0)
		return file->messages[field->message].fullname;
	if (field->type == PB_ENUM && field->enumeration >= 0)
		return file->enums[field->enumeration].fullname;
	return field->type_name[0] == '.' ? field->type_name + 1 : field->type_name;
}

void
mesh_pb_describe_type(const MeshPbFile *file, const MeshPbField *field,
					  char *buf, size_t len)
{
	if (is_map(file, field))
	{
		const MeshPbMessage *entry = &file->messages[field->message];
		const MeshPbField *k = mesh_pb_field_by_number(file, entry, 1);
		const MeshPbField *v = mesh_pb_field_by_number(file, entry, 2);

		if (k && v)
		{
			char		key[64];
			char		value[256];

			mesh_pb_describe_type(file, k, key, sizeof(key));
			mesh_pb_describe_type(file, v, value, sizeof(value));
			snprintf(buf, len, "map<%s, %s>", key, value);
			return;
		}
	}
	snprintf(buf, len, "%s%s", field->repeated ? "repeated " :
			 file->proto3 && field->presence && field->oneof < 0 &&
			 field->type != PB_MESSAGE ? "optional " : "",
			 field->type == PB_MESSAGE || field->type == PB_ENUM ||
			 field->type == PB_GROUP ? named_type(file, field) : type_names[field->type]);
}

/* Scalars sharing a wire encoding share a group; enums read as int32. */
static int
scalar_group(MeshPbType type)
{
	switch (type)
	{
		case PB_INT32:
		case PB_UINT32:
		case PB_INT64:
		case PB_UINT64:
		case PB_BOOL:
		case PB_ENUM:
			return 1;
		case PB_SINT32:
		case PB_SINT64:
			return 2;
		case PB_STRING:
		case PB_BYTES:
			return 3;
		case PB_FIXED32:
		case PB_SFIXED32:
			return 4;
		case PB_FIXED64:
		case PB_SFIXED64:
			return 5;
		case PB_FLOAT:
			return 6;
		case PB_DOUBLE:
			return 7;
		default:
			return 0;
	}
}

/* 0 scalar (enums too), 1 message, 2 map */
static int
kind(const MeshPbFile *file, const MeshPbField *field)
{
	if (is_map(file, field))
		return 2;
	return field->type == PB_MESSAGE || field->type == PB_GROUP ? 1 : 0;
}

static void compare_message(Compat *c, int old_m);

/* The message type a message field names, as a comparable name. */
static const char *
message_type(const MeshPbFile *file, const MeshPbField *field)
{
	static const char *const wkt[] = {NULL, "google.protobuf.Timestamp",
	"google.protobuf.Duration"};

	if (field->wkt == PB_WKT_TIMESTAMP || field->wkt == PB_WKT_DURATION)
		return wkt[field->wkt];
	if (field->wkt == PB_WKT_WRAPPER)
		return type_names[field->wrapped_type];
	return named_type(file, field);
}

static void
compare_field(Compat *c, const char *msg, const MeshPbField *of, const MeshPbField *nf)
{
	int			k = kind(c->old, of);
	bool		changed = k != kind(c->new, nf);
	char		otype[256];
	char		ntype[256];

	if (!changed && k == 0)
		changed = scalar_group(of->type) != scalar_group(nf->type) ||
			(of->repeated != nf->repeated && scalar_group(of->type) != 3);
	else if (!changed && k == 1)
	{
		changed = strcmp(message_type(c->old, of), message_type(c->new, nf)) != 0;
		if (!changed && of->wkt == PB_WKT_NONE && of->message >= 0)
			compare_message(c, of->message);
	}
	else if (!changed && k == 2)
	{
		const MeshPbMessage *oe = &c->old->messages[of->message];
		const MeshPbMessage *ne = &c->new->messages[nf->message];

		for (int32_t n = 1; n <= 2; n++)
		{
			const MeshPbField *o = mesh_pb_field_by_number(c->old, oe, n);
			const MeshPbField *e = mesh_pb_field_by_number(c->new, ne, n);

			if (o && e)
				compare_field(c, oe->fullname, o, e);
		}
	}
	if (!changed)
		return;
	mesh_pb_describe_type(c->old, of, otype, sizeof(otype));
	mesh_pb_describe_type(c->new, nf, ntype, sizeof(ntype));
	if (strcmp(of->name, nf->name) == 0)
		report(c, "message %s, field \"%s\" (%d): type %s became %s",
			   msg, of->name, (int) of->number, otype, ntype);
	else
		report(c, "message %s, field \"%s\" (%d, now \"%s\"): type %s became %s",
			   msg, of->name, (int) of->number, nf->name, otype, ntype);
}

/*
 * Oneofs carry no names here, so a oneof is known by its members: a new
 * one may take in at most one field that was outside any oneof, and then
 * none that was in one; a member removed from a oneof whose other members
 * remain in one is a member removed (the whole oneof removed is not).
 */
static void
compare_oneofs(Compat *c, const MeshPbMessage *om, const MeshPbMessage *nm)
{
	for (int i = 0; i < nm->nfields; i++)
	{
		int			moved = 0,
					existing = 0;
		bool		first = true;

		if (nm->fields[i].oneof < 0)
			continue;
		for (int j = 0; j < i && first; j++)
			first = nm->fields[j].oneof != nm->fields[i].oneof;
		if (!first)
			continue;
		for (int j = i; j < nm->nfields; j++)
		{
			const MeshPbField *o;

			if (nm->fields[j].oneof != nm->fields[i].oneof ||
				(o = mesh_pb_field_by_number(c->old, om, nm->fields[j].number)) == NULL)
				continue;
			if (o->oneof < 0)
				moved++;
			else
				existing++;
		}
		if (moved > 1)
			report(c, "message %s: %d fields moved into a oneof (with field \"%s\")",
				   om->fullname, moved, nm->fields[i].name);
		else if (moved == 1 && existing > 0)
			report(c, "message %s: a field moved into an existing oneof (with field \"%s\")",
				   om->fullname, nm->fields[i].name);
	}
	for (int i = 0; i < om->nfields; i++)
	{
		const MeshPbField *of = &om->fields[i];
		bool		remains = false;

		if (of->oneof < 0 || mesh_pb_field_by_number(c->new, nm, of->number) != NULL)
			continue;
		for (int j = 0; j < om->nfields && !remains; j++)
		{
			const MeshPbField *nf;

			remains = om->fields[j].oneof == of->oneof &&
				(nf = mesh_pb_field_by_number(c->new, nm, om->fields[j].number)) != NULL && nf->oneof >= 0;
		}
		if (remains)
			report(c, "message %s: field \"%s\" (%d) was removed from its oneof",
				   om->fullname, of->name, (int) of->number);
	}
}

static void
compare_message(Compat *c, int old_m)
{
	const MeshPbMessage *om = &c->old->messages[old_m];
	const MeshPbMessage *nm;
	int			new_m;

	if (c->visited[old_m])
		return;
	c->visited[old_m] = 1;
	if ((new_m = mesh_pb_message_by_name(c->new, om->fullname)) < 0)
	{
		report(c, "message %s was removed or renamed", om->fullname);
		return;
	}
	nm = &c->new->messages[new_m];
	for (int i = 0; i < om->nfields; i++)
	{
		const MeshPbField *of = &om->fields[i];
		const MeshPbField *nf = mesh_pb_field_by_number(c->new, nm, of->number);

		if (nf != NULL)
			compare_field(c, om->fullname, of, nf);
		else if (of->required)
			report(c, "message %s: required field \"%s\" (%d) was removed",
				   om->fullname, of->name, (int) of->number);
	}
	for (int i = 0; i < nm->nfields; i++)
		if (nm->fields[i].required && mesh_pb_field_by_number(c->old, om, nm->fields[i].number) == NULL)
			report(c, "message %s: required field \"%s\" (%d) was added",
				   om->fullname, nm->fields[i].name, (int) nm->fields[i].number);
	compare_oneofs(c, om, nm);
	for (int i = 0; i < om->nnested; i++)
		if (!c->old->messages[om->nested[i]].map_entry)
			compare_message(c, om->nested[i]);
}

int
mesh_pb_check_backward(const MeshPbFile *new, const MeshPbFile *old,
					   char *errbuf, size_t errlen)
{
	Compat		c = {old, new, NULL, errbuf, errlen, 0, 0};

	if (errlen > 0)
		errbuf[0] = '\0';
	if (strcmp(old->package, new->package) != 0)
	{
		/* every full name changes with it */
		report(&c, "the package \"%s\" became \"%s\"", old->package, new->package);
		return c.count;
	}
	c.visited = mesh_alloc((size_t) old->nmessages + 1);
	for (int i = 0; i < old->ntop; i++)
		compare_message(&c, old->top[i]);
	mesh_free(c.visited);
	return c.count;
}
