//! Size probe: a program that links `rt_dir_list` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_dir_list);
