//! Size probe: a program that links `rt_println_str` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_println_str);
