"""A fake of the WhatsApp Cloud API for the browser tests, speaking its wire format:
POST /{version}/{phone-number-id}/messages answers 200 with a new wamid, as Meta does;
GET /{version}/{waba-id}/message_templates lists TEMPLATES; a template send is checked
against them (132001 unknown, 132000 parameter count, 132012 a media header missing or of
another format, 131053 a header media id this server never gave or a link not https); POST /{version}/{phone}/media takes
a multipart upload and answers its id; GET /{version}/{media-id} answers a download URL on
this server and GET /media-download/{id} the bytes (MEDIA: a PNG under 770001).
GET /{version}/{phone-number-id}?fields=id checks a token (ACCESS_TOKEN, else error 190).
GET /_sent lists what was sent (id, to, type, text, template, document), GET /_uploads
the uploads, for the tests to check and send receipts for.

Started by run.sh: `python3 fake_graph.py` prints `fake graph listening PORT` once bound."""
import hashlib
import itertools
import json
import re
import struct
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCESS_TOKEN = "browser-test-access-token"
sent = []
uploads = []
lock = threading.Lock()
ids = itertools.count(1)

TEMPLATES = [
    {"name": "order_ready", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "id": "594425479261596",
     "components": [{"type": "BODY", "text": "Hi {{1}}, your order {{2}} is ready for pickup."}]},
    {"name": "holiday_hours", "language": "en_US", "status": "PAUSED", "category": "MARKETING", "id": "594425479261597",
     "components": [{"type": "BODY", "text": "We close early on Friday."}]},
    {"name": "cake_photo", "language": "en_US", "status": "APPROVED", "category": "UTILITY", "id": "594425479261598",
     "components": [{"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW1hZ2UvanBlZw==:ARZ"]}},
                    {"type": "BODY", "text": "Here is your cake, {{1}}!"}]},
]


def error(code, message, details=""):
    return {"error": {"message": f"(#{code}) {message}", "type": "OAuthException", "code": code,
                      "error_data": {"messaging_product": "whatsapp", "details": details}}}


def check_header(template, components):
    """A media header as Meta checks it: the template's format, by an id this server gave or an https link.
    Returns (status, error) or None."""
    header = next((c for c in template["components"] if c["type"] == "HEADER"), None)
    fmt = (header or {}).get("format", "TEXT").lower()
    given = [p for c in components if c.get("type") == "header" for p in c.get("parameters", [])
             if p.get("type") in ("image", "video", "document")]
    if fmt in ("image", "video", "document"):
        if not given or given[0]["type"] != fmt:
            received = given[0]["type"].upper() if given else "UNKNOWN"
            return 400, error(132012, "Parameter format does not match format in the created template",
                              f"header: Format mismatch, expected {fmt.upper()}, received {received}")
        media = given[0].get(fmt) or {}
        if "id" in media and str(media["id"]) not in MEDIA:
            return 400, error(131053, "Media upload error", f"media id {media['id']} is not known")
        if "link" in media and not str(media["link"]).startswith("https://"):
            return 400, error(131053, "Media upload error", "the media link must be https")
    elif given:
        return 400, error(132012, "Parameter format does not match format in the created template", "header: no media header")
    return None


def png(width, height, rgb):
    """A real PNG of one colour (Chromium decodes it: the tests check naturalWidth)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


MEDIA = {"770001": ("image/png", png(160, 120, (232, 120, 40)))}


def multipart(body, content_type):
    m = re.search(r'boundary=("?)([^";]+)\1', content_type or "")
    if not m:
        return {}, None
    fields, file = {}, None
    for part in body.split(b"--" + m.group(2).encode())[1:-1]:
        if part.startswith(b"\r\n"):
            part = part[2:]
        head, _, content = part.partition(b"\r\n\r\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        head = head.decode("utf-8", "replace")
        name = re.search(r' name="([^"]*)"', head)
        filename = re.search(r' filename="([^"]*)"', head)
        if filename:
            ctype = re.search(r"(?im)^content-type:\s*(.+)$", head)
            file = (filename.group(1), ctype.group(1).strip() if ctype else "", content)
        elif name:
            fields[name.group(1)] = content.decode()
    return fields, file


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
        if len(parts) == 3 and parts[2] == "media":
            fields, file = multipart(raw, self.headers.get("Content-Type"))
            if not file or fields.get("messaging_product") != "whatsapp" or fields.get("type") != file[1]:
                return self.answer(400, {"error": {"message": "(#131053) Media upload error", "type": "OAuthException", "code": 131053}})
            media_id = str(880000000000 + next(ids))
            with lock:
                uploads.append({"id": media_id, "filename": file[0], "mime_type": file[1], "size": len(file[2]),
                                "sha256": hashlib.sha256(file[2]).hexdigest()})
                MEDIA[media_id] = (file[1], file[2])
            return self.answer(200, {"id": media_id})
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
        kind = body.get("type")
        if kind == "template":
            t = body.get("template") or {}
            known = [x for x in TEMPLATES if x["name"] == t.get("name") and x["language"] == (t.get("language") or {}).get("code")]
            if not known or known[0]["status"] != "APPROVED":
                return self.answer(404, {"error": {"message": "(#132001) Template name does not exist in the translation",
                                                   "type": "OAuthException", "code": 132001}})
            refused = check_header(known[0], t.get("components", []))
            if refused:
                return self.answer(*refused)
            given = sum(len(c.get("parameters", [])) for c in t.get("components", []) if c.get("type") == "body")
            body_text = next(c["text"] for c in known[0]["components"] if c["type"] == "BODY")
            wanted = len(set(re.findall(r"{{(\w+)}}", body_text)))
            if given != wanted:
                return self.answer(400, {"error": {"message": "(#132000) Number of parameters does not match the expected number of params",
                                                   "type": "OAuthException", "code": 132000}})
        if kind in ("image", "document") and str((body.get(kind) or {}).get("id")) not in MEDIA:
            return self.answer(400, {"error": {"message": "(#131053) Media upload error", "type": "OAuthException", "code": 131053}})
        wamid = f"wamid.FAKE{next(ids):08d}"
        text = (body.get("text") or {}).get("body")
        with lock:
            sent.append({"id": wamid, "to": to, "type": kind, "text": text, "phone_number_id": parts[1],
                         "template": body.get("template"), "document": body.get("document"), "image": body.get("image")})
        return self.answer(200, {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                                 "messages": [{"id": wamid}]})

    def do_GET(self):
        if self.path == "/_sent":
            with lock:
                return self.answer(200, list(sent))
        if self.path == "/_uploads":
            with lock:
                return self.answer(200, list(uploads))
        path = self.path.split("?")[0].strip("/").split("/")
        if len(path) == 2 and path[0] == "media-download" and path[1] in MEDIA:
            if not (self.headers.get("Authorization") or "").startswith("Bearer "):
                return self.answer(401, {"error": {"message": "Invalid OAuth access token.", "code": 190}})
            mime, data = MEDIA[path[1]]
            self.send_response(200)
            self.send_header("Content-Type", mime)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return None
        if len(path) == 2 and path[1].isdigit() and "fields=id" in self.path:
            # The token check of a number (GET /{phone_number_id}?fields=id): only this
            # test's token is valid; others get Graph's error 190.
            if (self.headers.get("Authorization") or "") != "Bearer " + ACCESS_TOKEN:
                return self.answer(401, {"error": {"message": "Invalid OAuth access token - Cannot parse access token",
                                                   "type": "OAuthException", "code": 190}})
            return self.answer(200, {"id": path[1]})
        if len(path) == 3 and path[2] == "message_templates":
            return self.answer(200, {"data": TEMPLATES, "paging": {"cursors": {"before": "0", "after": str(len(TEMPLATES))}}})
        if len(path) == 2 and path[1] in MEDIA:
            mime, data = MEDIA[path[1]]
            host = self.headers.get("Host")
            return self.answer(200, {"messaging_product": "whatsapp", "url": f"http://{host}/media-download/{path[1]}",
                                     "mime_type": mime, "sha256": hashlib.sha256(data).hexdigest(),
                                     "file_size": len(data), "id": path[1]})
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
