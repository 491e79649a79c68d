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
	src/json.o \
	src/avro_schema.o \
	src/avro_decode.o \
	src/avro_encode.o \
	src/avro_compat.o \
	src/convert.o

EXTENSION = mesh_fdw
DATA = mesh_fdw--1.0.sql
PGFILEDESC = "mesh_fdw - data mesh on Apache Kafka"

REGRESS = setup options topics catalog import types evolution pushdown table_mode on_error produce derive security


# -Wno-unused-parameter: FDW callbacks have fixed signatures
PG_CPPFLAGS = -Isrc -Wall -Wextra -Wno-unused-parameter
SHLIB_LINK = -lrdkafka -lavro -lcurl -lpthread

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
