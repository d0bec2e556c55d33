"""What a read e-mail wants: signup, cancel, decline, a question, or nothing at all.

The channel keeps no signup vocabulary of its own: the answering core (the one brain every
channel asks) decides whether a reply signs up, cancels or asks. What is the channel's own is
what only mail has:

1. **Machines are ignored**: out-of-office replies, bounces and bulk mail (``ReadMail.automatic``).
2. **The signature is taken off** before the core reads the reply, so that names, municipalities
   and phone numbers are not read as the topic of a question; the sender's name and organisation
   are read from it ("Med venlig hilsen / Karen Holm / Handicaprådet, Jammerbugt Kommune",
   "Mvh Ole Bak", "Hilsen Hanne"), from a "Tilmelding: Navn, Organisation" line, or from the
   From header, preferring a full name to a first name.
3. **Nothing to act on is ignored**: a reply that is empty after cutting the quote, or only says
   hello and thank you.
4. **A decline** ("Nej tak, jeg kan ikke deltage denne gang") is recognised with the lexicon's
   DECLINE_PATTERNS, sentence by sentence, before the core's answer is used: the core reads
   "kan ikke deltage" as a cancellation, which it is only for someone already registered, or when
   the sender says so ("afbud", "melde fra", "alligevel").
5. **Everything else is what the core says**: its signup and cancel intents become actions, the
   rest is a question, answered by the core's answer or escalated to staff. A signup or
   cancellation stands only where the writer says it in a clause of their own: not asked
   (questions without "?" too, ``asking``), not put off ("inden jeg tilmelder mig", "not yet"),
   not about someone else ("min hjælper kan ikke komme", the needs reader's rule). Questions
   beside a signup or cancellation are asked of the core alone (``Classification.asked``). A
   reply the core takes for small talk although it says more ("Tak, jeg kommer") goes to staff
   rather than being thanked and forgotten.

Apart from these, :func:`privacy_request` recognises a reply that is only a privacy request:
"mine data" (the person's data), "slet mig" (erase me) and its confirmation "JA, SLET", in
Danish or English; the handler acts on it before anything else (``bot.privacy``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.answering import Answer, Answerer
from bot.answering.analysis import analyse
from bot.answering.lexicon import CUES
from bot.channels.mail.reading import ReadMail
from bot.i18n import Lang
from bot.understanding.asking import asks
from bot.understanding.need_statements import about_someone_else, need_clauses
from bot.understanding.text import clean, tokens

Action = Literal["signup", "cancel", "decline", "question", "ignore"]


@dataclass(frozen=True)
class Classification:
    """The decision about one message, with what staff and the reply need to know."""

    action: Action
    reason: str  # short, English, for staff and --json
    name: str | None
    organisation: str | None
    # For a question: whether staff must answer it (the core could not, or misread the reply).
    escalate: bool = False
    # The core's answer to the message, when it was asked; a question's reply text is in it.
    answer: Answer | None = None
    # What the core was given: the reply without its signature.
    message: str = ""
    # Questions asked beside a signup, cancellation or decline, for the reply or for staff.
    questions: tuple[str, ...] = ()
    # The reply only states needs or companions ("min ledsager kommer alligevel ikke med"):
    # a change for someone signed up, and for anyone else a message for a person to read.
    needs_only: bool = False
    # The writer states (or withdraws) needs of their own: only someone who comes does that, so
    # for someone signed up the reply changes their registration, whatever else it says.
    states_needs: bool = False
    # The core's answer to the questions alone, asked beside a signup or cancellation: said
    # after the confirmation, or handed to staff when it cannot answer.
    asked: Answer | None = None


# -- the signature ----------------------------------------------------------------------------

_SIGN_OFF_RE = re.compile(
    r"^\s*(med\s+venlig(st)?\s+hilsen|m\.?\s?v\.?\s?h\.?|venlig(st)?\s+hilsen|venlige\s+hilsner|"
    r"mange\s+(gode\s+)?hilsner|de\s+bedste\s+hilsner|bedste\s+hilsner?|(de\s+)?bedste\s+hilsen|"
    r"kærlig\s+hilsen|k\.?h\.?|v\.?h\.?|hilsen|hilsner|hej\s+hej|på\s+forhånd\s+(mange\s+)?tak|"
    r"(with\s+)?(best|kind|warm)(est)?\s+regards|regards|best\s+wishes|many\s+thanks|cheers|"
    r"best(?=\s*,\s*$)|"
    r"mit\s+freundlichen\s+grüßen|vänliga\s+hälsningar)"
    r"(?![\w])\s*[,.:;!/-]*\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_NAME_TOKEN_RE = re.compile(r"^[A-ZÆØÅÄÖÜÉÈ][a-zæøåäöüéèA-ZÆØÅÄÖÜÉÈ'’.-]*$")
_PARTICLES = frozenset({"van", "von", "de", "la", "le", "af", "da", "di", "der", "den", "ten"})
# Words that begin lines of a reply but never a name.
_NOT_NAMES = frozenset(
    """tak hej kære dear hi hello ja nej jeg vi hermed tilmelding afbud mvh vh hilsen venlig med
    sendt sent fra from til to emne subject dato date the den det og and""".split()
)
# Organisations in Danish public life are councils, municipalities, regions, associations, ...;
# as compounds too ("Handicaprådet", "Socialforvaltningen"), so these are matched inside words.
_ORGANISATION_RE = re.compile(
    r"råd(et)?\b|kommune|region|udvalg|forening|forbund|organisation|center|centret|centre|"
    r"sekretariat|forvaltning|afdeling|styrelse|ministeri|institut|universitet|skole|"
    r"bosted|\bDH\b|\bA/S\b|\bApS\b|council|municipality|association|department|society",
    re.IGNORECASE,
)
_CONTACT_RE = re.compile(
    r"@|www\.|https?:|\b(tlf|telefon|mobil|mob|phone|tel|fax|direkte|dir|cvr|ean)\b|\d{4,}|"
    r"\d{2}\s\d{2}\s\d{2}\s\d{2}",
    re.IGNORECASE,
)
_ENTRY_RE = re.compile(
    r"^\s*(tilmelding|tilmeldt|tilmelder|navn|name|deltager|registration)\s*[:：]\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
# An entry line that signs up (a "Navn:" line alone does not).
_ENTRY_SIGNUP_RE = re.compile(
    r"^\s*(?:tilmelding|tilmeldt|tilmelder|registration)\s*[:：].+$", re.IGNORECASE | re.MULTILINE
)
# Legal and privacy notices that some organisations append; they are nobody's words.
_NOTICE_RE = re.compile(
    r"^\s*(denne (e-?mail|mail|besked|meddelelse)|this (e-?mail|message)|vær opmærksom|"
    r"fortrolig|konfidentiel|the information (contained|in this)|sikker (e-?mail|post|mail)|"
    r"vi behandler (dine )?personoplysninger|læs (mere )?om,? hvordan|når du (skriver|sender)|"
    r"tænk på miljøet|please consider the environment|disclaimer)",
    re.IGNORECASE,
)


def _name_like(line: str) -> bool:
    """Whether a line looks like a person's name: 1-5 capitalised words, nothing else."""
    words = line.split()
    if not 1 <= len(words) <= 5 or len(line) > 60 or _CONTACT_RE.search(line):
        return False
    if _ORGANISATION_RE.search(line) or words[0].casefold() in _NOT_NAMES:
        return False
    return all(_NAME_TOKEN_RE.match(w) or w.casefold() in _PARTICLES for w in words) and bool(
        _NAME_TOKEN_RE.match(words[0])
    )


def _split_name(line: str) -> tuple[str | None, str | None]:
    """(name, organisation) from a line like "Karen Holm, Handicaprådet" or "Karen Holm"."""
    line = line.strip().strip(",;")
    for separator in (",", " | ", " - ", " – ", " / "):
        if separator in line:
            head, tail = line.split(separator, 1)
            if _name_like(head.strip()):
                return head.strip(), tail.strip() or None
    return (line, None) if _name_like(line) else (None, None)


def _organisation(lines: list[str]) -> str | None:
    """The organisation among the lines under a name: one that names one, else the next line."""
    candidates = [
        line.strip()
        for line in lines[:5]
        if line.strip() and not _CONTACT_RE.search(line) and len(line.strip()) <= 100
    ]
    named = next((c for c in candidates if _ORGANISATION_RE.search(c)), None)
    if named is not None:
        # "Brugerrepræsentant, Ældrerådet i Rebild": a title before the organisation goes.
        parts = named.split(", ")
        while len(parts) > 1 and not _ORGANISATION_RE.search(parts[0]):
            parts = parts[1:]
        return ", ".join(parts)
    # A single word under a name is more often a title ("Formand") than an organisation.
    if candidates and len(candidates[0].split()) > 1 and not _name_like(candidates[0]):
        return candidates[0]
    return None


@dataclass(frozen=True)
class Signed:
    """A reply taken apart: its message, and who the signature says wrote it."""

    message: str  # the reply without its signature
    name: str | None
    organisation: str | None


def _from_display(from_name: str | None) -> str | None:
    """A person's name from a From display name: "Holm, Karen (KAHO)" -> "Karen Holm"."""
    if not from_name or "@" in from_name:
        return None
    name = re.sub(r"\s*[(\[][^)\]]*[)\]]\s*", " ", from_name).strip().strip("\"'")
    name = name.split("|", 1)[0].strip()
    if name.count(",") == 1:
        last, first = (p.strip() for p in name.split(","))
        if _name_like(last) and _name_like(first):
            name = f"{first} {last}"
    return name if name and _name_like(name) else None


def _same_person(short: str, full: str | None) -> bool:
    """Whether ``full`` is ``short`` made longer: "Svend Aage" and "Svend Aage Nielsen"."""
    if not full:
        return False
    words, longer = short.casefold().split(), full.casefold().split()
    return 0 < len(words) <= len(longer) and longer[: len(words)] == words


def read_signature(reply: str, from_name: str | None) -> Signed:
    """The reply's message and the name and organisation its signature gives."""
    lines = reply.split("\n")
    display = _from_display(from_name)
    for i, line in enumerate(lines):
        match = _SIGN_OFF_RE.match(line)
        if match is None:
            continue
        rest = match.group("rest").strip()
        if rest and _split_name(rest)[0] is None and not _name_like(rest.title()):
            continue  # "Hilsen fra Rebild, vi kommer tre" is a sentence, not a sign-off
        below = [x.strip() for x in lines[i + 1 :] if x.strip()]
        name: str | None = None
        organisation: str | None = None
        if rest:
            name, organisation = _split_name(rest)
            if name is None:  # "mvh karen": lower case after an explicit sign-off is still her
                name = rest.title()
        elif below:
            name, organisation = _split_name(below[0])
            below = below[1:] if name else below
        if organisation is None:
            organisation = _organisation(below)
        return Signed(_without_notices(lines[:i]), name, organisation)
    return _unsigned(lines, display)


def _unsigned(lines: list[str], display: str | None) -> Signed:
    """A signature without sign-off: a name (and organisation) ending the reply.

    Either the last paragraph ("…plads.\n\nNiels Lund\nÆldrerådet") or, with no blank line
    before it, the last line ("Ja tak\nKaren"). Without a sign-off a name is trusted only when
    the From header confirms it, or when it is a full name in a paragraph of its own.
    """
    content = [i for i, line in enumerate(lines) if line.strip()]
    if len(content) < 2:
        return Signed(_without_notices(lines), None, None)
    blanks = [i for i in range(content[0], content[-1]) if not lines[i].strip()]
    candidates: list[tuple[int, bool]] = []  # (first line of the signature, own paragraph)
    if blanks:
        candidates.append((blanks[-1] + 1, True))
    candidates.append((content[-1], False))
    for start, paragraph in candidates:
        block = [x.strip() for x in lines[start:] if x.strip()]
        if not block or len(block) > 6:
            continue
        name, organisation = _split_name(block[0])
        if name is None:
            continue
        confirmed = display is not None and _same_person(name, display)
        if not confirmed and not (paragraph and len(name.split()) > 1):
            continue
        if organisation is None:
            organisation = _organisation(block[1:])
        return Signed(_without_notices(lines[:start]), name, organisation)
    return Signed(_without_notices(lines), None, None)


def _without_notices(lines: list[str]) -> str:
    """The lines as text, without legal notices after the first paragraph."""
    paragraphs = "\n".join(lines).strip().split("\n\n")
    kept = paragraphs[:1] + [p for p in paragraphs[1:] if not _NOTICE_RE.match(p)]
    return "\n\n".join(kept).strip()


def _entry_line(message: str) -> tuple[str | None, str | None]:
    """(name, organisation) from a "Tilmelding: Søren Ærø, Handicaprådet i Brønderslev" line."""
    for line in message.split("\n"):
        match = _ENTRY_RE.match(line)
        if match:
            name, organisation = _split_name(match.group("rest"))
            if name:
                return name, organisation
    return None, None


# "for Handicaprådet i Brønderslev Kommune", "på vegne af DH Thisted", "Signe Holm, Ældrerådet
# i Rebild": capitalised words (with "i", "for", "og" between) after a word that names whom one
# comes for, or after the writer's own name and a comma.
_ORG_WORDS = r"[A-ZÆØÅ][\w-]*(?:\s+(?:i|for|og|på)\s+[A-ZÆØÅ][\w-]*|\s+[A-ZÆØÅ][\w-]*)*"
_NAMED_ORGANISATION_RE = re.compile(
    r"\b(?i:for|fra|på vegne af|from|on behalf of|representing|repræsenterer)\s+"
    rf"(?P<org>{_ORG_WORDS})"
)
_AFTER_NAME_RE = re.compile(rf",\s+(?P<org>{_ORG_WORDS})")


def organisation_in(message: str, name: str | None = None) -> str | None:
    """An organisation the reply itself names (not its signature), if one."""
    for match in _NAMED_ORGANISATION_RE.finditer(message):
        found = match.group("org").strip()
        if _ORGANISATION_RE.search(found):
            return found
    if name:
        for match in _AFTER_NAME_RE.finditer(message):
            found = match.group("org").strip()
            if message[: match.start()].rstrip().endswith(name) and _ORGANISATION_RE.search(found):
                return found
    return None


def sender(mail: ReadMail, signed: Signed) -> tuple[str | None, str | None]:
    """The sender's (name, organisation): signature, entry line, From header; full names first.
    Without an organisation there, one the reply names ("Jeg deltager for Handicaprådet i …")."""
    entry_name, entry_organisation = _entry_line(signed.message)
    display = _from_display(mail.from_name)
    candidates = [n for n in (signed.name, entry_name, display) if n]
    if not candidates:
        organisation = signed.organisation or entry_organisation or organisation_in(signed.message)
        return None, organisation
    name = candidates[0]
    # "Hilsen Hanne" from Hanne Friis: the From header (or entry line) has her full name.
    fuller = next(
        (c for c in candidates[1:] if len(c.split()) > len(name.split()) and _same_person(name, c)),
        None,
    )
    name = fuller or name
    organisation = signed.organisation or entry_organisation
    if organisation is None:
        organisation = organisation_in(signed.message, name)
    return name, organisation.rstrip(" .,;") if organisation else None


# -- deciding ---------------------------------------------------------------------------------

# Words that carry nothing to act on: greetings, thanks, and what they are for.
_COURTESY = frozenset(
    {*CUES["greeting"], *CUES["thanks"]}
    | set(
        """mange tusind rigtig så meget for din jeres jer dig det den mailen mail e-mailen
        beskeden besked invitationen invitation indbydelsen henvendelsen svaret informationen
        orienteringen modtaget received ok okay fint super dejligt godt god dag alle sammen
        sekretariat sekretariatet you the invite invitation noted and a tak""".split()
    )
)
# Words that say a registration is being withdrawn rather than an invitation declined.
_CHANGE_OF_MIND_RE = re.compile(r"\b(alligevel|after all|anyway|trods alt)\b", re.IGNORECASE)
# A period after a number ends no sentence before a lower-case word ("den 31. maj").
_SENTENCE_RE = re.compile(r"(?<=[.!?])(?<!\d\.)\s+|(?<=\d\.)\s+(?=[^a-zæøå])|\n+")


def _sentences(message: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.split(message) if s.strip()]


_SALUTATION_RE = re.compile(r"^\s*(hej|hejsa|kære|dear|hi|hello|goddag|godmorgen)\b", re.I)


def _only_courtesy(message: str) -> bool:
    """Whether a message only greets and thanks ("Hej Lise,\n\nTak for invitationen!")."""
    lines = message.strip().split("\n")
    if (
        _SALUTATION_RE.match(lines[0])
        and len(lines[0].split()) <= 4
        and not re.search(r"[.!?]\s+\S", lines[0])  # "Hej. Tilmeld mig gerne." says more
    ):
        lines = lines[1:]  # "Hej Lise," names the reader, and says nothing more
    return all(w in _COURTESY for w in tokens(clean("\n".join(lines))))


def _ignore(reason: str, name: str | None, organisation: str | None) -> Classification:
    return Classification("ignore", reason, name, organisation)


# -- privacy requests ------------------------------------------------------------------------

PrivacyKind = Literal["export", "erase", "confirm"]
_DATA = r"(?:alle\s+)?(?:mine|min)\s+(?:person)?(?:data|oplysninger)"
_PRIVACY_RES: tuple[tuple[PrivacyKind, Lang, re.Pattern[str]], ...] = (
    ("export", "da", re.compile(rf"(?:send\s+(?:mig\s+)?)?{_DATA}")),
    ("export", "en", re.compile(r"(?:send\s+(?:me\s+)?)?(?:all\s+)?my\s+(?:personal\s+)?data")),
    ("erase", "da", re.compile(rf"(?:slet|fjern|glem)\s+(?:mig|{_DATA})")),
    ("erase", "en", re.compile(r"(?:delete|erase|remove|forget)\s+(?:me|(?:all\s+)?my\s+data)")),
    ("confirm", "da", re.compile(r"ja\s*,?\s*slet(?:\s+(?:det|alt))?")),
    ("confirm", "en", re.compile(r"yes\s*,?\s*delete(?:\s+(?:it|everything))?")),
)
# Politeness around the request ("Hej, mine data tak", "Please delete me").
_POLITE_RE = re.compile(
    r"^(?:(?:hej|hejsa|hi|hello|please|venligst|tak)\b[\s,.!]*)+|"
    r"(?:[\s,.!]*\b(?:tak|thanks|thank you|please|venligst))+[\s.!]*$"
)


@dataclass(frozen=True)
class PrivacyRequest:
    """A reply that is just a privacy request, and the language it was written in."""

    kind: PrivacyKind
    lang: Lang


def privacy_request(mail: ReadMail) -> PrivacyRequest | None:
    """Whether the reply is only "mine data", "slet mig" or "JA, SLET" (or a close variant).

    Only the whole reply counts, once the signature, a greeting line and a "tak" are taken
    off: a question that mentions data ("Hvilke data skal I bruge?") is a question.
    """
    if mail.automatic is not None:
        return None
    message = read_signature(mail.reply, mail.from_name).message
    lines = [line for line in message.strip().split("\n") if line.strip()]
    if len(lines) > 1 and _SALUTATION_RE.match(lines[0]) and len(lines[0].split()) <= 4:
        lines = lines[1:]  # "Hej sekretariatet,"
    text = " ".join(" ".join(lines).casefold().split())
    text = _POLITE_RE.sub("", text).strip(" .!,")
    for kind, lang, pattern in _PRIVACY_RES:
        if pattern.fullmatch(text):
            return PrivacyRequest(kind, lang)
    return None


def classify(
    mail: ReadMail, answerer: Answerer, event: str | None, lang: Lang, now: datetime
) -> Classification:
    """Decide what a read message wants, asking the answering core about the reply."""
    if mail.automatic is not None:
        reason = f"automatic message ({mail.automatic})"
        if mail.bounced_recipients:
            reason += ": undeliverable " + ", ".join(mail.bounced_recipients)
        return _ignore(reason, None, None)
    signed = read_signature(mail.reply, mail.from_name)
    name, organisation = sender(mail, signed)
    message = signed.message
    if not message.strip() or _only_courtesy(message):
        reason = "empty reply" if not message.strip() else "only greetings or thanks"
        if mail.attachments:  # a filled-in form sent with "Tak": a person must look at it
            return Classification(
                "question",
                f"{reason}, with an attachment",
                name,
                organisation,
                escalate=True,
                message=message,
            )
        return _ignore(reason, name, organisation)

    # "Tilmelding: Søren Ærø, Handicaprådet i Brønderslev" is the invitation's form filled in:
    # it says "I sign up". The name and place on it are the sender's, not a question's words.
    asked = _ENTRY_SIGNUP_RE.sub(_signup_sentence(lang), message)
    # What a person needs ("Jeg kører i kørestol, så jeg har brug for en plads ved et bord") is
    # said beside a signup, not asked of the knowledge base; the core reads the rest.
    asked, states_needs, needs_only = _without_needs(asked, answerer)
    if needs_only:
        return Classification(
            "signup",
            "states needs or companions only",
            name,
            organisation,
            message=message,
            needs_only=True,
            states_needs=True,
        )
    answer = answerer.answer(asked, event, lang, now)
    sentences = _sentences(message)
    # A question without its mark ("vil gerne vide om der er …") is a question too.
    questions = tuple(s for s in sentences if asks(s))
    statements = [s for s in sentences if not asks(s)]
    if questions and statements and answer.intent not in ("signup", "cancel"):
        # "Ja tak, jeg deltager gerne. Hvornår starter dagen?": the core answers the question
        # and reads the signup as its context. Asked about the statements alone, it sees both.
        stated = answerer.answer(" ".join(statements), event, lang, now)
        if stated.intent in ("signup", "cancel"):
            answer = stated

    def decided(action: Action, reason: str, escalate: bool = False) -> Classification:
        asked_too: Answer | None = None
        if questions and action != "question":
            reason += "; also asks a question"
            if action in ("signup", "cancel"):
                asked_too = answerer.answer(" ".join(questions), event, lang, now)
        return Classification(
            action,
            reason,
            name,
            organisation,
            escalate,
            answer,
            message,
            questions,
            states_needs=states_needs,
            asked=asked_too,
        )

    if answer.intent in ("signup", "cancel") and not _writer_acts(
        sentences, answerer, answer.intent
    ):
        # "bente kan ikke komme", "Inden jeg tilmelder mig, vil jeg gerne vide …", "I'm not
        # signing anyone up yet": the words of the act are someone else's, asked, or put off.
        hedged = _HEDGED_RE.search(message) is not None
        if questions or hedged:
            # Put off until something is answered ("det afhænger af om der er teleslynge"): a
            # question, for staff when it asks nothing the core can answer.
            asked_first = answerer.answer(" ".join(questions) or asked, event, lang, now)
            return Classification(
                "question",
                "asks; the signup or cancellation is not the writer's now",
                name,
                organisation,
                asked_first.escalate or not questions,
                asked_first,
                message,
                questions,
                states_needs=states_needs,
            )
        if states_needs:
            return decided("signup", "states needs; the cancellation is someone else's")
        return decided("question", "the act the core reads is someone else's", True)

    declined = _declines(sentences, answerer)
    # The core has no decline: it reads "kan ikke deltage" as cancel, "Nej tak" as small talk,
    # and "Desværre kan jeg ikke deltage" as a signup (the cue "deltage", negation unseen).
    # A decline stands unless the reply also signs up in so many words ("Nej tak til frokost,
    # men jeg deltager gerne") or asks a question the core can answer.
    if declined is not None:
        signs_up = _states_signup(sentences, answerer)
        if signs_up and answer.intent != "cancel":
            return decided("signup", f"signs up, declining something else: {declined!r}")
        unanswered = answer.escalate and not questions
        if not signs_up and (
            answer.intent in ("signup", "cancel", "decline", "smalltalk", "empty") or unanswered
        ):
            if answer.intent == "cancel" and _withdraws(sentences, answerer):
                return decided("cancel", f"cancels: {declined!r}")
            return decided("decline", f"declines: {declined!r}")
    if (
        states_needs
        and not questions
        and not any(asks(s) for s in _sentences(asked))
        and not _HEDGED_RE.search(message)
        and answer.intent not in ("signup", "cancel")
    ):
        # A reply to an invitation that says what the writer needs to take part, and asks
        # nothing, comes from someone who comes ("I'd love to attend. I'm partially sighted…"),
        # however the rest is worded.
        return decided("signup", "states needs and asks nothing")
    if answer.intent == "signup":
        # "Har I teleslynge? Jeg overvejer at tilmelde mig": a signup on a condition waits for
        # the answer; one said plainly beside it ("Jeg tilmelder mig. … et medlem overvejer
        # at komme") stands.
        plainly = any(
            _states_signup([s], answerer) and not _HEDGED_RE.search(s) for s in statements
        )
        if questions and _HEDGED_RE.search(message) and not plainly:
            # "Har I teleslynge? Jeg overvejer at tilmelde mig": the answer decides; not yet.
            asked_first = answerer.answer(" ".join(questions), event, lang, now)
            return Classification(
                "question",
                "asks before deciding to sign up",
                name,
                organisation,
                asked_first.escalate,
                asked_first,
                message,
                questions,
            )
        return decided("signup", "the core reads a signup")
    if answer.intent == "cancel":
        return decided("cancel", "the core reads a cancellation")
    if answer.intent == "decline":  # read as a "no", though it says none in so many words
        return decided("question", "the core reads a decline the reply does not state", True)
    if answer.intent in ("smalltalk", "empty"):
        return decided("question", "the core reads small talk, but the reply says more", True)
    if answer.escalate:
        return decided("question", f"question the core cannot answer ({answer.intent})", True)
    return decided("question", f"question answered by the core ({answer.intent})")


def _without_needs(message: str, answerer: Answerer) -> tuple[str, bool, bool]:
    """The message without the writer's statements of need, whether it has any, and whether
    it is only such statements (greetings and thanks aside).

    A sentence that states a need and also signs up, cancels or declines ("Jeg deltager gerne
    og har ingen ønsker til kost") keeps those clauses for the core, and only those."""
    vocabulary = answerer.index.vocabulary
    kept: list[str] = []
    dropped = False
    for line in message.split("\n"):
        parts = []
        for sentence in _sentences(line):
            clauses = [c for _, found in need_clauses(sentence) for c in found]
            if sentence.endswith("?") or not any(
                c.states or c.withdrawn or c.withdraws_all for c in clauses
            ):
                parts.append(sentence)
                continue
            dropped = True
            acts = [
                c.text
                for c in clauses
                if {"signup", "cancel", "decline"} & analyse(c.text, vocabulary).patterns
                and not about_someone_else(c.text)
            ]
            if acts:
                parts.append(". ".join(acts) + ".")
        kept.append(" ".join(parts))
    rest = "\n".join(kept).strip()
    if not dropped:
        return message, False, False
    if not rest or _only_courtesy(rest) or _CHANGE_RE.fullmatch(rest.strip(" .:!")):
        return message, True, True
    return rest, True, False


# A signup said on a condition: "jeg overvejer at tilmelde mig", "it depends on".
# Put off is on a condition too: "inden jeg tilmelder mig", "ikke tilmeldt mig endnu", "I'm not
# signing up yet", "I'll wait for your answer".
_HEDGED_RE = re.compile(
    r"\b(?:overvejer|overveje|afhænger|afhaenger|hvis det er muligt|considering|depends"
    r"|(?:inden|før|foer) (?:jeg|vi) (?:tilmelder|melder)|endnu ikke|ikke (?:\w+ ){1,3}endnu"
    r"|before (?:i|we) (?:sign|register|decide)|not (?:\w+ ){1,3}yet|wait for (?:your|an) answer"
    r"|venter på (?:jeres |dit |et )?svar)\b",
    re.IGNORECASE,
)
# "Rettelse til min tilmelding:", "Hej igen": what introduces a change and says nothing more.
_CHANGE_RE = re.compile(
    r"(?:hej igen|rettelse(?: til min tilmelding)?|ændring(?: til min tilmelding)?|"
    r"tilføjelse(?: til min tilmelding)?|correction|update)",
    re.IGNORECASE,
)


def _signup_sentence(lang: Lang) -> str:
    # Read by the understanding, never shown: the words it knows for "I sign up".
    return "I would like to sign up." if lang == "en" else "Jeg vil gerne tilmelde mig."


def _declines(sentences: list[str], answerer: Answerer) -> str | None:
    """The first statement that declines (by the lexicon's DECLINE_PATTERNS), if any."""
    vocabulary = answerer.index.vocabulary
    for sentence in sentences:
        if sentence.endswith("?"):
            continue
        if "decline" in analyse(sentence, vocabulary).patterns:
            return sentence
    return None


_CLAUSE_RE = re.compile(r"[,;]\s*|\s+(?:men|but)\s+", re.IGNORECASE)


def _states_signup(sentences: list[str], answerer: Answerer) -> bool:
    """Whether a clause signs up in so many words (SIGNUP_PATTERNS) without declining."""
    vocabulary = answerer.index.vocabulary
    for sentence in sentences:
        for clause in _CLAUSE_RE.split(sentence):
            patterns = analyse(clause, vocabulary).patterns if clause.strip() else set()
            if "signup" in patterns and "decline" not in patterns:
                return True
    return False


def _writer_acts(sentences: list[str], answerer: Answerer, intent: str) -> bool:
    """Whether the writer does what the core read (``intent``: signup or cancel) in a clause of
    their own: one that says it, is no question, is not put off or on a condition, and is not
    about someone else ("Sofie kan ikke komme"). A reply whose clauses carry no words of
    signing up or cancelling at all is left to the core's reading."""
    vocabulary = answerer.index.vocabulary
    carried = False
    for sentence in sentences:
        for clause in _CLAUSE_RE.split(sentence):
            query = analyse(clause, vocabulary) if clause.strip() else None
            acts = (
                {a for a in ("signup", "cancel") if a in query.patterns or query.cues.get(a)}
                if query is not None
                else set()
            )
            if not acts:
                continue
            carried = True
            if intent in acts and not (
                asks(sentence) or _HEDGED_RE.search(clause) or about_someone_else(clause)
            ):
                return True
    return not carried


def _withdraws(sentences: list[str], answerer: Answerer) -> bool:
    """Whether the sender withdraws a registration ("afbud", "melde fra", "alligevel")."""
    vocabulary = answerer.index.vocabulary
    for sentence in sentences:
        if _CHANGE_OF_MIND_RE.search(sentence):
            return True
        if analyse(sentence, vocabulary).cues.get("cancel"):
            return True
    return False
