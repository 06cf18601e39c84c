//! The runtime's value ABI, bit for bit (see the design's "value ABI").
//!
//! A [`RuntimeValue`] is a tagged u64: low 3 bits `000` int (61-bit, `i << 3`), `001`
//! heap pointer (`| 1`), `010` float, `011` special (NIL, TRUE, FALSE, ERROR). Heap
//! objects start with a [`HeapHeader`] and are allocated with the global allocator,
//! alignment 8. Constructors are crate-internal: exported under `rt_` they would
//! collide with the runtime's own `rt_string_new` and friends.

use alloc::alloc::{Layout, alloc, dealloc};
use core::mem::{offset_of, size_of};
use core::ptr;
use static_assertions::{assert_eq_size, const_assert_eq};

#[repr(transparent)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuntimeValue(pub u64);

pub const TAG_MASK: u64 = 0b111;
pub const TAG_INT: u64 = 0b000;
pub const TAG_HEAP: u64 = 0b001;
pub const TAG_FLOAT: u64 = 0b010;
pub const TAG_SPECIAL: u64 = 0b011;

const fn special(payload: u64) -> RuntimeValue {
    RuntimeValue(payload << 3 | TAG_SPECIAL)
}

impl RuntimeValue {
    pub const NIL: RuntimeValue = special(0);
    pub const TRUE: RuntimeValue = special(1);
    pub const FALSE: RuntimeValue = special(2);
    pub const ERROR: RuntimeValue = special(3);

    /// The low 61 bits of `i`, shifted into place. Callers pass values that fit
    /// (sizes, times, pids); the top 3 bits of anything larger are lost.
    pub const fn int(i: i64) -> RuntimeValue {
        RuntimeValue((i << 3) as u64 | TAG_INT)
    }

    pub const fn bool(b: bool) -> RuntimeValue {
        if b { Self::TRUE } else { Self::FALSE }
    }

    pub const fn tag(self) -> u64 {
        self.0 & TAG_MASK
    }

    pub const fn as_int(self) -> Option<i64> {
        if self.tag() == TAG_INT {
            Some(self.0 as i64 >> 3)
        } else {
            None
        }
    }

    pub const fn as_bool(self) -> Option<bool> {
        match self {
            Self::TRUE => Some(true),
            Self::FALSE => Some(false),
            _ => None,
        }
    }

    /// The heap object this points at, or null when it is not a non-null heap value.
    pub fn heap_ptr(self) -> *mut HeapHeader {
        if self.tag() == TAG_HEAP {
            (self.0 & !TAG_MASK) as *mut HeapHeader
        } else {
            ptr::null_mut()
        }
    }

    fn object_type(self) -> Option<u8> {
        let h = self.heap_ptr();
        // SAFETY: a heap-tagged value points at a live object with a header (the ABI).
        if h.is_null() {
            None
        } else {
            Some(unsafe { (*h).object_type })
        }
    }

    /// The bytes of a String value.
    ///
    /// # Safety
    /// A heap-tagged value must point at a live object; the slice lives as long as it.
    pub unsafe fn as_bytes<'a>(self) -> Option<&'a [u8]> {
        if self.object_type() != Some(TYPE_STRING) {
            return None;
        }
        let s = self.heap_ptr() as *const StringObject;
        // SAFETY: a String object is followed by `len` bytes.
        unsafe {
            Some(core::slice::from_raw_parts(
                s.add(1).cast::<u8>(),
                (*s).len as usize,
            ))
        }
    }

    /// The elements of an Array of RuntimeValues (not a byte array).
    ///
    /// # Safety
    /// As [`Self::as_bytes`].
    pub unsafe fn as_array<'a>(self) -> Option<&'a [RuntimeValue]> {
        if self.object_type() != Some(TYPE_ARRAY) {
            return None;
        }
        let a = self.heap_ptr() as *const ArrayObject;
        unsafe {
            if (*a).header.gc_flags & BYTE_PACKED != 0 {
                return None;
            }
            Some(slice_or_empty((*a).data, (*a).len as usize))
        }
    }

    /// The contents of a byte-packed Array.
    ///
    /// # Safety
    /// As [`Self::as_bytes`].
    pub unsafe fn as_byte_array<'a>(self) -> Option<&'a [u8]> {
        if self.object_type() != Some(TYPE_ARRAY) {
            return None;
        }
        let a = self.heap_ptr() as *const ArrayObject;
        unsafe {
            if (*a).header.gc_flags & BYTE_PACKED == 0 {
                return None;
            }
            Some(slice_or_empty((*a).data.cast::<u8>(), (*a).len as usize))
        }
    }

    /// The elements of a Tuple.
    ///
    /// # Safety
    /// As [`Self::as_bytes`].
    pub unsafe fn as_tuple<'a>(self) -> Option<&'a [RuntimeValue]> {
        if self.object_type() != Some(TYPE_TUPLE) {
            return None;
        }
        let t = self.heap_ptr() as *const TupleObject;
        unsafe {
            Some(core::slice::from_raw_parts(
                t.add(1).cast::<RuntimeValue>(),
                (*t).len as usize,
            ))
        }
    }
}

impl core::fmt::Debug for RuntimeValue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "RuntimeValue({:#x})", self.0)
    }
}

unsafe fn slice_or_empty<'a, T>(data: *const T, len: usize) -> &'a [T] {
    if len == 0 {
        &[]
    } else {
        unsafe { core::slice::from_raw_parts(data, len) }
    }
}

pub const TYPE_STRING: u8 = 0x01;
pub const TYPE_ARRAY: u8 = 0x02;
pub const TYPE_TUPLE: u8 = 0x04;
/// `gc_flags` bit: the Array's data holds raw bytes, not RuntimeValues.
pub const BYTE_PACKED: u8 = 0b1000;

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct HeapHeader {
    pub object_type: u8,
    pub gc_flags: u8,
    pub reserved: u16,
    /// The whole object in bytes (header included; an Array's data is separate).
    pub size: u32,
}

#[repr(C)]
pub struct StringObject {
    pub header: HeapHeader,
    pub len: u64,
    /// 64-bit FNV-1a of the bytes; 0 for the empty string.
    pub hash: u64,
}

#[repr(C)]
pub struct ArrayObject {
    pub header: HeapHeader,
    pub len: u64,
    pub capacity: u64,
    pub data: *mut RuntimeValue,
}

#[repr(C)]
pub struct TupleObject {
    pub header: HeapHeader,
    pub len: u64,
}

assert_eq_size!(RuntimeValue, u64);
assert_eq_size!(HeapHeader, u64);
const_assert_eq!(offset_of!(HeapHeader, object_type), 0);
const_assert_eq!(offset_of!(HeapHeader, gc_flags), 1);
const_assert_eq!(offset_of!(HeapHeader, reserved), 2);
const_assert_eq!(offset_of!(HeapHeader, size), 4);
const_assert_eq!(size_of::<StringObject>(), 24);
const_assert_eq!(offset_of!(StringObject, len), 8);
const_assert_eq!(offset_of!(StringObject, hash), 16);
const_assert_eq!(size_of::<ArrayObject>(), 32);
const_assert_eq!(offset_of!(ArrayObject, len), 8);
const_assert_eq!(offset_of!(ArrayObject, capacity), 16);
const_assert_eq!(offset_of!(ArrayObject, data), 24);
const_assert_eq!(size_of::<TupleObject>(), 16);
const_assert_eq!(offset_of!(TupleObject, len), 8);

/// 64-bit FNV-1a; the empty string hashes to 0 by the ABI's rule, not FNV's.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    if bytes.is_empty() {
        return 0;
    }
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

const ALIGN: usize = 8;

/// Allocates `size` bytes (alignment 8) with a header; null when out of memory or
/// when `size` does not fit the header's u32.
fn new_object(object_type: u8, gc_flags: u8, size: usize) -> *mut HeapHeader {
    let Ok(size32) = u32::try_from(size) else {
        return ptr::null_mut();
    };
    let Ok(layout) = Layout::from_size_align(size, ALIGN) else {
        return ptr::null_mut();
    };
    // SAFETY: size is at least the header's 8 bytes.
    let p = unsafe { alloc(layout) } as *mut HeapHeader;
    if !p.is_null() {
        unsafe {
            p.write(HeapHeader {
                object_type,
                gc_flags,
                reserved: 0,
                size: size32,
            })
        };
    }
    p
}

fn heap(p: *mut HeapHeader) -> RuntimeValue {
    if p.is_null() {
        RuntimeValue::NIL
    } else {
        RuntimeValue(p as u64 | TAG_HEAP)
    }
}

/// A String holding `bytes`; NIL when out of memory.
pub fn string(bytes: &[u8]) -> RuntimeValue {
    let p =
        new_object(TYPE_STRING, 0, size_of::<StringObject>() + bytes.len()) as *mut StringObject;
    if !p.is_null() {
        // SAFETY: the object has room for the fields and `bytes.len()` bytes after them.
        unsafe {
            (*p).len = bytes.len() as u64;
            (*p).hash = fnv1a(bytes);
            ptr::copy_nonoverlapping(bytes.as_ptr(), p.add(1).cast::<u8>(), bytes.len());
        }
    }
    heap(p.cast())
}

fn data_layout(bytes: usize) -> Option<Layout> {
    Layout::from_size_align(bytes, ALIGN).ok()
}

/// An Array object whose separately allocated data is `data_bytes` long (null when
/// 0). On failure nothing stays allocated.
fn new_array(gc_flags: u8, len: usize, data_bytes: usize) -> *mut ArrayObject {
    let data = if data_bytes == 0 {
        ptr::null_mut()
    } else {
        let Some(layout) = data_layout(data_bytes) else {
            return ptr::null_mut();
        };
        let d = unsafe { alloc(layout) };
        if d.is_null() {
            return ptr::null_mut();
        }
        d
    };
    let a = new_object(TYPE_ARRAY, gc_flags, size_of::<ArrayObject>()) as *mut ArrayObject;
    if a.is_null() {
        if !data.is_null() {
            unsafe { dealloc(data, data_layout(data_bytes).unwrap()) };
        }
        return a;
    }
    unsafe {
        (*a).len = len as u64;
        (*a).capacity = len as u64;
        (*a).data = data.cast();
    }
    a
}

/// A byte-packed Array holding `bytes`; NIL when out of memory.
pub fn byte_array(bytes: &[u8]) -> RuntimeValue {
    let a = new_array(BYTE_PACKED, bytes.len(), bytes.len());
    if !a.is_null() && !bytes.is_empty() {
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), (*a).data.cast::<u8>(), bytes.len()) };
    }
    heap(a.cast())
}

/// An Array of Strings made from `items`; NIL (and nothing leaked) when out of memory.
pub fn string_array<I>(items: I) -> RuntimeValue
where
    I: IntoIterator,
    I::Item: AsRef<[u8]>,
    I::IntoIter: ExactSizeIterator,
{
    let items = items.into_iter();
    let len = items.len();
    let Some(bytes) = len.checked_mul(size_of::<RuntimeValue>()) else {
        return RuntimeValue::NIL;
    };
    let a = new_array(0, len, bytes);
    if a.is_null() {
        return RuntimeValue::NIL;
    }
    for (i, item) in items.take(len).enumerate() {
        let s = string(item.as_ref());
        unsafe { (*a).data.add(i).write(s) };
        if s == RuntimeValue::NIL {
            unsafe { (*a).len = i as u64 };
            // SAFETY: the array and the `i` strings before are ours.
            unsafe { free(heap(a.cast())) };
            return RuntimeValue::NIL;
        }
    }
    heap(a.cast())
}

/// A Tuple of `items`, which it then owns; NIL when out of memory, and then the
/// items are freed, so the caller never has to.
pub fn tuple(items: &[RuntimeValue]) -> RuntimeValue {
    let size = size_of::<TupleObject>() + size_of_val(items);
    let t = new_object(TYPE_TUPLE, 0, size) as *mut TupleObject;
    if t.is_null() {
        for &item in items {
            unsafe { free(item) };
        }
        return RuntimeValue::NIL;
    }
    unsafe {
        (*t).len = items.len() as u64;
        ptr::copy_nonoverlapping(items.as_ptr(), t.add(1).cast::<RuntimeValue>(), items.len());
    }
    heap(t.cast())
}

/// Frees a value made here and everything it owns. Non-heap values are ignored.
///
/// # Safety
/// `v` must be a heap value this module made (or the runtime made the same way) that
/// nothing else uses or frees.
pub unsafe fn free(v: RuntimeValue) {
    let h = v.heap_ptr();
    if h.is_null() {
        return;
    }
    unsafe {
        let header = *h;
        match header.object_type {
            TYPE_ARRAY => {
                let a = h as *mut ArrayObject;
                let packed = header.gc_flags & BYTE_PACKED != 0;
                let cap = (*a).capacity as usize;
                if !packed {
                    for i in 0..(*a).len as usize {
                        free((*a).data.add(i).read());
                    }
                }
                let bytes = if packed {
                    cap
                } else {
                    cap * size_of::<RuntimeValue>()
                };
                if bytes != 0 && !(*a).data.is_null() {
                    dealloc((*a).data.cast(), data_layout(bytes).unwrap());
                }
            }
            TYPE_TUPLE => {
                let t = h as *mut TupleObject;
                for i in 0..(*t).len as usize {
                    free(t.add(1).cast::<RuntimeValue>().add(i).read());
                }
            }
            _ => {}
        }
        dealloc(
            h.cast(),
            Layout::from_size_align_unchecked(header.size as usize, ALIGN),
        );
    }
}
