"""The guide's screenshots: the script runs from a fresh demo database to valid PNGs, and the chapters show its files.

`make screenshots` makes every picture; here the script makes its short run (--quick: a page or two per chapter,
one of them on a phone's width) into a temporary folder, which proves in CI that it still works with the portal
as it is. The pictures the chapters show must be ones the script makes, and they are in docs/guide/img/.
"""

import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from core import guide
from tests.browser import CHROMIUM
from tests.services import service_unavailable

SCRIPT = Path(settings.BASE_DIR) / "docs" / "guide" / "screenshots.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PICTURE = re.compile(r"!\[[^\]]*\]\(img/([^)\s]+)\)")
# Migrating and loading the demo take a minute or two on a busy machine; the pictures themselves seconds.
SCRIPT_TIMEOUT_SECONDS = 900


def script(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=settings.BASE_DIR,
        check=False,
    )


def listed(*args: str) -> list[str]:
    result = script("--list", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's header, after checking that it is one."""
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), f"{path.name} is not a PNG"
    assert data[12:16] == b"IHDR", f"{path.name} has no PNG header"
    return struct.unpack(">II", data[16:24])


def pictures_of_the_chapters() -> dict[str, set[str]]:
    return {
        chapter.file_name: set(PICTURE.findall((guide.guide_dir() / chapter.file_name).read_text(encoding="utf-8")))
        for chapter in guide.CHAPTERS
    }


def test_every_picture_a_chapter_shows_is_made_by_the_script_and_in_the_guide():
    made = set(listed())
    shown = pictures_of_the_chapters()

    for file_name, pictures in shown.items():
        assert pictures, f"{file_name} shows no picture"
        assert pictures <= made, f"{file_name} shows pictures the script does not make: {sorted(pictures - made)}"
        for picture in pictures:
            assert (guide.guide_dir() / "img" / picture).is_file(), f"run `make screenshots`: {picture} is missing"
    assert made <= set().union(*shown.values()), "the script makes pictures no chapter shows"


def test_each_chapter_has_pictures_named_after_it():
    for chapter in guide.CHAPTERS:
        assert listed("--chapter", chapter.slug)
        assert all(name.startswith(f"{chapter.slug}-") for name in listed("--chapter", chapter.slug))


@pytest.mark.e2e
def test_the_script_makes_valid_pictures_from_a_fresh_demo(tmp_path):
    if not CHROMIUM.exists():
        service_unavailable(f"the screenshots need Debian's chromium at {CHROMIUM}")
    expected = listed("--quick")
    assert len(expected) >= len(guide.CHAPTERS), "the short run takes a picture of every chapter"

    result = script("--quick", "--out", str(tmp_path), timeout=SCRIPT_TIMEOUT_SECONDS)

    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(expected)
    widths = {name: png_size(tmp_path / name)[0] for name in expected}
    assert set(widths.values()) == {1280, 390}, widths
