--
-- CREATE EXTENSION: the wrapper, schema mesh and its views
--
CREATE EXTENSION mesh_fdw;

SELECT fdwname, fdwhandler::regproc, fdwvalidator::regproc
  FROM pg_foreign_data_wrapper WHERE fdwname = 'mesh_fdw';

SELECT nspname FROM pg_namespace WHERE nspname = 'mesh';

SELECT c.relname, c.relkind
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'mesh' ORDER BY 1;

-- the view's columns, as design.md names them
SELECT attname, format_type(atttypid, atttypmod)
  FROM pg_attribute WHERE attrelid = 'mesh.topics'::regclass AND attnum > 0
 ORDER BY attnum;

-- every role may look at the mesh
SELECT has_schema_privilege('public', 'mesh', 'USAGE'),
       has_table_privilege('public', 'mesh.topics', 'SELECT');

-- EXPLAIN ANALYZE as the tests show it, alike on every PostgreSQL version
-- (18 prints row counts with two decimals)
CREATE FUNCTION public.explain_analyze(query text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, BUFFERS OFF) ' || query
  LOOP
    RETURN NEXT regexp_replace(line, 'rows=(\d+)\.00', 'rows=\1', 'g');
  END LOOP;
END $$;
