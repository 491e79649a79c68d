"""Cluster chores of the fault suite (test/faults/run), with a Kafka client
that is not mesh_fdw (confluent-kafka), against $MESH_BROKERS:

  cluster.py wait-healthy BROKERS [--timeout S]
      until BROKERS brokers are registered and each answers itself, and
      every partition of every topic (internal ones too) has a leader and
      all its replicas in sync
  cluster.py leader TOPIC PARTITION     the node id of the partition's leader
  cluster.py messages TOPIC             sum over partitions of high - low
  cluster.py load TOPIC N [--first I] [--pad BYTES]
      N JSON messages {"id": i, "pad": "xx.."} keyed by i, i = I..I+N-1,
      idempotent producer, acks=all
  cluster.py create-partitions TOPIC N  grow the topic to N partitions
  cluster.py wait-topic TOPIC N         until every broker knows the topic
      with N partitions, each with a leader (brokers learn of a new topic
      or partition one after the other)
  cluster.py wait-gone TOPIC            until no broker knows the topic

Exits 1 with "cluster: ..." on stderr on failure.
"""
import json
import os
import sys
import time

from confluent_kafka import KafkaException, Producer, TopicPartition, Consumer
from confluent_kafka.admin import AdminClient, NewPartitions


def fail(msg):
    sys.exit(f"cluster: {msg}")


def brokers():
    return os.environ["MESH_BROKERS"]


def admin():
    return AdminClient({"bootstrap.servers": brokers(), "log_level": 0,
                        "socket.connection.setup.timeout.ms": 2000})


def answers(broker):
    """Whether the broker itself answers a metadata request.  (Right after
    a broker was killed and restarted, the cluster's metadata still lists
    it, and its partitions' ISR still holds it, until its session times
    out: only asking it tells that it is back.)"""
    try:
        AdminClient({"bootstrap.servers": broker, "log_level": 0,
                     "socket.connection.setup.timeout.ms": 1000}).list_topics(timeout=1)
        return True
    except KafkaException:
        return False


def healthy(a, n):
    try:
        md = a.list_topics(timeout=2)
    except KafkaException as e:
        return f"no metadata: {e}"
    if len(md.brokers) != n:
        return f"{len(md.brokers)} of {n} brokers"
    for b in md.brokers.values():
        if not answers(f"{b.host}:{b.port}"):
            return f"broker {b.id} ({b.host}:{b.port}) does not answer"
    for t in md.topics.values():
        if t.error is not None:
            return f"topic {t.topic}: {t.error}"
        for p in t.partitions.values():
            if p.leader < 0:
                return f"{t.topic}/{p.id}: no leader"
            if len(p.isrs) != len(p.replicas):
                return f"{t.topic}/{p.id}: ISR {p.isrs} of {p.replicas}"
    return None


def wait_healthy(n, timeout):
    a = admin()
    end = time.time() + timeout
    why = None
    while time.time() < end:
        why = healthy(a, n)
        if why is None:
            return
        time.sleep(0.25)
    fail(f"cluster not healthy after {timeout:.0f} s: {why}")


def leader(topic, partition):
    md = admin().list_topics(topic=topic, timeout=10)
    t = md.topics.get(topic)
    if t is None or t.error is not None or partition not in t.partitions:
        fail(f"no partition {partition} of {topic}")
    print(t.partitions[partition].leader)


def messages(topic):
    # read_uncommitted: the high watermark, which counts the messages of
    # open transactions too (read_committed would give the last stable
    # offset, which stands still until the transaction ends)
    c = Consumer({"bootstrap.servers": brokers(), "group.id": "faults-cluster",
                  "log_level": 0, "enable.auto.commit": False,
                  "isolation.level": "read_uncommitted",
                  "allow.auto.create.topics": False})
    try:
        md = c.list_topics(topic=topic, timeout=10).topics.get(topic)
        if md is None or md.error is not None:
            print(-1)
            return
        total = 0
        for p in md.partitions:
            lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            total += hi - lo
        print(total)
    finally:
        c.close()


def load(topic, n, first, pad):
    errors = []

    def report(err, msg):
        if err is not None:
            errors.append(err.str())

    p = Producer({"bootstrap.servers": brokers(), "log_level": 0,
                  "enable.idempotence": True, "acks": "all", "linger.ms": 20,
                  "batch.num.messages": 10000, "queue.buffering.max.messages": 1000000,
                  "allow.auto.create.topics": False, "message.timeout.ms": 60000})
    filler = "x" * pad
    for i in range(first, first + n):
        value = json.dumps({"id": i, "pad": filler}, separators=(",", ":")).encode()
        while True:
            try:
                p.produce(topic, value, key=str(i).encode(), on_delivery=report)
                break
            except BufferError:
                p.poll(0.1)
        if i % 10000 == 0:
            p.poll(0)
    left = p.flush(120)
    if left or errors:
        fail(f"{left} messages not delivered, {len(errors)} failed: {errors[:3]}")


def wait_brokers(topic, ready, failure, timeout):
    """Until each broker's own metadata of topic (None if it has none) is
    ready(...), or fail with "broker ID <failure>" after timeout seconds."""
    md = admin().list_topics(timeout=10)
    end = time.time() + timeout
    for b in md.brokers.values():
        one = AdminClient({"bootstrap.servers": f"{b.host}:{b.port}", "log_level": 0})
        while True:
            try:
                if ready(one.list_topics(topic=topic, timeout=2).topics.get(topic)):
                    break
            except KafkaException:
                pass
            if time.time() > end:
                fail(f"broker {b.id} {failure}")
            time.sleep(0.1)


def wait_topic(topic, n, timeout=30.0):
    wait_brokers(topic, lambda t: t is not None and t.error is None and len(t.partitions) == n and
                 all(p.leader >= 0 for p in t.partitions.values()),
                 f"does not know {topic} with {n} partitions", timeout)


def wait_gone(topic, timeout=30.0):
    wait_brokers(topic, lambda t: t is None or t.error is not None, f"still knows {topic}", timeout)


def create_partitions(topic, n):
    a = admin()
    for _, fut in a.create_partitions([NewPartitions(topic, n)], operation_timeout=30).items():
        fut.result()
    wait_topic(topic, n)


def main():
    args = sys.argv[1:]
    if not args:
        fail(__doc__)
    cmd, rest = args[0], args[1:]

    def opt(name, default):
        if name in rest:
            i = rest.index(name)
            value = rest[i + 1]
            del rest[i:i + 2]
            return value
        return default
    try:
        if cmd == "wait-healthy":
            timeout = float(opt("--timeout", "120"))
            wait_healthy(int(rest[0]), timeout)
        elif cmd == "leader":
            leader(rest[0], int(rest[1]))
        elif cmd == "messages":
            messages(rest[0])
        elif cmd == "load":
            first = int(opt("--first", "1"))
            pad = int(opt("--pad", "40"))
            load(rest[0], int(rest[1]), first, pad)
        elif cmd == "wait-topic":
            wait_topic(rest[0], int(rest[1]))
        elif cmd == "wait-gone":
            wait_gone(args[1])
        elif cmd == "create-partitions":
            create_partitions(rest[0], int(rest[1]))
        else:
            fail(f"unknown command {cmd}")
    except KafkaException as e:
        fail(str(e))


if __name__ == "__main__":
    main()
