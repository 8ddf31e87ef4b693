//! The ways in: [`cli`] (the command line), [`serve`] (the dev server, which
//! rebuilds through [`crate::site`]) and [`scaffold`] (`lotrinh new`); both
//! builders end with [`report`].

pub mod cli;
pub mod report;
pub mod scaffold;
pub mod serve;
