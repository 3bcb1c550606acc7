"""Save PNGs of the main pages, on the demo data, with Debian's Chromium (`make screenshots`).

Serves the project with Django's runserver on a throwaway SQLite database filled by the same
commands as `make run`, signs in as the demo users and saves docs/screenshots/*.png.
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PORT = 8877
PASSWORD = "parts-demo-2026"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


def manage(env, *args) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def serve(env) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{PORT}", "--noreload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("runserver did not start")


def sign_in(page, username: str, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"http://127.0.0.1:{PORT}/accounts/login/?next={quote(then)}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def shoot(page, name: str) -> None:
    page.screenshot(path=OUT / f"{name}.png", full_page=True)
    print(f"saved docs/screenshots/{name}.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/screens.sqlite3",
            "DJANGO_SECRET_KEY": "screenshots-only",
            "DJANGO_DEBUG": "false",
            "CELERY_BROKER_URL": "",
            "ELASTICSEARCH_URL": "",
            "STRIPE_SECRET_KEY": "",
        }
        for command in ("migrate", "load_reference_data", "load_demo_data", "load_demo_orders",
                        "load_demo_certification"):  # fmt: skip
            manage(env, command)
        server = serve(env)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                     args=FLAGS)  # fmt: skip
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                take_all(page)
                browser.close()
        finally:
            server.terminate()


def take_all(page) -> None:
    base = f"http://127.0.0.1:{PORT}"
    page.goto(f"{base}/search/?q=alternator")
    shoot(page, "search")
    page.goto(f"{base}/search/?q=alternator&condition=remanufactured")
    page.click("article a >> nth=0")
    page.wait_for_load_state()
    shoot(page, "part")
    sign_in(page, "mainstreet", "/search/?q=alternator&condition=remanufactured")
    page.click("article a >> nth=0")
    page.click("button:has-text('Add to cart')")
    page.wait_for_load_state()
    shoot(page, "cart")
    sign_in(page, "mainstreet", "/my/orders/?status=ready_for_pickup")
    page.click("table a[href^='/my/orders/'] >> nth=0")
    page.wait_for_load_state()
    shoot(page, "order")
    sign_in(page, "precision", "/sales/")
    shoot(page, "sales")
    page.goto(f"{base}/inventory/")
    shoot(page, "inventory")
    sign_in(page, "counter", "/outlet/console/")
    shoot(page, "pickup-console")
    page.context.clear_cookies()
    page.context.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.goto(f"{base}/search/?q=alternator")
    shoot(page, "search-zh-hans")


if __name__ == "__main__":
    main()
