//! Link flags for this package's no-libc executables (feature `bootstrap`): our own
//! entry instead of crt1.o, no libc, static, not position-independent (nothing would
//! relocate it), unused sections dropped, code and read-only data in one segment and 4 KiB
//! pages (aarch64's default is 64 KiB), so little padding; the linker script gives the
//! whole layout.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_BOOTSTRAP").is_none() {
        return;
    }
    size_probes();
    let args = [
        "-nostartfiles",
        "-nostdlib",
        "-static",
        "-no-pie",
        "-Wl,--gc-sections",
        "-Wl,--build-id=none",
        "-Wl,-z,noseparate-code",
        "-Wl,-z,max-page-size=4096",
        "-Wl,-z,norelro",
        "-Wl,-z,noexecstack",
    ];
    // The whole layout (scripts/bootstrap.ld): two segments, no PT_PHDR, read-only
    // data inside .text, unwind tables and notes dropped (dead weight with
    // panic=abort and no debugger).
    let script = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap())
        .join("scripts/bootstrap.ld");
    println!("cargo:rerun-if-changed=scripts/bootstrap.ld");
    let script_arg = format!("-Wl,-T,{}", script.display());
    // The same linker on every target: rust-lld from the toolchain, through the gcc
    // driver as rustc itself does on x86_64. GNU ld pads riscv64's data onto its own
    // page in one RWX segment; lld lays all three out alike.
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = std::process::Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .unwrap()
        .stdout;
    let sysroot = String::from_utf8(sysroot).unwrap();
    let gcc_ld = format!(
        "-B{}/lib/rustlib/{}/bin/gcc-ld",
        sysroot.trim(),
        std::env::var("HOST").unwrap()
    );
    for arg in args.iter().copied().chain([
        "-Wl,--no-eh-frame-hdr",
        &script_arg,
        &gcc_ld,
        "-fuse-ld=lld",
    ]) {
        // Every bin is a no-libc program: bootstrap, minimal, the size probes.
        println!("cargo:rustc-link-arg-bins={arg}");
    }
}

/// The size probes' programs (src/bin/size/probe.rs), from rt-symbols.txt, so that a
/// function listed there gets its probe: `$OUT_DIR/size_probes.rs` holds `probe!(f)`
/// under `cfg(probe = "f")` for each, and `probe!(all of them)` for the library (any
/// other build: `probe = "library"`, or none, as clippy checks it); the `probe` cfg's
/// values are declared for the unexpected-cfg lint.
fn size_probes() {
    println!("cargo:rerun-if-changed=rt-symbols.txt");
    let list = std::fs::read_to_string("rt-symbols.txt").unwrap();
    let names: Vec<&str> = list
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut code = String::from("// Written by build.rs from rt-symbols.txt.\n");
    for n in &names {
        code += &format!("#[cfg(probe = \"{n}\")]\nprobe!({n});\n");
    }
    // The library: any other build (a `probe` cfg is a key with a value, so
    // `not(probe)` would not tell a build without one).
    let others: Vec<String> = ["hello"]
        .iter()
        .chain(&names)
        .map(|n| format!("probe = \"{n}\""))
        .collect();
    code += &format!(
        "#[cfg(not(any({})))]\nprobe!({});\n",
        others.join(", "),
        names.join(", ")
    );
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("size_probes.rs");
    std::fs::write(out, code).unwrap();
    let values: Vec<String> = ["hello", "library"]
        .iter()
        .chain(&names)
        .map(|n| format!("\"{n}\""))
        .collect();
    println!(
        "cargo:rustc-check-cfg=cfg(probe, values({}))",
        values.join(", ")
    );
}
