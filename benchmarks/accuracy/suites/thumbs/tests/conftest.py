import io

import pytest
from PIL import Image


@pytest.fixture(scope="session")
def jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), color=(200, 30, 30)).save(buf, format="JPEG")
    return buf.getvalue()
