//! The runtime's value ABI defined by this crate (feature `standalone-values`), with
//! the runtime's current object layout, for programs that do not link the runtime:
//! the bootstrap executable, tests, benches and fuzz targets. Never on in a runtime
//! build, where the runtime's own definitions are the only ones.
//!
//! Layout (the runtime's `heap.rs` and `collections.rs`): every object starts with a
//! [`HeapHeader`] whose `size` is the whole object; a String is `{len, hash}` then its
//! bytes; an Array is `{len, capacity, data}` with the elements in a separate buffer of
//! at least 4 slots (bytes, aligned 1, when BYTE_PACKED); a Tuple is `{len}` then its
//! values. Objects are 8-aligned, from the global allocator.
//!
//! Unlike the runtime, nothing here keeps a registry of live objects: an accessor
//! trusts a heap-tagged value to point at an object and checks only its type.

use super::{RuntimeValue as V, TAG_HEAP};
use alloc::alloc::{Layout, alloc, dealloc, realloc};
use core::mem::{offset_of, size_of};
use core::ptr;
use static_assertions::{assert_eq_size, const_assert_eq};

/// `object_type` of a String.
pub const TYPE_STRING: u8 = 0x01;
/// `object_type` of an Array.
pub const TYPE_ARRAY: u8 = 0x02;
/// `object_type` of a Tuple.
pub const TYPE_TUPLE: u8 = 0x04;
/// `gc_flags` bit: the Array's buffer holds raw bytes, not RuntimeValues.
pub const BYTE_PACKED: u8 = 0b1000;
/// The smallest element buffer an Array gets.
pub const MIN_CAPACITY: u64 = 4;

/// The header every heap object starts with.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct HeapHeader {
    /// [`TYPE_STRING`], [`TYPE_ARRAY`] or [`TYPE_TUPLE`].
    pub object_type: u8,
    /// [`BYTE_PACKED`] or 0.
    pub gc_flags: u8,
    /// Zero.
    pub reserved: u16,
    /// The whole object in bytes, header included (an Array's buffer is separate).
    pub size: u32,
}

/// A String object; its bytes follow it.
#[repr(C)]
pub struct StringObject {
    /// The header.
    pub header: HeapHeader,
    /// Length in bytes.
    pub len: u64,
    /// 64-bit FNV-1a of the bytes (0 for ""), or the length when made by
    /// `rt_string_new_with_len_hash`.
    pub hash: u64,
}

/// An Array object.
#[repr(C)]
pub struct ArrayObject {
    /// The header.
    pub header: HeapHeader,
    /// Elements in use.
    pub len: u64,
    /// Elements the buffer holds, at least [`MIN_CAPACITY`].
    pub capacity: u64,
    /// The buffer: `capacity` values, or `capacity` bytes when BYTE_PACKED.
    pub data: *mut u8,
}

/// A Tuple object; its values follow it.
#[repr(C)]
pub struct TupleObject {
    /// The header.
    pub header: HeapHeader,
    /// Number of slots.
    pub len: u64,
}

assert_eq_size!(V, u64);
assert_eq_size!(HeapHeader, u64);
const_assert_eq!(offset_of!(HeapHeader, object_type), 0);
const_assert_eq!(offset_of!(HeapHeader, gc_flags), 1);
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
const_assert_eq!(
    size_of::<StringObject>(),
    u32::MAX as usize - super::MAX_STRING_BYTES
);

/// 64-bit FNV-1a; the empty string hashes to 0 by the runtime's rule, not FNV's.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    if bytes.is_empty() {
        return 0;
    }
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

const ALIGN: usize = 8;

/// The object `v` points at when it is a heap value of type `object_type`.
fn object<T>(v: V, object_type: u8) -> Option<*mut T> {
    header(v, object_type).map(|h| h.cast())
}

/// [`object`]'s one copy of the code, whatever the type it is asked for.
#[inline(never)]
fn header(v: V, object_type: u8) -> Option<*mut HeapHeader> {
    if !v.is_heap() {
        return None;
    }
    let h = (v.0 & !super::TAG_MASK) as *mut HeapHeader;
    // SAFETY: a heap-tagged value points at a live object (this module's contract).
    (unsafe { (*h).object_type } == object_type).then_some(h)
}

/// An object of `size` bytes with its header written; null when out of memory or
/// larger than a header's `size` can say.
fn new_object(object_type: u8, gc_flags: u8, size: usize) -> *mut HeapHeader {
    let Ok(size32) = u32::try_from(size) else {
        return ptr::null_mut();
    };
    // SAFETY: 8 is a power of two and `size` (at most u32::MAX) is far from
    // overflowing isize when rounded up to it; it is at least the header's 8 bytes.
    let p = unsafe { alloc(Layout::from_size_align_unchecked(size, ALIGN)) }.cast::<HeapHeader>();
    if !p.is_null() {
        // SAFETY: fresh memory of at least a header.
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

fn heap(p: *mut HeapHeader) -> V {
    if p.is_null() {
        V::NIL
    } else {
        V(p as u64 | TAG_HEAP)
    }
}

/// A String of the `len` bytes at `ptr`, its hash field from `hash` (generic, so
/// that a program calling only one of the two constructors links only its copy).
///
/// # Safety
/// A non-null `ptr` is valid for `len` bytes.
unsafe fn new_string(ptr: *const u8, len: u64, hash: impl FnOnce(&[u8]) -> u64) -> V {
    // Longer than MAX_STRING_BYTES, the object's size would not fit its header.
    if (ptr.is_null() && len != 0) || len > super::MAX_STRING_BYTES as u64 {
        return V::NIL;
    }
    let len = len as usize;
    let s = new_object(TYPE_STRING, 0, size_of::<StringObject>() + len).cast::<StringObject>();
    if !s.is_null() {
        // SAFETY: the object has room for the fields and `len` bytes after them; a
        // null `ptr` comes only with no bytes to copy.
        unsafe {
            let bytes = s.add(1).cast::<u8>();
            if len != 0 {
                ptr::copy_nonoverlapping(ptr, bytes, len);
            }
            (*s).len = len as u64;
            (*s).hash = hash(core::slice::from_raw_parts(bytes, len));
        }
    }
    heap(s.cast())
}

/// `rt_string_new`: a String holding a copy of `len` bytes at `ptr`; NIL when out of
/// memory or for a null `ptr` with a non-zero `len`.
///
/// # Safety
/// A non-null `ptr` is valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_string_new(ptr: *const u8, len: u64) -> V {
    // SAFETY: forwarded.
    unsafe { new_string(ptr, len, fnv1a) }
}

/// `rt_string_new_with_len_hash`: as [`rt_string_new`], the hash being the length.
///
/// # Safety
/// A non-null `ptr` is valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_string_new_with_len_hash(ptr: *const u8, len: u64) -> V {
    // SAFETY: forwarded.
    unsafe { new_string(ptr, len, |b| b.len() as u64) }
}

/// `rt_string_len`: the length of a String, -1 for anything else.
#[unsafe(no_mangle)]
pub extern "C" fn rt_string_len(s: V) -> i64 {
    // SAFETY: a String object (checked by `object`).
    object::<StringObject>(s, TYPE_STRING).map_or(-1, |s| unsafe { (*s).len as i64 })
}

/// `rt_string_data`: a String's bytes, null for anything else.
#[unsafe(no_mangle)]
pub extern "C" fn rt_string_data(s: V) -> *const u8 {
    // SAFETY: a String object's bytes follow it.
    object::<StringObject>(s, TYPE_STRING).map_or(ptr::null(), |s| unsafe {
        s.add(1).cast::<u8>().cast_const()
    })
}

/// The layout of a buffer of `capacity` elements; None when it could not be allocated.
fn buffer_layout(packed: bool, capacity: u64) -> Option<Layout> {
    let (elem, align) = if packed { (1, 1) } else { (8, 8) };
    let bytes = usize::try_from(capacity).ok()?.checked_mul(elem)?;
    Layout::from_size_align(bytes, align).ok()
}

/// The layout an Array's buffer was allocated with.
///
/// # Safety
/// `a` is a live Array object.
unsafe fn live_buffer_layout(a: *const ArrayObject) -> Layout {
    // SAFETY: the caller's contract; its capacity passed `buffer_layout` when the
    // buffer was allocated.
    unsafe {
        let (elem, align) = if (*a).header.gc_flags & BYTE_PACKED != 0 {
            (1, 1)
        } else {
            (8, 8)
        };
        Layout::from_size_align_unchecked((*a).capacity as usize * elem, align)
    }
}

fn new_array(gc_flags: u8, capacity: u64) -> *mut ArrayObject {
    let capacity = capacity.max(MIN_CAPACITY);
    let Some(layout) = buffer_layout(gc_flags & BYTE_PACKED != 0, capacity) else {
        return ptr::null_mut();
    };
    // SAFETY: a non-zero size (at least 4 elements).
    let data = unsafe { alloc(layout) };
    if data.is_null() {
        return ptr::null_mut();
    }
    let a = new_object(TYPE_ARRAY, gc_flags, size_of::<ArrayObject>()).cast::<ArrayObject>();
    if a.is_null() {
        // SAFETY: allocated just above with this layout.
        unsafe { dealloc(data, layout) };
        return a;
    }
    // SAFETY: a fresh Array object.
    unsafe {
        (*a).len = 0;
        (*a).capacity = capacity;
        (*a).data = data;
    }
    a
}

/// `rt_array_new`: an empty Array with room for `capacity` values (at least 4).
#[unsafe(no_mangle)]
pub extern "C" fn rt_array_new(capacity: u64) -> V {
    heap(new_array(0, capacity).cast())
}

/// `rt_byte_array_new`: an empty byte-packed Array with room for `capacity` bytes
/// (at least 4).
#[unsafe(no_mangle)]
pub extern "C" fn rt_byte_array_new(capacity: u64) -> V {
    heap(new_array(BYTE_PACKED, capacity).cast())
}

/// `rt_byte_array_new_len`: a byte-packed Array of `len` zero bytes, its length set
/// (the buffer is filled in place through [`rt_array_data_ptr_u8`]).
#[unsafe(no_mangle)]
pub extern "C" fn rt_byte_array_new_len(len: u64) -> V {
    let a = new_array(BYTE_PACKED, len);
    if !a.is_null() {
        // SAFETY: a fresh Array whose buffer holds at least `len` bytes.
        unsafe {
            ptr::write_bytes((*a).data, 0, len as usize);
            (*a).len = len;
        }
    }
    heap(a.cast())
}

/// `rt_array_data_ptr_u8`: a byte-packed Array's buffer as an address; 0 for
/// anything else.
#[unsafe(no_mangle)]
pub extern "C" fn rt_array_data_ptr_u8(array: V) -> i64 {
    match object::<ArrayObject>(array, TYPE_ARRAY) {
        // SAFETY: a live Array object.
        Some(a) if unsafe { (*a).header.gc_flags } & BYTE_PACKED != 0 => {
            // SAFETY: as above.
            unsafe { (*a).data as i64 }
        }
        _ => 0,
    }
}

/// Makes room for one more element, doubling the buffer.
///
/// # Safety
/// `a` is a live Array object.
unsafe fn grow(a: *mut ArrayObject) -> bool {
    // SAFETY: the caller's contract.
    unsafe {
        if (*a).len < (*a).capacity {
            return true;
        }
        let packed = (*a).header.gc_flags & BYTE_PACKED != 0;
        let new_cap = (*a).capacity.saturating_mul(2);
        let Some(new) = buffer_layout(packed, new_cap) else {
            return false;
        };
        let data = realloc((*a).data, live_buffer_layout(a), new.size());
        if data.is_null() {
            return false;
        }
        (*a).data = data;
        (*a).capacity = new_cap;
        true
    }
}

/// `rt_array_push`: appends `value` (to a byte-packed Array, the low byte of its Int
/// payload, as the runtime); false when `array` is not an Array or memory runs out.
#[unsafe(no_mangle)]
pub extern "C" fn rt_array_push(array: V, value: V) -> bool {
    let Some(a) = object::<ArrayObject>(array, TYPE_ARRAY) else {
        return false;
    };
    // SAFETY: a live Array object; the buffer has room after `grow`.
    unsafe {
        let packed = (*a).header.gc_flags & BYTE_PACKED != 0;
        let byte = (value.0 >> 3) as u8;
        if !grow(a) {
            return false;
        }
        let i = (*a).len as usize;
        if packed {
            (*a).data.add(i).write(byte);
        } else {
            (*a).data.cast::<V>().add(i).write(value);
        }
        (*a).len += 1;
    }
    true
}

/// `rt_array_len`: an Array's length, -1 for anything else.
#[unsafe(no_mangle)]
pub extern "C" fn rt_array_len(array: V) -> i64 {
    // SAFETY: an Array object (checked by `object`).
    object::<ArrayObject>(array, TYPE_ARRAY).map_or(-1, |a| unsafe { (*a).len as i64 })
}

/// `rt_array_get`: element `index`, counted from the end when negative; a
/// byte-packed Array's bytes come out as Ints. NIL when out of range or not an Array.
#[unsafe(no_mangle)]
pub extern "C" fn rt_array_get(array: V, index: i64) -> V {
    let Some(a) = object::<ArrayObject>(array, TYPE_ARRAY) else {
        return V::NIL;
    };
    // SAFETY: a live Array object; the index is checked against its length.
    unsafe {
        let len = (*a).len as i64;
        let i = if index < 0 { index + len } else { index };
        if !(0..len).contains(&i) {
            return V::NIL;
        }
        if (*a).header.gc_flags & BYTE_PACKED != 0 {
            V::int(i64::from((*a).data.add(i as usize).read()))
        } else {
            (*a).data.cast::<V>().add(i as usize).read()
        }
    }
}

/// `rt_bytes_from_raw`: a byte-packed Array holding a copy of `len` bytes at `ptr`;
/// for a null `ptr` or a length of 0 or less, a plain empty Array (as the runtime).
///
/// # Safety
/// A non-null `ptr` is valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_bytes_from_raw(ptr: i64, len: i64) -> V {
    if ptr == 0 || len <= 0 {
        return rt_array_new(0);
    }
    let n = len as u64;
    let a = new_array(BYTE_PACKED, n);
    if !a.is_null() {
        // SAFETY: the buffer holds at least `n` bytes; the caller's contract for `ptr`.
        unsafe {
            ptr::copy_nonoverlapping(ptr as *const u8, (*a).data, n as usize);
            (*a).len = n;
        }
    }
    heap(a.cast())
}

/// `rt_tuple_new`: a Tuple of `len` slots, each Int 0.
#[unsafe(no_mangle)]
pub extern "C" fn rt_tuple_new(len: u64) -> V {
    // Capped so that the sum cannot overflow: past 2^32 slots the size is too large
    // for a header anyway, and `new_object` refuses it.
    let size = size_of::<TupleObject>() + len.min(1 << 32) as usize * size_of::<V>();
    let t = new_object(TYPE_TUPLE, 0, size).cast::<TupleObject>();
    if !t.is_null() {
        // SAFETY: the object has room for `len` values after its fields.
        unsafe {
            (*t).len = len;
            ptr::write_bytes(t.add(1).cast::<V>(), 0, len as usize);
        }
    }
    heap(t.cast())
}

fn tuple_slot(tuple: V, index: u64) -> Option<*mut V> {
    let t = object::<TupleObject>(tuple, TYPE_TUPLE)?;
    // SAFETY: a live Tuple object; the index is checked against its length.
    unsafe { (index < (*t).len).then(|| t.add(1).cast::<V>().add(index as usize)) }
}

/// `rt_tuple_set`: sets slot `index`; false when out of range or not a Tuple.
#[unsafe(no_mangle)]
pub extern "C" fn rt_tuple_set(tuple: V, index: u64, value: V) -> bool {
    // SAFETY: a slot inside a live Tuple.
    tuple_slot(tuple, index)
        .map(|s| unsafe { s.write(value) })
        .is_some()
}

/// `rt_tuple_get`: slot `index` (of an Array, element `index`, as the runtime); NIL
/// when out of range or neither.
#[unsafe(no_mangle)]
pub extern "C" fn rt_tuple_get(tuple: V, index: u64) -> V {
    if object::<ArrayObject>(tuple, TYPE_ARRAY).is_some() {
        return rt_array_get(tuple, index as i64);
    }
    // SAFETY: a slot inside a live Tuple.
    tuple_slot(tuple, index).map_or(V::NIL, |s| unsafe { s.read() })
}

/// Frees a value made here and everything it holds; immediates are ignored.
///
/// # Safety
/// `v` is a value made by this module that nothing else uses or frees.
pub unsafe fn free(v: V) {
    if !v.is_heap() {
        return;
    }
    let h = (v.0 & !super::TAG_MASK) as *mut HeapHeader;
    // SAFETY: the caller's contract: a live object of ours, freed once. An Array's
    // and a Tuple's `len` are both at offset 8 (asserted above).
    unsafe {
        let header = h.read();
        let a = h.cast::<ArrayObject>();
        let array = header.object_type == TYPE_ARRAY;
        let packed = header.gc_flags & BYTE_PACKED != 0;
        // The values the object holds: an Array's buffer, a Tuple's slots.
        let items: *const V = match header.object_type {
            TYPE_ARRAY if !packed => (*a).data.cast(),
            TYPE_TUPLE => h.cast::<TupleObject>().add(1).cast(),
            _ => ptr::null(),
        };
        if !items.is_null() {
            for i in 0..(*a).len as usize {
                free(items.add(i).read());
            }
        }
        if array {
            dealloc((*a).data, live_buffer_layout(a));
        }
        dealloc(
            h.cast(),
            Layout::from_size_align_unchecked(header.size as usize, ALIGN),
        );
    }
}

/// The bytes of a byte-packed Array made here (this crate's own accessor: the
/// runtime's ABI gives them one Int at a time).
pub fn byte_array_data<'a>(v: V) -> Option<&'a [u8]> {
    let a = object::<ArrayObject>(v, TYPE_ARRAY)?;
    // SAFETY: a live byte-packed Array holds `len` bytes in its buffer.
    unsafe {
        ((*a).header.gc_flags & BYTE_PACKED != 0)
            .then(|| core::slice::from_raw_parts((*a).data, (*a).len as usize))
    }
}
