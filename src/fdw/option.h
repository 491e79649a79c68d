/*-------------------------------------------------------------------------
 *
 * fdw/option.h
 *		  The validator of mesh_fdw's options.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_FDW_OPTION_H
#define MESH_FDW_OPTION_H

#include "nodes/pg_list.h"

extern void mesh_validate_options(List *options, Oid catalog);

#endif							/* MESH_FDW_OPTION_H */
