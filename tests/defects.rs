//! Regression tests for the defects of issue #12, each beside its oracle (std, libc
//! or the GNU tools).

mod common;

use common::{bytes, is_root, serial};
use ffi_syscalls::Errno;
use ffi_syscalls::exports::c::{syscall_dir_create, syscall_file_copy, syscall_last_errno};
use ffi_syscalls::fs;
use std::ffi::CString;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

fn c(p: &Path) -> CString {
    CString::new(bytes(p)).unwrap()
}

// ---- 1. copying a file onto itself ------------------------------------------------

#[test]
fn copy_onto_itself_is_refused_and_keeps_the_data() {
    let _s = serial();
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    std::fs::write(&a, b"precious data\n").unwrap();
    std::os::unix::fs::symlink(&a, dir.path().join("link")).unwrap();
    std::fs::hard_link(&a, dir.path().join("hard")).unwrap();
    for dst in ["a", "link", "hard"] {
        let dst = dir.path().join(dst);
        assert_eq!(
            fs::copy(bytes(&a), bytes(&dst)),
            Err(Errno::EINVAL),
            "{dst:?}"
        );
        assert_eq!(std::fs::read(&a).unwrap(), b"precious data\n", "{dst:?}");
        // The other way round too: the link as the source.
        assert_eq!(fs::copy(bytes(&dst), bytes(&a)), Err(Errno::EINVAL));
        assert_eq!(std::fs::read(&a).unwrap(), b"precious data\n", "{dst:?}");
        assert_eq!(
            unsafe { syscall_file_copy(c(&a).as_ptr(), c(&dst).as_ptr()) },
            -i64::from(libc::EINVAL)
        );
        assert_eq!(syscall_last_errno(), libc::EINVAL);
        assert_eq!(std::fs::read(&a).unwrap(), b"precious data\n", "{dst:?}");
    }
    // A different file with the same content is still copied over.
    let b = dir.path().join("b");
    std::fs::write(&b, b"old and longer content\n").unwrap();
    assert_eq!(fs::copy(bytes(&a), bytes(&b)), Ok(14));
    assert_eq!(std::fs::read(&b).unwrap(), b"precious data\n");
}

// ---- 2. the mode of a destination that is not a regular file ------------------------

#[test]
fn copy_onto_a_device_keeps_its_mode() {
    if !is_root() {
        eprintln!("not root: mknod is not allowed, skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let null = dir.path().join("null");
    let cnull = c(&null);
    // A private copy of /dev/null (character device 1, 3), mode 0620.
    if unsafe { libc::mknod(cnull.as_ptr(), libc::S_IFCHR | 0o620, libc::makedev(1, 3)) } != 0 {
        eprintln!(
            "mknod failed ({}): skipped",
            std::io::Error::last_os_error()
        );
        return;
    }
    // A container's device cgroup may refuse the node (EACCES, EPERM) even to root.
    if let Err(e) = std::fs::OpenOptions::new().write(true).open(&null) {
        eprintln!("the device node can not be opened ({e}): skipped");
        return;
    }
    let src = dir.path().join("src");
    std::fs::write(&src, b"to the device\n").unwrap();
    std::fs::set_permissions(&src, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().mode();
    let before = mode(&null);
    assert_eq!(fs::copy(bytes(&src), bytes(&null)), Ok(14));
    assert_eq!(mode(&null), before, "our copy changed the device's mode");
    // std: the same bytes, and the device's mode left alone.
    assert_eq!(std::fs::copy(&src, &null).unwrap(), 14);
    assert_eq!(mode(&null), before);
    // A regular destination still gets the source's permission bits.
    let reg = dir.path().join("reg");
    std::fs::write(&reg, b"x").unwrap();
    assert_eq!(fs::copy(bytes(&src), bytes(&reg)), Ok(14));
    assert_eq!(mode(&reg) & 0o7777, 0o755);
}

// ---- 4. dir_create("", recursive) ----------------------------------------------------

#[test]
fn dir_create_empty_path_matches_std() {
    let _s = serial();
    assert_eq!(std::fs::create_dir_all("").ok(), Some(()));
    assert_eq!(fs::dir_create(b"", true), Ok(()));
    assert_eq!(unsafe { syscall_dir_create(c"".as_ptr(), 1) }, 0);
    let std_err = std::fs::create_dir("").unwrap_err().raw_os_error();
    assert_eq!(std_err, Some(libc::ENOENT));
    assert_eq!(fs::dir_create(b"", false), Err(Errno::ENOENT));
    assert_eq!(
        unsafe { syscall_dir_create(c"".as_ptr(), 0) },
        -libc::ENOENT
    );
}

// ---- process_run ---------------------------------------------------------------------

use ffi_syscalls::process;
use std::process::Command;

/// Whether std can see exec failures here: under qemu-user (aarch64 and riscv64 on
/// an x86_64 host) and valgrind glibc's posix_spawn loses CLONE_VM, and a child
/// that could not exec just exits 127.
fn std_sees_exec_errors() -> bool {
    // valgrind runs a CLONE_VM|CLONE_VFORK child as a fork too.
    cfg!(target_arch = "x86_64") && std::env::var_os("FFI_SYSCALLS_UNDER_VALGRIND").is_none()
}

/// The errno std's Command reports for `cmd` (None where it can not tell), and ours.
fn start_errors(cmd: &str) -> (Option<i32>, Option<i32>) {
    let theirs = Command::new(cmd)
        .output()
        .err()
        .and_then(|e| e.raw_os_error());
    assert!(theirs.is_some() || !std_sees_exec_errors(), "{cmd:.40}");
    let ours = process::run(cmd.as_bytes(), &[]).err().map(Errno::into_raw);
    (ours, theirs)
}

#[test]
fn start_failures_report_the_real_errno_like_std() {
    let _s = serial(); // starts processes (see `serial`)
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("not-executable");
    std::fs::write(&plain, "echo hi\n").unwrap();
    let long_abs = format!("/{}", "a".repeat(300));
    let long_rel = "b".repeat(300);
    // A name past NAME_MAX: ENAMETOOLONG on ext4, ENOENT through FUSE (whose limit is
    // longer); the file system answers for itself.
    let too_long = |p: &str| {
        std::fs::metadata(p)
            .err()
            .and_then(|e| e.raw_os_error())
            .unwrap_or(libc::ENAMETOOLONG)
    };
    let cases = [
        ("/etc/passwd/x", libc::ENOTDIR),
        (long_abs.as_str(), too_long(&long_abs)),
        (plain.to_str().unwrap(), libc::EACCES),
        ("/", libc::EACCES),
        ("/nonexistent/command", libc::ENOENT),
        // PATH searches: execvp's rules (EACCES remembered, ENOENT continues).
        ("no-such-command-defects-12", libc::ENOENT),
        // A PATH search refuses a name past NAME_MAX itself, as glibc's execvp.
        (long_rel.as_str(), libc::ENAMETOOLONG),
    ];
    for (cmd, want) in cases {
        let (ours, theirs) = start_errors(cmd);
        if std_sees_exec_errors() {
            assert_eq!(theirs, Some(want), "std on {cmd:.40}");
        }
        assert_eq!(ours, Some(want), "{cmd:.40}");
    }
}

/// Item 9: an executable without `#!` (ENOEXEC) runs through /bin/sh, as glibc's
/// execvp does for the runtime's `Command` with `pre_exec` (fork, then execvp): argv
/// ["/bin/sh", the path tried, the arguments...], so $0 is the path. By absolute path
/// and through a PATH search, beside that oracle.
#[test]
fn executable_without_shebang_runs_through_sh_like_execvp() {
    use std::os::unix::process::CommandExt;
    let _s = serial();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("no-shebang-12");
    std::fs::write(&script, "echo hi\nprintf '[%s]\\n' \"$0\" \"$@\"\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = script.to_str().unwrap();
    let args: [&[u8]; 3] = [b"one", b"two words", b""];
    let oracle = |cmd: &str, search: Option<&str>| {
        let mut c = Command::new(cmd);
        c.args(args.iter().map(|a| std::str::from_utf8(a).unwrap()));
        if let Some(p) = search {
            c.env("PATH", p);
        }
        unsafe { c.pre_exec(|| Ok(())) };
        let o = c.output().unwrap();
        (o.stdout, o.stderr, o.status.code())
    };
    let want = format!("hi\n[{path}]\n[one]\n[two words]\n[]\n").into_bytes();
    let ours = process::run(path.as_bytes(), &args).unwrap();
    assert_eq!(
        (String::from_utf8_lossy(&ours.stdout), ours.code),
        (String::from_utf8_lossy(&want), 0),
        "{}",
        String::from_utf8_lossy(&ours.stderr)
    );
    let ours = (ours.stdout, ours.stderr, Some(ours.code));
    assert_eq!(ours, oracle(path, None), "std on {path}");
    // A PATH search: a missing directory first (ENOENT continues), then ours.
    let old = ffi_syscalls::env::get(b"PATH").unwrap();
    let search = format!(
        "/nonexistent-defects-12:{}:{}",
        dir.path().to_str().unwrap(),
        String::from_utf8_lossy(old.as_deref().unwrap_or(b"/bin:/usr/bin"))
    );
    ffi_syscalls::env::set(b"PATH", search.as_bytes()).unwrap();
    let found = process::run(b"no-shebang-12", &args);
    match &old {
        Some(p) => ffi_syscalls::env::set(b"PATH", p).unwrap(),
        None => ffi_syscalls::env::remove(b"PATH").unwrap(),
    }
    let found = found.unwrap();
    assert_eq!(
        String::from_utf8_lossy(&found.stdout),
        String::from_utf8_lossy(&want)
    );
    let found = (found.stdout, found.stderr, Some(found.code));
    assert_eq!(
        found,
        oracle("no-shebang-12", Some(&search)),
        "std through PATH"
    );
}

#[test]
fn children_start_with_sigpipe_at_default() {
    let _s = serial(); // starts processes (see `serial`)
    // Every Rust std program ignores SIGPIPE, this test's process too.
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    unsafe { libc::sigaction(libc::SIGPIPE, std::ptr::null(), &mut old) };
    assert_eq!(old.sa_sigaction, libc::SIG_IGN);
    let script = "yes | head -c 2";
    let ours = process::run(b"sh", &[b"-c", script.as_bytes()]).unwrap();
    let theirs = Command::new("sh").args(["-c", script]).output().unwrap();
    assert_eq!(theirs.stderr, b"", "std's child");
    assert_eq!(String::from_utf8_lossy(&ours.stderr), "");
    assert_eq!(ours.stdout, theirs.stdout);
    // Other ignored signals stay ignored (as execve leaves them, as std leaves them).
    let sig_ign = |out: &[u8]| -> u64 {
        let text = String::from_utf8_lossy(out).into_owned();
        let line = text.lines().find(|l| l.starts_with("SigIgn:")).unwrap();
        u64::from_str_radix(line[7..].trim(), 16).unwrap()
    };
    let ours = process::run(b"cat", &[b"/proc/self/status"]).unwrap();
    let theirs = Command::new("cat")
        .arg("/proc/self/status")
        .output()
        .unwrap();
    // Signals 1..=31 (glibc's posix_spawn ignores its own internal ones above).
    let classic = (1u64 << 31) - 1;
    assert_eq!(
        sig_ign(&ours.stdout) & classic,
        sig_ign(&theirs.stdout) & classic
    );
    assert_eq!(sig_ign(&ours.stdout) & (1 << (libc::SIGPIPE - 1)), 0);
}

#[test]
fn child_has_its_own_process_group() {
    let _s = serial(); // starts processes (see `serial`)
    let out = process::run(b"cat", &[b"/proc/self/stat"]).unwrap();
    assert_eq!(out.code, 0);
    let text = String::from_utf8(out.stdout).unwrap();
    let pid: i32 = text.split(' ').next().unwrap().parse().unwrap();
    // "pid (comm) state ppid pgrp ...": comm may hold spaces, so after the last ')'.
    let after: Vec<&str> = text
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let pgrp: i32 = after[2].parse().unwrap();
    assert_eq!(pgrp, pid, "{text}");
    assert_ne!(pgrp, unsafe { libc::getpgrp() });
}

#[test]
fn simple_stack_set_is_not_inherited() {
    let _s = serial(); // starts processes (see `serial`)
    use ffi_syscalls::env;
    env::set(b"_SIMPLE_STACK_SET", b"1").unwrap();
    env::set(b"_SIMPLE_STACK_SET_NOT", b"kept").unwrap();
    env::set(b"DEFECTS_KEPT", b"yes").unwrap();
    assert_eq!(env::get(b"_SIMPLE_STACK_SET"), Ok(Some(b"1".to_vec())));
    let out = process::run(b"env", &[]).unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|p| p.0)
        .collect();
    assert!(names.contains(&"DEFECTS_KEPT"), "{text}");
    assert!(names.contains(&"_SIMPLE_STACK_SET_NOT"), "{text}");
    assert!(!names.contains(&"_SIMPLE_STACK_SET"), "{text}");
    // The parent keeps it.
    assert_eq!(env::get(b"_SIMPLE_STACK_SET"), Ok(Some(b"1".to_vec())));
}

/// A descriptor opened without O_CLOEXEC never reaches a child, on the normal path
/// and on each fallback for kernels without close_range(CLOSE_RANGE_CLOEXEC).
#[test]
fn inherited_descriptors_are_closed_on_every_path() {
    let _s = serial();
    let fd = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY) };
    assert!(fd > 2);
    // A second one far up, where the /proc walk must reach too.
    let high = unsafe { libc::fcntl(fd, libc::F_DUPFD, 900) };
    assert!(high >= 900);
    for level in [0, 1, 2] {
        process::force_fd_fallback(level);
        for n in [fd, high] {
            let link = format!("/proc/self/fd/{n}");
            let out = process::run(b"readlink", &[link.as_bytes()]);
            process::force_fd_fallback(0);
            let out = out.unwrap();
            assert_eq!(
                (out.code, String::from_utf8_lossy(&out.stdout).into_owned()),
                (1, String::new()),
                "fallback level {level}: fd {n} reached the child"
            );
            process::force_fd_fallback(level);
        }
    }
    process::force_fd_fallback(0);
    // Without the marking, the child would see it (the check can fail).
    let out = process::run(b"readlink", &[b"/proc/self/fd/0"]).unwrap();
    assert_eq!(out.code, 0);
    unsafe {
        libc::close(fd);
        libc::close(high);
    }
}

// ---- 6. safe functions taking raw pointers -----------------------------------------

/// No function that is not `unsafe` takes a raw pointer in the files of this issue
/// (a safe function can not promise what a raw pointer points at). Function-pointer
/// types are not raw pointers and are left out.
#[test]
fn no_safe_function_takes_a_raw_pointer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = [
        "src/exports/c.rs",
        "src/process.rs",
        "src/vdso.rs",
        "src/io.rs",
        "src/fs.rs",
        "src/sys.rs",
        "src/env.rs",
        "src/exports/rt.rs",
    ];
    let mut found = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(root.join(f)).unwrap();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("fn ") {
            let line_start = rest[..i].rfind('\n').map_or(0, |n| n + 1);
            let before = &rest[line_start..i];
            let after = &rest[i + 3..];
            rest = after;
            // A declaration: `fn name(` or `fn name<..>(`, not a type `fn(`.
            let Some(open) = after.find('(') else { break };
            let name = &after[..open];
            let name = name.split('<').next().unwrap();
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            if before.contains("unsafe") || before.trim_start().starts_with("//") {
                continue;
            }
            // The parameter list up to its matching ')'.
            let mut depth = 0;
            let mut end = open;
            for (j, ch) in after[open..].char_indices() {
                match ch {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = open + j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let params = &after[open..=end];
            // Drop function-pointer types, whose own parameters may be pointers.
            let params: String = params
                .split("fn(")
                .enumerate()
                .map(|(k, p)| {
                    if k == 0 {
                        p
                    } else {
                        p.split_once(')').map_or("", |x| x.1)
                    }
                })
                .collect();
            // A parameter whose type is a raw pointer (a Vec of them is not read).
            let raw = params
                .trim_matches(|c| c == '(' || c == ')')
                .split(',')
                .filter_map(|p| p.split_once(':'))
                .any(|(_, ty)| ty.trim_start().starts_with('*'));
            if raw {
                found.push(format!("{f}: fn {name}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "safe functions taking raw pointers: {found:#?}"
    );
}

// ---- 12. what the kernel clobbers on a system call -------------------------------

/// Every asm block that enters the kernel and returns goes through the macro that
/// declares the registers the kernel does not preserve: on aarch64 the predicate
/// registers and z0..z31 beyond the low 128 bits (v0..v31 covers them, v8..v15 only
/// with SVE; ffr is reserved by LLVM, which never keeps a value in it), on riscv64
/// v0..v31, in every build (tests/review_process.rs checks riscv64's has no cfg). A
/// source check: the compiler only keeps values in those registers in code built with
/// the features on, where a missing clobber is silent corruption, not a failure.
#[test]
fn syscall_asm_declares_what_the_kernel_clobbers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, instr, mac, regs) in [
        (
            "arch/aarch64.rs",
            "\"svc 0\"",
            "svc!",
            (0..32)
                .map(|i| format!("out(\"v{i}\") _"))
                .chain((0..16).map(|i| format!("out(\"p{i}\") _")))
                .collect::<Vec<_>>(),
        ),
        (
            "arch/riscv64.rs",
            "\"ecall\"",
            "ecall!",
            (0..32).map(|i| format!("out(\"v{i}\") _")).collect(),
        ),
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let macro_def = &text[text.find("macro_rules!").expect(file)..];
        let macro_def = &macro_def[..macro_def.find("\n}\n").unwrap()];
        for r in &regs {
            assert!(macro_def.contains(r.as_str()), "{file}: {r} not declared");
        }
        // Each instruction outside the macro is either in a block the macro
        // builds (a template list `[..]`) or in the no-return exit.
        let rest = text.replace(macro_def, "");
        for (at, _) in rest.match_indices(instr) {
            let before = &rest[..at];
            let block = &before[before.rfind("unsafe").unwrap()..];
            let statement = rest[at..].split(';').next().unwrap();
            assert!(
                block.contains(&format!("{mac}(")) || statement.contains("noreturn"),
                "{file}: a `{instr}` outside {mac}: {block}{statement}"
            );
        }
    }
}

// ---- a process started with 0, 1 and 2 closed ----------------------------------------

/// In such a process the pipes process::run makes take the numbers 0, 1 and 2; the
/// child must still get /dev/null, the stdout pipe and the stderr pipe in their
/// places. Checked in a copy of this test binary that closes the three (on x86_64:
/// the other targets' binaries can not be started from under qemu-user).
#[test]
fn children_of_a_process_without_stdio_get_theirs() {
    let _s = serial(); // starts processes (see `serial`)
    const CHILD: &str = "DEFECTS_STDIO_CLOSED_OUT";
    if let Some(out) = std::env::var_os(CHILD) {
        // The copy: 0, 1 and 2 closed here (std's start-up reopens any that a
        // parent closed); what its child saw goes to the file.
        for fd in 0..3 {
            unsafe { libc::close(fd) };
        }
        let r = process::run(b"sh", &[b"-c", b"cat; echo out; echo err >&2; exit 3"]).unwrap();
        let seen = [
            r.stdout,
            b"|".to_vec(),
            r.stderr,
            format!("|{}", r.code).into_bytes(),
        ];
        std::fs::write(out, seen.concat()).unwrap();
        return;
    }
    if !cfg!(target_arch = "x86_64") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seen");
    let mut copy = Command::new(std::env::current_exe().unwrap());
    copy.args([
        "--exact",
        "children_of_a_process_without_stdio_get_theirs",
        "--test-threads=1",
    ])
    .env(CHILD, &out);
    let status = copy.status().unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(std::fs::read(&out).unwrap(), b"out\n|err\n|3");
}

// ---- a name twice in the start-up environment ---------------------------------------

/// The environment is one packed buffer; a name the start-up environment holds twice
/// reads as its first value (as glibc's getenv), and setting it replaces both, so a
/// child sees it once. Checked in a copy of this test binary started by execve with
/// such an environment (x86_64 only, as above).
#[test]
fn a_name_twice_at_start_up_is_set_once() {
    let _s = serial(); // starts processes (see `serial`)
    use ffi_syscalls::env;
    const CHILD: &str = "DEFECTS_DUP_ENV_OUT";
    if let Some(out) = std::env::var_os(CHILD) {
        let first = env::get(b"DEFECTS_DUP").unwrap().unwrap();
        env::set(b"DEFECTS_DUP", b"3").unwrap();
        let now = env::get(b"DEFECTS_DUP").unwrap().unwrap();
        let seen = process::run(b"sh", &[b"-c", b"env | grep ^DEFECTS_DUP="]).unwrap();
        std::fs::write(
            out,
            [first, b"|".to_vec(), now, b"|".to_vec(), seen.stdout].concat(),
        )
        .unwrap();
        return;
    }
    if !cfg!(target_arch = "x86_64") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("seen");
    let exe = CString::new(bytes(&std::env::current_exe().unwrap())).unwrap();
    let args = [
        exe.clone(),
        c"--exact".into(),
        c"a_name_twice_at_start_up_is_set_once".into(),
        c"--test-threads=1".into(),
    ];
    let path = std::env::var("PATH").unwrap();
    let envs = [
        CString::new(format!("{CHILD}={}", out.display())).unwrap(),
        c"DEFECTS_DUP=1".into(),
        c"DEFECTS_DUP=2".into(),
        CString::new(format!("PATH={path}")).unwrap(),
    ];
    let argv: Vec<*const libc::c_char> = args
        .iter()
        .map(|a| a.as_ptr())
        .chain([std::ptr::null()])
        .collect();
    let envp: Vec<*const libc::c_char> = envs
        .iter()
        .map(|e| e.as_ptr())
        .chain([std::ptr::null()])
        .collect();
    // Only async-signal-safe calls between fork and exec: everything is made above.
    // The copy's own test report goes to /dev/null, not into this one's.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        unsafe {
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
            libc::dup2(null, 1);
            libc::dup2(null, 2);
            libc::execve(exe.as_ptr(), argv.as_ptr(), envp.as_ptr());
            libc::_exit(127);
        }
    }
    let mut status = 0;
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{status:#x}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"1|3|DEFECTS_DUP=3\n");
}

// ---- a copy into a new file forces no writeback (found by the benchmark) ------------

/// FS_IOC_FIEMAP's request and reply, for a few extents (linux/fiemap.h).
#[repr(C)]
struct Fiemap {
    start: u64,
    length: u64,
    flags: u32,
    mapped_extents: u32,
    extent_count: u32,
    reserved: u32,
    extents: [FiemapExtent; 8],
}

#[repr(C)]
#[derive(Clone, Copy)]
struct FiemapExtent {
    logical: u64,
    physical: u64,
    length: u64,
    reserved64: [u64; 2],
    flags: u32,
    reserved: [u32; 3],
}

/// `_IOWR('f', 11, struct fiemap)`.
const FS_IOC_FIEMAP: libc::c_ulong = 0xc020_660b;
/// An extent whose blocks are not allocated yet (delayed allocation).
const FIEMAP_EXTENT_DELALLOC: u32 = 0x4;

/// Whether every extent of `path` still waits for its blocks (delayed allocation),
/// i.e. nothing has started writing it back; None when the file system does not say.
fn all_delalloc(path: &Path) -> Option<bool> {
    let file = std::fs::File::open(path).unwrap();
    let mut map: Fiemap = unsafe { std::mem::zeroed() };
    map.length = u64::MAX;
    map.extent_count = 8;
    let r = unsafe {
        libc::ioctl(
            std::os::fd::AsRawFd::as_raw_fd(&file),
            FS_IOC_FIEMAP as _,
            &mut map,
        )
    };
    if r != 0 || map.mapped_extents == 0 {
        return None;
    }
    let n = (map.mapped_extents as usize).min(8);
    Some(
        map.extents[..n]
            .iter()
            .all(|e| e.flags & FIEMAP_EXTENT_DELALLOC != 0),
    )
}

/// Copying into a new file leaves it as std::fs::copy does: in the page cache, its
/// blocks allocated whenever writeback comes. ext4 writes a file back at close when
/// it was truncated to 0 (its guard for replace-by-truncate), so an `ftruncate` of the
/// empty new file made every copy's close start writing it (rt_file_copy 1.85x
/// std::fs::copy for 256 MiB). Where the file system reports no delayed allocation
/// (tmpfs, or a copy by reflink), std's copy says what to expect and both agree.
#[test]
fn a_copy_into_a_new_file_forces_no_writeback() {
    let _s = serial();
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::write(&src, vec![0x5a; 1 << 20]).unwrap();
    let (ours, std_dst) = (dir.path().join("ours"), dir.path().join("std"));
    std::fs::copy(&src, &std_dst).unwrap();
    let expected = all_delalloc(&std_dst);
    assert_eq!(fs::copy(bytes(&src), bytes(&ours)), Ok(1 << 20));
    assert_eq!(all_delalloc(&ours), expected);
    if expected != Some(true) {
        eprintln!("this file system shows no delayed allocation ({expected:?}): compared only");
    }
    // A destination that holds data is still truncated first.
    std::fs::write(&ours, vec![1; 2 << 20]).unwrap();
    assert_eq!(fs::copy(bytes(&src), bytes(&ours)), Ok(1 << 20));
    assert_eq!(std::fs::read(&ours).unwrap(), vec![0x5a; 1 << 20]);
}
