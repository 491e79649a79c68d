/*-------------------------------------------------------------------------
 *
 * mesh/servers.h
 *		  The mesh_fdw servers of the current user.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_SERVERS_H
#define MESH_MESH_SERVERS_H

#include "fmgr.h"
#include "foreign/foreign.h"
#include "kafka/client.h"
#include "nodes/execnodes.h"
#include "nodes/pg_list.h"

/* The mesh_fdw servers the current user has USAGE on, by name. */
extern List *mesh_usable_servers(void);
/*
 * The server a function call names (servername), or the only one the user
 * can use when it names none.
 */
extern ForeignServer *mesh_pick_server(const char *servername);

/*
 * Rows of a set-returning function for one server (mesh_for_each_server);
 * elevel is how a server that does not answer is reported.
 */
typedef void (*MeshServerRowsFn) (ReturnSetInfo *rsinfo, ForeignServer *server,
								  MeshConnection *conn, int elevel, void *arg);
extern void mesh_for_each_server(FunctionCallInfo fcinfo, MeshServerRowsFn fn,
								 void *arg);

#endif							/* MESH_MESH_SERVERS_H */
