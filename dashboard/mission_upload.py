"""Uploading a stored mission to a vehicle from the Missions page: the connection as
pymavlink names it (``udpout:H:P``, ``tcp:H:P``, ``/dev/ttyUSB0:57600``), the vehicle's
heartbeat, the mission protocol (``drone_ops.mission_protocol``), each step shown as it
happens and the vehicle's refusal in words; the store records where the mission went.

pymavlink is slow to import: it is imported here only when a person presses "Upload".
"""

from __future__ import annotations

import streamlit as st

from dashboard import state
from drone_ops.plan import Plan
from surveillance.errors import CoastwatchError
from surveillance.store import Store

__all__ = ["upload_panel"]

_HEARTBEAT_S = 10.0


def _upload(
    store: Store, plan: Plan, mission_id: int, url: str, target: int | None, actor: str
) -> None:
    """Connect, wait for the vehicle, upload each list with a progress bar, record; every
    step in a status box, a failure or refusal as the vehicle's words."""
    from drone_ops.link import open_link
    from drone_ops.mission_protocol import upload, wait_heartbeat

    with st.status(f"Uploading to {url}", expanded=True) as box:
        bar = st.progress(0.0, text="waiting for the vehicle")

        def progress(name: str, done: int, count: int) -> None:
            bar.progress(done / count if count else 1.0, text=f"{name}: {done} of {count} items")

        try:
            link = open_link(url)
            try:
                box.write(f"Waiting up to {_HEARTBEAT_S:.0f} s for the vehicle's heartbeat")
                system = wait_heartbeat(link, timeout_s=_HEARTBEAT_S, url=url, system=target)
                box.write(
                    f"Vehicle {system} answered: sending {len(plan.mission_items())} mission, "
                    f"{len(plan.fence_items())} fence and {len(plan.rally_items())} rally items"
                )
                result = upload(link, plan, target_system=system, progress=progress)
            finally:
                link.close()
            store.set_mission_status(
                mission_id, "uploaded", uploaded_to=url, system_id=system, by=actor
            )
        except CoastwatchError as error:
            box.update(label=f"Upload failed: {error}", state="error")
            state.show_error(error)
            return
        sent = ", ".join(f"{n} {name}" for name, n in result.items.items())
        box.update(label=f"Uploaded to vehicle {system} at {url}: {sent} items", state="complete")
        box.write(
            f"{result.round_trips} round trips in {result.seconds:.1f} s, "
            f"{result.retries} sent again"
        )


def upload_panel(store: Store, plan: Plan, mission_id: int | None, actor: str, key: str) -> None:
    """The connection field and the button (a plan is saved before it is uploaded; the
    upload is audited as ``actor``'s); ``key`` tells this panel's widgets from another's."""
    left, right = st.columns([3, 1])
    url = left.text_input(
        "Connection",
        value="udpout:127.0.0.1:14550",
        key=f"{key}_connect",
        help="udpin:H:P, udpout:H:P, tcp:H:P, tcpin:H:P or /dev/ttyUSB0:57600",
    )
    target = right.number_input(
        "System id (0: the one that answers)", 0, 255, 0, key=f"{key}_target"
    )
    pressed = st.button("Upload", key=f"{key}_upload", disabled=mission_id is None)
    if pressed and mission_id is not None:
        _upload(store, plan, mission_id, url.strip(), int(target) or None, actor)
    if mission_id is None:
        st.caption("Save the plan first: the store records where it is uploaded.")
