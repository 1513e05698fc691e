//! `rampart rules`: the rule catalogue (id, title, STRIDE category, mitigating controls,
//! default DREAD) and the control catalogue, for people (a block per rule) or tools (JSON).

use super::{output_failed, Outcome};
use crate::config::{CatalogueFormat, RulesArgs};
use analysis::{Control, Dread, Rule, Severity};
use serde::Serialize;
use std::io::{self, Write};

/// Runs `rampart rules`.
pub fn rules(args: &RulesArgs, out: &mut impl Write, err: &mut impl Write) -> Outcome {
    let written = match args.format {
        CatalogueFormat::Table => table(out),
        CatalogueFormat::Json => json(out),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => Outcome::Pass,
        Err(e) => output_failed(e, Outcome::Pass, err),
    }
}

fn dread_text(d: &Dread) -> String {
    let [da, r, e, a, di] = d.factors();
    format!("D{da} R{r} E{e} A{a} D{di}")
}

fn table(out: &mut impl Write) -> io::Result<()> {
    let mut count = 0;
    for rule in analysis::rules() {
        count += 1;
        let controls: Vec<&str> = rule.controls.iter().map(|c| c.id()).collect();
        writeln!(out, "{}", rule.id)?;
        writeln!(out, "  {}", rule.title)?;
        writeln!(
            out,
            "  {} | DREAD {} = {:.1} {}",
            rule.stride,
            dread_text(&rule.dread),
            rule.dread.risk(),
            rule.dread.severity()
        )?;
        if !controls.is_empty() {
            writeln!(out, "  controls: {}", controls.join(", "))?;
        }
        writeln!(out)?;
    }
    writeln!(out, "CONTROLS")?;
    let width = Control::ALL.iter().map(|c| c.id().len()).max().unwrap_or(0);
    for c in Control::ALL {
        writeln!(out, "  {:<width$}  {}", c.id(), c.name())?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{count} rules, {} controls; `rampart rules --format json` adds descriptions, conditions and references",
        Control::ALL.len()
    )
}

#[derive(Serialize)]
struct Catalogue {
    rules: Vec<RuleEntry>,
    controls: Vec<ControlEntry>,
}

#[derive(Serialize)]
struct RuleEntry {
    #[serde(flatten)]
    rule: &'static Rule,
    /// The mean of the default DREAD factors, and its band.
    default_risk: f64,
    default_severity: Severity,
}

#[derive(Serialize)]
struct ControlEntry {
    id: &'static str,
    name: &'static str,
    description: &'static str,
}

fn json(out: &mut impl Write) -> io::Result<()> {
    let catalogue = Catalogue {
        rules: analysis::rules()
            .map(|rule| RuleEntry {
                rule,
                default_risk: rule.dread.risk(),
                default_severity: rule.dread.severity(),
            })
            .collect(),
        controls: Control::ALL
            .iter()
            .map(|c| ControlEntry {
                id: c.id(),
                name: c.name(),
                description: c.description(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &catalogue)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn run(format: CatalogueFormat) -> String {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let outcome = rules(&RulesArgs { format }, &mut out, &mut err);
        assert_eq!(outcome, Outcome::Pass);
        assert!(err.is_empty());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_json_catalogue_lists_every_rule_and_control_with_ids() {
        let catalogue: Value = serde_json::from_str(&run(CatalogueFormat::Json)).unwrap();
        let rules = catalogue["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let expected: Vec<&str> = analysis::rules().map(|r| r.id).collect();
        assert_eq!(ids, expected);
        let first = &rules[0];
        for field in ["title", "stride", "description", "condition"] {
            assert!(first[field].is_string(), "{field}: {first}");
        }
        assert!(first["dread"]["damage"].is_u64(), "{first}");
        assert!(first["default_risk"].is_f64(), "{first}");
        // Controls serialize as their catalogue ids.
        let known: Vec<&str> = Control::ALL.iter().map(|c| c.id()).collect();
        for rule in rules {
            for control in rule["controls"].as_array().unwrap() {
                assert!(known.contains(&control.as_str().unwrap()), "{control}");
            }
        }
        assert_eq!(
            catalogue["controls"].as_array().unwrap().len(),
            Control::ALL.len()
        );
    }

    #[test]
    fn the_table_shows_every_rule_with_its_stride_dread_and_controls() {
        let text = run(CatalogueFormat::Table);
        for rule in analysis::rules() {
            assert!(
                text.lines().any(|l| l == rule.id),
                "{} missing from the table",
                rule.id
            );
        }
        assert!(text.contains("  Spoofing | DREAD D"), "{text}");
        assert!(text.contains("  controls: "), "{text}");
        assert!(text.contains("\nCONTROLS\n  iam "), "{text}");
    }
}
