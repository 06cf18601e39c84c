//! What the library exports: the C header matches the `syscall_*` functions, and
//! `rt_*` symbols exist only with feature `syscall-ffi`, exactly the design's list.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The design's `rt_*` functions (shared/design.md): the system table plus what a
/// bootstrap program needs.
const RT_FUNCTIONS: &[&str] = &[
    "rt_file_exists",
    "rt_file_read_text",
    "rt_file_write_text",
    "rt_file_append_text",
    "rt_file_delete",
    "rt_file_remove",
    "rt_file_size",
    "rt_file_modified_time",
    "rt_file_copy",
    "rt_dir_create",
    "rt_dir_list",
    "rt_file_lock",
    "rt_file_unlock",
    "rt_file_mmap_read_text",
    "rt_file_mmap_read_bytes",
    "rt_env_cwd",
    "rt_env_home",
    "rt_env_get",
    "rt_env_set",
    "rt_getpid",
    "rt_process_run",
    "rt_system_cpu_count",
    "rt_hostname",
    "rt_print_str",
    "rt_println_str",
    "rt_eprint_str",
    "rt_eprintln_str",
    "rt_exit",
    "rt_get_args",
    "rt_time_now_unix_micros",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn header_functions() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("include/ffi_syscalls.h")).unwrap();
    // Every `syscall_name(` in the header is a declared function.
    text.split("syscall_")
        .skip(1)
        .filter_map(|rest| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            rest[name.len()..]
                .starts_with('(')
                .then(|| format!("syscall_{name}"))
        })
        .collect()
}

/// Global text symbols with `prefix` in the library built for the target under test.
fn exported(features: &[&str], prefix: &str) -> BTreeSet<String> {
    let triple = match std::env::consts::ARCH {
        "x86_64" => "x86_64-unknown-linux-gnu",
        "aarch64" => "aarch64-unknown-linux-gnu",
        "riscv64" => "riscv64gc-unknown-linux-gnu",
        other => panic!("{other}"),
    };
    let target_dir = root().join("target/symbols");
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args([
            "build",
            "--quiet",
            "--lib",
            "--target",
            triple,
            "--manifest-path",
        ])
        .arg(root().join("Cargo.toml"));
    cargo.arg("--target-dir").arg(&target_dir);
    if !features.is_empty() {
        cargo.args(["--features", &features.join(",")]);
    }
    // Each feature set in its own profile directory would need a profile; a fresh
    // build per call is simpler and the crate is small.
    let status = cargo.status().unwrap();
    assert!(status.success());
    let rlib: PathBuf = target_dir.join(triple).join("debug/libffi_syscalls.rlib");
    let nm = if std::env::consts::ARCH == "x86_64" {
        "nm".to_string()
    } else {
        format!("{}-linux-gnu-nm", std::env::consts::ARCH)
    };
    let out = Command::new(&nm)
        .args(["--defined-only", "--extern-only"])
        .arg(&rlib)
        .output()
        .expect(&nm);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [_, "T", name] if name.starts_with(prefix) => Some(name.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn header_declares_every_c_function() {
    let source = std::fs::read_to_string(root().join("src/exports/c.rs")).unwrap();
    let defined: BTreeSet<String> = source
        .split("extern \"C\" fn ")
        .skip(1)
        .map(|rest| rest.split('(').next().unwrap().to_string())
        .collect();
    assert!(defined.len() > 20);
    assert_eq!(header_functions(), defined);
}

#[test]
fn header_compiles_as_c() {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .args([
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-fsyntax-only",
            "-x",
            "c",
        ])
        .arg(root().join("include/ffi_syscalls.h"))
        .status()
        .expect("a C compiler");
    assert!(status.success());
}

#[test]
fn rt_symbols_only_with_syscall_ffi() {
    let default_rt = exported(&[], "rt_");
    assert_eq!(
        default_rt,
        BTreeSet::new(),
        "a default build must not define rt_*"
    );
    let with_ffi = exported(&["syscall-ffi"], "rt_");
    let expected: BTreeSet<String> = RT_FUNCTIONS.iter().map(|s| s.to_string()).collect();
    assert_eq!(with_ffi, expected);
    // The C interface is there either way, and matches the header.
    assert_eq!(exported(&[], "syscall_"), header_functions());
}
