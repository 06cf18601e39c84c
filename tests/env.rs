//! The packed environment's name matching: a name is found only as a whole entry
//! name, never as the prefix of a longer name, the tail of another entry or a part
//! of a value. One test, as the environment is process-wide.

use ffi_syscalls::env;

#[test]
fn a_name_matches_only_a_whole_entry_name() {
    let set = |n: &[u8], v: &[u8]| env::set(n, v).unwrap();
    let get = |n: &[u8]| env::get(n).unwrap();
    set(b"ENV_T_AB", b"long");
    set(b"ENV_T_X", b"ENV_T_A=inside");
    assert_eq!(
        get(b"ENV_T_A"),
        None,
        "a prefix of a name, or inside a value"
    );
    assert_eq!(get(b"T_AB"), None, "the tail of a name");
    set(b"ENV_T_A", b"short");
    assert_eq!(get(b"ENV_T_A").as_deref(), Some(&b"short"[..]));
    assert_eq!(get(b"ENV_T_AB").as_deref(), Some(&b"long"[..]));
    assert_eq!(get(b"ENV_T_X").as_deref(), Some(&b"ENV_T_A=inside"[..]));
    // Removing one name leaves the names around it.
    env::remove(b"ENV_T_A").unwrap();
    assert_eq!(get(b"ENV_T_A"), None);
    assert_eq!(get(b"ENV_T_AB").as_deref(), Some(&b"long"[..]));
    assert_eq!(get(b"ENV_T_X").as_deref(), Some(&b"ENV_T_A=inside"[..]));
    set(b"ENV_T_E", b"");
    assert_eq!(get(b"ENV_T_E").as_deref(), Some(&b""[..]));
    for n in [&b"ENV_T_AB"[..], b"ENV_T_X", b"ENV_T_E", b"ENV_T_NEVER"] {
        env::remove(n).unwrap();
        assert_eq!(get(n), None);
    }
}
