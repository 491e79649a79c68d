/*-------------------------------------------------------------------------
 *
 * text.c
 *		  Small text utilities of the portable core: UTF-8 clipping,
 *		  messages, hex, uuids, hashing and duplicate detection.
 *
 * Messages of the core go into fixed buffers that snprintf may cut; every
 * one is clipped to whole UTF-8 characters (mesh_clip_utf8), so that what
 * reaches PostgreSQL's ereport is valid in the database encoding.  Values
 * quoted in messages (mesh_text_quote) are cut short and show control
 * characters and invalid UTF-8 as '?'.
 *
 * uuids are read as PostgreSQL's uuid_in reads them and written in its
 * canonical lowercase form, as uuid_out writes them.
 *
 *-------------------------------------------------------------------------
 */
#include "core/text.h"

#include <stdio.h>

const char	mesh_hex_chars[17] = "0123456789abcdef";

/* ------------------------------------------------------------------------
 * UTF-8 and messages
 * ------------------------------------------------------------------------
 */

void
mesh_clip_utf8(char *buf)
{
	size_t		used = strlen(buf);
	size_t		start = used;
	size_t		need;
	unsigned char c;

	while (start > 0 && ((unsigned char) buf[start - 1] & 0xC0) == 0x80)
		start--;
	if (start == 0)
		return;
	c = (unsigned char) buf[start - 1];
	if (c < 0x80)
		return;
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (used - (start - 1) < need)
		buf[start - 1] = '\0';
}

void
mesh_text_vformat(char *buf, size_t size, size_t offset, const char *fmt,
				  va_list ap)
{
	if (buf == NULL || size == 0)
		return;
	if (offset < size)
		vsnprintf(buf + offset, size - offset, fmt, ap);
	mesh_clip_utf8(buf);
}

void
mesh_text_format(char *buf, size_t size, const char *fmt,...)
{
	va_list		ap;

	va_start(ap, fmt);
	mesh_text_vformat(buf, size, 0, fmt, ap);
	va_end(ap);
}

char *
mesh_text_printf_dup(const char *fmt,...)
{
	va_list		ap;
	char		tmp[512];

	va_start(ap, fmt);
	mesh_text_vformat(tmp, sizeof(tmp), 0, fmt, ap);
	va_end(ap);
	return mesh_strndup(tmp, strlen(tmp));
}

void
mesh_text_sanitize(char *out, size_t outlen, const char *s, size_t len,
				   size_t max)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		o = strlen(out);
	size_t		i = 0;

	while (i < len && i < max && o + 9 < outlen)
	{
		size_t		n = mesh_utf8_sequence_length(u + i, len - i);

		if (n == 0 || u[i] < 0x20 || u[i] == 0x7F)
		{
			out[o++] = '?';
			i++;
			continue;
		}
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	if (i < len && o + 4 <= outlen)
	{
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

const char *
mesh_text_quote(char *out, size_t outlen, const char *s, size_t len)
{
	size_t		o;

	if (outlen < 16)
		return "";
	out[0] = '"';
	out[1] = '\0';
	mesh_text_sanitize(out, outlen - 1, s, len, 48);
	o = strlen(out);
	out[o] = '"';
	out[o + 1] = '\0';
	return out;
}

/* ------------------------------------------------------------------------
 * Hex and uuids
 * ------------------------------------------------------------------------
 */

char *
mesh_hex_encode(char *out, const void *data, size_t len)
{
	const unsigned char *b = data;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		*out++ = mesh_hex_chars[b[i] >> 4];
		*out++ = mesh_hex_chars[b[i] & 15];
	}
	return out;
}

bool
mesh_uuid_parse(const char *s, size_t len, uint8_t out[16])
{
	size_t		i = 0;
	bool		braces = false;
	int			k;

	if (len > 0 && s[0] == '{')
	{
		braces = true;
		i++;
	}
	for (k = 0; k < 16; k++)
	{
		int			hi;
		int			lo;

		if (len - i < 2)
			return false;
		hi = mesh_hex_digit((unsigned char) s[i]);
		lo = mesh_hex_digit((unsigned char) s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[k] = (uint8_t) (hi * 16 + lo);
		i += 2;
		if (i < len && s[i] == '-' && (k % 2) == 1 && k < 15)
			i++;
	}
	if (braces)
	{
		if (i >= len || s[i] != '}')
			return false;
		i++;
	}
	return i == len;
}

char *
mesh_uuid_format(char *out, const uint8_t uuid[16])
{
	int			k;

	for (k = 0; k < 16; k++)
	{
		if (k == 4 || k == 6 || k == 8 || k == 10)
			*out++ = '-';
		*out++ = mesh_hex_chars[uuid[k] >> 4];
		*out++ = mesh_hex_chars[uuid[k] & 15];
	}
	return out;
}

/* ------------------------------------------------------------------------
 * Hashing and duplicates
 * ------------------------------------------------------------------------
 */

uint32_t
mesh_hash_string(const char *s)
{
	uint32_t	h = 2166136261u;	/* FNV-1a */

	while (*s)
	{
		h ^= (unsigned char) *s++;
		h *= 16777619u;
	}
	return h;
}

size_t
mesh_hash_pointers(const void *a, const void *b, int tag)
{
	uint64_t	h = (uint64_t) (uintptr_t) a * UINT64_C(0x9E3779B97F4A7C15);

	h ^= (uint64_t) (uintptr_t) b * UINT64_C(0xC2B2AE3D27D4EB4F);
	h ^= (uint64_t) tag * UINT64_C(0x165667B19E3779F9);
	return (size_t) (h ^ (h >> 29));
}

int
mesh_find_duplicate(const char *const *strings, int n)
{
	size_t		cap = 16;
	int		   *table;			/* index + 1, 0 when empty */
	int			dup = -1;
	int			i;
	int			j;

	if (n <= 8)
	{
		for (i = 1; i < n; i++)
			for (j = 0; j < i; j++)
				if (strcmp(strings[i], strings[j]) == 0)
					return i;
		return -1;
	}
	/* a table of its own: a parse of JSON objects uses this per object */
	while (cap < 2 * (size_t) n)
		cap *= 2;
	table = mesh_alloc(cap * sizeof(int));
	for (i = 0; i < n && dup < 0; i++)
	{
		size_t		h = mesh_hash_string(strings[i]) & (cap - 1);

		while (table[h] != 0 && strcmp(strings[table[h] - 1], strings[i]) != 0)
			h = (h + 1) & (cap - 1);
		if (table[h] != 0)
			dup = i;
		else
			table[h] = i + 1;
	}
	mesh_free(table);
	return dup;
}
