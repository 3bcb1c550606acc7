"""The pages in Simplified Chinese: chosen by the browser's language, or by the switch."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from catalog.models import Condition
from tests.catalog.page_catalog import page_catalog


@pytest.fixture
def catalog(transactional_db):
    return page_catalog()


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


def test_a_chinese_browser_gets_the_search_page_in_chinese(page, site, catalog):
    with translation.override("zh-hans"):
        condition = str(Condition(catalog.grade_a.condition).label)
    assert condition != Condition(catalog.grade_a.condition).label  # translated at all

    page.goto(f"{site}/search/?q=alternator&grade=A")

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h2").inner_text() == "搜索配件"
    assert page.locator("label[for=id_vin]").inner_text() == "车架号(VIN)"
    card = page.locator("article.card").first.inner_text()
    assert condition in card  # the condition, a model choice
    assert "旧件押金" in card  # the core charge
    facets = page.locator("aside.facets").inner_text()
    assert "成色" in facets and "Condition" not in facets

    # a bad year is told next to the field, in Chinese
    page.goto(f"{site}/search/?make=Honda&model=Accord&year=abc")
    assert "Year" not in page.locator("#field-year").inner_text()
    assert page.locator("#field-year .errorlist").is_visible()


def test_the_switch_changes_the_language_and_keeps_the_page(page, site, catalog):
    page.goto(f"{site}/search/?q=starter")
    assert page.locator("h2").inner_text() == "搜索配件"

    with page.expect_navigation():
        page.select_option("#language-switch", "en")
    expect(page.locator("h2")).to_have_text("Search parts")
    assert page.url == f"{site}/search/?q=starter"
    assert page.locator("html").get_attribute("lang") == "en"
