//! The exported symbols: the `syscall_*` C ABI (always; in a hosted build without
//! the environment, arguments, exit and spawn) and the runtime's `rt_*` RuntimeValue
//! ABI (feature `standalone` only: a hosted runtime keeps its own `rt_*`
//! and calls [`crate::hosted`]).
//!
//! Every failing call records its errno, readable with `syscall_last_errno()`.
//! Successful calls leave it alone, like C's errno. It is one process-wide value
//! (there is no thread-local storage without libc or nightly Rust): a multithreaded
//! caller reads it before its next call.

use crate::Errno;
use crate::sys::Result;

pub mod c;
#[cfg(feature = "standalone")]
pub mod rt;

/// The `rt_*` symbols `exports::rt` defines with feature `standalone`, in the order of the
/// runtime's table (also in `rt-symbols.txt`, for the runtime's build). Available in
/// every build, so a build script can read it without the feature.
pub const RT_SYMBOLS: [&str; 48] = [
    "rt_file_exists",
    "rt_file_read_text",
    "rt_file_write_text",
    "rt_file_append_text",
    "rt_file_remove",
    "rt_file_delete",
    "rt_file_size",
    "rt_file_modified_time",
    "rt_file_copy",
    "rt_dir_create",
    "rt_dir_list",
    "rt_file_lock",
    "rt_file_unlock",
    "rt_file_mmap_read_text",
    "rt_file_mmap_read_bytes",
    "rt_env_cwd",
    "rt_env_home",
    "rt_env_get",
    "rt_env_set",
    "rt_getpid",
    "rt_process_run",
    "rt_system_cpu_count",
    "rt_hostname",
    "rt_print_str",
    "rt_println_str",
    "rt_eprint_str",
    "rt_eprintln_str",
    "rt_exit",
    "rt_set_args",
    "rt_get_args",
    "rt_time_now_unix_micros",
    "rt_time_now_nanos",
    "rt_time_now_micros",
    "rt_thread_sleep",
    "rt_env_remove",
    "rt_stderr_write",
    "rt_thread_available_parallelism",
    "rt_random_hex",
    "rt_dir_exists",
    "rt_dir_create_all",
    "rt_file_read_bytes",
    "rt_file_write_bytes",
    "rt_file_rename",
    "rt_file_move",
    "rt_path_absolute",
    "rt_file_write_text_at",
    "rt_dir_walk",
    "rt_dir_remove_all",
];
// The errno store is the hosted API's (the layer below), so both layers record into one.
pub(crate) use crate::hosted::{last_errno, record, set_errno};

/// A `(pointer, length)` argument as a slice: a null pointer is the empty slice when
/// the length is 0 and `EFAULT` otherwise; a length no slice can have is `EINVAL`.
///
/// # Safety
/// A non-null `ptr` must be valid for `len` bytes for the duration of the call.
pub(crate) unsafe fn slice_arg<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8]> {
    if len > isize::MAX as usize {
        return Err(Errno::EINVAL);
    }
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Errno::EFAULT)
        };
    }
    // SAFETY: forwarded from this function's own contract.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}
