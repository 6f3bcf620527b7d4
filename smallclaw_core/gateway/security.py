"""The gateway's locks: the access token, the Host check and the Origin check.

Three things keep a local server safe from the rest of the machine and from web
pages the user happens to have open:

* a token, generated once into ``<data dir>/token`` (mode 0600), which every API
  request carries (``Authorization: Bearer`` or ``?token=`` for ``EventSource``);
* a Host check: a page on ``evil.example`` that re-points its DNS name at
  127.0.0.1 (DNS rebinding) still sends ``Host: evil.example``, so it is refused;
* an Origin check on state-changing requests, so a foreign page cannot even
  try to post with a stolen or guessed token.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
import secrets
from pathlib import Path
from typing import Any, Iterable

from ..errors import ConfigError
from ..paths import private_dir

TOKEN_FILE = "token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def ensure_token(home: Path) -> str:
    """The gateway token: read from ``<home>/token``, created (mode 0600) when missing or empty."""
    path = Path(home) / TOKEN_FILE
    try:
        token = path.read_bytes().decode("utf-8").strip()
    except FileNotFoundError:
        token = ""
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not a token (byte {exc.start} is not text); delete the file and the next "
                          "`smallclaw serve` makes a new one") from None
    if token:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)  # someone loosened it; the token is a password
        return token
    token = secrets.token_urlsafe(32)
    private_dir(path.parent)
    # O_EXCL so two servers starting at once cannot hand out different tokens
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # an empty file (or a racing writer): replace it, still private
        path.unlink(missing_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(token + "\n")
    return token


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(port: int, bind_host: str = "127.0.0.1", extra: Iterable[str] = ()) -> frozenset[str]:
    """The ``Host`` header values this server answers to (lower case, with the port)."""
    names = list(LOOPBACK_NAMES)
    if bind_host and bind_host not in ("0.0.0.0", "::", "") and not is_loopback(bind_host):
        names.append(f"[{bind_host}]" if ":" in bind_host else bind_host)
    out = set()
    for name in names:
        out.add(f"{name}:{port}".lower())
        if port == 80:
            out.add(name.lower())
    for entry in extra:
        entry = entry.strip().lower()
        if not entry:
            continue
        out.add(entry)
        if not entry.rsplit(":", 1)[-1].isdigit() or entry.endswith("]"):
            out.add(f"{entry}:{port}")  # a bare name means "on our port"
    return frozenset(out)


def allowed_origins(hosts: Iterable[str], extra: Iterable[str] = ()) -> frozenset[str]:
    """Origins allowed to change state: the board's own (any allowed host) plus configured ones."""
    out = {f"http://{h}" for h in hosts} | {f"https://{h}" for h in hosts}
    out |= {o.strip().rstrip("/").lower() for o in extra if o.strip()}
    return frozenset(out)


def bearer_token(headers: dict[str, str], query: dict[str, Any]) -> str | None:
    """The token a request carries, from ``Authorization: Bearer`` or ``?token=``."""
    auth = headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    token = query.get("token")
    if isinstance(token, list):
        token = token[0] if token else None
    return token or None


def token_matches(given: str | None, expected: str) -> bool:
    # compare_digest: the time taken must not tell an attacker how much was right
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def refusal(status: int, message: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """A JSON error response, as status, raw headers and body."""
    body = json.dumps({"error": message, "status": status}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="smallclaw"'))
    return status, headers, body
