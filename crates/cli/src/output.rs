//! Where outputs go: a file, or standard output for `-`.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};

/// Writes an output to `path`, or to stdout for `-`, flushing before it
/// returns so a full disk is an error, not a short file.
pub fn write_to(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    if path == Path::new("-") {
        let stdout = io::stdout();
        let mut out = stdout.lock();
        write(&mut out).context("cannot write to stdout")?;
        return out.flush().context("cannot write to stdout");
    }
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = BufWriter::new(file);
    write(&mut out).with_context(|| format!("cannot write {}", path.display()))?;
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}
