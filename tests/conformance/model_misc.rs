//! The model's std versions of the runtime's time, thread, environment-removal,
//! stderr and random functions (issue 22), written from the runtime's source:
//! `src/runtime/runtime_time.c` (`rt_time_now_nanos`: CLOCK_MONOTONIC, -1 on failure
//! or overflow; `rt_time_now_micros`: nanos / 1000), `executor.rs` (`rt_thread_sleep`:
//! `thread::sleep` when > 0; `rt_thread_available_parallelism`: `available_parallelism`,
//! 1 on error), `env_process.rs` (`rt_env_remove`: null or non-UTF-8 false, else
//! `remove_var` and true), `io_print.rs` (`rt_stderr_write`: the value's display text
//! through the print path, 0) and `random.rs` (`rt_random_hex`: "" for len <= 0, NIL
//! when the OS generator fails, else 2n lowercase hex digits).
#![allow(clippy::missing_safety_doc)]

use crate::abi::{self, NIL, Obj, obj, string};
use std::io::Read;

pub fn time_now_nanos() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    if unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) } != 0 || ts.tv_sec < 0 {
        return -1;
    }
    ts.tv_sec
        .checked_mul(1_000_000_000)
        .and_then(|n| n.checked_add(ts.tv_nsec))
        .unwrap_or(-1)
}

pub fn time_now_micros() -> i64 {
    let n = time_now_nanos();
    if n < 0 { -1 } else { n / 1000 }
}

pub fn thread_sleep(ms: i64) {
    if ms > 0 {
        std::thread::sleep(std::time::Duration::from_millis(ms as u64));
    }
}

pub fn thread_available_parallelism() -> i64 {
    std::thread::available_parallelism().map_or(1, |n| n.get() as i64)
}

pub unsafe fn env_remove(p: *const u8, l: u64) -> bool {
    if p.is_null() {
        return false;
    }
    let b = unsafe { std::slice::from_raw_parts(p, l as usize) };
    let Ok(name) = std::str::from_utf8(b) else {
        return false;
    };
    unsafe { std::env::remove_var(name) };
    true
}

/// `value_to_display_string` for the values the model's ABI makes.
pub fn display(v: u64) -> String {
    match v {
        NIL => return "nil".into(),
        0xb => return "true".into(),
        0x13 => return "false".into(),
        0x1b => return "error".into(),
        _ => {}
    }
    match v & 7 {
        0 => return ((v as i64) >> 3).to_string(),
        3 => return format!("<special:{}>", v >> 3),
        _ => {}
    }
    match obj(v) {
        Some(Obj::Str { bytes, .. }) => String::from_utf8_lossy(bytes).into_owned(),
        Some(Obj::Arr(_) | Obj::Bytes(_)) => {
            let n = abi::rt_array_len(v);
            let parts: Vec<String> = (0..n).map(|i| display(abi::rt_array_get(v, i))).collect();
            format!("[{}]", parts.join(", "))
        }
        _ => format!("<value:0x{v:x}>"),
    }
}

pub fn stderr_write(v: u64) -> i64 {
    let s = display(v);
    unsafe { crate::model::print_to(2, s.as_ptr(), s.len() as u64, false) };
    0
}

pub fn random_hex(len: i64) -> u64 {
    let n = len.max(0) as usize;
    if n == 0 {
        return string(b"");
    }
    let mut bytes = vec![0u8; n];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if read.is_err() {
        return NIL;
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    string(hex.as_bytes())
}
