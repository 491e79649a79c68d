--
-- Derived data products: create_data_product, lineage
--
SET timezone = 'UTC';
\getenv brokers MESH_BROKERS
\! scripts/peer delete-topic regress_der_catalog regress_der_users regress_der_trades regress_der_big regress_der_fail regress_der_rollback
CREATE SERVER mesh_der FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_der_catalog');
SELECT mesh.publish_data_product(domain => 'membership', name => 'users',
  topic => 'regress_der_users', owner => '@membership', description => 'users',
  mode => 'table', partitions => 2,
  schema => '{"type":"record","name":"User","fields":[{"name":"userid","type":"long"},{"name":"region","type":"string"}]}');
SELECT mesh.publish_data_product(domain => 'trading', name => 'trades',
  topic => 'regress_der_trades', owner => '@trading', description => 'trades',
  partitions => 3,
  schema => '{"type":"record","name":"Trade","fields":[{"name":"symbol","type":"string"},{"name":"quantity","type":"int"},{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},{"name":"userid","type":"long"},{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}]}');
CREATE SCHEMA membership;
CREATE SCHEMA trading;
IMPORT FOREIGN SCHEMA membership FROM SERVER mesh_der INTO membership;
IMPORT FOREIGN SCHEMA trading FROM SERVER mesh_der INTO trading;
INSERT INTO membership.users (userid, region, _key)
  SELECT u, (ARRAY['EU', 'US', 'APAC'])[1 + u % 3], u::text FROM generate_series(1, 9) u;
INSERT INTO trading.trades (symbol, quantity, price, userid, at)
  SELECT 'S' || (g % 4), g * 10, g * 1.5, 1 + g % 9, timestamptz '2026-01-01' + g * interval '1 hour'
    FROM generate_series(1, 60) g;

-- a derived product: rows, schema, inputs and key from the query
SELECT mesh.create_data_product(domain => 'trading', name => 'big_trades',
  topic => 'regress_der_big', owner => '@risk', description => 'Big trades with the region',
  sla => 'tier-2', quality => 'curated', tags => '{derived}', key => 'userid', partitions => 2,
  query => $$ SELECT t.symbol, t.quantity, t.price, t.quantity * t.price AS amount,
                     t.userid, u.region, t.at, array[t.symbol, u.region] AS labels,
                     jsonb_build_object('q', t.quantity) AS extra
                FROM trading.trades t JOIN membership.users u USING (userid)
               WHERE t.quantity * t.price > 2000 $$);
SELECT qualified_name, owner, sla, quality, tags, mode, value_format, inputs, version
  FROM mesh.data_products WHERE qualified_name = 'trading.big_trades';
SELECT position, field, avro_type, pg_type, nullable
  FROM mesh.data_product_fields WHERE qualified_name = 'trading.big_trades' ORDER BY position;
IMPORT FOREIGN SCHEMA trading LIMIT TO (big_trades) FROM SERVER mesh_der INTO trading;
SELECT count(*), sum(amount), min(at), max(at), count(DISTINCT _key) FROM trading.big_trades;
SELECT symbol, quantity, price, amount, userid, region, labels, extra, _key = userid::text AS keyed
  FROM trading.big_trades ORDER BY quantity LIMIT 3;
-- the rows are those of the query
SELECT count(*) FROM trading.trades t JOIN membership.users u USING (userid)
 WHERE t.quantity * t.price > 2000;

-- lineage
SELECT * FROM mesh.lineage ORDER BY input;
SELECT mesh.lineage_graph();

-- all or nothing: a query that fails midway publishes nothing and leaves
-- no row visible to read_committed readers
SELECT mesh.create_data_product(domain => 'trading', name => 'failing',
  topic => 'regress_der_fail', owner => '@risk', description => 'fails',
  query => $$ SELECT symbol, 100 / (quantity - 300) AS boom FROM trading.trades $$);
SELECT count(*) FROM mesh.data_products WHERE qualified_name = 'trading.failing';
\! scripts/peer consume regress_der_fail --value-format bytes --fields offset | wc -l
-- ... and a ROLLBACK takes the whole product back
BEGIN;
SELECT mesh.create_data_product(domain => 'trading', name => 'rolled_back',
  topic => 'regress_der_rollback', owner => '@risk', description => 'rolled back',
  query => $$ SELECT symbol FROM trading.trades $$);
ROLLBACK;
SELECT count(*) FROM mesh.data_products WHERE qualified_name = 'trading.rolled_back';
\! scripts/peer consume regress_der_rollback --value-format bytes --fields offset | wc -l

-- refusals
SELECT mesh.create_data_product(domain => 'trading', name => 'big_trades',
  owner => '@risk', description => 'again', query => 'SELECT 1 AS one');
SELECT mesh.create_data_product(domain => 'trading', name => 'keyless',
  owner => '@risk', description => 'x', mode => 'table', query => 'SELECT 1 AS one');
SELECT mesh.create_data_product(domain => 'trading', name => 'badname',
  owner => '@risk', description => 'x', query => 'SELECT 1 AS "two words"');
SELECT mesh.create_data_product(domain => 'trading', name => 'badtype',
  owner => '@risk', description => 'x', query => $$ SELECT point(1, 2) AS p $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'nokey',
  owner => '@risk', description => 'x', key => 'nope', query => 'SELECT 1 AS one');
SELECT mesh.create_data_product(domain => 'trading', name => 'notselect',
  owner => '@risk', description => 'x', query => 'DELETE FROM pg_class WHERE false');

DROP SCHEMA membership, trading CASCADE;
DROP SERVER mesh_der CASCADE;
