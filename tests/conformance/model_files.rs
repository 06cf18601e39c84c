//! The runtime's std versions of the directory-tree and path functions of issue 22,
//! written from its source (`sffi/file_io/file_ops.rs`, `metadata.rs`,
//! `directory.rs`, `path.rs`), with the same C signatures as the crate's exports.
#![allow(clippy::missing_safety_doc)]

use crate::abi::{self, NIL, string};
use std::cell::RefCell;
use std::path::Path;

unsafe fn plain<'a>(ptr: *const u8, len: u64) -> Option<&'a str> {
    if ptr.is_null() {
        return None;
    }
    std::str::from_utf8(unsafe { std::slice::from_raw_parts(ptr, len as usize) }).ok()
}

/// `tagged_text_to_bytes`: a String value's bytes.
fn tagged(v: i64) -> Option<&'static [u8]> {
    let n = abi::rt_string_len(v as u64);
    let d = abi::rt_string_data(v as u64);
    if n < 0 || d.is_null() {
        return None;
    }
    Some(unsafe { std::slice::from_raw_parts(d, n as usize) })
}

pub unsafe fn dir_exists(p: *const u8, l: u64) -> bool {
    unsafe { plain(p, l) }.is_some_and(|p| Path::new(p).is_dir())
}

pub unsafe fn dir_create_all(p: *const u8, l: u64) -> bool {
    unsafe { plain(p, l) }.is_some_and(|p| std::fs::create_dir_all(p).is_ok())
}

/// `bytes_to_runtime_array`: a byte-packed Array (an empty one for no bytes).
fn byte_array(b: &[u8]) -> u64 {
    if b.is_empty() {
        return abi::rt_byte_array_new(0);
    }
    unsafe { abi::rt_bytes_from_raw(b.as_ptr() as i64, b.len() as i64) }
}

pub unsafe fn file_read_bytes(p: *const u8, l: u64) -> u64 {
    match unsafe { plain(p, l) }.map(std::fs::read) {
        Some(Ok(b)) => byte_array(&b),
        _ => NIL,
    }
}

pub unsafe fn file_write_bytes(p: *const u8, l: u64, d: *const u8, dl: u64) -> bool {
    let Some(p) = (unsafe { plain(p, l) }) else {
        return false;
    };
    if d.is_null() {
        return dl == 0 && std::fs::write(p, []).is_ok();
    }
    std::fs::write(p, unsafe { std::slice::from_raw_parts(d, dl as usize) }).is_ok()
}

pub unsafe fn file_rename(f: *const u8, fl: u64, t: *const u8, tl: u64) -> bool {
    match unsafe { (plain(f, fl), plain(t, tl)) } {
        (Some(f), Some(t)) => std::fs::rename(f, t).is_ok(),
        _ => false,
    }
}

pub unsafe fn file_move(f: *const u8, fl: u64, t: *const u8, tl: u64) -> bool {
    let (Some(f), Some(t)) = (unsafe { plain(f, fl) }, unsafe { plain(t, tl) }) else {
        return false;
    };
    if std::fs::rename(f, t).is_ok() {
        return true;
    }
    if std::fs::copy(f, t).is_ok() {
        return std::fs::remove_file(f).is_ok();
    }
    false
}

pub unsafe fn path_absolute(p: *const u8, l: u64) -> u64 {
    let Some(s) = (unsafe { plain(p, l) }) else {
        return string(b"");
    };
    let path = Path::new(s);
    let absolute = if let Ok(c) = path.canonicalize() {
        c.to_str().unwrap_or(s).to_string()
    } else {
        match std::env::current_dir() {
            Ok(cwd) => {
                let a = if path.is_absolute() {
                    path.to_path_buf()
                } else {
                    cwd.join(path)
                };
                a.to_str().unwrap_or(s).to_string()
            }
            Err(_) => s.to_string(),
        }
    };
    string(absolute.as_bytes())
}

struct WriteAt {
    path: String,
    file: std::fs::File,
    position: usize,
}

thread_local! {
    static WRITE_AT: RefCell<Option<WriteAt>> = const { RefCell::new(None) };
}

/// `write_all_cached_at`: `write` at the file offset when sequential, else `pwrite`.
fn write_all_cached_at(file: &std::fs::File, data: &[u8], offset: usize, sequential: bool) -> bool {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    let mut written = 0;
    while written < data.len() {
        let ptr = data[written..].as_ptr().cast();
        let len = data.len() - written;
        let rc = if sequential {
            unsafe { libc::write(fd, ptr, len) }
        } else {
            unsafe { libc::pwrite(fd, ptr, len, (offset + written) as libc::off_t) }
        };
        if rc <= 0 {
            return false;
        }
        written += rc as usize;
    }
    true
}

pub fn file_write_text_at(path: i64, offset: i64, data: i64) -> i64 {
    let Some(path) = tagged(path).and_then(|b| std::str::from_utf8(b).ok()) else {
        return -1;
    };
    let Some(data) = tagged(data) else {
        return -1;
    };
    let start = offset.max(0) as usize;
    WRITE_AT.with(|cache| {
        let mut guard = cache.borrow_mut();
        if guard.as_ref().map(|c| c.path.as_str()) != Some(path) {
            let Ok(file) = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(false)
                .open(path)
            else {
                return -1;
            };
            *guard = Some(WriteAt {
                path: path.to_string(),
                file,
                position: 0,
            });
        }
        let c = guard.as_mut().unwrap();
        let sequential = c.position == start;
        if write_all_cached_at(&c.file, data, start, sequential) {
            c.position = start + data.len();
            data.len() as i64
        } else {
            -1
        }
    })
}

/// `rt_file_remove`'s invalidation of the write-at handle, then the removal.
pub unsafe fn file_remove(p: *const u8, l: u64) -> bool {
    let Some(p) = (unsafe { plain(p, l) }) else {
        return false;
    };
    WRITE_AT.with(|c| {
        let mut c = c.borrow_mut();
        if c.as_ref().is_some_and(|w| w.path == p) {
            *c = None;
        }
    });
    std::fs::remove_file(p).is_ok()
}

pub unsafe fn dir_walk(p: *const u8, l: u64) -> u64 {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(t) = entry.file_type() else {
                    continue;
                };
                if t.is_dir() {
                    walk(&path, out);
                } else if let Some(s) = path.to_str() {
                    out.push(s.to_string());
                }
            }
        }
    }
    let Some(s) = (unsafe { plain(p, l) }) else {
        return abi::rt_array_new(0);
    };
    let mut out = Vec::new();
    walk(Path::new(s), &mut out);
    let a = abi::rt_array_new(out.len() as u64);
    for p in out {
        abi::rt_array_push(a, string(p.as_bytes()));
    }
    a
}

const PROTECTED_PATHS: &[&str] = &[
    "/", "/home", "/usr", "/bin", "/sbin", "/etc", "/var", "/tmp", "/opt", "/lib", "/lib64",
    "/boot", "/dev", "/proc", "/sys", "/root",
];

pub fn is_protected_path(path: &Path) -> bool {
    if path.components().count() <= 2 {
        return true;
    }
    let s = path.to_string_lossy();
    if PROTECTED_PATHS.iter().any(|p| s.as_ref() == *p) {
        return true;
    }
    std::env::var_os("HOME").is_some_and(|h| path == Path::new(&h))
}

pub unsafe fn dir_remove_all(p: *const u8, l: u64) -> bool {
    let Some(s) = (unsafe { plain(p, l) }) else {
        return false;
    };
    let Ok(canonical) = Path::new(s).canonicalize() else {
        return false;
    };
    if is_protected_path(&canonical) {
        eprintln!(
            "rt_dir_remove_all: Refusing to remove protected path: {}",
            canonical.display()
        );
        return false;
    }
    std::fs::remove_dir_all(&canonical).is_ok()
}
