//! `cargo bench --bench compare`: this crate beside libc, std, rustix, `syscalls` and
//! `sc` on the same operations, run side by side in one process. Each contender is
//! timed in rounds, interleaved with the others so drift hits all alike; the table
//! gives the median time per operation and the ratio this crate ÷ that contender.
//!
//! `BENCH_QUICK=1` shrinks the files and rounds (a smoke run, not for figures);
//! `BENCH_ONLY=TEXT` runs only the operations whose name contains TEXT (`A,B`: A or B).

use ffi_syscalls::exports::rt;
use ffi_syscalls::sys::uapi;
use ffi_syscalls::value::{self, RuntimeValue as V, abi};
use ffi_syscalls::{fs, process, sys, time};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

type Contender<'a> = (&'a str, Box<dyn FnMut() + 'a>);

/// Median nanoseconds per call of each contender: `rounds` rounds of `iters` calls,
/// contenders interleaved within each round; `settle` runs, untimed, before each
/// contender's turn.
fn measure(
    rounds: usize,
    iters: usize,
    settle: &dyn Fn(),
    contenders: &mut [Contender<'_>],
) -> Vec<f64> {
    let mut samples = vec![Vec::with_capacity(rounds); contenders.len()];
    for (_, f) in contenders.iter_mut() {
        f(); // warm-up: caches, lazy resolution (vDSO), page faults
    }
    let n = contenders.len();
    for round in 0..rounds {
        // Round r starts at contender r % n, and every other pass of n rounds runs
        // backwards: over 2n rounds each contender runs in each position, and right
        // after each other one, equally often, so none always inherits one
        // neighbour's writeback or cache state. (Plain forward-then-reverse rounds
        // keep the middle one of three in the middle every time.)
        let (first, backwards) = (round % n, (round / n) % 2 == 1);
        for k in 0..n {
            let i = if backwards {
                (first + n - k) % n
            } else {
                (first + k) % n
            };
            let f = &mut contenders[i].1;
            settle();
            let start = Instant::now();
            for _ in 0..iters {
                f();
            }
            samples[i].push(start.elapsed().as_nanos() as f64 / iters as f64);
        }
    }
    samples
        .into_iter()
        .map(|mut s| {
            s.sort_by(f64::total_cmp);
            s[s.len() / 2]
        })
        .collect()
}

/// Before each timed copy: the destinations removed and every dirty page written
/// back (`sync`), so that each copy makes a new file and none pays for an earlier
/// one's writeback or for freeing the blocks of the file it replaces. (Without
/// this, two runs of the same std::fs::copy differed by up to 1.5x, by which
/// destination file they wrote.)
fn fresh_destinations(paths: &[&Path]) {
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
    // SAFETY: no arguments.
    unsafe { libc::sync() };
}

struct Table {
    rows: Vec<String>,
}

impl Table {
    fn add(&mut self, op: &str, rounds: usize, iters: usize, contenders: Vec<Contender<'_>>) {
        self.add_settled(op, rounds, iters, &|| {}, contenders);
    }

    /// As [`Table::add`], with `settle` run untimed before each contender's turn.
    fn add_settled(
        &mut self,
        op: &str,
        rounds: usize,
        iters: usize,
        settle: &dyn Fn(),
        mut contenders: Vec<Contender<'_>>,
    ) {
        let wanted = |only: String| only.split(',').any(|o| op.contains(o));
        if std::env::var("BENCH_ONLY").is_ok_and(|only| !wanted(only)) {
            return;
        }
        let medians = measure(rounds, iters, settle, &mut contenders);
        let ours = medians[0];
        for ((name, _), m) in contenders.iter().zip(&medians) {
            let ratio = if name.starts_with("ffi_syscalls") {
                "—".to_string()
            } else {
                format!("{:.2}", ours / m)
            };
            let row = format!("| {op} | {name} | {} | {ratio} |", human(*m));
            println!("{row}");
            self.rows.push(row);
        }
    }
}

fn human(ns: f64) -> String {
    match ns {
        n if n < 1e3 => format!("{n:.1} ns"),
        n if n < 1e6 => format!("{:.2} µs", n / 1e3),
        n => format!("{:.2} ms", n / 1e6),
    }
}

fn raw_monotonic_sc() -> (i64, i64) {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    unsafe {
        sc::syscall!(
            CLOCK_GETTIME,
            libc::CLOCK_MONOTONIC,
            &mut ts as *mut libc::timespec
        )
    };
    (ts.tv_sec, ts.tv_nsec)
}

/// Compiles a tiny C program (glibc, dynamic: what a C runtime starts with) and a
/// Rust std program, both exiting at once like `minimal` does.
fn startup_programs(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let c_src = dir.join("exit.c");
    std::fs::write(&c_src, "int main(void) { return 42; }\n").ok()?;
    let c_exe = dir.join("exit-c");
    let ok = Command::new("cc")
        .args(["-O2", "-o"])
        .arg(&c_exe)
        .arg(&c_src)
        .status()
        .ok()?
        .success();
    let rs_src = dir.join("exit.rs");
    std::fs::write(&rs_src, "fn main() { std::process::exit(42) }\n").ok()?;
    let rs_exe = dir.join("exit-rs");
    let ok2 = Command::new("rustc")
        .args(["-O", "-o"])
        .arg(&rs_exe)
        .arg(&rs_src)
        .status()
        .ok()?
        .success();
    (ok && ok2).then_some((c_exe, rs_exe))
}

fn path_arg(p: &Path) -> (*const u8, u64) {
    let b = p.as_os_str().as_encoded_bytes();
    (b.as_ptr(), b.len() as u64)
}

/// The runtime's rt_file_read_text: read to EOF, strict UTF-8, every `\r` removed, a
/// String whose hash is its length.
fn runtime_read_text(p: &Path) -> V {
    let Ok(mut text) = std::fs::read_to_string(p) else {
        return V::NIL;
    };
    if text.contains('\r') {
        text = text.replace('\r', "");
    }
    unsafe { abi::rt_string_new_with_len_hash(text.as_ptr(), text.len() as u64) }
}

/// The runtime's rt_dir_list: read_dir, UTF-8 names pushed as Strings.
fn runtime_dir_list(p: &Path) -> V {
    let Ok(dir) = std::fs::read_dir(p) else {
        return V::NIL;
    };
    let a = unsafe { abi::rt_array_new(0) };
    for e in dir.flatten() {
        if let Some(n) = e.file_name().to_str() {
            unsafe { abi::rt_array_push(a, abi::rt_string_new(n.as_ptr(), n.len() as u64)) };
        }
    }
    a
}

/// The runtime's rt_process_run: std's Command in its own process group, stdin from
/// /dev/null, output decoded lossily into a Tuple.
fn runtime_process_run(cmd: &str) -> V {
    use std::os::unix::process::CommandExt;
    let mut c = Command::new(cmd);
    c.env_remove("_SIMPLE_STACK_SET")
        .stdin(std::process::Stdio::null());
    unsafe {
        c.pre_exec(|| {
            (libc::setpgid(0, 0) == 0)
                .then_some(())
                .ok_or_else(std::io::Error::last_os_error)
        })
    };
    let out = c.output().unwrap();
    let s = |b: &[u8]| {
        let t = String::from_utf8_lossy(b);
        unsafe { abi::rt_string_new(t.as_ptr(), t.len() as u64) }
    };
    unsafe {
        let t = abi::rt_tuple_new(3);
        abi::rt_tuple_set(t, 0, s(&out.stdout));
        abi::rt_tuple_set(t, 1, s(&out.stderr));
        abi::rt_tuple_set(t, 2, V::int(out.status.code().map_or(-1, i64::from)));
        t
    }
}

fn rt_benches(
    t: &mut Table,
    dir: &Path,
    text: &Path,
    many: &Path,
    quick: bool,
    big_rounds: usize,
    spawn_rounds: usize,
) {
    let mib = std::fs::metadata(text).unwrap().len() >> 20;
    let (tp, tl) = path_arg(text);
    t.add(
        &format!("rt_file_read_text {mib} MiB"),
        big_rounds,
        1,
        vec![
            (
                "ffi_syscalls rt_file_read_text",
                Box::new(|| value::release(black_box(unsafe { rt::rt_file_read_text(tp, tl) }))),
            ),
            (
                "runtime's std version",
                Box::new(|| value::release(black_box(runtime_read_text(text)))),
            ),
            (
                "std fs::read_to_string",
                Box::new(|| {
                    black_box(std::fs::read_to_string(text).unwrap());
                }),
            ),
        ],
    );
    let (mp, ml) = path_arg(many);
    let many_c = std::ffi::CString::new(many.as_os_str().as_encoded_bytes()).unwrap();
    t.add(
        "rt_dir_list 10 000 entries",
        21,
        5,
        vec![
            (
                "ffi_syscalls rt_dir_list",
                Box::new(|| value::release(black_box(unsafe { rt::rt_dir_list(mp, ml) }))),
            ),
            (
                "runtime's std version",
                Box::new(|| value::release(black_box(runtime_dir_list(many)))),
            ),
            (
                "getdents64 alone, no names kept (the kernel's floor)",
                Box::new(|| {
                    let fd = unsafe {
                        libc::open(
                            many_c.as_ptr(),
                            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
                        )
                    };
                    let mut buf = vec![0u8; 64 << 10];
                    while unsafe {
                        libc::syscall(libc::SYS_getdents64, fd, buf.as_mut_ptr(), buf.len())
                    } > 0
                    {}
                    unsafe { libc::close(fd) };
                    black_box(&buf);
                }),
            ),
            (
                "std fs::read_dir (names collected)",
                Box::new(|| {
                    let names: Vec<_> = std::fs::read_dir(many)
                        .unwrap()
                        .map(|e| e.unwrap().file_name())
                        .collect();
                    black_box(names);
                }),
            ),
        ],
    );
    let copy_mib = if quick { 8 } else { 256 };
    let src = dir.join("rt-copy-src");
    std::fs::write(&src, vec![0x5a; copy_mib << 20]).unwrap();
    let (dst_ours, dst_rt, dst_std) = (
        dir.join("rt-copy-ours"),
        dir.join("rt-copy-rt"),
        dir.join("rt-copy-std"),
    );
    let ((sp, sl), (dp, dl)) = (path_arg(&src), path_arg(&dst_ours));
    t.add_settled(
        &format!("rt_file_copy {copy_mib} MiB"),
        if quick { 3 } else { 12 },
        1,
        &|| fresh_destinations(&[&dst_ours, &dst_rt, &dst_std]),
        vec![
            (
                "ffi_syscalls rt_file_copy",
                Box::new(|| assert!(unsafe { rt::rt_file_copy(sp, sl, dp, dl) })),
            ),
            (
                "runtime's std version (std::fs::copy)",
                Box::new(|| assert!(std::fs::copy(&src, &dst_rt).is_ok())),
            ),
            (
                "std fs::copy",
                Box::new(|| {
                    black_box(std::fs::copy(&src, &dst_std).unwrap());
                }),
            ),
        ],
    );
    drop(std::fs::remove_file(&src));
    let none = value::string_array(std::iter::empty()).unwrap();
    t.add(
        "rt_process_run `true`",
        spawn_rounds,
        20,
        vec![
            (
                "ffi_syscalls rt_process_run",
                Box::new(|| {
                    value::release(black_box(unsafe {
                        rt::rt_process_run(b"true".as_ptr(), 4, none)
                    }))
                }),
            ),
            (
                "runtime's std version",
                Box::new(|| value::release(black_box(runtime_process_run("true")))),
            ),
            (
                "std Command::output",
                Box::new(|| {
                    black_box(
                        Command::new("true")
                            .stdin(std::process::Stdio::null())
                            .output()
                            .unwrap(),
                    );
                }),
            ),
        ],
    );
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let (big_rounds, mib) = if quick { (3, 4) } else { (11, 64) };
    let dir = tempfile::tempdir_in(
        std::env::var_os("BENCH_DIR").map_or_else(std::env::temp_dir, PathBuf::from),
    )
    .unwrap();
    let mut t = Table { rows: Vec::new() };
    println!("| operation | implementation | median | ratio (ffi_syscalls ÷ this) |");
    println!("|---|---|---|---|");

    t.add(
        "getpid",
        31,
        100_000,
        vec![
            (
                "ffi_syscalls sys::getpid",
                Box::new(|| {
                    black_box(sys::getpid());
                }),
            ),
            (
                "rustix",
                Box::new(|| {
                    black_box(rustix::process::getpid());
                }),
            ),
            (
                "libc",
                Box::new(|| {
                    black_box(unsafe { libc::getpid() });
                }),
            ),
            (
                "syscalls",
                Box::new(|| {
                    black_box(unsafe { syscalls::syscall0(syscalls::Sysno::getpid) }.ok());
                }),
            ),
            (
                "sc",
                Box::new(|| {
                    black_box(unsafe { sc::syscall!(GETPID) });
                }),
            ),
            (
                "std process::id",
                Box::new(|| {
                    black_box(std::process::id());
                }),
            ),
        ],
    );

    let mono = uapi::CLOCK_MONOTONIC;
    t.add(
        "clock_gettime(MONOTONIC)",
        31,
        200_000,
        vec![
            (
                "ffi_syscalls time::clock_gettime (vDSO)",
                Box::new(move || {
                    black_box(time::clock_gettime(mono).ok());
                }),
            ),
            (
                "rustix",
                Box::new(|| {
                    black_box(rustix::time::clock_gettime(
                        rustix::time::ClockId::Monotonic,
                    ));
                }),
            ),
            (
                "libc",
                Box::new(|| {
                    let mut ts = libc::timespec {
                        tv_sec: 0,
                        tv_nsec: 0,
                    };
                    black_box(unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) });
                }),
            ),
            (
                "std Instant::now",
                Box::new(|| {
                    black_box(Instant::now());
                }),
            ),
            (
                "sc raw syscall",
                Box::new(|| {
                    black_box(raw_monotonic_sc());
                }),
            ),
            (
                "syscalls raw syscall",
                Box::new(|| {
                    let mut ts = libc::timespec {
                        tv_sec: 0,
                        tv_nsec: 0,
                    };
                    black_box(
                        unsafe {
                            syscalls::syscall2(
                                syscalls::Sysno::clock_gettime,
                                libc::CLOCK_MONOTONIC as usize,
                                &mut ts as *mut _ as usize,
                            )
                        }
                        .ok(),
                    );
                }),
            ),
        ],
    );

    t.add(
        "rt_time_now_nanos",
        31,
        200_000,
        vec![
            (
                "ffi_syscalls rt_time_now_nanos (vDSO)",
                Box::new(|| {
                    black_box(rt::rt_time_now_nanos());
                }),
            ),
            (
                "rustix clock_gettime",
                Box::new(|| {
                    let ts = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
                    black_box(ts.tv_sec * 1_000_000_000 + ts.tv_nsec);
                }),
            ),
            (
                "libc clock_gettime",
                Box::new(|| {
                    let mut ts = libc::timespec {
                        tv_sec: 0,
                        tv_nsec: 0,
                    };
                    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
                    black_box(ts.tv_sec * 1_000_000_000 + ts.tv_nsec);
                }),
            ),
        ],
    );

    let mut rand_buf = [0u8; 16];
    let rand_buf = std::cell::RefCell::new(&mut rand_buf);
    t.add(
        "getrandom 16 B",
        31,
        100_000,
        vec![
            (
                "ffi_syscalls random::fill (vDSO)",
                Box::new(|| {
                    black_box(ffi_syscalls::random::fill(&mut rand_buf.borrow_mut()[..], 0).ok());
                }),
            ),
            (
                "libc getrandom",
                Box::new(|| {
                    let mut b = rand_buf.borrow_mut();
                    black_box(unsafe { libc::getrandom(b.as_mut_ptr().cast(), 16, 0) });
                }),
            ),
            (
                "syscalls raw syscall",
                Box::new(|| {
                    let mut b = rand_buf.borrow_mut();
                    black_box(
                        unsafe {
                            syscalls::syscall3(
                                syscalls::Sysno::getrandom,
                                b.as_mut_ptr() as usize,
                                16,
                                0,
                            )
                        }
                        .ok(),
                    );
                }),
            ),
            (
                "ffi_syscalls random::fill_syscall",
                Box::new(|| {
                    black_box(
                        ffi_syscalls::random::fill_syscall(&mut rand_buf.borrow_mut()[..], 0).ok(),
                    );
                }),
            ),
        ],
    );

    let text = dir.path().join("text");
    let line = b"the quick brown fox jumps over the lazy dog 0123456789\n";
    std::fs::write(&text, line.repeat((mib << 20) / line.len())).unwrap();
    let text_b = text.as_os_str().as_encoded_bytes().to_vec();
    t.add(
        &format!("read_text {mib} MiB"),
        big_rounds,
        1,
        vec![
            (
                "ffi_syscalls fs::read_text",
                Box::new(|| {
                    black_box(fs::read_text(&text_b).unwrap());
                }),
            ),
            (
                "std fs::read_to_string",
                Box::new(|| {
                    black_box(std::fs::read_to_string(&text).unwrap());
                }),
            ),
        ],
    );

    let many = dir.path().join("many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..10_000 {
        std::fs::write(many.join(format!("entry-{i:05}")), "").unwrap();
    }
    let many_b = many.as_os_str().as_encoded_bytes().to_vec();
    t.add(
        "dir_list 10 000 entries",
        21,
        5,
        vec![
            (
                "ffi_syscalls fs::dir_list",
                Box::new(|| {
                    black_box(fs::dir_list(&many_b).unwrap());
                }),
            ),
            (
                "std fs::read_dir (names collected)",
                Box::new(|| {
                    let names: Vec<_> = std::fs::read_dir(&many)
                        .unwrap()
                        .map(|e| e.unwrap().file_name())
                        .collect();
                    black_box(names);
                }),
            ),
            (
                "rustix fs::Dir (names collected)",
                Box::new(|| {
                    let fd = rustix::fs::open(
                        &many,
                        rustix::fs::OFlags::RDONLY
                            | rustix::fs::OFlags::DIRECTORY
                            | rustix::fs::OFlags::CLOEXEC,
                        rustix::fs::Mode::empty(),
                    )
                    .unwrap();
                    let names: Vec<_> = rustix::fs::Dir::read_from(&fd)
                        .unwrap()
                        .map(|e| e.unwrap().file_name().to_bytes().to_vec())
                        .collect();
                    black_box(names);
                }),
            ),
        ],
    );

    let copy_mib = if quick { 8 } else { 256 };
    let src = dir.path().join("copy-src");
    std::fs::write(&src, vec![0x5a; copy_mib << 20]).unwrap();
    let (dst_ours, dst_std) = (dir.path().join("copy-ours"), dir.path().join("copy-std"));
    let (src_b, dst_b) = (
        src.as_os_str().as_encoded_bytes().to_vec(),
        dst_ours.as_os_str().as_encoded_bytes().to_vec(),
    );
    t.add_settled(
        &format!("file_copy {copy_mib} MiB"),
        if quick { 3 } else { 12 },
        1,
        &|| fresh_destinations(&[&dst_ours, &dst_std]),
        vec![
            (
                "ffi_syscalls fs::copy",
                Box::new(|| {
                    black_box(fs::copy(&src_b, &dst_b).unwrap());
                }),
            ),
            (
                "std fs::copy",
                Box::new(|| {
                    black_box(std::fs::copy(&src, &dst_std).unwrap());
                }),
            ),
        ],
    );
    drop(std::fs::remove_file(&src));

    let spawn_rounds = if quick { 3 } else { 15 };
    let spawn = |label: &str, t: &mut Table| {
        t.add(
            label,
            spawn_rounds,
            20,
            vec![
                (
                    "ffi_syscalls process::run",
                    Box::new(|| {
                        black_box(process::run(b"true", &[]).unwrap());
                    }),
                ),
                (
                    "std Command::output",
                    Box::new(|| {
                        black_box(Command::new("true").output().unwrap());
                    }),
                ),
            ],
        );
    };
    spawn("process_run `true`, small parent", &mut t);
    let resident_mib = if quick { 64 } else { 1024 };
    let mut ballast = vec![0u8; resident_mib << 20];
    for page in ballast.chunks_mut(4096) {
        page[0] = 1; // make every page resident
    }
    spawn(
        &format!("process_run `true`, parent with {resident_mib} MiB resident"),
        &mut t,
    );
    black_box(&ballast);
    drop(ballast);

    // Through the rt_* ABI the runtime calls, values made by the value ABI (here the
    // crate's standalone-values), beside the runtime's own std version of the same
    // function (modelled: what its source does) and plain std.
    rt_benches(
        &mut t,
        dir.path(),
        &text,
        &many,
        quick,
        big_rounds,
        spawn_rounds,
    );

    let build = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/build-bootstrap"))
        .arg(format!("{}-unknown-linux-gnu", std::env::consts::ARCH))
        .output();
    let programs = startup_programs(dir.path());
    match (build, programs) {
        (Ok(b), Some((c_exe, rs_exe))) if b.status.success() => {
            let bin_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(
                String::from_utf8_lossy(&b.stdout)
                    .lines()
                    .last()
                    .unwrap_or(""),
            );
            let minimal = bin_dir.join("minimal");
            let bootstrap = bin_dir.join("bootstrap");
            let run = |p: PathBuf| {
                move || {
                    black_box(Command::new(&p).status().unwrap());
                }
            };
            t.add(
                "startup: exec to exit",
                spawn_rounds,
                20,
                vec![
                    (
                        "ffi_syscalls minimal (no libc, static)",
                        Box::new(run(minimal)),
                    ),
                    ("C on glibc (dynamic)", Box::new(run(c_exe))),
                    ("Rust std", Box::new(run(rs_exe))),
                ],
            );
            let pid = |p: PathBuf| {
                move || {
                    black_box(
                        Command::new(&p)
                            .arg("pid")
                            .stdout(std::process::Stdio::null())
                            .status()
                            .unwrap(),
                    );
                }
            };
            t.add(
                "startup: `bootstrap pid` (a real command)",
                spawn_rounds,
                20,
                vec![
                    ("ffi_syscalls bootstrap pid", Box::new(pid(bootstrap))),
                    (
                        "C on glibc (exits at once)",
                        Box::new(run(dir.path().join("exit-c"))),
                    ),
                ],
            );
        }
        _ => println!("| startup | (skipped: could not build the programs) | | |"),
    }
    println!();
    println!(
        "{} rows; machine: {} CPUs, {}",
        t.rows.len(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::env::consts::ARCH
    );
}
