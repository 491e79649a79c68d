/*-------------------------------------------------------------------------
 *
 * mesh/ownership.h
 *		  Domain ownership: who may change a domain's products
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_MESH_OWNERSHIP_H
#define MESH_MESH_OWNERSHIP_H

/* What a caller is about to do to a product of a domain */
typedef enum MeshDomainAction
{
	MESH_DOMAIN_PUBLISH,		/* publish or republish: claims an unowned
								 * domain */
	MESH_DOMAIN_DERIVE,			/* create_data_product: claims too */
	MESH_DOMAIN_UNPUBLISH		/* claims nothing */
} MeshDomainAction;

/*
 * ERROR (ERRCODE_INSUFFICIENT_PRIVILEGE) unless the current user may do
 * action to product qualified_name of domain on server servername: it is a
 * superuser or has the privileges of the domain's owning role.  A publish
 * or derive into a domain without an owner makes the current user its
 * owner, in the current transaction.  Call before anything is written to
 * Kafka.
 */
extern void mesh_check_domain_owner(const char *servername, const char *domain,
									const char *qualified_name,
									MeshDomainAction action,
									bool domain_has_products);

#endif							/* MESH_MESH_OWNERSHIP_H */
