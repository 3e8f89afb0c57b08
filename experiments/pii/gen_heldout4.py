#!/usr/bin/env python3
"""Held-out split v4 of our corpus: the TEST split of issue 20's protocol.

Its errors are never read: it runs only at checkpoints, and every run's
numbers are recorded in experiments/pii/HELDOUT.md with the commit. Written
together with v3 (gen_heldout3.py, the dev split) and before any engine change
of that round, with its own seed (run.py: 4409), templates, hosts, brand head
nouns and names: Faker (pinned) locales used by no other split, Latin script
only, particles/apostrophes/hyphens kept, minus every name of the tune corpus,
of held-out v2's pool and of v3's pool (asserted). Templates, hosts and brand
heads are asserted disjoint from v2's and v3's. Structural values come from
gen_corpus.Gen with this seed. Driver: split_gen.py.

Needs Faker (run.py installs it into the eval venv).
Usage: gen_heldout4.py OUT.jsonl [--n 2400] [--seed 4409]
"""
import argparse
import sys

import split_gen

LOCALES = ["de_CH", "fr_CH", "it_CH", "nl_BE", "fr_BE", "es_CO", "es_CL", "sl_SI", "lv_LV", "et_EE", "is_IS",
           "mt_MT", "sq_AL", "bs_BA", "tl_PH", "en_NG", "ig_NG", "ha_NG", "tw_GH", "sw", "az_AZ", "en_PK", "zu_ZA"]
FAKER_SEED = 44090
HEADS = ["watches", "chairs", "bags", "socks", "tiles", "soaps", "incense", "vinyl", "sandals", "blankets",
         "teas", "spices", "pens", "knives", "toys", "dolls", "kites", "jams", "honey", "cheeses", "hammocks",
         "drums", "saddles", "frames"]
HOSTS = ["api.tollbridge.io", "x402.newsdesk.page", "gw.fleetmap.dev", "api.lexiconai.tech", "svc.kioskpay.co",
         "pay.streamtoll.tv", "api.medrefer.care", "rest.gridtick.net"]
MAIL_DOMAINS = ["yahoo.fr", "bluewin.ch", "skynet.be", "zoho.eu", "hey.com", "mail.co.za"]
PATHS = ["/v1/paid/{uuid}", "/news/{id}/full", "/api/v1/routes/{n}", "/v1/define/{slug}", "/kiosk/{order}/receipt",
         "/live/{id}/minute", "/api/refer/{id}", "/tick/{ticker}/stream", "/v3/ocr/{uuid}/text", "/premium/{slug}.json"]
DESCRIPTIONS = ["Full story access", "Route plan, {n} stops", "Dictionary lookup", "Kiosk receipt {order}",
                "Live stream, per minute", "Referral letter PDF", "Tick stream for {ticker}", "OCR text of {n} pages",
                "Premium JSON feed", "Metered API call"]
REASONS = ["Within the agent's daily budget", "Paid from the shared wallet", "Research assistant purchase",
           "Recurring micro-payment", "One-off unlock", "Batch {n} settlement", "Fallback after a 402 retry"]
BENIGN_EXTRAS = ["session {uuid}", "max {n} atomic units", "facilitator ok", "payer {evm}", "hash {digest}",
                 "expires {tsms}", "chain 8453", "token USDC", "tier Plus", "Ops Bravo", "client {version}",
                 "queue {n}"]
CITIES = ["Geneva", "Lausanne", "Antwerp", "Medellin", "Valparaiso", "Ljubljana", "Riga", "Tallinn", "Reykjavik",
          "Valletta", "Tirana", "Sarajevo", "Cebu", "Lagos", "Kumasi", "Mombasa", "Baku", "Lahore", "Durban",
          "Ghent"]
TEXT = {
    "EMAIL_ADDRESS": ["; cc <V> on the receipt", "; contact e-mail: <V>", "; forward to <V>"],
    "US_SSN": ["; employee SSN: <V>", "; taxpayer number <V>", "; SSN on the form <V>"],
    "CREDIT_CARD": ["; Visa card <V> was charged", "; card no. <V>", "; amex <V>"],
    "PHONE_NUMBER": ["; tel. <V>", "; contact number <V>", "; ring <V> if late"],
    "IBAN_CODE": ["; beneficiary IBAN <V>", "; transfer to account <V>", "; IBAN: <V>"],
    "IP_ADDRESS": ["; caller IP <V>", "; origin <V>", "; device address <V>"],
    "LOCATION": ["; trip from <V>", "; office in <V>", "; deliver within <V>"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?contact=<V>", "/subscribers/<V>/", "?mail=<V>&lang=fr"],
    "US_SSN": ["?social=<V>", "/employees/<V>/w2", "?ssn=<V>&year=2025"],
    "CREDIT_CARD": ["?cc=<V>", "/payment-methods/<V>", "?card_no=<V>&exp=12-29"],
    "PHONE_NUMBER": ["?tel=<V>", "/contacts/<V>/vcard", "?mobile=<V>&otp=1"],
    "IBAN_CODE": ["?beneficiary_iban=<V>", "/accounts/<V>/balance", "?to_account=<V>"],
    "IP_ADDRESS": ["?origin_ip=<V>", "/lookup/ip/<V>"],
    "LOCATION": ["?from=<V>", "/offices/<V>/hours", "?region=<V>&units=metric"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"cc":"<V>","note":"receipt"}', '{"contact":{"email":"<V>"}}'],
    "US_SSN": ['{"employee":{"ssn":"<V>"}}', '{"note":"SSN <V> verified"}'],
    "CREDIT_CARD": ['{"payment_method":{"number":"<V>"}}', '{"note":"card <V> declined once"}'],
    "PHONE_NUMBER": ['{"contact":{"tel":"<V>"}}', '{"note":"ring <V>"}'],
    "IBAN_CODE": ['{"beneficiary":{"iban":"<V>"}}', '{"note":"IBAN <V>"}'],
    "IP_ADDRESS": ['{"origin":"<V>","ok":true}', '{"note":"caller <V>"}'],
    "LOCATION": ['{"office":"<V>"}', '{"note":"trip from <V>"}'],
}
JSON_MEMOS = ['{"note":"ok","session":"{uuid}"}', '{"batch":{n},"status":"settled"}', '{"note":"Metered call"}',
              '{"tier":"Plus","units":{n}}', '{"note":"Cheers","hash":"{digest}"}']
PERSON_TEXT = ["; courtesy of ⟦<F> <L>⟧", "; beneficiary ⟦<F> <L>⟧", "; payee: ⟦<L>, <F>⟧",
               "; approved by Prof. ⟦<L>⟧", "; ordered by ⟦<F> <L>⟧ for the team", "; dear ⟦<F>⟧, thank you",
               "; patient ⟦<F> <L>⟧, follow-up", "; author ⟦<I>. <L>⟧", "⟦<F> <L>⟧: renewal",
               "; contact person ⟦<F> <L>⟧", "; tutor ⟦<F> <L>⟧ session", "; Mrs. ⟦<F> <L>⟧ paid"]
PERSON_URL = ["?cardholder=⟦<F>%20<L>⟧", "/team/⟦<f>_<l>⟧/avatar.png", "/creators/⟦<f>-<l>⟧/tip",
              "?contact=⟦<F>+<L>⟧&lang=en", "?signed_by=⟦<I>.+<L>⟧", "/patients/⟦<f>.<l>⟧/referral"]
PERSON_JSON = ['{"note":"for ⟦<F> <L>⟧","sku":"{order}"}', '{"customer_name":"⟦<F> <L>⟧","tier":"gold"}',
               '{"recipient":"⟦<L>, <F>⟧","channel":"email"}', '{"note":"courtesy of ⟦<F> <L>⟧"}']
BRAND_TEXT = ["; vendor <B>", "; sold by <B>", "; banner: <B>", "; featuring <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 1}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=4409)
    a = ap.parse_args()
    import faker
    import gen_heldout2
    import gen_heldout3
    assert faker.VERSION == split_gen.FAKER_VERSION, f"Faker {faker.VERSION}, pinned {split_gen.FAKER_VERSION}"
    split_gen.assert_apart(sys.modules[__name__], [gen_heldout2, gen_heldout3], gen_heldout2.engine_words())
    f2, l2 = gen_heldout2.name_pool()
    f3, l3 = gen_heldout3.names()
    exclude = split_gen.tune_names() | {n.lower() for n in f2 + l2 + f3 + l3}
    first, last = split_gen.name_pool(LOCALES, FAKER_SEED, 4000, exclude)
    split_gen.generate(sys.modules[__name__], a.out, a.n, a.seed, first, last, ENTITY_WEIGHTS)


if __name__ == "__main__":
    main()
