//! Stands for the runtime's `native_all` crate (which bundles the runtime): it, not
//! the runtime crate, defines `rt_hostname` and `rt_system_cpu_count`. With feature
//! `hosted` the bodies call `ffi_syscalls::hosted`. Values through the runtime's
//! exported constructor, resolved at link time as in the runtime.
//!
//! The runtime's own `rt_hostname` is a stub ("localhost"); the crate gives the real
//! name, so the std version here reads it with `gethostname` so that both builds can
//! be held to the same result.

#[cfg(not(feature = "hosted"))]
unsafe extern "C" {
    fn rt_string_new(ptr: *const u8, len: u64) -> u64;
}

/// `rt_hostname() -> String value`: the node name; "localhost" (the runtime's stub's
/// answer) when it can not be had.
#[unsafe(no_mangle)]
pub extern "C" fn rt_hostname() -> u64 {
    #[cfg(feature = "hosted")]
    return ffi_syscalls::hosted::value::hostname().0;
    #[cfg(not(feature = "hosted"))]
    {
        let mut buf = [0u8; 256];
        // SAFETY: buf is writable for its length.
        let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
        let n = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        let name = if ok { &buf[..n] } else { &b"localhost"[..] };
        // SAFETY: the runtime's constructor copies len bytes.
        unsafe { rt_string_new(name.as_ptr(), name.len() as u64) }
    }
}

/// `rt_system_cpu_count() -> i64`: the CPUs this process may use, 1 on failure.
#[unsafe(no_mangle)]
pub extern "C" fn rt_system_cpu_count() -> i64 {
    #[cfg(feature = "hosted")]
    return ffi_syscalls::hosted::system_cpu_count() as i64;
    #[cfg(not(feature = "hosted"))]
    std::thread::available_parallelism().map_or(1, |n| n.get() as i64)
}
