//! x86_64 system-call instructions: the only asm for this architecture.
//!
//! ABI: `syscall`; number and result in rax; arguments in rdi, rsi, rdx, r10, r8, r9.
//! The instruction itself overwrites rcx (return address) and r11 (saved rflags);
//! the kernel preserves every other register and the flags it restores from r11.

use core::arch::asm;

#[inline(always)]
pub unsafe fn syscall0(nr: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        asm!("syscall", inlateout("rax") nr => ret,
            out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall1(nr: usize, a0: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0,
            out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall2(nr: usize, a0: usize, a1: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0, in("rsi") a1,
            out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall3(nr: usize, a0: usize, a1: usize, a2: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0, in("rsi") a1, in("rdx") a2,
            out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall4(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0, in("rsi") a1, in("rdx") a2,
            in("r10") a3, out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall5(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0, in("rsi") a1, in("rdx") a2,
            in("r10") a3, in("r8") a4, out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall6(
    nr: usize,
    a0: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0, in("rsi") a1, in("rdx") a2,
            in("r10") a3, in("r8") a4, in("r9") a5,
            out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    ret
}

/// A one-argument call that never returns (exit_group). The trap after it makes a
/// kernel that did return fault at once instead of running into whatever follows.
#[inline(always)]
pub unsafe fn syscall1_noreturn(nr: usize, a0: usize) -> ! {
    // SAFETY: forwarded from this function's own contract.
    unsafe { asm!("syscall", "ud2", in("rax") nr, in("rdi") a0, options(noreturn, nostack)) }
}

/// `clone` onto `stack` (its top, 16-byte aligned); in the child, `child(arg)` runs
/// there and never returns. Returns the raw result in the parent. Registers the
/// child needs after the syscall are ones the kernel preserves (r9, r12).
#[inline(always)]
pub unsafe fn clone_run(
    nr: usize,
    flags: usize,
    stack: *mut u8,
    child: unsafe extern "C" fn(*mut u8) -> !,
    arg: *mut u8,
) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        asm!(
            "syscall",
            "test rax, rax",
            "jnz 2f",
            // The child, on its own stack: no frame to return to.
            "xor ebp, ebp",
            "mov rdi, r12",
            "call r9",
            "ud2",
            "2:",
            inlateout("rax") nr => ret,
            in("rdi") flags, in("rsi") stack, in("rdx") 0usize, in("r10") 0usize, in("r8") 0usize,
            in("r9") child, in("r12") arg,
            out("rcx") _, out("r11") _,
            options(nostack),
        );
    }
    ret
}

/// The return path of a signal handler: x86_64 requires one (`SA_RESTORER`); aarch64
/// and riscv64 return through the vDSO's.
#[unsafe(naked)]
pub unsafe extern "C" fn signal_restorer() {
    core::arch::naked_asm!(
        "mov eax, {nr}",
        "syscall",
        "ud2",
        nr = const linux_raw_sys::general::__NR_rt_sigreturn,
    )
}

/// The vDSO's clock_gettime on this architecture: symbol name and version.
pub const VDSO_CLOCK_GETTIME: (&[u8], &[u8]) = (b"__vdso_clock_gettime", b"LINUX_2.6");
/// The vDSO's getrandom on this architecture (Linux 6.11+): symbol name and version.
pub const VDSO_GETRANDOM: (&[u8], &[u8]) = (b"__vdso_getrandom", b"LINUX_2.6");
/// `e_machine` of this architecture's ELF files (EM_X86_64).
pub const ELF_MACHINE: u16 = linux_raw_sys::elf_uapi::EM_X86_64 as u16;

/// Program entry and the memory functions a no-libc executable must bring.
#[cfg(feature = "bootstrap")]
pub mod program {
    use core::arch::naked_asm;

    /// The kernel starts here with rsp at argc. Clear the frame pointer, align the
    /// stack, push a zero return address (nothing to unwind into) and jump to Rust.
    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn _start() -> ! {
        naked_asm!(
            "xor ebp, ebp",
            "mov rdi, rsp",
            "and rsp, -16",
            "push 0",
            "jmp {entry}",
            entry = sym crate::start::entry,
        )
    }

    // Without libc nothing else defines these (core's CStr needs strlen too), and the compiler emits calls to them.
    // Small rather than fast: the string instructions do the work.

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        naked_asm!("mov rax, rdi", "mov rcx, rdx", "rep movsb", "ret")
    }

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        naked_asm!(
            "mov rax, rdi",
            "mov rcx, rdx",
            "cmp rdi, rsi",
            "jbe 2f",
            // dst above src: copy from the end down, so overlap reads before it writes.
            "lea rsi, [rsi + rdx - 1]",
            "lea rdi, [rdi + rdx - 1]",
            "std",
            "rep movsb",
            "cld",
            "ret",
            "2:",
            "rep movsb",
            "ret",
        )
    }

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memset(dst: *mut u8, byte: i32, n: usize) -> *mut u8 {
        naked_asm!(
            "mov r8, rdi",
            "mov eax, esi",
            "mov rcx, rdx",
            "rep stosb",
            "mov rax, r8",
            "ret"
        )
    }

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        naked_asm!(
            "xor eax, eax",
            "test rdx, rdx",
            "jz 3f",
            "2:",
            "movzx eax, byte ptr [rdi]",
            "movzx ecx, byte ptr [rsi]",
            "sub eax, ecx",
            "jnz 3f",
            "inc rdi",
            "inc rsi",
            "dec rdx",
            "jnz 2b",
            "3:",
            "ret",
        )
    }

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        naked_asm!("jmp {memcmp}", memcmp = sym memcmp)
    }
    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn strlen(s: *const u8) -> usize {
        naked_asm!(
            "mov rax, rdi",
            "2:",
            "cmp byte ptr [rax], 0",
            "je 3f",
            "inc rax",
            "jmp 2b",
            "3:",
            "sub rax, rdi",
            "ret",
        )
    }
}
