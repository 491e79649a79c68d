-- Expected values for src/convert.c's mesh_convert_avro and
-- mesh_convert_json, on hand-built Avro values (see scratch/wrapper.c for
-- the spec syntax: "kind[/logical[/precision/scale]]:payload", bytes in
-- hex, "array/<item type>:a|b|\N", "json/<kind>:<JSON text>") and parsed
-- JSON values.  Expected values come from PostgreSQL itself wherever it
-- can compute them (casts, to_jsonb, numeric arithmetic).  Run by run.sh
-- after compare.sql (it reuses that script's "inputs" table).
--
-- value_checks.ok is false for every check that failed; "ERROR" as the
-- expected value accepts any failure.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET DateStyle = 'ISO, MDY';
SET TimeZone = 'UTC';

DROP TABLE IF EXISTS value_checks CASCADE;
CREATE TABLE value_checks (
	id serial, what text, got text, expected text,
	ok bool GENERATED ALWAYS AS (got = expected OR
								 (expected = 'ERROR' AND got LIKE 'ERROR:%')) STORED
);

CREATE OR REPLACE FUNCTION av(spec text, typ regtype, typmod int DEFAULT -1) RETURNS text
	LANGUAGE sql AS $$ SELECT convert_avro_test(spec, typ, typmod) $$;
CREATE OR REPLACE FUNCTION js(json text, typ regtype, typmod int DEFAULT -1) RETURNS text
	LANGUAGE sql AS $$ SELECT convert_json_test(json, typ, typmod) $$;
-- PostgreSQL's input function, any rejection as just 'ERROR'
CREATE OR REPLACE FUNCTION pgx(input text, typ regtype, typmod int DEFAULT -1) RETURNS text
	LANGUAGE sql AS $$ SELECT CASE WHEN r LIKE 'ERROR:%' THEN 'ERROR' ELSE r END
					   FROM pg_input_test(input, typ, typmod) r $$;
CREATE OR REPLACE FUNCTION chk(what text, got text, expected text) RETURNS void
	LANGUAGE sql AS $$ INSERT INTO value_checks (what, got, expected)
					   VALUES (what, got, coalesce(expected, 'NULL')) $$;
-- the typmod of a type written as format_type() writes it, e.g.
-- tm('numeric(5,2)'); -1 for a type without one
DROP TABLE IF EXISTS tm_probe;
CREATE TABLE tm_probe (c1 numeric(5,2), c2 numeric(20,4), c3 numeric(38,10), c4 numeric(3,-2),
					   c5 numeric(3,0), c6 varchar(3), c7 char(5), c8 varchar(3)[], c9 numeric(5,2)[]);
CREATE OR REPLACE FUNCTION tm(t text) RETURNS int LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT atttypmod FROM pg_attribute
					 WHERE attrelid = 'tm_probe'::regclass AND attnum > 0
					   AND format_type(atttypid, atttypmod) = t), -1) $$;

-- ------------------------------------------------------------ decimals
-- the two's-complement big-endian value of hex, and its text at a scale
CREATE OR REPLACE FUNCTION twos(hex text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE b bytea := decode(hex, 'hex'); v numeric := 0; m numeric := 1; i int;
BEGIN
	FOR i IN 0 .. length(b) - 1 LOOP
		v := v * 256 + get_byte(b, i);
		m := m * 256;
	END LOOP;
	IF get_byte(b, 0) >= 128 THEN v := v - m; END IF;
	RETURN v;
END $$;
CREATE OR REPLACE FUNCTION dec_text(v numeric, scale int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text := abs(v)::text;
BEGIN
	IF scale > 0 THEN
		IF length(d) <= scale THEN
			d := repeat('0', scale + 1 - length(d)) || d;	-- (lpad would cut)
		END IF;
		d := left(d, length(d) - scale) || '.' || right(d, scale);
	END IF;
	RETURN CASE WHEN v < 0 THEN '-' ELSE '' END || d;
END $$;
CREATE OR REPLACE FUNCTION random_hex(n int) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(lpad(to_hex((random() * 255)::int), 2, '0'), '') FROM generate_series(1, n) $$;

SELECT setseed(0.15);
CREATE TEMP TABLE decimals AS
	SELECT hex, scale, twos(hex) AS v
	FROM (SELECT random_hex(len) AS hex, scale
		  FROM unnest(ARRAY[1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 24, 32, 50, 100, 300, 2000]) len,
			   unnest(ARRAY[0, 1, 2, 3, 6, 10, 38]) scale,
			   generate_series(1, 3)) r
	UNION ALL
	SELECT hex, scale, twos(hex)
	FROM unnest(ARRAY['00', 'ff', '80', '7f', '0080', 'ff7f', '8000000000000000',
					  '7fffffffffffffff', '0000000000000000000001', 'ffffffffffffffffffff',
					  '80000000000000000000000000000000', '00ffffffffffffffff']) hex,
		 unnest(ARRAY[0, 2, 20]) scale;

SELECT chk('decimal ' || hex || ' scale ' || scale || ' -> numeric',
		   av('bytes/decimal/100/' || scale || ':' || hex, 'numeric'),
		   dec_text(v, scale))
FROM decimals;
SELECT chk('decimal ' || hex || ' scale ' || scale || ' (fixed) -> numeric',
		   av('fixed/decimal/100/' || scale || ':' || hex, 'numeric'),
		   dec_text(v, scale))
FROM decimals WHERE length(hex) <= 64;
SELECT chk('decimal ' || hex || ' scale ' || scale || ' -> ' || t,
		   av('bytes/decimal/100/' || scale || ':' || hex, 'numeric', tm(t)),
		   pgx(dec_text(v, scale), 'numeric', tm(t)))
FROM decimals, unnest(ARRAY['numeric(5,2)', 'numeric(20,4)', 'numeric(38,10)', 'numeric(3,-2)']) t
WHERE length(hex) <= 40;
SELECT chk('decimal ' || hex || ' scale ' || scale || ' -> ' || t,
		   av('bytes/decimal/100/' || scale || ':' || hex, t::regtype),
		   CASE WHEN t = 'text' THEN dec_text(v, scale)
				WHEN t IN ('smallint', 'integer', 'bigint') AND v % (10::numeric ^ scale) <> 0 THEN 'ERROR'
				WHEN t IN ('smallint', 'integer', 'bigint') THEN
					pgx((v / (10::numeric ^ scale))::numeric(1000,0)::text, t::regtype)
				ELSE pgx(dec_text(v, scale), t::regtype) END)
FROM decimals, unnest(ARRAY['smallint', 'integer', 'bigint', 'real', 'double precision', 'text']) t
WHERE length(hex) <= 40;
SELECT chk('decimal -> bytea', av('bytes/decimal/10/2:ff38', 'bytea'), '\xff38');
-- json and jsonb columns get MESH_SHAPE_JSON values: data is JSON text
SELECT chk('decimal (JSON shape) -> jsonb', av('json/bytes:-2.00', 'jsonb'), '-2.00');
SELECT chk('decimal, no bytes', av('bytes/decimal/10/2:', 'numeric'), 'ERROR');
SELECT chk('decimal, scale past numeric', av('bytes/decimal/10/16384:01', 'numeric'), 'ERROR');
SELECT chk('decimal, largest scale', av('bytes/decimal/10/16383:01', 'numeric'),
		   '0.' || repeat('0', 16382) || '1');
SELECT chk('decimal, 61441 bytes', av('bytes/decimal/10/0:01' || repeat('00', 61440), 'numeric'), 'ERROR');
SELECT chk('decimal, beyond numeric weight', av('bytes/decimal/10/0:01' || repeat('00', 60000), 'numeric'), 'ERROR');
SELECT chk('decimal, sign-extended big', av('bytes/decimal/10/0:' || repeat('ff', 5000) || '80', 'numeric'), '-128');

-- ---------------------------------------------------------- timestamps
CREATE TEMP TABLE ts_edges AS
	-- PostgreSQL's first instant; Avro's last (a long of microseconds from
	-- 1970 ends some days before PostgreSQL's range does)
	SELECT (extract(epoch FROM '4714-11-24 00:00:00+00 BC'::timestamptz) * 1000000)::bigint AS min_us,
		   9223372036854775807::bigint AS max_us;
CREATE TEMP TABLE ts_cases AS
	SELECT us FROM ts_edges, unnest(ARRAY[min_us, min_us + 1, max_us, max_us - 1, 0, -1, 1,
		1700000000123456, -62135596800000000, 946684800000000, 951782400000000]) us
	UNION ALL SELECT (random() * 1e16 - 5e15)::bigint FROM generate_series(1, 200);
-- expected instants, computed in UTC with exact integer arithmetic
CREATE TEMP TABLE ts_expected AS
	SELECT us, 'epoch'::timestamptz + make_interval(days => (us / 86400000000)::int)
			   + (us % 86400000000) * interval '1 microsecond' AS ts,
		   'epoch'::timestamptz + make_interval(days => (us / 1000 * 1000 / 86400000000)::int)
			   + (us / 1000 * 1000 % 86400000000) * interval '1 microsecond' AS ts_ms
	FROM ts_cases;

CREATE OR REPLACE FUNCTION ts_checks() RETURNS void LANGUAGE sql AS $$
	SELECT chk('timestamp-micros ' || us || ' -> timestamptz in ' || current_setting('TimeZone'),
			   av('long/timestamp-micros:' || us, 'timestamptz'), ts::text) FROM ts_expected;
	SELECT chk('timestamp-micros ' || us || ' -> timestamptz(3)',
			   av('long/timestamp-micros:' || us, 'timestamptz', 3),
			   pgx(ts::text, 'timestamptz', 3)) FROM ts_expected;
	SELECT chk('timestamp-millis ' || (us / 1000) || ' -> timestamptz',
			   av('long/timestamp-millis:' || (us / 1000), 'timestamptz'), ts_ms::text)
	FROM ts_expected;
	SELECT chk('local-timestamp-micros ' || us || ' -> timestamp',
			   av('long/local-timestamp-micros:' || us, 'timestamp'),
			   (ts AT TIME ZONE 'UTC')::text) FROM ts_expected;
	SELECT chk('timestamp-micros ' || us || ' -> timestamp in ' || current_setting('TimeZone'),
			   av('long/timestamp-micros:' || us, 'timestamp'),
			   pgx(ts::timestamp::text, 'timestamp')) FROM ts_expected
	WHERE us BETWEEN -210000000000000000 AND 9200000000000000000;
	SELECT chk('timestamp-micros ' || us || ' -> date in ' || current_setting('TimeZone'),
			   av('long/timestamp-micros:' || us, 'date'), ts::date::text) FROM ts_expected
	WHERE us BETWEEN -210000000000000000 AND 9200000000000000000;
	SELECT chk('timestamp-micros ' || us || ' -> time in ' || current_setting('TimeZone'),
			   av('long/timestamp-micros:' || us, 'time'), ts::time::text) FROM ts_expected
	WHERE us BETWEEN -210000000000000000 AND 9200000000000000000;
	SELECT chk('local-timestamp-micros ' || us || ' -> timestamptz in ' || current_setting('TimeZone'),
			   av('long/local-timestamp-micros:' || us, 'timestamptz'),
			   pgx((ts AT TIME ZONE 'UTC')::text, 'timestamptz')) FROM ts_expected;
	SELECT chk('local-timestamp-micros ' || us || ' -> date',
			   av('long/local-timestamp-micros:' || us, 'date'), (ts AT TIME ZONE 'UTC')::date::text)
	FROM ts_expected;
	SELECT chk('timestamp-micros ' || us || ' -> text in ' || current_setting('TimeZone'),
			   av('long/timestamp-micros:' || us, 'text'), to_jsonb(ts) #>> '{}') FROM ts_expected;
	SELECT chk('local-timestamp-micros ' || us || ' -> text',
			   av('long/local-timestamp-micros:' || us, 'text'),
			   to_jsonb(ts AT TIME ZONE 'UTC') #>> '{}') FROM ts_expected;
	SELECT chk('timestamp-micros ' || us || ' -> jsonb',
			   av('long/timestamp-micros:' || us, 'jsonb'), to_jsonb(ts)::text) FROM ts_expected;
$$;
SELECT ts_checks();
SET TimeZone = 'America/New_York';
SELECT ts_checks();
SET TimeZone = 'Asia/Kolkata';
SELECT ts_checks();
SET TimeZone = 'UTC';

SELECT chk('timestamp-micros below range', av('long/timestamp-micros:' || (min_us - 1), 'timestamptz'), 'ERROR') FROM ts_edges;
SELECT chk('timestamp-micros, long max', av('long/timestamp-micros:9223372036854775807', 'timestamptz'),
		   '294247-01-10 04:00:54.775807+00');
SELECT chk('local-timestamp-micros, long max', av('long/local-timestamp-micros:9223372036854775807', 'timestamp'),
		   '294247-01-10 04:00:54.775807');
SELECT chk('timestamp-millis lowest', av('long/timestamp-millis:' || (min_us / 1000), 'timestamptz'),
		   '4714-11-24 00:00:00+00 BC') FROM ts_edges;
SELECT chk('timestamp-millis below range', av('long/timestamp-millis:' || (min_us / 1000 - 1), 'timestamptz'), 'ERROR') FROM ts_edges;
SELECT chk('timestamp-millis highest', av('long/timestamp-millis:9223372036854775', 'timestamptz'),
		   '294247-01-10 04:00:54.775+00');
SELECT chk('timestamp-millis, overflow in micros', av('long/timestamp-millis:9223372036854776', 'timestamptz'), 'ERROR');
SELECT chk('timestamp-millis, long min', av('long/timestamp-millis:-9223372036854775808', 'timestamptz'), 'ERROR');
SELECT chk('timestamp-millis, long max', av('long/timestamp-millis:9223372036854775807', 'timestamptz'), 'ERROR');
SELECT chk('timestamp-micros, long min', av('long/timestamp-micros:-9223372036854775808', 'timestamptz'), 'ERROR');
-- (PostgreSQL rounds half away from 2000-01-01)
SELECT chk('timestamp-micros rounding', av('long/timestamp-micros:' || us, 'timestamptz', 0),
		   pgx(to_timestamp(us / 1000000.0)::text, 'timestamptz', 0))
FROM unnest(ARRAY[1500000, -1500000, 946684801500000, 946684802500000, 1700000000500000]::bigint[]) us;
SELECT chk('timestamp-millis -> bigint (raw)', av('long/timestamp-millis:1700000000123', 'bigint'), '1700000000123');
SELECT chk('timestamp-millis -> integer (raw, range)', av('long/timestamp-millis:1700000000123', 'integer'), 'ERROR');
SELECT chk('timestamp-millis -> boolean', av('long/timestamp-millis:1', 'boolean'), 'ERROR');
SELECT chk('long -> timestamptz (no logical type)', av('long:1', 'timestamptz'), 'ERROR');

-- --------------------------------------------------------------- dates
CREATE TEMP TABLE date_cases AS
	SELECT d FROM unnest(ARRAY[0, 1, -1, 19000, -719162, -719163, 2932896,
		('4714-11-24 BC'::date - '1970-01-01'::date), ('5874897-12-31'::date - '1970-01-01'::date),
		('294276-12-31'::date - '1970-01-01'::date), ('294277-01-01'::date - '1970-01-01'::date)]) d
	UNION ALL SELECT (random() * 4e6 - 2e6)::int FROM generate_series(1, 100);
SELECT chk('date ' || d || ' -> date', av('int/date:' || d, 'date'), ('1970-01-01'::date + d)::text) FROM date_cases;
SELECT chk('date ' || d || ' -> text', av('int/date:' || d, 'text'), to_jsonb('1970-01-01'::date + d) #>> '{}') FROM date_cases;
SELECT chk('date ' || d || ' -> timestamp', av('int/date:' || d, 'timestamp'),
		   pgx(('1970-01-01'::date + d)::text, 'timestamp')) FROM date_cases;
SET TimeZone = 'America/New_York';
SELECT chk('date ' || d || ' -> timestamptz in New York', av('int/date:' || d, 'timestamptz'),
		   pgx(('1970-01-01'::date + d)::text, 'timestamptz')) FROM date_cases;
SET TimeZone = 'UTC';
SELECT chk('date ' || d || ' -> time', av('int/date:' || d, 'time'), 'ERROR') FROM date_cases LIMIT 1;
SELECT chk('date below range', av('int/date:' || ('4714-11-24 BC'::date - '1970-01-01'::date - 1), 'date'), 'ERROR');
SELECT chk('date above range', av('int/date:' || ('5874897-12-31'::date - '1970-01-01'::date + 1), 'date'), 'ERROR');
SELECT chk('date, int min', av('int/date:-2147483648', 'date'), 'ERROR');
SELECT chk('date, int max', av('int/date:2147483647', 'date'), 'ERROR');
SELECT chk('date -> integer (raw)', av('int/date:19000', 'integer'), '19000');

-- --------------------------------------------------------------- times
SELECT chk('time-millis ' || t || ' -> ' || typ || coalesce('(' || p || ')', ''),
		   av('int/time-millis:' || t, typ::regtype, coalesce(p, -1)), e)
FROM (VALUES (0, 'time', NULL, '00:00:00'), (1500, 'time', NULL, '00:00:01.5'),
			 (1500, 'time', 0, '00:00:02'), (86399999, 'time', NULL, '23:59:59.999'),
			 (86399999, 'time', 0, '24:00:00'), (86400000, 'time', NULL, '24:00:00'),
			 (86400001, 'time', NULL, 'ERROR'), (-1, 'time', NULL, 'ERROR'),
			 (-2147483648, 'time', NULL, 'ERROR'), (3723004, 'text', NULL, '01:02:03.004'),
			 (3723004, 'jsonb', NULL, '"01:02:03.004"'), (3723004, 'timestamp', NULL, 'ERROR'),
			 (3723004, 'integer', NULL, '3723004')) v(t, typ, p, e);
SELECT chk('time-micros ' || t, av('long/time-micros:' || t, 'time'), e)
FROM (VALUES (0::bigint, '00:00:00'), (1, '00:00:00.000001'), (86400000000, '24:00:00'),
			 (86400000001, 'ERROR'), (-1, 'ERROR'), (9223372036854775807, 'ERROR')) v(t, e);
SELECT chk('time-millis, int overflow in micros', av('int/time-millis:9223372036854775807', 'time'), 'ERROR');

-- ------------------------------------------------------------ integers
SELECT chk(s || ' -> ' || typ, av(s, typ::regtype, coalesce(tm(typ), -1)), e)
FROM (VALUES ('int:2147483647', 'integer', '2147483647'), ('int:-2147483648', 'integer', '-2147483648'),
			 ('long:3000000000', 'integer', 'ERROR: value 3000000000 out of range for type integer'),
			 ('long:-2147483649', 'integer', 'ERROR'), ('long:32767', 'smallint', '32767'),
			 ('long:-32769', 'smallint', 'ERROR'), ('int:-32768', 'smallint', '-32768'),
			 ('long:-9223372036854775808', 'bigint', '-9223372036854775808'),
			 ('long:9223372036854775807', 'numeric', '9223372036854775807'),
			 ('long:999', 'numeric(3,0)', '999'), ('long:1000', 'numeric(3,0)', 'ERROR'),
			 ('long:12', 'numeric(5,2)', '12.00'), ('long:16777217', 'real', '1.6777216e+07'),
			 ('long:9007199254740993', 'double precision', '9.007199254740992e+15'),
			 ('long:-5', 'text', '-5'), ('long:12345', 'character varying(3)', 'ERROR'),
			 ('long:123', 'character(5)', '123  '), ('int:1', 'boolean', 'ERROR'),
			 ('int:1', 'date', 'ERROR'), ('int:1', 'uuid', 'ERROR'), ('int:1', 'bytea', 'ERROR'),
			 ('int:42', 'jsonb', '42'), ('long:-7', 'json', '-7'), ('int:1', 'integer[]', 'ERROR'),
			 ('boolean:true', 'boolean', 't'), ('boolean:false', 'text', 'false'),
			 ('boolean:true', 'jsonb', 'true'), ('boolean:true', 'integer', 'ERROR'),
			 ('null:', 'integer', 'NULL'), ('int:\N', 'integer', 'NULL'), ('null:', 'jsonb', 'NULL')
	 ) v(s, typ, e);

-- -------------------------------------------------------------- floats
SELECT chk(s || ' -> ' || typ, av(s, typ::regtype, coalesce(tm(typ), -1)), e)
FROM (VALUES ('double:1e300', 'real', 'ERROR'), ('double:-1e300', 'real', 'ERROR'),
			 ('double:1e-300', 'real', 'ERROR'), ('double:0.1', 'real', '0.1'),
			 ('double:3.4028234663852886e38', 'real', '3.4028235e+38'), ('double:1e-45', 'real', '1e-45'),
			 ('double:NaN', 'real', 'NaN'), ('double:-Infinity', 'real', '-Infinity'),
			 ('double:NaN', 'double precision', 'NaN'), ('double:0.1', 'double precision', '0.1'),
			 ('float:0.1', 'double precision', '0.10000000149011612'),
			 ('double:NaN', 'numeric', 'NaN'), ('double:Infinity', 'numeric', 'Infinity'),
			 ('double:-Infinity', 'numeric', '-Infinity'), ('double:Infinity', 'numeric(5,2)', 'ERROR'),
			 ('double:NaN', 'numeric(5,2)', 'NaN'), ('double:0.1', 'numeric', '0.1'),
			 ('float:0.1', 'numeric', '0.1'), ('double:1e300', 'numeric', '1' || repeat('0', 300)),
			 ('double:5e-324', 'numeric', '0.' || repeat('0', 323) || '5'),
			 ('double:123.456', 'numeric(5,2)', '123.46'), ('double:1234.5', 'numeric(5,2)', 'ERROR'),
			 ('double:-0.0', 'numeric', '0'), ('double:1e300', 'text', '1e+300'),
			 ('float:NaN', 'text', 'NaN'), ('double:-0.0', 'text', '-0'), ('float:1.5', 'text', '1.5'),
			 ('double:0.1', 'jsonb', '0.1'), ('double:NaN', 'jsonb', '"NaN"'),
			 ('double:Infinity', 'jsonb', '"Infinity"'), ('double:1.5', 'integer', 'ERROR'),
			 ('double:1.5', 'boolean', 'ERROR')
	 ) v(s, typ, e);

-- ------------------------------------------------------ strings, bytes
SELECT chk(s || ' -> ' || typ, av(s, typ::regtype, coalesce(tm(typ), -1)), e)
FROM (VALUES ('string:12', 'integer', '12'), ('string:12x', 'integer', 'ERROR'),
			 ('string: 1.5e3 ', 'double precision', '1500'), ('string:2024-01-31', 'date', '2024-01-31'),
			 ('string:2024-01-31 12:00+01', 'timestamptz', '2024-01-31 11:00:00+00'),
			 ('string:abcd', 'character varying(3)', 'ERROR'), ('string:abc   ', 'character varying(3)', 'abc'),
			 ('string:héllo', 'text', 'héllo'), ('string:yes', 'boolean', 't'),
			 ('string:{1,2}', 'integer[]', '{1,2}'), ('string:[1,2]', 'integer[]', 'ERROR'),
			 ('string:{"a":1}', 'jsonb', '{"a": 1}'),
			 ('string/uuid:A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'uuid', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
			 ('string/uuid:not-a-uuid', 'uuid', 'ERROR'), ('string/uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'text',
			  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
			 ('string:héllo', 'bytea', '\x68c3a96c6c6f'), ('enum:SPADES', 'text', 'SPADES'),
			 ('enum:SPADES', 'integer', 'ERROR'), ('enum:t', 'boolean', 't'),
			 ('bytes:00ff10', 'bytea', '\x00ff10'), ('bytes:00ff10', 'text', '\x00ff10'),
			 ('json/bytes:"\\x00ff10"', 'jsonb', '"\\x00ff10"'), ('bytes:', 'bytea', '\x'),
			 ('bytes:00ff10', 'uuid', 'ERROR'), ('bytes:00ff10', 'integer', 'ERROR'),
			 ('fixed:a0eebc999c0b4ef8bb6d6bb9bd380a11', 'uuid', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
			 ('fixed:a0eebc999c0b4ef8bb6d6bb9bd380a', 'uuid', 'ERROR'),
			 ('fixed/duration:010000000200000003000000', 'interval', '1 mon 2 days 00:00:00.003'),
			 ('fixed/duration:010000000200000003000000', 'bytea', '\x010000000200000003000000'),
			 ('fixed/duration:010000000200000003000000', 'text', '1 months 2 days 3 milliseconds')
	 ) v(s, typ, e);

-- -------------------------------------------------------------- arrays
SELECT chk(s || ' -> ' || typ, av(s, typ::regtype, coalesce(tm(typ), -1)), e)
FROM (VALUES ('array/int:1|2|\N', 'integer[]', '{1,2,NULL}'), ('array/int:', 'integer[]', '{}'),
			 ('array/long:3000000000', 'integer[]', 'ERROR'), ('array/long:3000000000', 'bigint[]', '{3000000000}'),
			 ('array/int:-32768|32767', 'smallint[]', '{-32768,32767}'), ('array/int:32768', 'smallint[]', 'ERROR'),
			 ('array/string:a|b,c|"q"|\N|back\slash| sp ', 'text[]', '{a,"b,c","\"q\"",NULL,"back\\slash"," sp "}'),
			 ('array/string:abc|abcd', 'character varying(3)[]', 'ERROR'),
			 ('array/string:abc|ab', 'character varying(3)[]', '{abc,ab}'),
			 ('array/double:1.5|NaN|-Infinity', 'numeric[]', '{1.5,NaN,-Infinity}'),
			 ('array/double:1.005|2', 'numeric(5,2)[]', '{1.01,2.00}'),
			 ('array/double:1.5|1e300', 'real[]', 'ERROR'), ('array/float:1.5|0.1', 'real[]', '{1.5,0.1}'),
			 ('array/boolean:true|false|\N', 'boolean[]', '{t,f,NULL}'),
			 ('array/string:t|no', 'boolean[]', '{t,f}'), ('array/enum:A|B', 'text[]', '{A,B}'),
			 ('array/int:1|2', 'text', 'ERROR'), ('array/int:1|2', 'integer', 'ERROR'),
			 ('array/int/date:0|1', 'date[]', '{1970-01-01,1970-01-02}'),
			 ('array/long/timestamp-millis:0|\N', 'timestamptz[]', '{"1970-01-01 00:00:00+00",NULL}'),
			 ('array/int:1|2|\N', 'jsonb', '[1, 2, null]'), ('array/string:a|"b"', 'jsonb', '["a", "\"b\""]'),
			 ('array/double:NaN|1.5', 'jsonb', '["NaN", 1.5]'), ('array/int:1|2', 'json', '[1,2]'),
			 ('array/bytes:00ff', 'bytea[]', '{"\\x00ff"}'), ('array/string:x', 'integer[]', 'ERROR')
	 ) v(s, typ, e);

-- ----------------------------------------------- MESH_SHAPE_JSON values
DROP DOMAIN IF EXISTS jsonb_doc CASCADE;
CREATE DOMAIN jsonb_doc AS jsonb CHECK (VALUE ? 'a');
DROP DOMAIN IF EXISTS any_json CASCADE;
CREATE DOMAIN any_json AS jsonb;
DROP DOMAIN IF EXISTS short_ints CASCADE;
CREATE DOMAIN short_ints AS int[] CHECK (cardinality(VALUE) < 3);
SELECT chk(s || ' -> ' || typ, av(s, typ::regtype, -1), e)
FROM (VALUES ('array/int:1|2', 'short_ints', '{1,2}'),
			 ('array/int:1|2|3', 'short_ints', 'THROWN: value for domain short_ints violates check constraint "short_ints_check"'),
			 ('int/date:19000', 'numeric', '19000'), ('long/timestamp-millis:-5', 'numeric', '-5')
	 ) v(s, typ, e);
SELECT chk('json [1,2] -> short_ints', js('[1,2]', 'short_ints'), '{1,2}');
SELECT chk('json/union:1.5 -> numeric(5,2)', av('json/union:1.5', 'numeric', tm('numeric(5,2)')), '1.50');
SELECT chk('json "x" -> any_json', js('"x"', 'any_json'), '"x"');
SELECT chk('json {"a":1} -> any_json', js('{"a":1}', 'any_json'), '{"a": 1}');
SELECT chk(s || ' -> ' || typ, av(s, typ::regtype, -1), e)
FROM (VALUES ('json/record:{"a":1,"b":[1,2.50]}', 'jsonb', '{"a": 1, "b": [1, 2.50]}'),
			 ('json/record:{"a":1,"b":[1,2.50]}', 'json', '{"a":1,"b":[1,2.50]}'),
			 ('json/record:{"a":1}', 'text', 'ERROR'), ('json/record:{"a":1}', 'integer', 'ERROR'),
			 ('json/record:{"a":1}', 'jsonb_doc', '{"a": 1}'), ('json/map:{"k":"v"}', 'jsonb', '{"k": "v"}'),
			 ('json/union:{"x":null}', 'jsonb', '{"x": null}'), ('json/string:"x"', 'jsonb', '"x"'),
			 ('json/int:42', 'jsonb', '42'), ('json/array:[1,2]', 'integer[]', '{1,2}'),
			 ('json/array:[1,2]', 'jsonb', '[1, 2]'), ('json/array:[[1]]', 'integer[]', 'ERROR'),
			 ('json/record:{bad', 'jsonb', 'ERROR'), ('json/record:{"n":1e-20000}', 'jsonb', 'ERROR'),
			 ('json/record:{"n":1e-20000}', 'json', '{"n":1e-20000}'),
			 ('json/record:{"a":1,"a":2}', 'jsonb', 'ERROR'), ('json/record:null', 'jsonb', 'NULL'),
			 ('json/union:42', 'integer', '42'), ('json/union:"abc"', 'integer', 'ERROR'),
			 ('json/union:"abc"', 'text', 'abc'), ('json/union:null', 'integer', 'NULL'),
			 ('json/union:"2024-01-31"', 'date', '2024-01-31'),
			 ('json/array:["a","b"]', 'text[]', '{a,b}'), ('json/map:{"k":1}', 'text[]', 'ERROR'),
			 ('json/string:"x"', 'any_json', '"x"'), ('json/record:{"a":[1]}', 'any_json', '{"a": [1]}'),
			 ('int:5', 'any_json', '5'), ('json/union:"1 day"', 'interval', '1 day')
	 ) v(s, typ, e);
SELECT chk('shape of ' || t, convert_shape_test(t::regtype), e)
FROM (VALUES ('jsonb', 'json'), ('json', 'json'), ('jsonb_doc', 'json'), ('any_json', 'json'), ('integer[]', 'array'),
			 ('date[]', 'array'), ('short_ints', 'array'), ('integer', 'scalar'), ('text', 'scalar'), ('interval', 'scalar')) v(t, e);

-- --------------------------------------------------------- JSON values
SELECT chk('json ' || j || ' -> ' || typ, js(j, typ::regtype, coalesce(tm(typ), -1)), e)
FROM (VALUES ('1.0', 'integer', '1'), ('1.5', 'integer', 'ERROR'), ('1e3', 'smallint', '1000'),
			 ('1e5', 'smallint', 'ERROR'), ('-1.50e1', 'integer', '-15'), ('-1.55e1', 'integer', 'ERROR'), ('-1.500e3', 'integer', '-1500'),
			 ('2147483648', 'integer', 'ERROR'), ('9223372036854775807', 'bigint', '9223372036854775807'),
			 ('9223372036854775808', 'bigint', 'ERROR'), ('-9223372036854775808', 'bigint', '-9223372036854775808'),
			 ('-9223372036854775808.000', 'bigint', '-9223372036854775808'),
			 ('1e-400', 'integer', 'ERROR'), ('0e999999999', 'integer', '0'), ('0.000e-5', 'integer', '0'),
			 ('"12"', 'integer', '12'), ('" 12 "', 'integer', '12'), ('true', 'integer', 'ERROR'),
			 ('true', 'boolean', 't'), ('"on"', 'boolean', 't'), ('1', 'boolean', 'ERROR'),
			 ('true', 'text', 'true'), ('12.50', 'text', '12.50'), ('12.50', 'character varying(3)', 'ERROR'),
			 ('"x"', 'text', 'x'), ('{"a":1}', 'text', 'ERROR'), ('[1]', 'text', 'ERROR'),
			 ('null', 'integer', 'NULL'), ('null', 'jsonb', 'NULL'), ('"x"', 'jsonb', '"x"'),
			 ('{"a":[1,{"b":null}]}', 'jsonb', '{"a": [1, {"b": null}]}'),
			 ('{"a":[1,{"b":null}]}', 'json', '{"a":[1,{"b":null}]}'), ('12.50', 'jsonb', '12.50'),
			 ('1e-20000', 'jsonb', 'ERROR'), ('1e-20000', 'json', '1e-20000'),
			 ('"\u00e9"', 'jsonb', '"é"'), ('[1,2,null]', 'integer[]', '{1,2,NULL}'),
			 ('[1,"2",2.0]', 'integer[]', '{1,2,2}'), ('[[1]]', 'integer[]', 'ERROR'),
			 ('[{"a":1}]', 'jsonb', '[{"a": 1}]'), ('[{"a":1}]', 'text[]', 'ERROR'),
			 ('["a","b,c",null]', 'text[]', '{a,"b,c",NULL}'), ('[1.005]', 'numeric(5,2)[]', '{1.01}'),
			 ('[]', 'integer[]', '{}'), ('"{1,2}"', 'integer[]', '{1,2}'), ('[1]', 'integer', 'ERROR'),
			 ('{"a":1}', 'integer[]', 'ERROR'), ('1e400', 'double precision', 'ERROR'),
			 ('1e-400', 'double precision', 'ERROR'), ('0.1', 'real', '0.1'), ('1e39', 'real', 'ERROR'),
			 ('"NaN"', 'double precision', 'NaN'), ('123456789012345678901234567890', 'numeric',
			  '123456789012345678901234567890'), ('1.005', 'numeric(5,2)', '1.01'),
			 ('1234.5', 'numeric(5,2)', 'ERROR'), ('"2024-01-31"', 'date', '2024-01-31'),
			 ('20240131', 'date', 'ERROR'), ('"\\x01"', 'bytea', '\x01'), ('1', 'uuid', 'ERROR'),
			 ('["2024-01-31",null]', 'date[]', '{2024-01-31,NULL}'), ('[[1]]', 'date[]', 'ERROR'),
			 ('{"a":1}', 'jsonb_doc', '{"a": 1}'), ('"1 day"', 'interval', '1 day'),
			 ('12', 'interval', '00:00:12'), ('[1,2]', 'int4range', '[1,3)'), ('{"a":1}', 'int4range', 'THROWN: malformed range literal: "{"a":1}"')
	 ) v(j, typ, e);

-- (int4range is not checked: its input function throws, which the scan
-- only allows under on_error 'error')

-- JSON numbers from the inputs of compare.sql, into integers (exact) and
-- into real, double precision and numeric (as their text)
CREATE TEMP TABLE json_numbers AS
	SELECT DISTINCT input AS n FROM inputs
	WHERE input ~ '^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$' AND length(input) < 200;
SELECT chk('json number ' || n || ' -> ' || t, js(n, t::regtype),
		   CASE WHEN n ~ '^-?0(\.0+)?([eE][+-]?[0-9]+)?$' THEN '0'	-- zero, at any exponent
				WHEN pgx(n, 'numeric') LIKE 'ERROR%' THEN 'ERROR'
				WHEN n::numeric <> trunc(n::numeric) THEN 'ERROR'
				ELSE pgx(trunc(n::numeric)::text, t::regtype) END)
FROM json_numbers, unnest(ARRAY['smallint', 'integer', 'bigint']) t;
SELECT chk('json number ' || n || ' -> ' || t, js(n, t::regtype, tm(t)), pgx(n, t::regtype, tm(t)))
FROM json_numbers, unnest(ARRAY['real', 'double precision', 'numeric', 'numeric(5,2)', 'text']) t;

\echo
\echo === value checks
SELECT count(*) FILTER (WHERE ok) AS passed, count(*) FILTER (WHERE NOT ok) AS failed FROM value_checks;
\echo === FAILED value checks (must be none)
SELECT what, left(got, 90) AS got, left(expected, 90) AS expected FROM value_checks WHERE NOT ok ORDER BY id LIMIT 100;
