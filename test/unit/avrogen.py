"""What the Python generators of test data share (test/unit/gen_vectors.py,
test/unit/gen_encode_vectors.py, test/fuzz/gen_corpus.py): Avro schemas
written as Python data, and fastavro's encoding of a datum.
Needs fastavro (scripts/setup installs it in .deps/venv).
"""

import copy
import io

from fastavro import parse_schema, schemaless_writer


def rec(name, fields, **extra):
    """A record schema."""
    return dict({"type": "record", "name": name, "fields": fields}, **extra)


def F(name, type_, **extra):
    """A record's field."""
    return dict({"name": name, "type": type_}, **extra)


def lt(base, name, **extra):
    """A logical type on base."""
    return dict({"type": base, "logicalType": name}, **extra)


def encode(schema, datum):
    """fastavro's binary encoding of datum, without a container."""
    buf = io.BytesIO()
    schemaless_writer(buf, parse_schema(copy.deepcopy(schema)), datum)
    return buf.getvalue()


# the temporal logical types, a field each: name, underlying type, logical type
TEMPORAL = [("day", "int", "date"), ("tms", "int", "time-millis"), ("tus", "long", "time-micros"),
            ("tsms", "long", "timestamp-millis"), ("tsus", "long", "timestamp-micros"),
            ("ltsms", "long", "local-timestamp-millis"),
            ("ltsus", "long", "local-timestamp-micros")]


def logical_fields():
    """A field of each temporal logical type, then decimals in bytes (10,2)
    and in fixed (18,4): fresh dicts on each call."""
    return ([F(name, lt(base, logical)) for name, base, logical in TEMPORAL] +
            [F("dec", lt("bytes", "decimal", precision=10, scale=2)),
             F("decfx", {"type": "fixed", "name": "D8", "size": 8, "logicalType": "decimal",
                         "precision": 18, "scale": 4})])
