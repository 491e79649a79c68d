/*-------------------------------------------------------------------------
 *
 * launcher.c
 *		  Starting the workers of continuous data products.
 *
 * With mesh_fdw in shared_preload_libraries, the postmaster registers a
 * launcher (it creates no Kafka client: nothing of librdkafka runs in the
 * postmaster).  When the server has started, the launcher starts a short
 * worker in each database that takes connections; one that has the
 * extension starts a runner (runner.c) for each of its continuous products
 * that is running, then exits.  A runner that stopped on an error of
 * Kafka is started again by PostgreSQL after its restart time; one that
 * failed for good, or was paused, is not.  create_data_product and
 * resume_data_product start a runner when their transaction commits.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/continuous.h"

#include "mesh/ext_tables.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_database.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "pgstat.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"

PGDLLEXPORT void mesh_launcher_main(Datum arg);
PGDLLEXPORT void mesh_database_starter_main(Datum arg);


static void
worker_defaults(BackgroundWorker *bgw, const char *function)
{
	memset(bgw, 0, sizeof(BackgroundWorker));
	bgw->bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	bgw->bgw_start_time = BgWorkerStart_RecoveryFinished;
	snprintf(bgw->bgw_library_name, BGW_MAXLEN, "mesh_fdw");
	snprintf(bgw->bgw_function_name, BGW_MAXLEN, "%s", function);
}

void
mesh_launcher_register(void)
{
	BackgroundWorker bgw;

	mesh_preloaded = true;
	worker_defaults(&bgw, "mesh_launcher_main");
	/* after a crash of any backend, PostgreSQL starts it again: it starts the runners */
	bgw.bgw_restart_time = 1;
	snprintf(bgw.bgw_name, BGW_MAXLEN, "mesh_fdw launcher");
	snprintf(bgw.bgw_type, BGW_MAXLEN, "mesh_fdw launcher");
	RegisterBackgroundWorker(&bgw);
}

bool
mesh_start_runner(Oid dboid, int id, const char *qualified_name, int elevel)
{
	BackgroundWorker bgw;
	BackgroundWorkerHandle *handle;

	worker_defaults(&bgw, "mesh_runner_main");
	/* a runner tries again itself after Kafka errors; after a crash the launcher starts it */
	bgw.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(bgw.bgw_name, BGW_MAXLEN, "mesh_fdw continuous %s", qualified_name);
	snprintf(bgw.bgw_type, BGW_MAXLEN, "mesh_fdw continuous product");
	snprintf(bgw.bgw_extra, BGW_EXTRALEN, "%d", id);
	bgw.bgw_main_arg = ObjectIdGetDatum(dboid);
	if (!RegisterDynamicBackgroundWorker(&bgw, &handle))
	{
		ereport(elevel,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not start the worker of continuous data product \"%s\"", qualified_name),
				 errdetail("Every background worker slot is taken."),
				 errhint("Raise max_worker_processes (one a continuous product, plus one) and restart PostgreSQL; then mesh.resume_data_product starts it.")));
		return false;
	}
	return true;
}

/* In each database that takes connections: its runners. */
void
mesh_launcher_main(Datum arg)
{
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tup;
	List	   *dbs = NIL;
	ListCell   *lc;

	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(NULL, NULL, 0);
	StartTransactionCommand();
	(void) GetTransactionSnapshot();
	rel = table_open(DatabaseRelationId, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Form_pg_database db = (Form_pg_database) GETSTRUCT(tup);

		if (db->datallowconn && !db->datistemplate)
			dbs = lappend_oid(dbs, db->oid);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	CommitTransactionCommand();

	foreach(lc, dbs)
	{
		BackgroundWorker bgw;
		BackgroundWorkerHandle *handle;

		worker_defaults(&bgw, "mesh_database_starter_main");
		bgw.bgw_restart_time = BGW_NEVER_RESTART;
		snprintf(bgw.bgw_name, BGW_MAXLEN, "mesh_fdw starter %u", lfirst_oid(lc));
		snprintf(bgw.bgw_type, BGW_MAXLEN, "mesh_fdw starter");
		bgw.bgw_main_arg = ObjectIdGetDatum(lfirst_oid(lc));
		bgw.bgw_notify_pid = MyProcPid;
		if (!RegisterDynamicBackgroundWorker(&bgw, &handle))
		{
			ereport(WARNING,
					(errmsg("mesh_fdw could not look for continuous data products in a database: every background worker slot is taken"),
					 errhint("Raise max_worker_processes.")));
			break;
		}
		/* one at a time: they take a slot each */
		(void) WaitForBackgroundWorkerShutdown(handle);
	}

	/*
	 * Stay, idle: when a backend crashes, PostgreSQL ends every process,
	 * forgets the runners, and starts this launcher again.
	 */
	for (;;)
	{
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_EXIT_ON_PM_DEATH, -1L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

void
mesh_database_starter_main(Datum arg)
{
	Oid			relid;

	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(DatumGetObjectId(arg), InvalidOid, 0);
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (OidIsValid(get_extension_oid("mesh_fdw", true)) &&
		OidIsValid(relid = mesh_extension_table("continuous_product")))
	{
		MeshAsTableOwner owner;
		uint64		i;
		Oid			types[1] = {TEXTOID};
		Datum		values[1];

		mesh_as_table_owner_begin(&owner, relid);
		values[0] = CStringGetTextDatum(mesh_continuous_home());
		SPI_execute_with_args("SELECT id, qualified_name FROM mesh.continuous_product "
							  "WHERE state = 'running' AND home = $1",
							  1, types, values, NULL, true, 0);
		for (i = 0; i < SPI_processed; i++)
		{
			bool		isnull;
			int			id = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i],
														 SPI_tuptable->tupdesc, 1, &isnull));

			mesh_start_runner(MyDatabaseId, id,
							  SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2),
							  WARNING);
		}
		mesh_as_table_owner_end(&owner);
	}
	PopActiveSnapshot();
	CommitTransactionCommand();
	proc_exit(0);
}
