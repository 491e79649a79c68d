--
-- Protobuf: value_format 'protobuf' reads the Confluent framing (magic 0,
-- schema id, message indexes) with the registry's schema, registered as a
-- base64 FileDescriptorProto (confluent-kafka's ProtobufSerializer) or as
-- .proto text (the registry's REST API, framing written by hand); INSERT
-- writes the same framing with the product's (or subject's) schema
--
\getenv brokers MESH_BROKERS
\getenv registry MESH_SCHEMA_REGISTRY
\! scripts/peer delete-topic regress_pb_catalog regress_pb_orders regress_pb_text regress_pb_write regress_pb_noschema
\! scripts/peer delete-subject regress_pb_orders-value
\! scripts/peer delete-subject regress_pb_text-value
\! scripts/peer delete-subject regress_pb_write-value
\! scripts/peer create-topic regress_pb_orders --partitions 1
\! scripts/peer create-topic regress_pb_text --partitions 1
\! scripts/peer create-topic regress_pb_write --partitions 1
CREATE SERVER mesh_pb FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_pb_catalog', schema_registry :'registry');
\! scripts/peer produce-protobuf regress_pb_orders --proto test/data/protobuf/order.proto --message shop.Order --input test/data/protobuf/orders.jsonl

-- the option validator
CREATE FOREIGN TABLE pb_bad_format (id int) SERVER mesh_pb
  OPTIONS (topic 'regress_pb_orders', value_format 'protobuff');
CREATE FOREIGN TABLE pb_bad_message (id int) SERVER mesh_pb
  OPTIONS (topic 'regress_pb_orders', value_format 'protobuf', message '');

CREATE FOREIGN TABLE pb_orders (
  id int, name text, status text, packed_ints int[], unpacked_ints int[],
  counts jsonb, maybe int, at timestamptz, wrapped int, big numeric,
  text text, line jsonb, first_line jsonb, delta int, ratio float8,
  blob bytea, took interval, flag bool, tags text[], total bigint,
  score real, note text, lines jsonb, _key text, _offset bigint)
  SERVER mesh_pb OPTIONS (topic 'regress_pb_orders', value_format 'protobuf');

-- scalars: proto3 fields without presence read as zero values (message 1
-- is empty), optional and wrappers as NULL
SELECT _offset, _key, id, name, status, maybe, wrapped, big, text, delta, ratio,
       blob, took, flag, total, score, note
  FROM pb_orders ORDER BY _offset;
-- Timestamp (as UTC), repeated packed and unpacked, repeated strings
SELECT _offset, at AT TIME ZONE 'UTC' AS at_utc, packed_ints, unpacked_ints, tags
  FROM pb_orders ORDER BY _offset;
-- messages, maps and repeated messages as jsonb; a oneof's members are
-- nullable columns
SELECT _offset, counts, line, first_line, lines FROM pb_orders ORDER BY _offset;
SELECT _offset, line->>'sku' AS sku, (line->>'qty')::int AS qty, counts->>'b' AS b
  FROM pb_orders WHERE line IS NOT NULL;
-- uint64 beyond bigint
SELECT big = 18446744073709551615 AS max_uint64 FROM pb_orders WHERE _key = 'full';
-- a column the message lacks reads NULL
CREATE FOREIGN TABLE pb_lacks (id int, nosuch text) SERVER mesh_pb
  OPTIONS (topic 'regress_pb_orders', value_format 'protobuf');
SELECT id, nosuch FROM pb_lacks ORDER BY id;
-- a column type that does not fit: a bad message
CREATE FOREIGN TABLE pb_misfit (name int) SERVER mesh_pb
  OPTIONS (topic 'regress_pb_orders', value_format 'protobuf');
SELECT name FROM pb_misfit;

-- .proto text through the REST API, the framing written by hand: good
-- messages, a truncated varint, a wrong wire type, a length beyond the
-- message; then a shop.Other (message indexes [1])
\! scripts/peer produce-protobuf regress_pb_text --proto test/data/protobuf/order.proto --message shop.Order --register text --input test/data/protobuf/text-path.jsonl
\! scripts/peer produce-protobuf regress_pb_text --proto test/data/protobuf/order.proto --message shop.Other --register text --input test/data/protobuf/other.jsonl
CREATE FOREIGN TABLE pb_text (id int, name text, packed_ints int[], counts jsonb,
  line jsonb, _key text, _offset bigint, _error text)
  SERVER mesh_pb OPTIONS (topic 'regress_pb_text', value_format 'protobuf', on_error 'null');
SELECT _offset, _key, id, name, packed_ints, counts, line, _error FROM pb_text ORDER BY _offset;
ALTER FOREIGN TABLE pb_text OPTIONS (SET on_error 'skip');
SELECT _offset, _key, id FROM pb_text ORDER BY _offset;
ALTER FOREIGN TABLE pb_text OPTIONS (SET on_error 'error');
SELECT _offset, id FROM pb_text ORDER BY _offset;
-- table option message: the messages of another type are bad
CREATE FOREIGN TABLE pb_other (x int, _key text, _error text) SERVER mesh_pb
  OPTIONS (topic 'regress_pb_text', value_format 'protobuf', message 'shop.Other',
           on_error 'null');
SELECT _key, x, _error FROM pb_other WHERE _error IS NULL OR _key = 'good';
ALTER FOREIGN TABLE pb_other OPTIONS (SET message 'shop.Nope');
SELECT _key, regexp_replace(_error, 'schema id [0-9]+', 'schema id N') AS _error
  FROM pb_other WHERE _key = 'good';

-- INSERT: rows into messages of the subject's latest schema (a table on a
-- topic; a product's table writes with the product's), read back by
-- confluent-kafka's ProtobufDeserializer (after the three it wrote) and by
-- a scan: every field; zero values (written as nothing, but for the
-- optional and the wrapper); edge values
INSERT INTO pb_orders (_key, id, name, status, packed_ints, unpacked_ints, counts, maybe,
  at, wrapped, big, text, line, first_line, delta, ratio, blob, took, flag, tags, total,
  score, note, lines) VALUES
  ('all', 1, 'café', 'PAID', '{1,-2,300}', '{7,8}', '{"b": -1, "a": "5"}', 0,
   '2024-01-02 03:04:05.123456+00', 0, 18446744073709551615, NULL, '{"sku": "X1", "qty": 3}',
   '{"sku": "F"}', -2, 1.5, '\x00ff', '-90.5 seconds', true, '{x,""}', -9007199254740993,
   2.5, 'n', '[{"sku": "l1", "qty": 1}, {}]'),
  ('zero', 0, '', 'UNKNOWN', '{}', '{}', '{}', NULL, NULL, NULL, 0, NULL, NULL, NULL, 0, 0,
   '\x', NULL, false, '{}', 0, 0, NULL, '[]'),
  ('edge', -2147483648, 'ü', 'SHIPPED', '{-1}', '{2147483647}', '{"k": 9223372036854775807}', -1,
   '1969-12-31 23:59:59.5+00', -1, 0, '', NULL, '{}', 2147483647, '-Infinity', '\x00',
   '00:00:00.000001', false, '{""}', -9223372036854775808, 'NaN', '',
   '[{"qty": -1, "sku": "ü"}]');
\! scripts/peer consume regress_pb_orders --value-format protobuf --proto test/data/protobuf/order.proto --message shop.Order --fields offset,key,value | tail -n +4
SELECT _offset, _key, id, name, status, maybe, wrapped, big, text, delta, ratio, blob, took,
       flag, total, score, note
  FROM pb_orders WHERE _offset >= 3 ORDER BY _offset;
SELECT _offset, at AT TIME ZONE 'UTC' AS at_utc, packed_ints, unpacked_ints, tags, counts,
       line, first_line, lines
  FROM pb_orders WHERE _offset >= 3 ORDER BY _offset;
-- what a scan reads, INSERT writes back: the same rows again
INSERT INTO pb_orders (id, name, status, packed_ints, unpacked_ints, counts, maybe, at, wrapped,
  big, text, line, first_line, delta, ratio, blob, took, flag, tags, total, score, note, lines, _key)
  SELECT id, name, status, packed_ints, unpacked_ints, counts, maybe, at, wrapped, big, text,
         line, first_line, delta, ratio, blob, took, flag, tags, total, score, note, lines, _key
  FROM pb_orders WHERE _offset BETWEEN 3 AND 5;
SELECT count(*) AS rows, count(DISTINCT (id, name, status, packed_ints, unpacked_ints, counts,
       maybe, at, wrapped, big, text, line, first_line, delta, ratio, blob, took, flag, tags,
       total, score, note, lines)) AS distinct_rows
  FROM pb_orders WHERE _offset >= 3;
-- a subject registered as .proto text; fields without a column are absent
-- (their zero values); INSERT ... SELECT and RETURNING; column defaults
-- stand in for zero values
\! scripts/peer produce-protobuf regress_pb_write --proto test/data/protobuf/order.proto --message shop.Order --register text --input /dev/null
CREATE FOREIGN TABLE pb_write_some (id int DEFAULT 0, status text DEFAULT 'UNKNOWN',
  big numeric DEFAULT 0, text text, line jsonb, took interval, at timestamptz,
  packed_ints int[] DEFAULT '{}', counts jsonb DEFAULT '{}', first_line jsonb, name text DEFAULT '',
  _key text, _offset bigint)
  SERVER mesh_pb OPTIONS (topic 'regress_pb_write', value_format 'protobuf');
INSERT INTO pb_write_some (_key, id, status) SELECT 'gen' || i, i, 'PAID' FROM generate_series(1, 3) i;
INSERT INTO pb_write_some (_key, id, big) VALUES ('ret', 7, 70) RETURNING _key, id, big, status;
SELECT _offset, _key, id, name, status, big FROM pb_write_some ORDER BY _offset;
-- rows that do not fit the message: nothing of them is written
INSERT INTO pb_orders (_key) VALUES ('null');
INSERT INTO pb_write_some (status) VALUES ('LOST');
INSERT INTO pb_write_some (text, line) VALUES ('t', '{}');
INSERT INTO pb_write_some (big) VALUES (18446744073709551616);
INSERT INTO pb_write_some (big) VALUES (-1);
INSERT INTO pb_write_some (big) VALUES (1.5);
INSERT INTO pb_write_some (took) VALUES ('1 day');
-- an infinite interval (PostgreSQL 17 on) is refused as infinite, not as
-- days and months (which it is stored as); silent where it passes
DO $$
BEGIN
  IF current_setting('server_version_num')::int >= 170000 THEN
    EXECUTE $q$INSERT INTO pb_write_some (took) VALUES ('-infinity')$q$;
    RAISE EXCEPTION 'an infinite interval was written';
  END IF;
EXCEPTION WHEN datetime_field_overflow THEN
  IF SQLERRM NOT LIKE '%is infinite, which a google.protobuf.Duration cannot hold' THEN
    RAISE EXCEPTION 'infinite interval: %', SQLERRM;
  END IF;
END $$;
INSERT INTO pb_write_some (at) VALUES ('infinity');
INSERT INTO pb_write_some (packed_ints) VALUES ('{1,NULL}');
INSERT INTO pb_write_some (first_line) VALUES ('{"sku": "a", "nope": 1}');
INSERT INTO pb_write_some (counts) VALUES ('{"a": "x"}');
INSERT INTO pb_write_some (line) VALUES ('[1]');
SELECT count(*) FROM pb_write_some;
CREATE FOREIGN TABLE pb_write_nofield (nosuch int) SERVER mesh_pb
  OPTIONS (topic 'regress_pb_write', value_format 'protobuf');
INSERT INTO pb_write_nofield VALUES (1);
ALTER FOREIGN TABLE pb_write_some OPTIONS (ADD message 'shop.Nope');
INSERT INTO pb_write_some (id) VALUES (1);
-- message shop.Other: message indexes [1] in the framing
ALTER FOREIGN TABLE pb_write_nofield OPTIONS (ADD message 'shop.Other', on_error 'skip');
ALTER FOREIGN TABLE pb_write_nofield RENAME COLUMN nosuch TO x;
INSERT INTO pb_write_nofield VALUES (5);
SELECT x FROM pb_write_nofield;
-- a topic whose subject has no Protobuf schema
\! scripts/peer create-topic regress_pb_noschema --partitions 1
CREATE FOREIGN TABLE pb_noschema (id int) SERVER mesh_pb
  OPTIONS (topic 'regress_pb_noschema', value_format 'protobuf');
INSERT INTO pb_noschema VALUES (1);

-- a data product: its schema is the registry's latest of <topic>-value,
-- kept in the catalog record's key "protobuf" (not in "schemas", which
-- readers parse as Avro)
SELECT mesh.publish_data_product(domain => 'pb', name => 'orders',
  topic => 'regress_pb_orders', owner => '@regress', description => 'orders in Protobuf',
  value_format => 'protobuf');
SELECT value_format, schema FROM mesh.data_products WHERE qualified_name = 'pb.orders';
SELECT descriptor->'schemas' AS schemas, descriptor->'protobuf'->>'subject' AS subject,
       descriptor->'protobuf'->'version' AS version,
       left(descriptor->'protobuf'->>'schema', 12) AS schema_start
  FROM mesh.data_product_events WHERE qualified_name = 'pb.orders';
-- its fields, with the Protobuf types
SELECT "position", field, avro_type AS protobuf_type, pg_type, nullable
  FROM mesh.data_product_fields WHERE qualified_name = 'pb.orders' ORDER BY "position";
-- a schema argument is refused; so is a topic whose subject has none
SELECT mesh.publish_data_product(domain => 'pb', name => 'given',
  topic => 'regress_pb_text', owner => '@regress', description => 'x',
  value_format => 'protobuf', schema => 'syntax = "proto3"; message M { int32 a = 1; }');
SELECT mesh.publish_data_product(domain => 'pb', name => 'none',
  topic => 'regress_pb_nosubject', owner => '@regress', description => 'x',
  value_format => 'protobuf');
-- IMPORT FOREIGN SCHEMA: a column per field of the first message
CREATE SCHEMA pb_import;
IMPORT FOREIGN SCHEMA pb FROM SERVER mesh_pb INTO pb_import;
\d pb_import.orders
-- a column of a product's table must name a field of its message
CREATE FOREIGN TABLE pb_nofield (nosuch int) SERVER mesh_pb OPTIONS (product 'pb.orders');
CREATE FOREIGN TABLE pb_nomessage (id int) SERVER mesh_pb
  OPTIONS (product 'pb.orders', message 'shop.Nope');
CREATE FOREIGN TABLE pb_other_product (x int) SERVER mesh_pb
  OPTIONS (product 'pb.orders', message 'shop.Other');
DROP FOREIGN TABLE pb_other_product;
SELECT _offset, id, name, status, big, at AT TIME ZONE 'UTC' AS at_utc, took, counts,
       packed_ints, tags, text, line
  FROM pb_import.orders ORDER BY _offset;
-- a product's table writes with the product's schema (its registry id)
CREATE FOREIGN TABLE pb_product_write (id int, name text, status text, _key text)
  SERVER mesh_pb OPTIONS (product 'pb.orders');
INSERT INTO pb_product_write VALUES (9, 'written', 'SHIPPED', 'written');
SELECT _offset, id, name, status, big, text, line FROM pb_import.orders WHERE _key = 'written';
\! scripts/peer consume regress_pb_orders --value-format protobuf --proto test/data/protobuf/order.proto --message shop.Order --fields key,value | grep '"key":"written"'
-- IMPORT gives the columns of fields without presence their zero values
-- as DEFAULTs: an INSERT that leaves them out writes what a serializer
-- leaving them unset writes
INSERT INTO pb_import.orders (_key, id, name) VALUES ('defaults', 10, 'few columns');
SELECT id, name, status, packed_ints, counts, big, blob, flag, tags, lines, maybe, note
  FROM pb_import.orders WHERE _key = 'defaults';
DROP SCHEMA pb_import CASCADE;

DROP SERVER mesh_pb CASCADE;
\! scripts/peer delete-topic regress_pb_catalog regress_pb_orders regress_pb_text regress_pb_write regress_pb_noschema
