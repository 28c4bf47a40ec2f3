#!/usr/bin/env python3
"""A caching proxy for an OpenAI-compatible /v1/embeddings server, for benchmark runs that
embed the same texts again and again (spend_curve.py runs CLINC150 once per share).

    bench/eval/embed_cache.py --upstream http://127.0.0.1:8001/v1 [--port 0] [--port-file FILE]

POST /v1/embeddings: the texts it has seen are answered from memory, the others are asked
of the upstream server in one call (and kept). The vectors are the upstream model's, so a
measurement through it gives the same answers;
`usage.prompt_tokens` is characters / 4 (rounded up) per text, cached or not, so that
every run books the same embedding spend (the llm plugin books what the answer says). Prints "listening on 127.0.0.1:PORT" once it accepts.
"""
import argparse, json, math, threading, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", default="http://127.0.0.1:8001/v1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    cache, lock = {}, threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            if self.path.rstrip("/") != "/v1/embeddings":
                self.send_error(404)
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            with lock:
                missing = [t for t in dict.fromkeys(texts) if t not in cache]
            tokens = sum(math.ceil(len(t) / 4) for t in texts)
            if missing:
                req = urllib.request.Request(a.upstream.rstrip("/") + "/embeddings",
                                             data=json.dumps({"input": missing, "model": body.get("model", "")}).encode(),
                                             headers={"Content-Type": "application/json"})
                got = json.load(urllib.request.urlopen(req))
                with lock:
                    for e in got["data"]:
                        cache[missing[e["index"]]] = e["embedding"]
            with lock:
                data = [{"object": "embedding", "index": i, "embedding": cache[t]} for i, t in enumerate(texts)]
            out = json.dumps({"object": "list", "data": data, "model": body.get("model", ""),
                              "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    port = server.server_address[1]
    print("listening on 127.0.0.1:%d" % port, flush=True)
    if a.port_file:
        open(a.port_file, "w").write(str(port))
    server.serve_forever()


if __name__ == "__main__":
    main()
