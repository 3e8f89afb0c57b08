#!/usr/bin/env python3
"""Held-out split v6 of our corpus: a fresh TEST split, written before any engine change of its round.

v4 and v5 had been run five and four times when this split was written, so rule work needs a test
split nobody has looked at. v6 follows their protocol (experiments/pii/HELDOUT.md): its errors are
never read, it runs only at checkpoints, every run is recorded with the commit, and nothing is tuned
after looking at its numbers. Its own seed (run.py: 6607), templates, hosts, brand head nouns and
names:

* names written in other scripts and transliterated to Latin, as agents copy them from documents
  and forms: Faker's ru_RU, uk_UA, bg_BG, el_GR and hy_AM names through `anyascii` (pinned), and
  the romanized names of Faker's ja_JP and zh_CN; no earlier split and no gazetteer source uses
  them. Minus every name of the tune corpus and of the v2, v3, v4 and v5 pools (asserted), and
  minus Faker's placeholder `John`/`Jane`;
* places from Faker's city lists of pl_PL, sv_SE, cs_CZ, ro_RO and en_IN (real towns of Poland,
  Sweden, Czechia, Romania and India), which no earlier split uses, minus the cities of v2-v5;
* templates, hosts and brand heads asserted disjoint from v2's, v3's, v4's and v5's, and the brand
  heads from every engine word list. Versions appear only after the word `version` (the earlier
  splits' `client {version}` / `agent {version}` made a valid IPv4 such as `10.4.0.1` a benign
  version, a label a human annotator would dispute).

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs Faker and
anyascii (run.py installs them into the eval venv).
Usage: gen_heldout6.py OUT.jsonl [--n 2400] [--seed 6607]
"""
import argparse
import re
import sys

import split_gen

LOCALES = ["ru_RU", "uk_UA", "bg_BG", "el_GR", "hy_AM"]
ROMANIZED_LOCALES = ["ja_JP", "zh_CN"]
CITY_LOCALES = ["pl_PL", "sv_SE", "cs_CZ", "ro_RO", "en_IN"]
ANYASCII_VERSION = "0.3.2"
FAKER_SEED = 66070
PLACEHOLDER_NAMES = {"john", "jane"}
HEADS = ["earmuffs", "notebooks", "planters", "pretzels", "skateboards", "rucksacks", "backpacks", "goggles",
         "compasses", "easels", "inkwells", "lampshades", "snowshoes", "paddles", "birdhouses", "trophies",
         "ukuleles", "crayons", "teapots", "pinwheels"]
HOSTS = ["api.parcelwise.io", "x402.chartroom.dev", "pay.lingoloop.app", "gw.atlasrent.net", "api.sparkgrid.co",
         "svc.bookburrow.org", "data.quarrylabs.ai", "api.tollbooth.run"]
MAIL_DOMAINS = ["yandex.ru", "ukr.net", "abv.bg", "otenet.gr", "mail.am", "yahoo.co.jp", "qq.com"]
PATHS = ["/api/v1/reports/{id}.json", "/x402/charts/{ticker}/1d", "/lessons/{slug}/audio", "/rentals/{order}/receipt",
         "/grid/{n}/usage", "/books/{id}/chapters/{n}", "/quarry/{uuid}/rows", "/toll/{evm}/pass"]
DESCRIPTIONS = ["Report {id} in JSON", "Daily chart for {ticker}", "Lesson audio", "Rental receipt {order}",
                "Grid usage for {n} hours", "Chapter {n} unlock", "Dataset rows export", "Toll pass for one hour"]
REASONS = ["Budget line: research", "Paid from the ops wallet", "Per-call fee under the daily cap",
           "Agent step {n} of a plan", "Top-up after a 402 reply", "Renewal for another month",
           "One-off purchase approved automatically"]
BENIGN_EXTRAS = ["request {uuid}", "amount {amount} atomic units", "nonce {nonce}", "pay-to address {evm}",
                 "content checksum {digest}", "expires {ts}", "chain id 8453", "token: USDC", "tier: Pro",
                 "Group Omega", "sdk version {version}", "page {n}"]
TEXT = {
    "EMAIL_ADDRESS": ["; the receipt goes to <V>", "; contact e-mail for questions: <V>", "; cc <V>"],
    "US_SSN": ["; taxpayer SSN <V>", "; SSN on the W-9: <V>", "; social security no: <V>"],
    "CREDIT_CARD": ["; charged to visa <V>", "; card on file <V>", "; payment card: <V>"],
    "PHONE_NUMBER": ["; mobile <V>", "; text at <V> please", "; office line <V>"],
    "IBAN_CODE": ["; wire to IBAN <V>", "; IBAN for payouts: <V>", "; settlement IBAN <V>"],
    "IP_ADDRESS": ["; origin IP <V>", "; the request came from <V>", "; caller ip: <V>"],
    "LOCATION": ["; delivered to <V>", "; our office in <V>", "; event venue in <V>"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?receipt_to=<V>", "/subscribers/<V>/prefs", "?contact=<V>&lang=en"],
    "US_SSN": ["?taxpayer_ssn=<V>", "/w9-forms/<V>.pdf", "?social=<V>&y=2025"],
    "CREDIT_CARD": ["?cardnumber=<V>", "/payment-cards/<V>/verify", "?pan=<V>&amt=5"],
    "PHONE_NUMBER": ["?mobile=<V>", "/sms/<V>/optin", "?tel=<V>&ext=0"],
    "IBAN_CODE": ["?iban_to=<V>", "/payouts/<V>/status", "?settle_iban=<V>"],
    "IP_ADDRESS": ["?origin_addr=<V>", "/ipinfo/<V>"],
    "LOCATION": ["?location=<V>", "/venues/<V>/events", "?town=<V>&days=7"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"receipt":{"to":"<V>"}}', '{"note":"cc <V> on the receipt"}'],
    "US_SSN": ['{"taxpayer":{"ssn":"<V>"}}', '{"note":"W-9 SSN <V>"}'],
    "CREDIT_CARD": ['{"payment_card":"<V>"}', '{"note":"charged to visa <V>"}'],
    "PHONE_NUMBER": ['{"mobile":"<V>","sms":true}', '{"note":"text me at <V>"}'],
    "IBAN_CODE": ['{"payout":{"iban_to":"<V>"}}', '{"note":"wire to IBAN <V>"}'],
    "IP_ADDRESS": ['{"origin_ip":"<V>"}', '{"note":"request came from <V>"}'],
    "LOCATION": ['{"venue_town":"<V>"}', '{"note":"delivered to <V>"}'],
}
JSON_MEMOS = ['{"note":"top-up","request":"{uuid}"}', '{"page":{n},"paid":true}', '{"note":"Renewal"}',
              '{"tier":"Pro","limit":{n}}', '{"note":"ok","checksum":"{digest}"}']
PERSON_TEXT = ["; paying on behalf of ⟦<F> <L>⟧", "; requested by ⟦<F> <L>⟧ via chat", "; courtesy of ⟦<F> <L>⟧ again",
               "; cardholder name: ⟦<F> <L>⟧", "; ⟦<L>, <F>⟧ (account owner)", "; thank you, ⟦<F>⟧!",
               "; approved by manager ⟦<F> <L>⟧", "; beneficiary ⟦<F> <L>⟧, ref {order}",
               "; tutor: ⟦<F> <L>⟧", "; Ms. ⟦<L>⟧ asked for a receipt", "; gift from ⟦<F> <L>⟧ to the team",
               "; signed: ⟦<I>. <L>⟧", "⟦<F> <L>⟧'s research budget", "; contact person is ⟦<F> <L>⟧",
               "; invoice for ⟦<F> <L>⟧ (consulting)", "; passenger ⟦<L>/<F>⟧"]
PERSON_URL = ["/u/⟦<f>.<l>⟧/invoices", "?name=⟦<F>%20<L>⟧&plan=basic", "?payer_name=⟦<F>+<L>⟧",
              "/profiles/⟦<f>-<l>⟧/avatar", "?customer=⟦<l>_<f>⟧", "/tutors/⟦<f><l>⟧/book",
              "?assignee=⟦<f>.<l>⟧&state=open", "/receipts/{id}/⟦<f>-<l>⟧.pdf"]
PERSON_JSON = ['{"payer":{"name":"⟦<F> <L>⟧"},"ref":"{order}"}', '{"note":"for ⟦<F> <L>⟧, thanks"}',
               '{"beneficiary":"⟦<L>, <F>⟧"}', '{"note":"approved by ⟦<F> <L>⟧"}',
               '{"requested_by":"⟦<f>.<l>⟧"}']
BRAND_TEXT = ["; resold by <B>", "; sponsor: <B>", "; brand <B>", "; made by <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 1}
CITY_RE = re.compile(r"[^\W\d_]+(?:[ \-][^\W\d_]+){0,2}")


def transliterated(locales, romanized, faker_seed, exclude, capitalize=False):
    """(given names, surnames): the names of Faker `locales` through `anyascii` and the romanized
    names of `romanized`, through split_gen's filters, minus `exclude` (lower-case); with
    `capitalize`, each name is written `Abc` first (scripts without case come out lower-case,
    romanized Hangul in camel case)."""
    from anyascii import anyascii
    from faker import Faker
    first, last = set(), set()
    for i, loc in enumerate(locales + romanized):
        fk = Faker(loc)
        fk.seed_instance(faker_seed + i)
        for _ in range(600):
            if loc in romanized:
                f, l_ = fk.first_romanized_name(), fk.last_romanized_name()
            else:
                f, l_ = anyascii(fk.first_name()), anyascii(fk.last_name())
            if capitalize:
                f, l_ = f.capitalize(), l_.capitalize()
            if split_gen.NAME_RE.fullmatch(f) and f[0].isupper() and f.lower() not in exclude:
                first.add(f)
            if split_gen.LAST_RE.fullmatch(l_) and l_[0].isupper() and len(l_) <= 22 and l_.lower() not in exclude:
                last.add(l_)
    first, last = sorted(first), sorted(last)
    assert not ({n.lower() for n in first + last} & exclude), "split names overlap an excluded list"
    return first, last


def names(exclude):
    """v6's (given names, surnames), minus `exclude` (see `transliterated`)."""
    return transliterated(LOCALES, ROMANIZED_LOCALES, FAKER_SEED, exclude)


def towns(locales, faker_seed, exclude):
    """Real town names from Faker's city lists of `locales`, Latin script, minus `exclude`."""
    from faker import Faker
    out = set()
    for i, loc in enumerate(locales):
        fk = Faker(loc)
        fk.seed_instance(faker_seed + i)
        for _ in range(300):
            c = fk.city()
            if CITY_RE.fullmatch(c) and split_gen.latin(c) and len(c) <= 24 and c.lower() not in exclude:
                out.add(c)
    return sorted(out)


def cities(exclude):
    """v6's towns, minus `exclude`."""
    return towns(CITY_LOCALES, FAKER_SEED, exclude)


def earlier_names():
    """Every name a split before v6 uses (tune list, v2-v5 pools) and Faker's placeholders, lower-case."""
    import gen_heldout2
    import gen_heldout3
    import gen_heldout4
    import gen_heldout5
    f2, l2 = gen_heldout2.name_pool()
    f3, l3 = gen_heldout3.names()
    ex4 = split_gen.tune_names() | {n.lower() for n in f2 + l2 + f3 + l3}
    f4, l4 = split_gen.name_pool(gen_heldout4.LOCALES, gen_heldout4.FAKER_SEED, 4000, ex4)
    ex5 = ex4 | {n.lower() for n in f4 + l4} | gen_heldout5.PLACEHOLDER_NAMES
    f5, l5 = split_gen.name_pool(gen_heldout5.LOCALES, gen_heldout5.FAKER_SEED, 4000, ex5)
    return ex5 | {n.lower() for n in f5 + l5} | PLACEHOLDER_NAMES


def earlier_cities():
    """Every town a split before v6 uses, lower-case."""
    import gen_heldout2
    import gen_heldout3
    import gen_heldout4
    import gen_heldout5
    older = {c.lower() for c in gen_heldout2.CITIES + gen_heldout3.CITIES + gen_heldout4.CITIES}
    return older | {c.lower() for c in gen_heldout5.cities(older)}


def check_pins():
    """Faker and anyascii are the pinned versions (the names depend on both)."""
    import anyascii
    import faker
    assert faker.VERSION == split_gen.FAKER_VERSION, f"Faker {faker.VERSION}, pinned {split_gen.FAKER_VERSION}"
    assert anyascii.__version__ == ANYASCII_VERSION, f"anyascii {anyascii.__version__}, pinned {ANYASCII_VERSION}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=6607)
    a = ap.parse_args()
    import gen_heldout2
    import gen_heldout3
    import gen_heldout4
    import gen_heldout5
    check_pins()
    split_gen.assert_apart(sys.modules[__name__], [gen_heldout2, gen_heldout3, gen_heldout4, gen_heldout5],
                           gen_heldout2.engine_words())
    first, last = names(earlier_names())
    global CITIES
    CITIES = cities(earlier_cities())
    print(f"v6: {len(first)} given names, {len(last)} surnames, {len(CITIES)} towns", file=sys.stderr)
    split_gen.generate(sys.modules[__name__], a.out, a.n, a.seed, first, last, ENTITY_WEIGHTS)


CITIES: list = []

if __name__ == "__main__":
    main()
