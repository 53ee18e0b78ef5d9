//! Property test: every release record survives Helm's encoding (JSON, gzip, base64)
//! and both object drivers unchanged. Seeded, so a failure names a reproducible case.

use hke_core::release::{File, GoTime, Hook, Info, Release, Status};
use hke_core::storage::{make_key, Driver, DriverKind, MemoryObjects, ObjectDriver};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

fn text(rng: &mut StdRng, max: usize) -> String {
    const ALPHABET: &[&str] = &[
        "a", "Z", "0", "-", " ", "\n", "\"", "\\", "<", "&", "é", "日", "🚀", "\t", "{{",
    ];
    let n = rng.random_range(0..=max);
    (0..n)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())])
        .collect()
}

fn value(rng: &mut StdRng, depth: usize) -> Value {
    match rng.random_range(0..if depth > 3 { 4 } else { 6 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.random()),
        2 => json!(rng.random_range(-1_000_000i64..1_000_000)),
        3 => Value::String(text(rng, 12)),
        4 => Value::Array(
            (0..rng.random_range(0..4))
                .map(|_| value(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(map(rng, depth + 1)),
    }
}

fn map(rng: &mut StdRng, depth: usize) -> Map<String, Value> {
    (0..rng.random_range(0..5))
        .map(|_| (text(rng, 8), value(rng, depth)))
        .collect()
}

fn release(rng: &mut StdRng) -> Release {
    let statuses = [
        Status::Deployed,
        Status::Failed,
        Status::Superseded,
        Status::PendingUpgrade,
        Status::Uninstalled,
    ];
    let mut r = Release {
        name: format!("rel-{}", rng.random_range(0..1000)),
        version: rng.random_range(1..50),
        namespace: "ns".into(),
        manifest: text(rng, 300),
        config: Some(map(rng, 0)),
        ..Release::default()
    };
    r.info = Some(Info {
        first_deployed: GoTime::now(),
        last_deployed: GoTime::now(),
        notes: text(rng, 40),
        ..Info::default()
    });
    r.set_status(
        statuses[rng.random_range(0..statuses.len())].clone(),
        &text(rng, 20),
    );
    if rng.random() {
        r.hooks = Some(vec![Hook {
            name: text(rng, 10),
            kind: "Job".into(),
            events: Some(vec!["pre-install".into()]),
            weight: rng.random_range(-5..5),
            ..Hook::default()
        }]);
    }
    let mut chart = hke_core::release::ChartRecord {
        templates: Some(vec![File::new(
            "templates/x.yaml",
            text(rng, 50).as_bytes(),
        )]),
        values: Some(map(rng, 0)),
        ..Default::default()
    };
    chart.files = if rng.random() { Some(Vec::new()) } else { None };
    r.chart = Some(chart);
    r
}

#[test]
fn records_round_trip_through_encoding_and_drivers() {
    let cases = if std::env::var_os("HKE_LONG").is_some() {
        5000
    } else {
        300
    };
    let mut rng = StdRng::seed_from_u64(0x6b65);
    for i in 0..cases {
        let r = release(&mut rng);
        let want = serde_json::to_string(&r).expect("json");
        let enc = hke_core::storage::encode_release(&r).expect("encode");
        let back = hke_core::storage::decode_release(&enc).expect("decode");
        assert_eq!(
            serde_json::to_string(&back).expect("json"),
            want,
            "case {i}"
        );
        for kind in [DriverKind::Secret, DriverKind::ConfigMap] {
            let d = ObjectDriver::new(kind, Box::new(MemoryObjects::default()));
            let key = make_key(&r.name, r.version);
            d.create(&key, &r).expect("create");
            let got = d.get(&key).expect("get");
            assert_eq!(
                serde_json::to_string(&got).expect("json"),
                want,
                "case {i} {kind:?}"
            );
        }
    }
    println!("storage round trip: {cases} records, 0 failures");
}
