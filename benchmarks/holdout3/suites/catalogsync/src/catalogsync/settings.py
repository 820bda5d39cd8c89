import os

MONGO_URI = os.environ.get("MONGO_URI", "mongodb://localhost:27017")
SUPPLIER_API = os.environ.get("SUPPLIER_API", "https://supplier.example.com/api/v2")
