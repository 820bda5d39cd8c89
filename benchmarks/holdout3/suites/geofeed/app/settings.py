import os

from arq.connections import RedisSettings

REDIS = RedisSettings.from_dsn(os.environ.get("GEOFEED_REDIS", "redis://localhost:6379/2"))
PG_DSN = os.environ.get("GEOFEED_PG", "postgresql://geofeed@localhost/geofeed_test")
GEOCODER_URL = os.environ.get("GEOCODER_URL", "https://nominatim.example.org/search")
