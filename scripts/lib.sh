# Shared by scripts/run, scripts/test and scripts/db: finding or installing what Rampart needs.
# Sourced, not executed. Every function is idempotent: it does nothing when the piece is there.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CARGO_LEPTOS_VERSION="0.3.8"
WASM_BINDGEN_VERSION="0.2.130"
# Where the private PostgreSQL cluster lives when no other database is found.
DATA_DIR="${RAMPART_DATA_DIR:-$ROOT/.data}"
PG_PORT="${RAMPART_PG_PORT:-5433}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

if [ -t 2 ]; then
  say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
  warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
  die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }
else
  say() { printf '==> %s\n' "$*" >&2; }
  warn() { printf 'warning: %s\n' "$*" >&2; }
  die() { printf 'error: %s\n' "$*" >&2; exit 1; }
fi

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "this step needs root: run as root or install sudo ($*)"
  fi
}

APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* with your package manager"
  if [ -z "$APT_UPDATED" ]; then
    say "updating the package lists"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  say "installing $* (Debian packages)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_rust() {
  if [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi
  command -v cargo >/dev/null 2>&1 || die "Rust is not installed: install Rust 1.95 or newer with rustup (https://rustup.rs), then run this again"
  command -v cc >/dev/null 2>&1 || apt_install build-essential
  if command -v rustup >/dev/null 2>&1; then
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
      say "adding the wasm32-unknown-unknown target"
      rustup target add wasm32-unknown-unknown
    fi
  fi
}

ensure_cargo_tools() {
  if ! cargo leptos --version 2>/dev/null | grep -q " $CARGO_LEPTOS_VERSION\$"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15-20 minutes on 2 cores, once)"
    cargo install "cargo-leptos@$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes, once)"
    # Not --locked: its lock file pins a yanked webpki-roots release.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
}

# wasm-opt from binaryen 132 (npm), first on PATH: Debian's binaryen 108 corrupts the release wasm.
ensure_wasm_opt() {
  ensure_node
  if ! "$ROOT/tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version 132"; then
    say "installing wasm-opt (binaryen 132, from npm)"
    npm ci --prefix "$ROOT/tools" --no-audit --no-fund --loglevel=error
  fi
  export PATH="$ROOT/tools/node_modules/.bin:$PATH"
}

ensure_build_tools() {
  ensure_rust
  ensure_cargo_tools
  ensure_wasm_opt
}

# The folder cargo-leptos writes the site to: `site-root` in Cargo.toml, inside the project
# whatever CARGO_TARGET_DIR says (only the compiled binaries follow CARGO_TARGET_DIR).
site_root() {
  printf '%s/target/site' "$ROOT"
}

build_release() {
  say "building the release (server and browser bundle)"
  (cd "$ROOT" && cargo leptos build --release)
  [ -f "$(site_root)/pkg/rampart.wasm" ] || die "the build did not produce $(site_root)/pkg/rampart.wasm"
  build_editor_bundle
}

# The editor's own bundle (pkg/rampart-editor.*, see app::bundle_for), built from the
# frontend-editor crate the way cargo-leptos builds the main one: same target folder, profile
# and LEPTOS_OUTPUT_NAME (leptos reads it at compile time; another value would rebuild the
# shared crates each time), then wasm-bindgen and wasm-opt with cargo-leptos's release flags.
build_editor_bundle() {
  local front="$TARGET_DIR/front" pkg
  pkg="$(site_root)/pkg"
  say "building the editor's bundle"
  (cd "$ROOT" && LEPTOS_OUTPUT_NAME=rampart cargo build --package=frontend-editor --lib \
    --target-dir="$front" --target=wasm32-unknown-unknown --no-default-features \
    --profile=wasm-release --locked)
  wasm-bindgen --target=web --no-typescript --out-name=rampart-editor --out-dir="$pkg" \
    "$front/wasm32-unknown-unknown/wasm-release/frontend_editor.wasm"
  mv "$pkg/rampart-editor_bg.wasm" "$pkg/rampart-editor.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$pkg/rampart-editor.wasm" -o "$pkg/rampart-editor.wasm"
  [ -f "$pkg/rampart-editor.js" ] || die "the build did not produce $pkg/rampart-editor.js"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

pg_bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && printf '%s' "$dir"
}

ensure_postgres_installed() {
  if [ -z "$(pg_bindir)" ]; then
    apt_install postgresql
  fi
  [ -n "$(pg_bindir)" ] || die "PostgreSQL's server binaries were not found under /usr/lib/postgresql"
}

# The OS user that owns and runs the private cluster: ourselves, or `postgres` when we are
# root (initdb refuses to run as root).
pg_os_user() {
  if [ "$(id -u)" -eq 0 ]; then printf 'postgres'; else id -un; fi
}

as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_cluster_dir() { printf '%s/postgres' "$DATA_DIR"; }
pg_socket_dir() { printf '%s/postgres/socket' "$DATA_DIR"; }

# Percent-encodes a path for use as a URL query value.
url_encode() {
  local s="$1" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [A-Za-z0-9/._~-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

private_url() {
  printf 'postgres://postgres@localhost/%s?host=%s&port=%s' "$1" "$(url_encode "$(pg_socket_dir)")" "$PG_PORT"
}

private_running() {
  local bin
  bin="$(pg_bindir)" || return 1
  [ -f "$(pg_cluster_dir)/PG_VERSION" ] || return 1
  as_pg_user "$bin/pg_ctl" -D "$(pg_cluster_dir)" status >/dev/null 2>&1
}

# When root runs Postgres as `postgres`, that user must be able to walk down to the data
# folder. A `mktemp -d` folder (mode 700) stops it: give others search permission (x, not
# read) on each ancestor that lacks it, and say so.
grant_traverse() {
  local dir="" part
  local -a parts
  IFS=/ read -r -a parts <<<"${1#/}"
  # From the root down, so each check sees the fixes made above it.
  for part in "${parts[@]}"; do
    [ -n "$part" ] || continue
    dir="$dir/$part"
    if ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
      warn "letting the postgres user pass through $dir (chmod o+x: it can enter, not list)"
      chmod o+x "$dir"
    fi
  done
}

# Starts the private cluster (creating it the first time). It listens on a unix socket only,
# in a folder only its owner can enter, so no other local user can reach it.
private_start() {
  ensure_postgres_installed
  local bin cluster socket
  bin="$(pg_bindir)"
  cluster="$(pg_cluster_dir)"
  socket="$(pg_socket_dir)"
  if [ ${#socket} -gt 90 ]; then
    die "the socket path $socket is too long for a unix socket: set RAMPART_DATA_DIR to a shorter folder"
  fi
  mkdir -p "$DATA_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    grant_traverse "$DATA_DIR"
  fi
  if [ ! -f "$cluster/PG_VERSION" ]; then
    say "creating a private PostgreSQL cluster in $cluster"
    mkdir -p "$cluster"
    chmod 700 "$cluster"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$cluster"
    as_pg_user "$bin/initdb" -D "$cluster" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
    as_pg_user mkdir -p "$socket"
    as_pg_user chmod 700 "$socket"
    as_pg_user tee -a "$cluster/postgresql.conf" >/dev/null <<CONF

# Rampart's private cluster: unix socket only, reachable by its owner alone.
listen_addresses = ''
port = $PG_PORT
unix_socket_directories = '$socket'
unix_socket_permissions = 0700
CONF
  fi
  if private_running; then
    return 0
  fi
  say "starting the private PostgreSQL cluster"
  as_pg_user "$bin/pg_ctl" -D "$cluster" -l "$cluster/server.log" -w -t 60 start >/dev/null \
    || die "PostgreSQL did not start; see $cluster/server.log"
  PRIVATE_STARTED=1
}

private_stop() {
  local bin
  bin="$(pg_bindir)" || return 0
  if private_running; then
    say "stopping the private PostgreSQL cluster"
    as_pg_user "$bin/pg_ctl" -D "$(pg_cluster_dir)" -m fast -w stop >/dev/null
  fi
}

# psql against the server DATABASE_URL points to, on its maintenance database.
psql_admin() {
  PGOPTIONS="-c client_min_messages=warning" "$(pg_bindir)/psql" "$(admin_url)" "$@"
}

# DATABASE_URL with its database name replaced by $1 (user, host and parameters kept).
url_with_database() {
  local url="$DATABASE_URL" query="" rest
  if [[ "$url" == *"?"* ]]; then query="?${url#*\?}"; url="${url%%\?*}"; fi
  rest="${url#*://}"
  printf '%s://%s/%s%s' "${url%%://*}" "${rest%%/*}" "$1" "$query"
}

admin_url() { url_with_database postgres; }

database_name() {
  local url="${DATABASE_URL%%\?*}"
  url="${url#*://}"
  [[ "$url" == */* ]] && printf '%s' "${url#*/}"
}

create_database_if_missing() {
  local name
  name="$(database_name)"
  [ -n "$name" ] || return 0
  if [ "$(psql_admin -XtAc "select 1 from pg_database where datname = '$name'")" != "1" ]; then
    say "creating database $name"
    psql_admin -Xqc "create database \"$name\""
  fi
}

# Sets DATABASE_URL for database `$1`: the one given in DATABASE_URL if set; else a server
# on 127.0.0.1:5432 that lets the `postgres` role in without a password (skipped when
# RAMPART_PRIVATE_DB=1); else the private
# cluster (installed and started as needed; PRIVATE_STARTED=1 when this call started it).
# Creates the database when it is missing.
find_database() {
  local name="$1"
  ensure_postgres_installed
  PRIVATE_STARTED=""
  if [ -n "${DATABASE_URL:-}" ]; then
    say "using the database in DATABASE_URL"
  elif [ -z "${RAMPART_PRIVATE_DB:-}" ] && "$(pg_bindir)/psql" -w -h 127.0.0.1 -p 5432 -U postgres -d postgres -XtAc 'select 1' >/dev/null 2>&1; then
    DATABASE_URL="postgres://postgres@127.0.0.1:5432/$name"
    say "using the PostgreSQL server on 127.0.0.1:5432"
  else
    private_start
    DATABASE_URL="$(private_url "$name")"
    say "using the private PostgreSQL cluster in $(pg_cluster_dir)"
  fi
  export DATABASE_URL
  create_database_if_missing
}
