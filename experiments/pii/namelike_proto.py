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
    """(token, label) for one dev split; label 1 = PERSON, 0 = no PERSON/LOCATION."""
    assert split not in TEST_SPLITS
    out = []
    with open(os.path.join(EVAL, f"heldout{split}.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            spans = defaultdict(list)
            for s in rec["spans"]:
                spans[s["field"]].append((s["start"], s["end"], s["entity"]))
            for field, text in rec["fields"].items():
                if not isinstance(text, str):
                    continue
                for m in TOKEN_RE.finditer(text):
                    a, b = m.span()
                    inside_person = any(e == "PERSON" and s <= a and b <= t for s, t, e in spans[field])
                    touches = any(e in ("PERSON", "LOCATION") and a < t and s < b for s, t, e in spans[field])
                    if inside_person:
                        out.append((m.group(), 1))
                    elif not touches:
                        out.append((m.group(), 0))
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
    npos = sum(l for _, l in xs)
    nneg = len(xs) - npos
    if not npos or not nneg:
        return float("nan")
    rank_sum, i = 0.0, 0
    while i < len(xs):
        j = i
        while j < len(xs) and xs[j][0] == xs[i][0]:
            j += 1
        avg = (i + j + 1) / 2  # mean 1-based rank of the tie group
        rank_sum += avg * sum(l for _, l in xs[i:j])
        i = j
    return (rank_sum - npos * (npos + 1) / 2) / (npos * nneg)


def threshold_at_fpr(neg_scores, fpr):
    """Lowest threshold t with share(neg >= t) <= fpr (flag when score >= t)."""
    s = sorted(neg_scores, reverse=True)
    allowed = int(math.floor(fpr * len(s)))
    if allowed >= len(s):
        return -math.inf
    t = s[allowed]  # first negative that must NOT be flagged
    return math.nextafter(t, math.inf)


def prf_at(scores_labels, t):
    tp = sum(1 for s, l in scores_labels if l and s >= t)
    fp = sum(1 for s, l in scores_labels if not l and s >= t)
    npos = sum(l for _, l in scores_labels)
    nneg = len(scores_labels) - npos
    p = tp / (tp + fp) if tp + fp else 1.0
    return p, (tp / npos if npos else float("nan")), (fp / nneg if nneg else float("nan"))


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def fmt_bytes(b):
    return f"{b:,}"


def main():
    pos, neg = training_sets()
    pos_set = set(pos)
    known = all_list_words()
    print(f"# n-gram name-likeness prototype (dev splits {', '.join('v%d' % s for s in DEV_SPLITS)} only)\n")
    print(f"training: {len(pos):,} name entries (first + first_ambiguous + last), "
          f"{len(neg):,} lower-case wamerican words not in them\n")

    # dev tokens, grouped by population
    pops = {}  # split -> {"unknown": [(tok, lab)], "name_list": ..., "other_list": ...}
    for sp in DEV_SPLITS:
        groups = defaultdict(list)
        for tok, lab in dev_tokens(sp):
            w = norm(tok)
            if w in pos_set:
                groups["name_list"].append((w, lab))
            elif w in known:
                groups["other_list"].append((w, lab))
            else:
                groups["unknown"].append((w, lab))
        pops[sp] = groups

    print("## Dev token populations (occurrences; distinct words in brackets)\n")
    print("| split | unknown pos | unknown neg | in name lists pos | in name lists neg | in other lists pos | in other lists neg |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    tot = defaultdict(list)
    for sp in DEV_SPLITS:
        row = [f"v{sp}"]
        for g in ("unknown", "name_list", "other_list"):
            xs = pops[sp][g]
            tot[g] += xs
            for lab in (1, 0):
                occ = [w for w, l in xs if l == lab]
                row.append(f"{len(occ):,} ({len(set(occ)):,})")
        print("| " + " | ".join(row) + " |")
    row = ["pooled"]
    for g in ("unknown", "name_list", "other_list"):
        for lab in (1, 0):
            occ = [w for w, l in tot[g] if l == lab]
            row.append(f"{len(occ):,} ({len(set(occ)):,})")
    print("| " + " | ".join(row) + " |\n")

    # models
    variants = []
    for n in (3, 4):
        variants.append((f"exact n={n}", dict(n=n)))
    for n in (3, 4):
        for bits in (12, 14):
            variants.append((f"hash n={n} 2^{bits} 4-bit", dict(n=n, bits=bits, qbits=4)))
    models = {}
    for name, kw in variants:
        models[name] = NgramModel(pos, neg, k=0.5, **kw)

    # smoothing sweep (AUC, pooled unknown, distinct words) for the exact tables
    uniq_unknown = sorted(set(tot["unknown"]))
    print("## Smoothing sweep: AUC on pooled unknown tokens (occurrences / distinct word-label pairs)\n")
    print("| model | k | mean: occ | mean: distinct | sum: occ | sum: distinct |")
    print("|---|---:|---:|---:|---:|---:|")
    for n in (3, 4):
        for k in (0.1, 0.5, 1.0, 2.0):
            m = NgramModel(pos, neg, n=n, k=k)
            cells = []
            for agg in ("mean", "sum"):
                cache = {w: m.score(w, agg) for w in set(w for w, _ in tot["unknown"])}
                cells.append(auc([(cache[w], l) for w, l in tot["unknown"]]))
                cells.append(auc([(cache[w], l) for w, l in uniq_unknown]))
            print(f"| exact n={n} | {k} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    print("\nAll variants below use k = 0.5.\n")

    # main table: pooled unknown
    print("## Unknown tokens (in no engine list), pooled over the dev splits\n")
    print("Thresholds are set on the pooled unknown negatives at each FPR "
          "(occurrences); P = precision, R = recall.\n")
    hdr = "| variant | agg | table bytes | AUC occ | AUC distinct | " + " | ".join(
        f"P/R @{int(f * 100)}% FPR" for f in FPRS) + " |"
    print(hdr)
    print("|---|---|---:|---:|---:|" + "---:|" * len(FPRS))
    results = {}
    for name, _ in variants:
        m = models[name]
        for agg in ("mean", "sum"):
            cache = {}

            def sc(w):
                if w not in cache:
                    cache[w] = m.score(w, agg)
                return cache[w]
            sl = [(sc(w), l) for w, l in tot["unknown"]]
            su = [(sc(w), l) for w, l in uniq_unknown]
            ths = [threshold_at_fpr([s for s, l in sl if not l], f) for f in FPRS]
            cells = []
            for t in ths:
                p, r, _ = prf_at(sl, t)
                cells.append(f"{p:.3f}/{r:.3f}")
            a_occ, a_uni = auc(sl), auc(su)
            results[(name, agg)] = (a_occ, ths, sc)
            print(f"| {name} | {agg} | {fmt_bytes(m.size_bytes())} | {a_occ:.3f} | {a_uni:.3f} | " + " | ".join(cells) + " |")
    print("\nExact-table bytes are a lower bound (n key bytes + 1 value byte per distinct n-gram); "
          "hashed: 4 bits a bucket + a 4-byte scale.\n")

    # pick the best compact (hashed) and best overall by pooled occurrence AUC
    best_all = max(results, key=lambda r: results[r][0])
    best_cmp = max((r for r in results if r[0].startswith("hash")), key=lambda r: results[r][0])
    best_small = max((r for r in results if "2^12" in r[0]), key=lambda r: results[r][0])

    for label, key in (("best overall", best_all), ("best hashed", best_cmp), ("best 2^12 (2 KiB)", best_small)):
        a_occ, ths, sc = results[key]
        print(f"## Per dev split: {label} = {key[0]}, {key[1]} (pooled thresholds)\n")
        print("| split | unknown pos/neg | AUC | " + " | ".join(
            f"@{int(f * 100)}%: P/R (FPR)" for f in FPRS) + " |")
        print("|---|---:|---:|" + "---:|" * len(FPRS))
        for sp in DEV_SPLITS + ["pooled"]:
            xs = tot["unknown"] if sp == "pooled" else pops[sp]["unknown"]
            sl = [(sc(w), l) for w, l in xs]
            npos = sum(l for _, l in sl)
            cells = []
            for t in ths:
                p, r, fpr = prf_at(sl, t)
                cells.append(f"{p:.3f}/{r:.3f} ({fpr:.3f})")
            name = sp if sp == "pooled" else f"v{sp}"
            print(f"| {name} | {npos}/{len(sl) - npos} | {auc(sl):.3f} | " + " | ".join(cells) + " |")
        print()

    # tokens already in the name lists (the engine knows them): separately
    print("## Tokens in the name lists (reported separately; the score was trained on them)\n")
    print("| variant | agg | pos/neg | AUC occ | P/R @ the unknown population's 1% / 2% thresholds |")
    print("|---|---|---:|---:|---|")
    for key in (best_all, best_cmp, best_small):
        a_occ, ths, sc = results[key]
        sl = [(sc(w), l) for w, l in tot["name_list"]]
        npos = sum(l for _, l in sl)
        cells = []
        for t in ths[:2]:
            p, r, _ = prf_at(sl, t)
            cells.append(f"{p:.3f}/{r:.3f}")
        print(f"| {key[0]} | {key[1]} | {npos}/{len(sl) - npos} | {auc(sl):.3f} | " + " / ".join(cells) + " |")
    print()

    # error lists for the best compact variant and the best overall
    for label, key in (("best overall", best_all), ("best hashed", best_cmp)):
        _, ths, sc = results[key]
        negc = Counter(w for w, l in tot["unknown"] if not l)
        posc = Counter(w for w, l in tot["unknown"] if l)
        top_neg = sorted(negc, key=lambda w: -sc(w))[:30]
        low_pos = sorted(posc, key=lambda w: sc(w))[:30]
        print(f"## {label} ({key[0]}, {key[1]}): thresholds 1% {ths[0]:.3f}, 2% {ths[1]:.3f}, 5% {ths[2]:.3f}\n")
        print("30 highest-scoring negative unknown words (score, occurrences):\n")
        print(", ".join(f"{w.capitalize()} {sc(w):.2f} ({negc[w]})" for w in top_neg) + "\n")
        print("30 lowest-scoring positive unknown words (score, occurrences):\n")
        print(", ".join(f"{w.capitalize()} {sc(w):.2f} ({posc[w]})" for w in low_pos) + "\n")


if __name__ == "__main__":
    sys.exit(main())
