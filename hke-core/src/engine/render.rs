//! Rendering a chart tree (Helm's `engine.Render`): every template of every chart is a
//! named template in one shared set, parsed and executed deepest-first in reverse
//! lexicographic order, each with its chart's render object (`.Values` scoped to the
//! subchart, `.Chart`, `.Files`, `.Release`, `.Capabilities`, `.Subcharts`,
//! `.Template`).

use std::collections::BTreeMap;
use std::rc::Rc;

use super::objects::{release_object, Capabilities, ChartObject, Files};
use crate::chart::Chart;
use crate::template::exec::{Lookup, RenderContext, TemplateError, TemplateSet};
use crate::template::value::{Map, MapKind, Value};

/// What the render objects hold besides the chart itself.
pub struct RenderOptions<'a> {
    /// `.Release.Name`
    pub release_name: String,
    /// `.Release.Namespace`
    pub namespace: String,
    /// `.Release.Revision`
    pub revision: i64,
    /// `.Release.IsUpgrade` (and not `IsInstall`).
    pub is_upgrade: bool,
    /// `.Capabilities`
    pub capabilities: Capabilities,
    /// The `lookup` backend (`None`: empty results, as `helm template`).
    pub lookup: Option<&'a dyn Lookup>,
    /// `helm lint` mode (`required`/`fail` only log).
    pub lint_mode: bool,
}

/// A rendering failure, with the message Helm prints.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct RenderError(pub String);

impl From<TemplateError> for RenderError {
    fn from(e: TemplateError) -> Self {
        RenderError(e.helm_message())
    }
}

struct Renderable {
    source: Rc<str>,
    object: Map,
    base_path: String,
}

/// Renders every non-partial template of `chart` (already dependency-processed) with
/// the coalesced top-level `values`. Returns `path → output` with `<no value>` removed,
/// and the lint-mode log lines.
pub fn render(
    chart: &Chart,
    values: &crate::value::Map,
    opts: &RenderOptions,
) -> Result<(BTreeMap<String, String>, Vec<String>), RenderError> {
    let caps = Value::Object(Rc::new(opts.capabilities.clone()));
    let release = release_object(
        &opts.release_name,
        &opts.namespace,
        opts.revision,
        opts.is_upgrade,
    );
    let top_values = Value::from_plain_values(values);
    let mut templates: BTreeMap<String, Renderable> = BTreeMap::new();
    collect(chart, None, &top_values, &caps, &release, &mut templates);

    // Parse order: more path separators first, then reverse lexicographic.
    let mut keys: Vec<&String> = templates.keys().collect();
    keys.sort_by(|a, b| {
        let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
        cb.cmp(&ca).then_with(|| b.cmp(a))
    });
    let mut set = TemplateSet::new();
    for k in &keys {
        set.parse_file(k, &templates[*k].source)
            .map_err(|e| RenderError::from(TemplateError::from(e)))?;
    }
    let ctx = RenderContext {
        lookup: opts.lookup,
        lint_mode: opts.lint_mode,
        ..RenderContext::default()
    };
    let mut out = BTreeMap::new();
    for k in &keys {
        let base = k.rsplit('/').next().unwrap_or(k);
        if base.starts_with('_') {
            continue;
        }
        let r = &templates[*k];
        let mut t = BTreeMap::new();
        t.insert("Name".to_string(), Value::str(k));
        t.insert("BasePath".to_string(), Value::str(&r.base_path));
        r.object.entries.borrow_mut().insert(
            "Template".into(),
            Value::Map(Map::from_entries(MapKind::Values, t)),
        );
        let text = set
            .execute(k, Value::Map(r.object.clone()), &ctx)
            .map_err(|e| RenderError::from(TemplateError::from(e)))?;
        out.insert((*k).clone(), text.replace("<no value>", ""));
    }
    let log = ctx.log.borrow().clone();
    Ok((out, log))
}

/// Helm's `recAllTpls`: builds the render object of `chart` and registers its
/// templates; returns the object.
fn collect(
    chart: &Chart,
    parent: Option<(&str, &Map)>,
    top_values: &Value,
    caps: &Value,
    release: &Value,
    out: &mut BTreeMap<String, Renderable>,
) -> Map {
    let is_root = parent.is_none();
    let full_path = match parent {
        None => chart.name().to_string(),
        Some((p, _)) => format!("{p}/charts/{}", chart.name()),
    };
    let values = match parent {
        None => top_values.clone(),
        Some((_, parent_obj)) => {
            let parent_vals = parent_obj.get("Values");
            match parent_vals {
                Some(Value::Map(pm)) => match pm.get(chart.name()) {
                    Some(Value::Map(m)) => Value::Map(Map {
                        kind: MapKind::Values,
                        entries: m.entries.clone(),
                    }),
                    _ => Value::Map(Map::new(MapKind::Values)),
                },
                _ => Value::Map(Map::new(MapKind::Values)),
            }
        }
    };
    let subcharts = Map::new(MapKind::Interface);
    let mut next = BTreeMap::new();
    next.insert(
        "Chart".to_string(),
        Value::Object(Rc::new(ChartObject {
            metadata: chart.metadata.clone(),
            is_root,
        })),
    );
    next.insert(
        "Files".to_string(),
        Value::Object(Rc::new(Files::new(&chart.files))),
    );
    next.insert("Release".to_string(), release.clone());
    next.insert("Capabilities".to_string(), caps.clone());
    next.insert("Values".to_string(), values);
    next.insert("Subcharts".to_string(), Value::Map(subcharts.clone()));
    let obj = Map::from_entries(MapKind::Interface, next);
    for dep in &chart.dependencies {
        let child = collect(
            dep,
            Some((&full_path, &obj)),
            top_values,
            caps,
            release,
            out,
        );
        subcharts
            .entries
            .borrow_mut()
            .insert(dep.name().to_string(), Value::Map(child));
    }
    let library = chart.is_library();
    for t in &chart.templates {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        if library && !base.starts_with('_') {
            continue;
        }
        out.insert(
            format!("{full_path}/{}", t.name),
            Renderable {
                source: Rc::from(String::from_utf8_lossy(&t.data).as_ref()),
                object: obj.clone(),
                base_path: format!("{full_path}/templates"),
            },
        );
    }
    obj
}
