//! Graceful shutdown: SIGINT (Ctrl-C) or SIGTERM stops accepting connections, lets requests
//! in flight finish, and gives up after [`DRAIN_LIMIT`] so a stuck client cannot keep the
//! process alive.

use std::time::Duration;

/// The longest the server waits for requests in flight after a shutdown signal.
pub const DRAIN_LIMIT: Duration = Duration::from_secs(30);

/// Completes at the first SIGINT or SIGTERM, and arms a timer that ends the process if
/// draining takes longer than [`DRAIN_LIMIT`].
pub async fn signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    let name = tokio::select! {
        () = ctrl_c => "SIGINT",
        () = terminate => "SIGTERM",
    };
    tracing::info!(
        signal = name,
        drain_limit_s = DRAIN_LIMIT.as_secs(),
        "shutting down: finishing requests in flight"
    );
    tokio::spawn(async {
        tokio::time::sleep(DRAIN_LIMIT).await;
        tracing::error!("requests still in flight after the drain limit; exiting");
        std::process::exit(1);
    });
}
