//! Files and directories. Paths are bytes (Linux paths are bytes); results are owned.
//! Each function mirrors the std::fs function named in its comment, errno for errno.

use crate::Errno;
use crate::io::{self, Fd, PathBuf, c_path, retry};
use crate::sys::{self, Result, uapi};
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicI32, Ordering};

mod tree;
pub(crate) use tree::cwd;
pub use tree::{
    canonicalize, is_dir, move_file, remove_all, rename, walk, write_at, write_at_open,
};

/// `fs::exists` (`Path::try_exists`): stat following symlinks; a missing file is
/// `Ok(false)`, any other failure (EACCES, ENOTDIR, ELOOP) is an error.
pub fn exists(path: &[u8]) -> Result<bool> {
    match metadata(path) {
        Ok(_) => Ok(true),
        Err(Errno::ENOENT) => Ok(false),
        Err(e) => Err(e),
    }
}

/// `fs::metadata`: `statx` following symlinks.
pub fn metadata(path: &[u8]) -> Result<uapi::statx> {
    io::stat_at(sys::AT_FDCWD, c_path(path, &mut PathBuf::uninit())?, 0)
}

/// `fs::read`: the whole file, to EOF, whatever stat said its size was.
pub fn read(path: &[u8]) -> Result<Vec<u8>> {
    let fd = Fd::open(path, uapi::O_RDONLY, 0)?;
    let hint = fd.stat().map_or(0, |st| st.stx_size as usize);
    io::read_all(fd.raw(), hint)
}

/// `fs::read_to_string`: as [`read`], and content that is not UTF-8 is `EILSEQ`.
pub fn read_text(path: &[u8]) -> Result<String> {
    String::from_utf8(read(path)?).map_err(|_| Errno::EILSEQ)
}

/// `fs::write`: create or truncate, write everything, and report a failed close.
pub fn write(path: &[u8], content: &[u8]) -> Result<()> {
    write_with(path, content, uapi::O_TRUNC)
}

/// `OpenOptions::new().append(true).create(true)` then `write_all`.
pub fn append(path: &[u8], content: &[u8]) -> Result<()> {
    write_with(path, content, uapi::O_APPEND)
}

fn write_with(path: &[u8], content: &[u8], mode_flag: u32) -> Result<()> {
    let fd = Fd::open(path, uapi::O_WRONLY | uapi::O_CREAT | mode_flag, 0o666)?;
    io::write_all(fd.raw(), content)?;
    fd.close()
}

/// `fs::remove_file`: unlink a name that is not a directory.
pub fn remove_file(path: &[u8]) -> Result<()> {
    sys::unlinkat(sys::AT_FDCWD, c_path(path, &mut PathBuf::uninit())?, 0)
}

/// C's `remove(3)`: a file, or an empty directory (unlink, then rmdir on EISDIR).
pub fn remove(path: &[u8]) -> Result<()> {
    let mut buf = PathBuf::uninit();
    let p = c_path(path, &mut buf)?;
    match sys::unlinkat(sys::AT_FDCWD, p, 0) {
        Err(Errno::EISDIR) => sys::unlinkat(sys::AT_FDCWD, p, uapi::AT_REMOVEDIR),
        r => r,
    }
}

/// `metadata(path).len()`.
pub fn size(path: &[u8]) -> Result<u64> {
    metadata(path).map(|st| st.stx_size)
}

/// `metadata(path).modified()` as whole seconds since the epoch (floored, so a time
/// before 1970 with a fraction rounds down like `Duration` arithmetic would).
pub fn modified_time(path: &[u8]) -> Result<i64> {
    metadata(path).map(|st| st.stx_mtime.tv_sec)
}

/// `fs::copy`: contents and permission bits; returns the bytes copied. The kernel
/// copies (`copy_file_range`) while it can; the rest, and any file whose size reads
/// as 0 (/proc), goes through read/write until EOF.
///
/// A destination that is the source itself (the same path, a symlink or a hard link
/// to it) is refused with `EINVAL` before anything is written, as GNU cp refuses it
/// ("are the same file"); std would truncate the source to nothing. Like std, only a
/// regular destination is truncated and given the source's permission bits: a
/// device or FIFO keeps its mode. An existing destination the caller may write but
/// not chmod (owned by another user: `fchmod` says `EPERM`) gets the contents and
/// keeps its mode, as GNU cp does (exit 0); std fails with `EPERM` after truncating
/// it, losing the old contents with nothing copied in their place.
pub fn copy(src: &[u8], dst: &[u8]) -> Result<u64> {
    copy_file(src, dst, false)
}

/// A copy as GNU cp (no options) makes it, for the bootstrap's `cp`; returns the
/// length of the copy. Unlike [`copy`]: an existing destination keeps its mode (and
/// owner); a new one gets the source's permission bits less the umask (without
/// set-user-ID, set-group-ID and sticky, as GNU cp); and the holes of a
/// sparse source stay holes (`--sparse=auto`: a source with fewer blocks than its
/// size needs is copied extent by extent, found with `SEEK_DATA`/`SEEK_HOLE`). The
/// same protections as [`copy`]: a copy onto the source itself is `EINVAL` before
/// anything is written, and nothing is truncated before a step that can fail.
pub fn copy_like_cp(src: &[u8], dst: &[u8]) -> Result<u64> {
    copy_file(src, dst, true)
}

/// [`copy`], or with `like_cp` [`copy_like_cp`].
fn copy_file(src: &[u8], dst: &[u8], like_cp: bool) -> Result<u64> {
    let from = Fd::open(src, uapi::O_RDONLY, 0)?;
    let st = from.stat()?;
    check_regular(&st)?;
    let perm = u32::from(st.stx_mode) & 0o7777;
    // No O_TRUNC: the destination is truncated only once it is known not to be the
    // source. A new file gets the mode less the umask; GNU cp leaves out set-user-ID,
    // set-group-ID and sticky.
    let new_mode = if like_cp { perm & 0o777 } else { perm };
    let to = Fd::open(dst, uapi::O_WRONLY | uapi::O_CREAT, new_mode)?;
    let to_st = to.stat()?;
    if same_file(&st, &to_st) {
        return Err(Errno::EINVAL);
    }
    if io::is_regular(&to_st) {
        // std's copy sets the mode exactly (open ignores it for an existing file).
        // Before the truncation, which must follow every step that can fail; EPERM
        // (not the owner) leaves the mode, as GNU cp does.
        if !like_cp {
            match sys::fchmod(to.raw(), perm) {
                Ok(()) | Err(Errno::EPERM) => {}
                Err(e) => return Err(e),
            }
        }
        // Only a file that holds data: ext4 writes back at close a file truncated
        // to 0, which for a new destination is a needless flush of the whole copy.
        if to_st.stx_size != 0 {
            sys::ftruncate(to.raw(), 0)?;
        }
    }
    // GNU cp's test for a file with holes: fewer 512-byte blocks than its size needs;
    // and, as GNU cp, holes only in a regular destination (a device or FIFO can not
    // seek or be truncated to a size).
    let sparse =
        like_cp && io::is_regular(&to_st) && st.stx_blocks.saturating_mul(512) < st.stx_size;
    let mut end = 0;
    loop {
        // The next extent of data: from `end` to EOF, or, for a sparse copy, the
        // next data (none: the rest is a hole) up to the hole after it.
        let (start, len) = if sparse {
            let start = match sys::lseek(from.raw(), end, uapi::SEEK_DATA) {
                Err(Errno::ENXIO) => break,
                r => r?,
            };
            let hole = sys::lseek(from.raw(), start, uapi::SEEK_HOLE)?;
            sys::lseek(from.raw(), start, uapi::SEEK_SET)?;
            sys::lseek(to.raw(), start, uapi::SEEK_SET)?;
            (start, hole - start)
        } else {
            (end, u64::MAX)
        };
        let n = copy_range(from.raw(), to.raw(), len, sparse)?;
        end = start + n;
        if n < len || !sparse {
            break;
        }
    }
    if sparse {
        // A hole at the end (skipped zeros, or no data after `end`): only the size
        // makes it.
        end = end.max(st.stx_size);
        sys::ftruncate(to.raw(), end)?;
    }
    to.close()?;
    Ok(end)
}

/// Copies `len` bytes (fewer at EOF) from the offset of `from` to that of `to`;
/// returns how many. The kernel copies (`copy_file_range`) while it can; the rest,
/// and any file whose size reads as 0 (/proc), goes through read/write. With
/// `holes`, everything goes through read/write and each block of zeros is skipped
/// (a hole, as GNU cp makes one): a file system whose `SEEK_DATA` calls the whole
/// file data (FUSE without lseek) still gets a sparse copy.
fn copy_range(from: i32, to: i32, len: u64, holes: bool) -> Result<u64> {
    let mut copied = 0u64;
    loop {
        // Zero blocks to find: every byte is read, below.
        if holes {
            break;
        }
        if copied == len {
            return Ok(copied);
        }
        let chunk = (len - copied).min(1 << 30) as usize;
        match retry(|| sys::copy_file_range(from, None, to, None, chunk)) {
            // EOF. A first call that copies nothing may be a file whose size reads
            // as 0 (/proc, /sys): read/write then finds out.
            Ok(0) if copied > 0 => return Ok(copied),
            Ok(0) => break,
            Ok(n) => copied += n as u64,
            // Not supported for this pair of files: read/write does the rest.
            Err(Errno::EXDEV | Errno::EINVAL | Errno::ENOSYS | Errno::EOPNOTSUPP) => break,
            Err(e) => return Err(e),
        }
    }
    // On the heap, not the stack: a thread's stack may be 64 KiB in all.
    let mut buf = Vec::<u8>::new();
    io::reserve(&mut buf, COPY_BUFFER)?;
    while copied < len {
        let want = (len - copied).min(COPY_BUFFER as u64) as usize;
        // SAFETY: the kernel writes at most `want` bytes, within the reserved room.
        let n = retry(|| unsafe { sys::read(from, buf.as_mut_ptr(), want) })?;
        if n == 0 {
            break;
        }
        // SAFETY: the read initialised the first `n` bytes.
        let data = unsafe { core::slice::from_raw_parts(buf.as_ptr(), n) };
        if holes {
            for block in data.chunks(HOLE_BLOCK) {
                if block.iter().all(|&b| b == 0) {
                    sys::lseek(to, block.len() as u64, uapi::SEEK_CUR)?;
                } else {
                    io::write_all(to, block)?;
                }
            }
        } else {
            io::write_all(to, data)?;
        }
        copied += n as u64;
    }
    Ok(copied)
}

/// The size of a block of zeros that a sparse copy leaves as a hole: a page, the
/// block of the common file systems (GNU cp goes by `st_blksize`, the same there).
const HOLE_BLOCK: usize = 4096;

/// [`copy_range`]'s read/write buffer.
const COPY_BUFFER: usize = 64 * 1024;

/// Whether two stats describe one file: the same device and inode.
fn same_file(a: &uapi::statx, b: &uapi::statx) -> bool {
    a.stx_ino == b.stx_ino
        && a.stx_dev_major == b.stx_dev_major
        && a.stx_dev_minor == b.stx_dev_minor
}

/// std::fs::copy refuses a source that is not a regular file; the errno here says
/// which kind it was.
fn check_regular(st: &uapi::statx) -> Result<()> {
    if io::is_regular(st) {
        Ok(())
    } else if io::is_dir(st) {
        Err(Errno::EISDIR)
    } else {
        Err(Errno::EINVAL)
    }
}

/// `fs::create_dir`, or with `recursive` `fs::create_dir_all`: missing parents are
/// made, an existing directory is fine, a component that is a file fails. As std,
/// the empty path is `ENOENT` for `create_dir` and nothing to do for
/// `create_dir_all`.
pub fn dir_create(path: &[u8], recursive: bool) -> Result<()> {
    if recursive && path.is_empty() {
        return Ok(());
    }
    let mkdir = || sys::mkdirat(sys::AT_FDCWD, c_path(path, &mut PathBuf::uninit())?, 0o777);
    let made = mkdir();
    if !recursive {
        return made;
    }
    match made {
        Ok(()) => Ok(()),
        Err(Errno::EEXIST) if names_dir(path) => Ok(()),
        Err(Errno::ENOENT) => {
            let parent = parent_of(path).ok_or(Errno::ENOENT)?;
            dir_create(parent, true)?;
            match mkdir() {
                // Made by someone else meanwhile, or a trailing "." / "..".
                Err(Errno::EEXIST) if names_dir(path) => Ok(()),
                r => r,
            }
        }
        Err(e) => Err(e),
    }
}

/// Whether `path` is a directory (following symlinks), as `create_dir_all` asks.
fn names_dir(path: &[u8]) -> bool {
    metadata(path).is_ok_and(|st| io::is_dir(&st))
}

/// The path without its last component (trailing slashes ignored); None at the root
/// or for a single relative component, whose parent is the current directory.
fn parent_of(path: &[u8]) -> Option<&[u8]> {
    let trimmed = path.get(..=path.iter().rposition(|&c| c != b'/')?)?;
    let parent = trimmed.get(..trimmed.iter().rposition(|&c| c == b'/')?)?;
    if parent.iter().all(|&c| c == b'/') {
        None
    } else {
        Some(parent)
    }
}

/// Names packed into one buffer, each ending in a NUL (no name holds one): listing
/// a directory costs one growing allocation, not one per entry.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Names {
    packed: Vec<u8>,
    count: usize,
}

impl Names {
    /// How many names.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no names.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Name `i`, in the kernel's order (a walk over the names before it).
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        self.iter().nth(i)
    }

    /// The names in the kernel's order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + Clone {
        io::unpacked(&self.packed)
    }
}

/// getdents64 buffer: ~1 500 typical entries a call. Larger buys nothing measurable
/// (the kernel's per-entry work dominates) and costs small directories more.
const DIR_BUFFER: usize = 64 * 1024;

/// `fs::read_dir` names, in the kernel's order, without `.` and `..`.
pub fn dir_list(path: &[u8]) -> Result<Names> {
    let fd = Fd::open(path, uapi::O_RDONLY | uapi::O_DIRECTORY, 0)?;
    let mut names = Names::default();
    // On the heap, not the stack (a thread's stack may be 64 KiB in all); not zeroed:
    // only what each call filled is read.
    let mut buf = Vec::<u8>::new();
    io::reserve(&mut buf, DIR_BUFFER)?;
    let buf = buf.spare_capacity_mut();
    loop {
        // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
        let n = retry(|| unsafe { sys::getdents64(fd.raw(), buf.as_mut_ptr().cast(), buf.len()) })?;
        if n == 0 {
            return Ok(names);
        }
        // No name with its NUL is longer than its record: room for the batch.
        io::reserve(&mut names.packed, n)?;
        // SAFETY: the kernel initialised the first `n` bytes.
        for name in dirents(unsafe { core::slice::from_raw_parts(buf.as_ptr().cast(), n) }) {
            if name != b"." && name != b".." {
                io::extend(&mut names.packed, name)?;
                io::extend(&mut names.packed, b"\0")?;
                names.count += 1;
            }
        }
    }
}

/// The names in a getdents64 buffer.
pub(crate) fn dirents(buf: &[u8]) -> impl Iterator<Item = &[u8]> {
    typed_dirents(buf).map(|(_, name)| name)
}

/// The entries in a getdents64 buffer: each name with its `d_type` (`DT_UNKNOWN`, 0,
/// where the file system does not say).
pub(crate) fn typed_dirents(mut buf: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    const NAME_OFFSET: usize = core::mem::offset_of!(sys::Dirent64, d_name);
    const RECLEN_OFFSET: usize = core::mem::offset_of!(sys::Dirent64, d_reclen);
    const TYPE_OFFSET: usize = core::mem::offset_of!(sys::Dirent64, d_type);
    core::iter::from_fn(move || {
        if buf.len() < NAME_OFFSET {
            return None;
        }
        let reclen = match buf.get(RECLEN_OFFSET..RECLEN_OFFSET + 2)? {
            &[a, b] => u16::from_ne_bytes([a, b]) as usize,
            _ => return None,
        };
        let (record, rest) = buf.split_at_checked(reclen.clamp(NAME_OFFSET, buf.len()))?;
        buf = rest;
        let kind = *record.get(TYPE_OFFSET)?;
        let name = record.get(NAME_OFFSET..)?;
        Some((kind, name.split(|&c| c == 0).next().unwrap_or_default()))
    })
}

/// Descriptors handed out by [`lock`], so [`unlock`] closes only what it gave out,
/// each stored plus one: 0 is a free slot, so the table is zero-initialised (.bss,
/// no bytes in the file). A fixed table keeps this allocation-free; 64 locks held at
/// once is the limit.
static LOCKS: [AtomicI32; 64] = [const { AtomicI32::new(0) }; 64];

/// How often [`lock`] tries again while another open file holds the lock.
const LOCK_RETRY_NS: i64 = 50_000_000;

/// An exclusive `flock` on `path`, as the runtime takes it: the file opened read-write
/// and created if missing (mode 0644 less the umask). `timeout_secs <= 0` waits for
/// the lock however long it takes; otherwise it is tried every 50 ms until that many
/// seconds have passed, then `EWOULDBLOCK`. Returns the handle for [`unlock`].
pub fn lock(path: &[u8], timeout_secs: i64) -> Result<i32> {
    lock_with(path, |fd| {
        if timeout_secs <= 0 {
            return retry(|| sys::flock(fd, uapi::LOCK_EX));
        }
        let deadline =
            crate::time::monotonic_ns()?.saturating_add(timeout_secs.saturating_mul(1_000_000_000));
        loop {
            match retry(|| sys::flock(fd, uapi::LOCK_EX | uapi::LOCK_NB)) {
                Err(Errno::EWOULDBLOCK) if crate::time::monotonic_ns()? < deadline => {
                    crate::time::sleep_ns(LOCK_RETRY_NS)
                }
                r => return r,
            }
        }
    })
}

/// As [`lock`], trying once: a lock held elsewhere is `EWOULDBLOCK` at once.
pub fn try_lock(path: &[u8]) -> Result<i32> {
    lock_with(path, |fd| {
        retry(|| sys::flock(fd, uapi::LOCK_EX | uapi::LOCK_NB))
    })
}

fn lock_with(path: &[u8], take: impl FnOnce(i32) -> Result<()>) -> Result<i32> {
    let fd = Fd::open(path, uapi::O_RDWR | uapi::O_CREAT, 0o644)?;
    take(fd.raw())?;
    let slot = LOCKS.iter().find(|s| {
        s.compare_exchange(0, fd.raw() + 1, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    });
    match slot {
        Some(_) => Ok(fd.into_raw()),
        None => Err(Errno::ENOLCK),
    }
}

/// Releases a handle from [`lock`]; any other number is `EBADF`.
pub fn unlock(handle: i32) -> Result<()> {
    let stored = match handle.checked_add(1) {
        Some(n) if n > 0 => n,
        _ => return Err(Errno::EBADF),
    };
    let slot = LOCKS.iter().find(|s| {
        s.compare_exchange(stored, 0, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    });
    if slot.is_none() {
        return Err(Errno::EBADF);
    }
    // Closing the only descriptor of the open file description drops the lock.
    sys::close(handle)
}

/// Files at least this large are mapped rather than read by [`with_contents`]: a
/// mapping of the page cache costs no copy and no freshly zeroed pages, which for
/// large files is most of what a read costs.
const MAP_AT_LEAST: usize = 1 << 20;

/// Calls `f` with the whole content of the file, read to EOF (never trusting the size
/// stat gives: /proc files say 0). A regular file of 1 MiB or more is lent as a
/// private read-only mapping, unmapped afterwards; anything else is read into a buffer.
/// As for any mmap reader, a file truncated by someone else while `f` runs raises
/// SIGBUS.
pub fn with_contents<R>(path: &[u8], f: impl FnOnce(&[u8]) -> Result<R>) -> Result<R> {
    f(contents(path)?.bytes())
}

/// A file's whole content as [`with_contents`] lends it: a private read-only mapping,
/// unmapped on drop, or a buffer. (The work is here, not in the generic
/// [`with_contents`], so a program has one copy of it however many callers it has.)
pub struct Contents {
    mapped: Option<(*mut u8, usize)>,
    buf: Vec<u8>,
}

impl Contents {
    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        match self.mapped {
            // SAFETY: the mapping is `len` readable bytes while `self` lives.
            Some((p, len)) => unsafe { core::slice::from_raw_parts(p, len) },
            None => &self.buf,
        }
    }
}

impl Drop for Contents {
    fn drop(&mut self) {
        if let Some((p, len)) = self.mapped {
            // SAFETY: the mapping is ours, and nothing borrows it once `self` goes.
            let _ = unsafe { sys::munmap(p, len) };
        }
    }
}

/// The content [`with_contents`] lends.
fn contents(path: &[u8]) -> Result<Contents> {
    let fd = Fd::open(path, uapi::O_RDONLY, 0)?;
    let st = fd.stat()?;
    let len = usize::try_from(st.stx_size).map_err(|_| Errno::EFBIG)?;
    if io::is_regular(&st) && len >= MAP_AT_LEAST {
        // SAFETY: a fresh private read-only mapping at an address the kernel chooses.
        let mapped = unsafe {
            sys::mmap(
                0,
                len,
                uapi::PROT_READ,
                uapi::MAP_PRIVATE | uapi::MAP_POPULATE,
                fd.raw(),
                0,
            )
        };
        if let Ok(p) = mapped {
            return Ok(Contents {
                mapped: Some((p, len)),
                buf: Vec::new(),
            });
        }
    }
    let mut buf = Vec::new();
    io::read_to_end(fd.raw(), &mut buf, len)?;
    Ok(Contents { mapped: None, buf })
}

/// The whole file (through [`with_contents`]).
pub fn mmap_read(path: &[u8]) -> Result<Vec<u8>> {
    with_contents(path, io::copy)
}
