# mesh_fdw: PGXS build.  `make && make install`, then `make installcheck`
# against a running cluster (scripts/stack env sets PGHOST/PGPORT).

MODULE_big = mesh_fdw
OBJS = \
	mesh_fdw.o \
	src/option.o \
	src/connection.o \
	src/catalog.o \
	src/publish.o \
	src/derive.o \
	src/registry.o \
	src/avro_c.o \
	src/type_map.o \
	src/table.o \
	src/pushdown.o \
	src/decode.o \
	src/scan.o \
	src/produce.o \
	src/import.o \
	src/views.o \
	src/glue.o \
	src/core/buf.o \
	src/core/text.o \
	src/core/map.o \
	src/core/calendar.o \
	src/core/decimal.o \
	src/core/json.o \
	src/core/avro_schema.o \
	src/core/avro_canonical.o \
	src/core/avro_resolve.o \
	src/core/avro_render.o \
	src/core/avro_compile.o \
	src/core/avro_source.o \
	src/core/avro_write.o \
	src/core/avro_decode.o \
	src/core/avro_encode.o \
	src/core/avro_compat.o \
	src/convert.o

EXTENSION = mesh_fdw
DATA = mesh_fdw--1.0.sql
PGFILEDESC = "mesh_fdw - data mesh on Apache Kafka"

REGRESS = setup options topics catalog import types evolution pushdown table_mode on_error produce derive security


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
