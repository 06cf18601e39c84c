//! Program arguments and environment, captured at start, and the current and home
//! directories.
//!
//! The kernel hands argc/argv/envp to the program entry only. In a bootstrap build
//! the entry (`crate::start`) passes them to [`capture`]; inside a program that has
//! its own libc, glibc passes them to the `.init_array` functions, where [`capture`]
//! is registered (only then: a section less in a bootstrap build). If nothing called it
//! (a libc that passes no arguments), /proc/self/environ and /proc/self/cmdline give
//! the same start-up values.

use crate::Errno;
use crate::io::{self, retry};
use crate::sync::SpinLock;
use crate::sys::{self, Result};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

static ARGC: AtomicUsize = AtomicUsize::new(0);
static ARGV: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());
static ENVP: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());
static AUXV: AtomicPtr<usize> = AtomicPtr::new(core::ptr::null_mut());

/// The environment as `NAME=VALUE` entries; `None` until first used.
static ENV: SpinLock<Option<Vec<Vec<u8>>>> = SpinLock::new(None);

#[cfg(not(feature = "bootstrap"))]
type InitFn = unsafe extern "C" fn(i32, *const *const u8, *const *const u8);

#[cfg(not(feature = "bootstrap"))]
#[used]
#[unsafe(link_section = ".init_array")]
static CAPTURE: InitFn = capture;

/// Records the start-up argc/argv/envp (the `.init_array` signature glibc uses); they
/// are read later, whenever the arguments or the environment are asked for.
///
/// # Safety
/// `argv` holds `argc` NUL-terminated strings and a null, `envp` NUL-terminated
/// strings up to a null (or either is null), and they live as long as the process: as
/// the kernel lays them out on the initial stack.
pub unsafe extern "C" fn capture(argc: i32, argv: *const *const u8, envp: *const *const u8) {
    ARGC.store(argc.max(0) as usize, Ordering::Relaxed);
    ARGV.store(argv.cast_mut(), Ordering::Relaxed);
    ENVP.store(envp.cast_mut(), Ordering::Relaxed);
}

/// Records the auxiliary vector the kernel put above envp (bootstrap entry only:
/// a program with its own libc asks the kernel instead, see `crate::vdso`).
///
/// # Safety
/// `auxv` must point at an AT_NULL-terminated auxiliary vector that lives as long
/// as the program.
pub unsafe fn set_auxv(auxv: *const usize) {
    AUXV.store(auxv.cast_mut(), Ordering::Relaxed);
}

/// The auxv recorded at entry: (key, value) word pairs ending with AT_NULL; null
/// when there was no bootstrap entry.
pub fn auxv() -> *const usize {
    AUXV.load(Ordering::Relaxed)
}

/// The C strings of a null-terminated pointer array, copied (at most `limit`).
///
/// # Safety
/// `list` is null or a null-terminated array of NUL-terminated strings (as
/// [`capture`] recorded them).
unsafe fn copy_c_strings(list: *const *const u8, limit: usize) -> Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    if list.is_null() {
        return Ok(out);
    }
    for i in 0..limit {
        // SAFETY: argv and envp are null-terminated arrays of C strings that live for
        // the whole program (the kernel put them on the initial stack).
        let s = unsafe { *list.add(i) };
        if s.is_null() {
            break;
        }
        // SAFETY: a non-null entry of such an array is a NUL-terminated string.
        let s = unsafe { core::ffi::CStr::from_ptr(s.cast()) }.to_bytes();
        io::push(&mut out, io::copy(s)?)?;
    }
    Ok(out)
}

/// A NUL-separated /proc file as its pieces (never needed in a bootstrap build:
/// its entry always records argv and envp).
#[cfg(feature = "bootstrap")]
fn proc_list(_path: &[u8]) -> Vec<Vec<u8>> {
    Vec::new()
}

/// A NUL-separated /proc file as its pieces.
#[cfg(not(feature = "bootstrap"))]
fn proc_list(path: &[u8]) -> Vec<Vec<u8>> {
    let data = crate::fs::read(path).unwrap_or_default();
    data.split(|&c| c == 0)
        .filter(|s| !s.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

/// The program's arguments, `argv[0]` first (none when memory runs out).
pub fn args() -> Vec<Vec<u8>> {
    let argv = ARGV.load(Ordering::Relaxed);
    if argv.is_null() {
        return proc_list(b"/proc/self/cmdline");
    }
    // SAFETY: argv as `capture` recorded it (its contract).
    unsafe { copy_c_strings(argv, ARGC.load(Ordering::Relaxed)) }.unwrap_or_default()
}

/// The argument list `rt_set_args` stored (the runtime's generated `main` hands its
/// argv over); empty until then.
static SET_ARGS: SpinLock<Vec<Vec<u8>>> = SpinLock::new(Vec::new());

/// Replaces the stored argument list.
pub fn set_args(list: Vec<Vec<u8>>) {
    let old = core::mem::replace(&mut *SET_ARGS.lock(), list);
    drop(old);
}

/// Calls `f` with the stored argument list, or with the process's own arguments when
/// nothing (or an empty list) was stored.
pub fn with_args<R>(f: impl FnOnce(&[Vec<u8>]) -> R) -> R {
    let stored = SET_ARGS.lock();
    if stored.is_empty() {
        drop(stored);
        f(&args())
    } else {
        f(&stored)
    }
}

/// Calls `f` with the environment, copied from the start-up one on first use
/// (`ENOMEM` when that copy fails; it is tried again next time).
fn with_env<T>(f: impl FnOnce(&mut Vec<Vec<u8>>) -> T) -> Result<T> {
    let mut env = ENV.lock();
    if env.is_none() {
        let envp = ENVP.load(Ordering::Relaxed);
        *env = Some(if envp.is_null() {
            proc_list(b"/proc/self/environ")
        } else {
            // SAFETY: envp as `capture` recorded it (its contract).
            unsafe { copy_c_strings(envp, usize::MAX) }?
        });
    }
    Ok(f(env.get_or_insert_default()))
}

/// A name `setenv` would accept: non-empty, no `=`, no NUL.
fn check_name(name: &[u8]) -> Result<()> {
    if name.is_empty() || name.contains(&b'=') || name.contains(&0) {
        Err(Errno::EINVAL)
    } else {
        Ok(())
    }
}

fn entry_value<'a>(entry: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let (n, rest) = entry.split_at_checked(name.len())?;
    match rest.split_first() {
        Some((b'=', value)) if n == name => Some(value),
        _ => None,
    }
}

/// The value of `name`, `None` when unset; an invalid name is `EINVAL`.
pub fn get(name: &[u8]) -> Result<Option<Vec<u8>>> {
    check_name(name)?;
    with_env(|env| env.iter().find_map(|e| entry_value(e, name)).map(io::copy))?.transpose()
}

/// Sets `name` for later [`get`]s and for children of `process::run`. A name that
/// is empty or holds `=` or NUL, or a value holding NUL, is `EINVAL`.
pub fn set(name: &[u8], value: &[u8]) -> Result<()> {
    check_name(name)?;
    if value.contains(&0) {
        return Err(Errno::EINVAL);
    }
    let mut entry = Vec::new();
    entry
        .try_reserve_exact(name.len() + 1 + value.len())
        .map_err(|_| Errno::ENOMEM)?;
    for part in [name, b"=", value] {
        io::extend(&mut entry, part)?;
    }
    with_env(
        |env| match env.iter_mut().find(|e| entry_value(e, name).is_some()) {
            Some(old) => {
                *old = entry;
                Ok(())
            }
            None => io::push(env, entry),
        },
    )?
}

/// Removes `name`; removing an unset name is fine, an invalid one is `EINVAL`.
pub fn remove(name: &[u8]) -> Result<()> {
    check_name(name)?;
    with_env(|env| env.retain(|e| entry_value(e, name).is_none()))
}

/// The whole environment as NUL-terminated `NAME=VALUE` strings in one buffer (for
/// `execve`; no entry holds a NUL: `set` refuses one, the start-up ones are C strings).
pub(crate) fn c_entries() -> Result<Vec<u8>> {
    with_env(|env| {
        let mut out = Vec::new();
        for e in env.iter() {
            io::extend(&mut out, e)?;
            io::extend(&mut out, b"\0")?;
        }
        Ok(out)
    })?
}

/// `std::env::current_dir`: the kernel's answer, so a deleted directory is `ENOENT`.
pub fn cwd() -> Result<Vec<u8>> {
    let mut buf: Vec<u8> = Vec::new();
    let mut cap = io::PATH_MAX;
    loop {
        buf.try_reserve_exact(cap).map_err(|_| Errno::ENOMEM)?;
        // SAFETY: the kernel writes at most `cap` bytes into the reserved space.
        match retry(|| unsafe { sys::getcwd(buf.as_mut_ptr(), cap) }) {
            Ok(n) => {
                // SAFETY: the kernel wrote `n` bytes, the NUL included (`n` counts it).
                unsafe { buf.set_len(n.saturating_sub(1)) };
                // A path that is not reachable from our root comes back as "(unreachable)/...".
                return if buf.first() == Some(&b'/') {
                    Ok(buf)
                } else {
                    Err(Errno::ENOENT)
                };
            }
            Err(Errno::ERANGE) => cap *= 2,
            Err(e) => return Err(e),
        }
    }
}

/// `HOME` when set and not empty, else the home field of the real uid's entry in
/// /etc/passwd. Neither is `ENOENT`.
pub fn home() -> Result<Vec<u8>> {
    if let Some(home) = get(b"HOME")?.filter(|h| !h.is_empty()) {
        return Ok(home);
    }
    let passwd = crate::fs::read(b"/etc/passwd")?;
    io::copy(passwd_home(&passwd, sys::getuid()).ok_or(Errno::ENOENT)?)
}

/// The home field of `uid`'s line (`name:pw:uid:gid:gecos:home:shell`).
fn passwd_home(passwd: &[u8], uid: u32) -> Option<&[u8]> {
    passwd.split(|&c| c == b'\n').find_map(|line| {
        let mut fields = line.split(|&c| c == b':');
        let uid_field = fields.nth(2)?;
        let home = fields.nth(2)?;
        (parse_u32(uid_field)? == uid).then_some(home)
    })
}

fn parse_u32(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u32, |n, &d| {
        if d.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
        } else {
            None
        }
    })
}
