//! The runtime's system functions under its own `rt_*` names and C signatures
//! (feature `standalone`: programs with no runtime in them),
//! behaving as the runtime's std implementations do.
//!
//! Each is a thin wrapper: it turns the C arguments into bytes and calls the
//! [`crate::hosted`] function of the same name (the one the runtime's own bodies
//! call in a hosted build), so both modes run one implementation. Only the functions
//! a hosted runtime keeps on std are implemented here, over this crate's own state:
//! the environment (`rt_env_get`, `rt_env_set`, `rt_env_home`), the argument store
//! (`rt_set_args`, `rt_get_args`), printing and `rt_exit`.
//!
//! Text arguments are `(ptr, len)`; a path may also be a tagged String value passed
//! in `ptr` with `len` 0, as the runtime's compiler sometimes does. Results are plain
//! C values (`bool`, `i64`) where the runtime's are, else RuntimeValues made through
//! the runtime's own constructors ([`crate::value`]). Every failure gives the
//! runtime's failure value and records its errno (`syscall_last_errno()`).
//!
//! [`super::RT_SYMBOLS`] lists every symbol this module defines, for the runtime's
//! build to leave its own definitions of them out.
//!
//! # Safety
//! One contract for every `unsafe` function here: each non-null text pointer is
//! valid for the length given with it for the duration of the call (or, with length
//! 0, is a tagged String value), and each RuntimeValue argument is a value the runtime
//! gave out.
#![allow(clippy::missing_safety_doc)] // the module's one contract, above

use super::{record, slice_arg};
use crate::Errno;
use crate::hosted::value::{self as hv, string_or_nil, utf8_strings, value_or_nil};
use crate::hosted::{self, lossy, utf8_only as utf8};
use crate::sys::Result;
use crate::value::{self, RuntimeValue as V};
use crate::{env, io, process};
use alloc::vec::Vec;

mod files;
pub use files::*;

/// The bytes of a `(ptr, len)` text argument.
///
/// # Safety
/// A non-null `ptr` must be valid for `len` bytes for the duration of the call.
unsafe fn text<'a>(ptr: *const u8, len: u64) -> Result<&'a [u8]> {
    let len = usize::try_from(len).map_err(|_| Errno::EINVAL)?;
    // SAFETY: the caller's contract.
    unsafe { slice_arg(ptr, len) }
}

/// Text the runtime requires a pointer for: a null `ptr` is `EFAULT` even with
/// length 0.
///
/// # Safety
/// As [`text`].
unsafe fn nonnull_text<'a>(ptr: *const u8, len: u64) -> Result<&'a [u8]> {
    if ptr.is_null() {
        return Err(Errno::EFAULT);
    }
    // SAFETY: the caller's contract.
    unsafe { text(ptr, len) }
}

/// A path argument, or `None` with its errno recorded. The runtime takes paths as
/// `&str`: a null pointer is `EFAULT`, one that is not UTF-8 `EILSEQ`. (An `Option`
/// comes back in two registers, a `Result` through memory: this is smaller at each
/// of the many callers.)
///
/// # Safety
/// As [`text`].
#[inline(never)]
unsafe fn path<'a>(ptr: *const u8, len: u64) -> Option<&'a [u8]> {
    // SAFETY: the caller's contract.
    record(unsafe { nonnull_text(ptr, len) }.and_then(utf8))
}

/// A path argument that may also be a tagged String value passed in `ptr` with `len`
/// 0 (the runtime's `path_from_raw_or_tagged`, used by its lock and mmap functions).
///
/// # Safety
/// As [`text`]; a tagged `ptr` must be a value the runtime gave out.
unsafe fn path_or_tagged<'a>(ptr: *const u8, len: u64) -> Option<&'a [u8]> {
    let tagged = V(ptr as u64);
    if len == 0 && tagged.is_heap() {
        // SAFETY: the caller's contract for a tagged value.
        let bytes = unsafe { value::string_bytes(tagged) };
        return record(bytes.ok_or(Errno::EINVAL).and_then(utf8));
    }
    // SAFETY: the caller's contract.
    unsafe { path(ptr, len) }
}

fn ok(r: Result<()>) -> bool {
    record(r).is_some()
}

fn int_or(r: Result<i64>, failure: i64) -> i64 {
    record(r).unwrap_or(failure)
}

/// `Path::exists`: follows symlinks, so a dangling link is false.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_exists(path_ptr: *const u8, len: u64) -> bool {
    // SAFETY: the module's contract.
    unsafe { path(path_ptr, len) }.is_some_and(hosted::file_exists)
}

/// The file as a String without any `\r`; NIL (`EILSEQ`) when it is not UTF-8.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_read_text(path_ptr: *const u8, len: u64) -> V {
    // SAFETY: the module's contract.
    unsafe { path(path_ptr, len) }.map_or(V::NIL, hv::file_read_text)
}

/// Creates or truncates the file and writes `content`, which must be UTF-8 (else
/// false with `EILSEQ`, and nothing is written or created).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_write_text(
    path_ptr: *const u8,
    len: u64,
    content: *const u8,
    content_len: u64,
) -> bool {
    // SAFETY: the module's contract.
    unsafe { write_with(write_text_fresh, path_ptr, len, content, content_len) }
}

/// `fs::write` after dropping the write-at handle of the path, as the runtime does.
fn write_text_fresh(path: &[u8], content: &[u8]) -> Result<()> {
    files::forget_write_at(path);
    hosted::file_write_text(path, content)
}

/// `write` (`fs::write` or `fs::append`) of UTF-8 `content` to a path argument.
///
/// # Safety
/// As the module's contract.
unsafe fn write_with(
    write: fn(&[u8], &[u8]) -> Result<()>,
    path_ptr: *const u8,
    len: u64,
    content: *const u8,
    content_len: u64,
) -> bool {
    // The content is checked as a path is: non-null (`EFAULT`) and UTF-8 (`EILSEQ`).
    // SAFETY: the caller's contract.
    unsafe { two_paths(path_ptr, len, content, content_len) }.is_some_and(|(p, c)| ok(write(p, c)))
}

/// Two path arguments, or `None` with the errno of the first that is not one.
///
/// # Safety
/// As [`text`], for each.
unsafe fn two_paths<'a>(
    a: *const u8,
    a_len: u64,
    b: *const u8,
    b_len: u64,
) -> Option<(&'a [u8], &'a [u8])> {
    // SAFETY: the caller's contract.
    unsafe { Some((path(a, a_len)?, path(b, b_len)?)) }
}

/// Appends `content` (UTF-8), creating the file if missing.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_append_text(
    path_ptr: *const u8,
    len: u64,
    content: *const u8,
    content_len: u64,
) -> bool {
    // SAFETY: the module's contract.
    unsafe {
        write_with(
            hosted::file_append_text,
            path_ptr,
            len,
            content,
            content_len,
        )
    }
}

/// `std::fs::remove_file`: files and links, never directories.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_remove(path_ptr: *const u8, len: u64) -> bool {
    // SAFETY: the module's contract.
    unsafe { path(path_ptr, len) }.is_some_and(|p| {
        files::forget_write_at(p);
        ok(hosted::file_remove(p))
    })
}

/// The same function as [`rt_file_remove`], under the runtime's other name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_delete(path_ptr: *const u8, len: u64) -> bool {
    // SAFETY: forwarded.
    unsafe { rt_file_remove(path_ptr, len) }
}

/// The size of the file a path names (following symlinks); -1 on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_size(path_ptr: *const u8, len: u64) -> i64 {
    // SAFETY: the module's contract.
    unsafe { path(path_ptr, len) }.map_or(-1, |p| {
        let size =
            hosted::file_size(p).and_then(|s| i64::try_from(s).map_err(|_| Errno::EOVERFLOW));
        int_or(size, -1)
    })
}

/// The modification time of the file a path names, in whole seconds since the epoch;
/// -1 on failure (and for a file whose mtime is -1: `syscall_file_mtime` tells them
/// apart).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_modified_time(path_ptr: *const u8, len: u64) -> i64 {
    // SAFETY: the module's contract.
    unsafe { path(path_ptr, len) }.map_or(-1, |p| int_or(hosted::file_modified_time(p), -1))
}

/// `std::fs::copy`: contents and permission bits.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_copy(
    src: *const u8,
    src_len: u64,
    dst: *const u8,
    dst_len: u64,
) -> bool {
    // SAFETY: the module's contract.
    let paths = unsafe { two_paths(src, src_len, dst, dst_len) };
    paths.is_some_and(|(s, d)| ok(hosted::file_copy(s, d).map(drop)))
}

/// `create_dir_all` when `recursive`, else `create_dir`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_dir_create(path_ptr: *const u8, len: u64, recursive: bool) -> bool {
    // SAFETY: the module's contract.
    unsafe { path(path_ptr, len) }.is_some_and(|p| ok(hosted::dir_create(p, recursive)))
}

/// The names in a directory (not `.` or `..`), in the kernel's order, as an Array of
/// Strings; names that are not UTF-8 are left out. NIL on failure.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_dir_list(path_ptr: *const u8, len: u64) -> V {
    // SAFETY: the module's contract.
    unsafe { path(path_ptr, len) }.map_or(V::NIL, hv::dir_list)
}

/// An exclusive lock on the file (created if missing); waits for ever when
/// `timeout_secs <= 0`, else retries every 50 ms for that long. The handle, or -1.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_lock(path_ptr: *const u8, len: u64, timeout_secs: i64) -> i64 {
    // SAFETY: the module's contract.
    let path = unsafe { path_or_tagged(path_ptr, len) };
    path.map_or(-1, |p| {
        int_or(hosted::file_lock(p, timeout_secs).map(i64::from), -1)
    })
}

/// Releases a lock from [`rt_file_lock`] and closes its descriptor. A number that is
/// not a held lock's handle is false with `EBADF`, and nothing is closed.
#[unsafe(no_mangle)]
pub extern "C" fn rt_file_unlock(handle: i64) -> bool {
    let fd = i32::try_from(handle).map_err(|_| Errno::EBADF);
    ok(fd.and_then(hosted::file_unlock))
}

/// The file as a String, invalid UTF-8 replaced by U+FFFD, `\r` kept.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_mmap_read_text(path_ptr: *const u8, len: u64) -> V {
    // SAFETY: the module's contract.
    unsafe { path_or_tagged(path_ptr, len) }.map_or(V::NIL, hv::file_mmap_read_text)
}

/// The file's bytes as a byte-packed Array.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_mmap_read_bytes(path_ptr: *const u8, len: u64) -> V {
    // SAFETY: the module's contract.
    unsafe { path_or_tagged(path_ptr, len) }.map_or(V::NIL, hv::file_mmap_read_bytes)
}

/// The working directory (lossy UTF-8); NIL on failure.
#[unsafe(no_mangle)]
pub extern "C" fn rt_env_cwd() -> V {
    hv::env_cwd()
}

/// `HOME`, else `USERPROFILE`, else NIL.
#[unsafe(no_mangle)]
pub extern "C" fn rt_env_home() -> V {
    let home = env_utf8(b"HOME").or_else(|_| env_utf8(b"USERPROFILE"));
    string_or_nil(home.map_err(|_| Errno::ENOENT))
}

/// The value of the variable `name`: `ENOENT` when it is unset, `EILSEQ` when it is
/// not UTF-8.
fn env_utf8(name: &[u8]) -> Result<Vec<u8>> {
    let value = env::get(name)?.ok_or(Errno::ENOENT)?;
    utf8(&value)?;
    Ok(value)
}

/// The longest environment variable name the runtime accepts.
pub const ENV_NAME_MAX: usize = 4095;
/// The longest environment variable value the runtime accepts.
pub const ENV_VALUE_MAX: usize = 65535;

/// A variable name as the runtime takes it: non-null, 1 to 4095 bytes (else
/// `EINVAL`), decoded lossily.
///
/// # Safety
/// As [`text`].
unsafe fn env_name(ptr: *const u8, len: u64) -> Result<Vec<u8>> {
    if ptr.is_null() || len == 0 || len > ENV_NAME_MAX as u64 {
        return Err(Errno::EINVAL);
    }
    // SAFETY: the caller's contract.
    lossy(unsafe { text(ptr, len) }?)
}

/// The variable's value; NIL when the name is null, empty, longer than 4095 bytes
/// (`EINVAL`), the variable is unset (`ENOENT`) or its value is not UTF-8 (`EILSEQ`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_env_get(name: *const u8, len: u64) -> V {
    // SAFETY: the module's contract.
    let found = unsafe { env_name(name, len) }.and_then(|n| env_utf8(&n));
    string_or_nil(found)
}

/// Sets a variable for this process and its children. The name: 1 to 4095 bytes,
/// no `=` or NUL; the value: at most 65535 bytes, no NUL (else false, `EINVAL`);
/// both decoded lossily, as the runtime does.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_env_set(
    name: *const u8,
    len: u64,
    val: *const u8,
    val_len: u64,
) -> bool {
    // SAFETY: the module's contract.
    ok(unsafe {
        env_name(name, len).and_then(|n| {
            if val_len > ENV_VALUE_MAX as u64 {
                return Err(Errno::EINVAL);
            }
            env::set(&n, &lossy(text(val, val_len)?)?)
        })
    })
}

/// This process's id.
#[unsafe(no_mangle)]
pub extern "C" fn rt_getpid() -> i64 {
    i64::from(hosted::getpid())
}

/// `cmd`, then the `args` Array's Strings (read through the runtime's accessors and
/// decoded lossily), packed for [`process::run_argv`]. A value that is not an Array
/// is no arguments (the runtime reads its length as -1); an element that is not a
/// String is `EINVAL`.
fn argv_of(cmd: &[u8], args: V) -> Result<Vec<u8>> {
    let mut argv = Vec::new();
    process::push_arg(&mut argv, cmd)?;
    for i in 0..value::array_len(args).unwrap_or(0) {
        // SAFETY: an element of a live Array the runtime gave us.
        let s = unsafe { value::string_bytes(value::array_get(args, i)) };
        process::push_arg(&mut argv, s.ok_or(Errno::EINVAL)?)?;
    }
    // Decoded whole: no invalid sequence runs across a NUL, so each argument comes
    // out as if decoded alone.
    lossy(&argv)
}

/// Runs `cmd` (searched in PATH when it has no `/`) with `args` (an Array of
/// Strings), stdin from /dev/null, in its own process group, and waits:
/// Tuple(stdout, stderr, exit code), the output decoded lossily, the code -1 when a
/// signal ended it. `("", "", -1)` when an element of `args` is not a String or the
/// child cannot start.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_process_run(cmd: *const u8, len: u64, args: V) -> V {
    // SAFETY: the module's contract.
    let out = unsafe { path(cmd, len) }.and_then(|c| {
        record(argv_of(c, args).and_then(|a| process::run_argv(&a, &env::c_entries()?)))
    });
    hv::output(out)
}

/// The CPUs this process may run on (affinity, then any cgroup quota); 1 on failure.
#[unsafe(no_mangle)]
pub extern "C" fn rt_system_cpu_count() -> i64 {
    hosted::system_cpu_count() as i64
}

/// The node name (`uname`). The runtime's own version is a stub giving "localhost";
/// this one gives the real name, and "localhost" only when uname fails.
#[unsafe(no_mangle)]
pub extern "C" fn rt_hostname() -> V {
    hv::hostname()
}

/// Writes the text, and a newline when asked, to `fd`. Nothing is buffered, so
/// nothing needs flushing. A closed pipe ends the process with status 0, as the
/// runtime's print does; other failures are recorded.
///
/// # Safety
/// As the module's contract.
unsafe fn print_to(fd: i32, ptr: *const u8, len: u64, newline: bool) {
    // A null text prints nothing (the newline still goes out), as in the runtime.
    let t: &[u8] = match ptr.is_null() {
        true => &[],
        // SAFETY: forwarded from the caller's contract.
        false => match unsafe { text(ptr, len) } {
            Ok(t) => t,
            Err(e) => {
                super::set_errno(e);
                &[]
            }
        },
    };
    // The text and its newline go out in one writev (not split by another writer).
    let nl: &[u8] = if newline { b"\n" } else { b"" };
    match io::write_all2(fd, t, nl) {
        Err(Errno::EPIPE) => process::exit(0),
        r => {
            record(r);
        }
    }
}

/// Writes the text to stdout.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_print_str(ptr: *const u8, len: u64) {
    // SAFETY: the module's contract.
    unsafe { print_to(1, ptr, len, false) }
}

/// Writes the text and a newline to stdout (the newline even for a null text).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_println_str(ptr: *const u8, len: u64) {
    // SAFETY: the module's contract.
    unsafe { print_to(1, ptr, len, true) }
}

/// Writes the text to stderr.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_eprint_str(ptr: *const u8, len: u64) {
    // SAFETY: the module's contract.
    unsafe { print_to(2, ptr, len, false) }
}

/// Writes the text and a newline to stderr.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_eprintln_str(ptr: *const u8, len: u64) {
    // SAFETY: the module's contract.
    unsafe { print_to(2, ptr, len, true) }
}

/// Ends the process with `code`.
#[unsafe(no_mangle)]
pub extern "C" fn rt_exit(code: i32) -> ! {
    process::exit(code)
}

/// Stores the program's arguments (the runtime's generated `main` calls it with its
/// own argc and argv). `argc <= 0` or a null `argv` stores an empty list; null and
/// non-UTF-8 entries are skipped. Replaces what was stored before.
///
/// # Safety
/// A non-null `argv` points at `argc` pointers, each null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_set_args(argc: i32, argv: *const *const u8) {
    let mut list = Vec::new();
    if argc > 0 && !argv.is_null() {
        for i in 0..argc as usize {
            // SAFETY: the contract above.
            let a = unsafe { *argv.add(i) };
            if a.is_null() {
                continue;
            }
            // SAFETY: a NUL-terminated string (the contract above).
            let a = unsafe { core::ffi::CStr::from_ptr(a.cast()) }.to_bytes();
            // Room first, so the argument goes in whole with its NUL or not at all.
            if utf8(a).is_ok() && io::reserve(&mut list, a.len() + 1).is_ok() {
                let _ = process::push_arg(&mut list, a);
            }
        }
    }
    env::set_args(list);
}

/// The list [`rt_set_args`] stored, or, when that is empty, the process's own
/// arguments, as an Array of Strings (non-UTF-8 arguments decoded lossily).
#[unsafe(no_mangle)]
pub extern "C" fn rt_get_args() -> V {
    // Decoded as one buffer: an invalid sequence never runs across a NUL, so each
    // argument comes out as if decoded alone. From a copy of the list, so that the
    // Strings are made with its lock released.
    let args = env::stored_args().and_then(|a| lossy(&a));
    value_or_nil(args.and_then(|a| utf8_strings(io::unpacked(&a))))
}

/// Microseconds since the Unix epoch (CLOCK_REALTIME); -1 on failure.
#[unsafe(no_mangle)]
pub extern "C" fn rt_time_now_unix_micros() -> i64 {
    int_or(hosted::time_now_unix_micros(), -1)
}

/// Nanoseconds on CLOCK_MONOTONIC (the runtime defines it in C, `runtime_time.c`);
/// -1 on failure or when they do not fit an i64.
#[unsafe(no_mangle)]
pub extern "C" fn rt_time_now_nanos() -> i64 {
    int_or(crate::time::now_monotonic_nanos(), -1)
}

/// Microseconds on CLOCK_MONOTONIC: [`rt_time_now_nanos`] / 1000, -1 on failure.
#[unsafe(no_mangle)]
pub extern "C" fn rt_time_now_micros() -> i64 {
    int_or(crate::time::now_monotonic_nanos().map(|n| n / 1_000), -1)
}

/// Sleeps `ms` milliseconds (an interrupting signal does not shorten it); 0 or less
/// returns at once.
#[unsafe(no_mangle)]
pub extern "C" fn rt_thread_sleep(ms: i64) {
    hosted::thread_sleep(ms)
}

/// Removes the variable `name` from this process's environment (and its children's):
/// true, also when it was not set. False for a null name (`EFAULT`), one that is not
/// UTF-8 (`EILSEQ`), and one that is empty or holds `=` or NUL (`EINVAL`: the
/// runtime's `remove_var` panics there, across its C ABI, which aborts).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_env_remove(name: *const u8, len: u64) -> bool {
    // SAFETY: the module's contract.
    unsafe { path(name, len) }.is_some_and(|n| ok(env::remove(n)))
}

/// Writes the value's display text to stderr, as the runtime's `rt_stderr_write`
/// (`stderr_write`, through `rt_eprint_str`): a String's text (invalid UTF-8 as
/// U+FFFD), an Int in decimal, `nil`, `true`, `false`, `error`, an Array as `[a, b]`
/// of its elements' texts. Always 0. A closed pipe ends the process with status 0.
#[unsafe(no_mangle)]
pub extern "C" fn rt_stderr_write(data: i64) -> i64 {
    let mut text = Vec::new();
    if let Err(e) = display(V(data as u64), &mut text) {
        super::set_errno(e);
    }
    // SAFETY: a live buffer of that length.
    unsafe { print_to(2, text.as_ptr(), text.len() as u64, false) };
    0
}

/// Appends the runtime's display text of `v` (`value_to_display_string`) to `out`.
/// Values whose text the runtime makes from their address or from a float encoding
/// the ABI does not expose (Floats, Dicts, Tuples, objects) are written as the
/// runtime writes a value it does not know: `<value:0x…>` of the word.
fn display(v: V, out: &mut Vec<u8>) -> Result<()> {
    use crate::value::{TAG_INT, TAG_SPECIAL};
    let word: &[u8] = match v {
        V::NIL => b"nil",
        V::TRUE => b"true",
        V::FALSE => b"false",
        V::ERROR => b"error",
        _ => b"",
    };
    if !word.is_empty() {
        return io::extend(out, word);
    }
    if v.tag() == TAG_INT {
        let mut buf = [0; 20];
        return io::extend(out, io::decimal(v.0 as i64 >> 3, &mut buf));
    }
    // SAFETY: a value the runtime gave out (the module's contract).
    if let Some(s) = unsafe { value::string_bytes(v) } {
        return match utf8(s) {
            Ok(s) => io::extend(out, s),
            Err(_) => io::extend(out, &lossy(s)?),
        };
    }
    if let Some(n) = value::array_len(v) {
        io::extend(out, b"[")?;
        for i in 0..n {
            if i > 0 {
                io::extend(out, b", ")?;
            }
            display(value::array_get(v, i), out)?;
        }
        return io::extend(out, b"]");
    }
    if v.tag() == TAG_SPECIAL {
        io::extend(out, b"<special:")?;
        let mut buf = [0; 20];
        io::extend(out, io::decimal((v.0 >> 3) as i64, &mut buf))?;
        return io::extend(out, b">");
    }
    io::extend(out, b"<value:0x")?;
    // `{:x}`: no leading zeros.
    let digits = (16 - v.0.leading_zeros() as usize / 4).max(1);
    for shift in (0..digits).rev() {
        let d = (v.0 >> (shift * 4)) as usize & 0xf;
        io::push(out, b"0123456789abcdef"[d])?;
    }
    io::extend(out, b">")
}

/// The CPUs this process may use (std's `available_parallelism`: affinity, then any
/// cgroup quota); 1 on failure.
#[unsafe(no_mangle)]
pub extern "C" fn rt_thread_available_parallelism() -> i64 {
    hosted::thread_available_parallelism()
}

/// `len` random bytes (from the kernel's generator, through the vDSO where it has
/// `getrandom`) as a String of `2 * len` lowercase hex digits; "" for `len <= 0`; NIL
/// when the bytes or the String can not be had.
#[unsafe(no_mangle)]
pub extern "C" fn rt_random_hex(len: i64) -> V {
    hv::random_hex(len)
}
