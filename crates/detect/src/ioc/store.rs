//! Where indicators live: every value in one text buffer, found through
//! one open-addressing table of ids, so that ten million indicators cost
//! little more than their text (about 20 bytes each besides it) and load in
//! one pass, without a hash-map entry, a string or a trie node per value.
//!
//! * Domains, hashes, file names, URLs and JA4 values are looked up in the
//!   table by (kind, value). A domain matches its parents too:
//!   `a.b.evil.example` is looked up as itself, `b.evil.example`,
//!   `evil.example` and `example`, most specific first, as a walk of a trie
//!   over reversed labels would.
//! * Addresses are numbers in sorted arrays; CIDR blocks are looked up once
//!   per prefix length in use.
//! * URLs are found *inside* text (command lines, mail links): from each
//!   place a URL could start (a `://`, less the offsets at which URLs of the
//!   set have theirs), each URL length in use is looked up.
//!
//! The table hashes with a key drawn per process, so a hostile feed cannot
//! choose values that collide.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use ipnet::IpNet;

use super::{Ioc, IocKind};

/// An indicator's id: its index in the store.
pub(super) type Id = u32;

/// The compact store.
#[derive(Debug, Default, Clone)]
pub(super) struct Store {
    /// Every value, lower-case, one after another.
    text: String,
    /// Where each value ends in `text`.
    ends: Vec<u32>,
    kinds: Vec<IocKind>,
    /// Sources as runs: (first id, source), ids ascending.
    sources: Vec<(Id, Arc<str>)>,
    /// Descriptions of the indicators that have one: (id, text), ids ascending.
    described: Vec<(Id, u32)>,
    descriptions: Vec<Box<str>>,
    /// Ids by (kind, value), for everything but addresses.
    table: Table,
    /// Addresses, sorted by (address, id).
    v4: Vec<(u32, Id)>,
    v6: Vec<([u8; 16], Id)>,
    /// IPv4 blocks by (network, prefix length, id), sorted, and the prefix lengths in use.
    nets: Vec<(u32, u8, Id)>,
    net_prefixes: Vec<u8>,
    /// Where the first `://` sits in URL values, and URL lengths, as used.
    url_anchors: Vec<usize>,
    url_lengths: Vec<usize>,
    /// Addresses added since the last [`Store::flush`].
    pending: Vec<Id>,
}

impl Store {
    /// Indicators stored.
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The value of `id`.
    pub(super) fn value(&self, id: Id) -> &str {
        value_of(&self.text, &self.ends, id)
    }

    fn kind(&self, id: Id) -> IocKind {
        self.kinds
            .get(id as usize)
            .copied()
            .unwrap_or(IocKind::Domain)
    }

    /// The indicator `id`, as an owned value.
    pub(super) fn ioc(&self, id: Id) -> Ioc {
        let run = self.sources.partition_point(|(first, _)| *first <= id);
        let source = run
            .checked_sub(1)
            .and_then(|run| self.sources.get(run))
            .map_or_else(|| Arc::from(""), |(_, source)| Arc::clone(source));
        let description = self
            .described
            .binary_search_by_key(&id, |(own, _)| *own)
            .ok()
            .and_then(|at| self.described.get(at))
            .and_then(|(_, text)| self.descriptions.get(*text as usize))
            .map(|text| text.to_string());
        Ioc {
            kind: self.kind(id),
            value: self.value(id).to_owned(),
            source,
            description,
        }
    }

    /// Every id, in the order added.
    pub(super) fn ids(&self) -> impl Iterator<Item = Id> + use<> {
        0..self.ends.len() as Id
    }

    /// Adds a value (already classified and normalized) unless the store
    /// holds it: returns whether it was new. Addresses are searchable after
    /// the next [`Store::flush`].
    ///
    /// # Errors
    ///
    /// When the store would pass 4 GiB of text or 4 billion values.
    pub(super) fn push(
        &mut self,
        kind: IocKind,
        value: &str,
        source: &Arc<str>,
        description: Option<String>,
    ) -> Result<bool, String> {
        let hash = self.table.hash(kind, value);
        if self
            .table
            .find(hash, |id| self.kind(id) == kind && self.value(id) == value)
            .is_some()
        {
            return Ok(false);
        }
        let id = Id::try_from(self.ends.len())
            .ok()
            .filter(|&id| id < u32::MAX)
            .ok_or("more than 4 billion indicators")?;
        let end = u32::try_from(self.text.len() + value.len())
            .map_err(|_| "more than 4 GiB of indicators")?;
        self.text.push_str(value);
        self.ends.push(end);
        self.kinds.push(kind);
        if self
            .sources
            .last()
            .is_none_or(|(_, last)| !Arc::ptr_eq(last, source))
        {
            self.sources.push((id, Arc::clone(source)));
        }
        if let Some(description) = description {
            // Feeds repeat a few descriptions many times: keep each once.
            let text = match self.descriptions.last() {
                Some(last) if **last == *description => self.descriptions.len() as u32 - 1,
                _ => {
                    self.descriptions.push(description.into_boxed_str());
                    self.descriptions.len() as u32 - 1
                }
            };
            self.described.push((id, text));
        }
        self.table.insert(id, hash);
        match kind {
            IocKind::Ip => self.pending.push(id),
            IocKind::Url => {
                if let Some(anchor) = value.find("://")
                    && let Err(at) = self.url_anchors.binary_search(&anchor)
                {
                    self.url_anchors.insert(at, anchor);
                }
                if let Err(at) = self.url_lengths.binary_search(&value.len()) {
                    self.url_lengths.insert(at, value.len());
                }
            }
            _ => {}
        }
        Ok(true)
    }

    /// Sorts the addresses added since the last flush into the address arrays.
    pub(super) fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let (mut v4, mut v6, mut nets) = (Vec::new(), Vec::new(), Vec::new());
        for id in std::mem::take(&mut self.pending) {
            let value = self.value(id);
            if let Ok(ip) = value.parse::<IpAddr>() {
                match ip {
                    IpAddr::V4(addr) => v4.push((u32::from(addr), id)),
                    IpAddr::V6(addr) => v6.push((addr.octets(), id)),
                }
            } else if let Ok(IpNet::V4(net)) = value.parse::<IpNet>() {
                let prefix = net.prefix_len();
                nets.push((u32::from(net.network()), prefix, id));
                if let Err(at) = self.net_prefixes.binary_search(&prefix) {
                    self.net_prefixes.insert(at, prefix);
                }
            }
        }
        v4.sort_unstable();
        v6.sort_unstable();
        nets.sort_unstable();
        self.v4 = merge(&self.v4, &v4);
        self.v6 = merge(&self.v6, &v6);
        self.nets = merge(&self.nets, &nets);
    }

    /// The id of the indicator of `kind` whose value is `value`.
    pub(super) fn exact(&self, kind: IocKind, value: &str) -> Option<Id> {
        let hash = self.table.hash(kind, value);
        self.table
            .find(hash, |id| self.kind(id) == kind && self.value(id) == value)
    }

    /// The most specific domain indicator `domain` is, or lies below.
    pub(super) fn domain(&self, domain: &str) -> Option<Id> {
        let domain = domain.trim().trim_end_matches('.');
        if domain.is_empty() || self.table.len == 0 {
            return None;
        }
        let lower;
        let mut rest = if domain.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = domain.to_ascii_lowercase();
            lower.as_str()
        } else {
            domain
        };
        loop {
            if let Some(id) = self.exact(IocKind::Domain, rest) {
                return Some(id);
            }
            let (_, parent) = rest.split_once('.')?;
            rest = parent;
        }
    }

    /// The address indicator `ip` is, else the earliest-added block holding it.
    pub(super) fn ip(&self, ip: IpAddr) -> Option<Id> {
        match ip {
            IpAddr::V4(v4) => {
                let addr = u32::from(v4);
                let at = self.v4.partition_point(|(a, _)| *a < addr);
                if let Some((a, id)) = self.v4.get(at)
                    && *a == addr
                {
                    return Some(*id);
                }
                self.net_prefixes
                    .iter()
                    .filter_map(|&prefix| {
                        let network = addr & mask(prefix);
                        let at = self
                            .nets
                            .partition_point(|(n, p, _)| (*n, *p) < (network, prefix));
                        self.nets
                            .get(at)
                            .filter(|(n, p, _)| (*n, *p) == (network, prefix))
                            .map(|(_, _, id)| *id)
                    })
                    .min()
            }
            IpAddr::V6(v6) => {
                let addr = v6.octets();
                let at = self.v6.partition_point(|(a, _)| *a < addr);
                self.v6
                    .get(at)
                    .filter(|(a, _)| *a == addr)
                    .map(|(_, id)| *id)
            }
        }
    }

    /// Every URL indicator inside lower-case `text`, each once, in the order found.
    pub(super) fn urls_in(&self, text: &str, out: &mut Vec<Id>) {
        if self.url_lengths.is_empty() {
            return;
        }
        for (colon, _) in text.match_indices("://") {
            for &anchor in &self.url_anchors {
                let Some(rest) = colon
                    .checked_sub(anchor)
                    .and_then(|start| text.get(start..))
                else {
                    continue;
                };
                for &length in &self.url_lengths {
                    let Some(candidate) = rest.get(..length) else {
                        continue;
                    };
                    if let Some(id) = self.exact(IocKind::Url, candidate)
                        && !out.contains(&id)
                    {
                        out.push(id);
                    }
                }
            }
        }
    }

    /// The indicator addresses and blocks.
    pub(super) fn addresses(&self) -> (Vec<IpAddr>, Vec<IpNet>) {
        let mut addresses: Vec<IpAddr> = self
            .v4
            .iter()
            .map(|(addr, _)| IpAddr::V4(Ipv4Addr::from(*addr)))
            .chain(self.v6.iter().map(|(addr, _)| IpAddr::from(*addr)))
            .collect();
        addresses.dedup();
        let mut nets: Vec<IpNet> = self
            .nets
            .iter()
            .filter_map(|(net, prefix, _)| {
                ipnet::Ipv4Net::new(Ipv4Addr::from(*net), *prefix)
                    .ok()
                    .map(IpNet::V4)
            })
            .collect();
        nets.dedup();
        (addresses, nets)
    }

    /// How many addresses and blocks are indexed.
    pub(super) fn address_count(&self) -> usize {
        self.v4.len() + self.v6.len() + self.nets.len()
    }
}

fn value_of<'a>(text: &'a str, ends: &[u32], id: Id) -> &'a str {
    let index = id as usize;
    let start = match index.checked_sub(1) {
        Some(before) => ends.get(before).map_or(0, |&end| end as usize),
        None => 0,
    };
    let end = ends.get(index).map_or(start, |&end| end as usize);
    text.get(start..end).unwrap_or_default()
}

/// An open-addressing hash table of ids (linear probing, at most 3/4 full):
/// eight bytes a slot, the keys themselves stay in the store's text.
#[derive(Debug, Default, Clone)]
struct Table {
    /// Per slot: `id + 1` in the low 32 bits (0: empty) and the high 32
    /// bits of the value's hash above them. The slot is chosen by those hash
    /// bits too, so probing compares the stored bits before it reads a value
    /// and growing re-places slots without hashing any value again: with ten
    /// million values, each read of a value is a cache miss.
    slots: Vec<u64>,
    len: usize,
    state: RandomState,
}

impl Table {
    fn hash(&self, kind: IocKind, value: &str) -> u64 {
        let mut hasher = self.state.build_hasher();
        kind.hash(&mut hasher);
        value.hash(&mut hasher);
        hasher.finish()
    }

    /// The hash bits a slot keeps.
    fn tag(hash: u64) -> u64 {
        hash >> 32
    }

    /// The id in the probe sequence of `hash` for which `equal` holds.
    fn find(&self, hash: u64, equal: impl Fn(Id) -> bool) -> Option<Id> {
        if self.slots.is_empty() {
            return None;
        }
        let tag = Table::tag(hash);
        let mask = self.slots.len() - 1;
        let mut slot = tag as usize & mask;
        loop {
            match self.slots.get(slot).copied() {
                None | Some(0) => return None,
                Some(stored) => {
                    if stored >> 32 == tag {
                        let id = (stored as u32).wrapping_sub(1);
                        if equal(id) {
                            return Some(id);
                        }
                    }
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Inserts `id` (known to be absent) under `hash`, growing first if
    /// the table would be over three quarters full.
    fn insert(&mut self, id: Id, hash: u64) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            let capacity = (self.slots.len() * 2).max(16);
            let old = std::mem::replace(&mut self.slots, vec![0; capacity]);
            for stored in old.into_iter().filter(|&s| s != 0) {
                self.place(stored);
            }
        }
        self.place((Table::tag(hash) << 32) | (u64::from(id) + 1));
        self.len += 1;
    }

    fn place(&mut self, stored: u64) {
        let mask = self.slots.len() - 1;
        let mut slot = (stored >> 32) as usize & mask;
        while let Some(&occupied) = self.slots.get(slot) {
            if occupied == 0 {
                if let Some(free) = self.slots.get_mut(slot) {
                    *free = stored;
                }
                return;
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// The network mask of an IPv4 prefix length.
fn mask(prefix: u8) -> u32 {
    match prefix {
        0 => 0,
        32.. => u32::MAX,
        n => u32::MAX << (32 - u32::from(n)),
    }
}

/// Two sorted lists as one sorted list.
fn merge<T: Copy + Ord>(old: &[T], new: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(old.len() + new.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(a), Some(b)) = (old.get(i), new.get(j)) {
        if b < a {
            out.push(*b);
            j += 1;
        } else {
            out.push(*a);
            i += 1;
        }
    }
    out.extend_from_slice(old.get(i..).unwrap_or_default());
    out.extend_from_slice(new.get(j..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(values: &[(IocKind, &str)]) -> Store {
        let mut store = Store::default();
        let source: Arc<str> = Arc::from("t");
        for (kind, value) in values {
            store.push(*kind, value, &source, None).unwrap();
        }
        store.flush();
        store
    }

    #[test]
    fn duplicates_are_not_stored() {
        let mut store = store(&[
            (IocKind::Domain, "b.example"),
            (IocKind::Domain, "a.example"),
            (IocKind::Domain, "b.example"),
            (IocKind::Hash, "b.example"),
        ]);
        assert_eq!(store.len(), 3);
        assert_eq!(store.value(2), "b.example");
        assert_eq!(store.ioc(2).kind, IocKind::Hash);
        let source: Arc<str> = Arc::from("u");
        assert_eq!(
            store.push(IocKind::Domain, "a.example", &source, None),
            Ok(false)
        );
        assert_eq!(
            store.push(IocKind::Domain, "c.example", &source, Some("d".into())),
            Ok(true)
        );
        assert_eq!(store.domain("x.a.example"), Some(1));
        let c = store.ioc(store.domain("c.example").unwrap());
        assert_eq!((&*c.source, c.description.as_deref()), ("u", Some("d")));
        assert_eq!(&*store.ioc(0).source, "t");
        assert_eq!(store.ioc(0).description, None);
    }

    #[test]
    fn the_table_grows_and_finds_everything() {
        let mut store = Store::default();
        let source: Arc<str> = Arc::from("t");
        for i in 0..5000 {
            assert_eq!(
                store.push(IocKind::FileName, &format!("f{i}.exe"), &source, None),
                Ok(true)
            );
        }
        for i in 0..5000 {
            assert_eq!(
                store.exact(IocKind::FileName, &format!("f{i}.exe")),
                Some(i)
            );
            assert_eq!(store.exact(IocKind::Hash, &format!("f{i}.exe")), None);
        }
        assert_eq!(store.table.len, 5000);
        assert!(store.table.slots.len() * 3 >= 5000 * 4);
    }

    #[test]
    fn nested_blocks_give_the_earliest_added() {
        let store = store(&[
            (IocKind::Ip, "10.20.30.0/24"),
            (IocKind::Ip, "10.20.0.0/16"),
            (IocKind::Ip, "10.20.30.40"),
            (IocKind::Ip, "2001:db8::1"),
            (IocKind::Ip, "2001:db8:0::1"),
        ]);
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(store.ip(ip("10.20.30.40")), Some(2));
        assert_eq!(store.ip(ip("10.20.30.41")), Some(0));
        assert_eq!(store.ip(ip("10.20.31.1")), Some(1));
        assert_eq!(store.ip(ip("10.21.0.1")), None);
        assert_eq!(
            store.ip(ip("2001:db8::1")),
            Some(3),
            "the first of two spellings"
        );
        assert_eq!(store.addresses().0.len(), 2);
        assert_eq!(mask(0), 0);
        assert_eq!(mask(16), 0xffff_0000);
        assert_eq!(mask(32), u32::MAX);
    }

    #[test]
    fn urls_are_found_inside_text() {
        let store = store(&[
            (IocKind::Url, "http://a.example/x"),
            (IocKind::Url, "http://a.example/x/y"),
            (IocKind::Url, "https://b.example/"),
            (IocKind::Url, "site.example/go?u=http://c.example"),
        ]);
        let mut found = Vec::new();
        store.urls_in(
            "curl http://a.example/x/y/z && wget xhttps://b.example/ ; site.example/go?u=http://c.example/more http://a.example/x",
            &mut found,
        );
        found.sort_unstable();
        assert_eq!(found, [0, 1, 2, 3]);
        found.clear();
        store.urls_in("http://a.example/ https://b.example ß://", &mut found);
        assert!(found.is_empty());
    }
}
