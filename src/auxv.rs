//! The auxiliary vector: the (key, value) words the kernel puts above the
//! environment at program start (AT_SYSINFO_EHDR, the vDSO's address; AT_HWCAP; ...).
//!
//! A bootstrap build's entry records where it is ([`set`]); a program with its own
//! libc asks the kernel instead (`from_prctl`, `from_proc`). Below the vDSO and the
//! environment, and needing neither, nor `fs`.

use core::sync::atomic::{AtomicPtr, Ordering};

static AUXV: AtomicPtr<usize> = AtomicPtr::new(core::ptr::null_mut());

const AT_NULL: usize = linux_raw_sys::auxvec::AT_NULL as usize;

/// Records the auxiliary vector the kernel put above envp (bootstrap entry only).
///
/// # Safety
/// `auxv` must point at an AT_NULL-terminated auxiliary vector that lives as long
/// as the program.
pub unsafe fn set(auxv: *const usize) {
    AUXV.store(auxv.cast_mut(), Ordering::Relaxed);
}

/// The auxv recorded at entry: (key, value) word pairs ending with AT_NULL; null
/// when there was no bootstrap entry.
pub fn at_entry() -> *const usize {
    AUXV.load(Ordering::Relaxed)
}

/// The value of the first `key` pair, reading at most `words` words.
///
/// # Safety
/// `auxv` must be readable up to its AT_NULL pair or for `words` words, whichever
/// comes first.
pub unsafe fn find(auxv: *const usize, words: usize, key: usize) -> Option<usize> {
    let mut i = 0;
    while i + 1 < words {
        // SAFETY: within the words the caller vouches for (no AT_NULL seen yet).
        let (k, value) = unsafe { (*auxv.add(i), *auxv.add(i + 1)) };
        match k {
            AT_NULL => return None,
            k if k == key => return Some(value),
            _ => i += 2,
        }
    }
    None
}

/// `key`'s value as `prctl(PR_GET_AUXV)` gives it (Linux 6.4+). Under qemu-user this
/// is the host's auxv, not the guest's: a caller checks what it gets.
#[cfg(not(feature = "bootstrap"))]
pub fn from_prctl(key: usize) -> Option<usize> {
    let mut auxv = [0usize; 128];
    // SAFETY: PR_GET_AUXV writes at most the given length into the buffer.
    let n = unsafe {
        crate::sys::prctl(
            linux_raw_sys::prctl::PR_GET_AUXV,
            auxv.as_mut_ptr() as usize,
            size_of::<[usize; 128]>(),
            0,
            0,
        )
    }
    .ok()?;
    // SAFETY: a local array, read no further than the words the kernel wrote.
    unsafe { find(auxv.as_ptr(), (n / size_of::<usize>()).min(auxv.len()), key) }
}

/// `key`'s value as /proc/self/auxv gives it.
#[cfg(not(feature = "bootstrap"))]
pub fn from_proc(key: usize) -> Option<usize> {
    let data = crate::io::read_small_file(b"/proc/self/auxv").ok()?;
    let words: alloc::vec::Vec<usize> = data
        .chunks_exact(size_of::<usize>())
        .map(|c| usize::from_ne_bytes(c.try_into().unwrap_or_default()))
        .collect();
    // SAFETY: a local copy, bounded by its length.
    unsafe { find(words.as_ptr(), words.len(), key) }
}
