//! The sizes, for the architecture under test: the size probes (src/bin/size/probe.rs,
//! built once per program as the runtime links the crate) and the bootstrap
//! executables, built by scripts/build-bootstrap, stripped; and with their symbols, to
//! check with `nm` that no single-function program links `core::fmt`. Each program is
//! held at the size tests/size-held.txt gives it (`scripts/size-report held` writes
//! that file); hello and minimal also stay within 1 KiB.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

mod common;
use common::{build_bootstrap, root, triple};

/// Each build once per test binary (the tests share them).
fn bins() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| build_bootstrap(&["bins"], true))
}

fn probes() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| build_bootstrap(&["probes"], true))
}

fn probes_with_symbols() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| build_bootstrap(&["probes"], false))
}

/// The functions of rt-symbols.txt, each of which has its probe (tests/symbols.rs
/// checks the list against the library's).
fn rt_functions() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("rt-symbols.txt")).unwrap();
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Every program whose size is held, by the name scripts/size-report gives it, and
/// where its stripped build is.
fn programs() -> Vec<(String, PathBuf)> {
    let mut all = vec![("hello".to_string(), probes().join("size_hello"))];
    for f in rt_functions() {
        let path = probes().join(format!("size_{f}"));
        all.push((f, path));
    }
    all.push(("library".into(), probes().join("size_library")));
    for bin in ["minimal", "bootstrap"] {
        all.push((bin.into(), bins().join(bin)));
    }
    all
}

/// tests/size-held.txt's column for the architecture under test: program -> bytes.
fn held_sizes() -> BTreeMap<String, u64> {
    let text = std::fs::read_to_string(root().join("tests/size-held.txt")).unwrap();
    let header = text
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some("program"))
        .expect("tests/size-held.txt: no `# program ARCH...` line");
    let column = header
        .split_whitespace()
        .skip(2)
        .position(|a| a == std::env::consts::ARCH)
        .expect("tests/size-held.txt: no column for this architecture");
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut words = l.split_whitespace();
            let name = words.next().unwrap().to_string();
            let bytes = words.nth(column).and_then(|w| w.parse().ok());
            (
                name,
                bytes.unwrap_or_else(|| panic!("tests/size-held.txt: {l}")),
            )
        })
        .collect()
}

fn stripped_size(path: &Path) -> u64 {
    let size = std::fs::metadata(path).unwrap().len();
    eprintln!("{} ({}): {size} bytes stripped", path.display(), triple());
    size
}

#[test]
fn hello_within_1_kib() {
    assert!(stripped_size(&probes().join("size_hello")) <= 1024);
}

#[test]
fn minimal_within_1_kib() {
    assert!(stripped_size(&bins().join("minimal")) <= 1024);
}

/// No program is larger than tests/size-held.txt holds it at on this target, and the
/// file holds exactly the programs there are (a new function's probe needs its line).
/// A program that shrank passes, with a note to lower its line.
#[test]
fn every_program_within_its_held_size() {
    let mut held = held_sizes();
    let mut grown = Vec::new();
    for (name, path) in programs() {
        let size = stripped_size(&path);
        match held.remove(&name) {
            None => grown.push(format!("{name}: {size} bytes, no line in the file")),
            Some(h) if size > h => grown.push(format!("{name}: {size} bytes, held at {h}")),
            Some(h) if size < h => {
                eprintln!("note: {name} shrank to {size} from {h}: lower its line")
            }
            Some(_) => {}
        }
    }
    grown.extend(
        held.keys()
            .map(|n| format!("{n}: in the file, but no such program")),
    );
    assert!(
        grown.is_empty(),
        "{}: against tests/size-held.txt ({}), a growth needs its reason in the commit \
         that raises the line (`scripts/size-report held`):\n{}",
        triple(),
        std::env::consts::ARCH,
        grown.join("\n")
    );
}

/// Every function has its probe, and each probe links the function it names and not
/// the others (it is not the library, which links them all).
#[test]
fn one_probe_per_rt_function() {
    let names = rt_functions();
    let defined = |program: &str| -> Vec<String> {
        let symbols = nm(&probes_with_symbols().join(program));
        names
            .iter()
            .filter(|f| symbols.contains(f))
            .cloned()
            .collect()
    };
    assert_eq!(defined("size_library"), names);
    for f in &names {
        let linked = defined(&format!("size_{f}"));
        assert!(
            linked.contains(f) && linked.len() < names.len(),
            "size_{f} defines {linked:?}"
        );
    }
}

/// For each of `programs` (size probes, by the name after `size_`) whose symbols
/// include one `matches`: "NAME: symbol, symbol...".
fn probes_linking(programs: &[String], matches: impl Fn(&str) -> bool) -> Vec<String> {
    let mut linking = Vec::new();
    for p in programs {
        let found: Vec<String> = nm(&probes_with_symbols().join(format!("size_{p}")))
            .into_iter()
            .filter(|s| matches(s))
            .collect();
        if !found.is_empty() {
            linking.push(format!("{p}: {}", found.join(", ")));
        }
    }
    linking
}

/// No program that calls one rt_* function (nor hello) links core::fmt: nothing
/// reachable from an export can panic with a formatted message.
#[test]
fn no_single_function_program_links_core_fmt() {
    let mut programs = rt_functions();
    programs.push("hello".into());
    let linking = probes_linking(&programs, |s| s.contains("core::fmt"));
    assert!(
        linking.is_empty(),
        "core::fmt linked by:\n{}",
        linking.join("\n")
    );
}

/// No size probe, the runtime-build library included, links a panic: nothing
/// reachable from any export can panic (no `core::panicking` function, and so no
/// panic handler, is linked). Stronger than the `core::fmt` check: a panic without
/// a formatted message (a bounds check, a division by zero) is caught here too.
#[test]
fn no_probe_links_a_panic() {
    let mut programs = rt_functions();
    programs.extend(["hello".into(), "library".into()]);
    let linking = probes_linking(&programs, |s| {
        s.contains("panic") || s.contains("begin_unwind")
    });
    assert!(
        linking.is_empty(),
        "panics linked by:\n{}",
        linking.join("\n")
    );
}

/// hello is a working program: it prints "hello" and exits 0.
#[test]
fn hello_prints_hello() {
    let exe = probes().join("size_hello");
    let host = Command::new("uname").arg("-m").output().unwrap().stdout;
    let mut c = if String::from_utf8_lossy(&host).trim() == std::env::consts::ARCH {
        Command::new(&exe)
    } else {
        let mut c = Command::new(format!("qemu-{}", std::env::consts::ARCH));
        c.arg(&exe);
        c
    };
    let out = c.output().unwrap();
    assert_eq!(out.stdout, b"hello\n");
    assert_eq!(out.status.code(), Some(0));
}

/// The symbols (demangled) a program defines.
fn nm(path: &Path) -> Vec<String> {
    let nm = if std::env::consts::ARCH == "x86_64" {
        "nm".to_string()
    } else {
        format!("{}-linux-gnu-nm", std::env::consts::ARCH)
    };
    let out = Command::new(&nm)
        .args(["--defined-only", "--demangle", "--format=just-symbols"])
        .arg(path)
        .output()
        .expect(&nm);
    assert!(out.status.success(), "{nm} {}", path.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}
