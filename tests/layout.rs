//! The crate's shape: asm only in arch/, no libc among the normal dependencies.

mod common;

use std::path::Path;

#[test]
fn asm_lives_only_in_arch() {
    let files = common::rust_files(&["src", "tests", "benches", "fuzz/fuzz_targets"]);
    assert!(!files.is_empty());
    // Spelled in pieces so that `git grep` for the macros finds only arch/.
    let markers = ["", "global_", "naked_"].map(|prefix| format!("{prefix}asm{}", '!'));
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for m in &markers {
            assert!(!text.contains(m.as_str()), "{m} in {f:?}");
        }
    }
}

#[test]
fn no_libc_in_normal_dependencies() {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
            "--manifest-path",
        ])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .output()
        .expect("cargo tree");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(tree.lines().any(|l| l.starts_with("syscalls ")), "{tree}");
    assert!(!tree.lines().any(|l| l.starts_with("libc ")), "{tree}");
}
