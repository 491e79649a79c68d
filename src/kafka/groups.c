/*-------------------------------------------------------------------------
 *
 * groups.c
 *		  Consumer groups through librdkafka's admin API: committing a
 *		  group's offsets without joining it, listing the groups of a
 *		  cluster with their state, members and committed offsets, and
 *		  deleting a group.
 *
 * The admin calls go through the connection's producer, each with a queue
 * of its own that is polled in slices.  The listing checks for interrupts
 * between slices; the commit, which runs after a PostgreSQL transaction
 * has committed, only stops early when one is pending and never throws.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "kafka/groups.h"

#include "kafka/internal.h"
#include "miscadmin.h"

#include <stdlib.h>

bool
mesh_group_commit(MeshConnection *conn, const char *group, const char *topic,
				  int n, const int64 *offsets, const char *metadata,
				  int timeout_ms, char *errbuf, size_t errlen)
{
	rd_kafka_topic_partition_list_t *parts;
	rd_kafka_AlterConsumerGroupOffsets_t *alter;
	rd_kafka_AdminOptions_t *options;
	rd_kafka_queue_t *queue;
	rd_kafka_event_t *ev;
	TimestampTz deadline;
	bool		ok = false;
	int			p;

	errbuf[0] = '\0';
	if (conn == NULL || conn->rk == NULL)
	{
		strlcpy(errbuf, "no Kafka client", errlen);
		return false;
	}
	parts = rd_kafka_topic_partition_list_new(Max(n, 1));
	for (p = 0; p < n; p++)
	{
		rd_kafka_topic_partition_t *tp;

		if (offsets[p] < 0)
			continue;
		tp = rd_kafka_topic_partition_list_add(parts, topic, p);
		tp->offset = offsets[p];
		if (metadata)
		{
			/* the list frees it (with librdkafka's free, which is free()) */
			tp->metadata = strdup(metadata);
			tp->metadata_size = tp->metadata ? strlen(metadata) : 0;
		}
	}
	if (parts->cnt == 0)
	{
		rd_kafka_topic_partition_list_destroy(parts);
		return true;
	}
	alter = rd_kafka_AlterConsumerGroupOffsets_new(group, parts);
	rd_kafka_topic_partition_list_destroy(parts);
	options = mesh_admin_options(conn, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, timeout_ms);
	queue = rd_kafka_queue_new(conn->rk);
	rd_kafka_AlterConsumerGroupOffsets(conn->rk, &alter, 1, options, queue);
	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout_ms);
	/* no log draining here: it may report through ereport */
	ev = mesh_admin_wait(conn, queue, deadline, false);
	if (ev == NULL)
		snprintf(errbuf, errlen, "no answer within %d ms", timeout_ms);
	else if (rd_kafka_event_error(ev))
		strlcpy(errbuf, rd_kafka_event_error_string(ev), errlen);
	else
	{
		const rd_kafka_AlterConsumerGroupOffsets_result_t *res =
			rd_kafka_event_AlterConsumerGroupOffsets_result(ev);
		const rd_kafka_group_result_t **groups;
		size_t		cnt = 0;

		groups = res ? rd_kafka_AlterConsumerGroupOffsets_result_groups(res, &cnt) : NULL;
		ok = cnt == 1;
		if (!ok)
			strlcpy(errbuf, "no result for the group", errlen);
		else if (rd_kafka_group_result_error(groups[0]))
		{
			strlcpy(errbuf, rd_kafka_error_string(rd_kafka_group_result_error(groups[0])), errlen);
			ok = false;
		}
		else
		{
			const rd_kafka_topic_partition_list_t *res_parts =
				rd_kafka_group_result_partitions(groups[0]);
			int			i;

			for (i = 0; res_parts && i < res_parts->cnt; i++)
				if (res_parts->elems[i].err)
				{
					snprintf(errbuf, errlen, "partition %d: %s", res_parts->elems[i].partition,
							 rd_kafka_err2str(res_parts->elems[i].err));
					ok = false;
					break;
				}
		}
	}
	if (ev)
		rd_kafka_event_destroy(ev);
	rd_kafka_queue_destroy(queue);
	rd_kafka_AdminOptions_destroy(options);
	rd_kafka_AlterConsumerGroupOffsets_destroy(alter);
	return ok;
}

static int
compare_groups(const ListCell *a, const ListCell *b)
{
	return strcmp(((MeshGroupInfo *) lfirst(a))->group, ((MeshGroupInfo *) lfirst(b))->group);
}

static char *
copy_metadata(const rd_kafka_topic_partition_t *tp)
{
	if (tp->metadata == NULL || tp->metadata_size == 0)
		return NULL;
	return pnstrdup(tp->metadata, tp->metadata_size);
}

/* The groups of a ListConsumerGroups result, into a list. */
static List *
listed_groups(rd_kafka_event_t *ev)
{
	const rd_kafka_ListConsumerGroups_result_t *res = rd_kafka_event_ListConsumerGroups_result(ev);
	const rd_kafka_ConsumerGroupListing_t **listings;
	size_t		cnt = 0;
	size_t		i;
	List	   *groups = NIL;

	if (res == NULL)
		return NIL;
	listings = rd_kafka_ListConsumerGroups_result_valid(res, &cnt);
	for (i = 0; i < cnt; i++)
	{
		MeshGroupInfo *g = palloc0(sizeof(MeshGroupInfo));

		g->group = pstrdup(rd_kafka_ConsumerGroupListing_group_id(listings[i]));
		g->state = pstrdup(rd_kafka_consumer_group_state_name(
															  rd_kafka_ConsumerGroupListing_state(listings[i])));
		g->members = -1;
		groups = lappend(groups, g);
	}
	return groups;
}

static MeshGroupInfo *
find_group(List *groups, const char *name)
{
	ListCell   *lc;

	foreach(lc, groups)
		if (strcmp(((MeshGroupInfo *) lfirst(lc))->group, name) == 0)
			return lfirst(lc);
	return NULL;
}

/* Member counts (and states) from a DescribeConsumerGroups result. */
static void
described_groups(rd_kafka_event_t *ev, List *groups)
{
	const rd_kafka_DescribeConsumerGroups_result_t *res =
		rd_kafka_event_DescribeConsumerGroups_result(ev);
	const rd_kafka_ConsumerGroupDescription_t **descs;
	size_t		cnt = 0;
	size_t		i;

	if (res == NULL)
		return;
	descs = rd_kafka_DescribeConsumerGroups_result_groups(res, &cnt);
	for (i = 0; i < cnt; i++)
	{
		MeshGroupInfo *g = find_group(groups, rd_kafka_ConsumerGroupDescription_group_id(descs[i]));

		if (g == NULL || rd_kafka_ConsumerGroupDescription_error(descs[i]))
			continue;
		g->members = (int) rd_kafka_ConsumerGroupDescription_member_count(descs[i]);
		g->state = pstrdup(rd_kafka_consumer_group_state_name(
															  rd_kafka_ConsumerGroupDescription_state(descs[i])));
	}
}

/* Committed offsets from a ListConsumerGroupOffsets result. */
static void
listed_offsets(rd_kafka_event_t *ev, List *groups)
{
	const rd_kafka_ListConsumerGroupOffsets_result_t *res =
		rd_kafka_event_ListConsumerGroupOffsets_result(ev);
	const rd_kafka_group_result_t **results;
	size_t		cnt = 0;
	size_t		i;

	if (res == NULL)
		return;
	results = rd_kafka_ListConsumerGroupOffsets_result_groups(res, &cnt);
	for (i = 0; i < cnt; i++)
	{
		MeshGroupInfo *g = find_group(groups, rd_kafka_group_result_name(results[i]));
		const rd_kafka_topic_partition_list_t *parts;
		int			j;

		if (g == NULL || rd_kafka_group_result_error(results[i]))
			continue;
		parts = rd_kafka_group_result_partitions(results[i]);
		if (parts == NULL)
			continue;
		g->offsets = palloc0(sizeof(MeshGroupOffset) * Max(parts->cnt, 1));
		g->noffsets = 0;
		for (j = 0; j < parts->cnt; j++)
		{
			const rd_kafka_topic_partition_t *tp = &parts->elems[j];
			MeshGroupOffset *o;

			if (tp->err || tp->offset < 0)
				continue;		/* nothing committed there */
			o = &g->offsets[g->noffsets++];
			o->topic = pstrdup(tp->topic);
			o->partition = tp->partition;
			o->offset = tp->offset;
			o->metadata = copy_metadata(tp);
		}
	}
}

List *
mesh_list_groups(MeshConnection *conn, int elevel)
{
	rd_kafka_AdminOptions_t *options;
	rd_kafka_queue_t *queue;
	rd_kafka_event_t *ev;
	TimestampTz deadline;
	List	   *groups = NIL;
	char		errstr[512];
	int			timeout = conn->opts.connect_timeout_ms;
	int			ngroups;
	int			answered;
	int			i;
	ListCell   *lc;
	const char **names;
	rd_kafka_ListConsumerGroupOffsets_t **requests;

	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout + 1000);

	/* the groups */
	options = mesh_admin_options(conn, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, timeout);
	queue = rd_kafka_queue_new(conn->rk);
	rd_kafka_ListConsumerGroups(conn->rk, options, queue);
	ev = mesh_admin_wait(conn, queue, deadline, true);
	answered = ev != NULL;
	errstr[0] = '\0';
	if (ev != NULL && rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR)
		groups = listed_groups(ev);
	else if (ev != NULL)
		strlcpy(errstr, rd_kafka_event_error_string(ev), sizeof(errstr));
	if (ev)
		rd_kafka_event_destroy(ev);
	if (!mesh_admin_done(conn, queue, options, answered, "a request to list consumer groups",
						 elevel))
		return NIL;
	if (errstr[0])
	{
		ereport(elevel,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not list the consumer groups of server \"%s\"",
						conn->opts.servername),
				 errdetail_internal("%s", errstr)));
		return NIL;
	}
	ngroups = list_length(groups);
	if (ngroups == 0)
		return NIL;

	/* their members and their committed offsets, all asked at once */
	names = palloc(sizeof(char *) * ngroups);
	foreach(lc, groups)
		names[foreach_current_index(lc)] = ((MeshGroupInfo *) lfirst(lc))->group;
	queue = rd_kafka_queue_new(conn->rk);
	options = mesh_admin_options(conn, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, timeout);
	rd_kafka_DescribeConsumerGroups(conn->rk, names, ngroups, options, queue);
	rd_kafka_AdminOptions_destroy(options);
	/* librdkafka 2.0 takes one group per ListConsumerGroupOffsets call */
	requests = palloc(sizeof(rd_kafka_ListConsumerGroupOffsets_t *) * ngroups);
	options = mesh_admin_options(conn, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeout);
	for (i = 0; i < ngroups; i++)
	{
		requests[i] = rd_kafka_ListConsumerGroupOffsets_new(names[i], NULL);
		rd_kafka_ListConsumerGroupOffsets(conn->rk, &requests[i], 1, options, queue);
	}
	rd_kafka_AdminOptions_destroy(options);

	answered = 0;
	while (answered < ngroups + 1 && (ev = mesh_admin_wait(conn, queue, deadline, true)) != NULL)
	{
		if (rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_NO_ERROR)
		{
			if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT)
				described_groups(ev, groups);
			else
				listed_offsets(ev, groups);
		}
		rd_kafka_event_destroy(ev);
		answered++;
	}
	for (i = 0; i < ngroups; i++)
		rd_kafka_ListConsumerGroupOffsets_destroy(requests[i]);
	if (!mesh_admin_done(conn, queue, NULL, answered == ngroups + 1,
						 "a request to describe consumer groups", elevel))
		return NIL;
	list_sort(groups, compare_groups);
	return groups;
}

bool
mesh_group_delete(MeshConnection *conn, const char *group, int elevel)
{
	rd_kafka_DeleteGroup_t *del = rd_kafka_DeleteGroup_new(group);
	rd_kafka_AdminOptions_t *options;
	rd_kafka_queue_t *queue;
	rd_kafka_event_t *ev;
	TimestampTz deadline;
	char		errstr[512];
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;

	errstr[0] = '\0';
	options = mesh_admin_options(conn, RD_KAFKA_ADMIN_OP_DELETEGROUPS, conn->opts.connect_timeout_ms);
	queue = rd_kafka_queue_new(conn->rk);
	rd_kafka_DeleteGroups(conn->rk, &del, 1, options, queue);
	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
										   conn->opts.connect_timeout_ms + 1000);
	ev = mesh_admin_wait(conn, queue, deadline, true);
	if (ev)
	{
		const rd_kafka_DeleteGroups_result_t *res = rd_kafka_event_DeleteGroups_result(ev);
		const rd_kafka_group_result_t **results;
		size_t		cnt = 0;

		err = rd_kafka_event_error(ev);
		if (err)
			strlcpy(errstr, rd_kafka_event_error_string(ev), sizeof(errstr));
		else if (res && (results = rd_kafka_DeleteGroups_result_groups(res, &cnt)) && cnt == 1 &&
				 rd_kafka_group_result_error(results[0]))
		{
			err = rd_kafka_error_code(rd_kafka_group_result_error(results[0]));
			strlcpy(errstr, rd_kafka_error_string(rd_kafka_group_result_error(results[0])),
					sizeof(errstr));
		}
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_DeleteGroup_destroy(del);
	if (!mesh_admin_done(conn, queue, options, ev != NULL,
						 "a request to delete a consumer group", elevel))
		return false;
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND)
	{
		ereport(elevel,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not delete consumer group \"%s\" on server \"%s\"",
						group, conn->opts.servername),
				 errdetail_internal("%s", errstr)));
		return false;
	}
	return true;
}

bool
mesh_group_committed(MeshConnection *conn, const char *group, const char *topic,
					 int n, int64 *offsets, bool stable, int elevel)
{
	rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(Max(n, 1));
	rd_kafka_ListConsumerGroupOffsets_t *request;
	rd_kafka_AdminOptions_t *options;
	rd_kafka_queue_t *queue;
	rd_kafka_event_t *ev;
	rd_kafka_error_t *error;
	TimestampTz deadline;
	char		errstr[512];
	bool		answered;
	int			timeout = mesh_connection_options(conn)->connect_timeout_ms;
	int			p;

	for (p = 0; p < n; p++)
	{
		offsets[p] = -1;
		rd_kafka_topic_partition_list_add(parts, topic, p);
	}
	request = rd_kafka_ListConsumerGroupOffsets_new(group, parts);
	rd_kafka_topic_partition_list_destroy(parts);
	options = mesh_admin_options(conn, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeout);
	/* wait for offsets of open transactions to be committed or aborted */
	error = rd_kafka_AdminOptions_set_require_stable_offsets(options, stable ? 1 : 0);
	if (error)
		rd_kafka_error_destroy(error);
	queue = rd_kafka_queue_new(conn->rk);
	rd_kafka_ListConsumerGroupOffsets(conn->rk, &request, 1, options, queue);
	rd_kafka_ListConsumerGroupOffsets_destroy(request);
	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), timeout + 1000);
	ev = mesh_admin_wait(conn, queue, deadline, true);
	answered = ev != NULL;
	errstr[0] = '\0';
	if (ev != NULL && rd_kafka_event_error(ev))
		strlcpy(errstr, rd_kafka_event_error_string(ev), sizeof(errstr));
	else if (ev != NULL)
	{
		const rd_kafka_ListConsumerGroupOffsets_result_t *res =
			rd_kafka_event_ListConsumerGroupOffsets_result(ev);
		const rd_kafka_group_result_t **results;
		size_t		cnt = 0;

		results = res ? rd_kafka_ListConsumerGroupOffsets_result_groups(res, &cnt) : NULL;
		if (cnt != 1)
			strlcpy(errstr, "no result for the group", sizeof(errstr));
		else if (rd_kafka_group_result_error(results[0]))
			strlcpy(errstr, rd_kafka_error_string(rd_kafka_group_result_error(results[0])),
					sizeof(errstr));
		else
		{
			const rd_kafka_topic_partition_list_t *got =
				rd_kafka_group_result_partitions(results[0]);
			int			i;

			for (i = 0; got && i < got->cnt; i++)
			{
				const rd_kafka_topic_partition_t *tp = &got->elems[i];

				if (tp->err)
				{
					snprintf(errstr, sizeof(errstr), "partition %d: %s", tp->partition,
							 rd_kafka_err2str(tp->err));
					break;
				}
				if (tp->partition >= 0 && tp->partition < n && tp->offset >= 0)
					offsets[tp->partition] = tp->offset;
			}
		}
	}
	if (ev)
		rd_kafka_event_destroy(ev);
	if (!mesh_admin_done(conn, queue, options, answered,
						 "a request for a consumer group's committed offsets", elevel))
		return false;
	if (errstr[0])
	{
		ereport(elevel,
				(errcode(ERRCODE_FDW_ERROR),
				 errmsg("could not read the committed offsets of consumer group \"%s\" on server \"%s\"",
						group, mesh_connection_options(conn)->servername),
				 errdetail_internal("%s", errstr)));
		return false;
	}
	return true;
}
