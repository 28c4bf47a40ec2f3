"""A fake of the WhatsApp Cloud API's send endpoint for the browser tests, speaking its wire
format: POST /{version}/{phone-number-id}/messages answers 200 with a new wamid, as Meta
does. GET /_sent lists what was sent (id, to, text), for the tests to send receipts for.

Started by run.sh: `python3 fake_graph.py` prints `fake graph listening PORT` once bound."""
import itertools
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sent = []
lock = threading.Lock()
ids = itertools.count(1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        parts = self.path.strip("/").split("/")
        if len(parts) != 3 or parts[2] != "messages":
            return self.answer(404, {"error": {"message": "Unknown path", "type": "OAuthException", "code": 803}})
        if not (self.headers.get("Authorization") or "").startswith("Bearer "):
            return self.answer(401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}})
        try:
            body = json.loads(raw)
        except ValueError:
            return self.answer(400, {"error": {"message": "Invalid JSON", "type": "OAuthException", "code": 100}})
        if body.get("status") == "read":       # mark as read
            return self.answer(200, {"success": True})
        to = str(body.get("to", ""))
        wamid = f"wamid.FAKE{next(ids):08d}"
        text = (body.get("text") or {}).get("body")
        with lock:
            sent.append({"id": wamid, "to": to, "text": text, "phone_number_id": parts[1]})
        return self.answer(200, {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                                 "messages": [{"id": wamid}]})

    def do_GET(self):
        if self.path == "/_sent":
            with lock:
                return self.answer(200, list(sent))
        return self.answer(404, {"error": {"message": "Unknown path", "code": 803}})

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"fake graph listening {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)
