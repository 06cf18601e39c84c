//! The bootstrap's global allocator: size classes over mmap'd chunks, and a mapping
//! of its own for each large block.
//!
//! - Requests up to [`MAX_SMALL`] bytes are rounded up to a power of two (16 at the
//!   least) and carved from 64 KiB chunks, each class from chunks of its own, so that
//!   a block is aligned to its size (up to a page). A freed block goes
//!   on its class's free list and is the next one handed out for that class; small
//!   blocks are reused, never returned to the kernel.
//! - Larger requests get their own anonymous mapping, given back with munmap on free
//!   and resized with mremap, so big buffers never pin memory after they are gone.
//!
//! A mutex makes it safe to share, although the bootstrap has one thread. The design
//! is small on purpose (every byte is in each bootstrap program): no coalescing of
//! small blocks and no per-thread caches. Alignment above one page is refused (null).

use crate::sync::Mutex;
use crate::sys::{self, uapi};
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::{self, null_mut};

const MIN_SMALL: usize = 16;
/// The largest block served from a size class.
pub const MAX_SMALL: usize = 32 * 1024;
const CLASSES: usize = (MAX_SMALL / MIN_SMALL).trailing_zeros() as usize + 1;
const CHUNK: usize = 64 * 1024;
const PAGE: usize = 4096;

/// One size class: its free list and its current chunk.
#[derive(Clone, Copy)]
struct Class {
    /// Head of the singly linked free list; the link is stored in the free block itself.
    free: *mut u8,
    /// The unused rest of the class's current chunk, `next..end`.
    next: usize,
    end: usize,
}

struct State {
    classes: [Class; CLASSES],
}

// SAFETY: the raw pointers are owned by the allocator and only used under its lock.
unsafe impl Send for State {}

/// The global allocator of a no-libc program: size classes carved from mmap'd chunks, large blocks as their own mappings.
pub struct MmapHeap {
    state: Mutex<State>,
}

impl MmapHeap {
    /// An allocator that has mapped nothing yet.
    pub const fn new() -> Self {
        MmapHeap {
            state: Mutex::new(State {
                classes: [Class {
                    free: null_mut(),
                    next: 0,
                    end: 0,
                }; CLASSES],
            }),
        }
    }
}

impl Default for MmapHeap {
    fn default() -> Self {
        Self::new()
    }
}

/// The class of a layout: blocks of `MIN_SMALL << class` bytes, the smallest that
/// holds the size and the alignment (a block is aligned to its size), or `CLASSES`
/// for a large block. (At most `CLASSES` steps: smaller than a count of leading
/// zeros where the target has no instruction for it, as on riscv64gc.)
fn class_of(layout: Layout) -> usize {
    let size = layout.size().max(layout.align());
    let mut class = 0;
    while class < CLASSES && MIN_SMALL << class < size {
        class += 1;
    }
    class
}

/// A fresh anonymous mapping of `len` bytes, null on failure. The kernel rounds
/// lengths up to whole pages here and in munmap and mremap, so large blocks pass
/// their byte sizes as they are.
fn map(len: usize) -> *mut u8 {
    let prot = uapi::PROT_READ | uapi::PROT_WRITE;
    let flags = uapi::MAP_PRIVATE | uapi::MAP_ANONYMOUS;
    // SAFETY: a fresh anonymous mapping where the kernel chooses.
    unsafe { sys::mmap(0, len, prot, flags, -1, 0) }.unwrap_or(null_mut())
}

impl State {
    /// A new block of `class` from its current chunk, or from a new one. Each class
    /// has chunks of its own, which its blocks tile exactly: page alignment of the
    /// chunk aligns every block as its class needs, and the chunk runs out exactly
    /// at its end. (Pages not yet handed out are never touched, so the chunks
    /// partly used at once cost address space, not memory.)
    fn carve(&mut self, class: usize) -> *mut u8 {
        let mut start = self.classes[class].next;
        if start == self.classes[class].end {
            let chunk = map(CHUNK);
            if chunk.is_null() {
                return chunk;
            }
            start = chunk as usize;
            self.classes[class].end = start + CHUNK;
        }
        self.classes[class].next = start + (MIN_SMALL << class);
        start as *mut u8
    }
}

// SAFETY: blocks come from private anonymous mappings no one else uses, each handed
// out once until freed, sized and aligned as the layout asks (tests/heap.rs).
unsafe impl GlobalAlloc for MmapHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() > PAGE {
            return null_mut();
        }
        let class = class_of(layout);
        if class >= CLASSES {
            return map(layout.size());
        }
        let mut st = self.state.lock();
        let head = st.classes[class].free;
        if head.is_null() {
            return st.carve(class);
        }
        // SAFETY: a free block's first word is the next free block.
        st.classes[class].free = unsafe { head.cast::<*mut u8>().read() };
        head
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        let class = class_of(layout);
        if class < CLASSES {
            let mut st = self.state.lock();
            // SAFETY: the block is at least 16 bytes and no longer used by anyone.
            unsafe { p.cast::<*mut u8>().write(st.classes[class].free) };
            st.classes[class].free = p;
        } else {
            // SAFETY: a large block is exactly its own mapping. (Nothing to do if
            // munmap fails.)
            let _ = unsafe { sys::munmap(p, layout.size()) };
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size` with the old alignment is valid.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let (old, new) = (class_of(layout), class_of(new_layout));
        if old == new {
            if old < CLASSES {
                // Same class: the block is already the one to use.
                return p;
            }
            // Large to large: the kernel moves the pages, nothing is copied.
            // SAFETY: `p` is a large block, its own mapping of `layout.size()` bytes
            // (the caller's contract: allocated here with `layout`).
            let r = unsafe { sys::mremap(p, layout.size(), new_size, uapi::MREMAP_MAYMOVE, 0) };
            return r.unwrap_or(null_mut());
        }
        // SAFETY: a non-zero size (the caller's contract) and the old alignment.
        let q = unsafe { self.alloc(new_layout) };
        if !q.is_null() {
            // SAFETY: two distinct blocks, `p` of `layout.size()` bytes and `q` of at
            // least `new_size`; `p` is freed once, with its own layout.
            unsafe {
                ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
                self.dealloc(p, layout);
            }
        }
        q
    }
}
