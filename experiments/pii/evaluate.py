"""Scores findings against the corpus ground truth.

Matching: a prediction is a true positive when it has the same entity type as
an unmatched ground-truth span in the same field and the two overlap (each
truth span matches at most one prediction). `exact` additionally counts
predictions whose span equals the truth span, and `in_part` the truth spans
a prediction overlaps that keep a letter or digit in the clear (a partial
redaction the overlap rule counts as a true positive). Offsets are characters.
"""
import re
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


# A URI scheme a truth span starts with (the seed labels `mailto:grace@…`
# whole) is no personal data left in the clear.
SCHEME = re.compile(r"(?i)(?:mailto|tel|sms):")


def in_part(corpus, preds):
    """Per entity, the truth spans that a prediction of their type overlaps
    and that keep a letter or digit outside every prediction of their type in
    their field: `Maria Garcia` found in `Maria Garcia Lopez` leaves `Lopez`
    in the clear. Returns ({entity: count}, [(entity, truth, found, text)])."""
    count, examples = defaultdict(int), []
    for rec in corpus:
        found = preds.get(rec["id"], [])
        for t in rec["spans"]:
            f, ts, te, ent = t["field"], t["start"], t["end"], t["entity"]
            text = rec["fields"][f]
            over = [(s, e) for (pf, s, e, pe) in found if pf == f and pe == ent and s < te and ts < e]
            if not over:
                continue
            m = SCHEME.match(text, ts)
            start = m.end() if m else ts
            if any(text[k].isalnum() and not any(s <= k < e for s, e in over) for k in range(start, te)):
                count[ent] += 1
                examples.append((ent, text[ts:te], [text[s:e] for s, e in over], text))
    return count, examples


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def table(tp, fp, fn, exact, entities=ENTITIES, part=None):
    """Rows (entity, truth, TP, FP, FN, exact, P, R, F1, in part) per entity,
    then structural and micro; `part` is [`in_part`]'s count (0 without it)."""
    part = part or defaultdict(int)
    rows = []
    for ent in entities:
        p, r, f = prf(tp[ent], fp[ent], fn[ent])
        rows.append((ent, tp[ent] + fn[ent], tp[ent], fp[ent], fn[ent], exact[ent], p, r, f, part[ent]))
    for name, group in (("structural", STRUCTURAL), ("micro (all)", ENTITIES)):
        t = sum(tp[e] for e in group)
        fpp = sum(fp[e] for e in group)
        fnn = sum(fn[e] for e in group)
        ex = sum(exact[e] for e in group)
        p, r, f = prf(t, fpp, fnn)
        rows.append((name, t + fnn, t, fpp, fnn, ex, p, r, f, sum(part[e] for e in group)))
    return rows
