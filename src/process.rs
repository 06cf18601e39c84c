//! Running a child process and collecting its output, and leaving this one.

use crate::Errno;
use crate::io::{self, Fd, retry};
use crate::sys::{self, RawFd, Result, uapi};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicI32, AtomicU8, Ordering};

/// What a finished child left: everything it wrote to stdout and stderr, and its exit
/// code (-1 when a signal ended it).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Output {
    /// Everything the child wrote to stdout.
    pub stdout: Vec<u8>,
    /// Everything the child wrote to stderr.
    pub stderr: Vec<u8>,
    /// The exit status, or -1 when a signal ended the child.
    pub code: i32,
}

/// Appends `arg` and its NUL to `argv` (the packed form [`run_argv`] takes); a NUL
/// inside is `EINVAL`.
pub fn push_arg(argv: &mut Vec<u8>, arg: &[u8]) -> Result<()> {
    if io::has(arg, 0) {
        return Err(Errno::EINVAL);
    }
    io::extend(argv, arg)?;
    io::extend(argv, b"\0")
}

/// Writes at `at` a pointer to each NUL-terminated string in `strings` that does not
/// start with `skip` (when given), then null: the array `execve` takes, valid while
/// `strings` is neither moved nor changed. Returns the slot after the null.
///
/// # Safety
/// `at` must have room for [`io::c_strings`]'s count of `strings` plus one pointers.
unsafe fn put_pointers(
    mut at: *mut *const u8,
    strings: &[u8],
    skip: Option<&[u8]>,
) -> *mut *const u8 {
    for s in io::c_strings(strings) {
        if !skip.is_some_and(|p| s.starts_with(p)) {
            // SAFETY: one slot per string, as the caller reserved.
            unsafe {
                at.write(s.as_ptr());
                at = at.add(1);
            }
        }
    }
    // SAFETY: the last reserved slot.
    unsafe {
        at.write(core::ptr::null());
        at.add(1)
    }
}

/// The runtime's marker that it has set up its own stack; a child must not inherit
/// it (the Simple runtime runs children with `env_remove("_SIMPLE_STACK_SET")`).
const REMOVED_FROM_CHILD_ENV: &[u8] = b"_SIMPLE_STACK_SET=";

/// glibc's default search path for an unset `PATH` (`confstr(_CS_PATH)`).
const DEFAULT_PATH: &[u8] = b"/bin:/usr/bin";

/// Runs `cmd` with `args` (PATH search like `execvp` when `cmd` has no `/`), stdin
/// from /dev/null, stdout and stderr captured in full, the environment `env` (packed
/// `NAME=VALUE` entries, each with its NUL, as [`push_arg`] makes them) without
/// `_SIMPLE_STACK_SET`; the search uses `env`'s `PATH`. The child inherits only fds
/// 0, 1 and 2, runs in a process group of its own (`setpgid(0, 0)`, std's
/// `process_group(0)`) and starts with SIGPIPE at its default, as std's children do.
/// An executable the kernel refuses as no program (ENOEXEC: a script without `#!`)
/// runs through `/bin/sh` as with glibc's `execvp` (and so the runtime's `Command`
/// with `pre_exec`): `/bin/sh PATH ARGS...`, `$0` the path. Failure to start the
/// child is the errno of the failed `execve` (for a PATH search, execvp's choice:
/// EACCES if a candidate was not executable, else the last failure); the child is
/// reaped before returning, always.
///
/// The environment comes from the caller, never from the process's `environ`: a
/// hosted caller passes a snapshot of its host's environment (see
/// [`crate::hosted::process_run`]), a standalone one this crate's own (`run`).
pub fn run_env(cmd: &[u8], args: &[&[u8]], env: &[u8]) -> Result<Output> {
    let mut argv = Vec::new();
    for arg in core::iter::once(cmd).chain(args.iter().copied()) {
        push_arg(&mut argv, arg)?;
    }
    run_argv(&argv, env)
}

/// [`run_env`] with this crate's own environment ([`crate::env`]; not in hosted
/// builds, which keep none).
#[cfg(not(feature = "hosted"))]
pub fn run(cmd: &[u8], args: &[&[u8]]) -> Result<Output> {
    run_env(cmd, args, &crate::env::c_entries()?)
}

/// As [`run_env`], with the command and its arguments packed in `argv` as
/// [`push_arg`] makes it (the command first): no copy of the arguments is made.
pub fn run_argv(argv: &[u8], env: &[u8]) -> Result<Output> {
    let mut out = Output::default();
    run_into(argv, env, &mut out)?;
    Ok(out)
}

/// [`run_argv`]'s work, filling `out` (a small result: every early return is cheap).
fn run_into(argv: &[u8], entries: &[u8], out: &mut Output) -> Result<()> {
    let program = Program::new(argv, entries)?;
    // The stdout and stderr pipes, /dev/null and the child's stack, in one place that
    // releases whatever was made on every way out. Five descriptors, as std's
    // Command::output holds. /dev/null is opened here, not in the child: a child that
    // looks up a path before execve deadlocks under qemu-user (its path lookup takes a
    // lock that another thread may hold when the fork it turns vfork into copies it).
    let mut held = Held {
        ours: [-1; 2],
        theirs: [-1; 3],
        shared: core::ptr::null_mut(),
    };
    let flags = uapi::O_RDONLY | uapi::O_CLOEXEC;
    held.theirs[0] = retry(|| sys::openat(sys::AT_FDCWD, b"/dev/null\0", flags, 0))?;
    for (r, w) in held.ours.iter_mut().zip(&mut held.theirs[1..]) {
        [*r, *w] = sys::pipe2(uapi::O_CLOEXEC)?;
    }
    // The child borrows this process's memory (CLONE_VM) until it calls execve, and
    // we wait for that (CLONE_VFORK): starting it costs the same however large this
    // process is. It runs on a stack of its own, mapped here rather than taken from
    // the caller's (which may be a small thread stack), which nothing touches while
    // we wait; signals stay blocked until it has put every handler back to the
    // default, so none of ours runs in it. Where it can not start the program, it
    // leaves the errno in the mapping's first word. Shared, not private: where
    // clone loses CLONE_VM (qemu-user, valgrind: the child is a copy running beside
    // us), a shared mapping is still the same memory for both.
    let prot = uapi::PROT_READ | uapi::PROT_WRITE;
    let map = uapi::MAP_SHARED | uapi::MAP_ANONYMOUS | uapi::MAP_STACK;
    // SAFETY: a new mapping where the kernel chooses: no memory of ours changes.
    held.shared = unsafe { sys::mmap(0, CHILD_STACK, prot, map, -1, 0) }?;
    let all = uapi::kernel_sigset_t { sig: [!0] };
    let mut child = Child {
        program: &program,
        fds: held.theirs,
        errno: held.shared.cast(),
        mask: uapi::kernel_sigset_t { sig: [0] },
    };
    // It fails only for a bad `how`, size or address, none of which these are.
    let _ = sys::rt_sigprocmask(uapi::SIG_SETMASK, Some(&all), Some(&mut child.mask));
    let flags = (uapi::CLONE_VM | uapi::CLONE_VFORK | uapi::SIGCHLD) as usize;
    let top = held.shared.wrapping_add(CHILD_STACK);
    // SAFETY: `child_main` makes only raw system calls and ends in execve or
    // exit_group; the stack and `child` outlive it because CLONE_VFORK holds us here.
    let pid = unsafe { sys::clone_run(flags, top, child_main, (&raw mut child).cast()) };
    let _ = sys::rt_sigprocmask(uapi::SIG_SETMASK, Some(&child.mask), None);
    drop(program);
    // The child's ends: closed now, so that the pipes reach EOF when it is done.
    close_all(&mut held.theirs);
    let pid = pid? as i32;

    let [out_r, err_r] = held.ours;
    let result = collect(out_r, err_r, out);
    // Our ends closed before the wait: after a failure above, a child still writing
    // gets EPIPE or SIGPIPE, as in a pipeline whose reader has gone, instead of
    // blocking on a full pipe while we wait for it.
    close_all(&mut held.ours);
    let mut status = 0;
    retry(|| sys::wait4(pid, &mut status, 0))?;
    out.code = if status & 0x7f == 0 {
        (status >> 8) & 0xff
    } else {
        -1
    };
    // The child has exec'd or exited: what it left is final.
    // SAFETY: the mapping's first word, aligned, mapped until `held` drops.
    match unsafe { &*held.shared.cast::<AtomicI32>() }.load(Ordering::Relaxed) {
        0 => result,
        e => Err(Errno::new(e)),
    }
}

/// Replaces this process's program with the one `argv` names, as `execvp` does:
/// `argv` is packed as [`push_arg`] makes it, the program first; the PATH search,
/// the `/bin/sh` fallback for ENOEXEC and the environment are [`run`]'s (the
/// environment of [`crate::env`] without `_SIMPLE_STACK_SET`). Descriptors, the
/// signal mask and the other signal dispositions stay as they are (as with `env CMD`),
/// but SIGPIPE is put back to its default: the bootstrap runtime ignores it, as std's
/// does, and execve keeps an ignored signal ignored (std's `Command` resets it too).
/// Returns only on failure, with [`run`]'s errno for a child that could not start,
/// and SIGPIPE's disposition as it was.
#[cfg(not(feature = "hosted"))]
pub fn exec(argv: &[u8]) -> Errno {
    let ready = crate::env::c_entries().and_then(|entries| {
        let program = Program::new(argv, &entries)?;
        // SAFETY: all-zero is a valid action to be overwritten by the read.
        let mut old: uapi::kernel_sigaction = unsafe { core::mem::zeroed() };
        // SAFETY: only reading.
        let _ = unsafe { sys::rt_sigaction(uapi::SIGPIPE, None, Some(&mut old)) };
        sigpipe_default();
        // SAFETY: `program` was built by `Program::new`.
        let errno = unsafe { exec_program(&program) };
        // Still this program: its own writes keep the disposition it chose.
        // SAFETY: the action read above, put back as it was.
        let _ = unsafe { sys::rt_sigaction(uapi::SIGPIPE, Some(&old), None) };
        Ok(errno)
    });
    match ready {
        Ok(e) | Err(e) => e,
    }
}

/// Puts SIGPIPE back to its default disposition (a program runtime that ignores it
/// does so for its own writes, not for the programs it starts or its own death).
pub fn sigpipe_default() {
    // SAFETY: all-zero is SIG_DFL with no flags: no handler of ours runs.
    let _ = unsafe { sys::rt_sigaction(uapi::SIGPIPE, Some(&core::mem::zeroed()), None) };
}

/// A command ready for `execve`, for [`run`]'s child and for [`exec`].
struct Program<'a> {
    /// The command, NUL-terminated.
    cmd_c: &'a [u8],
    /// The directories to search (`PATH`), when the command has no `/`.
    search: Option<&'a [u8]>,
    /// One allocation: room for a candidate's path (PATH_MAX bytes), then "/bin/sh"
    /// (for [`exec_shell`]), argv's pointers, null, envp's, null. A plain block, not
    /// Vecs: its size is known in advance, and no growth code is needed.
    block: *mut u8,
    layout: core::alloc::Layout,
    /// The slots in `block`: "/bin/sh", then argv.
    slots: *mut *const u8,
    /// The slot after argv's null: envp.
    envp: *const *const u8,
}

impl<'a> Program<'a> {
    /// `argv`'s command checked as execvp does, and the pointer arrays built for
    /// `entries` (the packed environment) without `_SIMPLE_STACK_SET`.
    fn new(argv: &'a [u8], entries: &'a [u8]) -> Result<Self> {
        // The command with its NUL, and without.
        let cmd_c = io::c_strings(argv).next().unwrap_or_default();
        let cmd = cmd_c.split_last().map_or(&[][..], |(_, name)| name);
        if cmd.is_empty() {
            return Err(Errno::ENOENT);
        }
        let search = !io::has(cmd, b'/');
        // As glibc's execvp: a name no directory entry can have is refused before the
        // search, so the answer does not depend on each directory's file system.
        if search && cmd.len() > uapi::NAME_MAX as usize {
            return Err(Errno::ENAMETOOLONG);
        }
        let count = |s| io::c_strings(s).count();
        let size = (3 + count(argv) + count(entries))
            .checked_mul(size_of::<*const u8>())
            .and_then(|n| n.checked_add(io::PATH_MAX));
        let layout = size
            .and_then(|n| core::alloc::Layout::from_size_align(n, 16).ok())
            .ok_or(Errno::ENOMEM)?;
        // SAFETY: not zero-sized (PATH_MAX bytes at least).
        let block = unsafe { alloc::alloc::alloc(layout) };
        if block.is_null() {
            return Err(Errno::ENOMEM);
        }
        let slots = block.wrapping_add(io::PATH_MAX).cast::<*const u8>();
        // SAFETY: one slot for the shell, then as many as each call's strings plus
        // one, all inside the block (PATH_MAX is a multiple of the pointer size).
        let envp = unsafe {
            slots.write(SHELL.as_ptr());
            let envp = put_pointers(slots.add(1), argv, None);
            put_pointers(envp, entries, Some(REMOVED_FROM_CHILD_ENV));
            envp
        };
        Ok(Program {
            cmd_c,
            search: search.then(|| crate::env::lookup(entries, b"PATH").unwrap_or(DEFAULT_PATH)),
            block,
            layout,
            slots,
            envp,
        })
    }
}

impl Drop for Program<'_> {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout; nothing uses it any more.
        unsafe { alloc::alloc::dealloc(self.block, self.layout) };
    }
}

/// The pipes and the shared mapping of one run, released together (-1, null:
/// none).
struct Held {
    /// The read ends of the stdout and stderr pipes.
    ours: [RawFd; 2],
    /// The child's stdin, stdout and stderr: /dev/null and the pipes' write ends.
    theirs: [RawFd; 3],
    /// CHILD_STACK bytes shared with the child: the errno it could not start with
    /// in the first word, its stack above.
    shared: *mut u8,
}

/// Closes each of `fds` and marks it -1.
fn close_all(fds: &mut [RawFd]) {
    for fd in fds {
        if *fd >= 0 {
            let _ = sys::close(*fd);
        }
        *fd = -1;
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        close_all(&mut self.ours);
        close_all(&mut self.theirs);
        if !self.shared.is_null() {
            // SAFETY: mapped by run_into, and the child is done with it.
            let _ = unsafe { sys::munmap(self.shared, CHILD_STACK) };
        }
    }
}

/// The size of the child's stack: its frames take at most 4.2 KiB (measured, debug
/// build, with the /proc/self/fd walk and its 2 KiB buffer; 2.3 KiB in release);
/// execve's work is the kernel's. Pages it never touches cost nothing.
const CHILD_STACK: usize = 16 * 1024;

/// What the child needs, prepared by the parent.
struct Child<'a> {
    /// The program and its arguments and environment.
    program: &'a Program<'a>,
    /// Its stdin, stdout and stderr.
    fds: [RawFd; 3],
    /// Where it leaves the errno when it can not start the program (shared).
    errno: *const AtomicI32,
    /// The parent's signal mask, which the new program starts with.
    mask: uapi::kernel_sigset_t,
}

/// Tests only: 0 marks descriptors close-on-exec with `close_range`; 1 acts as if
/// `close_range` failed (kernels before 5.11), so /proc/self/fd is walked; 2 as if
/// /proc were missing too, so every number below RLIMIT_NOFILE is marked.
static FD_FALLBACK: AtomicU8 = AtomicU8::new(0);

/// For tests of the fallbacks that keep descriptors from reaching a child where
/// `close_range(CLOSE_RANGE_CLOEXEC)` is missing: see [`FD_FALLBACK`]'s levels (0
/// is the normal path). Process-wide; not for use outside tests.
#[doc(hidden)]
pub fn force_fd_fallback(level: u8) {
    FD_FALLBACK.store(level, Ordering::Relaxed);
}

/// The child process, on its own stack in the parent's memory.
///
/// # Safety
/// `arg` points to a [`Child`] that stays alive and unchanged until the child calls
/// execve or exits (the parent waits: CLONE_VFORK).
unsafe extern "C" fn child_main(arg: *mut u8) -> ! {
    // SAFETY: the parent passes a `Child` that lives until we exec or exit.
    let c = unsafe { &*(arg as *const Child) };
    // A handler of the parent must not run here: back to the default for each one.
    // Ignored signals stay ignored, as execve would leave them, except SIGPIPE,
    // which std resets too: every Rust program ignores it, and a child that inherits
    // that prints "Broken pipe" where it should have died quietly.
    // SAFETY: plain integers; all-zero is SIG_DFL with no flags.
    let default: uapi::kernel_sigaction = unsafe { core::mem::zeroed() };
    for sig in 1..uapi::_NSIG + 1 {
        let mut old = default;
        // SAFETY: only reading (SIGKILL and SIGSTOP read as SIG_DFL, left alone).
        let read = unsafe { sys::rt_sigaction(sig, None, Some(&mut old)) };
        // SIG_DFL is 0 and SIG_IGN 1, a handler anything above; the highest left
        // alone is SIG_IGN, but SIG_DFL for SIGPIPE.
        let left = if sig == uapi::SIGPIPE { 0 } else { 1 };
        if read.is_ok() && old.sa_handler_kernel.map_or(0, |h| h as usize) > left {
            // SAFETY: SIG_DFL runs no code of ours.
            let _ = unsafe { sys::rt_sigaction(sig, Some(&default), None) };
        }
    }
    let _ = sys::rt_sigprocmask(uapi::SIG_SETMASK, Some(&c.mask), None);
    let errno = match sys::setpgid(0, 0) {
        // SAFETY: the parent built both arrays from NUL-terminated strings, with
        // "/bin/sh" before argv.
        Ok(()) => unsafe { exec_child(c) },
        Err(e) => e,
    };
    // SAFETY: the shared mapping's first word, which the parent keeps mapped.
    unsafe { &*c.errno }.store(errno.into_raw(), Ordering::Relaxed);
    sys::exit_group(127)
}

/// The child's side: stdio in place, everything else close-on-exec, then
/// [`exec_program`]. Returns only on failure, with its errno.
///
/// # Safety
/// As [`exec_program`] for `c.program`.
unsafe fn exec_child(c: &Child) -> Errno {
    let mut stdio = c.fds;
    // First each source numbered 0, 1 or 2 moved above 2 (a copy, close-on-exec),
    // so that putting one in place can not overwrite another: in a process started
    // with 0, 1 or 2 closed, the pipes and /dev/null may have those numbers. (Only
    // those: a process near its descriptor limit needs no spare numbers.)
    for fd in stdio.iter_mut().filter(|fd| **fd <= 2) {
        // SAFETY: F_DUPFD_CLOEXEC takes an integer.
        match unsafe { sys::fcntl(*fd, uapi::F_DUPFD_CLOEXEC, 3) } {
            Ok(copy) => *fd = copy as RawFd,
            Err(e) => return e,
        }
    }
    for (target, fd) in stdio.into_iter().enumerate() {
        // dup3 with flags 0 leaves the copy without close-on-exec.
        if let Err(e) = sys::dup3(fd, target as RawFd, 0) {
            return e;
        }
    }
    // Descriptors someone opened without O_CLOEXEC must not reach the child either.
    // (A plain load of a static: nothing to prepare in the parent.)
    if let Err(e) = cloexec_from_3(FD_FALLBACK.load(Ordering::Relaxed)) {
        return e;
    }
    // SAFETY: forwarded from this function's own contract.
    unsafe { exec_program(c.program) }
}

/// Runs `p`'s command, or each `dir/cmd` of its search in turn (an empty directory
/// is the current one), one the kernel refuses as no executable (ENOEXEC: no `#!`)
/// through /bin/sh as execvp does. Returns only if every `execve` failed, with
/// execvp's choice of errno: EACCES if any candidate was found but not executable,
/// else the last failure (the only one for a command holding a `/`: ENOTDIR,
/// ENAMETOOLONG...); after an ENOEXEC, what the shell's start left. Nothing is
/// allocated (it runs in [`run`]'s child too): each path is made in `p`'s block.
///
/// # Safety
/// `p` was made by [`Program::new`] and is used by nothing else meanwhile (its
/// argv[0] slot and path room are written).
unsafe fn exec_program(p: &Program) -> Errno {
    // SAFETY: forwarded from this function's own contract.
    let exec = |path: &[u8]| unsafe {
        match sys::execve(path, p.slots.wrapping_add(1), p.envp) {
            Errno::ENOEXEC => exec_shell(path, p.slots, p.envp),
            e => e,
        }
    };
    let Some(dirs) = p.search else {
        return exec(p.cmd_c);
    };
    let mut denied = false;
    let mut last = Errno::ENOENT;
    for dir in dirs.split(|&b| b == b':') {
        let dir: &[u8] = if dir.is_empty() { b"." } else { dir };
        // SAFETY: the block's first PATH_MAX bytes are the path room.
        let errno = match unsafe { join(p.block, dir, p.cmd_c) } {
            Some(path) => exec(path),
            None => Errno::ENAMETOOLONG,
        };
        match errno {
            Errno::EACCES => denied = true,
            e @ (Errno::ENOENT
            | Errno::ENOTDIR
            | Errno::ESTALE
            | Errno::ENODEV
            | Errno::ETIMEDOUT
            | Errno::ENAMETOOLONG) => last = e,
            other => return other,
        }
    }
    if denied { Errno::EACCES } else { last }
}

/// `dir/name` in `buf`, where `name` already ends in its NUL; None when it does not
/// fit. (Only the path is written: zeroing the rest first would be wasted code.)
///
/// # Safety
/// `buf` must be valid for writes of PATH_MAX bytes, and unused while the result is.
unsafe fn join<'a>(buf: *mut u8, dir: &[u8], name: &[u8]) -> Option<&'a [u8]> {
    let len = dir.len().checked_add(1 + name.len())?;
    if len > io::PATH_MAX {
        return None;
    }
    // SAFETY: `len` bytes fit in `buf`: `dir`, the slash, then `name`, all written
    // before the slice of them is made.
    unsafe {
        core::ptr::copy_nonoverlapping(dir.as_ptr(), buf, dir.len());
        buf.add(dir.len()).write(b'/');
        core::ptr::copy_nonoverlapping(name.as_ptr(), buf.add(dir.len() + 1), name.len());
        Some(core::slice::from_raw_parts(buf, len))
    }
}

/// glibc's `_PATH_BSHELL`: what runs a file the kernel refuses (ENOEXEC).
const SHELL: &[u8] = b"/bin/sh\0";

/// Runs `path`, which the kernel would not, as a shell script: execve of /bin/sh
/// with ["/bin/sh", path, argv[1]...] (argv[0] gives way to the path, as in
/// execvp), from `slots` with the path written over argv[0]. If the shell does not
/// start, argv[0] is put back for the next candidate and the shell's errno returned.
///
/// # Safety
/// As [`exec_program`]; `path` is NUL-terminated.
unsafe fn exec_shell(path: &[u8], slots: *mut *const u8, envp: *const *const u8) -> Errno {
    let argv0 = slots.wrapping_add(1);
    // SAFETY: the slot is in the parent's array, which waits for us (CLONE_VFORK).
    let name = unsafe { argv0.replace(path.as_ptr()) };
    // SAFETY: a null-terminated array of C strings, with the one just written.
    let errno = unsafe { sys::execve(SHELL, slots, envp) };
    // SAFETY: as above.
    unsafe { argv0.write(name) };
    errno
}

/// Marks every descriptor from 3 up close-on-exec, in the child: `close_range` where
/// the kernel has it (5.11+), else each number listed in /proc/self/fd, else each
/// number below the RLIMIT_NOFILE soft limit (at most 2^20). Raw system calls and
/// the stack only: this runs in the parent's memory.
fn cloexec_from_3(fallback: u8) -> Result<()> {
    if fallback == 0 && sys::close_range(3, u32::MAX, sys::CLOSE_RANGE_CLOEXEC).is_ok() {
        return Ok(());
    }
    if fallback <= 1 && cloexec_listed().is_ok() {
        return Ok(());
    }
    let mut limit = uapi::rlimit64 {
        rlim_cur: 0,
        rlim_max: 0,
    };
    sys::prlimit64(0, uapi::RLIMIT_NOFILE, None, Some(&mut limit))?;
    for fd in 3..limit.rlim_cur.min(1 << 20) as RawFd {
        set_cloexec(fd);
    }
    Ok(())
}

/// Sets FD_CLOEXEC on `fd`; a number that is not open is fine.
fn set_cloexec(fd: RawFd) {
    // SAFETY: F_SETFD takes an integer.
    let _ = unsafe { sys::fcntl(fd, uapi::F_SETFD, uapi::FD_CLOEXEC as usize) };
}

/// Marks each descriptor from 3 up named in /proc/self/fd (the child's own table).
/// Marking, not closing, leaves the listing unchanged while it is read.
fn cloexec_listed() -> Result<()> {
    let dir = retry(|| {
        sys::openat(
            sys::AT_FDCWD,
            b"/proc/self/fd\0",
            uapi::O_RDONLY | uapi::O_DIRECTORY | uapi::O_CLOEXEC,
            0,
        )
    })?;
    let dir = Fd::from_raw(dir);
    // Aligned for the records; the kernel fills it, so it starts uninitialised.
    let mut buf = core::mem::MaybeUninit::<[u64; 256]>::uninit();
    loop {
        // SAFETY: the kernel writes at most the buffer's size into a live array.
        let n = retry(|| unsafe {
            sys::getdents64(dir.raw(), buf.as_mut_ptr().cast(), size_of_val(&buf))
        })?;
        if n == 0 {
            return Ok(());
        }
        // SAFETY: the kernel initialised the first `n` bytes.
        let used = unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) };
        for name in crate::fs::dirents(used) {
            // The name in decimal; "." and ".." are not numbers.
            let fd = name.iter().try_fold(0 as RawFd, |n, &c| {
                let d = c.wrapping_sub(b'0');
                (d <= 9).then(|| n.checked_mul(10)?.checked_add(RawFd::from(d)))?
            });
            if let Some(fd) = fd.filter(|&fd| fd > 2 && fd != dir.raw()) {
                set_cloexec(fd);
            }
        }
    }
}

/// Reads both pipes to EOF into `out`'s stdout and stderr, whichever has data
/// first, so a child that fills one pipe while we wait on the other can not
/// deadlock. Each read goes straight into the buffer's spare room. A pipe at EOF is
/// polled as -1 from then on, which ppoll skips (the caller closes it).
fn collect(stdout: RawFd, stderr: RawFd, out: &mut Output) -> Result<()> {
    let poll = |fd| uapi::pollfd {
        fd,
        events: uapi::POLLIN as i16,
        revents: 0,
    };
    let mut polls = [poll(stdout), poll(stderr)];
    while polls.iter().any(|p| p.fd >= 0) {
        retry(|| sys::ppoll(&mut polls, None))?;
        for (p, buf) in polls.iter_mut().zip([&mut out.stdout, &mut out.stderr]) {
            if p.revents != 0 && io::read_some(p.fd, buf)? == 0 {
                p.fd = -1;
            }
        }
    }
    Ok(())
}

/// Ends the process with `code` (`exit_group`: every thread).
pub fn exit(code: i32) -> ! {
    sys::exit_group(code)
}

/// This process's id.
pub fn pid() -> i32 {
    sys::getpid()
}
