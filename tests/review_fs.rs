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

// ---- review #8: fs::copy_like_cp, GNU cp's copy -----------------------------------

/// GNU cp (no options) copying `src` to `dst`.
fn gnu_cp(src: &Path, dst: &Path) {
    let status = Command::new("cp").arg(src).arg(dst).status().unwrap();
    assert!(status.success(), "GNU cp: {status:?}");
}

/// An existing destination keeps its mode: 0600 stays 0600 after a copy from a 0644
/// source (fs::copy, like std, gives it 0644; so did the bootstrap's cp).
#[test]
fn copy_like_cp_keeps_an_existing_destinations_mode() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("src");
    std::fs::write(&src, "secret\n").unwrap();
    chmod(&src, 0o644);
    let (ours, gnu) = (d.path().join("ours"), d.path().join("gnu"));
    for dst in [&ours, &gnu] {
        std::fs::write(dst, "old, and longer than the new content\n").unwrap();
        chmod(dst, 0o600);
    }
    gnu_cp(&src, &gnu);
    assert_eq!(fs::copy_like_cp(bytes(&src), bytes(&ours)), Ok(7));
    assert_eq!(state(&ours), state(&gnu));
    assert_eq!(state(&ours).1, 0o600);
    // A file whose size reads as 0 is read to EOF, as by GNU cp.
    gnu_cp(Path::new("/proc/version"), &gnu);
    fs::copy_like_cp(b"/proc/version", bytes(&ours)).unwrap();
    assert_eq!(state(&ours), state(&gnu));
    // Onto itself: refused, nothing truncated.
    assert_eq!(
        fs::copy_like_cp(bytes(&src), bytes(&src)),
        Err(ffi_syscalls::Errno::EINVAL)
    );
    assert_eq!(std::fs::read(&src).unwrap(), b"secret\n");
}

/// Runs `f` on a thread with a file-system context of its own (unshare CLONE_FS)
/// whose umask is `mask`: the process's umask, which other tests' files get, stays.
fn with_umask<T: Send + 'static>(mask: u32, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(move || {
        // SAFETY: integer arguments.
        unsafe {
            assert_eq!(libc::unshare(libc::CLONE_FS), 0);
            libc::umask(mask);
        }
        f()
    })
    .join()
    .unwrap()
}

/// A new destination gets the source's mode less the umask: 0600 under umask 077
/// from a 0644 source (the bootstrap's cp made it 0644); from a 04755 source, 0700
/// (GNU cp leaves set-user-ID out).
#[test]
fn copy_like_cp_applies_the_umask_to_a_new_file() {
    let d = tempfile::tempdir().unwrap();
    for (i, (mode, want)) in [(0o644, 0o600), (0o4755, 0o700)].into_iter().enumerate() {
        let src = d.path().join(format!("src{i}"));
        std::fs::write(&src, "secret\n").unwrap();
        chmod(&src, mode);
        let (ours, gnu) = (
            d.path().join(format!("ours{i}")),
            d.path().join(format!("gnu{i}")),
        );
        let (s, o, g) = (src.clone(), ours.clone(), gnu.clone());
        let copied = with_umask(0o077, move || {
            gnu_cp(&s, &g);
            fs::copy_like_cp(bytes(&s), bytes(&o))
        });
        assert_eq!(copied, Ok(7));
        assert_eq!(state(&ours), state(&gnu));
        assert_eq!(state(&ours).1, want);
    }
}

/// A sparse file of `size` bytes holding `islands` (offset, data), the rest holes.
fn sparse_file(p: &Path, size: u64, islands: &[(u64, &[u8])]) {
    use std::os::unix::fs::FileExt;
    let f = std::fs::File::create(p).unwrap();
    f.set_len(size).unwrap();
    for (at, data) in islands {
        f.write_all_at(data, *at).unwrap();
    }
}

/// 512-byte blocks allocated to a file.
fn blocks(p: &Path) -> u64 {
    std::fs::metadata(p).unwrap().blocks()
}

/// The holes of a sparse file stay holes, as with GNU cp (--sparse=auto): data
/// islands at the start, the middle and near the end, and a hole at the end.
#[test]
fn copy_like_cp_keeps_holes() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("src");
    let island = vec![0x5a_u8; 100_000];
    let size = 64 << 20;
    sparse_file(
        &src,
        size,
        &[
            (0, b"start"),
            (5 << 20, &island),
            (40 << 20, b"middle"),
            (size - (1 << 20), b"end"),
        ],
    );
    let (ours, gnu) = (d.path().join("ours"), d.path().join("gnu"));
    gnu_cp(&src, &gnu);
    assert_eq!(fs::copy_like_cp(bytes(&src), bytes(&ours)), Ok(size));
    assert_eq!(std::fs::read(&ours).unwrap(), std::fs::read(&src).unwrap());
    assert_eq!(blocks(&ours), blocks(&gnu));
    assert!(blocks(&ours) < 1024, "{} blocks", blocks(&ours)); // < 512 KiB
}

/// A 1 GiB file that is all hole: ~0 blocks after the copy, as after GNU cp (the
/// bootstrap's cp wrote 1 GiB of zeros). Then one with a single byte at its end.
#[test]
fn copy_like_cp_keeps_a_1_gib_hole() {
    let d = tempfile::tempdir().unwrap();
    let (src, ours, gnu) = (
        d.path().join("src"),
        d.path().join("ours"),
        d.path().join("gnu"),
    );
    for islands in [&[][..], &[((1 << 30) - 1, &b"x"[..])][..]] {
        sparse_file(&src, 1 << 30, islands);
        gnu_cp(&src, &gnu);
        assert_eq!(fs::copy_like_cp(bytes(&src), bytes(&ours)), Ok(1 << 30));
        assert_eq!(std::fs::metadata(&ours).unwrap().len(), 1 << 30);
        assert_eq!(blocks(&ours), blocks(&gnu));
        assert!(blocks(&ours) <= 8, "{} blocks", blocks(&ours));
        let mut last = [0u8; 1];
        std::os::unix::fs::FileExt::read_exact_at(
            &std::fs::File::open(&ours).unwrap(),
            &mut last,
            (1 << 30) - 1,
        )
        .unwrap();
        assert_eq!(last, [islands.first().map_or(0, |_| b'x')]);
    }
}
