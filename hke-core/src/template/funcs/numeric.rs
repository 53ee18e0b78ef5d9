//! Numbers: spf13/cast conversions and Sprig's integer and float math.

use super::conv::{err, i, s, to_float64, to_int64};
use super::{f, fv, Function};
use crate::template::gofmt::sprint_value;
use crate::template::value::{FuncError, Type, Value};

use Type::{Any, Float64, Int, String as Str};

/// Registers the number functions.
pub fn register(v: &mut Vec<Function>) {
    v.extend([
        f("int64", &[Any], |a| Ok(Value::Int64(to_int64(&a[0])))),
        f("int", &[Any], |a| Ok(Value::Int(to_int64(&a[0])))),
        f("float64", &[Any], |a| Ok(Value::Float(to_float64(&a[0])))),
        f("atoi", &[Str], |a| {
            let t = s(&a[0]);
            let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
            let ok = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
            Ok(Value::Int(if ok { t.parse().unwrap_or(0) } else { 0 }))
        }),
        f("toDecimal", &[Any], |a| {
            let text = sprint_value(&a[0]);
            Ok(Value::Int64(i64::from_str_radix(&text, 8).unwrap_or(0)))
        }),
        fv("add", &[], Any, |a| {
            Ok(Value::Int64(
                a.iter().fold(0i64, |acc, x| acc.wrapping_add(to_int64(x))),
            ))
        }),
        f("add1", &[Any], |a| {
            Ok(Value::Int64(to_int64(&a[0]).wrapping_add(1)))
        }),
        f("sub", &[Any, Any], |a| {
            Ok(Value::Int64(to_int64(&a[0]).wrapping_sub(to_int64(&a[1]))))
        }),
        f("div", &[Any, Any], |a| {
            let (x, y) = (to_int64(&a[0]), to_int64(&a[1]));
            if y == 0 {
                return Err(err("runtime error: integer divide by zero"));
            }
            Ok(Value::Int64(x.wrapping_div(y)))
        }),
        f("mod", &[Any, Any], |a| {
            let (x, y) = (to_int64(&a[0]), to_int64(&a[1]));
            if y == 0 {
                return Err(err("runtime error: integer divide by zero"));
            }
            Ok(Value::Int64(x.wrapping_rem(y)))
        }),
        fv("mul", &[Any], Any, |a| {
            Ok(Value::Int64(
                a.iter().fold(1i64, |acc, x| acc.wrapping_mul(to_int64(x))),
            ))
        }),
        fv("max", &[Any], Any, |a| {
            Ok(Value::Int64(a.iter().map(to_int64).max().unwrap_or(0)))
        }),
        fv("biggest", &[Any], Any, |a| {
            Ok(Value::Int64(a.iter().map(to_int64).max().unwrap_or(0)))
        }),
        fv("min", &[Any], Any, |a| {
            Ok(Value::Int64(a.iter().map(to_int64).min().unwrap_or(0)))
        }),
        fv("maxf", &[Any], Any, |a| {
            Ok(Value::Float(
                a.iter().map(to_float64).fold(f64::NEG_INFINITY, go_max),
            ))
        }),
        fv("minf", &[Any], Any, |a| {
            Ok(Value::Float(
                a.iter().map(to_float64).fold(f64::INFINITY, go_min),
            ))
        }),
        fv("addf", &[], Any, |a| {
            decimal_op(&Value::Float(0.0), &a, Op::Add)
        }),
        f("add1f", &[Any], |a| {
            decimal_op(&a[0], &[Value::Float(1.0)], Op::Add)
        }),
        fv("subf", &[Any], Any, |a| decimal_op(&a[0], &a[1..], Op::Sub)),
        fv("mulf", &[Any], Any, |a| decimal_op(&a[0], &a[1..], Op::Mul)),
        fv("divf", &[Any], Any, |a| decimal_op(&a[0], &a[1..], Op::Div)),
        f("ceil", &[Any], |a| {
            Ok(Value::Float(to_float64(&a[0]).ceil()))
        }),
        f("floor", &[Any], |a| {
            Ok(Value::Float(to_float64(&a[0]).floor()))
        }),
        fv("round", &[Any, Int], Float64, |a| {
            let round_on = a.get(2).map(to_float64).unwrap_or(0.5);
            Ok(Value::Float(round(to_float64(&a[0]), i(&a[1]), round_on)))
        }),
        f("randInt", &[Int, Int], |a| {
            use rand::Rng;
            let (lo, hi) = (i(&a[0]), i(&a[1]));
            if hi <= lo {
                return Err(err("invalid argument to Intn"));
            }
            Ok(Value::Int(rand::rng().random_range(lo..hi)))
        }),
    ]);
}

fn go_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

fn go_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

fn round(val: f64, places: i64, round_on: f64) -> f64 {
    let pow = 10f64.powf(places as f64);
    let digit = pow * val;
    let frac = digit.fract();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    r / pow
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// An exact decimal `mantissa × 10^exp` built from a float's shortest digits, as
/// shopspring/decimal's `NewFromFloat` does.
#[derive(Clone, Copy, Debug)]
struct Dec {
    m: i128,
    e: i32,
}

impl Dec {
    fn from_f64(f: f64) -> Option<Dec> {
        if !f.is_finite() {
            return None;
        }
        let text = format!("{f:e}");
        let (mant, exp) = text.split_once('e')?;
        let exp: i32 = exp.parse().ok()?;
        let neg = mant.starts_with('-');
        let mant = mant.trim_start_matches('-');
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        let digits = format!("{int}{frac}");
        let m: i128 = digits.parse().ok()?;
        Some(Dec {
            m: if neg { -m } else { m },
            e: exp - frac.len() as i32,
        })
    }

    fn align(a: Dec, b: Dec) -> Option<(i128, i128, i32)> {
        let e = a.e.min(b.e);
        let sa = a.m.checked_mul(10i128.checked_pow((a.e - e) as u32)?)?;
        let sb = b.m.checked_mul(10i128.checked_pow((b.e - e) as u32)?)?;
        Some((sa, sb, e))
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.m, self.e).parse().unwrap_or(0.0)
    }
}

fn decimal_op(first: &Value, rest: &[Value], op: Op) -> Result<Value, FuncError> {
    let mut acc = to_float64(first);
    let mut exact = Dec::from_f64(acc);
    for x in rest {
        let y = to_float64(x);
        if matches!(op, Op::Div) && y == 0.0 {
            return Err(err("decimal division by 0"));
        }
        let dy = Dec::from_f64(y);
        exact = match (exact, dy, op) {
            (Some(a), Some(b), Op::Add) => {
                Dec::align(a, b).and_then(|(p, q, e)| p.checked_add(q).map(|m| Dec { m, e }))
            }
            (Some(a), Some(b), Op::Sub) => {
                Dec::align(a, b).and_then(|(p, q, e)| p.checked_sub(q).map(|m| Dec { m, e }))
            }
            (Some(a), Some(b), Op::Mul) => a.m.checked_mul(b.m).map(|m| Dec { m, e: a.e + b.e }),
            _ => None,
        };
        acc = match op {
            Op::Add => acc + y,
            Op::Sub => acc - y,
            Op::Mul => acc * y,
            Op::Div => acc / y,
        };
        if matches!(op, Op::Div) {
            // shopspring divides to 16 decimal places, then converts.
            let rounded: f64 = format!("{:.16}", acc).parse().unwrap_or(acc);
            acc = rounded;
            exact = Dec::from_f64(acc);
        }
    }
    Ok(Value::Float(match exact {
        Some(d) if !matches!(op, Op::Div) => d.to_f64(),
        _ => acc,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: Vec<Value>) -> String {
        sprint_value(&super::super::call(name, args).unwrap())
    }

    #[test]
    fn doc_examples() {
        assert_eq!(call("add", vec![Value::Float(1.9), Value::Float(1.9)]), "2");
        assert_eq!(call("div", vec![Value::Int(7), Value::Int(2)]), "3");
        assert_eq!(call("div", vec![Value::Int(-7), Value::Int(2)]), "-3");
        assert_eq!(call("mod", vec![Value::Int(-7), Value::Int(3)]), "-1");
        assert_eq!(
            call("addf", vec![Value::Float(1.1), Value::Float(2.2)]),
            "3.3"
        );
        assert_eq!(call("mulf", vec![Value::Float(1.1), Value::Int(3)]), "3.3");
        assert_eq!(
            call("divf", vec![Value::Int(1), Value::Int(3)]),
            "0.3333333333333333"
        );
        assert_eq!(
            call("round", vec![Value::Float(1.23456), Value::Int(2)]),
            "1.23"
        );
        assert_eq!(call("round", vec![Value::Float(2.5), Value::Int(0)]), "3");
        assert_eq!(call("round", vec![Value::Float(-2.5), Value::Int(0)]), "-3");
        assert_eq!(
            call(
                "round",
                vec![Value::Float(1.234), Value::Int(1), Value::Float(0.3)]
            ),
            "1.3"
        );
        assert_eq!(call("max", vec![Value::Float(2.7), Value::Int(2)]), "2");
        assert_eq!(call("toDecimal", vec![Value::str("0777")]), "511");
        assert_eq!(call("atoi", vec![Value::str("1.5")]), "0");
        assert_eq!(
            super::super::call("div", vec![Value::Int(1), Value::Int(0)])
                .unwrap_err()
                .0,
            "runtime error: integer divide by zero"
        );
        assert_eq!(
            super::super::call("divf", vec![Value::Int(1), Value::Int(0)])
                .unwrap_err()
                .0,
            "decimal division by 0"
        );
    }
}
