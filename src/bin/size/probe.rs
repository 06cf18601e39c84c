//! The size probes, one source built once per program (`scripts/build-bootstrap TARGET
//! probes`, which names each build `size_NAME`): a program on the bootstrap runtime that
//! links what it names and nothing else, built as the runtime's bootstrap build links
//! the crate (features `bootstrap,standalone`, no `standalone-values`): the value ABI
//! comes from the stub below, as the runtime supplies its own.
//!
//! The program is chosen by `--cfg probe="NAME"`, passed to this bin alone (`cargo rustc
//! ... -- --cfg ...`), so the library is compiled once for all the builds; a cfg set
//! through RUSTFLAGS or a build-script variable would recompile the library (and
//! RUSTFLAGS every dependency) for each. NAME is
//! - `hello`: one `rt_println_str` (it prints "hello");
//! - an `rt_*` function of `rt-symbols.txt`: a program that links that function alone;
//! - `library` (also the build without a `probe` cfg): every `rt_*` export, the
//!   runtime-build library.
//!
//! The last two come from `rt-symbols.txt`, through the file build.rs writes from it: a
//! function gets its probe by being listed there.
#![no_std]
#![no_main]

/// The runtime's value ABI, trivially: each function returns something the optimiser
/// cannot see through, so no code path in the crate is pruned because of the stub.
#[cfg(not(probe = "hello"))]
mod value_stub {
    use core::hint::black_box as opaque;
    use ffi_syscalls::value::RuntimeValue as V;

    #[unsafe(no_mangle)]
    extern "C" fn rt_string_new(ptr: *const u8, len: u64) -> V {
        V(opaque(ptr as u64 ^ len))
    }
    #[unsafe(no_mangle)]
    extern "C" fn rt_string_len(s: V) -> i64 {
        opaque(s.0 as i64)
    }
    #[unsafe(no_mangle)]
    extern "C" fn rt_string_data(s: V) -> *const u8 {
        opaque(s.0 as *const u8)
    }
    #[unsafe(no_mangle)]
    extern "C" fn rt_array_new(capacity: u64) -> V {
        V(opaque(capacity))
    }
    #[unsafe(no_mangle)]
    extern "C" fn rt_byte_array_new_len(len: u64) -> V {
        V(opaque(len))
    }
    #[unsafe(no_mangle)]
    extern "C" fn rt_array_data_ptr_u8(array: V) -> i64 {
        opaque(array.0 as i64)
    }
    #[unsafe(no_mangle)]
    extern "C" fn rt_array_push(array: V, value: V) -> bool {
        opaque(array.0 == value.0)
    }
    #[unsafe(no_mangle)]
    extern "C" fn rt_array_len(array: V) -> i64 {
        opaque(array.0 as i64)
    }
    #[unsafe(no_mangle)]
    extern "C" fn rt_array_get(array: V, index: i64) -> V {
        V(opaque(array.0 ^ index as u64))
    }
    #[unsafe(no_mangle)]
    extern "C" fn rt_tuple_new(len: u64) -> V {
        V(opaque(len))
    }
    #[unsafe(no_mangle)]
    extern "C" fn rt_tuple_set(tuple: V, index: u64, value: V) -> bool {
        opaque(tuple.0 ^ index == value.0)
    }
    #[unsafe(no_mangle)]
    extern "C" fn rt_tuple_get(tuple: V, index: u64) -> V {
        V(opaque(tuple.0 ^ index))
    }
}

/// `probe!(f, g, ...)`: main reads the functions' addresses through a volatile load, so
/// each is linked whole, as a caller that passes run-time arguments gets it (a direct
/// call with constant arguments would let the optimiser specialise it).
#[cfg(not(probe = "hello"))]
macro_rules! probe {
    ($($f:ident),+ $(,)?) => {
        #[allow(unused_imports)]
        use ffi_syscalls::exports::rt::*;

        struct Keep(&'static [*const ()]);
        // SAFETY: addresses of functions, never written.
        unsafe impl Sync for Keep {}
        static KEEP: Keep = Keep(&[$($f as *const ()),+]);

        #[unsafe(no_mangle)]
        pub extern "C" fn main(_argc: i32, _argv: *const *const u8, _envp: *const *const u8) -> i32 {
            // SAFETY: a live static.
            let keep = unsafe { core::ptr::read_volatile(&KEEP.0) };
            keep.len() as i32
        }
    };
}

// `probe!(rt_x);` under `cfg(probe = "rt_x")` for each function of rt-symbols.txt, and
// `probe!(every one)` for the library.
#[cfg(not(probe = "hello"))]
include!(concat!(env!("OUT_DIR"), "/size_probes.rs"));

#[cfg(probe = "hello")]
mod hello {
    use ffi_syscalls as _;
    use ffi_syscalls::exports::rt::rt_println_str;

    #[unsafe(no_mangle)]
    pub extern "C" fn main(_argc: i32, _argv: *const *const u8, _envp: *const *const u8) -> i32 {
        // SAFETY: a live text.
        unsafe { rt_println_str(b"hello".as_ptr(), 5) };
        0
    }
}
