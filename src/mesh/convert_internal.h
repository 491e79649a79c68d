/*-------------------------------------------------------------------------
 *
 * mesh/convert_internal.h
 *		  What convert.c (values into column types) and convert_values.c
 *		  (the checked parsers and builders of PostgreSQL values) share.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_CONVERT_INTERNAL_H
#define MESH_MESH_CONVERT_INTERNAL_H

#include "lib/stringinfo.h"
#include "mesh/convert.h"
#include "pg_compat.h"
#include "utils/timestamp.h"

/* Error texts quote at most this many bytes of the offending value. */
#define CLIP_BYTES 64
#define CLIP_BUFSIZE (CLIP_BYTES * 4 + 16)

/* The JSON parser's error texts quote keys: keep them short. */
#define JSON_ERROR_SIZE 100

/* numeric.c's storage limits (not exported): 14-bit dscale, int16 weight */
#define NUMERIC_DSCALE_LIMIT 0x3FFF
#define NUMERIC_NBASE_DIGITS 4

/* jsonb's limit on a container's size (JENTRY_OFFLENMASK, not exported) */
#define JSONB_SIZE_LIMIT 0x0FFFFFFF

/* Avro counts from the Unix epoch, PostgreSQL from 2000-01-01. */
#define EPOCH_DIFF_DAYS ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE))
#define EPOCH_DIFF_USECS (EPOCH_DIFF_DAYS * USECS_PER_DAY)

/*
 * An Avro unscaled decimal longer than this cannot fit numeric whatever
 * its scale (131072 digits before the point and 16383 after take about
 * 61,230 bytes); refusing it early bounds the quadratic base conversion.
 */
#define DECIMAL_MAX_BYTES 61440

/* A growing list of array elements. */
typedef struct ArrayBuild
{
	Datum	   *values;
	bool	   *nulls;
	int			n;
	int			cap;
} ArrayBuild;

extern bool cv_check_text(const char *s, size_t len, char *errbuf, size_t errlen);
extern const char * cv_clip(const char *s, size_t len, char *out);
extern const char * cv_clips(const char *s, char *out);
extern void cv_element_type(const MeshColumnType *ct, MeshColumnType *elem);
extern bool cv_fail(char *errbuf, size_t errlen, const char *fmt,...) pg_attribute_printf(3, 4);
extern bool cv_syntax_error(const char *typname, const char *str, char *errbuf, size_t errlen);
extern bool cv_out_of_range(const char *typname, const char *str, char *errbuf, size_t errlen);
extern bool cv_text_to_datum(const char *str, size_t len, const MeshColumnType *ct, Datum *out, char *errbuf, size_t errlen);
extern void cv_array_build_add(ArrayBuild *ab, Datum value, bool isnull);
extern bool cv_array_datum(Datum *values, bool *nulls, int n, const MeshColumnType *ct, Datum *out, char *errbuf, size_t errlen);
extern bool cv_array_from_literal(const char *str, const MeshColumnType *ct, Datum *out, char *errbuf, size_t errlen);
extern bool cv_bytea_datum(const char *str, size_t len, Datum *out, char *errbuf, size_t errlen);
extern bool cv_date_datum(const char *str, Datum *out, char *errbuf, size_t errlen);
extern bool cv_float4_from_double(double d, float *f, char *errbuf, size_t errlen);
extern Datum cv_int_datum(Oid typid, int64 v);
extern int64 cv_int_type_min(Oid typid);
extern const char * cv_int_type_name(Oid typid);
extern bool cv_int_value_datum(int64 v, Oid typid, Datum *out, char *errbuf, size_t errlen);
extern bool cv_integral_number(const char *num, int64 min, const char *typname, int64 *result, char *errbuf, size_t errlen);
extern bool cv_json_datum_from_text(const char *text, const MeshJson *tree, bool jsonb, Datum *out, char *errbuf, size_t errlen);
extern const char * cv_json_number_text(const MeshJson *json);
extern bool cv_json_text_datum(const char *str, size_t len, bool jsonb, Datum *out, char *errbuf, size_t errlen);
extern void cv_literal_append(StringInfo buf, const char *s, bool isnull);
extern bool cv_numeric_datum(const char *str, int32 typmod, Datum *out, char *errbuf, size_t errlen);
extern bool cv_parse_float(const char *str, bool single, double *result, char *errbuf, size_t errlen);
extern bool cv_parse_int(const char *str, int64 min, const char *typname, int64 *result, char *errbuf, size_t errlen);
extern bool cv_time_datum(const char *str, int32 typmod, Datum *out, char *errbuf, size_t errlen);
extern bool cv_timestamp_datum(const char *str, bool with_tz, int32 typmod, Datum *out, char *errbuf, size_t errlen);
extern bool cv_timestamp_typmod(Timestamp *ts, int32 typmod, char *errbuf, size_t errlen);
extern bool cv_uuid_datum(const char *source, Datum *out, char *errbuf, size_t errlen);

#endif							/* MESH_MESH_CONVERT_INTERNAL_H */
