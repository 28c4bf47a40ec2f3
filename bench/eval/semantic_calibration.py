#!/usr/bin/env python3
"""Calibrates the llm plugin's semantic tier (FAQMatcher.FAQEmbeddingIndex) on CLINC150.

    bench/eval/semantic_calibration.py [--url http://127.0.0.1:8001/v1] [--data PATH] [--per-intent 10]

Needs numpy and an OpenAI-compatible /v1/embeddings server (scripts/llm/embed_server.py,
started by `make llm-local`). The FAQ: the first N training questions of each of the 150
intents. Scoring is FAQEmbeddingIndex's: an entry's score is the mean of its two closest
questions' cosines; the tier answers when the best entry reaches THRESHOLD and beats the
second by MARGIN.

Splits: tuning looks only at the DEV split (CLINC150 val: 3,000 in scope + 100 out of
scope, plus oos_train's 100 out-of-scope questions). The rule: for each margin, the
threshold is just above the highest-scoring out-of-scope dev question with that margin;
the margin kept is the one with the best dev coverage at dev precision >= 0.965. The TEST
split (4,500 in scope + 1,000 out of scope) is scored once with the chosen pair, and the
whole precision/coverage curve on test is printed for the record (not used to choose).
"""
import argparse, json, os, urllib.request
import numpy as np


def embed(url, texts):
    out = []
    for s in range(0, len(texts), 256):
        req = urllib.request.Request(url.rstrip("/") + "/embeddings", data=json.dumps({"input": texts[s:s + 256]}).encode(),
                                     headers={"Content-Type": "application/json"})
        out += [e["embedding"] for e in json.load(urllib.request.urlopen(req))["data"]]
    return np.array(out, dtype=np.float32)


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8001/v1")
    ap.add_argument("--data", default=os.path.join(repo, "..", "shared", "data", "clinc150", "data_full.json"))
    ap.add_argument("--per-intent", type=int, default=10)
    a = ap.parse_args()
    d = json.load(open(a.data))
    ex = {}
    for q, i in d["train"]:
        if len(ex.setdefault(i, [])) < a.per_intent:
            ex[i].append(q)
    intents = sorted(ex)
    idx = {i: k for k, i in enumerate(intents)}
    faq_q = [q for i in intents for q in ex[i]]
    owner = np.array([idx[i] for i in intents for _ in ex[i]])
    F = embed(a.url, faq_q)

    def features(pairs):
        X = embed(a.url, [q for q, _ in pairs])
        S = X @ F.T
        E = np.zeros((len(X), len(intents)))
        for k in range(len(intents)):
            cs = np.sort(S[:, owner == k], axis=1)
            E[:, k] = cs[:, -2:].mean(axis=1) if cs.shape[1] > 1 else cs[:, -1]
        o = np.argsort(-E, axis=1)
        n = np.arange(len(X))
        y = np.array([idx.get(l, -1) for _, l in pairs])
        return o[:, 0], E[n, o[:, 0]], E[n, o[:, 0]] - E[n, o[:, 1]], y

    def score(answered, pred, y):
        ins = y >= 0
        correct = (answered & (pred == y) & ins).sum()
        return correct / max(answered.sum(), 1), correct / ins.sum(), (answered & ~ins).sum() / (~ins).sum()

    db, ds, dm, dy = features(d["val"] + d["oos_val"] + d["oos_train"])
    tb, ts, tm, ty = features(d["test"] + d["oos_test"])
    best = None
    for M in np.arange(0.05, 0.25, 0.01):
        sel = (dy < 0) & (dm >= M)
        T = ds[sel].max() + 0.01 if sel.any() else 0.4
        p, c, o = score((ds >= T) & (dm >= M), db, dy)
        if p >= 0.965 and (best is None or c > best[1]):
            best = (p, c, o, T, M)
    p, c, o, T, M = best
    print("chosen on dev: threshold %.3f margin %.2f  (dev precision %.3f coverage %.3f out-of-scope answered %.3f)" % (T, M, p, c, o))
    p, c, o = score((ts >= T) & (tm >= M), tb, ty)
    print("test (frozen): precision %.3f coverage %.3f out-of-scope answered %.3f" % (p, c, o))
    print("curve on test, margin %.2f: threshold precision coverage out-of-scope-answered" % M)
    for t in np.arange(0.40, 0.86, 0.05):
        p, c, o = score((ts >= t) & (tm >= M), tb, ty)
        print("  %.2f %.3f %.3f %.3f" % (t, p, c, o))


if __name__ == "__main__":
    main()
