//! The syscall_* C functions with arbitrary bytes for paths, contents and names.
#![no_main]

#[path = "sandbox.rs"]
mod sandbox;

use ffi_syscalls::exports::c::*;
use libfuzzer_sys::fuzz_target;
use sandbox::{Fields, path};
use std::ffi::{CString, c_char};
use std::ptr::null_mut;

/// A C string of `bytes` up to the first NUL (C can not carry more).
fn c(bytes: &[u8]) -> CString {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).unwrap()
}

fn free(p: *mut c_char) {
    unsafe { syscall_free(p) }
}

fuzz_target!(|data: &[u8]| {
    sandbox::checkpoint();
    let mut f = Fields(data);
    let op = f.byte();
    let (a, b) = (c(&path(f.field())), c(&path(f.field())));
    let content = f.0;
    let (a, b) = (a.as_ptr(), b.as_ptr());
    let mut len = 0usize;
    unsafe {
        match op % 16 {
            0 => _ = syscall_file_exists(a),
            1 => {
                let p = syscall_file_read(a, &mut len);
                if !p.is_null() {
                    assert_eq!(*p.add(len), 0, "results are NUL-terminated");
                }
                free(p);
            }
            2 => _ = syscall_file_write(a, content.as_ptr(), content.len()),
            3 => _ = syscall_file_append(a, content.as_ptr(), content.len()),
            4 => _ = syscall_file_delete(a),
            5 => _ = syscall_file_size(a),
            6 => {
                let mut s = 0;
                let _ = syscall_file_modified_time(a, &mut s);
            }
            7 => _ = syscall_file_copy(a, b),
            8 => _ = syscall_dir_create(a, i32::from(op & 0x80 != 0)),
            9 => free(syscall_dir_list(a, &mut len).cast()),
            10 => {
                let h = syscall_file_lock(a);
                if h >= 0 {
                    assert_eq!(syscall_file_unlock(h), 0);
                }
                let _ = syscall_file_unlock(i32::from(op));
            }
            11 => free(syscall_file_mmap_read(a, null_mut())),
            12 => free(syscall_env_get(c(content).as_ptr())),
            13 => {
                let name = c(content);
                if !name.as_bytes().starts_with(b"PATH") {
                    let _ = syscall_env_set(name.as_ptr(), name.as_ptr());
                }
            }
            14 => _ = syscall_file_read(std::ptr::null(), &mut len),
            _ => _ = syscall_write_all(-1, content.as_ptr(), content.len()),
        }
    }
});
