/*-------------------------------------------------------------------------
 *
 * mesh/import.h
 *		  IMPORT FOREIGN SCHEMA: a foreign table per data product of a domain
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_IMPORT_H
#define MESH_MESH_IMPORT_H

#include "nodes/parsenodes.h"

extern List *mesh_import_foreign_schema(ImportForeignSchemaStmt *stmt,
										Oid serverOid);

#endif							/* MESH_MESH_IMPORT_H */
