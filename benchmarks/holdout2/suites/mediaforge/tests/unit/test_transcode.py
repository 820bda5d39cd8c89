from unittest import mock

from mediaforge.actors import ingest_upload, transcode
from mediaforge.api import handle_upload
from mediaforge.storage import BUCKET, rendition_key
from tests.support.base import ActorTestCase


class TranscodeTests(ActorTestCase):
    def test_transcode_uploads_rendition(self):
        transcode.send(self.asset_key, str(self.workdir))
        self.drain()
        head = self.s3.head_object(Bucket=BUCKET, Key=rendition_key(self.asset_key))
        self.assertGreater(head["ContentLength"], 0)

    def test_transcode_is_enqueued(self):
        message = transcode.send(self.asset_key, str(self.workdir))
        self.assertEqual(message.actor_name, "transcode")
        self.assertEqual(message.queue_name, "media")

    def test_ingest_result_lists_follow_up_jobs(self):
        message = ingest_upload.send(self.asset_key, str(self.workdir))
        self.addCleanup(self.s3.delete_object, Bucket=BUCKET, Key=rendition_key(self.asset_key))  # error: TDL001
        result = message.get_result(block=True, timeout=10_000)
        self.assertEqual(result["scheduled"], ["transcode", "thumbnails"])


class UploadHandlerTests(ActorTestCase):
    @mock.patch("mediaforge.api.transcode.send")
    def test_upload_handler_schedules_transcode(self, send):
        handle_upload(self.asset_key, str(self.workdir))
        send.assert_called_once_with(self.asset_key, str(self.workdir))
