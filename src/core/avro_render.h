/*-------------------------------------------------------------------------
 *
 * core/avro_render.h
 *		  Decoded Avro values and field defaults as to_jsonb()-style JSON
 *		  text
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_AVRO_RENDER_H
#define MESH_CORE_AVRO_RENDER_H

#include "core/avro_decode.h"

/*
 * An empty value of type t, present: its kind, logical type, precision
 * and scale, nothing else.
 */
extern void mesh_avro_value_init(MeshAvroValue *v, const MeshAvroType *t);

/*
 * Whether a scalar fits the PostgreSQL type its logical type maps to (a
 * date, time or timestamp within range, a valid uuid): NULL if it does,
 * else why not (in why).
 */
extern const char *mesh_avro_check_value(const MeshAvroValue *value,
										 char *why, size_t whylen);

/*
 * Append a scalar value (null, boolean, number, string, bytes, fixed,
 * enum, with its logical type) as JSON.  The value passed
 * mesh_avro_check_value already.  NULL on success, else why not (a
 * decimal with too many digits, a uuid that is not one, not a scalar).
 */
extern const char *mesh_avro_render_scalar(MeshBuf *o,
										   const MeshAvroValue *value,
										   char *why, size_t whylen);

/*
 * Append a field default (JSON in the Avro specification's encoding, for
 * type) as the decoder would render a value of type.  False, with why,
 * when it does not match its type or nests too deep.
 */
extern bool mesh_avro_render_default(MeshBuf *o, const MeshAvroType *type,
									 const MeshJson *json,
									 char *why, size_t whylen);

#endif							/* MESH_CORE_AVRO_RENDER_H */
