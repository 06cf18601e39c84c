//! The time, thread, environment-removal, stderr and random functions of issue 22
//! beside the model's std versions (model_misc.rs), through the runtime's C
//! signatures; and, natively on a kernel whose vDSO has getrandom, `strace` showing
//! that `rt_random_hex` makes no getrandom system call.

use crate::abi::{self, NIL, Val, int, string, val};
use crate::model_misc as model;
use crate::{b, captured, errno, serial};
use std::time::{Duration, Instant};

mod ours {
    unsafe extern "C" {
        pub fn rt_time_now_nanos() -> i64;
        pub fn rt_time_now_micros() -> i64;
        pub fn rt_thread_sleep(ms: i64);
        pub fn rt_env_remove(p: *const u8, l: u64) -> u8;
        pub fn rt_env_set(p: *const u8, l: u64, v: *const u8, vl: u64) -> u8;
        pub fn rt_env_get(p: *const u8, l: u64) -> u64;
        pub fn rt_stderr_write(v: i64) -> i64;
        pub fn rt_thread_available_parallelism() -> i64;
        pub fn rt_random_hex(len: i64) -> u64;
    }
}

#[test]
fn time_now_nanos_and_micros() {
    for _ in 0..1000 {
        let a = model::time_now_nanos();
        let o = unsafe { ours::rt_time_now_nanos() };
        let z = model::time_now_nanos();
        assert!(a > 0 && a <= o && o <= z, "{a} {o} {z}");
        let a = model::time_now_micros();
        let o = unsafe { ours::rt_time_now_micros() };
        let z = model::time_now_micros();
        assert!(a > 0 && a <= o && o <= z, "{a} {o} {z}");
    }
}

static SIGNALS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

extern "C" fn count_signal(_: i32) {
    SIGNALS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// How long `sleep` takes while another thread sends this one SIGUSR2 (handled, no
/// SA_RESTART: each one interrupts the nanosleep) every 10 ms, and how many signals
/// it took.
fn sleep_under_signals(sleep: impl FnOnce()) -> (Duration, usize) {
    unsafe {
        let mut act: libc::sigaction = std::mem::zeroed();
        act.sa_sigaction = count_signal as extern "C" fn(i32) as usize;
        assert_eq!(
            libc::sigaction(libc::SIGUSR2, &act, std::ptr::null_mut()),
            0
        );
    }
    let me = unsafe { libc::pthread_self() } as usize;
    let done = std::sync::atomic::AtomicBool::new(false);
    let before = SIGNALS.load(std::sync::atomic::Ordering::Relaxed);
    let took = std::thread::scope(|s| {
        s.spawn(|| {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(10));
                unsafe { libc::pthread_kill(me as libc::pthread_t, libc::SIGUSR2) };
            }
        });
        let t = Instant::now();
        sleep();
        let took = t.elapsed();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        took
    });
    (
        took,
        SIGNALS.load(std::sync::atomic::Ordering::Relaxed) - before,
    )
}

#[test]
fn thread_sleep_sleeps_the_whole_time() {
    let _s = serial();
    for ms in [1, 30] {
        let t = Instant::now();
        unsafe { ours::rt_thread_sleep(ms) };
        assert!(t.elapsed() >= Duration::from_millis(ms as u64), "{ms} ms");
    }
    // 0 and less: no sleep (bounded loosely: a sleep of i64::MAX would never end).
    for ms in [0, -1, i64::MIN] {
        let t = Instant::now();
        unsafe { ours::rt_thread_sleep(ms) };
        model::thread_sleep(ms);
        assert!(t.elapsed() < Duration::from_secs(5), "{ms}");
    }
    // A signal that interrupts the sleep does not shorten it, as std's resumes.
    let ours = sleep_under_signals(|| unsafe { ours::rt_thread_sleep(200) });
    let theirs = sleep_under_signals(|| model::thread_sleep(200));
    for (who, (took, signals)) in [("ours", ours), ("std's", theirs)] {
        assert!(took >= Duration::from_millis(200), "{who}: {took:?}");
        assert!(signals > 3, "{who}: the sleep was not interrupted");
    }
}

#[test]
fn available_parallelism() {
    assert_eq!(
        unsafe { ours::rt_thread_available_parallelism() },
        model::thread_available_parallelism()
    );
}

#[test]
fn env_remove() {
    let _s = serial();
    let set = |n: &[u8], v: &[u8]| {
        assert!(b(unsafe {
            ours::rt_env_set(n.as_ptr(), n.len() as u64, v.as_ptr(), v.len() as u64)
        }));
        unsafe {
            std::env::set_var(
                std::str::from_utf8(n).unwrap(),
                std::str::from_utf8(v).unwrap(),
            )
        };
    };
    let remove = |n: *const u8, l: u64| {
        let o = b(unsafe { ours::rt_env_remove(n, l) });
        let m = unsafe { model::env_remove(n, l) };
        assert_eq!(o, m, "remove {l}");
        o
    };
    let name = b"FFI_CONF_REMOVE";
    set(name, b"v");
    assert!(remove(name.as_ptr(), name.len() as u64));
    assert_eq!(
        val(unsafe { ours::rt_env_get(name.as_ptr(), name.len() as u64) }),
        Val::Nil
    );
    assert!(std::env::var_os("FFI_CONF_REMOVE").is_none());
    // Removing what is not set: true.
    assert!(remove(name.as_ptr(), name.len() as u64));
    // Null, and a name that is not UTF-8: false.
    assert!(!remove(std::ptr::null(), 4));
    assert_eq!(errno(), libc::EFAULT);
    assert!(!remove(b"\xff\xfe".as_ptr(), 2));
    assert_eq!(errno(), libc::EILSEQ);
    // Names std's remove_var panics on (the runtime aborts): false with EINVAL here.
    for bad in [&b""[..], b"A=B", b"A\0B"] {
        assert!(!b(unsafe {
            ours::rt_env_remove(bad.as_ptr(), bad.len() as u64)
        }));
        assert_eq!(errno(), libc::EINVAL);
    }
    // A name given twice at start-up goes wholly (the crate's environment may hold it
    // twice; std's has one entry).
    set(name, b"again");
    assert!(remove(name.as_ptr(), name.len() as u64));
    assert_eq!(
        val(unsafe { ours::rt_env_get(name.as_ptr(), name.len() as u64) }),
        Val::Nil
    );
}

#[test]
fn stderr_write_writes_the_display_text() {
    let _s = serial();
    let nested = abi::rt_array_new(2);
    abi::rt_array_push(nested, int(2));
    abi::rt_array_push(nested, string(b"in"));
    let array = abi::rt_array_new(3);
    abi::rt_array_push(array, int(1));
    abi::rt_array_push(array, string(b"a"));
    abi::rt_array_push(array, nested);
    let bytes = abi::rt_byte_array_new(2);
    abi::rt_array_push(bytes, int(7));
    abi::rt_array_push(bytes, int(255));
    let values = [
        string(b"hello"),
        string(b""),
        string(b"caf\xe9 \xf0\x9f\x98\x80"),
        int(42),
        int(-7),
        int(0),
        int(-(1 << 60)),
        NIL,
        0xb,
        0x13,
        0x1b,
        0x23, // a special value with no name
        array,
        abi::rt_array_new(0),
        bytes,
    ];
    for v in values {
        let mut r = (0, 0);
        let o = captured(2, || r.0 = unsafe { ours::rt_stderr_write(v as i64) });
        let m = captured(2, || r.1 = model::stderr_write(v));
        assert_eq!(
            String::from_utf8_lossy(&o),
            String::from_utf8_lossy(&m),
            "{v:#x}"
        );
        assert_eq!(r, (0, 0));
    }
}

fn is_hex(s: &[u8]) -> bool {
    s.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

#[test]
fn random_hex() {
    let _s = serial();
    for forced in [false, true] {
        ffi_syscalls::random::force_syscall(forced);
        for len in [0, -1, i64::MIN] {
            assert_eq!(val(unsafe { ours::rt_random_hex(len) }), Val::Str(vec![]));
            assert_eq!(val(model::random_hex(len)), Val::Str(vec![]));
        }
        for len in [1, 16, 100, 4096] {
            let shape = |v: u64| match val(v) {
                Val::Str(s) => (s.len(), is_hex(&s)),
                other => panic!("{other:?}"),
            };
            let (a, c) = (unsafe { ours::rt_random_hex(len) }, model::random_hex(len));
            assert_eq!(shape(a), shape(c), "len {len}");
            assert_eq!(shape(a), (2 * len as usize, true));
            let again = unsafe { ours::rt_random_hex(len) };
            if len >= 16 {
                assert_ne!(val(a), val(again), "len {len}");
            }
        }
    }
    ffi_syscalls::random::force_syscall(false);
    // More than can be allocated: NIL with ENOMEM (the runtime's vec! aborts).
    assert_eq!(val(unsafe { ours::rt_random_hex(i64::MAX) }), Val::Nil);
    assert_eq!(errno(), libc::ENOMEM);
}

const STRACE_CHILD: &str = "FFI_CONF_STRACE_CHILD";

/// getppid as a marker in the strace output.
fn marker() {
    unsafe { libc::syscall(libc::SYS_getppid) };
}

/// Run by `random_hex_makes_no_getrandom_syscall` under strace: a warm-up (the first
/// state's page, the model's registry and std's hash keys), a marker, 1000
/// `rt_random_hex(16)`, a marker, then 3 with the fallback forced, and a marker.
#[test]
fn strace_child() {
    if std::env::var_os(STRACE_CHILD).is_none() {
        return;
    }
    unsafe { ours::rt_random_hex(16) };
    marker();
    for _ in 0..1000 {
        unsafe { ours::rt_random_hex(16) };
    }
    marker();
    ffi_syscalls::random::force_syscall(true);
    for _ in 0..3 {
        unsafe { ours::rt_random_hex(16) };
    }
    ffi_syscalls::random::force_syscall(false);
    marker();
}

/// `strace -f` of a native run: no getrandom system call from 1000 `rt_random_hex`
/// calls on a kernel whose vDSO has getrandom, and one for each call with the
/// fallback forced (so the trace does see them). Skipped without strace, under
/// qemu-user (tests/random.rs checks that the fallback serves every call there) and
/// on kernels before the vDSO's getrandom.
#[test]
fn random_hex_makes_no_getrandom_syscall() {
    if std::env::var_os(STRACE_CHILD).is_some() {
        return;
    }
    let _s = serial();
    if !ffi_syscalls::random::uses_vdso() {
        eprintln!("skipped: no vDSO getrandom here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("trace");
    let run = std::process::Command::new("strace")
        .args(["-f", "-e", "trace=getrandom,getppid", "-o"])
        .arg(&log)
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", "misc::strace_child", "--test-threads=1", "-q"])
        .env(STRACE_CHILD, "1")
        .stdin(std::process::Stdio::null())
        .output();
    let Ok(out) = run else {
        eprintln!("skipped: no strace");
        return;
    };
    assert!(out.status.success(), "{out:?}");
    let trace = std::fs::read_to_string(&log).unwrap();
    // The test thread's lines (strace -f prefixes each with its thread id), split at
    // the markers.
    let marker_tid = trace
        .lines()
        .find(|l| l.contains("getppid("))
        .and_then(|l| l.split_whitespace().next())
        .expect("no marker in the trace")
        .to_string();
    let lines: Vec<&str> = trace
        .lines()
        .filter(|l| l.split_whitespace().next() == Some(&marker_tid))
        .collect();
    let parts: Vec<usize> = lines
        .split(|l| l.contains("getppid("))
        .map(|part| part.iter().filter(|l| l.contains("getrandom(")).count())
        .collect();
    assert_eq!(parts.len(), 4, "{trace}");
    assert_eq!(
        parts[1], 0,
        "getrandom system calls from rt_random_hex:\n{trace}"
    );
    assert!(parts[2] >= 3, "the forced fallback was not seen:\n{trace}");
    eprintln!(
        "strace: {} getrandom syscalls for 1000 rt_random_hex calls, {} for 3 forced",
        parts[1], parts[2]
    );
}
