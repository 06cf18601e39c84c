//! aarch64 system-call instructions: the only asm for this architecture.
//!
//! ABI: `svc 0`; number in x8; arguments in x0..x5; result in x0. The kernel
//! preserves every other general register and the condition flags, and the low 128
//! bits of the vector registers; with SVE it zeroes the rest of z0..z31 and the
//! predicate registers p0..p15 and ffr. Code built with SVE may inline ours (LTO), so
//! every build declares those clobbered (see `svc`).

use core::arch::asm;

/// Every syscall asm block goes through this macro (the template defaults to
/// `svc 0`) so the clobbers are written once: v0..v7, v16..v31 and p0..p15 in every
/// build (caller-saved anyway: declaring them costs nothing), v8..v15 only with SVE
/// (see the cfg below). Clobbering a v register takes the whole z register:
/// a z register shares its low part with the v register. ffr is not listed: LLVM
/// reserves it (never keeps a value there across statements), and names it in a
/// clobber list only to warn that a reserved register can not be clobbered.
macro_rules! svc {
    ([$($template:literal),+] $($operands:tt)*) => {{
        // v8-v15 only with SVE: their low 128 bits survive a syscall, and declaring
        // them makes every caller save d8-d15.
        #[cfg(target_feature = "sve")]
        svc!(@clobbering [$($template),+] [$($operands)*]
            out("v8") _, out("v9") _, out("v10") _, out("v11") _, out("v12") _,
            out("v13") _, out("v14") _, out("v15") _,);
        #[cfg(not(target_feature = "sve"))]
        svc!(@clobbering [$($template),+] [$($operands)*]);
    }};
    (@clobbering [$($template:literal),+] [$($operands:tt)*] $($more:tt)*) => {
        asm!($($template),+, $($operands)*, $($more)*
            out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _,
            out("v6") _, out("v7") _, out("v16") _,
            out("v17") _, out("v18") _, out("v19") _, out("v20") _, out("v21") _,
            out("v22") _, out("v23") _, out("v24") _, out("v25") _, out("v26") _,
            out("v27") _, out("v28") _, out("v29") _, out("v30") _, out("v31") _,
            out("p0") _, out("p1") _, out("p2") _, out("p3") _, out("p4") _, out("p5") _,
            out("p6") _, out("p7") _, out("p8") _, out("p9") _, out("p10") _, out("p11") _,
            out("p12") _, out("p13") _, out("p14") _, out("p15") _,
            options(nostack, preserves_flags))
    };
    ($($operands:tt)*) => { svc!(["svc 0"] $($operands)*) };
}

#[inline(always)]
pub unsafe fn syscall0(nr: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        svc!(in("x8") nr, lateout("x0") ret);
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall1(nr: usize, a0: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        svc!(in("x8") nr, inlateout("x0") a0 => ret);
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall2(nr: usize, a0: usize, a1: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        svc!(in("x8") nr, inlateout("x0") a0 => ret, in("x1") a1);
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall3(nr: usize, a0: usize, a1: usize, a2: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        svc!(in("x8") nr, inlateout("x0") a0 => ret, in("x1") a1, in("x2") a2);
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall4(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        svc!(in("x8") nr, inlateout("x0") a0 => ret, in("x1") a1, in("x2") a2,
            in("x3") a3);
    }
    ret
}

#[inline(always)]
pub unsafe fn syscall5(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        svc!(in("x8") nr, inlateout("x0") a0 => ret, in("x1") a1, in("x2") a2,
            in("x3") a3, in("x4") a4);
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
        svc!(in("x8") nr, inlateout("x0") a0 => ret, in("x1") a1, in("x2") a2,
            in("x3") a3, in("x4") a4, in("x5") a5);
    }
    ret
}

/// A one-argument call that never returns (exit_group). The trap after it makes a
/// kernel that did return fault at once instead of running into whatever follows.
#[inline(always)]
pub unsafe fn syscall1_noreturn(nr: usize, a0: usize) -> ! {
    // SAFETY: forwarded from this function's own contract.
    unsafe { asm!("svc 0", "udf #0", in("x8") nr, in("x0") a0, options(noreturn, nostack)) }
}

/// `clone` onto `stack` (its top, 16-byte aligned); in the child, `child(arg)` runs
/// there and never returns. Returns the raw result in the parent. The kernel
/// preserves every register but x0, so x9 and x10 carry the child's function.
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
        svc!(
            [
                "svc 0",
                "cbnz x0, 2f",
                // The child, on its own stack: no frame to return to.
                "mov x29, xzr",
                "mov x30, xzr",
                "mov x0, x9",
                "blr x10",
                "udf #0",
                "2:"
            ]
            in("x8") nr,
            inlateout("x0") flags => ret, in("x1") stack, in("x2") 0usize, in("x3") 0usize, in("x4") 0usize,
            in("x9") arg, in("x10") child
        );
    }
    ret
}

/// The vDSO's clock_gettime on this architecture: symbol name and version.
pub const VDSO_CLOCK_GETTIME: (&[u8], &[u8]) = (b"__kernel_clock_gettime", b"LINUX_2.6.39");
/// The vDSO's getrandom on this architecture (Linux 6.12+): symbol name and version.
pub const VDSO_GETRANDOM: (&[u8], &[u8]) = (b"__kernel_getrandom", b"LINUX_2.6.39");
/// `e_machine` of this architecture's ELF files (EM_AARCH64).
pub const ELF_MACHINE: u16 = linux_raw_sys::elf_uapi::EM_AARCH64 as u16;

/// Program entry and the memory functions a no-libc executable must bring.
#[cfg(feature = "bootstrap")]
pub mod program {
    use core::arch::naked_asm;

    /// The kernel starts here with sp at argc. Clear the frame pointer and link
    /// register (nothing to unwind into), align the stack and jump to Rust.
    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn _start() -> ! {
        naked_asm!(
            "mov x29, xzr",
            "mov x30, xzr",
            "mov x0, sp",
            "and x1, x0, #-16",
            "mov sp, x1",
            "b {entry}",
            entry = sym crate::start::entry,
        )
    }

    // Without libc nothing else defines these (core's CStr needs strlen too), and the compiler emits calls to them.
    // Small rather than fast: byte loops.

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        naked_asm!(
            "mov x3, x0",
            "cbz x2, 2f",
            "1:",
            "ldrb w4, [x1], #1",
            "strb w4, [x3], #1",
            "subs x2, x2, #1",
            "b.ne 1b",
            "2:",
            "ret",
        )
    }

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        naked_asm!(
            "cmp x0, x1",
            "b.hi 3f",
            "b {memcpy}",
            "3:",
            // dst above src: copy from the end down, so overlap reads before it writes.
            "add x1, x1, x2",
            "add x3, x0, x2",
            "cbz x2, 2f",
            "1:",
            "ldrb w4, [x1, #-1]!",
            "strb w4, [x3, #-1]!",
            "subs x2, x2, #1",
            "b.ne 1b",
            "2:",
            "ret",
            memcpy = sym memcpy,
        )
    }

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memset(dst: *mut u8, byte: i32, n: usize) -> *mut u8 {
        naked_asm!(
            "mov x3, x0",
            "cbz x2, 2f",
            "1:",
            "strb w1, [x3], #1",
            "subs x2, x2, #1",
            "b.ne 1b",
            "2:",
            "ret",
        )
    }

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        naked_asm!(
            "cbz x2, 3f",
            "1:",
            "ldrb w3, [x0], #1",
            "ldrb w4, [x1], #1",
            "subs w3, w3, w4",
            "b.ne 2f",
            "subs x2, x2, #1",
            "b.ne 1b",
            "3:",
            "mov w0, #0",
            "ret",
            "2:",
            "mov w0, w3",
            "ret",
        )
    }

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        naked_asm!("b {memcmp}", memcmp = sym memcmp)
    }
    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn strlen(s: *const u8) -> usize {
        naked_asm!(
            "mov x1, x0",
            "1:",
            "ldrb w2, [x1], #1",
            "cbnz w2, 1b",
            "sub x0, x1, x0",
            "sub x0, x0, #1",
            "ret",
        )
    }
}
