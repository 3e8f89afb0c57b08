"""Driver shared by the held-out splits v3 (`gen_heldout3.py`, dev) and v4
(`gen_heldout4.py`, test). Each split module supplies its own templates,
hosts, name locales, brand head nouns and seed; this module only turns a spec
into JSONL (same shape as gen_corpus.py) and asserts that a split shares no
template, host, head noun or name with the splits it must stay apart from.

Template syntax (never `str.format`, so JSON braces are literal):
* `<F>` `<L>` given name / surname as written (`Van der Berg`, `O'Brien`);
  in a URL they are percent-encoded (space as `%20`) unless the template
  writes `+` between them, which encodes spaces inside a name as `+` too;
* `<f>` `<l>` the same, lower-case ASCII slug (accents stripped, spaces as
  `-`, apostrophes dropped); `<I>` the given name's initial;
* `<V>` the structural value; `{uuid}`, `{n}`, `{order}`... as gen_corpus.Gen.fill;
* `⟦` `⟧` mark the ground-truth PERSON span (removed from the output).
"""
import json
import os
import re
import unicodedata
import urllib.parse

import gen_corpus
from names_world import FIRST as TUNE_FIRST
from names_world import LAST as TUNE_LAST

FAKER_VERSION = "40.54.0"
NAME_RE = re.compile(r"[^\W\d_]{2,14}")
LAST_RE = re.compile(r"[^\W\d_]+(?:[ '\-][^\W\d_]+){0,2}")
OPEN, CLOSE = "\u27e6", "\u27e7"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def latin(s):
    """True when every letter of `s` is Latin script (diacritics allowed)."""
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in s)


def slug(s):
    """`Łukasz O'Brien-Van Dijk` -> `lukasz-obrien-van-dijk` style ASCII slug part."""
    s = unicodedata.normalize("NFKD", s.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower().replace("'", "")
    return re.sub(r"[^a-z]+", "-", s).strip("-")


def name_pool(locales, faker_seed, draws, exclude):
    """(given names, surnames) drawn from Faker `locales`, Latin script only, minus `exclude` (lower-case)."""
    from faker import Faker
    fk = Faker(locales)
    fk.seed_instance(faker_seed)
    first, last = set(), set()
    for _ in range(draws):
        f, l_ = fk.first_name(), fk.last_name()
        if NAME_RE.fullmatch(f) and latin(f) and f.lower() not in exclude:
            first.add(f)
        if LAST_RE.fullmatch(l_) and len(l_) <= 22 and latin(l_) and l_.lower() not in exclude:
            last.add(l_)
    first, last = sorted(first), sorted(last)
    assert not ({n.lower() for n in first + last} & exclude), "split names overlap an excluded list"
    return first, last


def tune_names():
    """Every name of the tune corpus (names_world.py), lower-case."""
    return {n.lower() for n in list(TUNE_FIRST) + list(TUNE_LAST)}


def template_strings(spec):
    """Every template string of a spec module (for the disjointness asserts)."""
    raw = set()
    for key in ("PERSON_TEXT", "PERSON_URL", "PERSON_JSON", "BRAND_TEXT", "PATHS", "DESCRIPTIONS", "REASONS",
                "BENIGN_EXTRAS", "JSON_MEMOS"):
        raw.update(getattr(spec, key, []))
    for key in ("TEXT", "URL_PII", "JSON_PII"):
        for ts in getattr(spec, key, {}).values():
            raw.update(ts)
    # One notation for v2's `{}`/`[{F} {L}]` templates and this driver's `<V>`/`⟦<F> <L>⟧`.
    norm = {"{}": "<X>", "<V>": "<X>", "<B>": "<X>", "[": OPEN, "]": CLOSE}
    norm.update({"{" + c + "}": "<" + c + ">" for c in "FLfl"})
    out = set()
    for t in raw:
        for a, b in norm.items():
            t = t.replace(a, b)
        out.add(t.lower())
    return out


# The test splits' generators: a clash with one of them is reported by its count only, so that
# writing a new split does not show a test split's phrasings.
TEST_SPLITS = {"gen_heldout4", "gen_heldout5", "gen_heldout6", "gen_heldout9", "gen_heldout11", "gen_heldout13",
               "gen_heldout14"}

def engine_words():
    """Every lowercase word the engine's rules or lists contain."""
    words = set()
    src = os.path.join(ROOT, "core", "src", "pii")
    for name in os.listdir(src):
        if name.endswith(".rs"):
            with open(os.path.join(src, name), encoding="utf-8") as f:
                # The rules' code only: not the tests (the end of each file)
                # nor comments, whose quoted examples are no word list.
                code = re.sub(r"//.*", "", re.split(r"^#\[cfg\(test\)\]\nmod tests", f.read(), flags=re.M)[0])
                # Word lists are space-separated literals, some continued over
                # lines (a `\` before the line break).
                words.update(re.sub(r"\\\n\s*", " ", w).lower()
                             for w in re.findall(r'b?"([A-Za-z](?:[A-Za-z\' ]|\\\n\s*)*)"', code))
    for name in ("orgs", "stop"):
        with open(os.path.join(src, "data", name + ".txt"), encoding="ascii") as f:
            for k, line in enumerate(f.read().split("\n"), start=1):
                words.update(line[i:i + k] for i in range(0, len(line), k))
    return {p for w in words for p in w.split()} | words


def head_clashes(heads, known_words):
    """The brand heads of which the whole or a word is an engine word (`engine_words`), sorted."""
    return sorted(h for h in heads if h in known_words or any(w in known_words for w in h.split()))


def assert_apart(spec, others, known_words):
    """The split shares no template, host or brand head with `others` (spec modules of other
    splits), and no brand head is a word of the engine's rules or lists. A clash with a test
    split (`TEST_SPLITS`) names only how many items clash."""
    mine = template_strings(spec)
    for o in others:
        clash = mine & template_strings(o)
        shown = len(clash) if o.__name__ in TEST_SPLITS else sorted(clash)[:5]
        assert not clash, f"templates shared with {o.__name__}: {shown}"
        assert not set(spec.HOSTS) & set(o.HOSTS), f"hosts shared with {o.__name__}"
        assert not set(spec.HEADS) & set(o.HEADS), f"brand heads shared with {o.__name__}"
    clash = sorted(h for h in spec.HEADS if h in known_words)
    assert not clash, f"head words in the engine's word lists: {clash}"


LOCALE_RE = re.compile(r"[a-z]{2,3}(?:_([A-Z]{2}))?")


def assert_locales_apart(spec, others):
    """No country of `spec.COUNTRIES` is one an earlier Faker split drew from: the `_XX` part of
    every locale (`he_IL`) in a module-level list of `others` (a clash is counted, never named:
    `others` may be test splits)."""
    mine = set(spec.COUNTRIES)
    for o in others:
        countries = set()
        for value in vars(o).values():
            if isinstance(value, (list, tuple)) and value and all(isinstance(x, str) for x in value):
                countries |= {m.group(1) for x in value if (m := LOCALE_RE.fullmatch(x)) and m.group(1)}
        clash = mine & countries
        assert not clash, f"countries of {o.__name__}'s locales: {len(clash)}"


def fill_person(t, f, last, in_url):
    """Fills a PERSON template; returns (text, span start, span end) with the markers removed."""
    if in_url:
        plus = "<F>+<L>" in t or "<I>.+<L>" in t
        enc = (lambda s: urllib.parse.quote_plus(s, safe="'")) if plus else (lambda s: urllib.parse.quote(s, safe="'"))
        F, L = enc(f), enc(last)
    else:
        F, L = f, last
    text = (t.replace("<F>", F).replace("<L>", L).replace("<f>", slug(f)).replace("<l>", slug(last))
            .replace("<I>", f[0]))
    a = text.index(OPEN)
    b = text.index(CLOSE)
    return text[:a] + text[a + 1:b] + text[b + 1:], a, b - 1


def generate(spec, out_path, n, seed, first, last, entity_weights):
    """Writes `n` triples for `spec` with names `first`/`last` (structural values from gen_corpus.Gen)."""
    g = gen_corpus.Gen(seed)
    r = g.r
    values = {"CREDIT_CARD": g.card, "US_SSN": g.ssn, "PHONE_NUMBER": g.phone, "IBAN_CODE": g.iban,
              "IP_ADDRESS": lambda: g.ipv4() if r.random() < 0.6 else g.ipv6(),
              "LOCATION": lambda: (g.pick(spec.CITIES), "city")}

    def email():
        f, l_ = slug(g.pick(first)), slug(g.pick(last))
        local = g.pick([f"{f}.{l_}", f"{f[0]}{l_}", f"{f}_{l_}{r.randint(1, 99)}", f"{l_}.{f[0]}"])
        return f"{local}@{g.pick(spec.MAIL_DOMAINS)}", "plain"
    values["EMAIL_ADDRESS"] = email
    ents = [e for e, w in entity_weights.items() for _ in range(w)]
    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        for k in range(n):
            cat = gen_corpus.CATEGORIES[k % len(gen_corpus.CATEGORIES)]
            pii = {}
            if r.random() < 0.42:
                for _ in range(1 if r.random() < 0.7 else 2):
                    pii.setdefault(g.pick(["url", "description", "reason"]), g.pick(ents))
            fields, spans, hard = {}, [], []
            json_reason = r.random() < 0.25
            for field in ("url", "description", "reason"):
                ent = pii.get(field)
                if field == "url":
                    text = "https://" + g.pick(spec.HOSTS) + g.fill(g.pick(spec.PATHS))
                elif field == "reason" and json_reason:
                    text = None
                else:
                    text = g.fill(g.pick(spec.DESCRIPTIONS if field == "description" else spec.REASONS))
                    if r.random() < 0.4:
                        text += "; " + g.fill(g.pick(spec.BENIGN_EXTRAS))
                    if r.random() < 0.07:
                        b = g.pick(last) if r.random() < 0.5 else g.pick(first)
                        brand = f"{b} {g.pick(last)} {g.pick(spec.HEADS)}"
                        t = g.pick(spec.BRAND_TEXT)
                        s = len(text) + t.index("<B>")
                        text += t.replace("<B>", brand)
                        hard.append({"field": field, "start": s, "end": s + len(brand), "kind": "unseen"})
                if text is None:
                    # A JSON memo as the reason (agents often pass structured memos).
                    if ent == "PERSON":
                        t, s, e = fill_person(g.fill(g.pick(spec.PERSON_JSON)), g.pick(first), g.pick(last), False)
                        spans.append({"field": field, "start": s, "end": e, "entity": "PERSON", "form": "json"})
                        fields[field] = t
                    elif ent is not None:
                        v, form = values[ent]()
                        t = g.fill(g.pick(spec.JSON_PII[ent]))
                        s = t.index("<V>")
                        spans.append({"field": field, "start": s, "end": s + len(v), "entity": ent, "form": form})
                        fields[field] = t.replace("<V>", v)
                    else:
                        fields[field] = g.fill(g.pick(spec.JSON_MEMOS))
                    continue
                if ent == "PERSON":
                    f, l_ = g.pick(first), g.pick(last)
                    tmpl = g.fill(g.pick(spec.PERSON_URL if field == "url" else spec.PERSON_TEXT))
                    t, s, e = fill_person(tmpl, f, l_, field == "url")
                    if tmpl.startswith(OPEN):
                        spans.append({"field": field, "start": s, "end": e, "entity": "PERSON", "form": "leading"})
                        fields[field] = t + "; " + text
                        # The field's brand phrase moves behind the name and its "; ".
                        for h in hard:
                            if h["field"] == field:
                                h["start"] += len(t) + 2
                                h["end"] += len(t) + 2
                        continue
                    spans.append({"field": field, "start": len(text) + s, "end": len(text) + e, "entity": "PERSON",
                                  "form": "url" if field == "url" else "text"})
                    text += t
                elif ent is not None:
                    v, form = values[ent]()
                    if field == "url":
                        t = g.pick(spec.URL_PII[ent])
                        if "/" in t.split("<V>")[0][-1:] and ent in ("US_SSN", "CREDIT_CARD", "PHONE_NUMBER"):
                            v = v.replace(" ", "-")
                        elif ent == "IBAN_CODE":
                            v = v.replace(" ", "")
                        v = urllib.parse.quote(v, safe="@+:-.")
                    else:
                        t = g.pick(spec.TEXT[ent])
                    s = len(text) + t.index("<V>")
                    spans.append({"field": field, "start": s, "end": s + len(v), "entity": ent, "form": form})
                    text += t.replace("<V>", v)
                fields[field] = text
            out.write(json.dumps({"id": k, "category": cat, "fields": fields, "spans": spans,
                                  "hard_negatives": hard}, ensure_ascii=False) + "\n")
