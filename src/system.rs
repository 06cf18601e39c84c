//! Facts about the machine.

use crate::sys::{self, Result};
use alloc::vec::Vec;

/// CPUs this process may run on (the affinity mask), which is what `nproc` prints.
pub fn cpu_count() -> Result<usize> {
    // The kernel refuses a buffer smaller than its mask (EINVAL), whose size its
    // CONFIG_NR_CPUS sets: at most 8192 CPUs (x86_64's MAXSMP; arm64 and riscv64 allow
    // fewer), 1 KiB, which fits on the stack. (std reads 1024 CPUs' worth.)
    let mut mask = [0u64; 8192 / 64];
    // SAFETY: the kernel writes at most the array's size into it.
    unsafe { sys::sched_getaffinity(0, size_of_val(&mask), mask.as_mut_ptr().cast()) }?;
    // Words the kernel did not write are still zero.
    Ok(mask.iter().map(|w| w.count_ones() as usize).sum())
}

/// The uname node name (what `hostname` prints).
pub fn hostname() -> Result<Vec<u8>> {
    crate::io::copy(hostname_in(&mut [0; HOST_NAME_BYTES])?)
}

/// Room for a node name and its NUL (the kernel's `__NEW_UTS_LEN + 1`).
pub const HOST_NAME_BYTES: usize = 65;

/// [`hostname`] in `buf`, without a copy on the heap.
pub fn hostname_in(buf: &mut [u8; HOST_NAME_BYTES]) -> Result<&[u8]> {
    // SAFETY: plain bytes; all-zero is valid.
    let mut uts: linux_raw_sys::system::new_utsname = unsafe { core::mem::zeroed() };
    sys::uname(&mut uts)?;
    #[allow(clippy::unnecessary_cast)] // c_char is i8 on x86_64, u8 on aarch64 and riscv64
    {
        *buf = uts.nodename.map(|c| c as u8);
    }
    Ok(buf.split(|&c| c == 0).next().unwrap_or_default())
}
