--
-- INSERT produces: every type round trip, keys, partitions, timestamps,
-- headers, refusals; tombstones; Kafka transactions
--
SET timezone = 'UTC';
\getenv brokers MESH_BROKERS
\getenv registry MESH_SCHEMA_REGISTRY
\! scripts/peer delete-topic regress_prod_catalog regress_prod_types regress_prod_strict regress_prod_reg regress_prod_json regress_prod_keys regress_prod_big regress_prod_users regress_prod_txn
\! scripts/peer delete-subject regress_prod_reg-value
CREATE SERVER mesh_prod FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_prod_catalog');
\set types_schema `cat test/data/peer-types.avsc`
SELECT mesh.publish_data_product(domain => 'prod', name => 'types',
  topic => 'regress_prod_types', owner => '@regress', description => 'every type',
  schema => :'types_schema', partitions => 1);
CREATE SCHEMA prod;
IMPORT FOREIGN SCHEMA prod FROM SERVER mesh_prod INTO prod;

-- every type, written by mesh_fdw (single-object: the server has no
-- registry) and read back
INSERT INTO prod.types (b, i, l, f, d, s, by, fx, e, ai, ms, rec, opt, choice,
    dec, decfx, day, tms, tus, tsms, tsus, ltsms, ltsus, id, _key)
VALUES
  (true, -2147483648, 9007199254740993, 1.5, 0.1, 'héllo ☃', '\x00ff10', 'ab\377c',
   'BLUE', '{1,2,3}', '{"a": "x", "b": "y"}', '{"x": 1, "y": -2.5}', 'here', '42',
   -12345.678, 0.01, '2024-02-29', '12:34:56.789', '23:59:59.999999',
   '2024-01-02 03:04:05.123+00', '2024-01-02 03:04:05.123456+00',
   '1969-12-31 23:59:59.999', '2024-01-02 03:04:05', '123e4567-e89b-12d3-a456-426614174000', 'k1'),
  (false, 0, -1, 'NaN', '-Infinity', '', '\x', '\x00000000', 'RED', '{}', '{}',
   '{"x": 0, "y": 0}', NULL, '"42"', 0, -9999999999999999.99, '1970-01-01', '00:00:00',
   '00:00:00.000001', '1969-12-31 23:59:59.999+00', '1970-01-01 00:00:00+00',
   '1970-01-01', '1970-01-01 00:00:00.000001', '00000000-0000-0000-0000-000000000000', 'k2');
SELECT _key, b, i, l, f, d, s, by, fx, e, ai, ms, rec, opt, choice FROM prod.types ORDER BY _offset;
SELECT _key, dec, decfx, day, tms, tus, tsms, tsus, ltsms, ltsus, id, color2 FROM prod.types ORDER BY _offset;
-- ... and by a client that is not mesh_fdw (fastavro)
\! scripts/peer consume regress_prod_types --value-format avro --schema test/data/peer-types.avsc --fields offset,key,value

-- a row that does not fit is refused, naming the field, before it is sent
SELECT mesh.publish_data_product(domain => 'prod', name => 'strict',
  topic => 'regress_prod_strict', owner => '@regress', description => 'refusals', partitions => 1,
  schema => '{"type":"record","name":"Strict","fields":[{"name":"qty","type":"int"},{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":5,"scale":2}},{"name":"note","type":["null","string"],"default":null}]}');
CREATE FOREIGN TABLE prod.strict (qty bigint, amount numeric, note text)
  SERVER mesh_prod OPTIONS (product 'prod.strict');
INSERT INTO prod.strict VALUES (NULL, 1, 'a NULL for a non-nullable field');
INSERT INTO prod.strict VALUES (3000000000, 1, 'out of range for an Avro int');
INSERT INTO prod.strict VALUES (1, 1234.5, 'more digits than the precision');
INSERT INTO prod.strict VALUES (1, 1.001, 'more scale than the field');
INSERT INTO prod.strict VALUES (1, 1.1, 'fits'), (2, -999.99, NULL), (3, 1.500, 'zeros beyond the scale are fine');
INSERT INTO prod.types (b, i) VALUES (NULL, 1);
SELECT count(*) FROM prod.types;
SELECT qty, amount, note FROM prod.strict ORDER BY qty;

-- with a schema registry: Confluent framing with the registry's id
ALTER SERVER mesh_prod OPTIONS (ADD schema_registry :'registry');
SELECT mesh.publish_data_product(domain => 'prod', name => 'reg',
  topic => 'regress_prod_reg', owner => '@regress', description => 'registry',
  schema => '{"type":"record","name":"foo","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int","default":0}]}',
  partitions => 1);
CREATE FOREIGN TABLE reg (f1 boolean, f2 int) SERVER mesh_prod OPTIONS (product 'prod.reg');
INSERT INTO reg VALUES (true, 7), (false, 8);
CREATE FOREIGN TABLE reg_f1 (f1 boolean) SERVER mesh_prod OPTIONS (product 'prod.reg');
INSERT INTO reg_f1 VALUES (true);      -- f2 takes its default
SELECT f1, f2 FROM reg;
\! kcat -b $MESH_BROKERS -C -t regress_prod_reg -o beginning -e -q -f '%s\n' | head -c 1 | xxd -p
\! scripts/peer consume regress_prod_reg --value-format avro --fields offset,value
ALTER SERVER mesh_prod OPTIONS (DROP schema_registry);

-- JSON, keys, partitions, timestamps, headers
SELECT mesh.publish_data_product(domain => 'prod', name => 'json',
  topic => 'regress_prod_json', owner => '@regress', description => 'json',
  value_format => 'json', partitions => 3);
CREATE FOREIGN TABLE json_out (n int, s text, tags text[], doc jsonb, at timestamptz,
  _key text, _partition int, _timestamp timestamptz, _headers jsonb, _offset bigint)
  SERVER mesh_prod OPTIONS (product 'prod.json');
INSERT INTO json_out (n, s, tags, doc, at, _key, _partition, _timestamp, _headers) VALUES
  (1, 'one', '{a,b}', '{"x": [1, null]}', '2024-01-01 00:00:00+00', 'k1', 2,
   '2024-05-06 07:08:09.123+00', '{"trace": "abc", "bin": "\\xff00", "none": null}'),
  (2, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL);
SELECT n, s, tags, doc, at, _key, _partition,
       CASE WHEN n = 1 THEN _timestamp::text ELSE 'set by Kafka' END AS ts, _headers
  FROM json_out ORDER BY n;
\! scripts/peer consume regress_prod_json --value-format json --fields partition,key,value,headers

-- keys land where the Java client puts them (murmur2): mesh_fdw and a
-- peer with librdkafka's murmur2_random agree on every key's partition
SELECT mesh.publish_data_product(domain => 'prod', name => 'keys',
  topic => 'regress_prod_keys', owner => '@regress', description => 'keys',
  value_format => 'text', partitions => 6);
CREATE FOREIGN TABLE keys (value text, _key text, _partition int)
  SERVER mesh_prod OPTIONS (product 'prod.keys');
INSERT INTO keys (value, _key) SELECT 'sql', 'key-' || g FROM generate_series(1, 50) g;
\! python3 -c "import json; [print(json.dumps({'key': f'key-{g}', 'value': 'peer'})) for g in range(1, 51)]" | scripts/peer produce regress_prod_keys --value-format text --partitioner murmur2_random
SELECT count(*) AS keys, count(*) FILTER (WHERE partitions = 1) AS agree,
       count(DISTINCT p) AS partitions_used
  FROM (SELECT _key, count(DISTINCT _partition) AS partitions, min(_partition) AS p
          FROM keys GROUP BY _key) k;

-- a message bigger than a scan's fetch size (256 kB) comes whole, between
-- small ones
SELECT mesh.publish_data_product(domain => 'prod', name => 'big',
  topic => 'regress_prod_big', owner => '@regress', description => 'big',
  value_format => 'text', partitions => 1);
CREATE FOREIGN TABLE big (value text, _offset bigint)
  SERVER mesh_prod OPTIONS (product 'prod.big');
INSERT INTO big (value) VALUES ('small'), (repeat('x', 900000)), ('small again');
SELECT _offset, length(value), md5(value) = md5(repeat('x', 900000)) AS intact
  FROM big ORDER BY _offset;

-- table mode: DELETE ... WHERE _key = ... writes a tombstone
SELECT mesh.publish_data_product(domain => 'prod', name => 'users',
  topic => 'regress_prod_users', owner => '@regress', description => 'users',
  value_format => 'json', mode => 'table', partitions => 2);
CREATE FOREIGN TABLE users (name text, _key text) SERVER mesh_prod OPTIONS (product 'prod.users');
INSERT INTO users VALUES ('Ann', 'u1'), ('Bob', 'u2'), ('Cid', 'u3'), ('Ann B.', 'u1');
SELECT _key, name FROM users ORDER BY 1;
EXPLAIN (COSTS OFF) DELETE FROM users WHERE _key = 'u2';
DELETE FROM users WHERE _key = 'u2';
DELETE FROM users WHERE _key IN ('u3', 'nobody');
SELECT _key, name FROM users ORDER BY 1;
DELETE FROM users WHERE name = 'Ann B.';
UPDATE users SET name = 'x';
DELETE FROM json_out WHERE _key = 'k1';

-- Kafka transactions: one per PostgreSQL transaction
SELECT mesh.publish_data_product(domain => 'prod', name => 'txn',
  topic => 'regress_prod_txn', owner => '@regress', description => 'txn',
  value_format => 'json', partitions => 2);
CREATE FOREIGN TABLE txn (n int, _partition int) SERVER mesh_prod
  OPTIONS (product 'prod.txn', transactional 'true');
BEGIN;
INSERT INTO txn SELECT g, g % 2 FROM generate_series(1, 5) g;
-- not visible before COMMIT, even to this session (read_committed)
SELECT count(*) FROM txn;
COMMIT;
-- visible as soon as COMMIT returns
SELECT count(*), sum(n) FROM txn;
BEGIN;
INSERT INTO txn VALUES (100, 0), (200, 1);
ROLLBACK;
SELECT count(*), sum(n) FROM txn;
-- the aborted messages are in the topic, but no read_committed reader sees them
\! scripts/peer consume regress_prod_txn --value-format json --isolation read_uncommitted --fields value | grep -c '"n":[12]00' || true
\! scripts/peer consume regress_prod_txn --value-format json --fields value | grep -c '"n":[12]00' || true
-- an error aborts the Kafka transaction too
BEGIN;
INSERT INTO txn VALUES (300, 0);
SELECT 1 / 0;
COMMIT;
SELECT count(*), sum(n) FROM txn;
-- messages cannot be taken back by ROLLBACK TO SAVEPOINT: COMMIT fails
BEGIN;
INSERT INTO txn VALUES (400, 0);
SAVEPOINT s1;
INSERT INTO txn VALUES (500, 1);
ROLLBACK TO SAVEPOINT s1;
COMMIT;
SELECT count(*), sum(n) FROM txn;
-- ... nor by an exception block
DO $$
BEGIN
  BEGIN
    INSERT INTO txn VALUES (600, 0);
    RAISE EXCEPTION 'oops';
  EXCEPTION WHEN OTHERS THEN NULL;
  END;
END $$;
SELECT count(*), sum(n) FROM txn;
-- a savepoint that produced nothing is harmless
BEGIN;
SAVEPOINT s2;
ROLLBACK TO SAVEPOINT s2;
INSERT INTO txn VALUES (700, 1);
COMMIT;
SELECT count(*), sum(n) FROM txn;
-- no two-phase commit with Kafka
BEGIN;
INSERT INTO txn VALUES (800, 0);
PREPARE TRANSACTION 'mesh_regress';
SELECT count(*), sum(n) FROM txn;

DROP SCHEMA prod CASCADE;
DROP SERVER mesh_prod CASCADE;
