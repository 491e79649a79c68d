/*-------------------------------------------------------------------------
 *
 * pg_compat.h
 *		  What differs between the PostgreSQL versions mesh_fdw builds
 *		  against (15 to 18), in one place: the layers above core/ include
 *		  this instead of testing PG_VERSION_NUM themselves.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_PG_COMPAT_H
#define MESH_PG_COMPAT_H

#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/pathnodes.h"
#include "optimizer/pathnode.h"
#include "utils/acl.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#if PG_VERSION_NUM >= 160000
#include "catalog/pg_foreign_server.h"
#include "nodes/miscnodes.h"
#endif

/* ExplainState and the ExplainProperty functions left explain.h in 18 */
#include "commands/explain.h"
#if PG_VERSION_NUM >= 180000
#include "commands/explain_format.h"
#include "commands/explain_state.h"
#endif

/* the backend's slot number: MyBackendId became MyProcNumber in 17 */
#if PG_VERSION_NUM >= 170000
#include "storage/procnumber.h"
#define MESH_BACKEND_SLOT	((int) MyProcNumber)
#else
#include "storage/backendid.h"
#define MESH_BACKEND_SLOT	((int) MyBackendId)
#endif

/*
 * Soft input errors (16+): an input function that meets bad text reports
 * it to its caller instead of throwing, so a scan with on_error 'skip' or
 * 'null' can read columns of any type.  15 throws: there, such columns
 * are allowed only with on_error 'error'.
 */
#if PG_VERSION_NUM >= 160000
#define MESH_HAS_SOFT_INPUT_ERRORS 1
#else
#define MESH_HAS_SOFT_INPUT_ERRORS 0
#endif

/*
 * A query's result and HAVING with the GROUP BY expressions in place: 18
 * refers to them through Vars of a range table entry of the grouping step
 * (RTE_GROUP).
 */
#if PG_VERSION_NUM >= 180000
#include "optimizer/optimizer.h"
#endif
static inline Node *
mesh_flatten_group_exprs(Query *query, Node *node)
{
#if PG_VERSION_NUM >= 180000
	return query->hasGroupRTE ? flatten_group_exprs(NULL, query, node) : node;
#else
	return node;
#endif
}

/* may the current user use this foreign server? */
static inline bool
mesh_server_usage_allowed(Oid serverid)
{
#if PG_VERSION_NUM >= 160000
	return object_aclcheck(ForeignServerRelationId, serverid, GetUserId(),
						   ACL_USAGE) == ACLCHECK_OK;
#else
	return pg_foreign_server_aclcheck(serverid, GetUserId(), ACL_USAGE) == ACLCHECK_OK;
#endif
}

/*
 * A plain foreign scan path: 17 added the restrictions an outer join
 * pushes down (fdw_restrictinfo), 18 the count of disabled nodes below.
 */
static inline ForeignPath *
mesh_foreignscan_path(PlannerInfo *root, RelOptInfo *rel, double rows,
					  Cost startup, Cost total)
{
#if PG_VERSION_NUM >= 180000
	return create_foreignscan_path(root, rel, NULL, rows, 0, startup, total,
								   NIL, NULL, NULL, NIL, NIL);
#elif PG_VERSION_NUM >= 170000
	return create_foreignscan_path(root, rel, NULL, rows, startup, total,
								   NIL, NULL, NULL, NIL, NIL);
#else
	return create_foreignscan_path(root, rel, NULL, rows, startup, total,
								   NIL, NULL, NULL, NIL);
#endif
}

/* DecodeDateTime and DecodeTimeOnly take where to say more since 16 */
#if PG_VERSION_NUM >= 160000
#define MESH_DECODE_DATETIME(f, t, n, d, tm, fs, tz) \
	DecodeDateTime(f, t, n, d, tm, fs, tz, &(DateTimeErrorExtra) {0})
#define MESH_DECODE_TIME_ONLY(f, t, n, d, tm, fs, tz) \
	DecodeTimeOnly(f, t, n, d, tm, fs, tz, &(DateTimeErrorExtra) {0})
#else
#define MESH_DECODE_DATETIME(f, t, n, d, tm, fs, tz) \
	DecodeDateTime(f, t, n, d, tm, fs, tz)
#define MESH_DECODE_TIME_ONLY(f, t, n, d, tm, fs, tz) \
	DecodeTimeOnly(f, t, n, d, tm, fs, tz)
#endif

/* A timestamp rounded to its typmod; false if the typmod is invalid. */
static inline bool
mesh_adjust_timestamp_typmod(Timestamp *ts, int32 typmod)
{
#if PG_VERSION_NUM >= 160000
	ErrorSaveContext escontext = {.type = T_ErrorSaveContext};

	return AdjustTimestampForTypmod(ts, typmod, (Node *) &escontext);
#else
	bool		error = false;

	return AdjustTimestampForTypmodError(ts, typmod, &error) || !error;
#endif
}

/*
 * A type's input function on text: true with *out, or (16+, a soft
 * error) false with the function's message in errbuf.  On 15 it throws.
 */
static inline bool
mesh_input_function_call(FmgrInfo *input, char *str, Oid ioparam, int32 typmod,
						 Datum *out, char *errbuf, size_t errlen)
{
#if PG_VERSION_NUM >= 160000
	ErrorSaveContext escontext = {.type = T_ErrorSaveContext};

	escontext.details_wanted = true;
	if (InputFunctionCallSafe(input, str, ioparam, typmod,
							  (Node *) &escontext, out))
		return true;
	if (errbuf != NULL && errlen > 0)
		strlcpy(errbuf, escontext.error_data && escontext.error_data->message ?
				escontext.error_data->message : "invalid input", errlen);
	return false;
#else
	*out = InputFunctionCall(input, str, ioparam, typmod);
	return true;
#endif
}

#endif							/* MESH_PG_COMPAT_H */
