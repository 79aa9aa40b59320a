//! Pure rules and types of the 双拥 work platform. No I/O, no async: everything here is a value or a
//! function of values, so that the store and the web layer never decide rules themselves.

pub mod assessment;
pub mod benefits;
pub mod cases;
pub mod clock;
pub mod dates;
pub mod figures;
pub mod id_number;
pub mod mask;
pub mod money;
pub mod org;
pub mod person;
pub mod pinyin;
pub mod report;
pub mod role;
pub mod ruby;
pub mod text;
pub mod width;
pub mod work;

pub use crate::pinyin::{NameKeys, name_keys, query_key};
pub use dates::{DateError, ParsedDate, Period, Precision, from_excel_serial, parse_date};
pub use id_number::{IdError, IdNumber, Sex};
pub use mask::{AccountError, PhoneError};
pub use org::{OrgKind, OrgPath, OrgPathError};
pub use person::{
    Category, DisabilityCause, DisabilityGrade, GradeError, LabelError, PersonStatus, Registration, Relation,
};
pub use role::Role;
