/*-------------------------------------------------------------------------
 *
 * product.c
 *		  Data products as the catalog records them: their schemas and
 *		  fingerprints.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/product.h"

#include "kafka/registry.h"

uint64
mesh_schema_fingerprint(const MeshAvroType *schema)
{
	char	   *canonical = mesh_avro_canonical_form(schema);
	uint64		fp = mesh_avro_fingerprint(canonical, strlen(canonical));

	mesh_free(canonical);
	return fp;
}

/*
 * The fingerprint as the catalog record writes it: its 8 bytes in
 * little-endian order, in hex (as they follow C3 01 in a single-object
 * encoded message).  out has room for 17 bytes.
 */
void
mesh_format_fingerprint(uint64 fingerprint, char *out)
{
	int			i;

	for (i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", (unsigned) ((fingerprint >> (8 * i)) & 0xff));
}

static char *
copy_string(const char *s)
{
	return s ? pstrdup(s) : NULL;
}

static List *
copy_string_list(List *list)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, list)
		result = lappend(result, pstrdup(lfirst(lc)));
	return result;
}

/* A deep copy of a product in the current memory context. */
MeshProduct *
mesh_product_copy(const MeshProduct *p)
{
	MeshProduct *c = palloc(sizeof(MeshProduct));
	ListCell   *lc;

	*c = *p;
	c->qualified_name = copy_string(p->qualified_name);
	c->domain = copy_string(p->domain);
	c->name = copy_string(p->name);
	c->topic = copy_string(p->topic);
	c->owner = copy_string(p->owner);
	c->description = copy_string(p->description);
	c->sla = copy_string(p->sla);
	c->quality = copy_string(p->quality);
	c->tags = copy_string_list(p->tags);
	c->mode = copy_string(p->mode);
	c->key_format = copy_string(p->key_format);
	c->value_format = copy_string(p->value_format);
	c->envelope = copy_string(p->envelope);
	c->inputs = copy_string_list(p->inputs);
	c->published_at = copy_string(p->published_at);
	c->published_by = copy_string(p->published_by);
	c->descriptor = copy_string(p->descriptor);
	c->protobuf_schema = copy_string(p->protobuf_schema);
	c->protobuf_subject = copy_string(p->protobuf_subject);
	c->protobuf_references = mesh_registry_references_copy(p->protobuf_references);
	c->json_schema = copy_string(p->json_schema);
	c->json_schema_subject = copy_string(p->json_schema_subject);
	c->schemas = NIL;
	foreach(lc, p->schemas)
	{
		MeshProductSchema *s = palloc(sizeof(MeshProductSchema));

		*s = *(MeshProductSchema *) lfirst(lc);
		s->definition = copy_string(s->definition);
		s->registry_subject = copy_string(s->registry_subject);
		c->schemas = lappend(c->schemas, s);
	}
	return c;
}

MeshProductSchema *
mesh_product_current_schema(MeshProduct *product)
{
	return product->schemas ? llast(product->schemas) : NULL;
}
