//! The environment, the program's arguments, and the current and home directories.
//!
//! Standalone builds (without feature `hosted`) keep the environment and the
//! arguments themselves. The kernel hands argc/argv/envp to the program entry only. In
//! a bootstrap build the entry (`crate::start`) passes them to `capture`; inside a
//! program that has its own libc, glibc passes them to the `.init_array` functions,
//! where `capture` is registered (only then: a section less in a bootstrap build). If
//! nothing called it (a libc that passes no arguments), /proc/self/environ and
//! /proc/self/cmdline give the same start-up values. The environment is copied from
//! them on first use and from then on is this crate's own.
//!
//! A hosted build (the runtime's, beside std) keeps none of that: no capture, no
//! copy, no argument store; the environment and the arguments are the host's, and a
//! child's environment comes from the caller (`crate::hosted::process_run`). What
//! is left is what needs no state: the working directory and the reading of packed
//! environment entries.
//!
//! Below `fs`: the files read here (/proc, /etc/passwd) are read through `io`.

use crate::Errno;
use crate::io::{self, retry};
use crate::sys::{self, Result};
use alloc::vec::Vec;

#[cfg(not(feature = "hosted"))]
pub use own::{args, c_entries, capture, get, home, remove, set, set_args, stored_args};

/// A name `setenv` would accept: non-empty, no `=`, no NUL.
pub(crate) fn check_name(name: &[u8]) -> Result<()> {
    if name.is_empty() || name.iter().any(|&c| c == b'=' || c == 0) {
        Err(Errno::EINVAL)
    } else {
        Ok(())
    }
}

/// Checks a `NAME=VALUE` entry: a name that is empty or holds `=` or NUL, or a value
/// holding NUL, is `EINVAL` (no such entry could reach a child through `execve`).
pub(crate) fn check_entry(name: &[u8], value: &[u8]) -> Result<()> {
    check_name(name)?;
    if io::has(value, 0) {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// Appends the entry `NAME=VALUE\0` to a packed environment.
pub(crate) fn push_entry(packed: &mut Vec<u8>, name: &[u8], value: &[u8]) -> Result<()> {
    for part in [name, b"=", value, b"\0"] {
        io::extend(packed, part)?;
    }
    Ok(())
}

/// The first entry for `name` in the packed environment:
/// its start and its end (past its NUL); both `env.len()` when there is none (an
/// entry is never empty). Bytes after the last NUL are no entry. One pass over the
/// bytes, and two plain numbers, not an `Option`, so they come back in registers.
fn find(env: &[u8], name: &[u8]) -> (usize, usize) {
    let mut start = 0;
    let mut matching = true;
    let mut i = 0;
    while let Some(&c) = env.get(i) {
        let k = i - start;
        i += 1;
        if c == 0 {
            if matching && k > name.len() {
                return (start, i);
            }
            start = i;
            matching = true;
        } else if k <= name.len() {
            // The entry begins with the name's bytes, then `=` (which no name holds).
            matching &= c == *name.get(k).unwrap_or(&b'=');
        }
    }
    (env.len(), env.len())
}

/// The value of `name` in packed entries.
pub(crate) fn lookup<'a>(entries: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let (start, end) = find(entries, name);
    // None when there is no entry (the range is reversed or `end` wrapped).
    entries.get(start + name.len() + 1..end.wrapping_sub(1))
}

/// `std::env::current_dir`: the kernel's answer, so a deleted directory is `ENOENT`.
pub fn cwd() -> Result<Vec<u8>> {
    io::copy(cwd_in(&mut [0; io::PATH_MAX])?)
}

/// [`cwd`] in `buf`: the kernel builds the path in one page and answers
/// `ENAMETOOLONG` for a longer one, so PATH_MAX bytes always do.
pub fn cwd_in(buf: &mut [u8; io::PATH_MAX]) -> Result<&[u8]> {
    // SAFETY: the kernel writes at most the buffer's length.
    let n = retry(|| unsafe { sys::getcwd(buf.as_mut_ptr(), buf.len()) })?;
    // `n` counts the NUL. A path that is not reachable from our root comes back as
    // "(unreachable)/...".
    match buf.get(..n.saturating_sub(1)) {
        Some(path) if path.first() == Some(&b'/') => Ok(path),
        _ => Err(Errno::ENOENT),
    }
}

/// The environment and the arguments this crate keeps itself (standalone builds).
#[cfg(not(feature = "hosted"))]
mod own {
    use super::{check_entry, check_name, find, lookup, push_entry};
    use crate::Errno;
    use crate::io;
    use crate::sync::{Guard, Mutex};
    use crate::sys::{self, Result};
    use alloc::vec::Vec;
    use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

    static ARGC: AtomicUsize = AtomicUsize::new(0);
    static ARGV: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());
    static ENVP: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());

    /// The environment: NUL-terminated `NAME=VALUE` entries packed one after another in
    /// one buffer (what `execve` takes, and one allocation, not one per entry).
    struct Env {
        /// Whether `entries` holds the start-up environment yet (it is copied on first use).
        copied: bool,
        entries: Vec<u8>,
    }

    static ENV: Mutex<Env> = Mutex::new(Env {
        copied: false,
        entries: Vec::new(),
    });

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

    /// Appends the C strings of a null-terminated pointer array (at most `limit`) to
    /// `out`, each with its NUL; `ENOMEM` leaves `out` as it was.
    ///
    /// # Safety
    /// `list` is a null-terminated array of NUL-terminated strings (as [`capture`]
    /// recorded them).
    unsafe fn copy_c_strings(
        list: *const *const u8,
        limit: usize,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let len = out.len();
        for i in 0..limit {
            // SAFETY: argv and envp are null-terminated arrays of C strings that live for
            // the whole program (the kernel put them on the initial stack).
            let s = unsafe { *list.add(i) };
            if s.is_null() {
                break;
            }
            // SAFETY: a non-null entry of such an array is a NUL-terminated string.
            let s = unsafe { core::ffi::CStr::from_ptr(s.cast()) }.to_bytes_with_nul();
            if io::extend(out, s).is_err() {
                out.truncate(len);
                return Err(Errno::ENOMEM);
            }
        }
        Ok(())
    }

    /// Appends the start-up list `list` (ARGV or ENVP, at most `limit` strings) to `out`,
    /// packed; when [`capture`] recorded none, the /proc file `path` of the same strings.
    fn start_up(
        list: &AtomicPtr<*const u8>,
        limit: usize,
        path: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let list = list.load(Ordering::Relaxed);
        if !list.is_null() {
            // SAFETY: the list as `capture` recorded it (its contract).
            return unsafe { copy_c_strings(list, limit, out) };
        }
        // Never needed in a bootstrap build: its entry always records argv and envp.
        #[cfg(not(feature = "bootstrap"))]
        if let Ok(read) = io::read_small_file(path) {
            *out = read;
        }
        #[cfg(feature = "bootstrap")]
        let _ = path;
        Ok(())
    }

    /// The program's arguments, `argv[0]` first, packed (see [`io::unpacked`]); none when
    /// memory runs out.
    pub fn args() -> Vec<u8> {
        let mut out = Vec::new();
        let _ = start_up(
            &ARGV,
            ARGC.load(Ordering::Relaxed),
            b"/proc/self/cmdline",
            &mut out,
        );
        out
    }

    /// The argument list `rt_set_args` stored (the runtime's generated `main` hands its
    /// argv over), packed; empty until then.
    static SET_ARGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

    /// Replaces the stored argument list (packed, see [`io::unpacked`]).
    pub fn set_args(list: Vec<u8>) {
        let old = core::mem::replace(&mut *SET_ARGS.lock(), list);
        drop(old);
    }

    /// The stored argument list, or the process's own arguments when nothing (or an
    /// empty list) was stored, packed (see [`io::unpacked`]). A copy: the lock is held
    /// only while it is made, never while the caller uses the list (`rt_get_args` makes
    /// the runtime's values of it, a call out that must not run under our lock);
    /// `ENOMEM` when it can not be made.
    pub fn stored_args() -> Result<Vec<u8>> {
        let stored = SET_ARGS.lock();
        if stored.is_empty() {
            drop(stored);
            return Ok(args());
        }
        io::copy(&stored)
    }

    /// The environment, locked, copied from the start-up one on first use (`None` when
    /// that copy runs out of memory: it is tried again next time). An `Option`, one
    /// register, where a `Result` would come back through memory.
    fn locked_env() -> Option<Guard<'static, Env>> {
        let mut env = ENV.lock();
        if !env.copied {
            start_up(&ENVP, usize::MAX, b"/proc/self/environ", &mut env.entries).ok()?;
            env.copied = true;
        }
        Some(env)
    }

    /// Takes `start..end` out of `buf`, closing the gap (`Vec::drain`'s range check would
    /// bring a panic path).
    fn cut(buf: &mut Vec<u8>, start: usize, end: usize) {
        let len = buf.len();
        if start <= end && end <= len {
            // SAFETY: both ranges lie inside the buffer; `copy` allows overlap.
            unsafe {
                let p = buf.as_mut_ptr();
                core::ptr::copy(p.add(end), p.add(start), len - end);
                buf.set_len(len - (end - start));
            }
        }
    }

    /// The value of `name`, `None` when unset; an invalid name is `EINVAL`.
    pub fn get(name: &[u8]) -> Result<Option<Vec<u8>>> {
        check_name(name)?;
        match lookup(&locked_env().ok_or(Errno::ENOMEM)?.entries, name) {
            Some(value) => io::copy(value).map(Some),
            None => Ok(None),
        }
    }

    /// Sets `name` for later [`get`]s and for children of `process::run`. A name that
    /// is empty or holds `=` or NUL, or a value holding NUL, is `EINVAL`; when memory
    /// runs out (`ENOMEM`) the old value stays.
    pub fn set(name: &[u8], value: &[u8]) -> Result<()> {
        check_entry(name, value)?;
        let env = &mut locked_env().ok_or(Errno::ENOMEM)?.entries;
        io::reserve(env, name.len() + value.len() + 2)?;
        remove_from(env, name);
        // The room is reserved: this cannot fail.
        push_entry(env, name, value)
    }

    /// Takes `name`'s entries, if any, out of the packed environment.
    fn remove_from(env: &mut Vec<u8>, name: &[u8]) {
        // The start-up environment may hold a name twice: every entry goes.
        loop {
            let (start, end) = find(env, name);
            if start == end {
                break;
            }
            cut(env, start, end);
        }
    }

    /// A copy of the whole environment, packed (for a child's `envp`): the lock is held
    /// for the copy only.
    pub fn c_entries() -> Result<Vec<u8>> {
        io::copy(&locked_env().ok_or(Errno::ENOMEM)?.entries)
    }

    /// Removes `name`; removing an unset name is fine, an invalid one is `EINVAL`.
    pub fn remove(name: &[u8]) -> Result<()> {
        check_name(name)?;
        remove_from(&mut locked_env().ok_or(Errno::ENOMEM)?.entries, name);
        Ok(())
    }

    /// `HOME` when set and not empty, else the home field of the real uid's entry in
    /// /etc/passwd. Neither is `ENOENT`.
    pub fn home() -> Result<Vec<u8>> {
        if let Some(home) = get(b"HOME")?.filter(|h| !h.is_empty()) {
            return Ok(home);
        }
        let passwd = io::read_small_file(b"/etc/passwd")?;
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
        io::parse_decimal(digits).and_then(|n| u32::try_from(n).ok())
    }
}
