--
-- mesh.topics against the real broker
--
\getenv brokers MESH_BROKERS
CREATE SERVER mesh FOREIGN DATA WRAPPER mesh_fdw OPTIONS (brokers :'brokers');
CREATE USER MAPPING FOR CURRENT_USER SERVER mesh;

-- topics this test creates (recreated each run: deterministic output)
\! scripts/peer create-topic regress_topics_orders --partitions 3 --recreate
\! scripts/peer create-topic regress_topics_users --partitions 1 --recreate
\! scripts/peer create-topic _regress_topics_internal --partitions 2 --recreate

SELECT server, topic, partitions, replication_factor > 0 AS replicated,
       is_internal, is_data_product
  FROM mesh.topics
 WHERE topic ~ '^_?regress_topics_'
 ORDER BY topic;

-- a topic appears once the cluster has it: the cache holds the client,
-- not the answer
\! scripts/peer create-topic regress_topics_late --partitions 5 --recreate
SELECT topic, partitions FROM mesh.topics WHERE topic = 'regress_topics_late';
\! scripts/peer delete-topic regress_topics_late
SELECT count(*) FROM mesh.topics WHERE topic = 'regress_topics_late';

-- changing the server's options rebuilds its client
ALTER SERVER mesh OPTIONS (ADD "kafka.client.id" 'regress');
SELECT count(*) FROM mesh.topics WHERE topic ~ '^regress_topics_';

-- a role without USAGE on the server sees none of its topics
CREATE ROLE regress_topics_nobody;
SET ROLE regress_topics_nobody;
SELECT count(*) FROM mesh.topics;
RESET ROLE;
DROP ROLE regress_topics_nobody;

--
-- A broker that does not answer: a clear ERROR within connect_timeout_ms
--
CREATE SERVER mesh_down FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers '127.0.0.1:1', connect_timeout_ms '1500');

-- with two servers, a WARNING names the one that does not answer and the
-- other's rows come back
SELECT server, topic FROM mesh.topics WHERE topic = 'regress_topics_users';

-- alone, it is an ERROR, and it comes within the timeout plus a margin
CREATE FUNCTION pg_temp.elapsed_ms(query text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
  BEGIN
    EXECUTE query;
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    RAISE NOTICE 'caught: %', SQLERRM;
  END;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$;
DROP SERVER mesh CASCADE;
SELECT * FROM mesh.topics;
SELECT elapsed_ms BETWEEN 1400 AND 4000 AS within_timeout
  FROM pg_temp.elapsed_ms('SELECT * FROM mesh.topics') AS elapsed_ms;

-- a cancel (here statement_timeout) interrupts the wait within a second
ALTER SERVER mesh_down OPTIONS (SET connect_timeout_ms '60000');
SET statement_timeout = '300ms';
SELECT elapsed_ms < 1300 AS cancelled_quickly
  FROM pg_temp.elapsed_ms('SELECT * FROM mesh.topics') AS elapsed_ms;
RESET statement_timeout;

DROP SERVER mesh_down;
