//! Size probe: a program that links `rt_system_cpu_count` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_system_cpu_count);
