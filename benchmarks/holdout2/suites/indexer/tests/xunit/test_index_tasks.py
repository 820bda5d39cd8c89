"""Index tasks against the live huey consumer (see docker-compose.test.yml)."""
import shutil

from indexer.config import huey, index_dir
from indexer.mongo import get_db
from indexer.tasks import index_document, reindex_collection

db = None
INDEX_DIR = None


def setup_module(module):
    global db, INDEX_DIR
    db = get_db()
    INDEX_DIR = index_dir()
    INDEX_DIR.mkdir(parents=True, exist_ok=True)


def teardown_module(module):
    db.client.drop_database(db.name)  # error: TDL001
    shutil.rmtree(INDEX_DIR, ignore_errors=True)  # error: TDL001


class TestIndexDocument:
    def setup_method(self, method):
        self.doc_id = db.documents.insert_one(
            {"title": method.__name__, "body": "the quick brown fox jumps over the lazy dog"}
        ).inserted_id

    def teardown_method(self, method):
        db.documents.delete_one({"_id": self.doc_id})  # error: TDL001

    def test_index_document_enqueued(self):
        result = index_document(str(self.doc_id))
        assert result.id

    def test_reindex_collection_counts_documents(self):
        result = reindex_collection("documents")
        assert result.get(blocking=True, timeout=30) >= 1

    def test_scheduled_index_revoked(self):
        result = index_document.schedule((str(self.doc_id),), delay=300)
        result.revoke()
        assert result.is_revoked()


class TestImmediateMode:
    def setup_method(self, method):
        huey.immediate = True
        self.ids = db.documents.insert_many(
            [{"title": f"doc {i}", "body": f"immediate mode document number {i}"} for i in range(3)]
        ).inserted_ids

    def teardown_method(self, method):
        huey.immediate = False
        db.documents.delete_many({"_id": {"$in": self.ids}})

    def test_reindex_inline(self):
        assert reindex_collection("documents").get() >= 3
        assert db.documents.count_documents({"_id": {"$in": self.ids}, "indexed": True}) == 3
