//! Online backup and restore of a SQLite database. PostgreSQL has its own tools (pg_dump,
//! pg_basebackup); the command line says so rather than pretending.

use std::path::{Path, PathBuf};

use crate::{Backend, Store, StoreError};

/// The message for PostgreSQL users.
pub const POSTGRES_HINT: &str = "PostgreSQL 数据库请使用 pg_dump（逻辑备份）或 pg_basebackup（物理备份）备份，用 pg_restore / psql 恢复；本命令只用于 SQLite 数据库文件。";

/// Writes a consistent copy of the live database to `dest` with `VACUUM INTO`, which reads one
/// snapshot while others keep writing. Refuses to overwrite an existing file.
pub async fn backup(store: &Store, dest: &Path) -> Result<(), StoreError> {
    if store.backend() != Backend::Sqlite {
        return Err(StoreError::invalid(POSTGRES_HINT));
    }
    if dest.exists() {
        return Err(StoreError::invalid(format!(
            "备份文件 {} 已存在，请换一个文件名，以免覆盖旧的备份",
            dest.display()
        )));
    }
    let dest = dest.to_str().ok_or_else(|| StoreError::invalid("备份文件路径须为 UTF-8 字符"))?;
    store.exec(store.conn(), "VACUUM INTO $1", [dest.into()]).await?;
    Ok(())
}

/// The file behind a `sqlite://` URL.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next()?;
    (!file.is_empty() && file != ":memory:").then(|| PathBuf::from(file))
}

/// Replaces the database at `url` with the backup `src`, after checking that the backup opens,
/// is a shuangyong database and its audit chain verifies. The server must be stopped first.
pub async fn restore(src: &Path, url: &str) -> Result<crate::audit::Verdict, StoreError> {
    let target = sqlite_file(url).ok_or_else(|| StoreError::invalid(POSTGRES_HINT))?;
    if !src.is_file() {
        return Err(StoreError::invalid(format!("找不到备份文件 {}，请检查路径", src.display())));
    }
    // Check the backup before touching anything.
    let probe = Store::connect(&format!("sqlite://{}", src.display())).await?;
    let version = probe
        .schema_version()
        .await
        .map_err(|_| StoreError::invalid(format!("{} 不是本系统的备份文件，未做任何改动", src.display())))?;
    let verdict = crate::audit::verify(&probe).await?;
    probe.close().await?;
    if version == 0 {
        return Err(StoreError::invalid("备份文件中没有数据库结构，未做任何改动"));
    }
    if let crate::audit::Verdict::Broken { .. } = verdict {
        return Err(StoreError::invalid(format!("备份文件的审计日志校验未通过（{verdict}），未做任何改动")));
    }
    // Copy beside the target, then rename over it, so a crash leaves either the old or the new.
    let tmp = target.with_extension("restoring");
    std::fs::copy(src, &tmp).map_err(|e| anyhow::anyhow!("copy {}: {e}", src.display()))?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| anyhow::anyhow!("remove {}: {e}", side.display()))?;
        }
    }
    std::fs::rename(&tmp, &target).map_err(|e| anyhow::anyhow!("rename: {e}"))?;
    Ok(verdict)
}
