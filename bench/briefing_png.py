"""A rendered page of the example Word briefing for the README: `make briefing-png` (never run by the tests or CI).

LibreOffice headless turns docs/briefings/采煤沉陷区综合治理.docx into a PDF, pdftoppm renders its first
page (or --page N) as docs/briefings/采煤沉陷区综合治理.png. Needs `soffice` and `pdftoppm` (Debian:
`apt-get install --no-install-recommends libreoffice-writer poppler-utils fonts-noto-cjk`). The .docx is
the committed example; regenerate it first with `assistant brief 采煤沉陷区综合治理 --format md,docx --out docs/briefings`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCX = ROOT / "docs" / "briefings" / "采煤沉陷区综合治理.docx"


def render(docx: Path, png: Path, page: int = 1, dpi: int = 110) -> Path:
    """docx → PDF (LibreOffice headless, a throw-away profile) → one PNG page (pdftoppm)."""
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"briefing_png: {tool} is not installed (apt-get install libreoffice-writer poppler-utils fonts-noto-cjk).")
    with tempfile.TemporaryDirectory() as work:
        profile = Path(work) / "profile"
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", work, str(docx)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        pdf = Path(work) / (docx.stem + ".pdf")
        prefix = Path(work) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)],
            check=True,
            timeout=60,
        )
        png.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(prefix.with_suffix(".png"), png)
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.briefing_png", description=__doc__.splitlines()[0])
    parser.add_argument("docx", nargs="?", type=Path, default=DOCX)
    parser.add_argument("--out", type=Path, help="PNG file (default: beside the .docx, same name)")
    parser.add_argument("--page", type=int, default=1)
    parser.add_argument("--dpi", type=int, default=110)
    args = parser.parse_args(argv)
    out = render(args.docx, args.out or args.docx.with_suffix(".png"), args.page, args.dpi)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
