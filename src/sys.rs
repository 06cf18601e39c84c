//! One typed function per system call the crate uses.
//!
//! This module is the only caller of the `arch` instructions. Numbers come from
//! [`syscalls::Sysno`], kernel structs and constants from `linux-raw-sys`. Every
//! result is decoded once here: a raw value in -4095..=-1 becomes `Err(Errno)`.
//!
//! Conventions:
//! - paths are byte slices that must end in their only NUL (`b"/etc/hosts\0"`); any
//!   other slice is refused with `EINVAL` before the kernel is asked, so a path can
//!   never be silently cut at an interior NUL or read past its end;
//! - buffers the kernel reads or fills are a raw pointer and a length, so these
//!   functions are `unsafe`: the kernel, not Rust, checks them (`EFAULT`);
//! - structs are `&`/`&mut` references to the `linux-raw-sys` types.
//!
//! The generic table used by aarch64 and riscv64 has no `open`, `stat`, `fork`,
//! `pipe`, `dup2`, `mkdir`, `unlink`, and riscv64 has no `renameat`, so only the
//! `*at`, `pipe2`, `dup3`, `ppoll`, `clone` and `renameat2` forms are used.

use crate::Errno;
use crate::arch;
pub use linux_raw_sys::general as uapi;
use linux_raw_sys::general::{
    __kernel_timespec, kernel_sigaction, kernel_sigset_t, linux_dirent64, pollfd, statx,
};
use linux_raw_sys::system::new_utsname;
use syscalls::Sysno;

/// A system call's result: the value, or the errno the kernel gave.
pub type Result<T> = core::result::Result<T, Errno>;

/// A raw file descriptor, as the kernel numbers them.
pub type RawFd = i32;

pub use linux_raw_sys::general::AT_FDCWD;

#[inline(always)]
fn ret(raw: usize) -> Result<usize> {
    Errno::from_ret(raw)
}

#[inline(always)]
fn ret_unit(raw: usize) -> Result<()> {
    Errno::from_ret(raw).map(drop)
}

/// Checks that `path` ends in its only NUL and returns it as a kernel pointer (the
/// NUL is added, where needed, by `io::c_path`).
#[inline]
fn path_ptr(path: &[u8]) -> Result<usize> {
    // A plain scan: `CStr::from_bytes_with_nul` brings core's memchr along.
    match path.iter().position(|&c| c == 0) {
        Some(nul) if nul + 1 == path.len() => Ok(path.as_ptr() as usize),
        _ => Err(Errno::EINVAL),
    }
}

/// An optional struct the kernel reads, as its address (null for None).
#[inline(always)]
fn in_ptr<T>(r: Option<&T>) -> usize {
    r.map_or(0, |r| r as *const T as usize)
}

/// An optional struct the kernel writes (or reads and updates), as its address (null
/// for None).
#[inline(always)]
fn out_ptr<T>(r: Option<&mut T>) -> usize {
    r.map_or(0, |r| r as *mut T as usize)
}

// Sign extension for the kernel's `int` arguments (dirfd, pid): negative values such
// as AT_FDCWD must arrive as a 64-bit negative number.
#[inline(always)]
fn int(v: i32) -> usize {
    v as isize as usize
}

/// `openat(2)`: a new descriptor for `path` (relative to `dirfd`).
pub fn openat(dirfd: RawFd, path: &[u8], flags: u32, mode: u32) -> Result<RawFd> {
    let p = path_ptr(path)?;
    // SAFETY: `p` is a NUL-terminated path borrowed for the call; the rest are
    // integers, or references the kernel uses within their size.
    let r = unsafe {
        arch::syscall4(
            Sysno::openat as usize,
            int(dirfd),
            p,
            flags as usize,
            mode as usize,
        )
    };
    ret(r).map(|fd| fd as RawFd)
}

/// # Safety
/// `buf` must be valid for writes of `len` bytes, or the kernel answers `EFAULT`
/// (for memory that is mapped but owned by something else, nothing can catch it).
pub unsafe fn read(fd: RawFd, buf: *mut u8, len: usize) -> Result<usize> {
    // SAFETY: forwarded from this function's own contract.
    ret(unsafe { arch::syscall3(Sysno::read as usize, int(fd), buf as usize, len) })
}

/// # Safety
/// `buf` must be valid for reads of `len` bytes.
pub unsafe fn write(fd: RawFd, buf: *const u8, len: usize) -> Result<usize> {
    // SAFETY: forwarded from this function's own contract.
    ret(unsafe { arch::syscall3(Sysno::write as usize, int(fd), buf as usize, len) })
}

/// # Safety
/// Each entry of `iov` must be valid for reads of its length.
pub unsafe fn writev(fd: RawFd, iov: &[uapi::iovec]) -> Result<usize> {
    // SAFETY: the caller vouches for every entry; the array itself is a live slice.
    ret(unsafe {
        arch::syscall3(
            Sysno::writev as usize,
            int(fd),
            iov.as_ptr() as usize,
            iov.len(),
        )
    })
}

/// # Safety
/// As [`read`].
pub unsafe fn pread64(fd: RawFd, buf: *mut u8, len: usize, offset: u64) -> Result<usize> {
    // SAFETY: forwarded from this function's own contract.
    ret(unsafe {
        arch::syscall4(
            Sysno::pread64 as usize,
            int(fd),
            buf as usize,
            len,
            offset as usize,
        )
    })
}

/// Writes at `offset` without moving the file offset.
///
/// # Safety
/// As [`write()`].
pub unsafe fn pwrite64(fd: RawFd, buf: *const u8, len: usize, offset: u64) -> Result<usize> {
    // SAFETY: forwarded from this function's own contract.
    ret(unsafe {
        arch::syscall4(
            Sysno::pwrite64 as usize,
            int(fd),
            buf as usize,
            len,
            offset as usize,
        )
    })
}

/// `readlinkat(2)`: the target of the symlink `path` (relative to `dirfd`) into
/// `buf`, not NUL-terminated; returns its length (`buf.len()` when it may be cut
/// short). A name that is not a symlink is `EINVAL`.
pub fn readlinkat(dirfd: RawFd, path: &[u8], buf: &mut [u8]) -> Result<usize> {
    let p = path_ptr(path)?;
    // SAFETY: `p` is a NUL-terminated path borrowed for the call; the kernel writes
    // at most `buf.len()` bytes into the live slice.
    ret(unsafe {
        arch::syscall4(
            Sysno::readlinkat as usize,
            int(dirfd),
            p,
            buf.as_mut_ptr() as usize,
            buf.len(),
        )
    })
}

/// `close(2)`. Never retried: Linux releases the descriptor even on `EINTR`.
pub fn close(fd: RawFd) -> Result<()> {
    // SAFETY: `p` is a NUL-terminated path borrowed for the call; the rest are
    // integers, or references the kernel uses within their size.
    ret_unit(unsafe { arch::syscall1(Sysno::close as usize, int(fd)) })
}

/// The one stat form used everywhere (`fstat` is `statx(fd, b"\0", AT_EMPTY_PATH, ..)`):
/// it exists under one name on all three tables and gives whole-second and
/// nanosecond times on every architecture.
pub fn statx(dirfd: RawFd, path: &[u8], flags: u32, mask: u32, stx: &mut statx) -> Result<()> {
    let p = path_ptr(path)?;
    let out = stx as *mut statx as usize;
    // SAFETY: `p` is a NUL-terminated path borrowed for the call; the rest are
    // integers, or references the kernel uses within their size.
    ret_unit(unsafe {
        arch::syscall5(
            Sysno::statx as usize,
            int(dirfd),
            p,
            flags as usize,
            mask as usize,
            out,
        )
    })
}

/// Fills `buf` with `linux_dirent64` records; returns the bytes used, 0 at the end.
///
/// # Safety
/// As [`read`].
pub unsafe fn getdents64(fd: RawFd, buf: *mut u8, len: usize) -> Result<usize> {
    // SAFETY: forwarded from this function's own contract.
    ret(unsafe { arch::syscall3(Sysno::getdents64 as usize, int(fd), buf as usize, len) })
}

/// The fixed head of a `linux_dirent64` record, for walking a [`getdents64`] buffer.
pub type Dirent64 = linux_dirent64;

/// `mkdirat(2)`.
pub fn mkdirat(dirfd: RawFd, path: &[u8], mode: u32) -> Result<()> {
    let p = path_ptr(path)?;
    // SAFETY: `p` is a NUL-terminated path borrowed for the call; the rest are
    // integers, or references the kernel uses within their size.
    ret_unit(unsafe { arch::syscall3(Sysno::mkdirat as usize, int(dirfd), p, mode as usize) })
}

/// `unlinkat(2)`: a name, or with `AT_REMOVEDIR` an empty directory.
pub fn unlinkat(dirfd: RawFd, path: &[u8], flags: u32) -> Result<()> {
    let p = path_ptr(path)?;
    // SAFETY: `p` is a NUL-terminated path borrowed for the call; the rest are
    // integers, or references the kernel uses within their size.
    ret_unit(unsafe { arch::syscall3(Sysno::unlinkat as usize, int(dirfd), p, flags as usize) })
}

/// `renameat` with flags; plain `renameat` is `flags == 0` (riscv64 has only this one).
pub fn renameat2(olddir: RawFd, old: &[u8], newdir: RawFd, new: &[u8], flags: u32) -> Result<()> {
    let (o, n) = (path_ptr(old)?, path_ptr(new)?);
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret_unit(unsafe {
        arch::syscall5(
            Sysno::renameat2 as usize,
            int(olddir),
            o,
            int(newdir),
            n,
            flags as usize,
        )
    })
}

/// Returns the length written, including the NUL.
///
/// # Safety
/// As [`read`].
pub unsafe fn getcwd(buf: *mut u8, len: usize) -> Result<usize> {
    // SAFETY: forwarded from this function's own contract.
    ret(unsafe { arch::syscall2(Sysno::getcwd as usize, buf as usize, len) })
}

/// `uname(2)`.
pub fn uname(out: &mut new_utsname) -> Result<()> {
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret_unit(unsafe { arch::syscall1(Sysno::uname as usize, out as *mut new_utsname as usize) })
}

/// `getpid(2)` (it cannot fail).
pub fn getpid() -> i32 {
    // SAFETY: integer arguments, and references the kernel uses within their size.
    unsafe { arch::syscall0(Sysno::getpid as usize) as i32 }
}

/// `getuid(2)`: the real user id (it cannot fail).
pub fn getuid() -> u32 {
    // SAFETY: integer arguments, and references the kernel uses within their size.
    unsafe { arch::syscall0(Sysno::getuid as usize) as u32 }
}

/// Returns the size in bytes of the kernel's mask that was copied into `mask`.
///
/// # Safety
/// `mask` must be valid for writes of `len` bytes.
pub unsafe fn sched_getaffinity(pid: i32, len: usize, mask: *mut u8) -> Result<usize> {
    // SAFETY: forwarded from this function's own contract.
    ret(unsafe {
        arch::syscall3(
            Sysno::sched_getaffinity as usize,
            int(pid),
            len,
            mask as usize,
        )
    })
}

/// Returns the child's pid in the parent and 0 in the child.
///
/// # Safety
/// Without `CLONE_VM` and with a null `stack`, this is `fork` and returning from it in
/// the child is fine. With a shared address space or a new stack, the child can not
/// return into Rust: that needs the entry trampoline in `arch`.
pub unsafe fn clone(
    flags: usize,
    stack: usize,
    parent_tid: usize,
    child_tid: usize,
    tls: usize,
) -> Result<usize> {
    // x86_64 takes (flags, stack, parent_tid, child_tid, tls); the generic table
    // (CONFIG_CLONE_BACKWARDS) swaps the last two.
    #[cfg(target_arch = "x86_64")]
    let (a3, a4) = (child_tid, tls);
    #[cfg(not(target_arch = "x86_64"))]
    let (a3, a4) = (tls, child_tid);
    // SAFETY: forwarded from this function's own contract.
    ret(unsafe { arch::syscall5(Sysno::clone as usize, flags, stack, parent_tid, a3, a4) })
}

/// Returns only on failure.
///
/// # Safety
/// `argv` and `envp` must be null-terminated arrays of NUL-terminated strings.
pub unsafe fn execve(path: &[u8], argv: *const *const u8, envp: *const *const u8) -> Errno {
    let p = match path_ptr(path) {
        Ok(p) => p,
        Err(e) => return e,
    };
    // SAFETY: forwarded from this function's own contract.
    let r = unsafe { arch::syscall3(Sysno::execve as usize, p, argv as usize, envp as usize) };
    match ret(r) {
        Err(e) => e,
        Ok(_) => Errno::EINVAL, // the kernel does not return success from execve
    }
}

/// Waits for a child; returns its pid (0 with `WNOHANG` and nothing ready) and fills
/// `status` with the raw wait status.
pub fn wait4(pid: i32, status: &mut i32, options: u32) -> Result<i32> {
    let st = status as *mut i32 as usize;
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret(unsafe { arch::syscall4(Sysno::wait4 as usize, int(pid), st, options as usize, 0) })
        .map(|p| p as i32)
}

/// `pipe2(2)`: `[read end, write end]`.
pub fn pipe2(flags: u32) -> Result<[RawFd; 2]> {
    let mut fds = [-1i32; 2];
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret_unit(unsafe {
        arch::syscall2(
            Sysno::pipe2 as usize,
            fds.as_mut_ptr() as usize,
            flags as usize,
        )
    })?;
    Ok(fds)
}

/// `dup3(2)`: `old` duplicated onto `new`.
pub fn dup3(old: RawFd, new: RawFd, flags: u32) -> Result<RawFd> {
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret(unsafe { arch::syscall3(Sysno::dup3 as usize, int(old), int(new), flags as usize) })
        .map(|f| f as RawFd)
}

/// Waits for events on `fds`; `None` waits forever. Returns how many have events.
pub fn ppoll(fds: &mut [pollfd], timeout: Option<&__kernel_timespec>) -> Result<usize> {
    let t = in_ptr(timeout);
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret(unsafe {
        arch::syscall5(
            Sysno::ppoll as usize,
            fds.as_mut_ptr() as usize,
            fds.len(),
            t,
            0,
            0,
        )
    })
}

/// # Safety
/// For commands whose argument is a pointer, `arg` must be valid for that command.
pub unsafe fn fcntl(fd: RawFd, cmd: u32, arg: usize) -> Result<usize> {
    // SAFETY: forwarded from this function's own contract.
    ret(unsafe { arch::syscall3(Sysno::fcntl as usize, int(fd), cmd as usize, arg) })
}

/// `flock(2)`.
pub fn flock(fd: RawFd, operation: u32) -> Result<()> {
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret_unit(unsafe { arch::syscall2(Sysno::flock as usize, int(fd), operation as usize) })
}

/// Sets the size of the open file `fd` (regular files only; `EINVAL` for others).
pub fn ftruncate(fd: RawFd, len: u64) -> Result<()> {
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret_unit(unsafe { arch::syscall2(Sysno::ftruncate as usize, int(fd), len as usize) })
}

/// Moves process `pid` (0: the caller) into process group `pgid` (0: its own pid).
pub fn setpgid(pid: i32, pgid: i32) -> Result<()> {
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret_unit(unsafe { arch::syscall2(Sysno::setpgid as usize, int(pid), int(pgid)) })
}

/// Reads (and with `new`, sets) resource limit `resource` of process `pid` (0: the
/// caller); RLIMIT_NOFILE bounds the descriptor numbers.
pub fn prlimit64(
    pid: i32,
    resource: u32,
    new: Option<&uapi::rlimit64>,
    old: Option<&mut uapi::rlimit64>,
) -> Result<()> {
    let (n, o) = (in_ptr(new), out_ptr(old));
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret_unit(unsafe {
        arch::syscall4(Sysno::prlimit64 as usize, int(pid), resource as usize, n, o)
    })
}

/// `fchmod(2)`.
pub fn fchmod(fd: RawFd, mode: u32) -> Result<()> {
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret_unit(unsafe { arch::syscall2(Sysno::fchmod as usize, int(fd), mode as usize) })
}

/// # Safety
/// Mapping over memory Rust owns (`MAP_FIXED`) is undefined behaviour.
pub unsafe fn mmap(
    addr: usize,
    len: usize,
    prot: u32,
    flags: u32,
    fd: RawFd,
    offset: u64,
) -> Result<*mut u8> {
    // SAFETY: forwarded from this function's own contract.
    let r = unsafe {
        arch::syscall6(
            Sysno::mmap as usize,
            addr,
            len,
            prot as usize,
            flags as usize,
            int(fd),
            offset as usize,
        )
    };
    ret(r).map(|p| p as *mut u8)
}

/// # Safety
/// Nothing may use the range afterwards.
pub unsafe fn munmap(addr: *mut u8, len: usize) -> Result<()> {
    // SAFETY: forwarded from this function's own contract.
    ret_unit(unsafe { arch::syscall2(Sysno::munmap as usize, addr as usize, len) })
}

/// # Safety
/// As [`munmap`] for the old range when the mapping moves.
pub unsafe fn mremap(
    old: *mut u8,
    old_len: usize,
    new_len: usize,
    flags: u32,
    new_addr: usize,
) -> Result<*mut u8> {
    // SAFETY: forwarded from this function's own contract.
    let r = unsafe {
        arch::syscall5(
            Sysno::mremap as usize,
            old as usize,
            old_len,
            new_len,
            flags as usize,
            new_addr,
        )
    };
    ret(r).map(|p| p as *mut u8)
}

/// Copies up to `len` bytes in the kernel; `None` offsets use and move the file offsets.
pub fn copy_file_range(
    fd_in: RawFd,
    off_in: Option<&mut i64>,
    fd_out: RawFd,
    off_out: Option<&mut i64>,
    len: usize,
) -> Result<usize> {
    let oi = out_ptr(off_in);
    let oo = out_ptr(off_out);
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret(unsafe {
        arch::syscall6(
            Sysno::copy_file_range as usize,
            int(fd_in),
            oi,
            int(fd_out),
            oo,
            len,
            0,
        )
    })
}

/// `clock_gettime(2)` through the system call (the vDSO path is `time::clock_gettime`).
pub fn clock_gettime(clock: u32, out: &mut __kernel_timespec) -> Result<()> {
    let p = out as *mut __kernel_timespec as usize;
    // SAFETY: `p` is a NUL-terminated path borrowed for the call; the rest are
    // integers, or references the kernel uses within their size.
    ret_unit(unsafe { arch::syscall2(Sysno::clock_gettime as usize, clock as usize, p) })
}

/// # Safety
/// As [`read`].
pub unsafe fn getrandom(buf: *mut u8, len: usize, flags: u32) -> Result<usize> {
    // SAFETY: forwarded from this function's own contract.
    ret(unsafe { arch::syscall3(Sysno::getrandom as usize, buf as usize, len, flags as usize) })
}

/// # Safety
/// For options whose arguments are pointers, they must be valid for that option.
pub unsafe fn prctl(option: u32, a2: usize, a3: usize, a4: usize, a5: usize) -> Result<usize> {
    // SAFETY: forwarded from this function's own contract.
    ret(unsafe { arch::syscall5(Sysno::prctl as usize, option as usize, a2, a3, a4, a5) })
}

/// # Safety
/// The handler in `act` runs asynchronously and must be async-signal-safe; on
/// x86_64 it needs `SA_RESTORER` with a restorer that calls `rt_sigreturn`.
pub unsafe fn rt_sigaction(
    sig: u32,
    act: Option<&kernel_sigaction>,
    old: Option<&mut kernel_sigaction>,
) -> Result<()> {
    let a = in_ptr(act);
    let o = out_ptr(old);
    let setsize = core::mem::size_of::<kernel_sigset_t>();
    // SAFETY: forwarded from this function's own contract.
    ret_unit(unsafe { arch::syscall4(Sysno::rt_sigaction as usize, sig as usize, a, o, setsize) })
}

/// `kill(2)`.
pub fn kill(pid: i32, sig: u32) -> Result<()> {
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret_unit(unsafe { arch::syscall2(Sysno::kill as usize, int(pid), sig as usize) })
}

/// `nanosleep(2)`; the time left in `rem` when a signal ends it early.
pub fn nanosleep(req: &__kernel_timespec, rem: Option<&mut __kernel_timespec>) -> Result<()> {
    let r = out_ptr(rem);
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret_unit(unsafe {
        arch::syscall2(
            Sysno::nanosleep as usize,
            req as *const __kernel_timespec as usize,
            r,
        )
    })
}

/// `exit_group(2)`: ends every thread of the process.
pub fn exit_group(code: i32) -> ! {
    // SAFETY: integer arguments, and references the kernel uses within their size.
    unsafe { arch::syscall1_noreturn(Sysno::exit_group as usize, int(code)) }
}

/// `close_range` flag: mark the range close-on-exec instead of closing it
/// (include/uapi/linux/close_range.h; not in linux-raw-sys's `general`).
pub const CLOSE_RANGE_CLOEXEC: u32 = 1 << 2;

/// Closes, or with [`CLOSE_RANGE_CLOEXEC`] marks close-on-exec, every fd in `first..=last`.
pub fn close_range(first: u32, last: u32, flags: u32) -> Result<()> {
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret_unit(unsafe {
        arch::syscall3(
            Sysno::close_range as usize,
            first as usize,
            last as usize,
            flags as usize,
        )
    })
}

/// `clone` with a new stack: the child runs `child(arg)` on `stack` (the top of a
/// 16-byte aligned region) and never returns; the parent gets the child's pid.
/// Used with `CLONE_VM | CLONE_VFORK` to start a process without copying this one.
///
/// # Safety
/// With `CLONE_VM`, `child` shares this process's memory: it must make only raw
/// system calls (no allocation, no locks) and end in `execve` or `exit_group`, and the
/// stack must stay valid until then (`CLONE_VFORK` makes the parent wait for that).
pub unsafe fn clone_run(
    flags: usize,
    stack: *mut u8,
    child: unsafe extern "C" fn(*mut u8) -> !,
    arg: *mut u8,
) -> Result<usize> {
    // SAFETY: forwarded from this function's own contract.
    ret(unsafe { arch::clone_run(Sysno::clone as usize, flags, stack, child, arg) })
}

/// `how`: SIG_BLOCK, SIG_UNBLOCK or SIG_SETMASK; `set` None only reads the mask.
pub fn rt_sigprocmask(
    how: u32,
    set: Option<&kernel_sigset_t>,
    old: Option<&mut kernel_sigset_t>,
) -> Result<()> {
    let s = in_ptr(set);
    let o = out_ptr(old);
    let size = core::mem::size_of::<kernel_sigset_t>();
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret_unit(unsafe { arch::syscall4(Sysno::rt_sigprocmask as usize, how as usize, s, o, size) })
}

/// Which pages of `[addr, addr+len)` are resident, one byte per page in `vec`; an
/// unmapped range is `ENOMEM`, which makes it a safe probe before reading memory.
///
/// # Safety
/// `vec` must have room for one byte per page of the range.
pub unsafe fn mincore(addr: usize, len: usize, vec: *mut u8) -> Result<()> {
    // SAFETY: forwarded from this function's own contract.
    ret_unit(unsafe { arch::syscall3(Sysno::mincore as usize, addr, len, vec as usize) })
}

/// Installs `handler` for `sig` with `flags` (SA_RESTART or not: the caller chooses),
/// adding the architecture's signal return path where it needs one.
///
/// # Safety
/// `handler` runs asynchronously on whatever thread takes the signal and must be
/// async-signal-safe.
pub unsafe fn set_signal_handler(sig: u32, handler: extern "C" fn(i32), flags: u32) -> Result<()> {
    // SAFETY: plain integers and function pointers; all-zero is a valid empty action.
    let mut act: kernel_sigaction = unsafe { core::mem::zeroed() };
    act.sa_handler_kernel = Some(handler);
    act.sa_flags = flags as _;
    #[cfg(target_arch = "x86_64")]
    {
        act.sa_flags |= uapi::SA_RESTORER as core::ffi::c_ulong;
        act.sa_restorer = Some(arch::signal_restorer);
    }
    // SAFETY: forwarded from this function's own contract.
    unsafe { rt_sigaction(sig, Some(&act), None) }
}

/// Arms (or with zero values disarms) an interval timer; `which` is ITIMER_REAL for SIGALRM.
pub fn setitimer(
    which: u32,
    new: &uapi::itimerval,
    old: Option<&mut uapi::itimerval>,
) -> Result<()> {
    let o = out_ptr(old);
    // SAFETY: integer arguments, and references the kernel uses within their size.
    ret_unit(unsafe {
        arch::syscall3(
            Sysno::setitimer as usize,
            which as usize,
            new as *const uapi::itimerval as usize,
            o,
        )
    })
}

/// `lseek(2)`: moves the offset of `fd` (`whence`: SEEK_SET, SEEK_CUR, SEEK_END, or
/// SEEK_DATA / SEEK_HOLE, which find the next data or hole at or after `offset`;
/// `ENXIO` when there is no data past it). Returns the new offset.
pub fn lseek(fd: RawFd, offset: u64, whence: u32) -> Result<u64> {
    // SAFETY: integer arguments.
    ret(unsafe {
        arch::syscall3(
            Sysno::lseek as usize,
            int(fd),
            offset as usize,
            whence as usize,
        )
    })
    .map(|o| o as u64)
}

/// `futex(FUTEX_WAIT_PRIVATE)` with no timeout: sleeps while `*word == expected`,
/// until a [`futex_wake`] on it (or a signal, `EINTR`); `EAGAIN` at once if the word
/// already holds another value. The word is only ever used by this process's threads.
pub fn futex_wait(word: &core::sync::atomic::AtomicU32, expected: u32) -> Result<()> {
    // SAFETY: the kernel reads the live, aligned word; the timeout and the rest are
    // null or ignored.
    ret_unit(unsafe {
        arch::syscall4(
            Sysno::futex as usize,
            word.as_ptr() as usize,
            uapi::FUTEX_WAIT_PRIVATE as usize,
            expected as usize,
            0,
        )
    })
}

/// `futex(FUTEX_WAKE_PRIVATE)`: wakes up to `count` threads sleeping in
/// [`futex_wait`] on `word`; returns how many woke.
pub fn futex_wake(word: &core::sync::atomic::AtomicU32, count: u32) -> Result<usize> {
    // SAFETY: the kernel only uses the word's address as a key.
    ret(unsafe {
        arch::syscall3(
            Sysno::futex as usize,
            word.as_ptr() as usize,
            uapi::FUTEX_WAKE_PRIVATE as usize,
            count as usize,
        )
    })
}
