//! The system work of the runtime's bodies through `ffi_syscalls::hosted`, as the
//! README's "Linking into the runtime" rows give it: the body hands over the checked
//! path or text as bytes and wraps the result with its own constructors (a text read
//! with its private len-hash constructor).

use crate::system::System;
use crate::value::{self, NIL, Rv};
use ffi_syscalls::hosted;

/// The runtime's bootstrap build: the crate does the system work.
pub struct HostedSystem;

impl System for HostedSystem {
    fn file_exists(path: &str) -> bool {
        hosted::file_exists(path.as_bytes())
    }

    fn file_read_text(path: &str, _size_hint: u64) -> Rv {
        // The text is lent and copied once, into the runtime's own String (its
        // private len-hash constructor).
        hosted::file_read_text_with(path.as_bytes(), |text| Ok(value::string_len_hash(text)))
            .unwrap_or(NIL)
    }

    fn file_write_text(path: &str, content: &str) -> bool {
        hosted::file_write_text(path.as_bytes(), content.as_bytes()).is_ok()
    }

    fn file_append_text(path: &str, content: &str) -> bool {
        hosted::file_append_text(path.as_bytes(), content.as_bytes()).is_ok()
    }

    fn file_remove(path: &str) -> bool {
        hosted::file_remove(path.as_bytes()).is_ok()
    }

    fn file_size(path: &str) -> i64 {
        hosted::file_size(path.as_bytes()).map_or(-1, |n| n as i64)
    }

    fn file_copy(src: &str, dst: &str) -> bool {
        hosted::file_copy(src.as_bytes(), dst.as_bytes()).is_ok()
    }

    fn dir_create(path: &str, recursive: bool) -> bool {
        hosted::dir_create(path.as_bytes(), recursive).is_ok()
    }

    fn dir_list(path: &str) -> Rv {
        hosted::value::dir_list(path.as_bytes()).0
    }

    fn file_lock(path: &str, timeout_secs: i64) -> i64 {
        hosted::file_lock(path.as_bytes(), timeout_secs).map_or(-1, i64::from)
    }

    fn file_unlock(fd: i64) -> bool {
        i32::try_from(fd).is_ok_and(|fd| hosted::file_unlock(fd).is_ok())
    }

    fn file_mmap_read_text(path: &str) -> Rv {
        hosted::file_mmap_read_text(path.as_bytes()).map_or(NIL, |t| value::string_len_hash(&t))
    }

    fn file_mmap_read_bytes(path: &str) -> Rv {
        hosted::value::file_mmap_read_bytes(path.as_bytes()).0
    }

    fn env_cwd() -> Rv {
        hosted::value::env_cwd().0
    }

    fn getpid() -> i64 {
        i64::from(hosted::getpid())
    }

    fn process_run(cmd: &str, args: &[String]) -> Rv {
        use std::os::unix::ffi::OsStrExt;
        // The child's environment is std's, copied under std's own lock (vars_os), so
        // a concurrent set_var is either all in or all out; PATH comes with it (the
        // crate leaves _SIMPLE_STACK_SET out).
        let vars: Vec<_> = std::env::vars_os().collect();
        let env: Vec<(&[u8], &[u8])> = vars
            .iter()
            .map(|(k, v)| (k.as_bytes(), v.as_bytes()))
            .collect();
        let argv: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        hosted::value::process_run(cmd.as_bytes(), &argv, &env).0
    }
}
