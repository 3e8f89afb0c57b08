#!/usr/bin/env python3
"""Held-out split v11 of our corpus: the TEST split of the v10/v11 round, written before any engine
change of that round (HELDOUT.md's protocol: its errors are never read, it runs only at
checkpoints, every run is recorded with the commit, nothing is tuned after looking at it).

Written together with v10 (gen_heldout10.py, the dev split). Seed 11011 (run.py), and its own
templates, hosts, mail domains, brand head nouns, names and towns:

* names from Faker locales no earlier split draws from: mr_IN (Marathi), or_IN (Odia) and si_LK
  (Sinhala), written in Devanagari, Oriya and Sinhala script and romanised by
  gen_heldout10.romanize (Marathi loses the word-final and the VC_CV schwa, Odia only the final
  one, Sinhala keeps it; `ව` is written `w` and `ත` `th`, as in `Wanniarachchi`, `Herath`). Minus
  every name of the tune corpus and of the v2-v10 pools (asserted), and Faker's placeholders;
* towns from Faker's city lists of de_CH, de_DE and zu_ZA (real towns of Switzerland, Germany and
  South Africa), which no earlier split uses for towns, minus the towns of v2-v10 (and de_DE's
  misspelt `Badibling`);
* templates, hosts, mail domains and brand heads asserted disjoint from v2's-v10's, and the brand
  heads from every engine word list. The same kinds of forms as v10 (a person as the subject of a
  present-tense verb, role nouns as labels, names after verbs of payment, `Last, First`, lower-case
  names and slugs in URLs, names in JSON values, towns after movement phrases), in other words.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs Faker,
anyascii and mimesis (mimesis only to rebuild v8's and v9's pools, which are excluded; run.py
installs all three into the eval venv).
Usage: gen_heldout11.py OUT.jsonl [--n 2400] [--seed 11011]
"""
import argparse
import sys

import gen_heldout6
import gen_heldout10
import split_gen

LOCALES = ["mr_IN", "or_IN", "si_LK"]
CITY_LOCALES = ["de_CH", "de_DE", "zu_ZA"]
BAD_TOWNS = {"badibling"}  # de_DE's list misspells Bad Aibling
FAKER_SEED = 111110
HEADS = ["sieves", "trowels", "harmonicas", "berets", "bolsters", "hairbrushes", "cruets", "butter dishes",
         "hula hoops", "piggy banks", "letter openers", "spyglasses", "monocles", "cuckoo clocks", "deckchairs",
         "decanters", "tankards", "ponchos", "salad spinners", "egg timers"]
HOSTS = ["api.driftwood.io", "x402.emberlane.dev", "pay.tinroof.app", "gw.bargeway.net", "api.seedcount.co",
         "svc.claybank.org", "data.heronwatch.ai", "api.meterpost.run"]
MAIL_DOMAINS = ["sltnet.lk", "yahoo.in", "live.com", "protonmail.com", "msn.com", "tutanota.com"]
PATHS = ["/driftwood/{id}/photos", "/embers/{slug}/heatmap", "/roofs/{order}/quote", "/barges/{n}/manifest.csv",
         "/seeds/{uuid}/germination", "/claybank/{id}/cores", "/herons/{slug}/counts", "/meterposts/{n}/readings"]
DESCRIPTIONS = ["Driftwood photo set", "Fire heatmap {slug}", "Roof repair quote {order}", "Barge manifest, lock {n}",
                "Germination results", "Soil core {id}", "Heron counts", "Meter post readings"]
REASONS = ["Pay per query", "Charged to the lab's allowance", "Below the hourly ceiling", "Plan step {n}: verification",
           "Paid on the second attempt (402 first)", "Half-year licence", "Tiny charge, waved through by the agent"]
BENIGN_EXTRAS = ["session id {uuid}", "quoted {amount} smallest units", "settlement tx {txhash}",
                 "merchant wallet {evm}", "payload sha {digest}", "valid after {ts}", "network: base", "USDC, 6 dp",
                 "package: Growth", "Cell Echo", "api version {version}", "line {n}"]
TEXT = {
    "EMAIL_ADDRESS": ["; copy the receipt to <V>", "; owner's e-mail: <V>", "; questions go to <V>"],
    "US_SSN": ["; W-2 shows SSN <V>", "; staff SSN: <V>", "; SSN <V> on the payroll form"],
    "CREDIT_CARD": ["; capture on card <V>", "; their card <V> was declined once", "; card no <V>"],
    "PHONE_NUMBER": ["; call back on <V> after 6", "; mobile no. <V>", "; dispatch phone <V>"],
    "IBAN_CODE": ["; payout to account <V>", "; creditor IBAN: <V>", "; pay the IBAN <V> by Friday"],
    "IP_ADDRESS": ["; abuse reported from <V>", "; client connected via <V>", "; egress ip: <V>"],
    "LOCATION": ["; en route to <V>", "; headquartered in <V>", "; returning from <V> tomorrow"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?cc_email=<V>", "/inboxes/<V>/filters", "?owner_email=<V>&v=2"],
    "US_SSN": ["?employee_ssn=<V>", "/w2/<V>/download", "?ssn_value=<V>&doc=w2"],
    "CREDIT_CARD": ["?card_pan=<V>", "/wallet-cards/<V>/capture", "?cc=<V>&amount=12"],
    "PHONE_NUMBER": ["?callback_phone=<V>", "/numbers/<V>/lookup", "?mobile_no=<V>&cc=1"],
    "IBAN_CODE": ["?payout_account=<V>", "/ibans/<V>/check", "?creditor_iban=<V>"],
    "IP_ADDRESS": ["?client=<V>&trace=1", "/abuse/<V>/report"],
    "LOCATION": ["?destination_town=<V>", "/cities/<V>/rates", "?hq_city=<V>&lang=en"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"owner":{"mail":"<V>"}}', '{"message":"copy <V> on the receipt"}'],
    "US_SSN": ['{"employee":{"ssn_value":"<V>"}}', '{"message":"W-2 SSN is <V>"}'],
    "CREDIT_CARD": ['{"pan":"<V>","exp":"11/27"}', '{"message":"capture on card <V>"}'],
    "PHONE_NUMBER": ['{"callback_number":"<V>"}', '{"message":"call back on <V> after 6"}'],
    "IBAN_CODE": ['{"creditor":{"account_iban":"<V>"}}', '{"message":"payout account <V>"}'],
    "IP_ADDRESS": ['{"client_addr":"<V>"}', '{"message":"abuse reported from <V>"}'],
    "LOCATION": ['{"destination_city":"<V>"}', '{"message":"en route to <V>"}'],
}
JSON_MEMOS = ['{"message":"verification","session":"{uuid}"}', '{"line":{n},"captured":true}',
              '{"message":"Half-year licence"}', '{"package":"Growth","ceiling":{n}}',
              '{"message":"done","payload_sha":"{digest}"}']
PERSON_TEXT = ["; ⟦<F> <L>⟧ signs off on the purchase", "; tenant: ⟦<F> <L>⟧", "; wire ⟦<F> <L>⟧ the fee",
               "; ⟦<L>, <F>⟧ to be invoiced", "; electrician ⟦<F> <L>⟧ needs a deposit", "; pharmacist: ⟦<F> <L>⟧",
               "; ⟦<F>⟧ picks it up at noon", "; refunded to ⟦<F> <L>⟧ today", "; account in the name of ⟦<L>, <F>⟧",
               "; ⟦<F> <L>⟧ (owner, unit {n})", "; as instructed by ⟦<I>. <L>⟧",
               "; flagged by ⟦<f> <l>⟧ in the tracker", "; gardener ⟦<F> <L>⟧ charges by the hour",
               "; cheers ⟦<F>⟧, all sorted", "; split three ways with ⟦<F> <L>⟧", "⟦<F> <L>⟧ covers the fee",
               "; compensate ⟦<F> <L>⟧ for the overtime"]
PERSON_URL = ["/tenants/⟦<f>_<l>⟧/deposit", "?signed_off_by=⟦<F>%20<L>⟧", "?wire_to=⟦<F>+<L>⟧&fee=0",
              "/owners/⟦<l>-<f>⟧/units", "?pharmacist=⟦<f>.<l>⟧", "/members/⟦<f><l>⟧/dues",
              "/refunds/{id}/⟦<l>_<f>⟧.pdf", "?holder=⟦<f>⟧&verified=1"]
PERSON_JSON = ['{"account_holder":{"full_name":"⟦<F> <L>⟧"}}', '{"message":"⟦<F> <L>⟧ signs off on this"}',
               '{"owner":"⟦<L>, <F>⟧","unit":{n}}', '{"flagged_by":"⟦<f>.<l>⟧"}',
               '{"message":"wire ⟦<F> <L>⟧ the fee"}']
BRAND_TEXT = ["; vendor brand <B>", "; wholesaler: <B>", "; house brand <B>", "; purchased via <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 1}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=11011)
    a = ap.parse_args()
    import gen_heldout2
    gen_heldout6.check_pins()
    others = [*gen_heldout10.earlier_modules(), gen_heldout10]
    split_gen.assert_apart(sys.modules[__name__], others, gen_heldout2.engine_words())
    gen_heldout10.assert_mail_apart(sys.modules[__name__], others)
    ex10 = gen_heldout10.earlier_names()
    f10, l10 = gen_heldout10.names(ex10)
    first, last = gen_heldout10.romanized(LOCALES, FAKER_SEED, ex10 | {n.lower() for n in f10 + l10})
    global CITIES
    c10 = gen_heldout10.earlier_cities()
    c10 |= {c.lower() for c in gen_heldout10.cities(c10)}
    CITIES = gen_heldout6.towns(CITY_LOCALES, FAKER_SEED, c10 | BAD_TOWNS)
    print(f"v11: {len(first)} given names, {len(last)} surnames, {len(CITIES)} towns", file=sys.stderr)
    split_gen.generate(sys.modules[__name__], a.out, a.n, a.seed, first, last, ENTITY_WEIGHTS)


CITIES: list = []

if __name__ == "__main__":
    main()
