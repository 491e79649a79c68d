/*-------------------------------------------------------------------------
 *
 * decimal.c
 *		  Avro decimals (two's-complement, big-endian unscaled values) to
 *		  and from their text, exactly, in arbitrary precision.
 *
 * The decoder renders a decimal as text with exactly scale fraction digits,
 * as numeric_in reads it (mesh_decimal_to_text); the encoder reads text as
 * numeric_out writes it, or as a JSON number has it (mesh_decimal_from_text),
 * into the minimal two's-complement bytes of its unscaled value.  Neither
 * ever goes through a double.  Both stop at MESH_DECIMAL_MAX_DIGITS digits,
 * numeric's limit: a longer value is refused, never rounded.
 *
 *-------------------------------------------------------------------------
 */
#include "core/decimal.h"

#include <stdio.h>
#include <string.h>

/* Significant bytes that can hold MESH_DECIMAL_MAX_DIGITS digits, and a few more. */
#define DECIMAL_MAX_BYTES		420

/* A decimal exponent beyond this makes every non-zero value unwritable. */
#define DECIMAL_MAX_EXPONENT	100000

void
mesh_decimal_negate(uint8_t *out, const uint8_t *b, size_t len)
{
	int			carry = 1;
	size_t		i;

	for (i = len; i-- > 0;)
	{
		int			v = (uint8_t) ~b[i] + carry;

		out[i] = (uint8_t) v;
		carry = v >> 8;
	}
}

const char *
mesh_decimal_to_text(MeshBuf *o, const uint8_t *b, size_t len, int precision,
			 int scale, char *why, size_t whylen)
{
	uint8_t		mag[DECIMAL_MAX_BYTES];
	uint32_t	limbs[DECIMAL_MAX_BYTES / 3 + 2];	/* base 10^9 */
	int			nlimbs = 0;
	bool		neg = len > 0 && (b[0] & 0x80) != 0;
	size_t		start = 0;
	size_t		n;
	size_t		i;
	char		digits[DECIMAL_MAX_BYTES * 3 + 16];
	int			ndigits;
	int			limit;

	/* no bytes is no number (Java's BigInteger refuses it too) */
	if (len == 0)
	{
		snprintf(why, whylen, "decimal value has no bytes");
		return why;
	}
	/* the bytes that matter: drop the sign extension */
	while (start < len && b[start] == (neg ? 0xFF : 0x00) &&
		   (start + 1 == len || ((b[start + 1] & 0x80) != 0) == neg))
		start++;
	n = len - start;
	if (neg && n == 0)
	{
		/* all 0xFF: -1 */
		start = len - 1;
		n = 1;
	}
	if (n > DECIMAL_MAX_BYTES)
	{
		snprintf(why, whylen, "decimal value of %zu significant bytes has more than %d digits",
				 n, MESH_DECIMAL_MAX_DIGITS);
		return why;
	}
	/* the magnitude */
	memcpy(mag, b + start, n);
	if (neg)
		mesh_decimal_negate(mag, mag, n);
	/* to base 10^9, most significant byte first */
	for (i = 0; i < n; i++)
	{
		uint64_t	carry = mag[i];
		int			k;

		for (k = 0; k < nlimbs; k++)
		{
			uint64_t	v = (uint64_t) limbs[k] * 256 + carry;

			limbs[k] = (uint32_t) (v % 1000000000);
			carry = v / 1000000000;
		}
		while (carry != 0)
		{
			limbs[nlimbs++] = (uint32_t) (carry % 1000000000);
			carry /= 1000000000;
		}
	}
	if (nlimbs == 0)
	{
		digits[0] = '0';
		ndigits = 1;
	}
	else
	{
		char	   *p = digits;
		int			k;

		p += snprintf(p, 16, "%u", (unsigned) limbs[nlimbs - 1]);
		for (k = nlimbs - 2; k >= 0; k--)
			p += snprintf(p, 16, "%09u", (unsigned) limbs[k]);
		ndigits = (int) (p - digits);
	}
	limit = precision > 0 && precision < MESH_DECIMAL_MAX_DIGITS ? precision : MESH_DECIMAL_MAX_DIGITS;
	if (ndigits > limit && !(ndigits == 1 && digits[0] == '0'))
	{
		snprintf(why, whylen, "decimal value has %d digits, more than the precision %d",
				 ndigits, limit);
		return why;
	}

	mesh_buf_reserve(o, ndigits + (scale > 0 ? scale : 0) + 4);
	if (neg)
		mesh_buf_add_char(o, '-');
	if (scale <= 0)
		mesh_buf_add(o, digits, ndigits);
	else if (ndigits <= scale)
	{
		int			k;

		mesh_buf_add(o, "0.", 2);
		for (k = 0; k < scale - ndigits; k++)
			mesh_buf_add_char(o, '0');
		mesh_buf_add(o, digits, ndigits);
	}
	else
	{
		mesh_buf_add(o, digits, ndigits - scale);
		mesh_buf_add_char(o, '.');
		mesh_buf_add(o, digits + ndigits - scale, scale);
	}
	return NULL;
}

/* Whether s (len bytes) names NaN or an infinity, as numeric_in spells them. */
static bool
is_not_finite(const char *s, size_t len)
{
	static const char *const words[] = {
		"nan", "infinity", "+infinity", "-infinity", "inf", "+inf", "-inf"
	};
	size_t		i;

	for (i = 0; i < MESH_LENGTHOF(words); i++)
	{
		size_t		k;

		if (strlen(words[i]) != len)
			continue;
		for (k = 0; k < len; k++)
		{
			char		c = s[k];

			if (c >= 'A' && c <= 'Z')
				c = (char) (c - 'A' + 'a');
			if (c != words[i][k])
				break;
		}
		if (k == len)
			return true;
	}
	return false;
}

MeshDecimalError
mesh_decimal_from_text(const char *s, size_t len, int scale, int limit,
				 uint8_t *out, size_t *outlen)
{
	size_t		i = 0;
	bool		neg = false;
	size_t		int_start;
	size_t		int_end;
	size_t		frac_start = 0;
	size_t		frac_end = 0;
	int64_t		exp10 = 0;
	int64_t		ndigits;		/* digits of int and frac parts */
	int64_t		shift;			/* zeros appended (>0) or digits dropped (<0) */
	int64_t		keep;			/* digits of the text kept */
	int64_t		first;			/* first non-zero digit kept, or -1 */
	int64_t		sig;
	uint32_t	limbs[MESH_DECIMAL_LIMBS];
	int			nlimbs = 0;
	uint32_t	chunk = 0;
	uint32_t	chunk_mult = 1;
	int64_t		k;
	uint8_t		mag[MESH_DECIMAL_LIMBS * 4];
	size_t		magn = 0;
	size_t		m;

	if (is_not_finite(s, len))
		return MESH_DECIMAL_NOT_FINITE;
	if (i < len && (s[i] == '+' || s[i] == '-'))
	{
		neg = s[i] == '-';
		i++;
	}
	int_start = i;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	int_end = i;
	if (i < len && s[i] == '.')
	{
		i++;
		frac_start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		frac_end = i;
	}
	if (int_end == int_start && frac_end == frac_start)
		return MESH_DECIMAL_SYNTAX;		/* no digit */
	if (i < len && (s[i] == 'e' || s[i] == 'E'))
	{
		bool		eneg = false;
		size_t		estart;

		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
		{
			eneg = s[i] == '-';
			i++;
		}
		estart = i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
		{
			if (exp10 <= DECIMAL_MAX_EXPONENT)
				exp10 = exp10 * 10 + (s[i] - '0');
			i++;
		}
		if (i == estart)
			return MESH_DECIMAL_SYNTAX;
		if (eneg)
			exp10 = -exp10;
	}
	if (i != len)
		return MESH_DECIMAL_SYNTAX;

	/*
	 * The digits D (int part then fraction) stand for D x 10^(exp10 -
	 * nfrac); the unscaled value is that times 10^scale.
	 */
	ndigits = (int64_t) (int_end - int_start) + (int64_t) (frac_end - frac_start);
#define DIGIT_AT(x) ((x) < (int64_t) (int_end - int_start) ? \
					 s[int_start + (x)] : s[frac_start + (x) - (int_end - int_start)])
	first = -1;
	for (k = 0; k < ndigits; k++)
		if (DIGIT_AT(k) != '0')
		{
			first = k;
			break;
		}
	if (first < 0)
	{
		/* zero, whatever its exponent */
		out[0] = 0;
		*outlen = 1;
		return MESH_DECIMAL_OK;
	}
	if (exp10 > DECIMAL_MAX_EXPONENT || exp10 < -DECIMAL_MAX_EXPONENT)
		return exp10 > 0 ? MESH_DECIMAL_PRECISION : MESH_DECIMAL_SCALE;
	shift = exp10 - (int64_t) (frac_end - frac_start) + scale;
	keep = ndigits;
	if (shift < 0)
	{
		/* the digits dropped must all be zeros */
		for (k = ndigits + shift; k < ndigits; k++)
			if (k >= 0 && DIGIT_AT(k) != '0')
				return MESH_DECIMAL_SCALE;
		keep = ndigits + shift;
		shift = 0;
		if (keep <= first)
			return MESH_DECIMAL_SCALE;	/* cannot happen: a non-zero digit dropped */
	}
	sig = keep - first + shift;
	if (sig > limit || sig > MESH_DECIMAL_MAX_DIGITS)
		return MESH_DECIMAL_PRECISION;

	/* to base 2^32: chunks of up to 9 decimal digits */
	for (k = first; k < keep + shift; k++)
	{
		int			d = k < keep ? DIGIT_AT(k) - '0' : 0;

		chunk = chunk * 10 + (uint32_t) d;
		chunk_mult *= 10;
		if (chunk_mult == 1000000000 || k + 1 == keep + shift)
		{
			uint64_t	carry = chunk;
			int			j;

			for (j = 0; j < nlimbs; j++)
			{
				uint64_t	v = (uint64_t) limbs[j] * chunk_mult + carry;

				limbs[j] = (uint32_t) v;
				carry = v >> 32;
			}
			if (carry != 0)
				limbs[nlimbs++] = (uint32_t) carry;
			chunk = 0;
			chunk_mult = 1;
		}
	}
#undef DIGIT_AT

	/* the magnitude, big-endian, without leading zero bytes */
	for (k = nlimbs - 1; k >= 0; k--)
	{
		int			b;

		for (b = 3; b >= 0; b--)
		{
			uint8_t		byte = (uint8_t) (limbs[k] >> (8 * b));

			if (magn == 0 && byte == 0)
				continue;
			mag[magn++] = byte;
		}
	}

	if (magn == 0)
	{
		/* cannot happen (the value is not zero), but costs nothing */
		out[0] = 0;
		*outlen = 1;
		return MESH_DECIMAL_OK;
	}

	/*
	 * Minimal two's complement: a sign byte in front when the top bit is
	 * taken, except for a negative value of exactly -2^(8n-1).
	 */
	m = 0;
	if (!neg)
	{
		if (mag[0] & 0x80)
			out[m++] = 0;
		memcpy(out + m, mag, magn);
		m += magn;
	}
	else
	{
		bool		power = mag[0] == 0x80;
		size_t		j;

		for (j = 1; power && j < magn; j++)
			if (mag[j] != 0)
				power = false;
		if (mag[0] > 0x80 || (mag[0] == 0x80 && !power))
			out[m++] = 0xFF;
		mesh_decimal_negate(out + m, mag, magn);
		m += magn;
	}
	*outlen = m;
	return MESH_DECIMAL_OK;
}
