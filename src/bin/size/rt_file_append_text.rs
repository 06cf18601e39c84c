//! Size probe: a program that links `rt_file_append_text` alone (see probe.rs).
#![no_std]
#![no_main]
include!("probe.rs");
probe!(rt_file_append_text);
