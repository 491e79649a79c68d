-- The mesh_fdw demo, run by scripts/demo (psql -v brokers=...).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS mesh_fdw CASCADE;
CREATE EXTENSION mesh_fdw;
RESET client_min_messages;
\pset footer off

\echo '\n-- 1. Point a server at the Kafka cluster'
\set ECHO queries
CREATE SERVER mesh FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic '_mesh_catalog_demo');
CREATE USER MAPPING FOR CURRENT_USER SERVER mesh;
\set ECHO none

\echo '\n-- 2. Domain teams publish data products (the catalog is a Kafka topic)'
\set ECHO queries
SELECT mesh.publish_data_product(
  domain => 'membership', name => 'users', topic => 'demo_users',
  owner => '@membership-team', description => 'All users from all regions',
  sla => 'tier-1', quality => 'authoritative', tags => '{pii}',
  mode => 'table', partitions => 4,
  schema => '{"type":"record","name":"User","namespace":"membership","fields":[
    {"name":"userid","type":"long","doc":"the user key"},
    {"name":"name","type":"string"},
    {"name":"regionid","type":{"type":"enum","name":"Region","symbols":["EU","US","APAC"]}},
    {"name":"registered_at","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"address","type":["null",{"type":"record","name":"Address","fields":[
      {"name":"city","type":"string"},{"name":"country","type":"string"}]}],"default":null}]}');
SELECT mesh.publish_data_product(
  domain => 'marketing', name => 'pageviews', topic => 'demo_pageviews',
  owner => '@web-analytics', description => 'Every page view on the web site',
  sla => 'tier-2', quality => 'raw', partitions => 6,
  schema => '{"type":"record","name":"PageView","namespace":"marketing","fields":[
    {"name":"viewtime","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"userid","type":"long"},{"name":"pageid","type":"string"}]}');
SELECT mesh.publish_data_product(
  domain => 'trading', name => 'stocktrades', topic => 'demo_stocktrades',
  owner => '@trading-desk', description => 'Executed stock trades',
  sla => 'tier-1', quality => 'curated', tags => '{finance}', partitions => 3,
  schema => '{"type":"record","name":"Trade","namespace":"trading","fields":[
    {"name":"symbol","type":"string"},
    {"name":"side","type":{"type":"enum","name":"Side","symbols":["BUY","SELL"]}},
    {"name":"quantity","type":"int"},
    {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
    {"name":"account","type":"string"},{"name":"userid","type":"long"}]}');
\set ECHO none

\echo '\n-- 3. Analysts discover the mesh'
\set ECHO queries
SELECT domain, products, owners FROM mesh.domains ORDER BY domain;
SELECT qualified_name, owner, sla, quality, mode, topic, version
  FROM mesh.data_products ORDER BY qualified_name;
SELECT position, field, avro_type, pg_type, nullable
  FROM mesh.data_product_fields WHERE qualified_name = 'membership.users'
 ORDER BY position;
SELECT partition, low_offset, high_offset, messages, freshness
  FROM mesh.data_product_partitions WHERE qualified_name = 'trading.stocktrades'
 ORDER BY partition;
SELECT topic, partitions, replication_factor, is_data_product
  FROM mesh.topics WHERE topic LIKE 'demo_%' OR topic = '_mesh_catalog_demo'
 ORDER BY topic;
\set ECHO none

\echo '\n-- 4. A product evolves: a new version, a new schema, an audit trail'
\set ECHO queries
SELECT mesh.publish_data_product('marketing', 'pageviews',
  description => 'Every page view on the web site, with the referrer',
  schema => '{"type":"record","name":"PageView","namespace":"marketing","fields":[
    {"name":"viewtime","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"userid","type":"long"},{"name":"pageid","type":"string"},
    {"name":"referrer","type":["null","string"],"default":null}]}');
SELECT action, qualified_name, version, published_by,
       jsonb_array_length(descriptor->'schemas') AS schemas
  FROM mesh.data_product_events;
