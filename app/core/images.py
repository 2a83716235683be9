"""Photos sent by citizens and officials: verify, read private metadata, re-encode without it.

Only the pixels survive. The output is a fresh JPEG and a thumbnail with no EXIF, XMP, ICC
profile or comment, so a public photo never shows which phone took it or where. The original's
GPS position and capture time are read first and returned apart from the image, for the private
"proof of fix" check (a result photo taken far from the report, or before it was filed).

The content decides, never the file name or the client's content type. Pillow opens the bytes
with only the JPEG, PNG and WebP parsers enabled, and the size declared in the header is checked
before any pixel is decoded. Pillow's own ``MAX_IMAGE_PIXELS`` is a process-wide global, so it is
left alone: the app's limit is checked here, and Pillow's bomb warning or error also refuses.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 12 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_EDGE = 1600
DEFAULT_THUMB_EDGE = 320
JPEG_QUALITY = 82
THUMB_QUALITY = 78
# Phones in Hanoi write local time without an offset; Vietnam has no daylight saving.
CAPTURE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# MPO is what Pillow calls a JPEG carrying extra frames (depth maps, previews); frame 0 is the photo.
_FORMATS = ("JPEG", "PNG", "WEBP")
_JPEG_FORMATS = ("JPEG", "MPO")
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
# What a decoder may raise on hostile or damaged input.
_DECODE_ERRORS = (OSError, ValueError, EOFError, SyntaxError, IndexError)

_MSG_NOT_AN_IMAGE = _l("This file is not a photo. Please choose a JPEG, PNG or WebP image.")
_MSG_UNSUPPORTED = _l("This image format is not supported. Please choose a JPEG, PNG or WebP image.")
_MSG_HEIC = _l(
    "HEIC photos are not supported yet. Please send the photo as JPEG "
    "(on an iPhone: Settings → Camera → Formats → Most Compatible)."
)
_MSG_CORRUPT = _l("This photo is damaged or incomplete. Please take it again or choose another photo.")


class PhotoError(ValueError):
    """A photo the app will not keep. ``code`` is for programs, ``message`` for people."""

    def __init__(self, code: str, message) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessedPhoto:
    """A re-encoded photo and its thumbnail, plus the original's private metadata.

    ``gps_lat``, ``gps_lon`` and ``taken_at`` come from the original's EXIF and are not in the
    image bytes; store them privately and never show them publicly.
    """

    data: bytes = field(repr=False)
    width: int
    height: int
    thumb_data: bytes = field(repr=False)
    thumb_width: int
    thumb_height: int
    sha256: str
    content_type: str = "image/jpeg"
    gps_lat: float | None = field(default=None, repr=False)
    gps_lon: float | None = field(default=None, repr=False)
    taken_at: datetime | None = field(default=None, repr=False)


def _setting(name: str, default: int) -> int:
    if has_app_context():
        value = current_app.config.get(name)
        if value is not None:
            return int(value)
    return default


def _number(value: float) -> str:
    return f"{value:g}"


def process_photo(data: bytes) -> ProcessedPhoto:
    """Verify ``data`` as a JPEG, PNG or WebP photo and re-encode it; raise :class:`PhotoError`."""
    max_bytes = _setting("PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)
    max_pixels = _setting("PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    max_edge = _setting("PHOTO_MAX_EDGE", DEFAULT_MAX_EDGE)
    thumb_edge = _setting("PHOTO_THUMB_EDGE", DEFAULT_THUMB_EDGE)

    if not data:
        raise PhotoError("not_an_image", _MSG_NOT_AN_IMAGE)
    if len(data) > max_bytes:
        raise PhotoError(
            "too_large",
            _l(
                "This photo is larger than %(size)s MB. Please choose a smaller photo.",
                size=_number(round(max_bytes / (1024 * 1024), 2)),
            ),
        )
    too_many_pixels = PhotoError(
        "too_many_pixels",
        _l(
            "This photo has too many pixels. Please choose a photo of at most %(megapixels)s megapixels.",
            megapixels=_number(round(max_pixels / 1_000_000, 1)),
        ),
    )

    try:
        im = Image.open(io.BytesIO(data), formats=_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise too_many_pixels from e
    except UnidentifiedImageError as e:
        raise _unidentified(data) from e
    except _DECODE_ERRORS as e:
        raise PhotoError("corrupt", _MSG_CORRUPT) from e

    with im:
        width, height = im.size
        if width < 1 or height < 1:
            raise PhotoError("corrupt", _MSG_CORRUPT)
        limit = max_pixels if Image.MAX_IMAGE_PIXELS is None else min(max_pixels, Image.MAX_IMAGE_PIXELS)
        if width * height > limit:
            raise too_many_pixels
        if im.format in _JPEG_FORMATS and max(width, height) > max_edge:
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale, no smaller than the output needs.
            scale = max_edge / max(width, height)
            im.draft(im.mode, (math.ceil(width * scale), math.ceil(height * scale)))
        try:
            im.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
            raise too_many_pixels from e
        except _DECODE_ERRORS as e:
            raise PhotoError("corrupt", _MSG_CORRUPT) from e

        # Read after load(): PNG keeps its eXIf chunk after the pixel data.
        gps_lat, gps_lon, taken_at = _private_metadata(im)
        icc_profile = im.info.get("icc_profile") if im.mode in ("RGB", "RGBA") else None
        try:
            upright = ImageOps.exif_transpose(im)
        except _DECODE_ERRORS + (KeyError, TypeError):
            log.info("Ignoring unreadable EXIF orientation", exc_info=True)
            upright = im.copy()

    photo = _to_rgb(upright)
    photo.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
    photo = _to_srgb(photo, icc_profile)
    thumb = photo.copy()
    thumb.thumbnail((thumb_edge, thumb_edge), Image.Resampling.LANCZOS)

    out = _encode(photo, JPEG_QUALITY, progressive=True)
    thumb_out = _encode(thumb, THUMB_QUALITY, progressive=False)
    return ProcessedPhoto(
        data=out,
        width=photo.width,
        height=photo.height,
        thumb_data=thumb_out,
        thumb_width=thumb.width,
        thumb_height=thumb.height,
        sha256=hashlib.sha256(out).hexdigest(),
        gps_lat=gps_lat,
        gps_lon=gps_lon,
        taken_at=taken_at,
    )


def _encode(im: Image.Image, quality: int, *, progressive: bool) -> bytes:
    # Pillow's JPEG writer copies im.info["comment"]; start from nothing so no metadata survives.
    im.info.clear()
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality, optimize=True, progressive=progressive)
    return buf.getvalue()


def _unidentified(data: bytes) -> PhotoError:
    """Explain a file none of the accepted parsers recognised, from its first bytes."""
    head = data[:64]
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return PhotoError("corrupt", _MSG_CORRUPT)
    if head[4:8] == b"ftyp":
        brands = {head[i : i + 4] for i in range(8, min(len(head), int.from_bytes(head[:4], "big")), 4)}
        if b"avif" not in brands and brands & _HEIF_BRANDS:
            return PhotoError("unsupported_format", _MSG_HEIC)
        return PhotoError("unsupported_format", _MSG_UNSUPPORTED)
    if (
        head.startswith((b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"\xff\x0a", b"\x00\x00\x00\x0cJXL "))
        or (head[:2] == b"BM" and head[6:10] == b"\x00\x00\x00\x00")
        or b"<svg" in data[:2048].lower()
    ):
        return PhotoError("unsupported_format", _MSG_UNSUPPORTED)
    return PhotoError("not_an_image", _MSG_NOT_AN_IMAGE)


def _to_rgb(im: Image.Image) -> Image.Image:
    """Three 8-bit channels; transparent areas become white, as on the page they came from."""
    if im.mode.startswith("I;16") or im.mode == "I":
        # A plain convert() would clip 16-bit grey to white.
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
        im.info.pop("transparency", None)
    if im.has_transparency_data:
        background = Image.new("RGBA", im.size, (255, 255, 255, 255))
        background.alpha_composite(im.convert("RGBA"))
        return background.convert("RGB")
    return im if im.mode == "RGB" else im.convert("RGB")


@functools.cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(im: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert wide-gamut photos (iPhone Display P3, Adobe RGB) so colours survive losing the profile."""
    if not icc_profile:
        return im
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(im, source, _srgb(), outputMode="RGB") or im
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        log.info("Ignoring unusable ICC profile", exc_info=True)
        return im


def _private_metadata(im: Image.Image) -> tuple[float | None, float | None, datetime | None]:
    # Metadata is a bonus: a malformed tag must not cost the citizen their photo.
    try:
        exif = im.getexif()
    except Exception:
        log.info("Ignoring unreadable EXIF", exc_info=True)
        return None, None, None
    try:
        lat, lon = _gps(exif)
    except Exception:
        log.info("Ignoring unreadable EXIF GPS", exc_info=True)
        lat = lon = None
    try:
        taken_at = _taken_at(exif)
    except Exception:
        log.info("Ignoring unreadable EXIF capture time", exc_info=True)
        taken_at = None
    return lat, lon, taken_at


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "S")
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    # Cameras without a fix often write 0/0; a photo from the Gulf of Guinea is not a Hanoi report.
    if lat == 0 and lon == 0:
        return None, None
    return lat, lon


def _degrees(value, ref, negative: str) -> float | None:
    """Degrees, minutes, seconds as rationals (or fewer parts) to signed decimal degrees."""
    if value is None:
        return None
    parts = [float(p) for p in (value if isinstance(value, tuple | list) else (value,))]
    if not 1 <= len(parts) <= 3:
        return None
    parts += [0.0] * (3 - len(parts))
    result = parts[0] + parts[1] / 60 + parts[2] / 3600
    if not math.isfinite(result):
        return None
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if isinstance(ref, str) and ref.strip("\x00 ").upper().startswith(negative):
        result = -abs(result)
    return result


_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


def _taken_at(exif: Image.Exif) -> datetime | None:
    tags = exif.get_ifd(ExifTags.IFD.Exif)
    raw = tags.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTimeOriginal)
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    if not isinstance(raw, str):
        return None
    text = raw.strip("\x00 ")[:19].replace("-", ":")
    try:
        naive = datetime.strptime(text, "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    tz = CAPTURE_TZ
    offset = tags.get(ExifTags.Base.OffsetTimeOriginal)
    if isinstance(offset, bytes):
        offset = offset.decode("ascii", "replace")
    if isinstance(offset, str) and (match := _OFFSET.fullmatch(offset.strip("\x00 "))):
        sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        if delta <= timedelta(hours=14):
            tz = timezone(-delta if sign == "-" else delta)
    return naive.replace(tzinfo=tz)
