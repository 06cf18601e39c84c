//! The hosted API of the directory-tree and path functions (issue 22): what the
//! runtime's `rt_dir_exists`, `rt_dir_create_all`, `rt_file_read_bytes`,
//! `rt_file_write_bytes`, `rt_file_rename`, `rt_file_move`, `rt_path_absolute`,
//! `rt_file_write_text_at`, `rt_dir_walk` and `rt_dir_remove_all` bodies call.
//! What those bodies keep stays theirs: `rt_file_write_text_at`'s cached handle
//! (per thread, dropped by the runtime's write and remove) and
//! `rt_dir_remove_all`'s protected-path check.

use super::{record, utf8_only};
use crate::sys::{RawFd, Result};
use crate::{fs, io};
use alloc::vec::Vec;

/// `Path::is_dir`: whether the path names a directory, following symlinks. A
/// failure records its errno (`ENOTDIR` for something that is not a directory).
pub fn dir_exists(path: &[u8]) -> bool {
    record(fs::is_dir(path)).is_some()
}

/// `create_dir_all`: missing parents made, an existing directory fine.
pub fn dir_create_all(path: &[u8]) -> Result<()> {
    fs::dir_create(path, true)
}

/// `std::fs::read`: the whole file, read to EOF (so /proc files work). The value
/// level's [`super::value::file_read_bytes`] fills a byte Array in place.
pub fn file_read_bytes(path: &[u8]) -> Result<Vec<u8>> {
    fs::read(path)
}

/// `std::fs::write` of bytes: create or truncate, write all.
pub fn file_write_bytes(path: &[u8], data: &[u8]) -> Result<()> {
    fs::write(path, data)
}

/// `std::fs::rename`.
pub fn file_rename(from: &[u8], to: &[u8]) -> Result<()> {
    fs::rename(from, to)
}

/// The runtime's move: rename, and when that fails (another file system, `EXDEV`),
/// `std::fs::copy` then `remove_file` of the source.
pub fn file_move(from: &[u8], to: &[u8]) -> Result<()> {
    fs::move_file(from, to)
}

/// `std::fs::canonicalize` (`realpath`): for the runtime's `rt_dir_remove_all`
/// body, which checks its protected paths on this before [`dir_remove_all`].
pub fn path_canonicalize(path: &[u8]) -> Result<Vec<u8>> {
    fs::canonicalize(path)
}

/// The runtime's `rt_path_absolute` on a UTF-8 path: the canonical path when it
/// resolves and is UTF-8; else, for a relative path, the working directory joined
/// with it (`Path::join`: one `/` between them) when the working directory can be
/// read and is UTF-8; else the path as given. Only `ENOMEM` fails.
pub fn path_absolute(path: &[u8]) -> Result<Vec<u8>> {
    if let Ok(canonical) = fs::canonicalize(path) {
        if utf8_only(&canonical).is_ok() {
            return Ok(canonical);
        }
        return io::copy(path);
    }
    if path.first() == Some(&b'/') {
        return io::copy(path);
    }
    let mut cwd = Vec::new();
    match fs::cwd(&mut cwd) {
        Ok(()) if utf8_only(&cwd).is_ok() => {
            if cwd.last() != Some(&b'/') {
                io::extend(&mut cwd, b"/")?;
            }
            io::extend(&mut cwd, path)?;
            Ok(cwd)
        }
        _ => io::copy(path),
    }
}

/// Opens the file for the runtime's cached write-at handle: write-only, created if
/// missing (0666 less the umask), not truncated, close-on-exec. The descriptor is
/// the caller's (the runtime wraps it in its `File`).
pub fn file_write_at_open(path: &[u8]) -> Result<RawFd> {
    fs::write_at_open(path).map(io::Fd::into_raw)
}

/// Writes all of `data` to a descriptor from [`file_write_at_open`]: at the file
/// offset when `at` is `None` (the runtime's sequential case, its position equal to
/// the offset asked), else at `at` with `pwrite`. `EINTR` is retried and short
/// writes continue.
pub fn file_write_at(fd: RawFd, data: &[u8], at: Option<u64>) -> Result<()> {
    fs::write_at(fd, data, at)
}

/// The runtime's `rt_dir_walk`: the path of every non-directory entry below `path`
/// (links as links, none followed), depth first in the kernel's order, UTF-8 paths
/// only ([`fs::walk`]).
pub fn dir_walk(path: &[u8]) -> Result<fs::Names> {
    fs::walk(path)
}

/// `std::fs::remove_dir_all` through directory descriptors ([`fs::remove_all`]): no
/// link below `path` is followed. The runtime's body resolves the path and checks
/// its protected paths first, and passes the resolved path.
pub fn dir_remove_all(path: &[u8]) -> Result<()> {
    fs::remove_all(path)
}
