/*-------------------------------------------------------------------------
 *
 * avro_c_check.c
 *		  The one place mesh_fdw calls avro-c (the Apache Avro C library):
 *		  a second opinion on schemas that users publish, so that a schema
 *		  another Avro implementation cannot read is refused too.
 *
 * avro-c is not used to decode: Debian 12's 1.11 knows no logical types,
 * drops field defaults in resolution and allocates whatever a corrupt
 * message declares (see src/core/avro_decode.c).  This file includes no
 * header of the portable core because avro-c's type enum (AVRO_INT, ...)
 * clashes with the core's; its one function is declared in
 * avro_c_check.h.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/avro_c_check.h"

#include <avro.h>

/*
 * Does avro-c accept this schema?  If not, errbuf says why.
 */
bool
mesh_avro_c_check(const char *json, size_t len, char *errbuf, size_t errlen)
{
	avro_schema_t schema;

	if (avro_schema_from_json_length(json, len, &schema) != 0)
	{
		strlcpy(errbuf, avro_strerror(), errlen);
		return false;
	}
	avro_schema_decref(schema);
	return true;
}
