//! Helm's encoding of a release record: JSON, gzip (best compression), then base64
//! (`encodeRelease`/`decodeRelease`). Records stored before Helm compressed them (plain
//! JSON under the base64) are read too.

use super::StorageError;
use crate::release::Release;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::{Read, Write};

/// The gzip magic Helm checks before decompressing.
const MAGIC_GZIP: [u8; 3] = [0x1f, 0x8b, 0x08];

/// The largest decompressed record hke reads (a guard against gzip bombs; Kubernetes
/// objects are at most 1 MiB, and compressed records expand roughly tenfold).
pub const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// Encodes a release as Helm stores it in `data.release`.
pub fn encode_release(rls: &Release) -> Result<String, StorageError> {
    // As Go's json.Marshal: HTML characters escaped, so records are byte-identical.
    let json = serde_json::to_string(rls).map_err(|e| StorageError::Encode(e.to_string()))?;
    let json = crate::release::print::go_html_escape(&json).into_bytes();
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&json)
        .and_then(|()| gz.finish())
        .map(|b| data_encoding::BASE64.encode(&b))
        .map_err(|e| StorageError::Encode(e.to_string()))
}

/// Decodes what Helm stores in `data.release`.
pub fn decode_release(data: &str) -> Result<Release, StorageError> {
    let raw = data_encoding::BASE64
        .decode(data.trim_end().as_bytes())
        .map_err(|e| StorageError::Decode(format!("illegal base64 data: {e}")))?;
    let json = if raw.len() > 3 && raw.starts_with(&MAGIC_GZIP) {
        let mut out = Vec::new();
        GzDecoder::new(raw.as_slice())
            .take(MAX_DECODED_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| StorageError::Decode(format!("gzip: {e}")))?;
        if out.len() as u64 > MAX_DECODED_BYTES {
            return Err(StorageError::Decode(format!(
                "the decompressed record exceeds {MAX_DECODED_BYTES} bytes"
            )));
        }
        out
    } else {
        raw
    };
    serde_json::from_slice(&json).map_err(|e| StorageError::Decode(format!("json: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::{Info, Status};

    fn sample() -> Release {
        let mut r = Release {
            name: "web".into(),
            version: 3,
            namespace: "apps".into(),
            manifest: "kind: ConfigMap\n".into(),
            ..Release::default()
        };
        r.info = Some(Info::default());
        r.set_status(Status::Deployed, "Upgrade complete");
        r
    }

    #[test]
    fn encode_then_decode_is_identity() {
        let r = sample();
        let enc = encode_release(&r).expect("encode");
        let back = decode_release(&enc).expect("decode");
        assert_eq!(
            serde_json::to_string(&back).expect("json"),
            serde_json::to_string(&r).expect("json")
        );
        // gzip under base64, as Helm writes.
        let raw = data_encoding::BASE64.decode(enc.as_bytes()).expect("b64");
        assert!(raw.starts_with(&MAGIC_GZIP));
    }

    #[test]
    fn uncompressed_records_are_read() {
        let json = serde_json::to_string(&sample()).expect("json");
        let enc = data_encoding::BASE64.encode(json.as_bytes());
        assert_eq!(decode_release(&enc).expect("decode").name, "web");
    }

    #[test]
    fn bad_data_is_a_clear_error() {
        assert!(matches!(
            decode_release("%%%"),
            Err(StorageError::Decode(m)) if m.contains("base64")
        ));
        let not_json = data_encoding::BASE64.encode(b"{nope");
        assert!(
            matches!(decode_release(&not_json), Err(StorageError::Decode(m)) if m.starts_with("json"))
        );
    }
}
