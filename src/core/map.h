/*-------------------------------------------------------------------------
 *
 * core/map.h
 *		  A small open-addressing hash map of the portable core, keyed by a
 *		  string or by two pointers and a number
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_MAP_H
#define MESH_CORE_MAP_H

#include "core/core.h"

/*
 * Keys are either strings (a NUL-terminated string in a, compared by
 * content; b and tag unused) or identities (a, b and tag compared as they
 * are: the schema parser's named types, the decoder's and the encoder's
 * memos of compiled records, the compatibility check's pairs under
 * examination).  Values are never NULL.  The map holds pointers only: keys
 * and values must outlive it.  Its fields are the map's own.
 */
typedef struct MeshMapEntry MeshMapEntry;

typedef struct MeshMap
{
	MeshMapEntry *slots;		/* a power of 2 of them, or NULL */
	size_t		cap;
	size_t		n;
	bool		strings;
} MeshMap;

/* an empty map; expected: how many keys it will likely hold (0: few) */
extern void mesh_map_init(MeshMap *map, bool strings, size_t expected);
/* the value of a key, or NULL */
extern void *mesh_map_get(const MeshMap *map, const void *a, const void *b,
						  int tag);
/* set the value of a key (value not NULL) */
extern void mesh_map_put(MeshMap *map, const void *a, const void *b, int tag,
						 void *value);
/* the value of the i-th slot (0 <= i < map->cap), or NULL where it is empty */
extern void *mesh_map_slot(const MeshMap *map, size_t i);
extern void mesh_map_free(MeshMap *map);

#endif							/* MESH_CORE_MAP_H */
