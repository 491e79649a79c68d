/*-------------------------------------------------------------------------
 *
 * ext_tables.c
 *		  The extension's own tables, read and written as their owner.
 *
 * Scans (bookmarks) and catalog changes (domain ownership) keep state in
 * tables of the extension that users may not touch directly: the queries
 * run as the table's owner, with SECURITY_LOCAL_USERID_CHANGE so that
 * nothing the user controls runs with those rights, and every query names
 * its objects and operators schema-qualified.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/ext_tables.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

Oid
mesh_extension_table(const char *relname)
{
	Oid			nsp = get_namespace_oid("mesh", true);

	return OidIsValid(nsp) ? get_relname_relid(relname, nsp) : InvalidOid;
}

Oid
mesh_require_extension_table(const char *relname, const char *since)
{
	Oid			relid = mesh_extension_table(relname);

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table mesh.%s of extension mesh_fdw does not exist", relname),
				 errdetail("It comes with version %s of the extension; the library is newer than the extension's SQL objects.",
						   since),
				 errhint("Run ALTER EXTENSION mesh_fdw UPDATE.")));
	return relid;
}

void
mesh_as_table_owner_begin(MeshAsTableOwner *s, Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	GetUserIdAndSecContext(&s->saved_user, &s->saved_context);
	SetUserIdAndSecContext(owner, s->saved_context | SECURITY_LOCAL_USERID_CHANGE);

	/*
	 * A SELECT's scan ends after its portal dropped its snapshot (and a
	 * cursor's may end at COMMIT): SPI needs one.
	 */
	s->pushed_snapshot = !ActiveSnapshotSet();
	if (s->pushed_snapshot)
		PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
}

void
mesh_as_table_owner_end(MeshAsTableOwner *s)
{
	SPI_finish();
	if (s->pushed_snapshot)
		PopActiveSnapshot();
	SetUserIdAndSecContext(s->saved_user, s->saved_context);
}
