//! Command line and environment configuration of the `rampart` binary.
//!
//! Every setting is a flag with an environment variable behind it, so the same binary runs
//! from a shell, a systemd unit or a container without a config file. Leptos needs no
//! `LEPTOS_*` variable: its options are derived from these settings (see [`ServeArgs::leptos_options`]).

use anyhow::{bail, Context};
use axum::http::Uri;
use clap::{Args, Parser, Subcommand, ValueEnum};
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Rampart: threat modelling for cloud-native architectures.
#[derive(Debug, Parser)]
#[command(
    name = "rampart",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    /// Settings of `serve`, which runs when no subcommand is given.
    #[command(flatten)]
    pub serve: ServeArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application and API (the default).
    Serve(ServeArgs),
    /// Apply pending database migrations, then exit.
    Migrate(MigrateArgs),
    /// Analyse a model file and report its threats; the exit status gates CI. Needs no
    /// database.
    #[command(after_help = ANALYZE_EXIT_STATUS)]
    Analyze(AnalyzeArgs),
    /// Print the rule and control catalogue. Needs no database.
    Rules(RulesArgs),
    /// Inspect the audit log.
    Audit(AuditArgs),
    /// Manage accounts.
    User(UserArgs),
}

/// Settings of `rampart user`.
#[derive(Debug, Clone, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
}

/// What `rampart user` does.
#[derive(Debug, Clone, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input (its first line), so it
    /// never appears in the process list or the shell history:
    /// `printf '%s\n' "$PASSWORD" | rampart user create --email a@example.com --admin`.
    Create(UserCreateArgs),
    /// Print a one-time link (valid 24 hours) with which the account's owner sets a new
    /// password; there is no e-mail channel, so hand it over yourself.
    ResetPassword(UserResetArgs),
}

/// Settings of `rampart user reset-password`.
#[derive(Debug, Clone, Args)]
pub struct UserResetArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// The account's e-mail address.
    #[arg(long)]
    pub email: String,

    /// The origin users reach Rampart at, used to build the link.
    #[arg(long, env = "RAMPART_PUBLIC_URL", default_value = "http://localhost:3000", value_parser = parse_origin)]
    pub public_url: String,
}

/// Settings of `rampart user create`.
#[derive(Debug, Clone, Args)]
pub struct UserCreateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// The e-mail address the person signs in with.
    #[arg(long)]
    pub email: String,

    /// The name shown in the interface; the e-mail's part before `@` when absent.
    #[arg(long)]
    pub name: Option<String>,

    /// Make the account an administrator.
    #[arg(long)]
    pub admin: bool,
}

/// The exit statuses of `rampart audit verify`, shown under its `--help`.
pub const AUDIT_VERIFY_EXIT_STATUS: &str = "\
Exit status:
  0  the chain is intact
  1  the chain is broken (the message names the first event that does not fit)
  2  the check could not run: no database, no audit log, or a query failed";

/// Settings of `rampart audit`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// What `rampart audit` does.
#[derive(Debug, Clone, Subcommand)]
pub enum AuditCommand {
    /// Recompute the audit log's hash chain and name the first event that was changed or
    /// removed. Reads only: applies no migration and changes nothing.
    #[command(after_help = AUDIT_VERIFY_EXIT_STATUS)]
    Verify(AuditVerifyArgs),
}

/// Settings of `rampart audit verify`.
#[derive(Debug, Clone, Args)]
pub struct AuditVerifyArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// The exit statuses of `rampart analyze`, shown under its `--help`.
pub const ANALYZE_EXIT_STATUS: &str = "\
Exit status:
  0  no open finding at or above the --fail-on severity
  1  one or more open findings at or above it (findings a decision in the file marks
     mitigated, accepted, transferred or not applicable are not open)
  2  invalid model or usage (the message names the element and field)
  3  the model file cannot be read, or the report cannot be written";

/// Settings of `rampart analyze`.
#[derive(Debug, Clone, Args)]
pub struct AnalyzeArgs {
    /// The `rampart/1` model file (JSON).
    #[arg(value_name = "MODEL.json")]
    pub model: PathBuf,

    /// Report format. The table lists open findings; csv and md list every finding with its
    /// status; json is the whole report; sarif 2.1.0 marks closed findings as suppressed.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,

    /// Exit with status 1 when an open finding is at or above this severity. The default,
    /// high, fails on high and critical findings only.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOn::High)]
    pub fail_on: FailOn,

    /// The fewest layers of control a path from an untrusted entry point to an asset may
    /// cross before a defence-in-depth finding is raised.
    #[arg(long, value_name = "N", default_value_t = analysis::Options::default().min_depth)]
    pub min_depth: u32,
}

/// How `rampart analyze` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Aligned columns for a terminal, with a summary line.
    Table,
    /// The analysis report, serialized.
    Json,
    /// Markdown: a heading, a summary and a table of findings.
    Md,
    /// Comma-separated values, one finding per row, safe to open in a spreadsheet.
    Csv,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// The severity from which an open finding fails `rampart analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Low,
    Medium,
    High,
    Critical,
}

impl FailOn {
    pub fn severity(self) -> analysis::Severity {
        match self {
            FailOn::Low => analysis::Severity::Low,
            FailOn::Medium => analysis::Severity::Medium,
            FailOn::High => analysis::Severity::High,
            FailOn::Critical => analysis::Severity::Critical,
        }
    }
}

/// Settings of `rampart rules`.
#[derive(Debug, Clone, Args)]
pub struct RulesArgs {
    /// Catalogue format.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = CatalogueFormat::Table)]
    pub format: CatalogueFormat,
}

/// How `rampart rules` prints the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CatalogueFormat {
    /// A block per rule for a terminal, then the controls.
    Table,
    /// Rules and controls as one JSON document.
    Json,
}

/// Settings every subcommand shares.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Log filter: a level (error, warn, info, debug, trace) or a tracing directive list such
    /// as `info,sqlx=warn`.
    #[arg(long, env = "RAMPART_LOG", default_value = "info", global = true)]
    pub log_level: String,

    /// Log line format.
    #[arg(long, env = "RAMPART_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Where the database is, and how the pool treats it.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    // Optional for clap, so that `--help` and `--version` work without a database; commands
    // that need one call [`DatabaseArgs::url`].
    /// PostgreSQL connection URL, e.g. `postgres://rampart@localhost/rampart` or, over a unix
    /// socket, `postgres://postgres@localhost/rampart?host=/run/postgresql`.
    #[arg(long = "database-url", env = "DATABASE_URL", hide_env_values = true)]
    pub url: Option<String>,

    /// Largest number of connections the pool opens.
    #[arg(
        long = "database-max-connections",
        env = "RAMPART_DATABASE_MAX_CONNECTIONS",
        default_value_t = 10
    )]
    pub max_connections: u32,

    /// Seconds to keep retrying at start-up while the database is not reachable yet.
    #[arg(
        long = "database-wait",
        env = "RAMPART_DATABASE_WAIT",
        default_value_t = 30
    )]
    pub wait_secs: u64,
}

impl DatabaseArgs {
    /// The connection URL; fails with a clear message when none was given.
    pub fn url(&self) -> anyhow::Result<&str> {
        match &self.url {
            Some(url) => Ok(url),
            None => bail!("no database configured: set DATABASE_URL or pass --database-url (the README's run command finds or starts one for you)"),
        }
    }

    pub fn wait(&self) -> Duration {
        Duration::from_secs(self.wait_secs)
    }

    pub fn pool_config(&self) -> db::PoolConfig {
        db::PoolConfig {
            max_connections: self.max_connections,
            ..db::PoolConfig::default()
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,

    /// Address and port the server listens on. It alone decides where Rampart listens.
    #[arg(long, env = "RAMPART_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// The origin users reach Rampart at (scheme, host and port, no path), e.g.
    /// `https://rampart.example.com` behind a TLS reverse proxy. Unset: `http://` and the
    /// address the server actually listens on (`localhost` for a wildcard bind).
    #[arg(long, env = "RAMPART_PUBLIC_URL", value_parser = parse_origin)]
    pub public_url: Option<String>,

    /// Who may create an account: `invitation` (only with a team invitation, the default) or
    /// `open` (anyone who can reach the server).
    #[arg(long, env = "RAMPART_SIGNUP", value_enum, default_value_t = Signup::Invitation)]
    pub signup: Signup,

    /// Reverse proxies whose `X-Forwarded-For` is believed, as addresses or CIDR networks
    /// separated by commas (e.g. `127.0.0.1,10.0.0.0/8`). The client address of a request
    /// from any other peer is the peer's own, whatever headers it sends.
    #[arg(long, env = "RAMPART_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_network)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Folder holding the built site (`pkg/` with the wasm, JS and CSS, plus the public
    /// assets), as cargo-leptos writes it.
    #[arg(long, env = "RAMPART_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Minutes a session may stay unused before it ends.
    #[arg(long, env = "RAMPART_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub session_idle_minutes: u64,

    /// Minutes after sign-in at which a session ends, however active (12 hours by default).
    #[arg(long, env = "RAMPART_SESSION_ABSOLUTE_MINUTES", default_value_t = 720, value_parser = clap::value_parser!(u64).range(1..))]
    pub session_absolute_minutes: u64,

    /// Send the session cookie without `Secure` (and so without the `__Host-` prefix). Only
    /// for a public URL that is plain http on a host other than localhost, where browsers
    /// would otherwise drop the cookie; never use it on a network you do not trust.
    #[arg(long, env = "RAMPART_INSECURE_COOKIES", value_parser = clap::builder::BoolishValueParser::new(), default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub insecure_cookies: bool,
}

/// Who may sign up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Signup {
    Invitation,
    Open,
}

/// Parses an address (a one-host network) or a CIDR network.
pub fn parse_network(value: &str) -> Result<ipnet::IpNet, String> {
    let value = value.trim();
    value
        .parse::<ipnet::IpNet>()
        .or_else(|_| value.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| {
            format!("{value:?} is neither an IP address nor a CIDR network such as 10.0.0.0/8")
        })
}

/// What [`ServeArgs::session_settings`] decided about cookies, for the start-up log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieSecurity {
    /// `Secure`, as always unless asked otherwise.
    Secure,
    /// `RAMPART_INSECURE_COOKIES` was set but changes nothing: the public URL is https or
    /// localhost, where `Secure` cookies work.
    InsecureIgnored,
    /// No `Secure`: plain HTTP on another host, as the operator asked.
    Insecure,
}

impl ServeArgs {
    /// The session settings, and whether the cookie is `Secure`. Fails when the public URL
    /// is plain http on a host other than localhost and insecure cookies were not asked for:
    /// browsers would drop the `Secure` cookie and nobody could sign in.
    pub fn session_settings(
        &self,
        public_url: &str,
    ) -> anyhow::Result<(crate::auth::SessionSettings, CookieSecurity)> {
        let uri: Uri = public_url.parse().context("invalid public URL")?;
        let plain_remote = uri.scheme_str() == Some("http")
            && !crate::auth::session::is_local_host(uri.host().unwrap_or_default());
        let security = match (plain_remote, self.insecure_cookies) {
            (true, true) => CookieSecurity::Insecure,
            (true, false) => bail!(
                "the public URL {public_url} is plain http on a host other than localhost, where browsers refuse secure cookies: serve it over https (e.g. behind a TLS proxy) or set RAMPART_INSECURE_COOKIES=1 to accept cookies that travel unprotected"
            ),
            (false, true) => CookieSecurity::InsecureIgnored,
            (false, false) => CookieSecurity::Secure,
        };
        let settings = crate::auth::SessionSettings {
            idle_timeout: Duration::from_secs(self.session_idle_minutes * 60),
            absolute_timeout: Duration::from_secs(self.session_absolute_minutes * 60),
            secure_cookie: security != CookieSecurity::Insecure,
        };
        Ok((settings, security))
    }

    /// The public URL: the configured one, or `http://` and the address the server listens
    /// on (`local`), with `localhost` for a wildcard bind.
    pub fn public_url(&self, local: SocketAddr) -> String {
        match &self.public_url {
            Some(url) => url.clone(),
            None if local.ip().is_unspecified() => format!("http://localhost:{}", local.port()),
            None => format!("http://{local}"),
        }
    }

    /// Leptos options derived from these settings, with no `LEPTOS_*` variable involved.
    pub fn leptos_options(&self) -> anyhow::Result<LeptosOptions> {
        let site_root = self
            .site_root
            .to_str()
            .context("the site root must be a UTF-8 path")?
            .to_owned();
        Ok(LeptosOptions::builder()
            .output_name(app::OUTPUT_NAME)
            .site_root(site_root)
            .site_pkg_dir("pkg")
            .site_addr(self.bind)
            .env(if cfg!(debug_assertions) {
                leptos::config::Env::DEV
            } else {
                leptos::config::Env::PROD
            })
            .build())
    }
}

/// Accepts an origin: `http` or `https`, a host, an optional port, and no path, query or
/// fragment. Returns it without a trailing slash.
pub fn parse_origin(value: &str) -> Result<String, String> {
    let uri: Uri = value
        .parse()
        .map_err(|e| format!("not a URL ({e}); expected e.g. https://rampart.example.com"))?;
    match uri.scheme_str() {
        Some("http") | Some("https") => {}
        _ => return Err("the public URL must start with http:// or https://".into()),
    }
    let Some(authority) = uri.authority() else {
        return Err("the public URL needs a host".into());
    };
    if authority.as_str().contains('@') {
        return Err("the public URL must not contain credentials".into());
    }
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err("the public URL is an origin: no path or query (Rampart is served from the root of its host)".into());
    }
    Ok(format!(
        "{}://{}",
        uri.scheme_str().unwrap_or_default(),
        authority
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("rampart").chain(args.iter().copied()))
    }

    #[test]
    fn no_subcommand_means_serve_with_the_defaults() {
        let cli = parse(&[]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.bind, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(cli.serve.public_url, None);
        assert_eq!(cli.serve.signup, Signup::Invitation);
        assert!(cli.serve.trusted_proxies.is_empty());
        assert_eq!(cli.serve.site_root, PathBuf::from("target/site"));
    }

    #[test]
    fn the_public_url_defaults_to_the_listening_address() {
        let serve = parse(&[]).unwrap().serve;
        let local: SocketAddr = "127.0.0.1:41234".parse().unwrap();
        assert_eq!(serve.public_url(local), "http://127.0.0.1:41234");
        let wildcard: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(serve.public_url(wildcard), "http://localhost:8080");
        let serve = parse(&["--public-url", "https://rampart.example.com"])
            .unwrap()
            .serve;
        assert_eq!(serve.public_url(local), "https://rampart.example.com");
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        let serve = parse(&["--trusted-proxies", "127.0.0.1, 10.0.0.0/8,::1"])
            .unwrap()
            .serve;
        let shown: Vec<String> = serve
            .trusted_proxies
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(shown, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
        assert!(parse(&["--trusted-proxies", "proxy.lan"]).is_err());
        assert_eq!(
            parse(&["--signup", "open"]).unwrap().serve.signup,
            Signup::Open
        );
    }

    #[test]
    fn serve_flags_work_with_and_without_the_subcommand() {
        let cli = parse(&["--bind", "0.0.0.0:8080"]).unwrap();
        assert_eq!(cli.serve.bind.port(), 8080);
        let cli = parse(&["serve", "--bind", "0.0.0.0:8081", "--log-level", "debug"]).unwrap();
        match cli.command {
            Some(Command::Serve(serve)) => assert_eq!(serve.bind.port(), 8081),
            other => panic!("expected serve, got {other:?}"),
        }
        assert_eq!(cli.global.log_level, "debug");
    }

    #[test]
    fn migrate_takes_the_database_url_flag() {
        let cli = parse(&["migrate", "--database-url", "postgres://x@localhost/y"]).unwrap();
        match cli.command {
            Some(Command::Migrate(m)) => {
                assert_eq!(m.database.url().unwrap(), "postgres://x@localhost/y")
            }
            other => panic!("expected migrate, got {other:?}"),
        }
    }

    #[test]
    fn audit_verify_takes_the_database_url_flag() {
        let cli = parse(&[
            "audit",
            "verify",
            "--database-url",
            "postgres://x@localhost/y",
        ])
        .unwrap();
        match cli.command {
            Some(Command::Audit(AuditArgs {
                command: AuditCommand::Verify(v),
            })) => assert_eq!(v.database.url().unwrap(), "postgres://x@localhost/y"),
            other => panic!("expected audit verify, got {other:?}"),
        }
        assert!(parse(&["audit"]).is_err(), "audit needs a subcommand");
    }

    #[test]
    fn analyze_defaults_to_a_table_failing_on_high() {
        let cli = parse(&["analyze", "model.json"]).unwrap();
        match cli.command {
            Some(Command::Analyze(a)) => {
                assert_eq!(a.model, PathBuf::from("model.json"));
                assert_eq!(a.format, ReportFormat::Table);
                assert_eq!(a.fail_on, FailOn::High);
                assert_eq!(a.min_depth, 3);
            }
            other => panic!("expected analyze, got {other:?}"),
        }
        let cli = parse(&[
            "analyze",
            "m.json",
            "--format",
            "sarif",
            "--fail-on",
            "low",
            "--min-depth",
            "5",
        ])
        .unwrap();
        match cli.command {
            Some(Command::Analyze(a)) => {
                assert_eq!(a.format, ReportFormat::Sarif);
                assert_eq!(a.fail_on.severity(), analysis::Severity::Low);
                assert_eq!(a.min_depth, 5);
            }
            other => panic!("expected analyze, got {other:?}"),
        }
    }

    #[test]
    fn analyze_refuses_unknown_formats_and_thresholds() {
        assert!(parse(&["analyze", "m.json", "--format", "xml"]).is_err());
        assert!(parse(&["analyze", "m.json", "--fail-on", "severe"]).is_err());
        assert!(parse(&["analyze"]).is_err(), "the model file is required");
        assert!(parse(&["rules", "--format", "md"]).is_err());
    }

    #[test]
    fn sessions_default_to_thirty_minutes_idle_and_twelve_hours_absolute() {
        let (settings, security) = parse(&[])
            .unwrap()
            .serve
            .session_settings("http://127.0.0.1:3000")
            .unwrap();
        assert_eq!(settings.idle_timeout, Duration::from_secs(30 * 60));
        assert_eq!(settings.absolute_timeout, Duration::from_secs(12 * 60 * 60));
        assert!(settings.secure_cookie);
        assert_eq!(security, CookieSecurity::Secure);
    }

    #[test]
    fn insecure_cookies_apply_only_to_plain_http_on_another_host() {
        let remote = ["--public-url", "http://rampart.lan:3000"];
        let err = parse(&remote)
            .unwrap()
            .serve
            .session_settings(remote[1])
            .unwrap_err();
        assert!(
            err.to_string().contains("RAMPART_INSECURE_COOKIES"),
            "{err}"
        );
        let cli = parse(&[remote[0], remote[1], "--insecure-cookies"]).unwrap();
        let (settings, security) = cli.serve.session_settings(remote[1]).unwrap();
        assert_eq!(security, CookieSecurity::Insecure);
        assert!(!settings.secure_cookie);
        assert_eq!(settings.cookie_name(), "rampart");
        for local in [
            "http://localhost:3000",
            "http://127.0.0.1:8080",
            "https://rampart.lan",
        ] {
            let cli = parse(&["--public-url", local, "--insecure-cookies=1"]).unwrap();
            let (settings, security) = cli.serve.session_settings(local).unwrap();
            assert_eq!(security, CookieSecurity::InsecureIgnored, "{local}");
            assert_eq!(settings.cookie_name(), "__Host-rampart");
        }
    }

    #[test]
    fn user_create_takes_email_name_and_admin() {
        let cli = parse(&["user", "create", "--email", "a@example.com", "--admin"]).unwrap();
        match cli.command {
            Some(Command::User(UserArgs {
                command: UserCommand::Create(c),
            })) => {
                assert_eq!(c.email, "a@example.com");
                assert_eq!(c.name, None);
                assert!(c.admin);
            }
            other => panic!("expected user create, got {other:?}"),
        }
        assert!(
            parse(&["user", "create"]).is_err(),
            "the e-mail is required"
        );
    }

    #[test]
    fn a_missing_database_url_is_explained() {
        let database = DatabaseArgs {
            url: None,
            max_connections: 1,
            wait_secs: 1,
        };
        let err = database.url().unwrap_err().to_string();
        assert!(err.contains("DATABASE_URL"), "{err}");
    }

    #[test]
    fn leptos_options_follow_the_flags() {
        let cli = parse(&["--bind", "127.0.0.1:4567", "--site-root", "/srv/site"]).unwrap();
        let options = cli.serve.leptos_options().unwrap();
        assert_eq!(options.site_addr.port(), 4567);
        assert_eq!(&*options.site_root, "/srv/site");
        assert_eq!(&*options.output_name, "rampart");
    }

    #[test]
    fn public_url_must_be_an_origin() {
        assert_eq!(
            parse_origin("https://rampart.example.com/").unwrap(),
            "https://rampart.example.com"
        );
        assert_eq!(
            parse_origin("http://localhost:3000").unwrap(),
            "http://localhost:3000"
        );
        for bad in [
            "rampart.example.com",
            "ftp://example.com",
            "https://example.com/rampart",
            "https://example.com/?a=1",
            "https://user:pw@example.com",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad} should be refused");
        }
    }
}
