from functools import lru_cache

from supabase import Client, create_client

from .settings import SUPABASE_KEY, SUPABASE_URL


@lru_cache(maxsize=1)
def get_client() -> Client:
    return create_client(SUPABASE_URL, SUPABASE_KEY)
