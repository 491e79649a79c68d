--
-- Columns of a type whose values mesh_fdw does not check itself (point
-- here).  From PostgreSQL 16 its input function reports bad text softly:
-- on_error 'skip' and 'null' take such columns, and 'error' names the
-- message.  15 has no soft errors: it refuses 'skip' and 'null' for them,
-- and the input function's own ERROR ends the scan
-- (expected/input_errors_1.out).
--
\getenv brokers MESH_BROKERS
\! scripts/peer delete-topic regress_input_errors
\! scripts/peer create-topic regress_input_errors
\! printf '{"id":1,"p":"(1,2)"}\n{"id":2,"p":"not a point"}\n{"id":3,"p":"(3,4)"}\n' | kcat -b $MESH_BROKERS -P -t regress_input_errors
CREATE SERVER mesh_input FOREIGN DATA WRAPPER mesh_fdw OPTIONS (brokers :'brokers');
CREATE USER MAPPING FOR CURRENT_USER SERVER mesh_input;
CREATE FOREIGN TABLE points_skip (id int, p point) SERVER mesh_input
  OPTIONS (topic 'regress_input_errors', value_format 'json', on_error 'skip');
SELECT id, p FROM points_skip ORDER BY id;
CREATE FOREIGN TABLE points_null (id int, p point) SERVER mesh_input
  OPTIONS (topic 'regress_input_errors', value_format 'json', on_error 'null');
SELECT id, p FROM points_null ORDER BY id;
CREATE FOREIGN TABLE points (id int, p point) SERVER mesh_input
  OPTIONS (topic 'regress_input_errors', value_format 'json');
SELECT id, p FROM points ORDER BY id;
SELECT id FROM points ORDER BY id;   -- on_error 'error' converts the columns read
DROP SERVER mesh_input CASCADE;
\! scripts/peer delete-topic regress_input_errors
