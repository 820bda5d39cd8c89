"""Supplier catalogue synchronisation."""

from datetime import datetime, timezone

import requests
from pymongo import MongoClient, UpdateOne

from .settings import SUPPLIER_API


def fetch_supplier_record(sku, session=None):
    http = session or requests
    resp = http.get(f"{SUPPLIER_API}/products/{sku}", timeout=10)
    resp.raise_for_status()
    return resp.json()


def sync_product(collection, sku):
    record = fetch_supplier_record(sku)
    collection.update_one(
        {"sku": sku},
        {"$set": {"title": record["title"], "price": record["price"], "synced_at": datetime.now(timezone.utc)}},
        upsert=True,
    )
    return sku


def reprice_all(collection, factor):
    ops = [
        UpdateOne({"_id": doc["_id"]}, {"$set": {"price": round(doc["price"] * factor, 2)}})
        for doc in collection.find({}, {"price": 1})
    ]
    if ops:
        collection.bulk_write(ops, ordered=False)
    return len(ops)


def import_feed(db, rows):
    feed_id = db["feeds"].insert_one({"rows": len(rows), "started_at": datetime.now(timezone.utc)}).inserted_id
    for row in rows:
        db["products"].update_one({"sku": row["sku"]}, {"$set": row}, upsert=True)
        db["feeds"].update_one({"_id": feed_id}, {"$inc": {"done": 1}})
    return feed_id


def rebuild_search_index(mongo_uri, db_name):
    """Runs in a worker process, so it opens its own client."""
    with MongoClient(mongo_uri) as client:
        db = client[db_name]
        docs = [
            {"sku": p["sku"], "terms": sorted(set(p.get("title", "").lower().split()))}
            for p in db["products"].find({}, {"sku": 1, "title": 1})
        ]
        db["search_index"].delete_many({})
        if docs:
            db["search_index"].insert_many(docs)
        return len(docs)


def warm_cache(collection, skus):
    for sku in skus:
        record = fetch_supplier_record(sku)
        collection.replace_one({"_id": sku}, {"_id": sku, "price": record["price"]}, upsert=True)
