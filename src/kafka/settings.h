/*-------------------------------------------------------------------------
 *
 * kafka/settings.h
 *		  What a server and its user mapping say about reaching the
 *		  cluster: options, credentials and the librdkafka property policy.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_KAFKA_SETTINGS_H
#define MESH_KAFKA_SETTINGS_H

#include "foreign/foreign.h"
#include "nodes/pg_list.h"

/* Defaults of the server options (README, "Options"). */
#define MESH_DEFAULT_CONNECT_TIMEOUT_MS 10000
#define MESH_DEFAULT_CATALOG_TOPIC "_mesh_catalog"

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

/*
 * The options of a server and (if any) the user mapping that applies,
 * defaults filled in, allocated in the current memory context.
 */
extern void mesh_get_server_options(ForeignServer *server, UserMapping *user,
									MeshServerOptions *opts);

/*
 * Check one librdkafka property set by roleid: mesh_fdw's own ones are
 * refused for everyone, the rest need superuser unless allowlisted,
 * credentials belong on user mappings, and (check_value) librdkafka must
 * accept the value.  Secret values are never echoed.
 */
extern void mesh_check_kafka_property(const char *property, const char *value,
									  Oid roleid, bool is_user_mapping,
									  bool check_value);

/* Replace every credential of opts found in text by '*'s, in place. */
extern void mesh_redact_secrets(char *text, const MeshServerOptions *opts);

#endif							/* MESH_KAFKA_SETTINGS_H */
