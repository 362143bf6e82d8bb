//! Policy errors and diagnostics, each with a line and column.

use std::fmt;

/// A policy that could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The TOML itself is malformed.
    #[error("{0}")]
    Syntax(Diagnostic),
    /// The TOML is well-formed but breaks rules of the policy format: every
    /// error found, sorted by line and column (one per line when displayed).
    #[error("{}", join(.0))]
    Invalid(Vec<Diagnostic>),
}

fn join(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The policy cannot be used as written.
    Error,
    /// The policy works, but probably not as meant.
    Warning,
}

/// One problem in a policy file, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, and how to fix it where that is clear.
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn error(line: usize, column: usize, message: String) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            line,
            column,
            message,
        }
    }

    pub(crate) fn warning(line: usize, column: usize, message: String) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            line,
            column,
            message,
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `12:5: error: …`, the shape editors and CI annotate.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}: {severity}: {}",
            self.line, self.column, self.message
        )
    }
}
