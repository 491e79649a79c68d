/*-------------------------------------------------------------------------
 *
 * mesh/ext_tables.h
 *		  The extension's own tables (bookmark positions, domain owners):
 *		  finding them, and reading and writing them through SPI as their
 *		  owner, so that users need no privilege on them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_EXT_TABLES_H
#define MESH_MESH_EXT_TABLES_H

#include "postgres.h"

/* What running as the table's owner saved, to put back (on the stack). */
typedef struct MeshAsTableOwner
{
	Oid			saved_user;
	int			saved_context;
	bool		pushed_snapshot;
} MeshAsTableOwner;

/* mesh.<relname>, or InvalidOid when the installed SQL objects lack it. */
extern Oid	mesh_extension_table(const char *relname);

/*
 * mesh.<relname>, or an ERROR saying that extension version since brought
 * it and that ALTER EXTENSION UPDATE does.
 */
extern Oid	mesh_require_extension_table(const char *relname, const char *since);

/* Become the table's owner and open SPI (with a snapshot if none is set). */
extern void mesh_as_table_owner_begin(MeshAsTableOwner *s, Oid relid);
extern void mesh_as_table_owner_end(MeshAsTableOwner *s);

#endif							/* MESH_MESH_EXT_TABLES_H */
