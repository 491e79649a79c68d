/*-------------------------------------------------------------------------
 *
 * modify.c
 *		  DELETE ... WHERE _key = ... on a table in mode 'table': a
 *		  tombstone per key, planned as a direct modification so that the
 *		  topic is never read; and the one encoding of keys that INSERT
 *		  uses too.
 *
 * A topic is append-only: other DELETEs and every UPDATE are refused.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fdw/modify.h"

#include "mesh/catalog.h"

#include "catalog/pg_type.h"
#include "kafka/producer.h"
#include "mb/pg_wchar.h"
#include "mesh/convert.h"
#include "mesh/type_map.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

bool
mesh_encode_key(const MeshTable *table, Datum value, Oid typid,
				const char **key, size_t *keylen, char *errbuf, size_t errlen)
{
	const char *text;
	size_t		len;

	if (table->key_format == MESH_FORMAT_AVRO)
	{
		snprintf(errbuf, errlen, "writing Avro keys is not supported; use key_format 'text', 'json' or 'bytes'");
		return false;
	}
	if (typid == BYTEAOID)
	{
		bytea	   *b = DatumGetByteaPP(value);

		*key = VARDATA_ANY(b);
		*keylen = VARSIZE_ANY_EXHDR(b);
		return true;
	}
	if (typid == TEXTOID || typid == VARCHAROID || typid == BPCHAROID)
	{
		struct varlena *t = PG_DETOAST_DATUM_PACKED(value);

		text = VARDATA_ANY(t);
		len = VARSIZE_ANY_EXHDR(t);
	}
	else if (typid == JSONBOID)
	{
		text = JsonbToCString(NULL, &DatumGetJsonbP(value)->root, -1);
		len = strlen(text);
	}
	else
	{
		Oid			output;
		bool		varlena;

		getTypeOutputInfo(typid, &output, &varlena);
		text = OidOutputFunctionCall(output, value);
		len = strlen(text);
	}
	/* keys are UTF-8 on the wire, as every other client writes them */
	if (GetDatabaseEncoding() != PG_UTF8)
	{
		text = pg_server_to_any(text, (int) len, PG_UTF8);
		len = strlen(text);
	}
	*key = text;
	*keylen = len;
	return true;
}

Node *
mesh_delete_key_value(Node *clause, Index relid, const MeshTable *table, bool *is_array)
{
	List	   *args;
	Node	   *left;
	Node	   *right;
	Oid			opno;

	if (IsA(clause, OpExpr))
	{
		args = ((OpExpr *) clause)->args;
		opno = ((OpExpr *) clause)->opno;
		*is_array = false;
	}
	else if (IsA(clause, ScalarArrayOpExpr) && ((ScalarArrayOpExpr *) clause)->useOr)
	{
		args = ((ScalarArrayOpExpr *) clause)->args;
		opno = ((ScalarArrayOpExpr *) clause)->opno;
		*is_array = true;
	}
	else
		return NULL;
	if (list_length(args) != 2)
		return NULL;
	left = linitial(args);
	right = lsecond(args);
	if (!*is_array && !IsA(left, Var))
	{
		Node	   *t = left;

		left = right;
		right = t;
	}
	while (IsA(left, RelabelType))
		left = (Node *) ((RelabelType *) left)->arg;
	if (!IsA(left, Var) || ((Var *) left)->varno != (int) relid ||
		((Var *) left)->varattno < 1 || ((Var *) left)->varattno > table->natts ||
		table->columns[((Var *) left)->varattno - 1].kind != MESH_COLUMN_KEY ||
		opno != lookup_type_cache(exprType(left), TYPECACHE_EQ_OPR)->eq_opr ||
		contain_var_clause(right) || contain_volatile_functions(right))
		return NULL;
	return right;
}


uint64
mesh_delete_keys(MeshTable *table, Datum value, Oid typid, bool is_array)
{
	MeshProducer *producer = mesh_get_producer(table->conn, table->transactional);
	MeshDeliveryMark mark = mesh_producer_mark(producer);
	MeshArrayItems keys = {typid, &value, NULL, 1};
	uint64		sent = 0;

	mesh_refuse_catalog_topic(table->conn, table->topic,
							  psprintf("foreign table \"%s\"", table->relname));
	if (is_array)
		mesh_array_items(value, &keys);
	for (int i = 0; i < keys.n; i++)
	{
		const char *key;
		size_t		keylen;
		char		errbuf[256];

		if (keys.nulls && keys.nulls[i])
			continue;
		if (!mesh_encode_key(table, keys.values[i], keys.elemtype, &key, &keylen, errbuf, sizeof(errbuf)))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot DELETE from %s", mesh_table_describe(table)),
					 errdetail_internal("%s", errbuf)));
		mesh_produce(table->conn, producer, table->topic, RD_KAFKA_PARTITION_UA,
					 key, keylen, NULL, 0, 0, NULL);
		sent++;
	}
	/* one wait for all: a round trip per key made large deletes slow */
	mesh_producer_wait(table->conn, producer, &mark, sent,
					   psprintf("DELETE from \"%s\"", table->relname));
	return sent;
}
