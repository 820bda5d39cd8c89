import shutil
import tempfile
import unittest
import uuid
from pathlib import Path

import dramatiq
from dramatiq import Worker

from mediaforge.actors import transcode
from mediaforge.storage import BUCKET, s3_client
from tests.support.media import SAMPLE_MOV


class ActorTestCase(unittest.TestCase):
    """Base class: a live dramatiq worker for the class, one uploaded asset per test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.broker = dramatiq.get_broker()
        cls.broker.flush_all()
        cls.worker = Worker(cls.broker, worker_timeout=100)
        cls.worker.start()

    @classmethod
    def tearDownClass(cls):
        cls.worker.stop()
        super().tearDownClass()

    def setUp(self):
        self.s3 = s3_client()
        self.asset_key = f"uploads/{uuid.uuid4().hex}.mov"
        self.s3.put_object(Bucket=BUCKET, Key=self.asset_key, Body=SAMPLE_MOV)
        self.addCleanup(self.s3.delete_object, Bucket=BUCKET, Key=self.asset_key)  # error: TDL001
        self.workdir = Path(tempfile.mkdtemp(prefix="mediaforge-"))

    def tearDown(self):
        shutil.rmtree(self.workdir, ignore_errors=True)  # error: TDL001

    def drain(self):
        """Wait until every message on the media queue has been processed."""
        self.broker.join(transcode.queue_name)
        self.worker.join()
