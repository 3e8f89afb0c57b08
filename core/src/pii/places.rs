//! LOCATION: countries, US states and large cities from the gazetteer,
//! longest multi-word match first (`New York`, `Rio de Janeiro`). Places that
//! are also common words (Reading, Nice) need a location cue (`in`, `from`,
//! `city=`) or a `Place, Place` pair; a one-word place right before another
//! capitalised word (Lincoln Financial) is taken for an organisation, unless
//! that word starts a finding itself (`Boston John Smith`; see [`Pending`]).
//! After a kind of place as a key (`town=`, `city:`) or before `of` (`the
//! village of`), or after a noun of travel or of a site and `in` or `to`
//! (`trip to`, `the store in`), after an address's street part (`12 Ring
//! Road, Zorvaby`), at both ends of a route (`train from Zorvaby to
//! Telmira`) or before a kind of place (`Zorvaby district`), title-case
//! words are a place even in no gazetteer. After the travel words that lead
//! to places only (`relocating to`, `ships from`: see `TO_PERSON` and
//! `FROM_SENDER`), that holds even for words the name lists know (`Paso de
//! Carrasco`, `Dolores`). A `name` key of a place kind (`"placeName":`)
//! names a place; Arabic's article starts or joins one where it took the
//! next letter's sound (`As Sanţah`, `Dar as Salam`); times, rooms and
//! languages are none (`NO_PLACE`, `TIMES`).

use super::cues::{LOC, ORG, PLACE_KIND};
use super::gazetteer as gz;
use super::hit::Hit;
use super::namelike::Context;
use super::words::{
    capital, hit, s_ending, Gap, Shape, Words, FIRST, FIRST_AMB, KEY_MAX, LAST, LAST_WL, PLACE,
    PLACE_AMB, PREFIX, STOP,
};
use super::EntityType;

/// Lowercase connectors inside multi-word place names.
const PLACE_JOINERS: &str = "of and the de do da del du des di la le el al es los las upon on y \
                             en sur sous aux les lez e ez ech";

/// Words that end a town's name after it, as its part or quarter
/// (`Aliwal North`, `Old City`, `San Rafael Abajo`): see [`joined_end`].
const QUALIFIERS: &str = "north south east west central city town abajo arriba norte nord sud";

/// Arabic's article where it takes the sound of the letter after it (`As
/// Sanţah`, `An-Najaylah`, `Ash Shallal`, `Dar as Salam`).
const ARTICLES: &str = "an as ar at az ad ash adh ath";

/// True when word `k` is Arabic's article ([`ARTICLES`]) before a
/// Title-case word that starts with the letters it took (`As Sanţah`, not
/// `As Well`; `an Nil`, not `An Example`): it may start an unlisted place
/// (`as` and `an` are stop words) or join one (see [`joined_end`]).
fn assimilated(w: &Words<'_>, k: usize) -> bool {
    let (Some(a), Some(y)) = (w.w.get(k), w.w.get(k + 1)) else {
        return false;
    };
    let (art, next) = (
        w.b.get(a.s + 1..a.e).unwrap_or_default(),
        w.b.get(y.s..y.e).unwrap_or_default(),
    );
    matches!(y.gap, Gap::Space | Gap::Join(b'-'))
        && y.shape == Shape::Title
        && next.len() > art.len()
        && next
            .get(..art.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(art))
        && w.is(k, ARTICLES)
}

/// True when word `i` is a place name's generic word followed by a space
/// and a Title-case word or a joiner (`Puerto López`, `Agua de Dios`, `San
/// Estanislao`, `La Merced`): no PERSON starts there, and a one-word place
/// there (`La`) starts the run instead; the place rules read it. `Villa,
/// Juan` (a comma after it) is still a name.
#[inline(never)]
pub(crate) fn toponym_head(w: &Words<'_>, i: usize) -> bool {
    w.w.get(i + 1).is_some_and(|y| {
        y.gap == Gap::Space
            && (y.shape == Shape::Title || (y.shape == Shape::Lower && w.is(i + 1, PLACE_JOINERS)))
    }) && w.is(i, TOPONYM_HEADS)
}

/// Generic words that begin place or street names (Spanish, Portuguese,
/// Italian, French, English): `Puerto`, `San`, `Villa`, `Fort`, `Rua`…
const TOPONYM_HEADS: &str = "puerto porto port villa vila san santa santo sao agua zona \
                             el la los las ciudad nueva nuevo fort mount lake saint rua avenida \
                             calle rue";

/// Length (in words) of the longest place name starting at word `i` (up to 5
/// words; 0 when none), looked up once per word.
pub(crate) fn place_len(w: &Words<'_>, i: usize) -> usize {
    let memo = w.place.get(i);
    if let Some(v) = memo.map(core::cell::Cell::get).filter(|&v| v != 0) {
        return usize::from(v - 1);
    }
    let n = longest_place(w, i);
    if let Some(m) = memo {
        m.set(n as u8 + 1);
    }
    n
}

/// [`place_len`] without the memo. The word's own lexicon class (cached in
/// [`Words::flags`]) says whether it is a place and whether it begins a
/// multi-word place ([`PREFIX`]); a name is extended by another word only
/// while the words so far begin one, at one lexicon lookup a word.
fn longest_place(w: &Words<'_>, i: usize) -> usize {
    let first = w.flags(i);
    let mut best = usize::from(first & PLACE != 0 && !after_given(w, i));
    if first & PREFIX == 0 {
        return best;
    }
    let mut buf = [0u8; KEY_MAX];
    let Some(mut n) = w.key(i, &mut buf) else {
        return best;
    };
    // Spaces, hyphens or underscores (`New York`, `new-york`,
    // `?city=New_York`), one kind through the name.
    let gap = w.w.get(i + 1).map(|z| z.gap);
    for k in 1..5 {
        let Some(y) = w.w.get(i + k) else { break };
        if !matches!(y.gap, Gap::Space | Gap::Join(b'-' | b'_')) || Some(y.gap) != gap {
            break;
        }
        let joiner = y.shape == Shape::Lower && w.is(i + k, PLACE_JOINERS);
        let same_case =
            w.w.get(i).is_some_and(|f| f.shape == Shape::Lower) == (y.shape == Shape::Lower);
        if !joiner && !same_case {
            break;
        }
        let Some(slot) = buf.get_mut(n) else { break };
        *slot = b' ';
        n += 1;
        let Some(src) = w.b.get(y.s..y.e) else { break };
        for &c in src {
            if c == b'\'' {
                continue;
            }
            let Some(slot) = buf.get_mut(n) else {
                return best;
            };
            *slot = c.to_ascii_lowercase();
            n += 1;
        }
        let Some(key) = gz::Key::new(&buf[..n]) else {
            break;
        };
        let class = gz::lexicon().class(&key);
        if class & gz::PLACE != 0 {
            best = k + 1;
        }
        if class & gz::PREFIX == 0 {
            break;
        }
    }
    best
}

/// True when word `i` follows a known given name in the same case, spaced
/// in Title case or joined by `_` or `-` in lower case, and the two stand
/// alone: a one-word place there is the name's surname (`From: Maria
/// Albertslund`, `thanks Maria Albertslund!`, `?guardian=maria_albertslund`;
/// a town's name is a surname in many countries). A given name that is
/// itself a place or a word keeps the place (`Austin Texas`, `May Paris`).
///
/// Alone: before the given name a key, a comma, a title's dot, a
/// lower-case word or the start of the text, a clause or a group (`;`,
/// `|`, `(`); after the place the text's end, a lower-case word, a bracket
/// or no space. Inside a run of capitalised words the place stays (`Lisbon
/// Maria Albertslund`, `Maria Albertslund Ensenada`), and nothing a
/// redaction's template leaves (`* Maria Albertslund *`) reads as alone: the
/// first scan finds what redaction's rescans find.
fn after_given(w: &Words<'_>, i: usize) -> bool {
    let (Some(p), Some(x)) = (i.checked_sub(1).and_then(|h| w.w.get(h)), w.w.get(i)) else {
        return false;
    };
    let joined = match (p.shape, x.shape) {
        (Shape::Title, Shape::Title) => x.gap == Gap::Space,
        (Shape::Lower, Shape::Lower) => matches!(x.gap, Gap::Join(b'_' | b'-')),
        _ => false,
    };
    let before = match p.gap {
        Gap::Key | Gap::Comma | Gap::DotSpace => true,
        Gap::Space => i > 1 && w.w.get(i - 2).is_some_and(|q| q.shape == Shape::Lower),
        // The text's start, or a clause's or a group's (`; `, `| `, `(`).
        Gap::Break => w.b.get(..p.s).is_some_and(|b| {
            matches!(
                b.trim_ascii_end().last(),
                None | Some(b';' | b'|' | b'(' | b'[' | b'{')
            )
        }),
        Gap::Join(_) => false,
    };
    let after = w.after(i) != b' ' || matches!(w.next_mark(i), 0 | b'(') || w.spaced_lower(i + 1);
    joined
        && before
        && after
        && w.flags(i - 1) & (FIRST | FIRST_AMB | STOP | PLACE | PLACE_AMB) == FIRST
}

/// True when word `k`, Title-case, reads as a name before a brand's
/// product: a listed given name or surname that is no place or stop word,
/// or a word no list knows whose letters read as a name's, and then a plural
/// noun in lower case, right after it or after one more lower-case word
/// (`rolling pins`, `door wedges`), where no place's name goes on
/// ([`PLACE_GOES_ON`]). After a one-word place, even where a place is
/// introduced, the two are a brand's name (`ordered from Chanda Thanigaivel
/// rolling pins`), held back as an organisation's (see [`Pending`]); a town
/// goes on with its site or its time (`from Sarandí Grande warehouse`, `in
/// Novi Vinodolski next week`).
fn brand_name_after(w: &Words<'_>, k: usize) -> bool {
    let plural = |j: usize| {
        w.spaced_lower(j)
            && w.w
                .get(j)
                .and_then(|z| w.b.get(z.s..z.e))
                .is_some_and(|t| s_ending(t, 4))
    };
    w.w.get(k).is_some_and(|y| y.shape == Shape::Title)
        && w.spaced_lower(k + 1)
        && !w.is(k + 1, PLACE_GOES_ON)
        && (plural(k + 1) || plural(k + 2))
        && place_len(w, k) == 0
        && w.flags(k) & (STOP | PLACE | PLACE_AMB) == 0
        && (w.flags(k) & (FIRST | LAST) != 0
            || (w.flags(k) == 0 && w.namelike_word(k).is_some_and(|s| s >= 9)))
}

/// Lower-case words that go on after a place's name (see [`brand_name_after`]).
const PLACE_GOES_ON: &str =
    "next last this since until and for from with via the was were are has had will today tomorrow";

pub(crate) fn is_place(w: &Words<'_>, i: usize, words: usize) -> bool {
    place_len(w, i) == words
}

/// A LOCATION at word `i`; returns the index after it.
pub(crate) fn place_at(
    w: &mut Words<'_>,
    i: usize,
    out: &mut Vec<Hit>,
    pending: &mut Pending,
) -> Option<usize> {
    let x = *w.w.get(i)?;
    if matches!(x.shape, Shape::Other | Shape::Initial | Shape::Script) {
        return None;
    }
    if x.shape == Shape::Lower && x.gap != Gap::Key {
        return None;
    }
    let cue = i > 0 && matches!(x.gap, Gap::Space | Gap::Key) && w.cue(i - 1) & LOC != 0;
    if x.shape == Shape::Lower && !cue {
        return None;
    }
    let n = place_len(w, i);
    // `La Merced`, `San Zorvaby`: a one-word place (`La`) that is a place
    // name's generic word before more words starts the run, not a place.
    if n == 0 || (n == 1 && x.shape == Shape::Title && toponym_head(w, i)) {
        return unlisted_place(w, i, out);
    }
    // `Avalanche Fuji`: a chain's test network, named after a place.
    if i > 0 && x.gap == Gap::Space && w.is(i - 1, NETWORKS) {
        return None;
    }
    let mut last = i + n - 1;
    // A listed town's name may be the start of an unlisted one where a
    // place surely comes (`collection_point=Sibu Jaya`).
    let sure = x.shape == Shape::Title && place_cue(w, i) == SURE;
    if sure {
        last = last.max(run_end(w, i));
    } else if x.shape == Shape::Title {
        // ... after a cue or `in`, of one whose other title-case words no
        // list knows (`collected in Anlong Thnaot`: a partial reading would
        // leave `Thnaot` in the clear; not `in Lagos Nigeria`, `in Lagos
        // Bank`); and, anywhere, of a hyphenated one (`Stratford-upon-Avon`).
        let r = if cue || after_in(w, i) {
            run_end(w, i)
        } else {
            last
        };
        let unknown = |w: &mut Words<'_>, k: usize| {
            w.w.get(k).is_some_and(|y| y.shape != Shape::Title)
                || (w.flags(k) == 0 && w.cue(k) & ORG == 0)
        };
        last = if r > last && (last + 1..=r).all(|k| unknown(w, k)) {
            r
        } else {
            joined_end(w, last, false)
        };
    }
    let cue = cue || sure;
    let mut buf = [0u8; KEY_MAX];
    let k = w.key(i, &mut buf)?;
    let ambiguous = n == 1 && w.flags(i) & PLACE_AMB != 0;
    let upper3 = x.shape == Shape::Upper && k == 3;
    // `Place, Place` pairs support each other.
    let paired =
        w.w.get(last + 1)
            .is_some_and(|y| y.gap == Gap::Comma && capital(y.shape) && place_len(w, last + 1) > 0)
            || (i > 0 && x.gap == Gap::Comma && place_len(w, i - 1) > 0);
    if ambiguous && !(cue || paired || upper3) {
        return None;
    }
    // A one-word place right before another capitalised word names an
    // organisation (Lincoln Financial, Boston Scientific) unless a cue says
    // otherwise; decided by the caller (see [`Pending`]) once it knows
    // whether that word starts a finding.
    let org = n == 1
        && !paired
        && w.w
            .get(i + 1)
            .is_some_and(|y| y.gap == Gap::Space && capital(y.shape))
        && (!cue || brand_name_after(w, i + 1));
    // `North America`, `Upper Egypt`, `Southern California`: a direction
    // before a listed place is part of its name.
    let directed = i > 0
        && x.gap == Gap::Space
        && w.w.get(i - 1).is_some_and(|p| p.shape == Shape::Title)
        && w.hit_end != i
        && w.is(i - 1, DIRECTIONS);
    let first = if directed { i - 1 } else { i };
    // ... and one right after a capitalised word that is no place, stop
    // word or direction is a surname or part of a name (Stig Albuquerque, Celestina
    // Salvador distillery), unless that word ends a finding of two words or
    // more (`John Smith Boston`): it is replaced, and the rescan would find
    // the place alone. After a one-word name (`by Daniele Çorlu`) it is that
    // name's surname: the finding takes it, so it is never left behind.
    if n == 1
        && !cue
        && !paired
        && !directed
        && x.gap == Gap::Space
        && i > 0
        && w.hit_end != i
        && w.w.get(i - 1).is_some_and(|p| p.shape == Shape::Title)
        && w.flags(i - 1) & STOP == 0
        && place_len(w, i - 1) == 0
    {
        let given = w.w.get(i - 1).map(|p| p.s);
        return match out.last_mut() {
            Some(h) if h.entity == EntityType::Person && Some(h.start) == given => {
                h.end = x.e;
                Some(i + 1)
            }
            _ => None,
        };
    }
    // A single capitalised word that is only a stop word is not a place.
    if n == 1 && w.flags(i) & STOP != 0 && !cue {
        return None;
    }
    let score = if ambiguous { 700 } else { 800 };
    let h = hit(w, first, last, EntityType::Location, score)?;
    if org {
        pending.0.push((i, h));
        return None;
    }
    out.push(h);
    Some(last + 1)
}

/// Directions and parts of a region that start a place's name before a
/// listed place (`North America`, `Central Asia`, `Upper Egypt`,
/// `Greater London`), no person's.
pub(crate) const DIRECTIONS: &str = "north south east west central northern southern eastern \
                                    western northeast northwest southeast southwest upper lower \
                                    greater";

/// Chains whose networks x402 names (stop words too): the word after one
/// names a network, never a place.
pub(crate) const NETWORKS: &str = "avalanche polygon base solana ethereum arbitrum optimism";

/// Values of a place key that name no place (`city: Remote`, `residence:
/// Permanent`, `geo: Disabled`), where parcels are held that is no town
/// (`package held in Customs`), languages (`school in English`), rooms and
/// parking spaces (`layover in Room 4`, `the venue is in Building 2`,
/// `parking in Zone B`), units (`temperature in Celsius`) and spans of time
/// (`departure in Minutes`), the ends of a shipment named in its terms
/// (`CIF Destination`) and levels of government (`jurisdiction: Federal`).
pub(crate) const NO_PLACE: &str =
    "none null nil various multiple remote online virtual hybrid tbd unspecified \
                        anywhere everywhere nowhere worldwide global auto main hq headquarters \
                        customs transit storage quarantine english spanish french german arabic \
                        portuguese chinese mandarin hindi russian japanese permanent temporary \
                        enabled disabled building room floor suite zone lot level celsius \
                        fahrenheit kelvin minutes hours days weeks destination origin seller \
                        buyer federal national international domestic local";

/// Times that are no place alone (`conference in January`, `wedding in
/// June`, `ride ended near Midnight`; the other months are stop words), and
/// may start one (`moving to May Pen`, `Spring Hill`).
const TIMES: &str = "january april may june august spring summer autumn winter midnight noon \
                     tonight tomorrow yesterday morning evening weekend";

/// Nouns and verbs of travel, of gatherings held somewhere, and verbs of
/// residence, and places and times to stay, after which `in` or `to`
/// introduces a place (`trip to Kuhmo`, `heading to Sneek`, `layover in
/// Gander`, `based in Zutphen`, `headquartered in Kribi`, `conference in
/// Nyborg`, `hotel in Pinhel`, `lodging in Kampot`, `weekend in Ouidah`).
/// Not the bare verbs that start idioms (`return to Sender`, `stay in Touch`,
/// `drive to Success`) or `train` (`train in Python`). Not `meeting`,
/// `event`, `meetup` or `workshop`: those are held in products as often
/// (`meeting in Zoom`, `meetup in Discord`).
const TRAVEL: &str = "trip travel flight flights ship ships shipped shipping delivery deliver \
                      delivered ride journey moving move moved relocating relocated conference \
                      summit festival based located born lives living heading headed travelling \
                      traveling travelled traveled arriving arrived arrival returning returned \
                      commute commuting bus driving cruise ferry layover staying stayed flying \
                      holiday vacation shipment dispatched relocation visit route tour hotel \
                      hotels hostel apartment apartments rental rentals fare fares taxi taxis \
                      cab shuttle pickup dropoff rent stopover lodging accommodation \
                      accommodations airbnb headquartered weekend holidays honeymoon getaway \
                      retreat arrives departs departed departure travels";

/// True when word `k` is a word of [`TRAVEL`], or `in`, `back` or `over`
/// after one (`travelling in from Dura`, `flying back from Gobu`).
fn travel_word(w: &Words<'_>, k: usize) -> bool {
    w.is(k, TRAVEL)
        || (k > 0 && w.spaced_lower(k) && w.is(k, "in back over") && w.is(k - 1, TRAVEL))
}

/// Nouns and verbs of [`TRAVEL`] whose `to` may lead to a person as well as
/// a place (`ships to Anne Smith`, `rent to Mr Okoye`, `returned to
/// sender`); after the other travel words `to` leads to a place only
/// (`relocating to Paso de Carrasco`).
const TO_PERSON: &str =
    "ship ships shipped shipping delivery deliver delivered shipment dispatched \
                         rent rental rentals visit returning returned pickup dropoff ride taxi \
                         taxis cab shuttle";

/// Nouns and verbs of [`TRAVEL`] whose `from` leads to a sender or a
/// supplier as often as to a place (`delivery from Amazon`, `pickup from
/// Anne`); after the other travel words `from` leads to a place only
/// (`ships from Dolores`, `flight from Akureyri`).
const FROM_SENDER: &str = "delivery deliver delivered shipment rent rental rentals visit \
                           returning returned pickup dropoff ride taxi taxis cab shuttle";

/// Words that may leave from a place or reach it, before `left`, `reached`
/// and the like (`courier left Barda this morning`, `the ferry reached
/// Gobu`): vehicles and what they carry; not drivers or riders, who leave
/// people notes as often.
const CARRIERS: &str = "courier couriers truck trucks van vans bus buses train trains ferry \
                        ferries flight flights parcel parcels package packages shipment \
                        shipments convoy vessel";

/// Site nouns after which `in` introduces a place when a determiner or a
/// place key comes first (`the store in Dalfsen`, `pickup point in Seia`);
/// not `team` (`our team in Slack`).
const SITES: &str = "store shop point office offices warehouse hotel branch depot";

/// What a `name` key names that is a place (`placeName`, `city_name`): its
/// value is a place (see [`place_cue`]), and no person's name (`thing_name`
/// in `names.rs`).
pub(crate) const PLACE_NAMES: &str = "place city town village locality region location";

/// Keys and path segments whose value names a place on their own: sites
/// and locations (`office: Krapina`, `/offices/Kribi/`, `location=Kuhmo`,
/// `"depot": "Kongerslev"`, `/depots/Pogradec/stock`, `?near=Bibiani`,
/// `hub: Batifa`, `?zone=Damboa`, `?departing=Jekulo`, `stopover: Gobu`,
/// `/routes/Minas/stops`, `residence: Sachkhere`, `/geo/Gudauta/tiles`,
/// `/locations/Kampot/`, `venue: Kampot`, `place=Kampot`, `/per-diem/Kaïs/`,
/// `/offsites/Kaïs/agenda`, Cloudflare's
/// `cf-ipcity: Kampot`), as a camelCase key's last hump too
/// (`"currentLocation":`); not `origin`, `area` or `site` (`origin:
/// Organic`; their values are read by their letters, see [`told_after`]),
/// `store`, `stores` or `shop`, whose names are brands
/// as often
/// (`/stores/Apple/hours`), nor `branch` (`branch: Develop`), nor before
/// `of` (`the office of Dr. Berg`), nor [`WEATHER`] as a key (`forecast:
/// Sunny`; as a path segment it is one: see [`weather_path`]).
const SITE_KEYS: &str = "office offices location locality localities district neighbourhood \
                         neighborhood depot depots warehouse warehouses airport harbour harbor \
                         near hub hubs zone zones departing stopover stopovers layover layovers \
                         routes residence geo locations venue place ipcity hq headquarters \
                         jurisdiction guesthouses offsites diem";

/// True when word `i` is the path segment after one of [`WEATHER`]'s
/// (`/weather/Kandy/today`, `/forecast/Tsumeb`: x402's own example route is
/// `/weather`), unless it is a word-like name (`/weather/Current`,
/// `/weather/Sunny`); a key's value there may be a sky's (`forecast:
/// Sunny`).
fn weather_path(w: &Words<'_>, i: usize) -> bool {
    i > 0
        && w.after_slash(i)
        && w.after_slash(i - 1)
        && w.is(i - 1, WEATHER)
        && w.flags(i) & (FIRST_AMB | LAST_WL) == 0
}

/// Nouns of what is told of a place: after them `for` introduces one
/// (`weather for Kongerslev`, `pollen for Kampot`); not `humidity` (`humidity
/// for Sensor A`).
const WEATHER: &str = "weather forecast forecasts tides temperature sunrise sunset timezone \
                       rainfall pollen climate";

/// Those of [`WEATHER`] after which `in` introduces a place too, and
/// `humidity` (`weather in Kampot`, `humidity in Kampot`; the units and
/// languages that follow them are no place: see [`NO_PLACE`]); not
/// `timezone` or `tides`.
const WEATHER_IN: &str = "weather forecast forecasts rainfall sunrise sunset temperature humidity \
                          pollen climate";

/// Two-word nouns of what is told of a place, read as [`WEATHER_IN`]
/// (`air quality in Kampot`, `sunset times for Kampot`, `UV index for
/// Kampot`): each word of the first list before its head in the second.
/// Not `prayer times` (`prayer times for Ramadan`).
const TOLD_PAIRS: [(&str, &str); 5] = [
    ("air", "quality"),
    ("time", "zone"),
    ("sunrise sunset", "times"),
    ("uv", "index"),
    ("pollen", "count"),
];

/// True when words `k - 1` and `k` are one of the [`TOLD_PAIRS`].
fn told_pair(w: &Words<'_>, k: usize) -> bool {
    k > 0
        && TOLD_PAIRS
            .iter()
            .any(|&(a, b)| w.is(k, b) && w.is(k - 1, a))
}

/// Walks, after which `around` or `near` introduces a place (`dog walks
/// around Al Ghurayfah`); not in [`TRAVEL`], whose `to` would read `walking
/// to Success`.
const WALKS: &str = "walks walking walked hikes hiking";

/// Stays, after which `at` introduces a place (`stayed at Kampot`, `layover at
/// Gander`); not arrivals (`arrived at Checkout`).
const STAYS: &str = "staying stayed layover stopover";

/// Places of a service, of trade, of worship, of an event, of a stay or a
/// home, meals, and the making of goods, after which `in`, `near`, `around`
/// or `outside` introduces a place with no determiner before them (`school
/// in Dohar`, `wedding venue near Tandalti`, `the flat is in Natona`,
/// `?flat_in=Luruaco`, `farms around Kampot`, `/farms-around/Kampot/`,
/// `the animal shelter in Zintan`, `food pantry in Kampot`,
/// `dinner in Ouidah`, `HQ in Kribaso`, `roasted in Kampot`, `a guesthouse in
/// Aïn Taya`; not `made`, `built`, `printed` or `issued`: `made in Rust`,
/// `invoice issued in Stripe`), and whose `branch` is a place key (`clinic
/// branch: Kaliganj`); and relief, given where it is needed (`flood relief
/// in Sakhipur`). Not in [`TRAVEL`]: their `from` and
/// `to` lead to people and dates as often (`a note from school`, `wedding to
/// Anne`). Not warehouses (`warehouse in Snowflake` is a data warehouse),
/// `gym` or `marathon` (`marathon in Strava`), nor `store` and `shop` without
/// a determiner (see [`SITES`]).
const VENUES: &str = "venue venues wedding school schools clinic clinics hospital college \
                      campus flat flats relief farm farms market markets restaurant cafe \
                      church mosque temple stadium museum orchard vineyard ranch \
                      plantation pharmacy university universities doctor dentist concert \
                      concerts office offices atm atms dinner breakfast brunch parking \
                      kiosk hq headquarters grown brewed roasted manufactured handmade harvested \
                      woven distilled crafted handwoven handcrafted knitted guesthouse guesthouses \
                      motel motels resort resorts lodge lodges inn offsite offsites shelter \
                      shelters pantry pantries";

/// What may come before a site noun.
const DETERMINERS: &str = "the a an our your their my pickup dropoff collection field head meeting";

/// A place in no gazetteer, told by what comes before it: a kind of place
/// ([`PLACE_KIND`]) as a key (`town=Wommels`, `"city": "Alcácer do Sal"`)
/// or before `of` (`the village of Sauwerd`), or a noun of travel or a site
/// and `in`/`to` ([`TRAVEL`], [`SITES`]: `trip to Kuhmo`, `the store in
/// Dalfsen`). The place is up to four title-case words, spaced or
/// hyphenated, with lowercase joiners between them, or one lower-case word
/// after a town's own key (see [`lower_town`]). Returns the index after it.
fn unlisted_place(w: &mut Words<'_>, i: usize, out: &mut Vec<Hit>) -> Option<usize> {
    let x = *w.w.get(i)?;
    if lower_town(w, i) {
        out.push(hit(w, i, i, EntityType::Location, 700)?);
        return Some(i + 1);
    }
    if x.shape != Shape::Title
        || (w.flags(i) & STOP != 0 && !assimilated(w, i))
        || w.is(i, NO_PLACE)
    {
        return None;
    }
    let last = run_end(w, i);
    // Two letters alone are a pronoun or a code (`a store near Me`), no
    // town; they may start one (`La Zorvaby`). So may a time (see [`TIMES`]).
    if last == i && (x.e - x.s < 3 || w.is(i, TIMES)) {
        return None;
    }
    if place_cue(w, i) == 0
        && !site_after(w, i, last)
        && !in_unlisted_town(w, i, last)
        && !told_after(w, i, last)
    {
        return None;
    }
    // An organisation word or a site noun ends no place name (`ships to
    // Acme Corp`, `office: Head Office`).
    if (i..=last).any(|k| w.cue(k) & ORG != 0 || w.is(k, SITES)) {
        return None;
    }
    out.push(hit(w, i, last, EntityType::Location, 700)?);
    Some(last + 1)
}

/// True when word `i` is a lower-case value no list knows of a town's own
/// key (`?city=kuressaare`, `"hometown": "omaruru"`) or one a list knows as a
/// name only (`?city=kandy`), a word of 3 letters or more whose letters read
/// as a name's ([`LOWER_TOWN_MIN`]): URLs and forms write towns in lower
/// case. Not a region's, a destination's or a pickup's
/// key, whose lower-case values are settings as often (`region=auto`,
/// `destination=checkout`, `pickup=curbside`).
fn lower_town(w: &Words<'_>, i: usize) -> bool {
    i > 0
        && w.w
            .get(i)
            .is_some_and(|x| x.shape == Shape::Lower && x.gap == Gap::Key && x.e - x.s >= 3)
        && w.is(i - 1, TOWN_KEYS)
        && w.flags(i) & (STOP | FIRST_AMB | LAST_WL) == 0
        && !w.is(i, NO_PLACE)
        && w.namelike_word(i).is_some_and(|s| s >= LOWER_TOWN_MIN)
}

/// Keys whose lower-case value is a town (see [`lower_town`]).
const TOWN_KEYS: &str = "city town village hometown birthplace municipality suburb township \
                         borough county locality";

/// The least name-likeness of a lower-case town ([`lower_town`]): English
/// words and placeholders score below (`sample` -4, `current` -11, `lorem`
/// 5), as do some towns (`sisimiut` 6, `bluefields` -10).
const LOWER_TOWN_MIN: i32 = 10;

/// True when word `i` follows a spaced `in` (see [`after_in`]), `around`,
/// `outside` or `near`, no list knows it, and its letters read strongly as
/// a name's (at least [`IN_TOWN_MIN`]): a town no list holds (`from our
/// team in Kanyosha`, `receipt issued in Lakhdaria`, `home visits around
/// Dhannabah only`), not a product after a verb of software (`written in
/// Kotlin`, `deployed in Heroku`) or of payment (`paid in Degen`; see
/// [`PRODUCT_VERBS`]). English-looking words stay out (`meeting in Zoom`,
/// `outside Business Hours`). A run of title-case words to `last` is a town
/// when its first two read as a name's by their letters where they stand
/// alone (`namelike::Context::Bounded`) and none is a stop word, a
/// word-like name or an ambiguous place (`collected in Kafr Qasim`,
/// `Dasht-e Archi`, `Bayt Liqya`; not `in Google Cloud`, `in Dark Mode`).
fn in_unlisted_town(w: &mut Words<'_>, i: usize, last: usize) -> bool {
    let around = w.spaced_after(i, "around outside near") && w.spaced_lower(i - 1);
    if !(after_in(w, i) || around) {
        return false;
    }
    town_letters(w, i, last)
}

/// True when the run of title-case words `i..=last` reads as a town no list
/// holds by its letters: one word no list knows whose letters read strongly
/// as a name's (at least [`IN_TOWN_MIN`]), or two or more whose first two
/// read as a name's where they stand alone (`namelike::Context::Bounded`)
/// and none of which is a stop word, a word-like name or an ambiguous place
/// (see [`in_unlisted_town`], [`told_after`]).
fn town_letters(w: &mut Words<'_>, i: usize, last: usize) -> bool {
    // `Al Karamah`, `Az Zallaq`, `Kafr Sawm`, `Umm ar Rizam`: the article
    // or the generic word (and an article after it) is no name of its own;
    // the words after it may be read alone.
    let head = w.is(i, TOWN_HEADS);
    let rest =
        if head && w.w.get(i + 1).is_some_and(|y| y.shape == Shape::Lower) && assimilated(w, i + 1)
        {
            i + 2
        } else {
            i + 1
        };
    if rest <= last
        && w.w.get(rest).is_some_and(|y| y.shape == Shape::Title)
        && (head || assimilated(w, i))
        && town_letters(w, rest, last)
    {
        return true;
    }
    if w.flags(i) == 0 && (w.namelike_word(i).is_some_and(|s| s >= IN_TOWN_MIN) || w.accented(i)) {
        return true;
    }
    let k = (i + 1..=last)
        .find(|&k| w.w[k].shape == Shape::Title)
        .unwrap_or(i);
    k > i
        && (i..=last).all(|k| w.flags(k) & (STOP | FIRST_AMB | LAST_WL | PLACE_AMB) == 0)
        && w.namelike_pair(i, k, Context::Bounded)
}

/// Words that begin Arabic, Hebrew and Khmer towns' names before a name
/// of their own (`Al Karamah`, `Umm Kaddadah`, `Kafr Sawm`, `Ou Char`): see
/// [`town_letters`].
const TOWN_HEADS: &str = "al el umm kafr bayt beit tel ein deir dayr ou";

/// True when the run `i..=last`, whose letters read as a town's
/// ([`town_letters`]: English-looking words and most brands stay out), is
/// told a place by what joins it:
/// * `-based` after it (`our Shahba-based coach`; not `Rust-based`);
/// * `branch` after it where it opens a clause (`Idhna branch, treatment
///   room 2`; after a determiner see [`site_after`]; not `Develop branch`);
/// * `hub` after it and a determiner before it (`the Tibnah hub`; not `the
///   Focus hub`);
/// * the keys `origin`, `area`, `site`, `collected_in` and an exam or test
///   centre's before it (`origin: Peshkopi`, `/returns/origin/Emba`,
///   `{"area": "Mizdah"}`, `?collected_in=Pocora`, `exam centre: Kharja`;
///   not `origin: Organic`);
/// * a community hall's comma or a way's `between` before it (`community
///   hall, Salfit`, `shuttle between Nubl and the stadium`; not `split
///   between Anne and Bob`);
/// * a community's kitchen, centre or hall after it, or a petrol station
///   after it and a determiner before it (`Susah community kitchen`, `the
///   Daryanah petrol station`);
/// * a venue's brackets (`clinic (Jindayris) confirmed`);
/// * `from` it `to` a site (`moving the membership from Subaykhan to the
///   downtown branch`), or a label's `FROM` it `TO` in capitals (`label:
///   FROM Maharda TO central returns`).
pub(crate) fn told_after(w: &mut Words<'_>, i: usize, last: usize) -> bool {
    let Some(x) = w.w.get(i).copied() else {
        return false;
    };
    // Word `k`, lower case after a space, is one of `list`.
    let spaced = |w: &Words<'_>, k: usize, list: &str| w.spaced_lower(k) && w.is(k, list);
    // Each reading is tried only until one holds; the letters last.
    let told = (w.w.get(last + 1)
        .is_some_and(|y| y.gap == Gap::Join(b'-') && y.shape == Shape::Lower)
        && w.is(last + 1, "based"))
        || (x.gap == Gap::Break
            && spaced(w, last + 1, "branch")
            && matches!(w.after(last + 1), 0 | b',' | b';'))
        || (spaced(w, last + 1, "community")
            && spaced(w, last + 2, "kitchen centre center hall pantry fridge"))
        || (i > 0
            && x.gap == Gap::Space
            && w.is(i - 1, "the our")
            && (spaced(w, last + 1, "hub")
                || (spaced(w, last + 1, "petrol gas fuel") && spaced(w, last + 2, "station"))))
        // `community hall, Salfit`
        || (i > 1
            && x.gap == Gap::Comma
            && w.is(i - 1, "hall")
            && w.is(i - 2, "community village church parish town"))
        // `shuttle between Nubl and the stadium` (not `split between Anne
        // and Bob`)
        || (i > 1
            && x.gap == Gap::Space
            && spaced(w, i - 1, "between")
            && (w.is(i - 2, TRAVEL) || w.is(i - 2, CARRIERS) || w.is(i - 2, ROUTES)))
        // `clinic (Jindayris) confirmed`
        || (i > 0
            && x.s >= 2
            && w.b.get(x.s - 2..x.s) == Some(b" (".as_slice())
            && w.w
                .get(i - 1)
                .is_some_and(|p| p.e == x.s - 2 && p.shape == Shape::Lower)
            && w.is(i - 1, VENUES)
            && w.after(last) == b')')
        // `from Subaykhan to the downtown branch`: from a town to a site.
        || (i > 0
            && x.gap == Gap::Space
            && w.is(i - 1, "from")
            && spaced(w, last + 1, "to")
            && spaced(w, last + 2, "the our")
            && (last + 3..last + 5).any(|k| spaced(w, k, SITES_AFTER)))
        || keyed_or_routed(w, i, last);
    let told = told || path_segment(w, i, last);
    told && town_letters(w, i, last)
}

/// True when the run `i..=last` is told a town by a key or a route so
/// surely that a name found there is a town's (see `names::town_not_person`;
/// [`told_after`] reads its letters first where no name was found): the
/// keys `origin`, `area`, `site`, `collected_in` and an exam or test
/// centre's (`?exam_centre=Dayr%20Yusuf`, `?collected_in=Damrei%20Phong`),
/// or a label's `FROM` it `TO` in capitals (`label: FROM Dura TO central
/// returns`). Not `from` it `to` a site in lower case, which people give
/// as often (`gift from Erkan to the office`).
pub(crate) fn keyed_or_routed(w: &Words<'_>, i: usize, last: usize) -> bool {
    let Some(x) = w.w.get(i).copied() else {
        return false;
    };
    (i > 0
        && x.gap == Gap::Key
        && (w.is(i - 1, "origin area site")
            || (i > 1 && w.is(i - 1, "in") && w.is(i - 2, "collected"))
            || (i > 1 && w.is(i - 1, "centre center") && w.is(i - 2, "exam test testing"))))
        || (i > 0
            && x.gap == Gap::Space
            && w.w.get(i - 1).is_some_and(|p| p.shape == Shape::Upper)
            && w.is(i - 1, "from")
            && w.w.get(last + 1).is_some_and(|t| t.shape == Shape::Upper)
            && w.is(last + 1, "to"))
}

/// True when the run `i..=last` is a URL path's segment of its own between
/// lower-case ones (`/stores/Wommels/hours`, `/tours/2025/Qarah/tickets`,
/// `/salons/in/Az%20Zallaq`): before it a lower-case segment, after any
/// number's, that no organisation's collection is ([`ORG_COLLECTIONS`]:
/// `/integrations/Klarna/status`), and after it the URL's end (the text's,
/// a space or a quote), a lower-case or a number's segment, a query or a
/// fragment. A path writes its own words in lower case; a word in title
/// case there is a proper name's, and its letters tell a town's
/// ([`town_letters`]).
fn path_segment(w: &Words<'_>, i: usize, last: usize) -> bool {
    let (Some(x), Some(y)) = (w.w.get(i), w.w.get(last)) else {
        return false;
    };
    let Some((b'/', head)) = w.b.get(..x.s).and_then(<[u8]>::split_last) else {
        return false;
    };
    // The segments before, nearest first; the first one that is no
    // number's decides.
    let lower = |c: &u8| c.is_ascii_lowercase() || matches!(c, b'-' | b'_');
    let mut segments = head.rsplit(|&c| c == b'/');
    let collection = loop {
        let seg = segments.next().unwrap_or_default();
        if seg.is_empty() || !seg.iter().all(u8::is_ascii_digit) {
            break (!seg.is_empty() && seg.iter().all(lower)).then_some(seg);
        }
    };
    // A segment with no `/` before it is the host's (or no path's).
    let in_path = segments.next().is_some();
    let after = match w.b.get(y.e..).unwrap_or_default() {
        [] | [b'?' | b'#' | b'&' | b' ' | b'\n' | b'"', ..] => true,
        [b'/', c, ..] => c.is_ascii_lowercase() || c.is_ascii_digit(),
        _ => false,
    };
    in_path && after && collection.is_some_and(|c| !super::hit::is_among(c, ORG_COLLECTIONS))
}

/// Path segments whose next segment names an organisation or a product,
/// not a town (see [`path_segment`]).
const ORG_COLLECTIONS: &str = "integrations integration providers provider connectors connector \
                               brands brand partners partner vendors vendor merchants merchant \
                               apps app plugins plugin services service products product sellers \
                               seller tools tool platforms platform networks network chains chain \
                               tokens token exchanges exchange orgs org \
                               organizations organization organisations organisation companies \
                               company teams team repos repo projects project models model";

/// True when word `i` follows a spaced `in` that no verb of software or
/// payment comes before ([`PRODUCT_VERBS`]): where a town stands, not a
/// person (`receipt issued in Sidi Khaled`, `from our team in Koh Kong`; see
/// [`in_unlisted_town`] and `names::scan`).
pub(crate) fn after_in(w: &Words<'_>, i: usize) -> bool {
    i > 1 && w.spaced_after(i, "in") && !w.is(i - 2, PRODUCT_VERBS)
}

/// The least name-likeness (see [`super::namelike::score`]) of a word no
/// list knows after `in` for it to start a town ([`in_unlisted_town`]).
/// Chosen on the dev splits and on a list of 272 developer, payment and
/// retail brands before any test split was read (HELDOUT "v14 run 25"): at
/// 15, dev LOCATION +27 with no false place, and 34 of the brands pass
/// (`Grafana`, `Klarna`, `Heroku`); at 25, dev +13 and 15 brands; at 10,
/// 68 brands.
const IN_TOWN_MIN: i32 = 15;

/// Verbs after which `in` names a product, a language or a currency, not
/// a town (`written in Kotlin`, `hosted in Heroku`, `available in Safari`,
/// `paid in Degen`, `priced in Bonk`).
const PRODUCT_VERBS: &str = "written coded built deployed hosted stored logged saved implemented \
                             available running runs works open opened viewed shown tracked \
                             configured enabled supported installed integrated listed sold \
                             bought signed login paid pay payable priced denominated settled";

/// The last word of an unlisted place starting at word `i`: up to four
/// title-case words, spaced or hyphenated, with lowercase joiners between
/// them (`Saint-Jean-de-Luz`, `Trou du Nord`).
fn run_end(w: &mut Words<'_>, i: usize) -> usize {
    joined_end(w, i, true)
}

/// [`run_end`], with spaces between the words when `spaced`, else only
/// hyphens (`Stratford-upon-Avon` after the listed `Stratford`).
fn joined_end(w: &mut Words<'_>, i: usize, spaced: bool) -> usize {
    let gap_ok = |g: Gap| g == Gap::Join(b'-') || (spaced && g == Gap::Space);
    let mut last = i;
    let mut k = i + 1;
    while k < i + 4 {
        let Some(y) = w.w.get(k) else { break };
        // A spaced qualifier ends the name when no capitalised word follows
        // (`Aliwal North`, `San Rafael Abajo`; not `Nigeria Central Bank`).
        let qualifier = y.gap == Gap::Space
            && y.shape == Shape::Title
            && w.is(k, QUALIFIERS)
            && w.w
                .get(k + 1)
                .is_none_or(|z| !(z.gap == Gap::Space && capital(z.shape)));
        if qualifier {
            last = k;
            break;
        }
        if !gap_ok(y.gap) {
            break;
        }
        // Lower-case joiners, one or two (`Trou du Nord`, `Villa de los
        // Santos`), before a title-case word.
        let joiner = |w: &Words<'_>, k: usize| {
            w.w.get(k)
                .is_some_and(|z| gap_ok(z.gap) && z.shape == Shape::Lower)
                && (w.is(k, PLACE_JOINERS) || assimilated(w, k))
        };
        let title = |w: &Words<'_>, k: usize| {
            w.w.get(k)
                .is_some_and(|z| gap_ok(z.gap) && z.shape == Shape::Title)
        };
        // A hyphen and one capital end a name (`Hartbeestfontein-A`).
        if y.gap == Gap::Join(b'-') && y.shape == Shape::Initial {
            last = k;
            break;
        }
        if y.shape == Shape::Title && w.flags(k) & STOP == 0 {
            last = k;
        } else if joiner(w, k) && joiner(w, k + 1) && title(w, k + 2) {
            k += 1;
        } else if !(joiner(w, k) && title(w, k + 1)) {
            break;
        }
        k += 1;
    }
    last
}

/// Site nouns that follow a town's name (`our Kribi branch`, `the Mbalmayo
/// depot`); not `store` or `shop`, which follow brands as often (`our Etsy
/// shop`).
const SITES_AFTER: &str = "branch office depot warehouse";

/// Lower-case kinds of place that follow a town's name, determiner or
/// not (`Zorvaby district`, `the Telmira municipality`, `the Damrei Phong
/// region`), and ports of air and sea (`Kribaso airport`); not `city` or
/// `town` (`Sim city`, `Old town`) unless `hall` follows (see [`hall`]),
/// nor `area` (`Member area`), nor `port` (`Redis port`).
const KINDS_AFTER: &str = "district districts municipality province county borough township \
                           village suburb region airport harbour harbor seaport";

/// True when a run of title-case words from word `i` stands between a
/// determiner and a site noun ([`SITES_AFTER`]: `stock kept at our Kribi
/// branch`) or a station ([`STATIONS`]: `the Agdas bus station`), or
/// before a kind of place ([`KINDS_AFTER`]: `Zorvaby district`).
pub(crate) fn before_site(w: &mut Words<'_>, i: usize) -> bool {
    // Cheap first: a determiner before, or a kind of place after the
    // first word that is not title case.
    let kind = (i + 1..i + 5)
        .find(|&k| w.w.get(k).is_none_or(|y| y.shape != Shape::Title))
        .is_some_and(|k| {
            w.w.get(k).is_some_and(|y| y.shape == Shape::Lower)
                && (w.is(k, KINDS_AFTER) || hall(w, k) || surroundings(w, k))
        });
    (kind || (i > 0 && w.is(i - 1, "our the your their"))) && {
        let last = run_end(w, i);
        site_after(w, i, last)
    }
}

/// [`before_site`] for the run `i..=last`.
fn site_after(w: &mut Words<'_>, i: usize, last: usize) -> bool {
    // `the Agdas bus station`, `the Kribi airport`: a station of a kind
    // (not a bare `station`: `the Shell station`), or an airport.
    let station = |w: &Words<'_>, k: usize| {
        w.is(k, "airport")
            || (w.is(k, "bus train railway ferry coach")
                && w.spaced_lower(k + 1)
                && w.is(k + 1, STATIONS))
    };
    // `paid at the Qormi market`: a market where something is bought (not
    // `the Bitcoin market` alone).
    let market = |w: &Words<'_>, k: usize| w.is(k, "market") && i > 1 && w.is(i - 2, "at");
    w.spaced_lower(last + 1)
        && (w.is(last + 1, KINDS_AFTER)
            || hall(w, last + 1)
            || surroundings(w, last + 1)
            || (i > 0
                && w.w.get(i).is_some_and(|x| x.gap == Gap::Space)
                && (w.is(last + 1, SITES_AFTER) || station(w, last + 1) || market(w, last + 1))
                && w.is(i - 1, "our the your their")))
}

/// True when word `k` starts `town hall` or `city hall`, which follow a
/// town's name (`venue: Qormi town hall`).
fn hall(w: &Words<'_>, k: usize) -> bool {
    w.is(k, "town city") && w.spaced_lower(k + 1) && w.is(k + 1, "hall")
}

/// True when word `k` starts `and nearby villages`, `and surrounding
/// areas` or the like, which follow a town's name (`covers Shahin Dezh and
/// nearby villages`); not `Stripe and nearby services`.
fn surroundings(w: &Words<'_>, k: usize) -> bool {
    w.is(k, "and")
        && w.spaced_lower(k + 1)
        && w.is(k + 1, "nearby surrounding neighbouring neighboring")
        && w.spaced_lower(k + 2)
        && w.is(
            k + 2,
            "villages towns cities areas regions suburbs districts communities",
        )
}

/// Stations after a kind of transport (see [`site_after`]).
const STATIONS: &str = "station terminal";

/// How surely what comes before word `i` introduces a place in no gazetteer
/// (see [`unlisted_place`]): [`SURE`], [`ROUTED`] or 0.
pub(crate) fn place_cue(w: &mut Words<'_>, i: usize) -> u8 {
    if let Some(c) = w
        .place_cues
        .get(i)
        .map(core::cell::Cell::get)
        .filter(|&c| c != 0)
    {
        return c - 1;
    }
    let c = place_cue_uncached(w, i);
    if let Some(m) = w.place_cues.get(i) {
        m.set(c + 1);
    }
    c
}

/// [`place_cue`], computed (it reads the words and their cues only, so it
/// is memoised per word).
fn place_cue_uncached(w: &mut Words<'_>, i: usize) -> u8 {
    let Some(x) = w.w.get(i).copied() else {
        return 0;
    };
    if before_region(w, i) {
        return SURE;
    }
    if i == 0 {
        return 0;
    }
    let site = |w: &mut Words<'_>, s: usize| s > 0 && w.is(s, SITES) && w.is(s - 1, DETERMINERS);
    // A kind of place as a key (`town=Wommels`, `"city": "Alcácer do Sal"`),
    // a site noun after its determiner as a key (`collection point: Kribi`,
    // `pickup_point=Kribi`) or alone (`office: Krapina`, see
    // [`SITE_KEYS`]), or after a comma (`field office, Kribi`).
    // `clinic branch: Kaliganj`, `?ride_end=Gaurnadi`: a venue's branch, a
    // journey's end or start (see [`VENUES`], [`LEGS`]); `"placeName":
    // "Kobuleti"`, `city_name=Telavi`: a place's name (see [`PLACE_NAMES`]);
    // `place of birth: Zaranj`, `country of origin: Kampot`.
    let keyed = x.gap == Gap::Key
        && (w.cue(i - 1) & PLACE_KIND != 0
            || site(w, i - 1)
            || w.is(i - 1, SITE_KEYS)
            || weather_path(w, i)
            || w.hump(i - 1)
                .is_some_and(|h| super::hit::is_among(h, SITE_KEYS))
            || w.name_key_head(i - 1)
                .is_some_and(|h| super::hit::is_among(h, PLACE_NAMES))
            || (i > 1
                && ((w.is(i - 1, "branch") && w.is(i - 2, VENUES))
                    || (w.is(i - 1, "end start") && w.is(i - 2, LEGS)))));
    let born = i >= 3
        && matches!(x.gap, Gap::Key | Gap::Break)
        && w.is(i - 1, "birth origin")
        && w.is(i - 2, "of")
        && w.is(i - 3, "place city town country region");
    let listed =
        i > 1 && x.gap == Gap::Comma && w.is(i - 1, SITES_AFTER) && w.is(i - 2, DETERMINERS);
    // `the village of Sauwerd`
    let of = i > 1
        && w.spaced_after(i, "of")
        && (w.cue(i - 2) & PLACE_KIND != 0 || w.is(i - 2, DWELLERS));
    // `10 km from Zorvaby`, `CIF Kribaso`, `downtown Telmira`.
    let far = i > 1
        && x.gap == Gap::Space
        && w.spaced_lower(i - 1)
        && w.is(i - 1, "from of outside near")
        && w.is(i - 2, DISTANCES);
    let before = x.gap == Gap::Space
        && w.w.get(i - 1).is_some_and(|p| p.shape != Shape::Title)
        && w.is(i - 1, BEFORE_PLACE);
    if keyed
        || born
        || listed
        || of
        || far
        || before
        || labelled(w, i)
        || from_to(w, i)
        || after_address(w, i)
    {
        return SURE;
    }
    // `courier collected it from Tsz Wan Shan`, `sofa to be collected in
    // Zintan`: where a thing is collected (not `data collected in Datadog`);
    // `tutoring at the public library in Al Mayah` (not `a library in
    // Rust`); `streaming live from Hong Lok Yuen`: where a broadcast comes
    // from, when two words or more follow (not `live from Twitch`).
    if i >= 3
        && x.gap == Gap::Space
        && w.spaced_lower(i - 1)
        && w.spaced_lower(i - 2)
        && ((w.is(i - 1, "from")
            && w.is(i - 2, "it them")
            && w.is(i - 3, "collected collect collects picked fetched"))
            || (w.is(i - 1, "in") && w.is(i - 2, "collected") && w.is(i - 3, "be"))
            || (w.is(i - 1, "in") && w.is(i - 2, "library") && w.is(i - 3, "public"))
            || (w.is(i - 1, "from")
                && w.is(i - 2, "live")
                && w.is(i - 3, "streaming streamed broadcasting broadcast")
                && run_end(w, i) > i))
    {
        return SURE;
    }
    // `departing Jekulo at 9:40`: a verb of travel whose object is a place
    // (not `visiting`: `visiting Anne`, `visiting Stripe`).
    if x.gap == Gap::Space
        && w.w.get(i - 1).is_some_and(|p| p.shape == Shape::Lower)
        && w.is(i - 1, "departing")
    {
        return ROUTED;
    }
    // `courier left Barda this morning`, `parcel held in Gobu`: what
    // travels (see [`CARRIERS`]) leaving, reaching or held in a place;
    // `delivery zone Damboa`: a zone of delivery.
    if i >= 2
        && x.gap == Gap::Space
        && w.spaced_lower(i - 1)
        && w.w.get(i - 2).is_some_and(|p| p.shape == Shape::Lower)
        && ((w.is(i - 1, "left leaves departed departs reached reaches") && w.is(i - 2, CARRIERS))
            || (w.is(i - 1, "zone") && w.is(i - 2, "delivery shipping pickup"))
            || (i >= 3
                && w.is(i - 1, "in")
                && w.is(i - 2, "held waiting")
                && w.is(i - 3, CARRIERS)))
    {
        return SURE;
    }
    // `ships from Dolores`, `ship_from=Belokany`, `{"route":{"from":
    // "Curacautin"}}`, `Ship From: Kampot`: `from` after a lower-case noun
    // of travel or of a way, or a label's Title-case one (not after those that lead from a sender too: [`FROM_SENDER`]). The
    // shapes first: the lists are read only after a lower-case word and
    // `from` (`from Lagos from Lagos …` reads none).
    if i >= 2
        && matches!(x.gap, Gap::Space | Gap::Key)
        && w.w.get(i - 2).is_some_and(|p| {
            p.shape == Shape::Lower || (x.gap == Gap::Key && p.shape == Shape::Title)
        })
        && w.is(i - 1, "from")
        && (w
            .w
            .get(i - 1)
            .is_some_and(|p| matches!(p.gap, Gap::Space | Gap::Join(b'_') | Gap::Key))
            || w.nested_key(i - 1))
        && ((travel_word(w, i - 2) && !w.is(i - 2, FROM_SENDER)) || w.is(i - 2, ROUTES))
    {
        return SURE;
    }
    // `trip to`, `based in`, `trip_to=`: a noun of travel or a verb of
    // residence (TRAVEL), then `in`, `near` or `to` (`from` above); `the
    // store in`, `our warehouse near`, `pickup point in`: a site noun
    // (SITES) after a determiner or a place key, then `in` or `near` (not
    // `store in Redis`), `is in` or `are in` (`their office is in`). Only
    // `to` after [`TO_PERSON`] may lead to a person (`ships to Anne Smith`).
    // The two words may be joined as a key (`trip_to=`, `/farms-around/`)
    // or nested (`{"trip":{"to":"Kampot"}}`).
    if i < 2
        || !matches!(x.gap, Gap::Space | Gap::Key)
        || !(w
            .w
            .get(i - 1)
            .is_some_and(|p| matches!(p.gap, Gap::Space | Gap::Join(b'_' | b'-')))
            || w.nested_key(i - 1))
    {
        return 0;
    }
    if w.is(i - 1, "to") {
        // `taxi from the airport to Kaïs`, `mileage for the drive to Kazlų
        // Ruda`: from a station, or a drive as a noun (not `drive to
        // Success`).
        let leg = w.is(i - 2, "airport station terminal")
            || (i > 2 && w.is(i - 2, "drive") && w.is(i - 3, "the a our their"));
        return match (w.is(i - 2, TRAVEL), w.is(i - 2, TO_PERSON)) {
            (true, true) => ROUTED,
            (true, false) => SURE,
            _ if leg => SURE,
            _ => 0,
        };
    }
    // `drop-off in Barda`, `picked up outside Kurmuk`: a noun or verb of
    // travel and its particle; `stage 3 ends in Quellon`, `ride ended near
    // Aroma`: a journey's part (see [`LEGS`]); `the flat is in Natona`;
    // `dog walks around Kampot` (see [`WALKS`]); `a callout fee applies
    // outside Sidi Bin Zinah`: where a charge holds.
    let particle = |w: &Words<'_>| {
        i >= 3
            && w.w
                .get(i - 2)
                .is_some_and(|p| matches!(p.gap, Gap::Join(b'-') | Gap::Space))
            && w.is(i - 2, "off up")
            && w.is(i - 3, "drop pick dropped picked")
    };
    let sited = w.is(i - 1, "in near around outside")
        && (w.is(i - 2, TRAVEL)
            || (w.is(i - 1, "around near") && w.is(i - 2, WALKS))
            || (w.is(i - 1, "outside") && w.is(i - 2, "applies apply applied"))
            || w.is(i - 2, VENUES)
            || particle(w)
            || site(w, i - 2)
            || (i > 2 && w.is(i - 2, "is are") && (site(w, i - 3) || w.is(i - 3, VENUES)))
            || (i > 2
                && w.is(i - 2, "held hosted")
                && (w.is(i - 3, VENUES) || w.is(i - 3, TRAVEL)))
            || (i > 2
                && w.is(
                    i - 2,
                    "ends starts begins finishes ended started began finished",
                )
                && w.is(i - 3, LEGS)));
    // `weather for Kongerslev`, `weather in Kampot` (see [`WEATHER`],
    // [`WEATHER_IN`]); `stayed at Kampot` (see [`STAYS`]); `the offsite
    // held near Tierra Blanca`: an event's venue.
    // `per diem rate for Aïn Taya`: a per diem's rate is a place's.
    let weather = (w.is(i - 1, "for")
        && (w.is(i - 2, WEATHER)
            || w.is(i - 2, "diem")
            || told_pair(w, i - 2)
            || (i > 2 && w.is(i - 2, "rate rates") && w.is(i - 3, "diem"))))
        || (w.is(i - 1, "in") && (w.is(i - 2, WEATHER_IN) || told_pair(w, i - 2)));
    let stay = w.is(i - 1, "at") && w.is(i - 2, STAYS);
    if sited || weather || stay {
        SURE
    } else {
        0
    }
}

/// Who lives in or governs a place and where it lies, before `of` (`a
/// resident of Zorvaby`, `the mayor of Kribaso`, `10 km north of Telmira`).
const DWELLERS: &str = "resident residents native natives citizen citizens outskirts mayor \
                        governor north south east west northeast northwest southeast southwest";

/// Units of distance, before `from`, `of`, `outside` or `near` and a place
/// (`10 km from Zorvaby`, `20 miles outside Kribaso`).
const DISTANCES: &str = "km kms kilometres kilometers kilometre kilometer mi mile miles";

/// The Incoterms rules, each named with a place (`CIF Kribaso`, `EXW
/// Zorvaby`), and the lower-case words before a town that say where in it
/// (`downtown Zorvaby`); not `rural` or `central` (`rural Development
/// Bank`, `central Limit`).
const BEFORE_PLACE: &str = "fas fca cif cfr cpt cip dap dpu ddp exw downtown uptown";

/// True when word `i` is one end of a route after a noun of travel: `from`
/// it `to` another title-case word (`train from Zorvaby to Telmira`,
/// `distance from Kribi to Sibu`), or the `to` end of one (see [`TRAVEL`],
/// [`ROUTES`]). `from Monday to Friday`: days are stop words.
fn from_to(w: &mut Words<'_>, i: usize) -> bool {
    let spaced = |w: &Words<'_>, k: usize| w.w.get(k).is_some_and(|y| y.gap == Gap::Space);
    let title = |w: &Words<'_>, k: usize| {
        w.w.get(k).is_some_and(|y| y.shape == Shape::Title) && w.flags(k) & STOP == 0
    };
    let travel = |w: &Words<'_>, k: usize| w.is(k, TRAVEL) || w.is(k, ROUTES);
    if !(i >= 2 && (w.is(i - 1, "from") || w.is(i - 1, "to"))) {
        return false;
    }
    if !(spaced(w, i) && spaced(w, i - 1) && title(w, i)) {
        return false;
    }
    if w.is(i - 1, "from") && travel(w, i - 2) {
        let last = run_end(w, i);
        return w.is(last + 1, "to")
            && spaced(w, last + 1)
            && spaced(w, last + 2)
            && title(w, last + 2);
    }
    if !w.is(i - 1, "to") {
        return false;
    }
    // Back over the `from` end's title-case words (at most four).
    let mut k = i - 1;
    while k > 0 && i - k <= 4 && title(w, k - 1) && spaced(w, k) {
        k -= 1;
    }
    k + 1 < i && k >= 2 && w.is(k - 1, "from") && spaced(w, k - 1) && travel(w, k - 2)
}

/// Parts of a journey whose end or start is a place (`stage 3 ends in
/// Quellon`, `the route starts in Minas`).
const LEGS: &str = "stage leg route tour trip journey race ride walk hike trail";

/// Nouns of a way between places, before `from` (`distance from`): see
/// [`from_to`].
const ROUTES: &str = "train trains distance directions road route routes";

/// Street words that end the street's part of an address (`12 Ring Road`,
/// `Hauptstrasse 5`, `PO Box 77`).
const STREETS: &str = "road rd street st avenue ave lane ln drive boulevard blvd close crescent \
                       court terrace highway hwy way strasse str weg gasse laan straat rue calle \
                       avenida rua";

/// Endings of streets' names written as one word (`Hauptstrasse`,
/// `Kerkstraat`, `Storgatan`, `Østergade`), read before a house number.
const STREET_ENDINGS: &[&str] = &[
    "strasse", "gasse", "platz", "allee", "straat", "laan", "gatan", "gade", "vej", "weg",
];

/// True when word `k` is a street word ([`STREETS`]) or ends like a
/// street's one-word name ([`STREET_ENDINGS`]).
fn street(w: &Words<'_>, k: usize) -> bool {
    let mut buf = [0u8; KEY_MAX];
    let key = w
        .key(k, &mut buf)
        .and_then(|n| buf.get(..n))
        .unwrap_or_default();
    w.is(k, STREETS)
        || STREET_ENDINGS
            .iter()
            .any(|e| key.len() > e.len() + 2 && key.ends_with(e.as_bytes()))
}

/// True when word `i` follows the street's part of an address and a comma,
/// with or without a postal code between (`12 Ring Road, Zorvaby`,
/// `Hauptstrasse 5, 10115 Zorvaby`, `PO Box 77, Zorvaby`): the town.
fn after_address(w: &mut Words<'_>, i: usize) -> bool {
    let Some(x) = w.w.get(i).copied() else {
        return false;
    };
    if x.shape != Shape::Title {
        return false;
    }
    if x.gap == Gap::Comma {
        return w.is(i - 1, STREETS) && w.w.get(i - 1).is_some_and(|y| y.gap == Gap::Space);
    }
    // Before the word: `, ` (or `,`), then a postal code of 4 to 6 digits
    // and a space, or only the comma after a house number.
    let before = w.b.get(..x.s).unwrap_or_default();
    let mut t = before.strip_suffix(b" ").unwrap_or(before);
    let digits = t.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    if (4..=6).contains(&digits) {
        t = t.get(..t.len() - digits).unwrap_or_default();
        t = t.strip_suffix(b" ").unwrap_or(t);
    } else if digits != 0 {
        return false;
    }
    let Some(t) = t.strip_suffix(b",") else {
        return false;
    };
    // A house number (`Hauptstrasse 5`, `Box 77`) or a street word ends
    // what comes before the comma.
    let number = t
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let tail = t.get(t.len() - number..).unwrap_or_default();
    let numbered = tail.first().is_some_and(u8::is_ascii_digit) && tail.len() <= 5;
    let word =
        w.w.partition_point(|y| y.e <= t.len())
            .checked_sub(1)
            .filter(|&k| w.w.get(k).is_some_and(|y| y.e + 8 >= t.len()));
    // The street word may open the street's name (`Avenida Paulista 1000`).
    (numbered
        && word
            .is_some_and(|k| w.is(k, "box bag") || (k.saturating_sub(2)..=k).any(|j| street(w, j))))
        || word.is_some_and(|k| w.w.get(k).is_some_and(|y| y.e == t.len()) && w.is(k, STREETS))
}

/// `from Kilkee, Ireland`, `"Zorvaby Nort, Texas"`: title-case words in no
/// list, then a comma and a listed place that ends a label ([`ends_label`];
/// not `Acme, Berlin office`): a town and its region. A known name
/// (`Okafor, Nigeria`), a stop word, a place of the lists and a greeting
/// (`Hello, London.`) are left to the other rules.
fn before_region(w: &mut Words<'_>, i: usize) -> bool {
    let last = run_end(w, i);
    let town = |w: &Words<'_>, k: usize| {
        w.w.get(k)
            .is_some_and(|y| y.shape == Shape::Title && y.e - y.s >= 3)
            && w.flags(k) & (FIRST | FIRST_AMB | LAST | STOP | PLACE) == 0
    };
    if !(i..=last).all(|k| town(w, k)) || w.is(i, GREETINGS) {
        return false;
    }
    region_at(w, last + 1)
}

/// True when word `r` starts a region after a town: a comma, a listed place
/// (no word-like one alone) that ends a label ([`ends_label`]): `, Texas`
/// in `Kilkee, Texas` and `holder: Paris, Texas`; or a listed place alone
/// in brackets (`Ulundi (South Africa)`).
pub(crate) fn region_at(w: &mut Words<'_>, r: usize) -> bool {
    let n = place_len(w, r);
    let Some(y) = w.w.get(r).copied().filter(|_| n > 0) else {
        return false;
    };
    let comma = y.gap == Gap::Comma && ends_label(w, r + n - 1);
    let bracketed = y.gap == Gap::Break
        && y.s > 0
        && w.b.get(y.s - 1) == Some(&b'(')
        && w.next_mark(r + n - 1) == b')';
    capital(y.shape) && (comma || bracketed) && !(n == 1 && w.flags(r) & PLACE_AMB != 0)
}

/// True when word `k` ends a label or a clause: after it, past spaces, comes
/// the end of the text or punctuation that closes one (`.`, `,`, `;`, `)`,
/// `]`, `|`, `"`, `&`, a line break), not another word.
fn ends_label(w: &Words<'_>, k: usize) -> bool {
    matches!(
        w.next_mark(k),
        0 | b'.' | b',' | b';' | b')' | b']' | b'|' | b'"' | b'&' | b'\n'
    )
}

/// Words that open a letter or a message before a comma.
const GREETINGS: &str = "hello hey dear thanks welcome sorry note attention greetings";

/// `[region Cidra]`, `customer region Zaranj`, `Nearest branch Pedro Carbo |
/// …`: a lower-case kind of place that starts a label (nothing but
/// punctuation before it, or one lower-case word that starts it), or a
/// branch, depot or warehouse (not `office`: `office Jane Doe`), then
/// title-case words that end the label ([`ends_label`]).
fn labelled(w: &mut Words<'_>, i: usize) -> bool {
    let (Some(x), Some(k)) = (w.w.get(i).copied(), w.w.get(i - 1).copied()) else {
        return false;
    };
    if x.gap != Gap::Space || k.shape != Shape::Lower {
        return false;
    }
    // The kind opens the label, or one lower-case word before it does
    // (`customer region Jawf`, `nearest town Zaranj`).
    let opens = k.gap == Gap::Break
        || (k.gap == Gap::Space
            && i > 1
            && w.w
                .get(i - 2)
                .is_some_and(|p| p.gap == Gap::Break && p.shape == Shape::Lower));
    let kind = opens && w.cue(i - 1) & PLACE_KIND != 0;
    if !(kind || w.is(i - 1, "branch depot warehouse")) {
        return false;
    }
    let last = run_end(w, i);
    ends_label(w, last)
}

/// [`place_cue`]: the words before introduce a place, and no person (a key
/// or a label of a place kind or a site, `the village of`, `the depot in`).
pub(crate) const SURE: u8 = 2;
/// [`place_cue`]: the words before introduce a place, or a person they name
/// (`ships to Anne Smith`: a noun or verb of travel and `to`).
pub(crate) const ROUTED: u8 = 1;

/// One-word places held back by the organisation rule (a place right before
/// another capitalised word), with their word index, in text order.
///
/// The rule reads the next word as the rest of an organisation's name
/// (`Lincoln Financial`); when that word itself starts a finding (a place
/// or a name: `Katsushika Muzaffarabad`, `Boston John Smith`) it is replaced
/// too, and the rescan of the redacted text would then find the place alone:
/// one more place a round, a cascade along a run of capitalised words. So
/// the scan decides the whole run at once: [`Pending::settle`] keeps a held
/// place when the next word starts a finding, right to left.
#[derive(Default)]
pub(crate) struct Pending(Vec<(usize, Hit)>);

impl Pending {
    /// Moves into `out` every held place whose next word starts a hit of
    /// `out` or a kept place.
    pub(crate) fn settle(self, w: &Words<'_>, out: &mut Vec<Hit>) {
        if self.0.is_empty() {
            return;
        }
        // Per word: a hit starts there.
        let mut starts = vec![false; w.w.len()];
        for h in out.iter() {
            if let Ok(j) = w.w.binary_search_by_key(&h.start, |y| y.s) {
                if let Some(m) = starts.get_mut(j) {
                    *m = true;
                }
            }
        }
        let mut keep = Vec::new();
        for &(i, h) in self.0.iter().rev() {
            if starts.get(i + 1).copied().unwrap_or(false) {
                if let Some(m) = starts.get_mut(i) {
                    *m = true;
                }
                keep.push(h);
            }
        }
        out.extend(keep.into_iter().rev());
    }
}
