//! Setter macros of the request builders. They write methods inside an
//! `impl` block; every type stays defined by hand where `grep` finds it.

/// `name(items)`: replaces the list field `name` with `items`.
macro_rules! list_setter {
    ($(#[$doc:meta])* $name:ident: $item:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, items: impl IntoIterator<Item = impl Into<$item>>) -> Self {
            self.$name = items.into_iter().map(Into::into).collect();
            self
        }
    };
}

/// `name(value)`: sets the optional field `name`.
macro_rules! opt_setter {
    ($(#[$doc:meta])* $name:ident: $item:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<$item>) -> Self {
            self.$name = Some(value.into());
            self
        }
    };
}

pub(crate) use {list_setter, opt_setter};
