//! riscv64 system-call instructions: the only asm for this architecture.
//!
//! ABI: `ecall`; number in a7; arguments in a0..a5; result in a0. The kernel
//! preserves the integer and float registers but not the vector registers, so a
//! build with the V extension must treat them as clobbered (see `vector_clobbers`).

use core::arch::asm;

/// Every syscall asm block goes through this macro so the vector clobbers, needed
/// only when the compiler may keep values in vector registers, are written once.
macro_rules! ecall {
    ($($operands:tt)*) => {{
        #[cfg(target_feature = "v")]
        asm!("ecall", $($operands)*,
            out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _,
            out("v6") _, out("v7") _, out("v8") _, out("v9") _, out("v10") _, out("v11") _,
            out("v12") _, out("v13") _, out("v14") _, out("v15") _, out("v16") _,
            out("v17") _, out("v18") _, out("v19") _, out("v20") _, out("v21") _,
            out("v22") _, out("v23") _, out("v24") _, out("v25") _, out("v26") _,
            out("v27") _, out("v28") _, out("v29") _, out("v30") _, out("v31") _,
            options(nostack));
        #[cfg(not(target_feature = "v"))]
        asm!("ecall", $($operands)*, options(nostack));
    }};
}

#[inline(always)]
pub unsafe fn syscall0(nr: usize) -> usize {
    let ret;
    unsafe { ecall!(in("a7") nr, lateout("a0") ret) }
    ret
}

#[inline(always)]
pub unsafe fn syscall1(nr: usize, a0: usize) -> usize {
    let ret;
    unsafe { ecall!(in("a7") nr, inlateout("a0") a0 => ret) }
    ret
}

#[inline(always)]
pub unsafe fn syscall2(nr: usize, a0: usize, a1: usize) -> usize {
    let ret;
    unsafe { ecall!(in("a7") nr, inlateout("a0") a0 => ret, in("a1") a1) }
    ret
}

#[inline(always)]
pub unsafe fn syscall3(nr: usize, a0: usize, a1: usize, a2: usize) -> usize {
    let ret;
    unsafe { ecall!(in("a7") nr, inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2) }
    ret
}

#[inline(always)]
pub unsafe fn syscall4(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize) -> usize {
    let ret;
    unsafe {
        ecall!(in("a7") nr, inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2, in("a3") a3)
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall5(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> usize {
    let ret;
    unsafe {
        ecall!(in("a7") nr, inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2, in("a3") a3,
            in("a4") a4)
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall6(
    nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize,
) -> usize {
    let ret;
    unsafe {
        ecall!(in("a7") nr, inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2, in("a3") a3,
            in("a4") a4, in("a5") a5)
    }
    ret
}

/// A one-argument call that never returns (exit_group). The trap after it makes a
/// kernel that did return fault at once instead of running into whatever follows.
#[inline(always)]
pub unsafe fn syscall1_noreturn(nr: usize, a0: usize) -> ! {
    unsafe { asm!("ecall", "unimp", in("a7") nr, in("a0") a0, options(noreturn, nostack)) }
}
