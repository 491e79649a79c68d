--
-- Across databases and clusters, Kafka's ACLs guard the catalog topic
-- (issue 15): the stack's broker runs Kafka's standard authorizer; a SCRAM
-- user with READ but not WRITE on the catalog topic discovers products and
-- reads them, and gets a clear ERROR at once when it publishes
--
SET timezone = 'UTC';
\getenv brokers MESH_BROKERS
\getenv sasl_brokers MESH_SASL_BROKERS
\! scripts/peer delete-topic regress_acl_catalog regress_acl_topic
\! scripts/peer create-topic regress_acl_topic
-- a second SCRAM user, allowed to read the catalog topic and the product's
\! scripts/peer scram-user regress_acl_reader regress-acl-reader-7d3e
\! scripts/peer acl User:regress_acl_reader --topic regress_acl_catalog --topic regress_acl_topic --operation READ --operation WRITE --delete
\! scripts/peer acl User:regress_acl_reader --topic regress_acl_catalog --topic regress_acl_topic --operation READ

-- the publishing side (the stack's plaintext listener, a super user)
CREATE SERVER acl_admin FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_acl_catalog');
CREATE USER MAPPING FOR CURRENT_USER SERVER acl_admin;
SELECT mesh.publish_data_product('acl', 'things', topic => 'regress_acl_topic',
  owner => '@acl', description => 'things', value_format => 'text', server => 'acl_admin');
CREATE FOREIGN TABLE acl_things_admin (value text) SERVER acl_admin OPTIONS (product 'acl.things');
INSERT INTO acl_things_admin VALUES ('one'), ('two');

-- the reading side: as another database or cluster would, as the reader
CREATE SERVER acl_reader FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'sasl_brokers', catalog_topic 'regress_acl_catalog',
           "kafka.security.protocol" 'sasl_plaintext',
           "kafka.sasl.mechanism" 'SCRAM-SHA-256', connect_timeout_ms '4000');
CREATE USER MAPPING FOR CURRENT_USER SERVER acl_reader
  OPTIONS ("kafka.sasl.username" 'regress_acl_reader',
           "kafka.sasl.password" 'regress-acl-reader-7d3e');
SELECT server, qualified_name, owner FROM mesh.data_products
 WHERE server LIKE 'acl%' ORDER BY 1;
CREATE FOREIGN TABLE acl_things (value text) SERVER acl_reader OPTIONS (product 'acl.things');
SELECT value FROM acl_things ORDER BY 1;
SELECT high_offset AS end0 FROM mesh.topic_partitions('acl_admin', 'regress_acl_catalog') \gset

-- publish, republish and unpublish through the reader: refused by Kafka's
-- authorizer, at once (not after a timeout), naming the topic and WRITE
CREATE FUNCTION try_publish(stmt text) RETURNS TABLE (code text, message text, detail text, hint text, fast boolean)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
  d text;
BEGIN
  EXECUTE stmt;
  RETURN QUERY SELECT 'ok', NULL::text, NULL::text, NULL::text, NULL::boolean;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          d = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
  -- librdkafka's reason names the broker: keep its words, not its port
  RETURN QUERY SELECT code, message, regexp_replace(d, '://[^ ]*', '://...', 'g'), hint,
                      clock_timestamp() - t0 < interval '3 seconds';
END
$$;
\x on
SELECT * FROM try_publish($$ SELECT mesh.publish_data_product('acl', 'other', topic => 'regress_acl_topic',
  owner => '@reader', description => 'not allowed', value_format => 'text', server => 'acl_reader') $$);
SELECT * FROM try_publish($$ SELECT mesh.publish_data_product('acl', 'things', description => 'changed',
  server => 'acl_reader') $$);
SELECT * FROM try_publish($$ SELECT mesh.unpublish_data_product('acl', 'things', server => 'acl_reader') $$);
\x off
-- nothing was written
SELECT high_offset = :end0 AS catalog_unmoved
  FROM mesh.topic_partitions('acl_admin', 'regress_acl_catalog');
SELECT qualified_name, description, version FROM mesh.data_products WHERE server = 'acl_admin';

-- WRITE on the product's topic but not on the catalog topic: the record
-- is refused by the topic's ACL; rows go to the product's topic
\! scripts/peer acl User:regress_acl_reader --topic regress_acl_topic --operation WRITE
\x on
SELECT * FROM try_publish($$ SELECT mesh.unpublish_data_product('acl', 'things', server => 'acl_reader') $$);
\x off
INSERT INTO acl_things VALUES ('three');
SELECT value FROM acl_things ORDER BY 1;

-- with WRITE on the catalog topic, the same session publishes
\! scripts/peer acl User:regress_acl_reader --topic regress_acl_catalog --operation WRITE
SELECT mesh.publish_data_product('acl', 'things', description => 'changed by the reader',
  server => 'acl_reader');
SELECT qualified_name, description, version FROM mesh.data_products WHERE server = 'acl_admin';

SET client_min_messages = warning;
DROP SERVER acl_admin, acl_reader CASCADE;
RESET client_min_messages;
DROP FUNCTION try_publish(text);
DELETE FROM mesh.domain_owner WHERE server IN ('acl_admin', 'acl_reader');
\! scripts/peer acl User:regress_acl_reader --topic regress_acl_catalog --topic regress_acl_topic --operation READ --operation WRITE --delete
\! scripts/peer delete-topic regress_acl_catalog regress_acl_topic
