//! Helpers shared by the test binaries: the std oracle's errno, temporary trees,
//! serialising tests that read the process-wide last errno.
#![allow(dead_code)]

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

/// The errno std's error carries; for the errors std makes itself (no OS error) the
/// errno this crate records for the same condition.
pub fn errno_of(e: &io::Error) -> i32 {
    e.raw_os_error().unwrap_or_else(|| match e.kind() {
        io::ErrorKind::InvalidData => libc::EILSEQ,
        io::ErrorKind::InvalidInput => libc::EINVAL,
        other => panic!("std error without errno: {other:?} {e}"),
    })
}

/// A failure-valued result (None) beside the std oracle's: equal values, or both
/// failed and the recorded errno is the one std reports.
pub fn check<T: PartialEq + std::fmt::Debug>(what: &str, ours: Option<T>, oracle: io::Result<T>) {
    match oracle {
        Ok(v) => assert_eq!(ours, Some(v), "{what}"),
        Err(e) => {
            assert_eq!(ours, None, "{what}: std failed with {e}");
            let recorded = ffi_syscalls::exports::c::syscall_last_errno();
            assert_eq!(recorded, errno_of(&e), "{what}: std said {e}");
        }
    }
}

static SERIAL: Mutex<()> = Mutex::new(());

/// Held by every test in a binary that checks the process-wide last errno, and by
/// every test that starts processes beside one that writes an executable: a child
/// started while another thread has the file open for writing holds that descriptor
/// until its own exec, and running the file meanwhile fails with ETXTBSY.
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn bytes(p: &Path) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    p.as_os_str().as_bytes()
}

/// A temporary directory with the usual awkward residents.
pub struct Tree {
    pub dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Tree {
        Tree::with_big_file(3 << 20)
    }

    /// For loops of many calls: the "big" file is only 64 KiB.
    pub fn small() -> Tree {
        Tree::with_big_file(64 << 10)
    }

    pub fn with_big_file(size: usize) -> Tree {
        let dir = tempfile::tempdir().unwrap();
        let t = Tree { dir };
        std::fs::write(t.p("text"), "hello, world\n").unwrap();
        std::fs::write(t.p("empty"), "").unwrap();
        std::fs::write(t.p("latin1"), b"caf\xe9\n").unwrap();
        let big: Vec<u8> = (0..size as u32 / 4)
            .flat_map(|i: u32| format!("{:03}\n", i % 1000).into_bytes())
            .collect();
        std::fs::write(t.p("big"), big).unwrap();
        std::fs::create_dir(t.p("dir")).unwrap();
        std::os::unix::fs::symlink(t.p("loop-b"), t.p("loop-a")).unwrap();
        std::os::unix::fs::symlink(t.p("loop-a"), t.p("loop-b")).unwrap();
        t
    }

    pub fn p(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Paths that every function taking a path is tried on, with what they are.
    pub fn cases(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = [
            "text",
            "empty",
            "latin1",
            "big",
            "dir",
            "missing",
            "text/below",
            "loop-a",
            "dir/",
        ]
        .iter()
        .map(|n| self.p(n))
        .collect();
        v.push(PathBuf::from("/proc/version"));
        v.push(PathBuf::from("/proc/self/cmdline"));
        v.push(PathBuf::from("/"));
        v.push(PathBuf::from(""));
        v.push(PathBuf::from("/").join("x".repeat(5000)));
        v.push(self.dir.path().join("a".repeat(300)));
        v
    }
}

/// Open descriptors of this process.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// The `.rs` files under each of `dirs` (relative to the crate root) that exist.
pub fn rust_files(dirs: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for d in dirs {
        if root.join(d).is_dir() {
            walk(&root.join(d), &mut out);
        }
    }
    out
}

/// The crate's root directory.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether the tests run as root (the effective user).
pub fn is_root() -> bool {
    // SAFETY: no arguments.
    unsafe { libc::geteuid() == 0 }
}

/// The target triple of the architecture under test.
pub fn triple() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "x86_64-unknown-linux-gnu",
        "aarch64" => "aarch64-unknown-linux-gnu",
        "riscv64" => "riscv64gc-unknown-linux-gnu",
        other => panic!("{other}"),
    }
}

/// `scripts/build-bootstrap TRIPLE [ARGS]` for the architecture under test: the
/// output directory. `strip` false keeps the symbol table.
pub fn build_bootstrap(args: &[&str], strip: bool) -> PathBuf {
    let out = std::process::Command::new(root().join("scripts/build-bootstrap"))
        .arg(triple())
        .args(args)
        .env("BOOTSTRAP_STRIP", strip.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = String::from_utf8(out.stdout).unwrap();
    root().join(dir.lines().last().unwrap())
}

/// The variable that makes a copy of this binary do one job (see [`copy_of_self`]).
pub const MODE: &str = "FFI_SYSCALLS_TEST_MODE";

/// The runner cargo uses for this target (`.cargo/config.toml`'s `runner`), empty
/// when the target is the machine's own: a copy of this binary can only start
/// through it.
pub fn runner() -> Vec<String> {
    let host = Command::new("uname").arg("-m").output().unwrap().stdout;
    if String::from_utf8_lossy(&host).trim() == std::env::consts::ARCH {
        return vec![];
    }
    let config = std::fs::read_to_string(root().join(".cargo/config.toml")).unwrap();
    let section = format!("[target.{}]", triple());
    let line = config
        .split(&section)
        .nth(1)
        .and_then(|rest| rest.lines().find(|l| l.starts_with("runner")))
        .unwrap_or_else(|| panic!("no runner for {section}"));
    line.split('"')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

/// A copy of this test binary that runs only `test` (a test of the calling file), with
/// [`MODE`] set to `mode`: the test sees the variable and does the copy's job.
pub fn copy_of_self(test: &str, mode: &str) -> Command {
    let mut r = runner();
    let exe = std::env::current_exe().unwrap();
    let mut c = if r.is_empty() {
        Command::new(exe)
    } else {
        let mut c = Command::new(r.remove(0));
        c.args(r).arg(exe);
        c
    };
    c.args(["--exact", test, "--test-threads=1", "--nocapture", "-q"])
        .env(MODE, mode);
    c
}

/// The mode this process was started in, if it is a copy.
pub fn mode() -> Option<String> {
    std::env::var(MODE).ok()
}
