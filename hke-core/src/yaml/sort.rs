//! go-yaml's "natural" ordering of map keys when marshalling (`keyList.Less`).
//!
//! Keys are compared rune by rune; at the first difference two letters compare by code
//! point, a letter sorts after a non-letter, and two non-letters compare the digit runs
//! starting there as integers (a run of zero digits counting as 0), then by run length,
//! then by code point. A proper prefix sorts first.

/// Go's `unicode.IsLetter` (categories L*). Exact for ASCII; for other characters
/// alphabetic characters that are not numeric (Rust has no general-category query).
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        c.is_alphabetic() && !c.is_numeric()
    }
}

/// Go's `unicode.IsDigit` (category Nd). Exact for ASCII; other characters are treated
/// as non-digits.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// True when `a` sorts before `b` in go-yaml v2's natural key order (`toYaml`).
pub fn natural_less(a: &str, b: &str) -> bool {
    less(a, b, false)
}

/// True when `a` sorts before `b` in go-yaml v3's order (`toYamlPretty`): as v2, except
/// that right after a digit a letter sorts before a non-letter (`0x10` before `007`).
pub fn natural_less_v3(a: &str, b: &str) -> bool {
    less(a, b, true)
}

fn less(a: &str, b: &str, v3: bool) -> bool {
    if a.is_ascii() && b.is_ascii() {
        less_slices(a.as_bytes(), b.as_bytes(), |c| c as char, v3)
    } else {
        let ar: Vec<char> = a.chars().collect();
        let br: Vec<char> = b.chars().collect();
        less_slices(&ar, &br, |c| c, v3)
    }
}

/// Sorts `items` by `less`, stably, with a merge sort that tolerates a comparison that
/// is not a total order (go-yaml's natural order is not transitive: `1a` < `2` < `10`
/// < `1a`; the standard library's sorts may panic on such comparisons).
pub fn merge_sort_by<T: Copy>(items: &mut [T], less: &impl Fn(&T, &T) -> bool) {
    if items.len() <= 1 {
        return;
    }
    let mut buf: Vec<T> = items.to_vec();
    merge_sort_rec(items, &mut buf, less);
}

fn merge_sort_rec<T: Copy>(items: &mut [T], buf: &mut [T], less: &impl Fn(&T, &T) -> bool) {
    let n = items.len();
    if n <= 8 {
        // insertion sort
        for i in 1..n {
            let mut j = i;
            while j > 0 && less(&items[j], &items[j - 1]) {
                items.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mid = n / 2;
    {
        let (left, right) = items.split_at_mut(mid);
        let (lbuf, rbuf) = buf.split_at_mut(mid);
        merge_sort_rec(left, lbuf, less);
        merge_sort_rec(right, rbuf, less);
    }
    buf[..n].copy_from_slice(items);
    let (left, right) = buf[..n].split_at(mid);
    let (mut i, mut j) = (0, 0);
    for slot in items.iter_mut() {
        let take_right = j < right.len() && (i >= left.len() || less(&right[j], &left[i]));
        if take_right {
            *slot = right[j];
            j += 1;
        } else {
            *slot = left[i];
            i += 1;
        }
    }
}

fn less_slices<T: Copy + PartialEq>(ar: &[T], br: &[T], ch: impl Fn(T) -> char, v3: bool) -> bool {
    let n = ar.len().min(br.len());
    let mut digits = false;
    for i in 0..n {
        if ar[i] == br[i] {
            digits = is_digit(ch(ar[i]));
            continue;
        }
        let (ca, cb) = (ch(ar[i]), ch(br[i]));
        let al = is_letter(ca);
        let bl = is_letter(cb);
        if al && bl {
            return ca < cb;
        }
        if al || bl {
            return if v3 && digits { al } else { bl };
        }
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ca == '0' || cb == '0' {
            let mut j = i;
            while j > 0 && is_digit(ch(ar[j - 1])) {
                j -= 1;
                if ch(ar[j]) != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_digit(ch(ar[ai])) {
            an = an
                .wrapping_mul(10)
                .wrapping_add(ch(ar[ai]) as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(ch(br[bi])) {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(ch(br[bi]) as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ca < cb;
    }
    ar.len() < br.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observed_helm_order() {
        // helm-engine.md §7.1, observed with helm 3.17.2 ("1a" left out: go-yaml's
        // order is not transitive for it — 1a < 2 < 10 < 1a — so Go's result depends
        // on its random map iteration order).
        let want = [
            "", "_x", "2", "02", "9", "10", "A", "B", "a", "a b", "a-b", "a_b", "a9", "a10", "b",
            "x.y", "é",
        ];
        let mut keys: Vec<&str> = want.to_vec();
        keys.reverse();
        merge_sort_by(&mut keys, &|a: &&str, b: &&str| natural_less(a, b));
        assert_eq!(keys, want);
    }

    #[test]
    fn v3_letters_after_digits() {
        assert!(natural_less_v3("0x10", "007"));
        assert!(natural_less("007", "0x10"));
        assert!(natural_less_v3("_9", "0x10"));
    }

    #[test]
    fn inconsistent_order_sorts_without_panicking() {
        let mut keys: Vec<&str> = Vec::new();
        for i in 0..200 {
            keys.push(["1a", "2", "10", "9~", "9", "~9", "a1b", "a2", "a10"][i % 9]);
        }
        merge_sort_by(&mut keys, &|a: &&str, b: &&str| natural_less(a, b));
        assert_eq!(keys.len(), 200);
        let mut sorted = vec!["b", "a", "10", "9", "_x", "B"];
        merge_sort_by(&mut sorted, &|a: &&str, b: &&str| natural_less(a, b));
        assert_eq!(sorted, ["_x", "9", "10", "B", "a", "b"]);
    }

    #[test]
    fn case_29() {
        let mut keys = vec!["b", "B", "_c", "10", "9", "a", "a10", "a9"];
        merge_sort_by(&mut keys, &|a: &&str, b: &&str| natural_less(a, b));
        assert_eq!(keys, ["_c", "9", "10", "B", "a", "a9", "a10", "b"]);
    }
}
