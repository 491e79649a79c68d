/*-------------------------------------------------------------------------
 *
 * mesh_fdw.h
 *		  Shared declarations of mesh_fdw, a foreign data wrapper that
 *		  exposes a data mesh on Apache Kafka as SQL.
 *
 * One header for the whole extension; each section names the file under
 * src/ that implements it.
 *
 * The first part is the "portable core": the parsers and decoders that
 * read bytes coming from Kafka or the schema registry (JSON, Avro schemas,
 * Avro data).  They include no PostgreSQL header, never throw, and report
 * bad input through return values and an error buffer, so that they can be
 * fuzzed and unit-tested outside the server (test/unit, test/fuzz, built
 * with -DMESH_STANDALONE).  Inside the server they allocate with palloc in
 * the current memory context (mesh_alloc, in src/glue.c).
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_FDW_H
#define MESH_FDW_H

#ifndef MESH_STANDALONE
#include "postgres.h"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ========================================================================
 * Portable core
 * ========================================================================
 */

/*
 * Memory for the portable core: in the server, palloc in the current
 * memory context (an out-of-memory ERROR is the only way they can throw);
 * standalone, malloc tracked so a harness can free everything at once.
 */
extern void *mesh_alloc(size_t size);	/* zeroed */
extern void *mesh_realloc(void *ptr, size_t size);
extern void mesh_free(void *ptr);
extern char *mesh_strndup(const char *s, size_t len);

/* A growable byte/char buffer for the portable core (NUL-terminated). */
typedef struct MeshBuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} MeshBuf;

extern void mesh_buf_init(MeshBuf *buf);
extern void mesh_buf_append(MeshBuf *buf, const char *data, size_t len);
extern void mesh_buf_append_str(MeshBuf *buf, const char *s);
extern void mesh_buf_append_char(MeshBuf *buf, char c);
/* append s as a JSON string literal, quotes included */
extern void mesh_buf_append_json_string(MeshBuf *buf, const char *s, size_t len);

/* ------------------------------------------------------------------------
 * src/json.c: a strict JSON parser (RFC 8259) into a tree
 * ------------------------------------------------------------------------
 */
typedef enum MeshJsonType
{
	MJ_NULL,
	MJ_BOOL,
	MJ_NUMBER,
	MJ_STRING,
	MJ_ARRAY,
	MJ_OBJECT
} MeshJsonType;

typedef struct MeshJson MeshJson;

struct MeshJson
{
	MeshJsonType type;
	bool		boolean;		/* MJ_BOOL */
	/* MJ_NUMBER: text as written; is_integer when it has no fraction or
	 * exponent and fits int64 (then integer holds it) */
	const char *number;
	bool		is_integer;
	int64_t		integer;
	double		real;			/* MJ_NUMBER, always */
	/* MJ_STRING: UTF-8, NUL-terminated, never contains NUL */
	const char *string;
	size_t		string_len;
	/* MJ_ARRAY: items; MJ_OBJECT: keys[i] -> items[i], in input order */
	int			count;
	MeshJson  **items;
	const char **keys;
};

#define MESH_JSON_MAX_DEPTH 64

/*
 * Parse len bytes of JSON.  Returns NULL and fills errbuf ("at byte N:
 * ...") for anything that is not one well-formed JSON value with only
 * white space around it: bad syntax, invalid UTF-8, "\u0000", lone
 * surrogates, nesting deeper than max_depth, duplicate object keys.
 */
extern MeshJson *mesh_json_parse(const char *text, size_t len, int max_depth,
								 char *errbuf, size_t errlen);
/* object member by key, or NULL (also when obj is not an object) */
extern MeshJson *mesh_json_get(const MeshJson *obj, const char *key);
/* the member's string, or NULL when absent or not a string */
extern const char *mesh_json_get_string(const MeshJson *obj, const char *key);
/* serialize compactly (no white space), keys in stored order */
extern void mesh_json_write(MeshBuf *buf, const MeshJson *json);

/* ------------------------------------------------------------------------
 * src/avro_schema.c: Avro schemas, Parsing Canonical Form, fingerprints
 * ------------------------------------------------------------------------
 */
typedef enum MeshAvroKind
{
	AVRO_NULL,
	AVRO_BOOLEAN,
	AVRO_INT,
	AVRO_LONG,
	AVRO_FLOAT,
	AVRO_DOUBLE,
	AVRO_BYTES,
	AVRO_STRING,
	AVRO_RECORD,
	AVRO_ENUM,
	AVRO_ARRAY,
	AVRO_MAP,
	AVRO_UNION,
	AVRO_FIXED
} MeshAvroKind;

/* Logical types the spec defines; an invalid one leaves AVRO_LT_NONE. */
typedef enum MeshAvroLogical
{
	AVRO_LT_NONE,
	AVRO_LT_DECIMAL,			/* bytes or fixed; precision, scale */
	AVRO_LT_UUID,				/* string */
	AVRO_LT_DATE,				/* int */
	AVRO_LT_TIME_MILLIS,		/* int */
	AVRO_LT_TIME_MICROS,		/* long */
	AVRO_LT_TIMESTAMP_MILLIS,	/* long */
	AVRO_LT_TIMESTAMP_MICROS,	/* long */
	AVRO_LT_LOCAL_TIMESTAMP_MILLIS, /* long */
	AVRO_LT_LOCAL_TIMESTAMP_MICROS, /* long */
	AVRO_LT_DURATION			/* fixed(12) */
} MeshAvroLogical;

typedef struct MeshAvroType MeshAvroType;

typedef struct MeshAvroField
{
	const char *name;
	MeshAvroType *type;
	const char *doc;			/* or NULL */
	const char **aliases;
	int			naliases;
	const MeshJson *default_value;	/* NULL when the field has none */
} MeshAvroField;

struct MeshAvroType
{
	MeshAvroKind kind;
	MeshAvroLogical logical;
	int			precision;		/* decimal */
	int			scale;			/* decimal */
	/* named types (record, enum, fixed) */
	const char *name;			/* short name */
	const char *fullname;		/* namespace.name */
	const char *doc;
	const char **aliases;		/* as full names */
	int			naliases;
	/* record */
	MeshAvroField *fields;
	int			nfields;
	/* enum */
	const char **symbols;
	int			nsymbols;
	const char *enum_default;	/* or NULL */
	/* array: items; map: values */
	MeshAvroType *items;
	MeshAvroType *values;
	/* union */
	MeshAvroType **branches;
	int			nbranches;
	/* fixed */
	int			size;
};

/*
 * Parse and validate an Avro schema given as JSON text.  Returns NULL and
 * fills errbuf with where and why it is invalid (e.g. 'field "amount" of
 * record "trade": unknown type "decimall"').  References to named types
 * point at the one definition, so recursive schemas are cyclic graphs.
 */
extern MeshAvroType *mesh_avro_parse(const char *json, size_t len,
									 char *errbuf, size_t errlen);
/* The Parsing Canonical Form of the Avro specification, NUL-terminated. */
extern char *mesh_avro_canonical_form(const MeshAvroType *schema);
/* CRC-64-AVRO of the given bytes (the spec's "Rabin" fingerprint). */
extern uint64_t mesh_avro_fingerprint(const char *data, size_t len);
/* The type's name as Avro writes it ("int", "record", or a full name). */
extern const char *mesh_avro_kind_name(MeshAvroKind kind);

#ifndef MESH_STANDALONE

#include <librdkafka/rdkafka.h>

#include "foreign/foreign.h"
#include "nodes/pg_list.h"
#include "utils/timestamp.h"

/* Defaults of the server options (design.md, "Setting up"). */
#define MESH_DEFAULT_CONNECT_TIMEOUT_MS 10000
#define MESH_DEFAULT_CATALOG_TOPIC "_mesh_catalog"

/*
 * How long a wait on Kafka may last before we check for interrupts again:
 * a cancel must take effect within a second.
 */
#define MESH_WAIT_SLICE_MS 200

/* ------------------------------------------------------------------------
 * src/option.c: option validation and parsing
 * ------------------------------------------------------------------------
 */

/* Options of a server together with the user mapping that applies. */
typedef struct MeshServerOptions
{
	Oid			serverid;
	char	   *servername;
	char	   *brokers;			/* bootstrap list, required */
	int			connect_timeout_ms;
	char	   *catalog_topic;
	char	   *schema_registry;	/* http(s) URL or NULL */
	bool		transactional;
	char	   *registry_user;		/* from the user mapping */
	char	   *registry_password;	/* from the user mapping; secret */
	List	   *server_kafka_props; /* DefElems, "kafka." prefix stripped */
	List	   *mapping_kafka_props;	/* same, from the user mapping */
	Oid			server_owner;		/* who set the server's kafka.* options */
	Oid			mapping_user;		/* who the mapping is for (0 = PUBLIC) */
} MeshServerOptions;

extern void mesh_validate_options(List *options, Oid catalog);
extern void mesh_get_server_options(ForeignServer *server, UserMapping *user,
									MeshServerOptions *opts);
extern bool mesh_option_is_secret(const char *name);
extern void mesh_check_kafka_property(const char *property, const char *value,
									  Oid roleid, bool is_user_mapping,
									  bool check_value);

/* ------------------------------------------------------------------------
 * src/connection.c: per-backend cache of Kafka clients
 * ------------------------------------------------------------------------
 */

/*
 * A cached Kafka client for one (server, user mapping).  librdkafka's
 * threads never call into PostgreSQL: their logs and errors are queued and
 * drained by the backend (mesh_drain_client).
 */
typedef struct MeshClientErrors
{
	rd_kafka_resp_err_t last_err;	/* latest error reported by error_cb */
	char		last_error[512];	/* its text, secrets already removed */
	char		first_error[512];	/* first error since the last reset */
} MeshClientErrors;

typedef struct MeshConnection
{
	Oid			serverid;			/* hash key part 1 */
	Oid			umid;				/* hash key part 2 (InvalidOid: none) */
	bool		invalidated;		/* options changed: rebuild at next use */
	uint32		server_hashvalue;
	uint32		mapping_hashvalue;
	MeshServerOptions opts;			/* allocated in the cache context */
	rd_kafka_t *rk;					/* metadata/admin client (producer) */
	rd_kafka_queue_t *logq;			/* where rk's logs wait for us */
	MeshClientErrors *errors;		/* malloc'd: written by error_cb */
} MeshConnection;

extern MeshConnection *mesh_get_connection(ForeignServer *server,
										   UserMapping *user);
extern long mesh_ms_left(TimestampTz deadline);
extern UserMapping *mesh_find_user_mapping(Oid userid, Oid serverid);
extern void mesh_drain_client(MeshConnection *conn);
extern rd_kafka_t *mesh_new_client(MeshConnection *conn, rd_kafka_type_t type,
								   const char *const *extra,
								   rd_kafka_queue_t **logq);
extern const rd_kafka_metadata_t *mesh_fetch_metadata(MeshConnection *conn,
													  const char *topic,
													  int elevel);
extern void mesh_redact_secrets(char *text, const MeshServerOptions *opts);

/* ------------------------------------------------------------------------
 * src/views.c: the catalog views of schema mesh
 * ------------------------------------------------------------------------
 */
extern List *mesh_usable_servers(void);

#endif							/* !MESH_STANDALONE */
#endif							/* MESH_FDW_H */
