//! Kubernetes' protobuf encoding, read far enough for what real clients send as
//! protobuf: client-go's typed clients (helm's release storage among them) POST and PUT
//! Secrets and ConfigMaps as `application/vnd.kubernetes.protobuf`.
//!
//! The body is the `k8s\0` magic, then a `runtime.Unknown` (type meta, raw bytes), whose
//! raw bytes are the `v1.Secret` or `v1.ConfigMap` message. Only the fields of those two
//! kinds and of `ObjectMeta` that clients write are decoded; anything else is an error,
//! so nothing is silently dropped.

use serde_json::{json, Map, Value};

/// The protobuf content type.
pub const CONTENT_TYPE: &str = "application/vnd.kubernetes.protobuf";

const MAGIC: &[u8] = b"k8s\0";

/// Decodes a protobuf request body into the JSON object it stands for.
pub fn decode(body: &[u8]) -> Result<Value, String> {
    let rest = body
        .strip_prefix(MAGIC)
        .ok_or("the protobuf body lacks the k8s magic prefix")?;
    let mut api_version = String::new();
    let mut kind = String::new();
    let mut raw: &[u8] = &[];
    for f in Fields::new(rest) {
        let (num, val) = f?;
        match (num, val) {
            (1, Wire::Bytes(tm)) => {
                for g in Fields::new(tm) {
                    match g? {
                        (1, Wire::Bytes(b)) => api_version = utf8(b)?,
                        (2, Wire::Bytes(b)) => kind = utf8(b)?,
                        _ => {}
                    }
                }
            }
            (2, Wire::Bytes(b)) => raw = b,
            _ => {}
        }
    }
    let mut obj = match kind.as_str() {
        "Secret" => secret(raw)?,
        "ConfigMap" => config_map(raw)?,
        other => {
            return Err(format!(
                "the simulator reads protobuf only for Secrets and ConfigMaps, not {other:?}; send JSON"
            ))
        }
    };
    obj.insert("apiVersion".into(), Value::String(api_version));
    obj.insert("kind".into(), Value::String(kind));
    Ok(Value::Object(obj))
}

fn secret(raw: &[u8]) -> Result<Map<String, Value>, String> {
    let mut o = Map::new();
    let mut data = Map::new();
    let mut string_data = Map::new();
    for f in Fields::new(raw) {
        match f? {
            (1, Wire::Bytes(b)) => {
                o.insert("metadata".into(), object_meta(b)?);
            }
            (2, Wire::Bytes(b)) => {
                let (k, v) = map_entry(b)?;
                data.insert(utf8(k)?, Value::String(data_encoding::BASE64.encode(v)));
            }
            (3, Wire::Bytes([])) => {}
            (3, Wire::Bytes(b)) => {
                o.insert("type".into(), Value::String(utf8(b)?));
            }
            (4, Wire::Bytes(b)) => {
                let (k, v) = map_entry(b)?;
                string_data.insert(utf8(k)?, Value::String(utf8(v)?));
            }
            (5, Wire::Varint(v)) => {
                o.insert("immutable".into(), Value::Bool(v != 0));
            }
            (n, _) => return Err(format!("unexpected field {n} in a protobuf Secret")),
        }
    }
    if !data.is_empty() {
        o.insert("data".into(), Value::Object(data));
    }
    if !string_data.is_empty() {
        o.insert("stringData".into(), Value::Object(string_data));
    }
    Ok(o)
}

fn config_map(raw: &[u8]) -> Result<Map<String, Value>, String> {
    let mut o = Map::new();
    let mut data = Map::new();
    let mut binary = Map::new();
    for f in Fields::new(raw) {
        match f? {
            (1, Wire::Bytes(b)) => {
                o.insert("metadata".into(), object_meta(b)?);
            }
            (2, Wire::Bytes(b)) => {
                let (k, v) = map_entry(b)?;
                data.insert(utf8(k)?, Value::String(utf8(v)?));
            }
            (3, Wire::Bytes(b)) => {
                let (k, v) = map_entry(b)?;
                binary.insert(utf8(k)?, Value::String(data_encoding::BASE64.encode(v)));
            }
            (4, Wire::Varint(v)) => {
                o.insert("immutable".into(), Value::Bool(v != 0));
            }
            (n, _) => return Err(format!("unexpected field {n} in a protobuf ConfigMap")),
        }
    }
    if !data.is_empty() {
        o.insert("data".into(), Value::Object(data));
    }
    if !binary.is_empty() {
        o.insert("binaryData".into(), Value::Object(binary));
    }
    Ok(o)
}

/// The `ObjectMeta` fields clients set on create and update.
fn object_meta(raw: &[u8]) -> Result<Value, String> {
    let mut m = Map::new();
    let mut labels = Map::new();
    let mut annotations = Map::new();
    let mut finalizers = Vec::new();
    for f in Fields::new(raw) {
        match f? {
            // Go's protobuf writes empty strings too; they stand for absent fields.
            (1 | 2 | 3 | 5 | 6, Wire::Bytes([])) => {}
            (1, Wire::Bytes(b)) => {
                m.insert("name".into(), Value::String(utf8(b)?));
            }
            (2, Wire::Bytes(b)) => {
                m.insert("generateName".into(), Value::String(utf8(b)?));
            }
            (3, Wire::Bytes(b)) => {
                m.insert("namespace".into(), Value::String(utf8(b)?));
            }
            (5, Wire::Bytes(b)) => {
                m.insert("uid".into(), Value::String(utf8(b)?));
            }
            (6, Wire::Bytes(b)) => {
                m.insert("resourceVersion".into(), Value::String(utf8(b)?));
            }
            (7, Wire::Varint(0)) => {}
            (7, Wire::Varint(v)) => {
                m.insert("generation".into(), json!(v));
            }
            (11, Wire::Bytes(b)) => {
                let (k, v) = map_entry(b)?;
                labels.insert(utf8(k)?, Value::String(utf8(v)?));
            }
            (12, Wire::Bytes(b)) => {
                let (k, v) = map_entry(b)?;
                annotations.insert(utf8(k)?, Value::String(utf8(v)?));
            }
            (14, Wire::Bytes(b)) => finalizers.push(Value::String(utf8(b)?)),
            // selfLink, timestamps, managed fields and owner references: server-set or
            // not used by protobuf clients here.
            (4 | 8 | 9 | 10 | 13 | 17, _) => {}
            (n, _) => return Err(format!("unexpected field {n} in protobuf ObjectMeta")),
        }
    }
    if !labels.is_empty() {
        m.insert("labels".into(), Value::Object(labels));
    }
    if !annotations.is_empty() {
        m.insert("annotations".into(), Value::Object(annotations));
    }
    if !finalizers.is_empty() {
        m.insert("finalizers".into(), Value::Array(finalizers));
    }
    Ok(Value::Object(m))
}

fn map_entry(raw: &[u8]) -> Result<(&[u8], &[u8]), String> {
    let (mut k, mut v): (&[u8], &[u8]) = (&[], &[]);
    for f in Fields::new(raw) {
        match f? {
            (1, Wire::Bytes(b)) => k = b,
            (2, Wire::Bytes(b)) => v = b,
            _ => {}
        }
    }
    Ok((k, v))
}

fn utf8(b: &[u8]) -> Result<String, String> {
    String::from_utf8(b.to_vec()).map_err(|e| format!("a protobuf string is not UTF-8: {e}"))
}

/// A field's value by wire type.
enum Wire<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// The fields of one protobuf message, in order.
struct Fields<'a> {
    buf: &'a [u8],
    failed: bool,
}

impl<'a> Fields<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Fields { buf, failed: false }
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for i in 0..10 {
            let (&b, rest) = self.buf.split_first().ok_or("truncated protobuf varint")?;
            self.buf = rest;
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("protobuf varint too long".into())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if n > self.buf.len() {
            return Err("truncated protobuf field".into());
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Ok(a)
    }

    fn field(&mut self) -> Result<(u64, Wire<'a>), String> {
        let key = self.varint()?;
        let num = key >> 3;
        let wire = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Wire::Fixed
            }
            2 => {
                let n = usize::try_from(self.varint()?).map_err(|_| "protobuf length too large")?;
                Wire::Bytes(self.take(n)?)
            }
            5 => {
                self.take(4)?;
                Wire::Fixed
            }
            t => return Err(format!("unsupported protobuf wire type {t}")),
        };
        Ok((num, wire))
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u64, Wire<'a>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.buf.is_empty() {
            return None;
        }
        let r = self.field();
        self.failed = r.is_err();
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(num: u64, bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![((num << 3) | 2) as u8];
        out.push(bytes.len() as u8);
        out.extend_from_slice(bytes);
        out
    }

    #[test]
    fn decodes_a_client_go_secret() {
        let mut meta = field(1, b"sh.helm.release.v1.a.v1");
        meta.extend(field(11, &[field(1, b"owner"), field(2, b"helm")].concat()));
        let mut secret = field(1, &meta);
        secret.extend(field(
            2,
            &[field(1, b"release"), field(2, b"H4sI")].concat(),
        ));
        secret.extend(field(3, b"helm.sh/release.v1"));
        let tm = [field(1, b"v1"), field(2, b"Secret")].concat();
        let mut body = b"k8s\0".to_vec();
        body.extend(field(1, &tm));
        body.extend(field(2, &secret));
        let v = decode(&body).expect("decode");
        assert_eq!(v["kind"], "Secret");
        assert_eq!(v["metadata"]["name"], "sh.helm.release.v1.a.v1");
        assert_eq!(v["metadata"]["labels"]["owner"], "helm");
        assert_eq!(v["type"], "helm.sh/release.v1");
        assert_eq!(v["data"]["release"], data_encoding::BASE64.encode(b"H4sI"));
    }

    #[test]
    fn truncated_input_is_an_error() {
        assert!(decode(b"k8s\0\x0a\x10ab").is_err());
        assert!(decode(b"nope").is_err());
    }
}
