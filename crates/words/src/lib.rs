//! Words for numbers in messages: `1 file`, `2 files`, `1,234 records`.
//!
//! One place, so no message says "1 errors" and every count reads the same
//! way. A leaf crate without dependencies: everything that prints (sources'
//! diagnostics, correlate's reasons, the sinks, the vendor view, the
//! command line) can use it without an edge it should not have.

#![forbid(unsafe_code)]

/// A count: the unsigned integer types messages count with.
pub trait Count: Copy {
    /// The count as a `u64`.
    fn get(self) -> u64;
}

impl Count for u64 {
    fn get(self) -> u64 {
        self
    }
}

impl Count for usize {
    fn get(self) -> u64 {
        self as u64
    }
}

/// A signed count (a duration's minutes); below zero counts as zero.
impl Count for i64 {
    fn get(self) -> u64 {
        u64::try_from(self).unwrap_or(0)
    }
}

impl Count for u32 {
    fn get(self) -> u64 {
        u64::from(self)
    }
}

/// `noun` for `n` of them: `file` for one, `files` otherwise; `entry` →
/// `entries`, `match` → `matches`.
pub fn noun<N: Count>(n: N, singular: &str) -> String {
    if n.get() == 1 {
        return singular.to_owned();
    }
    plural_of(singular)
}

/// The number (with thousands separators) and the noun: `1 file`,
/// `2 files`, `1,000 files`.
pub fn counted<N: Count>(n: N, singular: &str) -> String {
    format!("{} {}", thousands(n), noun(n, singular))
}

/// The plural of an English noun as rmmguard's messages use them.
fn plural_of(singular: &str) -> String {
    let lower = singular.to_ascii_lowercase();
    let consonant_y = lower.ends_with('y')
        && !lower.ends_with("ay")
        && !lower.ends_with("ey")
        && !lower.ends_with("oy")
        && !lower.ends_with("uy");
    if consonant_y {
        let stem = &singular[..singular.len() - 1];
        return format!("{stem}ies");
    }
    if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|end| lower.ends_with(end))
    {
        return format!("{singular}es");
    }
    format!("{singular}s")
}

/// `1234567` → `1,234,567`.
pub fn thousands<N: Count>(n: N) -> String {
    let digits = n.get().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_everything_else_plural() {
        assert_eq!(counted(0_usize, "error"), "0 errors");
        assert_eq!(counted(1_usize, "error"), "1 error");
        assert_eq!(counted(2_u64, "minute"), "2 minutes");
        assert_eq!(counted(1_u32, "tool"), "1 tool");
        assert_eq!(counted(1_000_u64, "file"), "1,000 files");
        assert_eq!(counted(3_usize, "entry"), "3 entries");
        assert_eq!(counted(3_usize, "day"), "3 days");
        assert_eq!(counted(2_usize, "match"), "2 matches");
        assert_eq!(counted(2_usize, "address"), "2 addresses");
        assert_eq!(counted(2_usize, "finding"), "2 findings");
        assert_eq!(noun(1_usize, "host"), "host");
        assert_eq!(noun(5_usize, "host"), "hosts");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0_u64), "0");
        assert_eq!(thousands(999_u64), "999");
        assert_eq!(thousands(1_000_u64), "1,000");
        assert_eq!(thousands(1_234_567_usize), "1,234,567");
    }
}
