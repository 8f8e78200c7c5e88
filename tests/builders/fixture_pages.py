"""The pages of the fixture site (:mod:`tests.builders.fixture_site`): a forum with paged
threads, a market listing, broken HTML, Japanese posts in Shift_JIS and EUC-JP, a script
that would add text if it ran, and what the tests expect to find in them.

The posts speak of vessels (MMSIs with valid MIDs, IMOs whose check digit holds), positions
as people write them, ports and coastal towns, times relative to the post, and contact and
payment traces (a real-format Bitcoin and Monero address, a PGP fingerprint), so that
extraction has real work. Every vessel, person and handle is made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape

__all__ = [
    "BTC_ADDRESSES",
    "EUC_JP_TEXT",
    "HANDLES",
    "IMOS",
    "INDEX",
    "MADE_UP_FROM",
    "JAPANESE_PAGES",
    "MARKET",
    "MMSIS",
    "ONION_MARKET",
    "POSTS",
    "SCRIPT_MARKER",
    "SHIFT_JIS_TEXT",
    "THREADS",
    "XMR_ADDRESS",
    "PGP_FINGERPRINT",
    "Post",
    "broken_page",
    "forum_index",
    "made_up_thread",
    "made_up_thread_page",
    "members_page",
    "page",
    "script_page",
    "thread_page",
]

#: The vessels the posts name (valid MIDs: 431 Japan, 440 Korea, 412 China, 352 Panama).
MMSIS = (431234567, 440123456, 412345678, 352987654)
#: IMO numbers whose check digit holds.
IMOS = ("9074729", "9321483", "9183568", "9530125")
#: The Bitcoin genesis address (base58check) and BIP-173's example (bech32).
BTC_ADDRESSES = ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")
#: The Monero project's published donation address (a valid standard address).
XMR_ADDRESS = (
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98"
    "uNbr2VBBEt7f2wfn3RVGQBEP3A"
)
HANDLES = ("@tsushima_runner", "@kaikyo_drop")
PGP_FINGERPRINT = "5B3C 8D2A 1F47 9E60 C4B1  7A2E 3D9F 0B58 E6C7 1A24"
#: Put together by the page's script only: the text never appears unless JavaScript ran.
SCRIPT_MARKER = "SCRIPT-RAN-7731"


@dataclass(frozen=True)
class Post:
    """One forum post as the page shows it: its anchor, author, date as written, text."""

    anchor: str
    author: str
    posted: str
    text: str


#: Thread id -> pages of posts (page 1 first); thread 1 has two pages.
THREADS: dict[int, tuple[str, list[list[Post]]]] = {
    1: (
        "Night work in the Tsushima Strait",
        [
            [
                Post(
                    "p101",
                    "kaikyo",
                    "28 Nov 2026 21:40",
                    "Ship-to-ship tomorrow night near Tsushima. The tanker KORYO STAR "
                    f"(MMSI {MMSIS[1]}, IMO {IMOS[1]}) meets a fishing boat at "
                    "34°12'N 129°45'E. Pickup at Izuhara after 02:00.",
                ),
                Post(
                    "p102",
                    "seagull",
                    "28 Nov 2026 22:05",
                    f"Same crew as last month? The reefer with call sign 3EXY7 and IMO {IMOS[0]} "
                    f"was seen drifting off Hakata. Telegram {HANDLES[0]} for the drop.",
                ),
            ],
            [
                Post(
                    "p103",
                    "kaikyo",
                    "29 Nov 2026 01:15",
                    f"Moved to N34 12.5 E129 45.0. MMSI {MMSIS[0]} stays dark until Saturday. "
                    f"Pay in BTC to {BTC_ADDRESSES[0]} before the pickup.",
                ),
            ],
        ],
    ),
    2: (
        "Quiet week at Busan",
        [
            [
                Post(
                    "p201",
                    "portwatch",
                    "30 Nov 2026 09:12",
                    f"Nothing moving out of Busan this week. A bulker, MMSI {MMSIS[2]}, "
                    "anchored off Shimonoseki for two days. Contact: watcher@example.org "
                    "or +81 90-1234-5678.",
                ),
            ]
        ],
    ),
}

#: Every post of every thread, in thread and page order.
POSTS = [post for _, pages in THREADS.values() for posts in pages for post in posts]

_HEAD = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="{charset}"><title>{title}</title></head>
<body>
<nav><a href="/">Home</a> | <a href="/forum/">Forum</a> | <a href="/market/">Market</a></nav>
<main>
"""
_TAIL = "</main>\n<footer>Board rules: no spam.</footer>\n</body></html>\n"


def page(title: str, body: str, *, lang: str = "en", charset: str = "utf-8") -> str:
    """A whole page around ``body`` (markup), its ``title`` escaped."""
    return _HEAD.format(lang=lang, charset=charset, title=escape(title)) + body + _TAIL


def _post_html(post: Post) -> str:
    return (
        f'<article class="post" id="{post.anchor}">\n'
        f'  <header><span class="author">{escape(post.author)}</span>\n'
        f'  <time class="posted">{escape(post.posted)}</time></header>\n'
        f'  <div class="content"><p>{escape(post.text)}</p></div>\n'
        "</article>\n"
    )


def thread_page(thread: int, page_number: int) -> str | None:
    """Page ``page_number`` (from 1) of ``thread``, with a ``rel=next`` link when more
    follow; None when there is no such page."""
    if thread not in THREADS:
        return None
    title, pages = THREADS[thread]
    if not 1 <= page_number <= len(pages):
        return None
    body = f'<h1 class="thread-title">{escape(title)}</h1>\n<section class="posts">\n'
    body += "".join(_post_html(post) for post in pages[page_number - 1])
    body += '</section>\n<div class="pagination">'
    if page_number > 1:
        body += f'<a class="prev" rel="prev" href="/forum/thread/{thread}?page={page_number - 1}">'
        body += "Previous</a> "
    if page_number < len(pages):
        body += f'<a class="next" rel="next" href="/forum/thread/{thread}?page={page_number + 1}">'
        body += "Next</a>"
    body += "</div>\n"
    return page(f"{title} - page {page_number}", body)


#: Where the made-up threads of :func:`made_up_thread` start numbering.
MADE_UP_FROM = 1000
_PORTS = ("Hakata", "Shimonoseki", "Busan", "Izuhara", "Karatsu", "Moji", "Sasebo", "Nagasaki")
_SAYINGS = (
    "A vessel with MMSI {mmsi} left {port} at {hour:02d}:00.",
    "Its lights were off past the breakwater of {other}.",
    "Two skiffs came alongside {miles} miles out.",
    "The harbour radio at {port} heard nothing from it.",
    "Crew changed at {other} the week before, they say.",
    "It made {knots} knots heading for {other}.",
    "Someone on the pier took photos of the hull.",
    "Fishermen at {port} saw it drift for an hour.",
    "Fuel was bought in cash at {other}.",
    "The coast guard boarded a trawler near {port} instead.",
    "Weather turned after midnight and it anchored.",
    "A second ship answered its flashes from the north.",
    "Nets were left on deck, unused, all night.",
    "The pilot boat at {other} refused to go out.",
    "It came back to {port} empty by noon.",
    "Payment for the berth went through a broker.",
)


def made_up_thread(number: int) -> tuple[str, list[Post]]:
    """Thread ``MADE_UP_FROM + k``: three posts, each its own text (for volume: benches),
    five sayings of :data:`_SAYINGS` apiece, drawn by a generator seeded with its number."""
    k = number - MADE_UP_FROM
    port, other = _PORTS[k % len(_PORTS)], _PORTS[(k * 3 + 1) % len(_PORTS)]
    posts = []
    for j in range(3):
        n = k * 3 + j
        picks = random.Random(n).sample(range(len(_SAYINGS)), 5)
        values = {
            "mmsi": 431_000_000 + (n * 7919) % 999_999,
            "port": port,
            "other": other,
            "hour": n % 24,
            "miles": 3 + n % 40,
            "knots": 8 + n % 12,
        }
        sayings = " ".join(_SAYINGS[i].format(**values) for i in picks)
        posts.append(
            Post(
                f"p{number}-{j}",
                f"watcher{n % 17}",
                f"{1 + n % 28} Nov 2026 {n % 24:02d}:{(n * 7) % 60:02d}",
                f"Report {number}.{j}: {sayings}",
            )
        )
    return f"Sightings near {port} ({number})", posts


def made_up_thread_page(number: int) -> str:
    """The one page of made-up thread ``number``."""
    title, posts = made_up_thread(number)
    body = f'<h1 class="thread-title">{escape(title)}</h1>\n<section class="posts">\n'
    return page(title, body + "".join(_post_html(p) for p in posts) + "</section>\n")


def forum_index(made_up_threads: int = 0) -> str:
    """The list of threads (and ``made_up_threads`` more)."""
    threads = [(number, title) for number, (title, _) in THREADS.items()]
    threads += [
        (n, made_up_thread(n)[0]) for n in range(MADE_UP_FROM, MADE_UP_FROM + made_up_threads)
    ]
    items = "".join(
        f'<li><a class="thread" href="/forum/thread/{number}">{escape(title)}</a></li>\n'
        for number, title in threads
    )
    return page("Forum", f'<h1>Forum</h1>\n<ul class="threads">\n{items}</ul>\n')


INDEX = page(
    "Harbour board",
    """<h1>Harbour board</h1>
<ul>
<li><a href="/forum/">Forum</a></li>
<li><a href="/market/">Market</a></li>
<li><a href="/broken.html">Old notes</a></li>
<li><a href="/jp/sjis.html">瀬取り情報 (Shift_JIS)</a></li>
<li><a href="/jp/eucjp.html">密輸の噂 (EUC-JP)</a></li>
<li><a href="/script.html">Live board</a></li>
<li><a href="/huge.html">Full archive</a></li>
<li><a href="/huge-stream.html">Live archive</a></li>
<li><a href="/loop/a">Moved page</a></li>
<li><a href="/members/">Members only</a></li>
<li><a href="/private/ledger.html">Ledger</a></li>
<li><a href="/download/tracker.exe">Tracker (Windows)</a></li>
<li><a href="/files/latest">Latest build</a></li>
</ul>
""",
)

MARKET = page(
    "Market",
    f"""<h1>Listings</h1>
<div class="listing" id="l1">
  <h2 class="item">Fast boat, night runs, Genkai Sea</h2>
  <p class="seller">Seller: <span class="author">genkai_boats</span></p>
  <p class="desc">Crew for the drop off Fukuoka, pickup at sea. 0.4 BTC per run,
  paid to {BTC_ADDRESSES[1]}. Signal or Telegram {HANDLES[1]}.</p>
  <p class="posted">Listed 27 Nov 2026</p>
</div>
<div class="listing" id="l2">
  <h2 class="item">Escrow, Monero only</h2>
  <p class="desc">XMR {XMR_ADDRESS}. Verify with PGP {PGP_FINGERPRINT}.</p>
  <p class="posted">Listed 26 Nov 2026</p>
</div>
""",
)

ONION_MARKET = page(
    "Hidden market",
    f"""<h1>Hidden market</h1>
<div class="listing" id="o1">
  <h2 class="item">Transfer at sea, East China Sea</h2>
  <p class="desc">The Panama-flag carrier MMSI {MMSIS[3]} (IMO {IMOS[3]}) takes cargo
  ship-to-ship at 32°40'N 128°50'E on Friday night. Escrow in XMR {XMR_ADDRESS}.</p>
  <p class="posted">Listed 29 Nov 2026</p>
</div>
<p><a href="/market/">Clear-web mirror</a></p>
""",
)


def broken_page() -> str:
    """HTML as old boards write it: no end tags for body and html, unclosed paragraphs and
    cells, stray end tags, an unquoted attribute, a comment never closed."""
    return (
        "<html><head><title>Old notes</title><body><div class=notes><p>Notes from the harbour"
        f"<p>The trawler MMSI {MMSIS[0]} left Shimonoseki at dusk</b></i>"
        "<table><tr><td>heading west<td>no lights</table></div></div>"
        f"<p>IMO {IMOS[2]} was in the same spot off Tsushima"
        "<!-- the rest is old"
    )


SHIFT_JIS_TEXT = (
    f"明日の夜、対馬の北で瀬取りがある。船名は第八光洋丸、MMSI {MMSIS[0]}。"
    "北緯34度12分 東経129度45分で待ち合わせ。覚醒剤の受け渡しは厳原港で。"
)
EUC_JP_TEXT = (
    f"博多港の沖で密輸船を見た。IMO {IMOS[0]} の冷凍運搬船が灯火なしで停泊。"
    "連絡は下関の仲間まで。支払いはビットコインのみ。"
)


def _japanese_page(title: str, text: str, posted: str, charset: str) -> str:
    body = (
        f'<h1 class="thread-title">{escape(title)}</h1>\n<section class="posts">\n'
        + _post_html(Post("j1", "umineko", posted, text))
        + "</section>\n"
    )
    return page(title, body, lang="ja", charset=charset)


#: Path -> (the page as text, the encoding it is served in, the Content-Type header).
#: Shift_JIS says its charset only in the page's meta element; EUC-JP only in the header.
JAPANESE_PAGES = {
    "/jp/sjis.html": (
        _japanese_page("瀬取り情報", SHIFT_JIS_TEXT, "2026年11月28日 21時40分", "Shift_JIS"),
        "shift_jis",
        "text/html",
    ),
    "/jp/eucjp.html": (
        _japanese_page("密輸の噂", EUC_JP_TEXT, "2026年11月29日 08時05分", "EUC-JP").replace(
            '<meta charset="EUC-JP">', ""
        ),
        "euc_jp",
        "text/html; charset=EUC-JP",
    ),
}


def script_page() -> str:
    """A page whose script would add a post (and :data:`SCRIPT_MARKER`) if it ran."""
    half = len(SCRIPT_MARKER) // 2
    script = (
        "<script>\nvar p = document.createElement('p');\n"
        f"p.textContent = 'Boat at Moji tonight ' + '{SCRIPT_MARKER[:half]}' + "
        f"'{SCRIPT_MARKER[half:]}';\n"
        "document.querySelector('main').appendChild(p);\n</script>\n"
    )
    body = (
        "<h1>Live board</h1>\n<p>The board updates itself. Last static note: "
        "a ferry delayed at Moji by fog.</p>\n" + script
    )
    return page("Live board", body)


def members_page() -> str:
    """What a logged-in member sees."""
    post = Post(
        "m1",
        "insider",
        "30 Nov 2026 23:50",
        f"Members only: the drop moves to Karatsu. Vessel MMSI {MMSIS[1]} leaves at 03:00 "
        "the day after tomorrow.",
    )
    body = '<h1 class="thread-title">Members</h1>\n<section class="posts">\n'
    return page("Members", body + _post_html(post) + "</section>\n")
