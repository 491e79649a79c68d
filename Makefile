# mesh_fdw: PGXS build.  `make && make install`, then `make installcheck`
# against a running cluster (scripts/stack env sets PGHOST/PGPORT).
# Builds for another PostgreSQL or librdkafka are made in copies of the
# sources under .build/ (scripts/lib.sh, build_variant), not here.

MODULE_big = mesh_fdw
OBJS = \
	mesh_fdw.o \
	$(patsubst %.c,%.o,$(sort $(wildcard src/core/*.c src/kafka/*.c src/mesh/*.c src/fdw/*.c)))

EXTENSION = mesh_fdw
DATA = mesh_fdw--1.0.sql mesh_fdw--1.0--1.1.sql mesh_fdw--1.1--1.2.sql mesh_fdw--1.2--1.3.sql mesh_fdw--1.3--1.4.sql
PGFILEDESC = "mesh_fdw - data mesh on Apache Kafka"

REGRESS = setup options topics catalog import types evolution pushdown table_mode on_error input_errors produce derive security tls bookmarks ownership catalog_acl continuous dead_letters debezium json_schema protobuf protobuf_references


# -Wno-unused-parameter: FDW callbacks have fixed signatures
PG_CPPFLAGS = -Isrc -Wall -Wextra -Wno-unused-parameter
SHLIB_LINK = -lavro -lcurl -lpthread

# librdkafka: by default the one scripts/setup builds into .deps/, linked
# statically with its symbols kept private to mesh_fdw.so (another library
# in the backend that loads a system librdkafka cannot collide with it);
# `make RDKAFKA=system` links Debian's shared librdkafka instead.
RDKAFKA ?= bundled
RDKAFKA_PREFIX ?= $(CURDIR)/.deps/librdkafka-2.12.1
ifeq ($(RDKAFKA),system)
SHLIB_LINK += -lrdkafka
else
PG_CPPFLAGS += -isystem $(RDKAFKA_PREFIX)/include
SHLIB_LINK += $(shell PKG_CONFIG_PATH=$(RDKAFKA_PREFIX)/lib/pkgconfig pkg-config --libs rdkafka-static) \
	-Wl,--exclude-libs,ALL
endif

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS does not track headers (unless PostgreSQL was configured with
# --enable-depend): rebuild everything when any of ours changes, so that no
# object keeps an old struct layout.
$(OBJS): $(wildcard src/*.h src/*/*.h)

# The tests that need no cluster: the layering of src/ and the portable
# core's unit tests (test/layers/check, test/unit/run).
.PHONY: unit
unit:
	test/layers/check
	test/unit/run
