//! Optional OCR of image attachments (`hunt --ocr`): the text of a picture
//! that carries a lure's phone number, read by Tesseract's command-line
//! program with limits on size, count and time.
//!
//! *Why the program and not a binding:* the Rust bindings (`leptess`,
//! `tesseract-rs`) link libtesseract and libleptonica and need their headers
//! and clang at build time, which every default build would pay for a
//! feature few runs turn on; and a call into the library cannot be
//! interrupted, while a child process past its time is killed. Debian's
//! `tesseract-ocr` package provides the program (`scripts/deps/mail.sh`).

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How images are read. Build one and hand it to the readers through
/// [`ReadContext::ocr`](crate::ReadContext).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ocr {
    /// The Tesseract program (`tesseract`, looked up on `PATH`).
    pub program: PathBuf,
    /// Tesseract language packs, `+`-joined (`eng`, `eng+deu`).
    pub languages: String,
    /// Wall-clock time for one image; past it the program is killed.
    pub timeout: Duration,
    /// Images larger than this (bytes) are not read.
    pub max_bytes: usize,
    /// Images read per message; the rest are noted, not read.
    pub max_images: usize,
}

impl Default for Ocr {
    fn default() -> Ocr {
        Ocr {
            program: PathBuf::from("tesseract"),
            languages: "eng".into(),
            timeout: Duration::from_secs(10),
            max_bytes: 8 << 20,
            max_images: 4,
        }
    }
}

/// Text kept from one image, in bytes.
const MAX_OCR_TEXT: u64 = 64 << 10;

/// Names temporary files uniquely within this process.
static NEXT_FILE: AtomicU64 = AtomicU64::new(0);

impl Ocr {
    /// The program's version line, to check it runs before a hunt starts.
    ///
    /// # Errors
    ///
    /// Why the program could not be run.
    pub fn version(&self) -> Result<String, String> {
        let output = Command::new(&self.program)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.program.display()))?;
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        match text.lines().next() {
            Some(line) if output.status.success() => Ok(line.trim().to_owned()),
            _ => Err(format!("{} --version failed", self.program.display())),
        }
    }

    /// The text of one image. Errors say why it was not read (too large,
    /// not an image Tesseract reads, the program failed or ran out of time).
    pub(crate) fn read(&self, bytes: &[u8]) -> Result<String, String> {
        if bytes.len() > self.max_bytes {
            return Err(format!(
                "{} bytes: over the {} MiB OCR limit, not read",
                bytes.len(),
                self.max_bytes >> 20
            ));
        }
        if !is_readable_image(bytes) {
            return Err("not a PNG, JPEG, GIF, BMP, TIFF or WebP image: not read by OCR".into());
        }
        let stem = std::env::temp_dir().join(format!(
            "rmmguard-ocr-{}-{}",
            std::process::id(),
            NEXT_FILE.fetch_add(1, Ordering::Relaxed)
        ));
        let image = stem.with_extension("img");
        let text_file = stem.with_extension("txt");
        let result = self.run(bytes, &image, &stem, &text_file);
        // Best effort: a file left behind in the temporary folder is harmless.
        let _ = std::fs::remove_file(&image);
        let _ = std::fs::remove_file(&text_file);
        result
    }

    fn run(
        &self,
        bytes: &[u8],
        image: &std::path::Path,
        stem: &std::path::Path,
        text_file: &std::path::Path,
    ) -> Result<String, String> {
        std::fs::write(image, bytes)
            .map_err(|e| format!("OCR: cannot write a temporary file: {e}"))?;
        let mut child = Command::new(&self.program)
            .arg(image)
            .arg(stem)
            .args(["-l", &self.languages, "--psm", "3"])
            // One thread per image: the hunt already runs a worker per core.
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("OCR: cannot run {}: {e}", self.program.display()))?;
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() > self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "OCR ran past {} s and was stopped",
                        self.timeout.as_secs()
                    ));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => return Err(format!("OCR: {e}")),
            }
        };
        if !status.success() {
            return Err(format!("OCR failed ({status})"));
        }
        let file = std::fs::File::open(text_file).map_err(|e| format!("OCR wrote no text: {e}"))?;
        let mut text = Vec::new();
        file.take(MAX_OCR_TEXT)
            .read_to_end(&mut text)
            .map_err(|e| format!("OCR: {e}"))?;
        Ok(String::from_utf8_lossy(&text).into_owned())
    }
}

/// Image formats Tesseract (through Leptonica) reads, by their magic bytes.
fn is_readable_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(b"\xFF\xD8\xFF")
        || bytes.starts_with(b"GIF87a")
        || bytes.starts_with(b"GIF89a")
        || bytes.starts_with(b"BM")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked_before_the_program_runs() {
        let ocr = Ocr {
            program: PathBuf::from("/nonexistent/tesseract"),
            max_bytes: 16,
            ..Ocr::default()
        };
        assert_eq!(
            ocr.read(&[0; 17]).unwrap_err(),
            "17 bytes: over the 0 MiB OCR limit, not read"
        );
        assert!(
            ocr.read(b"plain text")
                .unwrap_err()
                .starts_with("not a PNG")
        );
        assert!(
            ocr.read(b"\x89PNG\r\n\x1a\n")
                .unwrap_err()
                .starts_with("OCR: cannot run /nonexistent/tesseract")
        );
    }
}
