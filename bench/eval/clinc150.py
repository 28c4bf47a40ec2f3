#!/usr/bin/env python3
"""Builds a Switchboard workspace and a `switchboard eval` question file from CLINC150.

    bench/eval/clinc150.py [--data ../shared/data/clinc150/data_full.json]
                           [--per-intent 10] [--split test|val] OUTDIR

OUTDIR gets switchboard.yaml (no channels, plugins from .build/release then .build/debug),
workspaces/clinc.yaml (one FAQ entry per intent: the first N training questions of that
intent, and an answer without words, distinct per intent: `answer_text` below) and clinc-SPLIT.tsv (every in-scope question of the
split with its intent, every out-of-scope one as `none`). Then:

    switchboard eval --config OUTDIR/switchboard.yaml --workspace clinc OUTDIR/clinc-test.tsv

CLINC150 (Larson et al., 2019) is CC BY 3.0; see its README beside the data.
"""
import argparse, json, os, sys

SYMBOLS = "!%&*+="   # no "$": the config reader takes "$$" for one "$"


def answer_text(intents, intent):
    """The FAQ answer of `intent`: a few symbols, distinct per intent and without words,
    so that answers add nothing to matching (the matcher counts words of an entry's answer;
    an answer naming the intent would hand it the label). `switchboard eval` judges a reply
    by this text; scripted_llm.py answers with it too."""
    k = sorted(intents).index(intent)
    code = ""
    while True:
        code = SYMBOLS[k % len(SYMBOLS)] + code
        k //= len(SYMBOLS)
        if k == 0:
            return "~" + code

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(repo, "..", "shared", "data", "clinc150", "data_full.json"))
    ap.add_argument("--per-intent", type=int, default=10)
    ap.add_argument("--plugins", help="the folder of the plugins to load (default: .build/release, then .build/debug); "
                    "give the switchboard binary's own folder so that a stale build is never picked")
    ap.add_argument("--split", choices=["test", "val"], default="test")
    ap.add_argument("--extra-plugins", default="", help="YAML lines appended to the chain after faq (e.g. an llm plugin)")
    ap.add_argument("--embeddings", metavar="URL", help="add the llm plugin after faq with only its semantic tier: "
                    "FAQ embeddings from this OpenAI-compatible /v1 URL (e.g. http://127.0.0.1:8001/v1), no generation model reachable")
    ap.add_argument("--answer-threshold", type=float, help="the llm plugin's embeddings.answer_threshold (default: the plugin's)")
    ap.add_argument("--answer-margin", type=float, help="the llm plugin's embeddings.answer_margin (default: the plugin's)")
    ap.add_argument("--lexical", action="store_true", help="with --embeddings: no faq plugin; the llm plugin's semantic tier runs "
                    "the FAQ matcher itself (embeddings.lexical: true), vetoing its answers when the embeddings disagree")
    ap.add_argument("--embed-price", type=float, help="the llm plugin's embeddings.usd_per_mtok")
    ap.add_argument("--handoff-below", type=float, help="the llm plugin's embeddings.handoff_below: a message whose closest "
                    "FAQ entry scores under it is handed off before generation (with --llm and --embeddings)")
    ap.add_argument("--llm", metavar="URL", help="add the llm plugin after faq with generation only (no embeddings, no cache): "
                    "the models of --llm-models on this OpenAI-compatible /v1 URL (e.g. bench/eval/scripted_llm.py), the issue's prices")
    ap.add_argument("--llm-models", default="small,big", help="the cascade for --llm: small,big (default) or big")
    ap.add_argument("--faq-silent", action="store_true", help="the faq plugin keeps its entries (eval judges replies by them) "
                    "but answers nothing (threshold 1, margin 1): every question goes on down the chain")
    ap.add_argument("outdir")
    a = ap.parse_args()
    try:
        d = json.load(open(a.data))
    except OSError as e:
        sys.exit(f"clinc150.py: cannot read the data set: {e} (give --data PATH)")
    examples = {}
    for q, intent in d["train"]:
        examples.setdefault(intent, [])
        if len(examples[intent]) < a.per_intent:
            examples[intent].append(q)
    os.makedirs(os.path.join(a.outdir, "workspaces"), exist_ok=True)
    plugin_paths = [a.plugins] if a.plugins else [os.path.join(repo, ".build", "release"), os.path.join(repo, ".build", "debug")]
    with open(os.path.join(a.outdir, "switchboard.yaml"), "w") as f:
        f.write("storage:\n  sqlite: %s\n" % json.dumps(os.path.join(a.outdir, "eval.db")))
        f.write("plugins:\n  path: %s\n" % json.dumps(plugin_paths))
        f.write("workspaces:\n  dir: %s\n" % json.dumps(os.path.join(a.outdir, "workspaces")))
    with open(os.path.join(a.outdir, "workspaces", "clinc.yaml"), "w") as f:
        f.write("id: clinc\nname: CLINC150 (%d questions per intent)\nregion: US\ntimezone: UTC\nplugins:\n" % a.per_intent)
        if not a.lexical:
            f.write("  - name: faq\n    config:\n      entries:\n")
            for intent in sorted(examples):
                f.write("        - id: %s\n          questions: %s\n          answer: %s\n"
                        % (intent, json.dumps(examples[intent]), json.dumps(answer_text(examples, intent))))
            if a.faq_silent:
                f.write("      threshold: 1.0\n      margin: 1.0\n")
        elif not a.embeddings:
            sys.exit("clinc150.py: --lexical needs --embeddings")
        if a.embeddings:
            faq_json = os.path.join(a.outdir, "clinc-faq.json")
            json.dump([{"id": i, "questions": examples[i], "answer": answer_text(examples, i)} for i in sorted(examples)], open(faq_json, "w"))
            emb = {"provider": "emb", "model": "embed-model"}
            if a.answer_threshold is not None: emb["answer_threshold"] = a.answer_threshold
            if a.answer_margin is not None: emb["answer_margin"] = a.answer_margin
            if a.lexical: emb["lexical"] = True
            if a.handoff_below is not None: emb["handoff_below"] = a.handoff_below
            if a.embed_price is not None: emb["usd_per_mtok"] = a.embed_price
        if a.embeddings and not a.llm:
            f.write("  - name: llm\n    deadline_ms: 20000\n    config:\n")
            f.write("      providers:\n        - {id: emb, api: openai, base_url: %s, timeout_ms: 15000}\n" % json.dumps(a.embeddings))
            # Generation is out of this measurement: the model's server is a closed port.
            f.write("        - {id: none, api: openai, base_url: \"http://127.0.0.1:9/v1\", timeout_ms: 500, max_retries: 0}\n")
            f.write("      models:\n        - {id: off, providers: [none], model: off, input_usd_per_mtok: 0, output_usd_per_mtok: 0}\n")
            f.write("      embeddings: %s\n" % json.dumps(emb))
            f.write("      knowledge: [%s]\n      cache_ttl_s: 0\n      on_unknown: fallback\n      deadline_ms: 18000\n" % json.dumps(faq_json))
        if a.llm:
            faq_json = os.path.join(a.outdir, "clinc-faq.json")
            json.dump([{"id": i, "questions": examples[i], "answer": answer_text(examples, i)} for i in sorted(examples)], open(faq_json, "w"))
            prices = {"small": "model: small-model, input_usd_per_mtok: 0.05, output_usd_per_mtok: 0.10, min_confidence: 0.7",
                      "big": "model: big-model, input_usd_per_mtok: 3.0, output_usd_per_mtok: 15.0"}
            models = [m.strip() for m in a.llm_models.split(",") if m.strip()]
            if not models or any(m not in prices for m in models):
                sys.exit("clinc150.py: --llm-models takes small and/or big, e.g. small,big")
            f.write("  - name: llm\n    deadline_ms: 20000\n    config:\n")
            f.write("      providers:\n        - {id: local, api: openai, base_url: %s, timeout_ms: 15000}\n" % json.dumps(a.llm))
            if a.embeddings:
                # The semantic tier (and with --handoff-below, the out-of-scope detector) before generation.
                f.write("        - {id: emb, api: openai, base_url: %s, timeout_ms: 15000}\n" % json.dumps(a.embeddings))
                f.write("      embeddings: %s\n" % json.dumps(emb))
            f.write("      models:\n")
            for m in models:
                f.write("        - {id: %s, providers: [local], %s}\n" % (m, prices[m]))
            f.write("      knowledge: [%s]\n      cache_ttl_s: 0\n      on_unknown: fallback\n      deadline_ms: 18000\n" % json.dumps(faq_json))
        if a.extra_plugins:
            f.write(a.extra_plugins.rstrip("\n") + "\n")
    split, oos = (d["test"], d["oos_test"]) if a.split == "test" else (d["val"], d["oos_val"])
    with open(os.path.join(a.outdir, "clinc-%s.tsv" % a.split), "w") as f:
        f.write("# CLINC150 %s split: %d in scope, %d out of scope (CC BY 3.0)\n" % (a.split, len(split), len(oos)))
        for q, intent in split:
            f.write("%s\t%s\n" % (intent, q.replace("\t", " ")))
        for q, _ in oos:
            f.write("none\t%s\n" % q.replace("\t", " "))
    print(os.path.join(a.outdir, "clinc-%s.tsv" % a.split))

if __name__ == "__main__":
    main()
