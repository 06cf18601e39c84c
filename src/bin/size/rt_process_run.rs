//! Size probe: a program that links `rt_process_run` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_process_run);
