#!/usr/bin/env python3
"""The precision/recall sweep (issue 20, item 6), part of `make pii-eval`.

The seed (0.3.0 `experiments/run_sweep.py`) sweeps mode x entity subset x
score threshold. Our grid: entity subset (each of the seed's six types alone,
and all six together) x `min_score` (0, 300, 500, 600, 700, 800, 900 per
mille) x context rules on/off (`PiiConfig::context`, an eval-only switch) x
host hints on/off, over every corpus run.py writes (ours: tune, held-out v1,
held-out v2; the seed's), with 0.3.0's regex mode on the same entity axis (its
findings carry no score, so the threshold axis does not move it).

Hints "on": the host detector is 0.3.0's regex mode itself (the only detector
available without spaCy): each of its findings in a triple becomes a
`PiiHint` (text, entity, score 1000: regex mode reports 1.0) for every field of
that triple, as the pipeline passes a host's hints per assessment.

`min_score` is applied to the engine's output afterwards: the core drops
findings below it before overlap resolution, and a finding that loses an
overlap only loses to one scoring at least as high, so the result is the same
as a run per threshold. Entity subsets are separate runs (a type that is not
asked for neither suppresses nor is found). Precision/recall are micro over
the subset's types, truth restricted to them.

Writes experiments/results/pii-grid.md and pii-grid.json, and pii-grid.png when
matplotlib is importable (the bench venv has it).
Usage: grid.py (after run.py has written the corpora and baseline outputs)
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(ROOT, ".cache", "pii-eval")
sys.path.insert(0, HERE)
import evaluate  # noqa: E402

SEED_TYPES = ["EMAIL_ADDRESS", "PERSON", "PHONE_NUMBER", "US_SSN", "CREDIT_CARD", "IBAN_CODE"]
SUBSETS = [[t] for t in SEED_TYPES] + [SEED_TYPES]
SCORES = [0, 300, 500, 600, 700, 800, 900]
CORPORA = [("ours (tune)", "corpus.jsonl"), ("ours (held-out v3, dev)", "heldout3.jsonl"),
           ("ours (held-out v4, test)", "heldout4.jsonl"), ("ours (held-out v2, tuned-after)", "heldout2.jsonl"),
           ("ours (held-out v1, contaminated)", "heldout.jsonl"), ("seed 0.3.0", "seed.jsonl")]


def write_hints(corpus, base, path):
    """The regex baseline's findings as per-record hints (pii_eval's format)."""
    by = {r["id"]: r for r in corpus}
    with open(path, "w", encoding="utf-8") as f:
        for rid, found in base.items():
            hs, seen = [], set()
            for field, s, e, ent in found:
                text = by[rid]["fields"][field][s:e]
                if 2 <= len(text.encode()) <= 256 and (ent, text) not in seen and len(hs) < 64:
                    seen.add((ent, text))
                    hs.append({"entity": ent, "text": text, "score": 1000})
            f.write(json.dumps({"id": rid, "hints": hs}, ensure_ascii=False) + "\n")


def to_chars(corpus, rows):
    by = {r["id"]: r for r in corpus}
    out = {}
    for r in rows:
        rec = by[r["id"]]
        out[r["id"]] = [(x["field"], evaluate.byte_to_char(rec["fields"][x["field"]], x["start"]),
                         evaluate.byte_to_char(rec["fields"][x["field"]], x["end"]),
                         x["entity"]) for x in r["findings"]]
    return out


def micro(corpus, preds, types):
    c = [dict(r, spans=[s for s in r["spans"] if s["entity"] in types]) for r in corpus]
    p = {k: [x for x in v if x[3] in types] for k, v in preds.items()}
    tp, fp, fn, _, _ = evaluate.score(c, p)
    return evaluate.prf(sum(tp[t] for t in types), sum(fp[t] for t in types), sum(fn[t] for t in types))


def main():
    exe = os.path.join(ROOT, "target", "release", "examples", "pii_eval")
    rows = []
    for cname, fname in CORPORA:
        path = os.path.join(CACHE, fname)
        corpus = [json.loads(ln) for ln in open(path, encoding="utf-8")]
        base_path = path.replace(".jsonl", ".baseline.jsonl")
        base = {b["id"]: [(x["field"], x["start"], x["end"], x["entity"]) for x in b["findings"]]
                for b in map(json.loads, open(base_path))}
        hints_path = path.replace(".jsonl", ".hints.jsonl")
        write_hints(corpus, base, hints_path)
        for subset in SUBSETS:
            label = "all six" if len(subset) > 1 else subset[0]
            p, r, f = micro(corpus, base, subset)
            rows.append({"corpus": cname, "engine": "0.3.0 regex", "entities": label, "min_score": None,
                         "context": None, "hints": None, "precision": p, "recall": r, "f1": f})
            for context in ("on", "off"):
                for hints in ("off", "on"):
                    cmd = [exe, path, "0", "0", ",".join(subset), context] + ([hints_path] if hints == "on" else [])
                    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
                    found = [json.loads(ln) for ln in out.splitlines()]
                    for ms in SCORES:
                        kept = [dict(x, findings=[y for y in x["findings"] if y["score"] >= ms]) for x in found]
                        p, r, f = micro(corpus, to_chars(corpus, kept), subset)
                        rows.append({"corpus": cname, "engine": "this engine", "entities": label, "min_score": ms,
                                     "context": context, "hints": hints, "precision": p, "recall": r, "f1": f})
    res = os.path.join(ROOT, "experiments", "results")
    with open(os.path.join(res, "pii-grid.json"), "w") as f:
        json.dump(rows, f, indent=1)
    lines = ["# PII precision/recall sweep", "",
             "Generated by `make pii-eval` (experiments/pii/grid.py). Do not edit by hand.", "",
             "Grid: entity subset (the seed's six types alone, and all six) x `min_score` (per mille) x context "
             "rules on/off (`PiiConfig::context`, eval-only) x host hints on/off (hints = 0.3.0 regex mode's "
             "findings, score 1000), this engine (native) beside presidio-hardened-x402 0.3.0 regex mode (no "
             "scores: one point per subset). Micro precision/recall/F1 over the subset's types. Every row is in "
             "pii-grid.json; below, the all-six grid in full and, per type, the default configuration, each "
             "switch alone and the best configuration.", ""]
    def fmt(r):
        return f"{r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f}"

    def cfg(r):
        return f"min_score {r['min_score']}, context {r['context']}, hints {r['hints']}"

    def pick(rs, ms=0, context="on", hints="off"):
        return next(r for r in rs if r["engine"] == "this engine" and r["min_score"] == ms
                    and r["context"] == context and r["hints"] == hints)
    summary = ["## Best configuration (all six types, highest F1; ties: the first in grid order)", "",
               "| corpus | best configuration | precision | recall | F1 | default (0, on, off) F1 | 0.3.0 regex F1 |",
               "|---|---|---:|---:|---:|---:|---:|"]
    body = []
    for cname, _ in CORPORA:
        mine = [r for r in rows if r["corpus"] == cname]
        six = [r for r in mine if r["entities"] == "all six"]
        ours = [r for r in six if r["engine"] == "this engine"]
        best = max(ours, key=lambda r: r["f1"])
        reg = next(r for r in six if r["engine"] == "0.3.0 regex")
        summary.append(f"| {cname} | {cfg(best)} | {fmt(best)} | {pick(six)['f1']:.3f} | {reg['f1']:.3f} |")
        body += [f"## {cname}", "", "All six types:", "",
                 "| engine | min_score | context | hints | precision | recall | F1 |",
                 "|---|---:|---|---|---:|---:|---:|", f"| 0.3.0 regex | - | - | - | {fmt(reg)} |"]
        body += [f"| this engine | {r['min_score']} | {r['context']} | {r['hints']} | {fmt(r)} |" for r in ours]
        body += ["", "Per type (P / R / F1):", "",
                 "| entity | 0.3.0 regex | default | context off | hints on | best | best configuration |",
                 "|---|---|---|---|---|---|---|"]
        for t in SEED_TYPES:
            rs = [r for r in mine if r["entities"] == t]
            reg_t = next(r for r in rs if r["engine"] == "0.3.0 regex")
            best_t = max((r for r in rs if r["engine"] == "this engine"), key=lambda r: r["f1"])

            def c(r):
                return f"{r['precision']:.3f} / {r['recall']:.3f} / {r['f1']:.3f}"
            body.append(f"| {t} | {c(reg_t)} | {c(pick(rs))} | {c(pick(rs, context='off'))} | "
                        f"{c(pick(rs, hints='on'))} | {c(best_t)} | {cfg(best_t)} |")
        body.append("")
    lines += [*summary, "", *body]
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, len(CORPORA), figsize=(4.6 * len(CORPORA), 4.6), sharey=True)
        colors = {("on", "off"): "tab:blue", ("off", "off"): "tab:green", ("on", "on"): "tab:orange",
                  ("off", "on"): "tab:purple"}
        for ax, (cname, _) in zip(axes, CORPORA, strict=False):
            for (context, hints), col in colors.items():
                pts = [r for r in rows if r["corpus"] == cname and r["engine"] == "this engine"
                       and r["context"] == context and r["hints"] == hints]
                ax.scatter([r["recall"] for r in pts], [r["precision"] for r in pts], marker="o", c=col, s=14,
                           alpha=0.7, label=f"context {context}, hints {hints}")
            reg = [r for r in rows if r["corpus"] == cname and r["engine"] == "0.3.0 regex"]
            ax.scatter([r["recall"] for r in reg], [r["precision"] for r in reg], marker="x", c="tab:red", s=36,
                       label="0.3.0 regex")
            ax.set_title(cname, fontsize=9)
            ax.set_xlabel("recall")
            ax.set_xlim(-0.02, 1.02)
            ax.set_ylim(-0.02, 1.02)
        axes[0].set_ylabel("precision")
        axes[0].legend(fontsize=7, loc="lower left")
        fig.suptitle("PII P/R: entity subset x min_score x context x hints (o, this engine); x 0.3.0 regex")
        fig.tight_layout()
        fig.savefig(os.path.join(res, "pii-grid.png"), dpi=100)
        lines += ["![precision/recall](pii-grid.png)", ""]
    except ImportError:
        lines += ["(No plot: matplotlib is not importable by this Python; `make bench-venv` provides it.)", ""]
    with open(os.path.join(res, "pii-grid.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
