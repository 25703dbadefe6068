//! The owner of `shared_accounts`, `shared_members` and `shared_invitations`: a shared
//! account's establishment and address confirmation, its members and their roles, and the
//! invitations waiting for a member's confirmation. Every change that must happen once
//! (confirming the address, answering an invitation, handing over) is a conditional update.

use crate::domain::account::AccountStatus;
use crate::domain::identifiers::EstablishmentId;
use crate::domain::shared_account::{Profession, SharedRole};
use crate::platform::db::{Db, Flag, Tx};

/// A shared account to store with its request.
pub struct NewShared<'a> {
    /// The access request that asks for it.
    pub request_id: i64,
    /// Its structure.
    pub structure_id: i64,
    /// The shared address as typed.
    pub email: &'a str,
    /// Lower-cased address.
    pub email_key: &'a str,
    /// Service, structure, town.
    pub description: &'a str,
    /// FINESS, SIRET or SIREN.
    pub identifier: &'a EstablishmentId,
    /// Raison sociale.
    pub company_name: &'a str,
    /// Postal address.
    pub address: &'a str,
    /// Postcode.
    pub postcode: &'a str,
    /// City.
    pub city: &'a str,
    /// Département.
    pub departement: &'a str,
    /// Service (may be empty).
    pub service: &'a str,
    /// Professional telephone (E.164).
    pub phone: &'a str,
    /// Second number (E.164).
    pub phone2: Option<&'a str>,
    /// Responsible professional's last name.
    pub responsible_last_name: &'a str,
    /// Responsible professional's first name.
    pub responsible_first_name: &'a str,
    /// Their profession.
    pub responsible_profession: Profession,
    /// Their RPPS identifier (none for "autre").
    pub responsible_rpps: Option<&'a str>,
    /// Paperless exchanges.
    pub paperless: bool,
    /// Listed in the correspondents' directory.
    pub in_directory: bool,
    /// The individual account that created it.
    pub created_by: i64,
}

/// Stores a shared account (not usable until validated) with the hash of the link that
/// confirms its address; returns its id.
pub async fn insert(
    tx: &mut Tx,
    s: &NewShared<'_>,
    token_hash: &str,
    token_expires_at: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO shared_accounts (request_id, structure_id, email, email_key, description, identifier_kind, identifier, \
         company_name, address, postcode, city, departement, service, phone, phone2, responsible_last_name, \
         responsible_first_name, responsible_profession, responsible_rpps, paperless, in_directory, email_token_hash, \
         email_token_expires_at, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25) \
         RETURNING id",
    )
    .bind(s.request_id)
    .bind(s.structure_id)
    .bind(s.email)
    .bind(s.email_key)
    .bind(s.description)
    .bind(s.identifier.kind.as_str())
    .bind(&s.identifier.value)
    .bind(s.company_name)
    .bind(s.address)
    .bind(s.postcode)
    .bind(s.city)
    .bind(s.departement)
    .bind(s.service)
    .bind(s.phone)
    .bind(s.phone2)
    .bind(s.responsible_last_name)
    .bind(s.responsible_first_name)
    .bind(s.responsible_profession.as_str())
    .bind(s.responsible_rpps)
    .bind(i64::from(s.paperless))
    .bind(i64::from(s.in_directory))
    .bind(token_hash)
    .bind(token_expires_at)
    .bind(s.created_by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// A shared account as stored.
#[derive(Clone, sqlx::FromRow)]
pub struct SharedRow {
    /// Id.
    pub id: i64,
    /// The request that asked for it.
    pub request_id: i64,
    /// Its `users` row, once validated.
    pub user_id: Option<i64>,
    /// Its structure.
    pub structure_id: i64,
    /// The shared address.
    pub email: String,
    /// Description (service, structure, town).
    pub description: String,
    /// `finess`, `siret` or `siren`.
    pub identifier_kind: String,
    /// The identifier.
    pub identifier: String,
    /// Raison sociale.
    pub company_name: String,
    /// Postal address.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// City.
    pub city: String,
    /// Département.
    pub departement: String,
    /// Service.
    pub service: String,
    /// Professional telephone (E.164).
    pub phone: String,
    /// Second number.
    pub phone2: Option<String>,
    /// Responsible professional's last name.
    pub responsible_last_name: String,
    /// Their first name.
    pub responsible_first_name: String,
    /// Their profession.
    #[sqlx(try_from = "String")]
    pub responsible_profession: Profession,
    /// Their RPPS identifier.
    pub responsible_rpps: Option<String>,
    /// Paperless exchanges.
    #[sqlx(try_from = "i64")]
    pub paperless: Flag,
    /// Listed in the directory.
    #[sqlx(try_from = "i64")]
    pub in_directory: Flag,
    /// When the address was confirmed by its link.
    pub email_verified_at: Option<i64>,
    /// Who created it.
    pub created_by: Option<i64>,
    /// When.
    pub created_at: i64,
}

impl std::fmt::Debug for SharedRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedRow").field("id", &self.id).field("user_id", &self.user_id).finish()
    }
}

const COLUMNS: &str = "id, request_id, user_id, structure_id, email, description, identifier_kind, identifier, company_name, \
     address, postcode, city, departement, service, phone, phone2, responsible_last_name, responsible_first_name, \
     responsible_profession, responsible_rpps, paperless, in_directory, email_verified_at, created_by, created_at";

/// A shared account by id.
pub async fn find(db: &Db, id: i64) -> Result<Option<SharedRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM shared_accounts WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await
}

/// The shared account a request asks for.
pub async fn find_by_request(db: &Db, request_id: i64) -> Result<Option<SharedRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM shared_accounts WHERE request_id = $1"))
        .bind(request_id)
        .fetch_optional(db.pool())
        .await
}

/// The shared account behind a `users` row of kind `shared`.
pub async fn find_by_user(db: &Db, user_id: i64) -> Result<Option<SharedRow>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM shared_accounts WHERE user_id = $1"))
        .bind(user_id)
        .fetch_optional(db.pool())
        .await
}

/// Confirms the address whose link hashes to `token_hash`, once and before it expires;
/// returns the shared account's id.
pub async fn confirm_email(tx: &mut Tx, token_hash: &str, now: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE shared_accounts SET email_verified_at = $1, email_token_hash = NULL, updated_at = $1 \
         WHERE email_token_hash = $2 AND email_token_expires_at > $1 AND email_verified_at IS NULL RETURNING id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(&mut **tx)
    .await
}

/// Whether a link is known but no longer confirms anything (spent or expired).
pub async fn token_known(db: &Db, token_hash: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM shared_accounts WHERE email_token_hash = $1")
        .bind(token_hash)
        .fetch_one(db.pool())
        .await?;
    Ok(n > 0)
}

/// Replaces the confirmation link of an address not yet confirmed; false once confirmed.
pub async fn renew_email_token(
    tx: &mut Tx,
    id: i64,
    token_hash: &str,
    expires_at: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE shared_accounts SET email_token_hash = $1, email_token_expires_at = $2, updated_at = $3 \
         WHERE id = $4 AND email_verified_at IS NULL",
    )
    .bind(token_hash)
    .bind(expires_at)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Records the account a validation created.
pub async fn set_user(tx: &mut Tx, id: i64, user_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE shared_accounts SET user_id = $1, updated_at = $2 WHERE id = $3")
        .bind(user_id)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}

/// Records a new responsible professional's identity.
pub async fn set_responsible_identity(
    tx: &mut Tx,
    id: i64,
    last_name: &str,
    first_name: &str,
    profession: Profession,
    rpps: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE shared_accounts SET responsible_last_name = $1, responsible_first_name = $2, responsible_profession = $3, \
         responsible_rpps = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(last_name)
    .bind(first_name)
    .bind(profession.as_str())
    .bind(rpps)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

// --- Members -------------------------------------------------------------------------

/// Adds a member with a role; false when they already are one.
pub async fn add_member(
    tx: &mut Tx,
    shared_id: i64,
    user_id: i64,
    role: SharedRole,
    by: Option<i64>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO shared_members (shared_id, user_id, role, added_by, added_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (shared_id, user_id) DO NOTHING",
    )
    .bind(shared_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Removes a member who is not the responsible; false when they were not a member (or are
/// the responsible).
pub async fn remove_member(tx: &mut Tx, shared_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("DELETE FROM shared_members WHERE shared_id = $1 AND user_id = $2 AND role <> 'responsible'")
        .bind(shared_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Makes a member a manager or a plain member (never touches the responsible); false when
/// nothing changed.
pub async fn set_manager(tx: &mut Tx, shared_id: i64, user_id: i64, manager: bool) -> Result<bool, sqlx::Error> {
    let (to, from) = if manager { ("manager", "member") } else { ("member", "manager") };
    let r = sqlx::query("UPDATE shared_members SET role = $1 WHERE shared_id = $2 AND user_id = $3 AND role = $4")
        .bind(to)
        .bind(shared_id)
        .bind(user_id)
        .bind(from)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Hands the responsibility to another member: the current responsible becomes a manager,
/// `to` the responsible. False when `to` is not a member (or already responsible).
pub async fn hand_over(tx: &mut Tx, shared_id: i64, to: i64) -> Result<bool, sqlx::Error> {
    let exists: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM shared_members WHERE shared_id = $1 AND user_id = $2 AND role <> 'responsible'",
    )
    .bind(shared_id)
    .bind(to)
    .fetch_one(&mut **tx)
    .await?;
    if exists != 1 {
        return Ok(false);
    }
    sqlx::query("UPDATE shared_members SET role = 'manager' WHERE shared_id = $1 AND role = 'responsible'")
        .bind(shared_id)
        .execute(&mut **tx)
        .await?;
    let r = sqlx::query("UPDATE shared_members SET role = 'responsible' WHERE shared_id = $1 AND user_id = $2")
        .bind(shared_id)
        .bind(to)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// A member as listed on the shared account's page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MemberRow {
    /// Their individual account.
    pub user_id: i64,
    /// "First Last".
    pub name: String,
    /// Their address.
    pub email: String,
    /// Role.
    #[sqlx(try_from = "String")]
    pub role: SharedRole,
    /// Status of their individual account.
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
    /// Since when.
    pub added_at: i64,
}

/// The members of a shared account, the responsible first, then by name.
pub async fn members(db: &Db, shared_id: i64) -> Result<Vec<MemberRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.user_id, u.first_name || ' ' || u.last_name AS name, u.email, m.role, u.status, m.added_at \
         FROM shared_members m JOIN users u ON u.id = m.user_id WHERE m.shared_id = $1 \
         ORDER BY CASE m.role WHEN 'responsible' THEN 0 WHEN 'manager' THEN 1 ELSE 2 END, u.last_name_key, u.first_name_key, u.id",
    )
    .bind(shared_id)
    .fetch_all(db.pool())
    .await
}

/// A person's role on a shared account, if they are a member.
pub async fn role_of(db: &Db, shared_id: i64, user_id: i64) -> Result<Option<SharedRole>, sqlx::Error> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM shared_members WHERE shared_id = $1 AND user_id = $2")
            .bind(shared_id)
            .bind(user_id)
            .fetch_optional(db.pool())
            .await?;
    role.map(|r| SharedRole::try_from(r).map_err(|e| sqlx::Error::Decode(Box::new(e)))).transpose()
}

/// A shared account one belongs to, for the switcher and `/comptes-partages`.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Membership {
    /// The shared account's id.
    pub shared_id: i64,
    /// Its `users` row (what one switches to).
    pub account_id: i64,
    /// Its description.
    pub description: String,
    /// Its address.
    pub email: String,
    /// One's role.
    #[sqlx(try_from = "String")]
    pub role: SharedRole,
    /// Its status (active, or deactivated by support).
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
}

/// The validated shared accounts a person belongs to, by description.
pub async fn memberships(db: &Db, user_id: i64) -> Result<Vec<Membership>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id AS shared_id, u.id AS account_id, s.description, s.email, m.role, u.status \
         FROM shared_members m JOIN shared_accounts s ON s.id = m.shared_id JOIN users u ON u.id = s.user_id \
         WHERE m.user_id = $1 ORDER BY s.description, s.id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await
}

/// The shared account a person acts for, checked on every request: it exists, is active,
/// the person is still a member, and both belong to the same structure. `None` otherwise
/// (removing a member ends their access at the next request).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Acting {
    /// The shared account's `users` row.
    pub account_id: i64,
    /// Its shared-account id.
    pub shared_id: i64,
    /// Its description.
    pub description: String,
    /// Its address.
    pub email: String,
}

/// See [`Acting`].
pub async fn acting(db: &Db, account_id: i64, member_id: i64) -> Result<Option<Acting>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id AS account_id, s.id AS shared_id, s.description, s.email \
         FROM shared_accounts s JOIN users u ON u.id = s.user_id \
         JOIN shared_members m ON m.shared_id = s.id AND m.user_id = $2 \
         JOIN professional_access pa ON pa.user_id = $2 AND pa.structure_id = s.structure_id \
         WHERE s.user_id = $1 AND u.status = 'active' AND u.kind = 'shared'",
    )
    .bind(account_id)
    .bind(member_id)
    .fetch_optional(db.pool())
    .await
}

// --- Invitations ---------------------------------------------------------------------

/// Records an invitation of an address; false when one is already open for it.
pub async fn invite(
    tx: &mut Tx,
    shared_id: i64,
    email: &str,
    email_key: &str,
    by: i64,
    now: i64,
    expires_at: i64,
) -> Result<bool, sqlx::Error> {
    // An expired invitation no longer blocks a new one.
    sqlx::query(
        "UPDATE shared_invitations SET answered_at = $1, answer = 'expired' \
         WHERE shared_id = $2 AND email_key = $3 AND answered_at IS NULL AND expires_at <= $1",
    )
    .bind(now)
    .bind(shared_id)
    .bind(email_key)
    .execute(&mut **tx)
    .await?;
    let r = sqlx::query(
        "INSERT INTO shared_invitations (shared_id, email, email_key, invited_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (shared_id, email_key) WHERE answered_at IS NULL DO NOTHING",
    )
    .bind(shared_id)
    .bind(email)
    .bind(email_key)
    .bind(by)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// An invitation waiting for its answer.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Invitation {
    /// Id.
    pub id: i64,
    /// The shared account.
    pub shared_id: i64,
    /// Its description.
    pub description: String,
    /// Its structure.
    pub structure_id: i64,
    /// The address invited.
    pub email: String,
    /// When.
    pub created_at: i64,
}

/// The open invitations of an address, to shared accounts that are validated and active.
pub async fn invitations_for(db: &Db, email_key: &str, now: i64) -> Result<Vec<Invitation>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.shared_id, s.description, s.structure_id, i.email, i.created_at FROM shared_invitations i \
         JOIN shared_accounts s ON s.id = i.shared_id JOIN users u ON u.id = s.user_id \
         WHERE i.email_key = $1 AND i.answered_at IS NULL AND i.expires_at > $2 AND u.status = 'active' \
         ORDER BY i.created_at, i.id",
    )
    .bind(email_key)
    .bind(now)
    .fetch_all(db.pool())
    .await
}

/// The open invitations of a shared account.
pub async fn pending_invitations(db: &Db, shared_id: i64, now: i64) -> Result<Vec<Invitation>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.shared_id, s.description, s.structure_id, i.email, i.created_at FROM shared_invitations i \
         JOIN shared_accounts s ON s.id = i.shared_id \
         WHERE i.shared_id = $1 AND i.answered_at IS NULL AND i.expires_at > $2 ORDER BY i.created_at, i.id",
    )
    .bind(shared_id)
    .bind(now)
    .fetch_all(db.pool())
    .await
}

/// Answers an open, unexpired invitation of this address, once; returns its shared account.
pub async fn answer(
    tx: &mut Tx,
    id: i64,
    email_key: &str,
    accepted: bool,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE shared_invitations SET answered_at = $1, answer = $2 \
         WHERE id = $3 AND email_key = $4 AND answered_at IS NULL AND expires_at > $1 RETURNING shared_id",
    )
    .bind(now)
    .bind(if accepted { "accepted" } else { "declined" })
    .bind(id)
    .bind(email_key)
    .fetch_optional(&mut **tx)
    .await
}

/// Withdraws an open invitation of a shared account; false when it was not open.
pub async fn cancel(tx: &mut Tx, id: i64, shared_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE shared_invitations SET answered_at = $1, answer = 'cancelled' \
         WHERE id = $2 AND shared_id = $3 AND answered_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(shared_id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

// --- Directory, preferences, support -----------------------------------------------------

/// A shared account listed in the correspondents' directory.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DirectoryEntry {
    /// Description.
    pub description: String,
    /// Address.
    pub email: String,
    /// Raison sociale.
    pub company_name: String,
    /// Service.
    pub service: String,
    /// Postal address.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// City.
    pub city: String,
    /// Telephone (E.164).
    pub phone: String,
}

/// Active shared accounts that asked to appear in the directory, filtered by a folded
/// search in their description, company name or city; by postcode then description.
pub async fn directory(db: &Db, search: &str, limit: i64) -> Result<Vec<DirectoryEntry>, sqlx::Error> {
    let pattern = format!("%{}%", search.trim().to_lowercase().replace(['%', '_'], ""));
    sqlx::query_as(
        "SELECT s.description, s.email, s.company_name, s.service, s.address, s.postcode, s.city, s.phone \
         FROM shared_accounts s JOIN users u ON u.id = s.user_id \
         WHERE s.in_directory = 1 AND u.status = 'active' \
           AND (lower(s.description) LIKE $1 OR lower(s.company_name) LIKE $1 OR lower(s.city) LIKE $1 OR s.postcode LIKE $1) \
         ORDER BY s.postcode, s.description, s.id LIMIT $2",
    )
    .bind(pattern)
    .bind(limit)
    .fetch_all(db.pool())
    .await
}

/// Whether a structure gave up paper: one of its active shared accounts asked for paperless
/// exchanges.
pub async fn paperless(db: &Db, structure_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM shared_accounts s JOIN users u ON u.id = s.user_id \
         WHERE s.structure_id = $1 AND s.paperless = 1 AND u.status = 'active'",
    )
    .bind(structure_id)
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

/// Removes account `user_id` from every shared account it belongs to, and deletes the
/// invitations sent to its address (`email_key`): the account is erased.
pub async fn erase_of(tx: &mut Tx, user_id: i64, email_key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM shared_members WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM shared_invitations WHERE email_key = $1").bind(email_key).execute(&mut **tx).await?;
    Ok(())
}
