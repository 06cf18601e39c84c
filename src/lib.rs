//! System calls for a language runtime's bootstrap build, with no libc.
//!
//! Layers, each using only the ones listed before it:
//! - `arch` (the only asm) → [`sys`] (one typed function per system call);
//! - helpers over `sys`: [`io`] (descriptors, buffers), `sync`, [`utf8`];
//! - the safe layer, in this order: [`auxv`] → [`vdso`] → [`time`] → [`random`] →
//!   [`env`](mod@env) → [`fs`] → [`system`] → [`process`] (`fs` waits with `time`;
//!   `process` takes its environment from its caller and reads /proc/self/fd with
//!   `fs`; neither the auxv nor the environment needs `fs`);
//! - [`value`] (the runtime's `RuntimeValue` ABI, and with `standalone-values` this
//!   crate's definitions of it);
//! - [`hosted`] (what the runtime's own `rt_*` bodies call: bytes, and values
//!   through the runtime's constructors);
//! - [`exports`] (the `syscall_*` C ABI, and under feature `standalone` the `rt_*`
//!   symbols, thin wrappers over [`hosted`]);
//! - the program runtime for no-libc executables (feature `bootstrap`).
//!
//! Two modes (README, "Two ways to link it"): feature `hosted` for a program with its
//! own libc and std (the runtime), where the crate defines no `rt_*` or value-ABI
//! symbol and keeps no environment, arguments or exit of its own; otherwise
//! standalone, where it keeps them and `standalone`/`standalone-values` add the
//! runtime's symbols.
//!
//! The one exception to that order: with `bootstrap`, `arch`'s program entry
//! (`_start`) jumps up to the program runtime's `start::entry`, because the entry has
//! to be asm and everything after it is Rust.
#![no_std]
#![deny(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

#[cfg(target_arch = "x86_64")]
#[path = "../arch/x86_64.rs"]
mod arch;
#[cfg(target_arch = "aarch64")]
#[path = "../arch/aarch64.rs"]
mod arch;
#[cfg(target_arch = "riscv64")]
#[path = "../arch/riscv64.rs"]
mod arch;
#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "riscv64"
)))]
compile_error!("ffi_syscalls supports only x86_64, aarch64 and riscv64 Linux");

// One mode per build (see the README, "Two ways to link it"). `hosted` goes into a
// program that has its own libc, std, runtime and entry; each of the others would
// define a second copy of something that program already has.
#[cfg(all(
    feature = "hosted",
    any(
        feature = "standalone",
        feature = "standalone-values",
        feature = "bootstrap"
    )
))]
compile_error!(
    "feature `hosted` cannot be combined with `standalone`, `standalone-values` or `bootstrap`: \
     a hosted build goes into a program (the runtime) that defines its own rt_* functions, \
     value ABI, environment, arguments, exit and program entry; those features define the \
     crate's own copies of them (duplicate symbols, and a second environment that diverges \
     from std's). Pick `hosted` for the runtime's build, the others for programs without it."
);

extern crate alloc;

pub mod sys;

mod sync;

pub mod auxv;
pub mod env;
pub mod fs;
pub mod io;
pub mod process;
pub mod random;
pub mod system;
pub mod time;
pub mod utf8;
pub mod vdso;

pub mod value;

pub mod hosted;

pub mod exports;

pub mod heap;
#[cfg(feature = "bootstrap")]
pub mod start;

pub use syscalls::Errno;
