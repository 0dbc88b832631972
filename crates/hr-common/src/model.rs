//! What the vendor crates' response models share: their chainable
//! `with_*` setters, so users can build records in their own tests.

/// Writes a model's chainable `with_*` setters, one per optional field
/// (`Some(value.into())`), plus `with_extra` for a field the model keeps in
/// `extra`. Fields listed under `sensitive` take plain text and wrap it in
/// [`Sensitive`](crate::Sensitive). The model struct is written by hand;
/// this writes only the impl.
///
/// ```
/// use std::collections::BTreeMap;
/// use hr_common::Sensitive;
///
/// #[derive(Debug, Default)]
/// pub struct Person {
///     pub name: Option<String>,
///     pub phone: Option<Sensitive<String>>,
///     pub extra: BTreeMap<String, serde_json::Value>,
/// }
/// hr_common::with_setters!(Person {
///     with_name => name: String,
/// } sensitive {
///     with_phone => phone,
/// });
///
/// let p = Person::default().with_name("Ann").with_phone("13812345678").with_extra("x", 1);
/// assert_eq!(p.name.as_deref(), Some("Ann"));
/// assert!(!format!("{:?}", p.phone).contains("13812345678"));
/// assert_eq!(p.extra["x"], 1);
/// ```
#[macro_export]
macro_rules! with_setters {
    (
        $ty:ident {
            $($with:ident => $field:ident: $t:ty),* $(,)?
        }
        $(sensitive { $($swith:ident => $sfield:ident),* $(,)? })?
    ) => {
        impl $ty {
            $(
                #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ").")]
                #[must_use]
                pub fn $with(mut self, value: impl Into<$t>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
            $($(
                #[doc = concat!("Sets [`", stringify!($sfield), "`](Self::", stringify!($sfield), ") from plain text.")]
                #[must_use]
                pub fn $swith(mut self, value: impl Into<String>) -> Self {
                    self.$sfield = Some($crate::Sensitive::new(value.into()));
                    self
                }
            )*)?

            /// Adds a key this crate does not model to [`extra`](Self::extra),
            /// as an unknown vendor field would arrive.
            #[must_use]
            pub fn with_extra(
                mut self,
                key: impl Into<String>,
                value: impl Into<$crate::__private::Value>,
            ) -> Self {
                self.extra.insert(key.into(), value.into());
                self
            }
        }
    };
}
