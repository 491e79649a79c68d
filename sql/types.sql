--
-- Reading data products: every Avro type in both framings, JSON, text and
-- bytes, keys, headers.  Messages come from a client that is not mesh_fdw
-- (scripts/peer: confluent-kafka and fastavro).
--
SET timezone = 'UTC';
\getenv brokers MESH_BROKERS
\getenv registry MESH_SCHEMA_REGISTRY
\! scripts/peer delete-topic regress_types_catalog regress_types_single regress_types_confluent regress_types_json regress_types_text regress_types_bytes
\! scripts/peer delete-subject regress_types_confluent-value
CREATE SERVER mesh_types FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_types_catalog',
           schema_registry :'registry');

-- the products: one schema with every type, in two topics
\set types_schema `cat test/data/peer-types.avsc`
SELECT mesh.publish_data_product(domain => 'regress', name => 'single',
  topic => 'regress_types_single', owner => '@regress', description => 'single-object',
  schema => :'types_schema', partitions => 1);
SELECT mesh.publish_data_product(domain => 'regress', name => 'confluent',
  topic => 'regress_types_confluent', owner => '@regress', description => 'Confluent framing',
  schema => :'types_schema', partitions => 1);
\! scripts/peer produce regress_types_single --value-format avro-single --schema test/data/peer-types.avsc --input test/data/peer-types.jsonl
\! scripts/peer produce regress_types_confluent --value-format avro-confluent --schema test/data/peer-types.avsc --input test/data/peer-types.jsonl

CREATE SCHEMA regress;
IMPORT FOREIGN SCHEMA regress FROM SERVER mesh_types INTO regress;
\d regress.single

-- single-object encoding: the writer schema is found in the catalog
SELECT _key, _offset, _timestamp, b, i, l, f, d, s, by, fx, e
  FROM regress.single ORDER BY _offset;
SELECT _key, ai, ms, rec, opt, choice, color2 FROM regress.single ORDER BY _offset;
SELECT _key, dec, decfx, day, tms, tus, tsms, tsus, ltsms, ltsus, id
  FROM regress.single ORDER BY _offset;

-- the Confluent wire format: the writer schema comes from the registry;
-- the same messages give the same rows
SELECT count(*) AS rows, count(*) FILTER (WHERE s IS NOT NULL) AS values
  FROM regress.confluent;
(SELECT b, i, l, f, d, s, by, fx, e, ai, ms, rec, opt, choice, dec, decfx, day,
        tms, tus, tsms, tsus, ltsms, ltsus, id, color2, _key, _offset
   FROM regress.single
 EXCEPT
 SELECT b, i, l, f, d, s, by, fx, e, ai, ms, rec, opt, choice, dec, decfx, day,
        tms, tus, tsms, tsus, ltsms, ltsus, id, color2, _key, _offset
   FROM regress.confluent);

-- a tombstone in stream mode is a row whose value columns are NULL
SELECT _key, b IS NULL AS no_value FROM regress.single WHERE _key = 'k4';

-- headers, when the table declares _headers
CREATE FOREIGN TABLE regress.single_headers (
  s text, _key text, _headers jsonb
) SERVER mesh_types OPTIONS (product 'regress.single');
SELECT _key, _headers FROM regress.single_headers ORDER BY _key;

-- columns may take other names (field) and compatible types
CREATE FOREIGN TABLE regress.single_renamed (
  flag boolean OPTIONS (field 'b'),
  small bigint OPTIONS (field 'i'),
  price numeric OPTIONS (field 'd'),
  colour text OPTIONS (field 'e'),
  as_text text OPTIONS (field 'l')
) SERVER mesh_types OPTIONS (product 'regress.single');
SELECT * FROM regress.single_renamed WHERE flag IS NOT NULL ORDER BY small;

-- JSON values: fields by column name, values by the column type's rules
SELECT mesh.publish_data_product(domain => 'regress', name => 'json',
  topic => 'regress_types_json', owner => '@regress', description => 'JSON',
  value_format => 'json', key_format => 'json', partitions => 1);
\! scripts/peer produce regress_types_json --value-format json --key-format json --input test/data/types-json.jsonl
CREATE FOREIGN TABLE regress.json_values (
  id integer, name text, price numeric(10,2), ok boolean, at timestamptz,
  day date, tags text[], extra jsonb, uid uuid, _key jsonb
) SERVER mesh_types OPTIONS (product 'regress.json');
SELECT * FROM regress.json_values ORDER BY id;

-- text and bytes values: the whole value in one column
SELECT mesh.publish_data_product(domain => 'regress', name => 'text',
  topic => 'regress_types_text', owner => '@regress', description => 'text',
  value_format => 'text', partitions => 1);
SELECT mesh.publish_data_product(domain => 'regress', name => 'bytes',
  topic => 'regress_types_bytes', owner => '@regress', description => 'bytes',
  value_format => 'bytes', key_format => 'bytes', partitions => 1);
\! printf 'k1:hello\nk2:wörld\n' | kcat -b $MESH_BROKERS -P -t regress_types_text -K:
\! printf '0102\tff00\n\t00\n' | scripts/peer produce-raw regress_types_bytes --hex
IMPORT FOREIGN SCHEMA regress LIMIT TO (text, bytes) FROM SERVER mesh_types INTO public;
SELECT value, _key FROM public.text ORDER BY _offset;
SELECT value, _key FROM public.bytes ORDER BY _offset;
CREATE FOREIGN TABLE text_as_int (n integer) SERVER mesh_types
  OPTIONS (topic 'regress_types_text', value_format 'text', on_error 'null');
SELECT n FROM text_as_int;

DROP SCHEMA regress CASCADE;
DROP FOREIGN TABLE public.text, public.bytes, text_as_int;
DROP SERVER mesh_types CASCADE;
