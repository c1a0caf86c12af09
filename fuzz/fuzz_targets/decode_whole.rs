#![no_main]
//! See `kusto_frames_fuzz::check_decode_whole`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kusto_frames_fuzz::check_decode_whole(data));
