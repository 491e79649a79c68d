--
-- What a scan reads: offset ranges per partition, pushdown of _partition,
-- _offset, _timestamp and LIMIT, shown by EXPLAIN; joins
--
SET timezone = 'UTC';
\getenv brokers MESH_BROKERS
\! scripts/peer delete-topic regress_push_catalog regress_push_events regress_push_users
CREATE SERVER mesh_push FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_push_catalog');
SELECT mesh.publish_data_product(domain => 'push', name => 'events',
  topic => 'regress_push_events', owner => '@regress', description => 'events',
  value_format => 'json', partitions => 3);
-- 3 partitions of 10 messages; message i of partition p has timestamp
-- 2023-11-14 22:13:20 UTC + i seconds + p milliseconds
\! scripts/peer produce regress_push_events --value-format json --input test/data/pushdown.jsonl
CREATE FOREIGN TABLE events (p int, i int, amount int, _partition int,
  _offset bigint, _timestamp timestamptz, _key text)
  SERVER mesh_push OPTIONS (product 'push.events');

-- the whole topic
EXPLAIN (COSTS OFF) SELECT * FROM events;
SELECT count(*), sum(amount) FROM events;

-- row estimates come from the offsets, without ANALYZE
EXPLAIN SELECT * FROM events;

-- _partition: = and IN
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE _partition = 1;
SELECT count(*), min(p), max(p) FROM events WHERE _partition = 1;
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE _partition IN (0, 2);
SELECT _partition, count(*) FROM events WHERE _partition IN (0, 2) GROUP BY 1 ORDER BY 1;

-- _offset: every comparison, BETWEEN
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE _offset >= 7;
SELECT count(*) FROM events WHERE _offset >= 7;
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE _offset < 2;
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE _offset BETWEEN 3 AND 5 AND _partition = 2;
SELECT _partition, _offset, i FROM events WHERE _offset BETWEEN 3 AND 5 AND _partition = 2 ORDER BY 2;
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE _offset = 4 AND _partition = 0;
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE _offset > 4 AND _offset <= 6;

-- combined per partition with OR, as kafka_fdw users write it
EXPLAIN (COSTS OFF) SELECT * FROM events
 WHERE (_partition = 0 AND _offset > 7) OR (_partition = 2 AND _offset < 2);
SELECT _partition, _offset FROM events
 WHERE (_partition = 0 AND _offset > 7) OR (_partition = 2 AND _offset < 2)
 ORDER BY 1, 2;

-- _timestamp: a lower bound becomes start offsets (offsets-for-times);
-- an upper bound is rechecked per row (these timestamps are CreateTime)
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE _timestamp >= '2023-11-14 22:13:28+00';
SELECT _partition, count(*) FROM events
 WHERE _timestamp >= '2023-11-14 22:13:28+00' GROUP BY 1 ORDER BY 1;
SELECT count(*) FROM events WHERE _timestamp < '2023-11-14 22:13:21+00';
-- a bound that uses a stable function is evaluated when the scan starts
SELECT count(*) FROM events WHERE _timestamp > now() - interval '1 hour';
CREATE FUNCTION pg_temp.cutoff() RETURNS timestamptz STABLE LANGUAGE plpgsql
  AS $$ BEGIN RETURN '2023-11-14 22:13:25+00'; END $$;
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE _timestamp >= pg_temp.cutoff();
SELECT count(*) FROM events WHERE _timestamp >= pg_temp.cutoff();
-- ... and one that uses a parameter
PREPARE by_offset(bigint) AS SELECT count(*) FROM events WHERE _offset >= $1;
EXECUTE by_offset(9);
EXECUTE by_offset(0);
DEALLOCATE by_offset;

-- LIMIT goes down when nothing above the scan filters or sorts
EXPLAIN (COSTS OFF) SELECT * FROM events LIMIT 5;
SELECT count(*) FROM (SELECT * FROM events LIMIT 5) s;
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE _partition = 1 LIMIT 3 OFFSET 2;
EXPLAIN (COSTS OFF) SELECT * FROM events WHERE amount > 5 LIMIT 5;
EXPLAIN (COSTS OFF) SELECT * FROM events ORDER BY amount LIMIT 5;
-- EXPLAIN ANALYZE counts the messages read
SELECT explain_analyze('SELECT * FROM events LIMIT 5');
SELECT explain_analyze('SELECT * FROM events WHERE _partition = 2 AND _offset >= 8');

-- the end of a partition whose last offset is a transaction's commit
-- marker: offsets 0-4 are messages, 5 the marker, so the scan's captured
-- end (6) is never a message's offset; the scan still ends (on end of
-- partition), within connect_timeout_ms (else it would fail "stalled")
\! scripts/peer delete-topic regress_push_txn
\! scripts/peer create-topic regress_push_txn
\! for i in 0 1 2 3 4; do echo "{\"value\": {\"i\": $i}}"; done | scripts/peer produce regress_push_txn --value-format json --transactional
CREATE SERVER mesh_push_fast FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', connect_timeout_ms '2000');
CREATE FOREIGN TABLE txn_tail (i int, _offset bigint) SERVER mesh_push_fast
  OPTIONS (topic 'regress_push_txn', value_format 'json');
EXPLAIN (COSTS OFF) SELECT * FROM txn_tail WHERE _offset >= 4;
SELECT i, _offset FROM txn_tail WHERE _offset >= 4;
SELECT count(*) FROM txn_tail WHERE _offset >= 5;
SELECT count(*), max(_offset) FROM txn_tail;
DROP SERVER mesh_push_fast CASCADE;
\! scripts/peer delete-topic regress_push_txn

-- a join of two products on a key column: a hash join, each topic read once
SELECT mesh.publish_data_product(domain => 'push', name => 'users',
  topic => 'regress_push_users', owner => '@regress', description => 'users',
  value_format => 'json', partitions => 2);
\! for p in 0 1 2; do echo "{\"value\": {\"p\": $p, \"region\": \"region-$p\"}, \"partition\": $((p % 2))}"; done | scripts/peer produce regress_push_users --value-format json
CREATE FOREIGN TABLE users (p int, region text) SERVER mesh_push OPTIONS (product 'push.users');
EXPLAIN (COSTS OFF) SELECT u.region, sum(e.amount) FROM events e JOIN users u ON u.p = e.p GROUP BY 1;
SELECT u.region, sum(e.amount) FROM events e JOIN users u ON u.p = e.p GROUP BY 1 ORDER BY 1;
-- and with a local table
CREATE TEMP TABLE targets (p int, target int);
INSERT INTO targets VALUES (0, 40), (1, 1050), (2, 2045);
SELECT t.p, sum(e.amount) >= t.target AS met
  FROM events e JOIN targets t USING (p) GROUP BY t.p, t.target ORDER BY 1;

-- ANALYZE samples the topic for column statistics
ANALYZE events;
SELECT attname, n_distinct FROM pg_stats WHERE tablename = 'events' AND attname IN ('p', 'i') ORDER BY 1;

DROP SERVER mesh_push CASCADE;
