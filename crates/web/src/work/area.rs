//! The landing page of each work area — its record types with yearly totals — and the
//! 五纳入五统一 checklist of a year, where a missing item shows plainly.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;
use shuangyong_domain::work::{self, FieldKind, KINDS, Kind, amount_display};
use shuangyong_domain::{OrgPath, clock};
use shuangyong_store::now;
use shuangyong_store::org::{self, OrgUnit};
use shuangyong_store::work::totals::{self, ChecklistItem};

use super::{AREAS, area_home, area_label, base};
use crate::AppState;
use crate::ctx::Auth;
use crate::error::AppError;
use crate::layout::Layout;

pub fn router() -> Router<AppState> {
    let mut r = Router::new().route("/org/measures/checklist", get(checklist));
    for (area, _, home) in AREAS.iter().copied() {
        r = r.route(home, get(move |s: State<AppState>, a: Auth| landing(area, s, a)));
    }
    r
}

/// One record type on its area's page: yearly records and sums.
pub struct Section {
    pub kind: &'static Kind,
    pub base: String,
    /// Labels of the summed fields.
    pub heads: Vec<String>,
    /// (year, records, sums as read).
    pub years: Vec<(i32, i64, Vec<String>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "work/area.html")]
struct AreaPage {
    layout: Layout,
    area: &'static str,
    sections: Vec<Section>,
    national_rounds: Option<i64>,
}

async fn landing(area: &'static str, State(state): State<AppState>, auth: Auth) -> Result<AreaPage, AppError> {
    let scope = auth.scope();
    let this = chrono::Datelike::year(&clock::today(now()));
    let mut sections = Vec::new();
    for kind in KINDS.iter().copied().filter(|k| k.area == area) {
        let summed: Vec<&work::Field> =
            kind.fields.iter().filter(|f| matches!(f.kind, FieldKind::Count | FieldKind::Amount(_))).collect();
        // Amounts in a unit read from each record (元, 亩) are summed per unit on the type's own page.
        let summed: Vec<&work::Field> = summed.into_iter().filter(|f| f.kind != FieldKind::Amount(None)).collect();
        let rows = totals::by_year(&state.store, &scope, kind, (this - 4)..=this, &[]).await?;
        sections.push(Section {
            kind,
            base: base(kind),
            heads: summed.iter().map(|f| f.label.to_owned()).collect(),
            years: rows
                .iter()
                .rev()
                .map(|t| {
                    let sums = summed
                        .iter()
                        .map(|f| match f.kind {
                            FieldKind::Amount(_) => amount_display(t.sum(f.name)),
                            _ => t.sum(f.name).to_string(),
                        })
                        .collect();
                    (t.year, t.records, sums)
                })
                .collect(),
        });
    }
    let national_rounds =
        if area == "org" { Some(totals::consecutive_national_rounds(&state.store, &scope, this).await?) } else { None };
    let layout = Layout::new(&state, &auth.ctx, area, &[], area_label(area)).await?;
    Ok(AreaPage { layout, area, sections, national_rounds })
}

#[derive(Debug, Default, Deserialize)]
struct ChecklistQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    unit: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "work/checklist.html")]
struct ChecklistPage {
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    unit: OrgUnit,
    units: Vec<OrgUnit>,
    items: Vec<ChecklistItem>,
    missing: usize,
    may_write: bool,
}

async fn checklist(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ChecklistQuery>,
) -> Result<ChecklistPage, AppError> {
    let scope = auth.scope();
    let this = chrono::Datelike::year(&clock::today(now()));
    let year = q.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).unwrap_or(this);
    let unit_path = OrgPath::parse(q.unit.trim()).unwrap_or_else(|_| scope.root().clone());
    let unit = org::get(&state.store, &scope, &unit_path).await?;
    let items = totals::checklist(&state.store, &scope, &unit_path, year).await?;
    let missing = items.iter().filter(|i| !i.done()).count();
    let t = [(area_label("org"), area_home("org")), ("五纳入五统一", "/org/measures")];
    let layout = Layout::new(&state, &auth.ctx, "org", &t, format!("{year}年五纳入五统一落实情况")).await?;
    Ok(ChecklistPage {
        layout,
        year,
        years: super::years(),
        unit,
        units: org::list(&state.store, &scope).await?,
        items,
        missing,
        may_write: work::MEASURES.may_write(auth.user.role),
    })
}
