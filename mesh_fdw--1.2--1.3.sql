/* mesh_fdw--1.2--1.3.sql: continuous data products (issue 13) */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION mesh_fdw UPDATE TO '1.3'" to load this file. \quit

-- One row per continuous data product this database runs: what its
-- background worker needs to run the query again on each batch of new
-- input messages, and how it is doing.  Read and written by mesh_fdw's
-- functions and workers as the table's owner; users read it through
-- mesh.continuous_products.  Kafka holds the truth about positions (the
-- committed offsets of consumer group 'mesh.<domain>.<name>'); the counts
-- here move in the same PostgreSQL transaction as each Kafka commit.
CREATE TABLE mesh.continuous_product (
  id serial PRIMARY KEY,
  server text NOT NULL,
  qualified_name text NOT NULL,
  query text NOT NULL,                -- as the user wrote it
  batch_query text NOT NULL,          -- what a batch runs (a window's partials)
  input_relid oid NOT NULL,           -- the stream input's foreign table
  input_topic text NOT NULL,
  output_topic text NOT NULL,
  key_column text,
  schema text NOT NULL,               -- the output's Avro schema
  schema_header bytea NOT NULL,       -- the framing before each value
  window_spec jsonb,                  -- NULL: no window (filters, joins)
  grace interval,
  runner oid NOT NULL,                -- the role whose query and mapping run
  search_path text NOT NULL,          -- the query's, when it was created
  timezone text NOT NULL,
  home text NOT NULL,                 -- '<system identifier>:<database oid>':
                                      -- a row restored elsewhere is paused
  state text NOT NULL DEFAULT 'running'
    CHECK (state IN ('running', 'paused', 'failed')),
  last_error text,
  error_partition integer,
  error_offset bigint,
  restarts integer NOT NULL DEFAULT 0,
  rows_in bigint NOT NULL DEFAULT 0,
  rows_out bigint NOT NULL DEFAULT 0,
  late_messages bigint NOT NULL DEFAULT 0,
  last_input_time timestamptz,
  last_commit timestamptz,
  created timestamptz NOT NULL DEFAULT now(),
  UNIQUE (server, qualified_name)
);
COMMENT ON TABLE mesh.continuous_product IS
  'the continuous data products this database runs, and their progress';
REVOKE ALL ON mesh.continuous_product FROM PUBLIC;
-- pg_dump keeps them (a restored database starts their workers again)
SELECT pg_catalog.pg_extension_config_dump('mesh.continuous_product', '');
SELECT pg_catalog.pg_extension_config_dump('mesh.continuous_product_id_seq', '');

-- create_data_product learns continuous and grace --------------------------

-- (the roles a DBA granted EXECUTE on the old one keep it on the new one)
CREATE FUNCTION mesh.create_data_product(
    domain text, name text, query text, owner text DEFAULT NULL,
    description text DEFAULT NULL, sla text DEFAULT NULL,
    quality text DEFAULT NULL, tags text[] DEFAULT NULL,
    topic text DEFAULT NULL, mode text DEFAULT NULL, key text DEFAULT NULL,
    partitions integer DEFAULT NULL, server text DEFAULT NULL,
    continuous boolean DEFAULT false, grace interval DEFAULT NULL)
RETURNS integer
AS 'MODULE_PATHNAME', 'mesh_create_data_product'
LANGUAGE C VOLATILE;
DO $$
DECLARE
  old regprocedure := 'mesh.create_data_product(text, text, text, text, text, text, text, text[], text, text, text, integer, text)';
  grantee oid;
BEGIN
  EXECUTE 'REVOKE EXECUTE ON FUNCTION mesh.create_data_product(text, text, text, text, text, text, text, text[], text, text, text, integer, text, boolean, interval) FROM PUBLIC';
  FOR grantee IN
    SELECT DISTINCT a.grantee FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
     WHERE p.oid = old AND a.privilege_type = 'EXECUTE' AND a.grantee <> 0
       AND a.grantee <> p.proowner
  LOOP
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION mesh.create_data_product(text, text, text, text, text, text, text, text[], text, text, text, integer, text, boolean, interval) TO %I',
                              pg_catalog.pg_get_userbyid(grantee));
  END LOOP;
END
$$;
DROP FUNCTION mesh.create_data_product(text, text, text, text, text, text, text, text[], text, text, text, integer, text);
COMMENT ON FUNCTION mesh.create_data_product(text, text, text, text, text, text, text, text[], text, text, text, integer, text, boolean, interval) IS
  'publish a query''s result as a new data product: once, all or nothing with the transaction, or continuously (continuous => true) by a background worker';

-- the tumbling window of a timestamp: date_bin(size, ts, 'epoch')
CREATE FUNCTION mesh.tumble(ts timestamptz, size interval)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN pg_catalog.date_bin(size, ts, '1970-01-01 00:00:00+00'::timestamptz);
COMMENT ON FUNCTION mesh.tumble(timestamptz, interval) IS
  'the start of the tumbling window of the given size that holds ts (windows aligned to the Unix epoch)';

CREATE FUNCTION mesh.pause_data_product(domain text, name text, server text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'mesh_pause_data_product'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION mesh.pause_data_product(text, text, text) IS
  'stop a continuous data product''s worker (returns once it has stopped); mesh.resume_data_product starts it again where it stopped';

CREATE FUNCTION mesh.resume_data_product(domain text, name text,
    skip_to jsonb DEFAULT NULL, server text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'mesh_resume_data_product'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION mesh.resume_data_product(text, text, jsonb, text) IS
  'start a paused or failed continuous data product again, optionally from other input offsets (skip_to: {"partition": offset, ...})';

REVOKE EXECUTE ON FUNCTION mesh.pause_data_product(text, text, text),
  mesh.resume_data_product(text, text, jsonb, text) FROM PUBLIC;

-- live figures of each product: worker, positions and lag from Kafka
CREATE FUNCTION mesh.continuous_product_progress(id integer,
    OUT pid integer, OUT positions jsonb, OUT lag_messages bigint,
    OUT lag_seconds double precision)
AS 'MODULE_PATHNAME', 'mesh_continuous_product_progress'
LANGUAGE C VOLATILE STRICT;

CREATE VIEW mesh.continuous_products WITH (security_barrier) AS
  SELECT c.qualified_name, c.server,
         CASE WHEN c.state = 'running' AND c.home IS DISTINCT FROM
                   (pg_catalog.pg_control_system()).system_identifier::text || ':' ||
                   (SELECT d.oid FROM pg_catalog.pg_database d
                     WHERE d.datname = pg_catalog.current_database())::text
              THEN 'paused'
              WHEN c.state = 'running' AND g.lag_messages > 1000
              THEN 'catching up' ELSE c.state END AS state,
         pg_catalog.current_database() AS database,
         COALESCE(NULLIF(pg_catalog.current_setting('cluster_name'), ''),
                  (pg_catalog.pg_control_system()).system_identifier::text)
           || ':' || pg_catalog.current_setting('port') AS cluster,
         c.runner::regrole AS runner, g.pid, c.last_error,
         c.error_partition, c.error_offset, g.positions, g.lag_messages,
         g.lag_seconds, c.rows_in, c.rows_out, c.late_messages,
         c.last_commit, c.input_topic, c.output_topic, c.grace, c.restarts,
         c.query
    FROM mesh.continuous_product c,
         LATERAL mesh.continuous_product_progress(c.id) g
   WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_server s
                  WHERE s.srvname = c.server
                    AND pg_catalog.has_server_privilege(s.oid, 'USAGE'));
COMMENT ON VIEW mesh.continuous_products IS
  'the continuous data products this database runs: state, worker, input positions and lag, rows in and out, late messages, last commit';
GRANT SELECT ON mesh.continuous_products TO PUBLIC;
