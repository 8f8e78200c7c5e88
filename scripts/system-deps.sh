#!/bin/sh
# Installs what Coastwatch needs from the system and pip cannot give: PostgreSQL with
# PostGIS 3 for the embedded store (nothing when they are there, or when the store is an
# external server: COASTWATCH_DATABASE_URL), and tor for the crawler's onion sources.
set -eu

have_postgis() {
    for control in /usr/share/postgresql/*/extension/postgis.control; do
        version=${control#/usr/share/postgresql/}
        version=${version%%/*}
        [ -x "/usr/lib/postgresql/$version/bin/initdb" ] && return 0
    done
    return 1
}

# Debian's tor: `coastwatch crawl` starts its own for .onion sources (tor_mode = "own").
# Not fatal: without it those sources need a running Tor (tor_mode = "running").
if ! command -v tor >/dev/null 2>&1 && [ ! -x /usr/sbin/tor ]; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
        tor_as_root=""
    elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 \
        && sudo -n true 2>/dev/null; then
        tor_as_root="sudo"
    else
        tor_as_root="none"
        echo "onion sources need Tor: install the tor package (or set tor_mode = running)" >&2
    fi
    if [ "$tor_as_root" != "none" ]; then
        echo "installing tor from apt for the crawler's onion sources (once)..."
        $tor_as_root apt-get update -qq
        $tor_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends tor >/dev/null
    fi
fi

[ -n "${COASTWATCH_DATABASE_URL:-}" ] && exit 0
[ -n "${COASTWATCH_PG_BINDIR:-}" ] && [ -x "$COASTWATCH_PG_BINDIR/initdb" ] && exit 0
have_postgis && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    cat >&2 <<'MSG'
Coastwatch needs PostgreSQL (>= 14) with PostGIS 3 for its embedded store, and this system
has no apt-get. Install them with your package manager, for example
    dnf install postgresql-server postgis        (Fedora)
    brew install postgresql@15 postgis           (macOS)
then set COASTWATCH_PG_BINDIR to PostgreSQL's bin directory if it is not under
/usr/lib/postgresql; or point COASTWATCH_DATABASE_URL at an existing PostGIS server.
MSG
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo"
else
    cat >&2 <<'MSG'
Coastwatch needs PostgreSQL with PostGIS 3 for its embedded store. Install them as root:
    apt-get install postgresql postgresql-<version>-postgis-3
(<version> is PostgreSQL's major version: `apt-cache depends postgresql` names it)
(or point COASTWATCH_DATABASE_URL at an existing PostGIS server), then run make again.
MSG
    exit 1
fi

echo "installing PostgreSQL and PostGIS from apt (once)..."
$as_root apt-get update -qq
version=$(apt-cache depends postgresql 2>/dev/null | sed -n 's/.*Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -n 1)
version=${version:-15}
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    "postgresql-$version" "postgresql-$version-postgis-3" >/dev/null
have_postgis || { echo "PostGIS is still missing after apt-get install" >&2; exit 1; }
