//! The committed C header `include/zstdpool.h` is what cbindgen makes of the sources (with
//! the pinned cbindgen and `cbindgen.toml`), and its version macros match Cargo.toml.
//!
//! `ZSTDPOOL_BLESS=1 cargo test --test header` rewrites the header instead of failing.

use std::fs;
use std::path::Path;

const HEADER: &str = "include/zstdpool.h";

/// The header as cbindgen generates it now.
fn generate() -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let config = cbindgen::Config::from_file(Path::new(root).join("cbindgen.toml"))
        .unwrap_or_else(|e| panic!("reading cbindgen.toml: {e}"));
    let bindings = cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen failed to generate the header: {e}"));
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("cbindgen wrote UTF-8")
}

#[test]
fn committed_header_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(HEADER);
    let generated = generate();
    if std::env::var_os("ZSTDPOOL_BLESS").is_some_and(|v| v == "1") {
        fs::write(&path, &generated).unwrap_or_else(|e| panic!("writing {HEADER}: {e}"));
        return;
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    if committed == generated {
        return;
    }
    let first_difference = committed
        .lines()
        .zip(generated.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
    let line = |text: &str| {
        text.lines()
            .nth(first_difference)
            .unwrap_or("<end of file>")
            .to_owned()
    };
    panic!(
        "{HEADER} is out of date with the sources (first difference at line {}):\n  committed: {}\n  generated: {}\n\
         Regenerate it with `ZSTDPOOL_BLESS=1 cargo test --test header` (or `cbindgen --config cbindgen.toml \
         --output {HEADER}` with cbindgen 0.29.4) and commit the result.",
        first_difference + 1,
        line(&committed),
        line(&generated),
    );
}

/// The value of `#define NAME value` in the header.
fn define<'a>(header: &'a str, name: &str) -> &'a str {
    let prefix = format!("#define {name} ");
    header
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("{HEADER} has no #define {name}"))
        .trim()
}

#[test]
fn version_macros_and_functions_match_cargo_toml() {
    let header = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(HEADER)).unwrap();
    let expected = [
        ("ZSTDPOOL_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("ZSTDPOOL_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("ZSTDPOOL_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ];
    for (name, value) in expected {
        assert_eq!(
            define(&header, name),
            value,
            "{name} in {HEADER} differs from Cargo.toml"
        );
    }
    // The string macro is made from the three numbers (checked against zstdpool_version()
    // by tests/c/api_test.c, which has a preprocessor).
    for part in ["MAJOR) \".\"", "MINOR) \".\"", "PATCH)"] {
        let quoted = format!("ZSTDPOOL_QUOTE_(ZSTDPOOL_VERSION_{part}");
        assert!(
            header.contains(&quoted),
            "ZSTDPOOL_VERSION_STRING in {HEADER} lacks {quoted}"
        );
    }

    let number: u32 = expected
        .iter()
        .fold(0, |n, (_, v)| n * 100 + v.parse::<u32>().unwrap());
    assert_eq!(zstdpool::ffi::zstdpool_version_number(), number);
    assert_eq!(zstdpool::ffi::ZSTDPOOL_VERSION_NUMBER, number);
    assert_eq!(
        zstdpool::ffi::ZSTDPOOL_VERSION_STRING,
        env!("CARGO_PKG_VERSION")
    );
    let runtime = zstdpool::ffi::version_cstr();
    assert_eq!(runtime.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    assert_eq!(
        zstdpool::ffi::zstdpool_version(),
        runtime.as_ptr(),
        "zstdpool_version() returns version_cstr()"
    );
}
