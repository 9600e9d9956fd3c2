"""Runtime settings (pydantic-settings): read from ESGLEDGER_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from esgledger.errors import ConfigError

__all__ = ["DEFAULT_DATABASE_URL", "DEMO_SECRET_KEY", "Settings", "load_settings"]

DEFAULT_DATABASE_URL = "sqlite:///esgledger.db"
_UNSAFE_SECRETS = {"", "changeme", "secret", "dev"}
#: The demo ledger's signing key: public, so only ever used with ``ESGLEDGER_DEMO=1``.
DEMO_SECRET_KEY = "esgledger-demo-only-not-a-secret"  # noqa: S105 - public by design


class Settings(BaseSettings):
    """esgledger settings. Environment: ESGLEDGER_DATABASE_URL, ESGLEDGER_DATA_DIR, ..."""

    model_config = SettingsConfigDict(env_prefix="ESGLEDGER_", extra="ignore")

    database_url: str = Field(default=DEFAULT_DATABASE_URL)
    data_dir: Path = Field(default=Path("."))
    secret_key: str | None = None
    actor: str = Field(default="cli")
    #: where evidence files are stored (content-addressed); default: ``<data_dir>/evidence``
    evidence_dir: Path | None = None
    #: the largest evidence file accepted, in bytes
    evidence_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    #: outgoing mail for reminders; no host: messages stay in the outbox
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "esgledger@localhost"
    smtp_starttls: bool = False
    #: seconds between the portal's outbox rounds when SMTP is configured (0: no background sender)
    outbox_interval_s: float = Field(default=60, ge=0)
    #: a user without an e-mail address of their own gets ``username@mail_domain``
    mail_domain: str = ""
    #: the portal's address, for links in e-mails
    public_url: str = "http://127.0.0.1:8000"

    # -- the web portal (``esgledger serve``) --
    #: the demo ledger: a fixed, public signing key is allowed (never in production)
    demo: bool = False
    #: host names the portal answers to, comma-separated (``*``: any; behind a proxy, its name)
    allowed_hosts: str = "127.0.0.1,localhost"
    #: cookies marked Secure: ``auto`` (when the request came over https), ``true``, ``false``
    secure_cookies: Literal["auto", "true", "false"] = "auto"
    #: largest request body accepted (uploads, evidence), in megabytes
    upload_limit_mb: int = Field(default=20, ge=1, le=2048)
    #: how long a sign-in lasts, in hours
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    #: run a report-build worker inside each server process (off: ``esgledger jobs work``)
    jobs_worker: bool = True

    def host_list(self) -> list[str]:
        """``allowed_hosts`` as a list (empty entries dropped)."""
        return [h.strip() for h in self.allowed_hosts.split(",") if h.strip()]

    def upload_limit_bytes(self) -> int:
        return self.upload_limit_mb * 1024 * 1024

    def web_secret_key(self) -> str:
        """The portal's signing key: required unless this is the demo ledger."""
        if self.demo and not self.secret_key:
            return DEMO_SECRET_KEY
        return self.require_secret_key()

    def require_secret_key(self) -> str:
        """The web app's signing key; refuses a missing or well-known value."""
        key = self.secret_key or ""
        if key.strip().lower() in _UNSAFE_SECRETS or len(key) < 16 or key == DEMO_SECRET_KEY:
            raise ConfigError(
                "ESGLEDGER_SECRET_KEY is missing or unsafe (need at least 16 characters)",
                hint='generate one: python -c "import secrets; print(secrets.token_hex(32))"',
            )
        return key


def load_settings(database_url: str | None = None) -> Settings:
    """Settings from the environment, with an explicit database URL taking precedence."""
    settings = Settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    return settings
