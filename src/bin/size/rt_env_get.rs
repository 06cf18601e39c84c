//! Size probe: a program that links `rt_env_get` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_env_get);
