//! The runtime's time, thread, environment-removal, stderr and random functions of
//! issue 22 (`executor.rs`, `env_process.rs`, `io_print.rs`, `random.rs`; the two
//! clocks are C, c/runtime_time.c): the bodies, what each keeps, and their system
//! work on std ([`StdMisc`]) or through `ffi_syscalls::hosted` (the README's rows).
//! Kept on std in every build, as the README says: `rt_env_remove` (std's
//! environment) and `rt_stderr_write` (the print path and its capture).

use crate::value::{self, NIL, Rv};

/// The system work of these bodies.
pub trait Misc {
    /// `thread::sleep(ms)` when `ms > 0`.
    fn thread_sleep(ms: i64);
    /// `available_parallelism`, 1 on error.
    fn available_parallelism() -> i64;
    /// `len` random bytes as lowercase hex (empty for `len <= 0`), None when the
    /// generator fails.
    fn random_hex(len: i64) -> Option<Vec<u8>>;
}

/// The runtime's own std bodies.
pub struct StdMisc;

impl Misc for StdMisc {
    fn thread_sleep(ms: i64) {
        if ms > 0 {
            std::thread::sleep(std::time::Duration::from_millis(ms as u64));
        }
    }

    fn available_parallelism() -> i64 {
        std::thread::available_parallelism().map_or(1, |n| n.get() as i64)
    }

    fn random_hex(len: i64) -> Option<Vec<u8>> {
        use std::io::Read;
        let mut bytes = vec![0u8; len.max(0) as usize];
        if !bytes.is_empty() {
            std::fs::File::open("/dev/urandom")
                .and_then(|mut f| f.read_exact(&mut bytes))
                .ok()?;
        }
        Some(
            bytes
                .iter()
                .flat_map(|b| format!("{b:02x}").into_bytes())
                .collect(),
        )
    }
}

/// The runtime's bootstrap build: the crate does the system work.
#[cfg(feature = "hosted")]
pub struct HostedMisc;

#[cfg(feature = "hosted")]
impl Misc for HostedMisc {
    fn thread_sleep(ms: i64) {
        ffi_syscalls::hosted::thread_sleep(ms)
    }

    fn available_parallelism() -> i64 {
        ffi_syscalls::hosted::thread_available_parallelism()
    }

    fn random_hex(len: i64) -> Option<Vec<u8>> {
        ffi_syscalls::hosted::random_hex(len).ok()
    }
}

/// `rt_random_hex`: "" for `len <= 0`, NIL on failure, else the hex String.
pub fn random_hex<M: Misc>(len: i64) -> Rv {
    M::random_hex(len).map_or(NIL, |h| value::string(&h))
}

/// `value_to_display_string` for the values the model makes.
pub fn display(v: Rv) -> String {
    match value::val(v) {
        value::Val::Nil => "nil".into(),
        value::Val::True => "true".into(),
        value::Val::False => "false".into(),
        value::Val::Int(i) => i.to_string(),
        value::Val::Str(b) => String::from_utf8_lossy(&b).into_owned(),
        value::Val::Arr(_) | value::Val::Bytes(_) => {
            let n = value::rt_array_len(v);
            let parts: Vec<String> = (0..n).map(|i| display(value::rt_array_get(v, i))).collect();
            format!("[{}]", parts.join(", "))
        }
        _ => format!("<value:0x{v:x}>"),
    }
}

/// Which system work the exported bodies use in this build.
#[cfg(feature = "hosted")]
pub type ActiveMisc = HostedMisc;
/// Which system work the exported bodies use in this build.
#[cfg(not(feature = "hosted"))]
pub type ActiveMisc = StdMisc;

/// The exported symbols: the runtime's own, in the std and hosted builds only.
#[cfg(not(feature = "old-way"))]
mod exported {
    use super::*;

    unsafe extern "C" {
        // The runtime's stderr_write prints through the symbol (and so its capture).
        #[link_name = "rt_eprint_str"]
        fn eprint_str_symbol(ptr: *const u8, len: u64);
    }

    #[unsafe(no_mangle)]
    pub extern "C" fn rt_thread_sleep(ms: i64) {
        ActiveMisc::thread_sleep(ms)
    }

    #[unsafe(no_mangle)]
    pub extern "C" fn rt_thread_available_parallelism() -> i64 {
        ActiveMisc::available_parallelism()
    }

    #[unsafe(no_mangle)]
    pub extern "C" fn rt_random_hex(len: i64) -> Rv {
        random_hex::<ActiveMisc>(len)
    }

    /// std's environment in every build.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn rt_env_remove(p: *const u8, l: u64) -> bool {
        if p.is_null() {
            return false;
        }
        // SAFETY: the caller passes l readable bytes.
        let b = unsafe { std::slice::from_raw_parts(p, l as usize) };
        let Ok(name) = std::str::from_utf8(b) else {
            return false;
        };
        // SAFETY: the runtime's own body does the same (std's lock guards it).
        unsafe { std::env::remove_var(name) };
        true
    }

    /// The print path in every build (capture included).
    #[unsafe(no_mangle)]
    pub extern "C" fn rt_stderr_write(data: i64) -> i64 {
        let s = display(data as Rv);
        // SAFETY: s is alive for the call.
        unsafe { eprint_str_symbol(s.as_ptr(), s.len() as u64) };
        0
    }
}
