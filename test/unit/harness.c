/*-------------------------------------------------------------------------
 *
 * harness.c
 *		  What the unit tests and the fuzz targets share (harness.h).
 *
 *-------------------------------------------------------------------------
 */
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *test_case = "";

static int	passed = 0;
static int	failed = 0;

/* decode_exact's copy of the last message */
static uint8_t *last_copy = NULL;

void
check_at(bool ok, const char *file, int line, const char *fmt,...)
{
	va_list		ap;

	if (ok)
	{
		passed++;
		return;
	}
	failed++;
	fprintf(stderr, "FAIL (%s:%d)", file, line);
	if (test_case[0] != '\0')
		fprintf(stderr, " [%s]", test_case);
	fputs(": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void *
check_made_at(void *made, const char *file, int line, const char *what, const char *err)
{
	check_at(made != NULL, file, line, "%s: %s", what, err);
	return made;
}

int
test_report(const char *name)
{
	free(last_copy);
	last_copy = NULL;
	mesh_standalone_reset();
	printf("%s: %d passed, %d failed\n", name, passed, failed);
	return failed == 0 ? 0 : 1;
}

char *
read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	long		n;

	if (f == NULL)
	{
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n + 1);
	if (buf == NULL || fread(buf, 1, n, f) != (size_t) n)
	{
		perror(path);
		exit(2);
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t) n;
	return buf;
}

const MeshJson *
read_vectors(const char *dir, const char *name)
{
	char		path[1024];
	size_t		len;
	char	   *text;
	char		err[256];
	MeshJson   *doc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	text = read_file(path, &len);
	doc = mesh_json_parse(text, len, 256, err, sizeof(err));
	free(text);					/* the tree does not point into the text */
	if (doc == NULL)
	{
		fprintf(stderr, "%s: %s\n", path, err);
		exit(2);
	}
	return mesh_json_get(doc, "vectors");
}

MeshAvroType *
schema(const char *text)
{
	char		err[256];
	MeshAvroType *t = mesh_avro_parse(text, strlen(text), err, sizeof(err));

	if (t == NULL)
	{
		fprintf(stderr, "bad test schema: %s\n%s\n", err, text);
		exit(2);
	}
	return t;
}

MeshAvroType *
schema_from_json(const MeshJson *j)
{
	MeshBuf		buf;

	if (j == NULL || j->type == MJ_NULL)
		return NULL;
	mesh_buf_init(&buf);
	mesh_json_write(&buf, j);
	return schema(buf.data);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

uint8_t *
unhex(const char *hex, size_t *len)
{
	size_t		n = strlen(hex) / 2;
	uint8_t    *b = malloc(n > 0 ? n : 1);
	size_t		i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t) (hexval(hex[2 * i]) * 16 + hexval(hex[2 * i + 1]));
	*len = n;
	return b;
}

bool
decode_exact(MeshAvroProgram *prog, const void *data, size_t len,
			 MeshAvroValue *values, char *err, size_t errlen)
{
	free(last_copy);
	last_copy = malloc(len > 0 ? len : 1);
	memcpy(last_copy, data, len);
	return mesh_avro_decode(prog, len > 0 ? last_copy : NULL, len, values, err, errlen);
}

MeshAvroProgram *
compile_slots_at(const MeshAvroType *writer, MeshAvroSlot *slots, int n,
				 const char *file, int line)
{
	char		err[512];
	MeshAvroProgram *p = mesh_avro_compile(writer, &SLOTS_TARGET(slots, n), err, sizeof(err));

	check_at(p != NULL, file, line, "compile: %s", err);
	return p;
}

MeshAvroTarget *
all_fields(const MeshAvroType *rec, MeshAvroShape shape)
{
	MeshAvroTarget *t = mesh_alloc(sizeof(MeshAvroTarget));
	int			i;

	t->nslots = rec->nfields;
	t->slots = mesh_alloc((rec->nfields > 0 ? rec->nfields : 1) * sizeof(MeshAvroSlot));
	for (i = 0; i < rec->nfields; i++)
	{
		t->slots[i].name = rec->fields[i].name;
		t->slots[i].shape = shape;
		t->slots[i].needed = true;
	}
	return t;
}

MeshAvroShape
natural_shape(const MeshAvroType *t)
{
	int			i;
	bool		any_scalar = false;
	bool		any_array = false;
	bool		any_other = false;

	switch (t->kind)
	{
		case AVRO_RECORD:
		case AVRO_MAP:
			return MESH_SHAPE_JSON;
		case AVRO_ARRAY:
			return natural_shape(t->items) == MESH_SHAPE_SCALAR ?
				MESH_SHAPE_ARRAY : MESH_SHAPE_JSON;
		case AVRO_UNION:
			for (i = 0; i < t->nbranches; i++)
			{
				MeshAvroShape s;

				if (t->branches[i]->kind == AVRO_NULL)
					continue;
				s = natural_shape(t->branches[i]);
				if (s == MESH_SHAPE_SCALAR)
					any_scalar = true;
				else if (s == MESH_SHAPE_ARRAY)
					any_array = true;
				else
					any_other = true;
			}
			if (any_other || (any_scalar && any_array))
				return MESH_SHAPE_JSON;
			return any_array ? MESH_SHAPE_ARRAY : MESH_SHAPE_SCALAR;
		default:
			return MESH_SHAPE_SCALAR;
	}
}

MeshAvroTarget *
reader_target(const MeshAvroType *writer, const MeshAvroType *reader)
{
	const MeshAvroType *r = reader != NULL ? reader : writer;
	MeshAvroTarget *t = mesh_alloc(sizeof(MeshAvroTarget));
	int			i;

	t->nslots = r->nfields;
	t->slots = mesh_alloc((r->nfields > 0 ? r->nfields : 1) * sizeof(MeshAvroSlot));
	for (i = 0; i < r->nfields; i++)
	{
		MeshAvroSlot *s = &t->slots[i];

		s->name = r->fields[i].name;
		s->reader_type = reader != NULL ? r->fields[i].type : NULL;
		s->aliases = r->fields[i].aliases;
		s->naliases = r->fields[i].naliases;
		s->default_value = reader != NULL ? r->fields[i].default_value : NULL;
		s->needed = true;
		s->shape = natural_shape(r->fields[i].type);
	}
	return t;
}

bool
utf8_ok(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		i = 0;

	while (i < len)
	{
		unsigned long cp;
		size_t		n;
		size_t		k;

		if (u[i] == 0)
			return false;
		if (u[i] < 0x80)
		{
			i++;
			continue;
		}
		if ((u[i] & 0xE0) == 0xC0)
		{
			n = 2;
			cp = u[i] & 0x1F;
		}
		else if ((u[i] & 0xF0) == 0xE0)
		{
			n = 3;
			cp = u[i] & 0x0F;
		}
		else if ((u[i] & 0xF8) == 0xF0)
		{
			n = 4;
			cp = u[i] & 0x07;
		}
		else
			return false;
		if (len - i < n)
			return false;
		for (k = 1; k < n; k++)
		{
			if ((u[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (u[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
			cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n;
	}
	return true;
}

void
die_at(const char *file, const char *what, const char *detail)
{
	fprintf(stderr, "%s: %s: %s\n", file, what, detail);
	abort();
}

size_t
apply_edits(void *m, size_t n, size_t cap, int edits, uint32_t (*rng) (void),
			size_t (*edit) (void *m, size_t mn, size_t cap, uint32_t r))
{
	size_t		mn = n;
	int			e;

	for (e = 0; e < edits; e++)
	{
		uint32_t	r = rng();

		if (mn == 0)
			break;
		mn = edit(m, mn, cap, r);
	}
	return mn;
}

uint64_t
xorshift64(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* One decoded value of field f back into the encoder's terms (in place). */
static void
pb_value_to_source(const MeshPbField *f, MeshAvroValue *v)
{
	MeshBuf		text = {0};
	char		err[128];

	if (!v->present || v->is_null)
		return;
	if (v->kind == AVRO_ARRAY && v->data != NULL)
	{
		v->kind = AVRO_RECORD;	/* an array as JSON text: the encoder's JSON */
		return;
	}
	if (v->kind == AVRO_BYTES && v->logical == AVRO_LT_DECIMAL &&
		mesh_avro_decimal_text(v->data, v->len, v->precision, v->scale, &text,
							   err, sizeof(err)))
	{
		v->kind = AVRO_STRING;
		v->logical = AVRO_LT_NONE;
	}
	else if (f->wkt == PB_WKT_DURATION && v->kind == AVRO_STRING && v->len > 8 &&
			 memcmp(v->data + v->len - 8, " seconds", 8) == 0)
	{
		mesh_buf_append(&text, v->data, v->len - 8);
		mesh_buf_append_char(&text, 's');
	}
	else
		return;
	v->data = mesh_strndup(text.data, text.len);
	v->len = text.len;
	mesh_free(text.data);
}

void
pb_decoded_to_source(const MeshPbMessage *msg, MeshAvroValue *values)
{
	for (int i = 0; i < msg->nfields; i++)
	{
		pb_value_to_source(&msg->fields[i], &values[i]);
		if (values[i].present && !values[i].is_null && values[i].kind == AVRO_ARRAY &&
			values[i].data == NULL)
			for (int k = 0; k < values[i].nitems; k++)
				pb_value_to_source(&msg->fields[i], &values[i].items[k]);
	}
}
