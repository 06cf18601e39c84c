//! The runtime's bodies, their system work by the crate (hosted) against the runtime's
//! own std version, in one process: each body whole (sandbox check, caches, argument
//! checks, values through the runtime's constructors), only the system part differs.
//! Medians of interleaved rounds (the order rotates each round); ratio = the crate's
//! ÷ the std version's, beside the target.
//!
//! `cargo bench -p runtime-model --no-default-features --features hosted --bench integration`
//! `BENCH_QUICK=1` shrinks sizes and rounds (a smoke run); `BENCH_DIR` picks the
//! directory for the files (default: the temporary directory).

use runtime_model::files;
use runtime_model::hosted::HostedSystem;
use runtime_model::rt;
use runtime_model::state;
use runtime_model::system::StdSystem;
use runtime_model::value::{self, Rv};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

type Body<'a> = Box<dyn FnMut() + 'a>;

/// Median ns per call of the crate's body (`[0]`) and the std version's (`[1]`):
/// `rounds` rounds of `iters` calls, the two alternating which goes first; `settle`
/// runs untimed before each turn.
fn measure(rounds: usize, iters: usize, settle: &dyn Fn(), bodies: &mut [Body<'_>; 2]) -> [f64; 2] {
    let mut samples = [Vec::new(), Vec::new()];
    for f in bodies.iter_mut() {
        settle();
        f(); // warm-up
    }
    for round in 0..rounds {
        for k in 0..2 {
            let i = (round + k) % 2;
            settle();
            let start = Instant::now();
            for _ in 0..iters {
                (bodies[i])();
            }
            samples[i].push(start.elapsed().as_nanos() as f64 / iters as f64);
        }
    }
    samples.map(|mut s| {
        s.sort_by(f64::total_cmp);
        s[s.len() / 2]
    })
}

fn human(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}

fn row(op: &str, target: f64, m: [f64; 2]) {
    let ratio = m[0] / m[1];
    let verdict = if ratio <= target { "met" } else { "NOT met" };
    println!(
        "| {op} | {} | {} | {ratio:.3} | ≤ {target} ({verdict}) |",
        human(m[1]),
        human(m[0])
    );
}

fn arg(p: &Path) -> (*const u8, u64) {
    let b = p.as_os_str().as_encoded_bytes();
    (b.as_ptr(), b.len() as u64)
}

fn release(v: Rv) {
    value::free_deep(black_box(v));
}

/// Before each timed copy: the destination removed and every dirty page written
/// back, so each copy makes a new file and pays for no earlier one's writeback (as
/// benches/compare.rs does).
fn fresh(dst: &Path) {
    let _ = std::fs::remove_file(dst);
    // SAFETY: no arguments.
    unsafe { libc::sync() };
}

fn main() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let only = std::env::var("BENCH_ONLY").ok();
    let wanted = |op: &str| only.as_deref().is_none_or(|o| op.contains(o));
    let dir = tempfile::tempdir_in(
        std::env::var_os("BENCH_DIR").map_or_else(std::env::temp_dir, PathBuf::from),
    )
    .unwrap();
    println!("| operation | runtime's std version | hosted (crate) | ratio | target |");
    println!("|---|---|---|---|---|");

    let read_mib = if quick { 4 } else { 64 };
    let op = format!("rt_file_read_text {read_mib} MiB");
    if wanted(&op) {
        let text = dir.path().join("text");
        let line = b"the quick brown fox jumps over the lazy dog 0123456789\n";
        let body: Vec<u8> = line.iter().copied().cycle().take(read_mib << 20).collect();
        std::fs::write(&text, body).unwrap();
        let (p, l) = arg(&text);
        let m = measure(
            if quick { 3 } else { 11 },
            1,
            // The body's read cache would serve an unchanged file: drop it untimed.
            &state::invalidate_all_read_caches,
            &mut [
                Box::new(|| release(unsafe { rt::file_read_text::<HostedSystem>(p, l) })),
                Box::new(|| release(unsafe { rt::file_read_text::<StdSystem>(p, l) })),
            ],
        );
        row(&op, 0.6, m);
        drop(std::fs::remove_file(&text));
    }

    let names = if quick { 1000 } else { 10_000 };
    let op = format!("rt_dir_list {names} names");
    if wanted(&op) {
        let many = dir.path().join("many");
        std::fs::create_dir(&many).unwrap();
        for i in 0..names {
            std::fs::File::create(many.join(format!("entry-{i:05}"))).unwrap();
        }
        let (p, l) = arg(&many);
        let m = measure(
            21,
            5,
            &|| {},
            &mut [
                Box::new(|| release(unsafe { rt::dir_list::<HostedSystem>(p, l) })),
                Box::new(|| release(unsafe { rt::dir_list::<StdSystem>(p, l) })),
            ],
        );
        row(&op, 0.9, m);
        // The system part alone (no values): where the body's ratio comes from.
        let pb = many.as_os_str().as_encoded_bytes();
        let m = measure(
            21,
            5,
            &|| {},
            &mut [
                Box::new(|| {
                    black_box(ffi_syscalls::hosted::dir_list(pb).unwrap());
                }),
                Box::new(|| {
                    let names: Vec<_> = std::fs::read_dir(&many)
                        .unwrap()
                        .filter_map(|e| e.unwrap().file_name().into_string().ok())
                        .collect();
                    black_box(names);
                }),
            ],
        );
        println!(
            "| (the names alone: hosted::dir_list ÷ read_dir collecting Strings) | {} | {} | {:.3} | |",
            human(m[1]),
            human(m[0]),
            m[0] / m[1]
        );
        drop(std::fs::remove_dir_all(&many));
    }

    // A tree of 10 000 entries: 100 directories of 99 files each.
    let entries = if quick { 1000 } else { 10_000 };
    let op = format!("rt_dir_walk {entries}-entry tree");
    if wanted(&op) {
        let tree = dir.path().join("tree");
        let per = entries / 100 - 1;
        for d in 0..100 {
            let sub = tree.join(format!("dir-{d:03}"));
            std::fs::create_dir_all(&sub).unwrap();
            for i in 0..per {
                std::fs::File::create(sub.join(format!("file-{i:05}"))).unwrap();
            }
        }
        let (p, l) = arg(&tree);
        let m = measure(
            21,
            3,
            &|| {},
            &mut [
                Box::new(|| release(unsafe { files::dir_walk::<HostedSystem>(p, l) })),
                Box::new(|| release(unsafe { files::dir_walk::<StdSystem>(p, l) })),
            ],
        );
        row(&op, 0.9, m);
        drop(std::fs::remove_dir_all(&tree));
    }

    let copy_mib = if quick { 8 } else { 256 };
    let op = format!("rt_file_copy {copy_mib} MiB");
    if wanted(&op) {
        let src = dir.path().join("copy-src");
        std::fs::write(&src, vec![0x5a; copy_mib << 20]).unwrap();
        let (dst_h, dst_s) = (dir.path().join("copy-hosted"), dir.path().join("copy-std"));
        let ((sp, sl), (hp, hl), (tp, tl)) = (arg(&src), arg(&dst_h), arg(&dst_s));
        let m = measure(
            if quick { 3 } else { 12 },
            1,
            &|| {
                fresh(&dst_h);
                fresh(&dst_s);
            },
            &mut [
                Box::new(|| assert!(unsafe { rt::file_copy::<HostedSystem>(sp, sl, hp, hl) })),
                Box::new(|| assert!(unsafe { rt::file_copy::<StdSystem>(sp, sl, tp, tl) })),
            ],
        );
        row(&op, 1.0, m);
        drop(std::fs::remove_file(&src));
    }

    let resident_mib = if quick { 64 } else { 1024 };
    let op = format!("rt_process_run `true`, parent with {resident_mib} MiB resident");
    if wanted(&op) {
        // Every page touched (non-zero fill), so a fork must copy the page tables.
        let ballast = black_box(vec![1u8; resident_mib << 20]);
        let none = value::strings(&[]);
        let (c, l) = (b"true".as_ptr(), 4);
        let m = measure(
            if quick { 3 } else { 11 },
            5,
            &|| {},
            &mut [
                Box::new(|| release(unsafe { rt::process_run::<HostedSystem>(c, l, none) })),
                Box::new(|| release(unsafe { rt::process_run::<StdSystem>(c, l, none) })),
            ],
        );
        row(&op, 0.05, m);
        black_box(&ballast);
    }
}
