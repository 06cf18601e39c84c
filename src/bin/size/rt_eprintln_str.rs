//! Size probe: a program that links `rt_eprintln_str` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_eprintln_str);
