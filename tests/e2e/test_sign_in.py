"""Signing in through the page, in a real browser."""

from tests.marketplace.factories import UserFactory


def test_a_user_signs_in_and_a_wrong_password_is_told_by_the_form(page, site, transactional_db):
    UserFactory(username="garage-anna")

    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=username]", "garage-anna")
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    assert page.locator(".errorlist").first.is_visible()

    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/")
    assert "garage-anna" in page.locator("header").inner_text()
