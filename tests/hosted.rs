//! The hosted API's bytes level, in a hosted build (feature `hosted`: no environment,
//! arguments or exit of the crate's own), against std. Its value level is what the
//! standalone `rt_*` functions return, which the conformance suite checks; the
//! runtime-level behaviours are the integration model's.

use ffi_syscalls::{Errno, hosted};
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// std's environment as the runtime's body passes it: a snapshot taken under std's
/// own lock (`vars_os`).
fn std_env() -> Vec<(OsString, OsString)> {
    std::env::vars_os().collect()
}

fn pairs(env: &[(OsString, OsString)]) -> Vec<(&[u8], &[u8])> {
    env.iter()
        .map(|(n, v)| (n.as_bytes(), v.as_bytes()))
        .collect()
}

/// A variable std set after start-up reaches the child, and one std removed does
/// not: the child's environment is the caller's, not a copy the crate took at
/// start-up (which is what made rt_process_run's children miss std's `set_var`).
#[test]
fn process_run_child_gets_the_callers_environment() {
    // SAFETY: this test binary's only test that touches the environment.
    unsafe {
        std::env::set_var("HOSTED_FROM_STD", "seen");
        std::env::remove_var("HOME");
    }
    let env = std_env();
    let out = hosted::process_run(b"env", &[], &pairs(&env)).unwrap();
    assert_eq!(out.code, 0);
    let lines: Vec<&[u8]> = out.stdout.split(|&c| c == b'\n').collect();
    assert!(lines.contains(&&b"HOSTED_FROM_STD=seen"[..]));
    assert!(!lines.iter().any(|l| l.starts_with(b"HOME=")));
    // Exactly the entries given, in order (`env` prints them as it got them).
    let expected: Vec<Vec<u8>> = env
        .iter()
        .map(|(n, v)| [n.as_bytes(), b"=", v.as_bytes()].concat())
        .collect();
    let got: Vec<Vec<u8>> = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.to_vec())
        .collect();
    assert_eq!(got, expected);
}

/// The PATH searched is the one in the environment given, not the process's.
#[test]
fn process_run_searches_the_given_path() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("hosted-only-here");
    std::fs::write(&script, "#!/bin/sh\necho found \"$1\"\n").unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = [dir.path().as_os_str().as_bytes(), b":/bin:/usr/bin"].concat();
    let env: [(&[u8], &[u8]); 1] = [(b"PATH", &path)];
    let out = hosted::process_run(b"hosted-only-here", &[b"x"], &env).unwrap();
    assert_eq!((out.stdout, out.code), (b"found x\n".to_vec(), 0));
    // Without PATH in the given environment: glibc's default, /bin:/usr/bin.
    let out = hosted::process_run(b"hosted-only-here", &[], &[]);
    assert_eq!(out.err(), Some(Errno::ENOENT));
    // ... where `env` is found, and prints the empty environment it got.
    let out = hosted::process_run(b"env", &[], &[]).unwrap();
    assert_eq!((out.stdout, out.code), (Vec::new(), 0));
}

/// An entry no `execve` could pass is refused before anything starts.
#[test]
fn process_run_refuses_bad_entries() {
    for (name, value) in [
        (&b""[..], &b"v"[..]),
        (b"A=B", b"v"),
        (b"A\0", b"v"),
        (b"A", b"v\0"),
    ] {
        let env = [(name, value)];
        assert_eq!(
            hosted::process_run(b"true", &[], &env).err(),
            Some(Errno::EINVAL),
            "{name:?}={value:?}"
        );
    }
}

#[test]
fn files_as_std() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.txt");
    let pb = p.as_os_str().as_bytes();
    hosted::file_write_text(pb, b"a\r\nb\rc\n").unwrap();
    hosted::file_append_text(pb, "é\r".as_bytes()).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), "a\r\nb\rc\né\r".as_bytes());
    assert!(hosted::file_exists(pb));
    assert_eq!(
        hosted::file_size(pb),
        Ok(std::fs::metadata(&p).unwrap().len())
    );
    // The text without any '\r', whole or lent.
    assert_eq!(hosted::file_read_text(pb).unwrap(), "a\nbc\né".as_bytes());
    let lent = hosted::file_read_text_with(pb, |t| Ok(t.to_vec())).unwrap();
    assert_eq!(lent, "a\nbc\né".as_bytes());
    // Bytes as they are.
    assert_eq!(
        hosted::file_mmap_read_bytes(pb).unwrap(),
        std::fs::read(&p).unwrap()
    );
    // Not UTF-8: EILSEQ for the text, U+FFFD for the lossy text.
    std::fs::write(&p, b"x\xffy").unwrap();
    assert_eq!(hosted::file_read_text(pb), Err(Errno::EILSEQ));
    assert_eq!(
        hosted::file_mmap_read_text(pb).unwrap(),
        "x\u{FFFD}y".as_bytes()
    );
    let q = dir.path().join("copy");
    let qb = q.as_os_str().as_bytes();
    assert_eq!(hosted::file_copy(pb, qb), Ok(3));
    hosted::dir_create(dir.path().join("d/e").as_os_str().as_bytes(), true).unwrap();
    let mut names: Vec<Vec<u8>> = hosted::dir_list(dir.path().as_os_str().as_bytes())
        .unwrap()
        .iter()
        .map(<[u8]>::to_vec)
        .collect();
    names.sort();
    assert_eq!(names, [&b"copy"[..], b"d", b"t.txt"]);
    hosted::file_remove(qb).unwrap();
    assert!(!hosted::file_exists(qb));
    assert_eq!(hosted::last_errno(), Errno::ENOENT.into_raw());
    let fd = hosted::file_lock(pb, 0).unwrap();
    hosted::file_unlock(fd).unwrap();
}

#[test]
fn process_facts_as_std() {
    assert_eq!(hosted::getpid() as u32, std::process::id());
    assert_eq!(
        hosted::env_cwd().unwrap(),
        std::env::current_dir().unwrap().into_os_string().into_vec()
    );
    let std_count = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(hosted::system_cpu_count(), std_count);
    let uname = rustix::system::uname();
    assert_eq!(hosted::hostname().unwrap(), uname.nodename().to_bytes());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64;
    let ours = hosted::time_now_unix_micros().unwrap();
    assert!((ours - now).abs() < 60_000_000, "{ours} {now}");
}

/// Issue 22's hosted functions beside std: the sleep, the CPU count, random bytes and
/// hex (through the vDSO and through the forced system call), the monotonic clock of
/// the C ABI the runtime's C file calls.
#[test]
fn time_threads_and_random_as_std() {
    let t = std::time::Instant::now();
    hosted::thread_sleep(15);
    assert!(t.elapsed() >= std::time::Duration::from_millis(15));
    hosted::thread_sleep(-1);
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get() as i64);
    assert_eq!(hosted::thread_available_parallelism(), cpus);
    for forced in [false, true] {
        ffi_syscalls::random::force_syscall(forced);
        let mut a = [0u8; 32];
        let mut b = [0u8; 32];
        hosted::getrandom(&mut a).unwrap();
        hosted::getrandom(&mut b).unwrap();
        assert_ne!(a, b);
        assert_eq!(hosted::random_hex(0).unwrap(), b"");
        assert_eq!(hosted::random_hex(-9).unwrap(), b"");
        let h = hosted::random_hex(24).unwrap();
        assert_eq!(h.len(), 48);
        assert!(h.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
        assert_eq!(hosted::random_hex(i64::MAX), Err(Errno::ENOMEM));
    }
    ffi_syscalls::random::force_syscall(false);
    let mono = || {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
        ts.tv_sec * 1_000_000_000 + ts.tv_nsec
    };
    let (a, n, z) = (
        mono(),
        ffi_syscalls::exports::c::syscall_time_now_nanos(),
        mono(),
    );
    assert!(a <= n && n <= z, "{a} {n} {z}");
}
