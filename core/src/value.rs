//! Kusto scalar types and typed access to cells.

use crate::cell::Cell;

/// A Kusto scalar type, as named by a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarType {
    /// `bool` (aliases `boolean`; .NET `Boolean`, `SByte`)
    Bool,
    /// `int` (.NET `Int32`)
    Int,
    /// `long` (.NET `Int64`)
    Long,
    /// `real` (alias `double`; .NET `Double`)
    Real,
    /// `decimal` (.NET `Decimal`, `SqlDecimal`)
    Decimal,
    /// `string` (.NET `String`)
    String,
    /// `datetime` (alias `date`; .NET `DateTime`)
    DateTime,
    /// `timespan` (alias `time`; .NET `TimeSpan`)
    TimeSpan,
    /// `guid` (aliases `uuid`, `uniqueid`; .NET `Guid`)
    Guid,
    /// `dynamic` (.NET `Object`)
    Dynamic,
    /// A type name this crate does not know; values are kept as sent.
    Unknown,
}

impl ScalarType {
    /// Maps a Kusto column type name (`ColumnType`), aliases included.
    pub fn from_name(name: &str) -> ScalarType {
        match name {
            "bool" | "boolean" => ScalarType::Bool,
            "int" => ScalarType::Int,
            "long" => ScalarType::Long,
            "real" | "double" => ScalarType::Real,
            "decimal" => ScalarType::Decimal,
            "string" => ScalarType::String,
            "datetime" | "date" => ScalarType::DateTime,
            "timespan" | "time" => ScalarType::TimeSpan,
            "guid" | "uuid" | "uniqueid" => ScalarType::Guid,
            "dynamic" => ScalarType::Dynamic,
            _ => ScalarType::Unknown,
        }
    }

    /// Maps a V1 .NET `DataType` name (with or without the `System.` prefix).
    pub fn from_dotnet(name: &str) -> ScalarType {
        let name = name.strip_prefix("System.").unwrap_or(name);
        match name {
            "Boolean" | "SByte" => ScalarType::Bool,
            "Int32" => ScalarType::Int,
            "Int64" => ScalarType::Long,
            "Double" | "Single" => ScalarType::Real,
            "Decimal" | "SqlDecimal" | "Data.SqlTypes.SqlDecimal" => ScalarType::Decimal,
            "String" => ScalarType::String,
            "DateTime" => ScalarType::DateTime,
            "TimeSpan" => ScalarType::TimeSpan,
            "Guid" => ScalarType::Guid,
            "Object" => ScalarType::Dynamic,
            _ => ScalarType::Unknown,
        }
    }

    /// The canonical Kusto name of the type (`None` for [`ScalarType::Unknown`]).
    pub fn kusto_name(self) -> Option<&'static str> {
        Some(match self {
            ScalarType::Bool => "bool",
            ScalarType::Int => "int",
            ScalarType::Long => "long",
            ScalarType::Real => "real",
            ScalarType::Decimal => "decimal",
            ScalarType::String => "string",
            ScalarType::DateTime => "datetime",
            ScalarType::TimeSpan => "timespan",
            ScalarType::Guid => "guid",
            ScalarType::Dynamic => "dynamic",
            ScalarType::Unknown => return None,
        })
    }
}

#[allow(dead_code)]
fn _uses(_: Cell<'_>) {}
