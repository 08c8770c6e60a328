"""Images and PDFs made on the spot for the preview tests (Pillow writes PNG, JPEG and PDF)."""

import io
import struct
import zlib

from PIL import Image


def png(size=(640, 480), color=(30, 120, 200)) -> bytes:
    out = io.BytesIO()
    picture = Image.new("RGB", size, color)
    for x in range(0, size[0], 8):  # a little detail, so it is not one flat colour
        picture.putpixel((x, x * size[1] // size[0]), (255, 255, 0))
    picture.save(out, format="PNG")
    return out.getvalue()


def noisy_png(size=(200, 200)) -> bytes:
    """A PNG that does not compress (random pixels): its size in bytes is predictable."""
    import os

    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif(size=(400, 200), maker="SecretCam 3000", orientation=6) -> bytes:
    """A landscape JPEG whose EXIF says "rotate 90°" (orientation 6), names the camera and
    carries a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = maker  # Make
    exif[0x0112] = orientation  # Orientation
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    picture = Image.new("RGB", size, (200, 40, 40))
    picture.paste((20, 20, 200), (0, 0, size[0] // 4, size[1]))  # a blue band on the left
    picture.save(out, format="JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def lighthouse(size=(900, 600)) -> bytes:
    """A PNG worth looking at in a screenshot: sky, sea and a lighthouse."""
    from PIL import ImageDraw

    width, height = size
    picture = Image.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    horizon = height * 2 // 3
    for y in range(horizon):
        shade = y * 120 // horizon
        draw.line([(0, y), (width, y)], fill=(90 + shade // 2, 150 + shade // 3, 230))
    for y in range(horizon, height):
        draw.line([(0, y), (width, y)], fill=(20, 70 + (y - horizon) // 4, 120))
    left, top = width * 3 // 5, height // 4
    for band in range(5):
        colour = (200, 30, 40) if band % 2 else (245, 245, 240)
        y = top + band * (horizon - top) // 5
        draw.rectangle([left, y, left + 50, y + (horizon - top) // 5], fill=colour)
    draw.rectangle([left - 10, top - 40, left + 60, top], fill=(40, 40, 40))
    draw.ellipse([left + 5, top - 35, left + 45, top - 5], fill=(255, 220, 80))
    draw.polygon([(left + 25, top - 20), (0, top - 80), (0, top + 40)], fill=(255, 240, 170))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def tide_tables() -> bytes:
    """A two-page PDF: a red title band and lines of text on page one, green page two."""
    from PIL import ImageDraw

    first = Image.new("RGB", (595, 842), (255, 255, 255))
    draw = ImageDraw.Draw(first)
    draw.rectangle([0, 0, 595, 300], fill=(200, 30, 40))
    draw.text((40, 120), "TIDE TABLES", fill=(255, 255, 255), font_size=60)
    for n in range(12):
        line = f"Day {n + 1:2}   high 0{n % 10}:1{n % 6}   low 1{n % 10}:4{n % 6}"
        draw.text((40, 340 + n * 38), line, fill=(30, 30, 30), font_size=24)
    second = Image.new("RGB", (595, 842), (30, 160, 60))
    out = io.BytesIO()
    first.save(out, format="PDF", save_all=True, append_images=[second], resolution=72)
    return out.getvalue()


def pdf(pages=2, size=(300, 420)) -> bytes:
    out = io.BytesIO()
    first = Image.new("RGB", size, (220, 30, 30))
    rest = [Image.new("RGB", size, (30, 220, 30)) for _ in range(pages - 1)]
    first.save(out, format="PDF", save_all=True, append_images=rest, resolution=72)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims width × height pixels: a decompression bomb's
    announcement, a few hundred bytes long."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(
        b"IEND", b""
    )
