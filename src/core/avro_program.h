/*-------------------------------------------------------------------------
 *
 * core/avro_program.h
 *		  The decoder's program: what avro_compile.c makes of a writer
 *		  schema and a target, and avro_decode.c runs over each message
 *
 * Internal to the decoder (the two files above); callers see
 * MeshAvroProgram as an opaque type (core/avro_decode.h).
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_AVRO_PROGRAM_H
#define MESH_CORE_AVRO_PROGRAM_H

#include "core/avro_decode.h"

/*
 * Items that take no bytes (null, fixed(0), records of those) a message may
 * hold in all its arrays together: enough for any sane use, and a bound on
 * the work a short message can cause.
 */
#define AD_ZERO_ITEMS_BASE		4096
#define AD_ZERO_ITEMS_PER_BYTE	8

/* JSON text per message: jsonb cannot hold more than this anyway. */
#define AD_JSON_LIMIT			((size_t) 0x0FFFFFFF)

/*
 * Nesting of compile_node calls: bounds the stack used by compiling a
 * hostile schema (say, a chain of thousands of records each holding the
 * previous one).  Data can nest only MESH_AVRO_MAX_DEPTH deep anyway.
 */
#define AD_MAX_COMPILE_DEPTH	1000

/* What a node reads: the writer's encoding. */
typedef enum DOp
{
	OP_NULL,
	OP_BOOLEAN,
	OP_INT,
	OP_LONG,
	OP_FLOAT,
	OP_DOUBLE,
	OP_BYTES,
	OP_STRING,
	OP_FIXED,
	OP_ENUM,
	OP_ARRAY,
	OP_MAP,
	OP_RECORD,
	OP_UNION,
	OP_FAIL						/* a value the reader cannot take */
} DOp;

/* What a node makes of it. */
typedef enum DMode
{
	MODE_SKIP,					/* validate only */
	MODE_SCALAR,				/* a MeshAvroValue */
	MODE_ITEMS,					/* an array as items[] */
	MODE_JSON					/* JSON text */
} DMode;

/* Unit conversions between time logical types of the writer and reader. */
typedef enum DConv
{
	CONV_NONE,
	CONV_TIMES_1000,			/* millis -> micros */
	CONV_DIV_1000				/* micros -> millis, rounding down */
} DConv;

typedef struct DNode DNode;

/* A writer field of a record node. */
typedef struct DField
{
	DNode	   *node;
	int			out;			/* reader field index, or -1: skipped */
	const char *prefix;			/* in-order JSON: text before the value */
	size_t		prefix_len;
} DField;

struct DNode
{
	uint8_t		op;				/* DOp */
	uint8_t		mode;			/* DMode */
	uint8_t		conv;			/* DConv */
	bool		utf8;			/* string returned or rendered: validate */
	bool		in_order;		/* record: reader fields in writer order */
	bool		in_progress;	/* record: being compiled */
	int			size;			/* fixed */
	size_t		min_size;		/* fewest bytes an encoding takes */
	size_t		item_min;		/* array, map: fewest bytes per item */
	MeshAvroValue tmpl;			/* what a decoded value starts as */
	const char *what;			/* for errors: 'field "x"' */
	/* enum */
	int			nsymbols;		/* the writer's */
	int		   *enum_map;		/* writer index -> reader index, or -1 */
	const char **symbols;		/* the reader's */
	size_t	   *symbol_lens;
	/* array items, map values */
	DNode	   *child;
	/* union: one node per writer branch */
	int			nbranches;
	DNode	  **branches;
	/* record */
	int			nfields;		/* the writer's */
	DField	   *fields;
	int			nout;			/* the reader's */
	const char **keys;			/* '"name":' of each reader field */
	size_t	   *key_lens;
	const char **defaults;		/* JSON of reader fields the writer lacks */
	size_t	   *default_lens;
	const char *suffix;			/* in-order JSON: text after the values */
	size_t		suffix_len;
	/* OP_FAIL */
	const char *failmsg;
};

/* How the top-level loop handles one writer field. */
typedef enum DFast
{
	F_SKIP,						/* generic skip */
	F_SCALAR,					/* generic scalar */
	F_ITEMS,
	F_JSON,
	F_INT,
	F_LONG,
	F_TIMESTAMP,				/* long with a timestamp logical type */
	F_FLOAT,
	F_DOUBLE,
	F_STRING,					/* validated string */
	F_SKIP_INT,
	F_SKIP_LONG,
	F_SKIP_N,					/* float, double, fixed: n bytes */
	F_SKIP_LEN					/* string, bytes */
} DFast;

typedef struct DStep
{
	uint8_t		fast;			/* DFast */
	bool		reread;			/* same writer field as the previous step */
	int			slot;			/* or -1 */
	int			vslot;			/* slot, or 0 where there is none */
	size_t		n;				/* F_SKIP_N */
	const DNode *node;
} DStep;

/* A JSON segment of a record rendered out of order, or a map entry. */
typedef struct DSeg
{
	size_t		start;			/* in the JSON buffer */
	size_t		end;
	const uint8_t *key;			/* map: the key, in the message */
	size_t		key_len;
	bool		dead;			/* map: a later entry has the same key */
} DSeg;

/* Where a slot's decoded value points once decoding is done. */
#define FIXUP_NONE	0
#define FIXUP_JSON	1			/* data: into the JSON text */
#define FIXUP_ITEMS 2			/* items: into the items area */

struct MeshAvroProgram
{
	int			nslots;
	int			nsteps;
	DStep	   *steps;
	MeshAvroValue *templates;	/* values[] before decoding */
	uint8_t    *fixup;			/* FIXUP_*: slot decoded into a scratch area */
	size_t	   *slot_off;		/* where, in its scratch area */
	int		   *fixups;			/* the slots with a fixup */
	int			nfixups;

	/* scratch areas, reused by every decode */
	MeshBuf		json;
	MeshAvroValue *items;
	size_t		items_cap;
	size_t		nitems;
	DSeg	   *segs;
	size_t		segs_cap;
	uint32_t   *order;			/* map key sort */
	size_t		order_cap;
};

#endif							/* MESH_CORE_AVRO_PROGRAM_H */
