//! The configuration reference, generated from the core: `docs/CONFIG.md`
//! (every key, type, default, range, unit and the error codes the core
//! really returns for it), the TypeScript `GuardConfig` type
//! (`bindings-js/src/config-types.ts`) and the Python `TypedDict`s
//! (`bindings-python/presidio_x402/config_types.py`), and the schema copies
//! the two packages ship.
//!
//! Sources: `schema/policy.schema.json` (its keys are the core's, see
//! `schema.rs`; its `default`s are checked here against
//! `GuardConfig::default()`), and the core's parser itself: each key's error
//! codes are found by feeding wrong values into the full example
//! `docs/examples/policy.json` (which must itself be valid).
//!
//! `UPDATE_CONFIG_REFERENCE=1 cargo test -p presidio-x402-core --release --test config_reference`
//! rewrites the files; otherwise any difference fails (`make test-core`).

use presidio_x402_core::config::GuardConfig;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn read_json(rel: &str) -> Value {
    let text = std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// One documented key.
struct Entry {
    /// Dotted path (`pii.action`, `assets[].decimals`).
    path: String,
    /// Its schema node (refs not resolved).
    node: Value,
    /// Whether its parent object requires it.
    required: bool,
    /// Whether it is a table (an object with its own keys, documented below it).
    table: bool,
}

fn def<'a>(schema: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/$defs/").expect("local $ref");
            &schema["$defs"][name]
        }
        None => node,
    }
}

fn walk(schema: &Value, obj: &Value, prefix: &str, out: &mut Vec<Entry>) {
    let required: BTreeSet<&str> = obj["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (k, v) in obj["properties"].as_object().expect("properties") {
        let path = format!("{prefix}{k}");
        let v = def(schema, v);
        let items = def(schema, &v["items"]);
        let table = v.get("properties").is_some();
        let table_items = items.get("properties").is_some();
        out.push(Entry {
            path: path.clone(),
            node: obj["properties"][k].clone(),
            required: required.contains(k.as_str()),
            table: table || table_items,
        });
        if table {
            walk(schema, v, &format!("{path}."), out);
        } else if table_items {
            walk(schema, items, &format!("{path}[]."), out);
        }
    }
}

// ---- the human-readable form of a schema node ------------------------------------

fn ref_name(node: &Value) -> Option<&str> {
    node.get("$ref")?.as_str()?.strip_prefix("#/$defs/")
}

fn doc_type(schema: &Value, node: &Value) -> String {
    if let Some(name) = ref_name(node) {
        return match name {
            "usd" => "USD (number or decimal string)".into(),
            "usdOrNull" => "USD or `null`".into(),
            "wallets" => "array of wallet addresses".into(),
            "entity" => "entity name".into(),
            other => doc_type(schema, &schema["$defs"][other]),
        };
    }
    if let Some(e) = node.get("enum").and_then(Value::as_array) {
        return e
            .iter()
            .map(|x| format!("`{x}`"))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    if let Some(alts) = node
        .get("oneOf")
        .or(node.get("anyOf"))
        .and_then(Value::as_array)
    {
        return alts
            .iter()
            .map(|a| doc_type(schema, a))
            .collect::<Vec<_>>()
            .join(", or ");
    }
    if let Some(all) = node.get("allOf").and_then(Value::as_array) {
        return doc_type(schema, &all[0]);
    }
    match node["type"].as_str() {
        Some("array") => format!("array of {}", doc_type(schema, &node["items"])),
        Some("object") if node.get("properties").is_some() => "table (keys below)".into(),
        Some("object") => match node.get("additionalProperties") {
            Some(v) if v.is_object() => format!("object: key → {}", doc_type(schema, v)),
            _ => "object".into(),
        },
        Some(t) => t.into(),
        None => "any".into(),
    }
}

fn doc_range(node: &Value) -> String {
    let mut parts = Vec::new();
    let n = |k: &str| node.get(k).and_then(Value::as_u64);
    match (n("minimum"), n("maximum")) {
        (Some(a), Some(b)) => parts.push(format!("{a}..={b}")),
        (Some(a), None) => parts.push(format!("≥ {a}")),
        (None, Some(b)) => parts.push(format!("≤ {b}")),
        _ => {}
    }
    if let Some(x) = n("minLength") {
        parts.push(format!("≥ {x} bytes"));
    }
    if let Some(x) = n("maxLength") {
        parts.push(format!("≤ {x} bytes"));
    }
    if let Some(x) = n("minItems") {
        parts.push(format!("≥ {x} items"));
    }
    if let Some(x) = n("maxItems") {
        parts.push(format!("≤ {x} items"));
    }
    if let Some(x) = n("maxProperties") {
        parts.push(format!("≤ {x} entries"));
    }
    if let Some(p) = node.get("pattern").and_then(Value::as_str) {
        parts.push(format!("`{p}`"));
    }
    parts.join(", ")
}

fn unit(path: &str) -> &'static str {
    if path.ends_with("_usd") {
        "USD"
    } else if path.ends_with("_seconds") {
        "seconds"
    } else {
        ""
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

// ---- error codes, from the core --------------------------------------------------

/// Sets `path` (dotted, `[]` = the first element) in `v` to `x`.
fn set(v: &mut Value, path: &str, x: Value) {
    let parts: Vec<&str> = path.split('.').collect();
    let mut cur = v;
    for (i, p) in parts.iter().enumerate() {
        let (name, first) = match p.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (*p, false),
        };
        if i + 1 == parts.len() {
            cur[name] = x;
            return;
        }
        cur = &mut cur[name];
        if first {
            cur = &mut cur[0];
        }
    }
}

/// The error path with every `[n]` written `[]`.
fn normalise(path: &str) -> String {
    let mut out = String::new();
    let mut skip = false;
    for c in path.chars() {
        match c {
            '[' => {
                out.push_str("[]");
                skip = true;
            }
            ']' => skip = false,
            _ if skip => {}
            _ => out.push(c),
        }
    }
    out
}

fn probes(node: &Value) -> Vec<Value> {
    let mut v = vec![
        json!("x"),
        json!(""),
        json!("not a value"),
        json!("x".repeat(300)),
        json!("http://10.0.0.1/x"),
        json!(true),
        json!(-1),
        json!(0),
        json!(1.5),
        json!(99_999_999_999u64),
        json!("1e400"),
        json!([]),
        json!(["x"]),
        json!([{}]),
        json!({}),
        json!({"x": 1}),
        json!({"https://a.example": ["0x12"]}),
        json!(null),
    ];
    if let Some(m) = node.get("maximum").and_then(Value::as_u64) {
        v.push(json!(m + 1));
    }
    v
}

fn codes_of(base: &Value, path: &str, node: &Value) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for p in probes(node) {
        let mut c = base.clone();
        set(&mut c, path, p);
        if let Err(errs) = GuardConfig::from_value(&c) {
            for e in errs {
                let at = normalise(&e.path);
                if at == path
                    || at.starts_with(&format!("{path}."))
                    || at.starts_with(&format!("{path}["))
                {
                    codes.insert(e.code.as_str().to_string());
                }
            }
        }
    }
    codes
}

// ---- TypeScript ------------------------------------------------------------------

fn pascal(s: &str) -> String {
    let mut out = String::new();
    let mut up = true;
    for c in s.chars() {
        if c == '_' || c == '.' || c == '[' || c == ']' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn doc_line(node: &Value) -> String {
    let mut s = node
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(d) = node.get("default") {
        s.push_str(&format!(" Default: `{d}`."));
    }
    s.trim().to_string()
}

fn ts_type(schema: &Value, node: &Value, indent: usize) -> String {
    if let Some(name) = ref_name(node) {
        return format!("Policy{}", pascal(name));
    }
    if let Some(e) = node.get("enum").and_then(Value::as_array) {
        return e
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(" | ");
    }
    // `type: [a, b]`: the union of the types.
    if let Some(ts) = node["type"].as_array() {
        return ts
            .iter()
            .map(|t| ts_type(schema, &json!({ "type": t }), indent))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    // An object's `anyOf`/`oneOf` of `required` lists constrains keys, not the type.
    if let Some(alts) = node
        .get("oneOf")
        .or(node.get("anyOf"))
        .and_then(Value::as_array)
        .filter(|_| node.get("properties").is_none())
    {
        return alts
            .iter()
            .map(|a| ts_type(schema, a, indent))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    if let Some(all) = node.get("allOf").and_then(Value::as_array) {
        return ts_type(schema, &all[0], indent);
    }
    match node["type"].as_str() {
        Some("integer") | Some("number") => "number".into(),
        Some("string") => "string".into(),
        Some("boolean") => "boolean".into(),
        Some("null") => "null".into(),
        Some("array") => {
            let t = ts_type(schema, &node["items"], indent);
            if t.contains(' ') && !t.starts_with('{') {
                format!("Array<{t}>")
            } else {
                format!("{t}[]")
            }
        }
        Some("object") if node.get("properties").is_some() => ts_object(schema, node, indent),
        Some("object") => match node.get("additionalProperties") {
            Some(v) if v.is_object() => format!("Record<string, {}>", ts_type(schema, v, indent)),
            _ => "Record<string, unknown>".into(),
        },
        _ => "unknown".into(),
    }
}

fn ts_object(schema: &Value, node: &Value, indent: usize) -> String {
    let pad = "  ".repeat(indent + 1);
    let required: BTreeSet<&str> = node["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut s = String::from("{\n");
    for (k, v) in node["properties"].as_object().unwrap() {
        let d = doc_line(v);
        if !d.is_empty() {
            s.push_str(&format!("{pad}/** {} */\n", d.replace("*/", "*\\/")));
        }
        let opt = if required.contains(k.as_str()) {
            ""
        } else {
            "?"
        };
        s.push_str(&format!(
            "{pad}{k}{opt}: {};\n",
            ts_type(schema, v, indent + 1)
        ));
    }
    s.push_str(&"  ".repeat(indent));
    s.push('}');
    s
}

fn typescript(schema: &Value) -> String {
    let mut s = String::from(
        "// Generated by core/tests/config_reference.rs from schema/policy.schema.json: do not edit.\n\
         // Regenerate: UPDATE_CONFIG_REFERENCE=1 cargo test -p presidio-x402-core --release --test config_reference\n\n",
    );
    for (name, d) in schema["$defs"].as_object().unwrap() {
        let doc = doc_line(d);
        let doc = if doc.is_empty() {
            format!("The schema's `{name}`.")
        } else {
            doc
        };
        s.push_str(&format!(
            "/** {doc} */\nexport type Policy{} = {};\n\n",
            pascal(name),
            ts_type(schema, d, 0)
        ));
    }
    s.push_str(&format!(
        "/**\n * The guard configuration (docs/CONFIG.md; the JSON Schema ships as\n * `presidio-hardened-x402/policy.schema.json`). {}\n */\nexport interface GuardConfig {}\n",
        schema["description"].as_str().unwrap_or(""),
        ts_object(schema, schema, 0)
    ));
    s
}

// ---- Python ----------------------------------------------------------------------

fn py_type(schema: &Value, node: &Value, path: &str, classes: &mut Vec<String>) -> String {
    if let Some(name) = ref_name(node) {
        return format!("Policy{}", pascal(name));
    }
    if let Some(e) = node.get("enum").and_then(Value::as_array) {
        return format!(
            "Literal[{}]",
            e.iter()
                .map(|v| match v {
                    Value::Null => "None".to_string(),
                    v => v.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // `type: [a, b]`: the union of the types.
    if let Some(ts) = node["type"].as_array() {
        return ts
            .iter()
            .map(|t| py_type(schema, &json!({ "type": t }), path, classes))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    // An object's `anyOf`/`oneOf` of `required` lists constrains keys, not the type.
    if let Some(alts) = node
        .get("oneOf")
        .or(node.get("anyOf"))
        .and_then(Value::as_array)
        .filter(|_| node.get("properties").is_none())
    {
        return alts
            .iter()
            .enumerate()
            .map(|(i, a)| py_type(schema, a, &format!("{path}_{i}"), classes))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    if let Some(all) = node.get("allOf").and_then(Value::as_array) {
        return py_type(schema, &all[0], path, classes);
    }
    match node["type"].as_str() {
        Some("integer") => "int".into(),
        Some("number") => "int | float".into(),
        Some("string") => "str".into(),
        Some("boolean") => "bool".into(),
        Some("null") => "None".into(),
        Some("array") => format!(
            "list[{}]",
            py_type(schema, &node["items"], &format!("{path}[]"), classes)
        ),
        Some("object") if node.get("properties").is_some() => {
            let name = format!("GuardConfig{}", pascal(&path.replace("[]", "_item")));
            py_class(schema, node, &name, path, classes);
            name
        }
        Some("object") => match node.get("additionalProperties") {
            Some(v) if v.is_object() => format!(
                "dict[str, {}]",
                py_type(schema, v, &format!("{path}_value"), classes)
            ),
            _ => "dict[str, Any]".into(),
        },
        _ => "Any".into(),
    }
}

fn py_class(schema: &Value, node: &Value, name: &str, path: &str, classes: &mut Vec<String>) {
    let required: BTreeSet<&str> = node["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let doc = doc_line(node);
    let doc = if doc.is_empty() {
        format!(
            "One ``{}`` entry of the guard configuration (docs/CONFIG.md).",
            path.trim_start_matches('.')
        )
    } else {
        doc
    };
    let mut s = format!("class {name}(TypedDict, total=False):\n{}\n", py_doc(&doc));
    for (k, v) in node["properties"].as_object().unwrap() {
        let t = py_type(schema, v, &format!("{path}.{k}"), classes);
        let t = if required.contains(k.as_str()) {
            format!("Required[{t}]")
        } else {
            t
        };
        s.push_str(&format!("    {k}: {t}\n"));
        let d = doc_line(v);
        if !d.is_empty() {
            s.push_str(&py_doc(&d));
        }
    }
    classes.push(s);
}

/// A docstring at class-body indentation, wrapped to 110 columns.
fn py_doc(text: &str) -> String {
    let text = text.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    let mut lines = vec![String::new()];
    for w in text.split_whitespace() {
        let cur = lines.last_mut().unwrap();
        if !cur.is_empty() && cur.len() + w.len() + 1 > 100 {
            lines.push(w.to_string());
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(w);
        }
    }
    if lines.len() == 1 {
        return format!("    \"\"\"{}\"\"\"\n", lines[0]);
    }
    let mut s = String::from("    \"\"\"");
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            s.push_str("    ");
        }
        s.push_str(l);
        s.push('\n');
    }
    s.push_str("    \"\"\"\n");
    s
}

fn python(schema: &Value) -> String {
    let mut body = String::new();
    let mut classes = Vec::new();
    for (name, d) in schema["$defs"].as_object().unwrap() {
        let t = py_type(schema, d, &format!("_{name}"), &mut classes);
        let line = format!("Policy{}: TypeAlias = {t}\n", pascal(name));
        match t.strip_prefix("Literal[").and_then(|x| x.strip_suffix(']')) {
            Some(items) if line.len() > 110 => {
                body.push_str(&format!("Policy{}: TypeAlias = Literal[\n", pascal(name)));
                for i in items.split(", ") {
                    body.push_str(&format!("    {i},\n"));
                }
                body.push_str("]\n");
            }
            _ => body.push_str(&line),
        }
    }
    body.push_str("\n\n");
    py_class(schema, schema, "GuardConfig", "", &mut classes);
    body.push_str(&classes.join("\n\n"));
    let names: Vec<&str> = ["Any", "Literal", "Required", "TypeAlias", "TypedDict"]
        .into_iter()
        .filter(|n| {
            body.contains(&format!("{n}["))
                || body.contains(&format!("({n},"))
                || body.contains(&format!(": {n} ="))
        })
        .collect();
    format!(
        "# Generated by core/tests/config_reference.rs from schema/policy.schema.json: do not edit.\n\
         # Regenerate: UPDATE_CONFIG_REFERENCE=1 cargo test -p presidio-x402-core --release --test config_reference\n\
         \"\"\"Typed form of the guard configuration (docs/CONFIG.md): ``GuardConfig`` and its tables.\"\"\"\n\n\
         from typing import {}\n\n__all__ = [\"GuardConfig\"]\n\n{body}",
        names.join(", ")
    )
}

// ---- Markdown --------------------------------------------------------------------

fn markdown(schema: &Value, base: &Value, entries: &[Entry]) -> String {
    let mut s = String::from(
        "# Configuration reference\n\n\
         <!-- Generated by core/tests/config_reference.rs from schema/policy.schema.json and the core's parser: do not edit.\n     \
         Regenerate: UPDATE_CONFIG_REFERENCE=1 cargo test -p presidio-x402-core \\-\\-release \\-\\-test config_reference -->\n\n\
         One JSON object (or the same keys in TOML, a Python `dict`, a TypeScript `GuardConfig`) configures a guard;\n\
         every host hands it to the same Rust core, which validates it and reports **every** problem with its path and\n\
         code (`PolicyConfigError.errors` in TypeScript, `PolicyValidationError` in Python). Unknown keys are errors.\n\
         The JSON Schema is `schema/policy.schema.json`, shipped in both packages\n\
         (`presidio-hardened-x402/policy.schema.json` in npm, `presidio_x402/policy.schema.json` in Python).\n\
         A complete example of every key: [`examples/policy.toml`](examples/policy.toml),\n\
         [`examples/policy.json`](examples/policy.json) (the tests load both).\n\n\
         USD amounts are JSON numbers or decimal strings (`\"0.10\"`), parsed exactly (at most 18 fractional digits);\n\
         write strings to avoid binary floating point. The error codes are those the core returned when the test\n\
         that writes this page fed wrong values for the key into the example.\n",
    );
    let parent = |p: &str| p.rfind('.').map(|i| p[..i].to_string()).unwrap_or_default();
    let mut sections: Vec<String> = Vec::new();
    for e in entries {
        let p = parent(&e.path);
        if !sections.contains(&p) {
            sections.push(p);
        }
    }
    for section in &sections {
        if section.is_empty() {
            s.push_str("\n## Top level\n\n");
        } else {
            s.push_str(&format!("\n## `{section}`\n\n"));
        }
        s.push_str("| key | type | default | range | unit | error codes | meaning |\n|---|---|---|---|---|---|---|\n");
        for e in entries.iter().filter(|e| &parent(&e.path) == section) {
            row(&mut s, schema, base, e);
        }
    }
    s
}

fn row(s: &mut String, schema: &Value, base: &Value, e: &Entry) {
    {
        let node = def(schema, &e.node);
        let default = match e.node.get("default") {
            Some(d) => format!("`{d}`"),
            None if e.required => "required".into(),
            None if e.table => "see below".into(),
            None => "none".into(),
        };
        let mut range = doc_range(node);
        if node.get("type").and_then(Value::as_str) == Some("array") {
            let items = def(schema, &node["items"]);
            let r = doc_range(items);
            if !r.is_empty() && !e.table {
                range = if range.is_empty() {
                    format!("each: {r}")
                } else {
                    format!("{range}; each: {r}")
                };
            }
        }
        let codes = codes_of(base, &e.path, &e.node);
        let codes = codes
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(" ");
        let key = e.path.rsplit('.').next().unwrap();
        let mut meaning = e
            .node
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if e.table {
            meaning.push_str(&format!(" See `{}` below.", e.path));
        }
        s.push_str(&format!(
            "| `{key}` | {} | {} | {} | {} | {} | {} |\n",
            cell(&doc_type(schema, &e.node)),
            cell(&default),
            cell(&range),
            unit(&e.path),
            codes,
            cell(meaning.trim())
        ));
    }
}

fn check_or_write(rel: &str, text: &str, stale: &mut Vec<String>) {
    let path = root().join(rel);
    if std::env::var_os("UPDATE_CONFIG_REFERENCE").is_some() {
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    } else if std::fs::read_to_string(&path).unwrap_or_default() != text {
        stale.push(rel.to_string());
    }
}

#[test]
fn the_example_is_valid_and_the_reference_is_current() {
    let schema = read_json("schema/policy.schema.json");
    let base = read_json("docs/examples/policy.json");
    if let Err(e) = GuardConfig::from_value(&base) {
        panic!("docs/examples/policy.json is not a valid configuration: {e:?}");
    }
    let mut entries = Vec::new();
    walk(&schema, &schema, "", &mut entries);
    // Every key is in the example, and described where the schema's words are needed.
    let mut missing = Vec::new();
    for e in &entries {
        if base.pointer(&pointer(&e.path)).is_none() {
            missing.push(e.path.clone());
        }
        if e.node.get("description").is_none() {
            missing.push(format!("{} (no description in the schema)", e.path));
        }
    }
    assert!(
        missing.is_empty(),
        "docs/examples/policy.json or the schema lack: {missing:?}"
    );
    // Every schema default is the core's default.
    for e in &entries {
        if let Some(d) = e.node.get("default") {
            let mut c = Value::Object(Map::new());
            if e.path.starts_with("mpa.") || e.path.contains("[]") {
                continue; // inside a table that has no default of its own
            }
            set(&mut c, &e.path, d.clone());
            assert_eq!(
                GuardConfig::from_value(&c).expect("default is valid"),
                GuardConfig::default(),
                "the schema's default of {} is not the core's",
                e.path
            );
        }
    }
    let mut stale = Vec::new();
    check_or_write(
        "docs/CONFIG.md",
        &markdown(&schema, &base, &entries),
        &mut stale,
    );
    check_or_write(
        "bindings-js/src/config-types.ts",
        &typescript(&schema),
        &mut stale,
    );
    check_or_write(
        "bindings-python/presidio_x402/config_types.py",
        &python(&schema),
        &mut stale,
    );
    let schema_text = std::fs::read_to_string(root().join("schema/policy.schema.json")).unwrap();
    for copy in [
        "bindings-js/policy.schema.json",
        "bindings-python/presidio_x402/policy.schema.json",
        "bindings-python/presidio_x402/x402-policy-schema.json",
    ] {
        check_or_write(copy, &schema_text, &mut stale);
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run UPDATE_CONFIG_REFERENCE=1 cargo test -p presidio-x402-core --release --test config_reference and commit"
    );
    println!(
        "config reference: {} keys documented, generated files current",
        entries.len()
    );
}

fn pointer(path: &str) -> String {
    let mut s = String::new();
    for p in path.split('.') {
        match p.strip_suffix("[]") {
            Some(n) => s.push_str(&format!("/{n}/0")),
            None => s.push_str(&format!("/{p}")),
        }
    }
    s
}
