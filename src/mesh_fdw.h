/*-------------------------------------------------------------------------
 *
 * mesh_fdw.h
 *		  Shared declarations of mesh_fdw, a foreign data wrapper that
 *		  exposes a data mesh on Apache Kafka as SQL.
 *
 * One header for the whole extension; each section names the file under
 * src/ that implements it.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_FDW_H
#define MESH_FDW_H

#include "postgres.h"

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

#endif							/* MESH_FDW_H */
