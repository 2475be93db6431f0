"""The service's configuration: one `ServiceConfig` (pydantic-settings), given to `create_app`.

Every field can be set from the environment as LEXGRAPH_SERVICE_<FIELD> (lists as JSON), which
is how `lexgraph serve --workers N` hands the configuration to its worker processes. The bearer
token never travels that way: another user of the machine may read a process's environment
(/proc/PID/environ, `ps e`), so the workers are given `token_file`, a path to a file of mode 0600,
and read the token from it (`ServiceConfig.worker_environment`)."""

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated

from lexgraph.compliance.audit import DEFAULT_URL
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "LEXGRAPH_SERVICE_"
MAX_BODY = 1 << 20  # one application is a few kB; a megabyte is generous
MAX_BATCH_BODY = 16 << 20
MAX_BATCH = 1000
MAX_AMENDMENT = 256 << 10
MAX_JSON_TOKENS = 256  # per application in a batch: a body with more commas, brackets and colons is junk
MAX_JSON_VALUES = 1 << 16  # one request's body
BODY_TIMEOUT = 20.0
NEW_LAWS_PER_CLIENT = 8


class ServiceConfig(BaseSettings):
    """What one service (each of its workers) is configured with."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", validate_default=True)

    db: str = DEFAULT_URL  # the decision log's database URL
    token: SecretStr | None = (
        None  # bearer token for POST /v1/amendments and the auditors' lookups; None: off
    )
    token_file: Path | None = None  # a file holding the token (read when the settings are made)
    upload_dir: str | None = None  # where run-time amendments are kept (shared by the workers)
    law_dirs: list[str] | None = None  # default: the bundled corpus
    amendments_dir: str | None = None  # default: the bundled corpus's amendments/
    max_body: Annotated[int, Field(gt=0)] = MAX_BODY
    contexts: Annotated[int, Field(gt=0)] = (
        16  # LawContexts kept per worker, keyed by (amendments, parameters)
    )
    body_timeout: Annotated[float, Field(gt=0)] = (
        BODY_TIMEOUT  # seconds a request body may take to arrive, in all
    )
    new_laws_per_client: Annotated[int, Field(gt=0)] = (
        NEW_LAWS_PER_CLIENT  # laws one client may have compiled a minute
    )

    @model_validator(mode="after")
    def _read_token_file(self) -> "ServiceConfig":
        if self.token_file is not None and self.token is None:
            try:
                text = self.token_file.read_text(encoding="utf-8").strip()
            except OSError as error:
                raise ValueError(
                    f"token_file: cannot read `{self.token_file}`: {(error.strerror or str(error)).lower()}"
                ) from None
            if not text:
                raise ValueError(f"token_file: `{self.token_file}` is empty")
            self.token = SecretStr(text)
        return self

    @property
    def bearer(self) -> str | None:
        """The token in plain, for comparing with a request's Authorization header."""
        return self.token.get_secret_value() if self.token is not None else None

    def worker_environment(self) -> tuple[dict[str, str], Path | None]:
        """The environment that gives worker processes these settings, without the token: a token
        that came from no file is written to a new private file, which the caller removes when the
        workers are gone (the second value)."""
        secret: Path | None = None
        token_file = self.token_file
        if self.token is not None and token_file is None:
            fd, name = tempfile.mkstemp(prefix="lexgraph-token-")  # mode 0600
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(self.bearer or "")
            secret = token_file = Path(name)
        env: dict[str, str] = {}
        for name, value in self.model_dump(exclude={"token", "token_file"}).items():
            if value is None:
                continue
            env[ENV_PREFIX + name.upper()] = (
                json.dumps(value) if isinstance(value, list | bool) else str(value)
            )
        if token_file is not None:
            env[ENV_PREFIX + "TOKEN_FILE"] = str(token_file.resolve())
        return env, secret
