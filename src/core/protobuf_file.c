/*-------------------------------------------------------------------------
 *
 * core/protobuf_file.c
 *		  Lookups in a parsed Protobuf schema: messages by name, by the
 *		  Confluent framing's message-index list and back, fields by number;
 *		  and the index list read from a message's framing
 *
 *-------------------------------------------------------------------------
 */
#include "core/protobuf.h"

#include <stdio.h>
#include <string.h>

const MeshPbMessage *
mesh_pb_message_at(const MeshPbFile *file, int message, char *errbuf, size_t errlen)
{
	if (message < 0 || message >= file->nmessages)
	{
		snprintf(errbuf, errlen, "no such message in the schema");
		return NULL;
	}
	return &file->messages[message];
}

int
mesh_pb_message_by_name(const MeshPbFile *file, const char *name)
{
	int			m;
	size_t		plen = strlen(file->package);

	if (name[0] == '.')
		name++;
	for (m = 0; m < file->nmessages; m++)
		if (strcmp(file->messages[m].fullname, name) == 0)
			return m;
	for (m = 0; m < file->nmessages; m++)
	{
		const char *full = file->messages[m].fullname;

		if (plen > 0 && strncmp(full, file->package, plen) == 0 && full[plen] == '.' &&
			strcmp(full + plen + 1, name) == 0)
			return m;
	}
	return -1;
}

int
mesh_pb_message_by_indexes(const MeshPbFile *file, const int32_t *indexes, int nindexes)
{
	int			m;

	if (nindexes < 1 || indexes[0] < 0 || indexes[0] >= file->ntop)
		return -1;
	m = file->top[indexes[0]];
	for (int i = 1; i < nindexes; i++)
	{
		if (indexes[i] < 0 || indexes[i] >= file->messages[m].nnested)
			return -1;
		m = file->messages[m].nested[indexes[i]];
	}
	return m;
}

static bool
find_path(const MeshPbFile *file, const int *list, int n, int target,
		  int32_t *indexes, int depth, int *found)
{
	if (depth >= MESH_PB_MAX_INDEXES)
		return false;
	for (int i = 0; i < n; i++)
	{
		const MeshPbMessage *msg = &file->messages[list[i]];

		indexes[depth] = i;
		if (list[i] == target)
		{
			*found = depth + 1;
			return true;
		}
		if (find_path(file, msg->nested, msg->nnested, target, indexes, depth + 1, found))
			return true;
	}
	return false;
}

int
mesh_pb_message_indexes(const MeshPbFile *file, int message, int32_t *indexes)
{
	int			found = 0;

	if (!find_path(file, file->top, file->ntop, message, indexes, 0, &found))
		return 0;
	return found;
}

const MeshPbField *
mesh_pb_field_by_number(const MeshPbFile *file, const MeshPbMessage *msg, int32_t number)
{
	int			lo = 0,
				hi = msg->nfields - 1;

	(void) file;
	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		const MeshPbField *f = &msg->fields[msg->by_number[mid]];

		if (f->number == number)
			return f;
		if (f->number < number)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

bool
mesh_pb_read_indexes(const uint8_t *data, size_t len, int32_t *indexes, int *nindexes,
					 size_t *header, char *errbuf, size_t errlen)
{
	const uint8_t *p = data;
	const uint8_t *end = data + len;
	uint64_t	v;
	int64_t		count;

	if (!mesh_pb_varint(&p, end, &v))
	{
		snprintf(errbuf, errlen, "truncated Protobuf message-index list");
		return false;
	}
	count = (int64_t) (v >> 1) ^ -(int64_t) (v & 1);
	if (count == 0)
	{
		indexes[0] = 0;
		*nindexes = 1;
	}
	else
	{
		if (count < 0 || count > MESH_PB_MAX_INDEXES)
		{
			snprintf(errbuf, errlen, "invalid Protobuf message-index count %lld",
					 (long long) count);
			return false;
		}
		for (int i = 0; i < count; i++)
		{
			int64_t		x;

			if (!mesh_pb_varint(&p, end, &v))
			{
				snprintf(errbuf, errlen, "truncated Protobuf message-index list");
				return false;
			}
			x = (int64_t) (v >> 1) ^ -(int64_t) (v & 1);
			if (x < 0 || x > INT32_MAX)
			{
				snprintf(errbuf, errlen, "invalid Protobuf message index %lld", (long long) x);
				return false;
			}
			indexes[i] = (int32_t) x;
		}
		*nindexes = (int) count;
	}
	*header = (size_t) (p - data);
	return true;
}
