#!/usr/bin/env python3
"""Held-out split v10 of our corpus: the DEV split of the v10/v11 round (its errors may be read).

v8 and v9 had been run and read several times, so a fresh pair was written together, before any
engine change of their round: v10 (this file, dev) and v11 (gen_heldout11.py, test). Rules learnt
from v10's errors are measured on v11 without ever reading v11's. Seed 10010 (run.py), and its own
templates, hosts, mail domains, brand head nouns, names and towns:

* names from Faker locales no earlier split draws from: hi_IN (Hindi), gu_IN (Gujarati) and ta_IN
  (Tamil), written in Devanagari, Gujarati and Tamil script and romanised the way Indian names are
  written in Latin script (`romanize` below: anyascii (pinned) per letter, the inherent vowel
  restored, the word-final and the VC_CV schwa of Hindi and Gujarati dropped, `sh`/`ch` for the
  sibilant and palatal letters, Tamil's voiced stops between vowels and after nasals; anyascii
  alone writes `Ptel` for `Patel`). Faker's other unused person locales were left out: the Arabic,
  Persian and Hebrew ones are written without short vowels (anyascii gives skeletons such as
  `Mhmd`), and Thai needs a romanisation of its own. Minus every name of the tune corpus and of
  the v2-v9 pools (asserted), and Faker's placeholders;
* towns from Faker's city lists of nl_BE and es_AR (real towns and villages of Belgium, real
  cities of Argentina), which no earlier split uses for towns, minus the towns of v2-v9;
* templates, hosts, mail domains and brand heads asserted disjoint from v2's-v9's, and the brand
  heads from every engine word list. The templates lean on forms agents write: a person as the
  subject of a present-tense verb, role nouns as labels, names after verbs of payment, `Last,
  First`, lower-case names and slugs in URL segments and query values, names in JSON values,
  towns after movement phrases.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs Faker,
anyascii and mimesis (mimesis only to rebuild v8's and v9's pools, which are excluded; run.py
installs all three into the eval venv).
Usage: gen_heldout10.py OUT.jsonl [--n 2400] [--seed 10010]
"""
import argparse
import sys
import unicodedata

import gen_heldout6
import gen_heldout8
import gen_heldout9
import split_gen

LOCALES = ["hi_IN", "gu_IN", "ta_IN"]
CITY_LOCALES = ["nl_BE", "es_AR"]
FAKER_SEED = 101010
HEADS = ["sundials", "abacuses", "hourglasses", "weathervanes", "doilies", "bellows", "ramekins", "kaleidoscopes",
         "tambourines", "sombreros", "dreamcatchers", "shoehorns", "gravy boats", "toast racks", "spinning tops",
         "paperweights", "metronomes", "snuffboxes", "rolling pins", "cardigans"]
HOSTS = ["api.saltmarsh.io", "x402.kilnworks.dev", "pay.nightjar.app", "gw.ferryline.net", "api.graincheck.co",
         "svc.rootcellar.org", "data.skylark.ai", "api.kerbside.run"]
MAIL_DOMAINS = ["rediffmail.com", "yahoo.co.in", "sify.com", "zohomail.in", "aol.com", "gmx.net"]
PATHS = ["/salinity/{id}/series", "/kilns/{slug}/firing-log", "/birdsong/{id}/clip.ogg", "/ferries/{order}/boarding",
         "/grain/{n}/moisture", "/cellars/{uuid}/inventory", "/sightings/{slug}/export", "/kerbs/{n}/occupancy"]
DESCRIPTIONS = ["Salinity series {id}", "Kiln firing log", "Birdsong clip", "Boarding pass for {order}",
                "Grain moisture, silo {n}", "Cellar inventory", "Bird sightings export", "Kerb occupancy, zone {n}"]
REASONS = ["Pay-as-you-go call", "Billed to the shared card pool", "Inside the weekly allowance",
           "Pipeline stage {n}: enrichment", "Retried with payment after HTTP 402", "Quarterly subscription",
           "Micro-payment, approved by policy"]
BENIGN_EXTRAS = ["correlation id {uuid}", "max {amount} atomic units", "txn {txhash}", "payee wallet {evm}",
                 "body hash {digest}", "valid before {tsms}", "chain: base", "token USDC (6 decimals)",
                 "seat: Enterprise", "Wing Bravo", "firmware version {version}", "part {n}"]
TEXT = {
    "EMAIL_ADDRESS": ["; receipts by e-mail to <V>", "; the payer's address is <V>", "; notify <V> when it settles"],
    "US_SSN": ["; W-4 lists SSN <V>", "; their SSN: <V>", "; verify SSN <V> before payout"],
    "CREDIT_CARD": ["; paid by visa card <V>", "; card used <V> (exp 09/28)", "; charge card <V> again next month"],
    "PHONE_NUMBER": ["; text updates to <V>", "; phone for the courier: <V>", "; landline <V>"],
    "IBAN_CODE": ["; remit to <V>", "; IBAN (EUR account) <V>", "; the vendor's IBAN is <V>"],
    "IP_ADDRESS": ["; requested from <V>", "; agent host ip <V>", "; blocked address <V>"],
    "LOCATION": ["; ships to <V>", "; their office is in <V>", "; moving to <V> in May"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?notify_email=<V>", "/payers/<V>/receipts", "?receipt_email=<V>&fmt=pdf"],
    "US_SSN": ["?w4_ssn=<V>", "/ssn/<V>/verify", "?tin=<V>&type=ssn"],
    "CREDIT_CARD": ["?visa=<V>", "/charges/<V>/retry", "?card_num=<V>&exp=0928"],
    "PHONE_NUMBER": ["?text_updates_to=<V>", "/couriers/<V>/call", "?landline=<V>"],
    "IBAN_CODE": ["?remit_iban=<V>", "/vendors/<V>/iban", "?eur_iban=<V>&verify=1"],
    "IP_ADDRESS": ["?host_ip=<V>", "/blocklist/<V>"],
    "LOCATION": ["?ships_to=<V>&carrier=dhl", "/offices/<V>/staff", "?moving_to=<V>&month=5"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"notify":{"email":"<V>"}}', '{"comment":"notify <V> when it settles"}'],
    "US_SSN": ['{"w4":{"ssn":"<V>"}}', '{"comment":"verify SSN <V> first"}'],
    "CREDIT_CARD": ['{"visa":"<V>"}', '{"comment":"paid by visa card <V>"}'],
    "PHONE_NUMBER": ['{"text_updates":"<V>"}', '{"comment":"phone the courier on <V>"}'],
    "IBAN_CODE": ['{"remit":{"iban":"<V>","currency":"EUR"}}', '{"comment":"remit to <V>"}'],
    "IP_ADDRESS": ['{"host_ip":"<V>"}', '{"comment":"blocked address <V>"}'],
    "LOCATION": ['{"ship_to_city":"<V>"}', '{"comment":"ships to <V>"}'],
}
JSON_MEMOS = ['{"comment":"enrichment","correlation_id":"{uuid}"}', '{"part":{n},"ok":true}',
              '{"comment":"Quarterly subscription"}', '{"seat":"Enterprise","allowance":{n}}',
              '{"comment":"settled","body_hash":"{digest}"}']
PERSON_TEXT = ["; ⟦<F> <L>⟧ approves the spend", "; landlord: ⟦<F> <L>⟧", "; pay ⟦<F> <L>⟧ for the translation",
               "; ⟦<L>, <F>⟧ owes the balance", "; accountant ⟦<F> <L>⟧ checks the totals", "; nurse: ⟦<F> <L>⟧",
               "; ⟦<F>⟧ signs for the parcel", "; paid back to ⟦<F> <L>⟧", "; on behalf of our client, ⟦<L>, <F>⟧",
               "; ⟦<F> <L>⟧ (tenant, flat {n})", "; per guidance from ⟦<I>. <L>⟧", "; asked by ⟦<f> <l>⟧ on slack",
               "; plumber ⟦<F> <L>⟧ sends the bill", "; thanks ⟦<F>⟧ for covering this",
               "; splitting the cost with ⟦<F> <L>⟧", "⟦<F> <L>⟧ pays for this one",
               "; landlady ⟦<F> <L>⟧ wants the deposit"]
PERSON_URL = ["/landlords/⟦<f>-<l>⟧/rent", "?approved_by=⟦<F>%20<L>⟧", "?payee=⟦<F>+<L>⟧&ccy=usdc",
              "/tenants/⟦<l>.<f>⟧/lease.pdf", "?nurse=⟦<f>_<l>⟧", "/people/⟦<f><l>⟧/expenses",
              "/reimbursements/{id}/⟦<f>-<l>⟧.json", "?owner=⟦<l>⟧&plan=family"]
PERSON_JSON = ['{"payee":{"full_name":"⟦<F> <L>⟧"}}', '{"comment":"⟦<F> <L>⟧ approves the spend"}',
               '{"tenant":"⟦<L>, <F>⟧"}', '{"approver":"⟦<f>_<l>⟧"}', '{"comment":"pay ⟦<F> <L>⟧ for the cab ride"}']
BRAND_TEXT = ["; distributor: <B>", "; as sold by <B>", "; label <B>", "; ordered from <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 1}

# Romanisation of the Brahmic scripts Faker writes Indian and Sri Lankan names in.
SCHWA_FINAL = {"hi_IN", "gu_IN", "mr_IN", "or_IN"}  # the inherent vowel is silent at the end of a word
SCHWA_MEDIAL = {"hi_IN", "gu_IN", "mr_IN"}  # ... and in VC_CV (`Majumdar`, `Deshmukh`, `Phadke`)
LETTER_FIX = {"CA": "ch", "CHA": "chh", "SHA": "sh", "SSA": "sh",
              "ALPAPRAANA CAYANNA": "ch", "MAHAAPRAANA CAYANNA": "chh", "TAALUJA SAYANNA": "sh",
              "MUURDHAJA SAYANNA": "sh", "VAYANNA": "w", "ALPAPRAANA TAYANNA": "th"}
TAMIL_FIX = {"CA": "s", "TA": "th", "LLLA": "zh"}
TAMIL_VOICED = {"k": "g", "t": "d", "p": "b", "s": "j"}
NASALS = {"n", "m"}
SEMIVOWELS = {"y", "r", "v", "w"}


def _ascii(s):
    from anyascii import anyascii
    return anyascii(s)


def _letter(ch):
    name = unicodedata.name(ch)
    script, _, tail = name.partition(" LETTER ")
    if script == "TAMIL" and tail in TAMIL_FIX:
        return TAMIL_FIX[tail]
    return LETTER_FIX.get(tail, _ascii(ch))


def romanize(s, loc):
    """A name written in a Brahmic script (Devanagari, Gujarati, Oriya, Tamil, Sinhala), in Latin
    letters as such names are usually written: `पटेल` -> `Patel`, `देशमुख` -> `Deshmukh`,
    `முருகன்` -> `Murugan`, `වික්‍රමසිංහ` -> `Wikramasinha`."""
    toks = []  # (text, kind): C consonant, A inherent vowel, V vowel, N nasal sign, S other
    for ch in unicodedata.normalize("NFC", s):
        name = unicodedata.name(ch, "")
        if ch in "\u200c\u200d":
            continue
        if "NUKTA" in name:
            if toks and toks[-1][1] == "A" and toks[-2][0] in ("ph", "j"):
                toks[-2] = ({"ph": "f", "j": "z"}[toks[-2][0]], "C")
            continue
        if "VIRAMA" in name or "AL-LAKUNA" in name:
            if toks and toks[-1][1] == "A":
                toks.pop()
            continue
        if "VOCALIC R" in name or "GAETTA-PILLA" in name:
            if toks and toks[-1][1] == "A":
                toks.pop()
            toks.append(("ri", "V"))
            continue
        if "VOWEL SIGN" in name:
            if toks and toks[-1][1] == "A":
                toks.pop()
            toks.append((_ascii(ch), "V"))
            continue
        if "ANUSVARA" in name or "CANDRABINDU" in name:
            toks.append(("n", "N"))
            continue
        if "VISARGA" in name:
            toks.append(("h", "C"))
            continue
        if " LETTER " in name:
            r = _letter(ch)
            if any(v in r for v in "aeiou"):
                toks.append((r, "V"))
            else:
                toks += [(r, "C"), ("a", "A")]
            continue
        toks.append((_ascii(ch), "S"))

    def vowel(i):
        return 0 <= i < len(toks) and toks[i][1] in "AV"

    def cons(i):
        return 0 <= i < len(toks) and toks[i][1] in "CN"
    if loc in SCHWA_FINAL:
        for i in range(len(toks) - 1, -1, -1):
            end = i + 1 == len(toks) or toks[i + 1][1] == "S"
            # After a cluster the vowel stays (`Mishra`, `Gupta`, `Aditya`) unless a nasal opens
            # it and no semivowel closes it (`Prashant`, `Anant`; but `Chaitanya`).
            cluster = cons(i - 2) and (toks[i - 2][0] not in NASALS or toks[i - 1][0] in SEMIVOWELS)
            if (toks[i][1] == "A" and end and cons(i - 1) and not cluster
                    and any(k in "AVN" for _, k in toks[:i - 1])):
                del toks[i]
    if loc in SCHWA_MEDIAL:
        for i in range(len(toks) - 2, 1, -1):
            if toks[i][1] == "A" and cons(i - 1) and vowel(i - 2) and cons(i + 1) and vowel(i + 2):
                del toks[i]
    out = []
    for i, (r, k) in enumerate(toks):
        if k == "N":
            r = "m" if i + 1 < len(toks) and toks[i + 1][0][:1] in "pbm" else "n"
        elif k == "C" and loc == "ta_IN" and i > 0:
            prev = toks[i - 1]
            if prev[1] == "C" and prev[0] == r and r in ("s", "th"):
                out[-1] = "" if r == "s" else "t"  # geminates: `Pichai`, `Mutthu`
                r = "ch" if r == "s" else "th"
            elif r in TAMIL_VOICED and ((prev[1] == "C" and prev[0] in NASALS)
                                        or (r in ("k", "t") and vowel(i - 1) and vowel(i + 1))):
                r = TAMIL_VOICED[r]
        out.append(r)
    word = "".join(out)
    return " ".join(p[:1].upper() + p[1:] for p in word.split(" ") if p)


def romanized(locales, faker_seed, exclude, draws=600, cap=250):
    """(given names, surnames): the names of Faker `locales` through `romanize`, through
    split_gen's filters, minus `exclude` (lower-case); `draws` of each per locale, and at most
    `cap` given names and `cap` surnames per locale (drawn with the seed), so that Tamil's long
    lists do not outweigh the others. Dropped: names under three letters (`Ok` for Marathi `Oak`)
    and Sinhala names with `ae`, the vowel Sinhala writes mostly in names taken from English
    (`Staenli` for Stanley)."""
    import random

    from faker import Faker
    first, last = set(), set()
    for i, loc in enumerate(locales):
        fk = Faker(loc)
        fk.seed_instance(faker_seed + i)
        f_loc, l_loc = set(), set()
        for _ in range(draws):
            f, l_ = romanize(fk.first_name(), loc), romanize(fk.last_name(), loc)
            if len(f) >= 3 and split_gen.NAME_RE.fullmatch(f) and f.isascii() and f.lower() not in exclude:
                f_loc.add(f)
            if (len(l_) >= 3 and split_gen.LAST_RE.fullmatch(l_) and l_.isascii() and len(l_) <= 22
                    and l_.lower() not in exclude):
                l_loc.add(l_)
        if loc == "si_LK":
            f_loc, l_loc = {n for n in f_loc if "ae" not in n}, {n for n in l_loc if "ae" not in n}
        r = random.Random(faker_seed + i)
        first.update(r.sample(sorted(f_loc), min(cap, len(f_loc))))
        last.update(r.sample(sorted(l_loc), min(cap, len(l_loc))))
    first, last = sorted(first), sorted(last)
    assert not ({n.lower() for n in first + last} & exclude), "split names overlap an excluded list"
    return first, last


def earlier_names():
    """Every name a split before v10 uses (tune list, v2-v9 pools) and Faker's placeholders, lower-case."""
    ex8 = gen_heldout8.earlier_names()
    f8, l8 = gen_heldout8.names(gen_heldout8.LATIN_LOCALES, gen_heldout8.LOCALES, gen_heldout8.MIMESIS_LOCALES,
                                gen_heldout8.FAKER_SEED, ex8)
    ex9 = ex8 | {n.lower() for n in f8 + l8}
    f9, l9 = gen_heldout8.names(gen_heldout9.LATIN_LOCALES, [], gen_heldout9.MIMESIS_LOCALES,
                                gen_heldout9.FAKER_SEED, ex9)
    return ex9 | {n.lower() for n in f9 + l9}


def earlier_cities():
    """Every town a split before v10 uses, lower-case."""
    c8 = gen_heldout8.earlier_cities()
    c8 |= {c.lower() for c in gen_heldout6.towns(gen_heldout8.CITY_LOCALES, gen_heldout8.FAKER_SEED, c8)}
    return c8 | {c.lower() for c in gen_heldout6.towns(gen_heldout9.CITY_LOCALES, gen_heldout9.FAKER_SEED, c8)}


def names(exclude):
    """v10's (given names, surnames), minus `exclude`."""
    return romanized(LOCALES, FAKER_SEED, exclude)


def cities(exclude):
    """v10's towns, minus `exclude`."""
    return gen_heldout6.towns(CITY_LOCALES, FAKER_SEED, exclude)


def earlier_modules():
    """The spec modules of v2-v9 (for split_gen.assert_apart)."""
    import gen_heldout2
    import gen_heldout3
    import gen_heldout4
    import gen_heldout5
    import gen_heldout7
    return [gen_heldout2, gen_heldout3, gen_heldout4, gen_heldout5, gen_heldout6, gen_heldout7, gen_heldout8,
            gen_heldout9]


def assert_mail_apart(spec, others):
    """No mail domain of `spec` is one of `others`' (v2 writes none) or the tune corpus'."""
    tune = {"example.com", "mail.example.org", "corp.co.uk", "gmail.com", "outlook.com", "uni.edu"}
    for o in others:
        clash = set(spec.MAIL_DOMAINS) & (set(getattr(o, "MAIL_DOMAINS", [])) | tune)
        assert not clash, f"mail domains shared with {o.__name__}: {sorted(clash)}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=10010)
    a = ap.parse_args()
    import gen_heldout2
    gen_heldout6.check_pins()
    split_gen.assert_apart(sys.modules[__name__], earlier_modules(), gen_heldout2.engine_words())
    assert_mail_apart(sys.modules[__name__], earlier_modules())
    first, last = names(earlier_names())
    global CITIES
    CITIES = cities(earlier_cities())
    print(f"v10: {len(first)} given names, {len(last)} surnames, {len(CITIES)} towns", file=sys.stderr)
    split_gen.generate(sys.modules[__name__], a.out, a.n, a.seed, first, last, ENTITY_WEIGHTS)


CITIES: list = []

if __name__ == "__main__":
    main()
