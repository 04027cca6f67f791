//! The layering of `src/` (docs/ARCHITECTURE.md): each top-level module may
//! import only the ones below it, so the module graph has no cycle and the
//! pure layers (sample, pacer, analysis) reach no I/O. Test modules
//! (`#[cfg(test)]` onwards) may reach further and are not checked.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What each top-level module of the crate may import (besides itself):
/// modules listed before it; `*` is all of those.
const ALLOWED: &[(&str, &[&str])] = &[
    ("sample", &[]),
    ("outbox", &[]),
    ("pacer", &[]),
    ("analysis", &["sample"]),
    ("practice", &["analysis", "sample"]),
    ("device", &["sample", "pacer"]),
    ("acquisition", &["device", "outbox", "sample"]),
    (
        "session",
        &[
            "acquisition",
            "analysis",
            "device",
            "pacer",
            "practice",
            "sample",
        ],
    ),
    ("report", &[]),
    ("program", &["practice", "report", "session"]),
    (
        "live",
        &[
            "acquisition",
            "analysis",
            "device",
            "outbox",
            "practice",
            "sample",
            "session",
        ],
    ),
    ("audio", &["pacer"]),
    ("app", &["*"]),
    ("cli", &["*"]),
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Top-level modules each top-level module names as `crate::<module>`
/// outside its test code, with a file that does.
fn imports() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut g: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let top = top.trim_end_matches(".rs").to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != top {
                g.entry(top.clone())
                    .or_default()
                    .entry(name)
                    .or_insert_with(|| rel.display().to_string());
            }
        }
    }
    g
}

#[test]
fn every_module_imports_only_the_layers_below_it() {
    let allowed = allowed();
    let mut wrong = Vec::new();
    for (module, uses) in imports() {
        let Some(ok) = allowed.get(module.as_str()) else {
            wrong.push(format!(
                "src/{module} is not in the layer table of tests/architecture.rs"
            ));
            continue;
        };
        for (used, file) in uses {
            if !ok.contains(used.as_str()) {
                wrong.push(format!("{module} -> {used} (src/{file})"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layering:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_layer_table_has_no_cycle() {
    // Each module's allowed set may only name modules listed before it.
    let mut seen = BTreeSet::new();
    for (m, uses) in ALLOWED {
        for u in *uses {
            assert!(
                *u == "*" || seen.contains(u),
                "{m} may import {u}, which comes later"
            );
        }
        seen.insert(*m);
    }
}

/// The table with `*` spelled out.
fn allowed() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut before = Vec::new();
    for (m, uses) in ALLOWED {
        let mut set = BTreeSet::new();
        for u in *uses {
            if *u == "*" {
                set.extend(before.iter().copied());
            } else {
                set.insert(*u);
            }
        }
        out.insert(*m, set);
        before.push(*m);
    }
    out
}
