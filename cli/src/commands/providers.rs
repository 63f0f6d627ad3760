//! `tower-webhook providers [NAME]`: the preset catalogue, as a table, one preset in
//! detail, or JSON for scripts.

use std::fmt::Write as _;
use std::io::Write;

use clap::Args;
use tower_webhook_cli::catalogue::{self, PresetInfo};

use crate::failure::{usage, Outcome};
use crate::output::{duration_text, Style};

pub(crate) const AFTER_HELP: &str = "Examples:\n  tower-webhook providers\n  tower-webhook providers stripe\n  tower-webhook providers --json | jq '.[] | select(.id_signed == false) | .name'";

#[derive(Args)]
pub(crate) struct ProvidersArgs {
    /// One preset, in detail.
    name: Option<String>,
    /// JSON for scripts.
    #[arg(long)]
    json: bool,
}

fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

impl ProvidersArgs {
    pub(crate) fn run(self, out: &mut dyn Write, style: Style) -> Outcome {
        let name = self.name.as_deref();
        let infos = match name {
            Some(name) => vec![catalogue::describe(super::preset(name).map_err(usage)?)],
            None => catalogue::describe_all(),
        };
        let mut text = String::new();
        if self.json {
            let value = match (name, infos.first()) {
                (Some(_), Some(info)) => info.to_json(),
                _ => serde_json::Value::Array(infos.iter().map(PresetInfo::to_json).collect()),
            };
            text = format!("{value:#}\n");
        } else if let (Some(_), Some(info)) = (name, infos.first()) {
            let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
            let _ = writeln!(text, "{}", style.bold(info.name));
            for (key, value) in [
                ("family", info.family.clone()),
                ("signature header", info.signature_header()),
                ("timestamp header", opt(&info.timestamp_header)),
                ("event type header", opt(&info.event_header)),
                ("headers sent", info.headers_sent.join(", ")),
                ("tolerance", duration_text(info.tolerance)),
                ("timestamp signed", yes_no(info.timestamp_signed).to_owned()),
                (
                    "needs a public URL",
                    yes_no(Some(info.signs_url)).to_owned(),
                ),
                ("signs the body", yes_no(Some(info.signs_body)).to_owned()),
                ("can sign", yes_no(Some(info.can_sign)).to_owned()),
                ("id signed", yes_no(info.id_signed).to_owned()),
                (
                    "event type signed",
                    yes_no(info.event_type_signed).to_owned(),
                ),
            ] {
                let _ = writeln!(text, "  {key:<20} {value}");
            }
        } else {
            let rows: Vec<[String; 7]> = infos
                .iter()
                .map(|info| {
                    [
                        info.name.to_owned(),
                        info.family.clone(),
                        info.signature_header(),
                        duration_text(info.tolerance),
                        if info.signs_url { "needed" } else { "-" }.to_owned(),
                        yes_no(info.id_signed).to_owned(),
                        yes_no(info.event_type_signed).to_owned(),
                    ]
                })
                .collect();
            let titles = [
                "NAME",
                "FAMILY",
                "SIGNATURE HEADER",
                "TOLERANCE",
                "PUBLIC URL",
                "ID SIGNED",
                "EVENT SIGNED",
            ];
            let mut widths = titles.map(str::len);
            for row in &rows {
                for (width, cell) in widths.iter_mut().zip(row) {
                    *width = (*width).max(cell.chars().count());
                }
            }
            let line = |cells: &[String]| {
                let mut line = String::new();
                for (cell, width) in cells.iter().zip(widths) {
                    let _ = write!(line, "{cell:<width$}  ");
                }
                line.trim_end().to_owned()
            };
            let _ = writeln!(text, "{}", style.bold(&line(&titles.map(str::to_owned))));
            for row in &rows {
                let _ = writeln!(text, "{}", line(row));
            }
            let _ = writeln!(
                text,
                "\n{} presets. `-`: not found out (Mailgun signs fields of its body and cannot sign here).",
                infos.len()
            );
        }
        out.write_all(text.as_bytes())?;
        Ok(())
    }
}
