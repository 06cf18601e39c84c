//! The runtime's minimal bootstrap executable: a static program without libc, built
//! only on the `rt_*` functions, as a multi-call tool.
//!
//! `bootstrap selftest` exercises every rt_* function; the other commands behave
//! like the GNU tools on the same input (stdout and exit code): pwd, home, pid, nproc,
//! hostname, env, cat, size, mtime, exists, write, append, rm, cp, mkdir, ls, run,
//! lock. Wrong usage: a usage message, exit 2. A failed operation: one line naming
//! the errno on stderr, exit 1 (ls: 2, as GNU ls; run: 127/126 when the command can
//! not be started, as env).
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use ffi_syscalls::exports::c::syscall_last_errno;
use ffi_syscalls::exports::rt::*;
use ffi_syscalls::value::{self, RuntimeValue as V};

const USAGE: &[u8] = b"usage: bootstrap COMMAND [ARGS]\n\
commands: selftest | pwd | home | pid | nproc | hostname | env NAME | cat FILE... |\n\
  size FILE | mtime FILE | exists FILE | write FILE TEXT | append FILE TEXT | rm FILE |\n\
  cp SRC DST | mkdir [-p] DIR | ls DIR | run CMD [ARGS...] | lock FILE\n";

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8, _envp: *const *const u8) -> i32 {
    let args = rt_get_args();
    // SAFETY: rt_get_args returns an Array of Strings that lives until exit.
    let args: Vec<&[u8]> = unsafe { args.as_array() }
        .unwrap_or(&[])
        .iter()
        .map(|a| unsafe { a.as_bytes() }.unwrap_or(b""))
        .collect();
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

fn print(b: &[u8]) -> bool {
    (unsafe { rt_print_str(b.as_ptr(), b.len() as u64) }) == V::TRUE
}

fn eprint(b: &[u8]) {
    unsafe { rt_eprint_str(b.as_ptr(), b.len() as u64) };
}

/// Prints `b` and a newline; a failed write (a full disk, a closed pipe) is reported
/// and turns the exit status into 1.
fn println_or_fail(cmd: &[u8], b: &[u8]) -> i32 {
    if (unsafe { rt_println_str(b.as_ptr(), b.len() as u64) }) == V::TRUE { 0 } else { fail(cmd, b"write error") }
}

/// "bootstrap: CMD: WHAT: ENAME" on stderr; returns 1.
fn fail(cmd: &[u8], what: &[u8]) -> i32 {
    let errno = syscall_last_errno();
    let mut line = Vec::new();
    for part in [b"bootstrap: ".as_slice(), cmd, b": ", what, b": ", errno_name(errno)] {
        line.extend_from_slice(part);
    }
    if errno_name(errno) == b"E?" {
        line.extend_from_slice(decimal(i64::from(errno), &mut [0; 20]));
    }
    unsafe { rt_eprintln_str(line.as_ptr(), line.len() as u64) };
    1
}

/// Names for the errnos these commands can meet; others print as "E?" and a number.
fn errno_name(e: i32) -> &'static [u8] {
    const NAMES: &[(i32, &[u8])] = &[
        (1, b"EPERM"), (2, b"ENOENT"), (5, b"EIO"), (9, b"EBADF"), (11, b"EWOULDBLOCK"),
        (12, b"ENOMEM"), (13, b"EACCES"), (14, b"EFAULT"), (16, b"EBUSY"), (17, b"EEXIST"),
        (18, b"EXDEV"), (20, b"ENOTDIR"), (21, b"EISDIR"), (22, b"EINVAL"), (24, b"EMFILE"),
        (26, b"ETXTBSY"), (27, b"EFBIG"), (28, b"ENOSPC"), (30, b"EROFS"), (32, b"EPIPE"),
        (36, b"ENAMETOOLONG"), (39, b"ENOTEMPTY"), (40, b"ELOOP"), (84, b"EILSEQ"),
        (122, b"EDQUOT"),
    ];
    NAMES.iter().find(|(n, _)| *n == e).map_or(b"E?", |(_, name)| name)
}

fn decimal(mut n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let neg = n < 0;
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10).unsigned_abs() as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

// ---- values ---------------------------------------------------------------------

/// A String result's bytes (None for NIL), freeing the value.
fn take_string(v: V) -> Option<Vec<u8>> {
    let s = unsafe { v.as_bytes() }.map(<[u8]>::to_vec);
    unsafe { value::free(v) };
    s
}

fn int(v: V) -> i64 {
    v.as_int().unwrap_or(-1)
}

macro_rules! rt {
    ($f:ident($t:expr $(, $rest:expr)*)) => {{
        let t: &[u8] = $t;
        unsafe { $f(t.as_ptr(), t.len() as u64 $(, $rest)*) }
    }};
}

// ---- commands -----------------------------------------------------------------

fn command(cmd: &[u8], args: &[&[u8]]) -> Option<i32> {
    Some(match (cmd, args) {
        (b"selftest", []) => selftest(),
        (b"pwd", []) => string_line(cmd, b"getcwd", rt_env_cwd()),
        (b"home", []) => string_line(cmd, b"HOME", rt_env_home()),
        (b"hostname", []) => string_line(cmd, b"uname", rt_hostname()),
        (b"pid", []) => int_line(cmd, b"getpid", rt_getpid()),
        (b"nproc", []) => int_line(cmd, b"sched_getaffinity", rt_system_cpu_count()),
        (b"size", [f]) => int_line(cmd, f, rt!(rt_file_size(f))),
        (b"mtime", [f]) => int_line(cmd, f, rt!(rt_file_modified_time(f))),
        (b"env", [name]) => match take_string(rt!(rt_env_get(name))) {
            Some(v) => println_or_fail(cmd, &v),
            None => 1, // like printenv: unset is exit 1 and no output
        },
        (b"exists", [f]) => i32::from(rt!(rt_file_exists(f)) != V::TRUE),
        (b"cat", files) if !files.is_empty() => cat(files),
        (b"write", [f, text]) => status(cmd, f, rt!(rt_file_write_text(f, text.as_ptr(), text.len() as u64))),
        (b"append", [f, text]) => status(cmd, f, rt!(rt_file_append_text(f, text.as_ptr(), text.len() as u64))),
        (b"rm", [f]) => status(cmd, f, rt!(rt_file_delete(f))),
        (b"cp", [src, dst]) => cp(src, dst),
        (b"mkdir", [dir]) => status(cmd, dir, rt!(rt_dir_create(dir, false))),
        (b"mkdir", [b"-p", dir]) => status(cmd, dir, rt!(rt_dir_create(dir, true))),
        (b"ls", [dir]) => ls(dir),
        (b"run", [prog, rest @ ..]) => run(prog, rest),
        (b"lock", [f]) => lock(f),
        _ => return None,
    })
}

fn status(cmd: &[u8], what: &[u8], v: V) -> i32 {
    if v == V::TRUE { 0 } else { fail(cmd, what) }
}

fn string_line(cmd: &[u8], what: &[u8], v: V) -> i32 {
    match take_string(v) {
        Some(s) => println_or_fail(cmd, &s),
        None => fail(cmd, what),
    }
}

fn int_line(cmd: &[u8], what: &[u8], v: V) -> i32 {
    match int(v) {
        -1 => fail(cmd, what),
        n => println_or_fail(cmd, decimal(n, &mut [0; 20])),
    }
}

/// Like cat: each file in turn; a file that can not be read is reported and the
/// rest still printed; exit 1 if any failed.
fn cat(files: &[&[u8]]) -> i32 {
    let mut code = 0;
    for f in files {
        // Bytes, not text: cat copies whatever the file holds.
        let v = rt!(rt_file_mmap_read_bytes(f));
        match unsafe { v.as_byte_array() } {
            Some(bytes) => {
                if !print(bytes) {
                    code = fail(b"cat", b"write error");
                }
            }
            None => code = fail(b"cat", f),
        }
        unsafe { value::free(v) };
    }
    code
}

/// Like cp SRC DST, including DST being a directory (then DST/basename(SRC)).
fn cp(src: &[u8], dst: &[u8]) -> i32 {
    let mut probe = dst.to_vec();
    probe.extend_from_slice(b"/.");
    let mut target = dst.to_vec();
    if rt!(rt_file_exists(&probe)) == V::TRUE {
        let base = src.rsplit(|&c| c == b'/').find(|p| !p.is_empty()).unwrap_or(src);
        target.push(b'/');
        target.extend_from_slice(base);
    }
    status(b"cp", src, rt!(rt_file_copy(src, target.as_ptr(), target.len() as u64)))
}

/// Like `LC_ALL=C ls -A1 DIR`: names sorted bytewise. A file lists as itself; a
/// missing DIR is exit 2, as GNU ls.
fn ls(dir: &[u8]) -> i32 {
    let v = rt!(rt_dir_list(dir));
    let Some(items) = (unsafe { v.as_array() }) else {
        if syscall_last_errno() == 20 && rt!(rt_file_exists(dir)) == V::TRUE {
            return println_or_fail(b"ls", dir);
        }
        fail(b"ls", dir);
        return 2;
    };
    let mut names: Vec<&[u8]> = items.iter().map(|s| unsafe { s.as_bytes() }.unwrap_or(b"")).collect();
    heapsort(&mut names);
    let mut out = Vec::new();
    for n in &names {
        out.extend_from_slice(n);
        out.push(b'\n');
    }
    let code = if print(&out) { 0 } else { fail(b"ls", b"write error") };
    unsafe { value::free(v) };
    code
}

/// In place, O(n log n), a few dozen instructions: enough for 10 000 names.
fn heapsort(v: &mut [&[u8]]) {
    fn sift(v: &mut [&[u8]], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && v[child] < v[child + 1] {
                child += 1;
            }
            if v[root] >= v[child] {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    for i in (0..v.len() / 2).rev() {
        sift(v, i, v.len());
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

/// Runs PROG with ARGS, passes its stdout and stderr through, exits with its code.
/// Not started: 127 (not found) or 126 (anything else), as env(1). Killed by a
/// signal: 255 (the runtime's result keeps no signal number).
fn run(prog: &[u8], rest: &[&[u8]]) -> i32 {
    let argv = value::string_array(rest);
    // A sentinel errno: if it is still there afterwards, the child did start.
    let _ = rt!(rt_env_get(b""));
    let t = rt!(rt_process_run(prog, argv));
    let parts = unsafe { t.as_tuple() }.unwrap_or(&[]);
    let [out, err, code] = parts else { return fail(b"run", prog) };
    let (out, err) = unsafe { (out.as_bytes().unwrap_or(b""), err.as_bytes().unwrap_or(b"")) };
    let ok = print(out);
    eprint(err);
    let code = match int(*code) {
        -1 if syscall_last_errno() != 22 => {
            let e = syscall_last_errno();
            fail(b"run", prog);
            if e == 2 { 127 } else { 126 }
        }
        -1 => 255,
        c if ok => c as i32,
        _ => fail(b"run", b"write error"),
    };
    unsafe {
        value::free(t);
        value::free(argv);
    }
    code
}

/// Takes the lock, holds it until stdin reaches EOF, then releases it.
fn lock(f: &[u8]) -> i32 {
    let h = int(rt!(rt_file_lock(f)));
    if h < 0 {
        return fail(b"lock", f);
    }
    // Reading /dev/stdin to EOF is the one blocking read the rt_* functions offer.
    drop(take_string(rt!(rt_file_read_text(b"/dev/stdin"))));
    status(b"lock", f, rt_file_unlock(h))
}

// ---- selftest -------------------------------------------------------------------

struct Report {
    failed: bool,
}

impl Report {
    fn check(&mut self, name: &[u8], ok: bool, detail: &[u8]) {
        let mut line = Vec::new();
        line.extend_from_slice(name);
        line.extend_from_slice(if ok { b" ok" } else { b" FAILED" });
        if !detail.is_empty() {
            line.push(b' ');
            line.extend_from_slice(detail);
        }
        if !ok {
            line.extend_from_slice(b" (errno ");
            line.extend_from_slice(errno_name(syscall_last_errno()));
            line.push(b')');
        }
        line.push(b'\n');
        self.failed |= !ok | !print(&line);
    }
}

fn selftest() -> i32 {
    let mut r = Report { failed: false };
    let pid = int(rt_getpid());
    let tmp_root = take_string(rt!(rt_env_get(b"TMPDIR"))).filter(|t| !t.is_empty()).unwrap_or(b"/tmp".to_vec());
    let dir = [&tmp_root, &b"/bootstrap-selftest-"[..], decimal(pid, &mut [0; 20])].concat();
    let p = |name: &[u8]| [&dir, &b"/"[..], name].concat();
    let (file, copy, nested, lockf) = (p(b"file"), p(b"copy"), p(b"a/b/c"), p(b"lock"));

    r.check(b"rt_getpid", pid > 0, b"");
    r.check(b"rt_dir_create", rt!(rt_dir_create(&dir, false)) == V::TRUE
        && rt!(rt_dir_create(&nested, true)) == V::TRUE
        && rt!(rt_dir_create(&nested, true)) == V::TRUE
        && rt!(rt_dir_create(&dir, false)) == V::FALSE, &dir);
    let hello = b"hello, bootstrap";
    r.check(b"rt_file_write_text", rt!(rt_file_write_text(&file, hello.as_ptr(), 9)) == V::TRUE, b"");
    r.check(b"rt_file_append_text", rt!(rt_file_append_text(&file, hello[9..].as_ptr(), 7)) == V::TRUE, b"");
    r.check(b"rt_file_read_text", take_string(rt!(rt_file_read_text(&file))).as_deref() == Some(hello), b"");
    r.check(b"rt_file_exists", rt!(rt_file_exists(&file)) == V::TRUE && rt!(rt_file_exists(&p(b"missing"))) == V::FALSE, b"");
    r.check(b"rt_file_size", int(rt!(rt_file_size(&file))) == 16 && int(rt!(rt_file_size(&p(b"missing")))) == -1, b"");
    let now = int(rt_time_now_unix_micros());
    r.check(b"rt_time_now_unix_micros", now > 1_600_000_000_000_000, decimal(now, &mut [0; 20]));
    let mtime = int(rt!(rt_file_modified_time(&file)));
    r.check(b"rt_file_modified_time", (mtime - now / 1_000_000).abs() <= 2, decimal(mtime, &mut [0; 20]));
    r.check(b"rt_file_copy", rt!(rt_file_copy(&file, copy.as_ptr(), copy.len() as u64)) == V::TRUE
        && take_string(rt!(rt_file_read_text(&copy))).as_deref() == Some(hello), b"");
    r.check(b"rt_file_mmap_read_text", take_string(rt!(rt_file_mmap_read_text(&copy))).as_deref() == Some(hello), b"");
    let bytes = rt!(rt_file_mmap_read_bytes(b"/proc/self/stat"));
    let stat_pid = unsafe { bytes.as_byte_array() }.and_then(|b| b.split(|&c| c == b' ').next().map(<[u8]>::to_vec));
    unsafe { value::free(bytes) };
    r.check(b"rt_file_mmap_read_bytes", stat_pid.as_deref() == Some(decimal(pid, &mut [0; 20])), b"/proc/self/stat");
    let listing = rt!(rt_dir_list(&dir));
    let mut names: Vec<&[u8]> = unsafe { listing.as_array() }.unwrap_or(&[]).iter().map(|s| unsafe { s.as_bytes() }.unwrap_or(b"")).collect();
    heapsort(&mut names);
    r.check(b"rt_dir_list", names == [b"a".as_slice(), b"copy", b"file"], b"");
    unsafe { value::free(listing) };
    let h = int(rt!(rt_file_lock(&lockf)));
    r.check(b"rt_file_lock", h >= 0 && int(rt!(rt_file_lock(&lockf))) == -1, b"");
    r.check(b"rt_file_unlock", rt_file_unlock(h) == V::TRUE && rt_file_unlock(h) == V::FALSE, b"");
    let cwd = take_string(rt_env_cwd()).unwrap_or_default();
    r.check(b"rt_env_cwd", cwd.first() == Some(&b'/'), &cwd);
    let home = take_string(rt_env_home()).unwrap_or_default();
    r.check(b"rt_env_home", home.first() == Some(&b'/'), &home);
    r.check(b"rt_env_set", rt!(rt_env_set(b"BOOTSTRAP_SELFTEST", b"42".as_ptr(), 2)) == V::TRUE, b"");
    r.check(b"rt_env_get", take_string(rt!(rt_env_get(b"BOOTSTRAP_SELFTEST"))).as_deref() == Some(b"42")
        && rt!(rt_env_get(b"BOOTSTRAP_SELFTEST_UNSET")) == V::NIL, b"");
    let argv = value::string_array(&[b"-c".as_slice(), b"printf \"out $BOOTSTRAP_SELFTEST\"; printf err >&2; exit 3"]);
    let t = rt!(rt_process_run(b"sh", argv));
    let ran = unsafe { t.as_tuple() }.is_some_and(|p| unsafe {
        p[0].as_bytes() == Some(b"out 42") && p[1].as_bytes() == Some(b"err") && p[2].as_int() == Some(3)
    });
    unsafe { value::free(t) };
    let t = rt!(rt_process_run(b"/nonexistent/command", argv));
    let missing = unsafe { t.as_tuple() }.is_some_and(|p| p[2].as_int() == Some(-1)) && syscall_last_errno() == 2;
    unsafe {
        value::free(t);
        value::free(argv);
    }
    r.check(b"rt_process_run", ran && missing, b"");
    let cpus = int(rt_system_cpu_count());
    r.check(b"rt_system_cpu_count", cpus >= 1, decimal(cpus, &mut [0; 20]));
    let host = take_string(rt_hostname()).unwrap_or_default();
    let proc_host = take_string(rt!(rt_file_read_text(b"/proc/sys/kernel/hostname"))).unwrap_or_default();
    r.check(b"rt_hostname", !host.is_empty() && proc_host.strip_suffix(b"\n") == Some(&host), &host);
    let args = rt_get_args();
    let arg1 = unsafe { args.as_array() }.and_then(|a| a.get(1)).and_then(|s| unsafe { s.as_bytes() }) == Some(b"selftest");
    unsafe { value::free(args) };
    r.check(b"rt_get_args", arg1, b"");
    r.check(b"rt_print_str", unsafe { rt_print_str(b"".as_ptr(), 0) } == V::TRUE
        && unsafe { rt_eprint_str(b"".as_ptr(), 0) } == V::TRUE, b"");
    r.check(b"rt_println_str", unsafe { rt_println_str(b"(a line for rt_println_str)".as_ptr(), 27) } == V::TRUE, b"");
    r.check(b"rt_eprintln_str", unsafe { rt_eprintln_str(b"(a line for rt_eprintln_str)".as_ptr(), 28) } == V::TRUE, b"");
    // Clean up: everything made above, deepest first.
    let removed = [p(b"a/b/c"), p(b"a/b"), p(b"a")].iter().all(|d| rt!(rt_file_remove(d)) == V::TRUE)
        && rt!(rt_file_delete(&file)) == V::TRUE
        && rt!(rt_file_remove(&copy)) == V::TRUE
        && rt!(rt_file_delete(&lockf)) == V::TRUE
        && rt!(rt_file_remove(&dir)) == V::TRUE;
    r.check(b"rt_file_delete/rt_file_remove", removed && rt!(rt_file_exists(&dir)) == V::FALSE, b"");
    // Peak memory of this process, as the kernel counts it.
    let status = take_string(rt!(rt_file_read_text(b"/proc/self/status"))).unwrap_or_default();
    let hwm = status.split(|&c| c == b'\n').find(|l| l.starts_with(b"VmHWM:")).unwrap_or(b"VmHWM: ?");
    r.check(b"peak-rss", true, hwm);
    let verdict: &[u8] = if r.failed { b"selftest FAILED" } else { b"selftest passed" };
    println_or_fail(b"selftest", verdict);
    // rt_exit ends the process with the status, like returning from main.
    rt_exit(i32::from(r.failed))
}
