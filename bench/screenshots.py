"""Pictures of the app for the docs, taken in Debian's chromium: `make screenshot` (never run by the tests).

Serves the app over the shipped corpus (building the index when missing or stale) with a throw-away
feedback database, asks a question and its follow-up, and saves docs/screenshots/desktop.png
(1366×900, a source open), desktop-reader.png (after a click on [1]) and phone.png (400×800).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
QUESTIONS = ("贾汪区重点采煤沉陷区沉陷面积是多少？", "江苏“十四五”要完成多少亩已有采煤沉陷区治理面积？")
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 400, "height": 800}}


def _ask(page, question: str) -> None:
    asked = page.locator("#chat [data-testid=user]").count()
    page.fill("#question textarea", question)
    page.click("#send")
    page.wait_for_function("n => document.querySelectorAll('#chat [data-testid=user]').length > n", arg=asked)
    page.wait_for_timeout(600)


def take(url: str, out: Path) -> list[Path]:
    """Saves the pictures of the app at `url` into `out`; returns their paths."""
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name, viewport in SIZES.items():
            page = browser.new_page(viewport=viewport, locale="zh-CN")
            page.set_default_timeout(60_000)
            page.goto(url)
            page.wait_for_selector("#question textarea")
            for question in QUESTIONS:
                _ask(page, question)
            page.locator("#chat .thought-group .title").last.click()
            page.wait_for_timeout(800)
            saved.append(out / f"{name}.png")
            page.screenshot(path=saved[-1])
            if name == "desktop":
                page.locator("#chat sup.marker").last.click()
                page.wait_for_selector("#unit mark")
                page.wait_for_timeout(800)
                saved.append(out / "desktop-reader.png")
                page.screenshot(path=saved[-1])
            page.close()
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from assistant.answer.assistant import Assistant
    from assistant.config import Settings
    from assistant.ui.app import build_app, launch_options
    from bench.app_load import free_port

    with tempfile.TemporaryDirectory(prefix="screenshots-") as scratch:
        settings = Settings.from_env().with_overrides(port=free_port(), feedback_db=Path(scratch) / "feedback.sqlite3")
        demo = build_app(Assistant.load(settings, build=True), settings)
        _, url, _ = demo.launch(**(launch_options(settings, demo) | {"prevent_thread_lock": True, "quiet": True}))
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            for path in take(url, args.out):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        finally:
            demo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
