#!/usr/bin/env python3
"""Spend of a two-model cascade against the big model alone, through `switchboard eval`.

    bench/eval/spend_curve.py [--data PATH] [--switchboard .build/release/switchboard]
                              [--shares 0,0.2,0.4,0.6,0.8,1] [--out-of-scope unknown|handoff] [WORKDIR]

For each share S, starts bench/eval/scripted_llm.py (the small model answers the
in-scope questions of the first S of the intents, see its docstring), builds the CLINC150
workspace with bench/eval/clinc150.py --llm (faq, then the llm plugin: small then big, the
issue's prices; no embeddings, no cache), runs `switchboard eval --json` on the test split
and reads `spend_usd`; the baseline is the same workspace with only the big model
(--llm-models big), and, as the issue words it, every message to the big model (the same
with the faq plugin silent: --faq-silent). Prints one row per share: spend, baseline, ratio, coverage, precision.

--embeddings URL: the cascade's workspace is the llm plugin alone with its semantic tier
(the FAQ matcher inside it, `embeddings.lexical`) and, with --handoff-below X, the
out-of-scope detector before generation (a message whose closest FAQ entry scores under X
is handed off, no model call); embeddings priced at --embed-price USD per million tokens.
The vectors come through bench/eval/embed_cache.py (started here), so the runs of the
curve embed each text once. The baselines stay as above (no embeddings).
"""
import argparse, json, os, subprocess, sys, time

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))

def serve(data, share, oos, workdir):
    port_file = os.path.join(workdir, "port")
    if os.path.exists(port_file): os.remove(port_file)
    p = subprocess.Popen([sys.executable, os.path.join(here, "scripted_llm.py"), "--data", data, "--small-share", str(share),
                          "--out-of-scope", oos, "--port-file", port_file], stdout=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(port_file): return p, int(open(port_file).read())
        if p.poll() is not None: sys.exit("scripted_llm.py exited")
        time.sleep(0.05)
    p.kill(); sys.exit("scripted_llm.py did not start")

def evaluate(sb, data, port, models, outdir, extra=()):
    outdir = os.path.abspath(outdir)
    # The plugins beside the binary measured, never another build's.
    subprocess.run([sys.executable, os.path.join(here, "clinc150.py"), "--data", data, "--llm", "http://127.0.0.1:%d/v1" % port,
                    "--llm-models", models, "--plugins", os.path.dirname(os.path.abspath(sb)), *extra, outdir],
                   check=True, stdout=subprocess.DEVNULL)
    r = subprocess.run([sb, "eval", "--config", os.path.join(outdir, "switchboard.yaml"), "--workspace", "clinc", "--json",
                        os.path.join(outdir, "clinc-test.tsv")], check=True, capture_output=True, text=True)
    return json.loads(r.stdout)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(repo, "..", "shared", "data", "clinc150", "data_full.json"))
    ap.add_argument("--switchboard", default=os.path.join(repo, ".build", "release", "switchboard"))
    ap.add_argument("--shares", default="0,0.2,0.4,0.6,0.8,1")
    ap.add_argument("--out-of-scope", choices=["unknown", "handoff"], default="unknown")
    ap.add_argument("--embeddings", metavar="URL", help="an OpenAI-compatible /v1 embeddings server (scripts/llm/embed_server.py)")
    ap.add_argument("--handoff-below", type=float)
    ap.add_argument("--embed-price", type=float, default=0.02)
    ap.add_argument("workdir", nargs="?", default="/tmp/spend-curve")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    cascade_extra = []
    if a.embeddings:
        cache_port = os.path.join(a.workdir, "cache-port")
        if os.path.exists(cache_port): os.remove(cache_port)
        cache = subprocess.Popen([sys.executable, os.path.join(here, "embed_cache.py"), "--upstream", a.embeddings,
                                  "--port-file", cache_port], stdout=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(cache_port) and open(cache_port).read(): break
            time.sleep(0.05)
        cache_url = "http://127.0.0.1:%s/v1" % open(cache_port).read()
        # Warm the cache with every text the runs embed (the FAQ, the test split): the
        # plugin's calls are then answered at once, so a slow embedding server never
        # costs the measurement its semantic tier (a failed call backs the tier off).
        sys.path.insert(0, here)
        from semantic_calibration import embed
        d = json.load(open(a.data))
        per_intent = {}
        for q, i in d["train"]:
            if len(per_intent.setdefault(i, [])) < 10: per_intent[i].append(q)
        embed(cache_url, [q for i in sorted(per_intent) for q in per_intent[i]] + [q.replace("\t", " ").strip() for q, _ in d["test"] + d["oos_test"]])
        cascade_extra = ["--embeddings", cache_url, "--lexical",
                         "--embed-price", str(a.embed_price)]
        if a.handoff_below is not None: cascade_extra += ["--handoff-below", str(a.handoff_below)]
    p, port = serve(a.data, 0, a.out_of_scope, a.workdir)   # the big model's answers do not depend on the share
    try:
        base = evaluate(a.switchboard, a.data, port, "big", os.path.join(a.workdir, "big"))
        every = evaluate(a.switchboard, a.data, port, "big", os.path.join(a.workdir, "every"), ["--faq-silent"])
    finally:
        p.terminate(); p.wait()
    print("baseline (faq, then big only): spend $%.4f, precision %.1f %%, coverage %.1f %%"
          % (base["spend_usd"], 100 * base["precision"], 100 * base["coverage"]), flush=True)
    faq_answered = sum(t["answered"] for t in every["tiers"] if t["tier"] == "faq")
    print("every message to the big model (faq silent, it answered %d): spend $%.4f" % (faq_answered, every["spend_usd"]), flush=True)
    print("| small model answers (share of intents) | cascade spend | faq + big only | ratio | ratio to every message to big | precision | coverage | out of scope answered |")
    print("|---|---|---|---|---|---|---|---|", flush=True)
    for share in [float(s) for s in a.shares.split(",")]:
        p, port = serve(a.data, share, a.out_of_scope, a.workdir)
        try:
            r = evaluate(a.switchboard, a.data, port, "small,big", os.path.join(a.workdir, "cascade-%g" % share), cascade_extra)
        finally:
            p.terminate(); p.wait()
        print("| %d %% | $%.4f | $%.4f | %.1f %% | %.1f %% | %.1f %% | %.1f %% | %.1f %% |"
              % (round(share * 100), r["spend_usd"], base["spend_usd"], 100 * r["spend_usd"] / base["spend_usd"],
                 100 * r["spend_usd"] / every["spend_usd"],
                 100 * r["precision"], 100 * r["coverage"], 100 * r["out_of_scope_answered"]), flush=True)
        if r.get("spend_by_tier"):
            print("|   by tier/model: %s |" % ", ".join("%s $%.4f" % kv for kv in sorted(r["spend_by_tier"].items())), flush=True)
    if a.embeddings:
        cache.terminate(); cache.wait()

if __name__ == "__main__":
    main()
