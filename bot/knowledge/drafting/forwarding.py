"""What an e-mail puts around an invitation: its header lines, and the note of whoever forwarded it.

Header lines come in blocks ("Fra:", "Sendt:", "Til:", "Emne:"; "From:", "Sent:", "To:",
"Subject:"). A forwarded invitation follows a line such as "-----Oprindelig meddelelse-----",
"---------- Forwarded message ---------" or "Videresendt meddelelse", or a second header block:
what stands before it is the forwarder's own note and signature, not the invitation, so the
forwarder is no contact and their words no facts. The draft leaves all of these out (and lists
them as left out).
"""

from __future__ import annotations

import re

from bot.knowledge.drafting.text import Entry

_HEADER = re.compile(
    r"(?i)^(?:fra|from|sendt|sent|til|to|cc|bcc|emne|subject|dato|date|svar\s+til|reply-to)"
    r"\s*:\s*\S"
)
_FORWARD = re.compile(
    r"(?i)^[-_=\s]*(?:forwarded\s+message|oprindelig\s+meddelelse|original\s+message|"
    r"videresendt\s+(?:meddelelse|besked|mail)|original\s+meddelelse|begin\s+forwarded\s+message|"
    r"start\s+på\s+videresendt\s+(?:meddelelse|besked))\s*:?[-_=\s]*$"
)


def header_blocks(items: list[Entry]) -> list[list[int]]:
    """Runs of two or more header lines ("Fra: ...", "Emne: ...")."""
    found: list[list[int]] = []
    run: list[int] = []
    for i, entry in enumerate(items):
        if _HEADER.match(entry.text.strip()):
            run.append(i)
            continue
        if run and entry.blank and len(run) == 1:
            continue
        if len(run) >= 2:
            found.append(run)
        run = []
    if len(run) >= 2:
        found.append(run)
    return found


def around_invitation(items: list[Entry]) -> set[int]:
    """The entries that belong to the e-mail around the invitation, not to the invitation."""
    headers = header_blocks(items)
    left_out = {i for block in headers for i in block}
    markers = [i for i, e in enumerate(items) if _FORWARD.match(e.text.strip())]
    starts = markers + [block[0] for block in headers[1:]]
    if starts:
        cut = max(starts)
        left_out |= set(range(cut + 1))
        # the forwarded message's own headers after the marker
        for block in headers:
            if block[0] > cut and block[0] - cut <= 2:
                left_out |= set(block)
    return left_out


def subject(items: list[Entry]) -> tuple[Entry, str] | None:
    """The subject of the invitation's own e-mail ("Emne: Temadag om klager"), without "VS:",
    "Fwd:" and the like."""
    headers = header_blocks(items)
    for i in headers[-1] if headers else []:
        match = re.match(r"(?i)^(?:emne|subject)\s*:\s*(.+)$", items[i].text.strip())
        if match:
            text = re.sub(r"(?i)^(?:(?:vs|sv|fw|fwd|re|aw|wg)\s*:\s*)+", "", match[1]).strip()
            return (items[i], text) if text else None
    return None


def mail_years(items: list[Entry]) -> list[int]:
    """The years of the e-mail's own dates ("Sendt: 24. februar 2025 10:12", "Date: Mon, 24 Feb
    2025"): the year an invitation without one was most likely sent in."""
    from bot.knowledge.drafting.dates import years_in

    years: list[int] = []
    for block in header_blocks(items):
        for i in block:
            if re.match(r"(?i)^(?:sendt|sent|dato|date)\s*:", items[i].text.strip()):
                years += years_in(items[i].text)
    return years
