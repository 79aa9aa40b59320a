//! 优抚对象: the registry of people. One ID number is one person. Sensitive fields are sealed;
//! screens get masked values, and the full value only through [`reveal`], which is audited.
//! Every read takes a [`Scope`].

use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, QueryResult, Value};
use serde::Serialize;
use serde_json::json;
use shuangyong_domain::id_number::{IdNumber, Sex};
use shuangyong_domain::mask::{mask_account, mask_phone};
use shuangyong_domain::person::{Category, DisabilityCause, DisabilityGrade, PersonStatus, Registration, Relation};
use shuangyong_domain::pinyin::name_keys;
use shuangyong_domain::{OrgPath, text};

use crate::audit::{self, Actor, Change};
use crate::org::Page;
use crate::{Scope, Store, StoreError, Tx, now};

mod search;
pub use search::{SEARCH_COUNT_CAP, Total, explain};

/// A category a person holds, with its details.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryInput {
    pub category: Category,
    pub cause: Option<DisabilityCause>,
    pub grade: Option<DisabilityGrade>,
    /// For 三属: the serviceman they derive from, by record or by name.
    pub serviceman_id: Option<i64>,
    pub serviceman_name: String,
    pub relation: Option<Relation>,
    pub since: Option<NaiveDate>,
}

impl CategoryInput {
    pub fn plain(category: Category) -> CategoryInput {
        CategoryInput {
            category,
            cause: None,
            grade: None,
            serviceman_id: None,
            serviceman_name: String::new(),
            relation: None,
            since: None,
        }
    }

    /// The line shown in lists and on the person page: 残疾军人（因战六级）.
    pub fn describe(&self) -> String {
        let mut s = self.category.label().to_owned();
        if let (Some(c), Some(g)) = (self.cause, self.grade) {
            s.push_str(&format!("（{}{}）", c.label(), g.label()));
        }
        if let Some(r) = self.relation {
            let who =
                if self.serviceman_name.is_empty() { String::new() } else { format!("{}的", self.serviceman_name) };
            s.push_str(&format!("（{who}{}）", r.label()));
        }
        s
    }
}

/// A period of service.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ServiceInput {
    pub enlisted: Option<NaiveDate>,
    pub discharged: Option<NaiveDate>,
    pub branch: String,
    pub rank: String,
    pub unit: String,
}

/// Everything a form or an import row gives for a person, already parsed into domain types.
/// On update, a sensitive field left `None` keeps its stored value: edit forms never show the
/// full values, so they cannot send them back.
#[derive(Debug, Clone)]
pub struct PersonInput {
    pub name: String,
    pub id_number: Option<IdNumber>,
    pub ethnicity: String,
    pub registration: Registration,
    pub org_path: OrgPath,
    pub address: String,
    pub phone: Option<String>,
    pub bank_account: Option<String>,
    pub bank_name: String,
    pub status: PersonStatus,
    pub status_date: Option<NaiveDate>,
    pub status_reason: String,
    pub categories: Vec<CategoryInput>,
    pub service: Vec<ServiceInput>,
    pub note: String,
}

/// A person as screens show them: sensitive fields masked.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub id: i64,
    pub org_path: OrgPath,
    pub name: String,
    pub id_masked: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub ethnicity: String,
    pub registration: Registration,
    pub address: String,
    pub phone_masked: String,
    pub bank_account_masked: String,
    pub bank_name: String,
    pub status: PersonStatus,
    pub status_date: Option<NaiveDate>,
    pub status_reason: String,
    pub note: String,
    pub categories: Vec<CategoryInput>,
    pub service: Vec<ServiceInput>,
    pub version: i64,
}

impl Person {
    pub fn age_on(&self, day: NaiveDate) -> i32 {
        age_on(self.birth_date, day)
    }

    /// What the audit log keeps of a person: never the sensitive values, only their masks.
    fn snapshot(&self) -> serde_json::Value {
        json!({
            "name": self.name, "id_number": self.id_masked, "sex": self.sex.code(), "birth_date": self.birth_date,
            "ethnicity": self.ethnicity, "registration": self.registration.code(), "org_path": self.org_path,
            "address": self.address, "phone": self.phone_masked, "bank_account": self.bank_account_masked,
            "bank_name": self.bank_name, "status": self.status.code(), "status_date": self.status_date,
            "status_reason": self.status_reason, "note": self.note,
            "categories": self.categories.iter().map(CategoryInput::describe).collect::<Vec<_>>(),
            "service": self.service,
        })
    }
}

/// The columns of a new person that come from what was typed or imported, in the order of
/// [`new_person_values`]; the caller adds version and timestamps.
pub(crate) const NEW_PERSON_COLUMNS: &str = "county, org_path, name, name_pinyin, name_initials, name_rev, id_sealed, \
    id_index, id_tail4, id_tail5, id_tail6, sex, birth_date, ethnicity, registration, address, phone_sealed, phone_index, \
    bank_account_sealed, bank_name, status, status_date, status_reason, note, import_batch";

/// The values of [`NEW_PERSON_COLUMNS`]: sensitive fields sealed, blind indexes and search keys
/// computed. One place, for a clerk's form and for a bulk import alike.
pub(crate) fn new_person_values(
    crypto: &crate::crypto::FieldCrypto,
    input: &PersonInput,
    idn: &IdNumber,
    id_index: String,
    name: &str,
    import_batch: Option<i64>,
) -> Vec<Value> {
    let keys = name_keys(name);
    vec![
        input.org_path.county().into(),
        input.org_path.as_str().into(),
        name.into(),
        keys.full.into(),
        keys.initials.into(),
        reversed(name).into(),
        crypto.seal("id_number", idn.as_str()).into(),
        id_index.into(),
        crypto.index("id_tail4", idn.tail(4)).into(),
        crypto.index("id_tail5", idn.tail(5)).into(),
        crypto.index("id_tail6", idn.tail(6)).into(),
        idn.sex().code().into(),
        idn.birth_date().into(),
        text::clean(&input.ethnicity).into(),
        input.registration.code().into(),
        text::clean(&input.address).into(),
        input.phone.as_deref().map(|p| crypto.seal("phone", p)).into(),
        input.phone.as_deref().map(|p| crypto.index("phone", p)).into(),
        input.bank_account.as_deref().map(|a| crypto.seal("bank_account", a)).into(),
        text::clean(&input.bank_name).into(),
        input.status.code().into(),
        input.status_date.into(),
        text::clean(&input.status_reason).into(),
        text::clean(&input.note).into(),
        import_batch.into(),
    ]
}

/// A name's characters in reverse order, for suffix search by index.
pub fn reversed(name: &str) -> String {
    name.chars().rev().collect()
}

/// Full years between a birth date and a day.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// One row of a list.
#[derive(Debug, Clone, Serialize)]
pub struct PersonRow {
    pub id: i64,
    pub org_path: String,
    pub name: String,
    pub id_masked: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub status: PersonStatus,
    pub categories: Vec<Category>,
}

const PERSON_COLUMNS: &str = "id, org_path, name, id_sealed, sex, birth_date, ethnicity, registration, address, \
    phone_sealed, bank_account_sealed, bank_name, status, status_date, status_reason, note, version";

fn bad(what: &str, v: &str) -> StoreError {
    anyhow::anyhow!("stored {what} {v}").into()
}

fn parse_sex(s: &str) -> Result<Sex, StoreError> {
    Sex::parse_label(s).ok_or_else(|| bad("sex", s))
}

/// Checks what the store itself must guarantee, whoever calls it.
fn validate(input: &PersonInput) -> Result<(), StoreError> {
    let name = text::clean(&input.name);
    if name.is_empty() || name.chars().count() > 40 {
        return Err(StoreError::invalid("请填写姓名（不超过40个字）"));
    }
    if input.categories.is_empty() {
        return Err(StoreError::invalid("请至少选择一个人员类别"));
    }
    for c in &input.categories {
        if c.category.needs_disability() {
            let (Some(cause), Some(grade)) = (c.cause, c.grade) else {
                return Err(StoreError::invalid("残疾军人须填写伤残性质（因战/因公/因病）和伤残等级（1–10级）"));
            };
            shuangyong_domain::person::check_grade(cause, grade).map_err(StoreError::Invalid)?;
        }
        if c.category.is_survivor() && c.relation.is_none() {
            return Err(StoreError::invalid(format!("{}须填写与烈士（军人）的关系", c.category.label())));
        }
    }
    for s in &input.service {
        if let (Some(a), Some(b)) = (s.enlisted, s.discharged)
            && b < a
        {
            return Err(StoreError::invalid("退役时间不能早于入伍时间，请核对"));
        }
    }
    Ok(())
}

async fn find_by_index<C: ConnectionTrait>(
    store: &Store,
    conn: &C,
    index: &str,
) -> Result<Option<(i64, String, String)>, StoreError> {
    store
        .query_one(conn, "SELECT id, name, org_path FROM person WHERE id_index = $1", [index.into()])
        .await?
        .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "name")?, r.try_get("", "org_path")?)))
        .transpose()
}

/// Why a registration was refused because the ID number is already registered.
pub fn duplicate_message(scope: &Scope, existing_id: i64, name: &str, org_path: &str) -> String {
    if scope.contains_str(org_path) {
        format!("该身份证号已登记（{name}，编号 {existing_id}），同一身份证号只能登记一人：请打开已有记录修改")
    } else {
        "该身份证号已在其他单位登记，同一身份证号只能登记一人：请联系县级业务员核实".to_owned()
    }
}

/// Registers a person in scope. A second registration of an ID number is refused with a pointer to
/// the first; a record with the same name and birth date in the same township is flagged for a
/// manager. Returns the new id.
pub async fn create(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    input: PersonInput,
) -> Result<Person, StoreError> {
    validate(&input)?;
    let Some(idn) = input.id_number.clone() else {
        return Err(StoreError::invalid("请填写身份证号"));
    };
    if !scope.contains(&input.org_path) {
        return Err(StoreError::invalid("所属单位不在您的管辖范围内，请选择您有权管理的单位"));
    }
    if crate::org::find_in(store, tx, &input.org_path).await?.is_none() {
        return Err(StoreError::invalid(format!("所属单位 {} 不存在", input.org_path)));
    }
    let crypto = store.crypto()?;
    let id_index = crypto.index("id", idn.as_str());
    if let Some((existing, name, org)) = find_by_index(store, tx, &id_index).await? {
        return Err(StoreError::Duplicate {
            existing_id: existing,
            message: duplicate_message(scope, existing, &name, &org),
        });
    }
    let name = text::clean(&input.name);
    let t = now();
    let row = store
        .query_one(
            tx,
            &format!(
                "INSERT INTO person ({NEW_PERSON_COLUMNS}, version, created_at, updated_at) VALUES ({}, 1, $26, $26) RETURNING id",
                (1..=25).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
            ),
            {
                let mut v = new_person_values(crypto, &input, &idn, crypto.index("id", idn.as_str()), &name, None);
                v.push(t.into());
                v
            },
        )
        .await
        .map_err(|e| crate::db::conflict_on_unique(e, "该身份证号已登记，同一身份证号只能登记一人"))?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?;
    let id: i64 = row.try_get("", "id")?;
    write_details(store, tx, id, input.org_path.county(), &input.categories, &input.service).await?;
    flag_near_duplicates(store, tx, id, &name, idn.birth_date(), &input.org_path).await?;
    let person = load(store, tx, id).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "create",
            entity: "person",
            entity_id: id.to_string(),
            org_path: person.org_path.to_string(),
            summary: format!("登记优抚对象 {}（{}）", person.name, person.id_masked),
            before: None,
            after: Some(person.snapshot()),
        },
    )
    .await?;
    Ok(person)
}

async fn write_details(
    store: &Store,
    tx: &Tx,
    id: i64,
    county: &str,
    categories: &[CategoryInput],
    service: &[ServiceInput],
) -> Result<(), StoreError> {
    store.exec(tx, "DELETE FROM person_category WHERE person_id = $1", [id.into()]).await?;
    store.exec(tx, "DELETE FROM service_record WHERE person_id = $1", [id.into()]).await?;
    let mut seen = Vec::new();
    for c in categories {
        if seen.contains(&c.category) {
            continue;
        }
        seen.push(c.category);
        store
            .exec(
                tx,
                "INSERT INTO person_category (county, person_id, category, cause, grade, serviceman_id, serviceman_name, relation, since) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                [
                    county.into(),
                    id.into(),
                    c.category.code().into(),
                    c.cause.map(|x| x.code()).into(),
                    c.grade.map(|g| g.get() as i32).into(),
                    c.serviceman_id.into(),
                    text::clean(&c.serviceman_name).into(),
                    c.relation.map(|r| r.code()).into(),
                    c.since.into(),
                ],
            )
            .await?;
    }
    for s in service {
        store
            .exec(
                tx,
                "INSERT INTO service_record (county, person_id, enlisted, discharged, branch, rank, unit) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                [
                    county.into(),
                    id.into(),
                    s.enlisted.into(),
                    s.discharged.into(),
                    text::clean(&s.branch).into(),
                    text::clean(&s.rank).into(),
                    text::clean(&s.unit).into(),
                ],
            )
            .await?;
    }
    Ok(())
}

/// The township (or the unit itself, above township level) a path belongs to.
fn township_of(path: &OrgPath) -> OrgPath {
    match path.depth() {
        3 => path.parent().unwrap_or_else(|| path.clone()),
        _ => path.clone(),
    }
}

/// Flags other records with the same name and birth date in the same township.
async fn flag_near_duplicates(
    store: &Store,
    tx: &Tx,
    id: i64,
    name: &str,
    birth: NaiveDate,
    org: &OrgPath,
) -> Result<u64, StoreError> {
    let town = Scope::new(township_of(org));
    let (cond, vals) = town.sql("org_path", 4);
    let mut params: Vec<Value> = vec![name.into(), birth.into(), id.into()];
    params.extend(vals);
    let rows = store
        .query_all(
            tx,
            &format!("SELECT id FROM person WHERE name = $1 AND birth_date = $2 AND id <> $3 AND {cond}"),
            params,
        )
        .await?;
    let mut n = 0;
    for r in rows {
        let other: i64 = r.try_get("", "id")?;
        let (a, b) = (other.min(id), other.max(id));
        let exists = store
            .query_one(tx, "SELECT id FROM duplicate_flag WHERE person_a = $1 AND person_b = $2", [a.into(), b.into()])
            .await?;
        if exists.is_none() {
            store
                .exec(
                    tx,
                    "INSERT INTO duplicate_flag (county, org_path, person_a, person_b, reason, status, created_at) \
                     VALUES ($1, $2, $3, $4, $5, 'open', $6)",
                    [
                        org.county().into(),
                        township_of(org).as_str().into(),
                        a.into(),
                        b.into(),
                        format!("姓名（{name}）和出生日期（{birth}）相同").into(),
                        now().into(),
                    ],
                )
                .await?;
            n += 1;
        }
    }
    Ok(n)
}

fn row_to_person(store: &Store, r: &QueryResult) -> Result<Person, StoreError> {
    let crypto = store.crypto()?;
    let id_sealed: Vec<u8> = r.try_get("", "id_sealed")?;
    let idn = IdNumber::parse(&crypto.open("id_number", &id_sealed)?).map_err(|e| bad("id", &e.to_string()))?;
    let phone: Option<Vec<u8>> = r.try_get("", "phone_sealed")?;
    let bank: Option<Vec<u8>> = r.try_get("", "bank_account_sealed")?;
    let path: String = r.try_get("", "org_path")?;
    let reg: String = r.try_get("", "registration")?;
    let status: String = r.try_get("", "status")?;
    let sex: String = r.try_get("", "sex")?;
    Ok(Person {
        id: r.try_get("", "id")?,
        org_path: OrgPath::parse(&path).map_err(|_| bad("path", &path))?,
        name: r.try_get("", "name")?,
        id_masked: idn.masked(),
        sex: parse_sex(&sex)?,
        birth_date: r.try_get("", "birth_date")?,
        ethnicity: r.try_get("", "ethnicity")?,
        registration: Registration::from_code(&reg).ok_or_else(|| bad("registration", &reg))?,
        address: r.try_get("", "address")?,
        phone_masked: match phone {
            Some(p) => mask_phone(&crypto.open("phone", &p)?),
            None => String::new(),
        },
        bank_account_masked: match bank {
            Some(b) => mask_account(&crypto.open("bank_account", &b)?),
            None => String::new(),
        },
        bank_name: r.try_get("", "bank_name")?,
        status: PersonStatus::from_code(&status).ok_or_else(|| bad("status", &status))?,
        status_date: r.try_get("", "status_date")?,
        status_reason: r.try_get("", "status_reason")?,
        note: r.try_get("", "note")?,
        categories: Vec::new(),
        service: Vec::new(),
        version: r.try_get::<i32>("", "version").map(i64::from).or_else(|_| r.try_get::<i64>("", "version"))?,
    })
}

/// Loads a person (no scope check: callers inside this module check it first).
async fn load<C: ConnectionTrait>(store: &Store, conn: &C, id: i64) -> Result<Person, StoreError> {
    let r = store
        .query_one(conn, &format!("SELECT {PERSON_COLUMNS} FROM person WHERE id = $1"), [id.into()])
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut p = row_to_person(store, &r)?;
    let cats = store
        .query_all(
            conn,
            "SELECT category, cause, grade, serviceman_id, serviceman_name, relation, since FROM person_category \
             WHERE person_id = $1 ORDER BY id",
            [id.into()],
        )
        .await?;
    for c in cats {
        let code: String = c.try_get("", "category")?;
        let cause: Option<String> = c.try_get("", "cause")?;
        let grade: Option<i32> = c.try_get("", "grade")?;
        let relation: Option<String> = c.try_get("", "relation")?;
        p.categories.push(CategoryInput {
            category: Category::from_code(&code).ok_or_else(|| bad("category", &code))?,
            cause: cause.as_deref().and_then(DisabilityCause::from_code),
            grade: grade.and_then(|g| DisabilityGrade::new(g as u8).ok()),
            serviceman_id: c.try_get("", "serviceman_id")?,
            serviceman_name: c.try_get("", "serviceman_name")?,
            relation: relation.as_deref().and_then(Relation::from_code),
            since: c.try_get("", "since")?,
        });
    }
    let svc = store
        .query_all(
            conn,
            "SELECT enlisted, discharged, branch, rank, unit FROM service_record WHERE person_id = $1 ORDER BY enlisted, id",
            [id.into()],
        )
        .await?;
    for s in svc {
        p.service.push(ServiceInput {
            enlisted: s.try_get("", "enlisted")?,
            discharged: s.try_get("", "discharged")?,
            branch: s.try_get("", "branch")?,
            rank: s.try_get("", "rank")?,
            unit: s.try_get("", "unit")?,
        });
    }
    Ok(p)
}

/// One person in scope.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<Person, StoreError> {
    let p = load(store, store.conn(), id).await?;
    if !scope.contains(&p.org_path) {
        return Err(StoreError::NotFound);
    }
    Ok(p)
}

/// Changes a person in scope. `version` is the one the form was loaded with: if somebody saved
/// in between, the change is refused rather than overwriting theirs.
pub async fn update(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    version: i64,
    input: PersonInput,
) -> Result<Person, StoreError> {
    validate(&input)?;
    let before = load(store, tx, id).await?;
    if !scope.contains(&before.org_path) {
        return Err(StoreError::NotFound);
    }
    if !scope.contains(&input.org_path) {
        return Err(StoreError::invalid("所属单位不在您的管辖范围内，请选择您有权管理的单位"));
    }
    if before.version != version {
        return Err(StoreError::Conflict("此记录已被他人修改，请刷新页面，在最新内容上重新修改".into()));
    }
    let crypto = store.crypto()?;
    let name = text::clean(&input.name);
    let keys = name_keys(&name);
    let mut sets: Vec<&str> = vec![
        "org_path = ?",
        "name = ?",
        "name_pinyin = ?",
        "name_initials = ?",
        "name_rev = ?",
        "ethnicity = ?",
        "registration = ?",
        "address = ?",
        "bank_name = ?",
        "status = ?",
        "status_date = ?",
        "status_reason = ?",
        "note = ?",
        "updated_at = ?",
    ];
    let mut params: Vec<Value> = vec![
        input.org_path.as_str().into(),
        name.clone().into(),
        keys.full.into(),
        keys.initials.into(),
        reversed(&name).into(),
        text::clean(&input.ethnicity).into(),
        input.registration.code().into(),
        text::clean(&input.address).into(),
        text::clean(&input.bank_name).into(),
        input.status.code().into(),
        input.status_date.into(),
        text::clean(&input.status_reason).into(),
        text::clean(&input.note).into(),
        now().into(),
    ];
    let mut birth = before.birth_date;
    if let Some(idn) = &input.id_number {
        let id_index = crypto.index("id", idn.as_str());
        if let Some((existing, other, org)) = find_by_index(store, tx, &id_index).await?
            && existing != id
        {
            return Err(StoreError::Duplicate {
                existing_id: existing,
                message: duplicate_message(scope, existing, &other, &org),
            });
        }
        birth = idn.birth_date();
        sets.extend([
            "id_sealed = ?",
            "id_index = ?",
            "id_tail4 = ?",
            "id_tail5 = ?",
            "id_tail6 = ?",
            "sex = ?",
            "birth_date = ?",
        ]);
        params.extend([
            crypto.seal("id_number", idn.as_str()).into(),
            id_index.into(),
            crypto.index("id_tail4", idn.tail(4)).into(),
            crypto.index("id_tail5", idn.tail(5)).into(),
            crypto.index("id_tail6", idn.tail(6)).into(),
            idn.sex().code().into(),
            idn.birth_date().into(),
        ]);
    }
    if let Some(p) = &input.phone {
        sets.extend(["phone_sealed = ?", "phone_index = ?"]);
        params.extend([crypto.seal("phone", p).into(), crypto.index("phone", p).into()]);
    }
    if let Some(a) = &input.bank_account {
        sets.push("bank_account_sealed = ?");
        params.push(crypto.seal("bank_account", a).into());
    }
    let mut sql = String::from("UPDATE person SET version = version + 1");
    for (i, set) in sets.iter().enumerate() {
        sql.push_str(", ");
        sql.push_str(&set.replace('?', &format!("${}", i + 1)));
    }
    params.push(id.into());
    sql.push_str(&format!(" WHERE id = ${}", params.len()));
    store.exec(tx, &sql, params).await?;
    write_details(store, tx, id, input.org_path.county(), &input.categories, &input.service).await?;
    flag_near_duplicates(store, tx, id, &name, birth, &input.org_path).await?;
    // Enrolments follow the record: a new grade or years of service is paid from the next cycle.
    crate::benefits::refresh_person(store, tx, id).await?;
    let after = load(store, tx, id).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "update",
            entity: "person",
            entity_id: id.to_string(),
            org_path: after.org_path.to_string(),
            summary: format!("修改优抚对象 {}（{}）", after.name, after.id_masked),
            before: Some(before.snapshot()),
            after: Some(after.snapshot()),
        },
    )
    .await?;
    Ok(after)
}

/// Which sensitive field to reveal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitive {
    IdNumber,
    Phone,
    BankAccount,
}

impl Sensitive {
    pub fn from_code(s: &str) -> Option<Sensitive> {
        match s {
            "id_number" => Some(Sensitive::IdNumber),
            "phone" => Some(Sensitive::Phone),
            "bank_account" => Some(Sensitive::BankAccount),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sensitive::IdNumber => "身份证号",
            Sensitive::Phone => "联系电话",
            Sensitive::BankAccount => "银行账号",
        }
    }

    fn column(self) -> (&'static str, &'static str) {
        match self {
            Sensitive::IdNumber => ("id_sealed", "id_number"),
            Sensitive::Phone => ("phone_sealed", "phone"),
            Sensitive::BankAccount => ("bank_account_sealed", "bank_account"),
        }
    }
}

/// The full value of a sensitive field, for a role that may see it; the look is audited in the
/// same transaction, so there is no reveal without its entry.
pub async fn reveal(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    field: Sensitive,
) -> Result<String, StoreError> {
    let p = load(store, tx, id).await?;
    if !scope.contains(&p.org_path) {
        return Err(StoreError::NotFound);
    }
    let (col, aad) = field.column();
    let row = store
        .query_one(tx, &format!("SELECT {col} AS v FROM person WHERE id = $1"), [id.into()])
        .await?
        .ok_or(StoreError::NotFound)?;
    let sealed: Option<Vec<u8>> = row.try_get("", "v")?;
    let value = match sealed {
        Some(s) => store.crypto()?.open(aad, &s)?,
        None => String::new(),
    };
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "reveal",
            entity: "person",
            entity_id: id.to_string(),
            org_path: p.org_path.to_string(),
            summary: format!("查看 {} 的完整{}", p.name, field.label()),
            before: None,
            after: None,
        },
    )
    .await?;
    Ok(value)
}

/// A list filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A unit inside the scope to narrow to (its subtree).
    pub unit: Option<OrgPath>,
    pub category: Option<Category>,
    pub status: Option<PersonStatus>,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    /// The search box.
    pub q: Option<String>,
    /// The day ages are counted on (today, normally).
    pub today: Option<NaiveDate>,
}

/// What the search box was understood as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    IdNumber(String),
    IdTail(String),
    Phone(String),
    Name(String),
    Pinyin(String),
}

/// Reads the search box: a whole ID number, the last 4–6 characters of one, a phone number,
/// Chinese characters (a name or part of it), or pinyin (full or initials, spaces allowed).
pub fn classify(q: &str) -> Option<Query> {
    let q = text::clean(q);
    if q.is_empty() {
        return None;
    }
    let compact: String = q.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let digits_x = compact.chars().all(|c| c.is_ascii_digit() || c == 'x' || c == 'X');
    if digits_x && (compact.len() == 18 || compact.len() == 15) {
        return Some(Query::IdNumber(compact.to_uppercase()));
    }
    if digits_x && (4..=6).contains(&compact.len()) {
        return Some(Query::IdTail(compact.to_uppercase()));
    }
    if compact.chars().all(|c| c.is_ascii_digit()) && (7..=12).contains(&compact.len()) {
        return Some(Query::Phone(compact));
    }
    if q.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)) {
        return Some(Query::Name(q));
    }
    let key = shuangyong_domain::pinyin::query_key(&q);
    (!key.is_empty()).then_some(Query::Pinyin(key))
}

/// The end of a prefix range: every string starting with `p` sorts in `[p, upper(p))`.
fn prefix_upper(p: &str) -> String {
    format!("{p}\u{10ffff}")
}

/// People in scope matching a filter, best matches first, one page, with the total. A search
/// term is ranked in tiers (see [`search`]) and counted up to [`SEARCH_COUNT_CAP`]; a list without
/// one is counted exactly and sorted by pinyin.
pub async fn list(
    store: &Store,
    scope: &Scope,
    filter: &Filter,
    page: Page,
) -> Result<(Vec<PersonRow>, Total), StoreError> {
    list_up_to(store, scope, filter, page, Some(SEARCH_COUNT_CAP)).await
}

/// [`list`] without the cap on a search's count, for an export of everything a search found.
pub(crate) async fn list_uncapped(
    store: &Store,
    scope: &Scope,
    filter: &Filter,
    page: Page,
) -> Result<(Vec<PersonRow>, Total), StoreError> {
    list_up_to(store, scope, filter, page, None).await
}

/// The scope and the filters other than the search box, as conditions on `person p`, with their
/// parameters numbered from $1.
fn conditions(scope: &Scope, filter: &Filter, searching: bool) -> (Vec<String>, Vec<Value>) {
    // A search term has an index of its own, far narrower than a county's or township's people:
    // beside one, scope and unit are written so that no index serves them.
    let in_unit = |s: &Scope, first: usize| {
        if searching { s.sql_unindexed("p.org_path", first) } else { s.sql("p.org_path", first) }
    };
    let (cond, vals) = in_unit(scope, 1);
    let mut wh = vec![cond];
    let mut params: Vec<Value> = vals.into();
    let add = |sql: &str, vs: Vec<Value>, params: &mut Vec<Value>, wh: &mut Vec<String>| {
        let mut s = sql.to_owned();
        for v in vs {
            params.push(v);
            s = s.replacen('?', &format!("${}", params.len()), 1);
        }
        wh.push(s);
    };
    if let Some(u) = &filter.unit {
        let (cond, v) = in_unit(&Scope::new(u.clone()), params.len() + 1);
        params.extend(v);
        wh.push(cond);
    }
    if let Some(c) = filter.category {
        add(
            "EXISTS (SELECT 1 FROM person_category pc WHERE pc.person_id = p.id AND pc.category = ?)",
            vec![c.code().into()],
            &mut params,
            &mut wh,
        );
    }
    if let Some(s) = filter.status {
        add("p.status = ?", vec![s.code().into()], &mut params, &mut wh);
    }
    let today = filter.today.unwrap_or_else(|| shuangyong_domain::clock::today(now()));
    if let Some(min) = filter.min_age {
        // Born on or before today minus `min` years.
        let latest = today.with_year(today.year() - min as i32).unwrap_or(today);
        add("p.birth_date <= ?", vec![latest.into()], &mut params, &mut wh);
    }
    if let Some(max) = filter.max_age {
        // Younger than max + 1 years.
        let earliest = today.with_year(today.year() - max as i32 - 1).unwrap_or(today).succ_opt().unwrap_or(today);
        add("p.birth_date >= ?", vec![earliest.into()], &mut params, &mut wh);
    }
    (wh, params)
}

/// The columns of a list row.
const ROW_COLUMNS: &str = "p.id, p.org_path, p.name, p.id_sealed, p.sex, p.birth_date, p.status";
/// A row's category codes, comma-separated in the order they were given (`string_agg` with
/// ORDER BY: PostgreSQL, and SQLite since 3.44), so a page is one statement, not one more.
const CATEGORIES: &str =
    "(SELECT string_agg(pc.category, ',' ORDER BY pc.id) FROM person_category pc WHERE pc.person_id = p.id)";

async fn list_up_to(
    store: &Store,
    scope: &Scope,
    filter: &Filter,
    page: Page,
    cap: Option<i64>,
) -> Result<(Vec<PersonRow>, Total), StoreError> {
    let typed = filter.q.as_deref().filter(|q| !q.trim().is_empty());
    let understood = typed.and_then(classify);
    if typed.is_some() && understood.is_none() {
        // Something was typed that cannot match a name, pinyin, ID or phone: nothing matches.
        return Ok((Vec::new(), Total::exact(0)));
    }
    let (wh, mut params) = conditions(scope, filter, typed.is_some());
    let wh = wh.join(" AND ");
    let (rows, total) = match understood {
        Some(q) => search::run(store, &wh, params, &q, page.offset(), page.limit(), cap).await?,
        None => {
            let total = store
                .count_of(store.conn(), &format!("SELECT COUNT(*) AS n FROM person p WHERE {wh}"), params.clone())
                .await?;
            let n = params.len();
            params.push(page.limit().into());
            params.push(page.offset().into());
            let rows = store
                .query_all(
                    store.conn(),
                    &format!(
                        "SELECT {ROW_COLUMNS}, {CATEGORIES} AS categories FROM person p WHERE {wh} \
                         ORDER BY p.name_pinyin, p.id LIMIT ${} OFFSET ${}",
                        n + 1,
                        n + 2
                    ),
                    params,
                )
                .await?;
            (rows, Total::exact(total))
        }
    };
    let crypto = store.crypto()?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let sealed: Vec<u8> = r.try_get("", "id_sealed")?;
        let idn = crypto.open("id_number", &sealed)?;
        let sex: String = r.try_get("", "sex")?;
        let status: String = r.try_get("", "status")?;
        let categories: Option<String> = r.try_get("", "categories")?;
        out.push(PersonRow {
            id: r.try_get("", "id")?,
            org_path: r.try_get("", "org_path")?,
            name: r.try_get("", "name")?,
            id_masked: IdNumber::parse(&idn).map(|i| i.masked()).unwrap_or_default(),
            sex: parse_sex(&sex)?,
            birth_date: r.try_get("", "birth_date")?,
            status: PersonStatus::from_code(&status).ok_or_else(|| bad("status", &status))?,
            categories: categories.iter().flat_map(|c| c.split(',')).filter_map(Category::from_code).collect(),
        });
    }
    Ok((out, total))
}

/// The change history of a person in scope: the audit entries about them, newest first.
pub async fn history(store: &Store, scope: &Scope, id: i64) -> Result<Vec<audit::Entry>, StoreError> {
    get(store, scope, id).await?;
    let mut entries = audit::for_entity(store, "person", &id.to_string()).await?;
    // People registered by an import carry that batch's entry.
    let batch: Option<i64> = store
        .query_one(store.conn(), "SELECT import_batch FROM person WHERE id = $1", [id.into()])
        .await?
        .map(|r| r.try_get("", "import_batch"))
        .transpose()?
        .flatten();
    if let Some(b) = batch {
        entries.extend(audit::for_entity(store, "import_batch", &b.to_string()).await?);
        entries.sort_by_key(|e| std::cmp::Reverse(e.seq));
    }
    Ok(entries)
}
