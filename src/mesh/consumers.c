/*-------------------------------------------------------------------------
 *
 * consumers.c
 *		  mesh.list_consumer_groups(), behind mesh.data_product_consumers:
 *		  one row per (consumer group, topic) of every usable server for
 *		  each group with committed offsets on the topic, with its lag
 *		  behind the topic's last stable offsets.
 *
 * mesh_fdw's own groups (bookmarks) put the time of each commit in the
 * commit's metadata ("mesh_fdw committed_at_ms=N"); that is last_commit,
 * NULL for other groups, which Kafka does not tell the time of.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "kafka/admin.h"
#include "kafka/groups.h"
#include "kafka/reader.h"
#include "mesh/servers.h"

#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#define MESH_COMMIT_METADATA_PREFIX "mesh_fdw committed_at_ms="

/* The last stable offsets of a topic's partitions (NULL: no such topic). */
typedef struct TopicEnds
{
	char	   *topic;
	int			npartitions;
	int64	   *high;
} TopicEnds;

static TopicEnds *
topic_ends(MeshConnection *conn, ForeignServer *server, List **cache, const char *topic)
{
	ListCell   *lc;
	TopicEnds  *te;
	int			n = 0;

	foreach(lc, *cache)
		if (strcmp(((TopicEnds *) lfirst(lc))->topic, topic) == 0)
			return lfirst(lc);
	te = palloc0(sizeof(TopicEnds));
	te->topic = pstrdup(topic);
	if (mesh_topic_exists(conn, topic, &n) && n > 0)
	{
		MeshReader *reader = mesh_reader_open(conn, topic,
											  psprintf("topic \"%s\" on server \"%s\"",
													   topic, server->servername), true);
		int64	   *low = palloc(sizeof(int64) * n);

		te->high = palloc(sizeof(int64) * n);
		mesh_reader_offsets(reader, n, low, te->high, ERROR);
		mesh_reader_close(reader);
		te->npartitions = n;
	}
	*cache = lappend(*cache, te);
	return te;
}

static int
compare_offsets(const void *a, const void *b)
{
	const MeshGroupOffset *x = a;
	const MeshGroupOffset *y = b;
	int			c = strcmp(x->topic, y->topic);

	if (c != 0)
		return c;
	return (x->partition > y->partition) - (x->partition < y->partition);
}

static void
group_rows(ReturnSetInfo *rsinfo, ForeignServer *server, MeshConnection *conn,
		   MeshGroupInfo *g, List **ends)
{
	int			i = 0;

	qsort(g->offsets, g->noffsets, sizeof(MeshGroupOffset), compare_offsets);
	while (i < g->noffsets)
	{
		const char *topic = g->offsets[i].topic;
		TopicEnds  *te = topic_ends(conn, server, ends, topic);
		StringInfoData offsets;
		StringInfoData lags;
		int64		lag = 0;
		int64		last_ms = -1;
		Datum		values[9];
		bool		nulls[9] = {false};

		initStringInfo(&offsets);
		initStringInfo(&lags);
		for (; i < g->noffsets && strcmp(g->offsets[i].topic, topic) == 0; i++)
		{
			MeshGroupOffset *o = &g->offsets[i];
			int64		plag;
			int64		ms;

			appendStringInfo(&offsets, "%s\"%d\": " INT64_FORMAT, offsets.len ? ", " : "",
							 o->partition, o->offset);
			if (o->partition < te->npartitions)
			{
				plag = Max(te->high[o->partition] - o->offset, 0);
				lag += plag;
				appendStringInfo(&lags, "%s\"%d\": " INT64_FORMAT, lags.len ? ", " : "",
								 o->partition, plag);
			}
			if (o->metadata &&
				strncmp(o->metadata, MESH_COMMIT_METADATA_PREFIX,
						strlen(MESH_COMMIT_METADATA_PREFIX)) == 0 &&
				sscanf(o->metadata + strlen(MESH_COMMIT_METADATA_PREFIX), INT64_FORMAT, &ms) == 1)
				last_ms = Max(last_ms, ms);
		}
		if (te->npartitions == 0)
			continue;			/* the topic is gone */
		values[0] = CStringGetTextDatum(server->servername);
		values[1] = CStringGetTextDatum(topic);
		values[2] = CStringGetTextDatum(g->group);
		values[3] = CStringGetTextDatum(g->state);
		values[4] = Int32GetDatum(g->members);
		nulls[4] = g->members < 0;
		values[5] = DirectFunctionCall1(jsonb_in, CStringGetDatum(psprintf("{%s}", offsets.data)));
		values[6] = Int64GetDatum(lag);
		values[7] = DirectFunctionCall1(jsonb_in, CStringGetDatum(psprintf("{%s}", lags.data)));
		if (last_ms >= 0)
			values[8] = TimestampTzGetDatum(mesh_kafka_timestamp(last_ms));
		else
			nulls[8] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

static void
server_consumer_rows(ReturnSetInfo *rsinfo, ForeignServer *server,
					 MeshConnection *conn, int elevel, void *arg)
{
	List	   *ends = NIL;
	ListCell   *lc;

	foreach(lc, mesh_list_groups(conn, elevel))
		group_rows(rsinfo, server, conn, lfirst(lc), &ends);
}

PG_FUNCTION_INFO_V1(mesh_list_consumer_groups);
Datum
mesh_list_consumer_groups(PG_FUNCTION_ARGS)
{
	mesh_for_each_server(fcinfo, server_consumer_rows, NULL);
	return (Datum) 0;
}
