/*-------------------------------------------------------------------------
 *
 * kafka/client.h
 *		  Per-backend cache of Kafka clients, one set per (server, user
 *		  mapping), modelled on postgres_fdw's connection cache.
 *
 * A connection is built on first use and kept for the life of the backend;
 * a change to the server's or the user mapping's options marks it invalid
 * and it is rebuilt at its next use.  Its struct is private to the kafka
 * layer; other layers use the functions below.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_KAFKA_CLIENT_H
#define MESH_KAFKA_CLIENT_H

#include "foreign/foreign.h"
#include "kafka/settings.h"
#include "utils/palloc.h"
#include "utils/timestamp.h"

typedef struct MeshConnection MeshConnection;

/*
 * How long a wait on Kafka may last before we check for interrupts again:
 * a cancel must take effect within a second.
 */
#define MESH_WAIT_SLICE_MS 200

/* The connection for a server and user mapping (NULL: none). */
extern MeshConnection *mesh_get_connection(ForeignServer *server,
										   UserMapping *user);
/* The connection the current user has for a server. */
extern MeshConnection *mesh_connection_for(ForeignServer *server);
/*
 * Close the connection's clients (outside any transaction that uses
 * them): the next mesh_get_connection builds new ones.  A continuous
 * product's worker does so after a Kafka error.
 */
extern void mesh_connection_discard(MeshConnection *conn);
/* The user mapping for userid on serverid (its own, else PUBLIC's), or NULL. */
extern UserMapping *mesh_find_user_mapping(Oid userid, Oid serverid);

extern const MeshServerOptions *mesh_connection_options(MeshConnection *conn);

/*
 * What the mesh layer caches per connection (its catalog), in memory that
 * lives as long as the connection's clients: both are forgotten when the
 * connection is rebuilt.
 */
extern MemoryContext mesh_connection_memory(MeshConnection *conn);
extern void *mesh_connection_catalog(MeshConnection *conn);
extern void mesh_connection_set_catalog(MeshConnection *conn, void *catalog);

/* Forward the log lines librdkafka queued to the server log. */
extern void mesh_drain_client(MeshConnection *conn);

/* Milliseconds left until deadline (0 when passed). */
extern long mesh_ms_left(TimestampTz deadline);
/* A slice of a wait until deadline: at least 1, at most MESH_WAIT_SLICE_MS. */
#define MESH_SLICE(deadline) \
	((int) Max(1, Min(mesh_ms_left(deadline), MESH_WAIT_SLICE_MS)))

#endif							/* MESH_KAFKA_CLIENT_H */
