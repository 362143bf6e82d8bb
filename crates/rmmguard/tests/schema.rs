//! The wire schema is what the output is: real hunt output (findings and
//! incidents as JSON lines, from the example evidence with a policy, and
//! from generated multi-site evidence) validates against `schema/*.json`,
//! the schema's fact names are exactly the code's, and records read back.

mod common;

use std::fs;

use common::{detector, repo, run_sites};
use rmmguard::findings::wire::{FindingRecord, IncidentRecord, SCHEMA_VERSION};
use rmmguard::findings::{FactKey, Finding};
use rmmguard::sinks::{Sink, incidents::Incidents, jsonl::Findings};
use serde_json::Value;

fn schema(name: &str) -> jsonschema::Validator {
    let path = repo().join("schema").join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::draft202012::new(&schema).expect("schema compiles")
}

fn lines(sink: &dyn Sink, hunt: &rmmguard::Hunt) -> Vec<Value> {
    let mut out = Vec::new();
    sink.write(&hunt.view(), &mut out).expect("write");
    String::from_utf8(out)
        .expect("UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

fn assert_valid(validator: &jsonschema::Validator, records: &[Value]) {
    for record in records {
        let errors: Vec<String> = validator
            .iter_errors(record)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}\n{record:#}");
    }
}

#[test]
fn hunt_output_validates_against_the_schemas() {
    let policy = fs::read_to_string(repo().join("examples/policy.toml")).expect("policy");
    let root = repo().join("examples/evidence/jsonl");
    let hunt = run_sites(std::slice::from_ref(&root), &detector(Some(&policy)), 2);
    let findings = lines(&Findings, &hunt);
    let incidents = lines(&Incidents, &hunt);
    assert_eq!(findings.len(), hunt.report.findings.len());
    assert_eq!(incidents.len(), hunt.incidents.len());
    assert!(incidents.len() >= 3, "the example has three incidents");
    assert_valid(&schema("finding.schema.json"), &findings);
    assert_valid(&schema("incident.schema.json"), &incidents);
    // Every record reads back into the same finding.
    for (value, finding) in findings.iter().zip(&hunt.report.findings) {
        let record: FindingRecord = serde_json::from_value(value.clone()).expect("record");
        assert_eq!(record.schema_version, SCHEMA_VERSION);
        let back = Finding::try_from(record).expect("known rule");
        assert_eq!(back.rule.id, finding.rule.id);
        assert_eq!(back.summary, finding.summary);
        assert_eq!(back.evidence.len(), finding.evidence.len());
    }
    for value in &incidents {
        serde_json::from_value::<IncidentRecord>(value.clone()).expect("incident record");
    }
}

/// Finding ids name findings: unique within a run, and the same whatever the
/// thread count (so a store or a SIEM can update by them).
#[test]
fn finding_ids_are_unique_and_do_not_depend_on_threads() {
    let policy = fs::read_to_string(repo().join("examples/policy.toml")).expect("policy");
    let detector = detector(Some(&policy));
    let root = repo().join("examples/evidence");
    let ids = |threads| {
        let hunt = run_sites(std::slice::from_ref(&root), &detector, threads);
        let mut ids: Vec<(String, &'static str)> = hunt
            .report
            .findings
            .iter()
            .map(|f| (f.id.clone(), f.rule.id))
            .collect();
        ids.sort();
        ids
    };
    let one = ids(1);
    assert!(
        one.len() >= 10,
        "the examples give a dozen findings or more"
    );
    let mut unique: Vec<&String> = one.iter().map(|(id, _)| id).collect();
    unique.dedup();
    assert_eq!(unique.len(), one.len(), "duplicate ids in {one:?}");
    assert_eq!(one, ids(2));
}

#[test]
fn the_schemas_reject_what_the_code_never_writes() {
    let validator = schema("finding.schema.json");
    let policy = fs::read_to_string(repo().join("examples/policy.toml")).expect("policy");
    let root = repo().join("examples/evidence/jsonl");
    let hunt = run_sites(std::slice::from_ref(&root), &detector(Some(&policy)), 1);
    let good = lines(&Findings, &hunt).remove(0);
    assert!(validator.is_valid(&good));
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut record = good.clone();
        edit(&mut record);
        validator.is_valid(&record)
    };
    assert!(!broken(&|r| r["schema_version"] = 1.into()));
    assert!(!broken(&|r| r["severity"] = "urgent".into()));
    assert!(!broken(
        &|r| r["facts"]["tls.ja3"] = serde_json::json!(["x"])
    ));
    assert!(!broken(&|r| r["facts"]["rmm.tenant"] = "not a list".into()));
    assert!(!broken(&|r| {
        r.as_object_mut().expect("object").remove("stage");
    }));
}

#[test]
fn schema_fact_names_are_the_codes() {
    let path = repo().join("schema/finding.schema.json");
    let schema: Value =
        serde_json::from_str(&fs::read_to_string(path).expect("schema")).expect("JSON");
    let listed: Vec<&str> = schema["properties"]["facts"]["propertyNames"]["enum"]
        .as_array()
        .expect("fact names are an enum")
        .iter()
        .map(|v| v.as_str().expect("string"))
        .collect();
    let known: Vec<&str> = FactKey::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        listed, known,
        "schema/finding.schema.json lists other fact names than FactKey"
    );
    let doc = fs::read_to_string(repo().join("docs/SCHEMA.md")).expect("docs/SCHEMA.md");
    for name in known {
        assert!(
            doc.contains(&format!("| `{name}` |")),
            "docs/SCHEMA.md does not document {name}"
        );
    }
}
