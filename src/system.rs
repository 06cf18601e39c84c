//! Facts about the machine.

use crate::Errno;
use crate::io;
use crate::sys::{self, Result};
use alloc::vec::Vec;

/// CPUs this process may run on (the affinity mask), which is what `nproc` prints.
pub fn cpu_count() -> Result<usize> {
    // The kernel refuses a mask smaller than its own (EINVAL); 128 bytes covers 1024
    // CPUs, and larger machines get a retry with a doubled buffer.
    let mut len = 128;
    loop {
        let mut mask: Vec<u8> = Vec::new();
        io::reserve(&mut mask, len)?;
        // SAFETY: `mask` has room for `len` bytes; the kernel writes the first `n`.
        match unsafe { sys::sched_getaffinity(0, len, mask.as_mut_ptr()) } {
            Ok(n) => {
                // SAFETY: the kernel initialised the first `n` bytes.
                unsafe { mask.set_len(n.min(len)) };
                return Ok(mask.iter().map(|b| b.count_ones() as usize).sum());
            }
            Err(Errno::EINVAL) if len < 1 << 20 => len *= 2,
            Err(e) => return Err(e),
        }
    }
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
