//! A model of the Simple runtime's own std implementations of the functions the crate
//! replaces, written from what its source does (`src/value/sffi/file_io/file_ops.rs`,
//! `metadata.rs`, `directory.rs`, `env_process.rs`, `io_print.rs`, `value/args.rs`,
//! and the C `runtime_time.c`), with the same C signatures as the crate's exports.
//! Values are made with the model ABI's constructors, as the runtime makes its own.
#![allow(clippy::missing_safety_doc)]

use crate::abi::{self, NIL, int, string};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::IntoRawFd;
use std::os::unix::process::CommandExt;
use std::sync::Mutex;

/// The runtime's "PLAIN" path: null fails, then strict UTF-8.
unsafe fn plain<'a>(ptr: *const u8, len: u64) -> Option<&'a str> {
    if ptr.is_null() {
        return None;
    }
    std::str::from_utf8(unsafe { std::slice::from_raw_parts(ptr, len as usize) }).ok()
}

/// `path_from_raw_or_tagged`: with len 0, a heap-tagged `ptr` is a String value.
unsafe fn raw_or_tagged<'a>(ptr: *const u8, len: u64) -> Option<&'a str> {
    if len == 0 && (ptr as u64) & 7 == 1 {
        let v = ptr as u64;
        let n = abi::rt_string_len(v);
        let d = abi::rt_string_data(v);
        if n < 0 || d.is_null() {
            return None;
        }
        return std::str::from_utf8(unsafe { std::slice::from_raw_parts(d, n as usize) }).ok();
    }
    unsafe { plain(ptr, len) }
}

pub unsafe fn file_exists(p: *const u8, l: u64) -> bool {
    unsafe { plain(p, l) }.is_some_and(|p| std::path::Path::new(p).exists())
}

pub unsafe fn file_read_text(p: *const u8, l: u64) -> u64 {
    let Some(p) = (unsafe { plain(p, l) }) else {
        return NIL;
    };
    let Ok(bytes) = std::fs::read(p) else {
        return NIL;
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return NIL;
    };
    string(text.replace('\r', "").as_bytes())
}

pub unsafe fn file_write_text(p: *const u8, l: u64, c: *const u8, cl: u64) -> bool {
    match unsafe { (plain(p, l), plain(c, cl)) } {
        (Some(p), Some(c)) => std::fs::write(p, c).is_ok(),
        _ => false,
    }
}

pub unsafe fn file_append_text(p: *const u8, l: u64, c: *const u8, cl: u64) -> bool {
    let (Some(p), Some(c)) = (unsafe { plain(p, l) }, unsafe { plain(c, cl) }) else {
        return false;
    };
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(p)
        .and_then(|mut f| f.write_all(c.as_bytes()))
        .is_ok()
}

pub unsafe fn file_remove(p: *const u8, l: u64) -> bool {
    unsafe { plain(p, l) }.is_some_and(|p| std::fs::remove_file(p).is_ok())
}

pub unsafe fn file_size(p: *const u8, l: u64) -> i64 {
    unsafe { plain(p, l) }
        .and_then(|p| std::fs::metadata(p).ok())
        .map_or(-1, |m| m.len() as i64)
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
        (Some(s), Some(d)) => std::fs::copy(s, d).is_ok(),
        _ => false,
    }
}

pub unsafe fn dir_create(p: *const u8, l: u64, recursive: bool) -> bool {
    let Some(p) = (unsafe { plain(p, l) }) else {
        return false;
    };
    if recursive {
        std::fs::create_dir_all(p).is_ok()
    } else {
        std::fs::create_dir(p).is_ok()
    }
}

pub unsafe fn dir_list(p: *const u8, l: u64) -> u64 {
    let Some(Ok(dir)) = (unsafe { plain(p, l) }).map(std::fs::read_dir) else {
        return NIL;
    };
    let a = abi::rt_array_new(0);
    for e in dir.flatten() {
        if let Some(name) = e.file_name().to_str() {
            abi::rt_array_push(a, string(name.as_bytes()));
        }
    }
    a
}

pub unsafe fn file_lock(p: *const u8, l: u64, timeout_secs: i64) -> i64 {
    let Some(p) = (unsafe { raw_or_tagged(p, l) }) else {
        return -1;
    };
    let Ok(f) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o644)
        .open(p)
    else {
        return -1;
    };
    let fd = f.into_raw_fd();
    let deadline =
        std::time::Instant::now() + std::time::Duration::from_secs(timeout_secs.max(0) as u64);
    loop {
        let op = if timeout_secs <= 0 {
            libc::LOCK_EX
        } else {
            libc::LOCK_EX | libc::LOCK_NB
        };
        if unsafe { libc::flock(fd, op) } == 0 {
            return fd as i64;
        }
        let e = std::io::Error::last_os_error().raw_os_error();
        if e == Some(libc::EINTR) {
            continue;
        }
        if timeout_secs <= 0
            || e != Some(libc::EWOULDBLOCK)
            || std::time::Instant::now() >= deadline
        {
            unsafe { libc::close(fd) };
            return -1;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

pub fn file_unlock(handle: i64) -> bool {
    let Ok(fd) = i32::try_from(handle) else {
        return false;
    };
    if fd < 0 {
        return false;
    }
    let unlocked = unsafe { libc::flock(fd, libc::LOCK_UN) } == 0;
    let closed = unsafe { libc::close(fd) } == 0;
    unlocked && closed
}

pub unsafe fn file_mmap_read_text(p: *const u8, l: u64) -> u64 {
    match unsafe { raw_or_tagged(p, l) }.map(std::fs::read) {
        Some(Ok(b)) => string(String::from_utf8_lossy(&b).as_bytes()),
        _ => NIL,
    }
}

pub unsafe fn file_mmap_read_bytes(p: *const u8, l: u64) -> u64 {
    match unsafe { raw_or_tagged(p, l) }.map(std::fs::read) {
        Some(Ok(b)) if b.is_empty() => abi::rt_byte_array_new(0),
        Some(Ok(b)) => unsafe { abi::rt_bytes_from_raw(b.as_ptr() as i64, b.len() as i64) },
        _ => NIL,
    }
}

pub fn env_cwd() -> u64 {
    match std::env::current_dir() {
        Ok(d) => string(d.to_string_lossy().as_bytes()),
        Err(_) => NIL,
    }
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
    std::process::id() as i64
}

fn failed_run() -> u64 {
    let empty = string(b"");
    let t = abi::rt_tuple_new(3);
    abi::rt_tuple_set(t, 0, empty);
    abi::rt_tuple_set(t, 1, empty);
    abi::rt_tuple_set(t, 2, int(-1));
    t
}

pub unsafe fn process_run(p: *const u8, l: u64, args: u64) -> u64 {
    let Some(cmd) = (unsafe { plain(p, l) }) else {
        return failed_run();
    };
    let mut c = std::process::Command::new(cmd);
    c.env_remove("_SIMPLE_STACK_SET");
    unsafe {
        c.pre_exec(|| match libc::setpgid(0, 0) {
            0 => Ok(()),
            _ => Err(std::io::Error::last_os_error()),
        })
    };
    let n = abi::rt_array_len(args);
    for i in 0..n.max(0) {
        let a = abi::rt_array_get(args, i);
        let (len, data) = (abi::rt_string_len(a), abi::rt_string_data(a));
        if len < 0 || data.is_null() {
            return failed_run();
        }
        let b = unsafe { std::slice::from_raw_parts(data, len as usize) };
        c.arg(String::from_utf8_lossy(b).into_owned());
    }
    let Ok(out) = c.stdin(std::process::Stdio::null()).output() else {
        return failed_run();
    };
    let t = abi::rt_tuple_new(3);
    abi::rt_tuple_set(
        t,
        0,
        string(String::from_utf8_lossy(&out.stdout).as_bytes()),
    );
    abi::rt_tuple_set(
        t,
        1,
        string(String::from_utf8_lossy(&out.stderr).as_bytes()),
    );
    abi::rt_tuple_set(t, 2, int(out.status.code().map_or(-1, i64::from)));
    t
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
