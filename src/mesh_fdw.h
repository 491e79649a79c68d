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

#include "core/core.h"
#include "core/json.h"
#include "core/avro_schema.h"
#include "core/avro_decode.h"
#include "core/avro_encode.h"
#include "core/avro_compat.h"

#ifndef MESH_STANDALONE

#include <librdkafka/rdkafka.h>

#include "access/htup.h"
#include "access/tupdesc.h"
#include "commands/explain.h"
#include "executor/tuptable.h"
#include "utils/relcache.h"
#include "fmgr.h"
#include "foreign/foreign.h"
#include "nodes/bitmapset.h"
#include "nodes/parsenodes.h"
#include "nodes/pathnodes.h"
#include "nodes/pg_list.h"
#include "utils/hsearch.h"
#include "utils/timestamp.h"

/* Defaults of the server options (design.md, "Setting up"). */
#define MESH_DEFAULT_CONNECT_TIMEOUT_MS 10000
#define MESH_DEFAULT_CATALOG_TOPIC "_mesh_catalog"

/*
 * How long a wait on Kafka may last before we check for interrupts again:
 * a cancel must take effect within a second.
 */
#define MESH_WAIT_SLICE_MS 200

/*
 * librdkafka 2.2.0 added fetch.queue.backoff.ms: before it, a consumer
 * whose prefetch queue filled up fetched again only when its broker
 * thread next woke up, up to a second later.  Scans there use a larger
 * queue and wake the fetcher themselves (scan.c).
 */
#define MESH_RDKAFKA_HAS_FETCH_QUEUE_BACKOFF (RD_KAFKA_VERSION >= 0x020200ff)
#if MESH_RDKAFKA_HAS_FETCH_QUEUE_BACKOFF
#define MESH_SCAN_QUEUE_KB 4096
#else
#define MESH_SCAN_QUEUE_KB 16384
#endif
/* at most this many messages in a scan's queue (queued.min.messages) */
#define MESH_SCAN_QUEUE_MESSAGES 20000

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
 * What librdkafka's callbacks report about a client.  The callbacks run on
 * the backend's thread from rd_kafka_poll(), but inside librdkafka's
 * frames, so they must not throw: they only write here.  malloc'd, so it
 * outlives any memory context and an abandoned wait cannot leave a
 * callback writing into freed memory.
 */
typedef struct MeshClientState
{
	rd_kafka_resp_err_t last_err;	/* latest error reported by error_cb */
	char		last_error[512];	/* its text */
	char		first_error[512];	/* first error since the last reset */
	char		broker_error[512];	/* why a broker connection last failed */
	bool		fatal;				/* librdkafka reported a fatal error */
	/* delivery reports of produced messages */
	uint64		delivered;			/* acknowledged by the brokers */
	uint64		failed;				/* not acknowledged */
	uint64		failed_maybe_written;	/* of those: sent, no answer */
	rd_kafka_resp_err_t delivery_err;	/* first failure since reset */
	char		delivery_error[512];
	/* transactional producers: where their messages went (see produce.c) */
	struct MeshWritten *written;
} MeshClientState;

/* The last offset a transactional producer wrote to, per partition. */
#define MESH_MAX_WRITTEN 256
typedef struct MeshWritten
{
	int			n;
	bool		overflow;		/* more partitions than tracked */
	struct
	{
		char		topic[256];
		int32		partition;
		int64		offset;
	}			parts[MESH_MAX_WRITTEN];
} MeshWritten;

/* A producer's delivery counts when a statement began to produce. */
typedef struct MeshDeliveryMark
{
	uint64		reported;		/* delivered + failed */
	uint64		failed;
	uint64		failed_maybe_written;
} MeshDeliveryMark;

/*
 * A producer for data (INSERT, create_data_product): idempotent, acks=all,
 * the Java client's partitioner; transactional ones also keep the state of
 * the PostgreSQL transaction they belong to.
 */
typedef struct MeshProducer
{
	rd_kafka_t *rk;
	rd_kafka_queue_t *logq;
	MeshClientState *state;		/* malloc'd */
	bool		transactional;
	bool		in_txn;			/* a Kafka transaction is open */
	bool		poisoned;		/* a subtransaction that produced rolled back */
	uint64		produced;		/* messages given to it in this transaction */
	uint64		failed_at_begin;	/* state->failed when it began */
	char	   *transactional_id;
	/* the topic last produced to: a name lookup per message costs */
	rd_kafka_topic_t *rkt;
	char		rkt_name[256];
} MeshProducer;

/*
 * A cached set of Kafka clients for one (server, user mapping).
 * librdkafka's threads never call into PostgreSQL: their logs are queued
 * and drained by the backend (mesh_drain_client).
 */
typedef struct MeshCatalog MeshCatalog;

/* A consumer of the pool scans take theirs from. */
typedef struct MeshPooledConsumer
{
	rd_kafka_t *rk;
	rd_kafka_queue_t *logq;
	MeshClientState *state;		/* malloc'd */
	bool		in_use;
	bool		few_rows;		/* fetches little at a time */
} MeshPooledConsumer;

typedef struct MeshConnection
{
	Oid			serverid;			/* hash key part 1 */
	Oid			umid;				/* hash key part 2 (InvalidOid: none) */
	bool		invalidated;		/* options changed: rebuild at next use */
	uint32		server_hashvalue;
	uint32		mapping_hashvalue;
	MemoryContext cxt;				/* opts and the catalog cache live here */
	MeshServerOptions opts;
	rd_kafka_t *rk;					/* producer: metadata, admin, catalog */
	rd_kafka_queue_t *logq;			/* where rk's logs wait for us */
	MeshClientState *state;			/* rk's callbacks write here */
	rd_kafka_t *consumer;			/* reads the catalog topic (lazily) */
	rd_kafka_queue_t *consumer_logq;
	MeshClientState *consumer_state;
	MeshCatalog *catalog;			/* cached catalog (catalog.c) or NULL */
	List	   *consumers;			/* MeshPooledConsumer *, for scans */
	MeshProducer *producer;			/* for data, built lazily */
	MeshProducer *txn_producer;		/* transactional, built lazily */
	List	   *estimates;			/* MeshTopicEstimate *, in cxt */
} MeshConnection;

/*
 * What the planner last learnt of a topic's size, so that planning a query
 * on a topic read moments ago asks the brokers nothing (scans refresh it).
 */
#define MESH_ESTIMATE_TTL_MS 10000
extern bool mesh_topic_estimate(MeshConnection *conn, const char *topic,
								double *messages);
extern void mesh_topic_estimate_set(MeshConnection *conn, const char *topic,
									double messages);

extern MeshConnection *mesh_get_connection(ForeignServer *server,
										   UserMapping *user);
extern long mesh_ms_left(TimestampTz deadline);
extern UserMapping *mesh_find_user_mapping(Oid userid, Oid serverid);
extern void mesh_drain_client(MeshConnection *conn);
extern int	mesh_delivery_timeout_ms(MeshConnection *conn);
extern rd_kafka_t *mesh_new_client(MeshConnection *conn, rd_kafka_type_t type,
								   const char *const *extra,
								   MeshClientState *state,
								   rd_kafka_queue_t **logq);
extern rd_kafka_t *mesh_get_catalog_consumer(MeshConnection *conn);
extern rd_kafka_t *mesh_checkout_consumer(MeshConnection *conn, bool few_rows);
extern void mesh_checkin_consumer(MeshConnection *conn, rd_kafka_t *consumer);
extern bool mesh_query_offsets(MeshConnection *conn, rd_kafka_t *rk,
							   const char *topic, int n, int64 *low,
							   int64 *high, int elevel);
extern bool mesh_offsets_for_time(MeshConnection *conn, rd_kafka_t *rk,
								  const char *topic, int n, int64 timestamp_ms,
								  int64 *offsets);
extern void mesh_report_kafka_error(MeshConnection *conn, MeshClientState *state,
									const char *what, int elevel);
extern bool mesh_query_watermarks(MeshConnection *conn, rd_kafka_t *rk,
								  const char *topic, int32 partition,
								  int64 *low, int64 *high, int elevel);
extern bool mesh_wait_deliveries(MeshConnection *conn, uint64 expected,
								 int timeout_ms);
extern const rd_kafka_metadata_t *mesh_fetch_metadata(MeshConnection *conn,
													  const char *topic,
													  int elevel);
extern void mesh_redact_secrets(char *text, const MeshServerOptions *opts);

/* ------------------------------------------------------------------------
 * src/catalog.c: the catalog topic, read into a per-connection cache
 * ------------------------------------------------------------------------
 */

/* Names of domains and products: [a-z][a-z0-9_]*, at most 63 bytes. */
#define MESH_MAX_NAME_LEN (NAMEDATALEN - 1)

typedef struct MeshProductSchema
{
	int			version;		/* 1, 2, ... in the order they were added */
	uint64		fingerprint;	/* CRC-64-AVRO of the canonical form */
	char	   *definition;		/* Avro schema JSON as published */
	bool		has_registry;	/* the schema came from a schema registry */
	char	   *registry_subject;
	int			registry_version;
	int			registry_id;
} MeshProductSchema;

/* The latest catalog record of a data product. */
typedef struct MeshProduct
{
	char	   *qualified_name; /* domain.name, the record's key */
	char	   *domain;
	char	   *name;
	char	   *topic;
	char	   *owner;
	char	   *description;
	char	   *sla;			/* or NULL */
	char	   *quality;		/* or NULL */
	List	   *tags;			/* of char * */
	char	   *mode;			/* stream | table */
	char	   *key_format;
	char	   *value_format;
	List	   *schemas;		/* of MeshProductSchema *, newest last */
	List	   *inputs;			/* of char *, qualified names */
	int			version;
	char	   *published_at;	/* ISO 8601 text as recorded, or NULL */
	char	   *published_by;	/* or NULL */
	char	   *descriptor;		/* the record's JSON text */
} MeshProduct;

typedef enum MeshCatalogAction
{
	MESH_ACTION_PUBLISH,
	MESH_ACTION_UPDATE,
	MESH_ACTION_UNPUBLISH
} MeshCatalogAction;

/* One valid record of the catalog topic, for the audit log. */
typedef struct MeshCatalogEvent
{
	int32		partition;
	int64		offset;
	TimestampTz event_time;		/* the Kafka message's timestamp */
	MeshCatalogAction action;
	char	   *qualified_name;
	int			version;		/* 0 for an unpublish */
	char	   *published_by;	/* or NULL */
	char	   *descriptor;		/* or NULL for an unpublish */
} MeshCatalogEvent;

struct MeshCatalog
{
	MemoryContext cxt;			/* everything below lives here */
	char	   *topic;
	int			npartitions;
	int64	   *next_offset;	/* per partition: where reading stopped */
	HTAB	   *products;		/* qualified name -> MeshProduct * */
	List	   *events;			/* of MeshCatalogEvent *, in topic order */
};

/* Per-backend counters, shown by mesh.stats(). */
typedef struct MeshStats
{
	int64		catalog_refreshes;	/* catalog reads that consumed records */
	int64		catalog_cache_hits; /* catalog reads answered from cache */
	int64		catalog_messages;	/* catalog records consumed */
} MeshStats;

extern MeshStats mesh_stats;

extern MeshCatalog *mesh_catalog_get(MeshConnection *conn, int elevel);
extern void mesh_read_latest_timestamps(MeshConnection *conn,
										rd_kafka_t *consumer, const char *topic,
										int n, const int64 *low,
										const int64 *high, int64 *latest_ms);
extern MeshProduct *mesh_catalog_lookup(MeshCatalog *catalog,
										const char *qualified_name);
extern List *mesh_catalog_products(MeshCatalog *catalog);
extern MeshProductSchema *mesh_product_current_schema(MeshProduct *product);
extern const char *mesh_catalog_schema_by_fingerprint(MeshCatalog *catalog,
													  uint64 fingerprint);
extern bool mesh_valid_name(const char *name);
extern bool mesh_valid_topic_name(const char *name);
extern uint64 mesh_schema_fingerprint(const MeshAvroType *schema);
extern void mesh_format_fingerprint(uint64 fingerprint, char *out);

/* ------------------------------------------------------------------------
 * src/publish.c: publishing data products (catalog records, topics)
 * ------------------------------------------------------------------------
 */
extern ForeignServer *mesh_pick_server(const char *servername);
extern void mesh_ensure_topic(MeshConnection *conn, const char *topic,
							  int partitions, bool compacted);
extern bool mesh_topic_exists(MeshConnection *conn, const char *topic,
							  int *partitions);
extern char *mesh_build_catalog_record(const MeshProduct *p,
									   const char *previous_descriptor);
extern void mesh_require_name(const char *what, const char *value);
extern void mesh_check_product_fields(const MeshProduct *p);
extern void mesh_check_choice(const char *what, const char *value,
							  const char *const *allowed);
extern MeshAvroType *mesh_validate_schema(const char *qualified_name,
										  const char *definition);
extern char *mesh_utc_now_iso8601(void);
extern char *mesh_current_publisher(void);
extern const char *const mesh_value_formats[];
extern const char *const mesh_key_formats[];
extern const char *const mesh_modes[];

/* src/avro_c.c: a second opinion on published schemas, from avro-c */
extern bool mesh_avro_c_check(const char *json, size_t len, char *errbuf,
							  size_t errlen);

/* ------------------------------------------------------------------------
 * src/registry.c: Confluent-compatible schema registry client (libcurl)
 * ------------------------------------------------------------------------
 */
typedef struct MeshRegistrySchema
{
	int			id;
	int			version;
	char	   *subject;
	char	   *schema;			/* Avro schema JSON text */
} MeshRegistrySchema;

extern bool mesh_registry_latest(MeshConnection *conn, const char *subject,
								 MeshRegistrySchema *result);
extern char *mesh_registry_schema_by_id(MeshConnection *conn, int id);
extern int	mesh_registry_register(MeshConnection *conn, const char *subject,
								   const char *schema);

/* ------------------------------------------------------------------------
 * src/type_map.c: Avro types and the PostgreSQL types they map to
 * ------------------------------------------------------------------------
 */
extern char *mesh_avro_pg_type(const MeshAvroType *type, bool *nullable);
extern char *mesh_avro_type_label(const MeshAvroType *type);
extern const MeshAvroType *mesh_avro_nonnull_branch(const MeshAvroType *type);
extern void mesh_array_elements(Datum array, Oid *elemtype, Datum **elems,
								bool **nulls, int *n);

/* ------------------------------------------------------------------------
 * src/convert.c: checked conversions of decoded values to column types
 * ------------------------------------------------------------------------
 *
 * PostgreSQL 15 has no soft input errors, and a message that does not fit
 * its columns must be able to be skipped (on_error 'skip' or 'null')
 * without an ERROR.  So values are converted by mesh_fdw's own checked
 * code for the built-in types below; each conversion either fills *out or
 * returns false with the reason in errbuf, and never throws (but for an
 * out-of-memory ERROR).  For other column types, conversions go through
 * the type's input function and may throw; such columns are refused for
 * on_error 'skip' and 'null' when the table is created.
 *
 * Checked types: boolean, smallint, integer, bigint, real, double
 * precision, numeric (with its typmod), text, varchar(n), bpchar(n), date,
 * time, timestamp, timestamptz, uuid, bytea, jsonb, json, and
 * one-dimensional arrays of boolean, smallint, integer, bigint, real,
 * double precision, numeric, text, varchar.
 */
typedef struct MeshColumnType
{
	Oid			typid;
	int32		typmod;
	bool		checked;		/* has a checked conversion */
	/* arrays: the element type */
	Oid			elemtype;
	int16		elemlen;
	bool		elembyval;
	char		elemalign;
	int32		elemtypmod;
	/* the input function, for unchecked types (may throw) */
	FmgrInfo	input;
	Oid			ioparam;
} MeshColumnType;

extern void mesh_column_type_init(MeshColumnType *ct, Oid typid, int32 typmod);
extern bool mesh_type_is_checked(Oid typid);
/*
 * The shape the decoder must produce for a column (MeshAvroSlot.shape):
 * MESH_SHAPE_JSON for json and jsonb (and domains over them),
 * MESH_SHAPE_ARRAY for array types, MESH_SHAPE_SCALAR otherwise.
 * mesh_convert_avro reads values in that shape: for json and jsonb,
 * value->data is JSON text whatever value->kind says.
 */
extern MeshAvroShape mesh_column_avro_shape(const MeshColumnType *ct);

/* An Avro value (after resolution) into the column type. */
extern bool mesh_convert_avro(const MeshAvroValue *value, const MeshColumnType *ct,
							  Datum *out, bool *isnull,
							  char *errbuf, size_t errlen);
/*
 * Text into the column type, by the type's input rules (the JSON and text
 * formats, text keys, header values).  utf8 need not be NUL-terminated.
 */
extern bool mesh_convert_text(const char *utf8, size_t len,
							  const MeshColumnType *ct, Datum *out,
							  char *errbuf, size_t errlen);
/* A JSON value (a field of a JSON message) into the column type. */
extern bool mesh_convert_json(const MeshJson *json, const MeshColumnType *ct,
							  Datum *out, bool *isnull,
							  char *errbuf, size_t errlen);
/* Bytes into bytea (never fails but for size limits). */
extern bool mesh_convert_bytes(const char *data, size_t len, Datum *out,
							   char *errbuf, size_t errlen);

/* ------------------------------------------------------------------------
 * src/table.c: what a foreign table reads: its topic, formats, mode and
 * columns, resolved against its data product
 * ------------------------------------------------------------------------
 */
typedef enum MeshFormat
{
	MESH_FORMAT_AVRO,
	MESH_FORMAT_JSON,
	MESH_FORMAT_TEXT,
	MESH_FORMAT_BYTES
} MeshFormat;

typedef enum MeshOnError
{
	MESH_ON_ERROR_ERROR,
	MESH_ON_ERROR_SKIP,
	MESH_ON_ERROR_NULL
} MeshOnError;

typedef enum MeshColumnKind
{
	MESH_COLUMN_DROPPED,
	MESH_COLUMN_FIELD,			/* a field of the message value */
	MESH_COLUMN_VALUE,			/* the whole value (text and bytes formats) */
	MESH_COLUMN_PARTITION,		/* _partition */
	MESH_COLUMN_OFFSET,			/* _offset */
	MESH_COLUMN_TIMESTAMP,		/* _timestamp */
	MESH_COLUMN_KEY,			/* _key */
	MESH_COLUMN_HEADERS			/* _headers */
} MeshColumnKind;

typedef struct MeshColumn
{
	MeshColumnKind kind;
	char	   *name;
	char	   *field;			/* source field (option "field" or the name) */
	MeshColumnType type;
	int			slot;			/* MESH_COLUMN_FIELD: index in target.slots */
} MeshColumn;

typedef struct MeshTable
{
	Oid			relid;
	char	   *relname;
	ForeignServer *server;
	MeshConnection *conn;
	char	   *product;		/* qualified name, or NULL for a raw topic */
	char	   *topic;
	MeshFormat	value_format;
	MeshFormat	key_format;
	bool		table_mode;
	MeshOnError on_error;
	bool		transactional;
	int			natts;			/* columns[attnum - 1] */
	MeshColumn *columns;
	MeshAvroType *reader_schema;	/* the product's current schema, or NULL */
	List	   *product_schemas;	/* MeshProductSchema *, all versions */
	MeshAvroTarget target;		/* one slot per field column */
} MeshTable;

extern MeshTable *mesh_table_load(Oid relid, int elevel);
extern const char *mesh_table_describe(const MeshTable *table);
extern MeshColumnKind mesh_metadata_column_kind(const char *name);
extern MeshFormat mesh_parse_format(const char *name);

/* ------------------------------------------------------------------------
 * src/pushdown.c: which partitions and offsets a scan must read
 * ------------------------------------------------------------------------
 *
 * The planner finds conditions on _partition, _offset and _timestamp that
 * narrow what must be read; their values (constants, parameters, stable
 * functions such as now()) are evaluated when the scan starts.  Every
 * condition also stays a local filter, so pushdown only ever saves reading.
 */
typedef struct MeshPartitionRange
{
	int64		low;			/* the partition's first offset */
	int64		high;			/* its last stable offset when the scan began */
	int64		start;			/* what the scan reads: [start, end) */
	int64		end;
} MeshPartitionRange;

typedef struct MeshPushdown
{
	List	   *items;			/* plan-time description (see pushdown.c) */
	List	   *exprs;			/* the values to evaluate, for fdw_exprs */
	bool		exact;			/* the items filter exactly (LIMIT may go down) */
	bool		has_timestamp_upper;
} MeshPushdown;

extern MeshPushdown *mesh_pushdown_extract(PlannerInfo *root, RelOptInfo *baserel,
										   MeshTable *table, List **remaining);
/* At scan start: restrict ranges[] (one per partition) by the conditions. */
extern void mesh_pushdown_apply(List *items, Datum *values, bool *isnull,
								Oid *types, int npartitions,
								MeshPartitionRange *ranges,
								int64 *ts_lower_ms, int64 *ts_upper_ms);
extern char *mesh_pushdown_describe(List *items, Datum *values, bool *isnull,
									Oid *types);

/* ------------------------------------------------------------------------
 * src/decode.c: a Kafka message into the columns of a row
 * ------------------------------------------------------------------------
 */
typedef struct MeshDecoder MeshDecoder;

extern MeshDecoder *mesh_decoder_create(MeshTable *table, Bitmapset *attrs_needed);
/*
 * Fill values/nulls (table->natts entries) from msg.  Returns false when
 * the message is bad (reason in errbuf); then the columns that could not
 * be decoded are NULL, for on_error 'null'.
 */
extern bool mesh_decode_message(MeshDecoder *decoder, const rd_kafka_message_t *msg,
								Datum *values, bool *nulls,
								char *errbuf, size_t errlen);
/* The same, from parts (table mode keeps messages in a tuplesort). */
extern bool mesh_decode_parts(MeshDecoder *decoder, int32 partition, int64 offset,
							  int64 timestamp_ms, const char *key, size_t keylen,
							  const char *value, size_t len, bool tombstone,
							  Datum headers, bool headers_null,
							  Datum *values, bool *nulls,
							  char *errbuf, size_t errlen);
extern Datum mesh_headers_datum(const rd_kafka_message_t *msg, bool *isnull);
extern TimestampTz mesh_kafka_timestamp(int64 ms);

/* ------------------------------------------------------------------------
 * src/scan.c: reading a topic for a foreign scan
 * ------------------------------------------------------------------------
 */
typedef struct MeshScan MeshScan;

extern MeshScan *mesh_scan_begin(MeshTable *table, Bitmapset *attrs_needed,
								 List *pushdown_items, Datum *values,
								 bool *isnull, Oid *types, int64 limit,
								 bool explain_only);
extern bool mesh_scan_next(MeshScan *scan, Datum *values, bool *nulls);
extern void mesh_scan_end(MeshScan *scan);
extern void mesh_scan_explain(MeshScan *scan, ExplainState *es);
extern int	mesh_scan_sample(MeshTable *table, HeapTuple *rows, int targrows,
							 double *totalrows, TupleDesc tupdesc);

/* ------------------------------------------------------------------------
 * src/produce.c: INSERT, tombstones and Kafka transactions
 * ------------------------------------------------------------------------
 */
typedef struct MeshInsert MeshInsert;

extern MeshProducer *mesh_get_producer(MeshConnection *conn, bool transactional);
extern void mesh_producer_destroy(MeshProducer *producer);
extern void mesh_produce(MeshConnection *conn, MeshProducer *producer,
						 const char *topic, int32 partition, const char *key,
						 size_t keylen, const char *value, size_t len,
						 int64 timestamp_ms, rd_kafka_headers_t *headers);
extern MeshDeliveryMark mesh_producer_mark(MeshProducer *producer);
extern void mesh_producer_wait(MeshConnection *conn, MeshProducer *producer,
							   const MeshDeliveryMark *mark, uint64 sent,
							   const char *what);
extern MeshInsert *mesh_insert_begin(Relation rel);
extern void mesh_insert_row(MeshInsert *ins, TupleTableSlot *slot);
extern void mesh_insert_end(MeshInsert *ins);
extern void mesh_produce_tombstone(MeshTable *table, const char *key, size_t keylen);
extern void mesh_producer_join(MeshConnection *conn, MeshProducer *producer);
extern void mesh_datum_to_avro(Datum value, Oid typid, MeshAvroValue *v,
							   MemoryContext cxt);

/* ------------------------------------------------------------------------
 * src/import.c: IMPORT FOREIGN SCHEMA, and checking table definitions
 * ------------------------------------------------------------------------
 */
extern List *mesh_import_foreign_schema(ImportForeignSchemaStmt *stmt,
										Oid serverOid);

/* ------------------------------------------------------------------------
 * src/views.c: the catalog views of schema mesh
 * ------------------------------------------------------------------------
 */
extern List *mesh_usable_servers(void);
extern MeshConnection *mesh_connection_for(ForeignServer *server);
extern Datum mesh_text_datum(const char *utf8);

#endif							/* !MESH_STANDALONE */
#endif							/* MESH_FDW_H */
