"""How the browser journeys and the guide's screenshots launch Debian's chromium: one binary, one set of flags.

No browser is ever downloaded; without /usr/bin/chromium the journeys skip on a laptop and fail under CI.
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
