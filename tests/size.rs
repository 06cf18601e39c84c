//! The size budgets (README, "Size"), for the architecture under test: the size
//! probes (src/bin/size/, built as the runtime links the crate) and the bootstrap
//! executables, built by scripts/build-bootstrap, stripped; and with their symbols, to
//! check with `nm` that no single-function program links `core::fmt`.

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

fn rt_functions() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("rt-symbols.txt")).unwrap();
    let names: Vec<String> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    assert_eq!(names.len(), 31);
    names
}

fn stripped_size(dir: &Path, program: &str) -> u64 {
    let size = std::fs::metadata(dir.join(program)).unwrap().len();
    eprintln!("{program} ({}): {size} bytes stripped", triple());
    size
}

#[test]
fn hello_within_1_kib() {
    assert!(stripped_size(probes(), "size_hello") <= 1024);
}

#[test]
fn minimal_within_1_kib() {
    assert!(stripped_size(bins(), "minimal") <= 1024);
}

/// Met on riscv64 (README, "Size": 15 872 bytes), checked there; NOT MET YET on
/// x86_64 and aarch64 (18 040 / 19 224), where `cargo test --test size -- --ignored`
/// checks it.
#[test]
#[cfg_attr(
    not(target_arch = "riscv64"),
    ignore = "budget not met yet on this target: README, Size"
)]
fn runtime_build_library_within_16_kib() {
    assert!(stripped_size(probes(), "size_library") <= 16 * 1024);
}

/// NOT MET YET (README, "Size": 29 280 / 30 616 / 26 120 bytes); run with `--ignored`.
#[test]
#[ignore = "budget not met yet: README, Size"]
fn complete_bootstrap_within_24_kib() {
    assert!(stripped_size(bins(), "bootstrap") <= 24 * 1024);
}

/// Until the 16 KiB budget is met everywhere: no larger than now (19 KiB covers the
/// three targets' figures), so what was won stays won.
#[test]
fn runtime_build_library_no_larger_than_now() {
    assert!(stripped_size(probes(), "size_library") <= 19 * 1024);
}

/// Until the 24 KiB budget is met: no larger than now (30 KiB covers the three).
#[test]
fn complete_bootstrap_no_larger_than_now() {
    assert!(stripped_size(bins(), "bootstrap") <= 30 * 1024);
}

/// Every function has its probe, and each probe links the function it names.
#[test]
fn one_probe_per_rt_function() {
    for f in rt_functions() {
        let path = probes_with_symbols().join(format!("size_{f}"));
        assert!(
            nm(&path).iter().any(|s| s == &f),
            "{} does not define {f}",
            path.display()
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
