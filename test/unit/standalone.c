/*-------------------------------------------------------------------------
 *
 * standalone.c
 *		  The portable core's allocator outside the server, for the unit
 *		  tests and fuzzers built with -DMESH_STANDALONE.
 *
 * In the server the portable core allocates in a memory context and never
 * frees what a failed parse left behind; the context does.  Here every
 * block is malloc'd and linked into one list, so that a harness can free
 * everything at once (mesh_standalone_reset) and so that AddressSanitizer
 * still sees each block's exact bounds.
 *
 *-------------------------------------------------------------------------
 */
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Placed before each block; the union keeps the block maximally aligned. */
typedef union BlockHeader
{
	struct
	{
		union BlockHeader *prev;
		union BlockHeader *next;
	}			link;
	max_align_t align;
} BlockHeader;

static BlockHeader *blocks = NULL;
static size_t nblocks = 0;

static void
out_of_memory(size_t size)
{
	fprintf(stderr, "standalone: out of memory allocating %zu bytes\n", size);
	abort();
}

static void
link_block(BlockHeader *h)
{
	h->link.prev = NULL;
	h->link.next = blocks;
	if (blocks != NULL)
		blocks->link.prev = h;
	blocks = h;
	nblocks++;
}

static void
unlink_block(BlockHeader *h)
{
	if (h->link.prev != NULL)
		h->link.prev->link.next = h->link.next;
	else
		blocks = h->link.next;
	if (h->link.next != NULL)
		h->link.next->link.prev = h->link.prev;
	nblocks--;
}

void *
mesh_alloc(size_t size)
{
	BlockHeader *h;

	if (size > SIZE_MAX - sizeof(BlockHeader))
		out_of_memory(size);
	h = calloc(1, sizeof(BlockHeader) + size);
	if (h == NULL)
		out_of_memory(size);
	link_block(h);
	return h + 1;
}

void *
mesh_realloc(void *ptr, size_t size)
{
	BlockHeader *h;
	BlockHeader *moved;

	if (ptr == NULL)
		return mesh_alloc(size);
	if (size > SIZE_MAX - sizeof(BlockHeader))
		out_of_memory(size);
	h = (BlockHeader *) ptr - 1;
	unlink_block(h);
	moved = realloc(h, sizeof(BlockHeader) + size);
	if (moved == NULL)
		out_of_memory(size);
	link_block(moved);
	return moved + 1;
}

void
mesh_free(void *ptr)
{
	BlockHeader *h;

	if (ptr == NULL)
		return;
	h = (BlockHeader *) ptr - 1;
	unlink_block(h);
	free(h);
}

/* Like the server's pnstrdup: stops at a NUL within the first len bytes. */
char *
mesh_strndup(const char *s, size_t len)
{
	size_t		n = strnlen(s, len);
	char	   *copy = mesh_alloc(n + 1);

	memcpy(copy, s, n);
	copy[n] = '\0';
	return copy;
}

void
mesh_standalone_reset(void)
{
	while (blocks != NULL)
	{
		BlockHeader *next = blocks->link.next;

		free(blocks);
		blocks = next;
	}
	nblocks = 0;
}

size_t
mesh_standalone_live_blocks(void)
{
	return nblocks;
}
