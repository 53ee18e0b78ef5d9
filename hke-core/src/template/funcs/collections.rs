//! Lists and dicts: Sprig's `list.go` and `dict.go`. Dicts are Go maps, shared by
//! reference: `set`, `unset`, `merge` and `mergeOverwrite` mutate their first argument.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::conv::{deep_equal, empty, err, i, list_items, s, strval, to_int64, vs};
use super::{f, fv, Function};
use crate::template::value::{FuncError, List, Map, MapKind, Type, Value};

use Type::{Any, Int, Map as TMap, String as Str};

/// The most elements `until`/`untilStep`/`seq` may produce.
pub const MAX_LIST_LEN: usize = 10_000_000;

/// Registers the list and dict functions.
pub fn register(v: &mut Vec<Function>) {
    v.extend([
        fv("list", &[], Any, |a| Ok(Value::list(a))),
        fv("tuple", &[], Any, |a| Ok(Value::list(a))),
        f("push", &[Any, Any], |a| push(&a[0], &a[1], "push")),
        f("append", &[Any, Any], |a| push(&a[0], &a[1], "push")),
        f("mustPush", &[Any, Any], |a| push(&a[0], &a[1], "push")),
        f("mustAppend", &[Any, Any], |a| push(&a[0], &a[1], "push")),
        f("prepend", &[Any, Any], |a| prepend(&a[0], &a[1])),
        f("mustPrepend", &[Any, Any], |a| prepend(&a[0], &a[1])),
        f("first", &[Any], |a| {
            pick_end(&a[0], "first", |l| l.first().cloned())
        }),
        f("mustFirst", &[Any], |a| {
            pick_end(&a[0], "first", |l| l.first().cloned())
        }),
        f("last", &[Any], |a| {
            pick_end(&a[0], "last", |l| l.last().cloned())
        }),
        f("mustLast", &[Any], |a| {
            pick_end(&a[0], "last", |l| l.last().cloned())
        }),
        f("rest", &[Any], |a| {
            sub_list(&a[0], "rest", |l| l[1..].to_vec())
        }),
        f("mustRest", &[Any], |a| {
            sub_list(&a[0], "rest", |l| l[1..].to_vec())
        }),
        f("initial", &[Any], |a| {
            sub_list(&a[0], "initial", |l| l[..l.len() - 1].to_vec())
        }),
        f("mustInitial", &[Any], |a| {
            sub_list(&a[0], "initial", |l| l[..l.len() - 1].to_vec())
        }),
        f("reverse", &[Any], |a| {
            whole_list(&a[0], "reverse", |l| l.iter().rev().cloned().collect())
        }),
        f("mustReverse", &[Any], |a| {
            whole_list(&a[0], "reverse", |l| l.iter().rev().cloned().collect())
        }),
        f("compact", &[Any], |a| {
            whole_list(&a[0], "compact", |l| {
                l.iter().filter(|x| !empty(x)).cloned().collect()
            })
        }),
        f("mustCompact", &[Any], |a| {
            whole_list(&a[0], "compact", |l| {
                l.iter().filter(|x| !empty(x)).cloned().collect()
            })
        }),
        f("uniq", &[Any], |a| whole_list(&a[0], "uniq", uniq)),
        f("mustUniq", &[Any], |a| whole_list(&a[0], "uniq", uniq)),
        fv("without", &[Any], Any, |a| without(&a)),
        fv("mustWithout", &[Any], Any, |a| without(&a)),
        f("has", &[Any, Any], |a| has(&a[0], &a[1])),
        f("mustHas", &[Any, Any], |a| has(&a[0], &a[1])),
        fv("slice", &[Any], Any, |a| slice(&a)),
        fv("mustSlice", &[Any], Any, |a| slice(&a)),
        fv("concat", &[], Any, |a| concat(&a)),
        f("chunk", &[Int, Any], |a| chunk(i(&a[0]), &a[1])),
        f("mustChunk", &[Int, Any], |a| chunk(i(&a[0]), &a[1])),
        f("sortAlpha", &[Any], |a| {
            let mut v = match &a[0] {
                Value::List(_) | Value::Bytes(_) => strslice(&a[0]),
                other => vec![strval(other)],
            };
            v.sort();
            Ok(Value::strings(v))
        }),
        f("join", &[Str, Any], |a| {
            Ok(vs(strslice(&a[1]).join(s(&a[0]))))
        }),
        f("toStrings", &[Any], |a| Ok(Value::strings(strslice(&a[0])))),
        f("until", &[Int], |a| {
            let n = i(&a[0]);
            until_step(0, n, if n < 0 { -1 } else { 1 })
        }),
        f("untilStep", &[Int, Int, Int], |a| {
            until_step(i(&a[0]), i(&a[1]), i(&a[2]))
        }),
        fv("seq", &[], Int, |a| {
            seq(&a.iter().map(i).collect::<Vec<_>>())
        }),
        fv("dict", &[], Any, |a| {
            let mut m = BTreeMap::new();
            for pair in a.chunks(2) {
                let k = strval(&pair[0]);
                m.insert(k, pair.get(1).cloned().unwrap_or_else(|| vs("")));
            }
            Ok(Value::dict(m))
        }),
        f("get", &[TMap, Str], |a| {
            Ok(map_of(&a[0]).get(s(&a[1])).unwrap_or_else(|| vs("")))
        }),
        f("set", &[TMap, Str, Any], |a| {
            map_of(&a[0])
                .entries
                .borrow_mut()
                .insert(s(&a[1]).to_string(), a[2].clone());
            Ok(a[0].clone())
        }),
        f("unset", &[TMap, Str], |a| {
            map_of(&a[0]).entries.borrow_mut().remove(s(&a[1]));
            Ok(a[0].clone())
        }),
        f("hasKey", &[TMap, Str], |a| {
            Ok(Value::Bool(
                map_of(&a[0]).entries.borrow().contains_key(s(&a[1])),
            ))
        }),
        fv("pluck", &[Str], TMap, |a| {
            let key = s(&a[0]);
            Ok(Value::list(
                a[1..].iter().filter_map(|d| map_of(d).get(key)).collect(),
            ))
        }),
        fv("keys", &[], TMap, |a| {
            let mut ks: Vec<String> = Vec::new();
            for d in &a {
                ks.extend(map_of(d).entries.borrow().keys().cloned());
            }
            Ok(Value::strings(ks))
        }),
        fv("pick", &[TMap], Str, |a| {
            let src = map_of(&a[0]).entries.borrow().clone();
            let m = a[1..]
                .iter()
                .filter_map(|k| src.get(s(k)).map(|v| (s(k).to_string(), v.clone())))
                .collect();
            Ok(Value::dict(m))
        }),
        fv("omit", &[TMap], Str, |a| {
            let omit: Vec<&str> = a[1..].iter().map(s).collect();
            let m = map_of(&a[0])
                .entries
                .borrow()
                .iter()
                .filter(|(k, _)| !omit.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Ok(Value::dict(m))
        }),
        f("values", &[TMap], |a| {
            Ok(Value::list(
                map_of(&a[0]).entries.borrow().values().cloned().collect(),
            ))
        }),
        fv("merge", &[TMap], TMap, |a| merge_all(&a, false)),
        fv("mustMerge", &[TMap], TMap, |a| merge_all(&a, false)),
        fv("mergeOverwrite", &[TMap], TMap, |a| merge_all(&a, true)),
        fv("mustMergeOverwrite", &[TMap], TMap, |a| merge_all(&a, true)),
        f("deepCopy", &[Any], |a| Ok(deep_copy(&a[0]))),
        f("mustDeepCopy", &[Any], |a| Ok(deep_copy(&a[0]))),
        fv("dig", &[], Any, |a| dig(&a)),
    ]);
}

fn map_of(v: &Value) -> Map {
    match v {
        Value::Map(m) => m.clone(),
        _ => Map::new(MapKind::Interface),
    }
}

fn kind_err(op: &str, v: &Value) -> FuncError {
    err(format!("Cannot {op} on type {}", kind_for_msg(v)))
}

fn kind_for_msg(v: &Value) -> &'static str {
    match v {
        Value::Nil => "invalid",
        other => other.kind_name(),
    }
}

fn items_or(v: &Value, op: &str) -> Result<Rc<Vec<Value>>, FuncError> {
    list_items(v).map_err(|_| kind_err(op, v))
}

fn push(list: &Value, v: &Value, op: &str) -> Result<Value, FuncError> {
    let mut items = items_or(list, op)?.as_ref().clone();
    items.push(v.clone());
    Ok(Value::list(items))
}

fn prepend(list: &Value, v: &Value) -> Result<Value, FuncError> {
    let mut items = vec![v.clone()];
    items.extend(items_or(list, "prepend")?.iter().cloned());
    Ok(Value::list(items))
}

fn pick_end(
    list: &Value,
    op: &str,
    pick: fn(&[Value]) -> Option<Value>,
) -> Result<Value, FuncError> {
    let items = list_items(list)
        .map_err(|_| err(format!("Cannot find {op} on type {}", kind_for_msg(list))))?;
    Ok(pick(&items).unwrap_or(Value::Nil))
}

fn sub_list(list: &Value, op: &str, f: fn(&[Value]) -> Vec<Value>) -> Result<Value, FuncError> {
    let items = list_items(list)
        .map_err(|_| err(format!("Cannot find {op} on type {}", kind_for_msg(list))))?;
    if items.is_empty() {
        return Ok(Value::Nil);
    }
    Ok(Value::list(f(&items)))
}

fn whole_list(list: &Value, op: &str, f: fn(&[Value]) -> Vec<Value>) -> Result<Value, FuncError> {
    let msg = if op == "compact" {
        format!("Cannot compact on type {}", kind_for_msg(list))
    } else {
        format!("Cannot find {op} on type {}", kind_for_msg(list))
    };
    let items = list_items(list).map_err(|_| err(msg))?;
    Ok(Value::list(f(&items)))
}

fn uniq(l: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for x in l {
        if !out.iter().any(|y| deep_equal(x, y)) {
            out.push(x.clone());
        }
    }
    out
}

fn without(a: &[Value]) -> Result<Value, FuncError> {
    let items = list_items(&a[0]).map_err(|_| {
        err(format!(
            "Cannot find without on type {}",
            kind_for_msg(&a[0])
        ))
    })?;
    let omit = &a[1..];
    Ok(Value::list(
        items
            .iter()
            .filter(|x| !omit.iter().any(|o| deep_equal(x, o)))
            .cloned()
            .collect(),
    ))
}

fn has(needle: &Value, haystack: &Value) -> Result<Value, FuncError> {
    if matches!(haystack, Value::Nil) {
        return Ok(Value::Bool(false));
    }
    let items = list_items(haystack).map_err(|_| {
        err(format!(
            "Cannot find has on type {}",
            kind_for_msg(haystack)
        ))
    })?;
    Ok(Value::Bool(items.iter().any(|x| deep_equal(needle, x))))
}

fn slice(a: &[Value]) -> Result<Value, FuncError> {
    let list = &a[0];
    let (elem, items) = match list {
        Value::List(l) => (l.elem, l.items.clone()),
        other => {
            return Err(err(format!(
                "list should be type of slice or array but {}",
                kind_for_msg(other)
            )))
        }
    };
    if items.is_empty() {
        return Ok(Value::Nil);
    }
    let start = a.get(1).map(to_int64).unwrap_or(0);
    let end = a.get(2).map(to_int64).unwrap_or(items.len() as i64);
    if start < 0 || end < start || end as usize > items.len() {
        return Err(err("reflect: slice index out of range"));
    }
    Ok(Value::List(List {
        elem,
        items: Rc::new(items[start as usize..end as usize].to_vec()),
    }))
}

fn concat(a: &[Value]) -> Result<Value, FuncError> {
    let mut out = Vec::new();
    for l in a {
        let items = list_items(l)
            .map_err(|_| err(format!("Cannot concat type {} as list", kind_for_msg(l))))?;
        out.extend(items.iter().cloned());
    }
    Ok(Value::list(out))
}

fn chunk(size: i64, list: &Value) -> Result<Value, FuncError> {
    let items =
        list_items(list).map_err(|_| err(format!("Cannot chunk type {}", kind_for_msg(list))))?;
    if size <= 0 {
        return Err(err("runtime error: integer divide by zero"));
    }
    Ok(Value::list(
        items
            .chunks(size as usize)
            .map(|c| Value::list(c.to_vec()))
            .collect(),
    ))
}

/// Sprig's `strslice`: list elements through `strval`, nils dropped; a scalar becomes
/// a one-element list; nil an empty one.
pub fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::Nil => vec![],
        Value::List(l) => l
            .items
            .iter()
            .filter(|x| !matches!(x, Value::Nil))
            .map(strval)
            .collect(),
        Value::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        other => vec![strval(other)],
    }
}

fn until_step(start: i64, stop: i64, step: i64) -> Result<Value, FuncError> {
    let mut v = Vec::new();
    let count = if step == 0 {
        0
    } else {
        ((stop - start) / step).unsigned_abs() as usize
    };
    if count > MAX_LIST_LEN {
        return Err(err(format!(
            "the list would have {count} elements, more than hke's limit of {MAX_LIST_LEN}"
        )));
    }
    if stop < start {
        if step >= 0 {
            return Ok(super::conv::ints(v));
        }
        let mut x = start;
        while x > stop {
            v.push(x);
            x += step;
        }
        return Ok(super::conv::ints(v));
    }
    if step <= 0 {
        return Ok(super::conv::ints(v));
    }
    let mut x = start;
    while x < stop {
        v.push(x);
        x += step;
    }
    Ok(super::conv::ints(v))
}

fn seq(p: &[i64]) -> Result<Value, FuncError> {
    let list = match p.len() {
        1 => {
            let (start, end) = (1, p[0]);
            let inc = if end < start { -1 } else { 1 };
            until_step(start, end + inc, inc)?
        }
        2 => {
            let (start, end) = (p[0], p[1]);
            let step = if end < start { -1 } else { 1 };
            until_step(start, end + step, step)?
        }
        3 => {
            let (start, step, end) = (p[0], p[1], p[2]);
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(vs(""));
                }
            }
            until_step(start, end + inc, step)?
        }
        _ => return Ok(vs("")),
    };
    let items = list_items(&list).unwrap_or_default();
    Ok(vs(items
        .iter()
        .map(|x| super::conv::i(x).to_string())
        .collect::<Vec<_>>()
        .join(" ")))
}

/// A deep copy (copystructure): maps and lists are copied, scalars shared.
pub fn deep_copy(v: &Value) -> Value {
    match v {
        Value::List(l) => Value::List(List {
            elem: l.elem,
            items: Rc::new(l.items.iter().map(deep_copy).collect()),
        }),
        Value::Map(m) => Value::Map(Map::from_entries(
            m.kind,
            m.entries
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), deep_copy(v)))
                .collect(),
        )),
        other => other.clone(),
    }
}

fn merge_all(a: &[Value], overwrite: bool) -> Result<Value, FuncError> {
    let dst = map_of(&a[0]);
    for src in &a[1..] {
        let src = map_of(src);
        if src.same(&dst) {
            continue;
        }
        merge_into(&dst, &src, overwrite, 0);
    }
    Ok(a[0].clone())
}

/// mergo's `Merge` (and `WithOverride`) on `map[string]interface{}` values.
fn merge_into(dst: &Map, src: &Map, overwrite: bool, depth: usize) {
    if depth > 64 {
        return;
    }
    let src_entries: Vec<(String, Value)> = src
        .entries
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, sv) in src_entries {
        if matches!(sv, Value::Nil) {
            if overwrite {
                dst.entries.borrow_mut().insert(key, Value::Nil);
            }
            continue;
        }
        let dv = dst.get(&key);
        if let (Value::Map(sm), Some(Value::Map(dm))) = (&sv, &dv) {
            merge_into(dm, sm, overwrite, depth + 1);
        }
        let dst_nonempty = dv.as_ref().is_some_and(|d| !empty(d));
        if dst_nonempty {
            if matches!(sv, Value::List(_)) && !overwrite {
                continue;
            }
            if matches!(sv, Value::Map(_)) && matches!(dv, Some(Value::Map(_))) {
                continue;
            }
        }
        if overwrite || dv.is_none() || !dst_nonempty {
            dst.entries.borrow_mut().insert(key, sv);
        }
    }
}

fn dig(a: &[Value]) -> Result<Value, FuncError> {
    if a.len() < 3 {
        return Err(err("dig needs at least three arguments"));
    }
    let dict = &a[a.len() - 1];
    let def = &a[a.len() - 2];
    let keys = &a[..a.len() - 2];
    let mut cur = match dict {
        Value::Map(m) if m.kind == MapKind::Interface => m.clone(),
        other => {
            return Err(err(format!(
                "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                go_iface_type(other)
            )))
        }
    };
    for (n, k) in keys.iter().enumerate() {
        let Value::String(k) = k else {
            return Err(err(format!(
                "interface conversion: interface {{}} is {}, not string",
                go_iface_type(k)
            )));
        };
        let Some(step) = cur.get(k) else {
            return Ok(def.clone());
        };
        if n == keys.len() - 1 {
            return Ok(step);
        }
        cur = match step {
            Value::Map(m) if m.kind == MapKind::Interface => m,
            other => {
                return Err(err(format!(
                    "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                    go_iface_type(&other)
                )))
            }
        };
    }
    Ok(def.clone())
}

fn go_iface_type(v: &Value) -> String {
    match v {
        Value::Nil => "nil".into(),
        other => other.type_name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::gofmt::sprint_value;

    fn call(name: &str, args: Vec<Value>) -> Result<String, String> {
        super::super::call(name, args)
            .map(|v| sprint_value(&v))
            .map_err(|e| e.0)
    }

    fn d(pairs: Vec<(&str, Value)>) -> Value {
        Value::dict(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn lists() {
        assert_eq!(call("until", vec![Value::Int(3)]).unwrap(), "[0 1 2]");
        assert_eq!(call("until", vec![Value::Int(-2)]).unwrap(), "[0 -1]");
        assert_eq!(call("seq", vec![Value::Int(3)]).unwrap(), "1 2 3");
        assert_eq!(
            call("seq", vec![Value::Int(5), Value::Int(2)]).unwrap(),
            "5 4 3 2"
        );
        assert_eq!(
            call("seq", vec![Value::Int(0), Value::Int(2), Value::Int(10)]).unwrap(),
            "0 2 4 6 8 10"
        );
        assert_eq!(call("seq", vec![Value::Int(0)]).unwrap(), "1 0");
        assert_eq!(
            call("first", vec![vs("abc")]).unwrap_err(),
            "Cannot find first on type string"
        );
        assert_eq!(
            call("slice", vec![vs("abc"), Value::Int(1)]).unwrap_err(),
            "list should be type of slice or array but string"
        );
        let l = Value::list(vec![Value::Int(1), vs("a"), Value::Nil]);
        assert_eq!(call("join", vec![vs(","), l.clone()]).unwrap(), "1,a");
        assert_eq!(call("has", vec![Value::Int(1), l.clone()]).unwrap(), "true");
        assert_eq!(call("has", vec![Value::Int64(1), l]).unwrap(), "false");
        assert!(call("until", vec![Value::Int(1 << 40)]).is_err());
    }

    #[test]
    fn merge_follows_mergo() {
        // §10 rows 53 and 54.
        let a = d(vec![("x", Value::Int(1)), ("e", vs(""))]);
        let b = d(vec![
            ("x", Value::Int(2)),
            ("e", vs("f")),
            ("n", Value::Int(3)),
        ]);
        call("merge", vec![a.clone(), b]).unwrap();
        assert_eq!(sprint_value(&a), "map[e:f n:3 x:1]");
        let a = d(vec![
            ("x", Value::Int(1)),
            ("l", Value::list(vec![Value::Int(1)])),
        ]);
        let b = d(vec![("x", Value::Int(0)), ("l", Value::list(vec![]))]);
        assert_eq!(call("mergeOverwrite", vec![a, b]).unwrap(), "map[l:[] x:0]");
    }

    #[test]
    fn dicts() {
        let m = d(vec![("a", d(vec![("b", Value::Int(1))]))]);
        assert_eq!(
            call("dig", vec![vs("a"), vs("b"), vs("d"), m.clone()]).unwrap(),
            "1"
        );
        assert_eq!(
            call("dig", vec![vs("a"), vs("x"), vs("d"), m.clone()]).unwrap(),
            "d"
        );
        let vals = Value::Map(Map::new(MapKind::Values));
        assert_eq!(
            call("dig", vec![vs("a"), vs("d"), vals]).unwrap_err(),
            "interface conversion: interface {} is chartutil.Values, not map[string]interface {}"
        );
        assert_eq!(call("get", vec![m.clone(), vs("zz")]).unwrap(), "");
        call("set", vec![m.clone(), vs("k"), vs("v")]).unwrap();
        assert_eq!(call("keys", vec![m.clone()]).unwrap(), "[a k]");
        assert_eq!(call("omit", vec![m.clone(), vs("a")]).unwrap(), "map[k:v]");
        assert_eq!(
            call(
                "dict",
                vec![vs("b"), Value::Int(1), vs("a"), Value::list(vec![])]
            )
            .unwrap(),
            "map[a:[] b:1]"
        );
    }
}
