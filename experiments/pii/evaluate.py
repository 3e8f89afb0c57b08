"""Scores findings against the corpus ground truth.

Matching: a prediction is a true positive when it has the same entity type as
an unmatched ground-truth span in the same field and the two overlap (each
truth span matches at most one prediction). `exact` additionally counts
predictions whose span equals the truth span. Offsets are characters.
"""
from collections import defaultdict

ENTITIES = ["EMAIL_ADDRESS", "US_SSN", "CREDIT_CARD", "PHONE_NUMBER", "IBAN_CODE", "IP_ADDRESS", "PERSON", "LOCATION"]
STRUCTURAL = ENTITIES[:6]


def byte_to_char(text, b):
    return len(text.encode("utf-8")[:b].decode("utf-8", errors="ignore"))


def score(corpus, preds):
    """corpus: list of records; preds: {id: [(field, start, end, entity)]} in chars."""
    tp, fp, fn, exact = defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int)
    errors = []
    for rec in corpus:
        truth = [(s["field"], s["start"], s["end"], s["entity"]) for s in rec["spans"]]
        used = [False] * len(truth)
        for (f, s, e, ent) in preds.get(rec["id"], []):
            hit = None
            for k, (tf, ts, te, tent) in enumerate(truth):
                if not used[k] and tf == f and tent == ent and s < te and ts < e:
                    hit = k
                    break
            if hit is None:
                fp[ent] += 1
                errors.append(("FP", ent, rec["fields"][f][s:e], rec["fields"][f]))
            else:
                used[hit] = True
                tp[ent] += 1
                if (s, e) == truth[hit][1:3]:
                    exact[ent] += 1
        for k, (tf, ts, te, tent) in enumerate(truth):
            if not used[k]:
                fn[tent] += 1
                errors.append(("FN", tent, rec["fields"][tf][ts:te], rec["fields"][tf]))
    return tp, fp, fn, exact, errors


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def table(tp, fp, fn, exact, entities=ENTITIES):
    rows = []
    for ent in entities:
        p, r, f = prf(tp[ent], fp[ent], fn[ent])
        rows.append((ent, tp[ent] + fn[ent], tp[ent], fp[ent], fn[ent], exact[ent], p, r, f))
    for name, group in (("structural", STRUCTURAL), ("micro (all)", ENTITIES)):
        t = sum(tp[e] for e in group)
        fpp = sum(fp[e] for e in group)
        fnn = sum(fn[e] for e in group)
        ex = sum(exact[e] for e in group)
        p, r, f = prf(t, fpp, fnn)
        rows.append((name, t + fnn, t, fpp, fnn, ex, p, r, f))
    return rows
