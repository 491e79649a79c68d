/*-------------------------------------------------------------------------
 *
 * core_memory.c
 *		  The portable core's allocator, inside the server: palloc in the
 *		  current memory context.  (test/unit/standalone.c is the one used
 *		  outside the server.)
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "core/core.h"

void *
mesh_alloc(size_t size)
{
	return palloc0(size);
}

void *
mesh_realloc(void *ptr, size_t size)
{
	return ptr ? repalloc(ptr, size) : palloc(size);
}

void
mesh_free(void *ptr)
{
	if (ptr)
		pfree(ptr);
}

char *
mesh_strndup(const char *s, size_t len)
{
	return pnstrdup(s, len);
}
