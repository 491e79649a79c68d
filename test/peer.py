"""A Kafka peer that is not mesh_fdw, for tests: creates and deletes
topics, produces and consumes messages in the formats mesh_fdw reads and
writes, and registers schemas.  Talks to $MESH_BROKERS and
$MESH_SCHEMA_REGISTRY (a Confluent-compatible base URL).  Prints nothing
on success except what a command is asked to show (consume, register), so
that pg_regress output stays deterministic; on failure it prints
"peer: ..." to stderr and exits 1.  It never creates a topic by producing
to or reading from it.

  peer.py create-topic NAME [--partitions N] [--rf R] [--config k=v ...] [--recreate]
  peer.py delete-topic NAME...

  peer.py produce TOPIC --value-format FMT [--schema FILE] [--subject S]
          [--key-format KFMT] [--key-schema FILE] [--key-subject S]
          [--transactional [--abort]] [--hold-open SECONDS] [--ready-file F]
          [--partitioner NAME] [--input FILE]  < JSON lines
      FMT: avro-confluent, avro-single, json, json-schema, text, bytes
      json-schema: confluent-kafka's JSONSerializer with the JSON Schema
      --schema (registered under --subject, default TOPIC-value), which
      checks each value against it unless --no-validate
      KFMT: text (default), bytes, json, avro-confluent
      A line: {"key": K, "value": V, "partition": N, "timestamp_ms": N,
               "headers": {"name": "text" | {"$hex": "..."} | null}}
      (all but "value" optional; "value": null is a tombstone).
  peer.py produce-protobuf TOPIC --proto FILE --message NAME
          [--register serializer|text] [--subject S]  < JSON lines
      Protobuf with classes protoc (grpcio-tools) makes of FILE.  serializer:
      confluent-kafka's ProtobufSerializer (registers the base64
      FileDescriptorProto); text: FILE's text registered through the
      registry's REST API (the files it imports from its folder first,
      each under its file name, and FILE with references to them), and the
      framing (magic 0, schema id, message indexes) written here.  Both
      compile FILE's imports from its folder too.  A line: {"key": K, "value": V} (V in
      Protobuf's JSON mapping) or {"key": K, "payload_hex": H} (text only:
      H after the framing, for bad messages).
  peer.py register-protobuf SUBJECT --proto FILE
      FILE's text registered under SUBJECT as produce-protobuf --register
      text does (imports from its folder first, with references); no
      protoc, so FILE may import what its folder lacks.
  peer.py produce-raw TOPIC --hex [--partition N]  < lines "VALUE_HEX" or
          "KEY_HEX<TAB>VALUE_HEX" ("-" for null, an empty field for empty)
  peer.py consume TOPIC [--value-format FMT] [--key-format KFMT]
          [--schema FILE ...] [--proto FILE --message NAME] [--isolation read_committed|read_uncommitted]
          [--fields partition,offset,...] [--from-beginning]
      FMT: bytes (default), text, json, avro (by framing: Confluent or
      single-object; avro-confluent and avro-single mean the same),
      json-schema (confluent-kafka's JSONDeserializer: the writer's JSON
      Schema from the registry, each value checked against it), protobuf
      (--proto FILE --message NAME: confluent-kafka's ProtobufDeserializer
      with the classes protoc makes of FILE; each value in Protobuf's JSON
      mapping, .proto field names, keys sorted, with "same_bytes": whether
      it is byte for byte what Python's protobuf serializes).
      One JSON line a message, sorted by (partition, offset).
  peer.py acl PRINCIPAL --topic T... --operation OP... [--delete]
      allow a principal (User:NAME) operations on topics, or no longer
  peer.py produce-seq TOPIC --count N [--start S] [--partitions P]
          [--batch B] [--pause SECONDS] [--transactional] [--done-file F]
      values {"n": i} (JSON) with key "i" into partition i % P, for i from S,
      in batches of B with a pause after each; --transactional: a Kafka
      transaction per batch, and after every third one an aborted
      transaction of values {"n": -1}.  Creates F when done.
  peer.py produce-timed TOPIC (--rate R --seconds S | --count C [--rate R])
          [--partitions P] [--start N]
      R*S (or C) JSON values {"n": i, "sent_us": T, "qty": i % 100, "symbol": "S<i % 20>"}
      with key "i", i from N, at a steady R a second (T: microseconds since
      the epoch when handed to the producer); into partition i % P with
      --partitions, else by key
  peer.py produce-trades TOPIC --count N [--start S] [--partitions P] [--rate R]
          [--base-ms MS] [--step-ms MS] [--schema FILE] [--subject S]
      N Confluent-framed Avro trades of the demo's stocktrades schema
      (test/data/stocktrades.avsc, registered under TOPIC-value), trade i
      the same for the same i, with key "i" and message timestamp
      MS + i * step (default 2026-12-01T00:00:00Z + i s): windowed
      aggregates over them are reproducible; as fast as it goes unless R
  peer.py latency TOPIC --count N [--timeout S] [--value-format json|avro]
          [--ready-file F]
      a read_committed consumer assigned every partition at its end, so
      that it reads only what comes after it started; prints "ready" (and
      creates F) once assigned, then reads N messages whose value has
      sent_us (later than its start) and prints
      "p50_ms=.. p99_ms=.. max_ms=.. count=.." of receive time - sent_us;
      Avro by framing (Confluent: schemas from the registry)
  peer.py checksum TOPIC --field F [--value-format avro|json] [--schema FILE ...]
          [--isolation read_committed|read_uncommitted] [--timeout S]
      reads the topic from the beginning to its end as of now and prints
      "count=.. distinct=.. sum=.. nulls=.. undecodable=.." of the value
      field F (an integer)
  peer.py group-consume GROUP TOPIC --count N
      a consumer of group GROUP (subscribed) reads N messages of TOPIC,
      commits, and leaves the group
  peer.py group-lag GROUP TOPIC
      prints the group's lag: per partition with a committed offset, the
      high watermark minus that offset, and their total
  peer.py delete-group GROUP...       their committed offsets; absent is fine
  peer.py delete-records TOPIC --partition P --before OFFSET
  peer.py add-partitions TOPIC --total N
  peer.py fence TRANSACTIONAL_ID      fence the producers of that id
  peer.py register SUBJECT FILE       prints the schema id (FILE.proto:
                                      registered as Protobuf .proto text;
                                      FILE.schema.json as a JSON Schema)
  peer.py delete-subject SUBJECT      soft, then permanent; absent is fine

JSON values to Avro, guided by the schema: bytes and fixed from
{"$hex": "..."} or a string of code points 0-255; decimal from a string
(exact) or a number; uuid from its string; date "YYYY-MM-DD";
time-millis/-micros "HH:MM:SS[.fff]"; timestamp-*/local-timestamp-*
(millis, micros, nanos) "YYYY-MM-DDTHH:MM:SS[.f][Z|+hh:mm]" (UTC when no
offset); every logical type also takes its raw underlying value.  A union
takes the plain value, or {"branch": value} (branch: a type's name, full
or short) when that is ambiguous.  float and double also take "NaN",
"Infinity", "-Infinity".  A record field left out takes its default.

Avro to JSON (consume): bytes and fixed as {"$hex": "..."}, decimals as
strings, timestamps, dates, times as ISO 8601 strings (Z for UTC),
uuid as string, unions as the plain value, NaN and infinities as strings.
A message that cannot be decoded shows {"$hex": ..., "$error": "..."}.
"""
import argparse
import datetime
import decimal
import io
import json
import os
import re
import struct
import sys
import time
import uuid

from confluent_kafka import (Consumer, KafkaError, KafkaException, Producer,
                             TopicPartition, OFFSET_BEGINNING)
from confluent_kafka.admin import AdminClient, NewTopic


class PeerError(Exception):
    pass


def fail(msg):
    raise PeerError(msg)


def brokers():
    return os.environ.get("MESH_BROKERS", "127.0.0.1:19092")


def registry_url():
    return os.environ.get("MESH_SCHEMA_REGISTRY",
                          "http://127.0.0.1:18081/apis/ccompat/v7")


def admin():
    return AdminClient({"bootstrap.servers": brokers(), "log_level": 0})


def wait_for(pred, what, timeout=30.0):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return
        time.sleep(0.1)
    fail(f"timed out waiting for {what}")


def topic_names(a):
    return set(a.list_topics(timeout=10).topics)


def delete_topics(a, names):
    present = [n for n in names if n in topic_names(a)]
    if not present:
        return
    for name, fut in a.delete_topics(present, operation_timeout=30).items():
        try:
            fut.result()
        except KafkaException as e:
            if "UNKNOWN_TOPIC" not in str(e):
                raise
    wait_for(lambda: not (set(present) & topic_names(a)), "topic deletion")


def create_topic(args):
    a = admin()
    if args.recreate:
        delete_topics(a, [args.name])
    config = dict(kv.split("=", 1) for kv in args.config)
    t = NewTopic(args.name, num_partitions=args.partitions,
                 replication_factor=args.rf, config=config)
    for _, fut in a.create_topics([t], operation_timeout=30).items():
        fut.result()

    def ready():
        md = a.list_topics(topic=args.name, timeout=10).topics.get(args.name)
        return md is not None and md.error is None and len(md.partitions) == args.partitions \
            and all(p.leader >= 0 for p in md.partitions.values())
    wait_for(ready, f"topic {args.name}")


def check_topic(client, topic):
    """The topic's partition ids; fails if it does not exist.  Asks for all
    topics' metadata, which never creates one."""
    md = client.list_topics(timeout=10).topics.get(topic)
    if md is None:
        fail(f"topic {topic} does not exist")
    if md.error is not None:
        fail(f"topic {topic}: {md.error}")
    return sorted(md.partitions)


# ---------------------------------------------------------------- registry

_registry = None


def registry():
    global _registry
    if _registry is None:
        from confluent_kafka.schema_registry import SchemaRegistryClient
        _registry = SchemaRegistryClient({"url": registry_url()})
    return _registry


def load_schema_text(path):
    """A schema file's JSON, compact, as registered and parsed."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.dumps(json.load(f), separators=(",", ":"), ensure_ascii=False)
    except (OSError, ValueError) as e:
        fail(f"schema {path}: {e}")


def register(subject, schema_text, schema_type="AVRO"):
    from confluent_kafka.schema_registry import Schema
    try:
        return registry().register_schema(subject, Schema(schema_text, schema_type))
    except Exception as e:
        fail(f"registering a schema under {subject} at {registry_url()}: {e}")


def cmd_register(args):
    if args.file.endswith(".proto"):
        with open(args.file, encoding="utf-8") as f:
            print(register(args.subject, f.read(), "PROTOBUF"))
    elif args.file.endswith(".schema.json"):
        print(register(args.subject, load_schema_text(args.file), "JSON"))
    else:
        print(register(args.subject, load_schema_text(args.file)))


def cmd_delete_subject(args):
    from confluent_kafka.schema_registry.error import SchemaRegistryError
    for permanent in (False, True):
        # a subject that referenced this one was just deleted: the registry
        # may count it a moment longer (42206)
        deadline = time.time() + 10
        while True:
            try:
                registry().delete_subject(args.subject, permanent=permanent)
            except SchemaRegistryError as e:
                if e.http_status_code == 404:
                    break
                if e.error_code == 42206 and time.time() < deadline:
                    time.sleep(0.2)
                    continue
                fail(f"deleting subject {args.subject}: {e}")
            break


def cmd_scram_user(args):
    """Create or update a SCRAM user (both mechanisms); idempotent."""
    from confluent_kafka.admin import (ScramCredentialInfo, ScramMechanism,
                                       UserScramCredentialUpsertion)
    ups = [UserScramCredentialUpsertion(args.name, ScramCredentialInfo(m, 4096),
                                        args.password.encode())
           for m in (ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)]
    a = admin()   # keep the client alive until the futures are done
    for up in ups:  # one request per mechanism: Kafka refuses two for one user
        for _, fut in a.alter_user_scram_credentials([up]).items():
            fut.result()


def cmd_acl(args):
    """Allow (or with --delete, no longer allow) PRINCIPAL the operations
    on topics (literal names); waits until the broker's authorizer shows
    the change."""
    from confluent_kafka.admin import (AclBinding, AclBindingFilter, AclOperation,
                                       AclPermissionType, ResourcePatternType,
                                       ResourceType)
    bindings = [AclBinding(ResourceType.TOPIC, t, ResourcePatternType.LITERAL,
                           args.principal, "*", AclOperation[op.upper()],
                           AclPermissionType.ALLOW)
                for t in args.topic for op in args.operation]
    a = admin()
    if args.delete:
        filters = [AclBindingFilter(b.restype, b.name, b.resource_pattern_type, b.principal,
                                    b.host, b.operation, b.permission_type) for b in bindings]
        for _, fut in a.delete_acls(filters).items():
            fut.result()
    else:
        for _, fut in a.create_acls(bindings).items():
            fut.result()

    def shown():
        flt = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY,
                               args.principal, None, AclOperation.ANY, AclPermissionType.ANY)
        have = set((b.name, b.operation) for b in a.describe_acls(flt).result())
        want = set((b.name, b.operation) for b in bindings)
        return not (want & have) if args.delete else want <= have
    wait_for(shown, "the ACLs")


# ---------------------------------------------------------- Avro schemas

class AvroSchema:
    """A parsed writer schema, with what the JSON conversion needs."""

    def __init__(self, text):
        from fastavro import parse_schema
        from fastavro.schema import to_parsing_canonical_form, fingerprint
        self.text = text
        self.named = {}
        try:
            self.parsed = parse_schema(json.loads(text), named_schemas=self.named)
            self.canonical = to_parsing_canonical_form(self.parsed)
        except Exception as e:
            fail(f"invalid Avro schema: {e}")
        # CRC-64-AVRO, as 8 bytes little-endian (fastavro's hex is that order)
        self.fingerprint = bytes.fromhex(fingerprint(self.canonical, "CRC-64-AVRO"))

    def encode(self, value):
        from fastavro import schemaless_writer
        datum = to_avro(self, self.parsed, value, "$")
        buf = io.BytesIO()
        try:
            schemaless_writer(buf, self.parsed, datum)
        except Exception as e:
            fail(f"cannot write {json.dumps(value, default=str)} as Avro: {e}")
        return buf.getvalue()

    def decode(self, data):
        from fastavro import schemaless_reader
        buf = io.BytesIO(data)
        value = schemaless_reader(buf, self.parsed, None)
        rest = len(data) - buf.tell()
        if rest:
            raise ValueError(f"{rest} bytes left after the Avro value")
        return value


class ConvError(Exception):
    pass


EPOCH_ORD = datetime.date(1970, 1, 1).toordinal()
INT_RANGE = {"int": (-2**31, 2**31 - 1), "long": (-2**63, 2**63 - 1)}
TS_UNITS = {  # logical type -> (nanoseconds per unit, has a zone)
    "timestamp-millis": (10**6, True), "timestamp-micros": (10**3, True),
    "timestamp-nanos": (1, True),
    "local-timestamp-millis": (10**6, False), "local-timestamp-micros": (10**3, False),
    "local-timestamp-nanos": (1, False),
}
TIME_UNITS = {"time-millis": 10**6, "time-micros": 10**3}
TS_RE = re.compile(r"^(-?\d{4,})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?"
                   r"(Z|z|[+-]\d\d(?::?\d\d)?)?$")
DATE_RE = re.compile(r"^(-?\d{4,})-(\d\d)-(\d\d)$")
TIME_RE = re.compile(r"^(\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?$")


def in_units(ns, per, what):
    if ns % per:
        raise ConvError(f"{what} has more precision than its type holds")
    return ns // per


def parse_date(s):
    m = DATE_RE.match(s)
    if not m:
        raise ConvError(f"not a date (YYYY-MM-DD): {s!r}")
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3])).toordinal() - EPOCH_ORD
    except ValueError as e:
        raise ConvError(f"bad date {s!r}: {e}")


def clock_ns(h, mi, sec, frac, s):
    h, mi, sec = int(h), int(mi), int(sec or 0)
    if h > 23 or mi > 59 or sec > 59:
        raise ConvError(f"bad time of day in {s!r}")
    return ((h * 60 + mi) * 60 + sec) * 10**9 + int((frac or "").ljust(9, "0"))


def parse_time(s, per):
    m = TIME_RE.match(s)
    if not m:
        raise ConvError(f"not a time (HH:MM:SS[.fff]): {s!r}")
    return in_units(clock_ns(*m.groups(), s), per, s)


def parse_timestamp(s, per, zoned):
    m = TS_RE.match(s)
    if not m:
        raise ConvError(f"not an ISO 8601 timestamp: {s!r}")
    y, mo, d, h, mi, sec, frac, tz = m.groups()
    try:
        days = datetime.date(int(y), int(mo), int(d)).toordinal() - EPOCH_ORD
    except ValueError as e:
        raise ConvError(f"bad date in {s!r}: {e}")
    ns = days * 86400 * 10**9 + clock_ns(h, mi, sec, frac, s)
    if tz and tz not in "Zz":
        if not zoned:
            raise ConvError(f"a local timestamp takes no offset: {s!r}")
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        off = int(digits[:2]) * 3600 + int(digits[2:] or 0) * 60
        ns -= sign * off * 10**9
    elif tz and not zoned:
        raise ConvError(f"a local timestamp takes no zone: {s!r}")
    return in_units(ns, per, s)


def to_bytes(v):
    if isinstance(v, dict) and set(v) == {"$hex"} and isinstance(v["$hex"], str):
        try:
            return bytes.fromhex(v["$hex"])
        except ValueError:
            raise ConvError(f"bad $hex: {v['$hex']!r}")
    if isinstance(v, str):
        try:
            return v.encode("latin-1")
        except UnicodeEncodeError:
            raise ConvError("a string for bytes takes code points 0-255 only")
    raise ConvError(f"not bytes ({{\"$hex\": ...}} or a string): {v!r}")


def to_decimal(v):
    if isinstance(v, bool):
        raise ConvError(f"not a decimal: {v!r}")
    if isinstance(v, (int, decimal.Decimal)):
        return decimal.Decimal(v)
    if isinstance(v, str):
        try:
            d = decimal.Decimal(v.strip())
        except decimal.InvalidOperation:
            raise ConvError(f"not a decimal: {v!r}")
        if not d.is_finite():
            raise ConvError(f"not a finite decimal: {v!r}")
        return d
    raise ConvError(f"not a decimal: {v!r}")


def decimal_bytes(d, precision, scale, size=None):
    """The two's-complement big-endian unscaled value of d at scale."""
    unscaled = d.scaleb(scale)
    if unscaled != unscaled.to_integral_value():
        raise ConvError(f"{d} has more than {scale} fractional digits")
    n = int(unscaled)
    if len(str(abs(n))) > precision:
        raise ConvError(f"{d} has more than {precision} digits")
    length = size or max(1, (n.bit_length() + 8) // 8)
    try:
        return n.to_bytes(length, "big", signed=True)
    except OverflowError:
        raise ConvError(f"{d} does not fit in fixed({size})")


def type_name(s):
    """A union branch's name, as fastavro's tuple notation takes it."""
    if isinstance(s, str):
        return s
    if isinstance(s, dict):
        t = s["type"]
        return s["name"] if t in ("record", "error", "enum", "fixed") else type_name(t)
    return "union"


def short(name):
    return name.rsplit(".", 1)[-1]


def resolve(sch, s):
    while True:
        if isinstance(s, str) and s in sch.named:
            s = sch.named[s]
        elif isinstance(s, dict) and not isinstance(s["type"], str):
            s = s["type"]   # {"type": {...}} or {"type": [...]}
        elif isinstance(s, dict) and s["type"] in sch.named:
            s = sch.named[s["type"]]
        else:
            return s


def natural(sch, s, v):
    """Whether v is plainly of branch s (first choice in a union)."""
    s = resolve(sch, s)
    t = s if isinstance(s, str) else s["type"]
    lt = None if isinstance(s, str) else s.get("logicalType")
    if v is None:
        return t == "null"
    if isinstance(v, bool):
        return t == "boolean"
    if isinstance(v, int):
        return t in ("int", "long", "float", "double") and lt is None
    if isinstance(v, (float, decimal.Decimal)):
        return t in ("float", "double")
    if isinstance(v, str):
        return (t == "string" and lt in (None, "uuid")) or (t == "enum" and v in s["symbols"])
    if isinstance(v, list):
        return t == "array"
    if isinstance(v, dict):
        return t in ("record", "error", "map") and set(v) != {"$hex"}
    return False


def to_avro(sch, s, v, path):
    """v (parsed JSON) as what fastavro writes for schema s."""
    s = resolve(sch, s)
    if isinstance(s, list):
        return union_to_avro(sch, s, v, path)
    t = s if isinstance(s, str) else s["type"]
    lt = None if isinstance(s, str) else s.get("logicalType")
    try:
        if t == "null":
            if v is not None:
                raise ConvError("not null")
            return None
        if t == "boolean":
            if not isinstance(v, bool):
                raise ConvError("not a boolean")
            return v
        if t in ("int", "long"):
            if isinstance(v, str):
                if lt == "date" and t == "int":
                    v = parse_date(v)
                elif lt in TIME_UNITS:
                    v = parse_time(v, TIME_UNITS[lt])
                elif lt in TS_UNITS and t == "long":
                    v = parse_timestamp(v, *TS_UNITS[lt])
            if isinstance(v, decimal.Decimal) and v == v.to_integral_value():
                v = int(v)
            if not isinstance(v, int) or isinstance(v, bool):
                raise ConvError(f"not {'an' if t == 'int' else 'a'} {t}")
            lo, hi = INT_RANGE[t]
            if not lo <= v <= hi:
                raise ConvError(f"out of range for {t}")
            return v
        if t in ("float", "double"):
            if isinstance(v, str) and v in ("NaN", "Infinity", "-Infinity"):
                return float(v.replace("Infinity", "inf"))
            if isinstance(v, bool) or not isinstance(v, (int, float, decimal.Decimal)):
                raise ConvError(f"not a {t}")
            return float(v)
        if t == "string":
            if not isinstance(v, str):
                raise ConvError("not a string")
            if lt == "uuid":
                try:
                    uuid.UUID(v)
                except ValueError:
                    raise ConvError(f"not a uuid: {v!r}")
            return v
        if t in ("bytes", "fixed"):
            if lt == "decimal" and not (isinstance(v, dict) and set(v) == {"$hex"}):
                return decimal_bytes(to_decimal(v), s["precision"], s.get("scale", 0),
                                     s["size"] if t == "fixed" else None)
            if lt == "uuid" and t == "fixed" and isinstance(v, str):
                try:
                    return uuid.UUID(v).bytes
                except ValueError:
                    raise ConvError(f"not a uuid: {v!r}")
            b = to_bytes(v)
            if t == "fixed" and len(b) != s["size"]:
                raise ConvError(f"{len(b)} bytes for fixed({s['size']})")
            return b
        if t == "enum":
            if not isinstance(v, str) or v not in s["symbols"]:
                raise ConvError(f"not a symbol of {s['name']}")
            return v
        if t == "array":
            if not isinstance(v, list):
                raise ConvError("not an array")
            return [to_avro(sch, s["items"], x, f"{path}[{i}]") for i, x in enumerate(v)]
        if t == "map":
            if not isinstance(v, dict):
                raise ConvError("not a map (JSON object)")
            return {k: to_avro(sch, s["values"], x, f"{path}.{k}") for k, x in v.items()}
        if t in ("record", "error"):
            if not isinstance(v, dict):
                raise ConvError(f"not a record {s['name']}")
            names = [f["name"] for f in s["fields"]]
            extra = set(v) - set(names)
            if extra:
                raise ConvError(f"no field {sorted(extra)[0]!r} in record {s['name']}")
            out = {}
            for f in s["fields"]:
                if f["name"] in v:
                    out[f["name"]] = to_avro(sch, f["type"], v[f["name"]], f"{path}.{f['name']}")
                elif "default" in f:
                    out[f["name"]] = to_avro(sch, f["type"], f["default"], f"{path}.{f['name']}")
                else:
                    raise ConvError(f"field {f['name']!r} missing and has no default")
            return out
    except ConvError as e:
        if str(e).startswith("$"):
            raise
        raise ConvError(f"{path}: {e}: {json.dumps(v, default=str)[:200]}")
    raise ConvError(f"{path}: unsupported schema type {t!r}")


def union_to_avro(sch, branches, v, path):
    names = [type_name(b) for b in branches]
    if isinstance(v, dict) and len(v) == 1:
        (k, x), = v.items()
        for b, n in zip(branches, names):
            lt = isinstance(resolve(sch, b), dict) and resolve(sch, b).get("logicalType")
            if k in (n, short(n)) or (lt and k == lt):
                return (n, to_avro(sch, b, x, path))
    errors = []
    for plain in (True, False):
        for b, n in zip(branches, names):
            if plain != natural(sch, b, v):
                continue
            try:
                return (n, to_avro(sch, b, v, path))
            except ConvError as e:
                errors.append(str(e))
    raise ConvError(f"{path}: fits no branch of {names}"
                    + (f" ({'; '.join(errors)})" if errors else "")
                    + f": {json.dumps(v, default=str)[:200]}")


# ------------------------------------------------------------ JSON output

def dumps(v):
    """Compact JSON of a decoded value: see the module's docstring."""
    if v is None or isinstance(v, bool):
        return json.dumps(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v:
            return '"NaN"'
        if v in (float("inf"), float("-inf")):
            return '"Infinity"' if v > 0 else '"-Infinity"'
        return repr(v)
    if isinstance(v, decimal.Decimal):
        return json.dumps(str(v))
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (bytes, bytearray)):
        return '{"$hex":"%s"}' % bytes(v).hex()
    if isinstance(v, datetime.datetime):
        return json.dumps(iso(v))
    if isinstance(v, (datetime.date, datetime.time)):
        return json.dumps(iso(v))
    if isinstance(v, uuid.UUID):
        return json.dumps(str(v))
    if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str):
        return dumps(v[1])   # a union's (name, value)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(dumps(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(str(k), ensure_ascii=False) + ":" + dumps(x)
                              for k, x in v.items()) + "}"
    return json.dumps(str(v))


def iso(v):
    us = getattr(v, "microsecond", 0)
    if isinstance(v, datetime.datetime) or isinstance(v, datetime.time):
        s = v.replace(microsecond=0, tzinfo=None).isoformat()
        if us:
            s += "." + (f"{us // 1000:03d}" if us % 1000 == 0 else f"{us:06d}")
        if v.tzinfo is not None:
            off = v.utcoffset()
            s += "Z" if not off else v.strftime("%z")
        return s
    return v.isoformat()


class JsonNumber(decimal.Decimal):
    """A JSON number with a fraction or exponent, exact, with its text."""
    text = None


def parse_number(text):
    n = JsonNumber(text)
    n.text = text
    return n


def parse_json(text):
    return json.loads(text, parse_float=parse_number)


def json_text(v):
    """Compact JSON text of a parsed input value (numbers as written)."""
    if isinstance(v, decimal.Decimal):
        return getattr(v, "text", None) or str(v)
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + json_text(x)
                              for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(json_text(x) for x in v) + "]"
    return json.dumps(v, ensure_ascii=False)


# ---------------------------------------------------------------- produce

class Encoder:
    """Turns a JSON input value into message bytes in one format."""

    def __init__(self, fmt, schema_file, subject, role, validate=True):
        self.fmt = fmt
        self.role = role
        self.schema = None
        self.prefix = b""
        self.json_serializer = None
        if fmt == "json-schema":
            from confluent_kafka.schema_registry.json_schema import JSONSerializer
            from confluent_kafka.serialization import SerializationContext, MessageField
            if not schema_file:
                fail(f"--{'key-' if role == 'key' else ''}schema is needed for {fmt}")
            text = load_schema_text(schema_file)
            topic = subject.rsplit("-", 1)[0]
            conf = {"auto.register.schemas": True, "validate": validate,
                    "subject.name.strategy": lambda ctx, record_name: subject}
            self.json_serializer = JSONSerializer(text, registry(), conf=conf)
            self.json_context = SerializationContext(
                topic, MessageField.KEY if role == "key" else MessageField.VALUE)
        elif fmt in ("avro-confluent", "avro-single"):
            if not schema_file:
                fail(f"--{'key-' if role == 'key' else ''}schema is needed for {fmt}")
            text = load_schema_text(schema_file)
            self.schema = AvroSchema(text)
            if fmt == "avro-confluent":
                sid = register(subject, text)
                self.prefix = b"\x00" + struct.pack(">I", sid)
            else:
                self.prefix = b"\xc3\x01" + self.schema.fingerprint
        elif schema_file:
            fail(f"a schema is only for Avro formats, not {fmt}")

    def __call__(self, v):
        if v is None:
            return None
        try:
            if self.json_serializer is not None:
                try:
                    # plain Python values (no JsonNumber) for the serializer
                    return self.json_serializer(json.loads(json_text(v)), self.json_context)
                except Exception as e:
                    raise ConvError(f"JSONSerializer: {e}")
            if self.schema is not None:
                return self.prefix + self.schema.encode(v)
            if self.fmt == "json":
                return json_text(v).encode()
            if self.fmt == "text":
                if not isinstance(v, str):
                    raise ConvError(f"a text {self.role} must be a JSON string")
                return v.encode()
            if self.fmt == "bytes":
                return to_bytes(v)
        except ConvError as e:
            fail(f"{self.role}: {e}")
        fail(f"unknown format {self.fmt}")


def header_value(v):
    if v is None:
        return None
    if isinstance(v, str):
        return v.encode()
    try:
        return to_bytes(v)
    except ConvError as e:
        fail(f"header: {e}")


def read_lines(path, keep_blank=False):
    """(number, line) of the input's lines that are not empty (not
    blank, unless keep_blank)."""
    f = open(path, encoding="utf-8") if path else sys.stdin
    with f:
        for n, line in enumerate(f, 1):
            if line.rstrip("\r\n") if keep_blank else line.strip():
                yield n, line


def producer(args, extra=None):
    conf = {
        "bootstrap.servers": brokers(),
        "log_level": 0,
        "allow.auto.create.topics": False,
        "enable.idempotence": True,     # keeps the input's order in a partition
        "linger.ms": 5,
        "message.timeout.ms": 30000,
    }
    if getattr(args, "partitioner", None):
        conf["partitioner"] = args.partitioner
    conf.update(extra or {})
    return Producer(conf)


class Deliveries:
    def __init__(self):
        self.errors = []

    def __call__(self, err, msg):
        if err is not None:
            self.errors.append(f"partition {msg.partition()}: {err.str()}")


def send_all(p, topic, messages, transactional=False, abort=False, hold_open=0.0,
             ready_file=None):
    """Produce (key, value, partition, timestamp, headers) tuples and wait
    for every delivery."""
    d = Deliveries()
    if transactional:
        p.init_transactions(30)
        p.begin_transaction()
    for key, value, partition, ts, headers in messages:
        kw = {"key": key, "value": value, "on_delivery": d}
        if partition is not None:
            kw["partition"] = partition
        if ts is not None:
            kw["timestamp"] = ts
        if headers:
            kw["headers"] = headers
        while True:
            try:
                p.produce(topic, **kw)
                break
            except BufferError:
                p.poll(0.1)
        p.poll(0)
    left = p.flush(60)
    if left:
        fail(f"{left} messages not delivered in 60 s")
    if d.errors:
        if transactional:
            p.abort_transaction(30)
        fail("delivery failed: " + "; ".join(d.errors[:5]))
    if ready_file:
        with open(ready_file, "w"):
            pass
    if hold_open > 0:
        time.sleep(hold_open)
    if transactional:
        if abort:
            p.abort_transaction(30)
        else:
            p.commit_transaction(30)
        wait_stable(topic)


def wait_stable(topic, timeout=5):
    """Wait (at most timeout seconds: another producer's transaction may
    be open) until every partition's last stable offset is its high
    watermark: a transaction's end returns before the brokers have written
    its markers, and until then read_committed readers see less."""
    readers = [Consumer({"bootstrap.servers": brokers(), "group.id": f"mesh-peer-{os.getpid()}",
                         "isolation.level": level, "log_level": 0})
               for level in ("read_committed", "read_uncommitted")]
    try:
        parts = check_topic(readers[0], topic)
        deadline = time.time() + timeout
        for part in parts:
            tp = TopicPartition(topic, part)
            while (readers[0].get_watermark_offsets(tp, timeout=10)[1] <
                   readers[1].get_watermark_offsets(tp, timeout=10)[1]):
                if time.time() > deadline:
                    return
                time.sleep(0.05)
    finally:
        for r in readers:
            r.close()


def cmd_produce(args):
    if args.abort and not args.transactional:
        fail("--abort needs --transactional")
    p0 = producer(args)
    partitions = check_topic(p0, args.topic)
    values = Encoder(args.value_format, args.schema, args.subject or f"{args.topic}-value", "value",
                     validate=not args.no_validate)
    keys = Encoder(args.key_format, args.key_schema, args.key_subject or f"{args.topic}-key", "key")
    messages = []
    for n, line in read_lines(args.input):
        try:
            rec = parse_json(line)
        except ValueError as e:
            fail(f"line {n}: not JSON: {e}")
        if not isinstance(rec, dict) or "value" not in rec:
            fail(f"line {n}: not an object with a \"value\"")
        unknown = set(rec) - {"key", "value", "partition", "timestamp_ms", "headers"}
        if unknown:
            fail(f"line {n}: unknown member {sorted(unknown)[0]!r}")
        part = rec.get("partition")
        if part is not None and part not in partitions:
            fail(f"line {n}: topic {args.topic} has no partition {part}")
        headers = rec.get("headers") or {}
        if not isinstance(headers, dict):
            fail(f"line {n}: headers must be a JSON object")
        try:
            messages.append((keys(rec.get("key")), values(rec["value"]), part,
                             rec.get("timestamp_ms"),
                             [(k, header_value(v)) for k, v in headers.items()]))
        except PeerError as e:
            fail(f"line {n}: {e}")
    extra = {}
    if args.transactional:
        extra = {"transactional.id": f"mesh-peer-{args.topic}-{os.getpid()}-{time.time_ns()}",
                 "transaction.timeout.ms": int(max(60, args.hold_open + 60) * 1000)}
        p = producer(args, extra)
    else:
        p = p0
    send_all(p, args.topic, messages, args.transactional, args.abort, args.hold_open,
             args.ready_file)


def cmd_produce_raw(args):
    p = producer(args)
    partitions = check_topic(p, args.topic)
    if args.partition is not None and args.partition not in partitions:
        fail(f"topic {args.topic} has no partition {args.partition}")

    def unhex(s, n):
        s = s.strip()
        if s == "-":
            return None
        try:
            return bytes.fromhex(s)
        except ValueError:
            fail(f"line {n}: not hex: {s!r}")
    messages = []
    for n, line in read_lines(args.input, keep_blank=True):
        parts = line.rstrip("\r\n").split("\t")
        if len(parts) == 1:
            key, value = None, unhex(parts[0], n)
        elif len(parts) == 2:
            key, value = unhex(parts[0], n), unhex(parts[1], n)
        else:
            fail(f"line {n}: more than one tab")
        messages.append((key, value, args.partition, None, None))
    send_all(p, args.topic, messages)


# ---------------------------------------------------------------- protobuf

def cmd_produce_protobuf(args):
    import peer_protobuf      # test/peer_protobuf.py: needs grpcio-tools
    peer_protobuf.produce(args, sys.modules[__name__])


def cmd_register_protobuf(args):
    import peer_protobuf
    peer_protobuf.register(args, sys.modules[__name__])


# ---------------------------------------------------------------- consume

class Decoder:
    def __init__(self, fmt, schema_files, role, topic=None):
        self.fmt = fmt
        self.role = role
        self.by_fingerprint = {}
        self.by_id = {}
        self.json_deserializer = None
        if fmt == "json-schema":
            from confluent_kafka.schema_registry.json_schema import JSONDeserializer
            from confluent_kafka.serialization import SerializationContext, MessageField
            # None: each message's writer schema, by the id it carries
            self.json_deserializer = JSONDeserializer(None, schema_registry_client=registry())
            self.json_context = SerializationContext(
                topic, MessageField.KEY if role == "key" else MessageField.VALUE)
            return
        for f in schema_files:
            s = AvroSchema(load_schema_text(f))
            self.by_fingerprint[s.fingerprint] = s

    def confluent(self, sid):
        if sid not in self.by_id:
            try:
                text = registry().get_schema(sid).schema_str
            except Exception as e:
                raise ValueError(f"schema id {sid}: {e}")
            self.by_id[sid] = AvroSchema(text)
        return self.by_id[sid]

    def __call__(self, data):
        if data is None:
            return "null"
        try:
            if self.fmt == "bytes":
                return dumps(data)
            if self.fmt == "text":
                return dumps(data.decode("utf-8"))
            if self.fmt == "json":
                return json_text(parse_json(data.decode("utf-8")))
            if self.json_deserializer is not None:
                return json.dumps(self.json_deserializer(data, self.json_context),
                                  ensure_ascii=False, separators=(",", ":"))
            # Avro, told by its framing
            if len(data) >= 5 and data[0] == 0:
                return dumps(self.confluent(struct.unpack(">I", data[1:5])[0]).decode(data[5:]))
            if len(data) >= 10 and data[:2] == b"\xc3\x01":
                s = self.by_fingerprint.get(bytes(data[2:10]))
                if s is None:
                    raise ValueError(f"no --schema with fingerprint {data[2:10].hex()}")
                return dumps(s.decode(data[10:]))
            raise ValueError("neither Confluent nor single-object framing")
        except Exception as e:
            if self.fmt == "text" and isinstance(e, UnicodeDecodeError):
                return dumps(data)
            return '{"$hex":"%s","$error":%s}' % (data.hex(), json.dumps(str(e)))


FIELDS = ["partition", "offset", "key", "value", "timestamp_ms", "headers"]


def cmd_consume(args):
    fields = args.fields.split(",") if args.fields else FIELDS
    for f in fields:
        if f not in FIELDS:
            fail(f"unknown field {f}; fields are {','.join(FIELDS)}")
    if args.value_format == "protobuf":
        import peer_protobuf      # test/peer_protobuf.py: needs grpcio-tools
        if not args.proto or not args.message:
            fail("--value-format protobuf needs --proto and --message")
        values = peer_protobuf.Decoder(args.proto, args.message, args.topic,
                                       sys.modules[__name__])
    else:
        values = Decoder(args.value_format, args.schema, "value", args.topic)
    keys = Decoder(args.key_format, args.schema, "key", args.topic)
    c = Consumer({
        "bootstrap.servers": brokers(),
        "group.id": f"mesh-peer-{os.getpid()}",   # never joined nor committed
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "isolation.level": args.isolation,
        "allow.auto.create.topics": False,
        "log_level": 0,
    })
    try:
        todo = {}
        for p in check_topic(c, args.topic):
            # the end as of now: the high watermark, or with read_committed
            # the last stable offset
            lo, hi = c.get_watermark_offsets(TopicPartition(args.topic, p), timeout=10)
            if hi > lo:
                todo[p] = hi
        out = []
        c.assign([TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in todo])
        deadline = time.time() + args.timeout
        while todo:
            if time.time() > deadline:
                fail(f"timed out reading {args.topic}: partitions {sorted(todo)} not at their end")
            m = c.poll(0.2)
            if m is None:
                continue
            p = m.partition()
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    todo.pop(p, None)
                    continue
                fail(f"reading {args.topic}: {m.error().str()}")
            if p not in todo or m.offset() >= todo[p]:
                todo.pop(p, None)
                continue
            if m.offset() >= todo[p] - 1:
                todo.pop(p)
            ts_type, ts = m.timestamp()
            headers = {}
            for k, v in m.headers() or []:
                if v is None:
                    headers[k] = None
                else:
                    try:
                        headers[k] = v.decode("utf-8")
                    except UnicodeDecodeError:
                        headers[k] = v
            row = {
                "partition": str(p),
                "offset": str(m.offset()),
                "key": keys(m.key()),
                "value": values(m.value()),
                "timestamp_ms": str(ts) if ts_type != 0 else "null",
                "headers": dumps(headers),
            }
            out.append((p, m.offset(), "{" + ",".join(f'"{f}":{row[f]}' for f in fields) + "}"))
    finally:
        c.close()
    for _, _, line in sorted(out):
        print(line)


def cmd_produce_seq(args):
    conf = {"bootstrap.servers": brokers(), "enable.idempotence": True,
            "allow.auto.create.topics": False, "linger.ms": 5, "log_level": 3}
    if args.transactional:
        conf["transactional.id"] = f"peer-seq-{args.topic}-{os.getpid()}"
    p = Producer(conf)
    errors = []

    def report(err, msg):
        if err is not None:
            errors.append(str(err))

    if args.transactional:
        p.init_transactions(30)
    i = args.start
    end = args.start + args.count
    batch_no = 0
    while i < end:
        n = min(args.batch, end - i)
        if args.transactional:
            p.begin_transaction()
        for j in range(i, i + n):
            p.produce(args.topic, key=str(j).encode(), value=json.dumps({"n": j}).encode(),
                      partition=j % args.partitions, on_delivery=report)
            p.poll(0)
        if args.transactional:
            p.commit_transaction(30)
            batch_no += 1
            if batch_no % 3 == 0:
                p.begin_transaction()
                for j in range(args.partitions):
                    p.produce(args.topic, key=b"junk", value=b'{"n": -1}', partition=j)
                p.flush(30)
                p.abort_transaction(30)
        else:
            p.flush(30)
        if errors:
            fail(f"delivery failed: {errors[0]}")
        i += n
        if args.pause > 0:
            time.sleep(args.pause)
    p.flush(30)
    if errors:
        fail(f"delivery failed: {errors[0]}")
    if args.done_file:
        open(args.done_file, "w").close()


# ------------------------------------------- continuous products: load and checks

class Pacer:
    """Keeps a producer at RATE messages a second (None: as fast as it
    goes): wait(i) returns once message i (0-based) is due, sleeping only
    when 2 ms or more ahead, so that messages leave in small batches at
    a steady rate."""

    def __init__(self, rate):
        self.rate = rate
        self.t0 = time.monotonic()

    def wait(self, i, p):
        if not self.rate:
            return
        left = self.t0 + i / self.rate - time.monotonic()
        if left > 0.002:        # else it is sent now, with those due before it
            p.poll(0)
            time.sleep(left)


def produce_paced(args, topic, messages, count, rate, conf=None):
    """Produce count (key, value_fn(i) -> bytes, partition, timestamp)
    items from messages(i) at rate a second; flush and check deliveries."""
    c = {"bootstrap.servers": brokers(), "enable.idempotence": True,
         "allow.auto.create.topics": False, "linger.ms": 5, "log_level": 3,
         "queue.buffering.max.messages": 1000000, "message.timeout.ms": 120000}
    c.update(conf or {})
    p = Producer(c)
    parts = check_topic(p, topic)
    if args.partitions is not None and args.partitions > len(parts):
        fail(f"topic {topic} has {len(parts)} partitions, not {args.partitions}")
    d = Deliveries()
    if rate:
        # connections made and the idempotent producer's id acquired
        # before the first timed message
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            p.poll(0.05)
    pacer = Pacer(rate)
    for n in range(count):
        pacer.wait(n, p)
        key, value, part, ts = messages(args.start + n)
        kw = {"key": key, "value": value, "on_delivery": d}
        if part is not None:
            kw["partition"] = part
        if ts is not None:
            kw["timestamp"] = ts
        while True:
            try:
                p.produce(topic, **kw)
                break
            except BufferError:
                p.poll(0.05)
        p.poll(0)
        if d.errors:
            break
    left = p.flush(120)
    if left:
        fail(f"{left} messages not delivered in 120 s")
    if d.errors:
        fail("delivery failed: " + "; ".join(d.errors[:5]))


def cmd_produce_timed(args):
    """JSON {"n", "sent_us", "qty", "symbol"} at a steady rate, sent_us the
    time it was handed to the producer (microseconds since the epoch)."""
    def message(i):
        v = '{"n":%d,"sent_us":%d,"qty":%d,"symbol":"S%d"}' % (
            i, time.time_ns() // 1000, i % 100, i % 20)
        return (str(i).encode(), v.encode(),
                i % args.partitions if args.partitions else None, None)
    if args.count is None and (args.rate is None or args.seconds is None):
        fail("produce-timed takes --rate and --seconds, or --count")
    count = args.count if args.count is not None else int(round(args.rate * args.seconds))
    produce_paced(args, args.topic, message, count, args.rate)


TRADE_SYMBOLS = ["ZTEST", "ZVZZT", "ZXZZT", "ZWZZT", "ZJZZT"]
TRADES_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "stocktrades.avsc")


def trade(i):
    """Trade i of the demo's stocktrades, the same for the same i."""
    return {"symbol": TRADE_SYMBOLS[i % 5], "side": "BUY" if i % 2 == 0 else "SELL",
            "quantity": 1 + (i * 37) % 5000,
            "price": "%d.%02d" % (5 + (i * 7919) % 995, (i * 31) % 100),
            "account": "ACC%d" % (1 + i % 9), "userid": 1 + (i * 13) % 100}


def cmd_produce_trades(args):
    """Confluent-framed Avro trades (test/data/stocktrades.avsc, the
    demo's schema), registered under TOPIC-value; trade i has message
    timestamp base + i * step."""
    enc = Encoder("avro-confluent", args.schema or TRADES_SCHEMA,
                  args.subject or f"{args.topic}-value", "value")

    def message(i):
        return (str(i).encode(), enc(trade(i)),
                i % args.partitions if args.partitions else None,
                args.base_ms + i * args.step_ms)
    produce_paced(args, args.topic, message, args.count, args.rate)


class ValueReader:
    """Values of messages as Python objects: JSON, or Avro by framing
    (Confluent, schemas from the registry; single-object with --schema)."""

    def __init__(self, fmt, schema_files=()):
        self.fmt = fmt
        self.dec = Decoder("avro", list(schema_files), "value")

    def __call__(self, data):
        if data is None:
            return None
        if self.fmt == "json":
            return json.loads(data)
        if len(data) >= 5 and data[0] == 0:
            return self.dec.confluent(struct.unpack(">I", data[1:5])[0]).decode(data[5:])
        if len(data) >= 10 and data[:2] == b"\xc3\x01":
            s = self.dec.by_fingerprint.get(bytes(data[2:10]))
            if s is None:
                raise ValueError(f"no --schema with fingerprint {data[2:10].hex()}")
            return s.decode(data[10:])
        raise ValueError("neither Confluent nor single-object Avro framing")


def field_of(value, name):
    if not isinstance(value, dict):
        raise ValueError(f"not a record: {value!r}"[:200])
    v = value.get(name)
    if isinstance(v, tuple) and len(v) == 2:    # a union's (branch, value)
        v = v[1]
    return v


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(q * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def cmd_latency(args):
    """End-to-end latency: a read_committed consumer assigned every
    partition at its end (as of its start), reading messages whose value
    has sent_us (microseconds since the epoch, set by their first
    producer); receive time - sent_us per message."""
    read = ValueReader(args.value_format)
    c = Consumer({"bootstrap.servers": brokers(), "group.id": f"mesh-peer-{os.getpid()}",
                  "enable.auto.commit": False, "isolation.level": "read_committed",
                  "allow.auto.create.topics": False, "fetch.wait.max.ms": 10,
                  "log_level": 0})
    lat = []
    try:
        parts = check_topic(c, args.topic)
        start_us = time.time_ns() // 1000
        tps = []
        for part in parts:
            _, hi = c.get_watermark_offsets(TopicPartition(args.topic, part), timeout=10)
            tps.append(TopicPartition(args.topic, part, hi))
        c.assign(tps)
        # fetch sessions up before the producer starts
        c.poll(0.5)
        print("ready", flush=True)
        if args.ready_file:
            open(args.ready_file, "w").close()
        deadline = time.time() + args.timeout
        older = 0
        while len(lat) < args.count and time.time() < deadline:
            for m in c.consume(1000, 0.1):
                now_us = time.time_ns() // 1000
                if m.error():
                    fail(f"reading {args.topic}: {m.error().str()}")
                sent = field_of(read(m.value()), "sent_us")
                if sent is None or sent < start_us:
                    older += 1      # produced before this reader started
                    continue
                if len(lat) < args.count:
                    lat.append((now_us - sent) / 1000.0)
    finally:
        c.close()
    lat.sort()
    print("p50_ms=%.1f p99_ms=%.1f max_ms=%.1f count=%d" % (
        percentile(lat, 0.50), percentile(lat, 0.99), lat[-1] if lat else float("nan"), len(lat)))
    if len(lat) < args.count:
        fail(f"timed out: {len(lat)} of {args.count} messages in {args.timeout} s "
             f"({older} older ones skipped)")


def cmd_checksum(args):
    """count, distinct count and sum of a value field over a topic read
    from the beginning to its end as of the start (the last stable offset
    with read_committed), and the nulls and undecodable messages."""
    read = ValueReader(args.value_format, args.schema)
    c = Consumer({"bootstrap.servers": brokers(), "group.id": f"mesh-peer-{os.getpid()}",
                  "enable.auto.commit": False, "enable.partition.eof": True,
                  "isolation.level": args.isolation, "allow.auto.create.topics": False,
                  "log_level": 0})
    count = total = nulls = bad = 0
    seen = set()
    try:
        todo = {}
        for part in check_topic(c, args.topic):
            lo, hi = c.get_watermark_offsets(TopicPartition(args.topic, part), timeout=10)
            if hi > lo:
                todo[part] = hi
        c.assign([TopicPartition(args.topic, part, OFFSET_BEGINNING) for part in todo])
        deadline = time.time() + args.timeout
        while todo:
            if time.time() > deadline:
                fail(f"timed out reading {args.topic}: partitions {sorted(todo)} not at their end")
            for m in c.consume(10000, 0.2):
                part = m.partition()
                if m.error():
                    if m.error().code() == KafkaError._PARTITION_EOF:
                        todo.pop(part, None)
                        continue
                    fail(f"reading {args.topic}: {m.error().str()}")
                if part not in todo or m.offset() >= todo[part]:
                    todo.pop(part, None)
                    continue
                if m.offset() >= todo[part] - 1:
                    todo.pop(part)
                try:
                    v = field_of(read(m.value()), args.field)
                except Exception:
                    bad += 1
                    continue
                count += 1
                if v is None:
                    nulls += 1
                    continue
                seen.add(v)
                total += v
    finally:
        c.close()
    print(f"count={count} distinct={len(seen)} sum={total} nulls={nulls} undecodable={bad}")


def cmd_group_consume(args):
    c = Consumer({"bootstrap.servers": brokers(), "group.id": args.group,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                  "isolation.level": "read_committed", "log_level": 0})
    c.subscribe([args.topic])
    got = 0
    end = time.time() + 60
    try:
        while got < args.count and time.time() < end:
            m = c.poll(0.5)
            if m is None or m.error():
                continue
            got += 1
        if got < args.count:
            fail(f"read {got} of {args.count} messages")
        c.commit(asynchronous=False)
    finally:
        c.close()


def cmd_group_lag(args):
    c = Consumer({"bootstrap.servers": brokers(), "group.id": args.group,
                  "enable.auto.commit": False, "log_level": 0})
    try:
        md = c.list_topics(args.topic, timeout=10).topics[args.topic]
        parts = [TopicPartition(args.topic, p) for p in sorted(md.partitions)]
        total = 0
        for tp in c.committed(parts, timeout=10):
            if tp.offset < 0:
                continue
            _, high = c.get_watermark_offsets(TopicPartition(args.topic, tp.partition), timeout=10)
            lag = max(high - tp.offset, 0)
            total += lag
            print(f"partition {tp.partition}: committed {tp.offset}, high {high}, lag {lag}")
        print(f"total lag {total}")
    finally:
        c.close()


def cmd_delete_group(args):
    """Delete consumer groups (their committed offsets); absent is fine."""
    a = admin()
    for group, fut in a.delete_consumer_groups(args.groups, request_timeout=30).items():
        try:
            fut.result()
        except KafkaException as e:
            if "GROUP_ID_NOT_FOUND" not in str(e) and "NOT_FOUND" not in str(e):
                fail(f"deleting group {group}: {e}")


def cmd_add_partitions(args):
    from confluent_kafka.admin import NewPartitions
    a = admin()
    for fut in a.create_partitions([NewPartitions(args.topic, args.total)]).values():
        fut.result()
    wait_for(lambda: len(a.list_topics(args.topic, timeout=10).topics[args.topic].partitions)
             == args.total, "the new partitions")


def cmd_delete_records(args):
    a = admin()
    res = a.delete_records([TopicPartition(args.topic, args.partition, args.before)])
    for fut in res.values():
        fut.result()


# ------------------------------------------------------------------- main

def cmd_fence(args):
    """Register a transactional.id with the cluster (init_transactions),
    which fences any other producer of that id, as a second runner would."""
    p = Producer({"bootstrap.servers": brokers(), "transactional.id": args.transactional_id})
    p.init_transactions(30)
    p.begin_transaction()
    p.abort_transaction(30)


def main():
    p = argparse.ArgumentParser(prog="peer")
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("create-topic")
    c.add_argument("name")
    c.add_argument("--partitions", type=int, default=1)
    c.add_argument("--rf", type=int, default=1)
    c.add_argument("--config", action="append", default=[])
    c.add_argument("--recreate", action="store_true")
    d = sub.add_parser("delete-topic")
    d.add_argument("names", nargs="+")

    pr = sub.add_parser("produce")
    pr.add_argument("topic")
    pr.add_argument("--value-format", required=True,
                    choices=["avro-confluent", "avro-single", "json", "json-schema", "text",
                             "bytes"])
    pr.add_argument("--schema")
    pr.add_argument("--no-validate", action="store_true",
                    help="json-schema: do not check values against the schema (to write bad ones)")
    pr.add_argument("--subject", help="default TOPIC-value")
    pr.add_argument("--key-format", default="text",
                    choices=["text", "bytes", "json", "avro-confluent", "avro-single"])
    pr.add_argument("--key-schema")
    pr.add_argument("--key-subject", help="default TOPIC-key")
    pr.add_argument("--transactional", action="store_true")
    pr.add_argument("--abort", action="store_true")
    pr.add_argument("--hold-open", type=float, default=0.0, metavar="SECONDS")
    pr.add_argument("--ready-file", help="created once every message is delivered "
                    "(the transaction still open with --hold-open)")
    pr.add_argument("--partitioner", help="librdkafka's partitioner, e.g. murmur2_random "
                    "(Java's); default consistent_random")
    pr.add_argument("--input", help="default stdin")

    pp = sub.add_parser("produce-protobuf")
    pp.add_argument("topic")
    pp.add_argument("--proto", required=True)
    pp.add_argument("--message", required=True)
    pp.add_argument("--register", choices=["serializer", "text"], default="serializer")
    pp.add_argument("--subject", help="default TOPIC-value")
    pp.add_argument("--input", help="default stdin")

    rp = sub.add_parser("register-protobuf")
    rp.add_argument("subject")
    rp.add_argument("--proto", required=True)

    rr = sub.add_parser("produce-raw")
    rr.add_argument("topic")
    rr.add_argument("--hex", action="store_true", required=True)
    rr.add_argument("--partition", type=int)
    rr.add_argument("--input", help="default stdin")

    co = sub.add_parser("consume")
    co.add_argument("topic")
    co.add_argument("--value-format", default="bytes",
                    choices=["avro", "avro-confluent", "avro-single", "json", "json-schema", "text",
                             "bytes", "protobuf"])
    co.add_argument("--proto", help="protobuf: the .proto of the values")
    co.add_argument("--message", help="protobuf: the message's full name")
    co.add_argument("--key-format", default="text",
                    choices=["avro", "avro-confluent", "avro-single", "json", "text", "bytes"])
    co.add_argument("--schema", action="append", default=[],
                    help="a writer schema for single-object messages (repeatable)")
    co.add_argument("--from-beginning", action="store_true",
                    help="the default and only mode: kept for readability")
    co.add_argument("--isolation", default="read_committed",
                    choices=["read_committed", "read_uncommitted"])
    co.add_argument("--fields", help="comma-separated subset of " + ",".join(FIELDS))
    co.add_argument("--timeout", type=float, default=60.0)

    ps = sub.add_parser("produce-seq")
    ps.add_argument("topic")
    ps.add_argument("--count", type=int, required=True)
    ps.add_argument("--start", type=int, default=0)
    ps.add_argument("--partitions", type=int, default=1)
    ps.add_argument("--batch", type=int, default=1000)
    ps.add_argument("--pause", type=float, default=0.0)
    ps.add_argument("--transactional", action="store_true")
    ps.add_argument("--done-file")
    pt = sub.add_parser("produce-timed")
    pt.add_argument("topic")
    pt.add_argument("--rate", type=float, help="messages a second (default: as fast as it goes)")
    pt.add_argument("--seconds", type=float)
    pt.add_argument("--count", type=int, help="instead of rate * seconds")
    pt.add_argument("--partitions", type=int)
    pt.add_argument("--start", type=int, default=0)
    tr = sub.add_parser("produce-trades")
    tr.add_argument("topic")
    tr.add_argument("--count", type=int, required=True)
    tr.add_argument("--start", type=int, default=0)
    tr.add_argument("--partitions", type=int)
    tr.add_argument("--rate", type=float, help="messages a second (default: as fast as it goes)")
    tr.add_argument("--base-ms", type=int, default=1796083200000,
                    help="timestamp of trade 0 (default 2026-12-01T00:00:00Z)")
    tr.add_argument("--step-ms", type=int, default=1000)
    tr.add_argument("--schema", help="default test/data/stocktrades.avsc")
    tr.add_argument("--subject", help="default TOPIC-value")
    la = sub.add_parser("latency")
    la.add_argument("topic")
    la.add_argument("--count", type=int, required=True)
    la.add_argument("--timeout", type=float, default=120.0)
    la.add_argument("--value-format", default="json", choices=["json", "avro"])
    la.add_argument("--ready-file")
    ck = sub.add_parser("checksum")
    ck.add_argument("topic")
    ck.add_argument("--field", required=True)
    ck.add_argument("--value-format", default="avro", choices=["json", "avro"])
    ck.add_argument("--schema", action="append", default=[],
                    help="a writer schema for single-object messages (repeatable)")
    ck.add_argument("--isolation", default="read_committed",
                    choices=["read_committed", "read_uncommitted"])
    ck.add_argument("--timeout", type=float, default=300.0)
    # commands of positional arguments and required integer options
    for name, positional, numbers in (
        ("group-consume", ["group", "topic"], ["--count"]),
        ("group-lag", ["group", "topic"], []),
        ("delete-records", ["topic"], ["--partition", "--before"]),
        ("add-partitions", ["topic"], ["--total"]),
        ("register", ["subject", "file"], []),
        ("scram-user", ["name", "password"], []),
    ):
        cmd = sub.add_parser(name)
        for arg in positional:
            cmd.add_argument(arg)
        for arg in numbers:
            cmd.add_argument(arg, type=int, required=True)
    ac = sub.add_parser("acl")
    ac.add_argument("principal", help="e.g. User:alice")
    ac.add_argument("--topic", action="append", required=True)
    ac.add_argument("--operation", action="append", required=True,
                    help="READ, WRITE, DESCRIBE, ... (repeatable)")
    ac.add_argument("--delete", action="store_true")
    dg = sub.add_parser("delete-group")
    dg.add_argument("groups", nargs="+")
    fe = sub.add_parser("fence")
    fe.add_argument("transactional_id")
    ds = sub.add_parser("delete-subject")
    ds.add_argument("subject")

    args = p.parse_args()
    try:
        sys.stdout.reconfigure(encoding="utf-8")
    except AttributeError:
        pass
    commands = {
        "create-topic": create_topic,
        "delete-topic": lambda a: delete_topics(admin(), a.names),
        "produce": cmd_produce,
        "produce-raw": cmd_produce_raw,
        "produce-protobuf": cmd_produce_protobuf,
        "register-protobuf": cmd_register_protobuf,
        "consume": cmd_consume,
        "produce-seq": cmd_produce_seq,
        "produce-timed": cmd_produce_timed,
        "produce-trades": cmd_produce_trades,
        "latency": cmd_latency,
        "checksum": cmd_checksum,
        "group-consume": cmd_group_consume,
        "group-lag": cmd_group_lag,
        "add-partitions": cmd_add_partitions,
        "delete-group": cmd_delete_group,
        "delete-records": cmd_delete_records,
        "register": cmd_register,
        "scram-user": cmd_scram_user,
        "acl": cmd_acl,
        "delete-subject": cmd_delete_subject,
        "fence": cmd_fence,
    }
    try:
        if args.cmd in commands:
            commands[args.cmd](args)
    except (PeerError, KafkaException) as e:
        sys.exit(f"peer: {e}")


if __name__ == "__main__":
    main()
