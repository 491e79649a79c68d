/*-------------------------------------------------------------------------
 *
 * registry.c
 *		  A client for a Confluent-compatible schema registry, over libcurl.
 *
 * Requests run through curl's multi interface in short slices so that a
 * cancel is honoured at once, and are bounded by the server's
 * connect_timeout_ms.  Only http and https are spoken, also across
 * redirects; responses are size-limited and parsed by the portable JSON
 * parser.  Schemas fetched by id, and the versions of subjects references
 * name, never change, so they are cached for the life of the backend.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "kafka/registry.h"

#include "core/json.h"
#include "kafka/client.h"
#include "kafka/internal.h"
#include "kafka/settings.h"

#include <curl/curl.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/memutils.h"

/* A registry answer larger than this is refused. */
#define MAX_RESPONSE_BYTES (16 * 1024 * 1024)

typedef struct Response
{
	StringInfoData body;
	bool		too_large;
} Response;

typedef struct SchemaCacheKey
{
	Oid			serverid;
	int			id;
} SchemaCacheKey;

typedef struct SchemaCacheEntry
{
	SchemaCacheKey key;
	char	   *schema;
	char	   *schema_type;
	List	   *references;		/* in TopMemoryContext */
} SchemaCacheEntry;

/* A subject's version, by "<server oid>/<version>/<subject>". */
#define VERSION_KEY_LEN 512

typedef struct VersionCacheEntry
{
	char		key[VERSION_KEY_LEN];
	char	   *schema;
	int			version;		/* the one "latest" was */
	List	   *references;
} VersionCacheEntry;

static HTAB *schema_cache = NULL;
static HTAB *version_cache = NULL;
static bool curl_ready = false;

static size_t
write_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	Response   *response = (Response *) userdata;
	size_t		len = size * nmemb;

	/* called from curl_multi_perform on our thread: must not throw */
	if (response->too_large ||
		(size_t) response->body.len + len > MAX_RESPONSE_BYTES)
	{
		response->too_large = true;
		return 0;				/* makes curl fail the transfer */
	}
	if ((size_t) response->body.maxlen < response->body.len + len + 1)
	{
		/* enlargeStringInfo may throw: grow with a non-throwing alloc */
		int			newlen = response->body.maxlen;
		char	   *newdata;

		while ((size_t) newlen < response->body.len + len + 1)
			newlen *= 2;
		newdata = repalloc_extended(response->body.data, newlen, MCXT_ALLOC_NO_OOM);
		if (newdata == NULL)
		{
			response->too_large = true;
			return 0;
		}
		response->body.data = newdata;
		response->body.maxlen = newlen;
	}
	memcpy(response->body.data + response->body.len, data, len);
	response->body.len += len;
	response->body.data[response->body.len] = '\0';
	return len;
}

/*
 * GET (post NULL) or POST (post: the JSON body) base_url + path.  Returns
 * the HTTP status and the body; reports transport failures as ERROR.
 */
static long
registry_request(MeshConnection *conn, const char *path, const char *post,
				 StringInfo body)
{
	const MeshServerOptions *opts = &conn->opts;
	char	   *url = psprintf("%s%s", opts->schema_registry, path);
	CURL	   *curl;
	CURLM	   *multi;
	Response	response;
	long		status = 0;
	int			running = 1;
	CURLcode	result = CURLE_OK;
	char		errbuf[CURL_ERROR_SIZE];
	struct curl_slist *headers = NULL;
	TimestampTz deadline;

	if (!curl_ready)
	{
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			elog(ERROR, "could not initialize libcurl");
		curl_ready = true;
	}
	/* strip one trailing slash of the base URL */
	if (strlen(opts->schema_registry) > 0 &&
		opts->schema_registry[strlen(opts->schema_registry) - 1] == '/')
		url = psprintf("%.*s%s", (int) strlen(opts->schema_registry) - 1,
					   opts->schema_registry, path);

	initStringInfo(&response.body);
	response.too_large = false;
	errbuf[0] = '\0';

	curl = curl_easy_init();
	multi = curl_multi_init();
	if (curl == NULL || multi == NULL)
		elog(ERROR, "could not initialize libcurl");

	curl_easy_setopt(curl, CURLOPT_URL, url);
	if (post)
	{
		headers = curl_slist_append(headers, "Content-Type: application/vnd.schemaregistry.v1+json");
		curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post);
		/* a redirect must not turn the POST into a GET elsewhere */
		curl_easy_setopt(curl, CURLOPT_POSTREDIR, (long) CURL_REDIR_POST_ALL);
	}
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long) opts->connect_timeout_ms);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long) opts->connect_timeout_ms);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "mesh_fdw");
	if (opts->registry_user)
	{
		curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
		curl_easy_setopt(curl, CURLOPT_USERNAME, opts->registry_user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD,
						 opts->registry_password ? opts->registry_password : "");
		/* never send credentials to another host a redirect names */
		curl_easy_setopt(curl, CURLOPT_UNRESTRICTED_AUTH, 0L);
	}
	curl_multi_add_handle(multi, curl);

	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
										   opts->connect_timeout_ms + 1000);
	while (running)
	{
		CURLMsg    *msg;
		int			left;

		if (curl_multi_perform(multi, &running) != CURLM_OK)
			break;
		while ((msg = curl_multi_info_read(multi, &left)) != NULL)
			if (msg->msg == CURLMSG_DONE)
				result = msg->data.result;
		if (!running)
			break;
		curl_multi_poll(multi, NULL, 0, MESH_WAIT_SLICE_MS, NULL);
		if (INTERRUPTS_PENDING_CONDITION() || mesh_ms_left(deadline) <= 0)
		{
			if (!INTERRUPTS_PENDING_CONDITION())
				result = CURLE_OPERATION_TIMEDOUT;
			curl_multi_remove_handle(multi, curl);
			curl_easy_cleanup(curl);
			curl_multi_cleanup(multi);
			curl_slist_free_all(headers);
			headers = NULL;
			CHECK_FOR_INTERRUPTS();
			curl = NULL;
			break;
		}
	}
	if (curl)
	{
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
		curl_multi_remove_handle(multi, curl);
		curl_easy_cleanup(curl);
		curl_multi_cleanup(multi);
	}
	curl_slist_free_all(headers);

	if (response.too_large)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("schema registry of server \"%s\" sent an answer larger than %d bytes",
						opts->servername, MAX_RESPONSE_BYTES),
				 errdetail("URL: %s", url)));
	if (result != CURLE_OK || status == 0)
		ereport(ERROR,
				(errcode(ERRCODE_CONNECTION_FAILURE),
				 errmsg("could not reach the schema registry of server \"%s\"",
						opts->servername),
				 errdetail_internal("%s %s: %s", post ? "POST" : "GET", url,
						   errbuf[0] ? errbuf : curl_easy_strerror(result)),
				 errhint("Check that the registry at \"%s\" is running, or raise the server option \"connect_timeout_ms\".",
						 opts->schema_registry)));
	*body = response.body;
	return status;
}

static MeshJson *
parse_answer(MeshConnection *conn, const char *path, StringInfo body)
{
	char		errbuf[256];
	MeshJson   *json = mesh_json_parse(body->data, body->len, 16, errbuf, sizeof(errbuf));

	if (json == NULL || json->type != MJ_OBJECT)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("the schema registry of server \"%s\" sent an answer that is not a JSON object",
						conn->opts.servername),
				 errdetail("GET %s: %s", path, json ? "not an object" : errbuf)));
	return json;
}

static void
bad_status(MeshConnection *conn, const char *path, long status, StringInfo body)
{
	char		errbuf[256];
	MeshJson   *json = mesh_json_parse(body->data, body->len, 16, errbuf, sizeof(errbuf));
	const char *message = json ? mesh_json_get_string(json, "message") : NULL;

	ereport(ERROR,
			(errcode(ERRCODE_FDW_ERROR),
			 errmsg("schema registry of server \"%s\" answered HTTP %ld",
					conn->opts.servername, status),
			 errdetail("%s%s%s", path, message ? ": " : "", message ? message : "")));
}

/*
 * The registry's JSON answer to GET path (POST request, when given): NULL
 * for HTTP 404 when missing_ok, an ERROR for any other status but 200.
 */
static MeshJson *
registry_json(MeshConnection *conn, const char *path, const char *request,
			  bool missing_ok)
{
	StringInfoData body;
	long		status = registry_request(conn, path, request, &body);

	if (status == 404 && missing_ok)
		return NULL;
	if (status != 200)
		bad_status(conn, path, status, &body);
	return parse_answer(conn, path, &body);
}

/* /subjects/<subject><rest>, the subject escaped for a URL. */
static char *
subject_path(const char *subject, const char *rest)
{
	CURL	   *curl = curl_easy_init();
	char	   *escaped = curl ? curl_easy_escape(curl, subject, 0) : NULL;
	char	   *path;

	if (escaped == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	path = psprintf("/subjects/%s%s", escaped, rest);
	curl_free(escaped);
	curl_easy_cleanup(curl);
	return path;
}

/* An answer's "references", as declared; NULL when none.  from: what was asked. */
static List *
parse_references(MeshConnection *conn, const MeshJson *json, const char *from)
{
	MeshJson   *refs = mesh_json_get(json, "references");
	List	   *result = NIL;

	for (int i = 0; refs && refs->type == MJ_ARRAY && i < refs->count; i++)
	{
		MeshJson   *r = refs->items[i];
		MeshJson   *version = mesh_json_get(r, "version");
		MeshRegistryReference *ref = palloc0(sizeof(MeshRegistryReference));

		if (r->type != MJ_OBJECT || mesh_json_get_string(r, "name") == NULL ||
			mesh_json_get_string(r, "subject") == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("the schema registry of server \"%s\" sent a reference without a name or a subject",
							conn->opts.servername),
					 errdetail("In its answer for %s.", from)));
		ref->name = pstrdup(mesh_json_get_string(r, "name"));
		ref->subject = pstrdup(mesh_json_get_string(r, "subject"));
		/* -1 (or none) is the latest; anything else not a version is refused, not truncated */
		ref->version = -1;
		if (version != NULL &&
			!(version->type == MJ_NUMBER && version->is_integer &&
			  (version->integer == -1 ||
			   (version->integer > 0 && version->integer <= PG_INT32_MAX))))
			ereport(ERROR,
					(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
					 errmsg("the schema registry of server \"%s\" sent reference \"%s\" (subject \"%s\") with an invalid version",
							conn->opts.servername, ref->name, ref->subject),
					 errdetail("In its answer for %s.  A version is a positive integer, or -1 for the latest.",
							   from)));
		if (version != NULL)
			ref->version = (int) version->integer;
		result = lappend(result, ref);
	}
	return result;
}

List *
mesh_registry_references_copy(List *references)
{
	List	   *copy = NIL;
	ListCell   *lc;

	foreach(lc, references)
	{
		MeshRegistryReference *r = lfirst(lc);
		MeshRegistryReference *c = palloc(sizeof(MeshRegistryReference));

		c->name = pstrdup(r->name);
		c->subject = pstrdup(r->subject);
		c->version = r->version;
		c->schema = r->schema ? pstrdup(r->schema) : NULL;
		copy = lappend(copy, c);
	}
	return copy;
}

/*
 * The latest schema registered under subject.  False when the subject does
 * not exist (HTTP 404); other failures are ERRORs.
 */
bool
mesh_registry_latest(MeshConnection *conn, const char *subject,
					 MeshRegistrySchema *result)
{
	MeshJson   *json = registry_json(conn, subject_path(subject, "/versions/latest"),
									 NULL, true);
	MeshJson   *v;

	if (json == NULL)
		return false;

	memset(result, 0, sizeof(*result));
	result->subject = pstrdup(subject);
	/* out of int32's range is no id (nor version): not truncated into another */
	if ((v = mesh_json_get(json, "id")) != NULL && v->type == MJ_NUMBER && v->is_integer &&
		v->integer <= PG_INT32_MAX)
		result->id = (int) v->integer;
	if ((v = mesh_json_get(json, "version")) != NULL && v->type == MJ_NUMBER && v->is_integer &&
		v->integer > 0 && v->integer <= PG_INT32_MAX)
		result->version = (int) v->integer;
	if (mesh_json_get_string(json, "schema") == NULL || result->id <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("schema registry of server \"%s\" sent no schema for subject \"%s\"",
						conn->opts.servername, subject),
				 errdetail("The latest version needs a \"schema\" and an \"id\" from 1 to %d.",
						   PG_INT32_MAX)));
	result->schema = pstrdup(mesh_json_get_string(json, "schema"));
	result->schema_type = pstrdup(mesh_json_get_string(json, "schemaType") ?
								  mesh_json_get_string(json, "schemaType") : "AVRO");
	result->references = parse_references(conn, json,
										  psprintf("the latest version of subject \"%s\"", subject));
	return true;
}

/*
 * The schema with the given id, from the backend's cache or the registry.
 */
char *
mesh_registry_schema_by_id(MeshConnection *conn, int id)
{
	return mesh_registry_schema_by_id_typed(conn, id, NULL);
}

char *
mesh_registry_schema_by_id_typed(MeshConnection *conn, int id, const char **schema_type)
{
	SchemaCacheKey key;
	SchemaCacheEntry *entry;
	bool		found;
	char	   *path;
	MeshJson   *json;
	const char *schema;
	List	   *references;
	MemoryContext oldcxt;

	if (schema_cache == NULL)
	{
		HASHCTL		ctl = {.keysize = sizeof(SchemaCacheKey),
		.entrysize = sizeof(SchemaCacheEntry)};

		schema_cache = hash_create("mesh_fdw registry schemas", 64, &ctl,
								   HASH_ELEM | HASH_BLOBS);
	}
	memset(&key, 0, sizeof(key));
	key.serverid = conn->serverid;
	key.id = id;
	entry = hash_search(schema_cache, &key, HASH_FIND, NULL);
	if (entry)
	{
		if (schema_type)
			*schema_type = entry->schema_type;
		return entry->schema;
	}

	if (conn->opts.schema_registry == NULL)
		return NULL;
	path = psprintf("/schemas/ids/%d", id);
	json = registry_json(conn, path, NULL, true);
	schema = json ? mesh_json_get_string(json, "schema") : NULL;
	if (schema == NULL)
		return NULL;

	references = parse_references(conn, json, psprintf("schema id %d", id));
	entry = hash_search(schema_cache, &key, HASH_ENTER, &found);
	entry->schema = MemoryContextStrdup(TopMemoryContext, schema);
	entry->schema_type = MemoryContextStrdup(TopMemoryContext,
											 mesh_json_get_string(json, "schemaType") ?
											 mesh_json_get_string(json, "schemaType") : "AVRO");
	oldcxt = MemoryContextSwitchTo(TopMemoryContext);
	entry->references = mesh_registry_references_copy(references);
	MemoryContextSwitchTo(oldcxt);
	if (schema_type)
		*schema_type = entry->schema_type;
	return entry->schema;
}

List *
mesh_registry_references_by_id(MeshConnection *conn, int id)
{
	SchemaCacheKey key;
	SchemaCacheEntry *entry;

	if (mesh_registry_schema_by_id(conn, id) == NULL)
		return NIL;
	memset(&key, 0, sizeof(key));
	key.serverid = conn->serverid;
	key.id = id;
	entry = hash_search(schema_cache, &key, HASH_FIND, NULL);
	return entry ? entry->references : NIL;
}

/* A subject's version as a reference names it: its schema and references. */
static VersionCacheEntry *
subject_version(MeshConnection *conn, const MeshRegistryReference *ref, const char *by)
{
	char		key[VERSION_KEY_LEN];
	VersionCacheEntry *entry;
	MeshJson   *json;
	const char *schema;
	MeshJson   *v;
	List	   *references;
	int			version;
	bool		cacheable;
	const char *asked;			/* the version, as text */
	MemoryContext oldcxt;

	if (version_cache == NULL)
	{
		HASHCTL		ctl = {.keysize = VERSION_KEY_LEN,
		.entrysize = sizeof(VersionCacheEntry)};

		version_cache = hash_create("mesh_fdw registry subject versions", 64, &ctl,
									HASH_ELEM | HASH_STRINGS);
	}
	/* "latest" changes; a subject too long for the key is not kept */
	cacheable = snprintf(key, sizeof(key), "%u/%d/%s", conn->serverid, ref->version,
						 ref->subject) < VERSION_KEY_LEN && ref->version > 0;
	if (cacheable && (entry = hash_search(version_cache, key, HASH_FIND, NULL)) != NULL)
		return entry;

	asked = ref->version > 0 ? psprintf("%d", ref->version) : "(latest)";
	json = registry_json(conn, subject_path(ref->subject, ref->version > 0 ?
											psprintf("/versions/%d", ref->version) :
											"/versions/latest"),
						 NULL, true);
	if (json == NULL || (schema = mesh_json_get_string(json, "schema")) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("schema registry of server \"%s\" has no version %s of subject \"%s\"",
						conn->opts.servername, asked, ref->subject),
				 errdetail("%s references it as \"%s\".", by, ref->name),
				 errhint("Register the referenced schema under subject \"%s\", or register the referencing schema again with references the registry holds.",
						 ref->subject)));
	/* checked before the entry exists: an ERROR must not leave it half filled */
	references = parse_references(conn, json,
								  psprintf("version %s of subject \"%s\"", asked, ref->subject));
	v = mesh_json_get(json, "version");
	version = v != NULL && v->type == MJ_NUMBER && v->is_integer &&
		v->integer > 0 && v->integer <= PG_INT32_MAX ? (int) v->integer : ref->version;
	oldcxt = MemoryContextSwitchTo(cacheable ? TopMemoryContext : CurrentMemoryContext);
	entry = cacheable ? hash_search(version_cache, key, HASH_ENTER, NULL) :
		palloc0(sizeof(VersionCacheEntry));
	entry->schema = pstrdup(schema);
	entry->version = version;
	entry->references = mesh_registry_references_copy(references);
	MemoryContextSwitchTo(oldcxt);
	return entry;
}

static void
resolve_into(MeshConnection *conn, List *references, const char *by, int depth,
			 List **result)
{
	ListCell   *lc;

	if (references != NIL && depth > MESH_REGISTRY_MAX_REFERENCE_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("schema references in the registry of server \"%s\" nest deeper than %d",
						conn->opts.servername, MESH_REGISTRY_MAX_REFERENCE_DEPTH),
				 errdetail("%s references schemas %d levels down.", by, depth)));
	foreach(lc, references)
	{
		MeshRegistryReference *ref = lfirst(lc);
		MeshRegistryReference *resolved;
		VersionCacheEntry *entry;
		ListCell   *seen;
		bool		known = false;

		/* each name once: ends cycles, and diamonds ask once */
		foreach(seen, *result)
			known |= strcmp(((MeshRegistryReference *) lfirst(seen))->name, ref->name) == 0;
		if (known)
			continue;
		CHECK_FOR_INTERRUPTS();
		entry = subject_version(conn, ref, by);
		resolved = palloc(sizeof(MeshRegistryReference));
		resolved->name = pstrdup(ref->name);
		resolved->subject = pstrdup(ref->subject);
		resolved->version = entry->version;
		resolved->schema = pstrdup(entry->schema);
		*result = lappend(*result, resolved);
		resolve_into(conn, entry->references,
					 psprintf("Subject \"%s\" version %d", ref->subject, entry->version),
					 depth + 1, result);
	}
}

List *
mesh_registry_resolve_references(MeshConnection *conn, List *references)
{
	List	   *result = NIL;

	resolve_into(conn, references, "The schema", 1, &result);
	return result;
}

/*
 * Register schema under subject (or find it there); returns its id.
 */
int
mesh_registry_register(MeshConnection *conn, const char *subject, const char *schema)
{
	char	   *path = subject_path(subject, "/versions");
	StringInfoData request;
	MeshJson   *json;
	MeshJson   *id;

	initStringInfo(&request);
	appendStringInfoString(&request, "{\"schema\":");
	escape_json(&request, schema);
	appendStringInfoChar(&request, '}');

	json = registry_json(conn, path, request.data, false);
	id = mesh_json_get(json, "id");
	if (id == NULL || id->type != MJ_NUMBER || !id->is_integer || id->integer <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_FDW_INVALID_DATA_TYPE),
				 errmsg("schema registry of server \"%s\" gave no id for subject \"%s\"",
						conn->opts.servername, subject)));
	return (int) id->integer;
}
