//! Every `sys` wrapper beside libc on the same input: equal results, equal errno.
//! Failure cases pass the same bad argument to both.

use ffi_syscalls::Errno;
use ffi_syscalls::sys::{self, AT_FDCWD, uapi};
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// libc's "-1 and errno" as the `Result` our wrappers return.
fn lc(r: i64) -> Result<usize, Errno> {
    if r == -1 {
        Err(Errno::new(
            std::io::Error::last_os_error().raw_os_error().unwrap(),
        ))
    } else {
        Ok(r as usize)
    }
}

fn nul(p: &Path) -> Vec<u8> {
    let mut v = p.as_os_str().as_bytes().to_vec();
    v.push(0);
    v
}

fn cstr(p: &Path) -> CString {
    CString::new(p.as_os_str().as_bytes()).unwrap()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

const RDONLY: u32 = uapi::O_RDONLY | uapi::O_CLOEXEC;

fn libc_open(p: &Path, flags: i32) -> Result<usize, Errno> {
    lc(unsafe { libc::open(cstr(p).as_ptr(), flags | libc::O_CLOEXEC, 0o644) } as i64)
}

#[test]
fn openat_matches_libc() {
    let d = tmp();
    let f = d.path().join("f");
    std::fs::write(&f, b"abc").unwrap();
    let ours = sys::openat(AT_FDCWD, &nul(&f), RDONLY, 0).unwrap();
    assert!(ours >= 0);
    sys::close(ours).unwrap();

    let cases: [(std::path::PathBuf, u32, i32); 4] = [
        (d.path().join("missing"), RDONLY, libc::O_RDONLY),
        (
            f.clone(),
            RDONLY | uapi::O_DIRECTORY,
            libc::O_RDONLY | libc::O_DIRECTORY,
        ),
        (f.join("below"), RDONLY, libc::O_RDONLY),
        (
            d.path().to_path_buf(),
            uapi::O_WRONLY | uapi::O_CLOEXEC,
            libc::O_WRONLY,
        ),
    ];
    for (p, ours_flags, libc_flags) in cases {
        let expected = libc_open(&p, libc_flags);
        assert!(expected.is_err(), "{p:?}");
        assert_eq!(
            sys::openat(AT_FDCWD, &nul(&p), ours_flags, 0).map(|f| f as usize),
            expected,
            "{p:?}"
        );
    }
    // A path must end in its only NUL: refused before the kernel sees it.
    assert_eq!(
        sys::openat(AT_FDCWD, b"/etc/hostname", RDONLY, 0),
        Err(Errno::EINVAL)
    );
    assert_eq!(
        sys::openat(AT_FDCWD, b"/etc\0/hostname\0", RDONLY, 0),
        Err(Errno::EINVAL)
    );
    assert_eq!(sys::openat(AT_FDCWD, b"", RDONLY, 0), Err(Errno::EINVAL));
    // A path over PATH_MAX: the kernel's own ENAMETOOLONG, like libc.
    let long = Path::new("/").join("a".repeat(5000));
    assert_eq!(
        sys::openat(AT_FDCWD, &nul(&long), RDONLY, 0).map(|f| f as usize),
        libc_open(&long, 0)
    );
    assert_eq!(libc_open(&long, 0), Err(Errno::ENAMETOOLONG));
    // Bad dirfd with a relative path.
    assert_eq!(
        sys::openat(987_654, b"x\0", RDONLY, 0).map(|f| f as usize),
        lc(unsafe { libc::openat(987_654, c"x".as_ptr(), libc::O_RDONLY) } as i64)
    );
}

#[test]
fn read_write_match_libc() {
    let [r, w] = sys::pipe2(uapi::O_CLOEXEC).unwrap();
    assert_eq!(unsafe { sys::write(w, b"hello".as_ptr(), 5) }, Ok(5));
    assert_eq!(unsafe { libc::write(w, b"world".as_ptr().cast(), 5) }, 5);
    let mut a = [0u8; 3];
    let mut b = [0u8; 16];
    assert_eq!(unsafe { sys::read(r, a.as_mut_ptr(), 3) }, Ok(3));
    assert_eq!(
        lc(unsafe { libc::read(r, b.as_mut_ptr().cast(), 16) } as i64),
        Ok(7)
    );
    assert_eq!((&a, &b[..7]), (b"hel", &b"loworld"[..]));
    sys::close(r).unwrap();
    sys::close(w).unwrap();

    // Closed descriptor.
    let mut buf = [0u8; 4];
    assert_eq!(
        unsafe { sys::read(r, buf.as_mut_ptr(), 4) },
        lc(unsafe { libc::read(r, buf.as_mut_ptr().cast(), 4) } as i64)
    );
    assert_eq!(unsafe { sys::write(w, buf.as_ptr(), 4) }, Err(Errno::EBADF));
    // A pointer the kernel rejects.
    let zero = sys::openat(AT_FDCWD, b"/dev/zero\0", RDONLY, 0).unwrap();
    let bad = 8 as *mut u8;
    let expected = lc(unsafe { libc::read(zero, bad.cast(), 16) } as i64);
    assert_eq!(expected, Err(Errno::EFAULT));
    assert_eq!(unsafe { sys::read(zero, bad, 16) }, expected);
    let null = sys::openat(
        AT_FDCWD,
        b"/dev/null\0",
        uapi::O_WRONLY | uapi::O_CLOEXEC,
        0,
    )
    .unwrap();
    assert_eq!(
        unsafe { sys::write(null, bad, 16) },
        lc(unsafe { libc::write(null, bad.cast(), 16) } as i64)
    );
    // Writing to a read-only descriptor.
    assert_eq!(
        unsafe { sys::write(zero, b"x".as_ptr(), 1) },
        lc(unsafe { libc::write(zero, b"x".as_ptr().cast(), 1) } as i64)
    );
    sys::close(zero).unwrap();
    sys::close(null).unwrap();
}

#[test]
fn pread64_matches_libc() {
    let d = tmp();
    let f = d.path().join("f");
    std::fs::write(&f, b"0123456789").unwrap();
    let fd = sys::openat(AT_FDCWD, &nul(&f), RDONLY, 0).unwrap();
    let (mut a, mut b) = ([0u8; 4], [0u8; 4]);
    assert_eq!(
        unsafe { sys::pread64(fd, a.as_mut_ptr(), 4, 6) },
        lc(unsafe { libc::pread(fd, b.as_mut_ptr().cast(), 4, 6) } as i64)
    );
    assert_eq!(&a, b"6789");
    assert_eq!(a, b);
    // Past the end: 0, not an error.
    assert_eq!(unsafe { sys::pread64(fd, a.as_mut_ptr(), 4, 100) }, Ok(0));
    sys::close(fd).unwrap();
    // A pipe cannot seek.
    let [r, w] = sys::pipe2(uapi::O_CLOEXEC).unwrap();
    let expected = lc(unsafe { libc::pread(r, b.as_mut_ptr().cast(), 4, 0) } as i64);
    assert_eq!(expected, Err(Errno::ESPIPE));
    assert_eq!(unsafe { sys::pread64(r, a.as_mut_ptr(), 4, 0) }, expected);
    sys::close(r).unwrap();
    sys::close(w).unwrap();
}

#[test]
fn close_matches_libc() {
    let fd = sys::openat(AT_FDCWD, b"/dev/null\0", RDONLY, 0).unwrap();
    assert_eq!(sys::close(fd), Ok(()));
    assert_eq!(
        sys::close(fd).map(|_| 0),
        lc(unsafe { libc::close(fd) } as i64)
    );
    assert_eq!(sys::close(-1), Err(Errno::EBADF));
}

fn libc_statx(p: &Path, flags: i32) -> Result<libc::statx, Errno> {
    let mut st: libc::statx = unsafe { std::mem::zeroed() };
    lc(unsafe {
        libc::statx(
            libc::AT_FDCWD,
            cstr(p).as_ptr(),
            flags,
            libc::STATX_BASIC_STATS,
            &mut st,
        )
    } as i64)?;
    Ok(st)
}

fn our_statx(p: &[u8], flags: u32) -> Result<uapi::statx, Errno> {
    let mut st: uapi::statx = unsafe { std::mem::zeroed() };
    sys::statx(AT_FDCWD, p, flags, uapi::STATX_BASIC_STATS, &mut st)?;
    Ok(st)
}

#[test]
fn statx_matches_libc() {
    let d = tmp();
    let f = d.path().join("f");
    std::fs::write(&f, vec![7u8; 12345]).unwrap();
    for p in [
        f.as_path(),
        d.path(),
        Path::new("/proc/self/status"),
        Path::new("/dev/null"),
    ] {
        let (o, l) = (our_statx(&nul(p), 0).unwrap(), libc_statx(p, 0).unwrap());
        assert_eq!(
            (
                o.stx_size,
                o.stx_mode,
                o.stx_ino,
                o.stx_mtime.tv_sec,
                o.stx_mtime.tv_nsec
            ),
            (
                l.stx_size,
                l.stx_mode,
                l.stx_ino,
                l.stx_mtime.tv_sec,
                l.stx_mtime.tv_nsec
            ),
            "{p:?}"
        );
    }
    assert_eq!(our_statx(&nul(&f), 0).unwrap().stx_size, 12345);
    // fstat form: an empty path with AT_EMPTY_PATH on a descriptor.
    let fd = sys::openat(AT_FDCWD, &nul(&f), RDONLY, 0).unwrap();
    let mut st: uapi::statx = unsafe { std::mem::zeroed() };
    sys::statx(
        fd,
        b"\0",
        uapi::AT_EMPTY_PATH,
        uapi::STATX_BASIC_STATS,
        &mut st,
    )
    .unwrap();
    assert_eq!(st.stx_size, 12345);
    sys::close(fd).unwrap();
    // Failures.
    for p in [
        d.path().join("missing"),
        f.join("below"),
        Path::new("/").join("x".repeat(5000)),
    ] {
        let expected = libc_statx(&p, 0).map(|s| s.stx_size);
        assert!(expected.is_err());
        assert_eq!(
            our_statx(&nul(&p), 0).map(|s| s.stx_size),
            expected,
            "{p:?}"
        );
    }
    // A symlink loop.
    let a = d.path().join("a");
    let b = d.path().join("b");
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    assert_eq!(
        our_statx(&nul(&a), 0).map(|s| s.stx_size),
        libc_statx(&a, 0).map(|s| s.stx_size)
    );
    assert_eq!(
        our_statx(&nul(&a), 0).map(|s| s.stx_size),
        Err(Errno::ELOOP)
    );
    assert_eq!(
        our_statx(b"no-nul", 0).map(|s| s.stx_size),
        Err(Errno::EINVAL)
    );
}

/// Names from a getdents64 buffer, `.` and `..` included.
fn our_dir_names(fd: i32) -> Result<Vec<Vec<u8>>, Errno> {
    let mut names = Vec::new();
    let mut buf = vec![0u8; 4096];
    loop {
        let n = unsafe { sys::getdents64(fd, buf.as_mut_ptr(), buf.len()) }?;
        if n == 0 {
            return Ok(names);
        }
        let mut off = 0;
        while off < n {
            let reclen = u16::from_ne_bytes([buf[off + 16], buf[off + 17]]) as usize;
            let name = &buf[off + 19..off + reclen];
            names.push(name[..name.iter().position(|&c| c == 0).unwrap()].to_vec());
            off += reclen;
        }
    }
}

#[test]
fn getdents64_matches_read_dir() {
    let d = tmp();
    for i in 0..300 {
        std::fs::write(d.path().join(format!("entry-{i}")), b"").unwrap();
    }
    std::fs::write(
        d.path().join(std::ffi::OsStr::from_bytes(b"bad-\xff-utf8")),
        b"",
    )
    .unwrap();
    let fd = sys::openat(AT_FDCWD, &nul(d.path()), RDONLY | uapi::O_DIRECTORY, 0).unwrap();
    let mut ours = our_dir_names(fd).unwrap();
    sys::close(fd).unwrap();
    ours.sort();
    let mut expected: Vec<Vec<u8>> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().as_bytes().to_vec())
        .chain([b".".to_vec(), b"..".to_vec()])
        .collect();
    expected.sort();
    assert_eq!(ours, expected);
    // On a file descriptor that is not a directory, and on a closed one.
    let f = d.path().join("entry-0");
    let fd = sys::openat(AT_FDCWD, &nul(&f), RDONLY, 0).unwrap();
    let mut buf = [0u8; 512];
    let expected = lc(unsafe { libc::syscall(libc::SYS_getdents64, fd, buf.as_mut_ptr(), 512) });
    assert_eq!(expected, Err(Errno::ENOTDIR));
    assert_eq!(
        unsafe { sys::getdents64(fd, buf.as_mut_ptr(), 512) },
        expected
    );
    sys::close(fd).unwrap();
    assert_eq!(
        unsafe { sys::getdents64(fd, buf.as_mut_ptr(), 512) },
        Err(Errno::EBADF)
    );
    // A buffer too small for one record.
    let fd = sys::openat(AT_FDCWD, &nul(d.path()), RDONLY | uapi::O_DIRECTORY, 0).unwrap();
    assert_eq!(
        unsafe { sys::getdents64(fd, buf.as_mut_ptr(), 4) },
        Err(Errno::EINVAL)
    );
    sys::close(fd).unwrap();
}

#[test]
fn mkdirat_unlinkat_renameat2_match_libc() {
    let d = tmp();
    let a = d.path().join("a");
    let b = d.path().join("b");
    assert_eq!(sys::mkdirat(AT_FDCWD, &nul(&a), 0o755), Ok(()));
    assert!(a.is_dir());
    // Exists already; parent missing; parent is a file.
    let f = d.path().join("f");
    std::fs::write(&f, b"x").unwrap();
    for p in [a.clone(), d.path().join("x/y"), f.join("z")] {
        let expected = lc(unsafe { libc::mkdir(cstr(&p).as_ptr(), 0o755) } as i64).map(drop);
        assert!(expected.is_err());
        assert_eq!(sys::mkdirat(AT_FDCWD, &nul(&p), 0o755), expected, "{p:?}");
    }
    // rename
    assert_eq!(
        sys::renameat2(AT_FDCWD, &nul(&a), AT_FDCWD, &nul(&b), 0),
        Ok(())
    );
    assert!(b.is_dir() && !a.exists());
    let expected =
        lc(unsafe { libc::rename(cstr(&a).as_ptr(), cstr(&b).as_ptr()) } as i64).map(drop);
    assert_eq!(expected, Err(Errno::ENOENT));
    assert_eq!(
        sys::renameat2(AT_FDCWD, &nul(&a), AT_FDCWD, &nul(&b), 0),
        expected
    );
    // RENAME_NOREPLACE onto an existing name.
    assert_eq!(
        sys::renameat2(
            AT_FDCWD,
            &nul(&f),
            AT_FDCWD,
            &nul(&b),
            uapi::RENAME_NOREPLACE
        ),
        Err(Errno::EEXIST)
    );
    // unlink: a directory without AT_REMOVEDIR, a missing file, then the real thing.
    let expected = lc(unsafe { libc::unlink(cstr(&b).as_ptr()) } as i64).map(drop);
    assert_eq!(expected, Err(Errno::EISDIR));
    assert_eq!(sys::unlinkat(AT_FDCWD, &nul(&b), 0), expected);
    let expected = lc(unsafe { libc::rmdir(cstr(&f).as_ptr()) } as i64).map(drop);
    assert_eq!(
        sys::unlinkat(AT_FDCWD, &nul(&f), uapi::AT_REMOVEDIR),
        expected
    );
    assert_eq!(
        sys::unlinkat(AT_FDCWD, &nul(&b), uapi::AT_REMOVEDIR),
        Ok(())
    );
    assert_eq!(sys::unlinkat(AT_FDCWD, &nul(&f), 0), Ok(()));
    assert_eq!(
        sys::unlinkat(AT_FDCWD, &nul(&f), 0),
        lc(unsafe { libc::unlink(cstr(&f).as_ptr()) } as i64).map(drop)
    );
    assert!(!f.exists() && !b.exists());
}

#[test]
fn getcwd_matches_libc() {
    let mut buf = [0u8; 4096];
    let n = unsafe { sys::getcwd(buf.as_mut_ptr(), buf.len()) }.unwrap();
    assert_eq!(
        &buf[..n - 1],
        std::env::current_dir().unwrap().as_os_str().as_bytes()
    );
    assert_eq!(buf[n - 1], 0);
    let mut small = [0u8; 2];
    let expected = if unsafe { libc::getcwd(small.as_mut_ptr().cast(), 2) }.is_null() {
        Err(Errno::new(
            std::io::Error::last_os_error().raw_os_error().unwrap(),
        ))
    } else {
        Ok(0)
    };
    assert_eq!(expected, Err(Errno::ERANGE));
    assert_eq!(unsafe { sys::getcwd(small.as_mut_ptr(), 2) }, expected);
    assert_eq!(
        unsafe { sys::getcwd(8 as *mut u8, 4096) },
        Err(Errno::EFAULT)
    );
}

#[test]
fn uname_matches_libc() {
    // The kernel's only failure is EFAULT, which the &mut argument rules out.
    let mut ours: linux_raw_sys::system::new_utsname = unsafe { std::mem::zeroed() };
    sys::uname(&mut ours).unwrap();
    let mut theirs: libc::utsname = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::uname(&mut theirs) }, 0);
    let field = |f: &[std::ffi::c_char]| {
        f.iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c.to_ne_bytes()[0])
            .collect::<Vec<u8>>()
    };
    assert_eq!(field(&ours.nodename), field(&theirs.nodename));
    assert_eq!(field(&ours.machine), field(&theirs.machine));
    assert_eq!(field(&ours.release), field(&theirs.release));
}

#[test]
fn getpid_getuid_match_libc() {
    // Neither can fail.
    assert_eq!(sys::getpid(), unsafe { libc::getpid() });
    assert_eq!(sys::getpid() as u32, std::process::id());
    assert_eq!(sys::getuid(), unsafe { libc::getuid() });
}

#[test]
fn sched_getaffinity_matches_libc() {
    let mut ours = [0u8; 128];
    let n = unsafe { sys::sched_getaffinity(0, ours.len(), ours.as_mut_ptr()) }.unwrap();
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::sched_getaffinity(0, std::mem::size_of_val(&set), &mut set) },
        0
    );
    let ours_count: u32 = ours[..n].iter().map(|b| b.count_ones()).sum();
    assert_eq!(ours_count as i32, unsafe { libc::CPU_COUNT(&set) });
    assert_eq!(
        ours_count as usize,
        std::thread::available_parallelism().unwrap().get()
    );
    // A mask smaller than the kernel's, and a process that does not exist.
    let mut tiny = [0u8; 1];
    let expected =
        lc(unsafe { libc::syscall(libc::SYS_sched_getaffinity, 0, 1, tiny.as_mut_ptr()) });
    assert_eq!(
        unsafe { sys::sched_getaffinity(0, 1, tiny.as_mut_ptr()) },
        expected
    );
    assert_eq!(
        unsafe { sys::sched_getaffinity(0x3fff_ffff, 128, ours.as_mut_ptr()) },
        Err(Errno::ESRCH)
    );
}

/// fork through our clone, run `child` there (raw syscalls only), reap it.
fn fork_and_wait(child: impl FnOnce()) -> i32 {
    let pid = unsafe { sys::clone(uapi::SIGCHLD as usize, 0, 0, 0, 0) }.unwrap();
    if pid == 0 {
        child();
        sys::exit_group(99);
    }
    let mut status = 0;
    assert_eq!(sys::wait4(pid as i32, &mut status, 0), Ok(pid as i32));
    status
}

#[test]
fn clone_wait4_exit_group_match_libc() {
    let status = fork_and_wait(|| sys::exit_group(7));
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 7,
        "{status:#x}"
    );
    let status = fork_and_wait(|| sys::exit_group(255));
    assert_eq!(libc::WEXITSTATUS(status), 255);
    // CLONE_SIGHAND without CLONE_VM is invalid.
    let flags = (uapi::CLONE_SIGHAND | uapi::SIGCHLD) as usize;
    let expected = lc(unsafe { libc::syscall(libc::SYS_clone, flags, 0, 0, 0, 0) });
    assert_eq!(expected, Err(Errno::EINVAL));
    assert_eq!(unsafe { sys::clone(flags, 0, 0, 0, 0) }, expected);
    // wait4 on a process that is not our child.
    let mut st = 0;
    let expected = lc(unsafe { libc::wait4(1, &mut st, 0, std::ptr::null_mut()) } as i64);
    assert_eq!(expected, Err(Errno::ECHILD));
    assert_eq!(sys::wait4(1, &mut st, 0).map(|p| p as usize), expected);
    assert_eq!(
        sys::wait4(1, &mut st, 0x4000_0000).map(|p| p as usize),
        lc(unsafe { libc::wait4(1, &mut st, 0x4000_0000, std::ptr::null_mut()) } as i64)
    );
}

#[test]
fn execve_matches_libc() {
    let sh = c"/bin/sh";
    let arg = c"exit 3";
    let dash_c = c"-c";
    let argv = [
        sh.as_ptr().cast::<u8>(),
        dash_c.as_ptr().cast(),
        arg.as_ptr().cast(),
        std::ptr::null(),
    ];
    let envp = [std::ptr::null::<u8>()];
    let status = fork_and_wait(|| {
        let e = unsafe { sys::execve(b"/bin/sh\0", argv.as_ptr(), envp.as_ptr()) };
        sys::exit_group(100 + e.into_raw())
    });
    assert_eq!(libc::WEXITSTATUS(status), 3);
    // Failures: missing file, a file without exec permission, a directory, no NUL.
    for p in [&b"/nonexistent/x\0"[..], b"/etc/passwd\0", b"/\0"] {
        let ours = unsafe { sys::execve(p, argv.as_ptr(), envp.as_ptr()) };
        let r = unsafe {
            libc::execve(
                p.as_ptr().cast(),
                argv.as_ptr().cast(),
                envp.as_ptr().cast(),
            )
        };
        assert_eq!(
            Err::<usize, _>(ours),
            lc(r as i64),
            "{:?}",
            String::from_utf8_lossy(p)
        );
    }
    assert_eq!(
        unsafe { sys::execve(b"/bin/sh", argv.as_ptr(), envp.as_ptr()) },
        Errno::EINVAL
    );
}

#[test]
fn pipe2_dup3_fcntl_match_libc() {
    let [r, w] = sys::pipe2(uapi::O_CLOEXEC).unwrap();
    assert_eq!(
        unsafe { sys::fcntl(r, uapi::F_GETFD, 0) },
        lc(unsafe { libc::fcntl(r, libc::F_GETFD) } as i64)
    );
    assert_eq!(
        unsafe { sys::fcntl(r, uapi::F_GETFD, 0) },
        Ok(uapi::FD_CLOEXEC as usize)
    );
    let bad_flags = 0x1234_0000u32;
    let mut fds = [0i32; 2];
    let expected = lc(unsafe { libc::pipe2(fds.as_mut_ptr(), bad_flags as i32) } as i64);
    assert_eq!(expected, Err(Errno::EINVAL));
    assert_eq!(sys::pipe2(bad_flags).map(|_| 0), expected);

    // dup3 onto a fresh number, onto itself (EINVAL), from a closed fd (EBADF).
    let target = 900;
    assert_eq!(sys::dup3(w, target, uapi::O_CLOEXEC), Ok(target));
    assert_eq!(unsafe { sys::write(target, b"z".as_ptr(), 1) }, Ok(1));
    let mut c = [0u8; 1];
    assert_eq!(unsafe { sys::read(r, c.as_mut_ptr(), 1) }, Ok(1));
    assert_eq!(&c, b"z");
    assert_eq!(
        sys::dup3(w, w, 0).map(|f| f as usize),
        lc(unsafe { libc::dup3(w, w, 0) } as i64)
    );
    sys::close(target).unwrap();
    assert_eq!(
        sys::dup3(target, 901, 0).map(|f| f as usize),
        lc(unsafe { libc::dup3(target, 901, 0) } as i64)
    );
    assert_eq!(
        unsafe { sys::fcntl(target, uapi::F_GETFD, 0) },
        lc(unsafe { libc::fcntl(target, libc::F_GETFD) } as i64)
    );
    assert_eq!(
        unsafe { sys::fcntl(r, 0x7fff, 0) },
        lc(unsafe { libc::fcntl(r, 0x7fff) } as i64)
    );
    sys::close(r).unwrap();
    sys::close(w).unwrap();
}

#[test]
fn ppoll_matches_libc() {
    let [r, w] = sys::pipe2(uapi::O_CLOEXEC).unwrap();
    let zero = uapi::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    let mut ours = [uapi::pollfd {
        fd: r,
        events: uapi::POLLIN as i16,
        revents: 0,
    }];
    let mut theirs = [libc::pollfd {
        fd: r,
        events: libc::POLLIN,
        revents: 0,
    }];
    assert_eq!(sys::ppoll(&mut ours, Some(&zero)), Ok(0));
    unsafe { sys::write(w, b"x".as_ptr(), 1) }.unwrap();
    assert_eq!(sys::ppoll(&mut ours, None), Ok(1));
    assert_eq!(unsafe { libc::poll(theirs.as_mut_ptr(), 1, 0) }, 1);
    assert_eq!(ours[0].revents, theirs[0].revents);
    // A timeout with nanoseconds out of range.
    let bad = uapi::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 2_000_000_000,
    };
    let lbad = libc::timespec {
        tv_sec: 0,
        tv_nsec: 2_000_000_000,
    };
    let expected =
        lc(unsafe { libc::ppoll(theirs.as_mut_ptr(), 1, &lbad, std::ptr::null()) } as i64);
    assert_eq!(expected, Err(Errno::EINVAL));
    assert_eq!(sys::ppoll(&mut ours, Some(&bad)), expected);
    sys::close(r).unwrap();
    sys::close(w).unwrap();
}

#[test]
fn flock_fchmod_match_libc() {
    let d = tmp();
    let f = d.path().join("lock");
    std::fs::write(&f, b"").unwrap();
    let a = sys::openat(AT_FDCWD, &nul(&f), RDONLY, 0).unwrap();
    let b = sys::openat(AT_FDCWD, &nul(&f), RDONLY, 0).unwrap();
    assert_eq!(sys::flock(a, uapi::LOCK_EX | uapi::LOCK_NB), Ok(()));
    // A second open file description can not take it.
    let expected = lc(unsafe { libc::flock(b, libc::LOCK_EX | libc::LOCK_NB) } as i64).map(drop);
    assert_eq!(expected, Err(Errno::EWOULDBLOCK));
    assert_eq!(sys::flock(b, uapi::LOCK_EX | uapi::LOCK_NB), expected);
    assert_eq!(sys::flock(a, uapi::LOCK_UN), Ok(()));
    assert_eq!(sys::flock(b, uapi::LOCK_EX | uapi::LOCK_NB), Ok(()));
    assert_eq!(
        sys::flock(b, 0x99),
        lc(unsafe { libc::flock(b, 0x99) } as i64).map(drop)
    );
    // fchmod
    let w = sys::openat(AT_FDCWD, &nul(&f), uapi::O_WRONLY | uapi::O_CLOEXEC, 0).unwrap();
    assert_eq!(sys::fchmod(w, 0o640), Ok(()));
    assert_eq!(
        std::fs::metadata(&f).unwrap().permissions().mode() & 0o7777,
        0o640
    );
    for fd in [a, b, w] {
        sys::close(fd).unwrap();
    }
    assert_eq!(
        sys::flock(a, uapi::LOCK_EX),
        lc(unsafe { libc::flock(a, libc::LOCK_EX) } as i64).map(drop)
    );
    assert_eq!(
        sys::fchmod(a, 0o600),
        lc(unsafe { libc::fchmod(a, 0o600) } as i64).map(drop)
    );
}
use std::os::unix::fs::PermissionsExt;

#[test]
fn mmap_munmap_mremap_match_libc() {
    let prot = uapi::PROT_READ | uapi::PROT_WRITE;
    let flags = uapi::MAP_PRIVATE | uapi::MAP_ANONYMOUS;
    let p = unsafe { sys::mmap(0, 8192, prot, flags, -1, 0) }.unwrap();
    unsafe { p.add(8191).write(42) };
    let q = unsafe { sys::mremap(p, 8192, 1 << 20, uapi::MREMAP_MAYMOVE, 0) }.unwrap();
    assert_eq!(unsafe { q.add(8191).read() }, 42);
    assert_eq!(unsafe { sys::munmap(q, 1 << 20) }, Ok(()));
    // Zero length; an unaligned address; mremap with unknown flags.
    let expected = unsafe { libc::mmap(std::ptr::null_mut(), 0, prot as i32, flags as i32, -1, 0) };
    assert_eq!(expected, libc::MAP_FAILED);
    let errno = Errno::new(std::io::Error::last_os_error().raw_os_error().unwrap());
    assert_eq!(unsafe { sys::mmap(0, 0, prot, flags, -1, 0) }, Err(errno));
    #[allow(clippy::manual_dangling_ptr)] // address 1 for being unaligned, not dangling
    let (unaligned_c, unaligned) = (1 as *mut libc::c_void, 1 as *mut u8);
    let expected = lc(unsafe { libc::munmap(unaligned_c, 4096) } as i64).map(drop);
    assert_eq!(unsafe { sys::munmap(unaligned, 4096) }, expected);
    assert_eq!(expected, Err(Errno::EINVAL));
    assert_eq!(
        unsafe { sys::mremap(4096 as *mut u8, 4096, 8192, 0x80, 0) },
        Err(Errno::EINVAL)
    );
    // A file mapping of a directory descriptor.
    let dir = sys::openat(AT_FDCWD, b"/\0", RDONLY, 0).unwrap();
    let expected = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ,
            libc::MAP_PRIVATE,
            dir,
            0,
        )
    };
    assert_eq!(expected, libc::MAP_FAILED);
    let errno = Errno::new(std::io::Error::last_os_error().raw_os_error().unwrap());
    assert_eq!(
        unsafe { sys::mmap(0, 4096, uapi::PROT_READ, uapi::MAP_PRIVATE, dir, 0) },
        Err(errno)
    );
    sys::close(dir).unwrap();
}

#[test]
fn copy_file_range_matches_libc() {
    let d = tmp();
    let (src, dst) = (d.path().join("src"), d.path().join("dst"));
    let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7) as u8).collect();
    std::fs::write(&src, &data).unwrap();
    let i = sys::openat(AT_FDCWD, &nul(&src), RDONLY, 0).unwrap();
    let o = sys::openat(
        AT_FDCWD,
        &nul(&dst),
        uapi::O_WRONLY | uapi::O_CREAT | uapi::O_CLOEXEC,
        0o644,
    )
    .unwrap();
    let mut total = 0;
    while total < data.len() {
        let n = sys::copy_file_range(i, None, o, None, data.len() - total).unwrap();
        assert!(n > 0);
        total += n;
    }
    let mut off = 10i64;
    let n = sys::copy_file_range(i, Some(&mut off), o, None, 5).unwrap();
    assert_eq!((n, off), (5, 15));
    assert_eq!(
        std::fs::read(&dst).unwrap(),
        [&data[..], &data[10..15]].concat()
    );
    // Into a read-only descriptor, from a directory.
    let expected =
        lc(
            unsafe {
                libc::copy_file_range(i, std::ptr::null_mut(), i, std::ptr::null_mut(), 10, 0)
            } as i64,
        );
    assert_eq!(sys::copy_file_range(i, None, i, None, 10), expected);
    assert_eq!(expected, Err(Errno::EBADF));
    let dir = sys::openat(AT_FDCWD, &nul(d.path()), RDONLY, 0).unwrap();
    let expected = lc(unsafe {
        libc::copy_file_range(dir, std::ptr::null_mut(), o, std::ptr::null_mut(), 10, 0)
    } as i64);
    assert_eq!(sys::copy_file_range(dir, None, o, None, 10), expected);
    assert!(expected.is_err());
    for fd in [i, o, dir] {
        sys::close(fd).unwrap();
    }
}

#[test]
fn clock_gettime_nanosleep_match_libc() {
    let mut ours = uapi::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    let mut theirs = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    sys::clock_gettime(uapi::CLOCK_REALTIME, &mut ours).unwrap();
    assert_eq!(
        unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut theirs) },
        0
    );
    assert!((theirs.tv_sec - ours.tv_sec).abs() <= 1);
    // MONOTONIC: libc before, ours after, ours not earlier.
    assert_eq!(
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut theirs) },
        0
    );
    sys::clock_gettime(uapi::CLOCK_MONOTONIC, &mut ours).unwrap();
    assert!((ours.tv_sec, ours.tv_nsec) >= (theirs.tv_sec, theirs.tv_nsec));
    let bad_clock = 9999;
    let expected =
        lc(unsafe { libc::clock_gettime(bad_clock as i32, &mut theirs) } as i64).map(drop);
    assert_eq!(expected, Err(Errno::EINVAL));
    assert_eq!(sys::clock_gettime(bad_clock, &mut ours), expected);

    let ms = uapi::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 2_000_000,
    };
    let start = std::time::Instant::now();
    assert_eq!(sys::nanosleep(&ms, None), Ok(()));
    assert!(start.elapsed() >= std::time::Duration::from_millis(2));
    let bad = uapi::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 1_000_000_000,
    };
    let lbad = libc::timespec {
        tv_sec: 0,
        tv_nsec: 1_000_000_000,
    };
    assert_eq!(
        sys::nanosleep(&bad, None),
        lc(unsafe { libc::nanosleep(&lbad, std::ptr::null_mut()) } as i64).map(drop)
    );
    assert_eq!(sys::nanosleep(&bad, None), Err(Errno::EINVAL));
}

#[test]
fn getrandom_matches_libc() {
    let mut a = [0u8; 64];
    assert_eq!(unsafe { sys::getrandom(a.as_mut_ptr(), 64, 0) }, Ok(64));
    assert_ne!(a, [0u8; 64]);
    let mut b = [0u8; 64];
    assert_eq!(unsafe { sys::getrandom(b.as_mut_ptr(), 64, 0) }, Ok(64));
    assert_ne!(a, b);
    let bad_flags = 0x4000;
    let expected = lc(unsafe { libc::getrandom(a.as_mut_ptr().cast(), 8, bad_flags) } as i64);
    assert_eq!(expected, Err(Errno::EINVAL));
    assert_eq!(
        unsafe { sys::getrandom(a.as_mut_ptr(), 8, bad_flags) },
        expected
    );
    assert_eq!(
        unsafe { sys::getrandom(8 as *mut u8, 8, 0) },
        lc(unsafe { libc::getrandom(8 as *mut _, 8, 0) } as i64)
    );
}

#[test]
fn prctl_matches_libc() {
    let mut ours = [0u8; 16];
    let mut theirs = [0u8; 16];
    assert_eq!(
        unsafe {
            sys::prctl(
                linux_raw_sys::prctl::PR_GET_NAME,
                ours.as_mut_ptr() as usize,
                0,
                0,
                0,
            )
        },
        Ok(0)
    );
    assert_eq!(
        unsafe { libc::prctl(libc::PR_GET_NAME, theirs.as_mut_ptr()) },
        0
    );
    assert_eq!(ours, theirs);
    let bogus = 0x7fff_0000;
    let expected = lc(unsafe { libc::prctl(bogus as i32, 0, 0, 0, 0) } as i64);
    assert_eq!(expected, Err(Errno::EINVAL));
    assert_eq!(unsafe { sys::prctl(bogus, 0, 0, 0, 0) }, expected);
}

#[test]
fn rt_sigaction_kill_match_libc() {
    // Read SIGUSR2's action through both: the same handler value.
    let mut ours: uapi::kernel_sigaction = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { sys::rt_sigaction(uapi::SIGUSR2, None, Some(&mut ours)) },
        Ok(())
    );
    let mut theirs: libc::sigaction = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::sigaction(libc::SIGUSR2, std::ptr::null(), &mut theirs) },
        0
    );
    assert_eq!(
        ours.sa_handler_kernel.map_or(0, |f| f as usize),
        theirs.sa_sigaction
    );
    // SIGKILL can not be caught; signal 0 and 65 do not exist.
    let ign: uapi::kernel_sigaction = uapi::kernel_sigaction {
        sa_handler_kernel: unsafe { std::mem::transmute::<usize, uapi::__kernel_sighandler_t>(1) },
        ..unsafe { std::mem::zeroed() }
    };
    let mut lign: libc::sigaction = unsafe { std::mem::zeroed() };
    lign.sa_sigaction = libc::SIG_IGN;
    for sig in [uapi::SIGKILL, 0, 65] {
        let expected =
            lc(unsafe { libc::sigaction(sig as i32, &lign, std::ptr::null_mut()) } as i64)
                .map(drop);
        assert_eq!(expected, Err(Errno::EINVAL), "{sig}");
        assert_eq!(
            unsafe { sys::rt_sigaction(sig, Some(&ign), None) },
            expected,
            "{sig}"
        );
    }
    // kill: signal 0 probes; a bad signal; a pid that does not exist.
    assert_eq!(sys::kill(sys::getpid(), 0), Ok(()));
    assert_eq!(
        sys::kill(sys::getpid(), 9999),
        lc(unsafe { libc::kill(libc::getpid(), 9999) } as i64).map(drop)
    );
    assert_eq!(
        sys::kill(0x3fff_fff0, 0),
        lc(unsafe { libc::kill(0x3fff_fff0, 0) } as i64).map(drop)
    );
    assert_eq!(sys::kill(0x3fff_fff0, 0), Err(Errno::ESRCH));
    // A real signal: a child killed by SIGTERM.
    let pid = unsafe { sys::clone(uapi::SIGCHLD as usize, 0, 0, 0, 0) }.unwrap();
    if pid == 0 {
        loop {
            let s = uapi::__kernel_timespec {
                tv_sec: 1,
                tv_nsec: 0,
            };
            let _ = sys::nanosleep(&s, None);
        }
    }
    assert_eq!(sys::kill(pid as i32, uapi::SIGTERM), Ok(()));
    let mut status = 0;
    assert_eq!(sys::wait4(pid as i32, &mut status, 0), Ok(pid as i32));
    assert!(libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGTERM);
}

#[test]
fn errno_decodes_and_prints_its_name() {
    assert_eq!(Errno::from_ret(-2isize as usize), Err(Errno::ENOENT));
    assert_eq!(Errno::from_ret(-4095isize as usize), Err(Errno::new(4095)));
    assert_eq!(
        Errno::from_ret(-4096isize as usize),
        Ok(-4096isize as usize)
    );
    assert_eq!(Errno::from_ret(0), Ok(0));
    assert_eq!(format!("{:?}", Errno::ENOENT), "ENOENT");
    assert_eq!(Errno::EACCES.name(), Some("EACCES"));
}

#[test]
fn close_range_matches_libc() {
    let fds: Vec<i32> = (0..3)
        .map(|_| sys::openat(AT_FDCWD, b"/dev/null\0", uapi::O_RDONLY, 0).unwrap())
        .collect();
    let (lo, hi) = (
        *fds.iter().min().unwrap() as u32,
        *fds.iter().max().unwrap() as u32,
    );
    // CLOEXEC form: still open, now close-on-exec.
    if fds.windows(2).all(|w| w[1] == w[0] + 1) {
        assert_eq!(sys::close_range(lo, hi, sys::CLOSE_RANGE_CLOEXEC), Ok(()));
        for &fd in &fds {
            assert_eq!(
                unsafe { sys::fcntl(fd, uapi::F_GETFD, 0) },
                Ok(uapi::FD_CLOEXEC as usize)
            );
        }
    }
    for &fd in &fds {
        assert_eq!(sys::close_range(fd as u32, fd as u32, 0), Ok(()));
        assert_eq!(
            unsafe { sys::fcntl(fd, uapi::F_GETFD, 0) },
            Err(Errno::EBADF)
        );
    }
    // first > last; unknown flags.
    let expected = lc(unsafe { libc::syscall(libc::SYS_close_range, 10, 5, 0) });
    assert_eq!(expected, Err(Errno::EINVAL));
    assert_eq!(sys::close_range(10, 5, 0).map(|_| 0), expected);
    assert_eq!(
        sys::close_range(lo, hi, 0x8000).map(|_| 0),
        lc(unsafe { libc::syscall(libc::SYS_close_range, lo, hi, 0x8000) })
    );
}

#[test]
fn rt_sigprocmask_setitimer_mincore_match_libc() {
    // Read the mask both ways; a bad `how` is EINVAL for both.
    let mut ours = uapi::kernel_sigset_t { sig: [0] };
    sys::rt_sigprocmask(uapi::SIG_BLOCK, None, Some(&mut ours)).unwrap();
    let mut theirs: libc::sigset_t = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), &mut theirs) },
        0
    );
    for sig in 1..32 {
        assert_eq!(
            ours.sig[0] >> (sig - 1) & 1 == 1,
            unsafe { libc::sigismember(&theirs, sig) } == 1,
            "{sig}"
        );
    }
    let empty = uapi::kernel_sigset_t { sig: [0] };
    let expected =
        lc(unsafe { libc::syscall(libc::SYS_rt_sigprocmask, 99, &empty as *const _, 0, 8) });
    assert_eq!(expected, Err(Errno::EINVAL));
    assert_eq!(
        sys::rt_sigprocmask(99, Some(&empty), None).map(|_| 0),
        expected
    );

    // setitimer: disarming a timer is fine; an unknown timer is EINVAL.
    let zero = uapi::timeval {
        tv_sec: 0,
        tv_usec: 0,
    };
    let off = uapi::itimerval {
        it_interval: zero,
        it_value: zero,
    };
    assert_eq!(sys::setitimer(uapi::ITIMER_REAL, &off, None), Ok(()));
    let loff = libc::itimerval {
        it_interval: libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
        it_value: libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
    };
    let expected = lc(unsafe { libc::syscall(libc::SYS_setitimer, 77, &loff as *const _, 0) });
    assert_eq!(expected, Err(Errno::EINVAL));
    assert_eq!(sys::setitimer(77, &off, None).map(|_| 0), expected);

    // mincore: a mapped page answers, an unmapped range is ENOMEM, unaligned EINVAL.
    let page = unsafe {
        sys::mmap(
            0,
            4096,
            uapi::PROT_READ,
            uapi::MAP_PRIVATE | uapi::MAP_ANONYMOUS,
            -1,
            0,
        )
    }
    .unwrap();
    let mut vec = [0u8; 1];
    assert_eq!(
        unsafe { sys::mincore(page as usize, 4096, vec.as_mut_ptr()) },
        Ok(())
    );
    unsafe { sys::munmap(page, 4096) }.unwrap();
    let expected = lc(unsafe { libc::mincore(page.cast(), 4096, vec.as_mut_ptr()) } as i64);
    assert_eq!(expected, Err(Errno::ENOMEM));
    assert_eq!(
        unsafe { sys::mincore(page as usize, 4096, vec.as_mut_ptr()) }.map(|_| 0),
        expected
    );
    assert_eq!(
        unsafe { sys::mincore(page as usize + 1, 4096, vec.as_mut_ptr()) }.map(|_| 0),
        lc(unsafe { libc::mincore(page.add(1).cast(), 4096, vec.as_mut_ptr()) } as i64)
    );
}

unsafe extern "C" fn child_exits_with_arg(arg: *mut u8) -> ! {
    sys::exit_group(arg as usize as i32)
}

#[test]
fn clone_run_on_its_own_stack() {
    let mut stack = vec![0u8; 64 << 10];
    let top = (stack.as_mut_ptr() as usize + stack.len()) & !15;
    let flags = (uapi::CLONE_VM | uapi::CLONE_VFORK | uapi::SIGCHLD) as usize;
    let pid = unsafe { sys::clone_run(flags, top as *mut u8, child_exits_with_arg, 42 as *mut u8) }
        .unwrap();
    let mut status = 0;
    assert_eq!(sys::wait4(pid as i32, &mut status, 0), Ok(pid as i32));
    assert_eq!(
        (libc::WIFEXITED(status), libc::WEXITSTATUS(status)),
        (true, 42)
    );
    // CLONE_THREAD needs CLONE_SIGHAND: EINVAL, as libc's raw clone says. (valgrind
    // stops the whole program on a clone it can not emulate, even an invalid one.)
    if std::env::var_os("FFI_SYSCALLS_UNDER_VALGRIND").is_some() {
        return;
    }
    let bad = (uapi::CLONE_VM | uapi::CLONE_THREAD) as usize;
    let expected = lc(unsafe { libc::syscall(libc::SYS_clone, bad, top, 0, 0, 0) });
    assert_eq!(expected, Err(Errno::EINVAL));
    assert_eq!(
        unsafe {
            sys::clone_run(
                bad,
                top as *mut u8,
                child_exits_with_arg,
                std::ptr::null_mut(),
            )
        },
        expected
    );
}

extern "C" fn ignore_signal(_: i32) {}

#[test]
fn set_signal_handler_installs_and_refuses_sigkill() {
    assert_eq!(
        unsafe { sys::set_signal_handler(uapi::SIGKILL, ignore_signal, 0) },
        Err(Errno::EINVAL)
    );
    assert_eq!(
        unsafe { sys::set_signal_handler(uapi::SIGURG, ignore_signal, uapi::SA_RESTART) },
        Ok(())
    );
    let mut theirs: libc::sigaction = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::sigaction(libc::SIGURG, std::ptr::null(), &mut theirs) },
        0
    );
    assert_eq!(theirs.sa_sigaction, ignore_signal as *const () as usize);
    assert_ne!(theirs.sa_flags & libc::SA_RESTART, 0);
    // The handler really runs and returns (the restorer works).
    assert_eq!(sys::kill(sys::getpid(), uapi::SIGURG), Ok(()));
}
