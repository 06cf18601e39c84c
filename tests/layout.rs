//! The crate's shape: asm only in arch/, no libc among the normal dependencies.

use std::path::{Path, PathBuf};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn asm_lives_only_in_arch() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for d in ["src", "tests", "benches"] {
        if root.join(d).is_dir() {
            files_under(&root.join(d), &mut files);
        }
    }
    assert!(!files.is_empty());
    let markers = ["asm!", "global_asm!", "naked_asm!"].map(|m| m.to_string());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for m in &markers {
            // This file names the markers in the array above.
            if f.ends_with("layout.rs") {
                continue;
            }
            assert!(!text.contains(m.as_str()), "{m} in {f:?}");
        }
    }
}

#[test]
fn no_libc_in_normal_dependencies() {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["tree", "-e", "normal", "--prefix", "none", "--offline", "--manifest-path"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .output()
        .expect("cargo tree");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(tree.lines().any(|l| l.starts_with("syscalls ")), "{tree}");
    assert!(!tree.lines().any(|l| l.starts_with("libc ")), "{tree}");
}
