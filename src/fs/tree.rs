//! Whole trees and whole paths: walking and removing a directory tree relative to
//! directory descriptors, resolving a path (`realpath`), renaming and moving, and the
//! positional writes of the runtime's write-at handle.
//!
//! The walk and the removal open every directory below the one they start from with
//! `openat(parent, name, O_NOFOLLOW | O_DIRECTORY)` and remove with
//! `unlinkat(parent, name)`, so a directory swapped for a symlink while they run is
//! never followed (the std `remove_dir_all` race of 2022, CVE-2022-21658): the open
//! fails with `ELOOP`/`ENOTDIR`, and the removal unlinks the link itself.

use super::{DIR_BUFFER, Names, copy, remove_file, typed_dirents};
use crate::Errno;
use crate::io::{self, Fd, PathBuf, c_path, retry};
use crate::sys::{self, RawFd, Result, uapi};
use alloc::vec::Vec;

/// Whether `path` is a directory, following symlinks (`Path::is_dir`): `Ok` when
/// it is, `ENOTDIR` when it is something else, the stat's errno when it fails.
pub fn is_dir(path: &[u8]) -> Result<()> {
    match io::is_dir(&super::metadata(path)?) {
        true => Ok(()),
        false => Err(Errno::ENOTDIR),
    }
}

/// `fs::rename`: `rename(2)` (here `renameat2` with no flags, the one every table has).
pub fn rename(from: &[u8], to: &[u8]) -> Result<()> {
    let (mut a, mut b) = (PathBuf::uninit(), PathBuf::uninit());
    sys::renameat2(
        sys::AT_FDCWD,
        c_path(from, &mut a)?,
        sys::AT_FDCWD,
        c_path(to, &mut b)?,
        0,
    )
}

/// The runtime's `rt_file_move`: [`rename`], and when that fails for any reason,
/// [`copy`] then [`remove_file`] of the source (so a move across file systems,
/// `EXDEV`, becomes a copy). The errno is that of the last step that failed; a
/// failed removal leaves both files, as the runtime's does.
pub fn move_file(from: &[u8], to: &[u8]) -> Result<()> {
    if rename(from, to).is_ok() {
        return Ok(());
    }
    copy(from, to)?;
    remove_file(from)
}

/// The most symlinks one resolution follows (Linux's and glibc's `MAXSYMLINKS`).
const MAX_LINKS: u32 = 40;

/// `fs::canonicalize` (glibc's `realpath`): the absolute path with every `.`, `..`
/// and symlink resolved, every component required to exist. Errors as realpath's:
/// `ENOENT` for a missing component (and for ""), `ENOTDIR` for a file followed by
/// more of the path (a trailing `/` included), `ELOOP` past 40 links,
/// `ENAMETOOLONG` when a partial path reaches PATH_MAX. Resolved in user space, one
/// `statx` per component and one `readlinkat` per link, as glibc does.
pub fn canonicalize(path: &[u8]) -> Result<Vec<u8>> {
    if path.is_empty() {
        return Err(Errno::ENOENT);
    }
    let mut out = Vec::new();
    if path.first() == Some(&b'/') {
        io::extend(&mut out, b"/")?;
    } else {
        cwd(&mut out)?;
    }
    // What is still to resolve; a link's target is put in front of the rest.
    let mut pending = io::copy(path)?;
    let mut at = 0;
    let mut links = 0;
    let mut target = Vec::new();
    while at < pending.len() {
        let rest = pending.get(at..).unwrap_or_default();
        let start = at + rest.iter().take_while(|&&c| c == b'/').count();
        let len = pending
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&c| c != b'/')
            .count();
        at = start + len;
        let name = pending.get(start..at).unwrap_or_default();
        match name {
            b"" | b"." => continue,
            b".." => {
                pop_name(&mut out);
                continue;
            }
            _ => {}
        }
        let keep = out.len();
        if out.last() != Some(&b'/') {
            io::extend(&mut out, b"/")?;
        }
        io::extend(&mut out, name)?;
        let st = io::stat_at(
            sys::AT_FDCWD,
            c_path(&out, &mut PathBuf::uninit())?,
            uapi::AT_SYMLINK_NOFOLLOW,
        )?;
        if is_link(&st) {
            links += 1;
            if links > MAX_LINKS {
                return Err(Errno::ELOOP);
            }
            read_link(&out, &mut target)?;
            out.truncate(keep);
            if target.first() == Some(&b'/') {
                out.truncate(1);
            }
            // The target, then what was left after the link.
            io::extend(&mut target, pending.get(at..).unwrap_or_default())?;
            core::mem::swap(&mut pending, &mut target);
            at = 0;
        } else if !io::is_dir(&st) && at < pending.len() {
            // Something follows a name that is not a directory: even a lone "/"
            // asks for a directory.
            return Err(Errno::ENOTDIR);
        }
    }
    Ok(out)
}

/// Takes the last name off an absolute path (never the root's `/`).
fn pop_name(path: &mut Vec<u8>) {
    let cut = path.iter().rposition(|&c| c == b'/').unwrap_or(0);
    path.truncate(cut.max(1));
}

/// The working directory appended to `out` (on the heap: a thread's stack may be
/// small).
pub(crate) fn cwd(out: &mut Vec<u8>) -> Result<()> {
    let start = out.len();
    io::reserve(out, io::PATH_MAX)?;
    let room = out.spare_capacity_mut();
    // SAFETY: the kernel writes at most `room.len()` bytes into the spare capacity.
    let n = retry(|| unsafe { sys::getcwd(room.as_mut_ptr().cast(), room.len()) })?;
    // `n` counts the NUL; a directory not reachable from our root is
    // "(unreachable)/...", which is no path to build on.
    // SAFETY: the kernel initialised `n` bytes after `start`.
    unsafe { out.set_len(start + n.saturating_sub(1)) };
    match out.get(start) {
        Some(b'/') => Ok(()),
        _ => {
            out.truncate(start);
            Err(Errno::ENOENT)
        }
    }
}

/// The target of the symlink at `path` into `target` (replacing what it held).
fn read_link(path: &[u8], target: &mut Vec<u8>) -> Result<()> {
    target.clear();
    io::reserve(target, io::PATH_MAX)?;
    let room = target.spare_capacity_mut();
    // SAFETY: MaybeUninit<u8> and u8 have one layout; the kernel only writes.
    let room = unsafe { core::slice::from_raw_parts_mut(room.as_mut_ptr().cast(), room.len()) };
    let n = sys::readlinkat(sys::AT_FDCWD, c_path(path, &mut PathBuf::uninit())?, room)?;
    if n >= io::PATH_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    // SAFETY: the kernel initialised `n` bytes.
    unsafe { target.set_len(n) };
    Ok(())
}

fn is_link(st: &uapi::statx) -> bool {
    u32::from(st.stx_mode) & uapi::S_IFMT == uapi::S_IFLNK
}

const DT_UNKNOWN: u8 = uapi::DT_UNKNOWN as u8;
const DT_DIR: u8 = uapi::DT_DIR as u8;

/// A directory being walked or emptied: its descriptor, its entries (read whole when
/// it was opened, each `[d_type] name NUL`), and where the next one starts.
struct Level {
    fd: Fd,
    entries: Vec<u8>,
    at: usize,
    /// Where the entry last taken starts (its name is the child being visited).
    last: usize,
    /// The length of the walk's path before this directory's name was added.
    path_len: usize,
}

impl Level {
    fn new(fd: Fd, buf: &mut Vec<u8>, path_len: usize) -> Result<Level> {
        let entries = entries(fd.raw(), buf)?;
        Ok(Level {
            fd,
            entries,
            at: 0,
            last: 0,
            path_len,
        })
    }

    /// The next entry: its `d_type` and name.
    fn next(&mut self) -> Option<(u8, &[u8])> {
        let (&kind, rest) = self.entries.get(self.at..)?.split_first()?;
        let len = rest.iter().position(|&c| c == 0)?;
        self.last = self.at;
        self.at += len + 2;
        Some((kind, rest.get(..len)?))
    }

    /// The name of the entry [`Level::next`] gave last, NUL-terminated.
    fn last_name(&self) -> &[u8] {
        let rest = self.entries.get(self.last + 1..).unwrap_or_default();
        let len = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
        rest.get(..=len).unwrap_or_default()
    }
}

/// Every entry of the open directory `fd` but `.` and `..`, packed as `[d_type]
/// name NUL`; `buf` is the getdents buffer (heap, reused for every directory).
fn entries(fd: RawFd, buf: &mut Vec<u8>) -> Result<Vec<u8>> {
    io::reserve(buf, DIR_BUFFER)?;
    let room = buf.spare_capacity_mut();
    let mut out = Vec::new();
    loop {
        // SAFETY: the kernel writes at most `room.len()` bytes into `room`.
        let n = retry(|| unsafe { sys::getdents64(fd, room.as_mut_ptr().cast(), room.len()) })?;
        if n == 0 {
            return Ok(out);
        }
        io::reserve(&mut out, n)?;
        // SAFETY: the kernel initialised the first `n` bytes.
        let got = unsafe { core::slice::from_raw_parts(room.as_ptr().cast::<u8>(), n) };
        for (kind, name) in typed_dirents(got) {
            if name != b"." && name != b".." {
                io::push(&mut out, kind)?;
                io::extend(&mut out, name)?;
                io::push(&mut out, 0)?;
            }
        }
    }
}

/// Opens the directory `name` (NUL-terminated) in `dir` without following a
/// symlink: a link, or anything else that is not a directory, fails (`ELOOP` or
/// `ENOTDIR`).
fn open_dir_below(dir: RawFd, name: &[u8]) -> Result<Fd> {
    let flags = uapi::O_RDONLY | uapi::O_DIRECTORY | uapi::O_NOFOLLOW | uapi::O_CLOEXEC;
    retry(|| sys::openat(dir, name, flags, 0)).map(Fd::from_raw)
}

/// The kind of the entry `name` (NUL-terminated) of `dir`, not following a link:
/// its `d_type`, or when the file system gave none, what `statx` says (`None` when
/// that fails).
fn kind_of(dir: RawFd, name: &[u8], d_type: u8) -> Option<bool> {
    if d_type != DT_UNKNOWN {
        return Some(d_type == DT_DIR);
    }
    let st = io::stat_at(dir, name, uapi::AT_SYMLINK_NOFOLLOW).ok()?;
    Some(io::is_dir(&st))
}

/// The runtime's `rt_dir_walk`: the path of every entry below `root` that is not a
/// directory (symlinks included, as links), depth first in the kernel's order (a
/// directory's entries come where the directory is met), each path `root` joined
/// with the names by `/` as `Path::join` joins them. `root` itself may be a symlink
/// to a directory; nothing below it is followed. Paths that are not UTF-8 are left
/// out (and directories whose names are not are not entered: nothing in them could
/// be given). A directory below the root that can not be opened or read is skipped,
/// as the runtime's walk skips it; a root that can not be opened or read is an error.
pub fn walk(root: &[u8]) -> Result<Names> {
    let top = Fd::open(root, uapi::O_RDONLY | uapi::O_DIRECTORY, 0)?;
    let mut buf = Vec::new();
    let mut path = io::copy(root)?;
    let mut out = Names::default();
    let mut stack = Vec::new();
    io::push(&mut stack, Level::new(top, &mut buf, 0)?)?;
    while let Some(level) = stack.last_mut() {
        let Some((d_type, name)) = level.next() else {
            if let Some(done) = stack.pop() {
                path.truncate(done.path_len);
            }
            continue;
        };
        let utf8 = crate::utf8::is_valid(name);
        let name = level.last_name();
        let is_dir = kind_of(level.fd.raw(), name, d_type);
        if !utf8 || is_dir.is_none() {
            continue;
        }
        let path_len = path.len();
        if path.last() != Some(&b'/') {
            io::extend(&mut path, b"/")?;
        }
        io::extend(&mut path, name.split_last().map_or(name, |(_, n)| n))?;
        if is_dir == Some(true) {
            // Entered only as a directory it still is: never through a link.
            let child = open_dir_below(level.fd.raw(), name)
                .and_then(|fd| Level::new(fd, &mut buf, path_len));
            match child {
                Ok(child) => io::push(&mut stack, child)?,
                Err(Errno::ENOMEM) => return Err(Errno::ENOMEM),
                Err(_) => path.truncate(path_len),
            }
        } else {
            io::extend(&mut out.packed, &path)?;
            io::push(&mut out.packed, 0)?;
            out.count += 1;
            path.truncate(path_len);
        }
    }
    Ok(out)
}

/// `fs::remove_dir_all` as std does it today: a symlink is removed as a link; a
/// directory is emptied and removed through descriptors, each directory below it
/// opened with `O_NOFOLLOW | O_DIRECTORY` relative to its parent, so nothing outside
/// the tree is touched even if a directory in it is swapped for a link meanwhile
/// (the link is what gets unlinked). An entry that vanished meanwhile (`ENOENT`) is
/// fine; any other failure stops the removal and is returned. A path that is a
/// file (not a directory or a link) is `ENOTDIR`, as std's.
pub fn remove_all(path: &[u8]) -> Result<()> {
    let mut pb = PathBuf::uninit();
    let p = c_path(path, &mut pb)?;
    let st = io::stat_at(sys::AT_FDCWD, p, uapi::AT_SYMLINK_NOFOLLOW)?;
    if is_link(&st) {
        return sys::unlinkat(sys::AT_FDCWD, p, 0);
    }
    let mut buf = Vec::new();
    let mut stack = Vec::new();
    io::push(
        &mut stack,
        Level::new(open_dir_below(sys::AT_FDCWD, p)?, &mut buf, 0)?,
    )?;
    while let Some(level) = stack.last_mut() {
        let gone = match level.next() {
            Some((d_type, _)) => {
                let name = level.last_name();
                let dir = level.fd.raw();
                // An unknown kind is tried as a directory first (std's choice: an
                // unlink of a directory by a privileged caller would orphan it).
                if d_type == DT_DIR || d_type == DT_UNKNOWN {
                    match open_dir_below(dir, name) {
                        Ok(fd) => {
                            match Level::new(fd, &mut buf, 0) {
                                Ok(child) => io::push(&mut stack, child)?,
                                Err(Errno::ENOENT) => {}
                                Err(e) => return Err(e),
                            }
                            continue;
                        }
                        // Not a directory (any more): a link or a file, unlinked
                        // where it is.
                        Err(Errno::ENOTDIR | Errno::ELOOP) => sys::unlinkat(dir, name, 0),
                        Err(e) => Err(e),
                    }
                } else {
                    sys::unlinkat(dir, name, 0)
                }
            }
            None => {
                // Emptied: remove it from its parent (the root by its path).
                drop(stack.pop());
                match stack.last() {
                    Some(parent) => {
                        sys::unlinkat(parent.fd.raw(), parent.last_name(), uapi::AT_REMOVEDIR)
                    }
                    None => sys::unlinkat(sys::AT_FDCWD, p, uapi::AT_REMOVEDIR),
                }
            }
        };
        match gone {
            Ok(()) | Err(Errno::ENOENT) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Opens `path` for the runtime's write-at handle: write-only, created (mode 0666
/// less the umask) if missing, never truncated.
pub fn write_at_open(path: &[u8]) -> Result<Fd> {
    Fd::open(path, uapi::O_WRONLY | uapi::O_CREAT, 0o666)
}

/// Writes all of `data` to `fd`: at the file offset (moving it) when `at` is
/// `None`, else at offset `at` (`pwrite`, the file offset left alone). Short writes
/// continue and `EINTR` is retried; a write that makes no progress is `EIO`.
pub fn write_at(fd: RawFd, data: &[u8], at: Option<u64>) -> Result<()> {
    let Some(mut offset) = at else {
        return io::write_all(fd, data);
    };
    let mut rest = data;
    while !rest.is_empty() {
        // SAFETY: `rest` is a live slice.
        let n = retry(|| unsafe { sys::pwrite64(fd, rest.as_ptr(), rest.len(), offset) })?;
        if n == 0 {
            return Err(Errno::EIO);
        }
        rest = rest.get(n..).unwrap_or_default();
        offset += n as u64;
    }
    Ok(())
}
