"""``coastwatch mission upload``, ``mission download`` and ``mission start``: a plan to a
vehicle over MAVLink, what a vehicle holds back to a file, and the mission started.

Every command first waits for the vehicle's heartbeat on ``--connect`` (``--timeout``
seconds); a vehicle that never answers, or refuses, is one line and exit code 5
(:class:`~surveillance.errors.VehicleError`). pymavlink is imported inside the commands: it is
slow to load and ``--help`` should not wait for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from surveillance.cli.app import AppContext, console, needs, out, pass_app, step
from surveillance.errors import InputError

if TYPE_CHECKING:
    from drone_ops.plan import Plan
    from surveillance.store import Store

__all__ = ["download", "start", "upload"]


def _link_options(command: Any) -> Any:
    """``--connect URL``, ``--system N`` and ``--timeout S``, shared by the three commands."""
    for option in reversed(
        [
            click.option(
                "--connect",
                "url",
                required=True,
                metavar="URL",
                help="The vehicle's link: udpin:HOST:PORT, udpout:HOST:PORT, tcp:HOST:PORT, "
                "tcpin:HOST:PORT or /dev/DEVICE:BAUD.",
            ),
            click.option(
                "--system",
                type=click.IntRange(1, 254),
                metavar="N",
                help="The vehicle's MAVLink system id (default: the first vehicle heard).",
            ),
            click.option(
                "--timeout",
                "timeout_s",
                type=click.FloatRange(min=0.1),
                default=10.0,
                show_default=True,
                metavar="S",
                help="Seconds to wait for the vehicle's heartbeat.",
            ),
        ]
    ):
        command = option(command)
    return command


@contextmanager
def _vehicle(url: str, system: int | None, timeout_s: float) -> Iterator[tuple[Any, int]]:
    """The link to ``url`` and the system id of the vehicle heard on it; closed after."""
    from drone_ops.link import open_link
    from drone_ops.mission_protocol import wait_heartbeat

    link = open_link(url)
    try:
        with step(f"waiting for a vehicle on {url}"):
            found = wait_heartbeat(link, timeout_s=timeout_s, url=url, system=system)
        yield link, found
    finally:
        link.close()


@click.command("upload")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--mission", "mission_id", type=int, metavar="ID", help="A stored mission.")
@_link_options
@click.option("--force", is_flag=True, help="Upload even when another mission conflicts.")
@pass_app
@needs("missions")
def upload(
    app: AppContext,
    file: Path | None,
    mission_id: int | None,
    url: str,
    system: int | None,
    timeout_s: float,
    force: bool,
) -> None:
    """Upload a plan (FILE: .plan, .waypoints; or --mission ID) to a vehicle: its mission,
    geofence and rally points, over the MAVLink mission protocol.

    Progress goes to stderr and the summary to stdout; the store records the upload (a file
    not stored yet is stored first) with where it went and the vehicle's system id.
    """
    from drone_ops import mission_protocol

    if (file is None) == (mission_id is None):
        raise InputError("give a plan FILE or --mission ID (one of them)")
    with app.user_store("missions") as store:
        plan, mission_id = _plan_to_upload(store, file, mission_id, app.actor)
        _deconflict(store, plan, mission_id, force=force)
        with _vehicle(url, system, timeout_s) as (link, found), step("uploading") as update:
            result = mission_protocol.upload(
                link,
                plan,
                target_system=found,
                progress=lambda name, n, total: update(f"{name}: {n}/{total} items sent"),
            )
        store.set_mission_status(
            mission_id, "uploaded", uploaded_to=url, system_id=found, by=app.actor
        )
    lists = ", ".join(f"{name} {n} items" for name, n in result.items.items())
    out.print(
        f"mission {mission_id} uploaded to vehicle {found} on {url}: {lists} in "
        f"{result.seconds:.2f} s ({result.round_trips} round trips, {result.retries} retries)"
    )


def _deconflict(store: Store, plan: Plan, mission_id: int, *, force: bool) -> None:
    """Refuse a plan whose path meets another mission's in place, height and time (unless
    forced: then each conflict is a warning)."""
    from drone_ops.deconflict import check_upload

    for conflict in check_upload(store, plan, force=force, exclude=[mission_id]):
        click.echo(f"warning: deconfliction: {conflict.describe()} (uploading, --force)", err=True)


def _plan_to_upload(
    store: Store, file: Path | None, mission_id: int | None, actor: str
) -> tuple[Plan, int]:
    """The plan and its stored id: a stored mission read back, or a file (stored now unless
    it names a mission the store holds, as a plan Coastwatch wrote does)."""
    from drone_ops.files import read_plan
    from drone_ops.qgc_plan import from_document
    from drone_ops.records import mission_record

    if mission_id is not None:
        document = store.mission_plan(mission_id)
        if document is None:
            raise InputError(f"no mission {mission_id}")
        return from_document(document, f"mission {mission_id}"), mission_id
    assert file is not None
    plan = read_plan(file)
    stored = plan.meta.get("mission_id")
    if isinstance(stored, int) and store.mission_plan(stored) is not None:
        return plan, stored
    return plan, store.store_mission(mission_record(plan, created_by=actor))


@click.command("download")
@_link_options
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write what the vehicle holds (the format by its suffix: .plan, "
    ".waypoints, .geojson, .kml).",
)
@needs("missions")
def download(url: str, system: int | None, timeout_s: float, output: Path) -> None:
    """Write what a vehicle holds (mission, geofence, rally points) to a file."""
    from drone_ops import mission_protocol
    from drone_ops.files import write_plan

    with _vehicle(url, system, timeout_s) as (link, found), step("downloading") as update:
        plan = mission_protocol.download(
            link,
            target_system=found,
            progress=lambda name, n, total: update(f"{name}: {n}/{total} items read"),
        )
    write_plan(plan, output)
    fence = len(plan.fence.polygons) + len(plan.fence.circles)
    out.print(
        f"vehicle {found} holds {len(plan.mission_items())} mission items, {fence} fence "
        f"areas and {len(plan.rally)} rally points: written to {output}"
    )


@click.command("start")
@_link_options
@click.option("--mission", "mission_id", type=int, metavar="ID", help="Record it as started.")
@pass_app
@needs("missions")
def start(
    app: AppContext, url: str, system: int | None, timeout_s: float, mission_id: int | None
) -> None:
    """Start the mission a vehicle holds (arming it first if it is disarmed)."""
    from drone_ops import mission_protocol

    with _vehicle(url, system, timeout_s) as (link, found):
        answer = mission_protocol.start(link, target_system=found)
    console.print(f"vehicle {found}: {answer}")
    if mission_id is not None:
        with app.user_store("missions") as store:
            store.set_mission_status(mission_id, "started", system_id=found)
    out.print(
        f"vehicle {found} started its mission" + ("" if mission_id is None else f" {mission_id}")
    )
