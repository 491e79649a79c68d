/* mesh_fdw--1.3--1.4.sql: Debezium change events (issue 14) */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION mesh_fdw UPDATE TO '1.4'" to load this file. \quit

-- publish_data_product learns envelope ('none' | 'debezium') ---------------

-- (the roles a DBA granted EXECUTE on the old one keep it on the new one)
CREATE FUNCTION mesh.publish_data_product(
    domain text, name text, topic text DEFAULT NULL, owner text DEFAULT NULL,
    description text DEFAULT NULL, sla text DEFAULT NULL,
    quality text DEFAULT NULL, schema text DEFAULT NULL,
    value_format text DEFAULT NULL, key_format text DEFAULT NULL,
    mode text DEFAULT NULL, tags text[] DEFAULT NULL,
    partitions integer DEFAULT NULL, server text DEFAULT NULL,
    envelope text DEFAULT NULL)
RETURNS integer
AS 'MODULE_PATHNAME', 'mesh_publish_data_product'
LANGUAGE C VOLATILE;
DO $$
DECLARE
  old regprocedure := 'mesh.publish_data_product(text, text, text, text, text, text, text, text, text, text, text, text[], integer, text)';
  grantee oid;
BEGIN
  EXECUTE 'REVOKE EXECUTE ON FUNCTION mesh.publish_data_product(text, text, text, text, text, text, text, text, text, text, text, text[], integer, text, text) FROM PUBLIC';
  FOR grantee IN
    SELECT DISTINCT a.grantee FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
     WHERE p.oid = old AND a.privilege_type = 'EXECUTE' AND a.grantee <> 0
       AND a.grantee <> p.proowner
  LOOP
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION mesh.publish_data_product(text, text, text, text, text, text, text, text, text, text, text, text[], integer, text, text) TO %I',
                              pg_catalog.pg_get_userbyid(grantee));
  END LOOP;
END
$$;
DROP FUNCTION mesh.publish_data_product(text, text, text, text, text, text, text, text, text, text, text, text[], integer, text);
COMMENT ON FUNCTION mesh.publish_data_product(text, text, text, text, text, text, text, text, text, text, text, text[], integer, text, text) IS
  'publish or update a data product in the catalog; returns its new version; not undone by ROLLBACK';
