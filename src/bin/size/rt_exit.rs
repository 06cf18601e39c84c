//! Size probe: a program that links `rt_exit` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_exit);
