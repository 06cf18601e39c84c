//! The crate's lock (the environment, the stored arguments, the bootstrap's
//! allocator): a futex mutex. Uncontended it is one atomic operation each way, as a
//! spin lock's; a thread that finds it held sleeps in the kernel instead of
//! spinning, so a holder that was preempted gets the CPU back, which matters where
//! threads outnumber CPUs.

use crate::sys;
use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicU32, Ordering};

/// Nobody holds the lock.
const UNLOCKED: u32 = 0;
/// Held, and nobody sleeps on it: unlocking wakes nobody.
const LOCKED: u32 = 1;
/// Held, and a thread may sleep on it: unlocking wakes one.
const CONTENDED: u32 = 2;

/// A mutex over `T` (the classic three-state futex mutex).
pub struct Mutex<T> {
    state: AtomicU32,
    value: UnsafeCell<T>,
}

// SAFETY: access to `value` is serialised by `state`.
unsafe impl<T: Send> Sync for Mutex<T> {}

impl<T> Mutex<T> {
    /// An unlocked lock over `value`.
    pub const fn new(value: T) -> Self {
        Mutex {
            state: AtomicU32::new(UNLOCKED),
            value: UnsafeCell::new(value),
        }
    }

    /// Waits for the lock (sleeping in the kernel while another thread holds it)
    /// and returns the guard that gives access and unlocks on drop.
    pub fn lock(&self) -> Guard<'_, T> {
        acquire(&self.state);
        Guard { lock: self }
    }
}

/// Takes the lock: one compare-exchange when it is free; else marks it contended
/// and sleeps until an unlock wakes this thread, then tries again. The one copy of
/// the loop, not one for each `T`.
#[inline(never)]
fn acquire(state: &AtomicU32) {
    if state
        .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
        .is_ok()
    {
        return;
    }
    // Taking it as CONTENDED (not LOCKED) whenever we have slept or may make others
    // sleep: the unlock then wakes the next sleeper, if any (at worst one wake
    // call too many).
    while state.swap(CONTENDED, Ordering::Acquire) != UNLOCKED {
        // EAGAIN (the state changed before we slept) and EINTR: look again.
        let _ = sys::futex_wait(state, CONTENDED);
    }
}

/// Gives the lock up, waking one sleeper if any may be waiting.
#[inline(never)]
fn release(state: &AtomicU32) {
    if state.swap(UNLOCKED, Ordering::Release) == CONTENDED {
        let _ = sys::futex_wake(state, 1);
    }
}

/// Access to the value while the lock is held; unlocks on drop.
pub struct Guard<'a, T> {
    lock: &'a Mutex<T>,
}

impl<T> Deref for Guard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock.
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for Guard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the lock.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        release(&self.lock.state);
    }
}
