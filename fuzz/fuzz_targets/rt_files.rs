//! The rt_* functions with arbitrary bytes for paths, contents and names.
#![no_main]

#[path = "sandbox.rs"]
mod sandbox;

use ffi_syscalls::exports::rt::*;
use ffi_syscalls::value::{self, RuntimeValue as V};
use libfuzzer_sys::fuzz_target;
use sandbox::{Fields, path};

/// Releases what an rt_* function returned (values are freed; `bool`, `i64` and `()`
/// need nothing).
trait Free {
    fn free(self);
}
impl Free for V {
    fn free(self) {
        value::release(self)
    }
}
impl Free for bool {
    fn free(self) {}
}
impl Free for i64 {
    fn free(self) {}
}
impl Free for () {
    fn free(self) {}
}

fn free(v: impl Free) {
    v.free()
}

fuzz_target!(|data: &[u8]| {
    sandbox::checkpoint();
    let mut f = Fields(data);
    let op = f.byte();
    let (a, b) = (path(f.field()), path(f.field()));
    let content = f.0;
    let (ap, al) = (a.as_ptr(), a.len() as u64);
    let (bp, bl) = (b.as_ptr(), b.len() as u64);
    let (cp, cl) = (content.as_ptr(), content.len() as u64);
    unsafe {
        match op % 20 {
            0 => free(rt_file_exists(ap, al)),
            1 => free(rt_file_read_text(ap, al)),
            2 => free(rt_file_write_text(ap, al, cp, cl)),
            3 => free(rt_file_append_text(ap, al, cp, cl)),
            4 => free(rt_file_delete(ap, al)),
            5 => free(rt_file_remove(ap, al)),
            6 => free(rt_file_size(ap, al)),
            7 => free(rt_file_modified_time(ap, al)),
            8 => free(rt_file_copy(ap, al, bp, bl)),
            9 => free(rt_dir_create(ap, al, op & 0x80 != 0)),
            10 => free(rt_dir_list(ap, al)),
            11 => {
                // Waiting for a lock (timeout 0) never blocks here: nothing else holds
                // one in the sandbox.
                let h = rt_file_lock(ap, al, 0);
                if h >= 0 {
                    assert!(rt_file_unlock(h));
                    assert!(!rt_file_unlock(h), "a handle is released once");
                }
                free(rt_file_unlock(i64::from(op)));
            }
            12 => free(rt_file_mmap_read_text(ap, al)),
            13 => free(rt_file_mmap_read_bytes(ap, al)),
            // Names and values straight from the input (not paths).
            14 => free(rt_env_get(cp, cl)),
            15 => {
                // Never PATH: the values target spawns processes in the same run.
                if !content.starts_with(b"PATH") {
                    free(rt_env_set(cp, cl.min(40), cp, cl));
                }
            }
            // A null pointer with a length, and a length past any allocation.
            16 => free(rt_file_read_text(std::ptr::null(), cl.max(1))),
            17 => free(rt_dir_list(ap, u64::MAX - u64::from(op))),
            18 => {
                free(rt_env_cwd());
                free(rt_hostname());
                free(rt_system_cpu_count());
            }
            _ => free(rt_eprint_str(std::ptr::null(), cl)),
        }
    }
});
