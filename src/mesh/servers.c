/*-------------------------------------------------------------------------
 *
 * servers.c
 *		  Which mesh_fdw servers the current user may use, and which one a
 *		  function call means.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/servers.h"
#include "pg_compat.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_foreign_server.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/rel.h"

static int
compare_servers(const ListCell *a, const ListCell *b)
{
	ForeignServer *sa = (ForeignServer *) lfirst(a);
	ForeignServer *sb = (ForeignServer *) lfirst(b);

	return strcmp(sa->servername, sb->servername);
}

/*
 * The mesh_fdw servers the current user has USAGE on, by name.
 */
List *
mesh_usable_servers(void)
{
	ForeignDataWrapper *fdw = GetForeignDataWrapperByName("mesh_fdw", false);
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *servers = NIL;

	rel = table_open(ForeignServerRelationId, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_foreign_server form = (Form_pg_foreign_server) GETSTRUCT(tuple);

		if (form->srvfdw != fdw->fdwid)
			continue;
		if (!mesh_server_usage_allowed(form->oid))
			continue;
		servers = lappend(servers, GetForeignServer(form->oid));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	list_sort(servers, compare_servers);
	return servers;
}

/*
 * The server a publishing function works on: the one named, else the only
 * mesh_fdw server the user can use.
 */
ForeignServer *
mesh_pick_server(const char *servername)
{
	List	   *servers;

	if (servername != NULL)
	{
		ForeignServer *server = GetForeignServerByName(servername, false);
		ForeignDataWrapper *fdw = GetForeignDataWrapper(server->fdwid);

		if (strcmp(fdw->fdwname, "mesh_fdw") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("server \"%s\" is not a mesh_fdw server", servername)));
		if (!mesh_server_usage_allowed(server->serverid))
			aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_FOREIGN_SERVER, servername);
		return server;
	}
	servers = mesh_usable_servers();
	if (servers == NIL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("there is no mesh_fdw server you can use"),
				 errhint("CREATE SERVER ... FOREIGN DATA WRAPPER mesh_fdw OPTIONS (brokers '...'), or ask for USAGE on one.")));
	if (list_length(servers) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_AMBIGUOUS_PARAMETER),
				 errmsg("there are %d mesh_fdw servers you can use", list_length(servers)),
				 errhint("Say which one with server => 'name'.")));
	return linitial(servers);
}

/*
 * Run fn for every usable server, into the function's result set.  A
 * server that does not answer is an ERROR when it is the only one, else a
 * WARNING (fn's elevel) and the view shows the others.
 */
void
mesh_for_each_server(FunctionCallInfo fcinfo, MeshServerRowsFn fn, void *arg)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *servers;
	ListCell   *lc;
	int			elevel;

	InitMaterializedSRF(fcinfo, 0);
	servers = mesh_usable_servers();
	elevel = list_length(servers) > 1 ? WARNING : ERROR;
	foreach(lc, servers)
	{
		ForeignServer *server = (ForeignServer *) lfirst(lc);

		fn(rsinfo, server, mesh_connection_for(server), elevel, arg);
	}
}
