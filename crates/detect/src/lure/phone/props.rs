//! Property tests for the phone scanner: whatever the text, what it finds
//! is valid E.164 with a span on the text's character boundaries; and one
//! valid number written in any of the shapes lures use is found, alone,
//! as the same E.164.

use proptest::prelude::*;

use phonenumber::country::Id;

use super::find;

/// Area codes in service (geographic and toll-free), so the numbers made
/// from them can be valid.
const AREA_CODES: &[&str] = &[
    "201", "212", "305", "415", "617", "718", "802", "803", "810", "843", "845", "800", "833",
    "844", "855", "866", "877", "888",
];

/// The shapes a ten-digit North American number is written in.
fn shapes(area: &str, exchange: &str, line: &str) -> Vec<String> {
    vec![
        format!("+1 ({area}) {exchange}-{line}"),
        format!("+1({area}) {exchange}-{line}"),
        format!("+1 {area} {exchange} {line}"),
        format!("+1-{area}-{exchange}-{line}"),
        format!("+1{area}{exchange}{line}"),
        format!("1 ({area}) {exchange}-{line}"),
        format!("1-{area}-{exchange}-{line}"),
        format!("1 {area} {exchange}-{line}"),
        format!("({area}) {exchange}-{line}"),
        format!("({area})-{exchange}-{line}"),
        format!("{area}-{exchange}-{line}"),
        format!("{area}.{exchange}.{line}"),
        format!("{area} {exchange} {line}"),
        format!("{area}{exchange}{line}"),
        format!("{area}\u{a0}{exchange}\u{2013}{line}"),
    ]
}

fn is_e164(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn whatever_is_found_is_valid_e164(
        text in "([0-9 ()+.lIoO|-]|[a-zA-Z]|\u{a0}|\u{2013}|é|📞){0,60}",
    ) {
        let mut previous_end = 0;
        let mut seen = Vec::new();
        for phone in find(&text, &[Id::US]) {
            prop_assert!(is_e164(&phone.e164), "{:?} in {:?}", phone.e164, text);
            let parsed = phonenumber::parse(None, &phone.e164);
            prop_assert!(parsed.is_ok_and(|number| number.is_valid()), "{:?}", phone.e164);
            prop_assert!(text.get(phone.start..phone.end).is_some(), "span of {:?}", phone);
            prop_assert!(phone.start >= previous_end && phone.start < phone.end);
            previous_end = phone.end;
            prop_assert!(!seen.contains(&phone.e164), "{:?} twice", phone.e164);
            seen.push(phone.e164);
        }
    }

    #[test]
    fn one_number_in_any_shape_is_found(
        area in proptest::sample::select(AREA_CODES),
        exchange in "[2-9][0-9]{2}",
        line in "[0-9]{4}",
        before in proptest::sample::select(&["", "Call ", "Phone: ", "call us at ", "📞 ", "("][..]),
        after in proptest::sample::select(&["", " now", ".", " to cancel", ")", ", thanks"][..]),
    ) {
        let expected = format!("+1{area}{exchange}{line}");
        let valid = phonenumber::parse(None, &expected).is_ok_and(|number| number.is_valid());
        prop_assume!(valid);
        for shape in shapes(area, &exchange, &line) {
            let text = format!("{before}{shape}{after}");
            let found: Vec<String> = find(&text, &[Id::US]).into_iter().map(|p| p.e164).collect();
            prop_assert_eq!(&found, &vec![expected.clone()], "text {:?}", text);
        }
    }
}
