//! Size probe: a program that links `rt_dir_create` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_dir_create);
