"""GGUF model files pulled from the Hugging Face Hub into the user's cache.

``smallclaw models pull <owner>/<repo>/<file.gguf>`` downloads
``{endpoint}/{owner}/{repo}/resolve/{revision}/{file}``, the Hub's file endpoint. The
endpoint is ``[models] hub_endpoint``, else ``$HF_ENDPOINT``, else https://huggingface.co;
``$HF_TOKEN`` is sent for gated or private repositories. Layout::

    <models dir>/<owner>/<repo>/<file.gguf>         a pulled model, complete and verified
    <models dir>/<owner>/<repo>/.<file.gguf>.json   where it came from, its sha256 and size
    <models dir>/<owner>/<repo>/<file.gguf>.part    a download in progress

The models directory is ``$SMALLCLAW_MODELS_DIR``, else ``models/`` in the user's cache
directory (``~/.cache/smallclaw/models`` on Linux). A download goes into the ``.part``
file and continues where it stopped (an HTTP ``Range`` request), whether the connection
dropped or the command was interrupted. The Hub names the sha256 of every LFS file (GGUF
files are) in ``X-Linked-Etag``; the finished file must have it, or it is deleted. Only
then is it renamed to its final name, so a model under its final name is always whole.

Nothing here runs by itself: a model is only ever downloaded by ``smallclaw models pull``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path
from typing import Any, Mapping, TextIO
from urllib.parse import quote, urljoin, urlsplit

import attrs

from .errors import ConfigError, DownloadError, ModelError
from .paths import user_cache_dir
from .progress import ProgressBar, size_text

DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_REVISION = "main"
MODELS_VARIABLE = "SMALLCLAW_MODELS_DIR"
#: tries per pull when the connection drops; each continues where the last one stopped
ATTEMPTS = 3
CHUNK = 1 << 20
_SHA256 = re.compile(r"[0-9a-f]{64}")


def models_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    chosen = env.get(MODELS_VARIABLE)
    return Path(chosen).expanduser().resolve() if chosen else user_cache_dir(env) / "models"


def hub_endpoint(configured: str = "", environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return (configured or env.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


@attrs.define
class PulledModel:
    """A model file in the models directory."""

    repo: str
    file: str
    path: Path
    size: int
    sha256: str | None = None
    revision: str | None = None
    pulled_at: float | None = None

    @property
    def name(self) -> str:
        """``owner/repo/file.gguf``: what ``[models] executor = "llamacpp:..."`` can name."""
        return f"{self.repo}/{self.file}"


def parse_spec(spec: str) -> tuple[str, str]:
    """``owner/repo/file.gguf`` (the file may sit in folders) -> (``owner/repo``, ``file.gguf``)."""
    parts = spec.strip().strip("/").split("/")
    if len(parts) < 3 or any(p in ("", ".", "..") for p in parts) or not parts[-1].lower().endswith(".gguf"):
        raise ConfigError(f"{spec!r} should name a GGUF file in a Hub repository as <owner>/<repo>/<file>.gguf, "
                          "e.g. Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf")
    return "/".join(parts[:2]), "/".join(parts[2:])


# --- what is pulled ------------------------------------------------------------------


def _sidecar(path: Path) -> Path:
    return path.with_name(f".{path.name}.json")


def list_pulled(root: Path | None = None) -> list[PulledModel]:
    """Every complete model in the models directory, by name."""
    root = root or models_dir()
    if not root.is_dir():
        return []
    models = []
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        if len(parts) < 3 or not path.name.lower().endswith(".gguf") or not path.is_file():
            continue
        try:
            meta = json.loads(_sidecar(path).read_text())
        except (OSError, ValueError):
            meta = {}  # copied in by hand: still usable, its origin unknown
        meta = meta if isinstance(meta, dict) else {}
        models.append(PulledModel(
            repo="/".join(parts[:2]), file="/".join(parts[2:]), path=path, size=path.stat().st_size,
            sha256=meta.get("sha256"), revision=meta.get("revision"), pulled_at=meta.get("pulled_at")))
    return sorted(models, key=lambda m: m.name)


def find_pulled(name: str, root: Path | None = None) -> PulledModel | None:
    """The pulled model called ``name``: ``owner/repo/file.gguf``, or its file name alone when unique."""
    name = name.strip().strip("/")
    models = list_pulled(root)
    for model in models:
        if model.name == name:
            return model
    matches = [m for m in models if name in (m.file, m.path.name)]
    if len(matches) > 1:
        raise ModelError(f"{name} is pulled from several repositories ({', '.join(m.repo for m in matches)}); "
                         f"name it as <owner>/<repo>/{name}")
    return matches[0] if matches else None


def latest_pulled(root: Path | None = None) -> PulledModel | None:
    """The model pulled last, or ``None`` when nothing is pulled."""
    models = list_pulled(root)
    return max(models, key=lambda m: (m.pulled_at or m.path.stat().st_mtime, m.name)) if models else None


# --- pulling -------------------------------------------------------------------------


@attrs.define
class Remote:
    """What the Hub said about a file before the download."""

    url: str
    download_url: str
    size: int | None
    sha256: str | None
    commit: str | None


def pull(spec: str, *, endpoint: str | None = None, revision: str = DEFAULT_REVISION, root: Path | None = None,
         token: str | None = None, verify: bool = True, stream: TextIO | None = None,
         attempts: int = ATTEMPTS, retry_delay: float = 1.0) -> tuple[PulledModel, bool]:
    """Download ``spec`` unless it is already there; returns the model and whether it was downloaded."""
    import httpx

    repo, file = parse_spec(spec)
    root = root or models_dir()
    target = root / repo / file
    if target.is_file():
        found = find_pulled(f"{repo}/{file}", root)
        if found is not None:
            return found, False
    endpoint = hub_endpoint(endpoint or "")
    url = f"{endpoint}/{quote(repo)}/resolve/{quote(revision, safe='')}/{quote(file)}"
    token = token if token is not None else os.environ.get("HF_TOKEN") or None
    headers = {"Authorization": f"Bearer {token}", "User-Agent": "smallclaw"} if token else {"User-Agent": "smallclaw"}
    part = target.with_name(target.name + ".part")
    with httpx.Client(headers=headers, timeout=httpx.Timeout(60.0, connect=15.0)) as client:
        remote = _ask(client, url, f"{repo}/{file}", revision)
        if remote.sha256 is None and verify:
            raise DownloadError(f"{url} did not say the file's sha256 (the Hub does, in X-Linked-Etag, for every "
                                "LFS file), so the download cannot be verified; use --no-verify to accept it as it is")
        target.parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(1, attempts + 1):
            try:
                digest, size = _download(client, remote, part, target.name, stream)
                break
            except _Dropped as exc:
                kept = part.stat().st_size if part.exists() else 0
                if attempt == attempts:
                    raise DownloadError(f"the download of {repo}/{file} stopped: {exc}. {size_text(kept)} are kept "
                                        f"in {part}; run the same command again to continue from there") from None
                _say(stream, f"the connection dropped ({exc}); continuing from {size_text(kept)}")
                time.sleep(retry_delay * attempt)
    if remote.sha256 is not None and digest != remote.sha256:
        part.unlink(missing_ok=True)
        raise DownloadError(f"the downloaded {file} has sha256 {digest}, but the server announced {remote.sha256}; "
                            "the file was deleted and nothing was kept. Try again; if it happens again, the mirror "
                            "or the connection is corrupting the file")
    model = PulledModel(repo=repo, file=file, path=target, size=size, sha256=digest, revision=revision,
                        pulled_at=time.time())
    _write_sidecar(model, remote)
    os.replace(part, target)  # only a whole, verified file ever has the final name
    return model, True


class _Dropped(Exception):
    """The connection ended before the whole file arrived: worth continuing."""


def _ask(client: Any, url: str, name: str, revision: str) -> Remote:
    """A HEAD request without following the Hub's redirect to its storage, whose headers say less."""
    import httpx

    current = url
    for _ in range(5):
        try:
            response = client.head(current, follow_redirects=False, headers={"Accept-Encoding": "identity"})
        except httpx.TransportError as exc:
            raise DownloadError(f"cannot reach {urlsplit(url).netloc}: {exc or type(exc).__name__}") from exc
        location = urljoin(current, response.headers.get("location", "")) if response.is_redirect else None
        # a renamed repository redirects within the Hub (without the file's headers): ask there
        if location and "x-linked-etag" not in response.headers \
                and urlsplit(location).netloc == urlsplit(current).netloc:
            current = location
            continue
        break
    if response.status_code in (401, 403):
        raise DownloadError(f"{current} refused access ({response.status_code}): the repository {name.rsplit('/', 1)[0]} "
                            "does not exist, or it is gated or private: accept its terms on the Hub and set HF_TOKEN "
                            "to an access token")
    if response.status_code == 404:
        raise DownloadError(f"there is no {name} at revision {revision} ({current}): check the repository "
                            "and file names on the Hub")
    if response.status_code >= 400:
        raise DownloadError(f"{current} answered {response.status_code}")
    headers = response.headers
    etag = (headers.get("x-linked-etag") or headers.get("etag") or "").removeprefix("W/").strip('"').lower()
    size_header = headers.get("x-linked-size") or (headers.get("content-length") if not response.is_redirect else None)
    return Remote(url=url, download_url=location or current,
                  size=int(size_header) if size_header and size_header.isdigit() else None,
                  sha256=etag if _SHA256.fullmatch(etag) else None, commit=headers.get("x-repo-commit"))


def _download(client: Any, remote: Remote, part: Path, label: str, stream: TextIO | None) -> tuple[str, int]:
    """Fetch what ``part`` lacks and return the whole file's sha256 and size."""
    import httpx

    done = part.stat().st_size if part.exists() else 0
    if remote.size is not None and done > remote.size:
        part.unlink()  # longer than the file: not a beginning of it
        done = 0
    digest = hashlib.sha256()
    if done:
        with open(part, "rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        if done == remote.size:
            return digest.hexdigest(), done
    headers = {"Range": f"bytes={done}-"} if done else {}
    try:
        with client.stream("GET", remote.download_url, headers=headers, follow_redirects=True) as response:
            if response.status_code == 416:
                part.unlink(missing_ok=True)  # the server cannot continue this file: start over next time
                raise _Dropped("the server could not continue the earlier download")
            if response.status_code >= 400:
                raise DownloadError(f"{remote.download_url} answered {response.status_code}")
            if done and response.status_code == 200:
                done = 0  # the server ignored the range and sends the whole file: take it from the start
                digest = hashlib.sha256()
            elif done and not _continues_at(response, done):
                part.unlink(missing_ok=True)
                raise _Dropped("the server sent another part of the file than the one asked for")
            total = remote.size
            if total is None and response.headers.get("content-length", "").isdigit():
                total = done + int(response.headers["content-length"])
            bar = ProgressBar(label, total, done=done, stream=stream)
            try:
                with open(part, "ab" if done else "wb") as fh:
                    for chunk in response.iter_bytes(CHUNK):
                        fh.write(chunk)
                        digest.update(chunk)
                        bar.update(len(chunk))
                    fh.flush()
                    os.fsync(fh.fileno())
            finally:
                bar.close()
    except httpx.TransportError as exc:
        raise _Dropped(str(exc) or type(exc).__name__) from exc
    if remote.size is not None and bar.done < remote.size:
        raise _Dropped(f"the server ended the file after {size_text(bar.done)} of {size_text(remote.size)}")
    return digest.hexdigest(), bar.done


def _continues_at(response: Any, offset: int) -> bool:
    """True when a response is the part of the file from ``offset`` on (a 206 with that range)."""
    if response.status_code != 206:
        return False
    match = re.match(r"bytes (\d+)-", response.headers.get("content-range", ""))
    return bool(match) and int(match.group(1)) == offset


def _write_sidecar(model: PulledModel, remote: Remote) -> None:
    from .paths import atomic_write

    record = {"repo": model.repo, "file": model.file, "revision": model.revision, "commit": remote.commit,
              "sha256": model.sha256, "size": model.size, "url": remote.url, "pulled_at": model.pulled_at}
    atomic_write(_sidecar(model.path), json.dumps(record, indent=2).encode())


def _say(stream: TextIO | None, text: str) -> None:
    import sys

    out = stream or sys.stderr
    out.write(text + "\n")
    out.flush()
