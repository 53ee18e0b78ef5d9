//! Chart loading errors, worded as Helm 3.17.2 words them where Helm has a message.

use super::ignore::IgnoreError;

/// Why a chart could not be loaded (or packaged).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The chart path does not exist or cannot be inspected (Go's `stat` error text).
    #[error("stat {path}: {message}")]
    Stat {
        /// The path as given.
        path: String,
        /// The OS error text (`no such file or directory`).
        message: String,
    },
    /// A file of a chart directory could not be read.
    #[error("error reading {path}: {message}")]
    Read {
        /// The chart-relative path.
        path: String,
        /// The OS error text.
        message: String,
    },
    /// A directory entry is neither a regular file nor a directory.
    #[error("cannot load irregular file {0} as it has file mode type bits set")]
    IrregularFile(String),
    /// A symbolic link could not be resolved, or it loops.
    #[error("error evaluating symlink {path}: {message}")]
    Symlink {
        /// The path of the link.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// `.helmignore` is malformed.
    #[error("{0}")]
    Ignore(#[from] IgnoreError),
    /// No `Chart.yaml` (also when `.helmignore` ignored it).
    #[error("Chart.yaml file is missing")]
    ChartYamlMissing,
    /// `Chart.yaml` is not valid YAML or does not fit Helm's metadata structure.
    #[error("cannot load Chart.yaml: {0}")]
    ChartYaml(String),
    /// `requirements.yaml` is not valid YAML or does not fit.
    #[error("cannot load requirements.yaml: {0}")]
    Requirements(String),
    /// `Chart.lock` or `requirements.lock` is not valid.
    #[error("cannot load {file}: {message}")]
    Lock {
        /// `Chart.lock` or `requirements.lock`.
        file: String,
        /// Go's message.
        message: String,
    },
    /// `values.yaml` is not valid YAML or not a map.
    #[error("cannot load values.yaml: {0}")]
    Values(String),
    /// The metadata fails Helm's validation (message without the `validation: ` prefix).
    #[error("validation: {0}")]
    Validation(String),
    /// A subchart failed to load.
    #[error("error unpacking subchart {name} in {parent}: {source}")]
    Subchart {
        /// The entry name under `charts/`.
        name: String,
        /// The parent chart's name.
        parent: String,
        /// Why.
        source: Box<LoadError>,
    },
    /// A `charts/X.tgz` entry came with other files under the same name.
    #[error("error unpacking subchart tar in {parent}: expected {expected}, got {got}")]
    SubchartTarName {
        /// The parent chart's name.
        parent: String,
        /// The `.tgz` name.
        expected: String,
        /// The file found first.
        got: String,
    },
    /// Subcharts nest deeper than [`super::LoadOptions::max_depth`].
    #[error("subcharts of {chart} nest deeper than {limit} levels")]
    TooDeep {
        /// The chart at which the limit was hit.
        chart: String,
        /// The limit.
        limit: usize,
    },
    /// The chart file is not a gzip stream (Helm's `ensureArchive`).
    #[error("file '{name}' does not appear to be a gzipped archive; got '{content_type}'")]
    NotGzip {
        /// The file name.
        name: String,
        /// What Go's `http.DetectContentType` calls it.
        content_type: String,
    },
    /// A YAML file was given where an archive was expected.
    #[error("file '{0}' seems to be a YAML file, but expected a gzipped archive")]
    YamlNotArchive(String),
    /// A directory was given where an archive was expected.
    #[error("cannot load a directory")]
    IsDirectory,
    /// The archive is unreadable or hostile.
    #[error("{kind} (archive {archive}{})", entry_suffix(.entry))]
    Archive {
        /// The archive's name (its path, or `charts/X.tgz` inside a parent).
        archive: String,
        /// The offending entry, when one is to blame.
        entry: Option<String>,
        /// What is wrong.
        kind: ArchiveError,
    },
    /// `helm package` could not write the archive.
    #[error("{0}")]
    Save(String),
}

fn entry_suffix(entry: &Option<String>) -> String {
    match entry {
        Some(e) => format!(", entry {}", super::metadata::go_quote(e)),
        None => String::new(),
    }
}

/// What is wrong with a chart archive. Helm's wording where Helm rejects the same thing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    /// Not a valid gzip stream (`gzip: invalid header`, `unexpected EOF`, …).
    #[error("{0}")]
    Gzip(String),
    /// Not a valid tar stream.
    #[error("archive/tar: {0}")]
    Tar(String),
    /// An entry has an absolute path.
    #[error("chart illegally contains absolute paths")]
    AbsolutePath,
    /// An entry lies outside the chart folder (a bare top-level file, or another top
    /// folder than the first entry's).
    #[error("chart illegally contains content outside the base directory")]
    OutsideBase,
    /// An entry climbs out with `..`.
    #[error("chart illegally references parent directory")]
    ParentReference,
    /// An entry is named like a Windows drive path.
    #[error("chart contains illegally named files")]
    IllegalName,
    /// `Chart.yaml` at the archive root.
    #[error("chart yaml not in base directory")]
    ChartYamlAtRoot,
    /// No file at all.
    #[error("no files in chart archive")]
    Empty,
    /// A symbolic or hard link entry.
    #[error("chart archive contains a link entry, which is not supported")]
    Link,
    /// A device, FIFO or other special entry.
    #[error("chart archive contains an unsupported entry type {0:?}")]
    Special(char),
    /// Two entries with the same path.
    #[error("chart archive contains a duplicate entry")]
    Duplicate,
    /// The files add up to more than the limit.
    #[error("decompressed chart is larger than the maximum size {0}")]
    TooLarge(u64),
    /// One file is larger than the limit.
    #[error("decompressed chart file is larger than the maximum file size {0}")]
    FileTooLarge(u64),
    /// The decompressed tar stream (headers and metadata records included) is larger
    /// than the limits allow.
    #[error("decompressed chart archive stream is larger than the limits allow")]
    StreamTooLarge,
    /// More entries than the limit.
    #[error("chart archive holds more than {0} entries")]
    TooManyEntries(usize),
}
