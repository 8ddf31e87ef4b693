//! The ways in: [`cli`] (the command line), [`serve`] (the dev server, which
//! rebuilds through [`crate::site`]) and [`scaffold`] (`lotrinh new`); both
//! builders end with [`report`].

pub mod cli;
pub(crate) mod report;
pub(crate) mod scaffold;
pub(crate) mod serve;
