//! Every syscall number the crate uses, checked on the architecture under test against
//! the `sc` crate and against the kernel UAPI header shipped for that architecture
//! (linux-libc-dev natively, the libc6-dev-*-cross packages for the cross targets).

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use syscalls::Sysno;

/// (our `Sysno`, its UAPI name, `sc`'s number or `None` for calls newer than `sc`'s
/// table). `used_numbers_are_all_listed` keeps this list equal to the `Sysno::*` names
/// that appear in the crate's sources.
macro_rules! table {
    ($($name:ident => $sc:ident),* ; newer than sc: $($new:ident),* $(,)?) => {
        [$((Sysno::$name, stringify!($name), Some(sc::nr::$sc)),)* $((Sysno::$new, stringify!($new), None)),*]
    };
}

fn used() -> Vec<(Sysno, &'static str, Option<usize>)> {
    table! {
        openat => OPENAT, read => READ, write => WRITE, writev => WRITEV, pread64 => PREAD64,
        pwrite64 => PWRITE64, readlinkat => READLINKAT,
        close => CLOSE,
        statx => STATX, getdents64 => GETDENTS64, mkdirat => MKDIRAT, unlinkat => UNLINKAT,
        renameat2 => RENAMEAT2, getcwd => GETCWD, uname => UNAME, getpid => GETPID,
        getuid => GETUID, sched_getaffinity => SCHED_GETAFFINITY, clone => CLONE,
        execve => EXECVE, wait4 => WAIT4, pipe2 => PIPE2, dup3 => DUP3, ppoll => PPOLL,
        fcntl => FCNTL, flock => FLOCK, fchmod => FCHMOD, mmap => MMAP, munmap => MUNMAP,
        mremap => MREMAP, copy_file_range => COPY_FILE_RANGE, clock_gettime => CLOCK_GETTIME,
        getrandom => GETRANDOM, prctl => PRCTL, rt_sigaction => RT_SIGACTION, kill => KILL,
        nanosleep => NANOSLEEP, exit_group => EXIT_GROUP, rt_sigprocmask => RT_SIGPROCMASK,
        mincore => MINCORE, setitimer => SETITIMER, ftruncate => FTRUNCATE,
        setpgid => SETPGID, prlimit64 => PRLIMIT64, lseek => LSEEK, futex => FUTEX;
        newer than sc: close_range,
    }
    .to_vec()
}

#[test]
fn used_numbers_are_all_listed() {
    let files = common::rust_files(&["src", "arch"]);
    let mut in_sources = BTreeSet::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for piece in text.split("Sysno::").skip(1) {
            let name: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            in_sources.insert(name);
        }
    }
    let listed: BTreeSet<String> = used().iter().map(|(_, n, _)| n.to_string()).collect();
    assert!(!in_sources.is_empty());
    assert_eq!(
        in_sources, listed,
        "the table above must list exactly the Sysno names the crate uses"
    );
}

#[test]
fn numbers_match_sc() {
    let mut checked = 0;
    for (ours, name, sc_nr) in used() {
        if let Some(sc_nr) = sc_nr {
            assert_eq!(ours as usize, sc_nr, "{name}");
            checked += 1;
        }
    }
    assert!(checked >= 30);
}

/// `#define __NR_x N` lines of the header and every header it includes from the same
/// root, with one level of aliasing resolved (`__NR_fcntl __NR3264_fcntl`).
fn uapi_numbers() -> HashMap<String, usize> {
    let (root, top) = match std::env::consts::ARCH {
        "x86_64" => ("/usr/include/x86_64-linux-gnu", "asm/unistd_64.h"),
        "aarch64" => ("/usr/aarch64-linux-gnu/include", "asm/unistd.h"),
        "riscv64" => ("/usr/riscv64-linux-gnu/include", "asm/unistd.h"),
        other => panic!("no header location for {other}"),
    };
    let mut raw: HashMap<String, String> = HashMap::new();
    let mut queue = vec![top.to_string()];
    let mut seen = BTreeSet::new();
    while let Some(rel) = queue.pop() {
        if !seen.insert(rel.clone()) {
            continue;
        }
        let path = Path::new(root).join(&rel);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["#include", inc, ..] if inc.starts_with("<asm") => {
                    queue.push(inc.trim_matches(|c| c == '<' || c == '>').to_string())
                }
                ["#define", name, value, ..] if name.starts_with("__NR") => {
                    raw.entry(name.to_string())
                        .or_insert_with(|| value.to_string());
                }
                _ => {}
            }
        }
    }
    assert!(
        !raw.is_empty(),
        "no syscall numbers found under {root}: install the headers (scripts/setup)"
    );
    let mut out = HashMap::new();
    for (name, value) in &raw {
        let resolved = raw.get(value).unwrap_or(value);
        if let Ok(n) = resolved.parse::<usize>() {
            out.insert(name.trim_start_matches("__NR_").to_string(), n);
        }
    }
    out
}

#[test]
fn numbers_match_kernel_headers() {
    let headers = uapi_numbers();
    for (ours, name, _) in used() {
        assert_eq!(
            headers.get(name),
            Some(&(ours as usize)),
            "{name} on {}",
            std::env::consts::ARCH
        );
    }
}
