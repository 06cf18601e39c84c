//! A model of the Simple runtime's integration with `ffi_syscalls` (issue 20): the
//! runtime's `rt_*` bodies for the functions the crate serves, the state those bodies
//! keep, the runtime functions beside them that share that state, the value ABI, a C
//! definition of `rt_time_now_unix_micros` (c/runtime_time.c, as the runtime's
//! `src/runtime/runtime_time.c`) and a second crate defining `rt_hostname` and
//! `rt_system_cpu_count` (native_all/, as the runtime's `native_all`). Written from
//! the runtime's source (facts, not code) and `shared/runtime-survey.md`.
//!
//! Three builds, by feature: `std` (default) the runtime's own std bodies; `hosted`
//! the same bodies calling `ffi_syscalls::hosted` for the system work, as the README's
//! rows say; `old-way` (with `--no-default-features`) the crate's own `rt_*` symbols
//! replace the runtime's, and the model supplies only the value ABI and the functions
//! the crate does not define. tests/suite.rs runs against each.

#[cfg(all(feature = "old-way", any(feature = "std", feature = "hosted")))]
compile_error!(
    "feature old-way leaves out the runtime's own rt_* definitions: build it with \
     --no-default-features and without hosted"
);
#[cfg(not(any(feature = "std", feature = "hosted", feature = "old-way")))]
compile_error!("choose a build: default features (std), hosted, or old-way");

pub mod files;
pub mod misc;
pub mod rt;
pub mod state;
pub mod system;
pub mod value;

#[cfg(feature = "hosted")]
pub mod hosted;

// The second crate's symbols are only referenced through the linker: keep it linked.
#[cfg(any(feature = "std", feature = "hosted"))]
extern crate runtime_model_native_all;
// In the old way the crate's rt_* definitions are what the suite links to.
#[cfg(feature = "old-way")]
extern crate ffi_syscalls;

/// Which build this is: "std", "hosted" or "old-way".
pub const BUILD: &str = if cfg!(feature = "old-way") {
    "old-way"
} else if cfg!(feature = "hosted") {
    "hosted"
} else {
    "std"
};
