--
-- Protobuf schemas that import other registry subjects (references):
-- files confluent-kafka's ProtobufSerializer registered itself (base64
-- FileDescriptorProtos, each import under its file name), and .proto text
-- registered through the REST API with explicit references; then
-- republishing a product checks that the new schema reads the old data
--
\getenv brokers MESH_BROKERS
\getenv registry MESH_SCHEMA_REGISTRY
\! scripts/peer delete-topic regress_pbrefs_catalog regress_pbrefs_pay regress_pbrefs_stock regress_pbrefs_fkbad regress_pbrefs_fkcycle regress_pbrefs_fkdeep regress_pbrefs_fkbigver regress_pbrefs_fkbigid
\! scripts/peer delete-subject regress_pbrefs_pay-value
\! scripts/peer delete-subject regress_pbrefs_stock-value
\! scripts/peer delete-subject regress_pbrefs_orphan-value
\! scripts/peer delete-subject regress_pbrefs_money.proto
\! scripts/peer delete-subject regress_pbrefs_common.proto
\! scripts/peer delete-subject regress_pbrefs_item.proto
\! scripts/peer create-topic regress_pbrefs_pay --partitions 1
\! scripts/peer create-topic regress_pbrefs_stock --partitions 1
CREATE SERVER mesh_pbrefs FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_pbrefs_catalog', schema_registry :'registry');

-- the serializer registers regress_pbrefs_common.proto, then
-- regress_pbrefs_money.proto (which imports it) and the payment schema
-- with references to both (not to google/protobuf/timestamp.proto)
\! scripts/peer produce-protobuf regress_pbrefs_pay --proto test/data/protobuf_refs/regress_pbrefs_payment.proto --message shop.pay.Payment --input test/data/protobuf_refs/payments.jsonl
CREATE FOREIGN TABLE pbrefs_pay (
  id bigint, amount jsonb, currency text, fees jsonb, by_account jsonb,
  channel text, accepted text[], note text, _key text)
  SERVER mesh_pbrefs OPTIONS (topic 'regress_pbrefs_pay', value_format 'protobuf');
-- value for value what the peer wrote (test/data/protobuf_refs/payments.jsonl)
SELECT _key, id, currency, channel, accepted, note FROM pbrefs_pay ORDER BY id;
SELECT _key, amount, fees, by_account FROM pbrefs_pay ORDER BY id;
SELECT amount->'unit'->>'name' AS unit, (amount->>'units')::int AS units,
       amount->>'as_of' AS as_of
  FROM pbrefs_pay WHERE _key = 'p1';

-- a product: the record keeps the references resolved, so that the views
-- and IMPORT FOREIGN SCHEMA read them without the registry
SELECT mesh.publish_data_product(domain => 'pbrefs', name => 'payments',
  topic => 'regress_pbrefs_pay', owner => '@regress', description => 'payments in Protobuf',
  value_format => 'protobuf');
SELECT r->>'name' AS name, r->>'subject' AS subject, r->'version' AS version,
       length(r->>'schema') > 0 AS has_schema
  FROM mesh.data_product_events e,
       jsonb_array_elements(e.descriptor->'protobuf'->'references') r
  WHERE qualified_name = 'pbrefs.payments' ORDER BY 1;
SELECT "position", field, avro_type AS protobuf_type, pg_type, nullable
  FROM mesh.data_product_fields WHERE qualified_name = 'pbrefs.payments' ORDER BY "position";
CREATE SCHEMA pbrefs_import;
IMPORT FOREIGN SCHEMA pbrefs FROM SERVER mesh_pbrefs INTO pbrefs_import;
\d pbrefs_import.payments
SELECT id, amount->'currency_code' AS currency_code, currency, channel, accepted
  FROM pbrefs_import.payments ORDER BY id;
-- a product's table checks its columns against the imported types too
CREATE FOREIGN TABLE pbrefs_nofield (nosuch int) SERVER mesh_pbrefs
  OPTIONS (product 'pbrefs.payments');
-- INSERT encodes with the imported message and enum (the product's
-- stored references), and the peer's ProtobufDeserializer reads it back
INSERT INTO pbrefs_import.payments (_key, id, amount, currency, fees, by_account, channel, accepted, note)
  VALUES ('p9', 9, '{"currency_code": "CHF", "units": 4, "nanos": 250000000, "unit": {"name": "rappen"}}',
          'USD', '[{"currency_code": "CHF", "units": 1}]', '{"acct-9": {"currency_code": "CHF", "units": 2}}',
          'WEB', '{USD,EUR}', 'written by mesh_fdw');
SELECT id, amount, currency, fees, by_account, channel, accepted, note
  FROM pbrefs_pay WHERE _key = 'p9';
\! scripts/peer consume regress_pbrefs_pay --value-format protobuf --proto test/data/protobuf_refs/regress_pbrefs_payment.proto --message shop.pay.Payment --fields key,value | grep '"key":"p9"'

-- .proto text with an explicit reference (the peer registers
-- regress_pbrefs_item.proto first, then the schema referencing it)
\! scripts/peer produce-protobuf regress_pbrefs_stock --proto test/data/protobuf_refs/stock/regress_pbrefs_stock.proto --message stock.Stock --register text --input test/data/protobuf_refs/stock/stock.jsonl
CREATE FOREIGN TABLE pbrefs_stock (id int, item jsonb, qty int, bin jsonb, _key text)
  SERVER mesh_pbrefs OPTIONS (topic 'regress_pbrefs_stock', value_format 'protobuf');
SELECT _key, id, item, qty, bin FROM pbrefs_stock ORDER BY id;
SELECT mesh.publish_data_product(domain => 'pbrefs', name => 'stock',
  topic => 'regress_pbrefs_stock', owner => '@regress', description => 'stock in Protobuf text',
  value_format => 'protobuf');
SELECT field, avro_type AS protobuf_type, pg_type
  FROM mesh.data_product_fields WHERE qualified_name = 'pbrefs.stock' ORDER BY "position";

-- republishing: a new schema that cannot read the data already written
-- (a field's wire type changed in the schema and in the referenced file,
-- a message gone) is refused, each difference in the DETAIL
\! scripts/peer register-protobuf regress_pbrefs_stock-value --proto test/data/protobuf_refs/stock_v2/regress_pbrefs_stock.proto
SELECT mesh.publish_data_product(domain => 'pbrefs', name => 'stock', value_format => 'protobuf');
SELECT version, descriptor->'protobuf'->'version' AS schema_version
  FROM mesh.data_product_events WHERE qualified_name = 'pbrefs.stock' ORDER BY version;
-- a compatible one (a field renamed, keeping its number and type group,
-- a field added) is taken; foreign tables map columns to fields by name
\! scripts/peer register-protobuf regress_pbrefs_stock-value --proto test/data/protobuf_refs/stock_v3/regress_pbrefs_stock.proto
SELECT mesh.publish_data_product(domain => 'pbrefs', name => 'stock', value_format => 'protobuf');
SELECT field, avro_type AS protobuf_type, pg_type
  FROM mesh.data_product_fields WHERE qualified_name = 'pbrefs.stock' ORDER BY "position";
CREATE FOREIGN TABLE pbrefs_stock_v3 (id int, qty int, _key text)
  SERVER mesh_pbrefs OPTIONS (product 'pbrefs.stock');
CREATE FOREIGN TABLE pbrefs_stock_v3 (id int, quantity bigint, note text, _key text)
  SERVER mesh_pbrefs OPTIONS (product 'pbrefs.stock');
-- messages are read with their writer's schema, and columns map to its
-- fields by name: those written with version 1 name field 3 "qty", so
-- "quantity" reads NULL for them (as does "note", which they lack)
SELECT _key, id, quantity, note FROM pbrefs_stock_v3 ORDER BY id;

-- an import the registry has no reference for
\! scripts/peer register-protobuf regress_pbrefs_orphan-value --proto test/data/protobuf_refs/bad/regress_pbrefs_orphan.proto
SELECT mesh.publish_data_product(domain => 'pbrefs', name => 'orphan',
  topic => 'regress_pbrefs_orphan', owner => '@regress', description => 'x',
  value_format => 'protobuf');

-- a registry whose answers are hostile: an INSERT into a topic without a
-- product resolves the references of its subject's latest schema.  The
-- same ERROR twice: the first must not leave a half-made cache entry
\! scripts/peer create-topic regress_pbrefs_fkbad --partitions 1
\! scripts/peer create-topic regress_pbrefs_fkcycle --partitions 1
\! scripts/peer create-topic regress_pbrefs_fkdeep --partitions 1
\! scripts/peer create-topic regress_pbrefs_fkbigver --partitions 1
\! scripts/peer create-topic regress_pbrefs_fkbigid --partitions 1
\! rm -f results/fake_registry.port; python3 test/fake_registry.py results/fake_registry.port > /dev/null 2>&1 &
\! for i in $(seq 1 50); do test -f results/fake_registry.port && break; sleep 0.1; done
\set fake_registry_port `cat results/fake_registry.port`
SELECT 'http://127.0.0.1:' || :'fake_registry_port' AS fake_registry \gset
CREATE SERVER mesh_pbrefs_fake FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_pbrefs_catalog',
           schema_registry :'fake_registry');
CREATE FOREIGN TABLE pbrefs_fake (id int) SERVER mesh_pbrefs_fake
  OPTIONS (topic 'regress_pbrefs_fkbad', value_format 'protobuf');
INSERT INTO pbrefs_fake VALUES (1);
INSERT INTO pbrefs_fake VALUES (1);
-- a cycle of imports through the registry: an ERROR, not a hang
ALTER FOREIGN TABLE pbrefs_fake OPTIONS (SET topic 'regress_pbrefs_fkcycle');
INSERT INTO pbrefs_fake VALUES (1);
-- references without end stop at the depth limit
ALTER FOREIGN TABLE pbrefs_fake OPTIONS (SET topic 'regress_pbrefs_fkdeep');
INSERT INTO pbrefs_fake VALUES (1);
-- a version beyond int32 is refused, not truncated to another version
ALTER FOREIGN TABLE pbrefs_fake OPTIONS (SET topic 'regress_pbrefs_fkbigver');
INSERT INTO pbrefs_fake VALUES (1);
-- so is a schema id beyond int32: truncated, the framing would name another
ALTER FOREIGN TABLE pbrefs_fake OPTIONS (SET topic 'regress_pbrefs_fkbigid');
INSERT INTO pbrefs_fake VALUES (1);
\! python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$(cat results/fake_registry.port)/quit')" > /dev/null 2>&1 || true
DROP SERVER mesh_pbrefs_fake CASCADE;

DROP SCHEMA pbrefs_import CASCADE;
DROP SERVER mesh_pbrefs CASCADE;
\! scripts/peer delete-topic regress_pbrefs_catalog regress_pbrefs_pay regress_pbrefs_stock regress_pbrefs_fkbad regress_pbrefs_fkcycle regress_pbrefs_fkdeep regress_pbrefs_fkbigver regress_pbrefs_fkbigid
