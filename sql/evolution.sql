--
-- Schema evolution: messages written with older and newer schemas of one
-- product are read in one scan, resolved to the product's current schema
-- by the Avro specification's rules
--
\getenv brokers MESH_BROKERS
\getenv registry MESH_SCHEMA_REGISTRY
\! scripts/peer delete-topic regress_evo_catalog regress_evo_orders
\! scripts/peer delete-subject regress_evo_orders-value
CREATE SERVER mesh_evo FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_evo_catalog', schema_registry :'registry');
\set v1 `cat test/data/evo-v1.avsc`
\set v2 `cat test/data/evo-v2.avsc`

-- v1: id int, amount float, status NEW|PAID, note, legacy
SELECT mesh.publish_data_product(domain => 'sales', name => 'orders',
  topic => 'regress_evo_orders', owner => '@sales', description => 'orders',
  schema => :'v1', partitions => 1);
\! printf '%s\n' '{"value": {"id": 1, "amount": 1.5, "status": "NEW", "note": "first", "legacy": "x"}}' '{"value": {"id": 2, "amount": 2.25, "status": "PAID", "note": "second", "legacy": "y"}}' | scripts/peer produce regress_evo_orders --value-format avro-single --schema test/data/evo-v1.avsc

-- v2: id long (int promoted), amount double (float promoted), status gains
-- SHIPPED and a default, legacy removed, currency added with a default
SELECT mesh.publish_data_product('sales', 'orders', schema => :'v2');
\! printf '%s\n' '{"value": {"id": 3000000000, "amount": 3.125, "status": "SHIPPED", "note": "third", "currency": "USD"}}' | scripts/peer produce regress_evo_orders --value-format avro-single --schema test/data/evo-v2.avsc

-- v3, a newer writer known only to the registry: note as bytes (read as
-- string), a symbol the reader lacks (its default applies), an extra field
\! printf '%s\n' '{"value": {"id": 4, "amount": 4.0, "status": "CANCELLED", "note": "fourth", "currency": "GBP", "channel": "app"}}' | scripts/peer produce regress_evo_orders --value-format avro-confluent --schema test/data/evo-v3.avsc

IMPORT FOREIGN SCHEMA sales FROM SERVER mesh_evo INTO public;
\d orders
SELECT id, amount, status, note, currency, _offset FROM orders ORDER BY _offset;

-- republishing checks backward compatibility: a new field without a
-- default cannot be read from old messages, so it is refused
SELECT mesh.publish_data_product('sales', 'orders', schema =>
  '{"type":"record","name":"Order","namespace":"sales","fields":[{"name":"id","type":"long"},{"name":"region","type":"string"}]}');
-- ... as are a type that does not promote and a dropped enum symbol
SELECT mesh.publish_data_product('sales', 'orders', schema =>
  '{"type":"record","name":"Order","namespace":"sales","fields":[{"name":"id","type":"int"}]}');
SELECT mesh.publish_data_product('sales', 'orders', schema =>
  '{"type":"record","name":"Order","namespace":"sales","fields":[{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","SHIPPED"]}}]}');
SELECT version FROM mesh.data_products WHERE qualified_name = 'sales.orders';

DROP SERVER mesh_evo CASCADE;
