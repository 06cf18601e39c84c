//! The runtime's minimal bootstrap executable: a static program without libc, built
//! only on the `rt_*` functions, as a multi-call tool.
//!
//! Built on the `rt_*` functions with this crate's own value ABI (feature
//! `standalone-values`), called as the runtime would call them; it reaches below them
//! only to read the last errno, to see whether a write failed (`syscall_write_all`)
//! and to remove the selftest's directories (the runtime has no rt_* for that).
//!
//! `bootstrap selftest` exercises every rt_* function; the other commands behave
//! like the GNU tools on the same input (stdout and exit code): pwd, home, pid, nproc,
//! hostname, env, cat, size, mtime, exists, write, append, rm, cp, mkdir, ls, run,
//! lock. Wrong usage: a usage message, exit 2. A failed operation: one line naming
//! the errno on stderr, exit 1 (ls: 2, as GNU ls; run: 127/126 when the command can
//! not be started, as env).
//!
//! Written for size (the whole program has a 24 KiB budget): commands dispatch
//! through a table, values are compared in place and freed by one helper.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering::Relaxed};
use ffi_syscalls::exports::c::{syscall_file_modified_time, syscall_last_errno, syscall_write_all};
use ffi_syscalls::exports::rt::*;
use ffi_syscalls::io::{self, extend, push};
use ffi_syscalls::value::abi::rt_tuple_get;
use ffi_syscalls::value::{self, RuntimeValue as V, release};
use linux_raw_sys::errno::{EDQUOT, EILSEQ, EINVAL, ENOENT, ENOTDIR};

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
    // What the runtime's generated main does first: hand the arguments over. The
    // Array rt_get_args makes of them lives until exit.
    // SAFETY: the entry passes the kernel's argc and argv.
    unsafe { rt_set_args(argc, argv) };
    let args = strings(rt_get_args());
    let code = match args.get(1..) {
        Some([cmd, rest @ ..]) => command(cmd, rest),
        _ => None,
    };
    code.unwrap_or_else(|| {
        eprint(USAGE);
        2
    })
}

// ---- output -------------------------------------------------------------------

/// Writes all of `b` to stdout; false when the write failed (rt_print_str tells its
/// caller nothing, as the runtime's does not).
fn print(b: &[u8]) -> bool {
    (unsafe { syscall_write_all(1, b.as_ptr(), b.len()) }) == 0
}

fn eprint(b: &[u8]) {
    unsafe { rt_eprint_str(b.as_ptr(), b.len() as u64) };
}

/// Prints `b` and a newline; a failed write (a full disk, a closed pipe) is reported
/// and turns the exit status into 1.
fn println_or_fail(cmd: &[u8], b: &[u8]) -> i32 {
    if print(b) && print(b"\n") {
        0
    } else {
        fail(cmd, b"write error")
    }
}

/// "bootstrap: CMD: WHAT: ENAME" on stderr; returns 1.
fn fail(cmd: &[u8], what: &[u8]) -> i32 {
    let mut l = concat(&[b"bootstrap: ", cmd, b": ", what, b": "]);
    push_errno(&mut l);
    unsafe { rt_eprintln_str(l.as_ptr(), l.len() as u64) };
    1
}

/// The last errno's name, for the errnos these commands can meet; others as
/// "E?" and the number.
fn push_errno(l: &mut Vec<u8>) {
    // Names in number order, separated by spaces; an empty slot is a number
    // without a name here.
    const NAMES: &[u8] = b"EPERM ENOENT   EIO    EBADF  EWOULDBLOCK ENOMEM EACCES EFAULT  EBUSY EEXIST EXDEV  \
        ENOTDIR EISDIR EINVAL  EMFILE  ETXTBSY EFBIG ENOSPC  EROFS  EPIPE    ENAMETOOLONG   ENOTEMPTY ELOOP";
    let e = syscall_last_errno();
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

/// The pieces one after another (as far as memory allows: these are paths and
/// messages, and without memory nothing else works either).
fn concat(parts: &[&[u8]]) -> Vec<u8> {
    let mut v = Vec::new();
    for p in parts {
        let _ = extend(&mut v, p);
    }
    v
}

// ---- values ---------------------------------------------------------------------

/// The bytes of each String in an Array.
fn strings<'a>(array: V) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    for i in 0..value::array_len(array).unwrap_or(0) {
        let _ = push(&mut out, bytes(value::array_get(array, i)));
    }
    out
}

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

fn command(cmd: &[u8], args: &[&[u8]]) -> Option<i32> {
    let n = args.len();
    let i = COMMANDS
        .split(|&c| c == b' ')
        .position(|entry| match entry.split_last() {
            Some((b'*', name)) => name == cmd && n > 0,
            Some((&arity, name)) => name == cmd && usize::from(arity - b'0') == n,
            None => false,
        })?;
    let (a, b) = (
        args.first().copied().unwrap_or(b""),
        args.get(1).copied().unwrap_or(b""),
    );
    // The commands that only succeed or fail, and what a failure names.
    let (ok, what) = match i {
        11 => (rt!(rt_file_write_text(a, b.as_ptr(), b.len() as u64)), a),
        12 => (rt!(rt_file_append_text(a, b.as_ptr(), b.len() as u64)), a),
        13 => (rt!(rt_file_delete(a)), a),
        15 => (rt!(rt_dir_create(a, false)), a),
        16 if a == b"-p" => (rt!(rt_dir_create(b, true)), b),
        _ => {
            return Some(match i {
                0 => selftest(),
                1 => string_line(cmd, b"getcwd", rt_env_cwd()),
                2 => string_line(cmd, b"HOME", rt_env_home()),
                3 => string_line(cmd, b"uname", rt_hostname()),
                4 => int_line(cmd, b"getpid", rt_getpid()),
                5 => int_line(cmd, b"sched_getaffinity", rt_system_cpu_count()),
                6 => int_line(cmd, a, rt!(rt_file_size(a))),
                7 => mtime(a),
                // Like printenv: unset is exit 1 and no output.
                8 => match rt!(rt_env_get(a)) {
                    V::NIL => 1,
                    v => string_line(cmd, a, v),
                },
                9 => i32::from(!rt!(rt_file_exists(a))),
                10 => cat(args),
                14 => cp(a, b),
                17 => ls(a),
                18 => run(a, args.get(1..).unwrap_or_default()),
                19 => lock(a),
                _ => return None,
            });
        }
    };
    Some(status(cmd, what, ok))
}

fn status(cmd: &[u8], what: &[u8], ok: bool) -> i32 {
    if ok { 0 } else { fail(cmd, what) }
}

fn string_line(cmd: &[u8], what: &[u8], v: V) -> i32 {
    if v == V::NIL {
        return fail(cmd, what);
    }
    println_or_fail(cmd, bytes(v))
}

fn int_line(cmd: &[u8], what: &[u8], v: i64) -> i32 {
    match v {
        -1 => fail(cmd, what),
        n => println_or_fail(cmd, io::decimal(n, &mut [0; 20])),
    }
}

/// Like cat: each file in turn; a file that can not be read is reported and the
/// rest still printed; exit 1 if any failed.
fn cat(files: &[&[u8]]) -> i32 {
    let mut code = 0;
    for f in files {
        // Bytes, not text: cat copies whatever the file holds.
        let v = rt!(rt_file_mmap_read_bytes(f));
        code |= match value::standalone::byte_array_data(v) {
            Some(b) if !print(b) => fail(b"cat", b"write error"),
            Some(_) => 0,
            None => fail(b"cat", f),
        };
        release(v);
    }
    code
}

/// Like `stat -L -c %Y FILE`. Through the C ABI, whose status is apart from the
/// value: rt_file_modified_time's failure value -1 is also the time one second
/// before the epoch.
fn mtime(file: &[u8]) -> i32 {
    let path = join(file, b"", b"\0");
    let mut seconds = 0i64;
    // SAFETY: `path` is NUL-terminated (argv holds no NUL), `seconds` a live i64.
    if unsafe { syscall_file_modified_time(path.as_ptr().cast(), &mut seconds) } != 0 {
        return fail(b"mtime", file);
    }
    println_or_fail(b"mtime", io::decimal(seconds, &mut [0; 20]))
}

/// `dir/name` (or `dir` and `name` alone when `sep` is empty).
fn join(dir: &[u8], sep: &[u8], name: &[u8]) -> Vec<u8> {
    concat(&[dir, sep, name])
}

/// Like cp SRC DST, including DST being a directory (then DST/basename(SRC)).
fn cp(src: &[u8], dst: &[u8]) -> i32 {
    let in_dir;
    let mut target = dst;
    if rt!(rt_file_exists(&join(dst, b"/.", b""))) {
        let base = src
            .rsplit(|&c| c == b'/')
            .find(|p| !p.is_empty())
            .unwrap_or(src);
        in_dir = join(dst, b"/", base);
        target = &in_dir;
    }
    status(
        b"cp",
        src,
        rt!(rt_file_copy(src, target.as_ptr(), target.len() as u64)),
    )
}

/// The names of a `rt_dir_list` result, sorted bytewise (empty for NIL).
fn sorted_names<'a>(listing: V) -> Vec<&'a [u8]> {
    let mut names = strings(listing);
    heapsort(&mut names);
    names
}

/// Like `LC_ALL=C ls -A1 DIR`: names sorted bytewise. A file lists as itself; a
/// missing DIR is exit 2, as GNU ls.
fn ls(dir: &[u8]) -> i32 {
    let v = rt!(rt_dir_list(dir));
    if v == V::NIL {
        if syscall_last_errno() == errno(ENOTDIR) && rt!(rt_file_exists(dir)) {
            return println_or_fail(b"ls", dir);
        }
        fail(b"ls", dir);
        return 2;
    }
    let mut out = Vec::new();
    for n in sorted_names(v) {
        let _ = extend(&mut out, n).and_then(|()| extend(&mut out, b"\n"));
    }
    let code = if print(&out) {
        0
    } else {
        fail(b"ls", b"write error")
    };
    release(v);
    code
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

/// Runs PROG with ARGS, passes its stdout and stderr through, exits with its code.
/// Not started: 127 (not found) or 126 (anything else), as env(1). Killed by a
/// signal: 255 (the runtime's result keeps no signal number).
fn run(prog: &[u8], rest: &[&[u8]]) -> i32 {
    let (t, [out, err, code]) = process_run(prog, rest);
    let Some(code) = code.as_int() else {
        return fail(b"run", prog);
    };
    let ok = print(bytes(out));
    eprint(bytes(err));
    let e = syscall_last_errno();
    let code = match code {
        -1 if e != errno(EINVAL) => {
            fail(b"run", prog);
            if e == errno(ENOENT) { 127 } else { 126 }
        }
        -1 => 255,
        c if ok => c as i32,
        _ => fail(b"run", b"write error"),
    };
    release(t);
    code
}

/// rt_process_run of PROG with ARGS: its result (to release) and that Tuple's
/// stdout, stderr and exit code. EINVAL is recorded first, as a sentinel:
/// rt_process_run records an errno only when the child could not start, so EINVAL
/// still there afterwards means it did (and any other errno is why it did not).
fn process_run(prog: &[u8], args: &[&[u8]]) -> (V, [V; 3]) {
    let argv = value::string_array(args.iter().copied()).unwrap_or(V::NIL);
    let _ = rt!(rt_env_get(b"")); // an empty name is EINVAL
    let t = rt!(rt_process_run(prog, argv));
    release(argv);
    // SAFETY: the accessor checks the value itself.
    (t, [0, 1, 2].map(|i| unsafe { rt_tuple_get(t, i) }))
}

/// Takes the lock (giving up after a second when it is held elsewhere), holds it
/// until stdin reaches EOF, then releases it.
fn lock(f: &[u8]) -> i32 {
    let h = rt!(rt_file_lock(f, 1));
    if h < 0 {
        return fail(b"lock", f);
    }
    // Reading /dev/stdin to EOF is the one blocking read the rt_* functions offer.
    is_string(rt!(rt_file_read_text(b"/dev/stdin")), b"");
    status(b"lock", f, rt_file_unlock(h))
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
        push_errno(&mut l);
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
    let dir = join(tmp, b"/bootstrap-selftest-", pid_text);
    let p = |name: &[u8]| join(&dir, b"/", name);
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
    verify(
        b"rt_dir_list",
        sorted_names(listing) == [b"a".as_slice(), b"copy", b"file"],
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
    println_or_fail(b"selftest", verdict);
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
