//! Size probe: a program that links `rt_hostname` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_hostname);
