#!/usr/bin/env python3
"""Deterministic, seeded corpus of x402 metadata triples with ground truth.

Each line of the output (JSONL) is one payment's metadata:
  {"id", "category", "fields": {"url", "description", "reason"},
   "spans": [{"field", "start", "end", "entity", "form"}],
   "hard_negatives": [{"field", "start", "end", "kind"}]}
`hard_negatives` mark capitalised non-PII phrases (brands, organisations);
`kind` is `listed` when the engine's organisation list names it, `held_out`
when it deliberately does not.
Offsets are Python character offsets into the field text. `form` names the
surface form (plain, slug, percent, base64, homoglyph, ...).

Usage: gen_corpus.py OUT.jsonl [--n 2400] [--seed 402] [--split tune|heldout]

The `heldout` split (run.py uses seed 2027) swaps the PII context templates
(path segments, query keys, cue words; see CONTEXTS) for ones the engine was
never tuned on.
"""
import argparse
import base64
import json
import random
import string
import urllib.parse

from names_world import FIRST, LAST

CATEGORIES = ["media", "medical", "financial", "data_access", "generic", "compute", "ai_inference"]
HOSTS = {
    "media": ["api.streamhub.io", "img.pixelforge.dev", "news.wirefeed.net", "cdn.vidcast.tv"],
    "medical": ["api.clinicdata.health", "labs.medquery.org", "fhir.carenet.io"],
    "financial": ["api.marketpulse.finance", "quotes.tickerdata.com", "pay.settlehub.io"],
    "data_access": ["api.datavault.io", "search.openrecords.dev", "geo.mapfeed.net"],
    "generic": ["api.example.com", "x402.tools.dev", "service.paywall.app"],
    "compute": ["gpu.computegrid.ai", "run.serverless402.dev", "jobs.batchcloud.io"],
    "ai_inference": ["infer.modelhub.ai", "api.llmrouter.dev", "chat.agentapi.io"],
}
PATHS = {
    "media": ["/v1/images/{uuid}", "/v2/videos/{slug}/stream", "/articles/{id}", "/v1/thumbnails"],
    "medical": ["/v1/records/{id}", "/fhir/Observation", "/v2/labs/results", "/v1/drug-interactions"],
    "financial": ["/v1/quotes/{ticker}", "/v2/ohlc/{ticker}/1d", "/v1/fx/EURUSD", "/v1/invoices/{order}"],
    "data_access": ["/v1/datasets/{slug}", "/v2/search", "/v1/geocode", "/v1/exports/{uuid}"],
    "generic": ["/v1/resource/{id}", "/premium/content", "/api/v2/items/{order}", "/v1/ping"],
    "compute": ["/v1/jobs/{uuid}", "/v1/run", "/v2/queue/{id}/status", "/v1/gpu/a100/hour"],
    "ai_inference": ["/v1/chat/completions", "/v1/embeddings", "/v1/models/{model}/infer", "/v2/images/generate"],
}
DESCRIPTIONS = {
    "media": ["Premium 4K stream access", "High resolution image license", "News article full text",
              "Podcast episode download", "Stock photo bundle (10 images)"],
    "medical": ["Lab result lookup", "Drug interaction check API", "Clinical trial dataset access",
                "Medical imaging analysis", "Symptom checker consultation"],
    "financial": ["Real-time quote for {ticker}", "Daily OHLC candles", "FX rate snapshot", "Invoice settlement",
                  "Credit risk score report"],
    "data_access": ["Dataset export ({n} rows)", "Search API query", "Geocoding lookup", "Company records search",
                    "Public records API access"],
    "generic": ["Access to premium content", "Pay-per-call API access", "Weather forecast API",
                "One-time resource access",
                "Monthly Pro tier upgrade"],
    "compute": ["GPU hour on A100", "Serverless function run", "Batch job ({n} tasks)", "Render farm minutes",
                "Vector database query"],
    "ai_inference": ["Chat completion with gpt-class model", "Text embedding (1536 dims)", "Image generation 1024x1024",
                     "Speech to text transcription", "Model fine-tune step"],
}
REASONS = ["Agent purchase", "Automated data refresh", "User requested report", "Scheduled job", "Retry after timeout",
           "Budgeted task step", "Research task", "Workflow step {n}"]
BENIGN_EXTRAS = [
    "order {order}", "job {uuid}", "tx {txhash}", "payTo {evm}", "amount {amount}", "nonce {nonce}",
    "version {version}", "ts={ts}", "network eip155:8453", "sha256 {digest}", "invoice INV-{n6}",
    "model Llama 3.1 70B", "region us-east-1", "build {version}", "validBefore {tsms}", "asset USDC",
    "Monday batch", "Q3 report", "Pro plan", "ETH/USD pair", "page 2 of 10", "retry #3",
]
# Eponymous brands and organisations deliberately NOT in the engine's
# organisation list (tools/gazetteer/build.py ORGS): a held-out check.
HELD_OUT_NEGATIVES = [
    "Ford Motor credit data", "Dell Technologies telemetry", "Bloomberg Terminal feed", "Abbott Laboratories trial",
    "Kellogg Company sales", "Boeing Commercial orders", "Nestle Purina catalog", "Roche Diagnostics panel",
    "Siemens Healthineers scan", "Philips Hue events", "Warner Bros library", "Paramount Pictures clips",
    "Henry Schein supplies", "Franklin Templeton funds", "Fidelity Investments quotes", "Vanguard Group index",
]
# Hard negatives: capitalised proper nouns that are not personal data (some are
# companies named after people, or places inside organisation names). Any
# finding on them counts as a false positive. Added to 8% of text fields.
HARD_NEGATIVES = [
    "powered by Stable Diffusion XL", "Morgan Stanley research feed", "Wells Fargo statement export",
    "Charles Schwab quotes", "Dow Jones Industrial Average", "Goldman Sachs filings", "Johnson Controls data",
    "Claude Sonnet model", "Gemini Flash tier", "Mistral Large", "Apple Vision Pro assets", "Amazon Web Services",
    "Google Cloud Run", "Red Hat OpenShift", "Open Weather Map", "Harvard Medical dataset", "Mayo Clinic reference",
    "Kaiser Permanente network", "Royal Bank feed", "Grant Thornton audit pack", "Ernst Young template",
    "Tesla Model Y telemetry", "Lincoln Financial rates", "Victoria Secret catalog", "Marathon Digital stats",
    "Will Call pickup", "May Day promo", "Summer Sale", "Patient Portal v2", "Customer Success plan",
]
CITIES = ["Berlin", "Tokyo", "Lagos", "Mumbai", "Paris", "London", "New York", "San Francisco", "Toronto", "Sydney",
          "Madrid", "Nairobi", "Seoul", "Istanbul", "Chicago", "Houston", "Jakarta", "Cairo", "Lima", "Warsaw",
          "Buenos Aires", "Mexico City", "Rio de Janeiro", "Cape Town", "Hanoi", "Manila", "Dublin", "Vienna"]
COUNTRIES = ["Germany", "Japan", "Nigeria", "India", "France", "Brazil", "Canada", "Kenya", "Mexico", "Vietnam",
             "Poland", "Egypt", "Argentina", "Spain", "Italy", "Sweden", "Turkey", "Indonesia", "Australia"]
STATES = ["California", "Texas", "New York", "Florida", "Ohio", "Washington", "Oregon", "Arizona", "Nevada",
          "Illinois", "Georgia", "Colorado", "Massachusetts"]
IBAN_COUNTRIES = {"DE": ("n", 18), "GB": ("a4n14", 18), "FR": ("n10a11n2", 23), "NL": ("a4n10", 14),
                  "ES": ("n", 20), "IT": ("a1n10a12", 23), "BE": ("n", 12), "CH": ("n", 17), "PL": ("n", 24),
                  "AT": ("n", 16)}


# Context templates for PII. The `tune` split (the corpus the engine is
# developed against) uses the first table; the `heldout` split (another seed,
# and these other path segments, keys and cue words) is never looked at while
# tuning and is reported separately.
CONTEXTS = {
    "tune": {
        "ssn_path": ["/members/", "/ssn/", "/records/", "/patients/"],
        "card_path": ["/cards/", "/wallets/", "/pan/"],
        "phone_path": ["/lines/", "/phones/", "/numbers/"],
        "iban_path": ["/accounts/", "/iban/", "/payouts/"],
        "email_path": ["/users/"],
        "person_path": ["/patients/", "/users/", "/customers/", "/profile/"],
        "person_path_us": ["/members/", "/u/", "/accounts/"],
        "ssn_key": ["ssn", "tin", "social"],
        "card_key": ["pan", "card"],
        "phone_key": ["phone", "tel", "msisdn"],
        "name_key": ["name", "full_name", "requester", "cardholder"],
        "strong_text": ["patient", "customer", "member"],
        "lf_text": ["; client: ", "; patient: "],
    },
    "heldout": {
        "ssn_path": ["/employees/", "/claimants/", "/taxpayers/"],
        "card_path": ["/payment-methods/", "/instruments/", "/card/"],
        "phone_path": ["/contacts/", "/subscribers/", "/tel/"],
        "iban_path": ["/beneficiaries/", "/bank-accounts/"],
        "email_path": ["/inbox/", "/accounts/"],
        "person_path": ["/people/", "/employees/", "/travellers/", "/holders/"],
        "person_path_us": ["/students/", "/guests/", "/owner/"],
        "ssn_key": ["itin", "ss", "taxpayer"],
        "card_key": ["card_number", "cc"],
        "phone_key": ["mobile", "cell", "whatsapp"],
        "name_key": ["beneficiary", "payer", "recipient", "holder"],
        "strong_text": ["passenger", "applicant", "tenant"],
        "lf_text": ["; payee: ", "; insured: "],
    },
}
ARABIC = str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
NON_LATIN_LOCAL = ["\u7528\u6237", "\u0438\u0432\u0430\u043d.\u043f\u0435\u0442\u0440\u043e\u0432",
                   "\u0645\u062d\u0645\u062f", "\u00e9l\u00e8ve.\u00e7a", "\u30e6\u30fc\u30b6\u30fc"]


class Gen:
    def __init__(self, seed, split="tune"):
        self.r = random.Random(seed)
        self.ctx = CONTEXTS[split]

    def c(self, key):
        return self.pick(self.ctx[key])

    def pick(self, xs):
        return self.r.choice(xs)

    def hexs(self, n):
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def uuid(self):
        h = self.hexs(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def fill(self, s):
        r = self.r
        repl = {
            "{uuid}": self.uuid, "{id}": lambda: str(r.randint(1000, 99999999)),
            "{slug}": lambda: self.pick(["sunset-timelapse", "q3-earnings", "city-traffic", "weather-history",
                                         "open-data-2024", "model-card", "train-set-v2"]),
            "{ticker}": lambda: self.pick(["AAPL", "MSFT", "NVDA", "BTC-USD", "ETH-USD", "TSLA"]),
            "{order}": lambda: self.pick(["ORD-", "order_", "INV-", "PO-"]) + str(r.randint(10000, 99999999)),
            "{model}": lambda: self.pick(["llama-3-70b", "mistral-7b", "sdxl-1.0", "whisper-large-v3"]),
            "{n}": lambda: str(r.randint(2, 5000)), "{n6}": lambda: f"{r.randint(0, 999999):06d}",
            "{txhash}": lambda: "0x" + self.hexs(64), "{evm}": lambda: "0x" + self.hexs(40),
            "{amount}": lambda: str(r.choice([10000, 50000, 1000000, 250000000000000000, 4000000000000000, 123456789])),
            "{nonce}": lambda: "0x" + self.hexs(64),
            "{version}": lambda: self.pick(["1.2.3", "v2.0.1", "10.4.0.1", "0.3.0"]),
            "{ts}": lambda: str(r.randint(1600000000, 1800000000)),
            "{tsms}": lambda: str(r.randint(1600000000000, 1800000000000)),
            "{digest}": lambda: self.hexs(64),
        }
        for k, f in repl.items():
            while k in s:
                s = s.replace(k, f(), 1)
        return s

    # ---------------------------------------------------------------- PII values
    def luhn_complete(self, prefix, length):
        r = self.r
        body = prefix + "".join(str(r.randint(0, 9)) for _ in range(length - len(prefix) - 1))
        for d in range(10):
            s = body + str(d)
            tot = 0
            for i, ch in enumerate(reversed(s)):
                v = int(ch)
                if i % 2 == 1:
                    v *= 2
                    v -= 9 if v > 9 else 0
                tot += v
            if tot % 10 == 0:
                return s
        raise AssertionError

    def card(self):
        kind = self.pick(["visa", "visa", "mc", "amex", "disc", "mc2"])
        if kind == "visa":
            n = self.luhn_complete("4", 16)
        elif kind == "mc":
            n = self.luhn_complete(str(self.r.randint(51, 55)), 16)
        elif kind == "mc2":
            n = self.luhn_complete(str(self.r.randint(2221, 2720)), 16)
        elif kind == "amex":
            n = self.luhn_complete(self.pick(["34", "37"]), 15)
        else:
            n = self.luhn_complete("6011", 16)
        style = self.pick(["space", "dash", "bare", "dot", "mixed"])
        if style == "bare":
            return n, "bare"
        if style == "mixed" and len(n) == 16:
            return f"{n[:4]}-{n[4:8]} {n[8:12]}.{n[12:]}", style
        sep = {"space": " ", "dash": "-", "dot": "."}.get(style, "-")
        if len(n) == 15:
            return f"{n[:4]}{sep}{n[4:10]}{sep}{n[10:]}", style
        return sep.join(n[i:i + 4] for i in range(0, 16, 4)), style

    def ssn(self):
        r = self.r
        while True:
            a = r.randint(1, 899)
            if a != 666:
                break
        g, s = r.randint(1, 99), r.randint(1, 9999)
        style = self.pick(["dash", "dash", "space", "dot", "mixed"])
        if style == "mixed":
            return f"{a:03d}-{g:02d}.{s:04d}", style
        sep = {"dash": "-", "space": " ", "dot": "."}[style]
        return f"{a:03d}{sep}{g:02d}{sep}{s:04d}", style

    def phone(self):
        r = self.r
        # NANP: area and exchange start 2-9 and are never N11 service codes.
        a, e, n = r.randint(201, 989), r.randint(200, 999), r.randint(0, 9999)
        while a % 100 == 11:
            a = r.randint(201, 989)
        while e % 100 == 11:
            e = r.randint(200, 999)
        style = self.pick(["paren", "dash", "dot", "e164us", "e164intl", "e164intl"])
        if style == "paren":
            return f"({a}) {e}-{n:04d}", style
        if style == "dash":
            return f"{a}-{e}-{n:04d}", style
        if style == "dot":
            return f"{a}.{e}.{n:04d}", style
        if style == "e164us":
            return self.pick([f"+1 {a} {e} {n:04d}", f"+1{a}{e}{n:04d}", f"+1-{a}-{e}-{n:04d}"]), style
        cc, fmt = self.pick([("44", "20 {a4} {b4}"), ("49", "30 {a4} {b4}"), ("33", "1 {a2} {b2} {c2} {d2}"),
                             ("91", "98{a3} {b5}"), ("81", "3-{a4}-{b4}"), ("234", "803 {a3} {b4}"),
                             ("55", "11 9{a4}-{b4}"), ("49", "89 {a3}{b4}"), ("39", "06 {a4} {b4}"),
                             ("86", "138 {a4} {b4}"), ("61", "4{a2} {a3} {b3}"), ("27", "82 {a3} {b4}"),
                             ("52", "55 {a4} {b4}"), ("62", "812 {a4} {b4}"), ("90", "532 {a3} {b2} {c2}")])
        vals = {"a4": f"{r.randint(0, 9999):04d}", "b4": f"{r.randint(0, 9999):04d}", "a2": f"{r.randint(10, 99)}",
                "b2": f"{r.randint(10, 99)}", "c2": f"{r.randint(10, 99)}", "d2": f"{r.randint(10, 99)}",
                "a3": f"{r.randint(100, 999)}", "b5": f"{r.randint(10000, 99999)}", "b3": f"{r.randint(100, 999)}"}
        return "+" + cc + " " + fmt.format(**vals), style

    def iban(self):
        r = self.r
        cc = self.pick(sorted(IBAN_COUNTRIES))
        shape, n = IBAN_COUNTRIES[cc]
        if shape == "n":
            bban = "".join(str(r.randint(0, 9)) for _ in range(n))
        else:
            bban = ""
            i = 0
            while i < len(shape):
                kind = shape[i]
                j = i + 1
                while j < len(shape) and shape[j].isdigit():
                    j += 1
                cnt = int(shape[i + 1:j])
                alphabet = string.digits if kind == "n" else string.ascii_uppercase
                bban += "".join(r.choice(alphabet) for _ in range(cnt))
                i = j
        num = "".join(str(int(c, 36)) for c in bban + cc + "00")
        check = 98 - int(num) % 97
        iban = f"{cc}{check:02d}{bban}"
        if self.r.random() < 0.5:
            return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4)), "grouped"
        return iban, "compact"

    def ipv4(self):
        r = self.r
        return f"{r.randint(11, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}", "v4"

    def ipv6(self):
        g = [self.hexs(self.r.randint(1, 4)).lstrip("0") or "0" for _ in range(8)]
        if self.r.random() < 0.5:
            return "2001:db8::" + ":".join(g[5:]), "v6-compressed"
        return ":".join(g), "v6-full"

    def name(self):
        return self.pick(FIRST), self.pick(LAST)

    def email_addr(self):
        f, last = self.name()
        local = self.pick([f"{f}.{last}", f"{f[0]}{last}", f"{f}_{last}", f"{f}{self.r.randint(1, 99)}",
                           f"{f}.{last}+x402"]).lower()
        dom = self.pick(["example.com", "mail.example.org", "corp.co.uk", "gmail.com", "outlook.com", "uni.edu"])
        return f"{local}@{dom}"


def obfuscate_email(g, e):
    """Returns (surface text, form)."""
    form = g.pick(["plain"] * 6 + ["percent", "double", "html", "fullwidth", "zw", "cyrillic", "bidi"])
    if form == "plain":
        return e, form
    if form == "percent":
        return e.replace("@", "%40"), form
    if form == "double":
        return e.replace("@", "%2540"), form
    if form == "html":
        return e.replace("@", g.pick(["&#64;", "&#x40;", "&commat;"])), form
    if form == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in e), form
    if form == "zw":
        i = g.r.randint(1, len(e) - 1)
        return e[:i] + "\u200b" + e[i:], form
    if form == "cyrillic":
        return e.replace("a", "\u0430", 1).replace("e", "\u0435", 1).replace("o", "\u043e", 1), form
    return e.replace("@", "\u202e@"), form


class Builder:
    """Accumulates a field's text and its ground-truth spans."""

    def __init__(self, field):
        self.field, self.text, self.spans, self.hard = field, "", [], []

    def add(self, s):
        self.text += s

    def pii(self, s, entity, form):
        self.spans.append({"field": self.field, "start": len(self.text), "end": len(self.text) + len(s),
                           "entity": entity, "form": form})
        self.text += s


def url_field(g, cat, pii):
    b = Builder("url")
    host = g.pick(HOSTS[cat])
    b.add(f"https://{host}")
    b.add(g.fill(g.pick(PATHS[cat])))
    if pii == "EMAIL_ADDRESS":
        e = g.email_addr()
        where = g.pick(["path", "query", "b64", "b64path", "nonlatin"])
        s, form = obfuscate_email(g, e)
        if where == "path":
            b.add(g.c("email_path"))
            b.pii(s, "EMAIL_ADDRESS", form)
        elif where == "b64path":
            b.add(g.c("email_path"))
            b.pii(base64.urlsafe_b64encode(e.encode()).decode().rstrip("="), "EMAIL_ADDRESS", "base64-path")
            b.add("/inbox")
        elif where == "nonlatin":
            b.add("?" + g.pick(["email", "contact"]) + "=")
            b.pii(g.pick(NON_LATIN_LOCAL) + e[e.index("@"):], "EMAIL_ADDRESS", "nonlatin-local")
        elif where == "query":
            b.add("?" + g.pick(["email", "user", "contact", "to"]) + "=")
            b.pii(s if form != "plain" else e.replace("@", g.pick(["@", "%40"])), "EMAIL_ADDRESS",
                  form if form != "plain" else "query")
            b.add("&limit=10")
        else:
            b.add("?q=")
            enc = base64.urlsafe_b64encode(e.encode()).decode()
            if g.r.random() < 0.5:
                enc = enc.rstrip("=")
            b.pii(enc, "EMAIL_ADDRESS", "base64")
        return b
    if pii == "PERSON":
        f, last = g.name()
        form = g.pick(["slug-dash", "slug-underscore", "query-plus", "query-encoded", "patient", "user-dot"])
        if form == "slug-dash":
            b.add(g.c("person_path"))
            b.pii(f"{f}-{last}".lower(), "PERSON", form)
        elif form == "slug-underscore":
            b.add(g.c("person_path_us"))
            b.pii(f"{f}_{last}".lower(), "PERSON", form)
        elif form == "query-plus":
            b.add("?" + g.c("name_key") + "=")
            b.pii(f"{f}+{last}", "PERSON", form)
        elif form == "query-encoded":
            b.add("?" + g.pick(["name", "patient_name", "customer"]) + "=")
            b.pii(f"{f}%20{last}", "PERSON", form)
        elif form == "patient":
            b.add("?patient=")
            b.pii(f"{f}-{last}".lower(), "PERSON", form)
        else:
            b.add("?user=")
            b.pii(f"{f}.{last}".lower(), "PERSON", form)
        b.add(("&" if "?" in b.text else "?") + "v=" + str(g.r.randint(1, 3)))
        return b
    if pii == "LOCATION":
        b.add("?" + g.pick(["city", "location", "region", "country"]) + "=")
        place = g.pick(CITIES + COUNTRIES)
        form = g.pick(["plain", "lower"])
        s = place if form == "plain" else place.lower()
        b.pii(urllib.parse.quote(s), "LOCATION", "query-" + form)
        b.add("&units=metric")
        return b
    if pii == "IP_ADDRESS":
        ip, form = g.ipv4() if g.r.random() < 0.6 else g.ipv6()
        b.add("?client_ip=")
        b.pii(ip, "IP_ADDRESS", form)
        return b
    if pii in ("CREDIT_CARD", "US_SSN", "PHONE_NUMBER", "IBAN_CODE"):
        val, form = {"CREDIT_CARD": g.card, "US_SSN": g.ssn, "PHONE_NUMBER": g.phone, "IBAN_CODE": g.iban}[pii]()
        key, path = {"CREDIT_CARD": ("card_key", "card_path"), "US_SSN": ("ssn_key", "ssn_path"),
                     "PHONE_NUMBER": ("phone_key", "phone_path"), "IBAN_CODE": ("card_key", "iban_path")}[pii]
        where = g.pick(["query", "query", "path", "form", "fragment"])
        if pii == "IBAN_CODE" and where != "path":
            key = None
        if where == "path":
            compact = val.replace(" ", "") if pii == "IBAN_CODE" else val.replace(" ", "-")
            b.add(g.c(path))
            b.pii(compact, pii, "path")
            b.add(g.pick(["/limits", "/history", "/porting", "/balance", ""]))
        elif where == "form":
            b.add("?" + (g.c(key) if key else "iban") + "=")
            b.pii(urllib.parse.quote_plus(val), pii, "form-" + form)
            b.add("&lang=en")
        elif where == "fragment":
            b.add("#" + (g.c(key) if key else "iban") + "=")
            b.pii(val, pii, "fragment-" + form)
        else:
            b.add("?" + (g.c(key) if key else "iban") + "=")
            if pii == "CREDIT_CARD" and form == "bare" and g.r.random() < 0.3:
                b.pii(base64.b64encode(val.encode()).decode(), pii, "base64")
            elif pii in ("US_SSN", "PHONE_NUMBER") and g.r.random() < 0.15:
                b.pii(val.translate(ARABIC), pii, "arabic-indic")
            else:
                b.pii(urllib.parse.quote(val), pii, "query-" + form)
        return b
    # benign query
    q = g.pick(["", "?lat=52.52&lon=13.40", "?limit=50&offset=100", "?format=json",
                "?ts=" + str(g.r.randint(1600000000, 1800000000)),
                "?id=" + g.uuid(), "?amount=" + str(g.r.choice([10000, 1000000])), "?q=weather+berlin+forecast"])
    if "berlin" in q:
        q = "?q=weather+report+daily"
    b.add(q)
    return b


def text_field(g, field, cat, pii):
    b = Builder(field)
    if field == "description":
        b.add(g.fill(g.pick(DESCRIPTIONS[cat])))
    else:
        b.add(g.fill(g.pick(REASONS)))
    if g.r.random() < 0.5:
        b.add("; " + g.fill(g.pick(BENIGN_EXTRAS)))
    if g.r.random() < 0.06:
        phrase = g.pick(HARD_NEGATIVES + HELD_OUT_NEGATIVES)
        b.add("; ")
        b.hard.append({"field": field, "start": len(b.text), "end": len(b.text) + len(phrase),
                       "kind": "held_out" if phrase in HELD_OUT_NEGATIVES else "listed"})
        b.add(phrase)
    if pii is None:
        return b
    if pii == "PERSON":
        f, last = g.name()
        form = g.pick(["for", "pair", "last-first", "initial", "dr", "patient", "requested-by",
                       # forms the rules were not written for (added after the first evaluation)
                       "possessive", "leading", "cc", "lowercase",
                       # issue 20: a single given name after a strong cue
                       "given-only"])
        if form == "given-only":
            b.add(" for " + g.c("strong_text") + " ")
            b.pii(f, "PERSON", form)
            b.add(".")
            return b
        if form == "possessive":
            b.add(" - ")
            b.pii(f"{f} {last}", "PERSON", form)
            b.add("'s records")
            return b
        if form == "leading":
            b.text = ""
            b.pii(f"{f} {last}", "PERSON", form)
            b.add(": " + g.fill(g.pick(DESCRIPTIONS[cat] if field == "description" else REASONS)).lower())
            return b
        if form == "cc":
            b.add(", cc ")
            b.pii(f"{f} {last}", "PERSON", form)
            return b
        if form == "lowercase":
            b.add(" for ")
            b.pii(f"{f} {last}".lower(), "PERSON", form)
            return b
        if form == "for":
            b.add(" for ")
            b.pii(f"{f} {last}", "PERSON", form)
        elif form == "pair":
            b.add(" - ")
            b.pii(f"{f} {last}", "PERSON", form)
            b.add(" account")
        elif form == "last-first":
            b.add(g.c("lf_text"))
            b.pii(f"{last}, {f}", "PERSON", form)
        elif form == "initial":
            b.add(" approved by ")
            b.pii(f"{f[0]}. {last}", "PERSON", form)
        elif form == "dr":
            b.add(" ordered by Dr. ")
            b.pii(f"{f} {last}", "PERSON", form)
        elif form == "patient":
            b.add(" (patient ")
            b.pii(f"{f} {last}", "PERSON", form)
            b.add(")")
        else:
            b.add(", requested by ")
            b.pii(f"{f} {last}", "PERSON", form)
    elif pii == "LOCATION":
        place = g.pick(CITIES + COUNTRIES + STATES)
        form = g.pick(["in", "for", "from", "comma"])
        if form == "comma":
            city = g.pick(CITIES)
            country = g.pick(COUNTRIES)
            b.add(" - office ")
            b.pii(city, "LOCATION", "city")
            b.add(", ")
            b.pii(country, "LOCATION", "country")
            return b
        b.add({"in": " in ", "for": " for ", "from": " from "}[form])
        b.pii(place, "LOCATION", form)
    elif pii == "EMAIL_ADDRESS":
        e = g.email_addr()
        s, form = obfuscate_email(g, e)
        b.add(", notify ")
        b.pii(s, "EMAIL_ADDRESS", form)
    elif pii == "US_SSN":
        s, form = g.ssn()
        b.add(g.pick([" SSN ", " ssn: ", " (SSN ", " member SSN "]))
        if g.r.random() < 0.2:
            s, form = s.replace("-", "\u2013"), "endash"
        b.pii(s, "US_SSN", form)
    elif pii == "CREDIT_CARD":
        c, form = g.card()
        b.add(g.pick([" card ", " charged to card ", " PAN "]))
        if g.r.random() < 0.15:
            c, form = "".join(chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch for ch in c), "fullwidth"
        b.pii(c, "CREDIT_CARD", form)
    elif pii == "PHONE_NUMBER":
        p, form = g.phone()
        b.add(g.pick([" call ", " contact ", ", tel ", " callback "]))
        b.pii(p, "PHONE_NUMBER", form)
    elif pii == "IBAN_CODE":
        i, form = g.iban()
        b.add(g.pick([" IBAN ", " payout to ", " account "]))
        b.pii(i, "IBAN_CODE", form)
    elif pii == "IP_ADDRESS":
        ip, form = g.ipv4() if g.r.random() < 0.6 else g.ipv6()
        b.add(g.pick([" from ", " client ", " origin IP "]))
        b.pii(ip, "IP_ADDRESS", form)
    return b


ENTITIES = ["EMAIL_ADDRESS", "US_SSN", "CREDIT_CARD", "PHONE_NUMBER", "IBAN_CODE", "IP_ADDRESS", "PERSON", "LOCATION"]
URL_OK = {"EMAIL_ADDRESS", "PERSON", "LOCATION", "IP_ADDRESS", "CREDIT_CARD", "PHONE_NUMBER", "US_SSN", "IBAN_CODE"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=2400)
    ap.add_argument("--seed", type=int, default=402)
    ap.add_argument("--split", choices=sorted(CONTEXTS), default="tune")
    a = ap.parse_args()
    g = Gen(a.seed, a.split)
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        for k in range(a.n):
            cat = CATEGORIES[k % len(CATEGORIES)]
            positive = g.r.random() < 0.42
            pii_fields = {}
            if positive:
                n_pii = 1 if g.r.random() < 0.7 else 2
                for _ in range(n_pii):
                    ent = g.pick(ENTITIES)
                    field = g.pick(["url", "description", "reason"])
                    if field == "url" and ent not in URL_OK:
                        field = "description"
                    pii_fields.setdefault(field, ent)
            fields, spans, hard = {}, [], []
            ub = url_field(g, cat, pii_fields.get("url"))
            db = text_field(g, "description", cat, pii_fields.get("description"))
            rb = text_field(g, "reason", cat, pii_fields.get("reason"))
            for bld in (ub, db, rb):
                fields[bld.field] = bld.text
                spans.extend(bld.spans)
                hard.extend(bld.hard)
            f.write(json.dumps({"id": k, "category": cat, "fields": fields, "spans": spans, "hard_negatives": hard},
                               ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
