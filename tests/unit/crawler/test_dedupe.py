"""Duplicates (crawler/dedupe.py): exact by hash, near by MinHash/LSH, on real-looking forum
posts in English and Japanese, and through page_text for mirrors of a whole page."""

from __future__ import annotations

import pytest

from crawler.dedupe import NearDuplicates, content_hash, signature
from crawler.text import page_text
from surveillance.errors import InputError

ENGLISH = """Anyone else hear about the tanker sitting off Tsushima? Word is the DARK STAR
(IMO 9321483, MMSI 636019825) is waiting for a pickup tomorrow night around 02:00,
about twelve miles south of Izuhara. Small boat goes out from the west side of the island,
lights off, they do the ship-to-ship and the boat runs back before first light.
Payment is half up front to the usual wallet, the rest after the drop. Contact the same
handle as last time on Session, no phones. Do not post the position in the open thread."""

ENGLISH_UNRELATED = """Selling a used 40 hp outboard, runs fine, a few scratches on the
cowling. Can meet in Fukuoka or ship it anywhere on Kyushu. Also have two life jackets
and a spare propeller. Price is negotiable for cash, message me here on the forum or reply
in this thread. Pictures on request. No lowballers please, I know what it is worth."""

JAPANESE = """明日の夜、対馬の厳原港の南およそ二十キロの沖で瀬取りをやる。
タンカーは第八海星丸、MMSI 431234567、コールサイン JD2345。
受け渡しは午前二時頃、小型船は西側の浜から灯火なしで出る。
代金は半分前払い、残りは荷を受け取ってから。連絡はいつものテレグラムで、電話は使うな。
位置はこのスレッドには書かないこと。"""

JAPANESE_UNRELATED = """中古の船外機を譲ります。四十馬力、動作に問題なし、カウルに少し傷あり。
福岡市内なら手渡し可能、九州内なら発送もします。
ライフジャケット二着と予備のプロペラも付けます。
値段は相談に応じます。写真が欲しい方はこのスレッドに返信してください。"""


def index(*texts: str) -> NearDuplicates:
    seen = NearDuplicates()
    for text in texts:
        seen.add(content_hash(text), signature(text))
    return seen


def test_the_hash_ignores_layout_and_width() -> None:
    assert content_hash("MMSI  431234567\n tomorrow") == content_hash("MMSI 431234567 tomorrow")
    assert content_hash("ＭＭＳＩ　４３１２３４５６７") == content_hash("MMSI 431234567")
    assert content_hash("ｾﾄﾞﾘ") == content_hash("セドリ")
    assert content_hash("MMSI 431234567") != content_hash("MMSI 431234568")
    assert len(content_hash(ENGLISH)) == 64


def test_the_signature_is_stable_and_compact() -> None:
    assert signature(ENGLISH) == signature(ENGLISH)
    assert signature(ENGLISH) == signature(ENGLISH.replace("\n", " "))
    assert signature(ENGLISH) != signature(JAPANESE)
    assert len(signature(ENGLISH)) == 13 + 4 * 128
    assert isinstance(signature(""), bytes)


@pytest.mark.parametrize(
    ("original", "unrelated", "added", "header", "footer"),
    [
        (
            ENGLISH,
            ENGLISH_UNRELATED,
            "\nEDIT: moved to 03:00, same place.",
            "Mirror | Index | Search\n",
            "\nArchived copy",
        ),
        (
            JAPANESE,
            JAPANESE_UNRELATED,
            "\n追記：時間は三時に変更、場所は同じ。",
            "ミラー｜索引\n",
            "\n保存版",
        ),
    ],
)
def test_a_repost_with_a_line_added_matches(
    original: str, unrelated: str, added: str, header: str, footer: str
) -> None:
    seen = index(unrelated, original)
    assert seen.match(signature(original + added)) == content_hash(original)
    assert seen.match(signature(added + "\n" + original)) == content_hash(original)
    assert seen.match(signature(header + original + footer)) == content_hash(original)


@pytest.mark.parametrize(
    ("original", "unrelated"), [(ENGLISH, ENGLISH_UNRELATED), (JAPANESE, JAPANESE_UNRELATED)]
)
def test_an_unrelated_post_of_the_same_forum_does_not_match(original: str, unrelated: str) -> None:
    seen = index(original)
    assert seen.match(signature(unrelated)) is None
    assert index(ENGLISH, JAPANESE_UNRELATED).match(signature(JAPANESE)) is None


def test_the_same_text_matches_itself() -> None:
    assert index(JAPANESE).match(signature(JAPANESE)) == content_hash(JAPANESE)
    assert index().match(signature(JAPANESE)) is None


def site(post: str, *, name: str, nav: str, footer: str) -> bytes:
    paragraphs = "".join(f"<p>{line}</p>" for line in post.splitlines())
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}</title></head>
<body><header><h1>{name}</h1><nav>{nav}</nav></header>
<main><article><h2>Re: tanker off Tsushima</h2>{paragraphs}</article></main>
<footer>{footer}</footer></body></html>""".encode()


@pytest.mark.parametrize("post", [ENGLISH, JAPANESE])
def test_a_mirror_with_another_header_and_footer_matches(post: str) -> None:
    original = page_text(
        site(
            post,
            name="Harbour Talk",
            nav="<a href='/'>Home</a> <a href='/new'>New posts</a> <a href='/login'>Log in</a>",
            footer="Harbour Talk forum software 2.1. All posts belong to their authors.",
        ),
        url="http://harbourtalk.example/t/88",
    )
    mirror = page_text(
        site(
            post,
            name="Mirror of everything",
            nav="<a href='/'>Index</a> <a href='/search'>Search the mirror</a>",
            footer="Archived copy, crawled for preservation. Contact the archive team to remove.",
        ),
        url="http://mirrorabcdefghijklmnop.onion/harbourtalk/t/88",
    )
    other = page_text(
        site(ENGLISH_UNRELATED, name="Harbour Talk", nav="Home", footer="Harbour Talk"),
        url="http://harbourtalk.example/t/89",
    )
    seen = NearDuplicates()
    seen.add(content_hash(original.text), signature(original.text))
    seen.add(content_hash(other.text), signature(other.text))
    assert seen.match(signature(mirror.text)) == content_hash(original.text)


def test_near_duplicates_are_found_whatever_the_permutations_draw() -> None:
    # Mirrors at a similarity of 0.82-0.88 (another header and footer): each must be found,
    # not the share an LSH tuned for its threshold finds (3 in 40 with datasketch's choice).
    for n in range(40):
        post = f"Post {n}: " + ENGLISH.replace("tomorrow", f"on day {n}")
        mirror = (
            f"Mirror {n} of the Harbour Talk archive, kept before it gets deleted\n{post}\n"
            f"Archived copy {n}, report abuse to the mirror team"
        )
        assert index(post, ENGLISH_UNRELATED).match(signature(mirror)) == content_hash(post)


def test_adding_a_hash_twice_keeps_the_first() -> None:
    seen = index(ENGLISH)
    seen.add(content_hash(ENGLISH), signature(JAPANESE))
    assert len(seen) == 1
    assert seen.match(signature(ENGLISH)) == content_hash(ENGLISH)


def test_bytes_that_are_not_a_signature_are_refused() -> None:
    with pytest.raises(InputError, match="not a lead signature"):
        NearDuplicates().match(b"\x00" * 17)
    with pytest.raises(InputError, match="not a lead signature"):
        NearDuplicates().match(signature(ENGLISH)[:-4])
    with pytest.raises(InputError, match="threshold"):
        NearDuplicates(threshold=1.5)
