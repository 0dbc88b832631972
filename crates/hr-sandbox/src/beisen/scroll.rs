//! Scroll ids of the v5 time-window endpoints.
//!
//! The first call of a scroll computes every matching index for its window
//! and filters, stores them compactly ([`Matches`]) and serves pages from
//! them. Every answered page carries a **new** id (the scroll's serial and
//! a page counter); only the latest id of a scroll continues it, an older
//! one is refused ([`Next::Stale`]), so a client cannot go back a page.
//!
//! A scroll dies when it idles longer than `scroll_idle` (measured on the
//! sandbox's [`Clock`] from the end of the previous call; a call in progress holds a [`Lease`], so a
//! sweep from another call never kills a scroll being served), when
//! [`Sandbox::expire_scrolls`](crate::Sandbox::expire_scrolls) moves the
//! scroll epoch, or when it is the least recently used of more than
//! `max_live_scrolls` (or of scrolls holding more than [`MAX_BYTES`]); its
//! ids then answer `code "200"` with empty data, like the end of the
//! listing. Dead scrolls are swept on every scroll call.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::b64;
use super::json::{Columns, mix};
use crate::clock::Clock;
use crate::config::IsLastData;

/// What a scroll lists; an id only continues on the endpoint that opened it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Employee,
    EmployeeList,
    Organization,
    Position,
    JobPost,
    /// `JobLevel/GetByTimeWindow` (职级).
    JobLevel,
    /// `JobGrade/GetByTimeWindow` (职等).
    JobGrade,
    /// `JobSequence/GetByTimeWindow` (职务序列).
    JobSequence,
    /// `EmploymentForm/GetByTimeWindow` (用工形式).
    EmploymentForm,
    /// `EmpSubset/GetByTimeWindow`, by `metaObjectName`.
    EmpSubset(super::meta::Subset),
    /// `CommonMetaObject/GetByTimeWindow`, by `metaObjectName`.
    CommonMeta(super::meta::MetaObject),
    /// `Employee/GetEmployeeOfOrganization`: a scroll without a window.
    EmployeeOfOrganization,
    /// `Offer/GetByTimeWindow`: one offer per person awaiting entry.
    Offer,
    /// `Contract/GetByTimeWindow`: one current contract per person entered.
    Contract,
}

/// How the records of a scroll are rendered, fixed by its first call (as
/// Elasticsearch fixes the query of a scroll).
#[derive(Debug, Clone, Default)]
pub(super) struct View {
    pub columns: Option<Columns>,
    pub translate: bool,
    /// Bit `n` set: records of serviceType `n` are wanted.
    pub service_types: u8,
}

/// The order of the indices handed to [`Matches::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Order {
    /// Ascending indices, delivered ascending.
    Ascending,
    /// Ascending indices, delivered descending.
    Descending,
    /// Delivered in the order given.
    AsGiven,
}

/// The matches of a scroll, in delivery order, stored in the smaller of a
/// list (4 bytes a match) and, when delivered in index order, a bitmap
/// (1 bit per index up to the largest match): at most 125 KB for a million
/// employees, however many match.
#[derive(Debug)]
pub(super) struct Matches {
    store: Store,
    total: usize,
}

#[derive(Debug)]
enum Store {
    List(Vec<u32>),
    Bits { words: Vec<u64>, descending: bool },
}

impl Matches {
    pub(super) fn new(mut indices: Vec<u32>, order: Order) -> Matches {
        let total = indices.len();
        let bitmap_words = indices.last().map_or(0, |&last| last as usize / 64 + 1);
        let store = match order {
            Order::Ascending | Order::Descending if bitmap_words * 8 < total * 4 => {
                let mut words = vec![0u64; bitmap_words];
                for &i in &indices {
                    words[i as usize / 64] |= 1 << (i % 64);
                }
                Store::Bits {
                    words,
                    descending: order == Order::Descending,
                }
            }
            _ => {
                if order == Order::Descending {
                    indices.reverse();
                }
                indices.shrink_to_fit();
                Store::List(indices)
            }
        };
        Matches { store, total }
    }

    /// Heap bytes held.
    fn bytes(&self) -> usize {
        match &self.store {
            Store::List(v) => v.capacity() * 4,
            Store::Bits { words, .. } => words.capacity() * 8,
        }
    }

    /// Where delivery starts.
    fn start(&self) -> usize {
        match &self.store {
            Store::Bits {
                words,
                descending: true,
            } => words.len() * 64,
            _ => 0,
        }
    }

    /// Up to `n` matches from `cursor` (a list position, or a bit position:
    /// the next bit ascending, the bound below which to look descending),
    /// moving the cursor past them.
    fn take(&self, cursor: &mut usize, n: usize) -> Vec<u32> {
        let mut out = Vec::with_capacity(n.min(self.total));
        match &self.store {
            Store::List(v) => {
                let end = (*cursor + n).min(v.len());
                out.extend_from_slice(&v[(*cursor).min(end)..end]);
                *cursor = end;
            }
            Store::Bits {
                words,
                descending: false,
            } => {
                while out.len() < n && *cursor < words.len() * 64 {
                    let w = *cursor / 64;
                    let bits = words[w] & (!0u64 << (*cursor % 64));
                    if bits == 0 {
                        *cursor = (w + 1) * 64;
                    } else {
                        let bit = w * 64 + bits.trailing_zeros() as usize;
                        out.push(bit as u32);
                        *cursor = bit + 1;
                    }
                }
            }
            Store::Bits {
                words,
                descending: true,
            } => {
                while out.len() < n && *cursor > 0 {
                    let w = (*cursor - 1) / 64;
                    let below = *cursor - w * 64;
                    let mask = if below == 64 { !0 } else { (1u64 << below) - 1 };
                    let bits = words[w] & mask;
                    if bits == 0 {
                        *cursor = w * 64;
                    } else {
                        let bit = w * 64 + 63 - bits.leading_zeros() as usize;
                        out.push(bit as u32);
                        *cursor = bit;
                    }
                }
            }
        }
        out
    }
}

/// One page of a scroll. While it exists the scroll is in use and no sweep
/// kills it; dropping it (at the end of the call) starts the idle time.
#[derive(Debug)]
pub(super) struct Page<'a> {
    pub id: String,
    pub indices: Vec<u32>,
    pub total: usize,
    pub is_last: bool,
    pub view: Arc<View>,
    _lease: Lease<'a>,
}

/// A scroll in use by a call.
#[derive(Debug)]
pub(super) struct Lease<'a> {
    scrolls: &'a Scrolls,
    serial: u64,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let mut registry = self.scrolls.lock();
        if let Some(Entry::Live(live)) = registry.entries.get_mut(&self.serial) {
            live.leases = live.leases.saturating_sub(1);
            live.last_used = self.scrolls.clock.now();
        }
    }
}

/// What a call with an existing id gets.
#[derive(Debug)]
pub(super) enum Next<'a> {
    /// The next page.
    Page(Page<'a>),
    /// The scroll has delivered everything: empty data, with the scroll's
    /// latest id. `first` on the call that ended it, false on repeats.
    Ended {
        id: String,
        total: usize,
        first: bool,
    },
    /// The scroll idled out, was expired or evicted: empty data too,
    /// silently.
    Expired,
    /// An id of this scroll older than its latest: `417`.
    Stale,
    /// Not an id this sandbox issued for this endpoint: `417`.
    Invalid,
}

/// What a new scroll got.
#[derive(Debug)]
pub(super) struct Opened<'a> {
    pub page: Page<'a>,
    /// Scrolls evicted to make room.
    pub evicted: usize,
}

/// Settings fixed for the life of a sandbox.
#[derive(Debug, Clone, Copy)]
pub(super) struct Settings {
    pub idle: Duration,
    pub max_live: usize,
    pub is_last_data: IsLastData,
}

/// Live scrolls may hold this much between them before the least recently
/// used are evicted, whatever `max_live_scrolls` says.
pub(super) const MAX_BYTES: usize = 256 << 20;

#[derive(Debug)]
pub(super) struct Scrolls {
    registry: Mutex<Registry>,
    node: [u8; 22],
    settings: Settings,
    /// The sandbox's clock: idle times are measured on it.
    clock: Clock,
}

#[derive(Debug, Default)]
struct Registry {
    issued: u64,
    entries: HashMap<u64, Entry>,
}

#[derive(Debug)]
enum Entry {
    Live(Live),
    Finished {
        kind: Kind,
        total: usize,
        /// The page number of the scroll's latest id.
        page: u32,
        at: Instant,
    },
}

#[derive(Debug)]
struct Live {
    kind: Kind,
    matches: Matches,
    cursor: usize,
    delivered: usize,
    capacity: usize,
    /// The page number of the scroll's latest id.
    page: u32,
    last_used: Instant,
    /// Calls serving this scroll right now.
    leases: u32,
    epoch: u64,
    view: Arc<View>,
}

impl Live {
    fn is_dead(&self, now: Instant, epoch: u64, idle: Duration) -> bool {
        self.epoch != epoch || (self.leases == 0 && now.duration_since(self.last_used) > idle)
    }
}

/// Context numbers start here so ids look like the vendor's (`…AAAAAAVrsaUW…`).
const CONTEXT_BASE: u64 = 0x0560_0000;
const PREFIX: &[u8] = b"\x0dqueryAndFetch\x01";

/// An Elasticsearch-style `queryAndFetch` context id: prefix, 8-byte context
/// number, and a 22-character node id.
pub(super) fn es_id(context: u64, node: &[u8; 22]) -> String {
    let mut bytes = Vec::with_capacity(46);
    bytes.extend_from_slice(PREFIX);
    bytes.extend_from_slice(&context.to_be_bytes());
    bytes.push(22);
    bytes.extend_from_slice(node);
    b64::encode_standard(&bytes)
}

/// The context number of an id made by [`es_id`] with the same node.
pub(super) fn parse_es_id(id: &str, node: &[u8; 22]) -> Option<u64> {
    let (context, from) = parse_any_es_id(id)?;
    (from == *node).then_some(context)
}

/// The context number and node of any `queryAndFetch` scroll id, such as
/// the one in the vendor's request example.
fn parse_any_es_id(id: &str) -> Option<(u64, [u8; 22])> {
    let bytes = b64::decode(id.trim())?;
    if bytes.len() != 46 || !bytes.starts_with(PREFIX) || bytes[23] != 22 {
        return None;
    }
    let context = u64::from_be_bytes(bytes[15..23].try_into().ok()?);
    Some((context, bytes[24..].try_into().ok()?))
}

/// A node id (22 URL-safe characters) for `salt`.
pub(super) fn node_id(salt: u64) -> [u8; 22] {
    let a = mix(salt);
    let bytes = [a.to_le_bytes(), mix(a).to_le_bytes()].concat();
    let text = b64::encode_url(&bytes);
    let mut node = [b'A'; 22];
    node.copy_from_slice(&text.as_bytes()[..22]);
    node
}

impl Scrolls {
    pub(super) fn new(salt: u64, settings: Settings, clock: Clock) -> Self {
        Scrolls {
            registry: Mutex::new(Registry::default()),
            node: node_id(salt ^ 0x005C_7011),
            settings,
            clock,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens a scroll over `matches` and takes its first page.
    pub(super) fn open(
        &self,
        kind: Kind,
        matches: Matches,
        capacity: usize,
        view: View,
        epoch: u64,
    ) -> Opened<'_> {
        let now = self.clock.now();
        let mut registry = self.lock();
        sweep(&mut registry, now, epoch, self.settings.idle);
        let evicted = self.make_room(&mut registry, matches.bytes());
        registry.issued += 1;
        let serial = registry.issued;
        let mut live = Live {
            kind,
            cursor: matches.start(),
            matches,
            delivered: 0,
            capacity,
            page: 0,
            last_used: now,
            leases: 0,
            epoch,
            view: Arc::new(view),
        };
        let page = self.take(serial, &mut live, now);
        registry.entries.insert(serial, Entry::Live(live));
        Opened { page, evicted }
    }

    /// Evicts the least recently used idle scrolls until one more holding
    /// `bytes` fits both limits; returns how many went.
    fn make_room(&self, registry: &mut Registry, bytes: usize) -> usize {
        let mut evicted = 0;
        loop {
            let (mut count, mut held) = (0, bytes);
            let mut oldest: Option<(Instant, u64)> = None;
            for (&serial, entry) in &registry.entries {
                if let Entry::Live(live) = entry {
                    count += 1;
                    held += live.matches.bytes();
                    // Scrolls being served are never evicted.
                    if live.leases == 0 && oldest.is_none_or(|(t, _)| live.last_used < t) {
                        oldest = Some((live.last_used, serial));
                    }
                }
            }
            let full = count >= self.settings.max_live.max(1) || held > MAX_BYTES;
            match oldest {
                Some((_, serial)) if full => {
                    registry.entries.remove(&serial);
                    evicted += 1;
                }
                _ => return evicted,
            }
        }
    }

    /// The next page of `live`, with a new id; the scroll is in use until
    /// the page is dropped.
    fn take(&self, serial: u64, live: &mut Live, now: Instant) -> Page<'_> {
        let indices = live.matches.take(&mut live.cursor, live.capacity);
        live.delivered += indices.len();
        live.page += 1;
        live.leases += 1;
        live.last_used = now;
        let total = live.matches.total;
        let is_last = match self.settings.is_last_data {
            IsLastData::Exact => live.delivered >= total,
            // True from the page before the last one with records.
            IsLastData::Early => live.delivered + live.capacity >= total,
            IsLastData::Never => false,
        };
        Page {
            id: self.id_of(serial, live.page),
            indices,
            total,
            is_last,
            view: live.view.clone(),
            _lease: Lease {
                scrolls: self,
                serial,
            },
        }
    }

    /// Continues the scroll `id`. A well-formed id of another node (the
    /// vendor's own example sends one) is a context this cluster does not
    /// hold, which Elasticsearch cannot tell from one that expired: it is
    /// answered as expired.
    pub(super) fn next(&self, id: &str, kind: Kind, epoch: u64) -> Next<'_> {
        let now = self.clock.now();
        let (serial, page) = match parse_any_es_id(id) {
            Some((context, node)) if node == self.node => match split_context(context) {
                Some(ids) => ids,
                None => return Next::Invalid,
            },
            Some(_) => return Next::Expired,
            None => return Next::Invalid,
        };
        let mut registry = self.lock();
        sweep(&mut registry, now, epoch, self.settings.idle);
        let issued = registry.issued;
        let entry = registry.entries.get_mut(&serial);
        let (entry_kind, latest) = match &entry {
            Some(Entry::Live(live)) => (live.kind, live.page),
            Some(Entry::Finished { kind, page, .. }) => (*kind, *page),
            // Swept, evicted or expired: it was issued, so it died, and a
            // dead scroll does not know its pages any more.
            None if (1..=issued).contains(&serial) => return Next::Expired,
            None => return Next::Invalid,
        };
        if entry_kind != kind || page > latest {
            return Next::Invalid;
        }
        if page < latest {
            return Next::Stale;
        }
        match entry {
            Some(Entry::Live(live)) if live.delivered >= live.matches.total => {
                // The end page gets a new id too; it then stays the latest.
                let (total, page) = (live.matches.total, live.page + 1);
                registry.entries.insert(
                    serial,
                    Entry::Finished {
                        kind,
                        total,
                        page,
                        at: now,
                    },
                );
                Next::Ended {
                    id: self.id_of(serial, page),
                    total,
                    first: true,
                }
            }
            Some(Entry::Live(live)) => Next::Page(self.take(serial, live, now)),
            Some(Entry::Finished { total, .. }) => Next::Ended {
                id: id.trim().to_owned(),
                total: *total,
                first: false,
            },
            None => Next::Invalid,
        }
    }

    /// The id of page `page` of scroll `serial`.
    fn id_of(&self, serial: u64, page: u32) -> String {
        es_id(
            (u64::from(page) << 32) | (CONTEXT_BASE + serial),
            &self.node,
        )
    }

    /// Open scrolls, for tests.
    #[cfg(test)]
    fn live(&self) -> usize {
        self.lock()
            .entries
            .values()
            .filter(|e| matches!(e, Entry::Live(_)))
            .count()
    }
}

/// `(serial, page)` of a context number: the page counter in the high
/// half, so ids of one scroll differ early and still look like the vendor's.
fn split_context(context: u64) -> Option<(u64, u32)> {
    let serial = (context & 0xFFFF_FFFF).checked_sub(CONTEXT_BASE)?;
    Some((serial, (context >> 32) as u32))
}

/// Drops dead scrolls, and finished ones once nobody can still be reading them.
fn sweep(registry: &mut Registry, now: Instant, epoch: u64, idle: Duration) {
    let keep_finished = (idle * 6).max(Duration::from_secs(60));
    registry.entries.retain(|_, entry| match entry {
        Entry::Live(live) => !live.is_dead(now, epoch, idle),
        Entry::Finished { at, .. } => now.duration_since(*at) < keep_finished,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(idle: Duration, max_live: usize, is_last_data: IsLastData) -> Settings {
        Settings {
            idle,
            max_live,
            is_last_data,
        }
    }

    fn scrolls() -> Scrolls {
        Scrolls::new(
            1,
            settings(Duration::from_secs(10), 500, IsLastData::Exact),
            Clock::new(),
        )
    }

    fn open(s: &Scrolls, indices: Vec<u32>, capacity: usize) -> (String, Vec<u32>, bool) {
        let opened = s.open(
            Kind::Employee,
            Matches::new(indices, Order::Ascending),
            capacity,
            View::default(),
            0,
        );
        let p = opened.page;
        (p.id.clone(), p.indices.clone(), p.is_last)
    }

    fn next(s: &Scrolls, id: &str) -> (String, Vec<u32>, bool) {
        match s.next(id, Kind::Employee, 0) {
            Next::Page(p) => (p.id.clone(), p.indices.clone(), p.is_last),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ids_look_like_the_vendors_and_parse_back() {
        let scrolls = scrolls();
        let id = scrolls.id_of(7, 0);
        assert!(id.starts_with("DXF1ZXJ5QW5kRmV0Y2gB"), "{id}");
        assert_eq!(id.len(), 64);
        assert_eq!(parse_es_id(&id, &scrolls.node), Some(CONTEXT_BASE + 7));
        assert_eq!(parse_es_id(&id, &node_id(2)), None);
        let later = scrolls.id_of(7, 3);
        assert!(later.starts_with("DXF1ZXJ5QW5kRmV0Y2gB"), "{later}");
        assert_eq!(
            parse_es_id(&later, &scrolls.node).and_then(split_context),
            Some((7, 3))
        );
    }

    #[test]
    fn each_page_has_a_new_id_and_only_the_latest_continues() {
        let s = scrolls();
        let (id1, page1, _) = open(&s, vec![1, 2, 3, 4, 5], 2);
        assert_eq!(page1, [1, 2]);
        let (id2, page2, _) = next(&s, &id1);
        assert_ne!(id1, id2);
        assert_eq!(page2, [3, 4]);
        assert!(matches!(s.next(&id1, Kind::Employee, 0), Next::Stale));
        let (id3, page3, last) = next(&s, &id2);
        assert_eq!((page3.as_slice(), last), (&[5][..], true));
        assert!(matches!(s.next(&id2, Kind::Employee, 0), Next::Stale));
        // The end gets a new id, which then stays the latest.
        let Next::Ended {
            id: end,
            total: 5,
            first: true,
        } = s.next(&id3, Kind::Employee, 0)
        else {
            panic!("end");
        };
        assert_ne!(end, id3);
        assert!(matches!(s.next(&id3, Kind::Employee, 0), Next::Stale));
        assert!(matches!(
            s.next(&end, Kind::Employee, 0),
            Next::Ended { id, total: 5, first: false } if id == end
        ));
        // An id of a page never served, and one of another endpoint.
        let ahead = s.id_of(1, 9);
        // The vendor's example id: well-formed, from another cluster.
        let foreign = "DXF1ZXJ5QW5kRmV0Y2gBAAAAAAVrsaUWdnVycEd3OEFRRm02aEpHRFZQZ2htdw==";
        assert!(matches!(s.next(foreign, Kind::Employee, 0), Next::Expired));
        assert!(matches!(
            s.next("bm90IGFuIGlk", Kind::Employee, 0),
            Next::Invalid
        ));
        assert!(matches!(s.next(&ahead, Kind::Employee, 0), Next::Invalid));
        assert!(matches!(s.next(&end, Kind::Position, 0), Next::Invalid));
        assert!(matches!(
            s.next(&s.id_of(99, 0), Kind::Employee, 0),
            Next::Invalid
        ));
    }

    #[test]
    fn a_new_epoch_kills_live_scrolls_at_the_next_sweep() {
        let s = scrolls();
        let (id, _, _) = open(&s, vec![1, 2], 1);
        assert_eq!(s.live(), 1);
        assert!(matches!(s.next(&id, Kind::Employee, 1), Next::Expired));
        assert_eq!(s.live(), 0);
    }

    #[test]
    fn bitmaps_and_lists_deliver_the_same_pages_both_ways() {
        // Dense enough for a bitmap, with gaps across word boundaries.
        let dense: Vec<u32> = (0..1_000).filter(|i| i % 3 != 0 || *i > 900).collect();
        let sparse: Vec<u32> = vec![5, 64, 127, 128, 4_000, 70_000];
        for indices in [dense, sparse] {
            for (order, expected) in [
                (Order::Ascending, indices.clone()),
                (Order::Descending, indices.iter().rev().copied().collect()),
            ] {
                let m = Matches::new(indices.clone(), order);
                let mut cursor = m.start();
                let mut got = Vec::new();
                loop {
                    let page = m.take(&mut cursor, 7);
                    if page.is_empty() {
                        break;
                    }
                    got.extend(page);
                }
                assert_eq!(got, expected, "{order:?}");
                assert_eq!(m.total, indices.len());
            }
        }
        // A million people all matching cost a bitmap, not a list.
        let all = Matches::new((0..1_000_000).collect(), Order::Ascending);
        assert!(all.bytes() <= 125_000, "{}", all.bytes());
    }

    #[test]
    fn is_last_data_follows_the_setting() {
        for (mode, expected) in [
            (IsLastData::Exact, [false, false, true]),
            (IsLastData::Early, [false, true, true]),
            (IsLastData::Never, [false, false, false]),
        ] {
            let s = Scrolls::new(
                1,
                settings(Duration::from_secs(10), 500, mode),
                Clock::new(),
            );
            let (mut id, _, first) = open(&s, (0..7).collect(), 3);
            let mut flags = vec![first];
            for _ in 0..2 {
                let (next_id, _, last) = next(&s, &id);
                flags.push(last);
                id = next_id;
            }
            assert_eq!(flags, expected, "{mode:?}");
        }
    }

    #[test]
    fn a_scroll_idles_out_on_the_clock() {
        let idle = Duration::from_secs(10);
        let clock = Clock::new();
        let s = Scrolls::new(1, settings(idle, 500, IsLastData::Exact), clock.clone());
        let (id, _, _) = open(&s, vec![1, 2, 3], 1);
        clock.advance(idle / 2);
        let (id, _, _) = next(&s, &id);
        clock.advance(idle + Duration::from_millis(1));
        assert!(matches!(s.next(&id, Kind::Employee, 0), Next::Expired));
        assert_eq!(s.live(), 0);
    }

    #[test]
    fn a_scroll_being_served_survives_sweeps_past_its_idle_time() {
        let idle = Duration::from_secs(10);
        let clock = Clock::new();
        let s = Scrolls::new(1, settings(idle, 500, IsLastData::Exact), clock.clone());
        let busy = s
            .open(
                Kind::Employee,
                Matches::new(vec![1, 2, 3], Order::Ascending),
                1,
                View::default(),
                0,
            )
            .page;
        // Rendering takes longer than the idle time while another call sweeps.
        clock.advance(idle * 3);
        let _other = open(&s, vec![9], 1);
        assert_eq!(s.live(), 2, "the scroll in use was swept");
        let id = busy.id.clone();
        drop(busy);
        // Idle time counts from the end of the call…
        clock.advance(idle / 2);
        let Next::Page(page) = s.next(&id, Kind::Employee, 0) else {
            panic!("the scroll died within its idle time after the call");
        };
        let id = page.id.clone();
        drop(page);
        // …and once idle, the next sweep kills it.
        clock.advance(idle + Duration::from_millis(1));
        assert!(matches!(s.next(&id, Kind::Employee, 0), Next::Expired));
    }

    #[test]
    fn the_least_recently_used_scroll_is_evicted_beyond_the_cap() {
        let clock = Clock::new();
        let s = Scrolls::new(
            1,
            settings(Duration::from_secs(10), 2, IsLastData::Exact),
            clock.clone(),
        );
        let (a, _, _) = open(&s, vec![1, 2, 3], 1);
        clock.advance(Duration::from_secs(1));
        let (b, _, _) = open(&s, vec![1, 2, 3], 1);
        // Using `a` later makes `b` the least recently used.
        clock.advance(Duration::from_secs(1));
        let (a, _, _) = next(&s, &a);
        let opened = s.open(
            Kind::Employee,
            Matches::new(vec![1, 2, 3], Order::Ascending),
            1,
            View::default(),
            0,
        );
        assert_eq!(opened.evicted, 1);
        drop(opened);
        assert_eq!(s.live(), 2);
        assert!(matches!(s.next(&b, Kind::Employee, 0), Next::Expired));
        assert!(matches!(s.next(&a, Kind::Employee, 0), Next::Page(_)));
    }
}
