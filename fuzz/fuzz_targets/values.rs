//! rt_process_run with arbitrary RuntimeValues where an Array of Strings is expected:
//! ints, specials, strings, byte arrays, nested arrays and tuples built from the input.
#![no_main]

#[path = "sandbox.rs"]
mod sandbox;

use ffi_syscalls::exports::rt::rt_process_run;
use ffi_syscalls::value::abi::{rt_array_new, rt_array_push, rt_tuple_get};
use ffi_syscalls::value::{self, RuntimeValue as V};
use libfuzzer_sys::fuzz_target;
use sandbox::Fields;

/// A value shaped by the input, at most `depth` levels deep, made through the value
/// ABI. Only well-formed heap values: a heap tag on a wild address is outside any
/// ABI's promise.
fn build(f: &mut Fields, depth: u32) -> V {
    let made = |r: Result<V, _>| r.unwrap_or(V::NIL);
    match f.byte() % 9 {
        0 => V::int(i64::from(f.byte()) - 128),
        1 => V::NIL,
        2 => V::TRUE,
        3 => V::ERROR,
        4 => made(value::bytes(f.field())),
        5 | 6 => made(value::string(f.field())),
        7 if depth > 0 => {
            let n = usize::from(f.byte() % 5);
            let items: Vec<V> = (0..n).map(|_| build(f, depth - 1)).collect();
            made(value::tuple(&items))
        }
        _ => {
            // An Array: of strings only, or of anything.
            let n = usize::from(f.byte() % 6);
            if depth == 0 || f.byte().is_multiple_of(2) {
                let items: Vec<&[u8]> = (0..n).map(|_| f.field()).collect();
                made(value::string_array(items.into_iter()))
            } else {
                // SAFETY: the value ABI's constructor, which takes a plain integer.
                let arr = unsafe { rt_array_new(0) };
                for _ in 0..n {
                    let v = build(f, depth - 1);
                    // SAFETY: both are values the value ABI made (or immediates).
                    assert!(unsafe { rt_array_push(arr, v) });
                }
                arr
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    sandbox::checkpoint();
    let mut f = Fields(data);
    let spawn = f.byte() == 0xAA;
    let args = build(&mut f, 3);
    // A command that does not exist fails after the arguments were checked; now
    // and then a real one runs them.
    let cmd: &[u8] = if spawn {
        b"/bin/true"
    } else {
        b"/nonexistent/ffi-syscalls-fuzz"
    };
    let t = unsafe { rt_process_run(cmd.as_ptr(), cmd.len() as u64, args) };
    // Always a Tuple of (String, String, Int).
    assert!(unsafe { value::string_bytes(rt_tuple_get(t, 0)) }.is_some());
    assert!(unsafe { value::string_bytes(rt_tuple_get(t, 1)) }.is_some());
    // SAFETY: the accessor checks the value itself.
    assert!(unsafe { rt_tuple_get(t, 2) }.as_int().is_some());
    value::release(t);
    value::release(args);
});
