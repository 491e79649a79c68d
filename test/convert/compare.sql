-- Compare src/convert.c's mesh_convert_text with PostgreSQL's own input
-- functions, for every input of gen_inputs.py against every checked type
-- (with a range of typmods), and the date/time inputs again under other
-- DateStyle and TimeZone settings.  Run by run.sh in database
-- convert_scratch; psql variable "inputs" names the generated TSV file.
--
-- Verdicts: "same value" and "both reject" are agreement; "stricter" is
-- convert.c refusing what PostgreSQL accepts (allowed, listed for review);
-- anything starting with FAIL is a bug.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

DROP TABLE IF EXISTS inputs, typmods, types, results CASCADE;

CREATE TABLE inputs (id serial PRIMARY KEY, family text, input text);
-- (\copy does not expand variables: build the command in one)
\set load_inputs '\\copy inputs (family, input) FROM ' :'inputs'
:load_inputs

-- every checked type, with typmods taken from real column definitions
CREATE TABLE typmods (
	c_bool bool, c_int2 int2, c_int4 int4, c_int8 int8,
	c_float4 float4, c_float8 float8,
	c_numeric numeric, c_numeric_5_2 numeric(5,2), c_numeric_3_0 numeric(3,0),
	c_numeric_1_0 numeric(1,0), c_numeric_10_4 numeric(10,4),
	c_numeric_2_5 numeric(2,5), c_numeric_3_m2 numeric(3,-2),
	c_numeric_1000_500 numeric(1000,500),
	c_text text, c_varchar varchar, c_varchar_3 varchar(3), c_varchar_10 varchar(10),
	c_bpchar bpchar, c_char char, c_char_5 char(5),
	c_date date, c_time time, c_time_0 time(0), c_time_3 time(3),
	c_timestamp timestamp, c_timestamp_0 timestamp(0), c_timestamp_3 timestamp(3),
	c_timestamptz timestamptz, c_timestamptz_0 timestamptz(0),
	c_timestamptz_3 timestamptz(3),
	c_uuid uuid, c_bytea bytea, c_json json, c_jsonb jsonb,
	c_bool_a bool[], c_int2_a int2[], c_int4_a int4[], c_int8_a int8[],
	c_float4_a float4[], c_float8_a float8[], c_numeric_a numeric[],
	c_numeric_5_2_a numeric(5,2)[], c_text_a text[], c_varchar_a varchar[],
	c_varchar_3_a varchar(3)[]
);
CREATE TABLE types AS
	SELECT atttypid::regtype AS typ, atttypmod AS typmod,
		   format_type(atttypid, atttypmod) AS label
	FROM pg_attribute
	WHERE attrelid = 'typmods'::regclass AND attnum > 0;

CREATE TABLE results (
	setting text, id int, label text, ours text, pg text
);

-- 1. everything against everything, in the default settings
SET DateStyle = 'ISO, MDY';
SET TimeZone = 'UTC';
INSERT INTO results
	SELECT 'ISO, MDY / UTC', i.id, t.label,
		   convert_test(i.input, t.typ, t.typmod),
		   pg_input_test(i.input, t.typ, t.typmod)
	FROM inputs i CROSS JOIN types t;

-- 2. date/time inputs against date/time types, in other settings
CREATE OR REPLACE FUNCTION run_datetime(ds text, tz text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('DateStyle', ds, true);
	PERFORM set_config('TimeZone', tz, true);
	INSERT INTO results
		SELECT ds || ' / ' || tz, i.id, t.label,
			   convert_test(i.input, t.typ, t.typmod),
			   pg_input_test(i.input, t.typ, t.typmod)
		FROM inputs i CROSS JOIN types t
		WHERE i.family IN ('datetime', 'garbage', 'int', 'numeric')
		  AND t.typ IN ('date'::regtype, 'time'::regtype, 'timestamp'::regtype,
						'timestamptz'::regtype);
END $$;
SELECT run_datetime('SQL, DMY', 'America/New_York');
SELECT run_datetime('Postgres, YMD', 'Asia/Kolkata');
SELECT run_datetime('German', 'Pacific/Chatham');
SELECT run_datetime('ISO, YMD', 'Europe/Moscow');

CREATE VIEW verdicts AS
	SELECT r.*, i.family, i.input,
		   CASE
			   WHEN ours LIKE 'THROWN%' OR ours LIKE 'OUTPUT THROWN%' THEN 'FAIL: threw'
			   WHEN ours LIKE 'ERROR:%' AND pg LIKE 'ERROR:%' THEN 'both reject'
			   WHEN ours LIKE 'ERROR:%' THEN 'stricter'
			   WHEN pg LIKE 'ERROR:%' THEN 'FAIL: accepted what PostgreSQL rejects'
			   WHEN ours = pg THEN 'same value'
			   ELSE 'FAIL: different value'
		   END AS verdict
	FROM results r JOIN inputs i USING (id);

\echo
\echo === verdicts
SELECT verdict, count(*) FROM verdicts GROUP BY 1 ORDER BY 1;

\echo === by type (all settings)
SELECT label,
	   count(*) FILTER (WHERE verdict = 'same value') AS same_value,
	   count(*) FILTER (WHERE verdict = 'both reject') AS both_reject,
	   count(*) FILTER (WHERE verdict = 'stricter') AS stricter,
	   count(*) FILTER (WHERE verdict LIKE 'FAIL%') AS fail
FROM verdicts GROUP BY label ORDER BY label;

\echo === rejections with the very message PostgreSQL gives
SELECT count(*) FILTER (WHERE ours = pg) AS same_message, count(*) AS both_reject
FROM verdicts WHERE verdict = 'both reject';

\echo === FAILURES (must be none)
SELECT setting, label, left(input, 80) AS input, left(ours, 100) AS ours, left(pg, 100) AS pg
FROM verdicts WHERE verdict LIKE 'FAIL%' ORDER BY label, input LIMIT 100;

\echo === stricter than PostgreSQL (convert.c refuses, PostgreSQL accepts)
SELECT label, left(input, 60) AS input, left(ours, 90) AS ours, left(pg, 50) AS pg,
	   count(*) AS settings
FROM verdicts WHERE verdict = 'stricter'
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2 LIMIT 300;
