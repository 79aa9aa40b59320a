//! Files attached to work records: minutes of a meeting, evidence of a checklist item or a plan
//! item. A file belongs to its record's unit, is read within scope like the record, and each
//! attachment is an audit entry with the file's SHA-256.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use shuangyong_domain::work::Kind;

use crate::audit::{self, Actor, Change};
use crate::{Scope, Store, StoreError, Tx, now};

/// The largest file a record takes.
pub const MAX_FILE: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FileInfo {
    pub id: i64,
    pub record_id: i64,
    pub file_name: String,
    pub size: i64,
    pub sha256: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, record_id, file_name, size, sha256, created_by, created_at";

fn from_row(r: &sea_orm::QueryResult) -> Result<FileInfo, StoreError> {
    Ok(FileInfo {
        id: r.try_get("", "id")?,
        record_id: r.try_get("", "record_id")?,
        file_name: r.try_get("", "file_name")?,
        size: r.try_get("", "size")?,
        sha256: r.try_get("", "sha256")?,
        created_by: r.try_get("", "created_by")?,
        created_at: r.try_get("", "created_at")?,
    })
}

/// A file name safe to keep and to send back: no directories, no control characters.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let name: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(120).collect();
    if name.trim().is_empty() { "附件".to_owned() } else { name.trim().to_owned() }
}

/// Attaches a file to a record the caller may change (in scope).
#[allow(clippy::too_many_arguments)]
pub async fn attach(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    kind: &'static Kind,
    record_id: i64,
    file_name: &str,
    bytes: &[u8],
) -> Result<FileInfo, StoreError> {
    let rec = super::get(store, scope, kind, record_id).await?;
    if !scope.contains(&rec.org_path) {
        return Err(StoreError::NotFound);
    }
    if bytes.is_empty() {
        return Err(StoreError::invalid("文件是空的，请选择要上传的文件"));
    }
    if bytes.len() > MAX_FILE {
        return Err(StoreError::invalid(format!("文件不能超过 {} MB，请压缩或拆分后再上传", MAX_FILE >> 20)));
    }
    let name = clean_name(file_name);
    let sha = hex::encode(Sha256::digest(bytes));
    let row = store
        .query_one(
            tx,
            &format!(
                "INSERT INTO work_file (county, org_path, entity, record_id, file_name, size, sha256, content, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {COLUMNS}"
            ),
            [
                rec.org_path.county().into(),
                rec.org_path.as_str().into(),
                kind.table.into(),
                record_id.into(),
                name.clone().into(),
                (bytes.len() as i64).into(),
                sha.clone().into(),
                bytes.to_vec().into(),
                actor.name.clone().into(),
                now().into(),
            ],
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?;
    let info = from_row(&row)?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "attach",
            entity: kind.table,
            entity_id: record_id.to_string(),
            org_path: rec.org_path.to_string(),
            summary: format!("为{}“{}”上传附件 {name}", kind.label, rec.title()),
            before: None,
            after: Some(json!({"file_id": info.id, "file_name": name, "size": bytes.len(), "sha256": sha})),
        },
    )
    .await?;
    Ok(info)
}

/// The files of a record readable in scope, oldest first.
pub async fn list(
    store: &Store,
    scope: &Scope,
    kind: &'static Kind,
    record_id: i64,
) -> Result<Vec<FileInfo>, StoreError> {
    super::get(store, scope, kind, record_id).await?;
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT {COLUMNS} FROM work_file WHERE entity = $1 AND record_id = $2 ORDER BY id"),
            [kind.table.into(), record_id.into()],
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// One file of a record readable in scope, with its bytes.
pub async fn get(
    store: &Store,
    scope: &Scope,
    kind: &'static Kind,
    record_id: i64,
    file_id: i64,
) -> Result<(FileInfo, Vec<u8>), StoreError> {
    super::get(store, scope, kind, record_id).await?;
    let row = store
        .query_one(
            store.conn(),
            &format!("SELECT {COLUMNS}, content FROM work_file WHERE id = $1 AND entity = $2 AND record_id = $3"),
            [file_id.into(), kind.table.into(), record_id.into()],
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((from_row(&row)?, row.try_get("", "content")?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_lose_directories_and_control_characters() {
        assert_eq!(super::clean_name("C:\\文件\\纪要.pdf"), "纪要.pdf");
        assert_eq!(super::clean_name("../../etc/passwd"), "passwd");
        assert_eq!(super::clean_name("a\"b\n.txt"), "ab.txt");
        assert_eq!(super::clean_name(""), "附件");
    }
}
