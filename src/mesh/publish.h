/*-------------------------------------------------------------------------
 *
 * mesh/publish.h
 *		  Publishing data products: the checks shared by publish and derive
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_PUBLISH_H
#define MESH_MESH_PUBLISH_H

#include "kafka/client.h"
#include "mesh/product.h"

extern void mesh_require_name(const char *what, const char *value);
extern void mesh_check_product_fields(const MeshProduct *p);
extern void mesh_check_choice(const char *what, const char *value,
							  const char *const *allowed);
extern MeshAvroType *mesh_validate_schema(const char *qualified_name,
										  const char *definition);
extern char *mesh_utc_now_iso8601(void);
extern char *mesh_current_publisher(void);

#endif							/* MESH_MESH_PUBLISH_H */
