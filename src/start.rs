//! The program runtime of a no-libc executable (feature `bootstrap`): the Rust side
//! of the entry in `arch`, the global allocator, the panic handler.
//!
//! A program using it is `#![no_std] #![no_main]` and defines
//! `#[unsafe(no_mangle)] extern "C" fn main(argc: i32, argv: *const *const u8, envp: *const *const u8) -> i32`;
//! its result is the exit status. As in a std program, SIGPIPE is ignored from the
//! entry on (a write to a closed pipe fails with EPIPE). It links with
//! `-nostartfiles -nostdlib -static` (build.rs adds them for this package's
//! executables).

use crate::sys;

type InitFn = extern "C" fn(i32, *const *const u8, *const *const u8);

unsafe extern "C" {
    /// The program's own entry point.
    fn main(argc: i32, argv: *const *const u8, envp: *const *const u8) -> i32;
    // Bounds of .init_array, from the linker's default script.
    static __init_array_start: [InitFn; 0];
    static __init_array_end: [InitFn; 0];
}

/// Called by `arch::program::_start` with the initial stack pointer.
///
/// # Safety
/// `sp` must be the kernel's initial stack: argc, argv[], NULL, envp[], NULL, auxv.
pub unsafe extern "C" fn entry(sp: *const usize) -> ! {
    // SAFETY: the contract above: `sp` is the kernel's initial stack, so argc, the two
    // null-terminated arrays and the auxv are there to read.
    unsafe {
        let argc = *sp;
        let argv = sp.add(1) as *const *const u8;
        let envp = argv.add(argc + 1);
        let mut p = envp;
        while !(*p).is_null() {
            p = p.add(1);
        }
        crate::auxv::set(p.add(1) as *const usize);
        crate::env::capture(argc as i32, argv, envp);
        // As std's runtime: SIGPIPE ignored, so a write to a pipe whose reader has
        // gone fails with EPIPE, which the print functions turn into exit 0, rather
        // than killing the process. (process::run gives children the default back.)
        let mut ignore: sys::uapi::kernel_sigaction = core::mem::zeroed();
        ignore.sa_handler_kernel = linux_raw_sys::signal_macros::sig_ign();
        let _ = sys::rt_sigaction(sys::uapi::SIGPIPE, Some(&ignore), None);

        // glibc's convention: init functions get argc, argv and envp.
        let mut f = core::ptr::addr_of!(__init_array_start) as *const InitFn;
        let end = core::ptr::addr_of!(__init_array_end) as *const InitFn;
        while f < end {
            (*f)(argc as i32, argv, envp);
            f = f.add(1);
        }
        sys::exit_group(main(argc as i32, argv, envp))
    }
}

#[global_allocator]
static HEAP: crate::heap::MmapHeap = crate::heap::MmapHeap::new();

/// Writes "panicked at FILE:LINE" to stderr and exits with 101. The message is left
/// out: formatting it would pull core::fmt into every executable (several KiB, where
/// hello is under 1 KiB), and the location is enough to find the panic.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let mut line = [0u8; 20];
    let (file, n) = match info.location() {
        Some(l) => (
            l.file().as_bytes(),
            crate::io::decimal(i64::from(l.line()), &mut line),
        ),
        None => (&b"?"[..], &b"?"[..]),
    };
    for part in [&b"panicked at "[..], file, b":", n, b"\n"] {
        let _ = crate::io::write_all(2, part);
    }
    sys::exit_group(101)
}

/// glibc's `getauxval`, from the auxv recorded at entry (0 when absent). Some of
/// the compiler's own runtime asks for it: on aarch64, compiler_builtins probes
/// AT_HWCAP for LSE atomics from an `.init_array` constructor.
#[unsafe(no_mangle)]
pub extern "C" fn getauxval(key: u64) -> u64 {
    let mut p = crate::auxv::at_entry();
    if p.is_null() {
        return 0;
    }
    // SAFETY: auxv is (key, value) word pairs ending with key AT_NULL (0).
    unsafe {
        while *p != 0 {
            if *p as u64 == key {
                return *p.add(1) as u64;
            }
            p = p.add(2);
        }
    }
    0
}
