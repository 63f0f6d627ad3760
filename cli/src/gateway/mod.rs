//! The gateway (`tower-webhook serve`): its configuration file, validated.

pub mod config;
