//! Size probe: a program that links `rt_time_now_unix_micros` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_time_now_unix_micros);
