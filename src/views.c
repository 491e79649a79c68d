/*-------------------------------------------------------------------------
 *
 * views.c
 *		  Set-returning functions behind the views of schema mesh.
 *
 * Every view spans all mesh_fdw servers the current user has USAGE on.  A
 * server that does not answer is an ERROR when it is the only one; with
 * several, a WARNING names it and the others' rows are returned.
 *
 *-------------------------------------------------------------------------
 */
#include "mesh_fdw.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_foreign_server.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"

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
		if (pg_foreign_server_aclcheck(form->oid, GetUserId(), ACL_USAGE) != ACLCHECK_OK)
			continue;
		servers = lappend(servers, GetForeignServer(form->oid));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	list_sort(servers, compare_servers);
	return servers;
}

/* The client for a server as the current user sees it. */
static MeshConnection *
connection_for(ForeignServer *server)
{
	return mesh_get_connection(server,
							   mesh_find_user_mapping(GetUserId(), server->serverid));
}

typedef struct TopicRow
{
	char	   *topic;
	int			partitions;
	int			replication_factor;
} TopicRow;

static int
compare_topic_rows(const void *a, const void *b)
{
	return strcmp(((const TopicRow *) a)->topic, ((const TopicRow *) b)->topic);
}

/*
 * mesh.topics: one row per topic of every usable server.
 */
PG_FUNCTION_INFO_V1(mesh_topics);
Datum
mesh_topics(PG_FUNCTION_ARGS)
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
		MeshConnection *conn = connection_for(server);
		const rd_kafka_metadata_t *md;
		TopicRow   *rows;
		int			nrows;
		int			i;

		md = mesh_fetch_metadata(conn, NULL, elevel);
		if (md == NULL)
			continue;

		/* copy out what we need, so that md is freed before anything throws */
		rows = (TopicRow *) palloc0(sizeof(TopicRow) * Max(md->topic_cnt, 1));
		nrows = 0;
		for (i = 0; i < md->topic_cnt; i++)
		{
			const rd_kafka_metadata_topic_t *t = &md->topics[i];
			int			rf = 0;
			int			p;

			if (t->err != RD_KAFKA_RESP_ERR_NO_ERROR && t->partition_cnt == 0)
				continue;
			for (p = 0; p < t->partition_cnt; p++)
				rf = Max(rf, t->partitions[p].replica_cnt);
			rows[nrows].topic = pstrdup(t->topic);
			rows[nrows].partitions = t->partition_cnt;
			rows[nrows].replication_factor = rf;
			nrows++;
		}
		rd_kafka_metadata_destroy(md);

		qsort(rows, nrows, sizeof(TopicRow), compare_topic_rows);
		for (i = 0; i < nrows; i++)
		{
			Datum		values[6];
			bool		nulls[6] = {false};

			values[0] = CStringGetTextDatum(server->servername);
			values[1] = CStringGetTextDatum(rows[i].topic);
			values[2] = Int32GetDatum(rows[i].partitions);
			values[3] = Int32GetDatum(rows[i].replication_factor);
			values[4] = BoolGetDatum(rows[i].topic[0] == '_');
			values[5] = BoolGetDatum(false);	/* catalog: a later issue */
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}
