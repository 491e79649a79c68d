#!/usr/bin/env python3
"""Generate test/data/avro-vectors.json, the test vectors of
src/avro_decode.c (run by test/unit/test_decode.c).

The binary data comes from someone else's encoder: fastavro writes every
valid datum, and fastavro's reader (with schema resolution) decodes it
again; the expected JSON rendering is computed here from fastavro's
decoded value, following design.md (each value as to_jsonb() shows it after
mapping it to its PostgreSQL type).  The C decoder shares no code with
this, so a vector passes only if two implementations agree.

Corrupt inputs are written by hand (huge lengths and counts, bad union
indexes, overlong varints, invalid UTF-8, depth bombs) and, where fastavro
checks the same thing, checked to fail in fastavro too.

Usage: gen_vectors.py [OUTPUT]   (default test/data/avro-vectors.json)
Needs fastavro (scripts/setup installs it in .deps/venv).
"""

import copy
import datetime
import decimal
import io
import json
import math
import os
import struct
import sys
import uuid
from fractions import Fraction

import fastavro
from fastavro import parse_schema, schemaless_reader

from avrogen import F, encode, logical_fields, rec  # test/unit/avrogen.py

# decimals of any length, exactly
decimal.getcontext().prec = 5000
decimal.getcontext().Emax = 999999
decimal.getcontext().Emin = -999999

# ---------------------------------------------------------------------------
# Encoding helpers
# ---------------------------------------------------------------------------


def zz(n):
    """Avro long: zigzag varint bytes."""
    u = (n << 1) ^ (n >> 63)
    u &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = u & 0x7F
        u >>= 7
        if u:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def astr(s):
    b = s.encode() if isinstance(s, str) else s
    return zz(len(b)) + b


def strip_logical(schema):
    """The schema without logical types (to read raw values)."""
    if isinstance(schema, list):
        return [strip_logical(s) for s in schema]
    if isinstance(schema, dict):
        return {k: strip_logical(v) for k, v in schema.items()
                if k not in ("logicalType", "precision", "scale")}
    return schema


def decode(data, writer, reader):
    buf = io.BytesIO(data)
    value = schemaless_reader(buf, parse_schema(copy.deepcopy(writer)),
                              parse_schema(copy.deepcopy(reader)) if reader is not None else None)
    if buf.tell() != len(data):
        raise ValueError("fastavro left %d bytes" % (len(data) - buf.tell()))
    return value


# ---------------------------------------------------------------------------
# The expected rendering (design.md, "Message encoding")
# ---------------------------------------------------------------------------

class Named:
    """Named types of a schema, by full and short name."""

    def __init__(self):
        self.types = {}

    def collect(self, s, ns=""):
        if isinstance(s, list):
            for b in s:
                self.collect(b, ns)
        elif isinstance(s, dict):
            t = s.get("type")
            if t in ("record", "enum", "fixed", "error"):
                name = s["name"]
                if "." in name:
                    full = name
                    ns2 = name.rsplit(".", 1)[0]
                else:
                    ns2 = s.get("namespace", ns) or ""
                    full = ns2 + "." + name if ns2 else name
                self.types[full] = s
                self.types.setdefault(name.rsplit(".", 1)[-1], s)
                for f in s.get("fields", []):
                    self.collect(f["type"], ns2)
            elif t == "array":
                self.collect(s["items"], ns)
            elif t == "map":
                self.collect(s["values"], ns)
            elif isinstance(t, (dict, list)):
                self.collect(t, ns)

    def resolve(self, s):
        while isinstance(s, str) and s not in PRIMS:
            s = self.types.get(s) or self.types[s.rsplit(".", 1)[-1]]
        if isinstance(s, dict) and isinstance(s.get("type"), str) and \
                s["type"] not in PRIMS + ["record", "enum", "fixed", "array", "map", "error"]:
            return self.resolve(s["type"])
        return s


PRIMS = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]


def kind(s):
    if isinstance(s, list):
        return "union"
    if isinstance(s, str):
        return s
    return s["type"] if isinstance(s["type"], str) else kind(s["type"])


def logical(s):
    return s.get("logicalType") if isinstance(s, dict) else None


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def f32_next(x, up):
    """The next float after float x, up or down (x finite)."""
    if x == 0:
        tiny = struct.unpack("<f", struct.pack("<I", 1))[0]
        return tiny if up else -tiny
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    bits += 1 if (x > 0) == up else -1
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def shortest(x, single):
    """The shortest decimal strictly inside the rounding interval of x
    (float or double), the closest to x among those: what PostgreSQL's
    float4out/float8out (Ryu) print.  Exact, by brute force."""
    fx = Fraction(x)
    if single:
        lo, hi = f32_next(x, False), f32_next(x, True)
    else:
        lo, hi = math.nextafter(x, -math.inf), math.nextafter(x, math.inf)
    # beyond the largest finite value, the interval is as wide as below it
    flo = Fraction(lo) if not math.isinf(lo) else 2 * fx - Fraction(hi)
    fhi = Fraction(hi) if not math.isinf(hi) else 2 * fx - flo
    m1, m2 = (fx + flo) / 2, (fx + fhi) / 2
    for p in range(1, 18):
        s = "%.*e" % (p - 1, x)
        mant, exp = s.split("e")
        neg = mant.startswith("-")
        digits = int(mant.lstrip("-").replace(".", ""))
        cands = []
        for delta in (0, -1, 1):
            n = digits + delta
            if len(str(n)) != p:
                continue
            c = Fraction(n) * Fraction(10) ** (int(exp) - (p - 1))
            if neg:
                c = -c
            if m1 < c < m2:
                cands.append((abs(c - fx), c))
        if cands:
            return min(cands)[1]
    raise AssertionError("no shortest decimal for %r" % x)


def plain(frac):
    """An exact decimal fraction as numeric_out prints it (positional)."""
    if frac == 0:
        return "0"
    d = decimal.Decimal(frac.numerator) / decimal.Decimal(frac.denominator)
    return format(d.normalize(), "f")


def render_real(x, single):
    """A float or double as to_jsonb() shows it: float4out/float8out's
    shortest decimal made a numeric; NaN and infinities as strings."""
    if math.isnan(x):
        return '"NaN"'
    if math.isinf(x):
        return '"Infinity"' if x > 0 else '"-Infinity"'
    if single:
        x = f32(x)
    return plain(shortest(x, single))


UNIX_EPOCH = datetime.date(1970, 1, 1)


def civil(days):
    """Proleptic Gregorian (year, month, day) of days since 1970-01-01, any
    year: the calendar repeats every 400 years (146097 days), so shift into
    Python's range and back."""
    shift = 0
    while days + UNIX_EPOCH.toordinal() < 1:
        days += 146097
        shift -= 400
    while days + UNIX_EPOCH.toordinal() > datetime.date(9999, 12, 31).toordinal():
        days -= 146097
        shift += 400
    d = datetime.date.fromordinal(days + UNIX_EPOCH.toordinal())
    return d.year + shift, d.month, d.day


def date_text(days):
    y, m, d = civil(days)
    if y <= 0:
        return "%04d-%02d-%02d BC" % (1 - y, m, d)
    return "%04d-%02d-%02d" % (y, m, d)


def time_text(us):
    s, frac = divmod(us, 1000000)
    text = "%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
    if frac:
        text += ("." + "%06d" % frac).rstrip("0")
    return text


def ts_text(us, zone):
    days, rem = divmod(us, 86400 * 1000000)
    y, m, d = civil(days)
    bc = y <= 0
    text = "%04d-%02d-%02dT%s" % (1 - y if bc else y, m, d, time_text(rem))
    if zone:
        text += "+00:00"
    if bc:
        text += " BC"
    return text


EPOCH_DT = datetime.datetime(1970, 1, 1)


def dt_micros(v):
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        delta = v - EPOCH_DT
        return (delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds
    raise TypeError(v)


def jstr(s):
    return json.dumps(s, ensure_ascii=False)


def fits(named, s, v):
    """Whether Python value v (from fastavro) is a value of schema s."""
    s = named.resolve(s)
    k = kind(s)
    lt = logical(s)
    if k == "null":
        return v is None
    if k == "boolean":
        return isinstance(v, bool)
    if k in ("int", "long"):
        if lt == "date":
            return isinstance(v, datetime.date) and not isinstance(v, datetime.datetime)
        if lt in ("time-millis", "time-micros"):
            return isinstance(v, datetime.time)
        if lt and "timestamp" in lt:
            return isinstance(v, datetime.datetime)
        return isinstance(v, int) and not isinstance(v, bool)
    if k in ("float", "double"):
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if k == "string":
        return isinstance(v, (str, uuid.UUID))
    if k == "bytes":
        return isinstance(v, (bytes, decimal.Decimal))
    if k == "fixed":
        return (isinstance(v, bytes) and len(v) == s["size"]) or isinstance(v, decimal.Decimal)
    if k == "enum":
        return isinstance(v, str) and v in s["symbols"]
    if k == "array":
        return isinstance(v, list)
    if k == "map":
        return isinstance(v, dict)
    if k in ("record", "error"):
        names = [f["name"] for f in s["fields"]]
        return isinstance(v, dict) and all(key in names for key in v) and \
            all(f["name"] in v or "default" in f for f in s["fields"])
    return False


def unscaled_decimal(s, v):
    """A decimal value (Decimal, or raw bytes from a default) as Decimal."""
    if isinstance(v, str):
        v = v.encode("latin-1")
    if isinstance(v, bytes):
        return decimal.Decimal(int.from_bytes(v, "big", signed=True)).scaleb(-s.get("scale", 0))
    return v


def render(named, s, v):
    """The JSON text of value v of reader schema s."""
    s = named.resolve(s)
    k = kind(s)
    lt = logical(s)
    if k == "union":
        for b in s:
            if fits(named, b, v):
                return render(named, b, v)
        raise ValueError("no branch of %r fits %r" % (s, v))
    if v is None:
        return "null"
    if k == "boolean":
        return "true" if v else "false"
    if k in ("int", "long"):
        if lt == "date":
            return jstr(date_text(v if isinstance(v, int) else (v - UNIX_EPOCH).days))
        if lt == "time-millis":
            return jstr(time_text(v * 1000 if isinstance(v, int) else
                                  ((v.hour * 60 + v.minute) * 60 + v.second) * 1000000 + v.microsecond))
        if lt == "time-micros":
            return jstr(time_text(v if isinstance(v, int) else
                                  ((v.hour * 60 + v.minute) * 60 + v.second) * 1000000 + v.microsecond))
        if lt in ("timestamp-millis", "timestamp-micros",
                  "local-timestamp-millis", "local-timestamp-micros"):
            if isinstance(v, int):
                us = v * 1000 if lt.endswith("millis") else v
            else:
                us = dt_micros(v)
            return jstr(ts_text(us, not lt.startswith("local")))
        return str(int(v))
    if k == "float":
        return render_real(float(v), True)
    if k == "double":
        return render_real(float(v), False)
    if k == "string":
        if lt == "uuid":
            return jstr(str(uuid.UUID(str(v))))
        return jstr(v)
    if k in ("bytes", "fixed"):
        if lt == "decimal":
            return format(unscaled_decimal(s, v), "f")
        if isinstance(v, str):
            v = v.encode("latin-1")  # a JSON default
        return jstr("\\x" + v.hex())
    if k == "enum":
        return jstr(v)
    if k == "array":
        return "[" + ",".join(render(named, s["items"], x) for x in v) + "]"
    if k == "map":
        return "{" + ",".join(jstr(key) + ":" + render(named, s["values"], x)
                              for key, x in v.items()) + "}"
    if k in ("record", "error"):
        parts = []
        for f in s["fields"]:
            if f["name"] in v:
                x = v[f["name"]]
            else:
                x = f["default"]
            parts.append(jstr(f["name"]) + ":" + render(named, f["type"], x))
        return "{" + ",".join(parts) + "}"
    raise ValueError("cannot render %r as %r" % (v, s))


def raw(named, s, v):
    """What a MESH_SHAPE_SCALAR or _ARRAY slot holds, as tagged JSON: null,
    true/false, integers, strings, {"f": real}, {"x": hex bytes},
    {"e": symbol, "i": index}, arrays.  v is decoded without logical
    types."""
    s = named.resolve(s)
    k = kind(s)
    if k == "union":
        for b in s:
            if fits(named, strip_logical(named.resolve(b)), v):
                return raw(named, b, v)
        raise ValueError("no branch fits")
    if v is None:
        return None
    if k == "boolean":
        return bool(v)
    if k in ("int", "long"):
        return int(v)
    if k in ("float", "double"):
        x = f32(float(v)) if k == "float" else float(v)
        if math.isnan(x):
            return {"f": "NaN"}
        if math.isinf(x):
            return {"f": "Infinity" if x > 0 else "-Infinity"}
        return {"f": repr(x)}
    if k == "string":
        return v if isinstance(v, str) else v.decode()
    if k in ("bytes", "fixed"):
        if isinstance(v, str):
            v = v.encode("latin-1")
        return {"x": v.hex()}
    if k == "enum":
        return {"e": v, "i": s["symbols"].index(v)}
    if k == "array":
        return [raw(named, s["items"], x) for x in v]
    raise ValueError("not a scalar: %r" % (s,))


def scalar_type(named, s):
    """The shape test_decode.c gives a slot of this type: "scalar",
    "array" or "json"."""
    s = named.resolve(s)
    k = kind(s)
    if k == "union":
        shapes = set()
        for b in s:
            bk = kind(named.resolve(b))
            if bk == "null":
                continue
            shapes.add(scalar_type(named, b))
        if shapes == {"scalar"} or not shapes:
            return "scalar"
        if shapes == {"array"}:
            return "array"
        return "json"
    if k in ("record", "map", "error"):
        return "json"
    if k == "array":
        return "array" if scalar_type(named, s["items"]) == "scalar" else "json"
    return "scalar"


# ---------------------------------------------------------------------------
# The vectors
# ---------------------------------------------------------------------------

vectors = []


def add_valid(name, writer, datum, reader=None, truncate=False, data=None,
              expect_json=None, expect_raw=None, check_fastavro=True):
    """A datum that must decode: expected values from fastavro's reading of
    fastavro's encoding (or of the given bytes)."""
    if data is None:
        data = encode(writer, datum)
    r = reader if reader is not None else writer
    named = Named()
    named.collect(r)
    rr = named.resolve(r)
    if expect_json is None:
        value = decode(data, writer, reader)
        expect_json = {f["name"]: render(named, f["type"], value[f["name"]])
                       for f in rr["fields"]}
    elif check_fastavro:
        decode(data, writer, reader)    # must at least decode
    if expect_raw is None:
        try:
            rawvalue = decode(data, strip_logical(writer),
                              strip_logical(reader) if reader is not None else None)
            rnamed = Named()
            rnamed.collect(strip_logical(r))
            rrr = rnamed.resolve(strip_logical(r))
            expect_raw = {}
            for f in rrr["fields"]:
                if scalar_type(rnamed, f["type"]) != "json":
                    expect_raw[f["name"]] = raw(rnamed, f["type"], rawvalue[f["name"]])
        except Exception:
            if check_fastavro:
                raise
            expect_raw = {}
    v = {"name": name, "writer": writer, "hex": data.hex(),
         "expect": {"json": expect_json, "raw": expect_raw}}
    if reader is not None:
        v["reader"] = reader
    if truncate:
        v["truncate"] = True
    vectors.append(v)


def add_error(name, writer, data, reader=None, error="decode", contains=None,
              skip_ok=False, fastavro_fails=None, scalar_ok=False):
    """Bytes (or a schema pair) that must not decode.  error: "decode" or
    "compile"; skip_ok: the bytes are valid Avro, only resolution fails, so
    a target that needs no slot decodes them; scalar_ok: only the JSON
    rendering fails (a decimal's digits are checked where it is rendered)."""
    if fastavro_fails:
        try:
            decode(data, writer, reader)
        except Exception:
            pass
        else:
            raise AssertionError("fastavro accepts " + name)
    v = {"name": name, "writer": writer, "hex": data.hex(), "error": error}
    if reader is not None:
        v["reader"] = reader
    if contains:
        v["contains"] = contains
    if skip_ok:
        v["skip_ok"] = True
    if scalar_ok:
        v["scalar_ok"] = True
    vectors.append(v)


# --- primitives --------------------------------------------------------------

PRIM = rec("Prim", [
    F("b", "boolean"), F("i", "int"), F("l", "long"), F("f", "float"),
    F("d", "double"), F("by", "bytes"), F("s", "string"), F("n", "null"),
])


def prim(b=False, i=0, l=0, f=0.0, d=0.0, by=b"", s=""):
    return {"b": b, "i": i, "l": l, "f": f, "d": d, "by": by, "s": s, "n": None}


add_valid("prim_zero", PRIM, prim(), truncate=True)
add_valid("prim_max", PRIM, prim(True, 2**31 - 1, 2**63 - 1, 3.4028234663852886e38,
                                 1.7976931348623157e308, b"\x00\xff\x10", "h\u00e9llo \u2603"),
          truncate=True)
add_valid("prim_min", PRIM, prim(False, -2**31, -2**63, -1.401298464324817e-45,
                                 5e-324, b"\xff" * 3, "\U0001F600 4-byte"))
add_valid("prim_escapes", PRIM, prim(s="quote\" back\\slash /\x01\x1f\n\t\r\b\f\x7f end"))
for k, (fv, dv) in enumerate([
        (0.1, 0.1), (1.5, 1e300), (-0.0, -0.0), (1e20, 1e21), (1.5e-10, -1.25e-7),
        (123456789.0, 123.456), (16777216.0, 2.0 ** 53 + 2), (1e-7, 1e15),
        (0.3, 1e16), (3.14159274, 2.2250738585072014e-308), (65504.0, 4.35),
        (1.17549435e-38, 0.1 + 0.2), (2.0 ** -126, 9007199254740993.0),
        (7.0e22, 5e-324 * 3), (1e10, 1e23), (8.589973e9, 2.0 ** 1023),
        (0.000123, 1 / 3.0), (2.0 ** 24 + 2, 1e22)]):
    add_valid("prim_reals_%d" % k, PRIM, prim(f=fv, d=dv))
add_valid("prim_nan", PRIM, prim(f=float("nan"), d=float("nan")))
add_valid("prim_inf", PRIM, prim(f=float("inf"), d=float("-inf")))
add_valid("prim_ninf", PRIM, prim(f=float("-inf"), d=float("inf")))
add_valid("prim_ints", PRIM, prim(i=-1, l=64, s="a"))
add_valid("prim_ints2", PRIM, prim(i=63, l=-65, s="x" * 200, by=bytes(range(256))))

# --- logical types ------------------------------------------------------------

LOG = rec("Log", logical_fields() + [
    F("dec0", {"type": "bytes", "logicalType": "decimal", "precision": 38, "scale": 0}),
    F("id", {"type": "string", "logicalType": "uuid"}),
])
UTC = datetime.timezone.utc


def logv(day, tms, tus, tsms, tsus, ltsms, ltsus, dec, decfx, dec0, id_):
    return {"day": day, "tms": tms, "tus": tus, "tsms": tsms, "tsus": tsus,
            "ltsms": ltsms, "ltsus": ltsus, "dec": dec, "decfx": decfx,
            "dec0": dec0, "id": id_}


D = decimal.Decimal
add_valid("logical_epoch", LOG, logv(
    datetime.date(1970, 1, 1), datetime.time(0, 0), datetime.time(0, 0, 0, 1),
    datetime.datetime(1970, 1, 1, tzinfo=UTC), datetime.datetime(1970, 1, 1, tzinfo=UTC),
    datetime.datetime(1970, 1, 1), datetime.datetime(1970, 1, 1, 0, 0, 0, 1),
    D("0.00"), D("0.0000"), D("0"), uuid.UUID(int=0)), truncate=True)
add_valid("logical_typical", LOG, logv(
    datetime.date(2024, 2, 29), datetime.time(12, 34, 56, 789000),
    datetime.time(23, 59, 59, 999999),
    datetime.datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=UTC),
    datetime.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC),
    datetime.datetime(1969, 12, 31, 23, 59, 59, 999000),
    datetime.datetime(2000, 1, 1, 0, 0, 0, 500000),
    D("-12345.67"), D("-99999999999999.9999"), D("12345678901234567890123456789012345678"),
    uuid.UUID("123e4567-e89b-12d3-a456-426614174000")), truncate=True)
add_valid("logical_edges", LOG, logv(
    datetime.date(1, 1, 1), datetime.time(23, 59, 59, 999000), datetime.time(0, 0),
    datetime.datetime(1, 1, 1, tzinfo=UTC), datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime.datetime(1969, 12, 31, 23, 59, 59, 999000), datetime.datetime(1960, 6, 15, 17, 30, 0, 1),
    D("-0.05"), D("0.0001"), D("-99999999999999999999999999999999999999"),
    uuid.UUID("ffffffff-ffff-ffff-ffff-ffffffffffff")))
add_valid("logical_dec_small", LOG, logv(
    datetime.date(9999, 12, 31), datetime.time(0, 0, 0, 1000), datetime.time(12, 0),
    datetime.datetime(2262, 4, 11, 23, 47, 16, 854000, tzinfo=UTC),
    datetime.datetime(1677, 9, 21, 0, 12, 43, 145225, tzinfo=UTC),
    datetime.datetime(2038, 1, 19, 3, 14, 8), datetime.datetime(1900, 2, 28, 23, 59, 59),
    D("99999999.99"), D("-0.0001"), D("-1"), uuid.UUID("00000000-0000-0000-0000-000000000001")))

# the same bytes written through a schema without logical types: values
# beyond Python's calendar, and strings that are not canonical uuids
LOGRAW = strip_logical(LOG)


def lograw(day=0, tms=0, tus=0, tsms=0, tsus=0, ltsms=0, ltsus=0, dec=b"\x00",
           decfx=b"\x00" * 8, dec0=b"\x00", id_="00000000-0000-0000-0000-000000000000"):
    return encode(LOGRAW, {"day": day, "tms": tms, "tus": tus, "tsms": tsms,
                           "tsus": tsus, "ltsms": ltsms, "ltsus": ltsus, "dec": dec,
                           "decfx": decfx, "dec0": dec0, "id": id_})


def lograw_expect(day=0, tms=0, tus=0, tsms=0, tsus=0, ltsms=0, ltsus=0, dec=b"\x00",
                  decfx=b"\x00" * 8, dec0=b"\x00", id_="00000000-0000-0000-0000-000000000000"):
    named = Named()
    named.collect(LOG)
    return {
        "day": jstr(date_text(day)), "tms": jstr(time_text(tms * 1000)),
        "tus": jstr(time_text(tus)), "tsms": jstr(ts_text(tsms * 1000, True)),
        "tsus": jstr(ts_text(tsus, True)), "ltsms": jstr(ts_text(ltsms * 1000, False)),
        "ltsus": jstr(ts_text(ltsus, False)),
        "dec": render(named, LOG["fields"][7]["type"], dec),
        "decfx": render(named, LOG["fields"][8]["type"], decfx),
        "dec0": render(named, LOG["fields"][9]["type"], dec0),
        "id": jstr(str(uuid.UUID(id_))),
    }


MIN_DAY = -2440588                  # 4714-11-24 BC, Julian day 0
END_DAY = 2147483494 - 2440588      # 5874898-01-01
MIN_US = MIN_DAY * 86400 * 1000000
I64MAX = 2**63 - 1
for name, kw in [
        ("logical_bc", dict(day=MIN_DAY, tsus=MIN_US, ltsms=MIN_US // 1000, tsms=-62135596800000 - 1)),
        ("logical_far", dict(day=END_DAY - 1, tsus=I64MAX, tsms=I64MAX // 1000,
                             ltsus=I64MAX, tms=86400000, tus=86400000000)),
        ("logical_year0", dict(day=-719528, tsms=-62167219200000, ltsus=-62162035200000000 + 1)),
        ("logical_bc_leap", dict(day=-719528 + 59, tsus=-62135596800000000 - 86400000000 * 366)),
        ("logical_uuid_forms", dict(id_="{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}")),
        ("logical_uuid_forms2", dict(id_="a0eebc999c0b4ef8bb6d6bb9bd380a11")),
        ("logical_uuid_forms3", dict(id_="a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11")),
        ("logical_dec_ext", dict(dec=b"\xff\xff\xff\x85", decfx=b"\x00\x00\x00\x00\x00\x00\x00\x01",
                                 dec0=b"\x00\x00\x00\x7f")),
        ("logical_dec_ff", dict(dec=b"\xff", decfx=b"\xff" * 8, dec0=b"\x80")),
        ("logical_dec_min", dict(dec=b"\xfd\xab\xf4\x1c\x01", decfx=(-(10**18 - 1)).to_bytes(8, "big", signed=True),
                                 dec0=b"\x4b\x3b\x4c\xa8\x5a\x86\xc4\x7a\x09\x8a\x22\x3f\xff\xff\xff\xff")),
]:
    add_valid(name, LOG, None, data=lograw(**kw), expect_json=lograw_expect(**kw),
              check_fastavro=False)

for name, kw, contains in [
        ("bad_date_low", dict(day=MIN_DAY - 1), "date"),
        ("bad_date_high", dict(day=END_DAY), "date"),
        ("bad_ts_low", dict(tsus=MIN_US - 1), "timestamp"),
        ("bad_tsms_low", dict(tsms=MIN_US // 1000 - 1), "timestamp"),
        ("bad_tsms_high", dict(tsms=I64MAX // 1000 + 1), "timestamp"),
        ("bad_ltsms_high", dict(ltsms=-I64MAX // 1000 - 1), "timestamp"),
        ("bad_time_neg", dict(tms=-1), "time-millis"),
        ("bad_time_high", dict(tms=86400001), "time-millis"),
        ("bad_timeus_high", dict(tus=86400000001), "time-micros"),
        ("bad_uuid", dict(id_="not-a-uuid"), "uuid"),
        ("bad_uuid2", dict(id_="a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"), "uuid"),
        ("bad_uuid3", dict(id_="a0eebc999c0b4ef8bb6d6bb9bd380a11-"), "uuid"),
        ("bad_dec_precision", dict(dec=(10**10).to_bytes(8, "big")), "precision"),
        ("bad_dec_huge", dict(dec0=b"\x01" + b"\x00" * 500), "digits"),
        ("bad_dec_empty", dict(dec=b""), "no bytes"),
]:
    add_error(name, LOG, lograw(**kw), error="decode", contains=contains, skip_ok=True,
              scalar_ok=name.startswith("bad_dec"))

# duration: fixed(12), which maps to bytea
DUR = rec("DurRec", [F("d", {"type": "fixed", "name": "Dur", "size": 12, "logicalType": "duration"}),
                  F("od", ["null", "Dur"])])
add_valid("logical_duration", DUR, {"d": bytes(range(1, 13)), "od": b"\xff" * 12}, truncate=True)

# --- complex types ------------------------------------------------------------

COLOR = {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}
ADDR = rec("Address", [F("street", "string"), F("zip", "int")], namespace="geo")
NESTED = rec("Nested", [
    F("id", "int"),
    F("addr", ADDR),
    F("tags", {"type": "array", "items": "string"}),
    F("scores", {"type": "map", "values": "double"}),
    F("opt", ["null", "string"]),
    F("choice", ["null", "long", "string", "geo.Address", "Color"] if False else
      ["null", "long", "string", "geo.Address"]),
    F("color", COLOR),
    F("fx", {"type": "fixed", "name": "Four", "size": 4}),
    F("fx0", {"type": "fixed", "name": "Zero", "size": 0}),
    F("grid", {"type": "array", "items": {"type": "array", "items": "int"}}),
    F("people", {"type": "array", "items": "geo.Address"}),
    F("mm", {"type": "map", "values": {"type": "map", "values": ["null", "boolean"]}}),
    F("colors", {"type": "array", "items": "Color"}),
    F("opt_arr", ["null", {"type": "array", "items": "long"}]),
    F("opt_ints", {"type": "array", "items": ["null", "int"]}),
])


def nested(**kw):
    d = {"id": 1, "addr": {"street": "Main", "zip": 12345}, "tags": ["a", "b"],
         "scores": {"x": 1.5, "y": -2.0}, "opt": None, "choice": None, "color": "GREEN",
         "fx": b"abcd", "fx0": b"", "grid": [[1, 2], [], [3]],
         "people": [{"street": "S", "zip": 1}], "mm": {"a": {"t": True, "n": None}, "e": {}},
         "colors": ["RED", "BLUE"], "opt_arr": [1, 2], "opt_ints": [1, None, 3]}
    d.update(kw)
    return d


add_valid("nested_1", NESTED, nested(), truncate=True)
add_valid("nested_2", NESTED, nested(opt="here", choice=42, tags=[], scores={},
                                     grid=[], people=[], mm={}, colors=[], opt_arr=None,
                                     opt_ints=[]))
add_valid("nested_3", NESTED, nested(choice="str", opt="\u00e9\u00e8", color="BLUE",
                                     scores={"k\u00e9y": 0.5, "q\"uote": 1.0, "": 2.0}))
add_valid("nested_4", NESTED, nested(choice={"street": "X", "zip": -1}, color="RED",
                                     fx=b"\x00\x01\xfe\xff"))

ARRS = rec("Arrs", [F(name, {"type": "array", "items": items}) for name, items in [
    ("ab", "boolean"), ("ai", "int"), ("al", "long"), ("af", "float"), ("ad", "double"),
    ("as", "string"), ("ae", COLOR), ("an", "null"), ("aby", "bytes")]])
add_valid("arrays_1", ARRS, {"ab": [True, False], "ai": [1, -1, 2**31 - 1], "al": [2**40],
                             "af": [1.5, float("nan")], "ad": [0.1, -1e-300],
                             "as": ["x", "", "\u2603"], "ae": ["BLUE", "RED"], "an": [None, None],
                             "aby": [b"\x01", b""]}, truncate=True)
add_valid("arrays_empty", ARRS, {"ab": [], "ai": [], "al": [], "af": [], "ad": [], "as": [],
                                 "ae": [], "an": [], "aby": []})
add_valid("arrays_many_nulls", ARRS, {"ab": [], "ai": list(range(300)), "al": [], "af": [],
                                      "ad": [], "as": [], "ae": [], "an": [None] * 1000, "aby": []})

# blocks as other writers write them: several, negative counts with sizes
ARRI = rec("ArrI", [F("a", {"type": "array", "items": "int"}),
                    F("m", {"type": "map", "values": "string"})])
blocks = (zz(2) + zz(1) + zz(2) + zz(-1) + zz(1) + zz(3) + zz(0) +
          zz(-2) + zz(8) + astr("k") + astr("v") + astr("j") + astr("w") +
          zz(1) + astr("l") + astr("x") + zz(0))
add_valid("blocks", ARRI, None, data=blocks, truncate=True)
# a repeated map key: the last value wins, as in jsonb
add_valid("map_dup_keys", ARRI, None,
          data=zz(0) + zz(3) + astr("a") + astr("1") + astr("b") + astr("2") + astr("a") + astr("3") + zz(0),
          expect_json={"a": "[]", "m": '{"b":"2","a":"3"}'}, expect_raw={"a": []})
many = zz(0) + zz(40) + b"".join(astr("k%d" % (i % 13)) + astr(str(i)) for i in range(40)) + zz(0)
add_valid("map_dup_many", ARRI, None, data=many,
          expect_json={"a": "[]", "m": "{" + ",".join(
              '"k%d":"%d"' % (i % 13, i) for i in range(40) if i + 13 >= 40) + "}"},
          expect_raw={"a": []})

# --- recursion ------------------------------------------------------------------

LIST = rec("Node", [F("value", "int"), F("next", ["null", "Node"])])


def chain(n):
    d = None
    for i in range(n, 0, -1):
        d = {"value": i, "next": d}
    return d


add_valid("recursive_1", LIST, chain(1))
add_valid("recursive_5", LIST, chain(5), truncate=True)
add_valid("recursive_63", LIST, chain(63))
add_error("recursive_depth_bomb", LIST, encode(LIST, chain(65)), contains="nesting")
# by hand: fastavro's own recursion overflows its stack on this one
add_error("recursive_depth_bomb_big", LIST,
          (zz(1) + zz(1)) * 10000 + zz(1) + zz(0), contains="nesting")
TREE = rec("Tree", [F("v", "int"), F("kids", {"type": "array", "items": "Tree"})])
add_valid("tree", TREE, {"v": 1, "kids": [{"v": 2, "kids": []},
                                          {"v": 3, "kids": [{"v": 4, "kids": []}]}]})
# arrays count as nesting too: 32 trees deep is 64 levels
deep = {"v": 0, "kids": []}
for i in range(40):
    deep = {"v": i, "kids": [deep]}
add_error("tree_depth_bomb", TREE, encode(TREE, deep), contains="nesting")

# --- resolution -------------------------------------------------------------------

W1 = rec("Evo", [F("id", "long"), F("name", "string"), F("gone", "string"),
                 F("gone_rec", ADDR), F("gone_arr", {"type": "array", "items": {"type": "map", "values": "int"}}),
                 F("amount", "int")])
R1 = rec("Evo", [
    F("id", "long"), F("amount", "double"),
    F("added", "int", default=42),
    F("added_s", "string", default="x\u00e9"),
    F("added_rec", rec("Pt", [F("x", "double"), F("y", "double", default=-1)]),
      default={"x": 1}),
    F("added_arr", {"type": "array", "items": "int"}, default=[1, 2]),
    F("added_map", {"type": "map", "values": "boolean"}, default={"k": True}),
    F("added_null", ["null", "int"], default=None),
    # no \u0000: src/json.c rejects it, so such schemas cannot be parsed
    F("added_bytes", "bytes", default="\u00ff\u0001A"),
    F("added_ts", {"type": "long", "logicalType": "timestamp-millis"}, default=86400000),
    F("added_enum", {"type": "enum", "name": "AB", "symbols": ["A", "B"]}, default="B"),
    F("added_fixed", {"type": "fixed", "name": "F2", "size": 2}, default="\u0001\u0002"),
    F("added_dec", {"type": "bytes", "logicalType": "decimal", "precision": 5, "scale": 2},
      default="\u0064"),
    F("added_float", "float", default=0.1),
    F("name", "string"),
])
add_valid("evolve_add_remove", W1, {"id": 7, "name": "n", "gone": "g",
                                    "gone_rec": {"street": "s", "zip": 9},
                                    "gone_arr": [{"a": 1}, {}], "amount": 5}, reader=R1, truncate=True)

# promotions, also inside arrays and maps and unions
PW = rec("P", [F("i2l", "int"), F("i2f", "int"), F("i2d", "int"), F("l2f", "long"),
               F("l2d", "long"), F("f2d", "float"), F("s2b", "string"), F("b2s", "bytes"),
               F("ai", {"type": "array", "items": "int"}), F("mi", {"type": "map", "values": "int"}),
               F("ui", ["null", "int"])])
PR = rec("P", [F("i2l", "long"), F("i2f", "float"), F("i2d", "double"), F("l2f", "float"),
               F("l2d", "double"), F("f2d", "double"), F("s2b", "bytes"), F("b2s", "string"),
               F("ai", {"type": "array", "items": "long"}), F("mi", {"type": "map", "values": "double"}),
               F("ui", ["null", "double"])])
add_valid("promote_1", PW, {"i2l": -5, "i2f": 16777217, "i2d": 2**31 - 1, "l2f": 2**62 + 1,
                            "l2d": 2**53 + 1, "f2d": 0.1, "s2b": "\u00e9", "b2s": b"ok",
                            "ai": [1, -2], "mi": {"a": 3}, "ui": 7}, reader=PR)
add_valid("promote_2", PW, {"i2l": 0, "i2f": -1, "i2d": 0, "l2f": -(2**63), "l2d": 2**63 - 1,
                            "f2d": float("inf"), "s2b": "", "b2s": b"",
                            "ai": [], "mi": {}, "ui": None}, reader=PR)
add_error("promote_bad_utf8", PW, encode(PW, {"i2l": 0, "i2f": 0, "i2d": 0, "l2f": 0, "l2d": 0,
                                              "f2d": 0.0, "s2b": "", "b2s": b"\xff",
                                              "ai": [], "mi": {}, "ui": None}),
          reader=PR, contains="UTF-8", skip_ok=True)

# enums
EW = rec("E", [F("e", {"type": "enum", "name": "Suit", "symbols": ["CLUBS", "HEARTS", "SPADES", "JOKER"]})])
ER = rec("E", [F("e", {"type": "enum", "name": "Suit", "symbols": ["SPADES", "HEARTS", "CLUBS", "OTHER"],
                       "default": "OTHER"})])
ER2 = rec("E", [F("e", {"type": "enum", "name": "Suit", "symbols": ["SPADES", "HEARTS", "CLUBS"]})])
add_valid("enum_reorder", EW, {"e": "SPADES"}, reader=ER)
add_valid("enum_default", EW, {"e": "JOKER"}, reader=ER)
add_valid("enum_no_default_ok", EW, {"e": "CLUBS"}, reader=ER2)
add_error("enum_no_default", EW, encode(EW, {"e": "JOKER"}), reader=ER2,
          contains="enum symbol", skip_ok=True, fastavro_fails=True)
add_error("enum_index_range", EW, zz(4), contains="enum index 4 out of range")
add_error("enum_index_neg", EW, zz(-1), contains="enum index -1 out of range")

# unions
UW = rec("U", [F("u", ["null", "int", "string", "double"])])
UR = rec("U", [F("u", ["null", "long", "string"])])
add_valid("union_resolve_int", UW, {"u": 5}, reader=UR)
add_valid("union_resolve_null", UW, {"u": None}, reader=UR)
add_valid("union_resolve_str", UW, {"u": "s"}, reader=UR)
add_error("union_no_branch", UW, encode(UW, {"u": 1.5}), reader=UR,
          contains="matches no type", skip_ok=True, fastavro_fails=True)
add_error("union_index_range", UW, zz(5), contains="union index 5 out of range")
add_error("union_index_neg", UW, zz(-1), contains="union index -1 out of range")
# reader union, writer not: the first branch it matches, promotions included
add_valid("union_reader_only", rec("U", [F("u", "int")]), {"u": 2**24 + 1},
          reader=rec("U", [F("u", ["null", "float", "long"])]))
# the exact match, not the promotion fastavro takes (see union_exact_first)
add_valid("union_reader_only_str", rec("U", [F("u", "string")]), {"u": "s"},
          reader=rec("U", [F("u", ["null", "bytes", "string"])]),
          expect_json={"u": '"s"'}, expect_raw={"u": "s"})
# an exact match comes before a promotion (as in Java; fastavro takes the
# first branch a promotion reaches, here bytes)
add_valid("union_exact_first", rec("U", [F("u", "string"), F("v", ["long", "int"])]),
          {"u": "hi", "v": 5},
          reader=rec("U", [F("u", ["null", "bytes", "string"]), F("v", ["double", "long", "int"])]),
          expect_json={"u": '"hi"', "v": "5"}, expect_raw={"u": "hi", "v": 5},
          check_fastavro=False)
# no reader type: a union is its own reader, branch for branch
add_valid("union_as_is", rec("U", [F("u", ["float", "int", "bytes", "string"])]), None,
          data=zz(1) + zz(16777217), expect_json={"u": "16777217"}, expect_raw={"u": 16777217},
          check_fastavro=False)
add_valid("union_as_is_str", rec("U", [F("u", ["float", "int", "bytes", "string"])]), None,
          data=zz(3) + astr("s"), expect_json={"u": '"s"'}, expect_raw={"u": "s"},
          check_fastavro=False)
# writer union, reader not
add_valid("union_writer_only", rec("U", [F("u", ["null", "int"])]), {"u": 3},
          reader=rec("U", [F("u", "long")]))
add_error("union_writer_only_null", rec("U", [F("u", ["null", "int"])]), encode(
    rec("U", [F("u", ["null", "int"])]), {"u": None}), reader=rec("U", [F("u", "long")]),
    contains="matches no type", skip_ok=True, fastavro_fails=True)
# records in unions, by name
RU_W = rec("RU", [F("r", ["null", rec("A", [F("x", "int")]), rec("B", [F("y", "string")])])])
RU_R = rec("RU", [F("r", ["null", rec("B", [F("y", "string"), F("z", "int", default=0)]),
                          rec("A", [F("x", "long")])])])
add_valid("union_records_a", RU_W, {"r": {"x": 1}}, reader=RU_R)
add_valid("union_records_b", RU_W, {"r": {"y": "b"}}, reader=RU_R)

# aliases: field, record, enum, fixed; names matched unqualified
AW = rec("com.a.Old", [
    F("old_name", "int"),
    F("inner", rec("com.a.InOld", [F("v", "int")])),
    F("en", {"type": "enum", "name": "com.a.EnOld", "symbols": ["X", "Y"]}),
    F("fx", {"type": "fixed", "name": "com.a.FxOld", "size": 2}),
    F("same", rec("com.a.Same", [F("q", "string")])),
])
AR = rec("org.b.New", [
    F("new_name", "long", aliases=["old_name"]),
    F("inner", rec("org.b.InNew", [F("v", "int")], aliases=["com.a.InOld"])),
    F("en", {"type": "enum", "name": "org.b.EnNew", "symbols": ["Y", "X"], "aliases": ["EnOld"]}),
    F("fx", {"type": "fixed", "name": "org.b.FxNew", "size": 2, "aliases": ["com.a.FxOld"]}),
    F("same", rec("org.b.Same", [F("q", "string")])),
], aliases=["com.a.Old"])
add_valid("aliases", AW, {"old_name": 3, "inner": {"v": 4}, "en": "X", "fx": b"\x01\x02",
                          "same": {"q": "q"}}, reader=AR)

# reordered fields (the reader's order is the JSON's), nested too
OW = rec("O", [F("a", "int"), F("b", "string"), F("c", rec("OI", [F("x", "int"), F("y", "int")]))])
OR = rec("O", [F("c", rec("OI", [F("y", "int"), F("z", "int", default=9), F("x", "int")])),
               F("d", "int", default=1), F("b", "string"), F("a", "int")])
add_valid("reorder", OW, {"a": 1, "b": "two", "c": {"x": 3, "y": 4}}, reader=OR, truncate=True)

# decimals: precision may differ, scale may not
DW = rec("Dm", [F("d", {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2})])
DR = rec("Dm", [F("d", {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2})])
DR3 = rec("Dm", [F("d", {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 3})])
add_valid("decimal_wider", DW, {"d": D("12.34")}, reader=DR)
add_error("decimal_scale", DW, encode(DW, {"d": D("12.34")}), reader=DR3, error="compile",
          contains="scale")

# schema-level failures
add_error("compile_missing_default", rec("M", [F("a", "int")]), zz(1),
          reader=rec("M", [F("a", "int"), F("b", "int")]), error="compile", contains="no default")
add_error("compile_type_mismatch", rec("M", [F("a", "string")]), astr("x"),
          reader=rec("M", [F("a", "int")]), error="compile", contains="cannot be read")
add_error("compile_fixed_size", rec("M", [F("a", {"type": "fixed", "name": "X", "size": 2})]), b"ab",
          reader=rec("M", [F("a", {"type": "fixed", "name": "X", "size": 3})]), error="compile")
add_error("compile_record_name", rec("M", [F("a", rec("X", [F("v", "int")]))]), zz(1),
          reader=rec("M", [F("a", rec("Y", [F("v", "int")]))]), error="compile")
add_error("compile_union_none", rec("M", [F("a", ["null", "int"])]), zz(0),
          reader=rec("M", [F("a", "string")]), error="compile")

# --- corrupt data -------------------------------------------------------------------

S = rec("S", [F("s", "string")])
SI = rec("SI", [F("s", "string"), F("i", "int")])
L = rec("L", [F("l", "long")])
I = rec("I", [F("i", "int")])
B = rec("B", [F("b", "boolean")])
AL = rec("AL", [F("a", {"type": "array", "items": "long"})])
AN = rec("AN", [F("a", {"type": "array", "items": "null"})])
AE = rec("AE", [F("a", {"type": "array", "items": rec("Empty", [])})])
ML = rec("ML", [F("m", {"type": "map", "values": "long"})])
MN = rec("MN", [F("m", {"type": "map", "values": "null"})])

add_error("huge_string", S, zz(1000000) + b"abc", contains="string length 1000000 exceeds the 3 bytes left",
          fastavro_fails=True)
add_error("huge_string_2", SI, zz(2**62) + b"abc", contains="exceeds")
add_error("neg_string", S, zz(-1) + b"abc", contains="negative")
add_error("huge_bytes_skip", rec("X", [F("gone", "bytes"), F("s", "string")]), zz(2**40) + b"xx",
          reader=S, contains="exceeds")
add_error("huge_count", AL, zz(2**62) + zz(1), contains="block count")
add_error("huge_count_neg", AL, zz(-(2**62)) + zz(1) + zz(1), contains="block")
add_error("neg_count_min", AL, zz(-(2**63)) + zz(0), contains="block count")
add_error("null_count_huge", AN, zz(2**62) + zz(0), contains="zero-byte items")
add_error("null_count_budget", AN, zz(4096 + 8 * 6) + zz(0), contains="zero-byte items")
add_error("empty_rec_count_huge", AE, zz(2**61) + zz(0), contains="zero-byte items")
add_error("null_blocks_many", AN, (zz(4000) * 3) + zz(0), contains="zero-byte items")
add_error("map_huge_count", ML, zz(2**40) + astr("k") + zz(1) + zz(0), contains="block count")
add_error("map_null_huge", MN, zz(10**6) + b"\x00" * 10 + zz(0), contains="block count")
add_error("block_size_lie", AL, zz(-2) + zz(3) + zz(1) + zz(2) + zz(0), contains="declares")
add_error("block_size_huge", AL, zz(-1) + zz(1000) + zz(1) + zz(0), contains="block size")
add_error("varint_11", L, b"\xff" * 10 + b"\x01", contains="varint")
add_error("varint_overflow", L, b"\xff" * 9 + b"\x02", contains="overflows")
add_error("varint_unterminated", L, b"\xff\xff\xff", contains="varint")
add_error("int_6_bytes", I, b"\x80\x80\x80\x80\x80\x00", contains="longer than 5")
add_error("int_range", I, zz(2**31), contains="out of range")
add_error("int_range_neg", I, zz(-(2**31) - 1), contains="out of range")
add_error("bool_2", B, b"\x02", contains="boolean")
add_error("bool_ff", B, b"\xff", contains="boolean")
add_error("empty_input", L, b"", contains="varint")
add_error("left_over", L, zz(1) + b"\x00", contains="left over")
for k, bad in enumerate([b"\xc3\x28", b"\xc0\x80", b"\xed\xa0\x80", b"a\x00b",
                         b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x80", b"\xf8\x88\x80\x80\x80",
                         b"12345678\xff", b"\xf0\x80\x80\x80", b"abcdefghijklmnop\x00"]):
    add_error("utf8_%d" % k, S, astr(bad), skip_ok=True,
              contains="NUL" if b"\x00" in bad else "UTF-8")
    add_error("utf8_key_%d" % k, rec("MK", [F("m", {"type": "map", "values": "int"})]),
              zz(1) + astr(bad) + zz(1) + zz(0), skip_ok=True)
# a string in a skipped field is checked for bounds only
add_valid("utf8_skipped", rec("X", [F("gone", "string"), F("s", "string")]), None,
          data=astr(b"\xff\xfe") + astr("ok"), reader=S,
          expect_json={"s": '"ok"'}, expect_raw={"s": "ok"}, check_fastavro=False)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data", "avro-vectors.json")
    doc = {
        "comment": "Generated by test/unit/gen_vectors.py with fastavro %s; do not edit." % fastavro.__version__,
        "vectors": vectors,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1, sort_keys=False)
        f.write("\n")
    print("%d vectors written to %s" % (len(vectors), os.path.normpath(out)))


if __name__ == "__main__":
    main()
