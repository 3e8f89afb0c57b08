#!/usr/bin/env python3
"""Held-out split v5 of our corpus: the TEST split of the bigger-gazetteer round.

Written before any gazetteer list was changed (issue 20, round 4: bigger
gazetteers) and never tuned on: its errors are never read, it runs only at
checkpoints, and every run is recorded in experiments/pii/HELDOUT.md with the
commit (v4, whose errors were never read either, stays reported as a second
test split). Its own seed (run.py: 5507), templates, hosts, brand head nouns
and names:

* names from Faker (pinned) locales used by no other split (en_KE, en_TH,
  fr_DZ, uz_UZ, es_CA, de_LI, de_LU, vi_VN), Latin script only, minus every
  name of the tune corpus and of the v2, v3 and v4 pools (asserted), and
  minus Faker's placeholder given names `John`/`Jane`;
* places from Faker's city lists of en_BD, fr_DZ, es and de (real towns of
  Bangladesh, Algeria, Spain and Germany, many under 200,000 people), a
  source the gazetteer build does not use, minus the hand-written cities of
  v2, v3 and v4;
* templates, hosts and brand heads asserted disjoint from v2's, v3's and
  v4's, and the brand heads from every engine word list.

Structural values come from gen_corpus.Gen with this seed. Driver:
split_gen.py. Needs Faker (run.py installs it into the eval venv).
Usage: gen_heldout5.py OUT.jsonl [--n 2400] [--seed 5507]
"""
import argparse
import re
import sys

import split_gen

LOCALES = ["en_KE", "en_TH", "fr_DZ", "uz_UZ", "es_CA", "de_LI", "de_LU", "vi_VN"]
CITY_LOCALES = ["en_BD", "fr_DZ", "es", "de"]
FAKER_SEED = 55070
PLACEHOLDER_NAMES = {"john", "jane"}
HEADS = ["coasters", "brooms", "mirrors", "pillows", "thimbles", "aprons", "baskets", "doorknobs", "gloves",
         "ladders", "buckets", "mittens", "slippers", "ribbons", "puzzles", "stools", "lanterns", "kettles",
         "hampers", "trellises", "barrels", "wallpaper", "spatulas", "doormats"]
HOSTS = ["api.harbourfeed.io", "x402.quizbank.app", "gw.seedvault.dev", "api.tidecast.net", "svc.ledgerlite.co",
         "pay.clipmint.tv", "api.clinicqueue.health", "rest.metrotick.org"]
MAIL_DOMAINS = ["safaricom.co.ke", "outlook.fr", "gmx.li", "posteo.lu", "mail.uz", "proton.me"]
PATHS = ["/v2/feed/{uuid}/item", "/quiz/{id}/answers", "/vault/{n}/seeds", "/tides/{slug}/week",
         "/ledger/{order}/entry", "/clips/{id}/hd", "/queue/{id}/slot", "/metro/{ticker}/quotes",
         "/v4/transcribe/{uuid}", "/bundle/{slug}.csv"]
DESCRIPTIONS = ["Harbour feed item", "Quiz answers, {n} questions", "Seed vault export", "Tide table for a week",
                "Ledger entry {order}", "HD clip download", "Clinic queue slot", "Quotes for {ticker}",
                "Transcript of {n} minutes", "CSV bundle"]
REASONS = ["Approved by the spending policy", "Charged to the project wallet", "Agent task: gather sources",
           "Nightly sync of sources", "Single purchase", "Settlement of batch {n}",
           "Retry after a payment-required reply"]
BENIGN_EXTRAS = ["trace {uuid}", "cap {n} base units", "settled on-chain", "from {evm}", "sha {digest}",
                 "valid until {tsms}", "network 84532", "asset: USDC on Base", "plan: Starter", "Team Delta",
                 "agent {version}", "slot {n}"]
TEXT = {
    "EMAIL_ADDRESS": ["; send the invoice to <V>", "; billing e-mail <V>", "; reply-to <V>"],
    "US_SSN": ["; SSN provided: <V>", "; social security number on record <V>", "; applicant SSN <V>"],
    "CREDIT_CARD": ["; paid with card <V>", "; mastercard <V>", "; card number: <V>"],
    "PHONE_NUMBER": ["; phone <V>", "; please call back on <V>", "; reachable on whatsapp <V>"],
    "IBAN_CODE": ["; payout IBAN <V>", "; refund to IBAN <V>", "; account IBAN: <V>"],
    "IP_ADDRESS": ["; client address <V>", "; request from IP <V>", "; last seen from <V>"],
    "LOCATION": ["; shipped from <V>", "; clinic in <V>", "; meeting in <V>"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?billing_email=<V>", "/inbox/<V>/export", "?notify=<V>&fmt=csv"],
    "US_SSN": ["?applicant_tax_id=<V>", "/applicants/<V>/status", "?ssn=<V>&v=2"],
    "CREDIT_CARD": ["?pan_number=<V>", "/cards/<V>/limits", "?card=<V>&cvc_checked=1"],
    "PHONE_NUMBER": ["?phone=<V>", "/callers/<V>/history", "?whatsapp=<V>&opt=1"],
    "IBAN_CODE": ["?payout_account_iban=<V>", "/iban/<V>/verify", "?refund_iban=<V>"],
    "IP_ADDRESS": ["?requester_ip=<V>", "/geo/<V>/city"],
    "LOCATION": ["?city=<V>", "/clinics/<V>/slots", "?near=<V>&radius=5"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"billing":{"email":"<V>"}}', '{"memo":"invoice to <V>"}'],
    "US_SSN": ['{"applicant":{"ssn":"<V>"}}', '{"memo":"SSN <V> on file"}'],
    "CREDIT_CARD": ['{"card":{"pan":"<V>"}}', '{"memo":"paid with card <V>"}'],
    "PHONE_NUMBER": ['{"caller":{"phone":"<V>"}}', '{"memo":"call back on <V>"}'],
    "IBAN_CODE": ['{"payout_account":{"iban":"<V>"}}', '{"memo":"refund to IBAN <V>"}'],
    "IP_ADDRESS": ['{"client":"<V>","trace":true}', '{"memo":"request from IP <V>"}'],
    "LOCATION": ['{"clinic_city":"<V>"}', '{"memo":"shipped from <V>"}'],
}
JSON_MEMOS = ['{"memo":"sync","trace":"{uuid}"}', '{"slot":{n},"state":"paid"}', '{"memo":"Single purchase"}',
              '{"plan":"Starter","cap":{n}}', '{"memo":"Thanks","sha":"{digest}"}']
PERSON_TEXT = ["; acting for ⟦<F> <L>⟧", "; recipient ⟦<F> <L>⟧", "; holder: ⟦<L>, <F>⟧",
               "; signed by Dr. ⟦<L>⟧", "; booked by ⟦<F> <L>⟧ last week", "; hi ⟦<F>⟧, your file is ready",
               "; client ⟦<F> <L>⟧, second visit", "; reviewer ⟦<I>. <L>⟧", "⟦<F> <L>⟧ - monthly plan",
               "; guardian ⟦<F> <L>⟧", "; student ⟦<F> <L>⟧ lesson", "; Mr. ⟦<F> <L>⟧ settled"]
PERSON_URL = ["?holder=⟦<F>%20<L>⟧", "/staff/⟦<f>_<l>⟧/photo.jpg", "/artists/⟦<f>-<l>⟧/support",
              "?recipient=⟦<F>+<L>⟧&lang=fr", "?reviewed_by=⟦<I>.+<L>⟧", "/clients/⟦<f>.<l>⟧/notes"]
PERSON_JSON = ['{"memo":"booked for ⟦<F> <L>⟧","ref":"{order}"}', '{"holder_name":"⟦<F> <L>⟧","plan":"pro"}',
               '{"guardian":"⟦<L>, <F>⟧","via":"sms"}', '{"memo":"acting for ⟦<F> <L>⟧"}']
BRAND_TEXT = ["; retailer <B>", "; stocked by <B>", "; promo: <B>", "; in partnership with <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 1}
CITY_RE = re.compile(r"[^\W\d_]+(?:[ \-][^\W\d_]+){0,2}")


def cities(exclude):
    """Real town names from Faker's city lists of CITY_LOCALES, Latin script, minus `exclude`."""
    from faker import Faker
    out = set()
    for i, loc in enumerate(CITY_LOCALES):
        fk = Faker(loc)
        fk.seed_instance(FAKER_SEED + i)
        for _ in range(400):
            c = fk.city()
            if CITY_RE.fullmatch(c) and split_gen.latin(c) and len(c) <= 24 and c.lower() not in exclude:
                out.add(c)
    return sorted(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=5507)
    a = ap.parse_args()
    import faker
    import gen_heldout2
    import gen_heldout3
    import gen_heldout4
    assert faker.VERSION == split_gen.FAKER_VERSION, f"Faker {faker.VERSION}, pinned {split_gen.FAKER_VERSION}"
    split_gen.assert_apart(sys.modules[__name__], [gen_heldout2, gen_heldout3, gen_heldout4],
                           gen_heldout2.engine_words())
    f2, l2 = gen_heldout2.name_pool()
    f3, l3 = gen_heldout3.names()
    ex4 = split_gen.tune_names() | {n.lower() for n in f2 + l2 + f3 + l3}
    f4, l4 = split_gen.name_pool(gen_heldout4.LOCALES, gen_heldout4.FAKER_SEED, 4000, ex4)
    exclude = ex4 | {n.lower() for n in f4 + l4} | PLACEHOLDER_NAMES
    first, last = split_gen.name_pool(LOCALES, FAKER_SEED, 4000, exclude)
    global CITIES
    CITIES = cities({c.lower() for c in gen_heldout2.CITIES + gen_heldout3.CITIES + gen_heldout4.CITIES})
    print(f"v5: {len(first)} given names, {len(last)} surnames, {len(CITIES)} towns", file=sys.stderr)
    split_gen.generate(sys.modules[__name__], a.out, a.n, a.seed, first, last, ENTITY_WEIGHTS)


CITIES: list = []

if __name__ == "__main__":
    main()
