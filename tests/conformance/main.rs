//! Conformance: every `rt_*` export beside a model of the Simple runtime, in one binary
//! with the crate built with `standalone` alone. The model supplies the runtime's
//! value ABI (with its registry of objects its constructors made, so an object the
//! crate laid out itself shows as `Unregistered`) and its std implementations of the
//! 31 functions. Each export is called through the runtime's C signature (`bool`
//! results read as a byte that must be exactly 0 or 1) and compared with the model on
//! the same inputs, failures included; then the recorded errno is checked where std
//! names one.
#![cfg(not(feature = "standalone-values"))]
#![allow(clippy::missing_safety_doc)]

// The integration model's value ABI and its std system work (tests/integration), the
// same files: one model of the runtime for both suites.
mod misc;
mod model;
mod model_misc;
#[allow(dead_code)]
#[path = "../integration/src/system.rs"]
mod system;
#[allow(dead_code)]
#[path = "../integration/src/value.rs"]
mod value;
use value as abi;

use abi::{NIL, Val, val};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The crate's exports, declared as the runtime's callers see them.
mod ours {
    unsafe extern "C" {
        pub fn rt_file_exists(p: *const u8, l: u64) -> u8;
        pub fn rt_file_read_text(p: *const u8, l: u64) -> u64;
        pub fn rt_file_write_text(p: *const u8, l: u64, c: *const u8, cl: u64) -> u8;
        pub fn rt_file_append_text(p: *const u8, l: u64, c: *const u8, cl: u64) -> u8;
        pub fn rt_file_remove(p: *const u8, l: u64) -> u8;
        pub fn rt_file_delete(p: *const u8, l: u64) -> u8;
        pub fn rt_file_size(p: *const u8, l: u64) -> i64;
        pub fn rt_file_modified_time(p: *const u8, l: u64) -> i64;
        pub fn rt_file_copy(s: *const u8, sl: u64, d: *const u8, dl: u64) -> u8;
        pub fn rt_dir_create(p: *const u8, l: u64, recursive: bool) -> u8;
        pub fn rt_dir_list(p: *const u8, l: u64) -> u64;
        pub fn rt_file_lock(p: *const u8, l: u64, timeout_secs: i64) -> i64;
        pub fn rt_file_unlock(handle: i64) -> u8;
        pub fn rt_file_mmap_read_text(p: *const u8, l: u64) -> u64;
        pub fn rt_file_mmap_read_bytes(p: *const u8, l: u64) -> u64;
        pub fn rt_env_cwd() -> u64;
        pub fn rt_env_home() -> u64;
        pub fn rt_env_get(p: *const u8, l: u64) -> u64;
        pub fn rt_env_set(p: *const u8, l: u64, v: *const u8, vl: u64) -> u8;
        pub fn rt_getpid() -> i64;
        pub fn rt_process_run(p: *const u8, l: u64, args: u64) -> u64;
        pub fn rt_system_cpu_count() -> i64;
        pub fn rt_hostname() -> u64;
        pub fn rt_print_str(p: *const u8, l: u64);
        pub fn rt_println_str(p: *const u8, l: u64);
        pub fn rt_eprint_str(p: *const u8, l: u64);
        pub fn rt_eprintln_str(p: *const u8, l: u64);
        pub fn rt_exit(code: i32) -> !;
        pub fn rt_set_args(argc: i32, argv: *const *const u8);
        pub fn rt_get_args() -> u64;
        pub fn rt_time_now_unix_micros() -> i64;
        pub fn syscall_last_errno() -> i32;
    }
}

/// A C `bool` read as its byte: must be exactly 0 or 1.
fn b(byte: u8) -> bool {
    assert!(byte <= 1, "a C bool must be 0 or 1, got {byte}");
    byte == 1
}

fn errno() -> i32 {
    unsafe { ours::syscall_last_errno() }
}

static SERIAL: Mutex<()> = Mutex::new(());

/// Tests here share the process-wide errno, environment and fd 1.
fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

fn raw(p: &Path) -> (*const u8, u64) {
    let b = p.as_os_str().as_bytes();
    (b.as_ptr(), b.len() as u64)
}

/// Calls `f` with a path argument as the runtime passes it.
macro_rules! with_path {
    ($f:path, $p:expr $(, $rest:expr)*) => {{
        let path = $p; // keeps a temporary PathBuf alive for the call
        let (ptr, len) = raw(path);
        unsafe { $f(ptr, len $(, $rest)*) }
    }};
}

/// A temporary directory with the residents every path function is tried on.
struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    fn new() -> Tree {
        let t = Tree {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(t.p("text"), "hello, world\n").unwrap();
        std::fs::write(t.p("crlf"), "one\r\ntwo\r\nlone\rcr\n").unwrap();
        std::fs::write(t.p("empty"), "").unwrap();
        std::fs::write(t.p("latin1"), b"caf\xe9\r\n").unwrap();
        let big: Vec<u8> = (0..(3u32 << 18))
            .flat_map(|i| format!("{:03}\n", i % 1000).into_bytes())
            .collect();
        std::fs::write(t.p("big"), big).unwrap();
        std::fs::create_dir(t.p("dir")).unwrap();
        std::os::unix::fs::symlink(t.p("text"), t.p("link")).unwrap();
        std::os::unix::fs::symlink(t.p("nowhere"), t.p("dangling")).unwrap();
        std::os::unix::fs::symlink(t.p("loop-b"), t.p("loop-a")).unwrap();
        std::os::unix::fs::symlink(t.p("loop-a"), t.p("loop-b")).unwrap();
        std::fs::write(
            t.dir.path().join(std::ffi::OsStr::from_bytes(b"name-\xff")),
            "x",
        )
        .unwrap();
        t
    }

    fn p(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Every kind of path: files, CRLF and non-UTF-8 content, a directory, missing,
    /// below a file, links (good, dangling, looping), a non-UTF-8 name, /proc files
    /// whose size reads 0, the root, "", longer than PATH_MAX.
    fn cases(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = [
            "text",
            "crlf",
            "empty",
            "latin1",
            "big",
            "dir",
            "dir/",
            "missing",
            "text/below",
            "link",
            "dangling",
            "loop-a",
        ]
        .iter()
        .map(|n| self.p(n))
        .collect();
        v.push(
            self.dir
                .path()
                .join(std::ffi::OsStr::from_bytes(b"name-\xff")),
        );
        v.push(PathBuf::from("/proc/version"));
        v.push(PathBuf::from("/proc/self/cmdline"));
        v.push(PathBuf::from("/"));
        v.push(PathBuf::from(""));
        v.push(PathBuf::from("/").join("x".repeat(5000)));
        v.push(self.dir.path().join("a".repeat(300)));
        v
    }
}

/// The errno std reports for the same operation, when it names one.
fn std_errno<T>(r: io::Result<T>) -> Option<i32> {
    r.err().and_then(|e| e.raw_os_error())
}

#[test]
fn exists_size_mtime() {
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
        let e = b(with_path!(ours::rt_file_exists, &p));
        assert_eq!(e, with_path!(model::file_exists, &p), "exists {what}");
        let size = with_path!(ours::rt_file_size, &p);
        assert_eq!(size, with_path!(model::file_size, &p), "size {what}");
        if size == -1 {
            let oracle = std_errno(std::fs::metadata(&p));
            assert_eq!(
                Some(errno()),
                oracle.or(Some(libc::EILSEQ)),
                "size errno {what}"
            );
        }
        let mtime = with_path!(ours::rt_file_modified_time, &p);
        assert_eq!(
            mtime,
            with_path!(model::file_modified_time, &p),
            "mtime {what}"
        );
    }
    assert_eq!(
        with_path!(ours::rt_file_modified_time, &t.p("link")),
        1_234_567_890
    );
    // A null path is a failure, not a crash.
    assert!(!b(unsafe { ours::rt_file_exists(std::ptr::null(), 5) }));
    assert_eq!(unsafe { ours::rt_file_size(std::ptr::null(), 0) }, -1);
}

#[test]
fn read_text_and_mmap() {
    let _s = serial();
    let t = Tree::new();
    for p in t.cases() {
        let what = format!("{p:?}");
        let ours = val(with_path!(ours::rt_file_read_text, &p));
        assert_eq!(
            ours,
            val(with_path!(model::file_read_text, &p)),
            "read_text {what}"
        );
        if ours == Val::Nil {
            let oracle = std_errno(std::fs::read(&p)).unwrap_or(libc::EILSEQ);
            assert_eq!(errno(), oracle, "read_text errno {what}");
        }
        assert_eq!(
            val(with_path!(ours::rt_file_mmap_read_bytes, &p)),
            val(with_path!(model::file_mmap_read_bytes, &p)),
            "mmap_read_bytes {what}"
        );
        // The runtime maps the file, and a /proc file maps as its stat size, 0; the
        // crate reads such files to EOF instead (a deliberate difference).
        if !p.starts_with("/proc") {
            assert_eq!(
                val(with_path!(ours::rt_file_mmap_read_text, &p)),
                val(with_path!(model::file_mmap_read_text, &p)),
                "mmap_read_text {what}"
            );
        }
    }
    // The one-pass UTF-8 and CR scan: a CR in the last, partial word, at a word
    // boundary, after non-ASCII text; invalid UTF-8 after a clean ASCII run.
    for (i, content) in [
        &b"ab\r"[..],
        b"abcdefgh\rijklmno",
        b"abcdefg\r",
        "\u{e9}t\u{e9}\r\n".as_bytes(),
        b"0123456789abcdef0123456789\r\n",
        b"0123456789abcdef\xff",
        b"0123456789abcde\r\xe9",
    ]
    .iter()
    .enumerate()
    {
        let p = t.p(&format!("scan-{i}"));
        std::fs::write(&p, content).unwrap();
        assert_eq!(
            val(with_path!(ours::rt_file_read_text, &p)),
            val(with_path!(model::file_read_text, &p)),
            "{content:?}"
        );
    }
    // CR removal and lossy decoding, spelled out.
    assert_eq!(
        val(with_path!(ours::rt_file_read_text, &t.p("crlf"))),
        Val::Str(b"one\ntwo\nlonecr\n".to_vec())
    );
    assert_eq!(
        val(with_path!(ours::rt_file_mmap_read_text, &t.p("latin1"))),
        Val::Str("caf\u{FFFD}\r\n".as_bytes().to_vec())
    );
    // /proc files report size 0 and still read in full.
    let Val::Str(status) = val(with_path!(
        ours::rt_file_read_text,
        Path::new("/proc/self/status")
    )) else {
        panic!("/proc/self/status")
    };
    assert!(status.starts_with(b"Name:") && status.len() > 500);
    // The lock and mmap functions also take a tagged String as the path.
    let tagged = abi::string(t.p("text").as_os_str().as_bytes());
    assert_eq!(
        val(unsafe { ours::rt_file_mmap_read_text(tagged as *const u8, 0) }),
        Val::Str(b"hello, world\n".to_vec())
    );
}

#[test]
fn write_append_remove() {
    let _s = serial();
    let (a, m) = (Tree::new(), Tree::new());
    let content = "line one\nzwei – drei\n";
    for name in [
        "new",
        "text",
        "dir",
        "missing/x",
        "text/below",
        "loop-a",
        "dangling",
    ] {
        let (o, s) = (a.p(name), m.p(name));
        let (c, n) = (content.as_ptr(), content.len() as u64);
        assert_eq!(
            b(with_path!(ours::rt_file_write_text, &o, c, n)),
            with_path!(model::file_write_text, &s, c, n),
            "write {name}"
        );
        assert_eq!(std::fs::read(&o).ok(), std::fs::read(&s).ok(), "{name}");
        let (c, n) = (b"more\n".as_ptr(), 5);
        assert_eq!(
            b(with_path!(ours::rt_file_append_text, &o, c, n)),
            with_path!(model::file_append_text, &s, c, n),
            "append {name}"
        );
        assert_eq!(std::fs::read(&o).ok(), std::fs::read(&s).ok(), "{name}");
    }
    // Content that is not UTF-8, and a null content pointer even with length 0: false,
    // nothing written or created.
    for (c, n) in [(b"\xff\xfe".as_ptr(), 2), (std::ptr::null(), 0)] {
        let (o, s) = (a.p("refused"), m.p("refused"));
        assert!(!b(with_path!(ours::rt_file_write_text, &o, c, n)));
        assert!(!with_path!(model::file_write_text, &s, c, n));
        assert!(!b(with_path!(ours::rt_file_append_text, &o, c, n)));
        assert!(!o.exists() && !s.exists());
    }
    assert_eq!(errno(), libc::EFAULT);
    // remove and delete are both remove_file: never a directory.
    for name in [
        "text",
        "empty",
        "dir",
        "missing",
        "text/below",
        "loop-a",
        "link",
        "dangling",
    ] {
        let (o, s) = (a.p(name), m.p(name));
        let ours = b(with_path!(ours::rt_file_remove, &o));
        assert_eq!(ours, with_path!(model::file_remove, &s), "remove {name}");
        assert_eq!(o.exists(), s.exists(), "{name}");
        assert_eq!(
            std::fs::symlink_metadata(&o).is_ok(),
            std::fs::symlink_metadata(&s).is_ok()
        );
    }
    std::fs::write(a.p("again"), "").unwrap();
    assert!(b(with_path!(ours::rt_file_delete, &a.p("again"))));
    assert!(!b(with_path!(ours::rt_file_delete, &a.p("again"))));
    assert_eq!(errno(), libc::ENOENT);
    assert!(!b(with_path!(ours::rt_file_delete, &a.p("dir"))));
    assert_eq!(errno(), libc::EISDIR);
}

#[test]
fn copy() {
    use std::os::unix::fs::PermissionsExt;
    let _s = serial();
    let (a, m) = (Tree::new(), Tree::new());
    for t in [&a, &m] {
        std::fs::set_permissions(t.p("big"), std::fs::Permissions::from_mode(0o751)).unwrap();
        std::fs::write(
            t.p("old"),
            "to be replaced, and longer than what replaces it",
        )
        .unwrap();
    }
    let sources = [
        "text", "empty", "latin1", "big", "dir", "missing", "loop-a", "dangling", "link",
    ];
    for src in sources
        .iter()
        .map(|s| s.to_string())
        .chain(["/proc/version".into()])
    {
        for dst in ["copy", "old", "dir", "missing/x"] {
            let p = |t: &Tree, n: &str| {
                if n.starts_with('/') {
                    PathBuf::from(n)
                } else {
                    t.p(n)
                }
            };
            let (os, od, ms, md) = (p(&a, &src), a.p(dst), p(&m, &src), m.p(dst));
            let (sp, sl) = raw(&os);
            let (dp, dl) = raw(&od);
            let ours = b(unsafe { ours::rt_file_copy(sp, sl, dp, dl) });
            let (sp, sl) = raw(&ms);
            let (dp, dl) = raw(&md);
            let theirs = unsafe { model::file_copy(sp, sl, dp, dl) };
            let what = format!("copy {src} -> {dst}");
            assert_eq!(ours, theirs, "{what}");
            assert_eq!(std::fs::read(&od).ok(), std::fs::read(&md).ok(), "{what}");
            let mode = |p: &Path| std::fs::metadata(p).ok().map(|m| m.permissions().mode());
            assert_eq!(mode(&od), mode(&md), "{what}");
        }
    }
    // A deliberate difference: std::fs::copy of a file onto itself empties it; the
    // crate refuses, and the content stays.
    let text = a.p("text");
    let (p, l) = raw(&text);
    assert!(!b(unsafe { ours::rt_file_copy(p, l, p, l) }));
    assert_eq!(std::fs::read(&text).unwrap(), b"hello, world\n");
}

#[test]
fn dir_create_and_list() {
    let _s = serial();
    let (a, m) = (Tree::new(), Tree::new());
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
        ("dangling", false),
        ("x/../y/./z", true),
    ] {
        let (o, s) = (a.p(name), m.p(name));
        assert_eq!(
            b(with_path!(ours::rt_dir_create, &o, recursive)),
            with_path!(model::dir_create, &s, recursive),
            "create {name} {recursive}"
        );
        assert_eq!(o.is_dir(), s.is_dir(), "{name}");
    }
    // "" with recursive is create_dir_all(""): nothing to make, success.
    let empty = Path::new("");
    assert_eq!(
        b(with_path!(ours::rt_dir_create, empty, true)),
        with_path!(model::dir_create, empty, true)
    );
    // Listings: 1 000 entries and a non-UTF-8 name (left out), empty, missing, a file.
    let many = a.p("many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..1000 {
        std::fs::write(many.join(format!("entry-{i:04}")), "").unwrap();
    }
    std::fs::write(many.join(std::ffi::OsStr::from_bytes(b"latin1-\xe9")), "").unwrap();
    let sorted = |v: Val| match v {
        Val::Arr(mut items) => {
            items.sort_by_key(|i| format!("{i:?}"));
            Val::Arr(items)
        }
        other => other,
    };
    for p in [
        many.clone(),
        a.p("dir"),
        a.p("a"),
        a.p("missing"),
        a.p("text"),
        a.p("loop-a"),
        "/".into(),
    ] {
        let ours = sorted(val(with_path!(ours::rt_dir_list, &p)));
        assert_eq!(
            ours,
            sorted(val(with_path!(model::dir_list, &p))),
            "list {p:?}"
        );
        if ours == Val::Nil {
            assert_eq!(
                Some(errno()),
                std_errno(std::fs::read_dir(&p)),
                "list errno {p:?}"
            );
        }
    }
    let Val::Arr(names) = val(with_path!(ours::rt_dir_list, &many)) else {
        panic!()
    };
    assert_eq!(names.len(), 1000);
}

#[test]
fn lock_and_unlock() {
    let _s = serial();
    let t = Tree::new();
    let path = t.p("lockfile");
    // Free: both take it (one after the other: they exclude each other too).
    for timeout in [0, 1] {
        let h = with_path!(ours::rt_file_lock, &path, timeout);
        assert!(h >= 0, "ours, timeout {timeout}");
        assert!(b(unsafe { ours::rt_file_unlock(h) }));
        let h = with_path!(model::file_lock, &path, timeout);
        assert!(h >= 0 && model::file_unlock(h));
    }
    // Held by another open file description: with a timeout both give up after it.
    let other = std::fs::File::open(&path).unwrap();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&other);
    assert_eq!(unsafe { libc::flock(fd, libc::LOCK_EX) }, 0);
    let start = std::time::Instant::now();
    assert_eq!(with_path!(ours::rt_file_lock, &path, 1), -1);
    assert_eq!(errno(), libc::EWOULDBLOCK);
    assert!(start.elapsed() >= std::time::Duration::from_millis(950));
    assert_eq!(with_path!(model::file_lock, &path, 1), -1);
    // Without one both wait until the holder lets go.
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        drop(other);
    });
    let h = with_path!(ours::rt_file_lock, &path, 0);
    assert!(h >= 0);
    release.join().unwrap();
    assert!(b(unsafe { ours::rt_file_unlock(h) }));
    // A tagged String path.
    let tagged = abi::string(path.as_os_str().as_bytes());
    let h = unsafe { ours::rt_file_lock(tagged as *const u8, 0, 0) };
    assert!(h >= 0);
    assert!(b(unsafe { ours::rt_file_unlock(h) }));
    // Failures alike: a missing directory, below a file, a directory.
    for p in [t.p("missing/x"), t.p("text/x"), t.p("dir")] {
        assert_eq!(with_path!(ours::rt_file_lock, &p, 1), -1, "{p:?}");
        assert_eq!(with_path!(model::file_lock, &p, 1), -1, "{p:?}");
    }
    // Handles that are not open are false for both; one that is open but was never
    // handed out is refused by the crate (EBADF), where the runtime would close it.
    for bogus in [h, -1, 1 << 40, 100_000] {
        assert!(!b(unsafe { ours::rt_file_unlock(bogus) }), "{bogus}");
        assert_eq!(errno(), libc::EBADF);
        assert!(!model::file_unlock(bogus), "{bogus}");
    }
    let kept = std::fs::File::open(&path).unwrap();
    let kept_fd = std::os::fd::AsRawFd::as_raw_fd(&kept) as i64;
    assert!(!b(unsafe { ours::rt_file_unlock(kept_fd) }));
    assert!(kept.metadata().is_ok(), "the descriptor is still open");
}

#[test]
fn env() {
    let _s = serial();
    assert_eq!(val(unsafe { ours::rt_env_cwd() }), val(model::env_cwd()));
    assert_eq!(val(unsafe { ours::rt_env_home() }), val(model::env_home()));
    let set = |n: &[u8], v: &[u8]| {
        let o =
            b(unsafe { ours::rt_env_set(n.as_ptr(), n.len() as u64, v.as_ptr(), v.len() as u64) });
        let m = unsafe { model::env_set(n.as_ptr(), n.len() as u64, v.as_ptr(), v.len() as u64) };
        assert_eq!(o, m, "set {:?}={:?}", String::from_utf8_lossy(n), v.len());
        o
    };
    let get = |n: &[u8]| {
        let o = val(unsafe { ours::rt_env_get(n.as_ptr(), n.len() as u64) });
        let m = val(unsafe { model::env_get(n.as_ptr(), n.len() as u64) });
        assert_eq!(o, m, "get {:?}", String::from_utf8_lossy(n));
        o
    };
    let long_name = vec![b'N'; 4095];
    let too_long = vec![b'N'; 4096];
    let long_value = vec![b'v'; 65535];
    let too_long_value = vec![b'v'; 65536];
    assert!(set(b"FFI_CONF_A", b"first"));
    assert!(set(b"FFI_CONF_A", b"second value"));
    assert_eq!(get(b"FFI_CONF_A"), Val::Str(b"second value".to_vec()));
    assert!(set(b"FFI_CONF_EMPTY", b""));
    assert_eq!(get(b"FFI_CONF_EMPTY"), Val::Str(vec![]));
    assert!(set(&long_name, b"x"));
    assert!(!set(&too_long, b"x"));
    assert!(set(b"FFI_CONF_LONG", &long_value));
    assert!(!set(b"FFI_CONF_LONG", &too_long_value));
    assert_eq!(get(b"FFI_CONF_LONG"), Val::Str(long_value.clone()));
    for bad in [&b""[..], b"A=B", b"A\0B"] {
        assert!(!set(bad, b"v"));
    }
    assert!(!set(b"OK", b"a\0b"));
    // A value that is not UTF-8 is stored decoded lossily, as the runtime does.
    assert!(set(b"FFI_CONF_LATIN1", b"caf\xe9"));
    assert_eq!(
        get(b"FFI_CONF_LATIN1"),
        Val::Str("caf\u{FFFD}".as_bytes().to_vec())
    );
    for name in [
        &b"PATH"[..],
        b"SURELY_NOT_SET_ANYWHERE",
        b"",
        &long_name,
        &too_long,
    ] {
        get(name);
    }
    assert_eq!(
        val(unsafe { ours::rt_env_get(std::ptr::null(), 4) }),
        Val::Nil
    );
    assert_eq!(errno(), libc::EINVAL);
    // HOME unset: USERPROFILE, else NIL.
    let home = std::env::var_os("HOME");
    let unset = |n: &str| {
        ffi_syscalls::env::remove(n.as_bytes()).unwrap();
        unsafe { std::env::remove_var(n) };
    };
    unset("HOME");
    assert!(set(b"USERPROFILE", b"/profile"));
    assert_eq!(
        val(unsafe { ours::rt_env_home() }),
        Val::Str(b"/profile".to_vec())
    );
    assert_eq!(val(unsafe { ours::rt_env_home() }), val(model::env_home()));
    unset("USERPROFILE");
    assert_eq!(val(unsafe { ours::rt_env_home() }), Val::Nil);
    assert_eq!(val(model::env_home()), Val::Nil);
    if let Some(h) = home {
        assert!(set(b"HOME", h.as_bytes()));
    }
}

fn run_both(cmd: &[u8], args: &[&[u8]]) -> Val {
    let argv = abi::strings(args);
    let o = val(unsafe { ours::rt_process_run(cmd.as_ptr(), cmd.len() as u64, argv) });
    let m = val(unsafe { model::process_run(cmd.as_ptr(), cmd.len() as u64, argv) });
    assert_eq!(o, m, "run {:?} {args:?}", String::from_utf8_lossy(cmd));
    o
}

fn tuple(out: &[u8], err: &[u8], code: i64) -> Val {
    Val::Tup(vec![
        Val::Str(out.to_vec()),
        Val::Str(err.to_vec()),
        Val::Int(code),
    ])
}

#[test]
fn process_run() {
    let _s = serial();
    assert_eq!(run_both(b"true", &[]), tuple(b"", b"", 0));
    run_both(b"false", &[]);
    assert_eq!(
        run_both(b"sh", &[b"-c", b"echo out; echo err >&2; exit 255"]),
        tuple(b"out\n", b"err\n", 255)
    );
    run_both(b"/bin/echo", &[b"a b", b"", "ü".as_bytes()]);
    assert_eq!(
        run_both(b"sh", &[b"-c", b"kill -9 $$"]),
        tuple(b"", b"", -1)
    );
    // stdin is /dev/null; output that is not UTF-8 is decoded lossily.
    assert_eq!(run_both(b"cat", &[]), tuple(b"", b"", 0));
    assert_eq!(
        run_both(b"printf", &[b"caf\\351"]),
        tuple("caf\u{FFFD}".as_bytes(), b"", 0)
    );
    // Its own process group; _SIMPLE_STACK_SET is not passed on.
    let name = b"_SIMPLE_STACK_SET";
    assert!(b(unsafe {
        ours::rt_env_set(name.as_ptr(), 17, b"1".as_ptr(), 1)
    }));
    unsafe { std::env::set_var("_SIMPLE_STACK_SET", "1") };
    assert_eq!(
        run_both(b"sh", &[b"-c", b"echo \"[$_SIMPLE_STACK_SET]\"; test $(cut -d' ' -f5 /proc/$$/stat) = $$ && echo own"]),
        tuple(b"[]\nown\n", b"", 0)
    );
    // An executable without `#!` runs through /bin/sh (the runtime's execvp does
    // so), by path and through a PATH search; $0 is the path tried.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("conf-no-shebang");
    std::fs::write(&script, "echo hi; printf '[%s]' \"$0\" \"$@\"").unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let (path, args) = (script.as_os_str().as_bytes(), [&b"a b"[..], b""]);
    let want = format!("hi\n[{}][a b][]", script.display());
    assert_eq!(run_both(path, &args), tuple(want.as_bytes(), b"", 0));
    let old = std::env::var_os("PATH").unwrap_or_default();
    let mut search = dir.path().as_os_str().to_owned();
    search.push(":");
    search.push(&old);
    let set_path = |p: &std::ffi::OsStr| {
        let p = p.as_bytes();
        assert!(b(unsafe {
            ours::rt_env_set(b"PATH".as_ptr(), 4, p.as_ptr(), p.len() as u64)
        }));
        unsafe { std::env::set_var("PATH", std::ffi::OsStr::from_bytes(p)) };
    };
    set_path(&search);
    let found = run_both(b"conf-no-shebang", &args);
    set_path(&old);
    assert_eq!(found, tuple(want.as_bytes(), b"", 0));
    // Commands that cannot start: ("", "", -1) and the errno std reports.
    for cmd in [
        &b"/nonexistent/cmd"[..],
        b"surely-not-a-command",
        b"/etc/passwd/x",
        b"/dev/null",
        b"",
    ] {
        assert_eq!(run_both(cmd, &[]), tuple(b"", b"", -1));
        // pre_exec makes std fork and report exec failure through a pipe (its
        // posix_spawn path cannot under qemu-user).
        let mut oracle = std::process::Command::new(std::ffi::OsStr::from_bytes(cmd));
        unsafe { std::os::unix::process::CommandExt::pre_exec(&mut oracle, || Ok(())) };
        let oracle = oracle.output();
        assert_eq!(
            Some(errno()),
            std_errno(oracle),
            "{:?}",
            String::from_utf8_lossy(cmd)
        );
    }
    // An element that is not a String: the failure tuple, nothing run.
    let mixed = abi::strings(&[b"-c", b"echo ran"]);
    abi::rt_array_push(mixed, abi::int(5));
    let o = val(unsafe { ours::rt_process_run(b"sh".as_ptr(), 2, mixed) });
    assert_eq!(
        o,
        val(unsafe { model::process_run(b"sh".as_ptr(), 2, mixed) })
    );
    assert_eq!(o, tuple(b"", b"", -1));
    // `args` that is not an Array reads as no arguments.
    for args in [NIL, abi::int(3), abi::string(b"x")] {
        let o = val(unsafe { ours::rt_process_run(b"echo".as_ptr(), 4, args) });
        assert_eq!(
            o,
            val(unsafe { model::process_run(b"echo".as_ptr(), 4, args) })
        );
        assert_eq!(o, tuple(b"\n", b"", 0));
    }
    // More output than a pipe holds, on both streams.
    run_both(
        b"sh",
        &[
            b"-c",
            b"head -c 300000 /dev/zero; head -c 200000 /dev/zero >&2",
        ],
    );
}

#[test]
fn system_values() {
    let _s = serial();
    assert_eq!(unsafe { ours::rt_getpid() }, model::getpid());
    assert_eq!(
        unsafe { ours::rt_system_cpu_count() },
        model::system_cpu_count()
    );
    assert_eq!(val(unsafe { ours::rt_hostname() }), val(model::hostname()));
    let (before, ours, after) = (
        model::time_now_unix_micros(),
        unsafe { ours::rt_time_now_unix_micros() },
        model::time_now_unix_micros(),
    );
    assert!(before <= ours && ours <= after, "{before} {ours} {after}");
}

#[test]
fn args() {
    let _s = serial();
    // Nothing stored: the process's own arguments.
    assert_eq!(val(unsafe { ours::rt_get_args() }), val(model::get_args()));
    let strs: [&[u8]; 4] = [b"prog\0", b"one\0", b"caf\xe9\0", b"two\0"];
    let mut argv: Vec<*const u8> = strs.iter().map(|s| s.as_ptr()).collect();
    argv.insert(2, std::ptr::null());
    for (argc, ptr) in [
        (5, argv.as_ptr()),
        (2, argv.as_ptr()),
        (0, argv.as_ptr()),
        (3, std::ptr::null()),
    ] {
        unsafe {
            ours::rt_set_args(argc, ptr);
            model::set_args(argc, ptr);
        }
        assert_eq!(
            val(unsafe { ours::rt_get_args() }),
            val(model::get_args()),
            "argc {argc}"
        );
    }
    unsafe { ours::rt_set_args(5, argv.as_ptr()) };
    assert_eq!(
        val(unsafe { ours::rt_get_args() }),
        Val::Arr(vec![
            Val::Str(b"prog".to_vec()),
            Val::Str(b"one".to_vec()),
            Val::Str(b"two".to_vec())
        ])
    );
    unsafe { ours::rt_set_args(0, std::ptr::null()) };
}

/// The runtime's constructors are calls out of the crate, which may call back into
/// it: here `rt_string_new`, while `rt_get_args` makes its Strings, calls
/// `rt_get_args` again. No lock may be held across such a call; with the stored
/// list's lock held the inner call spun for ever (so the outer call runs on a thread
/// of its own, and a missing answer is the failure).
#[test]
fn get_args_holds_no_lock_while_the_runtime_makes_its_strings() {
    use std::sync::mpsc;
    static INNER: Mutex<Option<Val>> = Mutex::new(None);
    fn reenter() {
        *INNER.lock().unwrap() = Some(val(unsafe { ours::rt_get_args() }));
    }
    let _s = serial();
    let strs: [&[u8]; 2] = [b"prog\0", b"one\0"];
    let argv: Vec<*const u8> = strs.iter().map(|s| s.as_ptr()).collect();
    unsafe { ours::rt_set_args(2, argv.as_ptr()) };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        abi::CALL_OUT.with(|c| c.set(Some(reenter)));
        let _ = tx.send(val(unsafe { ours::rt_get_args() }));
    });
    let outer = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("rt_get_args did not return: a lock held while the runtime's constructor ran");
    let want = Val::Arr(vec![Val::Str(b"prog".to_vec()), Val::Str(b"one".to_vec())]);
    assert_eq!(outer, want);
    assert_eq!(INNER.lock().unwrap().take(), Some(want));
    unsafe { ours::rt_set_args(0, std::ptr::null()) };
}

/// What `f` writes to fd 1 or 2, captured through a temporary file. The harness
/// writes "test NAME ... ok" to fd 1 through std's stdout from its own thread when
/// another test ends: std's buffer is emptied first, and std's stdout and stderr
/// stay locked meanwhile (reentrant: the model's own writes still pass), so none
/// of that lands in the capture.
fn captured(fd: i32, f: impl FnOnce()) -> Vec<u8> {
    use std::io::{Read, Seek, Write};
    let mut held = (io::stdout().lock(), io::stderr().lock());
    held.0.flush().unwrap();
    let mut file = tempfile::tempfile().unwrap();
    let saved = unsafe { libc::dup(fd) };
    assert_eq!(
        unsafe { libc::dup2(std::os::fd::AsRawFd::as_raw_fd(&file), fd) },
        fd
    );
    f();
    assert_eq!(unsafe { libc::dup2(saved, fd) }, fd);
    unsafe { libc::close(saved) };
    let mut out = Vec::new();
    file.rewind().unwrap();
    file.read_to_end(&mut out).unwrap();
    out
}

#[test]
fn print() {
    let _s = serial();
    type Print = unsafe extern "C" fn(*const u8, u64);
    let cases: [(i32, bool, Print); 4] = [
        (1, false, ours::rt_print_str),
        (1, true, ours::rt_println_str),
        (2, false, ours::rt_eprint_str),
        (2, true, ours::rt_eprintln_str),
    ];
    let texts: [(*const u8, u64); 4] = [
        (b"plain".as_ptr(), 5),
        (b"caf\xe9 bytes as given".as_ptr(), 20),
        (std::ptr::null(), 7),
        (b"".as_ptr(), 0),
    ];
    for (fd, newline, f) in cases {
        for (p, l) in texts {
            let ours = captured(fd, || unsafe { f(p, l) });
            let theirs = captured(fd, || unsafe { model::print_to(fd, p, l, newline) });
            assert_eq!(ours, theirs, "fd {fd} newline {newline}");
        }
    }
    // A long line and its newline.
    let long = vec![b'x'; 10_000];
    let ours = captured(1, || unsafe { ours::rt_println_str(long.as_ptr(), 10_000) });
    assert_eq!(ours.len(), 10_001);
}

/// Runs `f` in a forked child and gives its wait status.
fn in_child(f: impl FnOnce()) -> i32 {
    match unsafe { libc::fork() } {
        0 => {
            f();
            unsafe { libc::_exit(99) }
        }
        pid => {
            let mut status = 0;
            assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
            status
        }
    }
}

#[test]
fn exit_and_broken_pipe() {
    let _s = serial();
    let status = in_child(|| unsafe { ours::rt_exit(7) });
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 7);
    // A closed pipe ends the process with status 0, on stdout and on stderr.
    for fd in [1, 2] {
        let status = in_child(|| {
            let mut p = [0; 2];
            unsafe {
                libc::signal(libc::SIGPIPE, libc::SIG_IGN);
                libc::pipe(p.as_mut_ptr());
                libc::close(p[0]);
                libc::dup2(p[1], fd);
                match fd {
                    1 => ours::rt_println_str(b"x".as_ptr(), 1),
                    _ => ours::rt_eprintln_str(b"x".as_ptr(), 1),
                }
            }
        });
        assert!(
            libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
            "fd {fd}: {status:#x}"
        );
    }
}

mod files;
mod model_files;
