/*-------------------------------------------------------------------------
 *
 * map.c
 *		  A small open-addressing hash map (linear probing, load at most
 *		  one half) keyed by a string or by two pointers and a number.
 *
 *-------------------------------------------------------------------------
 */
#include "core/map.h"

#include <string.h>

#include "core/text.h"

struct MeshMapEntry
{
	const void *a;
	const void *b;
	int			tag;
	void	   *value;			/* NULL: an empty slot */
};

void
mesh_map_init(MeshMap *map, bool strings, size_t expected)
{
	map->slots = NULL;
	map->cap = 0;
	map->n = 0;
	map->strings = strings;
	if (expected > 0)
	{
		size_t		cap = 32;

		while (cap < 2 * expected)
			cap *= 2;
		map->slots = mesh_alloc(cap * sizeof(MeshMapEntry));
		map->cap = cap;
	}
}

static inline size_t
map_hash(const MeshMap *map, const void *a, const void *b, int tag)
{
	return map->strings ? mesh_hash_string(a) : mesh_hash_pointers(a, b, tag);
}

static inline bool
map_equal(const MeshMap *map, const MeshMapEntry *e, const void *a,
		  const void *b, int tag)
{
	if (map->strings)
		return strcmp(e->a, a) == 0;
	return e->a == a && e->b == b && e->tag == tag;
}

/* The slot of a key: where it is, or the empty one where it would go. */
static MeshMapEntry *
map_find(const MeshMap *map, const void *a, const void *b, int tag)
{
	size_t		h = map_hash(map, a, b, tag) & (map->cap - 1);

	while (map->slots[h].value != NULL && !map_equal(map, &map->slots[h], a, b, tag))
		h = (h + 1) & (map->cap - 1);
	return &map->slots[h];
}

void *
mesh_map_get(const MeshMap *map, const void *a, const void *b, int tag)
{
	if (map->cap == 0)
		return NULL;
	return map_find(map, a, b, tag)->value;
}

void
mesh_map_put(MeshMap *map, const void *a, const void *b, int tag, void *value)
{
	MeshMapEntry *e;

	if (2 * (map->n + 1) > map->cap)
	{
		MeshMapEntry *old = map->slots;
		size_t		oldcap = map->cap;
		size_t		i;

		map->cap = oldcap > 0 ? oldcap * 2 : 32;
		map->slots = mesh_alloc(map->cap * sizeof(MeshMapEntry));
		for (i = 0; i < oldcap; i++)
			if (old[i].value != NULL)
				*map_find(map, old[i].a, old[i].b, old[i].tag) = old[i];
		mesh_free(old);
	}
	e = map_find(map, a, b, tag);
	if (e->value == NULL)
		map->n++;
	e->a = a;
	e->b = b;
	e->tag = tag;
	e->value = value;
}

void *
mesh_map_slot(const MeshMap *map, size_t i)
{
	return i < map->cap ? map->slots[i].value : NULL;
}

void
mesh_map_free(MeshMap *map)
{
	mesh_free(map->slots);
	map->slots = NULL;
	map->cap = 0;
	map->n = 0;
}
