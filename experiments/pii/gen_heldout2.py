#!/usr/bin/env python3
"""Held-out split v2 of our corpus: written after the engine's word lists, and
kept apart from everything they were derived from.

Same JSONL shape as gen_corpus.py. What differs from the tune split and from
held-out v1 (which the organisation words added later cover, see README):
* sentence, path and query templates written for this split only (TEMPLATES);
* names from Faker (pinned, several Latin-script locales), not from
  names_world.py: every name the tune corpus uses is removed (asserted);
* hard negatives are brands and firms named after people, built from those
  names and head nouns (HEADS) that are asserted to be in none of the engine's
  word lists (every lowercase word literal in core/src/pii/*.rs, orgs.txt,
  stop.txt), so no rule or list was written with them in view;
* its own generator seed (run.py: 7919).
The structural values (cards, SSNs, phones, IBANs, IPs) come from
gen_corpus.Gen with this seed: their formats are standards, not templates.

Needs Faker (run.py installs it into the eval venv).
Usage: gen_heldout2.py OUT.jsonl [--n 2400] [--seed 7919]
"""
import argparse
import json
import re
import urllib.parse

import gen_corpus
import split_gen
from faker import Faker
from names_world import FIRST as TUNE_FIRST
from names_world import LAST as TUNE_LAST

FAKER_VERSION = "40.54.0"
LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "sv_SE", "pl_PL", "pt_BR", "tr_TR",
           "en_IN", "yo_NG", "fi_FI", "cs_CZ", "ro_RO"]

# Head nouns of brands named after people (`Harriet Vogel eyewear`).
HEADS = ["eyewear", "apparel", "memo", "briefing", "cookware", "luggage", "footwear", "knitwear",
         "fragrances", "skincare", "outerwear", "handbags", "jewellery", "tableware", "glassware", "mattresses",
         "bicycles", "vineyards", "chocolates", "cosmetics", "swimwear", "denim", "loafers", "sneakers",
         "lookbook", "pricelist", "brochure", "showroom", "atelier", "boutique", "winery", "brewery",
         "distillery", "patisserie", "upholstery", "cutlery", "stationery", "perfumery", "sportswear", "workwear",
         "yachts", "pianos", "tractors", "saddlery", "millinery", "candles"]
CATEGORIES = gen_corpus.CATEGORIES
HOSTS = ["api.ledgerline.co", "edge.quillstack.net", "v3.parcelgate.app", "rest.tallyhouse.io", "gw.orbitdesk.cloud",
         "svc.lanternapi.com", "pay.crateworks.dev", "hub.meridianx.org"]
PATHS = ["/v3/reports/{id}", "/catalog/items/{uuid}", "/exports/{n}.csv", "/v1/usage", "/graphql", "/v2/tiles/{n}/{n}",
         "/feeds/latest", "/v1/translate", "/media/{uuid}/thumb", "/v4/forecast"]
DESCRIPTIONS = ["Translation of a {n}-page document", "Satellite tile bundle", "Quarterly usage export",
                "Speech synthesis, {n} characters", "OCR of scanned invoice", "Route optimisation run",
                "Sentiment batch over {n} reviews", "Vector index rebuild", "Map tiles zoom 14",
                "Bulk SMS credits", "Compliance screening request", "Podcast transcript"]
REASONS = ["Nightly sync", "Triggered by webhook", "Plan renewal", "Manual top-up", "Backfill job {n}",
           "Customer-initiated export", "Pipeline stage {n}", "Cache warm-up"]
BENIGN_EXTRAS = ["batch {n} of 20", "SKU HX-{n}", "ref {uuid}", "Tier Gold", "Region EU-West", "quota {n}/day",
                 "ETA 4h", "locale en-GB", "checksum {digest}", "Q4 forecast", "Plan B fallback", "build {version}"]
CITIES = ["Lisbon", "Osaka", "Accra", "Bogota", "Auckland", "Montreal", "Karachi", "Casablanca", "Kyiv", "Oslo",
          "Helsinki", "Santiago", "Athens", "Budapest", "Prague", "Zurich", "Dakar", "Quito", "Riyadh", "Tashkent"]

# PII templates for this split only: ({} is the value).
TEXT = {
    "EMAIL_ADDRESS": ["; reply to {}", "; send the receipt to {}", " (owner: {})", "; escalation contact {}"],
    "US_SSN": ["; tax id {}", "; W-9 on file, TIN {}", "; social security no. {}", "; SSN# {}"],
    "CREDIT_CARD": ["; paid with Visa {}", "; billing card {}", "; cc# {}", "; charge card number {}"],
    "PHONE_NUMBER": ["; text me at {}", "; reachable on {}", "; mobile: {}", "; hotline {}"],
    "IBAN_CODE": ["; SEPA transfer to {}", "; refund IBAN: {}", "; credit account {}"],
    "IP_ADDRESS": ["; request came from {}", "; seen at {}", "; remote address {}"],
    "LOCATION": ["; shipping to {}", "; delivery address in {}", "; weather for {}"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?reply_to={}", "/mailboxes/{}/messages", "?cc={}&page=2"],
    "US_SSN": ["?tax_id={}", "/w9/{}/pdf", "?national_id={}&fmt=json"],
    "CREDIT_CARD": ["?cardnum={}", "/billing/cards/{}/verify", "#pan={}"],
    "PHONE_NUMBER": ["?callback_number={}", "/sms/send?to={}", "?dial={}&retry=1"],
    "IBAN_CODE": ["?payout_iban={}", "/sepa/mandates/{}/", "?creditor={}"],
    "IP_ADDRESS": ["?remote_addr={}", "?x_forwarded_for={}"],
    "LOCATION": ["?destination={}", "/weather/{}/today", "?ship_to={}"],
}
# PERSON forms: (template with {F} {L} {f} {l} and the span marked by [ ]).
PERSON_TEXT = ["; transcript of interview with [{F} {L}]", "; invoice addressed to [{F} {L}], net 30",
               "; background screening: [{L}, {F}]", "; signed off by [{F} {L}]", "[{F} {L}] requested a refund",
               "; prepared for Ms. [{L}]", "; on behalf of [{F} {L}]", "; hello [{F}], your export is ready",
               "; booking under the name [{F} {L}]", "; attendee [{F} {L}] (badge 22)"]
PERSON_URL = ["?holder_name=[{F}%20{L}]", "?attendee=[{f}.{l}]", "/authors/[{f}-{l}]/posts", "?recipient=[{F}+{L}]",
              "/v1/kyc/[{f}_{l}]/status"]
BRAND_TEXT = ["; partner: {}", "; sponsored by {}", "; assets from the {}", "; {} collection"]


# Kept here under its old name: the later generators call `gen_heldout2.engine_words()`.
engine_words = split_gen.engine_words


def name_pool():
    """(given names, surnames) from Faker, minus every name the tune corpus uses."""
    tune = {n.lower() for n in list(TUNE_FIRST) + list(TUNE_LAST)}
    fk = Faker(LOCALES)
    fk.seed_instance(20261201)
    first, last = set(), set()
    for _ in range(4000):
        f, l_ = fk.first_name(), fk.last_name()
        if re.fullmatch(r"[^\W\d_]{2,14}", f) and f.lower() not in tune:
            first.add(f)
        if re.fullmatch(r"[^\W\d_]{2,16}", l_) and l_.lower() not in tune:
            last.add(l_)
    first, last = sorted(first), sorted(last)
    assert not ({n.lower() for n in first + last} & tune), "held-out names overlap the tune corpus"
    return first, last


def fill_person(t, f, last):
    text = t.format(F=f, L=last, f=f.lower(), l=last.lower())
    a, b = text.index("["), text.index("]")
    return text[:a] + text[a + 1:b] + text[b + 1:], a, b - 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=7919)
    a = ap.parse_args()
    import faker
    assert faker.VERSION == FAKER_VERSION, f"Faker {faker.VERSION}, pinned {FAKER_VERSION}"
    known = engine_words()
    clash = sorted(h for h in HEADS if h in known)
    assert not clash, f"head words in the engine's word lists: {clash}"
    first, last = name_pool()
    orgs = known
    g = gen_corpus.Gen(a.seed)
    r = g.r
    values = {"CREDIT_CARD": g.card, "US_SSN": g.ssn, "PHONE_NUMBER": g.phone, "IBAN_CODE": g.iban,
              "IP_ADDRESS": lambda: g.ipv4() if r.random() < 0.6 else g.ipv6(),
              "LOCATION": lambda: (g.pick(CITIES), "city")}

    def email():
        f, l_ = g.pick(first).lower(), g.pick(last).lower()
        local = g.pick([f"{f}.{l_}", f"{f[0]}.{l_}", f"{l_}{r.randint(1, 999)}", f"{f}-{l_}"])
        return f"{local}@{g.pick(['proton.me', 'web.de', 'firm.legal', 'studio.io'])}", "plain"
    values["EMAIL_ADDRESS"] = email
    with open(a.out, "w", encoding="utf-8", newline="\n") as out:
        for k in range(a.n):
            cat = CATEGORIES[k % len(CATEGORIES)]
            pii = {}
            if r.random() < 0.42:
                for _ in range(1 if r.random() < 0.7 else 2):
                    ent = g.pick(gen_corpus.ENTITIES)
                    pii.setdefault(g.pick(["url", "description", "reason"]), ent)
            fields, spans, hard = {}, [], []
            for field in ("url", "description", "reason"):
                if field == "url":
                    text = "https://" + g.pick(HOSTS) + g.fill(g.pick(PATHS))
                else:
                    text = g.fill(g.pick(DESCRIPTIONS if field == "description" else REASONS))
                    if r.random() < 0.4:
                        text += "; " + g.fill(g.pick(BENIGN_EXTRAS))
                    if r.random() < 0.06:
                        b = g.pick(last) if r.random() < 0.5 else g.pick(first)
                        brand = f"{b} {g.pick(last)} {g.pick(HEADS)}"
                        assert brand.split()[-1] not in orgs
                        t = g.pick(BRAND_TEXT)
                        s = len(text) + t.index("{}")
                        text += t.format(brand)
                        hard.append({"field": field, "start": s, "end": s + len(brand), "kind": "unseen"})
                ent = pii.get(field)
                if ent == "PERSON":
                    f, l_ = g.pick(first), g.pick(last)
                    if field == "url":
                        t, s, e = fill_person(g.pick(PERSON_URL), f, l_)
                        form = "url"
                    else:
                        tmpl = g.pick(PERSON_TEXT)
                        t, s, e = fill_person(tmpl, f, l_)
                        if tmpl.startswith("["):
                            text, t = t, "; " + text
                            spans.append({"field": field, "start": s, "end": e, "entity": "PERSON",
                                          "form": "leading"})
                            fields[field] = text + t
                            continue
                        form = "text"
                    spans.append({"field": field, "start": len(text) + s, "end": len(text) + e, "entity": "PERSON",
                                  "form": form})
                    text += t
                elif ent is not None:
                    v, form = values[ent]()
                    if field == "url":
                        t = g.pick(URL_PII[ent])
                        if "/" in t and ent in ("US_SSN", "CREDIT_CARD", "PHONE_NUMBER"):
                            v = v.replace(" ", "-")
                        elif ent == "IBAN_CODE" and "/" in t:
                            v = v.replace(" ", "")
                        v = urllib.parse.quote(v, safe="@+:-.")
                    else:
                        t = g.pick(TEXT[ent])
                    s = len(text) + t.index("{}")
                    spans.append({"field": field, "start": s, "end": s + len(v), "entity": ent, "form": form})
                    text += t.format(v)
                fields[field] = text
            out.write(json.dumps({"id": k, "category": cat, "fields": fields, "spans": spans,
                                  "hard_negatives": hard}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
