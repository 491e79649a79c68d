--
-- Who may change the mesh (issue 15): EXECUTE on the functions that change
-- the catalog is granted, not PUBLIC's; domain ownership per (server,
-- domain); extension 1.2 and its upgrade
--
SET timezone = 'UTC';
\getenv brokers MESH_BROKERS
\set orig_db :DBNAME

-- ALTER EXTENSION mesh_fdw UPDATE from 1.1 and from 1.0, in a database of
-- its own: the grants and the new table and view, as a new install has them
CREATE DATABASE regress_own_upgrade;
\c regress_own_upgrade
CREATE VIEW fn_privileges AS
  SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
    FROM pg_proc p
   WHERE p.pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'mesh')
     AND p.proname IN ('publish_data_product', 'unpublish_data_product', 'create_data_product',
                       'set_domain_owner', 'drop_domain_owner', 'lineage_graph', 'drop_bookmark')
   ORDER BY 1;
CREATE EXTENSION mesh_fdw VERSION '1.1';
SELECT * FROM fn_privileges;
ALTER EXTENSION mesh_fdw UPDATE;
SELECT extversion, extconfig::regclass[] FROM pg_extension WHERE extname = 'mesh_fdw';
SELECT * FROM fn_privileges;
SELECT has_table_privilege('public', 'mesh.domain_owner', 'SELECT') AS table_public,
       has_table_privilege('public', 'mesh.domain_owners', 'SELECT') AS view_public;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = 'mesh.domain_owners'::regclass AND attnum > 0 ORDER BY attnum;
DROP EXTENSION mesh_fdw;
CREATE EXTENSION mesh_fdw VERSION '1.0';
ALTER EXTENSION mesh_fdw UPDATE;
SELECT extversion, extconfig::regclass[] FROM pg_extension WHERE extname = 'mesh_fdw';
SELECT * FROM fn_privileges;
\c :orig_db
DROP DATABASE regress_own_upgrade;
-- a new install
SELECT extversion, extconfig::regclass[] FROM pg_extension WHERE extname = 'mesh_fdw';
SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
  FROM pg_proc p
 WHERE p.pronamespace = 'mesh'::regnamespace
   AND p.proname IN ('publish_data_product', 'unpublish_data_product', 'create_data_product',
                     'set_domain_owner', 'drop_domain_owner', 'lineage_graph', 'drop_bookmark')
 ORDER BY 1;

\! scripts/peer delete-topic regress_own_catalog regress_own_hid regress_own_mal regress_own_derived regress_own_stolen regress_own_orphan
\! scripts/peer create-topic regress_own_hid
\! scripts/peer create-topic regress_own_mal
CREATE SERVER own_server FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_own_catalog');
CREATE USER MAPPING FOR PUBLIC SERVER own_server;
-- the catalog topic's end offset: it moves with every record written
CREATE FUNCTION catalog_end() RETURNS bigint LANGUAGE sql AS
  $$ SELECT high_offset FROM mesh.topic_partitions('own_server', 'regress_own_catalog') $$;

-- a team role and one of its members, a publisher of another team, and a
-- role with nothing but USAGE on the server
CREATE ROLE regress_own_team;
CREATE ROLE regress_own_alice IN ROLE regress_own_team;
CREATE ROLE regress_own_mallory;
CREATE ROLE regress_own_nobody;
GRANT USAGE ON FOREIGN SERVER own_server
  TO regress_own_team, regress_own_mallory, regress_own_nobody;
-- what the README tells a DBA to run for the roles that publish
GRANT EXECUTE ON FUNCTION mesh.publish_data_product, mesh.unpublish_data_product,
  mesh.create_data_product, mesh.set_domain_owner, mesh.drop_domain_owner
  TO regress_own_team, regress_own_mallory;

-- a superuser publishes into domain hid, which has no owner: it owns it now
SELECT mesh.publish_data_product('hid', 'tbl', topic => 'regress_own_hid', owner => '@hid',
  description => 'hidden', value_format => 'text');
SELECT server, domain, role = current_user::regrole AS superuser_owns FROM mesh.domain_owners;
SELECT catalog_end() AS end0 \gset

-- only publish and unpublish write the catalog topic, and a product may not
-- take another domain's topic: superusers included
SELECT mesh.publish_data_product('other', 'cat', topic => 'regress_own_catalog',
  owner => '@x', description => 'x', value_format => 'text');
SELECT mesh.publish_data_product('other', 'steal', topic => 'regress_own_hid',
  owner => '@x', description => 'x', value_format => 'text');
CREATE FOREIGN TABLE own_catalog_raw (value text, _key text) SERVER own_server
  OPTIONS (topic 'regress_own_catalog', value_format 'text');
INSERT INTO own_catalog_raw VALUES ('{}', 'hid.tbl');
CREATE FOREIGN TABLE own_catalog_keyed (value text, _key text) SERVER own_server
  OPTIONS (topic 'regress_own_catalog', value_format 'text', mode 'table');
DELETE FROM own_catalog_keyed WHERE _key = 'hid.tbl';
DROP FOREIGN TABLE own_catalog_raw, own_catalog_keyed;
-- publishing claims and locks ownership: not in a read-only transaction
BEGIN READ ONLY;
SELECT mesh.publish_data_product('hid', 'tbl', description => 'read only');
ROLLBACK;
-- a domain whose products came before it had an owner here (from another
-- database, or before version 1.2) is not the first publisher's to take
\! scripts/peer create-topic regress_own_orphan
SELECT mesh.publish_data_product('orphan', 'p', topic => 'regress_own_orphan',
  owner => '@elsewhere', description => 'published before 1.2', value_format => 'text');
DELETE FROM mesh.domain_owner WHERE server = 'own_server' AND domain = 'orphan';
SET ROLE regress_own_alice;
SELECT mesh.publish_data_product('orphan', 'q', topic => 'regress_own_orphan',
  owner => '@alice', description => 'mine?', value_format => 'text');
SELECT mesh.unpublish_data_product('orphan', 'p');
SELECT mesh.set_domain_owner('orphan', 'regress_own_team');
RESET ROLE;
SELECT mesh.unpublish_data_product('orphan', 'p');
DELETE FROM mesh.domain_owner WHERE server = 'own_server' AND domain = 'orphan';
SELECT catalog_end() AS end0 \gset

-- the issue: a role with only USAGE on the server unpublishes it
SET ROLE regress_own_nobody;
SELECT mesh.unpublish_data_product('hid', 'tbl');
SELECT server, domain FROM mesh.domain_owners;
RESET ROLE;
-- another team's publisher, with EXECUTE: its name is in the error
SET ROLE regress_own_mallory;
\set VERBOSITY sqlstate
SELECT mesh.unpublish_data_product('hid', 'tbl');
\set VERBOSITY default
RESET ROLE;

-- a superuser gives the domain to the team
SELECT mesh.set_domain_owner('hid', 'regress_own_team');
SELECT server, domain, role FROM mesh.domain_owners;

-- refused for a non-owner: unpublish, republish with its own schema and
-- owner, derive into the domain, take the domain or drop its owner
SET ROLE regress_own_mallory;
SELECT mesh.unpublish_data_product('hid', 'tbl');
SELECT mesh.publish_data_product('hid', 'tbl', owner => '@mallory',
  schema => '{"type": "record", "name": "stolen", "fields": [{"name": "x", "type": "long"}]}',
  value_format => 'avro');
SELECT mesh.publish_data_product('hid', 'stolen', topic => 'regress_own_stolen',
  owner => '@mallory', description => 'not mine', value_format => 'text', partitions => 1);
SELECT mesh.create_data_product(domain => 'hid', name => 'derived', topic => 'regress_own_derived',
  owner => '@mallory', description => 'derived', query => 'SELECT 1 AS n');
SELECT mesh.set_domain_owner('hid', 'regress_own_mallory');
SELECT mesh.drop_domain_owner('hid');
RESET ROLE;
-- nothing was written to the catalog topic, and no topic made
SELECT catalog_end() = :end0 AS catalog_unmoved;
SELECT count(*) FROM mesh.topics WHERE topic IN ('regress_own_stolen', 'regress_own_derived');
SELECT qualified_name, owner, description, version FROM mesh.data_products
 WHERE server = 'own_server' ORDER BY 1;

-- a member of the owning role republishes, derives and unpublishes
SET ROLE regress_own_alice;
SELECT mesh.publish_data_product('hid', 'tbl', description => 'hidden, by the team');
SELECT mesh.create_data_product(domain => 'hid', name => 'derived', topic => 'regress_own_derived',
  owner => '@hid', description => 'derived by the team', query => 'SELECT 1 AS n');
SELECT qualified_name, description, version,
       published_by = 'regress_own_alice@' || current_database() AS by_alice
  FROM mesh.data_products WHERE server = 'own_server' ORDER BY 1;
SELECT mesh.unpublish_data_product('hid', 'derived');
-- it may not give the domain to a role it is not a member of
SELECT mesh.set_domain_owner('hid', 'regress_own_mallory');
RESET ROLE;
SELECT catalog_end() - :end0 AS records_written;

-- the first role to publish into a domain without an owner owns it; a
-- member of another team cannot publish there
SET ROLE regress_own_mallory;
SELECT mesh.publish_data_product('mal', 'things', topic => 'regress_own_mal',
  owner => '@mallory', description => 'mine', value_format => 'text');
RESET ROLE;
SELECT server, domain, role FROM mesh.domain_owners ORDER BY domain;
SET ROLE regress_own_alice;
SELECT mesh.publish_data_product('mal', 'more', topic => 'regress_own_mal',
  owner => '@hid', description => 'not ours', value_format => 'text');
RESET ROLE;

-- a superuser may do anything: republish and unpublish in a domain it
-- does not own
SELECT mesh.publish_data_product('mal', 'things', description => 'checked by the DBA');
SELECT mesh.unpublish_data_product('mal', 'things');
-- the owner drops its ownership; the next publisher takes the domain
SET ROLE regress_own_mallory;
SELECT mesh.drop_domain_owner('mal');
SELECT mesh.drop_domain_owner('mal');
RESET ROLE;
SET ROLE regress_own_alice;
SELECT mesh.set_domain_owner('mal', 'regress_own_team');
RESET ROLE;
SELECT server, domain, role FROM mesh.domain_owners ORDER BY domain;

-- the audit log says who published, from which database
SELECT action, qualified_name, version,
       replace(replace(published_by, '@' || current_database(), '@<db>'),
               current_user || '@', '<superuser>@') AS published_by
  FROM mesh.data_product_events WHERE server = 'own_server'
 ORDER BY event_time, qualified_name, version;

-- a role that is dropped owns nothing: the view no longer shows it, and
-- the next publisher takes the domain
SELECT mesh.set_domain_owner('mal', 'regress_own_mallory');
DROP OWNED BY regress_own_mallory;
DROP ROLE regress_own_mallory;
SELECT server, domain, role FROM mesh.domain_owners ORDER BY domain;
SET ROLE regress_own_alice;
SELECT mesh.publish_data_product('mal', 'again', topic => 'regress_own_mal',
  owner => '@hid', description => 'ours now', value_format => 'text');
RESET ROLE;
SELECT server, domain, role FROM mesh.domain_owners ORDER BY domain;

-- arguments
SELECT mesh.set_domain_owner('Bad Name', 'regress_own_team');
SELECT mesh.set_domain_owner('hid', NULL);
SELECT mesh.set_domain_owner('hid', 'regress_own_no_such_role');
SELECT mesh.drop_domain_owner('nothere');

-- pg_dump keeps the owners (the table is an extension configuration table)
SELECT extconfig::regclass[] @> '{mesh.domain_owner}' AS dumped FROM pg_extension
 WHERE extname = 'mesh_fdw';

DROP SERVER own_server CASCADE;
DROP FUNCTION catalog_end();
DELETE FROM mesh.domain_owner WHERE server = 'own_server';
DROP OWNED BY regress_own_team, regress_own_alice, regress_own_nobody;
DROP ROLE regress_own_alice, regress_own_team, regress_own_nobody;
\! scripts/peer delete-topic regress_own_catalog regress_own_hid regress_own_mal regress_own_derived regress_own_stolen regress_own_orphan
