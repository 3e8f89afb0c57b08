"""Vectors for exact money: atomic amounts, config USD values, USD conversion."""
from common import case, write

HOSTILE_ATOMIC = [
    ("1e2", "exponent"), ("1_0", "underscore"), ("NaN", "NaN"), ("-0.5", "negative fraction"),
    ("inf", "infinity"), (" 0.01 ", "whitespace and fraction"), ("0x10", "hex"),
    ("0.1000000000000000055", "float artefact"), ("", "empty"), ("+1", "plus sign"),
    ("-1", "negative"), ("01", "leading zero"), ("00", "double zero"), ("1.0", "fraction of an atomic unit"),
    ("1 ", "trailing space"), ("\t1", "leading tab"), ("１２", "fullwidth digits"), ("١", "arabic-indic digit"),
    ("10000\u0000", "NUL suffix"), ("Infinity", "Infinity"), ("1,000", "thousands separator"),
]

atomic = [
    case("USDC one cent", {"amount": "10000"}, {"atomic": "10000"}),
    case("zero", {"amount": "0"}, {"atomic": "0"}),
    case("u128::MAX", {"amount": "340282366920938463463374607431768211455"},
         {"atomic": "340282366920938463463374607431768211455"}),
    case("u128::MAX + 1 overflows", {"amount": "340282366920938463463374607431768211456"},
         code="amount-overflow"),
    case("40 digits overflows", {"amount": "1" + "0" * 39}, code="amount-overflow"),
    case("very long amount overflows rather than rounding", {"amount": "9" * 400}, code="amount-overflow"),
] + [case("rejects " + why, {"amount": s}, code="amount-malformed", flags=["Hostile"]) for s, why in HOSTILE_ATOMIC]

usd = [
    case("0.10 exact", {"usd": "0.10"}, {"usd": "0.1", "atto": "100000000000000000"}),
    case("integer", {"usd": "5"}, {"usd": "5"}),
    case("5.00", {"usd": "5.00"}, {"usd": "5"}),
    case("zero", {"usd": "0"}, {"usd": "0", "atto": "0"}),
    case("one atto-dollar", {"usd": "0.000000000000000001"}, {"atto": "1"}),
    case("python json exponent form", {"usd": "1e-05"}, {"usd": "0.00001"}),
    case("upper-case exponent", {"usd": "2.5E+3"}, {"usd": "2500"}),
    case("float artefact 0.30000000000000004 kept exactly", {"usd": "0.30000000000000004"},
         {"usd": "0.30000000000000004"}),
    case("19 fractional digits", {"usd": "0.1000000000000000055"}, code="usd-too-precise"),
    case("trailing zeros beyond 18 digits are exact", {"usd": "0.0000000000000000010"}, {"atto": "1"}),
    case("too large", {"usd": "1e30"}, code="usd-overflow"),
] + [case("rejects " + repr(s), {"usd": s}, code="usd-malformed", flags=["Hostile"]) for s in
     ["-1", "$1", " 1", "1 ", ".5", "5.", "NaN", "inf", "0x1", "1_0", "", "1e", "-0.5", "１"]]

to_usd = [
    case("10000 atomic USDC is one cent", {"atomic": "10000", "decimals": 6, "price_usd": "1"}, {"usd": "0.01"}),
    case("1000 atomic USDC is a tenth of a cent", {"atomic": "1000", "decimals": 6, "price_usd": "1"},
         {"usd": "0.001"}),
    case("not read as dollars", {"atomic": "1000000", "decimals": 6, "price_usd": "1"}, {"usd": "1"}),
    case("18-decimal token at 0.998", {"atomic": "1000000000000000000", "decimals": 18, "price_usd": "0.998"},
         {"usd": "0.998"}),
    case("sub-atto value rounds up, never down", {"atomic": "1", "decimals": 30, "price_usd": "1"},
         {"usd": "0.000000000000000001"}),
    case("wide intermediate product", {"atomic": "340282366920938463463374607431768211455", "decimals": 38,
                                       "price_usd": "1"}, {"usd": "3.402823669209384635"}),
    case("result overflow", {"atomic": "340282366920938463463374607431768211455", "decimals": 6,
                             "price_usd": "1"}, code="amount-overflow"),
    case("hostile amount", {"atomic": "1e6", "decimals": 6, "price_usd": "1"}, code="amount-malformed"),
]

write("money-parse-atomic.json", "money.parse-atomic",
      ["Atomic token amounts: strict canonical decimal integers that fit u128."],
      [{"tests": atomic}], {"Hostile": "A form seen from hostile or buggy servers."})
write("money-parse-usd.json", "money.parse-usd",
      ["Configuration USD values, parsed exactly into 10^-18 dollar units."],
      [{"tests": usd}], {"Hostile": "A form that must never be guessed at."})
write("money-to-usd.json", "money.to-usd",
      ["Pricing atomic amounts with trusted decimals; rounding is always up."],
      [{"tests": to_usd}])
