"""Background traffic and confounders: ships between ports, an anchorage, fishing fleets,
small craft, and the look-alikes that must raise no alert."""

from __future__ import annotations

import numpy as np

from simulator.builder import HOUR, Builder
from simulator.motion import Drift, Leg, Still, Transit
from surveillance.geodesy import KNOT_MS

__all__ = ["Traffic"]


class Traffic(Builder):
    """Vessels going about their business (the confounders among them)."""

    def transits(self, count: int) -> None:
        n_ports = len(self.world.ports)
        for _ in range(count):
            for _ in range(20):
                a, b = self.rng.choice(n_ports, size=2, replace=False)
                lane = self.route(int(a), int(b))
                if lane is not None:
                    break
            else:
                continue
            path = lane + self.rng.normal(0, 300, size=2)
            kn = float(self.rng.uniform(10, 16))
            leg = Transit.along(path, 0.0, kn)
            offset = self.rng.uniform(-(leg.end_s - leg.start_s), self.end_s - self.start_s)
            leg.start_s += self.start_s + offset
            leg.end_s += self.start_s + offset
            berth = Still(leg.end_s, self.end_s + HOUR, path[-1])
            self.vessel([leg, berth], ship_type=int(self.rng.choice([70, 80, 60])))

    def anchorage(self, count: int) -> None:
        """A crowded anchorage off one port (confounder: many still ships close together)."""
        _, port = self.world.port()
        centre = port + self.rng.normal(0, 2500, 2)
        for _ in range(count):
            spot = centre + self.rng.normal(0, 400, 2)
            self.vessel([Still(self.start_s - HOUR, self.end_s + HOUR, spot)], ship_type=70)

    def fishing_fleets(self, count: int) -> None:
        """Boats trawling in groups on offshore grounds, at about 3 kn, a few km apart."""
        for start in range(0, count, 6):
            ground = self.offshore(12)
            for k in range(min(6, count - start)):
                spot = ground + np.array([2500.0 * k, 1800.0 * (k % 3)])
                self.vessel(
                    [
                        Drift(
                            self.start_s - HOUR,
                            self.end_s + HOUR,
                            spot,
                            500,
                            max_kn=4.0,
                            phase=float(k),
                            period_s=1800.0,
                        )
                    ],
                    ship_type=30,
                    length_m=25,
                    beam_m=7,
                )

    def small_craft(self, count: int) -> None:
        for _ in range(count):
            _, port = self.world.port()
            out = self._harbour_spot(port)
            t0 = self.start_s + float(self.rng.uniform(0, max(1.0, self.end_s - self.start_s)))
            go = self.approach(port, out, t0, 8)
            back = self.approach(out, port, go.end_s + HOUR, 8)
            self.vessel(
                [
                    Still(self.start_s - HOUR, t0, port),
                    go,
                    Drift(go.end_s, back.start_s, out, 200),
                    back,
                    Still(back.end_s, self.end_s + HOUR, port),
                ],
                ship_type=37,
                class_b=True,
                length_m=9,
                beam_m=3,
            )

    def _harbour_spot(self, port: np.ndarray) -> np.ndarray:
        """A spot a few km off a port that a boat reaches by water (the port when none)."""
        for _ in range(20):
            out = port + self.rng.normal(0, 4000, 2)
            way = port + np.linspace(0, 1, 40)[:, None] * (out - port)
            beyond_port = np.linalg.norm(way - port, axis=1) > 3000
            if (self.world.distance_to_land_m(way[beyond_port]) > 200).all() and (
                self.world.distance_to_land_m(out)[0] > 200
            ):
                return out
        return port

    def confounders(self) -> None:
        _, port = self.world.port()
        for k in range(2):  # moored together in port, for hours
            self.vessel(
                [Still(self.start_s - HOUR, self.end_s + HOUR, port + [30.0 * k, 0])], ship_type=80
            )
        _, port2 = self.world.port()
        lane = np.array([port2 + [6000, 6000], port2 + [500, 500]])
        ship = Transit.along(lane, self.start_s + HOUR, 4)
        tug = Transit.along(lane + 40, self.start_s + HOUR, 4)
        self.vessel([ship], ship_type=70)
        self.vessel([tug], ship_type=52, length_m=30, beam_m=10)
        ground = self.offshore(15)
        for k in range(4):  # fishing: slow offshore but kilometres apart
            spot = ground + np.array([3000.0 * k, 2500.0 * (k % 2)])
            self.vessel(
                [Drift(self.start_s - HOUR, self.end_s + HOUR, spot, 600, max_kn=1.5)],
                ship_type=30,
                length_m=25,
                beam_m=7,
            )
        cross = self.offshore(12)
        t_meet = self.start_s + 2 * HOUR
        for sign in (1, -1):  # passing at 300 m, 12 kn
            start = cross + np.array([-sign * 12 * KNOT_MS * 1800, sign * 150.0])
            end = cross + np.array([sign * 12 * KNOT_MS * 1800, sign * 150.0])
            passing = Transit(t_meet - 1800, t_meet + 1800, np.array([start, end]))
            self.vessel([passing, self.sail_on(passing)], ship_type=70)
        for _ in range(20):  # a ferry with scheduled stops, on a lane that stays at sea
            a, b = (int(i) for i in self.rng.choice(len(self.world.ports), 2, replace=False))
            there, back = self.route(a, b), self.route(b, a)
            if there is not None and back is not None:
                break
        else:
            return
        legs: list[Leg] = []
        t = self.start_s
        for k in range(6):
            path = there if k % 2 == 0 else back
            leg = Transit.along(path, t, 18)
            legs += [leg, Still(leg.end_s, leg.end_s + 0.5 * HOUR, path[-1])]
            t = leg.end_s + 0.5 * HOUR
        self.vessel(legs, ship_type=60, length_m=150, beam_m=25)
