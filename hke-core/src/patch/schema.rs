//! Patch metadata: which lists merge (and by which key), which maps are replaced, which
//! carry `retainKeys`, and which fields exist at all.
//!
//! Kubernetes looks this up in the Go struct of the object's kind
//! (`PatchMetaFromStruct`). hke keeps the same information as a table of struct types:
//! [`PatchSchema::builtin`] reads the table generated from `k8s-patch-meta.json` by
//! `scripts/gen-patch-meta.py` (151 kinds of `k8s.io/api` v0.32),
//! [`PatchSchema::from_meta_json`] / [`PatchSchema::from_test_schema`] read the same data
//! in its JSON form (`hke-smp-patch-meta/1`), and [`PatchSchema::from_openapi_v3`] builds it
//! from the OpenAPI v3 document a cluster serves (`x-kubernetes-patch-strategy`,
//! `x-kubernetes-patch-merge-key`), for kinds newer than the table.
//!
//! The two lookups of the algorithms follow `forkedjson.LookupPatchMetadataForStruct` and
//! `PatchMetaFromStruct.LookupPatchMetadataForSlice`: exact JSON name first, then an ASCII
//! case-insensitive match; unknown fields are errors for struct-derived schemas. Schemas
//! built from OpenAPI are lenient (as kube's OpenAPI lookups are): an unknown field has no
//! metadata, and everything under it is unknown too.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::PatchError;

/// The generated table of built-in kinds (see `scripts/gen-patch-meta.py`).
const BUILTIN_META: &str = include_str!("builtin_meta.txt");

/// Nesting limit for descriptors read from a schema document.
const MAX_DESC_DEPTH: usize = 32;

/// What a field holds, as far as the patch algorithms care.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Desc {
    /// A scalar (or a struct that serializes as one: Time, Quantity, IntOrString).
    Scalar,
    /// A struct type (index into the table); `ptr` marks a Go pointer to it.
    Struct { ty: usize, ptr: bool },
    /// A list of the element descriptor.
    List(Box<Desc>),
    /// A Go map (string keys) of the value descriptor.
    Map(Box<Desc>),
    /// Nothing is known (lenient OpenAPI schemas only).
    Any,
}

static ANY: Desc = Desc::Any;

impl Desc {
    /// Go's `reflect.Kind` name for error messages.
    fn kind_name(&self) -> &'static str {
        match self {
            Desc::Scalar => "string",
            Desc::Struct { ptr: true, .. } => "ptr",
            Desc::Struct { .. } => "struct",
            Desc::List(_) => "slice",
            Desc::Map(_) => "map",
            Desc::Any => "interface",
        }
    }
}

/// One JSON-visible field of a struct type.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) desc: Desc,
    /// The raw `patchStrategy` tag (`merge`, `replace`, `retainKeys`, `merge,retainKeys`).
    pub(crate) strategy: String,
    /// The `patchMergeKey` tag.
    pub(crate) merge_key: String,
}

/// A struct type: its name and fields sorted by JSON name.
#[derive(Debug, Clone)]
pub(crate) struct StructType {
    pub(crate) name: String,
    pub(crate) fields: Vec<Field>,
}

impl StructType {
    fn find(&self, key: &str) -> Option<&Field> {
        if let Ok(i) = self.fields.binary_search_by(|f| f.name.as_str().cmp(key)) {
            return self.fields.get(i);
        }
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(key))
    }
}

/// All struct types of one schema source.
#[derive(Debug)]
pub(crate) struct Table {
    types: Vec<StructType>,
    kinds: HashMap<String, usize>,
    unregistered: Vec<String>,
    /// Unknown fields have no metadata instead of failing (OpenAPI-derived schemas).
    lenient: bool,
}

/// The patch metadata of one type: a position in a table of struct types.
///
/// Cheap to clone (the table is shared).
#[derive(Debug, Clone)]
pub struct PatchSchema {
    table: Arc<Table>,
    root: Desc,
}

/// The metadata of one field, as a lookup returns it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Meta<'a> {
    pub(crate) strategy: &'a str,
    pub(crate) merge_key: &'a str,
}

/// The strategy part of a field's metadata, with `retainKeys` split off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strategy {
    /// No strategy: maps merge, lists are atomic.
    None,
    /// `merge`: lists merge (by key for lists of maps, set-union for primitives).
    Merge,
    /// `replace`: the value is replaced wholesale.
    Replace,
    /// Any other tag value (never produced by Kubernetes' types; treated as none).
    Other,
}

impl<'a> Meta<'a> {
    /// `extractRetainKeysPatchStrategy`: (retainKeys flag, strategy).
    pub(crate) fn split(&self) -> Result<(bool, Strategy), PatchError> {
        if self.strategy.is_empty() {
            return Ok((false, Strategy::None));
        }
        let parts: Vec<&str> = self.strategy.split(',').collect();
        let (retain, other) = match parts.as_slice() {
            [one] if *one == "retainKeys" => (true, ""),
            [one] => (false, *one),
            [a, b] if *a == "retainKeys" => (true, *b),
            [a, b] if *b == "retainKeys" => (true, *a),
            _ => {
                return Err(PatchError::Invalid(format!(
                    "unexpected patch strategy: [{}]",
                    parts.join(" ")
                )))
            }
        };
        let strategy = match other {
            "" => Strategy::None,
            "merge" => Strategy::Merge,
            "replace" => Strategy::Replace,
            _ => Strategy::Other,
        };
        Ok((retain, strategy))
    }
}

/// A position inside a schema during a walk.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cursor<'a> {
    table: &'a Table,
    desc: &'a Desc,
}

impl<'a> Cursor<'a> {
    /// The Go type name at this position (for error messages).
    pub(crate) fn type_name(&self) -> String {
        match self.desc {
            Desc::Struct { ty, .. } => self
                .table
                .types
                .get(*ty)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            other => other.kind_name().to_string(),
        }
    }

    fn find_field(&self, key: &str) -> Result<Option<&'a Field>, PatchError> {
        match self.desc {
            Desc::Any => Ok(None),
            Desc::Struct { ty, .. } => {
                let t =
                    self.table.types.get(*ty).ok_or_else(|| {
                        PatchError::Schema(format!("type index {ty} out of range"))
                    })?;
                match t.find(key) {
                    Some(f) => Ok(Some(f)),
                    None if self.table.lenient => Ok(None),
                    None => Err(PatchError::Invalid(format!(
                        "unable to find api field in struct {} for the json field \"{}\"",
                        t.name.rsplit('.').next().unwrap_or(&t.name),
                        key
                    ))),
                }
            }
            other => Err(PatchError::Invalid(format!(
                "merging an object in json but data type is not struct, instead is: {}",
                other.kind_name()
            ))),
        }
    }

    /// `LookupPatchMetadataForStruct(key)`: the field's position and metadata.
    pub(crate) fn lookup_struct(&self, key: &str) -> Result<(Cursor<'a>, Meta<'a>), PatchError> {
        match self.find_field(key)? {
            None => Ok((self.any(), Meta::default())),
            Some(f) => Ok((
                Cursor {
                    table: self.table,
                    desc: &f.desc,
                },
                Meta {
                    strategy: &f.strategy,
                    merge_key: &f.merge_key,
                },
            )),
        }
    }

    /// `LookupPatchMetadataForSlice(key)`: the position of the list's elements.
    pub(crate) fn lookup_slice(&self, key: &str) -> Result<(Cursor<'a>, Meta<'a>), PatchError> {
        let parent_kind = self.desc.kind_name();
        let field = match self.find_field(key)? {
            None => return Ok((self.any(), Meta::default())),
            Some(f) => f,
        };
        let meta = Meta {
            strategy: &field.strategy,
            merge_key: &field.merge_key,
        };
        let elem = match &field.desc {
            Desc::List(e) => match e.as_ref() {
                Desc::List(_) => {
                    return Err(PatchError::Invalid("unexpected slice of slice".into()))
                }
                e => e,
            },
            d @ Desc::Struct { ptr: true, .. } => d,
            Desc::Any => &ANY,
            _ => {
                return Err(PatchError::Invalid(format!(
                    "expected slice or array type, but got: {parent_kind}"
                )))
            }
        };
        Ok((
            Cursor {
                table: self.table,
                desc: elem,
            },
            meta,
        ))
    }

    fn any(&self) -> Cursor<'a> {
        Cursor {
            table: self.table,
            desc: &ANY,
        }
    }
}

impl PatchSchema {
    /// The schema of a built-in kind (`api_version` as in manifests: `v1`, `apps/v1`),
    /// from the table generated from `k8s-patch-meta.json`; `None` for unknown kinds.
    pub fn builtin(api_version: &str, kind: &str) -> Option<PatchSchema> {
        let table = builtin_table()?;
        let key = format!("{api_version}/{kind}");
        let ty = *table.kinds.get(&key)?;
        Some(PatchSchema {
            table: table.clone(),
            root: Desc::Struct { ty, ptr: false },
        })
    }

    /// Whether client-go's scheme (and so Helm 3 and kubectl) knows a built-in kind as a
    /// typed object. Kinds outside it are handled as unstructured (JSON merge patch).
    pub fn builtin_in_client_go_scheme(api_version: &str, kind: &str) -> bool {
        let key = format!("{api_version}/{kind}");
        builtin_table()
            .map(|t| t.kinds.contains_key(&key) && !t.unregistered.contains(&key))
            .unwrap_or(false)
    }

    /// Every kind key (`apiVersion/kind`) of the built-in table, sorted.
    pub fn builtin_kinds() -> Vec<String> {
        let mut v: Vec<String> = builtin_table()
            .map(|t| t.kinds.keys().cloned().collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// The built-in struct types reachable from `kinds` (keys as in
    /// [`PatchSchema::builtin_kinds`], e.g. `apps/v1/Deployment`) as OpenAPI schema
    /// objects keyed by their OpenAPI names (`io.k8s.api.apps.v1.Deployment`), the shape
    /// an API server publishes: `type: object` with `properties`, references to other
    /// types (`#/components/schemas/...` wrapped in `allOf` when `v3`, else
    /// `#/definitions/...`), `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key`
    /// on the fields that have them, and `x-kubernetes-group-version-kind` on kinds.
    /// Scalars carry no `type` (the table does not know them). Unknown kinds are skipped.
    pub fn builtin_openapi_schemas(kinds: &[String], v3: bool) -> serde_json::Map<String, Value> {
        let mut out = serde_json::Map::new();
        let Some(table) = builtin_table() else {
            return out;
        };
        let mut gvks: HashMap<usize, Vec<Value>> = HashMap::new();
        for (key, &ty) in &table.kinds {
            let mut parts = key.rsplitn(3, '/');
            let (kind, version, group) = (
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
            );
            gvks.entry(ty).or_default().push(serde_json::json!({
                "group": group, "kind": kind, "version": version,
            }));
        }
        for v in gvks.values_mut() {
            v.sort_by_key(|g| g.to_string());
        }
        let reference = |ty: usize| -> Value {
            let name = table.types.get(ty).map(|t| t.name.as_str()).unwrap_or("");
            if v3 {
                serde_json::json!({"allOf": [{"$ref": format!("#/components/schemas/{name}")}]})
            } else {
                serde_json::json!({"$ref": format!("#/definitions/{name}")})
            }
        };
        fn render(d: &Desc, reference: &dyn Fn(usize) -> Value, todo: &mut Vec<usize>) -> Value {
            match d {
                Desc::Scalar | Desc::Any => Value::Object(serde_json::Map::new()),
                Desc::Struct { ty, .. } => {
                    todo.push(*ty);
                    reference(*ty)
                }
                Desc::List(e) => {
                    serde_json::json!({"type": "array", "items": render(e, reference, todo)})
                }
                Desc::Map(e) => {
                    serde_json::json!({"type": "object", "additionalProperties": render(e, reference, todo)})
                }
            }
        }
        let mut todo: Vec<usize> = kinds
            .iter()
            .filter_map(|k| table.kinds.get(k).copied())
            .collect();
        let mut seen = std::collections::HashSet::new();
        // bounded: each type is rendered once
        while let Some(ty) = todo.pop() {
            if !seen.insert(ty) {
                continue;
            }
            let Some(t) = table.types.get(ty) else {
                continue;
            };
            let mut props = serde_json::Map::new();
            for f in &t.fields {
                let mut p = render(&f.desc, &reference, &mut todo);
                if let Value::Object(m) = &mut p {
                    if !f.strategy.is_empty() {
                        m.insert(
                            "x-kubernetes-patch-strategy".into(),
                            f.strategy.clone().into(),
                        );
                    }
                    if !f.merge_key.is_empty() {
                        m.insert(
                            "x-kubernetes-patch-merge-key".into(),
                            f.merge_key.clone().into(),
                        );
                    }
                }
                props.insert(f.name.clone(), p);
            }
            let mut s = serde_json::json!({"type": "object", "properties": props});
            if let (Some(g), Value::Object(m)) = (gvks.get(&ty), &mut s) {
                m.insert(
                    "x-kubernetes-group-version-kind".into(),
                    Value::Array(g.clone()),
                );
            }
            out.insert(t.name.clone(), s);
        }
        out
    }

    /// Fields of `doc` that the schema's struct types do not declare, as a server's strict
    /// decoding reports them (`spec.template.spec.containers[0].imagePullPolicyy`), in
    /// the order of `doc`'s maps, at most `limit`. Matching is exact (case-sensitive). Struct types
    /// without fields (`RawExtension`, `JSON`, `FieldsV1`) take anything; lenient
    /// (OpenAPI-derived) schemas report nothing.
    pub fn unknown_fields(&self, doc: &Value, limit: usize) -> Vec<String> {
        let mut out = Vec::new();
        if !self.table.lenient {
            walk_unknown(&self.table, &self.root, doc, "", &mut out, limit, 0);
        }
        out
    }

    /// The schema of the upstream test types (`shared/conformance/smp/schema.json`), rooted
    /// at `MergeItem` (the type nearly all upstream cases use); see [`PatchSchema::for_kind`]
    /// for the other root.
    pub fn from_test_schema(json: &Value) -> Result<PatchSchema, PatchError> {
        let table = Arc::new(table_from_meta_json(json)?);
        let root_name = if table.kinds.contains_key("MergeItem") {
            "MergeItem".to_string()
        } else {
            let mut names: Vec<&String> = table.kinds.keys().collect();
            names.sort();
            names
                .first()
                .map(|s| s.to_string())
                .ok_or_else(|| PatchError::Schema("schema has no kinds".into()))?
        };
        let ty = *table
            .kinds
            .get(&root_name)
            .ok_or_else(|| PatchError::Schema(format!("no kind {root_name}")))?;
        Ok(PatchSchema {
            table,
            root: Desc::Struct { ty, ptr: false },
        })
    }

    /// A schema in the `hke-smp-patch-meta/1` JSON format (`k8s-patch-meta.json`,
    /// `schema.json`) rooted at `kind_key`.
    pub fn from_meta_json(json: &Value, kind_key: &str) -> Result<PatchSchema, PatchError> {
        PatchSchema {
            table: Arc::new(table_from_meta_json(json)?),
            root: Desc::Any,
        }
        .for_kind(kind_key)
        .ok_or_else(|| PatchError::Schema(format!("no kind {kind_key:?} in the schema")))
    }

    /// The same table rooted at another of its kinds (e.g. `PrecisionItem`).
    pub fn for_kind(&self, kind_key: &str) -> Option<PatchSchema> {
        let ty = *self.table.kinds.get(kind_key)?;
        Some(PatchSchema {
            table: self.table.clone(),
            root: Desc::Struct { ty, ptr: false },
        })
    }

    /// A lenient schema from an OpenAPI v3 document (the `/openapi/v3/apis/<group>/<version>`
    /// document a cluster serves): the component whose `x-kubernetes-group-version-kind`
    /// matches, with `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` as
    /// metadata. `Ok(None)` when no component declares that kind.
    pub fn from_openapi_v3(
        doc: &Value,
        api_version: &str,
        kind: &str,
    ) -> Result<Option<PatchSchema>, PatchError> {
        let table = table_from_openapi_v3(doc)?;
        let key = format!("{api_version}/{kind}");
        let Some(&ty) = table.kinds.get(&key) else {
            return Ok(None);
        };
        Ok(Some(PatchSchema {
            table: Arc::new(table),
            root: Desc::Struct { ty, ptr: false },
        }))
    }

    /// A schema that knows nothing: maps merge, lists are atomic, no lookup fails.
    pub fn unknown() -> PatchSchema {
        PatchSchema {
            table: Arc::new(Table {
                types: Vec::new(),
                kinds: HashMap::new(),
                unregistered: Vec::new(),
                lenient: true,
            }),
            root: Desc::Any,
        }
    }

    /// The name of the root type.
    pub fn type_name(&self) -> String {
        self.cursor().type_name()
    }

    pub(crate) fn cursor(&self) -> Cursor<'_> {
        Cursor {
            table: &self.table,
            desc: &self.root,
        }
    }
}

fn walk_unknown(
    table: &Table,
    desc: &Desc,
    v: &Value,
    path: &str,
    out: &mut Vec<String>,
    limit: usize,
    depth: usize,
) {
    if out.len() >= limit || depth > MAX_DESC_DEPTH * 4 {
        return;
    }
    match (desc, v) {
        (Desc::Struct { ty, .. }, Value::Object(m)) => {
            let Some(t) = table.types.get(*ty) else {
                return;
            };
            if t.fields.is_empty() {
                return;
            }
            for (k, child) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match t.fields.binary_search_by(|f| f.name.as_str().cmp(k)) {
                    Ok(i) => {
                        let d = &t.fields[i].desc;
                        walk_unknown(table, d, child, &p, out, limit, depth + 1);
                    }
                    Err(_) => {
                        if out.len() < limit {
                            out.push(p);
                        }
                    }
                }
            }
        }
        (Desc::List(e), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                walk_unknown(
                    table,
                    e,
                    item,
                    &format!("{path}[{i}]"),
                    out,
                    limit,
                    depth + 1,
                );
            }
        }
        (Desc::Map(e), Value::Object(m)) => {
            for (k, item) in m {
                walk_unknown(
                    table,
                    e,
                    item,
                    &format!("{path}[{k}]"),
                    out,
                    limit,
                    depth + 1,
                );
            }
        }
        _ => {}
    }
}

fn builtin_table() -> Option<&'static Arc<Table>> {
    static TABLE: OnceLock<Option<Arc<Table>>> = OnceLock::new();
    TABLE
        .get_or_init(|| parse_compact(BUILTIN_META).ok().map(Arc::new))
        .as_ref()
}

fn bad(msg: impl Into<String>) -> PatchError {
    PatchError::Schema(msg.into())
}

/// Reads the compact line table (format documented in `scripts/gen-patch-meta.py`).
fn parse_compact(text: &str) -> Result<Table, PatchError> {
    let mut types: Vec<StructType> = Vec::new();
    let mut kinds = HashMap::new();
    let mut unregistered = Vec::new();
    for (lineno, line) in text.lines().enumerate() {
        let at = || format!("builtin_meta.txt line {}", lineno + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(3, ' ');
        let tag = parts.next().unwrap_or("");
        let a = parts
            .next()
            .ok_or_else(|| bad(format!("{}: short line", at())))?;
        let b = parts.next();
        match (tag, b) {
            ("K", Some(idx)) => {
                let i: usize = idx
                    .parse()
                    .map_err(|_| bad(format!("{}: bad type index", at())))?;
                kinds.insert(a.to_string(), i);
            }
            ("X", None) => unregistered.push(a.to_string()),
            ("T", None) => types.push(StructType {
                name: a.to_string(),
                fields: Vec::new(),
            }),
            ("F", Some(d)) => {
                let (desc_text, meta) = match d.split_once('|') {
                    Some((x, rest)) => (x, Some(rest)),
                    None => (d, None),
                };
                let desc = parse_compact_desc(desc_text, 0)
                    .ok_or_else(|| bad(format!("{}: bad descriptor {d:?}", at())))?;
                let (strategy, merge_key) = match meta {
                    Some(m) => m
                        .split_once('|')
                        .ok_or_else(|| bad(format!("{}: bad metadata", at())))?,
                    None => ("", ""),
                };
                let t = types
                    .last_mut()
                    .ok_or_else(|| bad(format!("{}: field before type", at())))?;
                t.fields.push(Field {
                    name: a.to_string(),
                    desc,
                    strategy: strategy.to_string(),
                    merge_key: merge_key.to_string(),
                });
            }
            _ => return Err(bad(format!("{}: unknown record", at()))),
        }
    }
    finish_table(types, kinds, unregistered, false)
}

fn parse_compact_desc(s: &str, depth: usize) -> Option<Desc> {
    if depth > MAX_DESC_DEPTH {
        return None;
    }
    let mut chars = s.chars();
    let c = chars.next()?;
    let rest = chars.as_str();
    match c {
        's' if rest.is_empty() => Some(Desc::Scalar),
        'o' | 'p' => Some(Desc::Struct {
            ty: rest.parse().ok()?,
            ptr: c == 'p',
        }),
        'l' => Some(Desc::List(Box::new(parse_compact_desc(rest, depth + 1)?))),
        'm' => Some(Desc::Map(Box::new(parse_compact_desc(rest, depth + 1)?))),
        _ => None,
    }
}

fn finish_table(
    mut types: Vec<StructType>,
    kinds: HashMap<String, usize>,
    unregistered: Vec<String>,
    lenient: bool,
) -> Result<Table, PatchError> {
    let n = types.len();
    fn check(d: &Desc, n: usize) -> bool {
        match d {
            Desc::Struct { ty, .. } => *ty < n,
            Desc::List(e) | Desc::Map(e) => check(e, n),
            _ => true,
        }
    }
    for t in &mut types {
        t.fields.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(f) = t.fields.iter().find(|f| !check(&f.desc, n)) {
            return Err(bad(format!(
                "{}.{}: type index out of range",
                t.name, f.name
            )));
        }
    }
    if let Some((k, _)) = kinds.iter().find(|(_, &i)| i >= n) {
        return Err(bad(format!("kind {k}: type index out of range")));
    }
    Ok(Table {
        types,
        kinds,
        unregistered,
        lenient,
    })
}

/// Reads the `hke-smp-patch-meta/1` JSON format.
fn table_from_meta_json(json: &Value) -> Result<Table, PatchError> {
    let types_v = json
        .get("types")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("schema: missing \"types\" object"))?;
    let mut names: Vec<&String> = types_v.keys().collect();
    names.sort();
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    fn desc(d: &Value, index: &HashMap<&str, usize>, depth: usize) -> Result<Desc, PatchError> {
        if depth > MAX_DESC_DEPTH {
            return Err(bad("schema: descriptor nesting too deep"));
        }
        let k = d.get("k").and_then(Value::as_str).unwrap_or("");
        match k {
            "s" => Ok(Desc::Scalar),
            "o" => {
                let t = d
                    .get("t")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("schema: struct field without \"t\""))?;
                let ty = *index
                    .get(t)
                    .ok_or_else(|| bad(format!("schema: unknown type {t:?}")))?;
                Ok(Desc::Struct {
                    ty,
                    ptr: d.get("p").is_some_and(|p| p != &Value::from(0)),
                })
            }
            "l" | "m" => {
                let e = d
                    .get("e")
                    .ok_or_else(|| bad("schema: list/map field without \"e\""))?;
                let e = Box::new(desc(e, index, depth + 1)?);
                Ok(if k == "l" {
                    Desc::List(e)
                } else {
                    Desc::Map(e)
                })
            }
            other => Err(bad(format!("schema: unknown field kind {other:?}"))),
        }
    }
    let mut types = Vec::with_capacity(names.len());
    for name in &names {
        let fields_v = types_v
            .get(*name)
            .and_then(Value::as_object)
            .ok_or_else(|| bad(format!("schema: type {name} is not an object")))?;
        let mut fields = Vec::with_capacity(fields_v.len());
        for (fname, fv) in fields_v {
            let s = |k: &str| fv.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            fields.push(Field {
                name: fname.clone(),
                desc: desc(fv, &index, 0)?,
                strategy: s("ps"),
                merge_key: s("mk"),
            });
        }
        types.push(StructType {
            name: (*name).clone(),
            fields,
        });
    }
    let mut kinds = HashMap::new();
    if let Some(k) = json.get("kinds").and_then(Value::as_object) {
        for (key, t) in k {
            let t = t
                .as_str()
                .ok_or_else(|| bad(format!("schema: kind {key} is not a type name")))?;
            let ty = *index
                .get(t)
                .ok_or_else(|| bad(format!("schema: kind {key}: unknown type {t:?}")))?;
            kinds.insert(key.clone(), ty);
        }
    }
    let unregistered = json
        .get("not_in_client_go_scheme")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    finish_table(types, kinds, unregistered, false)
}

/// Builds a lenient table from an OpenAPI v3 document's `components.schemas`.
fn table_from_openapi_v3(doc: &Value) -> Result<Table, PatchError> {
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("openapi: missing components.schemas"))?;
    let mut names: Vec<&String> = schemas.keys().collect();
    names.sort();
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();

    fn ref_name(s: &Value) -> Option<&str> {
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            return r.rsplit('/').next();
        }
        s.get("allOf")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find_map(|x| x.get("$ref").and_then(Value::as_str)))
            .and_then(|r| r.rsplit('/').next())
    }
    fn is_struct(s: &Value) -> bool {
        s.get("properties").and_then(Value::as_object).is_some()
    }
    fn desc(
        s: &Value,
        schemas: &serde_json::Map<String, Value>,
        index: &HashMap<&str, usize>,
        depth: usize,
    ) -> Desc {
        if depth > MAX_DESC_DEPTH {
            return Desc::Any;
        }
        if let Some(name) = ref_name(s) {
            return match (schemas.get(name), index.get(name)) {
                (Some(target), Some(&ty)) if is_struct(target) => Desc::Struct { ty, ptr: false },
                (Some(target), _) if target.get("type").is_some() => {
                    desc(target, schemas, index, depth + 1)
                }
                (Some(_), _) => Desc::Scalar,
                _ => Desc::Any,
            };
        }
        match s.get("type").and_then(Value::as_str) {
            Some("array") => Desc::List(Box::new(
                s.get("items")
                    .map(|i| desc(i, schemas, index, depth + 1))
                    .unwrap_or(Desc::Any),
            )),
            Some("object") => match s.get("additionalProperties") {
                Some(ap) if ap.is_object() => {
                    Desc::Map(Box::new(desc(ap, schemas, index, depth + 1)))
                }
                _ if is_struct(s) => Desc::Any,
                _ => Desc::Map(Box::new(Desc::Any)),
            },
            Some(_) => Desc::Scalar,
            None if s.get("x-kubernetes-int-or-string").is_some() => Desc::Scalar,
            None => Desc::Any,
        }
    }
    let mut types = Vec::with_capacity(names.len());
    let mut kinds = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        let s = &schemas[name.as_str()];
        let mut fields = Vec::new();
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for (fname, fv) in props {
                let st = |k: &str| fv.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                fields.push(Field {
                    name: fname.clone(),
                    desc: desc(fv, schemas, &index, 0),
                    strategy: st("x-kubernetes-patch-strategy"),
                    merge_key: st("x-kubernetes-patch-merge-key"),
                });
            }
        }
        if let Some(gvks) = s
            .get("x-kubernetes-group-version-kind")
            .and_then(Value::as_array)
        {
            for g in gvks {
                let get = |k: &str| g.get(k).and_then(Value::as_str).unwrap_or("");
                let av = if get("group").is_empty() {
                    get("version").to_string()
                } else {
                    format!("{}/{}", get("group"), get("version"))
                };
                kinds.insert(format!("{av}/{}", get("kind")), i);
            }
        }
        types.push(StructType {
            name: (*name).clone(),
            fields,
        });
    }
    finish_table(types, kinds, Vec::new(), true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_reported_with_their_paths() {
        let s = PatchSchema::builtin("apps/v1", "Deployment").unwrap();
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "x", "labels": {"a": "b"}},
            "spec": {"replicas": 1, "foo": 1, "template": {"spec": {"containers": [
                {"name": "c", "image": "i", "imagePullPolicyy": "Always",
                 "resources": {"limits": {"cpu": "1"}}}]}}},
            "status": {}});
        assert_eq!(
            s.unknown_fields(&d, 10),
            [
                "spec.foo",
                "spec.template.spec.containers[0].imagePullPolicyy"
            ]
        );
        assert_eq!(s.unknown_fields(&d, 1).len(), 1);
        assert!(PatchSchema::unknown().unknown_fields(&d, 10).is_empty());
    }

    #[test]
    fn builtin_openapi_schemas_round_trip_through_the_v3_reader() {
        let schemas = PatchSchema::builtin_openapi_schemas(&["apps/v1/Deployment".into()], true);
        let dep = &schemas["io.k8s.api.apps.v1.Deployment"];
        assert_eq!(
            dep["x-kubernetes-group-version-kind"][0]["kind"],
            "Deployment"
        );
        assert!(schemas.contains_key("io.k8s.api.core.v1.Container"));
        let doc = json!({"components": {"schemas": schemas}});
        let s = PatchSchema::from_openapi_v3(&doc, "apps/v1", "Deployment")
            .unwrap()
            .unwrap();
        let (spec, _) = s.cursor().lookup_struct("spec").unwrap();
        let (tmpl, _) = spec.lookup_struct("template").unwrap();
        let (pod, _) = tmpl.lookup_struct("spec").unwrap();
        let (_, meta) = pod.lookup_slice("containers").unwrap();
        assert_eq!((meta.strategy, meta.merge_key), ("merge", "name"));
    }

    #[test]
    fn builtin_table_loads_every_kind() {
        let kinds = PatchSchema::builtin_kinds();
        assert_eq!(kinds.len(), 151);
        let d = PatchSchema::builtin("apps/v1", "Deployment").expect("deployment");
        assert_eq!(d.type_name(), "io.k8s.api.apps.v1.Deployment");
        assert!(PatchSchema::builtin("example.com/v1", "Widget").is_none());
        assert!(!PatchSchema::builtin_in_client_go_scheme(
            "imagepolicy.k8s.io/v1alpha1",
            "ImageReview"
        ));
        assert!(PatchSchema::builtin_in_client_go_scheme("v1", "Service"));
    }

    #[test]
    fn lookups_follow_the_struct_rules() {
        let d = PatchSchema::builtin("apps/v1", "Deployment").expect("deployment");
        let c = d.cursor();
        let (spec, _) = c.lookup_struct("spec").expect("spec");
        let (tmpl, _) = spec.lookup_struct("template").expect("template");
        let (pod, _) = tmpl.lookup_struct("spec").expect("pod spec");
        let (ctr, meta) = pod.lookup_slice("containers").expect("containers");
        assert_eq!(meta.merge_key, "name");
        assert_eq!(meta.split().expect("split"), (false, Strategy::Merge));
        assert_eq!(ctr.type_name(), "io.k8s.api.core.v1.Container");
        let (_, vmeta) = pod.lookup_slice("volumes").expect("volumes");
        assert_eq!(vmeta.split().expect("split"), (true, Strategy::Merge));
        // case-insensitive fallback
        assert!(pod.lookup_slice("Containers").is_ok());
        let err = spec.lookup_struct("extra").expect_err("unknown");
        assert!(
            err.to_string()
                .contains("unable to find api field in struct DeploymentSpec")
                || err
                    .to_string()
                    .contains("unable to find api field in struct")
        );
        let (labels, _) = c
            .lookup_struct("metadata")
            .and_then(|(m, _)| m.lookup_struct("labels"))
            .expect("labels");
        assert!(labels
            .lookup_struct("x")
            .expect_err("map")
            .to_string()
            .contains("not struct, instead is: map"));
    }

    #[test]
    fn openapi_v3_schema_is_lenient_and_reads_extensions() {
        let doc = json!({"components": {"schemas": {
            "io.example.v1.Widget": {
                "type": "object",
                "x-kubernetes-group-version-kind": [{"group": "example.io", "version": "v1", "kind": "Widget"}],
                "properties": {
                    "spec": {"allOf": [{"$ref": "#/components/schemas/io.example.v1.WidgetSpec"}]},
                    "apiVersion": {"type": "string"}
                }
            },
            "io.example.v1.WidgetSpec": {
                "type": "object",
                "properties": {
                    "items": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/io.example.v1.Item"}]},
                              "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "id"}
                }
            },
            "io.example.v1.Item": {"type": "object", "properties": {"id": {"type": "string"}}}
        }}});
        let s = PatchSchema::from_openapi_v3(&doc, "example.io/v1", "Widget")
            .expect("parse")
            .expect("kind");
        let (spec, _) = s.cursor().lookup_struct("spec").expect("spec");
        let (_, meta) = spec.lookup_slice("items").expect("items");
        assert_eq!(meta.merge_key, "id");
        assert!(spec.lookup_struct("unknown").is_ok());
        assert!(PatchSchema::from_openapi_v3(&doc, "v1", "Pod")
            .expect("parse")
            .is_none());
    }
}
