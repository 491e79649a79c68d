/*-------------------------------------------------------------------------
 *
 * core/protobuf.h
 *		  Protobuf schemas (.proto text or a serialized FileDescriptorProto)
 *		  and a bounds-checked decoder of Protobuf messages into slots
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_PROTOBUF_H
#define MESH_CORE_PROTOBUF_H

#include "core/core.h"
#include "core/avro_decode.h"

/* Field types, numbered as FieldDescriptorProto.Type numbers them. */
typedef enum MeshPbType
{
	PB_DOUBLE = 1, PB_FLOAT = 2, PB_INT64 = 3, PB_UINT64 = 4, PB_INT32 = 5,
	PB_FIXED64 = 6, PB_FIXED32 = 7, PB_BOOL = 8, PB_STRING = 9, PB_GROUP = 10,
	PB_MESSAGE = 11, PB_BYTES = 12, PB_UINT32 = 13, PB_ENUM = 14,
	PB_SFIXED32 = 15, PB_SFIXED64 = 16, PB_SINT32 = 17, PB_SINT64 = 18
} MeshPbType;

/* The well-known types built in (google/protobuf/...proto). */
typedef enum MeshPbWellKnown
{
	PB_WKT_NONE,
	PB_WKT_TIMESTAMP,
	PB_WKT_DURATION,
	PB_WKT_WRAPPER				/* *Value: field 1 of wrapped_type */
} MeshPbWellKnown;

/*
 * A field's [packed = ...] option.  Without one the parser sets it by the
 * syntax of the file that defines the field (proto3: packed; proto2: not),
 * which for an imported message need not be the schema's own.
 */
typedef enum MeshPbPacked
{
	PB_PACKED_DEFAULT,			/* not given: as the schema's syntax says */
	PB_PACKED_FALSE,
	PB_PACKED_TRUE
} MeshPbPacked;

typedef struct MeshPbField
{
	const char *name;
	int32_t		number;
	MeshPbType	type;
	bool		repeated;
	bool		presence;		/* optional, proto2 singular, oneof member */
	int			oneof;			/* index of its oneof in the message, or -1 */
	const char *type_name;		/* message or enum, as written */
	int			message;		/* PB_MESSAGE, PB_GROUP: index in file->messages */
	int			enumeration;	/* PB_ENUM: index in file->enums */
	MeshPbWellKnown wkt;		/* PB_MESSAGE of a well-known type */
	MeshPbType	wrapped_type;	/* PB_WKT_WRAPPER */
	MeshPbPacked packed;		/* repeated scalars: how a writer writes them */
	bool		required;		/* proto2 required: a writer must give it */
} MeshPbField;

typedef struct MeshPbMessage
{
	const char *fullname;		/* package.Outer.Name */
	MeshPbField *fields;		/* in declaration order */
	int			nfields;
	int		   *by_number;		/* field indexes, sorted by number */
	int		   *nested;			/* nested message indexes, declared order */
	int			nnested;
	bool		map_entry;
	const char **oneofs;		/* oneof names, by MeshPbField.oneof */
	int			noneofs;
} MeshPbMessage;

typedef struct MeshPbEnum
{
	const char *fullname;
	int			nvalues;
	const char **names;
	int32_t    *numbers;
} MeshPbEnum;

typedef struct MeshPbFile
{
	const char *package;		/* "" when none */
	bool		proto3;
	MeshPbMessage *messages;	/* all, nested included */
	int			nmessages;
	int		   *top;			/* top-level messages, declared order */
	int			ntop;
	MeshPbEnum *enums;
	int			nenums;
} MeshPbFile;

/* Limits against hostile input. */
#define MESH_PB_MAX_DEPTH 64
#define MESH_PB_MAX_INDEXES 64

/* A varint at *p (at most 10 bytes, before end); advances *p. */
static inline bool
mesh_pb_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t	x = 0;

	for (int shift = 0; shift < 70; shift += 7)
	{
		if (*p >= end)
			return false;
		x |= (uint64_t) (**p & 0x7F) << shift;
		if ((*(*p)++ & 0x80) == 0)
		{
			*v = x;
			return true;
		}
	}
	return false;
}

/* The wire type a field of type t is written with (repeated scalars may also be packed, 2). */
static inline int
mesh_pb_wire_type(MeshPbType t)
{
	switch (t)
	{
		case PB_DOUBLE:
		case PB_FIXED64:
		case PB_SFIXED64:
			return 1;
		case PB_FLOAT:
		case PB_FIXED32:
		case PB_SFIXED32:
			return 5;
		case PB_STRING:
		case PB_BYTES:
		case PB_MESSAGE:
			return 2;
		case PB_GROUP:
			return 3;
		default:
			return 0;
	}
}

/*
 * Parse a schema as the registry holds it: .proto text (proto2 or proto3),
 * or the base64 of a serialized FileDescriptorProto.  NULL, with errbuf
 * saying what and where, when it is not one or names a type it lacks.
 */
extern MeshPbFile *mesh_pb_parse(const char *text, size_t len,
								 char *errbuf, size_t errlen);

/*
 * A file a schema imports, as the registry's references resolve it: the
 * name its import statement (or descriptor dependency) gives, and its
 * schema, text or base64 like the schema's.
 */
typedef struct MeshPbImport
{
	const char *name;
	const char *text;
	size_t		len;
} MeshPbImport;

#define MESH_PB_MAX_IMPORT_DEPTH 32

/*
 * The same with the files its imports name, imported ones' imports too
 * (all in one array: import names are file paths, unique in a schema's
 * closure).  The imported files' types resolve by their full names and
 * scoping; only the schema's own messages are in top (message indexes
 * count those).  An import missing from imports is an error, but for the
 * well-known types' files; a cycle is too.
 */
extern MeshPbFile *mesh_pb_parse_imports(const char *text, size_t len,
										 const MeshPbImport *imports, int nimports,
										 char *errbuf, size_t errlen);
/* Message number message of the file; NULL, with errbuf saying so, when there is none. */
extern const MeshPbMessage *mesh_pb_message_at(const MeshPbFile *file, int message,
											   char *errbuf, size_t errlen);
/* The message of this full name (with or without the package), or -1. */
extern int	mesh_pb_message_by_name(const MeshPbFile *file, const char *name);
/* The message a framing's index list names, or -1. */
extern int	mesh_pb_message_by_indexes(const MeshPbFile *file,
									   const int32_t *indexes, int nindexes);
/* The index list of a message (the inverse), into indexes[MESH_PB_MAX_INDEXES]. */
extern int	mesh_pb_message_indexes(const MeshPbFile *file, int message,
									int32_t *indexes);
extern const MeshPbField *mesh_pb_field_by_number(const MeshPbFile *file,
												  const MeshPbMessage *msg,
												  int32_t number);

/* A field's type as a .proto declares it: "repeated int32", "map<string, Item>"... */
extern void mesh_pb_describe_type(const MeshPbFile *file, const MeshPbField *field,
								  char *buf, size_t len);

/*
 * Whether a new schema reads the data an old one wrote, by Confluent's
 * BACKWARD rules for Protobuf (core/protobuf_compat.c): the number of
 * incompatibilities, described in errbuf ("; " between them).
 */
extern int	mesh_pb_check_backward(const MeshPbFile *new, const MeshPbFile *old,
								   char *errbuf, size_t errlen);

/*
 * After Confluent's magic byte and schema id: the message-index list
 * (zigzag varints, count first; a single 0 means [0]).  Sets *header to
 * the bytes it took.
 */
extern bool mesh_pb_read_indexes(const uint8_t *data, size_t len,
								 int32_t *indexes, int *nindexes,
								 size_t *header, char *errbuf, size_t errlen);

/*
 * A program reads one message type into a target's slots: each slot is
 * the top-level field of that name (a oneof member is one), in the shape
 * the slot asks for.  Values as mesh_avro_decode gives them (kinds and
 * logical types of Avro, which mesh_convert_avro converts): int32, sint32,
 * sfixed32 as AVRO_INT; int64, sint64, sfixed64, uint32, fixed32 as
 * AVRO_LONG; uint64 and fixed64 as a decimal(20,0); Timestamp as
 * timestamp-micros; Duration as interval text; enums as their names;
 * messages and maps as JSON text; repeated scalars as arrays.  Fields
 * without presence that are absent read as their zero values.
 */
typedef struct MeshPbProgram MeshPbProgram;

extern MeshPbProgram *mesh_pb_compile(const MeshPbFile *file, int message,
									  const MeshAvroTarget *target,
									  char *errbuf, size_t errlen);
/*
 * Decode one message (no framing) into values[] (target->nslots).  False,
 * with errbuf saying why, when the bytes are not a message of that type:
 * truncated, a varint longer than 10 bytes, a length beyond the data, a
 * known field with the wrong wire type, a group where a field is known,
 * invalid UTF-8 in a string, nesting beyond MESH_PB_MAX_DEPTH.  Unknown
 * fields are skipped (unknown groups too).  Values point into the message,
 * the schema and the program's buffers until the next decode.
 */
extern bool mesh_pb_decode(MeshPbProgram *program, const uint8_t *data,
						   size_t len, MeshAvroValue *values,
						   char *errbuf, size_t errlen);
extern void mesh_pb_program_free(MeshPbProgram *program);

/*
 * The encoder, the mirror of the decoder for INSERT: source slots (one per
 * column that provides a field, matched by the field's name) in, one
 * message's wire format out (no framing: mesh_pb_put_indexes writes the
 * message-index list of Confluent's framing).  Values come as MeshAvroValue
 * in the terms of the decoder's output and of core/avro_encode.h (integers,
 * reals, text, bytes, items, JSON text for messages and maps); what each
 * field type accepts is in protobuf_encode.c's header.  Fields are written
 * in field-number order, zero values of fields without presence left out,
 * map entries sorted by key: the bytes protoc's deterministic serializers
 * write.
 */
typedef struct MeshPbEncoder MeshPbEncoder;

/* Why a row cannot be encoded (each its own SQLSTATE in the server). */
typedef enum MeshPbFault
{
	PB_FAULT_NONE,
	PB_FAULT_NULL,				/* NULL for a field without presence */
	PB_FAULT_RANGE,				/* a number out of the field's range */
	PB_FAULT_ENUM,				/* a name the enum lacks (hint: its names) */
	PB_FAULT_ONEOF,				/* two members of one oneof */
	PB_FAULT_VALUE				/* a value of a kind the field takes not */
} MeshPbFault;

typedef struct MeshPbEncodeError
{
	MeshPbFault fault;
	int			slot;			/* the slot being written, or -1 */
	int			other_slot;		/* PB_FAULT_ONEOF at the top: the other member's */
	char		detail[512];	/* what and where: 'Field "line.qty": ...' */
	char		hint[512];		/* or "" */
} MeshPbEncodeError;

/*
 * NULL, with errbuf saying why, when a needed slot names no field of the
 * message or two name the same one.
 */
extern MeshPbEncoder *mesh_pb_encoder_create(const MeshPbFile *file, int message,
											 const MeshAvroTarget *source,
											 char *errbuf, size_t errlen);
/*
 * Append one message of values[] (source->nslots) to out.  False, with err
 * filled and out as it was, when the row does not fit the message.
 */
extern bool mesh_pb_encode(MeshPbEncoder *encoder, const MeshAvroValue *values,
						   MeshBuf *out, MeshPbEncodeError *err);
extern void mesh_pb_encoder_free(MeshPbEncoder *encoder);
/* The message-index list as Confluent's framing writes it ([0]: one 0 byte). */
extern void mesh_pb_put_indexes(MeshBuf *out, const int32_t *indexes, int nindexes);

#endif							/* MESH_CORE_PROTOBUF_H */
