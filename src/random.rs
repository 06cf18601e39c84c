//! Random bytes from the kernel's generator: `getrandom` through the vDSO where the
//! kernel has it (Linux 6.11+ on x86_64, 6.12 on arm64, 6.16 on riscv64), which makes
//! them in user space without entering the kernel, else the system call (older
//! kernels, and qemu-user, whose own vDSO has no `getrandom`).
//!
//! The vDSO function needs an opaque state of the kernel's size, mapped with the
//! kernel's protection and flags (`MAP_DROPPABLE`: the kernel may zero it under memory
//! pressure and wipes it in a forked child, and the vDSO then reseeds it), within one
//! page, and used by one thread at a time (its own `in_use` flag only guards against a
//! signal handler on the same thread). Learned once: called as `(NULL, 0, 0, &params,
//! ~0)` it fills `struct vgetrandom_opaque_params`.
//!
//! One state per thread, without thread-local storage (none without libc or nightly
//! Rust): a fixed table of 256 words (`SLOTS`), each empty, a free state's address, or a
//! state's address with its low bit (`BUSY`) set. A caller takes a free state with one
//! compare-exchange (so no two callers ever hold the same state at once, however many
//! threads there are) and puts it back with one store. The scan starts at a slot
//! chosen from the caller's stack address: each thread has its own stack, so a thread
//! keeps finding the state it used last, and threads seldom contend for a slot. When
//! every state is taken, a new page of states is mapped (the vDSO's state is 144
//! bytes, 192 aligned: 21 to a page) and put from the grower's start slot on; while
//! another caller grows the table, when the table is full, or when a mapping fails,
//! that call uses the system call (nothing here waits, so a signal handler may call
//! in anywhere). A signal handler that calls in while its thread holds a state takes
//! another one. A child forked while another thread held a state
//! never gets that one back (that thread does not exist there): one state lost, not a
//! state shared.

use crate::Errno;
use crate::sys::{self, Result, uapi};
use crate::vdso;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How many states the table can hold: more callers at once than this use the
/// system call.
const SLOTS: usize = 256;
/// Set in a slot whose state a caller holds.
const BUSY: usize = 1;
/// States are cache-line aligned (64 bytes), so neighbours on other CPUs do not share
/// a line, and their addresses leave [`BUSY`]'s bit free.
const LINE: usize = 64;
const PAGE: usize = 4096;

#[allow(clippy::declare_interior_mutable_const)] // the initialiser of the table only
const EMPTY: AtomicUsize = AtomicUsize::new(0);
static TABLE: [AtomicUsize; SLOTS] = [EMPTY; SLOTS];
/// Set while a caller grows the table (maps a page and fills empty slots). Not a lock
/// to wait on: a caller that finds it set uses the system call for that one call, so
/// a signal handler that interrupts a growth on its own thread never waits for it.
static GROWING: AtomicBool = AtomicBool::new(false);

/// The state size the vDSO asked for (0 until learned) and whether it is usable:
/// [`NO_VDSO`] when there is no vDSO `getrandom` or its answer was unusable.
static STATE_SIZE: AtomicUsize = AtomicUsize::new(0);
/// The mmap protection and flags the vDSO asked for, as `prot | flags << 32`.
static MAP_ARGS: AtomicUsize = AtomicUsize::new(0);
const NO_VDSO: usize = usize::MAX;

/// Tests only: when set, every call uses the system call.
static FORCE_SYSCALL: AtomicBool = AtomicBool::new(false);

/// For tests of the fallback (kernels and emulators without the vDSO `getrandom`):
/// with `true`, every later call uses the system call; `false` goes back to the vDSO
/// where there is one. Process-wide; not for use outside tests and benchmarks.
#[doc(hidden)]
pub fn force_syscall(on: bool) {
    FORCE_SYSCALL.store(on, Ordering::Relaxed);
}

/// Whether calls go through the vDSO (it has `getrandom`, its parameters were usable,
/// and the fallback is not forced).
pub fn uses_vdso() -> bool {
    vdso_getrandom().is_some()
}

/// Fills `buf` with random bytes from the kernel's generator (`getrandom(buf, flags)`
/// until every byte is written; `flags` as the system call's: 0 waits until the
/// generator is seeded, `GRND_NONBLOCK` then fails with `EAGAIN`). Through the vDSO
/// where it can be, else the system call; an interrupted call is resumed.
pub fn fill(buf: &mut [u8], flags: u32) -> Result<()> {
    if buf.is_empty() {
        return Ok(());
    }
    if let Some((f, size)) = vdso_getrandom()
        && let Some(held) = take(size)
    {
        // SAFETY: the state is ours alone until `put_back`, of the vDSO's size, inside
        // one page of a mapping made with the vDSO's flags.
        let r = unsafe { fill_vdso(f, buf, flags, held.state, size) };
        put_back(held);
        return r;
    }
    fill_syscall(buf, flags)
}

/// Fills `buf` through the system call alone (short reads and EINTR resumed).
pub fn fill_syscall(buf: &mut [u8], flags: u32) -> Result<()> {
    let mut done = 0;
    while let Some(rest) = buf.get_mut(done..).filter(|r| !r.is_empty()) {
        // SAFETY: the kernel writes at most `rest.len()` bytes into `rest`.
        match unsafe { sys::getrandom(rest.as_mut_ptr(), rest.len(), flags) } {
            Ok(n) => done += n,
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Fills `buf` through the vDSO with `state`.
///
/// # Safety
/// `state` is `size` bytes the caller alone uses, as [`take`] gives them.
unsafe fn fill_vdso(
    f: vdso::Getrandom,
    buf: &mut [u8],
    flags: u32,
    state: *mut u8,
    size: usize,
) -> Result<()> {
    let mut done = 0;
    while let Some(rest) = buf.get_mut(done..).filter(|r| !r.is_empty()) {
        // SAFETY: the vDSO writes at most `rest.len()` bytes into `rest`; the state is
        // the caller's (this function's contract).
        let n = unsafe { f(rest.as_mut_ptr(), rest.len(), flags, state, size) };
        match n {
            // It caps one call at INT_MAX & PAGE_MASK bytes: a short count goes on.
            1.. => done += n as usize,
            // Its own fallback to the system call can be interrupted.
            n if n == -(Errno::EINTR.into_raw() as isize) => {}
            // Nothing written for a non-empty buffer: never looping on that.
            0 => return fill_syscall(rest, flags),
            n => return Err(Errno::new(-(n as i32))),
        }
    }
    Ok(())
}

/// The vDSO function and its state size, when it is to be used.
#[inline]
fn vdso_getrandom() -> Option<(vdso::Getrandom, usize)> {
    if FORCE_SYSCALL.load(Ordering::Relaxed) {
        return None;
    }
    let f = vdso::getrandom()?;
    let mut size = STATE_SIZE.load(Ordering::Relaxed);
    if size == 0 {
        size = learn(f);
    }
    (size != NO_VDSO).then_some((f, size))
}

/// Asks the vDSO for its state's size and mapping (`(NULL, 0, 0, &params, ~0)`) and
/// records them; gives the size, or [`NO_VDSO`] when the answer is unusable.
#[cold]
fn learn(f: vdso::Getrandom) -> usize {
    // SAFETY: plain integers; all-zero is a valid value.
    let mut params: uapi::vgetrandom_opaque_params = unsafe { core::mem::zeroed() };
    // SAFETY: this form of the call writes one `vgetrandom_opaque_params`.
    let r = unsafe {
        f(
            core::ptr::null_mut(),
            0,
            0,
            (&raw mut params).cast(),
            usize::MAX,
        )
    };
    let size = params.size_of_opaque_state as usize;
    let size = if r == 0 && size > 0 && size <= PAGE {
        let args = params.mmap_prot as usize | (params.mmap_flags as usize) << 32;
        MAP_ARGS.store(args, Ordering::Relaxed);
        size
    } else {
        NO_VDSO
    };
    // Release: a thread that sees the size sees the mapping arguments.
    STATE_SIZE.store(size, Ordering::Release);
    size
}

/// A state a caller holds: its slot and address.
struct Held {
    slot: usize,
    state: *mut u8,
}

/// A free state, taken (see the module's doc), or None when none can be had.
#[inline]
fn take(size: usize) -> Option<Held> {
    // The stack's page number picks where to start: a thread's own stack (and so
    // its slot) differs from every other thread's.
    let here = 0u8;
    let start = (&raw const here as usize / PAGE) % SLOTS;
    let slots = TABLE.iter().enumerate();
    // From `start` on, wrapping: the first state met is this thread's own as a rule
    // (`grow` puts new states from the grower's `start` on).
    for (i, slot) in slots.clone().skip(start).chain(slots.take(start)) {
        let word = slot.load(Ordering::Relaxed);
        // Acquire: the last holder's use of the state (its Release store) comes
        // before ours.
        if word != 0
            && word & BUSY == 0
            && slot
                .compare_exchange(word, word | BUSY, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        {
            return Some(Held {
                slot: i,
                state: word as *mut u8,
            });
        }
    }
    grow(size, start)
}

/// Gives a state back.
#[inline]
fn put_back(held: Held) {
    // Release: our use of the state comes before the next holder's.
    if let Some(slot) = TABLE.get(held.slot) {
        slot.store(held.state as usize, Ordering::Release);
    }
}

/// Maps one page of states, puts them in empty slots, and keeps one (taken) for the
/// caller; None when the table is full or the mapping fails.
#[cold]
#[inline(never)]
fn grow(size: usize, start: usize) -> Option<Held> {
    // Acquire: the slots the last grower filled are seen as filled.
    if GROWING.swap(true, Ordering::Acquire) {
        return None;
    }
    let held = grow_alone(size, start);
    GROWING.store(false, Ordering::Release);
    held
}

/// [`grow`] with the growing flag held.
fn grow_alone(size: usize, start: usize) -> Option<Held> {
    // Only a grower (one at a time) fills empty slots, so the empty slots seen now
    // stay empty until it fills them.
    let empty = TABLE
        .iter()
        .filter(|s| s.load(Ordering::Relaxed) == 0)
        .count();
    if empty == 0 {
        return None;
    }
    let stride = size.div_ceil(LINE) * LINE;
    // (`checked_div`: the size is never 0, but no panic path either.)
    let per_page = PAGE.checked_div(stride)?.min(empty);
    let args = MAP_ARGS.load(Ordering::Relaxed);
    // SAFETY: a new anonymous mapping, which nothing else uses.
    let page = unsafe {
        sys::mmap(
            0,
            PAGE,
            args as u32,
            (args >> 32) as u32 | uapi::MAP_ANONYMOUS,
            -1,
            0,
        )
    }
    .ok()?;
    // States at multiples of the stride from the page's start: none straddles the
    // page's end, as the vDSO requires. The first is the caller's (BUSY); the table
    // keeps them all for the life of the process.
    let mut placed = 0;
    let mut held = None;
    // From the caller's `start` on, so that its next scan meets its state first.
    let slots = TABLE.iter().enumerate();
    for (i, slot) in slots.clone().skip(start).chain(slots.take(start)) {
        if placed == per_page {
            break;
        }
        if slot.load(Ordering::Relaxed) != 0 {
            continue;
        }
        let state = page.wrapping_add(placed * stride);
        let word = state as usize | if placed == 0 { BUSY } else { 0 };
        // Release: a taker of one of these sees the mapping (zeroed memory).
        slot.store(word, Ordering::Release);
        if placed == 0 {
            held = Some(Held { slot: i, state });
        }
        placed += 1;
    }
    held
}

/// Writes `n` bytes of `bytes`, from the end of `hex` on (`hex` is `2 * n` long:
/// `bytes` are its second half), as lowercase hex over the whole of `hex`, in place:
/// byte `i` (at `n + i`) is read before digits `2i` and `2i + 1` are written, and no
/// digit lands after a byte not yet read, so nothing of the random bytes is left.
pub fn hex_in_place(hex: &mut [u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let n = hex.len() / 2;
    for i in 0..n {
        // (Checked reads and writes that never fail: no panic path.)
        let b = hex.get(n + i).copied().unwrap_or(0);
        if let Some([hi, lo]) = hex.get_mut(2 * i..2 * i + 2) {
            *hi = DIGITS[usize::from(b >> 4)];
            *lo = DIGITS[usize::from(b & 0xf)];
        }
    }
}

/// Overwrites `bytes` with zeros in a way the optimiser keeps (secrets that are no
/// longer needed, as the runtime's `zeroize` does).
pub fn wipe(bytes: &mut [u8]) {
    for b in bytes.iter_mut() {
        // SAFETY: a valid, aligned, exclusive reference.
        unsafe { core::ptr::write_volatile(b, 0) };
    }
    core::sync::atomic::compiler_fence(Ordering::SeqCst);
}
