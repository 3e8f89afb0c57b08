#!/usr/bin/env python3
"""Held-out split v3 of our corpus: the DEV split of issue 20's protocol.

Its errors may be read while improving the engine (v4, gen_heldout4.py, is the
test split whose errors are never read). Written before any engine change of
that round, with its own seed (run.py: 3301), templates (x402 resource URLs,
descriptions, memos and JSON memos), hosts, brand head nouns and names:
Faker (pinned) locales used by no other split, Latin script only, surnames
with particles, apostrophes and hyphens kept (`van der Meer`, `O'Neill`,
`García-López`), minus every name of the tune corpus (names_world.py) and of
held-out v2's pool (asserted). Structural values come from gen_corpus.Gen
with this seed. Driver: split_gen.py.

Needs Faker (run.py installs it into the eval venv).
Usage: gen_heldout3.py OUT.jsonl [--n 2400] [--seed 3301]
"""
import argparse
import sys

import split_gen

LOCALES = ["en_AU", "en_CA", "en_IE", "en_NZ", "de_AT", "fr_CA", "es_MX", "es_AR", "pt_PT", "da_DK", "no_NO",
           "hu_HU", "sk_SK", "hr_HR", "lt_LT", "id_ID", "en_PH", "ga_IE", "nl_NL"]
FAKER_SEED = 33010
# Head nouns of brands named after people (`Aoife Brennan teaware`).
HEADS = ["teaware", "linens", "rugs", "ceramics", "kayaks", "guitars", "hats", "scarves", "bakery", "smokehouse",
         "creamery", "gelato", "olives", "preserves", "woodworks", "leatherworks", "pottery", "quilts",
         "sunglasses", "wallets", "umbrellas", "lamps", "barbershop", "florist", "chandlery", "orchards"]
HOSTS = ["api.paysprout.io", "x402.readwell.news", "gw.tilemint.app", "api.voxforge.ai", "data.coastline.dev",
         "pay.quickfare.travel", "api.snapcourse.edu", "svc.harborpay.net"]
MAIL_DOMAINS = ["fastmail.com", "outlook.ie", "gmx.at", "posteo.de", "icloud.com", "kolibri.co"]
PATHS = ["/x402/v1/resources/{id}", "/v1/articles/{slug}/unlock", "/api/v2/quotes/{ticker}/latest",
         "/v1/transcribe/{uuid}", "/courses/{id}/lessons/{n}", "/v1/fares/search", "/api/tiles/{n}/{n}/{n}.png",
         "/v2/invoices/{order}/pay", "/v1/voices/{model}/speak", "/paywall/content/{id}"]
DESCRIPTIONS = ["Unlock article: {slug}", "Per-request fare search", "Lesson {n} video access",
                "Voice clip synthesis ({n} words)", "Tile pack for offline maps", "Invoice {order} payment",
                "Premium quote feed, 1 minute", "Transcription of a {n}-minute call", "Paywalled PDF download",
                "Agent tool call: web search"]
REASONS = ["Agent bought access on the user's behalf", "Auto-pay under the weekly cap", "Renewal of a daily pass",
           "Pay-per-view unlock", "Top-up before a long task", "Step {n} of a research plan",
           "Retry with a fresh nonce"]
BENIGN_EXTRAS = ["cap {n} USDC/week", "attempt {n}", "request id {uuid}", "payTo {evm}", "tx {txhash}",
                 "valid until {ts}", "scheme exact", "network base-sepolia", "asset USDC", "plan Starter",
                 "Team Alpha", "sdk {version}"]
CITIES = ["Melbourne", "Vancouver", "Cork", "Wellington", "Vienna", "Guadalajara", "Cordoba", "Porto",
          "Copenhagen", "Bergen", "Debrecen", "Bratislava", "Zagreb", "Vilnius", "Surabaya", "Manila",
          "Galway", "Rotterdam", "Calgary", "Brisbane"]
TEXT = {
    "EMAIL_ADDRESS": ["; receipt goes to <V>", "; notify <V> when done", "; billing email <V>"],
    "US_SSN": ["; payee SSN <V>", "; 1099 recipient TIN <V>", "; social <V> on file"],
    "CREDIT_CARD": ["; card ending block <V>", "; fallback card <V>", "; paid by Mastercard <V>"],
    "PHONE_NUMBER": ["; WhatsApp <V>", "; call back on <V>", "; phone <V> (evenings)"],
    "IBAN_CODE": ["; settle to IBAN <V>", "; payout account <V>", "; bank <V>"],
    "IP_ADDRESS": ["; agent IP <V>", "; client ip <V>", "; from host <V>"],
    "LOCATION": ["; pickup in <V>", "; user located in <V>", "; hotel search near <V>"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?notify=<V>", "/inbox/<V>/digest", "?email=<V>&verify=1"],
    "US_SSN": ["?ssn_last=<V>", "/payees/<V>/1099", "?tin=<V>"],
    "CREDIT_CARD": ["?card=<V>&cvc_check=1", "/cards/<V>/tokenize", "?pan=<V>"],
    "PHONE_NUMBER": ["?whatsapp=<V>", "/voice/call/<V>", "?msisdn=<V>"],
    "IBAN_CODE": ["?iban=<V>", "/payouts/<V>/confirm", "?account=<V>"],
    "IP_ADDRESS": ["?client_ip=<V>", "/geoip/<V>"],
    "LOCATION": ["?near=<V>", "/fares/to/<V>", "?city=<V>&days=3"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"memo":"send receipt","email":"<V>"}', '{"notify":["<V>"],"ref":"{order}"}'],
    "US_SSN": ['{"payee":{"tin":"<V>"},"form":"1099-NEC"}', '{"memo":"W-9 TIN <V>"}'],
    "CREDIT_CARD": ['{"card":"<V>","ref":"{order}"}', '{"memo":"charged card <V>"}'],
    "PHONE_NUMBER": ['{"sms_to":"<V>","template":"otp"}', '{"memo":"call <V> on arrival"}'],
    "IBAN_CODE": ['{"payout":{"iban":"<V>"}}', '{"memo":"refund to <V>"}'],
    "IP_ADDRESS": ['{"client":{"ip":"<V>"},"ua":"agent/1.2"}', '{"memo":"seen from <V>"}'],
    "LOCATION": ['{"memo":"delivery to <V>","eta":"2d"}', '{"dest":"<V>","pax":2}'],
}
JSON_MEMOS = ['{"memo":"weekly digest","ref":"{order}"}', '{"task":"{uuid}","step":{n}}',
              '{"memo":"Pay-per-call","attempt":{n}}', '{"plan":"Starter","seats":{n}}',
              '{"memo":"Thank you!","tx":"{txhash}"}']
PERSON_TEXT = ["; memo: payout to ⟦<F> <L>⟧", "; requested by ⟦<F> <L>⟧ via agent", "; customer: ⟦<L>, <F>⟧",
               "; referred by Dr. ⟦<F> <L>⟧", "; thanks ⟦<F>⟧!", "; account holder ⟦<I>. <L>⟧",
               "; reviewer ⟦<F> <L>⟧ approved", "⟦<F> <L>⟧ - monthly subscription",
               "; subscriber ⟦<F> <L>⟧ renewed", "; Mr ⟦<L>⟧ asked for a copy", "; gift for ⟦<F> <L>⟧"]
PERSON_URL = ["?payer_name=⟦<F>%20<L>⟧", "/users/⟦<f>.<l>⟧/invoices", "?customer=⟦<L>%2C%20<F>⟧",
              "/profiles/⟦<f>-<l>⟧", "?name=⟦<F>+<L>⟧&plan=pro", "/tips/⟦<f>_<l>⟧"]
PERSON_JSON = ['{"memo":"tip for ⟦<F> <L>⟧","ref":"{order}"}', '{"payer":{"name":"⟦<F> <L>⟧"},"amount":"{amount}"}',
               '{"beneficiary":"⟦<L>, <F>⟧","currency":"USDC"}', '{"memo":"on behalf of ⟦<F> <L>⟧"}']
BRAND_TEXT = ["; merchant: <B>", "; supplier <B>", "; powered by <B>", "; ad slot for <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 1}


def names():
    """This split's names: minus the tune corpus's and held-out v2's."""
    import gen_heldout2
    f2, l2 = gen_heldout2.name_pool()
    exclude = split_gen.tune_names() | {n.lower() for n in f2 + l2}
    return split_gen.name_pool(LOCALES, FAKER_SEED, 4000, exclude)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=3301)
    a = ap.parse_args()
    import faker
    import gen_heldout2
    assert faker.VERSION == split_gen.FAKER_VERSION, f"Faker {faker.VERSION}, pinned {split_gen.FAKER_VERSION}"
    split_gen.assert_apart(sys.modules[__name__], [gen_heldout2], gen_heldout2.engine_words())
    first, last = names()
    split_gen.generate(sys.modules[__name__], a.out, a.n, a.seed, first, last, ENTITY_WEIGHTS)


if __name__ == "__main__":
    main()
