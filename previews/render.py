"""Turning an image or a PDF's first page into preview images: WebP, without any metadata.

Pillow guards against decompression bombs with Image.MAX_IMAGE_PIXELS; here going over it at
all is an error (Pillow itself only warns below twice the limit), so a bomb is refused before
its pixels are decoded. The orientation the camera wrote in EXIF is applied to the pixels, and
the preview is a new image made of those pixels alone: no EXIF (GPS, camera, owner), no ICC
profile, no comments survive. PDFs are rendered by PDFium (pypdfium2), the first page only, at
a scale that fits the largest preview, so a page of absurd dimensions cannot blow up either.
"""

import io
import warnings

import pypdfium2 as pdfium
from django.conf import settings
from PIL import Image, ImageOps

from previews.models import PDF_TYPE

# Each preview's longest side in pixels: the list's thumbnail, the preview page's rendition.
SIZES = {"small": 160, "large": 1200}
IMAGE_FORMATS = ["JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF"]
QUALITY = 82


class Unpreviewable(Exception):
    """The bytes are not an image or PDF that can be previewed safely (broken, a bomb)."""


def previews_of(data: bytes, content_type: str) -> dict[str, bytes]:
    """The WebP bytes of each preview size. Raises Unpreviewable."""
    Image.MAX_IMAGE_PIXELS = settings.PREVIEW_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = _first_page(data) if content_type == PDF_TYPE else _image(data)
            return {label: _webp(picture, side) for label, side in SIZES.items()}
    except Unpreviewable:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Unpreviewable(f"over {settings.PREVIEW_MAX_PIXELS} pixels: {exc}") from exc
    except (OSError, ValueError, SyntaxError, pdfium.PdfiumError, EOFError) as exc:
        raise Unpreviewable(f"cannot be read: {exc}") from exc


def _image(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as opened:
        opened.draft("RGB", (max(SIZES.values()),) * 2)  # JPEG: decode at a reduced scale
        upright = ImageOps.exif_transpose(opened)
        upright.load()
        return upright


def _first_page(data: bytes) -> Image.Image:
    document = pdfium.PdfDocument(data)
    try:
        if len(document) == 0:
            raise Unpreviewable("the PDF has no pages")
        page = document[0]
        try:
            width, height = page.get_size()
            scale = max(SIZES.values()) / max(width, height, 1)
            bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
            return bitmap.to_pil().convert("RGB")
        finally:
            page.close()
    finally:
        document.close()


def _webp(picture: Image.Image, side: int) -> bytes:
    alpha = picture.mode in {"RGBA", "LA", "PA"} or "transparency" in picture.info
    mode = "RGBA" if alpha else "RGB"
    scaled = picture.convert(mode)
    scaled.thumbnail((side, side), Image.Resampling.LANCZOS)
    # Only the pixels go on: a new image carries no EXIF, ICC profile, XMP or comment.
    clean = Image.frombytes(mode, scaled.size, scaled.tobytes())
    out = io.BytesIO()
    clean.save(out, format="WEBP", quality=QUALITY, method=4)
    return out.getvalue()
