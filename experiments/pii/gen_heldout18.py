#!/usr/bin/env python3
"""Held-out split v18 of our corpus: a third fresh DEV split (its errors may be read), written around places.

v16 and v17 showed that many town misses were phrasings (`near`, `departing`, `hub`) rather than a
smaller gazetteer, so v18 writes towns in the wording of logistics, travel and branches, with
PERSON and LOCATION weighted alike. Written without looking at any test split's errors or
templates. Seed 18018 (run.py), and its own templates, hosts, mail domains, brand head nouns,
names and towns:

* names from PyPI `names-dataset==3.3.1` (gen_heldout12.nd_names, as v12-v17) of five countries no
  earlier split drew names from: Chile, Turkey, Uruguay, Azerbaijan and Iceland; minus every name
  of the tune corpus and of v2-v17's pools (compared as ASCII slugs, asserted);
* towns: GeoNames towns (cities5000) of the same countries under 50,000 people, minus v2-v17's;
* templates, hosts, mail domains and brand heads asserted disjoint from v2's-v17's. Phrasings
  none of the earlier splits write: pickup points, drop-offs, routes and stopovers, branches,
  birthplaces and moves; names as assignees, beneficiaries, tenants and co-signers, greetings
  (`Dear X,`, `welcome back, X`), `Last, First` billing contacts and reviewers.

One brand head, `seed trays`, was replaced by `potting trays` after v18's round: its errors led to a
rule that nouns ending in `-eed` (`seed`, `feed`) are head nouns, which made `seed` an engine word,
and a split's brand heads must be none (gen_heldout12.assert_heads_apart).

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs the same
packages as v12.
Usage: gen_heldout18.py OUT.jsonl [--n 2400] [--seed 18018]
"""
import sys

import gen_heldout16
import gen_heldout17

COUNTRIES = ["CL", "TR", "UY", "AZ", "IS"]  # Chile, Turkey, Uruguay, Azerbaijan, Iceland
# Profile noise among the top ranks of these countries (read once, before any engine run): doubled-letter
# handles (`Sofii`, `Maxii`), words (`Familia`, `Any`, `Yeni`) and football clubs taken for surnames
# (`Nacional`, `Peñarol`, `Bolso`).
NOT_NAMES = {"familia", "camii", "facuu", "eii", "javii", "matii", "maxii", "romii", "santii", "sofii", "any",
             "yeni", "nacional", "penarol", "peñarol", "bolso"}
HEADS = ["cheese wires", "boot scrapers", "coat pegs", "pudding basins", "potting trays", "rush mats", "wick trimmers",
         "peg bags", "yarn swifts", "hand bells", "wool winders", "lamp chimneys", "sugar tongs", "curd sieves",
         "knife boxes", "candle moulds", "pipe racks", "glove stretchers", "button hooks", "peat cutters"]
HOSTS = ["api.quarrymoss.io", "x402.tidewrack.dev", "pay.ospreyhill.app", "gw.lanternquay.net",
         "api.oxbowmill.co", "svc.gorseridge.org", "data.fennelbank.ai", "api.kelpstone.run"]
MAIL_DOMAINS = ["vtr.net", "turk.net", "adinet.com.uy", "azeronline.com", "simnet.is"]
PATHS = ["/quarries/{id}/moss", "/tides/{slug}/wrack.csv", "/ospreys/{n}/nests", "/quays/{id}/lanterns",
         "/invoices/{order}/receipt.pdf", "/oxbows/{uuid}/levels", "/ridges/{n}/gorse", "/banks/{slug}/fennel"]
DESCRIPTIONS = ["Moss cover {id}", "Wrack line survey", "Osprey nest count {n}", "Quay lantern audit",
                "Receipt for order {order}", "Oxbow level series", "Gorse burn plan {n}", "Fennel plot {slug}"]
REASONS = ["Billed per survey", "Charged to the field budget", "Within the 3 USDC hourly cap",
           "Batch {n}, level series", "Paid after the 402 challenge", "Monthly plan", "Under the per-call limit"]
BENIGN_EXTRAS = ["req uuid {uuid}", "price {amount} base units", "blob checksum {digest}", "until {tsms}",
                 "base-sepolia", "settled in USDC on base", "plan tier: Harbour", "Bay 12", "sdk build {version}"]
TEXT = {
    "EMAIL_ADDRESS": ["; billing mailbox <V>", "; cc finance at <V>"],
    "US_SSN": ["; 1099 form SSN: <V>", "; SSN of the payee <V>", "; SSN (tax) <V>"],
    "CREDIT_CARD": ["; fleet card <V>", "; card on the booking: <V>"],
    "PHONE_NUMBER": ["; driver's mobile <V>", "; text the code to <V>", "; depot landline <V>"],
    "IBAN_CODE": ["; remit to IBAN: <V>", "; IBAN for the deposit <V>"],
    "IP_ADDRESS": ["; the request came in from <V>", "; flagged IP <V>", "; address of the client was <V>"],
    "LOCATION": ["; pickup point: <V>", "; drop-off in <V> before noon", "; ships from <V>",
                 "; courier left <V> this morning", "; the <V> branch approved it", "; relocating to <V> next month",
                 "; born in <V>", "; stopover: <V>", "; meet at the <V> bus station", "; stage 3 ends in <V>"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?copy_receipt_to=<V>", "/mailboxes/<V>/billing", "?reply_to=<V>&fmt=html"],
    "US_SSN": ["?ssn_1099=<V>", "/payees/ssn/<V>", "?tax_ssn=<V>&y=2026"],
    "CREDIT_CARD": ["?paid_card=<V>", "/fleet-cards/<V>/usage", "?booking_card=<V>&cur=usd"],
    "PHONE_NUMBER": ["?driver_mobile=<V>", "/depots/landline/<V>", "?code_to=<V>"],
    "IBAN_CODE": ["?iban_payout=<V>", "/remit-ibans/<V>", "?deposit_iban=<V>&cur=eur"],
    "IP_ADDRESS": ["?from_ip=<V>", "/flagged-ips/<V>/events", "?addr_client=<V>"],
    "LOCATION": ["?pickup_point=<V>", "/routes/<V>/stops", "?dropoff=<V>&slot=am", "/branch-offices/<V>/hours",
                 "?ship_from=<V>", "/stopovers/<V>"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"receipt":{"cc":"<V>"}}', '{"note":"reply-to <V>"}'],
    "US_SSN": ['{"payee_tax":{"ssn":"<V>"}}', '{"note":"1099 form SSN: <V>"}'],
    "CREDIT_CARD": ['{"booking":{"card":"<V>"}}', '{"note":"fleet card <V>"}'],
    "PHONE_NUMBER": ['{"driver":{"mobile":"<V>"}}', '{"note":"text the code to <V>"}'],
    "IBAN_CODE": ['{"payout_to":{"iban":"<V>"}}', '{"note":"remit to IBAN: <V>"}'],
    "IP_ADDRESS": ['{"client":{"addr":"<V>"}}', '{"note":"flagged IP <V>"}'],
    "LOCATION": ['{"pickup_at":{"town":"<V>"}}', '{"route":{"from":"<V>","to":"port"}}', '{"note":"ships from <V>"}',
                 '{"birthplace":"<V>"}', '{"note":"stopover: <V>"}'],
}
JSON_MEMOS = ['{"note":"level series","req":"{uuid}"}', '{"page":{n},"ok":true}', '{"note":"Monthly plan"}',
              '{"tier":"Harbour","remaining":{n}}', '{"note":"verified","checksum":"{digest}"}']
PERSON_TEXT = ["; driver on shift: ⟦<F> <L>⟧", "; approved by ⟦<F>⟧ from finance",
               "; ⟦<F> <L>⟧ (account owner) confirmed", "; Dear ⟦<F>⟧, thanks for your order",
               "; ticket raised by ⟦<F> <L>⟧", "; ⟦<L>, <F>⟧ - billing contact", "; welcome back, ⟦<F>⟧",
               "; assigned to ⟦<F>⟧", "; ⟦<F>⟧ paid for the team lunch",
               "; co-signer ⟦<F> <L>⟧", "; ping ⟦<F>⟧ when it settles", "; invoice addressed to Mr ⟦<L>⟧",
               "; love, ⟦<F>⟧", "; reviewed by ⟦<F> <L>⟧", "; ⟦<F> <L>⟧ is the new admin",
               "; gift from ⟦<F>⟧ to the office", "; on call tonight: ⟦<F>⟧"]
PERSON_URL = ["/shift-drivers/⟦<f>-<l>⟧", "?assignee=⟦<F>⟧", "?beneficiary=⟦<F>%20<L>⟧", "/tenants/⟦<l>.<f>⟧/lease",
              "?cosigner=⟦<F>+<L>⟧", "?dear=⟦<F>⟧", "/reviewers/⟦<f>_<l>⟧/stars"]
PERSON_JSON = ['{"assignee":"⟦<F>⟧"}', '{"beneficiary":{"full_name":"⟦<F> <L>⟧"}}', '{"lease":{"tenant":"⟦<L>, <F>⟧"}}',
               '{"reviewed_by":"⟦<F> <L>⟧"}', '{"msg":"Dear ⟦<F>⟧, your refund is on its way"}']
BRAND_TEXT = ["; restocked at <B>", "; sold under licence by <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 3}


earlier_names, earlier_cities, earlier_modules = gen_heldout16.after(gen_heldout17)


def main():
    gen_heldout16.run(sys.modules[__name__], "v18", 18018)


CITIES: list = []

if __name__ == "__main__":
    main()
