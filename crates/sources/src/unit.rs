//! Units of parallel work: [`plan`] splits every input into [`Unit`]s, byte
//! ranges that workers read on their own.

use crate::{Format, Input};

/// A piece of an input that one worker reads: a byte range of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// Index of the input in the `inputs` slice given to [`plan`].
    pub input: usize,
    /// First byte (for EVTX: a chunk boundary).
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
}

/// How a format's files split into units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Split {
    /// Ranges of whole EVTX chunks.
    Chunks,
    /// Byte ranges; a line belongs to the range its first byte is in.
    Lines,
    /// Byte ranges; a message belongs to the range its `From ` line is in.
    #[cfg(feature = "mail")]
    Messages,
    /// The file is read whole, as one stream.
    Whole,
}

impl Split {
    /// How `input` splits: only plain, UTF-8, regular files split at all.
    pub fn of(input: &Input) -> Split {
        if !input.is_seekable() {
            return Split::Whole;
        }
        match input.format {
            Format::Evtx => Split::Chunks,
            Format::EventJson => Split::Lines,
            #[cfg(feature = "mail")]
            Format::Mbox => Split::Messages,
            _ => Split::Whole,
        }
    }
}

/// Splits inputs into units of about `unit_bytes` that can be read in
/// parallel: EVTX files by chunk ranges, plain JSON-lines files and mboxes
/// by byte ranges; compressed files, streams, converted text and the other
/// formats stay whole.
pub fn plan(inputs: &[Input], unit_bytes: u64) -> Vec<Unit> {
    let mut units = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        match Split::of(input) {
            Split::Chunks => units.extend(crate::windows::evtx::plan(index, input.len, unit_bytes)),
            #[cfg(feature = "mail")]
            Split::Messages => units.extend(crate::mail::plan(index, input.len, unit_bytes)),
            Split::Lines if input.len > unit_bytes => {
                let step = unit_bytes.max(1);
                let mut start = 0;
                while start < input.len {
                    let end = (start + step).min(input.len);
                    units.push(Unit {
                        input: index,
                        start,
                        end,
                    });
                    start = end;
                }
            }
            _ => units.push(Unit {
                input: index,
                start: 0,
                end: input.len,
            }),
        }
    }
    units
}
