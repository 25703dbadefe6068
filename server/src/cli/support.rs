//! `sesame support-agent add`: creates a support agent and prints their invitation link.

use sesame_app::domain::account::UserKind;
use sesame_app::domain::email::Email;
use sesame_app::i18n::Lang;
use sesame_app::invitations::flows::{NewInvitee, invite};
use sesame_app::platform::AppState;

/// Options of `sesame support-agent add`.
#[derive(Debug, clap::Args)]
pub struct AddAgentArgs {
    /// The agent's e-mail address.
    pub email: String,
    /// First name.
    #[arg(long, default_value = "Support")]
    pub first_name: String,
    /// Last name.
    #[arg(long, default_value = "Sésame")]
    pub last_name: String,
    /// Also an administrator of the back-office.
    #[arg(long)]
    pub admin: bool,
}

/// Creates the agent (status *invitation sent*), e-mails the invitation and prints its link.
pub async fn add(state: &AppState, args: AddAgentArgs) -> anyhow::Result<()> {
    let email = Email::parse(&args.email).map_err(|e| anyhow::anyhow!("{}", e.message(Lang::En)))?;
    let mut tx = state.db.begin().await?;
    let who = NewInvitee {
        email: &email,
        first_name: args.first_name.trim(),
        last_name: args.last_name.trim(),
        kind: UserKind::Support,
        is_admin: args.admin,
        lang: Lang::Fr,
    };
    let (_, link) = match invite(state, &mut tx, &who, None).await {
        Ok(v) => v,
        Err(e) if sesame_app::platform::db::is_unique_violation(&e) => {
            anyhow::bail!("an account already uses this e-mail address")
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    println!("Support agent invited. Invitation link (single use, valid 14 days; also e-mailed):\n{link}");
    Ok(())
}
