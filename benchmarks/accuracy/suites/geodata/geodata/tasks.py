import json

from shapely.geometry import shape
from sqlalchemy import text

from geodata.celery_app import celery
from geodata.db import SessionLocal
from geodata.models import Upload, UploadIndex, UploadPreview


def _features(path: str) -> list[dict]:
    with open(path) as fh:
        return json.load(fh)["features"]


@celery.task(bind=True, max_retries=3)
def process_upload(self, upload_id: int) -> int:
    with SessionLocal() as session:
        upload = session.get(Upload, upload_id)
        if upload is None:
            raise LookupError(upload_id)
        upload.feature_count = len(_features(upload.path))
        upload.status = "processed"
        session.commit()
    index_upload.delay(upload_id)
    return upload_id


@celery.task
def index_upload(upload_id: int) -> str:
    with SessionLocal() as session:
        upload = session.get(Upload, upload_id)
        if upload is None:
            raise LookupError(upload_id)
        minx = miny = float("inf")
        maxx = maxy = float("-inf")
        for feature in _features(upload.path):
            x0, y0, x1, y1 = shape(feature["geometry"]).bounds
            minx, miny, maxx, maxy = min(minx, x0), min(miny, y0), max(maxx, x1), max(maxy, y1)
        bbox = f"{minx},{miny},{maxx},{maxy}"
        session.merge(UploadIndex(upload_id=upload_id, bbox=bbox))
        session.commit()
        return bbox


@celery.task
def tile_region(upload_id: int, zoom: int) -> int:
    with SessionLocal() as session:
        upload = session.get(Upload, upload_id)
        return (upload.feature_count or 0) * (4**zoom)


@celery.task
def merge_tiles(counts: list[int], upload_id: int) -> dict:
    return {"upload": upload_id, "tiles": sum(counts)}


@celery.task
def reproject(upload_id: int, srid: int = 4326) -> dict:
    with SessionLocal() as session:
        upload = session.get(Upload, upload_id)
        if upload is None:
            raise LookupError(upload_id)
        preview = UploadPreview(upload_id=upload_id, srid=srid, geojson=json.dumps(_features(upload.path)[:10]))
        session.add(preview)
        session.commit()
        return {"upload": upload_id, "srid": srid, "preview": preview.id}


@celery.task
def cleanup_tiles(upload_id: int) -> None:
    with SessionLocal() as session:
        session.execute(text("DELETE FROM tile_cache WHERE upload_id = :id"), {"id": upload_id})
        session.commit()


@celery.task
def compute_region_stats(table_name: str) -> dict:
    with SessionLocal() as session:
        row = session.execute(
            text(f"SELECT count(*), ST_AsText(ST_Extent(geom)) FROM {table_name}")  # noqa: S608
        ).one()
        return {"regions": row[0], "extent": row[1]}
