"""Text out of a PDF file with pypdf, bounded: a hostile or broken PDF is one PdfError line.

Only text a PDF carries is read (no OCR); pages past ``MAX_PAGES`` are left out.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

__all__ = ["MAX_PAGES", "PdfError", "PdfText", "extract"]

MAX_PAGES = 200

# pypdf logs every oddity of a malformed file as a warning; the one-line PdfError says enough.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class PdfError(Exception):
    """Why a PDF could not be read, in a few words."""


@dataclass(frozen=True)
class PdfText:
    text: str
    title: str | None = None
    published: str | None = None


def extract(data: bytes) -> PdfText:
    from pypdf import PdfReader  # imported on first use: most runs read no PDF
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PdfError("the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PAGES]]
        info = reader.metadata
        title = str(info.title) if info is not None and info.title else None
        created = info.creation_date if info is not None else None
    except PdfError:
        raise
    except RecursionError:
        raise PdfError("cannot read the PDF (nested too deeply)") from None
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError,
            OverflowError, ZeroDivisionError, AssertionError) as exc:  # fmt: skip
        raise PdfError(f"cannot read the PDF ({type(exc).__name__})") from exc
    published = created.isoformat() if created is not None else None
    # Pages are separated like paragraphs; cleaning joins the lines a PDF hard-wraps.
    return PdfText(text="\n\n".join(p.strip() for p in pages if p.strip()), title=title,
                   published=published)  # fmt: skip
