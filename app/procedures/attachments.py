"""Complaint attachments checked by their content: photos are re-encoded (app.core.images),
PDFs must start with a PDF header, open with pypdf, have pages and not be encrypted."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core.images import PhotoError, process_photo

log = logging.getLogger(__name__)

MAX_ATTACHMENTS = 5
DEFAULT_PDF_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_PDF_MAX_PAGES = 50


class AttachmentError(ValueError):
    def __init__(self, code: str, message) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    data: bytes = field(repr=False)
    sha256: str
    pages: int | None = None


def pdf_limits() -> tuple[int, int]:
    config = current_app.config
    return (int(config.get("COMPLAINT_PDF_MAX_BYTES") or DEFAULT_PDF_MAX_BYTES),
            int(config.get("COMPLAINT_PDF_MAX_PAGES") or DEFAULT_PDF_MAX_PAGES))


def check_pdf(data: bytes) -> CheckedFile:
    """A PDF the officials can open: header, parse, page count and size checked."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    max_bytes, max_pages = pdf_limits()
    if len(data) > max_bytes:
        raise AttachmentError("too_large", _l("This PDF is larger than %(size)s MB.",
                                              size=f"{max_bytes / (1024 * 1024):g}"))
    # The header may follow a little junk (the PDF specification allows it within 1 KB).
    if b"%PDF-" not in data[:1024]:
        raise AttachmentError("not_pdf", _l("This file is neither a photo nor a PDF document."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise AttachmentError("encrypted", _l("This PDF is protected by a password. Please send it "
                                                  "without a password."))
        pages = len(reader.pages)
    except AttachmentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as e:
        log.info("PDF refused: %s", type(e).__name__)
        raise AttachmentError("corrupt", _l("This PDF is damaged and cannot be opened.")) from e
    if pages < 1:
        raise AttachmentError("corrupt", _l("This PDF is damaged and cannot be opened."))
    if pages > max_pages:
        raise AttachmentError("too_many_pages", _l("This PDF has more than %(num)d pages.", num=max_pages))
    return CheckedFile("application/pdf", data, hashlib.sha256(data).hexdigest(), pages)


def check_file(data: bytes) -> CheckedFile:
    """A photo (re-encoded as JPEG without metadata) or a PDF; the content decides, not the name."""
    if b"%PDF-" in data[:1024]:
        return check_pdf(data)
    try:
        photo = process_photo(data)
    except PhotoError as e:
        if e.code == "not_an_image":
            raise AttachmentError("not_supported",
                                  _l("This file is neither a photo nor a PDF document.")) from e
        raise AttachmentError(e.code, e.message) from e
    return CheckedFile("image/jpeg", photo.data, photo.sha256)
