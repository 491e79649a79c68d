/*-------------------------------------------------------------------------
 *
 * mesh/bookmark.h
 *		  Bookmarks: per partition, where the next scan of a foreign table
 *		  with option "bookmark" starts, kept in an extension table
 *		  (mesh.bookmark_state) in the same transaction as the rows the
 *		  scan produced, and mirrored to Kafka as the committed offsets of
 *		  consumer group "mesh.bookmark.<name>" after the commit.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_BOOKMARK_H
#define MESH_MESH_BOOKMARK_H

#include "foreign/foreign.h"
#include "kafka/client.h"

/* The Kafka consumer group a bookmark is mirrored to: prefix + name. */
#define MESH_BOOKMARK_GROUP_PREFIX "mesh.bookmark."

typedef struct MeshBookmark
{
	char	   *name;
	ForeignServer *server;
	char	   *topic;
	MeshConnection *conn;
	int			npositions;
	int64	   *positions;		/* next offset per partition; -1: none yet */
	bool		locked;			/* row-locked: the scan will advance it */
} MeshBookmark;

/*
 * The bookmark called name for a scan of topic on server: made at its
 * first use, at the earliest offsets; an ERROR when it belongs to another
 * server or topic.  With lock, its row is locked until the transaction
 * ends (another backend using it waits), and the bookmark counts as being
 * read until the current memory context is reset or mesh_bookmark_close:
 * a second scan of it at the same time is an ERROR.  Without lock
 * (EXPLAIN), the positions are only read, and a bookmark not yet made
 * shows none.
 */
extern MeshBookmark *mesh_bookmark_open(const char *name, ForeignServer *server,
										MeshConnection *conn, const char *topic,
										bool lock);

/* Partition p's position, or -1 when the bookmark has none there. */
extern int64 mesh_bookmark_position(const MeshBookmark *bm, int p);

/*
 * Move the bookmark to next[p] for partitions p < n (within the current
 * transaction); after the transaction commits, the new positions are
 * committed to Kafka too.
 */
extern void mesh_bookmark_advance(MeshBookmark *bm, int n, const int64 *next);

/* The scan of the bookmark is over. */
extern void mesh_bookmark_close(MeshBookmark *bm);

#endif							/* MESH_MESH_BOOKMARK_H */
