/*-------------------------------------------------------------------------
 *
 * harness.h
 *		  What the unit tests (test/unit/test_*.c) and the fuzz targets
 *		  (test/fuzz) share: counted checks and their report, reading test
 *		  data, test schemas, and decoding from exact-size copies.
 *
 * Built with -DMESH_STANDALONE beside test/unit/standalone.c (test/unit/run,
 * test/fuzz/run).  Whatever cannot go on (a missing data file, a test
 * schema that does not parse) ends the program with status 2: that is a
 * broken test, not a failed check.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MESH_TEST_HARNESS_H
#define MESH_TEST_HARNESS_H

#include "core/avro_decode.h"
#include "core/protobuf.h"

/* The case being checked, named in failure messages ("" for none). */
extern const char *test_case;

/* Count a check that passed; print one that failed, with where it is. */
#define CHECK(cond, ...) check_at((cond), __FILE__, __LINE__, __VA_ARGS__)

extern void check_at(bool ok, const char *file, int line, const char *fmt,...)
			__attribute__((format(printf, 4, 5)));

/* A target of these n slots (a compound literal: the slots stay the caller's). */
#define SLOTS_TARGET(slots, n) ((MeshAvroTarget) {.nslots = (n),.slots = (slots)})

/*
 * Count a check that made is not NULL (else print "what: err"); return made.
 * err is read after made is made, so it can be the call's error buffer.
 */
#define CHECK_MADE(made, what, err) check_made_at((made), __FILE__, __LINE__, (what), (err))

extern void *check_made_at(void *made, const char *file, int line, const char *what,
						   const char *err);

/*
 * Free what the harness and the core hold, print "NAME: P passed, F failed"
 * and return main's exit status.
 */
extern int	test_report(const char *name);

/* A whole file, malloc'd and NUL-terminated; *len is its length. */
extern char *read_file(const char *path, size_t *len);

/* The list "vectors" of the JSON file dir/name (test/data's vectors). */
extern const MeshJson *read_vectors(const char *dir, const char *name);

/* A test's schema, from its text or from a JSON tree (NULL for none or null). */
extern MeshAvroType *schema(const char *text);
extern MeshAvroType *schema_from_json(const MeshJson *j);

/* Hex text to a malloc'd buffer of exactly its length (at least 1 byte). */
extern uint8_t *unhex(const char *hex, size_t *len);

/*
 * mesh_avro_decode from an exact-size copy, so that ASan sees any overread.
 * Values point into the message, so the copy lives until the next call.
 */
extern bool decode_exact(MeshAvroProgram *prog, const void *data, size_t len,
						 MeshAvroValue *values, char *err, size_t errlen);

/* A target of one slot per field of the record, each needed, in this shape. */
extern MeshAvroTarget *all_fields(const MeshAvroType *rec, MeshAvroShape shape);

/* The decoder of writer into these n slots, checked to compile (counted). */
#define compile_slots(writer, slots, n) compile_slots_at((writer), (slots), (n), __FILE__, __LINE__)

extern MeshAvroProgram *compile_slots_at(const MeshAvroType *writer, MeshAvroSlot *slots, int n,
										 const char *file, int line);

/*
 * The shape a slot of this type takes in "natural" mode, as
 * test/unit/gen_vectors.py's scalar_type gives it: scalars and arrays of
 * scalars as such (through unions with null), anything else as JSON.
 */
extern MeshAvroShape natural_shape(const MeshAvroType *t);

/*
 * A decoder's target: a slot for each field of the reader, resolved from
 * the writer (or, without a reader, for each field of the writer, read as
 * written); every slot needed, in its natural shape.
 */
extern MeshAvroTarget *reader_target(const MeshAvroType *writer,
									 const MeshAvroType *reader);

/*
 * A fuzz target's finding (or a broken setup): print "FILE: what: detail"
 * and abort, so that libFuzzer keeps the input.
 */
#define die(what, detail) die_at(__FILE__, (what), (detail))

extern void die_at(const char *file, const char *what, const char *detail)
			__attribute__((noreturn));

/* xorshift64: advance *state (not 0) and return it; a fixed sequence a seed. */
extern uint64_t xorshift64(uint64_t *state);

/*
 * Mutate m (n bytes, room for cap): edits times, while it is not empty,
 * edit it by a random number (from rng, one an edit); its new length.
 */
extern size_t apply_edits(void *m, size_t n, size_t cap, int edits, uint32_t (*rng) (void),
						  size_t (*edit) (void *m, size_t mn, size_t cap, uint32_t r));

/* Well-formed UTF-8 without NUL: an implementation of its own. */
extern bool utf8_ok(const char *s, size_t len);

/*
 * The decoder's values of a message's fields (one slot per field, in
 * declared order) in the encoder's terms, as the server's conversions give
 * them: uint64 and fixed64 (decimal bytes) as their text, Durations
 * ("S.fffffffff seconds", interval text) as "S.fffffffffs".  In place.
 */
extern void pb_decoded_to_source(const MeshPbMessage *msg, MeshAvroValue *values);

#endif							/* MESH_TEST_HARNESS_H */
