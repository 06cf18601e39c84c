//! A model of the Simple runtime's value ABI, written from its facts: every object its
//! constructors make is registered, and every accessor rejects anything else (length
//! -1, data null, element NIL, push false), so an object the crate laid out itself is
//! caught. Objects are boxed Rust values here: only the ABI is modelled, not the layout.
#![allow(clippy::missing_safety_doc)]

use std::collections::HashSet;
use std::sync::Mutex;

pub const NIL: u64 = 0x3;
const TAG_HEAP: u64 = 1;

pub enum Obj {
    Str(Vec<u8>),
    Arr {
        packed: bool,
        items: Vec<u64>,
    },
    /// A byte-packed Array made by `rt_byte_array_new_len`: its bytes in one buffer,
    /// which `rt_array_data_ptr_u8` hands out to be filled in place.
    Bytes(Vec<u8>),
    Tup(Vec<u64>),
}

static REGISTRY: Mutex<Option<HashSet<u64>>> = Mutex::new(None);

fn register(o: Obj) -> u64 {
    let p = Box::into_raw(Box::new(o)) as u64;
    REGISTRY
        .lock()
        .unwrap()
        .get_or_insert_with(HashSet::new)
        .insert(p);
    p | TAG_HEAP
}

/// The object behind a registered heap value.
pub fn obj(v: u64) -> Option<&'static mut Obj> {
    if v & 7 != TAG_HEAP {
        return None;
    }
    let p = v & !7;
    let known = REGISTRY
        .lock()
        .unwrap()
        .as_ref()
        .is_some_and(|r| r.contains(&p));
    // SAFETY: registered pointers come from Box::into_raw and are never freed.
    known.then(|| unsafe { &mut *(p as *mut Obj) })
}

pub fn int(i: i64) -> u64 {
    (i as u64) << 3
}

/// A String made by the model's constructor.
pub fn string(b: &[u8]) -> u64 {
    register(Obj::Str(b.to_vec()))
}

thread_local! {
    /// Run once by this thread's next `rt_string_new`, before it makes the String: a
    /// runtime whose constructor calls back into the crate (tests of the crate's
    /// locks; the hook is taken out before it runs).
    pub static CALL_OUT: std::cell::Cell<Option<fn()>> = const { std::cell::Cell::new(None) };
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_string_new(ptr: *const u8, len: u64) -> u64 {
    if let Some(f) = CALL_OUT.with(std::cell::Cell::take) {
        f();
    }
    if ptr.is_null() {
        return if len == 0 { string(b"") } else { NIL };
    }
    string(unsafe { std::slice::from_raw_parts(ptr, len as usize) })
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_string_len(s: u64) -> i64 {
    match obj(s) {
        Some(Obj::Str(b)) => b.len() as i64,
        _ => -1,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_string_data(s: u64) -> *const u8 {
    match obj(s) {
        Some(Obj::Str(b)) => b.as_ptr(),
        _ => std::ptr::null(),
    }
}

fn array(packed: bool, capacity: u64) -> u64 {
    register(Obj::Arr {
        packed,
        items: Vec::with_capacity(capacity.max(4) as usize),
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_array_new(capacity: u64) -> u64 {
    array(false, capacity)
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_byte_array_new(capacity: u64) -> u64 {
    array(true, capacity)
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_byte_array_new_len(len: u64) -> u64 {
    register(Obj::Bytes(vec![0; len as usize]))
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_array_data_ptr_u8(a: u64) -> i64 {
    match obj(a) {
        Some(Obj::Bytes(b)) => b.as_mut_ptr() as i64,
        _ => 0,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_array_push(a: u64, v: u64) -> bool {
    match obj(a) {
        Some(Obj::Bytes(b)) => {
            b.push((v >> 3) as u8);
            true
        }
        Some(Obj::Arr { packed, items }) => {
            items.push(if *packed { (v >> 3) & 0xff } else { v });
            true
        }
        _ => false,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_array_len(a: u64) -> i64 {
    match obj(a) {
        Some(Obj::Arr { items, .. }) => items.len() as i64,
        Some(Obj::Bytes(b)) => b.len() as i64,
        _ => -1,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_array_get(a: u64, index: i64) -> u64 {
    if let Some(Obj::Bytes(b)) = obj(a) {
        let i = if index < 0 {
            index + b.len() as i64
        } else {
            index
        };
        return usize::try_from(i)
            .ok()
            .and_then(|i| b.get(i))
            .map_or(NIL, |&x| int(i64::from(x)));
    }
    let Some(Obj::Arr { packed, items }) = obj(a) else {
        return NIL;
    };
    let i = if index < 0 {
        index + items.len() as i64
    } else {
        index
    };
    match usize::try_from(i).ok().and_then(|i| items.get(i)) {
        Some(&b) if *packed => int(b as i64),
        Some(&v) => v,
        None => NIL,
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn rt_bytes_from_raw(ptr: i64, len: i64) -> u64 {
    if ptr == 0 || len <= 0 {
        return rt_array_new(0);
    }
    let b = unsafe { std::slice::from_raw_parts(ptr as *const u8, len as usize) };
    register(Obj::Arr {
        packed: true,
        items: b.iter().map(|&x| u64::from(x)).collect(),
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_tuple_new(len: u64) -> u64 {
    register(Obj::Tup(vec![0; len as usize]))
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_tuple_set(t: u64, index: u64, v: u64) -> bool {
    match obj(t) {
        Some(Obj::Tup(slots)) if (index as usize) < slots.len() => {
            slots[index as usize] = v;
            true
        }
        _ => false,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn rt_tuple_get(t: u64, index: u64) -> u64 {
    match obj(t) {
        Some(Obj::Arr { .. } | Obj::Bytes(_)) => rt_array_get(t, index as i64),
        Some(Obj::Tup(slots)) => slots.get(index as usize).copied().unwrap_or(NIL),
        _ => NIL,
    }
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
    /// A heap-tagged word the registry does not know: an object the crate made itself.
    Unregistered(u64),
    Other(u64),
}

pub fn val(v: u64) -> Val {
    match v {
        NIL => return Val::Nil,
        0xb => return Val::True,
        0x13 => return Val::False,
        _ => {}
    }
    if v & 7 == 0 {
        return Val::Int(v as i64 >> 3);
    }
    match obj(v) {
        Some(Obj::Str(b)) => Val::Str(b.clone()),
        Some(Obj::Arr {
            packed: true,
            items,
        }) => Val::Bytes(items.iter().map(|&b| b as u8).collect()),
        Some(Obj::Arr { items, .. }) => Val::Arr(items.iter().map(|&i| val(i)).collect()),
        Some(Obj::Bytes(b)) => Val::Bytes(b.clone()),
        Some(Obj::Tup(slots)) => Val::Tup(slots.iter().map(|&i| val(i)).collect()),
        None if v & 7 == TAG_HEAP => Val::Unregistered(v),
        None => Val::Other(v),
    }
}

/// An Array of Strings made by the model's constructors.
pub fn strings(items: &[&[u8]]) -> u64 {
    let a = rt_array_new(items.len() as u64);
    for i in items {
        rt_array_push(a, string(i));
    }
    a
}
