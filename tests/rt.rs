//! Each `rt_*` function beside its std oracle (libc where std has none), on the same
//! inputs: equal results, and on failure the design's failure value with the same
//! errno std reports.

mod common;

use common::{Tree, bytes, check, errno_of, serial};
use ffi_syscalls::exports::c::syscall_last_errno;
use ffi_syscalls::exports::rt::*;
use ffi_syscalls::value::{self, RuntimeValue as V};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Owns a returned value and frees it at the end of the test.
struct Owned(V);
impl Drop for Owned {
    fn drop(&mut self) {
        unsafe { value::free(self.0) }
    }
}

fn string(v: V) -> Option<Vec<u8>> {
    let o = Owned(v);
    if o.0 == V::NIL {
        return None;
    }
    Some(unsafe { o.0.as_bytes() }.expect("a String").to_vec())
}

fn strings(v: V) -> Option<Vec<Vec<u8>>> {
    let o = Owned(v);
    if o.0 == V::NIL {
        return None;
    }
    let items = unsafe { o.0.as_array() }.expect("an Array");
    Some(
        items
            .iter()
            .map(|s| unsafe { s.as_bytes() }.expect("a String").to_vec())
            .collect(),
    )
}

fn byte_array(v: V) -> Option<Vec<u8>> {
    let o = Owned(v);
    if o.0 == V::NIL {
        return None;
    }
    Some(
        unsafe { o.0.as_byte_array() }
            .expect("a byte Array")
            .to_vec(),
    )
}

fn int(v: V) -> i64 {
    v.as_int().expect("an Int")
}

fn boolean(v: V) -> bool {
    v.as_bool().expect("TRUE or FALSE")
}

fn arg(p: &Path) -> (*const u8, u64) {
    let b = bytes(p);
    (b.as_ptr(), b.len() as u64)
}

macro_rules! rt {
    ($f:ident($p:expr $(, $rest:expr)*)) => {{
        let path = $p; // keeps a temporary PathBuf alive for the call
        let (ptr, len) = arg(path);
        unsafe { $f(ptr, len $(, $rest)*) }
    }};
}

#[test]
fn read_text_and_mmap_match_std() {
    let _s = serial();
    let t = Tree::new();
    for p in t.cases() {
        let what = format!("read_text {p:?}");
        check(
            &what,
            string(rt!(rt_file_read_text(&p))),
            std::fs::read_to_string(&p).map(String::into_bytes),
        );
        check(
            &what,
            string(rt!(rt_file_mmap_read_text(&p))),
            std::fs::read_to_string(&p).map(String::into_bytes),
        );
        check(
            &what,
            byte_array(rt!(rt_file_mmap_read_bytes(&p))),
            std::fs::read(&p),
        );
    }
    // /proc files report size 0 and still read in full.
    let status = string(rt!(rt_file_read_text(Path::new("/proc/self/status")))).unwrap();
    assert_eq!(std::fs::metadata("/proc/self/status").unwrap().len(), 0);
    let keys = |s: &[u8]| {
        s.split(|&c| c == b'\n')
            .map(|l| l.split(|&c| c == b':').next().unwrap().to_vec())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(&status),
        keys(&std::fs::read("/proc/self/status").unwrap())
    );
    assert!(status.len() > 500);
    // A FIFO can not be mapped: read instead.
    let fifo = t.p("fifo");
    assert_eq!(
        unsafe {
            libc::mkfifo(
                std::ffi::CString::new(bytes(&fifo)).unwrap().as_ptr(),
                0o600,
            )
        },
        0
    );
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, b"through a fifo").unwrap())
    };
    assert_eq!(
        byte_array(rt!(rt_file_mmap_read_bytes(&fifo))).unwrap(),
        b"through a fifo"
    );
    writer.join().unwrap();
}

#[test]
fn write_append_delete_match_std() {
    let _s = serial();
    let (ours, theirs) = (Tree::new(), Tree::new());
    let content = "line one\nzwei – drei\n";
    for name in ["new", "text", "dir", "missing/x", "text/below", "loop-a"] {
        let (o, s) = (ours.p(name), theirs.p(name));
        let (c, n) = (content.as_ptr(), content.len() as u64);
        check(
            &format!("write {name}"),
            boolean(rt!(rt_file_write_text(&o, c, n)))
                .then_some(())
                .or(None),
            std::fs::write(&s, content),
        );
        assert_eq!(std::fs::read(&o).ok(), std::fs::read(&s).ok(), "{name}");
        let appended = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&s)
            .and_then(|mut f| io::Write::write_all(&mut f, b"more\n"));
        check(
            &format!("append {name}"),
            boolean(rt!(rt_file_append_text(&o, b"more\n".as_ptr(), 5))).then_some(()),
            appended,
        );
        assert_eq!(std::fs::read(&o).ok(), std::fs::read(&s).ok(), "{name}");
    }
    // Invalid UTF-8 content is not text: nothing is written.
    let bad = ours.p("bad");
    assert!(!boolean(rt!(rt_file_write_text(
        &bad,
        b"\xff\xfe".as_ptr(),
        2
    ))));
    assert_eq!(syscall_last_errno(), libc::EILSEQ);
    assert!(!bad.exists());
    // delete and remove are std::fs::remove_file.
    for name in ["text", "empty", "dir", "missing", "text/below", "loop-a"] {
        let (o, s) = (ours.p(name), theirs.p(name));
        check(
            &format!("delete {name}"),
            boolean(rt!(rt_file_delete(&o))).then_some(()),
            std::fs::remove_file(&s),
        );
    }
    // remove is C's remove(3): files and empty directories.
    let c_remove = |p: &Path| {
        let c = std::ffi::CString::new(bytes(p)).unwrap();
        if unsafe { libc::remove(c.as_ptr()) } == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    };
    std::fs::write(ours.p("dir/inside"), "").unwrap();
    std::fs::write(theirs.p("dir/inside"), "").unwrap();
    for name in ["big", "big", "dir", "dir/inside", "dir", "dir", "missing/x"] {
        check(
            &format!("remove {name}"),
            boolean(rt!(rt_file_remove(&ours.p(name)))).then_some(()),
            c_remove(&theirs.p(name)),
        );
        assert_eq!(ours.p(name).exists(), theirs.p(name).exists());
    }
}

#[test]
fn exists_size_mtime_match_std() {
    let _s = serial();
    let t = Tree::new();
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_234_567_890);
    std::fs::File::options()
        .write(true)
        .open(t.p("text"))
        .unwrap()
        .set_modified(when)
        .unwrap();
    for p in t.cases() {
        let what = format!("{p:?}");
        let meta = std::fs::metadata(&p);
        check(
            &what,
            boolean(rt!(rt_file_exists(&p))).then_some(()),
            meta.as_ref()
                .map(drop)
                .map_err(|e| io::Error::from_raw_os_error(e.raw_os_error().unwrap())),
        );
        let size = int(rt!(rt_file_size(&p)));
        check(
            &what,
            (size != -1).then_some(size),
            std::fs::metadata(&p).map(|m| m.len() as i64),
        );
        let mtime = int(rt!(rt_file_modified_time(&p)));
        let theirs = std::fs::metadata(&p)
            .and_then(|m| m.modified())
            .map(|t| t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64);
        check(&what, (mtime != -1).then_some(mtime), theirs);
    }
    assert_eq!(int(rt!(rt_file_modified_time(&t.p("text")))), 1_234_567_890);
    assert_eq!(int(rt!(rt_file_size(&t.p("big")))), 3 << 20);
}

#[test]
fn copy_matches_std() {
    use std::os::unix::fs::PermissionsExt;
    let _s = serial();
    let (ours, theirs) = (Tree::new(), Tree::new());
    for t in [&ours, &theirs] {
        std::fs::set_permissions(t.p("big"), std::fs::Permissions::from_mode(0o751)).unwrap();
        std::fs::write(
            t.p("old-target"),
            "to be replaced, and longer than what replaces it",
        )
        .unwrap();
        std::fs::set_permissions(t.p("old-target"), std::fs::Permissions::from_mode(0o600))
            .unwrap();
    }
    let sources = ["text", "empty", "latin1", "big", "dir", "missing", "loop-a"];
    for src in sources
        .iter()
        .map(|s| s.to_string())
        .chain(["/proc/version".to_string(), "/proc/self/status".to_string()])
    {
        for dst in ["copy", "old-target", "dir", "missing/x"] {
            let p = |t: &Tree, n: &str| {
                if n.starts_with('/') {
                    Path::new(n).to_path_buf()
                } else {
                    t.p(n)
                }
            };
            let (os, od, ts, td) = (p(&ours, &src), ours.p(dst), p(&theirs, &src), theirs.p(dst));
            let (sp, sl) = arg(&os);
            let (dp, dl) = arg(&od);
            let ok = boolean(unsafe { rt_file_copy(sp, sl, dp, dl) });
            let oracle = std::fs::copy(&ts, &td);
            let what = format!("copy {src} -> {dst}");
            match &oracle {
                // std refuses a non-regular source itself (no OS errno); we say which.
                Err(e) if e.raw_os_error().is_none() => {
                    assert!(!ok, "{what}");
                    assert_eq!(syscall_last_errno(), libc::EISDIR, "{what}");
                }
                _ => check(&what, ok.then_some(()), oracle.map(drop)),
            }
            let meta = |p: &Path| {
                std::fs::metadata(p)
                    .ok()
                    .map(|m| (m.permissions().mode(), m.len()))
            };
            if src != "/proc/self/status" {
                assert_eq!(std::fs::read(&od).ok(), std::fs::read(&td).ok(), "{what}");
            }
            assert_eq!(meta(&od).map(|m| m.0), meta(&td).map(|m| m.0), "{what}");
        }
    }
    // The last source copied into "copy" was /proc/self/status, whose size reads as 0.
    assert!(std::fs::read(ours.p("copy")).unwrap().starts_with(b"Name:"));
}

#[test]
fn dir_create_and_list_match_std() {
    let _s = serial();
    let (ours, theirs) = (Tree::new(), Tree::new());
    for (name, recursive) in [
        ("d1", false),
        ("d1", false),
        ("a/b/c", false),
        ("a/b/c", true),
        ("a/b/c", true),
        ("a/b/c/", true),
        ("text/x", true),
        ("text", true),
        ("text", false),
        ("dir", true),
        ("loop-a/x", true),
        ("x/../y/./z", true),
    ] {
        let (o, t) = (ours.p(name), theirs.p(name));
        let oracle = if recursive {
            std::fs::create_dir_all(&t)
        } else {
            std::fs::create_dir(&t)
        };
        check(
            &format!("create {name} {recursive}"),
            boolean(rt!(rt_dir_create(&o, recursive))).then_some(()),
            oracle,
        );
        assert_eq!(o.is_dir(), t.is_dir(), "{name}");
    }
    // Listing: 1 000 entries, non-UTF-8 names, empty, missing, a file.
    let many = ours.p("many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..1000 {
        std::fs::write(many.join(format!("entry-{i:04}")), "").unwrap();
    }
    std::fs::write(many.join(std::ffi::OsStr::from_bytes(b"latin1-\xe9")), "").unwrap();
    for p in [
        many.clone(),
        ours.p("dir"),
        ours.p("a"),
        ours.p("missing"),
        ours.p("text"),
        ours.p("loop-a"),
        Path::new("/proc/self/fd/").to_path_buf(),
        Path::new("/").to_path_buf(),
    ] {
        let listed = strings(rt!(rt_dir_list(&p)));
        let oracle = std::fs::read_dir(&p).and_then(|d| {
            d.map(|e| e.map(|e| e.file_name().as_bytes().to_vec()))
                .collect::<io::Result<Vec<_>>>()
        });
        if p.starts_with("/proc") {
            // The listing includes the descriptor each side has open while listing.
            assert!(listed.is_some() && oracle.is_ok());
            continue;
        }
        check(&format!("list {p:?}"), listed, oracle);
    }
    assert_eq!(strings(rt!(rt_dir_list(&many))).unwrap().len(), 1001);
}

#[test]
fn lock_and_unlock_exclude_others() {
    use std::os::unix::fs::PermissionsExt;
    let _s = serial();
    let t = Tree::new();
    let path = t.p("lockfile");
    let try_other = |p: &Path| {
        // Another open file description (another process has its own) must fail.
        let f = std::fs::File::open(p).unwrap();
        let r = unsafe {
            libc::flock(
                std::os::fd::AsRawFd::as_raw_fd(&f),
                libc::LOCK_EX | libc::LOCK_NB,
            )
        };
        (r == 0, io::Error::last_os_error().raw_os_error())
    };
    let h = int(rt!(rt_file_lock(&path)));
    assert!(h >= 0);
    assert!(path.exists(), "the lock file is created");
    assert_eq!(try_other(&path), (false, Some(libc::EWOULDBLOCK)));
    let other_process = std::process::Command::new("flock")
        .args(["-n"])
        .arg(&path)
        .arg("true")
        .status()
        .unwrap();
    assert_eq!(other_process.code(), Some(1), "flock(1) must find it taken");
    // Locking again from here is refused too (a new open file description).
    assert_eq!(int(rt!(rt_file_lock(&path))), -1);
    assert_eq!(syscall_last_errno(), libc::EWOULDBLOCK);
    assert!(boolean(rt_file_unlock(h)));
    assert!(try_other(&path).0);
    // Unlocking again, or something never handed out, fails with EBADF.
    for bogus in [h, -1, 0, 1, 2, 1 << 40] {
        assert!(!boolean(rt_file_unlock(bogus)), "{bogus}");
        assert_eq!(syscall_last_errno(), libc::EBADF);
    }
    // A file the process may only read.
    let ro = t.p("read-only");
    std::fs::write(&ro, "").unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let h = int(rt!(rt_file_lock(&ro)));
    assert!(h >= 0);
    assert!(!try_other(&ro).0);
    assert!(boolean(rt_file_unlock(h)));
    // Failures: a directory that is missing, a path below a file.
    for p in [t.p("missing/x"), t.p("text/x")] {
        assert_eq!(int(rt!(rt_file_lock(&p))), -1);
        assert_eq!(
            syscall_last_errno(),
            errno_of(&std::fs::File::create(&p).unwrap_err())
        );
    }
}

#[test]
fn env_matches_std() {
    let _s = serial();
    check(
        "cwd",
        string(rt_env_cwd()),
        std::env::current_dir().map(|p| bytes(&p).to_vec()),
    );
    check(
        "home",
        string(rt_env_home()),
        Ok(std::env::var_os("HOME").unwrap().as_bytes().to_vec()),
    );
    for name in ["PATH", "HOME", "SURELY_NOT_SET_ANYWHERE"] {
        let (p, l) = (name.as_ptr(), name.len() as u64);
        assert_eq!(
            string(unsafe { rt_env_get(p, l) }),
            std::env::var_os(name).map(|v| v.as_bytes().to_vec()),
            "{name}"
        );
    }
    // Invalid names: NIL and EINVAL, and set refuses them (std::env::set_var would panic).
    for name in ["", "A=B", "A\0B"] {
        assert_eq!(
            unsafe { rt_env_get(name.as_ptr(), name.len() as u64) },
            V::NIL
        );
        assert_eq!(syscall_last_errno(), libc::EINVAL);
        assert!(!boolean(unsafe {
            rt_env_set(name.as_ptr(), name.len() as u64, b"v".as_ptr(), 1)
        }));
        assert_eq!(syscall_last_errno(), libc::EINVAL);
    }
    assert!(!boolean(unsafe {
        rt_env_set(b"OK".as_ptr(), 2, b"a\0b".as_ptr(), 3)
    }));
    // set, overwrite, and a child sees it.
    let (n, v1, v2) = ("FFI_SYSCALLS_TEST_VAR", "first", "second value");
    assert!(boolean(unsafe {
        rt_env_set(n.as_ptr(), n.len() as u64, v1.as_ptr(), v1.len() as u64)
    }));
    assert_eq!(
        string(unsafe { rt_env_get(n.as_ptr(), n.len() as u64) }).unwrap(),
        v1.as_bytes()
    );
    assert!(boolean(unsafe {
        rt_env_set(n.as_ptr(), n.len() as u64, v2.as_ptr(), v2.len() as u64)
    }));
    assert_eq!(
        string(unsafe { rt_env_get(n.as_ptr(), n.len() as u64) }).unwrap(),
        v2.as_bytes()
    );
    let (out, _, code) = run("sh", &["-c", "printf %s \"$FFI_SYSCALLS_TEST_VAR\""]);
    assert_eq!((out.as_slice(), code), (v2.as_bytes(), 0));
}

#[test]
fn home_falls_back_to_passwd() {
    let _s = serial();
    let saved = ffi_syscalls::env::get(b"HOME").unwrap();
    ffi_syscalls::env::remove(b"HOME").unwrap();
    let ours = string(rt_env_home());
    let pw = unsafe { libc::getpwuid(libc::getuid()) };
    let oracle = unsafe { std::ffi::CStr::from_ptr((*pw).pw_dir) }
        .to_bytes()
        .to_vec();
    if let Some(h) = saved {
        ffi_syscalls::env::set(b"HOME", &h).unwrap();
    }
    assert_eq!(ours, Some(oracle));
}

/// rt_process_run with string args, unpacked.
fn run(cmd: &str, args: &[&str]) -> (Vec<u8>, Vec<u8>, i64) {
    let argv = Owned(value::string_array(args));
    let t = Owned(unsafe { rt_process_run(cmd.as_ptr(), cmd.len() as u64, argv.0) });
    let items = unsafe { t.0.as_tuple() }.expect("a Tuple");
    assert_eq!(items.len(), 3);
    let s = |v: V| unsafe { v.as_bytes() }.expect("a String").to_vec();
    (s(items[0]), s(items[1]), int(items[2]))
}

/// The oracle. `pre_exec` makes std fork and report exec failure through a pipe: its
/// posix_spawn path (CLONE_VFORK) can not report it under qemu-user, where the child
/// does not share the parent's memory, and shows exit 127 instead.
fn std_run(cmd: &str, args: &[&str]) -> io::Result<(Vec<u8>, Vec<u8>, i64)> {
    use std::os::unix::process::CommandExt;
    let mut c = std::process::Command::new(cmd);
    unsafe { c.pre_exec(|| Ok(())) };
    let o = c.args(args).stdin(std::process::Stdio::null()).output()?;
    Ok((o.stdout, o.stderr, o.status.code().map_or(-1, i64::from)))
}

#[test]
fn process_run_matches_command() {
    let _s = serial();
    let cases: &[(&str, &[&str])] = &[
        ("true", &[]),
        ("false", &[]),
        ("sh", &["-c", "echo out; echo err >&2; exit 255"]),
        ("sh", &["-c", "exit 1"]),
        ("/bin/echo", &["a b", "", "ü"]),
        ("sh", &["-c", "kill -9 $$"]),
        ("sh", &["-c", "cat"]),
        (
            "sh",
            &[
                "-c",
                "head -c 3000000 /dev/zero; head -c 2500000 /dev/zero >&2; echo done",
            ],
        ),
        ("no-such-command-anywhere", &[]),
        ("/no/such/path", &[]),
        ("/", &[]),
        ("/etc/passwd", &[]),
        ("", &[]),
    ];
    for (cmd, args) in cases {
        let ours = run(cmd, args);
        let what = format!("{cmd} {args:?}");
        match std_run(cmd, args) {
            Ok(theirs) => assert_eq!(ours, theirs, "{what}"),
            Err(e) => {
                assert_eq!(ours, (vec![], vec![], -1), "{what}");
                assert_eq!(syscall_last_errno(), errno_of(&e), "{what}: std said {e}");
            }
        }
    }
    // The child sees only 0, 1, 2 (plus the descriptor ls opens to list them), even
    // though this process has descriptors without O_CLOEXEC (cargo's jobserver), which
    // std's children do inherit.
    let (out, _, _) = run("sh", &["-c", "ls /proc/self/fd"]);
    assert_eq!(String::from_utf8(out).unwrap(), "0\n1\n2\n3\n");
    // args that are not an Array of Strings.
    for bad in [V::NIL, V::int(3), V::TRUE] {
        let t = Owned(unsafe { rt_process_run(b"true".as_ptr(), 4, bad) });
        let items = unsafe { t.0.as_tuple() }.unwrap();
        assert_eq!(items[2].as_int(), Some(-1));
        assert_eq!(syscall_last_errno(), libc::EINVAL);
    }
    // An Array whose second element is an Int instead of a String.
    let arr = Owned(value::string_array([b"-c".as_slice(), b"x"]));
    unsafe {
        let slot = (*(arr.0.heap_ptr() as *mut value::ArrayObject)).data.add(1);
        value::free(slot.read());
        slot.write(V::int(1));
    }
    let t = Owned(unsafe { rt_process_run(b"true".as_ptr(), 4, arr.0) });
    assert_eq!(unsafe { t.0.as_tuple() }.unwrap()[2].as_int(), Some(-1));
    assert_eq!(syscall_last_errno(), libc::EINVAL);
    // No zombie: every child was reaped.
    assert_eq!(
        unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) },
        -1
    );
}

#[test]
fn system_and_time_match_libc() {
    let _s = serial();
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::sched_getaffinity(0, std::mem::size_of_val(&set), &mut set) },
        0
    );
    assert_eq!(
        int(rt_system_cpu_count()),
        i64::from(unsafe { libc::CPU_COUNT(&set) })
    );
    let nproc = std::process::Command::new("nproc").output().unwrap().stdout;
    assert_eq!(
        int(rt_system_cpu_count()).to_string() + "\n",
        String::from_utf8(nproc).unwrap()
    );

    let mut buf = [0u8; 256];
    assert_eq!(
        unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) },
        0
    );
    let host = std::ffi::CStr::from_bytes_until_nul(&buf)
        .unwrap()
        .to_bytes()
        .to_vec();
    assert_eq!(string(rt_hostname()), Some(host));

    assert_eq!(int(rt_getpid()), i64::from(std::process::id()));

    let micros = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH).unwrap().as_micros() as i64
    };
    let before = micros(std::time::SystemTime::now());
    let ours = int(rt_time_now_unix_micros());
    let after = micros(std::time::SystemTime::now());
    assert!(before <= ours && ours <= after, "{before} {ours} {after}");

    let args: Vec<Vec<u8>> = std::env::args_os().map(|a| a.as_bytes().to_vec()).collect();
    assert_eq!(strings(rt_get_args()), Some(args));
}

/// Runs `f` in a forked child with fd 1 and 2 sent to `target`; returns the child's
/// wait status. The child only calls our functions, which make raw system calls.
fn in_child(target: &Path, f: impl FnOnce() -> i32) -> i32 {
    let fd = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(target)
        .unwrap();
    let raw = std::os::fd::AsRawFd::as_raw_fd(&fd);
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        unsafe {
            libc::dup2(raw, 1);
            libc::dup2(raw, 2);
        }
        rt_exit(f());
    }
    let mut status = 0;
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    status
}

#[test]
fn print_and_exit() {
    let _s = serial();
    let t = Tree::new();
    let out = t.p("out");
    let status = in_child(&out, || {
        let ok = [
            unsafe { rt_print_str(b"a".as_ptr(), 1) },
            unsafe { rt_println_str(b"b".as_ptr(), 1) },
            unsafe { rt_eprint_str(b"c".as_ptr(), 1) },
            unsafe { rt_eprintln_str(b"d".as_ptr(), 1) },
            unsafe { rt_println_str(std::ptr::null(), 0) },
        ];
        if ok.iter().all(|&v| v == V::TRUE) {
            42
        } else {
            1
        }
    });
    assert_eq!(
        (libc::WIFEXITED(status), libc::WEXITSTATUS(status)),
        (true, 42)
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"ab\ncd\n\n");
    // A full device: FALSE with ENOSPC, exit code says so.
    let status = in_child(Path::new("/dev/full"), || {
        let v = unsafe { rt_println_str(b"lost?".as_ptr(), 5) };
        if v == V::FALSE && syscall_last_errno() == libc::ENOSPC {
            7
        } else {
            1
        }
    });
    assert_eq!(libc::WEXITSTATUS(status), 7);
}

#[test]
fn bad_input_gives_failure_values() {
    let _s = serial();
    let null = std::ptr::null::<u8>();
    // A null pointer with a length.
    assert_eq!(unsafe { rt_file_exists(null, 5) }, V::FALSE);
    assert_eq!(syscall_last_errno(), libc::EFAULT);
    assert_eq!(unsafe { rt_file_read_text(null, 5) }, V::NIL);
    assert_eq!(unsafe { rt_file_write_text(null, 5, null, 0) }, V::FALSE);
    assert_eq!(
        unsafe { rt_file_write_text(b"/tmp/x".as_ptr(), 6, null, 3) },
        V::FALSE
    );
    assert_eq!(syscall_last_errno(), libc::EFAULT);
    assert_eq!(unsafe { rt_file_size(null, 1) }.as_int(), Some(-1));
    assert_eq!(unsafe { rt_dir_list(null, 1) }, V::NIL);
    assert_eq!(unsafe { rt_file_lock(null, 1) }.as_int(), Some(-1));
    assert_eq!(unsafe { rt_env_get(null, 1) }, V::NIL);
    assert_eq!(unsafe { rt_println_str(null, 1) }, V::FALSE);
    assert_eq!(syscall_last_errno(), libc::EFAULT);
    // Interior NUL: EINVAL before the kernel could cut the path short.
    assert_eq!(
        unsafe { rt_file_exists(b"/etc\0/passwd".as_ptr(), 12) },
        V::FALSE
    );
    assert_eq!(syscall_last_errno(), libc::EINVAL);
    // Longer than PATH_MAX.
    let long = "/".to_string() + &"x".repeat(5000);
    assert_eq!(
        unsafe { rt_file_read_text(long.as_ptr(), long.len() as u64) },
        V::NIL
    );
    assert_eq!(syscall_last_errno(), libc::ENAMETOOLONG);
    // A symlink loop.
    let t = Tree::new();
    assert_eq!(rt!(rt_file_read_text(&t.p("loop-a"))), V::NIL);
    assert_eq!(syscall_last_errno(), libc::ELOOP);
    // A length that can not be a slice.
    assert_eq!(unsafe { rt_file_exists(b"x".as_ptr(), u64::MAX) }, V::FALSE);
    assert_eq!(syscall_last_errno(), libc::EINVAL);
}

#[test]
fn children_see_only_stdio_whatever_is_open() {
    let _s = serial();
    let t = Tree::new();
    // Locks held, files read and mapped, a listing taken, a descriptor opened by
    // someone else without O_CLOEXEC.
    let h1 = int(rt!(rt_file_lock(&t.p("l1"))));
    let h2 = int(rt!(rt_file_lock(&t.p("l2"))));
    assert!(h1 >= 0 && h2 >= 0);
    drop(string(rt!(rt_file_read_text(&t.p("text")))));
    drop(byte_array(rt!(rt_file_mmap_read_bytes(&t.p("big")))));
    drop(strings(rt!(rt_dir_list(t.dir.path()))));
    let leaky = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY) };
    assert!(leaky > 2);
    let (out, _, code) = run("sh", &["-c", "ls /proc/self/fd"]);
    assert_eq!(code, 0);
    // ls's own directory descriptor is the 3.
    assert_eq!(String::from_utf8(out).unwrap(), "0\n1\n2\n3\n");
    unsafe { libc::close(leaky) };
    assert!(boolean(rt_file_unlock(h1)) && boolean(rt_file_unlock(h2)));
}
