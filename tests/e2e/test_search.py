"""Searching and reading a part page, in a real browser."""

from tests.catalog.page_catalog import page_catalog


def test_a_visitor_searches_narrows_by_grade_and_reads_a_passport(page, site, transactional_db):
    catalog = page_catalog()

    page.goto(f"{site}/")
    page.click("header >> text=Search parts")
    page.fill("input[name=q]", "alternator")
    page.click("button[type=submit] >> text=Search")
    assert page.locator(".total").inner_text() == "2 parts found"
    assert page.locator(".card").count() == 2

    page.click(".facets >> text=Grade A (1)")
    page.wait_for_url("**grade=A**")
    assert page.locator(".total").inner_text() == "1 part found"
    assert page.locator(".card").count() == 1

    page.click(".card h3 a")
    page.wait_for_url(f"{site}/parts/{catalog.grade_a.pk}/")
    assert "Verified intact" in page.locator("#passport").inner_text()
    assert "Dismantled from the donor vehicle" in page.locator("#passport").inner_text()


def test_a_bad_year_is_told_next_to_the_year_field(page, site, transactional_db):
    page_catalog()

    page.goto(f"{site}/search/")
    page.fill("input[name=make]", "Honda")
    page.fill("input[name=model]", "Accord")
    page.fill("input[name=year]", "3000")
    page.click("button[type=submit] >> text=Search")

    error = page.locator("#field-year .errorlist")
    assert error.is_visible()
    assert "2100" in error.inner_text()
    assert page.locator("#field-make .errorlist").count() == 0


def test_the_search_page_fits_a_tablet_and_loads_only_its_own_files(page, site, transactional_db):
    page_catalog()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size({"width": 768, "height": 1024})

    page.goto(f"{site}/search/?q=alternator")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768
    assert all(url.startswith(site) for url in requested)
    assert any(url.endswith("/static/css/site.css") for url in requested)
