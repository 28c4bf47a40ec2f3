#!/usr/bin/env python3
"""A scripted OpenAI-compatible model server for the spend figure of `switchboard eval`.

    bench/eval/scripted_llm.py [--data ../shared/data/clinc150/data_full.json]
                               [--small-share 0.6] [--port 0] [--port-file FILE]

Speaks POST /v1/chat/completions (non-streaming and streaming, `usage` included, as
OpenAI does) for two models, and knows each CLINC150 question (test and val splits, in and
out of scope) by its text: the last user message of a request is the customer's question.

The script, stated so that the figure can be judged:
  * "big-model" answers every in-scope question with its intent's FAQ answer
    (clinc150.answer_text, confidence 0.9) and says `unknown` to out-of-scope ones.
  * "small-model" answers the same way the in-scope questions of the first SHARE of the
    150 intents in name order (--small-share; 0.6 = the first 90 intents,
    "accept_reservations" to "pto_request"), and says `unknown` to every other question (the other intents,
    and all out-of-scope questions), so the llm plugin escalates them to the big model.
  * --out-of-scope handoff: both models say `handoff` to out-of-scope questions instead
    (a model that recognises a question the business's knowledge does not cover and hands
    it to a person; the small model's handoff ends the cascade, no escalation).
  * Any other model name: 404 (as a server that does not have the model).
Usage: prompt_tokens = characters of all messages / 4 (rounded up), completion_tokens =
characters of the reply / 4 (rounded up), no cached tokens. Both models see the same prompt,
so the spend ratio is decided by the prices and by how many questions escalate.

Prints "listening on 127.0.0.1:PORT" (and writes PORT to --port-file) once it accepts.
"""
import argparse, json, math, os, sys, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clinc150 import answer_text
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(repo, "..", "shared", "data", "clinc150", "data_full.json"))
    ap.add_argument("--small-share", type=float, default=0.6)
    ap.add_argument("--out-of-scope", choices=["unknown", "handoff"], default="unknown",
                    help="what both models say to an out-of-scope question (default unknown: the small model escalates it)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    d = json.load(open(a.data))
    intents = sorted({i for _, i in d["train"]})
    small_knows = set(intents[: int(round(a.small_share * len(intents)))])
    intent_of = {}
    for split in ("test", "val"):
        for q, i in d[split]:
            intent_of[q.strip()] = i
    for split in ("oos_test", "oos_val"):
        for q, _ in d[split]:
            intent_of.setdefault(q.strip(), None)
    counts = {"small-model": 0, "big-model": 0}
    lock = threading.Lock()

    def decide(model, question):
        intent = intent_of.get(question)
        if intent is not None and (model == "big-model" or intent in small_knows):
            return {"action": "answer", "text": answer_text(intents, intent), "confidence": 0.9}
        if intent is None and question in intent_of and a.out_of_scope == "handoff":
            return {"action": "handoff", "text": "", "confidence": 0.9}
        return {"action": "unknown", "text": "", "confidence": 0.1}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *args): pass

        def send(self, status, body, ctype="application/json"):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path != "/v1/chat/completions":
                return self.send(404, json.dumps({"error": {"message": "Unknown route POST " + self.path, "type": "invalid_request_error", "code": None}}))
            try:
                req = json.loads(body)
            except ValueError:
                return self.send(400, json.dumps({"error": {"message": "invalid JSON body", "type": "invalid_request_error", "code": None}}))
            model = req.get("model", "")
            if model not in counts:
                return self.send(404, json.dumps({"error": {"message": "The model `%s` does not exist" % model, "type": "invalid_request_error", "code": "model_not_found"}}))
            msgs = req.get("messages", [])
            users = [m.get("content", "") for m in msgs if m.get("role") == "user"]
            question = (users[-1] if users else "").strip()
            text = json.dumps(decide(model, question))
            chars = sum(len(m.get("content", "") or "") for m in msgs)
            usage = {"prompt_tokens": math.ceil(chars / 4), "completion_tokens": math.ceil(len(text) / 4),
                     "prompt_tokens_details": {"cached_tokens": 0}}
            usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
            with lock:
                counts[model] += 1
            created = int(time.time())
            if req.get("stream"):
                chunk = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": created, "model": model,
                         "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}, "finish_reason": None}]}
                end = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": created, "model": model,
                       "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                last = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": created, "model": model,
                        "choices": [], "usage": usage}
                out = "".join("data: %s\n\n" % json.dumps(c) for c in (chunk, end, last)) + "data: [DONE]\n\n"
                return self.send(200, out, "text/event-stream")
            return self.send(200, json.dumps({
                "id": "chatcmpl-scripted", "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "refusal": None},
                             "finish_reason": "stop", "logprobs": None}],
                "usage": usage, "system_fingerprint": "fp_scripted"}))

        def do_GET(self):
            if self.path == "/stats":
                with lock:
                    return self.send(200, json.dumps(counts))
            self.send(404, json.dumps({"error": {"message": "Unknown route GET " + self.path}}))

    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    port = srv.server_address[1]
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f: f.write(str(port))
        os.replace(a.port_file + ".tmp", a.port_file)
    print("listening on 127.0.0.1:%d (small model knows %d of %d intents)" % (port, len(small_knows), len(intents)), flush=True)
    srv.serve_forever()

if __name__ == "__main__":
    main()
