/*-------------------------------------------------------------------------
 *
 * core/text.h
 *		  Small text utilities of the portable core: UTF-8 sequences and
 *		  clipping, messages, hex, uuids, hashing, floor division
 *
 * Each is defined once here and used by every core file that needs it;
 * they are exported (mesh_ prefixed, no PostgreSQL header needed) so that
 * code outside the core can use them too.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_TEXT_H
#define MESH_CORE_TEXT_H

#include <stdarg.h>
#include <string.h>

#include "core/core.h"

/* ------------------------------------------------------------------------
 * UTF-8
 * ------------------------------------------------------------------------
 */

/*
 * Length of the well-formed UTF-8 sequence at s (at most avail bytes, at
 * least 1), or 0 if there is none: overlong forms, UTF-16 surrogates
 * (U+D800..U+DFFF) and code points above U+10FFFF are not well-formed (RFC
 * 3629, table 3-7 of the Unicode standard).  NUL is a sequence of 1.
 */
static inline size_t
mesh_utf8_sequence_length(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80;
	unsigned char hi = 0xBF;
	size_t		n;
	size_t		k;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
	{
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;			/* overlong */
		else if (c == 0xED)
			hi = 0x9F;			/* surrogates */
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		n = 4;
		if (c == 0xF0)
			lo = 0x90;			/* overlong */
		else if (c == 0xF4)
			hi = 0x8F;			/* above U+10FFFF */
	}
	else
		return 0;				/* continuation byte, C0, C1, F5..FF */
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < n; k++)
		if ((s[k] & 0xC0) != 0x80)
			return 0;
	return n;
}

/*
 * Offset of the first byte of s that is NUL (which text cannot hold) or
 * does not begin a well-formed UTF-8 sequence; len if there is none.
 * Inline: the decoder and the encoder check every string with it.  Short
 * ASCII strings take one test per byte, longer ones eight bytes at a time
 * while they are ASCII.
 */
static inline size_t
mesh_utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t		i = 0;

	if (len < 8)
	{
		while (i < len && (unsigned char) (s[i] - 1) < 0x7F)
			i++;
		if (i == len)
			return len;
	}
	while (i < len)
	{
		size_t		n;

		if (len - i >= 8)
		{
			uint64_t	w;

			memcpy(&w, s + i, 8);
			/* no high bit set and no zero byte */
			if ((w & UINT64_C(0x8080808080808080)) == 0 &&
				((w - UINT64_C(0x0101010101010101)) & ~w & UINT64_C(0x8080808080808080)) == 0)
			{
				i += 8;
				continue;
			}
		}
		/* ASCII other than NUL */
		if ((unsigned char) (s[i] - 1) < 0x7F)
		{
			i++;
			continue;
		}
		if (s[i] == 0)
			return i;
		n = mesh_utf8_sequence_length(s + i, len - i);
		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

/*
 * Drop a character cut in half at the end of the NUL-terminated buf (a
 * message truncated by snprintf), so that it stays valid UTF-8.
 */
extern void mesh_clip_utf8(char *buf);

/* Two byte strings in memcmp order, a prefix before what extends it (map keys). */
static inline int
mesh_bytes_cmp(const void *a, size_t alen, const void *b, size_t blen)
{
	size_t		n = alen < blen ? alen : blen;
	int			c = n > 0 ? memcmp(a, b, n) : 0;

	return c != 0 ? c : (alen > blen) - (alen < blen);
}

/* ------------------------------------------------------------------------
 * Messages
 * ------------------------------------------------------------------------
 */

/*
 * Format into buf at offset (nothing when offset is not below size), then
 * clip buf's end to whole characters.  buf NULL or size 0: nothing.
 */
extern void mesh_text_vformat(char *buf, size_t size, size_t offset,
							  const char *fmt, va_list ap)
			__attribute__((format(MESH_PRINTF_ARCHETYPE, 4, 0)));
/* the same at offset 0 */
extern void mesh_text_format(char *buf, size_t size, const char *fmt,...)
			__attribute__((format(MESH_PRINTF_ARCHETYPE, 3, 4)));
/* a new string (mesh_alloc), formatted, at most 511 bytes, clipped */
extern char *mesh_text_printf_dup(const char *fmt,...)
			__attribute__((format(MESH_PRINTF_ARCHETYPE, 1, 2)));

/*
 * Append at most max bytes of s (len bytes, any content) to the
 * NUL-terminated out (outlen bytes in all), invalid UTF-8 and control
 * characters shown as '?', and "..." when s was cut: a value shown in a
 * message.
 */
extern void mesh_text_sanitize(char *out, size_t outlen, const char *s,
							   size_t len, size_t max);
/* s sanitized in double quotes, at most 48 bytes of it, in out; returns out */
extern const char *mesh_text_quote(char *out, size_t outlen, const char *s,
								   size_t len);

/* ------------------------------------------------------------------------
 * Hex and uuids
 * ------------------------------------------------------------------------
 */

/* "0123456789abcdef" */
extern const char mesh_hex_chars[17];

/* The value of a hex digit (either case), or -1. */
static inline int
mesh_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The value of a base64 digit, or -1: the standard alphabet (RFC 4648's
 * "+/"), and with url_safe the URL-safe one's "-_" too.
 */
static inline int
mesh_base64_digit(int c, bool url_safe)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || (url_safe && c == '-'))
		return 62;
	if (c == '/' || (url_safe && c == '_'))
		return 63;
	return -1;
}

/* len bytes as 2 * len lowercase hex digits at out (no NUL); returns the end */
extern char *mesh_hex_encode(char *out, const void *data, size_t len);

/* The text of a uuid in canonical form: 8-4-4-4-12 lowercase hex digits. */
#define MESH_UUID_TEXT_LEN 36

/*
 * A uuid as PostgreSQL's uuid_in reads it: 32 hex digits, a hyphen allowed
 * after any group of four, the whole optionally in braces.
 */
extern bool mesh_uuid_parse(const char *s, size_t len, uint8_t out[16]);
/* its canonical text, MESH_UUID_TEXT_LEN bytes at out (no NUL); returns the end */
extern char *mesh_uuid_format(char *out, const uint8_t uuid[16]);

/* ------------------------------------------------------------------------
 * Hashing, duplicates, arithmetic
 * ------------------------------------------------------------------------
 */

/* FNV-1a of a NUL-terminated string */
extern uint32_t mesh_hash_string(const char *s);
/* a hash of two pointers and a small number (an identity key) */
extern size_t mesh_hash_pointers(const void *a, const void *b, int tag);

/*
 * Index of the first of strings[0..n) equal to an earlier one, or -1.
 * Pairwise for a few, through a temporary hash table for many, so that
 * hostile input costs linear time.
 */
extern int	mesh_find_duplicate(const char *const *strings, int n);

/* a / b rounded toward negative infinity (b != 0) */
static inline int64_t
mesh_floor_div(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

#endif							/* MESH_CORE_TEXT_H */
