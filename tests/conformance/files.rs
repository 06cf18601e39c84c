//! The directory-tree and path functions of issue 22 beside the runtime's std
//! versions (`model_files`), success and failure inputs, errno where std names one;
//! the walk and the removal against a directory swapped for a symlink.

use super::{Tree, b, captured, errno, raw, serial, std_errno};
use crate::abi::{self, Val, val};
use crate::model_files as model;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::{Path, PathBuf};

mod ours {
    unsafe extern "C" {
        pub fn rt_dir_exists(p: *const u8, l: u64) -> u8;
        pub fn rt_dir_create_all(p: *const u8, l: u64) -> u8;
        pub fn rt_file_read_bytes(p: *const u8, l: u64) -> u64;
        pub fn rt_file_write_bytes(p: *const u8, l: u64, d: *const u8, dl: u64) -> u8;
        pub fn rt_file_rename(f: *const u8, fl: u64, t: *const u8, tl: u64) -> u8;
        pub fn rt_file_move(f: *const u8, fl: u64, t: *const u8, tl: u64) -> u8;
        pub fn rt_path_absolute(p: *const u8, l: u64) -> u64;
        pub fn rt_file_write_text_at(path: i64, offset: i64, data: i64) -> i64;
        pub fn rt_dir_walk(p: *const u8, l: u64) -> u64;
        pub fn rt_dir_remove_all(p: *const u8, l: u64) -> u8;
        pub fn rt_file_remove(p: *const u8, l: u64) -> u8;
        pub fn rt_file_write_text(p: *const u8, l: u64, c: *const u8, cl: u64) -> u8;
        pub fn rt_env_set(p: *const u8, l: u64, v: *const u8, vl: u64) -> u8;
    }
}

macro_rules! call {
    ($f:path, $p:expr $(, $rest:expr)*) => {{
        let path: &Path = $p;
        let (ptr, len) = raw(path);
        unsafe { $f(ptr, len $(, $rest)*) }
    }};
}

macro_rules! call2 {
    ($f:path, $a:expr, $b:expr) => {{
        let (a, b): (&Path, &Path) = ($a, $b);
        let ((ap, al), (bp, bl)) = (raw(a), raw(b));
        unsafe { $f(ap, al, bp, bl) }
    }};
}

/// The same path below another tree's directory.
fn moved(t: &Tree, other: &Tree, p: &Path) -> PathBuf {
    match p.strip_prefix(t.dir.path()) {
        Ok(rest) => other.dir.path().join(rest),
        Err(_) => p.to_path_buf(),
    }
}

/// What a path holds, for comparing two trees: kind and content.
fn state(p: &Path) -> String {
    match std::fs::symlink_metadata(p) {
        Err(e) => format!("absent {:?}", e.raw_os_error()),
        Ok(m) if m.is_symlink() => format!("link {:?}", std::fs::read_link(p).unwrap().file_name()),
        Ok(m) if m.is_dir() => {
            let mut names: Vec<_> = std::fs::read_dir(p)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            names.sort();
            format!("dir {names:?}")
        }
        Ok(m) => format!("file {:o} {:?}", m.mode() & 0o7777, std::fs::read(p).ok()),
    }
}

#[test]
fn dir_exists_create_all_read_write_bytes() {
    let _s = serial();
    let (a, m) = (Tree::new(), Tree::new());
    for p in a.cases() {
        let what = format!("{p:?}");
        let q = moved(&a, &m, &p);
        let ours = b(call!(ours::rt_dir_exists, &p));
        assert_eq!(ours, call!(model::dir_exists, &q), "dir_exists {what}");
        if !ours {
            let oracle = std_errno(std::fs::metadata(&p)).unwrap_or(libc::ENOTDIR);
            let oracle = if p.to_str().is_none() {
                libc::EILSEQ
            } else {
                oracle
            };
            assert_eq!(errno(), oracle, "dir_exists errno {what}");
        }
        let ours = val(call!(ours::rt_file_read_bytes, &p));
        assert_eq!(
            ours,
            val(call!(model::file_read_bytes, &q)),
            "read_bytes {what}"
        );
        if ours == Val::Nil && p.to_str().is_some() {
            assert_eq!(
                Some(errno()),
                std_errno(std::fs::read(&p)),
                "read_bytes errno {what}"
            );
        }
    }
    // /proc files say size 0: read to EOF.
    let Val::Bytes(v) = val(call!(
        ours::rt_file_read_bytes,
        Path::new("/proc/self/status")
    )) else {
        panic!()
    };
    assert!(v.starts_with(b"Name:"));
    // Writes: bytes of every value (not UTF-8 too), over files, into missing
    // directories, onto a directory, through links; null data with and without a
    // length; and the paths' own failures.
    let data: &[u8] = b"\x00\xff\xfe bytes\r\n";
    for name in [
        "new",
        "text",
        "dir",
        "missing/x",
        "link",
        "dangling",
        "text/below",
    ] {
        let (o, s) = (a.p(name), m.p(name));
        for (d, dl) in [
            (data.as_ptr(), data.len() as u64),
            (std::ptr::null(), 0),
            (std::ptr::null(), 3),
        ] {
            let ours = b(call!(ours::rt_file_write_bytes, &o, d, dl));
            assert_eq!(
                ours,
                call!(model::file_write_bytes, &s, d, dl),
                "write_bytes {name} {dl}"
            );
            assert_eq!(state(&o), state(&s), "{name}");
        }
    }
    assert!(!b(unsafe {
        ours::rt_file_write_bytes(std::ptr::null(), 3, data.as_ptr(), 1)
    }));
    assert_eq!(errno(), libc::EFAULT);
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7) as u8).collect();
    assert!(b(call!(
        ours::rt_file_write_bytes,
        &a.p("big-bytes"),
        big.as_ptr(),
        big.len() as u64
    )));
    assert_eq!(
        val(call!(ours::rt_file_read_bytes, &a.p("big-bytes"))),
        Val::Bytes(big)
    );
    // create_all: nested, existing, through a file, a trailing slash, "..", "".
    for name in [
        "x/y/z",
        "x/y/z",
        "x/y/z/",
        "text/q",
        "text",
        "dir",
        "u/../v/./w",
        "loop-a/x",
    ] {
        let (o, s) = (a.p(name), m.p(name));
        assert_eq!(
            b(call!(ours::rt_dir_create_all, &o)),
            call!(model::dir_create_all, &s),
            "create_all {name}"
        );
        assert_eq!(state(&o), state(&s), "{name}");
    }
    assert!(b(call!(ours::rt_dir_create_all, Path::new(""))));
    let bad = a.dir.path().join(OsStr::from_bytes(b"bad-\xff"));
    assert!(!b(call!(ours::rt_dir_create_all, &bad)));
    assert_eq!(errno(), libc::EILSEQ);
    assert!(!b(unsafe { ours::rt_dir_exists(std::ptr::null(), 1) }));
    assert_eq!(errno(), libc::EFAULT);
    assert_eq!(
        val(unsafe { ours::rt_file_read_bytes(std::ptr::null(), 0) }),
        Val::Nil
    );
}

/// Two file systems to move between: the temporary directory and /dev/shm, when
/// both exist and are different devices.
fn other_device(t: &Tree) -> Option<tempfile::TempDir> {
    let shm = tempfile::tempdir_in("/dev/shm").ok()?;
    let here = std::fs::metadata(t.dir.path()).ok()?.dev();
    (std::fs::metadata(shm.path()).ok()?.dev() != here).then_some(shm)
}

#[test]
fn rename_and_move() {
    let _s = serial();
    type Two = unsafe extern "C" fn(*const u8, u64, *const u8, u64) -> u8;
    type TwoModel = unsafe fn(*const u8, u64, *const u8, u64) -> bool;
    let fns: [(&str, Two, TwoModel); 2] = [
        ("rename", ours::rt_file_rename, model::file_rename),
        ("move", ours::rt_file_move, model::file_move),
    ];
    let pairs = [
        ("text", "renamed"),
        ("text", "empty"),
        ("text", "dir"),
        ("dir", "text"),
        ("dir", "dir2"),
        ("missing", "x"),
        ("text", "missing/x"),
        ("link", "link2"),
        ("dangling", "d2"),
        ("text", "text"),
        ("dir", "dir/sub"),
        ("text/below", "y"),
    ];
    for (what, ours_f, model_f) in fns {
        for (from, to) in pairs {
            let (a, m) = (Tree::new(), Tree::new());
            let ours = b(call2!(ours_f, &a.p(from), &a.p(to)));
            let theirs = call2!(model_f, &m.p(from), &m.p(to));
            assert_eq!(ours, theirs, "{what} {from} {to}");
            for n in [from, to] {
                assert_eq!(state(&a.p(n)), state(&m.p(n)), "{what} {from} {to}: {n}");
            }
            if !ours && what == "rename" {
                let oracle = std_errno(std::fs::rename(m.p(from), m.p(to)));
                assert_eq!(Some(errno()), oracle, "{what} errno {from} {to}");
            }
        }
    }
    // Null and non-UTF-8 paths on either side.
    let t = Tree::new();
    let (p, l) = raw(&t.p("text"));
    for f in [ours::rt_file_rename as Two, ours::rt_file_move] {
        assert!(!b(unsafe { f(std::ptr::null(), 1, p, l) }));
        assert_eq!(errno(), libc::EFAULT);
        assert!(!b(unsafe { f(p, l, b"x\xff".as_ptr(), 2) }));
        assert_eq!(errno(), libc::EILSEQ);
        assert!(t.p("text").exists());
    }
    // Across file systems: rename is EXDEV, move copies (mode too) and removes.
    let (a, m) = (Tree::new(), Tree::new());
    let Some(shm) = other_device(&a) else {
        eprintln!("no second file system (/dev/shm): cross-device move not tried");
        return;
    };
    for t in [&a, &m] {
        std::fs::set_permissions(
            t.p("text"),
            std::os::unix::fs::PermissionsExt::from_mode(0o751),
        )
        .unwrap();
    }
    let (od, md) = (shm.path().join("ours"), shm.path().join("model"));
    assert!(!b(call2!(ours::rt_file_rename, &a.p("text"), &od)));
    assert_eq!(errno(), libc::EXDEV);
    assert!(b(call2!(ours::rt_file_move, &a.p("text"), &od)));
    assert!(call2!(model::file_move, &m.p("text"), &md));
    assert_eq!(state(&od), state(&md));
    assert_eq!(state(&a.p("text")), state(&m.p("text")));
    assert!(!a.p("text").exists());
    // A directory does not move across (copy refuses it); nothing is lost.
    assert_eq!(
        b(call2!(
            ours::rt_file_move,
            &a.p("dir"),
            &shm.path().join("od")
        )),
        call2!(model::file_move, &m.p("dir"), &shm.path().join("md"))
    );
    assert!(a.p("dir").is_dir());
}

#[test]
fn path_absolute() {
    let _s = serial();
    let t = Tree::new();
    let mut cases = t.cases();
    symlink(t.p("dir"), t.p("dirlink")).unwrap();
    std::fs::create_dir(t.dir.path().join(OsStr::from_bytes(b"d\xff"))).unwrap();
    symlink(
        t.dir.path().join(OsStr::from_bytes(b"d\xff")),
        t.p("to-bad"),
    )
    .unwrap();
    for n in [
        "dirlink/../text",
        "dirlink/..",
        "dir/./../text",
        "to-bad",
        "text/",
        "text/.",
        "dir//",
    ] {
        cases.push(t.p(n));
    }
    for rel in [
        "text",
        "dir",
        "missing",
        "missing/x",
        ".",
        "..",
        "",
        "./dir/../text",
        "dirlink",
        "link",
        "dangling",
        "loop-a",
        "x/../text",
        "/",
        "//",
        "/..",
        "/proc/self/..",
    ] {
        cases.push(PathBuf::from(rel));
    }
    let saved = std::env::current_dir().unwrap();
    std::env::set_current_dir(t.dir.path()).unwrap();
    for p in &cases {
        assert_eq!(
            val(call!(ours::rt_path_absolute, p)),
            val(call!(model::path_absolute, p)),
            "absolute {p:?}"
        );
    }
    // Deeper than PATH_MAX from the working directory: the join of what getcwd
    // could give.
    let deep = t.p("deep");
    std::fs::create_dir(&deep).unwrap();
    std::env::set_current_dir(&deep).unwrap();
    for p in ["a/b", "", "."] {
        assert_eq!(
            val(call!(ours::rt_path_absolute, Path::new(p))),
            val(call!(model::path_absolute, Path::new(p))),
            "absolute {p:?} in {deep:?}"
        );
    }
    // A removed working directory: getcwd fails, the path comes back as given.
    std::fs::remove_dir(&deep).unwrap();
    for p in ["a/b", "x", ""] {
        assert_eq!(
            val(call!(ours::rt_path_absolute, Path::new(p))),
            val(call!(model::path_absolute, Path::new(p))),
            "absolute {p:?} without a working directory"
        );
    }
    std::env::set_current_dir(saved).unwrap();
    // Null and non-UTF-8: "".
    assert_eq!(
        val(unsafe { ours::rt_path_absolute(std::ptr::null(), 3) }),
        Val::Str(vec![])
    );
    assert_eq!(
        val(unsafe { ours::rt_path_absolute(b"\xff".as_ptr(), 1) }),
        Val::Str(vec![])
    );
    // Through a chain of 41 links: ELOOP, so the join.
    for i in 0..41 {
        symlink(t.p(&format!("chain{}", i + 1)), t.p(&format!("chain{i}"))).unwrap();
    }
    std::fs::write(t.p("chain41"), "").unwrap();
    for p in [t.p("chain0"), t.p("chain1")] {
        assert_eq!(
            val(call!(ours::rt_path_absolute, &p)),
            val(call!(model::path_absolute, &p))
        );
    }
}

#[test]
fn write_text_at() {
    let _s = serial();
    let (a, m) = (Tree::new(), Tree::new());
    let s = |b: &[u8]| abi::string(b) as i64;
    // (file, offset, data): sequential appends, a jump back, the runtime's quirk (a
    // write right after a pwrite goes at the file offset), negative offsets, another
    // file, back again (reopened: the handle's position starts at 0).
    let steps: &[(&str, i64, &[u8])] = &[
        ("w", 0, b"hello"),
        ("w", 5, b" world"),
        ("w", 0, b"J"),
        ("w", 20, b"far"),
        ("w", 23, b"seq"),
        ("w", -4, b"neg"),
        ("v", 2, b"other"),
        ("w", 0, b"again"),
        ("w", 5, b"\xff not utf-8"),
        ("dir", 0, b"x"),
        ("missing/x", 0, b"x"),
        ("w", 3, b""),
    ];
    for &(name, off, data) in steps {
        let ours = unsafe {
            ours::rt_file_write_text_at(s(a.p(name).as_os_str().as_bytes()), off, s(data))
        };
        let theirs = model::file_write_text_at(s(m.p(name).as_os_str().as_bytes()), off, s(data));
        assert_eq!(ours, theirs, "{name} {off}");
        assert_eq!(state(&a.p(name)), state(&m.p(name)), "{name} {off}");
    }
    // Not a String, or a path that is not UTF-8: -1.
    let w = s(a.p("w").as_os_str().as_bytes());
    assert_eq!(unsafe { ours::rt_file_write_text_at(w, 0, 8) }, -1);
    assert_eq!(unsafe { ours::rt_file_write_text_at(0x3, 0, s(b"x")) }, -1);
    assert_eq!(
        unsafe { ours::rt_file_write_text_at(s(b"\xff"), 0, s(b"x")) },
        -1
    );
    // Removed through rt_file_remove: the next write-at makes a new file (the
    // handle is dropped with it), as the runtime's test asks.
    let wp = a.p("w");
    let (o, len) = raw(&wp);
    assert!(b(unsafe { ours::rt_file_remove(o, len) }));
    assert_eq!(unsafe { ours::rt_file_write_text_at(w, 0, s(b"fresh")) }, 5);
    assert_eq!(std::fs::read(a.p("w")).unwrap(), b"fresh");
    // The runtime's remove drops its handle the same way.
    let mp = m.p("w");
    let (mo, ml) = raw(&mp);
    assert!(unsafe { model::file_remove(mo, ml) });
    let mw = s(mp.as_os_str().as_bytes());
    assert_eq!(model::file_write_text_at(mw, 0, s(b"fresh")), 5);
    assert_eq!(state(&a.p("w")), state(&m.p("w")));
    assert!(b(unsafe {
        ours::rt_file_write_text(o, len, b"text".as_ptr(), 4)
    }));
    assert_eq!(unsafe { ours::rt_file_write_text_at(w, 4, s(b"!")) }, 1);
    assert_eq!(std::fs::read(a.p("w")).unwrap(), b"text!");
    // The handle is close-on-exec and there is one: writing many paths leaks none.
    let fds = || std::fs::read_dir("/proc/self/fd").unwrap().count();
    let before = fds();
    for i in 0..50 {
        let p = s(a.p(&format!("many{i}")).as_os_str().as_bytes());
        assert_eq!(unsafe { ours::rt_file_write_text_at(p, 0, s(b"x")) }, 1);
    }
    assert!(fds() <= before + 1);
}

/// A tree for the walk and the removal: files, nested and empty directories, links
/// to a file, to a directory inside and outside, back to the root, dangling, and
/// non-UTF-8 names (a file, and a directory with a file in it).
fn walk_tree(root: &Path, outside: &Path) {
    std::fs::create_dir_all(root.join("a/b/c")).unwrap();
    std::fs::create_dir_all(root.join("empty")).unwrap();
    std::fs::write(root.join("top.txt"), "t").unwrap();
    std::fs::write(root.join("a/one"), "1").unwrap();
    std::fs::write(root.join("a/b/two"), "2").unwrap();
    std::fs::write(root.join("a/b/c/three"), "3").unwrap();
    for i in 0..300 {
        std::fs::write(root.join(format!("a/f{i}")), "").unwrap();
    }
    symlink(root.join("top.txt"), root.join("file-link")).unwrap();
    symlink(root.join("a"), root.join("dir-link")).unwrap();
    symlink(root, root.join("a/b/back")).unwrap();
    symlink(outside, root.join("out-link")).unwrap();
    symlink(root.join("nowhere"), root.join("dangling")).unwrap();
    std::fs::write(root.join(OsStr::from_bytes(b"bad-\xff")), "").unwrap();
    std::fs::create_dir(root.join(OsStr::from_bytes(b"bad-dir-\xfe"))).unwrap();
    std::fs::write(root.join(OsStr::from_bytes(b"bad-dir-\xfe/inside")), "").unwrap();
}

#[test]
fn dir_walk() {
    let _s = serial();
    let t = Tree::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "s").unwrap();
    let root = t.p("walk");
    walk_tree(&root, outside.path());
    // Every case but "/": the whole file system changes while it is walked.
    let mut roots: Vec<PathBuf> = t
        .cases()
        .into_iter()
        .filter(|p| p != Path::new("/"))
        .collect();
    roots.extend([
        root.clone(),
        t.p("walk/"),
        t.p("walk//a"),
        t.p("walk/dir-link"),
        t.p("walk/a/b/back"),
        t.p("walk/empty"),
        t.p("walk/top.txt"),
    ]);
    for p in &roots {
        // The same tree for both: the order must match too.
        let ours = val(call!(ours::rt_dir_walk, p));
        assert_eq!(ours, val(call!(model::dir_walk, p)), "walk {p:?}");
        assert!(matches!(ours, Val::Arr(_)), "{p:?}");
    }
    let Val::Arr(items) = val(call!(ours::rt_dir_walk, &root)) else {
        panic!()
    };
    assert_eq!(items.len(), 309); // 304 files and 5 links
    assert!(
        !items.contains(&Val::Str(
            outside
                .path()
                .join("secret")
                .as_os_str()
                .as_bytes()
                .to_vec()
        ))
    );
    assert_eq!(
        val(unsafe { ours::rt_dir_walk(std::ptr::null(), 0) }),
        Val::Arr(vec![])
    );
    assert_eq!(
        val(unsafe { ours::rt_dir_walk(b"\xff".as_ptr(), 1) }),
        Val::Arr(vec![])
    );
    // A 64 KiB stack is enough, and deep trees need no recursion.
    let deep = t.p("deep");
    let mut d = deep.clone();
    for _ in 0..200 {
        d.push("d");
    }
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("leaf"), "").unwrap();
    let deep2 = deep.clone();
    let got = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || val(call!(ours::rt_dir_walk, &deep2)))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(got, val(call!(model::dir_walk, &deep)));
}

#[test]
fn dir_remove_all() {
    let _s = serial();
    let (a, m) = (Tree::new(), Tree::new());
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "s").unwrap();
    walk_tree(&a.p("walk"), outside.path());
    walk_tree(&m.p("walk"), outside.path());
    for t in [&a, &m] {
        symlink(t.p("walk/a"), t.p("to-a")).unwrap();
        std::fs::create_dir_all(t.p("ro/inner")).unwrap();
    }
    for name in [
        "walk/a/b",
        "walk",
        "text",
        "missing",
        "link",
        "dangling",
        "dir",
        "to-a",
        "loop-a",
        "text/below",
        "walk/",
    ] {
        let ours = b(call!(ours::rt_dir_remove_all, &a.p(name)));
        assert_eq!(
            ours,
            call!(model::dir_remove_all, &m.p(name)),
            "remove_all {name}"
        );
        for n in [name, "walk", "walk/a", "to-a", "text", "dir"] {
            assert_eq!(state(&a.p(n)), state(&m.p(n)), "remove_all {name}: {n}");
        }
    }
    // The link out of the tree went as a link: its target and contents stay.
    assert_eq!(std::fs::read(outside.path().join("secret")).unwrap(), b"s");
    // Protected: refused with the runtime's line on stderr (/proc and /sys: even
    // an attempt could delete nothing there).
    for p in ["/proc", "/sys", "/proc/../sys/"] {
        let mut r = 2;
        let out = captured(2, || r = call!(ours::rt_dir_remove_all, Path::new(p)));
        assert_eq!(r, 0, "{p}");
        assert_eq!(errno(), libc::EPERM, "{p}");
        let canonical = Path::new(p).canonicalize().unwrap();
        let line = format!(
            "rt_dir_remove_all: Refusing to remove protected path: {}\n",
            canonical.display()
        );
        assert_eq!(String::from_utf8_lossy(&out), line);
    }
    // HOME (the crate's own environment in a standalone program), written otherwise.
    let home = a.p("home");
    std::fs::create_dir(&home).unwrap();
    let spelled = format!("{}//./", home.display());
    assert!(b(unsafe {
        ours::rt_env_set(b"HOME".as_ptr(), 4, spelled.as_ptr(), spelled.len() as u64)
    }));
    let _ = captured(2, || assert!(!b(call!(ours::rt_dir_remove_all, &home))));
    assert!(home.is_dir());
    let h = b"/root";
    assert!(b(unsafe {
        ours::rt_env_set(b"HOME".as_ptr(), 4, h.as_ptr(), 5)
    }));
    assert!(b(call!(ours::rt_dir_remove_all, &home)));
    assert!(!b(unsafe { ours::rt_dir_remove_all(std::ptr::null(), 0) }));
    assert_eq!(errno(), libc::EFAULT);
}

/// Swaps `dir` for a symlink to `outside` and back, as fast as it can, until told
/// to stop; how many swaps it made.
fn swapper(dir: PathBuf, outside: PathBuf, stop: &std::sync::atomic::AtomicBool) -> u64 {
    let aside = dir.with_extension("aside");
    let mut n = 0;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        if std::fs::rename(&dir, &aside).is_ok() {
            let _ = symlink(&outside, &dir);
            std::thread::yield_now();
            let _ = std::fs::remove_file(&dir);
            let _ = std::fs::rename(&aside, &dir);
            n += 1;
        }
    }
    n
}

/// CVE-2022-21658: a directory of the tree swapped for a symlink to another
/// directory while the removal runs must not make it delete anything there. Many
/// attempts, each racing a thread that swaps; the outside files must all survive.
/// The walk under the same race never lists them.
#[test]
fn swapped_for_a_link_deletes_nothing_outside() {
    let _s = serial();
    use std::sync::atomic::{AtomicBool, Ordering};
    let outside = tempfile::tempdir().unwrap();
    for i in 0..50 {
        std::fs::write(outside.path().join(format!("keep{i}")), "k").unwrap();
    }
    let secret = |i: usize| outside.path().join(format!("keep{i}"));
    let work = tempfile::tempdir().unwrap();
    let mut swaps = 0;
    for round in 0..200 {
        let root = work.path().join(format!("r{round}"));
        let victim = root.join("sub/victim");
        std::fs::create_dir_all(&victim).unwrap();
        for i in 0..50 {
            std::fs::write(victim.join(format!("f{i}")), "").unwrap();
            std::fs::write(root.join(format!("g{i}")), "").unwrap();
        }
        let stop = AtomicBool::new(false);
        std::thread::scope(|s| {
            let h = s.spawn(|| swapper(victim.clone(), outside.path().to_path_buf(), &stop));
            if round % 2 == 0 {
                call!(ours::rt_dir_remove_all, &root);
            } else {
                let listed = format!("{:?}", val(call!(ours::rt_dir_walk, &root)));
                assert!(
                    !listed.contains("keep"),
                    "the walk followed the link: {listed}"
                );
            }
            stop.store(true, Ordering::Relaxed);
            swaps += h.join().unwrap();
        });
        for i in 0..50 {
            assert!(
                secret(i).exists(),
                "round {round}: {:?} was deleted",
                secret(i)
            );
        }
        let _ = std::fs::remove_file(victim.with_extension("aside"));
    }
    assert!(swaps > 0, "the swapping thread never ran");
    eprintln!("{swaps} swaps");
}

/// Deterministically: a symlink inside the tree to a directory outside, where a
/// directory of the tree was, at removal time: the link is removed as a link, the
/// directory it points at and its files stay.
#[test]
fn link_in_place_of_a_directory_is_removed_as_a_link() {
    let _s = serial();
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir(outside.path().join("d")).unwrap();
    std::fs::write(outside.path().join("d/keep"), "k").unwrap();
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("root");
    std::fs::create_dir_all(root.join("x/y")).unwrap();
    symlink(outside.path().join("d"), root.join("x/y/d")).unwrap();
    symlink(outside.path(), root.join("x/whole")).unwrap();
    assert!(b(call!(ours::rt_dir_remove_all, &root)));
    assert!(!root.exists());
    assert_eq!(std::fs::read(outside.path().join("d/keep")).unwrap(), b"k");
}

/// CVE-2022-21658 made deterministic: the removal reads a directory's entries, then
/// works through them; a directory that comes late in that order is swapped for a
/// symlink to a directory outside once the first entry is gone (the removal has
/// read the entries and is unlinking). Opening it must not follow the link: the
/// link is removed, the outside files and the swapped-out directory stay.
#[test]
fn directory_swapped_for_a_link_after_it_was_listed() {
    let _s = serial();
    let outside = tempfile::tempdir().unwrap();
    for i in 0..20 {
        std::fs::write(outside.path().join(format!("keep{i}")), "k").unwrap();
    }
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("root");
    std::fs::create_dir(&root).unwrap();
    for i in 0..4000 {
        std::fs::write(root.join(format!("f{i}")), "").unwrap();
    }
    for i in 0..50 {
        std::fs::create_dir(root.join(format!("d{i}"))).unwrap();
        std::fs::write(root.join(format!("d{i}/inner")), "").unwrap();
    }
    // The kernel's order: the first entry, and the directory that comes latest.
    let order: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    let first = root.join(&order[0]);
    let (at, victim) = order
        .iter()
        .enumerate()
        .filter(|(_, n)| n.starts_with('d'))
        .max_by_key(|(i, _)| *i)
        .map(|(i, n)| (i, root.join(n)))
        .unwrap();
    assert!(
        at > 1000,
        "the latest directory is entry {at} of {}",
        order.len()
    );
    let aside = t.path().join("aside");
    let stop = std::sync::atomic::AtomicBool::new(false);
    let r = std::thread::scope(|s| {
        let h = s.spawn(|| {
            while first.symlink_metadata().is_ok() {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    return false;
                }
                std::hint::spin_loop();
            }
            std::fs::rename(&victim, &aside).unwrap();
            symlink(outside.path(), &victim).unwrap();
            true
        });
        let r = call!(ours::rt_dir_remove_all, &root);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(h.join().unwrap(), "the swap did not happen");
        r
    });
    for i in 0..20 {
        assert!(
            outside.path().join(format!("keep{i}")).exists(),
            "keep{i} was deleted"
        );
    }
    assert_eq!(r, 1);
    assert!(aside.join("inner").exists());
    assert!(!root.exists());
}
