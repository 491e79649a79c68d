--
-- IMPORT FOREIGN SCHEMA: one foreign table per product of a domain; the
-- generated DDL quotes every name
--
\getenv brokers MESH_BROKERS
\! scripts/peer delete-topic regress_imp_catalog regress_imp_a regress_imp_b regress_imp_c
CREATE SERVER "mesh ""imp"" server" FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_imp_catalog');
SELECT mesh.publish_data_product(domain => 'shop', name => 'select',
  topic => 'regress_imp_a', owner => '@shop', description => 'a reserved word',
  schema => '{"type":"record","name":"R","fields":[{"name":"from","type":"int"},{"name":"_offset","type":"string"},{"name":"Mixed_Case","type":"double"}]}',
  key_format => 'json', partitions => 1);
SELECT mesh.publish_data_product(domain => 'shop', name => 'orders',
  topic => 'regress_imp_b', owner => '@shop', description => 'orders',
  schema => '{"type":"record","name":"O","fields":[{"name":"id","type":"long"}]}',
  partitions => 1);
SELECT mesh.publish_data_product(domain => 'shop', name => 'raw',
  topic => 'regress_imp_c', owner => '@shop', description => 'text',
  value_format => 'text', key_format => 'bytes', partitions => 1);
-- a hostile record written straight into the catalog is refused
\! printf '%s\n' 'shop.x"; DROP TABLE t; --:{"domain":"shop","name":"x\"; DROP TABLE t; --","topic":"regress_imp_b","owner":"o","description":"d","version":1,"value_format":"json"}' | kcat -b $MESH_BROKERS -P -t regress_imp_catalog -K:

CREATE SCHEMA "shop ""local""";
IMPORT FOREIGN SCHEMA shop FROM SERVER "mesh ""imp"" server" INTO "shop ""local""";
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
 WHERE n.nspname = 'shop "local"' ORDER BY c.relname, a.attnum;
SELECT c.relname, ft.ftoptions FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid
 WHERE c.relnamespace = '"shop ""local"""'::regnamespace ORDER BY 1;

SELECT count(*) FROM "shop ""local""".orders;
SELECT "from", _offset, "Mixed_Case" FROM "shop ""local"""."select";

-- LIMIT TO and EXCEPT name products
CREATE SCHEMA shop_some;
IMPORT FOREIGN SCHEMA shop LIMIT TO (orders) FROM SERVER "mesh ""imp"" server" INTO shop_some;
IMPORT FOREIGN SCHEMA shop EXCEPT (orders, "select") FROM SERVER "mesh ""imp"" server" INTO shop_some;
SELECT relname FROM pg_class WHERE relnamespace = 'shop_some'::regnamespace ORDER BY 1;

-- an unknown domain
IMPORT FOREIGN SCHEMA nosuch FROM SERVER "mesh ""imp"" server" INTO shop_some;

DROP SCHEMA "shop ""local""" CASCADE;
DROP SCHEMA shop_some CASCADE;
DROP SERVER "mesh ""imp"" server" CASCADE;
