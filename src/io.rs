//! Descriptor ownership and the loops every caller of read/write needs: retry on
//! `EINTR`, continue after a short transfer, read to EOF.

use crate::Errno;
use crate::sys::{self, RawFd, Result, uapi};
use alloc::vec::Vec;
use core::mem::{align_of, size_of};

/// Linux's PATH_MAX: the longest path the kernel takes, NUL included.
pub const PATH_MAX: usize = 4096;

/// An open descriptor, closed on drop.
#[derive(Debug)]
pub struct Fd(RawFd);

impl Fd {
    /// Opens `path` (bytes, no NUL needed) with `O_CLOEXEC` added to `flags`.
    pub fn open(path: &[u8], flags: u32, mode: u32) -> Result<Fd> {
        Fd::open_at(sys::AT_FDCWD, path, flags, mode)
    }

    /// As [`Fd::open`], a relative `path` taken from directory `dir`.
    pub fn open_at(dir: RawFd, path: &[u8], flags: u32, mode: u32) -> Result<Fd> {
        let mut buf = PathBuf::uninit();
        let p = c_path(path, &mut buf)?;
        retry(|| sys::openat(dir, p, flags | uapi::O_CLOEXEC, mode)).map(Fd)
    }

    /// Takes ownership of a descriptor fresh from the kernel.
    pub fn from_raw(fd: RawFd) -> Fd {
        Fd(fd)
    }

    /// The descriptor number (still owned by this `Fd`).
    pub fn raw(&self) -> RawFd {
        self.0
    }

    /// Gives up ownership without closing.
    pub fn into_raw(self) -> RawFd {
        let fd = self.0;
        core::mem::forget(self);
        fd
    }

    /// Closes now and reports the kernel's answer, which `drop` has to ignore.
    pub fn close(self) -> Result<()> {
        sys::close(self.into_raw())
    }

    /// `fstat`: the file's `statx`.
    pub fn stat(&self) -> Result<uapi::statx> {
        stat_at(self.0, b"\0", uapi::AT_EMPTY_PATH)
    }
}

impl Drop for Fd {
    fn drop(&mut self) {
        let _ = sys::close(self.0);
    }
}

/// `statx` with the basic fields; `path` must already end in its NUL.
pub fn stat_at(dirfd: RawFd, path: &[u8], flags: u32) -> Result<uapi::statx> {
    // SAFETY: statx is plain integers; all-zero is a valid value.
    let mut st: uapi::statx = unsafe { core::mem::zeroed() };
    sys::statx(dirfd, path, flags, uapi::STATX_BASIC_STATS, &mut st)?;
    Ok(st)
}

/// Whether `st` describes a directory.
pub fn is_dir(st: &uapi::statx) -> bool {
    u32::from(st.stx_mode) & uapi::S_IFMT == uapi::S_IFDIR
}

/// Whether `st` describes a regular file.
pub fn is_regular(st: &uapi::statx) -> bool {
    u32::from(st.stx_mode) & uapi::S_IFMT == uapi::S_IFREG
}

/// Runs `f` again for as long as a signal interrupts it.
#[inline]
pub fn retry<T>(mut f: impl FnMut() -> Result<T>) -> Result<T> {
    loop {
        match f() {
            Err(Errno::EINTR) => continue,
            r => return r,
        }
    }
}

/// Room for one NUL-terminated path on the stack; see [`c_path`].
pub type PathBuf = core::mem::MaybeUninit<[u8; PATH_MAX]>;

/// `path` NUL-terminated in `buf`, for the `sys` functions. One the kernel could not
/// take (PATH_MAX bytes or more) is `ENAMETOOLONG`, as the kernel itself answers; a
/// path with an interior NUL (it would name another file) is left to `sys`, which
/// refuses it with `EINVAL`, so the path is scanned once. One non-generic function
/// rather than a closure per caller: it is on every path call.
pub fn c_path<'a>(path: &[u8], buf: &'a mut PathBuf) -> Result<&'a [u8]> {
    if path.len() >= PATH_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    let dst = buf.as_mut_ptr().cast::<u8>();
    // SAFETY: `path.len() + 1 <= PATH_MAX` bytes are written, then exactly those are
    // viewed as initialised.
    unsafe {
        core::ptr::copy_nonoverlapping(path.as_ptr(), dst, path.len());
        dst.add(path.len()).write(0);
        Ok(core::slice::from_raw_parts(dst, path.len() + 1))
    }
}

/// Writes all of `data`, continuing after short writes and interruptions. A write
/// that makes no progress (returns 0) is reported as `EIO` rather than spun on.
pub fn write_all(fd: RawFd, data: &[u8]) -> Result<()> {
    write_all2(fd, data, &[])
}

/// Writes all of `a`, then all of `b`, with `writev`: both in one call when the kernel
/// takes them whole (a line and its newline are not split by another writer); after
/// a short write or an interruption, the rest. Nothing at all for two empty slices.
/// The one write loop: [`write_all`] is this with no `b`.
pub fn write_all2(fd: RawFd, mut a: &[u8], mut b: &[u8]) -> Result<()> {
    while !a.is_empty() || !b.is_empty() {
        let iov = [iovec(a), iovec(b)];
        // SAFETY: both slices are live.
        let n = retry(|| unsafe { sys::writev(fd, &iov) })?;
        if n == 0 {
            return Err(Errno::EIO);
        }
        match a.get(n..) {
            Some(rest) => a = rest,
            None => {
                b = b.get(n - a.len()..).unwrap_or_default();
                a = &[];
            }
        }
    }
    Ok(())
}

fn iovec(s: &[u8]) -> uapi::iovec {
    uapi::iovec {
        iov_base: s.as_ptr() as *mut _,
        iov_len: s.len() as _,
    }
}

/// Whether `bytes` holds `byte`: a plain loop, where `slice::contains` brings core's
/// word-at-a-time memchr (half a kilobyte) into every program.
#[allow(clippy::manual_contains)] // contains is the memchr this avoids
pub fn has(bytes: &[u8], byte: u8) -> bool {
    bytes.iter().any(|&c| c == byte)
}

/// Makes room in `v` for `additional` more elements, or `ENOMEM`. An empty `v` gets
/// exactly that room; a full one at least doubles (amortised growth, as `Vec`'s).
///
/// The crate's one growth path. It asks the allocator directly (`alloc`, `realloc`)
/// instead of going through `Vec::try_reserve`, whose layers of layout checks and
/// error values cost every program some 600 bytes; like `try_reserve`, and unlike
/// `Vec::push` or `extend_from_slice`, it cannot panic or abort, so it brings
/// neither the allocation-failure handler nor core::fmt along.
pub fn reserve<T>(v: &mut Vec<T>, additional: usize) -> Result<()> {
    const { assert!(size_of::<T>() != 0) }; // no zero-sized elements: no such Vec here
    let (len, cap) = (v.len(), v.capacity());
    if cap - len >= additional {
        return Ok(());
    }
    let want = len.checked_add(additional).ok_or(Errno::ENOMEM)?;
    let new_cap = want.max(cap.wrapping_mul(2));
    let bytes = new_cap.checked_mul(size_of::<T>()).ok_or(Errno::ENOMEM)?;
    let old = cap * size_of::<T>();
    // SAFETY: T's alignment; `bytes > old` as `new_cap > cap`; a Vec with capacity
    // holds a block of exactly `old` bytes from the global allocator.
    let p = unsafe { grow_bytes(v.as_mut_ptr().cast(), old, bytes, align_of::<T>()) }?;
    // The old Vec's buffer is now `p`'s (realloc moved or kept it): forget it, and
    // rebuild the Vec around the new one.
    core::mem::forget(core::mem::take(v));
    // SAFETY: `p` comes from the global allocator with the layout of `new_cap`
    // elements of T, and holds the `len` elements the Vec had.
    *v = unsafe { Vec::from_raw_parts(p.cast(), len, new_cap) };
    Ok(())
}

/// A block of `new` bytes aligned to `align` holding the first `old` bytes of `ptr`:
/// [`reserve`]'s one non-generic part.
///
/// # Safety
/// `align` is a power of two and `new > old`; when `old` is not 0, `ptr` is a block
/// of `old` bytes aligned to `align` from the global allocator, which this call
/// takes over (it is freed or kept in the block returned).
unsafe fn grow_bytes(ptr: *mut u8, old: usize, new: usize, align: usize) -> Result<*mut u8> {
    use alloc::alloc::{Layout, alloc, realloc};
    // Layout's rule: the size rounded up to `align` must not exceed isize::MAX.
    if new > isize::MAX as usize - (align - 1) {
        return Err(Errno::ENOMEM);
    }
    // SAFETY: the layouts are valid (checked above, and the caller's power of two);
    // the old one is `ptr`'s when `old` is not 0 (the caller's contract).
    let p = unsafe {
        if old == 0 {
            alloc(Layout::from_size_align_unchecked(new, align))
        } else {
            realloc(ptr, Layout::from_size_align_unchecked(old, align), new)
        }
    };
    if p.is_null() {
        Err(Errno::ENOMEM)
    } else {
        Ok(p)
    }
}

/// Appends `data` to `v`; `ENOMEM` when it cannot grow. Unlike `extend_from_slice`
/// (and [`push`] unlike `Vec::push`) it cannot panic, so it brings neither the
/// allocation-failure handler nor core::fmt into a program: the crate grows its
/// buffers only with these or with [`reserve`].
pub fn extend(v: &mut Vec<u8>, data: &[u8]) -> Result<()> {
    reserve(v, data.len())?;
    // SAFETY: room for `data.len()` more bytes was reserved just above.
    unsafe {
        core::ptr::copy_nonoverlapping(data.as_ptr(), v.as_mut_ptr().add(v.len()), data.len());
        v.set_len(v.len() + data.len());
    }
    Ok(())
}

/// A copy of `data` (`to_vec` without its panic).
pub fn copy(data: &[u8]) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    extend(&mut v, data)?;
    Ok(v)
}

/// Appends `x` to `v`; `ENOMEM` when it cannot grow (see [`extend`]).
pub fn push<T>(v: &mut Vec<T>, x: T) -> Result<()> {
    reserve(v, 1)?;
    // SAFETY: room for one more was reserved just above.
    unsafe {
        v.as_mut_ptr().add(v.len()).write(x);
        v.set_len(v.len() + 1);
    }
    Ok(())
}

/// The NUL-terminated strings packed one after another in `buf`, each with its NUL
/// (bytes after the last NUL are no string). `split_inclusive` without its
/// bounds-check panic.
pub fn c_strings(buf: &[u8]) -> impl Iterator<Item = &[u8]> + Clone {
    let mut rest = buf;
    core::iter::from_fn(move || {
        let end = rest.iter().position(|&c| c == 0)?;
        let (s, after) = rest.split_at_checked(end + 1)?;
        rest = after;
        Some(s)
    })
}

/// The strings packed in `buf` (NUL-terminated, one after another, as the
/// environment, argument and name lists of this crate are kept), each without its NUL.
pub fn unpacked(buf: &[u8]) -> impl Iterator<Item = &[u8]> + Clone {
    c_strings(buf).map(|s| s.split_last().map_or(s, |(_, text)| text))
}

/// Everything from `fd`'s offset to EOF, in a new buffer (see [`read_to_end`]).
pub fn read_all(fd: RawFd, size_hint: usize) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    read_to_end(fd, &mut out, size_hint)?;
    Ok(out)
}

/// Reads until EOF, appending to `out`. `size_hint` (what stat said, which is 0 for
/// /proc files) only sizes the first allocation; past it the buffer doubles.
pub fn read_to_end(fd: RawFd, out: &mut Vec<u8>, size_hint: usize) -> Result<()> {
    // One byte past the hint lets a correct hint finish with one read plus the read
    // that sees EOF, without growing.
    reserve(out, size_hint.saturating_add(1))?;
    while read_some(fd, out)? != 0 {}
    Ok(())
}

/// One read appended to `out` (0 at EOF), into its spare room; when there is none,
/// the buffer first doubles (4 KiB at the least).
pub fn read_some(fd: RawFd, out: &mut Vec<u8>) -> Result<usize> {
    if out.len() == out.capacity() {
        let grow = out.capacity().max(4096);
        reserve(out, grow)?;
    }
    let spare = out.spare_capacity_mut();
    // SAFETY: the kernel writes at most `spare.len()` bytes into the spare capacity.
    let n = retry(|| unsafe { sys::read(fd, spare.as_mut_ptr().cast(), spare.len()) })?;
    // SAFETY: the kernel initialised `n` more bytes.
    unsafe { out.set_len(out.len() + n) };
    Ok(n)
}

/// The number `digits` writes in decimal (ASCII digits only, at least one); None for
/// anything else or a value past `u64::MAX`.
pub fn parse_decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &c| {
        let d = c.wrapping_sub(b'0');
        (d <= 9).then(|| n.checked_mul(10)?.checked_add(u64::from(d)))?
    })
}

/// `n` in decimal, written into the end of `buf` (20 bytes hold any i64): no
/// allocation, no `core::fmt`, no panicking path.
pub fn decimal(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut m = n.unsigned_abs();
    let mut i = buf.len();
    let mut put = |c: u8| {
        i -= 1;
        if let Some(b) = buf.get_mut(i) {
            *b = c;
        }
    };
    loop {
        put(b'0' + (m % 10) as u8);
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        put(b'-');
    }
    buf.get(i..).unwrap_or_default()
}

/// The whole content of a small file that stat does not size (/proc files, which
/// say 0): read to EOF into a buffer that doubles. For the layers below `fs` (the
/// auxv and the environment), which must not depend on it.
pub fn read_small_file(path: &[u8]) -> Result<Vec<u8>> {
    read_all(Fd::open(path, uapi::O_RDONLY, 0)?.raw(), 0)
}
