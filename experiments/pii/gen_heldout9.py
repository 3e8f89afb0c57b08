#!/usr/bin/env python3
"""Held-out split v9 of our corpus: the TEST split of the v8/v9 round, written before any engine
change of that round (HELDOUT.md's protocol: its errors are never read, it runs only at
checkpoints, every run is recorded with the commit, nothing is tuned after looking at it).

Written together with v8 (gen_heldout8.py, the dev split). Seed 9909 (run.py), and its own
templates, hosts, brand head nouns, names and towns:

* names from two sources: the Estonian and Icelandic name lists of `mimesis` (pinned; a data set
  of its own, which no earlier split and no gazetteer source uses), and Faker's ig_NG (Igbo), tw_GH
  (Twi), zu_ZA (Zulu), en_NG (Nigerian names in English) and az_AZ (Azerbaijani, with its
  diacritics) as written. v4 drew from those Faker locales (and et_EE, is_IS) too: every name of
  its pool, of the tune corpus and of the v2-v8 pools is removed (asserted), and so are Faker's
  placeholders;
* towns from Faker's city lists of sk_SK, sl_SI, de_AT and es_CL (real towns of Slovakia,
  Slovenia, Austria and Chile), minus the towns of v2-v8;
* templates, hosts and brand heads asserted disjoint from v2's-v8's, and the brand heads from
  every engine word list.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs Faker,
anyascii and mimesis (run.py installs them into the eval venv).
Usage: gen_heldout9.py OUT.jsonl [--n 2400] [--seed 9909]
"""
import argparse
import sys

import gen_heldout6
import gen_heldout8
import split_gen

LATIN_LOCALES = ["ig_NG", "tw_GH", "zu_ZA", "en_NG", "az_AZ"]
MIMESIS_LOCALES = ["et", "is"]
CITY_LOCALES = ["sk_SK", "sl_SI", "de_AT", "es_CL"]
FAKER_SEED = 99090
HEADS = ["pinafores", "tealights", "bibs", "dustpans", "colanders", "muffs", "galoshes", "washcloths", "toboggans",
         "cufflinks", "fezzes", "yoyos", "ottomans", "sporks", "egg cups", "tiaras", "parasols", "snorkels",
         "bonnets", "fidgets"]
HOSTS = ["api.quillstack.io", "x402.dunelabs.dev", "pay.loomcart.app", "gw.portside.net", "api.hivemetric.co",
         "svc.archivebay.org", "data.fieldnotes.ai", "api.turnstile.run"]
MAIL_DOMAINS = ["yahoo.co.uk", "ymail.com", "icloud.com", "mail.az", "webmail.co.za", "gmail.com"]
PATHS = ["/quills/{id}/draft", "/dunes/{slug}/survey", "/looms/{order}/pattern", "/ports/{n}/schedule",
         "/hives/{uuid}/metrics", "/archive/{id}/scan.tiff", "/fieldnotes/{slug}/page/{n}", "/turnstiles/{n}/log"]
DESCRIPTIONS = ["Draft {id}", "Dune survey", "Weaving pattern for {order}", "Port schedule, berth {n}",
                "Hive metrics", "Archive scan {id}", "Field notes page {n}", "Turnstile log"]
REASONS = ["Metered access", "Charged to the research grant", "Under the per-request limit",
           "Workflow step {n}", "Paid once the 402 arrived", "Yearly renewal", "Low-value buy, no approval needed"]
BENIGN_EXTRAS = ["job {uuid}", "cost {amount} micro-units", "tx hash {txhash}", "pay to wallet {evm}",
                 "digest {digest}", "timeout {tsms}", "on base-sepolia", "coin: USDC", "tier: Team", "Cohort Sierra",
                 "build version {version}", "row {n}"]
TEXT = {
    "EMAIL_ADDRESS": ["; billing email: <V>", "; please forward to <V>", "; account e-mail is <V>"],
    "US_SSN": ["; SSN (for the 1099-K) <V>", "; social security number: <V>", "; contractor SSN <V>"],
    "CREDIT_CARD": ["; charged on <V>", "; amex no. <V>", "; the card is <V>"],
    "PHONE_NUMBER": ["; cell: <V>", "; ring <V> on arrival", "; telephone <V>"],
    "IBAN_CODE": ["; send funds to IBAN <V>", "; IBAN for the refund, <V>", "; payee account <V>"],
    "IP_ADDRESS": ["; source ip <V>", "; device address: <V>", "; request origin <V>"],
    "LOCATION": ["; delivery to a depot in <V>", "; branch: <V>", "; workshop held in <V>"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?bill_to_email=<V>", "/mailboxes/<V>/rules", "?forward_to=<V>&x=1"],
    "US_SSN": ["?contractor_ssn=<V>", "/ssn-checks/<V>", "?social_security=<V>&form=1099"],
    "CREDIT_CARD": ["?card=<V>&v=2", "/cards/<V>/refunds", "?amex=<V>"],
    "PHONE_NUMBER": ["?cell=<V>", "/phones/<V>/sms", "?telephone=<V>&ok=1"],
    "IBAN_CODE": ["?iban_refund=<V>", "/payees/<V>/account", "?funds_to=<V>"],
    "IP_ADDRESS": ["?source_ip=<V>", "/reputation/<V>"],
    "LOCATION": ["?branch=<V>", "/depots/<V>/slots", "?workshop_city=<V>"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"bill_to":{"email":"<V>"}}', '{"remark":"please forward to <V>"}'],
    "US_SSN": ['{"contractor":{"ssn":"<V>"}}', '{"remark":"contractor SSN <V>"}'],
    "CREDIT_CARD": ['{"card":"<V>"}', '{"remark":"charged on <V>"}'],
    "PHONE_NUMBER": ['{"cell":"<V>"}', '{"remark":"ring <V> on arrival"}'],
    "IBAN_CODE": ['{"refund":{"iban":"<V>"}}', '{"remark":"send funds to IBAN <V>"}'],
    "IP_ADDRESS": ['{"source_ip":"<V>"}', '{"remark":"request origin <V>"}'],
    "LOCATION": ['{"branch_town":"<V>"}', '{"remark":"workshop held in <V>"}'],
}
JSON_MEMOS = ['{"remark":"metered","job":"{uuid}"}', '{"row":{n},"settled":true}', '{"remark":"Yearly renewal"}',
              '{"tier":"Team","limit":{n}}', '{"remark":"fine","digest":"{digest}"}']
PERSON_TEXT = ["; reserved for ⟦<F> <L>⟧", "; buyer: ⟦<F> <L>⟧", "; courier ⟦<F> <L>⟧ left it at the door",
               "; ⟦<F> <L>⟧ needs the receipt by Friday", "; refund ⟦<F> <L>⟧ in full", "; FAO ⟦<F> <L>⟧",
               "; Dr ⟦<F> <L>⟧ signed off", "; hello ⟦<F>⟧, thanks for your order", "; filed under ⟦<L>, <F>⟧",
               "; seen today: patient ⟦<F> <L>⟧", "; the guest is ⟦<F> <L>⟧", "; ⟦<F> <L>⟧ and two others",
               "; employee ⟦<F> <L>⟧ (badge {n})", "; reviewed by ⟦<I>. <L>⟧", "; teacher: ⟦<F> <L>⟧",
               "; from the desk of ⟦<F> <L>⟧"]
PERSON_URL = ["/customers/⟦<f>-<l>⟧/history", "?guest_name=⟦<F>%20<L>⟧", "?buyer=⟦<F>+<L>⟧",
              "/employees/⟦<f>.<l>⟧/payslip", "?patient=⟦<l>_<f>⟧", "/teachers/⟦<f>-<l>⟧/classes",
              "?reviewer=⟦<f>.<l>⟧", "/statements/{id}/⟦<f>_<l>⟧.pdf"]
PERSON_JSON = ['{"buyer":{"name":"⟦<F> <L>⟧"}}', '{"remark":"reserved for ⟦<F> <L>⟧"}',
               '{"patient":"⟦<L>, <F>⟧"}', '{"remark":"courier ⟦<F> <L>⟧ called"}', '{"employee":"⟦<f>.<l>⟧"}']
BRAND_TEXT = ["; retailer: <B>", "; stockist <B>", "; trademark <B>", "; shop: <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 1}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=9909)
    a = ap.parse_args()
    import gen_heldout2
    import gen_heldout3
    import gen_heldout4
    import gen_heldout5
    import gen_heldout7
    gen_heldout6.check_pins()
    split_gen.assert_apart(sys.modules[__name__],
                           [gen_heldout2, gen_heldout3, gen_heldout4, gen_heldout5, gen_heldout6, gen_heldout7,
                            gen_heldout8],
                           gen_heldout2.engine_words())
    ex8 = gen_heldout8.earlier_names()
    f8, l8 = gen_heldout8.names(gen_heldout8.LATIN_LOCALES, gen_heldout8.LOCALES, gen_heldout8.MIMESIS_LOCALES,
                                gen_heldout8.FAKER_SEED, ex8)
    first, last = gen_heldout8.names(LATIN_LOCALES, [], MIMESIS_LOCALES, FAKER_SEED,
                                     ex8 | {n.lower() for n in f8 + l8})
    global CITIES
    c8 = gen_heldout8.earlier_cities()
    c8 |= {c.lower() for c in gen_heldout6.towns(gen_heldout8.CITY_LOCALES, gen_heldout8.FAKER_SEED, c8)}
    CITIES = gen_heldout6.towns(CITY_LOCALES, FAKER_SEED, c8)
    print(f"v9: {len(first)} given names, {len(last)} surnames, {len(CITIES)} towns", file=sys.stderr)
    split_gen.generate(sys.modules[__name__], a.out, a.n, a.seed, first, last, ENTITY_WEIGHTS)


CITIES: list = []

if __name__ == "__main__":
    main()
