//! Each `syscall_*` function beside its std oracle (libc where std has none): equal
//! results; on failure -errno or NULL, with the errno std reports recorded.

mod common;

use common::{Tree, bytes, check, errno_of, serial};
use ffi_syscalls::exports::c::*;
use std::ffi::{CStr, CString, c_char};
use std::io;
use std::path::Path;
use std::ptr::null_mut;

fn c(p: &Path) -> CString {
    CString::new(bytes(p)).unwrap()
}

/// Takes a returned buffer: its bytes, then frees it.
fn take(p: *mut c_char, len: Option<usize>) -> Option<Vec<u8>> {
    if p.is_null() {
        return None;
    }
    let v = match len {
        Some(n) => unsafe { std::slice::from_raw_parts(p.cast::<u8>(), n) }.to_vec(),
        None => unsafe { CStr::from_ptr(p) }.to_bytes().to_vec(),
    };
    unsafe { syscall_free(p) };
    Some(v)
}

fn take_list(p: *mut *mut c_char, count: usize) -> Option<Vec<Vec<u8>>> {
    if p.is_null() {
        return None;
    }
    let mut out = Vec::new();
    for i in 0.. {
        let s = unsafe { *p.add(i) };
        if s.is_null() {
            break;
        }
        out.push(unsafe { CStr::from_ptr(s) }.to_bytes().to_vec());
    }
    assert_eq!(out.len(), count);
    unsafe { syscall_free(p.cast()) };
    Some(out)
}

/// Compares an int-style result (>= 0 or -errno) with the oracle.
fn check_int<T: PartialEq + std::fmt::Debug>(
    what: &str,
    ours: i64,
    oracle: io::Result<T>,
    value: impl Fn(i64) -> T,
) {
    match oracle {
        Ok(v) => assert_eq!(value(ours), v, "{what}"),
        Err(e) => {
            assert_eq!(ours, -i64::from(errno_of(&e)), "{what}: std said {e}");
            assert_eq!(syscall_last_errno(), errno_of(&e), "{what}");
        }
    }
}

#[test]
fn files_match_std() {
    let _s = serial();
    let t = Tree::new();
    for p in t.cases() {
        let cp = c(&p);
        let what = format!("{p:?}");
        let mut len = 0;
        check(
            &what,
            take(
                unsafe { syscall_file_read(cp.as_ptr(), &mut len) },
                Some(len),
            ),
            std::fs::read(&p),
        );
        let mut len = 0;
        check(
            &what,
            take(
                unsafe { syscall_file_mmap_read(cp.as_ptr(), &mut len) },
                Some(len),
            ),
            std::fs::read(&p),
        );
        check_int(
            &what,
            unsafe { syscall_file_size(cp.as_ptr()) },
            std::fs::metadata(&p).map(|m| m.len() as i64),
            |v| v,
        );
        let mut secs = 0i64;
        let r = unsafe { syscall_file_modified_time(cp.as_ptr(), &mut secs) };
        let oracle = std::fs::metadata(&p)
            .and_then(|m| m.modified())
            .map(|t| t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64);
        check_int(&what, i64::from(r), oracle, |_| secs);
        // exists: 1, 0 for missing (errno ENOENT), -errno for what can not be told.
        let e = unsafe { syscall_file_exists(cp.as_ptr()) };
        match std::fs::exists(&p) {
            Ok(b) => {
                assert_eq!(e, i32::from(b), "{what}");
                if !b {
                    assert_eq!(syscall_last_errno(), libc::ENOENT);
                }
            }
            Err(err) => assert_eq!(-e, errno_of(&err), "{what}"),
        }
        let mut count = 0;
        let oracle = std::fs::read_dir(&p).and_then(|d| {
            d.map(|e| e.map(|e| bytes(Path::new(&e.file_name())).to_vec()))
                .collect::<io::Result<Vec<_>>>()
        });
        check(
            &what,
            take_list(unsafe { syscall_dir_list(cp.as_ptr(), &mut count) }, count),
            oracle,
        );
    }
}

#[test]
fn writes_copies_dirs_match_std() {
    let _s = serial();
    let (ours, theirs) = (Tree::new(), Tree::new());
    for name in ["new", "text", "dir", "missing/x", "text/below"] {
        let (o, s) = (c(&ours.p(name)), theirs.p(name));
        let data = b"bytes \xff are fine here\n";
        check_int(
            name,
            i64::from(unsafe { syscall_file_write(o.as_ptr(), data.as_ptr().cast(), data.len()) }),
            std::fs::write(&s, data),
            |_| (),
        );
        let appended = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&s)
            .and_then(|mut f| io::Write::write_all(&mut f, b"+"));
        check_int(
            name,
            i64::from(unsafe { syscall_file_append(o.as_ptr(), b"+".as_ptr().cast(), 1) }),
            appended,
            |_| (),
        );
        assert_eq!(
            std::fs::read(ours.p(name)).ok(),
            std::fs::read(&s).ok(),
            "{name}"
        );
    }
    for (src, dst) in [
        ("big", "copy"),
        ("empty", "copy2"),
        ("missing", "copy3"),
        ("text", "missing/x"),
    ] {
        let r = unsafe { syscall_file_copy(c(&ours.p(src)).as_ptr(), c(&ours.p(dst)).as_ptr()) };
        check_int(
            src,
            r,
            std::fs::copy(theirs.p(src), theirs.p(dst)).map(|n| n as i64),
            |v| v,
        );
        assert_eq!(
            std::fs::read(ours.p(dst)).ok(),
            std::fs::read(theirs.p(dst)).ok()
        );
    }
    let proc_copy = ours.p("version");
    let n = unsafe { syscall_file_copy(c"/proc/version".as_ptr(), c(&proc_copy).as_ptr()) };
    assert_eq!(
        std::fs::read(&proc_copy).unwrap(),
        std::fs::read("/proc/version").unwrap()
    );
    assert_eq!(n as usize, std::fs::read("/proc/version").unwrap().len());
    for name in ["text", "dir", "missing"] {
        let r = unsafe { syscall_file_delete(c(&ours.p(name)).as_ptr()) };
        check_int(
            name,
            i64::from(r),
            std::fs::remove_file(theirs.p(name)),
            |_| (),
        );
    }
    for (name, rec) in [
        ("n1", 0),
        ("n1", 0),
        ("p/q/r", 0),
        ("p/q/r", 1),
        ("p/q/r", 1),
        ("big/x", 1),
    ] {
        let r = unsafe { syscall_dir_create(c(&ours.p(name)).as_ptr(), rec) };
        let oracle = if rec == 1 {
            std::fs::create_dir_all(theirs.p(name))
        } else {
            std::fs::create_dir(theirs.p(name))
        };
        check_int(name, i64::from(r), oracle, |_| ());
    }
}

#[test]
fn lock_env_process_system_match_oracles() {
    let _s = serial();
    let t = Tree::new();
    let lock = c(&t.p("lock"));
    let h = unsafe { syscall_file_lock(lock.as_ptr()) };
    assert!(h >= 0);
    assert_eq!(
        unsafe { syscall_file_lock(lock.as_ptr()) },
        -libc::EWOULDBLOCK
    );
    assert_eq!(syscall_file_unlock(h), 0);
    assert_eq!(syscall_file_unlock(h), -libc::EBADF);
    assert_eq!(
        unsafe { syscall_file_lock(c(&t.p("missing/x")).as_ptr()) },
        -libc::ENOENT
    );

    assert_eq!(
        take(syscall_env_cwd(), None).unwrap(),
        bytes(&std::env::current_dir().unwrap())
    );
    assert_eq!(
        take(syscall_env_home(), None).unwrap(),
        bytes(Path::new(&std::env::var_os("HOME").unwrap()))
    );
    assert_eq!(
        take(unsafe { syscall_env_get(c"PATH".as_ptr()) }, None).unwrap(),
        bytes(Path::new(&std::env::var_os("PATH").unwrap()))
    );
    assert_eq!(
        take(
            unsafe { syscall_env_get(c"NOT_SET_ANYWHERE_X".as_ptr()) },
            None
        ),
        None
    );
    assert_eq!(
        unsafe { syscall_env_set(c"C_ABI_VAR".as_ptr(), c"v1".as_ptr()) },
        0
    );
    assert_eq!(
        take(unsafe { syscall_env_get(c"C_ABI_VAR".as_ptr()) }, None).unwrap(),
        b"v1"
    );
    assert_eq!(
        unsafe { syscall_env_set(c"A=B".as_ptr(), c"v".as_ptr()) },
        -libc::EINVAL
    );
    assert_eq!(
        take(unsafe { syscall_env_get(c"A=B".as_ptr()) }, None),
        None
    );
    assert_eq!(syscall_last_errno(), libc::EINVAL);
    let mut count = 0;
    let args = take_list(unsafe { syscall_args(&mut count) }, count).unwrap();
    assert_eq!(
        args,
        std::env::args_os()
            .map(|a| bytes(Path::new(&a)).to_vec())
            .collect::<Vec<_>>()
    );

    assert_eq!(syscall_getpid() as u32, std::process::id());
    // The affinity count capped by any cgroup CPU quota, as std counts.
    let cpus = std::thread::available_parallelism().unwrap().get();
    assert_eq!(syscall_system_cpu_count() as usize, cpus);
    let mut buf = [0u8; 256];
    unsafe { libc::gethostname(buf.as_mut_ptr().cast(), 256) };
    assert_eq!(
        take(syscall_hostname(), None).unwrap(),
        CStr::from_bytes_until_nul(&buf).unwrap().to_bytes()
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64;
    assert!((syscall_time_now_unix_micros() - now).abs() < 5_000_000);

    // process_run: output, exit code, signal death, spawn failure.
    let run = |cmd: &CStr, args: &[&CStr]| {
        let mut ptrs: Vec<*const c_char> = args.iter().map(|a| a.as_ptr()).collect();
        ptrs.push(std::ptr::null());
        let mut out = SyscallOutput {
            stdout_data: null_mut(),
            stdout_len: 0,
            stderr_data: null_mut(),
            stderr_len: 0,
            exit_code: 0,
        };
        let r = unsafe { syscall_process_run(cmd.as_ptr(), ptrs.as_ptr(), &mut out) };
        (
            r,
            take(out.stdout_data, Some(out.stdout_len)),
            take(out.stderr_data, Some(out.stderr_len)),
            out.exit_code,
        )
    };
    assert_eq!(
        run(c"sh", &[c"-c", c"echo o; echo e >&2; exit 3"]),
        (0, Some(b"o\n".to_vec()), Some(b"e\n".to_vec()), 3)
    );
    assert_eq!(
        run(c"sh", &[c"-c", c"kill -TERM $$"]),
        (0, Some(vec![]), Some(vec![]), -1)
    );
    assert_eq!(
        run(c"no-such-command-x", &[]),
        (-libc::ENOENT, None, None, -1)
    );
    assert_eq!(syscall_last_errno(), libc::ENOENT);
    let mut out = SyscallOutput {
        stdout_data: null_mut(),
        stdout_len: 0,
        stderr_data: null_mut(),
        stderr_len: 0,
        exit_code: 0,
    };
    assert_eq!(
        unsafe { syscall_process_run(c"true".as_ptr(), std::ptr::null(), &mut out) },
        0
    );
    assert_eq!(out.exit_code, 0);
    unsafe { syscall_free(out.stdout_data) };
    unsafe { syscall_free(out.stderr_data) };
    assert_eq!(
        unsafe { syscall_process_run(c"true".as_ptr(), std::ptr::null(), null_mut()) },
        -libc::EFAULT
    );

    // write_all on a pipe, and on /dev/full.
    let mut fds = [0; 2];
    unsafe { libc::pipe(fds.as_mut_ptr()) };
    assert_eq!(
        unsafe { syscall_write_all(fds[1], b"abc".as_ptr().cast(), 3) },
        0
    );
    let mut b = [0u8; 3];
    assert_eq!(unsafe { libc::read(fds[0], b.as_mut_ptr().cast(), 3) }, 3);
    assert_eq!(&b, b"abc");
    unsafe { libc::close(fds[0]) };
    unsafe { libc::close(fds[1]) };
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let r = unsafe {
        syscall_write_all(
            std::os::fd::AsRawFd::as_raw_fd(&full),
            b"x".as_ptr().cast(),
            1,
        )
    };
    assert_eq!(r, -libc::ENOSPC);
}

#[test]
fn null_pointers_are_efault() {
    let _s = serial();
    let null = std::ptr::null::<c_char>();
    assert_eq!(unsafe { syscall_file_exists(null) }, -libc::EFAULT);
    assert!(unsafe { syscall_file_read(null, null_mut()) }.is_null());
    assert_eq!(syscall_last_errno(), libc::EFAULT);
    assert_eq!(
        unsafe { syscall_file_write(null, null.cast(), 0) },
        -libc::EFAULT
    );
    assert_eq!(
        unsafe { syscall_file_write(c"/dev/null".as_ptr(), null.cast(), 4) },
        -libc::EFAULT
    );
    assert_eq!(
        unsafe { syscall_file_write(c"/dev/null".as_ptr(), null.cast(), 0) },
        0
    );
    assert_eq!(unsafe { syscall_file_size(null) }, -i64::from(libc::EFAULT));
    assert_eq!(
        unsafe { syscall_file_modified_time(c"/".as_ptr(), null_mut()) },
        -libc::EFAULT
    );
    assert_eq!(
        unsafe { syscall_file_copy(c"/etc/hostname".as_ptr(), null) },
        -i64::from(libc::EFAULT)
    );
    assert!(unsafe { syscall_dir_list(null, null_mut()) }.is_null());
    assert_eq!(
        unsafe { syscall_env_set(c"X".as_ptr(), null) },
        -libc::EFAULT
    );
    assert_eq!(
        unsafe { syscall_write_all(1, null.cast(), 1) },
        -libc::EFAULT
    );
    // A length no slice can have is refused before any slice is made (write(2) would
    // say EFAULT or write what it can; nothing may be written here).
    let byte = [b'x'];
    assert_eq!(
        unsafe { syscall_write_all(1, byte.as_ptr(), usize::MAX) },
        -libc::EINVAL
    );
    assert_eq!(
        unsafe {
            syscall_file_write(
                c"/dev/null".as_ptr(),
                byte.as_ptr(),
                isize::MAX as usize + 1,
            )
        },
        -libc::EINVAL
    );
    unsafe { syscall_free(null_mut()) };
    let long = CString::new("/".to_string() + &"y".repeat(5000)).unwrap();
    assert!(unsafe { syscall_file_read(long.as_ptr(), null_mut()) }.is_null());
    assert_eq!(syscall_last_errno(), libc::ENAMETOOLONG);
}
