/*-------------------------------------------------------------------------
 *
 * core/avro_write.h
 *		  The encoder's nodes, and writing one value of a node's Avro type
 *		  from a source (core/avro_source.h) as Avro binary
 *
 * Internal to the encoder: avro_encode.c compiles a schema into nodes and
 * runs rows through them; avro_write.c holds each Avro type's encoding and
 * checks, once for every kind of source.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_AVRO_WRITE_H
#define MESH_CORE_AVRO_WRITE_H

#include "core/avro_encode.h"
#include "core/avro_source.h"

/* What a node writes: the Avro type, logical types apart. */
typedef enum EOp
{
	EO_NULL,
	EO_BOOLEAN,
	EO_INT,
	EO_LONG,
	EO_FLOAT,
	EO_DOUBLE,
	EO_STRING,
	EO_BYTES,
	EO_FIXED,					/* also duration */
	EO_ENUM,
	EO_UUID,
	EO_DECIMAL,					/* in bytes, or in a fixed (fixed_decimal) */
	EO_DATE,
	EO_TIME_MILLIS,
	EO_TIME_MICROS,
	EO_TS_MILLIS,				/* also local-timestamp-millis */
	EO_TS_MICROS,				/* also local-timestamp-micros */
	EO_ARRAY,
	EO_MAP,
	EO_RECORD,
	EO_UNION
} EOp;

typedef struct ENode ENode;

/* A field of a record node. */
typedef struct EField
{
	const MeshAvroField *field;
	ENode	   *node;
	bool		has_fill;		/* it can be left out */
	const char *fill;			/* its bytes when left out */
	size_t		fill_len;
} EField;

struct ENode
{
	uint8_t		op;				/* EOp */
	bool		local;			/* local-timestamp-* (a zone is ignored) */
	bool		fixed_decimal;	/* EO_DECIMAL in a fixed */
	int			size;			/* EO_FIXED, fixed EO_DECIMAL */
	int			precision;		/* EO_DECIMAL */
	int			scale;
	const MeshAvroType *type;
	const char *label;			/* "int", "decimal(10,2)", 'enum "x.Color"' */
	/* enum */
	int			nsymbols;
	const char **symbols;
	size_t	   *symbol_lens;
	/* array items, map values */
	ENode	   *child;
	/* union */
	int			nbranches;
	ENode	  **branches;
	int			null_branch;	/* or -1 */
	int			only_branch;	/* the one non-null branch, or -1 */
	/* record */
	int			nfields;
	EField	   *fields;
	ENode	   *next_record;	/* all record nodes, for the fill pass */
};

/* Parts of an error path kept; deeper ones show as "..." */
#define AE_PATH_MAX				80

typedef struct PathPart
{
	const char *name;			/* a field name or map key, or NULL */
	size_t		len;
	int64_t		index;			/* an array index when name is NULL */
} PathPart;

/* Writing one row. */
typedef struct AvroWriter
{
	MeshBuf    *o;
	char	   *errbuf;
	size_t		errlen;
	bool		exact;			/* a union's first pass: no rounding, no
								 * text into bytes or bytes into text */
	int			npath;
	PathPart	path[AE_PATH_MAX];	/* where in the row, for errors */
} AvroWriter;

static inline void
avro_path_push_name(AvroWriter *e, const char *name, size_t len)
{
	if (e->npath < AE_PATH_MAX)
	{
		e->path[e->npath].name = name;
		e->path[e->npath].len = len;
	}
	e->npath++;
}

/*
 * Write the value src holds into node n (depth: the nesting so far, as
 * the decoder counts it), or fail with errbuf saying why and where.  On
 * failure the caller cuts the output back; what was appended meanwhile
 * does not matter.
 */
extern bool mesh_avro_write_value(AvroWriter *e, const ENode *n,
								  const MeshSrc *src, int depth);

/* ------------------------------------------------------------------------
 * Avro binary output
 * ------------------------------------------------------------------------
 */

/* An Avro int or long: zigzag, then a varint of 7-bit groups. */
static inline void
avro_put_long(MeshBuf *o, int64_t v)
{
	uint64_t	u = ((uint64_t) v << 1) ^ (uint64_t) (v >> 63);
	char	   *p = mesh_buf_reserve(o, 10);
	char	   *start = p;

	while (u >= 0x80)
	{
		*p++ = (char) (u | 0x80);
		u >>= 7;
	}
	*p++ = (char) u;
	o->len += p - start;
}

/* bytes and string: a length, then the bytes */
static inline void
avro_put_bytes(MeshBuf *o, const char *d, size_t n)
{
	avro_put_long(o, (int64_t) n);
	mesh_buf_add(o, d, n);
}

/* IEEE 754 little-endian, as Avro writes floats and doubles */
static inline void
avro_put_little_endian(MeshBuf *o, const void *value, size_t size)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	unsigned char bytes[8];
	size_t		i;

	for (i = 0; i < size; i++)
		bytes[i] = ((const unsigned char *) value)[size - 1 - i];
	mesh_buf_add(o, bytes, size);
#else
	mesh_buf_add(o, value, size);
#endif
}

static inline void
avro_put_float(MeshBuf *o, float f)
{
	avro_put_little_endian(o, &f, sizeof(f));
}

static inline void
avro_put_double(MeshBuf *o, double d)
{
	avro_put_little_endian(o, &d, sizeof(d));
}

/* A small non-negative int (a union index) as its one-byte varint. */
static inline char
avro_index_byte(int i)
{
	return (char) (i * 2);
}

#endif							/* MESH_CORE_AVRO_WRITE_H */
