//! The database of the 双拥 work platform: one layer over SQLite and PostgreSQL (sea-orm), the
//! schema's migrations (one source for both engines), one module per aggregate, and the hash-chained audit log.
//!
//! Every change goes through [`Store::begin_write`] and writes its audit entry with
//! [`audit::append`] inside the same transaction. Every read of people or cases takes a [`Scope`].

pub mod assessment;
pub mod audit;
pub mod backup;
pub mod benefits;
pub mod cases;
pub mod crypto;
mod db;
pub mod duplicates;
pub mod export;
pub mod import;
pub mod life_check;
pub mod migration;
pub mod org;
pub mod registry;
pub mod reports;
pub mod scope;
pub mod session;
pub mod setting;
pub mod testing;
pub mod user;
pub mod work;

pub use db::{Backend, Bulk, Store, StoreError, Tx, now};
pub use migration::SCHEMA_VERSION;
pub use scope::Scope;
