//! Background work: e-mail delivery and periodic housekeeping.

pub mod housekeeping;
pub mod mail;
