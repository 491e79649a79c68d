--
-- Bad messages get a clear answer: on_error 'error', 'skip', 'null'
--
\getenv brokers MESH_BROKERS
\! scripts/peer delete-topic regress_err_catalog regress_err_trades regress_err_json
CREATE SERVER mesh_err FOREIGN DATA WRAPPER mesh_fdw
  OPTIONS (brokers :'brokers', catalog_topic 'regress_err_catalog');
SELECT mesh.publish_data_product(domain => 'trading', name => 'trades',
  topic => 'regress_err_trades', owner => '@regress', description => 'trades',
  schema => '{"type":"record","name":"foo","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
  partitions => 1);
-- offsets 0 and 4 are good; 1: unknown framing byte; 2: unknown
-- fingerprint; 3: truncated Avro; 5: a huge declared length
\! scripts/peer produce-raw regress_err_trades --hex --input test/data/bad-avro.hex
CREATE FOREIGN TABLE trades (f1 boolean, f2 int, _offset bigint)
  SERVER mesh_err OPTIONS (product 'trading.trades');
SELECT * FROM trades;
SELECT * FROM trades WHERE _offset = 0;
SELECT count(*) FROM trades;   -- judged whatever columns are read

ALTER FOREIGN TABLE trades OPTIONS (ADD on_error 'skip');
SELECT * FROM trades ORDER BY _offset;
SELECT explain_analyze('SELECT * FROM trades');

ALTER FOREIGN TABLE trades OPTIONS (SET on_error 'null');
SELECT * FROM trades ORDER BY _offset;
SELECT explain_analyze('SELECT * FROM trades');

-- JSON: invalid JSON, not an object, a value out of range for its column
SELECT mesh.publish_data_product(domain => 'trading', name => 'json',
  topic => 'regress_err_json', owner => '@regress', description => 'json',
  value_format => 'json', partitions => 1);
\! printf '{"n": 1, "s": "a"}\n{"n": \n[1, 2]\n{"n": 3000000000, "s": "b"}\n{"n": "x", "s": "c"}\n{"n": 4, "s": "d"}\n' | kcat -b $MESH_BROKERS -P -t regress_err_json
CREATE FOREIGN TABLE json_err (n int, s text, _offset bigint)
  SERVER mesh_err OPTIONS (product 'trading.json');
SELECT * FROM json_err;
ALTER FOREIGN TABLE json_err OPTIONS (ADD on_error 'skip');
SELECT * FROM json_err ORDER BY _offset;
-- under 'skip', rows do not depend on the columns read
SELECT count(*) FROM json_err;
SELECT count(s) FROM json_err;
ALTER FOREIGN TABLE json_err OPTIONS (SET on_error 'null');
SELECT * FROM json_err ORDER BY _offset;

-- definitions are checked when they are made
CREATE FOREIGN TABLE bad1 (f1 boolean) SERVER mesh_err OPTIONS (product 'trading.nope');
CREATE FOREIGN TABLE bad2 (f1 date) SERVER mesh_err OPTIONS (product 'trading.trades');
CREATE FOREIGN TABLE bad3 (nosuch int) SERVER mesh_err OPTIONS (product 'trading.trades');
CREATE FOREIGN TABLE bad4 (f1 boolean, _offset text) SERVER mesh_err OPTIONS (product 'trading.trades');
CREATE FOREIGN TABLE bad6 (a text, b text) SERVER mesh_err
  OPTIONS (topic 'regress_err_json', value_format 'text');
CREATE FOREIGN TABLE good (flag boolean OPTIONS (field 'f1'), f2 bigint) SERVER mesh_err
  OPTIONS (product 'trading.trades');
ALTER FOREIGN TABLE good ALTER COLUMN f2 TYPE date;

DROP SERVER mesh_err CASCADE;
