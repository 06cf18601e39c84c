//! Interrupted system calls: read, write, file_copy, dir_list and process_run while a
//! 1 kHz SIGALRM (handler installed with our rt_sigaction, without SA_RESTART)
//! interrupts them. Results must be identical to a quiet run.
//!
//! No libtest harness: SIGALRM goes to any thread that does not block it, so this
//! runs in the main thread with every helper thread blocking SIGALRM.

use ffi_syscalls::sys::{self, uapi};
use ffi_syscalls::{fs, io, process};
use std::sync::atomic::{AtomicUsize, Ordering};

static ALARMS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_alarm(_: i32) {
    ALARMS.fetch_add(1, Ordering::Relaxed);
}

fn timer(interval_us: i64) {
    let t = uapi::timeval {
        tv_sec: 0,
        tv_usec: interval_us as _,
    };
    let it = uapi::itimerval {
        it_interval: t,
        it_value: t,
    };
    sys::setitimer(uapi::ITIMER_REAL, &it, None).unwrap();
}

/// Helper threads must not take the signal: spawn them with SIGALRM blocked.
fn helper<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> std::thread::JoinHandle<T> {
    let block = uapi::kernel_sigset_t {
        sig: [1 << (uapi::SIGALRM - 1)],
    };
    let mut old = uapi::kernel_sigset_t { sig: [0] };
    sys::rt_sigprocmask(uapi::SIG_BLOCK, Some(&block), Some(&mut old)).unwrap();
    let h = std::thread::spawn(f);
    sys::rt_sigprocmask(uapi::SIG_SETMASK, Some(&old), None).unwrap();
    h
}

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

/// Reads a pipe fed slowly by a helper: the reader blocks and is interrupted.
fn read_pipe() -> Vec<u8> {
    let [r, w] = sys::pipe2(uapi::O_CLOEXEC).unwrap();
    let feeder = helper(move || {
        for chunk in pattern(2 << 20).chunks(64 << 10) {
            std::thread::sleep(std::time::Duration::from_millis(2));
            io::write_all(w, chunk).unwrap();
        }
        sys::close(w).unwrap();
    });
    let mut out = Vec::new();
    io::read_to_end(r, &mut out, 0).unwrap();
    feeder.join().unwrap();
    sys::close(r).unwrap();
    out
}

/// Writes 4 MiB into a pipe a helper drains slowly: the writer blocks when the pipe
/// is full and is interrupted; nothing may be lost or doubled.
fn write_pipe() -> Vec<u8> {
    let [r, w] = sys::pipe2(uapi::O_CLOEXEC).unwrap();
    let drain = helper(move || {
        let mut got = Vec::new();
        let mut buf = vec![0u8; 16 << 10];
        loop {
            std::thread::sleep(std::time::Duration::from_micros(300));
            let n = unsafe { libc::read(r, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                break;
            }
            got.extend_from_slice(&buf[..n as usize]);
        }
        got
    });
    io::write_all(w, &pattern(4 << 20)).unwrap();
    sys::close(w).unwrap();
    let got = drain.join().unwrap();
    sys::close(r).unwrap();
    got
}

struct Results {
    read: Vec<u8>,
    write: Vec<u8>,
    copy: (Vec<u8>, Vec<u8>),
    list: Vec<Vec<u8>>,
    runs: Vec<process::Output>,
}

fn everything(dir: &std::path::Path, tag: &str) -> Results {
    let b = |p: std::path::PathBuf| p.as_os_str().as_encoded_bytes().to_vec();
    let (src, dst, proc_dst) = (
        b(dir.join("src")),
        b(dir.join(format!("dst-{tag}"))),
        b(dir.join(format!("proc-{tag}"))),
    );
    fs::copy(&src, &dst).unwrap();
    fs::copy(b"/proc/self/mounts", &proc_dst).unwrap();
    let mut list: Vec<Vec<u8>> = fs::dir_list(&b(dir.join("many")))
        .unwrap()
        .iter()
        .map(<[u8]>::to_vec)
        .collect();
    list.sort();
    let sh = |script: &str| process::run(b"sh", &[b"-c", script.as_bytes()]).unwrap();
    let runs = vec![
        sh("sleep 0.05; echo out; echo err >&2; exit 3"),
        sh("head -c 3000000 /dev/zero; sleep 0.02; head -c 1000000 /dev/zero >&2"),
        process::run(b"true", &[]).unwrap(),
    ];
    Results {
        read: read_pipe(),
        write: write_pipe(),
        copy: (fs::read(&dst).unwrap(), fs::read(&proc_dst).unwrap()),
        list,
        runs,
    }
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("src"), pattern(8 << 20)).unwrap();
    std::fs::create_dir(dir.path().join("many")).unwrap();
    for i in 0..3000 {
        std::fs::write(dir.path().join("many").join(format!("e{i}")), "").unwrap();
    }
    let quiet = everything(dir.path(), "quiet");

    unsafe { sys::set_signal_handler(uapi::SIGALRM, on_alarm, 0) }.unwrap();
    // Under valgrind every signal costs a thousand times more: 100 Hz there.
    let valgrind = std::env::var_os("FFI_SYSCALLS_UNDER_VALGRIND").is_some();
    timer(if valgrind { 10_000 } else { 1000 });
    let loud = everything(dir.path(), "loud");
    timer(0);
    let alarms = ALARMS.load(Ordering::Relaxed);

    let mut passed = 0;
    let mut failed = 0;
    let mut check = |name: &str, ok: bool| {
        println!(
            "test {name} under SIGALRM ... {}",
            if ok { "ok" } else { "FAILED" }
        );
        if ok { passed += 1 } else { failed += 1 }
    };
    check(
        "read",
        loud.read == quiet.read && quiet.read == pattern(2 << 20),
    );
    check(
        "write",
        loud.write == quiet.write && quiet.write == pattern(4 << 20),
    );
    check(
        "file_copy",
        loud.copy.0 == quiet.copy.0
            && loud.copy.0 == pattern(8 << 20)
            && loud.copy.1 == quiet.copy.1,
    );
    check(
        "dir_list",
        loud.list == quiet.list && loud.list.len() == 3000,
    );
    check(
        "process_run",
        loud.runs == quiet.runs
            && quiet.runs[0].code == 3
            && quiet.runs[1].stdout.len() == 3_000_000,
    );
    // The timer must really have been interrupting: at 1 kHz over the run above.
    check("alarms delivered", alarms > if valgrind { 5 } else { 50 });
    println!("({alarms} SIGALRM delivered)");
    println!(
        "\ntest result: {}. {passed} passed; {failed} failed; 0 ignored; 0 measured; 0 filtered out\n",
        if failed == 0 { "ok" } else { "FAILED" }
    );
    if failed > 0 {
        std::process::exit(101);
    }
}
