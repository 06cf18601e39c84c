//! 10 000 calls of every exported function, successes and failures: the open
//! descriptor count and this thread's live heap bytes are the same before and after.

mod common;

use common::{Tree, bytes, open_fds, serial};
use ffi_syscalls::exports::c::*;
#[cfg(feature = "standalone-values")]
use ffi_syscalls::value::{self, RuntimeValue as V};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ffi::{CString, c_char};
use std::ptr::null_mut;

/// The system allocator, counting live bytes per thread (so other test threads and
/// the harness do not disturb the count of the thread under test).
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.with(|c| c.set(c.get() + l.size() as isize));
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.with(|c| c.set(c.get() - l.size() as isize));
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.with(|c| c.set(c.get() + new as isize - l.size() as isize));
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> isize {
    LIVE.with(Cell::get)
}

/// 10 000 on x86_64, 1 000 on aarch64 and riscv64 (where the suite runs under
/// qemu-user, each call ~50 times slower: 7.5 minutes a target at 10 000), or
/// FFI_SYSCALLS_LEAK_ITERATIONS (scripts/valgrind lowers it: valgrind counts leaks
/// itself). A leak shows as a difference before and after whatever the count.
static N: std::sync::LazyLock<usize> = std::sync::LazyLock::new(|| {
    let default = if cfg!(target_arch = "x86_64") {
        10_000
    } else {
        1_000
    };
    std::env::var("FFI_SYSCALLS_LEAK_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
});

/// Runs `f` once to warm up (lazy statics such as the captured environment), then N
/// times, and checks nothing was left behind.
fn no_leak(what: &str, mut f: impl FnMut()) {
    f();
    let (fds, bytes) = (open_fds(), live());
    for _ in 0..*N {
        f();
    }
    assert_eq!(open_fds(), fds, "{what}: descriptors");
    assert_eq!(live(), bytes, "{what}: live heap bytes");
}

fn free_c(p: *mut c_char) {
    unsafe { syscall_free(p) }
}

#[test]
fn c_abi_functions_leak_nothing() {
    let _s = serial(); // the descriptor count is process-wide
    let t = Tree::small();
    let c = |n: &str| CString::new(bytes(&t.p(n))).unwrap();
    let paths: Vec<CString> = t
        .cases()
        .iter()
        .map(|p| CString::new(bytes(p)).unwrap())
        .collect();
    no_leak("read", || {
        paths
            .iter()
            .for_each(|p| free_c(unsafe { syscall_file_read(p.as_ptr(), null_mut()) }))
    });
    no_leak("mmap_read", || {
        paths
            .iter()
            .for_each(|p| free_c(unsafe { syscall_file_mmap_read(p.as_ptr(), null_mut()) }))
    });
    no_leak("exists/size/mtime", || {
        for p in &paths {
            let mut s = 0;
            unsafe { syscall_file_exists(p.as_ptr()) };
            unsafe { syscall_file_size(p.as_ptr()) };
            unsafe { syscall_file_modified_time(p.as_ptr(), &mut s) };
        }
    });
    no_leak("dir_list", || {
        paths
            .iter()
            .for_each(|p| free_c(unsafe { syscall_dir_list(p.as_ptr(), null_mut()) }.cast()))
    });
    let (w, bad) = (c("w"), c("missing/w"));
    no_leak("write/append/delete", || unsafe {
        syscall_file_write(w.as_ptr(), b"x".as_ptr(), 1);
        syscall_file_append(w.as_ptr(), b"y".as_ptr(), 1);
        syscall_file_write(bad.as_ptr(), b"x".as_ptr(), 1);
        syscall_file_delete(w.as_ptr());
        syscall_file_delete(w.as_ptr());
    });
    let (src, dst) = (c("text"), c("copy"));
    no_leak("copy", || unsafe {
        syscall_file_copy(src.as_ptr(), dst.as_ptr());
        syscall_file_copy(c"/proc/version".as_ptr(), dst.as_ptr());
        syscall_file_copy(bad.as_ptr(), dst.as_ptr());
    });
    let (d, dd) = (c("d"), c("d/e/f"));
    no_leak("dir_create", || unsafe {
        syscall_dir_create(dd.as_ptr(), 1);
        syscall_dir_create(d.as_ptr(), 0);
        syscall_dir_create(bad.as_ptr(), 0);
    });
    let lock = c("lock");
    no_leak("lock", || unsafe {
        let h = syscall_file_lock(lock.as_ptr());
        syscall_file_lock(lock.as_ptr());
        syscall_file_unlock(h);
        syscall_file_unlock(h);
        syscall_file_lock(bad.as_ptr());
    });
    no_leak("env", || unsafe {
        free_c(syscall_env_cwd());
        free_c(syscall_env_home());
        free_c(syscall_env_get(c"PATH".as_ptr()));
        free_c(syscall_env_get(c"UNSET_X".as_ptr()));
        free_c(syscall_env_get(c"A=B".as_ptr()));
        syscall_env_set(c"LEAK_VAR".as_ptr(), c"value".as_ptr());
        syscall_env_set(c"=".as_ptr(), c"value".as_ptr());
        free_c(syscall_args(null_mut()).cast());
    });
    no_leak("system", || {
        syscall_getpid();
        syscall_system_cpu_count();
        free_c(syscall_hostname());
        syscall_time_now_unix_micros();
        unsafe { syscall_write_all(-1, b"x".as_ptr(), 1) };
    });
}

#[test]
fn process_run_leaks_nothing() {
    let _s = serial();
    let args = [
        c"-c".as_ptr(),
        c"echo out; echo err >&2; exit 3".as_ptr(),
        std::ptr::null(),
    ];
    let run = |cmd: &std::ffi::CStr, args: *const *const c_char| unsafe {
        let mut out = SyscallOutput {
            stdout_data: null_mut(),
            stdout_len: 0,
            stderr_data: null_mut(),
            stderr_len: 0,
            exit_code: 0,
        };
        syscall_process_run(cmd.as_ptr(), args, &mut out);
        free_c(out.stdout_data);
        free_c(out.stderr_data);
    };
    run(c"sh", args.as_ptr());
    let (fds, bytes) = (open_fds(), live());
    for i in 0..*N {
        // Every call fails or succeeds the same way; a shell now and then for output.
        if i % 100 == 0 {
            run(c"sh", args.as_ptr());
        }
        run(c"true", std::ptr::null());
        run(c"no-such-command-x", std::ptr::null());
    }
    assert_eq!((open_fds(), live()), (fds, bytes));
}

/// What an rt_* function returns, released (a value is freed; `bool` and `i64` need
/// nothing).
#[cfg(feature = "standalone-values")]
trait Release {
    fn release(self);
}
#[cfg(feature = "standalone-values")]
impl Release for V {
    fn release(self) {
        value::release(self)
    }
}
#[cfg(feature = "standalone-values")]
impl Release for bool {
    fn release(self) {}
}
#[cfg(feature = "standalone-values")]
impl Release for i64 {
    fn release(self) {}
}

#[cfg(all(feature = "standalone", feature = "standalone-values"))]
#[test]
fn rt_functions_leak_nothing() {
    let _s = serial();
    use ffi_syscalls::exports::rt::*;
    let t = Tree::small();
    let paths: Vec<Vec<u8>> = t.cases().iter().map(|p| bytes(p).to_vec()).collect();
    fn drop_v(v: impl Release) {
        v.release()
    }
    macro_rules! on_paths {
        ($f:ident) => {
            no_leak(stringify!($f), || {
                paths
                    .iter()
                    .for_each(|p| drop_v(unsafe { $f(p.as_ptr(), p.len() as u64) }))
            })
        };
    }
    on_paths!(rt_file_exists);
    on_paths!(rt_file_read_text);
    on_paths!(rt_file_size);
    on_paths!(rt_file_modified_time);
    on_paths!(rt_dir_list);
    on_paths!(rt_file_mmap_read_text);
    on_paths!(rt_file_mmap_read_bytes);
    let w = bytes(&t.p("w")).to_vec();
    let bad = bytes(&t.p("missing/w")).to_vec();
    let dst = bytes(&t.p("copy")).to_vec();
    let l = |v: &Vec<u8>| (v.as_ptr(), v.len() as u64);
    no_leak("write/append/delete/copy", || unsafe {
        for p in [&w, &bad] {
            drop_v(rt_file_write_text(l(p).0, l(p).1, b"abc".as_ptr(), 3));
            drop_v(rt_file_write_text(l(p).0, l(p).1, b"\xff".as_ptr(), 1));
            drop_v(rt_file_append_text(l(p).0, l(p).1, b"abc".as_ptr(), 3));
            drop_v(rt_file_copy(l(p).0, l(p).1, l(&dst).0, l(&dst).1));
            drop_v(rt_file_delete(l(p).0, l(p).1));
            drop_v(rt_file_remove(l(p).0, l(p).1));
        }
    });
    let d = bytes(&t.p("d/e")).to_vec();
    no_leak("dir_create/lock", || unsafe {
        drop_v(rt_dir_create(l(&d).0, l(&d).1, true));
        drop_v(rt_dir_create(l(&d).0, l(&d).1, false));
        let h = rt_file_lock(l(&w).0, l(&w).1, 0);
        drop_v(rt_file_unlock(h));
        drop_v(rt_file_unlock(h));
        drop_v(rt_file_lock(l(&bad).0, l(&bad).1, 1));
    });
    no_leak("env/system", || unsafe {
        drop_v(rt_env_cwd());
        drop_v(rt_env_home());
        drop_v(rt_env_get(b"PATH".as_ptr(), 4));
        drop_v(rt_env_get(b"A=B".as_ptr(), 3));
        drop_v(rt_env_set(b"LEAK_RT".as_ptr(), 7, b"v".as_ptr(), 1));
        drop_v(rt_env_set(b"".as_ptr(), 0, b"v".as_ptr(), 1));
        drop_v(rt_getpid());
        drop_v(rt_system_cpu_count());
        drop_v(rt_hostname());
        drop_v(rt_get_args());
        drop_v(rt_time_now_unix_micros());
    });
    // A lock held elsewhere: the timed-out attempt leaves nothing open either.
    let held = unsafe { rt_file_lock(l(&w).0, l(&w).1, 0) };
    let (fds, bytes_before) = (open_fds(), live());
    for _ in 0..3 {
        assert_eq!(unsafe { rt_file_lock(l(&w).0, l(&w).1, 1) }, -1);
    }
    assert_eq!(
        (open_fds(), live()),
        (fds, bytes_before),
        "lock held elsewhere"
    );
    drop_v(rt_file_unlock(held));
    let args =
        value::string_array([b"-c".as_slice(), b"echo hi; echo there >&2"].into_iter()).unwrap();
    let (fds, bytes_before) = (open_fds(), live());
    let none = value::string_array(std::iter::empty()).unwrap();
    for i in 0..*N {
        if i % 100 == 0 {
            drop_v(unsafe { rt_process_run(b"sh".as_ptr(), 2, args) });
        }
        drop_v(unsafe { rt_process_run(b"true".as_ptr(), 4, none) });
        drop_v(unsafe { rt_process_run(b"no-such-x".as_ptr(), 9, args) });
        drop_v(unsafe { rt_process_run(b"sh".as_ptr(), 2, V::int(4)) });
    }
    drop_v(none);
    assert_eq!((open_fds(), live()), (fds, bytes_before));
    drop_v(args);
}
