--
-- Security: what non-superusers may set, rechecked when a client is built;
-- who sees what; the registry speaks http(s) only
--
\getenv brokers MESH_BROKERS
\getenv registry MESH_SCHEMA_REGISTRY
\! scripts/peer delete-topic regress_sec_catalog regress_sec_topic
CREATE ROLE regress_sec_analyst;
CREATE ROLE regress_sec_other;
GRANT USAGE ON FOREIGN DATA WRAPPER mesh_fdw TO regress_sec_analyst;

-- a superuser sets a property only superusers may set...
CREATE SERVER sec_server FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_sec_catalog',
           "kafka.topic.metadata.refresh.sparse" 'true');
SELECT count(*) >= 0 AS works FROM mesh.topics;
-- ... then hands the server to a non-superuser: the validator does not
-- run, but the property is checked again when a client is built
ALTER SERVER sec_server OWNER TO regress_sec_analyst;
SET ROLE regress_sec_analyst;
SELECT count(*) FROM mesh.topics;
RESET ROLE;
ALTER SERVER sec_server OWNER TO CURRENT_USER;
ALTER SERVER sec_server OPTIONS (DROP "kafka.topic.metadata.refresh.sparse");

-- a role that was a superuser when it set a property, and is no more
CREATE ROLE regress_sec_admin SUPERUSER;
SET ROLE regress_sec_admin;
CREATE SERVER sec_server2 FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', "kafka.debug" 'broker');
RESET ROLE;
ALTER ROLE regress_sec_admin NOSUPERUSER;
SET ROLE regress_sec_admin;
SELECT count(*) FROM mesh.topics;
RESET ROLE;
DROP SERVER sec_server2;
DROP ROLE regress_sec_admin;

-- credentials stay out of errors: a client librdkafka cannot build with
-- them says why without echoing them
CREATE SERVER sec_ssl FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', "kafka.security.protocol" 'ssl');
CREATE USER MAPPING FOR CURRENT_USER SERVER sec_ssl
  OPTIONS ("kafka.ssl.key.pem" 'not a key hunter2-secret',
           "kafka.ssl.key.password" 'hunter2-secret');
SELECT count(*) FROM mesh.topics;
-- ... and options show them only as PostgreSQL shows user mappings
SET ROLE regress_sec_other;
SELECT srvname, umoptions FROM pg_user_mappings WHERE srvname = 'sec_ssl';
RESET ROLE;
DROP SERVER sec_ssl CASCADE;

-- a role without USAGE on a server sees none of its products, topics or
-- partitions, and cannot read its foreign tables
SELECT mesh.publish_data_product(domain => 'sec', name => 'secret',
  topic => 'regress_sec_topic', owner => '@sec', description => 'secret',
  value_format => 'text', partitions => 1, server => 'sec_server');
CREATE FOREIGN TABLE sec_table (value text) SERVER sec_server
  OPTIONS (product 'sec.secret');
GRANT SELECT ON sec_table TO regress_sec_other;
SET ROLE regress_sec_other;
SELECT count(*) FROM mesh.data_products;
SELECT count(*) FROM mesh.topics;
SELECT count(*) FROM mesh.data_product_partitions;
SELECT count(*) FROM mesh.domains;
SELECT * FROM sec_table;
SELECT * FROM mesh.topic_partitions('sec_server', 'regress_sec_topic');
-- EXECUTE on the functions that change the catalog is granted, not PUBLIC's,
-- and USAGE on the server is needed too
SELECT mesh.publish_data_product(domain => 'sec', name => 'mine', owner => 'me',
  description => 'x', value_format => 'text', topic => 'regress_sec_topic',
  server => 'sec_server');
RESET ROLE;
GRANT EXECUTE ON FUNCTION mesh.publish_data_product TO regress_sec_other;
SET ROLE regress_sec_other;
SELECT mesh.publish_data_product(domain => 'sec', name => 'mine', owner => 'me',
  description => 'x', value_format => 'text', topic => 'regress_sec_topic',
  server => 'sec_server');
RESET ROLE;
GRANT USAGE ON FOREIGN SERVER sec_server TO regress_sec_other;
SET ROLE regress_sec_other;
SELECT qualified_name FROM mesh.data_products;
SELECT count(*) FROM sec_table;
RESET ROLE;

-- the schema registry is spoken to over http and https only, also across
-- redirects: one to a file:// URL is refused
\! python3 test/redirect_server.py 18999 file:///etc/passwd > /dev/null 2>&1 &
\! for i in $(seq 1 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', 18999), 0.2)" 2>/dev/null && break; sleep 0.1; done
ALTER SERVER sec_server OPTIONS (ADD schema_registry 'http://127.0.0.1:18999');
SELECT mesh.publish_data_product('sec', 'secret', value_format => 'avro');
\! python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:18999/quit')" > /dev/null 2>&1 || true

DROP SERVER sec_server CASCADE;
DROP OWNED BY regress_sec_analyst, regress_sec_other;
DROP ROLE regress_sec_analyst, regress_sec_other;
