"""``coastwatch db`` and ``coastwatch geo``: the store and its reference geography."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from surveillance.cli.app import AppContext, console, out, pass_app, step

if TYPE_CHECKING:
    from surveillance.embedded import Cluster
    from surveillance.reference import GeographyLoad
    from surveillance.store import Store

__all__ = ["db", "geo"]


@click.group()
def db() -> None:
    """The store: the embedded PostGIS cluster by default, or COASTWATCH_DATABASE_URL."""


def _cluster(app: AppContext) -> Cluster:
    """The embedded cluster of the settings in force (psycopg loads only when asked)."""
    from surveillance.embedded import Cluster

    return Cluster(app.settings)


def _load_geography(app: AppContext, store: Store, force: bool = False) -> GeographyLoad:
    from surveillance.reference import load_geography

    with step("loading reference geography") as update:
        result = load_geography(app.settings, store, force=force, progress=update)
    if result.how == "current":
        console.print(f"geography of {app.settings.aoi_name!r} is current")
    else:
        console.print(
            f"geography of {app.settings.aoi_name!r} loaded ({result.how}): "
            f"{result.land_polygons} land polygons, {result.zones} zones, {result.ports} ports "
            f"in {result.seconds:.1f} s"
        )
    return result


def bring_up(app: AppContext) -> Store:
    """Start the store, migrate it and load the geography: what `db up` and `demo` do."""
    store = app.open_store()
    _load_geography(app, store)
    return store


@db.command()
@pass_app
def up(app: AppContext) -> None:
    """Start the store (initialising it on first use), migrate it and load the geography."""
    bring_up(app).close()
    where = "embedded cluster" if app.settings.embedded else "external server"
    console.print(f"store is up ({where}); `coastwatch db url` gives its address")


@db.command()
@pass_app
def down(app: AppContext) -> None:
    """Stop the embedded cluster cleanly."""
    if not app.settings.embedded:
        console.print("the store is an external server (COASTWATCH_DATABASE_URL): nothing to stop")
        return
    with step("stopping the embedded cluster"):
        stopped = _cluster(app).down()
    console.print("store stopped" if stopped else "store was not running")


def print_status(app: AppContext, store: Store | None) -> None:
    """Where the store is, its versions, whether it is up and what each table holds."""
    from rich.table import Table

    from surveillance.settings import mask_url

    settings = app.settings
    info = Table(box=None, show_header=False)
    if settings.embedded:
        state = _cluster(app).state()
        info.add_row("store", "embedded PostgreSQL cluster")
        info.add_row("location", str(state.location))
        info.add_row("server user", state.server_user)
        info.add_row(
            "state", "up" if state.running else ("down" if state.initialised else "not created")
        )
    else:
        assert settings.database_url is not None
        info.add_row("store", "external server")
        info.add_row("url", mask_url(settings.database_url.get_secret_value()))
    if store is not None:
        for name, version in store.server_versions().items():
            info.add_row(name, version)
        current, head = store.revision()
        behind = "" if current == head else f" (this code expects {head}: `db up` migrates)"
        info.add_row("schema", f"{current or 'none'}{behind}")
    out.print(info)
    if store is None:
        return
    counts = Table("table", "rows", box=None)
    counts.columns[1].justify = "right"
    for table, rows in store.table_counts().items():
        counts.add_row(table, f"{rows:,}")
    out.print(counts)


@db.command()
@pass_app
def status(app: AppContext) -> None:
    """Say where the store is, which versions, whether it is up and its row counts."""
    settings = app.settings
    if settings.embedded and not _cluster(app).is_running():
        print_status(app, None)
        return
    with app.open_store(migrate=False) as store:
        print_status(app, store)


@db.command()
@pass_app
def url(app: AppContext) -> None:
    """Print a libpq URI (postgresql://...) for psql and other tools; starts the store."""
    from surveillance.store import libpq_url

    with step("starting the store"):
        address = libpq_url(app.settings)
    out.print(address)


@db.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def reset(app: AppContext, yes: bool) -> None:
    """Drop all data and start with an empty store (asks first)."""
    settings = app.settings
    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError("reset drops all data; pass --yes to confirm")
        click.confirm("This drops every table and all data in the store. Go on?", abort=True)
    if settings.embedded:
        with step("removing the embedded cluster"):
            _cluster(app).destroy()
    else:
        from surveillance import schema

        with app.open_store(migrate=False) as store, step("dropping all tables"):
            schema.downgrade_base(store.engine)
    bring_up(app).close()
    console.print("store reset: empty, with the geography loaded")


@click.group()
def geo() -> None:
    """Reference geography: coastline, seaports and zones of the area of operations."""


@geo.command("load")
@click.option("--force", is_flag=True, help="Rebuild from the data packages, ignoring caches.")
@pass_app
def geo_load(app: AppContext, force: bool) -> None:
    """Load the geography of the area of operations into the store."""
    with app.open_store() as store:
        _load_geography(app, store, force=force)
