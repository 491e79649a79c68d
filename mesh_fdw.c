/*-------------------------------------------------------------------------
 *
 * mesh_fdw.c
 *		  Foreign-data wrapper for a data mesh on Apache Kafka: the handler,
 *		  the validator and the FDW callbacks.  The work is done by the files
 *		  under src/ (see src/mesh_fdw.h); this file only wires them to the
 *		  planner and executor.
 *
 *-------------------------------------------------------------------------
 */
#include "mesh_fdw.h"

#include "access/reloptions.h"
#include "fmgr.h"
#include "foreign/fdwapi.h"
#include "optimizer/pathnode.h"
#include "optimizer/planmain.h"
#include "optimizer/restrictinfo.h"

PG_MODULE_MAGIC;

/*
 * Validate the options given to CREATE/ALTER of a mesh_fdw server, user
 * mapping, foreign table or column.  PostgreSQL passes the complete list
 * as it will stand after the command, so required options can be checked.
 */
PG_FUNCTION_INFO_V1(mesh_fdw_validator);
Datum
mesh_fdw_validator(PG_FUNCTION_ARGS)
{
	List	   *options = untransformRelOptions(PG_GETARG_DATUM(0));
	Oid			catalog = PG_GETARG_OID(1);

	mesh_validate_options(options, catalog);
	PG_RETURN_VOID();
}

/*
 * GetForeignRelSize: the planner wants a row estimate for the relation.
 */
static void
meshGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("reading mesh_fdw foreign tables is not supported yet")));
}

/*
 * GetForeignPaths: the planner wants the access paths for the relation.
 */
static void
meshGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid)
{
}

/*
 * GetForeignPlan: turn the chosen path into a ForeignScan plan node.
 */
static ForeignScan *
meshGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
				   ForeignPath *best_path, List *tlist, List *scan_clauses,
				   Plan *outer_plan)
{
	return NULL;
}

/*
 * BeginForeignScan: the executor starts a scan; set up its state.
 */
static void
meshBeginForeignScan(ForeignScanState *node, int eflags)
{
}

/*
 * IterateForeignScan: return the next row in the scan's tuple slot, or an
 * empty slot at the end.
 */
static TupleTableSlot *
meshIterateForeignScan(ForeignScanState *node)
{
	return NULL;
}

/*
 * ReScanForeignScan: restart the scan from the beginning.
 */
static void
meshReScanForeignScan(ForeignScanState *node)
{
}

/*
 * EndForeignScan: the scan is over; release what it holds.
 */
static void
meshEndForeignScan(ForeignScanState *node)
{
}

/*
 * The handler: tells PostgreSQL which callbacks implement mesh_fdw.
 */
PG_FUNCTION_INFO_V1(mesh_fdw_handler);
Datum
mesh_fdw_handler(PG_FUNCTION_ARGS)
{
	FdwRoutine *routine = makeNode(FdwRoutine);

	routine->GetForeignRelSize = meshGetForeignRelSize;
	routine->GetForeignPaths = meshGetForeignPaths;
	routine->GetForeignPlan = meshGetForeignPlan;
	routine->BeginForeignScan = meshBeginForeignScan;
	routine->IterateForeignScan = meshIterateForeignScan;
	routine->ReScanForeignScan = meshReScanForeignScan;
	routine->EndForeignScan = meshEndForeignScan;

	PG_RETURN_POINTER(routine);
}
