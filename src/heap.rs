//! The bootstrap's global allocator: size classes over mmap'd chunks, and a mapping
//! of its own for each large block.
//!
//! - Requests up to [`MAX_SMALL`] bytes are rounded up to a power of two (16 at the
//!   least) and carved, aligned to their size, from 64 KiB chunks. A freed block goes
//!   on its class's free list and is the next one handed out for that class; small
//!   blocks are reused, never returned to the kernel.
//! - Larger requests get their own anonymous mapping, given back with munmap on free
//!   and resized with mremap, so big buffers never pin memory after they are gone.
//!
//! A spin lock makes it safe to share, although the bootstrap has one thread. The
//! design is small on purpose (the bootstrap's size budget): no coalescing of small
//! blocks and no per-thread caches. Alignment above one page is refused (null).

use crate::sync::SpinLock;
use crate::sys::{self, uapi};
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::{self, null_mut};

const MIN_SMALL: usize = 16;
/// The largest block served from a size class.
pub const MAX_SMALL: usize = 32 * 1024;
const CLASSES: usize = (MAX_SMALL / MIN_SMALL).trailing_zeros() as usize + 1;
const CHUNK: usize = 64 * 1024;
const PAGE: usize = 4096;

struct State {
    /// Heads of the singly linked free lists, one per class; the link is stored in
    /// the free block itself.
    free: [*mut u8; CLASSES],
    /// The unused rest of the current chunk.
    next: usize,
    end: usize,
}

// SAFETY: the raw pointers are owned by the allocator and only used under its lock.
unsafe impl Send for State {}

/// The global allocator of a no-libc program: size classes carved from mmap'd chunks, large blocks as their own mappings.
pub struct MmapHeap {
    state: SpinLock<State>,
}

impl MmapHeap {
    /// An allocator that has mapped nothing yet.
    pub const fn new() -> Self {
        MmapHeap {
            state: SpinLock::new(State {
                free: [null_mut(); CLASSES],
                next: 0,
                end: 0,
            }),
        }
    }
}

impl Default for MmapHeap {
    fn default() -> Self {
        Self::new()
    }
}

/// The class index and block size for a layout that fits a class.
fn class_of(layout: Layout) -> Option<(usize, usize)> {
    let size = layout
        .size()
        .max(layout.align())
        .max(MIN_SMALL)
        .checked_next_power_of_two()?;
    (size <= MAX_SMALL).then(|| ((size / MIN_SMALL).trailing_zeros() as usize, size))
}

fn pages(size: usize) -> usize {
    (size + PAGE - 1) & !(PAGE - 1)
}

fn map(len: usize) -> *mut u8 {
    let prot = uapi::PROT_READ | uapi::PROT_WRITE;
    let flags = uapi::MAP_PRIVATE | uapi::MAP_ANONYMOUS;
    // SAFETY: a fresh anonymous mapping where the kernel chooses.
    unsafe { sys::mmap(0, len, prot, flags, -1, 0) }.unwrap_or(null_mut())
}

impl State {
    /// The free list head of a class. (`class_of` gives no class past the last; the
    /// `min` tells the compiler so, sparing a bounds check and its panic.)
    fn head(&mut self, class: usize) -> &mut *mut u8 {
        &mut self.free[class.min(CLASSES - 1)]
    }

    fn carve(&mut self, size: usize) -> *mut u8 {
        let mut start = (self.next + size - 1) & !(size - 1);
        if start + size > self.end {
            let chunk = map(CHUNK);
            if chunk.is_null() {
                return chunk;
            }
            // The rest of the old chunk is abandoned: simpler than tracking it, and at
            // most one block's worth per chunk.
            self.next = chunk as usize;
            self.end = chunk as usize + CHUNK;
            start = (self.next + size - 1) & !(size - 1);
        }
        self.next = start + size;
        start as *mut u8
    }
}

// SAFETY: blocks come from private anonymous mappings no one else uses, each handed
// out once until freed, sized and aligned as the layout asks (tests/heap.rs).
unsafe impl GlobalAlloc for MmapHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if let Some((class, size)) = class_of(layout) {
            let mut st = self.state.lock();
            let head = *st.head(class);
            if head.is_null() {
                return st.carve(size);
            }
            // SAFETY: a free block's first word is the next free block.
            *st.head(class) = unsafe { head.cast::<*mut u8>().read() };
            return head;
        }
        if layout.align() > PAGE {
            return null_mut();
        }
        map(pages(layout.size()))
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        match class_of(layout) {
            Some((class, _)) => {
                let mut st = self.state.lock();
                // SAFETY: the block is at least 16 bytes and no longer used by anyone.
                unsafe { p.cast::<*mut u8>().write(*st.head(class)) };
                *st.head(class) = p;
            }
            // SAFETY: a large block is exactly its own mapping.
            None => drop(unsafe { sys::munmap(p, pages(layout.size())) }),
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size` with the old alignment is valid.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class_of(layout), class_of(new_layout)) {
            (Some((a, _)), Some((b, _))) if a == b => p,
            (None, None) => {
                // Large to large: the kernel moves the pages, nothing is copied.
                // SAFETY: `p` is a large block, its own mapping of `pages(layout.size())`
                // bytes (the caller's contract: allocated here with `layout`).
                let r = unsafe {
                    sys::mremap(
                        p,
                        pages(layout.size()),
                        pages(new_size),
                        uapi::MREMAP_MAYMOVE,
                        0,
                    )
                };
                r.unwrap_or(null_mut())
            }
            _ => {
                // SAFETY: a non-zero size (the caller's contract) and the old alignment.
                let q = unsafe { self.alloc(new_layout) };
                if !q.is_null() {
                    // SAFETY: two distinct blocks, `p` of `layout.size()` bytes and `q` of
                    // at least `new_size`; `p` is freed once, with its own layout.
                    unsafe {
                        ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
                        self.dealloc(p, layout);
                    }
                }
                q
            }
        }
    }
}
