//! The `syscall_*` functions of issue 22's directory-tree and path work beside std:
//! `syscall_dir_exists`, `_file_rename`, `_file_move`, `_path_canonicalize`,
//! `_dir_walk`, `_dir_remove_all`. Equal results; on failure -errno or NULL with
//! std's errno recorded. Also the safe layer's `fs::walk` and `fs::remove_all` on a
//! 64 KiB thread, and no descriptor left behind by any of them.

mod common;

use common::{Tree, bytes, check, errno_of, open_fds, serial};
use ffi_syscalls::exports::c::*;
use std::ffi::{CStr, CString, c_char};
use std::os::unix::fs::symlink;
use std::path::Path;

fn c(p: &Path) -> CString {
    CString::new(bytes(p)).unwrap()
}

fn status(r: i32) -> Option<()> {
    (r == 0).then_some(())
}

#[test]
fn dir_exists_rename_move_canonicalize() {
    let _s = serial();
    let t = Tree::new();
    symlink(t.p("dir"), t.p("dir-link")).unwrap();
    let mut cases = t.cases();
    cases.extend([
        t.p("dir-link"),
        t.p("dir-link/.."),
        t.p("dir/../text"),
        t.p("text/"),
    ]);
    for p in &cases {
        let what = format!("{p:?}");
        let Ok(cp) = CString::new(bytes(p)) else {
            continue;
        };
        let r = unsafe { syscall_dir_exists(cp.as_ptr()) };
        match std::fs::metadata(p) {
            Ok(m) => assert_eq!(r, i32::from(m.is_dir()), "{what}"),
            Err(e) if errno_of(&e) == libc::ENOENT || errno_of(&e) == libc::ENOTDIR => {
                assert_eq!(r, 0, "{what}")
            }
            Err(e) => assert_eq!(r, -errno_of(&e), "{what}"),
        }
        let mut len = 0;
        let got = unsafe { syscall_path_canonicalize(cp.as_ptr(), &mut len) };
        let got = (!got.is_null()).then(|| {
            let v = unsafe { std::slice::from_raw_parts(got.cast::<u8>(), len) }.to_vec();
            unsafe { syscall_free(got) };
            v
        });
        let oracle = std::fs::canonicalize(p).map(|c| bytes(&c).to_vec());
        check(&format!("canonicalize {what}"), got, oracle);
    }
    for (from, to) in [
        ("text", "t2"),
        ("missing", "x"),
        ("dir", "text"),
        ("text", "dir"),
        ("empty", "dir/e"),
    ] {
        let (a, m) = (Tree::new(), Tree::new());
        let ours =
            status(unsafe { syscall_file_rename(c(&a.p(from)).as_ptr(), c(&a.p(to)).as_ptr()) });
        check(
            &format!("rename {from} {to}"),
            ours,
            std::fs::rename(m.p(from), m.p(to)),
        );
        let ours =
            status(unsafe { syscall_file_move(c(&a.p(to)).as_ptr(), c(&a.p(from)).as_ptr()) });
        let oracle = std::fs::rename(m.p(to), m.p(from))
            .or_else(|_| {
                std::fs::copy(m.p(to), m.p(from)).and_then(|_| std::fs::remove_file(m.p(to)))
            })
            // fs::copy names the kind of a source that is not a file (README): a
            // directory is EISDIR where std makes an InvalidInput error of its own.
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidInput if m.p(to).is_dir() => {
                    std::io::Error::from_raw_os_error(libc::EISDIR)
                }
                _ => e,
            });
        check(&format!("move {to} {from}"), ours, oracle);
    }
    assert_eq!(
        unsafe { syscall_dir_exists(std::ptr::null()) },
        -libc::EFAULT
    );
    assert!(unsafe { syscall_path_canonicalize(std::ptr::null(), std::ptr::null_mut()) }.is_null());
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

/// std's walk, as the runtime does it (links not entered, UTF-8 paths only).
fn std_walk(dir: &Path, out: &mut Vec<Vec<u8>>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        if e.file_type()?.is_dir() {
            let _ = std_walk(&e.path(), out);
        } else if e.path().to_str().is_some() {
            out.push(bytes(&e.path()).to_vec());
        }
    }
    Ok(())
}

#[test]
fn walk_and_remove_all() {
    let _s = serial();
    let t = Tree::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("keep"), "").unwrap();
    let root = t.p("root");
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::write(root.join("a/b/f"), "").unwrap();
    std::fs::write(root.join("g"), "").unwrap();
    symlink(outside.path(), root.join("a/out")).unwrap();
    let before = open_fds();
    for p in [root.clone(), t.p("missing"), t.p("text"), t.p("dir")] {
        let mut count = 0;
        let ours = take_list(
            unsafe { syscall_dir_walk(c(&p).as_ptr(), &mut count) },
            count,
        );
        let mut oracle = Vec::new();
        let oracle = std_walk(&p, &mut oracle).map(|()| oracle);
        check(&format!("walk {p:?}"), ours, oracle);
    }
    for p in [t.p("missing"), t.p("text"), root.clone()] {
        let ours = status(unsafe { syscall_dir_remove_all(c(&p).as_ptr()) });
        let m = Tree::new();
        let q = m.p(p.file_name().unwrap().to_str().unwrap());
        if p == root {
            std::fs::create_dir_all(&q).unwrap();
        }
        check(
            &format!("remove_all {p:?}"),
            ours,
            std::fs::remove_dir_all(&q),
        );
    }
    assert!(!root.exists() && outside.path().join("keep").exists());
    assert_eq!(open_fds(), before, "a descriptor was left open");
    // Deep trees need no deep stack: 300 levels on a 64 KiB thread.
    let deep = t.p("deep");
    let mut d = deep.clone();
    for _ in 0..300 {
        d.push("d");
    }
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("leaf"), "").unwrap();
    let (dp, dl) = (bytes(&deep).to_vec(), bytes(&d.join("leaf")).to_vec());
    let walked = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(move || {
            let names = ffi_syscalls::fs::walk(&dp).unwrap();
            assert_eq!(names.iter().collect::<Vec<_>>(), [&dl[..]]);
            ffi_syscalls::fs::remove_all(&dp)
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(walked, Ok(()));
    assert!(!deep.exists());
}
