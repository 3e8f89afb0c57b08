"""PROTOTYPE: character n-gram "name-likeness" score for capitalised words.

Question: could a small table of character n-gram log-odds (names vs English
words) tell an unknown personal name of any culture ("Thiruvalluvar",
"Nurlanovna", "Mbarga") from an English or product word ("Premium",
"Settlement", "Nimbus") well enough to help the PERSON rules, and at what
table size?

This is a measurement only; nothing here is used by the engine.

* Training (lists only, never the evaluation tokens):
  positives = core/src/pii/data/first.txt, first_ambiguous.txt, last.txt;
  negatives = the lower-case words of Debian `wamerican`
  (/usr/share/dict/words; its capitalised entries are proper nouns, mostly
  names and places, so they are left out), minus every positive entry.
  stop.txt, roles.txt and places*.txt are not used for training.
* Evaluation: DEV SPLITS ONLY (heldout3, 7, 8, 10, 12, 15). The test splits
  (heldout4, 5, 6, 9, 11, 13, 14) are never opened. Every Title-case token
  ([A-Z][a-z']{2,} not touching another letter) of every field is labelled
  positive when it lies inside a gold PERSON span, negative when it overlaps
  no gold PERSON or LOCATION span (others, e.g. partly inside a PERSON span
  or inside a LOCATION span, are dropped). The population reported first is
  "unknown": tokens in no engine list at all (names, places, stop words,
  roles, organisations) -- the ones the engine cannot look up.
* Score: word -> "^word$", its n-grams' log-odds
  log P(g | name) - log P(g | word) with add-k smoothing, averaged (mean) or
  summed (sum). Variants: exact tables (n = 3, 4) and hashed tables
  (FNV-1a into 2^12 / 2^14 buckets, counts pooled per bucket, log-odds
  quantised to 4 bits over a symmetric clip range) as would ship in the
  WebAssembly component.

Run from the repository root: python3 experiments/pii/namelike_proto.py
Standard library only, no network.
"""
import json
import math
import os
import re
import sys
from collections import Counter, defaultdict

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "core", "src", "pii", "data")
EVAL = os.path.join(ROOT, ".cache", "pii-eval")
DICT = "/usr/share/dict/words"

# Dev splits only. The test splits must stay unseen: never list them here.
DEV_SPLITS = [3, 7, 8, 10, 12, 15]
TEST_SPLITS = {4, 5, 6, 9, 11, 13, 14}
assert not TEST_SPLITS & set(DEV_SPLITS)

FPRS = [0.01, 0.02, 0.05]
TOKEN_RE = re.compile(r"(?<![A-Za-z])[A-Z][a-z']{2,}(?![A-Za-z])")


# --------------------------------------------------------------------------
# Data loading
# --------------------------------------------------------------------------

def read_list(name):
    """Entries of a gazetteer file: line k holds k-character entries back to back."""
    out = set()
    with open(os.path.join(DATA, name), encoding="utf-8") as fh:
        for k, line in enumerate(fh.read().split("\n"), start=1):
            assert len(line) % k == 0, (name, k)
            out.update(line[i:i + k] for i in range(0, len(line), k))
    return out


def training_sets():
    pos = read_list("first.txt") | read_list("first_ambiguous.txt") | read_list("last.txt")
    with open(DICT, encoding="utf-8") as fh:
        words = {w.strip() for w in fh}
    # lower-case ASCII words only (no possessives, no proper nouns)
    neg = {w for w in words if re.fullmatch(r"[a-z]+", w)} - pos
    return sorted(pos), sorted(neg)


def all_list_words():
    """Every entry (and every word of a multi-word entry) of every engine list."""
    known = set()
    for name in sorted(os.listdir(DATA)):
        if name.endswith(".txt"):
            for e in read_list(name):
                known.add(e)
                known.update(re.split(r"[ \-]", e))
    return known


def norm(tok):
    """Token as scored and looked up: lower case, possessive dropped."""
    t = tok.lower()
    if t.endswith("'s"):
        t = t[:-2]
    return t.strip("'")


def dev_tokens(split):
    """(token, label, brand) for one dev split.

    label 1 = inside a gold PERSON span, 0 = overlaps no gold PERSON/LOCATION
    span; brand = the negative lies inside a `hard_negatives` span (a brand
    or organisation named like a person: "sold through Babaeva Aleksovska
    stopwatches"), whose words are real names by their letters.
    """
    assert split not in TEST_SPLITS
    out = []
    with open(os.path.join(EVAL, f"heldout{split}.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            spans, hard = defaultdict(list), defaultdict(list)
            for s in rec["spans"]:
                spans[s["field"]].append((s["start"], s["end"], s["entity"]))
            for h in rec.get("hard_negatives", []):
                hard[h["field"]].append((h["start"], h["end"]))
            for field, text in rec["fields"].items():
                if not isinstance(text, str):
                    continue
                for m in TOKEN_RE.finditer(text):
                    a, b = m.span()
                    inside_person = any(e == "PERSON" and s <= a and b <= t for s, t, e in spans[field])
                    touches = any(e in ("PERSON", "LOCATION") and a < t and s < b for s, t, e in spans[field])
                    if inside_person:
                        out.append((m.group(), 1, False))
                    elif not touches:
                        brand = any(s <= a and b <= t for s, t in hard[field])
                        out.append((m.group(), 0, brand))
    return out


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------

def ngrams(word, n):
    w = "^" + word + "$"
    if len(w) < n:
        return [w]
    return [w[i:i + n] for i in range(len(w) - n + 1)]


def fnv1a(s):
    h = 0x811C9DC5
    for c in s.encode("utf-8"):
        h = ((h ^ c) * 0x01000193) & 0xFFFFFFFF
    return h


class NgramModel:
    """Log-odds table over n-grams, exact or hashed (+ 4-bit quantised)."""

    def __init__(self, pos, neg, n, k=0.5, bits=None, qbits=None, clip_pct=0.99):
        self.n, self.bits = n, bits
        key = (lambda g: g) if bits is None else (lambda g: fnv1a(g) & ((1 << bits) - 1))
        self.key = key
        cp, cn = Counter(), Counter()
        for w in pos:
            cp.update(key(g) for g in ngrams(w, n))
        for w in neg:
            cn.update(key(g) for g in ngrams(w, n))
        keys = set(cp) | set(cn)
        vocab = len(keys) if bits is None else (1 << bits)
        tp, tn = sum(cp.values()), sum(cn.values())
        dp, dn = tp + k * vocab, tn + k * vocab
        self.table = {g: math.log((cp[g] + k) / dp) - math.log((cn[g] + k) / dn) for g in keys}
        self.default = math.log(k / dp) - math.log(k / dn)  # unseen n-gram
        self.entries = len(keys)
        if bits is not None:
            # every bucket gets a value (unseen buckets the default)
            full = {b: self.table.get(b, self.default) for b in range(1 << bits)}
            if qbits:
                mags = sorted(abs(v) for b, v in full.items() if b in keys)
                clip = mags[min(len(mags) - 1, int(clip_pct * len(mags)))]
                levels = (1 << qbits) - 1
                step = 2 * clip / levels

                def q(v):
                    i = round((max(-clip, min(clip, v)) + clip) / step)
                    return -clip + i * step
                full = {b: q(v) for b, v in full.items()}
                self.clip = clip
            self.table, self.default = full, None
        self.qbits = qbits

    def size_bytes(self):
        if self.bits is None:
            # exact table: n-gram key bytes + one byte value, sorted array (lower bound)
            return self.entries * (self.n + 1)
        return ((1 << self.bits) * (self.qbits or 32)) // 8 + 4  # + one f32 scale

    def score(self, word, agg):
        vals = [self.table.get(self.key(g), self.default) for g in ngrams(word, self.n)]
        return sum(vals) / len(vals) if agg == "mean" else sum(vals)


# --------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------

def auc(scores_labels):
    """ROC AUC (Mann-Whitney, ties count one half)."""
    xs = sorted(scores_labels)
    npos = sum(lab for _, lab in xs)
    nneg = len(xs) - npos
    if not npos or not nneg:
        return float("nan")
    rank_sum, i = 0.0, 0
    while i < len(xs):
        j = i
        while j < len(xs) and xs[j][0] == xs[i][0]:
            j += 1
        avg = (i + j + 1) / 2  # mean 1-based rank of the tie group
        rank_sum += avg * sum(lab for _, lab in xs[i:j])
        i = j
    return (rank_sum - npos * (npos + 1) / 2) / (npos * nneg)


def threshold_at_fpr(neg_scores, fpr):
    """Lowest threshold t with share(neg >= t) <= fpr (flag when score >= t)."""
    s = sorted(neg_scores, reverse=True)
    allowed = math.floor(fpr * len(s))
    if allowed >= len(s):
        return -math.inf
    t = s[allowed]  # first negative that must NOT be flagged
    return math.nextafter(t, math.inf)


def prf_at(scores_labels, t):
    tp = sum(1 for s, lab in scores_labels if lab and s >= t)
    fp = sum(1 for s, lab in scores_labels if not lab and s >= t)
    npos = sum(lab for _, lab in scores_labels)
    nneg = len(scores_labels) - npos
    p = tp / (tp + fp) if tp + fp else 1.0
    return p, (tp / npos if npos else float("nan")), (fp / nneg if nneg else float("nan"))


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def make_scorer(model, agg):
    """Cached word -> score function (bound now, not by late closure)."""
    cache = {}

    def sc(w):
        if w not in cache:
            cache[w] = model.score(w, agg)
        return cache[w]
    return sc


def view(xs, brand_negs):
    """(word, label) pairs of a population; brand_negs=False drops brand-word negatives."""
    return [(w, lab) for w, lab, b in xs if brand_negs or lab or not b]


def pr_cells(sl, ths, with_fpr=False):
    cells = []
    for t in ths:
        p, r, fpr = prf_at(sl, t)
        cells.append(f"{p:.3f}/{r:.3f}" + (f" ({fpr:.3f})" if with_fpr else ""))
    return cells


VIEWS = (("all negatives", True), ("brand-word negatives dropped", False))


def main():
    pos, neg = training_sets()
    pos_set = set(pos)
    known = all_list_words()
    print(f"# n-gram name-likeness prototype (dev splits {', '.join(f'v{s}' for s in DEV_SPLITS)} only)\n")
    print(f"Training: {len(pos):,} name entries (first + first_ambiguous + last), "
          f"{len(neg):,} lower-case wamerican words not in them. Metrics count token "
          "occurrences unless a column says distinct (distinct word-label pairs).\n")

    # dev tokens, grouped by population
    pops = {}  # split -> group -> [(word, label, brand)]
    for sp in DEV_SPLITS:
        groups = defaultdict(list)
        for tok, lab, brand in dev_tokens(sp):
            w = norm(tok)
            g = "name_list" if w in pos_set else "other_list" if w in known else "unknown"
            groups[g].append((w, lab, brand))
        pops[sp] = groups
    tot = {g: [x for sp in DEV_SPLITS for x in pops[sp][g]] for g in ("unknown", "name_list", "other_list")}

    print("## Dev token populations (occurrences; distinct words in brackets)\n")
    print("\"brand\" = negatives inside a gold `hard_negatives` span: a brand named like a "
          "person (\"sold through Babaeva Aleksovska stopwatches\"); by their letters they are names.\n")
    print("| split | unknown pos | unknown neg | of which brand | name lists pos | name lists neg "
          "| other lists pos | other lists neg |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")

    def cnt(xs):
        return f"{len(xs):,} ({len(set(xs)):,})"
    for sp in [*DEV_SPLITS, "pooled"]:
        gs = tot if sp == "pooled" else pops[sp]
        u = gs["unknown"]
        row = [sp if sp == "pooled" else f"v{sp}",
               cnt([w for w, lab, b in u if lab]), cnt([w for w, lab, b in u if not lab]),
               cnt([w for w, lab, b in u if not lab and b])]
        for g in ("name_list", "other_list"):
            row += [cnt([w for w, lab, b in gs[g] if lab]), cnt([w for w, lab, b in gs[g] if not lab])]
        print("| " + " | ".join(row) + " |")
    print()

    # smoothing sweep for the exact tables
    print("## Smoothing sweep (exact tables): pooled unknown-token AUC\n")
    print("| model | k | agg | AUC all neg | AUC all neg, distinct | AUC brand dropped | AUC brand dropped, distinct |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for n in (3, 4):
        for k in (0.1, 0.5, 1.0, 2.0):
            m = NgramModel(pos, neg, n=n, k=k)
            for agg in ("mean", "sum"):
                sc = make_scorer(m, agg)
                cells = []
                for _, bn in VIEWS:
                    xs = view(tot["unknown"], bn)
                    cells += [auc([(sc(w), lab) for w, lab in xs]), auc([(sc(w), lab) for w, lab in set(xs)])]
                print(f"| exact n={n} | {k} | {agg} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    print("\nEverything below uses k = 0.5.\n")

    # variants
    variants = [(f"exact n={n}", dict(n=n)) for n in (3, 4)]
    variants += [(f"hash n={n} 2^{b} 4-bit", dict(n=n, bits=b, qbits=4)) for n in (3, 4) for b in (12, 13, 14)]
    # unquantised (f32) hashed tables: separates the cost of collisions from that of 4 bits
    variants += [(f"hash n={n} 2^{b} f32", dict(n=n, bits=b)) for n in (3, 4) for b in (12, 14)]
    models = {name: NgramModel(pos, neg, k=0.5, **kw) for name, kw in variants}
    scorers = {(name, agg): make_scorer(models[name], agg) for name, _ in variants for agg in ("mean", "sum")}

    # thresholds per view, set on the pooled unknown negatives (occurrences)
    ths = {}
    aucs = {}
    for vname, bn in VIEWS:
        xs = view(tot["unknown"], bn)
        print(f"## Unknown tokens (in no engine list), pooled: {vname}\n")
        npos = sum(lab for _, lab in xs)
        print(f"{npos:,} positive, {len(xs) - npos:,} negative occurrences. Thresholds set on these "
              "negatives at each FPR; P/R = precision/recall.\n")
        print("| variant | agg | table bytes | AUC | AUC distinct | " + " | ".join(
            f"P/R @{int(f * 100)}% FPR" for f in FPRS) + " |")
        print("|---|---|---:|---:|---:|" + "---:|" * len(FPRS))
        for key, sc in scorers.items():
            sl = [(sc(w), lab) for w, lab in xs]
            ths[(key, bn)] = [threshold_at_fpr([s for s, lab in sl if not lab], f) for f in FPRS]
            aucs[(key, bn)] = auc(sl)
            su = [(sc(w), lab) for w, lab in set(xs)]
            print(f"| {key[0]} | {key[1]} | {models[key[0]].size_bytes():,} | {aucs[(key, bn)]:.3f} | "
                  f"{auc(su):.3f} | " + " | ".join(pr_cells(sl, ths[(key, bn)])) + " |")
        print()
    print("Exact-table bytes are a lower bound (n key bytes + 1 value byte per distinct n-gram); "
          "hashed: 4 bits (f32: 32 bits) a bucket + a 4-byte scale. The component has about 5.6 KB left "
          "of its 1 MiB cap (core/src/pii/data/README.md): 2^12 (2 KiB) and 2^13 (4 KiB) fit, 2^14 (8 KiB) does not.\n")

    # best variants, chosen on the brief's labelling (all negatives)
    def best(pred):
        return max((k for k in scorers if pred(k[0])), key=lambda k: aucs[(k, True)])
    picks = [("best overall", best(lambda n: True)),
             ("best hashed", best(lambda n: n.startswith("hash") and "4-bit" in n)),
             ("best 2^12 (2 KiB)", best(lambda n: "2^12" in n and "4-bit" in n))]

    for label, key in picks:
        sc = scorers[key]
        print(f"## Per dev split: {label} = {key[0]}, {key[1]} (pooled thresholds of each view)\n")
        print("| split | view | pos/neg | AUC | " + " | ".join(f"@{int(f * 100)}%: P/R (FPR)" for f in FPRS) + " |")
        print("|---|---|---:|---:|" + "---:|" * len(FPRS))
        for vname, bn in VIEWS:
            for sp in [*DEV_SPLITS, "pooled"]:
                xs = view(tot["unknown"] if sp == "pooled" else pops[sp]["unknown"], bn)
                sl = [(sc(w), lab) for w, lab in xs]
                npos = sum(lab for _, lab in sl)
                name = sp if sp == "pooled" else f"v{sp}"
                print(f"| {name} | {vname} | {npos}/{len(sl) - npos} | {auc(sl):.3f} | "
                      + " | ".join(pr_cells(sl, ths[(key, bn)], True)) + " |")
        print()

    # tokens already in the name lists (the engine knows them): separately
    print("## Tokens in the name lists (separate population; the score was trained on these words)\n")
    print("Here a negative is mostly a listed name used as a brand or an ordinary word (Will, Grant).\n")
    print("| variant | agg | pos/neg | AUC | P/R @ the unknown all-negatives 1% / 2% thresholds |")
    print("|---|---|---:|---:|---|")
    for _, key in picks:
        sc = scorers[key]
        sl = [(sc(w), lab) for w, lab, b in tot["name_list"]]
        npos = sum(lab for _, lab in sl)
        print(f"| {key[0]} | {key[1]} | {npos}/{len(sl) - npos} | {auc(sl):.3f} | "
              + " / ".join(pr_cells(sl, ths[(key, True)][:2])) + " |")
    print()

    # would-be false positives and missed names
    for label, key in picks[:2] + [picks[2]] * (picks[2] != picks[1]):
        sc = scorers[key]
        t = ths[(key, True)]
        u = tot["unknown"]
        print(f"## {label} ({key[0]}, {key[1]}): thresholds (all negatives) "
              f"1% {t[0]:.2f}, 2% {t[1]:.2f}, 5% {t[2]:.2f}\n")
        for title, pred, rev in (
                ("highest-scoring negative unknown words", lambda lab, b: not lab, True),
                ("highest-scoring negative unknown words outside brand spans", lambda lab, b: not lab and not b, True),
                ("lowest-scoring positive unknown words", lambda lab, b: lab, False)):
            c = Counter(w for w, lab, b in u if pred(lab, b))
            top = sorted(c, key=lambda w: (-sc(w) if rev else sc(w), w))[:30]
            print(f"30 {title} (score, occurrences):\n")
            print(", ".join(f"{w.capitalize()} {sc(w):.2f} ({c[w]})" for w in top) + "\n")


if __name__ == "__main__":
    sys.exit(main())
