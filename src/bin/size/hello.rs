//! Size probe: hello, one `rt_println_str` (it prints "hello").
#![no_std]
#![no_main]

use ffi_syscalls as _;
use ffi_syscalls::exports::rt::rt_println_str;

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8, _envp: *const *const u8) -> i32 {
    // SAFETY: a live text.
    unsafe { rt_println_str(b"hello".as_ptr(), 5) };
    0
}
