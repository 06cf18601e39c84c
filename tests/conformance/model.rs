//! A model of the Simple runtime's own std implementations of the functions the crate
//! replaces, with the same C signatures as the crate's exports: the runtime's argument
//! decoding here, its std work from the integration model's [`StdSystem`] (the same
//! file as tests/integration's), and what only this suite needs (`rt_env_*`, prints,
//! arguments, time, hostname), written from what the runtime's source does
//! (`env_process.rs`, `io_print.rs`, `value/args.rs`, the C `runtime_time.c`).
#![allow(clippy::missing_safety_doc)]

use crate::abi::{self, NIL, plain, raw_or_tagged, string};
use crate::system::{StdSystem as Std, System};
use std::io::Write;
use std::sync::Mutex;

pub unsafe fn file_exists(p: *const u8, l: u64) -> bool {
    unsafe { plain(p, l) }.is_some_and(Std::file_exists)
}

pub unsafe fn file_read_text(p: *const u8, l: u64) -> u64 {
    unsafe { plain(p, l) }.map_or(NIL, |p| Std::file_read_text(p, 0))
}

pub unsafe fn file_write_text(p: *const u8, l: u64, c: *const u8, cl: u64) -> bool {
    match unsafe { (plain(p, l), plain(c, cl)) } {
        (Some(p), Some(c)) => Std::file_write_text(p, c),
        _ => false,
    }
}

pub unsafe fn file_append_text(p: *const u8, l: u64, c: *const u8, cl: u64) -> bool {
    match unsafe { (plain(p, l), plain(c, cl)) } {
        (Some(p), Some(c)) => Std::file_append_text(p, c),
        _ => false,
    }
}

pub unsafe fn file_remove(p: *const u8, l: u64) -> bool {
    unsafe { plain(p, l) }.is_some_and(Std::file_remove)
}

pub unsafe fn file_size(p: *const u8, l: u64) -> i64 {
    unsafe { plain(p, l) }.map_or(-1, Std::file_size)
}

/// The C supplement: stat (following links), whole seconds, -1 on failure.
pub unsafe fn file_modified_time(p: *const u8, l: u64) -> i64 {
    use std::os::unix::fs::MetadataExt;
    unsafe { plain(p, l) }
        .and_then(|p| std::fs::metadata(p).ok())
        .map_or(-1, |m| m.mtime())
}

pub unsafe fn file_copy(s: *const u8, sl: u64, d: *const u8, dl: u64) -> bool {
    match unsafe { (plain(s, sl), plain(d, dl)) } {
        (Some(s), Some(d)) => Std::file_copy(s, d),
        _ => false,
    }
}

pub unsafe fn dir_create(p: *const u8, l: u64, recursive: bool) -> bool {
    unsafe { plain(p, l) }.is_some_and(|p| Std::dir_create(p, recursive))
}

pub unsafe fn dir_list(p: *const u8, l: u64) -> u64 {
    unsafe { plain(p, l) }.map_or(NIL, Std::dir_list)
}

pub unsafe fn file_lock(p: *const u8, l: u64, timeout_secs: i64) -> i64 {
    unsafe { raw_or_tagged(p, l) }.map_or(-1, |p| Std::file_lock(p, timeout_secs))
}

pub fn file_unlock(handle: i64) -> bool {
    Std::file_unlock(handle)
}

pub unsafe fn file_mmap_read_text(p: *const u8, l: u64) -> u64 {
    unsafe { raw_or_tagged(p, l) }.map_or(NIL, Std::file_mmap_read_text)
}

pub unsafe fn file_mmap_read_bytes(p: *const u8, l: u64) -> u64 {
    unsafe { raw_or_tagged(p, l) }.map_or(NIL, Std::file_mmap_read_bytes)
}

pub fn env_cwd() -> u64 {
    Std::env_cwd()
}

pub fn env_home() -> u64 {
    match std::env::var("HOME").or_else(|_| std::env::var("USERPROFILE")) {
        Ok(h) => string(h.as_bytes()),
        Err(_) => NIL,
    }
}

/// `ptr_string`: null, empty or longer than `max` is None; lossy.
unsafe fn ptr_string(p: *const u8, l: u64, max: u64) -> Option<String> {
    if p.is_null() || l == 0 || l > max {
        return None;
    }
    Some(String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(p, l as usize) }).into_owned())
}

pub unsafe fn env_get(p: *const u8, l: u64) -> u64 {
    let Some(name) = (unsafe { ptr_string(p, l, 4095) }) else {
        return NIL;
    };
    if name.contains(['\0', '=']) {
        return NIL; // std::env::var would fail or match oddly; the value is NIL either way
    }
    match std::env::var(&name) {
        Ok(v) => string(v.as_bytes()),
        Err(_) => NIL,
    }
}

pub unsafe fn env_set(p: *const u8, l: u64, v: *const u8, vl: u64) -> bool {
    let Some(name) = (unsafe { ptr_string(p, l, 4095) }) else {
        return false;
    };
    let value = if vl == 0 {
        String::new()
    } else {
        match unsafe { ptr_string(v, vl, 65535) } {
            Some(v) => v,
            None => return false,
        }
    };
    if name.is_empty() || name.contains(['\0', '=']) || value.contains('\0') {
        return false;
    }
    unsafe { std::env::set_var(name, value) };
    true
}

pub fn getpid() -> i64 {
    Std::getpid()
}

/// `rt_process_run`: a command that is not UTF-8, or an argument that is not a
/// String, fails as a start failure; String arguments are taken lossily.
pub unsafe fn process_run(p: *const u8, l: u64, args: u64) -> u64 {
    let failed = || abi::run_result(b"", b"", -1);
    let Some(cmd) = (unsafe { plain(p, l) }) else {
        return failed();
    };
    let mut list = Vec::new();
    for i in 0..abi::rt_array_len(args).max(0) {
        let a = abi::rt_array_get(args, i);
        let (len, data) = (abi::rt_string_len(a), abi::rt_string_data(a));
        if len < 0 || data.is_null() {
            return failed();
        }
        let b = unsafe { std::slice::from_raw_parts(data, len as usize) };
        list.push(String::from_utf8_lossy(b).into_owned());
    }
    Std::process_run(cmd, &list)
}

pub fn system_cpu_count() -> i64 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as i64)
}

/// The runtime's own rt_hostname is a stub; the crate deliberately gives the real
/// name, so the model here is the node name std-side (`uname`).
pub fn hostname() -> u64 {
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::uname(&mut u) }, 0);
    let name = unsafe { std::ffi::CStr::from_ptr(u.nodename.as_ptr()) };
    string(name.to_bytes())
}

/// The print functions: null prints nothing (the newline still goes out); flushed.
pub unsafe fn print_to(fd: i32, p: *const u8, l: u64, newline: bool) {
    let mut out: Vec<u8> = Vec::new();
    if !p.is_null() {
        out.extend_from_slice(unsafe { std::slice::from_raw_parts(p, l as usize) });
    }
    if newline {
        out.push(b'\n');
    }
    let written = if fd == 1 {
        std::io::stdout()
            .write_all(&out)
            .and_then(|()| std::io::stdout().flush())
    } else {
        std::io::stderr().write_all(&out)
    };
    if let Err(e) = written
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

static PROGRAM_ARGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

pub unsafe fn set_args(argc: i32, argv: *const *const u8) {
    let mut list = Vec::new();
    if argc > 0 && !argv.is_null() {
        for i in 0..argc as usize {
            let a = unsafe { *argv.add(i) };
            if a.is_null() {
                continue;
            }
            if let Ok(s) = unsafe { std::ffi::CStr::from_ptr(a.cast()) }.to_str() {
                list.push(s.to_string());
            }
        }
    }
    *PROGRAM_ARGS.lock().unwrap() = list;
}

pub fn get_args() -> u64 {
    let mut stored = PROGRAM_ARGS.lock().unwrap();
    if stored.is_empty() {
        *stored = std::env::args().collect();
    }
    let a = abi::rt_array_new(stored.len() as u64);
    for s in stored.iter() {
        abi::rt_array_push(a, string(s.as_bytes()));
    }
    a
}

pub fn time_now_unix_micros() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    d.as_secs() as i64 * 1_000_000 + i64::from(d.subsec_micros())
}
