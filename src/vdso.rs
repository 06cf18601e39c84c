//! `clock_gettime` through the vDSO, the kernel's code mapped into every process,
//! which reads the clock without entering the kernel.
//!
//! The vDSO is found through auxv `AT_SYSINFO_EHDR`: from the program entry in a
//! bootstrap build ([`crate::env::auxv`]), else `prctl(PR_GET_AUXV)` (Linux 6.4+), else
//! /proc/self/auxv. Its ELF image is checked (magic, 64-bit, little-endian, this
//! architecture's machine: under qemu-user the auxv handed over can be the host's)
//! and probed with `mincore` before it is read, the symbol is looked up through
//! DT_HASH or DT_GNU_HASH and its version checked. Whenever anything is missing or
//! odd, the answer is "no vDSO" and callers use the system call.

use crate::arch;
use crate::sys::{self, uapi};
use core::mem::size_of;
use core::sync::atomic::{AtomicUsize, Ordering};
use linux_raw_sys::elf::{Elf_Dyn, Elf_Ehdr, Elf_Phdr, Elf_Sym, Elf_Verdaux, Elf_Verdef};

/// The vDSO's `clock_gettime`: 0 or -errno, like the raw system call.
pub type ClockGettime = unsafe extern "C" fn(clock: i32, ts: *mut uapi::__kernel_timespec) -> i32;

const UNRESOLVED: usize = 0;
const ABSENT: usize = 1;
static CLOCK_GETTIME: AtomicUsize = AtomicUsize::new(UNRESOLVED);

const AT_NULL: usize = 0;
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

/// Makes every later call use the system call (for tests and for comparison);
/// `use_vdso(true)` looks the vDSO up again.
pub fn use_vdso(enabled: bool) {
    CLOCK_GETTIME.store(if enabled { UNRESOLVED } else { ABSENT }, Ordering::Relaxed);
}

fn resolve() -> Option<usize> {
    find_symbol(
        sysinfo_ehdr()?,
        arch::VDSO_CLOCK_GETTIME.0,
        arch::VDSO_CLOCK_GETTIME.1,
        Hash::Any,
    )
}

/// Which symbol table index [`find_symbol`] may use (tests pin one down).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Hash {
    /// DT_HASH when present, else DT_GNU_HASH.
    Any,
    /// DT_GNU_HASH only (arm64's vDSO may have nothing else).
    Gnu,
}

/// The address of `name` at `version` in an ELF image mapped at `base`, or None
/// when the image is not readable, not this architecture's, or lacks the symbol.
pub fn find_symbol(base: usize, name: &[u8], version: &[u8], hash: Hash) -> Option<usize> {
    // SAFETY: `lookup` reads only memory `mincore` showed to be mapped.
    unsafe { lookup(base, name, version, hash) }
}

/// The vDSO's address from the auxv, when there is one.
pub fn base() -> Option<usize> {
    sysinfo_ehdr()
}

/// AT_SYSINFO_EHDR from the first source that has one.
fn sysinfo_ehdr() -> Option<usize> {
    let from_entry = crate::env::auxv();
    if !from_entry.is_null() {
        // SAFETY: the entry's auxv pointer is the kernel's, AT_NULL-terminated.
        return unsafe { find(from_entry, usize::MAX) };
    }
    auxv_from_kernel()
}

/// In a bootstrap build our own entry always records the auxv: nothing to ask.
#[cfg(feature = "bootstrap")]
fn auxv_from_kernel() -> Option<usize> {
    None
}

/// A program with its own libc asks the kernel: PR_GET_AUXV, else /proc/self/auxv.
#[cfg(not(feature = "bootstrap"))]
fn auxv_from_kernel() -> Option<usize> {
    let mut auxv = [0usize; 128];
    // SAFETY: PR_GET_AUXV writes at most the given length into the buffer.
    let got = unsafe {
        sys::prctl(
            linux_raw_sys::prctl::PR_GET_AUXV,
            auxv.as_mut_ptr() as usize,
            size_of::<[usize; 128]>(),
            0,
            0,
        )
    };
    if let Ok(n) = got
        && n > 0
        && let Some(base) = unsafe { find(auxv.as_ptr(), (n / size_of::<usize>()).min(auxv.len())) }
        && looks_like_vdso(base)
    {
        return Some(base);
    }
    let data = crate::fs::read(b"/proc/self/auxv").ok()?;
    let words: alloc::vec::Vec<usize> = data
        .chunks_exact(size_of::<usize>())
        .map(|c| usize::from_ne_bytes(c.try_into().unwrap()))
        .collect();
    // SAFETY: a local copy, bounded by its length.
    unsafe { find(words.as_ptr(), words.len()) }
}

/// The AT_SYSINFO_EHDR value in (key, value) pairs, reading at most `words` words.
unsafe fn find(auxv: *const usize, words: usize) -> Option<usize> {
    let mut i = 0;
    while i + 1 < words {
        let (key, value) = unsafe { (*auxv.add(i), *auxv.add(i + 1)) };
        match key {
            AT_NULL => return None,
            AT_SYSINFO_EHDR if value != 0 => return Some(value),
            _ => i += 2,
        }
    }
    None
}

/// Whether `[addr, addr+len)` is mapped (mincore answers ENOMEM where it is not).
fn mapped(addr: usize, len: usize) -> bool {
    let start = addr & !(PAGE - 1);
    let pages = (addr + len - start).div_ceil(PAGE);
    let mut vec = [0u8; 64];
    // SAFETY: `vec` has a byte for each of at most 64 pages.
    pages <= vec.len() && unsafe { sys::mincore(start, pages * PAGE, vec.as_mut_ptr()) }.is_ok()
}

/// A readable ELF header of this architecture at `base`.
fn looks_like_vdso(base: usize) -> bool {
    if !base.is_multiple_of(size_of::<usize>()) || !mapped(base, size_of::<Elf_Ehdr>()) {
        return false;
    }
    // SAFETY: mapped and aligned, checked just above.
    let eh = unsafe { &*(base as *const Elf_Ehdr) };
    eh.e_ident[..4] == *b"\x7fELF"
        && eh.e_ident[4] == 2 // ELFCLASS64
        && eh.e_ident[5] == 1 // ELFDATA2LSB
        && eh.e_machine == arch::ELF_MACHINE
        && usize::from(eh.e_phentsize) == size_of::<Elf_Phdr>()
        && mapped(base + eh.e_phoff, usize::from(eh.e_phnum) * size_of::<Elf_Phdr>())
}

/// The address of `name` at version `version` in the vDSO image at `base`.
///
/// # Safety
/// `base` must be the address the auxv gave; everything read is probed first.
unsafe fn lookup(base: usize, name: &[u8], version: &[u8], hash_kind: Hash) -> Option<usize> {
    if !looks_like_vdso(base) {
        return None;
    }
    unsafe {
        let eh = &*(base as *const Elf_Ehdr);
        let phdrs = core::slice::from_raw_parts(
            (base + eh.e_phoff) as *const Elf_Phdr,
            usize::from(eh.e_phnum),
        );
        let load = phdrs
            .iter()
            .find(|p| p.p_type == linux_raw_sys::elf::PT_LOAD)?;
        let dynamic = phdrs
            .iter()
            .find(|p| p.p_type == linux_raw_sys::elf::PT_DYNAMIC)?;
        // The image is mapped at `base`; its addresses are relative to the first load.
        let bias = base.wrapping_add(load.p_offset).wrapping_sub(load.p_vaddr);
        let image_end = load.p_vaddr.wrapping_add(load.p_memsz).wrapping_add(bias);
        if image_end <= base || !mapped(base, image_end - base) {
            return None;
        }
        let inside = |addr: usize| addr >= base && addr < image_end;
        let (mut symtab, mut strtab, mut hash, mut gnu_hash, mut versym, mut verdef) =
            (0, 0, 0, 0, 0, 0);
        let mut d = dynamic.p_vaddr.wrapping_add(bias) as *const Elf_Dyn;
        while inside(d as usize) && (*d).d_tag != linux_raw_sys::elf::DT_NULL {
            let at = (*d).d_un.d_ptr.wrapping_add(bias);
            match (*d).d_tag {
                linux_raw_sys::elf::DT_SYMTAB => symtab = at,
                linux_raw_sys::elf::DT_STRTAB => strtab = at,
                linux_raw_sys::elf::DT_HASH => hash = at,
                linux_raw_sys::elf::DT_GNU_HASH => gnu_hash = at,
                linux_raw_sys::elf::DT_VERSYM => versym = at,
                linux_raw_sys::elf::DT_VERDEF => verdef = at,
                _ => {}
            }
            d = d.add(1);
        }
        if !inside(symtab) || !inside(strtab) {
            return None;
        }
        let count = if inside(hash) && hash_kind == Hash::Any {
            *((hash + 4) as *const u32) as usize // nchain: one per symbol
        } else if inside(gnu_hash) {
            gnu_hash_symbol_count(gnu_hash, &inside)?
        } else {
            return None;
        };
        let c_str_is = |at: usize, want: &[u8]| {
            (0..=want.len())
                .all(|i| inside(at + i) && *((at + i) as *const u8) == *want.get(i).unwrap_or(&0))
        };
        for i in 0..count {
            let sym = &*((symtab + i * size_of::<Elf_Sym>()) as *const Elf_Sym);
            if !inside(symtab + (i + 1) * size_of::<Elf_Sym>() - 1) {
                return None;
            }
            let is_func = sym.st_info & 0xf == 2; // STT_FUNC
            if !is_func || sym.st_shndx == 0 || !c_str_is(strtab + sym.st_name as usize, name) {
                continue;
            }
            if inside(versym)
                && !version_is(
                    *((versym + 2 * i) as *const u16),
                    verdef,
                    strtab,
                    version,
                    &inside,
                    &c_str_is,
                )
            {
                continue;
            }
            let addr = sym.st_value.wrapping_add(bias);
            return inside(addr).then_some(addr);
        }
        None
    }
}

/// How many symbols a DT_GNU_HASH table covers: past the highest bucket's chain end.
unsafe fn gnu_hash_symbol_count(table: usize, inside: &dyn Fn(usize) -> bool) -> Option<usize> {
    unsafe {
        let word = |i: usize| -> Option<u32> {
            let at = table + 4 * i;
            inside(at + 3).then(|| *(at as *const u32))
        };
        let (nbuckets, symoffset, bloom_words) =
            (word(0)? as usize, word(1)? as usize, word(2)? as usize);
        let buckets = 4 + bloom_words * size_of::<usize>() / 4;
        let mut last = 0;
        for b in 0..nbuckets {
            last = last.max(word(buckets + b)? as usize);
        }
        if last < symoffset {
            return Some(symoffset);
        }
        let chain = buckets + nbuckets;
        while word(chain + last - symoffset)? & 1 == 0 {
            last += 1;
        }
        Some(last + 1)
    }
}

/// Whether version index `versym` names `version` in the DT_VERDEF list.
unsafe fn version_is(
    versym: u16,
    verdef: usize,
    strtab: usize,
    version: &[u8],
    inside: &dyn Fn(usize) -> bool,
    c_str_is: &dyn Fn(usize, &[u8]) -> bool,
) -> bool {
    if versym & 0x8000 != 0 {
        return false; // hidden
    }
    let mut def = verdef;
    unsafe {
        while inside(def) && inside(def + size_of::<Elf_Verdef>() - 1) {
            let vd = &*(def as *const Elf_Verdef);
            if vd.vd_ndx == versym & 0x7fff {
                let aux = def + vd.vd_aux as usize;
                return inside(aux)
                    && c_str_is(
                        strtab + (*(aux as *const Elf_Verdaux)).vda_name as usize,
                        version,
                    );
            }
            if vd.vd_next == 0 {
                return false;
            }
            def += vd.vd_next as usize;
        }
    }
    false
}
