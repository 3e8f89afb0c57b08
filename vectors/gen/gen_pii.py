"""Vectors for the PII engine: evasions, span mapping, negatives, positives,
templates, entity filter, min_score, actions and JSON recursion.

Expected values are written by hand: they are the contract, not a snapshot of
the implementation. `expected` is subset-matched by every runner.
"""
import base64
from common import case, write

R = "<REDACTED>"


def b64(s, url=False, pad=True):
    e = (base64.urlsafe_b64encode if url else base64.standard_b64encode)(s.encode()).decode()
    return e if pad else e.rstrip("=")


def red(comment, text, out, types=None, flags=(), **cfg):
    exp = {"text": out}
    if types is not None:
        exp["entities"] = [{"entity_type": t} for t in types]
    return case(comment, {"text": text, **cfg}, exp, flags=flags)


def scan(comment, text, found, flags=(), **cfg):
    return case(comment, {"text": text, **cfg},
                {"findings": [{"entity_type": t, "text": s} for t, s in found]}, flags=flags)


def none(comment, text, flags=("Negative",), **cfg):
    return case(comment, {"text": text, **cfg}, {"findings": []}, flags=list(flags))


# ---------------------------------------------------------------- evasions
evasions = [
    red("BiDi override inside an e-mail", "contact alice\u202e@example.com today", f"contact {R} today",
        ["EMAIL_ADDRESS"], ["Evasion", "Cf"]),
    red("zero-width space inside an e-mail", "alice\u200b@exa\u200bmple.com", R, ["EMAIL_ADDRESS"], ["Evasion", "Cf"]),
    red("zero-width joiner and non-joiner", "bob\u200d.smith\u200c@example.org", R, ["EMAIL_ADDRESS"], ["Evasion", "Cf"]),
    red("word joiner and BOM in an SSN", "ssn 123\u2060-45-\ufeff6789", f"ssn {R}", ["US_SSN"], ["Evasion", "Cf"]),
    red("soft hyphen in a card", "4111\u00ad1111\u00ad1111\u00ad1111", R, ["CREDIT_CARD"], ["Evasion", "Cf"]),
    red("tag characters (Cf, plane 14) in an e-mail", "carol\U000E0041@example.com", R, ["EMAIL_ADDRESS"], ["Evasion", "Cf"]),
    red("left-to-right mark and isolate in a phone", "call 415\u200e-555-\u20662671", f"call {R}", ["PHONE_NUMBER"], ["Evasion", "Cf"]),
    red("fullwidth e-mail (NFKC)", "ｍａｉｌ ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", f"ｍａｉｌ {R}", ["EMAIL_ADDRESS"], ["Evasion", "NFKC"]),
    red("fullwidth digits in a card (NFKC)", "card ４１１１ １１１１ １１１１ １１１１", f"card {R}", ["CREDIT_CARD"], ["Evasion", "NFKC"]),
    red("fullwidth digits in an SSN (NFKC)", "SSN １２３-４５-６７８９", f"SSN {R}", ["US_SSN"], ["Evasion", "NFKC"]),
    red("mathematical bold e-mail (NFKC)", "\U0001d41a\U0001d425\U0001d422\U0001d41c\U0001d41e@example.com", R,
        ["EMAIL_ADDRESS"], ["Evasion", "NFKC"]),
    red("small commercial at U+FE6B", "alice\ufe6bexample.com", R, ["EMAIL_ADDRESS"], ["Evasion", "NFKC"]),
    red("Cyrillic look-alikes in an e-mail", "\u0430li\u0441e@\u0435x\u0430mple.com", R, ["EMAIL_ADDRESS"], ["Evasion", "Homoglyph"]),
    red("Greek look-alikes in an e-mail", "\u03b1lice@ex\u03b1mple.c\u03bfm", R, ["EMAIL_ADDRESS"], ["Evasion", "Homoglyph"]),
    red("Cyrillic look-alikes in a name", "patient \u0416ohn Sm\u0456th".replace("\u0416", "J"), f"patient {R}", ["PERSON"],
        ["Evasion", "Homoglyph"]),
    red("Greek capitals in an IBAN", "iban \u0394E89370400440532013000".replace("\u0394", "D").replace("E89", "\u0395" + "89"),
        f"iban {R}", ["IBAN_CODE"], ["Evasion", "Homoglyph"]),
    red("en dash SSN", "SSN 123\u201345\u20136789", f"SSN {R}", ["US_SSN"], ["Evasion", "Hyphen"]),
    red("hyphen U+2010 SSN", "123\u201045\u20106789", R, ["US_SSN"], ["Evasion", "Hyphen"]),
    red("minus sign U+2212 SSN", "123\u221245\u22126789", R, ["US_SSN"], ["Evasion", "Hyphen"]),
    red("non-breaking hyphen phone", "415\u2011555\u20112671", R, ["PHONE_NUMBER"], ["Evasion", "Hyphen"]),
    red("figure dash card", "4111\u20121111\u20121111\u20121111", R, ["CREDIT_CARD"], ["Evasion", "Hyphen"]),
    red("em dash and fullwidth hyphen phone", "+1\u2014415\uff0d555\uff0d2671", R, ["PHONE_NUMBER"], ["Evasion", "Hyphen"]),
    red("percent-encoded @", "https://api.example.com/u/alice%40example.com/orders",
        f"https://api.example.com/u/{R}/orders", ["EMAIL_ADDRESS"], ["Evasion", "Percent"]),
    red("double-encoded %2540", "https://api.example.com/u/alice%2540example.com",
        f"https://api.example.com/u/{R}", ["EMAIL_ADDRESS"], ["Evasion", "Percent"]),
    red("fully percent-encoded e-mail", "q=%61%6C%69%63%65%40%65%78%61%6D%70%6C%65%2E%63%6F%6D&x=1",
        f"q={R}&x=1", ["EMAIL_ADDRESS"], ["Evasion", "Percent"]),
    red("percent-encoded SSN dashes", "ssn=123%2D45%2D6789", f"ssn={R}", ["US_SSN"], ["Evasion", "Percent"]),
    red("percent-encoded zero-width space inside an e-mail", "alice%E2%80%8B@example.com", R, ["EMAIL_ADDRESS"],
        ["Evasion", "Percent", "Cf"]),
    red("double-encoded spaces in a card", "card=4111%25201111%25201111%25201111", f"card={R}", ["CREDIT_CARD"],
        ["Evasion", "Percent"]),
    red("three rounds of encoding are not decoded (two at most)", "q=alice%252540example.com",
        "q=alice%252540example.com", [], ["Evasion", "Percent", "Bound"]),
    red("HTML decimal reference &#64;", "alice&#64;example.com", R, ["EMAIL_ADDRESS"], ["Evasion", "Html"]),
    red("HTML hex reference &#x40;", "mail: alice&#x40;example.com.", f"mail: {R}.", ["EMAIL_ADDRESS"], ["Evasion", "Html"]),
    red("HTML named reference &commat; and &period;", "alice&commat;example&period;com", R, ["EMAIL_ADDRESS"],
        ["Evasion", "Html"]),
    red("HTML references for digits and hyphens", "&#49;23&#45;45&hyphen;6789", R, ["US_SSN"], ["Evasion", "Html"]),
    red("percent-encoded HTML reference", "alice%26%2364%3Bexample.com", R, ["EMAIL_ADDRESS"], ["Evasion", "Html", "Percent"]),
    red("base64 e-mail in a query value", "https://api.example.com/s?q=" + b64("alice@example.com") + "&page=2",
        "https://api.example.com/s?q=" + R + "&page=2", ["EMAIL_ADDRESS"], ["Evasion", "Base64"]),
    red("base64url card without padding", "https://api.example.com/pay?c=" + b64("4111 1111 1111 1111", True, False),
        "https://api.example.com/pay?c=" + R, ["CREDIT_CARD"], ["Evasion", "Base64"]),
    red("base64url e-mail with - and _", "x?t=" + b64("a.b>?c@example.com", True, False), "x?t=" + R, ["EMAIL_ADDRESS"],
        ["Evasion", "Base64"]),
    red("base64 SSN", "?id=" + b64("ssn 123-45-6789"), "?id=" + R, ["US_SSN"], ["Evasion", "Base64"]),
    red("base64 of benign text is left alone", "?q=" + b64("hello world, weather please"),
        "?q=" + b64("hello world, weather please"), [], ["Base64", "Negative"]),
    red("a hex digest query value is not base64 PII", "?h=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "?h=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", [], ["Base64", "Negative"]),
]

# ---------------------------------------------------- spans and surroundings
spans = [
    red("benign escapes around a finding stay byte-identical",
        "https://x.io/a%20b/alice%40example.com?x=%7Efoo&y=a&amp;b",
        f"https://x.io/a%20b/{R}?x=%7Efoo&y=a&amp;b", ["EMAIL_ADDRESS"], ["Span"]),
    red("non-ASCII text around a finding is untouched", "Zahlung für Jürgen: alice@example.com ✓",
        f"Zahlung für Jürgen: {R} ✓", ["EMAIL_ADDRESS"], ["Span"]),
    red("escaped text elsewhere is not normalised in the output", "caf%C3%A9 &amp; ＡＰＩ alice@example.com",
        f"caf%C3%A9 &amp; ＡＰＩ {R}", ["EMAIL_ADDRESS"], ["Span"]),
    red("two findings, text between kept", "a@example.com and 123-45-6789!", f"{R} and {R}!",
        ["EMAIL_ADDRESS", "US_SSN"], ["Span"]),
    red("invisible characters outside the span are kept", "\u200bx alice@example.com\u200b", f"\u200bx {R}\u200b",
        ["EMAIL_ADDRESS"], ["Span"]),
    case("byte offsets refer to the original UTF-8 text", {"text": "é alice@example.com"},
         {"findings": [{"entity_type": "EMAIL_ADDRESS", "start": 3, "end": 20, "text": "alice@example.com"}]}, flags=["Span"]),
    case("a decoded span covers its whole escape", {"text": "u/alice%40example.com"},
         {"findings": [{"entity_type": "EMAIL_ADDRESS", "start": 2, "end": 21, "text": "alice%40example.com"}]},
         flags=["Span"]),
    case("a fullwidth span covers whole characters", {"text": "x ４１１１ １１１１ １１１１ １１１１"},
         {"findings": [{"entity_type": "CREDIT_CARD", "start": 2, "end": 53}]}, flags=["Span"]),
    red("redaction is idempotent on its own output", f"{R} and {R}", f"{R} and {R}", [], ["Span"]),
    red("empty text", "", "", [], ["Span"]),
]

# ---------------------------------------------------------------- negatives
negatives = [
    none("UUID", "order 550e8400-e29b-41d4-a716-446655440000 settled"),
    none("UUID in a URL path", "https://api.example.com/v1/jobs/123e4567-e89b-12d3-a456-426614174000"),
    none("transaction hash", "tx 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"),
    none("EVM address", "payTo 0x209693Bc6afc0C5328bA36FaF03C514EF312287C"),
    none("lowercase EVM address", "asset=0x833589fcd6edb6e08f4c7c32d4f71b54bda02913"),
    none("sha256 hex digest", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
    none("md5 digest", "etag d41d8cd98f00b204e9800998ecf8427e"),
    none("unix timestamp (seconds)", "ts=1700000000"),
    none("unix timestamp (milliseconds)", "validBefore 1700000000123"),
    none("bare 10-digit timestamp in text", "created 1712345678 by the agent"),
    none("atomic amount", "maxAmountRequired=10000"),
    none("large atomic amount (18 decimals)", "amount 250000000000000000"),
    none("16-digit atomic amount", "amount=4000000000000000"),
    none("atomic amount after an amount key even when Luhn-valid", "amount=4111111111111111"),
    none("order id with prefix", "order ORD-2024-000123"),
    none("order id with hex suffix", "order_8f3a2b1c9d"),
    none("invoice number", "INV-000123456"),
    none("9-digit order number without SSN cue", "order 123456789 shipped"),
    none("semantic version", "sdk 1.2.3"),
    none("v-prefixed 4-part version", "v1.2.3.4"),
    none("version with cue and 4 parts", "version 10.0.1.2"),
    none("pre-release version", "2.0.0-beta.1"),
    none("CAIP-2 network", "network eip155:8453"),
    none("Solana network id", "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"),
    none("ISO timestamp", "at 2024-01-15T10:30:00Z"),
    none("price and asset", "price $0.01 (10000 USDC atomic units)"),
    none("host and port", "http://localhost:8080/api"),
    none("x402 description", "Access to premium weather forecast API"),
    none("ambiguous first names without context", "Grant access; Will retry; Bill payment due in May"),
    none("place-like word without a cue", "Reading list and Nice to have"),
    none("ambiguous first names next to words", "Bill Payment, May 2024, Grant Access, June Release"),
    none("organisation named after people", "Morgan Stanley research feed"),
    none("place inside an organisation name", "Lincoln Financial rates"),
    none("product words after a cue word", "Customer Success plan; Patient Portal v2"),
    none("acronym after a cue word", "member SSN lookup"),
    none("salutation is not a name", "Dear Sir, Hi Team, Hello Madam"),
    none("Luhn-invalid card", "card 4111 1111 1111 1112"),
    none("SSN with area 000", "SSN 000-12-3456"),
    none("SSN with area 666", "SSN 666-12-3456"),
    none("SSN with area 9xx", "SSN 912-12-3456"),
    none("SSN with group 00", "SSN 123-00-4567"),
    none("SSN with serial 0000", "SSN 123-45-0000"),
    none("IBAN with a bad checksum", "IBAN DE89370400440532013001"),
    none("IBAN of the wrong length", "IBAN DE8937040044053201300"),
    none("IPv4 octet over 255", "ip 256.10.1.1"),
    none("phone with area code starting 1", "call 123-555-2671"),
    none("time of day is not IPv6", "at 12:30:45"),
    none("MAC address is not IPv6", "mac 00:1a:2b:3c:4d:5e"),
    none("Rust path is not IPv6", "std::collections::HashMap"),
    none("git-style user@host without a dot", "ssh deploy@localhost"),
    none("npm scoped package with a version", "@scope/pkg@1.2.3"),
    none("IPv4 host of a resource URL is the server, not personal data", "http://127.0.0.1:4021/weather"),
    none("IPv6 host of a resource URL", "https://[2001:db8::1]:8443/api"),
    none("Cyrillic word that is not PII", "\u0437\u0430\u043f\u0440\u043e\u0441 \u0434\u0430\u043d\u043d\u044b\u0445"),
]

# ------------------------------------------------------- per-entity positives
positives = [
    scan("e-mail with plus tag and subdomain", "to john.smith+x402@mail.example.co.uk.",
         [("EMAIL_ADDRESS", "john.smith+x402@mail.example.co.uk")]),
    scan("e-mail in a query", "?email=jane_doe@example.org&x=1", [("EMAIL_ADDRESS", "jane_doe@example.org")]),
    scan("SSN with dashes", "SSN 219-09-9998", [("US_SSN", "219-09-9998")]),
    scan("SSN with spaces", "ssn 536 22 1234", [("US_SSN", "536 22 1234")]),
    scan("bare SSN after a cue", "SSN: 536221234", [("US_SSN", "536221234")]),
    scan("Visa in groups", "card 4111 1111 1111 1111", [("CREDIT_CARD", "4111 1111 1111 1111")]),
    scan("Mastercard with dashes", "5555-5555-5555-4444", [("CREDIT_CARD", "5555-5555-5555-4444")]),
    scan("Amex 4-6-5", "amex 3782 822463 10005", [("CREDIT_CARD", "3782 822463 10005")]),
    scan("Discover bare", "pan=6011111111111117", [("CREDIT_CARD", "6011111111111117")]),
    scan("Mastercard 2-series", "2223003122003222", [("CREDIT_CARD", "2223003122003222")]),
    scan("NANP with parentheses", "call (415) 555-2671", [("PHONE_NUMBER", "(415) 555-2671")]),
    scan("NANP with dots", "tel 415.555.2671", [("PHONE_NUMBER", "415.555.2671")]),
    scan("NANP with country code", "1-800-555-0199", [("PHONE_NUMBER", "1-800-555-0199")]),
    scan("NANP bare after a cue", "phone=4155552671", [("PHONE_NUMBER", "4155552671")]),
    scan("E.164 compact", "whatsapp +14155552671", [("PHONE_NUMBER", "+14155552671")]),
    scan("E.164 UK with spaces", "+44 20 7946 0958", [("PHONE_NUMBER", "+44 20 7946 0958")]),
    scan("E.164 France", "tel: +33 1 42 68 53 00", [("PHONE_NUMBER", "+33 1 42 68 53 00")]),
    scan("E.164 Japan with hyphens", "+81-3-1234-5678", [("PHONE_NUMBER", "+81-3-1234-5678")]),
    scan("IBAN compact", "pay DE89370400440532013000 now", [("IBAN_CODE", "DE89370400440532013000")]),
    scan("IBAN grouped (UK)", "GB82 WEST 1234 5698 7654 32", [("IBAN_CODE", "GB82 WEST 1234 5698 7654 32")]),
    scan("IBAN France grouped", "FR14 2004 1010 0505 0001 3M02 606", [("IBAN_CODE", "FR14 2004 1010 0505 0001 3M02 606")]),
    scan("IBAN Netherlands compact", "NL91ABNA0417164300", [("IBAN_CODE", "NL91ABNA0417164300")]),
    scan("IPv4", "client 203.0.113.42 connected", [("IP_ADDRESS", "203.0.113.42")]),
    scan("IPv4 with port", "device at 192.168.1.20:8080 paid", [("IP_ADDRESS", "192.168.1.20")]),
    scan("server IP in a URL's host is not personal", "http://192.168.1.20:8080/x", []),
    scan("loopback is not personal", "http://127.0.0.1:4021/weather", []),
    scan("server IP after URL user info is not personal", "https://user@203.0.113.7/report", []),
    scan("IP in a path segment after an @ is personal", "https://a.example/x/u@203.0.113.7",
         [("IP_ADDRESS", "203.0.113.7")]),
    scan("loopback in free text is not personal", "connect to 127.0.0.1 first", []),
    scan("client IP in a query value is personal", "https://a.example/x?client_ip=192.168.1.20",
         [("IP_ADDRESS", "192.168.1.20")]),
    scan("IPv6 compressed", "from 2001:db8::8a2e:370:7334", [("IP_ADDRESS", "2001:db8::8a2e:370:7334")]),
    scan("IPv6 full", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", [("IP_ADDRESS", "2001:0db8:85a3:0000:0000:8a2e:0370:7334")]),
    scan("IPv6 bracketed with port", "peer [fe80::1]:443 paid", [("IP_ADDRESS", "fe80::1")]),
    scan("IPv6 URL host is not personal", "http://[fe80::1]:443/", []),
    scan("IPv4 in a query value", "http://api.example.com/x?client=192.168.1.20", [("IP_ADDRESS", "192.168.1.20")]),
    scan("IPv6 bracketed with port in text", "peer [fe80::1]:443 connected", [("IP_ADDRESS", "fe80::1")]),
    scan("IPv4-mapped IPv6", "::ffff:192.0.2.128", [("IP_ADDRESS", "::ffff:192.0.2.128")]),
    scan("capitalised First Last", "Invoice for John Smith", [("PERSON", "John Smith")]),
    scan("First M. Last", "signed by Mary J. Watson", [("PERSON", "Mary J. Watson")]),
    scan("Last, First", "Patient: Garcia, Maria", [("PERSON", "Garcia, Maria")]),
    scan("F. Last", "approved by J. Thompson", [("PERSON", "J. Thompson")]),
    scan("F.Last", "owner K.Robinson", [("PERSON", "K.Robinson")]),
    scan("first-last slug", "https://api.example.com/users/john-smith/history", [("PERSON", "john-smith")]),
    scan("first_last slug", "/profiles/linda_martinez", [("PERSON", "linda_martinez")]),
    scan("name after patient= (not in the gazetteer)", "?patient=oluwaseun-adeyemi&visit=3", [("PERSON", "oluwaseun-adeyemi")]),
    scan("name after Dr. (not in the gazetteer)", "Consult with Dr. Adaeze Okonkwo", [("PERSON", "Adaeze Okonkwo")]),
    scan("name after requester=", "requester=Priya+Raghunathan", [("PERSON", "Priya+Raghunathan")]),
    scan("name after user=", "user=wei.zhang&plan=pro", [("PERSON", "wei.zhang")]),
    scan("ambiguous first name with a cue", "for Will Turner", [("PERSON", "Will Turner")]),
    scan("accented name", "Rechnung für José García", [("PERSON", "José García")]),
    scan("ambiguous first name Grant with a cue", "refund for Grant Smith", [("PERSON", "Grant Smith")]),
    scan("ambiguous first name May with a cue", "Payment for May Johnson", [("PERSON", "May Johnson")]),
    scan("upper-case name", "CARDHOLDER JOHN SMITH", [("PERSON", "JOHN SMITH")]),
    scan("Last,First without a space", "owner Smith,John", [("PERSON", "Smith,John")]),
    scan("first.last path segment", "https://x.io/john.smith/orders", [("PERSON", "john.smith")]),
    scan("a name inside an e-mail is one e-mail finding", "john.smith@example.com",
         [("EMAIL_ADDRESS", "john.smith@example.com")]),
    scan("accented city", "shipped from São Paulo", [("LOCATION", "São Paulo")]),
    scan("upper-case country alias", "USA only", [("LOCATION", "USA")]),
    scan("country", "VAT rules for Germany", [("LOCATION", "Germany")]),
    scan("multi-word city", "Weather in New York", [("LOCATION", "New York")]),
    scan("US state", "shipping to Texas", [("LOCATION", "Texas")]),
    scan("city in a query", "?city=paris&days=3", [("LOCATION", "paris")]),
    scan("ambiguous place with a cue", "office in Reading", [("LOCATION", "Reading")]),
    scan("City, Country", "Lagos, Nigeria", [("LOCATION", "Lagos"), ("LOCATION", "Nigeria")]),
    scan("all entity types at once",
         "John Smith <js@example.com> 123-45-6789 4111111111111111 (415) 555-2671 DE89370400440532013000 10.0.0.1 in Berlin",
         [("PERSON", "John Smith"), ("EMAIL_ADDRESS", "js@example.com"), ("US_SSN", "123-45-6789"),
          ("CREDIT_CARD", "4111111111111111"), ("PHONE_NUMBER", "(415) 555-2671"),
          ("IBAN_CODE", "DE89370400440532013000"), ("IP_ADDRESS", "10.0.0.1"), ("LOCATION", "Berlin")]),
]

# ------------------------------------------- templates, filter, score, action
config = [
    red("default template", "alice@example.com", R),
    red("{entity_type} template", "alice@example.com / 123-45-6789", "<EMAIL_ADDRESS> / <US_SSN>",
        template="<{entity_type}>"),
    red("template with text around the placeholder", "ip 10.1.2.3", "ip [removed IP_ADDRESS]",
        template="[removed {entity_type}]"),
    red("fixed template", "John Smith paid", "*** paid", template="***"),
    red("empty template deletes", "x alice@example.com y", "x  y", template=""),
    red("entity filter keeps only e-mail", "alice@example.com (415) 555-2671", f"{R} (415) 555-2671",
        ["EMAIL_ADDRESS"], entities=["EMAIL_ADDRESS"]),
    red("entity filter keeps only PERSON", "John Smith alice@example.com", f"{R} alice@example.com", ["PERSON"],
        entities=["PERSON"]),
    red("empty entity list finds nothing", "alice@example.com 123-45-6789", "alice@example.com 123-45-6789", [],
        entities=[]),
    case("unknown entity name is a config error", {"text": "x", "entities": ["EMAIL"]}, code="config-bad-pii"),
    case("entities must be an array", {"text": "x", "entities": "EMAIL_ADDRESS"}, code="config-bad-pii"),
    red("min_score 800 drops phone numbers (750)", "alice@example.com (415) 555-2671", f"{R} (415) 555-2671",
        ["EMAIL_ADDRESS"], min_score=800),
    red("min_score 1000 keeps validated e-mail and card", "alice@example.com 4111 1111 1111 1111 10.0.0.1",
        f"{R} {R} 10.0.0.1", ["EMAIL_ADDRESS", "CREDIT_CARD"], min_score=1000),
    red("min_score 0 keeps everything", "call (415) 555-2671", f"call {R}", ["PHONE_NUMBER"], min_score=0),
    case("min_score above 1000 is a config error", {"text": "x", "min_score": 1001}, code="config-bad-pii"),
    case("negative min_score is a config error", {"text": "x", "min_score": -1}, code="config-bad-pii"),
    case("unknown action is a config error", {"text": "x", "action": "drop"}, code="config-bad-pii"),
    case("block action refuses PII", {"text": "mail alice@example.com", "action": "block"}, code="pii-blocked"),
    red("block action passes clean text", "weather forecast", "weather forecast", [], action="block"),
    red("warn action keeps the text and reports", "mail alice@example.com", "mail alice@example.com",
        ["EMAIL_ADDRESS"], action="warn"),
    case("text over the 16 KiB cap fails closed", {"text": "a" * 16385}, code="pii-input-too-large"),
    case("text at the cap is scanned", {"text": "a" * 16384}, {"text": "a" * 16384, "entities": []}),
    case("missing text is invalid input", {"value": "x"}, code="invalid-input"),
]

# ------------------------------------------------------------------ JSON
V1_CHALLENGE = {"x402Version": 1, "error": "X-PAYMENT header is required", "accepts": [{
    "scheme": "exact", "network": "base-sepolia", "maxAmountRequired": "10000",
    "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
    "resource": "https://api.example.com/premium-data", "description": "Access to premium market data",
    "mimeType": "application/json", "outputSchema": None, "maxTimeoutSeconds": 60,
    "extra": {"name": "USDC", "version": "2"}}]}
V2_CHALLENGE = {"x402Version": 2, "error": "Payment required", "resource": {
    "url": "http://127.0.0.1:4021/weather", "description": "Weather data", "mimeType": "application/json"},
    "accepts": [{"scheme": "exact", "network": "eip155:84532", "amount": "1000",
                 "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
                 "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 300,
                 "extra": {"name": "USDC", "version": "2"}}]}
nested = {"order": {"buyer": "alice@example.com", "note": "ship to Berlin"},
          "items": [{"sku": "A-1", "memo": "SSN 123-45-6789"}, 42, True, None],
          "alice@example.com": "key kept"}
deep = "x"
for _ in range(17):
    deep = {"a": deep}
deep_ok = "alice@example.com"
for _ in range(16):
    deep_ok = {"a": deep_ok}
json_cases = [
    case("recursive redaction of nested strings; keys and non-strings untouched", {"value": nested},
         {"value": {"order": {"buyer": R, "note": f"ship to {R}"},
                    "items": [{"sku": "A-1", "memo": f"SSN {R}"}, 42, True, None],
                    "alice@example.com": "key kept"},
          "entities": [{"path": "/alice@example.com"}, {"path": "/items/0/memo", "entity_type": "US_SSN"},
                       {"path": "/order/buyer", "entity_type": "EMAIL_ADDRESS"},
                       {"path": "/order/note", "entity_type": "LOCATION"}][1:]},
         flags=["Json"]),
    case("a plain string value", {"value": "call (415) 555-2671"},
         {"value": f"call {R}", "entities": [{"path": "", "entity_type": "PHONE_NUMBER"}]}, flags=["Json"]),
    case("numbers are not scanned", {"value": {"n": 4111111111111111}}, {"value": {"n": 4111111111111111}, "entities": []},
         flags=["Json"]),
    case("JSON Pointer escapes in paths", {"value": {"a/b": {"c~d": "alice@example.com"}}},
         {"entities": [{"path": "/a~1b/c~0d"}]}, flags=["Json"]),
    case("template and filter apply inside JSON", {"value": ["alice@example.com", "John Smith"],
                                                    "template": "<{entity_type}>", "entities": ["PERSON"]},
         {"value": ["alice@example.com", "<PERSON>"]}, flags=["Json"]),
    case("depth 16 is scanned", {"value": deep_ok}, {"entities": [{"entity_type": "EMAIL_ADDRESS"}]}, flags=["Json", "Cap"]),
    case("depth over 16 fails closed", {"value": deep}, code="pii-input-too-large", flags=["Json", "Cap"]),
    case("more than 1024 nodes fail closed", {"value": ["x"] * 1024}, code="pii-input-too-large", flags=["Json", "Cap"]),
    case("1023 array items (1024 nodes) are scanned", {"value": ["x"] * 1023}, {"entities": []}, flags=["Json", "Cap"]),
    case("an oversized string inside JSON fails closed", {"value": {"s": "a" * 16385}}, code="pii-input-too-large",
         flags=["Json", "Cap"]),
    case("block action inside JSON", {"value": {"s": "alice@example.com"}, "action": "block"}, code="pii-blocked",
         flags=["Json"]),
    case("warn action inside JSON keeps the value", {"value": {"s": "alice@example.com"}, "action": "warn"},
         {"value": {"s": "alice@example.com"}, "entities": [{"entity_type": "EMAIL_ADDRESS"}]}, flags=["Json"]),
    case("missing value is invalid input", {"text": "x"}, code="invalid-input", flags=["Json"]),
    case("a real x402 v1 challenge has no personal data", {"value": V1_CHALLENGE},
         {"value": V1_CHALLENGE, "entities": []}, flags=["Json", "Negative"]),
    case("a real x402 v2 challenge (loopback resource host) has no personal data", {"value": V2_CHALLENGE},
         {"value": V2_CHALLENGE, "entities": []}, flags=["Json", "Negative"]),
    case("PII in extra and the v2 resource echo is redacted", {"value": {
        "resource": {"url": "https://api.example.com/u/alice%40example.com", "description": "Report for John Smith"},
        "extra": {"note": "call +44 20 7946 0958", "name": "USDC"}}},
         {"value": {"resource": {"url": f"https://api.example.com/u/{R}", "description": f"Report for {R}"},
                    "extra": {"note": f"call {R}", "name": "USDC"}}}, flags=["Json"]),
]

# ---------------------------------------------------------------- host hints (pii_mode="nlp")
def hint(entity, text, score=850):
    return {"entity_type": entity, "text": text, "score": score}


hints = [
    red("an NER hint finds a name the gazetteers do not know", "Invoice for Zorbla Quenth, 3 items",
        f"Invoice for {R}, 3 items", ["PERSON"], ["Hint"], hints=[hint("PERSON", "Zorbla Quenth")]),
    red("ORGANIZATION comes only from hints", "Order placed by Blue Heron Widgets Ltd",
        f"Order placed by {R}", ["ORGANIZATION"], ["Hint"], hints=[hint("ORGANIZATION", "Blue Heron Widgets Ltd")]),
    red("every occurrence of a hinted text is redacted", "Quenth paid; Quenth again",
        f"{R} paid; {R} again", ["PERSON", "PERSON"], ["Hint"], hints=[hint("PERSON", "Quenth")]),
    red("hints join the core's own findings", "Zorbla Quenth <zq@example.com>",
        f"{R} <{R}>", ["PERSON", "EMAIL_ADDRESS"], ["Hint"], hints=[hint("PERSON", "Zorbla Quenth")]),
    red("a hint overlapping a core finding: the higher score wins, nothing is redacted twice",
        "mail zq@example.com now", f"mail {R} now", ["EMAIL_ADDRESS"], ["Hint"],
        hints=[hint("PERSON", "zq", 300)]),
    red("a hint under min_score is ignored", "Invoice for Zorbla Quenth", "Invoice for Zorbla Quenth", [], ["Hint"],
        hints=[hint("PERSON", "Zorbla Quenth", 400)], min_score=500),
    red("a hint of an entity that is not configured is ignored", "Invoice for Zorbla Quenth",
        "Invoice for Zorbla Quenth", [], ["Hint"], hints=[hint("PERSON", "Zorbla Quenth")], entities=["EMAIL_ADDRESS"]),
    red("a hint whose text is absent finds nothing", "weather data", "weather data", [], ["Hint"],
        hints=[hint("LOCATION", "Atlantis")]),
    red("hint matching is exact (case-sensitive)", "ZORBLA QUENTH", "ZORBLA QUENTH", [], ["Hint"],
        hints=[hint("PERSON", "Zorbla Quenth")]),
    case("a one-byte hint is refused", {"text": "x", "hints": [hint("PERSON", "x")]}, code="invalid-input",
         flags=["Hint"]),
    case("a hint longer than 256 bytes is refused", {"text": "x", "hints": [hint("PERSON", "y" * 257)]},
         code="invalid-input", flags=["Hint"]),
    case("more than 64 hints are refused", {"text": "x", "hints": [hint("PERSON", "ab")] * 65},
         code="invalid-input", flags=["Hint"]),
    case("a hint with an unknown entity is refused", {"text": "x", "hints": [hint("NRP", "ab")]},
         code="invalid-input", flags=["Hint"]),
    case("a hint score above 1000 is refused", {"text": "x", "hints": [hint("PERSON", "ab", 1001)]},
         code="invalid-input", flags=["Hint"]),
]

FLAGS = {
    "Evasion": "An obfuscation from THREATS.md that must not hide PII.",
    "Cf": "Unicode format characters (zero-width, BiDi, tags), stripped for matching.",
    "NFKC": "Compatibility forms (fullwidth, mathematical), folded for matching.",
    "Homoglyph": "Cyrillic or Greek look-alike letters.",
    "Hyphen": "Non-ASCII hyphens and dashes.",
    "Percent": "Percent-encoding, decoded at most two rounds.",
    "Html": "HTML character references.",
    "Base64": "Base64/base64url query values.",
    "Bound": "A decoding bound the engine keeps on purpose.",
    "Span": "Spans map to the original text; surroundings stay byte-identical.",
    "Negative": "Real x402 metadata that must not be flagged.",
    "Json": "Recursive scanning of JSON values.",
    "Cap": "Depth, node and size caps (fail closed).",
    "Hint": "Spans a host-side NER detector found (pii_mode=\"nlp\"), merged under the core's rules.",
}
HEADER = ["PII detection and redaction on x402 metadata. Offsets are UTF-8 byte offsets into the original text.",
          "Optional input fields: entities, min_score (per mille), template ({entity_type}), action."]

write("pii-redact.json", "pii.redact", HEADER,
      [{"type": "Evasions", "tests": evasions}, {"type": "Spans", "tests": [t for t in spans if "findings" not in t.get("expected", {})]},
       {"type": "Config", "tests": config}, {"type": "Hints", "tests": hints}], FLAGS)
write("pii-scan.json", "pii.scan", HEADER,
      [{"type": "Spans", "tests": [t for t in spans if "findings" in t.get("expected", {})]},
       {"type": "Negatives", "tests": negatives}, {"type": "Positives", "tests": positives}], FLAGS)
write("pii-redact-json.json", "pii.redact-json", HEADER + ["Every string inside `value` is scanned; keys are not."],
      [{"type": "Json", "tests": json_cases}], FLAGS)
