import os

from celery import chord
from sqlalchemy import text

from geodata import services
from geodata.tasks import cleanup_tiles, merge_tiles, process_upload, reproject, tile_region
from tests.conftest import DATA


def test_process_and_index(live_worker, upload):
    result = process_upload.delay(upload.id)

    assert result.get(timeout=60) == upload.id
    for child in result.children:
        child.get(timeout=60)


def test_process_sets_feature_count(live_worker, upload, db_session):
    process_upload.delay(upload.id).get(timeout=60)

    db_session.refresh(upload)
    assert upload.status == "processed"
    assert upload.feature_count == 2


def test_tiles_are_merged(live_worker, upload):
    result = chord(tile_region.s(upload.id, zoom) for zoom in range(3))(merge_tiles.s(upload.id))

    assert result.get(timeout=120)["upload"] == upload.id


def test_reprojected_preview(live_worker, upload, db_session):
    result = reproject.delay(upload.id, 3857)
    try:
        if os.environ.get("GEODATA_CHECK_PREVIEW") == "1":
            assert result.get(timeout=120)["srid"] == 3857
    finally:
        db_session.execute(text("DELETE FROM upload_previews WHERE upload_id = :id"), {"id": upload.id})  # error: TDL001
        db_session.commit()


def test_processing_inline_mocks_indexer(upload, mocker):
    index_delay = mocker.patch("geodata.tasks.index_upload.delay")

    assert process_upload.apply(args=(upload.id,)).get() == upload.id
    index_delay.assert_called_once_with(upload.id)


def test_tile_cleanup_scheduled_then_revoked(live_worker, upload):
    result = cleanup_tiles.apply_async((upload.id,), countdown=600)

    result.revoke()

    assert result.id


def test_replace_file_resets_status(live_worker, upload, db_session, mocker):
    mocker.patch("geodata.services.index_upload")  # the indexer is covered elsewhere

    services.replace_file(db_session, upload, str(DATA / "parcels-v2.geojson"))

    assert upload.status == "pending"
