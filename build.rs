//! Link settings of the C shared library (Linux): its SONAME.
//!
//! No version script is needed to export the `zstdpool_*` functions only: rustc already
//! gives a cdylib one that keeps just its `#[no_mangle]` functions global (libzstd's and
//! Rust's own symbols stay local). `tests/c/run.sh` checks this with `nm -D`.
//!
//! SONAME rule (cargo-c's): `libzstdpool.so.MAJOR`, and while MAJOR is 0, where every minor
//! version may break the ABI, `libzstdpool.so.0.MINOR`.

use std::env;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
    let minor = env::var("CARGO_PKG_VERSION_MINOR").expect("cargo sets CARGO_PKG_VERSION_MINOR");
    let soname = if major == "0" {
        format!("libzstdpool.so.0.{minor}")
    } else {
        format!("libzstdpool.so.{major}")
    };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
}
