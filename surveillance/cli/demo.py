"""``coastwatch demo``: everything at once, on the default area of operations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from surveillance.access import ROLES, can, roles_with
from surveillance.cli.app import AppContext, ability_of, console, out, pass_app
from surveillance.cli.db import bring_up, print_status
from surveillance.cli.pending import PendingCommand

if TYPE_CHECKING:
    from surveillance.store import Store, UserRecord

__all__ = ["demo"]


def _command(ctx: click.Context, path: tuple[str, ...]) -> click.Command | None:
    command: click.Command | None = ctx.find_root().command
    for name in path:
        if not isinstance(command, click.Group):
            return None
        command = command.commands.get(name)
    return command


@click.command()
@click.option("--no-dashboard", is_flag=True, help="Stop after the summary.")
@click.option(
    "--vessels",
    type=click.IntRange(1, 20_000),
    default=60,
    show_default=True,
    help="Background traffic of the simulated day.",
)
@click.pass_context
@pass_app
def demo(app: AppContext, ctx: click.Context, no_dashboard: bool, vessels: int) -> None:
    """Bring the store up, simulate a scenario, ingest it (AIS, watchlist, SAR scenes, drone
    logs) and crawl the forum pages that speak of its events, run the rules, score them
    against the scenario's truth, list the alerts, add a user per role (demo.intel,
    demo.monitor, ...; password: $COASTWATCH_PASSWORD or a new one, printed), open the
    dashboard.

    Each step is the command of the same name, run as a demo user whose role may (the
    admin ingests, demo.intel imports the watchlist, ...); steps whose code has not landed
    yet are named and skipped.
    """
    with bring_up(app) as store:  # a new store gets its first admin here
        actor = app.require("users").username  # who adds the demo users
        password = _demo_users(store, actor, app.given_new_password())
    scenario = app.settings.home / "demo"
    steps: list[tuple[tuple[str, ...], dict[str, Any]]] = [
        (("simulate",), {"out_dir": scenario, "seed": 0, "vessels": vessels}),
        (("ingest", "ais"), {"paths": (scenario / "feed.nmea",)}),
        (("watchlist", "import"), {"path": scenario / "watchlist.csv"}),
        (("ingest", "scene"), {"paths": (scenario / "scenes",), "sensor": None, "time": None}),
        (
            ("ingest", "drone"),
            {"paths": (scenario / "drone",), "connect": None, "duration": None, "names": ()},
        ),
        (("crawl",), {"sources_file": scenario / "web" / "sources.toml"}),
        (("detect",), {}),
        (
            ("evaluate",),
            {"truth_file": scenario / "truth.json", "slack_minutes": 30.0, "fmt": "table"},
        ),
        (
            ("alerts", "list"),
            {
                "types": (),
                "statuses": (),
                "since": None,
                "until": None,
                "min_score": None,
                "limit": 20,
                "fmt": "table",
            },
        ),
    ]
    missing = []
    for path, params in steps:
        command = _command(ctx, path)
        if command is None or isinstance(command, PendingCommand):
            missing.append(" ".join(path))
            continue
        console.rule(f"coastwatch {' '.join(path)}")
        with app.acting_as(_step_user(app, command, password)):
            ctx.invoke(command, **params)
    console.rule("the store")
    with app.open_store() as store:
        print_status(app, store)
    dashboard = _command(ctx, ("dashboard",))
    if isinstance(dashboard, PendingCommand):
        dashboard = None
    if dashboard is None and not no_dashboard:
        missing.append("dashboard")
    if missing:
        console.print("not available yet, skipped: " + ", ".join(missing))
    console.print(
        'the store stays up: `coastwatch db status`, `psql "$(coastwatch db url)"`; '
        "`coastwatch db down` stops it"
    )
    if dashboard is not None:
        where = {param.name: param.default for param in dashboard.params}
        serves = "`coastwatch dashboard` serves" if no_dashboard else "the dashboard is on"
        console.print(f"{serves} http://{where['host']}:{where['port']}/")
    _print_login(password)
    if dashboard is not None and not no_dashboard:
        console.rule("coastwatch dashboard")
        ctx.invoke(dashboard)


def _step_user(app: AppContext, command: click.Command, password: str) -> UserRecord:
    """Who runs a step: the demo's own user if its role may, else the demo user of the
    first role that may (logged in with the demo users' password)."""
    ability = ability_of(command)
    if ability is None or can(app.user.role, ability):
        return app.user
    with app.open_store() as store:
        return store.login(f"demo.{roles_with(ability)[0]}", password, via="cli")


def _print_login(password: str) -> None:
    """Who to log in as, and the demo users' password (shown once, on stdout)."""
    from rich.markup import escape

    others = ", ".join(f"demo.{role}" for role in ROLES if role != "intel")
    out.print(f"log in as demo.intel (or {others}), password {escape(password)}", highlight=False)


def _demo_users(store: Store, actor: str, given: str | None) -> str:
    """One user per role, ``demo.<role>``, all with one password (``given``, else a new
    one), set afresh on each run, so the demo can be seen as each role; the password."""
    from surveillance.passwords import new_password

    password = given or new_password()
    for role in ROLES:
        name = f"demo.{role}"
        found = store.user(name)
        if found is None:
            store.add_user(name, role, password, by=actor, display_name=f"demo {role}")
            continue
        if found.role != role:
            store.set_role(name, role, by=actor)
        if found.disabled:
            store.set_disabled(name, False, by=actor)
        store.set_password(name, password, by=actor)
    return password
