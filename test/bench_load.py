"""Load N Avro messages (single-object encoding) of the schema given into a
topic, for scripts/bench: a client that is not mesh_fdw, with a fixed
seed.  Message i has timestamp 1700000000000 + i ms.

  bench_load.py TOPIC SCHEMA_FILE N
"""
import io
import json
import os
import random
import sys

import fastavro
from confluent_kafka import Producer

topic, schema_file, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
schema = fastavro.parse_schema(json.load(open(schema_file)))
canonical = fastavro.schema.to_parsing_canonical_form(schema)
# single-object encoding: C3 01, then the fingerprint's 8 little-endian bytes
header = b"\xc3\x01" + bytes.fromhex(fastavro.schema.fingerprint(canonical, "CRC-64-AVRO"))

rng = random.Random(42)
symbols = ["AAPL", "MSFT", "GOOG", "AMZN", "META", "NFLX", "TSLA", "ORCL"]
p = Producer({"bootstrap.servers": os.environ["MESH_BROKERS"], "linger.ms": 50,
              "batch.num.messages": 10000, "queue.buffering.max.messages": 1000000,
              "compression.codec": "none", "enable.idempotence": True,
              "allow.auto.create.topics": False, "log_level": 3})
buf = io.BytesIO()
for i in range(n):
    buf.seek(0)
    buf.truncate()
    fastavro.schemaless_writer(buf, schema, {
        "tradeid": i, "userid": rng.randrange(100000), "quantity": rng.randrange(1, 1000),
        "price": round(rng.uniform(1, 1000), 2), "fee": round(rng.uniform(0, 5), 2),
        "symbol": symbols[i % len(symbols)], "account": f"ACC{rng.randrange(10000):05d}",
        "executed_at": 1700000000000 + i})
    while True:
        try:
            p.produce(topic, header + buf.getvalue(), key=str(i).encode(),
                      partition=i % 4, timestamp=1700000000000 + i)
            break
        except BufferError:
            p.poll(0.1)
    if i % 10000 == 0:
        p.poll(0)
left = p.flush(120)
if left:
    sys.exit(f"bench_load: {left} messages not delivered")
