from flask import Blueprint, jsonify

from geodata.db import SessionLocal
from geodata.models import Upload
from geodata.tasks import process_upload

bp = Blueprint("uploads", __name__, url_prefix="/uploads")


@bp.post("/<int:upload_id>/process")
def process(upload_id: int):
    with SessionLocal() as session:
        if session.get(Upload, upload_id) is None:
            return jsonify(error="not found"), 404
    result = process_upload.delay(upload_id)
    return jsonify(task=result.id), 202
