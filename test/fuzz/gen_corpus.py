#!/usr/bin/env python3
"""Write the schema pairs of the Avro decoder's fuzz target and the seed
corpora of all fuzz targets:

  test/fuzz/avro_pairs.json          writer/reader schema pairs and shapes,
                                     read by fuzz_avro_decode.c at start
  test/fuzz/corpus/fuzz_avro_decode  selector byte + datum (fastavro)
  test/fuzz/corpus/fuzz_json         JSON texts
  test/fuzz/corpus/fuzz_avro_schema  Avro schemas, some with NUL and a datum
  test/fuzz/corpus/fuzz_debezium     change-event schemas (Avro and Connect
                                     JSON), NUL, a payload; bare values

Seeds are small: a few valid values per pair and a few corrupt ones.  The
regression inputs that reproduced fixed crashes (regress-*) are not
touched.  Usage: gen_corpus.py   (needs fastavro: .deps/venv/bin/python)
"""

import datetime
import decimal
import glob
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "unit"))

from avrogen import F, encode, logical_fields, rec  # noqa: E402  (test/unit/avrogen.py)


ADDR = rec("Address", [F("street", "string"), F("zip", "int")])
SINK = rec("Sink", [
    F("b", "boolean"), F("i", "int"), F("l", "long"), F("f", "float"), F("d", "double"),
    F("by", "bytes"), F("s", "string"), F("n", "null"),
] + logical_fields() + [
    F("id", {"type": "string", "logicalType": "uuid"}),
    F("color", {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}),
    F("fx", {"type": "fixed", "name": "Four", "size": 4}),
    F("addr", ADDR),
    F("tags", {"type": "array", "items": "string"}),
    F("ints", {"type": "array", "items": "int"}),
    F("scores", {"type": "map", "values": "double"}),
    F("opt", ["null", "string"]),
    F("choice", ["null", "long", "string", "Address"]),
    F("list", ["null", rec("Node", [F("v", "int"), F("next", ["null", "Node"])])]),
    F("grid", {"type": "array", "items": {"type": "array", "items": "int"}}),
    F("mm", {"type": "map", "values": {"type": "map", "values": ["null", "boolean"]}}),
    F("nulls", {"type": "array", "items": "null"}),
    F("empties", {"type": "array", "items": rec("Empty", [])}),
    F("dur", {"type": "fixed", "name": "Dur", "size": 12, "logicalType": "duration"}),
])


def sink(**kw):
    d = {"b": True, "i": -7, "l": 1 << 40, "f": 1.5, "d": 0.1, "by": b"\x00\xff", "s": "h\u00e9",
         "n": None, "day": 19000, "tms": 1000, "tus": 5, "tsms": 1700000000000,
         "tsus": -5, "ltsms": 0, "ltsus": 1, "dec": decimal.Decimal("-1.23"),
         "decfx": decimal.Decimal("1.0000"), "id": "123e4567-e89b-12d3-a456-426614174000",
         "color": "BLUE", "fx": b"abcd", "addr": {"street": "s", "zip": 1},
         "tags": ["a", "b"], "ints": [1, 2, 3], "scores": {"x": 1.0, "y": 2.0},
         "opt": None, "choice": 5, "list": {"v": 1, "next": {"v": 2, "next": None}},
         "grid": [[1], []], "mm": {"a": {"t": True, "n": None}}, "nulls": [None, None],
         "empties": [{}, {}], "dur": b"\x01" * 12}
    d.update(kw)
    return d


SINK_DATUMS = [sink(), sink(opt="x", choice={"street": "q", "zip": 2}, tags=[], scores={},
                            list=None, grid=[], mm={}, nulls=[], empties=[]),
               sink(choice="str", f=float("nan"), d=float("-inf"), s="\U0001F600", by=b"")]

W1 = rec("Evo", [F("id", "long"), F("name", "string"), F("gone", "string"),
                 F("gone_rec", ADDR), F("amount", "int")])
R1 = rec("Evo", [
    F("id", "long"), F("amount", "double"), F("added", "int", default=42),
    F("added_rec", rec("Pt", [F("x", "double"), F("y", "double", default=-1)]), default={"x": 1}),
    F("added_arr", {"type": "array", "items": "int"}, default=[1, 2]),
    F("added_null", ["null", "int"], default=None),
    F("added_enum", {"type": "enum", "name": "AB", "symbols": ["A", "B"]}, default="B"),
    F("name", "string")])
W1_DATUMS = [{"id": 1, "name": "n", "gone": "g", "gone_rec": {"street": "s", "zip": 9}, "amount": 5}]

PW = rec("P", [F("i2l", "int"), F("i2f", "int"), F("l2d", "long"), F("f2d", "float"),
               F("s2b", "string"), F("b2s", "bytes"), F("ai", {"type": "array", "items": "int"}),
               F("ui", ["null", "int"])])
PR = rec("P", [F("i2l", "long"), F("i2f", "float"), F("l2d", "double"), F("f2d", "double"),
               F("s2b", "bytes"), F("b2s", "string"), F("ai", {"type": "array", "items": "long"}),
               F("ui", ["null", "double"])])
PW_DATUMS = [{"i2l": 1, "i2f": 2, "l2d": 3, "f2d": 0.5, "s2b": "x", "b2s": b"y", "ai": [1], "ui": 4},
             {"i2l": -1, "i2f": 0, "l2d": 0, "f2d": 0.0, "s2b": "", "b2s": b"", "ai": [], "ui": None}]

UW = rec("U", [F("u", ["null", "int", "string", "double"]),
               F("r", ["null", rec("A", [F("x", "int")]), rec("B", [F("y", "string")])]),
               F("e", {"type": "enum", "name": "Suit", "symbols": ["CLUBS", "HEARTS", "SPADES", "JOKER"]})])
UR = rec("U", [F("u", ["null", "long", "string"]),
               F("r", ["null", rec("B", [F("y", "string"), F("z", "int", default=0)]),
                       rec("A", [F("x", "long")])]),
               F("e", {"type": "enum", "name": "Suit", "symbols": ["SPADES", "HEARTS", "CLUBS"]})])
UW_DATUMS = [{"u": 5, "r": {"x": 1}, "e": "CLUBS"}, {"u": "s", "r": {"y": "b"}, "e": "SPADES"},
             {"u": None, "r": None, "e": "HEARTS"}]

OW = rec("O", [F("a", "int"), F("b", "string"), F("c", rec("OI", [F("x", "int"), F("y", "int")])),
               F("old", {"type": "map", "values": "int"})])
OR = rec("O", [F("c", rec("OI", [F("y", "int"), F("z", "int", default=9), F("x", "int")])),
               F("d", "int", default=1), F("b", "string"), F("a", "int"),
               F("new", {"type": "map", "values": "long"}, aliases=["old"])])
OW_DATUMS = [{"a": 1, "b": "two", "c": {"x": 3, "y": 4}, "old": {"k": 1, "j": 2}}]

TREE = rec("Tree", [F("v", "int"), F("kids", {"type": "array", "items": "Tree"}),
                    F("attrs", {"type": "map", "values": "Tree"})])
TREE_DATUMS = [{"v": 1, "kids": [{"v": 2, "kids": [], "attrs": {}}],
                "attrs": {"a": {"v": 3, "kids": [], "attrs": {}}}}]

TW = rec("T", [F("a", {"type": "long", "logicalType": "timestamp-millis"}),
               F("b", {"type": "long", "logicalType": "timestamp-micros"}),
               F("c", {"type": "int", "logicalType": "time-millis"}),
               F("d", {"type": "long", "logicalType": "local-timestamp-micros"})])
TR = rec("T", [F("a", {"type": "long", "logicalType": "timestamp-micros"}),
               F("b", {"type": "long", "logicalType": "timestamp-millis"}),
               F("c", {"type": "long", "logicalType": "time-micros"}),
               F("d", {"type": "long", "logicalType": "local-timestamp-millis"})])
TW_DATUMS = [{"a": 1500, "b": -1, "c": 1, "d": 1999}]

# a key of any type, wrapped in a record as src/decode.c does
KEY = rec("mesh_fdw_key", [F("key", ["null", "string", "long", {"type": "array", "items": "bytes"}])])
KEY_DATUMS = [{"key": "k1"}, {"key": 7}, {"key": [b"a", b""]}, {"key": None}]

PAIRS = [
    ("sink_json", SINK, None, "json", SINK_DATUMS),
    ("sink_natural", SINK, None, "natural", SINK_DATUMS),
    ("sink_unneeded", SINK, None, "unneeded", SINK_DATUMS),
    ("sink_mixed", SINK, None, "mixed", SINK_DATUMS),
    ("evolve_json", W1, R1, "json", W1_DATUMS),
    ("evolve_natural", W1, R1, "natural", W1_DATUMS),
    ("promote_natural", PW, PR, "natural", PW_DATUMS),
    ("promote_json", PW, PR, "json", PW_DATUMS),
    ("unions_json", UW, UR, "json", UW_DATUMS),
    ("unions_natural", UW, UR, "natural", UW_DATUMS),
    ("reorder_json", OW, OR, "json", OW_DATUMS),
    ("tree_json", TREE, None, "json", TREE_DATUMS),
    ("timeconv_natural", TW, TR, "natural", TW_DATUMS),
    ("timeconv_json", TW, TR, "json", TW_DATUMS),
    ("key_json", KEY, None, "json", KEY_DATUMS),
    ("key_natural", KEY, None, "natural", KEY_DATUMS),
]


def write_seed(target, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def clear_seeds(target):
    for p in glob.glob(os.path.join(HERE, "corpus", target, "seed-*")):
        os.remove(p)


def main():
    with open(os.path.join(HERE, "avro_pairs.json"), "w") as f:
        json.dump({"comment": "Generated by test/fuzz/gen_corpus.py; the first byte of a "
                              "fuzz_avro_decode input picks a pair (modulo their number).",
                   "pairs": [{"name": n, "writer": w, "reader": r, "shapes": s}
                             for n, w, r, s, _ in PAIRS]}, f, indent=1)
        f.write("\n")

    clear_seeds("fuzz_avro_decode")
    for k, (name, w, r, s, datums) in enumerate(PAIRS):
        for j, datum in enumerate(datums):
            data = encode(w, datum)
            write_seed("fuzz_avro_decode", bytes([k]) + data)
            if j == 0:
                # corrupt: cut in half, a flipped byte, a huge length
                write_seed("fuzz_avro_decode", bytes([k]) + data[:len(data) // 2])
                flipped = bytearray(data)
                flipped[len(data) // 3] ^= 0x80
                write_seed("fuzz_avro_decode", bytes([k]) + bytes(flipped))
                write_seed("fuzz_avro_decode", bytes([k]) + b"\xfe\xff\xff\xff\x0f" + data)

    clear_seeds("fuzz_json")
    for text in ['{"a":[1,2.5e-3,true,false,null],"b":{"c":"\\u00e9\\ud83d\\ude00"}}',
                 '[]', '"x"', '-0.0e+5', '{"a":1,"a":2}', '[[[[[[[[]]]]]]]]',
                 '{"k": "\\u0000"}', '"\xc3\x28"', '[1,]', '123456789012345678901234567890',
                 ' \t\n{"nested": {"deep": [{"x": -1}]}} ']:
        write_seed("fuzz_json", text.encode("utf-8", "surrogateescape"))

    clear_seeds("fuzz_avro_schema")
    schemas = [json.dumps(s) for _, s, r, _, _ in PAIRS] + \
        [json.dumps(r) for _, _, r, _, _ in PAIRS if r is not None]
    for p in sorted(glob.glob(os.path.join(ROOT, "test", "data", "*.avsc"))):
        with open(p) as f:
            schemas.append(f.read())
    schemas += ['"int"', '["null","string"]', '{"type":"fixed","name":"F","size":0}',
                '{"type":"enum","name":"E","symbols":["A","B"],"default":"C"}',
                '{"type":"record","name":"R","fields":[{"name":"r","type":["null","R"]}]}',
                '{"type":"record","name":"a.R","namespace":"x","fields":[{"name":"f","type":'
                '{"type":"record","name":"S","fields":[{"name":"g","type":"a.R"}]}}]}']
    for s in set(schemas):
        write_seed("fuzz_avro_schema", s.encode())
    # a schema, NUL, a datum of it
    for name, w, r, shapes, datums in PAIRS:
        if shapes == "json":
            write_seed("fuzz_avro_schema", json.dumps(w).encode() + b"\0" + encode(w, datums[0]))

    clear_seeds("fuzz_debezium")
    with open(os.path.join(ROOT, "test", "data", "debezium.avsc")) as f:
        avro_envelope = json.dumps(json.load(f)).encode()
    # the Avro envelope's `after` as the decoder renders it (bytes as \\x hex)
    for after in [{"id": 1, "name": "ada", "birth": 19000, "lunch": 45000000, "wake": 25200123456,
                   "tick": 3723000000999, "created": 1767225600123,
                   "updated": 1767225600123456, "stamped": 1767225600123456789,
                   "seen": "2026-01-01T12:00:00.5Z", "balance": "\\x04d2",
                   "ratio": {"scale": 3, "value": "\\x3039"}},
                  {"id": 2, "birth": -719528, "lunch": 86400000, "wake": 0, "tick": 0,
                   "created": -62135596800000, "updated": -1, "stamped": -1,
                   "balance": "\\xff", "ratio": {"scale": 0, "value": "\\x80"}}]:
        write_seed("fuzz_debezium", avro_envelope + b"\0" +
                   json.dumps({"before": None, "after": after, "op": "c"}).encode())
    # Connect's JSON converter: the embedded schema, NUL, the payload
    with open(os.path.join(ROOT, "test", "data", "debezium-json.jsonl")) as f:
        for line in f:
            v = json.loads(line)["value"]
            if isinstance(v, dict) and "schema" in v:
                write_seed("fuzz_debezium", json.dumps(v["schema"]).encode() + b"\0" +
                           json.dumps(v["payload"]).encode())
    for value in ['19000', '-1', '0', '9223372036854775807', '-9223372036854775808', '1.5',
                  '"\\\\x00ff"', '"AQID"', '"+y4="', '"QQ==QUJD"', '""', '"\\\\x"',
                  '{"scale":2,"value":"AQ=="}', '{"scale":4294967298,"value":"AQ=="}',
                  '{"scale":-1,"value":"AQ=="}', '[86400000000, 86400001, 1767225600123456789]']:
        write_seed("fuzz_debezium", value.encode())
    print("pairs and seeds written under", os.path.relpath(HERE, ROOT))


if __name__ == "__main__":
    main()
