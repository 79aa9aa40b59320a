//! The person form: raw strings as typed (so a form with mistakes comes back as it was), parsed
//! field by field into a `PersonInput`, every mistake beside its field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use shuangyong_domain::OrgPath;
use shuangyong_domain::dates::parse_date;
use shuangyong_domain::id_number::IdNumber;
use shuangyong_domain::mask::{normalize_account, normalize_phone};
use shuangyong_domain::person::{Category, DisabilityCause, DisabilityGrade, PersonStatus, Registration, Relation};
use shuangyong_store::registry::{CategoryInput, Person, PersonInput, ServiceInput};

use crate::error::FieldErrors;

pub const SERVICE_ROWS: usize = 3;

/// One service period as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ServiceForm {
    #[serde(default)]
    pub enlisted: String,
    #[serde(default)]
    pub discharged: String,
    #[serde(default)]
    pub branch: String,
    #[serde(default)]
    pub rank: String,
    #[serde(default)]
    pub unit: String,
}

/// The person form as typed. The JSON API takes the same shape.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct PersonForm {
    #[serde(default)]
    pub name: String,
    /// 18 digits (or 15); on edit, empty keeps the stored number.
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub ethnicity: String,
    /// rural or urban (农村/城镇).
    #[serde(default)]
    pub registration: String,
    #[serde(default)]
    pub org_path: String,
    #[serde(default)]
    pub address: String,
    /// On edit, empty keeps the stored phone.
    #[serde(default)]
    pub phone: String,
    /// On edit, empty keeps the stored account.
    #[serde(default)]
    pub bank_account: String,
    #[serde(default)]
    pub bank_name: String,
    /// normal, suspended, deceased, moved_out.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub status_date: String,
    #[serde(default)]
    pub status_reason: String,
    /// Category codes, e.g. disabled_serviceman, veteran.
    #[serde(default)]
    pub categories: Vec<String>,
    /// For 残疾军人: war, duty, illness.
    #[serde(default)]
    pub cause: String,
    /// For 残疾军人: 1–10 (or 六级).
    #[serde(default)]
    pub grade: String,
    /// For 三属: parent, spouse, child, sibling.
    #[serde(default)]
    pub relation: String,
    /// For 三属: the serviceman's name.
    #[serde(default)]
    pub serviceman_name: String,
    #[serde(default)]
    pub service: Vec<ServiceForm>,
    #[serde(default)]
    pub note: String,
    /// The version the form was loaded with (edit only).
    #[serde(default)]
    pub version: i64,
}

impl PersonForm {
    /// Reads an urlencoded form, where categories repeat (`categories=a&categories=b`) and
    /// service rows are numbered (`enlisted_0`, `unit_0`, …).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> PersonForm {
        let mut f = PersonForm { service: vec![ServiceForm::default(); SERVICE_ROWS], ..Default::default() };
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in pairs {
            if k == "categories" {
                f.categories.push(v);
            } else {
                map.insert(k, v);
            }
        }
        let mut take = |k: &str| map.remove(k).unwrap_or_default();
        f.name = take("name");
        f.id_number = take("id_number");
        f.ethnicity = take("ethnicity");
        f.registration = take("registration");
        f.org_path = take("org_path");
        f.address = take("address");
        f.phone = take("phone");
        f.bank_account = take("bank_account");
        f.bank_name = take("bank_name");
        f.status = take("status");
        f.status_date = take("status_date");
        f.status_reason = take("status_reason");
        f.cause = take("cause");
        f.grade = take("grade");
        f.relation = take("relation");
        f.serviceman_name = take("serviceman_name");
        f.note = take("note");
        f.version = take("version").parse().unwrap_or(0);
        for (i, row) in f.service.iter_mut().enumerate() {
            row.enlisted = take(&format!("enlisted_{i}"));
            row.discharged = take(&format!("discharged_{i}"));
            row.branch = take(&format!("branch_{i}"));
            row.rank = take(&format!("rank_{i}"));
            row.unit = take(&format!("unit_{i}"));
        }
        f
    }

    /// The form of an existing person: sensitive fields empty (kept unless retyped).
    pub fn of(p: &Person) -> PersonForm {
        let disabled = p.categories.iter().find(|c| c.grade.is_some());
        let survivor = p.categories.iter().find(|c| c.relation.is_some());
        let mut service: Vec<ServiceForm> = p
            .service
            .iter()
            .map(|s| ServiceForm {
                enlisted: s.enlisted.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                discharged: s.discharged.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                branch: s.branch.clone(),
                rank: s.rank.clone(),
                unit: s.unit.clone(),
            })
            .collect();
        service.resize(SERVICE_ROWS.max(service.len()), ServiceForm::default());
        PersonForm {
            name: p.name.clone(),
            id_number: String::new(),
            ethnicity: p.ethnicity.clone(),
            registration: p.registration.code().into(),
            org_path: p.org_path.to_string(),
            address: p.address.clone(),
            phone: String::new(),
            bank_account: String::new(),
            bank_name: p.bank_name.clone(),
            status: p.status.code().into(),
            status_date: p.status_date.map(|d| d.to_string()).unwrap_or_default(),
            status_reason: p.status_reason.clone(),
            categories: p.categories.iter().map(|c| c.category.code().to_owned()).collect(),
            cause: disabled.and_then(|c| c.cause).map(|c| c.code().to_owned()).unwrap_or_default(),
            grade: disabled.and_then(|c| c.grade).map(|g| g.get().to_string()).unwrap_or_default(),
            relation: survivor.and_then(|c| c.relation).map(|r| r.code().to_owned()).unwrap_or_default(),
            serviceman_name: survivor.map(|c| c.serviceman_name.clone()).unwrap_or_default(),
            service,
            note: p.note.clone(),
            version: p.version,
        }
    }

    pub fn has_category(&self, code: &str) -> bool {
        self.categories.iter().any(|c| c == code)
    }

    /// Parses every field. On edit (`stored` is the person as saved) sensitive fields may stay
    /// empty (kept), and a status kept as it was needs no change date when none was recorded
    /// (people imported as 迁出 or 死亡 come without one, and their phone must still be editable).
    pub fn parse(&self, stored: Option<&Person>) -> Result<PersonInput, FieldErrors> {
        let editing = stored.is_some();
        let mut e = FieldErrors::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            e.insert("name", "请填写姓名".into());
        }
        let id_number = if self.id_number.trim().is_empty() {
            if !editing {
                e.insert("id_number", "请填写身份证号".into());
            }
            None
        } else {
            match IdNumber::parse(&self.id_number) {
                Ok(i) => Some(i),
                Err(err) => {
                    e.insert("id_number", err.to_string());
                    None
                }
            }
        };
        let registration =
            Registration::from_code(&self.registration).or_else(|| Registration::parse_label(&self.registration));
        if registration.is_none() {
            e.insert("registration", "请选择户籍性质（农村或城镇）".into());
        }
        let org_path = OrgPath::parse(&self.org_path).ok();
        if org_path.is_none() {
            e.insert("org_path", "请选择所属单位".into());
        }
        let phone = if self.phone.trim().is_empty() {
            None
        } else {
            match normalize_phone(&self.phone) {
                Ok(p) => Some(p),
                Err(err) => {
                    e.insert("phone", err.to_string());
                    None
                }
            }
        };
        let bank_account = if self.bank_account.trim().is_empty() {
            None
        } else {
            match normalize_account(&self.bank_account) {
                Ok(a) => Some(a),
                Err(err) => {
                    e.insert("bank_account", err.to_string());
                    None
                }
            }
        };
        let status = if self.status.is_empty() {
            Some(PersonStatus::Normal)
        } else {
            PersonStatus::from_code(&self.status).or_else(|| PersonStatus::parse_label(&self.status))
        };
        if status.is_none() {
            e.insert("status", "请选择状态".into());
        }
        let status_date = optional_date(&self.status_date, "status_date", &mut e);
        let unchanged_without_date = stored.is_some_and(|p| Some(p.status) == status && p.status_date.is_none());
        if matches!(status, Some(s) if s != PersonStatus::Normal)
            && status_date.is_none()
            && !e.contains_key("status_date")
            && !unchanged_without_date
        {
            e.insert("status_date", "状态不是“正常”时，请填写变动日期".into());
        }
        let mut categories = Vec::new();
        for code in &self.categories {
            match Category::from_code(code).or_else(|| Category::parse_label(code)) {
                Some(c) => categories.push(CategoryInput::plain(c)),
                None => {
                    e.insert("categories", format!("未知的人员类别“{code}”"));
                }
            }
        }
        if categories.is_empty() && !e.contains_key("categories") {
            e.insert("categories", "请至少选择一个人员类别".into());
        }
        for c in categories.iter_mut() {
            if c.category.needs_disability() {
                c.cause = DisabilityCause::from_code(&self.cause).or_else(|| DisabilityCause::parse_label(&self.cause));
                if c.cause.is_none() {
                    e.insert("cause", "残疾军人请选择伤残性质（因战、因公或因病）".into());
                }
                match DisabilityGrade::parse(&self.grade) {
                    Ok(g) => c.grade = Some(g),
                    Err(err) => {
                        e.insert("grade", err.to_string());
                    }
                }
                if let (Some(cause), Some(grade)) = (c.cause, c.grade)
                    && let Err(m) = shuangyong_domain::person::check_grade(cause, grade)
                {
                    e.insert("grade", m);
                }
            }
            if c.category.is_survivor() {
                c.relation = Relation::from_code(&self.relation).or_else(|| Relation::parse_label(&self.relation));
                if c.relation.is_none() {
                    e.insert("relation", "三属请选择与烈士（军人）的关系".into());
                }
                c.serviceman_name = self.serviceman_name.trim().to_owned();
            }
        }
        let mut service = Vec::new();
        for (i, s) in self.service.iter().enumerate() {
            let empty = [&s.enlisted, &s.discharged, &s.branch, &s.rank, &s.unit].iter().all(|v| v.trim().is_empty());
            if empty {
                continue;
            }
            let key: &'static str = ["service_0", "service_1", "service_2"].get(i).copied().unwrap_or("service_2");
            let enlisted = optional_date(&s.enlisted, key, &mut e);
            let discharged = optional_date(&s.discharged, key, &mut e);
            if let (Some(a), Some(b)) = (enlisted, discharged)
                && b < a
            {
                e.insert(key, "退役时间不能早于入伍时间".into());
            }
            service.push(ServiceInput {
                enlisted,
                discharged,
                branch: s.branch.trim().into(),
                rank: s.rank.trim().into(),
                unit: s.unit.trim().into(),
            });
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(PersonInput {
            name,
            id_number,
            ethnicity: self.ethnicity.trim().into(),
            registration: registration.expect("checked"),
            org_path: org_path.expect("checked"),
            address: self.address.trim().into(),
            phone,
            bank_account,
            bank_name: self.bank_name.trim().into(),
            status: status.expect("checked"),
            status_date,
            status_reason: self.status_reason.trim().into(),
            categories,
            service,
            note: self.note.trim().into(),
        })
    }
}

fn optional_date(raw: &str, key: &'static str, e: &mut FieldErrors) -> Option<chrono::NaiveDate> {
    if raw.trim().is_empty() {
        return None;
    }
    match parse_date(raw) {
        Ok(d) => Some(d.date),
        Err(err) => {
            e.insert(key, err.to_string());
            None
        }
    }
}
