//! Facts about the machine.

use crate::io::{self, Fd};
use crate::sys::{self, RawFd, Result, uapi};
use alloc::vec::Vec;

/// CPUs this process may use, as std's `available_parallelism` counts them: the CPUs
/// of its affinity mask ([`affinity_count`]), at most its cgroup CPU quota in whole
/// CPUs ([`cgroup_cpu_quota`]), and at least 1.
pub fn cpu_count() -> Result<usize> {
    Ok(affinity_count()?.min(cgroup_cpu_quota(b"").max(1)))
}

/// CPUs this process may run on (the affinity mask), which is what GNU `nproc`
/// prints: it ignores cgroup quotas.
pub fn affinity_count() -> Result<usize> {
    // The kernel refuses a buffer smaller than its mask (EINVAL), whose size its
    // CONFIG_NR_CPUS sets: at most 8192 CPUs (x86_64's MAXSMP; arm64 and riscv64 allow
    // fewer), 1 KiB, which fits on the stack. (std reads 1024 CPUs' worth.)
    let mut mask = [0u64; 8192 / 64];
    // SAFETY: the kernel writes at most the array's size into it.
    unsafe { sys::sched_getaffinity(0, size_of_val(&mask), mask.as_mut_ptr().cast()) }?;
    // Words the kernel did not write are still zero.
    Ok(mask.iter().map(|w| w.count_ones() as usize).sum())
}

/// The cgroup CPU quota of this process in whole CPUs (quota ÷ period, rounded
/// down; the tightest of its group and the groups above it), or `usize::MAX` when
/// it has none or it cannot be read. Found as std's `available_parallelism` finds
/// it: the process's group in `/proc/self/cgroup` (a v1 line whose controllers
/// include `cpu` wins over the v2 line); for v2, `cpu.max` under `/sys/fs/cgroup`;
/// for v1, `cpu.cfs_quota_us` and `cpu.cfs_period_us` under `/sys/fs/cgroup/cpu`,
/// `/sys/fs/cgroup/cpu,cpuacct`, or else the v1 `cpu` mount `/proc/self/mountinfo`
/// names (with a bind-mounted root taken off the group's path).
///
/// Every path is read under directory `root`: empty for this system, or a
/// directory laid out the same way (tests give it crafted trees).
#[doc(hidden)]
pub fn cgroup_cpu_quota(root: &[u8]) -> usize {
    // This system's files by their own paths: qemu-user maps "/" itself to its
    // sysroot (-L), /proc/self/cgroup not.
    let root = match root {
        b"" => None,
        root => match open_dir(sys::AT_FDCWD, root) {
            Some(fd) => Some(fd),
            None => return usize::MAX,
        },
    };
    quota(root.as_ref().map_or(sys::AT_FDCWD, Fd::raw)).unwrap_or(usize::MAX)
}

/// How one cgroup version keeps the quota: the file that marks a group directory of
/// the CPU controller, and the files (and the field in each, counted from 0) that
/// hold the quota and the period.
struct Version {
    marker: &'static [u8],
    quota: &'static [u8],
    period: &'static [u8],
    period_field: usize,
}

const V1: Version = Version {
    marker: b"cpu.cfs_period_us",
    quota: b"cpu.cfs_quota_us",
    period: b"cpu.cfs_period_us",
    period_field: 0,
};

/// `cpu.max` is "QUOTA PERIOD", QUOTA "max" without a limit.
const V2: Version = Version {
    marker: b"cgroup.controllers",
    quota: b"cpu.max",
    period: b"cpu.max",
    period_field: 1,
};

// Directories are descriptors, and each file is opened from its directory's: no
// paths are joined. Text is cut by `skip` and `nth`, two small loops, rather than
// with the slice iterators and Option pairs, whose inlined code costs several times
// as much.

fn quota(root: RawFd) -> Option<usize> {
    let groups = read_at(root, b"/proc/self/cgroup")?;
    let (mut v1, mut v2) = (None, None);
    // Lines "ID:CONTROLLERS:/PATH"; the v2 line has no controllers.
    let mut text = &groups[..];
    while !text.is_empty() {
        let line = nth(text, b'\n', 0);
        text = skip(text, b'\n', 1);
        let (controllers, path) = (nth(line, b':', 1), skip(line, b':', 2));
        if path.is_empty() {
            // Fewer than three fields.
        } else if controllers.is_empty() {
            v2 = v2.or(Some(path));
        } else if has_item(controllers, b',', b"cpu") {
            v1 = Some(path);
        }
    }
    let (version, mount, group) = match (v1, v2) {
        (Some(group), _) => {
            let mut found = None;
            for m in [&b"/sys/fs/cgroup/cpu"[..], b"/sys/fs/cgroup/cpu,cpuacct"] {
                if found.is_none() {
                    found = group_mount(root, m, group, &V1).map(|fd| (fd, group));
                }
            }
            let (mount, group) = match found {
                Some(f) => f,
                None => v1_mount(root, group)?,
            };
            (&V1, mount, group)
        }
        (None, Some(group)) => (
            &V2,
            group_mount(root, b"/sys/fs/cgroup", group, &V2)?,
            group,
        ),
        _ => return None,
    };
    // The group and each one above it up to the mount's root: the tightest quota.
    let mut group = after(group, b"/").unwrap_or(group);
    let mut cpus = usize::MAX;
    loop {
        if let Some(dir) = open_dir(mount.raw(), group) {
            let quota = field(dir.raw(), version.quota, 0);
            let period = field(dir.raw(), version.period, version.period_field);
            if let (Some(quota), Some(period)) = (quota, period.filter(|&p| p > 0)) {
                cpus = cpus.min((quota / period) as usize);
            }
        }
        if group.is_empty() {
            return Some(cpus);
        }
        let up = group.iter().rposition(|&c| c == b'/').unwrap_or(0);
        group = group.get(..up).unwrap_or_default();
    }
}

/// The mount (`mount` under `root`) if the directory of `group` in it holds the
/// version's marker file.
fn group_mount(root: RawFd, mount: &[u8], group: &[u8], version: &Version) -> Option<Fd> {
    let mount = open_dir(root, mount)?;
    read_at(open_dir(mount.raw(), group)?.raw(), version.marker)?;
    Some(mount)
}

/// The v1 `cpu` mount in /proc/self/mountinfo whose root holds `group`, and the
/// group's path below that root. A mount of a subtree (a container's bind mount) has
/// the subtree's path in field 4, taken off the front of `group`.
fn v1_mount(root: RawFd, group: &[u8]) -> Option<(Fd, &[u8])> {
    let info = read_at(root, b"/proc/self/mountinfo")?;
    let mut text = &info[..];
    while !text.is_empty() {
        // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER"
        let line = nth(text, b'\n', 0);
        text = skip(text, b'\n', 1);
        let mut dash = 6;
        while !matches!(nth(line, b' ', dash), b"-" | b"") {
            dash += 1;
        }
        let (subtree, mount) = (nth(line, b' ', 3), nth(line, b' ', 4));
        if nth(line, b' ', dash + 1) != b"cgroup"
            || !has_item(nth(line, b' ', dash + 3), b',', b"cpu")
        {
            continue;
        }
        if let Some(rest) = after(group, subtree)
            && (subtree == b"/" || rest.is_empty() || rest.first() == Some(&b'/'))
        {
            return Some((group_mount(root, mount, rest, &V1)?, rest));
        }
    }
    None
}

/// Field `n` (space-separated, from 0) of the first line of file `name` in `dir`, a
/// decimal number; None for a missing file or anything else ("max", "-1").
fn field(dir: RawFd, name: &[u8], n: usize) -> Option<u64> {
    let text = read_at(dir, name)?;
    io::parse_decimal(nth(nth(&text, b'\n', 0), b' ', n))
}

/// Whether the `sep`-separated `list` holds `item`. Inlined: as a function of its
/// own its register saves made the aarch64 outliner take them out of every
/// function with the same prologue, start::entry among them (+16 B in each program).
#[inline(always)]
fn has_item(list: &[u8], sep: u8, item: &[u8]) -> bool {
    let mut i = 0;
    loop {
        let f = nth(list, sep, i);
        if f == item {
            return true;
        }
        if f.is_empty() && skip(list, sep, i).is_empty() {
            return false;
        }
        i += 1;
    }
}

/// What follows the `n`th `sep` in `s` (empty when there are fewer).
fn skip(mut s: &[u8], sep: u8, n: usize) -> &[u8] {
    for _ in 0..n {
        s = match s.iter().position(|&c| c == sep) {
            Some(at) => s.get(at + 1..).unwrap_or_default(),
            None => b"",
        };
    }
    s
}

/// Field `n` (from 0) of the `sep`-separated `s`; empty when there are fewer.
fn nth(s: &[u8], sep: u8, n: usize) -> &[u8] {
    let s = skip(s, sep, n);
    let end = s.iter().position(|&c| c == sep).unwrap_or(s.len());
    s.get(..end).unwrap_or_default()
}

/// `s` without `prefix`, if it starts with it: `strip_prefix`, whose bounds check
/// the compiler keeps on aarch64, and with it a panic.
fn after<'a>(s: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    match s.get(..prefix.len()) {
        Some(head) if head == prefix => s.get(prefix.len()..),
        _ => None,
    }
}

/// `path` opened from directory `dir` (a path from the root too, unless `dir` is
/// AT_FDCWD; the empty path is `dir` itself).
fn open_in(dir: RawFd, path: &[u8], flags: u32) -> Option<Fd> {
    let path = match after(path, b"/") {
        Some(rest) if dir != sys::AT_FDCWD => rest,
        _ => path,
    };
    let path = if path.is_empty() { &b"."[..] } else { path };
    Fd::open_at(dir, path, flags, 0).ok()
}

/// Directory `path` (see [`open_in`]), opened only to open files from it.
fn open_dir(dir: RawFd, path: &[u8]) -> Option<Fd> {
    open_in(dir, path, uapi::O_PATH | uapi::O_DIRECTORY)
}

/// The whole file `path` (see [`open_in`]).
fn read_at(dir: RawFd, path: &[u8]) -> Option<Vec<u8>> {
    io::read_all(open_in(dir, path, uapi::O_RDONLY)?.raw(), 0).ok()
}

/// The uname node name (what `hostname` prints).
pub fn hostname() -> Result<Vec<u8>> {
    crate::io::copy(hostname_in(&mut [0; HOST_NAME_BYTES])?)
}

/// Room for a node name and its NUL (the kernel's `__NEW_UTS_LEN + 1`).
pub const HOST_NAME_BYTES: usize = 65;

/// [`hostname`] in `buf`, without a copy on the heap.
pub fn hostname_in(buf: &mut [u8; HOST_NAME_BYTES]) -> Result<&[u8]> {
    // SAFETY: plain bytes; all-zero is valid.
    let mut uts: linux_raw_sys::system::new_utsname = unsafe { core::mem::zeroed() };
    sys::uname(&mut uts)?;
    #[allow(clippy::unnecessary_cast)] // c_char is i8 on x86_64, u8 on aarch64 and riscv64
    {
        *buf = uts.nodename.map(|c| c as u8);
    }
    Ok(buf.split(|&c| c == 0).next().unwrap_or_default())
}
