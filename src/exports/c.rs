//! The plain C interface, `syscall_*` (declared in include/ffi_syscalls.h).
//!
//! Strings in are NUL-terminated; a null pointer is `EFAULT`. Integer results are
//! zero or more on success and `-errno` on failure; pointer results are NULL on
//! failure. Every failure also records its errno for `syscall_last_errno()`. Returned
//! buffers are NUL-terminated, owned by the caller and released with `syscall_free`.
//!
//! In a hosted build (feature `hosted`) the functions of the environment, the
//! arguments, the exit and `syscall_process_run` (whose child would need an
//! environment) are left out: those belong to the host's libc there.
//!
//! # Safety
//! One contract for every `unsafe` function here: each non-null string pointer
//! points at a NUL-terminated string, each non-null buffer pointer is valid for the
//! length given with it, for the duration of the call.
#![allow(clippy::missing_safety_doc)] // the module's one contract, above

use super::{last_errno, record, set_errno, slice_arg};
use crate::Errno;
use crate::sys::Result;
use crate::{env, fs, io, process, random, system, time};
use alloc::alloc::{Layout, alloc, dealloc};
use core::ffi::{CStr, c_char, c_int};
use core::mem::size_of;
use core::ptr;

/// # Safety
/// A non-null `s` must point at a NUL-terminated string.
unsafe fn c_text<'a>(s: *const c_char) -> Result<&'a [u8]> {
    if s.is_null() {
        Err(Errno::EFAULT)
    } else {
        // SAFETY: forwarded from this function's own contract.
        Ok(unsafe { CStr::from_ptr(s) }.to_bytes())
    }
}

/// `-errno` on failure (recording it), the value on success.
fn int_result(r: Result<i64>) -> i64 {
    match r {
        Ok(v) => v,
        Err(e) => {
            set_errno(e);
            -i64::from(e.into_raw())
        }
    }
}

fn status(r: Result<()>) -> c_int {
    int_result(r.map(|()| 0)) as c_int
}

// Caller-owned buffers carry their allocation size in the 8 bytes before the pointer
// handed out, so `syscall_free` needs nothing else.
const PREFIX: usize = size_of::<u64>();

fn buffer(len: usize) -> Result<*mut u8> {
    let total = len.checked_add(PREFIX + 1).ok_or(Errno::ENOMEM)?;
    let layout = Layout::from_size_align(total, 8).map_err(|_| Errno::ENOMEM)?;
    // SAFETY: `total` is at least 9.
    let p = unsafe { alloc(layout) };
    if p.is_null() {
        return Err(Errno::ENOMEM);
    }
    // SAFETY: a fresh allocation of `total` (at least 9) bytes, aligned 8.
    unsafe {
        p.cast::<u64>().write(total as u64);
        Ok(p.add(PREFIX))
    }
}

/// A caller-owned NUL-terminated copy of `bytes`, its length in `*len` when given.
fn out_bytes(r: Result<impl AsRef<[u8]>>, len: Option<&mut usize>) -> *mut c_char {
    let copy = |bytes: &[u8]| -> Result<*mut c_char> {
        let p = buffer(bytes.len())?;
        // SAFETY: `buffer` gave room for the bytes and a NUL.
        unsafe {
            ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            p.add(bytes.len()).write(0);
        }
        Ok(p.cast())
    };
    let p = record(r.and_then(|b| {
        let b = b.as_ref();
        copy(b).map(|p| (p, b.len()))
    }));
    match p {
        Some((p, n)) => {
            if let Some(len) = len {
                *len = n;
            }
            p
        }
        None => ptr::null_mut(),
    }
}

/// Releases a buffer returned by this interface; NULL is ignored.
///
/// # Safety
/// `p` must come from a `syscall_*` function and not have been freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_free(p: *mut c_char) {
    if p.is_null() {
        return;
    }
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        let base = p.cast::<u8>().sub(PREFIX);
        let total = base.cast::<u64>().read() as usize;
        dealloc(base, Layout::from_size_align_unchecked(total, 8));
    }
}

/// The errno of the most recent failure (0 if none yet).
#[unsafe(no_mangle)]
pub extern "C" fn syscall_last_errno() -> c_int {
    last_errno()
}

/// 1 if `path` exists (following symlinks), 0 if not (errno ENOENT), -errno when
/// that can not be told (EACCES, ENOTDIR, ELOOP...).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_file_exists(path: *const c_char) -> c_int {
    // SAFETY: forwarded from this function's own contract.
    let r = unsafe { c_text(path) }.and_then(fs::exists);
    if r == Ok(false) {
        set_errno(Errno::ENOENT);
    }
    int_result(r.map(i64::from)) as c_int
}

/// The whole file, read to EOF; its length in `*len` (may be NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_file_read(path: *const c_char, len: *mut usize) -> *mut c_char {
    // SAFETY (here and below): the module's contract; a non-null `len` is writable.
    // SAFETY: forwarded from this function's own contract.
    out_bytes(unsafe { c_text(path) }.and_then(fs::read), unsafe {
        len.as_mut()
    })
}

/// As `syscall_file_read`, through a private mapping where the file can be mapped.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_file_mmap_read(
    path: *const c_char,
    len: *mut usize,
) -> *mut c_char {
    // SAFETY: forwarded from this function's own contract.
    out_bytes(unsafe { c_text(path) }.and_then(fs::mmap_read), unsafe {
        len.as_mut()
    })
}

/// Creates or truncates `path` and writes `len` bytes; 0 or -errno.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_file_write(
    path: *const c_char,
    bytes: *const u8,
    len: usize,
) -> c_int {
    // SAFETY: forwarded from this function's own contract.
    status(unsafe { c_text(path).and_then(|p| fs::write(p, slice_arg(bytes, len)?)) })
}

/// Appends `len` bytes to `path`, creating it if missing; 0 or -errno.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_file_append(
    path: *const c_char,
    bytes: *const u8,
    len: usize,
) -> c_int {
    // SAFETY: forwarded from this function's own contract.
    status(unsafe { c_text(path).and_then(|p| fs::append(p, slice_arg(bytes, len)?)) })
}

/// Removes a file or link (never a directory); 0 or -errno.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_file_delete(path: *const c_char) -> c_int {
    // SAFETY: forwarded from this function's own contract.
    status(unsafe { c_text(path) }.and_then(fs::remove_file))
}

/// The size of the file `path` names (following links), or -errno.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_file_size(path: *const c_char) -> i64 {
    // SAFETY: forwarded from this function's own contract.
    int_result(unsafe { c_text(path) }.and_then(fs::size).map(|s| s as i64))
}

/// Seconds since the epoch in `*seconds` (a time before 1970 is negative, so the
/// status is separate from the value).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_file_modified_time(
    path: *const c_char,
    seconds: *mut i64,
) -> c_int {
    // SAFETY: forwarded from this function's own contract.
    let r = unsafe { c_text(path) }.and_then(|p| {
        if seconds.is_null() {
            return Err(Errno::EFAULT);
        }
        // SAFETY: forwarded from this function's own contract.
        unsafe { seconds.write(fs::modified_time(p)?) };
        Ok(())
    });
    status(r)
}

/// Bytes copied, or -errno.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_file_copy(src: *const c_char, dst: *const c_char) -> i64 {
    // SAFETY: forwarded from this function's own contract.
    int_result(unsafe { c_text(src).and_then(|s| fs::copy(s, c_text(dst)?)) }.map(|n| n as i64))
}

/// Creates a directory (with its parents when `recursive` is non-zero); 0 or -errno.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_dir_create(path: *const c_char, recursive: c_int) -> c_int {
    // SAFETY: forwarded from this function's own contract.
    status(unsafe { c_text(path) }.and_then(|p| fs::dir_create(p, recursive != 0)))
}

/// The names in `path` (no `.` and `..`) as a NULL-terminated array of strings, all in
/// one allocation: one `syscall_free` releases it. The count goes to `*count`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_dir_list(
    path: *const c_char,
    count: *mut usize,
) -> *mut *mut c_char {
    // SAFETY: forwarded from this function's own contract.
    let names = unsafe { c_text(path) }.and_then(fs::dir_list);
    // SAFETY: the module's contract: a non-null `count` is writable.
    let count = unsafe { count.as_mut() };
    record(names.and_then(|n| pack_strings(n.iter(), count))).unwrap_or(ptr::null_mut())
}

/// 1 if `path` is a directory (following symlinks), 0 if it is missing (errno
/// ENOENT) or something else (ENOTDIR), -errno when that can not be told.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_dir_exists(path: *const c_char) -> c_int {
    // SAFETY: forwarded from this function's own contract.
    match unsafe { c_text(path) }.and_then(fs::is_dir) {
        Ok(()) => 1,
        Err(e @ (Errno::ENOENT | Errno::ENOTDIR)) => {
            set_errno(e);
            0
        }
        Err(e) => status(Err(e)),
    }
}

/// `rename(2)`; 0 or -errno.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_file_rename(src: *const c_char, dst: *const c_char) -> c_int {
    // SAFETY: forwarded from this function's own contract.
    status(unsafe { c_text(src).and_then(|s| fs::rename(s, c_text(dst)?)) })
}

/// Rename, or when that fails (another file system) copy then remove the source;
/// 0 or -errno (of the last step tried).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_file_move(src: *const c_char, dst: *const c_char) -> c_int {
    // SAFETY: forwarded from this function's own contract.
    status(unsafe { c_text(src).and_then(|s| fs::move_file(s, c_text(dst)?)) })
}

/// The canonical path (`realpath`), caller-owned (`syscall_free`), its length in
/// `*len` (may be NULL); NULL on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_path_canonicalize(
    path: *const c_char,
    len: *mut usize,
) -> *mut c_char {
    // SAFETY: forwarded from this function's own contract; a non-null `len` is writable.
    out_bytes(unsafe { c_text(path) }.and_then(fs::canonicalize), unsafe {
        len.as_mut()
    })
}

/// The path of every non-directory entry below `path` (links as links, none
/// followed), depth first, as `syscall_dir_list` gives names (one allocation, one
/// `syscall_free`); only UTF-8 paths. The count goes to `*count`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_dir_walk(
    path: *const c_char,
    count: *mut usize,
) -> *mut *mut c_char {
    // SAFETY: forwarded from this function's own contract.
    let paths = unsafe { c_text(path) }.and_then(fs::walk);
    // SAFETY: the module's contract: a non-null `count` is writable.
    let count = unsafe { count.as_mut() };
    record(paths.and_then(|n| pack_strings(n.iter(), count))).unwrap_or(ptr::null_mut())
}

/// Removes the tree at `path` (a symlink is removed as a link) through directory
/// descriptors, following no link below it; 0 or -errno. No protected paths here:
/// that check is `rt_dir_remove_all`'s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_dir_remove_all(path: *const c_char) -> c_int {
    // SAFETY: forwarded from this function's own contract.
    status(unsafe { c_text(path) }.and_then(fs::remove_all))
}

/// A lock handle >= 0, or -errno (-EWOULDBLOCK when another holds the lock).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_file_lock(path: *const c_char) -> c_int {
    int_result(
        // SAFETY: forwarded from this function's own contract.
        unsafe { c_text(path) }
            .and_then(fs::try_lock)
            .map(i64::from),
    ) as c_int
}

/// Releases a handle from `syscall_file_lock`; 0, or -EBADF for any other number.
#[unsafe(no_mangle)]
pub extern "C" fn syscall_file_unlock(handle: c_int) -> c_int {
    status(fs::unlock(handle))
}

/// The working directory, caller-owned (`syscall_free`); NULL on failure.
#[unsafe(no_mangle)]
pub extern "C" fn syscall_env_cwd() -> *mut c_char {
    out_bytes(env::cwd(), None)
}

/// `HOME`, else the real uid's /etc/passwd entry, caller-owned; NULL on failure.
#[cfg(not(feature = "hosted"))]
#[unsafe(no_mangle)]
pub extern "C" fn syscall_env_home() -> *mut c_char {
    out_bytes(env::home(), None)
}

/// The value, or NULL: unset (errno untouched) or an invalid name (EINVAL).
#[cfg(not(feature = "hosted"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_env_get(name: *const c_char) -> *mut c_char {
    // SAFETY: forwarded from this function's own contract.
    match record(unsafe { c_text(name) }.and_then(env::get)) {
        Some(Some(v)) => out_bytes(Ok(v), None),
        _ => ptr::null_mut(),
    }
}

/// Sets a variable for this process and its children; 0 or -errno.
#[cfg(not(feature = "hosted"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_env_set(name: *const c_char, value: *const c_char) -> c_int {
    // SAFETY: forwarded from this function's own contract.
    status(unsafe { c_text(name).and_then(|n| env::set(n, c_text(value)?)) })
}

/// This process's id.
#[unsafe(no_mangle)]
pub extern "C" fn syscall_getpid() -> c_int {
    process::pid()
}

/// What `syscall_process_run` fills in; free both buffers with `syscall_free`.
#[cfg(not(feature = "hosted"))]
#[repr(C)]
pub struct SyscallOutput {
    /// The child's stdout, NUL-terminated, caller-owned (`syscall_free`).
    pub stdout_data: *mut c_char,
    /// Bytes in `stdout_data` (without the NUL).
    pub stdout_len: usize,
    /// The child's stderr, NUL-terminated, caller-owned (`syscall_free`).
    pub stderr_data: *mut c_char,
    /// Bytes in `stderr_data` (without the NUL).
    pub stderr_len: usize,
    /// The exit status, or -1 when a signal ended the child.
    pub exit_code: c_int,
}

/// Runs `cmd` with `args` (a NULL-terminated array, or NULL for none). 0 and `*out`
/// filled in, or -errno with `*out` zeroed and exit_code -1.
#[cfg(not(feature = "hosted"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_process_run(
    cmd: *const c_char,
    args: *const *const c_char,
    out: *mut SyscallOutput,
) -> c_int {
    if out.is_null() {
        return status(Err(Errno::EFAULT));
    }
    let failed = SyscallOutput {
        stdout_data: ptr::null_mut(),
        stdout_len: 0,
        stderr_data: ptr::null_mut(),
        stderr_len: 0,
        exit_code: -1,
    };
    // SAFETY: forwarded from this function's own contract.
    unsafe { out.write(failed) };
    let run = || -> Result<process::Output> {
        // SAFETY: forwarded from this function's own contract.
        let cmd = unsafe { c_text(cmd) }?;
        let mut argv: alloc::vec::Vec<&[u8]> = alloc::vec::Vec::new();
        let mut i = 0;
        while !args.is_null() {
            // SAFETY: forwarded from this function's own contract.
            let a = unsafe { *args.add(i) };
            if a.is_null() {
                break;
            }
            // SAFETY: forwarded from this function's own contract.
            argv.push(unsafe { c_text(a) }?);
            i += 1;
        }
        process::run(cmd, &argv)
    };
    let Some(o) = record(run()) else {
        return -last_errno();
    };
    let (mut out_len, mut err_len) = (0, 0);
    let stdout = out_bytes(Ok(&o.stdout), Some(&mut out_len));
    let stderr = out_bytes(Ok(&o.stderr), Some(&mut err_len));
    if stdout.is_null() || stderr.is_null() {
        // SAFETY: forwarded from this function's own contract.
        unsafe { syscall_free(stdout) };
        // SAFETY: forwarded from this function's own contract.
        unsafe { syscall_free(stderr) };
        return -last_errno();
    }
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        out.write(SyscallOutput {
            stdout_data: stdout,
            stdout_len: out_len,
            stderr_data: stderr,
            stderr_len: err_len,
            exit_code: o.code,
        })
    };
    0
}

/// The CPUs this process may run on, or -errno.
#[unsafe(no_mangle)]
pub extern "C" fn syscall_system_cpu_count() -> c_int {
    int_result(system::cpu_count().map(|n| n as i64)) as c_int
}

/// The node name, caller-owned (`syscall_free`); NULL on failure.
#[unsafe(no_mangle)]
pub extern "C" fn syscall_hostname() -> *mut c_char {
    out_bytes(system::hostname(), None)
}

/// Microseconds since the epoch (CLOCK_REALTIME).
#[unsafe(no_mangle)]
pub extern "C" fn syscall_time_now_unix_micros() -> i64 {
    int_result(time::now_unix_micros())
}

/// Nanoseconds on CLOCK_MONOTONIC (through the vDSO when there is one), or -errno
/// (`-EOVERFLOW` when they do not fit an int64_t).
#[unsafe(no_mangle)]
pub extern "C" fn syscall_time_now_nanos() -> i64 {
    int_result(time::now_monotonic_nanos())
}

/// Fills `buf` with `len` random bytes (`getrandom(2)` flags: 0, `GRND_NONBLOCK`,
/// `GRND_INSECURE`, ...), through the vDSO where the kernel has it: `len`, or -errno.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_getrandom(buf: *mut u8, len: usize, flags: u32) -> i64 {
    // The checks of a buffer argument (null with a length: EFAULT; a length no slice
    // can have: EINVAL), then the caller's bytes, from its own pointer, to write.
    // SAFETY: forwarded from this function's own contract (a buffer of `len` bytes).
    let checked = unsafe { slice_arg(buf, len) }.map(|b| b.len());
    let filled = checked.and_then(|n| match n {
        0 => Ok(()),
        // SAFETY: `buf` is non-null and valid for `n` bytes (the contract, checked).
        n => random::fill(unsafe { core::slice::from_raw_parts_mut(buf, n) }, flags),
    });
    int_result(filled.map(|()| len as i64))
}

/// Writes all `len` bytes to `fd`, retrying short and interrupted writes: 0 or -errno.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_write_all(fd: c_int, bytes: *const u8, len: usize) -> c_int {
    // SAFETY: forwarded from this function's own contract.
    status(unsafe { slice_arg(bytes, len) }.and_then(|d| io::write_all(fd, d)))
}

/// The program's arguments as a NULL-terminated array (one allocation, one free);
/// the count goes to `*count` when `count` is not NULL.
///
/// # Safety
/// A non-null `count` must be valid for writing one `size_t`.
#[cfg(not(feature = "hosted"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn syscall_args(count: *mut usize) -> *mut *mut c_char {
    // SAFETY: the caller's contract for `count`.
    let count = unsafe { count.as_mut() };
    record(pack_strings(io::unpacked(&env::args()), count)).unwrap_or(ptr::null_mut())
}

/// `items` as a NULL-terminated array of strings followed by the strings themselves,
/// in one caller-owned buffer; the count goes to `*count` when given.
fn pack_strings<'a>(
    items: impl Iterator<Item = &'a [u8]> + Clone,
    count: Option<&mut usize>,
) -> Result<*mut *mut c_char> {
    let len = items.clone().count();
    let table = (len + 1) * size_of::<*mut c_char>();
    let strings: usize = items.clone().map(|n| n.len() + 1).sum();
    let base = buffer(table + strings)?;
    let slots = base.cast::<*mut c_char>();
    // SAFETY: `base` has room for the table and every string with its NUL.
    unsafe {
        let mut at = base.add(table);
        for (i, item) in items.take(len).enumerate() {
            ptr::copy_nonoverlapping(item.as_ptr(), at, item.len());
            at.add(item.len()).write(0);
            slots.add(i).write(at.cast());
            at = at.add(item.len() + 1);
        }
        slots.add(len).write(ptr::null_mut());
    }
    if let Some(count) = count {
        *count = len;
    }
    Ok(slots)
}

/// Ends the process with `code`.
#[cfg(not(feature = "hosted"))]
#[unsafe(no_mangle)]
pub extern "C" fn syscall_exit(code: c_int) -> ! {
    process::exit(code)
}
