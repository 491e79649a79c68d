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
