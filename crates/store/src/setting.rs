//! Settings of this installation, as key/value pairs.

use crate::{Store, StoreError};

pub async fn get(store: &Store, key: &str) -> Result<Option<String>, StoreError> {
    store
        .query_one(store.conn(), "SELECT value FROM app_setting WHERE key = $1", [key.into()])
        .await?
        .map(|r| r.try_get::<String>("", "value"))
        .transpose()
        .map_err(Into::into)
}

/// Sets a value inside the caller's transaction.
pub async fn set(store: &Store, tx: &crate::Tx, key: &str, value: &str) -> Result<(), StoreError> {
    store.exec(tx, "DELETE FROM app_setting WHERE key = $1", [key.into()]).await?;
    store.exec(tx, "INSERT INTO app_setting (key, value) VALUES ($1, $2)", [key.into(), value.into()]).await?;
    Ok(())
}
