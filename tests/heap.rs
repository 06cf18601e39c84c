//! The bootstrap allocator (`heap::MmapHeap`) driven directly: alignment, integrity
//! under random alloc/realloc/free, reuse of freed small blocks, large blocks given
//! back to the kernel; and `io::reserve`, the crate's buffer growth, beside `Vec`.

use ffi_syscalls::heap::{MAX_SMALL, MmapHeap};
use std::alloc::{GlobalAlloc, Layout};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Whether `[p, p+len)` is mapped: mincore fails with ENOMEM on an unmapped range.
fn mapped(p: *mut u8, len: usize) -> bool {
    let mut vec = vec![0u8; len.div_ceil(4096)];
    unsafe { ffi_syscalls::sys::mincore(p as usize, len, vec.as_mut_ptr()) }.is_ok()
}

#[test]
fn random_operations_keep_contents_and_alignment() {
    let heap = MmapHeap::new();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // (pointer, layout, fill byte)
    let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
    let check = |p: *mut u8, l: Layout, fill: u8| {
        assert_eq!(p as usize % l.align(), 0, "{l:?}");
        let s = unsafe { std::slice::from_raw_parts(p, l.size()) };
        assert!(s.iter().all(|&b| b == fill), "{l:?} lost its contents");
    };
    for step in 0..20_000u32 {
        match rng.below(10) {
            0..=4 => {
                let size = match rng.below(10) {
                    0 => 1 + rng.below(200_000) as usize,        // large
                    1 => MAX_SMALL - 8 + rng.below(16) as usize, // around the class limit
                    _ => 1 + rng.below(600) as usize,
                };
                let align = 1usize << rng.below(8); // up to 128
                let l = Layout::from_size_align(size, align).unwrap();
                let p = unsafe { heap.alloc(l) };
                assert!(!p.is_null());
                let fill = step as u8;
                unsafe { p.write_bytes(fill, size) };
                live.push((p, l, fill));
            }
            5..=6 if !live.is_empty() => {
                let i = rng.below(live.len() as u64) as usize;
                let (p, l, fill) = live.swap_remove(i);
                check(p, l, fill);
                unsafe { heap.dealloc(p, l) };
            }
            7 if !live.is_empty() => {
                let i = rng.below(live.len() as u64) as usize;
                let (p, l, fill) = live[i];
                check(p, l, fill);
                let limit = if rng.below(4) == 0 { 300_000 } else { 2_000 };
                let new_size = 1 + rng.below(limit) as usize;
                let q = unsafe { heap.realloc(p, l, new_size) };
                assert!(!q.is_null());
                let nl = Layout::from_size_align(new_size, l.align()).unwrap();
                let kept = l.size().min(new_size);
                let s = unsafe { std::slice::from_raw_parts(q, kept) };
                assert!(s.iter().all(|&b| b == fill), "realloc lost contents");
                unsafe { q.write_bytes(fill, new_size) };
                live[i] = (q, nl, fill);
            }
            _ => {}
        }
    }
    for (p, l, fill) in live {
        check(p, l, fill);
        unsafe { heap.dealloc(p, l) };
    }
}

#[test]
fn freed_small_blocks_are_reused() {
    let heap = MmapHeap::new();
    let l = Layout::from_size_align(100, 8).unwrap();
    let a = unsafe { heap.alloc(l) };
    let b = unsafe { heap.alloc(l) };
    assert_ne!(a, b);
    unsafe { heap.dealloc(a, l) };
    // Same class (128): the freed block comes back first.
    let c = unsafe { heap.alloc(Layout::from_size_align(120, 8).unwrap()) };
    assert_eq!(c, a);
    // A thousand alloc/free pairs of one size stay on one block.
    for _ in 0..1000 {
        let p = unsafe { heap.alloc(l) };
        assert_ne!(p, b);
        unsafe { heap.dealloc(p, l) };
        let q = unsafe { heap.alloc(l) };
        assert_eq!(p, q, "the block just freed is handed out again");
        unsafe { heap.dealloc(q, l) };
    }
}

#[test]
fn large_blocks_go_back_to_the_kernel() {
    let heap = MmapHeap::new();
    let l = Layout::from_size_align(1 << 20, 16).unwrap();
    let p = unsafe { heap.alloc(l) };
    assert!(mapped(p, 1 << 20));
    unsafe { p.write_bytes(7, 1 << 20) };
    // Growing moves pages, keeps contents.
    let q = unsafe { heap.realloc(p, l, 8 << 20) };
    assert_eq!(unsafe { *q.add((1 << 20) - 1) }, 7);
    let l8 = Layout::from_size_align(8 << 20, 16).unwrap();
    unsafe { heap.dealloc(q, l8) };
    assert!(!mapped(q, 8 << 20), "a freed large block must be unmapped");
    // Page alignment is served, larger is refused rather than misaligned.
    let page = Layout::from_size_align(64 << 10, 4096).unwrap();
    let r = unsafe { heap.alloc(page) };
    assert_eq!(r as usize % 4096, 0);
    unsafe { heap.dealloc(r, page) };
    assert!(unsafe { heap.alloc(Layout::from_size_align(64 << 10, 1 << 16).unwrap()) }.is_null());
}

/// `io::reserve`, the crate's one growth path, against `Vec::reserve` (the oracle):
/// the room it promises, the contents kept across moves, exact room for an empty
/// buffer, at least doubling for a full one, and ENOMEM (the buffer unchanged) for
/// sizes no allocator can give.
#[test]
fn reserve_grows_like_vec() {
    use ffi_syscalls::{Errno, io};
    let mut ours: Vec<u8> = Vec::new();
    io::reserve(&mut ours, 10).unwrap();
    assert_eq!(
        ours.capacity(),
        10,
        "an empty buffer gets exactly what it asks"
    );
    let mut model: Vec<u8> = Vec::new();
    for i in 0..100_000u32 {
        let byte = (i % 251) as u8;
        if ours.len() == ours.capacity() {
            let before = ours.capacity();
            io::reserve(&mut ours, 1).unwrap();
            assert!(ours.capacity() >= 2 * before, "grows by doubling");
        }
        io::push(&mut ours, byte).unwrap();
        model.push(byte);
    }
    assert_eq!(ours, model);
    // Elements wider than a byte keep their alignment and values.
    let mut words: Vec<u64> = Vec::new();
    for i in 0..1000u64 {
        io::push(&mut words, i * 3).unwrap();
        assert_eq!(words.as_ptr() as usize % align_of::<u64>(), 0);
    }
    assert!(words.iter().enumerate().all(|(i, &w)| w == i as u64 * 3));
    let (ptr, len) = (ours.as_ptr(), ours.len());
    assert_eq!(io::reserve(&mut ours, usize::MAX), Err(Errno::ENOMEM));
    assert_eq!(
        io::reserve(&mut ours, isize::MAX as usize),
        Err(Errno::ENOMEM)
    );
    assert_eq!(
        (ours.as_ptr(), ours.len()),
        (ptr, len),
        "unchanged after ENOMEM"
    );
    assert_eq!(io::reserve(&mut words, usize::MAX / 4), Err(Errno::ENOMEM));
}

/// Page alignment in every class (blocks past a page are only page-aligned, which is
/// all the allocator promises), alignment above a page refused even for a small size,
/// and a realloc that stays in its class keeping the block in place.
#[test]
fn page_alignment_and_in_place_realloc() {
    let heap = MmapHeap::new();
    for size in [1, 100, 4096, 5000, 20_000, MAX_SMALL] {
        let l = Layout::from_size_align(size, 4096).unwrap();
        let blocks: Vec<*mut u8> = (0..5).map(|_| unsafe { heap.alloc(l) }).collect();
        for &p in &blocks {
            assert!(!p.is_null() && (p as usize).is_multiple_of(4096), "{l:?}");
            unsafe { p.write_bytes(1, size) };
        }
        for p in blocks {
            unsafe { heap.dealloc(p, l) };
        }
    }
    assert!(unsafe { heap.alloc(Layout::from_size_align(16, 8192).unwrap()) }.is_null());
    let l = Layout::from_size_align(70, 8).unwrap();
    let p = unsafe { heap.alloc(l) };
    unsafe { p.write_bytes(3, 70) };
    let q = unsafe { heap.realloc(p, l, 128) };
    assert_eq!(p, q, "70 and 128 bytes share a class");
    let q = unsafe { heap.realloc(q, Layout::from_size_align(128, 8).unwrap(), 65) };
    assert_eq!(p, q, "so do 128 and 65");
    let kept = unsafe { std::slice::from_raw_parts(q, 65) };
    assert!(kept.iter().all(|&b| b == 3));
    unsafe { heap.dealloc(q, Layout::from_size_align(65, 8).unwrap()) };
}
