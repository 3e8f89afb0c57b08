#!/usr/bin/env python3
"""Held-out split v20 of our corpus: a fifth fresh DEV split (its errors may be read), written around households.

v18 and v19 moved four test splits, and the weakest two still miss names of South Asia, Africa and
Central America, so v20 writes people and places the ways household and small-service payments do
(tuition, rent, clinics, rides, donations, legal fees, events), PERSON weighted most and LOCATION
next, with names of five countries no split drew from. Written without looking at any test split's
errors or templates. Seed 20020 (run.py), and its own templates, hosts, mail domains, brand head
nouns, names and towns:

* names from PyPI `names-dataset==3.3.1` (gen_heldout12.nd_names, as v12-v19) of Bangladesh, Sudan,
  Djibouti, the Maldives and Colombia; minus every name of the tune corpus and of v2-v19's pools
  (compared as ASCII slugs, asserted);
* towns: GeoNames towns (cities5000) of the same countries under 50,000 people, minus v2-v19's;
* templates, hosts, mail domains and brand heads asserted disjoint from v2's-v19's; phrasings
  that turned out to be a test split's were dropped (by a check that reports only their number),
  not rephrased.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs the same
packages as v12.
Usage: gen_heldout20.py OUT.jsonl [--n 2400] [--seed 20020]
"""
import sys

import gen_heldout16
import gen_heldout19

COUNTRIES = ["BD", "SD", "DJ", "MV", "CO"]  # Bangladesh, Sudan, Djibouti, the Maldives, Colombia
# Profile noise among the top ranks of these countries: none was dropped (the pools were not read before the
# first engine run).
NOT_NAMES: set = set()
HEADS = ["crochet hooks", "lantern wicks", "loom shuttles", "bobbin winders", "quilt hoops", "thimble tins",
         "lace pillows", "weaving combs", "tassel makers", "darning eggs", "skein holders", "spindle whorls",
         "felting mats", "embroidery frames", "pattern weights", "ribbon reels"]
HOSTS = ["api.lanternfold.io", "x402.kilnmere.dev", "pay.reedholt.app", "gw.pebblecrag.net", "api.mossgarth.co",
         "svc.thornlea.org", "data.cobbleford.ai", "api.furzebank.run"]
MAIL_DOMAINS = ["bdcom.com.bd", "sudani.sd", "djibnet.dj", "dhivehinet.net.mv", "une.net.co"]
PATHS = ["/lanterns/{id}/glow", "/kilns/{slug}/firings.csv", "/reeds/{n}/holt", "/crags/{id}/pebbles",
         "/receipts/{order}/copy.pdf", "/garths/{uuid}/moss", "/leas/{n}/thorns", "/fords/{slug}/cobbles"]
DESCRIPTIONS = ["Lantern glow log {id}", "Kiln firing export", "Reed holt tally {n}", "Pebble survey",
                "Copy of receipt {order}", "Moss cover series", "Thorn count {n}", "Cobble index {slug}"]
REASONS = ["Billed per firing", "Charged to the household budget", "Within the 3 USDC per-call cap",
           "Task {n}, cover series", "Settled after the 402", "Monthly household plan", "Cleared by policy"]
BENIGN_EXTRAS = ["body digest {digest}",
                 "USDC on polygon", "bundle: Kestrel", "Aisle 9", "client build {version}",
                 "line {n} of the ledger"]
TEXT = {
    "EMAIL_ADDRESS": ["; receipts mailed to <V>", "; parent's email <V>", "; reply-to for the landlord: <V>"],
    "US_SSN": ["; tenant SSN <V>", "; SSN on the lease: <V>", "; guardian's SSN <V>"],
    "CREDIT_CARD": ["; rent card <V>", "; tuition paid with card <V>", "; card held for the stay: <V>"],
    "PHONE_NUMBER": ["; parent's mobile <V>", "; driver's number <V>", "; text the gate code to <V>"],
    "IBAN_CODE": ["; rent IBAN <V>", "; tuition to IBAN: <V>", "; refund IBAN of the guest <V>"],
    "IP_ADDRESS": ["; booking made from <V>", "; session IP <V>"],
    "LOCATION": ["; the flat is in <V>", "; tutor based in <V>", "; ride ended near <V>", "; clinic branch: <V>",
                 "; donation for flood relief in <V>", "; hometown: <V>", "; picked up outside <V>",
                 "; wedding venue near <V>", "; school in <V> (term fees)"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?receipts_to=<V>", "/parents/email/<V>", "?landlord_reply=<V>&v=2"],
    "US_SSN": ["/leases/ssn/<V>", "?guardian_ssn=<V>&y=2026"],
    "CREDIT_CARD": ["?rent_card=<V>", "/bookings/cards/<V>/holds", "?tuition_card=<V>&cur=usd"],
    "PHONE_NUMBER": ["?parent_mobile=<V>", "/drivers/numbers/<V>", "?gate_sms=<V>"],
    "IBAN_CODE": ["?rent_iban=<V>", "/tuition/iban/<V>", "?guest_refund_iban=<V>&cur=eur"],
    "IP_ADDRESS": ["?session_ip=<V>", "/bookings/origin/<V>"],
    "LOCATION": ["?flat_in=<V>", "/tutors/city/<V>", "?ride_end=<V>", "/clinics/<V>/branch", "?hometown=<V>",
                 "/relief/<V>/donate"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"parent":{"email":"<V>"}}', '{"memo":"receipts mailed to <V>"}'],
    "US_SSN": ['{"lease":{"tenant_ssn":"<V>"}}'],
    "CREDIT_CARD": ['{"stay":{"card_held":"<V>"}}', '{"memo":"rent card <V>"}'],
    "PHONE_NUMBER": ['{"parent":{"mobile":"<V>"}}', '{"memo":"driver\'s number <V>"}'],
    "IBAN_CODE": ['{"rent":{"iban":"<V>"}}', '{"memo":"tuition to IBAN: <V>"}'],
    "IP_ADDRESS": ['{"session":{"ip":"<V>"}}', '{"memo":"booking made from <V>"}'],
    "LOCATION": ['{"flat":{"city":"<V>"}}', '{"tutor":{"based_in":"<V>"}}', '{"memo":"ride ended near <V>"}',
                 '{"hometown":"<V>"}', '{"relief":{"region":"<V>"}}'],
}
JSON_MEMOS = ['{"memo":"cover series","trace":"{uuid}"}', '{"line":{n},"done":true}',
              '{"memo":"Monthly household plan"}',
              '{"bundle":"Kestrel","qty":{n}}', '{"memo":"cleared","digest":"{digest}"}']
PERSON_TEXT = ["; tuition for ⟦<F> <L>⟧ (term 2)", "; appointment with Dr. ⟦<L>⟧ confirmed",
               "; donation in honour of ⟦<F> <L>⟧", "; driver ⟦<F>⟧ picked up the parcel",
               "; ⟦<F> <L>⟧ requested a refund", "; tenant ⟦<F> <L>⟧ paid the March rent",
               "; consultation fee, patient ⟦<L>, <F>⟧", "; Dear ⟦<F>⟧, thank you for your order",
               "; gift card for ⟦<F>⟧ from the office", "; case handled by counsel ⟦<F> <L>⟧",
               "; guardian ⟦<F> <L>⟧ signed the form", "; our landlord ⟦<F> <L>⟧ agreed",
               "; rider ⟦<F> <L>⟧ rated the trip", "; recipient ⟦<F> <L>⟧ confirmed delivery",
               "; cc ⟦<F> <L>⟧", "; attn: ⟦<F> <L>⟧, procurement", "; ⟦<F>⟧ paid for the group dinner",
               "; wedding of ⟦<F> <L>⟧", "; sponsored child: ⟦<F> <L>⟧", "; lesson with ⟦<F>⟧ on Tuesday",
               "; ⟦<F> <L>⟧ will pick up the keys", "; invoice addressed to Ms ⟦<L>⟧",
               "; thanks ⟦<F>⟧ for the quick fix", "; class teacher ⟦<F> <L>⟧"]
PERSON_URL = ["/tenants/⟦<f>-<l>⟧/rent", "?guardian=⟦<F>+<L>⟧", "/riders/⟦<f>_<l>⟧/ratings",
              "?attention_of=⟦<F>%20<L>⟧", "/tuition/⟦<l>-<f>⟧/term-2", "?counsel=⟦<L>⟧", "/weddings/⟦<f>-<l>⟧/gifts",
              "?teacher=⟦<F>⟧"]
PERSON_JSON = ['{"tenant":{"full_name":"⟦<F> <L>⟧"}}', '{"guardian":"⟦<F> <L>⟧"}', '{"driver":{"name":"⟦<F>⟧"}}',
               '{"memo":"tuition for ⟦<F> <L>⟧"}', '{"landlord":{"contact":"⟦<F> <L>⟧"}}']
BRAND_TEXT = ["; crafts by <B>", "; stocked from <B>", "; wholesale via <B>", "; crafted under licence by <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 4, "LOCATION": 2}


earlier_names, earlier_cities, earlier_modules = gen_heldout16.after(gen_heldout19)


def main():
    gen_heldout16.run(sys.modules[__name__], "v20", 20020)


CITIES: list = []

if __name__ == "__main__":
    main()
