//! The `rampart` binary: parses the command line and hands over to the `server` library.
//!
//! `analyze` and `rules` run synchronously and never start the async runtime or look for a
//! database; `serve`, `migrate`, `audit verify` and `user create` run on tokio.

use anyhow::Context;
use clap::Parser;
use server::config::{
    AuditArgs, AuditCommand, AuditVerifyArgs, Cli, Command, CookieSecurity, DatabaseArgs,
    ServeArgs, UserArgs, UserCommand, UserCreateArgs, UserResetArgs,
};
use server::{shutdown, telemetry, AppState};
use std::io::BufWriter;
use std::process::ExitCode;

/// The subcommands that need the runtime and the database.
enum Online {
    Serve(ServeArgs),
    Migrate(DatabaseArgs),
    AuditVerify(AuditVerifyArgs),
    UserCreate(UserCreateArgs),
    UserResetPassword(UserResetArgs),
}

impl Online {
    /// The exit status when the command fails before reaching a verdict of its own.
    fn failure(&self) -> ExitCode {
        match self {
            Online::Serve(_) | Online::Migrate(_) => ExitCode::FAILURE,
            Online::AuditVerify(_) | Online::UserCreate(_) | Online::UserResetPassword(_) => {
                server::cli::Outcome::Error.into()
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(err) = telemetry::init(&cli.global) {
        eprintln!("error: {err:#}");
        return ExitCode::from(2);
    }
    let online = match cli.command {
        None => Online::Serve(cli.serve),
        Some(Command::Serve(args)) => Online::Serve(args),
        Some(Command::Migrate(args)) => Online::Migrate(args.database),
        Some(Command::Audit(AuditArgs {
            command: AuditCommand::Verify(args),
        })) => Online::AuditVerify(args),
        Some(Command::User(UserArgs {
            command: UserCommand::Create(args),
        })) => Online::UserCreate(args),
        Some(Command::User(UserArgs {
            command: UserCommand::ResetPassword(args),
        })) => Online::UserResetPassword(args),
        Some(Command::Analyze(args)) => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            let outcome = server::cli::analyze(&args, &mut out, &mut std::io::stderr());
            return outcome.into();
        }
        Some(Command::Rules(args)) => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            return server::cli::rules(&args, &mut out, &mut std::io::stderr()).into();
        }
    };
    let failure = online.failure();
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
        .and_then(|runtime| {
            runtime.block_on(async move {
                match online {
                    Online::Serve(args) => serve(args).await.map(|()| ExitCode::SUCCESS),
                    Online::Migrate(database) => {
                        migrate(database).await.map(|()| ExitCode::SUCCESS)
                    }
                    Online::AuditVerify(args) => {
                        let mut out = std::io::stdout().lock();
                        let outcome =
                            server::cli::audit_verify(&args, &mut out, &mut std::io::stderr())
                                .await;
                        Ok(outcome.into())
                    }
                    Online::UserResetPassword(args) => {
                        let mut out = std::io::stdout().lock();
                        let outcome = server::cli::user_reset_password(
                            &args,
                            &mut out,
                            &mut std::io::stderr(),
                        )
                        .await;
                        Ok(outcome.into())
                    }
                    Online::UserCreate(args) => {
                        let mut input = std::io::stdin().lock();
                        let mut out = std::io::stdout().lock();
                        let outcome = server::cli::user_create(
                            &args,
                            &mut input,
                            &mut out,
                            &mut std::io::stderr(),
                        )
                        .await;
                        Ok(outcome.into())
                    }
                }
            })
        });
    match result {
        Ok(code) => code,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("error: {err:#}");
            failure
        }
    }
}

async fn migrate(database: DatabaseArgs) -> anyhow::Result<()> {
    let pool = server::open_database(&database).await?;
    let applied = db::MIGRATOR.iter().count();
    tracing::info!(migrations = applied, "database schema is up to date");
    pool.close().await;
    Ok(())
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let leptos = args.leptos_options()?;
    // Bound first: the public URL may default to the address actually bound (port 0).
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let local = listener.local_addr()?;
    let public_url = args.public_url(local);
    let (sessions, cookies) = args.session_settings(&public_url)?;
    match cookies {
        CookieSecurity::Secure => {}
        CookieSecurity::InsecureIgnored => tracing::warn!(
            "RAMPART_INSECURE_COOKIES is set but has no effect: the public URL is https or localhost, so the session cookie stays Secure"
        ),
        CookieSecurity::Insecure => tracing::warn!(
            "RAMPART_INSECURE_COOKIES is set: the session cookie is sent without Secure over plain http, where anyone on the network can read it"
        ),
    }
    let bundle = args
        .site_root
        .join("pkg")
        .join(format!("{}.wasm", app::OUTPUT_NAME));
    if !bundle.exists() {
        tracing::warn!(
            path = %bundle.display(),
            "the browser bundle is missing: pages render but will not become interactive (build with `cargo leptos build --release`)"
        );
    }
    let pool = server::open_database(&args.database).await?;
    if let Some(token) = server::auth::setup::prepare(&pool)
        .await
        .context("cannot prepare the first-admin setup")?
    {
        // The link is a secret: it goes to the terminal only, never through the log.
        tracing::info!("no account exists yet: a one-time setup link is printed on standard error (valid for one hour)");
        // The command as this very binary, so it can be pasted as it is.
        let exe = std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "rampart".to_owned());
        eprintln!(
            "\nNo account exists yet. Within the hour, open this one-time link to create the \
             first administrator:\n\n    setup link: {public_url}/setup#token={token}\n\n\
             or, from a shell with DATABASE_URL set as for this server:\n\n    \
             printf '%s\\n' 'A-LONG-PASSWORD' | {exe} user create --email you@example.com --admin\n"
        );
    }
    tracing::info!(listen = %local, public_url = %public_url, "rampart is ready");
    let state = AppState {
        pool: pool.clone(),
        leptos,
        public_url,
        auth: server::auth::Auth {
            hasher: server::auth::Hasher::default(),
            sessions,
            throttle: server::auth::ThrottleSettings::default(),
            open_signup: args.signup == server::config::Signup::Open,
        },
        trusted_proxies: args.trusted_proxies.clone(),
    };
    let purge = tokio::spawn(server::auth::purge_expired(
        pool.clone(),
        state.auth.throttle.window,
    ));
    server::serve(listener, state, shutdown::signal())
        .await
        .context("the server stopped with an error")?;
    purge.abort();
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}
