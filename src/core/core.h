/*-------------------------------------------------------------------------
 *
 * core/core.h
 *		  The portable core: memory, and the growable buffer (core/buf.h)
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_H
#define MESH_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * The portable core: the parsers, decoders and encoders that read and write
 * bytes coming from Kafka or the schema registry (JSON, Avro schemas, Avro
 * data).  They include no PostgreSQL or librdkafka header, never throw, and
 * report bad input through return values and an error buffer, so that they
 * can be fuzzed and unit-tested outside the server (test/unit, test/fuzz,
 * built with -DMESH_STANDALONE).  Inside the server they allocate with
 * palloc in the current memory context (mesh_alloc, in src/mesh/core_memory.c).
 */
/*
 * Memory for the portable core: in the server, palloc in the current
 * memory context (an out-of-memory ERROR is the only way they can throw);
 * standalone, malloc tracked so a harness can free everything at once.
 */
extern void *mesh_alloc(size_t size);	/* zeroed */
extern void *mesh_realloc(void *ptr, size_t size);
extern void mesh_free(void *ptr);
extern char *mesh_strndup(const char *s, size_t len);

#ifdef PG_PRINTF_ATTRIBUTE
#define MESH_PRINTF_ARCHETYPE PG_PRINTF_ATTRIBUTE
#else
#define MESH_PRINTF_ARCHETYPE printf
#endif

#define MESH_LIKELY(x)		__builtin_expect(!!(x), 1)
#define MESH_UNLIKELY(x)	__builtin_expect(!!(x), 0)

/* The number of elements of an array (not a pointer). */
#define MESH_LENGTHOF(a)	(sizeof(a) / sizeof((a)[0]))

/* The largest block the server allocates (MaxAllocSize). */
#define MESH_MAX_ALLOC		((size_t) 0x3FFFFFFF)

#ifdef MESH_STANDALONE
/* test/unit/standalone.c: free all portable-core memory; count live blocks */
extern void mesh_standalone_reset(void);
extern size_t mesh_standalone_live_blocks(void);
#endif

/* MeshBuf, the growable buffer (core/buf.h, which needs the above) */
#include "core/buf.h"

#endif							/* MESH_CORE_H */
