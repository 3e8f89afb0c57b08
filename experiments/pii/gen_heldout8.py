#!/usr/bin/env python3
"""Held-out split v8 of our corpus: the DEV split of the v8/v9 round (its errors may be read).

v4-v7 had each been run or read many times, so a fresh pair was written together, before any
engine change of their round: v8 (this file, dev) and v9 (gen_heldout9.py, test). Rules learnt
from v8's errors are measured on v9 without ever reading v9's. Seed 8808 (run.py), and its own
templates, hosts, brand head nouns, names and towns:

* names from two sources: the Kazakh name lists of `mimesis` (pinned; a data set of its own, which
  no earlier split and no gazetteer source uses) transliterated by `anyascii` (pinned), and Faker's
  mk_MK (Macedonian, transliterated), ha_NG (Hausa), sw (Swahili) and en_PK (Pakistani names in
  English). v4 drew from ha_NG, sw and en_PK too: every name of its pool, of the tune corpus and of
  the v2-v7 pools is removed (asserted), and so are Faker's placeholders;
* towns from Faker's city lists of da_DK, hr_HR, es_CO and id_ID (real towns of Denmark,
  Croatia, Colombia and Indonesia), minus the towns of v2-v7;
* templates, hosts and brand heads asserted disjoint from v2's-v7's, and the brand heads from
  every engine word list.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs Faker,
anyascii and mimesis (run.py installs them into the eval venv).
Usage: gen_heldout8.py OUT.jsonl [--n 2400] [--seed 8808]
"""
import argparse
import sys

import gen_heldout6
import gen_heldout7
import split_gen

LATIN_LOCALES = ["ha_NG", "sw", "en_PK"]
LOCALES = ["mk_MK"]
MIMESIS_LOCALES = ["kk"]
MIMESIS_VERSION = "22.2.0"
CITY_LOCALES = ["da_DK", "hr_HR", "es_CO", "id_ID"]
FAKER_SEED = 88080
HEADS = ["hatstands", "trivets", "tuning forks", "footstools", "stopwatches", "corkscrews", "potholders",
         "candlesticks", "teacups", "windchimes", "saucepans", "lunchboxes", "moccasins", "oven gloves", "earplugs",
         "pillowcases", "clipboards", "snowglobes", "napkin rings", "kazoos"]
HOSTS = ["api.tidepool.io", "x402.glyphworks.dev", "pay.soundbank.app", "gw.cargohub.net", "api.weatherloom.co",
         "svc.lexiconhub.org", "data.orbitlog.ai", "api.meterbox.run"]
MAIL_DOMAINS = ["yahoo.com", "hotmail.com", "outlook.com", "mail.com.ng", "gmail.com", "t-home.mk"]
PATHS = ["/tides/{id}/forecast", "/glyphs/{slug}.woff2", "/sounds/{id}/preview.mp3", "/cargo/{order}/manifest",
         "/weather/{n}/hourly", "/lexicon/{slug}/entries", "/orbits/{uuid}/elements", "/meters/{n}/reading"]
DESCRIPTIONS = ["Tide forecast {id}", "Font file {slug}", "Sound preview", "Cargo manifest {order}",
                "Hourly weather, station {n}", "Lexicon entries", "Orbital elements", "Meter reading {n}"]
REASONS = ["Paid per lookup", "Charged to the team wallet", "Within today's spend cap", "Task {n}: fetching data",
           "Settled after the 402 challenge", "Monthly plan renewal", "Small purchase, auto-approved"]
BENIGN_EXTRAS = ["trace id {uuid}", "price {amount} units", "paid in tx {txhash}", "receiver {evm}", "sha256 {digest}",
                 "good until {tsms}", "base mainnet", "asset: USDC", "plan: Hobby", "Crew Lima",
                 "app version {version}", "item {n}"]
TEXT = {
    "EMAIL_ADDRESS": ["; invoices go to <V>", "; reply-to: <V>", "; login email <V>"],
    "US_SSN": ["; tax id (SSN) <V>", "; SSN given: <V>", "; the employee's SSN is <V>"],
    "CREDIT_CARD": ["; settled with card <V>", "; the card number was <V>", "; mastercard <V> charged"],
    "PHONE_NUMBER": ["; whatsapp me at <V>", "; reach me on <V>", "; contact number: <V>"],
    "IBAN_CODE": ["; transfer to <V>", "; IBAN of the account: <V>", "; IBAN <V> (savings)"],
    "IP_ADDRESS": ["; from IP <V>", "; client address: <V>", "; logged in from <V>"],
    "LOCATION": ["; ships from a warehouse in <V>", "; office: <V>", "; conference in <V> next week"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?invoice_to=<V>", "/logins/<V>/reset", "?reply_to=<V>&v=3"],
    "US_SSN": ["?tax_ssn=<V>", "/employees-ssn/<V>", "?ssn_number=<V>&fmt=pdf"],
    "CREDIT_CARD": ["?card_no=<V>", "/saved-cards/<V>/charge", "?pan_full=<V>&cur=USD"],
    "PHONE_NUMBER": ["?wa_number=<V>", "/caller-ids/<V>/log", "?contact_no=<V>"],
    "IBAN_CODE": ["?transfer_iban=<V>", "/accounts-iban/<V>", "?bank_iban=<V>&kind=sepa"],
    "IP_ADDRESS": ["?caller_addr=<V>", "/geoip/<V>/lookup"],
    "LOCATION": ["?office_city=<V>", "/warehouses/<V>/stock", "?conference_city=<V>&y=2026"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"invoice":{"email":"<V>"}}', '{"memo":"send the invoice to <V>"}'],
    "US_SSN": ['{"staff_member":{"ssn":"<V>"}}', '{"memo":"SSN given: <V>"}'],
    "CREDIT_CARD": ['{"card_number":"<V>"}', '{"memo":"settled with card <V>"}'],
    "PHONE_NUMBER": ['{"whatsapp":"<V>"}', '{"memo":"reach me on <V>"}'],
    "IBAN_CODE": ['{"bank":{"iban":"<V>","kind":"sepa"}}', '{"memo":"transfer to <V>"}'],
    "IP_ADDRESS": ['{"client_ip":"<V>"}', '{"memo":"logged in from <V>"}'],
    "LOCATION": ['{"office_city":"<V>"}', '{"memo":"conference in <V>"}'],
}
JSON_MEMOS = ['{"memo":"lookup","trace_id":"{uuid}"}', '{"item":{n},"paid":true}', '{"memo":"Monthly plan renewal"}',
              '{"plan":"Hobby","cap":{n}}', '{"memo":"ok","sha256":"{digest}"}']
PERSON_TEXT = ["; booked for ⟦<F> <L>⟧", "; customer: ⟦<F> <L>⟧", "; driver ⟦<F> <L>⟧ confirmed the drop",
               "; ⟦<F> <L>⟧ asked for an invoice", "; reimburse ⟦<F> <L>⟧ from petty cash", "; attn. ⟦<F> <L>⟧",
               "; Mr ⟦<F> <L>⟧ from accounts", "; on call: ⟦<F>⟧", "; per ⟦<L>, <F>⟧",
               "; client ⟦<F> <L>⟧ wants a copy", "; the key belongs to ⟦<F> <L>⟧", "; hi ⟦<F>⟧, your order shipped",
               "; student ⟦<F> <L>⟧, year 2", "; rider: ⟦<F> <L>⟧", "; ⟦<F> <L>⟧ will review it",
               "; initialled ⟦<I>. <L>⟧"]
PERSON_URL = ["/clients/⟦<f>-<l>⟧/orders", "?recipient_name=⟦<F>%20<L>⟧", "?driver=⟦<F>+<L>⟧",
              "/staff/⟦<f>.<l>⟧/timesheet", "?contact_name=⟦<l>-<f>⟧", "/riders/⟦<f>_<l>⟧/trips",
              "?author=⟦<f>.<l>⟧", "/exports/{id}/⟦<l>-<f>⟧.csv"]
PERSON_JSON = ['{"recipient":{"name":"⟦<F> <L>⟧"}}', '{"memo":"booked for ⟦<F> <L>⟧"}',
               '{"contact":"⟦<L>, <F>⟧"}', '{"memo":"driver ⟦<F> <L>⟧ confirmed"}', '{"driver_id":"⟦<f>.<l>⟧"}']
BRAND_TEXT = ["; sold through <B>", "; merchant of record: <B>", "; brand name <B>", "; bought at <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 1}


def earlier_names():
    """Every name a split before v8 uses (tune list, v2-v7 pools) and Faker's placeholders, lower-case."""
    ex6 = gen_heldout6.earlier_names()
    f6, l6 = gen_heldout6.names(ex6)
    ex7 = ex6 | {n.lower() for n in f6 + l6}
    f7, l7 = gen_heldout6.transliterated(gen_heldout7.LOCALES, gen_heldout7.ROMANIZED_LOCALES,
                                         gen_heldout7.FAKER_SEED, ex7, capitalize=True)
    return ex7 | {n.lower() for n in f7 + l7}


def earlier_cities():
    """Every town a split before v8 uses, lower-case."""
    c6 = gen_heldout6.earlier_cities()
    c6 |= {c.lower() for c in gen_heldout6.cities(c6)}
    return c6 | {c.lower() for c in gen_heldout6.towns(gen_heldout7.CITY_LOCALES, gen_heldout7.FAKER_SEED, c6)}


def mimesis_names(locales, exclude, seed, cap=400):
    """(given names, surnames): mimesis' person lists for `locales` (names in another script through
    anyascii, Latin ones as written), through split_gen's filters, minus `exclude` (lower-case); at
    most `cap` of each, drawn with `seed`, so that one big list does not outweigh the other sources."""
    import json
    import os
    import random

    import mimesis
    from anyascii import anyascii
    assert mimesis.__version__ == MIMESIS_VERSION, f"mimesis {mimesis.__version__}, pinned {MIMESIS_VERSION}"
    first, last = set(), set()
    for loc in locales:
        with open(os.path.join(os.path.dirname(mimesis.__file__), "datasets", loc, "person.json"),
                  encoding="utf-8") as fh:
            data = json.load(fh)
        for key, out, pattern in (("names", first, split_gen.NAME_RE), ("surnames", last, split_gen.LAST_RE)):
            lists = data[key].values() if isinstance(data[key], dict) else [data[key]]
            for raw in (n for lst in lists for n in lst):
                n = raw.replace("\u200e", "").strip()
                n = n if split_gen.latin(n) else anyascii(n)
                if pattern.fullmatch(n) and n[0].isupper() and len(n) <= 22 and n.lower() not in exclude:
                    out.add(n)
    r = random.Random(seed)
    return ({n for n in r.sample(sorted(first), min(cap, len(first)))},
            {n for n in r.sample(sorted(last), min(cap, len(last)))})


def names(latin_locales, locales, mimesis_locales, faker_seed, exclude):
    """(given names, surnames): Faker's Latin-script locales as written, its other locales through
    anyascii, and mimesis' lists for `mimesis_locales`; minus `exclude` (lower-case)."""
    f1, l1 = split_gen.name_pool(latin_locales, faker_seed, 4000, exclude)
    f2, l2 = gen_heldout6.transliterated(locales, [], faker_seed + 1, exclude, capitalize=True)
    f3, l3 = mimesis_names(mimesis_locales, exclude, faker_seed)
    first, last = sorted(set(f1) | set(f2) | f3), sorted(set(l1) | set(l2) | l3)
    assert not ({n.lower() for n in first + last} & exclude), "split names overlap an excluded list"
    return first, last


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=8808)
    a = ap.parse_args()
    import gen_heldout2
    import gen_heldout3
    import gen_heldout4
    import gen_heldout5
    gen_heldout6.check_pins()
    split_gen.assert_apart(sys.modules[__name__],
                           [gen_heldout2, gen_heldout3, gen_heldout4, gen_heldout5, gen_heldout6, gen_heldout7],
                           gen_heldout2.engine_words())
    first, last = names(LATIN_LOCALES, LOCALES, MIMESIS_LOCALES, FAKER_SEED, earlier_names())
    global CITIES
    CITIES = gen_heldout6.towns(CITY_LOCALES, FAKER_SEED, earlier_cities())
    print(f"v8: {len(first)} given names, {len(last)} surnames, {len(CITIES)} towns", file=sys.stderr)
    split_gen.generate(sys.modules[__name__], a.out, a.n, a.seed, first, last, ENTITY_WEIGHTS)


CITIES: list = []

if __name__ == "__main__":
    main()
