//! Scroll ids of the v5 time-window endpoints.
//!
//! The first call of a scroll computes every matching index for its window
//! and filters (a `Vec<u32>`: 4 MB at worst for a million employees) and
//! serves pages from it. Like the Elasticsearch scroll behind the real API,
//! the id never changes between pages; each call with it returns the next
//! page, so re-sending an id never goes back. A scroll dies when it idles
//! longer than `scroll_idle` (measured from the end of the previous call) or
//! when [`Sandbox::expire_scrolls`](crate::Sandbox::expire_scrolls) moves the
//! scroll epoch; its id then answers `code "200"` with empty data, exactly
//! like the end of the listing. Dead scrolls are swept on every scroll call.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::b64;
use super::json::{Columns, mix};

/// What a scroll lists; an id only continues on the endpoint that opened it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Employee,
    EmployeeList,
    Organization,
    Position,
    JobPost,
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

/// One page of a scroll.
#[derive(Debug)]
pub(super) struct Page {
    pub id: String,
    pub serial: u64,
    pub indices: Vec<u32>,
    pub total: usize,
    pub is_last: bool,
    pub view: Arc<View>,
}

/// What a call with an existing id gets.
#[derive(Debug)]
pub(super) enum Next {
    /// The next page.
    Page(Page),
    /// The scroll has delivered everything: empty data.
    Ended { total: usize },
    /// The scroll idled out or was expired: empty data too, silently.
    Expired,
    /// Not an id this sandbox issued for this endpoint: `417`.
    Invalid,
}

#[derive(Debug)]
pub(super) struct Scrolls {
    registry: Mutex<Registry>,
    node: [u8; 22],
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
        at: Instant,
    },
}

#[derive(Debug)]
struct Live {
    kind: Kind,
    indices: Vec<u32>,
    pos: usize,
    capacity: usize,
    last_used: Instant,
    epoch: u64,
    view: Arc<View>,
}

impl Live {
    fn is_dead(&self, now: Instant, epoch: u64, idle: Duration) -> bool {
        self.epoch != epoch || now.duration_since(self.last_used) > idle
    }
}

/// Context ids start here so ids look like the vendor's (`…AAAAAAVrsaUW…`).
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
    let bytes = b64::decode(id.trim())?;
    if bytes.len() != 46 || !bytes.starts_with(PREFIX) || bytes[23] != 22 || bytes[24..] != node[..]
    {
        return None;
    }
    Some(u64::from_be_bytes(bytes[15..23].try_into().ok()?))
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
    pub(super) fn new(salt: u64) -> Self {
        Scrolls {
            registry: Mutex::new(Registry::default()),
            node: node_id(salt ^ 0x005C_7011),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens a scroll over `indices` and takes its first page.
    pub(super) fn open(
        &self,
        kind: Kind,
        indices: Vec<u32>,
        capacity: usize,
        view: View,
        epoch: u64,
        idle: Duration,
    ) -> Page {
        let now = Instant::now();
        let mut registry = self.lock();
        sweep(&mut registry, now, epoch, idle);
        registry.issued += 1;
        let serial = registry.issued;
        let mut live = Live {
            kind,
            indices,
            pos: 0,
            capacity,
            last_used: now,
            epoch,
            view: Arc::new(view),
        };
        let page = self.take(serial, &mut live);
        registry.entries.insert(serial, Entry::Live(live));
        page
    }

    fn take(&self, serial: u64, live: &mut Live) -> Page {
        let end = (live.pos + live.capacity).min(live.indices.len());
        let indices = live.indices[live.pos..end].to_vec();
        live.pos = end;
        Page {
            id: self.id_of(serial),
            serial,
            indices,
            total: live.indices.len(),
            is_last: end == live.indices.len(),
            view: live.view.clone(),
        }
    }

    /// Continues the scroll `id`.
    pub(super) fn next(&self, id: &str, kind: Kind, epoch: u64, idle: Duration) -> Next {
        let now = Instant::now();
        let Some(serial) = parse_es_id(id, &self.node).and_then(|c| c.checked_sub(CONTEXT_BASE))
        else {
            return Next::Invalid;
        };
        let mut registry = self.lock();
        sweep(&mut registry, now, epoch, idle);
        let issued = registry.issued;
        match registry.entries.get_mut(&serial) {
            Some(Entry::Live(live)) if live.kind != kind => Next::Invalid,
            Some(Entry::Live(live)) if live.pos >= live.indices.len() => {
                let total = live.indices.len();
                registry.entries.insert(
                    serial,
                    Entry::Finished {
                        kind,
                        total,
                        at: now,
                    },
                );
                Next::Ended { total }
            }
            Some(Entry::Live(live)) => Next::Page(self.take(serial, live)),
            Some(Entry::Finished { kind: k, .. }) if *k != kind => Next::Invalid,
            Some(Entry::Finished { total, .. }) => Next::Ended { total: *total },
            // Swept: it was issued, so it died.
            None if (1..=issued).contains(&serial) => Next::Expired,
            None => Next::Invalid,
        }
    }

    /// Marks the end of a call: the idle time of scroll `serial` counts from now.
    pub(super) fn touch(&self, serial: u64) {
        let mut registry = self.lock();
        if let Some(Entry::Live(live)) = registry.entries.get_mut(&serial) {
            live.last_used = Instant::now();
        }
    }

    /// The id of scroll `serial`.
    pub(super) fn id_of(&self, serial: u64) -> String {
        es_id(CONTEXT_BASE + serial, &self.node)
    }

    /// Open scrolls, for tests of the sweep.
    #[cfg(test)]
    fn live(&self) -> usize {
        self.lock()
            .entries
            .values()
            .filter(|e| matches!(e, Entry::Live(_)))
            .count()
    }
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

    #[test]
    fn ids_look_like_the_vendors_and_parse_back() {
        let scrolls = Scrolls::new(1);
        let id = scrolls.id_of(7);
        assert!(id.starts_with("DXF1ZXJ5QW5kRmV0Y2gB"), "{id}");
        assert_eq!(id.len(), 64);
        assert_eq!(parse_es_id(&id, &scrolls.node), Some(CONTEXT_BASE + 7));
        assert_eq!(parse_es_id(&id, &node_id(2)), None);
    }

    #[test]
    fn pages_then_end_then_sweep() {
        let scrolls = Scrolls::new(1);
        let idle = Duration::from_secs(10);
        let page = scrolls.open(Kind::Employee, vec![1, 2, 3], 2, View::default(), 0, idle);
        assert_eq!(
            (page.indices.as_slice(), page.is_last),
            (&[1, 2][..], false)
        );
        let Next::Page(second) = scrolls.next(&page.id, Kind::Employee, 0, idle) else {
            panic!("second page");
        };
        assert_eq!(
            (second.indices.as_slice(), second.is_last),
            (&[3][..], true)
        );
        assert!(matches!(
            scrolls.next(&page.id, Kind::Employee, 0, idle),
            Next::Ended { total: 3 }
        ));
        assert!(matches!(
            scrolls.next(&page.id, Kind::Position, 0, idle),
            Next::Invalid
        ));
        // A new epoch kills live scrolls at the next sweep.
        let other = scrolls.open(Kind::Employee, vec![1], 1, View::default(), 0, idle);
        assert_eq!(scrolls.live(), 1);
        assert!(matches!(
            scrolls.next(&other.id, Kind::Employee, 1, idle),
            Next::Expired
        ));
        assert_eq!(scrolls.live(), 0);
        assert!(matches!(
            scrolls.next(&scrolls.id_of(99), Kind::Employee, 1, idle),
            Next::Invalid
        ));
    }
}
