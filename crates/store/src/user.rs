//! Accounts: users bound to an org unit with one role, Argon2id passwords, login throttling.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{QueryResult, Value};
use serde::Serialize;
use serde_json::json;
use shuangyong_domain::{OrgPath, Role, text};

use crate::audit::{self, Actor, Change};
use crate::org::Page;
use crate::{Scope, Store, StoreError, Tx, now};

/// Failures of one account from one address before it is locked.
pub const MAX_FAILURES: i32 = 5;
/// How long failures are remembered, and how long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_path: OrgPath,
    pub disabled: bool,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl User {
    /// The last login in Beijing time (for screens).
    pub fn last_login_local(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        self.last_login_at.map(shuangyong_domain::clock::beijing)
    }

    pub fn scope(&self) -> Scope {
        Scope::new(self.org_path.clone())
    }

    pub fn actor(&self) -> Actor {
        Actor { user_id: Some(self.id), name: format!("{}({})", self.display_name, self.username) }
    }

    fn from_row(r: &QueryResult) -> Result<User, StoreError> {
        let role: String = r.try_get("", "role")?;
        let path: String = r.try_get("", "org_path")?;
        Ok(User {
            id: r.try_get("", "id")?,
            username: r.try_get("", "username")?,
            display_name: r.try_get("", "display_name")?,
            role: Role::from_code(&role).ok_or_else(|| anyhow::anyhow!("stored role {role}"))?,
            org_path: OrgPath::parse(&path).map_err(|e| anyhow::anyhow!("stored path {path}: {e}"))?,
            disabled: r.try_get("", "disabled")?,
            last_login_at: r.try_get("", "last_login_at")?,
        })
    }

    fn snapshot(&self) -> serde_json::Value {
        json!({
            "username": self.username, "display_name": self.display_name, "role": self.role.code(),
            "org_path": self.org_path, "disabled": self.disabled,
        })
    }
}

pub(crate) const COLUMNS: &str = "id, username, display_name, role, org_path, disabled, last_login_at";

/// Checks a user name: 3–32 characters of lower-case letters, digits, `.`, `_`, `-`.
pub fn validate_username(raw: &str) -> Result<String, StoreError> {
    let u = raw.trim().to_lowercase();
    let ok_chars = u.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if !(3..=32).contains(&u.chars().count()) || !ok_chars {
        return Err(StoreError::invalid("用户名应为3至32位的小写字母、数字或 . _ -，例如 zhangsan 或 lanyi01"));
    }
    Ok(u)
}

/// Checks a new password: at least 8 characters with both letters and digits.
pub fn validate_password(p: &str) -> Result<(), StoreError> {
    let long = p.chars().count() >= 8;
    let letters = p.chars().any(|c| c.is_alphabetic());
    let digits = p.chars().any(|c| c.is_ascii_digit());
    if !(long && letters && digits) || p.len() > 128 {
        return Err(StoreError::invalid("密码至少8位，且须同时包含字母和数字，请重新设置"));
    }
    Ok(())
}

/// Hashes a password with Argon2id off the async threads.
pub async fn hash_password(password: String) -> Result<String, StoreError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))
    })
    .await
    .map_err(|e| anyhow::anyhow!("hashing task: {e}"))?
    .map_err(StoreError::Other)
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_path: OrgPath,
    pub password: String,
}

/// Adds a user. Only an admin may, and only in their scope: the caller checks the role, the
/// scope is checked here.
pub async fn create(store: &Store, tx: &Tx, actor: &Actor, scope: &Scope, new: NewUser) -> Result<User, StoreError> {
    let username = validate_username(&new.username)?;
    let display_name = text::clean(&new.display_name);
    if display_name.is_empty() || display_name.chars().count() > 30 {
        return Err(StoreError::invalid("请填写姓名（不超过30个字）"));
    }
    validate_password(&new.password)?;
    if !scope.contains(&new.org_path) {
        return Err(StoreError::invalid("所属单位不在您的管辖范围内，请选择您有权管理的单位"));
    }
    if crate::org::find_in(store, tx, &new.org_path).await?.is_none() {
        return Err(StoreError::invalid(format!("所属单位 {} 不存在，请先建立该单位", new.org_path)));
    }
    let exists = store.query_one(tx, "SELECT id FROM app_user WHERE username = $1", [username.clone().into()]).await?;
    if exists.is_some() {
        return Err(StoreError::Conflict(format!("用户名 {username} 已被使用，请换一个")));
    }
    let hash = hash_password(new.password).await?;
    let t = now();
    let row = store
        .query_one(
            tx,
            &format!(
                "INSERT INTO app_user (county, username, display_name, role, org_path, password_hash, disabled, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING {COLUMNS}"
            ),
            [
                new.org_path.county().into(),
                username.into(),
                display_name.into(),
                new.role.code().into(),
                new.org_path.as_str().into(),
                hash.into(),
                false.into(),
                t.into(),
            ],
        )
        .await
        .map_err(|e| crate::db::conflict_on_unique(e, "用户名已被使用，请换一个"))?
        .ok_or_else(|| anyhow::anyhow!("insert returned nothing"))?;
    let user = User::from_row(&row)?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "create",
            entity: "app_user",
            entity_id: user.id.to_string(),
            org_path: user.org_path.to_string(),
            summary: format!("新增用户 {}（{}，{}）", user.username, user.display_name, user.role.label()),
            before: None,
            after: Some(user.snapshot()),
        },
    )
    .await?;
    Ok(user)
}

/// One user in scope.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<User, StoreError> {
    let (cond, vals) = scope.sql("org_path", 2);
    let mut params = vec![Value::from(id)];
    params.extend(vals);
    let row = store
        .query_one(store.conn(), &format!("SELECT {COLUMNS} FROM app_user WHERE id = $1 AND {cond}"), params)
        .await?
        .ok_or(StoreError::NotFound)?;
    User::from_row(&row)
}

/// A user by id regardless of scope: for sessions, which already belong to that user.
pub(crate) async fn get_any(store: &Store, id: i64) -> Result<Option<User>, StoreError> {
    store
        .query_one(store.conn(), &format!("SELECT {COLUMNS} FROM app_user WHERE id = $1"), [id.into()])
        .await?
        .map(|r| User::from_row(&r))
        .transpose()
}

/// Users in scope, by unit and name, one page, with the total.
pub async fn list(store: &Store, scope: &Scope, page: Page) -> Result<(Vec<User>, i64), StoreError> {
    let (cond, vals) = scope.sql("org_path", 1);
    let total: i64 = store
        .count_of(
            store.conn(),
            &format!("SELECT COUNT(*) AS n FROM app_user WHERE {cond}"),
            Vec::<Value>::from(vals.clone()),
        )
        .await?;
    let mut params = Vec::<Value>::from(vals);
    params.push(page.limit().into());
    params.push(page.offset().into());
    let rows = store
        .query_all(
            store.conn(),
            &format!("SELECT {COLUMNS} FROM app_user WHERE {cond} ORDER BY org_path, username LIMIT $3 OFFSET $4"),
            params,
        )
        .await?;
    Ok((rows.iter().map(User::from_row).collect::<Result<_, _>>()?, total))
}

/// Sets a new password for a user in scope and ends their sessions.
pub async fn reset_password(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    password: String,
) -> Result<User, StoreError> {
    let user = get(store, scope, id).await?;
    validate_password(&password)?;
    let hash = hash_password(password).await?;
    store
        .exec(
            tx,
            "UPDATE app_user SET password_hash = $1, updated_at = $2 WHERE id = $3",
            [hash.into(), now().into(), id.into()],
        )
        .await?;
    store.exec(tx, "DELETE FROM user_session WHERE user_id = $1", [id.into()]).await?;
    store.exec(tx, "DELETE FROM login_attempt WHERE username = $1", [user.username.clone().into()]).await?;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: "reset_password",
            entity: "app_user",
            entity_id: id.to_string(),
            org_path: user.org_path.to_string(),
            summary: format!("重置用户 {} 的密码", user.username),
            before: None,
            after: None,
        },
    )
    .await?;
    Ok(user)
}

/// Disables or enables an account in scope. Disabling ends its sessions at once.
pub async fn set_disabled(
    store: &Store,
    tx: &Tx,
    actor: &Actor,
    scope: &Scope,
    id: i64,
    disabled: bool,
) -> Result<User, StoreError> {
    let before = get(store, scope, id).await?;
    if actor.user_id == Some(id) && disabled {
        return Err(StoreError::invalid("不能停用自己的账号，请由另一位管理员操作"));
    }
    store
        .exec(
            tx,
            "UPDATE app_user SET disabled = $1, updated_at = $2 WHERE id = $3",
            [disabled.into(), now().into(), id.into()],
        )
        .await?;
    if disabled {
        store.exec(tx, "DELETE FROM user_session WHERE user_id = $1", [id.into()]).await?;
    }
    let mut after = before.clone();
    after.disabled = disabled;
    audit::append(
        store,
        tx,
        actor,
        Change {
            action: if disabled { "disable" } else { "enable" },
            entity: "app_user",
            entity_id: id.to_string(),
            org_path: before.org_path.to_string(),
            summary: format!("{}用户 {}", if disabled { "停用" } else { "启用" }, before.username),
            before: Some(before.snapshot()),
            after: Some(after.snapshot()),
        },
    )
    .await?;
    Ok(after)
}

/// Why a login failed. The messages are what the login page shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    #[error("用户名或密码不正确，请重新输入（连续{MAX_FAILURES}次错误将暂时锁定）")]
    BadCredentials,
    #[error("登录失败次数过多，该账号在此地址已被锁定，请{minutes}分钟后再试，或请系统管理员重置密码")]
    Locked { minutes: i64 },
    #[error("该账号已停用，请联系系统管理员")]
    Disabled,
}

/// Checks a user name and password from an address, counting failures per (account, address) and
/// refusing while locked. Succeeds only for an enabled account.
pub async fn authenticate(
    store: &Store,
    username: &str,
    password: &str,
    ip: &str,
) -> Result<Result<User, LoginError>, StoreError> {
    let username = username.trim().to_lowercase();
    let t = now();
    let attempt = store
        .query_one(
            store.conn(),
            "SELECT failures, first_failure_at, locked_until FROM login_attempt WHERE username = $1 AND ip = $2",
            [username.clone().into(), ip.into()],
        )
        .await?;
    if let Some(a) = &attempt {
        let locked_until: Option<DateTime<Utc>> = a.try_get("", "locked_until")?;
        if let Some(until) = locked_until.filter(|u| *u > t) {
            let minutes = ((until - t).num_seconds() + 59) / 60;
            return Ok(Err(LoginError::Locked { minutes: minutes.max(1) }));
        }
    }
    let row = store
        .query_one(
            store.conn(),
            &format!("SELECT {COLUMNS}, password_hash FROM app_user WHERE username = $1"),
            [username.clone().into()],
        )
        .await?;
    let (user, ok) = match &row {
        Some(r) => {
            let hash: String = r.try_get("", "password_hash")?;
            (Some(User::from_row(r)?), verify_password(password.to_owned(), hash).await)
        }
        // Without such a user, spend the same Argon2 work anyway, so timing tells nothing.
        None => {
            hash_password(password.to_owned()).await?;
            (None, false)
        }
    };
    match (user, ok) {
        (Some(u), true) => {
            if u.disabled {
                return Ok(Err(LoginError::Disabled));
            }
            let tx = store.begin_write().await?;
            store
                .exec(&tx, "DELETE FROM login_attempt WHERE username = $1 AND ip = $2", [username.into(), ip.into()])
                .await?;
            store.exec(&tx, "UPDATE app_user SET last_login_at = $1 WHERE id = $2", [t.into(), u.id.into()]).await?;
            audit::append(
                store,
                &tx,
                &u.actor(),
                Change {
                    action: "login",
                    entity: "app_user",
                    entity_id: u.id.to_string(),
                    org_path: u.org_path.to_string(),
                    summary: format!("用户 {} 从 {ip} 登录", u.username),
                    before: None,
                    after: None,
                },
            )
            .await?;
            tx.commit().await?;
            Ok(Ok(u))
        }
        (user, _) => {
            record_failure(store, &username, ip, user.as_ref()).await?;
            let failures = store
                .query_one(
                    store.conn(),
                    "SELECT failures, locked_until FROM login_attempt WHERE username = $1 AND ip = $2",
                    [username.into(), ip.into()],
                )
                .await?;
            if let Some(f) = failures
                && f.try_get::<Option<DateTime<Utc>>>("", "locked_until")?.is_some()
            {
                return Ok(Err(LoginError::Locked { minutes: LOCK_MINUTES }));
            }
            Ok(Err(LoginError::BadCredentials))
        }
    }
}

async fn record_failure(store: &Store, username: &str, ip: &str, user: Option<&User>) -> Result<(), StoreError> {
    let t = now();
    let tx = store.begin_write().await?;
    let row = store
        .query_one(
            &tx,
            "SELECT failures, first_failure_at FROM login_attempt WHERE username = $1 AND ip = $2",
            [username.into(), ip.into()],
        )
        .await?;
    let (failures, first) = match row {
        Some(r) => {
            let first: DateTime<Utc> = r.try_get("", "first_failure_at")?;
            let failures: i32 = r.try_get("", "failures")?;
            if t - first > Duration::minutes(LOCK_MINUTES) { (1, t) } else { (failures + 1, first) }
        }
        None => (1, t),
    };
    let locked_until = (failures >= MAX_FAILURES).then(|| t + Duration::minutes(LOCK_MINUTES));
    store.exec(&tx, "DELETE FROM login_attempt WHERE username = $1 AND ip = $2", [username.into(), ip.into()]).await?;
    store
        .exec(
            &tx,
            "INSERT INTO login_attempt (username, ip, failures, first_failure_at, locked_until) VALUES ($1, $2, $3, $4, $5)",
            [username.into(), ip.into(), failures.into(), first.into(), locked_until.into()],
        )
        .await?;
    if let (Some(u), Some(_)) = (user, locked_until) {
        audit::append(
            store,
            &tx,
            &Actor::system("登录保护"),
            Change {
                action: "lock",
                entity: "app_user",
                entity_id: u.id.to_string(),
                org_path: u.org_path.to_string(),
                summary: format!("用户 {} 在 {ip} 连续{failures}次密码错误，锁定{LOCK_MINUTES}分钟", u.username),
                before: None,
                after: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A user changes their own password, giving the current one.
pub async fn change_own_password(
    store: &Store,
    tx: &Tx,
    user: &User,
    current: &str,
    new: String,
) -> Result<(), StoreError> {
    let row = store
        .query_one(tx, "SELECT password_hash FROM app_user WHERE id = $1", [user.id.into()])
        .await?
        .ok_or(StoreError::NotFound)?;
    let hash: String = row.try_get("", "password_hash")?;
    if !verify_password(current.to_owned(), hash).await {
        return Err(StoreError::invalid("当前密码不正确，请重新输入"));
    }
    validate_password(&new)?;
    if new == current {
        return Err(StoreError::invalid("新密码不能与当前密码相同"));
    }
    let hash = hash_password(new).await?;
    store
        .exec(
            tx,
            "UPDATE app_user SET password_hash = $1, updated_at = $2 WHERE id = $3",
            [hash.into(), now().into(), user.id.into()],
        )
        .await?;
    audit::append(
        store,
        tx,
        &user.actor(),
        Change {
            action: "change_password",
            entity: "app_user",
            entity_id: user.id.to_string(),
            org_path: user.org_path.to_string(),
            summary: format!("用户 {} 修改了自己的密码", user.username),
            before: None,
            after: None,
        },
    )
    .await?;
    Ok(())
}
