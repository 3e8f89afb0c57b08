#!/usr/bin/env python3
"""Held-out split v17 of our corpus: a second fresh DEV split (its errors may be read).

Written right after v16's first round, for the same reason (the older dev splits no longer show
what the test splits miss) and without looking at any test split's errors or templates. Seed
17017 (run.py), and its own templates, hosts, mail domains, brand head nouns, names and towns:

* names from PyPI `names-dataset==3.3.1` (gen_heldout12.nd_names, as v12-v16) of five countries no
  earlier split drew names from: Nigeria, Indonesia, Honduras, Lebanon and Iraq; minus every name
  of the tune corpus and of v2-v16's pools (compared as ASCII slugs, asserted);
* towns: GeoNames towns (cities5000) of the same countries under 50,000 people, minus v2-v16's;
* templates, hosts, mail domains and brand heads asserted disjoint from v2's-v16's. Phrasings
  none of the earlier splits write: names for the attention of, nominees and guardians,
  households, a name that introduces itself (`Kofi here, please retry`), names in list-valued JSON; towns as hubs,
  delivery zones and departure points.

Three phrasings first written for v17 (`courtesy of`, a passenger written `SURNAME/Given`, `split
three ways with`) turned out, through the disjointness assert, to be phrasings of the test splits
v4, v6 and v11; they were dropped from v17, not rephrased, so that no rule is tuned on them.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs the same
packages as v12.
Usage: gen_heldout17.py OUT.jsonl [--n 2400] [--seed 17017]
"""
import sys

import gen_heldout16

COUNTRIES = ["NG", "ID", "HN", "LB", "IQ"]  # Nigeria, Indonesia, Honduras, Lebanon, Iraq
# Profile noise among the top ranks of these countries (read once, before any engine run): pet forms,
# handles and joined names (`Catrachita`, `Frefire`, `Jorgealberto`, `Mhiz`), words (`Clasificados`,
# `Coleccion`, `Huellitas`, `Sport`, `Flower`, `Kurdish`), titles (`Engr`, `Alhaji`, `Haji`, `Raden`), and
# towns taken for surnames (`Zaxo`, `Slemani`, `Kirkuki`).
NOT_NAMES = {"catrachita", "catrachito", "catracho", "clasificados", "coleccion", "colocha", "colochita",
             "frefire", "huellitas", "jorgealberto", "mhiz", "itz", "kcha", "kwra", "engr", "alhaji", "haji",
             "raden", "ratu", "trigeñito", "roro", "lolo", "meme", "mimo", "koko", "jojo", "loulou", "zouzou",
             "sousou", "mido", "moudi", "hamoudi", "aboudi", "bang", "moch", "sport", "flower", "gold", "kurdish",
             "monday", "friday", "zaxo", "zaxoy", "slemani", "slemany", "kirkuki", "karkuki", "duhoki", "aliraqi",
             "xam", "xan", "rash", "abd", "abo", "abou", "shex", "hama", "ail", "gull"}
HEADS = ["watering cans", "nutmeg graters", "sewing kits", "lunch boxes", "candle snuffers", "fob hooks",
         "jam jars", "plate racks", "straw bonnets", "rope ladders", "snow globes", "drawer knobs", "clothes brushes",
         "sieve sets", "fly whisks", "picture hooks", "mug trees", "dust pans", "bath mats", "spoon rests"]
HOSTS = ["api.saltpanworks.io", "x402.fernhollow.dev", "pay.cinderpath.app", "gw.hopyard.net", "api.weirgate.co",
         "svc.barrowdown.org", "data.linnetfield.ai", "api.sluicebox.run"]
MAIL_DOMAINS = ["nigerianmail.ng", "telkom.net.id", "hondutel.hn", "idm.net.lb", "uruklink.iq"]
PATHS = ["/saltpans/{id}/brine", "/hollows/{slug}/ferns", "/cinders/{n}/heat.csv", "/hopyards/{id}/harvest",
         "/invoices/{order}/copy.pdf", "/weirs/{uuid}/flow", "/barrows/{n}/survey", "/linnets/{slug}/counts"]
DESCRIPTIONS = ["Brine density {id}", "Fern census", "Cinder heat log {n}", "Hop harvest totals",
                "Invoice copy {order}", "Weir flow series", "Barrow survey {n}", "Linnet counts {slug}"]
REASONS = ["Billed per census", "Charged to the lab grant", "Within the 5 USDC daily cap", "Run {n}, flow series",
           "The retry carried the payment header", "Annual plan", "Passed the budget check"]
BENIGN_EXTRAS = ["trace id: {uuid}", "cost {amount} base units", "onchain tx {txhash}", "payee address {evm}",
                 "file sha256 {digest}", "expires at {tsms}", "sepolia", "settled with USDC", "bundle: Meadow",
                 "Dock 9", "client lib {version}", "sheet row {n}"]
TEXT = {
    "EMAIL_ADDRESS": ["; statement copy to <V>", "; finance inbox <V>", "; write back to <V>"],
    "US_SSN": ["; W-4 SSN <V>", "; SSN on the payroll file: <V>", "; contractor SSN is <V>"],
    "CREDIT_CARD": ["; settled on card <V>", "; corporate card <V>", "; card used for the top-up: <V>"],
    "PHONE_NUMBER": ["; WhatsApp line for receipts <V>", "; reach the rider at <V>", "; SMS alerts to <V>"],
    "IBAN_CODE": ["; settle into IBAN <V>", "; supplier's IBAN: <V>", "; IBAN (refunds) <V>"],
    "IP_ADDRESS": ["; the caller's IP was <V>", "; address now blocked <V>", "; seen from host <V>"],
    "LOCATION": ["; delivery zone <V>", "; hub: <V>", "; departing <V> at 9:40", "; parcel held in <V> for pickup"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?statement_copy=<V>", "/inboxes/<V>/finance", "?write_back=<V>&fmt=txt"],
    "US_SSN": ["?ssn_w4=<V>", "/contractors/ssn/<V>", "?payroll_ssn=<V>&y=2025"],
    "CREDIT_CARD": ["?settle_card=<V>", "/corporate-cards/<V>/limits", "?topup_card=<V>&cur=usd"],
    "PHONE_NUMBER": ["?whatsapp_line=<V>", "/riders/phone/<V>", "?alerts_to=<V>"],
    "IBAN_CODE": ["?iban_settle=<V>", "/supplier-ibans/<V>", "?refund_iban=<V>&cur=eur"],
    "IP_ADDRESS": ["?ip_of_caller=<V>", "/blocked/<V>/hits", "?host_seen=<V>"],
    "LOCATION": ["?zone=<V>", "/hubs/<V>/parcels", "?departing=<V>&t=0940"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"statement":{"copy":"<V>"}}', '{"note":"write back to <V>"}'],
    "US_SSN": ['{"contractor_tax":{"ssn":"<V>"}}', '{"note":"SSN on the payroll file: <V>"}'],
    "CREDIT_CARD": ['{"topup":{"card":"<V>"}}', '{"note":"corporate card <V>"}'],
    "PHONE_NUMBER": ['{"wa":{"number":"<V>"}}', '{"note":"reach the rider at <V>"}'],
    "IBAN_CODE": ['{"settle":{"iban":"<V>"}}', '{"note":"supplier\'s IBAN: <V>"}'],
    "IP_ADDRESS": ['{"caller":{"ip":"<V>"}}', '{"note":"address now blocked <V>"}'],
    "LOCATION": ['{"hub":"<V>"}', '{"note":"departing <V> at 9:40"}'],
}
JSON_MEMOS = ['{"note":"flow series","trace":"{uuid}"}', '{"row":{n},"passed":true}', '{"note":"Annual plan"}',
              '{"bundle":"Meadow","left":{n}}', '{"note":"checked","sha256":"{digest}"}']
PERSON_TEXT = ["; for the attention of ⟦<F> <L>⟧", "; nominee: ⟦<F> <L>⟧",
               "; guardian ⟦<F> <L>⟧ consented", "; ⟦<L>⟧ household, unit {n}",
               "⟦<F>⟧ here, please retry", "; cc ⟦<F> <L>⟧ on the receipt", "; ⟦<F>⟧'s wallet topped up",
               "; signed, ⟦<F> <L>⟧",
               "; the customer (⟦<F> <L>⟧) disputed the charge", "; sent by ⟦<F>⟧ from mobile",
               "; ⟦<F> <L>⟧ asked us to hold the order", "; new subscriber: ⟦<F> <L>⟧",
               "; refund owed to ⟦<F>⟧", "; charged to ⟦<F> <L>⟧'s corporate card", "; mentioned ⟦<F>⟧ in the thread",
               "; landlord ⟦<L>⟧ wants the deposit", "; the rider ⟦<F>⟧ rated 5 stars", "; per ⟦<F>⟧"]
PERSON_URL = ["/wallets/⟦<f>.<l>⟧/topup", "?attn=⟦<F>%20<L>⟧", "/subscribers/⟦<f>-<l>⟧", "?nominee=⟦<F>+<L>⟧",
              "/households/⟦<l>⟧/units", "?guardian=⟦<f>_<l>⟧", "/u/⟦<f>⟧/receipts"]
PERSON_JSON = ['{"attention":"⟦<F> <L>⟧"}', '{"nominee":{"name":"⟦<F> <L>⟧"}}',
               '{"cc":["⟦<F> <L>⟧"]}', '{"household":"⟦<L>⟧"}', '{"from":"⟦<F>⟧","via":"mobile"}']
BRAND_TEXT = ["; produced by <B>", "; wholesaler <B>", "; back in stock at <B>", "; under licence from <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 1}


earlier_names, earlier_cities, earlier_modules = gen_heldout16.after(gen_heldout16)


def main():
    gen_heldout16.run(sys.modules[__name__], "v17", 17017)


CITIES: list = []

if __name__ == "__main__":
    main()
