"""A tiny HTTP server for the security test: every GET answers with a
redirect to the URL given (e.g. file:///etc/passwd), until GET /quit.

  redirect_server.py PORT LOCATION
"""
import http.server
import sys

port, location = int(sys.argv[1]), sys.argv[2]


class Redirect(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/quit":
            self.send_response(200)
            self.end_headers()
            raise SystemExit
        self.send_response(302)
        self.send_header("Location", location)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", port), Redirect)
server.timeout = 60
try:
    while True:
        server.handle_request()
except SystemExit:
    pass
