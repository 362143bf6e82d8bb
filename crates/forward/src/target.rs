//! What every receiver kind implements: deliver one batch and say which
//! records went, which must go again, and which were refused for good.

use crate::Item;

/// One receiver kind's delivery of batches.
pub trait Target: Send {
    /// Sends one batch (at most the configured batch size).
    fn deliver(&mut self, batch: &[Item]) -> Delivery;

    /// Whether this target wants the record at all, beyond the configured
    /// least severity (which the forwarder applies to every target).
    fn accepts(&self, _item: &Item) -> bool {
        true
    }
}

/// How a batch went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Every record was taken, except those `rejected` for good.
    Done {
        /// (index in the batch, why).
        rejected: Vec<(usize, String)>,
    },
    /// Some records were taken; `retry` (indices, in order) must go again.
    Partial {
        /// Indices to send again.
        retry: Vec<usize>,
        /// (index, why) refused for good.
        rejected: Vec<(usize, String)>,
        /// What went wrong with the rest.
        why: String,
    },
    /// Nothing is known to have been taken.
    Failed {
        /// Whether a later try may succeed (else the batch is refused for good).
        retryable: bool,
        /// What went wrong.
        why: String,
    },
}

impl Delivery {
    /// Everything taken.
    pub fn done() -> Delivery {
        Delivery::Done {
            rejected: Vec::new(),
        }
    }

    /// Nothing taken; may work later.
    pub fn failed(why: impl Into<String>) -> Delivery {
        Delivery::Failed {
            retryable: true,
            why: why.into(),
        }
    }
}
