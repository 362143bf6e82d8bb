//! The bounded reorder buffer: events may arrive out of order by up to a
//! window of event time, and leave in time order.
//!
//! An event is held until the stream has shown an event `window` seconds
//! newer, so any event that arrives at most `window` late still leaves in
//! order. One that arrives later still is released at once and counted as
//! late; the state absorbs it (see [`crate::state`]). Ties keep arrival
//! order, so the same input always yields the same sequence.
//!
//! Input is nearly sorted, so the buffer is a deque kept in order by
//! inserting from the back: O(1) for an in-order event, O(distance) for a
//! late one, never more than the window holds.

use std::cmp::Ordering;
use std::collections::VecDeque;

use crate::event::Event;

/// Events waiting for their window to pass.
#[derive(Debug, Clone, Default)]
pub struct Reorder {
    window: i64,
    held: VecDeque<Held>,
    seq: u64,
    max_ts: i64,
    released: i64,
    late: u64,
}

/// An event in the buffer, ordered by time then arrival.
#[derive(Debug, Clone, Copy)]
pub struct Held {
    /// Arrival number, for stable order among equal times.
    pub seq: u64,
    /// The event.
    pub event: Event,
}

impl PartialEq for Held {
    fn eq(&self, other: &Held) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Held {}

impl PartialOrd for Held {
    fn partial_cmp(&self, other: &Held) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Held {
    fn cmp(&self, other: &Held) -> Ordering {
        (self.event.ts, self.seq).cmp(&(other.event.ts, other.seq))
    }
}

impl Reorder {
    /// A buffer that tolerates events up to `window` seconds late.
    pub fn new(window: i64) -> Reorder {
        Reorder {
            window: window.max(0),
            max_ts: i64::MIN,
            released: i64::MIN,
            ..Reorder::default()
        }
    }

    /// Adds an event; then call [`Reorder::pop_ready`] until it returns `None`.
    pub fn push(&mut self, event: Event) {
        if event.ts < self.released {
            self.late += 1;
        }
        self.max_ts = self.max_ts.max(event.ts);
        let item = Held {
            seq: self.seq,
            event,
        };
        self.seq += 1;
        let mut position = self.held.len();
        while position > 0 && self.held[position - 1] > item {
            position -= 1;
        }
        self.held.insert(position, item);
    }

    /// The next event whose window has passed.
    pub fn pop_ready(&mut self) -> Option<Event> {
        let first = self.held.front()?;
        if first.event.ts > self.max_ts.saturating_sub(self.window) {
            return None;
        }
        self.pop()
    }

    /// The next event regardless of the window (end of input).
    pub fn pop(&mut self) -> Option<Event> {
        let held = self.held.pop_front()?;
        self.released = self.released.max(held.event.ts);
        Some(held.event)
    }

    /// Events that arrived later than the window allowed.
    pub fn late(&self) -> u64 {
        self.late
    }

    /// Events held now.
    pub fn len(&self) -> usize {
        self.held.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// The held events in release order, and the counters, for persistence.
    pub fn snapshot(&self) -> (Vec<Held>, [i64; 4]) {
        let held: Vec<Held> = self.held.iter().copied().collect();
        (
            held,
            [self.window, self.seq as i64, self.max_ts, self.released],
        )
    }

    /// Rebuilds a buffer from [`Reorder::snapshot`].
    pub fn restore(held: Vec<Held>, counters: [i64; 4], late: u64) -> Reorder {
        let [window, seq, max_ts, released] = counters;
        Reorder {
            window,
            held: held.into(),
            seq: seq as u64,
            max_ts,
            released,
            late,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventKind, SourceRef};

    fn event(ts: i64, line: u64) -> Event {
        Event {
            ts,
            tenant: Some(0),
            source: SourceRef::new(0, line),
            kind: EventKind::AbuseReport,
        }
    }

    fn run(window: i64, times: &[i64]) -> (Vec<u64>, u64) {
        let mut reorder = Reorder::new(window);
        let mut out = Vec::new();
        for (line, &ts) in times.iter().enumerate() {
            reorder.push(event(ts, line as u64 + 1));
            while let Some(event) = reorder.pop_ready() {
                out.push(event.source.line());
            }
        }
        while let Some(event) = reorder.pop() {
            out.push(event.source.line());
        }
        (out, reorder.late())
    }

    #[test]
    fn sorts_within_the_window() {
        assert_eq!(
            run(10, &[5, 3, 9, 1, 20, 15, 40]),
            (vec![4, 2, 1, 3, 6, 5, 7], 0)
        );
    }

    #[test]
    fn releases_too_late_events_at_once_and_counts_them() {
        // 1 arrives after 30 has released 5 and 9.
        assert_eq!(run(10, &[5, 9, 30, 1, 31]), (vec![1, 2, 4, 3, 5], 1));
    }

    #[test]
    fn ties_keep_arrival_order_and_zero_window_is_passthrough() {
        assert_eq!(run(10, &[7, 7, 7]).0, vec![1, 2, 3]);
        assert_eq!(run(0, &[3, 1, 2]), (vec![1, 2, 3], 2));
    }
}
