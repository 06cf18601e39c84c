//! The runtime's minimal bootstrap executable: a static program without libc, as a
//! multi-call tool.
//!
//! `bootstrap selftest` exercises every rt_* function, called as the runtime would
//! call them, with this crate's own value ABI (feature `standalone-values`). The
//! other commands are a user's tools and work on bytes, as the GNU tools they
//! mirror do (stdout and exit code): arguments, names, the environment and the
//! working directory are bytes on Linux, which the rt_* functions (text only) would
//! lose, so they go through the safe layer (`env`, `fs`, `io`, `process`,
//! `system`): pwd, home, pid, nproc, hostname, env, cat, size, mtime, exists,
//! write, append, rm, cp, mkdir, ls, run, lock. Wrong usage: a usage message, exit
//! 2. A failed operation: one line naming the errno on stderr, exit 1 (ls: 2, as
//! GNU ls; run: 127/126 when the command can not be started, as env).
//!
//! Written for size (tests/size-held.txt holds its bytes): commands dispatch
//! through a table, values are compared in place and freed by one helper.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering::Relaxed};
use ffi_syscalls::Errno;
use ffi_syscalls::exports::c::syscall_last_errno;
use ffi_syscalls::exports::rt::*;
use ffi_syscalls::io::{self, extend, push};
use ffi_syscalls::sys::{self, Result, uapi};
use ffi_syscalls::value::abi::rt_tuple_get;
use ffi_syscalls::value::{self, RuntimeValue as V, release};
use ffi_syscalls::{env, fs, process, system};
use linux_raw_sys::errno::{EDQUOT, EILSEQ, ENOENT};

/// An errno from linux-raw-sys as `syscall_last_errno` gives it.
const fn errno(e: u32) -> i32 {
    e as i32
}

const USAGE: &[u8] = b"usage: bootstrap COMMAND [ARGS]\n\
commands: selftest | pwd | home | pid | nproc | hostname | env NAME | cat FILE... |\n\
  size FILE | mtime FILE | exists FILE | write FILE TEXT | append FILE TEXT | rm FILE |\n\
  cp SRC DST | mkdir [-p] DIR | ls DIR | run CMD [ARGS...] | lock FILE\n";

/// The program: the command named by the first argument.
///
/// # Safety
/// `argv` holds `argc` NUL-terminated strings, as the entry passes them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn main(argc: i32, argv: *const *const u8, _envp: *const *const u8) -> i32 {
    // What the runtime's generated main does first: hand the arguments over (the
    // selftest reads them back with rt_get_args).
    // SAFETY: the entry passes the kernel's argc and argv.
    unsafe { rt_set_args(argc, argv) };
    // The commands take the arguments as the entry recorded them, each the bytes it
    // is: rt_get_args leaves out those that are not UTF-8, and the rest would
    // shift. (Without memory for this copy there are none: the usage.)
    let argv = env::args();
    let mut words = io::unpacked(&argv);
    let code = match (words.next(), words.next()) {
        // The arguments after the command, still packed.
        (Some(prog), Some(cmd)) => argv
            .get(prog.len() + cmd.len() + 2..)
            .and_then(|args| command(cmd, args)),
        _ => None,
    };
    code.unwrap_or_else(|| {
        eprint(USAGE);
        2
    })
}

// ---- output -------------------------------------------------------------------

/// Writes all of `a`, then all of `b`, to stdout (in one writev when the kernel
/// takes them whole). A reader that has gone ends the program as it ends the GNU
/// tools, by SIGPIPE: the runtime ignores it (as std's does), so the write
/// reports EPIPE instead, and the signal is raised again at its default.
fn print2(a: &[u8], b: &[u8]) -> Result<()> {
    let r = io::write_all2(1, a, b);
    if r == Err(Errno::EPIPE) {
        process::sigpipe_default();
        // Not returning unless SIGPIPE is blocked: then a write error, as for cat.
        let _ = sys::kill(process::pid(), uapi::SIGPIPE);
    }
    r
}

/// Writes all of `b` to stdout; false when the write failed (rt_print_str tells its
/// caller nothing, as the runtime's does not).
fn print(b: &[u8]) -> bool {
    print2(b, b"").is_ok()
}

fn eprint(b: &[u8]) {
    unsafe { rt_eprint_str(b.as_ptr(), b.len() as u64) };
}

/// Prints the bytes and a newline: exit 0; a failed lookup (`what` names it) or a
/// failed write (a full disk, a closed stdout) is reported, exit 1.
fn line(cmd: &[u8], what: &[u8], r: Result<&[u8]>) -> i32 {
    match r.map(|b| print2(b, b"\n")) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => fail(cmd, b"write error", e),
        Err(e) => fail(cmd, what, e),
    }
}

/// [`line`] of a number in decimal.
fn int_line(cmd: &[u8], what: &[u8], r: Result<i64>) -> i32 {
    let mut digits = [0; 20];
    line(cmd, what, r.map(|n| io::decimal(n, &mut digits)))
}

/// The bytes of an owned result, for [`line`].
fn owned(r: &Result<Vec<u8>>) -> Result<&[u8]> {
    r.as_deref().map_err(|&e| e)
}

/// "bootstrap: CMD: WHAT: ENAME" on stderr; returns 1.
#[inline(never)]
fn fail(cmd: &[u8], what: &[u8], e: Errno) -> i32 {
    let mut l = concat(&[b"bootstrap: ", cmd, b": ", what, b": "]);
    push_errno(&mut l, e.into_raw());
    unsafe { rt_eprintln_str(l.as_ptr(), l.len() as u64) };
    1
}

/// The name of errno `e`, for the errnos these commands can meet; others as "E?"
/// and the number.
fn push_errno(l: &mut Vec<u8>, e: i32) {
    // Names in number order, separated by spaces; an empty slot is a number
    // without a name here.
    const NAMES: &[u8] = b"EPERM ENOENT   EIO    EBADF  EWOULDBLOCK ENOMEM EACCES EFAULT  EBUSY EEXIST EXDEV  \
        ENOTDIR EISDIR EINVAL  EMFILE  ETXTBSY EFBIG ENOSPC  EROFS  EPIPE    ENAMETOOLONG   ENOTEMPTY ELOOP";
    let name = match e {
        1..=40 => NAMES
            .split(|&c| c == b' ')
            .nth(e as usize - 1)
            .unwrap_or(b""),
        e if e == errno(EILSEQ) => b"EILSEQ",
        e if e == errno(EDQUOT) => b"EDQUOT",
        _ => b"",
    };
    let _ = match name {
        b"" => extend(l, b"E?").and_then(|()| extend(l, io::decimal(i64::from(e), &mut [0; 20]))),
        name => extend(l, name),
    };
}

/// The pieces one after another (as far as memory allows: these are messages and
/// the selftest's paths, and without memory nothing else works either).
fn concat(parts: &[&[u8]]) -> Vec<u8> {
    let mut v = Vec::new();
    for p in parts {
        let _ = extend(&mut v, p);
    }
    v
}

// ---- values ---------------------------------------------------------------------

/// A String's bytes (empty for anything else). Each value is released only after
/// the last use of its bytes.
fn bytes<'a>(v: V) -> &'a [u8] {
    // SAFETY: every String here comes from an rt_* function and is still live.
    unsafe { value::string_bytes(v) }.unwrap_or(b"")
}

/// Whether `v` is a String holding `want`; frees `v`.
#[inline(never)]
fn is_string(v: V, want: &[u8]) -> bool {
    let same = unsafe { value::string_bytes(v) } == Some(want);
    release(v);
    same
}

macro_rules! rt {
    ($f:ident($t:expr $(, $rest:expr)*)) => {{
        let t: &[u8] = $t;
        unsafe { $f(t.as_ptr(), t.len() as u64 $(, $rest)*) }
    }};
}

// ---- commands -----------------------------------------------------------------

/// Each command and how many arguments it takes ('*': one or more), in the order
/// `command` dispatches on. One string rather than a `match` on byte strings (one
/// comparison loop instead of one per pattern) or an array of slices (16 bytes of
/// pointer and length per name).
const COMMANDS: &[u8] = b"selftest0 pwd0 home0 hostname0 pid0 nproc0 size1 mtime1 env1 exists1 \
    cat* write2 append2 rm1 cp2 mkdir1 mkdir2 ls1 run* lock1";

/// Runs command `cmd` with `args`, packed (see [`io::unpacked`]); `None`: no such
/// command, or not with that many arguments.
fn command(cmd: &[u8], args: &[u8]) -> Option<i32> {
    let mut words = io::unpacked(args);
    let n = words.clone().count();
    let i = COMMANDS
        .split(|&c| c == b' ')
        .position(|entry| match entry.split_last() {
            Some((b'*', name)) => name == cmd && n > 0,
            Some((&arity, name)) => name == cmd && usize::from(arity - b'0') == n,
            None => false,
        })?;
    let a = words.next().unwrap_or_default();
    let b = words.next().unwrap_or_default();
    let mut host = [0; system::HOST_NAME_BYTES];
    // The commands that only succeed or fail, and what a failure names.
    let (r, what) = match i {
        11 => (fs::write(a, b), a),
        12 => (fs::append(a, b), a),
        13 => (fs::remove_file(a), a),
        14 => (cp(a, b), a),
        15 => (fs::dir_create(a, false), a),
        16 if a == b"-p" => (fs::dir_create(b, true), b),
        19 => (lock(a), a),
        _ => {
            return Some(match i {
                0 => selftest(),
                1 => line(cmd, b"getcwd", env::cwd_in(&mut [0; io::PATH_MAX])),
                2 => line(cmd, b"HOME", owned(&home())),
                3 => line(cmd, b"uname", system::hostname_in(&mut host)),
                4 => int_line(cmd, b"getpid", Ok(process::pid().into())),
                5 => int_line(
                    cmd,
                    b"sched_getaffinity",
                    // As GNU nproc: the CPUs this process may run on, with no
                    // cgroup quota applied (rt_system_cpu_count applies it).
                    system::affinity_count().map(|n| n as i64),
                ),
                6 => int_line(cmd, a, fs::size(a).map(|n| n as i64)),
                // Like `stat -L -c %Y FILE`: a time before the epoch too.
                7 => int_line(cmd, a, fs::modified_time(a)),
                // Like printenv: unset is exit 1 and no output.
                8 => match env::get(a) {
                    Ok(None) => 1,
                    r => line(cmd, a, owned(&r.map(Option::unwrap_or_default))),
                },
                // Like test -e: whether stat succeeds.
                9 => i32::from(fs::metadata(a).is_err()),
                10 => cat(args),
                17 => 2 * ls(a),
                18 => run(args),
                _ => return None,
            });
        }
    };
    Some(match r {
        Ok(()) => 0,
        Err(e) => fail(cmd, what, e),
    })
}

/// `HOME`, else `USERPROFILE` (as the runtime's rt_env_home), as bytes; neither is
/// `ENOENT`.
fn home() -> Result<Vec<u8>> {
    match env::get(b"HOME")? {
        Some(home) => Ok(home),
        None => env::get(b"USERPROFILE")?.ok_or(Errno::ENOENT),
    }
}

/// What `cat` and `lock` read with: one buffer of this size, on the heap, so memory
/// stays flat however much comes in, and the stack small (`ulimit -s 64`).
const CHUNK: usize = 128 * 1024;

/// Reads `fd` to EOF a buffer at a time, writing each to stdout when `out` is set.
/// A failure says whether it was a write (true) or a read.
fn stream(fd: i32, out: bool) -> core::result::Result<(), (bool, Errno)> {
    let mut buf = Vec::new();
    io::reserve(&mut buf, CHUNK).map_err(|e| (false, e))?;
    loop {
        buf.clear();
        match io::read_some(fd, &mut buf) {
            Ok(0) => return Ok(()),
            Ok(_) if out => print2(&buf, b"").map_err(|e| (true, e))?,
            Ok(_) => {}
            Err(e) => return Err((false, e)),
        }
    }
}

/// Like cat: each file in turn, streamed; a file that can not be read is reported
/// and the rest still printed, exit 1 if any failed; a failed write ends it, as
/// GNU cat ends.
fn cat(files: &[u8]) -> i32 {
    let mut code = 0;
    for f in io::unpacked(files) {
        let copied = io::Fd::open(f, uapi::O_RDONLY, 0)
            .map_err(|e| (false, e))
            .and_then(|fd| stream(fd.raw(), true));
        code |= match copied {
            Ok(()) => 0,
            Err((true, e)) => return fail(b"cat", b"write error", e),
            Err((false, e)) => fail(b"cat", f, e),
        };
    }
    code
}

/// Like cp SRC DST (GNU cp's modes and holes: fs::copy_like_cp), including DST
/// being a directory (then DST/basename(SRC)).
fn cp(src: &[u8], dst: &[u8]) -> Result<()> {
    let mut in_dir = Vec::new();
    let mut target = dst;
    if fs::metadata(dst).is_ok_and(|st| io::is_dir(&st)) {
        let base = src
            .rsplit(|&c| c == b'/')
            .find(|p| !p.is_empty())
            .unwrap_or(src);
        for part in [dst, b"/", base] {
            extend(&mut in_dir, part)?;
        }
        target = &in_dir;
    }
    fs::copy_like_cp(src, target).map(drop)
}

/// The names, sorted bytewise; `ENOMEM` when the list can not be made.
fn sorted<'a>(names: impl Iterator<Item = &'a [u8]>) -> Result<Vec<&'a [u8]>> {
    let mut v = Vec::new();
    for n in names {
        push(&mut v, n)?;
    }
    heapsort(&mut v);
    Ok(v)
}

/// Like `LC_ALL=C ls -A1 DIR`: every name, as the bytes it is, sorted bytewise; a
/// file lists as itself. 1 for a failure, which the caller doubles: GNU ls exits 2
/// (LS_FAILURE) for a missing DIR and for a write error alike.
fn ls(dir: &[u8]) -> i32 {
    let mut out = Vec::new();
    let mut put = |name: &[u8]| extend(&mut out, name).and_then(|()| extend(&mut out, b"\n"));
    let listed = match fs::dir_list(dir) {
        Err(Errno::ENOTDIR) if fs::metadata(dir).is_ok() => put(dir),
        r => r.and_then(|names| sorted(names.iter())?.into_iter().try_for_each(put)),
    };
    match listed.map(|()| print2(&out, b"")) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => fail(b"ls", b"write error", e),
        Err(e) => fail(b"ls", dir, e),
    }
}

/// In place, O(n log n), a few dozen instructions: enough for 10 000 names. One
/// loop: first sifts down each inner node (building the heap), then moves the top
/// to the end of the shrinking heap and sifts the new top down. Every access
/// through `get`, every swap checked: no panics.
fn heapsort(v: &mut [&[u8]]) {
    fn swap(v: &mut [&[u8]], i: usize, j: usize) {
        if i < v.len() && j < v.len() {
            v.swap(i, j);
        }
    }
    let n = v.len();
    for k in (0..n + n / 2).rev() {
        let (mut root, end) = if k >= n {
            (k - n, n)
        } else {
            swap(v, 0, k);
            (0, k)
        };
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                break;
            }
            if child + 1 < end && v.get(child) < v.get(child + 1) {
                child += 1;
            }
            if v.get(root) >= v.get(child) {
                break;
            }
            swap(v, root, child);
            root = child;
        }
    }
}

/// Like `env CMD [ARGS...]`, with `argv` (packed) the command and its arguments:
/// this process becomes CMD (searched in PATH), so its output streams through and
/// its status is CMD's. Not started: 127 (not found) or 126 (anything else), as env.
fn run(argv: &[u8]) -> i32 {
    let e = process::exec(argv);
    fail(b"run", io::unpacked(argv).next().unwrap_or_default(), e);
    if e == Errno::ENOENT { 127 } else { 126 }
}

/// rt_process_run of PROG with ARGS: its result (to release) and that Tuple's
/// stdout, stderr and exit code.
fn process_run(prog: &[u8], args: &[&[u8]]) -> (V, [V; 3]) {
    let argv = value::string_array(args.iter().copied()).unwrap_or(V::NIL);
    let t = rt!(rt_process_run(prog, argv));
    release(argv);
    // SAFETY: the accessor checks the value itself.
    (t, [0, 1, 2].map(|i| unsafe { rt_tuple_get(t, i) }))
}

/// Takes the lock (giving up after a second when it is held elsewhere), holds it
/// until stdin ends (or can not be read), then releases it. What comes on stdin is
/// read and dropped, a buffer at a time.
fn lock(f: &[u8]) -> Result<()> {
    let h = fs::lock(f, 1)?;
    let _ = stream(0, false);
    fs::unlock(h)
}

// ---- selftest -------------------------------------------------------------------

/// Whether a check failed (or its line could not be printed): the selftest's verdict.
static FAILED: AtomicBool = AtomicBool::new(false);

/// Prints "NAME ok DETAIL" or "NAME FAILED DETAIL (errno ENAME)"; a failure is
/// recorded in FAILED (rather than returned: one store here, no `&=` at each call).
#[inline(never)]
fn check(name: &[u8], ok: bool, detail: &[u8]) {
    let mut l = concat(&[name, if ok { b" ok " } else { b" FAILED " }, detail]);
    if !ok {
        let _ = extend(&mut l, b" (errno ");
        push_errno(&mut l, syscall_last_errno());
        let _ = extend(&mut l, b")");
    }
    let _ = extend(&mut l, b"\n");
    if !(print(&l) && ok) {
        FAILED.store(true, Relaxed);
    }
}

/// A check without detail.
#[inline(never)]
fn verify(name: &[u8], ok: bool) {
    check(name, ok, b"");
}

/// Checks that `v` is an absolute path (a String starting with '/'); frees `v`.
#[inline(never)]
fn check_absolute(name: &[u8], v: V) {
    check(name, bytes(v).first() == Some(&b'/'), bytes(v));
    release(v);
}

fn selftest() -> i32 {
    let pid = rt_getpid();
    let (mut pid_buf, mut digits) = ([0; 20], [0; 20]);
    let pid_text = io::decimal(pid, &mut pid_buf);
    // The String stays live until exit.
    let tmp = match rt!(rt_env_get(b"TMPDIR")) {
        V::NIL => b"/tmp",
        v => bytes(v),
    };
    let dir = concat(&[tmp, b"/bootstrap-selftest-", pid_text]);
    let p = |name: &[u8]| concat(&[&dir, b"/", name]);
    let file = p(b"file");
    let copy = p(b"copy");
    let nested = p(b"a/b/c");
    let lockf = p(b"lock");
    let missing = p(b"missing");
    let t = |ok: bool| ok;

    check(b"rt_getpid", pid > 0, pid_text);
    check(
        b"rt_dir_create",
        t(rt!(rt_dir_create(&dir, false)))
            && t(rt!(rt_dir_create(&nested, true)))
            && t(rt!(rt_dir_create(&nested, true)))
            && !t(rt!(rt_dir_create(&dir, false))),
        &dir,
    );
    let hello = b"hello, bootstrap";
    verify(
        b"rt_file_write_text",
        t(rt!(rt_file_write_text(&file, hello.as_ptr(), 9))),
    );
    verify(
        b"rt_file_append_text",
        t(rt!(rt_file_append_text(&file, hello[9..].as_ptr(), 7))),
    );
    verify(
        b"rt_file_read_text",
        is_string(rt!(rt_file_read_text(&file)), hello),
    );
    verify(
        b"rt_file_exists",
        t(rt!(rt_file_exists(&file))) && !t(rt!(rt_file_exists(&missing))),
    );
    verify(
        b"rt_file_size",
        rt!(rt_file_size(&file)) == 16 && rt!(rt_file_size(&missing)) == -1,
    );
    let now = rt_time_now_unix_micros();
    check(
        b"rt_time_now_unix_micros",
        now > 1_600_000_000_000_000,
        io::decimal(now, &mut digits),
    );
    let mtime = rt!(rt_file_modified_time(&file));
    check(
        b"rt_file_modified_time",
        (mtime - now / 1_000_000).abs() <= 2,
        io::decimal(mtime, &mut digits),
    );
    verify(
        b"rt_file_copy",
        t(rt!(rt_file_copy(&file, copy.as_ptr(), copy.len() as u64)))
            && is_string(rt!(rt_file_read_text(&copy)), hello),
    );
    verify(
        b"rt_file_mmap_read_text",
        is_string(rt!(rt_file_mmap_read_text(&copy)), hello),
    );
    let stat = rt!(rt_file_mmap_read_bytes(b"/proc/self/stat"));
    let stat_pid = value::standalone::byte_array_data(stat)
        .and_then(|b| b.split(|&c| c == b' ').next())
        == Some(pid_text);
    release(stat);
    check(b"rt_file_mmap_read_bytes", stat_pid, b"/proc/self/stat");
    let listing = rt!(rt_dir_list(&dir));
    // Three entries, each name among them: exactly these, in any order.
    let listed = |name: &[u8]| (0..3).any(|i| bytes(value::array_get(listing, i)) == name);
    verify(
        b"rt_dir_list",
        value::array_len(listing) == Some(3) && listed(b"a") && listed(b"copy") && listed(b"file"),
    );
    release(listing);
    let h = rt!(rt_file_lock(&lockf, 0));
    verify(
        b"rt_file_lock",
        h >= 0 && rt!(rt_file_lock(&lockf, 1)) == -1,
    );
    verify(
        b"rt_file_unlock",
        t(rt_file_unlock(h)) && !t(rt_file_unlock(h)),
    );
    check_absolute(b"rt_env_cwd", rt_env_cwd());
    check_absolute(b"rt_env_home", rt_env_home());
    verify(
        b"rt_env_set",
        t(rt!(rt_env_set(b"BOOTSTRAP_SELFTEST", b"42".as_ptr(), 2))),
    );
    verify(
        b"rt_env_get",
        is_string(rt!(rt_env_get(b"BOOTSTRAP_SELFTEST")), b"42")
            && rt!(rt_env_get(b"BOOTSTRAP_SELFTEST_UNSET")) == V::NIL,
    );
    let (ran, child) = run_checks(&file);
    check(b"rt_process_run", ran, child);
    let cpus = rt_system_cpu_count();
    check(
        b"rt_system_cpu_count",
        cpus >= 1,
        io::decimal(cpus, &mut digits),
    );
    let host = rt_hostname();
    let proc_host = rt!(rt_file_read_text(b"/proc/sys/kernel/hostname"));
    check(
        b"rt_hostname",
        !bytes(host).is_empty() && bytes(proc_host).strip_suffix(b"\n") == Some(bytes(host)),
        bytes(host),
    );
    release(host);
    release(proc_host);
    let args = rt_get_args();
    let arg1 = bytes(value::array_get(args, 1)) == b"selftest";
    release(args);
    verify(b"rt_get_args", arg1);
    // The print functions tell their caller nothing; a failed write would show as a
    // newly recorded errno.
    let before = syscall_last_errno();
    unsafe {
        rt_print_str(b"".as_ptr(), 0);
        rt_eprint_str(b"".as_ptr(), 0);
        rt_println_str(b"(a line for rt_println_str)".as_ptr(), 27);
        rt_eprintln_str(b"(a line for rt_eprintln_str)".as_ptr(), 28);
    }
    verify(b"rt_print_str", syscall_last_errno() == before);
    // Clean up: everything made above, deepest first.
    let mut removed = t(rt!(rt_file_delete(&file)))
        && !t(rt!(rt_file_delete(&file)))
        && t(rt!(rt_file_delete(&lockf)))
        && t(rt!(rt_file_delete(&copy)));
    // Then the directories, each the parent of the one before: a/b/c, a/b, a, dir.
    let mut d: &[u8] = &nested;
    for _ in 0..4 {
        removed &= ffi_syscalls::fs::remove(d).is_ok();
        d = d.rsplitn(2, |&c| c == b'/').nth(1).unwrap_or(b"");
    }
    verify(
        b"rt_file_delete/rt_file_remove",
        removed && !t(rt!(rt_file_exists(&dir))),
    );
    // Peak memory of this process, as the kernel counts it.
    let status = rt!(rt_file_read_text(b"/proc/self/status"));
    let hwm = bytes(status)
        .split(|&c| c == b'\n')
        .find(|l| l.starts_with(b"VmHWM:"))
        .unwrap_or(b"VmHWM: ?");
    check(b"peak-rss", true, hwm);
    release(status);
    let all = !FAILED.load(Relaxed);
    let verdict: &[u8] = if all {
        b"selftest passed"
    } else {
        b"selftest FAILED"
    };
    line(b"selftest", b"", Ok(verdict));
    // rt_exit ends the process with the status, like returning from main.
    rt_exit(i32::from(!all))
}

/// rt_process_run: this same program as the child (`cat FILE MISSING`: stdout,
/// stderr and exit 1 to check; `env NAME`: the environment it was given), so the
/// selftest needs nothing from the system. Only where the kernel can not start it
/// (ENOEXEC), and so `/bin/sh` was given it as a script, as execvp does, `sh` plays
/// the child.
fn run_checks(file: &[u8]) -> (bool, &'static [u8]) {
    // Whether the result was as expected, and whether a shell read this program as
    // a script (its error names the path: "/proc/self/exe: 1: Syntax error...").
    let run = |prog: &[u8], args: &[&[u8]], out: &[u8], err_start: &[u8], code: i64| {
        let (t, [o, e, c]) = process_run(prog, args);
        let same = bytes(o) == out && bytes(e).starts_with(err_start) && c.as_int() == Some(code);
        let by_sh = bytes(e).starts_with(b"/proc/self/exe:");
        release(t);
        (same, by_sh)
    };
    let hello = b"hello, bootstrap";
    let (env, by_sh) = run(
        b"/proc/self/exe",
        &[b"env", b"BOOTSTRAP_SELFTEST"],
        b"42\n",
        b"",
        0,
    );
    // A shell ran this ELF: the kernel can not run it (ENOEXEC: a foreign
    // architecture under qemu-user without binfmt_misc); any other failure is the
    // selftest's.
    let (ran, child): (bool, &[u8]) = if env || !by_sh {
        let (cat, _) = run(
            b"/proc/self/exe",
            &[b"cat", file, b"/nonexistent"],
            hello,
            b"bootstrap: cat: /nonexistent: ENOENT\n",
            1,
        );
        (env && cat, b"child: /proc/self/exe")
    } else {
        let script = b"printf \"$BOOTSTRAP_SELFTEST\"; cat \"$0\"; exit 3";
        (
            run(b"sh", &[b"-c", script, file], b"42hello, bootstrap", b"", 3).0,
            b"child: sh",
        )
    };
    let missing =
        run(b"/nonexistent/command", &[], b"", b"", -1).0 && syscall_last_errno() == errno(ENOENT);
    (ran && missing, child)
}
