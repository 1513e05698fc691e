//! Password hashing and the password policy (SECURITY.md R1, R2, R4).
//!
//! Hashes are argon2id PHC strings at OWASP's parameters (19 MiB, 2 passes, 1 lane: argon2
//! 0.5.3's defaults, spelled out here so a dependency update cannot lower them). Hashing is
//! CPU- and memory-bound, so it runs on the blocking pool, and a semaphore caps how many run
//! at once (each holds 19 MiB).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Memory cost in KiB, passes and lanes: OWASP's Password Storage Cheat Sheet minimum.
pub const MEMORY_KIB: u32 = 19_456;
pub const PASSES: u32 = 2;
pub const LANES: u32 = 1;

/// Shortest and longest accepted password, in characters (Unicode scalar values).
pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

/// The hash sign-in verifies against when the e-mail address matches no account, so an
/// unknown address costs the same time as a wrong password (R4). Its salt and output are
/// random bytes, so no password is known to match it; its parameters are the ones above, so
/// checking it costs what checking a real hash costs.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$QbF9c1aoCTnXWjK0aU1DJw$4rY6yJ3TrHzGBFcJ1Fj4HL+kpqiMYbqS7m4xUR9CnVk";

/// Words that make a password guessable for this product, whatever its length.
const CONTEXT_WORDS: &[&str] = &["rampart", "threat", "model", "dragon", "stride", "dread"];

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Why a password was refused. The messages are shown to the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the password must have at least 12 characters")]
    TooShort,
    #[error("the password must have at most 128 characters")]
    TooLong,
    #[error(
        "this password is too common or too easy to guess; a few unrelated words make a strong one"
    )]
    TooWeak,
}

/// Checks a new password: 12 to 128 characters, any Unicode, no composition rules, and not
/// common or guessable (zxcvbn's score of at least 3, with the product's own words and the
/// person's e-mail address and name as context). The password is never trimmed or changed.
pub fn check_policy(password: &str, personal: &[&str]) -> Result<(), PolicyError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(PolicyError::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(PolicyError::TooLong);
    }
    let mut inputs: Vec<&str> = CONTEXT_WORDS.to_vec();
    inputs.extend(personal.iter().copied().filter(|w| !w.is_empty()));
    // The e-mail's local part is a likely ingredient too.
    inputs.extend(
        personal
            .iter()
            .filter_map(|w| w.split_once('@').map(|(local, _)| local)),
    );
    let entropy = zxcvbn::zxcvbn(password, &inputs);
    if (entropy.score() as u8) < 3 {
        return Err(PolicyError::TooWeak);
    }
    Ok(())
}

/// Hashes and verifies passwords off the async threads, a bounded number at a time.
#[derive(Debug, Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
}

impl Default for Hasher {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Hasher::new(cores)
    }
}

impl Hasher {
    /// A hasher running at most `concurrent` hashes at once.
    pub fn new(concurrent: usize) -> Hasher {
        Hasher {
            permits: Arc::new(Semaphore::new(concurrent.max(1))),
        }
    }

    /// The PHC string of `password` with a fresh 16-byte salt from the OS.
    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|err| anyhow::anyhow!("cannot hash the password: {err}"))
        })
        .await?
    }

    /// Whether a stored PHC string was made with other parameters than today's (an older
    /// algorithm, version or cost), so the password should be hashed again after a
    /// successful verification.
    pub fn needs_rehash(&self, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return false;
        };
        let current = argon2();
        let params = current.params();
        let same = parsed.algorithm == argon2::Algorithm::Argon2id.ident()
            && parsed.version == Some(argon2::Version::V0x13.into())
            && argon2::Params::try_from(&parsed).is_ok_and(|p| {
                p.m_cost() == params.m_cost()
                    && p.t_cost() == params.t_cost()
                    && p.p_cost() == params.p_cost()
            });
        !same
    }

    /// Whether `password` matches `hash`. With no hash (an unknown account), verifies against
    /// [`DUMMY_HASH`] and returns false, taking the same time. A malformed stored hash is
    /// logged and counts as a mismatch.
    pub async fn verify(&self, password: String, hash: Option<String>) -> anyhow::Result<bool> {
        let _permit = self.permits.acquire().await?;
        tokio::task::spawn_blocking(move || {
            let known = hash.is_some();
            let stored = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
            let parsed = match PasswordHash::new(&stored) {
                Ok(parsed) => parsed,
                Err(err) => {
                    tracing::error!(error = %err, "a stored password hash is malformed");
                    return false;
                }
            };
            let matches = argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            known && matches
        })
        .await
        .map_err(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_with_weaker_parameters_need_rehashing() {
        let hasher = Hasher::new(1);
        assert!(!hasher.needs_rehash(DUMMY_HASH));
        let weak = Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(8, 1, 1, None).unwrap(),
        )
        .hash_password(
            b"password",
            &SaltString::from_b64("c2FsdHNhbHRzYWx0").unwrap(),
        )
        .unwrap()
        .to_string();
        assert!(hasher.needs_rehash(&weak));
        assert!(
            !hasher.needs_rehash("not a hash"),
            "malformed hashes are left alone"
        );
    }

    #[test]
    fn the_dummy_hash_uses_the_current_parameters() {
        let parsed = PasswordHash::new(DUMMY_HASH).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        let params = Params::try_from(&parsed).unwrap();
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (MEMORY_KIB, PASSES, LANES)
        );
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only_and_salts_differ() {
        let hasher = Hasher::new(2);
        let password = "  leading and trailing spaces count  ".to_owned();
        let first = hasher.hash(password.clone()).await.unwrap();
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        let second = hasher.hash(password.clone()).await.unwrap();
        assert_ne!(first, second, "a fresh salt each time");
        assert!(hasher
            .verify(password.clone(), Some(first.clone()))
            .await
            .unwrap());
        let trimmed = password.trim().to_owned();
        assert!(!hasher.verify(trimmed, Some(first)).await.unwrap());
        assert!(
            !hasher.verify(password, None).await.unwrap(),
            "no account, no match"
        );
    }

    #[test]
    fn short_and_long_passwords_are_refused() {
        assert_eq!(check_policy("tEa-9!kQ#zL", &[]), Err(PolicyError::TooShort));
        let long = "purple-otter-".repeat(10);
        assert_eq!(check_policy(&long, &[]), Err(PolicyError::TooLong));
    }

    #[test]
    fn common_and_contextual_passwords_are_refused() {
        for weak in [
            "password1234",
            "123456789012",
            "qwertyuiopas",
            "rampartrampart",
            "alice@example.com",
        ] {
            assert_eq!(
                check_policy(weak, &["alice@example.com", "Alice"]),
                Err(PolicyError::TooWeak),
                "{weak}"
            );
        }
    }

    #[test]
    fn long_unusual_passwords_of_any_script_are_accepted() {
        for strong in [
            "correct-violin-meadow-42",
            "ŝtonaj pontoj super riveroj",
            "月光下的猫在弹钢琴吧今晚真美",
        ] {
            assert_eq!(check_policy(strong, &[]), Ok(()), "{strong}");
        }
    }
}
