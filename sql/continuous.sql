--
-- Continuous data products (issue 13): extension 1.3 and its upgrade;
-- the query shapes (filter, stream-table joins, tumbling windows), each
-- compared with the same query run once over the same data; refusals;
-- pause, resume, failure and skip_to; fencing; unpublish
--
SET timezone = 'UTC';
\getenv brokers MESH_BROKERS
\set orig_db :DBNAME

-- ALTER EXTENSION mesh_fdw UPDATE from 1.2, in a database of its own
CREATE DATABASE regress_cont_upgrade;
\c regress_cont_upgrade
CREATE EXTENSION mesh_fdw VERSION '1.2';
CREATE ROLE regress_cont_publisher;
GRANT EXECUTE ON FUNCTION mesh.create_data_product(text, text, text, text, text, text, text, text[], text, text, text, integer, text)
  TO regress_cont_publisher;
ALTER EXTENSION mesh_fdw UPDATE TO '1.3';
-- a role granted create_data_product keeps it through the new signature
SELECT has_function_privilege('regress_cont_publisher',
         'mesh.create_data_product(text, text, text, text, text, text, text, text[], text, text, text, integer, text, boolean, interval)',
         'EXECUTE') AS publisher_keeps_it;
REVOKE EXECUTE ON FUNCTION mesh.create_data_product(text, text, text, text, text, text, text, text[], text, text, text, integer, text, boolean, interval)
  FROM regress_cont_publisher;
SELECT extversion, extconfig::regclass[] FROM pg_extension WHERE extname = 'mesh_fdw';
SELECT p.oid::regprocedure, p.provolatile, p.proparallel,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_may
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'mesh'
   AND p.proname IN ('create_data_product', 'tumble', 'pause_data_product',
                     'resume_data_product', 'continuous_product_progress')
 ORDER BY 1;
SELECT has_table_privilege('public', 'mesh.continuous_product', 'SELECT') AS table_public,
       has_table_privilege('public', 'mesh.continuous_products', 'SELECT') AS view_public;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = 'mesh.continuous_products'::regclass AND attnum > 0 ORDER BY attnum;
\c :orig_db
SET timezone = 'UTC';
DROP DATABASE regress_cont_upgrade;
-- (after the database: from 17 on, the extension's initial privileges name the role)
DROP ROLE regress_cont_publisher;

-- mesh.tumble is date_bin from the epoch
SELECT mesh.tumble('2026-01-01 10:17:03+00', '15 minutes') AS w15,
       mesh.tumble('2026-01-01 10:17:03+00', '1 day') AS w1d,
       mesh.tumble('1969-12-31 23:59:59+00', '1 hour') AS before_epoch,
       mesh.tumble(ts, '7 minutes') = date_bin('7 minutes', ts, 'epoch') AS same
  FROM (VALUES (timestamptz '2026-05-05 05:05:05.5+00')) v(ts);

\! scripts/peer delete-topic regress_cont_catalog regress_cont_users regress_cont_trades regress_cont_big regress_cont_us regress_cont_left regress_cont_named regress_cont_trending regress_cont_trending-state regress_cont_boom
CREATE SERVER mesh_cont FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_cont_catalog');
CREATE USER MAPPING FOR CURRENT_USER SERVER mesh_cont;
SELECT mesh.publish_data_product(domain => 'membership', name => 'users',
  topic => 'regress_cont_users', owner => '@membership', description => 'users',
  mode => 'table', partitions => 2, server => 'mesh_cont',
  schema => '{"type":"record","name":"User","fields":[{"name":"userid","type":"long"},{"name":"region","type":"string"}]}');
SELECT mesh.publish_data_product(domain => 'trading', name => 'trades',
  topic => 'regress_cont_trades', owner => '@trading', description => 'trades',
  partitions => 3, server => 'mesh_cont',
  schema => '{"type":"record","name":"Trade","fields":[{"name":"symbol","type":"string"},{"name":"quantity","type":"int"},{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},{"name":"userid","type":"long"},{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}]}');
CREATE SCHEMA cmembership;
CREATE SCHEMA ctrading;
IMPORT FOREIGN SCHEMA membership FROM SERVER mesh_cont INTO cmembership;
IMPORT FOREIGN SCHEMA trading FROM SERVER mesh_cont INTO ctrading;
INSERT INTO cmembership.users (userid, region, _key)
  SELECT u, (ARRAY['EU', 'US', 'APAC'])[1 + u % 3], u::text FROM generate_series(1, 8) u;
INSERT INTO ctrading.trades (symbol, quantity, price, userid, at)
  SELECT 'S' || (g % 4), g * 10, g * 1.5, 1 + g % 9, timestamptz '2026-01-01' + g * interval '7 minutes'
    FROM generate_series(1, 60) g;
CREATE TABLE region_names (region text PRIMARY KEY, name text);
INSERT INTO region_names VALUES ('EU', 'Europe'), ('US', 'United States');

-- waits (bounded) until a product has read its input to the end, or failed
CREATE FUNCTION wait_product(product text, want text DEFAULT 'caught up') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR i IN 1..600 LOOP
    SELECT * INTO r FROM mesh.continuous_products WHERE qualified_name = product;
    IF want = 'caught up' AND r.state = 'running' AND r.lag_messages = 0 AND r.pid IS NOT NULL THEN
      RETURN 'caught up';
    ELSIF r.state = want AND want <> 'caught up' THEN
      RETURN r.state;
    ELSIF r.state = 'failed' THEN
      RETURN 'failed: ' || r.last_error;
    END IF;
    PERFORM pg_sleep(0.1);
  END LOOP;
  RETURN 'timed out: ' || row_to_json(r)::text;
END $$;

-- Shapes that are refused, saying why and what is supported
\set VERBOSITY default
SELECT mesh.create_data_product(domain => 'trading', name => 'x', server => 'mesh_cont', owner => '@x', description => 'x', continuous => true,
  query => $$ SELECT a.symbol FROM ctrading.trades a JOIN ctrading.trades b USING (userid) $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'x', server => 'mesh_cont', owner => '@x', description => 'x', continuous => true,
  query => $$ SELECT symbol, count(*) FROM ctrading.trades GROUP BY symbol $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'x', server => 'mesh_cont', owner => '@x', description => 'x', continuous => true,
  query => $$ SELECT symbol FROM ctrading.trades ORDER BY quantity $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'x', server => 'mesh_cont', owner => '@x', description => 'x', continuous => true,
  query => $$ SELECT symbol FROM ctrading.trades LIMIT 3 $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'x', server => 'mesh_cont', owner => '@x', description => 'x', continuous => true,
  query => $$ SELECT DISTINCT symbol FROM ctrading.trades $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'x', server => 'mesh_cont', owner => '@x', description => 'x', continuous => true,
  query => $$ SELECT symbol, random() AS r FROM ctrading.trades $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'x', server => 'mesh_cont', owner => '@x', description => 'x', continuous => true,
  query => $$ SELECT u.region, t.symbol FROM cmembership.users u LEFT JOIN ctrading.trades t USING (userid) $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'x', server => 'mesh_cont', owner => '@x', description => 'x', continuous => true,
  query => $$ SELECT mesh.tumble(at, '1 hour') AS w, symbol, sum(quantity) FROM ctrading.trades GROUP BY 1, 2 HAVING sum(quantity) > 10 $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'x', server => 'mesh_cont', owner => '@x', description => 'x', continuous => true,
  query => $$ SELECT mesh.tumble(at, '1 hour') AS w, sum(quantity) FROM ctrading.trades GROUP BY 1, symbol $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'x', server => 'mesh_cont', owner => '@x', description => 'x', continuous => true,
  query => $$ SELECT mesh.tumble(at, '1 hour') AS w, string_agg(symbol, ',') FROM ctrading.trades GROUP BY 1 $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'x', server => 'mesh_cont', owner => '@x', description => 'x',
  grace => '1 minute', query => $$ SELECT symbol FROM ctrading.trades $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'x', server => 'mesh_cont', owner => '@x', description => 'x', continuous => true,
  query => $$ SELECT userid, region FROM cmembership.users $$);
\set VERBOSITY terse

-- 1. filter and projection over the stream
SELECT mesh.create_data_product(domain => 'trading', name => 'big_trades', server => 'mesh_cont',
  topic => 'regress_cont_big', owner => '@risk', description => 'Big trades', key => 'userid',
  partitions => 2, continuous => true,
  query => $$ SELECT symbol, quantity, price, quantity * price AS amount, userid, at
                FROM ctrading.trades WHERE quantity * price > 2000 $$);
-- 2. the stream joined with a table-mode product (inner, and left) and a PostgreSQL table
SELECT mesh.create_data_product(domain => 'trading', name => 'us_trades', server => 'mesh_cont',
  topic => 'regress_cont_us', owner => '@us', description => 'US trades', continuous => true,
  query => $$ SELECT t.symbol, t.quantity, t.userid, u.region
                FROM ctrading.trades t JOIN cmembership.users u USING (userid)
               WHERE u.region = 'US' $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'trades_regions', server => 'mesh_cont',
  topic => 'regress_cont_left', owner => '@risk', description => 'trades, maybe with a region', continuous => true,
  query => $$ SELECT t.symbol, t.quantity, t.userid, u.region
                FROM ctrading.trades t LEFT JOIN cmembership.users u USING (userid) $$);
SELECT mesh.create_data_product(domain => 'trading', name => 'named_trades', server => 'mesh_cont',
  topic => 'regress_cont_named', owner => '@risk', description => 'trades with region names', continuous => true,
  query => $$ SELECT t.quantity, t.userid, n.name
                FROM ctrading.trades t JOIN cmembership.users u USING (userid)
                JOIN region_names n ON n.region = u.region $$);
-- 3. a tumbling-window aggregate
SELECT mesh.create_data_product(domain => 'trading', name => 'trending', server => 'mesh_cont',
  topic => 'regress_cont_trending', owner => '@trading', description => 'quantity per symbol every 30 minutes',
  continuous => true, grace => '1 hour',
  query => $$ SELECT mesh.tumble(at, interval '30 minutes') AS window_start, symbol,
                     sum(quantity) AS total, count(*) AS trades, avg(quantity) AS avg_quantity,
                     min(price) AS low, max(price) AS high
                FROM ctrading.trades WHERE quantity > 20 GROUP BY 1, 2 $$);
SELECT qualified_name, mode, inputs FROM mesh.data_products
 WHERE qualified_name IN ('trading.big_trades', 'trading.trending') ORDER BY 1;
SELECT qualified_name, server, database = current_database() AS here, runner = current_user::regrole AS mine,
       input_topic, output_topic, grace
  FROM mesh.continuous_products ORDER BY 1;

SELECT wait_product('trading.big_trades'), wait_product('trading.us_trades'),
       wait_product('trading.trades_regions'), wait_product('trading.named_trades'),
       wait_product('trading.trending');
IMPORT FOREIGN SCHEMA trading LIMIT TO (big_trades, us_trades, trades_regions, named_trades, trending)
  FROM SERVER mesh_cont INTO ctrading;

-- each output equals the query run once over the same input
CREATE VIEW diffs AS
  SELECT 'big_trades' AS product, count(*) AS differences FROM (
    (SELECT symbol, quantity, price, amount, userid, at FROM ctrading.big_trades
     EXCEPT ALL SELECT symbol, quantity, price, quantity * price, userid, at FROM ctrading.trades WHERE quantity * price > 2000)
    UNION ALL
    (SELECT symbol, quantity, price, quantity * price, userid, at FROM ctrading.trades WHERE quantity * price > 2000
     EXCEPT ALL SELECT symbol, quantity, price, amount, userid, at FROM ctrading.big_trades)) d
  UNION ALL
  SELECT 'us_trades', count(*) FROM (
    (SELECT symbol, quantity, userid, region FROM ctrading.us_trades
     EXCEPT ALL SELECT t.symbol, t.quantity, t.userid, u.region FROM ctrading.trades t JOIN cmembership.users u USING (userid) WHERE u.region = 'US')
    UNION ALL
    (SELECT t.symbol, t.quantity, t.userid, u.region FROM ctrading.trades t JOIN cmembership.users u USING (userid) WHERE u.region = 'US'
     EXCEPT ALL SELECT symbol, quantity, userid, region FROM ctrading.us_trades)) d
  UNION ALL
  SELECT 'trades_regions', count(*) FROM (
    (SELECT symbol, quantity, userid, region FROM ctrading.trades_regions
     EXCEPT ALL SELECT t.symbol, t.quantity, t.userid, u.region FROM ctrading.trades t LEFT JOIN cmembership.users u USING (userid))
    UNION ALL
    (SELECT t.symbol, t.quantity, t.userid, u.region FROM ctrading.trades t LEFT JOIN cmembership.users u USING (userid)
     EXCEPT ALL SELECT symbol, quantity, userid, region FROM ctrading.trades_regions)) d
  UNION ALL
  SELECT 'named_trades', count(*) FROM (
    (SELECT quantity, userid, name FROM ctrading.named_trades
     EXCEPT ALL SELECT t.quantity, t.userid, n.name FROM ctrading.trades t JOIN cmembership.users u USING (userid) JOIN region_names n ON n.region = u.region)
    UNION ALL
    (SELECT t.quantity, t.userid, n.name FROM ctrading.trades t JOIN cmembership.users u USING (userid) JOIN region_names n ON n.region = u.region
     EXCEPT ALL SELECT quantity, userid, name FROM ctrading.named_trades)) d
  UNION ALL
  SELECT 'trending', count(*) FROM (
    (SELECT window_start, symbol, total, trades, avg_quantity, low, high FROM ctrading.trending
     EXCEPT ALL SELECT mesh.tumble(at, interval '30 minutes'), symbol, sum(quantity), count(*), avg(quantity), min(price), max(price)
                  FROM ctrading.trades WHERE quantity > 20 GROUP BY 1, 2)
    UNION ALL
    (SELECT mesh.tumble(at, interval '30 minutes'), symbol, sum(quantity), count(*), avg(quantity), min(price), max(price)
       FROM ctrading.trades WHERE quantity > 20 GROUP BY 1, 2
     EXCEPT ALL SELECT window_start, symbol, total, trades, avg_quantity, low, high FROM ctrading.trending)) d;
SELECT * FROM diffs;
SELECT (SELECT count(*) FROM ctrading.big_trades) AS big, (SELECT count(*) FROM ctrading.us_trades) AS us,
       (SELECT count(*) FROM ctrading.trades_regions) AS all_trades, (SELECT count(*) FROM ctrading.named_trades) AS named,
       (SELECT count(*) FROM ctrading.trending) AS windows;
SELECT window_start, symbol, total, trades, avg_quantity, low, high, _key
  FROM ctrading.trending ORDER BY window_start, symbol LIMIT 4;

-- new input keeps flowing: more trades, a new user, a changed region name
INSERT INTO cmembership.users (userid, region, _key) VALUES (9, 'US', '9');
UPDATE region_names SET name = 'USA' WHERE region = 'US';
INSERT INTO ctrading.trades (symbol, quantity, price, userid, at)
  SELECT 'S' || (g % 4), g * 10, g * 1.5, 1 + g % 9, timestamptz '2026-01-01' + g * interval '7 minutes'
    FROM generate_series(61, 120) g;
SELECT wait_product('trading.big_trades'), wait_product('trading.us_trades'),
       wait_product('trading.trades_regions'), wait_product('trading.trending');
SELECT * FROM diffs WHERE product NOT IN ('us_trades', 'trades_regions', 'named_trades');
-- ... while trades of user 9 before the user existed joined nothing
SELECT at < '2026-01-01 07:00+00' AS early, region, count(*)
  FROM ctrading.trades_regions r JOIN ctrading.trades t USING (symbol, quantity, userid)
 WHERE userid = 9 GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) FILTER (WHERE userid = 9) AS user9, count(*) AS us FROM ctrading.us_trades;
-- each message is joined with the table as it was when it was processed
SELECT wait_product('trading.named_trades');
SELECT name, count(*) FROM ctrading.named_trades GROUP BY 1 ORDER BY 1;
SELECT qualified_name, rows_in, rows_out, late_messages, lag_messages, lag_seconds IS NOT NULL AS lag_s,
       last_commit IS NOT NULL AS committed, jsonb_typeof(positions) AS positions
  FROM mesh.continuous_products ORDER BY 1;

-- what read_committed readers of the outputs see: every row once
\! scripts/peer consume regress_cont_big --value-format avro --isolation read_committed --fields offset | wc -l
SELECT count(*) FROM ctrading.trades WHERE quantity * price > 2000;

-- a message too late for its window (its end plus the grace period has
-- passed): counted, not applied
INSERT INTO ctrading.trades (symbol, quantity, price, userid, at)
  VALUES ('S1', 990, 1.5, 1, '2026-01-01 00:05:00+00'), ('S1', 30, 1.5, 1, '2026-01-01 14:10:00+00');
SELECT wait_product('trading.trending');
SELECT late_messages FROM mesh.continuous_products WHERE qualified_name = 'trading.trending';
SELECT window_start, symbol, total, trades FROM ctrading.trending
 WHERE symbol = 'S1' AND window_start IN ('2026-01-01 00:00:00+00', '2026-01-01 14:00:00+00') ORDER BY 1;

-- pause: the worker stops; resume: it goes on where it stopped
SELECT mesh.pause_data_product('trading', 'big_trades', server => 'mesh_cont');
SELECT state, pid FROM mesh.continuous_products WHERE qualified_name = 'trading.big_trades';
INSERT INTO ctrading.trades (symbol, quantity, price, userid, at)
  SELECT 'S' || (g % 4), g * 10, g * 1.5, 1 + g % 9, timestamptz '2026-01-01' + g * interval '7 minutes'
    FROM generate_series(121, 130) g;
SELECT pg_sleep(1);
SELECT state, lag_messages FROM mesh.continuous_products WHERE qualified_name = 'trading.big_trades';
SELECT mesh.resume_data_product('trading', 'big_trades', server => 'mesh_cont');
SELECT wait_product('trading.big_trades');
SELECT * FROM diffs WHERE product = 'big_trades';

-- an error of the query fails the product, with the message that caused
-- it, and writes nothing of the batch; what came before that message in
-- its partition is committed on its own, so that skip_to past the message
-- skips only it
SELECT mesh.create_data_product(domain => 'trading', name => 'boom', server => 'mesh_cont',
  topic => 'regress_cont_boom', owner => '@risk', description => 'fails', continuous => true,
  query => $$ SELECT symbol, quantity, 100 / (quantity - 300) AS boom FROM ctrading.trades $$);
SELECT wait_product('trading.boom', 'failed');
SELECT c.state, c.last_error, c.pid, t.quantity
  FROM mesh.continuous_products c
  LEFT JOIN ctrading.trades t ON t._partition = c.error_partition AND t._offset = c.error_offset
 WHERE c.qualified_name = 'trading.boom';
\set before `scripts/peer consume regress_cont_boom --isolation read_committed --fields offset | wc -l`
SELECT count(*) = :before AS before_committed FROM ctrading.trades t, mesh.continuous_products c
 WHERE c.qualified_name = 'trading.boom' AND t._partition = c.error_partition AND t._offset < c.error_offset;
SELECT pg_sleep(6);
SELECT state, pid FROM mesh.continuous_products WHERE qualified_name = 'trading.boom';
SELECT mesh.resume_data_product('trading', 'boom', server => 'mesh_cont',
  skip_to => jsonb_build_object(error_partition::text, error_offset + 1))
  FROM mesh.continuous_products WHERE qualified_name = 'trading.boom';
SELECT wait_product('trading.boom');
IMPORT FOREIGN SCHEMA trading LIMIT TO (boom) FROM SERVER mesh_cont INTO ctrading;
SELECT (SELECT count(*) FROM ctrading.boom) = (SELECT count(*) FROM ctrading.trades WHERE quantity <> 300) AS all_but_one,
       (SELECT count(*) FROM ctrading.boom WHERE quantity = 300) AS skipped;
SELECT mesh.resume_data_product('trading', 'boom', server => 'mesh_cont', skip_to => '{"0": 1}');
SELECT mesh.pause_data_product('trading', 'nope', server => 'mesh_cont');

-- a second runner of the same product fences the first, which fails for
-- good (it is not started again to fence the other in turn)
\! scripts/peer fence mesh.trading.us_trades
INSERT INTO ctrading.trades (symbol, quantity, price, userid, at) VALUES ('S2', 5, 1.0, 2, '2026-01-02');
SELECT wait_product('trading.us_trades', 'failed');
SELECT state, last_error LIKE 'fenced by another runner%' AS fenced FROM mesh.continuous_products
 WHERE qualified_name = 'trading.us_trades';
SELECT pg_sleep(6);
SELECT state, pid FROM mesh.continuous_products WHERE qualified_name = 'trading.us_trades';

-- the input's schema evolves compatibly (a field with a default): its
-- messages keep flowing
SELECT mesh.publish_data_product(domain => 'trading', name => 'trades', server => 'mesh_cont',
  schema => '{"type":"record","name":"Trade","fields":[{"name":"symbol","type":"string"},{"name":"quantity","type":"int"},{"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},{"name":"userid","type":"long"},{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"venue","type":"string","default":"XNYS"}]}');
CREATE FOREIGN TABLE ctrading.trades_v2 (symbol text, quantity int, price numeric(10,2), userid bigint,
    at timestamptz, venue text) SERVER mesh_cont OPTIONS (product 'trading.trades');
INSERT INTO ctrading.trades_v2 (symbol, quantity, price, userid, at, venue)
  SELECT 'S' || (g % 4), g * 10, g * 1.5, 1 + g % 9, timestamptz '2026-01-01' + g * interval '7 minutes', 'XLON'
    FROM generate_series(131, 140) g;
SELECT wait_product('trading.big_trades'), wait_product('trading.trending');
-- (trending differs from the one-shot query by the late message's window only)
SELECT * FROM diffs WHERE product IN ('big_trades', 'trending');

-- a message no schema of the product can read is a bad message: with
-- on_error 'error' (the input table's) it fails the product, naming it
\! printf 'deadbeef\n' | scripts/peer produce-raw regress_cont_trades --hex --partition 1
SELECT wait_product('trading.big_trades', 'failed');
SELECT state, error_partition, error_offset IS NOT NULL AS has_offset,
       last_error LIKE 'could not decode the message at partition 1, offset %' AS names_the_message
  FROM mesh.continuous_products WHERE qualified_name = 'trading.big_trades';

-- unpublishing stops a product and forgets it
SELECT mesh.unpublish_data_product(p.domain, p.name, server => 'mesh_cont')
  FROM (VALUES ('trading', 'big_trades'), ('trading', 'us_trades'), ('trading', 'trades_regions'),
               ('trading', 'named_trades'), ('trading', 'trending'), ('trading', 'boom')) p(domain, name);
SELECT count(*) FROM mesh.continuous_products;
SELECT count(*) FROM pg_stat_activity
 WHERE backend_type = 'mesh_fdw continuous product' AND datname = current_database();

DROP VIEW diffs;
DROP FUNCTION wait_product(text, text);
DROP TABLE region_names;
DROP SCHEMA ctrading CASCADE;
DROP SCHEMA cmembership CASCADE;
DROP SERVER mesh_cont CASCADE;
\! scripts/peer delete-topic regress_cont_catalog regress_cont_users regress_cont_trades regress_cont_big regress_cont_us regress_cont_left regress_cont_named regress_cont_trending regress_cont_trending-state regress_cont_boom
