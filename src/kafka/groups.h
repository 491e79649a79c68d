/*-------------------------------------------------------------------------
 *
 * kafka/groups.h
 *		  Consumer groups: committing a group's offsets without joining it
 *		  (bookmarks), and listing the groups of a cluster with their
 *		  committed offsets (mesh.data_product_consumers).
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_KAFKA_GROUPS_H
#define MESH_KAFKA_GROUPS_H

#include "kafka/client.h"
#include "nodes/pg_list.h"

/*
 * Commit offsets[p] (p < n; a negative offset leaves partition p out) of
 * topic as consumer group's committed offsets, each with metadata, through
 * the admin API (the group need not, and must not, have members).  Waits
 * at most timeout_ms, and less when an interrupt is pending.  Never
 * throws and allocates no PostgreSQL memory, so it may run after a
 * PostgreSQL transaction has committed: false, with the reason in errbuf,
 * when the commit failed or got no answer in time.
 */
extern bool mesh_group_commit(MeshConnection *conn, const char *group,
							  const char *topic, int n, const int64 *offsets,
							  const char *metadata, int timeout_ms,
							  char *errbuf, size_t errlen);

/*
 * The committed offsets of consumer group for partitions 0..n-1 of topic
 * (-1 where none); with stable, waiting for the offsets of open
 * transactions to be committed or aborted.  On failure reports at elevel
 * and, if that returns, gives false.
 */
extern bool mesh_group_committed(MeshConnection *conn, const char *group,
								 const char *topic, int n, int64 *offsets,
								 bool stable, int elevel);

/* A committed offset of a group. */
typedef struct MeshGroupOffset
{
	char	   *topic;
	int32		partition;
	int64		offset;
	char	   *metadata;		/* NULL or empty when none */
} MeshGroupOffset;

/* A consumer group and its committed offsets. */
typedef struct MeshGroupInfo
{
	char	   *group;
	char	   *state;			/* as Kafka names it: Stable, Empty, ... */
	int			members;		/* -1 when it could not be described */
	int			noffsets;
	MeshGroupOffset *offsets;
} MeshGroupInfo;

/*
 * Every consumer group of conn's cluster (MeshGroupInfo *, sorted by name),
 * with its state, its member count and its committed offsets.  On failure
 * reports at elevel and, if that returns, gives NIL.
 */
extern List *mesh_list_groups(MeshConnection *conn, int elevel);

/*
 * Delete a consumer group (one without members); a group that does not
 * exist is no error.  Reports a failure at elevel.
 */
extern bool mesh_group_delete(MeshConnection *conn, const char *group, int elevel);

#endif							/* MESH_KAFKA_GROUPS_H */
