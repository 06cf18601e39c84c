//! UTF-8 validation in one byte loop. `core::str::from_utf8` spends half a kilobyte
//! of code on a word-at-a-time fast path; the runtime's strings are checked here
//! instead, with the same verdicts (tests/utf8.rs compares the two).

/// Where `bytes` stops being UTF-8, as `core::str::Utf8Error` says it: `Ok` for valid
/// input, else `Err((valid_up_to, error_len))`, `error_len` being the length of the
/// invalid sequence found there (1 to 3), or `None` when the input ends inside a
/// sequence that could still be completed.
pub fn check(bytes: &[u8]) -> Result<(), (usize, Option<usize>)> {
    let mut i = 0;
    while let Some(&lead) = bytes.get(i) {
        if lead < 0x80 {
            i += 1;
            continue;
        }
        // The sequence's length and the range its second byte must lie in (the
        // Unicode standard's table of well-formed sequences: no overlong forms, no
        // surrogates, nothing past U+10FFFF); later bytes are all 0x80..=0xBF.
        let (len, mut low, mut high) = match lead {
            0xc2..=0xdf => (2, 0x80, 0xbf),
            0xe0..=0xef => (
                3,
                if lead == 0xe0 { 0xa0 } else { 0x80 },
                if lead == 0xed { 0x9f } else { 0xbf },
            ),
            0xf0..=0xf4 => (
                4,
                if lead == 0xf0 { 0x90 } else { 0x80 },
                if lead == 0xf4 { 0x8f } else { 0xbf },
            ),
            _ => return Err((i, Some(1))),
        };
        for k in 1..len {
            let Some(&b) = bytes.get(i + k) else {
                return Err((i, None));
            };
            if b < low || b > high {
                return Err((i, Some(k)));
            }
            (low, high) = (0x80, 0xbf);
        }
        i += len;
    }
    Ok(())
}

/// Whether `bytes` is UTF-8.
pub fn is_valid(bytes: &[u8]) -> bool {
    check(bytes).is_ok()
}
