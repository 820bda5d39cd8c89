from sqlalchemy.orm import Session

from geodata.models import Upload
from geodata.tasks import index_upload, reproject


def replace_file(session: Session, upload: Upload, new_path: str) -> Upload:
    upload.path = new_path
    upload.status = "pending"
    session.commit()
    reproject.delay(upload.id, upload.srid)
    index_upload.delay(upload.id)
    return upload
