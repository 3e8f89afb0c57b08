//! Adversarial inputs for the PII engine at the 16 KiB cap: each is one
//! short unit repeated up to `MAX_TEXT_BYTES`, built to make a recognizer do
//! as much work per byte as it can (long digit chains of short groups, runs of
//! capitalised words and cues, dense findings for the overlap resolution,
//! nested encodings). `core/tests/worst_case.rs` checks the engine on them;
//! the bench (`experiments/bench/rust`) times them (`make bench`, row
//! "PII worst case at 16 KiB").

use presidio_x402_core::pii::MAX_TEXT_BYTES;

/// `unit` repeated while the text stays within the cap.
pub fn fill(unit: &str) -> String {
    let mut s = String::new();
    while s.len() + unit.len() <= MAX_TEXT_BYTES {
        s.push_str(unit);
    }
    s
}

/// `unit(0)`, `unit(1)`, … while the text stays within the cap.
pub fn fill_with(mut unit: impl FnMut(usize) -> String) -> String {
    let mut s = String::new();
    for i in 0.. {
        let u = unit(i);
        if s.len() + u.len() > MAX_TEXT_BYTES {
            break;
        }
        s.push_str(&u);
    }
    s
}

/// The entries of a gazetteer list in `core/src/pii/data/` (line `k` holds
/// the `k + 1`-letter entries back to back), each word capitalised.
fn gazetteer(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (k, line) in list.lines().enumerate() {
        let b = line.as_bytes();
        for e in b.chunks(k + 1).filter(|e| e.len() == k + 1) {
            let e = String::from_utf8_lossy(e);
            let words: Vec<String> = e
                .split(' ')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect())
                        .unwrap_or_default()
                })
                .collect();
            out.push(words.join(" "));
        }
    }
    out
}

/// Entry `i` of `list` in a fixed order that visits every entry before
/// repeating one (a stride coprime with the list's length).
fn pick(list: &[String], i: usize) -> &str {
    let mut stride = 7919 % list.len().max(1);
    while stride == 0 || gcd(stride, list.len()) != 1 {
        stride += 1;
    }
    list.get((i * stride) % list.len().max(1))
        .map_or("", String::as_str)
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Texts of distinct gazetteer words: every word needs its own lookups (a
/// text repeating one word is served from the processor's caches and
/// understates the cost).
fn distinct_cases() -> Vec<(&'static str, String)> {
    let first = gazetteer(include_str!("../../src/pii/data/first.txt"));
    let last = gazetteer(include_str!("../../src/pii/data/last.txt"));
    let places = gazetteer(include_str!("../../src/pii/data/places.txt"));
    vec![
        (
            "distinct-first",
            fill_with(|i| format!("{} ", pick(&first, i))),
        ),
        (
            "distinct-names",
            fill_with(|i| format!("{} {} ", pick(&first, i), pick(&last, i))),
        ),
        (
            "distinct-comma",
            fill_with(|i| format!("{}, {}, ", pick(&last, i), pick(&first, i))),
        ),
        (
            "distinct-dr",
            fill_with(|i| format!("Dr. {} {}, ", pick(&first, i), pick(&last, i))),
        ),
        (
            "distinct-last",
            fill_with(|i| format!("{} ", pick(&last, i))),
        ),
        (
            "distinct-places",
            fill_with(|i| format!("{} ", pick(&places, i))),
        ),
        (
            "distinct-from",
            fill_with(|i| format!("from {} ", pick(&places, i))),
        ),
    ]
}

/// Every adversarial case: (name, text of at most `MAX_TEXT_BYTES`).
pub fn cases() -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("digits", fill("1")),
        ("digits-sp", fill("1 ")),
        ("d2-sp", fill("11 ")),
        ("d3-sp", fill("111 ")),
        ("d4-sp", fill("1111 ")),
        ("d33-sp", fill("123 456 ")),
        ("d00", fill("00 ")),
        ("d00b", fill("0044 1 ")),
        ("paren", fill("(1) ")),
        ("plus-sp", fill("+12 3 ")),
        ("dot4", fill("1.1.1.1 ")),
        ("digits-dash", fill("12-")),
        ("ssn", fill("123-45-6789 ")),
        ("card", fill("4111 1111 1111 1111 ")),
        ("phone+", fill("+1 ")),
        ("phone-cue", fill("call +")),
        ("phone-cue0", fill("tel 0")),
        ("at", fill("@")),
        ("a@", fill("a@")),
        ("email", fill("a.b@c.de ")),
        ("dots", fill("a.")),
        ("pct", fill("%25")),
        ("pct40", fill("%40")),
        ("amp", fill("&#64;")),
        ("b64", fill("QUJDRA")),
        ("b64eq", fill("QUJD=")),
        ("cue-name", fill("name=")),
        ("cue-name-x", fill("name=Al ")),
        ("Caps", fill("Alice ")),
        ("CapsNo", fill("Xqzv ")),
        ("Capslong", fill("Abcdefghijklmnopqrstuvwxyz ")),
        ("names", fill("Jane Doe ")),
        ("from", fill("from Lagos ")),
        // A role noun before every name (`Words::role`), and a modal after it.
        ("role", fill("landlord Zorvak ")),
        ("role-will", fill("tutor Zorvak Telmiri will ")),
        // A place kind before every run of title-case words (`places::unlisted_place`),
        // as a key, before `of`, and with lowercase joiners that never close.
        ("kind-key", fill("city=Zorvak-Telmiri ")),
        ("kind-of", fill("village of Zorvak an der ")),
        ("kind-run", fill("town: Zorvak de ")),
        ("route", fill("the store in Zorvak a trip to Zorvak de ")),
        // Runs of initials (one initial joins the next one's pattern), verbs
        // of payment, a lone subject and a pair before a verb, and a phrase
        // of movement before every run of title-case words.
        ("initials", fill("J. R. ")),
        ("pay", fill("pay Zorvak Telmiri for ")),
        ("subject", fill("; Zorvak signs for ")),
        ("verb-pair", fill("Zorvak Telmiri collects the ")),
        ("movement", fill("heading to Zorvak de ")),
        // Words no list knows that read as names by their letters
        // (`pii::namelike`): slugs after a person's segment, lower-case pairs
        // after a cue, capitalised pairs standing alone, `Last, First`.
        ("namelike-slug", fill("/donors/vasea-cretu/")),
        ("namelike-lower", fill("by avanti jayraman on ")),
        ("namelike-pair", fill("Tshegofatso Mballa - ")),
        ("namelike-last-first", fill("; Vathana, Agilan owes ")),
        // A town as a path's own title-case segment (`places::path_segment`
        // looks back over the segments before it), after Arabic's article,
        // a pair inside a sentence before a linking word, and a brand
        // named after a town and a person (`places::brand_name_after`).
        ("path-town", fill("/stores/Kanyosha/hours")),
        ("path-numbers", fill("/1/2/Kanyosha")),
        ("path-titles", fill("/Kanyosha")),
        ("article-town", fill("in Al Az Umm Kanyosha ")),
        ("linked-pair", fill("delivered to Tshegofatso Mballa at ")),
        ("town-brand", fill("from Lagos Mballa door wedges ")),
        ("arrow-label", fill("location → Kanyosha → ")),
        ("from-key", fill("{\"from\":\"Tosin\",\"to\":\"Priya\"}")),
        ("lower-pair", fill("handed over to tricia mahmoodi at ")),
        ("weekday-owner", fill("Kofi's Tuesday pilates pass; ")),
        ("name-before-stop", fill("Paid to Gwynfor Studio Bakery ")),
        // Towns told by letters written outside ASCII (`norm::Marks`), raw
        // and percent-encoded.
        ("marked-town", fill("issued in Galkynyş /tours/%C5%A2ubas/x ")),
        ("article-listed-town", fill("in Umm ar Rizam in Anlong Thnaot Zorvak ")),
        // Lone approvers and people on duty (`names::lone_approver`), and
        // double surnames taken in whole by `words::hit` (one long chain of
        // hyphenated Title-case words after a name, and many short ones).
        ("approver", fill("Approved by Zorvak; on call: Telmiri; ")),
        (
            "hyphen-chain",
            fill_with(|i| {
                if i == 0 {
                    "for Anna ".into()
                } else {
                    "Smith-".into()
                }
            }),
        ),
        ("hyphen-pairs", fill("for Anna Smith-Jones-Telmiri ")),
        // camelCase keys (`Words::hump`), names in capitals after a key,
        // sign-offs, and towns after an address, a route or before a kind
        // (`places::after_address`, `places::from_to`).
        (
            "camel-keys",
            fill("{\"firstName\":\"ZORVAK TELMIRI\",\"createdBy\":"),
        ),
        ("sign-off", fill("Cheers, Zorvak. Kind regards, ")),
        ("address", fill("Hauptstrasse 5, 10115 Zorvak ")),
        ("address-digits", fill("Road 1, 2, 3, 4, 5, 6, ")),
        ("route-from-to", fill("train from Zorvak Telmiri Nort to ")),
        ("kind-after", fill("Zorvak Telmiri district ")),
        // Known given names alone (`names::lone_owner`, `lone_speaker`,
        // `given_names_joined`): joined by commas without end.
        ("given-joined", fill("Kofi, Priya, ")),
        ("given-owner", fill("; Kofi's share: Priya: please ")),
        // Currency pairs, a naming verb's key, a name asked about
        // something and patronymics (`names::currency_pair`, `named_as`,
        // `lone_asked`, `Words::patronymic`).
        ("currency-pair", fill("/eur-aud/ron_huf")),
        (
            "named-as",
            fill(r#""registered_as":"Huanca, Mesidor","knownAs":"#),
        ),
        ("asked", fill("ask Priya about ask Kofi about ")),
        ("patronymic", fill("attn. Zorvak Telmiri uly qyzy ")),
        // Words no list knows that end like surnames (`words::surname_suffix`),
        // `Last, First` with an unknown given name, slugs as file names and
        // JSON strings, and place-name generic words before every run.
        ("endings", fill("Zorvakov Telmirova ")),
        ("last-first", fill("per Telmirova, Zorvak; ")),
        ("slug-file", fill("/telmirov-zorvak.csv&")),
        ("slug-json", fill("\"zorvak.telmirov\",")),
        ("toponym", fill("Puerto San Villa ")),
        // A mailbox's display name before an address, closed and not
        // (`pii::mailbox`), a ticket's `Last/First`, greeted pairs, a
        // distance and a direction before every town, a nested name key.
        ("mailbox", fill("From: Vuyo Mahlangu <vuyo@ex.org>, ")),
        ("mailbox-open", fill("Vuyo Mahlangu <vuyo.mahlangu.")),
        ("ticket", fill("passenger name Norkus/Giedrius/")),
        ("greeted", fill("thanks again Vuyo Mahlangu! ")),
        ("distance", fill("10 km north of Zorvak ")),
        ("nested-name", fill("{\"merchant\":{\"name\":\"Zorvak\"}}")),
        // What is told of a place before every town, a sign-off before
        // every pair, a pair before a word of names only.
        ("told-place", fill("UV index for Zorvak; ")),
        ("signed-pair", fill("signed, Desy Santoso; ")),
        ("pair-linker", fill("for Vuyo Mahlangu is ")),
        // The v23 round: a pair before a past verb and its object at every
        // clause, a town before its nearby villages, a slug's `kin`.
        ("past-subject", fill("; Meimei Atias organised the ")),
        (
            "nearby-villages",
            fill("covers Shahin Dezh and nearby villages "),
        ),
        ("slug-kin", fill("/tutors/szeto-kin/sessions")),
        // `in` before a name-like word no list knows, and cards of every
        // grouping (12-digit Maestro, 4-4-5 Visa).
        ("in-town", fill("from our team in Kanyosha ")),
        ("region-bracket", fill("Ulundi (South Africa) ")),
        ("card-groups", fill("6761 7838 4837 4518 1909 37869 ")),
        // A name's parts echoed after it, a name read after `in` as a town,
        // a town after a weather path segment.
        ("echo", fill("patient: Zorvak Telmiri; Zorvak, Telmiri; ")),
        ("in-name", fill("receipt issued in Sidi Khaled; ")),
        ("weather-path", fill("/weather/Kandy/forecast/Tsumeb")),
        // The v24 round: Arabic's article before every word, a JSON list
        // under every key, travel words before `from`, a town key's
        // lower-case value.
        ("al-pairs", fill("from Al Kittah Al Qatranah ")),
        ("json-lists", fill(r#"{"attendees":["Azul Liaw","#)),
        (
            "travel-from",
            fill("travelling in from Dura around Kanyosha "),
        ),
        ("lower-town", fill("?city=kuressaare&town=")),
        ("searches", fill("?q=obada+sahani&query=kofi boateng&for=maria+garcia&q=")),
        (
            "role-preps",
            fill("trainer: Alauddin, Kofi Boateng since tell Pavlos cleaner this week: Kofi's surgery "),
        ),
        // The v24 round 2: glued handles after `@` and a referrer's key
        // (every split of a 24-letter word read), initials before `+`, a
        // dashed label before `Last, First`.
        (
            "glued",
            fill("/u/@osaidmanasrahosaidmanas/?referrer=ioanamokoenaioanamokoena&ref=margarine/"),
        ),
        ("path-plus", fill("/customers/Maria++Garcia+Lopez/x?city=New_York_City&t=sao-paulo&c=c++/")),
        (
            "dashed-last-first",
            fill(r#"?coach=S.+Khasawneh&patient_last=Sawalha&x=Member name - Hanani, Wasem; Kyriakou, Jameela: ?host=Maisa&/instructors/douaa/?tip_to=Kit+Wat&in_memory_of=Pat+Mosavi&name: Maria G. {"name":{"first":"Maria","last":"Garcia","#),
        ),
        // Second surnames, particles in capitals, `Last, First` after a
        // key, form-encoded spaces beside other scripts' letters and
        // combining marks (each read by `words::hit` or the normaliser).
        (
            "whole-names",
            fill("customer: MARIA DE LA GARCIA LOPEZ-RUIZ, Juan; name=Jos\u{e9}+Mart\u{ed}nez+%C3%98lgaard+Co\u{302}te\u{301} "),
        ),
        // The v14 run 38 joins: `LAST/FIRST` and an unknown given name after
        // a person's key, particles and dots in a slug (one slug as long as
        // the input), `Abu`, a town's joiners and quarters.
        (
            "joined",
            fill("?pax=Kitchen%2FDjilali&customer: Mac Domhnaill, Cathriona; SMITH/JOHN MR "),
        ),
        (
            "joined-parts",
            fill("Mac Giolla Ghuala /u/sten.o-hearchaidh/ perman-de-la-torre Lubna Abu Zaid "),
        ),
        (
            "joined-towns",
            fill("to Villers-en-Fagne in Aliwal North city: Dasht-e Archi; in Kafr Qasim Zorvab "),
        ),
        (
            "joined-slug",
            fill_with(|i| if i == 0 { "/profiles/".into() } else { "kiki-o-danachair-de-".into() }),
        ),
        // Cyrillic and Greek words romanised (`pii::translit`), look-alikes
        // and mixed scripts folded, and one word of letters as long as the
        // input (each word's letters are read once).
        (
            "romanised",
            fill("name: Дмитрий Иванов; ΝΙΚΟΣ Παπαδόπουλος Игорь ѕѕп Jоhn "),
        ),
        ("romanised-word", fill("Дмитрий")),
        // Words of scripts without case after a person's key, and one run of
        // ideographs as long as the input.
        ("uncased", fill("customer: محمد أحمد; name=王伟&x=김민준 ")),
        ("uncased-word", fill("王")),
        ("label-colon", fill("card:4111111111111111;ip:fe80::1 ")),
        ("bracketed", fill("(4111111111111111)(12)")),
        ("digit-ext", fill("/4111111111111111.json?")),
        ("escapes", fill("Jos\\u00e9\\n4111111111111111\\ud83d\\u00")),
        ("numero", fill("ssn \u{2116}779-97-0438 ")),
        ("zw", fill("a\u{200b}")),
        ("fw", fill("４")),
        ("arab", fill("٤")),
        ("slash", fill("/")),
        ("seg", fill("/ssn/1")),
        ("query", fill("?a=1&")),
        ("ipv6", fill("::1:")),
        ("ipv6b", fill("a:b:c:")),
        ("iban", fill("DE89 ")),
        ("ibanx", fill("DE8937040044053201300")),
        ("ip4", fill("1.2.3.")),
        ("hex", fill("deadbeef")),
        ("url", fill("https://a.b/")),
        ("mailto", fill("user=mailto:")),
        ("dob", fill("DOB 01/02/")),
        ("mixed", fill("Jane 415-555 a@b +44 ")),
        ("uscore", fill("_")),
        ("dash", fill("-")),
        ("space", fill(" ")),
        ("quote", fill("'")),
        ("apos-name", fill("O'")),
        ("b64q", fill("?q=QUJDREVGR0g=&")),
        ("b64email", fill("/YWxpY2VAZXhhbXBsZS5jb20/")),
        // Shortest segments (8 characters) that decode to text worth scanning
        // (every segment is decoded): a name, an address, a name with a title.
        ("b64name", fill("/SmFuZSAx")),
        ("b64at", fill("/YUBiLmRl")),
        ("b64dr", fill("/RHIuIEphbmUgRG9lLCA")),
        ("ent-hex", fill("&#x41;")),
        ("combining", fill("a\u{301}")),
        ("cyr", fill("\u{430}lice ")),
        ("form", fill("name=Jane+Doe&")),
        ("pct-name", fill("name=Jane%20Doe&")),
        ("dr", fill("Dr. Jane Doe, ")),
        ("newyork", fill("New York ")),
        ("rio", fill("Rio de ")),
        ("sanjose", fill("San Jose, CA ")),
        ("uesc", fill("\\u0041")),
        ("lower-cue", fill("from a ")),
        ("patient", fill("patient ")),
        ("initials", fill("J. D. ")),
        ("comma", fill("Doe, Jane, ")),
        ("slug", fill("/jane-doe")),
        ("pct2", fill("%2525")),
        (
            "email-long",
            fill("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@"),
        ),
        ("dotsat", fill(".@")),
        ("phonecue-sp", fill("tel 1 ")),
        ("plus-d", fill("+1234567 ")),
        // From the first worst-case sweep (issue 20 forms among them).
        ("v2", fill("a")),
        ("v5", fill("1-")),
        ("v6", fill("1.")),
        ("v8", fill(":")),
        ("v9", fill("a:")),
        ("v10", fill("f:")),
        ("v11", fill("::1 ")),
        ("v12", fill("%41")),
        ("v13", fill("%2541")),
        ("v15", fill("&amp;")),
        ("v16", fill("=QUFBQUFBQUFBQQ&")),
        ("v17", fill("John Smith ")),
        ("v18", fill("for John ")),
        ("v19", fill("patient=john-smith&")),
        ("v20", fill("in New York, ")),
        ("v21", fill("J. ")),
        ("v24", fill("+1 415 555 2671 ")),
        ("v25", fill("DE89 3704 0044 0532 0130 00 ")),
        ("v26", fill("\u{200b}")),
        ("v27", fill("\u{ff41}")),
        ("v28", fill("a+b")),
        ("v29", fill("x@y.co ")),
        ("v30", fill("Smith, ")),
        ("v31", fill("ab-")),
        ("v32", fill("A ")),
        ("v33", fill("/QUFBQUFBQUFBQQ")),
        ("v34", fill("#QUFBQUFBQUFBQQ")),
        ("v35", fill("?QUFBQUFBQUFBQQ=")),
        ("v36", fill("&QUFBQUFBQUFBQQ")),
        ("v37", fill("QUFB")),
        ("v38", fill("1+")),
        ("v39", fill("a+1+")),
        ("v40", fill("/1-")),
        ("v41", fill("/+33142685300")),
        ("v42", fill("/4111111111111111")),
        ("v43", fill("user=x:")),
        ("v44", fill("Nkosi, Wanjiru, ")),
        ("v45", fill("for patient Wanjiru. ")),
        ("v46", fill("\u{664}")),
        ("v47", fill("\u{7528}@")),
        ("v48", fill("\u{7528}")),
    ];
    v.extend(distinct_cases());
    v
}
