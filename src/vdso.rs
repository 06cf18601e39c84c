//! `clock_gettime` and `getrandom` through the vDSO, the kernel's code mapped into
//! every process, which reads the clock (and, from Linux 6.11, makes random bytes)
//! without entering the kernel.
//!
//! The vDSO is found through auxv `AT_SYSINFO_EHDR`: from the program entry in a
//! bootstrap build ([`crate::auxv::at_entry`]), else `prctl(PR_GET_AUXV)` (Linux 6.4+), else
//! /proc/self/auxv. Its ELF image is checked (magic, 64-bit, little-endian, this
//! architecture's machine: under qemu-user the auxv handed over can be the host's),
//! in place in a bootstrap build (the kernel mapped what its own auxv names), else
//! after the kernel has copied it (so an unmapped or unreadable page is an error,
//! not a fault); every read of the image is checked for range and alignment;
//! the symbol is looked up through DT_HASH or DT_GNU_HASH and its version checked. Whenever anything is missing or
//! odd, the answer is "no vDSO" and callers use the system call.

use crate::sys::{self, uapi};
use crate::{arch, auxv};
use core::mem::align_of;
use core::mem::size_of;
use core::sync::atomic::{AtomicUsize, Ordering};
use linux_raw_sys::elf::{Elf_Dyn, Elf_Ehdr, Elf_Phdr, Elf_Sym, Elf_Verdaux, Elf_Verdef};

/// The vDSO's `clock_gettime`: 0 or -errno, like the raw system call.
pub type ClockGettime = unsafe extern "C" fn(clock: i32, ts: *mut uapi::__kernel_timespec) -> i32;

const UNRESOLVED: usize = 0;
const ABSENT: usize = 1;
static CLOCK_GETTIME: AtomicUsize = AtomicUsize::new(UNRESOLVED);
static GETRANDOM: AtomicUsize = AtomicUsize::new(UNRESOLVED);

/// The vDSO's `getrandom` (Linux 6.11+ on x86_64, 6.12 on arm64, 6.16 on riscv64):
/// `(buffer, len, flags, opaque_state, opaque_len)`, the bytes written or -errno. Called
/// as `(NULL, 0, 0, &params, ~0)` it fills `struct vgetrandom_opaque_params` instead.
pub type Getrandom = unsafe extern "C" fn(
    buf: *mut u8,
    len: usize,
    flags: u32,
    state: *mut u8,
    state_len: usize,
) -> isize;

const AT_SYSINFO_EHDR: usize = linux_raw_sys::auxvec::AT_SYSINFO_EHDR as usize;
const PAGE: usize = 4096;

/// The vDSO `clock_gettime`, resolved on first use; None means use the syscall.
#[inline]
pub fn clock_gettime() -> Option<ClockGettime> {
    let mut f = CLOCK_GETTIME.load(Ordering::Relaxed);
    if f == UNRESOLVED {
        f = resolve().unwrap_or(ABSENT);
        CLOCK_GETTIME.store(f, Ordering::Relaxed);
    }
    // SAFETY: anything other than the two markers is the address of the checked symbol.
    (f != ABSENT).then(|| unsafe { core::mem::transmute::<usize, ClockGettime>(f) })
}

/// The vDSO `getrandom`, resolved on first use; None (kernels before it, qemu-user's
/// own vDSO) means use the system call.
#[inline]
pub fn getrandom() -> Option<Getrandom> {
    let mut f = GETRANDOM.load(Ordering::Relaxed);
    if f == UNRESOLVED {
        f = resolve_getrandom().unwrap_or(ABSENT);
        GETRANDOM.store(f, Ordering::Relaxed);
    }
    // SAFETY: anything other than the two markers is the address of the checked symbol.
    (f != ABSENT).then(|| unsafe { core::mem::transmute::<usize, Getrandom>(f) })
}

/// Makes every later call use the system call (for tests and for comparison);
/// `use_vdso(true)` looks the vDSO up again.
pub fn use_vdso(enabled: bool) {
    CLOCK_GETTIME.store(if enabled { UNRESOLVED } else { ABSENT }, Ordering::Relaxed);
}

fn resolve() -> Option<usize> {
    resolve_symbol(arch::VDSO_CLOCK_GETTIME)
}

/// The address of the vDSO's `getrandom`.
fn resolve_getrandom() -> Option<usize> {
    resolve_symbol(arch::VDSO_GETRANDOM)
}

/// The address of `name` at `version` in the vDSO.
fn resolve_symbol((name, version): (&[u8], &[u8])) -> Option<usize> {
    let base = sysinfo_ehdr()?;
    // A bootstrap build's auxv is the one the kernel (or qemu-user) laid out for this
    // program, so its vDSO is mapped and readable and is read in place; any other
    // auxv goes through the checked copy of [`find_symbol`].
    #[cfg(feature = "bootstrap")]
    // SAFETY: `load_image` reads from the header to the end of the first PT_LOAD
    // segment at most, all of which the kernel mapped readable.
    let (image, segments) =
        load_image(|len| Some(unsafe { core::slice::from_raw_parts(base as *const u8, len) }))?;
    #[cfg(not(feature = "bootstrap"))]
    let (image, segments) = load_image(|len| kernel_copy(base, len))?;
    #[allow(clippy::needless_borrow)] // a Vec in builds without `bootstrap`
    let offset = lookup(&Image(&image), segments, name, version, Hash::Any)?;
    base.checked_add(offset)
}

/// Which symbol table index [`find_symbol`] may use (tests pin one down).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Hash {
    /// DT_HASH when present, else DT_GNU_HASH.
    Any,
    /// DT_GNU_HASH only (arm64's vDSO may have nothing else).
    Gnu,
}

/// The address of `name` at `version` in the ELF image mapped at `base`, or None
/// when the image can not be read, is not this architecture's, is malformed, or
/// lacks the symbol.
///
/// The image is not read in place: the kernel copies it (through a pipe), and a
/// page that is unmapped or unreadable (PROT_NONE) is its `EFAULT`, never a fault
/// here. The copy is then parsed as [`find_symbol_in`] does, every read checked.
///
/// # Safety
/// Reading up to the end of the image's first PT_LOAD segment from `base` (at most
/// 1 MiB) must have no side effects: `base` is an ELF image such as the vDSO the
/// auxv names, not device memory. A function at the address returned is what the
/// image says it is; calling it is the caller's responsibility.
pub unsafe fn find_symbol(base: usize, name: &[u8], version: &[u8], hash: Hash) -> Option<usize> {
    let (image, segments) = load_image(|len| kernel_copy(base, len))?;
    let offset = lookup(&Image(&image), segments, name, version, hash)?;
    base.checked_add(offset)
}

/// The offset within `image` (an ELF file's bytes as mapped, from its header on) of
/// `name` at `version`, or None when the image is not a 64-bit little-endian ELF of
/// this architecture, is malformed, or lacks the symbol. Every read is checked for
/// range and alignment against `image`; an `image` that does not start at an 8-byte
/// boundary (where a mapped or allocated image starts) fails the alignment checks.
pub fn find_symbol_in(image: &[u8], name: &[u8], version: &[u8], hash_kind: Hash) -> Option<usize> {
    let img = Image(image);
    lookup(&img, segments(&img)?, name, version, hash_kind)
}

/// [`find_symbol_in`] with the image's program headers already read.
fn lookup(
    img: &Image,
    segments: Segments,
    name: &[u8],
    version: &[u8],
    hash_kind: Hash,
) -> Option<usize> {
    let (load, dynamic) = (segments.load?, segments.dynamic?);
    // Addresses in the image are virtual addresses of its first PT_LOAD segment.
    let at = |vaddr: usize| vaddr.checked_sub(load.vaddr)?.checked_add(load.offset);
    // The dynamic entries wanted; an offset of 0 (the ELF header) is none.
    use linux_raw_sys::elf::{DT_GNU_HASH, DT_HASH, DT_NULL, DT_STRTAB, DT_SYMTAB};
    use linux_raw_sys::elf::{DT_VERDEF, DT_VERSYM};
    const WANTED: [usize; 6] = [
        DT_SYMTAB,
        DT_STRTAB,
        DT_HASH,
        DT_GNU_HASH,
        DT_VERSYM,
        DT_VERDEF,
    ];
    let mut found = [0; 6];
    let table = at(dynamic)?;
    for i in 0.. {
        let entry = img.get::<Elf_Dyn>(table, i)?;
        if entry.d_tag == DT_NULL {
            break;
        }
        if let Some((_, slot)) = WANTED
            .iter()
            .zip(&mut found)
            .find(|(t, _)| **t == entry.d_tag)
        {
            // SAFETY: both union fields are plain integers of the same size.
            *slot = at(unsafe { entry.d_un.d_ptr }).unwrap_or(0);
        }
    }
    let [symtab, strtab, hash, gnu_hash, versym, verdef] = found;
    if symtab == 0 || strtab == 0 {
        return None;
    }
    let nsyms = if hash != 0 && hash_kind == Hash::Any {
        // nchain, the table's second word: one per symbol.
        img.get::<u32>(hash, 1)? as usize
    } else {
        gnu_hash_symbol_count(img, gnu_hash)?
    };
    for i in 0..nsyms {
        let sym = img.get::<Elf_Sym>(symtab, i)?;
        // The low four bits of st_info are the symbol's type.
        let is_func = u32::from(sym.st_info & 0xf) == linux_raw_sys::elf_uapi::STT_FUNC;
        if !is_func || sym.st_shndx == 0 || !img.c_str_is(strtab, sym.st_name as usize, name) {
            continue;
        }
        if versym != 0 && !version_is(img, img.get::<u16>(versym, i)?, verdef, strtab, version) {
            continue;
        }
        let offset = at(sym.st_value)?;
        return (offset < img.0.len()).then_some(offset);
    }
    None
}

/// What the program headers of a valid ELF header at the start of an image say,
/// from those of them that lie inside it.
struct Segments {
    /// Where the program headers end (more than the image's length when it does
    /// not hold them all).
    end: usize,
    /// The first PT_LOAD segment.
    load: Option<Segment>,
    /// The virtual address of the first PT_DYNAMIC segment.
    dynamic: Option<usize>,
}

/// Where a segment is in memory and in the file.
struct Segment {
    /// p_vaddr.
    vaddr: usize,
    /// p_offset.
    offset: usize,
    /// p_filesz.
    size: usize,
}

/// The program headers of `img`, or None when its ELF header is not valid.
fn segments(img: &Image) -> Option<Segments> {
    let eh = img.get::<Elf_Ehdr>(0, 0)?;
    use linux_raw_sys::elf::{EI_CLASS, EI_DATA, ELFCLASS, ELFDATA, ELFMAG, SELFMAG};
    let ok = eh.e_ident[..SELFMAG] == ELFMAG
        && eh.e_ident[EI_CLASS] == ELFCLASS // 64-bit on these targets
        && eh.e_ident[EI_DATA] == ELFDATA // little-endian on these targets
        && eh.e_machine == arch::ELF_MACHINE
        && usize::from(eh.e_phentsize) == size_of::<Elf_Phdr>();
    if !ok {
        return None;
    }
    let count = usize::from(eh.e_phnum);
    let mut found = Segments {
        end: eh.e_phoff.saturating_add(count * size_of::<Elf_Phdr>()),
        load: None,
        dynamic: None,
    };
    // Backwards, so that the first header of each kind is the one kept.
    for i in (0..count).rev() {
        let Some(p) = img.get::<Elf_Phdr>(eh.e_phoff, i) else {
            continue; // outside the image, or misaligned
        };
        match p.p_type {
            linux_raw_sys::elf::PT_LOAD => {
                found.load = Some(Segment {
                    vaddr: p.p_vaddr,
                    offset: p.p_offset,
                    size: p.p_filesz,
                })
            }
            linux_raw_sys::elf::PT_DYNAMIC => found.dynamic = Some(p.p_vaddr),
            _ => {}
        }
    }
    Some(found)
}

/// How many symbols a DT_GNU_HASH table covers: past the highest bucket's chain end.
fn gnu_hash_symbol_count(img: &Image, table: usize) -> Option<usize> {
    if table == 0 {
        return None;
    }
    // Indexes count 32-bit words from `table`: sums of u32 words, or bounded by the
    // image for the chain, so none overflows on these 64-bit targets.
    let word = |i: usize| img.get::<u32>(table, i).map(|w| w as usize);
    let (nbuckets, symoffset, bloom_words) = (word(0)?, word(1)?, word(2)?);
    let buckets = 4 + bloom_words * (size_of::<usize>() / 4);
    let mut last = 0;
    for b in 0..nbuckets {
        last = last.max(word(buckets + b)?);
    }
    if last < symoffset {
        return Some(symoffset);
    }
    // Symbol n's chain word is at `chain + n`: n is at least symoffset here, so
    // the sum is in range where the difference alone may wrap.
    let chain = (buckets + nbuckets).wrapping_sub(symoffset);
    // Each step reads one more word: the image's end stops a chain with no end bit.
    while word(chain.wrapping_add(last))? & 1 == 0 {
        last += 1;
    }
    Some(last + 1)
}

/// Whether version index `versym` names `version` in the DT_VERDEF list at `verdef`
/// (0: none).
fn version_is(img: &Image, versym: u16, verdef: usize, strtab: usize, version: &[u8]) -> bool {
    if versym & 0x8000 != 0 || verdef == 0 {
        return false; // hidden, or no definitions
    }
    let mut def = verdef;
    // `def` is inside the image (it was just read), so adding a u32 to it does
    // not overflow.
    while let Some(vd) = img.get::<Elf_Verdef>(def, 0) {
        if vd.vd_ndx == versym {
            return img
                .get::<Elf_Verdaux>(def + vd.vd_aux as usize, 0)
                .is_some_and(|aux| img.c_str_is(strtab, aux.vda_name as usize, version));
        }
        // Each step moves forward, so the image's end ends the walk.
        if vd.vd_next == 0 {
            return false;
        }
        def += vd.vd_next as usize;
    }
    false
}

/// Types every bit pattern of which is a valid value (integers and structs of them).
///
/// # Safety
/// Implement only for such types.
unsafe trait Plain {}
// SAFETY: an integer.
unsafe impl Plain for u16 {}
// SAFETY: an integer.
unsafe impl Plain for u32 {}
// SAFETY: a `repr(C)` struct of integers.
unsafe impl Plain for Elf_Ehdr {}
// SAFETY: a `repr(C)` struct of integers.
unsafe impl Plain for Elf_Phdr {}
// SAFETY: a `repr(C)` struct of an integer and a union of two integers.
unsafe impl Plain for Elf_Dyn {}
// SAFETY: a `repr(C)` struct of integers.
unsafe impl Plain for Elf_Sym {}
// SAFETY: a `repr(C)` struct of integers.
unsafe impl Plain for Elf_Verdef {}
// SAFETY: a `repr(C)` struct of integers.
unsafe impl Plain for Elf_Verdaux {}

/// An ELF image's bytes; every read is checked against them.
struct Image<'a>(&'a [u8]);

impl Image<'_> {
    /// Entry `index` of a table of `T` at offset `table`: None unless it lies wholly
    /// inside the image and the table's address is a multiple of `T`'s alignment
    /// (the ELF layout's own alignment, which an image mapped or copied at an 8-byte
    /// boundary keeps). Aligned reads: riscv64 has no cheap unaligned load, and
    /// byte-by-byte reads made this lookup 0.8 KB larger there. The check is on
    /// what is left after `table`, so no offset computed here can overflow.
    fn get<T: Plain>(&self, table: usize, index: usize) -> Option<T> {
        let at = self.entry(table, index, size_of::<T>(), align_of::<T>())?;
        // SAFETY: `entry` checked that a `T` lies there, aligned; any bytes are a
        // valid `T`.
        Some(unsafe { (at as *const T).read() })
    }

    /// [`Self::get`]'s checks, for entries of `size` bytes aligned to `align`: the
    /// address of the entry. One function for every type, so the checks are not
    /// copied into each caller.
    #[inline(never)]
    fn entry(&self, table: usize, index: usize, size: usize, align: usize) -> Option<usize> {
        let room = self.0.len().checked_sub(table)?;
        let at = (self.0.as_ptr() as usize).wrapping_add(table);
        // A size is a multiple of the alignment (a power of two): an aligned table's
        // entries are too. (`checked_div`: no size is 0, but no panic path either.)
        if index >= room.checked_div(size)? || at & align.wrapping_sub(1) != 0 {
            return None;
        }
        Some(at + index * size)
    }

    /// Whether the NUL-terminated string at `table + index` is `want`.
    fn c_str_is(&self, table: usize, index: usize, want: &[u8]) -> bool {
        let rest = self.0.get(table..).and_then(|t| t.get(index..));
        // `want` and then its NUL: split, the NUL and what comes before it.
        rest.and_then(|s| s.get(..=want.len())?.split_last()) == Some((&0, want))
    }
}

/// The largest image [`find_symbol`] copies (a vDSO is two or three pages).
const MAX_IMAGE: usize = 1 << 20;

/// The ELF image through `read` (its first `len` bytes, or None): the header, then
/// the program headers, then everything up to the end of the first PT_LOAD segment
/// (or the program headers, if later). None for anything unreadable or odd.
fn load_image<B: core::ops::Deref<Target = [u8]>>(
    read: impl Fn(usize) -> Option<B>,
) -> Option<(B, Segments)> {
    // Each pass reads as much as the last one showed is needed (the header, then
    // the program headers, then the segment) until that is what was read.
    let mut len = size_of::<Elf_Ehdr>();
    loop {
        let bytes = read(len)?;
        let s = segments(&Image(&bytes))?;
        let want = if s.end > len {
            s.end
        } else {
            let load = s.load.as_ref()?;
            load.offset.checked_add(load.size)?.max(s.end)
        };
        if want == len {
            return Some((bytes, s));
        }
        if want > MAX_IMAGE {
            return None;
        }
        len = want;
    }
}

/// `len` bytes from `addr`, copied by the kernel through a pipe one page at a
/// time: memory that is not mapped is mincore's `ENOMEM`, memory that is mapped but
/// not readable the write's `EFAULT`.
fn kernel_copy(addr: usize, len: usize) -> Option<Copied> {
    use crate::io::{Fd, retry};
    addr.checked_add(len)?;
    let [r, w] = sys::pipe2(uapi::O_CLOEXEC).ok()?;
    let (r, w) = (Fd::from_raw(r), Fd::from_raw(w));
    let mut words = alloc::vec::Vec::<u64>::new();
    words.try_reserve_exact(len.div_ceil(8)).ok()?;
    // SAFETY: room for `len` bytes (in whole words) was reserved just above; they
    // are zeroed first, and `out` is the only view of them while it lives.
    let out = unsafe {
        words.as_mut_ptr().write_bytes(0, len.div_ceil(8));
        words.set_len(len.div_ceil(8));
        core::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), len)
    };
    let mut done = 0;
    while done < len {
        // At most a page, within one page: well under the pipe's capacity, and a
        // write of at most PIPE_BUF bytes is all or nothing.
        let chunk = (PAGE - (addr + done) % PAGE).min(len - done);
        // Unmapped pages are refused before the kernel is asked to read them
        // (mincore: ENOMEM), so a tool that checks system-call buffers (valgrind)
        // sees no read of memory that is not there.
        let page = (addr + done) & !(PAGE - 1);
        let mut resident = [0u8; 1];
        // SAFETY: one page, one byte of result.
        if unsafe { sys::mincore(page, PAGE, resident.as_mut_ptr()) }.is_err() {
            return None;
        }
        // SAFETY: the kernel reads the range and reports EFAULT if it can not.
        let n = retry(|| unsafe { sys::write(w.raw(), (addr + done) as *const u8, chunk) });
        if n != Ok(chunk) {
            return None;
        }
        let mut got = 0;
        while got < chunk {
            let dst = out.get_mut(done + got..done + chunk)?;
            // SAFETY: reading into a live part of `out`.
            match retry(|| unsafe { sys::read(r.raw(), dst.as_mut_ptr(), dst.len()) }) {
                Ok(n) if n > 0 => got += n,
                _ => return None,
            }
        }
        done += chunk;
    }
    Some(Copied { words, len })
}

/// The bytes [`kernel_copy`] made, kept in 8-byte words so that the copy keeps the
/// image's own alignment (see [`Image::get`]).
struct Copied {
    words: alloc::vec::Vec<u64>,
    len: usize,
}

impl core::ops::Deref for Copied {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: the words hold at least `len` initialised bytes.
        unsafe { core::slice::from_raw_parts(self.words.as_ptr().cast(), self.len) }
    }
}

/// The vDSO's address from the auxv, when there is one.
pub fn base() -> Option<usize> {
    sysinfo_ehdr()
}

/// AT_SYSINFO_EHDR from the first source that has one.
fn sysinfo_ehdr() -> Option<usize> {
    let from_entry = auxv::at_entry();
    if !from_entry.is_null() {
        // SAFETY: the entry's auxv pointer is the kernel's, AT_NULL-terminated.
        return unsafe { auxv::find(from_entry, usize::MAX, AT_SYSINFO_EHDR) }.filter(|&b| b != 0);
    }
    auxv_from_kernel()
}

/// In a bootstrap build our own entry always records the auxv: nothing to ask.
#[cfg(feature = "bootstrap")]
fn auxv_from_kernel() -> Option<usize> {
    None
}

/// A program with its own libc asks the kernel: PR_GET_AUXV (checked: under qemu-user
/// it is the host's), else /proc/self/auxv.
#[cfg(not(feature = "bootstrap"))]
fn auxv_from_kernel() -> Option<usize> {
    auxv::from_prctl(AT_SYSINFO_EHDR)
        .filter(|&b| b != 0 && looks_like_vdso(b))
        .or_else(|| auxv::from_proc(AT_SYSINFO_EHDR))
        .filter(|&b| b != 0)
}

/// A readable ELF header of this architecture at `base` (copied by the kernel).
#[cfg(not(feature = "bootstrap"))]
fn looks_like_vdso(base: usize) -> bool {
    kernel_copy(base, size_of::<Elf_Ehdr>()).is_some_and(|h| segments(&Image(&h)).is_some())
}
