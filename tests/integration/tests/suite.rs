//! Runtime-level behaviours of the Simple runtime's integration, run against each
//! build of the model (std alone, hosted, old way): calls go through the `rt_*`
//! symbols as compiled Simple code makes them, and state is looked at where the
//! runtime keeps it. The std and hosted builds must pass every case; the old way (the
//! crate's own `rt_*` replacing the runtime's) must fail the environment, exit,
//! capture, sandbox and write-at cases, and `the_old_way_is_detected` checks that it
//! does.
//!
//! Tests take one lock: they share process state (the environment, the sandbox, the
//! probe counters, the argument store, the working directory).

use runtime_model::state;
use runtime_model::value::{self, Rv, Val, val};
use std::path::Path;
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

unsafe extern "C" {
    fn rt_file_exists(p: *const u8, l: u64) -> bool;
    fn rt_file_read_text(p: *const u8, l: u64) -> Rv;
    fn rt_file_write_text(p: *const u8, l: u64, c: *const u8, cl: u64) -> bool;
    fn rt_file_append_text(p: *const u8, l: u64, c: *const u8, cl: u64) -> bool;
    fn rt_file_remove(p: *const u8, l: u64) -> bool;
    fn rt_file_delete(p: *const u8, l: u64) -> bool;
    fn rt_file_size(p: *const u8, l: u64) -> i64;
    fn rt_file_copy(s: *const u8, sl: u64, d: *const u8, dl: u64) -> bool;
    fn rt_dir_create(p: *const u8, l: u64, recursive: bool) -> bool;
    fn rt_dir_list(p: *const u8, l: u64) -> Rv;
    fn rt_file_lock(p: *const u8, l: u64, timeout_secs: i64) -> i64;
    fn rt_file_unlock(fd: i64) -> bool;
    fn rt_file_mmap_read_text(p: *const u8, l: u64) -> Rv;
    fn rt_file_mmap_read_bytes(p: *const u8, l: u64) -> Rv;
    fn rt_env_cwd() -> Rv;
    fn rt_env_home() -> Rv;
    fn rt_env_get(p: *const u8, l: u64) -> Rv;
    fn rt_env_set(p: *const u8, l: u64, v: *const u8, vl: u64) -> bool;
    fn rt_getpid() -> i64;
    fn rt_process_run(p: *const u8, l: u64, args: Rv) -> Rv;
    fn rt_system_cpu_count() -> i64;
    fn rt_hostname() -> Rv;
    fn rt_print_str(p: *const u8, l: u64);
    fn rt_println_str(p: *const u8, l: u64);
    fn rt_eprint_str(p: *const u8, l: u64);
    fn rt_eprintln_str(p: *const u8, l: u64);
    fn rt_exit(code: i32) -> !;
    fn rt_set_args(argc: i32, argv: *const *const u8);
    fn rt_get_args() -> Rv;
    fn rt_time_now_unix_micros() -> i64;
    // Issue 22: time, threads, environment removal, stderr, random.
    fn rt_time_now_nanos() -> i64;
    fn rt_time_now_micros() -> i64;
    fn rt_thread_sleep(ms: i64);
    fn rt_thread_available_parallelism() -> i64;
    fn rt_env_remove(p: *const u8, l: u64) -> bool;
    fn rt_stderr_write(data: i64) -> i64;
    fn rt_random_hex(len: i64) -> Rv;
    // The runtime's functions beside them (the model's in every build).
    fn rt_get_argc() -> i32;
    fn rt_cli_arg_at(i: i64) -> Rv;
    fn rt_env_exists(p: *const u8, l: u64) -> bool;
    fn rt_process_run_timeout(p: *const u8, l: u64, args: Rv, timeout_ms: i64) -> Rv;
    fn rt_file_write_text_at(path: i64, offset: i64, data: i64) -> i64;
    fn rt_file_exists_probe_begin() -> i64;
    fn rt_file_exists_probe_end(token: i64) -> i64;
    fn rt_capture_stdout_start();
    fn rt_capture_stderr_start();
    fn rt_print_value(v: Rv);
    fn rt_atexit_install() -> i64;
}

#[path = "suite/files.rs"]
mod files;

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A text argument.
fn t(b: &[u8]) -> (*const u8, u64) {
    (b.as_ptr(), b.len() as u64)
}

fn pb(p: &Path) -> &[u8] {
    p.as_os_str().as_encoded_bytes()
}

fn read_text(p: &Path) -> Rv {
    let (a, l) = t(pb(p));
    unsafe { rt_file_read_text(a, l) }
}

fn write_text(p: &Path, c: &[u8]) -> bool {
    let ((a, l), (b, m)) = (t(pb(p)), t(c));
    unsafe { rt_file_write_text(a, l, b, m) }
}

fn s(b: &str) -> Val {
    Val::Str(b.as_bytes().to_vec())
}

fn run(cmd: &str, args: &[&str]) -> Val {
    let list: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    let (c, l) = t(cmd.as_bytes());
    val(unsafe { rt_process_run(c, l, value::strings(&list)) })
}

fn ran(out: &str, err: &str, code: i64) -> Val {
    Val::Tup(vec![s(out), s(err), Val::Int(code)])
}

// ---- files ---------------------------------------------------------------------------

#[test]
fn read_text_removes_cr_and_makes_a_len_hash_string() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("crlf");
    std::fs::write(&p, b"one\r\ntwo\r\n\xc3\xa9").unwrap();
    let v = read_text(&p);
    assert_eq!(val(v), Val::Str(b"one\ntwo\n\xc3\xa9".to_vec()));
    // The runtime's file reads make their Strings with hash = length.
    assert_eq!(value::string_hash(v), Some(10));
}

#[test]
fn read_text_failures_are_nil() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("f");
    std::fs::write(&file, b"x").unwrap();
    let bad = d.path().join("bad");
    std::fs::write(&bad, b"ok \xff\xfe").unwrap();
    for p in [
        d.path().join("missing"),
        d.path().to_path_buf(), // a directory
        file.join("below"),     // not a directory
        bad,                    // not UTF-8
    ] {
        assert_eq!(val(read_text(&p)), Val::Nil, "{p:?}");
    }
    assert_eq!(
        val(unsafe { rt_file_read_text(b"\xff".as_ptr(), 1) }),
        Val::Nil
    );
    assert_eq!(
        val(unsafe { rt_file_read_text(std::ptr::null(), 3) }),
        Val::Nil
    );
}

#[test]
fn read_text_cache_serves_an_unchanged_file_and_a_write_drops_it() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("cached");
    std::fs::write(&p, "first").unwrap();
    let v = read_text(&p);
    assert_eq!(read_text(&p), v, "the second read is the cached value");
    assert!(write_text(&p, b"other"));
    assert_eq!(val(read_text(&p)), s("other"));
}

#[test]
fn process_run_drops_the_read_cache() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let (p, stamp) = (d.path().join("f"), d.path().join("stamp"));
    std::fs::write(&p, "aaaa").unwrap();
    assert_eq!(val(read_text(&p)), s("aaaa"));
    // The child rewrites it with the same length and puts the old mtime back, so
    // only the invalidation makes the next read see it.
    let script = format!(
        "touch -r {p} {stamp} && printf bbbb > {p} && touch -r {stamp} {p}",
        p = p.display(),
        stamp = stamp.display()
    );
    assert_eq!(run("sh", &["-c", &script]), ran("", "", 0));
    assert_eq!(val(read_text(&p)), s("bbbb"));
}

#[test]
fn sandbox_denies_read_and_write() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let (p, q) = (d.path().join("secret"), d.path().join("new"));
    std::fs::write(&p, "secret").unwrap();
    state::sandbox_deny(state::READ_FILE, true);
    let denied_read = val(read_text(&p));
    state::sandbox_deny(state::READ_FILE, false);
    state::sandbox_deny(state::WRITE_FILE, true);
    let denied_write = write_text(&q, b"x");
    state::sandbox_deny(state::WRITE_FILE, false);
    assert_eq!(denied_read, Val::Nil, "a denied read");
    assert!(!denied_write, "a denied write");
    assert!(!q.exists(), "a denied write made the file");
    assert_eq!(val(read_text(&p)), s("secret"), "allowed again");
}

#[test]
fn write_text_and_its_failures() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("w");
    assert!(write_text(&p, b"hello"));
    assert!(write_text(&p, b"hi"));
    assert_eq!(std::fs::read(&p).unwrap(), b"hi");
    let q = d.path().join("q");
    assert!(!write_text(&q, b"\xff"), "content not UTF-8");
    assert!(!q.exists());
    assert!(
        !write_text(&d.path().join("no/such"), b"x"),
        "missing parent"
    );
    assert!(!write_text(&p.join("below"), b"x"), "not a directory");
    assert!(!write_text(d.path(), b"x"), "a directory");
}

#[test]
fn append_text() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("a");
    let (a, l) = t(pb(&p));
    assert!(unsafe { rt_file_append_text(a, l, b"one".as_ptr(), 3) });
    assert!(unsafe { rt_file_append_text(a, l, b"two".as_ptr(), 3) });
    assert_eq!(std::fs::read(&p).unwrap(), b"onetwo");
    assert!(!unsafe { rt_file_append_text(a, l, b"\xff".as_ptr(), 1) });
    let (b, m) = t(pb(d.path()));
    assert!(!unsafe { rt_file_append_text(b, m, b"x".as_ptr(), 1) });
}

#[test]
fn remove_and_delete() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("r");
    std::fs::write(&p, "x").unwrap();
    let (a, l) = t(pb(&p));
    assert!(unsafe { rt_file_remove(a, l) });
    assert!(!p.exists());
    assert!(!unsafe { rt_file_remove(a, l) }, "missing");
    std::fs::write(&p, "x").unwrap();
    assert!(unsafe { rt_file_delete(a, l) });
    assert!(!p.exists());
    let (b, m) = t(pb(d.path()));
    assert!(!unsafe { rt_file_delete(b, m) }, "a directory");
}

#[test]
fn write_at_after_remove_writes_a_new_file() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("log");
    let path = value::string(pb(&p)) as i64;
    let at = |off: i64, data: &str| unsafe {
        rt_file_write_text_at(path, off, value::string(data.as_bytes()) as i64)
    };
    assert_eq!(at(0, "abc"), 3);
    assert_eq!(at(3, "def"), 3);
    assert_eq!(std::fs::read(&p).unwrap(), b"abcdef");
    let (a, l) = t(pb(&p));
    assert!(unsafe { rt_file_remove(a, l) });
    // The remove dropped the cached handle: this write makes a new file instead of
    // going into the unlinked one.
    assert_eq!(at(0, "xyz"), 3);
    assert_eq!(
        std::fs::read(&p).ok().as_deref(),
        Some(&b"xyz"[..]),
        "data lost"
    );
}

#[test]
fn file_exists_is_counted_by_the_probe_counters() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let (yes, no) = (d.path().join("yes"), d.path().join("no"));
    std::fs::write(&yes, "").unwrap();
    let token = unsafe { rt_file_exists_probe_begin() };
    assert!(token > 0);
    let (a, l) = t(pb(&yes));
    let (b, m) = t(pb(&no));
    let (e1, e2, e3) = unsafe {
        (
            rt_file_exists(a, l),
            rt_file_exists(b, m),
            rt_file_exists(b, m),
        )
    };
    let counted = unsafe { rt_file_exists_probe_end(token) };
    assert_eq!((e1, e2, e3), (true, false, false));
    assert_eq!(
        (counted >> 32, counted & 0xffff_ffff),
        (3, 2),
        "(total, failed)"
    );
}

#[test]
fn size_copy_and_dirs() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("src");
    std::fs::write(&src, vec![7u8; 5000]).unwrap();
    let (a, l) = t(pb(&src));
    assert_eq!(unsafe { rt_file_size(a, l) }, 5000);
    let missing = d.path().join("missing");
    let (m, ml) = t(pb(&missing));
    assert_eq!(unsafe { rt_file_size(m, ml) }, -1);
    let dst = d.path().join("dst");
    let (b, bl) = t(pb(&dst));
    assert!(unsafe { rt_file_copy(a, l, b, bl) });
    assert_eq!(std::fs::read(&dst).unwrap(), vec![7u8; 5000]);
    assert!(!unsafe { rt_file_copy(m, ml, b, bl) }, "missing source");
    let nodir = d.path().join("no/dst");
    let (c, cl) = t(pb(&nodir));
    assert!(!unsafe { rt_file_copy(a, l, c, cl) }, "missing parent");

    let deep = d.path().join("x/y/z");
    let (e, el) = t(pb(&deep));
    assert!(!unsafe { rt_dir_create(e, el, false) }, "missing parent");
    assert!(unsafe { rt_dir_create(e, el, true) });
    assert!(deep.is_dir());
    assert!(!unsafe { rt_dir_create(e, el, false) }, "exists");
    let under_file = src.join("sub");
    let (f, fl) = t(pb(&under_file));
    assert!(!unsafe { rt_dir_create(f, fl, true) }, "not a directory");
}

#[test]
fn dir_list_and_its_failures() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    for n in ["a", "b", "ccc"] {
        std::fs::write(d.path().join(n), "").unwrap();
    }
    std::fs::create_dir(d.path().join("sub")).unwrap();
    // A name that is not UTF-8 is left out.
    use std::os::unix::ffi::OsStrExt;
    std::fs::write(d.path().join(std::ffi::OsStr::from_bytes(b"bad\xff")), "").unwrap();
    let (a, l) = t(pb(d.path()));
    let Val::Arr(names) = val(unsafe { rt_dir_list(a, l) }) else {
        panic!("not an Array");
    };
    let mut names: Vec<Vec<u8>> = names
        .into_iter()
        .map(|v| match v {
            Val::Str(b) => b,
            other => panic!("{other:?}"),
        })
        .collect();
    names.sort();
    assert_eq!(names, [&b"a"[..], b"b", b"ccc", b"sub"]);
    for p in [d.path().join("missing"), d.path().join("a")] {
        let (b, m) = t(pb(&p));
        assert_eq!(val(unsafe { rt_dir_list(b, m) }), Val::Nil, "{p:?}");
    }
}

#[test]
fn lock_unlock_and_read_bytes() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("lock");
    let (a, l) = t(pb(&p));
    let fd = unsafe { rt_file_lock(a, l, 0) };
    assert!(fd >= 0);
    // A second lock (another open file) waits its timeout out and fails.
    assert_eq!(unsafe { rt_file_lock(a, l, 1) }, -1);
    assert!(unsafe { rt_file_unlock(fd) });
    assert!(!unsafe { rt_file_unlock(-1) });
    let fd2 = unsafe { rt_file_lock(value::string(pb(&p)) as *const u8, 0, 0) };
    assert!(fd2 >= 0, "a String value as the path");
    assert!(unsafe { rt_file_unlock(fd2) });
    let under = p.join("x");
    let (b, m) = t(pb(&under));
    assert_eq!(unsafe { rt_file_lock(b, m, 0) }, -1);

    let q = d.path().join("bytes");
    std::fs::write(&q, b"\x00\x01\xff").unwrap();
    let (c, cl) = t(pb(&q));
    assert_eq!(
        val(unsafe { rt_file_mmap_read_bytes(c, cl) }),
        Val::Bytes(vec![0, 1, 255])
    );
    assert_eq!(val(unsafe { rt_file_mmap_read_bytes(b, m) }), Val::Nil);
    // mmap_read_text: lossy, `\r` kept, hash = length.
    std::fs::write(&q, b"a\r\n\xff").unwrap();
    let v = unsafe { rt_file_mmap_read_text(c, cl) };
    assert_eq!(val(v), Val::Str("a\r\n\u{fffd}".as_bytes().to_vec()));
    assert_eq!(value::string_hash(v), Some(6));
    assert_eq!(val(unsafe { rt_file_mmap_read_text(b, m) }), Val::Nil);
}

// ---- environment and processes ---------------------------------------------------------

#[test]
fn env_set_by_std_is_seen_by_rt_env_get_and_a_child_of_rt_process_run() {
    let _s = serial();
    unsafe { std::env::set_var("MODEL_FROM_STD", "std value") };
    let (n, l) = t(b"MODEL_FROM_STD");
    let got = val(unsafe { rt_env_get(n, l) });
    let child = run("sh", &["-c", "printf %s \"$MODEL_FROM_STD\""]);
    unsafe { std::env::remove_var("MODEL_FROM_STD") };
    assert_eq!(got, s("std value"));
    assert_eq!(child, ran("std value", "", 0));
}

#[test]
fn env_set_by_the_runtime_is_seen_by_std_and_its_children() {
    let _s = serial();
    let (n, l) = t(b"MODEL_FROM_RT");
    let (v, vl) = t(b"rt value");
    assert!(unsafe { rt_env_set(n, l, v, vl) });
    let std_sees = std::env::var("MODEL_FROM_RT");
    let other_reader = unsafe { rt_env_exists(n, l) };
    let args = value::strings(&[b"-c", b"printf %s \"$MODEL_FROM_RT\""]);
    let (c, cl) = t(b"sh");
    let command_child = val(unsafe { rt_process_run_timeout(c, cl, args, 20_000) });
    let rt_child = run("sh", &["-c", "printf %s \"$MODEL_FROM_RT\""]);
    unsafe { std::env::remove_var("MODEL_FROM_RT") };
    assert_eq!(std_sees.as_deref(), Ok("rt value"));
    assert!(other_reader);
    assert_eq!(command_child, ran("rt value", "", 0));
    assert_eq!(rt_child, ran("rt value", "", 0));
}

#[test]
fn process_run_searches_the_path_std_holds() {
    let _s = serial();
    let d = tempfile::tempdir().unwrap();
    let tool = d.path().join("model-tool");
    std::fs::write(&tool, "#!/bin/sh\necho tool ran\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    let old = std::env::var_os("PATH").unwrap();
    let mut path = d.path().as_os_str().to_owned();
    path.push(":");
    path.push(&old);
    unsafe { std::env::set_var("PATH", &path) };
    let r = run("model-tool", &[]);
    unsafe { std::env::set_var("PATH", &old) };
    assert_eq!(r, ran("tool ran\n", "", 0));
}

#[test]
fn process_run_results_and_failures() {
    let _s = serial();
    assert_eq!(
        run("sh", &["-c", "echo out; echo err >&2; exit 3"]),
        ran("out\n", "err\n", 3)
    );
    assert_eq!(run("no-such-command-here", &[]), ran("", "", -1));
    assert_eq!(run("/", &[]), ran("", "", -1), "not executable");
    let args = value::rt_array_new(1);
    value::rt_array_push(args, value::int(5));
    let (c, l) = t(b"true");
    assert_eq!(
        val(unsafe { rt_process_run(c, l, args) }),
        ran("", "", -1),
        "an Int argument"
    );
    // stdin is /dev/null; the child leads its own process group; _SIMPLE_STACK_SET
    // is not passed on.
    unsafe { std::env::set_var("_SIMPLE_STACK_SET", "1") };
    let r = run(
        "sh",
        &[
            "-c",
            "cat; echo ${_SIMPLE_STACK_SET-unset}; echo $$; cut -d' ' -f5 /proc/$$/stat",
        ],
    );
    unsafe { std::env::remove_var("_SIMPLE_STACK_SET") };
    let Val::Tup(parts) = r else { panic!("{r:?}") };
    let Val::Str(out) = &parts[0] else { panic!() };
    let out = String::from_utf8_lossy(out);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0], "unset");
    assert_eq!(lines[1], lines[2], "pid and process group");
}

#[test]
fn cwd_home_and_pid() {
    let _s = serial();
    let cwd = std::env::current_dir().unwrap();
    assert_eq!(val(unsafe { rt_env_cwd() }), Val::Str(pb(&cwd).to_vec()));
    let home = std::env::var("HOME").ok();
    let got = val(unsafe { rt_env_home() });
    match home {
        Some(h) => assert_eq!(got, s(&h)),
        None => assert_eq!(got, Val::Nil),
    }
    assert_eq!(unsafe { rt_getpid() }, i64::from(std::process::id()));
}

#[test]
fn args_share_one_store() {
    let _s = serial();
    let c: Vec<std::ffi::CString> = ["prog", "one", "two"]
        .iter()
        .map(|a| std::ffi::CString::new(*a).unwrap())
        .collect();
    let argv: Vec<*const u8> = c.iter().map(|a| a.as_ptr().cast()).collect();
    unsafe { rt_set_args(3, argv.as_ptr()) };
    let argc = unsafe { rt_get_argc() };
    let second = val(unsafe { rt_cli_arg_at(1) });
    // The driver's writer, then the compiled code's reader.
    state::rt_set_args_vec(&["driver".to_string(), "x".to_string()]);
    let got = val(unsafe { rt_get_args() });
    assert_eq!((argc, second), (3, s("one")));
    assert_eq!(got, Val::Arr(vec![s("driver"), s("x")]));
}

// ---- output, exit ----------------------------------------------------------------------

#[test]
fn print_functions_honour_capture() {
    let _s = serial();
    unsafe {
        rt_capture_stdout_start();
        rt_capture_stderr_start();
        rt_print_str(b"a".as_ptr(), 1);
        rt_println_str(b"b".as_ptr(), 1);
        rt_print_value(value::string(b"value"));
        rt_eprint_str(b"e".as_ptr(), 1);
        rt_eprintln_str(std::ptr::null(), 0);
    }
    let (out, err) = (state::capture_stdout_stop(), state::capture_stderr_stop());
    assert_eq!(String::from_utf8_lossy(&out), "ab\nvalue");
    assert_eq!(String::from_utf8_lossy(&err), "e\n");
}

/// The command that runs this test binary again with `args`: directly, or under the
/// same qemu-user when the binary is not of this machine's architecture.
fn this_binary() -> Command {
    let host = Command::new("uname").arg("-m").output().unwrap().stdout;
    let exe = std::env::current_exe().unwrap();
    if String::from_utf8_lossy(&host).trim() == std::env::consts::ARCH {
        return Command::new(exe);
    }
    let arch = std::env::consts::ARCH;
    let sysroot =
        std::env::var("QEMU_LD_PREFIX").unwrap_or_else(|_| format!("/usr/{arch}-linux-gnu"));
    let mut c = Command::new(format!("qemu-{arch}"));
    c.arg("-L").arg(sysroot).arg(exe);
    c
}

#[test]
fn exit_flushes_stdout_and_runs_atexit() {
    const CHILD: &str = "MODEL_EXIT_CHILD";
    if std::env::var_os(CHILD).is_some() {
        // The child: output left in std's stdout buffer (no newline), the runtime's
        // atexit clean-up installed, then rt_exit.
        use std::io::Write;
        std::io::stdout().write_all(b"buffered").unwrap();
        assert_eq!(unsafe { rt_atexit_install() }, 1);
        unsafe { rt_exit(3) };
    }
    let _s = serial();
    let out = this_binary()
        .args([
            "--exact",
            "exit_flushes_stdout_and_runs_atexit",
            "--nocapture",
        ])
        .args(["--test-threads=1", "-q"])
        .env(CHILD, "1")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let (o, e) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(3), "stdout {o:?} stderr {e:?}");
    assert!(o.ends_with("buffered"), "std's buffered stdout lost: {o:?}");
    assert!(
        e.contains("[terminal restored]"),
        "atexit handler skipped: {e:?}"
    );
}

// ---- the C file and the second crate ---------------------------------------------------

#[test]
fn time_now_unix_micros() {
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros() as i64
    };
    let before = now();
    let got = unsafe { rt_time_now_unix_micros() };
    let after = now();
    assert!(before <= got && got <= after, "{before} {got} {after}");
}

#[test]
fn hostname_and_cpu_count() {
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::uname(&mut u) }, 0);
    let name = unsafe { std::ffi::CStr::from_ptr(u.nodename.as_ptr()) };
    assert_eq!(
        val(unsafe { rt_hostname() }),
        Val::Str(name.to_bytes().to_vec())
    );
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get() as i64);
    assert_eq!(unsafe { rt_system_cpu_count() }, cpus);
}

/// The `rt_*` names the runtime's side defines: the model's Rust, the second crate
/// and the C file, read from their sources.
fn runtime_side_names() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut names = Vec::new();
    for f in [
        "src/rt.rs",
        "src/files.rs",
        "src/state.rs",
        "src/value.rs",
        "src/misc.rs",
        "native_all/src/lib.rs",
    ] {
        let src = std::fs::read_to_string(root.join(f)).unwrap();
        let mut exported = false;
        for line in src.lines().map(str::trim) {
            if line == "#[unsafe(no_mangle)]" {
                exported = true;
            } else if exported && line.starts_with("pub ") {
                let name = line.split("fn ").nth(1).unwrap().split('(').next().unwrap();
                names.push(name.to_string());
                exported = false;
            }
        }
    }
    for c in [
        "rt_time_now_unix_micros",
        "rt_time_now_nanos",
        "rt_time_now_micros",
    ] {
        names.push(c.into()); // c/runtime_time.c
    }
    names
}

/// nm of this test binary: each `rt_*` symbol defined once (the link succeeding says
/// there is no duplicate, also beside the C object and the second crate), and every
/// defined `rt_*` symbol one of the runtime side's: in the hosted build the crate
/// defines none (neither an `rt_*` function nor the value ABI), and the C file
/// reaches the crate through `syscall_time_now_unix_micros`.
#[test]
fn nm_every_rt_symbol_is_the_runtimes() {
    let exe = std::env::current_exe().unwrap();
    let nm = if cfg!(target_arch = "x86_64") {
        "nm".to_string()
    } else {
        format!("{}-linux-gnu-nm", std::env::consts::ARCH)
    };
    let Ok(out) = Command::new(&nm).arg("--defined-only").arg(&exe).output() else {
        eprintln!("skipped: no {nm}");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let defined: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .filter(|n| n.starts_with("rt_"))
        .collect();
    let ours = runtime_side_names();
    assert!(
        ours.len() > 40 && defined.len() > 40,
        "{ours:?} {defined:?}"
    );
    let foreign: Vec<_> = defined
        .iter()
        .filter(|n| !ours.iter().any(|o| o == *n))
        .collect();
    assert!(
        foreign.is_empty(),
        "rt_ symbols not defined by the runtime side: {foreign:?}"
    );
    for sym in [
        "rt_time_now_unix_micros",
        "rt_hostname",
        "rt_system_cpu_count",
    ] {
        assert_eq!(defined.iter().filter(|n| **n == sym).count(), 1, "{sym}");
    }
    if runtime_model::BUILD == "hosted" {
        assert!(
            text.lines()
                .any(|l| l.ends_with(" T syscall_time_now_unix_micros"))
        );
    }
}

// ---- issue 22: time, threads, environment removal, stderr, random ---------------------

#[test]
fn time_now_nanos_and_micros_are_the_monotonic_clock() {
    let mono = || {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        assert_eq!(
            unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) },
            0
        );
        ts.tv_sec * 1_000_000_000 + ts.tv_nsec
    };
    for _ in 0..100 {
        let a = mono();
        let n = unsafe { rt_time_now_nanos() };
        let u = unsafe { rt_time_now_micros() };
        let z = mono();
        assert!(a <= n && n <= z, "{a} {n} {z}");
        assert!(a / 1000 <= u && u <= z / 1000, "{a} {u} {z}");
    }
}

#[test]
fn thread_sleep_and_parallelism() {
    let t = std::time::Instant::now();
    unsafe { rt_thread_sleep(20) };
    assert!(t.elapsed() >= std::time::Duration::from_millis(20));
    for ms in [0, -5] {
        unsafe { rt_thread_sleep(ms) };
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get() as i64);
    assert_eq!(unsafe { rt_thread_available_parallelism() }, cpus);
}

#[test]
fn random_hex_lengths_and_failures() {
    for len in [0, -3] {
        assert_eq!(val(unsafe { rt_random_hex(len) }), Val::Str(vec![]));
    }
    let hex = |len| match val(unsafe { rt_random_hex(len) }) {
        Val::Str(s) => s,
        other => panic!("{other:?}"),
    };
    let (a, b) = (hex(16), hex(16));
    assert_eq!(a.len(), 32);
    assert!(
        a.iter()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
    assert_ne!(a, b);
    assert_eq!(hex(1000).len(), 2000);
}

#[test]
fn env_remove_is_seen_by_std_and_a_child() {
    let _s = serial();
    unsafe { std::env::set_var("MODEL_REMOVE_ME", "here") };
    let (n, l) = t(b"MODEL_REMOVE_ME");
    assert!(unsafe { rt_env_remove(n, l) });
    assert!(std::env::var_os("MODEL_REMOVE_ME").is_none());
    assert_eq!(
        run("sh", &["-c", "printf %s \"${MODEL_REMOVE_ME-unset}\""]),
        ran("unset", "", 0)
    );
    assert!(!unsafe { rt_env_remove(std::ptr::null(), 3) });
    assert!(!unsafe { rt_env_remove(b"\xff".as_ptr(), 1) });
}

#[test]
fn stderr_write_honours_capture() {
    let _s = serial();
    let list = value::strings(&[b"a", b"b"]);
    unsafe {
        rt_capture_stderr_start();
        assert_eq!(rt_stderr_write(value::string(b"text ") as i64), 0);
        assert_eq!(rt_stderr_write(value::int(42) as i64), 0);
        assert_eq!(rt_stderr_write(value::NIL as i64), 0);
        assert_eq!(rt_stderr_write(list as i64), 0);
    }
    let err = state::capture_stderr_stop();
    assert_eq!(String::from_utf8_lossy(&err), "text 42nil[a, b]");
}

// ---- the old way is detected -----------------------------------------------------------

/// The cases the old way (the crate's `rt_*` replacing the runtime's) must fail.
#[cfg(feature = "std")]
const OLD_WAY_MUST_FAIL: [&str; 6] = [
    "env_set_by_std_is_seen_by_rt_env_get_and_a_child_of_rt_process_run",
    "env_set_by_the_runtime_is_seen_by_std_and_its_children",
    "exit_flushes_stdout_and_runs_atexit",
    "print_functions_honour_capture",
    "sandbox_denies_read_and_write",
    // The crate's standalone rt_file_write_text_at keeps its own handle, which its
    // rt_file_remove drops (so write_at_after_remove_writes_a_new_file passes the
    // old way too); the runtime's functions beside it (rt_file_write_text_at_cached)
    // then see no handle of the runtime's.
    "files::write_at_keeps_the_runtimes_handle",
];

/// Builds and runs this suite against the old-way build (the crate's own `rt_*`,
/// feature `standalone` without `standalone-values`) and checks that it fails the
/// environment, exit, capture, sandbox and write-at cases: a suite that could not tell
/// the two integrations apart fails here. Native runs only (it runs cargo).
#[cfg(feature = "std")]
#[test]
fn the_old_way_is_detected() {
    if env!("MODEL_TARGET") != env!("MODEL_HOST") {
        eprintln!("skipped: cross build (the native run checks this)");
        return;
    }
    // Never from inside the run this starts (a build that still had this test would
    // start another, and so on).
    const NESTED: &str = "MODEL_OLD_WAY_RUN";
    assert!(
        std::env::var_os(NESTED).is_none(),
        "the old-way run is a std build"
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "test",
            "--quiet",
            "--no-default-features",
            "--features",
            "old-way",
        ])
        .args(["--test", "suite", "--manifest-path"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .arg("--target-dir")
        .arg(Path::new(env!("CARGO_TARGET_TMPDIR")).join("old-way"))
        .args(["--", "--test-threads=1"])
        .env(NESTED, "1")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let failed: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.trim().strip_suffix(" ... FAILED")?.strip_prefix("test "))
        .chain(
            stdout
                .lines()
                .filter_map(|l| l.trim().strip_prefix("---- ")?.split(' ').next()),
        )
        .collect();
    assert!(
        stdout.contains("test result: FAILED"),
        "the old-way suite did not run, or passed every case:\n{stdout}\n{stderr}"
    );
    for case in OLD_WAY_MUST_FAIL {
        assert!(
            failed.contains(&case),
            "the old way passed {case}:\n{stdout}"
        );
    }
}
