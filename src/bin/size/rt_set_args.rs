//! Size probe: a program that links `rt_set_args` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_set_args);
