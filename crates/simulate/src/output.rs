//! Writing generated events: Winlogbeat-style JSON lines and EVTX files,
//! one file per host and channel, each with its own record numbering.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use rmmguard_evtx_writer::{EvtxWriter, Record};

use crate::event::{Channel, WinEvent};

/// Which formats to write. With both, each goes to its own subtree
/// (`jsonl/…` and `evtx/…`) so a hunt over one does not see the events twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// Winlogbeat (ECS) JSON lines, `<Channel>.jsonl`.
    pub jsonl: bool,
    /// EVTX, `<Channel>.evtx`.
    pub evtx: bool,
    /// Each site's network sensor, `<site>/network/`: a packet capture, Zeek
    /// TSV, Suricata EVE or Zeek JSON, one format per site in turn.
    pub network: bool,
    /// Each site's mail export, `<site>/mail/<user>/<message id>.eml`: the
    /// users' benign mail and the callback lures that start the chains.
    pub mail: bool,
}

/// The per-host writer: lazily opens one file per channel and format.
pub struct HostWriter {
    jsonl_dir: Option<PathBuf>,
    evtx_dir: Option<PathBuf>,
    jsonl: BTreeMap<Channel, (BufWriter<File>, u64)>,
    evtx: BTreeMap<Channel, EvtxWriter<BufWriter<File>>>,
    line: Vec<u8>,
    /// Bytes written so far (JSON lines; EVTX estimated by record size).
    pub bytes: u64,
    /// Events written so far.
    pub events: u64,
}

impl HostWriter {
    /// A writer for a host: JSON lines into `jsonl_dir`, EVTX into `evtx_dir`
    /// (each created if needed; `None` skips the format).
    pub fn new(jsonl_dir: Option<&Path>, evtx_dir: Option<&Path>) -> io::Result<HostWriter> {
        for dir in [jsonl_dir, evtx_dir].into_iter().flatten() {
            fs::create_dir_all(dir)?;
        }
        Ok(HostWriter {
            jsonl_dir: jsonl_dir.map(Path::to_path_buf),
            evtx_dir: evtx_dir.map(Path::to_path_buf),
            jsonl: BTreeMap::new(),
            evtx: BTreeMap::new(),
            line: Vec::with_capacity(4096),
            bytes: 0,
            events: 0,
        })
    }

    /// Writes one event in every selected format.
    pub fn write(&mut self, event: &WinEvent) -> io::Result<()> {
        self.events += 1;
        if let Some(dir) = &self.jsonl_dir {
            let (out, record) = match self.jsonl.entry(event.channel) {
                Entry::Occupied(entry) => entry.into_mut(),
                Entry::Vacant(entry) => {
                    let file =
                        File::create(dir.join(format!("{}.jsonl", event.channel.file_stem())))?;
                    entry.insert((BufWriter::with_capacity(1 << 20, file), 0))
                }
            };
            *record += 1;
            self.line.clear();
            winlogbeat_line(event, *record, &mut self.line);
            out.write_all(&self.line)?;
            self.bytes += self.line.len() as u64;
        }
        if let Some(dir) = &self.evtx_dir {
            let writer = match self.evtx.entry(event.channel) {
                Entry::Occupied(entry) => entry.into_mut(),
                Entry::Vacant(entry) => {
                    let file =
                        File::create(dir.join(format!("{}.evtx", event.channel.file_stem())))?;
                    entry.insert(EvtxWriter::new(BufWriter::with_capacity(1 << 20, file))?)
                }
            };
            let data: Vec<(&str, &str)> =
                event.data.iter().map(|(k, v)| (*k, v.as_str())).collect();
            writer.write(&record(event, &data))?;
            if self.jsonl_dir.is_none() {
                self.bytes += 120
                    + data
                        .iter()
                        .map(|(k, v)| 2 * (k.len() + v.len()) + 16)
                        .sum::<usize>() as u64;
            }
        }
        Ok(())
    }

    /// Flushes and closes every file.
    pub fn finish(self) -> io::Result<()> {
        for (_, (mut out, _)) in self.jsonl {
            out.flush()?;
        }
        for (_, writer) in self.evtx {
            writer.finish()?.flush()?;
        }
        Ok(())
    }
}

fn record<'a>(event: &'a WinEvent, data: &'a [(&'a str, &'a str)]) -> Record<'a> {
    let sysmon = event.channel == Channel::Sysmon;
    Record {
        provider: event.provider,
        provider_guid: event.provider_guid,
        event_id: event.event_id,
        qualifiers: event.qualifiers,
        version: if sysmon { 5 } else { 0 },
        level: 4,
        task: if sysmon { event.event_id } else { 0 },
        opcode: 0,
        keywords: 0x8000_0000_0000_0000,
        timestamp: event.time,
        process_id: 2_716,
        thread_id: 3_960,
        channel: event.channel.name(),
        computer: &event.computer,
        user_sid: sysmon.then_some("S-1-5-18"),
        data,
    }
}

/// One Winlogbeat (ECS) JSON line, written by hand: generation speed matters
/// at gigabyte sizes, and the shape is fixed.
fn winlogbeat_line(event: &WinEvent, record_id: u64, out: &mut Vec<u8>) {
    let time = event.time.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    out.extend_from_slice(b"{\"@timestamp\":\"");
    out.extend_from_slice(time.as_bytes());
    out.extend_from_slice(b"\",\"event\":{\"code\":\"");
    out.extend_from_slice(event.event_id.to_string().as_bytes());
    out.extend_from_slice(b"\",\"provider\":");
    string(event.provider, out);
    out.extend_from_slice(b",\"kind\":\"event\"},\"host\":{\"name\":");
    string(&event.computer, out);
    out.extend_from_slice(b"},\"winlog\":{\"channel\":");
    string(event.channel.name(), out);
    out.extend_from_slice(b",\"computer_name\":");
    string(&event.computer, out);
    out.extend_from_slice(b",\"event_id\":\"");
    out.extend_from_slice(event.event_id.to_string().as_bytes());
    out.extend_from_slice(b"\",\"provider_name\":");
    string(event.provider, out);
    out.extend_from_slice(b",\"record_id\":");
    out.extend_from_slice(record_id.to_string().as_bytes());
    out.extend_from_slice(b",\"event_data\":{");
    let mut unnamed = 0;
    for (i, (name, value)) in event.data.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if name.is_empty() {
            // Winlogbeat names unnamed <Data> elements param1, param2, …
            unnamed += 1;
            string(&format!("param{unnamed}"), out);
        } else {
            string(name, out);
        }
        out.push(b':');
        string(value, out);
    }
    out.extend_from_slice(b"}}}\n");
}

/// A JSON string literal.
fn string(text: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for &byte in text.as_bytes() {
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..=0x1f => out.extend_from_slice(format!("\\u{byte:04x}").as_bytes()),
            _ => out.push(byte),
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_are_valid_json() {
        let event = WinEvent {
            time: jiff::Timestamp::from_second(1_774_000_000).unwrap(),
            computer: "H.contoso.local".into(),
            channel: Channel::Application,
            provider: "ScreenConnect Client (x)",
            provider_guid: None,
            event_id: 200,
            qualifiers: None,
            data: vec![
                ("", "Executed command \"a\\b\"\n".into()),
                ("K", "v".into()),
            ],
        };
        let mut line = Vec::new();
        winlogbeat_line(&event, 3, &mut line);
        let value: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(
            value["winlog"]["event_data"]["param1"],
            "Executed command \"a\\b\"\n"
        );
        assert_eq!(value["winlog"]["record_id"], 3);
        assert_eq!(value["@timestamp"], "2026-03-20T09:46:40.000Z");
    }
}
