//! The standalone `rt_*` symbols of the directory-tree and path functions (issue
//! 22), thin wrappers over [`crate::hosted`] like the rest of [`super`], plus what
//! the runtime's bodies keep that a standalone program needs from us:
//! `rt_file_write_text_at`'s cached handle and `rt_dir_remove_all`'s protected paths.
//! The module's contract is [`super`]'s.

use super::{ok, path, two_paths};
use crate::hosted::value as hv;
use crate::hosted::{self, record, utf8_only as utf8};
use crate::io::{self, Fd};
use crate::sync::Mutex;
use crate::value::{self, RuntimeValue as V};
use crate::{Errno, env, fs};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicPtr, Ordering};

/// Whether the path names a directory (following symlinks).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_dir_exists(path_ptr: *const u8, len: u64) -> bool {
    // SAFETY: the module's contract.
    unsafe { path(path_ptr, len) }.is_some_and(hosted::dir_exists)
}

/// `create_dir_all`: missing parents made, an existing directory fine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_dir_create_all(path_ptr: *const u8, len: u64) -> bool {
    // SAFETY: the module's contract.
    unsafe { path(path_ptr, len) }.is_some_and(|p| ok(hosted::dir_create_all(p)))
}

/// The file's bytes (read to EOF) as a byte-packed Array; NIL on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_read_bytes(path_ptr: *const u8, len: u64) -> V {
    // SAFETY: the module's contract.
    unsafe { path(path_ptr, len) }.map_or(V::NIL, hv::file_read_bytes)
}

/// Creates or truncates the file and writes `data_len` bytes from `data` (any bytes).
/// A null `data` writes an empty file when `data_len` is 0 and is false (`EFAULT`)
/// otherwise, as the runtime's.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_write_bytes(
    path_ptr: *const u8,
    len: u64,
    data: *const u8,
    data_len: u64,
) -> bool {
    // SAFETY: the module's contract.
    let Some(p) = (unsafe { path(path_ptr, len) }) else {
        return false;
    };
    // SAFETY: the module's contract.
    let data = usize::try_from(data_len)
        .map_err(|_| Errno::EINVAL)
        .and_then(|n| unsafe { super::slice_arg(data, n) });
    ok(data.and_then(|d| hosted::file_write_bytes(p, d)))
}

/// `std::fs::rename`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_rename(
    from: *const u8,
    from_len: u64,
    to: *const u8,
    to_len: u64,
) -> bool {
    // SAFETY: the module's contract.
    let paths = unsafe { two_paths(from, from_len, to, to_len) };
    paths.is_some_and(|(f, t)| ok(hosted::file_rename(f, t)))
}

/// Rename, or when that fails (another file system), copy then remove the source.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_move(
    from: *const u8,
    from_len: u64,
    to: *const u8,
    to_len: u64,
) -> bool {
    // SAFETY: the module's contract.
    let paths = unsafe { two_paths(from, from_len, to, to_len) };
    paths.is_some_and(|(f, t)| ok(hosted::file_move(f, t)))
}

/// The canonical path, else the working directory joined with a relative path, else
/// the path as given; "" for a null or non-UTF-8 path (as the runtime's).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_path_absolute(path_ptr: *const u8, len: u64) -> V {
    // SAFETY: the module's contract.
    match unsafe { path(path_ptr, len) } {
        Some(p) => hv::path_absolute(p),
        None => hv::value_or_nil(value::string(b"")),
    }
}

/// Every non-directory entry below the path (links as links, none followed), depth
/// first, as an Array of path Strings; an empty Array on failure (as the runtime's).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_dir_walk(path_ptr: *const u8, len: u64) -> V {
    // SAFETY: the module's contract.
    match unsafe { path(path_ptr, len) } {
        Some(p) => hv::dir_walk(p),
        None => hv::value_or_nil(value::string_array(core::iter::empty())),
    }
}

/// The runtime's write-at handle: the file last written by `rt_file_write_text_at`,
/// kept open, and where its last write ended. The runtime keeps one per thread; with
/// no thread-local storage here there is one per process (a thread writing another
/// path reopens, which changes nothing written).
struct WriteAt {
    path: Vec<u8>,
    file: Option<Fd>,
    position: u64,
}

static WRITE_AT: Mutex<WriteAt> = Mutex::new(WriteAt {
    path: Vec::new(),
    file: None,
    position: 0,
});

/// How [`forget_write_at`] reaches the handle: [`drop_write_at`], stored by the first
/// `rt_file_write_text_at`. Through a pointer, so that a program that never calls
/// `rt_file_write_text_at` does not link the handle's code into its
/// `rt_file_write_text` and `rt_file_remove` (a load and a branch instead).
static FORGET: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());

/// Drops the write-at handle when it is `path`'s, as the runtime's
/// `rt_file_write_text` and `rt_file_remove` do (a write-at after a removal then
/// makes a new file instead of writing into the unlinked one).
pub(super) fn forget_write_at(path: &[u8]) {
    let f = FORGET.load(Ordering::Acquire);
    if !f.is_null() {
        // SAFETY: only `drop_write_at`, a `fn(&[u8])`, is ever stored.
        let f = unsafe { core::mem::transmute::<*mut (), fn(&[u8])>(f) };
        f(path);
    }
}

/// [`forget_write_at`]'s work.
fn drop_write_at(path: &[u8]) {
    let mut w = WRITE_AT.lock();
    if w.file.is_some() && w.path == path {
        w.file = None;
    }
}

/// Writes the String `data` into the file named by the String `path` at `offset`
/// (negative: 0), creating the file, never truncating it; the bytes written, or -1.
/// The file stays open for the next call on the same path. As the runtime's: when
/// `offset` is where the previous write on the handle ended, the bytes go at the
/// file offset (`write`); otherwise at `offset` (`pwrite`).
///
/// # Safety
/// `path` and `data` are values the runtime gave out.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_write_text_at(path: i64, offset: i64, data: i64) -> i64 {
    // SAFETY: the contract above.
    let (p, d) = unsafe {
        (
            value::string_bytes(V(path as u64)),
            value::string_bytes(V(data as u64)),
        )
    };
    let (Some(p), Some(d)) = (p.and_then(|p| utf8(p).ok()), d) else {
        hosted::set_errno(Errno::EINVAL);
        return -1;
    };
    let start = offset.max(0) as u64;
    // Through black_box: a global stored with one known value is turned by LLVM's
    // whole-program optimisation into a flag and a direct call, which would link the
    // handle's code into every program that writes or removes a file.
    FORGET.store(
        core::hint::black_box(drop_write_at as *mut ()),
        Ordering::Release,
    );
    let mut w = WRITE_AT.lock();
    if w.file.is_none() || w.path != p {
        // On failure the handle held stays, as the runtime's does.
        let Some(file) = record(fs::write_at_open(p)) else {
            return -1;
        };
        let Some(name) = record(io::copy(p)) else {
            return -1;
        };
        *w = WriteAt {
            path: name,
            file: Some(file),
            position: 0,
        };
    }
    let sequential = w.position == start;
    let fd = w.file.as_ref().map_or(-1, Fd::raw);
    let at = if sequential { None } else { Some(start) };
    if record(hosted::file_write_at(fd, d, at)).is_none() {
        return -1;
    }
    w.position = start + d.len() as u64;
    d.len() as i64
}

/// The runtime's protected paths: a canonical path with fewer than three components
/// (`/`, `/home`, any `/name`), one of these, or `HOME`.
const PROTECTED: [&[u8]; 16] = [
    b"/", b"/home", b"/usr", b"/bin", b"/sbin", b"/etc", b"/var", b"/tmp", b"/opt", b"/lib",
    b"/lib64", b"/boot", b"/dev", b"/proc", b"/sys", b"/root",
];

/// Whether the canonical path is one the runtime refuses to remove. (Every listed
/// path has two components, so the component rule already covers the list; both
/// are kept as the runtime has them.)
fn protected(canonical: &[u8]) -> bool {
    let names = canonical.split(|&c| c == b'/').filter(|n| !n.is_empty());
    if names.count() <= 1 || PROTECTED.contains(&canonical) {
        return true;
    }
    matches!(env::get(b"HOME"), Ok(Some(home)) if same_path(&home, canonical))
}

/// `Path`'s equality for two paths, one of them absolute: the same components, so
/// repeated `/`, `.` components and a trailing `/` make no difference.
fn same_path(a: &[u8], b: &[u8]) -> bool {
    a.first() == Some(&b'/') && b.first() == Some(&b'/') && path_names(a).eq(path_names(b))
}

/// The names of a path's components, without empty ones and `.`.
fn path_names(p: &[u8]) -> impl Iterator<Item = &[u8]> {
    p.split(|&c| c == b'/')
        .filter(|n| !n.is_empty() && *n != b".")
}

/// Removes the directory tree at the path, resolved first (a symlink to a directory
/// removes that directory's tree). Refuses, with a line on stderr as the runtime
/// prints it and `EPERM`, the runtime's protected paths. Nothing below the resolved
/// path is followed ([`fs::remove_all`]).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_dir_remove_all(path_ptr: *const u8, len: u64) -> bool {
    // SAFETY: the module's contract.
    let Some(p) = (unsafe { path(path_ptr, len) }) else {
        return false;
    };
    let Some(canonical) = record(hosted::path_canonicalize(p)) else {
        return false;
    };
    if protected(&canonical) {
        let mut line = Vec::new();
        let made = io::extend(
            &mut line,
            b"rt_dir_remove_all: Refusing to remove protected path: ",
        )
        .and_then(|()| io::extend(&mut line, &hosted::lossy(&canonical)?));
        if made.is_ok() {
            let _ = io::write_all2(2, &line, b"\n");
        }
        hosted::set_errno(Errno::EPERM);
        return false;
    }
    ok(hosted::dir_remove_all(&canonical))
}
