//! utf8::check against core::str::from_utf8: the same verdict, valid_up_to and
//! error_len for every short sequence that matters and for random text.

use ffi_syscalls::utf8;

fn core_says(b: &[u8]) -> Result<(), (usize, Option<usize>)> {
    std::str::from_utf8(b)
        .map(drop)
        .map_err(|e| (e.valid_up_to(), e.error_len()))
}

fn same(b: &[u8]) {
    assert_eq!(utf8::check(b), core_says(b), "{b:02x?}");
    assert_eq!(utf8::is_valid(b), core_says(b).is_ok(), "{b:02x?}");
}

/// Bytes that sit on every boundary of the well-formed ranges.
const EDGES: [u8; 16] = [
    0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xf4, 0xff,
];

#[test]
fn every_one_and_two_byte_input() {
    same(b"");
    for a in 0..=255u8 {
        same(&[a]);
        for b in 0..=255u8 {
            same(&[a, b]);
            // The same pair after valid text and before more of it.
            same(&[b'x', 0xc3, 0xa9, a, b, b'y']);
        }
    }
}

#[test]
fn every_three_and_four_byte_lead_and_second_byte() {
    for a in 0xc0..=0xffu8 {
        for b in 0..=255u8 {
            for c in EDGES {
                same(&[a, b, c]);
                for d in EDGES {
                    same(&[a, b, c, d]);
                    same(&[a, b, c, d, b'z']);
                }
            }
        }
    }
}

#[test]
fn random_text() {
    // A fixed xorshift stream: mostly valid text with damage here and there.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let pieces: [&[u8]; 10] = [
        b"a",
        b"\r\n",
        "é".as_bytes(),
        "€".as_bytes(),
        "😀".as_bytes(),
        b"\xff",
        b"\xe2\x82",
        b"\xf0\x9f\x98",
        b"\xed\xa0\x80",
        b"\xc0\xaf",
    ];
    for _ in 0..20_000 {
        let mut s = Vec::new();
        for _ in 0..next() % 40 {
            let r = next();
            // Valid pieces nine times in ten.
            let i = if r % 10 == 0 {
                5 + (r / 10) as usize % 5
            } else {
                (r / 10) as usize % 5
            };
            s.extend_from_slice(pieces[i]);
        }
        same(&s);
    }
}
