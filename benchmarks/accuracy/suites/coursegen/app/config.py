import os

REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
SUPABASE_URL = os.environ.get("SUPABASE_URL", "http://127.0.0.1:54321")
SUPABASE_SERVICE_ROLE_KEY = os.environ.get("SUPABASE_SERVICE_ROLE_KEY", "")
QUEUE_NAME = os.environ.get("ORCHESTRATOR_QUEUE", "course-jobs")
DOCUMENTS_BUCKET = "course-documents"
