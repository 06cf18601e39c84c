//! Size probe: a program that links `rt_get_args` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_get_args);
