//! clock_gettime through the vDSO and through the system call, beside libc.

mod common;

use common::serial;
use ffi_syscalls::sys::uapi;
use ffi_syscalls::{Errno, time, vdso};

fn libc_now(clock: i32) -> (i64, i64) {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    assert_eq!(unsafe { libc::clock_gettime(clock, &mut ts) }, 0);
    (ts.tv_sec, ts.tv_nsec)
}

fn ours(clock: u32) -> (i64, i64) {
    let ts = time::clock_gettime(clock).unwrap();
    (ts.tv_sec, ts.tv_nsec)
}

/// The same clocks, read in turn: never backwards, and REALTIME close to libc's.
fn agrees_with_libc() {
    for _ in 0..1000 {
        let a = libc_now(libc::CLOCK_MONOTONIC);
        let b = ours(uapi::CLOCK_MONOTONIC);
        let c = libc_now(libc::CLOCK_MONOTONIC);
        assert!(a <= b && b <= c, "{a:?} {b:?} {c:?}");
    }
    let (r, l) = (ours(uapi::CLOCK_REALTIME), libc_now(libc::CLOCK_REALTIME));
    assert!((r.0 - l.0).abs() <= 1);
    assert!(ours(uapi::CLOCK_REALTIME).1 < 1_000_000_000);
    // A clock that does not exist: EINVAL either way.
    assert_eq!(
        time::clock_gettime(9999).map(|t| t.tv_sec),
        Err(Errno::EINVAL)
    );
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    assert_eq!(unsafe { libc::clock_gettime(9999, &mut ts) }, -1);
}

#[test]
fn vdso_path_matches_libc() {
    let _s = serial();
    vdso::use_vdso(true);
    let found = vdso::clock_gettime().is_some();
    // Natively on x86_64 the kernel always maps one, and it must be used. (valgrind
    // hides it from the program it runs: then there is none to use.)
    let kernel_gave_one = unsafe { libc::getauxval(libc::AT_SYSINFO_EHDR) } != 0;
    if cfg!(target_arch = "x86_64") && kernel_gave_one {
        assert!(found, "natively on x86_64 the vDSO must be used");
    }
    eprintln!(
        "{}: vDSO clock_gettime {}",
        std::env::consts::ARCH,
        if found { "found" } else { "not found" }
    );
    agrees_with_libc();
}

#[test]
fn syscall_fallback_matches_libc() {
    let _s = serial();
    vdso::use_vdso(false);
    assert!(vdso::clock_gettime().is_none());
    agrees_with_libc();
    vdso::use_vdso(true);
}

#[test]
fn lookup_is_strict() {
    let _s = serial();
    let (name, version) = match std::env::consts::ARCH {
        "x86_64" => (&b"__vdso_clock_gettime"[..], &b"LINUX_2.6"[..]),
        "aarch64" => (&b"__kernel_clock_gettime"[..], &b"LINUX_2.6.39"[..]),
        _ => (&b"__vdso_clock_gettime"[..], &b"LINUX_4.15"[..]),
    };
    let Some(base) = vdso::base() else {
        eprintln!("no AT_SYSINFO_EHDR here: nothing to look up");
        return;
    };
    let any = unsafe { vdso::find_symbol(base, name, version, vdso::Hash::Any) };
    if let Some(addr) = any {
        // Both indexes find the same symbol (arm64 may have only GNU hash).
        assert_eq!(
            unsafe { vdso::find_symbol(base, name, version, vdso::Hash::Gnu) }.or(any),
            Some(addr)
        );
        // glibc resolved the same function.
        let libc_addr = unsafe {
            let h = libc::dlopen(
                c"linux-vdso.so.1".as_ptr(),
                libc::RTLD_NOW | libc::RTLD_NOLOAD,
            );
            if h.is_null() {
                None
            } else {
                Some(libc::dlsym(
                    h,
                    std::ffi::CStr::from_bytes_with_nul(&[name, b"\0"].concat())
                        .unwrap()
                        .as_ptr(),
                ) as usize)
            }
        };
        if let Some(l) = libc_addr.filter(|&l| l != 0) {
            assert_eq!(l, addr);
        }
    }
    // A wrong version, a wrong name, a truncated name: nothing.
    assert_eq!(
        unsafe { vdso::find_symbol(base, name, b"LINUX_9.9", vdso::Hash::Any) },
        None
    );
    assert_eq!(
        unsafe { vdso::find_symbol(base, b"__vdso_no_such_function", version, vdso::Hash::Any) },
        None
    );
    assert_eq!(
        unsafe { vdso::find_symbol(base, &name[..name.len() - 1], version, vdso::Hash::Any) },
        None
    );
    // Not an ELF image, and memory that is not mapped: refused, not read blindly.
    let junk = vec![0x7fu8; 8192];
    assert_eq!(
        unsafe { vdso::find_symbol(junk.as_ptr() as usize, name, version, vdso::Hash::Any) },
        None
    );
    assert_eq!(
        unsafe { vdso::find_symbol(0x1000, name, version, vdso::Hash::Any) },
        None
    );
    assert_eq!(
        unsafe { vdso::find_symbol(usize::MAX - 4095, name, version, vdso::Hash::Any) },
        None
    );
}

// ---- crafted images ---------------------------------------------------------------
//
// A small ELF image like a vDSO, placed at the very end of a readable page that a
// PROT_NONE page follows: a read one byte past the image faults. Each defect is one
// mutation of the valid image; every one must be refused (None) by both the slice
// reader and the address-taking lookup, never read out of bounds.

const NAME: &[u8] = b"__test_clock";
const VERSION: &[u8] = b"TEST_1.0";

fn machine() -> u16 {
    match std::env::consts::ARCH {
        "x86_64" => 62,
        "aarch64" => 183,
        _ => 243,
    }
}

/// Offsets of the parts of the crafted image (virtual address = file offset).
struct Layout {
    phdrs: usize,
    dynamic: usize,
    strtab: usize,
    symtab: usize,
    hash: usize,
    gnu_hash: usize,
    versym: usize,
    verdef: usize,
    func: usize,
    len: usize,
}

const LAYOUT: Layout = Layout {
    phdrs: 64,
    dynamic: 176,  // 2 program headers of 56
    strtab: 288,   // 7 dynamic entries of 16
    symtab: 328,   // "\0__test_clock\0TEST_1.0\0other\0lib\0" padded to 8
    hash: 400,     // 3 symbols of 24
    gnu_hash: 424, // 6 words
    versym: 464,   // 4 words, 1 bloom word, 1 bucket, 2 chain words
    verdef: 472,   // 3 u16, padded
    func: 528,     // 2 Verdef + Verdaux pairs of 28
    len: 536,
};

fn put(img: &mut [u8], at: usize, bytes: &[u8]) {
    img[at..at + bytes.len()].copy_from_slice(bytes);
}

fn put16(img: &mut [u8], at: usize, v: u16) {
    put(img, at, &v.to_le_bytes());
}

fn put32(img: &mut [u8], at: usize, v: u32) {
    put(img, at, &v.to_le_bytes());
}

fn put64(img: &mut [u8], at: usize, v: u64) {
    put(img, at, &v.to_le_bytes());
}

fn valid_image() -> Vec<u8> {
    let l = &LAYOUT;
    let mut img = vec![0u8; l.len];
    // ELF header.
    put(&mut img, 0, b"\x7fELF\x02\x01\x01");
    put16(&mut img, 16, 3); // ET_DYN
    put16(&mut img, 18, machine());
    put32(&mut img, 20, 1);
    put64(&mut img, 32, l.phdrs as u64); // e_phoff
    put16(&mut img, 52, 64); // e_ehsize
    put16(&mut img, 54, 56); // e_phentsize
    put16(&mut img, 56, 2); // e_phnum
    // PT_LOAD covering everything, PT_DYNAMIC.
    let ph = |img: &mut [u8], i: usize, kind: u32, off: usize, size: usize| {
        let at = l.phdrs + 56 * i;
        put32(img, at, kind);
        put32(img, at + 4, 5);
        put64(img, at + 8, off as u64);
        put64(img, at + 16, off as u64);
        put64(img, at + 24, off as u64);
        put64(img, at + 32, size as u64);
        put64(img, at + 40, size as u64);
        put64(img, at + 48, 8);
    };
    ph(&mut img, 0, 1, 0, l.len);
    ph(&mut img, 1, 2, l.dynamic, 7 * 16);
    // Dynamic section.
    let dynamic = [
        (6u64, l.symtab), // DT_SYMTAB
        (5, l.strtab),    // DT_STRTAB
        (4, l.hash),      // DT_HASH
        (0x6ffffef5, l.gnu_hash),
        (0x6ffffff0, l.versym),
        (0x6ffffffc, l.verdef),
        (0, 0), // DT_NULL
    ];
    for (i, (tag, at)) in dynamic.into_iter().enumerate() {
        put64(&mut img, l.dynamic + 16 * i, tag);
        put64(&mut img, l.dynamic + 16 * i + 8, at as u64);
    }
    // Strings: name at 1, version at 14, "other" at 23, "lib" at 29.
    put(
        &mut img,
        l.strtab,
        b"\0__test_clock\0TEST_1.0\0other\0lib\0",
    );
    // Symbols: null, "other" (a function), NAME.
    for (i, name) in [(1usize, 23u32), (2, 1)] {
        let at = l.symtab + 24 * i;
        put32(&mut img, at, name);
        img[at + 4] = 0x12; // STB_GLOBAL, STT_FUNC
        put16(&mut img, at + 6, 1);
        put64(&mut img, at + 8, l.func as u64);
    }
    // DT_HASH: nbucket 1, nchain 3.
    for (i, w) in [1u32, 3, 2, 0, 0, 1].into_iter().enumerate() {
        put32(&mut img, l.hash + 4 * i, w);
    }
    // DT_GNU_HASH: 1 bucket, symoffset 1, 1 bloom word, shift 0; the chain ends at 2.
    for (i, w) in [1u32, 1, 1, 0].into_iter().enumerate() {
        put32(&mut img, l.gnu_hash + 4 * i, w);
    }
    put64(&mut img, l.gnu_hash + 16, !0);
    put32(&mut img, l.gnu_hash + 24, 1); // bucket 0: symbol 1
    put32(&mut img, l.gnu_hash + 28, 0x100); // symbol 1: chain goes on
    put32(&mut img, l.gnu_hash + 32, 0x101); // symbol 2: chain ends
    // Versions: symbol 1 is the base (1), NAME is version 2.
    for (i, v) in [0u16, 1, 2].into_iter().enumerate() {
        put16(&mut img, l.versym + 2 * i, v);
    }
    for (i, (ndx, name)) in [(1u16, 29u32), (2, 14)].into_iter().enumerate() {
        let at = l.verdef + 28 * i;
        put16(&mut img, at, 1);
        put16(&mut img, at + 4, ndx);
        put16(&mut img, at + 6, 1);
        put32(&mut img, at + 12, 20); // vd_aux
        put32(&mut img, at + 16, if i == 0 { 28 } else { 0 }); // vd_next
        put32(&mut img, at + 20, name);
    }
    put(&mut img, l.func, &[0xcc; 8]);
    img
}

fn under_valgrind() -> bool {
    std::env::var_os("FFI_SYSCALLS_UNDER_VALGRIND").is_some()
}

/// Two pages: the image ends where the second, PROT_NONE, page begins.
struct Guarded {
    map: *mut u8,
    at: usize,
    len: usize,
}

impl Guarded {
    fn new(img: &[u8]) -> Guarded {
        assert!(img.len().is_multiple_of(8) && img.len() <= 4096);
        unsafe {
            let map = libc::mmap(
                std::ptr::null_mut(),
                8192,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(map, libc::MAP_FAILED);
            let map = map.cast::<u8>();
            assert_eq!(
                libc::mprotect(map.add(4096).cast(), 4096, libc::PROT_NONE),
                0
            );
            let at = map.add(4096 - img.len());
            std::ptr::copy_nonoverlapping(img.as_ptr(), at, img.len());
            Guarded {
                map,
                at: at as usize,
                len: img.len(),
            }
        }
    }

    fn guard(&self) -> usize {
        self.map as usize + 4096
    }

    fn slice(&self) -> &[u8] {
        unsafe { std::slice::from_raw_parts(self.at as *const u8, self.len) }
    }

    /// The lookup through the slice reader and through the address.
    fn find(&self, version: &[u8], hash: vdso::Hash) -> (Option<usize>, Option<usize>) {
        let in_slice = vdso::find_symbol_in(self.slice(), NAME, version, hash);
        if under_valgrind() {
            // A malformed image sends the kernel to the guard page, and valgrind
            // reports the probe itself: the slice reader is the one checked there.
            return (in_slice, in_slice);
        }
        let at = unsafe { vdso::find_symbol(self.at, NAME, version, hash) };
        (in_slice, at.map(|a| a - self.at))
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        unsafe { libc::munmap(self.map.cast(), 8192) };
    }
}

#[test]
fn crafted_image_is_read_correctly() {
    let g = Guarded::new(&valid_image());
    let want = Some(LAYOUT.func);
    assert_eq!(g.find(VERSION, vdso::Hash::Any), (want, want));
    assert_eq!(g.find(VERSION, vdso::Hash::Gnu), (want, want));
    assert_eq!(g.find(b"TEST_2.0", vdso::Hash::Any), (None, None));
    assert_eq!(g.find(b"lib", vdso::Hash::Any), (None, None));
}

#[test]
fn unreadable_memory_is_refused_not_read() {
    if under_valgrind() {
        eprintln!("under valgrind: the probe of a PROT_NONE page is itself reported");
        return;
    }
    let name = NAME;
    let g = Guarded::new(&valid_image());
    // Mapped (mincore says so) but PROT_NONE.
    let guard = g.guard();
    assert_eq!(
        unsafe { vdso::find_symbol(guard, name, VERSION, vdso::Hash::Any) },
        None
    );
    // An image whose header is readable but whose segment runs into the guard page.
    let mut img = valid_image();
    put64(&mut img, LAYOUT.phdrs + 32, 4096);
    put64(&mut img, LAYOUT.phdrs + 40, 4096);
    let g = Guarded::new(&img);
    assert_eq!(
        unsafe { vdso::find_symbol(g.at, name, VERSION, vdso::Hash::Any) },
        None
    );
}

/// Each mutation of the valid image: what it breaks.
fn malformed() -> Vec<(&'static str, Vec<u8>)> {
    let l = &LAYOUT;
    let mut cases = Vec::new();
    let mut case = |what: &'static str, f: &dyn Fn(&mut Vec<u8>)| {
        let mut img = valid_image();
        f(&mut img);
        cases.push((what, img));
    };
    let dyn_vaddr = l.phdrs + 56 + 16;
    case("dynamic entry in the image's last 8 bytes", &|img| {
        put64(img, dyn_vaddr, (l.len - 8) as u64);
        put64(img, l.len - 8, 6);
    });
    case("dynamic section without DT_NULL up to the end", &|img| {
        put64(img, dyn_vaddr, (l.len - 16) as u64);
        put64(img, l.len - 16, 6);
        put64(img, l.len - 8, l.symtab as u64);
    });
    case("huge e_phoff", &|img| put64(img, 32, u64::MAX - 10));
    case("e_phoff past the end", &|img| put64(img, 32, l.len as u64));
    case("misaligned PT_DYNAMIC", &|img| {
        put64(img, dyn_vaddr, (l.dynamic + 4) as u64)
    });
    case("hash table's second word past the end", &|img| {
        put64(img, l.dynamic + 2 * 16 + 8, (l.len - 4) as u64)
    });
    case("hash table claiming more symbols than there are", &|img| {
        put32(img, l.hash + 4, 1 << 30);
        put32(img, l.symtab + 2 * 24, 23); // NAME renamed: the scan runs on
    });
    case("versym entry past the end", &|img| {
        put64(img, l.dynamic + 4 * 16 + 8, (l.len - 2) as u64)
    });
    case("Elf_Sym straddling the end", &|img| {
        put64(img, l.dynamic + 8, (l.len - 2 * 24 - 8) as u64)
    });
    case("misaligned symbol table", &|img| {
        put64(img, l.dynamic + 8, (l.symtab + 4) as u64)
    });
    case("Elf_Verdaux past the end", &|img| {
        put32(img, l.verdef + 28 + 12, (l.len - 2 - l.verdef - 28) as u32)
    });
    case("Elf_Verdef chain running off the end", &|img| {
        put32(img, l.verdef + 16, (l.len - l.verdef - 8) as u32);
        put16(img, l.verdef + 4, 7);
    });
    case("string table index past the end", &|img| {
        put32(img, l.symtab + 2 * 24, u32::MAX)
    });
    case("symbol value outside the image", &|img| {
        put64(img, l.symtab + 2 * 24 + 8, u64::MAX - 3)
    });
    case("wrong machine", &|img| put16(img, 18, machine() ^ 1));
    cases
}

#[test]
fn malformed_images_are_refused_without_reading_out_of_bounds() {
    for (what, img) in malformed() {
        let g = Guarded::new(&img);
        for hash in [vdso::Hash::Any, vdso::Hash::Gnu] {
            let found = g.find(VERSION, hash);
            // DT_HASH is not read in Gnu mode: the symbol is still found there.
            if hash == vdso::Hash::Gnu && what == "hash table's second word past the end" {
                assert_eq!(found, (Some(LAYOUT.func), Some(LAYOUT.func)));
                continue;
            }
            assert_eq!(found, (None, None), "{what} ({hash:?})");
        }
    }
}

/// The reads are aligned: an image whose start is not 8-byte aligned (no mapping or
/// allocation is) fails their alignment checks, and is refused rather than misread;
/// the same bytes at an aligned start are found.
#[test]
fn an_image_at_an_unaligned_start_is_refused() {
    let img = valid_image();
    let mut words = vec![0u64; img.len() / 8 + 1];
    let bytes: &mut [u8] =
        unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast(), words.len() * 8) };
    bytes[..img.len()].copy_from_slice(&img);
    let aligned = &bytes[..img.len()];
    assert_eq!(
        vdso::find_symbol_in(aligned, NAME, VERSION, vdso::Hash::Any),
        Some(LAYOUT.func)
    );
    bytes.copy_within(..img.len(), 1);
    let shifted = &bytes[1..=img.len()];
    for hash in [vdso::Hash::Any, vdso::Hash::Gnu] {
        assert_eq!(vdso::find_symbol_in(shifted, NAME, VERSION, hash), None);
    }
}
