//! The runtime's own state around its system functions, kept by the runtime's bodies
//! in every build (facts from `sffi/io_capture.rs`, `io_print.rs`,
//! `file_io/file_ops.rs`, `file_io/metadata.rs`, `value/args.rs`, `security_runtime`,
//! `runtime_hosted_signal.c`), and the runtime functions around it that the crate
//! never replaces. These are defined in all three builds: in the old way the crate's
//! `rt_*` replacements sit beside them and bypass them.
#![allow(clippy::missing_safety_doc)] // the C ABI's contracts are the runtime's

use crate::value::{self, NIL, Rv};
use std::cell::RefCell;
use std::fs::File;
use std::io::Write;
use std::sync::Mutex;
use std::time::SystemTime;

// ---- text arguments ------------------------------------------------------------------

// Decoded as the runtime decodes them; defined beside the value ABI (value.rs), which
// the conformance suite shares.
pub use crate::value::{plain, raw_or_tagged, run_result, tagged_str};

// ---- sandbox -------------------------------------------------------------------------

/// The capabilities `rt_file_read_text` and `rt_file_write_text` check.
pub const READ_FILE: u64 = 0x2e97_865a_b851_28c3;
/// See [`READ_FILE`].
pub const WRITE_FILE: u64 = 0x2fa1_6c1d_95e4_306a;

static DENIED: Mutex<Vec<u64>> = Mutex::new(Vec::new());

/// `rt_security_sandbox_capability_allowed`: whether the sandbox allows `capability`.
#[unsafe(no_mangle)]
pub extern "C" fn rt_security_sandbox_capability_allowed(capability: u64) -> bool {
    !DENIED.lock().unwrap().contains(&capability)
}

/// Denies (`true`) or allows again a capability (the runtime's sandbox policy).
pub fn sandbox_deny(capability: u64, deny: bool) {
    let mut d = DENIED.lock().unwrap();
    d.retain(|&c| c != capability);
    if deny {
        d.push(capability);
    }
}

// ---- print capture -------------------------------------------------------------------

thread_local! {
    static STDOUT_CAPTURE: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
    static STDERR_CAPTURE: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_capture_stdout_start() {
    STDOUT_CAPTURE.with(|c| *c.borrow_mut() = Some(Vec::new()));
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_capture_stderr_start() {
    STDERR_CAPTURE.with(|c| *c.borrow_mut() = Some(Vec::new()));
}

/// Ends stdout capture; what was captured (empty if none).
pub fn capture_stdout_stop() -> Vec<u8> {
    STDOUT_CAPTURE.with(|c| c.borrow_mut().take().unwrap_or_default())
}

/// Ends stderr capture; what was captured.
pub fn capture_stderr_stop() -> Vec<u8> {
    STDERR_CAPTURE.with(|c| c.borrow_mut().take().unwrap_or_default())
}

/// Appends to the capture of `fd` if it is on; false if it is off.
pub fn captured(fd: i32, b: &[u8]) -> bool {
    let cap = if fd == 1 {
        &STDOUT_CAPTURE
    } else {
        &STDERR_CAPTURE
    };
    cap.with(|c| match c.borrow_mut().as_mut() {
        Some(buf) => {
            buf.extend_from_slice(b);
            true
        }
        None => false,
    })
}

/// The print functions' output path when not capturing: std's stdout (buffered,
/// flushed here) or stderr; a broken pipe exits 0.
pub fn write_out(fd: i32, b: &[u8]) {
    let r = if fd == 1 {
        let mut out = std::io::stdout().lock();
        out.write_all(b).and_then(|()| out.flush())
    } else {
        std::io::stderr().lock().write_all(b)
    };
    if let Err(e) = r
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

unsafe extern "C" {
    // The runtime's value printers call the text printers by symbol: whoever defines
    // rt_print_str gets their output (the crate's replacement, in the old way).
    #[link_name = "rt_print_str"]
    fn print_str_symbol(ptr: *const u8, len: u64);
    #[link_name = "rt_println_str"]
    fn println_str_symbol(ptr: *const u8, len: u64);
}

/// `rt_print_value`: a String's text (other values as the runtime formats them, here
/// just Ints and NIL) through `rt_print_str`.
#[unsafe(no_mangle)]
pub extern "C" fn rt_print_value(v: Rv) {
    let text = match value::val(v) {
        value::Val::Str(b) => b,
        value::Val::Int(i) => i.to_string().into_bytes(),
        _ => b"nil".to_vec(),
    };
    // SAFETY: text is alive for the call.
    unsafe { print_str_symbol(text.as_ptr(), text.len() as u64) };
}

/// `rt_println_value`: as [`rt_print_value`] through `rt_println_str`.
#[unsafe(no_mangle)]
pub extern "C" fn rt_println_value(v: Rv) {
    let Some(b) = value::bytes_of(v) else {
        // SAFETY: a null text prints nothing but the newline.
        return unsafe { println_str_symbol(std::ptr::null(), 0) };
    };
    // SAFETY: b is alive for the call.
    unsafe { println_str_symbol(b.as_ptr(), b.len() as u64) };
}

// ---- file caches ---------------------------------------------------------------------

/// A file's (length, mtime): the read cache serves a value only while it holds.
pub type Stamp = (u64, Option<SystemTime>);

/// The stamp of `path` (std's stat: the cache is the runtime's own, in every build).
pub fn stamp(path: &str) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()))
}

/// The one-entry read cache of `rt_file_read_text`: (path, stamp, value).
pub static READ_CACHE: Mutex<Option<(String, Stamp, Rv)>> = Mutex::new(None);

/// The cached value for `path` if its stamp is still `s`.
pub fn read_cache_get(path: &str, s: Stamp) -> Option<Rv> {
    match &*READ_CACHE.lock().unwrap() {
        Some((p, cs, v)) if p == path && *cs == s => Some(*v),
        _ => None,
    }
}

/// Drops every cached read (the runtime's `invalidate_all_read_caches`, run by
/// `rt_process_run`: a child can rewrite any file).
pub fn invalidate_all_read_caches() {
    *READ_CACHE.lock().unwrap() = None;
}

/// `rt_file_write_text_at`'s open handle: the path, its file, and where the last
/// write on it ended.
pub struct WriteAt {
    /// The path it was opened for.
    pub path: String,
    /// The open file.
    pub file: File,
    /// Where the last write ended.
    pub position: u64,
}

thread_local! {
    /// `rt_file_write_text_at`'s open handle, per thread.
    static WRITE_AT: RefCell<Option<WriteAt>> = const { RefCell::new(None) };
}

/// `f` on this thread's write-at handle (`rt_file_write_text_at`'s body is in
/// files.rs).
pub fn with_write_at<R>(f: impl FnOnce(&mut Option<WriteAt>) -> R) -> R {
    WRITE_AT.with(|w| f(&mut w.borrow_mut()))
}

/// What `rt_file_write_text` and `rt_file_remove` do before the system work: drop
/// the cached write-at handle and the cached read for `path`.
pub fn invalidate_file_caches(path: &str) {
    WRITE_AT.with(|w| {
        let mut w = w.borrow_mut();
        if w.as_ref().is_some_and(|c| c.path == path) {
            *w = None;
        }
    });
    invalidate_read_cache(path);
}

/// Drops the cached read of `path` (`invalidate_read_mmap_caches`).
pub fn invalidate_read_cache(path: &str) {
    let mut r = READ_CACHE.lock().unwrap();
    if r.as_ref().is_some_and(|(p, _, _)| p == path) {
        *r = None;
    }
}

/// `rt_file_write_text_at_cached(offset, data String)`: a runtime function beside
/// `rt_file_write_text_at` that writes through the handle it left (no path): -1
/// when this thread has none. The runtime's own std code in every build.
#[unsafe(no_mangle)]
pub extern "C" fn rt_file_write_text_at_cached(offset: i64, data: i64) -> i64 {
    use std::io::Write as _;
    use std::os::unix::fs::FileExt;
    let Some(data) = value::bytes_of(data as Rv) else {
        return -1;
    };
    let start = offset.max(0) as u64;
    with_write_at(|w| {
        let Some(c) = w.as_mut() else {
            return -1;
        };
        let wrote = if c.position == start {
            (&c.file).write_all(&data)
        } else {
            c.file.write_all_at(&data, start)
        };
        if wrote.is_err() {
            return -1;
        }
        c.position = start + data.len() as u64;
        data.len() as i64
    })
}

// ---- rt_file_exists probe counters ---------------------------------------------------

/// (generation, open, total, failed).
static PROBES: Mutex<(i64, bool, u32, u32)> = Mutex::new((0, false, 0, 0));

/// Opens a counting generation: its token (> 0), or -1 if one is open.
#[unsafe(no_mangle)]
pub extern "C" fn rt_file_exists_probe_begin() -> i64 {
    let mut p = PROBES.lock().unwrap();
    if p.1 {
        return -1;
    }
    *p = (p.0 + 1, true, 0, 0);
    p.0
}

/// Closes generation `token`: `(total << 32) | failed`, or -2 for a wrong token.
#[unsafe(no_mangle)]
pub extern "C" fn rt_file_exists_probe_end(token: i64) -> i64 {
    let mut p = PROBES.lock().unwrap();
    if !p.1 || p.0 != token {
        return -2;
    }
    p.1 = false;
    (i64::from(p.2) << 32) | i64::from(p.3)
}

/// What `rt_file_exists` records about each call.
pub fn probe_record(exists: bool) {
    let mut p = PROBES.lock().unwrap();
    if p.1 {
        p.2 += 1;
        p.3 += u32::from(!exists);
    }
}

// ---- the argument store --------------------------------------------------------------

/// The store that `rt_set_args`, `rt_get_args`, `rt_get_argc`, `rt_set_args_vec`
/// (the driver's) and `rt_cli_arg_*` share.
pub static PROGRAM_ARGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The driver's `rt_set_args_vec` (Rust only: JIT, SMF and interpreter runs).
pub fn rt_set_args_vec(args: &[String]) {
    *PROGRAM_ARGS.lock().unwrap() = args.to_vec();
}

/// The store, filled from the process's arguments on first use if empty.
pub fn args_snapshot() -> Vec<String> {
    let mut a = PROGRAM_ARGS.lock().unwrap();
    if a.is_empty() {
        *a = std::env::args().collect();
    }
    a.clone()
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_get_argc() -> i32 {
    PROGRAM_ARGS.lock().unwrap().len() as i32
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_clear_args() {
    PROGRAM_ARGS.lock().unwrap().clear();
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_cli_arg_count() -> i64 {
    args_snapshot().len() as i64
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_cli_arg_at(i: i64) -> Rv {
    match usize::try_from(i)
        .ok()
        .and_then(|i| args_snapshot().get(i).cloned())
    {
        Some(a) => value::string(a.as_bytes()),
        None => NIL,
    }
}

// ---- std's environment: the runtime's other readers ----------------------------------

/// `rt_env_exists(name)`: one of the ~25 other runtime functions on std's environment.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_env_exists(name: *const u8, len: u64) -> bool {
    unsafe { plain(name, len) }.is_some_and(|n| !n.is_empty() && std::env::var_os(n).is_some())
}

/// `rt_process_run_timeout(cmd, args, timeout_ms)`: another runtime function that
/// starts children with std's `Command` (so they get std's environment); (stdout,
/// stderr, code), code -1 on failure or timeout.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_process_run_timeout(
    cmd: *const u8,
    len: u64,
    args: Rv,
    timeout_ms: i64,
) -> Rv {
    let Some(cmd) = (unsafe { plain(cmd, len) }) else {
        return run_result(b"", b"", -1);
    };
    let mut c = std::process::Command::new(cmd);
    for i in 0..value::rt_array_len(args).max(0) {
        match tagged_str(value::rt_array_get(args, i)) {
            Some(a) => c.arg(a),
            None => return run_result(b"", b"", -1),
        };
    }
    c.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let Ok(mut child) = c.spawn() else {
        return run_result(b"", b"", -1);
    };
    let deadline =
        std::time::Instant::now() + std::time::Duration::from_millis(timeout_ms.max(0) as u64);
    while child.try_wait().is_ok_and(|s| s.is_none()) {
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return run_result(b"", b"", -1);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    match child.wait_with_output() {
        Ok(o) => run_result(&o.stdout, &o.stderr, o.status.code().map_or(-1, i64::from)),
        Err(_) => run_result(b"", b"", -1),
    }
}

// ---- exit ----------------------------------------------------------------------------

extern "C" fn terminal_restore() {
    let msg = b"[terminal restored]\n";
    // SAFETY: a plain write of a static buffer to stderr.
    unsafe { libc::write(2, msg.as_ptr().cast(), msg.len()) };
}

/// `rt_atexit_install`: registers the runtime's `atexit` clean-up (the terminal
/// restore); 1 on success.
#[unsafe(no_mangle)]
pub extern "C" fn rt_atexit_install() -> i64 {
    // SAFETY: terminal_restore is a plain extern "C" fn with no arguments.
    i64::from(unsafe { libc::atexit(terminal_restore) } == 0)
}
