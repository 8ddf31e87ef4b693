//! The ways in: [`cli`] (the command line), [`serve`] (the dev server, which
//! rebuilds through [`crate::site`]) and [`scaffold`] (`lotrinh new`).

pub mod cli;
pub mod scaffold;
pub mod serve;
