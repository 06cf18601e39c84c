//! The file-system and system defects of the 2026-12 review (issue 21: items 2, 5, 6
//! and 8), each checked against its oracle: GNU cp for the copies, std for the
//! small-stack case and for the CPU count.

use ffi_syscalls::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

fn bytes(p: &Path) -> &[u8] {
    p.as_os_str().as_encoded_bytes()
}

fn is_root() -> bool {
    // SAFETY: no arguments.
    unsafe { libc::geteuid() == 0 }
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// (content, permission bits, owner) of a file.
fn state(p: &Path) -> (Vec<u8>, u32, u32) {
    let m = std::fs::metadata(p).unwrap();
    (std::fs::read(p).unwrap(), m.mode() & 0o7777, m.uid())
}

// ---- review #2: a copy onto a file owned by another user -----------------------------

/// Runs `f` on a thread whose user and group are `id`, without supplementary groups.
/// Linux keeps credentials per thread (only libc's wrappers change every thread's),
/// so raw system calls switch this one thread and the rest of the test process stays
/// root; the credentials end with the thread.
fn as_user<T: Send + 'static>(id: u32, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(move || {
        // SAFETY: integer arguments; a null list with a count of 0.
        unsafe {
            assert_eq!(
                libc::syscall(libc::SYS_setgroups, 0, std::ptr::null::<u32>()),
                0
            );
            assert_eq!(libc::syscall(libc::SYS_setresgid, id, id, id), 0);
            assert_eq!(libc::syscall(libc::SYS_setresuid, id, id, id), 0);
        }
        f()
    })
    .join()
    .unwrap()
}

/// A destination writable by the caller but owned by someone else (0666, uid 65534):
/// GNU cp, run as uid 1000, copies the contents, keeps the mode and exits 0. fs::copy
/// did the truncation first and then failed on fchmod (EPERM): the old contents gone
/// and nothing copied. Now as GNU cp.
#[test]
fn copy_onto_a_file_owned_by_another_user_keeps_the_contents() {
    if !is_root() {
        eprintln!("SKIPPED copy_onto_a_file_owned_by_another_user: needs root (chown, setresuid)");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    chmod(d.path(), 0o755);
    let src = d.path().join("src");
    std::fs::write(&src, "new\n").unwrap();
    chmod(&src, 0o644);
    let (ours, gnu) = (d.path().join("ours"), d.path().join("gnu"));
    for dst in [&ours, &gnu] {
        std::fs::write(dst, "important data\n").unwrap();
        std::os::unix::fs::chown(dst, Some(65534), Some(65534)).unwrap();
        chmod(dst, 0o666);
    }
    let status = Command::new("cp")
        .arg(&src)
        .arg(&gnu)
        .uid(1000)
        .gid(1000)
        .status()
        .unwrap();
    assert!(status.success(), "GNU cp: {status:?}");
    assert_eq!(state(&gnu), (b"new\n".to_vec(), 0o666, 65534));

    let (s, o) = (bytes(&src).to_vec(), bytes(&ours).to_vec());
    let copied = as_user(1000, move || fs::copy(&s, &o));
    assert_eq!(copied, Ok(4));
    assert_eq!(state(&ours), state(&gnu));
}

// ---- review #6: small thread stacks ---------------------------------------------------

/// Runs `f` on a thread with a 64 KiB stack (green threads, fibers and worker pools
/// use such stacks); an overflow aborts the whole test binary.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

/// The oracle: std's copy and directory listing work on such a stack.
#[test]
fn std_copy_and_read_dir_on_a_64_kib_stack() {
    on_small_stack(|| {
        let d = tempfile::tempdir().unwrap();
        std::fs::copy("Cargo.toml", d.path().join("x")).unwrap();
        assert!(std::fs::read_dir(".").unwrap().count() > 0);
    });
}

/// fs::copy kept a 64 KiB read/write buffer on the stack: the thread overflowed.
#[test]
fn copy_on_a_64_kib_stack() {
    on_small_stack(|| {
        let d = tempfile::tempdir().unwrap();
        let dst = d.path().join("x");
        fs::copy(b"Cargo.toml", bytes(&dst)).unwrap();
        assert_eq!(
            std::fs::read(&dst).unwrap(),
            std::fs::read("Cargo.toml").unwrap()
        );
        // A file whose size reads as 0: the read/write loop copies it.
        fs::copy(b"/proc/version", bytes(&dst)).unwrap();
        assert_eq!(
            std::fs::read(&dst).unwrap(),
            std::fs::read("/proc/version").unwrap()
        );
    });
}

/// fs::dir_list kept a 64 KiB getdents buffer on the stack: the thread overflowed.
#[test]
fn dir_list_on_a_64_kib_stack() {
    on_small_stack(|| {
        let names = fs::dir_list(b".").unwrap();
        let mut ours: Vec<Vec<u8>> = names.iter().map(<[u8]>::to_vec).collect();
        let mut theirs: Vec<Vec<u8>> = std::fs::read_dir(".")
            .unwrap()
            .map(|e| e.unwrap().file_name().into_encoded_bytes())
            .collect();
        ours.sort();
        theirs.sort();
        assert_eq!(ours, theirs);
    });
}
