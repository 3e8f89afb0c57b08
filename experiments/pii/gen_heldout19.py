#!/usr/bin/env python3
"""Held-out split v19 of our corpus: a fourth fresh DEV split (its errors may be read), written around people.

v18's places moved two test splits and its names with letters the engine could not read moved two
more, so v19 writes people the ways support tickets, payroll, marketplaces and chats do, with
PERSON weighted most, and names of five countries no split drew from. Written without looking at
any test split's errors or templates. Seed 19019 (run.py), and its own templates, hosts, mail
domains, brand head nouns, names and towns:

* names from PyPI `names-dataset==3.3.1` (gen_heldout12.nd_names, as v12-v18) of South Africa,
  Burundi, Malta, Cambodia and Costa Rica; minus every name of the tune corpus and of v2-v18's
  pools (compared as ASCII slugs, asserted);
* towns: GeoNames towns (cities5000) of the same countries under 50,000 people, minus v2-v18's;
* templates, hosts, mail domains and brand heads asserted disjoint from v2's-v18's; phrasings
  that turned out to be a test split's were dropped (by a check that reports only their number),
  not rephrased.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs the same
packages as v12.
Usage: gen_heldout19.py OUT.jsonl [--n 2400] [--seed 19019]
"""
import sys

import gen_heldout16
import gen_heldout18

COUNTRIES = ["ZA", "BI", "MT", "KH", "CR"]  # South Africa, Burundi, Malta, Cambodia, Costa Rica
# Profile noise among the top ranks of these countries (read once, before any engine run): words and
# handles (`Familia`, `Happy`, `Pretty`, `Macho`, `Sîmpłê`, `Kpc`), a clinic, and towns and a people
# taken for names (`Penh`, `Battambang`, `Kampot`, `Khmer`, `Kon Pov`).
NOT_NAMES = {"familia", "polycliniques", "khmer", "penh", "happy", "pretty", "macho", "hea", "hēâ", "kla", "klã",
             "sîmpłê", "simple", "litafukutoji", "aunlongveng", "pozz", "gorg", "piesy",
             "battambang", "kampot", "konkhmer", "konpov", "kon pov", "kpc", "tomoskr", "smos", "sne", "porpor"}
HEADS = ["pastry brushes", "apron hooks", "flour dredgers", "tray cloths", "coaster sets", "herb drying racks",
         "cheese domes", "olive dishes", "pestle sets", "cruet stands", "napkin clips", "pie funnels", "jug covers",
         "crumb trays", "lemon squeezers", "spoon jars"]
HOSTS = ["api.mistlefen.io", "x402.corrieburn.dev", "pay.sablemoor.app", "gw.heronwick.net", "api.tarnhollow.co",
         "svc.wrenmarsh.org", "data.quillbrook.ai", "api.saltlick.run"]
MAIL_DOMAINS = ["telkomsa.net", "usan.bi", "maltanet.net", "online.com.kh", "racsa.co.cr"]
PATHS = ["/fens/{id}/mist", "/burns/{slug}/flow.csv", "/moors/{n}/sable", "/wicks/{id}/herons",
         "/invoices/{order}/statement.pdf", "/tarns/{uuid}/depth", "/marshes/{n}/wrens", "/brooks/{slug}/quills"]
DESCRIPTIONS = ["Mist gauge {id}", "Burn flow export", "Sable moor tally {n}", "Heron roost audit",
                "Statement {order}", "Tarn depth series", "Wren count {n}", "Brook quill index {slug}"]
REASONS = ["Billed per export", "Charged to ops", "Within the 2 USDC per-call cap", "Job {n}, depth series",
           "Settled after the payment challenge", "Quarterly plan", "Passed policy"]
BENIGN_EXTRAS = ["correlation {uuid}", "onchain settlement hash {txhash}", "content digest {digest}",
                 "pay-by deadline {tsms}", "avalanche-fuji", "USDC on base", "bundle: Estuary", "Shelf 4",
                 "agent release {version}", "row {n} of the export"]
TEXT = {
    "EMAIL_ADDRESS": ["; statements go to <V>", "; payroll mailbox <V>", "; send the payslip to <V>"],
    "US_SSN": ["; employee SSN <V>", "; SSN (payroll): <V>", "; W-2 SSN <V>"],
    "CREDIT_CARD": ["; card ending batch <V>", "; virtual card <V>", "; card that paid the deposit: <V>"],
    "PHONE_NUMBER": ["; claimant's phone <V>", "; callback number <V>", "; SMS the payslip PIN to <V>"],
    "IBAN_CODE": ["; salary IBAN <V>", "; claim paid to IBAN: <V>", "; IBAN of the seller <V>"],
    "IP_ADDRESS": ["; ticket opened from <V>", "; login IP <V>", "; origin address: <V>"],
    "LOCATION": ["; sourced from farms around <V>", "; clinic in <V> (rural)", "; paid at the <V> market",
                 "; regional office: <V>", "; from our team in <V>", "; venue: <V> town hall", "; collected in <V>",
                 "; served from the <V> region"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?statements_to=<V>", "/payroll-mailboxes/<V>", "?payslip_to=<V>&fmt=pdf"],
    "US_SSN": ["/payroll/ssn/<V>", "?w2_ssn=<V>&y=2026"],
    "CREDIT_CARD": ["?virtual_card=<V>", "/deposit-cards/<V>/charges", "?card_batch=<V>&cur=usd"],
    "PHONE_NUMBER": ["?callback_no=<V>", "/claimants/phone/<V>", "?pin_sms=<V>"],
    "IBAN_CODE": ["?salary_iban=<V>", "/claims/iban/<V>", "?seller_iban=<V>&cur=eur"],
    "IP_ADDRESS": ["?login_ip=<V>", "/tickets/from/<V>"],
    "LOCATION": ["?collected_in=<V>", "/markets/<V>/prices", "/regional-offices/<V>", "?venue_town=<V>",
                 "/farms-around/<V>/harvest"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"payroll":{"mailbox":"<V>"}}', '{"note":"send the payslip to <V>"}'],
    "US_SSN": ['{"note":"W-2 SSN <V>"}'],
    "CREDIT_CARD": ['{"deposit":{"card":"<V>"}}', '{"note":"virtual card <V>"}'],
    "PHONE_NUMBER": ['{"claimant":{"phone":"<V>"}}', '{"note":"callback number <V>"}'],
    "IBAN_CODE": ['{"salary":{"iban":"<V>"}}', '{"note":"claim paid to IBAN: <V>"}'],
    "IP_ADDRESS": ['{"login":{"ip":"<V>"}}', '{"note":"ticket opened from <V>"}'],
    "LOCATION": ['{"collected":{"in":"<V>"}}', '{"venue":{"town":"<V>"}}', '{"note":"from our team in <V>"}',
                 '{"regional_office":"<V>"}'],
}
JSON_MEMOS = ['{"note":"depth series","corr":"{uuid}"}', '{"row":{n},"ok":true}', '{"note":"Quarterly plan"}',
              '{"bundle":"Estuary","left":{n}}', '{"note":"passed","digest":"{digest}"}']
PERSON_TEXT = ["; refund approved for ⟦<F> <L>⟧ after review", "; ⟦<F>⟧ from accounting signed off",
               "; payslip for ⟦<F> <L>⟧", "; claimant: ⟦<F> <L>⟧", "; the seller, ⟦<F> <L>⟧, shipped late",
               "; account holder on file: ⟦<L>, <F>⟧", "; ⟦<F> <L>⟧'s subscription renewed", "; booked under ⟦<F> <L>⟧",
               "; authorised signatory ⟦<F> <L>⟧", "; next of kin: ⟦<F> <L>⟧", "; ticket {n} opened by ⟦<F>⟧",
               "; Hi ⟦<F>⟧ - your payout is ready", "; spoke with ⟦<F> <L>⟧ on the phone",
               "; ⟦<F>⟧ will cover the difference", "; reimbursement to ⟦<F> <L>⟧ (travel)",
               "; the courier handed it to ⟦<F>⟧", "; in memory of ⟦<F> <L>⟧", "; shared with ⟦<F>⟧ and the team",
               "; prepared by ⟦<F> <L>⟧, CPA", "; Mrs ⟦<L>⟧ called about the invoice", "; winner: ⟦<F> <L>⟧",
               "; student ⟦<F> <L>⟧ paid the lab fee"]
PERSON_URL = ["/payslips/⟦<f>-<l>⟧/2026-05", "?claimant=⟦<F>%20<L>⟧", "/signatories/⟦<f>.<l>⟧",
              "?booked_under=⟦<F>+<L>⟧", "/kin/⟦<l>⟧", "?winner=⟦<F>⟧", "/memorial/⟦<f>-<l>⟧/donate"]
PERSON_JSON = ['{"claimant":{"given":"⟦<F>⟧"}}', '{"signatory":"⟦<F> <L>⟧"}',
               '{"next_of_kin":{"name":"⟦<F> <L>⟧","relation":"sister"}}', '{"msg":"spoke with ⟦<F>⟧ today"}',
               '{"owner":{"display":"⟦<F> <L>⟧"}}']
BRAND_TEXT = ["; bakeware by <B>", "; sole distributor <B>", "; back-ordered from <B>", "; brand licensed to <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 4, "LOCATION": 2}


earlier_names, earlier_cities, earlier_modules = gen_heldout16.after(gen_heldout18)


def main():
    gen_heldout16.run(sys.modules[__name__], "v19", 19019)


CITIES: list = []

if __name__ == "__main__":
    main()
