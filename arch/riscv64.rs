//! riscv64 system-call instructions: the only asm for this architecture.
//!
//! ABI: `ecall`; number in a7; arguments in a0..a5; result in a0. The kernel
//! preserves the integer and float registers but not the vector registers
//! (Documentation/arch/riscv/vector.rst), so every syscall declares them clobbered
//! (see `ecall`).

use core::arch::asm;

/// Every syscall asm block goes through this macro (the template defaults to
/// `ecall`) so the vector clobbers are written once. They are declared in every
/// build, not only one with the V extension: code built with V (a program's own,
/// or another crate's under LTO) may inline these calls and must not keep values
/// in v0..v31 across them. Declaring them costs nothing where V is off (no vector
/// values to keep), and nothing with V either beyond the spills it needs: all
/// vector registers are caller-saved. vl, vtype and vxrm have no names in Rust's
/// asm; LLVM already takes any inline asm to change them (its vsetvli pass marks
/// the vector state unknown after one).
macro_rules! ecall {
    ([$($template:literal),+] $($operands:tt)*) => {
        // Not under `#[cfg(target_feature = "v")]`: see above.
        asm!($($template),+, $($operands)*,
            out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _,
            out("v6") _, out("v7") _, out("v8") _, out("v9") _, out("v10") _, out("v11") _,
            out("v12") _, out("v13") _, out("v14") _, out("v15") _, out("v16") _,
            out("v17") _, out("v18") _, out("v19") _, out("v20") _, out("v21") _,
            out("v22") _, out("v23") _, out("v24") _, out("v25") _, out("v26") _,
            out("v27") _, out("v28") _, out("v29") _, out("v30") _, out("v31") _,
            options(nostack))
    };
    ($($operands:tt)*) => { ecall!(["ecall"] $($operands)*) };
}

#[inline(always)]
pub unsafe fn syscall0(nr: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe { ecall!(in("a7") nr, lateout("a0") ret) }
    ret
}

#[inline(always)]
pub unsafe fn syscall1(nr: usize, a0: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe { ecall!(in("a7") nr, inlateout("a0") a0 => ret) }
    ret
}

#[inline(always)]
pub unsafe fn syscall2(nr: usize, a0: usize, a1: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe { ecall!(in("a7") nr, inlateout("a0") a0 => ret, in("a1") a1) }
    ret
}

#[inline(always)]
pub unsafe fn syscall3(nr: usize, a0: usize, a1: usize, a2: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe { ecall!(in("a7") nr, inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2) }
    ret
}

#[inline(always)]
pub unsafe fn syscall4(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe { ecall!(in("a7") nr, inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2, in("a3") a3) }
    ret
}

#[inline(always)]
pub unsafe fn syscall5(nr: usize, a0: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> usize {
    let ret;
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        ecall!(in("a7") nr, inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2, in("a3") a3,
            in("a4") a4)
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
        ecall!(in("a7") nr, inlateout("a0") a0 => ret, in("a1") a1, in("a2") a2, in("a3") a3,
            in("a4") a4, in("a5") a5)
    }
    ret
}

/// A one-argument call that never returns (exit_group). The trap after it makes a
/// kernel that did return fault at once instead of running into whatever follows.
#[inline(always)]
pub unsafe fn syscall1_noreturn(nr: usize, a0: usize) -> ! {
    // SAFETY: forwarded from this function's own contract.
    unsafe { asm!("ecall", "unimp", in("a7") nr, in("a0") a0, options(noreturn, nostack)) }
}

/// `clone` onto `stack` (its top, 16-byte aligned); in the child, `child(arg)` runs
/// there and never returns. Returns the raw result in the parent. The kernel
/// preserves every register but a0, so t1 and t2 carry the child's function.
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
        ecall!(
            [
                "ecall",
                "bnez a0, 2f",
                // The child, on its own stack: no frame to return to.
                "li ra, 0",
                "li s0, 0",
                "mv a0, t1",
                "jalr t2",
                "unimp",
                "2:"
            ]
            in("a7") nr,
            inlateout("a0") flags => ret, in("a1") stack, in("a2") 0usize, in("a3") 0usize, in("a4") 0usize,
            in("t1") arg, in("t2") child
        );
    }
    ret
}

/// The vDSO's clock_gettime on this architecture: symbol name and version.
pub const VDSO_CLOCK_GETTIME: (&[u8], &[u8]) = (b"__vdso_clock_gettime", b"LINUX_4.15");
/// The vDSO's getrandom on this architecture (Linux 6.16+): symbol name and version.
pub const VDSO_GETRANDOM: (&[u8], &[u8]) = (b"__vdso_getrandom", b"LINUX_4.15");
/// `e_machine` of this architecture's ELF files (EM_RISCV).
pub const ELF_MACHINE: u16 = linux_raw_sys::elf_uapi::EM_RISCV as u16;

/// Program entry and the memory functions a no-libc executable must bring.
#[cfg(feature = "bootstrap")]
pub mod program {
    use core::arch::naked_asm;

    /// The kernel starts here with sp at argc. Set gp for the linker's gp-relative
    /// relaxations (the load itself must not be relaxed against a gp not yet set),
    /// clear the return address and frame pointer, align the stack, jump to Rust.
    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn _start() -> ! {
        naked_asm!(
            ".option push",
            ".option norelax",
            "lla gp, __global_pointer$",
            ".option pop",
            "li ra, 0",
            "li s0, 0",
            "mv a0, sp",
            "andi sp, sp, -16",
            "j {entry}",
            entry = sym crate::start::entry,
        )
    }

    // Without libc nothing else defines these (core's CStr needs strlen too), and the compiler emits calls to them.
    // Small rather than fast: byte loops.

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        naked_asm!(
            "mv t0, a0",
            "beqz a2, 2f",
            "1:",
            "lbu t1, 0(a1)",
            "sb t1, 0(t0)",
            "addi a1, a1, 1",
            "addi t0, t0, 1",
            "addi a2, a2, -1",
            "bnez a2, 1b",
            "2:",
            "ret",
        )
    }

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
        naked_asm!(
            "bgtu a0, a1, 3f",
            "tail {memcpy}",
            "3:",
            // dst above src: copy from the end down, so overlap reads before it writes.
            "add a1, a1, a2",
            "add t0, a0, a2",
            "beqz a2, 2f",
            "1:",
            "addi a1, a1, -1",
            "addi t0, t0, -1",
            "lbu t1, 0(a1)",
            "sb t1, 0(t0)",
            "addi a2, a2, -1",
            "bnez a2, 1b",
            "2:",
            "ret",
            memcpy = sym memcpy,
        )
    }

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memset(dst: *mut u8, byte: i32, n: usize) -> *mut u8 {
        naked_asm!(
            "mv t0, a0",
            "beqz a2, 2f",
            "1:",
            "sb a1, 0(t0)",
            "addi t0, t0, 1",
            "addi a2, a2, -1",
            "bnez a2, 1b",
            "2:",
            "ret",
        )
    }

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        naked_asm!(
            "beqz a2, 3f",
            "1:",
            "lbu t0, 0(a0)",
            "lbu t1, 0(a1)",
            "sub t2, t0, t1",
            "bnez t2, 2f",
            "addi a0, a0, 1",
            "addi a1, a1, 1",
            "addi a2, a2, -1",
            "bnez a2, 1b",
            "3:",
            "li a0, 0",
            "ret",
            "2:",
            "mv a0, t2",
            "ret",
        )
    }

    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        naked_asm!("j {memcmp}", memcmp = sym memcmp)
    }
    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn strlen(s: *const u8) -> usize {
        naked_asm!(
            "mv t0, a0",
            "1:",
            "lbu t1, 0(t0)",
            "addi t0, t0, 1",
            "bnez t1, 1b",
            "sub a0, t0, a0",
            "addi a0, a0, -1",
            "ret",
        )
    }
}
