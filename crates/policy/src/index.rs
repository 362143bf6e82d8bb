//! The policy's globs compiled once: every host glob of the file (in
//! entries, groups and exclusions) in one [`GlobIndex`], every tenant glob
//! in another, each glob knowing the entry or group that wrote it.
//!
//! Most globs are plain names (`ws-0142.corp.example`), prefixes (`IT-*`)
//! or suffixes (`*.acme.example`); those are kept as text in one buffer and
//! found by binary search, a few bytes per glob. Only the rest (`ws-??`,
//! `[ab]*`) are compiled by `globset`, whose matchers cost far more each. A
//! lookup costs the same whether the policy lists ten hosts or a million,
//! and building is linear in the size of the globs (plus one sort).

use std::collections::HashSet;

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Who wrote a glob: an `[[authorized]]` entry, a host group or an
/// `[[exclusion]]`, by index in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Owner {
    Authorized(u32),
    Group(u32),
    Exclusion(u32),
}

/// How one glob is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// No wildcard: the whole name.
    Literal,
    /// `text*`.
    Prefix,
    /// `*text`.
    Suffix,
    /// `*`: every name.
    Any,
    /// Anything else, compiled by `globset`.
    Complex,
}

/// Lower-cased globs with their owners.
#[derive(Debug, Clone, Default)]
pub(crate) struct GlobIndex {
    /// Every glob's text, lower-cased, one after another.
    text: String,
    /// Where each glob's text ends in `text` (ids are indexes).
    ends: Vec<u32>,
    /// Each glob's owner.
    owners: Vec<Owner>,
    shapes: Vec<Shape>,
    /// Literal, prefix and suffix globs, sorted by their literal part.
    literals: Vec<u32>,
    prefixes: Vec<u32>,
    suffixes: Vec<u32>,
    /// The distinct lengths of prefix and suffix literals.
    prefix_lengths: Vec<usize>,
    suffix_lengths: Vec<usize>,
    any: Vec<u32>,
    /// Complex globs, waiting to be compiled and then compiled: set index → glob id.
    pending: Vec<Glob>,
    complex: GlobSet,
    complex_ids: Vec<u32>,
}

impl GlobIndex {
    /// Adds the glob `pattern` written by `owner`. Returns its id, or why it
    /// is not a glob.
    pub(crate) fn add(&mut self, pattern: &str, owner: Owner) -> Result<u32, String> {
        let lower = pattern.trim().to_lowercase();
        let shape = shape(&lower);
        if shape == Shape::Complex {
            let glob =
                Glob::new(&lower).map_err(|e| format!("bad pattern {pattern:?}: {}", e.kind()))?;
            self.pending.push(glob);
        }
        let id = u32::try_from(self.ends.len())
            .map_err(|_| "more than 4 billion patterns in one policy".to_owned())?;
        self.text.push_str(&lower);
        let end = u32::try_from(self.text.len())
            .map_err(|_| "more than 4 GiB of patterns in one policy".to_owned())?;
        self.ends.push(end);
        self.owners.push(owner);
        self.shapes.push(shape);
        Ok(id)
    }

    /// Sorts the simple globs and compiles the complex ones; call once,
    /// after the last [`GlobIndex::add`].
    pub(crate) fn compile(&mut self) -> Result<(), String> {
        let mut lengths = (HashSet::new(), HashSet::new());
        for (index, shape) in self.shapes.iter().enumerate() {
            let id = index as u32;
            match shape {
                Shape::Literal => self.literals.push(id),
                Shape::Prefix => {
                    self.prefixes.push(id);
                    lengths.0.insert(self.key(id, *shape).len());
                }
                Shape::Suffix => {
                    self.suffixes.push(id);
                    lengths.1.insert(self.key(id, *shape).len());
                }
                Shape::Any => self.any.push(id),
                Shape::Complex => self.complex_ids.push(id),
            }
        }
        let mut literals = std::mem::take(&mut self.literals);
        literals.sort_by(|a, b| {
            self.key(*a, Shape::Literal)
                .cmp(self.key(*b, Shape::Literal))
        });
        self.literals = literals;
        let mut prefixes = std::mem::take(&mut self.prefixes);
        prefixes.sort_by(|a, b| self.key(*a, Shape::Prefix).cmp(self.key(*b, Shape::Prefix)));
        self.prefixes = prefixes;
        let mut suffixes = std::mem::take(&mut self.suffixes);
        suffixes.sort_by(|a, b| self.key(*a, Shape::Suffix).cmp(self.key(*b, Shape::Suffix)));
        self.suffixes = suffixes;
        self.prefix_lengths = lengths.0.into_iter().collect();
        self.prefix_lengths.sort_unstable();
        self.suffix_lengths = lengths.1.into_iter().collect();
        self.suffix_lengths.sort_unstable();
        let mut builder = GlobSetBuilder::new();
        for glob in std::mem::take(&mut self.pending) {
            builder.add(glob);
        }
        self.complex = builder.build().map_err(|e| e.to_string())?;
        Ok(())
    }

    /// A glob as written (trimmed, lower-cased).
    pub(crate) fn text(&self, id: u32) -> &str {
        let index = id as usize;
        let start = match index.checked_sub(1) {
            Some(before) => self.ends.get(before).map_or(0, |&end| end as usize),
            None => 0,
        };
        let end = self.ends.get(index).map_or(start, |&end| end as usize);
        self.text.get(start..end).unwrap_or_default()
    }

    /// The part of a simple glob its names are compared with.
    fn key(&self, id: u32, shape: Shape) -> &str {
        let text = self.text(id);
        match shape {
            Shape::Prefix => text.strip_suffix('*').unwrap_or(text),
            Shape::Suffix => text.strip_prefix('*').unwrap_or(text),
            _ => text,
        }
    }

    /// The ids of the globs in `sorted` whose key equals `key`.
    fn equal<'a>(
        &'a self,
        sorted: &'a [u32],
        shape: Shape,
        key: &'a str,
    ) -> impl Iterator<Item = u32> + 'a {
        let first = sorted.partition_point(|&id| self.key(id, shape) < key);
        sorted
            .get(first..)
            .unwrap_or_default()
            .iter()
            .copied()
            .take_while(move |&id| self.key(id, shape) == key)
    }

    /// Every glob id that matches a lower-cased `name`.
    fn matches(&self, name: &str, out: &mut Vec<u32>) {
        out.extend(self.equal(&self.literals, Shape::Literal, name));
        for &length in &self.prefix_lengths {
            if let Some(head) = name.get(..length) {
                out.extend(self.equal(&self.prefixes, Shape::Prefix, head));
            }
        }
        for &length in &self.suffix_lengths {
            if let Some(tail) = name
                .len()
                .checked_sub(length)
                .and_then(|start| name.get(start..))
            {
                out.extend(self.equal(&self.suffixes, Shape::Suffix, tail));
            }
        }
        out.extend(self.any.iter().copied());
        if !self.complex_ids.is_empty() {
            for index in self.complex.matches(name) {
                out.extend(self.complex_ids.get(index).copied());
            }
        }
    }

    /// The owners of every glob that matches any of the lower-cased
    /// `names`, groups followed to the owners that name them (`group_users`).
    pub(crate) fn owners_matching(
        &self,
        names: &[&str],
        group_users: &[Vec<Owner>],
    ) -> HashSet<Owner> {
        let mut out = HashSet::new();
        let mut matched = Vec::new();
        for name in names {
            self.matches(name, &mut matched);
        }
        for id in matched {
            let Some(&owner) = self.owners.get(id as usize) else {
                continue;
            };
            out.insert(owner);
            if let Owner::Group(group) = owner {
                let users = group_users
                    .get(group as usize)
                    .map_or(&[][..], Vec::as_slice);
                out.extend(users.iter().copied());
            }
        }
        out
    }
}

/// Sorts a lower-cased glob into the cheapest way of matching it.
fn shape(glob: &str) -> Shape {
    const META: [char; 7] = ['*', '?', '[', ']', '{', '}', '\\'];
    if glob == "*" {
        return Shape::Any;
    }
    if !glob.contains(META) {
        return Shape::Literal;
    }
    if let Some(head) = glob.strip_suffix('*')
        && !head.is_empty()
        && !head.contains(META)
    {
        return Shape::Prefix;
    }
    if let Some(tail) = glob.strip_prefix('*')
        && !tail.is_empty()
        && !tail.contains(META)
    {
        return Shape::Suffix;
    }
    Shape::Complex
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(globs: &[(&str, Owner)]) -> GlobIndex {
        let mut index = GlobIndex::default();
        for (glob, owner) in globs {
            index.add(glob, *owner).unwrap();
        }
        index.compile().unwrap();
        index
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("ws-1.corp"), Shape::Literal);
        assert_eq!(shape("it-*"), Shape::Prefix);
        assert_eq!(shape("*.acme.example"), Shape::Suffix);
        assert_eq!(shape("*"), Shape::Any);
        for complex in ["*a*", "ws-??", "[ab]*", "**", "a\\*", "{a,b}", "a*b"] {
            assert_eq!(shape(complex), Shape::Complex, "{complex}");
        }
    }

    #[test]
    fn every_shape_matches_as_globset_does() {
        let globs = [
            "ws-1",
            "WS-1",
            "it-*",
            "adm-*",
            "*.corp.example",
            "*",
            "ws-??",
            "[ab]x*",
            "a*b",
            "{db,web}-*",
            "it",
            "*-srv",
        ];
        let owned: Vec<(&str, Owner)> = globs
            .iter()
            .enumerate()
            .map(|(i, g)| (*g, Owner::Authorized(i as u32)))
            .collect();
        let index = index(&owned);
        for name in [
            "ws-1",
            "ws-12",
            "it-7",
            "it",
            "adm-",
            "x.corp.example",
            "corp.example",
            "bx9",
            "ab",
            "axb",
            "web-3",
            "db-",
            "mail-srv",
            "ß-srv",
            "ı",
            "",
        ] {
            let mut got = Vec::new();
            index.matches(name, &mut got);
            got.sort_unstable();
            let want: Vec<u32> = globs
                .iter()
                .enumerate()
                .filter(|(_, g)| {
                    Glob::new(&g.to_lowercase())
                        .unwrap()
                        .compile_matcher()
                        .is_match(name)
                })
                .map(|(i, _)| i as u32)
                .collect();
            assert_eq!(got, want, "{name:?}");
        }
    }

    #[test]
    fn owners_and_groups() {
        let index = index(&[
            ("IT-*", Owner::Authorized(0)),
            (" it-* ", Owner::Group(0)),
            ("ws-1", Owner::Exclusion(0)),
        ]);
        assert_eq!(index.text(0), "it-*");
        assert_eq!(index.text(1), "it-*");
        assert_eq!(index.text(2), "ws-1");
        assert_eq!(index.text(3), "");
        let users = vec![vec![Owner::Authorized(7)]];
        let got = index.owners_matching(&["it-9.corp.example", "it-9"], &users);
        let want: HashSet<Owner> = [Owner::Authorized(0), Owner::Group(0), Owner::Authorized(7)]
            .into_iter()
            .collect();
        assert_eq!(got, want);
        assert!(index.owners_matching(&["ws-2"], &users).is_empty());
        assert_eq!(
            index.owners_matching(&["ws-1"], &users),
            [Owner::Exclusion(0)].into_iter().collect()
        );
    }

    #[test]
    fn bad_globs_say_why() {
        let mut index = GlobIndex::default();
        assert_eq!(
            index.add("ws-[", Owner::Exclusion(1)),
            Err("bad pattern \"ws-[\": unclosed character class; missing ']'".to_owned())
        );
    }
}
