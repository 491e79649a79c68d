--
-- The mesh catalog: publishing and discovering data products
--
\getenv brokers MESH_BROKERS
-- a catalog topic of its own, recreated each run, so offsets are known
\! scripts/peer delete-topic regress_catalog regress_cat_users regress_cat_trades regress_cat_clicks
CREATE SERVER mesh_cat FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_catalog');
CREATE USER MAPPING FOR CURRENT_USER SERVER mesh_cat;

-- an empty mesh: the catalog topic does not exist yet
SELECT count(*) FROM mesh.data_products;
SELECT count(*) FROM mesh.topics WHERE topic = 'regress_catalog';

\set users_schema '{"type":"record","name":"User","namespace":"membership","doc":"a member","fields":[{"name":"userid","type":"long","doc":"the key"},{"name":"name","type":["null","string"],"default":null},{"name":"regionid","type":{"type":"enum","name":"Region","symbols":["EU","US","APAC"]}},{"name":"registered_at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"address","type":["null",{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"zip","type":"string"}]}],"default":null},{"name":"interests","type":{"type":"array","items":"string"}},{"name":"balance","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},{"name":"attributes","type":{"type":"map","values":"long"}},{"name":"id","type":{"type":"string","logicalType":"uuid"}}]}'

-- publish: creates the product's topic (partitions) and the catalog topic
SELECT mesh.publish_data_product(
  domain => 'membership', name => 'users', topic => 'regress_cat_users',
  owner => '@membership-team', description => 'All users from all regions',
  sla => 'tier-1', quality => 'authoritative', tags => '{pii,core}',
  schema => :'users_schema', mode => 'table', partitions => 3);

SELECT server, domain, name, qualified_name, topic, owner, description, sla,
       quality, tags, mode, key_format, value_format, schema->>'name' AS schema,
       inputs, version, published_at > now() - interval '1 minute' AS recent,
       published_by
  FROM mesh.data_products;

SELECT topic, partitions, is_data_product FROM mesh.topics
 WHERE topic IN ('regress_catalog', 'regress_cat_users') ORDER BY 1;

-- every field, nested ones dotted, with the PostgreSQL type it maps to
SELECT position, field, avro_type, pg_type, nullable, doc
  FROM mesh.data_product_fields WHERE qualified_name = 'membership.users'
 ORDER BY position;

-- the catalog record as other tools read it
\! kcat -b $MESH_BROKERS -C -t regress_catalog -o beginning -e -q -f '%k\n'
SELECT descriptor - 'published_at' - 'schemas' AS record,
       jsonb_array_length(descriptor->'schemas') AS schemas,
       descriptor->'schemas'->0->>'fingerprint' AS fingerprint
  FROM mesh.data_product_events;

-- republish: arguments left out keep their values; version goes up
SELECT mesh.publish_data_product('membership', 'users',
  description => 'All users, all regions, deduplicated');
SELECT owner, description, sla, tags, mode, version,
       jsonb_array_length((SELECT descriptor->'schemas' FROM mesh.data_product_events
                            ORDER BY event_time DESC LIMIT 1)) AS schemas
  FROM mesh.data_products WHERE qualified_name = 'membership.users';

-- a changed schema is appended to schemas
SELECT mesh.publish_data_product('membership', 'users',
  schema => '{"type":"record","name":"User","namespace":"membership","fields":[{"name":"userid","type":"long"},{"name":"email","type":["null","string"],"default":null}]}');
SELECT s->>'version' AS version, s->>'fingerprint' AS fingerprint,
       (s->>'definition')::jsonb->'fields'->1->>'name' AS second_field
  FROM mesh.data_product_events e, jsonb_array_elements(e.descriptor->'schemas') s
 WHERE e.version = 3;
SELECT field, pg_type FROM mesh.data_product_fields
 WHERE qualified_name = 'membership.users' ORDER BY position;

-- more products, in other domains
SELECT mesh.publish_data_product(domain => 'trading', name => 'stocktrades',
  topic => 'regress_cat_trades', owner => '@trading', description => 'Trades',
  schema => '{"type":"record","name":"Trade","fields":[{"name":"symbol","type":"string"},{"name":"price","type":"double"}]}',
  partitions => 2);
SELECT mesh.publish_data_product(domain => 'marketing', name => 'clicks',
  topic => 'regress_cat_clicks', owner => '@web', description => 'Raw clicks',
  value_format => 'json', partitions => 1);
SELECT * FROM mesh.domains ORDER BY domain;

-- live partition offsets and freshness of one product
\! printf 'a\nb\nc\n' | kcat -b $MESH_BROKERS -P -t regress_cat_trades -p 1
SELECT partition, low_offset, high_offset, messages,
       latest_timestamp IS NOT NULL AS has_latest,
       freshness < interval '1 minute' AS fresh
  FROM mesh.data_product_partitions WHERE qualified_name = 'trading.stocktrades'
 ORDER BY partition;

-- the catalog is read from Kafka only when it moved: a warm query reads
-- no catalog records
SELECT count(*) FROM mesh.data_products;
CREATE TEMP TABLE stats0 AS SELECT * FROM mesh.stats();
SELECT count(*) FROM mesh.data_products;
SELECT s.catalog_messages - s0.catalog_messages AS messages_read,
       s.catalog_cache_hits - s0.catalog_cache_hits AS cache_hits,
       s.catalog_refreshes - s0.catalog_refreshes AS refreshes
  FROM mesh.stats() s, stats0 s0;

-- the schema can come from the schema registry: subject <topic>-value
\getenv registry MESH_SCHEMA_REGISTRY
ALTER SERVER mesh_cat OPTIONS (ADD schema_registry :'registry');
\! scripts/peer delete-subject regress_cat_trades-value
\! scripts/peer register regress_cat_trades-value test/data/trade-v2.avsc > /dev/null
SELECT mesh.publish_data_product('trading', 'stocktrades');
SELECT s->>'version' AS version, s->'registry'->>'subject' AS subject,
       (s->'registry'->>'id')::int > 0 AS has_id,
       (s->>'definition')::jsonb->'fields'->2->>'name' AS added
  FROM mesh.data_product_events e, jsonb_array_elements(e.descriptor->'schemas') s
 WHERE e.qualified_name = 'trading.stocktrades' AND e.version = 2;
-- a subject that does not exist keeps the product's schema
SELECT mesh.publish_data_product('membership', 'users');
SELECT version, schema->>'name' FROM mesh.data_products
 WHERE qualified_name = 'membership.users';
ALTER SERVER mesh_cat OPTIONS (DROP schema_registry);

-- publishing takes effect in Kafka at once: ROLLBACK does not undo it
BEGIN;
SELECT mesh.publish_data_product('trading', 'stocktrades', sla => 'tier-3');
ROLLBACK;
SELECT sla, version FROM mesh.data_products WHERE qualified_name = 'trading.stocktrades';

-- refusals
SELECT mesh.publish_data_product(domain => 'sales', name => 'orders',
  description => 'x', schema => '"long"', topic => 'regress_cat_users');
SELECT mesh.publish_data_product(domain => 'sales', name => 'orders',
  owner => '@sales', schema => '"long"', topic => 'regress_cat_users');
SELECT mesh.publish_data_product(domain => NULL, name => 'orders',
  owner => '@sales', description => 'x');
SELECT mesh.publish_data_product(domain => 'Sales', name => 'orders',
  owner => '@sales', description => 'x');
SELECT mesh.publish_data_product(domain => 'sales', name => 'order-lines',
  owner => '@sales', description => 'x');
SELECT mesh.publish_data_product(domain => 'sales', name => 'orders',
  owner => '@sales', description => 'x', topic => 'regress_cat_users',
  schema => '{"type":"record","name":"Order","fields":[{"name":"amount","type":"decimall"}]}');
SELECT mesh.publish_data_product(domain => 'sales', name => 'orders',
  owner => '@sales', description => 'x', topic => 'regress_cat_users',
  schema => '{"type":"record","name":"Order","fields":[');
SELECT mesh.publish_data_product(domain => 'sales', name => 'orders',
  owner => '@sales', description => 'x', topic => 'regress_cat_users');
SELECT mesh.publish_data_product(domain => 'sales', name => 'orders',
  owner => '@sales', description => 'x', schema => '"long"',
  topic => 'regress_cat_no_such_topic');
SELECT mesh.publish_data_product(domain => 'sales', name => 'orders',
  owner => '@sales', description => 'x', value_format => 'xml');
SELECT mesh.publish_data_product(domain => 'sales', name => 'orders',
  owner => '@sales', description => 'x', key_format => 'protobuf');
SELECT mesh.publish_data_product(domain => 'sales', name => 'orders',
  owner => '@sales', description => 'x', mode => 'queue');
SELECT mesh.publish_data_product(domain => 'sales', name => 'orders',
  owner => '@sales', description => 'x', server => 'no_such_server');
SELECT mesh.unpublish_data_product('sales', 'orders');
SELECT count(*) FROM mesh.data_products WHERE domain = 'sales';

-- garbage in the catalog topic is skipped with one WARNING each
\! printf 'sales.junk:this is not json\n' | kcat -b $MESH_BROKERS -P -t regress_catalog -K:
\! printf 'sales.partial:{"domain":"sales","name":"partial","topic":"t","version":1}\n' | kcat -b $MESH_BROKERS -P -t regress_catalog -K:
\! printf 'sales.badschema:{"domain":"sales","name":"badschema","topic":"t","owner":"o","description":"d","version":1,"schemas":[{"version":1,"definition":"{\\"type\\":\\"nope\\"}"}]}\n' | kcat -b $MESH_BROKERS -P -t regress_catalog -K:
\! printf 'sales.other:{"domain":"sales","name":"mismatch","topic":"t","owner":"o","description":"d","version":1,"value_format":"json"}\n' | kcat -b $MESH_BROKERS -P -t regress_catalog -K:
SELECT qualified_name FROM mesh.data_products ORDER BY 1;
-- ... and only once: the cache remembers it was read
SELECT count(*) FROM mesh.data_products;

-- a product published here is seen from a second database
CREATE DATABASE regress_mesh_second;
\c regress_mesh_second
SET client_min_messages = warning;
CREATE EXTENSION mesh_fdw;
RESET client_min_messages;
\getenv brokers MESH_BROKERS
CREATE SERVER mesh_cat FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_catalog');
SELECT qualified_name, owner, version FROM mesh.data_products ORDER BY 1;
-- ... and one unpublished there is gone here
SELECT mesh.unpublish_data_product('marketing', 'clicks');
\c contrib_regression
DROP DATABASE regress_mesh_second;
SELECT qualified_name FROM mesh.data_products ORDER BY 1;

-- the audit log, oldest first
SELECT action, qualified_name, version, published_by
  FROM mesh.data_product_events;

DROP SERVER mesh_cat CASCADE;
