//! The runtime's `rt_*` bodies for the functions the crate serves: what each keeps
//! (sandbox, caches, counters, capture, the argument store, std's environment, the
//! exit path) around the system work of a [`System`]. The bodies are generic so the
//! benchmarks can run both versions in one process; the exported symbols (absent in
//! the old-way build, where the crate defines them) use [`Active`].
#![allow(clippy::missing_safety_doc)] // the C ABI's contracts are the runtime's

use crate::state::{self, plain, raw_or_tagged};
use crate::system::System;
use crate::value::{self, NIL, Rv};

/// `rt_file_exists`: counted by the probe counters.
pub unsafe fn file_exists<S: System>(p: *const u8, l: u64) -> bool {
    let exists = unsafe { plain(p, l) }.is_some_and(S::file_exists);
    state::probe_record(exists);
    exists
}

/// `rt_file_read_text`: sandbox check, then the read cache (validated by length and
/// mtime), then the read.
pub unsafe fn file_read_text<S: System>(p: *const u8, l: u64) -> Rv {
    if !state::rt_security_sandbox_capability_allowed(state::READ_FILE) {
        return NIL;
    }
    let Some(path) = (unsafe { plain(p, l) }) else {
        return NIL;
    };
    let Some(stamp) = state::stamp(path) else {
        return NIL;
    };
    if let Some(v) = state::read_cache_get(path, stamp) {
        return v;
    }
    let v = S::file_read_text(path, stamp.0);
    if v != NIL {
        *state::READ_CACHE.lock().unwrap() = Some((path.to_string(), stamp, v));
    }
    v
}

/// `rt_file_write_text`: sandbox check, UTF-8 content, cache invalidation.
pub unsafe fn file_write_text<S: System>(p: *const u8, l: u64, c: *const u8, cl: u64) -> bool {
    if !state::rt_security_sandbox_capability_allowed(state::WRITE_FILE) {
        return false;
    }
    let (Some(path), Some(content)) = (unsafe { plain(p, l) }, unsafe { plain(c, cl) }) else {
        return false;
    };
    state::invalidate_file_caches(path);
    S::file_write_text(path, content)
}

/// `rt_file_append_text`.
pub unsafe fn file_append_text<S: System>(p: *const u8, l: u64, c: *const u8, cl: u64) -> bool {
    match unsafe { (plain(p, l), plain(c, cl)) } {
        (Some(path), Some(content)) => S::file_append_text(path, content),
        _ => false,
    }
}

/// `rt_file_remove` (and `rt_file_delete`): cache invalidation, then the removal.
pub unsafe fn file_remove<S: System>(p: *const u8, l: u64) -> bool {
    let Some(path) = (unsafe { plain(p, l) }) else {
        return false;
    };
    state::invalidate_file_caches(path);
    S::file_remove(path)
}

/// `rt_file_size`.
pub unsafe fn file_size<S: System>(p: *const u8, l: u64) -> i64 {
    unsafe { plain(p, l) }.map_or(-1, S::file_size)
}

/// `rt_file_copy`.
pub unsafe fn file_copy<S: System>(s: *const u8, sl: u64, d: *const u8, dl: u64) -> bool {
    match unsafe { (plain(s, sl), plain(d, dl)) } {
        (Some(src), Some(dst)) => S::file_copy(src, dst),
        _ => false,
    }
}

/// `rt_dir_create`.
pub unsafe fn dir_create<S: System>(p: *const u8, l: u64, recursive: bool) -> bool {
    unsafe { plain(p, l) }.is_some_and(|path| S::dir_create(path, recursive))
}

/// `rt_dir_list`.
pub unsafe fn dir_list<S: System>(p: *const u8, l: u64) -> Rv {
    unsafe { plain(p, l) }.map_or(NIL, S::dir_list)
}

/// `rt_file_lock` (the path may be a String value with len 0).
pub unsafe fn file_lock<S: System>(p: *const u8, l: u64, timeout_secs: i64) -> i64 {
    unsafe { raw_or_tagged(p, l) }.map_or(-1, |path| S::file_lock(path, timeout_secs))
}

/// `rt_file_mmap_read_text` (the path may be a String value with len 0).
pub unsafe fn file_mmap_read_text<S: System>(p: *const u8, l: u64) -> Rv {
    unsafe { raw_or_tagged(p, l) }.map_or(NIL, S::file_mmap_read_text)
}

/// `rt_file_mmap_read_bytes` (the path may be a String value with len 0).
pub unsafe fn file_mmap_read_bytes<S: System>(p: *const u8, l: u64) -> Rv {
    unsafe { raw_or_tagged(p, l) }.map_or(NIL, S::file_mmap_read_bytes)
}

/// `rt_process_run`: drops the read caches (the child may rewrite any file), checks
/// the command and every argument (a non-String fails the run), then runs it.
pub unsafe fn process_run<S: System>(p: *const u8, l: u64, args: Rv) -> Rv {
    state::invalidate_all_read_caches();
    let Some(cmd) = (unsafe { plain(p, l) }) else {
        return state::run_result(b"", b"", -1);
    };
    let mut list = Vec::new();
    for i in 0..value::rt_array_len(args).max(0) {
        let a = value::rt_array_get(args, i);
        let (n, d) = (value::rt_string_len(a), value::rt_string_data(a));
        if n < 0 || d.is_null() {
            return state::run_result(b"", b"", -1);
        }
        // SAFETY: a registered String's bytes.
        let b = unsafe { std::slice::from_raw_parts(d, n as usize) };
        list.push(String::from_utf8_lossy(b).into_owned());
    }
    S::process_run(cmd, &list)
}

/// Which system work the exported bodies use in this build.
#[cfg(feature = "hosted")]
pub type Active = crate::hosted::HostedSystem;
/// Which system work the exported bodies use in this build.
#[cfg(not(feature = "hosted"))]
pub type Active = crate::system::StdSystem;

/// The exported symbols: the runtime's own, in the std and hosted builds only.
#[cfg(not(feature = "old-way"))]
mod exported {
    use super::*;

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_exists(p: *const u8, l: u64) -> bool {
        unsafe { file_exists::<Active>(p, l) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_read_text(p: *const u8, l: u64) -> Rv {
        unsafe { file_read_text::<Active>(p, l) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_write_text(
        p: *const u8,
        l: u64,
        c: *const u8,
        cl: u64,
    ) -> bool {
        unsafe { file_write_text::<Active>(p, l, c, cl) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_append_text(
        p: *const u8,
        l: u64,
        c: *const u8,
        cl: u64,
    ) -> bool {
        unsafe { file_append_text::<Active>(p, l, c, cl) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_remove(p: *const u8, l: u64) -> bool {
        unsafe { file_remove::<Active>(p, l) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_delete(p: *const u8, l: u64) -> bool {
        unsafe { file_remove::<Active>(p, l) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_size(p: *const u8, l: u64) -> i64 {
        unsafe { file_size::<Active>(p, l) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_copy(s: *const u8, sl: u64, d: *const u8, dl: u64) -> bool {
        unsafe { file_copy::<Active>(s, sl, d, dl) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_dir_create(p: *const u8, l: u64, recursive: bool) -> bool {
        unsafe { dir_create::<Active>(p, l, recursive) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_dir_list(p: *const u8, l: u64) -> Rv {
        unsafe { dir_list::<Active>(p, l) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_lock(p: *const u8, l: u64, timeout_secs: i64) -> i64 {
        unsafe { file_lock::<Active>(p, l, timeout_secs) }
    }

    #[unsafe(no_mangle)]
    pub extern "C" fn rt_file_unlock(fd: i64) -> bool {
        Active::file_unlock(fd)
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_mmap_read_text(p: *const u8, l: u64) -> Rv {
        unsafe { file_mmap_read_text::<Active>(p, l) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_file_mmap_read_bytes(p: *const u8, l: u64) -> Rv {
        unsafe { file_mmap_read_bytes::<Active>(p, l) }
    }

    #[unsafe(no_mangle)]
    pub extern "C" fn rt_env_cwd() -> Rv {
        Active::env_cwd()
    }

    #[unsafe(no_mangle)]
    pub extern "C" fn rt_getpid() -> i64 {
        Active::getpid()
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_process_run(p: *const u8, l: u64, args: Rv) -> Rv {
        unsafe { process_run::<Active>(p, l, args) }
    }

    // ---- on std in every build: std's environment, stdout, exit, the arguments ----

    /// Null, empty or longer than `max`: None; lossy.
    unsafe fn ptr_string(p: *const u8, l: u64, max: u64) -> Option<String> {
        if p.is_null() || l == 0 || l > max {
            return None;
        }
        // SAFETY: the caller passes l readable bytes.
        let b = unsafe { std::slice::from_raw_parts(p, l as usize) };
        Some(String::from_utf8_lossy(b).into_owned())
    }

    #[unsafe(no_mangle)]
    pub extern "C" fn rt_env_home() -> Rv {
        match std::env::var("HOME").or_else(|_| std::env::var("USERPROFILE")) {
            Ok(h) => value::string(h.as_bytes()),
            Err(_) => NIL,
        }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_env_get(p: *const u8, l: u64) -> Rv {
        match unsafe { ptr_string(p, l, 4095) } {
            Some(n) if !n.contains(['\0', '=']) => match std::env::var(&n) {
                Ok(v) => value::string(v.as_bytes()),
                Err(_) => NIL,
            },
            _ => NIL,
        }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_env_set(p: *const u8, l: u64, v: *const u8, vl: u64) -> bool {
        let Some(name) = (unsafe { ptr_string(p, l, 4095) }) else {
            return false;
        };
        let value = if vl == 0 {
            Some(String::new())
        } else {
            unsafe { ptr_string(v, vl, 65535) }
        };
        match value {
            Some(v) if !name.contains(['\0', '=']) && !v.contains('\0') => {
                // SAFETY: the runtime's own body does the same (std's lock guards it
                // against std's readers).
                unsafe { std::env::set_var(name, v) };
                true
            }
            _ => false,
        }
    }

    unsafe fn print(fd: i32, p: *const u8, l: u64, newline: bool) {
        let mut out = Vec::new();
        if !p.is_null() {
            // SAFETY: the caller passes l readable bytes.
            out.extend_from_slice(unsafe { std::slice::from_raw_parts(p, l as usize) });
        }
        if newline {
            out.push(b'\n');
        }
        if !state::captured(fd, &out) {
            state::write_out(fd, &out);
        }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_print_str(p: *const u8, l: u64) {
        unsafe { print(1, p, l, false) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_println_str(p: *const u8, l: u64) {
        unsafe { print(1, p, l, true) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_eprint_str(p: *const u8, l: u64) {
        unsafe { print(2, p, l, false) }
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_eprintln_str(p: *const u8, l: u64) {
        unsafe { print(2, p, l, true) }
    }

    /// `std::process::exit`: flushes std's stdout and runs the `atexit` handlers.
    #[unsafe(no_mangle)]
    pub extern "C" fn rt_exit(code: i32) -> ! {
        std::process::exit(code)
    }

    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_set_args(argc: i32, argv: *const *const u8) {
        let mut list = Vec::new();
        for i in 0..if argv.is_null() { 0 } else { argc.max(0) } {
            // SAFETY: the caller passes argc entries.
            let a = unsafe { *argv.add(i as usize) };
            if a.is_null() {
                continue;
            }
            // SAFETY: each non-null entry is a C string.
            if let Ok(s) = unsafe { std::ffi::CStr::from_ptr(a.cast()) }.to_str() {
                list.push(s.to_string());
            }
        }
        *state::PROGRAM_ARGS.lock().unwrap() = list;
    }

    #[unsafe(no_mangle)]
    pub extern "C" fn rt_get_args() -> Rv {
        let args = state::args_snapshot();
        let a = value::rt_array_new(args.len() as u64);
        for s in &args {
            value::rt_array_push(a, value::string(s.as_bytes()));
        }
        a
    }
}
