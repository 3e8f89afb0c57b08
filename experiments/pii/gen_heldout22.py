#!/usr/bin/env python3
"""Held-out split v22 of our corpus: a seventh fresh DEV split (its errors may be read), around
expense reports, travel receipts and marketplace orders.

Agents file expenses, book travel and buy from marketplaces on someone's behalf; the metadata says
who travelled, who hosted, who sold, where the goods came from and where the receipt was issued.
v22 writes that, PERSON weighted most and LOCATION next, with names of five countries no split drew
from. Written after the probe-led round of 2026-12-05 and without looking at any test split's
errors or templates. Seed 22022 (run.py), and its own templates, hosts, mail domains, brand head
nouns, names and towns:

* names from PyPI `names-dataset==3.3.1` (gen_heldout12.nd_names, as v12-v21) of Algeria,
  Turkmenistan, Brunei, Lithuania and Mexico; minus every name of the tune corpus and of v2-v21's
  pools (compared as ASCII slugs, asserted);
* towns: GeoNames towns (cities5000) of the same countries under 50,000 people, minus v2-v21's;
* templates, hosts, mail domains and brand heads asserted disjoint from v2's-v21's; phrasings
  that turned out to be a test split's were dropped (by a check that reports only their number),
  not rephrased.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs the same
packages as v12.
Usage: gen_heldout22.py OUT.jsonl [--n 2400] [--seed 22022]
"""
import sys

import gen_heldout16
import gen_heldout21

COUNTRIES = ["DZ", "TM", "BN", "LT", "MX"]  # Algeria, Turkmenistan, Brunei, Lithuania, Mexico
# Profile noise among the top ranks of these countries: none was dropped (the pools were not read before the
# first engine run).
NOT_NAMES: set = set()
HEADS = ["warping boards", "tatting shuttles", "thimble cases", "tatting hooks", "quilting frames", "niddy noddies",
         "tapestry beaters", "pin cushions", "seam rippers", "bias tapes", "hem gauges", "spool racks",
         "knitting gauges", "felting pads", "crochet kits", "lace bobbins"]
HOSTS = ["api.spindlewick.io", "x402.loomhollow.dev", "pay.thimbleford.app", "gw.bobbinreach.net",
         "api.quiltmere.co", "svc.yarnsett.org", "data.warpfield.ai", "api.weftbarrow.run"]
MAIL_DOMAINS = ["djaweb.dz", "online.tm", "brunet.bn", "takas.lt", "prodigy.net.mx"]
PATHS = ["/spindles/{id}/wick", "/looms/{slug}/hollow.csv", "/thimbles/{n}/ford", "/bobbins/{id}/reach",
         "/expense-reports/{order}/summary.pdf", "/quilts/{uuid}/mere", "/setts/{n}/yarn", "/wefts/{slug}/barrow"]
DESCRIPTIONS = ["Spindle wick log {id}", "Loom hollow export", "Thimble ford count {n}", "Bobbin reach audit",
                "Expense summary {order}", "Quilt mere series", "Yarn sett batch {n}", "Weft barrow index {slug}"]
REASONS = ["Reimbursable under the travel policy", "Charged to the events budget", "Below the 5 USDC receipt cap",
           "Claim {n}, travel series", "Paid after the second 402", "Quarterly expenses plan",
           "Cleared by the spend rules"]
BENIGN_EXTRAS = ["chain tx {txhash}", "receipt digest {digest}",
                 "base mainnet (8453)", "USDC on arbitrum", "kit: Falcon", "Dock 7", "expense schema 4",
                 "line {n} of the claim"]
TEXT = {
    "EMAIL_ADDRESS": ["; expense receipts forwarded to <V>", "; the host's mailbox is <V>", "; cc'd <V> on the claim"],
    "US_SSN": ["; claimant SSN on the W-9: <V>", "; traveller's SSN <V>", "; SSN (last filed) <V>"],
    "CREDIT_CARD": ["; corporate card ending in full: <V>", "; paid with card <V> at checkout",
                    "; card on the folio <V>"],
    "PHONE_NUMBER": ["; hotel front desk called from <V>", "; the cab driver's cell <V>", "; host reachable on <V>"],
    "IBAN_CODE": ["; reimburse to IBAN <V>", "; seller payout account <V>", "; per diem sent to <V>"],
    "IP_ADDRESS": ["; booking made from IP <V>", "; checkout session ip <V>", "; claim submitted via <V>"],
    "LOCATION": ["; taxi from the airport to <V>", "; two nights at a guesthouse in <V>", "; conference venue: <V>",
                 "; mileage claimed for the drive to <V>", "; supplier warehouse is located in <V>",
                 "; the seller ships from <V>", "; receipt issued in <V>", "; per diem rate for <V>",
                 "; team offsite held near <V>", "; handwoven in <V>"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?expense_receipts_to=<V>", "/claim-mailboxes/<V>", "?host_email=<V>&lang=es"],
    "US_SSN": ["/claimants/ssn/<V>/w9", "?traveller_ssn=<V>"],
    "CREDIT_CARD": ["?folio_card=<V>", "/corporate-cards/<V>/statements"],
    "PHONE_NUMBER": ["?cab_driver_cell=<V>", "/hosts/phone/<V>"],
    "IBAN_CODE": ["?reimburse_iban=<V>", "/sellers/payout/<V>"],
    "IP_ADDRESS": ["?booking_ip=<V>", "/sessions/ip/<V>"],
    "LOCATION": ["?trip_destination=<V>", "/per-diem/<V>/rates", "?venue_town=<V>&day=2", "/guesthouses/<V>/folio",
                 "?origin_town=<V>", "/offsites/<V>/agenda"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"claim":{"forward_to":"<V>"}}', '{"memo":"cc\'d <V> on the claim"}'],
    "US_SSN": ['{"claimant":{"w9_ssn":"<V>"}}'],
    "CREDIT_CARD": ['{"folio":{"card":"<V>"}}', '{"memo":"paid with card <V> at checkout"}'],
    "PHONE_NUMBER": ['{"cab":{"driver_cell":"<V>"}}', '{"memo":"host reachable on <V>"}'],
    "IBAN_CODE": ['{"reimburse":{"iban":"<V>"}}', '{"memo":"per diem sent to <V>"}'],
    "IP_ADDRESS": ['{"booking":{"ip":"<V>"}}', '{"memo":"claim submitted via <V>"}'],
    "LOCATION": ['{"trip":{"destination":"<V>"}}', '{"stay":{"town":"<V>"}}', '{"memo":"receipt issued in <V>"}',
                 '{"seller":{"ships_from":"<V>"}}', '{"offsite":{"near":"<V>"}}'],
}
JSON_MEMOS = ['{"memo":"travel series","trace":"{uuid}"}', '{"line":{n},"approved":true}',
              '{"memo":"Quarterly expenses plan"}', '{"kit":"Falcon","left":{n}}',
              '{"memo":"cleared by rules","receipt_digest":"{digest}"}']
PERSON_TEXT = ["; traveller: ⟦<F> <L>⟧", "; hosted by ⟦<F> <L>⟧ at the client site", "; dinner with ⟦<F> <L>⟧ (client)",
               "; expense owner ⟦<F> <L>⟧", "; ⟦<F> <L>⟧ flew economy as per policy", "; guest of ⟦<F>⟧",
               "; sold by ⟦<F> <L>⟧ via the marketplace", "; passenger name ⟦<L>/<F>⟧",
               "; claim raised by ⟦<F>⟧", "; ⟦<F>⟧'s taxi home after the event", "; met ⟦<F> <L>⟧ for lunch",
               "; reimbursement approved by ⟦<F> <L>⟧", "; room booked for ⟦<F> <L>⟧, two nights",
               "; mileage driven by ⟦<F>⟧", "; artisan: ⟦<F> <L>⟧", "; the seller ⟦<F> <L>⟧ confirmed dispatch",
               "; on the folio: ⟦<L>, <F>⟧", "; meal for 3 incl. ⟦<F> <L>⟧", "; receipt made out to ⟦<F> <L>⟧",
               "; thanks again ⟦<F>⟧!"]
PERSON_URL = ["?traveller=⟦<F>+<L>⟧", "/expense-owners/⟦<f>-<l>⟧/claims", "?hosted_by=⟦<F>%20<L>⟧",
              "/artisans/⟦<f>_<l>⟧/listings", "?passenger=⟦<L>%2F<F>⟧", "/claimants/⟦<f>.<l>⟧/history"]
PERSON_JSON = ['{"traveller":{"name":"⟦<F> <L>⟧"}}', '{"host":"⟦<F> <L>⟧"}', '{"seller":{"display_name":"⟦<F> <L>⟧"}}',
               '{"memo":"dinner with ⟦<F> <L>⟧ (client)"}', '{"passenger":{"surname":"⟦<L>⟧"}}',
               '{"expense":{"owner":"⟦<F> <L>⟧"}}', '{"attendees":["⟦<F> <L>⟧"]}']
BRAND_TEXT = ["; woven for <B>", "; restocked via <B>", "; wholesale order with <B>", "; listing by <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 4, "LOCATION": 3}


earlier_names, earlier_cities, earlier_modules = gen_heldout16.after(gen_heldout21)


def main():
    gen_heldout16.run(sys.modules[__name__], "v22", 22022)


CITIES: list = []

if __name__ == "__main__":
    main()
