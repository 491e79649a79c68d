"""Seeds of test/fuzz/corpus/fuzz_protobuf: test/data/protobuf/order.proto
as text and as base64 FileDescriptorProto, each with a NUL and messages
protoc's Python classes (grpcio-tools) serialize, and messages alone (of
fuzz_protobuf.c's built-in schema).  Run with the project's venv:
  .deps/venv/bin/python test/fuzz/gen_protobuf_corpus.py"""
import base64
import importlib
import importlib.resources
import os
import sys
import tempfile

from google.protobuf import json_format
from grpc_tools import protoc

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out_dir = os.path.join(root, "test/fuzz/corpus/fuzz_protobuf")
data = os.path.join(root, "test/data/protobuf")
tmp = tempfile.mkdtemp()
include = str(importlib.resources.files("grpc_tools") / "_proto")
if protoc.main(["protoc", f"-I{data}", f"-I{include}", f"--python_out={tmp}", "order.proto"]):
    sys.exit("protoc failed")
sys.path.insert(0, tmp)
order_pb2 = importlib.import_module("order_pb2")

os.makedirs(out_dir, exist_ok=True)
for f in os.listdir(out_dir):
    os.remove(os.path.join(out_dir, f))
text = open(os.path.join(data, "order.proto"), "rb").read()
b64 = base64.b64encode(order_pb2.DESCRIPTOR.serialized_pb)
values = [
    {},
    {"id": 1, "name": "x", "status": "PAID", "packedInts": [1, -2], "unpackedInts": [3],
     "counts": {"a": "5"}, "maybe": 0, "at": "2024-01-02T03:04:05Z", "wrapped": 3,
     "big": "18446744073709551615", "line": {"sku": "s", "qty": 1}, "delta": -5,
     "ratio": 0.5, "blob": "AP8=", "took": "1.5s", "flag": True, "tags": ["a"],
     "note": "n", "lines": [{"sku": "l"}]},
    {"text": "t", "firstLine": {"qty": -1}},
]
n = 0
for v in values:
    m = json_format.ParseDict(v, order_pb2.Order()).SerializeToString()
    for schema in (text, b64):
        open(os.path.join(out_dir, f"seed-{n:02d}"), "wb").write(schema + b"\0" + m)
        n += 1
    open(os.path.join(out_dir, f"seed-{n:02d}"), "wb").write(m)
    n += 1
open(os.path.join(out_dir, f"seed-{n:02d}"), "wb").write(text)
