//! Background work: e-mail delivery, the invitation lifecycle and periodic housekeeping.

pub mod housekeeping;
pub mod invitations;
pub mod mail;
