/* mesh_fdw--1.0--1.1.sql: bookmarks, the consumers of a product, lineage kinds */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION mesh_fdw UPDATE TO '1.1'" to load this file. \quit

-- Bookmarks ------------------------------------------------------------------

-- One row per bookmark: where each partition's next scan starts (element
-- p + 1 for partition p; NULL or missing: the partition's first offset).
-- Scans of foreign tables with option bookmark read and write it as its
-- owner, in the transaction of the rows they produce; users read it
-- through mesh.bookmarks.
CREATE TABLE mesh.bookmark_state (
  name text PRIMARY KEY
    CHECK (name ~ '^[a-z][a-z0-9_]*$' AND length(name) <= 63),
  server text NOT NULL,
  topic text NOT NULL,
  positions bigint[] NOT NULL DEFAULT '{}',
  created timestamptz NOT NULL DEFAULT now(),
  advanced timestamptz
);
COMMENT ON TABLE mesh.bookmark_state IS
  'positions of the bookmarks of foreign tables (option bookmark): the next offset per partition';
REVOKE ALL ON mesh.bookmark_state FROM PUBLIC;
-- pg_dump keeps the positions
SELECT pg_catalog.pg_extension_config_dump('mesh.bookmark_state', '');

-- Per partition: the position, and the messages behind the last stable
-- offset (a position the partition no longer holds counts from its first
-- offset).
CREATE VIEW mesh.bookmarks WITH (security_barrier) AS
  SELECT b.name, b.server, b.topic, l.positions, l.lag, l.partition_lag,
         b.created, b.advanced
    FROM mesh.bookmark_state b
    LEFT JOIN LATERAL (
      SELECT jsonb_object_agg(w.partition::text, b.positions[w.partition + 1]) AS positions,
             sum(w.lag)::bigint AS lag,
             jsonb_object_agg(w.partition::text, w.lag) AS partition_lag
        FROM (SELECT t.partition,
                     t.high_offset -
                       CASE WHEN b.positions[t.partition + 1] IS NULL
                              OR b.positions[t.partition + 1] < t.low_offset
                              OR b.positions[t.partition + 1] > t.high_offset
                            THEN t.low_offset
                            ELSE b.positions[t.partition + 1] END AS lag
                FROM mesh.topic_partitions(b.server, b.topic) t) w
    ) l ON true
   WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_server s
                  WHERE s.srvname = b.server
                    AND pg_catalog.has_server_privilege(s.oid, 'USAGE'));
COMMENT ON VIEW mesh.bookmarks IS
  'one row per bookmark of the servers the current user can use: its positions and its lag behind the last stable offsets';
GRANT SELECT ON mesh.bookmarks TO PUBLIC;

CREATE FUNCTION mesh.rewind_bookmark(name text, "to" text DEFAULT NULL,
    at timestamptz DEFAULT NULL, offsets jsonb DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'mesh_rewind_bookmark'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION mesh.rewind_bookmark(text, text, timestamptz, jsonb) IS
  'move a bookmark to the earliest or latest offsets, to the first offsets at a time, or to offsets per partition (jsonb)';

CREATE FUNCTION mesh.drop_bookmark(name text)
RETURNS void
AS 'MODULE_PATHNAME', 'mesh_drop_bookmark'
LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION mesh.drop_bookmark(text) IS
  'forget a bookmark (and delete its Kafka consumer group, which a ROLLBACK does not bring back)';

-- Who consumes a product ------------------------------------------------------

CREATE FUNCTION mesh.list_consumer_groups(
    OUT server text, OUT topic text, OUT consumer_group text, OUT state text,
    OUT members integer, OUT offsets jsonb, OUT lag bigint,
    OUT partition_lag jsonb, OUT last_commit timestamptz)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'mesh_list_consumer_groups'
LANGUAGE C STRICT VOLATILE;

CREATE VIEW mesh.data_product_consumers AS
  SELECT p.server, p.qualified_name, g.consumer_group, g.state, g.members,
         g.offsets, g.lag, g.partition_lag, g.last_commit
    FROM mesh.data_products p
    JOIN mesh.list_consumer_groups() g ON g.server = p.server AND g.topic = p.topic;
COMMENT ON VIEW mesh.data_product_consumers IS
  'one row per data product and consumer group with committed offsets on its topic, with the group''s lag behind the last stable offsets';
GRANT SELECT ON mesh.data_product_consumers TO PUBLIC;

-- Lineage: derived products and consumer groups --------------------------------

CREATE OR REPLACE VIEW mesh.lineage AS
  SELECT p.server, i.input, p.qualified_name AS product, 'derived'::text AS kind
    FROM mesh.data_products p, unnest(p.inputs) AS i(input)
  UNION ALL
  SELECT c.server, c.qualified_name, c.consumer_group, 'consumer'::text
    FROM mesh.data_product_consumers c;
COMMENT ON VIEW mesh.lineage IS
  'one row per edge from an input data product to a product derived from it (kind derived) or to a consumer group that reads it (kind consumer)';

-- Graphviz DOT: products grouped by domain, consumer groups as ellipses
-- outside the domains, dashed edges to them
CREATE OR REPLACE FUNCTION mesh.lineage_graph()
RETURNS text
LANGUAGE sql STABLE AS $$
  WITH edges_all AS (
    SELECT server, input, product, kind FROM mesh.lineage
  ),
  nodes AS (
    SELECT DISTINCT server, qualified_name AS node,
           split_part(qualified_name, '.', 1) AS domain
      FROM mesh.data_products
    UNION
    SELECT DISTINCT server, input, split_part(input, '.', 1)
      FROM edges_all
    UNION
    SELECT DISTINCT server, product, split_part(product, '.', 1)
      FROM edges_all WHERE kind = 'derived'
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
  consumers AS (
    SELECT string_agg(format('  "%s" [shape=ellipse];',
                             replace(replace(product, '\', '\\'), '"', '\"')),
                      E'\n' ORDER BY product) AS text
      FROM (SELECT DISTINCT product FROM edges_all WHERE kind = 'consumer') c
  ),
  edges AS (
    SELECT string_agg(format('  "%s" -> "%s"%s;',
                             replace(replace(input, '\', '\\'), '"', '\"'),
                             replace(replace(product, '\', '\\'), '"', '\"'),
                             CASE WHEN kind = 'consumer' THEN ' [style=dashed]' ELSE '' END),
                      E'\n' ORDER BY kind DESC, input, product) AS text
      FROM edges_all
  )
  SELECT E'digraph mesh {\n  rankdir=LR;\n  node [shape=box];\n'
         || coalesce((SELECT text FROM clusters) || E'\n', '')
         || coalesce((SELECT text FROM consumers) || E'\n', '')
         || coalesce((SELECT text FROM edges) || E'\n', '')
         || '}'
$$;
COMMENT ON FUNCTION mesh.lineage_graph() IS
  'the lineage of the mesh as Graphviz DOT: products grouped by domain, edges from inputs, dashed edges to consumer groups';
