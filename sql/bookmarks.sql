--
-- Bookmarks (issue 12): extension 1.1 and its upgrade from 1.0; loads that
-- read each message exactly once; LIMIT, cursors, EXISTS and pushdown with
-- a bookmark; rewind and drop; the consumers of a product; lineage kinds
--
SET timezone = 'UTC';
\getenv brokers MESH_BROKERS
\set orig_db :DBNAME

-- ALTER EXTENSION mesh_fdw UPDATE from 1.0, in a database of its own
CREATE DATABASE regress_bm_upgrade;
\c regress_bm_upgrade
CREATE EXTENSION mesh_fdw VERSION '1.0';
SELECT extversion, to_regclass('mesh.bookmarks') AS bookmarks FROM pg_extension WHERE extname = 'mesh_fdw';
ALTER EXTENSION mesh_fdw UPDATE TO '1.1';
SELECT extversion, extconfig::regclass[] FROM pg_extension WHERE extname = 'mesh_fdw';
SELECT c.relname, c.relkind
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'mesh' ORDER BY 1;
SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'mesh' ORDER BY 1;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = 'mesh.lineage'::regclass AND attnum > 0 ORDER BY attnum;
SELECT has_table_privilege('public', 'mesh.bookmark_state', 'SELECT') AS table_public,
       has_table_privilege('public', 'mesh.bookmarks', 'SELECT') AS view_public;
\c :orig_db
DROP DATABASE regress_bm_upgrade;
-- a new install is the default version (1.2, see ownership)
SELECT extversion FROM pg_extension WHERE extname = 'mesh_fdw';
SELECT source, target, path FROM pg_extension_update_paths('mesh_fdw') ORDER BY 1, 2;

\! scripts/peer delete-topic regress_bm_catalog regress_bm_feed regress_bm_other regress_bm_orders regress_bm_accounts
\! scripts/peer create-topic regress_bm_feed --partitions 3
\! scripts/peer create-topic regress_bm_other --partitions 1
\! scripts/peer produce-seq regress_bm_feed --count 30 --partitions 3
CREATE SERVER mesh_bm FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_bm_catalog');
CREATE USER MAPPING FOR CURRENT_USER SERVER mesh_bm;

CREATE FOREIGN TABLE feed (n int, _partition int, _offset bigint) SERVER mesh_bm
  OPTIONS (topic 'regress_bm_feed', value_format 'json', bookmark 'regress_feed');
CREATE TABLE loaded (n int, p int, o bigint);

-- made at its first use, at the earliest offsets; each load reads what is new
INSERT INTO loaded SELECT * FROM feed;
INSERT INTO loaded SELECT * FROM feed;
SELECT name, server, topic, positions, lag, partition_lag, advanced IS NOT NULL AS advanced
  FROM mesh.bookmarks;
\! scripts/peer produce-seq regress_bm_feed --start 30 --count 15 --partitions 3
SELECT lag, partition_lag FROM mesh.bookmarks;
INSERT INTO loaded SELECT * FROM feed;
SELECT count(*), count(DISTINCT n), sum(n) FROM loaded;

-- a rollback leaves the position where it was; in the transaction, a
-- later scan starts where the earlier one stopped
\! scripts/peer produce-seq regress_bm_feed --start 45 --count 6 --partitions 3
BEGIN;
INSERT INTO loaded SELECT * FROM feed;
SELECT count(*) FROM feed;
SELECT positions, lag FROM mesh.bookmarks;
ROLLBACK;
SELECT positions, lag FROM mesh.bookmarks;
BEGIN;
INSERT INTO loaded SELECT * FROM feed;
SELECT 1 / 0;
ROLLBACK;
BEGIN;
SAVEPOINT s;
INSERT INTO loaded SELECT * FROM feed;
ROLLBACK TO SAVEPOINT s;
INSERT INTO loaded SELECT * FROM feed;
COMMIT;
SELECT count(*), count(DISTINCT n), sum(n), count(DISTINCT (p, o)) FROM loaded;
SELECT positions, lag FROM mesh.bookmarks;

-- a scan that stops early moves the bookmark only past what it delivered
-- (another bookmark on the same topic: each has its own positions)
CREATE FOREIGN TABLE probe (n int, _partition int, _offset bigint, _timestamp timestamptz)
  SERVER mesh_bm OPTIONS (topic 'regress_bm_feed', value_format 'json', bookmark 'regress_probe');
SELECT n, _partition, _offset FROM probe WHERE _partition = 0 LIMIT 2;
SELECT n, _partition, _offset FROM probe WHERE _partition = 0 LIMIT 2;
SELECT positions FROM mesh.bookmarks WHERE name = 'regress_probe';
BEGIN;
DECLARE c CURSOR FOR SELECT n, _offset FROM probe WHERE _partition = 1;
FETCH 3 FROM c;
COMMIT;
SELECT EXISTS (SELECT 1 FROM probe WHERE _partition = 2);
SELECT positions FROM mesh.bookmarks WHERE name = 'regress_probe';
-- pushdown narrows further: an upper bound stops where it stops
SELECT n, _offset FROM probe WHERE _partition = 0 AND _offset < 6;
SELECT count(*) FROM probe WHERE _timestamp > now() + interval '1 day';
SELECT positions, lag FROM mesh.bookmarks WHERE name = 'regress_probe';
-- LIMIT under a sort: the scan delivered everything it read to the sort
SELECT n FROM probe ORDER BY n LIMIT 1;
SELECT positions, lag FROM mesh.bookmarks WHERE name = 'regress_probe';
-- EXPLAIN reads from the positions without moving them
SELECT mesh.rewind_bookmark('regress_probe', offsets => '{"0": 10, "1": 3}');
EXPLAIN (COSTS OFF) SELECT * FROM probe;
SELECT positions FROM mesh.bookmarks WHERE name = 'regress_probe';

-- a rescan (a correlated subquery, the inner side of a nested loop) reads
-- the same offsets on every pass, with each pass's pushed values, and the
-- bookmark moves once, when the scan ends, past what any pass read
SELECT mesh.rewind_bookmark('regress_probe', offsets => '{"0": 14, "1": 14, "2": 14}');
SELECT a.p, (SELECT string_agg(f.n::text, ',' ORDER BY f.n) FROM probe f WHERE f._partition = a.p) AS ns
  FROM (VALUES (0), (1), (0)) a(p);
SELECT positions, lag FROM mesh.bookmarks WHERE name = 'regress_probe';
SELECT mesh.rewind_bookmark('regress_probe', offsets => '{"0": 14, "1": 14, "2": 14}');
SELECT a.x, (SELECT count(*) FROM probe f WHERE f.n % 2 = a.x) AS c FROM (VALUES (0), (1), (0)) a(x);
SELECT positions, lag FROM mesh.bookmarks WHERE name = 'regress_probe';
SELECT mesh.rewind_bookmark('regress_probe', offsets => '{"0": 15, "1": 15, "2": 15}');
EXPLAIN (COSTS OFF)
SELECT a.x, f.n FROM (VALUES (0), (1), (0)) a(x),
  LATERAL (SELECT n FROM probe WHERE _partition = a.x OFFSET 0) f ORDER BY 1, 2;
SELECT a.x, f.n FROM (VALUES (0), (1), (0)) a(x),
  LATERAL (SELECT n FROM probe WHERE _partition = a.x OFFSET 0) f ORDER BY 1, 2;
SELECT positions, lag FROM mesh.bookmarks WHERE name = 'regress_probe';

-- refusals
SELECT count(*) FROM probe a JOIN probe b USING (n);
CREATE FOREIGN TABLE wrong (n int) SERVER mesh_bm
  OPTIONS (topic 'regress_bm_other', value_format 'json', bookmark 'regress_feed');
SELECT * FROM wrong;
CREATE FOREIGN TABLE badname (n int) SERVER mesh_bm
  OPTIONS (topic 'regress_bm_feed', value_format 'json', bookmark 'Feed');
CREATE FOREIGN TABLE latest (n int) SERVER mesh_bm
  OPTIONS (topic 'regress_bm_feed', value_format 'json', mode 'table', bookmark 'regress_latest');
ALTER FOREIGN TABLE probe OPTIONS (ADD mode 'table');
BEGIN READ ONLY;
SELECT count(*) FROM probe;
ROLLBACK;
-- a cursor that reads the bookmark keeps it from being moved or dropped
BEGIN;
DECLARE c CURSOR FOR SELECT n FROM probe;
FETCH 1 FROM c;
SELECT mesh.rewind_bookmark('regress_probe', 'earliest');
ROLLBACK;
BEGIN;
DECLARE c CURSOR FOR SELECT n FROM probe;
FETCH 1 FROM c;
SELECT mesh.drop_bookmark('regress_probe');
ROLLBACK;

-- rewind and drop
SELECT mesh.rewind_bookmark('regress_probe', 'earliest');
SELECT positions, lag FROM mesh.bookmarks WHERE name = 'regress_probe';
SELECT mesh.rewind_bookmark('regress_probe', "to" => 'latest');
SELECT positions, lag FROM mesh.bookmarks WHERE name = 'regress_probe';
SELECT mesh.rewind_bookmark('regress_probe', at => '2000-01-01');
SELECT positions, lag FROM mesh.bookmarks WHERE name = 'regress_probe';
SELECT mesh.rewind_bookmark('regress_probe', at => now() + interval '1 day');
SELECT positions, lag FROM mesh.bookmarks WHERE name = 'regress_probe';
SELECT mesh.rewind_bookmark('regress_probe', offsets => '{"2": 7}');
SELECT positions, lag FROM mesh.bookmarks WHERE name = 'regress_probe';
SELECT mesh.rewind_bookmark('regress_probe', offsets => '{"3": 7}');
SELECT mesh.rewind_bookmark('regress_probe', offsets => '{"0": 1000}');
SELECT mesh.rewind_bookmark('regress_probe', offsets => '[1, 2]');
SELECT mesh.rewind_bookmark('regress_probe', 'newest');
SELECT mesh.rewind_bookmark('regress_probe', 'latest', at => now());
SELECT mesh.rewind_bookmark('regress_nothing', 'latest');
SELECT mesh.drop_bookmark('regress_probe');
SELECT name FROM mesh.bookmarks ORDER BY 1;
SELECT mesh.drop_bookmark('regress_probe');

-- retention deleted messages the bookmark had not read: a WARNING says how many
CREATE FOREIGN TABLE other (n int) SERVER mesh_bm
  OPTIONS (topic 'regress_bm_other', value_format 'json', bookmark 'regress_other');
\! scripts/peer produce-seq regress_bm_other --count 10
SELECT count(*) FROM other;
\! scripts/peer produce-seq regress_bm_other --start 10 --count 10
\! scripts/peer delete-records regress_bm_other --partition 0 --before 14
SELECT count(*), min(n) FROM other;
SELECT positions, lag FROM mesh.bookmarks WHERE name = 'regress_other';

-- when the commit to Kafka after COMMIT fails (here: the topic is gone),
-- a WARNING says so and the transaction stays committed
\! scripts/peer produce-seq regress_bm_other --start 20 --count 3
BEGIN;
SELECT count(*) FROM other;
\! scripts/peer delete-topic regress_bm_other
\set VERBOSITY terse
COMMIT;
\set VERBOSITY default
SELECT positions FROM mesh.bookmark_state WHERE name = 'regress_other';
-- the topic made again: a position beyond its end reads nothing there and
-- stays (a WARNING says so) until the bookmark is rewound
\! scripts/peer create-topic regress_bm_other --partitions 1
\! scripts/peer produce-seq regress_bm_other --count 5
SELECT count(*) FROM other;
SELECT positions FROM mesh.bookmark_state WHERE name = 'regress_other';
SELECT mesh.rewind_bookmark('regress_other', 'earliest');
SELECT count(*), sum(n) FROM other;
SELECT positions FROM mesh.bookmark_state WHERE name = 'regress_other';

-- Kafka tools see each bookmark as consumer group mesh.bookmark.<name>
SELECT consumer_group, state, members, offsets, lag, partition_lag,
       last_commit BETWEEN now() - interval '10 minutes' AND clock_timestamp() AS last_commit
  FROM mesh.list_consumer_groups() WHERE topic = 'regress_bm_feed' ORDER BY 1;
\! scripts/peer group-lag mesh.bookmark.regress_feed regress_bm_feed

-- INSERT ... SELECT again and again while a peer keeps producing, in
-- transactions with aborted ones between: every message once
CREATE PROCEDURE load_feed(times int) LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1 .. times LOOP
    INSERT INTO loaded SELECT * FROM feed;
    COMMIT;
    PERFORM pg_sleep(0.1);
  END LOOP;
END $$;
\! rm -f results/bookmarks.done; (scripts/peer produce-seq regress_bm_feed --start 1000 --count 20000 --partitions 3 --batch 500 --pause 0.05 --transactional --done-file results/bookmarks.done &)
CALL load_feed(30);
\! for i in $(seq 1 600); do [ -f results/bookmarks.done ] && break; sleep 0.1; done
CALL load_feed(1);
SELECT count(*), count(DISTINCT n), sum(n), count(DISTINCT (p, o)), count(*) FILTER (WHERE n < 0) AS aborted
  FROM loaded;
\! scripts/peer consume regress_bm_feed --value-format json --fields value | python3 -c 'import sys, json; v = [json.loads(l)["value"]["n"] for l in sys.stdin]; print("peer: count", len(v), "sum", sum(v))'
SELECT lag FROM mesh.bookmarks WHERE name = 'regress_feed';

-- a partition added later starts at its earliest offset
\! scripts/peer add-partitions regress_bm_feed --total 4
\! scripts/peer produce-seq regress_bm_feed --start 30000 --count 8 --partitions 4
CALL load_feed(1);
SELECT p, count(*), sum(n) FROM loaded WHERE n >= 30000 GROUP BY p ORDER BY p;
SELECT positions->'3' AS partition_3, lag FROM mesh.bookmarks WHERE name = 'regress_feed';

-- who consumes a product: a group of a Kafka client that committed offsets
SELECT mesh.publish_data_product(domain => 'bm', name => 'orders',
  topic => 'regress_bm_orders', owner => '@regress', description => 'orders',
  value_format => 'json', partitions => 2);
\! scripts/peer produce-seq regress_bm_orders --count 10 --partitions 2
\! scripts/peer group-consume regress_bm_peer_group regress_bm_orders --count 10
\! scripts/peer produce-seq regress_bm_orders --start 10 --count 7 --partitions 2
\! scripts/peer group-lag regress_bm_peer_group regress_bm_orders
SELECT server, qualified_name, consumer_group, state, members, offsets, lag, partition_lag, last_commit
  FROM mesh.data_product_consumers WHERE qualified_name = 'bm.orders';
-- a bookmark on the product shows with its last commit
CREATE FOREIGN TABLE orders (n int) SERVER mesh_bm
  OPTIONS (product 'bm.orders', bookmark 'regress_orders');
SELECT count(*) FROM orders;
SELECT consumer_group, state, members, offsets, lag, last_commit IS NOT NULL AS last_commit
  FROM mesh.data_product_consumers WHERE qualified_name = 'bm.orders' ORDER BY 1;
SELECT * FROM mesh.lineage WHERE input = 'bm.orders' ORDER BY product;
-- a product in mode 'table' takes no bookmark
SELECT mesh.publish_data_product(domain => 'bm', name => 'accounts',
  topic => 'regress_bm_accounts', owner => '@regress', description => 'accounts',
  value_format => 'json', mode => 'table', partitions => 1);
CREATE FOREIGN TABLE accounts (n int) SERVER mesh_bm
  OPTIONS (product 'bm.accounts', bookmark 'regress_accounts');
SELECT mesh.lineage_graph() ~ '"bm.orders" -> "mesh.bookmark.regress_orders" \[style=dashed\]' AS drawn;

DROP SERVER mesh_bm CASCADE;
\! scripts/peer delete-topic regress_bm_catalog regress_bm_feed regress_bm_other regress_bm_orders regress_bm_accounts
