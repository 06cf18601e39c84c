//! The system work inside the runtime's `rt_*` bodies, separate from what the bodies
//! keep (rt.rs): [`StdSystem`] is the runtime's own std code (facts from
//! `file_ops.rs`, `directory.rs`, `metadata.rs`, `env_process.rs`), and
//! `HostedSystem` (hosted.rs) the same work through `ffi_syscalls::hosted`. Paths and
//! texts arrive as the bodies checked them (UTF-8, as the runtime requires).

use crate::value::{self, NIL, Rv, run_result};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::IntoRawFd;
use std::os::unix::process::CommandExt;

/// The system part of each body.
pub trait System {
    /// `Path::exists`.
    fn file_exists(path: &str) -> bool;
    /// The whole file, every `\r` removed, as a String with hash = length; NIL on
    /// failure or if not UTF-8. `size_hint`: the length the body's stat saw.
    fn file_read_text(path: &str, size_hint: u64) -> Rv;
    /// Create/truncate and write.
    fn file_write_text(path: &str, content: &str) -> bool;
    /// Create and append.
    fn file_append_text(path: &str, content: &str) -> bool;
    /// `remove_file`.
    fn file_remove(path: &str) -> bool;
    /// The length, or -1.
    fn file_size(path: &str) -> i64;
    /// `std::fs::copy`.
    fn file_copy(src: &str, dst: &str) -> bool;
    /// `create_dir_all` / `create_dir`.
    fn dir_create(path: &str, recursive: bool) -> bool;
    /// The names (UTF-8 ones) as an Array of Strings, or NIL.
    fn dir_list(path: &str) -> Rv;
    /// An flock'ed descriptor, or -1.
    fn file_lock(path: &str, timeout_secs: i64) -> i64;
    /// Unlock and close.
    fn file_unlock(fd: i64) -> bool;
    /// The whole file as a String decoded lossily, `\r` kept, hash = length; NIL
    /// on failure.
    fn file_mmap_read_text(path: &str) -> Rv;
    /// The whole file as a byte Array, or NIL.
    fn file_mmap_read_bytes(path: &str) -> Rv;
    /// The working directory (lossy), or NIL.
    fn env_cwd() -> Rv;
    /// This process's id.
    fn getpid() -> i64;
    /// Runs `cmd` (PATH search) with `args`, stdin /dev/null, in its own process
    /// group, without `_SIMPLE_STACK_SET`: (stdout, stderr, code), ("", "", -1) when it
    /// could not start.
    fn process_run(cmd: &str, args: &[String]) -> Rv;
}

/// The runtime's own std bodies.
pub struct StdSystem;

impl System for StdSystem {
    fn file_exists(path: &str) -> bool {
        std::path::Path::new(path).exists()
    }

    fn file_read_text(path: &str, size_hint: u64) -> Rv {
        let Ok(mut f) = std::fs::File::open(path) else {
            return NIL;
        };
        // Read to EOF (/proc files say size 0): the stat size is only a hint.
        let mut raw = Vec::with_capacity(size_hint as usize);
        if f.read_to_end(&mut raw).is_err() || std::str::from_utf8(&raw).is_err() {
            return NIL;
        }
        if raw.contains(&b'\r') {
            raw.retain(|&b| b != b'\r');
        }
        // The runtime copies into a String it allocates (hash = length).
        value::string_len_hash(&raw)
    }

    fn file_write_text(path: &str, content: &str) -> bool {
        std::fs::write(path, content).is_ok()
    }

    fn file_append_text(path: &str, content: &str) -> bool {
        use std::io::Write;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(content.as_bytes()))
            .is_ok()
    }

    fn file_remove(path: &str) -> bool {
        std::fs::remove_file(path).is_ok()
    }

    fn file_size(path: &str) -> i64 {
        std::fs::metadata(path).map_or(-1, |m| m.len() as i64)
    }

    fn file_copy(src: &str, dst: &str) -> bool {
        std::fs::copy(src, dst).is_ok()
    }

    fn dir_create(path: &str, recursive: bool) -> bool {
        if recursive {
            std::fs::create_dir_all(path).is_ok()
        } else {
            std::fs::create_dir(path).is_ok()
        }
    }

    fn dir_list(path: &str) -> Rv {
        let Ok(dir) = std::fs::read_dir(path) else {
            return NIL;
        };
        let a = value::rt_array_new(0);
        for e in dir.flatten() {
            if let Some(name) = e.file_name().to_str() {
                value::rt_array_push(a, value::string(name.as_bytes()));
            }
        }
        a
    }

    fn file_lock(path: &str, timeout_secs: i64) -> i64 {
        let Ok(f) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o644)
            .open(path)
        else {
            return -1;
        };
        let fd = f.into_raw_fd();
        let deadline =
            std::time::Instant::now() + std::time::Duration::from_secs(timeout_secs.max(0) as u64);
        loop {
            let op = if timeout_secs <= 0 {
                libc::LOCK_EX
            } else {
                libc::LOCK_EX | libc::LOCK_NB
            };
            // SAFETY: fd is ours.
            if unsafe { libc::flock(fd, op) } == 0 {
                return i64::from(fd);
            }
            let e = std::io::Error::last_os_error().raw_os_error();
            let again = e == Some(libc::EINTR)
                || (timeout_secs > 0
                    && e == Some(libc::EWOULDBLOCK)
                    && std::time::Instant::now() < deadline);
            if !again {
                // SAFETY: fd is ours.
                unsafe { libc::close(fd) };
                return -1;
            }
            if e != Some(libc::EINTR) {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    }

    fn file_unlock(fd: i64) -> bool {
        let Ok(fd) = i32::try_from(fd) else {
            return false;
        };
        if fd < 0 {
            return false;
        }
        // SAFETY: the caller hands over a descriptor from file_lock.
        let unlocked = unsafe { libc::flock(fd, libc::LOCK_UN) } == 0;
        // SAFETY: as above; it is closed once.
        let closed = unsafe { libc::close(fd) } == 0;
        unlocked && closed
    }

    fn file_mmap_read_text(path: &str) -> Rv {
        // The runtime maps the file; the bytes are the same.
        match std::fs::read(path) {
            Ok(b) => value::string_len_hash(String::from_utf8_lossy(&b).as_bytes()),
            Err(_) => NIL,
        }
    }

    fn file_mmap_read_bytes(path: &str) -> Rv {
        match std::fs::read(path) {
            Ok(b) if b.is_empty() => value::rt_byte_array_new(0),
            // SAFETY: b is alive for the call.
            Ok(b) => unsafe { value::rt_bytes_from_raw(b.as_ptr() as i64, b.len() as i64) },
            Err(_) => NIL,
        }
    }

    fn env_cwd() -> Rv {
        match std::env::current_dir() {
            Ok(d) => value::string(d.to_string_lossy().as_bytes()),
            Err(_) => NIL,
        }
    }

    fn getpid() -> i64 {
        i64::from(std::process::id())
    }

    fn process_run(cmd: &str, args: &[String]) -> Rv {
        let mut c = std::process::Command::new(cmd);
        c.args(args)
            .env_remove("_SIMPLE_STACK_SET")
            .stdin(std::process::Stdio::null());
        // The runtime's own group for the child; a pre_exec closure puts std on its
        // fork path (no posix_spawn), which is what the spawn benchmark measures.
        // SAFETY: setpgid is async-signal-safe.
        unsafe {
            c.pre_exec(|| match libc::setpgid(0, 0) {
                0 => Ok(()),
                _ => Err(std::io::Error::last_os_error()),
            })
        };
        match c.output() {
            Ok(o) => run_result(&o.stdout, &o.stderr, o.status.code().map_or(-1, i64::from)),
            Err(_) => run_result(b"", b"", -1),
        }
    }
}
