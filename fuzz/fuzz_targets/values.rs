//! rt_process_run with arbitrary RuntimeValues where an Array of Strings is expected:
//! ints, specials, strings, byte arrays, nested arrays and tuples built from the input.
#![no_main]

#[path = "sandbox.rs"]
mod sandbox;

use ffi_syscalls::exports::rt::rt_process_run;
use ffi_syscalls::value::{self, RuntimeValue as V};
use libfuzzer_sys::fuzz_target;
use sandbox::Fields;

/// A value shaped by the input, at most `depth` levels deep. Only well-formed heap
/// values: a heap tag on a wild address is outside any ABI's promise.
fn build(f: &mut Fields, depth: u32) -> V {
    match f.byte() % 9 {
        0 => V::int(i64::from(f.byte()) - 128),
        1 => V::NIL,
        2 => V::TRUE,
        3 => V::ERROR,
        4 => value::byte_array(f.field()),
        5 | 6 => value::string(f.field()),
        7 if depth > 0 => {
            let n = usize::from(f.byte() % 5);
            let items: Vec<V> = (0..n).map(|_| build(f, depth - 1)).collect();
            value::tuple(&items)
        }
        _ => {
            // An Array: of strings only, or of anything.
            let n = usize::from(f.byte() % 6);
            if depth == 0 || f.byte().is_multiple_of(2) {
                let items: Vec<&[u8]> = (0..n).map(|_| f.field()).collect();
                value::string_array(items)
            } else {
                let arr = value::string_array((0..n).map(|_| b"x".as_slice()));
                for i in 0..n {
                    let v = build(f, depth - 1);
                    unsafe {
                        let a = arr.heap_ptr() as *mut value::ArrayObject;
                        let slot = (*a).data.add(i);
                        value::free(slot.read());
                        slot.write(v);
                    }
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
    let parts = unsafe { t.as_tuple() }.expect("rt_process_run always returns a Tuple");
    assert_eq!(parts.len(), 3);
    assert!(parts[2].as_int().is_some());
    unsafe {
        value::free(t);
        value::free(args);
    }
});
