"""A schema registry that answers what no real one would, for the tests of
how mesh_fdw resolves Protobuf references from hostile answers.  It binds a
free loopback port, writes it to PORTFILE, and serves until GET /quit (or
for 120 s at most).

  fake_registry.py PORTFILE

Subjects (each one's latest version is a schema id, 9001.. , and
/schemas/ids/<id> answers the same):
  regress_pbrefs_fkbad-value     references a.proto in subject fk_bad_a,
                                 whose version references an entry
                                 without a subject
  regress_pbrefs_fkcycle-value   references c1.proto (subject fk_c1),
                                 which imports c2.proto (fk_c2), which
                                 imports c1.proto again
  regress_pbrefs_fkdeep-value    references d0.proto; fk_d<n> references
                                 d<n+1>.proto, without end
  regress_pbrefs_fkbigver-value  references a version beyond int32 (2^32 + 1)
  regress_pbrefs_fkbigid-value   whose id is beyond int32 (2^32 + 9005)
"""
import http.server
import json
import os
import re
import sys
import time

MAIN = ('syntax = "proto3";\nimport "%s";\nmessage M { int32 id = 1; }\n')
LEAF = 'syntax = "proto3";\nmessage %s { int32 x = 1; }\n'

LATEST = {
    "regress_pbrefs_fkbad-value": (9001, "a.proto", "fk_bad_a", 1),
    "regress_pbrefs_fkcycle-value": (9002, "c1.proto", "fk_c1", 1),
    "regress_pbrefs_fkdeep-value": (9003, "d0.proto", "fk_d0", 1),
    "regress_pbrefs_fkbigver-value": (9004, "a.proto", "fk_big_a", 4294967297),
    # an id beyond int32, which truncated would be 9005
    "regress_pbrefs_fkbigid-value": (4294976301, "a.proto", "fk_big_a", 1),
}
IDS = {v[0]: k for k, v in LATEST.items()}


def ref(name, subject, version):
    return {"name": name, "subject": subject, "version": version}


def latest(subject):
    sid, name, refsubject, version = LATEST[subject]
    return {"subject": subject, "id": sid, "version": 1, "schemaType": "PROTOBUF",
            "schema": MAIN % name, "references": [ref(name, refsubject, version)]}


def version(subject):
    if subject == "fk_bad_a":
        return {"schema": LEAF % "A", "version": 1, "schemaType": "PROTOBUF",
                "references": [{"name": "b.proto"}]}
    if subject in ("fk_c1", "fk_c2"):
        other = "c2" if subject == "fk_c1" else "c1"
        return {"schema": 'syntax = "proto3";\nimport "%s.proto";\n' % other,
                "version": 1, "schemaType": "PROTOBUF",
                "references": [ref(other + ".proto", "fk_" + other, 1)]}
    m = re.fullmatch(r"fk_d(\d+)", subject)
    if m:
        n = int(m.group(1)) + 1
        return {"schema": 'syntax = "proto3";\nimport "d%d.proto";\n' % n,
                "version": 1, "schemaType": "PROTOBUF",
                "references": [ref("d%d.proto" % n, "fk_d%d" % n, 1)]}
    if subject == "fk_big_a":
        return {"schema": LEAF % "A", "version": 1, "schemaType": "PROTOBUF"}
    return None


class Registry(http.server.BaseHTTPRequestHandler):
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/quit":
            self.answer(200, {})
            raise SystemExit
        m = re.fullmatch(r"/subjects/([^/]+)/versions/(latest|\d+)", self.path)
        if m and m.group(2) == "latest" and m.group(1) in LATEST:
            return self.answer(200, latest(m.group(1)))
        if m and version(m.group(1)) is not None:
            return self.answer(200, version(m.group(1)))
        m = re.fullmatch(r"/schemas/ids/(\d+)", self.path)
        if m and int(m.group(1)) in IDS:
            body = latest(IDS[int(m.group(1))])
            return self.answer(200, {k: body[k] for k in ("schema", "schemaType", "references")})
        self.answer(404, {"error_code": 40401, "message": "not found"})

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Registry)
server.timeout = 5
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
deadline = time.time() + 120
try:
    while time.time() < deadline:
        server.handle_request()
except SystemExit:
    pass
