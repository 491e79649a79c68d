/*-------------------------------------------------------------------------
 *
 * mesh/window.h
 *		  Tumbling-window aggregates of continuous data products: the
 *		  partial aggregates each batch computes, and the open windows'
 *		  state they are merged into, kept in a compacted Kafka topic
 *		  written in the same transaction as the output.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_WINDOW_H
#define MESH_MESH_WINDOW_H

#include "postgres.h"

#include "access/htup.h"
#include "access/tupdesc.h"
#include "nodes/parsenodes.h"
#include "utils/timestamp.h"

typedef struct MeshWindowPlan
{
	char	   *batch_query;	/* partial aggregates of a batch */
	char	   *spec;			/* JSON: columns, keys and aggregates */
} MeshWindowPlan;

/*
 * Check a GROUP BY query over the stream (range table entry stream_rti of
 * q) for a tumbling-window aggregate we can run batch by batch (an ERROR
 * saying what is not), and plan it.
 */
extern MeshWindowPlan *mesh_window_plan(const char *qualified_name, Query *q,
										Index stream_rti, Interval *grace);

/* The topic holding a windowed product's open windows. */
extern char *mesh_window_state_topic(const char *output_topic);

typedef struct MeshWindows MeshWindows;

/* Called for each output row (and state record) a flush writes. */
typedef void (*MeshWindowEmit) (void *arg, const char *key, const Datum *values,
								const bool *nulls, const char *state);

extern MeshWindows *mesh_windows_create(const char *qualified_name, const char *spec,
										Interval *grace);
extern void mesh_windows_destroy(MeshWindows *w);
/* The output's columns: what the user's query returns. */
extern TupleDesc mesh_windows_output_desc(MeshWindows *w);
/* A record of the state topic, read at start (value NULL: a tombstone). */
extern void mesh_windows_restore(MeshWindows *w, const char *key, size_t keylen,
								 const char *value, size_t len);
/* An ERROR unless rows of desc are the batch query's as planned. */
extern void mesh_windows_check(MeshWindows *w, TupleDesc desc);
/* One row of the batch query: merged into its window, or counted late. */
extern void mesh_windows_add(MeshWindows *w, HeapTuple row, TupleDesc desc);
/*
 * The batch is over: emit the windows it changed (output and state), and
 * drop those now closed (a state tombstone).
 */
extern void mesh_windows_flush(MeshWindows *w, MeshWindowEmit emit, void *arg);
/* Late messages since the last flush (and reset). */
extern int64 mesh_windows_take_late(MeshWindows *w);

#endif							/* MESH_MESH_WINDOW_H */
