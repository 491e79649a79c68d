--
-- Dead letters: _error says why a message is bad (NULL when it is good),
-- _raw holds the value's bytes; with on_error 'null' the bad messages are
-- rows that list themselves
--
\getenv brokers MESH_BROKERS
\getenv registry MESH_SCHEMA_REGISTRY
\! scripts/peer delete-topic regress_dl_catalog regress_dl_orders regress_dl_json
\! scripts/peer delete-subject regress_dl_orders-value
CREATE SERVER mesh_dl FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_dl_catalog', schema_registry :'registry');
SELECT mesh.publish_data_product(domain => 'dl', name => 'orders',
  topic => 'regress_dl_orders', owner => '@regress', description => 'orders',
  schema => '{"type":"record","name":"order","namespace":"dl","fields":[{"name":"id","type":"long"},{"name":"item","type":"string"}]}',
  partitions => 1);
-- 0: a good message in the Confluent wire format (key a)
\! printf '%s\n' '{"key": "a", "value": {"id": 1, "item": "apple"}}' | scripts/peer produce regress_dl_orders --value-format avro-confluent --schema test/data/dead-letters.avsc
-- 1: a good single-object message (key b)
\! printf '%s\n' '{"key": "b", "value": {"id": 2, "item": "pear"}}' | scripts/peer produce regress_dl_orders --value-format avro-single --schema test/data/dead-letters.avsc
-- 2: a wrong magic byte (key a); 3: a schema id the registry does not
-- know (key c); 4: truncated bytes (key d)
\! scripts/peer produce-raw regress_dl_orders --hex --input test/data/dead-letters.hex
-- 5: a good message (key c); 6: a tombstone (key d)
\! printf '%s\n' '{"key": "c", "value": {"id": 3, "item": "plum"}}' | scripts/peer produce regress_dl_orders --value-format avro-confluent --schema test/data/dead-letters.avsc
\! printf '64\t-\n' | scripts/peer produce-raw regress_dl_orders --hex

-- the metadata columns' types
CREATE FOREIGN TABLE bad_error (id bigint, _error int) SERVER mesh_dl
  OPTIONS (product 'dl.orders');
CREATE FOREIGN TABLE bad_raw (id bigint, _raw text) SERVER mesh_dl
  OPTIONS (product 'dl.orders');

CREATE FOREIGN TABLE orders (id bigint, item text, _key text, _partition int,
  _offset bigint, _error text, _raw bytea)
  SERVER mesh_dl OPTIONS (product 'dl.orders', on_error 'null');
-- the bad messages with their reasons
SELECT _partition, _offset, _error FROM orders WHERE _error IS NOT NULL ORDER BY _offset;
-- every message; good ones have _error NULL, a tombstone has _raw NULL
SELECT _offset, _key, id, item, _error IS NULL AS good, _raw IS NULL AS no_raw
  FROM orders ORDER BY _offset;
-- _raw is the bytes the peer wrote
SELECT _offset,
       _raw = decode(CASE _offset WHEN 1 THEN 'c3018e7bc79fced7eacb040870656172'
                                  WHEN 2 THEN '05000000010204'
                                  WHEN 3 THEN '007ffffff0020a6170706c65'
                                  WHEN 4 THEN 'c3018e7bc79fced7eacb040a6170' END, 'hex') AS raw_matches
  FROM orders WHERE _offset BETWEEN 1 AND 4 ORDER BY _offset;
-- Confluent framing: 00, the registry's id (not fixed here), the Avro body
SELECT _offset, get_byte(_raw, 0) AS magic,
       substr(_raw, 6) = decode(CASE _offset WHEN 0 THEN '020a6170706c65'
                                             WHEN 5 THEN '0608706c756d' END, 'hex') AS body_matches
  FROM orders WHERE _offset IN (0, 5) ORDER BY _offset;
-- the reason alone, without _raw
SELECT count(*) AS bad FROM orders WHERE _error LIKE '%not in the schema registry';
-- a condition on _error is a local filter, never pushed, and keeps LIMIT
-- from being pushed
EXPLAIN (COSTS OFF) SELECT _offset FROM orders WHERE _error IS NOT NULL AND _offset >= 3 LIMIT 1;
SELECT _offset FROM orders WHERE _error IS NOT NULL AND _offset >= 3 LIMIT 1;
SELECT explain_analyze('SELECT _offset, _error FROM orders WHERE _error IS NOT NULL');

-- on_error 'skip': bad messages are left out, so _error is always NULL
ALTER FOREIGN TABLE orders OPTIONS (SET on_error 'skip');
SELECT _offset, id, _error FROM orders ORDER BY _offset;
-- on_error 'error': the first bad message stops the query as before
ALTER FOREIGN TABLE orders OPTIONS (SET on_error 'error');
SELECT _offset, _error FROM orders;
SELECT _offset, _error, length(_raw) FROM orders WHERE _offset < 2 ORDER BY _offset;

-- mode 'table': the latest value per key; a bad latest value shows why
-- (a), one made good again does not (c), a tombstone removes the key (d)
CREATE FOREIGN TABLE orders_now (id bigint, item text, _key text, _offset bigint,
  _error text, _raw bytea)
  SERVER mesh_dl OPTIONS (product 'dl.orders', mode 'table', on_error 'null');
SELECT _key, _offset, id, item, _error, length(_raw) AS raw_bytes FROM orders_now ORDER BY _key;
SELECT _key, _raw = decode('05000000010204', 'hex') AS raw_matches
  FROM orders_now WHERE _error IS NOT NULL;

-- INSERT: _error and _raw are read-only, like _offset
INSERT INTO orders (id, item, _key, _error) VALUES (9, 'fig', 'e', 'no');
INSERT INTO orders (id, item, _key, _raw) VALUES (9, 'fig', 'e', '\x00');
INSERT INTO orders (id, item, _key, _error, _raw) VALUES (9, 'fig', 'e', NULL, NULL);
SELECT _offset, _key, id, item, _error FROM orders WHERE _offset = 7;

-- IMPORT FOREIGN SCHEMA does not add them
CREATE SCHEMA dl;
IMPORT FOREIGN SCHEMA dl FROM SERVER mesh_dl INTO dl;
SELECT attname FROM pg_attribute WHERE attrelid = 'dl.orders'::regclass AND attnum > 0
 ORDER BY attnum;

-- JSON: invalid JSON, not an object, a value out of range for its column
\! scripts/peer create-topic regress_dl_json
\! printf '%s\n' '{"value": {"n": 1, "s": "a"}}' | scripts/peer produce regress_dl_json --value-format json
\! printf '7b226e223a20\n5b312c20325d\n' | scripts/peer produce-raw regress_dl_json --hex
\! printf '%s\n' '{"value": {"n": 3000000000, "s": "b"}}' | scripts/peer produce regress_dl_json --value-format json
CREATE FOREIGN TABLE json_dl (n int, s text, _offset bigint, _error text, _raw bytea)
  SERVER mesh_dl OPTIONS (topic 'regress_dl_json', value_format 'json', on_error 'null');
SELECT _offset, n, s, _error FROM json_dl ORDER BY _offset;
SELECT _offset,
       _raw = decode(CASE _offset WHEN 0 THEN '7b226e223a312c2273223a2261227d'
                                  WHEN 1 THEN '7b226e223a20'
                                  WHEN 2 THEN '5b312c20325d'
                                  WHEN 3 THEN '7b226e223a333030303030303030302c2273223a2262227d' END,
                     'hex') AS raw_matches
  FROM json_dl ORDER BY _offset;
SELECT _offset, convert_from(_raw, 'UTF8') AS raw FROM json_dl WHERE _error IS NOT NULL ORDER BY _offset;

DROP SCHEMA dl CASCADE;
DROP SERVER mesh_dl CASCADE;
\! scripts/peer delete-topic regress_dl_catalog regress_dl_orders regress_dl_json
\! scripts/peer delete-subject regress_dl_orders-value
