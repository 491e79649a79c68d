/*-------------------------------------------------------------------------
 *
 * test_protobuf_encode.c
 *		  Unit tests of the Protobuf encoder (src/core/protobuf_encode.c).
 *
 * Run by test/unit/run with test/data.  The expected bytes are what
 * Python's protobuf (upb) SerializeToString(deterministic=True) writes for
 * the same messages (given in Protobuf's JSON mapping in the comments),
 * except that integer map keys are in numeric order here, as protoc's C++
 * and Java deterministic serializers sort them (upb leaves them in its
 * table's order).  Every message is also decoded back and re-encoded.
 *
 *-------------------------------------------------------------------------
 */
#include "core/protobuf.h"
#include "core/calendar.h"
#include "core/text.h"
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *datadir = "test/data";

/* ------------------------------------------------------------------------
 * Values as the server hands them
 * ------------------------------------------------------------------------
 */

static MeshAvroValue
v_null(void)
{
	return (MeshAvroValue) {.present = true,.is_null = true};
}

static MeshAvroValue
v_int(int64_t n)
{
	return (MeshAvroValue) {.present = true,.kind = AVRO_LONG,.integer = n};
}

static MeshAvroValue
v_real(double x)
{
	return (MeshAvroValue) {.present = true,.kind = AVRO_DOUBLE,.real = x};
}

static MeshAvroValue
v_bool(bool b)
{
	return (MeshAvroValue) {.present = true,.kind = AVRO_BOOLEAN,.boolean = b};
}

static MeshAvroValue
v_text(const char *s)
{
	return (MeshAvroValue) {.present = true,.kind = AVRO_STRING,.data = s,.len = strlen(s)};
}

static MeshAvroValue
v_bytes(const char *s, size_t n)
{
	return (MeshAvroValue) {.present = true,.kind = AVRO_BYTES,.data = s,.len = n};
}

static MeshAvroValue
v_json(const char *s)
{
	return (MeshAvroValue) {.present = true,.kind = AVRO_RECORD,.data = s,.len = strlen(s)};
}

static MeshAvroValue
v_ts(const char *text)
{
	int64_t		us = 0;
	bool		overflow;

	if (!mesh_parse_timestamp_text(text, strlen(text), false, &us, &overflow))
		CHECK(false, "timestamp %s", text);
	return (MeshAvroValue) {.present = true,.kind = AVRO_LONG,
	.logical = AVRO_LT_TIMESTAMP_MICROS,.integer = us};
}

static MeshAvroValue
v_items(MeshAvroValue *items, int n)
{
	return (MeshAvroValue) {.present = true,.kind = AVRO_ARRAY,.items = items,.nitems = n};
}

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------
 */

static MeshPbFile *
parse_file(const char *name)
{
	char		path[512];
	char		err[256] = "";
	size_t		len;
	char	   *text;
	MeshPbFile *f;

	snprintf(path, sizeof(path), "%s/protobuf/%s", datadir, name);
	text = read_file(path, &len);
	f = mesh_pb_parse(text, len, err, sizeof(err));
	CHECK(f != NULL, "%s: %s", name, err);
	free(text);
	return f;
}

static MeshPbFile *
parse_text(const char *text)
{
	char		err[256] = "";
	MeshPbFile *f = mesh_pb_parse(text, strlen(text), err, sizeof(err));

	CHECK(f != NULL, "schema: %s", err);
	return f;
}

/* One slot per field of the message, each in its natural shape. */
static MeshAvroTarget
all_slots(const MeshPbMessage *msg)
{
	MeshAvroSlot *slots = calloc((size_t) msg->nfields + 1, sizeof(MeshAvroSlot));

	for (int i = 0; i < msg->nfields; i++)
	{
		const MeshPbField *f = &msg->fields[i];
		bool		plain_message = f->type == PB_MESSAGE && f->wkt == PB_WKT_NONE;

		slots[i].name = f->name;
		slots[i].needed = true;
		slots[i].shape = plain_message ? MESH_SHAPE_JSON :
			f->repeated ? MESH_SHAPE_ARRAY : MESH_SHAPE_SCALAR;
	}
	return (MeshAvroTarget) {.nslots = msg->nfields,.slots = slots};
}

static int
field_index(const MeshPbMessage *msg, const char *name)
{
	for (int i = 0; i < msg->nfields; i++)
		if (strcmp(msg->fields[i].name, name) == 0)
			return i;
	CHECK(false, "no field %s", name);
	return 0;
}

static char *
hex_of(const MeshBuf *b)
{
	char	   *h = malloc(b->len * 2 + 1);

	mesh_hex_encode(h, b->data, b->len);
	h[b->len * 2] = '\0';
	return h;
}

/*
 * Encode values; the bytes must be expected (hex), and decoding them and
 * encoding the decoded values again must give the same bytes.
 */
static void
check_encode(const MeshPbFile *file, int m, MeshAvroValue *values, const char *expected)
{
	const MeshPbMessage *msg = &file->messages[m];
	MeshAvroTarget t = all_slots(msg);
	MeshPbEncoder *enc;
	MeshPbProgram *prog;
	MeshPbEncodeError err;
	MeshBuf		out = {0},
				again = {0};
	MeshAvroValue *decoded = calloc((size_t) msg->nfields + 1, sizeof(MeshAvroValue));
	char		errbuf[256] = "";
	char	   *hex;

	enc = mesh_pb_encoder_create(file, m, &t, errbuf, sizeof(errbuf));
	CHECK(enc != NULL, "encoder: %s", errbuf);
	prog = mesh_pb_compile(file, m, &t, errbuf, sizeof(errbuf));
	CHECK(prog != NULL, "program: %s", errbuf);
	if (enc == NULL || prog == NULL)
		return;
	if (!mesh_pb_encode(enc, values, &out, &err))
		CHECK(false, "encode: %s", err.detail);
	else
	{
		hex = hex_of(&out);
		CHECK(strcmp(hex, expected) == 0, "bytes:\n  got      %s\n  expected %s", hex, expected);
		free(hex);
		if (!mesh_pb_decode(prog, (const uint8_t *) out.data, out.len, decoded,
							errbuf, sizeof(errbuf)))
			CHECK(false, "decode: %s", errbuf);
		else
		{
			pb_decoded_to_source(msg, decoded);
			if (!mesh_pb_encode(enc, decoded, &again, &err))
				CHECK(false, "encode the decoded: %s", err.detail);
			else
			{
				hex = hex_of(&again);
				CHECK(again.len == out.len &&
					  (out.len == 0 || memcmp(again.data, out.data, out.len) == 0),
					  "decoded and encoded again: %s", hex);
				free(hex);
			}
		}
	}
	mesh_free(out.data);
	mesh_free(again.data);
	mesh_pb_program_free(prog);
	mesh_pb_encoder_free(enc);
	free(decoded);
	free(t.slots);
}

/* Encoding fails with this fault, naming this slot, the detail holding fragment. */
static void
check_fault(const MeshPbFile *file, int m, MeshAvroValue *values, MeshPbFault fault,
			const char *slot_name, const char *fragment, const char *hint)
{
	const MeshPbMessage *msg = &file->messages[m];
	MeshAvroTarget t = all_slots(msg);
	MeshPbEncoder *enc = mesh_pb_encoder_create(file, m, &t, (char[256]) {0}, 256);
	MeshPbEncodeError err;
	MeshBuf		out = {0};

	mesh_buf_append(&out, "HDR", 3);
	CHECK(!mesh_pb_encode(enc, values, &out, &err), "%s: encodes", fragment);
	CHECK(err.fault == fault, "%s: fault %d, expected %d (%s)", fragment, err.fault, fault,
		  err.detail);
	CHECK(err.slot >= 0 && strcmp(t.slots[err.slot].name, slot_name) == 0,
		  "%s: slot %d", fragment, err.slot);
	CHECK(strstr(err.detail, fragment) != NULL, "detail \"%s\" lacks \"%s\"", err.detail,
		  fragment);
	CHECK(hint == NULL || strstr(err.hint, hint) != NULL, "hint \"%s\" lacks \"%s\"",
		  err.hint, hint ? hint : "");
	CHECK(out.len == 3, "a refused row leaves the output as it was");
	mesh_free(out.data);
	mesh_pb_encoder_free(enc);
	free(t.slots);
}

/* ------------------------------------------------------------------------
 * shop.Order (test/data/protobuf/order.proto): every mapped type
 * ------------------------------------------------------------------------
 */

#define ORDER_FIELDS 23

/* Order's fields in declared order (all_slots' order) */
enum
{
	F_ID, F_NAME, F_STATUS, F_PACKED, F_UNPACKED, F_COUNTS, F_MAYBE, F_AT, F_WRAPPED,
	F_BIG, F_TEXT, F_LINE, F_FIRST_LINE, F_DELTA, F_RATIO, F_BLOB, F_TOOK, F_FLAG,
	F_TAGS, F_TOTAL, F_SCORE, F_NOTE, F_LINES
};

/*
 * A row of a message's fields (all_slots' order): NULL for fields with
 * presence, the zero value of the others, each as the server gives it.
 */
static void
zero_row(const MeshPbFile *file, const MeshPbMessage *msg, MeshAvroValue *v)
{
	static MeshAvroValue none[1];

	for (int i = 0; i < msg->nfields; i++)
	{
		const MeshPbField *f = &msg->fields[i];

		if (f->repeated && f->type == PB_MESSAGE)
			v[i] = v_json(file->messages[f->message].map_entry ? "{}" : "[]");
		else if (f->repeated)
			v[i] = v_items(none, 0);
		else if (f->presence || f->type == PB_MESSAGE)
			v[i] = v_null();
		else if (f->type == PB_STRING || f->type == PB_ENUM)
			v[i] = v_text(f->type == PB_ENUM ? file->enums[f->enumeration].names[0] : "");
		else if (f->type == PB_BYTES)
			v[i] = v_bytes("", 0);
		else if (f->type == PB_BOOL)
			v[i] = v_bool(false);
		else if (f->type == PB_FLOAT || f->type == PB_DOUBLE)
			v[i] = v_real(0);
		else
			v[i] = v_int(0);
	}
}

static void
test_order(const MeshPbFile *file)
{
	int			m = mesh_pb_message_by_name(file, "shop.Order");
	const MeshPbMessage *msg = &file->messages[m];
	MeshAvroValue v[ORDER_FIELDS];
	MeshAvroValue packed[3] = {v_int(1), v_int(-2), v_int(300)};
	MeshAvroValue unpacked[2] = {v_int(7), v_int(8)};
	MeshAvroValue tags[2] = {v_text("x"), v_text("")};
	MeshAvroValue with_null[2] = {v_int(1), v_null()};

	CHECK(msg->nfields == ORDER_FIELDS && field_index(msg, "lines") == F_LINES &&
		  field_index(msg, "took") == F_TOOK, "Order's fields");

	test_case = "order: zero values";
	zero_row(file, msg, v);
	check_encode(file, m, v, "");

	/*
	 * {"id": 1, "name": "café", "status": "PAID", "packedInts": [1, -2, 300],
	 * "unpackedInts": [7, 8], "counts": {"b": "-1", "a": "5"}, "maybe": 0,
	 * "at": "2024-01-02T03:04:05.123456Z", "wrapped": 0, "big":
	 * "18446744073709551615", "line": {"sku": "X1", "qty": 3}, "firstLine":
	 * {"sku": "F"}, "delta": -2, "ratio": 1.5, "blob": "AP8=", "took":
	 * "-90.5s", "flag": true, "tags": ["x", ""], "total":
	 * "-9007199254740993", "score": 2.5, "note": "n", "lines": [{"sku": "l1",
	 * "qty": 1}, {}]}
	 */
	test_case = "order: every field";
	v[F_ID] = v_int(1);
	v[F_NAME] = v_text("caf\xc3\xa9");
	v[F_STATUS] = v_text("PAID");
	v[F_PACKED] = v_items(packed, 3);
	v[F_UNPACKED] = v_items(unpacked, 2);
	v[F_COUNTS] = v_json("{\"b\": -1, \"a\": \"5\"}");
	v[F_MAYBE] = v_int(0);
	v[F_AT] = v_ts("2024-01-02T03:04:05.123456Z");
	v[F_WRAPPED] = v_int(0);
	v[F_BIG] = v_text("18446744073709551615");
	v[F_LINE] = v_json("{\"sku\": \"X1\", \"qty\": 3}");
	v[F_FIRST_LINE] = v_json("{\"sku\": \"F\"}");
	v[F_DELTA] = v_int(-2);
	v[F_RATIO] = v_real(1.5);
	v[F_BLOB] = v_bytes("\x00\xff", 2);
	v[F_TOOK] = v_text("-90.5s");
	v[F_FLAG] = v_bool(true);
	v[F_TAGS] = v_items(tags, 2);
	v[F_TOTAL] = v_int(INT64_C(-9007199254740993));
	v[F_SCORE] = v_real(2.5);
	v[F_NOTE] = v_text("n");
	v[F_LINES] = v_json("[{\"sku\": \"l1\", \"qty\": 1}, {}]");
	check_encode(file, m, v,
				 "08011205636166c3a91801220d01feffffffffffffffff01ac022807280832050a01611005"
				 "320e0a016210ffffffffffffffffff013800420b08a5facdac06108094ef3a4a0050ffff"
				 "ffffffffffffff0162060a02583110036a030a0146700379000000000000f83f82010200"
				 "ff8a011608a6ffffffffffffffff011080b6ca91feffffffff019001019a0101789a0100"
				 "a001ffffffffffffffefff01ad0100002040b201030a016eba01060a026c311001ba0100");

	/* JSON names (lowerCamelCase) and the decoder's renderings are taken too */
	test_case = "order: JSON names, base64 bytes";
	zero_row(file, msg, v);
	v[F_LINES] = v_json("[{\"sku\": \"l1\", \"qty\": \"1\"}]");
	v[F_FIRST_LINE] = v_json("{\"sku\": \"F\", \"qty\": 0}");
	check_encode(file, m, v, "6a030a0146ba01060a026c311001");

	/*
	 * {"id": -1, "total": "-9223372036854775808", "delta": -2147483648,
	 * "ratio": "-Infinity", "score": "NaN", "at": "1969-12-31T23:59:59.500Z",
	 * "took": "0.000000001s", "text": "", "status": "UNKNOWN", "big": "0",
	 * "wrapped": 0}: a negative int32 takes 10 bytes, a Timestamp before 1970
	 * negative seconds and positive nanos, an empty oneof member is written
	 */
	test_case = "order: edge values";
	zero_row(file, msg, v);
	v[F_ID] = v_int(-1);
	v[F_TOTAL] = v_int(INT64_MIN);
	v[F_DELTA] = v_int(INT32_MIN);
	v[F_RATIO] = v_real(-INFINITY);
	v[F_SCORE] = v_text("NaN");
	v[F_AT] = v_ts("1969-12-31T23:59:59.5Z");
	v[F_TOOK] = v_text("0.000000001s");
	v[F_TEXT] = v_text("");
	v[F_WRAPPED] = v_int(0);
	check_encode(file, m, v,
				 "08ffffffffffffffffff01421108ffffffffffffffffff011080cab5ee014a005a0070ff"
				 "ffffff0f79000000000000f0ff8a01021001a00180808080808080808001ad010000c07f");

	/*
	 * {"total": "9223372036854775807", "ratio": -0.0, "counts": {"b": "2",
	 * "a": "0", "": "1"}, "took": "-315576000000s"}: -0.0 is written (only
	 * +0.0 is the zero value), map entries sorted by key, a zero map value
	 * written
	 */
	test_case = "order: more edges";
	zero_row(file, msg, v);
	v[F_TOTAL] = v_int(INT64_MAX);
	v[F_RATIO] = v_real(-0.0);
	v[F_COUNTS] = v_json("{\"b\": 2, \"a\": 0, \"\": 1}");
	v[F_TOOK] = v_text("-315576000000s");
	check_encode(file, m, v,
				 "32040a001001" "32050a01611000" "32050a01621002" "790000000000000080"
				 "8a010b0880c4d1b1e8f6ffffff01" "a001ffffffffffffffff7f");

	/* faults: one value of a row of zero values each (the oneof's: two) */
	{
		MeshAvroValue before_year_1 = v_ts("0001-01-01T00:00:00Z");
		struct
		{
			int			field;
			MeshAvroValue value;
			MeshPbFault fault;
			const char *detail;
			const char *hint;
		}			faults[] = {
			{F_ID, v_null(), PB_FAULT_NULL, "Field \"id\" (int32) of shop.Order has no presence: a message without it reads as its zero value, not as NULL", NULL},
			{F_TAGS, v_null(), PB_FAULT_NULL, "(repeated) of shop.Order has no presence: a message without it reads as an empty array", NULL},
			{F_PACKED, v_items(with_null, 2), PB_FAULT_NULL, "packed_ints[1]", NULL},
			{F_STATUS, v_text("LOST"), PB_FAULT_ENUM, "\"LOST\" is not a value of enum shop.Order.Status", "UNKNOWN, PAID, SHIPPED"},
			{F_LINE, v_json("{}"), PB_FAULT_ONEOF, "oneof \"choice\"", "at most one"},
			{F_BIG, v_text("18446744073709551616"), PB_FAULT_RANGE, "out of range", NULL},
			{F_BIG, v_text("-1"), PB_FAULT_RANGE, "value -1 is out of range for type uint64", NULL},
			{F_BIG, v_text("1.5"), PB_FAULT_VALUE, "not an integer", NULL},
			{F_ID, v_int(INT64_C(2147483648)), PB_FAULT_RANGE, "2147483648 is out of range for type int32", NULL},
			{F_SCORE, v_real(1e300), PB_FAULT_RANGE, "out of range for type float", NULL},
			{F_TOOK, v_text("315576000001s"), PB_FAULT_RANGE, "10000 years", NULL},
			{F_TOOK, v_text("1 day"), PB_FAULT_VALUE, "is not a google.protobuf.Duration", NULL},
			{F_AT, before_year_1, PB_FAULT_RANGE, "0001-01-01 to 9999-12-31", NULL},
			{F_LINE, v_json("{\"sku\": \"a\", \"nosuch\": 1}"), PB_FAULT_VALUE, "shop.Order.Line has no field \"nosuch\"", NULL},
			{F_LINES, v_json("[{}, {\"qty\": \"x\"}]"), PB_FAULT_VALUE, "Field \"lines[1].qty\": \"x\" is not an integer", NULL},
			{F_COUNTS, v_json("{\"a\": null}"), PB_FAULT_NULL, "counts[\"a\"]", NULL},
			{F_NAME, v_int(5), PB_FAULT_VALUE, "an integer value does not fit a field of type string", NULL},
			{F_BLOB, v_json("\"not base64!\""), PB_FAULT_VALUE, "\"not base64!\" is neither base64 nor \\x and hex digits", NULL},
			{F_FIRST_LINE, v_json("{\"sku\": \"a\", \"sku\": \"b\"}"), PB_FAULT_VALUE, "invalid JSON", NULL},
		};

		faults[12].value.integer--;	/* a microsecond before 0001-01-01 */
		test_case = "order: faults";
		for (int i = 0; i < (int) MESH_LENGTHOF(faults); i++)
		{
			zero_row(file, msg, v);
			v[faults[i].field] = faults[i].value;
			if (faults[i].fault == PB_FAULT_ONEOF)
				v[F_TEXT] = v_text("t");
			check_fault(file, m, v, faults[i].fault, msg->fields[faults[i].field].name,
						faults[i].detail, faults[i].hint);
		}
	}
}

/* ------------------------------------------------------------------------
 * proto2: unpacked unless [packed = true], presence everywhere, maps
 * ------------------------------------------------------------------------
 */

static const char p2_schema[] =
	"syntax = \"proto2\";\n"
	"package p2;\n"
	"message M {\n"
	"  enum E { A = 1; B = -2; }\n"
	"  repeated int32 u = 1;\n"
	"  repeated int32 p = 2 [packed = true];\n"
	"  optional int32 o = 3;\n"
	"  required string r = 4;\n"
	"  map<int32, string> m = 5;\n"
	"  repeated sint64 s = 6;\n"
	"  optional uint32 q = 7;\n"
	"  optional fixed64 f = 8;\n"
	"  optional sfixed32 sf = 9;\n"
	"  optional bool b = 10;\n"
	"  optional E e = 11;\n"
	"  map<bool, int32> bm = 12;\n"
	"  map<sint32, uint64> sm = 13;\n"
	"  oneof k { int32 k1 = 14; string k2 = 15; }\n"
	"  optional float fl = 16;\n"
	"  optional bytes by = 17;\n"
	"}\n";

static void
test_proto2(void)
{
	MeshPbFile *file = parse_text(p2_schema);
	MeshAvroValue v[17];
	MeshAvroValue u[2] = {v_int(1), v_int(-1)};
	MeshAvroValue p[2] = {v_int(3), v_int(270)};
	MeshAvroValue s[2] = {v_int(INT64_MIN), v_int(INT64_MAX)};

	if (file == NULL)
		return;
	CHECK(file->messages[0].noneofs == 1 && strcmp(file->messages[0].oneofs[0], "k") == 0,
		  "oneof names");
	/*
	 * {"u": [1, -1], "p": [3, 270], "o": 0, "r": "", "m": {"10": "ten", "-3":
	 * "", "2": "two"}, "s": ["-9223372036854775808", "9223372036854775807"],
	 * "q": 4294967295, "f": "18446744073709551615", "sf": -2147483648, "b":
	 * false, "e": "B", "bm": {"true": 1, "false": 0}, "sm": {"-1": "0", "1":
	 * "7"}, "k1": 0, "fl": -0.0, "by": "AP8="}: zero values are written
	 * (presence), map keys sorted as numbers, false before true
	 */
	test_case = "proto2";
	v[0] = v_items(u, 2);
	v[1] = v_items(p, 2);
	v[2] = v_int(0);
	v[3] = v_text("");
	v[4] = v_json("{\"10\": \"ten\", \"-3\": \"\", \"2\": \"two\"}");
	v[5] = v_items(s, 2);
	v[6] = v_int(UINT32_MAX);
	v[7] = v_text("18446744073709551615");
	v[8] = v_int(INT32_MIN);
	v[9] = v_bool(false);
	v[10] = v_text("B");
	v[11] = v_json("{\"true\": 1, \"false\": 0}");
	v[12] = v_json("{\"-1\": \"0\", \"1\": 7}");
	v[13] = v_int(0);
	v[14] = v_null();
	v[15] = v_real(-0.0);
	v[16] = v_json("\"AP8=\"");
	check_encode(file, 0, v,
				 "080108ffffffffffffffffff011203038e0218002200"
				 "2a0d08fdffffffffffffffff011200" "2a070802120374776f" "2a07080a120374656e"
				 "30ffffffffffffffffff0130feffffffffffffffff0138ffffffff0f41ffffffffffffffff"
				 "4d00000080500058feffffffffffffffff01"
				 "620408001000" "620408011001"
				 "6a0408011000" "6a0408021007" "7000" "850100000080" "8a010200ff");

	/* uint32 range, and a proto2 field is nullable (absent) */
	test_case = "proto2 faults";
	zero_row(file, &file->messages[0], v);	/* repeated fields: empty, in proto2 too */
	check_fault(file, 0, v, PB_FAULT_NULL, "r", "Field \"r\" is a required field of p2.M", NULL);
	v[3] = v_text("");
	v[6] = v_int(-1);
	check_fault(file, 0, v, PB_FAULT_RANGE, "q", "value -1 is out of range for type uint32 (0 to 4294967295)", NULL);
	v[6] = v_null();
	v[4] = v_json("{\"1\": \"a\", \"01\": \"b\"}");
	check_fault(file, 0, v, PB_FAULT_VALUE, "m", "are the same int32", NULL);
	v[4] = v_json("{}");
	v[11] = v_json("{\"yes\": 1}");
	check_fault(file, 0, v, PB_FAULT_VALUE, "bm", "does not fit a field of type bool", NULL);
	v[11] = v_json("{}");
	v[13] = v_int(1);
	v[14] = v_text("x");
	check_fault(file, 0, v, PB_FAULT_ONEOF, "k2", "\"k1\" and \"k2\" are both members of oneof \"k\"", NULL);
	v[13] = v_null();
	v[14] = v_null();
	v[10] = v_int(5);			/* a number the enum lacks: written as such */
	check_encode(file, 0, v, "22005805");
}

/*
 * An imported message's repeated scalars are packed as its own file's
 * syntax says, not as the importing schema's: proto2 inside proto3 writes
 * one tag per item, proto3 inside proto2 one packed record.
 */
static void
test_import_syntax(void)
{
	static const char p2[] = "syntax = \"proto2\"; message Two { repeated int32 xs = 1; }";
	static const char p3[] = "syntax = \"proto3\"; message Three { repeated int32 xs = 1; }";
	MeshPbImport imports[] = {{"two.proto", p2, sizeof(p2) - 1},
	{"three.proto", p3, sizeof(p3) - 1}};
	static const char outer3[] = "syntax = \"proto3\"; import \"two.proto\";\n"
		"message Outer { Two t = 1; repeated int32 own = 2; }";
	static const char outer2[] = "syntax = \"proto2\"; import \"three.proto\";\n"
		"message Outer { optional Three t = 1; repeated int32 own = 2; }";
	char		err[256] = "";
	MeshPbFile *f3 = mesh_pb_parse_imports(outer3, strlen(outer3), imports, 2, err, sizeof(err));
	MeshPbFile *f2;
	MeshAvroValue own[3] = {v_int(1), v_int(2), v_int(3)};
	MeshAvroValue v[2];

	test_case = "imported syntax";
	CHECK(f3 != NULL, "proto3 importing proto2: %s", err);
	f2 = mesh_pb_parse_imports(outer2, strlen(outer2), imports, 2, err, sizeof(err));
	CHECK(f2 != NULL, "proto2 importing proto3: %s", err);
	if (f3 == NULL || f2 == NULL)
		return;
	/* {"t": {"xs": [1, 2]}, "own": [1, 2, 3]} */
	v[0] = v_json("{\"xs\": [1, 2]}");
	v[1] = v_items(own, 3);
	check_encode(f3, mesh_pb_message_by_name(f3, "Outer"), v, "0a04080108021203010203");
	check_encode(f2, mesh_pb_message_by_name(f2, "Outer"), v, "0a040a020102100110021003");
}

/* ------------------------------------------------------------------------
 * The encoder's setup, the descriptor's packed option, the index list
 * ------------------------------------------------------------------------
 */

static void
test_setup(const MeshPbFile *text)
{
	MeshPbFile *desc = parse_file("order.b64");
	MeshAvroSlot slots[2] = {{.name = "id",.needed = true}, {.name = "nosuch",.needed = true}};
	MeshAvroTarget t = SLOTS_TARGET(slots, 2);
	char		err[256] = "";
	MeshBuf		b = {0};
	int32_t		idx[3] = {1, 0, 2};

	test_case = "setup";
	{
		MeshPbFile *p2 = parse_text("syntax = \"proto2\"; message R { message N { required int32 a = 1; }\n"
									" required int32 r = 1; optional N n = 2; }");
		MeshAvroSlot rs[2] = {{.name = "n",.needed = true}, {.name = "r",.needed = true}};
		MeshAvroTarget rt = {.nslots = 1,.slots = rs};

		CHECK(mesh_pb_encoder_create(p2, 0, &rt, err, sizeof(err)) == NULL &&
			  strstr(err, "required field \"r\" of message R has no column") != NULL, "%s", err);
		rt.nslots = 2;
		{
			MeshPbEncoder *enc = mesh_pb_encoder_create(p2, 0, &rt, err, sizeof(err));
			MeshAvroValue rv[2] = {v_json("{}"), v_int(1)};
			MeshPbEncodeError e;

			CHECK(enc != NULL && !mesh_pb_encode(enc, rv, &b, &e) && e.fault == PB_FAULT_NULL &&
				  strstr(e.detail, "Field \"n\" lacks required field \"a\" of R.N") != NULL,
				  "a nested required field: %s", enc ? e.detail : err);
			rv[0] = v_json("{\"a\": 0}");
			CHECK(enc != NULL && mesh_pb_encode(enc, rv, &b, &e) && b.len == 6,
				  "required fields written, zero or not");
			if (enc)
				mesh_pb_encoder_free(enc);
			b.len = 0;
		}
	}
	CHECK(mesh_pb_encoder_create(text, 0, &t, err, sizeof(err)) == NULL &&
		  strstr(err, "message shop.Order has no field \"nosuch\"") != NULL, "%s", err);
	slots[1].name = "id";
	CHECK(mesh_pb_encoder_create(text, 0, &t, err, sizeof(err)) == NULL &&
		  strstr(err, "two columns give field \"id\"") != NULL, "%s", err);
	slots[1].needed = false;
	{
		MeshPbEncoder *enc = mesh_pb_encoder_create(text, 0, &t, err, sizeof(err));

		CHECK(enc != NULL, "a slot not needed is ignored: %s", err);
		if (enc)
			mesh_pb_encoder_free(enc);
	}
	if (desc != NULL)
	{
		const MeshPbMessage *dm = &desc->messages[mesh_pb_message_by_name(desc, "shop.Order")];
		const MeshPbMessage *tm = &text->messages[mesh_pb_message_by_name(text, "shop.Order")];

		CHECK(dm->fields[F_UNPACKED].packed == PB_PACKED_FALSE &&
			  tm->fields[F_UNPACKED].packed == PB_PACKED_FALSE &&
			  dm->fields[F_PACKED].packed == PB_PACKED_TRUE, "packed options");
		/* the descriptor has a synthetic oneof for "optional maybe" after the real ones */
		CHECK(tm->noneofs == 1 && dm->noneofs == 2 && strcmp(tm->oneofs[0], "choice") == 0 &&
			  strcmp(dm->oneofs[0], "choice") == 0, "oneof names, both ways");
	}

	test_case = "message indexes";
	idx[0] = 0;
	mesh_pb_put_indexes(&b, idx, 1);
	CHECK(b.len == 1 && b.data[0] == 0, "[0] is one 0 byte");
	b.len = 0;
	idx[0] = 1;
	mesh_pb_put_indexes(&b, idx, 3);
	{
		int32_t		back[MESH_PB_MAX_INDEXES];
		int			n;
		size_t		header;

		CHECK(mesh_pb_read_indexes((const uint8_t *) b.data, b.len, back, &n, &header, err,
								   sizeof(err)) &&
			  n == 3 && back[0] == 1 && back[1] == 0 && back[2] == 2 && header == b.len,
			  "[1, 0, 2] reads back");
	}
	mesh_free(b.data);
}

int
main(int argc, char **argv)
{
	MeshPbFile *order;

	if (argc > 1)
		datadir = argv[1];
	order = parse_file("order.proto");
	if (order != NULL)
	{
		test_order(order);
		test_setup(order);
	}
	test_proto2();
	test_import_syntax();
	mesh_standalone_reset();
	return test_report("test_protobuf_encode");
}
