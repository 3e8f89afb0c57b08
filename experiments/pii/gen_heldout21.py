#!/usr/bin/env python3
"""Held-out split v21 of our corpus: a sixth fresh DEV split (its errors may be read), around structured metadata.

Agents pass people and places less as prose than as fields: vCard lines, schema.org and FHIR-like
JSON, header-like labels, camelCase keys, `key=value` pairs. v21 writes them that way, PERSON
weighted most and LOCATION next, with names of five countries no split drew from. Written without
looking at any test split's errors or templates. Seed 21021 (run.py), and its own templates,
hosts, mail domains, brand head nouns, names and towns:

* names from PyPI `names-dataset==3.3.1` (gen_heldout12.nd_names, as v12-v20) of Afghanistan,
  Yemen, Egypt, Morocco and Georgia; minus every name of the tune corpus and of v2-v20's pools
  (compared as ASCII slugs, asserted);
* towns: GeoNames towns (cities5000) of the same countries under 50,000 people, minus v2-v20's;
* templates, hosts, mail domains and brand heads asserted disjoint from v2's-v20's; phrasings
  that turned out to be a test split's were dropped (by a check that reports only their number),
  not rephrased.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs the same
packages as v12.
Usage: gen_heldout21.py OUT.jsonl [--n 2400] [--seed 21021]
"""
import sys

import gen_heldout16
import gen_heldout20

COUNTRIES = ["AF", "YE", "EG", "MA", "GE"]  # Afghanistan, Yemen, Egypt, Morocco, Georgia
# Profile noise among the top ranks of these countries: none was dropped (the pools were not read before the
# first engine run).
NOT_NAMES: set = set()
HEADS = ["abacus beads", "slate boards", "chalk holders", "quill stands", "pounce pots", "blotter pads",
         "seal stamps", "wax sticks", "ledger clips", "stencil sets", "compass cases", "globe stands",
         "vellum sheaves", "easel pegs", "bone folders", "nib boxes"]
HOSTS = ["api.flintmarsh.io", "x402.gorsebrook.dev", "pay.hazelcombe.app", "gw.oakridge-ledger.net",
         "api.brackenhythe.co", "svc.larchmead.org", "data.willowcote.ai", "api.ashgrove-tally.run"]
MAIL_DOMAINS = ["afghan-wireless.af", "yemen.net.ye", "link.net.eg", "menara.ma", "caucasus.net.ge"]
PATHS = ["/flints/{id}/marsh", "/gorse/{slug}/brook.csv", "/combes/{n}/hazel", "/ridges/{id}/oaks",
         "/statements/{order}/scan.pdf", "/hythes/{uuid}/bracken", "/meads/{n}/larch", "/cotes/{slug}/willow"]
DESCRIPTIONS = ["Flint marsh log {id}", "Gorse brook export", "Hazel combe tally {n}", "Oak ridge survey",
                "Scanned statement {order}", "Bracken cover series", "Larch count {n}", "Willow index {slug}"]
REASONS = ["Billed per record", "Charged to the shared budget", "Within the 4 USDC per-call cap",
           "Record {n}, cover series", "Settled once the 402 was paid", "Yearly records plan",
           "Accepted by policy"]
BENIGN_EXTRAS = ["span {uuid}", "payment tx {txhash}", "record digest {digest}", "not after {tsms}",
                 "arbitrum-sepolia", "USDC on optimism", "bundle: Merlin", "Tray 12", "record schema 3",
                 "page {n} of the register"]
TEXT = {
    "EMAIL_ADDRESS": ["; EMAIL;TYPE=work:<V>", "; contactPoint.email=<V>", "; Reply-To header: <V>"],
    "US_SSN": ["; identifier (SSN): <V>", "; taxId=<V>", "; SSN field: <V>"],
    "CREDIT_CARD": ["; paymentMethod.card=<V>", "; PAN: <V>", "; card_number <V>"],
    "PHONE_NUMBER": ["; TEL;TYPE=cell:<V>", "; telecom.phone=<V>", "; contact no. (cell) <V>"],
    "IBAN_CODE": ["; payee.iban=<V>", "; IBAN (payout): <V>", "; bankAccount <V>"],
    "IP_ADDRESS": ["; X-Forwarded-For: <V>", "; client_ip=<V>", "; remote addr <V>"],
    "LOCATION": ["; addressLocality: <V>", "; locality=<V>", "; ship-to city: <V>", "; residence: <V>",
                 "; customer region <V>", "; place of birth - <V>", "; from the <V> office",
                 "; nearest town <V>"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?contact_email=<V>", "/vcards/email/<V>", "?reply_to_addr=<V>&v=3"],
    "US_SSN": ["/identifiers/ssn/<V>", "?tax_id=<V>&y=2026"],
    "CREDIT_CARD": ["/payment-methods/<V>/verify", "?card_number=<V>&cur=usd"],
    "PHONE_NUMBER": ["/telecom/phone/<V>", "?contact_number=<V>"],
    "IBAN_CODE": ["?payee_iban=<V>", "/bank-accounts/<V>/verify", "?payout_iban=<V>&cur=eur"],
    "IP_ADDRESS": ["?origin_client_ip=<V>", "/remote-addr/<V>"],
    "LOCATION": ["?locality=<V>", "/localities/<V>/rates", "?birthplace=<V>",
                 "/geo/<V>/tiles", "?residence=<V>"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"contactPoint":{"email":"<V>"}}', '{"memo":"Reply-To header: <V>"}'],
    "US_SSN": ['{"identifier":{"system":"ssn","value":"<V>"}}'],
    "CREDIT_CARD": ['{"paymentMethod":{"card":"<V>"}}', '{"memo":"PAN: <V>"}'],
    "PHONE_NUMBER": ['{"telecom":[{"system":"phone","value":"<V>"}]}', '{"memo":"contact no. (cell) <V>"}'],
    "IBAN_CODE": ['{"payee":{"iban":"<V>"}}', '{"memo":"IBAN (payout): <V>"}'],
    "IP_ADDRESS": ['{"client":{"ip":"<V>"}}', '{"memo":"X-Forwarded-For: <V>"}'],
    "LOCATION": ['{"address":{"addressLocality":"<V>"}}', '{"shipTo":{"city":"<V>"}}',
                 '{"geo":{"placeName":"<V>"}}', '{"residence":"<V>"}', '{"place_of_birth":"<V>"}'],
}
JSON_MEMOS = ['{"memo":"cover series","span":"{uuid}"}', '{"page":{n},"final":true}',
              '{"memo":"Yearly records plan"}', '{"bundle":"Merlin","count":{n}}',
              '{"memo":"accepted","digest":"{digest}"}']
PERSON_TEXT = ["; assignee: ⟦<F> <L>⟧ (ops)", "; owner=⟦<F> <L>⟧", "; FN:⟦<F> <L>⟧",
               "; X-Requested-For: ⟦<F> <L>⟧", "; [approver] ⟦<F> <L>⟧", "; requested_by=⟦<f>.<l>⟧",
               "; -- ⟦<F> <L>⟧, on behalf of the household", "; signed off: ⟦<L>, <F>⟧",
               "; escalation contact ⟦<F>⟧ (pager)", "; recipient's name: ⟦<F> <L>⟧",
               "; member ⟦<L> <F>⟧ (family name first)", "; the buyer is ⟦<F> <L>⟧",
               "; order for Mr. ⟦<F> <L>⟧", "; owner's name - ⟦<F> <L>⟧", "; authorised user ⟦<F> <L>⟧",
               "; Sender: ⟦<F> <L>⟧", "; beneficiary's first name ⟦<F>⟧", "; givenName=⟦<F>⟧",
               "; familyName: ⟦<L>⟧", "; contact person ⟦<F> <L>⟧ (mobile on file)"]
PERSON_URL = ["?assignee=⟦<f>.<l>⟧", "?requested_for=⟦<F>%20<L>⟧", "/members/⟦<l>-<f>⟧/dues",
              "?fn=⟦<F>+<L>⟧", "/authors/⟦<f>_<l>⟧/royalties", "?givenName=⟦<F>⟧", "/owners/⟦<f>-<l>⟧/assets"]
PERSON_JSON = ['{"patient":{"name":[{"family":"⟦<L>⟧"}]}}', '{"contact":{"fn":"⟦<F> <L>⟧"}}',
               '{"assignee":{"displayName":"⟦<F> <L>⟧"}}', '{"buyer":{"fullName":"⟦<F> <L>⟧"}}',
               '{"author":"⟦<L>, <F>⟧"}', '{"requested_for":"⟦<F> <L>⟧"}', '{"user":{"first_name":"⟦<F>⟧"}}',
               '{"recipient":{"name":"⟦<F> <L>⟧","relationship":"spouse"}}']
BRAND_TEXT = ["; stationery by <B>", "; supplied through <B>", "; catalogue of <B>", "; resold for <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 4, "LOCATION": 2}


earlier_names, earlier_cities, earlier_modules = gen_heldout16.after(gen_heldout20)


def main():
    gen_heldout16.run(sys.modules[__name__], "v21", 21021)


CITIES: list = []

if __name__ == "__main__":
    main()
