//! The runtime's bodies of the directory-tree and path functions of issue 22
//! (`rt_dir_exists`, `rt_dir_create_all`, `rt_file_read_bytes`,
//! `rt_file_write_bytes`, `rt_file_rename`, `rt_file_move`, `rt_path_absolute`,
//! `rt_file_write_text_at`, `rt_dir_walk`, `rt_dir_remove_all`) with what they keep
//! (the write-at handle, per thread; the protected paths), around the system work of
//! a [`FsWork`]: the runtime's std code ([`crate::system::StdSystem`]) or the crate's
//! hosted API (`HostedSystem`, as the README's rows give it). Facts from
//! `file_ops.rs`, `metadata.rs`, `directory.rs`, `path.rs`.
#![allow(clippy::missing_safety_doc)] // the C ABI's contracts are the runtime's

use crate::state::{self, plain};
use crate::system::StdSystem;
use crate::value::{self, NIL, Rv};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The system part of each body.
pub trait FsWork {
    /// `Path::is_dir`.
    fn dir_exists(path: &str) -> bool;
    /// `create_dir_all`.
    fn dir_create_all(path: &str) -> bool;
    /// `std::fs::read` as a byte-packed Array, or NIL.
    fn file_read_bytes(path: &str) -> Rv;
    /// `std::fs::write`.
    fn file_write_bytes(path: &str, data: &[u8]) -> bool;
    /// `std::fs::rename`.
    fn file_rename(from: &str, to: &str) -> bool;
    /// Rename, else copy and remove the source.
    fn file_move(from: &str, to: &str) -> bool;
    /// `rt_path_absolute`'s String: canonical, else the cwd join, else the path.
    fn path_absolute(path: &str) -> Rv;
    /// `canonicalize`, for the removal's protected-path check.
    fn canonicalize(path: &str) -> Option<PathBuf>;
    /// The walk's Array of path Strings (empty on failure).
    fn dir_walk(path: &str) -> Rv;
    /// `remove_dir_all` of a resolved path.
    fn dir_remove_all(canonical: &Path) -> bool;
    /// The write-at handle's file: write-only, created, not truncated.
    fn write_at_open(path: &str) -> Option<File>;
    /// All of `data` at the file offset (`None`) or at an offset.
    fn write_at(file: &File, data: &[u8], at: Option<u64>) -> bool;
}

impl FsWork for StdSystem {
    fn dir_exists(path: &str) -> bool {
        Path::new(path).is_dir()
    }

    fn dir_create_all(path: &str) -> bool {
        std::fs::create_dir_all(path).is_ok()
    }

    fn file_read_bytes(path: &str) -> Rv {
        match std::fs::read(path) {
            Ok(b) if b.is_empty() => value::rt_byte_array_new(0),
            // SAFETY: b is alive for the call.
            Ok(b) => unsafe { value::rt_bytes_from_raw(b.as_ptr() as i64, b.len() as i64) },
            Err(_) => NIL,
        }
    }

    fn file_write_bytes(path: &str, data: &[u8]) -> bool {
        std::fs::write(path, data).is_ok()
    }

    fn file_rename(from: &str, to: &str) -> bool {
        std::fs::rename(from, to).is_ok()
    }

    fn file_move(from: &str, to: &str) -> bool {
        if std::fs::rename(from, to).is_ok() {
            return true;
        }
        std::fs::copy(from, to).is_ok() && std::fs::remove_file(from).is_ok()
    }

    fn path_absolute(s: &str) -> Rv {
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
        value::string(absolute.as_bytes())
    }

    fn canonicalize(path: &str) -> Option<PathBuf> {
        Path::new(path).canonicalize().ok()
    }

    fn dir_walk(path: &str) -> Rv {
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
        let mut out = Vec::new();
        walk(Path::new(path), &mut out);
        let a = value::rt_array_new(out.len() as u64);
        for p in out {
            value::rt_array_push(a, value::string(p.as_bytes()));
        }
        a
    }

    fn dir_remove_all(canonical: &Path) -> bool {
        std::fs::remove_dir_all(canonical).is_ok()
    }

    fn write_at_open(path: &str) -> Option<File> {
        std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(false)
            .open(path)
            .ok()
    }

    fn write_at(file: &File, data: &[u8], at: Option<u64>) -> bool {
        use std::io::Write;
        use std::os::unix::fs::FileExt;
        match at {
            None => (&*file).write_all(data).is_ok(),
            Some(off) => file.write_all_at(data, off).is_ok(),
        }
    }
}

#[cfg(feature = "hosted")]
mod hosted_work {
    use super::*;
    use crate::hosted::HostedSystem;
    use ffi_syscalls::hosted;
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::ffi::OsStrExt;

    /// The README's rows: the body hands over the checked path as bytes.
    impl FsWork for HostedSystem {
        fn dir_exists(path: &str) -> bool {
            hosted::dir_exists(path.as_bytes())
        }

        fn dir_create_all(path: &str) -> bool {
            hosted::dir_create_all(path.as_bytes()).is_ok()
        }

        fn file_read_bytes(path: &str) -> Rv {
            hosted::value::file_read_bytes(path.as_bytes()).0
        }

        fn file_write_bytes(path: &str, data: &[u8]) -> bool {
            hosted::file_write_bytes(path.as_bytes(), data).is_ok()
        }

        fn file_rename(from: &str, to: &str) -> bool {
            hosted::file_rename(from.as_bytes(), to.as_bytes()).is_ok()
        }

        fn file_move(from: &str, to: &str) -> bool {
            hosted::file_move(from.as_bytes(), to.as_bytes()).is_ok()
        }

        fn path_absolute(path: &str) -> Rv {
            hosted::value::path_absolute(path.as_bytes()).0
        }

        fn canonicalize(path: &str) -> Option<PathBuf> {
            let c = hosted::path_canonicalize(path.as_bytes()).ok()?;
            Some(PathBuf::from(std::ffi::OsStr::from_bytes(&c)))
        }

        fn dir_walk(path: &str) -> Rv {
            hosted::value::dir_walk(path.as_bytes()).0
        }

        fn dir_remove_all(canonical: &Path) -> bool {
            hosted::dir_remove_all(canonical.as_os_str().as_bytes()).is_ok()
        }

        fn write_at_open(path: &str) -> Option<File> {
            let fd = hosted::file_write_at_open(path.as_bytes()).ok()?;
            // SAFETY: a fresh descriptor that is ours alone.
            Some(unsafe { File::from_raw_fd(fd) })
        }

        fn write_at(file: &File, data: &[u8], at: Option<u64>) -> bool {
            hosted::file_write_at(file.as_raw_fd(), data, at).is_ok()
        }
    }
}

/// `rt_dir_exists`.
pub unsafe fn dir_exists<S: FsWork>(p: *const u8, l: u64) -> bool {
    unsafe { plain(p, l) }.is_some_and(S::dir_exists)
}

/// `rt_dir_create_all`.
pub unsafe fn dir_create_all<S: FsWork>(p: *const u8, l: u64) -> bool {
    unsafe { plain(p, l) }.is_some_and(S::dir_create_all)
}

/// `rt_file_read_bytes`.
pub unsafe fn file_read_bytes<S: FsWork>(p: *const u8, l: u64) -> Rv {
    unsafe { plain(p, l) }.map_or(NIL, S::file_read_bytes)
}

/// `rt_file_write_bytes`: a null `data` writes an empty file only with length 0.
pub unsafe fn file_write_bytes<S: FsWork>(p: *const u8, l: u64, d: *const u8, dl: u64) -> bool {
    let Some(path) = (unsafe { plain(p, l) }) else {
        return false;
    };
    if d.is_null() {
        return dl == 0 && S::file_write_bytes(path, &[]);
    }
    // SAFETY: the caller passes dl readable bytes.
    S::file_write_bytes(path, unsafe { std::slice::from_raw_parts(d, dl as usize) })
}

/// `rt_file_rename`.
pub unsafe fn file_rename<S: FsWork>(f: *const u8, fl: u64, t: *const u8, tl: u64) -> bool {
    match unsafe { (plain(f, fl), plain(t, tl)) } {
        (Some(f), Some(t)) => S::file_rename(f, t),
        _ => false,
    }
}

/// `rt_file_move`.
pub unsafe fn file_move<S: FsWork>(f: *const u8, fl: u64, t: *const u8, tl: u64) -> bool {
    match unsafe { (plain(f, fl), plain(t, tl)) } {
        (Some(f), Some(t)) => S::file_move(f, t),
        _ => false,
    }
}

/// `rt_path_absolute`: "" for a null or non-UTF-8 path.
pub unsafe fn path_absolute<S: FsWork>(p: *const u8, l: u64) -> Rv {
    match unsafe { plain(p, l) } {
        Some(path) => S::path_absolute(path),
        None => value::string(b""),
    }
}

/// `rt_dir_walk`: an empty Array for a null or non-UTF-8 path.
pub unsafe fn dir_walk<S: FsWork>(p: *const u8, l: u64) -> Rv {
    unsafe { plain(p, l) }.map_or_else(|| value::rt_array_new(0), S::dir_walk)
}

/// The runtime's protected paths (`is_protected_path`).
const PROTECTED_PATHS: &[&str] = &[
    "/", "/home", "/usr", "/bin", "/sbin", "/etc", "/var", "/tmp", "/opt", "/lib", "/lib64",
    "/boot", "/dev", "/proc", "/sys", "/root",
];

/// `is_protected_path`: two components or fewer, the list, or std's HOME.
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

/// `rt_dir_remove_all`: the body resolves the path and refuses protected ones (a
/// line on stderr); only the removal is the system work.
pub unsafe fn dir_remove_all<S: FsWork>(p: *const u8, l: u64) -> bool {
    let Some(path) = (unsafe { plain(p, l) }) else {
        return false;
    };
    let Some(canonical) = S::canonicalize(path) else {
        return false;
    };
    if is_protected_path(&canonical) {
        state::write_out(
            2,
            format!(
                "rt_dir_remove_all: Refusing to remove protected path: {}\n",
                canonical.display()
            )
            .as_bytes(),
        );
        return false;
    }
    S::dir_remove_all(&canonical)
}

/// `rt_file_write_text_at` (path and data String values): drops the read caches of
/// the path, then writes through the per-thread handle ([`state::with_write_at`]):
/// at the file offset when the offset is where the handle's last write ended, else
/// at the offset.
pub fn write_text_at<S: FsWork>(path: i64, offset: i64, data: i64) -> i64 {
    let (Some(path), Some(data)) = (state::tagged_str(path as Rv), value::bytes_of(data as Rv))
    else {
        return -1;
    };
    state::invalidate_read_cache(path);
    let start = offset.max(0) as u64;
    state::with_write_at(|w| {
        if w.as_ref().is_none_or(|c| c.path != path) {
            let Some(file) = S::write_at_open(path) else {
                return -1;
            };
            *w = Some(state::WriteAt {
                path: path.to_string(),
                file,
                position: 0,
            });
        }
        let Some(c) = w.as_mut() else {
            return -1;
        };
        let at = (c.position != start).then_some(start);
        if !S::write_at(&c.file, &data, at) {
            return -1;
        }
        c.position = start + data.len() as u64;
        data.len() as i64
    })
}

/// The exported symbols: the runtime's own, in the std and hosted builds only.
#[cfg(not(feature = "old-way"))]
mod exported {
    use super::*;
    use crate::rt::Active;

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_dir_exists(p: *const u8, l: u64) -> bool {
        unsafe { dir_exists::<Active>(p, l) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_dir_create_all(p: *const u8, l: u64) -> bool {
        unsafe { dir_create_all::<Active>(p, l) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_read_bytes(p: *const u8, l: u64) -> Rv {
        unsafe { file_read_bytes::<Active>(p, l) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_write_bytes(
        p: *const u8,
        l: u64,
        d: *const u8,
        dl: u64,
    ) -> bool {
        unsafe { file_write_bytes::<Active>(p, l, d, dl) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_rename(f: *const u8, fl: u64, t: *const u8, tl: u64) -> bool {
        unsafe { file_rename::<Active>(f, fl, t, tl) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_move(f: *const u8, fl: u64, t: *const u8, tl: u64) -> bool {
        unsafe { file_move::<Active>(f, fl, t, tl) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_path_absolute(p: *const u8, l: u64) -> Rv {
        unsafe { path_absolute::<Active>(p, l) }
    }

    #[unsafe(no_mangle)]
    pub extern "C" fn rt_file_write_text_at(path: i64, offset: i64, data: i64) -> i64 {
        write_text_at::<Active>(path, offset, data)
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_dir_walk(p: *const u8, l: u64) -> Rv {
        unsafe { dir_walk::<Active>(p, l) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_dir_remove_all(p: *const u8, l: u64) -> bool {
        unsafe { dir_remove_all::<Active>(p, l) }
    }
}
