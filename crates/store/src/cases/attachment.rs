//! Evidence files (证明材料) of housing cases and medical claims. A file is accepted only when its
//! content is a PDF, JPEG, PNG, XLSX or DOCX within the size limit; it is kept with its SHA-256,
//! and served only to users whose scope covers the case it belongs to.

use chrono::{DateTime, Utc};
use sea_orm::QueryResult;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use shuangyong_domain::cases::{FileKind, check_attachment, clean_file_name};

use super::parse_path;
use crate::audit::{self, Actor, Change};
use crate::{Scope, Store, StoreError, Tx, now};

/// The largest evidence file accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// What an attachment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CaseKind {
    Housing,
    Medical,
}

impl CaseKind {
    pub fn code(self) -> &'static str {
        match self {
            CaseKind::Housing => "housing",
            CaseKind::Medical => "medical",
        }
    }

    pub fn from_code(s: &str) -> Option<CaseKind> {
        match s {
            "housing" => Some(CaseKind::Housing),
            "medical" => Some(CaseKind::Medical),
            _ => None,
        }
    }

    fn table(self) -> &'static str {
        match self {
            CaseKind::Housing => "housing_case",
            CaseKind::Medical => "medical_claim",
        }
    }

    /// The page of the case.
    pub fn href(self, id: i64) -> String {
        match self {
            CaseKind::Housing => format!("/cases/housing/{id}"),
            CaseKind::Medical => format!("/cases/medical/claims/{id}"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub id: i64,
    pub case_kind: CaseKind,
    pub case_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub created_at: DateTime<Utc>,
}

impl Attachment {
    /// When it was uploaded, Beijing time.
    pub fn uploaded_at(&self) -> String {
        shuangyong_domain::clock::beijing(self.created_at).format("%Y-%m-%d %H:%M").to_string()
    }

    pub fn size_label(&self) -> String {
        if self.size_bytes >= 1 << 20 {
            format!("{:.1} MB", self.size_bytes as f64 / 1_048_576.0)
        } else {
            format!("{} KB", (self.size_bytes + 1023) / 1024)
        }
    }
}

const COLUMNS: &str = "id, case_kind, case_id, file_name, content_type, size_bytes, sha256, uploaded_by, created_at";

fn row(r: &QueryResult) -> Result<Attachment, StoreError> {
    let kind: String = r.try_get("", "case_kind")?;
    Ok(Attachment {
        id: r.try_get("", "id")?,
        case_kind: CaseKind::from_code(&kind).ok_or_else(|| anyhow::anyhow!("stored kind {kind}"))?,
        case_id: r.try_get("", "case_id")?,
        file_name: r.try_get("", "file_name")?,
        content_type: r.try_get("", "content_type")?,
        size_bytes: r.try_get("", "size_bytes")?,
        sha256: r.try_get("", "sha256")?,
        uploaded_by: r.try_get("", "uploaded_by")?,
        created_at: r.try_get("", "created_at")?,
    })
}

/// The unit of a case, checked against the scope (NotFound outside it).
async fn case_path<C: sea_orm::ConnectionTrait>(
    store: &Store,
    conn: &C,
    scope: &Scope,
    kind: CaseKind,
    case_id: i64,
) -> Result<String, StoreError> {
    let r = store
        .query_one(conn, &format!("SELECT org_path FROM {} WHERE id = $1", kind.table()), [case_id.into()])
        .await?
        .ok_or(StoreError::NotFound)?;
    let path: String = r.try_get("", "org_path")?;
    if !scope.contains(&parse_path(&path)?) {
        return Err(StoreError::NotFound);
    }
    Ok(path)
}

/// Checks and stores a file for a case in scope.
#[allow(clippy::too_many_arguments)]
pub async fn attach(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    kind: CaseKind,
    case_id: i64,
    file_name: &str,
    bytes: &[u8],
) -> Result<Attachment, StoreError> {
    let org_path = case_path(store, tx, scope, kind, case_id).await?;
    let file_kind = check_attachment(bytes, MAX_BYTES).map_err(StoreError::Invalid)?;
    let name = clean_file_name(file_name, file_kind);
    let sha = hex::encode(Sha256::digest(bytes));
    let id: i64 = store
        .query_one(
            tx,
            "INSERT INTO case_attachment (county, org_path, case_kind, case_id, file_name, content_type, size_bytes, sha256, \
             data, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            [
                org_path.split('/').next().unwrap_or_default().into(),
                org_path.clone().into(),
                kind.code().into(),
                case_id.into(),
                name.clone().into(),
                file_kind.mime().into(),
                (bytes.len() as i64).into(),
                sha.clone().into(),
                bytes.to_vec().into(),
                actor.name.clone().into(),
                now().into(),
            ],
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?
        .try_get("", "id")?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "attach",
            entity: kind.table(),
            entity_id: case_id.to_string(),
            org_path,
            summary: format!("上传证明材料“{name}”（{} 字节）", bytes.len()),
            before: None,
            after: Some(json!({"attachment_id": id, "sha256": sha, "content_type": file_kind.mime()})),
        },
    )
    .await?;
    let r = store
        .query_one(tx, &format!("SELECT {COLUMNS} FROM case_attachment WHERE id = $1"), [id.into()])
        .await?
        .ok_or_else(|| anyhow::anyhow!("attachment vanished"))?;
    row(&r)
}

/// The files of a case in scope.
pub async fn list(store: &Store, scope: &Scope, kind: CaseKind, case_id: i64) -> Result<Vec<Attachment>, StoreError> {
    case_path(store, store.conn(), scope, kind, case_id).await?;
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT {COLUMNS} FROM case_attachment WHERE case_kind = $1 AND case_id = $2 ORDER BY id"),
            [kind.code().into(), case_id.into()],
        )
        .await?;
    rows.iter().map(row).collect()
}

/// A file and its content, if the case it belongs to lies in the scope; the content is checked
/// against its stored hash before it is served.
pub async fn fetch(store: &Store, scope: &Scope, id: i64) -> Result<(Attachment, Vec<u8>), StoreError> {
    let r = store
        .query_one(store.conn(), &format!("SELECT {COLUMNS}, data FROM case_attachment WHERE id = $1"), [id.into()])
        .await?
        .ok_or(StoreError::NotFound)?;
    let a = row(&r)?;
    // Scope by the case as it is now, not by the copy of its unit kept with the file.
    case_path(store, store.conn(), scope, a.case_kind, a.case_id).await?;
    let data: Vec<u8> = r.try_get("", "data")?;
    if hex::encode(Sha256::digest(&data)) != a.sha256 {
        return Err(anyhow::anyhow!("attachment {id}: content does not match its SHA-256").into());
    }
    if FileKind::from_mime(&a.content_type).is_none() {
        return Err(anyhow::anyhow!("attachment {id}: stored type {}", a.content_type).into());
    }
    Ok((a, data))
}

/// [`fetch`] for a user, leaving an audit entry: evidence holds medical and household details,
/// so who opened which file is kept like a reveal.
pub async fn open(store: &Store, actor: &Actor, scope: &Scope, id: i64) -> Result<(Attachment, Vec<u8>), StoreError> {
    let (a, data) = fetch(store, scope, id).await?;
    let tx = store.begin_write().await?;
    let org_path = case_path(store, &tx, scope, a.case_kind, a.case_id).await?;
    audit::append(
        store,
        &tx,
        actor,
        Change {
            action: "download",
            entity: a.case_kind.table(),
            entity_id: a.case_id.to_string(),
            org_path,
            summary: format!("查看证明材料“{}”", a.file_name),
            before: None,
            after: Some(json!({"attachment_id": a.id})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((a, data))
}
