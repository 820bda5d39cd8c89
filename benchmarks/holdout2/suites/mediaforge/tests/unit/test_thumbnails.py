import pytest

from mediaforge.actors import generate_thumbnails


def test_thumbnails_written(broker, worker, uploaded_asset, thumb_dir):
    generate_thumbnails.send(uploaded_asset, str(thumb_dir))
    broker.join(generate_thumbnails.queue_name)
    worker.join()
    assert sorted(p.name for p in thumb_dir.glob("thumb-*.jpg")) == ["thumb-0.jpg", "thumb-1.jpg", "thumb-2.jpg"]


@pytest.mark.usefixtures("worker")
def test_thumbnails_requested(uploaded_asset, thumb_dir):
    message = generate_thumbnails.send(uploaded_asset, str(thumb_dir))
    assert message.queue_name == "media"
