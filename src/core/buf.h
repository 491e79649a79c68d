/*-------------------------------------------------------------------------
 *
 * core/buf.h
 *		  MeshBuf, the portable core's growable byte and text buffer
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_BUF_H
#define MESH_CORE_BUF_H

#include "core/core.h"

/*
 * A growable byte/char buffer.  A zeroed MeshBuf is an empty one, as is one
 * given to mesh_buf_init.  The mesh_buf_append* functions keep it
 * NUL-terminated; the inline mesh_buf_add* of the hot paths (the decoder's
 * JSON text, the encoder's Avro bytes) only keep room for the NUL, which
 * mesh_buf_terminate writes.
 */
typedef struct MeshBuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
} MeshBuf;

extern void mesh_buf_init(MeshBuf *buf);
extern void mesh_buf_append(MeshBuf *buf, const char *data, size_t len);
extern void mesh_buf_append_str(MeshBuf *buf, const char *s);
extern void mesh_buf_append_char(MeshBuf *buf, char c);

/*
 * Append s as a JSON string literal, quotes included, escaped as
 * PostgreSQL's escape_json does ('"', '\\', \b \f \n \r \t, other control
 * characters as \u00xx); bytes that are not well-formed UTF-8 become
 * \ufffd, so that the output is always valid JSON.
 */
extern void mesh_buf_append_json_string(MeshBuf *buf, const char *s, size_t len);

/*
 * Grow to hold extra more bytes and a NUL.  Capacity doubles, but stops at
 * MESH_MAX_ALLOC where that is enough.
 */
extern void mesh_buf_grow(MeshBuf *buf, size_t extra);

/* Room for extra more bytes and a NUL; returns where they go. */
static inline char *
mesh_buf_reserve(MeshBuf *buf, size_t extra)
{
	if (MESH_UNLIKELY(buf->data == NULL || buf->cap - buf->len < extra + 1))
		mesh_buf_grow(buf, extra);
	return buf->data + buf->len;
}

/* Append len bytes, without the NUL (data must not be NULL, even for 0). */
static inline void
mesh_buf_add(MeshBuf *buf, const void *data, size_t len)
{
	char	   *p = mesh_buf_reserve(buf, len);

	memcpy(p, data, len);
	buf->len += len;
}

static inline void
mesh_buf_add_char(MeshBuf *buf, char c)
{
	char	   *p = mesh_buf_reserve(buf, 1);

	*p = c;
	buf->len++;
}

/* NUL-terminate (allocating the buffer of a zeroed MeshBuf). */
static inline void
mesh_buf_terminate(MeshBuf *buf)
{
	*mesh_buf_reserve(buf, 0) = '\0';
}

/*
 * Grow a scratch array (elemsize bytes per element, *cap of them) so that
 * it holds at least need; capacity doubles from 16, but stops at
 * MESH_MAX_ALLOC bytes where that is enough.  Inline the test, out of line
 * the growing (mesh_grow_array_realloc).
 */
extern void *mesh_grow_array_realloc(void *array, size_t *cap, size_t need,
									 size_t elemsize);

static inline void *
mesh_grow_array(void *array, size_t *cap, size_t need, size_t elemsize)
{
	if (MESH_LIKELY(need <= *cap))
		return array;
	return mesh_grow_array_realloc(array, cap, need, elemsize);
}

#endif							/* MESH_CORE_BUF_H */
