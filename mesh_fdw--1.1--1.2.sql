/* mesh_fdw--1.1--1.2.sql: who may change the mesh (issue 15) */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION mesh_fdw UPDATE TO '1.2'" to load this file. \quit

-- The functions that change the catalog are for the roles a DBA grants
-- them to (README, "Who may change the mesh") ---------------------------------

REVOKE EXECUTE ON FUNCTION
  mesh.publish_data_product(text, text, text, text, text, text, text, text, text, text, text, text[], integer, text),
  mesh.unpublish_data_product(text, text, text),
  mesh.create_data_product(text, text, text, text, text, text, text, text[], text, text, text, integer, text)
  FROM PUBLIC;

-- the controls of continuous products too, in an installation that has them
DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
            WHERE p.pronamespace = 'mesh'::regnamespace
              AND p.proname IN ('pause_data_product', 'resume_data_product')
  LOOP
    EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
  END LOOP;
END
$$;

-- Domain ownership -----------------------------------------------------------

-- One row per (server, domain) that a role owns in this database: only
-- members of that role (and superusers) may publish, republish, unpublish
-- or derive products in the domain.  The first role to publish into a
-- domain without an owner becomes its owner.  Read and written by
-- mesh_fdw's functions as the table's owner; users read it through
-- mesh.domain_owners.  A role that no longer exists owns nothing.
CREATE TABLE mesh.domain_owner (
  server text NOT NULL,
  domain text NOT NULL
    CHECK (domain ~ '^[a-z][a-z0-9_]*$' AND length(domain) <= 63),
  owner regrole NOT NULL,
  since timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (server, domain)
);
COMMENT ON TABLE mesh.domain_owner IS
  'the role that owns each domain of each server in this database';
REVOKE ALL ON mesh.domain_owner FROM PUBLIC;
-- pg_dump keeps the owners
SELECT pg_catalog.pg_extension_config_dump('mesh.domain_owner', '');

CREATE VIEW mesh.domain_owners WITH (security_barrier) AS
  SELECT o.server, o.domain, o.owner AS role, o.since
    FROM mesh.domain_owner o
   WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.oid = o.owner)
     AND EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_server s
                  WHERE s.srvname = o.server
                    AND pg_catalog.has_server_privilege(s.oid, 'USAGE'));
COMMENT ON VIEW mesh.domain_owners IS
  'one row per domain with an owner, of the servers the current user can use: the role whose members may change its products';
GRANT SELECT ON mesh.domain_owners TO PUBLIC;

CREATE FUNCTION mesh.set_domain_owner(domain text, role regrole,
    server text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'mesh_set_domain_owner'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION mesh.set_domain_owner(text, regrole, text) IS
  'make a role the owner of a domain (by a superuser, or a member of the current owner who is a member of the new one)';

CREATE FUNCTION mesh.drop_domain_owner(domain text, server text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'mesh_drop_domain_owner'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION mesh.drop_domain_owner(text, text) IS
  'leave a domain without an owner (by a superuser or a member of the owner); the next role to publish into it owns it';

REVOKE EXECUTE ON FUNCTION mesh.set_domain_owner(text, regrole, text),
  mesh.drop_domain_owner(text, text) FROM PUBLIC;
