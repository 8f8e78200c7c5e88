"""Pages to text (crawler/text.py) on real bytes: Japanese charsets declared, undeclared and
lied about, BOMs, broken HTML, scripts that write text, and binaries."""

from __future__ import annotations

import codecs
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.text import NotText, PageText, page_text
from surveillance.errors import InputError

JAPANESE_POST = (
    "明日の夜、対馬の厳原港の沖で瀬取りをやる。船は第八海星丸、MMSI 431234567。"
    "受け渡しは二時頃、連絡はいつものテレグラムで。"
)
ENGLISH_POST = (
    "Heads up: the transfer is on for tomorrow night, about 12 miles south of Izuhara. "
    "The tanker will sit with her lights off and the small boat comes alongside at two."
)


def forum_page(post: str, *, charset: str | None = None, title: str = "瀬取り掲示板") -> str:
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        if charset
        else ""
    )
    return f"""<!DOCTYPE html>
<html><head>{meta}<title>{title}</title>
<style>body {{ color: red }} .HIDDEN-STYLE {{}}</style>
<script>document.write("SCRIPT WROTE THIS"); var x = "<p>SCRIPT STRING</p>";</script>
</head>
<body>
<div id="nav"><a href="/">Top</a> | <a href="/login">Login</a></div>
<div class="thread">
  <div class="post" id="p1"><span class="author">kaze</span>
    <p>{post}</p>
  </div>
  <div class="post" id="p2"><span class="author">nami</span>
    <p>了解。
    いつもの場所で。</p>
  </div>
</div>
<noscript>NOSCRIPT TEXT</noscript>
<!-- COMMENT TEXT -->
<script>document.write('<div>WRITTEN BY A SCRIPT</div>')</script>
</body></html>"""


def assert_clean(page: PageText) -> None:
    for hidden in ("SCRIPT", "NOSCRIPT", "COMMENT", "HIDDEN-STYLE", "document.write"):
        assert hidden not in page.text


@pytest.mark.parametrize(
    ("codec", "label", "name"),
    [
        ("shift_jis", "Shift_JIS", "shift_jis"),
        ("cp932", "Windows-31J", "shift_jis"),
        ("euc_jp", "EUC-JP", "euc-jp"),
        ("iso2022_jp", "ISO-2022-JP", "iso-2022-jp"),
        ("utf-8", "UTF-8", "utf-8"),
    ],
)
def test_declared_in_the_page(codec: str, label: str, name: str) -> None:
    page = page_text(forum_page(JAPANESE_POST, charset=label).encode(codec), url="http://f.jp/t/1")
    assert JAPANESE_POST in page.text
    assert "了解。 いつもの場所で。" in page.text
    assert page.title == "瀬取り掲示板"
    assert page.encoding == name
    assert page.language == "ja"
    assert_clean(page)


@pytest.mark.parametrize("codec", ["shift_jis", "euc_jp", "iso2022_jp", "utf-8"])
def test_declared_nowhere(codec: str) -> None:
    page = page_text(forum_page(JAPANESE_POST).encode(codec))
    assert JAPANESE_POST in page.text
    assert page.title == "瀬取り掲示板"


@pytest.mark.parametrize(
    ("codec", "lie", "name"),
    [
        ("shift_jis", "iso-8859-1", "shift_jis"),
        ("shift_jis", "EUC-JP", "shift_jis"),
        ("euc_jp", "Shift_JIS", "euc-jp"),
        ("euc_jp", "utf-8", "euc-jp"),
        ("utf-8", "Shift_JIS", "utf-8"),
        ("utf-8", "windows-1252", "utf-8"),
        ("iso2022_jp", "Shift_JIS", "iso-2022-jp"),
    ],
)
def test_a_lying_charset_loses(codec: str, lie: str, name: str) -> None:
    body = forum_page(JAPANESE_POST, charset=lie).encode(codec)
    page = page_text(body, content_type=f"text/html; charset={lie}")
    assert JAPANESE_POST in page.text
    assert page.encoding == name


def test_an_xml_declaration_names_the_charset() -> None:
    body = (
        '<?xml version="1.0" encoding="EUC-JP"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        f"<head><title>掲示板</title></head><body><p>{JAPANESE_POST}</p></body></html>"
    ).encode("euc_jp")
    page = page_text(body, content_type="application/xhtml+xml")
    assert page.encoding == "euc-jp" and JAPANESE_POST in page.text


def test_the_header_charset_is_used() -> None:
    body = f"<p>{ENGLISH_POST} Café, naïve.</p>".encode("cp1252")
    page = page_text(body, content_type='text/html; charset="ISO-8859-1"')
    assert page.text == ENGLISH_POST + " Café, naïve."
    assert page.encoding == "windows-1252"


def test_unknown_and_dangerous_labels_are_ignored() -> None:
    body = forum_page(JAPANESE_POST, charset="x-no-such-charset").encode("shift_jis")
    assert JAPANESE_POST in page_text(body, content_type="text/html; charset=base64").text
    seven = b"<p>+ADw-script+AD4-alert(1)+ADw-/script+AD4-</p>"
    assert page_text(seven, content_type="text/html; charset=utf-7").text == (
        "+ADw-script+AD4-alert(1)+ADw-/script+AD4-"
    )


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_a_bom_wins(bom: bytes, codec: str) -> None:
    body = bom + forum_page(JAPANESE_POST, charset="Shift_JIS").encode(codec)
    page = page_text(body, content_type="text/html; charset=Shift_JIS")
    assert JAPANESE_POST in page.text
    assert not page.text.startswith("\ufeff")


def test_without_a_bom_utf8_reads_the_same() -> None:
    body = forum_page(ENGLISH_POST).encode()
    with_bom = page_text(codecs.BOM_UTF8 + body)
    without = page_text(body)
    assert with_bom == without
    assert without.language == "en"
    assert ENGLISH_POST in without.text


def test_a_fragment_is_all_text_one_line_per_block() -> None:
    post = (
        '<div class="post"><b>kaze</b> wrote:<br>Meet at <i>Izuhara</i>\n tomorrow night.'
        "<ul><li>bring cash</li><li>no phones</li></ul><script>alert('x')</script></div>"
    )
    page = page_text(post.encode(), content_type="text/html")
    assert page.text == "kaze wrote:\nMeet at Izuhara tomorrow night.\nbring cash\nno phones"
    assert page.title is None


def test_broken_html_still_reads() -> None:
    broken = (
        "<html><head><title>Ports & <b>tides</title><body><div><p>Tanker <b>DARK STAR "
        "<i>off Tsushima</b> at 02:00<p>second <td>cell</div></span></body>"
        "<p>after the end<script>document.write('late')"
    )
    page = page_text(broken.encode(), content_type="text/html; charset=utf-8")
    assert "Tanker DARK STAR off Tsushima at 02:00" in page.text
    assert "second" in page.text
    assert "after the end" in page.text
    assert "document.write" not in page.text
    assert page.title == "Ports & <b>tides"


def test_deep_nesting_does_not_overflow() -> None:
    body = ("<div>" * 5000 + "deep down" + "</div>" * 5000).encode()
    assert "deep down" in page_text(body).text


def test_markup_in_text_stays_text() -> None:
    page = page_text(b"<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>")
    assert page.text == "<script>alert(1)</script> & more"


def test_plain_text_is_kept_as_is() -> None:
    body = "Line one <b>not bold</b>\r\n\r\n\r\n\r\nLine   two\tend\n".encode("shift_jis")
    page = page_text(body, content_type="text/plain")
    assert page.text == "Line one <b>not bold</b>\n\nLine two end"
    assert page.title is None


def test_plain_japanese_without_a_label() -> None:
    page = page_text(JAPANESE_POST.encode("euc_jp"), url="http://f.jp/dump.txt")
    assert page.text == JAPANESE_POST
    assert page.encoding == "euc-jp"


def test_too_little_text_has_no_language() -> None:
    assert page_text(b"<p>ok</p>").language is None
    assert page_text("<p>了解</p>".encode()).language is None


@pytest.mark.parametrize(
    "body",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        b"GIF89a\x01\x00\x01\x00",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"\x7fELF\x02\x01\x01\x00\x00\x00",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
        b"#!/bin/sh\ncurl http://x | sh\n",
        b"<html><body>text</body></html>\x00\x00trailing nul",
    ],
)
def test_binaries_are_not_text(body: bytes) -> None:
    with pytest.raises(NotText) as refused:
        page_text(body)
    assert refused.value.reason == "binary"
    assert isinstance(refused.value, InputError)


def test_a_binary_content_type_is_not_text() -> None:
    with pytest.raises(NotText) as refused:
        page_text(b"<p>looks like a page</p>", content_type="image/svg+xml")
    assert refused.value.reason == "binary"


def test_words_that_start_like_a_signature_are_text() -> None:
    assert page_text(b"MZ port call at 0400, BM crew change", content_type="text/plain").text


@pytest.mark.parametrize(
    "body",
    [b"", b" \r\n\t ", b"<html><head><script>x()</script></head><body>  </body></html>"],
)
def test_empty_pages(body: bytes) -> None:
    with pytest.raises(NotText) as refused:
        page_text(body, content_type="text/html")
    assert refused.value.reason == "empty"


def test_undecodable() -> None:
    # High bytes in no order: not valid UTF-8, and every charset reads them as chaos.
    noise = random.Random(7)
    alphabet = [*range(0x80, 0x100), 0x20, 0x41, 0x61]
    body = bytes(noise.choice(alphabet) for _ in range(600))
    with pytest.raises(NotText) as refused:
        page_text(body, content_type="text/plain; charset=utf-8")
    assert refused.value.reason == "undecodable"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=500).map(lambda text: f"<p>{text}</p>".encode()),
        st.builds(
            lambda text, codec: text.encode(codec, errors="ignore"),
            st.text(max_size=300),
            st.sampled_from(["shift_jis", "euc_jp", "iso2022_jp", "utf-16", "cp1252"]),
        ),
    ),
    st.sampled_from([None, "text/html", "text/plain; charset=Shift_JIS", "text/html; charset=x"]),
)
def test_any_bytes_give_text_or_not_text(body: bytes, content_type: str | None) -> None:
    try:
        page = page_text(body, content_type=content_type)
    except NotText as refused:
        assert refused.reason in {"binary", "empty", "undecodable"}
        return
    assert isinstance(page, PageText)
    assert page.text and page.text == page.text.strip()
    assert "\x00" not in page.text


def test_a_whole_thread_keeps_every_post() -> None:
    posts = "".join(
        f'<article class="post"><span class="author">user{n}</span>'
        f'<div class="content"><p>Post number {n}: {ENGLISH_POST}</p></div></article>'
        for n in range(1, 4)
    )
    page = page_text(
        f"<html><head><title>Thread</title></head><body><nav>Home | Log in</nav>"
        f"{posts}<footer>forum engine</footer></body></html>".encode(),
        content_type="text/html",
    )
    for n in range(1, 4):
        assert f"Post number {n}:" in page.text


def test_an_article_page_is_its_main_text() -> None:
    menu = "".join(f"<li><a href='/s/{n}'>Section {n}</a></li>" for n in range(12))
    story = "".join(f"<p>{ENGLISH_POST} Paragraph {n}.</p>" for n in range(6))
    page = page_text(
        f"<html><body><header><ul>{menu}</ul></header><article>{story}</article>"
        "<footer>Copyright the harbour paper. All rights reserved.</footer></body></html>".encode()
    )
    assert "Paragraph 5." in page.text
    assert "Section 3" not in page.text and "Copyright" not in page.text


def test_inline_elements_never_split_a_line() -> None:
    page = page_text(
        (
            '<html><head><meta charset="EUC-JP"></head><body><nav><a href="/">Home</a> | '
            '<a href="/f">Forum</a></nav><main><h1>密輸の噂</h1><article><span>umineko</span> '
            f"<time>2026年11月29日</time><p>{JAPANESE_POST}</p></article></main></body></html>"
        ).encode("euc_jp")
    )
    assert "|" not in page.text.split("\n")
    assert "umineko 2026年11月29日" in page.text.split("\n")
    assert JAPANESE_POST in page.text.split("\n")
