"""OAuth2 for the mailbox (Microsoft 365): XOAUTH2 logins on IMAP and SMTP with app tokens.

Microsoft 365 no longer takes passwords on IMAP and SMTP; an app registration with the
``IMAP.AccessAsApp`` and ``SMTP.SendAsApp`` permissions gets tokens by the client-credentials
grant (its id and secret, no user present) and logs in with the SASL mechanism XOAUTH2: the
mailbox's address and ``Bearer <token>``.

- :class:`TokenProvider` is what the IMAP worker and the SMTP sender ask for a token; anything
  with ``async token() -> str`` will do (a test, another identity provider).
- :class:`ClientCredentialsTokenProvider` asks the token endpoint over HTTPS (httpx), keeps the
  token until shortly before it expires, and fetches one token for concurrent askers.
- :func:`xoauth2_string` builds the SASL initial response. imapclient's ``oauth2_login`` and
  aiosmtplib's XOAUTH2 build the same string themselves; this one is for checks and other clients.

Tokens and secrets are never logged.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

import httpx
from pydantic import SecretStr

from bot.settings import Settings

log = logging.getLogger(__name__)

# One scope for both: Exchange Online's resource, with the app's granted IMAP/SMTP permissions.
OUTLOOK_SCOPE = "https://outlook.office365.com/.default"
MICROSOFT_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
# Fetch a new token this long before the old one expires, so no login uses a dying token.
REFRESH_MARGIN_SECONDS = 300.0
HTTP_TIMEOUT_SECONDS = 30.0


class OAuthError(RuntimeError):
    """The token endpoint refused or could not be reached; the message holds no secret."""


class TokenProvider(Protocol):
    """Gives a current OAuth2 access token for the mailbox."""

    async def token(self) -> str:
        """A token valid for at least a few more minutes."""
        ...


def xoauth2_string(user: str, token: str) -> str:
    """The XOAUTH2 SASL initial response: ``user=<user>^Aauth=Bearer <token>^A^A``."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def xoauth2_base64(user: str, token: str) -> str:
    """The XOAUTH2 initial response, base64-encoded as it goes on the wire."""
    return base64.b64encode(xoauth2_string(user, token).encode("utf-8")).decode("ascii")


class ClientCredentialsTokenProvider:
    """Access tokens by the OAuth2 client-credentials grant, cached until near expiry."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: SecretStr,
        tenant: str | None = None,
        token_url: str | None = None,
        scope: str = OUTLOOK_SCOPE,
        refresh_margin: float = REFRESH_MARGIN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if token_url is None:
            if not tenant:
                raise ValueError("an OAuth2 tenant or a token URL is needed")
            token_url = MICROSOFT_TOKEN_URL.format(tenant=tenant)
        self.token_url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self.scope = scope
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        # One fetch at a time: IMAP and SMTP logging in together share the new token.
        self._lock = asyncio.Lock()
        self.fetches = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientCredentialsTokenProvider | None:
        """The provider the settings describe, or None when OAuth2 is not configured."""
        if not (settings.mail_oauth_client_id and settings.mail_oauth_client_secret):
            return None
        return cls(
            client_id=settings.mail_oauth_client_id,
            client_secret=settings.mail_oauth_client_secret,
            tenant=settings.mail_oauth_tenant,
            token_url=settings.mail_oauth_token_url,
        )

    async def token(self) -> str:
        """The cached token, or a new one when it is missing or about to expire."""
        async with self._lock:
            if self._token is not None and self._clock() < self._expires_at - self.refresh_margin:
                return self._token
            token, lifetime = await self._fetch()
            self._token = token
            self._expires_at = self._clock() + lifetime
            return token

    def invalidate(self) -> None:
        """Forget the cached token (after a server refused it)."""
        self._token = None

    async def _fetch(self) -> tuple[str, float]:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._secret.get_secret_value(),
            "scope": self.scope,
        }
        try:
            async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS) as client:
                response = await client.post(self.token_url, data=form)
        except httpx.HTTPError as exc:
            raise OAuthError(f"token endpoint unreachable: {type(exc).__name__}") from None
        self.fetches += 1
        try:
            body: dict[str, Any] = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or "access_token" not in body:
            # The error code ("invalid_client") helps staff; the description may echo input.
            raise OAuthError(
                f"token endpoint refused: HTTP {response.status_code} {body.get('error', '')}"
            )
        lifetime = float(body.get("expires_in", 3600))
        log.info("mail oauth: new access token, valid for %d s", lifetime)
        return str(body["access_token"]), lifetime
