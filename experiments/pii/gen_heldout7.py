#!/usr/bin/env python3
"""Held-out split v7 of our corpus: the DEV split of v6's round (its errors may be read).

v3, the dev split of the earlier rounds, scores 0.99 and no longer shows what fails on unseen
names. v7 was written right after v6 (the test split), before any engine change of their
round, with its own seed (run.py: 7707), templates, hosts, brand head nouns and names, so that
rules learnt from its errors are measured on v6 without ever reading v6's:

* names transliterated or romanized from scripts no other split uses: Faker's ka_GE, ne_NP and
  bn_BD names through `anyascii` (pinned; Title-cased, as the scripts have no case), and the
  romanized Hangul and Mandarin names of ko_KR and zh_TW (`YeongIl` written `Yeongil`). Minus every
  name of the tune corpus and of the v2-v6 pools (asserted), and minus `John`/`Jane`;
* places from Faker's city lists of fi_FI, hu_HU, pt_PT and nl_NL (real towns), minus the cities
  of v2-v6 (it_IT's city list was tried first and dropped: it is not reproducible across runs);
* templates, hosts and brand heads asserted disjoint from v2's-v6's, and the brand heads from
  every engine word list.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs Faker and
anyascii (run.py installs them into the eval venv).
Usage: gen_heldout7.py OUT.jsonl [--n 2400] [--seed 7707]
"""
import argparse
import sys

import gen_heldout6
import split_gen

LOCALES = ["ka_GE", "ne_NP", "bn_BD", "ko_KR"]
ROMANIZED_LOCALES = ["zh_TW"]
CITY_LOCALES = ["fi_FI", "hu_HU", "pt_PT", "nl_NL"]
FAKER_SEED = 77070
HEADS = ["thermoses", "pincushions", "keyrings", "bookends", "flasks", "sketchbooks", "raincoats", "headbands",
         "tumblers", "placemats", "dumbbells", "skewers", "coasterboards", "wristbands", "mousepads", "nutcrackers",
         "bathrobes", "jigsaws", "whisks", "ladles"]
HOSTS = ["api.wavelet.io", "x402.mapsmith.dev", "pay.recipebox.app", "gw.freightly.net", "api.scoreboard.co",
         "svc.poemcart.org", "data.sensorfarm.ai", "api.parkmeter.run"]
MAIL_DOMAINS = ["naver.com", "daum.net", "gmail.com", "yahoo.com.tw", "wlink.com.np", "mail.ge"]
PATHS = ["/waves/{id}/spectrum", "/maps/{slug}/tiles/{n}", "/recipes/{id}/full", "/freight/{order}/track",
         "/scores/{ticker}/live", "/poems/{id}.txt", "/sensors/{uuid}/hourly", "/parking/{n}/session"]
DESCRIPTIONS = ["Spectrum of wave {id}", "Map tiles, zoom {n}", "Full recipe", "Freight tracking for {order}",
                "Live score feed", "Poem text", "Hourly sensor readings", "Parking session of {n} minutes"]
REASONS = ["Charged per request", "Paid by the scheduler", "Covered by the monthly budget",
           "Agent run {n}: collecting inputs", "Paid after an x402 challenge", "Auto-renewal",
           "Approved under the per-call limit"]
BENIGN_EXTRAS = ["run {uuid}", "value {amount} base units", "settled in tx {txhash}", "to {evm}", "file hash {digest}",
                 "deadline {tsms}", "network eip155:8453", "currency: USDC", "level: Basic", "Squad Kilo",
                 "release version {version}", "batch {n}"]
TEXT = {
    "EMAIL_ADDRESS": ["; mail the receipt to <V>", "; e-mail on the account: <V>", "; copy to <V> too"],
    "US_SSN": ["; SSN for the 1099: <V>", "; soc. sec. number <V>", "; payee SSN is <V>"],
    "CREDIT_CARD": ["; debit card used: <V>", "; billed to card ending in full <V>", "; credit card <V> on file"],
    "PHONE_NUMBER": ["; call <V> if it fails", "; sms to <V>", "; phone number on the order: <V>"],
    "IBAN_CODE": ["; pay out to <V>", "; beneficiary IBAN: <V>", "; IBAN <V> for the refund"],
    "IP_ADDRESS": ["; seen from address <V>", "; the client ip was <V>", "; remote addr: <V>"],
    "LOCATION": ["; pickup point in <V>", "; the store in <V>", "; trip to <V>"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?mailto=<V>", "/accounts/<V>/settings", "?user_email=<V>&v=1"],
    "US_SSN": ["?payee_tin=<V>", "/tax/<V>/1099", "?ssn_full=<V>"],
    "CREDIT_CARD": ["?debit_card=<V>", "/cards-on-file/<V>", "?cc_number=<V>&save=0"],
    "PHONE_NUMBER": ["?sms_to=<V>", "/numbers/<V>/verify", "?callback=<V>"],
    "IBAN_CODE": ["?payout_iban=<V>&ccy=EUR", "/beneficiaries/<V>", "?acct=<V>"],
    "IP_ADDRESS": ["?remote_address=<V>", "/whois/<V>/json"],
    "LOCATION": ["?pickup=<V>", "/stores/<V>/hours", "?trip_to=<V>"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"account":{"mail":"<V>"}}', '{"comment":"mail the receipt to <V>"}'],
    "US_SSN": ['{"tax":{"ssn":"<V>","form":"1099"}}', '{"comment":"payee SSN is <V>"}'],
    "CREDIT_CARD": ['{"debit_card":"<V>"}', '{"comment":"credit card <V> on file"}'],
    "PHONE_NUMBER": ['{"sms_to":"<V>"}', '{"comment":"call <V> if it fails"}'],
    "IBAN_CODE": ['{"beneficiary":{"iban":"<V>","ccy":"EUR"}}', '{"comment":"IBAN <V> for the refund"}'],
    "IP_ADDRESS": ['{"remote_addr":"<V>"}', '{"comment":"seen from address <V>"}'],
    "LOCATION": ['{"pickup_town":"<V>"}', '{"comment":"trip to <V>"}'],
}
JSON_MEMOS = ['{"comment":"scheduled","run":"{uuid}"}', '{"batch":{n},"ok":true}', '{"comment":"Auto-renewal"}',
              '{"level":"Basic","max":{n}}', '{"comment":"done","hash":"{digest}"}']
PERSON_TEXT = ["; for my colleague ⟦<F> <L>⟧", "; ordered by ⟦<F> <L>⟧ on the web", "; ⟦<F> <L>⟧ paid the rest",
               "; account holder ⟦<L>, <F>⟧", "; dear ⟦<F>⟧, here is your receipt", "; approved: ⟦<F> <L>⟧",
               "; payee name ⟦<F> <L>⟧", "; coach ⟦<F> <L>⟧ (weekly)", "; Mrs ⟦<L>⟧ will pick it up",
               "; shared with ⟦<F> <L>⟧ and the team", "; initials ⟦<I>. <L>⟧", "; for ⟦<F> <L>⟧'s thesis",
               "; landlord ⟦<F> <L>⟧", "; note from ⟦<F> <L>⟧: urgent"]
PERSON_URL = ["/people/⟦<f>-<l>⟧/receipts", "?fullname=⟦<F>%20<L>⟧", "?owner=⟦<F>+<L>⟧&v=2",
              "/students/⟦<f>.<l>⟧/fees", "?billing_name=⟦<l>.<f>⟧", "/coaches/⟦<f>_<l>⟧/sessions",
              "?by=⟦<f>-<l>⟧", "/invoices/{id}/⟦<f>_<l>⟧.pdf"]
PERSON_JSON = ['{"customer":{"full_name":"⟦<F> <L>⟧"}}', '{"comment":"ordered by ⟦<F> <L>⟧"}',
               '{"holder":"⟦<L>, <F>⟧","type":"debit"}', '{"comment":"for my colleague ⟦<F> <L>⟧"}',
               '{"owner":"⟦<f>.<l>⟧"}']
BRAND_TEXT = ["; vendor is <B>", "; supplied by <B>", "; label: <B>", "; from the <B> shop"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 1}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=7707)
    a = ap.parse_args()
    import gen_heldout2
    import gen_heldout3
    import gen_heldout4
    import gen_heldout5
    gen_heldout6.check_pins()
    split_gen.assert_apart(sys.modules[__name__],
                           [gen_heldout2, gen_heldout3, gen_heldout4, gen_heldout5, gen_heldout6],
                           gen_heldout2.engine_words())
    ex6 = gen_heldout6.earlier_names()
    f6, l6 = gen_heldout6.names(ex6)
    exclude = ex6 | {n.lower() for n in f6 + l6}
    first, last = gen_heldout6.transliterated(LOCALES, ROMANIZED_LOCALES, FAKER_SEED, exclude, capitalize=True)
    global CITIES
    cities6 = gen_heldout6.earlier_cities()
    cities6 |= {c.lower() for c in gen_heldout6.cities(cities6)}
    CITIES = gen_heldout6.towns(CITY_LOCALES, FAKER_SEED, cities6)
    print(f"v7: {len(first)} given names, {len(last)} surnames, {len(CITIES)} towns", file=sys.stderr)
    split_gen.generate(sys.modules[__name__], a.out, a.n, a.seed, first, last, ENTITY_WEIGHTS)


CITIES: list = []

if __name__ == "__main__":
    main()
