//! One module per route.

mod account;
mod admin_users;
mod api_docs;
mod audit;
mod dashboard;
mod editor;
mod home;
mod invitations;
mod not_found;
pub(crate) mod register;
mod reset_password;
mod setup;
mod signin;
mod signup;
mod team;
mod teams;
mod versions;

pub use account::AccountPage;
pub use admin_users::AdminUsersPage;
pub use api_docs::ApiDocsPage;
pub use audit::AuditPage;
pub use dashboard::DashboardPage;
pub use editor::EditorPage;
pub use home::HomePage;
pub use invitations::InvitationsPage;
pub use not_found::NotFound;
pub use register::RegisterPage;
pub use reset_password::ResetPasswordPage;
pub use setup::SetupPage;
pub use signin::SignInPage;
pub use signup::SignUpPage;
pub use team::TeamPage;
pub use teams::TeamsPage;
pub use versions::VersionsPage;
