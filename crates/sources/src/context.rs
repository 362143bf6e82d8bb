//! What every reader is handed besides its input: the [`ReadContext`]
//! (prefilter and network screen) and the [`EventSink`] its events go to.

use std::path::Path;
use std::sync::Arc;

use rmmguard_events::Event;

use crate::{Input, NetScreen, Ocr, Prefilter};

/// What every reader needs besides the input itself.
#[derive(Debug, Clone, Default)]
pub struct ReadContext<'a> {
    /// Skip raw records that contain no needle (`None`: parse everything).
    pub prefilter: Option<&'a Prefilter>,
    /// Skip sensor records no network rule could flag (used only together
    /// with the prefilter, which judges their names).
    pub screen: Option<&'a NetScreen>,
    /// Read the text of mail images with OCR (`None`: images are not read).
    pub ocr: Option<&'a Ocr>,
}

/// Where readers hand their events: stamps the input's site on each and
/// forwards it to the caller's callback.
pub(crate) struct EventSink<'a> {
    input: &'a Input,
    emit: &'a mut dyn FnMut(Event),
}

impl<'a> EventSink<'a> {
    /// A sink for the events of `input`.
    pub fn new(input: &'a Input, emit: &'a mut dyn FnMut(Event)) -> Self {
        EventSink { input, emit }
    }

    /// Hands an event on, with the input's site unless it has one.
    pub fn event(&mut self, mut event: Event) {
        if event.meta.site.is_none() {
            event.meta.site = self.input.site.clone();
        }
        (self.emit)(event);
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.input.path
    }

    /// The file being read, shared.
    pub fn shared_path(&self) -> Arc<Path> {
        Arc::clone(&self.input.path)
    }
}
