--
-- JSON Schema from the schema registry: value_format 'json' also reads
-- Confluent framing (00 + 4-byte schema id + JSON text) and checks each
-- value against the writer's JSON Schema; IMPORT takes the columns from
-- the registry's subject <topic>-value, INSERT frames and checks rows.
-- The other side is confluent-kafka's JSONSerializer/JSONDeserializer.
--
\getenv brokers MESH_BROKERS
\getenv registry MESH_SCHEMA_REGISTRY
\! scripts/peer delete-topic regress_js_catalog regress_js_orders regress_js_plain
\! scripts/peer delete-subject regress_js_orders-value
\! scripts/peer delete-subject regress_js_plain-value
\! scripts/peer delete-subject regress_js_plain2-value
\! scripts/peer create-topic regress_js_orders --partitions 1
\! scripts/peer create-topic regress_js_plain --partitions 1
CREATE SERVER mesh_js FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_js_catalog', schema_registry :'registry');

-- 0, 1: good values, written by JSONSerializer (which registers the schema
-- under regress_js_orders-value, schemaType JSON)
\! scripts/peer produce regress_js_orders --value-format json-schema --schema test/data/json-schema-order.json --input test/data/json-schema-good.jsonl
-- 2-14: values that break the schema, one keyword each (the serializer
-- told not to check them)
\! scripts/peer produce regress_js_orders --value-format json-schema --schema test/data/json-schema-order.json --no-validate --input test/data/json-schema-bad.jsonl
-- 15: plain JSON on the same topic (no framing: nothing to check against);
-- 16: a schema id the registry does not know
\! printf '%s\n' '{"key": "p", "value": {"id": -1, "item": "unframed one", "status": "any"}}' | scripts/peer produce regress_js_orders --value-format json
\! printf '007ffffff07b7d\n' | scripts/peer produce-raw regress_js_orders --hex
-- the JSONDeserializer refuses the same messages (2-14), and 15 and 16,
-- which are not framed or not by a known id
\! scripts/peer consume regress_js_orders --value-format json-schema --fields offset,value | sed -E 's/\{"\$hex".*\}\}$/"refused"}/'

-- a table on the topic: framed values read value for value
CREATE FOREIGN TABLE orders (id bigint, item text, price float8, qty int,
  status text, paid boolean, day date, at timestamptz, ref uuid, tags jsonb,
  extra jsonb, sku text, _key text, _offset bigint, _error text, _raw bytea)
  SERVER mesh_js OPTIONS (topic 'regress_js_orders', value_format 'json', on_error 'null');
SELECT _offset, _key, id, item, price, qty, status, paid, day, at, ref, tags, extra, sku
  FROM orders WHERE _error IS NULL ORDER BY _offset;
-- the violations, each a bad message whose reason names the property
SELECT _offset, _key, regexp_replace(_error, 'id \d+', 'id N') AS _error,
       id IS NULL AND item IS NULL AS all_null
  FROM orders WHERE _error IS NOT NULL ORDER BY _offset;
-- framed: magic byte 0 and a 4-byte id before the JSON text
SELECT _offset, get_byte(_raw, 0) AS first_byte, convert_from(substr(_raw, 6, 9), 'UTF8') AS text_after_id
  FROM orders WHERE _offset IN (0, 2) ORDER BY _offset;
-- on_error 'skip' leaves them out; 'error' stops at the first
ALTER FOREIGN TABLE orders OPTIONS (SET on_error 'skip');
SELECT _offset, id, status FROM orders ORDER BY _offset;
SELECT count(*) FROM orders;
ALTER FOREIGN TABLE orders OPTIONS (SET on_error 'error');
SELECT id FROM orders;

-- a product on the topic: the record copies the subject's latest JSON
-- Schema under "json_schema" (its "schemas" hold Avro only), which
-- mesh.data_product_fields lists and IMPORT takes the columns from
SELECT mesh.publish_data_product(domain => 'js', name => 'orders',
  topic => 'regress_js_orders', owner => '@regress', description => 'orders',
  value_format => 'json');
SELECT value_format, schema FROM mesh.data_products WHERE qualified_name = 'js.orders';
SELECT descriptor->'json_schema'->>'subject' AS subject,
       (descriptor->'json_schema'->>'id')::int > 0 AS has_id,
       (descriptor->'json_schema'->>'schema')::jsonb->'required' AS required
  FROM mesh.data_product_events WHERE qualified_name = 'js.orders';
SELECT "position", field, avro_type AS json_schema_type, pg_type, nullable, doc
  FROM mesh.data_product_fields WHERE qualified_name = 'js.orders' ORDER BY "position";
-- a JSON Schema mesh_fdw cannot read is refused at publish
\! scripts/peer register regress_js_plain2-value test/data/bad-minimum.schema.json >/dev/null
SELECT mesh.publish_data_product(domain => 'js', name => 'bad',
  topic => 'regress_js_plain2', owner => '@regress', description => 'bad schema',
  value_format => 'json', partitions => 1);
CREATE SCHEMA js;
IMPORT FOREIGN SCHEMA js FROM SERVER mesh_js INTO js;
\d js.orders
ALTER FOREIGN TABLE js.orders OPTIONS (ADD on_error 'skip');
SELECT _offset, _key, id, item, price, qty, status, paid, day, at, ref, tags, extra
  FROM js.orders ORDER BY _offset;

-- INSERT: checked against the schema, written in Confluent framing with
-- the registry's id; a NULL property that may not be null is left out
INSERT INTO js.orders (_key, id, item, price, qty, status, paid, day, at, ref, tags, extra, sku)
  VALUES ('q', 20, 'kiwi', 2.5, 5, 'paid', true, '2026-12-02', '2026-12-02 11:00+00',
          'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '["a"]', '{"note": "yo"}', 'XY-987'),
         ('r', 21, 'lime', NULL, NULL, 'new', NULL, NULL, NULL, NULL, NULL, NULL, NULL);
-- a row that breaks the schema is an ERROR naming the property
INSERT INTO js.orders (_key, id, item, status) VALUES ('s', 0, 'fig', 'new');
INSERT INTO js.orders (_key, id, item, status) VALUES ('s', 22, 'fig', 'lost');
INSERT INTO js.orders (_key, id, item, status, qty) VALUES ('s', 22, 'fig', 'new', 7);
INSERT INTO js.orders (_key, item, status) VALUES ('s', 'fig', 'new');
INSERT INTO js.orders (_key, id, item, status) VALUES ('s', 22, 'a very long name', 'new');
INSERT INTO js.orders (_key, id, item, status, price) VALUES ('s', 22, 'fig', 'new', 0);
INSERT INTO js.orders (_key, id, item, status, extra) VALUES ('s', 22, 'fig', 'new', '{"note": 5}');
INSERT INTO js.orders (_key, id, item, status, tags) VALUES ('s', 22, 'fig', 'new', '"x"');
INSERT INTO js.orders (_key, id, item, status, sku) VALUES ('s', 22, 'fig', 'new', 'ab-123');
-- none of them was written; the two good rows read back here ...
SELECT _offset, _key, id, item, price, qty, status, paid, day, at, ref, tags, extra, sku
  FROM js.orders WHERE _offset > 16 ORDER BY _offset;
-- ... and through the JSONDeserializer (which checks them against the
-- registry's schema by the id they carry)
\! scripts/peer consume regress_js_orders --value-format json-schema --fields offset,key,value | sed -n '18,$p'

-- plain JSON keeps working: a topic with no subject in the registry is
-- read as before, and INSERT writes plain JSON (no framing)
\! printf '%s\n' '{"key": "x", "value": {"id": 1, "item": "plain"}}' | scripts/peer produce regress_js_plain --value-format json
CREATE FOREIGN TABLE plain (id bigint, item text, _raw bytea) SERVER mesh_js
  OPTIONS (topic 'regress_js_plain', value_format 'json');
INSERT INTO plain (id, item) VALUES (2, 'also plain');
SELECT id, item, get_byte(_raw, 0) = ascii('{') AS unframed FROM plain ORDER BY id;
\! scripts/peer consume regress_js_plain --value-format json --fields offset,value
-- an Avro value in Confluent framing on a JSON table is a bad message
\! printf '%s\n' '{"key": "y", "value": {"id": 3, "item": "avro"}}' | scripts/peer produce regress_js_plain --value-format avro-confluent --schema test/data/dead-letters.avsc
ALTER FOREIGN TABLE plain OPTIONS (ADD on_error 'null');
ALTER FOREIGN TABLE plain ADD COLUMN _error text;
SELECT id, item, regexp_replace(_error, 'id \d+', 'id N') AS _error FROM plain ORDER BY id;

-- a framed value on a table of a server without a schema registry
CREATE SERVER mesh_js_noreg FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_js_catalog');
CREATE FOREIGN TABLE orders_noreg (id bigint, _offset bigint, _error text) SERVER mesh_js_noreg
  OPTIONS (topic 'regress_js_orders', value_format 'json', on_error 'null');
SELECT _offset, id, regexp_replace(_error, 'id \d+', 'id N') AS _error
  FROM orders_noreg WHERE _offset IN (0, 15) ORDER BY _offset;

DROP SCHEMA js CASCADE;
DROP SERVER mesh_js CASCADE;
DROP SERVER mesh_js_noreg CASCADE;
\! scripts/peer delete-topic regress_js_catalog regress_js_orders regress_js_plain
\! scripts/peer delete-subject regress_js_orders-value
\! scripts/peer delete-subject regress_js_plain-value
