/* mesh_fdw--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION mesh_fdw" to load this file. \quit

-- The extension lives in schema mesh (see mesh_fdw.control), which
-- CREATE EXTENSION creates.  Every role may look at the mesh; what each
-- sees is limited to the servers it has USAGE on.
GRANT USAGE ON SCHEMA mesh TO PUBLIC;

CREATE FUNCTION mesh.mesh_fdw_handler()
RETURNS fdw_handler
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FUNCTION mesh.mesh_fdw_validator(text[], oid)
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER mesh_fdw
  HANDLER mesh.mesh_fdw_handler
  VALIDATOR mesh.mesh_fdw_validator;

COMMENT ON FOREIGN DATA WRAPPER mesh_fdw IS
  'data mesh on Apache Kafka: discover, read and publish data products';

-- Discovery ---------------------------------------------------------------

CREATE FUNCTION mesh.list_topics(
    OUT server text, OUT topic text, OUT partitions integer,
    OUT replication_factor integer, OUT is_internal boolean,
    OUT is_data_product boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'mesh_topics'
LANGUAGE C STRICT VOLATILE;

CREATE VIEW mesh.topics AS
  SELECT server, topic, partitions, replication_factor, is_internal,
         is_data_product
    FROM mesh.list_topics();
COMMENT ON VIEW mesh.topics IS
  'one row per Kafka topic of every mesh_fdw server the current user can use';

GRANT SELECT ON mesh.topics TO PUBLIC;

-- The catalog ---------------------------------------------------------------

CREATE FUNCTION mesh.list_data_products(
    OUT server text, OUT domain text, OUT name text, OUT qualified_name text,
    OUT topic text, OUT owner text, OUT description text, OUT sla text,
    OUT quality text, OUT tags text[], OUT mode text, OUT key_format text,
    OUT value_format text, OUT schema jsonb, OUT inputs text[],
    OUT version integer, OUT published_at timestamptz, OUT published_by text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'mesh_data_products'
LANGUAGE C STRICT VOLATILE;

CREATE VIEW mesh.data_products AS
  SELECT * FROM mesh.list_data_products();
COMMENT ON VIEW mesh.data_products IS
  'one row per published data product of every mesh_fdw server the current user can use';

CREATE FUNCTION mesh.list_data_product_fields(
    OUT server text, OUT qualified_name text, OUT "position" integer,
    OUT field text, OUT avro_type text, OUT pg_type text, OUT nullable boolean,
    OUT doc text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'mesh_data_product_fields'
LANGUAGE C STRICT VOLATILE;

CREATE VIEW mesh.data_product_fields AS
  SELECT * FROM mesh.list_data_product_fields();
COMMENT ON VIEW mesh.data_product_fields IS
  'one row per field of each data product''s current schema; nested record fields have dotted names';

CREATE FUNCTION mesh.topic_partitions(server text, topic text,
    OUT partition integer, OUT low_offset bigint, OUT high_offset bigint,
    OUT messages bigint, OUT latest_timestamp timestamptz)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'mesh_topic_partitions'
LANGUAGE C STRICT VOLATILE;

-- LATERAL: a query about one product touches only that product's partitions
CREATE VIEW mesh.data_product_partitions AS
  SELECT p.server, p.qualified_name, w.partition, w.low_offset, w.high_offset,
         w.messages, w.latest_timestamp, now() - w.latest_timestamp AS freshness
    FROM mesh.data_products p,
         LATERAL mesh.topic_partitions(p.server, p.topic) w;
COMMENT ON VIEW mesh.data_product_partitions IS
  'live offsets and freshness of each partition of each data product';

CREATE FUNCTION mesh.list_data_product_events(
    OUT server text, OUT event_time timestamptz, OUT action text,
    OUT qualified_name text, OUT version integer, OUT published_by text,
    OUT descriptor jsonb)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'mesh_data_product_events'
LANGUAGE C STRICT VOLATILE;

CREATE VIEW mesh.data_product_events AS
  SELECT * FROM mesh.list_data_product_events();
COMMENT ON VIEW mesh.data_product_events IS
  'every record of the catalog topic''s retained history, oldest first: the audit log';

CREATE VIEW mesh.domains AS
  SELECT server, domain, count(*)::integer AS products,
         array_agg(DISTINCT owner ORDER BY owner) AS owners
    FROM mesh.data_products
   GROUP BY server, domain;
COMMENT ON VIEW mesh.domains IS 'one row per domain of the mesh';

CREATE FUNCTION mesh.stats(
    OUT catalog_refreshes bigint, OUT catalog_cache_hits bigint,
    OUT catalog_messages bigint)
AS 'MODULE_PATHNAME', 'mesh_stats_fn'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION mesh.stats() IS
  'this backend''s counters: catalog reads that consumed records, catalog reads answered from cache, catalog records consumed';

GRANT SELECT ON mesh.data_products, mesh.data_product_fields,
  mesh.data_product_partitions, mesh.data_product_events, mesh.domains
  TO PUBLIC;

-- Publishing ----------------------------------------------------------------

CREATE FUNCTION mesh.publish_data_product(
    domain text, name text, topic text DEFAULT NULL, owner text DEFAULT NULL,
    description text DEFAULT NULL, sla text DEFAULT NULL,
    quality text DEFAULT NULL, schema text DEFAULT NULL,
    value_format text DEFAULT NULL, key_format text DEFAULT NULL,
    mode text DEFAULT NULL, tags text[] DEFAULT NULL,
    partitions integer DEFAULT NULL, server text DEFAULT NULL)
RETURNS integer
AS 'MODULE_PATHNAME', 'mesh_publish_data_product'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION mesh.publish_data_product(text, text, text, text, text, text, text, text, text, text, text, text[], integer, text) IS
  'publish or update a data product in the catalog; returns its new version; not undone by ROLLBACK';

CREATE FUNCTION mesh.unpublish_data_product(domain text, name text,
    server text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'mesh_unpublish_data_product'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION mesh.unpublish_data_product(text, text, text) IS
  'remove a data product from the catalog (a tombstone); not undone by ROLLBACK';

-- Foreign tables --------------------------------------------------------------

-- The validator sees a table's options but not its columns; this event
-- trigger checks the whole definition once CREATE/ALTER FOREIGN TABLE or
-- IMPORT FOREIGN SCHEMA is done: the product exists, each column's type
-- fits its field, and on_error 'skip'/'null' tables use only types that
-- mesh_fdw converts without errors.
CREATE FUNCTION mesh.check_foreign_table(oid)
RETURNS void
AS 'MODULE_PATHNAME', 'mesh_check_foreign_table'
LANGUAGE C STRICT;

CREATE FUNCTION mesh.check_foreign_tables()
RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT DISTINCT objid FROM pg_event_trigger_ddl_commands()
            WHERE object_type = 'foreign table'
  LOOP
    PERFORM mesh.check_foreign_table(r.objid);
  END LOOP;
END
$$;

CREATE EVENT TRIGGER mesh_check_foreign_tables ON ddl_command_end
  WHEN TAG IN ('CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE', 'IMPORT FOREIGN SCHEMA')
  EXECUTE FUNCTION mesh.check_foreign_tables();

-- Derived data products and lineage -----------------------------------------

CREATE FUNCTION mesh.create_data_product(
    domain text, name text, query text, owner text DEFAULT NULL,
    description text DEFAULT NULL, sla text DEFAULT NULL,
    quality text DEFAULT NULL, tags text[] DEFAULT NULL,
    topic text DEFAULT NULL, mode text DEFAULT NULL, key text DEFAULT NULL,
    partitions integer DEFAULT NULL, server text DEFAULT NULL)
RETURNS integer
AS 'MODULE_PATHNAME', 'mesh_create_data_product'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION mesh.create_data_product(text, text, text, text, text, text, text, text[], text, text, text, integer, text) IS
  'run a query and publish its result as a new data product, all or nothing with the transaction';

CREATE VIEW mesh.lineage AS
  SELECT p.server, i.input, p.qualified_name AS product
    FROM mesh.data_products p, unnest(p.inputs) AS i(input);
COMMENT ON VIEW mesh.lineage IS
  'one row per edge from an input data product to a product derived from it';
GRANT SELECT ON mesh.lineage TO PUBLIC;

-- Graphviz DOT of the products and their inputs, domains as clusters
CREATE FUNCTION mesh.lineage_graph()
RETURNS text
LANGUAGE sql STABLE AS $$
  WITH nodes AS (
    SELECT DISTINCT server, qualified_name AS node,
           split_part(qualified_name, '.', 1) AS domain
      FROM mesh.data_products
    UNION
    SELECT DISTINCT server, input, split_part(input, '.', 1)
      FROM mesh.lineage
  ),
  q AS (  -- DOT string literals
    SELECT server, domain, node,
           '"' || replace(replace(node, '\', '\\'), '"', '\"') || '"' AS id
      FROM nodes
  ),
  clusters AS (
    SELECT string_agg(
             format(E'  subgraph "cluster_%s" {\n    label="%s";\n    style=rounded;\n%s\n  }',
                    replace(domain, '"', ''), replace(domain, '"', ''), members),
             E'\n' ORDER BY domain) AS text
      FROM (SELECT domain, string_agg('    ' || id || ';', E'\n' ORDER BY node) AS members
              FROM q GROUP BY domain) d
  ),
  edges AS (
    SELECT string_agg(format('  "%s" -> "%s";',
                             replace(replace(input, '\', '\\'), '"', '\"'),
                             replace(replace(product, '\', '\\'), '"', '\"')),
                      E'\n' ORDER BY input, product) AS text
      FROM mesh.lineage
  )
  SELECT E'digraph mesh {\n  rankdir=LR;\n  node [shape=box];\n'
         || coalesce((SELECT text FROM clusters) || E'\n', '')
         || coalesce((SELECT text FROM edges) || E'\n', '')
         || '}'
$$;
COMMENT ON FUNCTION mesh.lineage_graph() IS
  'the lineage of the mesh as Graphviz DOT: products grouped by domain, edges from inputs';
