--
-- TLS: a non-superuser reads and writes over TLS with the certificate
-- authority given inline on the user mapping, and over SASL_SSL with
-- SCRAM-SHA-512; a wrong password and an untrusted certificate each end
-- the query with a clear ERROR within connect_timeout_ms, and no secret
-- reaches the messages or the server log
--
\getenv tls_brokers MESH_TLS_BROKERS
\getenv sasl_ssl_brokers MESH_SASL_SSL_BROKERS
\getenv ca_file MESH_TLS_CA
\getenv other_ca_file MESH_TLS_OTHER_CA
\getenv sasl_user MESH_SASL_USER
\getenv sasl_password MESH_SASL_PASSWORD
\getenv pg_log MESH_PG_LOG
\! scripts/peer delete-topic regress_tls
\! scripts/peer create-topic regress_tls --partitions 2
\! scripts/peer scram-user "$MESH_SASL_USER" "$MESH_SASL_PASSWORD"

-- the certificates' text, read by the superuser for the analyst to paste
SELECT pg_read_file(:'ca_file') AS ca_pem,
       pg_read_file(:'other_ca_file') AS other_ca_pem \gset
SELECT :'ca_pem' LIKE '-----BEGIN CERTIFICATE-----%' AS ca_is_pem;
-- where the server log stands before the test
SELECT (pg_stat_file(:'pg_log')).size AS log_start \gset

CREATE ROLE regress_tls_analyst;
CREATE SCHEMA regress_tls AUTHORIZATION regress_tls_analyst;
CREATE SERVER tls_server FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'tls_brokers', "kafka.security.protocol" 'ssl',
           connect_timeout_ms '4000');
CREATE SERVER sasl_ssl_server FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'sasl_ssl_brokers', "kafka.security.protocol" 'sasl_ssl',
           "kafka.sasl.mechanism" 'SCRAM-SHA-512', connect_timeout_ms '4000');
GRANT USAGE ON FOREIGN SERVER tls_server, sasl_ssl_server TO regress_tls_analyst;

SET ROLE regress_tls_analyst;
SET search_path = regress_tls;

-- TLS, the CA inline on the analyst's own user mapping
CREATE USER MAPPING FOR CURRENT_USER SERVER tls_server
  OPTIONS ("kafka.ssl.ca.pem" :'ca_pem');
CREATE FOREIGN TABLE over_tls (_key text, id int, note text)
  SERVER tls_server OPTIONS (topic 'regress_tls', value_format 'json');
INSERT INTO over_tls VALUES ('a', 1, 'over TLS'), ('b', 2, 'over TLS');
SELECT id, note FROM over_tls ORDER BY id;

-- SASL_SSL with SCRAM-SHA-512
CREATE USER MAPPING FOR CURRENT_USER SERVER sasl_ssl_server
  OPTIONS ("kafka.ssl.ca.pem" :'ca_pem', "kafka.sasl.username" :'sasl_user',
           "kafka.sasl.password" :'sasl_password');
CREATE FOREIGN TABLE over_sasl_ssl (_key text, id int, note text)
  SERVER sasl_ssl_server OPTIONS (topic 'regress_tls', value_format 'json');
INSERT INTO over_sasl_ssl VALUES ('c', 3, 'over SASL_SSL');
SELECT id, note FROM over_sasl_ssl ORDER BY id;
SELECT count(*) AS over_tls_sees FROM over_tls;

-- A query that fails: its SQLSTATE and message, whether it ended within
-- connect_timeout_ms (plus a margin for a loaded machine), and whether
-- the secret (the setting regress.secret, so that no statement the server
-- might log holds it) shows anywhere in message, detail or hint.
CREATE FUNCTION try_query(q text) RETURNS TABLE (sqlstate text, message text, within_timeout boolean, secret_shown boolean)
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
  secret text := current_setting('regress.secret');
  msg text; det text; hnt text; st text;
BEGIN
  EXECUTE q;
  RETURN QUERY SELECT 'none'::text, 'no error'::text, true, false;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
  RETURN QUERY SELECT st, msg,
    clock_timestamp() - t0 < interval '4 s' + interval '3 s',
    strpos(concat_ws(' ', msg, det, hnt), secret) > 0;
END $$;

-- a wrong password
ALTER USER MAPPING FOR CURRENT_USER SERVER sasl_ssl_server
  OPTIONS (SET "kafka.sasl.password" 'regress-wrong-password-5e2b');
SET regress.secret = 'regress-wrong-password-5e2b';
SELECT * FROM try_query('SELECT count(*) FROM regress_tls.over_sasl_ssl');
SELECT * FROM try_query('INSERT INTO regress_tls.over_sasl_ssl VALUES (''d'', 4, ''never'')');

-- a broker certificate the mapping's CA did not sign
ALTER USER MAPPING FOR CURRENT_USER SERVER tls_server
  OPTIONS (SET "kafka.ssl.ca.pem" :'other_ca_pem');
SET regress.secret = 'PRIVATE KEY';
SELECT * FROM try_query('SELECT count(*) FROM regress_tls.over_tls');

-- the right settings again, in the same backend: the clients were rebuilt
ALTER USER MAPPING FOR CURRENT_USER SERVER tls_server
  OPTIONS (SET "kafka.ssl.ca.pem" :'ca_pem');
ALTER USER MAPPING FOR CURRENT_USER SERVER sasl_ssl_server
  OPTIONS (SET "kafka.sasl.password" :'sasl_password');
SELECT count(*) AS over_tls_again FROM over_tls;
SELECT count(*) AS over_sasl_ssl_again FROM over_sasl_ssl;
RESET ROLE;
RESET search_path;
RESET regress.secret;

-- what the server logged meanwhile holds the failures, and neither password
SELECT log LIKE '%sasl_ssl_server%' AS log_names_the_server,
       strpos(log, :'sasl_password') = 0 AS log_without_password,
       strpos(log, 'regress-wrong-password-5e2b') = 0 AS log_without_wrong_password
  FROM (SELECT pg_read_file(:'pg_log', :log_start,
                            (pg_stat_file(:'pg_log')).size - :log_start) AS log) l;

DROP SCHEMA regress_tls CASCADE;
DROP USER MAPPING FOR regress_tls_analyst SERVER tls_server;
DROP USER MAPPING FOR regress_tls_analyst SERVER sasl_ssl_server;
DROP SERVER tls_server, sasl_ssl_server;
DROP ROLE regress_tls_analyst;
\! scripts/peer delete-topic regress_tls
