/*-------------------------------------------------------------------------
 *
 * core/options.h
 *		  mesh_fdw's options: one table of what each option is, where it
 *		  may appear and what values it takes, with the checks of those
 *		  values.
 *
 * The validator (fdw/option.c) refuses what this table refuses when an
 * option is set; every later reader (kafka/settings.c, fdw/table.c) parses
 * values with the same functions, so a value that passed the validator
 * means the same thing to all of them.  Also the names that must be valid
 * everywhere: Kafka topic names, domain and product names.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_CORE_OPTIONS_H
#define MESH_CORE_OPTIONS_H

#include "core/core.h"

/* Where an option may appear (a bit set). */
#define MESH_OPT_SERVER		0x01
#define MESH_OPT_MAPPING	0x02
#define MESH_OPT_TABLE		0x04
#define MESH_OPT_COLUMN		0x08

typedef enum MeshOptionKind
{
	MESH_OPTION_NONEMPTY,		/* any text but the empty string */
	MESH_OPTION_INT,			/* a whole number in [min, max] */
	MESH_OPTION_BOOL,			/* PostgreSQL's boolean spellings */
	MESH_OPTION_CHOICE,			/* one of choices[] */
	MESH_OPTION_BROKERS,		/* host:port[,host:port...] */
	MESH_OPTION_URL,			/* http(s) URL without credentials */
	MESH_OPTION_TOPIC,			/* a Kafka topic name */
	MESH_OPTION_PRODUCT,		/* a qualified product name, domain.name */
	MESH_OPTION_NAME			/* a name: [a-z][a-z0-9_]*, as mesh_valid_name */
} MeshOptionKind;

typedef struct MeshOptionSpec
{
	const char *name;
	int			places;			/* MESH_OPT_* */
	MeshOptionKind kind;
	const char *const *choices; /* MESH_OPTION_CHOICE, NULL-terminated */
	long		min;			/* MESH_OPTION_INT */
	long		max;
	const char *hint;			/* for a bad value; NULL: the choices */
} MeshOptionSpec;

/* The table, ended by an entry with a NULL name. */
extern const MeshOptionSpec mesh_options[];

/* The value lists of the choice options, NULL-terminated. */
extern const char *const mesh_value_formats[];	/* avro json text bytes */
extern const char *const mesh_key_formats[];	/* text bytes json avro */
extern const char *const mesh_modes[];	/* stream table */
extern const char *const mesh_on_error_modes[]; /* error skip null */
extern const char *const mesh_envelopes[];	/* none debezium */

/* Options named "kafka.<property>" pass a librdkafka property. */
#define MESH_KAFKA_PREFIX "kafka."
#define MESH_KAFKA_PREFIX_LEN (sizeof(MESH_KAFKA_PREFIX) - 1)

/* The option called name that may appear in place, or NULL. */
extern const MeshOptionSpec *mesh_option_find(const char *name, int place);

/* The names of the options of place, ", "-separated, into buf. */
extern void mesh_option_names(int place, MeshBuf *buf);

/*
 * Check a value of an option.  False when it is bad: errbuf then holds
 * the whole message ('invalid value for option "brokers": ...') and *hint
 * what to do (NULL when there is nothing to say).  Booleans are checked
 * by the caller (PostgreSQL's defGetBoolean).
 */
extern bool mesh_option_check(const MeshOptionSpec *spec, const char *value,
							  char *errbuf, size_t errlen, char *hintbuf,
							  size_t hintlen);

/* The index of value in a NULL-terminated list, or -1. */
extern int	mesh_choice_index(const char *const *list, const char *value);

/* value as a whole number in [min, max]; false when it is not one. */
extern bool mesh_parse_int(const char *value, long min, long max, long *result);

/* Kafka topic names: 1-249 of [a-zA-Z0-9._-], and not "." or "..". */
extern bool mesh_valid_topic_name(const char *name);

/* Names of domains and products: [a-z][a-z0-9_]*, at most this long. */
#define MESH_MAX_NAME_LEN 63
extern bool mesh_valid_name(const char *name);

/*
 * The columns of a foreign table: the metadata columns, recognised by
 * name, and the others (a field of the value, or the whole value).
 */
typedef enum MeshColumnKind
{
	MESH_COLUMN_DROPPED,
	MESH_COLUMN_FIELD,			/* a field of the message value */
	MESH_COLUMN_VALUE,			/* the whole value (text and bytes formats) */
	MESH_COLUMN_PARTITION,		/* _partition */
	MESH_COLUMN_OFFSET,			/* _offset */
	MESH_COLUMN_TIMESTAMP,		/* _timestamp */
	MESH_COLUMN_KEY,			/* _key */
	MESH_COLUMN_HEADERS,		/* _headers */
	MESH_COLUMN_ERROR,			/* _error: why the message is bad, or NULL */
	MESH_COLUMN_RAW,			/* _raw: the value's bytes */
	/* envelope 'debezium' only (elsewhere fields like any other) */
	MESH_COLUMN_OP,				/* _op: c, u, d, r, t or m */
	MESH_COLUMN_BEFORE,			/* _before: the row before the change */
	MESH_COLUMN_SOURCE,			/* _source: where the change came from */
	MESH_COLUMN_TS_MS			/* _ts_ms: when the connector saw it */
} MeshColumnKind;

/*
 * MESH_COLUMN_PARTITION for "_partition" and so on; else MESH_COLUMN_FIELD.
 * _op, _before, _source and _ts_ms are recognised too: a table without
 * envelope 'debezium' reads them as fields.
 */
extern MeshColumnKind mesh_metadata_column_kind(const char *name);

/*
 * librdkafka properties: the ones mesh_fdw sets itself (nobody may set
 * them), the ones a non-superuser may set, and whether a property's value
 * is a credential (never shown; it belongs on a user mapping).  name may
 * carry the "kafka." prefix.
 */
extern bool mesh_kafka_property_reserved(const char *property);
extern bool mesh_kafka_property_for_users(const char *property);
extern bool mesh_option_is_secret(const char *name);

#endif							/* MESH_CORE_OPTIONS_H */
