//! What a time-window stream remembers to hand each record over once, and
//! for how long.
//!
//! Beisen selects a record in a piece `[start, stop)` when the time the
//! query type selects on lies in it, and pieces share their boundaries, so
//! under that rule a record with one version is returned by exactly one
//! piece. Copies arise only
//!
//! - when a piece re-reads itself: a scroll restart, or the children of a
//!   split piece re-reading the first page the parent already delivered;
//! - when a record has several selecting times in different pieces (an
//!   employee whose person and job record changed at different times);
//! - near a boundary, if the vendor compares at another precision than the
//!   whole seconds the boundaries are cut at;
//! - when the vendor returns a record none of whose times lie in the piece
//!   (a vendor inconsistency, or a time field the records do not carry).
//!
//! So the ledger keeps, per live piece, the keys it saw (for restarts; freed
//! when the piece ends), per pending child of a split the keys of the
//! parent's first page that fall in it, and one shared set for records of
//! the last three kinds only. A record whose selecting times all lie well
//! inside the piece that returned it is never put in the shared set.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashSet};
use std::hash::BuildHasher;

use chrono::{Duration, NaiveDateTime};

use super::TimeWindow;

/// A versioned key as the ledger stores it: 128 bits of two SipHashes
/// under random keys, 16 bytes and no allocation instead of a ~60-byte
/// string. Two different keys share a fingerprint with a chance of about
/// n² / 2¹²⁹ (10⁻²⁷ for a million records), and the random keys mean a
/// vendor cannot craft a collision.
pub(super) type Key = u128;

/// Makes the [`Key`]s of one stream.
#[derive(Clone, Default)]
pub(super) struct Fingerprints(RandomState, RandomState);

impl Fingerprints {
    pub(super) fn of(&self, key: &str) -> Key {
        (u128::from(self.0.hash_one(key)) << 64) | u128::from(self.1.hash_one(key))
    }
}

/// How close to a piece boundary a time must be to count as "on" it: a
/// vendor that rounds `12:00:00.600` up selects it in the piece after.
pub(super) fn tolerance() -> Duration {
    Duration::seconds(1)
}

/// A keyed record as the ledger sees it: its versioned key and the times
/// it is selected on (civil, in the client's zone).
#[derive(Debug, Clone)]
pub(super) struct Seen {
    pub(super) key: Key,
    pub(super) times: Vec<NaiveDateTime>,
}

enum State {
    /// Not opened yet; `carried` are the parent's first-page records that
    /// this piece will return again.
    Pending {
        carried: Vec<Seen>,
    },
    /// Open: every key it returned (or was carried), to skip after a
    /// restart, and the carried records with their times, passed on if it
    /// splits.
    Live {
        keys: HashSet<Key>,
        carried: Vec<Seen>,
    },
    Done,
}

struct Piece {
    stop: NaiveDateTime,
    state: State,
}

/// Where a record's times put it relative to the piece that returned it.
enum Place {
    /// Every selecting time is inside the piece, away from its inner
    /// boundaries (or the record has no times): no other piece returns it.
    Inside,
    /// Another piece may return it too: a time elsewhere in the stream or
    /// within the tolerance of a boundary.
    Shared,
    /// No time in (or next to) the piece: the vendor returned it for a
    /// reason the record does not show. `owners` are its times that lie in
    /// the stream.
    Unexplained { owners: Vec<NaiveDateTime> },
}

/// The stream's de-duplication state; one per stream, behind a mutex.
pub(super) struct Ledger {
    span: TimeWindow,
    dedup: bool,
    pieces: BTreeMap<NaiveDateTime, Piece>,
    shared: HashSet<Key>,
    /// Keys held now: live sets, carried records and the shared set.
    held: usize,
}

impl Ledger {
    /// A ledger of the stream's pieces (consecutive, as cut); `dedup`
    /// turns the shared set on.
    pub(super) fn new(windows: &[TimeWindow], dedup: bool) -> Self {
        let span = match (windows.first(), windows.last()) {
            (Some(a), Some(b)) => TimeWindow::from_civil(a.start(), b.stop()),
            _ => TimeWindow::from_civil(NaiveDateTime::MIN, NaiveDateTime::MIN),
        };
        let pieces = windows
            .iter()
            .map(|w| {
                (
                    w.start(),
                    Piece {
                        stop: w.stop(),
                        state: State::Pending {
                            carried: Vec::new(),
                        },
                    },
                )
            })
            .collect();
        Ledger {
            span,
            dedup,
            pieces,
            shared: HashSet::new(),
            held: 0,
        }
    }

    /// Keys held now.
    pub(super) fn held(&self) -> usize {
        self.held
    }

    /// Keys in the shared set.
    #[cfg(test)]
    fn shared_len(&self) -> usize {
        self.shared.len()
    }

    fn piece_mut(&mut self, window: TimeWindow) -> Option<&mut Piece> {
        self.pieces
            .get_mut(&window.start())
            .filter(|p| p.stop == window.stop())
    }

    /// The piece is being scrolled: what it carries counts as returned.
    pub(super) fn open(&mut self, window: TimeWindow) {
        let Some(piece) = self.piece_mut(window) else {
            return;
        };
        if let State::Pending { carried } = &mut piece.state {
            let carried = std::mem::take(carried);
            let keys: HashSet<Key> = carried.iter().map(|s| s.key).collect();
            let counted = carried.len();
            let kept = keys.len();
            piece.state = State::Live { keys, carried };
            self.held = self.held - counted + kept;
        }
    }

    /// Whether the record `seen`, returned by the live piece `window`, is
    /// new: to deliver. Either way the piece remembers it, so a restart
    /// skips it.
    pub(super) fn admit(&mut self, window: TimeWindow, seen: &Seen) -> bool {
        if let Some(Piece {
            state: State::Live { keys, .. },
            ..
        }) = self.piece_mut(window)
            && keys.contains(&seen.key)
        {
            return false;
        }
        let new = !self.dedup
            || match self.place(window, &seen.times) {
                Place::Inside => !self.shared.contains(&seen.key),
                Place::Shared => self.share(seen.key),
                Place::Unexplained { owners } => {
                    // The piece that holds the record's time may return it
                    // too. If that piece is live and has the key, this is
                    // the copy. Otherwise deliver it here and leave the key
                    // where that piece will look. A piece that has finished
                    // kept no keys: whether it returned the record is not
                    // known, and a record delivered twice is better than
                    // one lost (the vendor is not following its own rule
                    // here, say with times in another zone).
                    let owner_has = owners.iter().any(|t| {
                        matches!(self.piece_at(*t), Some(State::Live { keys, .. }) if keys.contains(&seen.key))
                    });
                    !owner_has && self.share(seen.key)
                }
            };
        if let Some(Piece {
            state: State::Live { keys, .. },
            ..
        }) = self.piece_mut(window)
            && keys.insert(seen.key)
        {
            self.held += 1;
        }
        new
    }

    /// Records a key in the shared set; false when it was there.
    fn share(&mut self, key: Key) -> bool {
        let new = self.shared.insert(key);
        self.held += usize::from(new);
        new
    }

    fn piece_at(&self, t: NaiveDateTime) -> Option<&State> {
        self.pieces
            .range(..=t)
            .next_back()
            .filter(|(_, p)| t < p.stop)
            .map(|(_, p)| &p.state)
    }

    fn place(&self, window: TimeWindow, times: &[NaiveDateTime]) -> Place {
        if times.is_empty() {
            return Place::Inside;
        }
        let (first, last) = (self.span.start(), self.span.stop());
        let (start, stop) = (window.start(), window.stop());
        let tol = tolerance();
        let near = |t: NaiveDateTime, edge: NaiveDateTime| t >= edge - tol && t < edge + tol;
        let mut explained = false;
        let mut shared = false;
        let mut owners = Vec::new();
        for &t in times {
            if t < first || t >= last {
                // No piece of this stream selects on it.
                continue;
            }
            let inside = start <= t && t < stop;
            // Only inner boundaries have a neighbour that could take it.
            let on_edge = (start > first && near(t, start)) || (stop < last && near(t, stop));
            if inside || on_edge {
                explained = true;
            }
            if !inside || on_edge {
                shared = true;
            }
            if !inside && !on_edge {
                owners.push(t);
            }
        }
        if !explained {
            Place::Unexplained { owners }
        } else if shared {
            Place::Shared
        } else {
            Place::Inside
        }
    }

    /// The live piece `parent` is replaced by `children` (consecutive,
    /// covering it). Its carried records and `first_page` (the records of
    /// its first page, already admitted) go to each child whose window,
    /// widened by the tolerance, holds one of their times, or to every
    /// child when they have none: the children drop their copies.
    pub(super) fn split(
        &mut self,
        parent: TimeWindow,
        children: &[TimeWindow],
        first_page: Vec<Seen>,
    ) {
        let Some(piece) = self.pieces.remove(&parent.start()) else {
            return;
        };
        let mut passed = first_page;
        if let State::Live { keys, carried } = piece.state {
            self.held -= keys.len();
            passed.extend(carried);
        }
        // A carried record may be on the first page again.
        let mut unique = HashSet::new();
        passed.retain(|s| unique.insert(s.key));
        let tol = tolerance();
        for child in children {
            let carried: Vec<Seen> = passed
                .iter()
                .filter(|s| {
                    s.times.is_empty()
                        || s.times
                            .iter()
                            .any(|t| *t >= child.start() - tol && *t < child.stop() + tol)
                })
                .cloned()
                .collect();
            self.held += carried.len();
            self.pieces.insert(
                child.start(),
                Piece {
                    stop: child.stop(),
                    state: State::Pending { carried },
                },
            );
        }
    }

    /// The piece delivered everything: its keys are let go.
    pub(super) fn done(&mut self, window: TimeWindow) {
        let Some(piece) = self.piece_mut(window) else {
            return;
        };
        let freed = match std::mem::replace(&mut piece.state, State::Done) {
            State::Live { keys, .. } => keys.len(),
            State::Pending { carried } => carried.len(),
            State::Done => 0,
        };
        self.held -= freed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    fn w(a: &str, b: &str) -> TimeWindow {
        TimeWindow::from_civil(at(a), at(b))
    }

    fn seen(key: &str, times: &[&str]) -> Seen {
        Seen {
            key: key.parse().unwrap(),
            times: times.iter().map(|t| at(t)).collect(),
        }
    }

    #[test]
    fn one_stream_fingerprints_a_key_alike_and_two_keys_apart() {
        let f = Fingerprints::default();
        assert_eq!(
            f.of("7@2024-01-01T10:00:00|"),
            f.of("7@2024-01-01T10:00:00|")
        );
        assert_ne!(
            f.of("7@2024-01-01T10:00:00|"),
            f.of("7@2024-01-01T10:00:01|")
        );
    }

    #[test]
    fn a_record_inside_its_piece_leaves_no_key_behind() {
        let (a, b) = (
            w("2024-01-01T00:00:00", "2024-01-02T00:00:00"),
            w("2024-01-02T00:00:00", "2024-01-03T00:00:00"),
        );
        let mut l = Ledger::new(&[a, b], true);
        l.open(a);
        assert!(l.admit(a, &seen("1", &["2024-01-01T10:00:00"])));
        assert!(
            !l.admit(a, &seen("1", &["2024-01-01T10:00:00"])),
            "a restart's copy"
        );
        assert_eq!(l.held(), 1);
        l.done(a);
        assert_eq!(l.held(), 0);
        assert_eq!(l.shared_len(), 0);
    }

    #[test]
    fn records_on_a_boundary_or_in_two_pieces_are_shared() {
        let (a, b) = (
            w("2024-01-01T00:00:00", "2024-01-02T00:00:00"),
            w("2024-01-02T00:00:00", "2024-01-03T00:00:00"),
        );
        let mut l = Ledger::new(&[a, b], true);
        l.open(a);
        l.open(b);
        // Person time in a, job record time in b: both pieces return it.
        let both = seen("7", &["2024-01-01T10:00:00", "2024-01-02T10:00:00"]);
        assert!(l.admit(a, &both));
        l.done(a);
        assert!(!l.admit(b, &both));
        // Half a second before the boundary: a vendor rounding up puts it in b.
        let edge = Seen {
            key: 8,
            times: vec![at("2024-01-02T00:00:00") - Duration::milliseconds(400)],
        };
        assert!(l.admit(b, &edge));
        assert_eq!(l.shared_len(), 2);
    }

    #[test]
    fn an_unexplained_copy_defers_to_the_live_piece_holding_its_time() {
        let (a, b) = (
            w("2024-01-01T00:00:00", "2024-01-02T00:00:00"),
            w("2024-01-02T00:00:00", "2024-01-03T00:00:00"),
        );
        let r = seen("2", &["2024-01-01T11:00:00"]);
        // a first: b's copy is dropped while a is live.
        let mut l = Ledger::new(&[a, b], true);
        l.open(a);
        l.open(b);
        assert!(l.admit(a, &r));
        assert!(!l.admit(b, &r));
        // Once a has ended its keys are gone: b delivers rather than risk
        // losing a record a may never have returned.
        let mut l = Ledger::new(&[a, b], true);
        l.open(a);
        l.open(b);
        assert!(l.admit(a, &r));
        l.done(a);
        assert!(l.admit(b, &r));
        assert!(!l.admit(b, &r));
        // b first: b delivers it, and a finds the key in the shared set.
        let mut l = Ledger::new(&[a, b], true);
        l.open(b);
        assert!(l.admit(b, &r));
        l.open(a);
        assert!(!l.admit(a, &r));
    }

    #[test]
    fn the_children_of_a_split_drop_the_parents_first_page() {
        let whole = w("2024-01-01T00:00:00", "2024-01-05T00:00:00");
        let mut l = Ledger::new(&[whole], true);
        l.open(whole);
        let page = vec![
            seen("1", &["2024-01-01T10:00:00"]),
            seen("2", &["2024-01-03T10:00:00"]),
        ];
        for s in &page {
            assert!(l.admit(whole, s));
        }
        let children = whole.split_even(4);
        l.split(whole, &children, page.clone());
        assert_eq!(l.held(), 2, "each record goes to the one child holding it");
        l.open(children[0]);
        assert!(!l.admit(children[0], &page[0]));
        assert!(l.admit(children[0], &seen("3", &["2024-01-01T11:00:00"])));
        l.done(children[0]);
        l.open(children[2]);
        assert!(!l.admit(children[2], &page[1]));
        l.done(children[2]);
        assert_eq!(l.held(), 0);
        assert_eq!(l.shared_len(), 0);
    }

    #[test]
    fn without_dedup_only_the_pieces_own_copies_are_dropped() {
        let (a, b) = (
            w("2024-01-01T00:00:00", "2024-01-02T00:00:00"),
            w("2024-01-02T00:00:00", "2024-01-03T00:00:00"),
        );
        let r = seen("2", &["2024-01-01T11:00:00"]);
        let mut l = Ledger::new(&[a, b], false);
        l.open(a);
        l.open(b);
        assert!(l.admit(a, &r));
        assert!(l.admit(b, &r));
        assert!(!l.admit(b, &r));
    }
}
