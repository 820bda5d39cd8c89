from pathlib import Path

from django.conf import settings
from pypdf import PdfReader


def count_pages(filename: str) -> int:
    path = Path(settings.MEDIA_ROOT) / "documents" / filename
    if not path.exists():
        return 1
    return len(PdfReader(path).pages)
