//! Rules over mail (callback-phishing lures and their indicators): issue 5,
//! being built. Until then mail events are read and ignored.

use rmmguard_events::Mail;

use crate::inspect::Pass;

impl Pass<'_> {
    /// A mail message.
    pub(crate) fn mail(&mut self, _mail: &Mail) {}
}
