//! 医疗救助 pages: funds (received, paid, committed, balance, claims), claims with their computed
//! aid and its reasons, approval that draws from the fund, rejection with a reason, evidence.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use shuangyong_domain::OrgPath;
use shuangyong_domain::cases::{AidRule, ClaimState};
use shuangyong_store::cases::attachment::{self, Attachment, CaseKind};
use shuangyong_store::cases::medical::{self, Claim, ClaimFilter, ClaimInput, Fund, FundInput};
use shuangyong_store::org::{OrgUnit, Page};

use super::{TRAIL, after_form, date_field, id_field, money, this_year, unit_name, units, year_of};
use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;
use crate::layout::{Layout, Pager, query_string};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cases/medical", get(funds))
        .route("/cases/medical/funds", post(create_fund))
        .route("/cases/medical/funds/{id}", get(fund))
        .route("/cases/medical/funds/{id}/receipts", post(receipt))
        .route("/cases/medical/claims", get(claims).post(submit))
        .route("/cases/medical/claims/new", get(new_claim))
        .route("/cases/medical/claims/export.xlsx", get(export))
        .route("/cases/medical/claims/{id}", get(claim))
        .route("/cases/medical/claims/{id}/approve", post(approve))
        .route("/cases/medical/claims/{id}/reject", post(reject))
        .route("/cases/medical/claims/{id}/attachments", post(upload).layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT)))
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/funds.html")]
struct FundsPage {
    layout: Layout,
    funds: Vec<Fund>,
    units: Vec<OrgUnit>,
    may_create: bool,
    year: i32,
}

async fn funds(State(state): State<AppState>, auth: Auth) -> Result<FundsPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let funds = medical::funds(&state.store, &auth.scope()).await?;
    let (units, _) = units(&state, &auth).await?;
    let layout = Layout::new(&state, &auth.ctx, "cases", TRAIL, "医疗救助基金").await?;
    Ok(FundsPage {
        layout,
        funds,
        units: units.into_iter().filter(|u| u.path.depth() <= 2).collect(),
        may_create: auth.user.role.is_manager(),
        year: this_year(),
    })
}

/// The fund form (also the API's body).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FundForm {
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub source: String,
    /// 元
    #[serde(default)]
    pub received: String,
    /// Percent of the self-paid part, e.g. 50.
    #[serde(default)]
    pub share_percent: String,
    /// 元 per person and year.
    #[serde(default)]
    pub yearly_cap: String,
}

impl FundForm {
    pub fn parse(&self) -> Result<FundInput, AppError> {
        let share = shuangyong_domain::cases::parse_yuan(&self.share_percent)
            .map_err(|_| AppError::invalid("救助比例应为百分数，如 50 或 62.5"))?;
        Ok(FundInput {
            org_path: OrgPath::parse(&self.unit).map_err(|_| AppError::invalid("请选择基金所属单位"))?,
            year: year_of(&self.year)?.ok_or_else(|| AppError::invalid("请填写年度，如 2024"))?,
            name: self.name.clone(),
            source: self.source.clone(),
            received_fen: money(&self.received, "到位资金", false)?,
            // parse_yuan gives hundredths: 50 → 5000 = 50.00% in basis points.
            rule: AidRule {
                share_bp: u32::try_from(share).unwrap_or(u32::MAX),
                yearly_cap_fen: money(&self.yearly_cap, "每人每年上限", false)?,
            },
        })
    }
}

async fn create_fund(State(state): State<AppState>, auth: Auth, Form(f): Form<FundForm>) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_manager())?;
    let result = async {
        let input = f.parse()?;
        let tx = state.store.begin_write().await?;
        let id = medical::create_fund(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await?;
        tx.commit().await?;
        Ok(("已设立医疗救助基金".to_owned(), format!("/cases/medical/funds/{id}")))
    }
    .await;
    after_form(&state, &auth, result, "/cases/medical").await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClaimQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub fund: String,
    #[serde(default)]
    pub year: String,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl ClaimQuery {
    pub fn filter(&self) -> Result<ClaimFilter, AppError> {
        Ok(ClaimFilter {
            unit: OrgPath::parse(&self.unit).ok(),
            state: ClaimState::from_code(&self.state),
            fund_id: self.fund.trim().parse().ok(),
            year: year_of(&self.year)?,
            q: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
        })
    }

    pub fn query_string(&self) -> String {
        query_string(&[
            ("q", &self.q),
            ("unit", &self.unit),
            ("state", &self.state),
            ("fund", &self.fund),
            ("year", &self.year),
        ])
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/fund.html")]
struct FundPage {
    layout: Layout,
    may_receive: bool,
    f: Fund,
    rows: Vec<Claim>,
    pager: Pager,
}

async fn fund(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<ClaimQuery>,
) -> Result<FundPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let f = medical::get_fund(&state.store, &auth.scope(), id).await?;
    let page = Page::new(q.page, q.per_page);
    let filter = ClaimFilter { fund_id: Some(id), ..Default::default() };
    let (rows, total) = medical::claims(&state.store, &auth.scope(), &filter, page).await?;
    let layout =
        Layout::new(&state, &auth.ctx, "cases", &[TRAIL[0], ("医疗救助", "/cases/medical")], f.name.clone()).await?;
    Ok(FundPage {
        layout,
        may_receive: auth.user.role.is_manager() && auth.scope().contains(&f.org_path),
        f,
        rows,
        pager: Pager::new(page, total, ""),
    })
}

#[derive(Debug, Deserialize)]
struct ReceiptForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    note: String,
}

/// More money received by a fund.
async fn receipt(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<ReceiptForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_manager())?;
    medical::get_fund(&state.store, &auth.scope(), id).await?;
    let back = format!("/cases/medical/funds/{id}");
    let result = async {
        let amount = money(&f.amount, "到位金额", false)?;
        let tx = state.store.begin_write().await?;
        let fund =
            medical::add_receipt(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, amount, &f.note).await?;
        tx.commit().await?;
        Ok((format!("已登记到位资金，余额 {} 元", fund.balance()), back.clone()))
    }
    .await;
    after_form(&state, &auth, result, &back).await
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/claims.html")]
struct ClaimsPage {
    layout: Layout,
    q: ClaimQuery,
    error: Option<String>,
    rows: Vec<Claim>,
    units: Vec<OrgUnit>,
    funds: Vec<Fund>,
    pager: Pager,
    states: &'static [ClaimState],
    may_edit: bool,
}

async fn claims(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ClaimQuery>,
) -> Result<ClaimsPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let page = Page::new(q.page, q.per_page);
    let (rows, total, error) = match q.filter() {
        Ok(f) => {
            let (rows, total) = medical::claims(&state.store, &auth.scope(), &f, page).await?;
            (rows, total, None)
        }
        Err(e) => (Vec::new(), 0, Some(e.to_string())),
    };
    let (units, _) = units(&state, &auth).await?;
    let funds = medical::funds(&state.store, &auth.scope()).await?;
    let layout =
        Layout::new(&state, &auth.ctx, "cases", &[TRAIL[0], ("医疗救助", "/cases/medical")], "救助申请").await?;
    Ok(ClaimsPage {
        layout,
        pager: Pager::new(page, total, &q.query_string()),
        q,
        error,
        rows,
        units,
        funds,
        states: &ClaimState::ALL,
        may_edit: auth.user.role.may_edit_people(),
    })
}

async fn export(State(state): State<AppState>, auth: Auth, Query(q): Query<ClaimQuery>) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let rows = medical::all_claims(&state.store, &auth.scope(), &q.filter()?).await?;
    super::export_list(
        &state,
        &auth,
        ("medical_claim", "医疗救助申请", medical::EXPORT_HEADERS),
        &rows,
        |c| &c.org_path,
        medical::export_row,
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/claim_new.html")]
struct NewClaimPage {
    layout: Layout,
    person: String,
    funds: Vec<Fund>,
}

#[derive(Deserialize)]
struct PersonQuery {
    #[serde(default)]
    person: String,
}

async fn new_claim(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<PersonQuery>,
) -> Result<NewClaimPage, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let funds = medical::funds(&state.store, &auth.scope()).await?;
    let layout =
        Layout::new(&state, &auth.ctx, "cases", &[TRAIL[0], ("医疗救助", "/cases/medical")], "受理救助申请").await?;
    Ok(NewClaimPage { layout, person: q.person, funds })
}

/// The claim form (also the API's body).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ClaimForm {
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub fund_id: String,
    #[serde(default)]
    pub hospital: String,
    #[serde(default)]
    pub admitted_on: String,
    #[serde(default)]
    pub discharged_on: String,
    /// 元
    #[serde(default)]
    pub total: String,
    /// 元
    #[serde(default)]
    pub insurance: String,
}

impl ClaimForm {
    pub fn parse(&self) -> Result<ClaimInput, AppError> {
        Ok(ClaimInput {
            person_id: id_field(&self.person_id, "人员编号")?,
            fund_id: id_field(&self.fund_id, "救助基金")?,
            hospital: self.hospital.clone(),
            admitted_on: date_field(&self.admitted_on, "入院日期")?,
            discharged_on: date_field(&self.discharged_on, "出院日期")?,
            total_fen: money(&self.total, "住院总费用", false)?,
            insurance_fen: money(&self.insurance, "医保报销", true)?,
        })
    }
}

async fn submit(State(state): State<AppState>, auth: Auth, Form(f): Form<ClaimForm>) -> Result<Response, AppError> {
    auth.require(auth.user.role.may_edit_people())?;
    let result = async {
        let input = f.parse()?;
        let tx = state.store.begin_write().await?;
        let c = medical::submit(&state.store, &tx, &auth.user.actor(), &auth.scope(), input).await?;
        tx.commit().await?;
        Ok((
            format!("已受理 {} 的申请，核定救助 {} 元，待审核批准", c.person_name, c.aid()),
            format!("/cases/medical/claims/{}", c.id),
        ))
    }
    .await;
    let back = super::back_to_new("/cases/medical/claims/new", &f.person_id);
    after_form(&state, &auth, result, &back).await
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/claim.html")]
struct ClaimPage {
    layout: Layout,
    c: Claim,
    unit: String,
    files: Vec<Attachment>,
    may_decide: bool,
    may_edit: bool,
    max_mb: usize,
}

async fn claim(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<ClaimPage, AppError> {
    auth.require(auth.user.role.may_read_people())?;
    let c = medical::get_claim(&state.store, &auth.scope(), id).await?;
    let files = attachment::list(&state.store, &auth.scope(), CaseKind::Medical, id).await?;
    let (_, names) = units(&state, &auth).await?;
    let layout = Layout::new(
        &state,
        &auth.ctx,
        "cases",
        &[TRAIL[0], ("救助申请", "/cases/medical/claims")],
        format!("{} 的医疗救助申请", c.person_name),
    )
    .await?;
    Ok(ClaimPage {
        layout,
        unit: unit_name(&names, &c.org_path),
        c,
        files,
        may_decide: auth.user.role.is_manager(),
        may_edit: auth.user.role.may_edit_people(),
        max_mb: attachment::MAX_BYTES >> 20,
    })
}

async fn approve(State(state): State<AppState>, auth: Auth, Path(id): Path<i64>) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_manager())?;
    medical::get_claim(&state.store, &auth.scope(), id).await?;
    let result = async {
        let tx = state.store.begin_write().await?;
        let c = medical::approve(&state.store, &tx, &auth.user.actor(), &auth.scope(), id).await?;
        tx.commit().await?;
        Ok((format!("已批准，{} 元已从基金中支出", c.aid()), format!("/cases/medical/claims/{id}")))
    }
    .await;
    after_form(&state, &auth, result, &format!("/cases/medical/claims/{id}")).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RejectForm {
    #[serde(default)]
    pub reason: String,
}

async fn reject(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Form(f): Form<RejectForm>,
) -> Result<Response, AppError> {
    auth.require(auth.user.role.is_manager())?;
    medical::get_claim(&state.store, &auth.scope(), id).await?;
    let result = async {
        let tx = state.store.begin_write().await?;
        medical::reject(&state.store, &tx, &auth.user.actor(), &auth.scope(), id, &f.reason).await?;
        tx.commit().await?;
        Ok(("已驳回申请，理由已记录".to_owned(), format!("/cases/medical/claims/{id}")))
    }
    .await;
    after_form(&state, &auth, result, &format!("/cases/medical/claims/{id}")).await
}

async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, AppError> {
    super::upload_to(&state, &auth, CaseKind::Medical, id, form).await
}
