//! The OpenAPI 3.1 document of the API, built from the code: the route
//! table below (a test checks it names every route `http.rs` mounts), the
//! wire schemas of `schema/*.json` (the same files the output tests
//! validate against) and the answer shapes the handlers build.

use serde_json::{Map, Value, json};

/// One documented route.
struct Route {
    method: &'static str,
    path: &'static str,
    /// The role needed (`None`: open).
    role: Option<&'static str>,
    summary: &'static str,
    /// Query parameters: (name, schema type, description).
    query: &'static [(&'static str, &'static str, &'static str)],
    /// Request body: (media type, schema reference).
    body: Option<(&'static str, &'static str)>,
    /// Answer on success: (status, media type, schema reference).
    answer: (&'static str, &'static str, &'static str),
}

const FINDING_FILTERS: &[(&str, &str, &str)] = &[
    (
        "min_severity",
        "string",
        "info, low, medium, high or critical (default info)",
    ),
    ("rule", "string", "rule id, e.g. E005"),
    ("host", "string", "host name (any case)"),
    ("site", "string", "site"),
    ("tool", "string", "catalog tool id"),
    ("tenant", "string", "tenant, instance or relay"),
    (
        "current",
        "boolean",
        "false: also findings the latest judgement no longer produces",
    ),
    (
        "limit",
        "integer",
        "most findings returned (default 1000, at most 100000)",
    ),
];

const ROUTES: &[Route] = &[
    Route {
        method: "get",
        path: "/healthz",
        role: None,
        summary: "Liveness: `ok`",
        query: &[],
        body: None,
        answer: ("200", "text/plain", "Text"),
    },
    Route {
        method: "get",
        path: "/",
        role: Some("ingest or viewer"),
        summary: "Elasticsearch-style node information, for shippers that check the version",
        query: &[],
        body: None,
        answer: ("200", "application/json", "NodeInfo"),
    },
    Route {
        method: "post",
        path: "/api/v1/events",
        role: Some("ingest"),
        summary: "Ingest events: JSON lines, one object or an array; gzip accepted",
        query: &[],
        body: Some(("application/x-ndjson", "Text")),
        answer: ("200", "application/json", "EventsAnswer"),
    },
    Route {
        method: "post",
        path: "/_bulk",
        role: Some("ingest"),
        summary: "Elasticsearch bulk ingest (index and create actions)",
        query: &[],
        body: Some(("application/x-ndjson", "Text")),
        answer: ("200", "application/json", "BulkAnswer"),
    },
    Route {
        method: "post",
        path: "/{index}/_bulk",
        role: Some("ingest"),
        summary: "Elasticsearch bulk ingest into a named index",
        query: &[],
        body: Some(("application/x-ndjson", "Text")),
        answer: ("200", "application/json", "BulkAnswer"),
    },
    Route {
        method: "get",
        path: "/metrics",
        role: Some("viewer"),
        summary: "Counters and gauges in the Prometheus text format",
        query: &[],
        body: None,
        answer: ("200", "text/plain", "Text"),
    },
    Route {
        method: "get",
        path: "/api/v1/openapi.json",
        role: Some("viewer"),
        summary: "This document",
        query: &[],
        body: None,
        answer: ("200", "application/json", "Object"),
    },
    Route {
        method: "get",
        path: "/api/v1/findings",
        role: Some("viewer"),
        summary: "Stored findings, most severe and most recently changed first",
        query: FINDING_FILTERS,
        body: None,
        answer: ("200", "application/json", "FindingList"),
    },
    Route {
        method: "get",
        path: "/api/v1/incidents",
        role: Some("viewer"),
        summary: "Incidents, most recently changed first",
        query: &[(
            "status",
            "string",
            "comma-separated open, acknowledged, closed; or all (default open,acknowledged)",
        )],
        body: None,
        answer: ("200", "application/json", "IncidentList"),
    },
    Route {
        method: "get",
        path: "/api/v1/incidents/{number}",
        role: Some("viewer"),
        summary: "One incident with its log",
        query: &[],
        body: None,
        answer: ("200", "application/json", "StoredIncident"),
    },
    Route {
        method: "post",
        path: "/api/v1/incidents/{number}/acknowledge",
        role: Some("analyst"),
        summary: "Acknowledge (and take, if nobody has)",
        query: &[],
        body: None,
        answer: ("200", "application/json", "Done"),
    },
    Route {
        method: "post",
        path: "/api/v1/incidents/{number}/assign",
        role: Some("analyst"),
        summary: "Assign to someone",
        query: &[],
        body: Some(("application/json", "AssignBody")),
        answer: ("200", "application/json", "Done"),
    },
    Route {
        method: "post",
        path: "/api/v1/incidents/{number}/close",
        role: Some("analyst"),
        summary: "Close with a note saying why",
        query: &[],
        body: Some(("application/json", "CloseBody")),
        answer: ("200", "application/json", "Done"),
    },
];

/// The document.
pub(crate) fn document() -> Value {
    let mut paths = Map::new();
    for route in ROUTES {
        let entry = paths
            .entry(route.path.to_owned())
            .or_insert_with(|| json!({}));
        if let Some(methods) = entry.as_object_mut() {
            methods.insert(route.method.to_owned(), operation(route));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "rmmguard serve",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Ingest for shippers, and the findings and incidents of the live engine. Every route but /healthz needs a token (Bearer, ApiKey, or the password of Basic authentication); see docs/LIVE.md.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "basic": {"type": "http", "scheme": "basic"},
            },
            "schemas": schemas(),
        },
    })
}

fn operation(route: &Route) -> Value {
    let mut parameters: Vec<Value> = route
        .query
        .iter()
        .map(|(name, kind, description)| {
            json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": kind}})
        })
        .collect();
    for name in ["index", "number"] {
        if route.path.contains(&format!("{{{name}}}")) {
            let kind = if name == "number" {
                "integer"
            } else {
                "string"
            };
            parameters.push(
                json!({"name": name, "in": "path", "required": true, "schema": {"type": kind}}),
            );
        }
    }
    let (status, media, schema) = route.answer;
    let mut responses = json!({
        status: {"description": "done", "content": {media: {"schema": reference(schema)}}},
        "400": error("the request is malformed"),
        "401": error("no valid token"),
        "403": error("the token's role may not do this"),
    });
    if route.method == "post" && route.role == Some("ingest") {
        responses["413"] = error("body over max_body, or over max_decoded once gzip is undone");
        responses["429"] = error(
            "the engine is behind, or the token's request rate is over the limit; retry after Retry-After",
        );
        responses["503"] = error("too many ingest requests at once; retry after Retry-After");
    }
    if route.path.contains("{number}") {
        responses["404"] = error("no such incident");
    }
    if route.role.is_none() {
        for status in ["400", "401", "403"] {
            if let Some(map) = responses.as_object_mut() {
                map.remove(status);
            }
        }
    }
    let mut operation = json!({
        "summary": route.summary,
        "description": route.role.map_or("Open to all.".to_owned(), |role| format!("Role: {role}.")),
        "parameters": parameters,
        "responses": responses,
    });
    if route.role.is_some() {
        operation["security"] = json!([{"bearer": []}, {"basic": []}]);
    } else {
        operation["security"] = json!([]);
    }
    if let Some((media, schema)) = route.body {
        operation["requestBody"] =
            json!({"required": true, "content": {media: {"schema": reference(schema)}}});
    }
    operation
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn error(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": reference("Error")}}})
}

/// A wire schema file as a component, and its `$defs` as components of
/// their own (`evidence` becomes `FindingEvidence`), with references
/// rewritten: refs resolve against the document, not the file.
fn wire_schema(text: &str, prefix: &str, components: &mut Map<String, Value>) -> Value {
    let mut rewritten = text.to_owned();
    let parsed: Value = serde_json::from_str(text).unwrap_or_else(|_| json!({}));
    if let Some(defs) = parsed.get("$defs").and_then(Value::as_object) {
        for name in defs.keys() {
            let component = format!("{prefix}{}", capitalized(name));
            rewritten = rewritten.replace(
                &format!("\"#/$defs/{name}\""),
                &format!("\"#/components/schemas/{component}\""),
            );
        }
    }
    let mut schema: Value = serde_json::from_str(&rewritten).unwrap_or_else(|_| json!({}));
    if let Some(map) = schema.as_object_mut() {
        map.remove("$schema");
        map.remove("$id");
        if let Some(Value::Object(defs)) = map.remove("$defs") {
            for (name, def) in defs {
                components.insert(format!("{prefix}{}", capitalized(&name)), def);
            }
        }
    }
    schema
}

fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn schemas() -> Value {
    let mut defs = Map::new();
    let finding = wire_schema(
        include_str!("../../../schema/finding.schema.json"),
        "Finding",
        &mut defs,
    );
    let incident = wire_schema(
        include_str!("../../../schema/incident.schema.json"),
        "Incident",
        &mut defs,
    );
    // A stored finding is the wire record and four more fields.
    let mut stored = finding.clone();
    let extra = [
        (
            "current",
            json!({"type": "boolean", "description": "whether the latest judgement still produces it"}),
        ),
        (
            "stored_at",
            json!({"type": "string", "format": "date-time"}),
        ),
        (
            "updated_at",
            json!({"type": "string", "format": "date-time"}),
        ),
        ("revision", json!({"type": "integer", "minimum": 0})),
    ];
    for (name, schema) in extra {
        if let Some(properties) = stored["properties"].as_object_mut() {
            properties.insert(name.to_owned(), schema);
        }
        if let Some(required) = stored["required"].as_array_mut() {
            required.push(json!(name));
        }
    }
    stored["title"] = json!("stored finding");
    let mut schemas = json!({
        "Text": {"type": "string"},
        "Object": {"type": "object"},
        "Finding": finding,
        "Incident": incident,
        "StoredFinding": stored,
        "FindingList": {"type": "array", "items": reference("StoredFinding")},
        "StoredIncident": {
            "type": "object",
            "additionalProperties": false,
            "required": ["number", "status", "assignee", "note", "opened_at", "updated_at", "closed_at", "findings", "incident"],
            "properties": {
                "number": {"type": "integer", "minimum": 1},
                "status": {"enum": ["open", "acknowledged", "closed"]},
                "assignee": {"type": ["string", "null"]},
                "note": {"type": ["string", "null"]},
                "opened_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
                "closed_at": {"type": ["string", "null"], "format": "date-time"},
                "findings": {"type": "array", "items": {"type": "string", "pattern": "^F[0-9a-f]{16}$"}},
                "incident": reference("Incident"),
                "log": {"type": "array", "items": {
                    "type": "object", "additionalProperties": false, "required": ["at", "what"],
                    "properties": {"at": {"type": "string", "format": "date-time"}, "what": {"type": "string"}},
                }},
            },
        },
        "IncidentList": {"type": "array", "items": reference("StoredIncident")},
        "EventsAnswer": {
            "type": "object",
            "additionalProperties": false,
            "required": ["accepted", "refused_count", "refused"],
            "properties": {
                "accepted": {"type": "integer", "minimum": 0},
                "refused_count": {"type": "integer", "minimum": 0},
                "refused": {"type": "array", "maxItems": 20, "items": {
                    "type": "object", "additionalProperties": false, "required": ["index", "reason"],
                    "properties": {"index": {"type": "integer", "minimum": 0}, "reason": {"type": "string"}},
                }},
            },
        },
        "BulkAnswer": {
            "type": "object",
            "additionalProperties": false,
            "required": ["took", "errors", "items"],
            "properties": {
                "took": {"type": "integer", "minimum": 0},
                "errors": {"type": "boolean"},
                "items": {"type": "array", "items": {
                    "type": "object", "minProperties": 1, "maxProperties": 1,
                    "additionalProperties": reference("BulkItem"),
                }},
            },
        },
        "BulkItem": {
            "type": "object",
            "additionalProperties": false,
            "required": ["_index", "_id", "status"],
            "properties": {
                "_index": {"type": "string"},
                "_id": {"type": "string"},
                "status": {"type": "integer"},
                "result": {"const": "created"},
                "error": {"type": "object", "required": ["type", "reason"], "properties": {"type": {"type": "string"}, "reason": {"type": "string"}}},
            },
        },
        "NodeInfo": {
            "type": "object",
            "required": ["name", "version", "tagline"],
            "properties": {
                "name": {"type": "string"},
                "cluster_name": {"type": "string"},
                "version": {"type": "object", "required": ["number"], "properties": {"number": {"type": "string"}}},
                "tagline": {"type": "string"},
            },
        },
        "AssignBody": {"type": "object", "required": ["to"], "properties": {"to": {"type": "string", "minLength": 1, "maxLength": 200}}},
        "CloseBody": {"type": "object", "required": ["note"], "properties": {"note": {"type": "string", "minLength": 1, "maxLength": 4000}}},
        "Done": {"type": "object", "required": ["ok"], "properties": {"ok": {"const": true}}},
        "Error": {
            "type": "object",
            "additionalProperties": false,
            "required": ["error"],
            "properties": {"error": {
                "type": "object", "additionalProperties": false, "required": ["status", "reason"],
                "properties": {"status": {"type": "integer"}, "reason": {"type": "string"}},
            }},
        },
    });
    if let Some(map) = schemas.as_object_mut() {
        map.extend(defs);
    }
    schemas
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route the router mounts is documented, and nothing else is.
    #[test]
    fn the_table_names_every_route_http_rs_mounts() {
        let source = include_str!("http.rs");
        let mut mounted: Vec<&str> = source
            .match_indices(".route(\"")
            .filter_map(|(at, found)| {
                let rest = source.get(at + found.len()..)?;
                rest.get(..rest.find('"')?)
            })
            .filter(|path| !path.starts_with("/dashboard"))
            .collect();
        mounted.sort_unstable();
        mounted.dedup();
        let mut documented: Vec<&str> = ROUTES.iter().map(|r| r.path).collect();
        documented.sort_unstable();
        documented.dedup();
        assert_eq!(mounted, documented);
    }

    #[test]
    fn every_reference_resolves() {
        let document = document();
        let text = document.to_string();
        let schemas = &document["components"]["schemas"];
        for (at, _) in text.match_indices("#/components/schemas/") {
            let name: String = text[at + 21..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(schemas.get(&name).is_some(), "unresolved {name}");
        }
        assert_eq!(
            schemas["Finding"]["properties"]["schema_version"]["const"],
            3
        );
    }
}
