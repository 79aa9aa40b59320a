//! Deterministic synthetic people (优抚对象) for demos and benchmarks of the 双拥 platform.
//!
//! Names are drawn by real surname frequencies, ID numbers are valid but fictitious, and
//! categories, birth dates, service dates, disability, registration, contact and bank details are
//! consistent with each other and roughly as common as in a Shanxi county. The same seed gives
//! the same people on every machine and with every dependency version: the random generator is
//! written out in this crate.
//!
//! ```
//! use shuangyong_synth::{Generator, write_csv};
//!
//! let mut g = Generator::new(1, vec!["140929".into()], vec!["岚漪镇".into(), "三井镇".into()]);
//! let p = g.person();
//! assert_eq!(p.id_number.region(), "140929");
//! let mut file = Vec::new();
//! assert_eq!(write_csv(&mut g, 10, &mut file).unwrap(), 10);
//! assert!(String::from_utf8(file).unwrap().starts_with("姓名,身份证号,性别,"));
//! ```

mod csv;
mod generator;
mod ids;
mod names;
mod regions;
mod rng;

pub use crate::csv::{HEADERS, write_csv};
pub use crate::generator::{Generator, Mix, RECEIVING_ON, ROLLS, SynthPerson, receives};
pub use crate::regions::SHANXI_COUNTIES;
pub use crate::rng::Rng;
