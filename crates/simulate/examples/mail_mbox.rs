//! Writes the benchmark mailbox: an mbox of N generated messages (default
//! 100 000), one lure in every 100 (body, PDF and calendar in turn), the
//! rest benign.
//!
//! ```sh
//! cargo run --release -p rmmguard-simulate --example mail_mbox -- /tmp/mail-100k.mbox 100000 42
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        eprintln!("usage: mail_mbox OUT.mbox [MESSAGES=100000] [SEED=42] [LURE_EVERY=100]");
        return ExitCode::from(2);
    };
    let mut number = |default: u64| args.next().and_then(|a| a.parse().ok()).unwrap_or(default);
    let (count, seed, lure_every) = (number(100_000), number(42), number(100));
    match rmmguard_simulate::mail::write_mbox(&path, seed, count, lure_every) {
        Ok(summary) => {
            println!(
                "{}: {} messages ({} lures), {} bytes",
                path.display(),
                summary.messages,
                summary.lures,
                summary.bytes
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cannot write {}: {error}", path.display());
            ExitCode::from(2)
        }
    }
}
