//! Clocks: through the vDSO when there is one, else the system call.

use crate::Errno;
use crate::sys::{self, Result, uapi};
use crate::vdso;

/// `clock_gettime(clock)`.
#[inline]
pub fn clock_gettime(clock: u32) -> Result<uapi::__kernel_timespec> {
    let mut ts = uapi::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    if let Some(f) = vdso::clock_gettime() {
        // SAFETY: the vDSO's clock_gettime writes one timespec.
        return match unsafe { f(clock as i32, &mut ts) } {
            0 => Ok(ts),
            e => Err(Errno::new(-e)),
        };
    }
    syscall_clock_gettime(clock)
}

/// The system call, out of line and marked cold: the vDSO path, taken on every call
/// where there is a vDSO, is then the straight line through [`clock_gettime`].
#[cold]
#[inline(never)]
fn syscall_clock_gettime(clock: u32) -> Result<uapi::__kernel_timespec> {
    let mut ts = uapi::__kernel_timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    sys::clock_gettime(clock, &mut ts)?;
    Ok(ts)
}

/// Microseconds since the Unix epoch (CLOCK_REALTIME), floored.
pub fn now_unix_micros() -> Result<i64> {
    let ts = clock_gettime(uapi::CLOCK_REALTIME)?;
    Ok(ts.tv_sec * 1_000_000 + ts.tv_nsec / 1_000)
}

/// Nanoseconds on CLOCK_MONOTONIC (for deadlines).
pub fn monotonic_ns() -> Result<i64> {
    let ts = clock_gettime(uapi::CLOCK_MONOTONIC)?;
    Ok(ts.tv_sec.saturating_mul(1_000_000_000) + ts.tv_nsec)
}

/// Nanoseconds on CLOCK_MONOTONIC, as the runtime's `rt_time_now_nanos` computes
/// them: `EOVERFLOW` when the clock reads negative or the count does not fit an i64
/// (the runtime's -1), never saturated.
#[inline]
pub fn now_monotonic_nanos() -> Result<i64> {
    let ts = clock_gettime(uapi::CLOCK_MONOTONIC)?;
    if ts.tv_sec < 0 {
        return Err(Errno::EOVERFLOW);
    }
    ts.tv_sec
        .checked_mul(1_000_000_000)
        .and_then(|n| n.checked_add(ts.tv_nsec))
        .ok_or(Errno::EOVERFLOW)
}

/// Sleeps `ms` milliseconds, as std's `thread::sleep`: a signal that interrupts
/// the sleep (EINTR) does not end it, the time left is slept; 0 or less returns at
/// once (the runtime's `rt_thread_sleep` sleeps only when `ms > 0`).
pub fn sleep_ms(ms: i64) {
    if ms <= 0 {
        return;
    }
    let mut req = uapi::__kernel_timespec {
        tv_sec: ms / 1_000,
        tv_nsec: ms % 1_000 * 1_000_000,
    };
    let mut rem = req;
    // EINTR leaves the time not slept in `rem`; any other failure (none for a valid
    // request) ends the sleep rather than spinning.
    while sys::nanosleep(&req, Some(&mut rem)) == Err(Errno::EINTR) {
        req = rem;
    }
}

/// Sleeps for `ns` nanoseconds; a signal may end the sleep early.
pub fn sleep_ns(ns: i64) {
    let req = uapi::__kernel_timespec {
        tv_sec: ns / 1_000_000_000,
        tv_nsec: ns % 1_000_000_000,
    };
    let _ = sys::nanosleep(&req, None);
}
