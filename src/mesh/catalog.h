/*-------------------------------------------------------------------------
 *
 * mesh/catalog.h
 *		  The catalog topic, read into a per-connection cache
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_CATALOG_H
#define MESH_MESH_CATALOG_H

#include "kafka/client.h"
#include "mesh/product.h"
#include "utils/timestamp.h"

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

typedef struct MeshCatalog MeshCatalog;

/* Per-backend counters, shown by mesh.stats(). */
typedef struct MeshStats
{
	int64		catalog_refreshes;	/* catalog reads that consumed records */
	int64		catalog_cache_hits; /* catalog reads answered from cache */
	int64		catalog_messages;	/* catalog records consumed */
} MeshStats;

extern MeshStats mesh_stats;

extern MeshCatalog *mesh_catalog_get(MeshConnection *conn, int elevel);
/* The records of the catalog topic's retained history, in topic order. */
extern List *mesh_catalog_events(MeshCatalog *catalog);
extern MeshProduct *mesh_catalog_lookup(MeshCatalog *catalog,
										const char *qualified_name);
extern List *mesh_catalog_products(MeshCatalog *catalog);
extern bool mesh_catalog_has_domain(MeshCatalog *catalog, const char *domain);
extern void mesh_refuse_catalog_topic(MeshConnection *conn, const char *topic,
									  const char *what);
extern const char *mesh_catalog_schema_by_fingerprint(MeshCatalog *catalog,
													  uint64 fingerprint);

#endif							/* MESH_MESH_CATALOG_H */
