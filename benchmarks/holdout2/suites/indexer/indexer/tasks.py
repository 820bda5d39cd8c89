import json

from bson import ObjectId

from .config import huey, index_dir
from .mongo import get_db
from .text import tokenize


@huey.task()
def index_document(doc_id):
    db = get_db()
    doc = db.documents.find_one({"_id": ObjectId(doc_id)})
    if doc is None:
        raise LookupError(f"document {doc_id} disappeared")
    shard = index_dir() / f"{doc_id}.json"
    shard.write_text(json.dumps(tokenize(doc["body"])))
    db.documents.update_one({"_id": doc["_id"]}, {"$set": {"indexed": True}})
    return 1


@huey.task()
def reindex_collection(collection):
    """Queue an index_document task for every document of the collection."""
    db = get_db()
    ids = [str(doc["_id"]) for doc in db[collection].find({}, {"_id": 1})]
    for doc_id in ids:
        index_document(doc_id)
    return len(ids)
