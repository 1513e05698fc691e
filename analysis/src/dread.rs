//! DREAD risk scoring and the severity bands every view and export shares.
//!
//! A DREAD score has five factors, each from 0 to 10; the risk is their mean. Severity is a
//! band of the risk: low below 4, medium below 6, high below 8, critical from 8.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The highest value a DREAD factor can take.
pub const MAX_FACTOR: u8 = 10;

/// Damage, Reproducibility, Exploitability, Affected users, Discoverability: each 0 to 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dread {
    pub damage: u8,
    pub reproducibility: u8,
    pub exploitability: u8,
    pub affected_users: u8,
    pub discoverability: u8,
}

impl Dread {
    /// A score with every factor clamped to `0..=10`.
    pub fn new(
        damage: u8,
        reproducibility: u8,
        exploitability: u8,
        affected_users: u8,
        discoverability: u8,
    ) -> Self {
        Dread {
            damage: damage.min(MAX_FACTOR),
            reproducibility: reproducibility.min(MAX_FACTOR),
            exploitability: exploitability.min(MAX_FACTOR),
            affected_users: affected_users.min(MAX_FACTOR),
            discoverability: discoverability.min(MAX_FACTOR),
        }
    }

    /// The factors in DREAD order.
    pub fn factors(&self) -> [u8; 5] {
        [
            self.damage,
            self.reproducibility,
            self.exploitability,
            self.affected_users,
            self.discoverability,
        ]
    }

    /// The risk: the mean of the five factors, from 0.0 to 10.0. Factors above 10 (possible
    /// only through a struct literal) count as 10.
    pub fn risk(&self) -> f64 {
        let sum: u32 = self
            .factors()
            .iter()
            .map(|f| u32::from((*f).min(MAX_FACTOR)))
            .sum();
        f64::from(sum) / 5.0
    }

    /// The severity band of [`Dread::risk`].
    pub fn severity(&self) -> Severity {
        Severity::from_risk(self.risk())
    }
}

/// Severity bands of a risk score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Every band, from the lowest to the highest.
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The band of a risk: low < 4, medium < 6, high < 8, critical >= 8. A risk that is not a
    /// number is treated as critical, so an arithmetic slip can never hide a threat.
    pub fn from_risk(risk: f64) -> Severity {
        if risk.is_nan() || risk >= 8.0 {
            Severity::Critical
        } else if risk >= 6.0 {
            Severity::High
        } else if risk >= 4.0 {
            Severity::Medium
        } else {
            Severity::Low
        }
    }

    /// The lowercase name used in files, URLs and command-line flags.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_is_the_mean_of_the_five_factors() {
        assert_eq!(Dread::new(10, 8, 6, 4, 2).risk(), 6.0);
        assert_eq!(Dread::new(0, 0, 0, 0, 1).risk(), 0.2);
        assert_eq!(Dread::default().risk(), 0.0);
    }

    #[test]
    fn factors_above_ten_are_clamped() {
        assert_eq!(Dread::new(200, 11, 10, 10, 10).risk(), 10.0);
        let literal = Dread {
            damage: 255,
            reproducibility: 10,
            exploitability: 10,
            affected_users: 10,
            discoverability: 10,
        };
        assert_eq!(literal.risk(), 10.0);
    }

    #[test]
    fn severity_bands_have_their_lower_bound_inclusive() {
        let cases = [
            (0.0, Severity::Low),
            (3.99, Severity::Low),
            (4.0, Severity::Medium),
            (5.99, Severity::Medium),
            (6.0, Severity::High),
            (7.99, Severity::High),
            (8.0, Severity::Critical),
            (10.0, Severity::Critical),
            (f64::NAN, Severity::Critical),
        ];
        for (risk, expected) in cases {
            assert_eq!(Severity::from_risk(risk), expected, "risk {risk}");
        }
    }

    #[test]
    fn every_whole_score_maps_to_the_band_of_its_mean() {
        for total in 0u8..=50 {
            let d = Dread::new(
                total.min(10),
                total.saturating_sub(10).min(10),
                total.saturating_sub(20).min(10),
                total.saturating_sub(30).min(10),
                total.saturating_sub(40).min(10),
            );
            let mean = f64::from(total) / 5.0;
            assert_eq!(d.risk(), mean);
            assert_eq!(d.severity(), Severity::from_risk(mean));
        }
    }

    #[test]
    fn severities_order_from_low_to_critical_and_serialise_lowercase() {
        assert!(Severity::ALL.windows(2).all(|w| w[0] < w[1]));
        let json = serde_json::to_string(&Severity::ALL).unwrap();
        assert_eq!(json, r#"["low","medium","high","critical"]"#);
    }

    #[test]
    fn dread_rejects_unknown_fields() {
        let err = serde_json::from_str::<Dread>(
            r#"{"damage":1,"reproducibility":1,"exploitability":1,"affected_users":1,"discoverability":1,"extra":2}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("extra"), "{err}");
    }
}
