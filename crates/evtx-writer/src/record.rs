//! One event record as Windows lays it out: a record header, then BinXML that instantiates a
//! System template whose last value is an EventData fragment instantiating a template of its
//! own, then padding to 8 bytes and a copy of the record's size.
//!
//! A chunk defines each template the first time one of its records uses it. The System
//! template is keyed by the literal parts of the System element (provider, provider GUID,
//! channel, computer), the EventData template by the names of its `Data` elements.

use jiff::Timestamp;

use crate::Record;
use crate::binxml::{
    self, Content, EncodeError, Result, Values, close_empty, close_start, end_element,
    leaf_element, start_element, template_instance, value_type,
};
use crate::chunk::{CHUNK_SIZE, Chunk, put_u32};
use crate::sid::Sid;

const RECORD_MAGIC: &[u8; 4] = b"\x2a\x2a\0\0";
const EVENT_NAMESPACE: &str = "http://schemas.microsoft.com/win/2004/08/events/event";
/// 100-nanosecond intervals from 1601-01-01 (the FILETIME epoch) to 1970-01-01.
const FILETIME_UNIX_EPOCH: i128 = 116_444_736_000_000_000;

/// The System template's values, numbered as Windows numbers them. Windows leaves 13 to 17
/// null in the records it writes, and so does this crate.
mod slot {
    pub(crate) const LEVEL: u16 = 0;
    pub(crate) const OPCODE: u16 = 1;
    pub(crate) const TASK: u16 = 2;
    pub(crate) const EVENT_ID: u16 = 3;
    pub(crate) const QUALIFIERS: u16 = 4;
    pub(crate) const KEYWORDS: u16 = 5;
    pub(crate) const TIME_CREATED: u16 = 6;
    pub(crate) const ACTIVITY_ID: u16 = 7;
    pub(crate) const PROCESS_ID: u16 = 8;
    pub(crate) const THREAD_ID: u16 = 9;
    pub(crate) const EVENT_RECORD_ID: u16 = 10;
    pub(crate) const VERSION: u16 = 11;
    pub(crate) const USER_ID: u16 = 12;
    pub(crate) const RELATED_ACTIVITY_ID: u16 = 18;
    pub(crate) const EVENT_DATA: u16 = 19;
    pub(crate) const COUNT: u16 = 20;
}

/// Appends `record` with the ID `id` to `chunk`. On error the chunk is as it was.
///
/// # Errors
///
/// [`EncodeError::ChunkFull`] when the record does not fit in the rest of the chunk, and
/// [`EncodeError::Invalid`] when it holds what EVTX cannot store.
pub(crate) fn append(chunk: &mut Chunk, record: &Record<'_>, id: u64) -> Result<()> {
    let mark = chunk.mark();
    let result = encode(chunk, record, id).and_then(|()| stop_when_full(chunk));
    match result {
        Ok(()) => chunk.commit(&mark, id),
        Err(_) => chunk.rollback(mark),
    }
    result
}

fn encode(chunk: &mut Chunk, record: &Record<'_>, id: u64) -> Result<()> {
    let filetime = filetime(record.timestamp)?;
    let user_sid = match record.user_sid {
        Some(text) => Some(Sid::parse(text).ok_or_else(|| {
            EncodeError::Invalid(format!("user SID {text:?} is not a SID (S-1-5-18, …)"))
        })?),
        None => None,
    };

    let start = chunk.buf.len();
    chunk.buf.extend_from_slice(RECORD_MAGIC);
    let size_at = chunk.buf.len();
    chunk.buf.extend_from_slice(&[0; 4]);
    chunk.buf.extend_from_slice(&id.to_le_bytes());
    chunk.buf.extend_from_slice(&filetime.to_le_bytes());

    binxml::fragment_header(&mut chunk.buf);
    system_key(&mut chunk.key, record);
    template_instance(chunk, |chunk| define_system(chunk, record))?;
    system_values(chunk, record, id, filetime, user_sid.as_ref())?;
    binxml::end_of_stream(&mut chunk.buf);

    // Windows pads a record to a multiple of 8 bytes before the copy of its size.
    let size = (chunk.buf.len() - start + 4).next_multiple_of(8);
    chunk.buf.resize(start + size - 4, 0);
    let size = u32::try_from(size).map_err(|_| EncodeError::ChunkFull)?;
    chunk.buf.extend_from_slice(&size.to_le_bytes());
    put_u32(&mut chunk.buf, size_at, size);
    Ok(())
}

/// A timestamp as a FILETIME, in 100-nanosecond intervals since 1601-01-01 (finer digits are
/// dropped).
fn filetime(timestamp: Timestamp) -> Result<u64> {
    let intervals = timestamp.as_nanosecond().div_euclid(100) + FILETIME_UNIX_EPOCH;
    u64::try_from(intervals).map_err(|_| {
        EncodeError::Invalid(format!(
            "timestamp {timestamp} is before 1601-01-01, the earliest a FILETIME holds"
        ))
    })
}

fn system_key(key: &mut Vec<u8>, record: &Record<'_>) {
    key.clear();
    key.push(b'S');
    push_field(key, record.provider);
    match record.provider_guid {
        Some(guid) => {
            key.push(b'G');
            push_field(key, guid);
        }
        None => key.push(b'N'),
    }
    push_field(key, record.channel);
    push_field(key, record.computer);
}

fn event_data_key(key: &mut Vec<u8>, data: &[(&str, &str)]) {
    key.clear();
    key.push(b'D');
    for (name, _) in data {
        push_field(key, name);
    }
}

/// Appends `field` after its length, so that no two lists of fields give the same key.
fn push_field(key: &mut Vec<u8>, field: &str) {
    key.extend_from_slice(&(field.len() as u64).to_le_bytes());
    key.extend_from_slice(field.as_bytes());
}

/// An optional substitution of the System template's value `index`.
fn system_value(index: u16, value_type: u8) -> Content<'static> {
    Content::Substitution {
        index,
        value_type,
        optional: true,
    }
}

/// `<Event xmlns=…><System>…</System>{EventData}</Event>`, with the System template's values
/// substituted into System and its last value, an EventData fragment, after it.
fn define_system(chunk: &mut Chunk, record: &Record<'_>) -> Result<()> {
    let event = start_element(
        chunk,
        "Event",
        None,
        &[("xmlns", Content::Text(EVENT_NAMESPACE))],
    )?;
    close_start(&mut chunk.buf, &event);
    let system = start_element(chunk, "System", None, &[])?;
    close_start(&mut chunk.buf, &system);

    let provider = [
        ("Name", Content::Text(record.provider)),
        (
            "Guid",
            Content::Text(record.provider_guid.unwrap_or_default()),
        ),
    ];
    let provider = match record.provider_guid {
        Some(_) => &provider[..],
        None => &provider[..1],
    };
    leaf_element(chunk, "Provider", None, provider, None)?;
    leaf_element(
        chunk,
        "EventID",
        Some(slot::EVENT_ID),
        &[(
            "Qualifiers",
            system_value(slot::QUALIFIERS, value_type::UINT16),
        )],
        Some(system_value(slot::EVENT_ID, value_type::UINT16)),
    )?;
    let numbers = [
        ("Version", slot::VERSION, value_type::UINT8),
        ("Level", slot::LEVEL, value_type::UINT8),
        ("Task", slot::TASK, value_type::UINT16),
        ("Opcode", slot::OPCODE, value_type::UINT8),
        ("Keywords", slot::KEYWORDS, value_type::HEX_INT64),
    ];
    for (name, index, value_type) in numbers {
        let value = system_value(index, value_type);
        leaf_element(chunk, name, Some(index), &[], Some(value))?;
    }
    let time = system_value(slot::TIME_CREATED, value_type::FILETIME);
    leaf_element(chunk, "TimeCreated", None, &[("SystemTime", time)], None)?;
    let record_id = system_value(slot::EVENT_RECORD_ID, value_type::UINT64);
    leaf_element(
        chunk,
        "EventRecordID",
        Some(slot::EVENT_RECORD_ID),
        &[],
        Some(record_id),
    )?;
    let correlation = [
        (
            "ActivityID",
            system_value(slot::ACTIVITY_ID, value_type::GUID),
        ),
        (
            "RelatedActivityID",
            system_value(slot::RELATED_ACTIVITY_ID, value_type::GUID),
        ),
    ];
    leaf_element(chunk, "Correlation", None, &correlation, None)?;
    let execution = [
        (
            "ProcessID",
            system_value(slot::PROCESS_ID, value_type::UINT32),
        ),
        (
            "ThreadID",
            system_value(slot::THREAD_ID, value_type::UINT32),
        ),
    ];
    leaf_element(chunk, "Execution", None, &execution, None)?;
    leaf_element(chunk, "Channel", None, &[], text(record.channel))?;
    leaf_element(chunk, "Computer", None, &[], text(record.computer))?;
    let user = system_value(slot::USER_ID, value_type::SID);
    leaf_element(chunk, "Security", None, &[("UserID", user)], None)?;
    end_element(&mut chunk.buf, system);

    binxml::content(
        &mut chunk.buf,
        system_value(slot::EVENT_DATA, value_type::BINXML),
    )?;
    end_element(&mut chunk.buf, event);
    Ok(())
}

/// Literal text, or none for an empty string (an empty element).
fn text(text: &str) -> Option<Content<'_>> {
    (!text.is_empty()).then_some(Content::Text(text))
}

/// The System template's values, in the order of their indices.
fn system_values(
    chunk: &mut Chunk,
    record: &Record<'_>,
    id: u64,
    filetime: u64,
    user_sid: Option<&Sid>,
) -> Result<()> {
    use value_type::{FILETIME, HEX_INT64, SID, UINT8, UINT16, UINT32, UINT64};

    let mut values = Values::start(&mut chunk.buf, slot::COUNT);
    let buf = &mut chunk.buf;
    values.int(buf, UINT8, [record.level])?;
    values.int(buf, UINT8, [record.opcode])?;
    values.int(buf, UINT16, record.task.to_le_bytes())?;
    values.int(buf, UINT16, record.event_id.to_le_bytes())?;
    match record.qualifiers {
        Some(qualifiers) => values.int(buf, UINT16, qualifiers.to_le_bytes())?,
        None => values.null(buf)?,
    }
    values.int(buf, HEX_INT64, record.keywords.to_le_bytes())?;
    values.int(buf, FILETIME, filetime.to_le_bytes())?;
    values.null(buf)?; // ActivityID
    values.int(buf, UINT32, record.process_id.to_le_bytes())?;
    values.int(buf, UINT32, record.thread_id.to_le_bytes())?;
    values.int(buf, UINT64, id.to_le_bytes())?;
    values.int(buf, UINT8, [record.version])?;
    match user_sid {
        Some(sid) => values.bytes(buf, SID, sid.as_bytes())?,
        None => values.null(buf)?,
    }
    for _ in slot::USER_ID + 1..=slot::RELATED_ACTIVITY_ID {
        values.null(buf)?;
    }

    let start = chunk.buf.len();
    event_data(chunk, record.data)?;
    values.close(&mut chunk.buf, value_type::BINXML, start)
}

/// The EventData fragment: an instance of the template for `data`'s names, with its values.
fn event_data(chunk: &mut Chunk, data: &[(&str, &str)]) -> Result<()> {
    let count = u16::try_from(data.len()).map_err(|_| {
        EncodeError::Invalid(format!(
            "{} data items are more than a template holds ({})",
            data.len(),
            u16::MAX
        ))
    })?;
    binxml::fragment_header(&mut chunk.buf);
    event_data_key(&mut chunk.key, data);
    template_instance(chunk, |chunk| define_event_data(chunk, data))?;
    let mut values = Values::start(&mut chunk.buf, count);
    for (_, value) in data {
        values.string(&mut chunk.buf, value)?;
        stop_when_full(chunk)?;
    }
    binxml::end_of_stream(&mut chunk.buf);
    Ok(())
}

/// `<EventData><Data Name="…">{i}</Data>…</EventData>`, where an empty name gives a `Data`
/// element without a `Name` attribute.
fn define_event_data(chunk: &mut Chunk, data: &[(&str, &str)]) -> Result<()> {
    let event_data = start_element(chunk, "EventData", None, &[])?;
    if data.is_empty() {
        close_empty(&mut chunk.buf, event_data);
        return Ok(());
    }
    close_start(&mut chunk.buf, &event_data);
    for (index, (name, _)) in (0u16..).zip(data) {
        let value = Content::Substitution {
            index,
            value_type: value_type::STRING,
            optional: false,
        };
        let attributes = [("Name", Content::Text(name))];
        let attributes = match name.is_empty() {
            true => &attributes[..0],
            false => &attributes[..],
        };
        leaf_element(chunk, "Data", None, attributes, Some(value))?;
        stop_when_full(chunk)?;
    }
    end_element(&mut chunk.buf, event_data);
    Ok(())
}

/// Stops encoding once the record is past the end of the chunk, which also bounds how far
/// the buffer grows past it.
fn stop_when_full(chunk: &Chunk) -> Result<()> {
    match chunk.buf.len() > CHUNK_SIZE {
        true => Err(EncodeError::ChunkFull),
        false => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filetime_counts_from_1601() {
        let check = |text: &str, expected: Option<u64>| {
            let timestamp: Timestamp = text.parse().unwrap();
            assert_eq!(filetime(timestamp).ok(), expected, "{text}");
        };
        check("1970-01-01T00:00:00Z", Some(116_444_736_000_000_000));
        check("1601-01-01T00:00:00Z", Some(0));
        // A real record's header: 2019-05-26T04:01:42.3855056Z.
        check("2019-05-26T04:01:42.38550569Z", Some(0x01d5_1377_ba3c_69d0));
        check("1600-12-31T23:59:59.9999999Z", None);
    }

    #[test]
    fn keys_tell_field_lists_apart() {
        let mut first = Vec::new();
        let mut second = Vec::new();
        event_data_key(&mut first, &[("ab", ""), ("c", "")]);
        event_data_key(&mut second, &[("a", ""), ("bc", "")]);
        assert_ne!(first, second);
        let record = Record {
            provider: "P",
            ..Record::default()
        };
        system_key(&mut first, &record);
        let record = Record {
            provider_guid: Some(""),
            ..record
        };
        system_key(&mut second, &record);
        assert_ne!(first, second);
    }

    #[test]
    fn a_failed_record_leaves_the_chunk_as_it_was() {
        let mut chunk = Chunk::default();
        let record = Record {
            provider: "P",
            channel: "System",
            ..Record::default()
        };
        append(&mut chunk, &record, 1).unwrap();
        let before = chunk.buf.clone();
        let bad = Record {
            provider: "Other",
            user_sid: Some("nobody"),
            ..record
        };
        assert!(matches!(
            append(&mut chunk, &bad, 2),
            Err(EncodeError::Invalid(_))
        ));
        assert_eq!(chunk.buf, before);
        let long = "x".repeat(30_000);
        let data = [("A", long.as_str()), ("B", long.as_str())];
        let big = Record {
            provider: "Other",
            data: &data,
            ..record
        };
        assert!(matches!(
            append(&mut chunk, &big, 2),
            Err(EncodeError::ChunkFull)
        ));
        assert_eq!(chunk.buf, before);
        assert_eq!(chunk.buf.len() % 8, 0);
    }
}
