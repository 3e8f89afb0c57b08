#!/usr/bin/env python3
"""Held-out split v23 of our corpus: an eighth fresh DEV split (its errors may be read), around
tips, donations and local services.

Agents tip creators and streamers, give to local causes and mutual-aid funds, pay for services
booked online (tutors, cleaners, mechanics, dog walkers, home repairs), send parcels through
lockers and couriers and answer neighbourhood classifieds; the metadata says who was tipped, who
organised the fundraiser, who did the job, where the job was, where the locker or pickup is and
where the cause is based. v23 writes that, PERSON weighted most and LOCATION next, with names of
five countries no split drew from. Written without looking at any test split's errors or
templates, nor at the engine. Seed 23023 (run.py), and its own templates, hosts, mail domains,
brand head nouns, names and towns:

* names from PyPI `names-dataset==3.3.1` (gen_heldout12.nd_names, as v12-v22) of Libya, Singapore,
  Iran, Hong Kong and Israel; minus every name of the tune corpus and of v2-v22's pools (compared
  as ASCII slugs, asserted), and minus the profile noise in NOT_NAMES (Czech names the dataset
  also ranks under Iran, pet forms, words, towns). No earlier split drew names from these
  countries: the names-dataset splits' COUNTRIES and the Faker splits' locales are asserted apart
  (`split_gen.assert_locales_apart`, which reports a clash by its number only);
* towns: GeoNames towns (cities5000) of the same countries under 50,000 people, minus v2-v22's;
* templates, hosts, mail domains and brand heads asserted disjoint from v2's-v22's; phrasings
  that turned out to be a test split's were dropped (by a check that reports only their number),
  not rephrased.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs the same
packages as v12.
Usage: gen_heldout23.py OUT.jsonl [--n 2400] [--seed 23023]
"""
import sys

import gen_heldout16
import gen_heldout22
import split_gen

COUNTRIES = ["LY", "SG", "IR", "HK", "IL"]  # Libya, Singapore, Iran, Hong Kong, Israel
# Profile noise among the top ranks of these countries (read once, before any engine run): Czech names that
# names-dataset ranks under Iran too (each ranked higher in its Czech list than in the Iranian one; v2 drew from
# cs_CZ), pet forms (`Fafa`, `Jeje`, `Koka`), words and nicknames (`Apple`, `Happy`, `Smile`, `Qween`, `Dosa`,
# `Tamil`, `Bunda`: Indonesian for mother) and towns taken for surnames (`Tripoli`, `Misurata`, `Zawia`).
NOT_NAMES = {"anet", "anička", "apple", "barbora", "bee", "bobo", "bofa", "bunda", "cat", "chinna", "dagmar", "dee",
             "derna", "dita", "dode", "dosa", "dáša", "fafa", "fafe", "fafy", "fefe", "fofa", "fun", "gege", "haj",
             "hanka", "happy", "hoho", "honey", "honza", "jarda", "jarka", "jeje", "jirka", "jitka", "jiří", "kaka",
             "kaki", "katka", "kačka", "koka", "koke", "kuba", "květa", "libyan", "lole", "loly", "lucka", "mam",
             "michala", "miloslava", "miluše", "mirek", "mirka", "misurata", "moon", "míša", "nice", "novotná",
             "novotný", "ondra", "pepa", "popo", "pája", "qween", "radka", "rain", "rainbow", "sand", "sirt", "sky",
             "smile", "snow", "summer", "sweet", "tamil", "terezka", "terka", "tiger", "top", "tripoli", "verča",
             "vladimíra", "vlaďka", "vojta", "vojtěch", "yoyo", "zawia", "zdena", "zeze", "zuzka", "černý", "šárka",
             "žaneta"}
HEADS = ["grout floats", "tyre levers", "caulking guns", "drain augers", "stud finders", "putty spreaders",
         "mop wringers", "boot trays", "dog leashes", "paint kettles", "sink plungers", "gutter scoops",
         "squeegee heads", "hose reels", "leaf rakes", "window squeegees"]
HOSTS = ["api.tipjarrow.io", "x402.kerbstone-lane.dev", "pay.lockerwynd.app", "gw.mutualheath.net",
         "api.chorebrook.co", "svc.noticeyard.org", "data.errandfold.ai", "api.cheerwharf.run"]
MAIL_DOMAINS = ["ltt.ly", "singnet.com.sg", "chmail.ir", "netvigator.com", "walla.co.il"]
PATHS = ["/tip-jars/{id}/ledger", "/fundraisers/{slug}/progress", "/locker-banks/{n}/slots",
         "/service-bookings/{order}/invoice", "/streams/{uuid}/cheers", "/noticeboard/{n}/listing",
         "/chores/{id}/quote", "/mutual-aid/{slug}/pot"]
DESCRIPTIONS = ["Tip jar ledger {id}", "Fundraiser progress export", "Locker bank slots {n}",
                "Service booking invoice {order}", "Stream cheers tally", "Noticeboard listing {n}",
                "Chore quote {id}", "Mutual-aid pot {slug}"]
REASONS = ["Tipped per stream", "Taken from the household giving budget", "Under the 3 USDC tip ceiling",
           "Gift {n}, spring appeal", "Sent after the 402 came back", "Monthly giving pledge",
           "Cleared by the neighbourhood spend rules"]
BENIGN_EXTRAS = ["tip transfer {txhash}", "locker digest {digest}", "polygon mainnet (137)", "USDC on base-sepolia",
                 "jar: Sparrow", "Locker bank 3", "giving schema 5", "slot {n} of the locker bank",
                 "cheer id {uuid}"]
TEXT = {
    "EMAIL_ADDRESS": ["; gift receipt emailed to <V>", "; the tutor books lessons through <V>",
                      "; creator's business inbox <V>"],
    "US_SSN": ["; donor SSN for the deduction letter: <V>", "; handyman's SSN (1099-NEC) <V>",
               "; cleaner gave SSN <V> on the W-9"],
    "CREDIT_CARD": ["; tip charged to card <V>", "; callout fee paid on <V>", "; monthly gift from card <V>"],
    "PHONE_NUMBER": ["; locker code texted to <V>", "; mechanic's mobile <V>", "; ring the walker on <V>"],
    "IBAN_CODE": ["; appeal payout IBAN <V>", "; plumber asked to be paid to <V>", "; mutual-aid pot account <V>"],
    "IP_ADDRESS": ["; tip sent from IP <V>", "; gift page opened from <V>", "; booking app session at <V>"],
    "LOCATION": ["; parcel locker at the <V> petrol station", "; fundraiser for the animal shelter in <V>",
                 "; the job was in <V>, two visits", "; courier collected it from <V>",
                 "; mutual-aid fund based in <V>", "; tutoring at the public library in <V>",
                 "; dog walks around <V> on weekdays", "; <V> community kitchen appeal",
                 "; pickup: <V>, locker 14", "; sofa to be collected in <V>",
                 "; covers <V> and nearby villages", "; streaming live from <V> tonight",
                 "; callout fee applies outside <V>", "; boiler serviced at a flat near <V>"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?gift_receipt_to=<V>", "/tutors/inbox/<V>", "?creator_inbox=<V>&src=stream"],
    "US_SSN": ["/contractors/<V>/w9", "?donor_ssn=<V>&form=letter"],
    "CREDIT_CARD": ["?tip_card=<V>", "/callout-fees/card/<V>"],
    "PHONE_NUMBER": ["?locker_sms=<V>", "/walkers/mobile/<V>"],
    "IBAN_CODE": ["?appeal_payout_iban=<V>", "/mutual-aid/accounts/<V>"],
    "IP_ADDRESS": ["?tip_origin_ip=<V>", "/gift-sessions/<V>"],
    "LOCATION": ["?locker_area=<V>", "/causes/<V>/donate", "?job_town=<V>&visit=1", "/noticeboard/<V>/furniture",
                 "?collect_from=<V>", "/cleaners/near/<V>", "?covers=<V>&radius=3km"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"gift":{"receipt_email":"<V>"}}', '{"memo":"creator\'s business inbox <V>"}'],
    "US_SSN": ['{"contractor":{"w9":{"ssn":"<V>"}}}'],
    "CREDIT_CARD": ['{"tip":{"card_number":"<V>"}}', '{"memo":"callout fee paid on <V>"}'],
    "PHONE_NUMBER": ['{"locker":{"sms_to":"<V>"}}', '{"memo":"ring the walker on <V>"}'],
    "IBAN_CODE": ['{"appeal":{"payout_iban":"<V>"}}', '{"memo":"plumber asked to be paid to <V>"}'],
    "IP_ADDRESS": ['{"tip":{"origin_ip":"<V>"}}', '{"memo":"gift page opened from <V>"}'],
    "LOCATION": ['{"locker":{"site":"<V>"}}', '{"cause":{"based_in":"<V>"}}', '{"job":{"address":{"town":"<V>"}}}',
                 '{"memo":"dog walks around <V> on weekdays"}', '{"listing":{"area":"<V>"}}',
                 '{"courier":{"pickup_point":"<V>"}}'],
}
JSON_MEMOS = ['{"memo":"spring appeal","cheer":"{uuid}"}', '{"slot":{n},"collected":true}',
              '{"memo":"Monthly giving pledge"}', '{"jar":"Sparrow","tips":{n}}',
              '{"memo":"cleared","locker_digest":"{digest}"}']
PERSON_TEXT = ["; tipped ⟦<F> <L>⟧ 2 USDC for the live set", "; ⟦<F> <L>⟧ organised the fundraiser for the clinic",
               "; cleaner this week: ⟦<F>⟧", "; the tutor, ⟦<F> <L>⟧, stayed an extra half hour",
               "; gift matched by ⟦<F> <L>⟧'s family", "; dog walked by ⟦<F>⟧ (Tue/Thu)",
               "; mechanic ⟦<L>⟧ replaced the brake pads", "; courier ⟦<F> <L>⟧ left it in locker {n}",
               "; pay ⟦<L>, <F>⟧ for the gutter repair", "; thank you from ⟦<F>⟧ and the pantry volunteers",
               "; crew: ⟦<F> <L>⟧ plus one helper", "; listing posted by ⟦<F>⟧ (sofa, free to collect)",
               "; kudos to ⟦<F> <L>⟧ for fixing the leak", "; piano lessons with ⟦<F> <L>⟧, 4 of 10",
               "; given in memory of ⟦<F> <L>⟧", "; rated ⟦<F>⟧ five stars after the deep clean",
               "; raised for ⟦<F> <L>⟧'s surgery", "; tutor ⟦<L> <F>⟧ (maths, family name first)",
               "; dog walkers on the rota: the Saturday team and ⟦<F>⟧", "; parcel for ⟦<I>. <L>⟧, flat 3",
               "; ⟦<F> <L>⟧ tipped the channel twice", "; ⟦<F>⟧'s mutual-aid round, week {n}",
               "; handed over to ⟦<f> <l>⟧ at the door", "; painter booked: ⟦<F> <L>⟧, Sat 9-12",
               "; cheers go to ⟦<F>⟧ for the cover song"]
PERSON_URL = ["/creators/⟦<f><l>⟧/tip", "?tip_to=⟦<F>+<L>⟧&amount=3", "/fundraisers/organised-by/⟦<f>-<l>⟧",
              "?walker=⟦<F>⟧&slot=am", "/tutors/⟦<l>-<f>⟧/sessions", "?organiser=⟦<F>%20<L>⟧",
              "/parcels/{n}/recipient/⟦<f>.<l>⟧", "?in_memory_of=⟦<F>+<L>⟧", "/streams/⟦<f>_<l>⟧/cheers"]
PERSON_JSON = ['{"tip":{"creator":"⟦<F> <L>⟧","amount":"2.00"}}', '{"fundraiser":{"organiser":"⟦<F> <L>⟧"}}',
               '{"booking":{"provider":{"first_name":"⟦<F>⟧"}}}', '{"memo":"thanks ⟦<F>⟧ for the deep clean"}',
               '{"parcel":{"recipient":"⟦<L>, <F>⟧"}}', '{"donors":["anonymous","⟦<F> <L>⟧"]}',
               '{"memo":"⟦<F> <L>⟧ fixed the boiler, paid in full"}', '{"job":{"done_by":"⟦<F> <L>⟧","rating":5}}']
BRAND_TEXT = ["; tools from <B>", "; the kit came from <B>", "; promo code courtesy of <B>", "; sponsorship: <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 4, "LOCATION": 3}
earlier_names, earlier_cities, earlier_modules = gen_heldout16.after(gen_heldout22)


def main():
    split_gen.assert_locales_apart(sys.modules[__name__], earlier_modules())
    gen_heldout16.run(sys.modules[__name__], "v23", 23023)


CITIES: list = []

if __name__ == "__main__":
    main()
