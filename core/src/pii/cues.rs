//! Context cue words for the PERSON and LOCATION rules (`patient`, `Dr.`,
//! `user=`, `in`, `from`…), looked up by their lowercase key.

/// A cue after which name-shaped words are a person, whatever the gazetteer says.
pub(crate) const STRONG: u8 = 1;
/// A weaker person cue (`for`, `by`): needs gazetteer support.
pub(crate) const WEAK: u8 = 2;
/// A word that introduces a place.
pub(crate) const LOC: u8 = 4;
/// A title (`Dr.`, `Mrs`): a lone surname after it is a person.
pub(crate) const TITLE: u8 = 8;
/// An organisation word: a corporate designator (`Inc`, `Group`, `Bros`,
/// `Laboratories`) or what an organisation offers (`funds`, `supplies`,
/// `library`). As the second word of a capitalised pair, or the word right
/// after it, it makes the pair an organisation (`Franklin Templeton funds`,
/// `Warner Bros`), not a person.
pub(crate) const ORG: u8 = 16;
/// A personal-record noun (`account`, `profile`, `records`) or a verb whose
/// subject is a person (`pays`, `requests`, `wrote`): after a capitalised pair (`Liv
/// Ozturk account`, `Dariush Morozov requests`) it marks the pair as a
/// person's name.
pub(crate) const OWN: u8 = 32;
/// A kind of place (`city`, `town`, `village`): as a key (`city=`,
/// `"town": "…"`) or before `of` (`the town of …`), the capitalised words
/// after it name a place, in the gazetteer or not.
pub(crate) const PLACE_KIND: u8 = 64;

use super::gazetteer::Heads;

/// Cue bits of a lowercase word: [`STRONG`], [`WEAK`], [`LOC`], [`TITLE`],
/// [`ORG`], [`OWN`], [`PLACE_KIND`].
pub(crate) fn cue_bits(k: &[u8]) -> u8 {
    if k.is_empty()
        || k.len() > KEY_LEN
        || !k.iter().all(u8::is_ascii_lowercase)
        || !HEADS.may_start(k)
    {
        return 0;
    }
    let key = pack(k);
    KEYS.binary_search(&key)
        .map_or(0, |i| BITS.get(i).copied().unwrap_or(0))
}

/// Letters of the longest cue word (`entertainment`).
const KEY_LEN: usize = 13;

/// Packs up to [`KEY_LEN`] lowercase letters as a base-27 number (`a` is
/// 1, a letter past the end 0), so integer order is string order; 27^13 is
/// below 2^64.
const fn pack(s: &[u8]) -> u64 {
    let mut v: u64 = 0;
    let mut i = 0;
    while i < KEY_LEN {
        v *= 27;
        if i < s.len() {
            assert!(s[i].is_ascii_lowercase());
            v += (s[i] - b'a' + 1) as u64;
        }
        i += 1;
    }
    v
}

/// The letter at position `at` of a packed key (0 past its end).
const fn letter(k: u64, at: u32) -> u8 {
    let d = (k / 27u64.pow(KEY_LEN as u32 - 1 - at) % 27) as u8;
    if d == 0 {
        0
    } else {
        b'a' + d - 1
    }
}

/// Every cue word, sorted.
const CUES: &[(u64, u8)] = &[
    (pack(b"about"), WEAK),
    (pack(b"academy"), ORG),
    (pack(b"account"), STRONG | OWN),
    (pack(b"accounts"), STRONG | OWN),
    (pack(b"across"), LOC),
    (pack(b"address"), LOC),
    (pack(b"ag"), ORG),
    (pack(b"ai"), ORG),
    (pack(b"airlines"), ORG),
    (pack(b"and"), WEAK),
    (pack(b"applicant"), STRONG),
    (pack(b"applicants"), STRONG),
    (pack(b"approved"), OWN),
    (pack(b"approver"), STRONG),
    (pack(b"approves"), OWN),
    (pack(b"area"), LOC),
    (pack(b"around"), LOC),
    (pack(b"asked"), OWN),
    (pack(b"asks"), OWN),
    (pack(b"assignee"), STRONG),
    (pack(b"associates"), ORG),
    (pack(b"association"), ORG),
    (pack(b"assurance"), ORG),
    (pack(b"at"), LOC),
    (pack(b"attendee"), STRONG),
    (pack(b"attendees"), STRONG),
    (pack(b"attn"), STRONG | TITLE),
    (pack(b"author"), STRONG),
    (pack(b"authors"), STRONG),
    (pack(b"babysitter"), STRONG),
    (pack(b"babysitters"), STRONG),
    (pack(b"bancorp"), ORG),
    (pack(b"bank"), ORG),
    (pack(b"barber"), STRONG),
    (pack(b"barbers"), STRONG),
    (pack(b"based"), LOC),
    (pack(b"beautician"), STRONG),
    (pack(b"beauticians"), STRONG),
    (pack(b"beneficiary"), STRONG),
    (pack(b"biosciences"), ORG),
    (pack(b"birthplace"), LOC | PLACE_KIND),
    (pack(b"bistro"), ORG),
    (pack(b"booked"), OWN),
    (pack(b"booking"), OWN),
    (pack(b"books"), OWN),
    (pack(b"born"), LOC),
    (pack(b"borough"), LOC | PLACE_KIND),
    (pack(b"bought"), OWN),
    (pack(b"branches"), LOC | PLACE_KIND),
    (pack(b"brands"), ORG),
    (pack(b"bros"), ORG),
    (pack(b"brothers"), ORG),
    (pack(b"buyer"), STRONG),
    (pack(b"buyers"), STRONG),
    (pack(b"buys"), OWN),
    (pack(b"bv"), ORG),
    (pack(b"by"), WEAK),
    (pack(b"cafe"), ORG),
    (pack(b"cafes"), ORG),
    (pack(b"candidate"), STRONG),
    (pack(b"candidates"), STRONG),
    (pack(b"capital"), LOC | ORG),
    (pack(b"cardholder"), STRONG),
    (pack(b"caregiver"), STRONG),
    (pack(b"caregivers"), STRONG),
    (pack(b"carer"), STRONG),
    (pack(b"carers"), STRONG),
    (pack(b"catalog"), ORG),
    (pack(b"catalogue"), ORG),
    (pack(b"catering"), ORG),
    (pack(b"cc"), STRONG),
    (pack(b"chart"), OWN),
    (pack(b"cities"), LOC | PLACE_KIND),
    (pack(b"city"), LOC | PLACE_KIND),
    (pack(b"claimant"), STRONG),
    (pack(b"claimants"), STRONG),
    (pack(b"client"), STRONG),
    (pack(b"clients"), STRONG),
    (pack(b"clinic"), ORG),
    (pack(b"club"), ORG),
    (pack(b"co"), ORG),
    (pack(b"collective"), ORG),
    (pack(b"college"), ORG),
    (pack(b"companies"), ORG),
    (pack(b"company"), ORG),
    (pack(b"confirmed"), OWN),
    (pack(b"congrats"), WEAK),
    (pack(b"consulting"), ORG),
    (pack(b"contact"), STRONG),
    (pack(b"corp"), ORG),
    (pack(b"corporation"), ORG),
    (pack(b"cosigner"), STRONG),
    (pack(b"cosigners"), STRONG),
    (pack(b"counsel"), STRONG),
    (pack(b"countries"), LOC),
    (pack(b"country"), LOC),
    (pack(b"county"), LOC | PLACE_KIND),
    (pack(b"couriers"), ORG),
    (pack(b"customer"), STRONG),
    (pack(b"customers"), STRONG),
    (pack(b"dear"), STRONG | TITLE),
    (pack(b"deliver"), LOC),
    (pack(b"delivery"), LOC),
    (pack(b"design"), ORG),
    (pack(b"designs"), ORG),
    (pack(b"destination"), LOC | PLACE_KIND),
    (pack(b"destinations"), LOC | PLACE_KIND),
    (pack(b"details"), OWN),
    (pack(b"diagnostics"), ORG),
    (pack(b"diner"), ORG),
    (pack(b"doctor"), STRONG),
    (pack(b"dossier"), OWN),
    (pack(b"dr"), STRONG | TITLE),
    (pack(b"driver"), STRONG),
    (pack(b"dropoff"), LOC | PLACE_KIND),
    (pack(b"eatery"), ORG),
    (pack(b"electric"), ORG),
    (pack(b"emailed"), OWN),
    (pack(b"employee"), STRONG),
    (pack(b"employees"), STRONG),
    (pack(b"energy"), ORG),
    (pack(b"enterprises"), ORG),
    (pack(b"entertainment"), ORG),
    (pack(b"familyname"), STRONG),
    (pack(b"fashion"), ORG),
    (pack(b"file"), OWN),
    (pack(b"filings"), ORG),
    (pack(b"financial"), ORG),
    (pack(b"firstname"), STRONG),
    (pack(b"fitness"), ORG),
    (pack(b"foods"), ORG),
    (pack(b"for"), WEAK),
    (pack(b"forecast"), LOC),
    (pack(b"forename"), STRONG),
    (pack(b"forenames"), STRONG),
    (pack(b"foundation"), ORG),
    (pack(b"freight"), ORG),
    (pack(b"from"), WEAK | LOC),
    (pack(b"fullname"), STRONG),
    (pack(b"fund"), ORG),
    (pack(b"funds"), ORG),
    (pack(b"furniture"), ORG),
    (pack(b"gardens"), ORG),
    (pack(b"geo"), LOC),
    (pack(b"givenname"), STRONG),
    (pack(b"gmbh"), ORG),
    (pack(b"groomer"), STRONG),
    (pack(b"groomers"), STRONG),
    (pack(b"group"), ORG),
    (pack(b"guest"), STRONG),
    (pack(b"guests"), STRONG),
    (pack(b"gym"), ORG),
    (pack(b"gyms"), ORG),
    (pack(b"healthcare"), ORG),
    (pack(b"hello"), WEAK),
    (pack(b"hi"), WEAK),
    (pack(b"history"), OWN),
    (pack(b"holder"), STRONG),
    (pack(b"holdings"), ORG),
    (pack(b"hometown"), LOC | PLACE_KIND),
    (pack(b"hospital"), ORG),
    (pack(b"household"), STRONG),
    (pack(b"households"), STRONG),
    (pack(b"hygienist"), STRONG),
    (pack(b"hygienists"), STRONG),
    (pack(b"in"), LOC),
    (pack(b"inc"), ORG),
    (pack(b"incorporated"), ORG),
    (pack(b"industries"), ORG),
    (pack(b"inside"), LOC),
    (pack(b"institute"), ORG),
    (pack(b"insurance"), ORG),
    (pack(b"insured"), STRONG),
    (pack(b"into"), LOC),
    (pack(b"investments"), ORG),
    (pack(b"invitee"), STRONG),
    (pack(b"invitees"), STRONG),
    (pack(b"itinerary"), OWN),
    (pack(b"jewels"), ORG),
    (pack(b"joins"), OWN),
    (pack(b"kin"), STRONG),
    (pack(b"kyc"), STRONG),
    (pack(b"laboratories"), ORG),
    (pack(b"labs"), ORG),
    (pack(b"lastname"), STRONG),
    (pack(b"league"), ORG),
    (pack(b"library"), ORG),
    (pack(b"limited"), ORG),
    (pack(b"lives"), LOC),
    (pack(b"llc"), ORG),
    (pack(b"llp"), ORG),
    (pack(b"loc"), LOC),
    (pack(b"locality"), LOC | PLACE_KIND),
    (pack(b"located"), LOC),
    (pack(b"location"), LOC),
    (pack(b"locations"), LOC),
    (pack(b"logistics"), ORG),
    (pack(b"lp"), ORG),
    (pack(b"ltd"), ORG),
    (pack(b"masseur"), STRONG),
    (pack(b"masseuse"), STRONG),
    (pack(b"member"), STRONG),
    (pack(b"members"), STRONG),
    (pack(b"merchandise"), ORG),
    (pack(b"middlename"), STRONG),
    (pack(b"midwife"), STRONG),
    (pack(b"midwives"), STRONG),
    (pack(b"miss"), STRONG | TITLE),
    (pack(b"motel"), ORG),
    (pack(b"motor"), ORG),
    (pack(b"motors"), ORG),
    (pack(b"mr"), STRONG | TITLE),
    (pack(b"mrs"), STRONG | TITLE),
    (pack(b"ms"), STRONG | TITLE),
    (pack(b"municipality"), LOC | PLACE_KIND),
    (pack(b"museum"), ORG),
    (pack(b"mx"), STRONG | TITLE),
    (pack(b"name"), STRONG),
    (pack(b"nannies"), STRONG),
    (pack(b"nanny"), STRONG),
    (pack(b"near"), LOC),
    (pack(b"needs"), OWN),
    (pack(b"network"), ORG),
    (pack(b"nickname"), STRONG),
    (pack(b"nominee"), STRONG),
    (pack(b"nominees"), STRONG),
    (pack(b"nurse"), STRONG),
    (pack(b"nv"), ORG),
    (pack(b"of"), WEAK),
    (pack(b"office"), LOC),
    (pack(b"offices"), LOC | PLACE_KIND),
    (pack(b"optician"), STRONG),
    (pack(b"opticians"), STRONG),
    (pack(b"ordered"), OWN),
    (pack(b"organics"), ORG),
    (pack(b"organiser"), STRONG),
    (pack(b"organisers"), STRONG),
    (pack(b"organizer"), STRONG),
    (pack(b"organizers"), STRONG),
    (pack(b"origin"), LOC),
    (pack(b"outfitters"), ORG),
    (pack(b"outside"), LOC),
    (pack(b"owes"), OWN),
    (pack(b"owner"), STRONG),
    (pack(b"owns"), OWN),
    (pack(b"paid"), OWN),
    (pack(b"partners"), ORG),
    (pack(b"passenger"), STRONG),
    (pack(b"passengers"), STRONG),
    (pack(b"patient"), STRONG),
    (pack(b"patients"), STRONG),
    (pack(b"payee"), STRONG),
    (pack(b"payees"), STRONG),
    (pack(b"payer"), STRONG),
    (pack(b"payers"), STRONG),
    (pack(b"pays"), OWN),
    (pack(b"payslip"), STRONG),
    (pack(b"payslips"), STRONG),
    (pack(b"people"), STRONG),
    (pack(b"person"), STRONG),
    (pack(b"pharma"), ORG),
    (pack(b"pharmacies"), ORG),
    (pack(b"pharmacy"), ORG),
    (pack(b"physician"), STRONG),
    (pack(b"physio"), STRONG),
    (pack(b"physios"), STRONG),
    (pack(b"pickup"), LOC | PLACE_KIND),
    (pack(b"pictures"), ORG),
    (pack(b"pizzeria"), ORG),
    (pack(b"place"), LOC),
    (pack(b"plc"), ORG),
    (pack(b"portfolio"), OWN),
    (pack(b"products"), ORG),
    (pack(b"prof"), STRONG | TITLE),
    (pack(b"profile"), STRONG | OWN),
    (pack(b"profiles"), STRONG | OWN),
    (pack(b"province"), LOC | PLACE_KIND),
    (pack(b"pty"), ORG),
    (pack(b"publishing"), ORG),
    (pack(b"quotes"), ORG),
    (pack(b"receives"), OWN),
    (pack(b"recipient"), STRONG),
    (pack(b"recipients"), STRONG),
    (pack(b"record"), OWN),
    (pack(b"records"), OWN),
    (pack(b"region"), LOC | PLACE_KIND),
    (pack(b"regions"), LOC | PLACE_KIND),
    (pack(b"requested"), OWN),
    (pack(b"requester"), STRONG),
    (pack(b"requestor"), STRONG),
    (pack(b"requests"), OWN),
    (pack(b"reservation"), OWN),
    (pack(b"residence"), LOC),
    (pack(b"resort"), ORG),
    (pack(b"respondent"), STRONG),
    (pack(b"restaurant"), ORG),
    (pack(b"restaurants"), ORG),
    (pack(b"reviewer"), STRONG),
    (pack(b"reviewers"), STRONG),
    (pack(b"rider"), STRONG),
    (pack(b"riders"), STRONG),
    (pack(b"said"), OWN),
    (pack(b"salons"), ORG),
    (pack(b"says"), OWN),
    (pack(b"securities"), ORG),
    (pack(b"seller"), STRONG),
    (pack(b"sellers"), STRONG),
    (pack(b"sender"), STRONG),
    (pack(b"sends"), OWN),
    (pack(b"sent"), OWN),
    (pack(b"shared"), OWN),
    (pack(b"shares"), ORG),
    (pack(b"ship"), LOC),
    (pack(b"shipping"), LOC),
    (pack(b"shop"), ORG),
    (pack(b"signatories"), STRONG),
    (pack(b"signatory"), STRONG),
    (pack(b"signed"), OWN),
    (pack(b"signer"), STRONG),
    (pack(b"signs"), OWN),
    (pack(b"society"), ORG),
    (pack(b"solutions"), ORG),
    (pack(b"sons"), ORG),
    (pack(b"spa"), ORG),
    (pack(b"staff"), STRONG),
    (pack(b"state"), LOC),
    (pack(b"statement"), OWN),
    (pack(b"stock"), ORG),
    (pack(b"store"), ORG),
    (pack(b"student"), STRONG),
    (pack(b"students"), STRONG),
    (pack(b"studios"), ORG),
    (pack(b"stylist"), STRONG),
    (pack(b"stylists"), STRONG),
    (pack(b"submits"), OWN),
    (pack(b"subscriber"), STRONG),
    (pack(b"subscribers"), STRONG),
    (pack(b"suburb"), LOC | PLACE_KIND),
    (pack(b"supplies"), ORG),
    (pack(b"surname"), STRONG),
    (pack(b"surnames"), STRONG),
    (pack(b"systems"), ORG),
    (pack(b"teacher"), STRONG),
    (pack(b"teachers"), STRONG),
    (pack(b"tech"), ORG),
    (pack(b"technologies"), ORG),
    (pack(b"tenant"), STRONG),
    (pack(b"tenants"), STRONG),
    (pack(b"textiles"), ORG),
    (pack(b"thanks"), WEAK),
    (pack(b"therapeutics"), ORG),
    (pack(b"to"), WEAK | LOC),
    (pack(b"town"), LOC | PLACE_KIND),
    (pack(b"towns"), LOC | PLACE_KIND),
    (pack(b"township"), LOC | PLACE_KIND),
    (pack(b"trading"), ORG),
    (pack(b"trainer"), STRONG),
    (pack(b"trainers"), STRONG),
    (pack(b"transport"), ORG),
    (pack(b"travel"), LOC),
    (pack(b"traveler"), STRONG),
    (pack(b"travelers"), STRONG),
    (pack(b"traveller"), STRONG),
    (pack(b"trust"), ORG),
    (pack(b"u"), STRONG),
    (pack(b"university"), ORG),
    (pack(b"uploads"), OWN),
    (pack(b"user"), STRONG),
    (pack(b"username"), STRONG),
    (pack(b"users"), STRONG),
    (pack(b"ventures"), ORG),
    (pack(b"via"), WEAK),
    (pack(b"village"), LOC | PLACE_KIND),
    (pack(b"visiting"), LOC),
    (pack(b"walker"), STRONG),
    (pack(b"walkers"), STRONG),
    (pack(b"wallet"), OWN),
    (pack(b"wants"), OWN),
    (pack(b"warehouses"), LOC | PLACE_KIND),
    (pack(b"weather"), LOC),
    (pack(b"will"), OWN),
    (pack(b"with"), WEAK),
    (pack(b"within"), LOC),
    (pack(b"wrote"), OWN),
];

/// How many cue words there are.
const N: usize = CUES.len();

/// The packed keys of [`CUES`], in the same order: the lookup searches these
/// (8 bytes an entry, where the `(u64, u8)` pairs take 16 with padding).
const KEYS: [u64; N] = {
    let mut k = [0u64; N];
    let mut i = 0;
    while i < N {
        k[i] = CUES[i].0;
        i += 1;
    }
    k
};

/// The first two letters of every cue word: most words need no search.
const HEADS: Heads = {
    let mut h = Heads::EMPTY;
    let mut i = 0;
    while i < N {
        let k = CUES[i].0;
        h = h.with(letter(k, 0), letter(k, 1));
        i += 1;
    }
    h
};

/// The bits of [`CUES`], in the same order.
const BITS: [u8; N] = {
    let mut b = [0u8; N];
    let mut i = 0;
    while i < N {
        b[i] = CUES[i].1;
        i += 1;
    }
    b
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_table_is_sorted() {
        assert!(CUES.windows(2).all(|p| p[0].0 < p[1].0));
        assert_eq!(cue_bits(b"u"), STRONG);
        assert_eq!(cue_bits(b"in"), LOC);
        assert_eq!(cue_bits(b"entertainment"), ORG);
        assert_eq!(cue_bits(b"entertainments"), 0);
        assert_eq!(cue_bits(b"in1"), 0);
    }
}
