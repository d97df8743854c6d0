"""What WeasyPrint may read while it renders a report: files of the project (the stylesheet) and data: URLs, nothing
from the network. One fetcher per process: WeasyPrint's default builds a new one, with its own SSL context, for
every HTML and CSS object."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher

REFUSED = "报告只读取本系统的文件：{url}"


class LocalFileFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        if not _allowed(url):
            # WeasyPrint logs the refusal as a warning and leaves the resource out; the render goes on.
            raise ValueError(REFUSED.format(url=url[:200]))
        return super().fetch(url, headers)


def _allowed(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(unquote(parts.path)).resolve()
    roots = [Path(settings.BASE_DIR).resolve()]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return any(path.is_relative_to(root) for root in roots)


_fetcher: LocalFileFetcher | None = None


def url_fetcher() -> LocalFileFetcher:
    """Built on first use (a sync worker renders one report at a time, which the fetcher's request state needs)."""
    global _fetcher
    if _fetcher is None:
        _fetcher = LocalFileFetcher(allowed_protocols={"file", "data"}, timeout=1)
    return _fetcher
