//! Where a catalog fact comes from: a built-in catalog file, or a LOLRMM
//! import. `--explain` names it for every rule, and imported ports are left
//! out of the port blocks unless the operator opts in (`--imported-ports`).

use std::fmt;

use rmmguard_catalog::{Origin, Tool};

/// The origin of one catalog fact.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FactSource {
    /// Written by the rmmguard team: `catalog/<id>.toml`, compiled into the binary.
    Builtin {
        /// The file, relative to the repository root (`catalog/anydesk.toml`).
        file: String,
    },
    /// Converted from LOLRMM by `rmmguard catalog import`.
    Lolrmm {
        /// The LOLRMM files that describe the tool (`anydesk.yaml`), comma-separated.
        files: String,
    },
}

impl FactSource {
    /// Whether the fact came from a LOLRMM import.
    pub fn is_imported(&self) -> bool {
        matches!(self, FactSource::Lolrmm { .. })
    }
}

impl fmt::Display for FactSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactSource::Builtin { file } => write!(f, "built-in {file}"),
            FactSource::Lolrmm { files } if files.is_empty() => f.write_str("LOLRMM import"),
            FactSource::Lolrmm { files } => write!(f, "LOLRMM import {files}"),
        }
    }
}

/// Tells, for one tool, which of its facts are built in and which came
/// from an import: a widened built-in entry is compared with the built-in
/// entry of the same id.
#[derive(Debug, Clone)]
pub(crate) struct Sourcing {
    origin: Origin,
    builtin_file: String,
    lolrmm_files: String,
    /// The built-in entry of a widened tool (`None` otherwise).
    builtin: Option<Tool>,
}

impl Sourcing {
    pub fn new(tool: &Tool, builtin: Option<&Tool>) -> Sourcing {
        let lolrmm_files: Vec<String> = tool
            .lolrmm
            .iter()
            .map(|file| crate::text::comment_line(file))
            .collect();
        Sourcing {
            origin: tool.origin,
            builtin_file: format!("catalog/{}.toml", tool.id),
            lolrmm_files: lolrmm_files.join(", "),
            builtin: match tool.origin {
                Origin::BuiltinPlusLolrmm => builtin.cloned(),
                Origin::Builtin | Origin::Lolrmm => None,
            },
        }
    }

    /// The source of the value `value` of catalog field `field`.
    pub fn of(&self, field: &str, value: &str) -> FactSource {
        let builtin = FactSource::Builtin {
            file: self.builtin_file.clone(),
        };
        let imported = FactSource::Lolrmm {
            files: self.lolrmm_files.clone(),
        };
        match self.origin {
            Origin::Builtin => builtin,
            Origin::Lolrmm => imported,
            Origin::BuiltinPlusLolrmm => match &self.builtin {
                Some(base) if has_fact(base, field, value) => builtin,
                // Without the built-in entry to compare with, the fact counts
                // as imported: the cautious side (imported ports are not blocked).
                _ => imported,
            },
        }
    }
}

/// Whether `tool` holds `value` in `field` (the names [`crate::Reason`] uses).
fn has_fact(tool: &Tool, field: &str, value: &str) -> bool {
    let list: &[String] = match field {
        "network.ports" => {
            return tool
                .network
                .ports
                .iter()
                .any(|range| range.to_string() == value);
        }
        "network.domains" => &tool.network.domains,
        "network.addresses" => &tool.network.addresses,
        "network.tls.cert_subjects" => &tool.network.tls.cert_subjects,
        "network.tls.ja3" => &tool.network.tls.ja3,
        "binaries.names" => &tool.binaries.names,
        "binaries.original_file_names" => &tool.binaries.original_file_names,
        "binaries.products" => &tool.binaries.products,
        "binaries.signers" => &tool.binaries.signers,
        "install.services" => &tool.install.services,
        "install.installers" => &tool.install.installers,
        "tell" => {
            return tool.tells.iter().any(|tell| tell.all.join(" ") == value);
        }
        // Fields that are not catalog lists (tenants come from the policy).
        _ => return true,
    };
    list.iter().any(|own| own == value)
}
