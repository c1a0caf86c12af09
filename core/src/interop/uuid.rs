//! `uuid`: [`Guid`] into `Uuid` and back, byte for byte.

use crate::value::Guid;

/// The same 16 bytes, in the textual (RFC 4122) order.
impl From<Guid> for uuid::Uuid {
    fn from(g: Guid) -> Self {
        uuid::Uuid::from_bytes(*g.as_bytes())
    }
}

/// The same 16 bytes, in the textual (RFC 4122) order.
impl From<uuid::Uuid> for Guid {
    fn from(u: uuid::Uuid) -> Self {
        Guid::from_bytes(u.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn same_text() {
        let s = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let g = Guid::parse(s).unwrap();
        let u = uuid::Uuid::from(g);
        assert_eq!(u.to_string(), s);
        assert_eq!(Guid::from(u), g);
    }
}
