#!/usr/bin/env python3
"""Generate test/data/avro-encode-vectors.json, the test vectors of
src/avro_encode.c (run by test/unit/test_encode.c).

Each vector is a writer schema, the encoder's source slots, and rows of
values in the encoder's input convention (the header of avro_encode.c):

    null                 SQL NULL (is_null)
    {"b": true}          kind AVRO_BOOLEAN
    {"i": 5, "lt": L}    kind AVRO_LONG, logical L (date, time, timestamp)
    {"r": "1.5"}         kind AVRO_DOUBLE (text, so NaN and inf can be said)
    {"t": "abc"}         kind AVRO_STRING
    {"x": "0a1b"}        kind AVRO_BYTES (hex)
    {"a": [V, ...]}      kind AVRO_ARRAY
    {"j": "{...}"}       kind MESH_AVRO_JSON: JSON text

A row either has "hex": the Avro binary that fastavro's schemaless_writer
writes for the same record, or "error": the exact message the encoder must
refuse it with.  The datum handed to fastavro is worked out here from the
documented conventions (which union branch, what a text means for a
timestamp or a decimal, what a default is) by code that shares nothing with
the C encoder; fastavro then does all the encoding (zigzag varints, IEEE
floats, decimals as two's complement, timestamps from datetimes, uuids,
blocks), so a vector passes only if two implementations agree byte for
byte.  Union branches are forced with fastavro's tuple notation, so that
fastavro's own branch guessing does not enter into it.  Every refusal is
checked to be refused by the rules here too.

Decimals whose unscaled value is minus a power of 256 (-128, -32768...) are
left out of the fastavro rows: fastavro writes them one byte longer than the
minimal two's complement the encoder (and Java's BigInteger) writes; both
are valid, test_encode.c checks those by hand.

Usage: gen_encode_vectors.py [OUTPUT]  (default test/data/avro-encode-vectors.json)
Needs fastavro (scripts/setup installs it in .deps/venv).
"""

import datetime
import decimal
import json
import math
import os
import re
import struct
import sys
import uuid

import avrogen  # test/unit/avrogen.py
from avrogen import F as fld, encode, lt

decimal.getcontext().prec = 5000
decimal.getcontext().Emax = 999999
decimal.getcontext().Emin = -999999

INT_MIN, INT_MAX = -2**31, 2**31 - 1
LONG_MIN, LONG_MAX = -2**63, 2**63 - 1
US_DAY = 86400000000
DATE_MIN = -2440588                     # 4714-11-24 BC, PostgreSQL's first
DATE_END = 2147483494 - 2440588         # 5874898-01-01, PostgreSQL's end
TS_MIN = DATE_MIN * US_DAY
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
EPOCH_NAIVE = datetime.datetime(1970, 1, 1)

TEMPORAL = ("date", "time-millis", "time-micros", "timestamp-millis",
            "timestamp-micros", "local-timestamp-millis",
            "local-timestamp-micros")


class Refuse(Exception):
    """The encoder must refuse this value."""


def json_of(j, kind):
    """j, if it is JSON of this kind (a Python type); else refused."""
    if not isinstance(j, kind):
        raise Refuse("type")
    return j


# ---------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------

class Schema:
    """Named types of a schema (null namespace only, as in the table)."""

    def __init__(self, schema):
        self.schema = schema
        self.named = {}
        self.collect(schema)

    def collect(self, s):
        if isinstance(s, list):
            for b in s:
                self.collect(b)
        elif isinstance(s, dict):
            t = s.get("type")
            if t in ("record", "enum", "fixed"):
                self.named[s["name"]] = s
                for f in s.get("fields", []):
                    self.collect(f["type"])
            elif t == "array":
                self.collect(s["items"])
            elif t == "map":
                self.collect(s["values"])

    def resolve(self, t):
        if isinstance(t, str) and t in self.named:
            return self.named[t]
        return t


def base_of(t):
    if isinstance(t, list):
        return "union"
    if isinstance(t, str):
        return t
    return t["type"]


def logical_of(t):
    if isinstance(t, dict) and t.get("type") in ("int", "long", "string", "bytes", "fixed"):
        lt = t.get("logicalType")
        return lt
    return None


def branch_name(t):
    """The name fastavro's tuple notation knows a union branch by."""
    if isinstance(t, str):
        return t
    if t["type"] in ("record", "enum", "fixed"):
        return t["name"]
    return t["type"]


# ---------------------------------------------------------------------------
# Texts, as the encoder's header documents them
# ---------------------------------------------------------------------------

def days_from_civil(y, m, d):
    y -= m <= 2
    era = y // 400                      # floor division, as the C trick does
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def days_in_month(y, m):
    leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
    return [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]


def civil_days(y, m, d, bc):
    if y < 1 or not 1 <= m <= 12:
        raise Refuse("bad date")
    if bc:
        y = 1 - y
    if not 1 <= d <= days_in_month(y, m):
        raise Refuse("bad date")
    days = days_from_civil(y, m, d)
    if 1 <= y <= 9999:
        # cross-check with Python's calendar where it has one
        assert days == datetime.date(y, m, d).toordinal() - datetime.date(1970, 1, 1).toordinal()
    return days


DATE_RE = r"(\d{1,7})-(\d{2})-(\d{2})"
TIME_RE = r"(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
ZONE_RE = r"(Z|[+-]\d{4}|[+-]\d{2}(?::\d{2}(?::\d{2})?)?)"


def time_us(h, mi, s, frac):
    h, mi = int(h), int(mi)
    s = int(s) if s else 0
    us = 0
    if frac:
        us = int((frac + "000000")[:6])
        if len(frac) > 6 and frac[6] >= "5":
            us += 1
    if h > 24 or mi > 59 or s > 59 or (h == 24 and (mi or s or us)):
        raise Refuse("bad time")
    return ((h * 3600 + mi * 60 + s) * 1000000) + us


def parse_date(text):
    m = re.fullmatch(DATE_RE + r"( BC)?", text)
    if not m:
        raise Refuse("bad date")
    return civil_days(int(m[1]), int(m[2]), int(m[3]), bool(m[4]))


def parse_time(text):
    m = re.fullmatch(TIME_RE, text)
    if not m:
        raise Refuse("bad time")
    return time_us(m[1], m[2], m[3], m[4])


def zone_seconds(z):
    if z == "Z":
        return 0
    sign = -1 if z[0] == "-" else 1
    body = z[1:]
    if len(body) == 4 and ":" not in body:
        h, mi, s = int(body[:2]), int(body[2:]), 0
    else:
        parts = body.split(":")
        h = int(parts[0])
        mi = int(parts[1]) if len(parts) > 1 else 0
        s = int(parts[2]) if len(parts) > 2 else 0
    if h > 15 or mi > 59 or s > 59:
        raise Refuse("bad zone")
    return sign * (h * 3600 + mi * 60 + s)


def parse_timestamp(text, local):
    m = re.fullmatch(DATE_RE + r"(?:[T ]" + TIME_RE + ZONE_RE + r"?)?( BC)?", text)
    if not m:
        raise Refuse("bad timestamp")
    days = civil_days(int(m[1]), int(m[2]), int(m[3]), bool(m[9]))
    tod = time_us(m[4], m[5], m[6], m[7]) if m[4] else 0
    offset = zone_seconds(m[8]) if m[8] and not local else 0
    us = days * US_DAY + tod - offset * 1000000
    if not LONG_MIN <= us <= LONG_MAX:
        raise Refuse("timestamp out of int64")
    return us


UUID_RE = re.compile(r"(\{)?[0-9a-fA-F]{4}(?:-?[0-9a-fA-F]{4}){7}(?(1)\})")


def parse_uuid(text):
    if not UUID_RE.fullmatch(text):
        raise Refuse("bad uuid")
    return uuid.UUID(text.strip("{}").replace("-", ""))


DEC_RE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def decimal_datum(text, t):
    """A decimal text for a decimal type, as the Decimal fastavro writes."""
    if text.lower().lstrip("+-") in ("nan", "infinity", "inf"):
        raise Refuse("not finite")
    if not DEC_RE.fullmatch(text):
        raise Refuse("bad decimal")
    scale = t.get("scale", 0)
    d = decimal.Decimal(text)
    if d == 0:
        unscaled = 0
    else:
        # beyond what any field holds, without making huge numbers
        if d.adjusted() + scale >= 1000:
            raise Refuse("precision")
        if d.adjusted() + scale < -1:
            raise Refuse("scale")
        q = d.scaleb(scale)
        if q != q.to_integral_value():
            raise Refuse("scale")
        unscaled = int(q)
        if len(str(abs(unscaled))) > min(t["precision"], 1000):
            raise Refuse("precision")
    if t["type"] == "fixed":
        if unscaled.bit_length() + 1 > 8 * t["size"]:
            raise Refuse("does not fit the fixed")
    elif unscaled < 0 and is_neg_power_256(unscaled):
        raise ValueError("fastavro writes %d one byte longer: leave it out" % unscaled)
    return decimal.Decimal(unscaled).scaleb(-scale)


def is_neg_power_256(v):
    m = -v
    return m > 0 and m & (m - 1) == 0 and (m.bit_length() - 1) % 8 == 7


def check_utf8(b):
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError:
        raise Refuse("not UTF-8")
    if "\0" in s:
        raise Refuse("NUL")
    return s


# ---------------------------------------------------------------------------
# Temporal values as fastavro takes them: datetimes where Python has them,
# else the raw Avro number (which fastavro passes through)
# ---------------------------------------------------------------------------

def date_datum(days):
    if not DATE_MIN <= days < DATE_END:
        raise Refuse("date out of range")
    try:
        d = datetime.date(1970, 1, 1) + datetime.timedelta(days=days)
        return d
    except OverflowError:
        return days


def time_datum(us, lt):
    if not 0 <= us <= US_DAY:
        raise Refuse("time out of range")
    if us == US_DAY:
        return us // 1000 if lt == "time-millis" else us
    h, rest = divmod(us, 3600000000)
    mi, rest = divmod(rest, 60000000)
    s, frac = divmod(rest, 1000000)
    return datetime.time(h, mi, s, frac)


def timestamp_datum(us, lt):
    if us < TS_MIN:
        raise Refuse("timestamp out of range")
    local = lt.startswith("local")
    try:
        if local:
            return EPOCH_NAIVE + datetime.timedelta(microseconds=us)
        return EPOCH + datetime.timedelta(microseconds=us)
    except OverflowError:
        return us // 1000 if lt.endswith("millis") else us


def temporal_from_int(lt, v, vlt):
    if lt == "date":
        if vlt == "time":
            raise Refuse("time into date")
        if vlt in ("timestamp", "local-timestamp"):
            return date_datum(v // US_DAY)
        return date_datum(v)
    if lt in ("time-millis", "time-micros"):
        if vlt in ("date", "timestamp", "local-timestamp"):
            raise Refuse("not a time")
        return time_datum(v, lt)
    if vlt == "time":
        raise Refuse("time into timestamp")
    if vlt == "date":
        v = v * US_DAY
        if not LONG_MIN <= v <= LONG_MAX:
            raise Refuse("overflow")
    return timestamp_datum(v, lt)


def temporal_from_text(lt, text):
    if lt == "date":
        return date_datum(parse_date(text))
    if lt in ("time-millis", "time-micros"):
        return time_datum(parse_time(text), lt)
    return timestamp_datum(parse_timestamp(text, lt.startswith("local")), lt)


# ---------------------------------------------------------------------------
# Values into datums
# ---------------------------------------------------------------------------

def enter(depth):
    """Records, arrays and maps nest at most 64 deep, as the decoder counts."""
    if depth + 1 > 64:
        raise Refuse("too deep")


def float_value(x, base):
    if base == "float" and not math.isinf(x) and not math.isnan(x):
        try:
            struct.pack("<f", x)
        except OverflowError:
            raise Refuse("float range")
    return x


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def int_fits(i, base):
    x = float(i)
    if base == "float":
        try:
            x = f32(x)
        except OverflowError:
            return False
    return not math.isinf(x) and int(x) == i


class Converter:
    """What the encoder makes of a value.  exact: in a union's first pass,
    a value must be kept exactly (no rounding, no text as bytes)."""

    def __init__(self, schema):
        self.s = Schema(schema)
        self.exact = False

    def inexact(self):
        if self.exact:
            raise Refuse("inexact")

    # -- unions ------------------------------------------------------------
    def union(self, t, convert):
        nonnull = [b for b in t if self.s.resolve(b) != "null"]
        if len(nonnull) == 1:
            b = nonnull[0]
            return (branch_name(self.s.resolve(b)), convert(b))
        saved = self.exact
        try:
            for exact in ((True,) if saved else (True, False)):
                self.exact = exact
                for b in nonnull:
                    try:
                        return (branch_name(self.s.resolve(b)), convert(b))
                    except Refuse:
                        continue
        finally:
            self.exact = saved
        raise Refuse("no branch")

    def null(self, t):
        t = self.s.resolve(t)
        if t == "null":
            return None
        if isinstance(t, list) and any(self.s.resolve(b) == "null" for b in t):
            return ("null", None)
        raise Refuse("not nullable")

    # -- values in the caller's terms ----------------------------------------
    def value(self, t, v, depth=1):
        t = self.s.resolve(t)
        if v is None:
            return self.null(t)
        if "j" in v:
            return self.json(t, load_json(v["j"]), depth)
        if isinstance(t, list):
            return self.union(t, lambda b: self.value(b, v, depth))
        base, lt = base_of(t), logical_of(t)
        if "b" in v:
            if base != "boolean":
                raise Refuse("type")
            return v["b"]
        if "i" in v:
            i, vlt = v["i"], v.get("lt")
            if lt in TEMPORAL:
                return temporal_from_int(lt, i, vlt)
            if vlt:
                raise Refuse("temporal into plain")
            if lt == "decimal":
                return decimal_datum(str(i), t)
            if base == "int":
                if not INT_MIN <= i <= INT_MAX:
                    raise Refuse("int range")
                return i
            if base == "long":
                return i
            if base in ("float", "double"):
                if not int_fits(i, base):
                    self.inexact()
                return float(i)
            raise Refuse("type")
        if "r" in v:
            if base not in ("float", "double"):
                raise Refuse("type")
            x = float_value(float(v["r"]), base)
            if base == "float" and not math.isnan(x) and f32(x) != x:
                self.inexact()
            return x
        if "t" in v:
            s = v["t"]
            if lt == "uuid":
                return parse_uuid(s)
            if lt == "decimal":
                return decimal_datum(s, t)
            if lt in TEMPORAL:
                return temporal_from_text(lt, s)
            if base == "string":
                return check_utf8(s.encode())
            if base == "bytes":
                self.inexact()
                return s.encode()
            if base == "fixed":
                self.inexact()
                if len(s.encode()) != t["size"]:
                    raise Refuse("fixed size")
                return s.encode()
            if base == "enum":
                if s not in t["symbols"]:
                    raise Refuse("symbol")
                return s
            raise Refuse("type")
        if "x" in v:
            b = bytes.fromhex(v["x"])
            if lt == "uuid":
                if len(b) != 16:
                    raise Refuse("uuid bytes")
                return uuid.UUID(bytes=b)
            if lt in TEMPORAL or lt == "decimal":
                raise Refuse("type")
            if base == "string":
                self.inexact()
                return check_utf8(b)
            if base == "bytes":
                return b
            if base == "fixed":
                if len(b) != t["size"]:
                    raise Refuse("fixed size")
                return b
            raise Refuse("type")
        if "a" in v:
            if base != "array":
                raise Refuse("type")
            enter(depth)
            return [self.value(t["items"], item, depth + 1) for item in v["a"]]
        raise ValueError("bad value descriptor %r" % v)

    # -- JSON, as to_jsonb shows each type -----------------------------------
    def json(self, t, j, depth=1):
        t = self.s.resolve(t)
        if j is None:
            return self.null(t)
        if isinstance(t, list):
            return self.union(t, lambda b: self.json(b, j, depth))
        base, lt = base_of(t), logical_of(t)
        is_number = isinstance(j, (int, decimal.Decimal)) and not isinstance(j, bool)
        if base == "null":
            raise Refuse("type")
        if base == "boolean":
            return json_of(j, bool)
        if lt in TEMPORAL:
            return temporal_from_text(lt, json_of(j, str))
        if lt == "decimal":
            if is_number:
                return decimal_datum(str(j), t)
            if isinstance(j, str):
                return decimal_datum(j, t)
            raise Refuse("type")
        if lt == "uuid":
            return parse_uuid(json_of(j, str))
        if base in ("int", "long"):
            if not is_number:
                raise Refuse("type")
            d = decimal.Decimal(j)
            if d != d.to_integral_value():
                raise Refuse("not an integer")
            i = int(d)
            lo, hi = (INT_MIN, INT_MAX) if base == "int" else (LONG_MIN, LONG_MAX)
            if not lo <= i <= hi:
                raise Refuse("range")
            return i
        if base in ("float", "double"):
            if isinstance(j, str):
                x = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(j)
                if x is None:
                    raise Refuse("type")
                return x
            if not is_number:
                raise Refuse("type")
            if isinstance(j, int) and LONG_MIN <= j <= LONG_MAX:
                if not int_fits(j, base):
                    self.inexact()
                return float(j)
            x = float(j)
            if math.isinf(x):
                raise Refuse("range")
            x = float_value(x, base)
            if base == "float" and f32(x) != x:
                self.inexact()
            return x
        if base == "string":
            return json_of(j, str)
        if base in ("bytes", "fixed"):
            if not isinstance(j, str) or not re.fullmatch(r"\\x([0-9a-fA-F]{2})*", j):
                raise Refuse("type")
            b = bytes.fromhex(j[2:])
            if base == "fixed" and len(b) != t["size"]:
                raise Refuse("fixed size")
            return b
        if base == "enum":
            if not isinstance(j, str) or j not in t["symbols"]:
                raise Refuse("symbol")
            return j
        if base == "array":
            json_of(j, list)
            enter(depth)
            return [self.json(t["items"], x, depth + 1) for x in j]
        if base == "map":
            json_of(j, dict)
            enter(depth)
            return {k: self.json(t["values"], x, depth + 1) for k, x in j.items()}
        if base == "record":
            json_of(j, dict)
            enter(depth)
            out = {}
            given = {}
            for k, x in j.items():
                f = self.field_named(t, k)
                if f is None:
                    raise Refuse("unknown member")
                if f["name"] in given:
                    raise Refuse("twice")
                given[f["name"]] = x
            for f in t["fields"]:
                if f["name"] in given:
                    out[f["name"]] = self.json(f["type"], given[f["name"]], depth + 1)
                else:
                    out[f["name"]] = self.fill(f)
            return out
        raise ValueError("type %r" % (t,))

    def field_named(self, rec, name):
        for f in rec["fields"]:
            if f["name"] == name:
                return f
        for f in rec["fields"]:
            if name in f.get("aliases", []):
                return f
        return None

    # -- defaults (the specification's JSON encoding) --------------------------
    def fill(self, f):
        if "default" in f:
            return self.default(f["type"], f["default"])
        return self.null(f["type"])

    def default(self, t, d):
        t = self.s.resolve(t)
        if isinstance(t, list):
            b = t[0]
            return (branch_name(self.s.resolve(b)), self.default(b, d))
        base = base_of(t)
        if base in ("bytes", "fixed"):
            return d.encode("latin-1")
        if base == "array":
            return [self.default(t["items"], x) for x in d]
        if base == "map":
            return {k: self.default(t["values"], x) for k, x in d.items()}
        if base == "record":
            return {f["name"]: (self.default(f["type"], d[f["name"]]) if f["name"] in d
                                else self.default(f["type"], f["default"]))
                    for f in t["fields"]}
        if base in ("float", "double"):
            return float(d)
        return d

    # -- a row -----------------------------------------------------------------
    def record(self, slots, values):
        rec = self.s.schema
        by_field = {}
        for slot in slots:
            if not slot.get("needed", True):
                continue
            f = None
            for cand in rec["fields"]:
                if cand["name"] == slot["name"]:
                    f = cand
            if f is None:
                for cand in rec["fields"]:
                    if slot["name"] in cand.get("aliases", []) or cand["name"] in slot.get("aliases", []):
                        f = cand
                        break
            by_field[f["name"]] = slot
        datum = {}
        for f in rec["fields"]:
            slot = by_field.get(f["name"])
            if slot is None:
                datum[f["name"]] = self.fill(f)
                continue
            v = values.get(slot["name"])
            if slot.get("shape") == "json" and v is not None:
                # such a slot's data is JSON text, whatever its kind
                text = v.get("j", v.get("t"))
                datum[f["name"]] = self.json(f["type"], load_json(text))
            else:
                datum[f["name"]] = self.value(f["type"], v)
        return datum


def load_json(text):
    if text is None:
        raise Refuse("no JSON text")
    try:
        return json.loads(text, parse_float=decimal.Decimal,
                          parse_constant=lambda c: (_ for _ in ()).throw(Refuse(c)))
    except ValueError:
        raise Refuse("invalid JSON")


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------

def B(x):
    return {"b": x}


def I(x, lt=None):
    return {"i": x, "lt": lt} if lt else {"i": x}


def R(x):
    return {"r": str(x)}


def T(x):
    return {"t": x}


def X(x):
    return {"x": x}


def A(*items):
    return {"a": list(items)}


def J(x):
    return {"j": x if isinstance(x, str) else json.dumps(x)}


def rec(name, *fields):
    return avrogen.rec(name, list(fields))


VECTORS = []


def vector(name, schema, rows, slots=None, create_error=None):
    VECTORS.append({"name": name, "schema": schema, "rows": rows,
                    "slots": slots, "create_error": create_error})


def ok(**values):
    return {"values": values}


def bad(error, **values):
    return {"values": values, "error": error}


PRIM = rec("Prim",
           fld("b", "boolean"), fld("i", "int"), fld("l", "long"),
           fld("f", "float"), fld("d", "double"), fld("by", "bytes"),
           fld("s", "string"), fld("n", "null"))

vector("primitives", PRIM, [
    ok(b=B(False), i=I(0), l=I(0), f=R(0), d=R(0), by=X(""), s=T(""), n=None),
    ok(b=B(True), i=I(INT_MAX), l=I(LONG_MAX), f=R("3.4028234663852886e38"),
       d=R("1.7976931348623157e308"), by=X("00ff10"), s=T("héllo ☃ 😀"), n=None),
    ok(b=B(False), i=I(INT_MIN), l=I(LONG_MIN), f=R("-1.401298464324817e-45"),
       d=R("5e-324"), by=X("01"), s=T("\x01\x7f"), n=None),
    ok(b=B(True), i=I(-1), l=I(-64), f=R(1.5), d=R(0.1), by=X("6869"), s=T("x" * 300), n=None),
    ok(b=B(True), i=I(63), l=I(64), f=R("nan"), d=R("inf"), by=X(""), s=T("a"), n=None),
    ok(b=B(True), i=I(-65), l=I(8191), f=R("-inf"), d=R("-inf"), by=X(""), s=T("a"), n=None),
    ok(b=B(True), i=I(5), l=I(6), f=I(7), d=I(-(2**53)), by=T("text as bytes"),
       s=X("c3a9"), n=None),
    ok(b=B(True), i=I(5), l=I(6), f=R("1e-50"), d=R("-0.0"), by=X(""), s=T(""), n=None),
    bad('value 3000000000 out of range for field "i" (Avro int)',
        b=B(True), i=I(3000000000), l=I(0), f=R(0), d=R(0), by=X(""), s=T(""), n=None),
    bad('value -2147483649 out of range for field "i" (Avro int)',
        b=B(True), i=I(INT_MIN - 1), l=I(0), f=R(0), d=R(0), by=X(""), s=T(""), n=None),
    bad('field "b" is not nullable',
        b=None, i=I(0), l=I(0), f=R(0), d=R(0), by=X(""), s=T(""), n=None),
    bad('field "s" is not nullable',
        b=B(True), i=I(0), l=I(0), f=R(0), d=R(0), by=X(""), s=None, n=None),
    bad('a text value cannot be written to field "i" (Avro int)',
        b=B(True), i=T("5"), l=I(0), f=R(0), d=R(0), by=X(""), s=T(""), n=None),
    bad('a real value cannot be written to field "l" (Avro long)',
        b=B(True), i=I(0), l=R(1), f=R(0), d=R(0), by=X(""), s=T(""), n=None),
    bad('an integer value cannot be written to field "b" (Avro boolean)',
        b=I(1), i=I(0), l=I(0), f=R(0), d=R(0), by=X(""), s=T(""), n=None),
    bad('value 1e+39 out of range for field "f" (Avro float)',
        b=B(True), i=I(0), l=I(0), f=R("1e39"), d=R(0), by=X(""), s=T(""), n=None),
    bad('text for field "s" (Avro string) is not valid UTF-8 (at byte 1)',
        b=B(True), i=I(0), l=I(0), f=R(0), d=R(0), by=X(""), s=X("41ff42"), n=None),
    bad('text for field "s" (Avro string) is not valid UTF-8 (at byte 0)',
        b=B(True), i=I(0), l=I(0), f=R(0), d=R(0), by=X(""), s=X("eda080"), n=None),
    bad('text for field "s" (Avro string) contains a NUL byte',
        b=B(True), i=I(0), l=I(0), f=R(0), d=R(0), by=X(""), s=X("410042"), n=None),
    bad('a text value cannot be written to field "n" (Avro null)',
        b=B(True), i=I(0), l=I(0), f=R(0), d=R(0), by=X(""), s=T(""), n=T("x")),
    bad('a date value cannot be written to field "l" (Avro long)',
        b=B(True), i=I(0), l=I(5, "date"), f=R(0), d=R(0), by=X(""), s=T(""), n=None),
])

DEC = lt("bytes", "decimal", precision=10, scale=2)
DECFX = {"type": "fixed", "name": "D8", "size": 8, "logicalType": "decimal",
         "precision": 18, "scale": 4}
DEC0 = lt("bytes", "decimal", precision=38, scale=0)
LOG = rec("Log",
          fld("day", lt("int", "date")),
          fld("tms", lt("int", "time-millis")),
          fld("tus", lt("long", "time-micros")),
          fld("tsms", lt("long", "timestamp-millis")),
          fld("tsus", lt("long", "timestamp-micros")),
          fld("ltsms", lt("long", "local-timestamp-millis")),
          fld("ltsus", lt("long", "local-timestamp-micros")),
          fld("dec", DEC), fld("decfx", DECFX), fld("dec0", DEC0),
          fld("id", lt("string", "uuid")))


def with_values(base, error=None, **kw):
    """A row of base's values, those in kw instead; refused with error if any."""
    base.update(kw)
    return {"values": base, "error": error} if error else {"values": base}


def refusals(row, cases):
    """Rows refused, each by one value in an otherwise good row: (field, value, error)."""
    return [row(error=error, **{field: value}) for field, value, error in cases]


def log_row(**kw):
    return with_values(dict(day=I(0), tms=I(0), tus=I(0), tsms=I(0), tsus=I(0), ltsms=I(0),
                            ltsus=I(0), dec=T("0"), decfx=T("0"), dec0=T("0"),
                            id=T("00000000-0000-0000-0000-000000000000")), **kw)


T1 = 1704164645123456           # 2024-01-02 03:04:05.123456 UTC
vector("logical", LOG, [
    log_row(),
    log_row(day=I(19782), tms=I(45296789123), tus=I(86399999999), tsms=I(T1), tsus=I(T1),
            ltsms=I(-1), ltsus=I(946684800500000), dec=T("-12345.67"),
            decfx=T("-99999999999999.9999"), dec0=T("12345678901234567890123456789012345678"),
            id=T("123e4567-e89b-12d3-a456-426614174000")),
    # integers with their unit in logical
    log_row(day=I(19782, "date"), tms=I(1000, "time"), tus=I(1001, "time"),
            tsms=I(T1, "timestamp"), tsus=I(T1, "local-timestamp"), ltsms=I(-1500, "timestamp"),
            ltsus=I(19782, "date"), dec=I(42), decfx=I(-7), dec0=I(LONG_MIN + 1)),
    # a timestamp into a date: the day it falls in
    log_row(day=I(-1, "timestamp"), tsms=I(-1001), tsus=I(TS_MIN), ltsms=I(-999), ltsus=I(LONG_MAX - 1)),
    # texts
    log_row(day=T("2024-02-29"), tms=T("12:34:56.789999"), tus=T("23:59:59.999999"),
            tsms=T("2024-01-02T03:04:05.123456+00:00"), tsus=T("2024-01-02 03:04:05.123456Z"),
            ltsms=T("1969-12-31T23:59:59.999"), ltsus=T("2000-01-01T00:00:00.5"),
            dec=T("1.5"), decfx=T("+0.0001"), dec0=T("127"),
            id=T("{123E4567-E89B-12D3-A456-426614174000}")),
    log_row(day=T("4714-11-24 BC"), tms=T("24:00:00"), tus=T("00:00"),
            tsms=T("0001-12-31T23:59:59.999+00:00 BC"), tsus=T("4714-11-24T00:00:00+00:00 BC"),
            ltsms=T("4714-11-24T00:00:00 BC"), ltsus=T("1970-01-01"),
            dec=T("1.500"), decfx=T("12.3e2"), dec0=T("1e37"),
            id=T("123e4567e89b12d3a456426614174000")),
    log_row(day=T("5874897-12-31"), tsms=T("2024-01-02T05:04:05+02:00"),
            tsus=T("2024-01-02T03:04:05.1234565-0130"), ltsms=T("2024-01-02T03:04:05+02:00"),
            ltsus=T("294247-01-01T00:00:00"), dec=T(".5"), decfx=T("5."), dec0=T("-0"),
            id=T("123e-4567-e89b-12d3-a456-4266-1417-4000")),
    log_row(dec=T("-1.27"), decfx=T("-0.0128"), dec0=T("-129"), id=X("00112233445566778899aabbccddeeff")),
    log_row(dec=T("99999999.99"), decfx=T("99999999999999.9999"), dec0=T("-99999999999999999999999999999999999999")),
    log_row(dec=T("-99999999.99"), decfx=T("-0.0001"), dec0=T("255")),
    *refusals(log_row, [
        ("tms", I(10**17), 'value 100000000000000000 out of range for field "tms" (Avro time-millis)'),
        ("tus", I(-1), 'value -1 out of range for field "tus" (Avro time-micros)'),
        ("tus", I(US_DAY + 1), 'value 86400000001 out of range for field "tus" (Avro time-micros)'),
        ("day", I(DATE_MIN - 1), 'value -2440589 out of range for field "day" (Avro date)'),
        ("day", I(DATE_END), 'value 2145042906 out of range for field "day" (Avro date)'),
        ("tsus", I(TS_MIN - 1), 'value -210866803200000001 out of range for field "tsus" (Avro timestamp-micros)'),
    ]),
    log_row(tsms=I(LONG_MAX), tsus=I(LONG_MAX), ltsms=I(LONG_MAX, "local-timestamp")),
    *refusals(log_row, [
        ("tsus", T("infinity"), 'invalid timestamp "infinity" for field "tsus" (Avro timestamp-micros)'),
        ("day", T("-infinity"), 'invalid date "-infinity" for field "day" (Avro date)'),
        ("tsus", I(5, "time"), 'a time value cannot be written to field "tsus" (Avro timestamp-micros)'),
        ("tus", I(5, "timestamp"), 'a timestamp value cannot be written to field "tus" (Avro time-micros)'),
        ("dec", I(5, "date"), 'a date value cannot be written to field "dec" (Avro decimal(10,2))'),
        ("day", T("2023-02-29"), 'invalid date "2023-02-29" for field "day" (Avro date)'),
        ("day", T("0000-01-01"), 'invalid date "0000-01-01" for field "day" (Avro date)'),
        ("day", T("5874898-01-01"), 'value "5874898-01-01" out of range for field "day" (Avro date)'),
        ("day", T("4714-11-23 BC"), 'value "4714-11-23 BC" out of range for field "day" (Avro date)'),
        ("tms", T("24:00:01"), 'invalid time "24:00:01" for field "tms" (Avro time-millis)'),
        ("tus", T("12:60"), 'invalid time "12:60" for field "tus" (Avro time-micros)'),
        ("tsus", T("2024-01-02 03:04:05 +02"), 'invalid timestamp "2024-01-02 03:04:05 +02" for field "tsus" (Avro timestamp-micros)'),
        ("tsms", T("infinity"), 'invalid timestamp "infinity" for field "tsms" (Avro timestamp-millis)'),
        ("tsus", T("4714-11-23T23:59:59Z BC"), 'value "4714-11-23T23:59:59Z BC" out of range for field "tsus" (Avro timestamp-micros)'),
        ("ltsus", T("294247-01-11T00:00:00"), 'value "294247-01-11T00:00:00" out of range for field "ltsus" (Avro local-timestamp-micros)'),
        ("dec", T("1.234"), 'value "1.234" has more fraction digits than the scale of field "dec" (Avro decimal(10,2))'),
        ("dec", T("123456789.5"), 'value "123456789.5" has more digits than the precision of field "dec" (Avro decimal(10,2))'),
        ("decfx", T("100000000000000"), 'value "100000000000000" has more digits than the precision of field "decfx" (Avro decimal(18,4))'),
        ("dec", T("NaN"), 'value "NaN" out of range for field "dec" (Avro decimal(10,2))'),
        ("dec0", T("-Infinity"), 'value "-Infinity" out of range for field "dec0" (Avro decimal(38,0))'),
        ("dec", T("1.2.3"), 'invalid decimal "1.2.3" for field "dec" (Avro decimal(10,2))'),
        ("dec", T(" 1"), 'invalid decimal " 1" for field "dec" (Avro decimal(10,2))'),
        ("dec", T(""), 'invalid decimal "" for field "dec" (Avro decimal(10,2))'),
        ("dec0", T("1e-5"), 'value "1e-5" has more fraction digits than the scale of field "dec0" (Avro decimal(38,0))'),
        ("dec0", T("1e999999999"), 'value "1e999999999" has more digits than the precision of field "dec0" (Avro decimal(38,0))'),
        ("dec", R(1.5), 'a real value cannot be written to field "dec" (Avro decimal(10,2))'),
        ("id", T("123e4567-e89b-12d3-a456-42661417400"), 'invalid uuid "123e4567-e89b-12d3-a456-42661417400" for field "id" (Avro uuid)'),
        ("id", T("{123e4567-e89b-12d3-a456-426614174000"), 'invalid uuid "{123e4567-e89b-12d3-a456-426614174000" for field "id" (Avro uuid)'),
        ("id", T("123e4567-e89b-12d3-a456-426614174000-"), 'invalid uuid "123e4567-e89b-12d3-a456-426614174000-" for field "id" (Avro uuid)'),
        ("id", T("12-3e4567e89b12d3a456426614174000"), 'invalid uuid "12-3e4567e89b12d3a456426614174000" for field "id" (Avro uuid)'),
        ("id", X("00112233"), 'a value of 4 bytes is not a uuid, for field "id" (Avro uuid)'),
    ]),
])

COLOR = {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"], "default": "RED"}
vector("enum_fixed", rec("EF",
                         fld("color", COLOR),
                         fld("fx", {"type": "fixed", "name": "Four", "size": 4}),
                         fld("fx0", {"type": "fixed", "name": "Zero", "size": 0}),
                         fld("dur", {"type": "fixed", "name": "Dur", "size": 12, "logicalType": "duration"}),
                         fld("colors", {"type": "array", "items": "Color"})), [
    ok(color=T("GREEN"), fx=X("61626364"), fx0=X(""), dur=X("010000000200000003000000"),
       colors=A(T("BLUE"), T("RED"))),
    ok(color=T("BLUE"), fx=T("abcd"), fx0=T(""), dur=X("000000000000000000000000"), colors=A()),
    bad('symbol "PURPLE" is not in the enum of field "color" (Avro enum "Color")',
        color=T("PURPLE"), fx=X("61626364"), fx0=X(""), dur=X("000000000000000000000000"), colors=A()),
    bad('symbol "red" is not in the enum of field "color" (Avro enum "Color")',
        color=T("red"), fx=X("61626364"), fx0=X(""), dur=X("000000000000000000000000"), colors=A()),
    bad('symbol "GREE" is not in the enum of field "colors[1]" (Avro enum "Color")',
        color=T("RED"), fx=X("61626364"), fx0=X(""), dur=X("000000000000000000000000"),
        colors=A(T("RED"), T("GREE"))),
    bad('a bytes value cannot be written to field "color" (Avro enum "Color")',
        color=X("00"), fx=X("61626364"), fx0=X(""), dur=X("000000000000000000000000"), colors=A()),
    bad('a value of 3 bytes does not fit field "fx" (Avro fixed "Four" of 4 bytes)',
        color=T("RED"), fx=X("616263"), fx0=X(""), dur=X("000000000000000000000000"), colors=A()),
    bad('a value of 1 bytes does not fit field "fx0" (Avro fixed "Zero" of 0 bytes)',
        color=T("RED"), fx=X("61626364"), fx0=T("a"), dur=X("000000000000000000000000"), colors=A()),
    bad('field "colors[0]" is not nullable',
        color=T("RED"), fx=X("61626364"), fx0=X(""), dur=X("000000000000000000000000"), colors=A(None)),
    bad('a text value cannot be written to field "colors" (Avro array)',
        color=T("RED"), fx=X("61626364"), fx0=X(""), dur=X("000000000000000000000000"), colors=T("RED")),
])

NUL = rec("Nul",
          fld("ni", ["null", "int"]),
          fld("ns", ["null", "string"]),
          fld("sn", ["string", "null"]),
          fld("multi", ["null", "long", "string", "boolean"]),
          fld("nts", ["null", lt("long", "timestamp-micros")]),
          fld("ndec", ["null", DEC]),
          fld("narr", ["null", {"type": "array", "items": ["null", "double"]}]),
          fld("nofloat", ["float", "double"]),
          fld("bs", ["bytes", "string"]))
vector("unions", NUL, [
    ok(ni=None, ns=None, sn=None, multi=None, nts=None, ndec=None, narr=None, nofloat=R(1), bs=T("x")),
    ok(ni=I(-5), ns=T("s"), sn=T("t"), multi=I(7), nts=I(T1), ndec=T("-3.5"),
       narr=A(R(1.5), None, I(3)), nofloat=R(1e300), bs=X("ff")),
    ok(ni=I(0), ns=T(""), sn=T(""), multi=T("text"), nts=T("2024-01-02T03:04:05.123456Z"),
       ndec=I(12), narr=A(), nofloat=I(1), bs=T("x")),
    ok(ni=J("5"), ns=J('"j"'), sn=J("null"), multi=B(True), nts=J('"1970-01-01T00:00:00Z"'),
       ndec=J("1.25"), narr=J('[null, 2, "NaN"]'), nofloat=J("0.5"), bs=J('"\\\\x00"')),
    ok(ni=None, ns=None, sn=None, multi=J("12"), nts=None, ndec=None, narr=J("null"),
       nofloat=J('"Infinity"'), bs=J('"plain"')),
    bad('value 3000000000 out of range for field "ni" (Avro int)',
        ni=I(3000000000), ns=None, sn=None, multi=None, nts=None, ndec=None, narr=None, nofloat=R(1), bs=T("")),
    bad('no branch of field "multi" (Avro union [null, long, string, boolean]) takes a real value',
        ni=None, ns=None, sn=None, multi=R(1), nts=None, ndec=None, narr=None, nofloat=R(1), bs=T("")),
    bad('no branch of field "multi" (Avro union [null, long, string, boolean]) takes the JSON array',
        ni=None, ns=None, sn=None, multi=J("[1]"), nts=None, ndec=None, narr=None, nofloat=R(1), bs=T("")),
    bad('field "nofloat" is not nullable',
        ni=None, ns=None, sn=None, multi=None, nts=None, ndec=None, narr=None, nofloat=None, bs=T("")),
    bad('value "1.255" has more fraction digits than the scale of field "ndec" (Avro decimal(10,2))',
        ni=None, ns=None, sn=None, multi=None, nts=None, ndec=T("1.255"), narr=None, nofloat=R(1), bs=T("")),
    bad('a text value cannot be written to field "narr[1]" (Avro double)',
        ni=None, ns=None, sn=None, multi=None, nts=None, ndec=None, narr=A(R(1), T("x")), nofloat=R(1), bs=T("")),
    bad('no branch of field "nofloat" (Avro union [float, double]) takes a text value',
        ni=None, ns=None, sn=None, multi=None, nts=None, ndec=None, narr=None, nofloat=T("1"), bs=T("")),
])

ADDRESS = rec("Address", fld("street", "string"), fld("zip", "int"),
              fld("country", "string", default="CH", aliases=["land"]))
COLOR2 = {"type": "enum", "name": "Shade", "symbols": ["DARK", "LIGHT"]}
NESTED = rec("Nested",
             fld("id", "int"),
             fld("addr", ADDRESS),
             fld("tags", {"type": "array", "items": "string"}),
             fld("scores", {"type": "map", "values": "double"}),
             fld("choice", ["null", "long", "string", "Address"]),
             fld("people", {"type": "array", "items": "Address"}),
             fld("mm", {"type": "map", "values": {"type": "map", "values": ["null", "boolean"]}}),
             fld("grid", {"type": "array", "items": {"type": "array", "items": "int"}}),
             fld("blob", "bytes"),
             fld("fx", {"type": "fixed", "name": "Two", "size": 2}),
             fld("when", lt("long", "timestamp-millis")),
             fld("day", lt("int", "date")),
             fld("amount", DEC),
             fld("shade", COLOR2),
             fld("f", "float"))


def nested_row(**kw):
    return with_values(dict(id=I(1), addr=J({"street": "Main", "zip": 12345}), tags=A(T("a")),
                            scores=J({}), choice=None, people=J([]), mm=J({}), grid=J([]),
                            blob=X(""), fx=X("0102"), when=I(0), day=I(0), amount=T("0"),
                            shade=T("DARK"), f=R(0)), **kw)


vector("nested", NESTED, [
    nested_row(),
    nested_row(addr=J('{"zip": -1, "street": "Rue \\u00e9 \\"q\\"", "country": "FR"}'),
               tags=J(["x", "", "☃"]), scores=J({"a": 1.5, "b": -0.25, "c": 1e300}),
               choice=J({"street": "S", "zip": 1}), people=J([{"street": "P", "zip": 2, "land": "DE"}]),
               mm=J({"k": {"t": True, "n": None}, "e": {}}), grid=J([[1, 2], [], [3]]),
               blob=J('"\\\\x00ff"'), fx=J('"\\\\x0a0B"'), when=J('"2024-01-02T03:04:05.999999+00:00"'),
               day=J('"0044-03-15 BC"'), amount=J("-12345678.9"), shade=J('"LIGHT"'), f=J("0.1")),
    nested_row(choice=J("42"), tags=J("[]"), amount=J('"1e2"'), when=J('"1969-12-31T23:59:59.9995-00:00"'),
               f=J('"-Infinity"'), id=J("7.0")),
    nested_row(choice=J('"str"'), amount=J("0.10"), id=J("-2e3")),
    nested_row(choice=T("txt"), amount=J("123"), people=J([{"street": "a", "zip": 0}, {"street": "b", "zip": 1, "country": "IT"}])),
    *refusals(nested_row, [
        ("addr", J("{,}"), 'invalid JSON for field "addr": at byte 1: expected a string for object key, got \',\''),
        ("addr", J({"street": "x"}), 'field "addr.zip" is missing and has no default'),
        ("addr", J({"street": "x", "zip": 1, "zipp": 2}), 'unknown member "zipp" in field "addr" (Avro record "Address")'),
        ("addr", J({"street": "x", "zip": 1, "country": "A", "land": "B"}), 'field "addr.country" is given twice (by its name and an alias)'),
        ("addr", J({"street": "x", "zip": 3000000000}), 'value 3000000000 out of range for field "addr.zip" (Avro int)'),
        ("addr", J({"street": "x", "zip": 1.5}), 'value 1.5 is not an integer, for field "addr.zip" (Avro int)'),
        ("addr", J({"street": "x", "zip": "1"}), 'a JSON string cannot be written to field "addr.zip" (Avro int)'),
        ("addr", J([]), 'a JSON array cannot be written to field "addr" (Avro record "Address")'),
        ("addr", J({"street": None, "zip": 1}), 'field "addr.street" is not nullable'),
        ("tags", J(["a", 1]), 'a JSON number cannot be written to field "tags[1]" (Avro string)'),
        ("scores", J({"a": 1, "b": "x"}), 'a JSON string cannot be written to field "scores.b" (Avro double)'),
        ("mm", J({"k": {"t": 1}}), 'a JSON number cannot be written to field "mm.k.t" (Avro boolean)'),
        ("grid", J([[1], [1.5]]), 'value 1.5 is not an integer, for field "grid[1][0]" (Avro int)'),
        ("blob", J('"00ff"'), 'invalid bytes "00ff" for field "blob" (Avro bytes): expected \\x and hex digits'),
        ("blob", J('"\\\\x0g"'), 'invalid bytes "\\x0g" for field "blob" (Avro bytes): expected \\x and hex digits'),
        ("fx", J('"\\\\x010203"'), 'a value of 3 bytes does not fit field "fx" (Avro fixed "Two" of 2 bytes)'),
        ("when", J('"yesterday"'), 'invalid timestamp "yesterday" for field "when" (Avro timestamp-millis)'),
        ("when", J("5"), 'a JSON number cannot be written to field "when" (Avro timestamp-millis)'),
        ("shade", J('"GREY"'), 'symbol "GREY" is not in the enum of field "shade" (Avro enum "Shade")'),
        ("f", J("1e39"), 'value 1e39 out of range for field "f" (Avro float)'),
        ("scores", J('{"x": 1e400}'), 'value 1e400 out of range for field "scores.x" (Avro double)'),
        ("id", J("9223372036854775808"), 'value 9223372036854775808 out of range for field "id" (Avro int)'),
        ("choice", J("true"), 'no branch of field "choice" (Avro union [null, long, string, record "Address"]) takes the JSON boolean'),
        ("tags", J({}), 'a JSON object cannot be written to field "tags" (Avro array)'),
        ("tags", J(""), 'invalid JSON for field "tags": at byte 0: expected a JSON value, got end of input'),
    ]),
])

# defaults: the slots leave fields out
INNER = rec("Inner", fld("q", "int", default=5), fld("r", ["string", "null"], default="none"))
DEFS = rec("Defs",
           fld("id", "long"),
           fld("i", "int", default=-3),
           fld("s", "string", default="dflt"),
           fld("by", "bytes", default="\u00ff\u0001A"),
           fld("fx", {"type": "fixed", "name": "F3", "size": 3}, default="\u0001\u00e9z"),
           fld("e", {"type": "enum", "name": "E", "symbols": ["X", "Y"]}, default="Y"),
           fld("arr", {"type": "array", "items": "long"}, default=[1, -2, 300]),
           fld("m", {"type": "map", "values": INNER}, default={"k": {}, "j": {"q": 1, "r": "x"}, "i": {"r": "y"}}),
           fld("inner", "Inner", default={"r": "given"}),
           fld("u", ["string", "null"], default="first"),
           fld("n", ["null", "int"]),
           fld("n2", ["int", "null"]),
           fld("nn", "null"),
           fld("fl", "float", default=1.5),
           fld("db", "double", default=-2.25),
           fld("b", "boolean", default=True),
           fld("d", lt("int", "date"), default=-1),
           fld("ts", lt("long", "timestamp-millis"), default=1700000000000),
           fld("dec", lt("bytes", "decimal", precision=5, scale=1), default="\u0001\u00ff"),
           fld("uid", lt("string", "uuid"), default="123e4567-e89b-12d3-a456-426614174000"),
           fld("last", "int"))
vector("defaults_all", DEFS, [
    ok(id=I(1), last=I(2)),
    ok(id=I(-1), last=I(0)),
], slots=[{"name": "id"}, {"name": "last"}])
vector("defaults_some", DEFS, [
    ok(id=I(1), s=T("given"), inner=J({"q": 9}), n=I(4), last=I(2)),
    ok(id=I(1), s=T(""), inner=J({}), n=None, last=I(2)),
], slots=[{"name": "id"}, {"name": "s"}, {"name": "inner"}, {"name": "n"}, {"name": "last"}])
vector("defaults_unneeded", DEFS, [
    ok(id=I(1), s=T("ignored"), last=I(2)),
], slots=[{"name": "id"}, {"name": "s", "needed": False}, {"name": "last"}])
vector("defaults_missing", DEFS, [], slots=[{"name": "id"}],
       create_error='field "last" of record "Defs" has no default and is not nullable, so it needs a value')
vector("unknown_slot", DEFS, [], slots=[{"name": "id"}, {"name": "last"}, {"name": "nope"}],
       create_error='record "Defs" has no field "nope"')
vector("slot_twice", DEFS, [], slots=[{"name": "id"}, {"name": "last"}, {"name": "lastname", "aliases": ["last"]}],
       create_error='field "last" of record "Defs" is given twice (by "last" and "lastname")')

# aliases: a slot named by a field alias, a slot with an alias; JSON slots
ALI = rec("Ali",
          fld("user_id", "long", aliases=["uid", "userid"]),
          fld("name", "string"),
          fld("payload", {"type": "map", "values": "string"}),
          fld("score", "double"))
vector("aliases", ALI, [
    ok(userid=I(42), nm=T("n"), payload=J({"a": "b"}), score=J("2.5")),
    bad('invalid JSON for field "score": at byte 0: expected a JSON value, got \'a\'',
        userid=I(42), nm=T("n"), payload=J({}), score={"t": "abc"}),
    bad('a JSON object cannot be written to field "score" (Avro double)',
        userid=I(42), nm=T("n"), payload=J({}), score=J({})),
], slots=[{"name": "userid"}, {"name": "nm", "aliases": ["name"]}, {"name": "payload"},
          {"name": "score", "shape": "json"}])

# recursion and the depth limit (63 nested records read back; 64 do not)
NODE = rec("Node", fld("v", "int"), fld("n", ["null", "Node"]))


def chain(n):
    j = None
    for i in range(n):
        j = {"v": i, "n": j}
    return j


vector("recursive", NODE, [
    ok(v=I(1), n=None),
    ok(v=I(1), n=J(chain(5))),
    ok(v=I(1), n=J(chain(63))),
    bad('field "n' + ".n" * 63 + '" nests deeper than 64 levels', v=I(1), n=J(chain(64))),
])

TREE = rec("Tree", fld("v", "int"), fld("kids", {"type": "array", "items": "Tree"}, default=[]))
vector("tree", TREE, [
    ok(v=I(0), kids=J([{"v": 1}, {"v": 2, "kids": [{"v": 3, "kids": []}]}])),
    bad('field "kids[1].kids[0].v" is missing and has no default', v=I(0), kids=J([{"v": 1}, {"v": 2, "kids": [{}]}])),
])
vector("tree_default", TREE, [ok(v=I(-1))], slots=[{"name": "v"}])

# the benchmark's record: the fast paths, plain and nullable
TRADE = rec("Trade",
            fld("id", "long"), fld("qty", "int"), fld("price", "double"),
            fld("symbol", "string"), fld("ts", lt("long", "timestamp-micros")),
            fld("side", "string"), fld("fee", "float"), fld("venue", ["null", "string"]),
            fld("nqty", ["null", "int"]), fld("nprice", ["double", "null"]),
            fld("nts", ["null", lt("long", "timestamp-millis")]), fld("nl", ["null", "long"]),
            fld("nfee", ["null", "float"]))


def trade(**kw):
    return with_values(dict(id=I(1), qty=I(2), price=R(3.5), symbol=T("ACME"), ts=I(T1),
                            side=T("BUY"), fee=R(0.25), venue=T("XSWX"), nqty=I(5), nprice=R(1.25),
                            nts=I(T1), nl=I(-7), nfee=R(0.5)), **kw)


vector("fast_paths", TRADE, [
    trade(),
    trade(venue=None, nqty=None, nprice=None, nts=None, nl=None, nfee=None),
    trade(id=I(LONG_MIN), qty=I(INT_MIN), ts=I(-1), nts=I(-1), nl=I(LONG_MAX), price=I(3), fee=I(1),
          nfee=I(2), nprice=I(-1)),
    trade(symbol=X("414243"), ts=T("2024-01-02T03:04:05Z"), nts=T("2024-01-02T03:04:05.0009Z"),
          venue=J('"J"'), nqty=J("null")),
    trade(error='value 2147483648 out of range for field "qty" (Avro int)', qty=I(INT_MAX + 1)),
    trade(error='value -2147483649 out of range for field "nqty" (Avro int)', nqty=I(INT_MIN - 1)),
    trade(error='field "ts" is not nullable', ts=None),
    trade(error='field "symbol" is not nullable', symbol=None),
    trade(error='text for field "venue" (Avro string) is not valid UTF-8 (at byte 2)', venue=X("4142c0af")),
    trade(error='value 1e+39 out of range for field "nfee" (Avro float)', nfee=R("1e39")),
    trade(error='value -210866803200000001 out of range for field "nts" (Avro timestamp-millis)', nts=I(TS_MIN - 1)),
    trade(error='a text value cannot be written to field "price" (Avro double)', price=T("1")),
])


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def default_slots(schema):
    return [{"name": f["name"]} for f in schema["fields"]]


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data", "avro-encode-vectors.json"))
    vectors = []
    nrows = nbad = 0
    for v in VECTORS:
        slots = v["slots"] or default_slots(v["schema"])
        conv = Converter(v["schema"])
        rows = []
        for row in v["rows"]:
            values = row["values"]
            for s in slots:
                if s.get("needed", True):
                    assert s["name"] in values, (v["name"], s["name"])
            if row.get("error"):
                try:
                    datum = conv.record(slots, values)
                except Refuse:
                    pass
                else:
                    raise SystemExit("%s: row refused by the encoder is accepted here: %r -> %r"
                                     % (v["name"], values, datum))
                rows.append({"values": values, "error": row["error"]})
                nbad += 1
            else:
                datum = conv.record(slots, values)
                data = encode(v["schema"], datum)
                rows.append({"values": values, "hex": data.hex()})
                nrows += 1
        entry = {"name": v["name"], "schema": v["schema"], "slots": slots, "rows": rows}
        if v["create_error"]:
            entry["create_error"] = v["create_error"]
        vectors.append(entry)
    doc = {
        "comment": "Written by test/unit/gen_encode_vectors.py with fastavro; do not edit. "
                   "Values follow the input convention in the header of src/avro_encode.c; "
                   "hex is fastavro's schemaless_writer output for the same record.",
        "vectors": vectors,
    }
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print("%s: %d vectors, %d encoded rows, %d refusals" % (out_path, len(vectors), nrows, nbad))


if __name__ == "__main__":
    main()
