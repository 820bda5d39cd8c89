import os

from huey import RedisHuey

huey = RedisHuey("thumbs", url=os.environ.get("HUEY_REDIS_URL", "redis://localhost:6379/3"))
