//! The runtime's system functions under its own `rt_*` names (feature `syscall-ffi`).
//!
//! Text arguments are `(ptr, len)`: a null `ptr` with `len > 0` is `EFAULT`. Paths,
//! names and command arguments are bytes; the content of `*_text` writes must be
//! UTF-8 (else `EILSEQ`), as a runtime string would be. Results are RuntimeValues
//! the caller owns; failures give the design's failure value and record the errno.
//!
//! # Safety
//! One contract for every `unsafe` function here: each non-null text pointer is
//! valid for the length given with it for the duration of the call, and each
//! RuntimeValue argument is a live value.
#![allow(clippy::missing_safety_doc)] // the module's one contract, above

use super::{record, slice_arg};
use crate::Errno;
use crate::sys::Result;
use crate::value::{self, RuntimeValue as V};
use crate::{env, fs, process, system, time};
use alloc::vec::Vec;

/// The bytes of a `(ptr, len)` text argument.
///
/// # Safety
/// A non-null `ptr` must be valid for `len` bytes for the duration of the call.
#[inline(never)]
unsafe fn text<'a>(ptr: *const u8, len: u64) -> Result<&'a [u8]> {
    let len = usize::try_from(len).map_err(|_| Errno::EINVAL)?;
    unsafe { slice_arg(ptr, len) }
}

unsafe fn utf8_text<'a>(ptr: *const u8, len: u64) -> Result<&'a [u8]> {
    let t = unsafe { text(ptr, len) }?;
    core::str::from_utf8(t).map_err(|_| Errno::EILSEQ)?;
    Ok(t)
}

fn bool_value(r: Result<()>) -> V {
    V::bool(record(r).is_some())
}

fn string_value(r: Result<impl AsRef<[u8]>>) -> V {
    record(r).map_or(V::NIL, |s| value::string(s.as_ref()))
}

fn int_value(r: Result<i64>) -> V {
    V::int(record(r).unwrap_or(-1))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_exists(path: *const u8, len: u64) -> V {
    bool_value(unsafe { text(path, len) }.and_then(fs::metadata).map(drop))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_read_text(path: *const u8, len: u64) -> V {
    string_value(unsafe { text(path, len) }.and_then(fs::read_text))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_write_text(
    path: *const u8,
    len: u64,
    content: *const u8,
    content_len: u64,
) -> V {
    bool_value(unsafe {
        text(path, len).and_then(|p| fs::write(p, utf8_text(content, content_len)?))
    })
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_append_text(
    path: *const u8,
    len: u64,
    content: *const u8,
    content_len: u64,
) -> V {
    bool_value(unsafe {
        text(path, len).and_then(|p| fs::append(p, utf8_text(content, content_len)?))
    })
}

/// Removes a file (not a directory), like `std::fs::remove_file`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_delete(path: *const u8, len: u64) -> V {
    bool_value(unsafe { text(path, len) }.and_then(fs::remove_file))
}

/// Removes a file or an empty directory, like C's `remove(3)`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_remove(path: *const u8, len: u64) -> V {
    bool_value(unsafe { text(path, len) }.and_then(fs::remove))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_size(path: *const u8, len: u64) -> V {
    int_value(
        unsafe { text(path, len) }
            .and_then(fs::size)
            .map(|s| s as i64),
    )
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_modified_time(path: *const u8, len: u64) -> V {
    int_value(unsafe { text(path, len) }.and_then(fs::modified_time))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_copy(
    src: *const u8,
    src_len: u64,
    dst: *const u8,
    dst_len: u64,
) -> V {
    bool_value(
        unsafe { text(src, src_len).and_then(|s| fs::copy(s, text(dst, dst_len)?)) }.map(drop),
    )
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_dir_create(path: *const u8, len: u64, recursive: bool) -> V {
    bool_value(unsafe { text(path, len) }.and_then(|p| fs::dir_create(p, recursive)))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_dir_list(path: *const u8, len: u64) -> V {
    match record(unsafe { text(path, len) }.and_then(fs::dir_list)) {
        Some(names) => value::string_array(names.iter()),
        None => V::NIL,
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_lock(path: *const u8, len: u64) -> V {
    int_value(unsafe { text(path, len) }.and_then(fs::lock).map(i64::from))
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_file_unlock(handle: i64) -> V {
    let fd = i32::try_from(handle).map_err(|_| Errno::EBADF);
    bool_value(fd.and_then(fs::unlock))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_mmap_read_text(path: *const u8, len: u64) -> V {
    string_value(unsafe { text(path, len) }.and_then(fs::mmap_read_text))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_file_mmap_read_bytes(path: *const u8, len: u64) -> V {
    match record(unsafe { text(path, len) }.and_then(fs::mmap_read)) {
        Some(bytes) => value::byte_array(&bytes),
        None => V::NIL,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_env_cwd() -> V {
    string_value(env::cwd())
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_env_home() -> V {
    string_value(env::home())
}

/// NIL when unset (not a failure: the errno is left alone) or when the name is
/// invalid (`EINVAL`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_env_get(name: *const u8, len: u64) -> V {
    match record(unsafe { text(name, len) }.and_then(env::get)) {
        Some(Some(v)) => value::string(&v),
        _ => V::NIL,
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_env_set(name: *const u8, len: u64, val: *const u8, val_len: u64) -> V {
    bool_value(unsafe { text(name, len).and_then(|n| env::set(n, text(val, val_len)?)) })
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_getpid() -> V {
    V::int(i64::from(process::pid()))
}

/// Tuple(stdout String, stderr String, exit Int); ("", "", -1) when the child could
/// not be started or `args` is not an Array of Strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_process_run(cmd: *const u8, len: u64, args: V) -> V {
    let run = || -> Result<process::Output> {
        let cmd = unsafe { text(cmd, len) }?;
        // SAFETY: the runtime passes live values.
        let items = unsafe { args.as_array() }.ok_or(Errno::EINVAL)?;
        let mut argv: Vec<&[u8]> = Vec::new();
        for item in items {
            argv.push(unsafe { item.as_bytes() }.ok_or(Errno::EINVAL)?);
        }
        process::run(cmd, &argv)
    };
    let out = record(run()).unwrap_or(process::Output {
        code: -1,
        ..Default::default()
    });
    value::tuple(&[
        value::string(&out.stdout),
        value::string(&out.stderr),
        V::int(i64::from(out.code)),
    ])
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_system_cpu_count() -> V {
    int_value(system::cpu_count().map(|n| n as i64))
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_hostname() -> V {
    string_value(system::hostname())
}

fn print_to(fd: i32, ptr: *const u8, len: u64, newline: bool) -> V {
    // SAFETY: forwarded from the caller's contract.
    let r = unsafe { text(ptr, len) }.and_then(|t| {
        // A short line and its newline go out in one write (one syscall, and not
        // split by another writer); a long one in two.
        let mut line = [0u8; 512];
        if newline && t.len() < line.len() {
            line[..t.len()].copy_from_slice(t);
            line[t.len()] = b'\n';
            return crate::io::write_all(fd, &line[..=t.len()]);
        }
        crate::io::write_all(fd, t)?;
        if newline {
            crate::io::write_all(fd, b"\n")
        } else {
            Ok(())
        }
    });
    bool_value(r)
}

/// Writes all of the text to stdout; TRUE, or FALSE with the errno when the write
/// failed (a full disk, a closed pipe).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_print_str(ptr: *const u8, len: u64) -> V {
    print_to(1, ptr, len, false)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_println_str(ptr: *const u8, len: u64) -> V {
    print_to(1, ptr, len, true)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_eprint_str(ptr: *const u8, len: u64) -> V {
    print_to(2, ptr, len, false)
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_eprintln_str(ptr: *const u8, len: u64) -> V {
    print_to(2, ptr, len, true)
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_exit(code: i32) -> ! {
    process::exit(code)
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_get_args() -> V {
    value::string_array(env::args().iter())
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_time_now_unix_micros() -> V {
    int_value(time::now_unix_micros())
}
