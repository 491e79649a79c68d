/*-------------------------------------------------------------------------
 *
 * buf.c
 *		  MeshBuf, the portable core's growable buffer, and growable
 *		  scratch arrays.
 *
 * Everything the core writes (JSON text, Avro binary, canonical forms,
 * messages built piecewise) goes into a MeshBuf.  Growth doubles and is
 * capped at MESH_MAX_ALLOC (the server's MaxAllocSize) where the request
 * fits under it, so that a buffer near that size is not refused for
 * rounding up past it.
 *
 *-------------------------------------------------------------------------
 */
#include "core/buf.h"

#include <string.h>

#include "core/text.h"

#define MESH_BUF_INITIAL_SIZE 64

void
mesh_buf_init(MeshBuf *buf)
{
	buf->cap = MESH_BUF_INITIAL_SIZE;
	buf->data = mesh_alloc(buf->cap);
	buf->len = 0;
}

void
mesh_buf_grow(MeshBuf *buf, size_t extra)
{
	size_t		need = buf->len + extra + 1;
	size_t		newcap;

	if (need <= buf->cap && buf->data != NULL)
		return;
	newcap = buf->cap > 0 ? buf->cap : MESH_BUF_INITIAL_SIZE;
	while (newcap < need)
		newcap = newcap > SIZE_MAX / 2 ? need : newcap * 2;
	if (newcap > MESH_MAX_ALLOC && need <= MESH_MAX_ALLOC)
		newcap = MESH_MAX_ALLOC;
	/* mesh_realloc accepts NULL, so a zeroed MeshBuf works too */
	buf->data = mesh_realloc(buf->data, newcap);
	buf->cap = newcap;
}

void
mesh_buf_append(MeshBuf *buf, const char *data, size_t len)
{
	if (len > 0)
		mesh_buf_add(buf, data, len);
	else
		mesh_buf_reserve(buf, 0);
	buf->data[buf->len] = '\0';
}

void
mesh_buf_append_str(MeshBuf *buf, const char *s)
{
	mesh_buf_append(buf, s, strlen(s));
}

void
mesh_buf_append_char(MeshBuf *buf, char c)
{
	mesh_buf_add_char(buf, c);
	buf->data[buf->len] = '\0';
}

/* Bytes that stand for themselves in a JSON string: printable ASCII but '"' and '\\'. */
static const unsigned char json_plain[256] = {
	[0x20 ... 0x21] = 1,		/* '"' is 0x22 */
	[0x23 ... 0x5B] = 1,		/* '\\' is 0x5C */
	[0x5D ... 0x7F] = 1
};

/* The bytes JSON escapes with one letter, and their letters: \" \\ \b \f \n \r \t */
static const char json_short_escaped[] = "\"\\\b\f\n\r\t";
static const char json_short_escapes[] = "\"\\bfnrt";

void
mesh_buf_append_json_string(MeshBuf *buf, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		run = 0;
	size_t		i = 0;

	mesh_buf_reserve(buf, len + 2);
	buf->data[buf->len++] = '"';
	while (i < len)
	{
		unsigned char c = u[i];
		char		esc[6];
		size_t		n;
		const char *short_escape;

		if (MESH_LIKELY(json_plain[c]))
		{
			i++;
			continue;
		}
		if (c >= 0x80 && (n = mesh_utf8_sequence_length(u + i, len - i)) > 0)
		{
			i += n;
			continue;
		}

		/* flush the run of plain characters, then escape this byte */
		mesh_buf_add(buf, s + run, i - run);
		esc[0] = '\\';
		short_escape = c != '\0' ? strchr(json_short_escaped, c) : NULL;
		if (short_escape != NULL)
		{
			esc[1] = json_short_escapes[short_escape - json_short_escaped];
			n = 2;
		}
		else
		{
			/* a control character, or not UTF-8: U+FFFD */
			esc[1] = 'u';
			esc[2] = c < 0x80 ? '0' : 'f';
			esc[3] = c < 0x80 ? '0' : 'f';
			esc[4] = c < 0x80 ? mesh_hex_chars[c >> 4] : 'f';
			esc[5] = c < 0x80 ? mesh_hex_chars[c & 15] : 'd';
			n = 6;
		}
		mesh_buf_add(buf, esc, n);
		i++;
		run = i;
	}
	mesh_buf_add(buf, s + run, len - run);
	mesh_buf_add_char(buf, '"');
	buf->data[buf->len] = '\0';
}

void *
mesh_grow_array_realloc(void *array, size_t *cap, size_t need, size_t elemsize)
{
	size_t		newcap = *cap > 0 ? *cap : 16;
	size_t		limit = MESH_MAX_ALLOC / elemsize;

	if (need <= *cap)
		return array;
	while (newcap < need)
		newcap = newcap > SIZE_MAX / 2 ? need : newcap * 2;
	if (newcap > limit && need <= limit)
		newcap = limit;
	*cap = newcap;
	return mesh_realloc(array, newcap * elemsize);
}
