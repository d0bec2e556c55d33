"""Reading one incoming e-mail: raw bytes in, the sender's own new words and the facts about it out.

This is the pure first step of the mailbox channel: no database, no network. ``read_message``
takes the raw RFC 5322 bytes as the IMAP server returns them and gives a frozen :class:`ReadMail`.
It never raises on bad input; whatever it had to guess or give up on is listed in ``problems``.

How a message is read:

1. **Parsing** is done by the standard library (``email`` with ``policy.default``, as
   ``bot.channels.mail.policy.MAIL_POLICY``, which only makes each header class once). Headers are
   decoded here rather than by the policy, from their raw form: RFC 2047 encoded words in any
   charset, raw 8-bit bytes (read as UTF-8, else windows-1252), and unknown charsets, so that one
   bad header never hides the rest of the message.
2. **The body** is the text/plain part, or else the text/html part turned into text with
   BeautifulSoup (line breaks kept for ``<br>``, ``<p>``, ``<div>`` and the other blocks).
   Bytes are decoded with the declared charset when it fits, and otherwise with UTF-8 or
   windows-1252; a charset that lies (UTF-8 declared as iso-8859-1, windows-1252 declared as
   UTF-8, 8-bit text declared as us-ascii) is noticed and recorded. A multipart message whose
   boundary is missing is split on the boundary it actually uses.
3. **The reply** is the text with the quoted original cut off: at the first line that starts it
   (Outlook's "Fra:/Sendt:/Til:/Emne:" block in any of its languages and forms, "-----Oprindelig
   meddelelse-----", Gmail's and Apple's "Den … skrev …:" / "On … wrote:", a run of "> " lines,
   forwarded-message markers), and in HTML at the element that holds the quote
   (``divRplyFwdMsg``, ``gmail_quote``, ``<blockquote>``, a rule followed by a From block).
   Mobile signatures ("Sendt fra min iPhone") are removed. The sender's own signature stays:
   ``classify`` reads the name and organisation from it.
4. **Automatic messages** (out-of-office replies, bounces, mailing lists) are recognised from
   their headers, their report type and, as a last resort, their subject, so that the channel
   never answers a machine.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, message_from_string
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html import unescape
from typing import Literal

from bs4 import BeautifulSoup, CData, Tag
from bs4.element import NavigableString, PageElement

from bot.channels.mail.policy import MAIL_POLICY

Automatic = Literal["auto-reply", "bounce", "bulk"]

# Bounds that keep one absurd message from stalling the worker. A reply worth reading is far
# shorter than any of them; what is cut off is recorded in ``problems``.
MAX_RAW_BYTES = 10_000_000  # parsed at most; the key is still the hash of all of it
MAX_TEXT_CHARS = 200_000  # of body text kept in ``text``
# HTML beyond this is read with a plain tag stripper: html.parser takes seconds per megabyte on
# some markup, and a reply's own words are at its top anyway.
MAX_HTML_CHARS = 300_000
MAX_REPLY_CHARS = 20_000  # of the reply looked at for quote markers
MAX_HEADER_CHARS = 10_000

# -- charsets ---------------------------------------------------------------------------------

# Codecs that Python knows but that are no text charsets, or that would interpret the text.
_NOT_CHARSETS = frozenset(
    {"unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined", "mbcs", "oem"}
)
# Declared charsets where a valid UTF-8 reading of non-ASCII bytes is almost surely the truth:
# Western single-byte text practically never forms valid multi-byte UTF-8 sequences.
_SINGLE_BYTE = frozenset(
    {"ascii", "iso8859_1", "iso8859_15", "cp1252", "iso8859_2", "cp850", "mac_roman"}
)
# iso-8859-1 labels are read as windows-1252, as browsers do: mailers that say latin-1 use the
# 0x80-0x9F range for "–", "’" and "€", never for C1 control characters.
_AS_CP1252 = frozenset({"iso8859_1", "ascii"})


def _codec(charset: str | None) -> str | None:
    """Python's name for a charset label, or None when there is none or it is no text codec."""
    if not charset:
        return None
    label = charset.strip().strip("\"'").lower()
    if label in ("unknown-8bit", "x-unknown", "unknown", "8bit", "x-user-defined", "default"):
        return None
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    return None if name in _NOT_CHARSETS else name.replace("-", "_")


def decode_bytes(data: bytes, charset: str | None, problems: list[str], what: str) -> str:
    """Text from bytes in a declared (possibly wrong or unknown) charset; never raises."""
    codec = _codec(charset)
    if charset and codec is None:
        problems.append(f"{what}: unknown charset {charset.strip()[:40]!r}")
    if data.isascii():
        return data.decode("ascii")
    if codec is not None and codec not in _SINGLE_BYTE:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            problems.append(f"{what}: not valid {codec}")
        except LookupError:  # a codec that exists but does not decode bytes
            problems.append(f"{what}: cannot decode {codec}")
    # No charset, a single-byte one, or one that did not fit: UTF-8 if the bytes are UTF-8.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if codec is not None and codec != "utf_8":
            problems.append(f"{what}: declared {charset} but is utf-8")
        return text
    if codec in _SINGLE_BYTE:
        fallback = "cp1252" if codec in _AS_CP1252 else codec
        if codec == "ascii":
            problems.append(f"{what}: declared us-ascii but has 8-bit bytes")
        return data.decode(fallback, errors="replace")
    # Mostly UTF-8 with a few broken bytes stays UTF-8 (with replacement characters);
    # anything else without a usable label is Western European text from an old mailer.
    if _utf8_sequences(data) >= 1 and codec == "utf_8":
        return data.decode("utf-8", errors="replace")
    if codec is None and not charset:
        problems.append(f"{what}: 8-bit text without charset, read as windows-1252")
    else:
        problems.append(f"{what}: read as windows-1252")
    return data.decode("cp1252", errors="replace")


_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _utf8_sequences(data: bytes) -> int:
    return len(_UTF8_MULTI.findall(data[:100_000]))


# -- the result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadMail:
    """One incoming message as the channel needs it: who, which thread, and what they wrote."""

    message_key: str  # Message-ID without <>, or "sha256:<hex>" of the raw bytes
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    from_name: str | None
    from_address: str | None  # lower-cased
    to_addresses: tuple[str, ...]
    cc_addresses: tuple[str, ...]
    subject: str
    topic: str  # the subject without SV:/Re:/VS:/… prefixes
    date: datetime | None
    text: str  # the whole body as text
    reply: str  # only the sender's own new words (signature included, quote and noise cut)
    automatic: Automatic | None  # why the message must not be answered
    bounced_recipients: tuple[str, ...]
    attachments: tuple[str, ...]  # file names (or content types) of attached files
    problems: tuple[str, ...]


# -- headers ----------------------------------------------------------------------------------


def _raw_header(msg: Message, name: str) -> str | None:
    """The first raw value of a header, unfolded, or None."""
    wanted = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == wanted:
            return re.sub(r"\r?\n[ \t]+", " ", str(value))[:MAX_HEADER_CHARS].strip()
    return None


def _raw_headers(msg: Message, name: str) -> list[str]:
    wanted = name.lower()
    return [
        re.sub(r"\r?\n[ \t]+", " ", str(value))[:MAX_HEADER_CHARS].strip()
        for key, value in msg.raw_items()
        if key.lower() == wanted
    ]


def _unescape_raw(value: str, problems: list[str], what: str) -> str:
    """Raw 8-bit header bytes come out of the parser as surrogates: decode them properly."""
    if not any("\udc80" <= c <= "\udcff" for c in value):
        return value
    data = value.encode("ascii", errors="surrogateescape")
    problems.append(f"{what}: raw 8-bit header")
    return decode_bytes(data, None, [], what)


def decode_header_value(value: str, problems: list[str], what: str) -> str:
    """A header value with its RFC 2047 encoded words decoded, in whatever charset they name."""
    value = _unescape_raw(value, problems, what)
    if "=?" not in value:
        return _clean_header(value)
    try:
        chunks = decode_header(value)
    except Exception:  # the stdlib raises HeaderParseError and worse on mangled encoded words
        problems.append(f"{what}: unreadable encoded words")
        return _clean_header(value)
    parts: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, bytes):
            parts.append(decode_bytes(chunk, charset, problems, what))
        else:
            parts.append(chunk)
    return _clean_header("".join(parts))


def _clean_header(value: str) -> str:
    value = value.replace("\x00", "")
    value = "".join(" " if unicodedata.category(c) == "Cc" else c for c in value)
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", value)).strip()


def _addresses(msg: Message, name: str, problems: list[str]) -> list[tuple[str, str]]:
    """(display name, lower-cased address) pairs of an address header."""
    raws = [_unescape_raw(v, problems, name) for v in _raw_headers(msg, name)]
    if not raws:
        return []
    try:
        pairs = getaddresses(raws)
    except Exception:
        problems.append(f"{name}: unreadable addresses")
        return []
    result: list[tuple[str, str]] = []
    for display, address in pairs:
        address = address.strip().strip("<>").lower()
        if not address and not display:
            continue
        result.append((decode_header_value(display, problems, name).strip("\"' "), address))
    return result


_MSGID_RE = re.compile(r"<([^<>\s]+)>")


def _message_ids(value: str | None) -> list[str]:
    """Message-IDs in a header, without angle brackets; bare ids where the brackets are missing."""
    if not value:
        return []
    found = _MSGID_RE.findall(value)
    if not found:
        found = [v.strip("<>,;") for v in value.split() if "@" in v or len(v) > 8]
    seen: dict[str, None] = {}
    for item in found:
        if item:
            seen.setdefault(item[:500], None)
    return list(seen)


# Reply and forward prefixes of many mailers and languages, possibly numbered ("Re[2]:") and
# possibly with a space before the colon (French Outlook). "Automatisk svar:" is no such prefix:
# it marks an automatic reply and must stay visible.
_PREFIX_RE = re.compile(
    r"^\s*(?:(?:sv|re|vs|fw|fwd|aw|wg|antw|tr|rv|enc|odp|vb|vl|ynt|res)\s*(?:\[\d+\]|\(\d+\))?"
    r"\s*[:：]|\[[^\]\n]{1,40}\])\s*",
    re.IGNORECASE,
)


def topic_of(subject: str) -> str:
    """The subject without any number of reply/forward prefixes ("SV: Re: VS: x" -> "x")."""
    topic = subject
    for _ in range(20):
        stripped = _PREFIX_RE.sub("", topic, count=1)
        if stripped == topic:
            break
        topic = stripped
    return topic.strip()


# -- automatic messages -----------------------------------------------------------------------

_AUTO_SUBJECT_RE = re.compile(
    r"^\s*(automatisk svar|autosvar|fraværende|fraværsbesked|out of (the )?office|"
    r"automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|abwesenheitsnotiz|"
    r"automatische antwort|autosvar|frånvaro|absence|réponse automatique)\b",
    re.IGNORECASE,
)
_BOUNCE_TEXT_RE = re.compile(
    r"undeliver|undelivered|not be delivered|couldn'?t be delivered|could not be delivered|"
    r"delivery (status notification|has failed|failed|failure)|mail delivery failed|"
    r"returned mail|returned to sender|failure notice|permanent(ly)? (error|fatal|failed)|"
    r"kunne ikke (leveres|afleveres)|ikke leveret|levering mislykkedes|"
    r"unzustellbar|non remis|user unknown|mailbox unavailable|no such user",
    re.IGNORECASE,
)
_SYSTEM_LOCALPARTS = frozenset(
    {"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "bounce", "bounces"}
)


def _localpart(address: str | None) -> str:
    return (address or "").split("@", 1)[0].lower()


def _automatic(msg: Message, from_address: str | None, subject: str, text: str) -> Automatic | None:
    """Why a message must be ignored, if it must: bounce, auto-reply or bulk, in that order."""
    content_type = msg.get_content_type()
    report_type = str(msg.get_param("report-type", "") or "").lower()
    if content_type == "multipart/report" and report_type == "delivery-status":
        return "bounce"
    if _raw_header(msg, "X-Failed-Recipients"):
        return "bounce"
    system_sender = _localpart(from_address) in _SYSTEM_LOCALPARTS
    if system_sender and (_BOUNCE_TEXT_RE.search(subject) or _BOUNCE_TEXT_RE.search(text[:5000])):
        return "bounce"
    # Read receipts and other reports are machine mail too, and never wait for an answer.
    if content_type == "multipart/report" or system_sender:
        return "auto-reply"
    auto_submitted = (_raw_header(msg, "Auto-Submitted") or "").lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return "auto-reply"
    if _raw_header(msg, "X-Autoreply") is not None or _raw_header(msg, "X-Autorespond"):
        return "auto-reply"
    # Exchange marks its own rule-generated replies with this pair; the first header alone is
    # also on ordinary Outlook mail (and on the bot's own replies).
    if _raw_header(msg, "X-Auto-Response-Suppress") and _raw_header(
        msg, "X-MS-Exchange-Inbox-Rules-Loop"
    ):
        return "auto-reply"
    precedence = (_raw_header(msg, "Precedence") or "").lower()
    if precedence.startswith("auto"):
        return "auto-reply"
    if (_raw_header(msg, "Return-Path") or "").replace(" ", "") == "<>":
        return "auto-reply"  # the null sender: RFC 3834 responders and DSNs use it
    if _AUTO_SUBJECT_RE.match(subject):
        return "auto-reply"
    if precedence in ("bulk", "list", "junk"):
        return "bulk"
    if _raw_header(msg, "List-Id") is not None or _raw_header(msg, "List-Unsubscribe") is not None:
        return "bulk"
    return None


_ADDRESS_RE = re.compile(r"[A-Za-z0-9._%+'=-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_FINAL_RECIPIENT_RE = re.compile(
    r"^\s*(?:final|original)-recipient\s*:\s*(?:rfc822\s*;)?\s*<?([^\s<>;]+@[^\s<>;]+)>?",
    re.IGNORECASE | re.MULTILINE,
)
# Where a text-only bounce starts quoting the message that bounced: addresses after it are ours.
_BOUNCE_QUOTE_RE = re.compile(
    r"^\s*(-{3,}.*(original|returned|message|besked|meddelelse).*|"
    r"received:|return-path:|from:|fra:|message-id:|content-type:|"
    r".*(copy of the (original )?message|original message (headers|follows))).*$",
    re.IGNORECASE | re.MULTILINE,
)


def _bounced(msg: Message, text: str, own: set[str]) -> tuple[str, ...]:
    """The recipients a bounce reports as failed: from its delivery-status part, else its text."""
    found: dict[str, None] = {}
    for value in _raw_headers(msg, "X-Failed-Recipients"):
        for address in _ADDRESS_RE.findall(value):
            found.setdefault(address.lower(), None)
    for part in _walk(msg):
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        blocks = payload if isinstance(payload, list) else []
        for block in blocks:
            if not isinstance(block, Message):
                continue
            # Only failures count; "delayed" and "delivered" reports are no bounce of the address.
            if not (_raw_header(block, "Action") or "failed").lower().startswith("failed"):
                continue
            for field in ("Final-Recipient", "Original-Recipient"):
                addresses = _ADDRESS_RE.findall(_raw_header(block, field) or "")
                if addresses:
                    found.setdefault(addresses[0].lower(), None)
                    break
        if not blocks and isinstance(payload, str):
            for address in _FINAL_RECIPIENT_RE.findall(payload):
                found.setdefault(address.lower(), None)
    if found:
        return tuple(found)
    # A bounce in prose: the failure text names the address before the returned message.
    for address in _FINAL_RECIPIENT_RE.findall(text):
        found.setdefault(address.lower(), None)
    if not found:
        quote = _BOUNCE_QUOTE_RE.search(text)
        head = text[: quote.start()] if quote else text[:5000]
        for address in _ADDRESS_RE.findall(head):
            address = address.lower().rstrip(".")
            if address not in own and _localpart(address) not in _SYSTEM_LOCALPARTS:
                found.setdefault(address, None)
    return tuple(found)


# -- body -------------------------------------------------------------------------------------


def _walk(msg: Message) -> Iterator[Message]:
    """All parts, depth first, without descending into attached messages."""
    yield msg
    if msg.is_multipart():
        payload = msg.get_payload()
        if isinstance(payload, list):
            for part in payload:
                if isinstance(part, Message) and part.get_content_maintype() != "message":
                    yield from _walk(part)
                elif isinstance(part, Message):
                    yield part


# Parts that are neither the text nor anything a person attached: signatures and reports.
_NOT_ATTACHMENTS = frozenset(
    {
        "application/pkcs7-signature",
        "application/x-pkcs7-signature",
        "application/pgp-signature",
        "message/delivery-status",
        "message/disposition-notification",
        "text/rfc822-headers",
    }
)


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:  # a mangled RFC 2231 parameter
        return None
    return _clean_header(str(name)) if name else None


def _attachment(part: Message) -> str | None:
    """The name of a file the sender attached, or None for the text, logos and signatures."""
    ctype = part.get_content_type()
    if ctype in _NOT_ATTACHMENTS:
        return None
    # Outlook signatures embed their logos (image001.png) by Content-ID: nobody attached them.
    if part.get_content_maintype() == "image" and _raw_header(part, "Content-ID"):
        return None
    disposition = (_raw_header(part, "Content-Disposition") or "").lower()
    name = _filename(part)
    if disposition.startswith("attachment") or part.get_content_maintype() == "message":
        return name or ctype
    if ctype in ("text/plain", "text/html", "text/enriched", "text/richtext"):
        return None
    return name or ctype


def _part_text(part: Message, problems: list[str], what: str) -> str:
    """The decoded text of one leaf part."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        problems.append(f"{what}: undecodable payload")
        payload = None
    if payload is None:
        raw = part.get_payload()
        payload = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    if not isinstance(payload, bytes):
        return ""
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    return decode_bytes(payload, charset, problems, what)


def _boundary_guess(body: str) -> str | None:
    """The boundary a multipart body actually uses: its first "--xyz" line."""
    match = re.search(r"^--([^\s-][^\r\n]{0,69}?)\s*$", body, re.MULTILINE)
    if not match:
        match = re.search(r"^--(\S{1,70}?)\s*$", body, re.MULTILINE)
    return match.group(1).rstrip("-") if match else None


def _recover_parts(msg: Message, problems: list[str]) -> list[Message]:
    """The parts of a multipart message whose declared boundary is missing or wrong."""
    raw = msg.get_payload()
    if not isinstance(raw, str):
        return []
    boundary = _boundary_guess(raw)
    if boundary is None:
        problems.append("multipart without boundary; body read as one text")
        return []
    problems.append("multipart boundary missing or wrong; split on the one used")
    chunks = re.split(rf"^--{re.escape(boundary)}(?:--)?[ \t]*\r?$", raw, flags=re.MULTILINE)
    parts: list[Message] = []
    for chunk in chunks[1:]:
        chunk = chunk.lstrip("\r\n")
        if not chunk.strip():
            continue
        try:
            parts.append(message_from_string(chunk, policy=MAIL_POLICY))
        except Exception:
            continue
    return parts


@dataclass
class _Body:
    plain: list[str]
    html: list[str]
    attachments: list[str]


def _collect(msg: Message, problems: list[str]) -> _Body:
    """The text/plain and text/html bodies of a message, and the names of its attachments."""
    body = _Body([], [], [])
    parts: list[Message]
    if msg.get_content_maintype() == "multipart" and not msg.is_multipart():
        parts = _recover_parts(msg, problems)
        if not parts:
            body.plain.append(_part_text(msg, problems, "body"))
            return body
    else:
        parts = list(_walk(msg))
    for part in parts:
        if part.is_multipart():
            continue  # its leaves come next in the walk
        ctype = part.get_content_type()
        attached = _attachment(part)
        if attached is not None:
            body.attachments.append(attached)
        elif ctype in ("text/plain", "text/enriched", "text/richtext"):
            body.plain.append(_part_text(part, problems, ctype))
        elif ctype == "text/html":
            body.html.append(_part_text(part, problems, ctype))
    return body


# -- HTML to text -----------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    """p div li tr table tbody thead tfoot ul ol h1 h2 h3 h4 h5 h6 pre blockquote hr address
    article section header footer aside nav dl dt dd figure figcaption center form fieldset
    caption""".split()
)
_BLOCK = "\ue001"  # a block boundary: at most one line break, however many nest
_BREAK = "\ue002"  # a <br>: always a line break
_QUOTE = "\ue003"  # where the quoted original starts
_PARAGRAPH = "\ue004"  # a <p> with its default margins: a blank line
_QUOTE_ID_RE = re.compile(
    r"^(?:x_)*(divRplyFwdMsg|appendonsend|mail-editor-reference-message-container)$"
)
_QUOTE_CLASS_RE = re.compile(
    r"^(gmail_quote(_container)?|gmail_attr|yahoo_quoted|moz-cite-prefix|protonmail_quote|"
    r"OutlookMessageHeader|zmail_extra|WordSection\d+-quote)$",
    re.IGNORECASE,
)
_FROM_START_RE = re.compile(r"^\s*(fra|from|von|från|de)\s*:", re.IGNORECASE)


# Looking for the quote is bounded: a message with thousands of rules is no reply to read closely.
_MAX_QUOTE_CHECKS = 50


def _quote_start(soup: BeautifulSoup) -> Tag | None:
    """The element where the quoted original begins in an HTML reply, if it is marked."""
    checks = 0
    for tag in soup.find_all(True):
        if not isinstance(tag, Tag):
            continue
        ident = str(tag.get("id") or "")
        classes: object = tag.get("class") or []
        class_list = classes if isinstance(classes, list) else [str(classes)]
        if _QUOTE_ID_RE.match(ident) or any(_QUOTE_CLASS_RE.match(str(c)) for c in class_list):
            return tag
        if tag.name == "blockquote":
            return tag
        style = str(tag.get("style") or "").replace(" ", "").lower()
        # Outlook's separator: a rule, or (Outlook desktop) a div with a top border, and then a
        # "Fra:/From:" block.
        if tag.name == "hr" or (tag.name == "div" and "border-top:solid" in style):
            checks += 1
            if checks > _MAX_QUOTE_CHECKS:
                return None
            following = (tag.find if tag.name == "div" else tag.find_next)(string=re.compile(r"\S"))
            if following is not None and _FROM_START_RE.match(str(following)):
                return tag
    return None


_SKIPPED_TAGS = frozenset({"script", "style", "head", "title", "xml", "template", "noscript"})


def _flatten(soup: BeautifulSoup, quote: Tag | None) -> str:
    """The text of a document with markers for blocks, breaks and the quote's start.

    The tree is walked with an explicit stack, not changed: inserting markers into it costs
    time in the number of siblings for each insertion, and deep nesting would exhaust recursion.
    """
    out: list[str] = []
    stack: list[tuple[str, PageElement | None]] = [("node", soup)]
    while stack:
        kind, node = stack.pop()
        if kind != "node":
            out.append(kind)
            continue
        if isinstance(node, NavigableString):
            if type(node) in (NavigableString, CData):
                out.append(str(node))
            continue
        if not isinstance(node, Tag) or node.name in _SKIPPED_TAGS:
            continue
        if node is quote:
            out.append(_QUOTE)
        if node.name == "br":
            out.append(_BREAK)
            continue
        if node.name == "p" and "MsoNormal" not in (node.get("class") or []):
            # Outlook's MsoNormal paragraphs are lines without margins; other <p> are paragraphs.
            marker = _PARAGRAPH
        elif node.name in _BLOCK_TAGS:
            marker = _BLOCK
        elif node.name in ("td", "th"):
            marker = " "
        else:
            marker = ""
        if marker:
            out.append(marker)
            stack.append((marker, None))
        stack.extend(("node", child) for child in reversed(node.contents))
    return "".join(out)


def html_to_text(html: str, problems: list[str]) -> tuple[str, str]:
    """(whole text, text before the quoted original) of an HTML body, with line breaks kept."""
    if len(html) > MAX_HTML_CHARS:
        problems.append("html too large to parse; tags stripped")
        return _strip_tags(html)
    try:
        soup = BeautifulSoup(html, "html.parser")
        flat = _flatten(soup, _quote_start(soup))
    except Exception:  # html.parser is lenient, but it is no reason to lose a message
        problems.append("unparseable html; tags stripped")
        return _strip_tags(html)
    flat = re.sub(r"[ \t\r\n\f\v]+", " ", flat)
    flat = re.sub(
        rf"(?: ?[{_BLOCK}{_PARAGRAPH}] ?)+",
        lambda m: "\n\n" if _PARAGRAPH in m.group() else "\n",
        flat,
    )
    flat = flat.replace(_BREAK, "\n")
    whole = _tidy(flat.replace(_QUOTE, ""))
    before = _tidy(flat.split(_QUOTE, 1)[0]) if _QUOTE in flat else whole
    return whole, before


_QUOTE_HTML_RE = re.compile(
    r"<(?:div|span|p)\b[^>]{0,500}?(?:id=[\"']?(?:x_)*divRplyFwdMsg|class=[\"']?gmail_quote)|"
    r"<blockquote\b",
    re.IGNORECASE,
)
_BREAK_TAG_RE = re.compile(
    r"<(?:br|/?(?:p|div|li|tr|h[1-6]|table|blockquote|hr|pre|ul|ol))\b[^>]{0,2000}>", re.IGNORECASE
)
_ANY_TAG_RE = re.compile(r"<[^>]{0,2000}>")
_HIDDEN_OPEN_RE = re.compile(r"<(style|script|head)\b")


def _strip_tags(html: str) -> tuple[str, str]:
    """(whole text, text before the quote) by regular expressions: linear time for any input."""
    # Drop what is inside <style>, <script> and <head>: each search starts where the last ended,
    # and find() cannot backtrack, so this stays linear however the tags are (un)balanced.
    pieces: list[str] = []
    position = 0
    lowered = html.lower()
    while (opening := _HIDDEN_OPEN_RE.search(lowered, position)) is not None:
        pieces.append(html[position : opening.start()])
        end = lowered.find(f"</{opening.group(1)}", opening.end())
        position = len(html) if end < 0 else end
    pieces.append(html[position:])
    html = "".join(pieces)
    quote = _QUOTE_HTML_RE.search(html)

    def text(fragment: str) -> str:
        fragment = re.sub(r"[ \t\r\n\f\v]+", " ", fragment)
        fragment = _ANY_TAG_RE.sub("", _BREAK_TAG_RE.sub("\n", fragment))
        return _tidy("\n".join(line.strip() for line in unescape(fragment).split("\n")))

    whole = text(html)
    return whole, text(html[: quote.start()]) if quote else whole


_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def _tidy(text: str) -> str:
    """Normalised text: NFC, LF line ends, no invisible characters, at most one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _INVISIBLE_RE.sub("", text).replace("\xa0", " ")
    text = unicodedata.normalize("NFC", text)
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(line if line.strip() else "" for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


# -- cutting the quoted original --------------------------------------------------------------


def _label_re(labels: str) -> re.Pattern[str]:
    """A header line of a quoted original, also in Outlook's bold ("*Fra:*", "**From:**")."""
    return re.compile(
        rf"^\s*[*_]{{0,2}}\s*({labels})\s*[*_]{{0,2}}\s*[:：]\s*[*_]{{0,2}}", re.IGNORECASE
    )


_FROM_LINE_RE = _label_re("fra|from|von|från|van|de")
_SENT_LINE_RE = _label_re("sendt|sent|dato|date|datum|gesendet|skickat|envoyé|verzonden")
_OTHER_LINE_RE = _label_re("til|to|emne|subject|cc|an|betreff|till|ämne|à|objet|onderwerp")
_SEPARATOR_RE = re.compile(
    r"^[\s*_=-]*-{2,}[\s*_=-]*(oprindelig\w*\s+(meddelelse|besked|mail|e-mail)|"
    r"original\s+(message|e-mail|mail|besked)|videresendt\s+(besked|meddelelse|e-mail|mail)|"
    r"forwarded\s+(message|e-mail|mail)|ursprüngliche\s+nachricht|weitergeleitete\s+nachricht|"
    r"ursprungligt\s+meddelande|vidarebefordrat\s+meddelande|message\s+d'origine)"
    r"[\s*_=-]*$",
    re.IGNORECASE,
)
_FORWARD_RE = re.compile(
    r"^\s*(start på videresendt (besked|e-mail|mail|meddelelse)|begin forwarded message|"
    r"videresendt (besked|meddelelse|e-mail|mail)|forwarded (message|e-mail)|"
    r"anfang der weitergeleiteten nachricht)\s*:?\s*$",
    re.IGNORECASE,
)
_UNDERSCORES_RE = re.compile(r"^\s*_{10,}\s*$")
# "Den ons. 3. apr. 2024 kl. 11.20 skrev Navn <adresse>:" and "On <date>, <name> wrote:",
# read over up to three lines, because Gmail wraps them. "skrev jeg" is the sender writing.
_WROTE_RE = re.compile(
    r"^(?P<head>.{0,250}?)\b(skrev|wrote|schrieb|skrev følgende|a écrit|escribió|schreef)"
    r"(?!\s+(jeg|vi|du|i|han|hun|de|den|det|til)\b)\b.{0,250}[:：]\s*$",
    re.IGNORECASE | re.DOTALL,
)
_WROTE_START_RE = re.compile(r"^\s*(den|d\.|on|am|le|el|op|em)\b", re.IGNORECASE)
_MOBILE_RE = re.compile(
    r"^\s*((sendt|sent|hentet|envoyé|gesendet|skickat|enviado)\s+(fra|from|via|de|von|från|med|"
    r"with|using)\s+(?=.{0,60}(iphone|ipad|android|outlook|mail|samsung|galaxy|mobil|telefon|"
    r"smartphone|windows|huawei|pixel|\bmin\b|\bmy\b|blackberry|yahoo|gmail|phone|tablet))"
    r".{1,70}|"
    r"(hent|få|get|download)\s+outlook\s+(til|for|på|on)\b.{0,60})\s*$",
    re.IGNORECASE,
)
_IMAGE_LINE_RE = re.compile(r"^\s*\[(cid:|image|billede|logo)[^\]]{0,200}\]\s*$", re.IGNORECASE)


def _is_quote_line(line: str) -> bool:
    return line.lstrip().startswith(">")


def _header_block_at(lines: list[str], i: int) -> bool:
    """Whether an Outlook-style "Fra:/Sendt:/Til:/Emne:" header block starts at line ``i``."""
    if not _FROM_LINE_RE.match(lines[i]):
        return False
    sent = others = 0
    for line in lines[i + 1 : i + 7]:
        if _SENT_LINE_RE.match(line):
            sent += 1
        elif _OTHER_LINE_RE.match(line):
            others += 1
    return sent >= 1 or others >= 2


def _wrote_at(lines: list[str], i: int) -> int:
    """How many lines a "Den … skrev …:" / "On … wrote:" attribution at ``i`` spans, or 0."""
    first = lines[i].strip()
    if not first or _is_quote_line(first):
        return 0
    joined = ""
    for span in range(1, 4):
        if i + span > len(lines):
            break
        line = lines[i + span - 1].strip()
        if span > 1 and (not line or _is_quote_line(line)):
            break
        joined = f"{joined} {line}".strip()
        if len(joined) > 400:
            break
        match = _WROTE_RE.match(joined)
        if match is None:
            continue
        head = match.group("head")
        named = "@" in joined or _WROTE_START_RE.match(joined) is not None
        if named and re.search(r"\d", head):
            return span
    return 0


def quote_start(lines: list[str]) -> int | None:
    """The index of the first line of the quoted original in a reply's lines, if any."""
    # The next non-blank line after each line, found in one pass from the end.
    following: list[int | None] = [None] * len(lines)
    upcoming: int | None = None
    for j in range(len(lines) - 1, -1, -1):
        following[j] = upcoming
        if lines[j].strip():
            upcoming = j
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if _SEPARATOR_RE.match(line) or _FORWARD_RE.match(line):
            return i
        if _UNDERSCORES_RE.match(line):
            after = following[i]
            if (after is not None and _header_block_at(lines, after)) or line.strip() == "_" * 32:
                return i
        if _header_block_at(lines, i):
            return i
        span = _wrote_at(lines, i)
        if span:
            # Read over several lines, the attribution may have taken in the reply's last
            # line ("Vh Karen" right above "Den … skrev …:"): it starts at its own first word.
            for k in range(i + 1, i + span):
                if _WROTE_START_RE.match(lines[k]) and _wrote_at(lines, k):
                    return k
            return i
        if _is_quote_line(line):
            # A run of quoted lines, or one that only blank lines follow, is the quote.
            after = following[i]
            if after is None or _is_quote_line(lines[after]):
                return i
    return None


def _bottom_reply(lines: list[str], start: int) -> list[str]:
    """Unquoted lines after a ">"-quoted original: the reply of someone who writes below it."""
    span = _wrote_at(lines, start)
    body = lines[start + span :] if span else lines[start:]
    if not any(_is_quote_line(line) for line in body):
        return []
    return [line for line in body if not _is_quote_line(line)]


def cut_reply(text: str) -> str:
    """The sender's own new words: the text above the quoted original, without mobile noise."""
    lines = text[:MAX_REPLY_CHARS].split("\n")
    start = quote_start(lines)
    if start is not None:
        own = lines[:start]
        if not any(line.strip() for line in own):
            own = _bottom_reply(lines, start)
        lines = own
    kept = [line for line in lines if not _MOBILE_RE.match(line) and not _IMAGE_LINE_RE.match(line)]
    return _tidy("\n".join(kept)).strip()


# -- reading ----------------------------------------------------------------------------------


def _date(msg: Message, problems: list[str]) -> datetime | None:
    value = _raw_header(msg, "Date")
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        problems.append("unreadable Date header")
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _defects(msg: Message) -> list[str]:
    names: dict[str, None] = {}
    for part in _walk(msg):
        for defect in getattr(part, "defects", []):
            names.setdefault(type(defect).__name__, None)
    return [f"mime: {name}" for name in names]


MAX_HEADER_CHARS = 10_000
MAX_KEY_CHARS = 500
_MSGID_RE = re.compile(r"<([^<>\s]+)>")
_FOLD_RE = re.compile(r"\r?\n[ \t]+")


def message_key(raw: bytes) -> str:
    """The message's identity: its Message-ID without brackets, or ``sha256:<hex>`` of it all.

    One rule for the whole channel: the worker uses it before reading a message, and
    ``read_message`` uses it too. Only the header is parsed. A Message-ID that cannot be kept as
    it is (longer than ``MAX_KEY_CHARS``, or holding a NUL, a raw 8-bit byte or another
    character that is not printable) is keyed by its hash, ``message-id-sha256:<hex>``: the
    same message always gets the same key, two messages never share one, and it fits the
    column on every database.
    """
    try:
        headers = BytesParser(policy=MAIL_POLICY).parsebytes(raw, headersonly=True)
        value = next((str(v) for k, v in headers.raw_items() if k.lower() == "message-id"), None)
    except Exception:  # a header the parser cannot take: the hash identifies the message
        value = None
    if value:
        value = _FOLD_RE.sub(" ", value).strip()
        if len(value) > MAX_HEADER_CHARS:
            return _hashed_id(value)
        found = _MSGID_RE.findall(value) or [
            v.strip("<>,;") for v in value.split() if "@" in v or len(v) > 8
        ]
        item = next((str(i) for i in found if i), None)
        if item is not None:
            kept = len(item) <= MAX_KEY_CHARS and item.isprintable()
            return item if kept else _hashed_id(item)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _hashed_id(message_id: str) -> str:
    # Raw header bytes come out of the parser as surrogates; surrogateescape gives them back.
    data = message_id.encode("utf-8", errors="surrogateescape")
    return "message-id-sha256:" + hashlib.sha256(data).hexdigest()


def read_message(raw: bytes) -> ReadMail:
    """Read one raw message into a :class:`ReadMail`; never raises, records what went wrong."""
    problems: list[str] = []
    if not isinstance(raw, bytes | bytearray):
        raw = str(raw).encode("utf-8", "replace")
    raw = bytes(raw)
    key = message_key(raw)  # of the whole message, before a huge one is cut
    if len(raw) > MAX_RAW_BYTES:
        problems.append(f"message of {len(raw)} bytes read only to {MAX_RAW_BYTES}")
        raw = raw[:MAX_RAW_BYTES]
    if b"\x00" in raw:
        problems.append("NUL bytes removed")
        raw = raw.replace(b"\x00", b"")
    try:
        msg = message_from_bytes(raw, policy=MAIL_POLICY)
    except Exception:  # the parser is lenient; this is for the cases where it is not
        problems.append("unparseable message; read as plain text")
        msg = message_from_bytes(b"\r\n\r\n" + raw, policy=MAIL_POLICY)
    problems.extend(_defects(msg))

    message_ids = _message_ids(_raw_header(msg, "Message-ID"))
    message_id = message_ids[0] if message_ids else None
    if message_id is None:
        problems.append("no Message-ID")
    in_reply_to = next(iter(_message_ids(_raw_header(msg, "In-Reply-To"))), None)
    references = tuple(_message_ids(" ".join(_raw_headers(msg, "References"))))

    # The first sender with an address: an unquoted "Holm, Karen <kh@x.dk>" parses as two.
    senders = _addresses(msg, "From", problems)
    sender = next((s for s in senders if "@" in s[1]), senders[0] if senders else ("", ""))
    from_name, from_address = sender[0] or None, sender[1] or None
    if from_address is None:
        problems.append("no From address")
    to_addresses = tuple(a for _n, a in _addresses(msg, "To", problems) if a)
    cc_addresses = tuple(a for _n, a in _addresses(msg, "Cc", problems) if a)
    subject = decode_header_value(_raw_header(msg, "Subject") or "", problems, "Subject")

    body = _collect(msg, problems)
    plain = "\n\n".join(t for t in body.plain if t.strip())
    if plain.strip():
        text = _tidy(plain)
        reply_source = text
    elif body.html:
        text, reply_source = html_to_text("\n".join(body.html), problems)
    else:
        text = reply_source = ""
        problems.append("no text body")
    if len(text) > MAX_TEXT_CHARS:
        problems.append(f"text cut to {MAX_TEXT_CHARS} characters")
        text = text[:MAX_TEXT_CHARS]
    reply = cut_reply(reply_source)

    automatic = _automatic(msg, from_address, subject, text)
    bounced: tuple[str, ...] = ()
    if automatic == "bounce":
        own = {a for a in (from_address, *to_addresses) if a}
        bounced = _bounced(msg, text, own)
    return ReadMail(
        message_key=key,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        from_name=from_name,
        from_address=from_address,
        to_addresses=to_addresses,
        cc_addresses=cc_addresses,
        subject=subject,
        topic=topic_of(subject),
        date=_date(msg, problems),
        text=text,
        reply=reply,
        automatic=automatic,
        bounced_recipients=bounced,
        attachments=tuple(body.attachments),
        problems=tuple(dict.fromkeys(problems)),
    )
