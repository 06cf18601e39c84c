//! The hosted API: what the runtime's own `rt_*` bodies call in a program that has its
//! own libc and std (the Simple runtime's bootstrap build), one function per runtime
//! function the crate serves, named as the runtime's without `rt_`.
//!
//! With feature `hosted` this is the crate's whole interface to the runtime: the
//! crate then defines no `rt_*` symbol and no value-ABI symbol, and keeps no
//! environment, arguments or exit path of its own. The runtime keeps every one of its
//! `rt_*` definitions and, in each, whatever is not the system call (print capture,
//! the sandbox check, its caches, its counters, its argument store); the body turns
//! its `(ptr, len)` arguments into `&[u8]` as it does today and calls the function of
//! the same name here. Standalone builds (`rt_*` from this crate) call the same
//! functions, so both modes run one implementation.
//!
//! Two levels:
//! - bytes (this module): the runtime's arguments in, `Result<_, Errno>` with owned
//!   bytes out, for the runtime to wrap with its own constructors (its private
//!   `rt_string_new_with_len_hash` among them). [`file_read_text_with`] lends the text
//!   instead, so that it lands in the runtime's String with one copy.
//! - values ([`value`]): the runtime's `RuntimeValue` results, made only through the
//!   runtime's exported constructors, with the runtime's failure values.
//!
//! The bytes level returns its errno in the `Result`; where a result has no room for
//! one (the value level, [`file_exists`], [`system_cpu_count`]) the errno of a failure
//! is recorded, readable with [`last_errno`] (and `syscall_last_errno()` in the C ABI).

use crate::Errno;
use crate::sys::Result;
use crate::{env, fs, io, process, random, system, time, utf8};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicI32, Ordering};

pub mod value;

mod files;
pub use files::*;

static LAST_ERRNO: AtomicI32 = AtomicI32::new(0);

/// Records `e` as the last failure (one process-wide value: there is no thread-local
/// storage without libc or nightly Rust, so a multithreaded caller reads it before
/// its next call).
pub(crate) fn set_errno(e: Errno) {
    LAST_ERRNO.store(e.into_raw(), Ordering::Relaxed);
}

/// The errno of the last failing call of this crate (successful calls leave it alone,
/// like C's errno); 0 before any failure.
pub fn last_errno() -> i32 {
    LAST_ERRNO.load(Ordering::Relaxed)
}

/// `Some` on success; on failure records the errno and gives `None`.
pub(crate) fn record<T>(r: Result<T>) -> Option<T> {
    r.map_err(set_errno).ok()
}

/// `Path::exists`: follows symlinks, so a dangling link is false.
pub fn file_exists(path: &[u8]) -> bool {
    record(fs::metadata(path)).is_some()
}

/// The whole file with every `\r` removed; `EILSEQ` when it is not UTF-8.
pub fn file_read_text(path: &[u8]) -> Result<Vec<u8>> {
    file_read_text_with(path, io::copy)
}

/// [`file_read_text`], lent: `make` gets the text (every `\r` removed, UTF-8) and
/// returns what the caller keeps, typically the runtime's String made from it. A
/// file without `\r` is lent as it is read (a large one mapped), so the text is
/// copied once, by `make`.
pub fn file_read_text_with<R>(path: &[u8], make: impl FnOnce(&[u8]) -> Result<R>) -> Result<R> {
    fs::with_contents(path, |text| without_cr(text, make))
}

/// `make` applied to `text` with every `\r` taken out (`text` itself when it has
/// none); `EILSEQ` when `text` is not UTF-8.
fn without_cr<R>(text: &[u8], make: impl FnOnce(&[u8]) -> Result<R>) -> Result<R> {
    if !utf8_has_cr(text)? {
        return make(text);
    }
    let mut kept: Vec<u8> = Vec::new();
    io::reserve(&mut kept, text.len())?;
    let mut at = kept.as_mut_ptr();
    for &c in text.iter().filter(|&&c| c != b'\r') {
        // SAFETY: at most `text.len()` bytes go into the room reserved for them.
        unsafe { at.write(c) };
        at = at.wrapping_add(1);
    }
    // SAFETY: the bytes up to `at` were written just above.
    unsafe { kept.set_len(at.offset_from_unsigned(kept.as_ptr())) };
    make(&kept)
}

/// Whether `bytes`, which must be UTF-8 (else `EILSEQ`), holds a `\r`: one pass
/// over 8-byte words while they are ASCII without a `\r` (most text), the standard
/// checks for the rest.
fn utf8_has_cr(bytes: &[u8]) -> Result<bool> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    const CR: u64 = u64::from_ne_bytes([b'\r'; 8]);
    let mut words = bytes.chunks_exact(8);
    let mut plain = 0;
    for w in &mut words {
        let x = u64::from_ne_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        let y = x ^ CR; // a zero byte where x has a CR
        if (x | (y.wrapping_sub(ONES) & !y)) & HIGH != 0 {
            break;
        }
        plain += 8;
    }
    let rest = bytes.get(plain..).unwrap_or_default();
    utf8_only(rest)?;
    Ok(io::has(rest, b'\r'))
}

/// `bytes` when they are UTF-8, else `EILSEQ`.
pub(crate) fn utf8_only(bytes: &[u8]) -> Result<&[u8]> {
    match utf8::is_valid(bytes) {
        true => Ok(bytes),
        false => Err(Errno::EILSEQ),
    }
}

/// A copy of `bytes` as UTF-8, each invalid sequence replaced by U+FFFD
/// (`from_utf8_lossy`).
pub(crate) fn lossy(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    io::reserve(&mut out, bytes.len() + 8)?;
    // Each invalid sequence (as utf8::check delimits it, the same as utf8_chunks)
    // becomes one U+FFFD.
    let mut rest = bytes;
    while let Err((valid, error_len)) = utf8::check(rest) {
        let (good, after) = rest.split_at_checked(valid).unwrap_or_default();
        io::extend(&mut out, good)?;
        io::extend(&mut out, "\u{FFFD}".as_bytes())?;
        rest = after
            .get(error_len.unwrap_or(after.len())..)
            .unwrap_or_default();
    }
    io::extend(&mut out, rest)?;
    Ok(out)
}

/// `std::fs::write`: creates or truncates the file and writes `content`.
pub fn file_write_text(path: &[u8], content: &[u8]) -> Result<()> {
    fs::write(path, content)
}

/// Appends `content`, creating the file if missing.
pub fn file_append_text(path: &[u8], content: &[u8]) -> Result<()> {
    fs::append(path, content)
}

/// `std::fs::remove_file`: files and links, never directories (the runtime's
/// `rt_file_delete` is the same function).
pub fn file_remove(path: &[u8]) -> Result<()> {
    fs::remove_file(path)
}

/// The size of the file a path names (following symlinks).
pub fn file_size(path: &[u8]) -> Result<u64> {
    fs::size(path)
}

/// The modification time of the file a path names, in whole seconds since the epoch.
pub fn file_modified_time(path: &[u8]) -> Result<i64> {
    fs::modified_time(path)
}

/// `std::fs::copy`: contents and permission bits; the bytes copied.
pub fn file_copy(src: &[u8], dst: &[u8]) -> Result<u64> {
    fs::copy(src, dst)
}

/// `create_dir_all` when `recursive`, else `create_dir`.
pub fn dir_create(path: &[u8], recursive: bool) -> Result<()> {
    fs::dir_create(path, recursive)
}

/// The names in a directory (not `.` or `..`), in the kernel's order, every one of
/// them (the runtime leaves out those that are not UTF-8; [`value::dir_list`] does).
pub fn dir_list(path: &[u8]) -> Result<fs::Names> {
    fs::dir_list(path)
}

/// An exclusive lock on the file (created if missing); waits for ever when
/// `timeout_secs <= 0`, else retries every 50 ms for that long. The descriptor.
pub fn file_lock(path: &[u8], timeout_secs: i64) -> Result<i32> {
    fs::lock(path, timeout_secs)
}

/// Releases a lock from [`file_lock`] and closes its descriptor; a number that is not
/// a held lock's is `EBADF`, and nothing is closed.
pub fn file_unlock(fd: i32) -> Result<()> {
    fs::unlock(fd)
}

/// The file's bytes, read to EOF (so /proc files work, as the runtime's
/// `std::fs::read` does).
pub fn file_mmap_read_bytes(path: &[u8]) -> Result<Vec<u8>> {
    fs::with_contents(path, io::copy)
}

/// The file as text, each invalid UTF-8 sequence replaced by U+FFFD, `\r` kept.
pub fn file_mmap_read_text(path: &[u8]) -> Result<Vec<u8>> {
    fs::with_contents(path, lossy)
}

/// The working directory, as the kernel gives it (bytes; the runtime decodes it
/// lossily, [`value::env_cwd`] does).
pub fn env_cwd() -> Result<Vec<u8>> {
    env::cwd()
}

/// This process's id.
pub fn getpid() -> i32 {
    process::pid()
}

/// The node name (`uname`), the real one (the runtime's own `rt_hostname` is a stub
/// giving "localhost").
pub fn hostname() -> Result<Vec<u8>> {
    system::hostname()
}

/// The CPUs this process may use: its affinity, lowered by a cgroup CPU quota (v2
/// `cpu.max`, v1 CFS) as std's `available_parallelism`; 1 when that can not be read.
pub fn system_cpu_count() -> usize {
    record(system::cpu_count()).unwrap_or(1)
}

/// Microseconds since the Unix epoch (CLOCK_REALTIME), through the vDSO when there is
/// one.
pub fn time_now_unix_micros() -> Result<i64> {
    time::now_unix_micros()
}

/// Sleeps `ms` milliseconds (the runtime's `rt_thread_sleep`, `thread::sleep`): an
/// interrupting signal does not shorten it; 0 or less returns at once.
pub fn thread_sleep(ms: i64) {
    time::sleep_ms(ms)
}

/// The runtime's `rt_thread_available_parallelism` (std's `available_parallelism`):
/// the CPUs of the affinity mask, at most the cgroup quota; 1 when that can not be
/// read. The same count as [`system_cpu_count`].
pub fn thread_available_parallelism() -> i64 {
    system_cpu_count() as i64
}

/// Fills `buf` with random bytes (`getrandom` with no flags), through the vDSO where
/// the kernel has it ([`random::fill`]).
pub fn getrandom(buf: &mut [u8]) -> Result<()> {
    random::fill(buf, 0)
}

/// `len` random bytes as `2 * len` lowercase hex digits (the runtime's `rt_random_hex`);
/// empty for `len <= 0`; `ENOMEM` when the text can not be allocated. The random bytes
/// themselves are not kept anywhere: they are turned into hex in place.
pub fn random_hex(len: i64) -> Result<Vec<u8>> {
    let n = usize::try_from(len.max(0)).map_err(|_| Errno::ENOMEM)?;
    let total = n.checked_mul(2).ok_or(Errno::ENOMEM)?;
    let mut hex: Vec<u8> = Vec::new();
    io::reserve(&mut hex, total)?;
    // SAFETY: room for `total` bytes was reserved just above; they are zeroed first.
    // (Not `resize`, which brings a panic path for a capacity it never needs.)
    unsafe {
        hex.as_mut_ptr().write_bytes(0, total);
        hex.set_len(total);
    }
    let filled = random::fill(hex.get_mut(n..).unwrap_or_default(), 0);
    if let Err(e) = filled {
        random::wipe(&mut hex);
        return Err(e);
    }
    random::hex_in_place(&mut hex);
    Ok(hex)
}

/// Runs `cmd` with `args` and waits, as the runtime's `rt_process_run` does
/// ([`process::run_env`]: PATH search, stdin from /dev/null, its own process group,
/// stdout and stderr collected, `_SIMPLE_STACK_SET` left out of its environment).
///
/// `env` is the child's whole environment as (name, value) pairs, and its `PATH` is
/// the one searched. The runtime's body takes it from `std::env::vars_os()`.
///
/// Why that is safe against std's environment lock and a concurrent `set_var`: this
/// crate never reads the process's `environ` (nor calls `getenv`) in a hosted build.
/// `vars_os()` copies the environment while holding std's own environment lock, so a
/// `set_var` in another thread either happens wholly before the copy or wholly
/// after it, and can not free or move an entry while it is read; what reaches the
/// child is that copy, packed here into memory of our own. Nothing of the host's is
/// touched after the call starts, so there is no lock to hold (and none to deadlock
/// on in the vfork-style child, which only makes raw system calls on our copy).
///
/// A name that is empty or holds `=` or NUL, or a value holding NUL, is `EINVAL`
/// (no such entry could reach a child through `execve`).
pub fn process_run(cmd: &[u8], args: &[&[u8]], env: &[(&[u8], &[u8])]) -> Result<process::Output> {
    process::run_env(cmd, args, &pack_env(env)?)
}

/// `env` as the packed `NAME=VALUE\0` entries [`process::run_env`] takes.
fn pack_env(env: &[(&[u8], &[u8])]) -> Result<Vec<u8>> {
    let mut packed = Vec::new();
    let room = env.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
    io::reserve(&mut packed, room)?;
    for &(name, value) in env {
        env::check_entry(name, value)?;
        env::push_entry(&mut packed, name, value)?;
    }
    Ok(packed)
}
