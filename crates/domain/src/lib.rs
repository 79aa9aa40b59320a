//! Pure rules and types of the 双拥 work platform. No I/O, no async: everything here is a value or a
//! function of values, so that the store and the web layer never decide rules themselves.

pub mod org;
pub mod role;
pub mod text;

pub use org::{OrgKind, OrgPath, OrgPathError};
pub use role::Role;
