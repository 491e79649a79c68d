/*-------------------------------------------------------------------------
 *
 * mesh/continuous.h
 *		  Continuous data products: a derived product whose query a
 *		  background worker runs again on each batch of new input messages,
 *		  committing the output and the input positions in one Kafka
 *		  transaction (README, "Continuous data products").
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_CONTINUOUS_H
#define MESH_MESH_CONTINUOUS_H

#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "foreign/foreign.h"

/* What the fdw layer tells of a foreign table (mesh_foreign_table_info). */
typedef struct MeshInputInfo
{
	bool		is_mesh;		/* a foreign table of mesh_fdw */
	bool		stream;			/* in mode 'stream' */
	Oid			serverid;
	char	   *topic;
} MeshInputInfo;

typedef bool (*MeshForeignTableInfoFn) (Oid relid, MeshInputInfo *info);

/* Set by the fdw layer when the library loads (mesh_fdw.c). */
extern MeshForeignTableInfoFn mesh_foreign_table_info;

/* Whether the library was loaded by shared_preload_libraries. */
extern bool mesh_preloaded;

/* The shape of a continuous product's query, checked at its creation. */
typedef struct MeshContinuousPlan
{
	Oid			input_relid;	/* the one stream-mode input */
	char	   *input_topic;
	char	   *batch_query;	/* what each batch runs */
	char	   *window_spec;	/* JSON, or NULL without a window */
	char	   *key_column;		/* a window's output has its own key */
} MeshContinuousPlan;

/*
 * Check that the prepared query is one a continuous product can run (an
 * ERROR naming what is not, and what is supported) and plan its batches.
 */
extern MeshContinuousPlan *mesh_continuous_plan(const char *qualified_name,
												SPIPlanPtr plan, Oid serverid,
												Interval *grace);

/*
 * Record a continuous product in this database and start its worker when
 * the transaction commits.
 */
extern void mesh_continuous_create(ForeignServer *server, const char *qualified_name,
								   const char *query, const MeshContinuousPlan *cp,
								   const char *output_topic, const char *schema,
								   const char *header, int header_len,
								   const char *key_column, Interval *grace);

/*
 * A product is unpublished: stop its worker (if this database runs it)
 * and forget it.
 */
extern void mesh_continuous_forget(const char *servername, const char *qualified_name);

/* Run sql on mesh.continuous_product as the table's owner (SPI's arguments). */
extern void mesh_continuous_execute(const char *sql, int nargs, Oid *types,
									Datum *values, const char *nulls);

/* The consumer group and transactional.id of a product. */
extern char *mesh_continuous_group(const char *qualified_name);

/*
 * The ranges of the stream input a worker's current batch reads: a scan
 * of that topic on that server reads [start[p], end[p]) of each
 * partition, and notes each message it takes.
 */
typedef struct MeshBatchRanges
{
	Oid			serverid;
	const char *topic;
	int			n;
	const int64 *start;
	const int64 *end;
	int64		messages;		/* taken by scans */
	int32		last_partition; /* of the last message taken; -1: none */
	int64		last_offset;
	int64		max_timestamp_ms;
} MeshBatchRanges;

/*
 * The batch for a scan of topic on server, or NULL; an ERROR for a scan of
 * another stream while a batch runs (its input changed since creation).
 */
extern MeshBatchRanges *mesh_continuous_batch(Oid serverid, const char *topic,
											  bool stream, const char *what);
extern void mesh_continuous_set_batch(MeshBatchRanges *batch);

/* The advisory lock a product's runner holds: (key1, id). */
#define MESH_RUNNER_LOCK_KEY 1835365224 /* "mesh" */

/* Background workers (runner.c, launcher.c). */
extern void mesh_launcher_register(void);
extern bool mesh_start_runner(Oid dboid, int id, const char *qualified_name, int elevel);
extern int	mesh_runner_pid(int id);
/* "<system identifier>:<database oid>": where a product's row was made */
extern char *mesh_continuous_home(void);

#endif							/* MESH_MESH_CONTINUOUS_H */
