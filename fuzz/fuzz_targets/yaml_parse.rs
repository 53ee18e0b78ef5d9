//! Fuzz target: `yaml::parse` and friends never panic, and whatever parses can be
//! emitted again (`to_yaml`, `to_yaml_pretty`, `to_json`) without panicking; what
//! `to_yaml` prints parses back to the same value.
#![no_main]

use hke_core::{gojson, yaml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = yaml::parse_all(text, "fuzz.yaml");
    let _ = yaml::parse_typed(text, "fuzz.yaml");
    if let Ok(v) = yaml::parse(text, "fuzz.yaml") {
        let out = yaml::to_yaml(&v);
        let _ = yaml::to_yaml_pretty(&v);
        let _ = gojson::to_json(&v);
        if let Ok(back) = yaml::parse(&out, "roundtrip.yaml") {
            // Keys whose text changes under the JSON step cannot differ; values must
            // read back as written.
            assert_eq!(back, v, "round trip of {text:?} via {out:?}");
        } else {
            panic!("to_yaml output does not parse: {out:?} (from {text:?})");
        }
    }
});
