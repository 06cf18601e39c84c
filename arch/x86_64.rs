//! x86_64 system-call instructions: the only asm for this architecture.
//!
//! ABI: `syscall`; number and result in rax; arguments in rdi, rsi, rdx, r10, r8, r9.
//! The instruction itself overwrites rcx (return address) and r11 (saved rflags);
//! the kernel preserves every other register and the flags it restores from r11.

use core::arch::asm;

#[inline(always)]
pub unsafe fn syscall0(nr: usize) -> usize {
    let ret;
    unsafe {
        asm!("syscall", inlateout("rax") nr => ret,
            out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall1(nr: usize, a0: usize) -> usize {
    let ret;
    unsafe {
        asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0,
            out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall2(nr: usize, a0: usize, a1: usize) -> usize {
    let ret;
    unsafe {
        asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0, in("rsi") a1,
            out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall3(nr: usize, a0: usize, a1: usize, a2: usize) -> usize {
    let ret;
    unsafe {
        asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0, in("rsi") a1, in("rdx") a2,
            out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall4(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize) -> usize {
    let ret;
    unsafe {
        asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0, in("rsi") a1, in("rdx") a2,
            in("r10") a3, out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall5(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> usize {
    let ret;
    unsafe {
        asm!("syscall", inlateout("rax") nr => ret, in("rdi") a0, in("rsi") a1, in("rdx") a2,
            in("r10") a3, in("r8") a4, out("rcx") _, out("r11") _, options(nostack, preserves_flags));
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall6(
    nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize,
) -> usize {
    let ret;
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
    unsafe { asm!("syscall", "ud2", in("rax") nr, in("rdi") a0, options(noreturn, nostack)) }
}
