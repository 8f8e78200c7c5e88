"""Pages to text: the bytes of a web page (or one forum post) as plain text, its title, its
encoding and its language.

Everything a page says is hostile: its charset may lie, its HTML may be broken, its scripts
may write text a reader never sees. What comes out is plain text with one line per block,
the text every entity span indexes into.

>>> page = page_text("<p>瀬取り  明日の夜</p>".encode("shift_jis"), content_type="text/html")
>>> page.text, page.encoding
('瀬取り 明日の夜', 'shift_jis')
"""

from __future__ import annotations

import codecs
import copy
import html
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import charset_normalizer
import lxml.etree
import lxml.html
import trafilatura

from surveillance.errors import InputError

__all__ = ["NotText", "PageText", "language_of", "page_text", "tidy"]

logger = logging.getLogger(__name__)


class NotText(InputError):
    """The bytes are not a text page; ``reason`` says why in a slug (``"binary"``,
    ``"empty"``, ``"undecodable"``)."""

    def __init__(self, reason: str, message: str | None = None) -> None:
        super().__init__(message or f"not a text page: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class PageText:
    """A page as text: ``text`` one line per block, whitespace collapsed within a line;
    ``title`` the page's own title if it has one; ``encoding`` the charset its bytes were
    read with (a WHATWG name where there is one); ``language`` an ISO 639-1 code, or None
    when the text is too short to tell."""

    text: str
    title: str | None
    encoding: str
    language: str | None


def page_text(body: bytes, *, content_type: str | None = None, url: str = "") -> PageText:
    """The text of ``body`` (a whole page or an HTML fragment), read with the charset of
    ``content_type`` or of the page itself where they decode cleanly, else the one
    charset-normalizer finds; raises :class:`NotText` for what is not a text page."""
    mime, header_charset = _parse_content_type(content_type)
    if not body.strip():
        raise NotText("empty", f"not a text page: no content ({url or 'no URL'})")
    if mime.startswith(_BINARY_TYPES) or mime in _BINARY_MIMES:
        raise NotText("binary", f"not a text page: served as {mime}")
    bom = _bom(body)
    if bom is None and _looks_binary(body):
        raise NotText("binary", "not a text page: binary content")
    is_html = _is_html(mime, body, url)
    text, encoding = _decode(body, bom, header_charset, is_html)
    if is_html:
        text, title = _html_text(text, url)
    else:
        text, title = tidy(text), None
    if not text:
        raise NotText("empty", f"not a text page: no text ({url or 'no URL'})")
    return PageText(text=text, title=title, encoding=encoding, language=language_of(text))


# -- what the bytes are ------------------------------------------------------------------------

_BINARY_TYPES = ("image/", "audio/", "video/", "font/", "model/")
_BINARY_MIMES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "application/x-7z-compressed",
        "application/x-rar-compressed",
        "application/x-tar",
        "application/x-bzip2",
        "application/x-xz",
        "application/x-executable",
        "application/x-msdownload",
        "application/x-dosexec",
        "application/x-sharedlib",
        "application/x-mach-binary",
        "application/java-archive",
        "application/vnd.android.package-archive",
        "application/wasm",
    }
)

#: File signatures of images, archives, documents and executables (the common ones of the
#: freedesktop shared-mime-info database); most binaries also hold NUL bytes.
_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"BM",  # checked with a NUL below: "BM" also starts words
    b"RIFF",  # WebP, WAV, AVI
    b"%PDF-",
    b"PK\x03\x04",  # zip, jar, apk, docx
    b"PK\x05\x06",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x7fELF",
    b"MZ",  # DOS/Windows executables
    b"\xca\xfe\xba\xbe",  # Java class, Mach-O fat binary
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xce\xfa\xed\xfe",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\x00asm",  # WebAssembly
    b"OggS",
    b"ID3",
    b"fLaC",
    b"wOFF",
    b"wOF2",
    b"#!/",  # a script to run, not a page to read
)
#: Signatures that begin ordinary words too: binary only with a non-text byte soon after.
_WEAK_MAGIC = (b"BM", b"MZ", b"BZh", b"ID3", b"OggS", b"RIFF", b"fLaC", b"wOFF", b"wOF2")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def _looks_binary(body: bytes) -> bool:
    """Bytes with a file signature, a NUL byte, or many control bytes (ESC aside: ISO-2022-JP
    is made of it)."""
    head = body[:1024]
    for magic in _MAGIC:
        weak = magic in _WEAK_MAGIC and not _CONTROL_BYTES.search(head[len(magic) : 64])
        if head.startswith(magic) and not weak:
            return True
    if b"\x00" in body:
        return True
    return len(_CONTROL_BYTES.findall(head)) > len(head) // 20


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM starts it
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _bom(body: bytes) -> tuple[str, int] | None:
    """The encoding a byte order mark names, and the mark's length."""
    for mark, encoding in _BOMS:
        if body.startswith(mark):
            return encoding, len(mark)
    return None


def _parse_content_type(content_type: str | None) -> tuple[str, str | None]:
    """``text/html; charset="Shift_JIS"`` -> ``("text/html", "Shift_JIS")``."""
    if not content_type:
        return "", None
    mime, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").strip() or None
    return mime.strip().lower(), charset


_HTML_TYPES = ("text/html", "application/xhtml+xml")
_PLAIN_SUFFIXES = (".txt", ".text", ".log", ".csv", ".md")
_TAG = re.compile(
    rb"<(?:!doctype|html|head|body|meta|title|p|div|span|br|a|b|i|em|strong|ul|ol|li|table|"
    rb"tr|td|th|h[1-6]|script|style|article|section|blockquote|pre|img|font|form|center)"
    rb"[\s/>]",
    re.IGNORECASE,
)


def _is_html(mime: str, body: bytes, url: str) -> bool:
    """HTML if served as HTML, plain if served as plain text; else sniffed from the bytes
    (an ASCII tag in the first 4 KiB) unless the URL names a plain-text file."""
    if mime in _HTML_TYPES:
        return True
    if mime.startswith("text/"):
        return False
    if url.lower().split("?")[0].endswith(_PLAIN_SUFFIXES):
        return False
    head = body[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: look at every other byte
        head = head[2::2] if head[:2] == b"\xff\xfe" else head[3::2]
    return _TAG.search(head) is not None


# -- the charset -------------------------------------------------------------------------------

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""")
_ISO_2022_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I")

#: Labels read as their WHATWG Encoding Standard encoding: pages labelled Latin-1 or ASCII
#: are windows-1252, pages labelled Shift_JIS use Microsoft's superset (①, ㈱, NEC kanji).
_LABELS = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "csshiftjis": "cp932",
    "x-euc-jp": "euc_jp",
    "unicode-1-1-utf-8": "utf-8",
    "utf8": "utf-8",
}
#: Codecs Python has that no page may use: not text encodings, or (UTF-7) a way to smuggle
#: markup past filters; a label naming one is ignored.
_REFUSED_CODECS = frozenset(
    {
        "utf-7",
        "unicode-escape",
        "raw-unicode-escape",
        "idna",
        "punycode",
        "undefined",
        "mbcs",
        "oem",
        "charmap",
        "palmos",
    }
)
#: Python codec names as the web names them.
_WEB_NAMES = {
    "utf-8": "utf-8",
    "cp932": "shift_jis",
    "shift_jis": "shift_jis",
    "euc_jp": "euc-jp",
    "euc_jis_2004": "euc-jp",
    "euc_jisx0213": "euc-jp",
    "iso2022_jp": "iso-2022-jp",
    "iso2022_jp_2": "iso-2022-jp",
    "iso2022_jp_ext": "iso-2022-jp",
    "cp1252": "windows-1252",
    "iso8859-1": "windows-1252",
    "utf-16-le": "utf-16le",
    "utf-16-be": "utf-16be",
    "utf-32-le": "utf-32le",
    "utf-32-be": "utf-32be",
}


def _codec(label: str | None) -> str | None:
    """The Python codec for a charset label, or None for an unknown or refused one."""
    if not label:
        return None
    label = label.strip().lower()
    label = _LABELS.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED_CODECS:
        return None
    return info.name


#: What a right decoding seldom gives and a wrong one often does: C0/C1 controls other than
#: whitespace, private-use and unassigned-looking code points, and half-width katakana
#: (EUC-JP bytes read as Shift_JIS come out as runs of it).
_ODD = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd\uff61-\uff9f]")


def _clean(body: bytes, codec: str) -> str | None:
    """``body`` decoded with ``codec`` if that goes without error and reads like text."""
    try:
        text = body.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None
    high = sum(1 for char in text if ord(char) > 0x7E) or 1
    if len(_ODD.findall(text)) > max(2, high // 10):
        return None
    return text


def _decode(
    body: bytes, bom: tuple[str, int] | None, header_charset: str | None, is_html: bool
) -> tuple[str, str]:
    """The text of ``body`` and the encoding it was read with, in the order of trust: a BOM;
    ISO-2022-JP's escapes; valid UTF-8 (Shift_JIS, EUC-JP or Latin text is almost never
    valid UTF-8 by chance, so a label saying otherwise lies); the header's and the page's
    charset where they decode cleanly; then charset-normalizer."""
    if bom is not None:
        codec, length = bom
        try:
            return body[length:].decode(codec), _web_name(codec)
        except UnicodeDecodeError:
            pass  # a BOM followed by something else: read the rest as if it had none
        body = body[length:]
    if any(escape in body for escape in _ISO_2022_ESCAPES):
        for codec in ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2"):
            if (text := _clean(body, codec)) is not None:
                return text, _web_name(codec)
    declared = [_codec(header_charset)]
    if is_html:
        head = body[:8192]
        labels_found = _XML_ENCODING.findall(head[:256]) + _META_CHARSET.findall(head)
        declared += [_codec(label.decode("ascii")) for label in labels_found]
    labels = [codec for codec in declared if codec is not None]
    if body.isascii():
        text = body.decode("ascii")
        same = [codec for codec in labels if _clean(body, codec) == text]
        return text, _web_name(same[0]) if same else "utf-8"
    if (text := _clean(body, "utf-8")) is not None:
        return text, "utf-8"
    for codec in labels:
        if (text := _clean(body, codec)) is not None:
            return text, _web_name(codec)
        logger.debug("the declared charset %s does not decode the page", codec)
    best = charset_normalizer.from_bytes(body).best()
    if best is None or best.encoding is None or _codec(best.encoding) is None:
        raise NotText("undecodable", "not a text page: no charset decodes it")
    return str(best), _web_name(best.encoding)


def _web_name(codec: str) -> str:
    name = codecs.lookup(codec).name
    return _WEB_NAMES.get(name, name)


# -- HTML to text ------------------------------------------------------------------------------

#: Elements whose content is never text to read: code, styles, what shows only without
#: scripts, embedded objects and forms' hidden machinery.
_UNREAD = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "canvas",
    "head",
    "select",
    "button",
    "input",
    "textarea",
)
#: Elements that end a line of text.
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
#: Past this much markup trafilatura takes seconds a page (its recall pass is quadratic in
#: places); such pages are dumps and listings, read whole.
MAX_MAIN_TEXT_MARKUP_CHARS = 1_000_000
#: trafilatura's main text stands for the page when it keeps this share of all its text;
#: less, and the page is a list (a thread of posts, of which it keeps the first, a market's
#: listings) or it misjudged: all the text is kept, since a lost post is worse than a menu.
MIN_MAIN_TEXT_SHARE = 0.5
#: In HTML a line break in the source is a space; only blocks break lines.
_SPACES = re.compile(r"\s+")
_LINE_BREAK = re.compile(r"[^\S\n]*\n\s*")
_WHOLE_PAGE = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)


def _html_text(markup: str, url: str) -> tuple[str, str | None]:
    """The main text of a page (trafilatura) or all the text of a fragment or a list page
    (lxml), and the page's title; scripts, styles, comments and ``<noscript>`` never become
    text."""
    # An XML declaration with an encoding makes lxml refuse a str: the text is decoded already.
    markup = re.sub(r"^\s*<\?xml[^>]*>", "", markup).replace("\x00", "")
    parser = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(markup, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return "", None
    title = _title(tree)
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        # Nested past libxml2's depth limit, the rest of the tree is cut off: read it flat.
        logger.debug("markup nested too deep for a tree on %s: read flat", url or "a page")
        return tidy(_flat_text(markup)), title
    _strip_unread(tree)
    everything = tidy(_lxml_text(tree))
    if _WHOLE_PAGE.search(markup[:65536]) and len(markup) <= MAX_MAIN_TEXT_MARKUP_CHARS:
        main = _main_blocks(everything, _trafilatura(tree, url))
        share = len(_SPACES.sub("", main)) / max(1, len(_SPACES.sub("", everything)))
        if share >= MIN_MAIN_TEXT_SHARE:
            return main, title
        logger.debug("main text of %s: %.0f%% of the page, all its text kept", url, 100 * share)
    return everything, title


def _main_blocks(everything: str, main: str) -> str:
    """The lines (blocks) of the page that trafilatura's main text holds, in the page's own
    layout: its text output splits a block at every element when it falls back to all the
    text, and adds list markers."""
    flat = _SPACES.sub("", main)
    kept, at = [], 0
    for line in everything.split("\n"):
        needle = _SPACES.sub("", line)
        if not needle:
            continue
        found = flat.find(needle, at)
        if found < 0:
            found = flat.find(needle)  # comments come after the body in its output
        if found >= 0:
            kept.append(line)
            at = max(at, found + len(needle))
    return "\n".join(kept) if kept else tidy(main)


_CONTAINERS = "|".join(sorted(set(_UNREAD) - {"input", "embed"}))  # void elements have no end
_UNREAD_FLAT = re.compile(
    r"<!--.*?(?:-->|$)|<(" + _CONTAINERS + r")\b.*?(?:</\1\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK_TAG = re.compile(r"</?(?:" + "|".join(sorted(_BLOCKS)) + r")\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")


def _flat_text(markup: str) -> str:
    """The text of markup read without a tree: unread elements out, block tags as line
    breaks, other tags dropped, character references resolved."""
    text = _UNREAD_FLAT.sub(" ", markup)
    text = _BLOCK_TAG.sub("\n", _SPACES.sub(" ", text))
    return _LINE_BREAK.sub("\n", html.unescape(_ANY_TAG.sub("", text)))


def _title(tree: Any) -> str | None:
    for node in tree.iter("title"):
        title = " ".join(node.text_content().split())
        if title:
            return title
    return None


def _strip_unread(tree: Any) -> None:
    """Drop comments, processing instructions and unread elements, keeping the text that
    follows each (its tail)."""
    doomed = [
        node for node in tree.iter() if not isinstance(node.tag, str) or node.tag.lower() in _UNREAD
    ]
    for node in doomed:
        if node.getparent() is not None:
            node.drop_tree()


def _trafilatura(tree: Any, url: str) -> str:
    """The main text by trafilatura: a page's posts and comments kept (forum replies are what
    we read), navigation and boilerplate dropped."""
    try:
        text = trafilatura.extract(
            copy.deepcopy(tree),  # it prunes the tree it is given
            url=url or None,
            include_comments=True,
            include_tables=True,
            include_links=False,
            include_images=False,
            include_formatting=False,
            favor_recall=True,
            deduplicate=False,
        )
    except Exception:  # noqa: BLE001 - a third-party parser on hostile markup: fall back to lxml
        logger.debug("trafilatura failed on %s", url or "a page", exc_info=True)
        return ""
    return text or ""


def _lxml_text(tree: Any) -> str:
    """All the text of ``tree``, one line per block (walked without recursion: broken
    pages nest thousands deep)."""
    parts: list[str] = []
    for event, node in lxml.etree.iterwalk(tree, events=("start", "end")):
        block = isinstance(node.tag, str) and node.tag.lower() in _BLOCKS
        if event == "start":
            if block:
                parts.append("\n")
            if node.text:
                parts.append(_SPACES.sub(" ", node.text))
        else:
            if block:
                parts.append("\n")
            if node.tail and node is not tree:
                parts.append(_SPACES.sub(" ", node.tail))
    return _LINE_BREAK.sub("\n", "".join(parts))


# -- whitespace --------------------------------------------------------------------------------

_HORIZONTAL = re.compile(r"[^\S\n]+")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_BLANK_LINES = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    """Whitespace normalised: controls out, runs of spaces as one, lines stripped, at most one
    blank line between paragraphs, none at either end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub(" ", text)
    lines = [_HORIZONTAL.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# -- language ----------------------------------------------------------------------------------

#: Fewer letters than this (a CJK character counts three) and the language is not guessed.
MIN_LETTERS_FOR_LANGUAGE = 20
#: Below this probability the language is not named.
MIN_LANGUAGE_PROBABILITY = 0.5
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's model (shipped in its wheel), loaded once, with probabilities."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language_of(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None for too little text to tell."""
    sample = text[:10000]
    letters = sum(1 for char in sample if char.isalpha()) + 2 * len(_CJK.findall(sample))
    if letters < MIN_LETTERS_FOR_LANGUAGE:
        return None
    language, probability = _identifier().classify(sample)
    if probability < MIN_LANGUAGE_PROBABILITY:
        return None
    return str(language)
