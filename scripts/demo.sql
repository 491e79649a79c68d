-- The mesh_fdw demo, run by scripts/demo (psql -v brokers=...): a small
-- data mesh like Confluent's data mesh proof of concept, built and used
-- from SQL.  Generated data comes from a fixed seed.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS mesh_fdw CASCADE;
DROP SCHEMA IF EXISTS membership, marketing, trading CASCADE;
DROP TABLE IF EXISTS public.trades_local;
CREATE EXTENSION mesh_fdw;
RESET client_min_messages;
SET timezone = 'UTC';
\pset footer off

\echo '\n-- 1. Point a server at the Kafka cluster'
\set ECHO queries
CREATE SERVER mesh FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic '_mesh_catalog_demo');
CREATE USER MAPPING FOR CURRENT_USER SERVER mesh;
\set ECHO none

\echo '\n-- 2. The DBA lets the membership team publish, and gives it its domain'
SET client_min_messages = warning;
DO $$ BEGIN CREATE ROLE membership_team; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
RESET client_min_messages;
\set ECHO queries
GRANT USAGE ON FOREIGN SERVER mesh TO membership_team;
CREATE USER MAPPING FOR membership_team SERVER mesh;
GRANT EXECUTE ON FUNCTION mesh.publish_data_product, mesh.unpublish_data_product,
  mesh.create_data_product TO membership_team;
SELECT mesh.set_domain_owner('membership', 'membership_team');
\set ECHO none

\echo '\n-- 3. Three domain teams publish their data products'
\set ECHO queries
SET ROLE membership_team;
SELECT mesh.publish_data_product(
  domain => 'membership', name => 'users', topic => 'demo_users',
  owner => '@membership-team', description => 'All users from all regions',
  sla => 'tier-1', quality => 'authoritative', tags => '{pii}',
  mode => 'table', partitions => 4,
  schema => '{"type":"record","name":"User","namespace":"membership","fields":[
    {"name":"userid","type":"long","doc":"the user key"},
    {"name":"name","type":"string"},
    {"name":"regionid","type":{"type":"enum","name":"Region","symbols":["EU","US","APAC"]}},
    {"name":"registered_at","type":{"type":"long","logicalType":"timestamp-millis"}}]}');
RESET ROLE;
SELECT mesh.publish_data_product(
  domain => 'marketing', name => 'pageviews', topic => 'demo_pageviews',
  owner => '@web-analytics', description => 'Every page view on the web site',
  sla => 'tier-2', quality => 'raw', partitions => 6,
  schema => '{"type":"record","name":"PageView","namespace":"marketing","fields":[
    {"name":"viewtime","type":{"type":"long","logicalType":"timestamp-millis"}},
    {"name":"userid","type":"long"},{"name":"pageid","type":"string"}]}');
SELECT mesh.publish_data_product(
  domain => 'trading', name => 'stocktrades', topic => 'demo_stocktrades',
  owner => '@trading-desk', description => 'Executed stock trades',
  sla => 'tier-1', quality => 'curated', tags => '{finance}', partitions => 3,
  schema => '{"type":"record","name":"Trade","namespace":"trading","fields":[
    {"name":"symbol","type":"string"},
    {"name":"side","type":{"type":"enum","name":"Side","symbols":["BUY","SELL"]}},
    {"name":"quantity","type":"int"},
    {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
    {"name":"account","type":"string"},{"name":"userid","type":"long"}]}');
-- the first role to publish into a domain owns it (here the DBA, for
-- marketing and trading); only members of the owner may change its products
SELECT server, domain, role FROM mesh.domain_owners ORDER BY domain;
SET ROLE membership_team;
\set ON_ERROR_STOP off
SELECT mesh.unpublish_data_product('trading', 'stocktrades');
\set ON_ERROR_STOP on
RESET ROLE;
\set ECHO none

\echo '\n-- 4. Each domain maps its products to foreign tables and produces data from SQL'
\set ECHO queries
CREATE SCHEMA membership;
CREATE SCHEMA marketing;
CREATE SCHEMA trading;
IMPORT FOREIGN SCHEMA membership FROM SERVER mesh INTO membership;
IMPORT FOREIGN SCHEMA marketing FROM SERVER mesh INTO marketing;
IMPORT FOREIGN SCHEMA trading FROM SERVER mesh INTO trading;
SELECT setseed(0.42);
INSERT INTO membership.users (userid, name, regionid, registered_at, _key)
  SELECT u, 'user_' || u, (ARRAY['EU', 'US', 'APAC'])[1 + (random() * 2)::int],
         timestamptz '2026-01-01' + random() * interval '300 days', u::text
    FROM generate_series(1, 100) u;
INSERT INTO marketing.pageviews (viewtime, userid, pageid)
  SELECT timestamptz '2026-11-01' + g * interval '1 minute', 1 + (random() * 99)::int,
         'page_' || (1 + (random() * 20)::int)
    FROM generate_series(1, 2000) g;
INSERT INTO trading.stocktrades (symbol, side, quantity, price, account, userid)
  SELECT (ARRAY['ZTEST', 'ZVZZT', 'ZXZZT', 'ZWZZT', 'ZJZZT'])[1 + (random() * 4)::int],
         (ARRAY['BUY', 'SELL'])[1 + (random())::int], 1 + (random() * 4999)::int,
         round((5 + random() * 995)::numeric, 2), 'ACC' || (1 + (random() * 9)::int),
         1 + (random() * 99)::int
    FROM generate_series(1, 1000) g;
\set ECHO none

\echo '\n-- 5. Analysts discover the mesh'
\set ECHO queries
SELECT domain, products, owners FROM mesh.domains ORDER BY domain;
SELECT qualified_name, owner, sla, quality, mode, topic, version
  FROM mesh.data_products ORDER BY qualified_name;
SELECT position, field, avro_type, pg_type, nullable
  FROM mesh.data_product_fields WHERE qualified_name = 'trading.stocktrades'
 ORDER BY position;
SELECT partition, low_offset, high_offset, messages, freshness < interval '1 minute' AS fresh
  FROM mesh.data_product_partitions WHERE qualified_name = 'trading.stocktrades'
 ORDER BY partition;
\set ECHO none

\echo '\n-- 6. ... and join products with each other: page views per region'
\set ECHO queries
SELECT u.regionid, count(*) AS views, count(DISTINCT v.userid) AS users
  FROM marketing.pageviews v JOIN membership.users u ON u.userid = v.userid
 GROUP BY u.regionid ORDER BY views DESC;
\set ECHO none

\echo '\n-- 7. A consumer becomes a producer: high-value trades enriched with the user''s region'
\set ECHO queries
SELECT mesh.create_data_product(
  domain => 'trading', name => 'high_value_trades', topic => 'demo_high_value_trades',
  owner => '@risk', description => 'Trades worth more than 1M, with the trader''s region',
  sla => 'tier-2', quality => 'curated', key => 'userid', partitions => 3,
  query => $$
    SELECT t.symbol, t.side, t.quantity, t.price,
           t.quantity * t.price AS amount, t.userid, u.regionid
      FROM trading.stocktrades t JOIN membership.users u ON u.userid = t.userid
     WHERE t.quantity * t.price > 1000000 $$);
SELECT * FROM mesh.lineage ORDER BY input;
\set ECHO none

\echo '\n-- 8. The lineage as a picture (Graphviz DOT)'
SELECT mesh.lineage_graph();

\echo '\n-- 9. Reading the new product back'
\set ECHO queries
IMPORT FOREIGN SCHEMA trading LIMIT TO (high_value_trades) FROM SERVER mesh INTO trading;
SELECT regionid, count(*) AS trades, sum(amount) AS total
  FROM trading.high_value_trades GROUP BY regionid ORDER BY total DESC;
SELECT action, qualified_name, version, published_by FROM mesh.data_product_events;
\set ECHO none

\echo '\n-- 9. A risk job loads new trades into a local table every few minutes: a bookmark reads each trade once'
\set ECHO queries
CREATE FOREIGN TABLE trading.trades_feed (symbol text, side text, quantity int,
    price numeric(12,2), account text, userid bigint, _partition int, _offset bigint)
  SERVER mesh OPTIONS (product 'trading.stocktrades', bookmark 'risk_trades');
CREATE TABLE public.trades_local (LIKE trading.trades_feed);
INSERT INTO public.trades_local SELECT * FROM trading.trades_feed;
INSERT INTO trading.stocktrades (symbol, side, quantity, price, account, userid)
  SELECT 'ZTEST', 'BUY', g, 10, 'ACC1', 1 FROM generate_series(1, 250) g;
SELECT name, topic, lag, partition_lag FROM mesh.bookmarks;
INSERT INTO public.trades_local SELECT * FROM trading.trades_feed;
INSERT INTO public.trades_local SELECT * FROM trading.trades_feed;
SELECT count(*) AS rows, count(DISTINCT (_partition, _offset)) AS messages FROM public.trades_local;
\set ECHO none

\echo '\n-- 10. Who consumes a product, and how far behind it is (every Kafka tool sees the same group)'
\set ECHO queries
INSERT INTO trading.stocktrades (symbol, side, quantity, price, account, userid)
  SELECT 'ZXZZT', 'SELL', g, 20, 'ACC2', 2 FROM generate_series(1, 40) g;
SELECT qualified_name, consumer_group, state, members, lag, partition_lag,
       last_commit IS NOT NULL AS has_last_commit
  FROM mesh.data_product_consumers ORDER BY qualified_name, consumer_group;
SELECT * FROM mesh.lineage ORDER BY kind DESC, input, product;
\set ECHO none

\echo '\n-- 11. Apps that keep running: three continuous products keep up with new trades'
\set ECHO queries
SELECT mesh.create_data_product(
  domain => 'trading', name => 'trending_stocks', topic => 'demo_trending_stocks',
  owner => '@trading', description => 'Quantity traded per symbol in 15-minute windows',
  continuous => true, grace => interval '1 minute',
  query => $$
    SELECT mesh.tumble(_timestamp, interval '15 minutes') AS window_start, symbol,
           sum(quantity) AS quantity, count(*) AS trades, avg(price) AS avg_price
      FROM trading.stocktrades GROUP BY 1, 2 $$);
SELECT mesh.create_data_product(
  domain => 'trading', name => 'high_value_stock_trades', topic => 'demo_high_value_stock_trades',
  owner => '@risk', description => 'Trades worth more than 1M, with the trader', key => 'userid',
  continuous => true,
  query => $$
    SELECT t.symbol, t.side, t.quantity, t.price, t.quantity * t.price AS amount,
           t.userid, u.name, u.regionid
      FROM trading.stocktrades t JOIN membership.users u ON u.userid = t.userid
     WHERE t.quantity * t.price > 1000000 $$);
SELECT mesh.create_data_product(
  domain => 'trading', name => 'us_enriched_stock_trades', topic => 'demo_us_enriched_stock_trades',
  owner => '@us_desk', description => 'Trades of US users, with the user''s region', key => 'userid',
  continuous => true,
  query => $$
    SELECT t.symbol, t.side, t.quantity, t.price, t.userid, u.regionid
      FROM trading.stocktrades t JOIN membership.users u ON u.userid = t.userid
     WHERE u.regionid = 'US' $$);
\set ECHO none
\echo '-- (waiting until each has read every trade so far)'
DO $$
BEGIN
  FOR i IN 1..300 LOOP
    EXIT WHEN (SELECT bool_and(state = 'running' AND lag_messages = 0 AND pid IS NOT NULL)
                 FROM mesh.continuous_products);
    PERFORM pg_sleep(0.1);
  END LOOP;
END $$;
\set ECHO queries
SELECT qualified_name, state, lag_messages, rows_in, rows_out, late_messages
  FROM mesh.continuous_products ORDER BY 1;
-- 500 new trades arrive; the apps' outputs catch up by themselves
INSERT INTO trading.stocktrades (symbol, side, quantity, price, account, userid)
  SELECT (ARRAY['ZTEST', 'ZVZZT', 'ZXZZT'])[1 + g % 3], 'BUY', 100 + g * 10, 500 + g,
         'ACC3', 1 + g % 100
    FROM generate_series(1, 500) g;
\set ECHO none
DO $$
BEGIN
  FOR i IN 1..300 LOOP
    EXIT WHEN (SELECT bool_and(state = 'running' AND lag_messages = 0) FROM mesh.continuous_products);
    PERFORM pg_sleep(0.1);
  END LOOP;
END $$;
\set ECHO queries
SELECT qualified_name, state, lag_messages, rows_in, rows_out, last_commit > now() - interval '1 minute' AS just_now
  FROM mesh.continuous_products ORDER BY 1;
IMPORT FOREIGN SCHEMA trading LIMIT TO (trending_stocks, high_value_stock_trades, us_enriched_stock_trades)
  FROM SERVER mesh INTO trading;
SELECT symbol, sum(quantity) AS quantity, sum(trades) AS trades FROM trading.trending_stocks
 GROUP BY symbol ORDER BY quantity DESC;
SELECT regionid, count(*) AS trades, sum(amount) AS total
  FROM trading.high_value_stock_trades GROUP BY regionid ORDER BY total DESC;
SELECT count(*) AS us_trades,
       (SELECT count(*) FROM trading.stocktrades t JOIN membership.users u USING (userid)
         WHERE u.regionid = 'US') AS same_query_once
  FROM trading.us_enriched_stock_trades;
\set ECHO none
