#!/usr/bin/env python3
"""Chooses the llm plugin's semantic-tier defaults for the chain `faq` -> semantic on
CLINC150's dev split, and scores the choice once on the frozen test split.

    .build/release/faq-bench quality clinc150 dev --dump /tmp/dev.dump
    .build/release/faq-bench quality clinc150 test --dump /tmp/test.dump
    bench/eval/chain_calibration.py --url http://127.0.0.1:8001/v1 /tmp/dev.dump /tmp/test.dump

Needs numpy and an OpenAI-compatible /v1/embeddings server (scripts/llm/embed_server.py).
The FAQ's own verdicts come from faq-bench's dumps (one row per question, in the split's
order: dev = val + oos_val + oos_train, test = test + oos_test), the semantic scores are
FAQEmbeddingIndex's (an entry's score is the mean of its two closest questions). The chain
answers with the FAQ where it answers, else with the semantic tier when the best entry
reaches THRESHOLD and leads the next by MARGIN. Chosen: the best dev coverage with dev
precision >= 0.965 and no dev out-of-scope question answered (all printed).
"""
import argparse, json, os
import numpy as np
from semantic_calibration import embed


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8001/v1")
    ap.add_argument("--data", default=os.path.join(repo, "..", "shared", "data", "clinc150", "data_full.json"))
    ap.add_argument("--per-intent", type=int, default=10)
    ap.add_argument("dev_dump")
    ap.add_argument("test_dump")
    a = ap.parse_args()
    d = json.load(open(a.data))
    ex = {}
    for q, i in d["train"]:
        if len(ex.setdefault(i, [])) < a.per_intent:
            ex[i].append(q)
    intents = sorted(ex)
    idx = {i: k for k, i in enumerate(intents)}
    owner = np.array([idx[i] for i in intents for _ in ex[i]])
    F = embed(a.url, [q for i in intents for q in ex[i]])

    def semantic(pairs):
        S = embed(a.url, [q for q, _ in pairs]) @ F.T
        E = np.zeros((len(pairs), len(intents)))
        for k in range(len(intents)):
            cs = np.sort(S[:, owner == k], axis=1)
            E[:, k] = cs[:, -2:].mean(axis=1) if cs.shape[1] > 1 else cs[:, -1]
        o = np.argsort(-E, axis=1)
        n = np.arange(len(pairs))
        return o[:, 0], E[n, o[:, 0]], E[n, o[:, 0]] - E[n, o[:, 1]]

    def faq(path, pairs):
        rows = [l.rstrip("\n").split("\t") for l in open(path)][1:]
        assert len(rows) == len(pairs), "%s has %d rows for %d questions" % (path, len(rows), len(pairs))
        return np.array([idx.get(r[1], -1) for r in rows]), np.array([r[10] == "answer" for r in rows])

    def score(answered, pred, y):
        ins = y >= 0
        correct = (answered & (pred == y) & ins).sum()
        return correct / max(answered.sum(), 1), correct / ins.sum(), (answered & ~ins).sum() / (~ins).sum()

    def chain(split, T, M):
        fbest, fans, sb, ss, sm, y = split
        return score(fans | ((ss >= T) & (sm >= M)), np.where(fans, fbest, sb), y)

    splits = {}
    for name, pairs, dump in [("dev", d["val"] + d["oos_val"] + d["oos_train"], a.dev_dump),
                              ("test", d["test"] + d["oos_test"], a.test_dump)]:
        fbest, fans = faq(dump, pairs)
        sb, ss, sm = semantic(pairs)
        splits[name] = (fbest, fans, sb, ss, sm, np.array([idx.get(l, -1) for _, l in pairs]))
    best = None
    for T in np.arange(0.50, 0.80, 0.01):
        for M in [0.10, 0.12, 0.13, 0.15, 0.17, 0.20]:
            p, c, o = chain(splits["dev"], T, M)
            if p >= 0.965 and o == 0 and (best is None or c > best[1]):
                best = (p, c, o, T, M)
    p, c, o, T, M = best
    print("chosen on dev: threshold %.2f margin %.2f (dev precision %.3f coverage %.3f out of scope answered %.3f)" % (T, M, p, c, o))
    print("faq alone on dev: precision %.3f coverage %.3f out of scope answered %.3f"
          % score(splits["dev"][1], splits["dev"][0], splits["dev"][5]))
    print("test (frozen): precision %.3f coverage %.3f out of scope answered %.3f" % chain(splits["test"], T, M))


if __name__ == "__main__":
    main()
