"""The API documentation in Chromium: Swagger UI (/docs) and ReDoc (/redoc) render from the
app's own vendored files, with no request leaving the machine and no CSP error on the console
(the ``page`` fixture fails the test on either)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.pages.conftest import PageLog, screenshot


def own_requests(page_log: PageLog, server: str) -> list[str]:
    return [u.removeprefix(server) for u in page_log.requests if u.startswith(server)]


def test_swagger_ui_lists_the_operations_and_opens_one(page: Page, server: str, page_log: PageLog) -> None:
    page.goto(f"{server}/docs")
    sparql = page.locator(".opblock-summary-path[data-path='/sparql']").first
    expect(sparql).to_be_visible()
    expect(page.locator(".info .title")).to_contain_text("One Center")
    assert page.locator(".opblock").count() > 10  # every route of the API, not an empty shell
    # Opening an operation renders its parameters (Swagger UI's own code at work, not just markup).
    sparql.click()
    expect(page.locator(".opblock.is-open .parameters-container").first).to_be_visible()
    loaded = own_requests(page_log, server)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in loaded
    assert "/static/vendor/swagger-ui/swagger-ui.css" in loaded
    assert "/openapi.json" in loaded
    screenshot(page, "api-docs-swagger")


def test_redoc_shows_the_api_and_its_operations(page: Page, server: str, page_log: PageLog) -> None:
    page.goto(f"{server}/redoc")
    expect(page.locator(".api-info h1, h1").first).to_contain_text("One Center")
    menu = page.locator("[role='menuitem'], li[data-item-id] label")
    expect(menu.first).to_be_visible()
    assert menu.count() > 10
    expect(page.locator(".api-content")).to_contain_text("/sparql")
    loaded = own_requests(page_log, server)
    assert "/static/vendor/redoc/redoc.standalone.js" in loaded and "/openapi.json" in loaded
    screenshot(page, "api-docs-redoc")
