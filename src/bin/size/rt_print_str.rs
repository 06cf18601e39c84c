//! Size probe: a program that links `rt_print_str` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_print_str);
