--
-- Option validation: bad options are refused at CREATE/ALTER time
--
\getenv brokers MESH_BROKERS

-- brokers is required
CREATE SERVER opt_none FOREIGN DATA WRAPPER mesh_fdw;
CREATE SERVER opt_ok FOREIGN DATA WRAPPER mesh_fdw OPTIONS (brokers :'brokers');
ALTER SERVER opt_ok OPTIONS (DROP brokers);

-- unknown options list the valid ones
CREATE SERVER opt_bad FOREIGN DATA WRAPPER mesh_fdw OPTIONS (brokers 'h:1', bootstrap 'x');
ALTER SERVER opt_ok OPTIONS (ADD topic 'x');
CREATE USER MAPPING FOR CURRENT_USER SERVER opt_ok OPTIONS (brokers 'h:1');

-- bad broker lists
CREATE SERVER opt_bad FOREIGN DATA WRAPPER mesh_fdw OPTIONS (brokers '');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER mesh_fdw OPTIONS (brokers '  ');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER mesh_fdw OPTIONS (brokers 'a:1,,b:2');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER mesh_fdw OPTIONS (brokers 'a:99999');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER mesh_fdw OPTIONS (brokers 'a:port');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER mesh_fdw OPTIONS (brokers 'a b:1');
CREATE SERVER opt_bad FOREIGN DATA WRAPPER mesh_fdw OPTIONS (brokers ':9092');
-- good ones: several brokers, a scheme, IPv6, no port
CREATE SERVER opt_good FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers 'k1.example.com:9092, PLAINTEXT://10.0.0.2:9093,[::1]:9094,k4');

-- connect_timeout_ms
ALTER SERVER opt_ok OPTIONS (ADD connect_timeout_ms 'soon');
ALTER SERVER opt_ok OPTIONS (ADD connect_timeout_ms '0');
ALTER SERVER opt_ok OPTIONS (ADD connect_timeout_ms '1.5');
ALTER SERVER opt_ok OPTIONS (ADD connect_timeout_ms '99999999999');
ALTER SERVER opt_ok OPTIONS (ADD connect_timeout_ms '2500');

-- catalog_topic must be a Kafka topic name
ALTER SERVER opt_ok OPTIONS (ADD catalog_topic 'no spaces');
ALTER SERVER opt_ok OPTIONS (ADD catalog_topic '..');
ALTER SERVER opt_ok OPTIONS (ADD catalog_topic '_mesh_catalog_regress');

-- schema_registry: an http(s) URL, without credentials
ALTER SERVER opt_ok OPTIONS (ADD schema_registry 'ftp://registry:8081');
ALTER SERVER opt_ok OPTIONS (ADD schema_registry 'registry:8081');
ALTER SERVER opt_ok OPTIONS (ADD schema_registry 'http://');
ALTER SERVER opt_ok OPTIONS (ADD schema_registry 'http://registry:80x81');
ALTER SERVER opt_ok OPTIONS (ADD schema_registry 'http://bob:secret@registry:8081');
ALTER SERVER opt_ok OPTIONS (ADD schema_registry 'http://reg istry:8081');
ALTER SERVER opt_ok OPTIONS (ADD schema_registry 'https://registry.example.com:8443/apis/ccompat/v7');

-- transactional is a boolean
ALTER SERVER opt_ok OPTIONS (ADD transactional 'maybe');
ALTER SERVER opt_ok OPTIONS (ADD transactional 'false');

-- librdkafka properties: known names, valid values
ALTER SERVER opt_ok OPTIONS (ADD "kafka.no.such.property" '1');
ALTER SERVER opt_ok OPTIONS (ADD "kafka.socket.timeout.ms" 'abc');
ALTER SERVER opt_ok OPTIONS (ADD "kafka.socket.timeout.ms" '5000');
-- ... mesh_fdw's own ones cannot be overridden
ALTER SERVER opt_ok OPTIONS (ADD "kafka.bootstrap.servers" 'h:1');
ALTER SERVER opt_ok OPTIONS (ADD "kafka.enable.idempotence" 'false');
ALTER SERVER opt_ok OPTIONS (ADD "kafka.allow.auto.create.topics" 'true');
-- ... credentials belong on a user mapping, and their values are not echoed
ALTER SERVER opt_ok OPTIONS (ADD "kafka.sasl.password" 'hunter2');
CREATE USER MAPPING FOR CURRENT_USER SERVER opt_ok
  OPTIONS ("kafka.sasl.username" 'alice', "kafka.sasl.password" 'hunter2',
           schema_registry_user 'alice', schema_registry_password 'hunter2');
ALTER USER MAPPING FOR CURRENT_USER SERVER opt_ok
  OPTIONS (ADD "kafka.ssl.key.password" '');
ALTER USER MAPPING FOR CURRENT_USER SERVER opt_ok
  OPTIONS (ADD "kafka.security.protocol" 'SASL_CARRIER_PIGEON');
ALTER USER MAPPING FOR CURRENT_USER SERVER opt_ok
  OPTIONS (ADD schema_registry 'http://x:1');

-- non-superusers may set only allowlisted properties
CREATE ROLE regress_mesh_analyst;
GRANT USAGE ON FOREIGN DATA WRAPPER mesh_fdw TO regress_mesh_analyst;
SET ROLE regress_mesh_analyst;
CREATE SERVER opt_analyst FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers 'h:1', "kafka.plugin.library.paths" 'evil.so');
CREATE SERVER opt_analyst FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers 'h:1', "kafka.ssl.ca.location" '/etc/passwd');
CREATE SERVER opt_analyst FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers 'h:1', "kafka.sasl.kerberos.kinit.cmd" 'touch /tmp/pwned');
CREATE SERVER opt_analyst FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers 'h:1', "kafka.security.protocol" 'sasl_ssl',
           "kafka.sasl.mechanism" 'SCRAM-SHA-512', "kafka.client.id" 'analyst');
CREATE USER MAPPING FOR CURRENT_USER SERVER opt_analyst
  OPTIONS ("kafka.sasl.username" 'analyst', "kafka.sasl.password" 'pw');
DROP SERVER opt_analyst CASCADE;
RESET ROLE;
-- superusers may
ALTER SERVER opt_ok OPTIONS (ADD "kafka.ssl.ca.location" '/etc/ssl/certs');

-- foreign table options
CREATE FOREIGN TABLE opt_t1 (a int) SERVER opt_ok;
CREATE FOREIGN TABLE opt_t1 (a int) SERVER opt_ok OPTIONS (product 'x.y', topic 'y');
CREATE FOREIGN TABLE opt_t1 (a int) SERVER opt_ok OPTIONS (product 'nodot');
CREATE FOREIGN TABLE opt_t1 (a int) SERVER opt_ok OPTIONS (topic 'bad topic');
CREATE FOREIGN TABLE opt_t1 (a int) SERVER opt_ok OPTIONS (topic 't', value_format 'xml');
CREATE FOREIGN TABLE opt_t1 (a int) SERVER opt_ok OPTIONS (topic 't', key_format 'protobuf');
CREATE FOREIGN TABLE opt_t1 (a int) SERVER opt_ok OPTIONS (topic 't', mode 'queue');
CREATE FOREIGN TABLE opt_t1 (a int) SERVER opt_ok OPTIONS (topic 't', on_error 'ignore');
CREATE FOREIGN TABLE opt_t1 (a int) SERVER opt_ok OPTIONS (topic 't', brokers 'h:1');
CREATE FOREIGN TABLE opt_t1 (a int OPTIONS (field '')) SERVER opt_ok OPTIONS (topic 't');
CREATE FOREIGN TABLE opt_t1 (a int OPTIONS (colour 'red')) SERVER opt_ok OPTIONS (topic 't');
CREATE FOREIGN TABLE opt_t1 (a int OPTIONS (field 'A')) SERVER opt_ok
  OPTIONS (topic 't', value_format 'json', key_format 'text', mode 'stream',
           on_error 'skip', transactional 'true');

-- the wrapper itself takes no options
ALTER FOREIGN DATA WRAPPER mesh_fdw OPTIONS (ADD brokers 'h:1');

-- what was accepted (the broker list varies with the stack's layout)
SELECT srvname, array(SELECT o FROM unnest(srvoptions) o
                       WHERE srvname = 'opt_good' OR o NOT LIKE 'brokers=%')
  FROM pg_foreign_server WHERE srvname LIKE 'opt%' ORDER BY 1;

DROP SERVER opt_ok CASCADE;
DROP SERVER opt_good;
DROP OWNED BY regress_mesh_analyst;
DROP ROLE regress_mesh_analyst;
