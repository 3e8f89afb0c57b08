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

/// Cue bits of a lowercase word: [`STRONG`], [`WEAK`], [`LOC`].
pub(crate) fn cue_bits(k: &[u8]) -> u8 {
    if k.is_empty() || k.len() > 16 {
        return 0;
    }
    let key = pack(k);
    CUES.binary_search_by(|(p, _)| p.cmp(&key))
        .map_or(0, |i| CUES[i].1)
}

/// Packs up to 16 bytes big-endian, so integer order is string order.
const fn pack(s: &[u8]) -> u128 {
    let mut v: u128 = 0;
    let mut i = 0;
    while i < 16 {
        v <<= 8;
        if i < s.len() {
            v |= s[i] as u128;
        }
        i += 1;
    }
    v
}

/// Every cue word, sorted.
const CUES: &[(u128, u8)] = &[
    (pack(b"about"), WEAK),
    (pack(b"account"), STRONG),
    (pack(b"accounts"), STRONG),
    (pack(b"across"), LOC),
    (pack(b"address"), LOC),
    (pack(b"and"), WEAK),
    (pack(b"applicant"), STRONG),
    (pack(b"approver"), STRONG),
    (pack(b"area"), LOC),
    (pack(b"around"), LOC),
    (pack(b"assignee"), STRONG),
    (pack(b"at"), LOC),
    (pack(b"attn"), STRONG | TITLE),
    (pack(b"author"), STRONG),
    (pack(b"based"), LOC),
    (pack(b"beneficiary"), STRONG),
    (pack(b"born"), LOC),
    (pack(b"buyer"), STRONG),
    (pack(b"by"), WEAK),
    (pack(b"candidate"), STRONG),
    (pack(b"capital"), LOC),
    (pack(b"cardholder"), STRONG),
    (pack(b"cc"), WEAK),
    (pack(b"city"), LOC),
    (pack(b"claimant"), STRONG),
    (pack(b"client"), STRONG),
    (pack(b"clients"), STRONG),
    (pack(b"contact"), STRONG),
    (pack(b"country"), LOC),
    (pack(b"county"), LOC),
    (pack(b"customer"), STRONG),
    (pack(b"customers"), STRONG),
    (pack(b"dear"), STRONG | TITLE),
    (pack(b"deliver"), LOC),
    (pack(b"delivery"), LOC),
    (pack(b"destination"), LOC),
    (pack(b"doctor"), STRONG),
    (pack(b"dr"), STRONG | TITLE),
    (pack(b"driver"), STRONG),
    (pack(b"employee"), STRONG),
    (pack(b"employees"), STRONG),
    (pack(b"for"), WEAK),
    (pack(b"from"), WEAK | LOC),
    (pack(b"fullname"), STRONG),
    (pack(b"geo"), LOC),
    (pack(b"guest"), STRONG),
    (pack(b"hello"), WEAK),
    (pack(b"hi"), WEAK),
    (pack(b"holder"), STRONG),
    (pack(b"in"), LOC),
    (pack(b"inside"), LOC),
    (pack(b"insured"), STRONG),
    (pack(b"into"), LOC),
    (pack(b"lives"), LOC),
    (pack(b"loc"), LOC),
    (pack(b"located"), LOC),
    (pack(b"location"), LOC),
    (pack(b"member"), STRONG),
    (pack(b"members"), STRONG),
    (pack(b"miss"), STRONG | TITLE),
    (pack(b"mr"), STRONG | TITLE),
    (pack(b"mrs"), STRONG | TITLE),
    (pack(b"ms"), STRONG | TITLE),
    (pack(b"mx"), STRONG | TITLE),
    (pack(b"name"), STRONG),
    (pack(b"near"), LOC),
    (pack(b"nurse"), STRONG),
    (pack(b"of"), WEAK),
    (pack(b"office"), LOC),
    (pack(b"origin"), LOC),
    (pack(b"outside"), LOC),
    (pack(b"owner"), STRONG),
    (pack(b"passenger"), STRONG),
    (pack(b"patient"), STRONG),
    (pack(b"patients"), STRONG),
    (pack(b"payee"), STRONG),
    (pack(b"payer"), STRONG),
    (pack(b"people"), STRONG),
    (pack(b"person"), STRONG),
    (pack(b"physician"), STRONG),
    (pack(b"place"), LOC),
    (pack(b"prof"), STRONG | TITLE),
    (pack(b"profile"), STRONG),
    (pack(b"profiles"), STRONG),
    (pack(b"province"), LOC),
    (pack(b"recipient"), STRONG),
    (pack(b"region"), LOC),
    (pack(b"requester"), STRONG),
    (pack(b"requestor"), STRONG),
    (pack(b"residence"), LOC),
    (pack(b"respondent"), STRONG),
    (pack(b"seller"), STRONG),
    (pack(b"sender"), STRONG),
    (pack(b"ship"), LOC),
    (pack(b"shipping"), LOC),
    (pack(b"signer"), STRONG),
    (pack(b"state"), LOC),
    (pack(b"student"), STRONG),
    (pack(b"students"), STRONG),
    (pack(b"subscriber"), STRONG),
    (pack(b"tenant"), STRONG),
    (pack(b"thanks"), WEAK),
    (pack(b"to"), WEAK | LOC),
    (pack(b"town"), LOC),
    (pack(b"travel"), LOC),
    (pack(b"traveler"), STRONG),
    (pack(b"traveller"), STRONG),
    (pack(b"u"), STRONG),
    (pack(b"user"), STRONG),
    (pack(b"username"), STRONG),
    (pack(b"users"), STRONG),
    (pack(b"via"), WEAK),
    (pack(b"visiting"), LOC),
    (pack(b"with"), WEAK),
    (pack(b"within"), LOC),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_table_is_sorted() {
        assert!(CUES.windows(2).all(|p| p[0].0 < p[1].0));
        assert_eq!(cue_bits(b"u"), STRONG);
        assert_eq!(cue_bits(b"in"), LOC);
    }
}
