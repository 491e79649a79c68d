/*-------------------------------------------------------------------------
 *
 * core/debezium.h
 *		  Debezium change events: the encodings of the `after` record's
 *		  fields (from an Avro writer schema or Kafka Connect's embedded
 *		  JSON schema) and their values as PostgreSQL input text
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_DEBEZIUM_H
#define MESH_CORE_DEBEZIUM_H

#include "core/core.h"
#include "core/json.h"

/* How Debezium (or Kafka Connect) encoded a field's value. */
typedef enum MeshDbzEncoding
{
	MESH_DBZ_NONE,				/* as it is */
	MESH_DBZ_DATE,				/* int: days since 1970-01-01 */
	MESH_DBZ_TIME_MS,			/* int: ms since midnight */
	MESH_DBZ_TIME_US,			/* long: µs since midnight */
	MESH_DBZ_TIME_NS,			/* long: ns since midnight */
	MESH_DBZ_TIMESTAMP_MS,		/* long: ms since 1970 (local: no zone) */
	MESH_DBZ_INSTANT_MS,		/* long: ms since 1970 UTC (Connect's Timestamp) */
	MESH_DBZ_TIMESTAMP_US,
	MESH_DBZ_TIMESTAMP_NS,
	MESH_DBZ_ZONED_TIMESTAMP,	/* string: ISO 8601 with zone (as is) */
	MESH_DBZ_ZONED_TIME,		/* string: a time with zone (as is) */
	MESH_DBZ_DECIMAL,			/* bytes: unscaled two's complement; scale */
	MESH_DBZ_VARIABLE_DECIMAL	/* struct {scale int, value bytes} */
} MeshDbzEncoding;

typedef struct MeshDbzField
{
	const char *name;
	MeshDbzEncoding encoding;
	int			scale;			/* MESH_DBZ_DECIMAL */
} MeshDbzField;

/* The encoded fields of a change event's `after` record. */
typedef struct MeshDbzFields
{
	int			nfields;
	MeshDbzField *fields;
} MeshDbzFields;

/* The encoding a Connect schema name (connect.name, "name") stands for. */
extern MeshDbzEncoding mesh_dbz_encoding(const char *semantic_name);

/*
 * The encoded fields of `after` in an envelope's schema: an Avro writer
 * schema (avro true) or Kafka Connect's JSON schema ("type": "struct").
 * False, with errbuf, when the schema is not that of a change event.
 */
extern bool mesh_dbz_fields(const MeshJson *schema, bool avro, MeshDbzFields *out,
							char *errbuf, size_t errlen);

/*
 * The PostgreSQL type a field so encoded reads as ("date", "numeric",
 * ...), or NULL for MESH_DBZ_NONE.
 */
extern const char *mesh_dbz_pg_type(MeshDbzEncoding encoding);

/* The field called name, or NULL (not encoded). */
extern const MeshDbzField *mesh_dbz_field(const MeshDbzFields *fields, const char *name);

/*
 * Append value (a field of `after` or `before`) encoded as field says, as
 * text a PostgreSQL input function reads: dates 'YYYY-MM-DD', times
 * 'HH:MM:SS.ffffff', timestamps with '+00' (a timestamp column ignores
 * it), decimals exactly.  Returns 1 when it appended text, 0 when the
 * value is bad (errbuf says why), -1 when the value is to be read as it
 * is (a string that is already text, an unencoded field).
 */
extern int	mesh_dbz_value_text(const MeshJson *value, const MeshDbzField *field,
								MeshBuf *out, char *errbuf, size_t errlen);

#endif							/* MESH_CORE_DEBEZIUM_H */
