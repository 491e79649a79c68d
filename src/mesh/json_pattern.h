/*-------------------------------------------------------------------------
 *
 * mesh/json_pattern.h
 *		  JSON Schema "pattern" matched by PostgreSQL's regular expressions
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_JSON_PATTERN_H
#define MESH_MESH_JSON_PATTERN_H

#include "core/json_schema.h"

/*
 * A matcher for mesh_json_schema_check, in CurrentMemoryContext: each
 * pattern compiled once, freed with the context.
 */
extern MeshJsonPatterns *mesh_json_patterns_create(void);

#endif							/* MESH_MESH_JSON_PATTERN_H */
