//! Names and towns that every list knows, written in each encoding and
//! layout that metadata uses for them: a miss here is the engine's handling
//! of the form, never its vocabulary. Each case must be found as a finding of
//! its entity that covers the written value (its encoded bytes included),
//! and a name must be found whole: a finding that covers half of it leaves
//! the other half in the clear. Whole names with particles, second surnames
//! and other scripts' letters (romanised Cyrillic and Greek; scripts without
//! case as a person's key's value) follow the same rule, and so do names
//! and towns whose parts no list needs to know, where their layout joins
//! them (`LAST/FIRST`, particles in a slug, a town's joiners). The probes
//! these forms came from are in `experiments/pii/HELDOUT.md` (v14 runs 36
//! to 38).

use presidio_x402_core::pii::{scan, EntityType, PiiConfig};

/// Given names and surnames that the name lists know.
const NAMES: &[(&str, &str)] = &[
    ("Maria", "Garcia"),
    ("Kofi", "Boateng"),
    ("Priya", "Sharma"),
    ("Olga", "Petrova"),
];

/// A name's layouts: `{F}`/`{L}` are the given name and the surname, `{f}`
/// and `{l}` their lower case, `{FU}`/`{LU}` their capitals and `{i}` the
/// given name's initial. The part of each text that must be redacted is
/// between `⟦` and `⟧`.
const NAME_FORMS: &[&str] = &[
    "https://a.io/x?name=⟦{F}+{L}⟧&n=1",
    "https://a.io/x?name=⟦{F}%20{L}⟧&n=1",
    "https://a.io/x?name=⟦{i}.+{L}⟧&n=1",
    "https://a.io/x?name=⟦{L}%2C+{F}⟧&n=1",
    "https://a.io/x?name=⟦{L},+{F}⟧&n=1",
    "https://a.io/x?name=⟦{F}+J.+{L}⟧&n=1",
    "https://a.io/x?name=⟦{f}.{l}⟧&n=1",
    "https://a.io/x?name=⟦{f}_{l}⟧&n=1",
    "https://a.io/x?name=⟦{F}-{L}⟧&n=1",
    "https://a.io/x?name=%22⟦{F}+{L}⟧%22&n=1",
    "https://a.io/x?name=⟦{F}%09{L}⟧&n=1",
    "https://a.io/x?name=⟦{F}%2520{L}⟧&n=1",
    "https://a.io/x?name=⟦{FU}+{LU}⟧&n=1",
    "https://a.io/x?customer=⟦{F}++{L}⟧&n=1",
    "https://a.io/customers/⟦{F}+{L}⟧/invoices",
    "https://a.io/customers/⟦{F}%20{L}⟧/invoices",
    "https://a.io/customers/⟦{f}-{l}⟧/invoices",
    "https://a.io/x#name=⟦{F}+{L}⟧",
    "{\"name\":\"⟦{F} {L}⟧\"}",
    "{\"name\":\"⟦{F}\\u0020{L}⟧\"}",
    "{\"name\":\"⟦{F}\\t{L}⟧\"}",
    "{\"name\":\"⟦{L}, {F}⟧\"}",
    "{\"name\":\"⟦{FU} {LU}⟧\"}",
    "{\"name\":\"⟦{F} J. {L}⟧\"}",
    "{\"name\":\"Dr. ⟦{F} {L}⟧\"}",
    "{\"name\":\"⟦{f} {l}⟧\"}",
    "{\"name\":\"⟦{F}\\u00a0{L}⟧\"}",
    "{\"customer\":\"⟦{F} {L}⟧ Jr.\"}",
    "customer: ⟦{F} {L}⟧",
    "customer: ⟦{F}\u{a0}{L}⟧",
    "customer: ⟦{F}&nbsp;{L}⟧",
    "customer: ⟦{FU} {LU}⟧",
    "customer: ⟦{L}, {F}⟧",
    "customer: ⟦{F} {L}⟧.",
    "customer \u{2013} ⟦{F} {L}⟧",
    "customer | ⟦{F} {L}⟧ | ok",
];

/// A name's parts in a name's object: each part is found.
const OBJECTS: &[&str] = &[
    "{\"name\":{\"first\":\"⟦{F}⟧\",\"last\":\"⟦{L}⟧\"}}",
    "{\"customer\":{\"id\":4,\"first\":\"⟦{F}⟧\",\"middle\":\"J\",\"last\":\"⟦{L}⟧\"}}",
    "{\"name\":[{\"family\":\"⟦{L}⟧\",\"given\":[\"⟦{F}⟧\"]}]}",
];

/// Towns that the place list knows, of one word and of several.
const TOWNS: &[&str] = &[
    "Nairobi",
    "New York",
    "Kuala Lumpur",
    "Cape Town",
    "Frankfurt",
];

/// A town's layouts: `{T}` is the town with `{s}` between its words, `{t}`
/// in lower case; the part to redact is between `⟦` and `⟧`.
const TOWN_FORMS: &[(&str, &str)] = &[
    ("https://a.io/x?city=⟦{T}⟧&n=1", "+"),
    ("https://a.io/x?city=⟦{T}⟧&n=1", "%20"),
    ("https://a.io/x?city=⟦{T}⟧&n=1", "_"),
    ("https://a.io/x?city=⟦{t}⟧&n=1", "-"),
    ("https://a.io/x?town=⟦{T}⟧", "+"),
    ("https://a.io/weather/⟦{T}⟧/today", "+"),
    ("https://a.io/weather/⟦{T}⟧/today", "%20"),
    ("https://a.io/cities/⟦{T}⟧/stores", "_"),
    ("{\"city\":\"⟦{T}⟧\"}", " "),
    ("{\"address\":{\"city\":\"⟦{T}⟧\"}}", " "),
    ("office in ⟦{T}⟧", " "),
    ("ships to ⟦{T}⟧ tomorrow", " "),
];

/// Whole names with particles, double surnames, hyphens, apostrophes and
/// letters beyond ASCII: no part of one may stay in the clear.
const WHOLE_NAMES: &[&str] = &[
    "Juan de la Cruz",
    "Pedro dos Santos",
    "Maria Garcia Lopez",
    "Anne-Marie Dubois",
    "Kwame Mensah-Bonsu",
    "José Martínez",
    "Lars Ølgaard",
    "Renée Côté",
    "Jan van Dijk",
    "Ahmed Al-Sayed",
    "Sean O'Brien",
    "Nguyen Van An",
    "Дмитрий Иванов",
    "Олена Шевченко",
    "Γιώργος Παπαδόπουλος",
];

/// A whole name's layouts: `{N}` as written, `{N+}` form-encoded as
/// written (`José+Martínez`), `{Nq}` form-encoded with its other letters
/// escaped, `{N%}` escaped with `%20`, `{NU}` in capitals, `{NFD}`
/// decomposed (`e` and U+0301), `{NFDq}` decomposed and escaped, `{LF}` as
/// `Last, First` (the first word is the given name).
const WHOLE_FORMS: &[&str] = &[
    "https://a.io/x?name=⟦{N+}⟧&n=1",
    "https://a.io/x?name=⟦{Nq}⟧&n=1",
    "https://a.io/x?name=⟦{N%}⟧&n=1",
    "https://a.io/customers/⟦{N%}⟧/invoices",
    "{\"name\":\"⟦{N}⟧\"}",
    "customer: ⟦{N}⟧",
    "customer: ⟦{NFD}⟧",
    "https://a.io/x?name=⟦{NFDq}⟧&n=1",
    "customer: ⟦{LF}⟧",
    "customer: ⟦{NU}⟧",
    "Paid on behalf of ⟦{N}⟧ for the March order",
];

/// Names in scripts without case, read as a person's key's value only.
const SCRIPT_NAMES: &[&str] = &[
    "محمد أحمد",
    "דוד כהן",
    "王伟",
    "山田 太郎",
    "김민준",
    "राहुल शर्मा",
];

/// A name's layouts as a person's key's value (see [`WHOLE_FORMS`]).
const SCRIPT_FORMS: &[&str] = &[
    "https://a.io/x?name=⟦{N+}⟧&n=1",
    "https://a.io/x?name=⟦{Nq}⟧&n=1",
    "https://a.io/customers/⟦{N%}⟧/invoices",
    "{\"customer\":\"⟦{N}⟧\"}",
    "recipient: ⟦{N}⟧",
];

/// Names and towns whose parts no list needs to know, in the layouts that
/// join them: each must be found whole (see HELDOUT "v14 run 38").
const JOINED: &[(EntityType, &str)] = &[
    (
        EntityType::Person,
        "https://a.io/x?passenger=⟦Kitchen%2FDjilali⟧&n=1",
    ),
    (EntityType::Person, "passenger: ⟦SMITH/JOHN⟧ MR"),
    (EntityType::Person, "customer: ⟦Mac Domhnaill, Cathriona⟧"),
    (
        EntityType::Person,
        "https://a.io/x?customer=⟦de%20Plantard%2C%20Bohum%C3%ADr⟧",
    ),
    (
        EntityType::Person,
        "https://a.io/profiles/⟦kiki-o-danachair⟧",
    ),
    (
        EntityType::Person,
        "https://a.io/memorial/⟦leda-van-rooyen⟧/donate",
    ),
    (
        EntityType::Person,
        "https://a.io/owners/⟦perman-de-la-torre⟧/claims",
    ),
    (EntityType::Person, "https://a.io/tips/⟦arnas_de-jesus⟧"),
    (
        EntityType::Person,
        "https://a.io/users/⟦sten.o-hearchaidh⟧/invoices",
    ),
    (
        EntityType::Person,
        "https://a.io/students/⟦san-martin.candela⟧/report-card",
    ),
    (
        EntityType::Person,
        "invoice ⟦Lubna Abu Zaid⟧ for both sessions",
    ),
    (EntityType::Person, "gift for ⟦Nataša Mac Giolla Ghuala⟧"),
    (EntityType::Person, "booking for ⟦SMITH/JOHN⟧ MR, seat 4A"),
    (EntityType::Person, "{\"name\":\"⟦A Khan⟧\"}"),
    (
        EntityType::Person,
        "https://a.io/x?for=⟦maria+garcia⟧&amount=3",
    ),
    (
        EntityType::Person,
        "https://a.io/x?customer=⟦Mac%20%C3%8Dos%C3%B3g%2C%20Bartley⟧",
    ),
    (
        EntityType::Location,
        "venue: ⟦Hartbeestfontein-A⟧ town hall",
    ),
    (EntityType::Location, "ships to ⟦Villers-en-Fagne⟧"),
    (EntityType::Location, "collected in ⟦Kafr Qasim⟧"),
    (EntityType::Location, "collected in ⟦Dasht-e Archi⟧"),
    (
        EntityType::Location,
        "ships to ⟦Sainte-Marie-aux-Mines⟧ tomorrow",
    ),
    (EntityType::Location, "ship-to city: ⟦Dasht-e Archi⟧"),
    (EntityType::Location, "collected in ⟦Aliwal North⟧"),
    (EntityType::Location, "nearest pharmacy is in ⟦Old City⟧"),
    (
        EntityType::Location,
        "paid at the ⟦San Rafael Abajo⟧ market",
    ),
];

/// Percent-encodes `s` as a form does (`+` for a space) or as a path does
/// (`%20`).
fn escape(s: &str, plus: bool) -> String {
    let mut o = String::new();
    for &c in s.as_bytes() {
        match c {
            b' ' if plus => o.push('+'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => o.push(char::from(c)),
            _ => o.push_str(&format!("%{c:02X}")),
        }
    }
    o
}

/// `form` of [`WHOLE_FORMS`] or [`SCRIPT_FORMS`] filled with `name`.
fn whole(form: &str, name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let nfd: String = name.nfd().collect();
    let (first, last) = name.split_once(' ').unwrap_or((name, ""));
    form.replace("{N+}", &name.replace(' ', "+"))
        .replace("{Nq}", &escape(name, true))
        .replace("{N%}", &escape(name, false))
        .replace("{NFDq}", &escape(&nfd, true))
        .replace("{NFD}", &nfd)
        .replace("{NU}", &name.to_uppercase())
        .replace("{LF}", &format!("{last}, {first}"))
        .replace("{N}", name)
}

/// True when a finding of `entity` covers the bracketed part of `form`
/// (written without its brackets).
fn check(entity: EntityType, form: &str, misses: &mut Vec<String>) -> usize {
    let mut text = String::new();
    let mut want = Vec::new();
    for (k, part) in form.split(['⟦', '⟧']).enumerate() {
        if k % 2 == 1 {
            want.push(text.len()..text.len() + part.len());
        }
        text.push_str(part);
    }
    let found = scan(&text, &PiiConfig::default()).expect("scan");
    for w in &want {
        if !found
            .iter()
            .any(|f| f.entity == entity && f.start <= w.start && w.end <= f.end)
        {
            misses.push(format!(
                "{entity:?} {:?} in {text:?}: {found:?}",
                &text[w.clone()]
            ));
        }
    }
    want.len()
}

#[test]
fn known_names_and_towns_in_every_encoding() {
    let mut misses = Vec::new();
    let mut n = 0;
    for &(first, last) in NAMES {
        let fill = |t: &str| {
            t.replace("{FU}", &first.to_uppercase())
                .replace("{LU}", &last.to_uppercase())
                .replace("{F}", first)
                .replace("{L}", last)
                .replace("{f}", &first.to_lowercase())
                .replace("{l}", &last.to_lowercase())
                .replace("{i}", &first[..1])
        };
        for form in NAME_FORMS.iter().chain(OBJECTS) {
            n += check(EntityType::Person, &fill(form), &mut misses);
        }
    }
    for town in TOWNS {
        for &(form, sep) in TOWN_FORMS {
            let t = form
                .replace("{T}", &town.replace(' ', sep))
                .replace("{t}", &town.to_lowercase().replace(' ', sep));
            n += check(EntityType::Location, &t, &mut misses);
        }
    }
    for name in WHOLE_NAMES {
        let first = name.split(' ').next().unwrap_or(name);
        for form in WHOLE_FORMS {
            // `Last, First` takes a given name the lists know, and a weak
            // cue in prose reads no stop word as a name's part: `Jan` is a
            // month's too, `An` an article's (a Vietnamese name opens with
            // its family name).
            if (form.contains("{LF}") || form.starts_with("Paid"))
                && matches!(first, "Jan" | "Nguyen")
            {
                continue;
            }
            n += check(EntityType::Person, &whole(form, name), &mut misses);
        }
    }
    for name in SCRIPT_NAMES {
        for form in SCRIPT_FORMS {
            n += check(EntityType::Person, &whole(form, name), &mut misses);
        }
    }
    for &(entity, form) in JOINED {
        n += check(entity, form, &mut misses);
    }
    // A legacy form's Latin-1 escapes.
    n += check(
        EntityType::Person,
        "https://a.io/x?name=⟦Jos%E9+Garc%EDa⟧&n=1",
        &mut misses,
    );
    assert!(n > 300, "{n} cases");
    assert!(
        misses.is_empty(),
        "{} of {n} missed:\n{}",
        misses.len(),
        misses.join("\n")
    );
}
