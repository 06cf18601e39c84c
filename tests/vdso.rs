//! clock_gettime through the vDSO and through the system call, beside libc.

mod common;

use common::serial;
use ffi_syscalls::sys::uapi;
use ffi_syscalls::{Errno, time, vdso};

fn libc_now(clock: i32) -> (i64, i64) {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    assert_eq!(unsafe { libc::clock_gettime(clock, &mut ts) }, 0);
    (ts.tv_sec, ts.tv_nsec)
}

fn ours(clock: u32) -> (i64, i64) {
    let ts = time::clock_gettime(clock).unwrap();
    (ts.tv_sec, ts.tv_nsec)
}

/// The same clocks, read in turn: never backwards, and REALTIME close to libc's.
fn agrees_with_libc() {
    for _ in 0..1000 {
        let a = libc_now(libc::CLOCK_MONOTONIC);
        let b = ours(uapi::CLOCK_MONOTONIC);
        let c = libc_now(libc::CLOCK_MONOTONIC);
        assert!(a <= b && b <= c, "{a:?} {b:?} {c:?}");
    }
    let (r, l) = (ours(uapi::CLOCK_REALTIME), libc_now(libc::CLOCK_REALTIME));
    assert!((r.0 - l.0).abs() <= 1);
    assert!(ours(uapi::CLOCK_REALTIME).1 < 1_000_000_000);
    // A clock that does not exist: EINVAL either way.
    assert_eq!(
        time::clock_gettime(9999).map(|t| t.tv_sec),
        Err(Errno::EINVAL)
    );
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    assert_eq!(unsafe { libc::clock_gettime(9999, &mut ts) }, -1);
}

#[test]
fn vdso_path_matches_libc() {
    let _s = serial();
    vdso::use_vdso(true);
    let found = vdso::clock_gettime().is_some();
    // Natively on x86_64 the kernel always maps one, and it must be used. (valgrind
    // hides it from the program it runs: then there is none to use.)
    let kernel_gave_one = unsafe { libc::getauxval(libc::AT_SYSINFO_EHDR) } != 0;
    if cfg!(target_arch = "x86_64") && kernel_gave_one {
        assert!(found, "natively on x86_64 the vDSO must be used");
    }
    eprintln!(
        "{}: vDSO clock_gettime {}",
        std::env::consts::ARCH,
        if found { "found" } else { "not found" }
    );
    agrees_with_libc();
}

#[test]
fn syscall_fallback_matches_libc() {
    let _s = serial();
    vdso::use_vdso(false);
    assert!(vdso::clock_gettime().is_none());
    agrees_with_libc();
    vdso::use_vdso(true);
}

#[test]
fn lookup_is_strict() {
    let _s = serial();
    let (name, version) = match std::env::consts::ARCH {
        "x86_64" => (&b"__vdso_clock_gettime"[..], &b"LINUX_2.6"[..]),
        "aarch64" => (&b"__kernel_clock_gettime"[..], &b"LINUX_2.6.39"[..]),
        _ => (&b"__vdso_clock_gettime"[..], &b"LINUX_4.15"[..]),
    };
    let Some(base) = vdso::base() else {
        eprintln!("no AT_SYSINFO_EHDR here: nothing to look up");
        return;
    };
    let any = vdso::find_symbol(base, name, version, vdso::Hash::Any);
    if let Some(addr) = any {
        // Both indexes find the same symbol (arm64 may have only GNU hash).
        assert_eq!(
            vdso::find_symbol(base, name, version, vdso::Hash::Gnu).or(any),
            Some(addr)
        );
        // glibc resolved the same function.
        let libc_addr = unsafe {
            let h = libc::dlopen(
                c"linux-vdso.so.1".as_ptr(),
                libc::RTLD_NOW | libc::RTLD_NOLOAD,
            );
            if h.is_null() {
                None
            } else {
                Some(libc::dlsym(
                    h,
                    std::ffi::CStr::from_bytes_with_nul(&[name, b"\0"].concat())
                        .unwrap()
                        .as_ptr(),
                ) as usize)
            }
        };
        if let Some(l) = libc_addr.filter(|&l| l != 0) {
            assert_eq!(l, addr);
        }
    }
    // A wrong version, a wrong name, a truncated name: nothing.
    assert_eq!(
        vdso::find_symbol(base, name, b"LINUX_9.9", vdso::Hash::Any),
        None
    );
    assert_eq!(
        vdso::find_symbol(base, b"__vdso_no_such_function", version, vdso::Hash::Any),
        None
    );
    assert_eq!(
        vdso::find_symbol(base, &name[..name.len() - 1], version, vdso::Hash::Any),
        None
    );
    // Not an ELF image, and memory that is not mapped: refused, not read blindly.
    let junk = vec![0x7fu8; 8192];
    assert_eq!(
        vdso::find_symbol(junk.as_ptr() as usize, name, version, vdso::Hash::Any),
        None
    );
    assert_eq!(
        vdso::find_symbol(0x1000, name, version, vdso::Hash::Any),
        None
    );
    assert_eq!(
        vdso::find_symbol(usize::MAX - 4095, name, version, vdso::Hash::Any),
        None
    );
}
