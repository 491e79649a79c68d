/*-------------------------------------------------------------------------
 *
 * core/decimal.h
 *		  Avro decimals to and from text, exactly
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_DECIMAL_H
#define MESH_CORE_DECIMAL_H

#include "core/core.h"

/* Digits of a decimal: numeric(p,s) allows p up to 1000. */
#define MESH_DECIMAL_MAX_DIGITS	1000

/* 32-bit limbs that hold 10^MESH_DECIMAL_MAX_DIGITS, and a few more */
#define MESH_DECIMAL_LIMBS		110
/* Room for the bytes of any decimal mesh_decimal_from_text accepts. */
#define MESH_DECIMAL_MAX_BINARY	(MESH_DECIMAL_LIMBS * 4 + 1)

/*
 * Append the text of a decimal whose unscaled value is the len bytes at b
 * (two's complement, big-endian, any length) with exactly scale fraction
 * digits.  NULL on success, else why not (in why): no bytes, or more
 * digits than precision (or than MESH_DECIMAL_MAX_DIGITS when precision is
 * 0 or beyond it).
 */
extern const char *mesh_decimal_to_text(MeshBuf *o, const uint8_t *b,
										size_t len, int precision, int scale,
										char *why, size_t whylen);

/*
 * Negate the two's-complement big-endian integer in the len bytes at b,
 * into out (which may be b): invert, and add one from the last byte.
 */
extern void mesh_decimal_negate(uint8_t *out, const uint8_t *b, size_t len);

/* Why a decimal text cannot be written. */
typedef enum MeshDecimalError
{
	MESH_DECIMAL_OK,
	MESH_DECIMAL_SYNTAX,		/* not [+-]digits[.digits][e[+-]digits] */
	MESH_DECIMAL_NOT_FINITE,	/* NaN or an infinity, as numeric_in spells them */
	MESH_DECIMAL_SCALE,			/* non-zero digits beyond the scale */
	MESH_DECIMAL_PRECISION,		/* more digits than limit */
	MESH_DECIMAL_SIZE			/* (for callers: too many bytes for a fixed) */
} MeshDecimalError;

/*
 * The unscaled value of decimal text s (len bytes: [+-]digits[.digits]
 * [e[+-]digits], ".5" and "5." too) at the given scale, as the minimal
 * two's-complement big-endian bytes, into out (room for
 * MESH_DECIMAL_MAX_BINARY bytes); *outlen gets their number.  Fewer
 * fraction digits than the scale are padded, more are refused unless the
 * extra ones are zeros.  limit is the most digits the unscaled value may
 * have.
 */
extern MeshDecimalError mesh_decimal_from_text(const char *s, size_t len,
											   int scale, int limit,
											   uint8_t *out, size_t *outlen);

#endif							/* MESH_CORE_DECIMAL_H */
