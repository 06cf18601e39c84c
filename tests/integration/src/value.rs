//! The runtime's value ABI, as the model defines it in all three builds (the runtime
//! always has its own): the exported constructors and accessors the crate may call,
//! and the runtime's crate-private len-hash constructor, which only the runtime's own
//! bodies can use (it is not exported here either, so a crate that called it would
//! not link).
//!
//! Facts kept (the runtime's `value/collections.rs`): every object a constructor makes
//! is registered and any other pointer is rejected; `rt_string_new` FNV-1a-hashes its
//! bytes and returns shared cached objects for lengths 0 and 1; file reads make their
//! Strings with hash = length; byte arrays hold their bytes in one buffer
//! (`rt_array_data_ptr_u8`); objects can be freed. Objects are boxed Rust values
//! here: the ABI is modelled, not the memory layout.
//!
//! The conformance suite (tests/conformance) links this same file beside the crate's
//! `rt_*` exports, with [`crate::system`]'s std work.
#![allow(clippy::missing_safety_doc)] // the C ABI's contracts are the runtime's

use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, Mutex};

/// A `RuntimeValue` word.
pub type Rv = u64;
/// NIL.
pub const NIL: Rv = 0x3;
/// TRUE.
pub const TRUE: Rv = 0xb;
/// FALSE.
pub const FALSE: Rv = 0x13;
const TAG_HEAP: u64 = 1;

/// A heap object.
pub enum Obj {
    /// A String: its bytes and its hash (FNV-1a, or the length).
    Str { bytes: Vec<u8>, hash: u64 },
    /// An Array of values.
    Arr(Vec<Rv>),
    /// A BYTE_PACKED Array: the bytes in one buffer.
    Bytes(Vec<u8>),
    /// A Tuple.
    Tup(Vec<Rv>),
}

/// Hashes an object address with one multiply: the registry is on every constructor's
/// path, and SipHash there would make the model's constructors costlier than the
/// runtime's (and so narrow every ratio the benchmarks take through them).
#[derive(Default)]
pub struct AddressHasher(u64);

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0 ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type Registry = HashSet<u64, std::hash::BuildHasherDefault<AddressHasher>>;

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(|| Mutex::new(Registry::default()));
/// The shared Strings of length 0 and 1 (`rt_string_new`'s short-string cache), by
/// first byte (256 = the empty String). Never freed.
static SHORT: LazyLock<Mutex<HashMap<u16, Rv>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

fn register(o: Obj) -> Rv {
    let p = Box::into_raw(Box::new(o)) as u64;
    registry().insert(p);
    p | TAG_HEAP
}

/// The object behind a registered heap value.
pub fn obj(v: Rv) -> Option<&'static mut Obj> {
    if v & 7 != TAG_HEAP {
        return None;
    }
    let p = v & !7;
    // SAFETY: registered pointers come from Box::into_raw and stay valid until freed,
    // which takes them out of the registry first.
    registry()
        .contains(&p)
        .then(|| unsafe { &mut *(p as *mut Obj) })
}

fn free(v: Rv) -> bool {
    let p = v & !7;
    if v & 7 != TAG_HEAP || SHORT.lock().unwrap().values().any(|&s| s == v) {
        return false;
    }
    if !registry().remove(&p) {
        return false;
    }
    // SAFETY: it was registered (so made by Box::into_raw) and is now unregistered.
    drop(unsafe { Box::from_raw(p as *mut Obj) });
    true
}

/// An Int value.
pub fn int(i: i64) -> Rv {
    (i as u64) << 3
}

/// FNV-1a 64, as `rt_string_new` hashes.
fn fnv1a(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x100_0000_01b3)
    })
}

/// A String made as `rt_string_new` makes it.
pub fn string(b: &[u8]) -> Rv {
    if b.len() <= 1 {
        let key = b.first().map_or(256, |&c| u16::from(c));
        let mut short = SHORT.lock().unwrap();
        return *short.entry(key).or_insert_with(|| {
            register(Obj::Str {
                bytes: b.to_vec(),
                hash: fnv1a(b),
            })
        });
    }
    register(Obj::Str {
        bytes: b.to_vec(),
        hash: fnv1a(b),
    })
}

/// The runtime's crate-private `rt_string_new_with_len_hash`: one copy, no hashing
/// pass (hash = length). Only the runtime's own bodies call it.
pub fn string_len_hash(b: &[u8]) -> Rv {
    register(Obj::Str {
        bytes: b.to_vec(),
        hash: b.len() as u64,
    })
}

/// A String's hash, for the tests (None if `v` is not a String).
pub fn string_hash(v: Rv) -> Option<u64> {
    match obj(v) {
        Some(Obj::Str { hash, .. }) => Some(*hash),
        _ => None,
    }
}

thread_local! {
    /// Run once by this thread's next `rt_string_new`, before it makes the String: a
    /// runtime whose constructor calls back into the crate (the conformance suite's
    /// tests of the crate's locks; the hook is taken out before it runs).
    pub static CALL_OUT: std::cell::Cell<Option<fn()>> = const { std::cell::Cell::new(None) };
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_string_new(ptr: *const u8, len: u64) -> Rv {
    if let Some(f) = CALL_OUT.with(std::cell::Cell::take) {
        f();
    }
    if ptr.is_null() {
        return if len == 0 { string(b"") } else { NIL };
    }
    // SAFETY: the caller passes len readable bytes.
    string(unsafe { std::slice::from_raw_parts(ptr, len as usize) })
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_string_len(s: Rv) -> i64 {
    match obj(s) {
        Some(Obj::Str { bytes, .. }) => bytes.len() as i64,
        _ => -1,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_string_data(s: Rv) -> *const u8 {
    match obj(s) {
        Some(Obj::Str { bytes, .. }) => bytes.as_ptr(),
        _ => std::ptr::null(),
    }
}

/// Frees a String (shared short Strings stay); 1 if freed.
#[unsafe(no_mangle)]
pub extern "C" fn rt_string_free(s: Rv) -> i64 {
    i64::from(matches!(obj(s), Some(Obj::Str { .. })) && free(s))
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_array_new(capacity: u64) -> Rv {
    register(Obj::Arr(Vec::with_capacity(
        capacity.clamp(4, 1 << 20) as usize
    )))
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_byte_array_new(capacity: u64) -> Rv {
    register(Obj::Bytes(Vec::with_capacity(
        capacity.clamp(4, 1 << 30) as usize
    )))
}

/// A zero-filled byte array with its length set (fill it through
/// `rt_array_data_ptr_u8`).
#[unsafe(no_mangle)]
pub extern "C" fn rt_byte_array_new_len(len: u64) -> Rv {
    let Ok(n) = usize::try_from(len) else {
        return NIL;
    };
    let mut b = Vec::new();
    if b.try_reserve_exact(n.max(4)).is_err() {
        return NIL;
    }
    b.resize(n, 0);
    register(Obj::Bytes(b))
}

/// A byte array's buffer (0 for anything else).
#[unsafe(no_mangle)]
pub extern "C" fn rt_array_data_ptr_u8(a: Rv) -> i64 {
    match obj(a) {
        Some(Obj::Bytes(b)) => b.as_mut_ptr() as i64,
        _ => 0,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_array_push(a: Rv, v: Rv) -> bool {
    match obj(a) {
        Some(Obj::Arr(items)) => {
            items.push(v);
            true
        }
        Some(Obj::Bytes(b)) => {
            b.push((v >> 3) as u8);
            true
        }
        _ => false,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_array_len(a: Rv) -> i64 {
    match obj(a) {
        Some(Obj::Arr(items)) => items.len() as i64,
        Some(Obj::Bytes(b)) => b.len() as i64,
        None if a < 8 => 0, // raw 0..=7, NIL among them: the runtime says 0
        _ => -1,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_array_get(a: Rv, index: i64) -> Rv {
    let len = match obj(a) {
        Some(Obj::Arr(items)) => items.len(),
        Some(Obj::Bytes(b)) => b.len(),
        _ => return NIL,
    } as i64;
    let i = if index < 0 { index + len } else { index };
    if !(0..len).contains(&i) {
        return NIL;
    }
    match obj(a) {
        Some(Obj::Arr(items)) => items[i as usize],
        Some(Obj::Bytes(b)) => int(i64::from(b[i as usize])),
        _ => NIL,
    }
}

/// Frees an Array and every String, Array or Tuple in it.
#[unsafe(no_mangle)]
pub extern "C" fn rt_array_free_deep(a: Rv) -> i64 {
    let items = match obj(a) {
        Some(Obj::Arr(items)) => std::mem::take(items),
        Some(Obj::Bytes(_)) => Vec::new(),
        _ => return 0,
    };
    for v in items {
        free_deep(v);
    }
    i64::from(free(a))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_bytes_from_raw(ptr: i64, len: i64) -> Rv {
    if ptr == 0 || len <= 0 {
        return rt_array_new(0);
    }
    // SAFETY: the caller passes len readable bytes.
    let b = unsafe { std::slice::from_raw_parts(ptr as *const u8, len as usize) };
    register(Obj::Bytes(b.to_vec()))
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_tuple_new(len: u64) -> Rv {
    register(Obj::Tup(vec![NIL; len.min(1 << 20) as usize]))
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_tuple_set(t: Rv, index: u64, v: Rv) -> bool {
    match obj(t) {
        Some(Obj::Tup(slots)) if (index as usize) < slots.len() => {
            slots[index as usize] = v;
            true
        }
        _ => false,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_tuple_get(t: Rv, index: u64) -> Rv {
    match obj(t) {
        Some(Obj::Arr(_) | Obj::Bytes(_)) => rt_array_get(t, index as i64),
        Some(Obj::Tup(slots)) => slots.get(index as usize).copied().unwrap_or(NIL),
        _ => NIL,
    }
}

/// Frees a Tuple and what is in it.
#[unsafe(no_mangle)]
pub extern "C" fn rt_tuple_free(t: Rv) {
    free_deep(t);
}

/// Frees `v` and everything it holds (values that are not objects are left alone).
pub fn free_deep(v: Rv) {
    let inner = match obj(v) {
        Some(Obj::Arr(items) | Obj::Tup(items)) => std::mem::take(items),
        Some(_) => Vec::new(),
        None => return,
    };
    for i in inner {
        free_deep(i);
    }
    free(v);
}

/// A value as the runtime sees it, for comparing results.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Nil,
    True,
    False,
    Int(i64),
    Str(Vec<u8>),
    Arr(Vec<Val>),
    Bytes(Vec<u8>),
    Tup(Vec<Val>),
    /// A heap-tagged word the registry does not know: an object someone else made.
    Unregistered(u64),
    Other(u64),
}

/// What `v` is.
pub fn val(v: Rv) -> Val {
    match v {
        NIL => return Val::Nil,
        TRUE => return Val::True,
        FALSE => return Val::False,
        _ => {}
    }
    if v & 7 == 0 {
        return Val::Int(v as i64 >> 3);
    }
    match obj(v) {
        Some(Obj::Str { bytes, .. }) => Val::Str(bytes.clone()),
        Some(Obj::Bytes(b)) => Val::Bytes(b.clone()),
        Some(Obj::Arr(items)) => Val::Arr(items.iter().map(|&i| val(i)).collect()),
        Some(Obj::Tup(slots)) => Val::Tup(slots.iter().map(|&i| val(i)).collect()),
        None if v & 7 == TAG_HEAP => Val::Unregistered(v),
        None => Val::Other(v),
    }
}

/// A String value's bytes (None for anything else).
pub fn bytes_of(v: Rv) -> Option<Vec<u8>> {
    match obj(v) {
        Some(Obj::Str { bytes, .. }) => Some(bytes.clone()),
        _ => None,
    }
}

/// An Array of Strings made by the constructors.
pub fn strings(items: &[&[u8]]) -> Rv {
    let a = rt_array_new(items.len() as u64);
    for i in items {
        rt_array_push(a, string(i));
    }
    a
}

// ---- text arguments and results of the runtime's bodies ----------------------------

/// The runtime's plain text argument: null fails, then strict UTF-8.
pub unsafe fn plain<'a>(ptr: *const u8, len: u64) -> Option<&'a str> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: the caller passes len readable bytes.
    std::str::from_utf8(unsafe { std::slice::from_raw_parts(ptr, len as usize) }).ok()
}

/// `path_from_raw_or_tagged`: with len 0, a heap-tagged `ptr` is a String value.
pub unsafe fn raw_or_tagged<'a>(ptr: *const u8, len: u64) -> Option<&'a str> {
    if len == 0 && (ptr as u64) & 7 == 1 {
        return tagged_str(ptr as Rv);
    }
    unsafe { plain(ptr, len) }
}

/// A String value's text (None if not a String or not UTF-8).
pub fn tagged_str<'a>(v: Rv) -> Option<&'a str> {
    let (n, d) = (rt_string_len(v), rt_string_data(v));
    if n < 0 || d.is_null() {
        return None;
    }
    // SAFETY: a registered String's bytes, alive while the value is.
    std::str::from_utf8(unsafe { std::slice::from_raw_parts(d, n as usize) }).ok()
}

/// A run's (stdout, stderr, code) tuple, the texts made lossy.
pub fn run_result(out: &[u8], err: &[u8], code: i64) -> Rv {
    let t = rt_tuple_new(3);
    rt_tuple_set(t, 0, string(String::from_utf8_lossy(out).as_bytes()));
    rt_tuple_set(t, 1, string(String::from_utf8_lossy(err).as_bytes()));
    rt_tuple_set(t, 2, int(code));
    t
}
