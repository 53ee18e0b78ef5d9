//! Reading a chart archive (`.tgz`) into memory, with Helm's path checks
//! (`LoadArchiveFiles`) and hke's own defences: link and special entries, duplicate
//! entries and entries outside the chart folder are refused, and sizes are bounded.
//! Nothing is ever written to disk.

use super::error::{ArchiveError, LoadError};
use super::loader::{Budget, LoadOptions};
use super::File;
use std::io::Read;

/// The UTF-8 byte order mark Helm strips from every file.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Go's `path.Clean` for `/`-separated paths.
pub(crate) fn go_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Whether `n` starts like a Windows drive path (`c:/`).
fn is_drive_path(n: &str) -> bool {
    let b = n.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/'
}

/// Go's `http.DetectContentType`, for the signatures a mistaken chart argument is likely
/// to have (Helm names the type in its error). Like Helm, `head` is the first 512
/// bytes padded with zeros.
pub(crate) fn detect_content_type(head: &[u8]) -> String {
    let mut buf = [0u8; 512];
    let n = head.len().min(512);
    buf[..n].copy_from_slice(&head[..n]);
    let data = &buf[..];
    if data.starts_with(b"\xFE\xFF") {
        return "text/plain; charset=utf-16be".into();
    }
    if data.starts_with(b"\xFF\xFE") {
        return "text/plain; charset=utf-16le".into();
    }
    if data.starts_with(BOM) {
        return "text/plain; charset=utf-8".into();
    }
    let first_non_ws = data
        .iter()
        .position(|b| !matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' '))
        .unwrap_or(data.len());
    let rest = &data[first_non_ws..];
    let lower_starts = |sig: &[u8]| {
        rest.len() > sig.len()
            && rest[..sig.len()].eq_ignore_ascii_case(sig)
            && matches!(rest[sig.len()], b' ' | b'>')
    };
    for tag in [
        &b"<!DOCTYPE HTML"[..],
        b"<HTML",
        b"<HEAD",
        b"<SCRIPT",
        b"<IFRAME",
        b"<H1",
        b"<DIV",
        b"<FONT",
        b"<TABLE",
        b"<A",
        b"<STYLE",
        b"<TITLE",
        b"<B",
        b"<BODY",
        b"<BR",
        b"<P",
        b"<!--",
    ] {
        if lower_starts(tag) {
            return "text/html; charset=utf-8".into();
        }
    }
    if rest.starts_with(b"<?xml") {
        return "text/xml; charset=utf-8".into();
    }
    let exact: &[(&[u8], &str)] = &[
        (b"%PDF-", "application/pdf"),
        (b"%!PS-Adobe-", "application/postscript"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"\x89PNG\x0D\x0A\x1A\x0A", "image/png"),
        (b"\xFF\xD8\xFF", "image/jpeg"),
        (b"BM", "image/bmp"),
        (b"\x1F\x8B\x08", "application/x-gzip"),
        (b"PK\x03\x04", "application/zip"),
        (b"Rar!\x1A\x07\x00", "application/x-rar-compressed"),
        (b"Rar!\x1A\x07\x01\x00", "application/x-rar-compressed"),
        (b"\x00\x61\x73\x6D", "application/wasm"),
    ];
    for (sig, ct) in exact {
        if data.starts_with(sig) {
            return (*ct).into();
        }
    }
    let binary = |b: &u8| matches!(b, 0x00..=0x08 | 0x0B | 0x0E..=0x1A | 0x1C..=0x1F);
    if rest.iter().any(binary) {
        "application/octet-stream".into()
    } else {
        "text/plain; charset=utf-8".into()
    }
}

/// Helm's `ensureArchive`: a clear error when a file given as a chart is not gzip.
pub(crate) fn ensure_archive(name: &str, head: &[u8]) -> Result<(), LoadError> {
    let ct = detect_content_type(head);
    if ct != "application/x-gzip" && !head.starts_with(b"\x1F\x8B\x08") {
        if name.ends_with(".yml") || name.ends_with(".yaml") {
            return Err(LoadError::YamlNotArchive(name.to_string()));
        }
        return Err(LoadError::NotGzip {
            name: name.to_string(),
            content_type: ct,
        });
    }
    Ok(())
}

/// Reads every file of a gzipped tar chart archive: names have their first component
/// (the chart folder) removed and are checked like Helm's `LoadArchiveFiles`; data has a
/// leading BOM removed.
pub(crate) fn read_archive_files(
    archive: &str,
    bytes: &[u8],
    opts: &LoadOptions,
    budget: &mut Budget,
) -> Result<Vec<File>, LoadError> {
    let err = |entry: Option<&str>, kind: ArchiveError| LoadError::Archive {
        archive: archive.to_string(),
        entry: entry.map(str::to_string),
        kind,
    };
    // Go's gzip.NewReader: a 10-byte header starting with the gzip magic.
    if bytes.len() < 10 {
        return Err(err(None, ArchiveError::Gzip("unexpected EOF".into())));
    }
    if !bytes.starts_with(b"\x1F\x8B\x08") {
        return Err(err(None, ArchiveError::Gzip("gzip: invalid header".into())));
    }
    let gz = flate2::read::MultiGzDecoder::new(bytes);
    // Bound the whole decompressed tar stream too (headers, long-name and PAX records
    // that the tar layer buffers, skipped entries), not only the files we keep.
    let stream_cap = opts
        .max_total_bytes
        .saturating_add((opts.max_entries as u64).saturating_mul(1536))
        .saturating_add(1 << 20);
    let mut tar = tar::Archive::new(CappedReader {
        inner: gz,
        left: stream_cap,
    });
    let entries = tar.entries().map_err(|e| err(None, classify_io(&e)))?;
    let mut files: Vec<File> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut top: Option<String> = None;
    let mut count = 0usize;
    for entry in entries {
        let mut entry = entry.map_err(|e| err(None, classify_io(&e)))?;
        count += 1;
        if count > opts.max_entries {
            return Err(err(None, ArchiveError::TooManyEntries(opts.max_entries)));
        }
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        let type_byte = kind.as_byte();
        let is_dir = kind.is_dir()
            || ((type_byte == b'\0') && raw_name.ends_with('/'))
            || entry
                .header()
                .mode()
                .is_ok_and(|m| m & 0o170000 == 0o040000);
        if is_dir {
            continue;
        }
        match type_byte {
            b'g' | b'x' => continue,
            b'0' | b'\0' | b'7' => {}
            b'1' | b'2' => return Err(err(Some(&raw_name), ArchiveError::Link)),
            other => {
                return Err(err(
                    Some(&raw_name),
                    ArchiveError::Special(char::from(other)),
                ))
            }
        }
        let delimiter = if raw_name.contains('\\') { '\\' } else { '/' };
        let mut parts = raw_name.split(delimiter);
        let first = parts.next().unwrap_or("").to_string();
        let n: String = parts.collect::<Vec<_>>().join("/");
        if n.starts_with('/') {
            return Err(err(Some(&raw_name), ArchiveError::AbsolutePath));
        }
        let n = go_clean(&n);
        if n == "." {
            return Err(err(Some(&raw_name), ArchiveError::OutsideBase));
        }
        if n.starts_with("..") {
            return Err(err(Some(&raw_name), ArchiveError::ParentReference));
        }
        if is_drive_path(&n) {
            return Err(err(Some(&raw_name), ArchiveError::IllegalName));
        }
        if first == "Chart.yaml" {
            return Err(err(Some(&raw_name), ArchiveError::ChartYamlAtRoot));
        }
        match &top {
            None => top = Some(first),
            Some(t) if *t != first => {
                return Err(err(Some(&raw_name), ArchiveError::OutsideBase));
            }
            Some(_) => {}
        }
        if !seen.insert(n.clone()) {
            return Err(err(Some(&raw_name), ArchiveError::Duplicate));
        }
        let declared = entry.header().size().unwrap_or(0);
        if declared > opts.max_file_bytes {
            return Err(err(
                Some(&raw_name),
                ArchiveError::FileTooLarge(opts.max_file_bytes),
            ));
        }
        let mut data = Vec::with_capacity(usize::try_from(declared.min(1 << 20)).unwrap_or(0));
        (&mut entry)
            .take(opts.max_file_bytes + 1)
            .read_to_end(&mut data)
            .map_err(|e| err(Some(&raw_name), classify_io(&e)))?;
        let len = data.len() as u64;
        if len > opts.max_file_bytes {
            return Err(err(
                Some(&raw_name),
                ArchiveError::FileTooLarge(opts.max_file_bytes),
            ));
        }
        if !budget.take(len) {
            return Err(err(
                Some(&raw_name),
                ArchiveError::TooLarge(opts.max_total_bytes),
            ));
        }
        if data.starts_with(BOM) {
            data.drain(..BOM.len());
        }
        files.push(File { name: n, data });
    }
    if files.is_empty() {
        return Err(err(None, ArchiveError::Empty));
    }
    Ok(files)
}

/// The message of the I/O error [`CappedReader`] raises.
const STREAM_CAP_MESSAGE: &str = "decompressed chart archive stream exceeds its limit";

/// A reader that fails once more than `left` bytes were read.
struct CappedReader<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for CappedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // Only an error if the stream really goes on.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(STREAM_CAP_MESSAGE)),
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Maps an I/O error of the gzip or tar layer to the archive error it stands for.
fn classify_io(e: &std::io::Error) -> ArchiveError {
    let msg = e.to_string();
    if msg.contains(STREAM_CAP_MESSAGE) {
        return ArchiveError::StreamTooLarge;
    }
    let lower = msg.to_ascii_lowercase();
    if lower.contains("gzip") || lower.contains("deflate") || lower.contains("checksum") {
        ArchiveError::Gzip(format!("gzip: {msg}"))
    } else if e.kind() == std::io::ErrorKind::UnexpectedEof {
        ArchiveError::Tar("unexpected EOF".into())
    } else {
        ArchiveError::Tar(msg)
    }
}

#[cfg(test)]
mod tests {
    use super::{detect_content_type, go_clean};

    #[test]
    fn clean_like_go() {
        for (i, o) in [
            ("", "."),
            ("a/b/../c", "a/c"),
            ("../a", "../a"),
            ("a/../../b", "../b"),
            ("/../a", "/a"),
            ("./a//b/", "a/b"),
            ("a/..", "."),
        ] {
            assert_eq!(go_clean(i), o, "{i:?}");
        }
    }

    #[test]
    fn content_types_like_helm_reports_them() {
        assert_eq!(detect_content_type(b"hello\n"), "application/octet-stream");
        assert_eq!(
            detect_content_type(&[b'a'; 600]),
            "text/plain; charset=utf-8"
        );
        assert_eq!(detect_content_type(b"PK\x03\x04xx"), "application/zip");
        assert_eq!(detect_content_type(b""), "application/octet-stream");
        assert_eq!(
            detect_content_type(b"\x1f\x8b\x08\x00"),
            "application/x-gzip"
        );
    }
}
