/*-------------------------------------------------------------------------
 *
 * record.c
 *		  The catalog record of a data product: parsing and checking one
 *		  read from the catalog topic, and writing one to publish.
 *
 * The record's format is the user-facing contract (README, "The catalog
 * record"): a JSON object under the key "domain.name"; unknown keys are
 * kept when republishing and ignored, so that newer writers do not break
 * older readers.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/record.h"

#include "kafka/registry.h"

#include "lib/stringinfo.h"
#include "utils/json.h"


/*
 * A string member: *out set to a palloc'd copy, or NULL when absent or
 * JSON null and !required.  False (with errbuf) when it has another type
 * or is required and missing or empty.
 */
/*
 * A member of obj, or NULL when it is absent or JSON null; *ok then says
 * whether that is allowed (errbuf says why not).
 */
static const MeshJson *
get_member(const MeshJson *obj, const char *key, bool required, bool *ok,
		   char *errbuf, size_t errlen)
{
	MeshJson   *v = mesh_json_get(obj, key);

	*ok = true;
	if (v != NULL && v->type != MJ_NULL)
		return v;
	if (required)
	{
		snprintf(errbuf, errlen, "required field \"%s\" is missing", key);
		*ok = false;
	}
	return NULL;
}

static bool
get_string(const MeshJson *obj, const char *key, bool required, char **out,
		   char *errbuf, size_t errlen)
{
	bool		ok;
	const MeshJson *v = get_member(obj, key, required, &ok, errbuf, errlen);

	*out = NULL;
	if (v == NULL)
		return ok;
	if (v->type != MJ_STRING)
	{
		snprintf(errbuf, errlen, "field \"%s\" is not a string", key);
		return false;
	}
	if (required && v->string_len == 0)
	{
		snprintf(errbuf, errlen, "field \"%s\" is empty", key);
		return false;
	}
	*out = pstrdup(v->string);
	return true;
}

static bool
get_string_list(const MeshJson *obj, const char *key, List **out,
				char *errbuf, size_t errlen)
{
	MeshJson   *v = mesh_json_get(obj, key);
	int			i;

	*out = NIL;
	if (v == NULL || v->type == MJ_NULL)
		return true;
	if (v->type != MJ_ARRAY)
	{
		snprintf(errbuf, errlen, "field \"%s\" is not an array", key);
		return false;
	}
	for (i = 0; i < v->count; i++)
	{
		if (v->items[i]->type != MJ_STRING)
		{
			snprintf(errbuf, errlen, "field \"%s\" holds a non-string", key);
			return false;
		}
		*out = lappend(*out, pstrdup(v->items[i]->string));
	}
	return true;
}

static bool
get_int(const MeshJson *obj, const char *key, bool required, int *out,
		char *errbuf, size_t errlen)
{
	bool		ok;
	const MeshJson *v = get_member(obj, key, required, &ok, errbuf, errlen);

	if (v == NULL)
		return ok;
	if (v->type != MJ_NUMBER || !v->is_integer || v->integer < 0 || v->integer > PG_INT32_MAX)
	{
		snprintf(errbuf, errlen, "field \"%s\" is not a non-negative integer", key);
		return false;
	}
	*out = (int) v->integer;
	return true;
}

/*
 * A registry schema the record copies (keys "protobuf", "json_schema"):
 * {subject, version, id, schema}; absent or null leaves *schema NULL.
 */
static bool
get_registry_copy(const MeshJson *v, const char *key, char **schema, char **subject,
				  int *version, int *id, char *errbuf, size_t errlen)
{
	if (v == NULL || v->type == MJ_NULL)
		return true;
	if (v->type != MJ_OBJECT)
	{
		snprintf(errbuf, errlen, "field \"%s\" is not an object", key);
		return false;
	}
	return get_string(v, "schema", true, schema, errbuf, errlen) &&
		get_string(v, "subject", false, subject, errbuf, errlen) &&
		get_int(v, "version", false, version, errbuf, errlen) &&
		get_int(v, "id", false, id, errbuf, errlen);
}

/* "references" of the "protobuf" key: [{name, subject, version, schema}] */
static bool
get_references(const MeshJson *obj, List **out, char *errbuf, size_t errlen)
{
	MeshJson   *v = mesh_json_get(obj, "references");

	*out = NIL;
	if (v == NULL || v->type == MJ_NULL)
		return true;
	if (v->type != MJ_ARRAY)
	{
		snprintf(errbuf, errlen, "field \"references\" is not an array");
		return false;
	}
	for (int i = 0; i < v->count; i++)
	{
		MeshRegistryReference *r = palloc0(sizeof(MeshRegistryReference));

		if (v->items[i]->type != MJ_OBJECT)
		{
			snprintf(errbuf, errlen, "references[%d] is not an object", i);
			return false;
		}
		if (!get_string(v->items[i], "name", true, &r->name, errbuf, errlen) ||
			!get_string(v->items[i], "subject", true, &r->subject, errbuf, errlen) ||
			!get_int(v->items[i], "version", false, &r->version, errbuf, errlen) ||
			!get_string(v->items[i], "schema", true, &r->schema, errbuf, errlen))
			return false;
		*out = lappend(*out, r);
	}
	return true;
}

static bool
parse_schema_entry(const MeshJson *entry, int index, MeshProductSchema **out,
				   char *errbuf, size_t errlen)
{
	MeshProductSchema *s = palloc0(sizeof(MeshProductSchema));
	const char *fp_text;
	MeshJson   *registry;
	MeshAvroType *avro;
	char		avro_err[256];
	char		computed[17];

	if (entry->type != MJ_OBJECT)
	{
		snprintf(errbuf, errlen, "schemas[%d] is not an object", index);
		return false;
	}
	s->version = index + 1;
	if (!get_int(entry, "version", false, &s->version, errbuf, errlen) ||
		!get_string(entry, "definition", true, &s->definition, errbuf, errlen))
		return false;
	avro = mesh_avro_parse(s->definition, strlen(s->definition), avro_err, sizeof(avro_err));
	if (avro == NULL)
	{
		snprintf(errbuf, errlen, "schemas[%d] is not a valid Avro schema: %s", index, avro_err);
		return false;
	}
	s->fingerprint = mesh_schema_fingerprint(avro);
	mesh_format_fingerprint(s->fingerprint, computed);
	fp_text = mesh_json_get_string(entry, "fingerprint");
	if (fp_text != NULL && pg_strcasecmp(fp_text, computed) != 0)
	{
		snprintf(errbuf, errlen, "schemas[%d] has fingerprint \"%s\", but its definition's is \"%s\"",
				 index, fp_text, computed);
		return false;
	}
	registry = mesh_json_get(entry, "registry");
	if (registry != NULL && registry->type == MJ_OBJECT)
	{
		s->has_registry = true;
		if (!get_string(registry, "subject", false, &s->registry_subject, errbuf, errlen) ||
			!get_int(registry, "version", false, &s->registry_version, errbuf, errlen) ||
			!get_int(registry, "id", false, &s->registry_id, errbuf, errlen))
			return false;
	}
	*out = s;
	return true;
}

/*
 * Parse and validate the record stored under key.  Returns NULL with the
 * reason in errbuf when the record breaks the record's rules (README, "The catalog record").
 */
MeshProduct *
mesh_parse_catalog_record(const char *key, const char *value, size_t len,
						  char *errbuf, size_t errlen)
{
	MeshJson   *json;
	MeshJson   *v;
	MeshProduct *p;
	int			format = 1;
	int			i;

	json = mesh_json_parse(value, len, 32, errbuf, errlen);
	if (json == NULL)
	{
		char	   *reason = pstrdup(errbuf);

		snprintf(errbuf, errlen, "the record is not valid JSON: %s", reason);
		return NULL;
	}
	if (json->type != MJ_OBJECT)
	{
		snprintf(errbuf, errlen, "the record is not a JSON object");
		return NULL;
	}
	if (!get_int(json, "format", false, &format, errbuf, errlen))
		return NULL;
	if (format != 1)
	{
		snprintf(errbuf, errlen, "record format %d is not one this mesh_fdw reads", format);
		return NULL;
	}

	p = palloc0(sizeof(MeshProduct));
	if (!get_string(json, "domain", true, &p->domain, errbuf, errlen) ||
		!get_string(json, "name", true, &p->name, errbuf, errlen) ||
		!get_string(json, "topic", true, &p->topic, errbuf, errlen) ||
		!get_string(json, "owner", true, &p->owner, errbuf, errlen) ||
		!get_string(json, "description", true, &p->description, errbuf, errlen) ||
		!get_string(json, "sla", false, &p->sla, errbuf, errlen) ||
		!get_string(json, "quality", false, &p->quality, errbuf, errlen) ||
		!get_string(json, "mode", false, &p->mode, errbuf, errlen) ||
		!get_string(json, "key_format", false, &p->key_format, errbuf, errlen) ||
		!get_string(json, "value_format", false, &p->value_format, errbuf, errlen) ||
		!get_string(json, "envelope", false, &p->envelope, errbuf, errlen) ||
		!get_string(json, "published_at", false, &p->published_at, errbuf, errlen) ||
		!get_string(json, "published_by", false, &p->published_by, errbuf, errlen) ||
		!get_string_list(json, "tags", &p->tags, errbuf, errlen) ||
		!get_string_list(json, "inputs", &p->inputs, errbuf, errlen) ||
		!get_int(json, "version", true, &p->version, errbuf, errlen))
		return NULL;

	if (!mesh_valid_name(p->domain) || !mesh_valid_name(p->name))
	{
		snprintf(errbuf, errlen, "domain and name must match [a-z][a-z0-9_]* and have at most %d characters",
				 MESH_MAX_NAME_LEN);
		return NULL;
	}
	p->qualified_name = psprintf("%s.%s", p->domain, p->name);
	if (strcmp(p->qualified_name, key) != 0)
	{
		snprintf(errbuf, errlen, "the record describes \"%s\" but its key is \"%s\"",
				 p->qualified_name, key);
		return NULL;
	}
	if (!mesh_valid_topic_name(p->topic))
	{
		snprintf(errbuf, errlen, "\"%s\" is not a Kafka topic name", p->topic);
		return NULL;
	}
	if (p->version < 1)
	{
		snprintf(errbuf, errlen, "field \"version\" must be at least 1");
		return NULL;
	}
	if (p->mode == NULL)
		p->mode = pstrdup("stream");
	if (p->key_format == NULL)
		p->key_format = pstrdup("text");
	if (p->value_format == NULL)
		p->value_format = pstrdup("avro");
	if (p->envelope == NULL)
		p->envelope = pstrdup("none");
	if (mesh_choice_index(mesh_envelopes, p->envelope) < 0)
	{
		snprintf(errbuf, errlen, "unknown envelope \"%s\"", p->envelope);
		return NULL;
	}
	if (mesh_choice_index(mesh_modes, p->mode) < 0 ||
		mesh_choice_index(mesh_key_formats, p->key_format) < 0 ||
		mesh_choice_index(mesh_value_formats, p->value_format) < 0)
	{
		snprintf(errbuf, errlen, "unknown mode, key_format or value_format");
		return NULL;
	}

	v = mesh_json_get(json, "schemas");
	if (v != NULL && v->type != MJ_NULL && v->type != MJ_ARRAY)
	{
		snprintf(errbuf, errlen, "field \"schemas\" is not an array");
		return NULL;
	}
	for (i = 0; v != NULL && v->type == MJ_ARRAY && i < v->count; i++)
	{
		MeshProductSchema *s;

		if (!parse_schema_entry(v->items[i], i, &s, errbuf, errlen))
			return NULL;
		p->schemas = lappend(p->schemas, s);
	}
	if (p->schemas == NIL && strcmp(p->value_format, "avro") == 0)
	{
		snprintf(errbuf, errlen, "an Avro data product has no schema");
		return NULL;
	}
	v = mesh_json_get(json, "protobuf");
	if (!get_registry_copy(v, "protobuf", &p->protobuf_schema, &p->protobuf_subject,
						   &p->protobuf_version, &p->protobuf_id, errbuf, errlen) ||
		(v != NULL && v->type == MJ_OBJECT &&
		 !get_references(v, &p->protobuf_references, errbuf, errlen)))
		return NULL;
	v = mesh_json_get(json, "json_schema");
	if (!get_registry_copy(v, "json_schema", &p->json_schema, &p->json_schema_subject,
						   &p->json_schema_version, &p->json_schema_id, errbuf, errlen))
		return NULL;
	p->descriptor = pnstrdup(value, len);
	return p;
}

/* ------------------------------------------------------------------------
 * Catalog records
 * ------------------------------------------------------------------------
 */

/* Keys this version of mesh_fdw writes; a record's others are carried on. */
static const char *const known_keys[] = {
	"format", "domain", "name", "topic", "owner", "description", "sla",
	"quality", "tags", "mode", "key_format", "value_format", "envelope", "schemas",
	"inputs", "version", "published_at", "published_by", "protobuf", "json_schema", NULL
};

static void
json_key(StringInfo buf, const char *key)
{
	if (buf->len > 1)
		appendStringInfoChar(buf, ',');
	escape_json(buf, key);
	appendStringInfoChar(buf, ':');
}

static void
json_string_member(StringInfo buf, const char *key, const char *value)
{
	json_key(buf, key);
	if (value)
		escape_json(buf, value);
	else
		appendStringInfoString(buf, "null");
}

/* A registry schema's copy, left open for more members: {subject, version, id, schema */
static void
registry_copy_member(StringInfo buf, const char *key, const char *schema,
					 const char *subject, int version, int id)
{
	json_key(buf, key);
	appendStringInfoString(buf, "{\"subject\":");
	escape_json(buf, subject ? subject : "");
	appendStringInfo(buf, ",\"version\":%d,\"id\":%d,\"schema\":", version, id);
	escape_json(buf, schema);
}

static void
json_list_member(StringInfo buf, const char *key, List *values)
{
	ListCell   *lc;

	json_key(buf, key);
	appendStringInfoChar(buf, '[');
	foreach(lc, values)
	{
		if (foreach_current_index(lc) > 0)
			appendStringInfoChar(buf, ',');
		escape_json(buf, lfirst(lc));
	}
	appendStringInfoChar(buf, ']');
}

/* The catalog record of product p (README, "The catalog record"). */
char *
mesh_build_catalog_record(const MeshProduct *p, const char *previous_descriptor)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	json_key(&buf, "format");
	appendStringInfoString(&buf, "1");
	json_string_member(&buf, "domain", p->domain);
	json_string_member(&buf, "name", p->name);
	json_string_member(&buf, "topic", p->topic);
	json_string_member(&buf, "owner", p->owner);
	json_string_member(&buf, "description", p->description);
	json_string_member(&buf, "sla", p->sla);
	json_string_member(&buf, "quality", p->quality);
	json_list_member(&buf, "tags", p->tags);
	json_string_member(&buf, "mode", p->mode);
	json_string_member(&buf, "key_format", p->key_format);
	json_string_member(&buf, "value_format", p->value_format);
	/* written only when there is one: records without it read as 'none' */
	if (p->envelope && strcmp(p->envelope, "none") != 0)
		json_string_member(&buf, "envelope", p->envelope);
	json_key(&buf, "schemas");
	appendStringInfoChar(&buf, '[');
	foreach(lc, p->schemas)
	{
		MeshProductSchema *s = lfirst(lc);
		char		fp[17];

		mesh_format_fingerprint(s->fingerprint, fp);
		appendStringInfo(&buf, "%s{\"version\":%d,\"fingerprint\":\"%s\",\"definition\":",
						 foreach_current_index(lc) > 0 ? "," : "", s->version, fp);
		escape_json(&buf, s->definition);
		if (s->has_registry)
		{
			appendStringInfoString(&buf, ",\"registry\":{\"subject\":");
			escape_json(&buf, s->registry_subject ? s->registry_subject : "");
			appendStringInfo(&buf, ",\"version\":%d,\"id\":%d}",
							 s->registry_version, s->registry_id);
		}
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, ']');
	json_list_member(&buf, "inputs", p->inputs);
	json_key(&buf, "version");
	appendStringInfo(&buf, "%d", p->version);
	json_string_member(&buf, "published_at", p->published_at);
	json_string_member(&buf, "published_by", p->published_by);
	if (p->protobuf_schema)
	{
		/* not in "schemas", whose definitions readers parse as Avro */
		registry_copy_member(&buf, "protobuf", p->protobuf_schema, p->protobuf_subject,
							 p->protobuf_version, p->protobuf_id);
		if (p->protobuf_references != NIL)
		{
			/* resolved: readers of the catalog need no registry */
			appendStringInfoString(&buf, ",\"references\":[");
			foreach(lc, p->protobuf_references)
			{
				MeshRegistryReference *r = lfirst(lc);

				appendStringInfoString(&buf, foreach_current_index(lc) > 0 ? ",{\"name\":" : "{\"name\":");
				escape_json(&buf, r->name);
				appendStringInfoString(&buf, ",\"subject\":");
				escape_json(&buf, r->subject);
				appendStringInfo(&buf, ",\"version\":%d,\"schema\":", r->version);
				escape_json(&buf, r->schema ? r->schema : "");
				appendStringInfoChar(&buf, '}');
			}
			appendStringInfoChar(&buf, ']');
		}
		appendStringInfoChar(&buf, '}');
	}
	if (p->json_schema)
	{
		/* the product's JSON Schema, for the views and IMPORT */
		registry_copy_member(&buf, "json_schema", p->json_schema, p->json_schema_subject,
							 p->json_schema_version, p->json_schema_id);
		appendStringInfoChar(&buf, '}');
	}

	/* unknown keys are kept, so that newer writers do not lose theirs */
	if (previous_descriptor)
	{
		char		errbuf[128];
		MeshJson   *prev = mesh_json_parse(previous_descriptor, strlen(previous_descriptor),
										   32, errbuf, sizeof(errbuf));
		int			i;

		for (i = 0; prev && prev->type == MJ_OBJECT && i < prev->count; i++)
		{
			const char *const *k;
			bool		known = false;
			MeshBuf		value;

			for (k = known_keys; *k; k++)
				if (strcmp(*k, prev->keys[i]) == 0)
					known = true;
			if (known)
				continue;
			json_key(&buf, prev->keys[i]);
			mesh_buf_init(&value);
			mesh_json_write(&value, prev->items[i]);
			appendBinaryStringInfo(&buf, value.data, value.len);
		}
	}
	appendStringInfoChar(&buf, '}');
	return buf.data;
}
