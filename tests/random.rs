//! getrandom through the vDSO and through the system call (`random::fill`,
//! `syscall_getrandom`), beside libc's `getrandom`: every byte written at every
//! length, different bytes each time and in each thread, a forked child's bytes not
//! its parent's, and the system-call fallback forced.

mod common;

use common::serial;
use ffi_syscalls::exports::c::{syscall_getrandom, syscall_last_errno};
use ffi_syscalls::random;
use std::collections::HashSet;

/// Whether this test runs on its own kind of machine (else under qemu-user).
fn native() -> bool {
    let host = std::process::Command::new("uname").arg("-m").output();
    host.is_ok_and(|h| String::from_utf8_lossy(&h.stdout).trim() == std::env::consts::ARCH)
}

/// The running kernel's (major, minor).
fn kernel() -> (u32, u32) {
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::uname(&mut u) }, 0);
    let r = unsafe { std::ffi::CStr::from_ptr(u.release.as_ptr()) }.to_string_lossy();
    let mut n = r
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse().unwrap_or(0));
    (n.next().unwrap_or(0), n.next().unwrap_or(0))
}

/// The first kernel whose vDSO has getrandom on this architecture.
fn vdso_since() -> (u32, u32) {
    match std::env::consts::ARCH {
        "x86_64" => (6, 11),
        "aarch64" => (6, 12),
        _ => (6, 16),
    }
}

/// libc's getrandom, the oracle.
fn libc_fill(buf: &mut [u8]) -> isize {
    unsafe { libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0) }
}

/// Byte counts of `buf`, each within 5 standard deviations of uniform (1 MiB: 4096
/// per value, sd 64). A fill that left a part unwritten or repeated a block fails.
fn looks_uniform(buf: &[u8]) -> bool {
    let mut counts = [0usize; 256];
    for &b in buf {
        counts[b as usize] += 1;
    }
    let mean = buf.len() / 256;
    let sd = (mean as f64).sqrt() as usize;
    counts.iter().all(|&c| c.abs_diff(mean) <= 5 * sd)
}

/// `fill` at each length: every byte written (a buffer filled twice from 0x00 and
/// from 0xff comes out different in at least one in 256... no: the two fills differ
/// everywhere but by chance), and the C ABI's count is libc's.
fn fills_every_length(fill: &dyn Fn(&mut [u8]) -> i64) {
    for len in [0usize, 1, 16, 4096, 1 << 20] {
        let mut a = vec![0u8; len];
        let mut b = vec![0xffu8; len];
        let mut oracle = vec![0u8; len];
        assert_eq!(fill(&mut a), len as i64, "len {len}");
        assert_eq!(fill(&mut b), len as i64, "len {len}");
        assert_eq!(libc_fill(&mut oracle), len as isize);
        if len >= 16 {
            // Two fills agree in a byte with chance 1/256: in 16 bytes all alike
            // means one was not written (or the same bytes came twice).
            let same = a.iter().zip(&b).filter(|(x, y)| x == y).count();
            assert!(same < len / 8 + 4, "len {len}: {same} bytes alike");
            // An unwritten tail stays 0x00 in `a` and 0xff in `b`.
            assert!(a[len - 8..] != [0; 8] && b[len - 8..] != [0xff; 8]);
        }
        if len == 1 << 20 {
            assert!(looks_uniform(&oracle), "the oracle itself");
            assert!(looks_uniform(&a) && looks_uniform(&b), "len {len}");
        }
    }
}

fn c_fill(buf: &mut [u8]) -> i64 {
    unsafe { syscall_getrandom(buf.as_mut_ptr(), buf.len(), 0) }
}

fn safe_fill(buf: &mut [u8]) -> i64 {
    random::fill(buf, 0).map_or(-1, |()| buf.len() as i64)
}

#[test]
fn the_vdso_is_used_where_the_kernel_has_it() {
    let _s = serial();
    random::force_syscall(false);
    let used = random::uses_vdso();
    eprintln!(
        "{} kernel {:?} native {}: vDSO getrandom {}",
        std::env::consts::ARCH,
        kernel(),
        native(),
        if used { "used" } else { "not used" }
    );
    // valgrind hides the vDSO from the program it runs.
    let kernel_gave_one = unsafe { libc::getauxval(libc::AT_SYSINFO_EHDR) } != 0;
    if native() && kernel() >= vdso_since() && kernel_gave_one {
        assert!(used, "this kernel's vDSO has getrandom: it must be used");
    }
    if !native() {
        // qemu-user gives its guest a vDSO of its own, without getrandom: the
        // system call serves every call there.
        assert!(!used, "under qemu-user there is no vDSO getrandom");
    }
}

#[test]
fn fills_match_libc_at_every_length() {
    let _s = serial();
    for forced in [false, true] {
        random::force_syscall(forced);
        fills_every_length(&c_fill);
        fills_every_length(&safe_fill);
    }
    random::force_syscall(false);
}

#[test]
fn forced_fallback_uses_the_system_call() {
    let _s = serial();
    random::force_syscall(true);
    assert!(!random::uses_vdso());
    let mut buf = [0u8; 64];
    assert_eq!(c_fill(&mut buf), 64);
    assert_ne!(buf, [0; 64]);
    random::force_syscall(false);
}

#[test]
fn bad_arguments() {
    let _s = serial();
    // NULL with a length: EFAULT; NULL with 0: nothing to do.
    assert_eq!(
        unsafe { syscall_getrandom(std::ptr::null_mut(), 8, 0) },
        -(libc::EFAULT as i64)
    );
    assert_eq!(syscall_last_errno(), libc::EFAULT);
    assert_eq!(unsafe { syscall_getrandom(std::ptr::null_mut(), 0, 0) }, 0);
    // Flags the kernel does not know: EINVAL, as libc's.
    let mut buf = [0u8; 8];
    let oracle = unsafe { libc::getrandom(buf.as_mut_ptr().cast(), 8, 0x100) };
    assert_eq!(oracle, -1);
    let libc_errno = std::io::Error::last_os_error().raw_os_error().unwrap();
    for forced in [false, true] {
        random::force_syscall(forced);
        let r = unsafe { syscall_getrandom(buf.as_mut_ptr(), 8, 0x100) };
        assert_eq!(r, -(libc_errno as i64), "forced {forced}");
    }
    random::force_syscall(false);
    // GRND_NONBLOCK and GRND_INSECURE on a seeded generator: filled.
    for flags in [libc::GRND_NONBLOCK, libc::GRND_INSECURE] {
        assert_eq!(unsafe { syscall_getrandom(buf.as_mut_ptr(), 8, flags) }, 8);
    }
}

/// Many threads at once, each many small reads (one state each, or the syscall when
/// every state is held): all 16-byte results distinct. Two threads sharing a state
/// would hand out the same batch bytes.
#[test]
fn many_threads_at_once_get_distinct_bytes() {
    let _s = serial();
    random::force_syscall(false);
    const THREADS: usize = 48;
    const EACH: usize = 2000;
    let start = std::sync::Barrier::new(THREADS);
    let all: Vec<Vec<[u8; 16]>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    (0..EACH)
                        .map(|_| {
                            let mut b = [0u8; 16];
                            assert_eq!(c_fill(&mut b), 16);
                            b
                        })
                        .collect()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let set: HashSet<[u8; 16]> = all.iter().flatten().copied().collect();
    assert_eq!(set.len(), THREADS * EACH);
}

/// A child forked after the parent used a state: its bytes are not the parent's
/// (the states are mapped wipe-on-fork, so the vDSO reseeds the child's copy).
#[test]
fn a_forked_child_gets_other_bytes() {
    let _s = serial();
    random::force_syscall(false);
    let mut warm = [0u8; 16];
    assert_eq!(c_fill(&mut warm), 16);
    for _ in 0..5 {
        let mut p = [0; 2];
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            let mut b = [0u8; 32];
            let ok = c_fill(&mut b) == 32;
            unsafe {
                libc::write(p[1], b.as_ptr().cast(), 32);
                libc::_exit(if ok { 0 } else { 1 });
            }
        }
        let mut parent = [0u8; 32];
        assert_eq!(c_fill(&mut parent), 32);
        let mut child = [0u8; 32];
        unsafe { libc::close(p[1]) };
        assert_eq!(
            unsafe { libc::read(p[0], child.as_mut_ptr().cast(), 32) },
            32
        );
        unsafe { libc::close(p[0]) };
        let mut status = 0;
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        assert_eq!(status, 0);
        assert_ne!(child, parent, "the child repeated its parent's bytes");
    }
}

#[test]
fn hex_in_place_and_wipe() {
    let mut h = *b"\0\0\0\0\x01\xab\xff\x00";
    random::hex_in_place(&mut h);
    assert_eq!(&h, b"01abff00");
    let mut one = *b"\0\x5a";
    random::hex_in_place(&mut one);
    assert_eq!(&one, b"5a");
    let mut w = [7u8; 9];
    random::wipe(&mut w);
    assert_eq!(w, [0; 9]);
}
