//! The controls error type: which target failed, and why.

/// Controls that could not be generated.
#[derive(Debug, thiserror::Error)]
#[error("{target}: {kind}")]
pub struct Error {
    target: &'static str,
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An option does not suit the target (a sinkhole of the wrong family, a bad group name).
    #[error("{0}")]
    BadOption(String),
    /// The sid range is too small for the rules to generate.
    #[error("{rules} rules do not fit in the sid range {base}..{end}: raise --sid-span")]
    SidRangeFull {
        /// Rules that needed a sid.
        rules: usize,
        /// First sid of the range.
        base: u32,
        /// One past the last sid of the range.
        end: u64,
    },
}

impl Error {
    pub(crate) fn new(target: &'static str, kind: ErrorKind) -> Error {
        Error { target, kind }
    }

    /// The target (format) that failed.
    pub fn target(&self) -> &'static str {
        self.target
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}
