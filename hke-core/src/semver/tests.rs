//! Behaviour of Masterminds/semver v3.3.0, case by case.

use super::{Constraints, SemverError, Version};

#[test]
fn lenient_versions_parse() {
    let ok = [
        "1.2.3",
        "1.2.3+test.01",
        "1.2.3-alpha.-1",
        "v1.2.3",
        "1.0",
        "v1.0",
        "1",
        "v1",
        "1.2-5",
        "v1.2-beta.5",
        "1.2.0-x.Y.0+metadata-width-hypen",
        "1.2.3-rc1-with-hypen",
        "1.2.2147483648",
        "2147483648.3.0",
        "20221209-update-renovatejson-v4",
        "01.02.03",
    ];
    for v in ok {
        assert!(Version::parse(v).is_ok(), "{v} should parse");
    }
}

#[test]
fn bad_versions_give_masterminds_errors() {
    let cases = [
        ("1.2.3-alpha.01", SemverError::SegmentStartsZero),
        ("1.2.beta", SemverError::InvalidSemVer),
        ("foo", SemverError::InvalidSemVer),
        ("\n1.2", SemverError::InvalidSemVer),
        ("1.2\n", SemverError::InvalidSemVer),
        ("1.2.3.4", SemverError::InvalidSemVer),
        ("12.3.34.1234", SemverError::InvalidSemVer),
        ("V1.2.3", SemverError::InvalidSemVer),
        ("", SemverError::InvalidSemVer),
        (" 1.2.3", SemverError::InvalidSemVer),
        (
            "1.99999999999999999999",
            SemverError::SegmentOutOfRange("99999999999999999999".into()),
        ),
    ];
    for (v, err) in cases {
        assert_eq!(Version::parse(v).err(), Some(err), "{v:?}");
    }
    assert_eq!(
        Version::parse("abc").map_err(|e| e.to_string()).err(),
        Some("Invalid Semantic Version".to_string())
    );
    assert_eq!(
        Version::parse("1.99999999999999999999").map_err(|e| e.to_string()).err(),
        Some(
            "Error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value out of range"
                .to_string()
        )
    );
}

#[test]
fn accessors_and_display() {
    let v = Version::parse("v1.2-beta.5+build.7").unwrap();
    assert_eq!((v.major(), v.minor(), v.patch()), (1, 2, 0));
    assert_eq!(v.prerelease(), "beta.5");
    assert_eq!(v.metadata(), "build.7");
    assert_eq!(v.original(), "v1.2-beta.5+build.7");
    assert_eq!(v.to_string(), "1.2.0-beta.5+build.7");
    assert_eq!(Version::new(3, 0, 1, "", "m").original(), "3.0.1+m");
}

#[test]
fn ordering_follows_semver_precedence() {
    let ordered = [
        "0.1.0",
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.2",
        "v1.10.0",
    ];
    for w in ordered.windows(2) {
        let (a, b) = (Version::parse(w[0]).unwrap(), Version::parse(w[1]).unwrap());
        assert!(a < b, "{} < {}", w[0], w[1]);
        assert_eq!(a.compare(&b), -1);
        assert_eq!(b.compare(&a), 1);
    }
    let a = Version::parse("1.2.3+a").unwrap();
    let b = Version::parse("v1.2.3+b").unwrap();
    assert_eq!(a, b);
    assert_eq!(a.compare(&b), 0);
}

#[test]
fn constraints_check_like_masterminds() {
    let cases: &[(&str, &str, bool)] = &[
        ("*", "1.2.3", true),
        ("~0.0.0", "1.2.3", true),
        ("0.x.x", "1.2.3", false),
        ("0.0.x", "1.2.3", false),
        ("0.0.0", "1.2.3", false),
        ("^0.0.0", "1.2.3", false),
        ("= 2.0", "1.2.3", false),
        ("= 2.0", "2.0.0", true),
        ("4.1", "4.1.0", true),
        ("4.1.x", "4.1.3", true),
        ("1.x", "1.4", true),
        ("!=4.1", "4.1.0", false),
        ("!=4.1-alpha", "4.1.0-alpha", false),
        ("!=4.1-alpha", "4.1.1-alpha", false),
        ("!=4.1-alpha", "4.1.0", true),
        ("!=4.1", "5.1.0", true),
        ("!=4.x", "5.1.0", true),
        ("!=4.x", "4.1.0", false),
        ("!=4.1.x", "4.2.0", true),
        ("!=4.2.x", "4.2.3", false),
        ("!=1.2.3", "1.2.4-beta", true),
        (">1.1", "4.1.0", true),
        (">1.1", "1.1.0", false),
        ("<1.1", "0.1.0", true),
        ("<1.1", "1.1.0", false),
        ("<1.1", "1.1.1", false),
        ("<1.x", "1.1.1", false),
        ("<1.x", "0.1.1", true),
        ("<1.x", "2.0.0", false),
        ("<1.1.x", "1.2.1", false),
        ("<1.1.x", "1.1.500", false),
        ("<1.1.x", "1.0.500", true),
        ("<1.2.x", "1.1.1", true),
        (">=1.1", "4.1.0", true),
        (">=1.1", "4.1.0-beta", false),
        (">=1.1", "1.1.0", true),
        (">=1.1", "0.0.9", false),
        ("<=1.1", "0.1.0", true),
        ("<=1.1", "0.1.0-alpha", false),
        ("<=1.1-a", "0.1.0-alpha", true),
        ("<=1.1", "1.1.0", true),
        ("<=1.x", "1.1.0", true),
        ("<=2.x", "3.0.0", false),
        ("<=1.1", "1.1.1", true),
        ("<=1.1.x", "1.2.500", false),
        ("<=4.5", "3.4.0", true),
        ("<=4.5", "3.7.0", true),
        ("<=4.5", "4.6.3", false),
        (">1.1, <2", "1.1.1", false),
        (">1.1, <2", "1.2.1", true),
        (">1.1, <3", "4.3.2", false),
        (">=1.1, <2, !=1.2.3", "1.2.3", false),
        (">1.1 <2", "1.2.1", true),
        (">1.1    <3", "4.3.2", false),
        (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
        (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
        (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
        (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
        (">=1.1 <2 !=1.2.3 || > 3", "1.2.3", false),
        ("> 1.1, <     2", "1.1.1", false),
        (">   1.1, <2", "1.2.1", true),
        (">=1.1    < 2    != 1.2.3", "1.2.3", false),
        (">= 1.1 <2 != 1.2.3 || >= 3", "3.0.0", true),
        ("1.1 - 2", "1.1.1", true),
        ("1.5.0 - 4.5", "3.7.0", true),
        ("1.1-3", "4.3.2", false),
        ("^1.1", "1.1.1", true),
        ("^1.1", "4.3.2", false),
        ("^1.x", "1.1.1", true),
        ("^2.x", "1.1.1", false),
        ("^1.x", "2.1.1", false),
        ("^1.x", "1.1.1-beta1", false),
        ("^1.1.2-alpha", "1.2.1-beta1", true),
        ("^1.2.x-alpha", "1.1.1-beta1", false),
        ("^0.0.1", "0.0.1", true),
        ("^0.0.1", "0.3.1", false),
        ("^0.2.3", "0.2.9", true),
        ("^0.2.3", "0.3.0", false),
        ("^0", "0.9.9", true),
        ("^0", "1.0.0", false),
        ("^0.0", "0.0.7", true),
        ("^0.0", "0.1.0", false),
        ("~*", "2.1.1", true),
        ("~1", "2.1.1", false),
        ("~1", "1.3.5", true),
        ("~1", "1.4", true),
        ("~1.x", "2.1.1", false),
        ("~1.x", "1.3.5", true),
        ("~1.1", "1.1.1", true),
        ("~1.1", "1.1.1-alpha", false),
        ("~1.1-alpha", "1.1.1-beta", true),
        ("~1.1.1-beta", "1.1.1-alpha", false),
        ("~1.1.1-beta", "1.1.1", true),
        ("~1.2.3", "1.2.5", true),
        ("~1.2.3", "1.2.2", false),
        ("~1.2.3", "1.3.2", false),
        ("~1.1", "1.2.3", false),
        ("~1.3", "2.4.5", false),
        ("~> 1.2", "1.2.9", true),
        ("=> 1.2", "1.3.0", true),
        ("=< 1.2", "1.3.0", false),
        ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true),
        ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true),
        // Helm's kubeVersion idiom: `-0` lets prerelease clusters through.
        (">=1.20.0-0", "1.31.0", true),
        (">=1.20.0-0", "1.31.0-gke.100", true),
        (">=1.20.0", "1.31.0-gke.100", false),
        (">= 1.19.0-0 < 1.33.0-0", "v1.32.0", true),
        (">=1.16.0-0 <1.31.0-0", "1.31.0", false),
        ("v1.2.3", "1.2.3", true),
        ("1.2.3+meta", "1.2.3", true),
    ];
    for (c, v, want) in cases {
        let cs = Constraints::parse(c).unwrap_or_else(|e| panic!("{c:?}: {e}"));
        let ver = Version::parse(v).unwrap_or_else(|e| panic!("{v:?}: {e}"));
        assert_eq!(cs.check(&ver), *want, "{c:?} vs {v:?}");
    }
}

#[test]
fn constraint_parse_errors() {
    let bad = [
        (">= bar", "improper constraint: >= bar"),
        ("BAR >= 1.2.3", "improper constraint: BAR >= 1.2.3"),
        ("12.3.4.1234", "improper constraint: 12.3.4.1234"),
        ("12.3.34~ 1.2.3", "improper constraint: 12.3.34~ 1.2.3"),
        ("", "improper constraint: "),
        (">1 || ", "improper constraint:  "),
        ("1|2", "constraint Parser Error"),
        ("1.2.3-01", "constraint Parser Error"),
    ];
    for (c, msg) in bad {
        let err = Constraints::parse(c).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some(msg), "{c:?}");
    }
    for ok in [
        ">40.50.60, < 50.70",
        "v2.3.5-20161202202307-sha.e8fc5e5",
        ">= 1.2.3 < 2.0 || => 3.0 < 4",
        "3 - 4 || => 3.0, < 4",
        "12.3.34 ~1.2.3",
        " >=1.2\t",
    ] {
        assert!(Constraints::parse(ok).is_ok(), "{ok:?}");
    }
}

#[test]
fn constraint_string_form() {
    let cases = [
        ("*", "*"),
        (">= 1.2.3", ">=1.2.3"),
        (
            "2.x,   >=1.2.3 || >4.5.6, < 5.7",
            "2.x >=1.2.3 || >4.5.6 <5.7",
        ),
        ("1.2", "1.2"),
        ("1 - 2", ">=1 <=2"),
    ];
    for (c, s) in cases {
        assert_eq!(Constraints::parse(c).unwrap().to_string(), s);
    }
}

#[test]
fn unicode_spaces_are_not_go_whitespace() {
    // Go's `\s` is ASCII only: a no-break space makes the constraint improper.
    assert!(Constraints::parse(">=1.2.3\u{a0}<2").is_err());
    assert!(Constraints::parse(">=1.2.3\u{b}").is_err());
}
