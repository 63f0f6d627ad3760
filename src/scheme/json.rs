//! Reads one or two fields (the delivery id, the event type) from a JSON body in a single
//! pass, without building a document tree: everything else is skipped as it is parsed.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A path to a field in a JSON body: `["event", "type"]` is `body.event.type`.
///
/// ```
/// use tower_webhook::scheme::JsonPath;
///
/// let path = JsonPath::new(["event", "type"]);
/// assert_eq!(path.to_string(), "event.type");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct JsonPath(Box<[Box<str>]>);

impl JsonPath {
    /// A path of object keys, outermost first.
    pub fn new<I, S>(keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Box<str>>,
    {
        JsonPath(keys.into_iter().map(Into::into).collect())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn key(&self, level: usize) -> Option<&str> {
        self.0.get(level).map(|k| &**k)
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

impl From<&str> for JsonPath {
    /// A dotted path: `"event.type"`.
    fn from(value: &str) -> Self {
        JsonPath::new(value.split('.'))
    }
}

impl fmt::Debug for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonPath({self})")
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// Finds the string (or integer, as text) at each path. A body that is not JSON, or a
/// path that leads nowhere, gives `None` for that path.
pub(crate) fn find_fields<const N: usize>(
    body: &[u8],
    paths: [Option<&JsonPath>; N],
) -> [Option<String>; N] {
    let mut out: [Option<String>; N] = std::array::from_fn(|_| None);
    let mut active: u32 = 0;
    for (i, path) in paths.iter().enumerate() {
        if path.is_some_and(|p| !p.is_empty()) {
            active |= 1 << i;
        }
    }
    if active == 0 || !looks_like_object(body) {
        return out;
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let mut remaining = active;
    let finder = Finder {
        paths: &paths,
        level: 0,
        active,
        out: &mut out,
        remaining: &mut remaining,
    };
    match finder.deserialize(&mut deserializer) {
        Ok(()) => out,
        // Every field was found: the rest of the body is not read.
        Err(_) if remaining == 0 => out,
        Err(_) => std::array::from_fn(|_| None),
    }
}

fn looks_like_object(body: &[u8]) -> bool {
    body.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{')
}

/// The message of the error that stops parsing once every field is found.
const FOUND: &str = "tower-webhook: all fields found";

struct Finder<'p, 'o, const N: usize> {
    paths: &'p [Option<&'p JsonPath>; N],
    level: usize,
    active: u32,
    out: &'o mut [Option<String>; N],
    /// Paths not found yet, across every level.
    remaining: &'o mut u32,
}

impl<'de, const N: usize> DeserializeSeed<'de> for Finder<'_, '_, N> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, const N: usize> Visitor<'de> for Finder<'_, '_, N> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(matched) = map.next_key_seed(KeyMatch {
            paths: self.paths,
            level: self.level,
            active: self.active,
        })? {
            if matched == 0 {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let leaves = (0..N)
                .filter(|i| matched & (1 << i) != 0)
                .filter(|i| self.paths[*i].is_some_and(|p| p.len() == self.level + 1))
                .fold(0u32, |acc, i| acc | 1 << i);
            if leaves != 0 {
                let value = map.next_value::<Scalar>()?.0;
                for (i, slot) in self.out.iter_mut().enumerate() {
                    if leaves & (1 << i) != 0 {
                        slot.clone_from(&value);
                    }
                }
                *self.remaining &= !leaves;
                if *self.remaining == 0 {
                    return Err(de::Error::custom(FOUND));
                }
            } else {
                map.next_value_seed(Finder {
                    paths: self.paths,
                    level: self.level + 1,
                    active: matched,
                    out: &mut *self.out,
                    remaining: &mut *self.remaining,
                })?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Matches an object key against the active paths at one level, without allocating.
struct KeyMatch<'p, const N: usize> {
    paths: &'p [Option<&'p JsonPath>; N],
    level: usize,
    active: u32,
}

impl<'de, const N: usize> DeserializeSeed<'de> for KeyMatch<'_, N> {
    type Value = u32;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<u32, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, const N: usize> Visitor<'de> for KeyMatch<'_, N> {
    type Value = u32;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<u32, E> {
        let mut matched = 0;
        for (i, path) in self.paths.iter().enumerate() {
            if self.active & (1 << i) != 0 && path.and_then(|p| p.key(self.level)) == Some(key) {
                matched |= 1 << i;
            }
        }
        Ok(matched)
    }
}

/// A string or integer value, kept as text; anything else is skipped.
struct Scalar(Option<String>);

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an integer")
    }

    fn visit_str<E>(self, value: &str) -> Result<Scalar, E> {
        Ok(Scalar(Some(value.to_owned())))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Scalar, E> {
        Ok(Scalar(Some(value.to_string())))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Scalar, E> {
        Ok(Scalar(Some(value.to_string())))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_and_top_level_fields_in_one_pass() {
        let body = br#"{"token":"x","event":{"type":"app_mention","n":[1,{"type":"no"}]},"event_id":"Ev1","type":"event_callback"}"#;
        let id = JsonPath::from("event_id");
        let kind = JsonPath::from("event.type");
        let [a, b] = find_fields(body, [Some(&id), Some(&kind)]);
        assert_eq!(a.as_deref(), Some("Ev1"));
        assert_eq!(b.as_deref(), Some("app_mention"));
    }

    #[test]
    fn stops_reading_once_every_field_is_found() {
        // The body is broken after the fields: it is never read that far.
        let id = JsonPath::from("id");
        let [found] = find_fields(br#"{"id":"evt_1","data":{"x": oops"#, [Some(&id)]);
        assert_eq!(found.as_deref(), Some("evt_1"));
    }

    #[test]
    fn integers_become_text_and_garbage_gives_none() {
        let id = JsonPath::from("eventId");
        assert_eq!(
            find_fields(br#"{"eventId": 42}"#, [Some(&id)])[0].as_deref(),
            Some("42")
        );
        assert_eq!(find_fields(b"{\"eventId\": ", [Some(&id)])[0], None);
        assert_eq!(find_fields(b"eventId=1", [Some(&id)])[0], None);
        assert_eq!(find_fields(br#"{"eventId":{"a":1}}"#, [Some(&id)])[0], None);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut body = Vec::new();
        body.extend(std::iter::repeat_n(b'[', 100_000));
        let id = JsonPath::from("id");
        let mut object = b"{\"x\":".to_vec();
        object.extend(body);
        assert_eq!(find_fields(&object, [Some(&id)])[0], None);
    }
}
