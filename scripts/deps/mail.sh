#!/usr/bin/env bash
# Installs what the mail OCR tests need, on Debian 12, as root: Tesseract's
# command-line program and its English data (`hunt --ocr` runs it on image
# attachments; tests/lure_corpus.rs reads generated picture lures with it).
# Idempotent and quiet: a second run installs nothing and prints one line.
# Usage: sudo bash scripts/deps/mail.sh
set -euo pipefail

log() { printf 'mail.sh: %s\n' "$*"; }

if command -v tesseract >/dev/null 2>&1; then
    log "tesseract present ($(tesseract --version 2>&1 | head -n 1))"
    exit 0
fi
log "installing Debian package: tesseract-ocr"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-eng >/dev/null
log "tesseract installed ($(tesseract --version 2>&1 | head -n 1))"
