//! What every fuzz target shares: a private temporary directory that every path is
//! confined to, emptied now and then, and a descriptor count that must not grow.
//! Each target includes it and uses what it needs (`values` makes no paths).
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("ffi-syscalls-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    })
}

/// `name` as a path inside the sandbox: every byte kept (NUL, non-UTF-8, long
/// names are the point) except that `..` components can not climb out and a leading
/// `/` is dropped. Nothing the fuzzer writes can make a symlink, so this confines it.
pub fn path(name: &[u8]) -> Vec<u8> {
    let mut out = dir().as_os_str().as_encoded_bytes().to_vec();
    for part in name.split(|&c| c == b'/') {
        out.push(b'/');
        out.extend_from_slice(if part == b".." { b"_" } else { part });
    }
    out
}

/// Descriptors open now, as what they point to (so a failure says what leaked).
fn open_fds() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter(|p| !p.starts_with("/proc")) // the listing's own descriptor
        .collect();
    v.sort();
    v
}

/// Every 512 inputs: the descriptor count is what it was at the start, and the
/// sandbox is emptied so it does not grow without end.
pub fn checkpoint() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    static BASELINE: OnceLock<Vec<std::path::PathBuf>> = OnceLock::new();
    let base = BASELINE.get_or_init(open_fds);
    if CALLS.fetch_add(1, Ordering::Relaxed).is_multiple_of(512) {
        assert_eq!(&open_fds(), base, "descriptor leak");
        let _ = std::fs::remove_dir_all(dir());
        std::fs::create_dir_all(dir()).unwrap();
    }
}

/// Splits fuzz input into length-prefixed fields (a byte of length, then the bytes).
pub struct Fields<'a>(pub &'a [u8]);

impl<'a> Fields<'a> {
    pub fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }

    pub fn field(&mut self) -> &'a [u8] {
        let n = usize::from(self.byte()).min(self.0.len());
        let (f, rest) = self.0.split_at(n);
        self.0 = rest;
        f
    }
}
