//! Timestamps: RFC 3339 text in, seconds since the Unix epoch inside.
//!
//! Every record carries a timestamp, so the common shape
//! (`2024-05-01T12:00:00Z`, optionally with fractional seconds) is parsed by
//! hand; anything else (offsets, lowercase `t`) goes through `jiff`.

/// Seconds in a minute, hour and day.
pub const MINUTE: i64 = 60;
/// Seconds in an hour.
pub const HOUR: i64 = 3_600;
/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Parses an RFC 3339 timestamp into whole seconds since the Unix epoch.
pub fn parse(text: &str) -> Option<i64> {
    match parse_utc_fast(text.as_bytes()) {
        Some(seconds) => Some(seconds),
        None => text
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|ts| ts.as_second()),
    }
}

/// Formats seconds since the epoch as RFC 3339 UTC (`2024-05-01T12:00:00Z`).
pub fn format(seconds: i64) -> String {
    match jiff::Timestamp::from_second(seconds) {
        Ok(ts) => ts.to_string(),
        Err(_) => seconds.to_string(),
    }
}

/// Formats seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` into `out`,
/// without allocating (the generator writes millions of them).
pub fn write_utc(seconds: i64, out: &mut String) {
    let days = seconds.div_euclid(DAY);
    let rest = seconds.rem_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (rest / HOUR, rest % HOUR / MINUTE, rest % MINUTE);
    let mut text = [0u8; 20];
    put_digits(&mut text[0..4], year);
    text[4] = b'-';
    put_digits(&mut text[5..7], month);
    text[7] = b'-';
    put_digits(&mut text[8..10], day);
    text[10] = b'T';
    put_digits(&mut text[11..13], hour);
    text[13] = b':';
    put_digits(&mut text[14..16], minute);
    text[16] = b':';
    put_digits(&mut text[17..19], second);
    text[19] = b'Z';
    out.extend(text.iter().map(|&b| char::from(b)));
}

fn put_digits(slot: &mut [u8], mut value: i64) {
    for byte in slot.iter_mut().rev() {
        *byte = b'0' + (value.rem_euclid(10)) as u8;
        value /= 10;
    }
}

/// The proleptic Gregorian date of a day number (Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Formats a span of seconds the way an analyst reads it (`7m`, `3h`, `12d`).
pub fn human_span(seconds: i64) -> String {
    let seconds = seconds.abs();
    if seconds < HOUR {
        format!("{}m", seconds / MINUTE)
    } else if seconds < 2 * DAY {
        format!("{}h", seconds / HOUR)
    } else {
        format!("{}d", seconds / DAY)
    }
}

fn parse_utc_fast(bytes: &[u8]) -> Option<i64> {
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || bytes[10] != b'T' {
        return None;
    }
    if bytes[13] != b':' || bytes[16] != b':' || *bytes.last()? != b'Z' {
        return None;
    }
    let tail = &bytes[19..bytes.len() - 1];
    if !(tail.is_empty()
        || (tail[0] == b'.' && tail.len() > 1 && tail[1..].iter().all(u8::is_ascii_digit)))
    {
        return None;
    }
    let year = digits(&bytes[0..4])?;
    let month = digits(&bytes[5..7])?;
    let day = digits(&bytes[8..10])?;
    let hour = digits(&bytes[11..13])?;
    let minute = digits(&bytes[14..16])?;
    let second = digits(&bytes[17..19])?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(days_from_civil(year, month, day) * DAY + hour * HOUR + minute * MINUTE + second)
}

fn digits(bytes: &[u8]) -> Option<i64> {
    let mut value = 0i64;
    for byte in bytes {
        if !byte.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(byte - b'0');
    }
    Some(value)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_agrees_with_jiff() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "2024-05-01T12:07:30Z",
            "2024-12-31T23:59:59.999Z",
            "1999-03-01T00:00:00Z",
        ] {
            let slow = text
                .parse::<jiff::Timestamp>()
                .map(|ts| ts.as_second())
                .ok();
            assert_eq!(parse_utc_fast(text.as_bytes()), slow, "{text}");
        }
    }

    #[test]
    fn offsets_and_bad_input() {
        assert_eq!(
            parse("2024-05-01T14:00:00+02:00"),
            parse("2024-05-01T12:00:00Z")
        );
        assert_eq!(parse("2024-02-30T00:00:00Z"), None);
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("2024-05-01T25:00:00Z"), None);
    }

    #[test]
    fn write_utc_round_trips() {
        for seconds in [0, 951_868_799, 1_714_565_250, 1_735_689_599, 4_102_444_800] {
            let mut text = String::new();
            write_utc(seconds, &mut text);
            assert_eq!(parse(&text), Some(seconds), "{text}");
            assert_eq!(text, format(seconds));
        }
    }

    #[test]
    fn format_round_trips() {
        let seconds = parse("2024-05-01T12:07:30Z").unwrap_or_default();
        assert_eq!(format(seconds), "2024-05-01T12:07:30Z");
        assert_eq!(human_span(7 * MINUTE), "7m");
        assert_eq!(human_span(5 * HOUR), "5h");
        assert_eq!(human_span(12 * DAY), "12d");
    }
}
