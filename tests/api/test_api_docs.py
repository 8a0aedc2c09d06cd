"""``/docs`` and ``/redoc`` over HTTP: only the app's own files, served with the right types,
and a Content-Security-Policy that names no other host and no blanket inline script."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.publish.platform import Platform
from graph.settings import Settings

# Every URL a page's markup asks the browser to load.
_LOADED = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|spec-url\s*=\s*["']([^"']+)["']""")
_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


@pytest.fixture(scope="module")
def platform_app(memory_settings: Settings) -> Iterator[Platform]:
    platform = Platform(memory_settings)  # an empty store: the pages do not read the graph
    yield platform
    platform.close()


@pytest.fixture(scope="module")
def client(platform_app: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform_app.settings, platform_app.store)) as c:
        yield c


def loaded_urls(html: str) -> list[str]:
    return [a or b for a, b in _LOADED.findall(html)]


def policy(header: str) -> dict[str, list[str]]:
    parts = (p.split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_page_loads_only_files_of_the_app(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "http://" not in html and "https://" not in html and "//" + "cdn" not in html
    urls = loaded_urls(html)
    scripts = [u for u in urls if u.endswith(".js")]
    assert scripts and all(u.startswith("/static/vendor/") for u in scripts), urls
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        served = client.get(url)
        assert served.status_code == 200, url
        suffix = url[url.rfind(".") :]
        expected = _TYPES.get(suffix, "application/json")
        assert expected in served.headers["content-type"], (url, served.headers["content-type"])
        assert len(served.content) > 500, url


def test_the_vendored_redoc_fetches_no_logo_from_its_cdn(client: TestClient) -> None:
    # ReDoc's side menu shows Redocly's logo from cdn.redoc.ly; the copy here has it replaced.
    bundle = client.get("/static/vendor/redoc/redoc.standalone.js").text
    assert "cdn.redoc.ly" not in bundle and "redocly logo" in bundle


def test_the_schema_the_pages_read_lists_the_sparql_operation(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "/sparql" in schema["paths"]
    assert "/docs" not in schema["paths"] and "/redoc" not in schema["paths"]


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_docs_policy_names_no_other_host_and_hashes_its_inline_script(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    header = response.headers["content-security-policy"]
    assert "http" not in header and "*" not in header, header
    rules = policy(header)
    assert rules["default-src"] == ["'self'"] and rules["connect-src"] == ["'self'"]
    assert rules["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in rules["script-src"] and "'unsafe-eval'" not in rules["script-src"]
    inline = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    expected = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in inline
    }
    assert set(rules["script-src"]) == {"'self'"} | expected
    if path != "/redoc":
        assert inline, "Swagger UI is started by an inline script"


def test_behind_a_proxy_prefix_every_url_keeps_the_prefix(platform_app: Platform) -> None:
    # A fresh case the routes do not special-case: the app served under /onecenter.
    app = create_app(platform_app.settings, platform_app.store)
    with TestClient(app, root_path="/onecenter") as prefixed:
        for path in ("/docs", "/redoc"):
            html = prefixed.get(path).text
            urls = loaded_urls(html)
            assert urls and all(u.startswith("/onecenter/") for u in urls), urls
        assert "window.location.origin + '/onecenter/docs/oauth2-redirect'" in prefixed.get("/docs").text
