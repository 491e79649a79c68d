/*-------------------------------------------------------------------------
 *
 * mesh/publish.h
 *		  Publishing data products: the checks shared by publish and derive
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_PUBLISH_H
#define MESH_MESH_PUBLISH_H

#include "fmgr.h"
#include "foreign/foreign.h"
#include "kafka/client.h"
#include "mesh/catalog.h"
#include "mesh/ownership.h"
#include "mesh/product.h"

extern char *mesh_text_arg(FunctionCallInfo fcinfo, int n);
extern List *mesh_text_array_arg(FunctionCallInfo fcinfo, int n);
extern char *mesh_product_name_args(FunctionCallInfo fcinfo, char **domain,
									char **name);
extern MeshCatalog *mesh_catalog_for_arg(FunctionCallInfo fcinfo, int n,
										 const char *domain,
										 const char *qualified_name,
										 MeshDomainAction action,
										 ForeignServer **server,
										 MeshConnection **conn);
extern void mesh_require_name(const char *what, const char *value);
extern void mesh_check_product_fields(const MeshProduct *p);
extern void mesh_check_choice(const char *what, const char *value,
							  const char *const *allowed);
extern MeshAvroType *mesh_validate_schema(const char *qualified_name,
										  const char *definition);
extern char *mesh_utc_now_iso8601(void);
extern char *mesh_current_publisher(void);

#endif							/* MESH_MESH_PUBLISH_H */
