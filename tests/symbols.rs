//! What the library exports: the C header matches the `syscall_*` functions; `rt_*`
//! symbols exist only with feature `standalone`, exactly those listed in
//! `rt-symbols.txt`; the runtime's value ABI only with `standalone-values`; a hosted
//! build defines none of either, and can not be mixed with them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The symbols the crate publishes as replacing the runtime's (`standalone`), read
/// from the machine-readable list the runtime's build uses.
fn listed_rt_symbols() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("rt-symbols.txt")).unwrap();
    let list: BTreeSet<String> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    assert_eq!(
        list.len(),
        41,
        "the runtime's table has 31 functions, and issue 22 adds ten of files and directories"
    );
    // The same list the library carries.
    let lib: BTreeSet<String> = ffi_syscalls::exports::RT_SYMBOLS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(list, lib);
    list
}

/// The runtime's value ABI: the crate defines it only with `standalone-values`.
const VALUE_ABI: &[&str] = &[
    "rt_string_new",
    "rt_string_new_with_len_hash",
    "rt_string_len",
    "rt_string_data",
    "rt_array_new",
    "rt_byte_array_new",
    "rt_byte_array_new_len",
    "rt_array_data_ptr_u8",
    "rt_array_push",
    "rt_array_len",
    "rt_array_get",
    "rt_bytes_from_raw",
    "rt_tuple_new",
    "rt_tuple_set",
    "rt_tuple_get",
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
    defined(features)
        .into_iter()
        .filter_map(|(kind, name)| (kind == "T" && name.starts_with(prefix)).then_some(name))
        .collect()
}

/// The cargo command that builds the library with `features` for the target under
/// test, in a target directory of its own.
fn cargo_lib(command: &str, features: &[&str]) -> Command {
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args([
            command,
            "--quiet",
            "--lib",
            "--target",
            triple(),
            "--manifest-path",
        ])
        .arg(root().join("Cargo.toml"))
        .arg("--target-dir")
        .arg(root().join("target/symbols"));
    if !features.is_empty() {
        cargo.args(["--features", &features.join(",")]);
    }
    cargo
}

fn triple() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "x86_64-unknown-linux-gnu",
        "aarch64" => "aarch64-unknown-linux-gnu",
        "riscv64" => "riscv64gc-unknown-linux-gnu",
        other => panic!("{other}"),
    }
}

/// Every global symbol the library built with `features` defines, with its `nm` type.
fn defined(features: &[&str]) -> Vec<(String, String)> {
    let out = with_rlib(features, "nm", |nm, rlib| {
        Command::new(nm)
            .args(["--defined-only", "--extern-only"])
            .arg(rlib)
            .output()
    });
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [_, kind, name] => Some((kind.to_string(), name.to_string())),
            _ => None,
        })
        .collect()
}

/// Builds the library with `features` and runs `tool` (the target's binutils program
/// of that name) on it through `run`. One build at a time: the tests share the
/// target directory, and each reads the library its own build made.
fn with_rlib(
    features: &[&str],
    tool: &str,
    run: impl FnOnce(&str, &Path) -> std::io::Result<std::process::Output>,
) -> std::process::Output {
    static ONE_BUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = ONE_BUILD.lock().unwrap_or_else(|e| e.into_inner());
    // Each feature set in its own profile directory would need a profile; a fresh
    // build per call is simpler and the crate is small.
    let status = cargo_lib("build", features).status().unwrap();
    assert!(status.success());
    let rlib: PathBuf = root()
        .join("target/symbols")
        .join(triple())
        .join("debug/libffi_syscalls.rlib");
    let tool = match std::env::consts::ARCH {
        "x86_64" => tool.to_string(),
        arch => format!("{arch}-linux-gnu-{tool}"),
    };
    let out = run(&tool, &rlib).expect(&tool);
    assert!(out.status.success(), "{tool}");
    out
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
fn rt_symbols_only_when_standalone() {
    let value_abi: BTreeSet<String> = VALUE_ABI.iter().map(|s| s.to_string()).collect();
    let default_rt = exported(&[], "rt_");
    assert_eq!(
        default_rt,
        BTreeSet::new(),
        "a default build must not define rt_*"
    );
    // standalone alone: exactly the listed functions, and none of the value ABI
    // (the runtime defines that).
    assert_eq!(exported(&["standalone"], "rt_"), listed_rt_symbols());
    // standalone-values: the value ABI appears too.
    let both = exported(&["standalone", "standalone-values"], "rt_");
    let expected: BTreeSet<String> = listed_rt_symbols().union(&value_abi).cloned().collect();
    assert_eq!(both, expected);
    // standalone-values brings standalone with it.
    assert_eq!(exported(&["standalone-values"], "rt_"), expected);
    // The C interface is there either way, and matches the header.
    assert_eq!(exported(&[], "syscall_"), header_functions());
}

/// The C functions a hosted build leaves to the host's libc (the environment, the
/// arguments, the exit, and a spawn, whose child would need an environment).
const NOT_HOSTED: &[&str] = &[
    "syscall_env_home",
    "syscall_env_get",
    "syscall_env_set",
    "syscall_process_run",
    "syscall_args",
    "syscall_exit",
];

#[test]
fn hosted_defines_no_rt_or_value_abi_symbol() {
    let all = defined(&["hosted"]);
    // Any kind of symbol: functions, data, anything named like the runtime's.
    let rt: Vec<_> = all.iter().filter(|(_, n)| n.starts_with("rt_")).collect();
    assert_eq!(rt, Vec::<&(String, String)>::new());
    let c: BTreeSet<String> = all
        .into_iter()
        .filter_map(|(k, n)| (k == "T" && n.starts_with("syscall_")).then_some(n))
        .collect();
    let mut expected = header_functions();
    for n in NOT_HOSTED {
        assert!(expected.remove(*n), "{n} is in the header");
    }
    assert_eq!(c, expected);
}

/// Whether the library built with `features` has an `.init_array` entry: the
/// standalone environment's start-up capture, which a hosted build must not have (the
/// environment and the arguments are the host's there).
fn has_init_array(features: &[&str]) -> bool {
    let out = with_rlib(features, "objdump", |objdump, rlib| {
        Command::new(objdump).arg("-h").arg(rlib).output()
    });
    String::from_utf8_lossy(&out.stdout).contains(".init_array")
}

#[test]
fn hosted_keeps_no_start_up_capture() {
    // The check can see one: a default build registers the capture.
    assert!(has_init_array(&[]));
    assert!(!has_init_array(&["hosted"]));
}

#[test]
fn hosted_mixed_with_standalone_does_not_compile() {
    for other in ["standalone", "standalone-values", "bootstrap"] {
        let out = cargo_lib("check", &["hosted", other]).output().unwrap();
        assert!(!out.status.success(), "hosted,{other} compiled");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("feature `hosted` cannot be combined with")
                && err.contains("defines its own rt_* functions"),
            "hosted,{other}: {err}"
        );
    }
}
