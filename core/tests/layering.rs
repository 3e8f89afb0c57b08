//! The core's module layering, read from its sources:
//! * the JSON façade (`src/facade/`) depends on the domain modules and never
//!   the reverse: no other module names `crate::facade` (or the old
//!   `crate::api`), even in its docs;
//! * the top-level modules import each other without a circle;
//! * inside a folder module, the sibling files import each other without a
//!   circle (the folder's `mod.rs` only gathers and re-exports them).
//!
//! An edge is a `crate::m` / `super::m` path in code; comments, doc links
//! included, do not count (a doc link up the layers is not an import).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("readable source directory") {
        let p = e.expect("dir entry").path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module names after `prefix` (`crate::`, `super::`) in `text`, for
/// both `prefix m` and `prefix {m, n::x}`.
fn names_after(text: &str, prefix: &str) -> BTreeSet<String> {
    let ident = |s: &str| {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<String>()
    };
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices(prefix) {
        if text[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &text[i + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(
                group
                    .split(',')
                    .map(|s| ident(s.trim()))
                    .filter(|s| !s.is_empty()),
            );
        } else {
            out.insert(ident(rest));
        }
    }
    out.remove("");
    out
}

/// The code of a file, comments dropped.
fn code_only(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if !line.trim_start().starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn circle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        g: &Graph,
        n: &str,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            match state.get(m.as_str()) {
                Some(1) => {
                    let at = path.iter().position(|x| x == m).unwrap_or(0);
                    let mut c = path[at..].to_vec();
                    c.push(m.clone());
                    return Some(c);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(g, m, state, path) {
                        return Some(c);
                    }
                }
            }
        }
        path.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if !state.contains_key(n.as_str()) {
            if let Some(c) = visit(g, n, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn facade_on_top_and_no_import_circles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let rel = |p: &Path| {
        p.strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/")
    };
    let top_modules: BTreeSet<String> = files
        .iter()
        .map(|p| rel(p))
        .filter(|r| r != "lib.rs")
        .map(|r| {
            r.split('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".rs")
                .to_string()
        })
        .collect();
    assert!(
        top_modules.contains("facade") && top_modules.len() > 10,
        "{top_modules:?}"
    );

    let mut top = Graph::new();
    let mut siblings: BTreeMap<String, Graph> = BTreeMap::new();
    let mut facade_users = Vec::new();
    for p in &files {
        let r = rel(p);
        if r == "lib.rs" || r.contains("/data/") {
            continue;
        }
        let text = std::fs::read_to_string(p).expect("readable source");
        let module = r
            .split('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        if module != "facade" && (text.contains("crate::facade") || text.contains("crate::api")) {
            facade_users.push(r.clone());
        }
        let code = code_only(&text);
        let uses = names_after(&code, "crate::");
        for m in uses
            .iter()
            .filter(|m| **m != module && top_modules.contains(*m))
        {
            top.entry(module.clone()).or_default().insert(m.clone());
        }
        // Sibling files of a folder module: `super::x` or `crate::folder::x`.
        let parts: Vec<&str> = r.split('/').collect();
        if parts.len() == 2 && parts[1] != "mod.rs" {
            let folder = parts[0];
            let me = parts[1].trim_end_matches(".rs");
            let files_here: BTreeSet<String> = files
                .iter()
                .map(|q| rel(q))
                .filter_map(|q| q.strip_prefix(&format!("{folder}/")).map(str::to_string))
                .filter(|q| !q.contains('/') && q != "mod.rs")
                .map(|q| q.trim_end_matches(".rs").to_string())
                .collect();
            let mut refs = names_after(&code, "super::");
            refs.extend(names_after(&code, &format!("crate::{folder}::")));
            let g = siblings.entry(folder.to_string()).or_default();
            g.entry(me.to_string()).or_default();
            for s in refs
                .into_iter()
                .filter(|s| s != me && files_here.contains(s))
            {
                g.entry(me.to_string()).or_default().insert(s);
            }
        }
    }
    assert!(
        facade_users.is_empty(),
        "domain modules naming the façade: {facade_users:?}"
    );
    assert!(
        top.get("pipeline").is_some_and(|d| d.contains("pii")),
        "the scan finds edges: {top:?}"
    );
    assert_eq!(
        circle(&top),
        None,
        "import circle between top-level modules"
    );
    for (folder, g) in &siblings {
        assert_eq!(circle(g), None, "import circle inside {folder}/");
    }
    assert!(siblings
        .get("pii")
        .is_some_and(|g| g.get("names").is_some_and(|d| d.contains("places"))));
}
