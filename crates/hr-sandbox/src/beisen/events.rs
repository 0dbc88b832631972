//! Streams of dated events (leave requests, job applications) derived per
//! day, so a window can be counted and paged without storing anything.
//!
//! Day `d` of the dataset's span holds `count(d)` events, about `base` a
//! day. Event `j` of day `d` happens in the `j`-th slot of 08:00–20:00, so
//! times grow with `j` and a position `(d, j)` is a sort key: cursors and
//! batch ids only have to carry it.

use chrono::{Duration as ChronoDuration, NaiveDate, NaiveDateTime, NaiveTime};

use super::json::hash;
use crate::data::Dataset;

/// Length of the working day the events fall in, from 08:00.
const DAY_SECONDS: u64 = 12 * 3600;

#[derive(Debug, Clone, Copy)]
pub(super) struct Stream {
    pub salt: u64,
    /// Events on an average day (capped so every event has its own second).
    pub base: u32,
}

/// Where an event sits: day (days since 0001-01-01) and rank in the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Pos {
    pub day: i32,
    pub j: u32,
}

impl Stream {
    pub(super) fn new(salt: u64, base: usize) -> Stream {
        Stream {
            salt,
            base: base.clamp(2, 20_000) as u32,
        }
    }

    fn span(data: &Dataset) -> (NaiveDate, NaiveDate) {
        let start = data.config().span_start;
        (
            start,
            start + ChronoDuration::days(i64::from(data.config().span_days)),
        )
    }

    /// Events on `day`: none outside the dataset's span.
    pub(super) fn count(&self, data: &Dataset, day: NaiveDate) -> u32 {
        let (first, end) = Self::span(data);
        if day < first || day >= end {
            return 0;
        }
        let h = hash(data.config().seed, ordinal(day) as u64, self.salt);
        self.base / 2 + (h % u64::from(self.base + 1)) as u32
    }

    /// The time of event `j` of `day`, which has `count` events.
    pub(super) fn time(&self, data: &Dataset, day: NaiveDate, j: u32, count: u32) -> NaiveDateTime {
        let slot = DAY_SECONDS / u64::from(count.max(1));
        let jitter = hash(data.config().seed, key(day, j), self.salt ^ 0x71) % slot.max(1);
        day.and_time(NaiveTime::MIN)
            + ChronoDuration::seconds(8 * 3600 + (u64::from(j) * slot + jitter) as i64)
    }

    /// The first event of `day` at or after `t`.
    pub(super) fn lower_bound(
        &self,
        data: &Dataset,
        day: NaiveDate,
        count: u32,
        t: NaiveDateTime,
    ) -> u32 {
        let (mut lo, mut hi) = (0, count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.time(data, day, mid, count) < t {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Positions of the events in `[start, stop)`: the first one and the end.
    pub(super) fn bounds(
        &self,
        data: &Dataset,
        start: NaiveDateTime,
        stop: NaiveDateTime,
    ) -> (Pos, Pos) {
        let at = |t: NaiveDateTime| {
            let day = t.date();
            let count = self.count(data, day);
            Pos {
                day: ordinal(day),
                j: self.lower_bound(data, day, count, t),
            }
        };
        (at(start), at(stop))
    }

    /// Events from `from` (inclusive) to `to` (exclusive), at most `limit`,
    /// skipping days outside the span quickly.
    pub(super) fn walk(
        &self,
        data: &Dataset,
        from: Pos,
        to: Pos,
        limit: usize,
    ) -> Vec<(Pos, NaiveDateTime)> {
        let (first, end) = Self::span(data);
        let mut out = Vec::new();
        let mut pos = from.max(Pos {
            day: ordinal(first),
            j: 0,
        });
        let last = to.min(Pos {
            day: ordinal(end),
            j: 0,
        });
        while pos < last && out.len() < limit {
            let Some(day) = from_ordinal(pos.day) else {
                break;
            };
            let count = self.count(data, day);
            let stop = if pos.day == last.day {
                last.j.min(count)
            } else {
                count
            };
            while pos.j < stop && out.len() < limit {
                out.push((pos, self.time(data, day, pos.j, count)));
                pos.j += 1;
            }
            if pos.j >= stop && pos.day < last.day {
                pos = Pos {
                    day: pos.day + 1,
                    j: 0,
                };
            } else if pos.j >= stop {
                break;
            }
        }
        out
    }

    /// How many events lie in `[from, to)`.
    pub(super) fn count_between(&self, data: &Dataset, from: Pos, to: Pos) -> usize {
        let (first, end) = Self::span(data);
        let (a, b) = (from.day.max(ordinal(first)), to.day.min(ordinal(end) - 1));
        let mut total = 0usize;
        for d in a..=b {
            let Some(day) = from_ordinal(d) else { continue };
            let count = self.count(data, day);
            let lo = if d == from.day { from.j.min(count) } else { 0 };
            let hi = if d == to.day { to.j.min(count) } else { count };
            total += hi.saturating_sub(lo) as usize;
        }
        total
    }

    /// A hash of event `pos`, for its fields.
    pub(super) fn draw(&self, data: &Dataset, pos: Pos, salt: u64) -> u64 {
        hash(data.config().seed ^ self.salt, key_of(pos), salt)
    }
}

pub(super) fn ordinal(day: NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(&day)
}

pub(super) fn from_ordinal(d: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(d)
}

fn key(day: NaiveDate, j: u32) -> u64 {
    key_of(Pos {
        day: ordinal(day),
        j,
    })
}

fn key_of(pos: Pos) -> u64 {
    ((pos.day as u64) << 32) | u64::from(pos.j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DataConfig;

    #[test]
    fn walking_a_window_matches_its_count_and_is_sorted() {
        let data = Dataset::new(DataConfig::default());
        let stream = Stream::new(9, 40);
        let start = NaiveDate::from_ymd_opt(2023, 12, 30)
            .unwrap()
            .and_hms_opt(13, 0, 0)
            .unwrap();
        let stop = NaiveDate::from_ymd_opt(2024, 1, 4)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        let (from, to) = stream.bounds(&data, start, stop);
        let all = stream.walk(&data, from, to, usize::MAX);
        assert_eq!(all.len(), stream.count_between(&data, from, to));
        assert!(all.windows(2).all(|w| w[0].1 < w[1].1));
        assert!(all.iter().all(|(_, t)| *t >= start && *t < stop));
        // Paging by position gives the same events.
        let mut paged = Vec::new();
        let mut pos = from;
        loop {
            let page = stream.walk(&data, pos, to, 7);
            let Some((last, _)) = page.last() else { break };
            pos = Pos {
                day: last.day,
                j: last.j + 1,
            };
            paged.extend(page);
        }
        assert_eq!(paged, all);
    }
}
