/*-------------------------------------------------------------------------
 *
 * mesh/convert.h
 *		  Checked conversions of decoded values to column types
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_CONVERT_H
#define MESH_MESH_CONVERT_H

#include "core/avro_decode.h"
#include "core/json.h"
#include "fmgr.h"

/*
 * PostgreSQL 15 has no soft input errors, and a message that does not fit
 * its columns must be able to be skipped (on_error 'skip' or 'null')
 * without an ERROR.  So values are converted by mesh_fdw's own checked
 * code for the built-in types below; each conversion either fills *out or
 * returns false with the reason in errbuf, and never throws (but for an
 * out-of-memory ERROR).  For other column types, conversions go through
 * the type's input function and may throw; such columns are refused for
 * on_error 'skip' and 'null' when the table is created.
 *
 * Checked types: boolean, smallint, integer, bigint, real, double
 * precision, numeric (with its typmod), text, varchar(n), bpchar(n), date,
 * time, timestamp, timestamptz, uuid, bytea, jsonb, json, and
 * one-dimensional arrays of boolean, smallint, integer, bigint, real,
 * double precision, numeric, text, varchar.
 */
typedef struct MeshColumnType
{
	Oid			typid;
	int32		typmod;
	bool		checked;		/* has a checked conversion */
	/* arrays: the element type */
	Oid			elemtype;
	int16		elemlen;
	bool		elembyval;
	char		elemalign;
	int32		elemtypmod;
	/* the input function, for unchecked types (may throw) */
	FmgrInfo	input;
	Oid			ioparam;
} MeshColumnType;

extern void mesh_column_type_init(MeshColumnType *ct, Oid typid, int32 typmod);
extern bool mesh_type_is_checked(Oid typid);
/*
 * The shape the decoder must produce for a column (MeshAvroSlot.shape):
 * MESH_SHAPE_JSON for json and jsonb (and domains over them),
 * MESH_SHAPE_ARRAY for array types, MESH_SHAPE_SCALAR otherwise.
 * mesh_convert_avro reads values in that shape: for json and jsonb,
 * value->data is JSON text whatever value->kind says.
 */
extern MeshAvroShape mesh_column_avro_shape(const MeshColumnType *ct);

/* An Avro value (after resolution) into the column type. */
extern bool mesh_convert_avro(const MeshAvroValue *value, const MeshColumnType *ct,
							  Datum *out, bool *isnull,
							  char *errbuf, size_t errlen);
/*
 * Text into the column type, by the type's input rules (the JSON and text
 * formats, text keys, header values).  utf8 need not be NUL-terminated.
 */
extern bool mesh_convert_text(const char *utf8, size_t len,
							  const MeshColumnType *ct, Datum *out,
							  char *errbuf, size_t errlen);
/* A JSON value (a field of a JSON message) into the column type. */
extern bool mesh_convert_json(const MeshJson *json, const MeshColumnType *ct,
							  Datum *out, bool *isnull,
							  char *errbuf, size_t errlen);
/* Bytes into bytea (never fails but for size limits). */
extern bool mesh_convert_bytes(const char *data, size_t len, Datum *out,
							   char *errbuf, size_t errlen);


#endif							/* MESH_MESH_CONVERT_H */
