//! The runtime's values: the [`RuntimeValue`] tags, and the runtime's own value ABI
//! ([`abi`]) through which every value is made and read.
//!
//! The runtime registers each object its constructors make, and its accessors reject
//! anything else, so this crate never lays out a heap object itself: it calls the
//! runtime's `rt_string_new`, `rt_array_push`, ... , declared here and resolved at link
//! time. In a runtime build the runtime defines them; with feature
//! `standalone-values` this crate does (`standalone`), for programs without the
//! runtime (the bootstrap executable, tests, benches, fuzzing).
//!
//! The helpers below turn the ABI's failure values into errnos: `EOVERFLOW` for an
//! object the runtime's 32-bit size field cannot describe, `ENOMEM` when a
//! constructor gives NIL, `EINVAL` for an argument of the wrong type.

use crate::Errno;
use crate::sys::Result;

#[cfg(feature = "standalone-values")]
pub mod standalone;

/// A runtime value: a tagged 64-bit word (the runtime's `RuntimeValue`).
///
/// Low 3 bits: `000` Int (`i << 3`), `001` heap pointer (`| 1`), `010` float, `011`
/// special (NIL, TRUE, FALSE, ERROR).
#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuntimeValue(pub u64);

/// The mask of the tag bits.
pub const TAG_MASK: u64 = 0b111;
/// Tag of an Int.
pub const TAG_INT: u64 = 0b000;
/// Tag of a heap pointer.
pub const TAG_HEAP: u64 = 0b001;
/// Tag of a float.
pub const TAG_FLOAT: u64 = 0b010;
/// Tag of the special values.
pub const TAG_SPECIAL: u64 = 0b011;

const fn special(payload: u64) -> RuntimeValue {
    RuntimeValue(payload << 3 | TAG_SPECIAL)
}

impl RuntimeValue {
    /// NIL (`0x3`): the runtime's "no value", the failure value of most functions.
    pub const NIL: RuntimeValue = special(0);
    /// TRUE (`0xb`).
    pub const TRUE: RuntimeValue = special(1);
    /// FALSE (`0x13`).
    pub const FALSE: RuntimeValue = special(2);
    /// ERROR (`0x1b`).
    pub const ERROR: RuntimeValue = special(3);

    /// The Int `i`: its low 61 bits shifted into place (what the runtime's own
    /// `from_int` does; the top 3 bits of a larger value are lost).
    pub const fn int(i: i64) -> RuntimeValue {
        RuntimeValue((i << 3) as u64 | TAG_INT)
    }

    /// TRUE or FALSE.
    pub const fn bool(b: bool) -> RuntimeValue {
        if b { Self::TRUE } else { Self::FALSE }
    }

    /// The tag bits.
    pub const fn tag(self) -> u64 {
        self.0 & TAG_MASK
    }

    /// Whether this is a heap pointer (its object is not checked).
    pub const fn is_heap(self) -> bool {
        self.tag() == TAG_HEAP && self.0 & !TAG_MASK != 0
    }

    /// The integer of an Int value.
    pub const fn as_int(self) -> Option<i64> {
        if self.tag() == TAG_INT {
            Some(self.0 as i64 >> 3)
        } else {
            None
        }
    }
}

impl core::fmt::Debug for RuntimeValue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "RuntimeValue({:#x})", self.0)
    }
}

/// The runtime's value ABI, as the runtime exports it (`src/value/{heap,collections}.rs`
/// of the Simple runtime). Defined by the runtime, or by `standalone`.
pub mod abi {
    use super::RuntimeValue;

    unsafe extern "C" {
        /// A String holding a copy of `len` bytes at `ptr`, hashed with FNV-1a.
        pub fn rt_string_new(ptr: *const u8, len: u64) -> RuntimeValue;
        /// As `rt_string_new`, but the stored hash is the length (the runtime's file
        /// reads use it: no pass over the bytes). The runtime keeps it crate-private,
        /// so the crate never calls it: a hosted runtime that wants it wraps the
        /// bytes level itself (`hosted::file_read_text_with`). Declared for this
        /// crate's own value ABI (`standalone-values`), which defines it.
        #[cfg(feature = "standalone-values")]
        pub fn rt_string_new_with_len_hash(ptr: *const u8, len: u64) -> RuntimeValue;
        /// A String's length in bytes; -1 for anything else.
        pub fn rt_string_len(s: RuntimeValue) -> i64;
        /// A String's bytes; null for anything else.
        pub fn rt_string_data(s: RuntimeValue) -> *const u8;
        /// An empty Array with room for `capacity` elements.
        pub fn rt_array_new(capacity: u64) -> RuntimeValue;
        /// Appends `value`; false when `array` is not an Array or cannot grow.
        pub fn rt_array_push(array: RuntimeValue, value: RuntimeValue) -> bool;
        /// An Array's length; -1 for anything else.
        pub fn rt_array_len(array: RuntimeValue) -> i64;
        /// Element `index` (negative counts from the end; a byte-packed Array's bytes
        /// as Ints); NIL when out of range or not an Array.
        pub fn rt_array_get(array: RuntimeValue, index: i64) -> RuntimeValue;
        /// A byte-packed Array of `len` zero bytes (its length set).
        pub fn rt_byte_array_new_len(len: u64) -> RuntimeValue;
        /// A byte-packed Array's buffer, as an address (0 for anything else): where its
        /// bytes are filled in place.
        pub fn rt_array_data_ptr_u8(array: RuntimeValue) -> i64;
        /// A Tuple of `len` slots.
        pub fn rt_tuple_new(len: u64) -> RuntimeValue;
        /// Sets slot `index`; false when out of range or not a Tuple.
        pub fn rt_tuple_set(tuple: RuntimeValue, index: u64, value: RuntimeValue) -> bool;
        /// Slot `index` (of an Array: element `index`); NIL when out of range.
        pub fn rt_tuple_get(tuple: RuntimeValue, index: u64) -> RuntimeValue;
    }
}

/// The largest byte count a String can hold: the runtime's header records the whole
/// object's size (24 bytes of header and fields, then the bytes) in 32 bits.
pub const MAX_STRING_BYTES: usize = u32::MAX as usize - 24;

/// The largest byte array the runtime's `rt_byte_array_new_len` can make (the data
/// must be addressable).
const MAX_BYTES: usize = isize::MAX as usize;

fn made(v: RuntimeValue) -> Result<RuntimeValue> {
    if v == RuntimeValue::NIL {
        Err(Errno::ENOMEM)
    } else {
        Ok(v)
    }
}

/// A String holding a copy of `bytes` (`rt_string_new`).
pub fn string(bytes: &[u8]) -> Result<RuntimeValue> {
    if bytes.len() > MAX_STRING_BYTES {
        return Err(Errno::EOVERFLOW);
    }
    // SAFETY: `bytes` is valid for its length.
    made(unsafe { abi::rt_string_new(bytes.as_ptr(), bytes.len() as u64) })
}

/// A byte-packed Array holding a copy of `bytes`, copied straight into the Array's
/// buffer (`rt_byte_array_new_len`, then `rt_array_data_ptr_u8`): one copy, and a
/// byte-packed Array for no bytes too.
pub fn bytes(bytes: &[u8]) -> Result<RuntimeValue> {
    if bytes.len() > MAX_BYTES {
        return Err(Errno::EOVERFLOW);
    }
    // SAFETY: the ABI takes any length and gives NIL when it cannot allocate.
    let array = made(unsafe { abi::rt_byte_array_new_len(bytes.len() as u64) })?;
    // SAFETY: the accessor checks the value itself.
    let data = unsafe { abi::rt_array_data_ptr_u8(array) } as *mut u8;
    if !bytes.is_empty() {
        if data.is_null() {
            release(array);
            return Err(Errno::ENOMEM);
        }
        // SAFETY: a fresh byte Array of `bytes.len()` bytes, at `data`.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len()) };
    }
    Ok(array)
}

/// Appends a String holding a copy of `bytes` to `array`.
pub fn push_string(array: RuntimeValue, bytes: &[u8]) -> Result<()> {
    let s = string(bytes)?;
    // SAFETY: the accessor checks `array` itself.
    if unsafe { abi::rt_array_push(array, s) } {
        Ok(())
    } else {
        release(s);
        Err(Errno::ENOMEM)
    }
}

/// An Array of Strings, one per item. On failure what was made is released (with
/// `standalone-values`; the runtime collects it otherwise).
pub fn string_array<'a>(items: impl Iterator<Item = &'a [u8]>) -> Result<RuntimeValue> {
    // SAFETY: the ABI takes any capacity and gives NIL when it cannot allocate.
    let array = made(unsafe { abi::rt_array_new(items.size_hint().0 as u64) })?;
    for item in items {
        if let Err(e) = push_string(array, item) {
            release(array);
            return Err(e);
        }
    }
    Ok(array)
}

/// A Tuple of `items`, which it then holds. On failure the items are released too.
pub fn tuple(items: &[RuntimeValue]) -> Result<RuntimeValue> {
    // SAFETY: the ABI takes any length and gives NIL when it cannot allocate.
    let t = made(unsafe { abi::rt_tuple_new(items.len() as u64) });
    let Ok(t) = t else {
        items.iter().for_each(|&v| release(v));
        return t;
    };
    for (i, &v) in items.iter().enumerate() {
        // SAFETY: a fresh Tuple of `items.len()` slots.
        unsafe { abi::rt_tuple_set(t, i as u64, v) };
    }
    Ok(t)
}

/// The bytes of a String value, read through the ABI; `None` for anything else.
///
/// # Safety
/// `v` must be a value the runtime gave out (or an immediate); the slice is valid
/// while the String lives and is not changed.
pub unsafe fn string_bytes<'a>(v: RuntimeValue) -> Option<&'a [u8]> {
    if !v.is_heap() {
        return None;
    }
    // SAFETY: the accessors check the value themselves.
    let (len, data) = unsafe { (abi::rt_string_len(v), abi::rt_string_data(v)) };
    let len = usize::try_from(len).ok()?;
    if len == 0 {
        return Some(&[]);
    }
    if data.is_null() {
        return None;
    }
    // SAFETY: the runtime's String holds `len` bytes at `data`.
    Some(unsafe { core::slice::from_raw_parts(data, len) })
}

/// The length of an Array value, read through the ABI; `None` for anything else.
pub fn array_len(v: RuntimeValue) -> Option<usize> {
    if !v.is_heap() {
        return None;
    }
    // SAFETY: the accessor checks the value itself.
    usize::try_from(unsafe { abi::rt_array_len(v) }).ok()
}

/// Element `i` of an Array (NIL when out of range).
pub fn array_get(v: RuntimeValue, i: usize) -> RuntimeValue {
    // SAFETY: the accessor checks the value and the index itself.
    unsafe { abi::rt_array_get(v, i as i64) }
}

/// Releases a value this crate made and no one else holds: with `standalone-values`
/// it is freed; in a runtime build the runtime's collector owns it.
pub fn release(v: RuntimeValue) {
    #[cfg(feature = "standalone-values")]
    // SAFETY: the callers pass only values they made and never handed out.
    unsafe {
        standalone::free(v)
    };
    #[cfg(not(feature = "standalone-values"))]
    let _ = v;
}
