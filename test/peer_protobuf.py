"""Protobuf for test/peer.py: produce-protobuf (classes that protoc
(grpcio-tools) makes of a .proto file, produced with confluent-kafka's
ProtobufSerializer or framed here after registering the .proto text
through the registry's REST API) and consume --value-format protobuf
(confluent-kafka's ProtobufDeserializer with those classes)."""
import json
import os
import re
import sys



def local_imports(folder, name):
    """The files name imports from folder (the well-known types are not
    there), theirs too, each once, imported ones first."""
    found = []

    def visit(n):
        with open(os.path.join(folder, n), encoding="utf-8") as f:
            text = f.read()
        for dep in re.findall(r'^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;', text, re.M):
            if dep not in found and os.path.exists(os.path.join(folder, dep)):
                visit(dep)
                found.append(dep)
    visit(name)
    return found


def register_text(peer, folder, name, subject):
    """Register a .proto file's text under subject through the REST API,
    with a reference to each file it imports from folder (registered
    first, under its file name); its id and version."""
    import urllib.parse
    import urllib.request
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        text = f.read()
    refs = []
    for dep in re.findall(r'^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;', text, re.M):
        if os.path.exists(os.path.join(folder, dep)):
            refs.append({"name": dep, "subject": dep,
                         "version": register_text(peer, folder, dep, dep)[1]})
    body = json.dumps({"schemaType": "PROTOBUF", "schema": text, "references": refs}).encode()
    path = f"{peer.registry_url()}/subjects/{urllib.parse.quote(subject, safe='')}"
    headers = {"Content-Type": "application/vnd.schemaregistry.v1+json"}
    try:
        with urllib.request.urlopen(urllib.request.Request(path + "/versions", data=body,
                                                           headers=headers)) as r:
            sid = json.load(r)["id"]
        # the version of this text (a text registered before keeps its own)
        with urllib.request.urlopen(urllib.request.Request(path, data=body, headers=headers)) as r:
            return sid, json.load(r)["version"]
    except Exception as e:
        peer.fail(f"registering {name} under {subject}: {e}")


def protobuf_classes(proto_path, peer):
    """The module protoc (grpcio-tools) generates for a .proto file (and
    those of the files it imports from its folder)."""
    import importlib
    import importlib.resources
    import tempfile
    from grpc_tools import protoc
    out = tempfile.mkdtemp(prefix="mesh-peer-pb-")
    include = str(importlib.resources.files("grpc_tools") / "_proto")
    folder, name = os.path.split(os.path.abspath(proto_path))
    if protoc.main(["protoc", f"-I{folder}", f"-I{include}", f"--python_out={out}",
                    name] + local_imports(folder, name)) != 0:
        peer.fail(f"protoc failed on {proto_path}")
    sys.path.insert(0, out)
    return importlib.import_module(name[:-len(".proto")].replace("-", "_") + "_pb2")


def message_class(module, name):
    """The generated class of a message by its full name (package.Outer.Name)."""
    package = module.DESCRIPTOR.package
    cls = None
    for part in name.split(".")[len(package.split(".")) if package else 0:]:
        cls = getattr(cls or module, part)
    return cls


class Decoder:
    """consume --value-format protobuf: each value through ProtobufDeserializer,
    shown as Protobuf's JSON mapping (MessageToDict, .proto field names, keys
    sorted), with "same_bytes": whether the message is byte for byte what
    Python's protobuf writes for it (SerializeToString(deterministic=True))."""

    def __init__(self, proto, message, topic, peer):
        from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer
        from confluent_kafka.serialization import MessageField, SerializationContext
        self.cls = message_class(protobuf_classes(proto, peer), message)
        self.deserializer = ProtobufDeserializer(self.cls, {"use.deprecated.format": False})
        self.context = SerializationContext(topic, MessageField.VALUE)

    def __call__(self, data):
        if data is None:
            return "null"
        try:
            return self.show(data)
        except Exception as e:
            return '{"$hex":"%s","$error":%s}' % (data.hex(), json.dumps(str(e)))

    def show(self, data):
        from google.protobuf import json_format
        m = self.deserializer(data, self.context)
        # the payload after the framing: magic, id, then the index list
        i = 5
        count, i = read_zigzag(data, i)
        for _ in range(count):
            _, i = read_zigzag(data, i)
        shown = json_format.MessageToDict(m, preserving_proto_field_name=True)
        shown["same_bytes"] = bytes(data[i:]) == m.SerializeToString(deterministic=True)
        return json.dumps(shown, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def read_zigzag(data, i):
    """A zigzag varint of the framing at data[i]: (value, next i)."""
    u, shift = 0, 0
    while True:
        b = data[i]
        i += 1
        u |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return (u >> 1) ^ -(u & 1), i


def zigzag_varint(n):
    """A message index (or their count) as the framing writes it."""
    u = (n << 1) ^ (n >> 63)
    return bytes(((u >> s) & 0x7F) | (0x80 if u >> (s + 7) else 0)
                 for s in range(0, max(u.bit_length(), 1), 7))


def produce(args, peer):
    """peer.py produce-protobuf (see peer.py's docstring)."""
    from google.protobuf import json_format
    module = protobuf_classes(args.proto, peer)
    pool_msg = module.DESCRIPTOR.pool.FindMessageTypeByName(args.message)
    cls = message_class(module, args.message)
    subject = args.subject or f"{args.topic}-value"
    p = peer.producer(args)
    peer.check_topic(p, args.topic)
    if args.register == "serializer":
        from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
        from confluent_kafka.serialization import MessageField, SerializationContext
        ser = ProtobufSerializer(cls, peer.registry(), {"use.deprecated.format": False})
        ctx = SerializationContext(args.topic, MessageField.VALUE)
        encode = lambda m: ser(m, ctx)
        framing = None
    else:
        sid = register_text(peer, *os.path.split(os.path.abspath(args.proto)), subject)[0]
        # message indexes: the path of the message among the file's messages
        path = []
        d = pool_msg
        while d is not None:
            siblings = (d.containing_type.nested_types if d.containing_type
                        else list(module.DESCRIPTOR.message_types_by_name.values()))
            path.insert(0, [s.full_name for s in siblings].index(d.full_name))
            d = d.containing_type
        indexes = b"\x00" if path == [0] else zigzag_varint(len(path)) + b"".join(
            zigzag_varint(i) for i in path)
        framing = b"\x00" + sid.to_bytes(4, "big") + indexes
        encode = lambda m: framing + m.SerializeToString()
    messages = []
    for n, line in peer.read_lines(args.input):
        rec = json.loads(line)
        key = rec.get("key")
        key = key.encode() if isinstance(key, str) else None
        if "payload_hex" in rec:
            if framing is None:
                peer.fail(f"line {n}: payload_hex needs --register text")
            messages.append((key, framing + bytes.fromhex(rec["payload_hex"]), None, None, None))
            continue
        try:
            m = json_format.ParseDict(rec["value"], cls())
        except Exception as e:
            peer.fail(f"line {n}: {e}")
        messages.append((key, encode(m), None, None, None))
    peer.send_all(p, args.topic, messages)


def register(args, peer):
    """peer.py register-protobuf (see peer.py's docstring)."""
    sid, version = register_text(peer, *os.path.split(os.path.abspath(args.proto)), args.subject)
    print(f"registered {args.subject} version {version}")
