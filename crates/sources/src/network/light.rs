//! Light JSON parsing for the network screen: the few fields it reads,
//! strings borrowed unless escaped, values of any other shape counted as
//! unset rather than failing the record (the full parse judges those).

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A field's text: a string (set unless empty or Zeek's `-`) or a number's
/// digits; any other value counts as unset.
#[derive(Debug, Default)]
pub(crate) struct Text<'a> {
    raw: Option<Cow<'a, str>>,
    string: bool,
    present: bool,
}

/// A list field's string items (a lone string is a list of one).
#[derive(Debug, Default)]
pub(crate) struct Texts<'a> {
    items: Vec<Cow<'a, str>>,
    present: bool,
}

fn set_text(text: Cow<'_, str>) -> Option<Cow<'_, str>> {
    is_set(&text).then_some(text)
}

fn is_set(text: &str) -> bool {
    !text.is_empty() && text != "-"
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text<'a>, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text::found(Some(Cow::Borrowed(text)), true))
            }
            fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text::found(Some(Cow::Owned(text.to_owned())), true))
            }
            fn visit_u64<E>(self, number: u64) -> Result<Text<'de>, E> {
                Ok(Text::found(Some(Cow::Owned(number.to_string())), false))
            }
            fn visit_i64<E>(self, number: i64) -> Result<Text<'de>, E> {
                Ok(Text::found(Some(Cow::Owned(number.to_string())), false))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Text<'de>, E> {
                Ok(Text::found(None, false))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Text<'de>, E> {
                Ok(Text::found(None, false))
            }
            fn visit_unit<E>(self) -> Result<Text<'de>, E> {
                Ok(Text::found(None, false))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Text<'de>, A::Error> {
                while items.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text::found(None, false))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text::found(None, false))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Texts<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Texts<'a>, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = Texts<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Texts<'de>, A::Error> {
                let mut texts = Vec::new();
                while let Some(item) = items.next_element::<Text<'de>>()? {
                    texts.extend(item.raw.and_then(set_text));
                }
                Ok(Texts::found(texts))
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Texts<'de>, E> {
                Ok(Texts::found(
                    set_text(Cow::Borrowed(text)).into_iter().collect(),
                ))
            }
            fn visit_str<E>(self, text: &str) -> Result<Texts<'de>, E> {
                Ok(Texts::found(
                    set_text(Cow::Owned(text.to_owned())).into_iter().collect(),
                ))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Texts<'de>, E> {
                Ok(Texts::found(Vec::new()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Texts<'de>, E> {
                Ok(Texts::found(Vec::new()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Texts<'de>, E> {
                Ok(Texts::found(Vec::new()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Texts<'de>, E> {
                Ok(Texts::found(Vec::new()))
            }
            fn visit_unit<E>(self) -> Result<Texts<'de>, E> {
                Ok(Texts::found(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Texts<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Texts::found(Vec::new()))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

impl<'a> Text<'a> {
    fn found(raw: Option<Cow<'a, str>>, string: bool) -> Text<'a> {
        Text {
            raw,
            string,
            present: true,
        }
    }

    /// The text, if set.
    pub fn as_deref(&self) -> Option<&str> {
        self.raw.as_deref().filter(|text| is_set(text))
    }

    /// The value if it is a string, set or not (as `Value::as_str` gives it).
    pub fn as_str(&self) -> Option<&str> {
        self.raw.as_deref().filter(|_| self.string)
    }

    /// Whether the record has the field at all (even unset).
    pub fn is_present(&self) -> bool {
        self.present
    }
}

impl<'a> Texts<'a> {
    fn found(items: Vec<Cow<'a, str>>) -> Texts<'a> {
        Texts {
            items,
            present: true,
        }
    }

    /// The string items.
    pub fn items(&self) -> &[Cow<'a, str>] {
        &self.items
    }

    /// Whether the record has the field at all (even empty).
    pub fn is_present(&self) -> bool {
        self.present
    }
}

/// Whether a record has a field, whatever its value (`null` included).
#[derive(Debug, Default)]
pub(crate) struct Present(bool);

impl Present {
    /// Whether the field was there.
    pub fn is_present(&self) -> bool {
        self.0
    }
}

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Present, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| Present(true))
    }
}
