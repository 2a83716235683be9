"""Photo verification and re-encoding: what comes out is a clean JPEG, what goes in is checked."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import warnings
import zlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from PIL import ExifTags, Image, ImageCms
from PIL.TiffImagePlugin import IFDRational

from app.core.images import PhotoError, process_photo

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def encode(im: Image.Image, fmt: str = "JPEG", **params) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def camera_exif(*, lat_ref="N", lon_ref="E", orientation=6, offset: str | None = None) -> Image.Exif:
    """EXIF as a phone writes it: camera, orientation, capture time and a GPS fix in Hanoi."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCamMaker"
    exif[ExifTags.Base.Model] = "SecretModel X9"
    exif[ExifTags.Base.Orientation] = orientation
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = "2026:11:03 09:15:30"
    if offset:
        sub[ExifTags.Base.OffsetTimeOriginal] = offset
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = lat_ref
    gps[ExifTags.GPS.GPSLatitude] = (IFDRational(21), IFDRational(1), IFDRational(425, 10))
    gps[ExifTags.GPS.GPSLongitudeRef] = lon_ref
    gps[ExifTags.GPS.GPSLongitude] = (IFDRational(105), IFDRational(51), IFDRational(15))
    return exif


def phone_jpeg(size=(400, 300), **exif_options) -> bytes:
    """A landscape sensor image with a red mark in its top-left corner, stored sideways."""
    im = Image.new("RGB", size, (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, size[0] // 4, size[1] // 4))
    return encode(
        im, exif=camera_exif(**exif_options), comment=b"secret comment", xmp=b"<x:xmpmeta>secret-xmp-owner</x:xmpmeta>"
    )


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a size but carries almost no pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def png_bomb() -> bytes:
    """A real, complete 20000×20000 black PNG (400 megapixels) that weighs about 50 KB."""
    width = height = 20_000
    row = bytes(1 + width // 8)  # filter byte + one bit per pixel
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row * 1000) for _ in range(height // 1000)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    assert len(data) < 100_000
    return data


def reopen(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def assert_clean_jpeg(data: bytes) -> Image.Image:
    im = reopen(data)
    assert im.format == "JPEG"
    assert im.mode == "RGB"
    assert dict(im.getexif()) == {}
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(im.info)
    assert b"Exif" not in data
    assert b"http://ns.adobe.com/xap" not in data and b"xmpmeta" not in data
    assert b"ICC_PROFILE" not in data
    return im


# --- Clean output ------------------------------------------------------------------------


def test_phone_photo_loses_all_metadata_but_keeps_it_privately():
    original = phone_jpeg()
    assert b"SecretCamMaker" in original and b"Exif" in original

    photo = process_photo(original)

    out = assert_clean_jpeg(photo.data)
    for secret in (b"SecretCamMaker", b"SecretModel", b"secret comment", b"secret-xmp-owner"):
        assert secret not in photo.data
        assert secret not in photo.thumb_data
    assert_clean_jpeg(photo.thumb_data)
    # Kept apart from the image, for the proof-of-fix check.
    assert photo.gps_lat == pytest.approx(21 + 1 / 60 + 42.5 / 3600)
    assert photo.gps_lon == pytest.approx(105 + 51 / 60 + 15 / 3600)
    assert photo.taken_at == datetime(2026, 11, 3, 9, 15, 30, tzinfo=HANOI)
    assert photo.content_type == "image/jpeg"
    assert photo.sha256 == hashlib.sha256(photo.data).hexdigest()
    assert out.info.get("progressive")
    # Private fields stay out of logs.
    assert "gps" not in repr(photo) and "21.0" not in repr(photo)


def test_orientation_is_applied():
    photo = process_photo(phone_jpeg(size=(400, 300), orientation=6))

    out = reopen(photo.data)
    assert (photo.width, photo.height) == out.size == (300, 400)
    # Orientation 6 means "rotate 90° clockwise to view": the stored top-left lands top-right.
    r, g, b = out.getpixel((out.width - 10, 10))
    assert r > 200 and b < 60
    r, g, b = out.getpixel((10, 10))
    assert r < 60 and b > 200


def test_south_and_west_are_negative_and_offset_is_honoured():
    photo = process_photo(phone_jpeg(lat_ref="S", lon_ref="W", offset="+09:00"))

    assert photo.gps_lat == pytest.approx(-(21 + 1 / 60 + 42.5 / 3600))
    assert photo.gps_lon == pytest.approx(-(105 + 51 / 60 + 15 / 3600))
    assert photo.taken_at.utcoffset() == timedelta(hours=9)
    assert photo.taken_at == datetime(2026, 11, 3, 0, 15, 30, tzinfo=ZoneInfo("UTC"))


def test_photo_without_exif_has_no_private_metadata():
    photo = process_photo(encode(Image.new("RGB", (50, 40), "green")))

    assert (photo.gps_lat, photo.gps_lon, photo.taken_at) == (None, None, None)


def test_unusable_gps_is_ignored_not_refused():
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (IFDRational(0), IFDRational(0), IFDRational(0))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (IFDRational(0), IFDRational(0), IFDRational(0))
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "0000:00:00 00:00:00"

    photo = process_photo(encode(Image.new("RGB", (50, 40)), exif=exif))

    assert (photo.gps_lat, photo.gps_lon, photo.taken_at) == (None, None, None)


def test_png_transparency_becomes_white():
    im = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    im.paste((255, 0, 0, 255), (100, 0, 200, 100))

    photo = process_photo(encode(im, "PNG"))

    out = assert_clean_jpeg(photo.data)
    assert out.size == (200, 100)
    assert all(c > 245 for c in out.getpixel((20, 50)))
    r, g, b = out.getpixel((180, 50))
    assert r > 230 and g < 30 and b < 30


def test_palette_and_sixteen_bit_pngs_are_accepted():
    palette = Image.new("P", (60, 40), 1)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    palette.paste(0, (30, 0, 60, 40))
    sixteen = Image.new("I;16", (60, 40), 40_000)

    out = reopen(process_photo(encode(palette, "PNG", transparency=1)).data)
    assert all(c > 245 for c in out.getpixel((5, 5)))
    assert all(c < 10 for c in out.getpixel((50, 5)))
    grey = reopen(process_photo(encode(sixteen, "PNG")).data).getpixel((5, 5))
    assert all(abs(c - 156) <= 3 for c in grey)


def test_webp_is_accepted_and_becomes_jpeg():
    for params in ({"quality": 80}, {"lossless": True}):
        photo = process_photo(encode(Image.new("RGB", (300, 200), "orange"), "WEBP", **params))

        out = assert_clean_jpeg(photo.data)
        assert out.size == (photo.width, photo.height) == (300, 200)


def test_big_jpeg_is_resized_and_thumbnailed():
    photo = process_photo(encode(Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")))

    assert (photo.width, photo.height) == reopen(photo.data).size == (1600, 1200)
    assert (photo.thumb_width, photo.thumb_height) == reopen(photo.thumb_data).size == (320, 240)


def test_big_sideways_jpeg_is_resized_upright():
    photo = process_photo(phone_jpeg(size=(4032, 3024), orientation=6))

    assert (photo.width, photo.height) == reopen(photo.data).size == (1200, 1600)
    assert (photo.thumb_width, photo.thumb_height) == reopen(photo.thumb_data).size == (240, 320)


def test_big_png_is_resized():
    photo = process_photo(encode(Image.new("RGB", (2400, 1600), "purple"), "PNG"))

    assert (photo.width, photo.height) == reopen(photo.data).size == (1600, 1067)
    assert (photo.thumb_width, photo.thumb_height) == reopen(photo.thumb_data).size == (320, 213)


def test_small_photo_is_not_enlarged():
    photo = process_photo(encode(Image.new("RGB", (120, 90))))

    assert (photo.width, photo.height) == (120, 90)
    assert (photo.thumb_width, photo.thumb_height) == (120, 90)


def test_colour_profile_is_applied_then_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    with_profile = encode(Image.new("RGB", (80, 60), (200, 120, 40)), icc_profile=srgb, quality=95)
    broken_profile = encode(Image.new("RGB", (80, 60), (200, 120, 40)), icc_profile=b"not a profile" * 20)

    for data in (with_profile, broken_profile):
        out = assert_clean_jpeg(process_photo(data).data)
        r, g, b = out.getpixel((40, 30))
        assert abs(r - 200) <= 6 and abs(g - 120) <= 6 and abs(b - 40) <= 6


def test_sizes_follow_the_app_settings(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_MAX_EDGE", 500)
    monkeypatch.setitem(app.config, "PHOTO_THUMB_EDGE", 100)

    photo = process_photo(encode(Image.new("RGB", (1000, 800))))

    assert (photo.width, photo.height, photo.thumb_width, photo.thumb_height) == (500, 400, 100, 80)


# --- Refusals ----------------------------------------------------------------------------


def refused(data: bytes) -> PhotoError:
    with pytest.raises(PhotoError) as caught:
        process_photo(data)
    return caught.value


def gif() -> bytes:
    frames = [Image.new("P", (20, 20), i) for i in range(3)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:])


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param(b"", "not_an_image", id="empty"),
        pytest.param(b"Bien ban phan anh: duong hong.\n" * 20, "not_an_image", id="text-named-jpg"),
        pytest.param(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "not_an_image", id="pdf"),
        pytest.param(
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b'<rect width="10" height="10"/></svg>',
            "unsupported_format",
            id="svg",
        ),
        pytest.param(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64), "unsupported_format", id="heic"),
        pytest.param(gif(), "unsupported_format", id="gif"),
        pytest.param(encode(Image.new("RGB", (20, 20)), "TIFF"), "unsupported_format", id="tiff"),
        pytest.param(encode(Image.new("RGB", (20, 20)), "BMP"), "unsupported_format", id="bmp"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"garbage" * 10, "corrupt", id="jpeg-signature-only"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "corrupt", id="png-signature-only"),
    ],
)
def test_refused_by_content(data, code):
    assert refused(data).code == code


def test_truncated_jpeg_is_corrupt():
    data = encode(Image.effect_noise((600, 400), 80).convert("RGB"))

    assert refused(data[: len(data) // 2]).code == "corrupt"


def test_truncated_png_is_corrupt():
    data = encode(Image.effect_noise((300, 200), 80), "PNG")

    assert refused(data[: len(data) // 2]).code == "corrupt"


def test_file_over_the_byte_limit_is_refused_before_parsing():
    assert refused(b"\xff\xd8\xff" + bytes(12 * 1024 * 1024)).code == "too_large"


def test_byte_limit_comes_from_the_app(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_MAX_BYTES", 1024 * 1024)
    noise = encode(Image.frombytes("RGB", (700, 700), random.Random(0).randbytes(700 * 700 * 3)), "PNG")
    assert len(noise) > 1024 * 1024

    error = refused(noise)

    assert error.code == "too_large"
    with app.test_request_context(), force_locale("en"):
        assert str(error.message) == "This photo is larger than 1 MB. Please choose a smaller photo."


def test_real_decompression_bomb_is_refused_without_decoding(png_bomb):
    assert refused(png_bomb).code == "too_many_pixels"


@pytest.mark.parametrize(
    "size",
    [(50_000, 50_000), (10_000, 10_000), (7_000, 6_000)],
    ids=["over-pillow-error", "over-pillow-warning", "over-app-limit"],
)
def test_declared_size_over_the_limit_is_refused(size):
    assert refused(png_header_only(*size)).code == "too_many_pixels"


def test_pillow_bomb_warning_refuses_even_when_warnings_are_ignored():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        assert refused(png_header_only(10_000, 10_000)).code == "too_many_pixels"


def test_pixel_limit_comes_from_the_app(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_MAX_PIXELS", 1_000_000)

    error = refused(encode(Image.new("RGB", (1200, 1000))))

    assert error.code == "too_many_pixels"
    with app.test_request_context(), force_locale("en"):
        assert str(error.message) == "This photo has too many pixels. Please choose a photo of at most 1 megapixels."


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"hello", "This file is not a photo. Please choose a JPEG, PNG or WebP image."),
        (b"GIF89a" + bytes(20), "This image format is not supported. Please choose a JPEG, PNG or WebP image."),
        (
            b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
            "HEIC photos are not supported yet. Please send the photo as JPEG "
            "(on an iPhone: Settings → Camera → Formats → Most Compatible).",
        ),
        (b"\xff\xd8\xff\xe0", "This photo is damaged or incomplete. Please take it again or choose another photo."),
    ],
)
def test_messages_are_translatable_text(app, data, text):
    error = refused(data)

    with app.test_request_context(), force_locale("en"):
        assert str(error.message) == text


def test_big_jpeg_is_decoded_at_reduced_scale(monkeypatch):
    from PIL.JpegImagePlugin import JpegImageFile

    decoded = []
    real_load = JpegImageFile.load

    def spy_load(self):
        decoded.append(self.size)
        return real_load(self)

    monkeypatch.setattr(JpegImageFile, "load", spy_load)

    process_photo(encode(Image.new("RGB", (4000, 3000), "teal")))

    assert decoded[0] == (2000, 1500)
