"""A Kafka peer that is not mesh_fdw, for tests: creates and deletes
topics, produces messages.  Talks to $MESH_BROKERS.  Prints nothing on
success, so that pg_regress output stays deterministic.

  peer.py create-topic NAME [--partitions N] [--rf R] [--config k=v ...] [--recreate]
  peer.py delete-topic NAME...
"""
import argparse
import os
import sys
import time

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic


def brokers():
    return os.environ.get("MESH_BROKERS", "127.0.0.1:39092")


def admin():
    return AdminClient({"bootstrap.servers": brokers(), "log_level": 0})


def wait_for(pred, what, timeout=30.0):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return
        time.sleep(0.1)
    sys.exit(f"peer: timed out waiting for {what}")


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
    args = p.parse_args()
    if args.cmd == "create-topic":
        create_topic(args)
    elif args.cmd == "delete-topic":
        delete_topics(admin(), args.names)


if __name__ == "__main__":
    main()
