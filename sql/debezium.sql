--
-- Debezium change events: envelope 'debezium' reads the `after` record's
-- fields (before's for a delete), with _op, _before, _source and _ts_ms;
-- mode 'table' gives each key's current row
--
\getenv brokers MESH_BROKERS
\getenv registry MESH_SCHEMA_REGISTRY
\set orig_db :DBNAME

-- ALTER EXTENSION mesh_fdw UPDATE from 1.3: publish_data_product gains
-- envelope; a role granted the old function keeps the new one
CREATE DATABASE regress_dbz_upgrade;
\c regress_dbz_upgrade
CREATE EXTENSION mesh_fdw VERSION '1.3';
CREATE ROLE regress_dbz_publisher;
GRANT EXECUTE ON FUNCTION mesh.publish_data_product(text, text, text, text, text, text, text, text, text, text, text, text[], integer, text)
  TO regress_dbz_publisher;
ALTER EXTENSION mesh_fdw UPDATE TO '1.4';
SELECT extversion FROM pg_extension WHERE extname = 'mesh_fdw';
SELECT p.oid::regprocedure,
       has_function_privilege('regress_dbz_publisher', p.oid, 'EXECUTE') AS publisher_keeps_it,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_may
  FROM pg_proc p WHERE p.pronamespace = 'mesh'::regnamespace AND p.proname = 'publish_data_product';
\c :orig_db
DROP DATABASE regress_dbz_upgrade;
DROP ROLE regress_dbz_publisher;
-- a new install has the same
SELECT p.oid::regprocedure, has_function_privilege('public', p.oid, 'EXECUTE') AS public_may
  FROM pg_proc p WHERE p.pronamespace = 'mesh'::regnamespace AND p.proname = 'publish_data_product';
\! scripts/peer delete-topic regress_dbz_catalog regress_dbz_avro regress_dbz_json
\! scripts/peer delete-subject regress_dbz_avro-value
\! scripts/peer create-topic regress_dbz_avro
\! scripts/peer create-topic regress_dbz_json
CREATE SERVER mesh_dbz FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_dbz_catalog', schema_registry :'registry');
-- Avro (Confluent framing) as Debezium's AvroConverter writes it: snapshot
-- r, insert c, update u, delete d, tombstone, insert c
\! scripts/peer produce regress_dbz_avro --value-format avro-confluent --schema test/data/debezium.avsc --key-format json --input test/data/debezium-avro.jsonl
-- JSON with Kafka Connect's embedded schema: c, c, truncate t, c, u, a
-- message m, a change event without schema, and one with an unknown op
\! scripts/peer produce regress_dbz_json --value-format json --key-format json --input test/data/debezium-json.jsonl

-- the option's values, and the formats it takes
CREATE FOREIGN TABLE dbz_bad (id int) SERVER mesh_dbz
  OPTIONS (topic 'regress_dbz_avro', envelope 'maxwell');
CREATE FOREIGN TABLE dbz_bad (id int) SERVER mesh_dbz
  OPTIONS (topic 'regress_dbz_avro', value_format 'text', envelope 'debezium');
-- the metadata columns' types
CREATE FOREIGN TABLE dbz_bad (id int, _op int) SERVER mesh_dbz
  OPTIONS (topic 'regress_dbz_avro', envelope 'debezium');
CREATE FOREIGN TABLE dbz_bad (id int, _before text) SERVER mesh_dbz
  OPTIONS (topic 'regress_dbz_avro', envelope 'debezium');

CREATE FOREIGN TABLE customers (id int, name text, birth date, lunch time,
  wake time, tick time, created timestamp, updated timestamp, stamped timestamp,
  seen timestamptz, balance numeric(10,2), ratio numeric,
  _op text, _ts_ms bigint, _key jsonb, _offset bigint)
  SERVER mesh_dbz OPTIONS (topic 'regress_dbz_avro', envelope 'debezium', key_format 'json');
SET timezone = 'UTC';
SET datestyle = 'ISO';
-- stream: one row per event, the before values for the delete, NULLs for the tombstone
SELECT _offset, _op, _key, id, name, _ts_ms FROM customers ORDER BY _offset;
-- Debezium's encodings of dates, times, timestamps and decimals
SELECT _offset, birth, lunch, wake, tick, created, updated, stamped, seen, balance, ratio
  FROM customers ORDER BY _offset;
-- _before and _source as jsonb
CREATE FOREIGN TABLE customers_meta (id int, _op text, _before jsonb, _source jsonb, _offset bigint)
  SERVER mesh_dbz OPTIONS (topic 'regress_dbz_avro', envelope 'debezium', key_format 'json');
SELECT _offset, _op, _before->>'name' AS before_name, _source->>'snapshot' AS snapshot,
       _source->>'lsn' AS lsn, _source->>'table' AS source_table
  FROM customers_meta ORDER BY _offset;
-- table: the current row per key (1 updated, 2 deleted, 3 inserted)
CREATE FOREIGN TABLE customers_now (id int, name text, birth date, created timestamp,
  balance numeric(10,2), ratio numeric, _op text)
  SERVER mesh_dbz OPTIONS (topic 'regress_dbz_avro', envelope 'debezium', key_format 'json', mode 'table');
SELECT * FROM customers_now ORDER BY id;
-- INSERT is refused
INSERT INTO customers_now (id) VALUES (9);

-- publish_data_product(..., envelope => 'debezium'): the registry's schema
-- of the topic is a change event's; the catalog record has "envelope"
SELECT mesh.publish_data_product(domain => 'dbz', name => 'customers',
  topic => 'regress_dbz_avro', owner => '@regress', description => 'customers (Debezium)',
  key_format => 'json', mode => 'table', envelope => 'debezium', server => 'mesh_dbz');
SELECT mesh.publish_data_product(domain => 'dbz', name => 'plain',
  topic => 'regress_dbz_avro', owner => '@regress', description => 'not change events',
  schema => '{"type":"record","name":"r","fields":[{"name":"id","type":"int"}]}',
  envelope => 'debezium', server => 'mesh_dbz');
SELECT mesh.publish_data_product(domain => 'dbz', name => 'lines',
  topic => 'regress_dbz_json', owner => '@regress', description => 'text',
  value_format => 'text', envelope => 'debezium', server => 'mesh_dbz');
SELECT mesh.publish_data_product(domain => 'dbz', name => 'orders',
  topic => 'regress_dbz_json', owner => '@regress', description => 'orders (Debezium JSON)',
  value_format => 'json', key_format => 'json', envelope => 'maxwell', server => 'mesh_dbz');
\! scripts/peer consume regress_dbz_catalog --value-format json | grep -o '"envelope": *"[a-z]*"'
-- IMPORT takes the columns from after's record, typed by Debezium's encodings
CREATE SCHEMA dbz;
IMPORT FOREIGN SCHEMA dbz FROM SERVER mesh_dbz INTO dbz;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = 'dbz.customers'::regclass AND attnum > 0 ORDER BY attnum;
SELECT id, name, birth, lunch, created, seen, balance, ratio, _op FROM dbz.customers ORDER BY id;
-- republishing keeps the envelope
SELECT mesh.publish_data_product(domain => 'dbz', name => 'customers',
  description => 'customers, again', server => 'mesh_dbz');
SELECT id, _op FROM dbz.customers ORDER BY id;
DROP SCHEMA dbz CASCADE;

-- JSON: the unknown op stops a query with on_error 'error'
CREATE FOREIGN TABLE orders (id int, name text, birth date, kday date, lunch time,
  created timestamptz, seen timestamptz, opens time, balance numeric, ratio numeric,
  _op text, _ts_ms bigint, _offset bigint, _error text)
  SERVER mesh_dbz OPTIONS (topic 'regress_dbz_json', value_format 'json', envelope 'debezium');
SELECT _offset, _op, id FROM orders ORDER BY _offset;
ALTER FOREIGN TABLE orders OPTIONS (ADD on_error 'null');
SELECT _offset, _op, _ts_ms, id, name, _error FROM orders ORDER BY _offset;
SELECT _offset, birth, kday, lunch, created, seen, opens, balance, ratio
  FROM orders WHERE _op IN ('c', 'u') ORDER BY _offset;
-- table: the truncate removed 10 and 11, the message is left out
ALTER FOREIGN TABLE orders OPTIONS (ADD mode 'table');
SELECT id, name, _op, balance, _error FROM orders ORDER BY id;

-- without the envelope, _op is a field like any other
CREATE FOREIGN TABLE plain (op text, _op text) SERVER mesh_dbz
  OPTIONS (topic 'regress_dbz_json', value_format 'json', on_error 'null');
SELECT count(*) AS events, count(_op) AS with_op_field FROM plain;

DROP SERVER mesh_dbz CASCADE;
\! scripts/peer delete-topic regress_dbz_catalog regress_dbz_avro regress_dbz_json
\! scripts/peer delete-subject regress_dbz_avro-value
