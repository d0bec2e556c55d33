"""The one settings object: environment variables prefixed ``BOT_``, and an optional TOML file.

Precedence (highest first): environment, then the file named by ``BOT_CONFIG_FILE``, then defaults.
``ops/deltagerbot.example.toml`` documents every setting.
"""

from __future__ import annotations

import os
import tomllib
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

if TYPE_CHECKING:
    from bot.registrations.identity import ChatId

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The channel of the staff chat and of the staff listed by chat id.
STAFF_CHAT_CHANNEL = "telegram"


class _TomlFileSource(PydanticBaseSettingsSource):
    """Reads the optional config file named by BOT_CONFIG_FILE (keys without the BOT_ prefix)."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        path = os.environ.get("BOT_CONFIG_FILE")
        self._data: dict[str, Any] = {}
        if path:
            with open(path, "rb") as fh:
                self._data = {k.lower(): v for k, v in tomllib.load(fh).items()}

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k in self.settings_cls.model_fields}


def _user_cache() -> Path:
    """The user's cache folder, as the XDG convention has it."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


class Settings(BaseSettings):
    """Everything configurable about one Deltagerbot installation."""

    # An empty variable (BOT_TELEGRAM_TOKEN=) means "not set", as it does in most tools.
    model_config = SettingsConfigDict(env_prefix="BOT_", extra="ignore", env_ignore_empty=True)

    knowledge_dir: Path = Field(default=PROJECT_ROOT / "knowledge")
    # How often the running bot looks for edited or published knowledge files (and answers
    # taught from another process); a look is a directory listing and one small query.
    knowledge_poll_seconds: float = Field(default=3.0, ge=0.5, le=3600)
    data_dir: Path = Field(default=PROJECT_ROOT / "data")
    # Trained models kept between runs, so a start does not train again (bot/understanding/
    # trained.py); anything in it can be deleted at any time.
    cache_dir: Path = Field(default_factory=lambda: _user_cache() / "deltagerbot")
    database_url: str | None = None
    # PostgreSQL only: the schema the bot's tables live in (default: the user's search path).
    database_schema: str | None = None
    default_language: str = "da"
    log_level: str = "INFO"
    # "text": plain lines; "json": one JSON object a line, for a log collector.
    log_format: Literal["text", "json"] = "text"

    telegram_token: SecretStr | None = None
    telegram_api_url: str | None = None
    telegram_bot_username: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = 8443
    telegram_webhook_path: str = "telegram"
    # Updates the bot works on at once (one per chat; an update waiting for its chat's turn, or
    # for its reply to be sent, takes none). A handful keeps the database and the answering
    # busy; more only adds overhead.
    telegram_max_concurrent_updates: int = 8
    # When more than this many messages of one chat wait to be answered, the chat is told once
    # to wait; everything is still answered, in order.
    telegram_flood_notice_after: int = Field(default=5, ge=1)

    # The secretariat's mailbox (IMAP): the mail worker runs when imap_host is set.
    imap_host: str | None = None
    # 993 is IMAP over TLS; 143 is plain IMAP (set imap_ssl = false).
    imap_port: int = 993
    # Login name, usually the mailbox's address.
    imap_user: str | None = None
    # Password; leave empty to log in with OAuth2 (XOAUTH2) when mail_oauth_* are set.
    imap_password: SecretStr | None = None
    # Implicit TLS from the first byte (port 993).
    imap_ssl: bool = True
    # The folder replies arrive in.
    imap_folder: str = "INBOX"
    # Where handled messages are moved (created when missing).
    imap_done_folder: str = "Behandlet"
    # IDLE is renewed this often: servers drop an IDLE after 30 minutes, NAT boxes sooner.
    imap_idle_seconds: int = 300
    # How often to look for new mail when the server has no IDLE.
    imap_poll_seconds: int = 60
    # The server replies are sent through (SMTP submission).
    smtp_host: str | None = None
    # 587 is submission with STARTTLS; 465 is implicit TLS (set smtp_ssl = true).
    smtp_port: int = 587
    # Login name; empty means no login (a relay that trusts the bot's address).
    smtp_user: str | None = None
    # Password; leave empty to log in with OAuth2 (XOAUTH2) when mail_oauth_* are set.
    smtp_password: SecretStr | None = None
    # Require STARTTLS before logging in (port 587).
    smtp_starttls: bool = True
    # Implicit TLS from the first byte (port 465); excludes smtp_starttls.
    smtp_ssl: bool = False
    # The bot's own address: From of every reply, and the domain of its Message-IDs.
    mail_from: str | None = None
    # Tries for one incoming message (or one outgoing reply) before it is left for staff.
    mail_max_attempts: int = 5
    # Automatic replies to one address in 24 hours, at most (keeps mail loops short).
    mail_autoreplies_per_day: int = 3
    # Seconds a sender's hold on an outbox message (mail and chat) lasts unless renewed; a live
    # sender renews it every third of this, so a dead one's messages are sent by another bot
    # process this soon after it died.
    outbox_lease_seconds: float = Field(default=5.0, ge=1.0)
    # Microsoft 365 (OAuth2 client credentials): the directory (tenant) id or domain.
    mail_oauth_tenant: str | None = None
    # The app registration's application (client) id.
    mail_oauth_client_id: str | None = None
    # The app registration's client secret.
    mail_oauth_client_secret: SecretStr | None = None
    # Token endpoint override (tests, other clouds); default: Microsoft's for the tenant.
    mail_oauth_token_url: str | None = None

    # Staff (issue 6). The Telegram group where new cases are posted and staff answer by reply;
    # its members are staff. A negative number, e.g. -1001234567890.
    staff_chat_id: int | None = None
    # For secretariats without a staff chat: cases are forwarded here, replies are relayed.
    staff_email: str | None = None
    # More staff outside the staff chat: Telegram user ids and e-mail addresses.
    staff_telegram_ids: list[int] = Field(default_factory=list)
    staff_emails: list[str] = Field(default_factory=list)
    # The language staff are written to.
    staff_language: str = "da"
    # A taken case mutes the bot for its participant; with no staff message for this long, the
    # bot answers them again (the case stays open until a person closes it).
    case_quiet_minutes: int = 120

    # Privacy (issue 7). The personal data of an event (registrations, chats, questions to
    # staff, e-mails) is deleted this many days after the event ends, by a daily job.
    retention_days: int = Field(default=90, ge=1)

    # Reminders (issue 7), each sent once whatever restarts. The switch for all of them: the
    # reminders to participants, to unfinished signups, and the deadline note to staff.
    reminders_enabled: bool = True
    # Participants are reminded this many working days (Monday to Friday, not Danish public
    # holidays) before the event, at reminder_time (Copenhagen time); 0 sends no such reminder.
    reminder_working_days_before: int = Field(default=2, ge=0)
    reminder_time: time = time(9, 0)
    # And in the morning of the day itself, unless the event has begun by then.
    reminder_same_day: bool = True
    reminder_same_day_time: time = time(7, 30)
    # A chat that began a signup and left it is reminded once, when the deadline is this many
    # hours away or less; 0 sends no such reminder.
    unfinished_signup_reminder_hours: int = Field(default=48, ge=0)
    # Needs booked ahead (interpreters, ``bot.arranging.lead.BOOKED_AHEAD``) must be booked
    # this many working days before the event: one arriving later alerts staff at once, and one
    # still not arranged when the time comes alerts them then (once each).
    needs_lead_working_days: int = Field(default=10, ge=0)

    # The evaluation after the day (issue 16): three short questions, answered anonymously, sent
    # to those checked in, evaluation_days_after days after the event's last day at
    # evaluation_time (Copenhagen time), once each, on their own channel.
    evaluation_enabled: bool = True
    evaluation_days_after: int = Field(default=1, ge=0, le=14)
    evaluation_time: time = time(10, 0)

    # Limits (issue 11): a chat can type anyone's address, so what a chat makes the bot send to
    # one address is limited, per hour and per 24 hours: codes that prove the address, and
    # confirmations of signups made on an address the chat has not proven; and so are the
    # signups one chat starts. A full limit gets a polite answer, and nothing is sent.
    codes_per_address_per_hour: int = Field(default=3, ge=1)
    codes_per_address_per_day: int = Field(default=10, ge=1)
    confirmations_per_address_per_hour: int = Field(default=5, ge=1)
    confirmations_per_address_per_day: int = Field(default=20, ge=1)
    signups_per_chat_per_hour: int = Field(default=10, ge=1)
    signups_per_chat_per_day: int = Field(default=30, ge=1)

    # The web chat (issue 13): the chat on the event's own web page, served when web_port is
    # set, on web_host (behind a reverse proxy with HTTPS in production).
    web_port: int | None = None
    web_host: str = "127.0.0.1"
    # Signs the chat's session cookies and form tokens; when unset, one is made and kept in
    # data_dir (web_secret), so the chats survive a restart.
    web_secret: SecretStr | None = None
    # Web sites (scheme://host[:port]) that may show the chat inside their pages (embed.js);
    # every other site is refused by the browser (Content-Security-Policy frame-ancestors).
    web_allowed_origins: list[str] = Field(default_factory=list)
    # The chat's public address behind the proxy, e.g. "https://chat.example.dk": used for the
    # embed code and the origin check; https here makes the cookies Secure.
    web_public_url: str | None = None
    # Messages one chat may send: on average per second, and at once after a pause. More gets
    # a polite "you are writing very fast" and the text stays in the field.
    web_session_rate: float = Field(default=1.0, gt=0)
    web_session_burst: int = Field(default=10, ge=1)
    # Requests from one client address (new chats and messages; a council's office shares
    # one address): on average per second, and at once.
    web_address_rate: float = Field(default=10.0, gt=0)
    web_address_burst: int = Field(default=60, ge=1)
    # Longest message, in characters, and the largest request, in bytes.
    web_max_message_chars: int = Field(default=2000, ge=100)
    web_max_body_bytes: int = Field(default=16_384, ge=1024)

    @property
    def staff_chat(self) -> ChatId | None:
        """The staff chat (``staff_chat_id``, a Telegram group) as the chat the bot writes to."""
        from bot.registrations.identity import ChatId  # settings load before everything else

        if self.staff_chat_id is None:
            return None
        return ChatId(STAFF_CHAT_CHANNEL, str(self.staff_chat_id))

    @property
    def staff_chats(self) -> frozenset[ChatId]:
        """The staff listed by chat (``staff_telegram_ids``), as a chat channel knows them."""
        from bot.registrations.identity import ChatId

        return frozenset(ChatId(STAFF_CHAT_CHANNEL, str(i)) for i in self.staff_telegram_ids)

    @property
    def effective_database_url(self) -> str:
        """The configured database, or an SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'deltagerbot.sqlite3'}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlFileSource(settings_cls), file_secret_settings)


def settings_problems(error: ValidationError) -> list[str]:
    """Each setting pydantic refused, as a sentence naming its variable (``BOT_WEB_PORT``)."""
    from bot.i18n import DEFAULT_LANG, translator

    _ = translator(DEFAULT_LANG).gettext
    lines = []
    for problem in error.errors():
        name = ".".join(str(part) for part in problem["loc"]) or "?"
        lines.append(
            _("The setting {variable} is not valid: {reason}.").format(
                variable=f"BOT_{name.upper()}", reason=problem["msg"]
            )
        )
    return lines
