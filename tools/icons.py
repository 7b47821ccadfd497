"""Write the installable app's PNG icons (192 and 512 px) from the same drawing as
lti_tool/web/static/icon.svg: some phones (older Android, iOS) take only PNG icons.
Run: PYTHONPATH=$PWD .venv/bin/python tools/icons.py (Pillow; not a runtime dependency)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parents[1] / "lti_tool" / "web" / "static"
BLUE, WHITE = "#0969da", "#ffffff"
# icon.svg on its 512 grid: a rounded square (rx 96) and the letter M as one stroke (48 wide).
M = [(112, 384), (112, 128), (256, 288), (400, 128), (400, 384)]


def draw(size: int) -> Image.Image:
    """Drawn 4× larger and scaled down, for smooth edges."""
    big, k = size * 4, size * 4 / 512
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(96 * k), fill=BLUE)
    points = [(x * k, y * k) for x, y in M]
    width = round(48 * k)
    pen.line(points, fill=WHITE, width=width, joint="curve")
    for x, y in (points[0], points[-1]):  # round caps, as stroke-linecap="round"
        pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for size in (192, 512):
        draw(size).save(STATIC / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
