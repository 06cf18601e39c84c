//! The file-system and system defects of the 2026-12 review (issue 21: items 2, 5, 6
//! and 8), each checked against its oracle: GNU cp for the copies, std for the
//! small-stack case and for the CPU count.

mod common;

use common::{bytes, is_root};
use ffi_syscalls::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A file holding `content` with permission bits `mode`.
fn file(p: &Path, content: &str, mode: u32) {
    std::fs::write(p, content).unwrap();
    chmod(p, mode);
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
    file(&src, "new\n", 0o644);
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
    file(&src, "secret\n", 0o644);
    let (ours, gnu) = (d.path().join("ours"), d.path().join("gnu"));
    for dst in [&ours, &gnu] {
        file(dst, "old, and longer than the new content\n", 0o600);
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

/// A new destination gets the source's mode less the umask: 0600 under umask 077
/// from a 0644 source (the bootstrap's cp made it 0644); from a 04755 source, 0700
/// (GNU cp leaves set-user-ID out). The umask is the process's: the test runs in a
/// copy of this binary started with umask 077, so other tests' files keep theirs
/// (a thread of its own with `unshare(CLONE_FS)` would do, but containers' seccomp
/// profiles refuse unshare).
#[test]
fn copy_like_cp_applies_the_umask_to_a_new_file() {
    const TEST: &str = "copy_like_cp_applies_the_umask_to_a_new_file";
    if common::mode().is_none() {
        let mut copy = common::copy_of_self(TEST, "umask-077");
        // SAFETY: umask is async-signal-safe and cannot fail.
        unsafe {
            copy.pre_exec(|| {
                libc::umask(0o077);
                Ok(())
            });
        }
        let out = copy.output().unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{said}");
        assert!(said.contains("1 passed"), "{said}");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    for (i, (mode, want)) in [(0o644, 0o600), (0o4755, 0o700)].into_iter().enumerate() {
        let src = d.path().join(format!("src{i}"));
        std::fs::write(&src, "secret\n").unwrap();
        chmod(&src, mode);
        let (ours, gnu) = (
            d.path().join(format!("ours{i}")),
            d.path().join(format!("gnu{i}")),
        );
        gnu_cp(&src, &gnu);
        assert_eq!(fs::copy_like_cp(bytes(&src), bytes(&ours)), Ok(7));
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

/// Zeros inside a sparse file's data (written, so `SEEK_DATA` calls them data, as a
/// FUSE file system without lseek calls a whole file) become holes, as with GNU cp
/// (--sparse=auto): it copied 2 056 blocks of the source's 2 056 where GNU cp keeps 8.
#[test]
fn copy_like_cp_leaves_written_zeros_as_holes() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("src");
    let zeros = vec![0u8; 1 << 20];
    sparse_file(&src, 64 << 20, &[(0, b"start"), (8 << 20, &zeros)]);
    let (ours, gnu) = (d.path().join("ours"), d.path().join("gnu"));
    gnu_cp(&src, &gnu);
    assert_eq!(fs::copy_like_cp(bytes(&src), bytes(&ours)), Ok(64 << 20));
    assert_eq!(std::fs::read(&ours).unwrap(), std::fs::read(&src).unwrap());
    assert_eq!(blocks(&ours), blocks(&gnu));
    assert!(blocks(&ours) < blocks(&src), "{} blocks", blocks(&ours));
}

/// A sparse file copied onto a device or a FIFO: no holes there (they can not seek or
/// take a size), every byte written, as GNU cp does (it exits 0 onto /dev/null; ours
/// failed with EINVAL from lseek/ftruncate).
#[test]
fn copy_like_cp_of_a_sparse_file_onto_a_device_or_fifo() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("src");
    sparse_file(&src, 8 << 20, &[(0, b"start"), (4 << 20, b"middle")]);
    gnu_cp(&src, Path::new("/dev/null"));
    assert_eq!(fs::copy_like_cp(bytes(&src), b"/dev/null"), Ok(8 << 20));
    let fifo = d.path().join("fifo");
    let c = std::ffi::CString::new(bytes(&fifo)).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    assert_eq!(fs::copy_like_cp(bytes(&src), bytes(&fifo)), Ok(8 << 20));
    assert_eq!(reader.join().unwrap(), std::fs::read(&src).unwrap());
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

// ---- review #5: the cgroup CPU quota ------------------------------------------------

use ffi_syscalls::system;

/// A tree of files under `root`: (path, content), directories made as needed.
fn tree(root: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let p = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
}

fn quota_in(files: &[(&str, &str)]) -> usize {
    let d = tempfile::tempdir().unwrap();
    tree(d.path(), files);
    system::cgroup_cpu_quota(bytes(d.path()))
}

/// cgroup v2: `cpu.max` of the group and of each group above it; the tightest,
/// rounded down, as std's available_parallelism reads them.
#[test]
fn cgroup_v2_quota() {
    let group = |leaf: &str, parent: &str| {
        quota_in(&[
            ("/proc/self/cgroup", "0::/user.slice/app\n"),
            ("/sys/fs/cgroup/cgroup.controllers", "cpu memory\n"),
            ("/sys/fs/cgroup/user.slice/cgroup.controllers", "cpu\n"),
            ("/sys/fs/cgroup/user.slice/cpu.max", parent),
            ("/sys/fs/cgroup/user.slice/app/cgroup.controllers", "cpu\n"),
            ("/sys/fs/cgroup/user.slice/app/cpu.max", leaf),
        ])
    };
    assert_eq!(group("250000 100000\n", "max 100000\n"), 2);
    assert_eq!(group("250000 100000\n", "100000 100000\n"), 1);
    assert_eq!(group("50000 100000\n", "max 100000\n"), 0); // cpu_count makes it 1
    assert_eq!(group("max 100000\n", "max 100000\n"), usize::MAX);
    assert_eq!(group("garbage", "400000 0\n"), usize::MAX);
    // The root group (a container's own namespace): /sys/fs/cgroup itself.
    let root = quota_in(&[
        ("/proc/self/cgroup", "0::/\n"),
        ("/sys/fs/cgroup/cgroup.controllers", "cpu\n"),
        ("/sys/fs/cgroup/cpu.max", "300000 100000\n"),
    ]);
    assert_eq!(root, 3);
    // Not a cgroup2 directory (no cgroup.controllers): std reads no quota.
    let not_v2 = quota_in(&[
        ("/proc/self/cgroup", "0::/g\n"),
        ("/sys/fs/cgroup/g/cpu.max", "100000 100000\n"),
    ]);
    assert_eq!(not_v2, usize::MAX);
}

/// cgroup v1: cpu.cfs_quota_us ÷ cpu.cfs_period_us under the `cpu` or
/// `cpu,cpuacct` mount; a v1 line with the cpu controller wins over the v2 line.
#[test]
fn cgroup_v1_quota() {
    let q = quota_in(&[
        (
            "/proc/self/cgroup",
            "2:memory:/x\n1:cpu,cpuacct:/grp/sub\n0::/other\n",
        ),
        ("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n"),
        ("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n"),
        (
            "/sys/fs/cgroup/cpu,cpuacct/grp/cpu.cfs_quota_us",
            "300000\n",
        ),
        (
            "/sys/fs/cgroup/cpu,cpuacct/grp/cpu.cfs_period_us",
            "100000\n",
        ),
        (
            "/sys/fs/cgroup/cpu,cpuacct/grp/sub/cpu.cfs_quota_us",
            "-1\n",
        ),
        (
            "/sys/fs/cgroup/cpu,cpuacct/grp/sub/cpu.cfs_period_us",
            "100000\n",
        ),
        ("/sys/fs/cgroup/other/cpu.max", "100000 100000\n"),
    ]);
    assert_eq!(q, 3);
    let plain = quota_in(&[
        ("/proc/self/cgroup", "1:cpu:/q\n"),
        ("/sys/fs/cgroup/cpu/q/cpu.cfs_quota_us", "100000\n"),
        ("/sys/fs/cgroup/cpu/q/cpu.cfs_period_us", "100000\n"),
    ]);
    assert_eq!(plain, 1);
}

/// cgroup v1 at a mount point found in /proc/self/mountinfo, whose root is a
/// subtree of the hierarchy (a container's bind mount): the subtree is taken off
/// the front of the group's path.
#[test]
fn cgroup_v1_quota_through_mountinfo() {
    let mountinfo = "\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
35 31 0:32 /docker /elsewhere/memory rw,relatime - cgroup cgroup rw,memory
41 31 0:38 / /elsewhere/unified rw,relatime - cgroup2 cgroup2 rw
36 31 0:29 /dock /elsewhere/wrong rw,relatime shared:9 - cgroup cgroup rw,cpu
32 31 0:29 /docker /elsewhere/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct
";
    let q = quota_in(&[
        (
            "/proc/self/cgroup",
            "4:memory:/docker/abc\n3:cpuacct,cpu:/docker/abc\n",
        ),
        ("/proc/self/mountinfo", mountinfo),
        ("/elsewhere/cpu/cpu.cfs_quota_us", "400000\n"),
        ("/elsewhere/cpu/cpu.cfs_period_us", "100000\n"),
        ("/elsewhere/cpu/abc/cpu.cfs_quota_us", "150000\n"),
        ("/elsewhere/cpu/abc/cpu.cfs_period_us", "100000\n"),
        ("/elsewhere/wrong/cpu.cfs_quota_us", "100000\n"),
        ("/elsewhere/wrong/cpu.cfs_period_us", "100000\n"),
    ]);
    assert_eq!(q, 1);
}

/// No readable /proc/self/cgroup, or no line for the cpu controller: no quota.
#[test]
fn cgroup_quota_absent() {
    assert_eq!(quota_in(&[]), usize::MAX);
    assert_eq!(
        quota_in(&[("/proc/self/cgroup", "1:memory:/m\n")]),
        usize::MAX
    );
    assert_eq!(quota_in(&[("/proc/self/cgroup", "garbage")]), usize::MAX);
}

/// Here: the same count as std (whatever cgroup this test runs in).
#[test]
fn cpu_count_is_stds() {
    let std_count = std::thread::available_parallelism().unwrap().get();
    assert_eq!(system::cpu_count(), Ok(std_count));
}

/// A cgroup made for a test, removed on drop.
struct Cgroup(std::path::PathBuf);

impl Drop for Cgroup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// A new cgroup limited to one CPU (quota = period = 100 ms): v1 where the `cpu`
/// controller is mounted as v1 (as on the review's host), else v2 with `cpu`
/// enabled for the root's children. None where neither can be made.
fn one_cpu_cgroup() -> Option<Cgroup> {
    let name = format!("ffi-syscalls-review-{}", std::process::id());
    let v1 = Path::new("/sys/fs/cgroup/cpu");
    if v1.join("cpu.cfs_period_us").exists() {
        let g = Cgroup(v1.join(name));
        std::fs::create_dir(&g.0).ok()?;
        std::fs::write(g.0.join("cpu.cfs_period_us"), "100000").ok()?;
        std::fs::write(g.0.join("cpu.cfs_quota_us"), "100000").ok()?;
        return Some(g);
    }
    let v2 = Path::new("/sys/fs/cgroup");
    let enabled = std::fs::read_to_string(v2.join("cgroup.subtree_control")).ok()?;
    if !enabled.split_whitespace().any(|c| c == "cpu") {
        std::fs::write(v2.join("cgroup.subtree_control"), "+cpu").ok()?;
    }
    let g = Cgroup(v2.join(name));
    std::fs::create_dir(&g.0).ok()?;
    std::fs::write(g.0.join("cpu.max"), "100000 100000").ok()?;
    Some(g)
}

/// Inside a cgroup limited to one CPU, on a machine with more: cpu_count (and
/// rt_system_cpu_count) say 1, as std's available_parallelism does (the review's
/// reproduction: the crate said 2). Checked in a forked child moved into the group.
#[test]
fn cpu_count_in_a_one_cpu_cgroup() {
    if !is_root() {
        eprintln!("SKIPPED cpu_count_in_a_one_cpu_cgroup: needs root (makes a cgroup)");
        return;
    }
    if system::affinity_count().is_ok_and(|n| n < 2) {
        eprintln!(
            "SKIPPED cpu_count_in_a_one_cpu_cgroup: one CPU, so a quota of one changes nothing"
        );
        return;
    }
    let Some(group) = one_cpu_cgroup() else {
        eprintln!("SKIPPED cpu_count_in_a_one_cpu_cgroup: no cgroup with the cpu controller");
        return;
    };
    let procs = group.0.join("cgroup.procs");
    let mut fds = [0; 2];
    // SAFETY: a two-element array for the two ends.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: the child only does file I/O (glibc's malloc is safe after fork) and
    // leaves by _exit.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        let moved = std::fs::write(&procs, std::process::id().to_string()).is_ok();
        let theirs = std::thread::available_parallelism().map_or(0, |n| n.get());
        let ours = system::cpu_count().unwrap_or(0);
        #[cfg(feature = "standalone")]
        let rt = ffi_syscalls::exports::rt::rt_system_cpu_count() as usize;
        #[cfg(not(feature = "standalone"))]
        let rt = ours;
        let report = [moved as usize, theirs, ours, rt].map(|n| n as u64);
        // SAFETY: the array is live; the descriptor is the pipe's write end.
        unsafe {
            libc::write(fds[1], report.as_ptr().cast(), size_of_val(&report));
            libc::_exit(0);
        }
    }
    let mut report = [0u64; 4];
    // SAFETY: as above; the parent closes its write end first to see EOF.
    unsafe {
        libc::close(fds[1]);
        let n = libc::read(fds[0], report.as_mut_ptr().cast(), size_of_val(&report));
        assert_eq!(n as usize, size_of_val(&report));
        libc::close(fds[0]);
        let mut status = 0;
        assert_eq!(libc::waitpid(pid, &mut status, 0), pid);
    }
    let [moved, theirs, ours, rt] = report;
    assert_eq!(moved, 1, "the child could not join {}", group.0.display());
    assert_eq!(theirs, 1, "std in the one-CPU group");
    assert_eq!((ours, rt), (theirs, theirs));
}
