"""The simulated flight the vehicle flies: armed, started, its items reached in order."""

from drone_ops.plan import Cmd, MissionItem, Point
from simulator.drone_flight import Flight
from tests.builders.link_plans import HOME, a_plan


def test_a_started_flight_reaches_every_item_in_order() -> None:
    items = a_plan(5).mission_items()
    flight = Flight(1, HOME, items, speed_mps=15.0)
    flight.start()
    reached = [seq for _ in range(600) for seq in flight.step(0.5)]
    assert reached == list(range(len(items)))
    assert not flight.state.flying and flight.state.armed


def test_disarming_stops_the_flight_where_it_is() -> None:
    flight = Flight(1, HOME, a_plan(5).mission_items())
    flight.arm()
    flight.start()
    flight.step(5.0)
    flight.arm(False)
    where = (flight.state.lat, flight.state.lon)
    assert flight.step(60.0) == []
    assert (flight.state.lat, flight.state.lon) == where and not flight.state.flying


def test_a_takeoff_placed_elsewhere_climbs_where_the_vehicle_stands() -> None:
    far = Point(HOME.lat - 0.1, HOME.lon + 0.1)  # a plan made for another launch point
    items = [MissionItem.at(Cmd.NAV_TAKEOFF, far.lat, far.lon, 40.0)] + a_plan(3).mission_items()[
        1:
    ]
    flight = Flight(1, HOME, items, speed_mps=20.0)
    flight.start()
    assert flight.step(10.0) == [] and flight.state.alt_m == 30.0  # climbing at 3 m/s
    assert (flight.state.lat, flight.state.lon) == (HOME.lat, HOME.lon)  # where it stands
    reached = [seq for _ in range(100) for seq in flight.step(1.0)]
    assert reached == list(range(len(items)))
