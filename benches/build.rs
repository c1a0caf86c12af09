//! Builds the C++ peer: simdjson's On Demand API walking a response
//! (`cpp/simdjson_walk.cpp`), against the system's simdjson (Debian's
//! `libsimdjson-dev`, which `.ci/run` installs).
//!
//! The On Demand code is compiled into the shim for the kernel the compiler
//! flags allow; without `-march` that is simdjson's scalar "fallback"
//! kernel, so the shim is built with `-march=native` (simdjson's advice for
//! On Demand) unless `KF_SIMDJSON_PORTABLE` is set.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=cpp/simdjson_walk.cpp");
    println!("cargo:rerun-if-env-changed=KF_SIMDJSON_PORTABLE");
    println!("cargo:rerun-if-env-changed=KF_SIMDJSON_INCLUDE");
    println!("cargo::rustc-check-cfg=cfg(kf_no_simdjson)");
    let given = std::env::var("KF_SIMDJSON_INCLUDE").ok();
    let include = given.clone().unwrap_or_else(|| "/usr/include".into());
    if !Path::new(&include).join("simdjson.h").exists() {
        // The rest of the benches build and run without it; the simdjson
        // peer is left out and its tests say they are skipped.
        println!(
            "cargo:warning=simdjson.h not found in {include}: the C++ simdjson peer is left out \
             (Debian: `apt-get install libsimdjson-dev`; elsewhere set KF_SIMDJSON_INCLUDE \
             and the library search path)"
        );
        println!("cargo:rustc-cfg=kf_no_simdjson");
        return;
    }
    let mut b = cc::Build::new();
    b.cpp(true)
        .std("c++17")
        .file("cpp/simdjson_walk.cpp")
        // The benches are timed in the bench profile; the tests run the
        // shim too, and -O0 would only slow them down.
        .opt_level(3)
        .define("NDEBUG", None)
        .warnings(true)
        .extra_warnings(true);
    if let Some(dir) = given {
        b.include(dir);
    }
    if std::env::var_os("KF_SIMDJSON_PORTABLE").is_none() {
        b.flag("-march=native");
    }
    b.compile("kf_simdjson_walk");
    println!("cargo:rustc-link-lib=simdjson");
}
