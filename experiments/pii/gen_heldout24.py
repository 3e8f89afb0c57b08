#!/usr/bin/env python3
"""Held-out split v24 of our corpus: a ninth fresh DEV split (its errors may be read), around
appointments, bookings, memberships and ticketing bought by agents.

Agents book clinic, dentist, physio and salon appointments, fitness classes and coaching sessions,
buy concert and event tickets, hold coworking desks and meeting rooms, pay language-course and exam
fees, renew club and association memberships, invite people to SaaS seats and look accounts up, and
print return labels; the metadata says who the appointment, ticket or seat is for, who the
practitioner, instructor or host is, who referred or invited them, where the venue, branch or clinic
is and where a parcel returns from. v24 writes that, PERSON weighted most and LOCATION next, with
names of five countries no split drew from, and with the names in many grammatical positions
(subject, object, possessive, apposition, lists, after many prepositions, in brackets, at the start
or end of a field, key: value lines, slugs and query values, JSON under varied keys). Written
without looking at any test split's errors or templates, nor at the engine. Seed 24024 (run.py),
and its own templates, hosts, mail domains, brand head nouns, names and towns:

* names from PyPI `names-dataset==3.3.1` (gen_heldout12.nd_names, as v12-v23) of the Palestinian
  territories, Jordan, Syria, Cyprus and Bahrain (of the countries names-dataset ranks, only these,
  the other Gulf states and Macau were still free of every earlier split); minus every name of the
  tune corpus and of v2-v23's pools (compared as ASCII slugs, asserted), and minus the profile noise
  in NOT_NAMES. No earlier split drew names from these countries: the names-dataset splits'
  COUNTRIES and the Faker splits' locales are asserted apart (`split_gen.assert_locales_apart`,
  which reports a clash by its number only);
* towns: GeoNames towns (cities5000) of the same countries under 50,000 people, minus v2-v23's;
* templates, hosts, mail domains and brand heads asserted disjoint from v2's-v23's; phrasings
  that turned out to be a test split's were dropped (by a check that reports only their number),
  not rephrased.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs the same
packages as v12.
Usage: gen_heldout24.py OUT.jsonl [--n 2400] [--seed 24024]
"""
import sys

import gen_heldout16
import gen_heldout23
import split_gen

COUNTRIES = ["PS", "JO", "SY", "CY", "BH"]  # the Palestinian territories, Jordan, Syria, Cyprus, Bahrain
# Profile noise among the top ranks of these countries (read once, before any engine run; the pools are taken in
# this order, so a name shared by two countries is read where it comes first):
# * Hebrew and Russian names that names-dataset ranks under the Palestinian territories too (profiles from Israel,
#   which v23 drew from), and Tigrinya and Amharic names (migrant profiles from the Horn of Africa);
# * Bangladeshi names ranked higher in its Bangladesh list than in the Bahraini one (v20 drew from Bangladesh).
#   The other South Asian names it ranks under Bahrain (expatriate profiles, for which names-dataset has no list to
#   compare with) are kept, as v23 kept the Tamil and Burmese names it ranks under Singapore;
# * pet forms (`Hamoodeh`, `Ranoosh`, `Zeze`), spellings typed without vowels (`Mhmod`, `Slman`, `Mjd`), words,
#   titles and kinship words (`Lawyer`, `Star`, `Amen`, `Bint`, `Bhai`, `Mian`, `Mulla`, `Haj`, the kunya
#   `Abo Ali`), and towns and demonyms taken for names (`Homs`, `Hama`, `Lattakia`, `Rafah`, `Kannur`, `Syrian`).
NOT_NAMES = {
    # Hebrew and Russian (Israeli profiles)
    "adar", "adir", "adva", "agam", "aliza", "almog", "alona", "amnon", "anatoly", "ariela", "arik", "arnon",
    "asher", "asi",
    "avia", "aviad", "aviel", "avigail", "aviram", "avishag", "avishay", "avital", "aviva", "avivit", "avner",
    "bachar", "batel", "beni", "carmit", "chaim", "coral", "dafna", "dagan", "dalit", "danit", "dikla", "dmitry",
    "dolev", "dorit", "dov", "dror", "dudi", "dvora", "efi", "ehud", "einat", "einav", "eitan", "eldad", "eliav",
    "elinor", "elior", "eliran", "eliya", "evgeni", "evgeny", "evyatar", "gadi", "gali", "galia", "gavriel", "gila",
    "gilad", "gili", "goldman", "goldstein", "hagai", "hava", "hen", "hezi", "hilla", "hodaya", "idit", "ifat",
    "igal", "ilanit", "ilay", "ilya", "itai", "itamar", "jenia", "jenya", "katya", "kfir", "kogan", "koral", "liad",
    "liav", "lidor", "liel", "lihi", "lilach", "linoy", "liora", "liran", "liraz", "luda", "maxim", "mazal",
    "meirav", "menachem", "meni", "meytal", "micha", "michaeli", "mirit", "misha", "moria", "moshiko", "nagar",
    "nahum", "naor", "netanel", "netta", "nili", "nimrod", "nirit", "nisim", "nissim", "niv", "noga", "noya",
    "nurit", "oded", "odelia", "ofra", "ofri", "ohad", "ophir", "orel", "orian", "orli", "orna", "osher", "oshrat",
    "oshri", "osnat", "ovadia", "peleg", "pini", "pnina", "racheli", "ravid", "ravit", "refael", "reuven", "riki",
    "rivka", "roee", "roei", "roey", "roi", "rom", "ruti", "sagi", "sasson", "segev", "shachar", "shahaf", "shaked",
    "shany", "shimi", "shimrit", "shiraz", "shirel", "shiri", "shirly", "shlomit", "shlomo", "shmuel", "shmulik",
    "shon", "shosh", "shoshana", "shoshi", "shoval", "sigalit", "smadar", "snir", "stas", "stern", "tair", "talya",
    "tami", "tamir", "tehila", "tova", "turgeman", "udi", "uzi", "vika", "viki", "vitaly", "vova", "yaara", "yafa",
    "yaffa", "yafit", "yahav", "yakir", "yamit", "yarin", "yariv", "yehonatan", "yehuda", "yehudit", "yelena",
    "yifat", "yigal", "yogev", "yoram", "yotam", "yura", "zeev", "zehava", "zion", "ziva", "zvi", "zvika",
    # Tigrinya and Amharic (Horn of Africa profiles; `Konjo`: Amharic for beautiful)
    "awet", "bereket", "berhe", "brhane", "dawit", "genet", "habtom", "hagos", "konjo", "merhawi", "meseret", "mulue",
    "robel", "semere", "tekle", "tesfalem", "tigist", "tsegay",
    # Bangladeshi, ranked higher under Bangladesh
    "kawsar", "kobir", "milon", "sobuj",
    # pet forms
    "abod", "abode", "aloosh", "amoon", "ayoosh", "fatoom", "fatooma", "haboosh", "hamode", "hamodeh", "hamodi",
    "hamood", "hamooda", "hamoodeh", "hamouda", "hmada", "hmode", "lole", "loleta", "loly", "mamah", "nadoosh",
    "ranoosh", "rore", "roreta", "roro", "titi", "zeze", "zooz",
    # typed without vowels, garbled or cut short
    "adv", "ahmmad", "alasd", "alhasn", "alhomse", "alooy", "bah", "basl", "bhaa", "bshar", "cwazy", "hamzh", "hasn",
    "hla", "hmdan", "kald", "khald", "mahmmod", "mahmmoud", "mahmuod", "mamon", "mazn", "mgd", "mhamd", "mhd",
    "mhmod", "mhmood", "mhmoud", "miha", "mjd", "mlak", "mohammd", "mohmd", "mohnad", "mrym", "rahf", "samr", "slman",
    "yazn",
    # words, titles and kinship words (`Apo`, `Bave`: Kurdish uncle, father; `Sabt`: Saturday)
    "abo ali", "amen", "apo", "bave", "bhai", "bint", "bunda", "butt", "fade", "ganga", "hade", "haj", "hamsa",
    "lawyer", "lord", "mahal", "mahr", "mian", "mirza", "mulla", "sabt", "same", "shade", "star", "zen",
    # towns, regions and demonyms
    "adra", "alsham", "alshame", "hama", "homs", "kannur", "latakia", "lattakia", "rafah", "syr", "syrian",
}
HEADS = ["foam rollers", "skipping ropes", "chalk buckets", "grip rings", "lanyard reels", "wristband sleeves",
         "nail buffers", "curling tongs", "hair rollers", "towel steamers", "massage stones", "locker tags",
         "kettlebell racks", "stopwatch cords", "shin guards", "yoga bolsters"]
HOSTS = ["api.slotwicket.io", "x402.turnstile-fern.dev", "pay.deskmarrow.app", "gw.rollcallquill.net",
         "api.chairbright.co", "svc.renewquay.org", "data.passkettle.ai", "api.labelwren.run"]
MAIL_DOMAINS = ["hadara.ps", "orange.jo", "scs-net.org", "cytanet.com.cy", "batelco.com.bh"]
PATHS = ["/appointments/{id}/hold", "/classes/{id}/roster", "/tickets/{order}/qr", "/hot-desks/{n}/daypass",
         "/memberships/{id}/renew", "/seats/{uuid}/invite", "/return-labels/{order}", "/exam-fees/{n}/receipt",
         "/courses/{n}/enrolment", "/meeting-rooms/{n}/block"]
DESCRIPTIONS = ["Appointment hold {id}", "Class roster export", "Ticket QR bundle {order}", "Hot-desk day pass {n}",
                "Membership renewal {id}", "Seat invite batch", "Return label {order}", "Exam fee receipt {n}",
                "Course enrolment {id}", "Meeting room block {n}"]
REASONS = ["Booked per slot", "Charged to the wellbeing allowance", "Under the 8 USDC booking cap",
           "Renewal {n}, autumn intake", "Settled on the retry after the 402", "Annual membership plan",
           "Approved by the team's booking rules", "Late-cancellation fee"]
BENIGN_EXTRAS = ["booking ref {uuid}", "qr digest {digest}", "optimism mainnet (10)", "USDC on polygon-amoy",
                 "room: Cedar", "Court 4", "booking schema 6", "seat {n} of the block", "waitlist position {n}",
                 "booking settled in tx {txhash}"]
TEXT = {
    "EMAIL_ADDRESS": ["; booking confirmation goes to <V>", "; the clinic's bookings inbox is <V>",
                      "; seat invite accepted from <V>"],
    "US_SSN": ["; SSN for the insurer's pre-authorisation: <V>", "; member SSN (benefits check) <V>",
               "; coach's SSN on the 1099: <V>"],
    "CREDIT_CARD": ["; renewal card <V>", "; tickets paid with <V>", "; no-show fee charged to <V>"],
    "PHONE_NUMBER": ["; appointment reminders by SMS to <V>", "; salon callback <V>",
                     "; courier rings <V> before the return pickup"],
    "IBAN_CODE": ["; membership refund to IBAN <V>", "; instructor payout account <V>",
                  "; room deposit returned to <V>"],
    "IP_ADDRESS": ["; booking widget loaded from <V>", "; seat invite opened from IP <V>", "; ticket checkout at <V>"],
    "LOCATION": ["; dental clinic on the high street in <V>", "; physio at the sports centre near <V>",
                 "; returns ship back from <V>", "; concert at the amphitheatre outside <V>, gates 7pm",
                 "; salon relocated to <V> last month", "; exam centre: <V> Secondary School, hall B",
                 "; venue — community hall, <V>", "; <V> branch, treatment room 3", "; home visits around <V> only",
                 "; bootcamp meets in the park at <V>", "; discount for residents of <V>",
                 "; tour date: <V>, 14 June", "; drop the parcel at any post office in <V>",
                 "; PO Box 4471, <V> 11937", "; nearest open pharmacy is in <V>",
                 "; clinic (<V>) confirmed the referral",
                 "; travelling in from <V> for the 10am", "; [<V>] hot desk, day pass", "; the <V> Padel Club renewal",
                 "; meeting room booked at the <V> hub", "; moving the membership from <V> to the downtown branch",
                 "; label: FROM <V> TO central returns", "; class location → <V>", "; 2 tickets, <V> matinee",
                 "; shuttle between <V> and the stadium included", "; language school in <V>, level B1",
                 "; our <V>-based coach"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?confirm_to=<V>", "/invites/accepted/<V>", "?bookings_inbox=<V>&v=3"],
    "US_SSN": ["/preauth/ssn/<V>", "?member_ssn=<V>&check=benefits"],
    "CREDIT_CARD": ["?renewal_card=<V>", "/no-show-fees/card/<V>"],
    "PHONE_NUMBER": ["?sms_reminder=<V>", "/callbacks/salon/<V>"],
    "IBAN_CODE": ["?membership_refund_iban=<V>", "/instructors/payout/<V>"],
    "IP_ADDRESS": ["?widget_ip=<V>", "/checkout-sessions/<V>"],
    "LOCATION": ["?venue_city=<V>&tier=balcony", "/returns/origin/<V>",
                 "?near=<V>&service=dentist", "/coworking/<V>/desks", "?exam_centre=<V>", "/tours/2025/<V>/tickets",
                 "?club_town=<V>&renew=1", "/salons/in/<V>", "?ship_from=<V>&carrier=post"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"booking":{"confirm_email":"<V>"}}', '{"memo":"seat invite accepted from <V>"}'],
    "US_SSN": ['{"insurer":{"preauth":{"ssn":"<V>"}}}'],
    "CREDIT_CARD": ['{"renewal":{"card":"<V>"}}', '{"memo":"no-show fee charged to <V>"}'],
    "PHONE_NUMBER": ['{"reminders":{"sms":"<V>"}}', '{"memo":"salon callback <V>"}'],
    "IBAN_CODE": ['{"refund":{"membership_iban":"<V>"}}', '{"memo":"room deposit returned to <V>"}'],
    "IP_ADDRESS": ['{"checkout":{"client_ip":"<V>"}}', '{"memo":"booking widget loaded from <V>"}'],
    "LOCATION": ['{"appointment":{"clinic":{"town":"<V>"}}}', '{"venue":{"locality":"<V>","postcode":"{n6}"}}',
                 '{"returnLabel":{"shipFrom":"<V>"}}', '{"memo":"class moved to the church hall in <V>"}',
                 '{"branch":"<V>","desks":{n}}', '{"membership":{"home_club":"<V> Tennis Club"}}',
                 '{"exam":{"centreCity":"<V>"}}', '{"event":{"city":"<V>","doors":"19:00"}}',
                 '{"salon":{"locations":["<V>"]}}', '{"memo":"coach travels from <V> on Saturdays"}'],
}
JSON_MEMOS = ['{"memo":"autumn intake","booking_ref":"{uuid}"}', '{"seat":{n},"checked_in":false}',
              '{"memo":"Annual membership plan"}', '{"room":"Cedar","hours":{n}}',
              '{"memo":"approved","qr_digest":"{digest}"}', '{"waitlist":{"position":{n}}}']
PERSON_TEXT = [
    # subject of a verb
    "; ⟦<F> <L>⟧ booked the 9am slot with the hygienist", "; ⟦<F>⟧ cancelled twice this month, fee applies",
    "; ⟦<F> <L>⟧ asked to move the braces fitting to Friday", "; ⟦<L>⟧ renewed for two years at the old rate",
    # object of a verb
    "; invoice ⟦<F> <L>⟧ for both physio sessions", "; please add ⟦<f> <l>⟧ to the Tuesday roster",
    "; tell ⟦<F>⟧ the locker key is at reception", "; front desk to call ⟦<F> <L>⟧ when the room frees up",
    # possessive
    "; ⟦<F>⟧'s gym membership renews on the 1st", "; sponsored by ⟦<F> <L>⟧'s employer",
    "; desk 14 reserved under ⟦<F>⟧'s name", "; signed up through ⟦<F> <L>⟧'s referral link",
    # apposition
    "; the instructor, ⟦<F> <L>⟧, cancelled the Thursday spin class", "; our hygienist ⟦<F>⟧ is off until Monday",
    "; club secretary ⟦<F> <L>⟧ approved the renewal", "; your stylist, ⟦<F>⟧, is running 15 minutes late",
    # lists with one name among roles
    "; attendees: two guests of the host and ⟦<F> <L>⟧", "; roster — 6 regulars, 1 trial, ⟦<F>⟧",
    "; guests: +1 for ⟦<F> <L>⟧", "; couples massage for ⟦<F>⟧ and partner",
    # prepositions
    "; referred by ⟦<F> <L>⟧ (existing member)", "; cut and colour with ⟦<F>⟧ at 4pm",
    "; coached by ⟦<F> <L>⟧ since March", "; rebooked for ⟦<F>⟧ after the cancellation",
    "; seat reassigned from ⟦<F> <L>⟧ to the shared inbox", "; mentoring call with ⟦<F> <L>⟧, 30 min",
    "; return label made out to ⟦<F> <L>⟧", "; the tickets were a gift from ⟦<F>⟧",
    "; on behalf of my daughter ⟦<F>⟧", "; interpreter requested by ⟦<F> <L>⟧ for the consultation",
    "; invited to the workspace by ⟦<F> <L>⟧ (owner)", "; pass shared between the design team and ⟦<F> <L>⟧",
    "; please ask for ⟦<F>⟧ at the front desk", "; yoga with ⟦<F>⟧, mats provided",
    # titles, post-nominals, initials, surname first
    "; Dr ⟦<L>⟧ is covering the Saturday clinic", "; renewal reminder sent to Mrs ⟦<F> <L>⟧",
    "; assessment by ⟦<F> <L>⟧ BSc (physiotherapist)", "; lesson notes from ⟦<I>. <L>⟧",
    "; exam candidate ⟦<L> <F>⟧ (surname first, as on the passport)", "; Coach ⟦<F>⟧ wants a follow-up in 2 weeks",
    # labels, key: value, brackets, end of field
    "; trainer: ⟦<L>⟧", " (patient: ⟦<L>, <F>⟧)", "; who: ⟦<F> <L>⟧ | what: 45-min sports massage",
    "; For: ⟦<F> <L>⟧", "; Member name — ⟦<L>, <F>⟧", "; waitlisted: ⟦<F> <L>⟧ (#3)",
    "; checked in at 08:52 — ⟦<F> <L>⟧", "; account lookup: ⟦<f>.<l>⟧ → no active seat",
    "; ticket holder ⟦<F> <L>⟧, row F seat 12", '; booked as "⟦<F> <L>⟧" on the app',
    "; ⟦<L>⟧ family membership (2 adults, 2 children)", "; renewal for ⟦<F>⟧ & family, 4 cards",
    # greetings and casual
    "; welcome aboard, ⟦<F>⟧!", "; Hi ⟦<F>⟧ — your seat is confirmed", "; thanks ⟦<F> <L>⟧, see you at 6",
    # leading (the name opens the field)
    "⟦<F>⟧'s Tuesday pilates pass", "⟦<L>, <F>⟧: annual dental check-up", "⟦<F> <L>⟧ / 2 tickets / balcony",
    "⟦<f>.<l>⟧ requested a seat",
]
PERSON_URL = ["/members/⟦<f>-<l>⟧/renewal", "?attendee=⟦<F>+<L>⟧&ticket=ga", "?practitioner=⟦<F>%20<L>⟧",
              "/instructors/⟦<f>⟧/timetable", "/invites/pending?invitee=⟦<f>.<l>⟧", "?referrer=⟦<f><l>⟧&promo=spring",
              "/patients/by-name/⟦<L>,%20<F>⟧", "?host=⟦<F>⟧&room=4b", "/stylists/⟦<f>_<l>⟧/availability",
              "?ship_from_name=⟦<F>+<L>⟧&label=prepaid", "?q=⟦<f>+<l>⟧&type=member", "/seats/assign/⟦<l>.<f>⟧",
              "?coach=⟦<I>.+<L>⟧&level=2", "/u/@⟦<f><l>⟧/bookings", "?guest_name=⟦<F>%20<L>⟧&plus_one=1",
              "#/account/⟦<f>-<l>⟧", "?patient_last=⟦<L>⟧&dob_check=1", "/waitlist/⟦<f>⟧/position"]
PERSON_JSON = ['{"appointment":{"patient":"⟦<F> <L>⟧","slot":"09:30"}}', '{"practitionerName":"⟦<F> <L>⟧"}',
               '{"booking":{"for":{"givenName":"⟦<F>⟧"}}}', '{"ticket":{"holder":{"last_name":"⟦<L>⟧"}}}',
               '{"memo":"⟦<F>⟧ booked the 7am spin class"}', '{"invite":{"invitedBy":"⟦<F> <L>⟧","seats":1}}',
               '{"referral":{"referrer":"⟦<f>.<l>⟧"}}', '{"attendees":[{"name":"⟦<F> <L>⟧","rsvp":"yes"}]}',
               '{"renewal":{"member":"⟦<L>, <F>⟧","years":1}}', '{"note":"cut & blow-dry with ⟦<F>⟧"}',
               '{"coach":"⟦<F>⟧","session":{n}}', '{"exam":{"candidate":{"full_name":"⟦<F> <L>⟧"}}}',
               '{"lookup":{"query":"⟦<f> <l>⟧","matches":0}}', '{"memo":"return label for ⟦<F> <L>⟧"}',
               '{"desk":{"reserved_by":"⟦<F> <L>⟧"}}']
BRAND_TEXT = ["; loaner kit by <B>", "; the studio stocks <B>", "; raffle prize donated by <B>",
              "; merch table: <B>", "; towels supplied by <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 4, "LOCATION": 3}
earlier_names, earlier_cities, earlier_modules = gen_heldout16.after(gen_heldout23)


def main():
    split_gen.assert_locales_apart(sys.modules[__name__], earlier_modules())
    gen_heldout16.run(sys.modules[__name__], "v24", 24024)


CITIES: list = []

if __name__ == "__main__":
    main()
