# Shared settings of the project's scripts; sourced, not run.
# Everything the scripts make lives in two git-ignored folders:
#   .deps/   downloaded things: Kafka jars, the schema registry, the Python
#            venv of test peers
#   .stack/  the running stack: broker and PostgreSQL data, logs, pids
#            (the schema registry keeps its data in memory only)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS=$ROOT/.deps
# MESH_STACK_DIR (with the MESH_*PORT variables) runs a second, separate
# stack, e.g. for the fault suite's three brokers
STACK=${MESH_STACK_DIR:-$ROOT/.stack}

# Apache Kafka 3.9.1 (KRaft): Debian 12's librdkafka 2.0.2 cannot log in
# with SASL/SCRAM to Kafka 4.x; see README.md, "Why Kafka 3.9.1".
KAFKA_VERSION=3.9.1
KAFKA_LIBS=$DEPS/kafka-$KAFKA_VERSION/libs
KAFKA_PORT_BASE=${MESH_KAFKA_PORT:-19092}   # broker i listens on base+100*(i-1)

# Apicurio Registry 3.0.9, for its Confluent-compatible API (ccompat v7).
# Maven Central has io.apicurio:apicurio-registry-app:3.0.9, classifier
# "all", type zip: a Quarkus legacy jar (a -runner.jar beside lib/), which
# runs on Java 17; the 3.3.x releases there ship no such zip.
REGISTRY_VERSION=3.0.9
REGISTRY_HOME=$DEPS/apicurio-registry-$REGISTRY_VERSION
REGISTRY_JAR=$REGISTRY_HOME/apicurio-registry-app-$REGISTRY_VERSION-runner.jar
REGISTRY_PORT=${MESH_REGISTRY_PORT:-18081}
REGISTRY_URL=http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7   # what a Confluent client is given

PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT=${MESH_PGPORT:-15432}
PG_DATA=$STACK/pg/data
PG_SOCKDIR=$STACK/pg/run

VENV=$DEPS/venv

# librdkafka: by default mesh_fdw links a current librdkafka statically,
# built by scripts/setup from the source tree that crates.io's rdkafka-sys
# package carries (fetched with cargo, the registry's own client).
# MESH_RDKAFKA=system builds against Debian's librdkafka 2.0.2 instead.
RDKAFKA_VERSION=2.12.1
RDKAFKA_CRATE=rdkafka-sys
RDKAFKA_CRATE_VERSION=4.10.0+$RDKAFKA_VERSION
RDKAFKA_PREFIX=$DEPS/librdkafka-$RDKAFKA_VERSION
MESH_RDKAFKA=${MESH_RDKAFKA:-bundled}
case "$MESH_RDKAFKA" in bundled|system) ;; *) echo "MESH_RDKAFKA is bundled or system" >&2; exit 2 ;; esac
# what make is given to build against the chosen librdkafka
make_rdkafka_args() {
    if [ "$MESH_RDKAFKA" = system ]; then echo RDKAFKA=system; else echo "RDKAFKA_PREFIX=$RDKAFKA_PREFIX"; fi
}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Root may not run PostgreSQL: use Debian's postgres account then.
pg_user() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# The broker count of the running (or last started) Kafka layout.
kafka_brokers() { cat "$STACK/kafka/brokers" 2>/dev/null || echo 1; }
broker_port() { echo $((KAFKA_PORT_BASE + 100 * ($1 - 1))); }
# The SASL/SCRAM listener (port+2) and its one user, for credential tests.
SASL_USER=mesh_sasl
SASL_PASSWORD=mesh-sasl-secret-8c1f
sasl_broker_list() {
    local n=${1:-$(kafka_brokers)} i list=
    for i in $(seq 1 "$n"); do list="$list${list:+,}127.0.0.1:$(( $(broker_port "$i") + 2 ))"; done
    echo "$list"
}
broker_list() {
    local n=${1:-$(kafka_brokers)} i list=
    for i in $(seq 1 "$n"); do list="$list${list:+,}127.0.0.1:$(broker_port "$i")"; done
    echo "$list"
}
