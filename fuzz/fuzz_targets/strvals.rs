//! Fuzzes the `--set` family parsers: any input line, into an empty map and into a map
//! that already holds lists and scalars, must return Ok or a clear error, never panic.
#![no_main]

use hke_core::value::{Map, Value};
use hke_core::values::strvals;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let mut seeded = Map::new();
    seeded.insert("l".into(), Value::List(vec![Value::Float(1.0), Value::Null]));
    seeded.insert("s".into(), Value::String("x".into()));
    for base in [Map::new(), seeded] {
        let _ = strvals::parse_into(line, &mut base.clone());
        let _ = strvals::parse_into_string(line, &mut base.clone());
        let _ = strvals::parse_json(line, &mut base.clone());
        let _ = strvals::parse_literal_into(line, &mut base.clone());
        let mut read = |p: &str| Ok(p.to_string());
        let _ = strvals::parse_into_file(line, &mut base.clone(), &mut read);
    }
});
