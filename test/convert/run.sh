#!/bin/bash
# Compare src/mesh/convert.c with PostgreSQL's input functions (compare.sql) and
# check its Avro and JSON conversions against expected values (values.sql).
#
# Builds a test-only extension "convert_scratch" from a temporary copy of
# src/mesh/convert*.c, src/core/*.c and src/mesh/core_memory.c plus
# scratch/wrapper.c, installs
# it into the PostgreSQL the cluster runs (under that name only; mesh_fdw's
# files are never touched), runs everything in databases convert_scratch
# (UTF8) and convert_scratch_latin1 that it creates and drops, then
# uninstalls the scratch extension.
#
# Needs a running cluster: PGHOST/PGPORT/PGUSER, by default the private
# stack's (.stack/pg/run, 15432, postgres).  Exits non-zero on any failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export PGHOST="${PGHOST:-$root/.stack/pg/run}"
export PGPORT="${PGPORT:-15432}"
export PGUSER="${PGUSER:-postgres}"

build=$(mktemp -d)
cleanup() {
	for db in convert_scratch convert_scratch_latin1; do
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
	done
	make -s -C "$build" MESH_SRC="$root/src" uninstall >/dev/null 2>&1 || true
	rm -rf "$build"
}
trap cleanup EXIT

cp "$here"/scratch/* "$build"/
cp "$root"/src/mesh/convert.c "$root"/src/mesh/convert_values.c "$root"/src/core/*.c \
	"$root"/src/mesh/core_memory.c "$build"/
make -s -C "$build" MESH_SRC="$root/src" 2>&1 | { grep -E "warning:|error:" || true; }
make -s -C "$build" MESH_SRC="$root/src" install >/dev/null

python3 "$here/gen_inputs.py" > "$build/inputs.tsv"

python3 "$here/gen_inputs.py" --encoding latin1 > "$build/inputs_latin1.tsv"

for db in convert_scratch convert_scratch_latin1; do
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"
done
psql -X -q -d postgres \
	-c "CREATE DATABASE convert_scratch TEMPLATE template0 ENCODING 'UTF8'" \
	-c "CREATE DATABASE convert_scratch_latin1 TEMPLATE template0 ENCODING 'LATIN1'
		LC_COLLATE 'C' LC_CTYPE 'C'"
psql -X -q -d convert_scratch -c "CREATE EXTENSION convert_scratch"
psql -X -q -d convert_scratch_latin1 -c "CREATE EXTENSION convert_scratch"

# UTF8: every input against every type, then expected values
psql -X -d convert_scratch -v inputs="$build/inputs.tsv" -f "$here/compare.sql" \
	| tee "$build/compare.out"
psql -X -d convert_scratch -f "$here/values.sql" | tee "$build/values.out"
# LATIN1: the same comparison where only ASCII text may be stored
PGCLIENTENCODING=UTF8 psql -X -d convert_scratch_latin1 \
	-v inputs="$build/inputs_latin1.tsv" -f "$here/compare.sql" | tee "$build/latin1.out"

count() { psql -X -At -d "$1" -c "$2"; }
fails=$(( $(count convert_scratch "SELECT count(*) FROM verdicts WHERE verdict LIKE 'FAIL%'")
		+ $(count convert_scratch "SELECT count(*) FROM value_checks WHERE NOT ok")
		+ $(count convert_scratch_latin1 "SELECT count(*) FROM verdicts WHERE verdict LIKE 'FAIL%'") ))
compared=$(( $(count convert_scratch "SELECT count(*) FROM verdicts")
		   + $(count convert_scratch_latin1 "SELECT count(*) FROM verdicts") ))
checked=$(count convert_scratch "SELECT count(*) FROM value_checks")
echo "convert: $compared input comparisons, $checked value checks, $fails failures"
[ "$fails" -eq 0 ]
