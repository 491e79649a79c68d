"""Load N Avro messages (single-object encoding) of the schema given into a
topic, for scripts/bench: a client that is not mesh_fdw, with a fixed
seed.  Message i has timestamp 1700000000000 + i ms.

  bench_load.py TOPIC SCHEMA_FILE N
  bench_load.py --file PATH SCHEMA_FILE N   write "key<TAB>value" lines
                                            for kcat -P -K '\t' -l instead;
                                            records whose encoding holds a
                                            tab or a newline get other values
"""
import io
import json
import os
import random
import sys

import fastavro
from confluent_kafka import Producer

to_file = sys.argv[1] == "--file"
if to_file:
    sys.argv.pop(1)
topic, schema_file, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
schema = fastavro.parse_schema(json.load(open(schema_file)))
canonical = fastavro.schema.to_parsing_canonical_form(schema)
# single-object encoding: C3 01, then the fingerprint's 8 little-endian bytes
header = b"\xc3\x01" + bytes.fromhex(fastavro.schema.fingerprint(canonical, "CRC-64-AVRO"))

rng = random.Random(42)
symbols = ["AAPL", "MSFT", "GOOG", "AMZN", "META", "NFLX", "TSLA", "ORCL"]
out = open(topic, "wb") if to_file else None
p = None if to_file else Producer({"bootstrap.servers": os.environ["MESH_BROKERS"], "linger.ms": 50,
              "batch.num.messages": 10000, "queue.buffering.max.messages": 1000000,
              "compression.codec": "none", "enable.idempotence": True,
              "allow.auto.create.topics": False, "log_level": 3})
buf = io.BytesIO()
if to_file and (b"\n" in header or b"\t" in header):
    sys.exit("bench_load: the schema's fingerprint holds a tab or newline byte")
for i in range(n):
    attempt = 0
    while True:
        buf.seek(0)
        buf.truncate()
        fastavro.schemaless_writer(buf, schema, {
            "tradeid": i + n * attempt, "userid": rng.randrange(100000), "quantity": rng.randrange(1, 1000),
            "price": round(rng.uniform(1, 1000), 2), "fee": round(rng.uniform(0, 5), 2),
            "symbol": symbols[i % len(symbols)], "account": f"ACC{rng.randrange(10000):05d}",
            "executed_at": 1700000000000 + i})
        if not to_file or not (b"\n" in buf.getvalue() or b"\t" in buf.getvalue()):
            break
        attempt += 1
    if to_file:
        out.write(str(i).encode() + b"\t" + header + buf.getvalue() + b"\n")
        continue
    while True:
        try:
            p.produce(topic, header + buf.getvalue(), key=str(i).encode(),
                      partition=i % 4, timestamp=1700000000000 + i)
            break
        except BufferError:
            p.poll(0.1)
    if i % 10000 == 0:
        p.poll(0)
if to_file:
    out.close()
    sys.exit(0)
left = p.flush(120)
if left:
    sys.exit(f"bench_load: {left} messages not delivered")
