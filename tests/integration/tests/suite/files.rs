//! The directory-tree and path functions of issue 22 at the runtime's level: the
//! same cases against the std and hosted builds (what the bodies keep included: the
//! write-at handle, the protected paths).

use super::{pb, serial, t};
use runtime_model::value::{self, Rv, Val, val};
use std::os::unix::fs::symlink;
use std::path::Path;

unsafe extern "C" {
    fn rt_dir_exists(p: *const u8, l: u64) -> bool;
    fn rt_dir_create_all(p: *const u8, l: u64) -> bool;
    fn rt_file_read_bytes(p: *const u8, l: u64) -> Rv;
    fn rt_file_write_bytes(p: *const u8, l: u64, d: *const u8, dl: u64) -> bool;
    fn rt_file_rename(f: *const u8, fl: u64, t: *const u8, tl: u64) -> bool;
    fn rt_file_move(f: *const u8, fl: u64, t: *const u8, tl: u64) -> bool;
    fn rt_path_absolute(p: *const u8, l: u64) -> Rv;
    fn rt_file_write_text_at(path: i64, offset: i64, data: i64) -> i64;
    fn rt_file_write_text_at_cached(offset: i64, data: i64) -> i64;
    fn rt_dir_walk(p: *const u8, l: u64) -> Rv;
    fn rt_dir_remove_all(p: *const u8, l: u64) -> bool;
}

fn one(f: unsafe extern "C" fn(*const u8, u64) -> bool, p: &Path) -> bool {
    let (a, l) = t(pb(p));
    unsafe { f(a, l) }
}

fn two(
    f: unsafe extern "C" fn(*const u8, u64, *const u8, u64) -> bool,
    a: &Path,
    b: &Path,
) -> bool {
    let ((ap, al), (bp, bl)) = (t(pb(a)), t(pb(b)));
    unsafe { f(ap, al, bp, bl) }
}

fn value_of(f: unsafe extern "C" fn(*const u8, u64) -> Rv, p: &Path) -> Val {
    let (a, l) = t(pb(p));
    val(unsafe { f(a, l) })
}

#[test]
fn dir_exists_create_all_and_bytes() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let nested = d.path().join("a/b/c");
    assert!(!one(rt_dir_exists, &nested));
    assert!(one(rt_dir_create_all, &nested));
    assert!(one(rt_dir_create_all, &nested), "an existing directory");
    assert!(one(rt_dir_exists, &nested));
    symlink(&nested, d.path().join("link")).unwrap();
    assert!(one(rt_dir_exists, &d.path().join("link")), "follows links");
    let f = d.path().join("bytes");
    let data = b"\x00\xff\r\nnot text";
    let (p, l) = t(pb(&f));
    assert!(unsafe { rt_file_write_bytes(p, l, data.as_ptr(), data.len() as u64) });
    assert_eq!(value_of(rt_file_read_bytes, &f), Val::Bytes(data.to_vec()));
    assert!(!one(rt_dir_exists, &f), "a file");
    assert!(!one(rt_dir_create_all, &f.join("x")), "below a file");
    assert!(unsafe { rt_file_write_bytes(p, l, std::ptr::null(), 0) });
    assert_eq!(value_of(rt_file_read_bytes, &f), Val::Bytes(vec![]));
    assert!(!unsafe { rt_file_write_bytes(p, l, std::ptr::null(), 2) });
    assert_eq!(
        value_of(rt_file_read_bytes, &d.path().join("missing")),
        Val::Nil
    );
    assert_eq!(
        value_of(rt_file_read_bytes, d.path()),
        Val::Nil,
        "a directory"
    );
    let Val::Bytes(status) = value_of(rt_file_read_bytes, Path::new("/proc/self/status")) else {
        panic!()
    };
    assert!(status.starts_with(b"Name:"), "read to EOF");
}

#[test]
fn rename_and_move() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let (a, b, c) = (d.path().join("a"), d.path().join("b"), d.path().join("c"));
    std::fs::write(&a, "A").unwrap();
    assert!(two(rt_file_rename, &a, &b));
    assert!(!a.exists() && std::fs::read(&b).unwrap() == b"A");
    assert!(!two(rt_file_rename, &a, &c), "missing source");
    assert!(two(rt_file_move, &b, &c));
    assert_eq!(std::fs::read(&c).unwrap(), b"A");
    std::fs::create_dir(d.path().join("dir")).unwrap();
    assert!(
        !two(rt_file_rename, &c, &d.path().join("dir")),
        "onto a directory"
    );
    assert!(
        !two(rt_file_move, &c, &d.path().join("dir")),
        "onto a directory"
    );
    assert!(c.exists(), "nothing lost");
    // Across file systems when /dev/shm is another one: copied, then removed.
    if let Ok(shm) = tempfile::tempdir_in("/dev/shm") {
        use std::os::unix::fs::MetadataExt;
        if std::fs::metadata(shm.path()).unwrap().dev()
            != std::fs::metadata(d.path()).unwrap().dev()
        {
            let there = shm.path().join("moved");
            assert!(!two(rt_file_rename, &c, &there));
            assert!(two(rt_file_move, &c, &there));
            assert!(!c.exists());
            assert_eq!(std::fs::read(&there).unwrap(), b"A");
        }
    }
}

#[test]
fn path_absolute() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let real = d.path().canonicalize().unwrap();
    std::fs::create_dir(d.path().join("dir")).unwrap();
    symlink(d.path().join("dir"), d.path().join("link")).unwrap();
    let saved = std::env::current_dir().unwrap();
    std::env::set_current_dir(d.path()).unwrap();
    let s = |p: &Path| Val::Str(p.as_os_str().as_encoded_bytes().to_vec());
    assert_eq!(
        value_of(rt_path_absolute, Path::new("link/../dir")),
        s(&real.join("dir"))
    );
    assert_eq!(
        value_of(rt_path_absolute, Path::new("link")),
        s(&real.join("dir"))
    );
    // Missing: the working directory joined, not resolved.
    assert_eq!(
        value_of(rt_path_absolute, Path::new("no/../x")),
        s(&real.join("no/../x"))
    );
    assert_eq!(
        value_of(rt_path_absolute, Path::new("/no/such")),
        s(Path::new("/no/such"))
    );
    std::env::set_current_dir(saved).unwrap();
    assert_eq!(
        val(unsafe { rt_path_absolute(std::ptr::null(), 1) }),
        Val::Str(vec![])
    );
    assert_eq!(
        val(unsafe { rt_path_absolute(b"\xff".as_ptr(), 1) }),
        Val::Str(vec![])
    );
}

#[test]
fn write_at_keeps_the_runtimes_handle() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("log");
    let path = value::string(pb(&p)) as i64;
    let at = |off: i64, data: &str| unsafe {
        rt_file_write_text_at(path, off, value::string(data.as_bytes()) as i64)
    };
    assert_eq!(at(0, "hello"), 5);
    assert_eq!(at(10, "far"), 3);
    // Where the last write ended: at the file offset (5, after "hello"), as the
    // runtime's handle writes it.
    assert_eq!(at(13, "seq"), 3);
    assert_eq!(std::fs::read(&p).unwrap(), b"helloseq\0\0far");
    // The runtime's own function beside it continues on the handle the body keeps.
    let cached = unsafe { rt_file_write_text_at_cached(16, value::string(b"+") as i64) };
    assert_eq!(cached, 1);
    assert_eq!(std::fs::read(&p).unwrap(), b"helloseq+\0far");
    assert_eq!(at(-3, "H"), 1);
    assert_eq!(std::fs::read(&p).unwrap(), b"Helloseq+\0far");
    let missing = value::string(pb(&d.path().join("no/such"))) as i64;
    assert_eq!(
        unsafe { rt_file_write_text_at(missing, 0, value::string(b"x") as i64) },
        -1
    );
}

#[test]
fn walk_lists_files_and_links_and_follows_none() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret"), "").unwrap();
    let r = d.path().join("root");
    std::fs::create_dir_all(r.join("a/b")).unwrap();
    std::fs::create_dir_all(r.join("empty")).unwrap();
    std::fs::write(r.join("top"), "").unwrap();
    std::fs::write(r.join("a/one"), "").unwrap();
    std::fs::write(r.join("a/b/two"), "").unwrap();
    symlink(outside.path(), r.join("a/out")).unwrap();
    symlink(&r, r.join("a/b/back")).unwrap();
    symlink(r.join("nowhere"), r.join("dangling")).unwrap();
    let Val::Arr(items) = value_of(rt_dir_walk, &r) else {
        panic!()
    };
    let mut got: Vec<String> = items
        .iter()
        .map(|v| match v {
            Val::Str(b) => String::from_utf8(b.clone()).unwrap(),
            other => panic!("{other:?}"),
        })
        .collect();
    got.sort();
    let root = r.to_str().unwrap();
    let mut want: Vec<String> = ["a/b/back", "a/b/two", "a/one", "a/out", "dangling", "top"]
        .iter()
        .map(|n| format!("{root}/{n}"))
        .collect();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(
        value_of(rt_dir_walk, &d.path().join("missing")),
        Val::Arr(vec![])
    );
    assert_eq!(value_of(rt_dir_walk, &r.join("top")), Val::Arr(vec![]));
}

#[test]
fn remove_all_keeps_the_runtimes_protected_paths() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("keep"), "k").unwrap();
    let r = d.path().join("root");
    std::fs::create_dir_all(r.join("a/b")).unwrap();
    std::fs::write(r.join("a/b/f"), "").unwrap();
    symlink(outside.path(), r.join("a/out")).unwrap();
    assert!(one(rt_dir_remove_all, &r));
    assert!(!r.exists());
    assert!(
        outside.path().join("keep").exists(),
        "the link went, not its target"
    );
    assert!(!one(rt_dir_remove_all, &r), "missing");
    // Protected: two components, and std's HOME (the runtime's own environment).
    assert!(!one(rt_dir_remove_all, Path::new("/proc")));
    let home = d.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let saved = std::env::var_os("HOME");
    unsafe { std::env::set_var("HOME", &home) };
    let refused = !one(rt_dir_remove_all, &home);
    match saved {
        Some(h) => unsafe { std::env::set_var("HOME", h) },
        None => unsafe { std::env::remove_var("HOME") },
    }
    assert!(refused && home.is_dir(), "HOME removed");
    // A symlink to a directory: resolved first, so the directory's tree goes.
    std::fs::create_dir_all(d.path().join("t/x")).unwrap();
    symlink(d.path().join("t"), d.path().join("to-t")).unwrap();
    assert!(one(rt_dir_remove_all, &d.path().join("to-t")));
    assert!(!d.path().join("t").exists());
}
