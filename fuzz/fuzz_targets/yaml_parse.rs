//! Fuzz target: `yaml::parse` and friends never panic, and whatever parses can be
//! emitted again (`to_yaml`, `to_yaml_pretty`, `to_json`) without panicking; what
//! `marshal` prints parses back to the same value.
#![no_main]

use hke_core::{gojson, yaml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    quiet_libyaml_panics();
    let _ = yaml::parse_all(text, "fuzz.yaml");
    let _ = yaml::parse_typed(text, "fuzz.yaml");
    if let Ok(v) = yaml::parse(text, "fuzz.yaml") {
        let _ = yaml::to_yaml(&v);
        let _ = yaml::to_yaml_pretty(&v);
        // The newline-terminated form: toYaml's trimmed output changes a final literal
        // block's chomping when read back on its own.
        let out = yaml::marshal(&v);
        let _ = gojson::to_json(&v);
        // toYaml fails (prints nothing) on characters go-yaml cannot read back, and
        // folds NEL through its JSON step; everything else must read back as written.
        // A map key `<<` is written as it is and read back as a merge (go-yaml does the
        // same), so such values do not round trip by design.
        let printable = !format!("{v}").contains('\u{85}') && !has_merge_key(&v);
        if !out.is_empty() && printable {
            match yaml::parse(&out, "roundtrip.yaml") {
                Ok(back) => assert_eq!(back, v, "round trip of {text:?} via {out:?}"),
                Err(e) => panic!("to_yaml output does not parse: {e}: {out:?} (from {text:?})"),
            }
        }
    }
});

/// Whether a map anywhere in `v` has the key `<<`.
fn has_merge_key(v: &hke_core::value::Value) -> bool {
    use hke_core::value::Value;
    match v {
        Value::Map(m) => m.iter().any(|(k, x)| k == "<<" || has_merge_key(x)),
        Value::List(l) => l.iter().any(has_merge_key),
        _ => false,
    }
}

/// libyaml-safer 0.3 panics on some inputs (a tag followed by `,`, a block scalar ending
/// the text without a line break); hke catches those panics and turns them into errors
/// or a retry. libFuzzer's panic hook would abort on them before hke could catch them:
/// replace it with one that stays silent for panics raised inside libyaml-safer. Any
/// panic that escapes hke still aborts (libfuzzer-sys checks the target's result).
fn quiet_libyaml_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let inside = info
                .location()
                .is_some_and(|l| l.file().contains("libyaml-safer"));
            if !inside {
                default(info);
            }
        }));
    });
}
