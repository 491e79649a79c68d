/*-------------------------------------------------------------------------
 *
 * avro_compile.c
 *		  The decoder's compiler: a writer's Avro schema resolved against
 *		  a target, once, into the program that avro_decode.c runs over
 *		  each message.
 *
 * mesh_avro_compile resolves the writer's schema against the target by the
 * Avro specification's rules (avro_resolve.c: field matching, aliases,
 * promotions, enum symbols, union branch choices) into a graph of DNodes
 * (core/avro_program.h); decoding a message only follows it.  Defaults of
 * reader fields the writer lacks are rendered here, in advance
 * (avro_render.c).  The top-level record becomes a flat list of steps,
 * with a fast path chosen for the usual columns (int, long, float, double,
 * string, timestamps) and for skipping fields.  A record node is shared by
 * every use of the same (writer record, reader record, mode), which is
 * also what makes recursive schemas finite graphs.
 *
 * Errors in resolution that do not depend on the data (a reader field
 * without default that the writer lacks, types that can never match) fail
 * the compile; errors that depend on the data (a union branch the reader
 * cannot take) become OP_FAIL nodes that fail only the messages reaching
 * them.  Where the specification leaves room, this reads it so: decimals
 * match when their scales do (precision may grow); timestamps and times
 * convert between millis and micros when both schemas have one (the
 * specification is silent, and reading millis as micros is never meant).
 *
 * Everything allocated here comes from mesh_alloc/mesh_realloc: inside the
 * server, the program and its scratch areas live in the memory context that
 * was current at compile time (the scratch areas are allocated then, so
 * that growing them later never moves them to another context).
 *
 *-------------------------------------------------------------------------
 */
#include "core/avro_program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/avro_render.h"
#include "core/avro_resolve.h"
#include "core/map.h"
#include "core/text.h"

typedef struct Compiler
{
	MeshMap		memo;			/* record nodes made so far, by (writer,
								 * reader, mode) */
	int			depth;
	char		why[512];		/* why the last compile_node failed */
} Compiler;

/* Say why compile_node failed. */
#define cfail(c, ...) mesh_text_format((c)->why, sizeof((c)->why), __VA_ARGS__)

/* A type as the errors name it: "int", "record \"x.Y\"", "union". */
static const char *
type_label(const MeshAvroType *t, char *buf, size_t buflen)
{
	if (t->kind == AVRO_RECORD || t->kind == AVRO_ENUM || t->kind == AVRO_FIXED)
		snprintf(buf, buflen, "%s \"%s\"", mesh_avro_kind_name(t->kind),
				 t->fullname);
	else
		snprintf(buf, buflen, "%s", mesh_avro_kind_name(t->kind));
	return buf;
}

/*
 * Errors that name types, formatted outside the recursive frames of
 * compile_node (their buffers would cost stack at every level).
 */
static void __attribute__((noinline))
cfail_mismatch(Compiler *c, const char *what, const MeshAvroType *w,
			   const MeshAvroType *r)
{
	char		wl[300];
	char		rl[300];

	cfail(c, "%s: the writer's %s cannot be read as the reader's %s", what,
		  type_label(w, wl, sizeof(wl)), type_label(r, rl, sizeof(rl)));
}

static void __attribute__((noinline))
cfail_branch(Compiler *c, const char *what, int i, const MeshAvroType *wb,
			 const MeshAvroType *r)
{
	char		wl[300];
	char		rl[300];

	cfail(c, "%s: the writer's union branch %d (%s) matches no type of the reader's %s",
		  what, i, type_label(wb, wl, sizeof(wl)), type_label(r, rl, sizeof(rl)));
}

static void __attribute__((noinline))
cfail_no_branch(Compiler *c, const char *what, const MeshAvroType *w)
{
	char		wl[300];

	cfail(c, "%s: the writer's %s matches no branch of the reader's union",
		  what, type_label(w, wl, sizeof(wl)));
}

static void __attribute__((noinline))
cfail_default(Compiler *c, const MeshAvroField *rf, const MeshAvroType *r)
{
	char		tmp[sizeof(c->why)];

	memcpy(tmp, c->why, sizeof(tmp));
	cfail(c, "default of field \"%s\" of record \"%s\": %s",
		  rf->name, r->fullname, tmp);
}

static DNode *
new_node(DOp op, DMode mode, const char *what)
{
	DNode	   *n = mesh_alloc(sizeof(DNode));

	n->op = (uint8_t) op;
	n->mode = (uint8_t) mode;
	n->what = what;
	n->tmpl.present = true;
	return n;
}

static DNode *
fail_node(const char *msg, const char *what)
{
	DNode	   *n = new_node(OP_FAIL, MODE_SKIP, what);

	n->failmsg = mesh_strndup(msg, strlen(msg));
	return n;
}

static DNode *compile_node(Compiler *c, const MeshAvroType *w,
						   const MeshAvroType *r, DMode mode, const char *what);

/* '"name":' */
static const char *
json_key(const char *name, size_t *len)
{
	MeshBuf		b;

	memset(&b, 0, sizeof(b));
	mesh_buf_append_json_string(&b, name, strlen(name));
	mesh_buf_append_char(&b, ':');
	*len = b.len;
	return b.data;
}

/* A record: SKIP or JSON, resolved field by field. */
static DNode *
compile_record(Compiler *c, const MeshAvroType *w, const MeshAvroType *r,
			   DMode mode, const char *what)
{
	DNode	   *n;
	int		   *wfor;			/* reader field -> writer field */
	int		   *rfor;			/* writer field -> reader field */
	int			i;
	int			j;

	if (mode == MODE_SKIP)
		r = NULL;
	n = mesh_map_get(&c->memo, w, r, mode);
	if (n != NULL)
	{
		if (n->op == OP_FAIL)
		{
			cfail(c, "%s", n->failmsg);
			return NULL;
		}
		return n;				/* done, or in progress: a recursive use */
	}
	n = new_node(OP_RECORD, mode, what);
	n->in_progress = true;
	n->tmpl.kind = AVRO_RECORD;
	mesh_map_put(&c->memo, w, r, mode, n);

	n->nfields = w->nfields;
	n->fields = mesh_alloc((w->nfields > 0 ? w->nfields : 1) * sizeof(DField));
	rfor = mesh_alloc((w->nfields > 0 ? w->nfields : 1) * sizeof(int));
	for (i = 0; i < w->nfields; i++)
		rfor[i] = -1;

	if (mode != MODE_SKIP)
	{
		/* reader fields by name, then by alias among writer fields left */
		n->nout = r->nfields;
		wfor = mesh_alloc((r->nfields > 0 ? r->nfields : 1) * sizeof(int));
		mesh_avro_match_fields(w, r, wfor, rfor);
		n->keys = mesh_alloc((r->nfields > 0 ? r->nfields : 1) * sizeof(char *));
		n->key_lens = mesh_alloc((r->nfields > 0 ? r->nfields : 1) * sizeof(size_t));
		n->defaults = mesh_alloc((r->nfields > 0 ? r->nfields : 1) * sizeof(char *));
		n->default_lens = mesh_alloc((r->nfields > 0 ? r->nfields : 1) * sizeof(size_t));
		for (j = 0; j < r->nfields; j++)
		{
			const MeshAvroField *rf = &r->fields[j];

			n->keys[j] = json_key(rf->name, &n->key_lens[j]);
			if (wfor[j] < 0)
			{
				MeshBuf		b;

				if (rf->default_value == NULL)
				{
					cfail(c, "field \"%s\" of the reader's record \"%s\" has no default, and the writer's record \"%s\" lacks it",
						  rf->name, r->fullname, w->fullname);
					goto failed;
				}
				memset(&b, 0, sizeof(b));
				if (!mesh_avro_render_default(&b, rf->type, rf->default_value,
											  c->why, sizeof(c->why)))
				{
					cfail_default(c, rf, r);
					goto failed;
				}
				n->defaults[j] = b.data;
				n->default_lens[j] = b.len;
			}
		}
	}

	for (i = 0; i < w->nfields; i++)
	{
		const MeshAvroField *wf = &w->fields[i];
		const char *fwhat = mesh_text_printf_dup("field \"%s\" of record \"%s\"", wf->name,
									  w->fullname);
		DNode	   *child;

		n->fields[i].out = rfor[i];
		if (rfor[i] < 0)
			child = compile_node(c, wf->type, NULL, MODE_SKIP, fwhat);
		else
			child = compile_node(c, wf->type, r->fields[rfor[i]].type, mode, fwhat);
		if (child == NULL)
			goto failed;
		n->fields[i].node = child;
		n->min_size += child->min_size;
	}

	if (mode == MODE_JSON)
	{
		/* in order when the writer gives the reader's fields in its order */
		int			last = -1;

		n->in_order = true;
		for (i = 0; i < w->nfields; i++)
			if (rfor[i] >= 0)
			{
				if (rfor[i] < last)
					n->in_order = false;
				last = rfor[i];
			}
		if (n->in_order)
		{
			/* the text between values, defaults included, made once */
			MeshBuf		b;
			int			next = 0;

			memset(&b, 0, sizeof(b));
			mesh_buf_add_char(&b, '{');
			for (i = 0; i < w->nfields; i++)
			{
				if (rfor[i] < 0)
					continue;
				for (j = next; j <= rfor[i]; j++)
				{
					if (j > 0)
						mesh_buf_add_char(&b, ',');
					mesh_buf_add(&b, n->keys[j], n->key_lens[j]);
					if (j < rfor[i])
						mesh_buf_add(&b, n->defaults[j], n->default_lens[j]);
				}
				next = rfor[i] + 1;
				mesh_buf_terminate(&b);
				n->fields[i].prefix = b.data;
				n->fields[i].prefix_len = b.len;
				memset(&b, 0, sizeof(b));
			}
			for (j = next; j < r->nfields; j++)
			{
				if (j > 0)
					mesh_buf_add_char(&b, ',');
				mesh_buf_add(&b, n->keys[j], n->key_lens[j]);
				mesh_buf_add(&b, n->defaults[j], n->default_lens[j]);
			}
			mesh_buf_add_char(&b, '}');
			mesh_buf_terminate(&b);
			n->suffix = b.data;
			n->suffix_len = b.len;
		}
	}
	n->in_progress = false;
	return n;

failed:
	/* uses of this node made meanwhile fail the messages that reach them */
	n->op = OP_FAIL;
	n->in_progress = false;
	n->failmsg = mesh_strndup(c->why, strlen(c->why));
	return NULL;
}

/* Both schemas non-union: resolve w against r. */
static DNode *
compile_resolved(Compiler *c, const MeshAvroType *w, const MeshAvroType *r,
				 DMode mode, const char *what)
{
	DNode	   *n;
	int			i;

	if (!mesh_avro_shallow_match(w, r))
	{
		cfail_mismatch(c, what, w, r);
		return NULL;
	}
	if (mode == MODE_SCALAR &&
		(r->kind == AVRO_RECORD || r->kind == AVRO_ARRAY || r->kind == AVRO_MAP))
	{
		cfail(c, "%s: a %s is not a scalar", what, mesh_avro_kind_name(r->kind));
		return NULL;
	}
	if (mode == MODE_ITEMS && r->kind != AVRO_ARRAY && r->kind != AVRO_NULL)
	{
		cfail(c, "%s: a %s is not an array", what, mesh_avro_kind_name(r->kind));
		return NULL;
	}
	if (!mesh_avro_decimals_match(w, r))
	{
		cfail(c, "%s: the writer's decimal scale %d differs from the reader's %d",
			  what, w->scale, r->scale);
		return NULL;
	}
	if (w->kind == AVRO_RECORD)
		return compile_record(c, w, r, mode, what);

	n = new_node(OP_NULL, mode, what);
	n->tmpl.kind = r->kind;
	n->tmpl.logical = r->logical;
	n->tmpl.precision = r->precision;
	n->tmpl.scale = r->scale;
	switch (w->kind)
	{
		case AVRO_NULL:
			n->op = OP_NULL;
			n->tmpl.is_null = true;
			break;
		case AVRO_BOOLEAN:
			n->op = OP_BOOLEAN;
			n->min_size = 1;
			break;
		case AVRO_INT:
		case AVRO_LONG:
			n->op = w->kind == AVRO_INT ? OP_INT : OP_LONG;
			n->min_size = 1;
			/* the same instant or time of day in the reader's unit */
			if ((w->logical == AVRO_LT_TIMESTAMP_MILLIS && r->logical == AVRO_LT_TIMESTAMP_MICROS) ||
				(w->logical == AVRO_LT_LOCAL_TIMESTAMP_MILLIS && r->logical == AVRO_LT_LOCAL_TIMESTAMP_MICROS) ||
				(w->logical == AVRO_LT_TIME_MILLIS && r->logical == AVRO_LT_TIME_MICROS))
				n->conv = CONV_TIMES_1000;
			else if ((w->logical == AVRO_LT_TIMESTAMP_MICROS && r->logical == AVRO_LT_TIMESTAMP_MILLIS) ||
					 (w->logical == AVRO_LT_LOCAL_TIMESTAMP_MICROS && r->logical == AVRO_LT_LOCAL_TIMESTAMP_MILLIS))
				n->conv = CONV_DIV_1000;
			break;
		case AVRO_FLOAT:
			n->op = OP_FLOAT;
			n->min_size = 4;
			break;
		case AVRO_DOUBLE:
			n->op = OP_DOUBLE;
			n->min_size = 8;
			break;
		case AVRO_BYTES:
		case AVRO_STRING:
			n->op = w->kind == AVRO_STRING ? OP_STRING : OP_BYTES;
			n->min_size = 1;
			n->utf8 = r->kind == AVRO_STRING && mode != MODE_SKIP;
			break;
		case AVRO_FIXED:
			n->op = OP_FIXED;
			n->size = w->size;
			n->min_size = (size_t) w->size;
			break;
		case AVRO_ENUM:
			n->op = OP_ENUM;
			n->min_size = 1;
			n->nsymbols = w->nsymbols;
			n->enum_map = mesh_alloc((w->nsymbols > 0 ? w->nsymbols : 1) * sizeof(int));
			n->symbols = r->symbols;
			n->symbol_lens = mesh_alloc((r->nsymbols > 0 ? r->nsymbols : 1) * sizeof(size_t));
			for (i = 0; i < r->nsymbols; i++)
				n->symbol_lens[i] = strlen(r->symbols[i]);
			for (i = 0; i < w->nsymbols; i++)
				n->enum_map[i] = mesh_avro_enum_symbol(w, r, i);
			break;
		case AVRO_ARRAY:
		case AVRO_MAP:
			n->op = w->kind == AVRO_ARRAY ? OP_ARRAY : OP_MAP;
			n->min_size = 1;
			n->child = compile_node(c, w->kind == AVRO_ARRAY ? w->items : w->values,
									w->kind == AVRO_ARRAY ? r->items : r->values,
									mode == MODE_ITEMS ? MODE_SCALAR : mode, what);
			if (n->child == NULL)
				return NULL;
			/* a map item starts with its key's length */
			n->item_min = n->child->min_size + (w->kind == AVRO_MAP ? 1 : 0);
			break;
		default:
			cfail(c, "%s: internal error: unexpected %s", what,
				  mesh_avro_kind_name(w->kind));
			return NULL;
	}
	return n;
}

static DNode *
compile_node(Compiler *c, const MeshAvroType *w, const MeshAvroType *r,
			 DMode mode, const char *what)
{
	DNode	   *n = NULL;
	int			i;

	if (r == NULL)
		r = w;					/* the writer's type as is */
	if (c->depth >= AD_MAX_COMPILE_DEPTH)
	{
		cfail(c, "%s: schema nests deeper than %d levels", what,
			  AD_MAX_COMPILE_DEPTH);
		return NULL;
	}
	c->depth++;

	if (mode == MODE_SKIP)
	{
		/* the writer's type alone */
		switch (w->kind)
		{
			case AVRO_RECORD:
				n = compile_record(c, w, NULL, MODE_SKIP, what);
				break;
			case AVRO_UNION:
				n = new_node(OP_UNION, MODE_SKIP, what);
				n->nbranches = w->nbranches;
				n->branches = mesh_alloc((w->nbranches > 0 ? w->nbranches : 1) * sizeof(DNode *));
				n->min_size = SIZE_MAX;
				for (i = 0; i < w->nbranches; i++)
				{
					n->branches[i] = compile_node(c, w->branches[i], NULL, MODE_SKIP, what);
					if (n->branches[i] == NULL)
					{
						n = NULL;
						break;
					}
					if (n->branches[i]->min_size < n->min_size)
						n->min_size = n->branches[i]->min_size;
				}
				if (n != NULL)
					n->min_size = n->min_size == SIZE_MAX ? 1 : n->min_size + 1;
				break;
			default:
				n = compile_resolved(c, w, w, MODE_SKIP, what);
				break;
		}
	}
	else if (w->kind == AVRO_UNION)
	{
		/* each writer branch on its own; a failure fails only its messages */
		int			ok = 0;
		char	   *first_why = NULL;	/* heap: this frame recurses */

		n = new_node(OP_UNION, mode, what);
		n->nbranches = w->nbranches;
		n->branches = mesh_alloc((w->nbranches > 0 ? w->nbranches : 1) * sizeof(DNode *));
		n->tmpl.kind = r->kind;
		n->min_size = SIZE_MAX;
		for (i = 0; i < w->nbranches; i++)
		{
			const MeshAvroType *wb = w->branches[i];
			const MeshAvroType *rb = mesh_avro_pick_branch(wb, r);
			DNode	   *b = NULL;

			if (rb == NULL)
				cfail_branch(c, what, i, wb, r);
			else
				b = compile_node(c, wb, rb, mode, what);
			if (b == NULL)
			{
				if (first_why == NULL)
					first_why = mesh_strndup(c->why, strlen(c->why));
				b = fail_node(c->why, what);
			}
			else
				ok++;
			n->branches[i] = b;
			if (b->min_size < n->min_size)
				n->min_size = b->min_size;
		}
		n->min_size = n->min_size == SIZE_MAX ? 1 : n->min_size + 1;
		if (ok == 0 && w->nbranches > 0)
		{
			snprintf(c->why, sizeof(c->why), "%s", first_why);
			n = NULL;
		}
		mesh_free(first_why);
	}
	else if (r->kind == AVRO_UNION)
	{
		/* the value goes to the first reader branch it matches */
		const MeshAvroType *rb = mesh_avro_pick_branch(w, r);

		if (rb == NULL)
			cfail_no_branch(c, what, w);
		else
			n = compile_node(c, w, rb, mode, what);
	}
	else
		n = compile_resolved(c, w, r, mode, what);

	c->depth--;
	return n;
}

/* The fast path of the top-level loop for a node. */
static void
choose_fast(DStep *s, const DNode *n, DMode mode)
{
	if (mode == MODE_SKIP)
	{
		s->fast = F_SKIP;
		switch ((DOp) n->op)
		{
			case OP_INT:
				s->fast = F_SKIP_INT;
				break;
			case OP_LONG:
				s->fast = F_SKIP_LONG;
				break;
			case OP_FLOAT:
			case OP_DOUBLE:
			case OP_FIXED:
				s->fast = F_SKIP_N;
				s->n = n->min_size;
				break;
			case OP_STRING:
			case OP_BYTES:
				s->fast = F_SKIP_LEN;
				break;
			default:
				break;
		}
		return;
	}
	if (mode == MODE_JSON)
	{
		s->fast = F_JSON;
		return;
	}
	if (mode == MODE_ITEMS)
	{
		s->fast = F_ITEMS;
		return;
	}
	s->fast = F_SCALAR;
	if (n->conv != CONV_NONE)
		return;
	switch ((DOp) n->op)
	{
		case OP_INT:
			if (n->tmpl.kind == AVRO_INT && n->tmpl.logical == AVRO_LT_NONE)
				s->fast = F_INT;
			break;
		case OP_LONG:
			if (n->tmpl.kind == AVRO_LONG && n->tmpl.logical == AVRO_LT_NONE)
				s->fast = F_LONG;
			else if (n->tmpl.kind == AVRO_LONG &&
					 (n->tmpl.logical == AVRO_LT_TIMESTAMP_MILLIS ||
					  n->tmpl.logical == AVRO_LT_TIMESTAMP_MICROS ||
					  n->tmpl.logical == AVRO_LT_LOCAL_TIMESTAMP_MILLIS ||
					  n->tmpl.logical == AVRO_LT_LOCAL_TIMESTAMP_MICROS))
				s->fast = F_TIMESTAMP;
			break;
		case OP_FLOAT:
			if (n->tmpl.kind == AVRO_FLOAT)
				s->fast = F_FLOAT;
			break;
		case OP_DOUBLE:
			s->fast = F_DOUBLE;
			break;
		case OP_STRING:
			if (n->tmpl.kind == AVRO_STRING && n->tmpl.logical == AVRO_LT_NONE)
				s->fast = F_STRING;
			break;
		default:
			break;
	}
}

MeshAvroProgram *
mesh_avro_compile(const MeshAvroType *writer, const MeshAvroTarget *target,
				  char *errbuf, size_t errlen)
{
	MeshAvroProgram *prog;
	Compiler	c;
	int		   *wfield;
	DNode	  **nodes;
	DMode	   *modes;
	int			nslots;
	int			s;
	int			i;
	int			k;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (writer == NULL || target == NULL || target->nslots < 0 ||
		(target->nslots > 0 && target->slots == NULL))
	{
		mesh_text_format(errbuf, errlen, "no writer schema or no target");
		return NULL;
	}
	if (writer->kind != AVRO_RECORD)
	{
		mesh_text_format(errbuf, errlen, "the writer's schema is a %s, not a record",
				  mesh_avro_kind_name(writer->kind));
		return NULL;
	}
	memset(&c, 0, sizeof(c));
	mesh_map_init(&c.memo, false, 0);
	nslots = target->nslots;

	prog = mesh_alloc(sizeof(MeshAvroProgram));
	prog->nslots = nslots;
	prog->templates = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(MeshAvroValue));
	prog->fixup = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(uint8_t));
	prog->slot_off = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(size_t));
	wfield = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(int));
	nodes = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(DNode *));
	modes = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(DMode));

	for (s = 0; s < nslots; s++)
	{
		const MeshAvroSlot *slot = &target->slots[s];
		MeshAvroValue *t = &prog->templates[s];
		const char *what;

		if (slot->name == NULL)
		{
			mesh_text_format(errbuf, errlen, "slot %d has no name", s);
			goto failed;
		}
		what = mesh_text_printf_dup("field \"%s\"", slot->name);
		modes[s] = slot->shape == MESH_SHAPE_SCALAR ? MODE_SCALAR :
			slot->shape == MESH_SHAPE_ARRAY ? MODE_ITEMS : MODE_JSON;
		wfield[s] = mesh_avro_match_field(writer, slot->name, slot->aliases,
										  slot->naliases);
		if (wfield[s] < 0)
		{
			/* the writer lacks it: the reader's default */
			if (slot->reader_type == NULL)
			{
				/* no reader schema (a raw topic): the field is just null */
				t->present = true;
				t->is_null = true;
				t->kind = AVRO_NULL;
				if (slot->shape == MESH_SHAPE_JSON)
				{
					t->data = "null";
					t->len = 4;
				}
			}
			else if (slot->default_value == NULL)
			{
				mesh_text_format(errbuf, errlen, "field \"%s\": the writer's record \"%s\" has no such field, and the reader's field has no default",
						  slot->name, writer->fullname);
				goto failed;
			}
			else
			{
				char		why[256];

				if (!mesh_avro_default_value(slot->reader_type, slot->default_value,
											 slot->shape, t, why, sizeof(why)))
				{
					mesh_text_format(errbuf, errlen, "field \"%s\": invalid default: %s",
							  slot->name, why);
					goto failed;
				}
			}
			if (!slot->needed)
				t->present = false;
			continue;
		}

		/*
		 * A slot that is not needed is still resolved, so that whether a
		 * writer's schema compiles does not depend on the columns a query
		 * reads; its bytes are then only skipped.
		 */
		nodes[s] = compile_node(&c, writer->fields[wfield[s]].type,
								slot->reader_type,
								slot->needed ? modes[s] : MODE_JSON, what);
		if (nodes[s] == NULL)
		{
			mesh_text_format(errbuf, errlen, "%s", c.why);
			goto failed;
		}
		if (!slot->needed)
		{
			modes[s] = MODE_SKIP;
			nodes[s] = compile_node(&c, writer->fields[wfield[s]].type, NULL,
									MODE_SKIP, what);
			if (nodes[s] == NULL)
			{
				mesh_text_format(errbuf, errlen, "%s", c.why);
				goto failed;
			}
			t->present = false;
			continue;
		}
		*t = nodes[s]->tmpl;
		t->present = true;
		if (modes[s] == MODE_JSON)
		{
			const MeshAvroType *rt = slot->reader_type ? slot->reader_type
				: writer->fields[wfield[s]].type;

			mesh_avro_value_init(t, rt);
			prog->fixup[s] = FIXUP_JSON;
		}
		else if (modes[s] == MODE_ITEMS)
		{
			memset(t, 0, sizeof(*t));
			t->present = true;
			t->kind = AVRO_ARRAY;
			prog->fixup[s] = FIXUP_ITEMS;
		}
	}

	/* the steps, in the writer's field order */
	prog->steps = mesh_alloc((writer->nfields + nslots + 1) * sizeof(DStep));
	for (i = 0; i < writer->nfields; i++)
	{
		bool		taken = false;

		for (s = 0; s < nslots; s++)
		{
			DStep	   *st;

			if (wfield[s] != i)
				continue;
			st = &prog->steps[prog->nsteps++];
			st->slot = s;
			st->node = nodes[s];
			st->reread = taken;
			choose_fast(st, nodes[s], modes[s]);
			if (modes[s] == MODE_SKIP)
				st->slot = -1;
			taken = true;
		}
		if (!taken)
		{
			DStep	   *st = &prog->steps[prog->nsteps++];
			const char *what = mesh_text_printf_dup("field \"%s\"", writer->fields[i].name);

			st->slot = -1;
			st->node = compile_node(&c, writer->fields[i].type, NULL, MODE_SKIP, what);
			if (st->node == NULL)
			{
				mesh_text_format(errbuf, errlen, "%s", c.why);
				goto failed;
			}
			choose_fast(st, st->node, MODE_SKIP);
		}
	}
	/* skipping the same field twice: drop all but the first of a run */
	for (i = 0, k = 0; i < prog->nsteps; i++)
	{
		if (prog->steps[i].reread && prog->steps[i].slot < 0)
			continue;
		prog->steps[k++] = prog->steps[i];
	}
	prog->nsteps = k;
	for (i = 0; i < prog->nsteps; i++)
		prog->steps[i].vslot = prog->steps[i].slot >= 0 ? prog->steps[i].slot : 0;

	prog->fixups = mesh_alloc((nslots > 0 ? nslots : 1) * sizeof(int));
	for (s = 0; s < nslots; s++)
		if (prog->fixup[s] != FIXUP_NONE)
			prog->fixups[prog->nfixups++] = s;

	/* scratch areas, allocated now so that they live where the program does */
	prog->json.cap = 1024;
	prog->json.data = mesh_alloc(prog->json.cap);
	prog->items_cap = 64;
	prog->items = mesh_alloc(prog->items_cap * sizeof(MeshAvroValue));
	prog->segs_cap = 64;
	prog->segs = mesh_alloc(prog->segs_cap * sizeof(DSeg));
	prog->order_cap = 64;
	prog->order = mesh_alloc(prog->order_cap * sizeof(uint32_t));

	mesh_free(wfield);
	mesh_free(nodes);
	mesh_free(modes);
	mesh_map_free(&c.memo);
	return prog;

failed:
	mesh_map_free(&c.memo);
	return NULL;
}
