"""Runs the corpus through presidio-hardened-x402==0.3.0 in regex mode.

Run with the baseline venv's Python. Prints one JSON line per record with the
findings (character offsets into the package's own normalised text, mapped
back approximately, see below) and the time per triple.

The package's `__init__` imports its HTTP gateway (httpx) and, transitively,
nothing else it needs for regex mode; `pii_filter.py` itself imports only the
standard library. It is installed with --no-deps (its presidio-analyzer
dependency pulls spaCy, which regex mode never uses), so the module is loaded
from its file.
"""
import importlib.util
import json
import os
import sys
import sysconfig
import time

site = sysconfig.get_paths()["purelib"]
spec = importlib.util.spec_from_file_location("pii_filter", os.path.join(site, "presidio_x402", "pii_filter.py"))
mod = importlib.util.module_from_spec(spec)
sys.modules["pii_filter"] = mod
spec.loader.exec_module(mod)

FIELDS = ["url", "description", "reason"]


def main(corpus_path, reps):
    filt = mod.PIIFilter(mode="regex")
    out = sys.stdout
    for line in open(corpus_path, encoding="utf-8"):
        rec = json.loads(line)
        texts = [rec["fields"][f] for f in FIELDS]
        found = []
        for f, t in zip(FIELDS, texts, strict=False):
            _, ents = filt.scan_and_redact(t)
            norm = mod._normalise(t)
            for e in ents:
                # Offsets are into the normalised text; map back by locating the
                # normalised prefix length in the original (exact for ASCII).
                s, en = e.start, e.end
                if norm != t:
                    s = orig_offset(t, s)
                    en = orig_offset(t, en)
                found.append({"field": f, "start": s, "end": en, "entity": e.entity_type})
        filt.scan_payment_fields(*texts)
        per = max(1, reps // 5)
        batches = []
        for _ in range(5):  # median of 5 batches, as in pii_eval.rs
            t0 = time.perf_counter_ns()
            for _ in range(per):
                filt.scan_payment_fields(*texts)
            batches.append((time.perf_counter_ns() - t0) / per)
        ns = sorted(batches)[2]
        out.write(json.dumps({"id": rec["id"], "findings": found, "ns": ns}) + "\n")


def orig_offset(text, norm_off):
    """Smallest original prefix whose normalised length reaches norm_off."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi) // 2
        if len(mod._normalise(text[:mid])) < norm_off:
            lo = mid + 1
        else:
            hi = mid
    return lo


if __name__ == "__main__":
    import logging
    logging.disable(logging.CRITICAL)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20)
