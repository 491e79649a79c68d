/*-------------------------------------------------------------------------
 *
 * mesh/servers.h
 *		  The mesh_fdw servers of the current user.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_SERVERS_H
#define MESH_MESH_SERVERS_H

#include "foreign/foreign.h"
#include "nodes/pg_list.h"

/* The mesh_fdw servers the current user has USAGE on, by name. */
extern List *mesh_usable_servers(void);
/*
 * The server a function call names (servername), or the only one the user
 * can use when it names none.
 */
extern ForeignServer *mesh_pick_server(const char *servername);

#endif							/* MESH_MESH_SERVERS_H */
