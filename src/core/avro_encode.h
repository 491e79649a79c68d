/*-------------------------------------------------------------------------
 *
 * core/avro_encode.h
 *		  Avro binary encoding of rows
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_AVRO_ENCODE_H
#define MESH_CORE_AVRO_ENCODE_H

#include "core/avro_decode.h"

/*
 * The mirror of avro_decode.c for INSERT and create_data_product: a
 * record schema is compiled against source slots (one per column that
 * provides a field, matched by name); fields no slot provides take their
 * default, or null when nullable, else the compile fails naming the field.
 * Values come as MeshAvroValue in the caller's terms (see the header of
 * avro_encode.c for what each Avro type accepts: integers, reals, text
 * for strings, enums, uuids and decimals, microseconds for timestamps and
 * times, days for dates, items for arrays, JSON text for anything) and are
 * checked against the field: a NULL for a non-nullable field, a value out
 * of range, a decimal with more digits than its precision, an unknown enum
 * symbol make mesh_avro_encode fail with the field's name, appending
 * nothing.  Timestamps and times are truncated to the field's precision.
 */
typedef struct MeshAvroEncoder MeshAvroEncoder;

/*
 * A MeshAvroValue of this kind (or AVRO_MAP, AVRO_UNION) holds JSON text in
 * data/len, for a field of any type; so does every value of a slot whose
 * shape is MESH_SHAPE_JSON.
 */
#define MESH_AVRO_JSON AVRO_RECORD

extern MeshAvroEncoder *mesh_avro_encoder_create(const MeshAvroType *schema,
												 const MeshAvroTarget *source,
												 char *errbuf, size_t errlen);
extern bool mesh_avro_encode(MeshAvroEncoder *encoder,
							 const MeshAvroValue *values, MeshBuf *out,
							 char *errbuf, size_t errlen);

#endif							/* MESH_CORE_AVRO_ENCODE_H */
