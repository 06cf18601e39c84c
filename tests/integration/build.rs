//! Builds c/runtime_time.c into a static archive, as the runtime's build script
//! builds its C files (not in the old-way build: there the crate defines
//! rt_time_now_unix_micros). Tells the tests which target they were built for, so the
//! old-way check and the subprocess runner know whether they run natively.
fn main() {
    println!("cargo:rerun-if-changed=c/runtime_time.c");
    let target = std::env::var("TARGET").unwrap();
    let host = std::env::var("HOST").unwrap();
    println!("cargo:rustc-env=MODEL_TARGET={target}");
    println!("cargo:rustc-env=MODEL_HOST={host}");
    if std::env::var_os("CARGO_FEATURE_OLD_WAY").is_some() {
        return;
    }
    let mut b = cc::Build::new();
    b.file("c/runtime_time.c")
        .warnings(true)
        .extra_warnings(true);
    if std::env::var_os("CARGO_FEATURE_HOSTED").is_some() {
        b.define("SIMPLE_FFI_SYSCALLS", None);
    }
    b.compile("runtime_sffi_c");
}
