//! Server-side sessions in the database. The cookie carries a random token; the table keeps only
//! its SHA-256, so a copy of the database does not let anyone in. Logging in replaces the session
//! (a new token), so a token planted before login is worth nothing after it.

use base64ct::{Base64UrlUnpadded, Encoding};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::user::{self, User};
use crate::{Store, StoreError, now};

/// How long a session lives without a login (the login form) and with one (a working day).
pub const ANONYMOUS_HOURS: i64 = 2;
pub const USER_HOURS: i64 = 10;

#[derive(Debug, Clone)]
pub struct Session {
    /// The token as in the cookie.
    pub token: String,
    pub user: Option<User>,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    Base64UrlUnpadded::encode_string(&b)
}

fn key(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

async fn insert(store: &Store, user_id: Option<i64>, hours: i64) -> Result<Session, StoreError> {
    let token = random_token();
    let csrf = random_token();
    let t = now();
    let expires = t + Duration::hours(hours);
    store
        .exec(
            store.write_conn(),
            "INSERT INTO user_session (id, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            [key(&token).into(), user_id.into(), csrf.clone().into(), t.into(), expires.into()],
        )
        .await?;
    Ok(Session { token, user: None, csrf_token: csrf, expires_at: expires })
}

/// A new session without a user: the login form needs a CSRF token too.
pub async fn create_anonymous(store: &Store) -> Result<Session, StoreError> {
    insert(store, None, ANONYMOUS_HOURS).await
}

/// Loads a live session. A session of a disabled or deleted user is no session.
pub async fn load(store: &Store, token: &str) -> Result<Option<Session>, StoreError> {
    if token.len() > 64 {
        return Ok(None);
    }
    let row = store
        .query_one(
            store.conn(),
            "SELECT user_id, csrf_token, expires_at FROM user_session WHERE id = $1",
            [key(token).into()],
        )
        .await?;
    let Some(row) = row else { return Ok(None) };
    let expires_at: DateTime<Utc> = row.try_get("", "expires_at")?;
    if expires_at <= now() {
        return Ok(None);
    }
    let user_id: Option<i64> = row.try_get("", "user_id")?;
    let user = match user_id {
        Some(id) => match user::get_any(store, id).await? {
            Some(u) if !u.disabled => Some(u),
            _ => return Ok(None),
        },
        None => None,
    };
    Ok(Some(Session { token: token.to_owned(), user, csrf_token: row.try_get("", "csrf_token")?, expires_at }))
}

/// Logs a user in: the old session (if any) is deleted and a new one, with a new token and a new
/// CSRF token, takes its place.
pub async fn login(store: &Store, old_token: Option<&str>, user: User) -> Result<Session, StoreError> {
    if let Some(old) = old_token {
        store.exec(store.write_conn(), "DELETE FROM user_session WHERE id = $1", [key(old).into()]).await?;
    }
    let mut s = insert(store, Some(user.id), USER_HOURS).await?;
    s.user = Some(user);
    Ok(s)
}

/// Ends a session.
pub async fn logout(store: &Store, token: &str) -> Result<(), StoreError> {
    store.exec(store.write_conn(), "DELETE FROM user_session WHERE id = $1", [key(token).into()]).await?;
    Ok(())
}

/// Stores a one-time message shown on the next page.
pub async fn set_flash(store: &Store, token: &str, message: &str) -> Result<(), StoreError> {
    store
        .exec(
            store.write_conn(),
            "UPDATE user_session SET flash = $1 WHERE id = $2",
            [message.into(), key(token).into()],
        )
        .await?;
    Ok(())
}

/// Takes the one-time message, if any.
pub async fn take_flash(store: &Store, token: &str) -> Result<Option<String>, StoreError> {
    let row =
        store.query_one(store.conn(), "SELECT flash FROM user_session WHERE id = $1", [key(token).into()]).await?;
    let flash: Option<String> = row.map(|r| r.try_get("", "flash")).transpose()?.flatten();
    if flash.is_some() {
        store
            .exec(store.write_conn(), "UPDATE user_session SET flash = NULL WHERE id = $1", [key(token).into()])
            .await?;
    }
    Ok(flash)
}

/// Deletes expired sessions; returns how many.
pub async fn purge_expired(store: &Store) -> Result<u64, StoreError> {
    store.exec(store.write_conn(), "DELETE FROM user_session WHERE expires_at <= $1", [now().into()]).await
}

/// Ends every session of a user but the one given (after a password change).
pub async fn end_others(store: &Store, user_id: i64, keep_token: &str) -> Result<u64, StoreError> {
    store
        .exec(
            store.write_conn(),
            "DELETE FROM user_session WHERE user_id = $1 AND id <> $2",
            [user_id.into(), key(keep_token).into()],
        )
        .await
}
