//! Wall-clock time.

use crate::sys::{self, Result, uapi};

/// Microseconds since the Unix epoch (CLOCK_REALTIME), floored.
pub fn now_unix_micros() -> Result<i64> {
    let mut ts = uapi::__kernel_timespec { tv_sec: 0, tv_nsec: 0 };
    sys::clock_gettime(uapi::CLOCK_REALTIME, &mut ts)?;
    Ok(ts.tv_sec * 1_000_000 + ts.tv_nsec / 1_000)
}
