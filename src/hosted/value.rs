//! The hosted API's value level: the runtime's `RuntimeValue` results, made only
//! through the runtime's exported constructors (`rt_string_new`, `rt_array_new`,
//! `rt_array_push`, `rt_byte_array_new_len` with `rt_array_data_ptr_u8`,
//! `rt_tuple_new`/`rt_tuple_set`), with the runtime's failure values (NIL, or
//! `("", "", -1)` for [`process_run`]); the errno of a failure is recorded
//! ([`super::last_errno`]).
//!
//! Arguments are those of the bytes level ([`super`]). Only the functions whose
//! runtime result is a value are here; the others' results (bool, i64) come straight
//! from the bytes level.

use super::{lossy, record, utf8_only, without_cr};
use crate::process::Output;
use crate::sys::Result;
use crate::value::{self, RuntimeValue as V};
use crate::{env, fs, io, random, system};
use alloc::vec::Vec;

/// The value, or NIL with the errno recorded.
pub(crate) fn value_or_nil(r: Result<V>) -> V {
    record(r).unwrap_or(V::NIL)
}

/// A String of the bytes, or NIL with the errno recorded.
pub(crate) fn string_or_nil(bytes: Result<Vec<u8>>) -> V {
    value_or_nil(bytes.and_then(|b| value::string(&b)))
}

/// A String of `bytes` decoded lossily; the bytes are copied only when they are not
/// UTF-8 (process output and files can be large).
fn lossy_string(bytes: &[u8]) -> Result<V> {
    match utf8_only(bytes) {
        Ok(b) => value::string(b),
        Err(_) => value::string(&lossy(bytes)?),
    }
}

/// `make` applied to the content of the file at `path`; NIL on failure. One copy,
/// not one for each of the three reading functions.
#[inline(never)]
fn file_value(path: &[u8], make: fn(&[u8]) -> Result<V>) -> V {
    value_or_nil(fs::with_contents(path, make))
}

/// The file as a String without any `\r`; NIL (`EILSEQ`) when it is not UTF-8.
pub fn file_read_text(path: &[u8]) -> V {
    file_value(path, |text| without_cr(text, value::string))
}

/// The names in a directory (not `.` or `..`), in the kernel's order, as an Array of
/// Strings; names that are not UTF-8 are left out. NIL on failure.
pub fn dir_list(path: &[u8]) -> V {
    value_or_nil(fs::dir_list(path).and_then(|n| utf8_strings(n.iter())))
}

/// An Array of the Strings in `items` that are UTF-8, the others left out.
pub(crate) fn utf8_strings<'a>(items: impl Iterator<Item = &'a [u8]>) -> Result<V> {
    value::string_array(items.filter(|s| utf8_only(s).is_ok()))
}

/// The file as a String, invalid UTF-8 replaced by U+FFFD, `\r` kept.
pub fn file_mmap_read_text(path: &[u8]) -> V {
    file_value(path, lossy_string)
}

/// The file's bytes as a byte-packed Array, filled in place
/// (`rt_byte_array_new_len`, `rt_array_data_ptr_u8`).
pub fn file_mmap_read_bytes(path: &[u8]) -> V {
    file_value(path, value::bytes)
}

/// The working directory (lossy UTF-8); NIL on failure.
pub fn env_cwd() -> V {
    string_or_nil(env::cwd_in(&mut [0; io::PATH_MAX]).and_then(lossy))
}

/// The node name (`uname`, lossy UTF-8); "localhost" when uname fails, as the
/// runtime's stub always says.
pub fn hostname() -> V {
    let mut buf = [0; system::HOST_NAME_BYTES];
    let name = record(system::hostname_in(&mut buf)).unwrap_or(b"localhost");
    string_or_nil(lossy(name))
}

/// [`super::process_run`] as the runtime's value: Tuple(stdout, stderr, exit code),
/// the output decoded lossily, the code -1 when a signal ended the child;
/// `("", "", -1)` when it could not start.
pub fn process_run(cmd: &[u8], args: &[&[u8]], env: &[(&[u8], &[u8])]) -> V {
    output(record(super::process_run(cmd, args, env)))
}

/// The runtime's value of a run's result, `None` when it failed (its errno already
/// recorded): see [`process_run`].
pub(crate) fn output(out: Option<Output>) -> V {
    let (stdout, stderr, code) = match out {
        Some(o) => (o.stdout, o.stderr, o.code),
        None => (Vec::new(), Vec::new(), -1),
    };
    let made = lossy_string(&stdout).and_then(|o| match lossy_string(&stderr) {
        Ok(e) => value::tuple(&[o, e, V::int(i64::from(code))]),
        Err(err) => {
            value::release(o);
            Err(err)
        }
    });
    value_or_nil(made)
}

/// `len` random bytes as a String of `2 * len` lowercase hex digits (the runtime's
/// `rt_random_hex`): "" for `len <= 0`; NIL when the bytes or the String can not be
/// had. The hex text is wiped once the String holds it, as the runtime wipes its own.
pub fn random_hex(len: i64) -> V {
    value_or_nil(super::random_hex(len).and_then(|mut hex| {
        let s = value::string(&hex);
        random::wipe(&mut hex);
        s
    }))
}

/// `std::fs::read` as the runtime's byte-packed Array, filled in place; NIL on
/// failure (`rt_file_read_bytes`).
pub fn file_read_bytes(path: &[u8]) -> V {
    // The same read as `rt_file_mmap_read_bytes` (a large file is mapped, not read
    // into a buffer first): one copy, into the Array.
    file_mmap_read_bytes(path)
}

/// [`super::path_absolute`] as a String (`rt_path_absolute`).
pub fn path_absolute(path: &[u8]) -> V {
    string_or_nil(super::path_absolute(path))
}

/// [`super::dir_walk`] as an Array of Strings; an empty Array when the walk fails
/// (the runtime's failure value here), its errno recorded (`rt_dir_walk`).
pub fn dir_walk(path: &[u8]) -> V {
    match record(fs::walk(path)) {
        Some(names) => value_or_nil(value::string_array(names.iter())),
        None => value_or_nil(value::string_array(core::iter::empty())),
    }
}
