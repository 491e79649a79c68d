/*-------------------------------------------------------------------------
 *
 * ownership.c
 *		  Domain ownership (README, "Who may change the mesh"): the role
 *		  that owns each domain of each server in this database, in table
 *		  mesh.domain_owner; the one check that publish, republish,
 *		  unpublish and create_data_product make before they write to
 *		  Kafka; mesh.set_domain_owner() and mesh.drop_domain_owner().
 *
 * Only members of the owning role (has_privs_of_role, as for the owner of
 * a table) and superusers may change a domain's products.  The first role
 * to publish or derive into a domain without an owner becomes its owner,
 * in the same transaction as the publication (a ROLLBACK after a publish,
 * which Kafka keeps, leaves the domain without an owner); the domain's row
 * stays locked until that transaction ends, so that its owner cannot
 * change under a publication.  A role that no longer exists owns nothing.
 *
 * The table is read and written as its owner (the extension's), so that
 * users need no privilege on it; every query names its operators in
 * pg_catalog.  Roles cannot be checked in another database or cluster:
 * there, Kafka's ACLs on the catalog topic are the guard.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "mesh/ownership.h"

#include "kafka/client.h"
#include "mesh/catalog.h"
#include "mesh/ext_tables.h"
#include "mesh/publish.h"
#include "mesh/servers.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "foreign/foreign.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

static bool
role_exists(Oid role)
{
	return OidIsValid(role) && SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(role));
}

/*
 * Run sql on mesh.domain_owner (inside mesh_as_table_owner_begin/end) with
 * $1 the server, $2 the domain and, when role is valid, $3 the role; an
 * ERROR unless SPI answers expect.  Returns the first column of the first
 * row as an OID (InvalidOid without one); *found whether there was a row.
 */
static Oid
owner_query(const char *sql, int expect, const char *servername,
			const char *domain, Oid role, bool *found)
{
	Oid			argtypes[3] = {TEXTOID, TEXTOID, OIDOID};
	Datum		args[3] = {CStringGetTextDatum(servername), CStringGetTextDatum(domain),
	ObjectIdGetDatum(role)};
	bool		isnull;
	int			rc;

	rc = SPI_execute_with_args(sql, OidIsValid(role) ? 3 : 2, argtypes, args,
							   NULL, false, 0);
	if (rc != expect)
		elog(ERROR, "query on mesh.domain_owner for domain \"%s\" failed: %s",
			 domain, SPI_result_code_string(rc));
	*found = SPI_processed > 0;
	if (!*found || SPI_tuptable == NULL)
		return InvalidOid;
	return DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
										  SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * The domain's owner: InvalidOid when it has none or its role is gone;
 * *has_row says whether the table has a row.  lock: FOR UPDATE, until the
 * transaction ends.
 */
static Oid
read_owner(const char *servername, const char *domain, bool lock, bool *has_row)
{
	Oid			owner;

	owner = owner_query(lock ?
						"SELECT o.owner::pg_catalog.oid FROM mesh.domain_owner o"
						" WHERE o.server OPERATOR(pg_catalog.=) $1"
						" AND o.domain OPERATOR(pg_catalog.=) $2 FOR UPDATE" :
						"SELECT o.owner::pg_catalog.oid FROM mesh.domain_owner o"
						" WHERE o.server OPERATOR(pg_catalog.=) $1"
						" AND o.domain OPERATOR(pg_catalog.=) $2",
						SPI_OK_SELECT, servername, domain, InvalidOid, has_row);
	return role_exists(owner) ? owner : InvalidOid;
}

/*
 * Make role the domain's owner where it has none (or its role is gone),
 * lock the row, and return the owner it has now.
 */
static Oid
claim_owner(const char *servername, const char *domain, Oid role)
{
	bool		found;
	Oid			owner;

	owner = owner_query("INSERT INTO mesh.domain_owner AS o (server, domain, owner)"
						" VALUES ($1, $2, $3::pg_catalog.regrole)"
						" ON CONFLICT (server, domain) DO UPDATE SET"
						"  owner = CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles r"
						"   WHERE r.oid OPERATOR(pg_catalog.=) o.owner::pg_catalog.oid)"
						"   THEN o.owner ELSE EXCLUDED.owner END,"
						"  since = CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles r"
						"   WHERE r.oid OPERATOR(pg_catalog.=) o.owner::pg_catalog.oid)"
						"   THEN o.since ELSE EXCLUDED.since END"
						" RETURNING o.owner::pg_catalog.oid",
						SPI_OK_INSERT_RETURNING, servername, domain, role, &found);
	if (!found)
		elog(ERROR, "could not claim domain \"%s\"", domain);
	return owner;
}

static void
write_owner(const char *servername, const char *domain, Oid role)
{
	bool		found;

	(void) owner_query("INSERT INTO mesh.domain_owner AS o (server, domain, owner)"
					   " VALUES ($1, $2, $3::pg_catalog.regrole)"
					   " ON CONFLICT (server, domain) DO UPDATE SET"
					   "  owner = EXCLUDED.owner, since = EXCLUDED.since",
					   SPI_OK_INSERT, servername, domain, role, &found);
}

static void
delete_owner(const char *servername, const char *domain)
{
	bool		found;

	(void) owner_query("DELETE FROM mesh.domain_owner o"
					   " WHERE o.server OPERATOR(pg_catalog.=) $1"
					   " AND o.domain OPERATOR(pg_catalog.=) $2",
					   SPI_OK_DELETE, servername, domain, InvalidOid, &found);
}

/* The refusal's message for action on product qualified_name. */
static const char *
refusal(MeshDomainAction action)
{
	switch (action)
	{
		case MESH_DOMAIN_PUBLISH:
			return gettext_noop("permission denied to publish data product \"%s\"");
		case MESH_DOMAIN_DERIVE:
			return gettext_noop("permission denied to create data product \"%s\"");
		case MESH_DOMAIN_UNPUBLISH:
		default:
			return gettext_noop("permission denied to unpublish data product \"%s\"");
	}
}

void
mesh_check_domain_owner(const char *servername, const char *domain,
						const char *qualified_name, MeshDomainAction action,
						bool domain_has_products)
{
	Oid			relid = mesh_extension_table("domain_owner");
	Oid			me = GetUserId();
	Oid			owner;
	bool		has_row;
	bool		standby = RecoveryInProgress();
	bool		is_superuser = superuser();	/* before becoming the table's owner */
	MeshAsTableOwner s;

	if (!OidIsValid(relid))
	{
		/* the library is newer than the extension's SQL objects */
		if (superuser())
			return;
		(void) mesh_require_extension_table("domain_owner", "1.2");
	}
	/*
	 * Ownership is claimed and locked in this transaction; a standby's checks
	 * but can claim nothing.
	 */
	if (XactReadOnly && !standby)
		PreventCommandIfReadOnly(action == MESH_DOMAIN_UNPUBLISH ?
								 "mesh.unpublish_data_product()" :
								 action == MESH_DOMAIN_DERIVE ?
								 "mesh.create_data_product()" :
								 "mesh.publish_data_product()");
	mesh_as_table_owner_begin(&s, relid);
	/* locked until the transaction ends, so that no owner change races us */
	owner = read_owner(servername, domain, !standby, &has_row);
	if (!OidIsValid(owner))
	{
		/*
		 * A domain whose products were published before it had an owner here
		 * (from another database, or before version 1.2) is not the first
		 * caller's to take: a superuser gives it its owner.
		 */
		if (domain_has_products && !is_superuser)
		{
			mesh_as_table_owner_end(&s);
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg(refusal(action), qualified_name),
					 errdetail("Domain \"%s\" of server \"%s\" has data products but no owner in this database.",
							   domain, servername),
					 errhint("A superuser can give it one: SELECT mesh.set_domain_owner('%s', '<role>', server => '%s').",
							 domain, servername)));
		}
		/* the first to publish into a domain without products owns it */
		if (action != MESH_DOMAIN_UNPUBLISH && !standby)
			owner = claim_owner(servername, domain, me);
	}
	mesh_as_table_owner_end(&s);

	if (!OidIsValid(owner) || is_superuser || has_privs_of_role(me, owner))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg(refusal(action), qualified_name),
			 errdetail("Domain \"%s\" of server \"%s\" is owned by role \"%s\"; only its members and superusers may publish, unpublish or create products in it.",
					   domain, servername, GetUserNameFromId(owner, false)),
			 errhint("A member of role \"%s\" can GRANT it to you, or a superuser can move the domain with mesh.set_domain_owner().",
					 GetUserNameFromId(owner, false))));
}

static char *
required_text(FunctionCallInfo fcinfo, int n, const char *what)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", what)));
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/*
 * mesh.set_domain_owner(domain, role, server): by a superuser, or by a
 * member of the current owner (anyone, when the domain has none) who is a
 * member of the new owner, as ALTER ... OWNER TO asks.
 */
PG_FUNCTION_INFO_V1(mesh_set_domain_owner);
Datum
mesh_set_domain_owner(PG_FUNCTION_ARGS)
{
	char	   *domain = required_text(fcinfo, 0, "domain");
	Oid			role;
	ForeignServer *server;
	Oid			relid = mesh_extension_table("domain_owner");
	Oid			me = GetUserId();
	Oid			current;
	bool		has_row;
	MeshAsTableOwner s;

	mesh_require_name("domain", domain);
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("role must not be NULL"),
				 errhint("To leave a domain without an owner, use mesh.drop_domain_owner().")));
	role = PG_GETARG_OID(1);
	if (!role_exists(role))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role with OID %u does not exist", role)));
	server = mesh_pick_server(PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2)));
	(void) mesh_require_extension_table("domain_owner", "1.2");

	mesh_as_table_owner_begin(&s, relid);
	current = read_owner(server->servername, domain, true, &has_row);
	mesh_as_table_owner_end(&s);

	if (!superuser())
	{
		/* as for the first publisher: not a domain that already has products */
		if (!OidIsValid(current) &&
			mesh_catalog_has_domain(mesh_catalog_get(mesh_connection_for(server), ERROR),
									domain))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to change the owner of domain \"%s\"", domain),
					 errdetail("Domain \"%s\" of server \"%s\" has data products but no owner in this database.",
							   domain, server->servername),
					 errhint("A superuser can give it one.")));
		if (OidIsValid(current) && !has_privs_of_role(me, current))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to change the owner of domain \"%s\"", domain),
					 errdetail("Domain \"%s\" of server \"%s\" is owned by role \"%s\"; only its members and superusers may give it another owner.",
							   domain, server->servername, GetUserNameFromId(current, false))));
		if (!is_member_of_role(me, role))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to make role \"%s\" the owner of domain \"%s\"",
							GetUserNameFromId(role, false), domain),
					 errdetail("Only superusers and members of role \"%s\" may make it the owner of a domain.",
							   GetUserNameFromId(role, false))));
	}

	mesh_as_table_owner_begin(&s, relid);
	write_owner(server->servername, domain, role);
	mesh_as_table_owner_end(&s);
	PG_RETURN_VOID();
}

/*
 * mesh.drop_domain_owner(domain, server): by a superuser or a member of
 * the owner; the next role to publish into the domain owns it.
 */
PG_FUNCTION_INFO_V1(mesh_drop_domain_owner);
Datum
mesh_drop_domain_owner(PG_FUNCTION_ARGS)
{
	char	   *domain = required_text(fcinfo, 0, "domain");
	ForeignServer *server;
	Oid			relid = mesh_extension_table("domain_owner");
	Oid			current;
	bool		has_row;
	MeshAsTableOwner s;

	mesh_require_name("domain", domain);
	server = mesh_pick_server(PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1)));
	(void) mesh_require_extension_table("domain_owner", "1.2");

	mesh_as_table_owner_begin(&s, relid);
	current = read_owner(server->servername, domain, true, &has_row);
	mesh_as_table_owner_end(&s);

	if (!has_row)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("domain \"%s\" of server \"%s\" has no owner", domain, server->servername)));
	if (OidIsValid(current) && !superuser() && !has_privs_of_role(GetUserId(), current))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to drop the owner of domain \"%s\"", domain),
				 errdetail("Domain \"%s\" of server \"%s\" is owned by role \"%s\"; only its members and superusers may drop its owner.",
						   domain, server->servername, GetUserNameFromId(current, false))));

	mesh_as_table_owner_begin(&s, relid);
	delete_owner(server->servername, domain);
	mesh_as_table_owner_end(&s);
	PG_RETURN_VOID();
}
